import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatIssues, ManifestError } from '../../src/core/errors.js'
import { parseDocument } from 'yaml'
import {
  createFastYamlLoad,
  EXPLICIT_KEY,
  fastJsonLoad,
  FastYamlRefused,
  fastYamlLoad,
  hasDirective,
  loadManifest,
  MAX_MANIFEST_BYTES,
  mayNeedNodeChecks,
  nodeChecks,
  NULL_KEY,
  type JsYamlModule,
} from '../../src/node/manifest-loader.js'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'manifests')
const fixture = (name: string) => path.join(FIXTURES, name)

async function rejection(p: Promise<unknown>): Promise<ManifestError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ManifestError) return err
    throw err
  }
  throw new Error('expected a ManifestError')
}

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'accord-loader-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('loadManifest', () => {
  it('loads a valid manifest with its folder, text and SHA-256 of the raw bytes', async () => {
    const file = fixture('valid-minimal.yaml')
    const bytes = await readFile(file)
    const loaded = await loadManifest(file)
    expect(loaded.manifest.system.name).toBe('Resume Screener')
    expect(loaded.file).toBe(file)
    expect(loaded.dir).toBe(FIXTURES)
    expect(loaded.text).toBe(bytes.toString('utf8'))
    expect(loaded.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(loaded.warnings).toEqual([])
  })

  it('hashes the raw bytes, byte-order mark included, and strips the mark from the text', async () => {
    const file = path.join(tmp, 'bom.yaml')
    const raw = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      await readFile(fixture('valid-minimal.yaml')),
    ])
    await writeFile(file, raw)
    const loaded = await loadManifest(file)
    expect(loaded.sha256).toBe(createHash('sha256').update(raw).digest('hex'))
    expect(loaded.text.startsWith('#')).toBe(true)
  })

  it('gives a relative dir as absolute', async () => {
    const rel = path.relative(process.cwd(), fixture('valid-minimal.yaml'))
    const loaded = await loadManifest(rel)
    expect(loaded.file).toBe(rel)
    expect(path.isAbsolute(loaded.dir)).toBe(true)
  })

  it('returns warnings', async () => {
    const loaded = await loadManifest(fixture('warning-derogation-without-annex-iii.yaml'))
    expect(loaded.warnings.map((w) => w.code)).toEqual(['derogation_without_annex_iii'])
  })

  it('a missing file is ERR_MANIFEST_NOT_FOUND', async () => {
    const err = await rejection(loadManifest(path.join(tmp, 'nope.yaml')))
    expect(err.code).toBe('ERR_MANIFEST_NOT_FOUND')
    expect(err.message).toBe(`manifest ${path.join(tmp, 'nope.yaml')} does not exist`)
  })

  it('a directory is ERR_MANIFEST_NOT_FOUND with a clear message', async () => {
    const err = await rejection(loadManifest(tmp))
    expect(err.code).toBe('ERR_MANIFEST_NOT_FOUND')
    expect(err.message).toContain('is a directory')
  })

  it('an empty file is ERR_MANIFEST_INVALID: the manifest file is empty', async () => {
    const file = path.join(tmp, 'empty.yaml')
    await writeFile(file, '  \n\n')
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.message).toBe(`${file}: the manifest file is empty`)
    expect(err.issues.map((i) => i.code)).toEqual(['manifest_empty'])
  })

  it('a comment-only file is an empty manifest', async () => {
    const err = await rejection(loadManifest(fixture('invalid-empty.yaml')))
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.issues.map((i) => i.code)).toEqual(['manifest_empty'])
  })

  it('refuses files over 5 MiB before parsing', async () => {
    const file = path.join(tmp, 'big.yaml')
    await writeFile(file, Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20))
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.message).toContain('the limit is 5 MiB')
    expect(err.issues[0]?.code).toBe('manifest_too_large')
  })

  it('refuses text that is not UTF-8 with ERR_MANIFEST_PARSE', async () => {
    const file = path.join(tmp, 'latin1.yaml')
    await writeFile(file, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]))
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_PARSE')
    expect(err.issues[0]?.code).toBe('not_utf8')
  })

  it('YAML syntax errors are ERR_MANIFEST_PARSE with positions', async () => {
    const file = fixture('invalid-yaml-syntax.yaml')
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_PARSE')
    expect(err.issues).toEqual([
      expect.objectContaining({ code: 'yaml_syntax', file, line: 4, column: 9 }),
    ])
  })

  it('duplicate keys are ERR_MANIFEST_PARSE', async () => {
    const err = await rejection(loadManifest(fixture('invalid-duplicate-key.yaml')))
    expect(err.code).toBe('ERR_MANIFEST_PARSE')
  })

  it('schema errors are ERR_MANIFEST_INVALID with the file in each issue', async () => {
    const file = fixture('invalid-misspelled-field.yaml')
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.message).toBe(`${file}: the manifest has 1 problem`)
    expect(err.issues.every((i) => i.file === file)).toBe(true)
  })

  it('cross-field errors are ERR_MANIFEST_INVALID', async () => {
    const err = await rejection(loadManifest(fixture('invalid-contradiction-eu-output.yaml')))
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.issues.map((i) => i.code)).toEqual(['eu_output_contradicts_market'])
  })

  it('reports all problems of a manifest together, readable with formatIssues', async () => {
    const file = path.join(tmp, 'many.yaml')
    const text = (await readFile(fixture('valid-minimal.yaml'), 'utf8'))
      .replace('intendedPurpose', 'intendedPurpse')
      .replace('    - recruitment', '    - recruitmnet')
      .replace('publicBody: false', 'publicBody: no')
    await writeFile(file, text)
    const err = await rejection(loadManifest('' + file))
    expect(err.issues.map((i) => i.code)).toEqual(['unknown_key', 'invalid_type', 'invalid_enum'])
    const out = formatIssues(err.issues)
    expect(out).toContain(`${file}:6:3: unknown key \`intendedPurpse\` at system.intendedPurpse`)
    expect(out).toContain('  fix: did you mean `intendedPurpose`?')
    expect(out).toContain(`${file}:19:15: expected true or false, found the string "no"`)
    expect(out).toContain('  fix: did you mean `recruitment`?')
  })
})

