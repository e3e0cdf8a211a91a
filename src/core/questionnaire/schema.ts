/**
 * A buyer's due-diligence questionnaire (`accord-questionnaire/v1`): what `accord answer` reads
 * from YAML or JSON, and what it builds from the rows of a CSV file or a spreadsheet. Each question
 * says what it is about: obligations of any loaded framework (`refs`, catalog ids as evidence
 * `supports` takes them), manifest fields to quote (`fields`, dotted paths) and facts Accord
 * computes (`facts`, ids of ./facts.ts). A question with none of them needs a human answer. See docs/questionnaires.md.
 */
import { z } from 'zod'
import { FACT_IDS } from './facts.js'

export const QUESTIONNAIRE_FORMAT = 'accord-questionnaire/v1'

const text = z.string().trim().min(1)

export const ANSWER_STATUSES = [
  'met',
  'partial',
  'missing',
  'not-applicable',
  'needs-human',
] as const
export type AnswerStatus = (typeof ANSWER_STATUSES)[number]

/** The answer `accord answer` writes into a questionnaire it returns as YAML or JSON. */
export const WrittenAnswer = z
  .strictObject({
    status: z
      .enum(ANSWER_STATUSES)
      .describe('met, partial, missing, not-applicable or needs-human'),
    text: z.string().describe('The answer in plain text, as written into a spreadsheet cell.'),
    evidence: z
      .array(z.string())
      .default([])
      .describe('Each evidence file named: title (type), path, SHA-256.'),
  })
  .describe('Written by `accord answer`; replaced when the questionnaire is answered again.')

export const Question = z.strictObject({
  id: text.describe("Unique within the questionnaire: the buyer's own numbering (Q1, 3.2)."),
  section: text.optional().describe('The heading the question sits under, for the report.'),
  text: text.describe('The question as the buyer wrote it.'),
  refs: z
    .array(text)
    .default([])
    .describe(
      'Obligations the question is about, as catalog ids of any framework: eu-ai-act:art-10.2.f, nist-ai-rmf:measure-2.11, iso-42001:a.7.4 (`accord catalog` lists them).',
    ),
  fields: z
    .array(text)
    .default([])
    .describe(
      'Manifest fields to quote, as dotted paths: provider.country, humanOversight, assurance.dataResidency.',
    ),
  facts: z
    .array(text)
    .default([])
    .describe(
      `What Accord computes about the system, to state: ${FACT_IDS.join(', ')} (docs/questionnaires.md).`,
    ),
  answer: WrittenAnswer.optional(),
})
export type Question = z.infer<typeof Question>

export const Questionnaire = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
  questionnaire: z
    .literal(QUESTIONNAIRE_FORMAT)
    .describe(`The format and its version: ${QUESTIONNAIRE_FORMAT}.`),
  title: text.describe('The questionnaire title, as the buyer gave it.'),
  buyer: text.optional().describe('Who sends it: the buying authority.'),
  reference: text.optional().describe("The buyer's reference (tender or file number)."),
  questions: z.array(Question).min(1).describe('The questions, in the order the buyer asks them.'),
})
export type Questionnaire = z.infer<typeof Questionnaire>
