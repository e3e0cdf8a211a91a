/**
 * Verifies the cryptographic layer of a passport presentation (an SD-JWT VC, RFC 9901, with an
 * optional key-binding JWT). The steps run in a fixed order and each yields a CheckResult with a
 * stable ReasonCode; the first failure ends verification (fail closed):
 *
 * 1. `size`: the token and its disclosure count are within limits (`oversize`).
 * 2. `structure`: `<jwt>~<disclosure>~...~[<kb-jwt>]` with base64url parts and a JSON header
 *    (`malformed`).
 * 3. `header`: `alg` is allowed (`alg-none`, `alg-not-allowed`), `typ` is `dc+sd-jwt`
 *    (`typ-invalid`), no `crit` (`crit-unsupported`: we understand no extensions).
 * 4. `issuer-trust`: `kid` names a trusted key (`key-unknown`) whose type fits `alg`
 *    (`alg-not-allowed`: an Ed25519 key is only ever used for EdDSA, a P-256 key for ES256).
 * 5. `signature`: jose `compactVerify` with exactly that algorithm (`signature-invalid`).
 * 6. `validity`: `iss` is the key's issuer (`issuer-untrusted`), `nbf`/`iat`/`exp` with clock skew
 *    (`not-yet-valid`, `expired`).
 * 7. `disclosures`: every disclosure decodes (`disclosure-invalid`), is referenced exactly once by a
 *    digest in the signed payload or in another disclosure (`disclosure-foreign` when not at all,
 *    `disclosure-duplicate` when a digest or disclosure repeats); the claims are rebuilt in the
 *    same walk and returned only when every check passed.
 * 8. `key-binding`: when present or required, the KB-JWT is signed by `cnf.jwk`, fresh, and its
 *    `sd_hash` matches (`kb-invalid`); `aud` (`kb-audience`) and `nonce` (`kb-nonce`) match. When
 *    the expected audience or nonce is not given, the check is `skipped` with that reason code
 *    instead of passing: the binding verified, but not that it was made for this request.
 *
 * Every attacker-controlled field is parsed defensively; no step trusts a value before the step
 * that authenticates it (claims are read only after the signature verified).
 *
 * Speed (bench/RESULTS.md): jose hands the signature check to WebCrypto, which runs it on the
 * libuv thread pool. While it runs, this thread hashes and decodes the disclosures, decodes and
 * parses the payload segment and walks the digests (`prepare`). That work is split into small
 * steps with an `await` between them, so jose's own asynchronous steps before it reaches WebCrypto
 * interleave with ours whatever their number: nothing depends on how many turns jose takes, only
 * how much of our work overlaps the signature check. None of it is trusted or reported before the
 * signature verified: failures found early are kept and reported at their step, in step order,
 * and the payload parsed early is decoded from the very segment jose verified and compared with
 * the payload bytes jose returns. Node adapters inject faster hashing and base64url decoding
 * (`primitives`); the results are the same.
 */
import { base64url, compactVerify, importJWK } from 'jose'
import { KEY_TYPES, PRIVATE_JWK_MEMBERS } from './jwk.js'
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_KB_MAX_AGE_SECONDS,
  DEFAULT_MAX_DISCLOSURES,
  DEFAULT_MAX_TOKEN_BYTES,
  SD_HASH_ALG,
  isRecord,
  timeOf,
  sdDigest,
  type SdHasher,
} from './sd-jwt.js'
import {
  ALLOWED_ALGS,
  SD_JWT_TYP,
  type AllowedAlg,
  type CheckResult,
  type PassportClaims,
  type ReasonCode,
} from './types.js'

/** A key the verifier trusts to sign passports. */
export interface TrustedKey {
  kid: string
  /** Public JWK (Ed25519 `OKP` or P-256 `EC`). */
  jwk: Record<string, unknown>
  /** Display name of the issuer. */
  name?: string
  /** When set, a passport signed with this key must have exactly this `iss`. */
  issuer?: string
}

/** Settings fixed for the life of a verifier. */
export interface PassportVerifierOptions {
  trustedKeys: readonly TrustedKey[]
  /** SHA-256 (`@sd-jwt/crypto-nodejs` `digest` in Node). */
  hasher: SdHasher
  /** Default 60. */
  clockSkewSeconds?: number
  /** Largest token accepted, in bytes; default 256 KiB. */
  maxBytes?: number
  /** Most disclosures accepted; default 1000. */
  maxDisclosures?: number
  /** Oldest key-binding JWT accepted (by its `iat`); default 300 s. */
  kbMaxAgeSeconds?: number
  /** Accepted `typ` of the issuer-signed JWT; default `['dc+sd-jwt']`. */
  acceptedTypes?: readonly string[]
  /**
   * Accept an issuer-signed JWT without `kid` when exactly one trusted key fits its `alg`.
   * Default false: Accord always sets `kid`. (The RFC 9901 examples have none.)
   */
  allowMissingKid?: boolean
  /**
   * Remember this many verified tokens (default 0: none). A token is immutable, so its signature,
   * structure and disclosures verify the same way every time: a repeated token skips that work
   * and only the checks that depend on the request run again (the validity window against
   * `nowSeconds`, and `evaluateClaims`). Only tokens that passed every check and carry no key
   * binding are kept (a KB-JWT answers one audience and nonce). Entries are evicted oldest first.
   * The claims of a remembered token are shared between results and deep-frozen: treat them as
   * read-only. For servers that see the same passports again and again.
   */
  cacheSize?: number
  /**
   * Faster equivalents of two primitives, injected by adapters (Node: `crypto.hash` and `Buffer`,
   * see `nodeVerifierPrimitives` in src/node/verify-batch.ts). Each must return exactly what its
   * default returns; they only change the speed.
   */
  primitives?: VerifierPrimitives
}

