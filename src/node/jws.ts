/**
 * JWS primitives with node:crypto, for the verifier (`nodeVerifierPrimitives` in verify-batch.ts),
 * the registry's signed requests and its log entries: strict base64url decoding and signature
 * checks. A module of its own so that those callers do not load the batch verifier.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { AllowedAlg } from '../core/passport/types.js'

/**
 * base64url decoding that refuses what is not base64url, as the verifier requires, without a
 * regular expression over the text (on a passport's 15 KB that costs more than the decoding).
 * Node's decoder alone is lenient: it skips characters outside the alphabet, reads `+` and `/` as
 * `-` and `_`, and reads only the low byte of a character above U+00FF. So: refuse non-ASCII text
 * (its UTF-8 length differs), `+` and `/`; a skipped character always leaves fewer than
 * floor(3n/4) bytes for a length n not 1 modulo 4, which is checked last.
 */
export function decodeBase64urlStrict(data: string): Buffer {
  const bytes = Buffer.from(data, 'base64url')
  if (
    data.length % 4 === 1 ||
    bytes.length !== (data.length * 3) >> 2 ||
    data.includes('+') ||
    data.includes('/') ||
    Buffer.byteLength(data, 'utf8') !== data.length
  ) {
    throw new TypeError('not base64url')
  }
  return bytes
}

/** Public keys imported for `verifyJwsSignature`, per JWK object (trusted keys live long). */
const publicKeys = new WeakMap<object, KeyObject>()

/**
 * A JWS signature check with node:crypto (OpenSSL, the same code WebCrypto reaches): EdDSA over
 * Ed25519, or ES256 with the IEEE P1363 (r || s) encoding JWS uses. The callback form runs on the
 * libuv thread pool, as WebCrypto does, without WebCrypto's per-call argument processing.
 * Resolves false for a bad signature, a signature of the wrong length or an unusable key.
 */
export function verifyJwsSignature(
  alg: AllowedAlg,
  jwk: Record<string, unknown>,
  signingInput: string,
  signature: Uint8Array,
): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      let key = publicKeys.get(jwk)
      if (key === undefined) {
        key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
        publicKeys.set(jwk, key)
      }
      const fits =
        alg === 'EdDSA'
          ? key.asymmetricKeyType === 'ed25519'
          : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      if (!fits) {
        resolve(false)
        return
      }
      const data = Buffer.from(signingInput, 'latin1')
      const done = (error: Error | null, ok: boolean): void => resolve(error === null && ok)
      if (alg === 'EdDSA') verify(null, data, key, signature, done)
      else verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature, done)
    } catch {
      resolve(false)
    }
  })
}
