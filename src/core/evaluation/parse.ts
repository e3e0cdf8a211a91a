/**
 * Parses an evaluation file (YAML, or JSON, which is YAML) for `accord evaluation report`, fills
 * in the evaluator id, and checks the complete evaluation, reporting every problem as an `Issue`
 * with the file, 1-based line and column, and a hint.
 *
 * Steps: YAML syntax and the zod `EvaluationFile` schema (`parseYamlWithSchema`, shared with
 * manifests, policies and incident files, so misspelt keys get "did you mean" hints) -> the
 * fill-in -> the contradictions of `checkEvaluation` -> the artifacts the passport does not
 * commit to (`unknownArtifacts`).
 */
import type { Issue } from '../errors.js'
import {
  orderKeys,
  parseYamlWithSchema,
  placeIssues,
  type YamlDocumentKind,
} from '../manifest/parse.js'
import { EvaluationFile, checkEvaluation, unknownArtifacts, type Evaluation } from './schema.js'

const EVALUATION_DOCUMENT: YamlDocumentKind<typeof EvaluationFile> = {
  schema: EvaluationFile,
  empty: {
    code: 'evaluation_empty',
    message: 'the evaluation file is empty',
    hint: 'start from examples/border-biometrics/evaluation.yaml; docs/evaluations.md describes every field',
  },
  topLevelHint:
    'the evaluation file must be a mapping of the evaluation fields at the top level (evaluator, artifacts, method, performedAt, metrics, summary)',
  schemaFile: 'docs/evaluations.md',
  name: 'evaluation file',
}

export interface EvaluationFill {
  /** The evaluator id when the file gives none (the CLI: the key's JWK thumbprint URI). */
  evaluatorId: string
  /** When the result is signed (seconds): the evaluation cannot have been run later. */
  nowSeconds: number
  /** The decoded claims of the passport the result is about: its `artifacts` are checked. */
  passportClaims: Record<string, unknown>
}

export type ParseEvaluationResult =
  | { ok: true; evaluation: Evaluation; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] }

/** Parses evaluation file `text`, fills it in and checks it; `file` labels the issues. */
export function parseEvaluationFile(
  text: string,
  file: string,
  fill: EvaluationFill,
): ParseEvaluationResult {
  const parsed = parseYamlWithSchema(text, file, EVALUATION_DOCUMENT)
  if (!parsed.ok) return parsed
  const { value, locator } = parsed
  const evaluation: Evaluation = {
    ...value,
    evaluator: { ...value.evaluator, id: value.evaluator.id ?? fill.evaluatorId },
  }
  const issues = [
    ...checkEvaluation(evaluation, { reportedAtMs: fill.nowSeconds * 1000 }),
    ...unknownArtifacts(evaluation, fill.passportClaims),
  ]
  if (issues.length > 0)
    return {
      ok: false,
      issues: placeIssues(issues, file, locator),
      warnings: parsed.warnings,
    }
  // Keys in the order of the schema, so the signed claims read the same whatever the file's order.
  return { ok: true, evaluation: orderKeys(evaluation, ORDER), warnings: parsed.warnings }
}

const ORDER: readonly (keyof Evaluation)[] = [
  'evaluator',
  'artifacts',
  'method',
  'performedAt',
  'metrics',
  'summary',
  'reports',
]