export interface VerifierPrimitives {
  /** base64url (no padding) of the SHA-256 of `data`; default `sdDigest(hasher, data)`. */
  sha256Base64url?: (data: string) => string
  /**
   * The bytes of a base64url string (RFC 4648 §5 alphabet, no padding, length not 1 modulo 4);
   * throws when `data` is anything else. The verifier relies on it to refuse what is not
   * base64url, so a lenient decoder must not be injected. Default: the alphabet and length
   * checked with a regular expression, then jose `base64url.decode`.
   */
  decodeBase64url?: (data: string) => Uint8Array
  /**
   * Checks a JWS signature: true exactly when jose `compactVerify` would accept `signature` over
   * `signingInput` (`<header>.<payload>`, ASCII) with `jwk` for `alg` (the verifier has already
   * checked the header and that the key's type fits `alg`). It must resolve false, never reject,
   * on a bad signature of any length. Default: jose `compactVerify`, which decodes the payload a
   * second time in JavaScript and goes through WebCrypto's argument checks.
   */
  verifySignature?: (
    alg: AllowedAlg,
    jwk: Record<string, unknown>,
    signingInput: string,
    signature: Uint8Array,
  ) => Promise<boolean>
}

/** What varies per verification. */
export interface PassportVerifyRequest {
  /** Seconds since the epoch. */
  nowSeconds: number
  /** The KB-JWT `aud` must equal this. */
  expectedAudience?: string
  /** The KB-JWT `nonce` must equal this. */
  expectedNonce?: string
  /** Refuse presentations without key binding (`kb-invalid`). */
  requireKeyBinding?: boolean
  /**
   * Evaluated on the rebuilt claims while the signature is still being checked (e.g. a policy:
   * `(claims) => evaluatePolicy(policy, ...)`), so its time overlaps the signature check. It must
   * be pure: it may see the claims of a token that then fails a check. Its result is returned as
   * `evaluation` only when every check passed; if it throws, verification fails closed.
   */
  evaluateClaims?: (claims: PassportClaims) => CheckResult[]
}

export type VerifyPassportCryptoOptions = PassportVerifierOptions & PassportVerifyRequest

export interface PassportCryptoResult {
  /** True when every check passed (or was skipped). */
  ok: boolean
  checks: CheckResult[]
  /** The claims after disclosure processing; only when every check passed. */
  claims?: PassportClaims
  /** The issuer-signed JWT, once its signature verified. */
  issuerJwt?: string
  /**
   * That JWT's protected header and payload as verified, before disclosures are processed (a
   * claim only a disclosure holds is not in `payload`); set with `issuerJwt`. Frozen and shared
   * between results for a remembered token.
   */
  jwt?: { header: Record<string, unknown>; payload: Record<string, unknown> }
  /** The trusted key that verified the signature. */
  key?: { kid: string; name?: string }
  /** The verified key-binding JWT payload, when there was one. */
  keyBinding?: { aud: string; nonce: string; iat: number }
  /** What `evaluateClaims` returned; only when every check passed. */
  evaluation?: CheckResult[]
}

export interface PassportVerifier {
  verify(token: string, request: PassportVerifyRequest): Promise<PassportCryptoResult>
}

type Key = Awaited<ReturnType<typeof importJWK>>

const B64URL = /^[A-Za-z0-9_-]+$/
const B64URL_OR_EMPTY = /^[A-Za-z0-9_-]*$/
/** Deepest nesting of claims walked when matching disclosures. */
const MAX_DEPTH = 64
const RESERVED_CLAIM_NAMES = new Set(['_sd', '...', '__proto__'])
const KB_JWT_TYP = 'kb+jwt'
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Imported trusted keys, per JWK object: each is imported once however many verifiers use it. */
const keyCache = new WeakMap<object, Promise<Key>>()

class Failure extends Error {
  constructor(
    readonly reason: ReasonCode,
    message: string,
  ) {
    super(message)
  }
}

function fail(reason: ReasonCode, message: string): never {
  throw new Failure(reason, message)
}

/** Fail closed: claims the caller's `evaluateClaims` cannot handle are not accepted. */
function failEvaluation(): never {
  fail('malformed', 'the claims could not be evaluated (evaluateClaims threw)')
}

/** An attacker-controlled value for a message: JSON, cut to 80 characters. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function pass(check: string, message: string): CheckResult {
  return { check, outcome: 'pass', reason: 'ok', message }
}

/** jose `algorithms` option per algorithm, built once. */
const ALGORITHMS: Record<AllowedAlg, AllowedAlg[]> = { EdDSA: ['EdDSA'], ES256: ['ES256'] }

/** True when `bytes`, as UTF-8, are exactly `text`. */
function sameText(bytes: Uint8Array, text: string): boolean {
  try {
    return utf8.decode(bytes) === text
  } catch {
    return false
  }
}

