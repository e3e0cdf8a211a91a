import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { undescribedRequired } from '../undescribed-required.js'
import {
  MANIFEST_SCHEMA_BANNER,
  MANIFEST_SCHEMA_PATH,
  manifestJsonSchema,
} from '../../../src/core/manifest/json-schema.js'

const ROOT = new URL('../../../', import.meta.url)
const fixture = (name: string): unknown =>
  parse(readFileSync(new URL(`test/fixtures/manifests/${name}`, ROOT), 'utf8'))

describe('manifestJsonSchema', () => {
  const schema = manifestJsonSchema()

  it('describes every required field, for editors to show while a manifest is written', () => {
    expect(undescribedRequired(schema)).toEqual([])
  })

  it('carries $id, title, description and the DO NOT EDIT banner', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://accord.dev/schema/manifest.v1.schema.json',
      $comment: MANIFEST_SCHEMA_BANNER,
      title: 'Accord system manifest, v1',
      type: 'object',
      additionalProperties: false,
    })
    expect(MANIFEST_SCHEMA_BANNER).toMatch(/^DO NOT EDIT/)
    expect(schema.description).toEqual(expect.any(String))
  })

  it('equals the committed schema/manifest.v1.schema.json (run npm run schema:generate)', () => {
    const committed = readFileSync(new URL(MANIFEST_SCHEMA_PATH, ROOT), 'utf8')
    expect(committed).toBe(JSON.stringify(schema, null, 2) + '\n')
  })

  it('describes input: fields with defaults are optional', () => {
    const deployment = (schema.properties as Record<string, { required?: string[] }>).deployment
    expect(deployment?.required).toContain('publicBody')
    expect(deployment?.required).not.toContain('memberStates')
  })

  describe('with ajv (draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    const validate = ajv.compile(schema)

    it.each(['valid-minimal.yaml', 'valid-full.yaml'])('accepts %s', (name) => {
      expect(validate(fixture(name)), ajv.errorsText(validate.errors)).toBe(true)
    })

    it('accepts evidence validUntil as a date and rejects anything else there', () => {
      const data = fixture('warning-certificate-validity-art-44.yaml') as {
        evidence: Record<string, unknown>[]
      }
      expect(validate(data), ajv.errorsText(validate.errors)).toBe(true)
      const item = data.evidence[0] as Record<string, unknown>
      for (const bad of ['next year', '2026-3-1', 20260301]) {
        item.validUntil = bad
        expect(validate(data), String(bad)).toBe(false)
        expect(validate.errors?.map((e) => e.instancePath)).toContain('/evidence/0/validUntil')
      }
      item.validUntil = '2026-02-30'
      expect(validate(data)).toBe(false)
      expect(validate.errors?.map((e) => e.keyword)).toContain('format')
    })

    it.each([
      ['invalid-misspelled-field.yaml', 'additionalProperties'],
      ['invalid-wrong-type.yaml', 'type'],
      ['invalid-enum.yaml', 'enum'],
      ['invalid-missing-required.yaml', 'required'],
      ['invalid-country-lowercase.yaml', 'pattern'],
    ])('rejects %s (%s)', (name, keyword) => {
      expect(validate(fixture(name))).toBe(false)
      expect(validate.errors?.map((e) => e.keyword)).toContain(keyword)
    })
  })
})
