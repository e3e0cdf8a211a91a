/**
 * Reads a manifest file and runs the pure parser on it. Every failure is a `ManifestError` with a
 * code (ERR_MANIFEST_NOT_FOUND / ERR_MANIFEST_PARSE / ERR_MANIFEST_INVALID) and all issues, each
 * labelled with the file as the user gave it.
 *
 * Manifests are first read with js-yaml, which is about 15 times faster than `yaml` (about 70 ms
 * against 1.2 s for a 1.8 MB manifest of 10,000 evidence items), through `createFastYamlLoad`: a schema that resolves plain scalars exactly as the YAML
 * 1.2 core schema of `yaml` does, and refusals (a throw) for everything where the two libraries
 * could differ. A manifest written as JSON is read with `JSON.parse` (`fastJsonLoad`), faster
 * still. When the fast loader refuses or the manifest has any issue, the text is parsed with
 * `yaml` (`parseManifest`, imported only then), so issues and positions are always those of
 * `yaml`. When js-yaml is not installed, YAML manifests are parsed with `yaml`.
 */
import { createHash } from 'node:crypto'
import { decodeUtf8, notUtf8Issue, readBoundedFile } from './fs-safe.js'
import path from 'node:path'
import type { Issue } from '../core/errors.js'
import { ManifestError } from '../core/errors.js'
import { parseCleanManifest } from '../core/manifest/parse-fast.js'
import type { Manifest } from '../core/manifest/schema.js'

/** Manifests larger than this are refused before parsing (5 MiB). */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024

export interface LoadManifestResult {
  manifest: Manifest
  /** The path as given (used in messages and issues). */
  file: string
  /** Absolute directory of the manifest; evidence paths are relative to it. */
  dir: string
  /** The text as read (UTF-8, without a byte-order mark). */
  text: string
  /** SHA-256 (hex) of the raw bytes of the file. */
  sha256: string
  /** Problems that do not stop the manifest from being used. */
  warnings: Issue[]
}

export interface LoadManifestOptions {
  /**
   * Read the manifest with the fast loader first (default true; false parses with `yaml` at once,
   * for tests that compare the two). The result is the same either way. Every manifest takes it,
   * small ones too: they were parsed with `yaml` until 2026-11-22, and importing `yaml` alone made
   * `accord assess` of an example about 0.1 s slower (0.42 against 0.30 s).
   */
  fastLoader?: boolean
}

