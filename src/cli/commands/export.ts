import { Option, type Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import {
  exportCisoAssistant,
  exportOscalCatalog,
  exportSystem,
  type ExportResult,
  type SystemExportKind,
} from '../../node/export.js'
import { printJson, resolveAsOf, type Ctx, warnOnStderr } from '../common.js'
import { VERSION } from '../version.js'

interface ExportOptions {
  out: string
  asOf?: string
  catalogs?: string
  json?: boolean
}

const SYSTEM_KINDS: Record<string, { kind: SystemExportKind; what: string }> = {
  'oscal-ssp': { kind: 'oscal-ssp', what: 'the system as an OSCAL 1.2.1 system security plan' },
  'oscal-ar': { kind: 'oscal-ar', what: 'the assessment as OSCAL 1.2.1 assessment results' },
  cyclonedx: { kind: 'cyclonedx', what: 'the models and datasets as a CycloneDX 1.6 ML-BOM' },
}

function report(ctx: Ctx, result: ExportResult, json: boolean | undefined): void {
  if (json) return printJson(ctx.io, result)
  const checked = result.validatedAgainst ? `, valid against the ${result.validatedAgainst}` : ''
  ctx.io.out(`wrote ${result.file} (${result.kind}, ${result.bytes} bytes${checked})\n`)
}

const AS_OF_HELP = 'date of the export and of the law (YYYY-MM-DD); default: today'

function withOptions(cmd: Command, asOf: 'accepted' | 'refused' = 'accepted'): Command {
  return cmd
    .requiredOption('-o, --out <file>', 'file to write (written atomically: all or nothing)')
    .addOption(
      // Refused options stay declared (hidden from --help) so that the command can say why,
      // rather than commander's bare "unknown option".
      asOf === 'accepted'
        ? new Option('--as-of <date>', AS_OF_HELP)
        : new Option('--as-of <date>').hideHelp(),
    )
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print a machine-readable summary on stdout')
}

export function registerExport(program: Command, ctx: Ctx): void {
  const exp = program
    .command('export')
    .description('write standard formats: OSCAL, CycloneDX ML-BOM, CISO Assistant libraries')

  withOptions(
    exp
      .command('oscal-catalog')
      .description('a catalog (eu-ai-act, nist-ai-rmf) as an OSCAL 1.2.1 catalog')
      .argument('<framework>', 'framework id, e.g. eu-ai-act'),
  ).action(async (framework: string, opts: ExportOptions) => {
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    report(
      ctx,
      await exportOscalCatalog(framework, { out: opts.out, asOf, catalogsDir: opts.catalogs }),
      opts.json,
    )
  })

  for (const [name, { kind, what }] of Object.entries(SYSTEM_KINDS)) {
    withOptions(
      exp.command(name).description(what).argument('<manifest>', 'system manifest (accord.yaml)'),
    ).action(async (manifest: string, opts: ExportOptions) => {
      const asOf = resolveAsOf(opts.asOf, ctx.io)
      const result = await exportSystem(kind, manifest, {
        onWarnings: warnOnStderr(ctx.io),
        out: opts.out,
        asOf,
        catalogsDir: opts.catalogs,
        generator: { name: 'accord', version: VERSION },
      })
      report(ctx, result, opts.json)
    })
  }

  withOptions(
    exp
      .command('ciso-assistant')
      .description('a framework or a crosswalk as a CISO Assistant library (YAML)')
      .argument('<target>', 'framework id (eu-ai-act) or mapping (eu-ai-act--nist-ai-rmf)'),
    'refused',
  ).action(async (target: string, opts: ExportOptions) => {
    // Nothing in a CISO Assistant library depends on a date: its publication_date is the catalog's
    // or mapping's own, and it holds no assessment. Accepting --as-of and ignoring it would let a
    // user believe the library was cut to that date, so it is refused.
    if (opts.asOf !== undefined)
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message:
          '--as-of does not apply to `export ciso-assistant`: the library holds no date-dependent ' +
          "content (its publication_date is the catalog's or mapping's own); leave --as-of out",
      })
    report(
      ctx,
      await exportCisoAssistant(target, { out: opts.out, catalogsDir: opts.catalogs }),
      opts.json,
    )
  })
}
