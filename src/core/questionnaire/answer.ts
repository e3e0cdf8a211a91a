/**
 * Answers a questionnaire from a system's manifest and assessment. Pure and deterministic: the
 * same questionnaire, manifest, evidence and as-of date give the same answers, byte for byte.
 *
 * Per question:
 * - each ref is answered from the assessment: the obligation's status, reason and evidence when
 *   its framework was assessed (a ref the assessment does not list is judged by its listed
 *   sub-obligations, or is not applicable to this system); a ref of a framework not assessed is
 *   answered through the crosswalk: the mapped obligations that were assessed, each with the
 *   relation and confidence of its edge, the best of them counting (an `equivalent` or `superset`
 *   edge of high or medium confidence passes `met` on; `subset`, `related` or a `low` edge give at
 *   most `partial`), and the answer says it is by mapping;
 * - each field is quoted from the manifest (lists and mappings rendered as plain lines);
 * - each fact is stated as Accord computed it (./facts.ts): the classification, the obligations
 *   in force, readiness, gaps, the law version;
 * - the status is the worst of its refs (missing, then partial, then needs-human, then met, then
 *   not-applicable); without refs, `met` when every field has a value (a fact always has one: it
 *   is a statement of what Accord computed, not a compliance claim), `partial` when only some
 *   have, and `needs-human` when the question names nothing or no field has a value.
 * The answer text is plain: no Markdown, so it reads well in a spreadsheet cell.
 */
import { valueAtPath } from '../dotted-path.js'
import { resolveRef, shortId } from '../catalog/lookup.js'
import type { MappingEdge, Relation } from '../catalog/schema.js'
import type { CatalogSet } from '../catalog/types.js'
import type { AssessmentResult, HashedEvidence, ObligationAssessment } from '../assess/types.js'
import type { Manifest } from '../manifest/schema.js'
import type { ClassificationResult } from '../classify/types.js'
import { FACT_LABELS, factText, type FactId } from './facts.js'
import type { AnswerStatus, Question, Questionnaire } from './schema.js'

export interface EvidenceCited {
  id: string
  title: string
  type: string
  path: string
  sha256: string
}

export interface MappedObligation {
  /** The assessed obligation on the other end of the edge, `eu-ai-act:art-10`. */
  obligation: string
  citation: string
  status: ObligationAssessment['status']
  /** How the mapped obligation relates to the ref: `equivalent`, `superset`, `subset`, `related`. */
  relation: Relation
  confidence: MappingEdge['confidence']
  /** Who made the edge (`accord-analysis` or a published crosswalk). */
  source: string
}

export interface RefAnswer {
  /** The ref as a short id, `eu-ai-act:art-10.2.f`. */
  ref: string
  /** As written in the questionnaire. */
  given: string
  framework: string
  citation: string
  title: string
  /** `assessed`: the assessment lists it; `sub-obligations`: judged by those listed under it; `mapping`: through the crosswalk; `none`: not answerable. */
  route: 'assessed' | 'sub-obligations' | 'mapping' | 'none'
  status: AnswerStatus
  reason: string
  /** Law in force on the as-of date (binding frameworks only). */
  inForce?: boolean
  appliesFrom?: string
  binding: boolean
  /** A binding obligation in force that is partial or missing. */
  gap: boolean
  evidence: string[]
  /** For `mapping`: the assessed obligations it was answered through, best first. */
  mappedFrom?: MappedObligation[]
}

export interface FieldAnswer {
  path: string
  /** The value as plain text; absent when the manifest does not state it. */
  value?: string
}

export interface FactAnswer {
  /** The fact's id, `eu-ai-act.classification`. */
  fact: FactId
  label: string
  /** The fact as plain text (lines joined by `\n`). */
  value: string
}

export interface QuestionAnswer {
  id: string
  section?: string
  text: string
  status: AnswerStatus
  /** Plain text for a spreadsheet cell. */
  answer: string
  /** Each evidence file cited, as one plain-text line: `Title (type), path, SHA-256 ...`. */
  evidenceText: string[]
  refs: RefAnswer[]
  fields: FieldAnswer[]
  facts: FactAnswer[]
  evidence: EvidenceCited[]
  /** True when a ref is a binding obligation in force that is partial or missing. */
  gap: boolean
  /** Why a human must answer (status `needs-human`). */
  needsHuman?: string
}

