import { describe, expect, it } from 'vitest'
import type { Catalog, Mapping } from '../../../src/core/catalog/schema.js'
import {
  buildCatalogSet,
  validateCatalog,
  validatedCatalog,
  validatedMapping,
  validateMapping,
} from '../../../src/core/catalog/validate.js'
import demoLaw from '../../fixtures/catalogs/valid-minimal/demo-law/2024-1.v1.json' with { type: 'json' }
import demoFramework from '../../fixtures/catalogs/valid-minimal/demo-framework/1.0.v1.json' with { type: 'json' }
import demoMapping from '../../fixtures/catalogs/valid-minimal/mappings/demo-law-2024-1--demo-framework-1.0.v1.json' with { type: 'json' }
import duplicateId from '../../fixtures/catalogs/invalid-duplicate-id.json' with { type: 'json' }
import missingParent from '../../fixtures/catalogs/invalid-missing-parent.json' with { type: 'json' }
import unknownLawVersion from '../../fixtures/catalogs/invalid-unknown-law-version.json' with { type: 'json' }
import danglingTarget from '../../fixtures/catalogs/invalid-mapping-dangling-target.json' with { type: 'json' }

/** A deep copy of the valid demo law, to break one thing at a time. */
function law(): Record<string, unknown> & { nodes: Record<string, unknown>[] } {
  return structuredClone(demoLaw) as unknown as Record<string, unknown> & {
    nodes: Record<string, unknown>[]
  }
}

function validCatalogs(): Catalog[] {
  const a = validateCatalog(demoLaw, 'demo-law/2024-1.v1.json')
  const b = validateCatalog(demoFramework, 'demo-framework/1.0.v1.json')
  if (!a.ok || !b.ok) throw new Error('fixture catalogs must be valid')
  return [a.catalog, b.catalog]
}

function codes(result: { ok: boolean; issues?: { code: string }[] }): string[] {
  return (result.issues ?? []).map((i) => i.code)
}

describe('validateCatalog: fixtures', () => {
  it('accepts valid-minimal and applies schema defaults', () => {
    const result = validateCatalog(demoLaw, 'demo-law/2024-1.v1.json')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.catalog.locale).toBe('en')
    expect(result.catalog.nodes[0]?.official).toBe(true)
    expect(result.catalog.nodes[1]?.obligation?.application[0]?.route).toBe('any')
    expect(validateCatalog(demoFramework, 'demo-framework/1.0.v1.json').ok).toBe(true)
  })

  const cases: [string, unknown, string, (string | number)[]][] = [
    ['invalid-duplicate-id', duplicateId, 'duplicate_id', ['nodes', 3, 'id']],
    ['invalid-missing-parent', missingParent, 'unknown_parent', ['nodes', 1, 'parent_urn']],
    [
      'invalid-unknown-law-version',
      unknownLawVersion,
      'unknown_law_version',
      ['nodes', 1, 'obligation', 'application', 1, 'law_version'],
    ],
  ]
  for (const [name, json, code, path] of cases) {
    it(`${name} fails with exactly ${code}`, () => {
      const result = validateCatalog(json, `${name}.json`)
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.issues.map((i) => i.code)).toEqual([code])
      expect(result.issues[0]?.path).toEqual(path)
      expect(result.issues[0]?.file).toBe(`${name}.json`)
    })
  }

  it('names the file, the node and the fix in messages', () => {
    const result = validateCatalog(missingParent, 'demo-law/2024-1.v1.json')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues[0]?.message).toBe(
      'catalog demo-law/2024-1.v1.json: node "art-1.1" has unknown parent_urn ' +
        '"urn:accord:req:demo-law-2024-1:art-9"; add the parent or fix parent_urn ' +
        '(did you mean "urn:accord:req:demo-law-2024-1:art-1"?)',
    )
    expect(result.issues[0]?.hint).toMatch(/^add the parent or fix parent_urn/)
  })
})

