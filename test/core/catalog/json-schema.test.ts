import { describe, expect, it } from 'vitest'
import {
  CATALOG_SCHEMAS,
  SCHEMA_BANNER,
  catalogJsonSchema,
  formatJsonSchema,
  mappingJsonSchema,
} from '../../../src/core/catalog/json-schema.js'
import committedCatalog from '../../../catalogs/schema/catalog.v1.schema.json' with { type: 'json' }
import committedMapping from '../../../catalogs/schema/mapping.v1.schema.json' with { type: 'json' }

describe('catalog JSON Schemas', () => {
  it('are draft 2020-12 with the DO NOT EDIT banner', () => {
    for (const schema of [catalogJsonSchema(), mappingJsonSchema()]) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
      expect(schema.$comment).toBe(SCHEMA_BANNER)
      expect(schema.additionalProperties).toBe(false)
    }
  })

  it('describe the input form: fields with defaults are optional', () => {
    const node = (
      catalogJsonSchema().properties as Record<string, { items: { required: string[] } }>
    ).nodes
    expect(node?.items.required).toContain('assessable')
    expect(node?.items.required).not.toContain('official')
  })

  it('carry no non-standard formats', () => {
    expect(JSON.stringify(catalogJsonSchema())).not.toContain('starts_with')
  })

  // Regenerate with `npm run schema:generate` when schema.ts changes.
  it('equal the committed copies in catalogs/schema/', () => {
    expect(formatJsonSchema(committedCatalog)).toBe(formatJsonSchema(catalogJsonSchema()))
    expect(formatJsonSchema(committedMapping)).toBe(formatJsonSchema(mappingJsonSchema()))
  })

  it('list where each committed copy lives', () => {
    expect(CATALOG_SCHEMAS.map((s) => s.path)).toEqual([
      'catalogs/schema/catalog.v1.schema.json',
      'catalogs/schema/mapping.v1.schema.json',
    ])
    expect(formatJsonSchema({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n')
  })
})
