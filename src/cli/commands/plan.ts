import path from 'node:path'
import type { Command } from 'commander'
import { EXIT } from '../../core/errors.js'
import { renderPlanJson, renderPlanMarkdown } from '../../core/plan/render.js'
import { resolveTargets, TARGET_ALIASES } from '../../core/plan/targets.js'
import { planSystem, writePlan } from '../../node/plan.js'
import { VERSION } from '../version.js'
import {
  addCommonOptions,
  printJson,
  progress,
  resolveAsOf,
  splitList,
  type CommonOptions,
  type Ctx,
  warnOnStderr,
} from '../common.js'

interface PlanOptions extends CommonOptions {
  targets?: string[]
  out?: string
}

export function registerPlan(program: Command, ctx: Ctx): void {
  addCommonOptions(
    program
      .command('plan')
      .description(
        'regulatory interoperability plan: per target market the obligations in force and upcoming, the evidence that meets them (reused across frameworks), the gaps and the actions that close them, by legal deadline',
      )
      .argument('<manifest>', 'system manifest (accord.yaml)')
      .option(
        '--targets <ids>',
        `target markets, comma-separated: ${Object.keys(TARGET_ALIASES).join(', ')}`,
        splitList,
      )
      .option('-o, --out <dir>', 'write plan.md, plan.html and plan.json to this directory'),
  ).action(async (manifestPath: string, opts: PlanOptions) => {
    // Bad targets and dates fail before the manifest is read.
    const targets = resolveTargets(opts.targets ?? [])
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const bar = progress(ctx.io, 'hashing evidence', !opts.json)
    const { plan, warnings } = await planSystem(manifestPath, {
      targets,
      asOf,
      generator: { name: 'accord', version: VERSION },
      onProgress: bar.update,
      ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
    })
    warnOnStderr(ctx.io)(warnings)
    if (opts.out) {
      const written = await writePlan(plan, opts.out)
      if (opts.json) {
        printJson(ctx.io, written)
      } else {
        ctx.io.out(`wrote the plan to ${path.resolve(written.outDir)}:\n`)
        for (const f of written.files) ctx.io.out(`  ${f.path}  sha256:${f.sha256.slice(0, 16)}…\n`)
        ctx.io.out(summaryLine(plan.summary) + '\n')
      }
    } else if (opts.json) {
      ctx.io.out(renderPlanJson(plan))
    } else {
      ctx.io.out(renderPlanMarkdown(plan))
    }
    ctx.setExit(EXIT.ok)
  })
}

function summaryLine(s: {
  actions: number
  overdue: number
  upcoming: number
  voluntary: number
  reusedEvidence: number
}): string {
  return (
    `${s.actions} actions (${s.overdue} overdue, ${s.upcoming} upcoming, ${s.voluntary} voluntary); ` +
    `${s.reusedEvidence} evidence items reused across frameworks`
  )
}
