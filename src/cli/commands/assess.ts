import { Option, type Command } from 'commander'
import { EXIT } from '../../core/errors.js'
import { renderGapTable } from '../../core/assess/gap-table.js'
import { assessJson } from '../../core/assess/output.js'
import type { AssessmentResult } from '../../core/assess/types.js'
import type { ClassificationResult, EuCategory } from '../../core/classify/types.js'
import { assessLoaded, classifyLoaded, loadSystem } from '../../node/pipeline.js'
import {
  addCommonOptions,
  addFrameworksOption,
  progress,
  resolveAsOf,
  type CommonOptions,
  type Ctx,
  warnOnStderr,
} from '../common.js'

interface AssessOptions extends CommonOptions {
  all?: boolean
  failOn: 'in-force' | 'upcoming' | 'never'
}

export function registerAssess(program: Command, ctx: Ctx): void {
  addFrameworksOption(
    addCommonOptions(
      program
        .command('assess')
        .description('hash the evidence, assess every applicable obligation and print the gaps')
        .argument('<manifest>', 'system manifest (accord.yaml)')
        .option('--all', 'list met and not-applicable obligations too')
        .addOption(
          new Option('--fail-on <when>', 'exit 1 when gaps remain among these obligations')
            .choices(['in-force', 'upcoming', 'never'])
            .default('in-force'),
        ),
    ),
  ).action(async (manifestPath: string, opts: AssessOptions) => {
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const system = await loadSystem(manifestPath, {
      catalogsDir: opts.catalogs,
      onWarnings: warnOnStderr(ctx.io),
    })
    const classification = classifyLoaded(system, asOf, opts.frameworks)
    const bar = progress(ctx.io, 'hashing evidence', !opts.json)
    const result = await assessLoaded(system, classification, {
      asOf,
      onProgress: bar.update,
      ...(opts.frameworks ? { frameworks: opts.frameworks } : {}),
    })
    if (opts.json) ctx.io.out(assessJsonText(classification, result))
    else
      ctx.io.out(
        renderGapTable(result, {
          all: Boolean(opts.all),
          classification: classification.euAiAct,
        }),
      )
    ctx.setExit(gapExit(result, opts.failOn, classification.euAiAct.category))
  })
}

/**
 * What `accord assess --json` prints: classification and assessment, each obligation's evidence
 * grouped by route (docs/assess.md), indented as every --json output is.
 */
export function assessJsonText(
  classification: ClassificationResult,
  result: AssessmentResult,
): string {
  return JSON.stringify(assessJson(classification, result), null, 2) + '\n'
}

/**
 * Exit 1 when gaps remain among the obligations --fail-on selects, or when the system is a
 * prohibited practice (no obligation met makes it lawful); `never` exits 0 either way.
 */
export function gapExit(
  result: AssessmentResult,
  failOn: AssessOptions['failOn'],
  category?: EuCategory,
): number {
  if (failOn === 'never') return EXIT.ok
  if (category === 'prohibited') return EXIT.findings
  const gaps = failOn === 'upcoming' ? result.gaps + (result.gapsUpcoming ?? 0) : result.gaps
  return gaps > 0 ? EXIT.findings : EXIT.ok
}
