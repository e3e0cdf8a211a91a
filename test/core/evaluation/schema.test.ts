import { describe, expect, it } from 'vitest'
import {
  Evaluation,
  EvaluationFile,
  checkEvaluation,
  meetsThreshold,
  unknownArtifacts,
} from '../../../src/core/evaluation/schema.js'
import { PASSPORT_CLAIMS, sampleEvaluation, sampleMetric } from './fixtures.js'

const paths = (issues: ReturnType<typeof checkEvaluation>) => issues.map((x) => x.path.join('.'))

describe('Evaluation schema', () => {
  it('accepts the sample', () => {
    expect(Evaluation.safeParse(sampleEvaluation()).success).toBe(true)
  })

  it('refuses unknown keys, unknown roles, bad digests, no metrics, non-finite values', () => {
    for (const bad of [
      { ...sampleEvaluation(), score: 1 },
      sampleEvaluation({ evaluator: { id: 'x', name: 'y', role: 'auditor' as never } }),
      sampleEvaluation({ artifacts: [{ sha256: 'ABC' }] }),
      sampleEvaluation({ artifacts: [] }),
      sampleEvaluation({ metrics: [] }),
      sampleEvaluation({ metrics: [sampleMetric({ value: Number.NaN })] }),
      sampleEvaluation({ performedAt: '2027-02-30' }),
      sampleEvaluation({
        metrics: [sampleMetric({ confidenceInterval: { level: 95, lower: 0, upper: 1 } })],
      }),
    ])
      expect(Evaluation.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })

  it('the file form leaves evaluator.id to the CLI', () => {
    const file = { ...sampleEvaluation(), evaluator: { name: 'Lab', role: 'test-lab' } }
    expect(EvaluationFile.safeParse(file).success).toBe(true)
    expect(Evaluation.safeParse(file).success).toBe(false)
  })
})

describe('checkEvaluation', () => {
  it('accepts the sample', () => {
    expect(checkEvaluation(sampleEvaluation())).toEqual([])
  })

  it('meetsThreshold follows the direction, the threshold itself meets it', () => {
    expect(meetsThreshold(0.001, { value: 0.001, higherIsBetter: false })).toBe(true)
    expect(meetsThreshold(0.002, { value: 0.001, higherIsBetter: false })).toBe(false)
    expect(meetsThreshold(0.9, { value: 0.95, higherIsBetter: true })).toBe(false)
    expect(meetsThreshold(0.95, { value: 0.95, higherIsBetter: true })).toBe(true)
  })

  it('a met flag that contradicts value, threshold and direction', () => {
    const lower = sampleMetric({ threshold: { value: 0.001, higherIsBetter: false, met: false } })
    const issues = checkEvaluation(sampleEvaluation({ metrics: [lower] }))
    expect(paths(issues)).toEqual(['metrics.0.threshold.met'])
    expect(issues[0]?.message).toContain('so the threshold was met, but met is false')
    expect(issues[0]?.hint).toContain('met: true')
    const higher = sampleMetric({
      name: 'True match rate',
      value: 0.9,
      confidenceInterval: undefined,
      threshold: { value: 0.95, higherIsBetter: true, met: true },
    })
    expect(paths(checkEvaluation(sampleEvaluation({ metrics: [higher] })))).toEqual([
      'metrics.0.threshold.met',
    ])
  })

  it('a confidence interval upside down, or not containing the value', () => {
    const upside = sampleMetric({ confidenceInterval: { level: 0.95, lower: 0.001, upper: 0 } })
    expect(paths(checkEvaluation(sampleEvaluation({ metrics: [upside] })))).toEqual([
      'metrics.0.confidenceInterval.lower',
    ])
    const outside = sampleMetric({ confidenceInterval: { level: 0.9, lower: 0.001, upper: 0.002 } })
    expect(paths(checkEvaluation(sampleEvaluation({ metrics: [outside] })))).toEqual([
      'metrics.0.value',
    ])
  })

  it('a metric twice for one group, an artifact twice; one metric per group is fine', () => {
    const e = sampleEvaluation({
      metrics: [sampleMetric(), sampleMetric({ group: 'over 75' }), sampleMetric()],
    })
    e.artifacts.push({ ...e.artifacts[0]! })
    expect(paths(checkEvaluation(e))).toEqual(['metrics.2', 'artifacts.1.sha256'])
  })

  it('performedAt after signing, and bidirectional overrides in text', () => {
    const signedAt = Date.parse('2027-02-28T00:00:00Z')
    expect(paths(checkEvaluation(sampleEvaluation(), { reportedAtMs: signedAt }))).toEqual([
      'performedAt',
    ])
    expect(
      checkEvaluation(sampleEvaluation(), { reportedAtMs: Date.parse('2027-03-01T00:00:00Z') }),
    ).toEqual([])
    expect(paths(checkEvaluation(sampleEvaluation({ summary: 'ok \u202Eevil' })))).toEqual([
      'summary',
    ])
  })
})

describe('unknownArtifacts', () => {
  it('names the digests the passport does not commit to, with the ones it does', () => {
    expect(unknownArtifacts(sampleEvaluation(), PASSPORT_CLAIMS)).toEqual([])
    const other = sampleEvaluation({ artifacts: [{ sha256: 'a'.repeat(64) }] })
    const issues = unknownArtifacts(other, PASSPORT_CLAIMS)
    expect(issues.map((i) => i.path.join('.'))).toEqual(['artifacts.0.sha256'])
    expect(issues[0]?.hint).toContain('models/sentinel-faceid-5.2.0.bin')
    expect(unknownArtifacts(sampleEvaluation(), {})[0]?.hint).toContain('commits to no artifacts')
  })
})
