/**
 * Classification against the real catalog (catalogs/eu-ai-act/2024-1689.v3.json), in scenarios
 * like the examples: the rules hold the structure, the catalog the mappings and dates.
 */
import { describe, expect, it } from 'vitest'
import realJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import { Catalog } from '../../../src/core/catalog/schema.js'
import { classifyEuAiAct } from '../../../src/core/classify/eu-ai-act.js'
import { isKnownFact } from '../../../src/core/classify/facts.js'
import type { Manifest } from '../../../src/core/manifest/schema.js'
import {
  classify as classifyWith,
  makeManifest,
  makeModel,
  obligationIds,
  step,
  type ManifestOverrides,
} from './helpers.js'

const catalog = Catalog.parse(realJson)
const classify = (overrides: ManifestOverrides, asOf = '2026-09-01') =>
  classifyWith(overrides, asOf, catalog)
const find = (list: readonly { id: string; appliesFrom: string }[], id: string) =>
  list.find((o) => o.id === `eu-ai-act:${id}`)

describe('EU AI Act catalog scenarios', () => {
  it('HR screening SaaS of a US provider: high-risk under Annex III 4(a), dates move with the Omnibus', () => {
    const hr: ManifestOverrides = {
      provider: { country: 'US' },
      classification: { useCases: ['recruitment'], profilesNaturalPersons: true },
    }
    const original = classify(hr, '2026-07-01')
    expect(original.category).toBe('high-risk')
    expect(original.citations).toEqual(['Art. 6(2)', 'Annex III 4(a)'])
    expect(original.lawVersion.id).toBe('original')
    expect(find(original.upcoming, 'art-9')?.appliesFrom).toBe('2026-08-02')

    const amended = classify(hr, '2026-09-01')
    expect(amended.lawVersion.id).toBe('amended-2026-1744')
    expect(find(amended.upcoming, 'art-9')?.appliesFrom).toBe('2027-12-02')
    expect(find(amended.obligations, 'art-4')?.appliesFrom).toBe('2025-02-02')
    expect(amended.facts).toContain('provider:third-country')

    const later = classify(hr, '2028-01-01')
    expect(find(later.obligations, 'art-9')?.appliesFrom).toBe('2027-12-02')
    expect(find(later.obligations, 'art-49.1')).toBeDefined()
  })

  it('customer-service chatbot on a third-party LLM: transparency, not GPAI', () => {
    const r = classify({
      classification: { useCases: ['conversational-agent'] },
      models: [makeModel({ thirdParty: true, generalPurpose: true, supplier: 'Model Lab' })],
    })
    expect(r.category).toBe('transparency')
    expect(r.citations).toEqual(['Art. 50(1)'])
    expect(r.gpai).toBeNull()
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-50.1')
    expect(obligationIds(r.obligations).some((id) => id.includes('art-53'))).toBe(false)
    expect(step(r, 'eu.art-3.68').reasoning).toContain('downstream provider')
  })

  it('bank deploying credit scoring: Annex III 5(b) and a fundamental rights impact assessment', () => {
    const r = classify(
      { roles: ['deployer'], classification: { useCases: ['creditworthiness'] } },
      '2028-01-01',
    )
    expect(r.highRiskRoutes.map((x) => x.point)).toEqual(['Annex III 5(b)'])
    expect(obligationIds(r.obligations)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-26', 'eu-ai-act:art-27']),
    )
    expect(obligationIds(r.obligations)).not.toContain('eu-ai-act:art-9')
  })

  it('fraud detection is not Annex III 5(b)', () => {
    const r = classify({ classification: { useCases: ['fraud-detection'] } })
    expect(r.category).toBe('minimal')
    expect(step(r, 'eu.annex-iii.5.b').outcome).toBe('exception')
  })

  it('medical-device safety component: Annex I Section A, Annex I dates', () => {
    const r = classify({
      classification: {
        safetyComponent: {
          legislation: 'medical-devices-2017-745',
          thirdPartyConformityAssessment: true,
        },
      },
    })
    expect(r.facts).toEqual(expect.arrayContaining(['high-risk:annex-i', 'annex-i.section-a']))
    expect(r.highRiskRoutes[0]?.point).toBe('Annex I Section A point 11')
    expect(find(r.upcoming, 'art-9')?.appliesFrom).toBe('2028-08-02')
  })

  it('Art. 16(i) registration follows Art. 49(1): Annex III systems, not Annex I products or area 2', () => {
    const all = (r: ReturnType<typeof classify>) => obligationIds([...r.obligations, ...r.upcoming])
    const device = classify({
      classification: {
        safetyComponent: {
          legislation: 'medical-devices-2017-745',
          thirdPartyConformityAssessment: true,
        },
      },
    })
    expect(all(device)).toContain('eu-ai-act:art-16.h')
    expect(all(device)).not.toContain('eu-ai-act:art-16.i')
    expect(all(device)).not.toContain('eu-ai-act:art-49.1')
    const grid = classify({ classification: { useCases: ['critical-infrastructure-safety'] } })
    expect(all(grid)).toContain('eu-ai-act:art-16.h')
    expect(all(grid)).not.toContain('eu-ai-act:art-16.i')
    const hiring = classify({ classification: { useCases: ['recruitment'] } })
    expect(all(hiring)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-16.i', 'eu-ai-act:art-49.1']),
    )
  })

  it('Art. 26(8): public-body deployers register under Art. 49(3), so only for Annex III outside area 2', () => {
    const all = (r: ReturnType<typeof classify>) => obligationIds([...r.obligations, ...r.upcoming])
    const publicDeployer = { roles: ['deployer' as const], deployment: { publicBody: true } }
    const device = classify({
      ...publicDeployer,
      classification: {
        safetyComponent: {
          legislation: 'medical-devices-2017-745',
          thirdPartyConformityAssessment: true,
        },
      },
    })
    expect(all(device)).toContain('eu-ai-act:art-26.1')
    expect(all(device)).not.toContain('eu-ai-act:art-26.8')
    const grid = classify({
      ...publicDeployer,
      classification: { useCases: ['critical-infrastructure-safety'] },
    })
    expect(all(grid)).not.toContain('eu-ai-act:art-26.8')
    const benefits = classify({
      ...publicDeployer,
      classification: { useCases: ['public-benefits-eligibility'] },
    })
    expect(all(benefits)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-26.8', 'eu-ai-act:art-49.3']),
    )
  })

  it('Art. 43(1): an Annex III point 1 system on internal control without harmonised standards is flagged', () => {
    const biometric = (extra: Partial<Manifest>) =>
      classifyEuAiAct({
        manifest: {
          ...makeManifest({ classification: { useCases: ['emotion-recognition'] } }),
          ...extra,
        },
        catalog,
        asOf: '2026-09-01',
      })
    const flagged = biometric({ conformityAssessment: { procedure: 'annex-vi-internal-control' } })
    expect(flagged.category).toBe('high-risk')
    expect(step(flagged, 'eu.art-43.1').outcome).toBe('exception')
    expect(step(flagged, 'eu.art-43.1').reasoning).toContain('Annex VII')
    const withStandards = biometric({
      conformityAssessment: { procedure: 'annex-vi-internal-control' },
      harmonisedStandards: ['EN 00000:2027'],
    })
    expect(withStandards.trace.some((t) => t.rule === 'eu.art-43.1')).toBe(false)
    const notified = biometric({
      conformityAssessment: {
        procedure: 'annex-vii-notified-body',
        notifiedBody: { name: 'NB', number: '0000' },
      },
    })
    expect(notified.trace.some((t) => t.rule === 'eu.art-43.1')).toBe(false)
    // Annex III points 2 to 8 use internal control (Art. 43(2)): nothing to flag.
    const hiring = classifyEuAiAct({
      manifest: {
        ...makeManifest({ classification: { useCases: ['recruitment'] } }),
        conformityAssessment: { procedure: 'annex-vi-internal-control' },
      },
      catalog,
      asOf: '2026-09-01',
    })
    expect(hiring.trace.some((t) => t.rule === 'eu.art-43.1')).toBe(false)
  })

  it('Art. 111(4): Art. 50(2) marking applies from 2026-12-02 to generators placed on the market before 2026-08-02', () => {
    const generator = (placedOnMarket?: string): ManifestOverrides => ({
      system: placedOnMarket ? { placedOnMarket } : {},
      classification: { useCases: ['content-generation'], generatesSyntheticContent: ['image'] },
    })
    const legacy = classify(generator('2026-03-01'), '2026-09-01')
    expect(find(legacy.obligations, 'art-50.2')).toBeUndefined()
    expect(find(legacy.upcoming, 'art-50.2')?.appliesFrom).toBe('2026-12-02')
    expect(
      find(classify(generator('2026-03-01'), '2026-12-02').obligations, 'art-50.2'),
    ).toBeDefined()
    // Other Art. 50 duties keep the general date (Art. 50(5) here).
    expect(find(legacy.obligations, 'art-50.5')?.appliesFrom).toBe('2026-08-02')
    // Placed on or after 2 August 2026, or no placement date given: the general date.
    expect(
      find(classify(generator('2026-08-02'), '2026-09-01').obligations, 'art-50.2')?.appliesFrom,
    ).toBe('2026-08-02')
    expect(find(classify(generator(), '2026-09-01').obligations, 'art-50.2')?.appliesFrom).toBe(
      '2026-08-02',
    )
    // The original text has no such transitional rule.
    expect(
      find(classify(generator('2026-03-01'), '2026-07-01').upcoming, 'art-50.2')?.appliesFrom,
    ).toBe('2026-08-02')
  })

  it('machinery moves from Annex I Section A to Section B under Reg. (EU) 2026/1744', () => {
    const machinery: ManifestOverrides = {
      classification: {
        safetyComponent: {
          legislation: 'machinery-2023-1230',
          thirdPartyConformityAssessment: true,
        },
      },
    }
    expect(classify(machinery, '2026-07-01').facts).toContain('annex-i.section-a')
    expect(classify(machinery, '2026-09-01').facts).toContain('annex-i.section-b')
  })

  it('nudifier: not prohibited on 2026-11-30, prohibited under Art. 5(1)(ba) from 2026-12-02', () => {
    const nudifier: ManifestOverrides = {
      classification: {
        useCases: ['non-consensual-intimate-imagery'],
        generatesSyntheticContent: ['image'],
      },
    }
    const before = classify(nudifier, '2026-11-30')
    expect(before.category).toBe('transparency')
    expect(before.prohibitedPractices[0]).toMatchObject({ nodeId: 'art-5.1.ba', inForce: false })
    expect(find(before.upcoming, 'art-5.1.ba')?.appliesFrom).toBe('2026-12-02')
    const after = classify(nudifier, '2026-12-02')
    expect(after.category).toBe('prohibited')
    expect(after.citations[0]).toBe('Art. 5(1)(ba)')
    expect(find(after.obligations, 'art-5.1.ba')).toBeDefined()
    const original = classify(nudifier, '2026-07-01')
    expect(step(original, 'eu.art-5.1.ba').reasoning).toContain('2026-12-02')
  })

  it('real-time RBI for the police in public spaces is prohibited; the deployer carries Art. 5(1)(h)', () => {
    const r = classify({
      roles: ['deployer'],
      classification: {
        useCases: ['remote-biometric-identification'],
        biometrics: { realTime: true, publiclyAccessibleSpaces: true },
      },
      deployment: { lawEnforcement: true, publicBody: true },
    })
    expect(r.category).toBe('prohibited')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-5.1.h')
  })

  it('frontier model above 10^25 FLOP: systemic risk, Art. 52 and 55 duties', () => {
    const r = classify({
      models: [makeModel({ generalPurpose: true, trainingComputeFlop: 3e25 })],
    })
    expect(r.gpai).toBe('gpai-systemic-risk')
    expect(obligationIds(r.obligations)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-52.1', 'eu-ai-act:art-55', 'eu-ai-act:art-53.1.a']),
    )
  })

  it('Art. 52(1): only a model meeting Art. 51(1)(a) is notified, not one the Commission designated', () => {
    const designated = classify({
      models: [
        makeModel({
          generalPurpose: true,
          designatedSystemicRisk: true,
          trainingComputeFlop: 1e24,
        }),
      ],
    })
    expect(designated.gpai).toBe('gpai-systemic-risk')
    expect(obligationIds(designated.obligations)).toContain('eu-ai-act:art-55')
    expect(obligationIds(designated.obligations)).not.toContain('eu-ai-act:art-52.1')
    expect(step(designated, 'eu.art-51').reasoning).toContain('no Art. 52(1) notification is due')
    // At exactly 10^25 FLOP the presumption of Art. 51(2) ("greater than") does not hold.
    const atThreshold = classify({
      models: [makeModel({ generalPurpose: true, trainingComputeFlop: 1e25 })],
    })
    expect(atThreshold.gpai).toBe('gpai')
    expect(obligationIds(atThreshold.obligations)).not.toContain('eu-ai-act:art-52.1')
    // An open-source system (Art. 2(12)) keeps the model's notification duty.
    const open = classify({
      classification: { openSource: true },
      models: [makeModel({ generalPurpose: true, trainingComputeFlop: 2e25 })],
    })
    expect(open.category).toBe('out-of-scope')
    expect(obligationIds(open.obligations)).toContain('eu-ai-act:art-52.1')
  })

  it('open-weights model under Apache-2.0 from a US provider: exempt from 53(1)(a)-(b) and 54', () => {
    const r = classify({
      provider: { country: 'US' },
      models: [makeModel({ generalPurpose: true, licence: 'Apache-2.0', weightsPublic: true })],
    })
    const ids = obligationIds(r.obligations)
    expect(ids).toEqual(expect.arrayContaining(['eu-ai-act:art-53.1.c', 'eu-ai-act:art-53.1.d']))
    expect(ids).not.toContain('eu-ai-act:art-53.1.a')
    expect(ids).not.toContain('eu-ai-act:art-53.1.b')
    expect(ids).not.toContain('eu-ai-act:art-54')
  })

  it('Art. 6(3) derogation: documentation and registration duties instead of high-risk ones', () => {
    const r = classify(
      {
        classification: {
          useCases: ['education-evaluation'],
          derogation: {
            conditions: ['preparatory-task'],
            rationale: 'Pre-sorts essays for a teacher.',
          },
        },
      },
      '2028-01-01',
    )
    expect(r.category).toBe('minimal')
    const ids = obligationIds(r.obligations)
    expect(ids).toEqual(expect.arrayContaining(['eu-ai-act:art-6.4', 'eu-ai-act:art-49.2']))
    expect(ids).not.toContain('eu-ai-act:art-9')
  })

  it.each([
    ['remote-biometric-identification', 'Annex III 1(a)'],
    ['biometric-categorisation', 'Annex III 1(b)'],
    ['emotion-recognition', 'Annex III 1(c)'],
    ['critical-infrastructure-safety', 'Annex III 2'],
    ['education-admission', 'Annex III 3(a)'],
    ['education-evaluation', 'Annex III 3(b)'],
    ['education-level-assessment', 'Annex III 3(c)'],
    ['exam-proctoring', 'Annex III 3(d)'],
    ['recruitment', 'Annex III 4(a)'],
    ['worker-management', 'Annex III 4(b)'],
    ['public-benefits-eligibility', 'Annex III 5(a)'],
    ['creditworthiness', 'Annex III 5(b)'],
    ['life-health-insurance-pricing', 'Annex III 5(c)'],
    ['emergency-call-triage', 'Annex III 5(d)'],
    ['victim-risk-assessment', 'Annex III 6(a)'],
    ['law-enforcement-polygraph', 'Annex III 6(b)'],
    ['evidence-reliability', 'Annex III 6(c)'],
    ['offending-risk-assessment', 'Annex III 6(d)'],
    ['law-enforcement-profiling', 'Annex III 6(e)'],
    ['migration-polygraph', 'Annex III 7(a)'],
    ['migration-risk-assessment', 'Annex III 7(b)'],
    ['asylum-visa-examination', 'Annex III 7(c)'],
    ['migration-person-identification', 'Annex III 7(d)'],
    ['judicial-assistance', 'Annex III 8(a)'],
    ['election-influence', 'Annex III 8(b)'],
  ] as const)('%s maps to %s', (useCase, citation) => {
    const r = classify({ classification: { useCases: [useCase] } })
    expect(r.highRiskRoutes.map((x) => x.point)).toEqual([citation])
    expect(r.facts.filter((f) => !isKnownFact(f))).toEqual([])
  })
})