export interface QuestionnaireAnswers {
  questionnaire: { title: string; buyer?: string; reference?: string }
  system: { name: string; version: string }
  asOf: string
  /** Frameworks assessed directly; refs of the others are answered through the crosswalk. */
  frameworks: string[]
  summary: {
    questions: number
    met: number
    partial: number
    missing: number
    notApplicable: number
    needsHuman: number
    /** Questions naming a binding obligation in force that is partial or missing. */
    gaps: number
  }
  answers: QuestionAnswer[]
}

export interface AnswerOptions {
  questionnaire: Questionnaire
  manifest: Manifest
  assessment: AssessmentResult
  /** The classification the assessment was made under; the facts are stated from it. */
  classification: ClassificationResult
  catalogs: CatalogSet
}

/** Worst first: the order a question's status is taken from its refs. */
const SEVERITY: readonly AnswerStatus[] = [
  'missing',
  'partial',
  'needs-human',
  'met',
  'not-applicable',
]

const STATUS_WORDS: Record<AnswerStatus, string> = {
  met: 'Met',
  partial: 'Partly met',
  missing: 'Missing',
  'not-applicable': 'Not applicable',
  'needs-human': 'Needs a human answer',
}

const RELATION_WORDS: Record<Relation, string> = {
  equivalent: 'equivalent to it',
  superset: 'which covers all of it',
  subset: 'which covers only part of it',
  related: 'related to it',
}

export function answerQuestionnaire(options: AnswerOptions): QuestionnaireAnswers {
  const { questionnaire, manifest, assessment, classification, catalogs } = options
  const obligations = new Map(assessment.obligations.map((o) => [o.id, o]))
  const evidence = new Map(assessment.evidence.map((e) => [e.id, e]))
  const assessed = new Set(assessment.frameworks.map((f) => f.framework))
  const binding = new Map(assessment.frameworks.map((f) => [f.framework, f.binding === true]))
  const ctx: Ctx = {
    catalogs,
    obligations,
    evidence,
    assessed,
    binding,
    asOf: assessment.asOf,
    facts: { classification, assessment },
  }

  const answers = questionnaire.questions.map((q) => answerQuestion(q, manifest, ctx))
  const count = (s: AnswerStatus) => answers.filter((a) => a.status === s).length
  return {
    questionnaire: {
      title: questionnaire.title,
      ...(questionnaire.buyer === undefined ? {} : { buyer: questionnaire.buyer }),
      ...(questionnaire.reference === undefined ? {} : { reference: questionnaire.reference }),
    },
    system: assessment.system,
    asOf: assessment.asOf,
    frameworks: [...assessed],
    summary: {
      questions: answers.length,
      met: count('met'),
      partial: count('partial'),
      missing: count('missing'),
      notApplicable: count('not-applicable'),
      needsHuman: count('needs-human'),
      gaps: answers.filter((a) => a.gap).length,
    },
    answers,
  }
}

interface Ctx {
  catalogs: CatalogSet
  obligations: ReadonlyMap<string, ObligationAssessment>
  evidence: ReadonlyMap<string, HashedEvidence>
  assessed: ReadonlySet<string>
  binding: ReadonlyMap<string, boolean>
  asOf: string
  facts: Parameters<typeof factText>[1]
}

