import { describe, expect, it } from 'vitest'
import { evaluateCondition, explainCondition } from '../../../src/core/catalog/applicability.js'

describe('explainCondition', () => {
  it('names missing facts, and says in words what an exclusion means', () => {
    const facts = new Set(['high-risk', 'art-2.2', 'annex-iii.1'])
    const cond = { all: ['high-risk', 'in-scope'], none: ['art-2.2', 'annex-iii.1'] }
    expect(evaluateCondition(cond, facts)).toBe(false)
    const text = explainCondition(cond, facts)
    expect(text).toMatch(
      /^requires in-scope; excluded by art-2\.2 \(High-risk only under Art\. 6\(1\)/,
    )
    expect(text).toMatch(/Arts\. 102-109\), annex-iii\.1$/)
    expect(explainCondition({ any: ['gpai', 'art-50.1'] }, facts)).toBe(
      'requires one of gpai, art-50.1',
    )
    expect(explainCondition({ all: ['high-risk'] }, facts)).toBe('condition holds')
  })
})