/** The primitives a verifier uses: injected or the defaults. */
interface Codec {
  digest: (data: string) => string
  /** Throws when `segment` is not base64url (alphabet, no padding, length). */
  decode: (segment: string) => Uint8Array
  verifySignature?: VerifierPrimitives['verifySignature']
}

/** True when `s` is base64url without padding: the alphabet, and a length not 1 modulo 4. */
function isBase64url(s: string): boolean {
  return s.length % 4 !== 1 && B64URL_OR_EMPTY.test(s)
}

function codecOf(hasher: SdHasher, primitives: VerifierPrimitives = {}): Codec {
  const { sha256Base64url, decodeBase64url, verifySignature } = primitives
  if (sha256Base64url !== undefined && typeof sha256Base64url !== 'function') {
    throw new TypeError('primitives.sha256Base64url must be a function')
  }
  if (decodeBase64url !== undefined && typeof decodeBase64url !== 'function') {
    throw new TypeError('primitives.decodeBase64url must be a function')
  }
  if (verifySignature !== undefined && typeof verifySignature !== 'function') {
    throw new TypeError('primitives.verifySignature must be a function')
  }
  return {
    ...(verifySignature !== undefined ? { verifySignature } : {}),
    digest: sha256Base64url ?? ((data) => sdDigest(hasher, data)),
    decode:
      decodeBase64url ??
      ((segment) => {
        if (!isBase64url(segment)) throw new TypeError('not base64url')
        return base64url.decode(segment)
      }),
  }
}

/**
 * The injected signature check over `<header>.<payload>`: resolves to `payloadBytes` (decoded
 * from that very payload segment) when the signature verifies, else undefined.
 */
async function checkSignature(
  codec: Codec,
  alg: AllowedAlg,
  jwk: Record<string, unknown>,
  segments: readonly string[],
  payloadBytes: Uint8Array,
): Promise<Uint8Array | undefined> {
  let signature: Uint8Array
  try {
    signature = codec.decode(segments[2] as string)
  } catch {
    return undefined
  }
  const input = `${segments[0] as string}.${segments[1] as string}`
  const verify = codec.verifySignature as NonNullable<Codec['verifySignature']>
  return (await verify(alg, jwk, input, signature).catch(() => false)) ? payloadBytes : undefined
}

/** Parses JSON from UTF-8 bytes, or undefined. */
function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes))
  } catch {
    return undefined
  }
}

/** Parses one base64url JSON segment, or undefined (also when it is not base64url). */
function decodeJsonSegment(segment: string, codec: Codec): unknown {
  let bytes: Uint8Array
  try {
    bytes = codec.decode(segment)
  } catch {
    return undefined
  }
  return parseJsonBytes(bytes)
}

function isAllowedAlg(alg: unknown): alg is AllowedAlg {
  return typeof alg === 'string' && (ALLOWED_ALGS as readonly string[]).includes(alg)
}

/** The algorithm a JWK is for, or undefined when it is not an Ed25519 or P-256 public key. */
function keyAlg(jwk: Record<string, unknown>): AllowedAlg | undefined {
  if (PRIVATE_JWK_MEMBERS.some((m) => m in jwk)) return undefined
  return ALLOWED_ALGS.find((a) => KEY_TYPES[a].kty === jwk.kty && KEY_TYPES[a].crv === jwk.crv)
}

/** Header checks shared by the issuer-signed JWT and the KB-JWT. */
function checkAlg(header: Record<string, unknown>, reasonForBadAlg?: ReasonCode): AllowedAlg {
  const { alg } = header
  if (typeof alg !== 'string') fail(reasonForBadAlg ?? 'malformed', 'header has no string "alg"')
  if (alg.toLowerCase() === 'none') {
    fail(
      reasonForBadAlg ?? 'alg-none',
      'header "alg" is "none": unsigned tokens are never accepted',
    )
  }
  if (!isAllowedAlg(alg)) {
    fail(
      reasonForBadAlg ?? 'alg-not-allowed',
      `header "alg" ${show(alg)} is not allowed; accepted: ${ALLOWED_ALGS.join(', ')}`,
    )
  }
  return alg
}

interface ParsedDisclosure {
  digest: string
  key?: string
  value: unknown
  used: boolean
}

/** Lets other pending jobs (jose's steps towards WebCrypto) run between two of ours. */
const yieldTurn = (): Promise<void> => Promise.resolve()

/**
 * Hashes and decodes every disclosure (RFC 9901 §7.1 step 3). Nothing here is trusted yet: the
 * result is only used after the signature verified. Cooperative: hashes first (small steps, so the
 * signature check starts early), then checks and decodes each disclosure in order, so the first
 * failure reported is the same as in one sequential pass.
 */
