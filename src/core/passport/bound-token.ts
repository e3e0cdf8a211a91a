/**
 * What the self-authenticating statements about one passport share (incident reports,
 * src/core/incident/; evaluation results, src/core/evaluation/): an SD-JWT VC (RFC 9901,
 * `typ: dc+sd-jwt`) without disclosures, `<JWT>~`, signed by whoever makes the statement, with
 * `credentialSubject.passport` naming the passport by `jti`, `issuer` and the SHA-256 (hex) of
 * its issuer-signed JWT (as endorsements do: ./endorse.ts `checkPassportBinding`), a `jti` that
 * is a `urn:uuid:` and no `exp` (a statement about the past does not expire).
 *
 * Each kind supplies its names, reason codes and claims check (`BoundTokenKind`); this module
 * holds the form, the common claims, the build-time input checks and the verification order.
 * Pure: hashing and time are injected.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { z } from 'zod'
import type { Issue } from '../errors.js'
import type { Signer } from '../ports.js'
import { checkPassportBinding, type Sha256Hex } from './endorse.js'
import { signCompactJws, verifyCompactJws, type TrustedJwk } from './status.js'
import { ACCORD_CONTEXT, SD_JWT_TYP, VC_CONTEXT_V2 } from './types.js'

/** `urn:uuid:` followed by an RFC 9562 UUID (any version), lowercase or uppercase hex. */
export const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const HEX64 = /^[0-9a-f]{64}$/

/** `credentialSubject.passport`: the passport a statement is about. */
export const PassportBinding = z.strictObject({
  jti: z.string().min(1),
  issuer: z.string().min(1),
  digest: z.strictObject({ alg: z.literal('sha-256'), value: z.string().regex(HEX64) }),
})
export type PassportBinding = z.infer<typeof PassportBinding>

/** The claims every bound statement has besides `credentialSubject` (a zod shape to spread). */
export function boundClaimsShape(type: string, vct: string) {
  return {
    '@context': z.array(z.string()),
    type: z.array(z.string()).refine((t) => t.includes(type), {
      message: `type must include ${type}`,
    }),
    vct: z.literal(vct),
    iss: z.string().min(1),
    issuer: z.string().min(1),
    sub: z.string().min(1),
    iat: z.int().min(0),
    nbf: z.int().min(0),
    validFrom: z.string(),
    jti: z.string().regex(URN_UUID),
  }
}

/** The common claims of a bound statement, as `boundClaimsShape` checks them. */
export interface BoundClaims {
  '@context': string[]
  type: string[]
  vct: string
  iss: string
  issuer: string
  sub: string
  iat: number
  nbf: number
  validFrom: string
  jti: string
  credentialSubject: { id: string; passport: PassportBinding }
}

/** The passport a statement is built about, and the statement's own id and time. */
export interface BindOptions {
  /** SHA-256 (hex) of the passport's issuer-signed JWT: see passportDigestInput. */
  passportDigest: string
  passportJti: string
  passportIssuer: string
  /** The passport's `credentialSubject.id`. */
  subjectId: string
  /** Seconds since the epoch. */
  issuedAt: number
  /** This statement's id (`urn:uuid:...`), made by the caller. */
  id: string
}

export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')
}

/** Zod issues as `Issue`s with JSON paths. */
export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }))
}

/** The first five issues in one line, each with its path. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ')
}

/** Throws TypeError when the binding options break the contract. */
export function checkBindOptions(options: BindOptions): void {
  if (typeof options.passportDigest !== 'string' || !HEX64.test(options.passportDigest))
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
  if (!Number.isSafeInteger(options.issuedAt) || options.issuedAt < 0)
    throw new TypeError('issuedAt must be seconds')
}

/** The common claims of a statement by `issuer` (checked with `checkBindOptions` first). */
export function boundClaims(type: string, vct: string, issuer: string, options: BindOptions) {
  checkBindOptions(options)
  return {
    '@context': [VC_CONTEXT_V2, ACCORD_CONTEXT],
    type: ['VerifiableCredential', type],
    vct,
    iss: issuer,
    issuer,
    sub: options.subjectId,
    iat: options.issuedAt,
    nbf: options.issuedAt,
    validFrom: isoSeconds(options.issuedAt),
    jti: options.id,
    passport: {
      jti: options.passportJti,
      issuer: options.passportIssuer,
      digest: { alg: 'sha-256' as const, value: options.passportDigest },
    },
  }
}

/** Signs a statement's claims as an SD-JWT VC without disclosures: `<JWT>~`. */
export async function signBoundToken(claims: object, signer: Signer): Promise<string> {
  return `${await signCompactJws(claims as Record<string, unknown>, signer, SD_JWT_TYP)}~`
}

