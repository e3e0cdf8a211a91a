/**
 * Log entries: what the registry appends to its transparency log for each publish, status change,
 * endorsement, and grant or withdrawal of a delegation, encoded so that anyone can recompute the leaf hash.
 *
 * Encoding: the entry object as RFC 8785 canonical JSON (src/core/catalog/canonical.ts), UTF-8.
 * That byte string is the RFC 9162 leaf input; the leaf hash is SHA-256(0x00 || bytes).
 *
 * A passport entry holds only what can be read off the passport itself (jti, iss, header kid and
 * the SHA-256 of the issuer-signed JWT), so a verifier holding just the passport recomputes the
 * exact leaf and checks it against a signed checkpoint, without trusting the registry's copy.
 * The issuer-signed JWT covers every claim and every disclosure digest, so the entry commits to
 * the whole passport whatever is disclosed later.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { z } from 'zod'
import { canonicalJson } from '../catalog/canonical.js'
import { leafHash, toHex, type Sha256Fn } from '../merkle/hash.js'
import { issuerJwtOf } from '../passport/endorse.js'
import type {
  DelegationRecord,
  EndorsementRecord,
  EvaluationRecord,
  IncidentRecord,
  LogEntryKind,
  PassportRecord,
  PassportStatus,
  StatusChange,
} from '../store.js'

/** Version of the entry encoding, in every entry as `v`. */
export const TLOG_ENTRY_VERSION = 1

/** Largest entry payload accepted when parsing (entries are a few hundred bytes). */
export const MAX_ENTRY_BYTES = 16 * 1024

export interface PassportEntry {
  v: 1
  kind: 'passport'
  /** The passport's `jti`. */
  id: string
  /** `iss` of the passport. */
  issuer: string
  /** `kid` of the passport's JWS header. */
  kid: string
  /** Lowercase hex SHA-256 of the issuer-signed JWT (the part before the first `~`). */
  issuerJwtSha256: string
}

export interface StatusEntry {
  v: 1
  kind: 'revocation' | 'suspension' | 'reinstatement'
  passportId: string
  status: PassportStatus
  reason: string | null
  /** kid of the key that signed the change. */
  byKid: string
  /** RFC 3339 time of the change. */
  at: string
}

export interface EndorsementEntry {
  v: 1
  kind: 'endorsement'
  id: string
  passportId: string
  endorserKid: string
  /** Lowercase hex SHA-256 of the endorsement's issuer-signed JWT. */
  tokenSha256: string
}

/**
 * An issuer key authorising a delegate key (named by its RFC 7638 thumbprint, which commits to
 * the whole public key) for `scope`, from `at` until a withdrawal entry with the same `id`.
 */
export interface DelegationEntry {
  v: 1
  kind: 'delegation'
  id: string
  issuerKid: string
  delegateKid: string
  scope: 'status'
  at: string
}

/** The issuer withdrawing delegation `id`; status changes by the delegate after `at` are refused. */
export interface DelegationWithdrawalEntry {
  v: 1
  kind: 'delegation-withdrawal'
  id: string
  issuerKid: string
  delegateKid: string
  at: string
}

/**
 * A serious-incident report (EU AI Act Art. 73) about a passport. Every field is read off the
 * report token itself (its jti, incident id and sequence, the passport jti it binds to, its
 * header kid, and the SHA-256 of its JWT), so anyone holding the report recomputes the leaf.
 */
export interface IncidentEntry {
  v: 1
  kind: 'incident'
  /** The report's `jti`. */
  id: string
  incidentId: string
  passportId: string
  reporterKid: string
  sequence: number
  /** Lowercase hex SHA-256 of the report's issuer-signed JWT. */
  tokenSha256: string
}

/**
 * An evaluation result about a passport. Every field is read off the result token itself (its
 * jti, the passport jti it binds to, its header kid, and the SHA-256 of its JWT), so anyone
 * holding the result recomputes the leaf.
 */
export interface EvaluationEntry {
  v: 1
  kind: 'evaluation'
  /** The result's `jti`. */
  id: string
  passportId: string
  evaluatorKid: string
  /** Lowercase hex SHA-256 of the result's issuer-signed JWT. */
  tokenSha256: string
}

export type TlogEntry =
  | PassportEntry
  | StatusEntry
  | EndorsementEntry
  | DelegationEntry
  | DelegationWithdrawalEntry
  | IncidentEntry
  | EvaluationEntry

