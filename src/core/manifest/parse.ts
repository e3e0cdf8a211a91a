/**
 * Parses a manifest (YAML, or JSON, which is YAML) and validates it, reporting *every* problem as
 * an `Issue` with the file, 1-based line and column of the offending node, what was expected, what
 * was found, and a hint with the fix.
 *
 * Steps: YAML syntax (duplicate keys are errors) -> zod `Manifest` schema -> `checkManifest`
 * cross-field checks. Each zod issue path is mapped back to the YAML node it names; when the node
 * does not exist (a missing field) the nearest existing ancestor is used.
 *
 * Large manifests: `yaml` builds a positioned document at about 1.5 MB/s (about 1.2 s for a
 * 1.8 MB manifest with 10,000 evidence items, see bench/RESULTS.md), and positions are only
 * needed to report issues. So a caller may pass a faster loader (`fastLoad`); its data is
 * validated first, and only when that finds any problem, or the loader refuses the text, is the
 * text parsed again with `yaml` to report exactly what it would report without the fast loader.
 * That first step is `parseCleanManifest` (./parse-fast.ts), which does not import `yaml`, so an
 * adapter can try it and import this module only when it returns undefined.
 *
 * The first two steps are generic (`parseYamlWithSchema`, `YamlLocator`) and shared with other
 * YAML documents, e.g. acceptance policies (src/core/policy/parse.ts).
 */
import type { Document, Node, YAMLError } from 'yaml'
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import type { Issue } from '../errors.js'
import { checkManifest, splitBySeverity } from './check.js'
import { parseCleanManifest } from './parse-fast.js'
import { Manifest } from './schema.js'
import {
  allowedKeys,
  describeExpected,
  findKeyHomes,
  isRequiredKey,
  suggestClosest,
} from './suggest.js'

export type ParseManifestResult =
  | { ok: true; manifest: Manifest; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] }

/** Issue codes of the YAML stage; the loader reports these as ERR_MANIFEST_PARSE. */
export const YAML_ISSUE_CODES: ReadonlySet<string> = new Set([
  'yaml_syntax',
  'yaml_duplicate_key',
  'yaml_alias_limit',
])

/** Marks zod messages we write ourselves (schema-level custom messages are kept). */
const DEFAULT_MESSAGE = '\u0000default'

export interface ParseManifestOptions {
  /**
   * A faster YAML loader tried first. It must return exactly the data `yaml` (YAML 1.2, core
   * schema, unique keys) gives for `text`, and throw for anything where it cannot promise that
   * (tags, anchors, syntax it reads more leniently). When it throws, returns nothing, or its data
   * has any error or warning, `text` is parsed with `yaml` as if no fast loader had been given,
   * so the result, issues and positions are the same either way.
   */
  fastLoad?: (text: string) => unknown
}

/** Parses and validates manifest `text`; `file` is only used to label the issues. */
export function parseManifest(
  text: string,
  file: string,
  options: ParseManifestOptions = {},
): ParseManifestResult {
  if (options.fastLoad !== undefined) {
    const manifest = parseCleanManifest(text, options.fastLoad)
    if (manifest !== undefined) return { ok: true, manifest, warnings: [] }
  }
  const parsed = parseYamlWithSchema(text, file, MANIFEST_DOCUMENT)
  if (!parsed.ok) return parsed
  const { value: manifest, locator } = parsed
  const { errors, warnings } = splitBySeverity(checkManifest(manifest))
  const place = (i: Issue): Issue => ({ ...i, file, ...locator.value(i.path) })
  const allWarnings = [...parsed.warnings, ...sortByPosition(warnings.map(place))]
  if (errors.length > 0) {
    return { ok: false, issues: sortByPosition(errors.map(place)), warnings: allWarnings }
  }
  return { ok: true, manifest, warnings: allWarnings }
}

/**
 * What `parseYamlWithSchema` needs to know about one kind of YAML document (a manifest, an
 * acceptance policy, ...) to word its messages.
 */
