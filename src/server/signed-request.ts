/**
 * Signed requests: how an issuer authenticates a write to the registry without accounts.
 *
 * `Authorization: Accord-Signature <jws>`, where `<jws>` is a compact JWS (jose) with
 * - protected header `{ alg: EdDSA | ES256, typ: 'accord-request+jwt', kid, jwk }`: `jwk` is the
 *   public key and `kid` MUST be its RFC 7638 thumbprint, so the key names itself (the registry
 *   is open to any issuer; what matters is that the SAME key signed the passport);
 * - payload `{ aud, htm, htu, iat, jti, body_sha256 }` (as in DPoP, RFC 9449 §4.2, plus the
 *   audience and the body hash): the registry the request is meant for, the HTTP method, the
 *   request path, the time in seconds, a unique nonce, and the lowercase hex SHA-256 of the exact
 *   request body bytes (of the empty string when there is none).
 *
 * `aud` binds the request to one registry. `htu` is only the path as the registry routes it (a
 * reverse proxy may serve the registry under a prefix and strip it, so the registry never sees
 * the URL the client used), and the replay guard is one registry's database: without `aud`, a
 * request signed for registry A (a revocation, a delegation change) could be replayed at
 * registry B within the `iat` window. The audience is the registry's transparency log identity,
 * its C2SP verifier key `<origin>+<key ID>+<key>` (not the origin alone: every registry started
 * without `--origin` has the same one). Clients read it from `GET /api/v1/registry`
 * (`audience`) and copy it verbatim; it needs no configuration and survives any proxy.
 *
 * The server refuses (401) a missing or malformed header, another `alg` or `typ`, `crit`, a kid
 * that is not the thumbprint of `jwk`, a bad signature, another method or path, an `aud` that is
 * missing or not this registry's (ERR_PASSPORT_REQUEST_WRONG_AUDIENCE; every other refusal is
 * ERR_PASSPORT_REQUEST_UNAUTHENTICATED), an `iat` more than 5 minutes old or 1 minute ahead, a
 * `jti` seen before (by this key; recorded in the registry's database, so also across restarts
 * and server processes: `StoredReplayGuard`), and a body whose hash differs.
 */
import { createHash, randomUUID } from 'node:crypto'
import { base64url, decodeProtectedHeader } from 'jose'
import { PassportError } from '../core/errors.js'
import { algForJwk, jwkThumbprint, parsePublicJwk } from '../core/passport/jwk.js'
import { ALLOWED_ALGS, type AllowedAlg } from '../core/passport/types.js'
import { LOG_API } from '../core/tlog/api.js'
import type { Signer } from '../core/ports.js'
import { decodeBase64urlStrict, verifyJwsSignature } from '../node/jws.js'

export const AUTH_SCHEME = 'Accord-Signature'
export const REQUEST_TYP = 'accord-request+jwt'
/** Oldest `iat` accepted. */
export const MAX_REQUEST_AGE_SECONDS = 300
/** How far ahead of the server clock an `iat` may be. */
export const MAX_REQUEST_SKEW_SECONDS = 60
/** Longest Authorization header value read. */
export const MAX_AUTH_HEADER_CHARS = 8 * 1024
const JTI = /^[A-Za-z0-9._:-]{16,128}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })
const HEX64 = /^[0-9a-f]{64}$/

export interface SignedRequestPayload {
  /** The registry's audience (`GET /api/v1/registry`), verbatim. */
  aud: string
  htm: string
  htu: string
  iat: number
  jti: string
  body_sha256: string
}

