/** Public API of EU AI Act classification. */
export { classifyEuAiAct } from './eu-ai-act.js'
export type { ClassifyEuAiActOptions } from './eu-ai-act.js'
export { FACTS, isKnownFact } from './facts.js'
export type { Fact } from './facts.js'
export { isOpenLicence, SYSTEMIC_RISK_FLOP } from './rules/gpai.js'
export type {
  ClassificationResult,
  EuAiActClassification,
  EuCategory,
  GpaiStatus,
  ObligationInForce,
  TraceStep,
} from './types.js'
