/**
 * Endorsements: a third party (an auditor, a notified body, a national authority) countersigns
 * one passport, saying what it checked.
 *
 * Format: an SD-JWT VC (RFC 9901, `typ: dc+sd-jwt`, `vct` ENDORSEMENT_VCT) with no disclosures,
 * i.e. `<issuer-signed JWT>~`. Chosen over a plain `vc+jwt` for uniformity: passports and
 * endorsements are the same credential format, so a wallet or verifier that handles one handles
 * both, and the SD-JWT VC `vct` names the type. Nothing in an endorsement is worth hiding, so it
 * has no disclosures and verifies as a plain JWS (jose `compactVerify`).
 *
 * Binding: `credentialSubject.passport.digest` is the SHA-256 (hex) of the passport's
 * issuer-signed JWT (the part before the first `~`), which covers every claim and every
 * disclosure digest, so the endorsement holds for exactly that passport, whatever is disclosed.
 *
 * Pure: hashing and time are injected.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Signer } from '../ports.js'
import { signCompactJws, verifyCompactJws } from './status.js'
import type { TrustedJwk } from './status.js'
import {
  ACCORD_CONTEXT,
  ENDORSEMENT_TYPE,
  ENDORSEMENT_VCT,
  SD_JWT_TYP,
  VC_CONTEXT_V2,
} from './types.js'
import type { ReasonCode } from './types.js'

export const ENDORSER_KINDS = ['third-party', 'notified-body', 'national-authority'] as const
export type EndorserKind = (typeof ENDORSER_KINDS)[number]

/** Largest endorsement token accepted, in characters. */
export const MAX_ENDORSEMENT_CHARS = 64 * 1024

/** SHA-256 of bytes as lowercase hex; node passes node:crypto, a browser WebCrypto. */
export type Sha256Hex = (data: Uint8Array) => string | Promise<string>

export interface Endorser {
  /** Identifier of the endorser (a URL, DID or `urn:ietf:params:oauth:jwk-thumbprint:...`). */
  id: string
  name: string
  kind: EndorserKind
}

export interface BuildEndorsementOptions {
  /** SHA-256 (hex) of the passport's issuer-signed JWT: see passportDigestInput. */
  passportDigest: string
  passportJti: string
  passportIssuer: string
  /** The passport's `credentialSubject.id`. */
  subjectId: string
  endorser: Endorser
  /** What was checked, e.g. `eu-ai-act:art-15`, `artifacts`, `evidence:red-team-report`. */
  checked: readonly string[]
  statement: string
  /** Seconds since the epoch. */
  issuedAt: number
  validForDays: number
  /** Unique id of the endorsement (`urn:uuid:...`), made by the caller. */
  id?: string
}

export interface EndorsementClaims {
  '@context': string[]
  type: string[]
  vct: string
  iss: string
  issuer: string
  sub: string
  iat: number
  nbf: number
  exp: number
  validFrom: string
  validUntil: string
  jti?: string
  credentialSubject: {
    id: string
    passport: { jti: string; issuer: string; digest: { alg: 'sha-256'; value: string } }
    endorser: Endorser
    checked: string[]
    statement: string
  }
}

const HEX64 = /^[0-9a-f]{64}$/
const CHECKED_ITEM = /^[a-z0-9][a-z0-9:._/-]{0,127}$/i
const DAY = 24 * 3600

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`${name} must be a non-empty string`)
  return value
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')
}

/** The bytes whose SHA-256 is the passport digest: the issuer-signed JWT of an SD-JWT. */
export function passportDigestInput(passport: string): Uint8Array {
  return new TextEncoder().encode(issuerJwtOf(passport))
}

/** The issuer-signed JWT of an SD-JWT (the part before the first `~`), trimmed. */
export function issuerJwtOf(sdJwt: string): string {
  return (sdJwt.trim().split('~')[0] ?? '').trim()
}

/**
 * Whether a credential's `credentialSubject.passport` (`jti`, `issuer`, and the SHA-256 hex of the
 * passport's issuer-signed JWT) names the passport whose issuer-signed JWT (or whole SD-JWT) is
 * `passportIssuerJwt`: `ok`, or which part does not (`digest`, `jti-issuer`), or `undecodable`
 * when the passport's JWT does not decode. Endorsements and incident reports bind this way.
 */
