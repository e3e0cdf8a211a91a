import { describe, expect, it } from 'vitest'
import {
  unknownClassification,
  type IncidentClassification,
} from '../../../src/core/incident/classification.js'
import { reportingDeadline } from '../../../src/core/incident/deadline.js'
import { sampleIncident } from './fixtures.js'

const notified = (at: string) => [{ authority: 'BNetzA', memberState: 'DE', at }]

describe('reportingDeadline (EU AI Act Art. 73)', () => {
  it('Art. 3(49) / Art. 73(1): an incident that is not serious has no deadline', () => {
    const d = reportingDeadline(sampleIncident({ serious: false, harms: [] }))
    expect(d.applies).toBe(false)
    expect(d.days).toBeNull()
    expect(d.deadline).toBeNull()
    expect(d.onTime).toBeNull()
    expect(d.why).toContain('Art. 73 covers serious incidents (Art. 3(49))')
  })

  it('Art. 73(2): a serious incident is reported within 15 days of awareness', () => {
    const d = reportingDeadline(sampleIncident({ harms: ['property'] }))
    expect(d).toMatchObject({ applies: true, days: 15, citation: 'Art. 73(2)' })
    expect(d.deadline).toBe('2027-03-17T09:00:00Z')
  })

  it('Art. 73(3): disruption of critical infrastructure (Art. 3(49)(b)) within 2 days', () => {
    const d = reportingDeadline(sampleIncident({ harms: ['critical-infrastructure'] }))
    expect(d).toMatchObject({ days: 2, citation: 'Art. 73(3)', deadline: '2027-03-04T09:00:00Z' })
    expect(d.why).toContain('3(49)(b)')
  })

  it('Art. 73(3): a widespread infringement (Art. 3(61)) within 2 days', () => {
    const d = reportingDeadline(sampleIncident({ widespreadInfringement: true }))
    expect(d).toMatchObject({ days: 2, citation: 'Art. 73(3)' })
    expect(d.why).toContain('3(61)')
  })

  it("Art. 73(4): a person's death within 10 days", () => {
    const d = reportingDeadline(sampleIncident({ harms: ['death', 'health'] }))
    expect(d).toMatchObject({ days: 10, citation: 'Art. 73(4)', deadline: '2027-03-12T09:00:00Z' })
  })

  it('the shortest applicable limit wins: death (10) with critical infrastructure (2) is 2 days', () => {
    const d = reportingDeadline(sampleIncident({ harms: ['death', 'critical-infrastructure'] }))
    expect(d.days).toBe(2)
    expect(d.rules.map((r) => [r.citation, r.days])).toEqual([
      ['Art. 73(3)', 2],
      ['Art. 73(4)', 10],
      ['Art. 73(2)', 15],
    ])
  })

  it('the deadline runs from awareAt, with its offset', () => {
    const d = reportingDeadline(
      sampleIncident({ harms: ['death'], awareAt: '2027-03-02T10:30:00+01:00' }),
    )
    expect(d.deadline).toBe('2027-03-12T09:30:00Z')
  })

  it('a notification exactly at the deadline is on time', () => {
    const d = reportingDeadline(
      sampleIncident({ authoritiesNotified: notified('2027-03-17T09:00:00Z') }),
    )
    expect(d.onTime).toBe(true)
  })

  it('a notification one second after the deadline is late', () => {
    const d = reportingDeadline(
      sampleIncident({ authoritiesNotified: notified('2027-03-17T09:00:01Z') }),
    )
    expect(d.onTime).toBe(false)
  })

  it('the earliest notification counts, in whatever order they are listed', () => {
    const d = reportingDeadline(
      sampleIncident({
        authoritiesNotified: [
          ...notified('2027-03-20T00:00:00Z'),
          { authority: 'CNIL', memberState: 'FR', at: '2027-03-03T00:00:00+01:00' },
        ],
      }),
    )
    expect(d.firstNotification?.authority).toBe('CNIL')
    expect(d.onTime).toBe(true)
  })

  it('no notification yet: onTime is null, the deadline still stands', () => {
    const d = reportingDeadline(sampleIncident())
    expect(d.firstNotification).toBeNull()
    expect(d.onTime).toBeNull()
    expect(d.deadline).not.toBeNull()
  })

  it('notes carry the disputed application date and the Art. 73(9)/(10) limited regimes', () => {
    const d = reportingDeadline(sampleIncident())
    const notes = d.notes.join(' ')
    expect(notes).toContain('disputed')
    expect(notes).toContain('Art. 73(9)')
    expect(notes).toContain('Art. 73(10)')
    // Art. 73(1): only providers of high-risk systems must report.
    expect(notes).toContain('Art. 73(1) binds providers of high-risk AI systems')
    expect(notes).not.toContain('Art. 26(5)')
  })

  it('Art. 26(5): a deployer is told to inform the provider first', () => {
    const d = reportingDeadline(
      sampleIncident({ reporter: { id: 'urn:x', name: 'Border Police', role: 'deployer' } }),
    )
    expect(d.notes[0]).toContain('Art. 26(5)')
  })
})

