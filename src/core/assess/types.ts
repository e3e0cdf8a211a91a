/**
 * The result of assessment, in process. `accord assess --json` prints it with each obligation's
 * evidence grouped by route (`AssessmentOutput` in ./output.ts, docs/assess.md).
 */

export type Status = 'met' | 'partial' | 'missing' | 'not-applicable'

export interface HashedEvidence {
  id: string
  path: string
  type: string
  title: string
  sha256: string
  size: number
  supports: string[]
  partial: boolean
  assessedBy: 'self' | 'third-party' | 'notified-body'
  /** Last day the evidence is valid (`evidence[].validUntil`), when the manifest gives one. */
  validUntil?: string
}

/** An evidence item that has expired, or expires soon, as of the assessment date. */
export interface EvidenceValidityEntry {
  id: string
  type: string
  /** Last day the evidence is valid, YYYY-MM-DD. */
  validUntil: string
  /**
   * Applicable obligations it supports (directly, through an ancestor, or through the crosswalk),
   * as framework:id, in output order. For an expired item: those it would support, had it not
   * expired.
   */
  obligations: string[]
}

/**
 * Evidence validity as of `asOf`: items past their `validUntil` (they count for no obligation),
 * and items whose `validUntil` is within `EXPIRING_SOON_DAYS` days (they still count).
 */
export interface EvidenceValidity {
  expired: EvidenceValidityEntry[]
  expiringSoon: (EvidenceValidityEntry & { daysLeft: number })[]
}

export interface EvidenceUse {
  evidenceId: string
  sha256: string
  /**
   * `direct` when the evidence names this obligation; else the crosswalk edge it came through (one
   * object, shared by the uses through that edge).
   */
  via: 'direct' | { from: string; relation: string; source: string; confidence: string }
  /**
   * Short reference of the obligation the evidence names when that is an ancestor of this one
   * (evidence for `eu-ai-act:art-9` covers `art-9.2.a`), or, for crosswalk use, the node on the
   * other end of the edge was reached through its ancestor.
   */
  inheritedFrom?: string
}

export interface ObligationAssessment {
  id: string
  urn: string
  framework: string
  citation: string
  title: string
  status: Status
  reason: string
  evidence: EvidenceUse[]
  /** What would close the gap (for partial/missing). */
  action?: string
  /** Date the obligation applies from, for legal obligations. */
  appliesFrom?: string
  /** Manifest sections that document it and were filled in. */
  manifestFields?: string[]
  /** For legal obligations: true when `appliesFrom` is on or before the as-of date. */
  inForce?: boolean
}

export interface FrameworkSummary {
  framework: string
  name: string
  total: number
  met: number
  partial: number
  missing: number
  notApplicable: number
  /** (met + 0.5 * partial) / (total - notApplicable), 0..1; 1 when nothing applies. */
  readiness: number
  /*
   * The three fields below are always set by `assessSystem`; they are optional only so results
   * written before they existed (test fixtures) still type-check.
   */
  /** True for law (binding obligations), false for voluntary frameworks such as NIST AI RMF. */
  binding?: boolean
  /** Applicable entries in force (always, for voluntary frameworks) that are partial or missing. */
  gaps?: number
  /** Applicable entries not yet in force that are partial or missing. */
  gapsUpcoming?: number
}

export interface AssessmentResult {
  system: { name: string; version: string }
  asOf: string
  manifestSha256: string
  evidence: HashedEvidence[]
  frameworks: FrameworkSummary[]
  obligations: ObligationAssessment[]
  /** Binding obligations in force on `asOf` that are partial or missing (voluntary ones excluded). */
  gaps: number
  /**
   * Binding obligations applicable but not yet in force that are partial or missing. Always set
   * by `assessSystem`; optional only so older fixtures type-check.
   */
  gapsUpcoming?: number
  /** The law version the EU AI Act was assessed under. */
  lawVersion?: { id: string; title: string }
  /**
   * Expired and soon-expiring evidence (`evidence[].validUntil`). Always set by `assessSystem`
   * (empty lists when none); optional only so older fixtures type-check.
   */
  evidenceValidity?: EvidenceValidity
}