export async function checkPassportBinding(
  binding: { jti: unknown; issuer: unknown; digest: string },
  passportIssuerJwt: string,
  sha256: Sha256Hex,
): Promise<'ok' | 'digest' | 'jti-issuer' | 'undecodable'> {
  const passportJwt = issuerJwtOf(passportIssuerJwt)
  const actual = (await sha256(new TextEncoder().encode(passportJwt))).toLowerCase()
  if (binding.digest.toLowerCase() !== actual) return 'digest'
  let passportClaims: Record<string, unknown>
  try {
    passportClaims = decodeJwt(passportJwt)
  } catch {
    return 'undecodable'
  }
  if (
    binding.jti !== passportClaims.jti ||
    binding.issuer !== (passportClaims.iss ?? passportClaims.issuer)
  )
    return 'jti-issuer'
  return 'ok'
}

/** The claims of an endorsement. Throws TypeError for inputs that break the contract. */
export function buildEndorsementClaims(options: BuildEndorsementOptions): EndorsementClaims {
  const { passportDigest, endorser, checked, issuedAt, validForDays } = options
  if (typeof passportDigest !== 'string' || !HEX64.test(passportDigest))
    throw new TypeError('passportDigest must be 64 lowercase hex characters (SHA-256)')
  nonEmpty(options.passportJti, 'passportJti')
  nonEmpty(options.passportIssuer, 'passportIssuer')
  nonEmpty(options.subjectId, 'subjectId')
  nonEmpty(endorser?.id, 'endorser.id')
  nonEmpty(endorser?.name, 'endorser.name')
  if (!ENDORSER_KINDS.includes(endorser.kind))
    throw new TypeError(`endorser.kind must be one of ${ENDORSER_KINDS.join(', ')}`)
  nonEmpty(options.statement, 'statement')
  if (!Array.isArray(checked) || checked.length === 0)
    throw new TypeError('checked must list at least one thing that was checked')
  for (const c of checked)
    if (typeof c !== 'string' || !CHECKED_ITEM.test(c))
      throw new TypeError(`checked item "${String(c)}" must be a short id like eu-ai-act:art-15`)
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0)
    throw new TypeError('issuedAt must be seconds')
  if (!Number.isSafeInteger(validForDays) || validForDays < 1 || validForDays > 3660)
    throw new TypeError('validForDays must be an integer from 1 to 3660')
  const exp = issuedAt + validForDays * DAY
  return {
    '@context': [VC_CONTEXT_V2, ACCORD_CONTEXT],
    type: ['VerifiableCredential', ENDORSEMENT_TYPE],
    vct: ENDORSEMENT_VCT,
    iss: endorser.id,
    issuer: endorser.id,
    sub: options.subjectId,
    iat: issuedAt,
    nbf: issuedAt,
    exp,
    validFrom: isoSeconds(issuedAt),
    validUntil: isoSeconds(exp),
    ...(options.id !== undefined ? { jti: options.id } : {}),
    credentialSubject: {
      id: options.subjectId,
      passport: {
        jti: options.passportJti,
        issuer: options.passportIssuer,
        digest: { alg: 'sha-256', value: passportDigest },
      },
      endorser: { id: endorser.id, name: endorser.name, kind: endorser.kind },
      checked: [...new Set(checked)].sort(),
      statement: options.statement,
    },
  }
}

/** Signs endorsement claims as an SD-JWT VC without disclosures: `<JWT>~`. */
export async function signEndorsement(claims: EndorsementClaims, signer: Signer): Promise<string> {
  return `${await signCompactJws(claims as unknown as Record<string, unknown>, signer, SD_JWT_TYP)}~`
}

export interface VerifyEndorsementOptions {
  /** The issuer-signed JWT of the passport being verified (or the whole SD-JWT: cut at `~`). */
  passportIssuerJwt: string
  /** Public keys of the assessors the verifier trusts: JWKs with `kid`, or `{ kid, jwk }`. */
  trustedAssessorKeys: readonly TrustedJwk[]
  nowSeconds: number
  sha256: Sha256Hex
}

export interface EndorsementResult {
  valid: boolean
  reason: ReasonCode
  message: string
  /** From the verified claims (undefined when the token did not verify). */
  endorser?: Endorser
  checked: string[]
  /** `iss` of the endorsement, or `kid` when it did not verify. */
  issuer: string
  statement?: string
  exp?: number
}

