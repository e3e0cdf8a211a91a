import { describe, expect, it } from 'vitest'
import { incidentClassificationOf } from '../../../src/core/incident/classification.js'

/** A credential subject whose EU classification (`classification.eu-ai-act`) is `eu`. */
const subject = (eu: Record<string, unknown>) => ({
  id: 'urn:accord:system:x',
  classification: {
    'eu-ai-act': {
      citations: [],
      asOf: '2026-11-23',
      lawVersion: 'v',
      derogationApplied: false,
      ...eu,
    },
  },
})

describe('incidentClassificationOf (the passport classification Art. 73(1) is read against)', () => {
  it('reads the disclosed category, gpai status and asOf', () => {
    expect(
      incidentClassificationOf(subject({ category: 'transparency', gpai: 'gpai-systemic-risk' })),
    ).toEqual({ category: 'transparency', gpai: 'gpai-systemic-risk', asOf: '2026-11-23' })
    expect(incidentClassificationOf(subject({ category: 'high-risk', gpai: null }))).toMatchObject({
      category: 'high-risk',
      gpai: null,
    })
  })

  it('an undisclosed classification (a presentation without it) is unknown, and says why', () => {
    for (const s of [{ id: 'x' }, { id: 'x', classification: {} }, undefined])
      expect(incidentClassificationOf(s)).toEqual({
        category: 'unknown',
        gpai: 'unknown',
        unknownBecause:
          'the passport does not disclose its EU classification (classification.eu-ai-act)',
      })
  })

  it('a category Accord does not know is unknown, never read as not high-risk', () => {
    const c = incidentClassificationOf(subject({ category: 'low-risk', gpai: 'x' }))
    expect(c).toMatchObject({ category: 'unknown', gpai: 'unknown' })
    expect(c.unknownBecause).toContain('"low-risk" is not a category Accord knows')
  })

  it('Art. 111(2): carries the legacy status and its sentence when in the form Accord issues', () => {
    const highRisk = {
      cites: 'Art. 111(2)',
      placedOnMarket: '2026-11-02',
      placedBefore: '2027-12-02',
      publicAuthority: true,
      significantChange: null,
      appliesFrom: '2030-08-02',
    }
    const c = incidentClassificationOf(
      subject({ category: 'high-risk', gpai: null, legacy: { highRisk } }),
    )
    expect(c.legacyHighRisk?.status).toEqual(highRisk)
    expect(c.legacyHighRisk?.sentence).toMatch(
      /^Art\. 111\(2\): placed on the market on 2026-11-02/,
    )
    const bad = incidentClassificationOf(
      subject({ category: 'high-risk', gpai: null, legacy: { highRisk: { cites: 1 } } }),
    )
    expect(bad.legacyHighRisk).toBeUndefined()
  })
})