/** A classification as a passport discloses it (`classification.eu-ai-act`). */
const known = (
  category: IncidentClassification['category'],
  over: Partial<IncidentClassification> = {},
): IncidentClassification => ({ category, gpai: null, asOf: '2027-01-15', ...over })

const LEGACY_HIGH_RISK = {
  status: {
    cites: 'Art. 111(2)',
    placedOnMarket: '2026-11-02',
    placedBefore: '2027-12-02',
    publicAuthority: true,
    significantChange: null,
    appliesFrom: '2030-08-02',
  },
  sentence:
    'Art. 111(2): placed on the market on 2026-11-02, before 2027-12-02, the system is a legacy system; its high-risk obligations apply from 2030-08-02 (it is intended to be used by public authorities).',
}

describe('reportingDeadline read against the passport classification (Art. 73(1))', () => {
  it('Art. 73(1): a high-risk system has the deadline, without the "does not read the classification" note', () => {
    const d = reportingDeadline(sampleIncident(), known('high-risk'))
    expect(d).toMatchObject({
      applies: true,
      basis: 'high-risk',
      days: 15,
      deadline: '2027-03-17T09:00:00Z',
      citation: 'Art. 73(2)',
      reference: null,
    })
    expect(d.basisWhy).toBe(
      'the passport classifies the system as high-risk (as of 2027-01-15): Art. 73(1) binds providers of high-risk AI systems placed on the Union market',
    )
    const notes = d.notes.join(' ')
    expect(notes).not.toContain('not known here')
    expect(notes).not.toContain('for reference only')
    expect(notes).toContain('disputed')
    expect(notes).toContain('Art. 73(9)')
  })

  for (const category of ['transparency', 'minimal', 'out-of-scope'] as const)
    it(`Art. 73(1): a ${category} system is not bound: no deadline, the high-risk one only under reference`, () => {
      const d = reportingDeadline(
        sampleIncident({
          authoritiesNotified: [
            { authority: 'BNetzA', memberState: 'DE', at: '2027-04-01T00:00:00Z' },
          ],
        }),
        known(category),
      )
      expect(d).toMatchObject({
        applies: false,
        basis: 'not-high-risk',
        days: null,
        deadline: null,
        onTime: null,
        rules: [],
        citation: 'Art. 73(1)',
      })
      expect(d.why).toContain(
        `the passport classifies the system as ${category} (as of 2027-01-15), not high-risk`,
      )
      expect(d.why).toContain('so Art. 73 does not bind it')
      // The reference is the high-risk deadline, kept apart from the fields that state a duty.
      expect(d.reference).toMatchObject({
        days: 15,
        deadline: '2027-03-17T09:00:00Z',
        citation: 'Art. 73(2)',
        onTime: false,
      })
      expect(d.firstNotification?.at).toBe('2027-04-01T00:00:00Z')
      expect(d.notes.join(' ')).toContain('for reference only: it is no duty')
      expect(d.notes.join(' ')).not.toContain('disputed')
    })

  it('Art. 73(1): a not-high-risk system with an incident that is not serious has no reference either', () => {
    const d = reportingDeadline(sampleIncident({ serious: false, harms: [] }), known('minimal'))
    expect(d).toMatchObject({ applies: false, basis: 'not-high-risk', reference: null })
    expect(d.why).toContain('Art. 73 covers serious incidents (Art. 3(49))')
  })

  it('Art. 73(1), Art. 26(5): a deployer of a not-high-risk system gets no Art. 26(5) note', () => {
    const deployer = { id: 'urn:x', name: 'Shop', role: 'deployer' as const }
    expect(
      reportingDeadline(sampleIncident({ reporter: deployer }), known('minimal')).notes.join(' '),
    ).not.toContain('Art. 26(5)')
    expect(
      reportingDeadline(sampleIncident({ reporter: deployer }), known('high-risk')).notes[0],
    ).toContain('Art. 26(5)')
  })

  it('unknown (no passport): the deadline stands as for a high-risk system, with a note saying why', () => {
    const d = reportingDeadline(sampleIncident())
    expect(d).toMatchObject({ applies: true, basis: 'unknown', days: 15, reference: null })
    expect(d.basisWhy).toBe('no passport was given')
    expect(d.notes[0]).toBe(
      "The system's EU classification is not known here: no passport was given. Art. 73(1) binds providers of high-risk AI systems placed on the Union market: the deadline is given as for a high-risk system; for a system that is not high-risk it is for reference only.",
    )
  })

  it('unknown (classification not disclosed): the note names the undisclosed claim', () => {
    const d = reportingDeadline(
      sampleIncident(),
      unknownClassification(
        'the passport does not disclose its EU classification (classification.eu-ai-act)',
      ),
    )
    expect(d).toMatchObject({ applies: true, basis: 'unknown', deadline: '2027-03-17T09:00:00Z' })
    expect(d.notes[0]).toContain(
      'not known here: the passport does not disclose its EU classification',
    )
  })

  it('Art. 5 / Art. 73(1): a prohibited system may also be high-risk, so its basis is unknown and the deadline stands', () => {
    const d = reportingDeadline(sampleIncident(), known('prohibited'))
    expect(d).toMatchObject({ applies: true, basis: 'unknown', days: 15 })
    expect(d.basisWhy).toContain('prohibited (Art. 5)')
    expect(d.basisWhy).toContain('does not say whether the system is also high-risk')
  })

  it('Art. 55(1)(c): GPAI with systemic risk adds the AI Office note (without undue delay, no day count)', () => {
    for (const category of ['high-risk', 'minimal'] as const) {
      const d = reportingDeadline(sampleIncident(), known(category, { gpai: 'gpai-systemic-risk' }))
      const note = d.notes.find((n) => n.includes('Art. 55(1)(c)'))
      expect(note).toContain('to the AI Office')
      expect(note).toContain('without undue delay')
      expect(note).toContain('no day count')
    }
    // Art. 55(1)(c) sets no days: a not-high-risk system still has no Art. 73 deadline.
    const minimal = reportingDeadline(
      sampleIncident(),
      known('minimal', { gpai: 'gpai-systemic-risk' }),
    )
    expect(minimal).toMatchObject({ applies: false, deadline: null })
    for (const gpai of [null, 'gpai'] as const)
      expect(
        reportingDeadline(sampleIncident(), known('high-risk', { gpai })).notes.join(' '),
      ).not.toContain('Art. 55(1)(c)')
  })

  it('Art. 55(1)(c) with Art. 111(3): the note says when the model duties apply', () => {
    const d = reportingDeadline(
      sampleIncident(),
      known('minimal', {
        gpai: 'gpai-systemic-risk',
        legacyGpai: {
          status: {
            cites: 'Art. 111(3)',
            models: [{ name: 'm 1', placedOnMarket: '2025-03-01' }],
            placedBefore: '2025-08-02',
            appliesFrom: '2027-08-02',
          },
          sentence:
            'Art. 111(3): the general-purpose AI model was placed on the market before 2025-08-02; the model duties apply from 2027-08-02.',
        },
      }),
    )
    expect(d.notes.find((n) => n.includes('Art. 55(1)(c)'))).toContain(
      'The passport also says: Art. 111(3): the general-purpose AI model was placed',
    )
  })

  it('Art. 111(2): a legacy high-risk system keeps the deadline, with a note that the deferral is a reading', () => {
    const d = reportingDeadline(
      sampleIncident(),
      known('high-risk', { legacyHighRisk: LEGACY_HIGH_RISK }),
    )
    expect(d).toMatchObject({ applies: true, basis: 'high-risk', days: 15 })
    const note = d.notes.find((n) => n.includes('legacy high-risk system'))
    expect(note).toContain(LEGACY_HIGH_RISK.sentence)
    expect(note).toContain('Whether that deferral reaches Art. 73 is a reading, not text')
    // Aware on or after the date its high-risk obligations apply from: no doubt, no note.
    const later = reportingDeadline(
      sampleIncident({ occurredAt: '2030-08-02', awareAt: '2030-08-02T09:00:00Z' }),
      known('high-risk', { legacyHighRisk: LEGACY_HIGH_RISK }),
    )
    expect(later.notes.join(' ')).not.toContain('legacy high-risk system')
  })
})
