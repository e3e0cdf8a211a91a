/**
 * The `incident` of a serious-incident report (EU AI Act Art. 73), as a zod schema, and the
 * cross-field checks the schema cannot express (`checkIncident`).
 *
 * Law (shared/reference/regulations.md §1.3, §1.9, §1.16):
 * - Art. 3(49): a serious incident is an incident or malfunction that leads, directly or
 *   indirectly, to (a) death or serious harm to health, (b) serious and irreversible disruption
 *   of critical infrastructure, (c) infringement of Union-law obligations protecting fundamental
 *   rights, or (d) serious harm to property or the environment: `harms`.
 * - Art. 3(61): widespread infringement: `widespreadInfringement`.
 * - Art. 73(5): an incomplete initial report may be followed by a complete one: `report`,
 *   `sequence`.
 * - Art. 26(5): deployers inform the provider first: `reporter.role`.
 *
 * Every object is strict, so a misspelt key in an incident file gets a "did you mean" hint
 * (src/core/manifest/parse.ts `parseYamlWithSchema`). Pure: no I/O, no clock.
 */
import { z } from 'zod'
import { isCalendarDate } from '../dates.js'
import type { Issue } from '../errors.js'
import { EU_MEMBER_STATES, countryHint } from '../iso-3166.js'
import { bidiIssues } from '../bidi.js'
import { URN_UUID } from '../passport/bound-token.js'

