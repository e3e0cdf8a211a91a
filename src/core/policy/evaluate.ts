/**
 * Evaluates a verified passport's claims against an acceptance policy. Pure: the caller verifies
 * signatures, disclosures, endorsements, status and incident reports first, and passes what it
 * found.
 *
 * One `CheckResult` per rule, in a fixed order, with a message a procurement officer can act on.
 * Three outcomes matter:
 * - `fail`: the passport shows something the policy does not accept;
 * - `indeterminate` (`disclosure-missing`): the policy needs information the holder did not
 *   disclose; the vendor can present it and the check can pass;
 * - `pass`.
 * `skipped` marks a rule that does not apply (e.g. categories of a jurisdiction the policy does not
 * require and the passport does not disclose).
 */
import type {
  AssessorClaim,
  CheckResult,
  FrameworkStatus,
  PassportClaims,
  ReasonCode,
  Verdict,
} from '../passport/types.js'
import { notifiedLate, openSerious, type BuyerIncident } from '../incident/buyer.js'
import { regionWithin } from './regions.js'
import type { AssessmentType, Policy, RecognitionRule } from './schema.js'

export interface PolicyEndorsement {
  /** Name of the trusted assessor that signed it (from the policy's trust section). */
  issuerName?: string
  /** Its kind (`notified-body`, `third-party`, `national-authority`). */
  kind?: string
  /**
   * Which trusted assessor signed it (its entry in the policy, whatever key of it signed): several
   * endorsements by one assessor count once.
   */
  assessorId?: string
  /** True when its signature, trust and binding to this passport verified. */
  valid: boolean
  /** What it vouches for (e.g. obligation references). */
  checked: string[]
}

export interface EvaluatePolicyInput {
  /** The passport's claims after disclosure: undisclosed entries are absent. */
  claims: PassportClaims
  /**
   * Which selectively disclosable entries the holder disclosed. Informational: the rules read
   * what is present in `claims`, which after disclosure processing holds exactly these entries.
   */
  disclosed: { jurisdictions: string[]; frameworks: string[] }
  endorsements: PolicyEndorsement[]
  nowSeconds: number
  /** True when the passport's revocation status was checked (and found valid). */
  statusChecked: boolean
  /**
   * The serious-incident reports looked at, one entry per incident (incidentsForBuyer in
   * ../incident/buyer.ts); undefined when none were looked at (no source was given). An empty
   * list means a source was looked at and held no reports.
   */
  incidents?: readonly BuyerIncident[]
}

const NAMES: Record<string, string> = {
  'eu-ai-act': 'the EU AI Act',
  'nist-ai-rmf': 'the NIST AI RMF',
}
/** The frameworks Accord names in words (a passport's obligations are keyed by these). */
export const KNOWN_FRAMEWORKS: readonly string[] = Object.keys(NAMES)
/** `the EU AI Act` for `eu-ai-act`, for messages (also ./explain.ts). */
export const frameworkName = (f: string) => NAMES[f] ?? f

const ASSESSMENT_RANK: Record<AssessmentType, number> = {
  self: 0,
  'third-party': 1,
  'notified-body': 2,
}

const SECONDS_PER_DAY = 86_400

/** Evaluates every rule of `policy` against the passport; one result per rule. */
export function evaluatePolicy(policy: Policy, input: EvaluatePolicyInput): CheckResult[] {
  const ctx = new Context(policy, input)
  return [
    ...checkJurisdictions(ctx),
    ...checkFrameworks(ctx),
    ...checkCategories(ctx),
    ...checkObligations(ctx),
    ...checkReadiness(ctx),
    ...checkAssessor(ctx),
    ...checkEndorsements(ctx),
    ...checkMaxAge(ctx),
    ...checkStatus(ctx),
    ...checkIncidents(ctx),
    ...checkAssurance(ctx),
  ]
}

/** any fail -> rejected; else any indeterminate -> indeterminate; else accepted. */
export function verdictFrom(checks: readonly CheckResult[]): Verdict {
  if (checks.some((c) => c.outcome === 'fail')) return 'rejected'
  if (checks.some((c) => c.outcome === 'indeterminate')) return 'indeterminate'
  return 'accepted'
}

class Context {
  constructor(
    readonly policy: Policy,
    readonly input: EvaluatePolicyInput,
  ) {}

