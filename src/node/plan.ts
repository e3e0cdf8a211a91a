/**
 * `accord plan`, wired together: resolve the targets, load the system, classify, assess exactly
 * the frameworks the targets bring in, build the plan, and (optionally) write it as plan.md,
 * plan.html and plan.json.
 */
import type { Issue } from '../core/errors.js'
import { MANIFEST_ISSUE_CODES } from '../core/manifest/codes.js'
import { createYamlLocator } from '../core/manifest/locate.js'
import { buildPlan } from '../core/plan/build.js'
import { renderPlanFiles } from '../core/plan/render.js'
import { frameworksToAssess, resolveTargets } from '../core/plan/targets.js'
import type { Plan } from '../core/plan/types.js'
import { writeFilesAtomic } from './fs-safe.js'
import {
  assessLoaded,
  classifyLoaded,
  loadSystem,
  sha256Text,
  type DocumentsResult,
  type LoadedSystem,
} from './pipeline.js'

export interface PlanSystemOptions {
  /** Target market names as given on the command line (`eu`, `us-federal`, `iso`, `korea`). */
  targets: readonly string[]
  /** Evaluation date, YYYY-MM-DD. */
  asOf: string
  /** Directory holding the catalog files; defaults to the bundled catalogs. */
  catalogsDir?: string
  /** Shown in the plan's header. */
  generator?: { name: string; version: string }
  /** Called with (done, total) while evidence is hashed. */
  onProgress?: (done: number, total: number) => void
}

export interface PlanSystemResult {
  plan: Plan
  /**
   * Manifest warnings from loading, then the plan's own (`plan.warnings`) as issues that name
   * the manifest file, line and column of the `plan` entry they are about.
   */
  warnings: Issue[]
}

/** Builds the plan for the manifest at `manifestPath`. Unknown targets fail before any I/O. */
export async function planSystem(
  manifestPath: string,
  options: PlanSystemOptions,
): Promise<PlanSystemResult> {
  const targets = resolveTargets(options.targets)
  const system = await loadSystem(manifestPath, { catalogsDir: options.catalogsDir })
  const loaded = new Set(system.catalogs.catalogs.keys())
  const frameworks = frameworksToAssess(targets, system.manifest, loaded)
  const classification = classifyLoaded(system, options.asOf, frameworks)
  const assessment = await assessLoaded(system, classification, {
    asOf: options.asOf,
    frameworks,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
  const plan = buildPlan({
    targets,
    manifest: system.manifest,
    classification,
    assessment,
    catalogs: system.catalogs,
    ...(options.generator ? { generator: options.generator } : {}),
  })
  return { plan, warnings: [...system.warnings, ...locatePlanWarnings(plan, system)] }
}

/** The plan's warnings as issues located in the manifest (`file:line:col`), with the fix. */
function locatePlanWarnings(plan: Plan, system: LoadedSystem): Issue[] {
  if (plan.warnings.length === 0) return []
  const locate = createYamlLocator(system.text)
  return plan.warnings.map((w) => ({
    code: w.code,
    path: w.path,
    file: system.file,
    ...locate(w.path),
    message: w.message,
    hint: MANIFEST_ISSUE_CODES[w.code].fix,
  }))
}

/** Writes plan.md, plan.html and plan.json into `outDir` (created if missing), atomically. */
export async function writePlan(plan: Plan, outDir: string): Promise<DocumentsResult> {
  const files = renderPlanFiles(plan)
  await writeFilesAtomic(
    outDir,
    files.map((f) => ({ path: f.path, data: f.content })),
  )
  return {
    outDir,
    files: files.map((f) => ({
      path: f.path,
      sha256: sha256Text(f.content),
      bytes: Buffer.byteLength(f.content, 'utf8'),
    })),
    // The plan's files are the same three on every run.
    removed: [],
  }
}
