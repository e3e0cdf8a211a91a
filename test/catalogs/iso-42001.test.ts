import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { catalogJsonSchema } from '../../src/core/catalog/json-schema.js'
import type { Catalog } from '../../src/core/catalog/schema.js'
import { validateCatalog } from '../../src/core/catalog/validate.js'

const FILE = 'iso-42001/2023.v1.json'
const raw = JSON.parse(
  await readFile(join(import.meta.dirname, '..', '..', 'catalogs', FILE), 'utf8'),
) as unknown

function load(): Catalog {
  const result = validateCatalog(raw, FILE)
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2))
  return result.catalog
}
const catalog = load()

/** Every Annex A control ID of ISO/IEC 42001:2023 (38), in order. */
const ANNEX_A = [
  'A.2.2', 'A.2.3', 'A.2.4',
  'A.3.2', 'A.3.3',
  'A.4.2', 'A.4.3', 'A.4.4', 'A.4.5', 'A.4.6',
  'A.5.2', 'A.5.3', 'A.5.4', 'A.5.5',
  'A.6.1.2', 'A.6.1.3',
  'A.6.2.2', 'A.6.2.3', 'A.6.2.4', 'A.6.2.5', 'A.6.2.6', 'A.6.2.7', 'A.6.2.8',
  'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6',
  'A.8.2', 'A.8.3', 'A.8.4', 'A.8.5',
  'A.9.2', 'A.9.3', 'A.9.4',
  'A.10.2', 'A.10.3', 'A.10.4',
] // prettier-ignore

const P = 'urn:accord:req:iso-42001-2023:'

describe(`catalogs/${FILE}`, () => {
  const controls = catalog.nodes.filter((n) => n.kind === 'control')
  const clauses = catalog.nodes.filter((n) => n.kind === 'clause')

  it('passes the catalog schema and semantic checks, and the generated JSON Schema', () => {
    expect(validateCatalog(raw, FILE).ok).toBe(true)
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(catalogJsonSchema())
    expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true)
  })

  it('has the header of the ISO/IEC 42001:2023 outline: a standard, no law versions', () => {
    expect(catalog).toMatchObject({
      urn: 'urn:accord:catalog:iso-42001-2023',
      framework: 'iso-42001',
      edition: '2023',
      version: 1,
      kind: 'standard',
    })
    expect(catalog.copyright).toMatch(/no part of its text is reproduced/)
    expect(catalog.law_versions).toBeUndefined()
    expect(catalog.nodes.every((n) => n.obligation === undefined)).toBe(true)
  })

  it('has exactly the 38 Annex A control IDs, in order, assessable with evidence hints', () => {
    expect(ANNEX_A).toHaveLength(38)
    expect(controls.map((n) => n.ref_id)).toEqual(ANNEX_A)
    expect(controls.map((n) => n.id)).toEqual(ANNEX_A.map((a) => a.toLowerCase()))
    for (const c of controls) {
      expect(c.assessable).toBe(true)
      expect(c.evidence_hint?.length).toBeGreaterThan(10)
    }
  })

  it('puts the controls under the nine topics A.2-A.10 (3+2+5+4+2+7+5+4+3+3)', () => {
    const groups = catalog.nodes.filter((n) => n.parent_urn === P + 'annex-a')
    expect(groups.map((n) => n.ref_id)).toEqual([
      'A.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7', 'A.8', 'A.9', 'A.10',
    ]) // prettier-ignore
    const under = (parent: string) =>
      controls.filter((c) => c.parent_urn === P + parent).map((c) => c.ref_id).length
    expect(
      ['a.2', 'a.3', 'a.4', 'a.5', 'a.6.1', 'a.6.2', 'a.7', 'a.8', 'a.9', 'a.10'].map(under),
    ).toEqual([3, 2, 5, 4, 2, 7, 5, 4, 3, 3])
    // Each control sits under the group its number names.
    for (const c of controls) {
      expect(c.parent_urn).toBe(P + c.id.replace(/\.\d+$/, ''))
    }
  })

  it('has the management-system clauses 4-10 with assessable leaves', () => {
    const top = clauses.filter((n) => n.depth === 1)
    expect(top.map((n) => n.ref_id)).toEqual(
      ['4', '5', '6', '7', '8', '9', '10'].map((c) => `Clause ${c}`),
    )
    expect(top.every((n) => !n.assessable)).toBe(true)
    const parents = new Set(catalog.nodes.map((n) => n.parent_urn))
    for (const c of clauses.filter((n) => n.depth > 1)) {
      expect(c.assessable, c.id).toBe(!parents.has(c.urn))
    }
    const ids = clauses.map((n) => n.id)
    for (const id of [
      'clause-6.1.2',
      'clause-6.1.3',
      'clause-6.1.4',
      'clause-9.2.1',
      'clause-9.3.2',
    ])
      expect(ids).toContain(id)
    expect(clauses.filter((n) => n.assessable)).toHaveLength(30)
  })

  it('keeps titles and summaries short (an outline, not the licensed text)', () => {
    for (const n of catalog.nodes) {
      expect(n.name.length, n.id).toBeLessThanOrEqual(60)
      expect(n.summary.length, n.id).toBeLessThanOrEqual(400)
    }
  })
})
