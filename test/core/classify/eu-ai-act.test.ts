import { describe, expect, it } from 'vitest'
import fixtureJson from '../../fixtures/classify/eu-ai-act.catalog.json' with { type: 'json' }
import { Catalog } from '../../../src/core/catalog/schema.js'
import { classifyEuAiAct } from '../../../src/core/classify/eu-ai-act.js'
import { isKnownFact } from '../../../src/core/classify/facts.js'
import { isOpenLicence } from '../../../src/core/classify/rules/gpai.js'
import {
  classify,
  fixtureCatalog,
  makeManifest,
  makeModel,
  obligationIds,
  step,
} from './helpers.js'

/** A safety component of machinery under Regulation (EU) 2023/1230, assessed by a third party. */
const machinery = {
  classification: {
    safetyComponent: {
      legislation: 'machinery-2023-1230' as const,
      thirdPartyConformityAssessment: true,
    },
  },
}

describe('fixture catalog', () => {
  it('is a valid catalog whose conditions use only known facts', () => {
    expect(Catalog.safeParse(fixtureJson).success).toBe(true)
    const tags = fixtureCatalog.nodes.flatMap((n) => {
      const c = n.obligation?.applies_when
      return [...(c?.all ?? []), ...(c?.any ?? []), ...(c?.none ?? [])]
    })
    expect(tags.filter((t) => !isKnownFact(t))).toEqual([])
  })
})

describe('Art. 2: scope', () => {
  it('Art. 2(1)(a): a system placed on the EU market is in scope', () => {
    const r = classify()
    expect(r.facts).toContain('in-scope')
    expect(step(r, 'eu.art-2.1.a').outcome).toBe('fired')
    expect(r.category).toBe('minimal')
  })

  it('Art. 2(1)(b): a deployer using the system in a member state is in scope', () => {
    const r = classify({
      provider: { country: 'US' },
      roles: ['deployer'],
      classification: { placedOnEuMarket: false, outputUsedInEu: false },
      deployment: { memberStates: ['FR'] },
    })
    expect(r.facts).toContain('in-scope')
    expect(step(r, 'eu.art-2.1.b').outcome).toBe('fired')
  })

  it('Art. 2(1)(b): the provider being in the Union does not place a deployer-only vendor there', () => {
    // `provider` names who provides the system, not the vendor that only deploys it.
    const r = classify({
      provider: { country: 'DE' },
      roles: ['deployer'],
      classification: { placedOnEuMarket: false, outputUsedInEu: false },
      deployment: { memberStates: [] },
    })
    expect(step(r, 'eu.art-2.1.b').outcome).toBe('not-applicable')
    expect(step(r, 'eu.art-2.1.b').reasoning).toContain(
      "The provider's country (DE) says nothing about where the vendor is established",
    )
    expect(r.category).toBe('out-of-scope')
    // A vendor that provides and deploys its own system is established where the provider is.
    const own = classify({
      provider: { country: 'DE' },
      roles: ['provider', 'deployer'],
      classification: { placedOnEuMarket: false, outputUsedInEu: false },
      deployment: { memberStates: [] },
    })
    expect(step(own, 'eu.art-2.1.b').outcome).toBe('fired')
  })

  it('Art. 2(1)(c): third-country provider whose output is used in the Union is in scope', () => {
    const r = classify({
      provider: { country: 'US' },
      classification: { placedOnEuMarket: false, outputUsedInEu: true },
      deployment: { memberStates: [] },
    })
    expect(r.facts).toEqual(expect.arrayContaining(['in-scope', 'provider:third-country']))
    expect(step(r, 'eu.art-2.1.a').outcome).toBe('not-applicable')
    expect(step(r, 'eu.art-2.1.c').outcome).toBe('fired')
    expect(step(r, 'eu.art-2.1.c').reasoning).toContain('third country (US)')
  })

  it('Art. 2(1): a system with no link to the Union is out of scope', () => {
    const r = classify({
      provider: { country: 'US' },
      classification: { placedOnEuMarket: false, outputUsedInEu: false },
      deployment: { memberStates: [] },
    })
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(1)'])
    expect(r.facts).not.toContain('in-scope')
  })

  it('Art. 2(3): exclusively military is out of scope', () => {
    const r = classify({
      classification: {
        exclusivelyMilitaryDefenceNationalSecurity: true,
        useCases: ['social-scoring', 'recruitment'],
      },
    })
    expect(r.category).toBe('out-of-scope')
    expect(r.categories).toEqual(['out-of-scope'])
    expect(r.citations).toEqual(['Art. 2(3)'])
    expect(r.obligations).toEqual([])
    expect(r.upcoming).toEqual([])
    expect(r.prohibitedPractices).toEqual([])
    expect(step(r, 'eu.art-2.3').outcome).toBe('fired')
    // Nothing after scope is evaluated: the exclusion takes the system out whatever it does.
    expect(r.trace.some((s) => s.rule.startsWith('eu.art-5'))).toBe(false)
  })

  it('Art. 2(6): scientific research only is out of scope', () => {
    const r = classify({
      classification: { scientificResearchOnly: true, useCases: ['recruitment'] },
    })
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(6)'])
    expect(r.highRiskRoutes).toEqual([])
  })

  it('Art. 2(12): an open-source system that is neither prohibited, high-risk nor Art. 50 is out of scope', () => {
    const r = classify({ classification: { openSource: true } })
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(12)'])
    expect(r.facts).not.toContain('in-scope')
    expect(r.obligations).toEqual([])
    expect(step(r, 'eu.art-2.12').outcome).toBe('fired')
  })

  it('Art. 2(12): the open-source exclusion does not reach high-risk, prohibited or Art. 50 systems', () => {
    const highRisk = classify({ classification: { openSource: true, useCases: ['recruitment'] } })
    expect(highRisk.category).toBe('high-risk')
    expect(step(highRisk, 'eu.art-2.12').outcome).toBe('exception')
    const prohibited = classify({
      classification: { openSource: true, useCases: ['social-scoring'] },
    })
    expect(prohibited.category).toBe('prohibited')
    const chatbot = classify({
      classification: { openSource: true, useCases: ['conversational-agent'] },
    })
    expect(chatbot.category).toBe('transparency')
    expect(step(chatbot, 'eu.art-2.12').reasoning).toContain('Art. 50')
  })

  it('Art. 2(12): an open-source system stays out of scope but its GPAI model duties remain', () => {
    const r = classify(
      {
        classification: { openSource: true },
        models: [makeModel({ generalPurpose: true, licence: 'Apache-2.0', weightsPublic: true })],
      },
      '2026-09-01',
    )
    expect(r.category).toBe('out-of-scope')
    expect(r.gpai).toBe('gpai')
    expect(obligationIds(r.obligations)).toEqual(['eu-ai-act:art-53.1.c'])
    expect(r.citations[0]).toBe('Art. 2(12)')
  })
})

