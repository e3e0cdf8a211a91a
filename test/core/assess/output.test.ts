import { describe, expect, it } from 'vitest'
import { assessSystem } from '../../../src/core/assess/assess.js'
import { assessJson, assessmentOutput } from '../../../src/core/assess/output.js'
import type { AssessmentResult, EvidenceUse } from '../../../src/core/assess/types.js'
import type { ClassificationResult } from '../../../src/core/classify/types.js'
import { ev, fixtureCatalogs, fixtureClassification, fixtureManifest } from './fixture.js'

const catalogs = fixtureCatalogs()

function assess(evidence: Parameters<typeof assessSystem>[0]['evidence']): AssessmentResult {
  return assessSystem({
    manifest: fixtureManifest(),
    manifestSha256: 'f'.repeat(64),
    evidence,
    catalogs,
    classification: fixtureClassification(),
    asOf: '2026-09-01',
  })
}

/** The uses an obligation's routes stand for, in a fixed order, without digests. */
function flatten(routes: ReturnType<typeof assessmentOutput>['obligations'][number]['evidence']) {
  return routes
    .flatMap((r) =>
      r.evidenceIds.map((evidenceId) => ({
        evidenceId,
        via: r.via,
        ...(r.inheritedFrom === undefined ? {} : { inheritedFrom: r.inheritedFrom }),
      })),
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

function withoutDigests(uses: readonly EvidenceUse[]) {
  return uses
    .map(({ sha256: _sha256, ...rest }) => rest)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

const result = assess([
  ev('oversight-design', ['eu-ai-act:art-14']),
  ev('oversight-log', ['eu-ai-act:art-14.4']),
  ev('risk-register', ['eu-ai-act:art-9', 'nist-ai-rmf:map-1.1']),
  ev('risk-tests', ['eu-ai-act:art-9.2'], { partial: true }),
  ev('govern-policy', ['nist-ai-rmf:govern-1.1']),
])

describe('assessmentOutput', () => {
  it('stands for exactly the uses of each obligation, digests aside', () => {
    const out = assessmentOutput(result)
    let uses = 0
    result.obligations.forEach((o, i) => {
      const routes = out.obligations[i]?.evidence ?? []
      expect(flatten(routes), o.id).toEqual(withoutDigests(o.evidence))
      uses += o.evidence.length
    })
    // The fixture exercises direct, inherited and crosswalk routes.
    expect(uses).toBeGreaterThan(5)
    const vias = out.obligations.flatMap((o) => o.evidence)
    expect(vias.some((r) => r.via === 'direct' && r.inheritedFrom === undefined)).toBe(true)
    expect(vias.some((r) => r.via === 'direct' && r.inheritedFrom !== undefined)).toBe(true)
    expect(vias.some((r) => r.via !== 'direct')).toBe(true)
  })

  it('changes nothing else, key order included, and leaves the result alone', () => {
    const before = JSON.stringify(result)
    const out = assessmentOutput(result)
    expect(JSON.stringify(result)).toBe(before)
    expect(Object.keys(out)).toEqual(Object.keys(result))
    out.obligations.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(Object.keys(result.obligations[i] as object))
      expect(JSON.stringify({ ...o, evidence: [] })).toBe(
        JSON.stringify({ ...result.obligations[i], evidence: [] }),
      )
    })
    expect(out.evidence).toBe(result.evidence)
  })

  it('writes each route once, in a fixed order, with sorted ids', () => {
    const routeKey = (r: { via: EvidenceUse['via']; inheritedFrom?: string }) =>
      r.via === 'direct'
        ? `0\u0001${r.inheritedFrom ?? ''}`
        : `1${r.via.from}\u0000${r.via.relation}\u0000${r.via.source}\u0000${r.via.confidence}\u0001${r.inheritedFrom ?? ''}`
    for (const o of assessmentOutput(result).obligations) {
      const keys = o.evidence.map(routeKey)
      expect(new Set(keys).size).toBe(keys.length)
      expect(keys).toEqual([...keys].sort())
      for (const r of o.evidence) expect(r.evidenceIds).toEqual([...r.evidenceIds].sort())
    }
  })

  it('groups uses by what their route says, whether or not they share objects', () => {
    const via = { from: 'x:a', relation: 'related', source: 's', confidence: 'low' }
    const o = result.obligations[0] as AssessmentResult['obligations'][number]
    const uses: EvidenceUse[] = [
      { evidenceId: 'c', sha256: '', via: { ...via } },
      { evidenceId: 'a', sha256: '', via: { ...via } },
      { evidenceId: 'b', sha256: '', via: 'direct', inheritedFrom: 'x:p' },
      { evidenceId: 'd', sha256: '', via: 'direct' },
    ]
    const out = assessmentOutput({ ...result, obligations: [{ ...o, evidence: uses }] })
    expect(out.obligations[0]?.evidence).toEqual([
      { via: 'direct', evidenceIds: ['d'] },
      { via: 'direct', inheritedFrom: 'x:p', evidenceIds: ['b'] },
      { via, evidenceIds: ['a', 'c'] },
    ])
  })

  it('sorts the ids of a route when the uses are not in id order', () => {
    const via = { from: 'x:a', relation: 'related', source: 's', confidence: 'low' }
    const o = result.obligations[0] as AssessmentResult['obligations'][number]
    const uses: EvidenceUse[] = [
      { evidenceId: 'c', sha256: '', via },
      { evidenceId: 'b', sha256: '', via: 'direct' },
      { evidenceId: 'a', sha256: '', via },
    ]
    const out = assessmentOutput({ ...result, obligations: [{ ...o, evidence: uses }] })
    expect(out.obligations[0]?.evidence).toEqual([
      { via: 'direct', evidenceIds: ['b'] },
      { via, evidenceIds: ['a', 'c'] },
    ])
  })

  it('assessJson pairs the classification with the grouped assessment', () => {
    const classification = { asOf: '2026-09-01' } as unknown as ClassificationResult
    const doc = assessJson(classification, result)
    expect(Object.keys(doc)).toEqual(['classification', 'assessment'])
    expect(doc.classification).toBe(classification)
    expect(doc.assessment).toEqual(assessmentOutput(result))
  })
})