const STATUS_KIND: Record<PassportStatus, StatusEntry['kind']> = {
  revoked: 'revocation',
  suspended: 'suspension',
  valid: 'reinstatement',
}

const HEX64 = /^[0-9a-f]{64}$/
const text = z.string().min(1).max(2048)

const EntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('passport'),
    id: text,
    issuer: text,
    kid: text,
    issuerJwtSha256: z.string().regex(HEX64),
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.enum(['revocation', 'suspension', 'reinstatement']),
    passportId: text,
    status: z.enum(['valid', 'revoked', 'suspended']),
    reason: z.string().max(2048).nullable(),
    byKid: text,
    at: text,
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('endorsement'),
    id: text,
    passportId: text,
    endorserKid: text,
    tokenSha256: z.string().regex(HEX64),
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('delegation'),
    id: text,
    issuerKid: text,
    delegateKid: text,
    scope: z.literal('status'),
    at: text,
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('delegation-withdrawal'),
    id: text,
    issuerKid: text,
    delegateKid: text,
    at: text,
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('incident'),
    id: text,
    incidentId: text,
    passportId: text,
    reporterKid: text,
    sequence: z.int().min(1),
    tokenSha256: z.string().regex(HEX64),
  }),
  z.strictObject({
    v: z.literal(1),
    kind: z.literal('evaluation'),
    id: text,
    passportId: text,
    evaluatorKid: text,
    tokenSha256: z.string().regex(HEX64),
  }),
])

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The JSON object encoded in `bytes` (UTF-8), or a TypeError. */
function jsonObjectOf(bytes: Uint8Array): Record<string, unknown> {
  const value: unknown = JSON.parse(utf8.decode(bytes))
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError('not a JSON object')
  return value as Record<string, unknown>
}

/** The log entry of a published passport. */
export function passportEntry(
  record: Pick<PassportRecord, 'id' | 'issuer' | 'kid' | 'issuerJwtSha256'>,
): PassportEntry {
  return {
    v: 1,
    kind: 'passport',
    id: record.id,
    issuer: record.issuer,
    kid: record.kid,
    issuerJwtSha256: record.issuerJwtSha256,
  }
}

/** The log entry of a status change (revocation, suspension, reinstatement). */
export function statusEntry(change: StatusChange): StatusEntry {
  return {
    v: 1,
    kind: STATUS_KIND[change.status],
    passportId: change.passportId,
    status: change.status,
    reason: change.reason ?? null,
    byKid: change.byKid,
    at: change.at,
  }
}

/** The log entry of an endorsement; `sha256` hashes the endorsement's issuer-signed JWT. */
export function endorsementEntry(record: EndorsementRecord, sha256: Sha256Fn): EndorsementEntry {
  return {
    v: 1,
    kind: 'endorsement',
    id: record.id,
    passportId: record.passportId,
    endorserKid: record.endorserKid,
    tokenSha256: toHex(sha256(new TextEncoder().encode(issuerJwtOf(record.token)))),
  }
}

/** The log entry of an incident report; `sha256` hashes the report's issuer-signed JWT. */
export function incidentEntry(
  record: Pick<
    IncidentRecord,
    'id' | 'incidentId' | 'passportId' | 'reporterKid' | 'sequence' | 'token'
  >,
  sha256: Sha256Fn,
): IncidentEntry {
  return {
    v: 1,
    kind: 'incident',
    id: record.id,
    incidentId: record.incidentId,
    passportId: record.passportId,
    reporterKid: record.reporterKid,
    sequence: record.sequence,
    tokenSha256: toHex(sha256(new TextEncoder().encode(issuerJwtOf(record.token)))),
  }
}

/**
 * The header kid and the claims of a self-authenticating statement (incident report, evaluation
 * result), decoded WITHOUT verifying it; undefined when its JWT does not decode.
 */
function decodeStatement(
  token: string,
): { kid: unknown; claims: Record<string, unknown> } | undefined {
  const jwt = issuerJwtOf(token)
  try {
    return {
      kid: decodeProtectedHeader(jwt).kid,
      claims: decodeJwt(jwt) as Record<string, unknown>,
    }
  } catch {
    return undefined
  }
}

/**
 * The log entry an incident report must have, computed from the report token alone (without
 * verifying it: the caller verifies the report separately; this only says which leaf to find).
 */
