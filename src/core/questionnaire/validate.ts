/**
 * Checks of a schema-valid questionnaire that need more than its own schema: question ids are
 * unique, every ref names a node of a loaded catalog (with a "did you mean", as evidence
 * `supports` is checked), every field is a path the manifest schema knows, and every fact is one
 * of the vocabulary of ./facts.ts. Issues carry paths
 * (`['questions', 3, 'refs', 0]`); the reader places them in the file (line and column, or cell).
 */
import { resolveRef, suggestRefs } from '../catalog/lookup.js'
import type { CatalogSet } from '../catalog/types.js'
import type { Issue } from '../errors.js'
import { Manifest } from '../manifest/schema.js'
import { allowedKeys, schemaAt, suggestClosest } from '../manifest/suggest.js'
import { FACT_IDS, isFactId, suggestFact } from './facts.js'
import type { Questionnaire } from './schema.js'

/** Most questions a questionnaire may hold. */
export const MAX_QUESTIONS = 5000

export function checkQuestionnaire(q: Questionnaire, catalogs: CatalogSet): Issue[] {
  const issues: Issue[] = []
  if (q.questions.length > MAX_QUESTIONS) {
    issues.push({
      code: 'too_many_questions',
      path: ['questions'],
      message: `the questionnaire has ${q.questions.length} questions, more than the limit of ${MAX_QUESTIONS}`,
      hint: 'split the questionnaire into several files',
    })
    return issues
  }
  const seen = new Map<string, number>()
  q.questions.forEach((question, i) => {
    const first = seen.get(question.id)
    if (first !== undefined) {
      issues.push({
        code: 'duplicate_question_id',
        path: ['questions', i, 'id'],
        message: `question id "${question.id}" is used twice (questions ${first + 1} and ${i + 1})`,
        hint: 'give each question its own id',
      })
    } else seen.set(question.id, i)
    question.refs.forEach((ref, j) => {
      if (resolveRef(catalogs, ref) !== undefined) return
      const suggestions = suggestRefs(catalogs, ref)
      issues.push({
        code: 'unknown_obligation_ref',
        path: ['questions', i, 'refs', j],
        message: `question "${question.id}" refers to unknown obligation "${ref}"`,
        hint:
          suggestions.length > 0
            ? `did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}? (\`accord catalog\` lists ids)`
            : 'use framework:id as listed by `accord catalog`, e.g. eu-ai-act:art-10.2.f or nist-ai-rmf:measure-2.11',
      })
    })
    question.facts.forEach((fact, j) => {
      if (isFactId(fact)) return
      const guess = suggestFact(fact)
      issues.push({
        code: 'unknown_fact',
        path: ['questions', i, 'facts', j],
        message: `question "${question.id}" asks for unknown fact "${fact}"`,
        hint:
          guess !== undefined
            ? `did you mean "${guess}"? (facts: ${FACT_IDS.join(', ')})`
            : `the facts are ${FACT_IDS.join(', ')}`,
      })
    })
    question.fields.forEach((field, j) => {
      const problem = fieldProblem(field)
      if (problem === undefined) return
      issues.push({
        code: 'unknown_manifest_field',
        path: ['questions', i, 'fields', j],
        message: `question "${question.id}" quotes "${field}", which is not a manifest field`,
        hint: problem,
      })
    })
  })
  return issues
}

/** The segments of a dotted path, numbers for list positions (`models.0.name`). */
export function pathSegments(field: string): (string | number)[] {
  return field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/** Undefined when the manifest schema knows `field`; else a hint naming the closest key. */
export function fieldProblem(field: string): string | undefined {
  const segments = pathSegments(field)
  if (segments.some((s) => s === ''))
    return 'write the path as keys joined by dots, e.g. provider.country'
  if (schemaAt(Manifest, segments) !== undefined) return undefined
  // The longest known prefix, and what its object allows next.
  let known = 0
  while (known < segments.length && schemaAt(Manifest, segments.slice(0, known + 1)) !== undefined)
    known++
  const prefix = segments.slice(0, known)
  const keys = allowedKeys(Manifest, prefix)
  const next = segments[known]
  const guess = typeof next === 'string' ? suggestClosest(next, keys) : undefined
  const at = prefix.length === 0 ? 'at the top level' : `under ${prefix.join('.')}`
  if (guess !== undefined) return `did you mean "${[...prefix, guess].join('.')}"?`
  return keys.length > 0
    ? `${at} the manifest has: ${keys.join(', ')} (schema/manifest.v1.schema.json)`
    : `${prefix.join('.')} has no fields below it; quote ${prefix.join('.')} itself`
}
