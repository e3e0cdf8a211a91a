/**
 * Issues a passport: the claims become an SD-JWT VC (RFC 9901, `typ: dc+sd-jwt`) signed by the
 * injected Signer. Each `credentialSubject.classification.<jurisdiction>`, each
 * `credentialSubject.obligations.<framework>` and each `credentialSubject.evidence.items[i]` is its
 * own disclosure; everything else stays visible in the issuer-signed JWT.
 */
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc'
import type { DisclosureFrame } from '@sd-jwt/types'
import type { Signer } from '../ports.js'
import {
  libraryHasher,
  SD_HASH_ALG,
  sdJwtSigner,
  type SaltGenerator,
  type SdHasher,
} from './sd-jwt.js'
import { ALLOWED_ALGS, SD_JWT_TYP, type PassportClaims } from './types.js'

export interface IssuePassportOptions {
  /** Salt per disclosure: use `saltGeneratorFrom(randomBytes)` (128-bit random). */
  saltGenerator: SaltGenerator
  /** SHA-256 (`@sd-jwt/crypto-nodejs` `digest` in Node). */
  hasher: SdHasher
}

/** The disclosure frame of a passport: which claims become selectively disclosable. */
export function passportDisclosureFrame(
  claims: PassportClaims,
): DisclosureFrame<Record<string, unknown>> {
  const subject = claims.credentialSubject
  const frame = {
    credentialSubject: {
      classification: { _sd: Object.keys(subject.classification) },
      obligations: { _sd: Object.keys(subject.obligations) },
      evidence: { items: { _sd: subject.evidence.items.map((_, i) => i) } },
    },
  }
  return frame as unknown as DisclosureFrame<Record<string, unknown>>
}

/** Signs the claims as an SD-JWT VC; returns the compact form `<jwt>~<disclosure>~...~`. */
export async function issuePassport(
  claims: PassportClaims,
  signer: Signer,
  options: IssuePassportOptions,
): Promise<string> {
  if (!(ALLOWED_ALGS as readonly string[]).includes(signer.alg)) {
    throw new TypeError(`signer.alg must be one of ${ALLOWED_ALGS.join(', ')}, got ${signer.alg}`)
  }
  if (typeof signer.kid !== 'string' || signer.kid === '') {
    throw new TypeError('signer.kid must be a non-empty string (the key thumbprint)')
  }
  if (claims.iss !== claims.issuer) {
    throw new TypeError(`claims.iss (${claims.iss}) must equal claims.issuer (${claims.issuer})`)
  }
  const { saltGenerator } = options
  const instance = new SDJwtVcInstance({
    signer: sdJwtSigner(signer),
    signAlg: signer.alg,
    hasher: libraryHasher(options.hasher),
    hashAlg: SD_HASH_ALG,
    saltGenerator: () => saltGenerator(),
  })
  return instance.issue(
    { ...claims } as PassportClaims & SdJwtVcPayload,
    passportDisclosureFrame(claims),
    {
      header: { typ: SD_JWT_TYP, kid: signer.kid },
    },
  )
}