async function parseDisclosures(
  encoded: readonly string[],
  codec: Codec,
): Promise<Map<string, ParsedDisclosure>> {
  const digests: string[] = []
  for (const e of encoded) {
    await yieldTurn()
    digests.push(codec.digest(e))
  }
  const byDigest = new Map<string, ParsedDisclosure>()
  for (let i = 0; i < encoded.length; i++) {
    await yieldTurn()
    let bytes: Uint8Array
    try {
      bytes = codec.decode(encoded[i] as string)
    } catch {
      fail('disclosure-invalid', `disclosure ${i} is not base64url`)
    }
    const digest = digests[i] as string
    if (byDigest.has(digest)) fail('disclosure-duplicate', `disclosure ${i} is given twice`)
    const array = parseJsonBytes(bytes)
    if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3)) {
      fail('disclosure-invalid', `disclosure ${i} is not a JSON array of 2 or 3 elements`)
    }
    if (typeof array[0] !== 'string') {
      fail('disclosure-invalid', `disclosure ${i} has no string salt`)
    }
    const parsed: ParsedDisclosure = { digest, value: array[1], used: false }
    if (array.length === 3) {
      const key = array[1]
      if (typeof key !== 'string' || RESERVED_CLAIM_NAMES.has(key)) {
        fail('disclosure-invalid', `disclosure ${i} has an invalid claim name`)
      }
      parsed.key = key
      parsed.value = array[2]
    }
    byDigest.set(digest, parsed)
  }
  return byDigest
}

/** The payload as decoded from its segment, and what the disclosure step will report. */
interface Prepared {
  /** The payload segment's bytes as UTF-8, when they decode. */
  payloadText?: string
  /** It parsed as JSON (any value). */
  payload?: unknown
  /**
   * Claims rebuilt from payload and disclosures, or the failure the `disclosures` step reports;
   * set whenever the payload is a JSON object.
   */
  disclosures?: Record<string, unknown> | Failure
  /** `evaluateClaims` of the rebuilt claims, or what it threw. */
  evaluation?: { checks: CheckResult[] } | { error: unknown }
}

/** Failures are kept, not thrown: each is reported at its own step once earlier steps passed. */
function caught(error: unknown): Failure {
  if (error instanceof Failure) return error
  // Fail closed: anything unexpected becomes a rejection.
  return new Failure('malformed', 'the token could not be processed')
}

/**
 * Everything done while the signature is checked: disclosures hashed and decoded, the payload
 * segment decoded and parsed, the digest walk. Untrusted until the signature verified.
 */
async function prepare(
  payloadBytes: Uint8Array,
  disclosures: readonly string[],
  codec: Codec,
  evaluateClaims: PassportVerifyRequest['evaluateClaims'],
): Promise<Prepared> {
  let parsed: Map<string, ParsedDisclosure> | Failure
  try {
    parsed = await parseDisclosures(disclosures, codec)
  } catch (error) {
    parsed = caught(error)
  }
  await yieldTurn()
  const prepared: Prepared = {}
  try {
    prepared.payloadText = utf8.decode(payloadBytes)
    prepared.payload = JSON.parse(prepared.payloadText)
  } catch {
    // Reported at the signature step, once the signature verified.
    return prepared
  }
  await yieldTurn()
  if (parsed instanceof Failure) prepared.disclosures = parsed
  else if (isRecord(prepared.payload)) {
    try {
      prepared.disclosures = checkDisclosures(prepared.payload, parsed)
    } catch (error) {
      prepared.disclosures = caught(error)
    }
  }
  const claims = prepared.disclosures
  if (evaluateClaims !== undefined && claims !== undefined && !(claims instanceof Failure)) {
    await yieldTurn()
    try {
      prepared.evaluation = { checks: evaluateClaims(claims as unknown as PassportClaims) }
    } catch (error) {
      prepared.evaluation = { error }
    }
  }
  return prepared
}

/**
 * Checks the disclosures against the signed payload (RFC 9901 §7.1 steps 3-5) and, in the same
 * walk, rebuilds the processed payload: digests replaced by their disclosed claims, undisclosed
 * digests and decoys dropped, `_sd_alg` removed (the result equals `@sd-jwt/decode` getClaims, as
 * the RFC 9901 vector tests check).
 */
