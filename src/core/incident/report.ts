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
 * (hex) of its issuer-signed JWT, exactly as endorsements do.
 *
 * Pure: hashing and time are injected.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { z } from 'zod'
import type { Issue } from '../errors.js'
import type { Signer } from '../ports.js'
import { checkPassportBinding, type Sha256Hex } from '../passport/endorse.js'
import { signCompactJws, verifyCompactJws, type TrustedJwk } from '../passport/status.js'
import {
  ACCORD_CONTEXT,
  INCIDENT_REPORT_TYPE,
  INCIDENT_REPORT_VCT,
  SD_JWT_TYP,
  VC_CONTEXT_V2,
} from '../passport/types.js'
import { Incident, URN_UUID, checkIncident } from './schema.js'

/** Largest incident report token accepted, in characters. */
export const MAX_INCIDENT_REPORT_CHARS = 64 * 1024

/** Seconds a report's `nbf` may lie ahead of the verifier's clock (clock skew). */
export const INCIDENT_CLOCK_SKEW_SECONDS = 300

const HEX64 = /^[0-9a-f]{64}$/

const PassportBinding = z.strictObject({
  jti: z.string().min(1),
  issuer: z.string().min(1),
  digest: z.strictObject({ alg: z.literal('sha-256'), value: z.string().regex(HEX64) }),
})

/** The claims of a report, as signed; `verifyIncidentReport` checks a payload against this. */
export const IncidentReportClaims = z.strictObject({
  '@context': z.array(z.string()),
  type: z.array(z.string()).refine((t) => t.includes(INCIDENT_REPORT_TYPE), {
    message: `type must include ${INCIDENT_REPORT_TYPE}`,
  }),
  vct: z.literal(INCIDENT_REPORT_VCT),
  iss: z.string().min(1),
  issuer: z.string().min(1),
  sub: z.string().min(1),
  iat: z.int().min(0),
  nbf: z.int().min(0),
  validFrom: z.string(),
  jti: z.string().regex(URN_UUID),
  credentialSubject: z.strictObject({
    id: z.string().min(1),
    passport: PassportBinding,
    incident: Incident,
  }),
})
export type IncidentReportClaims = z.infer<typeof IncidentReportClaims>

export interface BuildIncidentOptions {
  /** SHA-256 (hex) of the passport's issuer-signed JWT: see passportDigestInput. */
  passportDigest: string
  passportJti: string
  passportIssuer: string
  /** The passport's `credentialSubject.id`. */
  subjectId: string
  incident: Incident
  /** Seconds since the epoch. */
  issuedAt: number
  /** This report's id (`urn:uuid:...`), made by the caller. */
  id: string
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')
}

/** The zod and cross-field problems of `incident`, as issues with JSON paths. */
export function incidentIssues(incident: unknown, issuedAt?: number): Issue[] {
  const parsed = Incident.safeParse(incident)
  if (!parsed.success)
    return parsed.error.issues.map((i) => ({
      code: i.code,
      path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
      message: i.message,
    }))
  return checkIncident(
    parsed.data,
    issuedAt === undefined ? {} : { reportedAtMs: (issuedAt + INCIDENT_CLOCK_SKEW_SECONDS) * 1000 },
  )
}

function describe(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ')
}

/**
 * The claims of a report. Throws TypeError for inputs that break the contract, including an
 * incident that fails its schema or contradicts itself (the CLI reports those with positions
 * before it gets here).
 */
export function buildIncidentClaims(options: BuildIncidentOptions): IncidentReportClaims {
  const { passportDigest, incident, issuedAt } = options
  if (typeof passportDigest !== 'string' || !HEX64.test(passportDigest))
    throw new TypeError('passportDigest must be 64 lowercase hex characters (SHA-256)')
  for (const [name, value] of [
    ['passportJti', options.passportJti],
    ['passportIssuer', options.passportIssuer],
    ['subjectId', options.subjectId],
  ] as const)
    if (typeof value !== 'string' || value.trim() === '')
      throw new TypeError(`${name} must be a non-empty string`)
  if (typeof options.id !== 'string' || !URN_UUID.test(options.id))
    throw new TypeError('id must be a urn:uuid: identifier')
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0)
    throw new TypeError('issuedAt must be seconds')
  const issues = incidentIssues(incident, issuedAt)
  if (issues.length > 0) throw new TypeError(`the incident is not valid: ${describe(issues)}`)
  return {
    '@context': [VC_CONTEXT_V2, ACCORD_CONTEXT],
    type: ['VerifiableCredential', INCIDENT_REPORT_TYPE],
    vct: INCIDENT_REPORT_VCT,
    iss: incident.reporter.id,
    issuer: incident.reporter.id,
    sub: options.subjectId,
    iat: issuedAt,
    nbf: issuedAt,
    validFrom: isoSeconds(issuedAt),
    jti: options.id,
    credentialSubject: {
      id: options.subjectId,
      passport: {
        jti: options.passportJti,
        issuer: options.passportIssuer,
        digest: { alg: 'sha-256', value: passportDigest },
      },
      incident,
    },
  }
}

/** Signs report claims as an SD-JWT VC without disclosures: `<JWT>~`. */
export async function signIncidentReport(
  claims: IncidentReportClaims,
  signer: Signer,
): Promise<string> {
  return `${await signCompactJws(claims as unknown as Record<string, unknown>, signer, SD_JWT_TYP)}~`
}

