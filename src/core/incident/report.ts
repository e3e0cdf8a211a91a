/**
 * Serious-incident reports (EU AI Act Art. 73) about one passport's AI system, shared through the
 * registry so partners see them.
 *
 * Format: like an endorsement (../passport/endorse.ts), an SD-JWT VC (RFC 9901, `typ: dc+sd-jwt`)
 * without disclosures, `<JWT>~`, with `vct` INCIDENT_REPORT_VCT. `iss` is the reporter, `jti`
 * this report's id; there is no `exp`: a report is a statement about the past and does not
 * expire (a later report of the same incident, with the next `sequence`, completes or corrects
 * it: Art. 73(5)).
 *
 * Binding: `credentialSubject.passport` names the passport by `jti`, `issuer` and the SHA-256
 * (hex) of its issuer-signed JWT, exactly as endorsements do. The form, binding and verification
 * order are shared with evaluation results: ../passport/bound-token.ts.
 *
 * Pure: hashing and time are injected.
 */
import { z } from 'zod'
import type { Issue } from '../errors.js'
import type { Signer } from '../ports.js'
import {
  PassportBinding,
  boundClaimsShape,
  decodeBoundToken,
  defineStatement,
  signBoundToken,
  verifyBoundToken,
  type BindOptions,
} from '../passport/bound-token.js'
import type { Sha256Hex } from '../passport/endorse.js'
import type { TrustedJwk } from '../passport/status.js'
import { INCIDENT_REPORT_TYPE, INCIDENT_REPORT_VCT } from '../passport/types.js'
import { Incident, checkIncident } from './schema.js'

/** Largest incident report token accepted, in characters. */
export const MAX_INCIDENT_REPORT_CHARS = 64 * 1024

/** Seconds a report's `nbf` may lie ahead of the verifier's clock (clock skew). */
export const INCIDENT_CLOCK_SKEW_SECONDS = 300

/** The claims of a report, as signed; `verifyIncidentReport` checks a payload against this. */
export const IncidentReportClaims = z.strictObject({
  ...boundClaimsShape(INCIDENT_REPORT_TYPE, INCIDENT_REPORT_VCT),
  credentialSubject: z.strictObject({
    id: z.string().min(1),
    passport: PassportBinding,
    incident: Incident,
  }),
})
export type IncidentReportClaims = z.infer<typeof IncidentReportClaims>

export interface BuildIncidentOptions extends BindOptions {
  incident: Incident
}

export type IncidentReason =
  'ok' | 'incident-invalid' | 'incident-untrusted' | 'incident-wrong-passport' | 'not-yet-valid'

const INCIDENT_REPORT = defineStatement<IncidentReportClaims, Incident, IncidentReason>({
  type: INCIDENT_REPORT_TYPE,
  vct: INCIDENT_REPORT_VCT,
  what: 'incident report',
  aWhat: 'an incident report',
  noun: 'report',
  maxChars: MAX_INCIDENT_REPORT_CHARS,
  clockSkewSeconds: INCIDENT_CLOCK_SKEW_SECONDS,
  reasons: {
    invalid: 'incident-invalid',
    untrusted: 'incident-untrusted',
    wrongPassport: 'incident-wrong-passport',
  },
  claimsSchema: IncidentReportClaims,
  valueSchema: Incident,
  field: 'incident',
  valueOf: (claims) => claims.credentialSubject.incident,
  check: checkIncident,
  issuerIdOf: (incident) => incident.reporter.id,
  issuerLabel: 'the incident reporter id',
})

/** The zod and cross-field problems of `incident`, as issues with JSON paths. */
export function incidentIssues(incident: unknown, issuedAt?: number): Issue[] {
  return INCIDENT_REPORT.issues(incident, issuedAt)
}

/**
 * The claims of a report. Throws TypeError for inputs that break the contract, including an
 * incident that fails its schema or contradicts itself (the CLI reports those with positions
 * before it gets here).
 */
export function buildIncidentClaims(options: BuildIncidentOptions): IncidentReportClaims {
  return INCIDENT_REPORT.build(options.incident, options)
}

/** Signs report claims as an SD-JWT VC without disclosures: `<JWT>~`. */
export function signIncidentReport(claims: IncidentReportClaims, signer: Signer): Promise<string> {
  return signBoundToken(claims, signer)
}

export interface VerifyIncidentOptions {
  /** The issuer-signed JWT of the passport the report must be about (or the whole SD-JWT). */
  passportIssuerJwt: string
  /** Public keys of the reporters the verifier accepts: JWKs with `kid`, or `{ kid, jwk }`. */
  reporterKeys: readonly TrustedJwk[]
  nowSeconds: number
  sha256: Sha256Hex
}

export interface IncidentReportResult {
  valid: boolean
  reason: IncidentReason
  message: string
  /** The header `kid`, or `?` when unreadable. */
  kid: string
  /** The verified claims (undefined when the token did not verify). */
  claims?: IncidentReportClaims
}

/**
 * The claims of a report read WITHOUT verifying its signature (for showing a report whose key is
 * not at hand), or a message saying why they are not a report. The result is untrusted.
 */
export function decodeIncidentReport(
  token: string,
): { ok: true; claims: IncidentReportClaims; kid: string } | { ok: false; message: string } {
  return decodeBoundToken(token, INCIDENT_REPORT.kind)
}

/**
 * Verifies a report about one passport (../passport/bound-token.ts `verifyBoundToken`). In order:
 * form (`<JWT>~`, no disclosures, size), `alg` in ALLOWED_ALGS and `typ: dc+sd-jwt`, a reporter
 * key by `kid` (`incident-untrusted` otherwise), the signature, the claims (zod, then the
 * contradictions of `checkIncident`), `nbf` (`not-yet-valid`, beyond a 5-minute skew), and that
 * the digest, jti and issuer name THIS passport (`incident-wrong-passport`). Every other failure
 * is `incident-invalid`.
 */
export async function verifyIncidentReport(
  token: string,
  options: VerifyIncidentOptions,
): Promise<IncidentReportResult> {
  const { reporterKeys, ...rest } = options
  const result = await verifyBoundToken(token, INCIDENT_REPORT.kind, {
    ...rest,
    keys: reporterKeys,
  })
  if (!result.valid) return result
  const { claims, kid } = result
  const incident = claims.credentialSubject.incident
  return {
    valid: true,
    reason: 'ok',
    message: `${incident.report} report ${incident.sequence} of incident ${incident.id} by ${incident.reporter.name} (${incident.reporter.role})`,
    kid,
    claims,
  }
}
