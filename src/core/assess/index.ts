/** Public API of assessment. */
export { assessSystem, type AssessSystemOptions } from './assess.js'
export { renderGapTable, type RenderGapTableOptions } from './gap-table.js'
export {
  assessJson,
  assessmentOutput,
  type AssessJson,
  type AssessmentOutput,
  type EvidenceRoute,
  type ObligationOutput,
} from './output.js'
export type {
  AssessmentResult,
  EvidenceUse,
  EvidenceValidity,
  EvidenceValidityEntry,
  FrameworkSummary,
  HashedEvidence,
  ObligationAssessment,
  Status,
} from './types.js'
