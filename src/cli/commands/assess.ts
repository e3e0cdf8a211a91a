import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Option, type Command } from 'commander'
import { ConfigError, EXIT } from '../../core/errors.js'
import { renderGapTable } from '../../core/assess/gap-table.js'
import { assessJson } from '../../core/assess/output.js'
import type { ManifestPosition } from '../../core/assess/sarif.js'
import type { AssessmentResult } from '../../core/assess/types.js'
import type { ClassificationResult, EuCategory } from '../../core/classify/types.js'
import { assertWritableFile, writeFileAtomic } from '../../node/fs-safe.js'
import {
  assessLoaded,
  classifyLoaded,
  loadSystem,
  sha256Text,
  type LoadedSystem,
} from '../../node/pipeline.js'
import { VERSION } from '../version.js'
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
  sarif?: string
  junit?: string
}

export function registerAssess(program: Command, ctx: Ctx): void {
  addFrameworksOption(
    addCommonOptions(
      program
        .command('assess')
        .description('hash the evidence, assess every applicable obligation and print the gaps')
        .argument('<manifest>', 'system manifest (accord.yaml)')
        .option('--all', 'list met and not-applicable obligations too')
        .option('--sarif <file>', 'also write the gaps as a SARIF 2.1.0 log (code scanning)')
        .option('--junit <file>', 'also write the obligations as JUnit XML (CI test reports)')
        .addOption(
          new Option('--fail-on <when>', 'exit 1 when gaps remain among these obligations')
            .choices(['in-force', 'upcoming', 'never'])
            .default('in-force'),
        ),
    ),
  ).action(async (manifestPath: string, opts: AssessOptions) => {
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    if (opts.sarif !== undefined && path.resolve(opts.sarif) === path.resolve(opts.junit ?? '')) {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--sarif and --junit name the same file (${opts.sarif}); give each its own`,
      })
    }
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
    // Written before anything is printed, so a failed write is the only thing on stdout.
    if (opts.sarif !== undefined || opts.junit !== undefined)
      await writeCiReports(await ciReports(system, classification, result, opts))
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

interface ReportFile {
  file: string
  data: string
}

/**
 * The files --sarif and --junit ask for, with their content. The builders (and `yaml`, for the
 * manifest's line numbers, and xmldom) are imported only then: a plain `assess` loads none.
 */
async function ciReports(
  system: LoadedSystem,
  classification: ClassificationResult,
  result: AssessmentResult,
  opts: AssessOptions,
): Promise<ReportFile[]> {
  const files: ReportFile[] = []
  if (opts.sarif !== undefined) {
    const { buildSarif, createManifestPathFinder } = await import('../../core/assess/sarif.js')
    const { createYamlLocator } = await import('../../core/manifest/locate.js')
    const pathOf = createManifestPathFinder(system.manifest, system.catalogs)
    const locate = createYamlLocator(system.text)
    const log = buildSarif(classification, result, {
      toolVersion: VERSION,
      manifestUri: manifestUri(system.file),
      sha256: sha256Text,
      catalogs: system.catalogs,
      locateField: (field) => position(locate(field.split('.'), { key: true })),
      locate: (o) => position(locate(pathOf(o), { key: true })),
      all: Boolean(opts.all),
    })
    files.push({ file: opts.sarif, data: JSON.stringify(log, null, 2) + '\n' })
  }
  if (opts.junit !== undefined) {
    const { buildJunit } = await import('../../core/assess/junit.js')
    files.push({ file: opts.junit, data: buildJunit(classification, result, system.catalogs) })
  }
  return files
}

/** A located position as SARIF takes it; undefined when not found. */
function position(p: { line?: number; column?: number }): ManifestPosition | undefined {
  return p.line === undefined
    ? undefined
    : { line: p.line, ...(p.column === undefined ? {} : { column: p.column }) }
}

/**
 * Writes the reports, each atomically; both paths are checked first, so a wrong one leaves the
 * other unwritten too. Throws DocumentError ERR_DOCUMENT_WRITE naming the file.
 */
async function writeCiReports(files: readonly ReportFile[]): Promise<void> {
  for (const f of files) await assertWritableFile(f.file)
  for (const f of files) await writeFileAtomic(f.file, f.data)
}

/**
 * The manifest as SARIF wants it: relative to the working directory (the repository root in a
 * CI job) with `/` separators and percent-encoding, or an absolute `file:` URI when it is outside.
 */
export function manifestUri(file: string, cwd = process.cwd()): string {
  const absolute = path.resolve(cwd, file)
  const rel = path.relative(cwd, absolute)
  if (rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel))
    return pathToFileURL(absolute).href
  return rel.split(path.sep).map(encodeURIComponent).join('/')
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
