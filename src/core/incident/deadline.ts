/**
 * When a serious incident must be reported to the market surveillance authority, under EU AI Act
 * Art. 73 (shared/reference/regulations.md §1.16). Every rule cites its paragraph; the shortest
 * applicable time limit wins. The limits run from awareness (`awareAt`), in whole days of 24
 * hours: the Act counts them in days and says nothing of working days or time zones here, so a
 * deadline at the same clock time N days later is the strictest reading.
 *
 * Each paragraph also says "immediately": the days are the outer limit, not a grace period.
 *
 * Art. 73(1) binds providers of high-risk AI systems, so the deadline is read against the EU
 * classification of the passport the report is bound to (./classification.ts): `basis`
 * `high-risk` gives the deadline; `not-high-risk` (transparency, minimal, out-of-scope) gives
 * none, `applies: false`, with the high-risk deadline under `reference` for reference only;
 * `unknown` (no passport, the classification not disclosed, or `prohibited`, which may also be
 * high-risk) gives the deadline as for a high-risk system, with a note saying why it is unknown.
 *
 * Pure: no clock. Whether an unreported incident is overdue is for the caller to compare with
 * its own clock.
 */
import { unknownClassification, type IncidentClassification } from './classification.js'
import type { Incident } from './schema.js'

export interface DeadlineRule {
  days: number
  citation: string
  why: string
}

export type DeadlineBasis = 'high-risk' | 'not-high-risk' | 'unknown'

/**
 * For a system the passport says is not high-risk: what Art. 73(2)-(4) would set were it
 * high-risk. For reference only, never a duty: nothing is judged against it.
 */
export interface ReferenceDeadline {
  days: number
  deadline: string
  citation: string
  why: string
  rules: DeadlineRule[]
  /** Whether the first notification was at or before it; null without a notification. */
  onTime: boolean | null
}

export interface ReportingDeadline {
  /**
   * False when Art. 73 does not apply: the incident is not serious, or the passport says the
   * system is not high-risk (Art. 73(1)).
   */
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
  /**
   * What Art. 73(1) is read against: the system is high-risk, not high-risk, or its category is
   * unknown (no passport, not disclosed), as the passport's EU classification says.
   */
  basis: DeadlineBasis
  /** Why that basis, in words: the passport's category (and as of when), or why it is unknown. */
  basisWhy: string
  /** Only when `basis` is `not-high-risk` and the incident is serious; null otherwise. */
  reference: ReferenceDeadline | null
}

const DAY_MS = 24 * 3600 * 1000

/** Who Art. 73(1) binds (regulations.md §1.16). */
const ART_73_1 = 'Art. 73(1) binds providers of high-risk AI systems placed on the Union market'

/** The disputed application date of Art. 73 (regulations.md §1.16), for a high-risk or unknown system. */
export const DISPUTED_DATE_NOTE =
  'When Art. 73 starts to apply is disputed: it is read to apply with Chapter III (2 Aug 2026, with the high-risk obligations now deferred to 2 Dec 2027 / 2 Aug 2028), but Art. 73 sits in Chapter IX, not Chapter III, and amended Art. 113 point (c) does not name it; whether it applies before the Chapter III Section 1 classification rules apply is a reading, not text.'

/** Art. 73(9)/(10) (regulations.md §1.16), for a high-risk or unknown system. */
export const LIMITED_REGIMES_NOTE =
  'Limited regimes: providers of Annex III systems already under equivalent Union reporting obligations report only Art. 3(49)(c) incidents (Art. 73(9)); for medical devices and in vitro diagnostic devices (MDR/IVDR) only Art. 3(49)(c) incidents are reported under Art. 73, to the authority the member state designates (Art. 73(10)).'

/** Why the category is unknown, and what the deadline then means. */
function unknownNote(because: string): string {
  return `The system's EU classification is not known here: ${because}. ${ART_73_1}: the deadline is given as for a high-risk system; for a system that is not high-risk it is for reference only.`
}

const REFERENCE_NOTE = `${ART_73_1}, and the passport says this system is not one: Art. 73 sets it no deadline. The deadline Art. 73(2)-(4) would set for a high-risk system (\`reference\` in JSON) is given for reference only: it is no duty, and no notification is judged late against it. The classification is the passport's; Accord does not classify the system again here.`

/** Art. 55(1)(c) (regulations.md §1.14), when the passport says GPAI with systemic risk. */
function systemicRiskNote(legacyGpai: string | undefined): string {
  return `The passport says the provider places a general-purpose AI model with systemic risk on the market: Art. 55(1)(c) has the model's provider track, document and report serious incidents and possible corrective measures to the AI Office (and national competent authorities as appropriate) without undue delay. That duty has no day count, so Accord computes no deadline for it; whether this incident is one of the model is the provider's to judge.${legacyGpai === undefined ? '' : ` The passport also says: ${legacyGpai}`}`
}