describe('validateCatalog: semantic checks', () => {
  it('reports a node URN that does not follow urn:accord:req:<framework>-<edition>:<id>', () => {
    const c = law()
    c.nodes[2]!.urn = 'urn:accord:req:demo-law-2024-1:art-3'
    const result = validateCatalog(c, 'f.json')
    expect(codes(result)).toEqual(['urn_mismatch'])
    expect(result.ok ? '' : result.issues[0]?.hint).toBe(
      'set urn to "urn:accord:req:demo-law-2024-1:art-2"',
    )
  })

  it('reports a duplicate URN under two different ids', () => {
    const c = law()
    c.nodes.push({ ...c.nodes[2]!, id: 'art-3' })
    // art-3 repeats art-2's URN, and that URN is also not the one art-3 should have.
    expect(codes(validateCatalog(c, 'f.json'))).toEqual(['duplicate_urn', 'urn_mismatch'])
  })

  it('reports a catalog urn that does not match framework and edition', () => {
    const c = law()
    c.urn = 'urn:accord:catalog:demo-law-2025'
    expect(codes(validateCatalog(c, 'f.json'))).toEqual(['catalog_urn_mismatch'])
  })

  it('reports a depth that is not parent depth + 1, and a root deeper than 1', () => {
    const c = law()
    c.nodes[1]!.depth = 3
    c.nodes[2]!.depth = 2
    const result = validateCatalog(c, 'f.json')
    expect(codes(result)).toEqual(['depth_mismatch', 'depth_mismatch'])
    expect(result.ok ? [] : result.issues.map((i) => i.hint)).toEqual([
      'set depth to 2',
      'set depth to 1 for a top-level node, or add its parent_urn',
    ])
  })

  it('accepts a parent listed after its child', () => {
    const c = law()
    c.nodes.reverse()
    expect(validateCatalog(c, 'f.json').ok).toBe(true)
  })

  it('reports an obligation on a node marked not assessable', () => {
    const c = law()
    c.nodes[1]!.assessable = false
    expect(codes(validateCatalog(c, 'f.json'))).toEqual(['obligation_not_assessable'])
  })

  it('allows an obligation on a classification rule (a node with use_cases) that is not assessable', () => {
    const c = law()
    c.nodes[1]!.assessable = false
    c.nodes[1]!.use_cases = ['social-scoring']
    expect(validateCatalog(c, 'f.json').ok).toBe(true)
  })

  it('reports node law_versions that are not declared, and duplicate law versions', () => {
    const c = law()
    c.nodes[2]!.law_versions = ['amended', 'amended-2']
    const versions = c.law_versions as Record<string, unknown>[]
    versions.push({ ...versions[0]! })
    expect(codes(validateCatalog(c, 'f.json'))).toEqual([
      'duplicate_law_version',
      'unknown_law_version',
    ])
  })

  it('collects every schema issue, naming the node by id', () => {
    const c = law()
    c.nodes[0]!.kind = 'verse'
    delete c.nodes[2]!.summary
    c.extra = true
    const result = validateCatalog(c, 'demo.json')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues.map((i) => [i.code, i.path.join('.')])).toEqual(
      expect.arrayContaining([
        ['invalid_value', 'nodes.0.kind'],
        ['invalid_type', 'nodes.2.summary'],
        ['unrecognized_keys', ''],
      ]),
    )
    expect(result.issues).toHaveLength(3)
    const kind = result.issues.find((i) => i.code === 'invalid_value')
    expect(kind?.message).toMatch(/^catalog demo\.json: node "art-1" field kind: /)
  })

  it('rejects input that is not an object at all', () => {
    const result = validateCatalog('nope', 'x.json')
    expect(codes(result)).toEqual(['invalid_type'])
  })
})

describe('validateMapping', () => {
  it('accepts the valid-minimal mapping', () => {
    const result = validateMapping(demoMapping, 'mappings/m.json', validCatalogs())
    expect(result.ok).toBe(true)
  })

  it('invalid-mapping-dangling-target fails with exactly dangling_target', () => {
    const result = validateMapping(danglingTarget, 'm.json', validCatalogs())
    expect(codes(result)).toEqual(['dangling_target'])
    expect(result.ok ? undefined : result.issues[0]?.path).toEqual(['edges', 1, 'target_urn'])
    expect(result.ok ? '' : result.issues[0]?.message).toContain(
      'did you mean "urn:accord:req:demo-framework-1.0:govern-1.1"?',
    )
  })

  it('reports a dangling source, a duplicate edge and a mapping urn that does not match', () => {
    const m = structuredClone(demoMapping) as unknown as Mapping
    m.urn = 'urn:accord:mapping:something-else'
    m.edges.push({ ...m.edges[0]!, relation: 'equivalent' })
    m.edges[1]!.source_urn = 'urn:accord:req:demo-law-2024-1:art-7'
    expect(codes(validateMapping(m, 'm.json', validCatalogs()))).toEqual([
      'mapping_urn_mismatch',
      'dangling_source',
      'duplicate_edge',
    ])
  })

  it('reports an edge whose ends are swapped (source must be in the first dependency)', () => {
    const m = structuredClone(demoMapping) as unknown as Mapping
    const e = m.edges[0]!
    ;[e.source_urn, e.target_urn] = [e.target_urn, e.source_urn]
    expect(codes(validateMapping(m, 'm.json', validCatalogs()))).toEqual([
      'dangling_source',
      'dangling_target',
    ])
  })

  it('reports a dependency that is not loaded and does not check that side', () => {
    const [lawCatalog] = validCatalogs()
    const result = validateMapping(demoMapping, 'm.json', [lawCatalog!])
    expect(codes(result)).toEqual(['unknown_dependency'])
    expect(result.ok ? [] : result.issues[0]?.path).toEqual(['dependencies', 1])
  })
})

