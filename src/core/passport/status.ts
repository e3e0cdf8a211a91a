/**
 * Revocation and suspension of passports with the IETF Token Status List
 * (draft-ietf-oauth-status-list, https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/).
 *
 * A passport carries `status: { status_list: { idx, uri } }`. The issuer publishes a Status List
 * Token at `uri`: a JWT with `typ: statuslist+jwt` whose `sub` is that `uri` and whose
 * `status_list: { bits, lst }` holds one status per index, packed `bits` per entry (LSB first)
 * and ZLIB-compressed. Accord uses `bits: 2`: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED; the
 * draft leaves 3 application-specific, and Accord treats it (and anything else) as unknown.
 *
 * Pure: encoding uses `@sd-jwt/jwt-status-list`; decoding is bounded (see `readStatus`); JWS
 * verification is jose's `compactVerify` with the ALLOWED_ALGS allow-list. Time is injected.
 */
import { readStreamBounded } from '../bounded-stream.js'
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list'
import type { BitsPerStatus, StatusListJWTPayload } from '@sd-jwt/jwt-status-list'
import { base64url, compactVerify, decodeJwt, errors as joseErrors, importJWK } from 'jose'
import type { CompactJWSHeaderParameters, JWK } from 'jose'
import { PassportError } from '../errors.js'
import type { Signer } from '../ports.js'
import { ALLOWED_ALGS } from './types.js'
import type { CheckResult, ReasonCode, StatusReference } from './types.js'

/** Status values Accord assigns (draft-ietf-oauth-status-list, "Status Types"). */
export const STATUS = { valid: 0, invalid: 1, suspended: 2 } as const
export type StatusValue = (typeof STATUS)[keyof typeof STATUS]

/** JOSE `typ` of a Status List Token. */
export const STATUS_LIST_TYP = 'statuslist+jwt'

/** Bits per entry Accord writes: room for VALID, INVALID and SUSPENDED. */
export const STATUS_BITS: BitsPerStatus = 2

/**
 * Largest Status List Token accepted, in bytes of its compact form. 2^20 entries of 8 bits that do
 * not compress at all come to about 1.4 MB; anything much larger is a mistake or an attack.
 */
export const MAX_STATUS_LIST_TOKEN_BYTES = 2 * 1024 * 1024

/**
 * Largest decompressed status list, in bytes (2^23 one-byte entries). ZLIB can expand ~1000-fold,
 * so the decompressed size is capped while inflating, not after.
 */
export const MAX_STATUS_LIST_BYTES = 8 * 1024 * 1024

/** How far in the future a list's `iat` may lie (clock skew between issuer and verifier). */
export const STATUS_CLOCK_SKEW_SECONDS = 300