/** Reads, parses and validates the manifest at `file`. */
export async function loadManifest(
  file: string,
  options: LoadManifestOptions = {},
): Promise<LoadManifestResult> {
  const bytes = await readManifestBytes(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  const text = decodeUtf8(bytes)
  if (text === undefined) {
    throw new ManifestError({
      code: 'ERR_MANIFEST_PARSE',
      message: `${file}: the manifest is not valid UTF-8 text`,
      issues: [notUtf8Issue(file)],
    })
  }
  if (text.trim() === '') {
    throw new ManifestError({
      code: 'ERR_MANIFEST_INVALID',
      message: `${file}: the manifest file is empty`,
      issues: [
        {
          code: 'manifest_empty',
          path: [],
          file,
          message: 'the manifest file is empty',
          hint: 'start from one of examples/*/accord.yaml; a manifest begins with apiVersion: accord.dev/v1',
        },
      ],
    })
  }

  const fastLoad = options.fastLoader === false ? undefined : await fastLoaderFor(text)
  const clean = fastLoad === undefined ? undefined : parseCleanManifest(text, fastLoad)
  const { manifest, warnings } =
    clean === undefined ? await parseWithPositions(text, file) : { manifest: clean, warnings: [] }
  return { manifest, file, dir: path.dirname(path.resolve(file)), text, sha256, warnings }
}

/**
 * The rest of `parseManifest(text, file, { fastLoad })` when the fast path gives no manifest:
 * the `yaml` parse that reports every issue with its position. ../core/manifest/parse.js is
 * imported only here because it imports `yaml` (about 37 ms), which a manifest without
 * problems does not need.
 */
async function parseWithPositions(
  text: string,
  file: string,
): Promise<{ manifest: Manifest; warnings: Issue[] }> {
  const { parseManifest, syntaxOf, YAML_ISSUE_CODES } = await import('../core/manifest/parse.js')
  const result = parseManifest(text, file)
  if (!result.ok) {
    const syntax = result.issues.some((i) => YAML_ISSUE_CODES.has(i.code))
    const n = result.issues.length
    throw new ManifestError({
      code: syntax ? 'ERR_MANIFEST_PARSE' : 'ERR_MANIFEST_INVALID',
      message: syntax
        ? `${file}: the manifest is not well-formed ${syntaxOf(text, file)} (${n} problem${n === 1 ? '' : 's'})`
        : `${file}: the manifest has ${n} problem${n === 1 ? '' : 's'}`,
      issues: result.issues,
      details: { warnings: result.warnings },
    })
  }
  return result
}

/** Reads the raw bytes, refusing missing files, directories and oversized files. */
async function readManifestBytes(file: string): Promise<Buffer> {
  const read = await readBoundedFile(file, MAX_MANIFEST_BYTES)
  if (read.ok) return read.bytes
  const { problem } = read
  if (problem.kind === 'too-large') throw tooLarge(file, problem.size)
  throw notFound(
    file,
    problem.directory ? 'is a directory, not a manifest file' : problem.why,
    problem.cause,
  )
}

function notFound(file: string, why: string, cause?: unknown): ManifestError {
  return new ManifestError({
    code: 'ERR_MANIFEST_NOT_FOUND',
    message: `manifest ${file} ${why}`,
    cause,
    issues: [
      {
        code: 'manifest_not_found',
        path: [],
        file,
        message: `the manifest ${why}`,
        hint: 'check the path; to start a new manifest, run `accord init` (or copy one of examples/*/accord.yaml)',
      },
    ],
  })
}

function tooLarge(file: string, size: number): ManifestError {
  const mib = (size / 1024 / 1024).toFixed(1)
  return new ManifestError({
    code: 'ERR_MANIFEST_INVALID',
    message: `${file}: the manifest is ${mib} MiB; the limit is 5 MiB`,
    issues: [
      {
        code: 'manifest_too_large',
        path: [],
        file,
        message: `the file is ${mib} MiB, larger than the 5 MiB limit for manifests`,
        hint: 'keep documents out of the manifest: put them in files and list them under evidence',
      },
    ],
  })
}

// ---------------------------------------------------------------------------------------------
// Fast YAML loading (js-yaml), refusing whatever `yaml` could read differently.

/** The parts of js-yaml used here (it ships no types). */
export interface JsYamlModule {
  load(text: string, options: Record<string, unknown>): unknown
  Type: new (tag: string, options: Record<string, unknown>) => unknown
  Schema: new (definition: { implicit: unknown[]; explicit: unknown[] }) => unknown
}

/** The parser state js-yaml passes to its `listener` option. */
interface JsYamlState {
  input: string
  position: number
  tag: string | null
  anchor: string | null
  kind: string | null
}

/** Thrown by the fast loader for text it does not promise to read as `yaml` does. */
export class FastYamlRefused extends Error {
  override readonly name = 'FastYamlRefused'
}

/** Prefix of the private tags of the plain-scalar types below (never valid in a manifest). */
const PRIVATE_TAG = 'tag:accord.dev,2026:core-'

/**
 * Plain scalars resolved exactly as the YAML 1.2 core schema of `yaml` 2.x resolves them
 * (node_modules/yaml/dist/schema/core: same regular expressions, same order, same conversion),
 * not as js-yaml's CORE_SCHEMA does (which also reads `0b11`, `1_000` and differs on `+.5`).
 */
const CORE_SCALARS: readonly [string, RegExp, (s: string) => unknown][] = [
  ['null', /^(?:~|[Nn]ull|NULL)?$/, () => null],
  ['bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  ['int-oct', /^0o[0-7]+$/, (s) => parseInt(s.substring(2), 8)],
  ['int', /^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
  ['int-hex', /^0x[0-9a-fA-F]+$/, (s) => parseInt(s.substring(2), 16)],
  [
    'float-nan',
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    (s) =>
      s.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : s[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY,
  ],
  ['float-exp', /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, (s) => parseFloat(s)],
  ['float', /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, (s) => parseFloat(s)],
]

/**
 * Whether a plain scalar can match one of `CORE_SCALARS`: it is empty or starts with one of
 * `-+.0123456789~nNtTfF`. Most plain scalars of a manifest are words (keys, ids, titles), ruled out
 * by this one test.
 */
function mayBeCoreScalar(data: string): boolean {
  if (data.length === 0) return true
  const c = data.charCodeAt(0)
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x2b || // +
    c === 0x2e || // .
    c === 0x7e || // ~
    c === 0x6e || // n
    c === 0x4e || // N
    c === 0x74 || // t
    c === 0x54 || // T
    c === 0x66 || // f
    c === 0x46 // F
  )
}

/**
 * Matches a plain scalar exactly when one of `CORE_SCALARS` does: their union, so that a scalar
 * none of them reads (`nist-ai-rmf:map-1.1`, `title`, a date) costs one test instead of eight.
 */
const ANY_CORE_SCALAR = new RegExp(CORE_SCALARS.map(([, test]) => `(?:${test.source})`).join('|'))

/** `?` at a line start or after white space, `,`, `[` or `{`, before white space or the end. */
export const EXPLICIT_KEY = /\?(?<=(?:^|[\s,[{])\?)(?=\s|$)/m

/**
 * `:` before white space or the end, after a line start, white space, `,`, `[` or `{`, an optional
 * null word and blanks.
 */
export const NULL_KEY = /:(?<=(?:^|[\s,[{])(?:~|null|Null|NULL)?[ \t]*:)(?=\s|$)/m

/**
 * `%` at the start of a line, where `/^%/m` finds it (at the start of the text or after a line
 * terminator of JavaScript: LF, CR, U+2028 or U+2029). It looks only at each `%` instead of every
 * line start: about 0.05 against 1.6 ms on the 1.8 MB bench manifest, whose prose holds a `%`.
 */
export function hasDirective(text: string): boolean {
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    if (i === 0) return true
    const c = text.charCodeAt(i - 1)
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return true
  }
  return false
}

/**
 * Text the fast loader refuses outright: directives (`%YAML 1.1` switches `yaml` to another
 * schema), line breaks of a lone CR, a comment glued to a quoted scalar (`"x"#c`, an error in
 * `yaml`), explicit `? key` entries (js-yaml turns collection keys into strings differently), and
 * null or empty keys (`null: x` is the key "null" in js-yaml, "" in `yaml`; also matches some
 * harmless text such as `a : b`, which is then merely read by `yaml`).
 *
 * Each test is written to be fast on megabytes of text: a substring search, or a regular
 * expression that starts with the one character it is about (`?`, `:`) and only then looks
 * behind it, instead of trying an alternation at every position. The last two match exactly
 * where `/(?:^|[\s,[{])\?(?:\s|$)/m` and `/(?:^|[\s,[{])(?:~|null|Null|NULL)?[ \t]*:(?:\s|$)/m`
 * match (test/node/manifest-loader.test.ts compares them), about five times faster.
 */
const REFUSED_TEXT: readonly [string, (text: string) => boolean][] = [
  ['a directive', (t) => hasDirective(t)],
  ['a lone CR', (t) => t.includes('\r') && /\r(?!\n)/.test(t)],
  ['a comment glued to a quoted scalar', (t) => t.includes('"#') || t.includes("'#")],
  ['an explicit key', (t) => EXPLICIT_KEY.test(t)],
  ['a null or empty key', (t) => NULL_KEY.test(t)],
]

/**
 * A loader with js-yaml that returns the data `yaml` would (YAML 1.2 core schema, unique keys) or
 * throws. Besides the refused text above, it throws on: any tag (js-yaml: unknown tag) or
 * anchor (so no aliases either), duplicate keys, a flow collection used as a key, and a flow
 * collection spanning lines inside a block collection (`yaml` checks its indentation, js-yaml
 * does not). A flow document (JSON) and flow collections inside it may span lines.
 */
export function createFastYamlLoad(jsyaml: JsYamlModule): (text: string) => unknown {
  // One implicit type for all of CORE_SCALARS: js-yaml tries each implicit type on every plain
  // scalar (keys included), so one call that rules most of them out at the first character is
  // cheaper than eight. `resolve` finds the first entry that matches, in order, as `yaml` does;
  // js-yaml calls `construct` right after a `resolve` that returned true, on the same data.
  let matched: (s: string) => unknown = () => undefined
  const implicit = [
    new jsyaml.Type(PRIVATE_TAG + 'scalar', {
      kind: 'scalar',
      // js-yaml passes the tag as a second argument only for an explicit tag: refuse those.
      resolve: (data: unknown, tag?: unknown) => {
        if (tag !== undefined || typeof data !== 'string') return false
        if (!mayBeCoreScalar(data) || !ANY_CORE_SCALAR.test(data)) return false
        for (const [, test, construct] of CORE_SCALARS) {
          if (test.test(data)) {
            matched = construct
            return true
          }
        }
        return false
      },
      construct: (data: string) => matched(data),
    }),
  ]
  // No str/seq/map types: untagged nodes need none, and any explicit tag is then unknown.
  const schema = new jsyaml.Schema({ implicit, explicit: [] })

  return (text: string): unknown => {
    if (text.includes(PRIVATE_TAG)) throw new FastYamlRefused('private tag name')
    for (const [what, found] of REFUSED_TEXT) {
      if (found(text)) throw new FastYamlRefused(`the text has ${what}`)
    }
    // The node checks cost about a tenth of the parse (two calls for each of ~150,000 nodes of a
    // large manifest); most manifests give them nothing to find.
    return jsyaml.load(
      text,
      mayNeedNodeChecks(text) ? { schema, listener: nodeChecks() } : { schema },
    )
  }
}

/**
 * A js-yaml `listener` that throws for an anchor, a tag, a flow collection used as a key, and a
 * flow collection spanning lines inside a block collection. One per `load` call.
 */
export function nodeChecks(): (event: 'open' | 'close', state: JsYamlState) => void {
  const starts: number[] = []
  return (event, state) => {
    if (event === 'open') {
      starts.push(state.position)
      return
    }
    const start = starts.pop() as number
    if (state.anchor !== null) throw new FastYamlRefused('anchor')
    if (state.tag !== null && state.tag !== '?' && !state.tag.startsWith(PRIVATE_TAG)) {
      throw new FastYamlRefused('tag')
    }
    if (state.kind !== 'mapping' && state.kind !== 'sequence') return
    const input = state.input
    const open = significant(input, start)
    if (input[open] !== '[' && input[open] !== '{') return
    // A flow collection used as an implicit key: `[a]: b`.
    let after = state.position
    while (input[after] === ' ' || input[after] === '\t') after++
    if (input[after] === ':') throw new FastYamlRefused('collection key')
    // Spanning lines inside a block collection (inside flow, or at the top, it may).
    const parent = starts.at(-1)
    if (parent === undefined) return
    const p = significant(input, parent)
    if (input[p] === '[' || input[p] === '{') return
    if (containsBreak(input, open, state.position)) {
      throw new FastYamlRefused('multi-line flow collection in a block collection')
    }
  }
}

/**
 * `&` followed by a character of an anchor name, or `!`: js-yaml reads every anchor and tag from
 * one of these (and refuses `&` followed by one of ` \t\r\n,[]{}`, or nothing), so without a
 * match a text has neither. What comes before them is not looked at: js-yaml starts a node in
 * places such as right after the closing quote of a scalar.
 */
const NODE_PROPERTY = /&[^ \t\r\n,[\]{}]|!/

/**
 * `[` or `{` not followed on its line by `]` or `}` with no bracket, quote or `#` before it. Without
 * a match, every flow collection is closed on the line it opens on: its plain scalars cannot hold
 * a bracket, and it holds no quoted scalar, comment or nested collection.
 */
const UNCLOSED_FLOW = /[[{](?![^[\]{}"'#\r\n]*[\]}])/

/** `]` or `}` followed by blanks and `:`, as after a flow collection used as a key. */
const FLOW_KEY = /[\]}][ \t]*:/

/**
 * Whether `nodeChecks` could find anything in `text`: false when the text has no anchor or tag and
 * every flow collection is closed on the line it opens on and not followed by `:`. Text that only
 * looks like it (`R&D`, a `[` in a quoted scalar) merely gets the checks.
 * test/node/manifest-loader.test.ts checks that `nodeChecks` refuses nothing in many texts where
 * this is false.
 */
export function mayNeedNodeChecks(text: string): boolean {
  return MAY_NEED_NODE_CHECKS.test(text)
}

/**
 * The three above as one alternation, which matches where any of them does: one scan of the text
 * instead of three (about 1.1 against 3.1 ms on the 1.8 MB bench manifest).
 */
const MAY_NEED_NODE_CHECKS = new RegExp(
  [NODE_PROPERTY, UNCLOSED_FLOW, FLOW_KEY].map((r) => r.source).join('|'),
)

/** Index of the first character at or after `i` that is not white space or part of a comment. */
function significant(input: string, i: number): number {
  for (;;) {
    const c = input[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++
    else if (c === '#') {
      while (i < input.length && input[i] !== '\n') i++
    } else return i
  }
}

function containsBreak(input: string, from: number, to: number): boolean {
  const n = input.indexOf('\n', from)
  const r = input.indexOf('\r', from)
  return (n !== -1 && n < to) || (r !== -1 && r < to)
}

// ---------------------------------------------------------------------------------------------
// Fast JSON loading.

/**
 * A manifest written as JSON read with `JSON.parse`, or a throw. JSON is YAML, and for a JSON
 * text `yaml` (YAML 1.2 core schema) gives the data JSON.parse gives, with one exception: a key
 * given twice is an error in `yaml` and the last value in JSON.parse. So the keys in the text are
 * counted (every `:` outside a string separates one) and compared with the keys in the data;
 * test/node/manifest-loader.test.ts compares the two readers on many JSON texts.
 */
export function fastJsonLoad(text: string): unknown {
  if (!JSON_OBJECT_START.test(text)) throw new FastYamlRefused('not a JSON object')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new FastYamlRefused('not JSON')
  }
  if (keysInJsonText(text) !== keysIn(data)) throw new FastYamlRefused('a key given twice')
  return data
}

/**
 * Whether a JSON text gives some object key twice: JSON.parse keeps the last value silently, so
 * the members in the text are counted and compared with the members in `data`, its parse.
 */
export function jsonTextRepeatsAKey(text: string, data: unknown): boolean {
  return keysInJsonText(text) !== keysIn(data)
}

/** JSON white space, then `{`. */
const JSON_OBJECT_START = /^[ \t\n\r]*\{/

/**
 * The number of object members in a valid JSON text: its `:` outside strings. Strings are
 * skipped with `indexOf` to the next `"` not escaped by an odd number of backslashes.
 */
function keysInJsonText(text: string): number {
  let n = 0
  let i = 0
  for (;;) {
    const quote = text.indexOf('"', i)
    const end = quote === -1 ? text.length : quote
    for (let c = text.indexOf(':', i); c !== -1 && c < end; c = text.indexOf(':', c + 1)) n++
    if (quote === -1) return n
    let close = quote
    for (;;) {
      close = text.indexOf('"', close + 1)
      if (close === -1) return -1
      let backslashes = 0
      while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++
      if (backslashes % 2 === 0) break
    }
    i = close + 1
  }
}

/**
 * The number of object members in parsed JSON. Only objects and arrays go on the stack (most
 * values are strings), and the stack rather than recursion bounds nesting by memory only.
 */
function keysIn(data: unknown): number {
  let n = 0
  const stack: object[] = typeof data === 'object' && data !== null ? [data] : []
  while (stack.length > 0) {
    const v = stack.pop() as object
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i]
        if (typeof x === 'object' && x !== null) stack.push(x)
      }
      continue
    }
    for (const key in v) {
      n++
      const x: unknown = (v as Record<string, unknown>)[key]
      if (typeof x === 'object' && x !== null) stack.push(x)
    }
  }
  return n
}

/**
 * The fast loader for a manifest: JSON.parse for a JSON text, else the js-yaml loader
 * (imported only then, when installed); each throws where it cannot promise `yaml`'s data.
 */
async function fastLoaderFor(text: string): Promise<((text: string) => unknown) | undefined> {
  if (JSON_OBJECT_START.test(text)) {
    try {
      const data = fastJsonLoad(text)
      // parseManifest calls the loader once, on this same text.
      return () => data
    } catch (err) {
      if (!(err instanceof FastYamlRefused)) throw err
    }
  }
  return fastYamlLoad()
}

/** The specifier is a variable so TypeScript does not look for js-yaml's (absent) types. */
const JS_YAML = 'js-yaml'
let fastLoader: Promise<((text: string) => unknown) | undefined> | undefined

/** The fast loader, or undefined when js-yaml cannot be imported (then `yaml` reads everything). */
export function fastYamlLoad(): Promise<((text: string) => unknown) | undefined> {
  fastLoader ??= import(JS_YAML).then(
    (mod: { default?: JsYamlModule } & Partial<JsYamlModule>) => {
      const jsyaml = mod.load ? (mod as JsYamlModule) : mod.default
      return jsyaml ? createFastYamlLoad(jsyaml) : undefined
    },
    () => undefined,
  )
  return fastLoader
}
