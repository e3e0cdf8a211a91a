import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyMetric, frontMatter, parseModelCard } from '../../../src/core/export/model-card.js'

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/export')
const card = readFileSync(path.join(FIXTURES, 'model-card/README.md'), 'utf8')

describe('classifyMetric (the mapping rule of docs/exports.md)', () => {
  it.each([
    ['accuracy', undefined, undefined, 'accuracy'],
    ['f1', 'Macro F1', undefined, 'accuracy'],
    ['exact_match', undefined, undefined, 'accuracy'],
    ['rouge-l', undefined, undefined, 'accuracy'],
    ['wer', undefined, undefined, 'accuracy'],
    ['accuracy', 'Accuracy under perturbation', undefined, 'robustness'],
    ['accuracy', undefined, 'ImageNet-C (corruptions)', 'robustness'],
    ['attack_success_rate', undefined, undefined, 'robustness'],
    ['accuracy', undefined, 'OOD split', 'robustness'],
    ['latency_ms', undefined, undefined, 'other'],
    // "good" contains "ood" but is not the word OOD.
    ['accuracy', 'good answers', undefined, 'accuracy'],
  ])('%s / %s / %s -> %s', (type, name, dataset, expected) => {
    expect(classifyMetric(type, name, dataset)).toBe(expected)
  })
})

describe('parseModelCard', () => {
  it('reads metrics, datasets and licence and maps metrics to obligations', () => {
    const r = parseModelCard(card, 'README.md')
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.card.license).toBe('apache-2.0')
    expect(r.card.modelName).toBe('tiny-claims-classifier')
    expect(r.card.datasets).toEqual([
      'example-org/claims-triage-2026',
      'example-org/claims-triage-perturbed',
    ])
    const byName = Object.fromEntries(r.card.metrics.map((m) => [m.name, m]))
    expect(byName['Accuracy, Claims triage 2026 (test split)']).toMatchObject({
      value: 0.912,
      class: 'accuracy',
      supports: ['eu-ai-act:art-15.1', 'nist-ai-rmf:measure-2.3'],
      higherIsBetter: true,
    })
    expect(byName['Accuracy under perturbation, Claims triage, typo-perturbed']).toMatchObject({
      value: 0.861,
      class: 'robustness',
      supports: ['eu-ai-act:art-15.4', 'nist-ai-rmf:measure-2.5'],
    })
    expect(byName['wer, Claims calls']).toMatchObject({ value: 0.125, higherIsBetter: false })
    expect(byName['latency_ms, Claims calls']).toMatchObject({ class: 'other', supports: [] })
    expect(r.card.supports).toEqual([
      'eu-ai-act:art-15.1',
      'eu-ai-act:art-15.4',
      'nist-ai-rmf:measure-2.3',
      'nist-ai-rmf:measure-2.5',
    ])
    // "not measured" is no number: left out, with a warning at its line in the README.
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatchObject({ code: 'metric_not_numeric', line: 49 })
  })

  it('fails with a coded issue when there is no front matter', () => {
    const text = readFileSync(path.join(FIXTURES, 'model-card-no-front-matter/README.md'), 'utf8')
    const r = parseModelCard(text, 'README.md')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues[0]).toMatchObject({ code: 'model_card_no_front_matter', line: 1 })
    expect(r.issues[0]?.hint).toMatch(/---/)
  })

  it('reports YAML errors at their line in the README, not in the block', () => {
    const r = parseModelCard('---\nlicense: mit\nmodel-index: [\n---\n', 'README.md')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues[0]?.code).toBe('yaml_syntax')
    expect(r.issues[0]?.line).toBeGreaterThanOrEqual(3)
  })

  it('fails when the front matter has no evaluation results', () => {
    const r = parseModelCard('---\nlicense: mit\n---\n# Card\n', 'README.md')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]?.code).toBe('model_card_no_results')
  })

  it('reports a wrongly shaped model-index with its path', () => {
    const r = parseModelCard('---\nmodel-index:\n  - results:\n      - metrics: yes\n---\n', 'R.md')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]?.path).toEqual(['model-index', 0, 'results', 0, 'metrics'])
  })

  it('skips values that are not finite numbers (null, NaN, true, a list, "1e400") with a warning at their line', () => {
    const values = ['null', '.nan', 'true', '[1]', '"1e400"', '-.inf']
    const text = [
      '---',
      'model-index:',
      '  - name: M',
      '    results:',
      '      - dataset: {name: GLUE}',
      '        metrics:',
      '          - {type: accuracy, value: 0.9}',
      ...values.map((v) => `          - {type: f1, value: ${v}}`),
      '---',
      '',
    ].join('\n')
    const r = parseModelCard(text, 'README.md')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.card.metrics.map((m) => m.value)).toEqual([0.9])
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual(
      values.map((_, i) => ['metric_not_numeric', 8 + i]),
    )
  })

  it('splits front matter only at the start of the file', () => {
    expect(frontMatter('# Title\n---\na: 1\n---\n')).toBeUndefined()
    expect(frontMatter('\uFEFF---\na: 1\n---\nbody')).toEqual({ yaml: 'a: 1', firstLine: 2 })
  })
})