export const REPORT_KINDS = ['initial', 'follow-up', 'final'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

/** Who reports: the operators of Art. 3(3)-(7), a market surveillance authority, or other. */
export const REPORTER_ROLES = [
  'provider',
  'deployer',
  'importer',
  'distributor',
  'authorised-representative',
  'market-surveillance-authority',
  'other',
] as const
export type ReporterRole = (typeof REPORTER_ROLES)[number]

/** The outcomes of Art. 3(49): (a) death / health, (b) critical infrastructure, (c), (d). */
export const HARMS = [
  'death',
  'health',
  'critical-infrastructure',
  'fundamental-rights',
  'property',
  'environment',
] as const
export type Harm = (typeof HARMS)[number]

/** Which point of Art. 3(49) each harm falls under. */
export const HARM_POINT: Readonly<Record<Harm, string>> = {
  death: 'Art. 3(49)(a)',
  health: 'Art. 3(49)(a)',
  'critical-infrastructure': 'Art. 3(49)(b)',
  'fundamental-rights': 'Art. 3(49)(c)',
  property: 'Art. 3(49)(d)',
  environment: 'Art. 3(49)(d)',
}

/** How sure the reporter is that the AI system caused the incident (Art. 73(2), 73(4)). */
export const CAUSAL_LINKS = [
  'established',
  'reasonably-likely',
  'suspected',
  'not-established',
] as const
export type CausalLink = (typeof CAUSAL_LINKS)[number]

export const INCIDENT_STATUSES = ['open', 'closed'] as const

/** Longest `summary` and corrective action, in characters. */
export const MAX_SUMMARY_CHARS = 8000
export const MAX_ACTION_CHARS = 2000

const text = z.string().trim().min(1)

export { URN_UUID }
const urnUuid = z
  .string()
  .regex(URN_UUID, { message: 'expected a urn:uuid: identifier such as urn:uuid:3f0c...' })

const DATE_TIME = z.iso.datetime({ offset: true })

/** True for an RFC 3339 date-time with a time zone (`Z` or an offset), a real calendar date. */
export function isDateTime(value: string): boolean {
  return DATE_TIME.safeParse(value).success && isCalendarDate(value.slice(0, 10))
}

const dateTime = z.string().refine(isDateTime, {
  message:
    'expected an RFC 3339 date-time with a time zone, e.g. 2027-03-04T09:30:00Z or 2027-03-04T10:30:00+01:00',
})

/** A date or a date-time (shared with evaluation results: ../evaluation/schema.ts). */
export const dateOrDateTime = z.string().refine((v) => isCalendarDate(v) || isDateTime(v), {
  message:
    'expected a date (YYYY-MM-DD) or an RFC 3339 date-time with a time zone, e.g. 2027-03-04 or 2027-03-04T09:30:00Z',
})

const memberState = z.string().superRefine((code, ctx) => {
  if ((EU_MEMBER_STATES as readonly string[]).includes(code)) return
  ctx.addIssue({
    code: 'custom',
    message: `"${code}" is not an EU member state's ISO 3166-1 alpha-2 code (the member states are ${EU_MEMBER_STATES.join(', ')}); ${countryHint(code)}`,
  })
})

export const Reporter = z.strictObject({
  /** A URL, DID or `urn:ietf:params:oauth:jwk-thumbprint:...`; also the report's `iss`. */
  id: text,
  name: text,
  role: z.enum(REPORTER_ROLES),
})
export type Reporter = z.infer<typeof Reporter>

export const AuthorityNotification = z.strictObject({
  /** Name of the authority, e.g. a market surveillance authority. */
  authority: text,
  memberState,
  at: dateTime,
})

const incidentFields = {
  /** Stable across all reports of one incident. */
  id: urnUuid,
  report: z.enum(REPORT_KINDS),
  sequence: z.int().min(1),
  reporter: Reporter,
  occurredAt: dateOrDateTime,
  awareAt: dateTime,
  memberStates: z.array(memberState).min(1),
  serious: z.boolean(),
  harms: z.array(z.enum(HARMS)),
  widespreadInfringement: z.boolean(),
  causalLink: z.enum(CAUSAL_LINKS),
  summary: text.max(MAX_SUMMARY_CHARS),
  correctiveActions: z.array(text.max(MAX_ACTION_CHARS)).max(100).optional(),
  status: z.enum(INCIDENT_STATUSES),
  authoritiesNotified: z.array(AuthorityNotification).max(100).optional(),
}

/** The `incident` inside a signed report: every field the report states. */
export const Incident = z.strictObject(incidentFields)
export type Incident = z.infer<typeof Incident>

/**
 * An incident file as a person writes it for `accord incident report`: the incident without what
 * the CLI fills in (`id` and `sequence`: new, or from `--follows`; `report`: `initial`, or
 * `follow-up` with `--follows`; `reporter.id`: the key's JWK thumbprint URI).
 */
export const IncidentFile = z.strictObject({
  ...incidentFields,
  id: urnUuid.optional(),
  report: z.enum(REPORT_KINDS).optional(),
  sequence: z.int().min(1).optional(),
  reporter: Reporter.extend({ id: text.optional() }),
})
export type IncidentFile = z.infer<typeof IncidentFile>

/** Milliseconds since the epoch of a date-time, or of the start (UTC) of a date. */
export function instant(value: string): number {
  return Date.parse(isCalendarDate(value) ? `${value}T00:00:00Z` : value)
}

export interface CheckIncidentOptions {
  /**
   * When the report is (or was) signed, in milliseconds since the epoch: no time in the incident
   * may be later (a report cannot state what had not happened when it was signed).
   */
  reportedAtMs?: number
}

/**
 * Contradictions within a schema-valid incident, each an `Issue` with its path (no position: the
 * caller places it). Accepts the file form too, where `report` and `sequence` may be absent.
 */
export function checkIncident(
  incident: Partial<Incident> & Pick<Incident, 'harms'>,
  options: CheckIncidentOptions = {},
): Issue[] {
  const issues: Issue[] = []
  const add = (path: (string | number)[], message: string, hint: string, code = 'contradiction') =>
    issues.push({ code, path, message, hint })

  if (incident.serious === true && incident.harms.length === 0)
    add(
      ['harms'],
      'the incident is marked serious but names no harm; a serious incident (Art. 3(49)) leads to at least one of death or serious harm to health, critical infrastructure disruption, infringement of fundamental rights, or serious harm to property or the environment',
      `list the harms (${HARMS.join(', ')}), or set serious: false`,
    )
  if (incident.serious === false && incident.harms.length > 0)
    add(
      ['serious'],
      `harms are given (${incident.harms.join(', ')}) but serious is false; each of them makes it a serious incident under Art. 3(49)`,
      'set serious: true, or remove the harms if none reached the Art. 3(49) threshold',
    )
  const seenHarms = new Set<string>()
  incident.harms.forEach((h, i) => {
    if (seenHarms.has(h))
      add(['harms', i], `harm "${h}" is listed twice`, 'list each harm once', 'duplicate')
    seenHarms.add(h)
  })
  const seenStates = new Set<string>()
  ;(incident.memberStates ?? []).forEach((m, i) => {
    if (seenStates.has(m))
      add(
        ['memberStates', i],
        `member state ${m} is listed twice`,
        'list each state once',
        'duplicate',
      )
    seenStates.add(m)
  })

  if (incident.report === 'final' && incident.status === 'open')
    add(
      ['status'],
      'a final report closes the incident, but status is open',
      'set status: closed, or make this a follow-up report while the investigation goes on',
    )
  if (incident.sequence !== undefined && incident.report !== undefined) {
    if (incident.sequence === 1 && incident.report !== 'initial')
      add(
        ['report'],
        `report ${incident.sequence} of an incident is its initial report, not a ${incident.report} report`,
        'set report: initial, or give the sequence of this follow-up (2 or more)',
      )
    if (incident.sequence > 1 && incident.report === 'initial')
      add(
        ['report'],
        `an initial report has sequence 1, not ${incident.sequence}`,
        'set report: follow-up (or final), or sequence: 1',
      )
  }

  const occurred = incident.occurredAt !== undefined ? instant(incident.occurredAt) : NaN
  const aware = incident.awareAt !== undefined ? Date.parse(incident.awareAt) : NaN
  // A date without a time: awareness on the same calendar day (in the awareAt's own offset) is
  // not before it, whatever the hour.
  const awareBefore =
    incident.occurredAt !== undefined && incident.awareAt !== undefined
      ? isCalendarDate(incident.occurredAt)
        ? incident.awareAt.slice(0, 10) < incident.occurredAt
        : aware < occurred
      : false
  if (awareBefore)
    add(
      ['awareAt'],
      `awareAt (${incident.awareAt}) is before occurredAt (${incident.occurredAt}): the reporter cannot become aware of an incident before it occurred`,
      'correct one of the two times; the Art. 73 deadlines run from awareAt',
    )
  ;(incident.authoritiesNotified ?? []).forEach((n, i) => {
    if (!Number.isNaN(aware) && Date.parse(n.at) < aware)
      add(
        ['authoritiesNotified', i, 'at'],
        `${n.authority} is recorded as notified at ${n.at}, before the reporter became aware of the incident (${incident.awareAt})`,
        'correct the notification time or awareAt',
      )
  })
  const reportedAt = options.reportedAtMs
  if (reportedAt !== undefined) {
    const late = (path: (string | number)[], value: string | undefined, ms: number) => {
      if (value !== undefined && ms > reportedAt)
        add(
          path,
          `${path.join('.')} (${value}) is after the report is signed (${new Date(reportedAt).toISOString()}): a report states what has happened`,
          'correct the time; a notification still to come goes into a follow-up report',
          'in_future',
        )
    }
    late(['occurredAt'], incident.occurredAt, occurred)
    late(['awareAt'], incident.awareAt, aware)
    ;(incident.authoritiesNotified ?? []).forEach((n, i) =>
      late(['authoritiesNotified', i, 'at'], n.at, Date.parse(n.at)),
    )
  }
  // Text partners read on the registry's pages: ../bidi.ts.
  issues.push(...bidiIssues(incident))
  return issues
}
