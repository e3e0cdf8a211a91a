import type { Command } from 'commander'
import { didYouMean } from '../../core/did-you-mean.js'
import { ConfigError } from '../../core/errors.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import { printJson, type Ctx } from '../common.js'

interface CatalogOptions {
  json?: boolean
  catalogs?: string
  all?: boolean
}

export function registerCatalog(program: Command, ctx: Ctx): void {
  program
    .command('catalog')
    .description('list the catalogs, or the ids of one framework to use in evidence `supports`')
    .argument('[framework]', 'framework id, e.g. eu-ai-act or nist-ai-rmf')
    .option('--all', 'include structural (non-assessable) nodes')
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (framework: string | undefined, opts: CatalogOptions) => {
      const set = await loadCatalogSet(opts.catalogs)
      if (!framework) {
        const list = set.refs.map((r) => {
          const c = set.catalogs.get(r.framework)
          return { ...r, name: c?.name, nodes: c?.nodes.length }
        })
        const maps = set.mappings.map((m) => ({
          urn: m.urn,
          version: m.version,
          edges: m.edges.length,
        }))
        if (opts.json) return printJson(ctx.io, { catalogs: list, mappings: maps })
        // The first column as wide as its longest entry (korea-ai-basic-act, 18 characters).
        const width = Math.max('mapping'.length, ...list.map((c) => c.framework.length))
        for (const c of list)
          ctx.io.out(
            `${c.framework.padEnd(width)} ${c.name} (edition ${c.edition}, v${c.version}, ${c.nodes} nodes)\n`,
          )
        for (const m of maps)
          ctx.io.out(`${'mapping'.padEnd(width)} ${m.urn} (v${m.version}, ${m.edges} edges)\n`)
        return
      }
      const catalog = set.catalogs.get(framework)
      if (!catalog) {
        const known = [...set.catalogs.keys()]
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `unknown framework "${framework}"${didYouMean(framework, known)}; known: ${known.join(', ')}`,
        })
      }
      const nodes = catalog.nodes.filter((n) => opts.all || n.assessable)
      // A node that is not part of every version of the law (e.g. Art. 10(5), deleted by Reg. (EU)
      // 2026/1744) is marked with the versions it is part of.
      const versions = catalog.law_versions ?? []
      const partial = (n: (typeof nodes)[number]): string[] | undefined =>
        n.law_versions !== undefined && versions.some((v) => !n.law_versions?.includes(v.id))
          ? n.law_versions
          : undefined
      if (opts.json) {
        return printJson(
          ctx.io,
          nodes.map((n) => {
            const only = partial(n)
            return {
              id: `${framework}:${n.id}`,
              urn: n.urn,
              ref: n.ref_id,
              name: n.name,
              ...(only ? { lawVersions: only } : {}),
            }
          }),
        )
      }
      const idWidth = Math.max(...nodes.map((n) => framework.length + 1 + n.id.length)) + 2
      const refWidth = Math.max(...nodes.map((n) => n.ref_id.length)) + 2
      for (const n of nodes) {
        const only = partial(n)
        ctx.io.out(
          `${(framework + ':' + n.id).padEnd(idWidth)}${n.ref_id.padEnd(refWidth)}${n.name}` +
            `${only ? `  [law versions: ${only.join(', ') || 'none'}]` : ''}\n`,
        )
      }
      if (versions.length > 1)
        ctx.io.out(
          `\nlaw versions: ${versions.map((v) => `${v.id} (${v.title}, from ${v.in_force_from})`).join('; ')}\n`,
        )
    })
}
