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
 *    `sd_hash` matches (`kb-invalid`); `aud` (`kb-audience`) and `nonce` (`kb-nonce`) match.
 *
 * Every attacker-controlled field is parsed defensively; no step trusts a value before the step
 * that authenticates it (claims are read only after the signature verified).
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
  /** The trusted key that verified the signature. */
  key?: { kid: string; name?: string }
  /** The verified key-binding JWT payload, when there was one. */
  keyBinding?: { aud: string; nonce: string; iat: number }
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

/** An attacker-controlled value for a message: JSON, cut to 80 characters. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function pass(check: string, message: string): CheckResult {
  return { check, outcome: 'pass', reason: 'ok', message }
}

/** Parses one base64url JSON segment, or returns undefined. */
function decodeJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(utf8.decode(base64url.decode(segment)))
  } catch {
    return undefined
  }
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

/**
 * Hashes and decodes every disclosure (RFC 9901 §7.1 step 3). Nothing here is trusted yet: the
 * result is only used after the signature verified.
 */
function parseDisclosures(
  encoded: readonly string[],
  hasher: SdHasher,
): Map<string, ParsedDisclosure> {
  const byDigest = new Map<string, ParsedDisclosure>()
  encoded.forEach((e, i) => {
    if (!B64URL.test(e)) fail('disclosure-invalid', `disclosure ${i} is not base64url`)
    const digest = sdDigest(hasher, e)
    if (byDigest.has(digest)) fail('disclosure-duplicate', `disclosure ${i} is given twice`)
    const array = decodeJsonSegment(e)
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
  })
  return byDigest
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
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node !== 'object' || node === null) return node
    if (depth > MAX_DEPTH) fail('malformed', `claims nest deeper than ${MAX_DEPTH} levels`)
    if (Array.isArray(node)) {
      const out: unknown[] = []
      for (const el of node) {
        if (isRecord(el) && Object.hasOwn(el, '...')) {
          if (Object.keys(el).length !== 1) {
            fail('disclosure-invalid', 'an array element digest object has members besides "..."')
          }
          const d = reference(el['...'], true)
          // Undisclosed elements and decoys are dropped.
          if (d) out.push(walk(d.value, depth + 1))
        } else out.push(walk(el, depth + 1))
      }
      return out
    }
    const obj = node as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(obj)) if (k !== '_sd') setOwn(out, k, walk(v, depth + 1))
    if (!Object.hasOwn(obj, '_sd')) return out
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
  const rebuilt = walk(payload, 0) as Record<string, unknown>

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

/** Builds a verifier that imports each trusted key once and reuses it. */
export function createPassportVerifier(options: PassportVerifierOptions): PassportVerifier {
  const { hasher } = options
  if (typeof hasher !== 'function') throw new TypeError('options.hasher must be a function')
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
  const importTrusted = (key: TrustedKey, alg: AllowedAlg): Promise<Key> => {
    let imported = keyCache.get(key.jwk)
    if (!imported) {
      imported = importJWK(key.jwk, alg)
      keyCache.set(key.jwk, imported)
    }
    return imported
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
      if (
        segments.length !== 3 ||
        !B64URL.test(segments[0] as string) ||
        !B64URL_OR_EMPTY.test(segments[1] as string) ||
        // An empty signature is left to the alg check, so `alg: none` tokens get their own code.
        !B64URL_OR_EMPTY.test(segments[2] as string)
      ) {
        fail('malformed', 'the issuer-signed JWT is not three base64url segments')
      }
      if (disclosures.some((d) => d === '')) fail('malformed', 'an empty disclosure (~~)')
      const header = decodeJsonSegment(segments[0] as string)
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

      // 5. signature
      step = 'signature'
      // jose verifies through WebCrypto, off the main thread. Start it, let it reach
      // crypto.subtle.verify (two microtask turns in jose 6), and meanwhile hash and decode the
      // disclosures. Their outcome is neither trusted nor reported before the signature verified.
      const signature = compactVerify(jwt, await importTrusted(key, alg), {
        algorithms: [alg],
      }).then(
        (verified) => verified.payload,
        () => undefined,
      )
      for (let turn = 0; turn < 4; turn++) await undefined
      let parsed: Map<string, ParsedDisclosure> | Failure
      try {
        parsed = parseDisclosures(disclosures, hasher)
      } catch (error) {
        if (!(error instanceof Failure)) throw error
        parsed = error
      }
      const payloadBytes = await signature
      if (payloadBytes === undefined) {
        fail('signature-invalid', `the signature does not verify with key ${key.kid}`)
      }
      result.issuerJwt = jwt
      let payload: unknown
      try {
        payload = JSON.parse(utf8.decode(payloadBytes))
      } catch {
        payload = undefined
      }
      if (!isRecord(payload)) fail('malformed', 'the JWT payload is not a JSON object')
      checks.push(pass(step, `${alg} signature verified`))

      // 6. validity: issuer and time window
      step = 'validity'
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
        fail('not-yet-valid', `valid from ${nbf}, now ${now} (skew ${skew} s)`)
      }
      if (iat !== undefined && iat > now + skew) {
        fail('not-yet-valid', `issued at ${iat}, in the future (now ${now}, skew ${skew} s)`)
      }
      if (exp <= now - skew) fail('expired', `expired at ${exp}, now ${now} (skew ${skew} s)`)
      checks.push(pass(step, `issuer ${payload.iss}, valid until ${exp}`))

      // 7. disclosures
      step = 'disclosures'
      if (parsed instanceof Failure) throw parsed
      const claims = checkDisclosures(payload, parsed) as unknown as PassportClaims
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
          { hasher, skew, kbMaxAge },
        )
        checks.push(pass(step, `key binding for ${result.keyBinding.aud} verified`))
      }
      result.claims = claims
      result.ok = true
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

async function verifyKeyBinding(
  kbJwt: string,
  presented: string,
  payload: Record<string, unknown>,
  request: PassportVerifyRequest,
  settings: { hasher: SdHasher; skew: number; kbMaxAge: number },
): Promise<{ aud: string; nonce: string; iat: number }> {
  const segments = kbJwt.split('.')
  if (segments.length !== 3 || !segments.every((s) => B64URL.test(s))) {
    fail('kb-invalid', 'the key-binding JWT is not three base64url segments')
  }
  const header = decodeJsonSegment(segments[0] as string)
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
  if (iat > now + settings.skew) fail('kb-invalid', `KB-JWT issued in the future (${iat})`)
  if (iat < now - settings.kbMaxAge - settings.skew) {
    fail('kb-invalid', `KB-JWT is too old (iat ${iat}, at most ${settings.kbMaxAge} s)`)
  }
  if (typeof sdHash !== 'string' || sdHash !== sdDigest(settings.hasher, presented)) {
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
