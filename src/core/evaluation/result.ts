/**
 * Evaluation results about one passport's AI system, shared through the registry so partners see
 * them.
 *
 * Format: like an incident report (../incident/report.ts), an SD-JWT VC (RFC 9901,
 * `typ: dc+sd-jwt`) without disclosures, `<JWT>~`, with `vct` EVALUATION_RESULT_VCT. `iss` is the
 * evaluator, `jti` this result's id; there is no `exp`: a result states what an evaluation found.
 *
 * Binding: `credentialSubject.passport` names the passport by `jti`, `issuer` and the SHA-256
 * (hex) of its issuer-signed JWT (../passport/bound-token.ts), and every evaluated artifact must
 * be one the passport commits to in its `artifacts` claim (`evaluation-artifact-unknown`).
 *
 * Pure: hashing and time are injected.
 */
import { decodeJwt } from 'jose'
import { z } from 'zod'
import type { Issue } from '../errors.js'
import type { Signer } from '../ports.js'
import {
  PassportBinding,
  boundClaimsShape,
  decodeBoundToken,
  defineStatement,
  describeIssues,
  signBoundToken,
  verifyBoundToken,
  type BindOptions,
} from '../passport/bound-token.js'
import { issuerJwtOf, type Sha256Hex } from '../passport/endorse.js'
import type { TrustedJwk } from '../passport/status.js'
import { EVALUATION_RESULT_TYPE, EVALUATION_RESULT_VCT } from '../passport/types.js'
import { Evaluation, checkEvaluation, unknownArtifacts, type Metric } from './schema.js'

/** Largest evaluation result token accepted, in characters (a result may list many metrics). */
export const MAX_EVALUATION_RESULT_CHARS = 256 * 1024

/** Seconds a result's `nbf` may lie ahead of the verifier's clock (clock skew). */
export const EVALUATION_CLOCK_SKEW_SECONDS = 300

/** The claims of a result, as signed; `verifyEvaluationResult` checks a payload against this. */
export const EvaluationResultClaims = z.strictObject({
  ...boundClaimsShape(EVALUATION_RESULT_TYPE, EVALUATION_RESULT_VCT),
  credentialSubject: z.strictObject({
    id: z.string().min(1),
    passport: PassportBinding,
    evaluation: Evaluation,
  }),
})
export type EvaluationResultClaims = z.infer<typeof EvaluationResultClaims>

export interface BuildEvaluationOptions extends BindOptions {
  evaluation: Evaluation
}

export type EvaluationReason =
  | 'ok'
  | 'evaluation-invalid'
  | 'evaluation-untrusted'
  | 'evaluation-wrong-passport'
  | 'evaluation-artifact-unknown'
  | 'not-yet-valid'

const EVALUATION_RESULT = defineStatement<EvaluationResultClaims, Evaluation, EvaluationReason>({
  type: EVALUATION_RESULT_TYPE,
  vct: EVALUATION_RESULT_VCT,
  what: 'evaluation result',
  aWhat: 'an evaluation result',
  noun: 'evaluation result',
  maxChars: MAX_EVALUATION_RESULT_CHARS,
  clockSkewSeconds: EVALUATION_CLOCK_SKEW_SECONDS,
  reasons: {
    invalid: 'evaluation-invalid',
    untrusted: 'evaluation-untrusted',
    wrongPassport: 'evaluation-wrong-passport',
  },
  claimsSchema: EvaluationResultClaims,
  valueSchema: Evaluation,
  field: 'evaluation',
  valueOf: (claims) => claims.credentialSubject.evaluation,
  check: checkEvaluation,
  issuerIdOf: (evaluation) => evaluation.evaluator.id,
  issuerLabel: 'the evaluator id',
})

/** The zod and cross-field problems of `evaluation`, as issues with JSON paths. */
export function evaluationIssues(evaluation: unknown, issuedAt?: number): Issue[] {
  return EVALUATION_RESULT.issues(evaluation, issuedAt)
}

/**
 * The claims of a result. Throws TypeError for inputs that break the contract, including an
 * evaluation that fails its schema or contradicts itself (the CLI reports those with positions
 * before it gets here).
 */
export function buildEvaluationClaims(options: BuildEvaluationOptions): EvaluationResultClaims {
  return EVALUATION_RESULT.build(options.evaluation, options)
}

