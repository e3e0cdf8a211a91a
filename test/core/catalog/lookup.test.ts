import { describe, expect, it } from 'vitest'
import {
  ancestorsOf,
  childrenOf,
  normalizeRef,
  resolveRef,
  shortId,
  suggestRefs,
} from '../../../src/core/catalog/lookup.js'
import type { Catalog } from '../../../src/core/catalog/schema.js'
import { buildCatalogSet, validateCatalog } from '../../../src/core/catalog/validate.js'
import demoLaw from '../../fixtures/catalogs/valid-minimal/demo-law/2024-1.v1.json' with { type: 'json' }
import demoFramework from '../../fixtures/catalogs/valid-minimal/demo-framework/1.0.v1.json' with { type: 'json' }

function catalog(json: unknown): Catalog {
  const r = validateCatalog(json, 'fixture.json')
  if (!r.ok) throw new Error('fixture must be valid')
  return r.catalog
}

const set = buildCatalogSet(
  [
    { catalog: catalog(demoLaw), sha256: '' },
    { catalog: catalog(demoFramework), sha256: '' },
  ],
  [],
)

describe('resolveRef', () => {
  it('resolves framework:id', () => {
    const r = resolveRef(set, 'demo-law:art-1.1')
    expect(r?.framework).toBe('demo-law')
    expect(r?.node.urn).toBe('urn:accord:req:demo-law-2024-1:art-1.1')
  })

  it('is case-insensitive and turns spaces into dashes (GOVERN 1.1 form)', () => {
    expect(resolveRef(set, 'demo-framework:GOVERN 1.1')?.node.id).toBe('govern-1.1')
    expect(resolveRef(set, '  Demo-Framework : govern  1.2 ')?.node.id).toBe('govern-1.2')
    expect(resolveRef(set, 'DEMO-LAW:ART-2')?.node.id).toBe('art-2')
  })

  it('resolves a full URN', () => {
    expect(resolveRef(set, 'urn:accord:req:demo-law-2024-1:art-2')?.node.id).toBe('art-2')
  })

  it('resolves a bare id only when exactly one catalog has it', () => {
    expect(resolveRef(set, 'art-1')?.framework).toBe('demo-law')
    expect(resolveRef(set, 'nope')).toBeUndefined()
  })

  it('returns undefined for unknown frameworks and ids', () => {
    expect(resolveRef(set, 'eu-ai-act:art-1')).toBeUndefined()
    expect(resolveRef(set, 'demo-law:art-9')).toBeUndefined()
    expect(resolveRef(set, 'urn:accord:req:demo-law-2024-1:art-9')).toBeUndefined()
  })
})

describe('normalizeRef and shortId', () => {
  it('normalises spelling', () => {
    expect(normalizeRef(' NIST-AI-RMF:MEASURE 2.3 ')).toBe('nist-ai-rmf:measure-2.3')
  })
  it('builds short references', () => {
    expect(shortId('eu-ai-act', 'art-9.2.a')).toBe('eu-ai-act:art-9.2.a')
  })
})

describe('suggestRefs', () => {
  it('suggests the closest ids of the named framework, closest first', () => {
    expect(suggestRefs(set, 'demo-framework:govern-1.3')).toEqual([
      'demo-framework:govern-1.1',
      'demo-framework:govern-1.2',
      'demo-framework:govern-1',
    ])
  })

  it('respects n and searches every framework when the framework is unknown', () => {
    expect(suggestRefs(set, 'demo-lw:art-1.2', 1)).toEqual(['demo-law:art-1.1'])
  })

  it('suggests nothing for a reference far from every id', () => {
    expect(suggestRefs(set, 'demo-law:completely-unrelated-thing')).toEqual([])
  })
})

describe('childrenOf and ancestorsOf', () => {
  it('lists children in catalog order', () => {
    expect(childrenOf(set, 'demo-framework:govern-1').map((n) => n.id)).toEqual([
      'govern-1.1',
      'govern-1.2',
    ])
    expect(childrenOf(set, 'demo-framework:govern-1.1')).toEqual([])
    expect(childrenOf(set, 'demo-framework:missing')).toEqual([])
  })

  it('lists ancestors nearest first', () => {
    expect(
      ancestorsOf(set, 'urn:accord:req:demo-framework-1.0:govern-1.2').map((n) => n.id),
    ).toEqual(['govern-1', 'govern'])
    expect(ancestorsOf(set, 'demo-law:art-1')).toEqual([])
  })
})
