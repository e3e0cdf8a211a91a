import { describe, expect, it } from 'vitest'
import {
  crosswalk,
  crosswalkPairs,
  INVERSE,
  mappingsBetween,
  sideCoverage,
} from '../../../src/core/catalog/crosswalk.js'
import type {
  Catalog,
  CatalogNode,
  Mapping,
  MappingEdge,
} from '../../../src/core/catalog/schema.js'
import { buildCatalogSet } from '../../../src/core/catalog/validate.js'
import { AccordError } from '../../../src/core/errors.js'

// Two tiny catalogs. Law L: art-1 (structure) with art-1.1, art-1.2 (assessable), art-2, art-3
// (assessable). Framework F: g-1 (structure) with g-1.1, g-1.2, g-1.3, g-1.4 (assessable).
function node(fw: string, id: string, assessable: boolean, parent?: string): CatalogNode {
  return {
    id,
    urn: `urn:accord:req:${fw}-1:${id}`,
    ...(parent ? { parent_urn: `urn:accord:req:${fw}-1:${parent}` } : {}),
    depth: parent ? 2 : 1,
    kind: 'article',
    ref_id: id.toUpperCase(),
    name: `name of ${id}`,
    summary: `summary of ${id}`,
    official: true,
    assessable,
  }
}

function catalog(fw: string, kind: Catalog['kind'], nodes: CatalogNode[]): Catalog {
  return {
    $schema: 'x',
    urn: `urn:accord:catalog:${fw}-1`,
    framework: fw,
    edition: '1',
    version: 1,
    name: `${fw} name`,
    description: 'test',
    kind,
    locale: 'en',
    publication_date: '2024-01-01',
    provider: 'test',
    copyright: 'test',
    sources: [{ title: 'test' }],
    nodes,
  }
}

const law = catalog('law', 'law', [
  node('law', 'art-1', false),
  node('law', 'art-1.1', true, 'art-1'),
  node('law', 'art-1.2', true, 'art-1'),
  node('law', 'art-2', true),
  node('law', 'art-3', true),
])
const fw = catalog('fw', 'framework', [
  node('fw', 'g-1', false),
  node('fw', 'g-1.1', true, 'g-1'),
  node('fw', 'g-1.2', true, 'g-1'),
  node('fw', 'g-1.3', true, 'g-1'),
  node('fw', 'g-1.4', true, 'g-1'),
])
const other = catalog('other', 'standard', [node('other', 'c-1', true)])

const L = 'urn:accord:req:law-1:'
const F = 'urn:accord:req:fw-1:'

function edge(
  s: string,
  t: string,
  relation: MappingEdge['relation'],
  confidence: MappingEdge['confidence'] = 'medium',
): MappingEdge {
  return {
    source_urn: L + s,
    target_urn: F + t,
    relation,
    confidence,
    source: 'accord-analysis',
    rationale: `${s} to ${t}`,
  }
}

const mapping: Mapping = {
  $schema: 'x',
  urn: 'urn:accord:mapping:law-1--fw-1',
  version: 2,
  name: 'law to fw',
  description: 'test',
  publication_date: '2024-01-01',
  provider: 'test',
  copyright: 'test',
  dependencies: ['urn:accord:catalog:law-1', 'urn:accord:catalog:fw-1'],
  sources: [{ title: 'test' }],
  edges: [
    edge('art-2', 'g-1.2', 'related', 'low'),
    edge('art-1', 'g-1.1', 'subset'), // art-1 is structure: covers art-1.x only "with ancestors"
    edge('art-2', 'g-1.1', 'equivalent', 'high'),
    edge('art-3', 'g-1.3', 'superset'),
  ],
}

const set = buildCatalogSet(
  [law, fw, other].map((catalog) => ({ catalog, sha256: '0'.repeat(64) })),
  [mapping],
)

function errorOf(f: () => unknown): AccordError {
  try {
    f()
  } catch (err) {
    expect(err).toBeInstanceOf(AccordError)
    return err as AccordError
  }
  throw new Error('expected an error')
}

describe('crosswalk (mapping direction)', () => {
  const r = crosswalk(set, { from: 'law', to: 'fw' })

  it('lists every edge in source then target catalog order, with both ends resolved', () => {
    expect(r.mappings).toEqual([
      { urn: 'urn:accord:mapping:law-1--fw-1', version: 2, inverted: false, edges: 4 },
    ])
    expect(r.edges.map((e) => `${e.from.ref} ${e.relation} ${e.to.ref} ${e.confidence}`)).toEqual([
      'law:art-1 subset fw:g-1.1 medium',
      'law:art-2 equivalent fw:g-1.1 high',
      'law:art-2 related fw:g-1.2 low',
      'law:art-3 superset fw:g-1.3 medium',
    ])
    expect(r.edges[1]).toMatchObject({
      from: { citation: 'ART-2', name: 'name of art-2', assessable: true, urn: L + 'art-2' },
      source: 'accord-analysis',
      rationale: 'art-2 to g-1.1',
      mapping: 'urn:accord:mapping:law-1--fw-1',
      inverted: false,
    })
  })

  it('computes coverage of FROM: assessable nodes with a direct edge, per relation', () => {
    // Assessable law nodes: art-1.1, art-1.2, art-2, art-3 (4). Direct edges: art-2, art-3.
    expect(r.coverage.from).toMatchObject({
      framework: 'law',
      assessable: 4,
      covered: 2,
      share: 0.5,
      coveredWithAncestors: 4, // art-1.1 and art-1.2 through art-1
      shareWithAncestors: 1,
      uncovered: ['law:art-1.1', 'law:art-1.2'],
    })
    expect(r.coverage.from.byRelation).toEqual({
      equivalent: { covered: 1, share: 0.25 },
      subset: { covered: 0, share: 0 },
      superset: { covered: 1, share: 0.25 },
      related: { covered: 1, share: 0.25 },
    })
  })

  it('computes coverage of TO with relations read from its side (subset <-> superset)', () => {
    // Assessable fw nodes: g-1.1..g-1.4 (4). Edges reach g-1.1, g-1.2, g-1.3.
    expect(r.coverage.to).toMatchObject({
      framework: 'fw',
      assessable: 4,
      covered: 3,
      share: 0.75,
      coveredWithAncestors: 3,
      uncovered: ['fw:g-1.4'],
    })
    expect(r.coverage.to.byRelation).toEqual({
      equivalent: { covered: 1, share: 0.25 }, // g-1.1
      subset: { covered: 1, share: 0.25 }, // g-1.3 ⊂ art-3
      superset: { covered: 1, share: 0.25 }, // g-1.1 ⊃ art-1
      related: { covered: 1, share: 0.25 }, // g-1.2
    })
  })
})

