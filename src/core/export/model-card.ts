/**
 * Hugging Face model cards (a README.md whose YAML front matter carries the card metadata) read
 * as evidence: the `model-index` evaluation results become metrics, and the metrics map to the
 * accuracy and robustness obligations.
 *
 * Front matter: the file starts with a `---` line and the YAML ends at the next `---` line
 * (https://huggingface.co/docs/hub/model-cards). Read: `model-index[].results[].metrics[]`
 * (type, value, name), with each result's `dataset` and `task`; `datasets`; `license`
 * (`license_name` for `other`); `base_model`.
 *
 * Mapping rule (docs/exports.md), applied to the metric's `type` and `name` and the result's
 * dataset name, lower-cased:
 * 1. robustness-like when any contains one of ROBUSTNESS_WORDS (robust, adversarial, attack,
 *    perturbation, noise, corruption, out-of-distribution / ood, distribution shift, jailbreak,
 *    stress, worst-case): supports eu-ai-act:art-15.4 and nist-ai-rmf:measure-2.5;
 * 2. else accuracy-like when the metric type is a known performance measure (ACCURACY_TYPES:
 *    accuracy, f1, precision, recall, auc, exact match, bleu, rouge, wer, cer, mae, mse, rmse, map,
 *    ndcg, mrr, perplexity, correlation ...): supports eu-ai-act:art-15.1 and
 *    nist-ai-rmf:measure-2.3;
 * 3. else the metric is listed but supports nothing.
 * Error-like types (wer, cer, mae, mse, rmse, perplexity, loss, error rate) get higherIsBetter: false.
 */
import { z } from 'zod'
import type { Issue } from '../errors.js'
import { parseYamlWithSchema, type YamlDocumentKind } from '../manifest/parse.js'

export const ACCURACY_SUPPORTS = ['eu-ai-act:art-15.1', 'nist-ai-rmf:measure-2.3'] as const
export const ROBUSTNESS_SUPPORTS = ['eu-ai-act:art-15.4', 'nist-ai-rmf:measure-2.5'] as const

export const ROBUSTNESS_WORDS = [
  'robust',
  'adversar',
  'attack',
  'perturb',
  'noise',
  'noisy',
  'corrupt',
  'out-of-distribution',
  'ood',
  'distribution shift',
  'shift',
  'jailbreak',
  'stress',
  'worst',
] as const

export const ACCURACY_TYPES = [
  'accuracy',
  'acc',
  'balanced_accuracy',
  'top-1',
  'top-5',
  'top1',
  'top5',
  'f1',
  'f1_macro',
  'f1_micro',
  'f1_weighted',
  'precision',
  'recall',
  'auc',
  'roc_auc',
  'pr_auc',
  'exact_match',
  'em',
  'bleu',
  'sacrebleu',
  'chrf',
  'rouge',
  'rouge1',
  'rouge2',
  'rougel',
  'rougelsum',
  'meteor',
  'bertscore',
  'wer',
  'cer',
  'mae',
  'mse',
  'rmse',
  'map',
  'ndcg',
  'mrr',
  'perplexity',
  'pearson',
  'spearman',
  'spearmanr',
  'pearsonr',
  'matthews_correlation',
  'mcc',
  'r2',
  'iou',
  'miou',
  'dice',
  'pass@1',
  'code_eval',
  'squad',
  'squad_v2',
  'glue',
] as const

const ERROR_LIKE = /(^|[^a-z])(wer|cer|mae|mse|rmse|perplexity|ppl|loss|error)([^a-z]|$)/

const MetricInput = z.looseObject({
  type: z.string().min(1),
  // Anything: a value that is not a finite number or numeric string is skipped with a warning.
  value: z.unknown(),
  name: z.string().optional(),
  verified: z.boolean().optional(),
})

