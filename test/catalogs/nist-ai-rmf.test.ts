import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { catalogJsonSchema } from '../../src/core/catalog/json-schema.js'
import type { Catalog } from '../../src/core/catalog/schema.js'
import { validateCatalog } from '../../src/core/catalog/validate.js'

const FILE = join(import.meta.dirname, '..', '..', 'catalogs', 'nist-ai-rmf', '1.0.v1.json')
const raw = JSON.parse(await readFile(FILE, 'utf8')) as unknown

function load(): Catalog {
  const result = validateCatalog(raw, 'nist-ai-rmf/1.0.v1.json')
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2))
  return result.catalog
}
const catalog = load()

/** The 72 subcategory ids of NIST AI 100-1 Tables 1-4, by category. */
const EXPECTED_SUBCATEGORIES = [
  ...range('govern-1', 7),
  ...range('govern-2', 3),
  ...range('govern-3', 2),
  ...range('govern-4', 3),
  ...range('govern-5', 2),
  ...range('govern-6', 2),
  ...range('map-1', 6),
  ...range('map-2', 3),
  ...range('map-3', 5),
  ...range('map-4', 2),
  ...range('map-5', 2),
  ...range('measure-1', 3),
  ...range('measure-2', 13),
  ...range('measure-3', 3),
  ...range('measure-4', 3),
  ...range('manage-1', 4),
  ...range('manage-2', 4),
  ...range('manage-3', 2),
  ...range('manage-4', 3),
]

function range(category: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${category}.${i + 1}`)
}

describe('catalogs/nist-ai-rmf/1.0.v1.json', () => {
  const byKind = (kind: string) => catalog.nodes.filter((n) => n.kind === kind)

  it('passes the catalog schema and semantic checks', () => {
    expect(validateCatalog(raw, 'nist-ai-rmf/1.0.v1.json').ok).toBe(true)
  })

  it('has the header of the NIST AI RMF 1.0 catalog', () => {
    expect(catalog).toMatchObject({
      $schema: '../schema/catalog.v1.schema.json',
      urn: 'urn:accord:catalog:nist-ai-rmf-1.0',
      framework: 'nist-ai-rmf',
      edition: '1.0',
      version: 1,
      kind: 'framework',
      publication_date: '2023-01-26',
    })
    expect(catalog.sources[0]?.url).toBe('https://doi.org/10.6028/NIST.AI.100-1')
    expect(catalog.law_versions).toBeUndefined()
  })

  it('has exactly 4 functions, 19 categories and 72 subcategories', () => {
    expect(byKind('function').map((n) => n.id)).toEqual(['govern', 'map', 'measure', 'manage'])
    expect(byKind('category')).toHaveLength(19)
    expect(byKind('subcategory')).toHaveLength(72)
    expect(catalog.nodes).toHaveLength(4 + 19 + 72)
  })

  it('has 19/18/22/13 subcategories under GOVERN/MAP/MEASURE/MANAGE', () => {
    const count = (fn: string) =>
      byKind('subcategory').filter((n) => n.id.startsWith(`${fn}-`)).length
    expect(['govern', 'map', 'measure', 'manage'].map(count)).toEqual([19, 18, 22, 13])
  })

  it('has exactly the expected subcategory ids, in order', () => {
    expect(EXPECTED_SUBCATEGORIES).toHaveLength(72)
    expect(byKind('subcategory').map((n) => n.id)).toEqual(EXPECTED_SUBCATEGORIES)
  })

  it('derives ref_id, parent and depth from the id', () => {
    for (const node of catalog.nodes) {
      const [fn, rest] = node.id.split('-')
      expect(node.ref_id).toBe(
        rest === undefined ? fn!.toUpperCase() : `${fn!.toUpperCase()} ${rest}`,
      )
      const parent = node.kind === 'subcategory' ? node.id.replace(/\.\d+$/, '') : fn
      expect(node.parent_urn).toBe(
        node.kind === 'function' ? undefined : `urn:accord:req:nist-ai-rmf-1.0:${parent}`,
      )
      const depths: Record<string, number> = { function: 1, category: 2, subcategory: 3 }
      expect(node.depth).toBe(depths[node.kind])
    }
  })

  it('makes subcategories assessable with an evidence hint, and carries no obligations', () => {
    for (const node of catalog.nodes) {
      expect(node.obligation).toBeUndefined()
      expect(node.assessable).toBe(node.kind === 'subcategory')
      if (node.kind === 'subcategory') expect(node.evidence_hint?.length).toBeGreaterThan(20)
    }
  })

  it('has a distinct name and summary for every node', () => {
    expect(new Set(catalog.nodes.map((n) => n.summary)).size).toBe(catalog.nodes.length)
    expect(new Set(byKind('subcategory').map((n) => n.name)).size).toBe(72)
  })

  it('is valid against the generated JSON Schema (ajv, draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(catalogJsonSchema())
    expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true)
  })
})