describe('Art. 5: prohibited practices', () => {
  it.each([
    ['subliminal-manipulation', 'a'],
    ['exploit-vulnerabilities', 'b'],
    ['social-scoring', 'c'],
    ['untargeted-facial-scraping', 'e'],
  ] as const)('Art. 5(1): %s is prohibited under point (%s)', (useCase, x) => {
    const r = classify({ classification: { useCases: [useCase] } })
    expect(r.category).toBe('prohibited')
    expect(r.facts).toEqual(expect.arrayContaining(['prohibited', `art-5.1.${x}`]))
    expect(r.citations).toEqual([`Art. 5(1)(${x})`])
    expect(r.prohibitedPractices).toEqual([
      {
        point: `Art. 5(1)(${x})`,
        nodeId: `art-5.1.${x}`,
        appliesFrom: '2025-02-02',
        inForce: true,
      },
    ])
    expect(obligationIds(r.obligations)).toContain(`eu-ai-act:art-5.1.${x}`)
  })

  it('Art. 5(1): every point is traced, matched or not', () => {
    const r = classify()
    const rules = r.trace.filter((s) => s.rule.startsWith('eu.art-5.1.')).map((s) => s.rule)
    expect(rules).toEqual(
      ['a', 'b', 'ba', 'bb', 'c', 'd', 'e', 'f', 'g', 'h'].map((x) => `eu.art-5.1.${x}`),
    )
    expect(r.prohibitedPractices).toEqual([])
    expect(
      obligationIds([...r.obligations, ...r.upcoming]).some((id) => id.includes('art-5')),
    ).toBe(false)
  })

  it('Art. 5(1): a practice matched before 2 February 2025 is recorded but not yet prohibited', () => {
    const r = classify({ classification: { useCases: ['social-scoring'] } }, '2025-01-15')
    expect(r.category).toBe('minimal')
    expect(r.facts).not.toContain('prohibited')
    expect(r.prohibitedPractices).toEqual([
      { point: 'Art. 5(1)(c)', nodeId: 'art-5.1.c', appliesFrom: '2025-02-02', inForce: false },
    ])
    expect(r.upcoming.map((o) => [o.id, o.appliesFrom])).toContainEqual([
      'eu-ai-act:art-5.1.c',
      '2025-02-02',
    ])
    expect(step(r, 'eu.art-5.1.c').reasoning).toContain('not prohibited as of 2025-01-15')
  })

  it('Art. 5(1)(d): crime prediction based solely on profiling is prohibited', () => {
    const r = classify({
      classification: { useCases: ['crime-prediction-profiling'], solelyProfilingBased: true },
    })
    expect(r.category).toBe('prohibited')
    expect(r.citations).toContain('Art. 5(1)(d)')
  })

  it('Art. 5(1)(d): an offending-risk assessment solely on profiling is the prohibited practice, not Annex III 6(d)', () => {
    const r = classify({
      classification: { useCases: ['offending-risk-assessment'], solelyProfilingBased: true },
      deployment: { lawEnforcement: true },
    })
    expect(r.category).toBe('prohibited')
    expect(r.facts).toContain('art-5.1.d')
  })

  it('Art. 5(1)(d): crime prediction not solely based on profiling is Annex III 6(d), not prohibited', () => {
    const r = classify({
      classification: { useCases: ['crime-prediction-profiling'], solelyProfilingBased: false },
      deployment: { lawEnforcement: true },
    })
    expect(r.category).toBe('high-risk')
    expect(r.facts).not.toContain('art-5.1.d')
    expect(r.facts).toEqual(expect.arrayContaining(['annex-iii.6', 'annex-iii.6.d']))
    expect(r.citations).toEqual(['Art. 6(2)', 'Annex III 6(d)'])
    expect(step(r, 'eu.art-5.1.d').outcome).toBe('exception')
    expect(step(r, 'eu.art-5.1.d').reasoning).toContain('Annex III 6(d)')
  })

  it('Art. 5(1)(f): emotion recognition in the workplace is prohibited', () => {
    const r = classify({
      classification: { useCases: ['emotion-recognition'] },
      deployment: { workplace: true },
    })
    expect(r.category).toBe('prohibited')
    expect(r.categories).toEqual(['prohibited', 'high-risk', 'transparency'])
    expect(r.citations).toEqual(['Art. 5(1)(f)', 'Art. 6(2)', 'Annex III 1(c)', 'Art. 50(3)'])
    expect(step(r, 'eu.art-5.1.f').reasoning).toContain('the workplace')
  })

  it('Art. 5(1)(f): emotion recognition in education for medical or safety reasons is carved out', () => {
    const r = classify({
      classification: {
        useCases: ['emotion-recognition'],
        biometrics: { medicalOrSafetyPurpose: true },
      },
      deployment: { education: true },
    })
    expect(r.facts).not.toContain('prohibited')
    expect(r.category).toBe('high-risk')
    expect(step(r, 'eu.art-5.1.f').outcome).toBe('exception')
  })

  it('Art. 5(1)(f): emotion recognition outside work and education is not prohibited', () => {
    const r = classify({ classification: { useCases: ['emotion-recognition'] } })
    expect(r.category).toBe('high-risk')
    expect(step(r, 'eu.art-5.1.f').outcome).toBe('not-applicable')
    expect(r.transparency).toEqual([{ point: 'Art. 50(3)', nodeId: 'art-50.3' }])
  })

  it('Art. 5(1)(g): biometric categorisation inferring political opinions is prohibited', () => {
    const r = classify({
      classification: {
        useCases: ['biometric-categorisation'],
        biometrics: { infersAttributes: ['political-opinions'] },
      },
    })
    expect(r.category).toBe('prohibited')
    expect(step(r, 'eu.art-5.1.g').reasoning).toContain('political opinions')
  })

  it('Art. 5(1)(g): other protected attributes are high-risk under Annex III 1(b), not prohibited', () => {
    const r = classify({
      classification: {
        useCases: ['biometric-categorisation'],
        biometrics: { infersAttributes: ['other-protected-attribute'] },
      },
    })
    expect(r.category).toBe('high-risk')
    expect(r.highRiskRoutes).toEqual([
      { route: 'annex-iii', point: 'Annex III 1(b)', nodeId: 'annex-iii.1.b' },
    ])
  })

  it('Art. 5(1)(g): labelling lawfully acquired biometric datasets is carved out', () => {
    const r = classify({
      classification: {
        useCases: ['biometric-categorisation'],
        biometrics: { infersAttributes: ['race'], labellingLawfulDatasetsOnly: true },
      },
      deployment: { lawEnforcement: true },
    })
    expect(r.facts).not.toContain('prohibited')
    expect(step(r, 'eu.art-5.1.g').outcome).toBe('exception')
    expect(step(r, 'eu.art-5.1.g').reasoning).toContain('law enforcement')
  })

  it('Art. 5(1)(g): law-enforcement use without dataset labelling stays prohibited, with a note', () => {
    const r = classify({
      classification: {
        useCases: ['biometric-categorisation'],
        biometrics: { infersAttributes: ['religious-or-philosophical-beliefs'] },
      },
      deployment: { lawEnforcement: true },
    })
    expect(r.category).toBe('prohibited')
    expect(step(r, 'eu.art-5.1.g').reasoning).toContain('law-enforcement carve-out')
  })

  const rbi = {
    realTime: true,
    publiclyAccessibleSpaces: true,
  }

  it('Art. 5(1)(h): real-time RBI in public spaces for law enforcement is prohibited', () => {
    const r = classify({
      roles: ['deployer'],
      classification: { useCases: ['remote-biometric-identification'], biometrics: rbi },
      deployment: { lawEnforcement: true, publicBody: true },
    })
    expect(r.category).toBe('prohibited')
    expect(r.facts).toEqual(expect.arrayContaining(['prohibited', 'art-5.1.h']))
    expect(r.citations[0]).toBe('Art. 5(1)(h)')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-5.1.h')
  })

  it('Art. 5(1)(h)(i): targeted victim search exception makes it high-risk, with the Art. 5(2)-(7) safeguards', () => {
    const r = classify({
      roles: ['deployer'],
      classification: {
        useCases: ['remote-biometric-identification'],
        biometrics: { ...rbi, realTimeObjectives: ['targeted-victim-search'] },
      },
      deployment: { lawEnforcement: true, publicBody: true },
    })
    expect(r.facts).not.toContain('prohibited')
    expect(r.facts).not.toContain('art-5.1.h')
    expect(r.category).toBe('high-risk')
    expect(r.highRiskRoutes.map((x) => x.point)).toEqual(['Annex III 1(a)'])
    expect(r.citations).toEqual(['Art. 5(1)(h)(i)', 'Art. 6(2)', 'Annex III 1(a)'])
    const s = step(r, 'eu.art-5.1.h')
    expect(s.outcome).toBe('exception')
    expect(s.reasoning).toContain('Art. 5(2)-(7)')
    expect(s.reasoning).toContain('fundamental rights impact assessment')
    expect(s.reasoning).toContain('Art. 5(3)')
    expect(s.reasoning).toContain('records no authorisation')
  })

  it('Art. 5(1)(h)(ii)-(iii): the other objectives are exceptions too, and a recorded authorisation is reported', () => {
    const r = classify({
      roles: ['deployer'],
      classification: {
        useCases: ['remote-biometric-identification'],
        biometrics: {
          ...rbi,
          realTimeObjectives: ['imminent-threat-prevention', 'serious-crime-suspect'],
          authorisation: 'Court order 123/2026',
        },
      },
      deployment: { lawEnforcement: true },
    })
    expect(r.citations).toEqual(expect.arrayContaining(['Art. 5(1)(h)(ii)', 'Art. 5(1)(h)(iii)']))
    expect(step(r, 'eu.art-5.1.h').reasoning).toContain('Court order 123/2026')
  })

  it('Art. 5(1)(h): post-remote RBI is not prohibited but high-risk', () => {
    const r = classify({
      classification: {
        useCases: ['remote-biometric-identification'],
        biometrics: { realTime: false, publiclyAccessibleSpaces: true },
      },
      deployment: { lawEnforcement: true },
    })
    expect(r.category).toBe('high-risk')
    expect(step(r, 'eu.art-5.1.h').reasoning).toContain('real-time')
  })

  it('Art. 5(1)(ba): a nudifier as of 2026-11-30 is not prohibited; as of 2026-12-02 it is', () => {
    const nudifier = { classification: { useCases: ['non-consensual-intimate-imagery' as const] } }
    const before = classify(nudifier, '2026-11-30')
    expect(before.category).toBe('minimal')
    expect(before.facts).not.toContain('prohibited')
    expect(before.prohibitedPractices).toEqual([
      { point: 'Art. 5(1)(ba)', nodeId: 'art-5.1.ba', appliesFrom: '2026-12-02', inForce: false },
    ])
    expect(step(before, 'eu.art-5.1.ba').reasoning).toContain('from 2026-12-02')
    expect(obligationIds(before.upcoming)).toContain('eu-ai-act:art-5.1.ba')

    const after = classify(nudifier, '2026-12-02')
    expect(after.category).toBe('prohibited')
    expect(after.facts).toEqual(expect.arrayContaining(['prohibited', 'art-5.1.ba']))
    expect(after.citations).toEqual(['Art. 5(1)(ba)'])
    expect(after.prohibitedPractices[0]?.inForce).toBe(true)
  })

  it('Art. 5(1)(ba): under the original Act the point does not exist yet; the trace says when it will apply', () => {
    const r = classify(
      { classification: { useCases: ['non-consensual-intimate-imagery'] } },
      '2026-07-01',
    )
    expect(r.lawVersion.id).toBe('original')
    expect(r.facts).not.toContain('art-5.1.ba')
    expect(r.prohibitedPractices).toEqual([
      { point: 'Art. 5(1)(ba)', nodeId: 'art-5.1.ba', appliesFrom: '2026-12-02', inForce: false },
    ])
    const s = step(r, 'eu.art-5.1.ba')
    expect(s.outcome).toBe('not-applicable')
    expect(s.reasoning).toContain('applying from 2026-12-02')
    expect(s.reasoning).toContain('Regulation (EU) 2026/1744')
  })

  it('Art. 5(1)(bb): CSAM generation is prohibited from 2026-12-02', () => {
    const r = classify({ classification: { useCases: ['csam-generation'] } }, '2027-01-01')
    expect(r.category).toBe('prohibited')
    expect(r.citations).toEqual(['Art. 5(1)(bb)'])
  })
})

