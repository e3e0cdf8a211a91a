/**
 * When a serious incident must be reported to the market surveillance authority, under EU AI Act
 * Art. 73 (shared/reference/regulations.md §1.16). Every rule cites its paragraph; the shortest
 * applicable time limit wins. The limits run from awareness (`awareAt`), in whole days of 24
 * hours: the Act counts them in days and says nothing of working days or time zones here, so a
 * deadline at the same clock time N days later is the strictest reading.
 *
 * Each paragraph also says "immediately": the days are the outer limit, not a grace period.
 *
 * Pure: no clock. Whether an unreported incident is overdue is for the caller to compare with
 * its own clock.
 */
import type { Incident } from './schema.js'

export interface DeadlineRule {
  days: number
  citation: string
  why: string
}

export interface ReportingDeadline {
  /** False when Art. 73 does not apply (the incident is not serious). */
  applies: boolean
  /** The shortest applicable time limit in days, or null when none applies. */
  days: number | null
  /** awareAt + days, as an RFC 3339 UTC date-time; null when none applies. */
  deadline: string | null
  citation: string
  why: string
  /** Every applicable rule, shortest first (the first is the one that counts). */
  rules: DeadlineRule[]
  /** The earliest `authoritiesNotified` entry, when there is one. */
  firstNotification: { authority: string; memberState: string; at: string } | null
  /**
   * Whether the first notification was at or before the deadline; null when there is no
   * deadline or no notification yet.
   */
  onTime: boolean | null
  /** What the deadline does not settle: disputed application dates, limited regimes, Art. 26(5). */
  notes: string[]
}

const DAY_MS = 24 * 3600 * 1000

/** Who Art. 73(1) binds, Art. 73(9)/(10) and the disputed application date (regulations.md §1.16), for every result. */
export const ART_73_NOTES: readonly string[] = [
  "Art. 73(1) binds providers of high-risk AI systems placed on the Union market: for a system that is not high-risk the deadline is given for reference only. Accord does not read the passport's classification here.",
  'When Art. 73 starts to apply is disputed: it is read to apply with Chapter III (2 Aug 2026, with the high-risk obligations now deferred to 2 Dec 2027 / 2 Aug 2028), but Art. 73 sits in Chapter IX, not Chapter III, and amended Art. 113 point (c) does not name it; whether it applies before the Chapter III Section 1 classification rules apply is a reading, not text.',
  'Limited regimes: providers of Annex III systems already under equivalent Union reporting obligations report only Art. 3(49)(c) incidents (Art. 73(9)); for medical devices and in vitro diagnostic devices (MDR/IVDR) only Art. 3(49)(c) incidents are reported under Art. 73, to the authority the member state designates (Art. 73(10)).',
]

const DEPLOYER_NOTE =
  'Art. 26(5): a deployer informs the provider first, then the importer or distributor and the market surveillance authority; Art. 73 applies to the deployer when the provider cannot be reached.'

function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z')
}

/** The rules of Art. 73(2)-(4) that apply to `incident`, shortest first. */
export function applicableRules(
  incident: Pick<Incident, 'serious' | 'harms' | 'widespreadInfringement' | 'causalLink'>,
): DeadlineRule[] {
  if (!incident.serious) return []
  const rules: DeadlineRule[] = []
  if (incident.harms.includes('critical-infrastructure'))
    rules.push({
      days: 2,
      citation: 'Art. 73(3)',
      why: 'a serious and irreversible disruption of critical infrastructure (Art. 3(49)(b)) is reported immediately, and no later than 2 days after awareness',
    })
  if (incident.widespreadInfringement)
    rules.push({
      days: 2,
      citation: 'Art. 73(3)',
      why: 'a widespread infringement (Art. 3(61)) is reported immediately, and no later than 2 days after awareness',
    })
  if (incident.harms.includes('death'))
    rules.push({
      days: 10,
      citation: 'Art. 73(4)',
      why: "a person's death is reported immediately after a causal relationship is established or suspected, and no later than 10 days after awareness",
    })
  rules.push({
    days: 15,
    citation: 'Art. 73(2)',
    why:
      incident.causalLink === 'established' || incident.causalLink === 'reasonably-likely'
        ? 'a serious incident is reported immediately once a causal link (or its reasonable likelihood) is established, as it is here, and no later than 15 days after awareness'
        : 'a serious incident is reported immediately once a causal link with the AI system (or its reasonable likelihood) is established, and no later than 15 days after awareness',
  })
  // Stable sort: for equal days the more specific rule, listed first, stays first.
  return rules.sort((a, b) => a.days - b.days)
}

/** The Art. 73 reporting deadline of `incident` and whether the first notification met it. */
export function reportingDeadline(
  incident: Pick<
    Incident,
    | 'serious'
    | 'harms'
    | 'widespreadInfringement'
    | 'causalLink'
    | 'awareAt'
    | 'authoritiesNotified'
    | 'reporter'
  >,
): ReportingDeadline {
  const notifications = [...(incident.authoritiesNotified ?? [])].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  )
  const first = notifications[0]
  const firstNotification =
    first === undefined
      ? null
      : { authority: first.authority, memberState: first.memberState, at: first.at }
  const notes = [...ART_73_NOTES]
  if (incident.reporter.role === 'deployer') notes.unshift(DEPLOYER_NOTE)

  const rules = applicableRules(incident)
  const rule = rules[0]
  if (rule === undefined)
    return {
      applies: false,
      days: null,
      deadline: null,
      citation: 'Art. 73(1), Art. 3(49)',
      why: 'Art. 73 covers serious incidents (Art. 3(49)); this incident is not marked serious, so no reporting deadline applies',
      rules,
      firstNotification,
      onTime: null,
      notes,
    }
  const deadlineMs = Date.parse(incident.awareAt) + rule.days * DAY_MS
  return {
    applies: true,
    days: rule.days,
    deadline: isoUtc(deadlineMs),
    citation: rule.citation,
    why: rule.why,
    rules,
    firstNotification,
    onTime: first === undefined ? null : Date.parse(first.at) <= deadlineMs,
    notes,
  }
}