function answerQuestion(q: Question, manifest: Manifest, ctx: Ctx): QuestionAnswer {
  const refs = q.refs.map((given) => answerRef(given, ctx))
  const fields: FieldAnswer[] = q.fields.map((path) => {
    const value = renderValue(valueAtPath(manifest, path))
    return value === undefined ? { path } : { path, value }
  })
  const facts: FactAnswer[] = q.facts.map((id) => ({
    fact: id as FactId,
    label: FACT_LABELS[id as FactId],
    value: factText(id as FactId, ctx.facts),
  }))
  // A fact is always computed: it counts as a stated value.
  const stated = fields.filter((f) => f.value !== undefined).length + facts.length
  const named = fields.length + facts.length

  let status: AnswerStatus
  let needsHuman: string | undefined
  if (refs.length > 0) {
    status = SEVERITY.find((s) => refs.some((r) => r.status === s)) ?? 'needs-human'
    if (status === 'needs-human')
      needsHuman = 'no assessed obligation answers one of the obligations it names'
  } else if (named === 0) {
    status = 'needs-human'
    needsHuman = 'the question names no obligation, no manifest field and no fact'
  } else if (stated === 0) {
    status = 'needs-human'
    needsHuman = `the manifest does not state ${fields.map((f) => f.path).join(', ')}`
  } else status = stated === named ? 'met' : 'partial'

  const evidenceIds = [...new Set(refs.flatMap((r) => r.evidence))].sort()
  const cited = evidenceIds
    .map((id) => ctx.evidence.get(id))
    .filter((e): e is HashedEvidence => e !== undefined)
    .map((e) => ({ id: e.id, title: e.title, type: e.type, path: e.path, sha256: e.sha256 }))

  const lines: string[] = []
  lines.push(
    needsHuman === undefined
      ? `${STATUS_WORDS[status]}.`
      : `${STATUS_WORDS[status]}: ${needsHuman}.`,
  )
  for (const r of refs) lines.push(refLine(r, ctx.asOf))
  for (const f of fields) {
    lines.push(
      f.value === undefined
        ? `${f.path}: not stated in the manifest.`
        : f.value.includes('\n')
          ? `${f.path}:\n${f.value}`
          : `${f.path}: ${f.value}`,
    )
  }
  for (const f of facts) lines.push(`${f.label} [${f.fact}]:\n${f.value}`)
  return {
    id: q.id,
    ...(q.section === undefined ? {} : { section: q.section }),
    text: q.text,
    status,
    answer: lines.join('\n'),
    evidenceText: cited.map(evidenceLine),
    refs,
    fields,
    facts,
    evidence: cited,
    gap: refs.some((r) => r.gap),
    ...(needsHuman === undefined ? {} : { needsHuman }),
  }
}

export function evidenceLine(e: EvidenceCited): string {
  return `${e.title} (${e.type}), ${e.path}, SHA-256 ${e.sha256}`
}

function refLine(r: RefAnswer, asOf: string): string {
  const name = `${r.citation} [${r.ref}]`
  let line = `${name}: ${STATUS_WORDS[r.status].toLowerCase()}. ${r.reason}`
  if (
    r.binding &&
    r.inForce === false &&
    r.appliesFrom !== undefined &&
    r.status !== 'not-applicable'
  )
    line += ` Applies from ${r.appliesFrom} (not yet in force on ${asOf}).`
  if (r.binding && r.inForce === true && r.gap)
    line += ` In force since ${r.appliesFrom ?? 'before ' + asOf}: a gap.`
  return line
}

function answerRef(given: string, ctx: Ctx): RefAnswer {
  const resolved = resolveRef(ctx.catalogs, given)
  if (resolved === undefined) {
    // Validation refuses unknown refs first; a caller that skipped it gets a plain answer.
    return {
      ref: given,
      given,
      framework: '',
      citation: given,
      title: '',
      route: 'none',
      status: 'needs-human',
      reason: 'No catalog has this obligation.',
      binding: false,
      gap: false,
      evidence: [],
    }
  }
  const { framework, node } = resolved
  const ref = shortId(framework, node.id)
  const base = { ref, given, framework, citation: node.ref_id, title: node.name }
  const binding = ctx.binding.get(framework) ?? false

  if (ctx.assessed.has(framework)) {
    const o = ctx.obligations.get(ref)
    if (o !== undefined) {
      const gap =
        binding && o.inForce === true && (o.status === 'missing' || o.status === 'partial')
      return {
        ...base,
        route: 'assessed',
        status: o.status,
        reason: o.reason,
        ...(o.inForce === undefined ? {} : { inForce: o.inForce }),
        ...(o.appliesFrom === undefined ? {} : { appliesFrom: o.appliesFrom }),
        binding,
        gap,
        evidence: evidenceOf(o),
      }
    }
    return bySubObligations(base, binding, ctx)
  }
  return byMapping(base, ctx)
}

