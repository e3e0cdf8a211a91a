import { describe, expect, it } from 'vitest'
import { Incident, IncidentFile, checkIncident } from '../../../src/core/incident/schema.js'
import { sampleIncident } from './fixtures.js'

const codes = (i: ReturnType<typeof checkIncident>) => i.map((x) => `${x.path.join('.')}`)

describe('Incident schema', () => {
  it('accepts the sample, date or date-time occurredAt', () => {
    expect(Incident.safeParse(sampleIncident()).success).toBe(true)
    expect(
      Incident.safeParse(sampleIncident({ occurredAt: '2027-03-01T23:10:00+01:00' })).success,
    ).toBe(true)
  })

  it('refuses unknown keys, unknown harms, non-EU member states, sequence 0 and bad times', () => {
    for (const bad of [
      { ...sampleIncident(), severity: 'high' },
      sampleIncident({ harms: ['reputation' as never] }),
      sampleIncident({ memberStates: ['US'] }),
      sampleIncident({ memberStates: [] }),
      sampleIncident({ sequence: 0 }),
      sampleIncident({ awareAt: '2027-03-02' }),
      sampleIncident({ awareAt: '2027-03-02T09:00:00' }),
      sampleIncident({ occurredAt: '2027-02-30' }),
      sampleIncident({ id: 'incident-1' }),
      sampleIncident({ reporter: { id: 'x', name: 'y', role: 'operator' as never } }),
    ])
      expect(Incident.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })

  it('the file form leaves id, report, sequence and reporter.id to the CLI', () => {
    const file: Record<string, unknown> = {
      ...sampleIncident(),
      reporter: { name: 'Vendor GmbH', role: 'provider' },
    }
    for (const key of ['id', 'report', 'sequence']) delete file[key]
    expect(IncidentFile.safeParse(file).success).toBe(true)
    expect(Incident.safeParse(file).success).toBe(false)
  })
})

describe('checkIncident: contradictions', () => {
  it('none in the sample', () => {
    expect(checkIncident(sampleIncident())).toEqual([])
  })

  it('serious with no harms (Art. 3(49))', () => {
    expect(codes(checkIncident(sampleIncident({ harms: [] })))).toEqual(['harms'])
  })

  it('harms given but serious false', () => {
    expect(codes(checkIncident(sampleIncident({ serious: false })))).toEqual(['serious'])
  })

  it('a final report with status open', () => {
    const i = sampleIncident({ report: 'final', sequence: 2 })
    expect(codes(checkIncident(i))).toEqual(['status'])
    expect(checkIncident({ ...i, status: 'closed' })).toEqual([])
  })

  it('sequence 1 that is not initial, and an initial report with sequence 2', () => {
    expect(codes(checkIncident(sampleIncident({ report: 'follow-up' })))).toEqual(['report'])
    expect(codes(checkIncident(sampleIncident({ sequence: 2 })))).toEqual(['report'])
  })

  it('awareAt before occurredAt (date-time and date)', () => {
    expect(
      codes(
        checkIncident(
          sampleIncident({ occurredAt: '2027-03-02T10:00:00Z', awareAt: '2027-03-02T09:59:59Z' }),
        ),
      ),
    ).toEqual(['awareAt'])
    expect(codes(checkIncident(sampleIncident({ awareAt: '2027-02-28T23:00:00Z' })))).toEqual([
      'awareAt',
    ])
    // The same calendar day as a date-only occurredAt is not before it.
    expect(checkIncident(sampleIncident({ awareAt: '2027-03-01T00:00:00Z' }))).toEqual([])
  })

  it('an authority notified before the reporter became aware', () => {
    const i = sampleIncident({
      authoritiesNotified: [{ authority: 'MSA', memberState: 'DE', at: '2027-03-02T08:00:00Z' }],
    })
    expect(codes(checkIncident(i))).toEqual(['authoritiesNotified.0.at'])
  })

  it('a time after the report is signed', () => {
    const i = sampleIncident({
      authoritiesNotified: [{ authority: 'MSA', memberState: 'DE', at: '2027-03-05T00:00:00Z' }],
    })
    expect(checkIncident(i, { reportedAtMs: Date.parse('2027-03-05T00:00:00Z') })).toEqual([])
    // Signed at 08:59:59: before awareness (09:00) and the notification, after the occurrence.
    expect(codes(checkIncident(i, { reportedAtMs: Date.parse('2027-03-02T08:59:59Z') }))).toEqual([
      'awareAt',
      'authoritiesNotified.0.at',
    ])
  })

  it('a harm or member state listed twice, and a bidi override in the summary', () => {
    expect(codes(checkIncident(sampleIncident({ harms: ['health', 'health'] })))).toEqual([
      'harms.1',
    ])
    expect(codes(checkIncident(sampleIncident({ memberStates: ['DE', 'DE'] })))).toEqual([
      'memberStates.1',
    ])
    expect(codes(checkIncident(sampleIncident({ summary: 'ok \u202Eevil' })))).toEqual(['summary'])
  })
})
