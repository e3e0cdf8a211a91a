/**
 * What a buyer verifying a passport makes of the serious-incident reports (EU AI Act Art. 73) it
 * was given (files) or fetched (a registry): which count, and each incident's current state.
 *
 * Which reports count: a report signed by the passport's own issuer key (the provider reporting
 * against its own interest) always counts; one signed by another key counts only when the buyer's
 * policy trusts that key (a trusted issuer or trusted assessor). Anyone may post a report to a
 * registry, so a report by anyone else is listed but not counted: an untrusted report must not
 * sink a vendor. A report that does not verify (bad signature, another passport) never counts.
 *
 * The current state of an incident is the counted report with the highest `sequence`
 * (Art. 73(5): a follow-up completes or corrects the earlier ones). Reports that do not count are
 * grouped the same way, apart, so an untrusted "follow-up" cannot overwrite a counted report.
 *
 * Pure: the caller verifies each report (verifyIncidentReport) and passes the results and the
 * clock.
 */
import type { IncidentClassification } from './classification.js'
import { reportingDeadline, type ReportingDeadline } from './deadline.js'
import type { IncidentReason, IncidentReportClaims } from './report.js'
import type { Incident } from './schema.js'

/** One report as the verifier found it. */
export interface CheckedIncidentReport {
  /** Where it came from, for messages: a file path, or `<registry> report <id>`. */
  source: string
  /** The header kid (`?` when unreadable). */
  kid: string
  /** The claims: verified when `reason` is `ok`, otherwise decoded without trust. */
  claims: IncidentReportClaims
  /** `ok` when the signature and the binding to this passport verified. */
  reason: IncidentReason
  /** Why it did not verify (when `reason` is not `ok`). */
  message: string
}

/** Whose key signed a report, from the buyer's point of view. */
export type ReporterTrust =
  'passport-issuer' | 'trusted-issuer' | 'trusted-assessor' | 'untrusted' | 'unverified'

/** The keys of the buyer's policy, by kid. */
export interface IncidentTrust {
  /** The key that signed the passport. */
  passportIssuerKid: string
  /** Trusted issuers' keys (the policy's trust.issuers), with the party's name. */
  issuerKids: ReadonlyMap<string, string>
  /** Trusted assessors' keys (the policy's trust.assessors), with the party's name. */
  assessorKids: ReadonlyMap<string, string>
}

/** The Art. 73 deadline of an incident and its verdict at the verifier's clock. */
export interface BuyerDeadline extends ReportingDeadline {
  /**
   * `on-time` (first notification at or before the deadline), `late` (after it), `overdue` (none
   * yet and the deadline has passed), `pending` (none yet, the deadline has not passed), `none`
   * (no deadline: not serious, or the passport says the system is not high-risk, Art. 73(1)).
   */
  verdict: 'on-time' | 'late' | 'overdue' | 'pending' | 'none'
}

/** One incident as the buyer sees it: its current state and whether it counts. */
export interface BuyerIncident {
  incidentId: string
  /** The report that gives the current state (the highest sequence of this group). */
  reportId: string
  sequence: number
  report: Incident['report']
  status: Incident['status']
  serious: boolean
  harms: Incident['harms']
  memberStates: string[]
  reporter: Incident['reporter'] & { kid: string }
  /** Who signed it, for the buyer's policy. */
  trust: ReporterTrust
  /** The name the buyer's policy gives the signing key, when it trusts it. */
  trustedAs?: string
  /** Whether the policy counts this incident. */
  counted: boolean
  /** Why it does not count (only when `counted` is false). */
  notCounted?: string
  deadline: BuyerDeadline
  /** The sources of every report of this group, by sequence. */
  sources: string[]
}

/** Text the buyer sees for a report by a key the policy does not trust. */
export const NOT_TRUSTED = 'not counted: reporter not trusted by this policy'

function trustOf(
  r: CheckedIncidentReport,
  trust: IncidentTrust,
): { trust: ReporterTrust; trustedAs?: string; notCounted?: string } {
  if (r.reason !== 'ok' && r.reason !== 'incident-untrusted')
    return { trust: 'unverified', notCounted: `not counted: ${r.message}` }
  if (r.kid === trust.passportIssuerKid && r.reason === 'ok') {
    const name = trust.issuerKids.get(r.kid)
    return { trust: 'passport-issuer', ...(name === undefined ? {} : { trustedAs: name }) }
  }
  const issuer = trust.issuerKids.get(r.kid)
  if (issuer !== undefined && r.reason === 'ok')
    return { trust: 'trusted-issuer', trustedAs: issuer }
  const assessor = trust.assessorKids.get(r.kid)
  if (assessor !== undefined && r.reason === 'ok')
    return { trust: 'trusted-assessor', trustedAs: assessor }
  return { trust: 'untrusted', notCounted: NOT_TRUSTED }
}

/**
 * The deadline of `incident` with its verdict at `nowSeconds`, read against the passport's
 * classification: a system the passport says is not high-risk has no Art. 73 deadline, so its
 * verdict is `none` and it is never late.
 */
