/**
 * Answering a questionnaire from the police-analytics example on 2026-11-21 (its high-risk
 * obligations apply from 2030-08-02, Art. 4 is in force): refs met and missing, the crosswalk
 * route for a framework not assessed, quoted fields, needs-human, worst-of statuses, and the
 * checks of unknown refs and fields.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentResult } from '../../../src/core/assess/types.js'
import type { ClassificationResult } from '../../../src/core/classify/types.js'
import { FACT_IDS } from '../../../src/core/questionnaire/facts.js'
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
let classification: ClassificationResult

beforeAll(async () => {
  system = await loadSystem(POLICE, {})
  classification = classifyLoaded(system, '2026-11-21')
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
      facts: [],
      ...x,
    })),
  }
}

function answer(...questions: Partial<Question>[]) {
  return answerQuestionnaire({
    questionnaire: q(...questions),
    manifest: system.manifest,
    assessment,
    classification,
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
      classification,
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
      'Needs a human answer: the question names no obligation, no manifest field and no fact.',
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

describe('facts', () => {
  const factOf = (r: ReturnType<typeof answer>, i = 0) =>
    r.answers[0]?.facts[i]?.value.split('\n') ?? []

  it('states the EU AI Act classification in the words of accord classify; no GPAI says not applicable', () => {
    const r = answer({ facts: ['eu-ai-act.classification'] })
    const [a] = r.answers
    expect(a).toMatchObject({ status: 'met', gap: false, refs: [], fields: [] })
    expect(a?.facts[0]).toMatchObject({
      fact: 'eu-ai-act.classification',
      label: "EU AI Act classification (Accord's)",
    })
    expect(factOf(r)).toEqual([
      'Category: high-risk (Art. 6(2), Annex III 6(c), Annex III 6(e)).',
      'Roles: provider.',
      'General-purpose AI model: not applicable; the supplier places no general-purpose AI model of its own on the market.',
      'Art. 6(3) derogation: not claimed.',
      expect.stringMatching(
        /^Legacy: Art\. 111\(2\): to be placed on the market on 2027-06-01 \(planned\), before 2027-12-02, .*apply from 2030-08-02/,
      ),
    ])
    expect(a?.answer).toMatch(
      /^Met\.\nEU AI Act classification \(Accord's\) \[eu-ai-act\.classification\]:\nCategory: high-risk /,
    )
  })

  it('names the general-purpose AI models when the supplier places one on the market', () => {
    const [first, ...rest] = system.manifest.models ?? []
    const gpai = {
      ...system,
      manifest: {
        ...system.manifest,
        models: [{ ...first, generalPurpose: true }, ...rest],
      },
    } as LoadedSystem
    const c = classifyLoaded(gpai, '2026-11-21')
    expect(c.euAiAct.gpai).toBe('gpai')
    const r = answerQuestionnaire({
      questionnaire: q({ facts: ['eu-ai-act.classification'] }),
      manifest: gpai.manifest,
      assessment,
      classification: c,
      catalogs: system.catalogs,
    })
    expect(r.answers[0]?.answer).toContain(`General-purpose AI model: gpai: ${first?.name} (gpai).`)
    expect(r.answers[0]?.answer).not.toContain('not applicable')
  })

  it('lists the obligations in force and the upcoming ones by date, by their highest entries', () => {
    const r = answer({ facts: ['eu-ai-act.obligations-in-force'] })
    const lines = factOf(r)
    const upcoming = classification.euAiAct.upcoming
    expect(lines.slice(0, 3)).toEqual([
      'In force on 2026-11-21: 1.',
      '• Art. 4 AI literacy (since 2025-02-02)',
      `Upcoming: ${upcoming.length}.`,
    ])
    expect(upcoming.every((o) => o.appliesFrom === '2030-08-02')).toBe(true)
    expect(lines).toHaveLength(4)
    expect(lines[3]).toMatch(
      new RegExp(`^• From 2030-08-02: ${upcoming.length} under Art\\. 8, Art\\. 9, Art\\. 10, `),
    )
    // Points are counted, not listed: Art. 9(1) is under Art. 9.
    expect(lines[3]).not.toContain('Art. 9(1)')
    expect(lines[3]).toMatch(/Annex IV \(with their points\)\.$/)

    // Before the Act applies, nothing is in force.
    const early = answerQuestionnaire({
      questionnaire: q({ facts: ['eu-ai-act.obligations-in-force'] }),
      manifest: system.manifest,
      assessment,
      classification: classifyLoaded(system, '2024-09-01'),
      catalogs: system.catalogs,
    })
    expect(factOf(early)[0]).toBe('In force on 2024-09-01: none.')
  })

  it('states readiness per framework as accord assess prints it, and the gaps in force', () => {
    const r = answer({ facts: ['readiness', 'gaps'] })
    const [eu, nist] = assessment.frameworks
    expect(factOf(r, 0)).toEqual([
      `${eu?.name}: readiness ${Math.round((eu?.readiness ?? 0) * 100)}%: ${eu?.met} met, ${eu?.partial} partial, ${eu?.missing} missing, ${eu?.notApplicable} not applicable; gaps: 1 in force, ${eu?.gapsUpcoming} upcoming.`,
      `${nist?.name} (voluntary): readiness ${Math.round((nist?.readiness ?? 0) * 100)}%: ${nist?.met} met, ${nist?.partial} partial, ${nist?.missing} missing, ${nist?.notApplicable} not applicable; gaps: ${nist?.gaps}.`,
    ])
    expect(factOf(r, 1)).toEqual([
      '1 binding obligation in force on 2026-11-21 is partial or missing:',
      '• Art. 4 AI literacy [eu-ai-act:art-4]: missing.',
      `${assessment.gapsUpcoming} more are partial or missing and not yet in force.`,
      `${nist?.name} (voluntary): ${nist?.gaps} entries partial or missing, not counted as gaps in force.`,
    ])
    // A statement of the gaps is not itself a gap: the question is met and the exit stays 0.
    expect(r.answers[0]).toMatchObject({ status: 'met', gap: false })
    expect(r.summary.gaps).toBe(0)
  })

  it('says the gaps in force are not computed when no law was assessed', async () => {
    const c = classifyLoaded(system, '2026-11-21', ['nist-ai-rmf'])
    const nistOnly = await assessLoaded(system, c, {
      asOf: '2026-11-21',
      frameworks: ['nist-ai-rmf'],
    })
    const r = answerQuestionnaire({
      questionnaire: q({ facts: ['gaps', 'readiness'] }),
      manifest: system.manifest,
      assessment: nistOnly,
      classification: c,
      catalogs: system.catalogs,
    })
    expect(factOf(r, 0)[0]).toBe(
      'Not computed: no law was assessed (only voluntary frameworks), so there are no gaps in force to state.',
    )
    expect(factOf(r, 1)).toHaveLength(1)
    expect(factOf(r, 1)[0]).toMatch(
      /^NIST AI Risk Management Framework .* \(voluntary\): readiness /,
    )
  })

  it('names the law version applied and the catalog', () => {
    const r = answer({ facts: ['law-version'] })
    const law = classification.euAiAct.lawVersion
    expect(factOf(r)).toEqual([
      `${law.title} (${law.source}).`,
      `Applied as of 2026-11-21 (law version id ${law.id}).`,
      expect.stringMatching(
        /^Catalog urn:accord:catalog:eu-ai-act-2024-1689 version \d+, SHA-256 [0-9a-f]{64}\.$/,
      ),
    ])
  })

  it('takes the status from refs when there are any; with fields, a fact counts as stated', () => {
    const r = answer(
      { refs: ['eu-ai-act:art-4'], facts: ['gaps'] },
      { fields: ['conformityAssessment'], facts: ['readiness'] },
      { facts: FACT_IDS.slice() },
    )
    expect(r.answers.map((a) => a.status)).toEqual(['missing', 'partial', 'met'])
    expect(r.answers[0]?.gap).toBe(true)
    expect(r.answers[2]?.facts.map((f) => f.fact)).toEqual([...FACT_IDS])
  })
})

describe('checkQuestionnaire', () => {
  it('refuses an unknown fact, naming the one meant', () => {
    const issues = checkQuestionnaire(
      q({ facts: ['clasification', 'gaps', 'eu-ai-act.readiness', 'weather'] }),
      system.catalogs,
    )
    expect(issues.map((i) => [i.code, i.path, i.hint])).toEqual([
      [
        'unknown_fact',
        ['questions', 0, 'facts', 0],
        `did you mean "eu-ai-act.classification"? (facts: ${FACT_IDS.join(', ')})`,
      ],
      [
        'unknown_fact',
        ['questions', 0, 'facts', 2],
        `did you mean "readiness"? (facts: ${FACT_IDS.join(', ')})`,
      ],
      ['unknown_fact', ['questions', 0, 'facts', 3], `the facts are ${FACT_IDS.join(', ')}`],
    ])
    expect(issues[0]?.message).toBe('question "Q1" asks for unknown fact "clasification"')
  })

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
