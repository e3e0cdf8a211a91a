/**
 * The AI regulatory passport: a W3C Verifiable Credential 2.0 data model secured as an SD-JWT VC
 * (RFC 9901, `typ: dc+sd-jwt`). These types are the contract between issuing, presenting,
 * verifying and policy evaluation.
 *
 * Selectively disclosable (one disclosure each): every `credentialSubject.classification.<jurisdiction>`
 * (with its `legacy` member: the Art. 111 status dates that classification's obligations, so it is
 * shown or hidden with it), every `credentialSubject.obligations.<framework>`, and every
 * `credentialSubject.evidence.items[i]`. Everything else is always visible.
 */
import type { BuyerIncident } from '../incident/buyer.js'

export const PASSPORT_TYPE = 'AIRegulatoryPassport'
/** SD-JWT VC type (`vct`) of a passport. */
export const PASSPORT_VCT = 'https://accord.dev/vct/ai-regulatory-passport/v1'
export const ENDORSEMENT_TYPE = 'AIRegulatoryPassportEndorsement'
export const ENDORSEMENT_VCT = 'https://accord.dev/vct/ai-regulatory-passport-endorsement/v1'
/** Type and SD-JWT VC type of a serious-incident report (EU AI Act Art. 73): src/core/incident/. */
export const INCIDENT_REPORT_TYPE = 'AIIncidentReport'
export const INCIDENT_REPORT_VCT = 'https://accord.dev/vct/ai-incident-report/v1'
/** Type and SD-JWT VC type of an evaluation result: src/core/evaluation/. */
export const EVALUATION_RESULT_TYPE = 'AIEvaluationResult'
export const EVALUATION_RESULT_VCT = 'https://accord.dev/vct/ai-evaluation-result/v1'
export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2'
export const ACCORD_CONTEXT = 'https://accord.dev/ns/passport/v1'
/** JOSE `typ` of the issuer-signed JWT. */
export const SD_JWT_TYP = 'dc+sd-jwt'

/** Signature algorithms Accord signs with and accepts. Nothing else is ever accepted. */
export const ALLOWED_ALGS = ['EdDSA', 'ES256'] as const
export type AllowedAlg = (typeof ALLOWED_ALGS)[number]

export interface ArtifactDigest {
  /** Path relative to the artifacts root, `/`-separated. */
  path: string
  /** SHA-256 of the whole file (equals `sha256sum`). */
  sha256: string
  size: number
  /** When hashed in shards: the shard size and each shard's SHA-256, so verification repeats it. */
  shards?: { size: number; sha256: string[] }
}

export interface JurisdictionClassification {
  category: string
  citations: string[]
  gpai: string | null
  asOf: string
  lawVersion: string
  derogationApplied: boolean
  /**
   * The transitional rules for systems and models already on the market (EU AI Act Art. 111),
   * present only when one applied; each member only when its rule applied. Added after the first
   * passports: a passport without it says nothing about Art. 111 (it may predate the member).
   */
  legacy?: LegacyClaim
}

/**
 * Art. 111 in a passport. The same members as `euAiAct.legacy` of `accord classify --json`
 * (src/core/classify/types.ts), written out here because the passport is a published contract:
 * a change to the classification's types must not change passports silently.
 */
export interface LegacyClaim {
  highRisk?: LegacyHighRiskClaim
  gpai?: LegacyGpaiClaim
}

/**
 * Art. 111(2): a high-risk system placed on the market or put into service before the cut-off
 * of its route. Its high-risk obligations apply from `appliesFrom`, and why is in
 * `significantChange` (the first substantial modification on or after the cut-off) and
 * `publicAuthority` (intended for public authorities: a fixed date, 2 August 2030); the earlier
 * of the two, or the route's own date under Art. 113 when that is later.
 */
export interface LegacyHighRiskClaim {
  /** `Art. 111(2)`. */
  cites: string
  /** The placement date (system.placedOnMarket); after `asOf` it is a plan. */
  placedOnMarket: string
  /** The cut-off under the law version of the classification. */
  placedBefore: string
  publicAuthority: boolean
  significantChange: { version: string; date: string } | null
  /** Null: the high-risk obligations apply only from a significant change in design. */
  appliesFrom: string | null
}

/** Art. 111(3): every general-purpose AI model of the provider was placed before the cut-off. */
export interface LegacyGpaiClaim {
  /** `Art. 111(3)`. */
  cites: string
  /** `name version` and placement date of each model, sorted by name. */
  models: { name: string; placedOnMarket: string }[]
  /** The cut-off (2025-08-02). */
  placedBefore: string
  /** The date the general-purpose AI model duties apply from (2027-08-02). */
  appliesFrom: string
}

export type ObligationStatus = 'met' | 'partial' | 'missing' | 'not-applicable'

export interface FrameworkStatus {
  met: number
  partial: number
  missing: number
  notApplicable: number
  readiness: number
  /**
   * Obligation ids by status, without the framework prefix (`art-9`, `govern-1.1`), sorted.
   * Grouped rather than keyed by id so the passport stays small: it is hashed, decoded and
   * parsed on every verification.
   */
  byStatus: Record<ObligationStatus, string[]>
}

export interface EvidenceItemClaim {
  id: string
  type: string
  sha256: string
  supports: string[]
  assessedBy: 'self' | 'third-party' | 'notified-body'
  /**
   * Last day the evidence is valid (`evidence[].validUntil` of the manifest), when it has one. Not
   * in the Merkle leaf (docs/evidence-commitment.md): disclosed with the item, as `assessedBy` is.
   */
  validUntil?: string
  /** Index of this item's leaf in the evidence Merkle tree. */
  leafIndex: number
}

