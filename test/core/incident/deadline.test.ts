import { describe, expect, it } from 'vitest'
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