export type Checked<C> = { ok: true; claims: C } | { ok: false; message: string }

/** One kind of bound statement: its names in messages, reason codes and claims check. */
export interface BoundTokenKind<C extends BoundClaims, R extends string> {
  /** `incident report`, `evaluation result`. */
  what: string
  /** With its article: `an incident report`. */
  aWhat: string
  /** What the statement is called in short messages: `report`, `evaluation`. */
  noun: string
  maxChars: number
  /** Seconds `nbf` may lie ahead of the verifier's clock. */
  clockSkewSeconds: number
  reasons: { invalid: R; untrusted: R; wrongPassport: R }
  /** The claims (zod and cross-field checks), or why they are not this kind's. */
  claims: (payload: unknown) => Checked<C>
}

function tokenForm(
  token: string,
  kind: BoundTokenKind<BoundClaims, string>,
): { ok: true; jwt: string } | { ok: false; message: string } {
  const text = typeof token === 'string' ? token.trim() : ''
  if (text.length === 0 || text.length > kind.maxChars)
    return {
      ok: false,
      message: `the ${kind.noun} is empty or larger than ${kind.maxChars} characters`,
    }
  const parts = text.split('~')
  if (parts.length !== 2 || parts[1] !== '')
    return {
      ok: false,
      message: `${kind.aWhat} is an SD-JWT without disclosures or key binding: "<JWT>~"`,
    }
  return { ok: true, jwt: parts[0] as string }
}

/**
 * The claims of a statement read WITHOUT verifying its signature (for showing one whose key is
 * not at hand), or a message saying why they are not one. The result is untrusted.
 */
export function decodeBoundToken<C extends BoundClaims, R extends string>(
  token: string,
  kind: BoundTokenKind<C, R>,
): { ok: true; claims: C; kid: string } | { ok: false; message: string } {
  const form = tokenForm(token, kind)
  if (!form.ok) return form
  let payload: unknown
  let kid: unknown
  try {
    payload = decodeJwt(form.jwt)
    kid = decodeProtectedHeader(form.jwt).kid
  } catch {
    return { ok: false, message: `the ${kind.noun} is not a JWS with JSON header and payload` }
  }
  const claims = kind.claims(payload)
  if (!claims.ok) return claims
  return { ok: true, claims: claims.claims, kid: typeof kid === 'string' ? kid : '?' }
}

export interface VerifyBoundOptions {
  /** The issuer-signed JWT of the passport the statement must be about (or the whole SD-JWT). */
  passportIssuerJwt: string
  /** Public keys the verifier accepts: JWKs with `kid`, or `{ kid, jwk }`. */
  keys: readonly TrustedJwk[]
  nowSeconds: number
  sha256: Sha256Hex
}

export type BoundVerification<C, R extends string> =
  | { valid: true; claims: C; kid: string }
  | { valid: false; reason: R | 'not-yet-valid'; message: string; kid: string }

/**
 * Verifies a statement about one passport. In order: form (`<JWT>~`, no disclosures, size),
 * `alg` in ALLOWED_ALGS and `typ: dc+sd-jwt`, a key by `kid` (`untrusted` otherwise), the
 * signature, the claims (`kind.claims`), `nbf` (`not-yet-valid`, beyond the kind's skew), and
 * that the digest, jti and issuer name THIS passport (`wrongPassport`). Every other failure is
 * `invalid`.
 */
export async function verifyBoundToken<C extends BoundClaims, R extends string>(
  token: string,
  kind: BoundTokenKind<C, R>,
  options: VerifyBoundOptions,
): Promise<BoundVerification<C, R>> {
  let kid = '?'
  const fail = (reason: R | 'not-yet-valid', message: string): BoundVerification<C, R> => ({
    valid: false,
    reason,
    message,
    kid,
  })
  const form = tokenForm(token, kind)
  if (!form.ok) return fail(kind.reasons.invalid, form.message)
  const jwt = form.jwt
  try {
    const header = decodeProtectedHeader(jwt)
    if (typeof header.kid === 'string') kid = header.kid
  } catch {
    // Unreadable header: verifyCompactJws says why.
  }
  const verified = await verifyCompactJws(jwt, options.keys, [SD_JWT_TYP])
  if (!verified.ok)
    return fail(
      verified.failure === 'key-unknown' ? kind.reasons.untrusted : kind.reasons.invalid,
      `${kind.what}: ${verified.message}`,
    )
  const checked = kind.claims(verified.payload)
  if (!checked.ok) return fail(kind.reasons.invalid, checked.message)
  const claims = checked.claims
  if (options.nowSeconds + kind.clockSkewSeconds < claims.nbf)
    return fail(
      'not-yet-valid',
      `the ${kind.noun} is dated ${isoSeconds(claims.nbf)}, in the future`,
    )

  const { passport } = claims.credentialSubject
  const binding = await checkPassportBinding(
    { jti: passport.jti, issuer: passport.issuer, digest: passport.digest.value },
    options.passportIssuerJwt,
    options.sha256,
  )
  if (binding === 'digest')
    return fail(
      kind.reasons.wrongPassport,
      `the ${kind.noun} is about another passport (its digest does not match this passport)`,
    )
  if (binding === 'undecodable')
    return fail(kind.reasons.invalid, 'the passport JWT cannot be decoded')
  if (binding === 'jti-issuer')
    return fail(
      kind.reasons.wrongPassport,
      `the ${kind.noun}'s passport jti or issuer does not match this passport`,
    )
  return { valid: true, claims, kid }
}