describe('Art. 6(1): Annex I', () => {
  const medical = {
    legislation: 'medical-devices-2017-745' as const,
    thirdPartyConformityAssessment: true,
  }

  it('Art. 6(1): a safety component under Annex I needing third-party assessment is high-risk', () => {
    const r = classify({ classification: { safetyComponent: medical } })
    expect(r.category).toBe('high-risk')
    expect(r.facts).toEqual(
      expect.arrayContaining(['high-risk', 'high-risk:annex-i', 'annex-i.section-a']),
    )
    expect(r.citations).toEqual(['Art. 6(1)', 'Annex I'])
    expect(r.highRiskRoutes).toEqual([
      { route: 'annex-i', point: 'Annex I Section A point 11', nodeId: 'annex-i.a.11' },
    ])
    // Annex I dates: 2028-08-02 under the amended Act.
    expect(r.upcoming.find((o) => o.id === 'eu-ai-act:art-9')?.appliesFrom).toBe('2028-08-02')
  })

  it('Art. 6(1)(b): without third-party conformity assessment it is not high-risk by Annex I', () => {
    const r = classify({
      classification: { safetyComponent: { ...medical, thirdPartyConformityAssessment: false } },
    })
    expect(r.category).toBe('minimal')
    expect(r.facts).not.toContain('high-risk')
    expect(step(r, 'eu.art-6.1').reasoning).toContain('does not require a third-party conformity')
  })

  it('Annex I: machinery is Section A under the original Act and Section B as amended', () => {
    const original = classify(machinery, '2026-07-01')
    expect(original.facts).toContain('annex-i.section-a')
    expect(original.highRiskRoutes[0]?.nodeId).toBe('annex-i.a.1')
    const amended = classify(machinery, '2026-09-01')
    expect(amended.facts).toContain('annex-i.section-b')
    expect(amended.facts).not.toContain('annex-i.section-a')
    expect(amended.highRiskRoutes[0]?.nodeId).toBe('annex-i.b.21')
  })

  it('Art. 6(3): a derogation never applies to Annex I', () => {
    const r = classify({
      classification: {
        safetyComponent: medical,
        derogation: { conditions: ['narrow-procedural-task'], rationale: 'Only sorts files.' },
      },
    })
    expect(r.category).toBe('high-risk')
    expect(r.derogation.applied).toBe(false)
    expect(r.derogation.reason).toContain('never applies')
  })
})

