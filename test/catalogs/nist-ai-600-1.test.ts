import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { catalogJsonSchema } from '../../src/core/catalog/json-schema.js'
import type { Catalog } from '../../src/core/catalog/schema.js'
import { validateCatalog } from '../../src/core/catalog/validate.js'

const FILE = 'nist-ai-600-1/2024.v1.json'
const raw = JSON.parse(
  await readFile(join(import.meta.dirname, '..', '..', 'catalogs', FILE), 'utf8'),
) as unknown

function load(): Catalog {
  const result = validateCatalog(raw, FILE)
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2))
  return result.catalog
}
const catalog = load()

/** The 12 GAI risks of NIST AI 600-1 Section 2, in the order of subsections 2.1-2.12. */
const RISKS: [string, string][] = [
  ['risk-cbrn', 'CBRN Information or Capabilities'],
  ['risk-confabulation', 'Confabulation'],
  ['risk-dangerous-content', 'Dangerous, Violent, or Hateful Content'],
  ['risk-data-privacy', 'Data Privacy'],
  ['risk-environmental', 'Environmental Impacts'],
  ['risk-harmful-bias', 'Harmful Bias and Homogenization'],
  ['risk-human-ai-configuration', 'Human-AI Configuration'],
  ['risk-information-integrity', 'Information Integrity'],
  ['risk-information-security', 'Information Security'],
  ['risk-intellectual-property', 'Intellectual Property'],
  ['risk-obscene-content', 'Obscene, Degrading, and/or Abusive Content'],
  ['risk-value-chain', 'Value Chain and Component Integration'],
]

/** The four primary considerations of Appendix A. */
const CONSIDERATIONS = [
  'consideration-governance',
  'consideration-pre-deployment-testing',
  'consideration-content-provenance',
  'consideration-incident-disclosure',
]

describe(`catalogs/${FILE}`, () => {
  const risks = catalog.nodes.filter((n) => n.id.startsWith('risk-'))

  it('passes the catalog schema and semantic checks, and the generated JSON Schema', () => {
    expect(validateCatalog(raw, FILE).ok).toBe(true)
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(catalogJsonSchema())
    expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true)
  })

  it('has the header of the AI 600-1 catalog: a voluntary framework of 26 July 2024', () => {
    expect(catalog).toMatchObject({
      $schema: '../schema/catalog.v1.schema.json',
      urn: 'urn:accord:catalog:nist-ai-600-1-2024',
      framework: 'nist-ai-600-1',
      edition: '2024',
      version: 1,
      kind: 'framework',
      publication_date: '2024-07-26',
    })
    expect(catalog.sources[0]?.url).toBe('https://doi.org/10.6028/NIST.AI.600-1')
    expect(catalog.law_versions).toBeUndefined()
    expect(catalog.nodes.every((n) => n.obligation === undefined)).toBe(true)
  })

  it('has exactly the 12 GAI risks, in order, cited as subsections 2.1-2.12', () => {
    expect(risks).toHaveLength(12)
    expect(risks.map((n) => n.id)).toEqual(RISKS.map(([id]) => id))
    risks.forEach((n, i) => {
      const [, official] = RISKS[i] as [string, string]
      expect(n.ref_id).toBe(`§2.${i + 1} ${official}`)
      expect(n.parent_urn).toBe('urn:accord:req:nist-ai-600-1-2024:section-2')
      expect(n.assessable).toBe(true)
      expect(n.evidence_hint?.length).toBeGreaterThan(40)
    })
  })

  it('stores the "and"/"or" spelling of risk 6 as an alias', () => {
    const bias = risks.find((n) => n.id === 'risk-harmful-bias')
    expect(bias?.ref_id).toContain('Harmful Bias and Homogenization')
    expect(bias?.summary).toContain('"Harmful Bias or Homogenization"')
  })

  it('has the four primary considerations of Appendix A, assessable', () => {
    const cons = catalog.nodes.filter((n) => n.parent_urn?.endsWith(':appendix-a'))
    expect(cons.map((n) => n.id)).toEqual(CONSIDERATIONS)
    expect(cons.every((n) => n.assessable && n.ref_id.startsWith('Appendix A: '))).toBe(true)
  })

  it('says that the suggested actions are not encoded, and why', () => {
    const actions = catalog.nodes.find((n) => n.id === 'section-3')
    expect(actions?.assessable).toBe(false)
    expect(actions?.summary).toMatch(/GV-1\.1-001/)
    expect(actions?.uncertain).toMatch(/no action is encoded/)
    expect(catalog.nodes).toHaveLength(1 + 12 + 1 + 1 + 4)
  })
})