function checkDisclosures(
  payload: Record<string, unknown>,
  byDigest: ReadonlyMap<string, ParsedDisclosure>,
): Record<string, unknown> {
  const sdAlg = payload._sd_alg
  if (sdAlg !== undefined && sdAlg !== SD_HASH_ALG) {
    fail('disclosure-invalid', `"_sd_alg" ${show(sdAlg)} is not supported; only sha-256`)
  }
  const referenced = new Set<string>()
  const reference = (digest: unknown, inArray: boolean): ParsedDisclosure | undefined => {
    if (typeof digest !== 'string' || !B64URL.test(digest)) {
      fail('disclosure-invalid', 'a digest in "_sd" or "..." is not a base64url string')
    }
    if (referenced.has(digest)) {
      fail('disclosure-duplicate', `digest ${show(digest)} appears more than once in the payload`)
    }
    referenced.add(digest)
    const d = byDigest.get(digest)
    if (!d) return undefined
    if (inArray !== (d.key === undefined)) {
      fail(
        'disclosure-invalid',
        inArray
          ? 'an array element digest refers to an object property disclosure'
          : 'an "_sd" digest refers to an array element disclosure',
      )
    }
    d.used = true
    return d
  }
  // Returns `node` itself when nothing under it changes, else a copy (unchanged subtrees shared):
  // most of a passport has no digests, and copying it all would cost more than the walk.
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node !== 'object' || node === null) return node
    if (depth > MAX_DEPTH) fail('malformed', `claims nest deeper than ${MAX_DEPTH} levels`)
    if (Array.isArray(node)) {
      let out: unknown[] | undefined
      for (let i = 0; i < node.length; i++) {
        const el: unknown = node[i]
        if (isRecord(el) && Object.hasOwn(el, '...')) {
          if (Object.keys(el).length !== 1) {
            fail('disclosure-invalid', 'an array element digest object has members besides "..."')
          }
          const d = reference(el['...'], true)
          out ??= node.slice(0, i)
          // Undisclosed elements and decoys are dropped.
          if (d) out.push(walk(d.value, depth + 1))
        } else {
          const next = walk(el, depth + 1)
          if (out === undefined && next !== el) out = node.slice(0, i)
          out?.push(next)
        }
      }
      return out ?? node
    }
    const obj = node as Record<string, unknown>
    const keys = Object.keys(obj)
    const hasSd = Object.hasOwn(obj, '_sd')
    let out: Record<string, unknown> | undefined = hasSd ? {} : undefined
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string
      if (k === '_sd') continue
      const v = obj[k]
      const next = walk(v, depth + 1)
      if (out === undefined && next !== v) {
        out = {}
        // No "_sd" here (else `out` would exist): copy the members before this one.
        for (const before of keys.slice(0, i)) setOwn(out, before, obj[before])
      }
      if (out !== undefined) setOwn(out, k, next)
    }
    if (!hasSd || out === undefined) return out ?? obj
    const sd = obj._sd
    if (!Array.isArray(sd)) fail('disclosure-invalid', '"_sd" is not an array')
    for (const digest of sd) {
      const d = reference(digest, false)
      if (!d) continue
      const key = d.key as string
      if (Object.hasOwn(out, key) || Object.hasOwn(obj, key)) {
        fail('disclosure-invalid', `disclosed claim ${show(key)} is already present`)
      }
      setOwn(out, key, walk(d.value, depth + 1))
    }
    return out
  }
  const root = walk(payload, 0) as Record<string, unknown>
  // Never the signed payload itself: it is read again (validity, key binding) and must stay as signed.
  const rebuilt = root === payload ? { ...payload } : root

  let i = 0
  for (const d of byDigest.values()) {
    if (!d.used) {
      fail(
        'disclosure-foreign',
        `disclosure ${i} (digest ${d.digest}) is not referenced by this passport: it was altered or taken from another passport`,
      )
    }
    i++
  }
  delete rebuilt._sd_alg
  return rebuilt
}

/** Sets an own property, also for the name `__proto__` (which plain assignment would not). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else target[key] = value
}

/** Step 6: `iss` is the key's issuer, and the token is inside its validity window at `now`. */
function checkValidity(
  payload: Record<string, unknown>,
  key: TrustedKey,
  now: number,
  skew: number,
): CheckResult {
  if (typeof payload.iss !== 'string') fail('malformed', 'the payload has no string "iss"')
  if (key.issuer !== undefined && payload.iss !== key.issuer) {
    fail('issuer-untrusted', `iss ${show(payload.iss)} is not the issuer of key ${key.kid}`)
  }
  if (payload.issuer !== undefined && payload.issuer !== payload.iss) {
    fail('issuer-untrusted', '"issuer" differs from "iss"')
  }
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const v = payload[claim]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      fail('malformed', `"${claim}" is not a number`)
    }
  }
  const { iat, nbf, exp } = payload as { iat?: number; nbf?: number; exp?: number }
  if (exp === undefined) fail('malformed', 'the payload has no "exp"; passports always expire')
  if (nbf !== undefined && nbf > now + skew) {
    fail('not-yet-valid', `valid from ${timeOf(nbf)}, now ${timeOf(now)} (skew ${skew} s)`)
  }
  if (iat !== undefined && iat > now + skew) {
    fail(
      'not-yet-valid',
      `issued at ${timeOf(iat)}, in the future (now ${timeOf(now)}, skew ${skew} s)`,
    )
  }
  if (exp <= now - skew)
    fail('expired', `expired at ${timeOf(exp)}, now ${timeOf(now)} (skew ${skew} s)`)
  return pass('validity', `issuer ${payload.iss}, valid until ${timeOf(exp)}`)
}

/** What a verifier remembers of a token that passed every check (see `cacheSize`). */
interface Remembered {
  /** The checks before `validity` (size ... signature): the same for every request. */
  before: readonly CheckResult[]
  /** The `disclosures` and `key-binding` checks. */
  after: readonly CheckResult[]
  payload: Record<string, unknown>
  header: Record<string, unknown>
  key: TrustedKey
  claims: PassportClaims
  issuerJwt: string
  resultKey: { kid: string; name?: string }
}

