/**
 * JSON Schemas (draft 2020-12) of catalog and mapping files, generated from the zod schemas in
 * ./schema.ts with zod's own `z.toJSONSchema`, so editors and other tools can check catalog files
 * without our code. The committed copies live in catalogs/schema/ and must equal this output
 * (`accord schema --check`; test/core/catalog/json-schema.test.ts).
 *
 * `io: 'input'` describes what may be written in a file: fields with a default (`official`,
 * `locale`, `route`) are optional there. Refinements (e.g. "is a calendar date") have no JSON Schema
 * form; the regex part of them is kept, and the loader still runs the zod schema.
 */
import type { z } from 'zod'
import { generateJsonSchema } from '../json-schema.js'
import { Catalog, Mapping } from './schema.js'

export const SCHEMA_BANNER =
  'DO NOT EDIT: generated from src/core/catalog/schema.ts by npm run schema:generate'

/** A generated schema and where its committed copy lives, relative to the package root. */
export interface GeneratedSchema {
  path: string
  generate: () => Record<string, unknown>
}

function generate(schema: z.ZodType, title: string): Record<string, unknown> {
  return generateJsonSchema(schema, { banner: SCHEMA_BANNER, title })
}

/** JSON Schema of catalog files (catalogs/<framework>/<edition>.v<n>.json). */
export function catalogJsonSchema(): Record<string, unknown> {
  return generate(Catalog, 'Accord requirement catalog, v1')
}

/** JSON Schema of mapping files (catalogs/mappings/<source>--<target>.v<n>.json). */
export function mappingJsonSchema(): Record<string, unknown> {
  return generate(Mapping, 'Accord crosswalk between two catalogs, v1')
}

/** Serialises a schema as committed: 2-space indentation and a trailing newline. */
export function formatJsonSchema(schema: Record<string, unknown>): string {
  return JSON.stringify(schema, null, 2) + '\n'
}

/** Every generated schema of this module, for `accord schema --write/--check`. */
export const CATALOG_SCHEMAS: readonly GeneratedSchema[] = [
  { path: 'catalogs/schema/catalog.v1.schema.json', generate: catalogJsonSchema },
  { path: 'catalogs/schema/mapping.v1.schema.json', generate: mappingJsonSchema },
]