describe('Art. 2(2): Annex I Section B', () => {
  const vehicle = {
    legislation: 'motor-vehicles-2018-858' as const,
    thirdPartyConformityAssessment: true,
  }
  const medical = {
    legislation: 'medical-devices-2017-745' as const,
    thirdPartyConformityAssessment: true,
  }
  const ids = (r: ReturnType<typeof classify>) => obligationIds([...r.obligations, ...r.upcoming])

  it('Art. 2(2): a Section B product stays high-risk under Art. 6(1) without Chapter III obligations', () => {
    const r = classify({
      roles: ['provider', 'deployer'],
      classification: { safetyComponent: vehicle },
    })
    expect(r.category).toBe('high-risk')
    expect(r.citations).toEqual(['Art. 6(1)', 'Annex I', 'Art. 2(2)'])
    expect(r.facts).toEqual(
      expect.arrayContaining(['high-risk', 'high-risk:annex-i', 'annex-i.section-b', 'art-2.2']),
    )
    expect(r.highRiskRoutes).toEqual([
      { route: 'annex-i', point: 'Annex I Section B point 18', nodeId: 'annex-i.b.18' },
    ])
    // Neither in force nor upcoming: Art. 9 (provider) and Art. 26 (deployer) are Chapter III.
    expect(ids(r)).not.toContain('eu-ai-act:art-9')
    expect(ids(r)).not.toContain('eu-ai-act:art-26')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-4')
    const s = step(r, 'eu.art-2.2')
    expect(s).toMatchObject({ cites: 'Art. 2(2)', outcome: 'fired' })
    expect(s.reasoning).toContain('as amended by Arts. 102 to 109')
    expect(step(r, 'eu.obligations').reasoning).toContain('Per Art. 2(2)')
  })

  it('a Section A product keeps the Chapter III obligations and has no Art. 2(2) step', () => {
    const r = classify({
      roles: ['provider', 'deployer'],
      classification: { safetyComponent: medical },
    })
    expect(r.category).toBe('high-risk')
    expect(r.citations).not.toContain('Art. 2(2)')
    expect(r.facts).not.toContain('art-2.2')
    expect(ids(r)).toEqual(expect.arrayContaining(['eu-ai-act:art-9', 'eu-ai-act:art-26']))
    expect(r.trace.some((s) => s.rule === 'eu.art-2.2')).toBe(false)
  })

  it('Art. 2(2) as in the OJ before 2026-07-27, as replaced by Reg. (EU) 2026/1744 after', () => {
    const sc = { classification: { safetyComponent: vehicle } }
    const original = step(classify(sc, '2026-07-01'), 'eu.art-2.2').reasoning
    expect(original).toContain('only Art. 6(1), Arts. 102 to 109 and Art. 112')
    expect(original).toContain('Art. 57 (AI regulatory sandboxes) applies only in so far')
    expect(original).not.toContain('Uncertain')
    const amended = step(classify(sc, '2026-09-01'), 'eu.art-2.2').reasoning
    expect(amended).toContain('only Art. 6(1), Art. 60a and Arts. 102 to 112')
    expect(amended).toContain('Arts. 57, 58 and 59')
    expect(amended).toContain('Uncertain')
  })

  it('machinery: Chapter III obligations under the original Act, Art. 2(2) once it moves to Section B', () => {
    const original = classify(machinery, '2026-07-01')
    expect(original.facts).not.toContain('art-2.2')
    expect(ids(original)).toContain('eu-ai-act:art-9')
    const amended = classify(machinery, '2026-09-01')
    expect(amended.category).toBe('high-risk')
    expect(amended.facts).toContain('art-2.2')
    expect(amended.citations).toEqual(['Art. 6(1)', 'Annex I', 'Art. 2(2)'])
    expect(ids(amended)).not.toContain('eu-ai-act:art-9')
  })

  it('a Section B product also high-risk under Annex III keeps the Chapter III obligations', () => {
    const r = classify({
      classification: { safetyComponent: vehicle, useCases: ['emotion-recognition'] },
    })
    expect(r.category).toBe('high-risk')
    expect(r.facts).toEqual(expect.arrayContaining(['annex-i.section-b', 'high-risk:annex-iii']))
    expect(r.facts).not.toContain('art-2.2')
    expect(r.citations).not.toContain('Art. 2(2)')
    expect(ids(r)).toContain('eu-ai-act:art-9')
    expect(step(r, 'eu.art-2.2')).toMatchObject({ outcome: 'not-applicable' })
    expect(step(r, 'eu.art-2.2').reasoning).toContain('Annex III 1(c)')
  })

  it('a derogated Annex III point does not stop Art. 2(2) for the Section B route', () => {
    const r = classify({
      classification: {
        safetyComponent: vehicle,
        useCases: ['emotion-recognition'],
        derogation: { conditions: ['preparatory-task'], rationale: 'Only prepares a report.' },
      },
    })
    expect(r.derogation.applied).toBe(true)
    expect(r.facts).toEqual(expect.arrayContaining(['art-2.2', 'derogation:art-6.3']))
    expect(ids(r)).not.toContain('eu-ai-act:art-9')
    // The Art. 6(4) duty follows from the Annex III assessment, not from Art. 6(1).
    expect(ids(r)).toContain('eu-ai-act:art-6.4')
  })

  it('Art. 50 duties stay listed for a Section B product (Art. 2(2) read narrowly)', () => {
    const r = classify({
      classification: { safetyComponent: vehicle, useCases: ['conversational-agent'] },
    })
    expect(r.categories).toEqual(['high-risk', 'transparency'])
    expect(r.facts).toContain('art-2.2')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-50.1')
  })
})

