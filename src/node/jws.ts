/**
 * JWS primitives with node:crypto, for the verifier (`nodeVerifierPrimitives` in verify-batch.ts),
 * the registry's signed requests and its log entries: strict base64url decoding and signature
 * checks. A module of its own so that those callers do not load the batch verifier.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'
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

/**
 * Who checks Ed25519 signatures: libsodium (the optional dependency sodium-native) where it
 * loads, else node:crypto. Why not node:crypto alone: the OpenSSL 3.0 in Node 20 verifies Ed25519
 * with 32-bit-limb field arithmetic, about 130 us per signature on the benchmark machine against
 * about 90 us for libsodium's 64-bit code, and its callback form adds a hop to the libuv pool;
 * Ed25519 checks were the largest single cost of a registry publish (bench/RESULTS.md). No
 * library in JavaScript or WebAssembly comes close (libsodium.js measured 150-190 us).
 * libsodium is the stricter of the two: it also refuses small-order public keys and R values and
 * non-canonical public keys, which no honest signer produces; for every other signature both agree
 * (test/node/jws.test.ts runs both on the same cases). ACCORD_ED25519=node-crypto picks
 * node:crypto even where libsodium loads.
 */
export type Ed25519Backend = 'libsodium' | 'node:crypto'

interface Sodium {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean
}

let sodium: Sodium | null | undefined

function loadSodium(): Sodium | null {
  if (sodium === undefined) {
    sodium = null
    if (process.env.ACCORD_ED25519 !== 'node-crypto') {
      try {
        sodium = createRequire(import.meta.url)('sodium-native') as Sodium
      } catch {
        // Not installed (an optional dependency) or no build for this platform: node:crypto.
      }
    }
  }
  return sodium
}

/** The Ed25519 backend `verifyJwsSignature` uses by default in this process. */
export function ed25519Backend(): Ed25519Backend {
  return loadSodium() === null ? 'node:crypto' : 'libsodium'
}

/** Public keys imported for `verifyJwsSignature`, per JWK object (trusted keys live long). */
const publicKeys = new WeakMap<object, KeyObject>()
/** Raw Ed25519 public keys for libsodium, per JWK object; null for a JWK that is not one. */
const rawEd25519Keys = new WeakMap<object, Uint8Array | null>()

function rawEd25519Key(jwk: Record<string, unknown>): Uint8Array | null {
  let raw = rawEd25519Keys.get(jwk)
  if (raw === undefined) {
    raw = null
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') {
      try {
        const x = decodeBase64urlStrict(jwk.x)
        if (x.length === 32) raw = x
      } catch {
        // not base64url: not a key
      }
    }
    rawEd25519Keys.set(jwk, raw)
  }
  return raw
}

/**
 * A JWS signature check: EdDSA over Ed25519 (see `Ed25519Backend`), or ES256 with the IEEE P1363
 * (r || s) encoding JWS uses, with node:crypto (OpenSSL, the same code WebCrypto reaches). The
 * node:crypto checks use the callback form, which runs on the libuv thread pool as WebCrypto
 * does, without WebCrypto's per-call argument processing; libsodium's check is synchronous.
 * Resolves false for a bad signature, a signature of the wrong length or an unusable key.
 * `backend` is for tests that compare the two.
 */
export function verifyJwsSignature(
  alg: AllowedAlg,
  jwk: Record<string, unknown>,
  signingInput: string,
  signature: Uint8Array,
  backend: Ed25519Backend = ed25519Backend(),
): Promise<boolean> {
  if (alg === 'EdDSA' && backend === 'libsodium') {
    const lib = loadSodium()
    if (lib === null) return Promise.reject(new Error('libsodium (sodium-native) is not available'))
    const key = rawEd25519Key(jwk)
    try {
      return Promise.resolve(
        key !== null &&
          signature.length === 64 &&
          lib.crypto_sign_verify_detached(signature, Buffer.from(signingInput, 'latin1'), key),
      )
    } catch {
      // An argument the binding refuses: as node:crypto's path, not a valid signature.
      return Promise.resolve(false)
    }
  }
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
