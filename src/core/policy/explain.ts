/**
 * An acceptance policy in plain words (`accord policy explain`): one entry per rule, in the order
 * a verifier evaluates them (signature and trust first, then ./evaluate.ts's order), with catalog
 * citations and titles for obligation ids. Pure and deterministic: the same policy, keys, catalogs
 * and as-of date give the same entries.
 *
 * `rule` is the check name `accord verify` prints for the rule (`policy:obligation:eu-ai-act:art-14`),
 * or `trust:issuer:<n>`, `trust:assessor:<n>`, `recognition:<n>` for rules that give no check of
 * their own.
 */
import type { CatalogSet } from '../catalog/types.js'
import { frameworkName, globToRegExp, list } from './evaluate.js'
import type { Policy } from './schema.js'

export interface ExplainEntry {
  rule: string
  text: string
  [field: string]: unknown
}

export interface ExplainInput {
  /** For citations and titles of obligation ids; without it ids are given alone. */
  catalogs?: CatalogSet
  /** Key ids of each trusted party, by its position in `trust.issuers` / `trust.assessors`. */
  keys?: { issuers: readonly (readonly string[])[]; assessors: readonly (readonly string[])[] }
  /** YYYY-MM-DD: adds the dates that follow from day counts (oldest accepted issue date). */
  asOf?: string
}

