import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import euJson from '../../../catalogs/eu-ai-act/2024-1689.v1.json' with { type: 'json' }
import nistJson from '../../../catalogs/nist-ai-rmf/1.0.v1.json' with { type: 'json' }
import {
  CisoFrameworkLibraryInput,
  catalogToCisoLibrary,
  cisoLibraryToCatalog,
  defaultFrameworkAndEdition,
  formatCisoLibrary,
} from '../../../src/core/export/ciso-assistant.js'
import { validateCatalog } from '../../../src/core/catalog/validate.js'
import type { Catalog } from '../../../src/core/catalog/schema.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/export')

function catalogOf(json: unknown): Catalog {
  const r = validateCatalog(json, 'catalog.json')
  if (!r.ok) throw new Error('bad catalog')
  return r.catalog
}

describe.each([
  ['eu-ai-act', euJson],
  ['nist-ai-rmf', nistJson],
])('CISO Assistant round trip of %s', (_name, json) => {
  it('export -> YAML -> import gives the same ids, URNs, parents and depths', () => {
    const catalog = catalogOf(json)
    const yaml = formatCisoLibrary(catalogToCisoLibrary(catalog))
    const library = CisoFrameworkLibraryInput.parse(parse(yaml))
    expect(library.objects.framework.requirement_nodes[0]?.urn).toMatch(
      /^urn:accord:risk:req_node:/,
    )
    const back = cisoLibraryToCatalog(library, {
      framework: catalog.framework,
      edition: catalog.edition,
      schemaRef: '../schema/catalog.v1.schema.json',
      fallbackDate: '2026-11-21',
      file: 'library.yaml',
    })
    if (!back.ok) throw new Error(JSON.stringify(back.issues))
    const checked = validateCatalog(back.catalog, 'back.json')
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues.slice(0, 3)))
    const pick = (c: Catalog) =>
      c.nodes.map((n) => [n.id, n.urn, n.parent_urn, n.depth, n.ref_id, n.assessable, n.name])
    expect(pick(checked.catalog)).toEqual(pick(catalog))
    expect(checked.catalog.urn).toBe(catalog.urn)
    expect(checked.catalog.publication_date).toBe(catalog.publication_date)
  })
})

describe('import of a CISO Assistant library', () => {
  const library = CisoFrameworkLibraryInput.parse(
    parse(readFileSync(path.join(FIXTURES, 'ciso-library.yaml'), 'utf8')),
  )

  it('builds a catalog that passes validateCatalog', () => {
    expect(defaultFrameworkAndEdition(library)).toEqual({
      framework: 'ai-assurance',
      edition: '2',
    })
    const r = cisoLibraryToCatalog(library, {
      framework: 'ai-assurance',
      edition: '2',
      schemaRef: '../schema/catalog.v1.schema.json',
      fallbackDate: '2026-11-21',
      file: 'ciso-library.yaml',
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const checked = validateCatalog(r.catalog, 'ai-assurance/2.v2.json')
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues))
    const nodes = checked.catalog.nodes
    expect(nodes.map((n) => n.id)).toEqual(['gov', 'gov.1', 'gov.2', 'test-1', 'test-1.a'])
    expect(nodes[1]).toMatchObject({
      urn: 'urn:accord:req:ai-assurance-2:gov.1',
      parent_urn: 'urn:accord:req:ai-assurance-2:gov',
      depth: 2,
      ref_id: 'GOV.1',
      kind: 'control',
      summary: 'A named person is accountable for the system.',
    })
    // No name: the ref_id stands in; no description: the name.
    expect(nodes[2]).toMatchObject({
      name: 'GOV.2',
      summary: 'Risks are reviewed at least yearly.',
    })
    expect(nodes[3]).toMatchObject({ ref_id: 'Testing', kind: 'section', assessable: false })
    expect(checked.catalog.publication_date).toBe('2026-03-01')
    expect(checked.catalog.version).toBe(2)
  })

  it('reports a dangling parent_urn with its path and a fix', () => {
    const bad = CisoFrameworkLibraryInput.parse(
      parse(readFileSync(path.join(FIXTURES, 'ciso-library-bad-parent.yaml'), 'utf8')),
    )
    const r = cisoLibraryToCatalog(bad, {
      framework: 'broken',
      edition: '1',
      schemaRef: 's',
      fallbackDate: '2026-11-21',
      file: 'bad.yaml',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'unknown_parent',
        path: ['objects', 'framework', 'requirement_nodes', 1, 'parent_urn'],
        hint: expect.stringMatching(/fix parent_urn/),
      }),
    ])
  })
})
