import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { applicationDate, lawVersionAt } from '../../src/core/catalog/applicability.js'
import { catalogJsonSchema } from '../../src/core/catalog/json-schema.js'
import { Catalog } from '../../src/core/catalog/schema.js'
import { validateCatalog } from '../../src/core/catalog/validate.js'

const ROOT = join(import.meta.dirname, '..', '..', 'catalogs')
const FILE = 'korea-ai-basic-act/2025.v2.json'
const raw = JSON.parse(await readFile(join(ROOT, FILE), 'utf8')) as unknown
const eu = Catalog.parse(
  JSON.parse(await readFile(join(ROOT, 'eu-ai-act', '2024-1689.v3.json'), 'utf8')),
)

function load(): Catalog {
  const result = validateCatalog(raw, FILE)
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2))
  return result.catalog
}
const catalog = load()
const obligations = catalog.nodes.filter((n) => n.obligation !== undefined)

describe(`catalogs/${FILE}`, () => {
  it('passes the catalog schema and semantic checks, and the generated JSON Schema', () => {
    expect(validateCatalog(raw, FILE).ok).toBe(true)
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(catalogJsonSchema())
    expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true)
  })

  it('is a law with one version in force from 2026-01-22, marked uncertain', () => {
    expect(catalog).toMatchObject({
      urn: 'urn:accord:catalog:korea-ai-basic-act-2025',
      framework: 'korea-ai-basic-act',
      kind: 'law',
      publication_date: '2025-01-21',
    })
    expect(catalog.law_versions).toHaveLength(1)
    expect(catalog.law_versions?.[0]).toMatchObject({ id: 'original', in_force_from: '2026-01-22' })
    expect(catalog.law_versions?.[0]?.uncertain).toMatch(/secondary sources/)
    expect(lawVersionAt(catalog, '2026-01-22')?.id).toBe('original')
  })

  it('has the reported operator duties (Arts. 31-36), each applying from 2026-01-22', () => {
    expect(obligations.map((n) => n.id)).toEqual([
      'art-31',
      'art-32',
      'art-33',
      'art-34',
      'art-35',
      'art-36',
    ])
    for (const n of obligations) {
      expect(n.assessable).toBe(true)
      expect(applicationDate(catalog, n, 'original', [])?.from).toBe('2026-01-22')
      expect(n.obligation?.application[0]?.note).toMatch(/grace period/)
    }
  })

  it('Art. 32: the high-performance threshold is 10^26 FLOP or more (at the threshold, not only above)', () => {
    const summary = catalog.nodes.find((n) => n.id === 'art-32')?.summary ?? ''
    expect(summary).toContain('10^26 FLOP or more')
    expect(summary).not.toMatch(/exceed/)
  })

  it('marks every node uncertain: encoded from secondary sources', () => {
    for (const n of catalog.nodes) expect(n.uncertain, n.id).toMatch(/secondary/)
  })

  it('applies only on Korea-specific facts, so EU classification facts never trigger it', () => {
    for (const n of obligations) {
      const facts = [
        ...(n.obligation?.applies_when.all ?? []),
        ...(n.obligation?.applies_when.any ?? []),
        ...(n.obligation?.applies_when.none ?? []),
      ]
      expect(facts.length, n.id).toBeGreaterThan(0)
      for (const f of facts) expect(f, n.id).toMatch(/^korea:/)
    }
  })

  it('shares no node id with the EU AI Act, so bare ids like art-9 still resolve', () => {
    const euIds = new Set(eu.nodes.map((n) => n.id))
    expect(catalog.nodes.filter((n) => euIds.has(n.id)).map((n) => n.id)).toEqual([])
  })
})
