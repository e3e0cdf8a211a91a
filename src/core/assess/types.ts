/** Output contract of assessment (`accord assess --json`). */

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
}

export interface EvidenceUse {
  evidenceId: string
  sha256: string
  /** `direct` when the evidence names this obligation; else the crosswalk edge it came through. */
  via: 'direct' | { from: string; relation: string; source: string; confidence: string }
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
}

export interface AssessmentResult {
  system: { name: string; version: string }
  asOf: string
  manifestSha256: string
  evidence: HashedEvidence[]
  frameworks: FrameworkSummary[]
  obligations: ObligationAssessment[]
  gaps: number
}
