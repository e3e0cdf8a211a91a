import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { AccordError, EXIT } from '../../core/errors.js'
import { manifestJsonSchema } from '../../core/manifest/json-schema.js'
import { catalogJsonSchema, mappingJsonSchema } from '../../core/catalog/json-schema.js'
import { policyJsonSchema } from '../../core/policy/json-schema.js'
import { questionnaireJsonSchema } from '../../core/questionnaire/json-schema.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { packageRoot } from '../../node/paths.js'
import { printJson, type Ctx } from '../common.js'

/** Every JSON Schema generated from code, by path relative to the package root. */
export function generatedSchemas(): { path: string; content: string }[] {
  const out = (o: unknown) => JSON.stringify(o, null, 2) + '\n'
  return [
    { path: 'schema/manifest.v1.schema.json', content: out(manifestJsonSchema()) },
    { path: 'schema/policy.v1.schema.json', content: out(policyJsonSchema()) },
    { path: 'schema/questionnaire.v1.schema.json', content: out(questionnaireJsonSchema()) },
    { path: 'catalogs/schema/catalog.v1.schema.json', content: out(catalogJsonSchema()) },
    { path: 'catalogs/schema/mapping.v1.schema.json', content: out(mappingJsonSchema()) },
  ]
}

export function registerSchema(program: Command, ctx: Ctx): void {
  program
    .command('schema')
    .description('print, write or check the JSON Schemas generated from the code')
    // Both at once would write and then pass the check: a CI job given both by mistake would
    // never fail, so commander refuses the pair (exit 2).
    .addOption(
      new Option('--write', 'write the schema files into the package (not with --check)').conflicts(
        'check',
      ),
    )
    .option('--check', 'exit 1 when a committed schema file differs from the code')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: { write?: boolean; check?: boolean; json?: boolean }) => {
      const root = packageRoot()
      const schemas = generatedSchemas()
      if (opts.write) {
        for (const s of schemas) await writeFileAtomic(path.join(root, s.path), s.content)
        if (opts.json) printJson(ctx.io, { written: schemas.map((s) => s.path) })
        else for (const s of schemas) ctx.io.out(`wrote ${s.path}\n`)
        return
      }
      if (opts.check) {
        const stale: string[] = []
        for (const s of schemas) {
          const current = await readFile(path.join(root, s.path), 'utf8').catch(() => '')
          if (current !== s.content) stale.push(s.path)
        }
        // Stale schemas are an error: with --json, that error is the one document on stdout.
        if (stale.length > 0) {
          throw new AccordError({
            code: 'ERR_SCHEMA_STALE',
            message: `generated schema(s) out of date: ${stale.join(', ')}`,
          })
        }
        if (opts.json) printJson(ctx.io, { stale })
        else ctx.io.out(`schemas up to date (${schemas.length} files)\n`)
        ctx.setExit(EXIT.ok)
        return
      }
      const manifest = schemas[0]
      if (manifest) ctx.io.out(manifest.content)
    })
}
