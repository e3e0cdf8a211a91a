import type { Command } from 'commander'
import { ConfigError, formatIssues } from '../../core/errors.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import {
  importCisoAssistant,
  importCisoAssistantMapping,
  importCycloneDx,
  isCisoMappingLibrary,
  importModelCard,
  importOscalAssessmentResults,
} from '../../node/import.js'
import { printJson, resolveAsOf, type Ctx } from '../common.js'

interface EvidenceImportOptions {
  out?: string
  path?: string
  id?: string
  catalogs?: string
  json?: boolean
}

interface CisoOptions {
  out: string
  framework?: string
  edition?: string
  asOf?: string
  catalogs?: string
  json?: boolean
}

function evidenceOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <file>', 'also write the YAML snippet to this file (atomically)')
    .option('--path <path>', 'evidence path to put in the entry, relative to the manifest')
    .option('--id <id>', 'evidence id to use (default: derived from the file)')
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
}

export function registerImport(program: Command, ctx: Ctx): void {
  const imp = program
    .command('import')
    .description('read standard formats: model cards, OSCAL results, CycloneDX, CISO Assistant')

  evidenceOptions(
    imp
      .command('model-card')
      .description('a Hugging Face model card (README.md) as an evidence entry and metrics')
      .argument('<readme>', 'model card: README.md with YAML front matter'),
  ).action(async (file: string, opts: EvidenceImportOptions) => {
    const r = await importModelCard(file, {
      ...(opts.path ? { evidencePath: opts.path } : {}),
      ...(opts.id ? { id: opts.id } : {}),
      ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
    })
    if (opts.out) await writeFileAtomic(opts.out, r.yaml)
    if (opts.json) {
      return printJson(ctx.io, {
        card: r.card,
        evidence: r.evidence,
        metrics: r.metrics,
        warnings: r.warnings,
        ...(opts.out ? { file: opts.out } : {}),
      })
    }
    if (r.warnings.length > 0) ctx.io.err(formatIssues(r.warnings) + '\n')
    ctx.io.out(r.yaml)
  })

  evidenceOptions(
    imp
      .command('oscal-ar')
      .description(
        'OSCAL assessment results (JSON): check the schema, summarise findings as evidence',
      )
      .argument('<file>', 'OSCAL assessment-results JSON'),
  ).action(async (file: string, opts: EvidenceImportOptions) => {
    const r = await importOscalAssessmentResults(file, {
      ...(opts.path ? { evidencePath: opts.path } : {}),
      ...(opts.id ? { id: opts.id } : {}),
      ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
    })
    if (opts.out && r.yaml) await writeFileAtomic(opts.out, r.yaml)
    if (opts.json)
      return printJson(ctx.io, { ...r, ...(opts.out && r.yaml ? { file: opts.out } : {}) })
    const s = r.summary
    const findings = s.results.reduce((n, x) => n + x.findings.length, 0)
    ctx.io.out(
      `${s.title}: ${s.results.length} result(s), ${findings} finding(s); ` +
        `${s.satisfied.length} satisfied and ${s.notSatisfied.length} not satisfied map to Accord obligations, ` +
        `${s.unmapped.length} target(s) do not\n`,
    )
    if (r.yaml) ctx.io.out(r.yaml)
    else
      ctx.io.out(
        'no satisfied finding maps to an Accord obligation, so there is no evidence entry to add\n',
      )
  })

  imp
    .command('cyclonedx')
    .description('a CycloneDX 1.6 JSON BOM: check the schema and list its models and datasets')
    .argument('<file>', 'CycloneDX 1.6 JSON')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (file: string, opts: { json?: boolean }) => {
      const r = await importCycloneDx(file)
      if (opts.json) return printJson(ctx.io, r)
      ctx.io.out(
        `${file}: valid CycloneDX 1.6; ${r.models.length} model(s), ${r.datasets.length} dataset(s)\n`,
      )
      for (const m of r.models)
        ctx.io.out(`  model    ${m.name}${m.version ? ` ${m.version}` : ''}\n`)
      for (const d of r.datasets) ctx.io.out(`  dataset  ${d.name}\n`)
    })

  imp
    .command('ciso-assistant')
    .description(
      'a CISO Assistant framework library (YAML) as an Accord catalog (JSON), or a mapping library as an Accord mapping',
    )
    .argument('<library>', 'CISO Assistant framework or mapping library (YAML)')
    .requiredOption(
      '-o, --out <file>',
      'file to write, e.g. catalogs/iso-42001/2023.v1.json or catalogs/mappings/a--b.v1.json',
    )
    .option('--framework <id>', 'framework id of the catalog (default: from the library)')
    .option('--edition <edition>', 'edition of the catalog (default: the library version)')
    .option('--as-of <date>', 'publication date when the library has none (default: today)')
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (file: string, opts: CisoOptions) => {
      if (await isCisoMappingLibrary(file)) {
        if (opts.framework || opts.edition) {
          throw new ConfigError({
            code: 'ERR_CONFIG_BAD_ARGS',
            message: `${file} is a mapping library: --framework and --edition apply to framework libraries only`,
          })
        }
        const m = await importCisoAssistantMapping(file, {
          out: opts.out,
          asOf: resolveAsOf(opts.asOf, ctx.io),
          ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
        })
        if (opts.json) return printJson(ctx.io, m)
        if (m.warnings.length > 0) ctx.io.err(formatIssues(m.warnings) + '\n')
        ctx.io.out(
          `wrote ${m.file}: mapping ${m.urn} (${m.edges} edges, ${m.dependencies.join(' -> ')})\n`,
        )
        return
      }
      const r = await importCisoAssistant(file, {
        out: opts.out,
        asOf: resolveAsOf(opts.asOf, ctx.io),
        ...(opts.framework ? { framework: opts.framework } : {}),
        ...(opts.edition ? { edition: opts.edition } : {}),
        ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
      })
      if (opts.json) return printJson(ctx.io, r)
      if (r.warnings.length > 0) ctx.io.err(formatIssues(r.warnings) + '\n')
      ctx.io.out(
        `wrote ${r.file}: catalog ${r.urn} (${r.nodes} nodes, ${r.assessable} assessable)\n`,
      )
    })
}
