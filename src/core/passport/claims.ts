/**
 * Builds the full claim set of a passport (W3C VC 2.0 data model carried as an SD-JWT VC) from a
 * manifest, its classification and assessment, the artifact digests and the evidence Merkle root.
 * Pure and deterministic: the same inputs give the same claims, with every list and map in a fixed
 * (sorted) order. Selective disclosure is applied later, when the claims are issued.
 */
import type { AssessmentResult } from '../assess/types.js'
import type { ClassificationResult } from '../classify/types.js'
import type { Manifest } from '../manifest/schema.js'
import {
  ACCORD_CONTEXT,
  PASSPORT_TYPE,
  PASSPORT_VCT,
  VC_CONTEXT_V2,
  type ArtifactDigest,
  type AssessorClaim,
  type AssuranceCommitments,
  type EvidenceItemClaim,
  type FrameworkStatus,
  type JurisdictionClassification,
  type LegacyClaim,
  type PassportClaims,
  type StatusReference,
} from './types.js'
import { PRIVATE_JWK_MEMBERS } from './jwk.js'

/** Prefix of a passport subject id; the rest is a stable digest computed by the caller. */
export const SUBJECT_ID_PREFIX = 'urn:accord:system:'

const SECONDS_PER_DAY = 86_400
const HEX_SHA256 = /^[0-9a-f]{64}$/

export interface BuildPassportClaimsInput {
  manifest: Manifest
  classification: ClassificationResult
  assessment: AssessmentResult
  artifacts: ArtifactDigest[]
  /** Hex RFC 9162 Merkle root over the evidence leaves (see src/core/merkle). */
  evidenceRoot: string
  /**
   * Stable system id: the lowercase hex SHA-256 of `subjectIdInput(manifest)` (or the full
   * `urn:accord:system:<hex>`). The core does no hashing, so the caller computes it.
   */
  subjectId: string
  /** Issuer identifier (a URL or DID); becomes `iss` and `issuer`. */
  issuer: string
  /** Seconds since the epoch; also `nbf`. */
  issuedAt: number
  validForDays: number
  /** Unique id of this passport, `urn:uuid:...`. */
  jti: string
  status?: StatusReference
  /** Holder public key for key binding (`cnf.jwk`). */
  holderJwk?: Record<string, unknown>
}

/**
 * The text whose SHA-256 is the subject id: provider name and system name, one per line. The
 * version is left out on purpose, so every version of a system keeps one id.
 */
export function subjectIdInput(manifest: Pick<Manifest, 'provider' | 'system'>): string {
  return `${manifest.provider.name}\n${manifest.system.name}`
}

/** ISO 8601 date-time (UTC, whole seconds) of a time in seconds since the epoch. */
export function isoDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`)
  }
  return value
}

function subjectUrn(subjectId: string): string {
  const digest = subjectId.startsWith(SUBJECT_ID_PREFIX)
    ? subjectId.slice(SUBJECT_ID_PREFIX.length)
    : subjectId
  if (!HEX_SHA256.test(digest)) {
    throw new TypeError(
      `subjectId must be a lowercase hex SHA-256 (of subjectIdInput(manifest)), got ${JSON.stringify(subjectId)}`,
    )
  }
  return SUBJECT_ID_PREFIX + digest
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The Art. 111 status (`legacy`), or undefined when neither transitional rule applied: older
 * verifiers and passports know no such member, so it is left out rather than written empty.
 * Copied member by member, so the claim has exactly the fields of LegacyClaim.
 */
function legacyClaim(legacy: ClassificationResult['euAiAct']['legacy']): LegacyClaim | undefined {
  const { highRisk, gpai } = legacy
  if (!highRisk && !gpai) return undefined
  return {
    ...(highRisk
      ? {
          highRisk: {
            cites: highRisk.cites,
            placedOnMarket: highRisk.placedOnMarket,
            placedBefore: highRisk.placedBefore,
            publicAuthority: highRisk.publicAuthority,
            significantChange: highRisk.significantChange
              ? {
                  version: highRisk.significantChange.version,
                  date: highRisk.significantChange.date,
                }
              : null,
            appliesFrom: highRisk.appliesFrom,
          },
        }
      : {}),
    ...(gpai
      ? {
          gpai: {
            cites: gpai.cites,
            models: gpai.models
              .map((m) => ({ name: m.name, placedOnMarket: m.placedOnMarket }))
              .sort(
                (a, b) => byString(a.name, b.name) || byString(a.placedOnMarket, b.placedOnMarket),
              ),
            placedBefore: gpai.placedBefore,
            appliesFrom: gpai.appliesFrom,
          },
        }
      : {}),
  }
}

function classificationClaims(
  classification: ClassificationResult,
): Record<string, JurisdictionClassification> {
  const eu = classification.euAiAct
  const legacy = legacyClaim(eu.legacy)
  return {
    'eu-ai-act': {
      category: eu.category,
      citations: [...eu.citations],
      gpai: eu.gpai,
      asOf: eu.asOf,
      lawVersion: eu.lawVersion.id,
      derogationApplied: eu.derogation.applied,
      ...(legacy ? { legacy } : {}),
    },
  }
}

function obligationClaims(assessment: AssessmentResult): Record<string, FrameworkStatus> {
  const out: Record<string, FrameworkStatus> = {}
  const frameworks = [...assessment.frameworks].sort((a, b) => byString(a.framework, b.framework))
  for (const f of frameworks) {
    const byStatus: FrameworkStatus['byStatus'] = {
      met: [],
      partial: [],
      missing: [],
      'not-applicable': [],
    }
    const prefix = f.framework + ':'
    const obligations = assessment.obligations
      .filter((o) => o.framework === f.framework)
      .sort((a, b) => byString(a.id, b.id))
    for (const o of obligations)
      byStatus[o.status].push(o.id.startsWith(prefix) ? o.id.slice(prefix.length) : o.id)
    out[f.framework] = {
      met: f.met,
      partial: f.partial,
      missing: f.missing,
      notApplicable: f.notApplicable,
      readiness: f.readiness,
      byStatus,
    }
  }
  return out
}

function evidenceItems(assessment: AssessmentResult): EvidenceItemClaim[] {
  return [...assessment.evidence]
    .sort((a, b) => byString(a.id, b.id))
    .map((e, leafIndex) => ({
      id: e.id,
      type: e.type,
      sha256: e.sha256,
      supports: [...e.supports].sort(byString),
      assessedBy: e.assessedBy,
      ...(e.validUntil === undefined ? {} : { validUntil: e.validUntil }),
      leafIndex,
    }))
}

function assuranceClaims(manifest: Manifest): AssuranceCommitments | undefined {
  const a = manifest.assurance
  if (!a) return undefined
  return {
    updateNoticeDays: a.updateNoticeDays,
    remoteDisable: { exists: a.remoteDisable.exists, controlledBy: a.remoteDisable.controlledBy },
    dataResidency: [...a.dataResidency],
    auditRights: {
      granted: a.auditRights.granted,
      ...(a.auditRights.scope !== undefined ? { scope: a.auditRights.scope } : {}),
      ...(a.auditRights.noticeDays !== undefined ? { noticeDays: a.auditRights.noticeDays } : {}),
    },
    incidentNotificationHours: a.incidentNotificationHours,
    supportUntil: a.supportUntil,
  }
}

function assessorClaim(manifest: Manifest): AssessorClaim {
  const a = manifest.assessor
  if (!a) return { type: 'self' }
  return {
    type: a.type,
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a.identifier !== undefined ? { identifier: a.identifier } : {}),
    ...(a.date !== undefined ? { date: a.date } : {}),
  }
}

function holderKey(jwk: Record<string, unknown>): { jwk: Record<string, unknown> } {
  const priv = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk)
  if (priv.length > 0) {
    throw new TypeError(
      `holderJwk contains private member(s) ${priv.join(', ')}; pass the holder's public key only`,
    )
  }
  return { jwk: { ...jwk } }
}