// js-yaml ships no types; the specifier is a variable so TypeScript does not look for them.
const JS_YAML: string = 'js-yaml'
const jsyaml = ((await import(JS_YAML)) as { default: JsYamlModule }).default

describe('fast YAML loading', () => {
  const EXAMPLES = path.join(import.meta.dirname, '..', '..', 'examples')
  const examples = () =>
    readdirSync(EXAMPLES, { withFileTypes: true })
      .map((d) => path.join(EXAMPLES, d.name, 'accord.yaml'))
      // The example systems (examples/questionnaires/ holds no manifest).
      .filter((f) => existsSync(f))
  const files = [
    ...readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.yaml'))
      .map(fixture),
    ...examples(),
  ]

  /** What `yaml` reads, as parseManifest asks it to; undefined when it reports any problem. */
  function yamlData(text: string): { data: unknown } | undefined {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined
    return { data: doc.toJS({ maxAliasCount: 100 }) }
  }

  it('is available (js-yaml is installed)', async () => {
    expect(await fastYamlLoad()).toBeTypeOf('function')
  })

  it.each(files)('reads %s exactly as yaml does, or refuses it', async (file) => {
    const load = createFastYamlLoad(jsyaml)
    const text = await readFile(file, 'utf8')
    const expected = yamlData(text)
    let data: unknown
    try {
      data = load(text)
    } catch {
      return
    }
    expect(expected).toBeDefined()
    expect(data).toStrictEqual(expected?.data)
  })

  it('reads the examples without refusing them', async () => {
    const load = createFastYamlLoad(jsyaml)
    for (const file of examples()) {
      const text = await readFile(file, 'utf8')
      expect(() => load(text)).not.toThrow()
    }
  })

  /** Snippets where a careless fast loader would read something else than yaml. */
  const SNIPPETS: Record<string, string> = {
    numbers:
      'a: [1_000, 0o17, 017, 0x1F, 0b11, .inf, -.INF, .NaN, 1e3, +1, -0, 0.5, .5, 5., 1.0e+3, +.5, 12:30, 2026-01-01]\n',
    words: 'a: [~, null, Null, NULL, nULL, "", true, True, TRUE, tRUE, yes, no, on, off, y, n]\n',
    keys: '1: a\ntrue: b\n0x1F: d\n1.50: e\n.inf: f\n"": g\n',
    empty: 'a:\nb: ~\nc: ""\n',
    strings: "a: \"x\\ty\\u00e9\"\nb: 'it''s'\nc: http://x:80/#y\nd: b#c\ne: x # comment\n",
    blocks: 'a: |\n  one\n\n  two\nb: >-\n  x\n  y\n\n   z\nc: |+\n  keep\n\nd: x\n',
    multiLine: 'a: hello\n  world\nb: "x\n  y"\n',
    flowOneLine: 'a: [x, y]\nb: {c: d, e: [1, 2]}\n- x\n'.replace('- x\n', ''),
    json: '{\n  "a": [\n    1,\n    {"b": "c"}\n  ],\n  "d": null\n}\n',
    crlf: 'a: 1\r\nb: [x, y]\r\n',
    bom: '\ufeffa: 1\n',
    deep: 'a:\n  - b:\n      - c: 1\n        d: [e]\n',
  }
  it.each(Object.entries(SNIPPETS))('snippet %s: the same data as yaml', (_name, text) => {
    const expected = yamlData(text)
    expect(expected).toBeDefined()
    expect(createFastYamlLoad(jsyaml)(text)).toStrictEqual(expected?.data)
  })

  /** Text the fast loader must refuse: yaml reads it otherwise, rejects it, or warns. */
  const REFUSED: Record<string, string> = {
    anchorAlias: 'a: &x [1]\nb: *x\n',
    anchorOnly: 'a: &x 1\n',
    tag: 'a: !!str 1\n',
    customTag: 'a: !secret x\n',
    nonSpecificTag: 'a: ! 1\n',
    privateTagName: 'a: !<tag:accord.dev,2026:core-int> 1\n',
    directive: '%YAML 1.1\n---\na: yes\n',
    loneCr: 'a: 1\rb: 2\r',
    commentAfterQuote: 'a: "x"#c\n',
    explicitKey: '? a\n: b\n',
    flowKey: '[a]: 1\n',
    flowKeyInFlow: '{[a]: 1}\n',
    nullKey: 'null: a\n',
    tildeKey: '~: a\n',
    emptyFlowKey: '{: a}\n',
    underIndentedFlow: 'a: [1,\n2]\n',
    multiLineFlowInBlock: 'a:\n  b: [\n    1\n  ]\n',
    duplicateKey: 'a: 1\na: 2\n',
    twoDocuments: 'a: 1\n---\nb: 2\n',
    controlCharacter: 'a: x\u0001y\n',
  }
  it.each(Object.entries(REFUSED))('refuses %s', (_name, text) => {
    expect(() => createFastYamlLoad(jsyaml)(text)).toThrow()
  })

  it('finds a directive exactly where /^%/m does', () => {
    const pieces = ['%', '\n', '\r', '\u2028', '\u2029', ' ', 'a', '#']
    let strings = ['']
    const texts: string[] = []
    for (let n = 0; n < 4; n++) {
      strings = strings.flatMap((s) => pieces.map((p) => s + p))
      texts.push(...strings)
    }
    texts.push(...Object.values(SNIPPETS), ...Object.values(REFUSED))
    expect(texts.filter((t) => hasDirective(t) !== /^%/m.test(t))).toEqual([])
    // Both outcomes occur, so the comparison means something.
    expect(texts.filter((t) => hasDirective(t)).length).toBeGreaterThan(100)
    expect(texts.filter((t) => t.includes('%') && !hasDirective(t)).length).toBeGreaterThan(100)
  })

  it('finds explicit and null keys exactly where the straightforward patterns do', async () => {
    // The patterns the fast ones replace: an alternation tried at every position.
    const explicitKey = /(?:^|[\s,[{])\?(?:\s|$)/m
    const nullKey = /(?:^|[\s,[{])(?:~|null|Null|NULL)?[ \t]*:(?:\s|$)/m
    const pieces = [
      '?',
      ':',
      ' ',
      '\t',
      '\n',
      '\r',
      ',',
      '[',
      '{',
      'a',
      'null',
      'Null',
      'NULL',
      '~',
      'x:',
    ]
    const texts = [
      ...Object.values(SNIPPETS),
      ...Object.values(REFUSED),
      ...(await Promise.all(files.map((f) => readFile(f, 'utf8')))),
    ]
    // Every string of up to four pieces, alone and inside text, covers the starts, ends and
    // neighbours both patterns look at.
    let strings = ['']
    for (let n = 0; n < 4; n++) strings = strings.flatMap((s) => pieces.map((p) => s + p))
    for (const s of strings) texts.push(s, `k: v\n${s}`, `${s} x`)
    const differ = texts.filter(
      (t) => EXPLICIT_KEY.test(t) !== explicitKey.test(t) || NULL_KEY.test(t) !== nullKey.test(t),
    )
    expect(differ).toEqual([])
    // Both outcomes occur, so the comparison means something.
    expect(texts.some((t) => NULL_KEY.test(t)) && texts.some((t) => !NULL_KEY.test(t))).toBe(true)
    expect(texts.some((t) => EXPLICIT_KEY.test(t))).toBe(true)
  })

  it('skips the node checks only where they would refuse nothing', () => {
    // No implicit types (a resolved plain scalar would carry a tag), explicit tags resolved.
    const schema = (jsyaml as unknown as { FAILSAFE_SCHEMA: unknown }).FAILSAFE_SCHEMA
    /** Whether nodeChecks refuses `text` while js-yaml reads it (undefined: js-yaml fails). */
    const refused = (text: string): boolean | undefined => {
      try {
        jsyaml.load(text, { schema, listener: nodeChecks() })
        return false
      } catch (err) {
        return err instanceof FastYamlRefused ? true : undefined
      }
    }
    const pieces = ['[', ']', '{', '}', '&a', '!', ' ', '\n', '\n ', ': ', ',', '"', '#', 'x']
    let strings = ['']
    const all: string[] = []
    for (let n = 0; n < 4; n++) {
      strings = strings.flatMap((s) => pieces.map((p) => s + p))
      all.push(...strings)
    }
    const texts = [
      ...Object.values(SNIPPETS),
      ...Object.values(REFUSED),
      ...all.flatMap((s) => [s, `k: ${s}\n`, `k:\n  - ${s}\n  - y\n`]),
    ]
    let skipped = 0
    let refusals = 0
    for (const text of texts) {
      const outcome = refused(text)
      if (outcome === true) refusals++
      if (mayNeedNodeChecks(text)) continue
      if (outcome === false) skipped++
      expect(outcome, JSON.stringify(text)).not.toBe(true)
    }
    // Both sides occur, so the comparison means something.
    expect(skipped).toBeGreaterThan(1000)
    expect(refusals).toBeGreaterThan(1000)
    // The examples need no checks: a `&` between words, one-line flow lists.
    for (const file of examples()) {
      expect(mayNeedNodeChecks(readFileSync(file, 'utf8')), file).toBe(false)
    }
  })

  it('loads every fixture with the same result whether the fast loader is used or not', async () => {
    for (const file of files) {
      const outcome = async (fastLoader: boolean) => {
        try {
          const r = await loadManifest(file, { fastLoader })
          return { manifest: r.manifest, warnings: r.warnings, sha256: r.sha256 }
        } catch (err) {
          if (!(err instanceof ManifestError)) throw err
          return { code: err.code, message: err.message, issues: err.issues }
        }
      }
      expect(await outcome(true), file).toEqual(await outcome(false))
    }
  })

  it('reads a large manifest with the fast loader by default, with the same result', async () => {
    const base = await readFile(fixture('valid-minimal.yaml'), 'utf8')
    // Padded with a comment; the data is unchanged.
    const file = path.join(tmp, 'large.yaml')
    await writeFile(file, base + '# ' + 'x'.repeat(100_000) + '\n')
    const fast = await loadManifest(file)
    const slow = await loadManifest(file, { fastLoader: false })
    expect(fast.manifest).toEqual(slow.manifest)
    expect(fast.manifest.system.name).toBe('Resume Screener')
  })
})

describe('fast JSON loading', () => {
  /** What `yaml` reads, as parseManifest asks it to; undefined when it reports any problem. */
  function yamlData(text: string): { data: unknown } | undefined {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined
    return { data: doc.toJS({ maxAliasCount: 100 }) }
  }

  const EXAMPLES = path.join(import.meta.dirname, '..', '..', 'examples')
  const manifests = () => [
    ...readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.yaml'))
      .map(fixture),
    ...readdirSync(EXAMPLES, { withFileTypes: true })
      .map((d) => path.join(EXAMPLES, d.name, 'accord.yaml'))
      .filter((f) => existsSync(f)),
  ]

  it('reads every fixture and example, written as JSON in three styles, as yaml does', async () => {
    let read = 0
    for (const file of manifests()) {
      const data = yamlData(await readFile(file, 'utf8'))?.data
      if (data === null || typeof data !== 'object' || Array.isArray(data)) continue
      for (const text of [
        JSON.stringify(data, null, 2) + '\n',
        JSON.stringify(data),
        JSON.stringify(data, null, '\t').replaceAll('\n', '\r\n'),
      ]) {
        expect(fastJsonLoad(text), file).toStrictEqual(yamlData(text)?.data)
        read++
      }
    }
    expect(read).toBeGreaterThan(20)
  })

  /** JSON where a careless reader could differ from yaml. */
  const JSON_SNIPPETS: Record<string, string> = {
    escapes: '{"a": "\\b\\f\\n\\r\\t\\"\\\\\\/\\u00e9\\u0000"}',
    surrogates: '{"a": "\\ud83d\\ude00", "b": "\\ud800", "c": "\\udc00x"}',
    rawCharacters: '{"a": "x\u007fy\u0085z\u0090\ufffe\u00e9\u2028"}',
    numbers:
      '{"a": [0, -0, 1.0, 1E5, -1.5e-3, 1e400, 0.1, 9007199254740993, 123456789012345678901234567890]}',
    colonsInStrings: '{"a:b": "c:d", "e": ["f:", ":g"], "h\\":": "\\\\:"}',
    colonsWithoutEscapes: '{"a:b": "c:d", "e": ["f:", ":g", "::"], ":": {":": ":"}}',
    backslashRuns: '{"a\\\\": 1, "b": "\\\\\\"", "c": "\\\\\\\\"}',
    keys: `{"": 1, "null": 2, "true": 3, "1": 4, "__proto__": {"x": 5}, "${'k'.repeat(1100)}": 6}`,
    spacing: '{ "a" :1,"b":[ ],"c":{ } ,\n"d"\n:\n[1\n,2]}\n\n',
    nested: '{"a": {"b": {"c": [{"d": [[{}]]}]}}}',
    unindented: '{\n"a": {\n"b": 1\n}\n}\n',
  }
  it.each(Object.entries(JSON_SNIPPETS))('snippet %s: the data yaml gives', (_name, text) => {
    const expected = yamlData(text)
    expect(expected).toBeDefined()
    expect(fastJsonLoad(text)).toStrictEqual(expected?.data)
  })

  /** Refused: a key given twice (an error in yaml), or not a JSON object. */
  const JSON_REFUSED: Record<string, string> = {
    duplicate: '{"a": 1, "a": 2}',
    nestedDuplicate: '{"a": [{"b": 1, "c": 2, "b": 3}]}',
    duplicateBySpelling: '{"a": 1, "\\u0061": 2}',
    duplicateWithQuotes: '{"a\\"": 1, "x": "\\":", "a\\"": 2}',
    // Duplicates among keys and strings holding `:`, which the member count must tell apart.
    duplicateWithColons: '{"a:": "b:c", "d": ["e:"], "a:": "f"}',
    duplicateOfAnObject: '{"a": {"b": "c:"}, "a": 1}',
    duplicateKeepingColons: '{"a": 1, "b": "x", "a": "y:z"}',
    duplicateWithEscapes: '{"a": "x\\n:\\"", "b": "\\\\", "a": ":"}',
    notJson: '{a: 1}',
    trailingComma: '{"a": 1,}',
    array: '[{"a": 1}]',
    yaml: 'a: 1\n',
  }
  it.each(Object.entries(JSON_REFUSED))('refuses %s', (_name, text) => {
    expect(() => fastJsonLoad(text)).toThrow()
  })

  it('loads a large JSON manifest with JSON.parse, with the result of yaml', async () => {
    const data = yamlData(await readFile(fixture('valid-minimal.yaml'), 'utf8'))?.data
    const file = path.join(tmp, 'large.json')
    // The padding is a string, so the data changes alike.
    await writeFile(
      file,
      JSON.stringify({ ...(data as object), $schema: 'x'.repeat(100_000) }, null, 2),
    )
    const fast = await loadManifest(file)
    const slow = await loadManifest(file, { fastLoader: false })
    expect(fast.manifest).toStrictEqual(slow.manifest)
    expect(fast.manifest.system.name).toBe('Resume Screener')
  })

  it('reports a large JSON manifest with a key given twice as yaml does', async () => {
    const data = yamlData(await readFile(fixture('valid-minimal.yaml'), 'utf8'))?.data
    const file = path.join(tmp, 'twice.json')
    const text = JSON.stringify({ ...(data as object), $schema: 'x'.repeat(100_000) })
    await writeFile(file, text.replace('{', '{"apiVersion": "accord.dev/v1",'))
    const err = await rejection(loadManifest(file))
    expect(err.code).toBe('ERR_MANIFEST_PARSE')
    expect(err.issues.map((i) => i.code)).toEqual(['yaml_duplicate_key'])
  })
})