export function incidentEntryFromToken(
  token: string,
  sha256: Sha256Fn,
): { ok: true; entry: IncidentEntry } | { ok: false; message: string } {
  const decoded = decodeStatement(token)
  if (decoded === undefined)
    return { ok: false, message: 'the report is not a compact JWS whose JWT decodes' }
  const { kid, claims } = decoded
  const cs = claims.credentialSubject as
    { passport?: { jti?: unknown }; incident?: { id?: unknown; sequence?: unknown } } | undefined
  const passportId = cs?.passport?.jti
  const incidentId = cs?.incident?.id
  const sequence = cs?.incident?.sequence
  if (
    typeof claims.jti !== 'string' ||
    typeof kid !== 'string' ||
    typeof passportId !== 'string' ||
    typeof incidentId !== 'string' ||
    typeof sequence !== 'number'
  )
    return {
      ok: false,
      message: 'the report lacks jti, kid, passport jti, incident id or sequence',
    }
  return {
    ok: true,
    entry: incidentEntry(
      { id: claims.jti, incidentId, passportId, reporterKid: kid, sequence, token },
      sha256,
    ),
  }
}

/** The log entry of an evaluation result; `sha256` hashes the result's issuer-signed JWT. */
export function evaluationEntry(
  record: Pick<EvaluationRecord, 'id' | 'passportId' | 'evaluatorKid' | 'token'>,
  sha256: Sha256Fn,
): EvaluationEntry {
  return {
    v: 1,
    kind: 'evaluation',
    id: record.id,
    passportId: record.passportId,
    evaluatorKid: record.evaluatorKid,
    tokenSha256: toHex(sha256(new TextEncoder().encode(issuerJwtOf(record.token)))),
  }
}

/**
 * The log entry an evaluation result must have, computed from the result token alone (without
 * verifying it: the caller verifies the result separately; this only says which leaf to find).
 */
export function evaluationEntryFromToken(
  token: string,
  sha256: Sha256Fn,
): { ok: true; entry: EvaluationEntry } | { ok: false; message: string } {
  const decoded = decodeStatement(token)
  if (decoded === undefined)
    return { ok: false, message: 'the result is not a compact JWS whose JWT decodes' }
  const { kid, claims } = decoded
  const passportId = (claims.credentialSubject as { passport?: { jti?: unknown } } | undefined)
    ?.passport?.jti
  if (typeof claims.jti !== 'string' || typeof kid !== 'string' || typeof passportId !== 'string')
    return { ok: false, message: 'the result lacks jti, kid or passport jti' }
  return {
    ok: true,
    entry: evaluationEntry({ id: claims.jti, passportId, evaluatorKid: kid, token }, sha256),
  }
}

/** The log entry of a delegation grant (the delegate's JWK is committed to by its thumbprint). */
export function delegationEntry(
  record: Pick<DelegationRecord, 'id' | 'issuerKid' | 'delegateKid' | 'scope' | 'createdAt'>,
): DelegationEntry {
  return {
    v: 1,
    kind: 'delegation',
    id: record.id,
    issuerKid: record.issuerKid,
    delegateKid: record.delegateKid,
    scope: record.scope,
    at: record.createdAt,
  }
}

/** The log entry of a delegation withdrawal. */
export function delegationWithdrawalEntry(withdrawal: {
  id: string
  issuerKid: string
  delegateKid: string
  at: string
}): DelegationWithdrawalEntry {
  return {
    v: 1,
    kind: 'delegation-withdrawal',
    id: withdrawal.id,
    issuerKid: withdrawal.issuerKid,
    delegateKid: withdrawal.delegateKid,
    at: withdrawal.at,
  }
}

/** The entry's canonical JSON text: the leaf input, as a string. */
export function encodeEntryText(entry: TlogEntry): string {
  return canonicalJson(entry)
}

/** The entry's canonical JSON as UTF-8 bytes: the RFC 9162 leaf input. */
export function encodeEntry(entry: TlogEntry): Uint8Array {
  return new TextEncoder().encode(encodeEntryText(entry))
}

/** SHA-256(0x00 || canonical JSON of the entry). */
export function entryLeafHash(entry: TlogEntry, sha256: Sha256Fn): Uint8Array {
  return leafHash(encodeEntry(entry), sha256)
}

/** The store's log entry kind of an entry. */
export function entryKind(entry: TlogEntry): LogEntryKind {
  return entry.kind
}

export type ParseEntryResult = { ok: true; entry: TlogEntry } | { ok: false; message: string }

/**
 * Parses an entry payload from a log. Accepts only the canonical encoding: a payload that parses
 * but is not byte-for-byte canonical JSON is refused, since a second encoding of the same entry
 * would hash to a second leaf and let one publish appear twice under different hashes.
 */
