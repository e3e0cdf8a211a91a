/**
 * requirements.incidents: serious-incident reports (EU AI Act Art. 73) in a buyer's verdict. The
 * reports are checked by incidentsForBuyer (which count, each incident's latest sequence) and
 * evaluated by evaluatePolicy, rule by rule.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  incidentsForBuyer,
  NOT_TRUSTED,
  type CheckedIncidentReport,
} from '../../../src/core/incident/buyer.js'
import {
  incidentClassificationOf,
  type IncidentClassification,
} from '../../../src/core/incident/classification.js'
import type { IncidentReportClaims } from '../../../src/core/incident/report.js'
import type { Incident } from '../../../src/core/incident/schema.js'
import { REASON_CODES, type CheckResult } from '../../../src/core/passport/types.js'
import { evaluatePolicy, verdictFrom } from '../../../src/core/policy/evaluate.js'
import { Policy } from '../../../src/core/policy/schema.js'

const NOW = Date.parse('2026-12-20T00:00:00Z') / 1000
const ISSUER = 'issuer-kid'
const AUTHORITY = 'authority-kid'
const STRANGER = 'stranger-kid'
const TRUST = {
  passportIssuerKid: ISSUER,
  issuerKids: new Map([[ISSUER, 'Vendor']]),
  assessorKids: new Map([[AUTHORITY, 'Authority']]),
}

let n = 0
const uuid = (i: number) => `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

/** A serious, open incident notified on time (aware 1 Dec, notified 5 Dec, deadline 16 Dec). */
function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: uuid(1),
    report: 'initial',
    sequence: 1,
    reporter: { id: 'urn:x', name: 'Vendor', role: 'provider' },
    occurredAt: '2026-12-01',
    awareAt: '2026-12-01T10:00:00Z',
    memberStates: ['EE'],
    serious: true,
    harms: ['fundamental-rights'],
    widespreadInfringement: false,
    causalLink: 'established',
    summary: 'x',
    status: 'open',
    authoritiesNotified: [{ authority: 'MSA', memberState: 'EE', at: '2026-12-05T10:00:00Z' }],
    ...over,
  }
}

function report(
  over: Partial<Incident> = {},
  kid = ISSUER,
  reason: CheckedIncidentReport['reason'] = 'ok',
): CheckedIncidentReport {
  n++
  return {
    source: `report-${n}`,
    kid,
    reason,
    message: reason === 'ok' ? 'ok' : 'the report is about another passport',
    claims: {
      jti: uuid(1000 + n),
      credentialSubject: { incident: incident(over) },
    } as unknown as IncidentReportClaims,
  }
}

function policy(incidents: Record<string, unknown> | undefined): Policy {
  return Policy.parse({
    apiVersion: 'accord.dev/v1',
    kind: 'AcceptancePolicy',
    name: 'Test',
    trust: { issuers: [{ name: 'Vendor', jwks: 'v.json' }] },
    requirements: incidents === undefined ? {} : { incidents },
  })
}

function evaluate(
  incidents: Record<string, unknown> | undefined,
  reports: CheckedIncidentReport[] | undefined,
  classification?: IncidentClassification,
): CheckResult[] {
  // A minimal passport: the incident rules read nothing of it.
  const claims = { credentialSubject: {} } as never
  return evaluatePolicy(policy(incidents), {
    claims,
    disclosed: { jurisdictions: [], frameworks: [] },
    endorsements: [],
    nowSeconds: NOW,
    statusChecked: true,
    ...(reports === undefined
      ? {}
      : { incidents: incidentsForBuyer(reports, TRUST, NOW, classification) }),
  })
}

function one(checks: CheckResult[], name: string): CheckResult {
  const found = checks.filter((c) => c.check === name)
  expect(found, checks.map((c) => c.check).join(', ')).toHaveLength(1)
  const c = found[0] as CheckResult
  expect(REASON_CODES).toContain(c.reason)
  return c
}

