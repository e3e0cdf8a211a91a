/**
 * JSON Web Keys for passport signing: which keys Accord accepts, RFC 7638 thumbprints, public-key
 * extraction and JWK Sets. Pure: parsing and checks only, no files (see src/node/keys.ts).
 *
 * Only two key types are ever accepted, one per algorithm of ALLOWED_ALGS:
 * - `EdDSA`: `kty: OKP`, `crv: Ed25519` (RFC 8037)
 * - `ES256`: `kty: EC`, `crv: P-256` (RFC 7518 §3.4)
 *
 * Error messages name the key's source and the offending member, never a member's value: key files
 * hold secrets and error messages end up in logs.
 */
import { calculateJwkThumbprint } from 'jose'
import { PassportError } from '../errors.js'
import type { AllowedAlg } from './types.js'
import { ALLOWED_ALGS } from './types.js'

/** A public signing key as Accord publishes it: `kid` is its RFC 7638 thumbprint unless given. */
export type PublicJwk = {
  kty: 'OKP' | 'EC'
  crv: 'Ed25519' | 'P-256'
  x: string
  /** P-256 only. */
  y?: string
  kid: string
  alg: AllowedAlg
  use: 'sig'
}

/** A private signing key: the public members plus the private scalar `d`. */
export type PrivateJwk = PublicJwk & { d: string }

/** A JWK Set (RFC 7517 §5). */
export type Jwks = { keys: PublicJwk[] }

/** Key type and curve for each allowed algorithm, and the byte length of each coordinate. */
export const KEY_TYPES: Record<AllowedAlg, { kty: 'OKP' | 'EC'; crv: 'Ed25519' | 'P-256' }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
}

/** Both curves have 32-byte coordinates and 32-byte private scalars. */
const COORDINATE_BYTES = 32

/**
 * Members that carry private key material in any JWK type (RFC 7518 §6.2.2, §6.3.2, §6.4.1;
 * RFC 8037 §2). A public key file holding any of them is refused.
 */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const

/** Largest JWK Set accepted; a trust list of more keys is a mistake or an attack. */
export const MAX_JWKS_KEYS = 100

const BASE64URL = /^[A-Za-z0-9_-]+$/

function invalid(source: string, message: string): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_KEY_INVALID',
    message: `${source}: ${message}`,
    details: { source },
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Byte length of an unpadded base64url string, or undefined when it is not one. */
function base64urlBytes(s: unknown): number | undefined {
  if (typeof s !== 'string' || !BASE64URL.test(s) || s.length % 4 === 1) return undefined
  return Math.floor((s.length * 3) / 4)
}

/** The algorithm a JWK is for, from its `kty` and `crv`. Throws ERR_PASSPORT_KEY_INVALID. */
export function algForJwk(jwk: Record<string, unknown>, source = 'key'): AllowedAlg {
  const { kty, crv } = jwk
  if (kty === 'oct') {
    throw invalid(
      source,
      'is a symmetric key (kty "oct"); passports are signed with Ed25519 or P-256 key pairs only',
    )
  }
  for (const alg of ALLOWED_ALGS) {
    if (KEY_TYPES[alg].kty === kty && KEY_TYPES[alg].crv === crv) return alg
  }
  const what =
    typeof kty === 'string' && typeof crv === 'string'
      ? `kty "${kty}" with crv "${crv}"`
      : typeof kty === 'string'
        ? `kty "${kty}"`
        : 'a key without a string "kty"'
  throw invalid(
    source,
    `has ${what}; only kty "OKP" with crv "Ed25519" (EdDSA) and kty "EC" with crv "P-256" (ES256) are accepted`,
  )
}

/** Throws ERR_PASSPORT_KEY_INVALID unless `jwk` is a key for `alg`. */
export function checkAlgMatchesKey(
  alg: string,
  jwk: Record<string, unknown>,
  source = 'key',
): void {
  if (!(ALLOWED_ALGS as readonly string[]).includes(alg)) {
    throw invalid(
      source,
      `algorithm "${alg}" is not allowed; use one of ${ALLOWED_ALGS.join(', ')}`,
    )
  }
  const keyAlg = algForJwk(jwk, source)
  if (keyAlg !== alg) {
    throw invalid(source, `is a ${keyAlg} key and cannot be used with algorithm "${alg}"`)
  }
}

/** RFC 7638 thumbprint (base64url SHA-256 over the required public members) of a public key. */
export async function jwkThumbprint(jwk: Record<string, unknown>): Promise<string> {
  const alg = algForJwk(jwk)
  const required =
    alg === 'EdDSA'
      ? { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string }
      : { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string }
  return calculateJwkThumbprint(required, 'sha256')
}

/**
 * Checks the shape shared by public and private keys and returns the public part with `alg` and
 * `use`. `kid` is the given one or, when absent, the thumbprint.
 */
