/** Output contract of the regulatory interoperability plan (`accord plan --json`). */
import type { EvidenceUse, Status } from '../assess/types.js'

/** Target markets `accord plan --targets` knows (after aliases: `iso` is `iso-42001`). */
export type TargetId = 'eu' | 'us-federal' | 'iso-42001' | 'korea'

/** When an action is due by law: already (`overdue`), later (`upcoming`), or never (`voluntary`). */
export type ActionTiming = 'overdue' | 'upcoming' | 'voluntary'

export interface Plan {
  system: { name: string; version: string; provider: string }
  asOf: string
  manifestSha256: string
  /** Tool that made the plan, when the caller names it. Never a timestamp. */
  generator?: { name: string; version: string }
  /** Catalogs the classification and assessment used, pinned by version and SHA-256. */
  catalogs: { urn: string; version: number; sha256: string }[]
  /** Targets in canonical order (eu, us-federal, iso-42001, korea), each once. */
  targets: PlanTarget[]
  /** Every evidence file of the manifest, by id, with its SHA-256 as assessed. */
  evidence: { id: string; title: string; type: string; sha256: string }[]
  /** Evidence items used for obligations of more than one framework, by evidence id. */
  reuse: EvidenceReuse[]
  /** One per open obligation (partial or missing), ordered by legal deadline. */
  actions: PlanAction[]
  summary: PlanSummary
  /** Problems with the manifest's `plan` section (entries that match nothing, ...). */
  warnings: PlanWarning[]
}

export interface PlanSummary {
  actions: number
  overdue: number
  upcoming: number
  voluntary: number
  /** Actions with no owner from the manifest. */
  unassigned: number
  /** Actions whose due date is after their legal deadline. */
  dueAfterDeadline: number
  /** Evidence items reused across frameworks. */
  reusedEvidence: number
  /** Earliest legal deadline among the open binding obligations not yet in force, if any. */
  nextDeadline: string | null
}

export interface PlanWarning {
  /** Issue code (docs/errors.md, "Manifest problems"). */
  code: 'plan_action_unmatched' | 'plan_owner_framework_unknown'
  /** JSON path into the manifest, e.g. `['plan', 'actions', 2, 'obligation']`. */
  path: (string | number)[]
  message: string
}

export interface PlanTarget {
  id: TargetId
  name: string
  /** Whether at least one of its frameworks was assessed. */
  assessed: boolean
  /** One-line statements about the market: classification, law version, exclusions. */
  notes: string[]
  frameworks: PlanFramework[]
}

export interface PlanFramework {
  framework: string
  name: string
  /** True for law; false for voluntary frameworks and standards. */
  binding: boolean
  /** Why this framework is part of the target. */
  basis: string
  /** False when Accord did not assess it; `notAssessed` says why. */
  assessed: boolean
  notAssessed?: string
  /** Counts over the applicable obligations; absent when not assessed. */
  summary?: FrameworkPlanSummary
  /** Applicable obligations (not-applicable ones are only counted), in catalog order. */
  obligations: PlanObligation[]
}

export interface FrameworkPlanSummary {
  /** Applicable obligations. */
  applicable: number
  inForce: number
  upcoming: number
  met: number
  partial: number
  missing: number
  notApplicable: number
  /** (met + 0.5 * partial) / applicable, 0..1; 1 when nothing applies. */
  readiness: number
}

export interface PlanObligation {
  /** Short reference, `eu-ai-act:art-9`. */
  id: string
  citation: string
  title: string
  status: Exclude<Status, 'not-applicable'>
  /** For law: whether it applies on the as-of date. Voluntary obligations are always `true`. */
  inForce: boolean
  /** For law: the date it applies from. */
  appliesFrom?: string
  evidence: PlanEvidenceUse[]
  /** Id of the action that closes it (`A-001`), when it is open. */
  actionId?: string
}

export interface EvidenceReuse {
  evidenceId: string
  title: string
  sha256: string
  /** Frameworks served, in plan order, each with the obligations it counts for. */
  frameworks: { framework: string; obligations: ({ id: string } & PlanEvidenceUse)[] }[]
}

/** How one evidence item counts for an obligation (the assessment's use, without the digest). */
export interface PlanEvidenceUse {
  evidenceId: string
  /** `direct`, or the crosswalk edge it came through. */
  via: EvidenceUse['via']
  /** The named ancestor it reached this obligation through, when it did. */
  inheritedFrom?: string
}

export interface PlanAction {
  /** `A-001`, numbered in plan order. */
  id: string
  target: TargetId
  framework: string
  /** Short reference of the open obligation. */
  obligation: string
  citation: string
  title: string
  status: 'partial' | 'missing'
  /** What would close the gap (from the assessment). */
  action: string
  /** Legal deadline (date of application) for law; null for voluntary frameworks. */
  deadline: string | null
  timing: ActionTiming
  /** Person or role from the manifest's `plan` section; null when unassigned. */
  owner: string | null
  /** Where the owner came from. */
  ownerFrom: 'assignment' | 'framework' | 'default' | null
  /** Due date from the manifest's `plan.actions`; null when none is given. */
  due: string | null
  /** True when `due` is later than the legal deadline. */
  dueAfterDeadline: boolean
  note?: string
}