const OPEN = 'policy:incidents:open-serious'
const LATE = 'policy:incidents:notification'

describe('requirements.incidents: open serious incidents', () => {
  it("an open serious incident reported by the passport's issuer fails maxOpenSerious 0", () => {
    const checks = evaluate({ maxOpenSerious: 0 }, [report()])
    const c = one(checks, OPEN)
    expect(c).toMatchObject({ outcome: 'fail', reason: 'incident-open-serious' })
    expect(c.message).toMatch(/^1 open serious incident \(Art\. 3\(49\)\).*at most 0$/)
    expect(verdictFrom(checks)).toBe('rejected')
  })

  it('as many open serious incidents as allowed pass; one more fails', () => {
    const two = () => [report(), report({ id: uuid(2) })]
    expect(one(evaluate({ maxOpenSerious: 2 }, two()), OPEN).outcome).toBe('pass')
    expect(one(evaluate({ maxOpenSerious: 1 }, two()), OPEN)).toMatchObject({
      outcome: 'fail',
      reason: 'incident-open-serious',
    })
  })

  it('a closed serious incident does not count', () => {
    const c = one(
      evaluate({}, [report({ status: 'closed', report: 'follow-up', sequence: 2 })]),
      OPEN,
    )
    expect(c).toMatchObject({ outcome: 'pass', reason: 'ok' })
    expect(c.message).toMatch(/^0 open serious incidents of 1 incident counted/)
  })

  it('an open incident that is not serious does not count', () => {
    const c = one(evaluate({}, [report({ serious: false, harms: [] })]), OPEN)
    expect(c).toMatchObject({ outcome: 'pass', reason: 'ok' })
  })

  it('a report by a key the policy does not trust does not count, and says why', () => {
    const reports = [report({}, STRANGER, 'incident-untrusted')]
    const c = one(evaluate({}, reports), OPEN)
    expect(c).toMatchObject({ outcome: 'pass', reason: 'ok' })
    expect(c.message).toMatch(/1 more not counted/)
    const [listed] = incidentsForBuyer(reports, TRUST, NOW)
    expect(listed).toMatchObject({ counted: false, trust: 'untrusted', notCounted: NOT_TRUSTED })
  })

  it('a report verified with a key the policy does not trust (a registry copy) does not count', () => {
    expect(one(evaluate({}, [report({}, STRANGER, 'ok')]), OPEN).outcome).toBe('pass')
  })

  it('a report by a trusted assessor counts', () => {
    const c = one(evaluate({}, [report({}, AUTHORITY)]), OPEN)
    expect(c.outcome).toBe('fail')
    const [listed] = incidentsForBuyer([report({}, AUTHORITY)], TRUST, NOW)
    expect(listed).toMatchObject({
      counted: true,
      trust: 'trusted-assessor',
      trustedAs: 'Authority',
    })
  })

  it("the issuer's own report counts", () => {
    const [listed] = incidentsForBuyer([report()], TRUST, NOW)
    expect(listed).toMatchObject({ counted: true, trust: 'passport-issuer' })
  })

  it('a report that does not verify (another passport) never counts, even by the issuer key', () => {
    const reports = [report({}, ISSUER, 'incident-wrong-passport')]
    expect(one(evaluate({}, reports), OPEN).outcome).toBe('pass')
    expect(incidentsForBuyer(reports, TRUST, NOW)[0]).toMatchObject({
      counted: false,
      trust: 'unverified',
      notCounted: 'not counted: the report is about another passport',
    })
  })

  it('the highest sequence is the current state, whatever the order given', () => {
    const closed = report({ status: 'closed', report: 'final', sequence: 2 })
    const open = report()
    for (const order of [
      [open, closed],
      [closed, open],
    ]) {
      const listed = incidentsForBuyer(order, TRUST, NOW)
      expect(listed).toHaveLength(1)
      expect(listed[0]).toMatchObject({ sequence: 2, status: 'closed' })
      expect(one(evaluate({}, order), OPEN).outcome).toBe('pass')
    }
    // Reopened by a follow-up: the later report wins again.
    const reopened = report({ report: 'follow-up', sequence: 3 })
    expect(one(evaluate({}, [open, closed, reopened]), OPEN).outcome).toBe('fail')
  })

  it('an untrusted later report does not override the counted state', () => {
    const closed = report({ status: 'closed', report: 'final', sequence: 2 })
    const fake = report({ report: 'follow-up', sequence: 3 }, STRANGER, 'incident-untrusted')
    const listed = incidentsForBuyer([closed, fake], TRUST, NOW)
    expect(listed.map((i) => [i.sequence, i.status, i.counted])).toEqual([
      [2, 'closed', true],
      [3, 'open', false],
    ])
    expect(one(evaluate({}, [closed, fake]), OPEN).outcome).toBe('pass')
  })
})

