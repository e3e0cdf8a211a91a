/**
 * Art. 111(2): high-risk systems placed on the market or put into service before the high-risk
 * rules applied are caught only after a significant change in design, or, when intended for public
 * authorities, by 2 August 2030. Run against the real catalog, whose law versions carry the
 * cut-offs (as published: 2 August 2026; as amended by Reg. (EU) 2026/1744: 2 December 2027 for
 * Annex III, 2 August 2028 for Annex I).
 */
import { describe, expect, it } from 'vitest'
import realJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import { Catalog } from '../../../src/core/catalog/schema.js'
import { legacyHighRiskSentence } from '../../../src/core/classify/rules/legacy.js'
import { classify as classifyWith, step, type ManifestOverrides } from './helpers.js'

const catalog = Catalog.parse(realJson)
const classify = (overrides: ManifestOverrides, asOf = '2026-11-22') =>
  classifyWith(overrides, asOf, catalog)
const all = (r: ReturnType<typeof classify>) => [...r.obligations, ...r.upcoming]
const date = (r: ReturnType<typeof classify>, id: string) =>
  all(r).find((o) => o.id === `eu-ai-act:${id}`)?.appliesFrom

/** An Annex III 4(a) recruitment system of an EU provider, also a chatbot (Art. 50(1)). */
const hiring = (
  system: ManifestOverrides['system'],
  more: ManifestOverrides = {},
): ManifestOverrides => ({
  system,
  classification: {
    useCases: ['recruitment', 'conversational-agent'],
    profilesNaturalPersons: true,
  },
  ...more,
})
const substantial = (date: string, version = '2.0.0') => ({
  version,
  date,
  description: 'New ranking model.',
  substantialModification: true,
})

