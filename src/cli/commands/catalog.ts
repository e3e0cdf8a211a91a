import type { Command } from 'commander'
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
        for (const c of list)
          ctx.io.out(
            `${c.framework.padEnd(14)} ${c.name} (edition ${c.edition}, v${c.version}, ${c.nodes} nodes)\n`,
          )
        for (const m of maps)
          ctx.io.out(`mapping        ${m.urn} (v${m.version}, ${m.edges} edges)\n`)
        return
      }
      const catalog = set.catalogs.get(framework)
      if (!catalog) {
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `unknown framework "${framework}"; known: ${[...set.catalogs.keys()].join(', ')}`,
        })
      }
      const nodes = catalog.nodes.filter((n) => opts.all || n.assessable)
      if (opts.json) {
        return printJson(
          ctx.io,
          nodes.map((n) => ({
            id: `${framework}:${n.id}`,
            urn: n.urn,
            ref: n.ref_id,
            name: n.name,
          })),
        )
      }
      for (const n of nodes)
        ctx.io.out(`${(framework + ':' + n.id).padEnd(32)} ${n.ref_id.padEnd(20)} ${n.name}\n`)
    })
}