const ResultInput = z.looseObject({
  task: z.looseObject({ type: z.string().optional(), name: z.string().optional() }).optional(),
  dataset: z
    .looseObject({
      type: z.string().optional(),
      name: z.string().optional(),
      split: z.string().optional(),
      config: z.string().optional(),
    })
    .optional(),
  metrics: z.array(MetricInput).min(1),
})

/** What Accord reads of a model card's front matter; every other key is left alone. */
export const ModelCardFrontMatter = z.looseObject({
  license: z.string().optional(),
  license_name: z.string().optional(),
  datasets: z.union([z.string(), z.array(z.string())]).optional(),
  base_model: z.union([z.string(), z.array(z.string())]).optional(),
  'model-index': z
    .array(
      z.looseObject({
        name: z.string().optional(),
        results: z.array(ResultInput),
      }),
    )
    .optional(),
})
export type ModelCardFrontMatter = z.infer<typeof ModelCardFrontMatter>

export type MetricClass = 'accuracy' | 'robustness' | 'other'

export interface ModelCardMetric {
  /** Display name: the metric's name, else its type, with the dataset. */
  name: string
  type: string
  value: number
  higherIsBetter: boolean
  dataset?: string
  task?: string
  verified?: boolean
  class: MetricClass
  /** The obligations this metric is evidence for (from the class). */
  supports: string[]
}

export interface ModelCard {
  modelName?: string
  license?: string
  datasets: string[]
  baseModel: string[]
  metrics: ModelCardMetric[]
  /** Union of the metrics' supports, sorted. */
  supports: string[]
}

export type ParseModelCardResult =
  { ok: true; card: ModelCard; warnings: Issue[] } | { ok: false; issues: Issue[] }

const CARD_HINT =
  'start the model card (README.md on the Hugging Face Hub) with a YAML front matter block between two `---` lines, with model-index evaluation results, datasets and license (https://huggingface.co/docs/hub/model-cards)'

const MODEL_CARD_DOCUMENT: YamlDocumentKind<typeof ModelCardFrontMatter> = {
  schema: ModelCardFrontMatter,
  empty: {
    code: 'model_card_front_matter_empty',
    message: 'the model card front matter is empty',
    hint: CARD_HINT,
  },
  topLevelHint: 'the front matter must be a YAML mapping (key: value lines)',
  schemaFile: 'https://huggingface.co/docs/hub/model-cards',
}

/** Splits a README into its front matter YAML (and the line it starts on), or undefined. */
export function frontMatter(text: string): { yaml: string; firstLine: number } | undefined {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(body)
  if (m) return { yaml: m[1] as string, firstLine: 2 }
  // An empty block: two `---` lines in a row.
  if (/^---[ \t]*\r?\n---[ \t]*(?:\r?\n|$)/.test(body)) return { yaml: '', firstLine: 2 }
  return undefined
}

/** Classifies one metric by the rule in the module comment. */
export function classifyMetric(type: string, name?: string, dataset?: string): MetricClass {
  const texts = [type, name ?? '', dataset ?? ''].map((t) => t.toLowerCase())
  const words = (t: string) => t.split(/[^a-z0-9@]+/).filter(Boolean)
  if (
    texts.some((t) =>
      ROBUSTNESS_WORDS.some((w) => (w.length <= 3 ? words(t).includes(w) : t.includes(w))),
    )
  )
    return 'robustness'
  const t = type.toLowerCase().trim()
  const base = t.replace(/[\s-]+/g, '_')
  const known = new Set<string>(ACCURACY_TYPES)
  if (known.has(t) || known.has(base) || known.has(base.split(/[_@/]/)[0] ?? '')) return 'accuracy'
  return 'other'
}

function supportsOf(cls: MetricClass): string[] {
  if (cls === 'accuracy') return [...ACCURACY_SUPPORTS]
  if (cls === 'robustness') return [...ROBUSTNESS_SUPPORTS]
  return []
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(%?)\s*$/.exec(value)
  if (!m) return undefined
  const n = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1])
  return Number.isFinite(n) ? n : undefined
}