function invalidList(message: string, cause?: unknown): PassportError {
  return new PassportError({ code: 'ERR_PASSPORT_STATUS_LIST_INVALID', message, cause })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isBits(value: unknown): value is BitsPerStatus {
  return value === 1 || value === 2 || value === 4 || value === 8
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

// ---------------------------------------------------------------------------------------------
// Creating and signing a list

export interface CreateStatusListClaimsOptions {
  /** Where the token is served; becomes `sub` and must equal the passports' `status_list.uri`. */
  uri: string
  bits: BitsPerStatus
  /** One status per index; the length is the list size (pad it, see docs/revocation.md). */
  statuses: readonly number[]
  /** Issuer of the list (the passport issuer); optional in the draft. */
  iss?: string
  /** Seconds since the epoch. */
  iat: number
  /** Seconds since the epoch; after it the list is stale. */
  exp?: number
  /** Seconds a verifier may cache the token before fetching it again. */
  ttl?: number
}

/** The payload of a Status List Token. */
export function createStatusListClaims(
  options: CreateStatusListClaimsOptions,
): StatusListJWTPayload {
  const { uri, bits, statuses, iat, exp, ttl, iss } = options
  if (typeof uri !== 'string' || uri === '') throw new TypeError('uri must be a non-empty string')
  if (!isBits(bits)) throw new TypeError(`bits must be 1, 2, 4 or 8, got ${String(bits)}`)
  if (!isIndex(iat)) throw new TypeError('iat must be seconds since the epoch')
  if (exp !== undefined && (!isIndex(exp) || exp <= iat)) throw new TypeError('exp must be > iat')
  if (ttl !== undefined && (!isIndex(ttl) || ttl === 0)) throw new TypeError('ttl must be > 0')
  if (statuses.length === 0) throw new TypeError('statuses must not be empty')
  const max = 2 ** bits
  statuses.forEach((s, i) => {
    // The library accepts 2^bits itself (an off-by-one), so check here.
    if (!Number.isInteger(s) || s < 0 || s >= max)
      throw new TypeError(
        `status at index ${i} is ${String(s)}; with ${bits} bits it must be < ${max}`,
      )
  })
  const list = new StatusList([...statuses], bits)
  const { payload } = createHeaderAndPayload(
    list,
    {
      ...(iss !== undefined ? { iss } : {}),
      sub: uri,
      iat,
      ...(exp !== undefined ? { exp } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
    },
    { alg: 'none', typ: STATUS_LIST_TYP },
  )
  return payload as StatusListJWTPayload
}

const encoder = new TextEncoder()

/**
 * Signs `payload` as a compact JWS with `signer`: header `{ alg, typ, kid }` plus `extraHeader`.
 * The Signer port signs raw bytes (a key file, a KMS or an HSM), so the compact serialization
 * (RFC 7515 §7.1) is put together here; verification is always jose's.
 */
export async function signCompactJws(
  payload: Record<string, unknown>,
  signer: Signer,
  typ: string,
): Promise<string> {
  if (!(ALLOWED_ALGS as readonly string[]).includes(signer.alg))
    throw new TypeError(`signer algorithm ${signer.alg} is not one of ${ALLOWED_ALGS.join(', ')}`)
  const header = { alg: signer.alg, typ, kid: signer.kid }
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`
  const signature = await signer.sign(encoder.encode(input))
  return `${input}.${base64url.encode(signature)}`
}

/** Signs a Status List Token (`typ: statuslist+jwt`). */
export function signStatusListToken(
  payload: StatusListJWTPayload,
  signer: Signer,
): Promise<string> {
  return signCompactJws(payload as Record<string, unknown>, signer, STATUS_LIST_TYP)
}

// ---------------------------------------------------------------------------------------------
// Reading a list

/** Checks the shape of a Status List Token payload; throws ERR_PASSPORT_STATUS_LIST_INVALID. */
export function parseStatusListPayload(value: unknown): StatusListJWTPayload {
  if (!isRecord(value)) throw invalidList('the status list token payload is not a JSON object')
  const sl = value.status_list
  if (!isRecord(sl)) throw invalidList('the status list token has no "status_list" object')
  if (!isBits(sl.bits)) throw invalidList('"status_list.bits" must be 1, 2, 4 or 8')
  if (typeof sl.lst !== 'string' || !/^[A-Za-z0-9_-]+$/.test(sl.lst))
    throw invalidList('"status_list.lst" must be a non-empty base64url string')
  if (typeof value.sub !== 'string') throw invalidList('the status list token has no string "sub"')
  if (!isIndex(value.iat)) throw invalidList('the status list token has no numeric "iat"')
  for (const claim of ['exp', 'ttl'] as const) {
    if (value[claim] !== undefined && !isIndex(value[claim]))
      throw invalidList(`"${claim}" of the status list token must be a non-negative integer`)
  }
  return value as StatusListJWTPayload
}

/**
 * The `iat` of a Status List Token, not verified (0 when it has none or does not decode): what
 * the registry compares to keep the newest list, and what a client reports when it is refused.
 */
export function statusListIssuedAt(token: string): number {
  try {
    const iat = decodeJwt(token).iat
    return typeof iat === 'number' ? iat : 0
  } catch {
    return 0
  }
}

/**
 * The list id a status list URI names: the last segment of its path (a trailing slash, the query
 * and the fragment ignored), e.g. "main" for https://vendor.example/status/main and for a
 * registry's https://host/prefix/api/v1/status-lists/main. The registry stores a list under this
 * id, and its web UI looks a passport's list up by it. Undefined when the URI is not an absolute
 * URL or its path has no segment.
 */
export function statusListIdOf(uri: string): string | undefined {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  const last = url.pathname.replace(/\/+$/, '').split('/').pop()
  return last === undefined || last === '' ? undefined : last
}

/**
 * Inflates ZLIB data (RFC 1950) with the platform's DecompressionStream, stopping as soon as the
 * output would exceed `maxBytes`, so a small "zip bomb" cannot exhaust memory.
 */
async function inflateBounded(compressed: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('deflate'))
  let read
  try {
    read = await readStreamBounded(stream, maxBytes)
  } catch (err) {
    throw invalidList('"status_list.lst" is not valid ZLIB-compressed data', err)
  }
  if (!read.ok) throw invalidList(`the status list decompresses to more than ${maxBytes} bytes`)
  return read.bytes
}

/** A decompressed status list: `get(idx)` per the draft's bit layout (LSB first). */
export interface DecodedStatusList {
  bits: BitsPerStatus
  /** Number of entries (`bytes * 8 / bits`). */
  size: number
  /** The status at `idx`; throws ERR_PASSPORT_STATUS_LIST_INVALID when idx >= size. */
  get(idx: number): number
}

/**
 * Decompresses `status_list.lst` with a size bound and reads entries in place. The draft's layout
 * ("Status List" encoding): entry i sits in byte floor(i*bits/8) at bit offset (i*bits) mod 8, least significant
 * first. `@sd-jwt/jwt-status-list`'s own decoder is unbounded and builds an array of every entry,
 * so it is used in the tests as the cross-check instead.
 */
export async function decodeStatusList(
  payload: StatusListJWTPayload,
  maxBytes = MAX_STATUS_LIST_BYTES,
): Promise<DecodedStatusList> {
  const { bits, lst } = parseStatusListPayload(payload).status_list
  let compressed: Uint8Array
  try {
    compressed = base64url.decode(lst)
  } catch (err) {
    throw invalidList('"status_list.lst" is not base64url', err)
  }
  const bytes = await inflateBounded(compressed, maxBytes)
  if (bytes.length === 0) throw invalidList('the status list is empty')
  const size = (bytes.length * 8) / bits
  const mask = 2 ** bits - 1
  return {
    bits,
    size,
    get(idx: number): number {
      if (!isIndex(idx) || idx >= size)
        throw invalidList(`index ${String(idx)} is outside the status list (size ${size})`)
      const bit = idx * bits
      return ((bytes[bit >> 3] as number) >> (bit & 7)) & mask
    },
  }
}

/** The status at `idx` of a Status List Token payload (not verified here: see checkStatus). */
export async function readStatus(payload: StatusListJWTPayload, idx: number): Promise<number> {
  return (await decodeStatusList(payload)).get(idx)
}

// ---------------------------------------------------------------------------------------------
// Verifying a JWS against trusted keys

export type JwsFailure =
  'malformed' | 'alg-not-allowed' | 'typ-invalid' | 'key-unknown' | 'signature'

export type VerifyJwsResult =
  | { ok: true; header: CompactJWSHeaderParameters; payload: Record<string, unknown> }
  | { ok: false; failure: JwsFailure; message: string }

/**
 * Verifies a compact JWS with jose against the key of `trustedKeys` whose `kid` equals the header
 * `kid` (keys embedded in the header are never used). `alg` must be in ALLOWED_ALGS and `typ`
 * one of `typs` (with or without the `application/` prefix, RFC 7515 §4.1.9). `crit` is refused.
 */
export async function verifyCompactJws(
  jws: string,
  trustedKeys: readonly TrustedJwk[],
  typs: readonly string[],
): Promise<VerifyJwsResult> {
  const parts = jws.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)))
    return { ok: false, failure: 'malformed', message: 'not a compact JWS (three base64url parts)' }
  let header: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(parts[0] ?? '')))
    if (!isRecord(parsed)) throw new Error('not an object')
    header = parsed
  } catch {
    return { ok: false, failure: 'malformed', message: 'the JWS header is not a JSON object' }
  }
  const alg = header.alg
  if (typeof alg !== 'string' || !(ALLOWED_ALGS as readonly string[]).includes(alg))
    return {
      ok: false,
      failure: 'alg-not-allowed',
      message: `algorithm ${JSON.stringify(alg)} is not allowed; accepted: ${ALLOWED_ALGS.join(', ')}`,
    }
  const typ = typeof header.typ === 'string' ? header.typ.replace(/^application\//i, '') : undefined
  if (typ === undefined || !typs.includes(typ.toLowerCase()))
    return {
      ok: false,
      failure: 'typ-invalid',
      message: `header typ ${JSON.stringify(header.typ)} is not ${typs.join(' or ')}`,
    }
  if (header.crit !== undefined)
    return {
      ok: false,
      failure: 'malformed',
      message: 'the JWS header has "crit"; none is supported',
    }
  const kid = header.kid
  const jwk = typeof kid === 'string' ? trustedJwk(trustedKeys, kid) : undefined
  if (jwk === undefined)
    return {
      ok: false,
      failure: 'key-unknown',
      message: `signing key ${typeof kid === 'string' ? `"${kid}"` : '(no kid)'} is not a trusted key`,
    }
  let key: Awaited<ReturnType<typeof importJWK>>
  try {
    key = await importJWK(publicMembers(jwk), alg)
  } catch {
    return {
      ok: false,
      failure: 'signature',
      message: `trusted key "${String(kid)}" cannot be used with algorithm ${alg}`,
    }
  }
  try {
    const { payload, protectedHeader } = await compactVerify(jws, key, {
      algorithms: [...ALLOWED_ALGS],
    })
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
    if (!isRecord(claims))
      return { ok: false, failure: 'malformed', message: 'the JWS payload is not a JSON object' }
    return { ok: true, header: protectedHeader, payload: claims }
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      return { ok: false, failure: 'signature', message: 'the signature does not verify' }
    if (err instanceof SyntaxError)
      return { ok: false, failure: 'malformed', message: 'the JWS payload is not JSON' }
    return {
      ok: false,
      failure: 'signature',
      message: `the JWS was rejected: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/** Public JWK with `kid`, or `{ kid, jwk }` as verify.ts's `TrustedKey`. */
export type TrustedJwk = Record<string, unknown> | { kid: string; jwk: Record<string, unknown> }

function asJwk(key: TrustedJwk): Record<string, unknown> {
  const k = key as Record<string, unknown>
  return isRecord(k.jwk) ? { ...k.jwk, kid: k.kid ?? k.jwk.kid } : k
}

/** The trusted key (as a JWK with `kid`) whose kid is `kid`, if any. */
function trustedJwk(
  trustedKeys: readonly TrustedJwk[],
  kid: string,
): Record<string, unknown> | undefined {
  return trustedKeys.map(asJwk).find((k) => k.kid === kid)
}

/** Only the public members of a JWK, so a private key given as "trusted" is not used as such. */
function publicMembers(jwk: Record<string, unknown>): JWK {
  const { kty, crv, x, y } = jwk
  return { kty, crv, x, ...(y !== undefined ? { y } : {}) } as JWK
}

// ---------------------------------------------------------------------------------------------
// Checking a passport's status

export interface CheckStatusOptions {
  /**
   * The passport issuer's public keys, as JWKs with `kid` or as `{ kid, jwk }`: the list must be
   * signed by one of them (pass only the key that verified the passport).
   */
  trustedKeys: readonly TrustedJwk[]
  nowSeconds: number
  /** When set, the passport's `status_list.uri` must equal it (a pinned status endpoint). */
  expectedUri?: string
  /**
   * When the token was fetched (seconds since the epoch). With a `ttl` in the token, a copy older
   * than `ttl` is stale (the draft's `ttl` claim: then a fresh copy should be retrieved).
   */
  retrievedAtSeconds?: number
  /** When set, a list issued (`iat`) longer ago than this is stale. */
  maxAgeSeconds?: number
  /**
   * Verified and decompressed tokens to reuse (a server checks many passports against the same
   * few lists). Only the signature, payload parsing and decompression are reused; every check
   * that depends on the passport or the time runs on each call.
   */
  cache?: StatusListCache
}

interface VerifiedList {
  /** `kid` and public members (JSON) of the key that verified the token. */
  kid: string
  publicKey: string
  payload: StatusListJWTPayload
  list?: DecodedStatusList
}

/**
 * Status List Tokens whose signature verified, by token text, oldest evicted first. An entry is
 * used only when the caller trusts the very key that verified it (same `kid`, same public key),
 * so callers with different trusted keys can share one cache.
 */
export class StatusListCache {
  private readonly entries = new Map<string, VerifiedList>()

  constructor(readonly maxEntries = 32) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new TypeError('maxEntries must be a positive integer')
  }

  lookup(token: string, trustedKeys: readonly TrustedJwk[]): VerifiedList | undefined {
    const entry = this.entries.get(token)
    if (entry === undefined) return undefined
    const key = trustedJwk(trustedKeys, entry.kid)
    return key !== undefined && publicKeyText(key) === entry.publicKey ? entry : undefined
  }

  store(token: string, entry: VerifiedList): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(token))
      this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token, entry)
  }
}

