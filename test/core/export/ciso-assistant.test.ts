import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import euJson from '../../../catalogs/eu-ai-act/2024-1689.v3.json' with { type: 'json' }
import nistJson from '../../../catalogs/nist-ai-rmf/1.0.v1.json' with { type: 'json' }
import mappingJson from '../../../catalogs/mappings/eu-ai-act-2024-1689--nist-ai-rmf-1.0.v1.json' with { type: 'json' }
import {
  CisoFrameworkLibraryInput,
  CisoMappingLibraryInput,
  catalogToCisoLibrary,
  cisoLibraryToCatalog,
  cisoMappingToMapping,
  defaultFrameworkAndEdition,
  formatCisoLibrary,
  fromCisoNodeUrn,
  mappingToCisoLibrary,
} from '../../../src/core/export/ciso-assistant.js'
import {
  buildCatalogSet,
  validateCatalog,
  validateMapping,
} from '../../../src/core/catalog/validate.js'
import type { Catalog, Mapping } from '../../../src/core/catalog/schema.js'

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

describe('import of a CISO Assistant mapping library', () => {
  const eu = catalogOf(euJson)
  const nist = catalogOf(nistJson)
  const nodes = new Set([...eu.nodes, ...nist.nodes].map((n) => n.urn))
  // Accord's export namespace only; the node adapter adds the slug fallback.
  const resolveNode = (urn: string) => {
    const own = fromCisoNodeUrn(urn)
    return own !== undefined && nodes.has(own) ? own : undefined
  }
  const options = {
    resolveNode,
    sourceCatalogUrn: eu.urn,
    targetCatalogUrn: nist.urn,
    fallbackDate: '2026-11-21',
    file: 'mapping.yaml',
  }
  const readLibrary = (name: string) =>
    CisoMappingLibraryInput.parse(parse(readFileSync(path.join(FIXTURES, name), 'utf8')))

  it('round trip: export the crosswalk -> YAML -> import gives the same edges', () => {
    const checkedIn = validateMapping(mappingJson, 'mapping.json', [eu, nist])
    if (!checkedIn.ok) throw new Error('bad mapping')
    const original: Mapping = checkedIn.mapping
    const set = buildCatalogSet(
      [
        { catalog: eu, sha256: '0' },
        { catalog: nist, sha256: '1' },
      ],
      [original],
    )
    const yaml = formatCisoLibrary(mappingToCisoLibrary(original, set))
    const library = CisoMappingLibraryInput.parse(parse(yaml))
    const r = cisoMappingToMapping(library, options)
    if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)))
    expect(r.warnings).toEqual([])
    const checked = validateMapping(r.mapping, 'back.json', [eu, nist])
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues.slice(0, 3)))
    const pick = (m: Mapping) => m.edges.map((e) => [e.source_urn, e.target_urn, e.relation])
    expect(pick(checked.mapping)).toEqual(pick(original))
    expect(checked.mapping.urn).toBe(original.urn)
    expect(checked.mapping.dependencies).toEqual(original.dependencies)
    expect(checked.mapping.edges[0]).toMatchObject({
      source: 'ciso-assistant:urn:accord:risk:library:mapping-eu-ai-act-2024-1689--nist-ai-rmf-1.0',
      confidence: 'medium',
    })
  })

  it('maps relationships, skips not_related with a warning, takes the annotation as rationale', () => {
    const library = readLibrary('ciso-mapping.yaml')
    // The foreign node URNs of the fixture resolve by their last segment here.
    const r = cisoMappingToMapping(library, {
      ...options,
      resolveNode: (urn) => {
        const id = urn.split(':').pop() as string
        return resolveNode(urn) ?? [...nodes].find((n) => n.endsWith(`:${id}`))
      },
    })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const checked = validateMapping(r.mapping, 'm.json', [eu, nist])
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues))
    expect(checked.mapping.edges).toEqual([
      {
        source_urn: 'urn:accord:req:eu-ai-act-2024-1689:art-9',
        target_urn: 'urn:accord:req:nist-ai-rmf-1.0:manage-1.1',
        relation: 'related',
        source: 'ciso-assistant:urn:example:risk:library:mapping-eu-ai-act-to-nist-ai-rmf',
        rationale: 'Both ask for a process that treats identified risks.',
        confidence: 'medium',
      },
      expect.objectContaining({
        source_urn: 'urn:accord:req:eu-ai-act-2024-1689:art-10',
        target_urn: 'urn:accord:req:nist-ai-rmf-1.0:map-1.1',
        relation: 'subset',
        rationale:
          '"subset" in CISO Assistant library urn:example:risk:library:mapping-eu-ai-act-to-nist-ai-rmf (rationale: syntactic)',
      }),
    ])
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([
      [
        'not_related_skipped',
        ['objects', 'requirement_mapping_set', 'requirement_mappings', 2, 'relationship'],
      ],
      ['no_publication_date', ['publication_date']],
    ])
    expect(checked.mapping.publication_date).toBe('2026-11-21')
  })

  it('reports an unknown node URN with its exact path', () => {
    const r = cisoMappingToMapping(readLibrary('ciso-mapping-unknown-node.yaml'), options)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'unknown_source_node',
        path: [
          'objects',
          'requirement_mapping_set',
          'requirement_mappings',
          1,
          'source_requirement_urn',
        ],
        message: expect.stringContaining('art-999'),
      }),
    ])
  })

  it('rejects a relationship CISO Assistant does not define', () => {
    const r = CisoMappingLibraryInput.safeParse({
      urn: 'urn:x',
      name: 'X',
      objects: {
        requirement_mapping_set: {
          source_framework_urn: 'a',
          target_framework_urn: 'b',
          requirement_mappings: [
            { source_requirement_urn: 'a:1', target_requirement_urn: 'b:1', relationship: 'same' },
          ],
        },
      },
    })
    expect(r.success).toBe(false)
  })
})
