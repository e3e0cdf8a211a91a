/**
 * `accord policy check|explain FILE`: an acceptance policy on its own, for the buyer writing it.
 * Both load it exactly as `accord verify --policy` does (src/node/policy-loader.ts, with the
 * catalogs), so a policy that passes `check` loads in `verify`, and fails with the same errors.
 */
import type { Command } from 'commander'
import { explainPolicy, partyKids, type ExplainEntry } from '../../core/policy/explain.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import { loadPolicy, type LoadPolicyResult } from '../../node/policy-loader.js'
import { printJson, resolveAsOf, warnOnStderr, type Ctx } from '../common.js'
import type { CatalogSet } from '../../core/catalog/types.js'

interface PolicyOptions {
  json?: boolean
  asOf?: string
}

async function load(file: string): Promise<{ loaded: LoadPolicyResult; catalogs: CatalogSet }> {
  const catalogs = await loadCatalogSet()
  return { loaded: await loadPolicy(file, { catalogs, lint: true }), catalogs }
}

export function registerPolicy(program: Command, ctx: Ctx): void {
  const policy = program
    .command('policy')
    .description('check an acceptance policy, or explain in plain words what it accepts')

  policy
    .command('check')
    .description(
      'validate an acceptance policy as `accord verify --policy` loads it (schema, key files, obligation ids), with warnings; exit 0 valid, 3 invalid, 5 not found',
    )
    .argument('<file>', 'acceptance policy (YAML)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (file: string, opts: PolicyOptions) => {
      const { loaded } = await load(file)
      const { policy: p, warnings } = loaded
      const keys = loaded.trustedIssuerKeys.length + loaded.trustedAssessorKeys.length
      const rules = explainPolicy(p).length
      if (opts.json) {
        printJson(ctx.io, {
          file,
          policy: p.name,
          valid: true,
          issuers: p.trust.issuers.length,
          assessors: p.trust.assessors.length,
          keys,
          rules,
          warnings,
        })
        return
      }
      warnOnStderr(ctx.io)(warnings)
      const n = warnings.length
      ctx.io.out(
        `ok: ${file}: "${p.name}" is a valid acceptance policy (${p.trust.issuers.length} trusted issuer${p.trust.issuers.length === 1 ? '' : 's'}, ${p.trust.assessors.length} assessor${p.trust.assessors.length === 1 ? '' : 's'}, ${keys} key${keys === 1 ? '' : 's'}, ${rules} rules)${n > 0 ? `, with ${n} warning${n === 1 ? '' : 's'} (above)` : ''}\n`,
      )
    })

  policy
    .command('explain')
    .description(
      'say in plain words what an acceptance policy accepts and rejects, rule by rule, in the order `accord verify` evaluates them',
    )
    .argument('<file>', 'acceptance policy (YAML)')
    .option(
      '--as-of <date>',
      'also give the dates that follow from day counts, as of this date (YYYY-MM-DD)',
    )
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (file: string, opts: PolicyOptions) => {
      // No default date: without --as-of the text depends on the policy only.
      const asOf = opts.asOf === undefined ? undefined : resolveAsOf(opts.asOf, ctx.io)
      const { loaded, catalogs } = await load(file)
      const { policy: p } = loaded
      const rules = explainPolicy(p, {
        catalogs,
        keys: partyKids(p, loaded.trustedIssuerKeys, loaded.trustedAssessorKeys),
        ...(asOf !== undefined ? { asOf } : {}),
      })
      if (opts.json) {
        printJson(ctx.io, {
          file,
          policy: p.name,
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(asOf !== undefined ? { asOf } : {}),
          rules,
          warnings: loaded.warnings,
        })
        return
      }
      warnOnStderr(ctx.io)(loaded.warnings)
      ctx.io.out(renderExplanation(p.name, p.description, rules))
    })
}

/** The explanation as text: the policy's name and description, then one numbered entry per rule. */
export function renderExplanation(
  name: string,
  description: string | undefined,
  rules: readonly ExplainEntry[],
): string {
  const width = String(rules.length).length
  const lines = [`Policy: ${name}`]
  if (description !== undefined) lines.push(description)
  lines.push('')
  rules.forEach((r, i) => lines.push(`${String(i + 1).padStart(width)}. ${r.text}`))
  return lines.join('\n') + '\n'
}
