import type { Command } from 'commander'
import { EXIT } from '../../core/errors.js'
import type { ClassificationResult } from '../../core/classify/types.js'
import { legacySentences } from '../../core/classify/rules/legacy.js'
import { classifyLoaded, loadSystem } from '../../node/pipeline.js'
import {
  addCommonOptions,
  printJson,
  resolveAsOf,
  type CommonOptions,
  type Ctx,
  warnOnStderr,
} from '../common.js'

export function registerClassify(program: Command, ctx: Ctx): void {
  addCommonOptions(
    program
      .command('classify')
      .description('classify an AI system under the EU AI Act and list the obligations in force')
      .argument('<manifest>', 'system manifest (accord.yaml)'),
  ).action(async (manifestPath: string, opts: CommonOptions) => {
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const system = await loadSystem(manifestPath, {
      catalogsDir: opts.catalogs,
      onWarnings: warnOnStderr(ctx.io),
    })
    const result = classifyLoaded(system, asOf)
    if (opts.json) printJson(ctx.io, result)
    else ctx.io.out(renderClassification(result))
    ctx.setExit(result.euAiAct.category === 'prohibited' ? EXIT.findings : EXIT.ok)
  })
}

export function renderClassification(result: ClassificationResult): string {
  const eu = result.euAiAct
  const lines: string[] = []
  lines.push(`${result.system.name} ${result.system.version}: EU AI Act as of ${result.asOf}`)
  lines.push(`  law version: ${eu.lawVersion.title} (${eu.lawVersion.source})`)
  lines.push(
    `  category:    ${eu.category}${eu.categories.length > 1 ? ` (also ${eu.categories.filter((c) => c !== eu.category).join(', ')})` : ''}`,
  )
  lines.push(`  citations:   ${eu.citations.join(', ') || '-'}`)
  lines.push(
    `  GPAI:        ${eu.gpai ?? 'no'}${eu.gpaiDetail.openSourceExemption ? ' (open-source exemption, Art. 53(2))' : ''}`,
  )
  lines.push(
    `  derogation:  ${eu.derogation.claimed ? (eu.derogation.applied ? 'applied' : 'claimed, not applied') + ': ' + eu.derogation.reason : 'not claimed'}`,
  )
  for (const sentence of legacySentences(eu.legacy, eu.asOf))
    lines.push(`  legacy:      ${sentence}`)
  lines.push('')
  lines.push(`Obligations in force (${eu.obligations.length}):`)
  for (const o of eu.obligations)
    lines.push(
      `  ${o.citation.padEnd(18)} ${o.title}  [${o.roles.join(', ')}; since ${o.appliesFrom}]`,
    )
  if (eu.upcoming.length > 0) {
    lines.push('')
    lines.push(`Upcoming obligations (${eu.upcoming.length}):`)
    for (const o of eu.upcoming)
      lines.push(
        `  ${o.citation.padEnd(18)} ${o.title}  [${o.roles.join(', ')}; from ${o.appliesFrom}]`,
      )
  }
  lines.push('')
  lines.push('Reasoning:')
  for (const t of eu.trace)
    lines.push(
      `  ${t.outcome === 'fired' ? '+' : t.outcome === 'exception' ? '!' : '-'} ${t.cites}: ${t.reasoning}`,
    )
  return lines.join('\n') + '\n'
}