describe('Art. 6(2): Annex III', () => {
  it.each([
    ['remote-biometric-identification', 'Annex III 1(a)', ['annex-iii.1', 'annex-iii.1.a']],
    ['biometric-categorisation', 'Annex III 1(b)', ['annex-iii.1', 'annex-iii.1.b']],
    ['emotion-recognition', 'Annex III 1(c)', ['annex-iii.1', 'annex-iii.1.c']],
    ['critical-infrastructure-safety', 'Annex III 2', ['annex-iii.2']],
    ['education-admission', 'Annex III 3(a)', ['annex-iii.3', 'annex-iii.3.a']],
    ['education-evaluation', 'Annex III 3(b)', ['annex-iii.3', 'annex-iii.3.b']],
    ['education-level-assessment', 'Annex III 3(c)', ['annex-iii.3', 'annex-iii.3.c']],
    ['exam-proctoring', 'Annex III 3(d)', ['annex-iii.3', 'annex-iii.3.d']],
    ['recruitment', 'Annex III 4(a)', ['annex-iii.4', 'annex-iii.4.a']],
    ['worker-management', 'Annex III 4(b)', ['annex-iii.4', 'annex-iii.4.b']],
    ['public-benefits-eligibility', 'Annex III 5(a)', ['annex-iii.5', 'annex-iii.5.a']],
    ['creditworthiness', 'Annex III 5(b)', ['annex-iii.5', 'annex-iii.5.b']],
    ['life-health-insurance-pricing', 'Annex III 5(c)', ['annex-iii.5', 'annex-iii.5.c']],
    ['emergency-call-triage', 'Annex III 5(d)', ['annex-iii.5', 'annex-iii.5.d']],
    ['victim-risk-assessment', 'Annex III 6(a)', ['annex-iii.6', 'annex-iii.6.a']],
    ['law-enforcement-polygraph', 'Annex III 6(b)', ['annex-iii.6', 'annex-iii.6.b']],
    ['evidence-reliability', 'Annex III 6(c)', ['annex-iii.6', 'annex-iii.6.c']],
    ['offending-risk-assessment', 'Annex III 6(d)', ['annex-iii.6', 'annex-iii.6.d']],
    ['law-enforcement-profiling', 'Annex III 6(e)', ['annex-iii.6', 'annex-iii.6.e']],
    ['migration-polygraph', 'Annex III 7(a)', ['annex-iii.7', 'annex-iii.7.a']],
    ['migration-risk-assessment', 'Annex III 7(b)', ['annex-iii.7', 'annex-iii.7.b']],
    ['asylum-visa-examination', 'Annex III 7(c)', ['annex-iii.7', 'annex-iii.7.c']],
    ['migration-person-identification', 'Annex III 7(d)', ['annex-iii.7', 'annex-iii.7.d']],
    ['judicial-assistance', 'Annex III 8(a)', ['annex-iii.8', 'annex-iii.8.a']],
    ['election-influence', 'Annex III 8(b)', ['annex-iii.8', 'annex-iii.8.b']],
  ] as const)('%s is high-risk under %s', (useCase, citation, facts) => {
    const r = classify({ classification: { useCases: [useCase] } })
    expect(r.categories).toContain('high-risk')
    expect(r.citations).toEqual(expect.arrayContaining(['Art. 6(2)', citation]))
    expect(r.facts).toEqual(expect.arrayContaining(['high-risk', 'high-risk:annex-iii', ...facts]))
    expect(r.highRiskRoutes).toContainEqual({
      route: 'annex-iii',
      point: citation,
      nodeId: facts[facts.length - 1],
    })
  })

  it.each([
    ['Annex III 5(b): fraud detection is excluded', 'fraud-detection', 'annex-iii.5.b'],
    [
      'Annex III 1(a): biometric verification is excluded',
      'biometric-verification',
      'annex-iii.1.a',
    ],
    [
      'Annex III 7(d): travel-document verification is excluded',
      'travel-document-verification',
      'annex-iii.7.d',
    ],
    ['Annex III 8(b): campaign logistics are excluded', 'campaign-logistics', 'annex-iii.8.b'],
  ] as const)('%s', (_name, useCase, nodeId) => {
    const r = classify({ classification: { useCases: [useCase] } })
    expect(r.category).toBe('minimal')
    expect(r.facts).not.toContain('high-risk')
    expect(r.highRiskRoutes).toEqual([])
    const s = step(r, `eu.${nodeId}`)
    expect(s.outcome).toBe('exception')
    expect(s.reasoning).toContain('expressly excluded')
  })

  it('Annex III 5(b): an excluded use case does not hide a listed one', () => {
    const r = classify({ classification: { useCases: ['fraud-detection', 'creditworthiness'] } })
    expect(r.category).toBe('high-risk')
    expect(r.highRiskRoutes.map((x) => x.point)).toEqual(['Annex III 5(b)'])
    expect(r.trace.filter((s) => s.rule === 'eu.annex-iii.5.b').map((s) => s.outcome)).toEqual([
      'exception',
      'fired',
    ])
  })

  it('Art. 6(2): a use case not in Annex III is not high-risk', () => {
    const r = classify({ classification: { useCases: ['other'] } })
    expect(step(r, 'eu.art-6.2').outcome).toBe('not-applicable')
  })

  it('Annex III 6: the reasoning notes the "where permitted by law" heading and a missing law-enforcement context', () => {
    const r = classify({ classification: { useCases: ['law-enforcement-polygraph'] } })
    const s = step(r, 'eu.annex-iii.6.b')
    expect(s.reasoning).toContain('Union or national law permits')
    expect(s.reasoning).toContain('deployment.lawEnforcement')
  })
})