export function buyerDeadline(
  incident: Incident,
  nowSeconds: number,
  classification?: IncidentClassification,
): BuyerDeadline {
  const d = reportingDeadline(incident, classification)
  let verdict: BuyerDeadline['verdict']
  if (d.deadline === null) verdict = 'none'
  else if (d.onTime !== null) verdict = d.onTime ? 'on-time' : 'late'
  else verdict = nowSeconds * 1000 > Date.parse(d.deadline) ? 'overdue' : 'pending'
  return { ...d, verdict }
}

/**
 * The incidents of `reports`: one per incident id among the counted reports (its highest
 * sequence), and one per incident id among the reports that do not count, oldest incident first
 * (by the lowest sequence's position in `reports`, which callers give in order). Deadlines are
 * read against `classification`, the passport's (incidentClassificationOf its verified,
 * disclosed claims); without it the category is unknown.
 */
export function incidentsForBuyer(
  reports: readonly CheckedIncidentReport[],
  trust: IncidentTrust,
  nowSeconds: number,
  classification?: IncidentClassification,
): BuyerIncident[] {
  const groups = new Map<
    string,
    { reports: { r: CheckedIncidentReport; t: ReturnType<typeof trustOf> }[] }
  >()
  for (const r of reports) {
    const t = trustOf(r, trust)
    const counted = t.notCounted === undefined
    const key = `${counted ? 'counted' : 'other'} ${r.claims.credentialSubject.incident.id}`
    const group = groups.get(key) ?? { reports: [] }
    group.reports.push({ r, t })
    groups.set(key, group)
  }
  const out: BuyerIncident[] = []
  for (const group of groups.values()) {
    const sorted = [...group.reports].sort(
      (a, b) =>
        a.r.claims.credentialSubject.incident.sequence -
        b.r.claims.credentialSubject.incident.sequence,
    )
    const latest = sorted[sorted.length - 1] as (typeof sorted)[number]
    const incident = latest.r.claims.credentialSubject.incident
    out.push({
      incidentId: incident.id,
      reportId: latest.r.claims.jti,
      sequence: incident.sequence,
      report: incident.report,
      status: incident.status,
      serious: incident.serious,
      harms: incident.harms,
      memberStates: incident.memberStates,
      reporter: { ...incident.reporter, kid: latest.r.kid },
      trust: latest.t.trust,
      ...(latest.t.trustedAs === undefined ? {} : { trustedAs: latest.t.trustedAs }),
      counted: latest.t.notCounted === undefined,
      ...(latest.t.notCounted === undefined ? {} : { notCounted: latest.t.notCounted }),
      deadline: buyerDeadline(incident, nowSeconds, classification),
      sources: sorted.map((s) => s.r.source),
    })
  }
  return out
}

/** Counted serious incidents that are open. */
export function openSerious(incidents: readonly BuyerIncident[]): BuyerIncident[] {
  return incidents.filter((i) => i.counted && i.serious && i.status === 'open')
}

/**
 * Counted serious incidents whose authority notification was late, or is overdue. An incident of
 * a system the passport says is not high-risk has no deadline (verdict `none`), so it is not
 * here: Art. 73(1) does not bind it.
 */
export function notifiedLate(incidents: readonly BuyerIncident[]): BuyerIncident[] {
  return incidents.filter(
    (i) =>
      i.counted && i.serious && (i.deadline.verdict === 'late' || i.deadline.verdict === 'overdue'),
  )
}

const DEADLINE_WORDS: Record<BuyerDeadline['verdict'], string> = {
  'on-time': 'authority notified on time',
  late: 'authority notified LATE',
  overdue: 'no authority notified yet, deadline PASSED',
  pending: 'no authority notified yet',
  none: 'no Art. 73 deadline',
}

const TRUST_WORDS: Record<ReporterTrust, string> = {
  'passport-issuer': "counted: the passport's issuer",
  'trusted-issuer': 'counted: a trusted issuer',
  'trusted-assessor': 'counted: a trusted assessor',
  untrusted: 'not counted',
  unverified: 'not counted',
}

/** One line per incident: status, seriousness, harms, deadline verdict, reporter, counted. */
export function incidentLine(i: BuyerIncident): string {
  const serious = i.serious ? `serious (${i.harms.join(', ')})` : 'not serious'
  const d = i.deadline
  const deadline =
    d.deadline !== null
      ? `Art. 73 deadline ${d.deadline} (${d.citation}): ${DEADLINE_WORDS[d.verdict]}`
      : d.basis === 'not-high-risk' && i.serious
        ? `${DEADLINE_WORDS.none} (Art. 73(1): the passport classifies the system as not high-risk)`
        : DEADLINE_WORDS.none
  const counted = i.counted
    ? `${TRUST_WORDS[i.trust]}${i.trustedAs === undefined ? '' : ` (${i.trustedAs})`}`
    : (i.notCounted ?? TRUST_WORDS[i.trust])
  return `incident ${i.incidentId}: ${i.status}, ${serious}, ${i.report} report ${i.sequence}; ${deadline}; reported by ${i.reporter.name} (${i.reporter.role}, key ${i.reporter.kid}); ${counted}`
}