/** Freezes a JSON value and everything in it, so shared cached claims cannot be altered. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** Builds a verifier that imports each trusted key once and reuses it. */
export function createPassportVerifier(options: PassportVerifierOptions): PassportVerifier {
  const { hasher } = options
  if (typeof hasher !== 'function') throw new TypeError('options.hasher must be a function')
  const codec = codecOf(hasher, options.primitives)
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TOKEN_BYTES
  const maxDisclosures = options.maxDisclosures ?? DEFAULT_MAX_DISCLOSURES
  const kbMaxAge = options.kbMaxAgeSeconds ?? DEFAULT_KB_MAX_AGE_SECONDS
  const acceptedTypes = new Set(options.acceptedTypes ?? [SD_JWT_TYP])
  const trusted = new Map<string, { key: TrustedKey; alg: AllowedAlg }>()
  for (const key of options.trustedKeys) {
    if (typeof key.kid !== 'string' || key.kid === '') {
      throw new TypeError('every trusted key needs a non-empty kid')
    }
    const alg = isRecord(key.jwk) ? keyAlg(key.jwk) : undefined
    if (!alg) {
      throw new TypeError(
        `trusted key ${key.kid} must be a public Ed25519 (OKP) or P-256 (EC) JWK without private members`,
      )
    }
    if (trusted.has(key.kid)) throw new TypeError(`two trusted keys have kid ${key.kid}`)
    trusted.set(key.kid, { key, alg })
  }
  const importTrusted = async (key: TrustedKey, alg: AllowedAlg): Promise<Key> => {
    let imported = keyCache.get(key.jwk)
    if (!imported) {
      imported = importJWK(key.jwk, alg)
      keyCache.set(key.jwk, imported)
    }
    const ready = await imported
    resolvedKeys.set(key.kid, ready)
    return ready
  }
  /** Each key once imported, so later verifications start jose without waiting a turn. */
  const resolvedKeys = new Map<string, Key>()
  const cacheSize = options.cacheSize ?? 0
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new TypeError('cacheSize must be a non-negative integer')
  }
  /** Verified tokens by their SHA-256 (base64url), oldest first (a Map keeps insertion order). */
  const remembered = new Map<string, Remembered>()

  /** A remembered token: only the request-dependent checks run again. */
  function verifyRemembered(r: Remembered, request: PassportVerifyRequest): PassportCryptoResult {
    const checks = [...r.before]
    const result: PassportCryptoResult = {
      ok: false,
      checks,
      issuerJwt: r.issuerJwt,
      jwt: { header: r.header, payload: r.payload },
      key: r.resultKey,
    }
    let step = 'validity'
    try {
      checks.push(checkValidity(r.payload, r.key, request.nowSeconds, skew))
      checks.push(...r.after)
      if (request.evaluateClaims !== undefined) {
        step = 'evaluation'
        let evaluation: CheckResult[]
        try {
          evaluation = request.evaluateClaims(r.claims)
        } catch {
          failEvaluation()
        }
        result.evaluation = evaluation
      }
      result.claims = r.claims
      result.ok = true
    } catch (error) {
      const failure = caught(error)
      checks.push({
        check: step,
        outcome: 'fail',
        reason: failure.reason,
        message: failure.message,
      })
    }
    return result
  }

  function remember(digest: string, r: Remembered): void {
    if (remembered.size >= cacheSize) remembered.delete(remembered.keys().next().value as string)
    remembered.set(digest, r)
  }

  async function verify(
    token: string,
    request: PassportVerifyRequest,
  ): Promise<PassportCryptoResult> {
    const checks: CheckResult[] = []
    const result: PassportCryptoResult = { ok: false, checks }
    const now = request.nowSeconds
    if (!Number.isFinite(now)) throw new TypeError('nowSeconds must be a number')
    if (
      request.requireKeyBinding &&
      (request.expectedAudience === undefined || request.expectedNonce === undefined)
    ) {
      throw new TypeError('requireKeyBinding needs expectedAudience and expectedNonce')
    }
    // Keyed by digest: hashing a 16 KB string for a Map costs V8 more than SHA-256 does.
    const cacheKey =
      cacheSize > 0 && !request.requireKeyBinding && typeof token === 'string'
        ? codec.digest(token)
        : undefined
    const hit = cacheKey === undefined ? undefined : remembered.get(cacheKey)
    if (hit !== undefined) return verifyRemembered(hit, request)
    let step = 'size'
    try {
      // 1. size, before any parsing
      if (typeof token !== 'string') fail('malformed', 'the passport is not a string')
      if (token.length > maxBytes) {
        fail('oversize', `the token is ${token.length} bytes; at most ${maxBytes} are accepted`)
      }
      const parts = token.split('~')
      if (parts.length - 2 > maxDisclosures) {
        fail('oversize', `the token has ${parts.length - 2} disclosures; at most ${maxDisclosures}`)
      }
      checks.push(pass(step, `${token.length} bytes, ${Math.max(parts.length - 2, 0)} disclosures`))

      // 2. structure
      step = 'structure'
      if (parts.length < 2) fail('malformed', 'not an SD-JWT: expected <jwt>~<disclosure>~...~')
      const jwt = parts[0] as string
      const kbJwt = parts[parts.length - 1] as string
      const disclosures = parts.slice(1, -1)
      const segments = jwt.split('.')
      let payloadBytes: Uint8Array | undefined
      if (
        segments.length === 3 &&
        B64URL.test(segments[0] as string) &&
        // An empty signature is left to the alg check, so `alg: none` tokens get their own code.
        B64URL_OR_EMPTY.test(segments[2] as string)
      ) {
        try {
          // Decoded once here (it checks the segment is base64url) and parsed while the
          // signature is checked.
          payloadBytes = codec.decode(segments[1] as string)
        } catch {
          payloadBytes = undefined
        }
      }
      if (payloadBytes === undefined) {
        fail('malformed', 'the issuer-signed JWT is not three base64url segments')
      }
      if (disclosures.some((d) => d === '')) fail('malformed', 'an empty disclosure (~~)')
      const header = decodeJsonSegment(segments[0] as string, codec)
      if (!isRecord(header)) fail('malformed', 'the JWT header is not a JSON object')
      checks.push(pass(step, 'compact SD-JWT'))

      // 3. header
      step = 'header'
      const alg = checkAlg(header)
      if (typeof header.typ !== 'string' || !acceptedTypes.has(header.typ)) {
        fail(
          'typ-invalid',
          `header "typ" is ${show(header.typ)}; expected ${[...acceptedTypes].join(' or ')}`,
        )
      }
      if (Object.hasOwn(header, 'crit')) {
        fail('crit-unsupported', 'header "crit" lists extensions this verifier does not understand')
      }
      checks.push(pass(step, `alg ${alg}, typ ${header.typ}`))

      // 4. issuer trust: the key named by kid, of the type alg requires
      step = 'issuer-trust'
      let entry: { key: TrustedKey; alg: AllowedAlg } | undefined
      if (header.kid === undefined && options.allowMissingKid) {
        const candidates = [...trusted.values()].filter((t) => t.alg === alg)
        if (candidates.length !== 1) {
          fail('key-unknown', `no kid in the header and ${candidates.length} trusted ${alg} keys`)
        }
        entry = candidates[0]
      } else {
        if (typeof header.kid !== 'string') fail('key-unknown', 'the header has no string "kid"')
        entry = trusted.get(header.kid)
        if (!entry) fail('key-unknown', `kid ${show(header.kid)} is not a trusted key`)
      }
      const { key, alg: keyType } = entry as { key: TrustedKey; alg: AllowedAlg }
      if (keyType !== alg) {
        fail('alg-not-allowed', `alg ${alg} does not fit trusted key ${key.kid} (a ${keyType} key)`)
      }
      result.key = { kid: key.kid, ...(key.name !== undefined ? { name: key.name } : {}) }
      checks.push(pass(step, `trusted key ${key.kid}${key.name ? ` (${key.name})` : ''}`))

      // 5. signature: jose checks it (off this thread, see the top of this file) while `prepare`
      // does the rest of the work; its outcome is used only once the signature verified.
      step = 'signature'
      const signature: Promise<Uint8Array | undefined> = codec.verifySignature
        ? checkSignature(codec, alg, key.jwk, segments, payloadBytes)
        : compactVerify(jwt, resolvedKeys.get(key.kid) ?? (await importTrusted(key, alg)), {
            algorithms: ALGORITHMS[alg],
          }).then(
            (verified) => verified.payload,
            () => undefined,
          )
      const prepared = await prepare(payloadBytes, disclosures, codec, request.evaluateClaims)
      const verifiedPayload = await signature
      if (verifiedPayload === undefined) {
        fail('signature-invalid', `the signature does not verify with key ${key.kid}`)
      }
      result.issuerJwt = jwt
      const { payload } = prepared
      // Decoded from the same (now verified) segment, so always equal; compared all the same, so
      // the claims provably come from the bytes jose authenticated.
      if (
        !isRecord(payload) ||
        (verifiedPayload !== payloadBytes &&
          !sameText(verifiedPayload, prepared.payloadText as string))
      ) {
        fail('malformed', 'the JWT payload is not a JSON object')
      }
      checks.push(pass(step, `${alg} signature verified`))
      const verifiedHeader = header as Record<string, unknown>
      result.jwt = { header: verifiedHeader, payload }

      // 6. validity: issuer and time window
      step = 'validity'
      checks.push(checkValidity(payload, key, now, skew))

      // 7. disclosures
      step = 'disclosures'
      const rebuilt = prepared.disclosures
      if (rebuilt === undefined || rebuilt instanceof Failure) {
        throw rebuilt ?? new Failure('malformed', 'the claims could not be rebuilt')
      }
      const claims = rebuilt as unknown as PassportClaims
      checks.push(pass(step, `${disclosures.length} disclosure(s) verified`))

      // 8. key binding
      step = 'key-binding'
      if (kbJwt === '') {
        if (request.requireKeyBinding) fail('kb-invalid', 'key binding is required but absent')
        checks.push({ check: step, outcome: 'skipped', reason: 'ok', message: 'no key binding' })
      } else {
        result.keyBinding = await verifyKeyBinding(
          kbJwt,
          token.slice(0, token.length - kbJwt.length),
          payload,
          request,
          { codec, skew, kbMaxAge },
        )
        checks.push(keyBindingCheck(step, result.keyBinding, request))
      }
      const { evaluation } = prepared
      if (evaluation !== undefined) {
        step = 'evaluation'
        if ('error' in evaluation) {
          failEvaluation()
        }
        result.evaluation = evaluation.checks
      }
      result.claims = claims
      result.ok = true
      if (cacheKey !== undefined && kbJwt === '') {
        const validity = checks.findIndex((c) => c.check === 'validity')
        remember(cacheKey, {
          before: checks.slice(0, validity),
          after: checks.slice(validity + 1),
          payload: deepFreeze(payload),
          header: deepFreeze(verifiedHeader),
          key,
          claims: deepFreeze(claims),
          issuerJwt: jwt,
          resultKey: result.key,
        })
      }
      return result
    } catch (error) {
      if (!(error instanceof Failure)) {
        // Fail closed: anything unexpected is a rejection, never an acceptance.
        checks.push({
          check: step,
          outcome: 'fail',
          reason: 'malformed',
          message: 'the token could not be processed',
        })
        return result
      }
      checks.push({ check: step, outcome: 'fail', reason: error.reason, message: error.message })
      return result
    }
  }
  return { verify }
}