/** Art. 111(2) (regulations.md §1.1), when the high-risk obligations did not yet apply at awareness. */
function legacyNote(sentence: string): string {
  return `The passport says this is a legacy high-risk system: ${sentence} Whether that deferral reaches Art. 73 is a reading, not text: Art. 73 sits in Chapter IX, not Chapter III, and when it starts to apply is disputed; Accord gives the deadline as for any high-risk system.`
}

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

/** What Art. 73(1) is read against, and why, from the classification as far as it is known. */
function basisOf(c: IncidentClassification): { basis: DeadlineBasis; basisWhy: string } {
  const asOf = c.asOf === undefined ? '' : ` (as of ${c.asOf})`
  switch (c.category) {
    case 'high-risk':
      return {
        basis: 'high-risk',
        basisWhy: `the passport classifies the system as high-risk${asOf}: ${ART_73_1}`,
      }
    case 'unknown':
      return { basis: 'unknown', basisWhy: c.unknownBecause ?? 'the classification is not known' }
    // Accord's category is the first of prohibited, high-risk, transparency, minimal: a
    // prohibited system may be high-risk as well, and the passport does not say.
    case 'prohibited':
      return {
        basis: 'unknown',
        basisWhy: `the passport classifies the system as prohibited (Art. 5)${asOf}, a category that takes precedence over high-risk, so it does not say whether the system is also high-risk`,
      }
    default:
      return {
        basis: 'not-high-risk',
        basisWhy: `the passport classifies the system as ${c.category}${asOf}, not high-risk: ${ART_73_1}, so Art. 73 does not bind it`,
      }
  }
}

/** The notes of a result on `basis`, in order: Art. 26(5) first, then Art. 73, Art. 111, Art. 55. */
function notesOf(
  incident: Pick<Incident, 'reporter' | 'awareAt'>,
  c: IncidentClassification,
  basis: DeadlineBasis,
  basisWhy: string,
): string[] {
  const notes: string[] = []
  const bound = basis !== 'not-high-risk'
  if (bound && incident.reporter.role === 'deployer') notes.push(DEPLOYER_NOTE)
  if (basis === 'unknown') notes.push(unknownNote(basisWhy))
  if (bound) notes.push(DISPUTED_DATE_NOTE, LIMITED_REGIMES_NOTE)
  else notes.push(REFERENCE_NOTE)
  // Art. 111(2): only when the high-risk obligations did not yet apply on the day of awareness.
  const legacy = c.legacyHighRisk
  if (
    basis === 'high-risk' &&
    legacy !== undefined &&
    (legacy.status.appliesFrom === null ||
      incident.awareAt.slice(0, 10) < legacy.status.appliesFrom)
  )
    notes.push(legacyNote(legacy.sentence))
  if (c.gpai === 'gpai-systemic-risk') notes.push(systemicRiskNote(c.legacyGpai?.sentence))
  return notes
}

/**
 * The Art. 73 reporting deadline of `incident` and whether the first notification met it, read
 * against the EU classification of the system (`classification`, from the passport the report is
 * bound to; without it the category is unknown and the deadline is given as for a high-risk
 * system, with a note).
 */
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
  classification: IncidentClassification = unknownClassification('no passport was given'),
): ReportingDeadline {
  const notifications = [...(incident.authoritiesNotified ?? [])].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  )
  const first = notifications[0]
  const firstNotification =
    first === undefined
      ? null
      : { authority: first.authority, memberState: first.memberState, at: first.at }
  const { basis, basisWhy } = basisOf(classification)
  const notes = notesOf(incident, classification, basis, basisWhy)
  const onBasis = { notes, basis, basisWhy }

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
      ...onBasis,
      reference: null,
    }
  const deadlineMs = Date.parse(incident.awareAt) + rule.days * DAY_MS
  const deadline = isoUtc(deadlineMs)
  const onTime = first === undefined ? null : Date.parse(first.at) <= deadlineMs
  if (basis === 'not-high-risk')
    return {
      applies: false,
      days: null,
      deadline: null,
      citation: 'Art. 73(1)',
      why: `${basisWhy}; no reporting deadline applies (the one a high-risk system would have is under \`reference\`, for reference only)`,
      rules: [],
      firstNotification,
      onTime: null,
      ...onBasis,
      reference: {
        days: rule.days,
        deadline,
        citation: rule.citation,
        why: rule.why,
        rules,
        onTime,
      },
    }
  return {
    applies: true,
    days: rule.days,
    deadline,
    citation: rule.citation,
    why: rule.why,
    rules,
    firstNotification,
    onTime,
    ...onBasis,
    reference: null,
  }
}