export interface YamlDocumentKind<S extends z.ZodType> {
  /** The zod schema the document must match (strict objects give "did you mean" hints). */
  schema: S
  /** Issue code, message and hint for an empty document. */
  empty: { code: string; message: string; hint: string }
  /** Hint when the top level is not a mapping. */
  topLevelHint: string
  /** The generated JSON Schema to point to, e.g. `schema/manifest.v1.schema.json`. */
  schemaFile: string
  /** What the document is called in messages, e.g. `manifest` (default: the file). */
  name?: string
  /**
   * Known words for the keys of a record (a mapping with free keys), by the record's path joined
   * with dots, e.g. `requirements.minReadiness` -> the framework ids; a key that fails the record's
   * key pattern gets a "did you mean" hint from them (the part before `:`, if any).
   */
  recordKeys?: Readonly<Record<string, readonly string[]>>
}

const MANIFEST_DOCUMENT: YamlDocumentKind<typeof Manifest> = {
  schema: Manifest,
  empty: {
    code: 'manifest_empty',
    message: 'the manifest is empty',
    hint: 'start from one of examples/*/accord.yaml; a manifest begins with apiVersion: accord.dev/v1',
  },
  topLevelHint:
    'the manifest must be a mapping at the top level, starting with apiVersion: accord.dev/v1',
  schemaFile: 'schema/manifest.v1.schema.json',
  name: 'manifest',
}

export type ParseYamlResult<T> =
  | { ok: true; value: T; locator: YamlLocator; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] }

/**
 * The shared first two steps of every YAML document Accord reads: YAML syntax (duplicate keys are
 * errors, aliases are bounded), then the zod schema, every problem as a positioned `Issue`. On
 * success the locator maps paths of later cross-field issues back to lines and columns.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  text: string,
  file: string,
  kind: YamlDocumentKind<S>,
): ParseYamlResult<z.output<S>> {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    keepSourceTokens: false,
  })
  const at = (offset: number) => position(lineCounter.linePos(offset))
  const syntax = { text, at, file, name: kind.name, json: syntaxOf(text, file) === 'JSON' }
  const yamlWarnings = doc.warnings.map((w) => yamlIssue(w, syntax))
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => yamlIssue(e, syntax)), warnings: [] }
  }

  let data: unknown
  try {
    // maxAliasCount guards against alias bombs ("billion laughs").
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (err) {
    return {
      ok: false,
      issues: [
        {
          code: 'yaml_alias_limit',
          path: [],
          file,
          line: 1,
          column: 1,
          message: `YAML aliases expand too much: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'write the values out instead of using many *alias references',
        },
      ],
      warnings: yamlWarnings,
    }
  }
  if (data === null || data === undefined) {
    return {
      ok: false,
      issues: [{ path: [], file, line: 1, column: 1, ...kind.empty }],
      warnings: yamlWarnings,
    }
  }

  const locator = new YamlLocator(doc, lineCounter, text)
  const parsed = kind.schema.safeParse(data, { reportInput: true, error: () => DEFAULT_MESSAGE })
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((iss) => zodIssues(iss, data, locator, kind))
    return { ok: false, issues: sortByPosition(issues.map((i) => ({ ...i, file }))), warnings: [] }
  }
  return { ok: true, value: parsed.data, locator, warnings: yamlWarnings }
}

interface Position {
  line: number
  column: number
}

function position(p: { line: number; col: number }): Position {
  return { line: p.line, column: p.col }
}

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'remove one of the two entries, or merge them into one',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align keys of the same mapping at the same column, using spaces',
  MISSING_CHAR: 'close the quote or bracket that was opened',
  BAD_DQ_ESCAPE: 'use a valid escape in the double-quoted string, or use single quotes',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after the colon of each key and check the indentation',
  MULTILINE_IMPLICIT_KEY: 'write each key on one line followed by ": "',
  BAD_ALIAS: 'define the &anchor before using the *alias',
  NON_STRING_KEY: 'use plain words as keys',
  TAG_RESOLVE_FAILED:
    'remove the tag (the word after !): Accord reads plain YAML values, and reads this one as if it had no tag',
}

/** Hints for `yaml`'s messages more precise than its error codes (MISSING_CHAR covers many). */
const YAML_MESSAGE_HINTS: [RegExp, string][] = [
  [/^Missing , between/, 'add a comma after the item before this one'],
  [/^Missing , or : between/, 'add a comma between items, or a colon between a key and its value'],
  [/^Missing closing .?quote/, 'close the quote that was opened'],
  [/^Expected flow (map|sequence) to end with/, 'close the bracket that was opened'],
]