describe('requirements.incidents: late notification', () => {
  const late = () =>
    report({
      authoritiesNotified: [{ authority: 'MSA', memberState: 'EE', at: '2026-12-17T10:00:00Z' }],
    })

  it('refuse: a notification after the Art. 73 deadline fails', () => {
    const checks = evaluate({ maxOpenSerious: 5, lateNotification: 'refuse' }, [late()])
    const c = one(checks, LATE)
    expect(c).toMatchObject({ outcome: 'fail', reason: 'incident-reported-late' })
    expect(c.message).toMatch(
      /notified 2026-12-17T10:00:00Z, after the deadline 2026-12-16T10:00:00Z \(Art\. 73\(2\)\)/,
    )
    expect(verdictFrom(checks)).toBe('rejected')
  })

  it('warn (the default): the check holds with the reason code and a warning', () => {
    const checks = evaluate({ maxOpenSerious: 5 }, [late()])
    const c = one(checks, LATE)
    expect(c).toMatchObject({ outcome: 'pass', reason: 'incident-reported-late' })
    expect(c.message).toMatch(/^warning: /)
    expect(verdictFrom(checks)).toBe('accepted')
  })

  it('ignore: no check', () => {
    expect(
      evaluate({ maxOpenSerious: 5, lateNotification: 'ignore' }, [late()]).some(
        (c) => c.check === LATE,
      ),
    ).toBe(false)
  })

  it('on time passes; no notification yet past the deadline is late too', () => {
    expect(
      one(evaluate({ lateNotification: 'refuse', maxOpenSerious: 5 }, [report()]), LATE),
    ).toMatchObject({
      outcome: 'pass',
      reason: 'ok',
    })
    const overdue = report({ authoritiesNotified: [] })
    const c = one(evaluate({ lateNotification: 'refuse', maxOpenSerious: 5 }, [overdue]), LATE)
    expect(c).toMatchObject({ outcome: 'fail', reason: 'incident-reported-late' })
    expect(c.message).toMatch(/no authority notified yet, past the deadline/)
  })

  it('a late closed incident is still late; an untrusted late one is not held against the vendor', () => {
    const closedLate = report({
      status: 'closed',
      report: 'final',
      sequence: 2,
      authoritiesNotified: [{ authority: 'MSA', memberState: 'EE', at: '2026-12-17T10:00:00Z' }],
    })
    expect(one(evaluate({ lateNotification: 'refuse' }, [closedLate]), LATE).outcome).toBe('fail')
    const untrusted = report(
      {
        authoritiesNotified: [{ authority: 'MSA', memberState: 'EE', at: '2026-12-17T10:00:00Z' }],
      },
      STRANGER,
      'incident-untrusted',
    )
    expect(one(evaluate({ lateNotification: 'refuse' }, [untrusted]), LATE).outcome).toBe('pass')
  })
})