/** Signs result claims as an SD-JWT VC without disclosures: `<JWT>~`. */
export function signEvaluationResult(
  claims: EvaluationResultClaims,
  signer: Signer,
): Promise<string> {
  return signBoundToken(claims, signer)
}

export interface VerifyEvaluationOptions {
  /** The issuer-signed JWT of the passport the result must be about (or the whole SD-JWT). */
  passportIssuerJwt: string
  /** Public keys of the evaluators the verifier accepts: JWKs with `kid`, or `{ kid, jwk }`. */
  evaluatorKeys: readonly TrustedJwk[]
  nowSeconds: number
  sha256: Sha256Hex
}

export interface EvaluationResultResult {
  valid: boolean
  reason: EvaluationReason
  message: string
  /** The header `kid`, or `?` when unreadable. */
  kid: string
  /** The verified claims (undefined when the token did not verify). */
  claims?: EvaluationResultClaims
}

/**
 * The claims of a result read WITHOUT verifying its signature (for showing a result whose key is
 * not at hand), or a message saying why they are not a result. The result is untrusted.
 */
export function decodeEvaluationResult(
  token: string,
): { ok: true; claims: EvaluationResultClaims; kid: string } | { ok: false; message: string } {
  return decodeBoundToken(token, EVALUATION_RESULT.kind)
}

/** A one-line account of a result: what was run, by whom, and how many thresholds were met. */
export function evaluationLine(evaluation: Evaluation): string {
  const { method, evaluator, metrics } = evaluation
  const judged = metrics.filter((m) => m.threshold !== undefined)
  const met = judged.filter((m) => m.threshold?.met === true).length
  return `${method.name} ${method.version} (${method.kind}) by ${evaluator.name} (${evaluator.role}), ${evaluation.performedAt}: ${metrics.length} metric${metrics.length === 1 ? '' : 's'}${judged.length > 0 ? `, ${met} of ${judged.length} thresholds met` : ''}`
}

/**
 * Verifies a result about one passport: the checks of ../passport/bound-token.ts
 * `verifyBoundToken` (form, algorithm and typ, an evaluator key by kid: `evaluation-untrusted`,
 * the signature, the claims with the contradictions of `checkEvaluation`, `nbf`:
 * `not-yet-valid`, the passport digest, jti and issuer: `evaluation-wrong-passport`), then that
 * every evaluated artifact is one the passport commits to (`evaluation-artifact-unknown`). Every
 * other failure is `evaluation-invalid`.
 */
export async function verifyEvaluationResult(
  token: string,
  options: VerifyEvaluationOptions,
): Promise<EvaluationResultResult> {
  const { evaluatorKeys, ...rest } = options
  const result = await verifyBoundToken(token, EVALUATION_RESULT.kind, {
    ...rest,
    keys: evaluatorKeys,
  })
  if (!result.valid) return result
  const { claims, kid } = result
  const evaluation = claims.credentialSubject.evaluation
  // The binding check decoded the passport JWT already, so this cannot throw.
  const passportClaims = decodeJwt(issuerJwtOf(options.passportIssuerJwt))
  const unknown = unknownArtifacts(evaluation, passportClaims)
  if (unknown.length > 0)
    return {
      valid: false,
      reason: 'evaluation-artifact-unknown',
      message: `the evaluation names an artifact this passport does not commit to: ${describeIssues(unknown)}`,
      kid,
    }
  return { valid: true, reason: 'ok', message: evaluationLine(evaluation), kid, claims }
}

/** One metric in words: `name [group]: value unit (95% CI lower to upper); threshold ...: met`. */
export function metricLine(m: Metric): string {
  const unit = m.unit !== undefined ? ` ${m.unit}` : ''
  const ci = m.confidenceInterval
  const t = m.threshold
  return [
    `${m.name}${m.group !== undefined ? ` [${m.group}]` : ''}: ${m.value}${unit}`,
    ci !== undefined ? ` (${Math.round(ci.level * 1000) / 10}% CI ${ci.lower} to ${ci.upper})` : '',
    t !== undefined
      ? `; threshold ${t.higherIsBetter ? 'at least' : 'at most'} ${t.value}${unit}: ${t.met ? 'met' : 'NOT met'}`
      : '',
    m.relatesTo !== undefined ? `; relates to ${m.relatesTo}` : '',
  ].join('')
}