  get subject() {
    return this.input.claims.credentialSubject
  }

  classification(jurisdiction: string) {
    const all = this.subject.classification as
      PassportClaims['credentialSubject']['classification'] | undefined
    return all !== undefined && Object.hasOwn(all, jurisdiction) ? all[jurisdiction] : undefined
  }

  framework(framework: string): FrameworkStatus | undefined {
    const all = this.subject.obligations as
      PassportClaims['credentialSubject']['obligations'] | undefined
    return all !== undefined && Object.hasOwn(all, framework) ? all[framework] : undefined
  }

  private readonly itemCache = new Map<string, Map<string, string>>()

  /** Obligation status by bare id under `framework`, built once per evaluation (rules reuse it). */
  items(framework: string, status: FrameworkStatus): Map<string, string> {
    let items = this.itemCache.get(framework)
    if (items === undefined) {
      items = itemsOf(status)
      this.itemCache.set(framework, items)
    }
    return items
  }
}

function result(
  check: string,
  outcome: CheckResult['outcome'],
  reason: ReasonCode,
  message: string,
): CheckResult {
  return { check, outcome, reason, message }
}

const pass = (check: string, message: string) => result(check, 'pass', 'ok', message)
const undisclosed = (check: string, message: string) =>
  result(check, 'indeterminate', 'disclosure-missing', message)