/**
 * One kind of statement whose claims are the bound claims plus `credentialSubject[field]`, a
 * value with its own zod schema and cross-field checks (an incident, an evaluation).
 */
export interface StatementSpec<C extends BoundClaims, V, R extends string> extends Omit<
  BoundTokenKind<C, R>,
  'claims'
> {
  type: string
  vct: string
  /** The claims schema (bound claims + `credentialSubject.{id, passport, [field]}`). */
  claimsSchema: z.ZodType<C>
  valueSchema: z.ZodType<V>
  /** `incident`, `evaluation`: the member of `credentialSubject`, and its name in messages. */
  field: string
  valueOf: (claims: C) => V
  /** Contradictions of a schema-valid value; `reportedAtMs`: when it is (or was) signed. */
  check: (value: V, options: { reportedAtMs?: number }) => Issue[]
  /** The statement's `iss`: an id inside the value (the reporter's, the evaluator's). */
  issuerIdOf: (value: V) => string
  /** That id in messages: `the incident reporter id`. */
  issuerLabel: string
}

/** A statement kind's token kind (for decode and verify), its value checks and its builder. */
export function defineStatement<C extends BoundClaims, V, R extends string>(
  spec: StatementSpec<C, V, R>,
) {
  const reportedAtMs = (seconds: number) => (seconds + spec.clockSkewSeconds) * 1000
  /** The zod and cross-field problems of a value, as issues with JSON paths. */
  const issues = (value: unknown, issuedAt?: number): Issue[] => {
    const parsed = spec.valueSchema.safeParse(value)
    if (!parsed.success) return zodIssues(parsed.error)
    return spec.check(
      parsed.data,
      issuedAt === undefined ? {} : { reportedAtMs: reportedAtMs(issuedAt) },
    )
  }
  const claims = (payload: unknown): Checked<C> => {
    const parsed = spec.claimsSchema.safeParse(payload)
    if (!parsed.success)
      return {
        ok: false,
        message: `the claims are not an Accord ${spec.what}: ${describeIssues(zodIssues(parsed.error))}`,
      }
    const c = parsed.data
    const value = spec.valueOf(c)
    const contradictions = spec
      .check(value, { reportedAtMs: reportedAtMs(c.iat) })
      .map((i) => ({ ...i, path: ['credentialSubject', spec.field, ...i.path] }))
    if (contradictions.length > 0)
      return {
        ok: false,
        message: `the ${spec.field} contradicts itself: ${describeIssues(contradictions)}`,
      }
    if (c.iss !== spec.issuerIdOf(value) || c.issuer !== c.iss)
      return { ok: false, message: `iss, issuer and ${spec.issuerLabel} must be the same` }
    if (c.sub !== c.credentialSubject.id)
      return { ok: false, message: 'sub and credentialSubject.id must be the same' }
    return { ok: true, claims: c }
  }
  /**
   * The claims of a statement. Throws TypeError for inputs that break the contract, including a
   * value that fails its schema or contradicts itself (the CLI reports those with positions
   * before it gets here).
   */
  const build = (value: V, options: BindOptions): C => {
    checkBindOptions(options)
    const problems = issues(value, options.issuedAt)
    if (problems.length > 0)
      throw new TypeError(`the ${spec.field} is not valid: ${describeIssues(problems)}`)
    const { passport, ...common } = boundClaims(
      spec.type,
      spec.vct,
      spec.issuerIdOf(value),
      options,
    )
    return {
      ...common,
      credentialSubject: { id: options.subjectId, passport, [spec.field]: value },
    } as unknown as C
  }
  const kind: BoundTokenKind<C, R> = { ...spec, claims }
  return { kind, issues, build }
}
