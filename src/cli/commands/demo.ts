import path from 'node:path'
import type { Command } from 'commander'
import { EXIT } from '../../core/errors.js'
import { assessLoaded, classifyLoaded, loadSystem, writeDocuments } from '../../node/pipeline.js'
import { packageRoot } from '../../node/paths.js'
import { VERSION } from '../version.js'
import { printJson, progress, resolveAsOf, type Ctx } from '../common.js'

interface DemoOptions {
  example: string
  out: string
  asOf?: string
  json?: boolean
}

/** The main job on a bundled example: classify, assess, generate documents. */
export function registerDemo(program: Command, ctx: Ctx): void {
  program
    .command('demo')
    .description('run classify, assess and docs end to end on a bundled example')
    .option('--example <name>', 'examples/<name>/accord.yaml', 'police-analytics')
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--as-of <date>', 'evaluate the law as of this date (YYYY-MM-DD); default: today')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: DemoOptions) => {
      const asOf = resolveAsOf(opts.asOf, ctx.io)
      const manifestPath = path.join(packageRoot(), 'examples', opts.example, 'accord.yaml')
      const outDir = path.resolve(opts.out, opts.example)
      const say = (s: string) => {
        if (!opts.json) ctx.io.out(s + '\n')
      }
      say(`Accord ${VERSION}: demo on examples/${opts.example} as of ${asOf}`)
      say(`1/3 classify  ${path.relative(process.cwd(), manifestPath)}`)
      const system = await loadSystem(manifestPath, {})
      const classification = classifyLoaded(system, asOf)
      const eu = classification.euAiAct
      say(
        `    EU AI Act: ${eu.category} (${eu.citations.join(', ')}); ${eu.obligations.length} obligations in force, ${eu.upcoming.length} upcoming under "${eu.lawVersion.title}"`,
      )
      say('2/3 assess    hashing evidence and checking every obligation')
      const bar = progress(ctx.io, '    hashing', !opts.json)
      const assessment = await assessLoaded(system, classification, {
        asOf,
        onProgress: bar.update,
      })
      for (const f of assessment.frameworks) {
        say(
          `    ${f.name}: ${Math.round(f.readiness * 100)}% ready (${f.met} met, ${f.partial} partial, ${f.missing} missing, ${f.notApplicable} n/a)`,
        )
      }
      say(`3/3 docs      writing to ${outDir}`)
      const written = await writeDocuments(system, classification, assessment, outDir, {
        name: 'accord',
        version: VERSION,
      })
      for (const f of written.files) say(`    ${path.join(outDir, f.path)}`)
      say('')
      say(`Open ${path.join(outDir, 'index.html')} in a browser, or run:`)
      say(`  node bin/accord.js assess examples/${opts.example}/accord.yaml`)
      if (opts.json) printJson(ctx.io, { classification, assessment, documents: written })
      ctx.setExit(EXIT.ok)
    })
}
