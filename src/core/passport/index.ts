/** Passport public API: build claims, issue, present and verify (cryptographic layer). */
export {
  buildPassportClaims,
  isoDateTime,
  subjectIdInput,
  SUBJECT_ID_PREFIX,
  type BuildPassportClaimsInput,
} from './claims.js'
export { legacyNotes, type LegacyNote } from './legacy.js'
export { issuePassport, passportDisclosureFrame, type IssuePassportOptions } from './issue.js'
export {
  disclosablePaths,
  presentPassport,
  type DisclosablePaths,
  type PresentKeyBinding,
  type PresentPassportOptions,
} from './present.js'
export {
  createPassportVerifier,
  verifyPassportCrypto,
  type PassportCryptoResult,
  type PassportVerifier,
  type PassportVerifierOptions,
  type PassportVerifyRequest,
  type TrustedKey,
  type VerifyPassportCryptoOptions,
} from './verify.js'
export {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_KB_MAX_AGE_SECONDS,
  DEFAULT_MAX_DISCLOSURES,
  DEFAULT_MAX_TOKEN_BYTES,
  SALT_BYTES,
  SD_HASH_ALG,
  saltGeneratorFrom,
  sdDigest,
  sdJwtSigner,
  type RandomBytes,
  type SaltGenerator,
  type SdHasher,
} from './sd-jwt.js'
export * from './types.js'
