/**
 * Ports: what the pure core needs from the outside world, injected by adapters.
 */
import type { AllowedAlg } from './passport/types.js'

/** A signing key. Key files implement it today; a KMS or HSM can stand in (same interface). */
export interface Signer {
  alg: AllowedAlg
  /** RFC 7638 JWK thumbprint (base64url SHA-256) of the public key. */
  kid: string
  /** Public key as a JWK (no private members). */
  publicJwk: Record<string, unknown>
  /** Signs the JWS signing input; returns the raw JWS signature bytes (R||S for ES256). */
  sign(data: Uint8Array): Promise<Uint8Array>
}

/** The current time, injected so the core never reads the wall clock. */
export interface Clock {
  /** Seconds since the epoch. */
  nowSeconds(): number
}
