/**
 * Evidence with a validity (`evidence[].validUntil`): past it on the as-of date it counts for no
 * obligation, directly or through the crosswalk, and the reason names it; within 90 days of it it
 * still counts and is listed as expiring soon (`evidenceValidity`, and lines under the gap table).
 */
import { describe, expect, it } from 'vitest'
import { assessSystem, EXPIRING_SOON_DAYS } from '../../../src/core/assess/assess.js'
import { renderGapTable } from '../../../src/core/assess/gap-table.js'
import { assessmentOutput } from '../../../src/core/assess/output.js'
import type {
  AssessmentResult,
  HashedEvidence,
  ObligationAssessment,
} from '../../../src/core/assess/types.js'
import { ev, fixtureCatalogs, fixtureClassification, fixtureManifest } from './fixture.js'

const catalogs = fixtureCatalogs()

function run(evidence: HashedEvidence[], asOf: string): AssessmentResult {
  return assessSystem({
    manifest: fixtureManifest(),
    manifestSha256: 'f'.repeat(64),
    evidence,
    catalogs,
    classification: fixtureClassification(),
    asOf,
  })
}

function get(result: AssessmentResult, id: string): ObligationAssessment {
  const o = result.obligations.find((x) => x.id === id)
  if (!o) throw new Error(`${id} not listed`)
  return o
}

const UNTIL = '2026-09-30'
const cert = (extra: Partial<HashedEvidence> = {}) =>
  ev('oversight-cert', ['eu-ai-act:art-14'], { type: 'certificate', validUntil: UNTIL, ...extra })

describe('expired evidence', () => {
  it('counts for nothing the day after validUntil, directly and through the crosswalk', () => {
    const before = run([cert()], UNTIL)
    expect(get(before, 'eu-ai-act:art-14').status).toBe('met')
    // nist-ai-rmf:map-3.5 is equivalent to eu-ai-act:art-14 in the fixture mapping.
    expect(get(before, 'nist-ai-rmf:map-3.5').status).toBe('met')

    const after = run([cert()], '2026-10-01')
    const direct = get(after, 'eu-ai-act:art-14')
    expect(direct.status).toBe('missing')
    expect(direct.evidence).toEqual([])
    expect(direct.reason).toContain('Not counted: evidence oversight-cert expired on 2026-09-30.')
    expect(direct.action).toContain('renew the expired evidence (oversight-cert)')
    const cross = get(after, 'nist-ai-rmf:map-3.5')
    expect(cross.status).toBe('missing')
    expect(cross.evidence).toEqual([])
    expect(cross.reason).toContain('evidence oversight-cert expired on 2026-09-30')
    expect(after.evidenceValidity).toEqual({
      expired: [
        {
          id: 'oversight-cert',
          type: 'certificate',
          validUntil: UNTIL,
          obligations: expect.arrayContaining(['eu-ai-act:art-14', 'nist-ai-rmf:map-3.5']),
        },
      ],
      expiringSoon: [],
    })
    // The evidence table still lists it (its digest is still what the manifest names).
    expect(after.evidence.map((e) => e.id)).toEqual(['oversight-cert'])
  })

  it('inherited by descendants: evidence on a parent stops covering its points', () => {
    const rms = ev('rms', ['eu-ai-act:art-9'], { validUntil: '2026-01-31' })
    const r = run([rms], '2026-09-01')
    for (const id of ['eu-ai-act:art-9', 'eu-ai-act:art-9.2.a', 'eu-ai-act:art-9.5']) {
      expect(get(r, id).status).toBe('missing')
      expect(get(r, id).reason).toContain('evidence rms expired on 2026-01-31')
    }
  })

  it('leaves partial when other partial evidence remains, as the status rules say', () => {
    const draft = ev('draft', ['eu-ai-act:art-14'], { partial: true })
    const r = run([cert(), draft], '2026-10-01')
    const o = get(r, 'eu-ai-act:art-14')
    expect(o.status).toBe('partial')
    expect(o.evidence.map((u) => u.evidenceId)).toEqual(['draft'])
    expect(o.reason).toMatch(/^Partly met by evidence draft: evidence draft is marked partial\./)
    expect(o.reason).toContain('Not counted: evidence oversight-cert expired on 2026-09-30.')
  })

  it('is named even when other current evidence meets the obligation', () => {
    const design = ev('oversight-design', ['eu-ai-act:art-14'])
    const o = get(run([cert(), design], '2026-10-01'), 'eu-ai-act:art-14')
    expect(o.status).toBe('met')
    expect(o.reason).toBe(
      'Met by evidence oversight-design. Not counted: evidence oversight-cert expired on 2026-09-30.',
    )
    expect(o.action).toBeUndefined()
  })
})