/** Builds the passport claims. Throws TypeError on inputs no caller should pass. */
export function buildPassportClaims(input: BuildPassportClaimsInput): PassportClaims {
  const { manifest, classification, assessment } = input
  const issuer = requireText(input.issuer, 'issuer')
  const jti = requireText(input.jti, 'jti')
  if (!Number.isSafeInteger(input.issuedAt) || input.issuedAt < 0) {
    throw new TypeError(`issuedAt must be whole seconds since the epoch, got ${input.issuedAt}`)
  }
  if (!Number.isInteger(input.validForDays) || input.validForDays < 1) {
    throw new TypeError(`validForDays must be a positive integer, got ${input.validForDays}`)
  }
  if (!HEX_SHA256.test(input.evidenceRoot)) {
    throw new TypeError(
      `evidenceRoot must be a lowercase hex SHA-256 Merkle root, got ${JSON.stringify(input.evidenceRoot)}`,
    )
  }
  const nbf = input.issuedAt
  const exp = nbf + input.validForDays * SECONDS_PER_DAY
  const items = evidenceItems(assessment)
  const assurance = assuranceClaims(manifest)
  const auth = manifest.provider.authorisedRepresentative

  const claims: PassportClaims = {
    '@context': [VC_CONTEXT_V2, ACCORD_CONTEXT],
    type: ['VerifiableCredential', PASSPORT_TYPE],
    vct: PASSPORT_VCT,
    issuer,
    iss: issuer,
    iat: input.issuedAt,
    nbf,
    exp,
    validFrom: isoDateTime(nbf),
    validUntil: isoDateTime(exp),
    jti,
    credentialSubject: {
      id: subjectUrn(input.subjectId),
      system: {
        name: manifest.system.name,
        version: manifest.system.version,
        ...(manifest.system.reference !== undefined
          ? { reference: manifest.system.reference }
          : {}),
        intendedPurpose: manifest.system.intendedPurpose,
      },
      provider: {
        name: manifest.provider.name,
        country: manifest.provider.country,
        ...(auth ? { authorisedRepresentative: { name: auth.name, country: auth.country } } : {}),
      },
      manifest: { sha256: assessment.manifestSha256 },
      artifacts: [...input.artifacts]
        .sort((a, b) => byString(a.path, b.path))
        .map((a) => ({ ...a, ...(a.shards ? { shards: { ...a.shards } } : {}) })),
      catalogs: [...classification.catalogs]
        .sort((a, b) => byString(a.urn, b.urn))
        .map((c) => ({ urn: c.urn, version: c.version, sha256: c.sha256 })),
      classification: classificationClaims(classification),
      obligations: obligationClaims(assessment),
      evidence: {
        merkleRoot: input.evidenceRoot,
        leafEncoding: 'accord-evidence-leaf-v1',
        count: items.length,
        items,
      },
      ...(assurance ? { assurance } : {}),
      assessor: assessorClaim(manifest),
    },
  }
  if (input.status) {
    const { idx, uri } = input.status.status_list
    if (!Number.isSafeInteger(idx) || idx < 0) {
      throw new TypeError(`status.status_list.idx must be a non-negative integer, got ${idx}`)
    }
    requireText(uri, 'status.status_list.uri')
    claims.credentialStatus = {
      id: `${uri}#${idx}`,
      type: 'TokenStatusList',
      statusListIndex: idx,
      statusListCredential: uri,
    }
    claims.status = { status_list: { idx, uri } }
  }
  if (input.holderJwk) claims.cnf = holderKey(input.holderJwk)
  return claims
}
