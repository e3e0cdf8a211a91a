import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/catalog/canonical.js'
import { resolveRef } from '../../src/core/catalog/lookup.js'
import { defaultCatalogDir, loadCatalogSet, parseJson } from '../../src/node/catalog-loader.js'
import { packageRoot } from '../../src/node/paths.js'
import { loadError } from './catalog-helpers.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'catalogs')
const VALID = join(FIXTURES, 'valid-minimal')

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'accord-catalog-loader-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

/** Copies valid-minimal to a fresh folder so a test can break one file. */
async function copyValid(name: string): Promise<string> {
  const dir = join(tmp, name)
  await cp(VALID, dir, { recursive: true })
  return dir
}

describe('loadCatalogSet', () => {
  it('loads valid-minimal: catalogs, mapping and SHA-256 of the canonical JSON', async () => {
    const set = await loadCatalogSet(VALID)
    expect([...set.catalogs.keys()]).toEqual(['demo-framework', 'demo-law'])
    expect(set.mappings).toHaveLength(1)
    const text = await readFile(join(VALID, 'demo-law', '2024-1.v1.json'), 'utf8')
    const expected = createHash('sha256')
      .update(canonicalJson(JSON.parse(text)))
      .digest('hex')
    expect(set.refs.find((r) => r.framework === 'demo-law')?.sha256).toBe(expected)
    expect(set.refs.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true)
  })

  it('gives the same SHA-256 when only whitespace and key order change', async () => {
    const dir = await copyValid('reformatted')
    const file = join(dir, 'demo-law', '2024-1.v1.json')
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    const reordered = Object.fromEntries(Object.entries(json).reverse())
    await writeFile(file, JSON.stringify(reordered))
    const [a, b] = await Promise.all([loadCatalogSet(VALID), loadCatalogSet(dir)])
    expect(b.refs).toEqual(a.refs)
  })

  it('reports a JSON syntax error with line and column (ERR_CATALOG_PARSE)', async () => {
    const dir = await copyValid('syntax')
    // Line 3 lacks the comma after "a"; V8 reports the next token, "b", at line 4 column 3.
    await writeFile(
      join(dir, 'demo-law', '2024-1.v1.json'),
      '{\n  "x": 1,\n  "a": true\n  "b": 2\n}\n',
    )
    const err = await loadError(dir)
    expect(err.code).toBe('ERR_CATALOG_PARSE')
    expect(err.issues).toHaveLength(1)
    expect(err.issues[0]).toMatchObject({
      code: 'parse_error',
      file: 'demo-law/2024-1.v1.json',
      line: 4,
      column: 3,
    })
    expect(err.issues[0]?.message).toMatch(/^catalog demo-law\/2024-1\.v1\.json:4:3: invalid JSON/)
  })

  it('reports ERR_CATALOG_INVALID with every issue of every file', async () => {
    const dir = await copyValid('invalid')
    await cp(join(FIXTURES, 'invalid-missing-parent.json'), join(dir, 'demo-law', '2024-1.v1.json'))
    await cp(
      join(FIXTURES, 'invalid-mapping-dangling-target.json'),
      join(dir, 'mappings', 'demo-law-2024-1--demo-framework-1.0.v1.json'),
    )
    const fw = join(dir, 'demo-framework', '1.0.v1.json')
    const json = JSON.parse(await readFile(fw, 'utf8')) as { nodes: { depth: number }[] }
    json.nodes[1]!.depth = 5
    await writeFile(fw, JSON.stringify(json))
    const err = await loadError(dir)
    expect(err.code).toBe('ERR_CATALOG_INVALID')
    // govern-1 is too deep, so both its children are too; the mapping depends on the broken
    // demo-law catalog, so it is not checked a second time.
    expect(err.issues.map((i) => [i.file, i.code])).toEqual([
      ['demo-framework/1.0.v1.json', 'depth_mismatch'],
      ['demo-framework/1.0.v1.json', 'depth_mismatch'],
      ['demo-framework/1.0.v1.json', 'depth_mismatch'],
      ['demo-law/2024-1.v1.json', 'unknown_parent'],
    ])
  })

  it('checks mappings against the loaded catalogs', async () => {
    const dir = await copyValid('dangling')
    await cp(
      join(FIXTURES, 'invalid-mapping-dangling-target.json'),
      join(dir, 'mappings', 'demo-law-2024-1--demo-framework-1.0.v1.json'),
    )
    const err = await loadError(dir)
    expect(err.code).toBe('ERR_CATALOG_INVALID')
    expect(err.issues.map((i) => i.code)).toEqual(['dangling_target'])
  })

  it('reports a file name that disagrees with the header, and a second edition of a framework', async () => {
    const dir = await copyValid('names')
    await cp(join(dir, 'demo-law', '2024-1.v1.json'), join(dir, 'demo-law', '2024-1.v2.json'))
    const err = await loadError(dir)
    expect(err.issues.map((i) => [i.file, i.code])).toEqual([
      ['demo-law/2024-1.v2.json', 'file_name_mismatch'],
      ['demo-law/2024-1.v2.json', 'duplicate_framework'],
    ])
  })

  it('reports a missing directory or one without catalogs as ERR_CATALOG_NOT_FOUND', async () => {
    expect((await loadError(join(tmp, 'does-not-exist'))).code).toBe('ERR_CATALOG_NOT_FOUND')
    const empty = join(tmp, 'empty')
    await mkdir(join(empty, 'schema'), { recursive: true })
    expect((await loadError(empty)).code).toBe('ERR_CATALOG_NOT_FOUND')
  })

  it('finds the package root and its catalogs/ folder', () => {
    expect(defaultCatalogDir()).toBe(join(packageRoot(), 'catalogs'))
    expect(packageRoot()).toBe(join(import.meta.dirname, '..', '..'))
  })
})