describe('requirements.incidents: late notification read against the passport classification (Art. 73(1))', () => {
  /** The classification as the buyer's verified passport discloses it. */
  const passport = (category: string) =>
    incidentClassificationOf({
      classification: { 'eu-ai-act': { category, gpai: null, asOf: '2026-11-23' } },
    })
  const late = () =>
    report({
      authoritiesNotified: [{ authority: 'MSA', memberState: 'EE', at: '2026-12-17T10:00:00Z' }],
    })
  const overdue = () => report({ authoritiesNotified: [] })

  for (const category of ['transparency', 'minimal', 'out-of-scope'])
    it(`Art. 73(1): a ${category} system is not bound, so incident-reported-late is not raised`, () => {
      for (const r of [late(), overdue()]) {
        const checks = evaluate(
          { maxOpenSerious: 5, lateNotification: 'refuse' },
          [r],
          passport(category),
        )
        const c = one(checks, LATE)
        expect(c).toMatchObject({ outcome: 'pass', reason: 'ok' })
        expect(c.message).toContain(
          '1 counted serious incident is of a system the passport classifies as not high-risk, which Art. 73(1) does not bind',
        )
        expect(verdictFrom(checks)).toBe('accepted')
      }
      const [listed] = incidentsForBuyer([late()], TRUST, NOW, passport(category))
      expect(listed?.deadline).toMatchObject({
        verdict: 'none',
        basis: 'not-high-risk',
        deadline: null,
        reference: { deadline: '2026-12-16T10:00:00Z', onTime: false },
      })
    })

  it('Art. 73(1): the open serious incident still counts for maxOpenSerious (the buyer policy, not Art. 73)', () => {
    const c = one(evaluate({ maxOpenSerious: 0 }, [late()], passport('minimal')), OPEN)
    expect(c).toMatchObject({ outcome: 'fail', reason: 'incident-open-serious' })
  })

  it('Art. 73(1): a high-risk passport, or one that does not disclose its classification, is still late', () => {
    const undisclosed = incidentClassificationOf({ classification: {} })
    for (const classification of [passport('high-risk'), undisclosed, passport('prohibited')]) {
      const c = one(
        evaluate({ maxOpenSerious: 5, lateNotification: 'refuse' }, [late()], classification),
        LATE,
      )
      expect(c).toMatchObject({ outcome: 'fail', reason: 'incident-reported-late' })
    }
  })
})

describe('requirements.incidents: sources', () => {
  it('check: required with no source looked at is indeterminate', () => {
    const checks = evaluate({ check: 'required' }, undefined)
    expect(one(checks, 'policy:incidents')).toMatchObject({
      outcome: 'indeterminate',
      reason: 'incident-unavailable',
    })
    expect(verdictFrom(checks)).toBe('indeterminate')
  })

  it('check: required with a source that held no reports passes', () => {
    const checks = evaluate({ check: 'required' }, [])
    expect(checks.some((c) => c.check === 'policy:incidents')).toBe(false)
    expect(one(checks, OPEN).outcome).toBe('pass')
    expect(verdictFrom(checks)).toBe('accepted')
  })

  it('check: optional (the default) with no source is skipped; no incidents requirement, no check', () => {
    expect(one(evaluate({}, undefined), 'policy:incidents').outcome).toBe('skipped')
    expect(evaluate(undefined, [report()])).toEqual([])
  })

  it('the policy schema refuses a misspelt or negative setting', () => {
    expect(() => policy({ maxOpenSerious: -1 })).toThrow()
    expect(() => policy({ lateNotification: 'fail' })).toThrow()
    expect(() => policy({ maxOpen: 1 })).toThrow()
  })
})

describe('the incident reason codes', () => {
  it('are in REASON_CODES and in the reason-code table of docs/policies.md', () => {
    const docs = readFileSync(
      path.resolve(import.meta.dirname, '../../../docs/policies.md'),
      'utf8',
    )
    for (const code of [
      'incident-open-serious',
      'incident-reported-late',
      'incident-unavailable',
    ]) {
      expect(REASON_CODES).toContain(code)
      expect(docs).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'))
    }
  })
})
