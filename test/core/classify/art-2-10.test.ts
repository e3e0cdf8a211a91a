/**
 * Art. 2(10): the Act does not apply to obligations of deployers who are natural persons using AI
 * systems in a purely personal, non-professional activity. Provider obligations stay.
 */
import { describe, expect, it } from 'vitest'
import realJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import { assessSystem } from '../../../src/core/assess/assess.js'
import { Catalog } from '../../../src/core/catalog/schema.js'
import { buildCatalogSet } from '../../../src/core/catalog/validate.js'
import { classifyEuAiAct } from '../../../src/core/classify/eu-ai-act.js'
import { classify, makeManifest, obligationIds, step, type ManifestOverrides } from './helpers.js'

const catalog = Catalog.parse(realJson)
const catalogs = buildCatalogSet([{ catalog, sha256: '0'.repeat(64) }], [])

/** A deep-fake generator (Art. 50(2) for providers, 50(4) for deployers) used at home. */
function personal(roles: ManifestOverrides['roles']): ManifestOverrides {
  return {
    roles,
    deployment: { purelyPersonalUse: true },
    classification: {
      useCases: ['deep-fake-generation'],
      generatesSyntheticContent: ['video'],
    },
  }
}

describe('Art. 2(10): deployers in purely personal use', () => {
  it('Art. 2(10): a vendor whose only role is such a deployer is out of scope, citing Art. 2(10)', () => {
    const r = classify(personal(['deployer']))
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(10)'])
    expect(r.facts).not.toContain('in-scope')
    expect(r.obligations).toEqual([])
    expect(r.upcoming).toEqual([])
    expect(step(r, 'eu.art-2.10').outcome).toBe('fired')
    expect(step(r, 'eu.category').reasoning).toMatch(/^Out of scope under Art\. 2\(10\)/)
  })

  it('Art. 2(10): a provider whose customers use the system privately keeps its obligations', () => {
    const r = classify(personal(['provider']))
    expect(r.category).toBe('transparency')
    expect(step(r, 'eu.art-2.10').outcome).toBe('not-applicable')
    expect(step(r, 'eu.art-2.10').reasoning).toMatch(/no deployer obligations/)
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-50.2')
  })

  it('Art. 2(10): provider and private deployer: deployer duties go, in classification and assessment', () => {
    const manifest = makeManifest(personal(['provider', 'deployer']))
    const asOf = '2026-09-01'
    const r = classifyEuAiAct({ manifest, catalog, asOf })
    expect(r.facts).toContain('art-2.10')
    expect(r.citations).toContain('Art. 2(10)')
    const listed = obligationIds([...r.obligations, ...r.upcoming])
    expect(listed).toContain('eu-ai-act:art-50.2')
    expect(listed.filter((id) => id.startsWith('eu-ai-act:art-50.4'))).toEqual([])
    const assessment = assessSystem({
      manifest,
      manifestSha256: 'f'.repeat(64),
      evidence: [],
      catalogs,
      classification: r,
      asOf,
      frameworks: ['eu-ai-act'],
    })
    const ids = assessment.obligations.map((o) => o.id)
    expect(ids).toContain('eu-ai-act:art-50.2')
    expect(ids.filter((id) => id.startsWith('eu-ai-act:art-50.4'))).toEqual([])
  })

  it('Art. 2(10) is not read as lifting an Art. 5 prohibition', () => {
    const r = classify({
      roles: ['deployer'],
      deployment: { purelyPersonalUse: true },
      classification: { useCases: ['social-scoring'] },
    })
    expect(r.category).toBe('prohibited')
    expect(step(r, 'eu.art-2.10').outcome).toBe('exception')
  })

  it('Art. 2(10) does not apply unless the manifest says so', () => {
    const r = classify(personal(['deployer']))
    const without = classify({ ...personal(['deployer']), deployment: {} })
    expect(r.category).toBe('out-of-scope')
    expect(without.category).toBe('transparency')
    expect(step(without, 'eu.art-2.10').outcome).toBe('not-applicable')
  })
})