describe('loadCatalogSet on the shipped catalogs', () => {
  it('loads the EU AI Act and NIST AI RMF catalogs and their crosswalk', async () => {
    const set = await loadCatalogSet()
    expect(set.refs.map((r) => r.urn)).toEqual(
      expect.arrayContaining([
        'urn:accord:catalog:eu-ai-act-2024-1689',
        'urn:accord:catalog:nist-ai-rmf-1.0',
        'urn:accord:catalog:nist-ai-600-1-2024',
        'urn:accord:catalog:iso-42001-2023',
      ]),
    )
    expect(set.mappings.map((m) => m.urn)).toContain(
      'urn:accord:mapping:eu-ai-act-2024-1689--nist-ai-rmf-1.0',
    )
    // every pair of catalogs has a mapping file
    const n = set.refs.length
    expect(set.mappings).toHaveLength((n * (n - 1)) / 2)
    expect(resolveRef(set, 'nist-ai-rmf:GOVERN 1.1')?.node.ref_id).toBe('GOVERN 1.1')
    expect(resolveRef(set, 'EU-AI-ACT:art-9.2.a')?.node.urn).toBe(
      'urn:accord:req:eu-ai-act-2024-1689:art-9.2.a',
    )
    const edges = set.edgesByUrn.get('urn:accord:req:nist-ai-rmf-1.0:manage-4.3') ?? []
    expect(edges.map((e) => e.source_urn)).toContain('urn:accord:req:eu-ai-act-2024-1689:art-73')
  })
})

describe('parseJson', () => {
  it('reports positions V8 leaves out of its message', () => {
    // V8 says "Unexpected token '}', ... is not valid JSON" here, without a position.
    const r = parseJson('{\n  "a": tru}\n', 'f.json')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect([r.issue.line, r.issue.column]).toEqual([2, 11])
  })

  it('reports truncated input at its end', () => {
    const r = parseJson('{\n  "a": [1, 2,\n', 'f.json')
    expect(r.ok ? [] : [r.issue.line, r.issue.column]).toEqual([3, 1])
  })

  it('accepts a byte-order mark', () => {
    expect(parseJson('\ufeff{"a":1}', 'f.json')).toEqual({ ok: true, value: { a: 1 } })
  })
})
