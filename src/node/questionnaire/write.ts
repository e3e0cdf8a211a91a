/**
 * Writes an answered questionnaire, in the format its `--out` extension names: the buyer's own
 * workbook or CSV with the answer cells filled in (every other cell, sheet, style and column width
 * kept: the workbook is read and written back with exceljs), a new table when the questionnaire
 * came in another format, the questionnaire with answers as YAML or JSON, or a report: Markdown,
 * the same as a self-contained HTML page, or a Word document made from the same Markdown as
 * `accord docs --formats docx` makes its own (the system, version and manifest digest in the
 * running header).
 *
 * Deterministic: an XLSX or DOCX gets its created and modified dates and its zip entry times from
 * the as-of date, so the same input gives the same bytes. Written atomically (writeFileAtomic).
 */
import type { QuestionnaireAnswers } from '../../core/questionnaire/answer.js'
import {
  answerCells,
  answersTitle,
  renderAnsweredJson,
  renderAnsweredYaml,
  renderAnswersHtml,
  renderAnswersMarkdown,
} from '../../core/questionnaire/render.js'
import type { DocumentIdentity } from '../office/pdf.js'
import { fixZipTimes } from '../zip.js'
import type { LoadedQuestionnaire, QuestionnaireFormat, ReportFormat } from './load.js'
import { ANSWER_ROLES, type ColumnRole } from './table.js'

/** Header, by role, of the columns of a new table. */
const NEW_TABLE: [ColumnRole, string][] = [
  ['id', 'id'],
  ['section', 'section'],
  ['question', 'question'],
  ['refs', 'refs'],
  ['fields', 'fields'],
  ['facts', 'facts'],
  ['status', 'status'],
  ['answer', 'answer'],
  ['evidence', 'evidence'],
]

/**
 * The bytes of the answered questionnaire in `format`. `identity` heads each page of a DOCX: the
 * system, its version, the manifest's SHA-256, the as-of date and the generator.
 */
export async function renderAnswered(
  loaded: LoadedQuestionnaire,
  answers: QuestionnaireAnswers,
  format: QuestionnaireFormat | ReportFormat,
  identity: DocumentIdentity,
): Promise<string | Uint8Array> {
  switch (format) {
    case 'md':
      return renderAnswersMarkdown(answers)
    case 'html':
      return renderAnswersHtml(answers)
    case 'docx': {
      // Loaded only for a Word report: the docx package is the largest of this command's modules.
      const { markdownToDocx } = await import('../office/docx.js')
      return markdownToDocx(renderAnswersMarkdown(answers), {
        title: answersTitle(answers),
        identity,
      })
    }
    case 'yaml':
      return renderAnsweredYaml(loaded.questionnaire, answers)
    case 'json':
      return renderAnsweredJson(loaded.questionnaire, answers)
    case 'csv':
      return renderCsv(loaded, answers)
    case 'xlsx':
      return renderXlsx(loaded, answers)
  }
}

function newTable(loaded: LoadedQuestionnaire, answers: QuestionnaireAnswers): string[][] {
  const rows = [NEW_TABLE.map(([, h]) => h)]
  loaded.questionnaire.questions.forEach((q, i) => {
    const cells = answerCells(answers.answers[i] as QuestionnaireAnswers['answers'][number])
    rows.push([
      q.id,
      q.section ?? '',
      q.text,
      q.refs.join('\n'),
      q.fields.join('\n'),
      q.facts.join('\n'),
      cells.status,
      cells.answer,
      cells.evidence,
    ])
  })
  return rows
}

async function renderCsv(
  loaded: LoadedQuestionnaire,
  answers: QuestionnaireAnswers,
): Promise<string> {
  const { stringify } = await import('csv-stringify/sync')
  const { source } = loaded
  if (source.format !== 'csv') return stringify(newTable(loaded, answers))
  const grid = source.grid.map((row) => [...row])
  const { layout } = source
  const header = (grid[layout.headerRow] ??= [])
  for (const role of layout.created) setCell(header, layout.columns[role] as number, role)
  layout.questionRows.forEach((r, i) => {
    const cells = answerCells(answers.answers[i] as QuestionnaireAnswers['answers'][number])
    const row = (grid[r] ??= [])
    for (const role of ANSWER_ROLES) setCell(row, layout.columns[role] as number, cells[role])
  })
  return (source.bom ? '\uFEFF' : '') + stringify(grid)
}

/**
 * exceljs writes no width for a column exactly 9 wide (its own default), so a buyer's column of
 * width 9 came back at the sheet's default width (about 13 in Excel and openpyxl). Such columns
 * are marked custom-width on the instance, so the width read is the width written.
 */
function keepNineWide(workbook: { worksheets: { columns: unknown[] | null }[] }): void {
  for (const sheet of workbook.worksheets) {
    for (const column of sheet.columns ?? []) {
      if ((column as { width?: number }).width === 9)
        Object.defineProperty(column, 'isCustomWidth', { get: () => true })
    }
  }
}

function setCell(row: string[], index: number, value: string): void {
  while (row.length < index) row.push('')
  row[index] = value
}

async function renderXlsx(
  loaded: LoadedQuestionnaire,
  answers: QuestionnaireAnswers,
): Promise<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  const { source } = loaded
  if (source.format === 'xlsx') {
    await workbook.xlsx.load(source.bytes as unknown as ArrayBuffer)
    keepNineWide(workbook)
    const sheet = workbook.getWorksheet(source.sheet)
    if (sheet === undefined) throw new Error(`sheet ${source.sheet} vanished`)
    const { layout } = source
    const headerRow = sheet.getRow(layout.headerRow + 1)
    for (const role of layout.created) {
      const col = (layout.columns[role] as number) + 1
      const cell = headerRow.getCell(col)
      cell.value = role
      // A new column takes the look of the id column's header, and a readable width.
      const idHeader = headerRow.getCell((layout.columns.id as number) + 1)
      cell.style = { ...idHeader.style }
      sheet.getColumn(col).width = role === 'status' ? 16 : 60
    }
    layout.questionRows.forEach((r, i) => {
      const cells = answerCells(answers.answers[i] as QuestionnaireAnswers['answers'][number])
      const row = sheet.getRow(r + 1)
      for (const role of ANSWER_ROLES) {
        const cell = row.getCell((layout.columns[role] as number) + 1)
        cell.value = cells[role]
        if (layout.created.includes(role) || role !== 'status')
          cell.alignment = { ...(cell.alignment ?? {}), wrapText: true, vertical: 'top' }
      }
    })
  } else {
    const sheet = workbook.addWorksheet('Questionnaire')
    const rows = newTable(loaded, answers)
    for (const row of rows) sheet.addRow(row)
    sheet.getRow(1).font = { bold: true }
    const widths = [10, 20, 60, 28, 28, 28, 16, 80, 60]
    widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w))
    sheet.eachRow((row, n) => {
      if (n > 1) row.alignment = { wrapText: true, vertical: 'top' }
    })
    workbook.title = loaded.questionnaire.title
  }
  const date = new Date(`${answers.asOf}T00:00:00Z`)
  workbook.created = date
  workbook.modified = date
  workbook.lastPrinted = undefined as unknown as Date
  const buffer = await workbook.xlsx.writeBuffer()
  return fixZipTimes(new Uint8Array(buffer as ArrayBuffer), answers.asOf)
}
