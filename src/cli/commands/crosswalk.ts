/**
 * `accord crosswalk FROM TO`: the mapping edges between two frameworks and their coverage.
 *
 * Exit codes: 0 when a crosswalk was printed; 1 when the two frameworks exist but no mapping file
 * connects them (or none of its edges reaches --min-confidence); 2 for an unknown framework or
 * bad option (ERR_CONFIG_BAD_ARGS); 3 or 5 when the catalogs themselves fail to load.
 */
import type { Command } from 'commander'
import { crosswalk, crosswalkPairs, RELATIONS } from '../../core/catalog/crosswalk.js'
import type { Confidence, CrosswalkResult, SideCoverage } from '../../core/catalog/crosswalk.js'
import { EXIT } from '../../core/errors.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import { printJson, type Ctx } from '../common.js'

interface CrosswalkCliOptions {
  json?: boolean
  catalogs?: string
  minConfidence?: string
}

/** Most uncovered refs listed per side in text output (all are in --json). */
const MAX_UNCOVERED = 12

export function registerCrosswalk(program: Command, ctx: Ctx): void {
  program
    .command('crosswalk')
    .description(
      'show how one framework maps onto another: each edge with relation, confidence, source and rationale, and the coverage both ways',
    )
    .argument('<from>', 'framework id read as the source, e.g. nist-ai-rmf')
    .argument('<to>', 'framework id read as the target, e.g. iso-42001')
    .option(
      '--min-confidence <level>',
      'leave out edges below this confidence: low, medium or high',
    )
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (from: string, to: string, opts: CrosswalkCliOptions) => {
      const set = await loadCatalogSet(opts.catalogs)
      const result = crosswalk(set, {
        from,
        to,
        minConfidence: (opts.minConfidence ?? 'low') as Confidence,
      })
      const pairs = crosswalkPairs(set)
        .map(([s, t]) => `${s} <-> ${t}`)
        .join(', ')
      const empty = result.mappings.length === 0 || result.edges.length === 0
      if (empty) ctx.setExit(EXIT.findings)
      if (opts.json) return printJson(ctx.io, result)

      if (result.mappings.length === 0) {
        ctx.io.err(
          `no crosswalk between ${result.from} and ${result.to}: no mapping file in the catalogs connects them.\n` +
            `Crosswalks available (either direction works): ${pairs || 'none'}.\n`,
        )
        return
      }
      ctx.io.out(formatCrosswalk(result))
      if (result.edges.length === 0) {
        ctx.io.err(
          `no edge between ${result.from} and ${result.to} has confidence ${result.minConfidence} or higher; lower --min-confidence.\n`,
        )
      }
    })
}

/** The text report: a header, one block per edge, and the coverage both ways. */
export function formatCrosswalk(result: CrosswalkResult): string {
  const lines: string[] = []
  const files = result.mappings
    .map((m) => `${m.urn} v${m.version}${m.inverted ? ' (read in reverse)' : ''}`)
    .join(', ')
  lines.push(
    `Crosswalk ${result.from} -> ${result.to}: ${result.edges.length} edge(s) from ${files}`,
  )
  if (result.minConfidence !== 'low')
    lines.push(`Only edges of ${result.minConfidence} confidence or higher.`)
  if (result.mappings.some((m) => m.inverted)) {
    lines.push('Edges read in reverse have subset and superset swapped (A ⊂ B is B ⊃ A).')
  }
  lines.push('')
  for (const e of result.edges) {
    lines.push(
      `${e.from.ref} (${e.from.citation})  ${e.relation}  ${e.to.ref} (${e.to.citation})  [${e.confidence}]`,
    )
    lines.push(`    source: ${e.source}`)
    lines.push(`    why: ${e.rationale}`)
  }
  lines.push('')
  lines.push('Coverage (assessable nodes with at least one edge to the other framework):')
  lines.push(...sideLines(result.coverage.from, result.to))
  lines.push(...sideLines(result.coverage.to, result.from))
  return lines.join('\n') + '\n'
}

function sideLines(side: SideCoverage, other: string): string[] {
  const rel = RELATIONS.map((r) => `${r} ${side.byRelation[r].covered}`).join(', ')
  const out = [
    `  ${side.framework} -> ${other}: ${side.covered} of ${side.assessable} (${pct(side.share)}); ${rel}; ` +
      `with ancestors ${side.coveredWithAncestors} (${pct(side.shareWithAncestors)})`,
  ]
  if (side.uncovered.length > 0) {
    const shown = side.uncovered.slice(0, MAX_UNCOVERED).join(', ')
    const more = side.uncovered.length - MAX_UNCOVERED
    out.push(`    without an edge: ${shown}${more > 0 ? ` and ${more} more (see --json)` : ''}`)
  }
  return out
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`
}
