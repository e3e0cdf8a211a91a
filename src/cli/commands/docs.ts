import path from 'node:path'
import type { Command } from 'commander'
import { ConfigError, EXIT } from '../../core/errors.js'
import { assessLoaded, classifyLoaded, loadSystem, writeDocuments } from '../../node/pipeline.js'
import { VERSION } from '../version.js'
import {
  addCommonOptions,
  addFrameworksOption,
  printJson,
  progress,
  resolveAsOf,
  type CommonOptions,
  type Ctx,
} from '../common.js'

interface DocsOptions extends CommonOptions {
  out?: string
}

export function registerDocs(program: Command, ctx: Ctx): void {
  addFrameworksOption(
    addCommonOptions(
      program
        .command('docs')
        .description(
          'generate Annex IV documentation, the declaration of conformity draft, the NIST AI RMF profile and the classification report (Markdown and HTML)',
        )
        .argument('<manifest>', 'system manifest (accord.yaml)')
        .option('-o, --out <dir>', 'output directory (created if missing)'),
    ),
  ).action(async (manifestPath: string, opts: DocsOptions) => {
    if (!opts.out) {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: 'docs needs --out DIR, the directory to write the documents to',
      })
    }
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const system = await loadSystem(manifestPath, { catalogsDir: opts.catalogs })
    const classification = classifyLoaded(system, asOf, opts.frameworks)
    const bar = progress(ctx.io, 'hashing evidence', !opts.json)
    const assessment = await assessLoaded(system, classification, {
      asOf,
      onProgress: bar.update,
      ...(opts.frameworks ? { frameworks: opts.frameworks } : {}),
    })
    const written = await writeDocuments(system, classification, assessment, opts.out, {
      name: 'accord',
      version: VERSION,
    })
    if (opts.json) {
      printJson(ctx.io, written)
    } else {
      ctx.io.out(`wrote ${written.files.length} documents to ${path.resolve(written.outDir)}:\n`)
      for (const f of written.files) ctx.io.out(`  ${f.path}  sha256:${f.sha256.slice(0, 16)}…\n`)
    }
    ctx.setExit(EXIT.ok)
  })
}