/**
 * Verifies an endorsement of one passport. In order: form (`<JWT>~`, no disclosures, size),
 * `alg` in ALLOWED_ALGS and `typ: dc+sd-jwt`, a trusted endorser key by `kid`
 * (`endorsement-untrusted` otherwise), the signature, the claims (`vct`, type, endorser), the
 * validity period (`not-yet-valid`, `expired`), and that the digest, jti and issuer name THIS
 * passport. Every failure other than trust and time is `endorsement-invalid`.
 */
export async function verifyEndorsement(
  token: string,
  options: VerifyEndorsementOptions,
): Promise<EndorsementResult> {
  const fail = (reason: ReasonCode, message: string, issuer = '?'): EndorsementResult => ({
    valid: false,
    reason,
    message,
    checked: [],
    issuer,
  })
  const text = typeof token === 'string' ? token.trim() : ''
  if (text.length === 0 || text.length > MAX_ENDORSEMENT_CHARS)
    return fail('endorsement-invalid', 'the endorsement is empty or too large')
  const parts = text.split('~')
  if (parts.length !== 2 || parts[1] !== '')
    return fail(
      'endorsement-invalid',
      'an endorsement is an SD-JWT without disclosures or key binding: "<JWT>~"',
    )
  const jwt = parts[0] as string
  const verified = await verifyCompactJws(jwt, options.trustedAssessorKeys, [SD_JWT_TYP])
  if (!verified.ok) {
    let kid = '?'
    try {
      const header = decodeProtectedHeader(jwt)
      if (typeof header.kid === 'string') kid = header.kid
    } catch {
      // Unreadable header: the issuer stays unknown.
    }
    return fail(
      verified.failure === 'key-unknown' ? 'endorsement-untrusted' : 'endorsement-invalid',
      `endorsement: ${verified.message}`,
      kid,
    )
  }
  const c = verified.payload as Partial<EndorsementClaims>
  const issuer = typeof c.iss === 'string' ? c.iss : '?'
  const cs = c.credentialSubject
  const digest = cs?.passport?.digest
  const endorser = cs?.endorser
  if (
    c.vct !== ENDORSEMENT_VCT ||
    !Array.isArray(c.type) ||
    !c.type.includes(ENDORSEMENT_TYPE) ||
    typeof cs !== 'object' ||
    cs === null ||
    typeof digest !== 'object' ||
    digest === null ||
    digest.alg !== 'sha-256' ||
    typeof digest.value !== 'string' ||
    typeof endorser !== 'object' ||
    endorser === null ||
    typeof endorser.id !== 'string' ||
    typeof endorser.name !== 'string' ||
    !ENDORSER_KINDS.includes(endorser.kind) ||
    !Array.isArray(cs.checked) ||
    !cs.checked.every((x) => typeof x === 'string') ||
    typeof c.exp !== 'number' ||
    (c.nbf !== undefined && typeof c.nbf !== 'number')
  )
    return fail(
      'endorsement-invalid',
      'the endorsement claims are not an Accord endorsement',
      issuer,
    )

  if (c.nbf !== undefined && options.nowSeconds < c.nbf)
    return fail('not-yet-valid', `the endorsement is valid only from ${isoSeconds(c.nbf)}`, issuer)
  if (options.nowSeconds >= c.exp)
    return fail('expired', `the endorsement expired at ${isoSeconds(c.exp)}`, issuer)

  const binding = await checkPassportBinding(
    { jti: cs.passport?.jti, issuer: cs.passport?.issuer, digest: digest.value },
    options.passportIssuerJwt,
    options.sha256,
  )
  if (binding === 'digest')
    return fail(
      'endorsement-invalid',
      'the endorsement is for another passport (its digest does not match this passport)',
      issuer,
    )
  if (binding === 'undecodable')
    return fail('endorsement-invalid', 'the passport JWT cannot be decoded', issuer)
  if (binding === 'jti-issuer')
    return fail(
      'endorsement-invalid',
      "the endorsement's passport jti or issuer does not match",
      issuer,
    )

  return {
    valid: true,
    reason: 'ok',
    message: `endorsed by ${endorser.name} (${endorser.kind})`,
    endorser: { id: endorser.id, name: endorser.name, kind: endorser.kind },
    checked: [...cs.checked],
    issuer,
    ...(typeof cs.statement === 'string' ? { statement: cs.statement } : {}),
    exp: c.exp,
  }
}
