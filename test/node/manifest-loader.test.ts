import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatIssues, ManifestError } from '../../src/core/errors.js'
import { loadManifest, MAX_MANIFEST_BYTES } from '../../src/node/manifest-loader.js'

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