export interface EvidenceCommitment {
  /** RFC 9162 Merkle tree hash over the evidence leaves, hex. */
  merkleRoot: string
  /** How leaves are formed (see src/core/merkle). */
  leafEncoding: 'accord-evidence-leaf-v1'
  count: number
  /** Selectively disclosable items. */
  items: EvidenceItemClaim[]
}

export interface AssuranceCommitments {
  updateNoticeDays: number
  remoteDisable: { exists: boolean; controlledBy: 'vendor' | 'deployer' | 'joint' | 'none' }
  dataResidency: string[]
  auditRights: { granted: boolean; scope?: string; noticeDays?: number }
  incidentNotificationHours: number
  supportUntil: string
}

export interface AssessorClaim {
  type: 'self' | 'third-party' | 'notified-body'
  name?: string
  identifier?: string
  date?: string
}

export interface PassportSubject {
  /** `urn:accord:system:<sha256 of provider name + system name>`: stable across versions. */
  id: string
  system: { name: string; version: string; reference?: string; intendedPurpose: string }
  provider: {
    name: string
    country: string
    authorisedRepresentative?: { name: string; country: string }
  }
  manifest: { sha256: string }
  artifacts: ArtifactDigest[]
  catalogs: { urn: string; version: number; sha256: string }[]
  /** By jurisdiction id (`eu-ai-act`); each entry selectively disclosable. */
  classification: Record<string, JurisdictionClassification>
  /** By framework id (`eu-ai-act`, `nist-ai-rmf`); each entry selectively disclosable. */
  obligations: Record<string, FrameworkStatus>
  evidence: EvidenceCommitment
  assurance?: AssuranceCommitments
  assessor: AssessorClaim
}

/** IETF Token Status List reference (draft-ietf-oauth-status-list), as in SD-JWT VC `status`. */
export interface StatusReference {
  status_list: { idx: number; uri: string }
}

/** The full claim set of a passport before selective disclosure is applied. */
export interface PassportClaims {
  '@context': string[]
  type: string[]
  /** SD-JWT VC type. */
  vct: string
  /** Issuer identifier (also `iss`). */
  issuer: string
  iss: string
  /** Seconds since the epoch. */
  iat: number
  nbf: number
  exp: number
  /** VC 2.0 validity (ISO 8601 date-time); equal to nbf/exp. */
  validFrom: string
  validUntil: string
  /** Unique id of this passport: `urn:uuid:...`. */
  jti: string
  credentialSubject: PassportSubject
  credentialStatus?: {
    id: string
    type: 'TokenStatusList'
    statusListIndex: number
    statusListCredential: string
  }
  status?: StatusReference
  /** Holder key for key binding (RFC 7800), when the vendor will present with KB. */
  cnf?: { jwk: Record<string, unknown> }
}

/** Verification reason codes. Stable: buyers' tooling matches on them. */
export const REASON_CODES = [
  'ok',
  'malformed',
  'oversize',
  'alg-not-allowed',
  'alg-none',
  'typ-invalid',
  'crit-unsupported',
  'signature-invalid',
  'issuer-untrusted',
  'key-unknown',
  'not-yet-valid',
  'expired',
  'too-old',
  'revoked',
  'suspended',
  'status-unavailable',
  /** The Status List Token names another list (its `sub` is not the passport's status_list.uri). */
  'status-list-mismatch',
  'disclosure-invalid',
  'disclosure-duplicate',
  'disclosure-foreign',
  'disclosure-missing',
  'kb-invalid',
  'kb-audience',
  'kb-nonce',
  'artifact-mismatch',
  'artifact-missing',
  'endorsement-invalid',
  'endorsement-untrusted',
  'policy-jurisdiction',
  'policy-category',
  'policy-obligation',
  'policy-assurance',
  'policy-endorsement',
  'policy-assessor',
  'log-not-included',
  'log-unavailable',
  /** More open serious incidents (EU AI Act Art. 3(49)) than `requirements.incidents.maxOpenSerious`. */
  'incident-open-serious',
  /** A serious incident's market surveillance authority was notified after the Art. 73 deadline. */
  'incident-reported-late',
  /** `requirements.incidents.check: required`, but no incident reports were looked at. */
  'incident-unavailable',
] as const
export type ReasonCode = (typeof REASON_CODES)[number]

export type Verdict = 'accepted' | 'rejected' | 'indeterminate'

export interface CheckResult {
  /** Check name: `signature`, `issuer-trust`, `validity`, `status`, `disclosures`, `artifacts`, `policy:<rule>`... */
  check: string
  outcome: 'pass' | 'fail' | 'indeterminate' | 'skipped'
  reason: ReasonCode
  message: string
}

export interface VerificationResult {
  verdict: Verdict
  checks: CheckResult[]
  /** Claims after disclosure processing, when the signature verified. */
  claims?: PassportClaims
  endorsements: { issuer: string; checked: string[]; valid: boolean; reason: ReasonCode }[]
  /**
   * The trusted key the passport's signature was checked with (its kid, an RFC 7638 thumbprint
   * for keys Accord makes, and the issuer's name in the policy); absent when no trusted key
   * matched.
   */
  issuerKey?: { kid: string; name?: string }
  /**
   * The serious-incident reports looked at, one entry per incident (src/core/incident/buyer.ts);
   * absent when none were looked at (no --incident, --incidents, or registry copy).
   */
  incidents?: BuyerIncident[]
  /** Where the incident reports came from, in words (files, a registry URL, this registry). */
  incidentsFrom?: string
}
