/**
 * Answering a questionnaire from the police-analytics example on 2026-11-21 (its high-risk
 * obligations apply from 2030-08-02, Art. 4 is in force): refs met and missing, the crosswalk
 * route for a framework not assessed, quoted fields, needs-human, worst-of statuses, and the
 * checks of unknown refs and fields.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentResult } from '../../../src/core/assess/types.js'
import { answerQuestionnaire, renderValue } from '../../../src/core/questionnaire/answer.js'
import type { Question, Questionnaire } from '../../../src/core/questionnaire/schema.js'
import { checkQuestionnaire, fieldProblem } from '../../../src/core/questionnaire/validate.js'
import {
  assessLoaded,
  classifyLoaded,
  loadSystem,
  type LoadedSystem,
} from '../../../src/node/pipeline.js'

const POLICE = path.resolve(import.meta.dirname, '../../../examples/police-analytics/accord.yaml')
let system: LoadedSystem
let assessment: AssessmentResult

beforeAll(async () => {
  system = await loadSystem(POLICE, {})
  const classification = classifyLoaded(system, '2026-11-21')
  assessment = await assessLoaded(system, classification, { asOf: '2026-11-21' })
})

function q(...questions: Partial<Question>[]): Questionnaire {
  return {
    questionnaire: 'accord-questionnaire/v1',
    title: 'Test',
    questions: questions.map((x, i) => ({
      id: `Q${i + 1}`,
      text: 'Question?',
      refs: [],
      fields: [],
      ...x,
    })),
  }
}

function answer(...questions: Partial<Question>[]) {
  return answerQuestionnaire({
    questionnaire: q(...questions),
    manifest: system.manifest,
    assessment,
    catalogs: system.catalogs,
  })
}

describe('answerQuestionnaire', () => {
  it('answers a met obligation with its reason and evidence (title, type, path, SHA-256)', () => {
    const [a] = answer({ refs: ['eu-ai-act:art-10.2.f'] }).answers
    expect(a?.status).toBe('met')
    expect(a?.refs[0]).toMatchObject({
      ref: 'eu-ai-act:art-10.2.f',
      route: 'assessed',
      status: 'met',
      inForce: false,
      appliesFrom: '2030-08-02',
      gap: false,
    })
    const corpus = system.manifest.evidence.find((e) => e.id === 'ds-asr-corpus')
    const hashed = assessment.evidence.find((e) => e.id === 'ds-asr-corpus')
    expect(a?.evidence.map((e) => e.id)).toEqual(['ds-asr-corpus', 'ds-entity-linking'])
    expect(a?.evidence[0]).toEqual({
      id: 'ds-asr-corpus',
      title: corpus?.title,
      type: 'dataset-sheet',
      path: 'evidence/dataset-sheet-asr-corpus.md',
      sha256: hashed?.sha256,
    })
    expect(hashed?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(a?.evidenceText[0]).toBe(
      `${corpus?.title} (dataset-sheet), evidence/dataset-sheet-asr-corpus.md, SHA-256 ${hashed?.sha256}`,
    )
    expect(a?.answer).toContain('Art. 10(2)(f) [eu-ai-act:art-10.2.f]: met.')
    expect(a?.answer).toContain('Applies from 2030-08-02 (not yet in force on 2026-11-21).')
  })

  it('marks an in-force obligation that is missing as a gap', () => {
    const r = answer({ refs: ['eu-ai-act:art-4'] })
    expect(r.answers[0]).toMatchObject({ status: 'missing', gap: true })
    expect(r.summary.gaps).toBe(1)
    expect(r.answers[0]?.answer).toMatch(/^Missing\.\nArt\. 4 \[eu-ai-act:art-4\]: missing\./)
  })

  it('answers a framework not assessed through the crosswalk, naming the mapping', () => {
    const r = answer({ refs: ['iso-42001:a.7.4'] })
    expect(r.frameworks).toEqual(['eu-ai-act', 'nist-ai-rmf'])
    const ref = r.answers[0]?.refs[0]
    expect(ref?.route).toBe('mapping')
    expect(ref?.mappedFrom?.[0]).toMatchObject({
      obligation: 'eu-ai-act:art-10',
      relation: 'related',
      confidence: 'medium',
      status: 'met',
    })
    // A related edge passes at most partial on, however well the mapped obligation is met.
    expect(ref?.status).toBe('partial')
    expect(ref?.reason).toMatch(
      /^By mapping \(crosswalk\), not assessed directly: eu-ai-act:art-10/,
    )
    expect(ref?.evidence).toEqual(['ds-asr-corpus', 'ds-entity-linking', 'evaluation-metrics'])
  })

  it('answers it directly when its framework is assessed', () => {
    const direct = answerQuestionnaire({
      questionnaire: q({ refs: ['nist-ai-rmf:measure-2.11'] }),
      manifest: system.manifest,
      assessment,
      catalogs: system.catalogs,
    })
    expect(direct.answers[0]?.refs[0]).toMatchObject({ route: 'assessed', status: 'met' })
  })

  it('quotes manifest fields, lists and mappings as plain lines', () => {
    const [a] = answer({ fields: ['provider.country', 'assurance.remoteDisable'] }).answers
    expect(a?.status).toBe('met')
    expect(a?.fields[0]).toEqual({ path: 'provider.country', value: 'IL' })
    expect(a?.fields[1]?.value).toBe(
      'exists: no\ncontrolledBy: none\ndescription: On-premises, air-gapped deployment; the provider has no remote access.',
    )
    expect(a?.answer).not.toMatch(/[*`#|]/)
    expect(renderValue(['a', 'b'])).toBe('a; b')
    expect(renderValue([{ id: 'R-01', severity: 'high' }])).toBe('• id: R-01\n  severity: high')
    expect(renderValue([])).toBeUndefined()
    expect(renderValue({})).toBeUndefined()
  })

  it('needs a human when a question names nothing, or no field it names has a value', () => {
    const r = answer(
      {},
      { fields: ['conformityAssessment'] },
      { fields: ['provider.country', 'conformityAssessment'] },
    )
    expect(r.answers.map((a) => a.status)).toEqual(['needs-human', 'needs-human', 'partial'])
    expect(r.answers[0]?.answer).toBe(
      'Needs a human answer: the question names no obligation and no manifest field.',
    )
    expect(r.answers[1]?.needsHuman).toBe('the manifest does not state conformityAssessment')
    expect(r.answers[2]?.answer).toContain('conformityAssessment: not stated in the manifest.')
    expect(r.summary).toMatchObject({ questions: 3, needsHuman: 2, partial: 1, gaps: 0 })
  })

  it('takes the worst status of its refs', () => {
    const r = answer(
      { refs: ['eu-ai-act:art-10.2.f', 'eu-ai-act:art-4'] },
      { refs: ['eu-ai-act:art-10.2.f', 'eu-ai-act:art-17'] },
      { refs: ['eu-ai-act:art-10.2.f', 'eu-ai-act:art-27'] },
      { refs: ['eu-ai-act:art-17', 'eu-ai-act:art-4', 'eu-ai-act:art-10.2.f'] },
      { refs: ['eu-ai-act:art-10.2.f', 'iso-42001:a.7.4'], fields: ['conformityAssessment'] },
    )
    expect(r.answers.map((a) => a.status)).toEqual([
      'missing',
      'partial',
      'met',
      'missing',
      'partial',
    ])
    // Art. 27 is a deployer's duty: not applicable to this provider.
    expect(r.answers[2]?.refs[1]?.status).toBe('not-applicable')
    expect(r.answers[0]?.gap).toBe(true)
    expect(r.answers[1]?.gap).toBe(false)
  })
})

describe('checkQuestionnaire', () => {
  it('refuses an unknown ref with a did-you-mean, an unknown field with the key meant, and duplicate ids', () => {
    const issues = checkQuestionnaire(
      q({ id: 'X', refs: ['eu-ai-act:art-10.2.z'] }, { id: 'X', fields: ['provider.contry'] }),
      system.catalogs,
    )
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_obligation_ref', ['questions', 0, 'refs', 0]],
      ['duplicate_question_id', ['questions', 1, 'id']],
      ['unknown_manifest_field', ['questions', 1, 'fields', 0]],
    ])
    expect(issues[0]?.hint).toMatch(/^did you mean "eu-ai-act:art-10\.2\.[a-f]"/)
    expect(issues[2]?.hint).toBe('did you mean "provider.country"?')
  })

  it('knows the manifest paths', () => {
    expect(fieldProblem('assurance.dataResidency')).toBeUndefined()
    expect(fieldProblem('humanOversight')).toBeUndefined()
    expect(fieldProblem('models.0.name')).toBeUndefined()
    expect(fieldProblem('nonsense')).toMatch(/^at the top level the manifest has: /)
    expect(fieldProblem('assurance.residency')).toBe('did you mean "assurance.dataResidency"?')
  })
})

describe('refs the assessment does not list', () => {
  it('judges a heading by its listed sub-obligations', () => {
    const r = answer({ refs: ['nist-ai-rmf:govern-1'] }, { refs: ['eu-ai-act:art-49'] })
    const govern = r.answers[0]?.refs[0]
    expect(govern?.route).toBe('sub-obligations')
    const listed = assessment.obligations.filter((o) => /^nist-ai-rmf:govern-1\.\d+$/.test(o.id))
    expect(listed.length).toBeGreaterThan(1)
    expect(govern?.reason).toMatch(
      new RegExp(`^Judged by its ${listed.length} applicable sub-obligations: `),
    )
    const expected = listed.every((o) => o.status === 'met')
      ? 'met'
      : listed.some((o) => o.status !== 'missing')
        ? 'partial'
        : 'missing'
    expect(govern?.status).toBe(expected)
    expect(r.answers[1]?.refs[0]).toMatchObject({ route: 'sub-obligations', status: 'missing' })
  })
})