describe('crosswalk (reverse direction)', () => {
  const r = crosswalk(set, { from: 'fw', to: 'law' })

  it('reads the mapping backwards and inverts subset and superset', () => {
    expect(r.mappings[0]?.inverted).toBe(true)
    expect(r.edges.map((e) => `${e.from.ref} ${e.relation} ${e.to.ref}`)).toEqual([
      'fw:g-1.1 superset law:art-1',
      'fw:g-1.1 equivalent law:art-2',
      'fw:g-1.2 related law:art-2',
      'fw:g-1.3 subset law:art-3',
    ])
    expect(r.edges.every((e) => e.inverted)).toBe(true)
  })

  it('gives the same coverage numbers with the sides swapped', () => {
    const forward = crosswalk(set, { from: 'law', to: 'fw' })
    expect(r.coverage.from).toEqual(forward.coverage.to)
    expect(r.coverage.to).toEqual(forward.coverage.from)
  })
})

describe('crosswalk options and errors', () => {
  it('drops edges below --min-confidence and recomputes coverage', () => {
    const high = crosswalk(set, { from: 'law', to: 'fw', minConfidence: 'high' })
    expect(high.edges.map((e) => `${e.from.ref} ${e.to.ref}`)).toEqual(['law:art-2 fw:g-1.1'])
    expect(high.coverage.from).toMatchObject({ covered: 1, share: 0.25 })
    expect(high.mappings[0]?.edges).toBe(4)
    const medium = crosswalk(set, { from: 'law', to: 'fw', minConfidence: 'medium' })
    expect(medium.edges).toHaveLength(3)
  })

  it('accepts framework ids in any case', () => {
    expect(crosswalk(set, { from: 'LAW', to: ' fw' }).edges).toHaveLength(4)
  })

  it('returns no mappings and zero coverage for a pair without a mapping file', () => {
    const r = crosswalk(set, { from: 'law', to: 'other' })
    expect(r.mappings).toEqual([])
    expect(r.edges).toEqual([])
    expect(r.coverage.from).toMatchObject({ assessable: 4, covered: 0, share: 0 })
    expect(r.coverage.to).toMatchObject({ assessable: 1, covered: 0, uncovered: ['other:c-1'] })
  })

  it('rejects an unknown framework with the place, the closest id and the known ones', () => {
    const err = errorOf(() => crosswalk(set, { from: 'laww', to: 'fw' }))
    expect(err.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(err.message).toBe(
      'unknown framework "laww" given as FROM (did you mean "law"?); known: fw, law, other',
    )
    expect(err.issues[0]).toMatchObject({ path: ['FROM'] })
    expect(err.issues[0]?.hint).toMatch(/accord catalog/)
    const to = errorOf(() => crosswalk(set, { from: 'law', to: 'nist' }))
    expect(to.issues[0]?.path).toEqual(['TO'])
  })

  it('rejects the same framework twice and an unknown confidence level', () => {
    expect(errorOf(() => crosswalk(set, { from: 'law', to: 'law' })).message).toMatch(
      /FROM and TO are both "law"/,
    )
    const err = errorOf(() =>
      crosswalk(set, { from: 'law', to: 'fw', minConfidence: 'certain' as never }),
    )
    expect(err.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(err.message).toMatch(/--min-confidence "certain"/)
  })
})

describe('helpers', () => {
  it('mappingsBetween finds a file in either orientation; crosswalkPairs lists them', () => {
    expect(mappingsBetween(set, 'fw', 'law').map((m) => m.inverted)).toEqual([true])
    expect(mappingsBetween(set, 'law', 'fw').map((m) => m.inverted)).toEqual([false])
    expect(mappingsBetween(set, 'law', 'missing')).toEqual([])
    expect(crosswalkPairs(set)).toEqual([['law', 'fw']])
  })

  it('INVERSE swaps only subset and superset', () => {
    expect(INVERSE).toEqual({
      equivalent: 'equivalent',
      subset: 'superset',
      superset: 'subset',
      related: 'related',
    })
  })

  it('sideCoverage counts a node once however many edges it has', () => {
    const c = sideCoverage(fw, [
      { urn: F + 'g-1.1', relation: 'related' },
      { urn: F + 'g-1.1', relation: 'related' },
      { urn: F + 'g-1.1', relation: 'subset' },
    ])
    expect(c).toMatchObject({ covered: 1, share: 0.25 })
    expect(c.byRelation.related.covered).toBe(1)
    expect(c.byRelation.subset.covered).toBe(1)
  })

  it('sideCoverage of a catalog without assessable nodes has share 0, not NaN', () => {
    const c = sideCoverage(catalog('x', 'framework', [node('x', 'a', false)]), [])
    expect(c).toMatchObject({ assessable: 0, covered: 0, share: 0, shareWithAncestors: 0 })
  })
})
