/** Output contract of EU AI Act classification (`accord classify --json` under key `euAiAct`). */

export type EuCategory = 'prohibited' | 'high-risk' | 'transparency' | 'minimal' | 'out-of-scope'
export type GpaiStatus = null | 'gpai' | 'gpai-systemic-risk'

export interface TraceStep {
  /** Rule id, e.g. `eu.art-5.1.h`. */
  rule: string
  /** The article the rule implements, e.g. `Art. 5(1)(h)`. */
  cites: string
  /** `fired` when its condition held, `skipped` when it was checked and did not apply. */
  outcome: 'fired' | 'not-applicable' | 'exception'
  reasoning: string
}

export interface ObligationInForce {
  /** Short id `eu-ai-act:art-9.2.a`. */
  id: string
  urn: string
  citation: string
  title: string
  roles: string[]
  /** Date of application under the law version used. */
  appliesFrom: string
  /** `in-force` on the as-of date, or `upcoming` (listed so vendors see what is coming). */
  status: 'in-force' | 'upcoming'
}

/** Art. 111(2) applied to a high-risk system placed on the market before its route's cut-off. */
export interface LegacyHighRiskStatus {
  /** `Art. 111(2)`. */
  cites: string
  /** system.placedOnMarket. */
  placedOnMarket: string
  /** The cut-off under the law version used (the Chapter III date of the system's route). */
  placedBefore: string
  /** Intended to be used by public authorities (deployment.publicBody): a fixed date applies. */
  publicAuthority: boolean
  /** The first change marked as a substantial modification on or after the cut-off. */
  significantChange: { version: string; date: string } | null
  /**
   * The date the high-risk obligations apply from (the significant change, or the public-authority
   * date, whichever is earlier); null when neither holds: they do not apply to the system as is.
   */
  appliesFrom: string | null
}

/** Art. 111(3) applied: every general-purpose AI model of the provider was placed before the cut-off. */
export interface LegacyGpaiStatus {
  /** `Art. 111(3)`. */
  cites: string
  /** The models, as `name version`, with their models[].placedOnMarket. */
  models: { name: string; placedOnMarket: string }[]
  /** The cut-off (2025-08-02). */
  placedBefore: string
  /** The date the general-purpose AI model duties apply from (2027-08-02). */
  appliesFrom: string
}

export interface EuAiActClassification {
  category: EuCategory
  citations: string[]
  /** Every category the system falls in, when more than one (e.g. high-risk and transparency). */
  categories: EuCategory[]
  gpai: GpaiStatus
  gpaiDetail: {
    models: {
      name: string
      status: Exclude<GpaiStatus, null>
      openSourceExemption: boolean
      reason: string
    }[]
    /** Art. 53(2): open-source exemption from Art. 53(1)(a)-(b) (never for systemic risk). */
    openSourceExemption: boolean
  }
  derogation: { claimed: boolean; applied: boolean; reason: string; conditions: string[] }
  /** Annex III points matched (`Annex III 6(e)`), Annex I act when via Art. 6(1). */
  highRiskRoutes: { route: 'annex-i' | 'annex-iii'; point: string; nodeId: string }[]
  prohibitedPractices: { point: string; nodeId: string; appliesFrom: string; inForce: boolean }[]
  transparency: { point: string; nodeId: string }[]
  /** Classification facts (tags) that obligations' `applies_when` conditions are evaluated on. */
  facts: string[]
  roles: string[]
  asOf: string
  lawVersion: { id: string; title: string; source: string }
  /** Transitional rules for systems already on the market (Art. 111(2)), when they apply. */
  legacy: { highRisk: LegacyHighRiskStatus | null; gpai: LegacyGpaiStatus | null }
  obligations: ObligationInForce[]
  upcoming: ObligationInForce[]
  trace: TraceStep[]
}

export interface ClassificationResult {
  system: { name: string; version: string }
  asOf: string
  catalogs: { urn: string; version: number; sha256: string }[]
  euAiAct: EuAiActClassification
}