type Base = Pick<RefAnswer, 'ref' | 'given' | 'framework' | 'citation' | 'title'>

/** A ref the assessment does not list (a heading, or an article of several points). */
function bySubObligations(base: Base, binding: boolean, ctx: Ctx): RefAnswer {
  // Every node below the ref in the catalog tree, in catalog order.
  const urns: string[] = []
  const walk = (urn: string) => {
    for (const child of ctx.catalogs.childrenByUrn.get(urn) ?? []) {
      urns.push(child)
      if (urns.length < 10_000) walk(child)
    }
  }
  walk(resolveRef(ctx.catalogs, base.ref)?.node.urn as string)
  const subs = urns
    .map((u) => ctx.catalogs.nodesByUrn.get(u))
    .map((n) =>
      n === undefined ? undefined : ctx.obligations.get(shortId(n.framework, n.node.id)),
    )
    .filter((o): o is ObligationAssessment => o !== undefined)
  const applicable = subs.filter((o) => o.status !== 'not-applicable')
  if (applicable.length === 0) {
    return {
      ...base,
      route: subs.length > 0 ? 'sub-obligations' : 'none',
      status: 'not-applicable',
      reason:
        subs.length > 0
          ? `None of its ${subs.length} sub-obligations applies to this system.`
          : 'Not among the obligations assessed for this system (its roles, category or the law version in force do not bring it in).',
      binding,
      gap: false,
      evidence: [],
    }
  }
  const status = applicable.every((o) => o.status === 'met')
    ? 'met'
    : applicable.some((o) => o.status === 'met' || o.status === 'partial')
      ? 'partial'
      : 'missing'
  const counts = (['met', 'partial', 'missing'] as const)
    .map((s) => [s, applicable.filter((o) => o.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')
  const gaps = applicable.filter(
    (o) => binding && o.inForce === true && (o.status === 'missing' || o.status === 'partial'),
  )
  const inForce = applicable.some((o) => o.inForce === true)
  const dates = applicable.map((o) => o.appliesFrom).filter((d): d is string => d !== undefined)
  return {
    ...base,
    route: 'sub-obligations',
    status,
    reason: `Judged by its ${applicable.length} applicable sub-obligations: ${counts}.`,
    ...(binding ? { inForce } : {}),
    ...(dates.length > 0 ? { appliesFrom: dates.sort()[0] as string } : {}),
    binding,
    gap: gaps.length > 0,
    evidence: [...new Set(applicable.flatMap(evidenceOf))].sort(),
  }
}

const RANK = { missing: 0, partial: 1, met: 2 } as const

/** A ref of a framework that was not assessed: through the crosswalk to assessed obligations. */
function byMapping(base: Base, ctx: Ctx): RefAnswer {
  const { catalogs } = ctx
  const urn = resolveRef(catalogs, base.ref)?.node.urn as string
  const mapped: (MappedObligation & { level: number; evidence: string[] })[] = []
  for (const edge of catalogs.edgesByUrn.get(urn) ?? []) {
    const fromSource = edge.target_urn === urn
    const other = catalogs.nodesByUrn.get(fromSource ? edge.source_urn : edge.target_urn)
    if (other === undefined || !ctx.assessed.has(other.framework)) continue
    const o = ctx.obligations.get(shortId(other.framework, other.node.id))
    if (o === undefined) continue
    // How the other end relates to the ref: the edge reads source -> target.
    const relation = fromSource ? edge.relation : INVERSE[edge.relation]
    const cap =
      (relation === 'equivalent' || relation === 'superset') && edge.confidence !== 'low' ? 2 : 1
    const level = o.status === 'not-applicable' ? -1 : Math.min(RANK[o.status], cap)
    mapped.push({
      obligation: o.id,
      citation: o.citation,
      status: o.status,
      relation,
      confidence: edge.confidence,
      source: edge.source,
      level,
      evidence: evidenceOf(o),
    })
  }
  if (mapped.length === 0) {
    return {
      ...base,
      route: 'none',
      status: 'needs-human',
      reason: `Not assessed directly (${base.framework} is not among the frameworks assessed), and no crosswalk edge links it to an assessed obligation.`,
      binding: false,
      gap: false,
      evidence: [],
    }
  }
  const conf = { high: 0, medium: 1, low: 2 } as const
  mapped.sort(
    (a, b) =>
      b.level - a.level ||
      conf[a.confidence] - conf[b.confidence] ||
      (a.obligation < b.obligation ? -1 : a.obligation > b.obligation ? 1 : 0),
  )
  const best = mapped[0] as (typeof mapped)[number]
  const status: AnswerStatus =
    best.level < 0
      ? 'not-applicable'
      : ((['missing', 'partial', 'met'] as const)[best.level] as AnswerStatus)
  const others = mapped.length - 1
  const reason =
    `By mapping (crosswalk), not assessed directly: ${best.obligation} (${best.citation}), ${RELATION_WORDS[best.relation]}` +
    `, ${best.confidence} confidence (${best.source}), is ${best.status}` +
    (best.level >= 0 && best.level < RANK[best.status as keyof typeof RANK]
      ? `, which counts as at most partial through this edge`
      : '') +
    '.' +
    (others > 0
      ? ` ${others} other mapped obligation${others === 1 ? '' : 's'}: ${mapped
          .slice(1)
          .map((m) => `${m.obligation} ${m.status}`)
          .join(', ')}.`
      : '')
  return {
    ...base,
    route: 'mapping',
    status,
    reason,
    binding: false,
    gap: false,
    evidence: best.level > 0 ? [...best.evidence].sort() : [],
    mappedFrom: mapped.map(({ level: _level, evidence: _e, ...m }) => m),
  }
}

const INVERSE: Record<Relation, Relation> = {
  equivalent: 'equivalent',
  subset: 'superset',
  superset: 'subset',
  related: 'related',
}

function evidenceOf(o: ObligationAssessment): string[] {
  return [...new Set(o.evidence.map((e) => e.evidenceId))].sort()
}

/**
 * A manifest value as plain text: scalars as written, a list of scalars as `a; b; c`, mappings and
 * lists of mappings as indented `key: value` lines (bullets for list items), in manifest order.
 * Undefined for a missing value, an empty list or an empty mapping.
 */
export function renderValue(value: unknown): string | undefined {
  const lines = renderLines(value, 0)
  if (lines === undefined) return undefined
  return lines.join('\n')
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') {
    return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)
  }
  return undefined
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object'
}

function renderLines(value: unknown, depth: number): string[] | undefined {
  const pad = '  '.repeat(depth)
  if (isScalar(value)) {
    const s = scalar(value)
    return s === undefined ? undefined : [pad + s]
  }
  if (Array.isArray(value)) {
    const items = value.filter((v) => !(isScalar(v) && scalar(v) === undefined))
    if (items.length === 0) return undefined
    if (items.every(isScalar)) {
      const joined = items.map((v) => scalar(v) as string)
      if (depth === 0 && joined.join('; ').length <= 120 && joined.every((s) => !s.includes('\n')))
        return [joined.join('; ')]
      return joined.map((s) => `${pad}• ${s}`)
    }
    const out: string[] = []
    for (const item of items) {
      const inner = renderLines(item, depth + 1)
      if (inner === undefined) continue
      const first = (inner[0] as string).trimStart()
      out.push(`${pad}• ${first}`, ...inner.slice(1))
    }
    return out.length === 0 ? undefined : out
  }
  const out: string[] = []
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (isScalar(v) || (Array.isArray(v) && v.every(isScalar))) {
      const inline = isScalar(v)
        ? scalar(v)
        : (v as unknown[])
            .map(scalar)
            .filter((s): s is string => s !== undefined)
            .join('; ')
      if (inline === undefined || inline === '') continue
      out.push(`${pad}${key}: ${inline}`)
      continue
    }
    const inner = renderLines(v, depth + 1)
    if (inner === undefined) continue
    out.push(`${pad}${key}:`, ...inner)
  }
  return out.length === 0 ? undefined : out
}
