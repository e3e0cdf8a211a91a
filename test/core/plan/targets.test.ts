import { describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import {
  frameworksToAssess,
  generatesContent,
  resolveTargets,
  targetFrameworks,
} from '../../../src/core/plan/targets.js'
import type { Manifest } from '../../../src/core/manifest/schema.js'
import { HIGH_RISK_MANIFEST } from '../../fixtures/documents/high-risk.js'

function errorOf(fn: () => unknown): AccordError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AccordError)
    return err as AccordError
  }
  throw new Error('expected an error')
}

function withClassification(patch: Partial<Manifest['classification']>): Manifest {
  return {
    ...HIGH_RISK_MANIFEST,
    classification: { ...HIGH_RISK_MANIFEST.classification, ...patch },
  }
}

describe('resolveTargets', () => {
  it('accepts aliases and case, drops duplicates and returns the canonical order', () => {
    expect(resolveTargets(['korea', 'ISO', 'us-federal', 'eu', 'iso-42001', ' eu '])).toEqual([
      'eu',
      'us-federal',
      'iso-42001',
      'korea',
    ])
  })

  it('rejects an unknown target with ERR_CONFIG_BAD_ARGS, a suggestion and the known ones', () => {
    const err = errorOf(() => resolveTargets(['eu', 'us-fed']))
    expect(err.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(err.message).toContain('unknown target market "us-fed"')
    expect(err.message).toContain('did you mean "us-federal"?')
    expect(err.message).toContain('known: eu, us-federal, iso, iso-42001, korea')
  })

  it('rejects an empty list', () => {
    const err = errorOf(() => resolveTargets(['', ' ']))
    expect(err.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(err.message).toContain('at least one target market')
  })
})

describe('targetFrameworks', () => {
  it('us-federal leaves NIST AI 600-1 out when the system generates no content', () => {
    expect(generatesContent(HIGH_RISK_MANIFEST)).toBeUndefined()
    const fws = targetFrameworks('us-federal', HIGH_RISK_MANIFEST)
    expect(fws.map((f) => [f.framework, f.included])).toEqual([
      ['nist-ai-rmf', true],
      ['nist-ai-600-1', false],
    ])
  })

  it('us-federal brings in NIST AI 600-1 for generated content, a generation use case or GPAI', () => {
    const cases: Manifest[] = [
      withClassification({ generatesSyntheticContent: ['text'] }),
      withClassification({ useCases: ['content-generation'] }),
      {
        ...HIGH_RISK_MANIFEST,
        models: [
          {
            name: 'Base LM',
            version: '1',
            thirdParty: false,
            generalPurpose: true,
            designatedSystemicRisk: false,
            licence: 'proprietary',
            weightsPublic: false,
            artifacts: [],
          },
        ],
      },
    ]
    for (const m of cases) {
      expect(generatesContent(m)).toBeDefined()
      expect(targetFrameworks('us-federal', m).every((f) => f.included)).toBe(true)
    }
    expect(generatesContent(cases[0] as Manifest)).toContain('(text)')
  })

  it('frameworksToAssess skips laws Accord cannot classify and catalogs not loaded', () => {
    const all = new Set([
      'eu-ai-act',
      'nist-ai-rmf',
      'nist-ai-600-1',
      'iso-42001',
      'korea-ai-basic-act',
    ])
    const gen = withClassification({ generatesSyntheticContent: ['image'] })
    expect(frameworksToAssess(['eu', 'us-federal', 'iso-42001', 'korea'], gen, all)).toEqual([
      'eu-ai-act',
      'nist-ai-rmf',
      'nist-ai-600-1',
      'iso-42001',
    ])
    expect(frameworksToAssess(['us-federal', 'korea'], gen, new Set(['nist-ai-rmf']))).toEqual([
      'nist-ai-rmf',
    ])
  })
})