/** A value as the warning about it shows it (`null`, `true`, `[1]`, `NaN`). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value)
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json.length > 60 ? `${json.slice(0, 57)}...` : json
}

/**
 * Parses a model card. Fails (with positioned issues) when the file has no front matter, the
 * front matter is not valid YAML or has the wrong shape, or it has no usable evaluation result.
 */
export function parseModelCard(text: string, file: string): ParseModelCardResult {
  const fm = frontMatter(text)
  if (fm === undefined) {
    return {
      ok: false,
      issues: [
        {
          code: 'model_card_no_front_matter',
          path: [],
          file,
          line: 1,
          column: 1,
          message:
            'the model card has no YAML front matter (the file does not start with a `---` line)',
          hint: CARD_HINT,
        },
      ],
    }
  }
  const shift = (issues: Issue[]) =>
    issues.map((i) => (i.line === undefined ? i : { ...i, line: i.line + fm.firstLine - 1 }))
  const parsed = parseYamlWithSchema(fm.yaml, file, MODEL_CARD_DOCUMENT)
  if (!parsed.ok) return { ok: false, issues: shift(parsed.issues) }
  const data = parsed.value
  const warnings: Issue[] = shift(parsed.warnings)

  const metrics: ModelCardMetric[] = []
  ;(data['model-index'] ?? []).forEach((entry, i) =>
    entry.results.forEach((result, j) =>
      result.metrics.forEach((m, k) => {
        const value = toNumber(m.value)
        const path = ['model-index', i, 'results', j, 'metrics', k, 'value']
        if (value === undefined) {
          warnings.push({
            code: 'metric_not_numeric',
            path,
            file,
            ...shiftPos(parsed.locator.value(path), fm.firstLine),
            message: `metric "${m.name ?? m.type}" has value ${shown(m.value)}, which is not a number; it is left out`,
            hint: 'give the value as a number, e.g. 0.91 or 91.0',
          })
          return
        }
        const dataset = result.dataset?.name ?? result.dataset?.type
        const cls = classifyMetric(m.type, m.name, dataset)
        metrics.push({
          name: [m.name ?? m.type, dataset].filter(Boolean).join(', '),
          type: m.type,
          value,
          higherIsBetter: !ERROR_LIKE.test(m.type.toLowerCase()),
          ...(dataset ? { dataset } : {}),
          ...(result.task?.type ? { task: result.task.type } : {}),
          ...(m.verified === undefined ? {} : { verified: m.verified }),
          class: cls,
          supports: supportsOf(cls),
        })
      }),
    ),
  )
  if (metrics.length === 0) {
    return {
      ok: false,
      issues: [
        {
          code: 'model_card_no_results',
          path: ['model-index'],
          file,
          line: fm.firstLine,
          column: 1,
          message:
            'the model card front matter has no numeric evaluation results (model-index[].results[].metrics[])',
          hint: 'add a model-index entry with results: task, dataset and metrics (type, value) as in https://huggingface.co/docs/hub/model-cards#evaluation-results',
        },
      ],
    }
  }
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat())
  const license =
    data.license === 'other' && data.license_name ? `other: ${data.license_name}` : data.license
  const modelName = data['model-index']?.find((e) => e.name)?.name
  return {
    ok: true,
    card: {
      ...(modelName ? { modelName } : {}),
      ...(license ? { license } : {}),
      datasets: list(data.datasets),
      baseModel: list(data.base_model),
      metrics,
      supports: [...new Set(metrics.flatMap((m) => m.supports))].sort(),
    },
    warnings,
  }
}

function shiftPos(
  pos: { line?: number; column?: number } | undefined,
  firstLine: number,
): { line?: number; column?: number } {
  if (pos?.line === undefined) return {}
  return { line: pos.line + firstLine - 1, ...(pos.column ? { column: pos.column } : {}) }
}