const GENERIC_YAML_HINT =
  'check the indentation (spaces, not tabs), that each key is followed by ": ", and that quotes and brackets are closed'

const GENERIC_JSON_HINT =
  'check the JSON: a comma between items and none after the last, double quotes around keys and strings, every { and [ closed'

/**
 * Which syntax a document is written in, for messages: JSON when the file is .json or the text
 * starts with { or [ (JSON is YAML, so both are parsed by `yaml`), else YAML.
 */
export function syntaxOf(text: string, file: string): 'JSON' | 'YAML' {
  return /\.json$/i.test(file) || /^\uFEFF?\s*[{[]/.test(text) ? 'JSON' : 'YAML'
}

interface SyntaxContext {
  text: string
  at: (offset: number) => Position
  file: string
  /** What the document is called, e.g. `manifest`. */
  name: string | undefined
  /** The document is JSON: messages say JSON, and JSON's words (object, array). */
  json: boolean
}

function yamlIssue(e: YAMLError, { text, at, file, name, json }: SyntaxContext): Issue {
  const duplicate = e.code === 'DUPLICATE_KEY'
  const found = /^("[^"\n]*"|'[^'\n]*'|[^:#\n]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? ''
  const detail = json
    ? lowerFirst(e.message)
        .replace(/flow map/g, 'object')
        .replace(/flow sequence/g, 'array')
    : lowerFirst(e.message)
  // yaml reports some things as warnings (an unknown tag): the document is still read.
  const warning = e.name === 'YAMLWarning'
  let message = duplicate
    ? `duplicate key${found && found.length <= 60 ? ` \`${found}\`` : ''}: ${detail}`
    : `${json ? 'JSON' : 'YAML'} ${warning ? 'warning' : 'syntax error'}: ${detail}`
  let hint =
    YAML_MESSAGE_HINTS.find(([pattern]) => pattern.test(e.message))?.[1] ??
    YAML_HINTS[e.code] ??
    (json ? GENERIC_JSON_HINT : GENERIC_YAML_HINT)
  if (e.code === 'MULTIPLE_DOCS') {
    // yaml's own message points to its API (YAML.parseAllDocuments()), not to the fix.
    message = `${name ? `a ${name} is` : 'the file must be'} one YAML document, but this --- line starts a second one`
    hint = 'remove the --- separator: merge what follows into the first document, or delete it'
  }
  return {
    code: duplicate ? 'yaml_duplicate_key' : warning ? 'yaml_warning' : 'yaml_syntax',
    path: [],
    file,
    ...at(e.pos[0]),
    message,
    hint,
  }
}

function lowerFirst(s: string): string {
  const first = s.split('\n')[0] ?? s
  return first.charAt(0).toLowerCase() + first.slice(1)
}

/** Finds the source position of a path into the document. */
export class YamlLocator {
  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  /** Source text of the scalar at `path` (as written, e.g. `1.0`), when there is one. */
  source(path: readonly PropertyKey[]): string | undefined {
    const node = this.doc.getIn(path as unknown[], true)
    if (!isScalar(node) || !node.range) return undefined
    return this.text.slice(node.range[0], node.range[1]).trim()
  }

  /**
   * Position of the value at `path`: a scalar or flow collection itself; the key of a block
   * collection or empty value; otherwise the nearest existing ancestor.
   */
  value(path: readonly PropertyKey[]): Position {
    return this.walk(path, 'value')
  }

  /** Position of the key that holds `path` (the item itself for list items). */
  key(path: readonly PropertyKey[]): Position {
    return this.walk(path, 'key')
  }

  private walk(path: readonly PropertyKey[], want: 'key' | 'value'): Position {
    let node: unknown = this.doc.contents
    let best = this.start(node) ?? { line: 1, column: 1 }
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]
      const last = i === path.length - 1
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg))
        if (pair === undefined) return best
        const keyPos = this.start(pair.key)
        if (keyPos) best = keyPos
        node = pair.value
        if (last && want === 'value') {
          const valuePos = this.valueStart(node)
          if (valuePos) best = valuePos
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg]
        if (item === undefined) return best
        const itemPos = this.start(item)
        if (itemPos) best = itemPos
        node = item
      } else {
        return best
      }
    }
    return best
  }

  private start(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range
    if (!range) return undefined
    return position(this.lineCounter.linePos(range[0]))
  }

  /** Start of a value worth pointing at; undefined for block collections and empty values. */
  private valueStart(node: unknown): Position | undefined {
    if (isScalar(node)) {
      const range = node.range
      if (!range || (node.value === null && range[0] === range[1])) return undefined
      return this.start(node)
    }
    if ((isMap(node) || isSeq(node)) && node.flow) return this.start(node)
    return undefined
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

/** Issues found after parsing, placed in `file` by `locator` and sorted by position. */
export function placeIssues(
  issues: readonly Omit<Issue, 'file'>[],
  file: string,
  locator: YamlLocator,
): Issue[] {
  return sortByPosition(issues.map((i) => ({ ...i, file, ...locator.value(i.path) })))
}

/**
 * `value` with its keys in `order` (undefined ones left out), so what is signed from a file reads
 * the same whatever the order of the file's keys.
 */
export function orderKeys<T extends object>(value: T, order: readonly (keyof T)[]): T {
  const out: Partial<T> = {}
  for (const key of order) if (value[key] !== undefined) out[key] = value[key]
  return out as T
}

/** Orders issues by line, then column, keeping the original order for ties. */
export function sortByPosition(issues: Issue[]): Issue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map((x) => x.issue)
}

type ZodIssue = z.core.$ZodIssue

function jsonPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)))
}

/** `['system', 'version']` -> `system.version`; [] -> `the manifest`. */
function label(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the top level'
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p)
  return `\`${out}\``
}

function get(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<PropertyKey, unknown>)[p]
  }
  return cur
}

