/**
 * Shared SD-JWT (RFC 9901) plumbing for passports: the injected hash function and random source,
 * limits, and the bridge from our `Signer` port to the `@sd-jwt/*` signer callback.
 *
 * The core never touches `node:crypto`: adapters inject `hasher` (in Node, `digest` from
 * `@sd-jwt/crypto-nodejs`) and `randomBytes` (in Node, `crypto.randomBytes`).
 */
import { base64url } from 'jose'
import type { Signer } from '../ports.js'

/** The only `_sd_alg` Accord issues and accepts (RFC 9901 §4.1.1; the IANA name). */
export const SD_HASH_ALG = 'sha-256'

/** Bytes of randomness in each disclosure salt: 128 bits, as RFC 9901 §9.3 recommends. */
export const SALT_BYTES = 16

/** Largest token `verify` reads, in bytes (characters: a valid token is ASCII). */
export const DEFAULT_MAX_TOKEN_BYTES = 256 * 1024
/** Most disclosures one token may carry. */
export const DEFAULT_MAX_DISCLOSURES = 1000
/** Tolerance for clock differences when checking `nbf`, `exp` and `iat`. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60
/** How old a key-binding JWT (`iat`) may be. */
export const DEFAULT_KB_MAX_AGE_SECONDS = 300

/**
 * Synchronous hash function `(data, alg) -> digest bytes`, as `@sd-jwt` expects. It must support
 * `sha-256`; it is called on ASCII strings (encoded disclosures, the SD-JWT for `sd_hash`).
 */
export type SdHasher = (data: string, alg: string) => Uint8Array

/** A source of cryptographically secure random bytes (Node: `crypto.randomBytes`). */
export type RandomBytes = (length: number) => Uint8Array

/** Returns a salt for one disclosure: base64url, at least 128 bits of randomness. */
export type SaltGenerator = () => string

/** Salts of SALT_BYTES random bytes, base64url-encoded (22 characters). */
export function saltGeneratorFrom(randomBytes: RandomBytes): SaltGenerator {
  return () => {
    const bytes = randomBytes(SALT_BYTES)
    if (!(bytes instanceof Uint8Array) || bytes.length !== SALT_BYTES) {
      throw new TypeError(`randomBytes(${SALT_BYTES}) must return ${SALT_BYTES} bytes`)
    }
    return base64url.encode(bytes)
  }
}

/** base64url (no padding) of `hasher(data, 'sha-256')`: a disclosure digest or an `sd_hash`. */
export function sdDigest(hasher: SdHasher, data: string): string {
  return base64url.encode(hasher(data, SD_HASH_ALG))
}

/** Adapts our Signer port to the `@sd-jwt` signer callback (signing input in, base64url out). */
export function sdJwtSigner(signer: Signer): (data: string) => Promise<string> {
  const encoder = new TextEncoder()
  return async (data: string) => base64url.encode(await signer.sign(encoder.encode(data)))
}

/**
 * Seconds since the epoch as an ISO 8601 UTC date-time (`2027-11-22T13:15:30Z`), for messages.
 * A value no Date can hold (the claim is the signer's, not ours) is shown as the number.
 */
export function timeOf(seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime())
    ? `${seconds} s after the epoch`
    : date.toISOString().replace(/\.000Z$/, 'Z')
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Adapts an SdHasher to the `@sd-jwt` Hasher type (which also allows ArrayBuffer input). */
export function libraryHasher(
  hasher: SdHasher,
): (data: string | ArrayBuffer, alg: string) => Uint8Array {
  return (data, alg) => {
    if (typeof data !== 'string') throw new TypeError('passport hashing takes strings only')
    return hasher(data, alg)
  }
}
