/**
 * JSON Schema (draft 2020-12) of acceptance policies, generated from the zod `Policy` schema with
 * zod's own `z.toJSONSchema`, so editors can autocomplete and check policy files. The committed
 * copy is schema/policy.v1.schema.json and must equal this output (`accord schema --check`;
 * test/core/policy/json-schema.test.ts).
 *
 * `io: 'input'` describes what may be *written*: fields with a default are optional. Accord itself
 * always validates with the zod schema and the cross-field checks (./parse.ts).
 */
import { generateJsonSchema } from '../json-schema.js'
import { Policy } from './schema.js'

export const POLICY_SCHEMA_ID = 'https://accord.dev/schema/policy.v1.schema.json'

/** Where the committed copy lives, relative to the package root. */
export const POLICY_SCHEMA_PATH = 'schema/policy.v1.schema.json'

export const POLICY_SCHEMA_BANNER =
  'DO NOT EDIT: generated from src/core/policy/schema.ts by npm run schema:generate'

/** The acceptance policy's JSON Schema, with `$id`, title, description and the DO NOT EDIT banner. */
export function policyJsonSchema(): Record<string, unknown> {
  return generateJsonSchema(Policy, {
    $id: POLICY_SCHEMA_ID,
    banner: POLICY_SCHEMA_BANNER,
    title: 'Accord acceptance policy, v1',
    description:
      "A relying party's (a buyer's) requirements for accepting an AI regulatory passport: whose " +
      'signatures it trusts, what the passport must show, which foreign evidence it recognises, ' +
      "and the vendor's commitments it needs. Accord also runs cross-field checks that this " +
      'schema cannot express.',
  })
}