function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false
  const parent = get(data, path.slice(0, -1))
  return (
    parent !== null &&
    typeof parent === 'object' &&
    !Array.isArray(parent) &&
    !Object.hasOwn(parent, path[path.length - 1] as PropertyKey)
  )
}

/** True when the object at `parent` has an unknown key whose closest allowed key is `field`. */
function misspeltAs(
  schema: z.ZodType,
  data: unknown,
  parent: readonly PropertyKey[],
  field: string,
): boolean {
  const obj = get(data, parent)
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return false
  const allowed = allowedKeys(schema, parent)
  return Object.keys(obj).some((k) => !allowed.includes(k) && suggestClosest(k, allowed) === field)
}

/** Describes a found value: `the number 3`, `the string "abc"`, `a list`. */
function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'an empty value'
  if (typeof v === 'string') {
    const s = v.length > 40 ? v.slice(0, 37) + '...' : v
    return `the string ${JSON.stringify(s)}`
  }
  if (typeof v === 'number') return `the number ${v}`
  if (typeof v === 'boolean') return `${v}`
  if (Array.isArray(v)) {
    return v.length === 0
      ? 'an empty list'
      : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`
  }
  if (typeof v === 'object') return 'a mapping'
  return typeof v
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value pairs)',
  array: 'a list',
  null: 'an empty value',
}

function placeholder(expected: string): string {
  if (expected === 'a mapping') return '(indented key: value pairs)'
  if (expected === 'a list') return '[ ... ]'
  if (expected === 'true or false') return 'true'
  if (expected.startsWith('one of ')) return `<${expected}>`
  if (expected.startsWith('"')) return expected.replace(/^"(.*)"$/, '$1').split('" or "')[0] ?? ''
  return '...'
}

function zodIssues(
  iss: ZodIssue,
  data: unknown,
  loc: YamlLocator,
  kind: YamlDocumentKind<z.ZodType>,
): Issue[] {
  const schema = kind.schema
  const path = iss.path
  const input = get(data, path)
  const custom = iss.message !== DEFAULT_MESSAGE ? iss.message : undefined
  const lastKey = path.length > 0 ? String(path[path.length - 1]) : ''

  if (iss.code === 'unrecognized_keys') {
    const allowed = allowedKeys(schema, path)
    return iss.keys.map((key) => {
      const keyPath = [...path, key]
      const guess = suggestClosest(key, allowed)
      const homes = guess === undefined ? findKeyHomes(schema, key) : []
      const where = path.length === 0 ? 'at the top level' : `in ${label(path)}`
      const required =
        guess !== undefined &&
        isMissing(data, [...path, guess]) &&
        isRequiredKey(schema, path, guess)
      const hint =
        guess !== undefined
          ? `did you mean \`${guess}\`? Rename the key${required ? ` (\`${guess}\` is required)` : ''}`
          : homes.length > 0
            ? `\`${key}\` belongs ${homes.map((h) => (h === '' ? 'at the top level' : `under \`${h}\``)).join(' or ')}; move it there`
            : `remove it; the keys allowed ${where} are ${allowed.join(', ')}`
      return {
        code: 'unknown_key',
        path: jsonPath(keyPath),
        ...loc.key(keyPath),
        message: `unknown key \`${key}\``,
        hint,
      }
    })
  }

  if ((iss.code === 'invalid_type' || iss.code === 'invalid_value') && isMissing(data, path)) {
    const parent = path.slice(0, -1)
    // A misspelt key already reported as unknown (with this field as its suggestion) is the
    // same defect: report it once.
    if (misspeltAs(schema, data, parent, lastKey)) return []
    const expected = describeExpected(schema, path)
    const under = parent.length === 0 ? 'at the top level' : `under ${label(parent)}`
    return [
      {
        code: 'missing_field',
        path: jsonPath(parent),
        ...loc.key(parent),
        message: `missing required field \`${lastKey}\` (${expected})${parent.length === 0 ? ' at the top level' : ''}`,
        hint: `add \`${lastKey}: ${placeholder(expected)}\` ${under}`,
      },
    ]
  }

  if (iss.code === 'invalid_key') {
    // zod's path ends with the offending key; its own issues say what a key must look like.
    const parent = path.slice(0, -1)
    const inner = iss.issues.map((i) => i.message).find((m) => m !== DEFAULT_MESSAGE)
    const words = kind.recordKeys?.[parent.map(String).join('.')] ?? []
    const [head = '', ...rest] = lastKey.split(':')
    const guess = suggestClosest(head, words)
    const fixed = guess === undefined ? undefined : [guess, ...rest].join(':')
    return [
      {
        code: 'invalid_key',
        path: jsonPath(path),
        ...loc.key(path),
        message: `invalid key \`${lastKey}\` in ${label(parent)}${inner === undefined ? '' : `: ${inner}`}`,
        hint:
          fixed !== undefined && fixed !== lastKey
            ? `did you mean \`${fixed}\`? Rename the key`
            : `rename the key; ${kind.schemaFile} describes the keys allowed`,
      },
    ]
  }

  const base = { path: jsonPath(path), ...loc.value(path) }
  const source = loc.source(path)
  const found = typeof input === 'number' && source ? `the number ${source}` : describeFound(input)
  switch (iss.code) {
    case 'invalid_type': {
      const expected = EXPECTED_WORDS[iss.expected] ?? `a value of type ${iss.expected}`
      return [
        {
          code: 'invalid_type',
          ...base,
          message: custom ?? `expected ${expected}, found ${found}`,
          hint: typeHint(iss.expected, input, lastKey, path, source, kind.topLevelHint),
        },
      ]
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => String(v))
      if (values.length === 1) {
        return [
          {
            code: 'invalid_value',
            ...base,
            message: custom ?? `expected \`${values[0]}\`, found ${found}`,
            hint: `write \`${lastKey}: ${values[0]}\``,
          },
        ]
      }
      const guess = typeof input === 'string' ? suggestClosest(input, values) : undefined
      return [
        {
          code: 'invalid_enum',
          ...base,
          message:
            custom ?? `${found} is not an allowed value; expected one of: ${values.join(', ')}`,
          hint:
            guess !== undefined
              ? `did you mean \`${guess}\`?`
              : 'use one of the values listed (they are case-sensitive)',
        },
      ]
    }
    case 'too_small':
    case 'too_big': {
      const small = iss.code === 'too_small'
      const n = Number(iss.code === 'too_small' ? iss.minimum : iss.maximum)
      const inclusive = iss.inclusive !== false
      let message: string
      let hint: string
      if (iss.origin === 'array' || iss.origin === 'set') {
        message = small
          ? `must list at least ${n} item${n === 1 ? '' : 's'}`
          : `must list at most ${n} items`
        hint = small ? 'add an item, or remove the field if it is optional' : 'remove items'
      } else if (iss.origin === 'string') {
        message = small ? 'must not be empty' : `must be at most ${n} characters`
        hint = small
          ? `write a value for \`${lastKey}\`, or remove the field if it is optional`
          : 'shorten it'
      } else {
        const rel = small
          ? inclusive
            ? 'at least'
            : 'greater than'
          : inclusive
            ? 'at most'
            : 'less than'
        message = `must be ${rel} ${n}`
        hint = `give a number ${rel} ${n}`
      }
      return [{ code: iss.code, ...base, message: `${custom ?? message}, found ${found}`, hint }]
    }
    case 'invalid_format':
      return [
        {
          code: 'invalid_format',
          ...base,
          message: `${custom ?? formatMessage(iss.format)}, found ${found}`,
          hint: formatHint(iss.format, input, lastKey, custom),
        },
      ]
    case 'custom':
      return [
        {
          code: 'invalid_value',
          ...base,
          message: `${custom ?? 'invalid value'}, found ${found}`,
          hint:
            custom === 'not a calendar date'
              ? 'give a real date as YYYY-MM-DD, e.g. 2026-08-02'
              : 'correct the value as the message says',
        },
      ]
    default:
      return [
        {
          code: iss.code,
          ...base,
          message: custom ?? `invalid value: found ${found}`,
          hint: `correct the value; ${kind.schemaFile} describes what is allowed`,
        },
      ]
  }
}