/**
 * The result of a key binding that verified. Its `aud` and `nonce` are what make it fresh: without
 * the values the verifier expects they are not compared, so a KB-JWT replayed within its maximum
 * age would pass. That is reported as `skipped` (the binding's freshness was not checked), with
 * the reason naming the value left unchecked, never as a plain `ok`. It does not change the
 * verdict: the same presentation without its KB-JWT would be accepted too, so refusing only
 * unchecked key bindings would protect nothing (`requireKeyBinding`, which needs both values, does).
 */
function keyBindingCheck(
  check: string,
  kb: { aud: string; nonce: string },
  request: PassportVerifyRequest,
): CheckResult {
  const unchecked = [
    request.expectedAudience === undefined ? 'audience' : '',
    request.expectedNonce === undefined ? 'nonce' : '',
  ].filter(Boolean)
  if (unchecked.length === 0) return pass(check, `key binding for ${kb.aud} verified`)
  return {
    check,
    outcome: 'skipped',
    reason: request.expectedNonce === undefined ? 'kb-nonce' : 'kb-audience',
    message: `key binding signed by the holder key (aud ${show(kb.aud)}), but its ${unchecked.join(' and ')} ${unchecked.length === 1 ? 'was' : 'were'} not checked, so a replayed presentation would pass; to check them, give the expected audience and nonce (accord verify --audience AUD --nonce NONCE: this verifier's identifier and the challenge it sent)`,
  }
}

