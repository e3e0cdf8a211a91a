import { readFileSync, writeFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { undescribedRequired } from '../undescribed-required.js'
import {
  QUESTIONNAIRE_SCHEMA_BANNER,
  QUESTIONNAIRE_SCHEMA_PATH,
  questionnaireJsonSchema,
} from '../../../src/core/questionnaire/json-schema.js'

const ROOT = new URL('../../../', import.meta.url)

describe('questionnaireJsonSchema', () => {
  const schema = questionnaireJsonSchema()
  const content = JSON.stringify(schema, null, 2) + '\n'
  if (process.env.UPDATE_GOLDENS) writeFileSync(new URL(QUESTIONNAIRE_SCHEMA_PATH, ROOT), content)

  it('describes every required field and carries the banner', () => {
    expect(undescribedRequired(schema)).toEqual([])
    expect(schema).toMatchObject({
      $id: 'https://accord.dev/schema/questionnaire.v1.schema.json',
      $comment: QUESTIONNAIRE_SCHEMA_BANNER,
      additionalProperties: false,
    })
    expect(schema.required).toEqual(['questionnaire', 'title', 'questions'])
  })

  it('equals the committed schema/questionnaire.v1.schema.json (UPDATE_GOLDENS=1 rewrites it)', () => {
    expect(readFileSync(new URL(QUESTIONNAIRE_SCHEMA_PATH, ROOT), 'utf8')).toBe(content)
  })

  it('accepts the example and refuses a misspelt key', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(schema)
    const example = parse(
      readFileSync(new URL('examples/questionnaires/police-procurement.yaml', ROOT), 'utf8'),
    )
    expect(validate(example), ajv.errorsText(validate.errors)).toBe(true)
    expect(validate({ ...example, titel: 'x' })).toBe(false)
    expect(validate.errors?.map((e) => e.keyword)).toContain('additionalProperties')
  })
})
