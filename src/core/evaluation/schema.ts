/**
 * The `evaluation` of an evaluation result, as a zod schema, and the cross-field checks the schema
 * cannot express (`checkEvaluation`, `unknownArtifacts`).
 *
 * An evaluation result is what whoever ran an evaluation (the provider, a test lab, a notified
 * body, an AI safety institute, a buyer's red team) states about ONE passport's AI system: what
 * was evaluated (`artifacts`: the SHA-256 digests the passport commits to in its `artifacts`
 * claim), how (`method`: benchmark or test suite, its version, the dataset by digest, `performedAt`)
 * and the results (`metrics`), with a summary and the reports by digest. Each metric may cite the
 * manifest's accuracy metric it measures again (`relatesTo`: the accuracy levels and metrics
 * the provider declares in the instructions for use under EU AI Act Art. 15(3); Art. 15(2)
 * encourages benchmarks and measurement methods; shared/reference/regulations.md §Art. 15).
 *
 * Every object is strict, so a misspelt key in an evaluation file gets a "did you mean" hint
 * (src/core/manifest/parse.ts `parseYamlWithSchema`). Pure: no I/O, no clock.
 */
import { z } from 'zod'
import { bidiIssues } from '../bidi.js'
import type { Issue } from '../errors.js'
import { dateOrDateTime, instant } from '../incident/schema.js'

/** Who ran the evaluation. */
export const EVALUATOR_ROLES = [
  'provider',
  'deployer',
  'test-lab',
  'notified-body',
  'ai-safety-institute',
  'market-surveillance-authority',
  'red-team',
  'other',
] as const
export type EvaluatorRole = (typeof EVALUATOR_ROLES)[number]

/** How it was evaluated. */
export const METHOD_KINDS = [
  'benchmark',
  'test-suite',
  'red-team',
  'field-trial',
  'audit',
  'other',
] as const
export type MethodKind = (typeof METHOD_KINDS)[number]

/** Longest `summary`, in characters. */
export const MAX_EVALUATION_SUMMARY_CHARS = 8000
/** Most metrics in one result. */
export const MAX_METRICS = 500

const text = z.string().trim().min(1)
const short = text.max(300)
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, {
  message: 'expected a SHA-256 digest: 64 lowercase hex characters (sha256sum prints it)',
})
const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' })

export const Evaluator = z.strictObject({
  /** A URL, DID or `urn:ietf:params:oauth:jwk-thumbprint:...`; also the result's `iss`. */
  id: text,
  name: short,
  role: z.enum(EVALUATOR_ROLES),
})
export type Evaluator = z.infer<typeof Evaluator>

/** One evaluated artifact: a digest the passport's `artifacts` claim holds. */
export const EvaluatedArtifact = z.strictObject({
  sha256,
  /** Its path in the passport's `artifacts` claim, for people reading the result. */
  path: short.optional(),
})

export const Method = z.strictObject({
  kind: z.enum(METHOD_KINDS),
  /** The benchmark, test suite or protocol. */
  name: short,
  version: short,
  dataset: z
    .strictObject({
      name: short,
      sha256: sha256.optional(),
    })
    .optional(),
  /** Standards followed, e.g. `ISO/IEC 19795-1:2021`. */
  standards: z.array(short).max(20).optional(),
})

export const Threshold = z.strictObject({
  value: finite,
  /** True: the value must be at least the threshold; false: at most. */
  higherIsBetter: z.boolean(),
  /** Whether the value met the threshold: must agree with value, threshold and direction. */
  met: z.boolean(),
})

export const ConfidenceInterval = z.strictObject({
  /** Confidence level, e.g. 0.95. */
  level: z.number().gt(0).lt(1),
  lower: finite,
  upper: finite,
})

export const Metric = z.strictObject({
  name: short,
  value: finite,
  unit: short.optional(),
  /** The population the value is for, e.g. a demographic group (`age 60-75, skin tone 5`). */
  group: short.optional(),
  /** What the metric measures again, e.g. the manifest's Art. 15 accuracy metric by name. */
  relatesTo: short.optional(),
  threshold: Threshold.optional(),
  confidenceInterval: ConfidenceInterval.optional(),
})
export type Metric = z.infer<typeof Metric>

export const ReportRef = z.strictObject({
  title: short,
  sha256,
  url: z.url({ protocol: /^https?$/ }).optional(),
})

const evaluationFields = {
  evaluator: Evaluator,
  artifacts: z.array(EvaluatedArtifact).min(1).max(100),
  method: Method,
  /** When the evaluation was run (the last day of it). */
  performedAt: dateOrDateTime,
  metrics: z.array(Metric).min(1).max(MAX_METRICS),
  summary: text.max(MAX_EVALUATION_SUMMARY_CHARS),
  reports: z.array(ReportRef).max(50).optional(),
}

/** The `evaluation` inside a signed result: every field the result states. */
export const Evaluation = z.strictObject(evaluationFields)
export type Evaluation = z.infer<typeof Evaluation>

/**
 * An evaluation file as a person writes it for `accord evaluation report`: the evaluation without
 * what the CLI fills in (`evaluator.id`: the key's JWK thumbprint URI).
 */