describe('Art. 6(3): derogation', () => {
  const derogation = {
    conditions: ['narrow-procedural-task', 'preparatory-task'] as (
      'narrow-procedural-task' | 'preparatory-task'
    )[],
    rationale: 'Only sorts incoming applications by date.',
  }

  it('Art. 6(3): a derogation for an Annex III system without profiling applies', () => {
    const r = classify({ classification: { useCases: ['recruitment'], derogation } }, '2028-01-01')
    expect(r.category).toBe('minimal')
    expect(r.facts).toContain('derogation:art-6.3')
    expect(r.facts).not.toContain('high-risk')
    expect(r.facts).toEqual(expect.arrayContaining(['annex-iii.4', 'annex-iii.4.a']))
    expect(r.highRiskRoutes).toEqual([])
    expect(r.derogation).toMatchObject({
      claimed: true,
      applied: true,
      conditions: ['Art. 6(3)(a)', 'Art. 6(3)(d)'],
    })
    expect(r.citations).toEqual([
      'Art. 6(2)',
      'Annex III 4(a)',
      'Art. 6(3)',
      'Art. 6(4)',
      'Art. 49(2)',
    ])
    expect(obligationIds(r.obligations)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-6.4', 'eu-ai-act:art-49.2']),
    )
    expect(obligationIds(r.obligations)).not.toContain('eu-ai-act:art-9')
    expect(step(r, 'eu.art-6.3').reasoning).toContain('narrow procedural task (Art. 6(3)(a))')
  })

  it('Art. 6(3): profiling overrides the derogation', () => {
    const r = classify({
      classification: { useCases: ['recruitment'], derogation, profilesNaturalPersons: true },
    })
    expect(r.category).toBe('high-risk')
    expect(r.derogation.applied).toBe(false)
    expect(r.derogation.claimed).toBe(true)
    expect(r.derogation.reason).toContain('profiling override, Art. 6(3) last subparagraph')
    expect(r.facts).not.toContain('derogation:art-6.3')
    expect(step(r, 'eu.art-6.3').outcome).toBe('exception')
  })

  it('Art. 6(3): a derogation claimed for a system outside Annex III has nothing to derogate from', () => {
    const r = classify({ classification: { derogation } })
    expect(r.derogation).toMatchObject({ claimed: true, applied: false })
    expect(r.facts).not.toContain('derogation:art-6.3')
  })
})

describe('Art. 50: transparency', () => {
  it('Art. 50(1): a conversational agent is a transparency system', () => {
    const r = classify({ classification: { useCases: ['conversational-agent'] } })
    expect(r.category).toBe('transparency')
    expect(r.transparency).toEqual([{ point: 'Art. 50(1)', nodeId: 'art-50.1' }])
    expect(r.facts).toContain('art-50.1')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-50.1')
  })

  it('Art. 50(1): interacting with natural persons triggers it too, with the law-enforcement exemption noted', () => {
    const r = classify({
      classification: { interactsWithNaturalPersons: true },
      deployment: { lawEnforcement: true },
    })
    expect(r.facts).toContain('art-50.1')
    expect(step(r, 'eu.art-50.1').reasoning).toContain('Exemption')
  })

  it('Art. 50(2): generating synthetic content', () => {
    const r = classify({ classification: { generatesSyntheticContent: ['image', 'video'] } })
    expect(r.transparency.map((t) => t.point)).toEqual(['Art. 50(2)'])
    expect(step(r, 'eu.art-50.2').reasoning).toContain('image and video')
  })

  it('Art. 50(4): deep fakes trigger 50(2) for the provider and 50(4) for the deployer', () => {
    const r = classify({ classification: { useCases: ['deep-fake-generation'] } })
    expect(r.transparency.map((t) => t.point)).toEqual(['Art. 50(2)', 'Art. 50(4)'])
  })

  it('Art. 50(3): transparency citations are listed for a high-risk system too', () => {
    const r = classify({ classification: { useCases: ['emotion-recognition'] } })
    expect(r.category).toBe('high-risk')
    expect(r.categories).toEqual(['high-risk', 'transparency'])
    expect(r.citations).toEqual(['Art. 6(2)', 'Annex III 1(c)', 'Art. 50(3)'])
  })
})