async function parseKeyCommon(value: unknown, source: string): Promise<PublicJwk> {
  if (!isRecord(value)) throw invalid(source, 'is not a JSON object (a JWK)')
  const alg = algForJwk(value, source)
  const { kty, crv } = KEY_TYPES[alg]
  const coordinates = alg === 'ES256' ? (['x', 'y'] as const) : (['x'] as const)
  for (const c of coordinates) {
    if (base64urlBytes(value[c]) !== COORDINATE_BYTES) {
      throw invalid(source, `member "${c}" must be ${COORDINATE_BYTES} bytes in unpadded base64url`)
    }
  }
  if (alg === 'EdDSA' && value.y !== undefined) {
    throw invalid(source, 'an Ed25519 key must not have a "y" member')
  }
  if (value.alg !== undefined && value.alg !== alg) {
    throw invalid(source, `member "alg" must be "${alg}" for this key type`)
  }
  if (value.use !== undefined && value.use !== 'sig') {
    throw invalid(source, 'member "use" must be "sig"; this key is for signing')
  }
  if (value.kid !== undefined && (typeof value.kid !== 'string' || value.kid === '')) {
    throw invalid(source, 'member "kid" must be a non-empty string')
  }
  const pub: PublicJwk = {
    kty,
    crv,
    x: value.x as string,
    ...(alg === 'ES256' ? { y: value.y as string } : {}),
    kid: '',
    alg,
    use: 'sig',
  }
  pub.kid = (value.kid as string | undefined) ?? (await jwkThumbprint(pub))
  return pub
}

/**
 * Parses a public JWK. Refuses private members, symmetric keys and unsupported curves; fills in
 * `kid` (the thumbprint) when absent. Throws ERR_PASSPORT_KEY_INVALID.
 */
export async function parsePublicJwk(value: unknown, source = 'public key'): Promise<PublicJwk> {
  if (isRecord(value)) {
    // A symmetric key is refused as such (its secret `k` would otherwise be reported first).
    if (value.kty === 'oct') algForJwk(value, source)
    const priv = PRIVATE_JWK_MEMBERS.filter((m) => m in value)
    if (priv.length > 0) {
      throw invalid(
        source,
        `contains private key member(s) ${priv.map((m) => `"${m}"`).join(', ')}; ` +
          'a public key file must hold the public key only (make one with `accord keys export`)',
      )
    }
  }
  return parseKeyCommon(value, source)
}

/**
 * Parses a private JWK: a supported key with a 32-byte `d`, whose `kid`, when present, equals its
 * RFC 7638 thumbprint (absent: set to it). Throws ERR_PASSPORT_KEY_INVALID.
 */
export async function parsePrivateJwk(value: unknown, source = 'private key'): Promise<PrivateJwk> {
  const pub = await parseKeyCommon(value, source)
  const record = value as Record<string, unknown>
  if (record.d === undefined) {
    throw invalid(source, 'has no private member "d"; this is a public key, not a private key')
  }
  if (base64urlBytes(record.d) !== COORDINATE_BYTES) {
    throw invalid(source, `member "d" must be ${COORDINATE_BYTES} bytes in unpadded base64url`)
  }
  const thumbprint = await jwkThumbprint(pub)
  if (pub.kid !== thumbprint) {
    throw invalid(
      source,
      `member "kid" is not the key's RFC 7638 thumbprint "${thumbprint}"; ` +
        'fix the kid or remove it (Accord key ids are thumbprints)',
    )
  }
  return { ...pub, d: record.d as string }
}

/** The public part of a key: only `kty`, `crv`, `x`, `y`, `kid`, `alg` and `use`. */
export function toPublicJwk(jwk: PublicJwk | PrivateJwk): PublicJwk {
  return {
    kty: jwk.kty,
    crv: jwk.crv,
    x: jwk.x,
    ...(jwk.y !== undefined ? { y: jwk.y } : {}),
    kid: jwk.kid,
    alg: jwk.alg,
    use: 'sig',
  }
}

/**
 * Parses a single public JWK or a JWK Set (`{ keys: [...] }`) into a list of public keys. Every
 * key is checked as parsePublicJwk does; an empty set, more than MAX_JWKS_KEYS keys, or two
 * different keys under one `kid` are refused. Throws ERR_PASSPORT_KEY_INVALID.
 */
export async function parsePublicKeys(
  value: unknown,
  source = 'public keys',
): Promise<PublicJwk[]> {
  if (isRecord(value) && 'keys' in value) {
    const { keys } = value
    if (!Array.isArray(keys)) throw invalid(source, 'member "keys" of a JWK Set must be an array')
    if (keys.length === 0) throw invalid(source, 'the JWK Set has no keys')
    if (keys.length > MAX_JWKS_KEYS) {
      throw invalid(
        source,
        `the JWK Set has ${keys.length} keys; at most ${MAX_JWKS_KEYS} are accepted`,
      )
    }
    const out: PublicJwk[] = []
    for (const [i, k] of keys.entries()) out.push(await parsePublicJwk(k, `${source} keys[${i}]`))
    return buildJwks(out, source).keys
  }
  return [await parsePublicJwk(value, source)]
}

/**
 * A JWK Set of the public parts of `keys`, in the order given. The same key given twice appears
 * once; two different keys with one `kid` throw ERR_PASSPORT_KEY_INVALID (verifiers select keys
 * by `kid`).
 */
export function buildJwks(keys: readonly (PublicJwk | PrivateJwk)[], source = 'JWK Set'): Jwks {
  const byKid = new Map<string, PublicJwk>()
  for (const k of keys) {
    const pub = toPublicJwk(k)
    const seen = byKid.get(pub.kid)
    if (seen === undefined) byKid.set(pub.kid, pub)
    else if (JSON.stringify(seen) !== JSON.stringify(pub)) {
      throw invalid(source, `two different keys have kid "${pub.kid}"; key ids must be unique`)
    }
  }
  return { keys: [...byKid.values()] }
}