export const EvaluationFile = z.strictObject({
  ...evaluationFields,
  evaluator: Evaluator.extend({ id: text.optional() }),
})
export type EvaluationFile = z.infer<typeof EvaluationFile>

/** Whether `value` meets `threshold` in its direction. */
export function meetsThreshold(
  value: number,
  threshold: { value: number; higherIsBetter: boolean },
) {
  return threshold.higherIsBetter ? value >= threshold.value : value <= threshold.value
}

export interface CheckEvaluationOptions {
  /** When the result is (or was) signed, in milliseconds since the epoch. */
  reportedAtMs?: number
}

/**
 * Contradictions within a schema-valid evaluation, each an `Issue` with its path (no position:
 * the caller places it). Accepts the file form too.
 */
export function checkEvaluation(
  evaluation: EvaluationFile,
  options: CheckEvaluationOptions = {},
): Issue[] {
  const issues: Issue[] = []
  const add = (path: (string | number)[], message: string, hint: string, code = 'contradiction') =>
    issues.push({ code, path, message, hint })

  const seenMetrics = new Set<string>()
  evaluation.metrics.forEach((m, i) => {
    const key = JSON.stringify([m.name, m.group ?? null])
    if (seenMetrics.has(key))
      add(
        ['metrics', i],
        `metric "${m.name}"${m.group !== undefined ? ` for group "${m.group}"` : ''} is listed twice`,
        'list each metric once per group, or name the group each value is for',
        'duplicate',
      )
    seenMetrics.add(key)
    const t = m.threshold
    if (t !== undefined && meetsThreshold(m.value, t) !== t.met) {
      const should = meetsThreshold(m.value, t)
      add(
        ['metrics', i, 'threshold', 'met'],
        `metric "${m.name}" has value ${m.value} and threshold ${t.higherIsBetter ? 'at least' : 'at most'} ${t.value}, so the threshold was ${should ? '' : 'not '}met, but met is ${t.met}`,
        `set met: ${should}, or correct the value, the threshold or higherIsBetter`,
      )
    }
    const ci = m.confidenceInterval
    if (ci !== undefined) {
      if (ci.lower > ci.upper)
        add(
          ['metrics', i, 'confidenceInterval', 'lower'],
          `metric "${m.name}": the confidence interval's lower bound ${ci.lower} is above its upper bound ${ci.upper}`,
          'swap lower and upper',
        )
      else if (m.value < ci.lower || m.value > ci.upper)
        add(
          ['metrics', i, 'value'],
          `metric "${m.name}": value ${m.value} lies outside its confidence interval [${ci.lower}, ${ci.upper}]`,
          'correct the value or the interval; the point estimate lies within its interval',
        )
    }
  })
  const seenArtifacts = new Set<string>()
  evaluation.artifacts.forEach((a, i) => {
    if (seenArtifacts.has(a.sha256))
      add(
        ['artifacts', i, 'sha256'],
        `artifact ${a.sha256} is listed twice`,
        'list each artifact once',
        'duplicate',
      )
    seenArtifacts.add(a.sha256)
  })
  const reportedAt = options.reportedAtMs
  if (reportedAt !== undefined && instant(evaluation.performedAt) > reportedAt)
    add(
      ['performedAt'],
      `performedAt (${evaluation.performedAt}) is after the result is signed (${new Date(reportedAt).toISOString()}): a result states what an evaluation found`,
      'correct the date; sign the result once the evaluation has been run',
      'in_future',
    )
  // Text partners read on the registry's pages: ../bidi.ts.
  issues.push(...bidiIssues(evaluation))
  return issues
}

/**
 * The evaluated artifacts whose digest the passport does not commit to (its
 * `credentialSubject.artifacts[].sha256`), as issues at `artifacts.<i>.sha256`: a result about a
 * model the passport does not name says nothing about this passport's system.
 */
export function unknownArtifacts(
  evaluation: Pick<EvaluationFile, 'artifacts'>,
  passportClaims: Record<string, unknown>,
): Issue[] {
  const cs = passportClaims.credentialSubject as { artifacts?: unknown } | undefined
  const committed = Array.isArray(cs?.artifacts)
    ? (cs.artifacts as { sha256?: unknown; path?: unknown }[])
    : []
  const digests = new Set(committed.map((a) => a?.sha256).filter((d) => typeof d === 'string'))
  const listed = committed
    .filter((a) => typeof a?.sha256 === 'string')
    .map((a) => `${String(a.path)} (${String(a.sha256)})`)
  const issues: Issue[] = []
  evaluation.artifacts.forEach((a, i) => {
    if (!digests.has(a.sha256))
      issues.push({
        code: 'artifact_unknown',
        path: ['artifacts', i, 'sha256'],
        message: `the passport does not commit to an artifact with SHA-256 ${a.sha256}${a.path !== undefined ? ` (${a.path})` : ''}`,
        hint:
          listed.length > 0
            ? `use a digest of the passport's artifacts claim: ${listed.slice(0, 5).join(', ')}`
            : 'the passport commits to no artifacts; issue one whose manifest lists the model files (models[].artifacts)',
      })
  })
  return issues
}