describe('Chapter V: general-purpose AI models', () => {
  const gpai = (m: Parameters<typeof makeModel>[0]) =>
    classify({ models: [makeModel({ generalPurpose: true, ...m })] })

  it('Art. 3(63): the vendor’s own general-purpose model is GPAI', () => {
    const r = gpai({ trainingComputeFlop: 1e23 })
    expect(r.gpai).toBe('gpai')
    expect(r.facts).toContain('gpai')
    expect(r.facts).not.toContain('gpai-systemic-risk')
    expect(obligationIds(r.obligations)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-53.1.a', 'eu-ai-act:art-53.1.c']),
    )
    expect(obligationIds(r.obligations)).not.toContain('eu-ai-act:art-55')
  })

  it('Art. 51(2): 1e25 FLOP presumption', () => {
    const above = gpai({ trainingComputeFlop: 2e25 })
    expect(above.gpai).toBe('gpai-systemic-risk')
    expect(above.facts).toEqual(expect.arrayContaining(['gpai', 'gpai-systemic-risk']))
    expect(above.citations).toContain('Art. 51(2)')
    expect(step(above, 'eu.art-51').reasoning).toContain('presumed')
    expect(obligationIds(above.obligations)).toContain('eu-ai-act:art-55')
    // "Greater than" 10^25: exactly 10^25 is not presumed.
    expect(gpai({ trainingComputeFlop: 1e25 }).gpai).toBe('gpai')
  })

  it('Art. 51(1)(b): a model designated by the Commission has systemic risk', () => {
    const r = gpai({ designatedSystemicRisk: true })
    expect(r.gpai).toBe('gpai-systemic-risk')
    expect(r.citations).toContain('Art. 51(1)(b)')
  })

  it('Art. 53(2): open-source exemption from Art. 53(1)(a)-(b) and Art. 54', () => {
    const r = classify({
      provider: { country: 'US' },
      models: [makeModel({ generalPurpose: true, licence: 'Apache 2.0', weightsPublic: true })],
    })
    expect(r.facts).toContain('gpai:open-source')
    expect(r.gpaiDetail.openSourceExemption).toBe(true)
    expect(r.gpaiDetail.models[0]).toMatchObject({ status: 'gpai', openSourceExemption: true })
    expect(step(r, 'eu.art-53.2').reasoning).toContain('exempt from Art. 53(1)(a)-(b) and Art. 54')
    const ids = obligationIds(r.obligations)
    expect(ids).toContain('eu-ai-act:art-53.1.c')
    expect(ids).not.toContain('eu-ai-act:art-53.1.a')
    expect(ids).not.toContain('eu-ai-act:art-54')
  })

  it('Art. 53(2): open-source exemption not for systemic risk', () => {
    const r = gpai({ licence: 'MIT', weightsPublic: true, trainingComputeFlop: 5e25 })
    expect(r.gpai).toBe('gpai-systemic-risk')
    expect(r.facts).not.toContain('gpai:open-source')
    expect(r.gpaiDetail.openSourceExemption).toBe(false)
    expect(step(r, 'eu.art-53.2').outcome).toBe('exception')
    expect(obligationIds(r.obligations)).toContain('eu-ai-act:art-53.1.a')
  })

  it('Art. 53(2): public weights under a licence not on the open list are not exempt', () => {
    const r = gpai({ licence: 'Llama 3 Community License', weightsPublic: true })
    expect(r.facts).not.toContain('gpai:open-source')
    expect(step(r, 'eu.art-53.2').reasoning).toContain('not on the list')
  })

  it('Art. 3(68): a chatbot built on a third-party LLM is not itself GPAI', () => {
    const r = classify({
      classification: { useCases: ['conversational-agent'] },
      models: [makeModel({ thirdParty: true, generalPurpose: true, supplier: 'Big Model Co' })],
    })
    expect(r.gpai).toBeNull()
    expect(r.facts).not.toContain('gpai')
    expect(r.gpaiDetail.models).toEqual([])
    const s = step(r, 'eu.art-3.68')
    expect(s.reasoning).toContain('downstream provider')
    expect(s.reasoning).toContain('Chapter V')
  })

  it.each([
    ['apache-2.0', true],
    ['Apache License 2.0', true],
    ['MIT', true],
    ['BSD-3-Clause', true],
    ['GPL-3.0-only', true],
    ['MPL-2.0', true],
    ['CC-BY-4.0', true],
    ['proprietary', false],
    ['CC-BY-NC-4.0', false],
    ['Llama 3 Community License', false],
  ])('licence %s is treated as open: %s', (licence, open) => {
    expect(isOpenLicence(licence)).toBe(open)
  })
})

describe('facts', () => {
  it('records operator and context facts', () => {
    const r = classify({
      provider: { country: 'US' },
      deployment: {
        publicBody: true,
        publicService: true,
        workplace: true,
        lawEnforcement: true,
        migration: true,
      },
    })
    expect(r.facts).toEqual(
      expect.arrayContaining([
        'provider:third-country',
        'deployer:public-body',
        'deployer:public-service',
        'deployer:workplace',
        'deployer:law-enforcement',
        'deployer:migration',
        'personal-data',
      ]),
    )
  })

  it('treats EU member states (EL and GR for Greece) as not third-country', () => {
    expect(classify({ provider: { country: 'EL' } }).facts).not.toContain('provider:third-country')
    expect(classify({ provider: { country: 'GR' } }).facts).not.toContain('provider:third-country')
    expect(classify({ classification: { processesPersonalData: false } }).facts).not.toContain(
      'personal-data',
    )
  })

  it('emits only facts of the vocabulary, sorted', () => {
    const r = classify({
      classification: {
        useCases: ['recruitment', 'emotion-recognition', 'conversational-agent'],
        safetyComponent: { legislation: 'toys-2009-48', thirdPartyConformityAssessment: true },
      },
      deployment: { workplace: true },
      models: [makeModel({ generalPurpose: true, trainingComputeFlop: 1e26 })],
    })
    expect(r.facts.filter((f) => !isKnownFact(f))).toEqual([])
    expect(r.facts).toEqual([...r.facts].sort())
  })
})

