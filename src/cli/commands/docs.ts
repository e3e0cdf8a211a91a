import path from 'node:path'
import type { Command } from 'commander'
import { EXIT } from '../../core/errors.js'
import { assessLoaded, classifyLoaded, loadSystem, writeDocuments } from '../../node/pipeline.js'
import { assertChromiumAvailable } from '../../node/office/pdf.js'
import { DEFAULT_FORMATS, parseFormats } from '../../node/office/render.js'
import { VERSION } from '../version.js'
import {
  addCommonOptions,
  addFrameworksOption,
  printJson,
  progress,
  resolveAsOf,
  type CommonOptions,
  type Ctx,
  warnOnStderr,
} from '../common.js'

interface DocsOptions extends CommonOptions {
  out: string
  formats?: string[]
  chromium?: string
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerDocs(program: Command, ctx: Ctx): void {
  addFrameworksOption(
    addCommonOptions(
      program
        .command('docs')
        .description(
          'generate Annex IV documentation, the declaration of conformity draft, the NIST AI RMF profile and the classification report (Markdown and HTML; PDF and DOCX with --formats)',
        )
        .argument('<manifest>', 'system manifest (accord.yaml)')
        .requiredOption('-o, --out <dir>', 'output directory (created if missing)')
        .option(
          '--formats <list>',
          'formats to write, comma-separated: md,html,pdf,docx or all (default md,html; pdf needs Chromium)',
          collect,
        )
        .option(
          '--chromium <path>',
          'Chromium executable for PDF (default $ACCORD_CHROMIUM or /usr/bin/chromium)',
        ),
    ),
  ).action(async (manifestPath: string, opts: DocsOptions) => {
    const formats = opts.formats ? parseFormats(opts.formats) : DEFAULT_FORMATS
    // Before the slow part (hashing evidence): PDF needs Chromium.
    if (formats.includes('pdf')) assertChromiumAvailable(opts.chromium)
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const system = await loadSystem(manifestPath, {
      catalogsDir: opts.catalogs,
      onWarnings: warnOnStderr(ctx.io),
    })
    const classification = classifyLoaded(system, asOf, opts.frameworks)
    const bar = progress(ctx.io, 'hashing evidence', !opts.json)
    const assessment = await assessLoaded(system, classification, {
      asOf,
      onProgress: bar.update,
      ...(opts.frameworks ? { frameworks: opts.frameworks } : {}),
    })
    const written = await writeDocuments(
      system,
      classification,
      assessment,
      opts.out,
      { name: 'accord', version: VERSION },
      { formats, ...(opts.chromium ? { chromiumPath: opts.chromium } : {}) },
    )
    if (opts.json) {
      printJson(ctx.io, written)
    } else {
      ctx.io.out(`wrote ${written.files.length} documents to ${path.resolve(written.outDir)}:\n`)
      for (const f of written.files) ctx.io.out(`  ${f.path}  sha256:${f.sha256.slice(0, 16)}…\n`)
      if (written.removed.length > 0) {
        ctx.io.out(`removed ${written.removed.length} rendition(s) an earlier run left there:\n`)
        for (const f of written.removed) ctx.io.out(`  ${f}\n`)
      }
    }
    ctx.setExit(EXIT.ok)
  })
}