async function verifyKeyBinding(
  kbJwt: string,
  presented: string,
  payload: Record<string, unknown>,
  request: PassportVerifyRequest,
  settings: { codec: Codec; skew: number; kbMaxAge: number },
): Promise<{ aud: string; nonce: string; iat: number }> {
  const segments = kbJwt.split('.')
  if (segments.length !== 3 || !segments.every((s) => B64URL.test(s))) {
    fail('kb-invalid', 'the key-binding JWT is not three base64url segments')
  }
  const header = decodeJsonSegment(segments[0] as string, settings.codec)
  if (!isRecord(header)) fail('kb-invalid', 'the key-binding JWT header is not a JSON object')
  const alg = checkAlg(header, 'kb-invalid')
  if (header.typ !== KB_JWT_TYP) fail('kb-invalid', `key-binding JWT "typ" must be ${KB_JWT_TYP}`)
  if (Object.hasOwn(header, 'crit')) fail('kb-invalid', 'key-binding JWT has a "crit" header')
  const cnf = payload.cnf
  const jwk = isRecord(cnf) ? cnf.jwk : undefined
  if (!isRecord(jwk)) fail('kb-invalid', 'key binding present, but the passport has no cnf.jwk')
  if (keyAlg(jwk) !== alg) fail('kb-invalid', `cnf.jwk is not a public key for ${alg}`)
  let kbPayload: unknown
  try {
    const verified = await compactVerify(kbJwt, await importJWK(jwk, alg), { algorithms: [alg] })
    kbPayload = JSON.parse(utf8.decode(verified.payload))
  } catch {
    fail('kb-invalid', 'the key-binding JWT signature does not verify with cnf.jwk')
  }
  if (!isRecord(kbPayload)) fail('kb-invalid', 'the key-binding JWT payload is not a JSON object')
  const { iat, sd_hash: sdHash, aud, nonce } = kbPayload
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    fail('kb-invalid', 'KB-JWT has no numeric "iat"')
  const now = request.nowSeconds
  if (iat > now + settings.skew)
    fail('kb-invalid', `KB-JWT issued in the future (at ${timeOf(iat)}, now ${timeOf(now)})`)
  if (iat < now - settings.kbMaxAge - settings.skew) {
    fail(
      'kb-invalid',
      `KB-JWT is too old (issued at ${timeOf(iat)}, now ${timeOf(now)}; at most ${settings.kbMaxAge} s)`,
    )
  }
  if (typeof sdHash !== 'string' || sdHash !== settings.codec.digest(presented)) {
    fail('kb-invalid', 'KB-JWT "sd_hash" does not match the presented SD-JWT')
  }
  if (typeof aud !== 'string') fail('kb-audience', 'KB-JWT has no string "aud"')
  if (request.expectedAudience !== undefined && aud !== request.expectedAudience) {
    fail('kb-audience', `KB-JWT is for audience ${show(aud)}, not this verifier`)
  }
  if (typeof nonce !== 'string') fail('kb-nonce', 'KB-JWT has no string "nonce"')
  if (request.expectedNonce !== undefined && nonce !== request.expectedNonce) {
    fail('kb-nonce', 'KB-JWT "nonce" is not the expected one (replayed or for another request)')
  }
  return { aud, nonce, iat }
}

/** One-shot verification; for many tokens, create one verifier and reuse it. */
export async function verifyPassportCrypto(
  token: string,
  options: VerifyPassportCryptoOptions,
): Promise<PassportCryptoResult> {
  return createPassportVerifier(options).verify(token, options)
}