export type IncidentReason =
  'ok' | 'incident-invalid' | 'incident-untrusted' | 'incident-wrong-passport' | 'not-yet-valid'

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
  const form = reportForm(token)
  if (!form.ok) return form
  let payload: unknown
  let kid: unknown
  try {
    payload = decodeJwt(form.jwt)
    kid = decodeProtectedHeader(form.jwt).kid
  } catch {
    return { ok: false, message: 'the report is not a JWS with JSON header and payload' }
  }
  const claims = claimsProblem(payload)
  if (!claims.ok) return claims
  return { ok: true, claims: claims.claims, kid: typeof kid === 'string' ? kid : '?' }
}

function reportForm(token: string): { ok: true; jwt: string } | { ok: false; message: string } {
  const text = typeof token === 'string' ? token.trim() : ''
  if (text.length === 0 || text.length > MAX_INCIDENT_REPORT_CHARS)
    return {
      ok: false,
      message: `the report is empty or larger than ${MAX_INCIDENT_REPORT_CHARS} characters`,
    }
  const parts = text.split('~')
  if (parts.length !== 2 || parts[1] !== '')
    return {
      ok: false,
      message: 'an incident report is an SD-JWT without disclosures or key binding: "<JWT>~"',
    }
  return { ok: true, jwt: parts[0] as string }
}

function claimsProblem(
  payload: unknown,
): { ok: true; claims: IncidentReportClaims } | { ok: false; message: string } {
  const parsed = IncidentReportClaims.safeParse(payload)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      code: i.code,
      path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
      message: i.message,
    }))
    return {
      ok: false,
      message: `the claims are not an Accord incident report: ${describe(issues)}`,
    }
  }
  const claims = parsed.data
  const contradictions = checkIncident(claims.credentialSubject.incident, {
    reportedAtMs: (claims.iat + INCIDENT_CLOCK_SKEW_SECONDS) * 1000,
  }).map((i) => ({
    ...i,
    path: ['credentialSubject', 'incident', ...i.path],
  }))
  if (contradictions.length > 0)
    return { ok: false, message: `the incident contradicts itself: ${describe(contradictions)}` }
  if (claims.iss !== claims.credentialSubject.incident.reporter.id || claims.issuer !== claims.iss)
    return { ok: false, message: 'iss, issuer and the incident reporter id must be the same' }
  if (claims.sub !== claims.credentialSubject.id)
    return { ok: false, message: 'sub and credentialSubject.id must be the same' }
  return { ok: true, claims }
}

/**
 * Verifies a report about one passport. In order: form (`<JWT>~`, no disclosures, size), `alg`
 * in ALLOWED_ALGS and `typ: dc+sd-jwt`, a reporter key by `kid` (`incident-untrusted`
 * otherwise), the signature, the claims (zod, then the contradictions of `checkIncident`), `nbf`
 * (`not-yet-valid`, beyond a 5-minute skew), and that the digest, jti and issuer name THIS
 * passport (`incident-wrong-passport`). Every other failure is `incident-invalid`.
 */
export async function verifyIncidentReport(
  token: string,
  options: VerifyIncidentOptions,
): Promise<IncidentReportResult> {
  const fail = (reason: IncidentReason, message: string, kid = '?'): IncidentReportResult => ({
    valid: false,
    reason,
    message,
    kid,
  })
  const form = reportForm(token)
  if (!form.ok) return fail('incident-invalid', form.message)
  const jwt = form.jwt
  let kid = '?'
  try {
    const header = decodeProtectedHeader(jwt)
    if (typeof header.kid === 'string') kid = header.kid
  } catch {
    // Unreadable header: verifyCompactJws says why.
  }
  const verified = await verifyCompactJws(jwt, options.reporterKeys, [SD_JWT_TYP])
  if (!verified.ok)
    return fail(
      verified.failure === 'key-unknown' ? 'incident-untrusted' : 'incident-invalid',
      `incident report: ${verified.message}`,
      kid,
    )
  const checked = claimsProblem(verified.payload)
  if (!checked.ok) return fail('incident-invalid', checked.message, kid)
  const claims = checked.claims
  if (options.nowSeconds + INCIDENT_CLOCK_SKEW_SECONDS < claims.nbf)
    return fail(
      'not-yet-valid',
      `the report is dated ${isoSeconds(claims.nbf)}, in the future`,
      kid,
    )

  const { passport } = claims.credentialSubject
  const binding = await checkPassportBinding(
    { jti: passport.jti, issuer: passport.issuer, digest: passport.digest.value },
    options.passportIssuerJwt,
    options.sha256,
  )
  if (binding === 'digest')
    return fail(
      'incident-wrong-passport',
      'the report is about another passport (its digest does not match this passport)',
      kid,
    )
  if (binding === 'undecodable')
    return fail('incident-invalid', 'the passport JWT cannot be decoded', kid)
  if (binding === 'jti-issuer')
    return fail(
      'incident-wrong-passport',
      "the report's passport jti or issuer does not match this passport",
      kid,
    )
  const incident = claims.credentialSubject.incident
  return {
    valid: true,
    reason: 'ok',
    message: `${incident.report} report ${incident.sequence} of incident ${incident.id} by ${incident.reporter.name} (${incident.reporter.role})`,
    kid,
    claims,
  }
}
