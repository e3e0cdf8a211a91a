/**
 * Tokens that authenticate themselves (endorsements, incident reports): the request carries the
 * signer's public JWK, whose RFC 7638 thumbprint must be the token's header kid. Whether anyone
 * trusts that key is the reader's policy; the registry records which key signed.
 */
import { decodeProtectedHeader } from 'jose'
import { issuerJwtOf } from '../../core/passport/endorse.js'
import { jwkThumbprint, parsePublicJwk } from '../../core/passport/jwk.js'
import { ApiError } from '../app.js'

export interface TokenKind {
  /** What the token is called in messages: `endorsement`, `incident report`. */
  what: string
  /** What the JWK is called in messages: `endorser jwk`, `reporter jwk`. */
  jwkLabel: string
  /** The verification reason code of a refusal: `endorsement-invalid`, `incident-invalid`. */
  reason: string
}

/** 422 ERR_PASSPORT_REJECTED with a verification reason code. */
export function rejected(message: string, reason: string): ApiError {
  return new ApiError('ERR_PASSPORT_REJECTED', message, 422, reason)
}

/** The signer's key: the given public JWK, which must be the one the token's header kid names. */
export async function tokenKey(
  token: string,
  jwk: unknown,
  kind: TokenKind,
): Promise<{ kid: string; jwk: Record<string, unknown> }> {
  let kid: unknown
  try {
    kid = decodeProtectedHeader(issuerJwtOf(token)).kid
  } catch {
    throw rejected(`the ${kind.what} is not a JWS with a JSON header`, kind.reason)
  }
  let key: Record<string, unknown>
  try {
    key = await parsePublicJwk(jwk, kind.jwkLabel)
  } catch (err) {
    throw rejected((err as Error).message, kind.reason)
  }
  if (typeof kid !== 'string' || (await jwkThumbprint(key)) !== kid)
    throw rejected(
      `the ${kind.what} header kid is not the RFC 7638 thumbprint of the given jwk`,
      kind.reason,
    )
  return { kid, jwk: key }
}
