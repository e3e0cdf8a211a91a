import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { catalogJsonSchema, mappingJsonSchema } from '../../src/core/catalog/json-schema.js'
import { Catalog, Mapping } from '../../src/core/catalog/schema.js'
import { validateMapping } from '../../src/core/catalog/validate.js'

const ROOT = join(import.meta.dirname, '..', '..', 'catalogs')
const MAPPING_FILE = 'mappings/eu-ai-act-2024-1689--nist-ai-rmf-1.0.v1.json'
const readJson = async (file: string) =>
  JSON.parse(await readFile(join(ROOT, file), 'utf8')) as unknown

// The real files. The EU AI Act catalog is parsed with its schema only, so that this file tests
// the crosswalk; the EU catalog's own semantic checks are tested with it.
const mappingRaw = await readJson(MAPPING_FILE)
const euRaw = await readJson('eu-ai-act/2024-1689.v3.json')
const nist = Catalog.parse(await readJson('nist-ai-rmf/1.0.v1.json'))
const eu = Catalog.parse(euRaw)
const mapping = Mapping.parse(mappingRaw)

const EU = 'urn:accord:req:eu-ai-act-2024-1689:'
const NIST = 'urn:accord:req:nist-ai-rmf-1.0:'

describe('EU AI Act -> NIST AI RMF crosswalk', () => {
  it('connects the EU AI Act catalog to the NIST AI RMF catalog', () => {
    expect(mapping.urn).toBe('urn:accord:mapping:eu-ai-act-2024-1689--nist-ai-rmf-1.0')
    expect(mapping.dependencies).toEqual([eu.urn, nist.urn])
    expect(mapping.description).toMatch(/NIST has published no crosswalk/)
  })

  it('has edges that all resolve, with no duplicates', () => {
    const result = validateMapping(mappingRaw, MAPPING_FILE, [eu, nist])
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([])
  })

  it('targets only NIST subcategories, from EU articles, paragraphs, points or Annex IV points', () => {
    const nistKinds = new Map(nist.nodes.map((n) => [n.urn, n.kind]))
    const euKinds = new Map(eu.nodes.map((n) => [n.urn, n.kind]))
    for (const e of mapping.edges) {
      expect(nistKinds.get(e.target_urn), e.target_urn).toBe('subcategory')
      expect(['article', 'paragraph', 'point', 'annex-section', 'annex-point']).toContain(
        euKinds.get(e.source_urn),
      )
    }
  })

  it('is our own analysis, with at most medium confidence', () => {
    for (const e of mapping.edges) {
      expect(e.source).toBe('accord-analysis')
      expect(e.confidence).not.toBe('high')
      expect(e.relation).not.toBe('equivalent')
      expect(e.rationale.length).toBeGreaterThan(40)
    }
  })

  it('covers the EU provisions named in the fact sheet table', () => {
    const sources = new Set(mapping.edges.map((e) => e.source_urn.slice(EU.length)))
    const required = [
      'art-4',
      'art-6.4',
      'art-9',
      'art-9.2',
      'art-9.5',
      'art-9.9',
      'art-10',
      'art-11',
      'art-12',
      'art-13',
      'art-14',
      'art-15',
      'art-15.1',
      'art-15.4',
      'art-15.5',
      'art-17',
      'art-18',
      'art-20',
      'art-26',
      'art-27',
      'art-43',
      'art-50',
      'art-53',
      'art-55',
      'art-72',
      'art-73',
    ]
    expect(required.filter((id) => !sources.has(id))).toEqual([])
  })

  it('keeps the key pairings of the fact sheet', () => {
    const pairs = new Set(
      mapping.edges.map(
        (e) => `${e.source_urn.slice(EU.length)} ${e.target_urn.slice(NIST.length)}`,
      ),
    )
    for (const pair of [
      'art-4 govern-2.2',
      'art-14 govern-3.2',
      'art-15.5 measure-2.7',
      'art-72 manage-4.1',
      'art-73 manage-4.3',
      'art-9.2.c measure-3.1',
    ]) {
      expect(pairs.has(pair), pair).toBe(true)
    }
  })

  it('is valid against the generated JSON Schema (ajv, draft 2020-12), as is the EU catalog', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validateMappingFile = ajv.compile(mappingJsonSchema())
    expect(validateMappingFile(mappingRaw), ajv.errorsText(validateMappingFile.errors)).toBe(true)
    const validateCatalogFile = ajv.compile(catalogJsonSchema())
    expect(validateCatalogFile(euRaw), ajv.errorsText(validateCatalogFile.errors)).toBe(true)
  })
})