describe('law version and obligations over time', () => {
  const recruitment = { classification: { useCases: ['recruitment' as const] } }

  it('an Annex III system: art-9 upcoming from 2026-08-02 under the original Act, from 2027-12-02 as amended, in force in 2028', () => {
    const original = classify(recruitment, '2026-07-01')
    expect(original.lawVersion.id).toBe('original')
    expect(original.upcoming.find((o) => o.id === 'eu-ai-act:art-9')).toMatchObject({
      appliesFrom: '2026-08-02',
      status: 'upcoming',
    })

    const amended = classify(recruitment, '2026-09-01')
    expect(amended.lawVersion).toEqual({
      id: 'amended-2026-1744',
      title: 'Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744',
      source: 'Regulation (EU) 2026/1744, OJ L, 24.7.2026',
    })
    expect(obligationIds(amended.obligations)).not.toContain('eu-ai-act:art-9')
    expect(amended.upcoming.find((o) => o.id === 'eu-ai-act:art-9')).toMatchObject({
      appliesFrom: '2027-12-02',
      status: 'upcoming',
    })

    const later = classify(recruitment, '2028-01-01')
    expect(later.obligations.find((o) => o.id === 'eu-ai-act:art-9')).toEqual({
      id: 'eu-ai-act:art-9',
      urn: 'urn:accord:req:eu-ai-act-2024-1689:art-9',
      citation: 'Art. 9',
      title: 'Risk management system',
      roles: ['provider'],
      appliesFrom: '2027-12-02',
      status: 'in-force',
    })
    expect(obligationIds(later.upcoming)).not.toContain('eu-ai-act:art-9')
  })

  it('before the Act entered into force (2024-08-01) the trace says so, and every obligation is upcoming', () => {
    const before = classify(recruitment, '2020-01-01')
    const step = before.trace.find((s) => s.rule === 'eu.law-version')
    expect(step?.reasoning).toContain('On 2020-01-01 the Act is not yet in force')
    expect(step?.reasoning).not.toContain('the law in force is')
    expect(before.obligations).toEqual([])
    expect(before.upcoming.length).toBeGreaterThan(0)
    const onTheDay = classify(recruitment, '2024-08-01')
    expect(onTheDay.trace.find((s) => s.rule === 'eu.law-version')?.reasoning).toContain(
      'On 2024-08-01 the law in force is',
    )
  })

  it('selects obligations by role: a public-body deployer gets Art. 26 and the FRIA, not Art. 9', () => {
    const r = classify(
      { ...recruitment, roles: ['deployer'], deployment: { publicBody: true } },
      '2028-01-01',
    )
    const ids = obligationIds(r.obligations)
    expect(ids).toEqual(expect.arrayContaining(['eu-ai-act:art-26', 'eu-ai-act:art-27']))
    expect(ids).not.toContain('eu-ai-act:art-9')
    expect(r.obligations.find((o) => o.id === 'eu-ai-act:art-26')?.roles).toEqual(['deployer'])
  })

  it('sorts obligations by date of application, then catalog order', () => {
    const r = classify(
      {
        ...recruitment,
        roles: ['provider', 'deployer'],
        classification: { useCases: ['recruitment', 'conversational-agent'] },
        models: [makeModel({ generalPurpose: true })],
      },
      '2028-01-01',
    )
    expect(r.obligations.map((o) => o.appliesFrom)).toEqual(
      [...r.obligations.map((o) => o.appliesFrom)].sort(),
    )
    expect(obligationIds(r.obligations)).toEqual([
      'eu-ai-act:art-4',
      'eu-ai-act:art-53.1.a',
      'eu-ai-act:art-53.1.c',
      'eu-ai-act:art-50.1',
      'eu-ai-act:art-9',
      'eu-ai-act:art-26',
    ])
  })

  it('lists no obligations for an out-of-scope system', () => {
    const r = classify({ classification: { exclusivelyMilitaryDefenceNationalSecurity: true } })
    expect(r.obligations).toEqual([])
    expect(r.upcoming).toEqual([])
  })
})

describe('category', () => {
  it('follows precedence prohibited > high-risk > transparency > minimal and lists every category', () => {
    const r = classify({
      classification: { useCases: ['social-scoring', 'recruitment', 'conversational-agent'] },
    })
    expect(r.category).toBe('prohibited')
    expect(r.categories).toEqual(['prohibited', 'high-risk', 'transparency'])
    expect(r.citations).toEqual(['Art. 5(1)(c)', 'Art. 6(2)', 'Annex III 4(a)', 'Art. 50(1)'])
    expect(step(r, 'eu.category').reasoning).toContain('also high-risk and transparency')
  })
})

describe('classifyEuAiAct', () => {
  it('is deterministic and does not change its inputs', () => {
    const manifest = makeManifest({
      classification: { useCases: ['recruitment', 'conversational-agent'] },
    })
    const before = JSON.stringify(manifest)
    const a = classifyEuAiAct({ manifest, catalog: fixtureCatalog, asOf: '2026-09-01' })
    const b = classifyEuAiAct({ manifest, catalog: fixtureCatalog, asOf: '2026-09-01' })
    expect(a).toEqual(b)
    expect(JSON.stringify(manifest)).toBe(before)
  })

  it('throws TypeError on a malformed date or a catalog of another framework', () => {
    const manifest = makeManifest()
    expect(() =>
      classifyEuAiAct({ manifest, catalog: fixtureCatalog, asOf: '2026-13-01' }),
    ).toThrow(TypeError)
    expect(() =>
      classifyEuAiAct({
        manifest,
        catalog: { ...fixtureCatalog, framework: 'nist-ai-rmf' },
        asOf: '2026-09-01',
      }),
    ).toThrow(TypeError)
  })

  it('records the rules in the order of the Act', () => {
    const r = classify({ classification: { useCases: ['recruitment'] } })
    const order = r.trace.map((s) => s.rule)
    const first = (prefix: string) => order.findIndex((x) => x.startsWith(prefix))
    const sequence = [
      'eu.law-version',
      'eu.facts',
      'eu.art-2.1',
      'eu.art-2.3',
      'eu.art-2.4',
      'eu.art-2.6',
      'eu.art-2.8',
      'eu.art-5',
      'eu.art-6.1',
      'eu.annex-iii',
      'eu.art-50',
      'eu.art-2.10',
      'eu.art-2.12',
      'eu.art-3.63',
      'eu.obligations',
      'eu.category',
    ].map(first)
    expect(sequence.every((i) => i >= 0)).toBe(true)
    expect(sequence).toEqual([...sequence].sort((x, y) => x - y))
  })
})

describe('Art. 2(12) and practices not yet applicable', () => {
  it('Art. 2(12): an open-source nudifier is out of scope until Art. 5(1)(ba) applies', () => {
    const nudifier = {
      classification: {
        openSource: true,
        useCases: ['non-consensual-intimate-imagery' as const],
      },
    }
    const before = classify(nudifier, '2026-11-30')
    expect(before.category).toBe('out-of-scope')
    expect(step(before, 'eu.art-2.12').reasoning).toContain('Art. 5(1)(ba) (from 2026-12-02)')
    expect(classify(nudifier, '2026-12-02').category).toBe('prohibited')
  })
})
