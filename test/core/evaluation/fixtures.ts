import type { Evaluation, Metric } from '../../../src/core/evaluation/schema.js'

/** SHA-256 of the face-matching model artifact the sample passport commits to. */
export const MODEL_SHA256 = '259be6b9659792a3946747f889671068668642ad74aaec6b43d8d1cf131102d0'

export function sampleMetric(overrides: Partial<Metric> = {}): Metric {
  return {
    name: 'False match rate',
    value: 0.0007,
    group: 'all travellers',
    threshold: { value: 0.001, higherIsBetter: false, met: true },
    confidenceInterval: { level: 0.95, lower: 0.0005, upper: 0.0009 },
    ...overrides,
  }
}

/** A valid evaluation: a test lab's false-match-rate test of the face-matching model. */
export function sampleEvaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    evaluator: { id: 'https://lab.example', name: 'Test Lab GmbH', role: 'test-lab' },
    artifacts: [{ sha256: MODEL_SHA256, path: 'models/sentinel-faceid-5.2.0.bin' }],
    method: { kind: 'benchmark', name: 'Border FMR protocol', version: '2027.1' },
    performedAt: '2027-03-01',
    metrics: [sampleMetric()],
    summary: 'The false match rate stays below the declared threshold.',
    ...overrides,
  }
}

/** Decoded passport claims committing to the model artifact. */
export const PASSPORT_CLAIMS = {
  credentialSubject: {
    artifacts: [{ path: 'models/sentinel-faceid-5.2.0.bin', sha256: MODEL_SHA256, size: 1 }],
  },
}