const ASSESSMENT_WORDS: Record<string, string> = {
  self: 'the vendor itself',
  'third-party': 'a third party',
  'notified-body': 'a notified body',
}
const KIND_WORDS: Record<string, string> = {
  'notified-body': 'notified body',
  'third-party': 'third party',
  'national-authority': 'national authority',
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

/** Days added to a YYYY-MM-DD date, as YYYY-MM-DD (UTC calendar arithmetic). */
function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** A key id as people compare it: its first 12 characters. */
const shortKid = (kid: string) => (kid.length > 12 ? `${kid.slice(0, 12)}…` : kid)

/**
 * The key ids of each trusted party, by its position in `trust.issuers` / `trust.assessors`
 * (`party`, from 0): the `keys` of ExplainInput, from the keys a policy loader read.
 */
export function partyKids(
  policy: Policy,
  issuerKeys: readonly { party: number; kid: string }[],
  assessorKeys: readonly { party: number; kid: string }[],
): { issuers: string[][]; assessors: string[][] } {
  const kidsOf = (keys: readonly { party: number; kid: string }[], n: number) =>
    Array.from({ length: n }, (_, i) => keys.filter((k) => k.party === i).map((k) => k.kid))
  return {
    issuers: kidsOf(issuerKeys, policy.trust.issuers.length),
    assessors: kidsOf(assessorKeys, policy.trust.assessors.length),
  }
}

export function explainPolicy(policy: Policy, input: ExplainInput = {}): ExplainEntry[] {
  const out: ExplainEntry[] = []
  const add = (rule: string, text: string, fields: Record<string, unknown> = {}) =>
    out.push({ rule, text, ...fields })
  const req = policy.requirements

  /** `eu-ai-act:art-14` -> `eu-ai-act:art-14 (Art. 14, Human oversight)`, with the fields. */
  const obligation = (ref: string) => {
    const colon = ref.indexOf(':')
    const node = input.catalogs?.catalogs
      .get(ref.slice(0, colon))
      ?.nodes.find((n) => n.id === ref.slice(colon + 1))
    return node === undefined
      ? { words: ref, fields: {} }
      : {
          words: `${ref} (${node.ref_id}, ${node.name})`,
          fields: { citation: node.ref_id, title: node.name },
        }
  }
  /** How many catalog obligations a `<framework>:<glob>` matches, when the catalogs are known. */
  const matches = (framework: string, glob: string): number | undefined => {
    const nodes = input.catalogs?.catalogs.get(framework)?.nodes
    if (nodes === undefined) return undefined
    const re = globToRegExp(glob)
    return nodes.filter((n) => n.assessable && re.test(n.id)).length
  }
  const keyWords = (kids: readonly string[] | undefined) =>
    kids === undefined || kids.length === 0
      ? ''
      : ` (key${kids.length === 1 ? '' : 's'} ${kids.map(shortKid).join(', ')})`

  policy.trust.issuers.forEach((p, i) => {
    const kids = input.keys?.issuers[i]
    add(`trust:issuer:${i + 1}`, `Accepts passports signed by: ${p.name}${keyWords(kids)}`, {
      name: p.name,
      keys: p.jwks ?? 'inline',
      ...(kids ? { kids: [...kids] } : {}),
    })
  })
  policy.trust.assessors.forEach((p, i) => {
    const kids = input.keys?.assessors[i]
    add(
      `trust:assessor:${i + 1}`,
      `Recognises endorsements signed by: ${p.name}, a ${KIND_WORDS[p.kind] ?? p.kind}${keyWords(kids)}`,
      {
        name: p.name,
        kind: p.kind,
        keys: p.jwks ?? 'inline',
        ...(kids ? { kids: [...kids] } : {}),
      },
    )
  })

  for (const j of req.jurisdictions)
    add(
      `policy:jurisdiction:${j}`,
      `The passport must disclose its classification under ${frameworkName(j)}`,
      { jurisdiction: j },
    )
  for (const f of req.frameworks)
    add(
      `policy:framework:${f}`,
      `The passport must disclose its obligation status under ${frameworkName(f)}`,
      { framework: f },
    )
  if (req.anyFramework.length > 0)
    add(
      'policy:framework:any',
      `The passport must disclose its obligation status under at least one of ${list(req.anyFramework.map(frameworkName))}`,
      { frameworks: [...req.anyFramework] },
    )

  const eu = req.categories?.['eu-ai-act']
  add(
    'policy:category:eu-ai-act',
    eu === undefined
      ? 'A system classified under the EU AI Act as a prohibited practice (Art. 5) is always rejected'
      : `The system must be classified under the EU AI Act as: ${list(eu)}; an undisclosed classification leaves the verdict indeterminate, and a prohibited practice (Art. 5) is always rejected`,
    { jurisdiction: 'eu-ai-act', accepted: eu === undefined ? null : [...eu] },
  )

  const rulesFor = (ref: string) =>
    policy.recognition.flatMap((r, i) => (r.as === ref ? [i + 1] : []))
  for (const ref of req.obligationsMet) {
    const o = obligation(ref)
    const via = rulesFor(ref)
    add(
      `policy:obligation:${ref}`,
      `Obligation ${o.words} must be met${via.length > 0 ? `, in the passport or through mutual recognition rule ${list(via.map(String))}` : ''}`,
      { obligation: ref, ...o.fields, recognitionRules: via },
    )
  }

  const required = new Set(req.obligationsMet)
  policy.recognition.forEach((r, i) => {
    const colon = r.accept.indexOf(':')
    const framework = r.accept.slice(0, colon)
    const glob = r.accept.slice(colon + 1)
    const wildcard = glob.includes('*')
    const n = wildcard ? matches(framework, glob) : undefined
    const source = wildcard
      ? `${r.accept}${n === undefined ? '' : ` (${n} obligation${n === 1 ? '' : 's'} of ${frameworkName(framework)})`}`
      : obligation(r.accept).words
    const when =
      r.when === undefined
        ? ''
        : `, when assessed by ${list(r.when.assessedBy.map((a) => ASSESSMENT_WORDS[a] ?? a))}`
    const unused = required.has(r.as)
      ? ''
      : ` Never used: ${r.as} is not among the obligations this policy requires.`
    add(
      `recognition:${i + 1}`,
      `Evidence for ${source} is accepted as ${obligation(r.as).words} under mutual recognition rule ${i + 1}${when}. Rationale: ${r.rationale}${unused}`,
      {
        accept: r.accept,
        as: r.as,
        assessedBy: r.when?.assessedBy ?? null,
        rationale: r.rationale,
        used: required.has(r.as),
      },
    )
  })

  for (const [key, min] of Object.entries(req.minReadiness ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const colon = key.indexOf(':')
    const framework = colon < 0 ? key : key.slice(0, colon)
    const n = colon < 0 ? undefined : matches(framework, key.slice(colon + 1))
    const over =
      colon < 0
        ? frameworkName(key)
        : `${key} (${n === undefined ? 'the matching' : `the ${n} matching`} obligations of ${frameworkName(framework)})`
    add(
      `policy:readiness:${key}`,
      `Readiness under ${over} must be at least ${percent(min)}, counting the passport's own statuses (met, half for partial)`,
      { key, min },
    )
  }

  if (req.assessor !== undefined)
    add(
      'policy:assessor',
      `The passport must have been assessed by ${list(req.assessor.map((a) => ASSESSMENT_WORDS[a] ?? a))}`,
      { accepted: [...req.assessor] },
    )

  if (req.endorsements !== undefined) {
    const e = req.endorsements
    const from = e.from
    const names = policy.trust.assessors
      .filter((a) => from === undefined || from.includes(a.kind))
      .map((a) => a.name)
    add(
      'policy:endorsements',
      `At least ${e.min === 1 ? 'one valid endorsement by a trusted assessor' : `${e.min} valid endorsements by different trusted assessors`}${from === undefined ? '' : ` of kind ${list(from.map((k) => KIND_WORDS[k] ?? k))}`} (${names.join(', ')}) must be presented`,
      { min: e.min, from: from ?? null, assessors: names },
    )
  }

  if (req.maxAgeDays !== undefined) {
    const since = input.asOf === undefined ? undefined : addDays(input.asOf, -req.maxAgeDays)
    add(
      'policy:max-age',
      `The passport must have been issued at most ${req.maxAgeDays} days before verification${since === undefined ? '' : ` (verified on ${input.asOf ?? ''}: issued on ${since} or later)`}`,
      { maxAgeDays: req.maxAgeDays, ...(since ? { issuedOnOrAfter: since } : {}) },
    )
  }

  if (req.status === 'required')
    add(
      'policy:status',
      "The passport's revocation status must be checked (give a status list); if it cannot be, the verdict is indeterminate",
      { status: 'required' },
    )

  if (req.incidents !== undefined) {
    const inc = req.incidents
    add(
      'policy:incidents',
      inc.check === 'required'
        ? 'Serious-incident reports (EU AI Act Art. 73) must be looked at (accord verify --incident or --incidents); if none are, the verdict is indeterminate'
        : 'Serious-incident reports (EU AI Act Art. 73) are checked when given; without them this is skipped',
      { check: inc.check },
    )
    add(
      'policy:incidents:open-serious',
      `At most ${inc.maxOpenSerious} open serious incident${inc.maxOpenSerious === 1 ? '' : 's'} (Art. 3(49)) among the counted reports (the issuer's own, or signed by a key this policy trusts)`,
      { maxOpenSerious: inc.maxOpenSerious },
    )
    if (inc.lateNotification !== 'ignore')
      add(
        'policy:incidents:notification',
        `A counted serious incident notified to the market surveillance authority after its Art. 73 deadline ${inc.lateNotification === 'refuse' ? 'rejects the passport' : 'gives a warning (the verdict is unchanged)'}`,
        { lateNotification: inc.lateNotification },
      )
  }

  const a = policy.assurance
  if (a !== undefined) {
    if (a.minUpdateNoticeDays !== undefined)
      add(
        'policy:assurance:update-notice',
        `The vendor must give at least ${a.minUpdateNoticeDays} days' notice before an update changes behaviour`,
        { minUpdateNoticeDays: a.minUpdateNoticeDays },
      )
    if (a.remoteDisable !== undefined) {
      const allowed = a.remoteDisable.allowedControllers
      const others = allowed.filter((c) => c !== 'none')
      add(
        'policy:assurance:remote-disable',
        others.length === 0
          ? 'The system must not be able to be disabled remotely'
          : `A remote disable may only be controlled by ${list(others.map((c) => (c === 'joint' ? 'vendor and deployer jointly' : `the ${c}`)))}${allowed.includes('none') ? ', or there must be none' : ''}`,
        { allowedControllers: [...allowed] },
      )
    }
    if (a.dataResidency !== undefined)
      add(
        'policy:assurance:data-residency',
        `Data may only be stored and processed within ${list(a.dataResidency.within)}`,
        { within: [...a.dataResidency.within] },
      )
    if (a.auditRights === 'required')
      add('policy:assurance:audit-rights', 'The vendor must grant audit rights', {
        auditRights: 'required',
      })
    if (a.maxIncidentNotificationHours !== undefined)
      add(
        'policy:assurance:incident-notification',
        `The vendor must notify incidents to the buyer within ${a.maxIncidentNotificationHours} hours of becoming aware of them`,
        { maxIncidentNotificationHours: a.maxIncidentNotificationHours },
      )
    if (a.minSupportUntil !== undefined) {
      const left = input.asOf === undefined ? undefined : daysBetween(input.asOf, a.minSupportUntil)
      add(
        'policy:assurance:support',
        `Security and maintenance support must last until at least ${a.minSupportUntil}${left === undefined ? '' : ` (${left} days after ${input.asOf ?? ''})`}`,
        {
          minSupportUntil: a.minSupportUntil,
          ...(left !== undefined ? { daysAfterAsOf: left } : {}),
        },
      )
    }
  }
  return out
}