/** `a, b or c`, for messages (also ./explain.ts). */
export function list(items: readonly string[], word = 'or'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1] ?? ''}`
}

function checkJurisdictions(ctx: Context): CheckResult[] {
  return ctx.policy.requirements.jurisdictions.map((j) => {
    const check = `policy:jurisdiction:${j}`
    const c = ctx.classification(j)
    if (c === undefined) {
      return undisclosed(
        check,
        `the classification under ${frameworkName(j)} is not disclosed; this policy requires it (ask the vendor to present it)`,
      )
    }
    return pass(check, `the classification under ${frameworkName(j)} is disclosed: ${c.category}`)
  })
}

function checkFrameworks(ctx: Context): CheckResult[] {
  const req = ctx.policy.requirements
  const out = req.frameworks.map((f) => {
    const check = `policy:framework:${f}`
    return ctx.framework(f) === undefined
      ? undisclosed(
          check,
          `the obligation status under ${frameworkName(f)} is not disclosed; this policy requires it (ask the vendor to present it)`,
        )
      : pass(check, `the obligation status under ${frameworkName(f)} is disclosed`)
  })
  if (req.anyFramework.length > 0) {
    const check = 'policy:framework:any'
    const found = req.anyFramework.filter((f) => ctx.framework(f) !== undefined)
    out.push(
      found.length > 0
        ? pass(
            check,
            `the obligation status under ${list(found.map(frameworkName), 'and')} is disclosed`,
          )
        : undisclosed(
            check,
            `no obligation status under ${list(req.anyFramework.map(frameworkName))} is disclosed; this policy requires at least one`,
          ),
    )
  }
  return out
}

function checkCategories(ctx: Context): CheckResult[] {
  const req = ctx.policy.requirements
  const accepted: Record<string, readonly string[] | undefined> = { ...req.categories }
  const jurisdictions = new Set(Object.keys(accepted).filter((j) => accepted[j] !== undefined))
  // A prohibited system is never accepted, whether or not the policy lists categories.
  if (ctx.classification('eu-ai-act')?.category === 'prohibited') jurisdictions.add('eu-ai-act')
  return [...jurisdictions].sort().map((j) => {
    const check = `policy:category:${j}`
    const allowed = accepted[j]
    const c = ctx.classification(j)
    if (c === undefined) {
      // Listing accepted categories requires the classification: were an undisclosed one skipped,
      // a holder could pass the rule (even with a prohibited system) by not presenting it.
      return undisclosed(
        check,
        `the category under ${frameworkName(j)} is not disclosed; this policy accepts only ${list([...(allowed ?? [])])} (ask the vendor to present the classification)`,
      )
    }
    if (c.category === 'prohibited') {
      return result(
        check,
        'fail',
        'policy-category',
        `the system is classified as a prohibited practice under ${frameworkName(j)} (${c.citations.join(', ') || 'Art. 5'}); it cannot be accepted`,
      )
    }
    if (allowed === undefined || allowed.includes(c.category)) {
      return pass(
        check,
        `the category under ${frameworkName(j)} is ${c.category}, which this policy accepts`,
      )
    }
    return result(
      check,
      'fail',
      'policy-category',
      `the category under ${frameworkName(j)} is ${c.category}; this policy accepts only ${list([...allowed])}`,
    )
  })
}

function splitRef(ref: string): { framework: string; id: string } {
  const colon = ref.indexOf(':')
  return { framework: ref.slice(0, colon), id: ref.slice(colon + 1) }
}

/** Obligation status by bare id (`art-9`), from the passport's grouped lists. */
function itemsOf(status: FrameworkStatus): Map<string, string> {
  const out = new Map<string, string>()
  for (const [value, ids] of Object.entries(status.byStatus ?? {})) {
    if (!Array.isArray(ids)) continue
    for (const id of ids) if (typeof id === 'string') out.set(id, value)
  }
  return out
}

/** `*` matches any run of characters; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/** Assessment types that apply to an obligation: the passport's assessor and its evidence. */
function assessmentsOf(ctx: Context, ref: string): AssessmentType[] {
  const assessor = ctx.subject.assessor as AssessorClaim | undefined
  const found = new Set<AssessmentType>()
  if (assessor !== undefined) found.add(assessor.type)
  const { framework, id } = splitRef(ref)
  const items = ctx.subject.evidence?.items ?? []
  for (const item of items) {
    const supports = item.supports.some((s) => {
      const target = s.includes(':') ? s : `${framework}:${s}`
      const t = splitRef(target)
      return t.framework === framework && (t.id === id || id.startsWith(t.id + '.'))
    })
    if (supports) found.add(item.assessedBy)
  }
  return [...found].sort((a, b) => ASSESSMENT_RANK[b] - ASSESSMENT_RANK[a])
}

interface Recognised {
  source: string
  assessedBy: AssessmentType
  rule: number
}
/** A recognition rule for the obligation whose source framework was not disclosed. */
interface Hidden {
  accept: string
  framework: string
  rule: number
}
interface NotQualified {
  source: string
  assessments: AssessmentType[]
  rule: number
  required: AssessmentType[]
}

/** Finds a recognition rule that makes `ref` met, or the best near miss to explain a failure. */
function recognise(
  ctx: Context,
  ref: string,
): { ok: Recognised } | { near?: NotQualified; hidden?: Hidden } | undefined {
  let near: NotQualified | undefined
  let hidden: Hidden | undefined
  const rules: readonly RecognitionRule[] = ctx.policy.recognition
  for (const [index, rule] of rules.entries()) {
    if (rule.as !== ref) continue
    const { framework, id: pattern } = splitRef(rule.accept)
    const status = ctx.framework(framework)
    if (status === undefined) {
      // The rule could apply, but its source framework was not presented: nothing can be said.
      hidden ??= { accept: rule.accept, framework, rule: index + 1 }
      continue
    }
    const re = globToRegExp(pattern)
    const sources = [...ctx.items(framework, status)]
      .filter(([id, s]) => s === 'met' && re.test(id))
      .map(([id]) => id)
      .sort(compareIds)
    for (const id of sources) {
      const source = `${framework}:${id}`
      const assessments = assessmentsOf(ctx, source)
      const required = rule.when?.assessedBy
      const qualifying =
        required === undefined ? assessments[0] : assessments.find((a) => required.includes(a))
      if (qualifying !== undefined || (required === undefined && assessments.length === 0)) {
        return { ok: { source, assessedBy: qualifying ?? 'self', rule: index + 1 } }
      }
      if (near === undefined && required !== undefined) {
        near = { source, assessments, rule: index + 1, required }
      }
    }
  }
  if (near === undefined && hidden === undefined) return undefined
  return { ...(near ? { near } : {}), ...(hidden ? { hidden } : {}) }
}

/** Evidence items the holder did not disclose (the passport commits to `count` items). */
function undisclosedEvidence(ctx: Context): number {
  const evidence = ctx.subject.evidence
  if (evidence === undefined) return 0
  const shown = evidence.items?.length ?? 0
  return typeof evidence.count === 'number' && evidence.count > shown ? evidence.count - shown : 0
}

/** Natural order of ids, so `measure-2.3` comes before `measure-2.10`. */
function compareIds(a: string, b: string): number {
  return ID_ORDER.compare(a, b)
}

/** One collator for every comparison: `localeCompare` with options builds one per call (~20x slower). */
const ID_ORDER = new Intl.Collator('en', { numeric: true })

const STATUS_WORDS: Record<string, string> = {
  partial: 'only partially met',
  missing: 'not met',
  'not-applicable': 'marked not applicable',
}

function checkObligations(ctx: Context): CheckResult[] {
  return ctx.policy.requirements.obligationsMet.map((ref) => {
    const check = `policy:obligation:${ref}`
    const { framework, id } = splitRef(ref)
    const status = ctx.framework(framework)
    const own = status === undefined ? undefined : ctx.items(framework, status).get(id)
    if (own === 'met') return pass(check, `${ref} is met`)

    const rec = recognise(ctx, ref)
    if (rec !== undefined && 'ok' in rec) {
      const r = rec.ok
      return pass(
        check,
        `met through mutual recognition: ${r.source} (${r.assessedBy}) recognised as ${ref} under rule ${r.rule}`,
      )
    }
    const near = rec !== undefined && !('ok' in rec) ? rec.near : undefined
    const hidden = rec !== undefined && !('ok' in rec) ? rec.hidden : undefined
    // Evidence the holder withheld may hold the assessment a rule asks for.
    const withheld = near === undefined ? 0 : undisclosedEvidence(ctx)
    const nearMiss =
      near !== undefined
        ? `; ${near.source} is met but was assessed only by ${list(near.assessments.length > 0 ? near.assessments : ['nobody named'])}${withheld > 0 ? ' in what is disclosed' : ''}, and recognition rule ${near.rule} requires ${list(near.required)}`
        : ''
    if (status === undefined) {
      return undisclosed(
        check,
        `the obligation status under ${frameworkName(framework)} is not disclosed, so ${ref} cannot be checked${nearMiss}; this policy requires it met`,
      )
    }
    const state = own === undefined ? 'not assessed in the passport' : (STATUS_WORDS[own] ?? own)
    // A recognition rule could still make it met once the holder presents what it needs, so the
    // passport is not shown to fall short: indeterminate, not fail.
    if (hidden !== undefined) {
      return undisclosed(
        check,
        `${ref} is ${state}, but recognition rule ${hidden.rule} could count ${hidden.accept} for it and the obligation status under ${frameworkName(hidden.framework)} is not disclosed${nearMiss} (ask the vendor to present it)`,
      )
    }
    if (near !== undefined && withheld > 0) {
      return undisclosed(
        check,
        `${ref} is ${state}${nearMiss}; ${withheld} evidence item${withheld === 1 ? ' is' : 's are'} not disclosed (ask the vendor to present the evidence for ${near.source})`,
      )
    }
    return result(
      check,
      'fail',
      'policy-obligation',
      `${ref} is ${state}; this policy requires it met${nearMiss}`,
    )
  })
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

/**
 * `value` and `bound` as percentages with enough decimals to tell them apart: 66.667% against
 * a minimum of 66.67%, not "66.7%; this policy requires at least 66.7%".
 */
function percents(value: number, bound: number): [string, string] {
  let digits = 1
  const f = (x: number) => `${Number((x * 100).toFixed(digits))}%`
  while (digits < 6 && f(value) === f(bound)) digits++
  return [f(value), f(bound)]
}

function checkReadiness(ctx: Context): CheckResult[] {
  const min = ctx.policy.requirements.minReadiness ?? {}
  return Object.keys(min)
    .sort()
    .map((key) => {
      const required = min[key] ?? 0
      const check = `policy:readiness:${key}`
      const { framework, id: pattern } = key.includes(':')
        ? splitRef(key)
        : { framework: key, id: undefined }
      const status = ctx.framework(framework)
      const what = pattern === undefined ? frameworkName(framework) : `${key}`
      if (status === undefined) {
        return undisclosed(
          check,
          `the obligation status under ${frameworkName(framework)} is not disclosed, so readiness cannot be checked; this policy requires at least ${percent(required)}`,
        )
      }
      let readiness = status.readiness
      if (pattern !== undefined) {
        const re = globToRegExp(pattern)
        const matched = [...ctx.items(framework, status)].filter(([id]) => re.test(id))
        const applicable = matched.filter(([, s]) => s !== 'not-applicable')
        if (matched.length === 0) {
          return result(
            check,
            'fail',
            'policy-obligation',
            `the passport lists no obligations matching ${key}; this policy requires readiness of at least ${percent(required)}`,
          )
        }
        const score = applicable.reduce(
          (n, [, s]) => n + (s === 'met' ? 1 : s === 'partial' ? 0.5 : 0),
          0,
        )
        readiness = applicable.length === 0 ? 1 : score / applicable.length
      }
      return readiness >= required
        ? pass(
            check,
            `readiness under ${what} is ${percent(readiness)}; at least ${percent(required)} required`,
          )
        : result(
            check,
            'fail',
            'policy-obligation',
            `readiness under ${what} is ${percents(readiness, required).join('; this policy requires at least ')}`,
          )
    })
}

function checkAssessor(ctx: Context): CheckResult[] {
  const accepted = ctx.policy.requirements.assessor
  if (accepted === undefined) return []
  const assessor = ctx.subject.assessor as AssessorClaim | undefined
  const check = 'policy:assessor'
  if (assessor === undefined) {
    return [
      result(
        check,
        'fail',
        'policy-assessor',
        `the passport does not say who assessed the system; this policy accepts ${list([...accepted])} assessments`,
      ),
    ]
  }
  const by = assessor.name !== undefined ? ` by ${assessor.name}` : ''
  return [
    accepted.includes(assessor.type)
      ? pass(check, `the system was assessed${by} (${assessor.type}), which this policy accepts`)
      : result(
          check,
          'fail',
          'policy-assessor',
          `the system was assessed${by} (${assessor.type}); this policy accepts only ${list([...accepted])} assessments`,
        ),
  ]
}

function checkEndorsements(ctx: Context): CheckResult[] {
  const req = ctx.policy.requirements.endorsements
  if (req === undefined) return []
  const check = 'policy:endorsements'
  const from = req.from
  const qualifying = ctx.input.endorsements.filter(
    (e) =>
      e.valid &&
      (from === undefined ||
        (e.kind !== undefined && (from as readonly string[]).includes(e.kind))),
  )
  // `min` counts assessors, not tokens: the same endorsement given twice, or two by one body, is
  // one assessor's word.
  const seen = new Set<string>()
  const counted = qualifying.filter((e) => {
    const who = e.assessorId ?? e.issuerName
    if (who === undefined) return true
    if (seen.has(who)) return false
    seen.add(who)
    return true
  })
  const repeated = qualifying.length - counted.length
  const again = repeated > 0 ? ` (${repeated} more by an assessor already counted)` : ''
  const source =
    from === undefined ? 'trusted assessors' : list(from.map((k) => k.replace('-', ' ')))
  const names = counted.map((e) => e.issuerName ?? 'unnamed').join(', ')
  if (counted.length >= req.min) {
    return [
      pass(
        check,
        `${counted.length} valid endorsement(s) from ${source} (${names})${again}; at least ${req.min} required`,
      ),
    ]
  }
  const invalid = ctx.input.endorsements.filter((e) => !e.valid).length
  const note = invalid > 0 ? ` (${invalid} presented endorsement(s) did not verify)` : ''
  return [
    result(
      check,
      'fail',
      'policy-endorsement',
      `${counted.length} valid endorsement(s) from ${source}${again}${note}; this policy requires at least ${req.min}`,
    ),
  ]
}

function checkMaxAge(ctx: Context): CheckResult[] {
  const max = ctx.policy.requirements.maxAgeDays
  if (max === undefined) return []
  const check = 'policy:max-age'
  const iat = ctx.input.claims.iat
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    return [
      result(
        check,
        'fail',
        'too-old',
        'the passport has no issue date (iat); its age cannot be checked',
      ),
    ]
  }
  const days = Math.max(0, Math.floor((ctx.input.nowSeconds - iat) / SECONDS_PER_DAY))
  const issued = new Date(iat * 1000).toISOString().slice(0, 10)
  const age = `issued ${issued}, ${days} day${days === 1 ? '' : 's'} ago`
  return [
    ctx.input.nowSeconds - iat <= max * SECONDS_PER_DAY
      ? pass(check, `${age}; at most ${max} days accepted`)
      : result(
          check,
          'fail',
          'too-old',
          `${age}; this policy accepts passports at most ${max} days old`,
        ),
  ]
}

function checkStatus(ctx: Context): CheckResult[] {
  if (ctx.policy.requirements.status !== 'required') return []
  const check = 'policy:status'
  return [
    ctx.input.statusChecked
      ? pass(check, 'the revocation status was checked')
      : result(
          check,
          'indeterminate',
          'status-unavailable',
          'the revocation status could not be checked (no status list, or it could not be fetched); this policy requires it',
        ),
  ]
}

/** `incident <id prefix> (<reporter>, <status>, serious: <harms>)`, for messages. */
function incidentWords(i: BuyerIncident): string {
  const id = i.incidentId.replace(/^urn:uuid:/, '').slice(0, 8)
  return `incident ${id} reported by ${i.reporter.name} (${i.harms.join(', ') || 'no harm named'})`
}

/**
 * Serious-incident reports (EU AI Act Art. 73), evaluated like the revocation status: with
 * `check: required` and no source looked at the verdict is indeterminate. Only counted incidents
 * (../incident/buyer.ts: the issuer's own, or by a key this policy trusts) are held against the
 * passport; each at its highest sequence.
 */
function checkIncidents(ctx: Context): CheckResult[] {
  const req = ctx.policy.requirements.incidents
  if (req === undefined) return []
  const incidents = ctx.input.incidents
  if (incidents === undefined)
    return [
      req.check === 'required'
        ? result(
            'policy:incidents',
            'indeterminate',
            'incident-unavailable',
            'no serious-incident reports were looked at (accord verify --incident FILE or --incidents REGISTRY; the registry verify endpoint reads its own, for a passport it holds); this policy requires them',
          )
        : result(
            'policy:incidents',
            'skipped',
            'incident-unavailable',
            'no serious-incident reports were looked at (accord verify --incident FILE or --incidents REGISTRY); not checked',
          ),
    ]
  const counted = incidents.filter((i) => i.counted)
  const ignored = incidents.length - counted.length
  const notCounted =
    ignored > 0
      ? `; ${ignored} more not counted (reporter not trusted by this policy, or the report did not verify)`
      : ''
  const open = openSerious(incidents)
  const max = req.maxOpenSerious
  const out: CheckResult[] = []
  const check = 'policy:incidents:open-serious'
  const seen = `${counted.length} incident${counted.length === 1 ? '' : 's'} counted${notCounted}`
  out.push(
    open.length > max
      ? result(
          check,
          'fail',
          'incident-open-serious',
          `${open.length} open serious incident${open.length === 1 ? '' : 's'} (Art. 3(49)): ${open.map(incidentWords).join('; ')}; this policy accepts at most ${max}`,
        )
      : pass(
          check,
          `${open.length} open serious incident${open.length === 1 ? '' : 's'} of ${seen}; at most ${max} accepted`,
        ),
  )
  if (req.lateNotification !== 'ignore') {
    const late = notifiedLate(incidents)
    const lateCheck = 'policy:incidents:notification'
    const words = late
      .map(
        (i) =>
          `${incidentWords(i)}: ${i.deadline.verdict === 'late' ? `the authority was notified ${i.deadline.firstNotification?.at ?? '?'}, after` : 'no authority notified yet, past'} the deadline ${i.deadline.deadline ?? '?'} (${i.deadline.citation})`,
      )
      .join('; ')
    // Art. 73(1): a system the passport says is not high-risk has no deadline to be late for.
    const unbound = counted.filter((i) => i.serious && i.deadline.basis === 'not-high-risk').length
    const unboundWords =
      unbound === 0
        ? ''
        : `; ${unbound} counted serious incident${unbound === 1 ? ' is' : 's are'} of a system the passport classifies as not high-risk, which Art. 73(1) does not bind: no deadline`
    if (late.length === 0)
      out.push(
        pass(
          lateCheck,
          `no counted serious incident was notified to the market surveillance authority after its Art. 73 deadline${unboundWords}`,
        ),
      )
    else if (req.lateNotification === 'refuse')
      out.push(
        result(
          lateCheck,
          'fail',
          'incident-reported-late',
          `${words}; this policy refuses late notification`,
        ),
      )
    // A warning: the check holds (the verdict is not changed) but carries the reason code.
    else
      out.push(
        result(
          lateCheck,
          'pass',
          'incident-reported-late',
          `warning: ${words}; this policy warns of late notification`,
        ),
      )
  }
  return out
}

function checkAssurance(ctx: Context): CheckResult[] {
  const req = ctx.policy.assurance
  if (req === undefined) return []
  const a = ctx.subject.assurance
  const rules: { name: string; required: boolean; evaluate: () => [boolean, string] }[] = []
  const add = (name: string, required: boolean, evaluate: () => [boolean, string]) =>
    rules.push({ name, required, evaluate })

  add('update-notice', req.minUpdateNoticeDays !== undefined, () => {
    const days = a?.updateNoticeDays ?? 0
    const min = req.minUpdateNoticeDays ?? 0
    return [
      days >= min,
      `update notice is ${days} day${days === 1 ? '' : 's'}; this policy requires at least ${min}`,
    ]
  })
  add('remote-disable', req.remoteDisable !== undefined, () => {
    const allowed = req.remoteDisable?.allowedControllers ?? []
    const rd = a?.remoteDisable
    const controller = rd === undefined || !rd.exists ? 'none' : rd.controlledBy
    const want =
      allowed.length === 1 && allowed[0] === 'none'
        ? 'this policy allows no remote disable at all'
        : `this policy allows remote disable only when controlled by: ${list(allowed.map((c) => (c === 'none' ? 'nobody' : c)))}`
    if (rd?.exists === true && controller === 'none') {
      // A remote disable exists but no controller is named: it is not "none", and anyone may
      // hold it, so only a policy allowing every controller accepts it.
      const anyone = (['vendor', 'deployer', 'joint'] as const).every((c) => allowed.includes(c))
      return [
        anyone,
        `the passport says the system can be disabled remotely but names no controller (controlledBy: none); ${want}`,
      ]
    }
    const found =
      controller === 'none'
        ? 'the system cannot be disabled remotely'
        : controller === 'joint'
          ? 'the system can be disabled remotely under joint vendor and deployer control'
          : `the ${controller} can disable the system remotely`
    return [allowed.includes(controller), `${found}; ${want}`]
  })
  add('data-residency', req.dataResidency !== undefined, () => {
    const within = req.dataResidency?.within ?? []
    const regions = a?.dataResidency ?? []
    const outside = regions.filter((r) => !regionWithin(r, within))
    if (regions.length === 0)
      return [
        false,
        `the passport lists no data residency; this policy requires data within ${list(within)}`,
      ]
    return outside.length === 0
      ? [true, `data stay within ${list(regions, 'and')}, inside ${list(within)}`]
      : [
          false,
          `data may be stored or processed in ${list(outside, 'and')}, outside ${list(within)} required by this policy`,
        ]
  })
  add('audit-rights', req.auditRights === 'required', () =>
    a?.auditRights.granted === true
      ? [true, `audit rights are granted${a.auditRights.scope ? ` (${a.auditRights.scope})` : ''}`]
      : [false, 'the vendor grants no audit rights; this policy requires them'],
  )
  add('incident-notification', req.maxIncidentNotificationHours !== undefined, () => {
    const hours = a?.incidentNotificationHours ?? Infinity
    const max = req.maxIncidentNotificationHours ?? 0
    return [
      hours <= max,
      `incidents are notified within ${hours} hours; this policy requires at most ${max}`,
    ]
  })
  add('support', req.minSupportUntil !== undefined, () => {
    const until = a?.supportUntil ?? ''
    const min = req.minSupportUntil ?? ''
    // Both are YYYY-MM-DD, so text order is date order.
    return [
      until >= min,
      `support lasts until ${until}; this policy requires support until at least ${min}`,
    ]
  })

  return rules
    .filter((r) => r.required)
    .map((r) => {
      const check = `policy:assurance:${r.name}`
      if (a === undefined) {
        return result(
          check,
          'fail',
          'policy-assurance',
          'the passport makes no assurance commitments (update notice, remote disable, residency, audit, incidents, support); this policy requires them',
        )
      }
      const [ok, message] = r.evaluate()
      return ok ? pass(check, message) : result(check, 'fail', 'policy-assurance', message)
    })
}
