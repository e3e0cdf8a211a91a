import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { undescribedRequired } from '../undescribed-required.js'
import {
  POLICY_SCHEMA_BANNER,
  POLICY_SCHEMA_PATH,
  policyJsonSchema,
} from '../../../src/core/policy/json-schema.js'

const ROOT = new URL('../../../', import.meta.url)
const yamlAt = (rel: string): unknown => parse(readFileSync(new URL(rel, ROOT), 'utf8'))

describe('policyJsonSchema', () => {
  const schema = policyJsonSchema()

  it('describes every required field, for editors to show while a policy is written', () => {
    expect(undescribedRequired(schema)).toEqual([])
  })
  const content = JSON.stringify(schema, null, 2) + '\n'
  if (process.env.UPDATE_GOLDENS) {
    mkdirSync(new URL('schema/', ROOT), { recursive: true })
    writeFileSync(new URL(POLICY_SCHEMA_PATH, ROOT), content)
  }

  it('carries $id, title, description and the DO NOT EDIT banner', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://accord.dev/schema/policy.v1.schema.json',
      $comment: POLICY_SCHEMA_BANNER,
      title: 'Accord acceptance policy, v1',
      type: 'object',
      additionalProperties: false,
    })
    expect(POLICY_SCHEMA_BANNER).toMatch(/^DO NOT EDIT/)
    expect(schema.required).toEqual(['apiVersion', 'kind', 'name', 'trust'])
  })

  it('equals the committed schema/policy.v1.schema.json (UPDATE_GOLDENS=1 rewrites it)', () => {
    expect(readFileSync(new URL(POLICY_SCHEMA_PATH, ROOT), 'utf8')).toBe(content)
  })

  describe('with ajv (draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    const validate = ajv.compile(schema)

    it.each([
      'policies/eu-police-procurement.yaml',
      'policies/allied-defence-integration.yaml',
      'policies/us-federal-agency.yaml',
      'test/fixtures/policies/valid-minimal.yaml',
    ])('accepts %s', (rel) => {
      expect(validate(yamlAt(rel)), ajv.errorsText(validate.errors)).toBe(true)
    })

    it.each([
      ['invalid-misspelled-key.yaml', 'additionalProperties'],
      ['invalid-missing-trust.yaml', 'required'],
      ['invalid-bad-glob.yaml', 'pattern'],
      ['invalid-unknown-category.yaml', 'enum'],
      ['invalid-quoted-number.yaml', 'type'],
    ])('rejects %s (%s)', (name, keyword) => {
      expect(validate(yamlAt(`test/fixtures/policies/${name}`))).toBe(false)
      expect(validate.errors?.map((e) => e.keyword)).toContain(keyword)
    })
  })
})
