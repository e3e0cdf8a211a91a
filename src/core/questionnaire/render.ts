/**
 * The answered questionnaire as text: a Markdown report (per section: each question, its status,
 * answer and evidence) and the same report as a self-contained HTML page (rendered as `accord
 * docs` renders its Markdown), the questionnaire itself with an `answer` per question (YAML or
 * JSON), and the three cells a table gets per question. Pure and deterministic.
 */
import { stringify } from 'yaml'
import { markdownToHtml } from '../documents/html.js'
import type { QuestionnaireAnswers, QuestionAnswer } from './answer.js'
import type { Questionnaire } from './schema.js'

/** The cells written into a table's answer columns for one question. */
export function answerCells(a: QuestionAnswer): {
  status: string
  answer: string
  evidence: string
} {
  return { status: a.status, answer: a.answer, evidence: a.evidenceText.join('\n') }
}

/** The questionnaire as read, each question with its `answer` (status, text, evidence). */
export function answeredQuestionnaire(
  q: Questionnaire,
  answers: QuestionnaireAnswers,
): Questionnaire {
  return {
    ...q,
    questions: q.questions.map((question, i) => {
      const a = answers.answers[i] as QuestionAnswer
      return {
        ...question,
        answer: { status: a.status, text: a.answer, evidence: a.evidenceText },
      }
    }),
  }
}

export function renderAnsweredYaml(q: Questionnaire, answers: QuestionnaireAnswers): string {
  return stringify(answeredQuestionnaire(q, answers), { lineWidth: 0 })
}

export function renderAnsweredJson(q: Questionnaire, answers: QuestionnaireAnswers): string {
  return JSON.stringify(answeredQuestionnaire(q, answers), null, 2) + '\n'
}

/** Text of the buyer's or the manifest's, safe inside Markdown: no markup, no raw HTML. */
function md(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, '\\$1')
}

const STATUS_LABEL: Record<QuestionAnswer['status'], string> = {
  met: 'met',
  partial: 'partial',
  missing: 'missing',
  'not-applicable': 'not applicable',
  'needs-human': 'needs a human answer',
}

export function renderAnswersMarkdown(answers: QuestionnaireAnswers): string {
  const { questionnaire: q, system, summary: s } = answers
  const out: string[] = []
  out.push(`# ${md(q.title)}`, '')
  const meta = [
    q.buyer === undefined ? undefined : `Buyer: ${md(q.buyer)}`,
    q.reference === undefined ? undefined : `Reference: ${md(q.reference)}`,
    `System: ${md(system.name)} ${md(system.version)}`,
    `Answered as of ${answers.asOf} from the manifest and its assessment (${answers.frameworks.join(', ')}; other frameworks by mapping)`,
  ].filter((l): l is string => l !== undefined)
  out.push(meta.join('  \n'), '')
  out.push(
    `${s.questions} questions: ${s.met} met, ${s.partial} partial, ${s.missing} missing, ` +
      `${s.notApplicable} not applicable, ${s.needsHuman} need a human answer; ` +
      `${s.gaps} with a gap in obligations in force.`,
    '',
  )
  let section: string | undefined = undefined
  let first = true
  for (const a of answers.answers) {
    if (first || a.section !== section) {
      section = a.section
      first = false
      out.push(`## ${section === undefined ? 'Questions' : md(section)}`, '')
    }
    out.push(`### ${md(a.id)}. ${md(a.text)}`, '')
    out.push(`Status: **${STATUS_LABEL[a.status]}**${a.gap ? ' (gap in force)' : ''}`, '')
    // One quoted line per answer line, each followed by another ending in a hard break (two
    // spaces), so the lines stay lines in the HTML and DOCX renditions; a blank line stays a
    // paragraph break inside the quote.
    const lines = a.answer.split('\n').map((line) => (line.trim() === '' ? '' : md(line)))
    lines.forEach((line, i) => {
      const next = lines[i + 1]
      out.push(line === '' ? '>' : `> ${line}${next !== undefined && next !== '' ? '  ' : ''}`)
    })
    out.push('')
    if (a.evidence.length > 0) {
      out.push('Evidence:', '')
      for (const e of a.evidence)
        out.push(
          `- ${md(e.title)} (${md(e.type)}), \`${e.path.replace(/`/g, '')}\`, SHA-256 \`${e.sha256}\``,
        )
      out.push('')
    }
  }
  return out.join('\n').replace(/\n+$/, '\n')
}

/** The report's title: the questionnaire's, and the system answered for. */
export function answersTitle(answers: QuestionnaireAnswers): string {
  return `${answers.questionnaire.title}: answers for ${answers.system.name} ${answers.system.version}`
}

/** The Markdown report as a self-contained HTML page (inline CSS, no scripts, no links out). */
export function renderAnswersHtml(answers: QuestionnaireAnswers): string {
  return markdownToHtml(renderAnswersMarkdown(answers), answersTitle(answers))
}