export function parseEntry(payload: string | Uint8Array): ParseEntryResult {
  let textPayload: string
  if (typeof payload === 'string') textPayload = payload
  else if (payload instanceof Uint8Array) {
    if (payload.length > MAX_ENTRY_BYTES)
      return { ok: false, message: `the entry is larger than ${MAX_ENTRY_BYTES} bytes` }
    try {
      textPayload = new TextDecoder('utf-8', { fatal: true }).decode(payload)
    } catch {
      return { ok: false, message: 'the entry is not UTF-8' }
    }
  } else return { ok: false, message: 'the entry payload is not text or bytes' }
  if (textPayload.length > MAX_ENTRY_BYTES)
    return { ok: false, message: `the entry is larger than ${MAX_ENTRY_BYTES} bytes` }
  let json: unknown
  try {
    json = JSON.parse(textPayload)
  } catch {
    return { ok: false, message: 'the entry is not JSON' }
  }
  const parsed = EntrySchema.safeParse(json)
  if (!parsed.success)
    return { ok: false, message: `the entry is not a v1 log entry: ${parsed.error.message}` }
  const entry = parsed.data as TlogEntry
  if (encodeEntryText(entry) !== textPayload)
    return { ok: false, message: 'the entry is not in canonical JSON (RFC 8785)' }
  return { ok: true, entry }
}

export type PassportEntryResult =
  { ok: true; entry: PassportEntry } | { ok: false; message: string }

/**
 * The log entry a passport (a compact SD-JWT, or a presentation of it) must have in the log,
 * computed from the passport alone. Reads jti, iss and kid without verifying the signature: the
 * caller verifies the passport separately; this only says which leaf to look for.
 * `decodeBase64url`, when given, must decode strict base64url (and throw on anything else), as
 * `decodeBase64urlStrict` in src/node/jws.ts does; by default jose decodes.
 */
export function passportEntryFromSdJwt(
  sdJwt: string,
  sha256: Sha256Fn,
  decodeBase64url?: (segment: string) => Uint8Array,
): PassportEntryResult {
  if (typeof sdJwt !== 'string') return { ok: false, message: 'the passport is not text' }
  const jwt = issuerJwtOf(sdJwt)
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    if (decodeBase64url === undefined) {
      header = decodeProtectedHeader(jwt) as Record<string, unknown>
      claims = decodeJwt(jwt) as Record<string, unknown>
    } else {
      // The same two objects, with the caller's (faster) strict base64url decoder: jose decodes
      // base64 in JavaScript, which on the registry's publish path cost more than the rest of
      // building the log entry.
      const parts = jwt.split('.')
      if (parts.length !== 3) throw new TypeError('not a compact JWS')
      header = jsonObjectOf(decodeBase64url(parts[0] as string))
      claims = jsonObjectOf(decodeBase64url(parts[1] as string))
    }
  } catch {
    return { ok: false, message: 'the passport is not a compact SD-JWT whose JWT decodes' }
  }
  return passportEntryFromJwt(header, claims, () => toHex(sha256(new TextEncoder().encode(jwt))))
}

/**
 * What `passportEntryFromSdJwt` computes, from the issuer-signed JWT's header and payload already
 * decoded (the payload as signed, before any disclosure is processed: a jti or iss only a
 * disclosure holds does not count) and the lowercase hex SHA-256 of that JWT, computed only when
 * the other fields are there. For a caller that decoded the JWT anyway, as the verifier does
 * (`PassportCryptoResult.jwt`).
 */
export function passportEntryFromJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  issuerJwtSha256: () => string,
): PassportEntryResult {
  const { jti, iss } = payload
  const { kid } = header
  if (typeof jti !== 'string' || jti === '')
    return { ok: false, message: 'the passport has no jti, so it cannot be looked up in a log' }
  if (typeof iss !== 'string' || iss === '')
    return { ok: false, message: 'the passport has no iss' }
  if (typeof kid !== 'string' || kid === '')
    return { ok: false, message: 'the passport header has no kid' }
  return {
    ok: true,
    entry: passportEntry({ id: jti, issuer: iss, kid, issuerJwtSha256: issuerJwtSha256() }),
  }
}

/** Whether two passport log entries are the same entry. */
export function samePassportEntry(a: PassportEntry, b: PassportEntry): boolean {
  return (
    a.id === b.id &&
    a.issuer === b.issuer &&
    a.kid === b.kid &&
    a.issuerJwtSha256 === b.issuerJwtSha256
  )
}
