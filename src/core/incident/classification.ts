/**
 * What the Art. 73 deadline needs to know of the AI system's EU AI Act classification, read from
 * the passport a report is bound to (`credentialSubject.classification.eu-ai-act`, see README
 * "Passports"): Art. 73(1) binds providers of high-risk AI systems, Art. 55(1)(c) providers of
 * general-purpose AI models with systemic risk (shared/reference/regulations.md §1.16, §1.14).
 *
 * The classification is one selectively disclosable claim, so a verifier may not have it: then
 * the category is `unknown`, with the reason. Pure: the caller gives the credential subject after
 * disclosure processing.
 */
import type { EuCategory, GpaiStatus } from '../classify/types.js'
import { legacyNotes, type LegacyNote } from '../passport/legacy.js'
import { disclosedClaimsOf } from '../passport/present.js'
import { isRecord, type SdHasher } from '../passport/sd-jwt.js'
import type { LegacyGpaiClaim, LegacyHighRiskClaim } from '../passport/types.js'
import { EU_CATEGORIES } from '../policy/schema.js'

const GPAI_STATUSES: readonly GpaiStatus[] = [null, 'gpai', 'gpai-systemic-risk']

/** The EU classification of the system an incident is about, as far as the caller knows it. */
export interface IncidentClassification {
  /** The passport's `classification.eu-ai-act.category`, or `unknown`. */
  category: EuCategory | 'unknown'
  /** Why the category is unknown, in words (only when it is). */
  unknownBecause?: string
  /** The passport's `gpai` (null: no general-purpose AI model), or `unknown`. */
  gpai: GpaiStatus | 'unknown'
  /** The classification's `asOf` date, when known. */
  asOf?: string
  /** Art. 111(2), when the passport says the system is a legacy high-risk system. */
  legacyHighRisk?: { status: LegacyHighRiskClaim; sentence: string }
  /** Art. 111(3), when the passport says the provider's models are legacy models. */
  legacyGpai?: { status: LegacyGpaiClaim; sentence: string }
}

/** A classification nobody knows, and why (e.g. `no passport was given`). */
export function unknownClassification(because: string): IncidentClassification {
  return { category: 'unknown', unknownBecause: because, gpai: 'unknown' }
}

const JURISDICTION = 'eu-ai-act'

/** The legacy member `member` of the EU classification, when it is in the form Accord issues. */
function legacyOf<T extends LegacyHighRiskClaim | LegacyGpaiClaim>(
  notes: readonly LegacyNote[],
  member: 'highRisk' | 'gpai',
): { status: T; sentence: string } | undefined {
  const note = notes.find((n) => n.jurisdiction === JURISDICTION && n.claim.endsWith(`.${member}`))
  return note?.status === undefined
    ? undefined
    : { status: note.status as T, sentence: note.sentence }
}

/**
 * The EU classification in `subject`, a passport's credential subject after disclosure
 * processing (a presentation may leave it undisclosed). Trusts the subject as given: callers pass
 * the claims of a passport they verified or that the report is bound to by digest.
 */
export function incidentClassificationOf(subject: unknown): IncidentClassification {
  const all = isRecord(subject) ? subject.classification : undefined
  const eu = isRecord(all) ? all[JURISDICTION] : undefined
  if (!isRecord(eu))
    return unknownClassification(
      `the passport does not disclose its EU classification (classification.${JURISDICTION})`,
    )
  const category = EU_CATEGORIES.find((c) => c === eu.category)
  const gpai = GPAI_STATUSES.find((g) => g === eu.gpai)
  const notes = legacyNotes(subject)
  const legacyHighRisk = legacyOf<LegacyHighRiskClaim>(notes, 'highRisk')
  const legacyGpai = legacyOf<LegacyGpaiClaim>(notes, 'gpai')
  return {
    category: category ?? 'unknown',
    ...(category === undefined
      ? {
          unknownBecause: `the passport's classification.${JURISDICTION}.category ${JSON.stringify(eu.category)} is not a category Accord knows`,
        }
      : {}),
    gpai: gpai === undefined ? 'unknown' : gpai,
    ...(typeof eu.asOf === 'string' ? { asOf: eu.asOf } : {}),
    ...(legacyHighRisk ? { legacyHighRisk } : {}),
    ...(legacyGpai ? { legacyGpai } : {}),
  }
}

/**
 * The EU classification of the passport `sdJwt` (compact SD-JWT, as issued or presented), from
 * its disclosures whose digests the issuer-signed JWT lists. Its signature is NOT checked: for a
 * passport verified before (a registry's) or one a report is bound to by digest. A token whose
 * disclosures do not decode gives `unknown`.
 */
export function incidentClassificationOfToken(
  sdJwt: string,
  hasher: SdHasher,
): IncidentClassification {
  let claims: { credentialSubject?: unknown }
  try {
    claims = disclosedClaimsOf(sdJwt, hasher)
  } catch {
    return unknownClassification("the passport's claims and disclosures do not decode")
  }
  return incidentClassificationOf(claims.credentialSubject)
}
