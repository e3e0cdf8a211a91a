/**
 * Art. 2(2) against the real catalog (catalogs/eu-ai-act/2024-1689.v3.json): a system high-risk
 * under Art. 6(1) because of a product under Annex I Section B gets none of the Chapter III
 * obligations, in classification and in assessment, while a Section A product keeps them.
 */
import { describe, expect, it } from 'vitest'
import realJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import { assessSystem } from '../../../src/core/assess/assess.js'
import { Catalog } from '../../../src/core/catalog/schema.js'
import { buildCatalogSet } from '../../../src/core/catalog/validate.js'
import { classifyEuAiAct } from '../../../src/core/classify/eu-ai-act.js'
import { makeManifest, step, type ManifestOverrides } from './helpers.js'

const catalog = Catalog.parse(realJson)
const catalogs = buildCatalogSet([{ catalog, sha256: '0'.repeat(64) }], [])

/** Provisions of Chapter III (Arts. 8-49), Arts. 72-73 and Annex IV, which Art. 2(2) leaves out. */
const CHAPTER_III = /^eu-ai-act:(?:art-(?:[89]|[1-3]\d|4[0-9]|7[23])(?:\.|$)|annex-iv(?:\.|$))/

const vehicle: ManifestOverrides = {
  roles: ['provider', 'deployer'],
  classification: {
    safetyComponent: {
      legislation: 'motor-vehicles-2018-858',
      thirdPartyConformityAssessment: true,
    },
    useCases: ['conversational-agent'],
  },
}
const medical: ManifestOverrides = {
  roles: ['provider', 'deployer'],
  classification: {
    safetyComponent: {
      legislation: 'medical-devices-2017-745',
      thirdPartyConformityAssessment: true,
    },
  },
}

function run(overrides: ManifestOverrides, asOf: string) {
  const manifest = makeManifest(overrides)
  const classification = classifyEuAiAct({ manifest, catalog, asOf })
  const assessment = assessSystem({
    manifest,
    manifestSha256: 'f'.repeat(64),
    evidence: [],
    catalogs,
    classification,
    asOf,
    frameworks: ['eu-ai-act'],
  })
  const listed = [...classification.obligations, ...classification.upcoming].map((o) => o.id)
  return { classification, assessment, listed }
}

describe('Art. 2(2) with the real catalog', () => {
  it('Art. 2(2): a Section B product lists no Chapter III obligation, on any date', () => {
    for (const asOf of ['2026-07-01', '2026-09-01', '2028-09-01']) {
      const { classification: r, listed } = run(vehicle, asOf)
      expect(r.category, asOf).toBe('high-risk')
      expect(r.citations, asOf).toEqual(
        expect.arrayContaining(['Art. 6(1)', 'Annex I', 'Art. 2(2)']),
      )
      expect(
        listed.filter((id) => CHAPTER_III.test(id)),
        asOf,
      ).toEqual([])
      // Art. 4 and Art. 50 stay (Art. 2(2) read narrowly; see rules/scope.ts).
      expect(listed, asOf).toEqual(
        expect.arrayContaining(['eu-ai-act:art-4', 'eu-ai-act:art-50.1']),
      )
      expect(step(r, 'eu.art-2.2').reasoning, asOf).toMatch(/Art\. 107 of the AI Act amends it/)
    }
  })

  it('Art. 2(2): assessment reports no Chapter III gap for a Section B product', () => {
    const { assessment } = run(vehicle, '2028-09-01')
    const chapterIII = assessment.obligations.filter((o) => CHAPTER_III.test(o.id))
    expect(chapterIII.length).toBeGreaterThan(0)
    for (const o of chapterIII) {
      expect(o.status, o.id).toBe('not-applicable')
      // Annex III-only duties (Arts. 26(11), 27, 49, 6(4)) were never conditioned on Art. 6(1).
      expect(o.reason, o.id).toMatch(
        /excluded by art-2\.2|requires (?:high-risk:annex-iii|derogation:art-6\.3)/,
      )
    }
    expect(assessment.obligations.find((o) => o.id === 'eu-ai-act:art-4')?.status).toBe('missing')
  })

  it('a Section A product keeps Chapter III obligations and gaps', () => {
    const { classification: r, assessment, listed } = run(medical, '2028-09-01')
    expect(r.facts).not.toContain('art-2.2')
    expect(listed).toEqual(
      expect.arrayContaining(['eu-ai-act:art-9', 'eu-ai-act:art-16', 'eu-ai-act:art-26']),
    )
    expect(assessment.obligations.find((o) => o.id === 'eu-ai-act:art-9')?.status).toBe('missing')
  })
})