describe(`evidence expiring within ${EXPIRING_SOON_DAYS} days`, () => {
  const soon = (r: AssessmentResult) => r.evidenceValidity?.expiringSoon.map((e) => e.daysLeft)

  it('the day before and the day of validUntil: counted and listed; the day after: expired', () => {
    const dayBefore = run([cert()], '2026-09-29')
    expect(get(dayBefore, 'eu-ai-act:art-14').status).toBe('met')
    expect(dayBefore.evidenceValidity?.expired).toEqual([])
    expect(dayBefore.evidenceValidity?.expiringSoon).toEqual([
      {
        id: 'oversight-cert',
        type: 'certificate',
        validUntil: UNTIL,
        obligations: expect.arrayContaining(['eu-ai-act:art-14', 'nist-ai-rmf:map-3.5']),
        daysLeft: 1,
      },
    ])
    const dayOf = run([cert()], UNTIL)
    expect(get(dayOf, 'eu-ai-act:art-14').status).toBe('met')
    expect(get(dayOf, 'eu-ai-act:art-14').reason).toBe('Met by evidence oversight-cert.')
    expect(soon(dayOf)).toEqual([0])
    const dayAfter = run([cert()], '2026-10-01')
    expect(soon(dayAfter)).toEqual([])
    expect(dayAfter.evidenceValidity?.expired.map((e) => e.id)).toEqual(['oversight-cert'])
  })

  it('starts 90 days before validUntil', () => {
    expect(soon(run([cert()], '2026-07-02'))).toEqual([90])
    expect(soon(run([cert()], '2026-07-01'))).toEqual([])
    expect(run([cert()], '2026-07-01').evidenceValidity).toEqual({ expired: [], expiringSoon: [] })
  })

  it('lists no obligation for an item that reaches none applicable', () => {
    const r = run([ev('gpai', ['eu-ai-act:art-53'], { validUntil: UNTIL })], '2026-09-01')
    expect(r.evidenceValidity?.expiringSoon.map((e) => [e.id, e.obligations])).toEqual([
      ['gpai', []],
    ])
  })
})

describe('output', () => {
  it('--json carries evidenceValidity, and empty lists when no item has validUntil', () => {
    expect(assessmentOutput(run([ev('a', ['eu-ai-act:art-14'])], '2026-09-01'))).toMatchObject({
      evidenceValidity: { expired: [], expiringSoon: [] },
    })
    const out = assessmentOutput(run([cert()], '2026-10-01'))
    expect(out.evidenceValidity?.expired.map((e) => e.id)).toEqual(['oversight-cert'])
    expect(out.evidence[0]?.validUntil).toBe(UNTIL)
  })

  it('the gap table lists expired and soon-expiring evidence under the table', () => {
    const later = ev('pentest', ['eu-ai-act:art-15'], {
      type: 'red-team-report',
      validUntil: '2026-11-15',
    })
    const text = renderGapTable(run([cert(), later], '2026-10-01'), { width: 200 })
    expect(text).toContain('Expired evidence, not counted as of 2026-10-01:')
    expect(text).toMatch(
      /- oversight-cert \(certificate\) expired on 2026-09-30; it supported .*eu-ai-act:art-14/,
    )
    expect(text).toContain(`Evidence expiring within ${EXPIRING_SOON_DAYS} days (still counted):`)
    expect(text).toContain(
      '- pentest (red-team-report) valid until 2026-11-15, 45 days left; supports',
    )
    const plain = renderGapTable(run([ev('a', ['eu-ai-act:art-14'])], '2026-10-01'))
    expect(plain).not.toContain('xpir')
  })
})
