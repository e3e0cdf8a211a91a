/**
 * One generator for the JSON Schemas (draft 2020-12) Accord publishes for its file formats
 * (manifest, acceptance policy, catalog, mapping), from their zod schemas with zod's own
 * `z.toJSONSchema`. `io: 'input'` describes what may be *written*: fields with a default are
 * optional. Refinements have no JSON Schema form; Accord itself always validates with zod.
 */
import { z } from 'zod'

export interface JsonSchemaHeader {
  $id?: string
  /** The DO NOT EDIT banner naming the source file. */
  banner: string
  title: string
  description?: string
}

export function generateJsonSchema(
  schema: z.ZodType,
  header: JsonSchemaHeader,
): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    // zod marks `.startsWith()` with a non-standard `format: "starts_with"` next to the
    // equivalent `pattern`; validators warn about unknown formats, so keep only the pattern.
    override: (ctx) => {
      if (ctx.jsonSchema.format === 'starts_with') delete ctx.jsonSchema.format
    },
  }) as Record<string, unknown>
  const { $schema, ...rest } = json
  return {
    $schema,
    ...(header.$id === undefined ? {} : { $id: header.$id }),
    $comment: header.banner,
    title: header.title,
    ...(header.description === undefined ? {} : { description: header.description }),
    ...rest,
  }
}