function publicKeyText(jwk: Record<string, unknown>): string {
  return JSON.stringify(publicMembers(jwk))
}

function result(outcome: CheckResult['outcome'], reason: ReasonCode, message: string): CheckResult {
  return { check: 'status', outcome, reason, message }
}

/**
 * The `status` check of a passport: is its entry in the issuer's Status List Token VALID?
 *
 * - `ok` (pass): the entry is 0 (VALID); or `skipped` when the passport has no status reference.
 * - `revoked` / `suspended` (fail): the entry is 1 / 2.
 * - `status-unavailable` (indeterminate): no token given, the token is stale (`exp` passed,
 *   `ttl` or `maxAgeSeconds` exceeded, `iat` in the future), or the entry holds a value Accord
 *   does not define (3+). What to do then is the verifier's policy; fail closed by default.
 * - `signature-invalid` (fail): the token is not signed by a trusted (the passport issuer's) key,
 *   its signature fails, its `alg` is not allowed or its `typ` is not `statuslist+jwt`.
 * - `status-list-mismatch` (fail): the token is for another list: its `sub` is not the
 *   passport's `status_list.uri` (a genuine, well-formed token, so not `malformed`).
 * - `malformed` (fail): the passport's status reference or the token is malformed, or the index
 *   is outside the list.
 */
