/**
 * JSON Schema (draft 2020-12) of questionnaires (`accord-questionnaire/v1`), generated from the zod
 * `Questionnaire` schema, so editors can autocomplete and check questionnaire files. The committed
 * copy is schema/questionnaire.v1.schema.json and must equal this output (`accord schema
 * --check`; test/core/questionnaire/json-schema.test.ts). Catalog ids and manifest paths are
 * checked by Accord itself (./validate.ts), which a JSON Schema cannot express.
 */
import { generateJsonSchema } from '../json-schema.js'
import { Questionnaire } from './schema.js'

export const QUESTIONNAIRE_SCHEMA_ID = 'https://accord.dev/schema/questionnaire.v1.schema.json'

/** Where the committed copy lives, relative to the package root. */
export const QUESTIONNAIRE_SCHEMA_PATH = 'schema/questionnaire.v1.schema.json'

export const QUESTIONNAIRE_SCHEMA_BANNER =
  'DO NOT EDIT: generated from src/core/questionnaire/schema.ts by npm run schema:generate'

export function questionnaireJsonSchema(): Record<string, unknown> {
  return generateJsonSchema(Questionnaire, {
    $id: QUESTIONNAIRE_SCHEMA_ID,
    banner: QUESTIONNAIRE_SCHEMA_BANNER,
    title: 'Accord due-diligence questionnaire, v1',
    description:
      "A buyer's due-diligence questionnaire about an AI system: each question with the " +
      'obligations (catalog ids of any framework) and manifest fields it is about, answered by ' +
      '`accord answer` from the manifest and its assessment.',
  })
}