describe('Art. 111(2): high-risk systems already on the market', () => {
  it('Art. 111(2): a system placed before 2 Dec 2027, unchanged and not for public authorities, has no high-risk obligations', () => {
    const r = classify(hiring({ placedOnMarket: '2027-06-01' }))
    expect(r.category).toBe('high-risk')
    expect(r.legacy.highRisk).toEqual({
      cites: 'Art. 111(2)',
      placedOnMarket: '2027-06-01',
      placedBefore: '2027-12-02',
      publicAuthority: false,
      significantChange: null,
      appliesFrom: null,
    })
    expect(date(r, 'art-9')).toBeUndefined()
    expect(date(r, 'art-16')).toBeUndefined()
    // Art. 4 and Art. 50 are not deferred.
    expect(date(r, 'art-4')).toBe('2025-02-02')
    expect(date(r, 'art-50.1')).toBe('2026-08-02')
    expect(step(r, 'eu.art-111.2')).toMatchObject({ cites: 'Art. 111(2)', outcome: 'fired' })
    expect(step(r, 'eu.obligations')?.reasoning).toMatch(
      /Under Art\. 111\(2\), \d+ high-risk obligation\(s\) are not listed/,
    )
    // Not a classification citation: it dates obligations, it does not classify.
    expect(r.citations).not.toContain('Art. 111(2)')
  })

  it('Art. 111(2) and 111(1): the trace says the rule assumes the system is not an Annex X component, which Accord does not model', () => {
    const r = classify(hiring({ placedOnMarket: '2027-06-01' }))
    expect(step(r, 'eu.art-111.2')?.reasoning).toContain(
      'This assumes that the system is not a component of one of the large-scale IT systems listed in Annex X: Art. 111(2) excludes those, and Art. 111(1) gives them their own rule, which Accord does not model.',
    )
  })

  it('Art. 111(2): the same system without the cut-off is caught from 2 Dec 2027', () => {
    const r = classify(hiring({ placedOnMarket: '2027-12-02' }))
    expect(r.legacy.highRisk).toBeNull()
    expect(date(r, 'art-9')).toBe('2027-12-02')
    expect(step(r, 'eu.art-111.2')).toMatchObject({ outcome: 'not-applicable' })
    expect(step(r, 'eu.art-111.2')?.reasoning).toContain('not before 2027-12-02')
  })

  it('Art. 111(2): without system.placedOnMarket the rule is not considered, and the trace says how to use it', () => {
    const r = classify(hiring({}))
    expect(r.legacy.highRisk).toBeNull()
    expect(date(r, 'art-9')).toBe('2027-12-02')
    expect(step(r, 'eu.art-111.2')?.reasoning).toMatch(/no system\.placedOnMarket.*give that date/)
  })

  it('Art. 111(2): a system intended for public authorities must comply by 2 Aug 2030', () => {
    const r = classify(
      hiring({ placedOnMarket: '2027-06-01' }, { deployment: { publicBody: true } }),
    )
    expect(r.legacy.highRisk).toMatchObject({ publicAuthority: true, appliesFrom: '2030-08-02' })
    expect(date(r, 'art-9')).toBe('2030-08-02')
    expect(r.upcoming.some((o) => o.id === 'eu-ai-act:art-9')).toBe(true)
    const later = classify(
      hiring({ placedOnMarket: '2027-06-01' }, { deployment: { publicBody: true } }),
      '2030-08-02',
    )
    expect(later.obligations.find((o) => o.id === 'eu-ai-act:art-9')?.status).toBe('in-force')
  })

  it('Art. 111(2): the deferral covers every operator; the public-authority date, which names providers and deployers, is a reading for an importer', () => {
    const importer = classify(
      hiring(
        { placedOnMarket: '2027-06-01' },
        { roles: ['importer', 'distributor'], deployment: { publicBody: true } },
      ),
    )
    expect(date(importer, 'art-23')).toBe('2030-08-02')
    expect(date(importer, 'art-24')).toBe('2030-08-02')
    const why = step(importer, 'eu.art-111.2')?.reasoning
    expect(why).toContain(
      "Art. 111(2) speaks of operators (Art. 3(8)), so this holds for the vendor's obligations in each of its roles (importer and distributor).",
    )
    expect(why).toContain(
      "Uncertain: that sentence of Art. 111(2) names only providers and deployers, while recital 177 speaks of operators; Accord applies the date to the vendor's obligations as importer and distributor too.",
    )
    // A provider or deployer is named, so there is nothing uncertain to say.
    const provider = classify(
      hiring({ placedOnMarket: '2027-06-01' }, { deployment: { publicBody: true } }),
    )
    expect(step(provider, 'eu.art-111.2')?.reasoning).not.toContain('names only providers')
  })

  it('Art. 111(2): a substantial modification on or after the cut-off ends the legacy status from its date', () => {
    const r = classify(
      hiring({ placedOnMarket: '2027-06-01' }, { changes: [substantial('2028-03-01')] }),
    )
    expect(r.legacy.highRisk).toMatchObject({
      significantChange: { version: '2.0.0', date: '2028-03-01' },
      appliesFrom: '2028-03-01',
    })
    expect(date(r, 'art-9')).toBe('2028-03-01')
    // The earlier of the change and the public-authority date.
    const pub = classify(
      hiring(
        { placedOnMarket: '2027-06-01' },
        { deployment: { publicBody: true }, changes: [substantial('2031-01-10')] },
      ),
    )
    expect(pub.legacy.highRisk?.appliesFrom).toBe('2030-08-02')
  })

  it('Art. 111(2): a substantial modification before the cut-off, or a change that is not substantial, does not', () => {
    const r = classify(
      hiring(
        { placedOnMarket: '2027-01-10' },
        {
          changes: [
            substantial('2027-09-01', '1.5.0'),
            { version: '1.6.0', date: '2028-01-05', description: 'Bug fixes.' },
          ],
        },
      ),
    )
    expect(r.legacy.highRisk).toMatchObject({ significantChange: null, appliesFrom: null })
    expect(step(r, 'eu.art-111.2')?.reasoning).toContain(
      'Substantial modifications before the cut-off (1.5.0 of 2027-09-01) do not end the legacy status.',
    )
  })

  it('Art. 111(2) as published: the cut-off is 2 Aug 2026', () => {
    const before = classify(hiring({ placedOnMarket: '2026-07-01' }), '2026-07-15')
    expect(before.lawVersion.id).toBe('original')
    expect(before.legacy.highRisk).toMatchObject({ placedBefore: '2026-08-02', appliesFrom: null })
    const after = classify(hiring({ placedOnMarket: '2026-09-01' }), '2026-07-15')
    expect(after.legacy.highRisk).toBeNull()
    expect(date(after, 'art-9')).toBe('2026-08-02')
  })

  it('Art. 111(2): an Annex I product is a legacy system if placed before 2 Aug 2028', () => {
    const product = (placedOnMarket: string) =>
      classify({
        system: { placedOnMarket },
        classification: {
          useCases: ['other'],
          safetyComponent: {
            legislation: 'medical-devices-2017-745',
            thirdPartyConformityAssessment: true,
          },
        },
      })
    const legacy = product('2028-05-01')
    expect(legacy.legacy.highRisk).toMatchObject({ placedBefore: '2028-08-02', appliesFrom: null })
    expect(date(legacy, 'art-9')).toBeUndefined()
    expect(product('2028-08-02').legacy.highRisk).toBeNull()
  })

  it('Art. 111(2) with Art. 113 as published: a significant change to an Annex I system before 2 Aug 2027 dates its obligations from 2 Aug 2027, not from the change', () => {
    // As published, the Art. 111(2) cut-off (2 Aug 2026) comes a year before the Annex I date.
    const r = classify(
      {
        system: { placedOnMarket: '2026-01-01' },
        classification: {
          useCases: ['other'],
          safetyComponent: {
            legislation: 'medical-devices-2017-745',
            thirdPartyConformityAssessment: true,
          },
        },
        changes: [substantial('2026-10-01')],
      },
      '2026-07-01',
    )
    expect(r.lawVersion.id).toBe('original')
    expect(r.legacy.highRisk).toMatchObject({
      placedBefore: '2026-08-02',
      significantChange: { version: '2.0.0', date: '2026-10-01' },
      appliesFrom: '2027-08-02',
    })
    expect(date(r, 'art-9')).toBe('2027-08-02')
    expect(legacyHighRiskSentence(r.legacy.highRisk!, r.asOf)).toContain(
      'apply from 2027-08-02 (its significant change in version 2.0.0 of 2026-10-01;',
    )
    expect(step(r, 'eu.art-111.2')?.reasoning).toContain(
      'its high-risk obligations apply from 2027-08-02, the later date Art. 113 gives them',
    )
    expect(step(r, 'eu.obligations')?.reasoning).toContain(
      'Under Art. 111(2), the high-risk obligations apply from 2027-08-02.',
    )
  })

  it('Art. 111(2): a placement after the as-of date is a plan, and the legacy status is said to depend on it', () => {
    const planned = classify(hiring({ placedOnMarket: '2027-06-01' }), '2026-11-22')
    expect(planned.legacy.highRisk).toMatchObject({
      placedOnMarket: '2027-06-01',
      appliesFrom: null,
    })
    const sentence = legacyHighRiskSentence(planned.legacy.highRisk!, planned.asOf)
    expect(sentence).toContain('to be placed on the market on 2027-06-01 (planned)')
    expect(sentence).toContain('will be a legacy system if that date holds')
    expect(sentence).not.toContain('the system is a legacy system')
    expect(step(planned, 'eu.art-111.2')?.reasoning).toContain(
      'it will be a legacy system if it is in fact placed on the market or put into service before 2027-12-02',
    )
    // On or after the placement date it is a fact.
    const placed = classify(hiring({ placedOnMarket: '2027-06-01' }), '2027-06-01')
    expect(legacyHighRiskSentence(placed.legacy.highRisk!, placed.asOf)).toContain(
      'placed on the market on 2027-06-01, before 2027-12-02, the system is a legacy system',
    )
  })

  it('Art. 111(2): a system high-risk by both routes uses the earlier cut-off (2 Dec 2027)', () => {
    const both = (placedOnMarket: string) =>
      classify({
        system: { placedOnMarket },
        classification: {
          useCases: ['recruitment'],
          profilesNaturalPersons: true,
          safetyComponent: {
            legislation: 'medical-devices-2017-745',
            thirdPartyConformityAssessment: true,
          },
        },
      })
    expect(both('2027-11-01').legacy.highRisk?.placedBefore).toBe('2027-12-02')
    const r = both('2028-01-01')
    expect(r.legacy.highRisk).toBeNull()
    expect(date(r, 'art-9')).toBe('2027-12-02')
  })

  it('Art. 111(2) does not reach a system that is not high-risk (an Art. 6(3) derogation)', () => {
    const r = classify({
      system: { placedOnMarket: '2027-01-01' },
      classification: {
        useCases: ['education-evaluation'],
        derogation: {
          conditions: ['preparatory-task'],
          rationale: 'Pre-sorts essays for a teacher.',
        },
      },
    })
    expect(r.category).not.toBe('high-risk')
    expect(r.legacy.highRisk).toBeNull()
    expect(r.trace.some((t) => t.rule === 'eu.art-111.2')).toBe(false)
    expect(date(r, 'art-6.4')).toBe('2027-12-02')
  })

  it('Art. 111(2) and Art. 6(4): a derogated system placed before its Art. 6(4) and 49(2) dates keeps them, and the trace says this is uncertain', () => {
    const derogated = (placedOnMarket: string) =>
      classify({
        system: { placedOnMarket },
        classification: {
          useCases: ['education-evaluation'],
          derogation: {
            conditions: ['preparatory-task'],
            rationale: 'Pre-sorts essays for a teacher.',
          },
        },
      })
    const old = derogated('2027-01-01')
    expect(date(old, 'art-6.4')).toBe('2027-12-02')
    expect(date(old, 'art-49.2')).toBe('2027-12-02')
    expect(step(old, 'eu.obligations')?.reasoning).toContain(
      'Uncertain: Art. 6(4) (from 2027-12-02) and Art. 49(2) (from 2027-12-02) are due before the system is placed on the market, which the manifest puts earlier (system.placedOnMarket 2027-01-01)',
    )
    expect(step(derogated('2028-01-01'), 'eu.obligations')?.reasoning).not.toContain('Uncertain')
  })
})