export async function checkStatus(
  status: StatusReference | undefined,
  statusListToken: string | undefined,
  options: CheckStatusOptions,
): Promise<CheckResult> {
  if (status === undefined) return result('skipped', 'ok', 'the passport has no status reference')
  const ref = isRecord(status) && isRecord(status.status_list) ? status.status_list : undefined
  if (ref === undefined || !isIndex(ref.idx) || typeof ref.uri !== 'string' || ref.uri === '')
    return result(
      'fail',
      'malformed',
      'the passport\'s "status.status_list" needs an integer idx and a uri',
    )
  const { idx, uri } = ref
  if (options.expectedUri !== undefined && uri !== options.expectedUri)
    return result(
      'fail',
      'malformed',
      `the passport's status list uri "${uri}" is not the expected "${options.expectedUri}"`,
    )
  if (statusListToken === undefined)
    return result(
      'indeterminate',
      'status-unavailable',
      `no status list token for ${uri} was supplied`,
    )
  const token = statusListToken.trim()
  if (encoder.encode(token).length > MAX_STATUS_LIST_TOKEN_BYTES)
    return result(
      'fail',
      'malformed',
      `the status list token exceeds ${MAX_STATUS_LIST_TOKEN_BYTES} bytes`,
    )

  let entry = options.cache?.lookup(token, options.trustedKeys)
  if (entry === undefined) {
    const verified = await verifyCompactJws(token, options.trustedKeys, [STATUS_LIST_TYP])
    if (!verified.ok) {
      const reason: ReasonCode =
        verified.failure === 'malformed' ? 'malformed' : 'signature-invalid'
      return result('fail', reason, `status list token: ${verified.message}`)
    }
    let parsed: StatusListJWTPayload
    try {
      parsed = parseStatusListPayload(verified.payload)
    } catch (err) {
      return result('fail', 'malformed', (err as Error).message)
    }
    const kid = verified.header.kid as string
    const key = trustedJwk(options.trustedKeys, kid) as Record<string, unknown>
    entry = { kid, publicKey: publicKeyText(key), payload: parsed }
    options.cache?.store(token, entry)
  }
  const payload = entry.payload
  // draft-ietf-oauth-status-list: the token's sub MUST equal the uri of the passport's
  // status_list claim. Another list of the same issuer (valid signature) answers nothing here.
  if (payload.sub !== uri)
    return result(
      'fail',
      'status-list-mismatch',
      `the status list token is for another list: its sub is "${String(payload.sub)}", the passport's status_list.uri is "${uri}"`,
    )

  const now = options.nowSeconds
  const iat = payload.iat as number
  if (iat > now + STATUS_CLOCK_SKEW_SECONDS)
    return result(
      'indeterminate',
      'status-unavailable',
      'the status list token is issued in the future',
    )
  if (payload.exp !== undefined && now >= payload.exp)
    return result('indeterminate', 'status-unavailable', 'the status list token has expired (exp)')
  if (
    payload.ttl !== undefined &&
    options.retrievedAtSeconds !== undefined &&
    now >= options.retrievedAtSeconds + payload.ttl
  )
    return result(
      'indeterminate',
      'status-unavailable',
      'the status list token is older than its ttl',
    )
  if (options.maxAgeSeconds !== undefined && now - iat > options.maxAgeSeconds)
    return result(
      'indeterminate',
      'status-unavailable',
      `the status list token was issued more than ${options.maxAgeSeconds} s ago`,
    )

  let value: number
  try {
    entry.list ??= await decodeStatusList(payload)
    value = entry.list.get(idx)
  } catch (err) {
    return result('fail', 'malformed', (err as Error).message)
  }
  switch (value) {
    case STATUS.valid:
      return result('pass', 'ok', `status list entry ${idx} is VALID`)
    case STATUS.invalid:
      return result('fail', 'revoked', `the passport is revoked (status list entry ${idx})`)
    case STATUS.suspended:
      return result('fail', 'suspended', `the passport is suspended (status list entry ${idx})`)
    default:
      return result(
        'indeterminate',
        'status-unavailable',
        `status list entry ${idx} holds ${value}, a status Accord does not define`,
      )
  }
}
