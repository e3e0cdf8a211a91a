/**
 * Art. 2(8): research, testing and development of a system before it is placed on the market or
 * put into service is outside the Act; testing in real-world conditions is not.
 */
import { describe, expect, it } from 'vitest'
import { classify, obligationIds, step, type ManifestOverrides } from './helpers.js'

/** A recruitment system (Annex III 4(a)) still in development, not placed on the market. */
const inDevelopment: ManifestOverrides = {
  classification: {
    useCases: ['recruitment'],
    placedOnEuMarket: false,
    preMarketResearchOnly: true,
  },
}

describe('Art. 2(8): research, testing and development before placing on the market', () => {
  it('Art. 2(8): a system only researched, tested or developed is out of scope, citing Art. 2(8)', () => {
    const r = classify(inDevelopment)
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(8)'])
    expect(r.facts).not.toContain('in-scope')
    expect(r.obligations).toEqual([])
    expect(r.upcoming).toEqual([])
    expect(step(r, 'eu.art-2.8').outcome).toBe('fired')
    expect(step(r, 'eu.art-2.8').reasoning).toMatch(/Unlike Art\. 2\(6\)/)
    expect(step(r, 'eu.category').cites).toBe('Art. 2(8)')
    expect(step(r, 'eu.category').reasoning).toMatch(/^Out of scope under Art\. 2\(8\)/)
    // Nothing after scope is evaluated.
    expect(r.trace.some((s) => s.rule.startsWith('eu.annex-iii'))).toBe(false)
  })

  it('Art. 2(8): a general-purpose AI model of the vendor already on the market keeps its Chapter V duties while the system is in development', () => {
    const model = (placedOnMarket?: string) => ({
      name: 'base',
      version: '1',
      licence: 'proprietary',
      weightsPublic: false,
      generalPurpose: true,
      trainingComputeFlop: 1e24,
      ...(placedOnMarket ? { placedOnMarket } : {}),
    })
    const r = classify({ ...inDevelopment, models: [model('2026-01-10')] }, '2026-09-01')
    expect(r.category).toBe('out-of-scope')
    expect(r.citations[0]).toBe('Art. 2(8)')
    expect(r.gpai).toBe('gpai')
    expect(obligationIds([...r.obligations, ...r.upcoming])).toContain('eu-ai-act:art-53.1.a')
    expect(step(r, 'eu.art-2.8.models').reasoning).toContain(
      'base 1 (models[].placedOnMarket 2026-01-10) is already on the market',
    )
    // A model not yet placed (or undated) is in development with the system: nothing is listed.
    for (const m of [model('2027-01-10'), model()]) {
      const dev = classify({ ...inDevelopment, models: [m] }, '2026-09-01')
      expect(dev.gpai).toBeNull()
      expect(dev.obligations).toEqual([])
      expect(dev.upcoming).toEqual([])
    }
  })

  it('Art. 2(8): testing in real-world conditions is not covered, so the system is classified', () => {
    const r = classify({
      ...inDevelopment,
      classification: { ...inDevelopment.classification, realWorldTesting: true },
    })
    expect(r.category).toBe('high-risk')
    expect(r.facts).toContain('in-scope')
    expect(step(r, 'eu.art-2.8').outcome).toBe('exception')
    expect(step(r, 'eu.art-2.8').reasoning).toMatch(/real-world conditions/)
    expect(obligationIds([...r.obligations, ...r.upcoming])).toContain('eu-ai-act:art-9')
  })

  it('Art. 2(8): real-world testing outside the Union has no link to it under Art. 2(1)', () => {
    const r = classify({
      ...inDevelopment,
      classification: { ...inDevelopment.classification, realWorldTesting: true },
      deployment: { memberStates: [] },
    })
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(1)'])
  })

  it('Art. 2(8): the exclusion ends on the placing date the manifest gives', () => {
    const planned = {
      ...inDevelopment,
      system: { placedOnMarket: '2026-10-01' },
      roles: ['provider', 'deployer'] as ManifestOverrides['roles'],
    }
    const before = classify(planned, '2026-09-01')
    expect(before.citations).toEqual(['Art. 2(8)'])
    expect(step(before, 'eu.art-2.8').reasoning).toContain('planned for 2026-10-01')
    const after = classify(planned, '2026-11-01')
    expect(step(after, 'eu.art-2.8').outcome).toBe('exception')
    expect(after.category).toBe('high-risk')
  })

  it('Art. 2(8) does not apply unless the manifest says so', () => {
    const r = classify({ classification: { useCases: ['recruitment'] } })
    expect(step(r, 'eu.art-2.8').outcome).toBe('not-applicable')
    expect(r.category).toBe('high-risk')
  })
})
