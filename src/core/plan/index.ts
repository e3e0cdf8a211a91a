/** The regulatory interoperability plan (`accord plan`): see docs/plan.md. */
export { buildPlan, type BuildPlanOptions } from './build.js'
export { createOwnerResolver, type Assigned, type OwnerResolver } from './owners.js'
export {
  PLAN_FILES,
  planTitle,
  renderPlanFiles,
  renderPlanJson,
  renderPlanMarkdown,
  type PlanFile,
} from './render.js'
export {
  frameworksToAssess,
  generatesContent,
  NOT_CLASSIFIED,
  resolveTargets,
  TARGET_ALIASES,
  TARGETS,
  targetFrameworks,
  type TargetFramework,
  type TargetInfo,
} from './targets.js'
export type * from './types.js'