function typeHint(
  expected: string,
  input: unknown,
  key: string,
  path: readonly PropertyKey[],
  source: string | undefined,
  topLevelHint: string,
): string {
  const k = key === '' || /^\d+$/.test(key) ? 'the value' : `\`${key}\``
  switch (expected) {
    case 'string':
      if (typeof input === 'number' || typeof input === 'boolean') {
        return `put the value in quotes, "${source ?? String(input)}", so YAML reads it as text`
      }
      if (Array.isArray(input)) return `give ${k} a single text value, not a list`
      return `give ${k} a text value`
    case 'boolean':
      if (typeof input === 'string') {
        return `write true or false without quotes (YAML 1.2 reads yes/no/on/off as text)`
      }
      return `write true or false`
    case 'number':
    case 'int':
      if (typeof input === 'string') return 'write the number without quotes'
      return expected === 'int' ? 'write a whole number' : 'write a number'
    case 'array':
      if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') {
        return `write a list, e.g. ${k === 'the value' ? '' : key + ': '}[${JSON.stringify(input)}]`
      }
      return `write a list with one "- item" per line under ${k}`
    case 'object':
      if (path.length === 0) return topLevelHint
      return `write the fields of ${k} as indented "key: value" lines under it`
    default:
      return `give ${EXPECTED_WORDS[expected] ?? expected}`
  }
}

function formatMessage(format: string): string {
  switch (format) {
    case 'email':
      return 'expected an e-mail address'
    case 'url':
      return 'expected a URL such as https://example.com'
    case 'regex':
      return 'does not have the expected form'
    default:
      return `expected ${format} format`
  }
}

function formatHint(format: string, input: unknown, key: string, custom?: string): string {
  if (custom?.includes('YYYY-MM-DD')) return 'write the date as YYYY-MM-DD, e.g. 2026-08-02'
  const capitals = /^[a-z]{2}$/i
  if (typeof input === 'string') {
    if (capitals.test(input) && input !== input.toUpperCase()) {
      return `write it in capitals: ${input.toUpperCase()}`
    }
    if (key === 'id' || key === 'evidence' || key === 'sheet') {
      const slug = input
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
      if (slug) return `use a lowercase slug such as ${slug}`
    }
  }
  switch (format) {
    case 'email':
      return 'write an address such as compliance@example.com'
    case 'url':
      return 'write a full URL starting with https://'
    default:
      return custom?.startsWith('expected ') ? `write ${custom.slice(9)}` : 'correct the value'
  }
}