/** The key that signed a request (verified). */
export interface RequestKey {
  kid: string
  alg: AllowedAlg
  jwk: Record<string, unknown>
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

export interface SignRequestOptions {
  /**
   * The registry the request is meant for: the `audience` of its `GET /api/v1/registry`
   * (`fetchRegistryAudience` in src/node/tlog/http.ts), copied verbatim.
   */
  audience: string
  method: string
  /**
   * The request path as the registry routes it, e.g. `/api/v1/passports` (no query), also when
   * the registry is reached under a prefix (`https://host/prefix/api/v1/passports`).
   */
  path: string
  body: Uint8Array | string
  nowSeconds: number
  /** Default a random UUID. */
  jti?: string
}

/** The `Authorization` header value of a signed request (client side: `accord publish`). */
export async function signRequest(signer: Signer, options: SignRequestOptions): Promise<string> {
  const { kty, crv, x, y } = signer.publicJwk
  const jwk = { kty, crv, x, ...(y !== undefined ? { y } : {}) }
  const header = { alg: signer.alg, typ: REQUEST_TYP, kid: signer.kid, jwk }
  if (typeof options.audience !== 'string' || options.audience === '')
    throw new TypeError(
      "signRequest: audience must be the registry's audience (a non-empty string)",
    )
  const payload: SignedRequestPayload = {
    aud: options.audience,
    htm: options.method.toUpperCase(),
    htu: options.path,
    iat: options.nowSeconds,
    jti: options.jti ?? randomUUID(),
    body_sha256: sha256Hex(options.body),
  }
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`
  const signature = await signer.sign(new TextEncoder().encode(input))
  return `${AUTH_SCHEME} ${input}.${base64url.encode(signature)}`
}

export type ReplayAnswer = 'ok' | 'replayed' | 'full'

/** Where the ids of signed requests (`<kid>:<jti>`) are recorded, so that each is used once. */
export interface ReplayGuard {
  /**
   * Records `id` as used until `expires` (seconds): 'ok' the first time, 'replayed' when it was
   * used before and has not expired at `now`, 'full' when there is no room to record it.
   */
  add(id: string, expires: number, now: number): ReplayAnswer | Promise<ReplayAnswer>
}

/**
 * The `jti`s seen within the acceptance window, in this process's memory. Bounded: when full of
 * entries that are all still inside the window, new requests are refused (fail closed) rather than
 * forgetting a nonce that could then be replayed.
 *
 * On its own it protects one process until it stops; the server uses `StoredReplayGuard`, which
 * keeps the ids in the database and this cache only as a shortcut.
 */
export class ReplayCache implements ReplayGuard {
  readonly #seen = new Map<string, number>()
  constructor(readonly capacity = 100_000) {}

  /** True when `jti` was recorded and has not expired at `now`. */
  has(jti: string, now: number): boolean {
    const known = this.#seen.get(jti)
    return known !== undefined && known > now
  }

  /**
   * Records `jti` (valid until `expires`); 'replayed' when seen before, 'full' when there is no
   * room.
   */
  add(jti: string, expires: number, now: number): 'ok' | 'replayed' | 'full' {
    const known = this.#seen.get(jti)
    if (known !== undefined && known > now) return 'replayed'
    // Entries are inserted in arrival order and expire in roughly that order: drop from the front.
    for (const [k, exp] of this.#seen) {
      if (exp > now && this.#seen.size < this.capacity) break
      if (exp > now) return 'full'
      this.#seen.delete(k)
    }
    this.#seen.set(jti, expires)
    return 'ok'
  }

  get size(): number {
    return this.#seen.size
  }
}

/**
 * The registry's replay check: request ids recorded in the database (`record`, the store's
 * `recordRequestId`: an atomic insert-if-absent), so that a signed request is accepted once across
 * restarts and across server processes sharing the database. The in-memory cache only answers
 * 'replayed' early for ids this process has already recorded; every id it does not know goes to
 * the database, also when the cache is full.
 */
export class StoredReplayGuard implements ReplayGuard {
  readonly #memory: ReplayCache
  constructor(
    readonly record: (id: string, expires: number, now: number) => Promise<boolean>,
    memoryCapacity = 100_000,
  ) {
    this.#memory = new ReplayCache(memoryCapacity)
  }

  async add(id: string, expires: number, now: number): Promise<ReplayAnswer> {
    if (this.#memory.has(id, now)) return 'replayed'
    if (!(await this.record(id, expires, now))) return 'replayed'
    // Remembered for the shortcut above; a full cache only means no shortcut for this id.
    this.#memory.add(id, expires, now)
    return 'ok'
  }
}

export interface VerifyRequestOptions {
  authorization: string | undefined
  /** This registry's audience: the `aud` every request must carry. */
  audience: string
  method: string
  path: string
  body: Uint8Array | string
  nowSeconds: number
  replay: ReplayGuard
}

function unauthenticated(message: string): PassportError {
  return new PassportError({ code: 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED', message })
}

function wrongAudience(message: string): PassportError {
  return new PassportError({ code: 'ERR_PASSPORT_REQUEST_WRONG_AUDIENCE', message })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A request key parsed and named (RFC 7638 thumbprint). */
interface KnownKey {
  publicJwk: Record<string, unknown>
  alg: string
  thumbprint: string
}

/** Most request keys remembered; the oldest is forgotten first. */
const KNOWN_KEYS_MAX = 1000
/** Longer header `jwk`s are parsed every time, so the cache stays small. */
const KNOWN_KEY_MAX_CHARS = 1024
const knownKeys = new Map<string, Promise<KnownKey>>()

/**
 * Parses and names a header `jwk`, once per distinct `jwk` (an issuer signs many requests with
 * one key; the thumbprint costs more than the signature check). The parsed JWK object is kept,
 * so node:crypto's imported key for it is reused too (verifyJwsSignature caches per object).
 * Only keys that parsed are kept; the caller still checks `alg` and `kid` against them.
 */
function knownKey(jwk: Record<string, unknown>): Promise<KnownKey> {
  const load = async (): Promise<KnownKey> => {
    const publicJwk = await parsePublicJwk(jwk, 'request signature jwk')
    const alg = algForJwk(publicJwk)
    const thumbprint = await jwkThumbprint(publicJwk)
    return { publicJwk, alg, thumbprint }
  }
  const id = JSON.stringify(jwk)
  if (id.length > KNOWN_KEY_MAX_CHARS) return load()
  let known = knownKeys.get(id)
  if (known === undefined) {
    known = load()
    knownKeys.set(id, known)
    known.catch(() => knownKeys.delete(id))
    if (knownKeys.size > KNOWN_KEYS_MAX) knownKeys.delete(knownKeys.keys().next().value as string)
  }
  return known
}

/**
 * Verifies a signed request; returns its key or throws ERR_PASSPORT_REQUEST_UNAUTHENTICATED
 * (ERR_PASSPORT_REQUEST_WRONG_AUDIENCE for an `aud` that is missing or another registry's).
 */
export async function verifySignedRequest(options: VerifyRequestOptions): Promise<RequestKey> {
  const auth = options.authorization
  if (auth === undefined || auth === '')
    throw unauthenticated(`this request must be signed: send "Authorization: ${AUTH_SCHEME} <jws>"`)
  if (auth.length > MAX_AUTH_HEADER_CHARS)
    throw unauthenticated('the Authorization header is too long')
  const [scheme, jws, extra] = auth.trim().split(/\s+/)
  if (scheme !== AUTH_SCHEME || jws === undefined || extra !== undefined)
    throw unauthenticated(`the Authorization scheme must be "${AUTH_SCHEME} <jws>"`)

  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>
  } catch {
    throw unauthenticated('the request signature is not a compact JWS')
  }
  const { alg, typ, kid, jwk } = header
  if (typeof alg !== 'string' || !(ALLOWED_ALGS as readonly string[]).includes(alg))
    throw unauthenticated(`request signature alg must be one of ${ALLOWED_ALGS.join(', ')}`)
  if (typ !== REQUEST_TYP) throw unauthenticated(`request signature typ must be "${REQUEST_TYP}"`)
  if (header.crit !== undefined) throw unauthenticated('request signature header has "crit"')
  if (!isRecord(jwk) || typeof kid !== 'string')
    throw unauthenticated('request signature header needs "kid" and the public "jwk"')
  let known: KnownKey
  try {
    known = await knownKey(jwk)
    if (known.alg !== alg) throw new Error('alg')
    if (known.thumbprint !== kid) throw new Error('kid')
  } catch {
    throw unauthenticated(
      'request signature "jwk" must be a public Ed25519 or P-256 key for "alg", and "kid" its RFC 7638 thumbprint',
    )
  }
  const publicJwk = known.publicJwk

  let payload: unknown
  try {
    // node:crypto checks the signature (verifyJwsSignature, tested against jose compactVerify);
    // the header was checked above (alg allow-list, typ, no crit, kid = thumbprint of jwk).
    const [h, p, sig, extra] = jws.split('.')
    if (h === undefined || p === undefined || sig === undefined || extra !== undefined)
      throw new Error('not three segments')
    const ok = await verifyJwsSignature(
      alg as AllowedAlg,
      publicJwk,
      `${h}.${p}`,
      decodeBase64urlStrict(sig),
    )
    if (!ok) throw new Error('bad signature')
    payload = JSON.parse(utf8.decode(decodeBase64urlStrict(p)))
  } catch {
    throw unauthenticated('the request signature does not verify')
  }
  if (!isRecord(payload)) throw unauthenticated('the request signature payload is not an object')
  const { aud, htm, htu, iat, jti, body_sha256: bodyHash } = payload
  if (htm !== options.method.toUpperCase() || htu !== options.path)
    throw unauthenticated(`the request signature is for another request (htm/htu)`)
  // The value sent is not echoed back (it is the client's input, of any length).
  if (aud === undefined)
    throw wrongAudience(
      `the request signature has no "aud": sign it for this registry, with "aud" set to the "audience" of GET ${LOG_API.registry}`,
    )
  if (aud !== options.audience)
    throw wrongAudience(
      `the request was signed for another registry: its "aud" is not this registry's audience (GET ${LOG_API.registry}); sign it again for this registry`,
    )
  const now = options.nowSeconds
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat))
    throw unauthenticated('the request signature needs an integer "iat"')
  if (iat < now - MAX_REQUEST_AGE_SECONDS || iat > now + MAX_REQUEST_SKEW_SECONDS)
    throw unauthenticated(
      `the request signature iat is outside the accepted window (${MAX_REQUEST_AGE_SECONDS} s); check the clock and sign again`,
    )
  if (typeof jti !== 'string' || !JTI.test(jti))
    throw unauthenticated('the request signature needs a "jti" nonce of 16 to 128 characters')
  if (typeof bodyHash !== 'string' || !HEX64.test(bodyHash) || bodyHash !== sha256Hex(options.body))
    throw unauthenticated('the request body does not match the signed "body_sha256"')
  const added = await options.replay.add(`${kid}:${jti}`, iat + MAX_REQUEST_AGE_SECONDS + 1, now)
  if (added === 'replayed')
    throw unauthenticated('the request signature was already used (jti replayed); sign again')
  if (added === 'full')
    throw new PassportError({
      code: 'ERR_CONFIG_RATE_LIMITED',
      message: 'too many signed requests in the replay window; retry shortly',
    })
  return { kid, alg: alg as AllowedAlg, jwk: publicJwk }
}
