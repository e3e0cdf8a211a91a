/**
 * Art. 111(3): providers of general-purpose AI models placed on the market before 2 August 2025
 * have until 2 August 2027 to comply with the model duties. Run against the real catalog, whose
 * law versions carry the dates (`legacy_gpai`).
 */
import { describe, expect, it } from 'vitest'
import realJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import { Catalog } from '../../../src/core/catalog/schema.js'
import { legacyGpaiSentence } from '../../../src/core/classify/rules/legacy.js'
import { classify as classifyWith, makeModel, step, type ManifestOverrides } from './helpers.js'

const catalog = Catalog.parse(realJson)
const classify = (overrides: ManifestOverrides, asOf = '2026-11-22') =>
  classifyWith(overrides, asOf, catalog)
const date = (r: ReturnType<typeof classify>, id: string) =>
  [...r.obligations, ...r.upcoming].find((o) => o.id === `eu-ai-act:${id}`)?.appliesFrom
const gpaiModel = (placedOnMarket?: string, name = 'base') =>
  makeModel({
    name,
    generalPurpose: true,
    trainingComputeFlop: 1e24,
    ...(placedOnMarket ? { placedOnMarket } : {}),
  })

describe('Art. 111(3): general-purpose AI models already on the market', () => {
  it('Art. 111(3): a model placed before 2 Aug 2025 has its duties from 2 Aug 2027', () => {
    const r = classify({ models: [gpaiModel('2025-03-01')] })
    expect(r.gpai).toBe('gpai')
    expect(r.legacy.gpai).toEqual({
      cites: 'Art. 111(3)',
      models: [{ name: 'base 1', placedOnMarket: '2025-03-01' }],
      placedBefore: '2025-08-02',
      appliesFrom: '2027-08-02',
    })
    expect(date(r, 'art-53.1.a')).toBe('2027-08-02')
    expect(r.upcoming.some((o) => o.id === 'eu-ai-act:art-53.1.a')).toBe(true)
    expect(step(r, 'eu.art-111.3')).toMatchObject({ outcome: 'fired' })
    // Duties not tied to the model keep their dates.
    expect(date(r, 'art-4')).toBe('2025-02-02')
    const later = classify({ models: [gpaiModel('2025-03-01')] }, '2027-08-02')
    expect(later.obligations.some((o) => o.id === 'eu-ai-act:art-53.1.a')).toBe(true)
  })

  it('Art. 111(3): a model placement after the as-of date is a plan, and the summary says so', () => {
    const planned = classify({ models: [gpaiModel('2025-03-01')] }, '2024-10-01')
    expect(legacyGpaiSentence(planned.legacy.gpai!, planned.asOf)).toBe(
      'Art. 111(3): the general-purpose AI model is planned to be placed on the market before 2025-08-02; if it is, the model duties apply from 2027-08-02.',
    )
    const placed = classify({ models: [gpaiModel('2025-03-01')] })
    expect(legacyGpaiSentence(placed.legacy.gpai!, placed.asOf)).toBe(
      'Art. 111(3): the general-purpose AI model was placed on the market before 2025-08-02; the model duties apply from 2027-08-02.',
    )
  })

  it('Art. 111(3): a model placed on or after 2 Aug 2025 has its duties from 2 Aug 2025', () => {
    const r = classify({ models: [gpaiModel('2025-08-02')] })
    expect(r.legacy.gpai).toBeNull()
    expect(date(r, 'art-53.1.a')).toBe('2025-08-02')
    expect(step(r, 'eu.art-111.3')?.reasoning).toContain(
      'base 1 was placed on the market on 2025-08-02, not before 2025-08-02',
    )
  })

  it('Art. 111(3): without models[].placedOnMarket the general date applies, and the trace says how to use the rule', () => {
    const r = classify({ models: [gpaiModel()] })
    expect(r.legacy.gpai).toBeNull()
    expect(date(r, 'art-53.1.a')).toBe('2025-08-02')
    expect(step(r, 'eu.art-111.3')?.reasoning).toMatch(/base 1 has no models\[\]\.placedOnMarket/)
  })

  it('Art. 111(3): one newer model of the provider keeps the general date for the duties', () => {
    const r = classify({ models: [gpaiModel('2024-10-01', 'old'), gpaiModel('2026-01-15', 'new')] })
    expect(r.legacy.gpai).toBeNull()
    expect(date(r, 'art-53.1.a')).toBe('2025-08-02')
  })

  it('Art. 111(3): systemic-risk duties move too, and a third-party model is not the vendor’s', () => {
    const r = classify({
      models: [
        makeModel({
          generalPurpose: true,
          trainingComputeFlop: 3e25,
          placedOnMarket: '2025-05-01',
        }),
      ],
    })
    expect(r.gpai).toBe('gpai-systemic-risk')
    expect(date(r, 'art-55')).toBe('2027-08-02')
    const thirdParty = classify({
      models: [makeModel({ thirdParty: true, generalPurpose: true, placedOnMarket: '2025-05-01' })],
    })
    expect(thirdParty.legacy.gpai).toBeNull()
    expect(thirdParty.trace.some((t) => t.rule === 'eu.art-111.3')).toBe(false)
  })

  it('Art. 111(3) with Art. 2(12): an open-source system out of scope keeps its deferred model duties', () => {
    const r = classify({
      classification: { openSource: true },
      models: [
        makeModel({
          generalPurpose: true,
          licence: 'apache-2.0',
          weightsPublic: true,
          placedOnMarket: '2025-01-20',
        }),
      ],
    })
    expect(r.category).toBe('out-of-scope')
    expect(r.legacy.gpai?.appliesFrom).toBe('2027-08-02')
    expect([...r.obligations, ...r.upcoming].length).toBeGreaterThan(0)
    expect([...r.obligations, ...r.upcoming].every((o) => o.appliesFrom === '2027-08-02')).toBe(
      true,
    )
  })
})
