/**
 * `accord init [dir]`: writes a starter manifest (src/core/manifest/starter.ts) for a new system,
 * with the answers given on the command line and placeholders for the rest, and says what to run
 * next. It never replaces an existing file without --force.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { ROLES } from '../../core/catalog/schema.js'
import { didYouMean } from '../../core/did-you-mean.js'
import { ConfigError, formatIssues } from '../../core/errors.js'
import { countryHint, isIsoCountry } from '../../core/iso-3166.js'
import { parseManifest } from '../../core/manifest/parse.js'
import { MANIFEST_SCHEMA_PATH } from '../../core/manifest/json-schema.js'
import { USE_CASES, type UseCase } from '../../core/manifest/schema.js'
import { answersToCheck, starterManifest } from '../../core/manifest/starter.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import { writeFileAtomic, writeFileExclusive } from '../../node/fs-safe.js'
import { packageRoot } from '../../node/paths.js'
import { commandLine, printJson, splitList, type Ctx } from '../common.js'

interface InitOptions {
  name: string
  systemVersion: string
  provider: string
  country: string
  email?: string
  role?: string[]
  useCase?: string[]
  file: string
  force?: boolean
  catalogs?: string
  json?: boolean
}

function badArg(message: string): ConfigError {
  return new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message })
}

/** Each of `values` must be one of `known` (exit 2 naming the closest otherwise). */
function checkWords(option: string, values: readonly string[], known: readonly string[]): void {
  for (const v of values)
    if (!known.includes(v))
      throw badArg(
        `${option} "${v}" is not known${didYouMean(v, known)}; choose from: ${known.join(', ')}`,
      )
}

export function registerInit(program: Command, ctx: Ctx): void {
  program
    .command('init')
    .description(
      'write a starter manifest (accord.yaml) for a new AI system: your answers, placeholders for the rest, and every section to fill',
    )
    .argument('[dir]', 'folder of the system (created if missing)', '.')
    .requiredOption('--name <name>', "the system's name")
    .requiredOption('--provider <name>', "the provider's legal name")
    .requiredOption('--country <code>', "the provider's country (ISO 3166-1 alpha-2, e.g. DE)")
    .option('--system-version <version>', 'the version the manifest describes', '1.0.0')
    .option('--email <address>', "the provider's contact e-mail address")
    .option('--role <roles>', `your roles, comma-separated (${ROLES.join(', ')})`, splitList)
    .option(
      '--use-case <ids>',
      'what the system does, comma-separated from the vocabulary the manifest lists (default other)',
      splitList,
    )
    .option('--file <name>', 'file name in the folder', 'accord.yaml')
    .option('--force', 'replace an existing file')
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (dir: string, opts: InitOptions) => {
      if (!isIsoCountry(opts.country))
        throw badArg(
          `--country "${opts.country}" is not a country code: ${countryHint(opts.country)}`,
        )
      const roles = opts.role ?? []
      checkWords('--role', roles, ROLES)
      const useCases = opts.useCase ?? []
      checkWords('--use-case', useCases, USE_CASES)
      if (path.basename(opts.file) !== opts.file || !/\.(ya?ml|json)$/.test(opts.file))
        throw badArg(
          `--file "${opts.file}" must be a file name ending in .yaml or .yml, with no folder`,
        )
      if (opts.file.endsWith('.json'))
        throw badArg('--file: the starter manifest is YAML (it holds comments); use a .yaml name')

      const set = await loadCatalogSet(opts.catalogs)
      const euCatalog = set.catalogs.get('eu-ai-act')
      if (euCatalog === undefined) throw badArg('--catalogs: no eu-ai-act catalog in that folder')

      const file = path.resolve(dir, opts.file)
      const schemaRef = path
        .relative(path.dirname(file), path.join(packageRoot(), MANIFEST_SCHEMA_PATH))
        .split(path.sep)
        .join('/')
      const text = starterManifest({
        system: { name: opts.name, version: opts.systemVersion },
        provider: { name: opts.provider, country: opts.country, email: opts.email },
        roles,
        useCases: useCases as UseCase[],
        schemaRef,
        euCatalog,
      })
      // The starter must read as a valid manifest whatever was given (names with quotes, colons,
      // or a leading "TODO"): check it before anything is written.
      const parsed = parseManifest(text, file)
      if (!parsed.ok)
        throw badArg(`the starter manifest would not be valid: ${formatIssues(parsed.issues)}`)

      if (opts.force) await writeFileAtomic(file, text)
      else await writeFileExclusive(file, text)

      const shown = path.relative(process.cwd(), file) || file
      const placeholders = parsed.warnings.filter((w) => w.code === 'placeholder_text').length
      // The yes/no answers written as a start: no warning can say they were not reviewed.
      const toCheck = answersToCheck(parsed.manifest)
      if (opts.json)
        return printJson(ctx.io, { manifest: shown, schema: schemaRef, placeholders, toCheck })
      ctx.io.out(
        `wrote ${shown} (${placeholders} placeholders to replace; your editor autocompletes from ${schemaRef})\n` +
          `check these answers, written as a start:\n` +
          Object.entries(toCheck)
            .map(([p, v]) => `  ${p}: ${JSON.stringify(v)}\n`)
            .join('') +
          `next: fill it in, then run\n` +
          `  ${commandLine(['accord', 'classify', shown])}\n` +
          `  ${commandLine(['accord', 'assess', shown])}\n`,
      )
    })
}