describe('validatedCatalog and validatedMapping', () => {
  /** `value` with the keys of every object in reverse order. */
  function reversed(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reversed)
    if (typeof value !== 'object' || value === null) return value
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    )
  }

  it('give what validation gives: defaults filled in, keys in schema order', () => {
    for (const json of [law(), reversed(law())]) {
      const checked = validateCatalog(json, 'demo-law/2024-1.v1.json')
      if (!checked.ok) throw new Error('fixture catalog must be valid')
      const output = validatedCatalog(json)
      expect(output.locale).toBe('en')
      expect(JSON.stringify(output)).toBe(JSON.stringify(checked.catalog))
    }
    const mapping = validateMapping(reversed(demoMapping), 'm.json', validCatalogs())
    if (!mapping.ok) throw new Error('fixture mapping must be valid')
    expect(JSON.stringify(validatedMapping(reversed(demoMapping)))).toBe(
      JSON.stringify(mapping.mapping),
    )
  })

  it('build new objects and leave the input as it was', () => {
    const json = law()
    const before = JSON.stringify(json)
    const output = validatedCatalog(json)
    expect(JSON.stringify(json)).toBe(before)
    expect(output.nodes).not.toBe(json.nodes)
    expect(output.nodes[0]).not.toBe(json.nodes[0])
  })
})

describe('buildCatalogSet', () => {
  const [lawCatalog, fwCatalog] = validCatalogs() as [Catalog, Catalog]
  const mapping = validateMapping(demoMapping, 'm.json', [lawCatalog, fwCatalog])
  if (!mapping.ok) throw new Error('fixture mapping must be valid')
  const set = buildCatalogSet(
    [
      { catalog: lawCatalog, sha256: 'a'.repeat(64) },
      { catalog: fwCatalog, sha256: 'b'.repeat(64) },
    ],
    [mapping.mapping],
  )

  it('indexes catalogs by framework and lists refs in framework order', () => {
    expect([...set.catalogs.keys()]).toEqual(['demo-framework', 'demo-law'])
    expect(set.refs).toEqual([
      {
        urn: 'urn:accord:catalog:demo-framework-1.0',
        framework: 'demo-framework',
        edition: '1.0',
        version: 1,
        sha256: 'b'.repeat(64),
      },
      {
        urn: 'urn:accord:catalog:demo-law-2024-1',
        framework: 'demo-law',
        edition: '2024-1',
        version: 1,
        sha256: 'a'.repeat(64),
      },
    ])
  })

  it('indexes nodes, children and edges by URN', () => {
    expect(set.nodesByUrn.size).toBe(7)
    expect(set.nodesByUrn.get('urn:accord:req:demo-law-2024-1:art-1.1')?.framework).toBe('demo-law')
    expect(set.childrenByUrn.get('urn:accord:req:demo-framework-1.0:govern-1')).toEqual([
      'urn:accord:req:demo-framework-1.0:govern-1.1',
      'urn:accord:req:demo-framework-1.0:govern-1.2',
    ])
    const edges = set.edgesByUrn.get('urn:accord:req:demo-framework-1.0:govern-1.2') ?? []
    expect(edges.map((e) => e.source_urn)).toEqual(['urn:accord:req:demo-law-2024-1:art-1.1'])
    expect(set.edgesByUrn.get('urn:accord:req:demo-law-2024-1:art-1')).toHaveLength(1)
  })

  it('orders frameworks by code units, whatever the locale', () => {
    // Under a Danish collation "aa" sorts after "z"; the order must not depend on the machine.
    const named = (framework: string) => ({ catalog: { ...lawCatalog, framework }, sha256: '' })
    const frameworks = (entries: ReturnType<typeof named>[]) =>
      buildCatalogSet(entries, []).refs.map((r) => r.framework)
    const uniqueNodes = (framework: string) => {
      const e = named(framework)
      e.catalog = {
        ...e.catalog,
        nodes: e.catalog.nodes.map((n) => ({ ...n, urn: `${n.urn}-${framework}` })),
      }
      return e
    }
    expect(frameworks([uniqueNodes('zz'), uniqueNodes('aa-x'), uniqueNodes('a0')])).toEqual([
      'a0',
      'aa-x',
      'zz',
    ])
  })

  it('throws TypeError for two catalogs of one framework', () => {
    expect(() =>
      buildCatalogSet(
        [
          { catalog: lawCatalog, sha256: '' },
          { catalog: lawCatalog, sha256: '' },
        ],
        [],
      ),
    ).toThrow(TypeError)
  })
})
