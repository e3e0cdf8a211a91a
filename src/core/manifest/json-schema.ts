/**
 * JSON Schema (draft 2020-12) of the system manifest, generated from the zod `Manifest` schema
 * with zod's own `z.toJSONSchema`, so editors (e.g. the YAML language server) can autocomplete
 * and check accord.yaml without our code. The committed copy is schema/manifest.v1.schema.json
 * and must equal this output (`accord schema --check`; test/core/manifest/json-schema.test.ts).
 *
 * `io: 'input'` describes what may be *written*: fields with a default are optional. Refinements
 * (e.g. "is a calendar date") have no JSON Schema form; the regex part is kept, and Accord itself
 * always validates with the zod schema and the cross-field checks (./check.ts), which a JSON
 * Schema cannot express.
 */
import { generateJsonSchema } from '../json-schema.js'
import { Manifest } from './schema.js'

export const MANIFEST_SCHEMA_ID = 'https://accord.dev/schema/manifest.v1.schema.json'

/** Where the committed copy lives, relative to the package root. */
export const MANIFEST_SCHEMA_PATH = 'schema/manifest.v1.schema.json'

export const MANIFEST_SCHEMA_BANNER =
  'DO NOT EDIT: generated from src/core/manifest/schema.ts by npm run schema:generate'

/** The manifest's JSON Schema, with `$id`, title, description and the DO NOT EDIT banner. */
export function manifestJsonSchema(): Record<string, unknown> {
  return generateJsonSchema(Manifest, {
    $id: MANIFEST_SCHEMA_ID,
    banner: MANIFEST_SCHEMA_BANNER,
    title: 'Accord system manifest, v1',
    description:
      'Describes one AI system as its vendor knows it (accord.yaml), for classification under the ' +
      'EU AI Act, assessment against EU AI Act and NIST AI RMF obligations, and documentation. ' +
      'Accord also runs cross-field checks that this schema cannot express.',
  })
}
