/**
 * A questionnaire as a table (the rows of a CSV file or of one sheet of a workbook): which row
 * holds the headers, which column holds what, and the questions read from the rows below.
 *
 * Columns, by role: `id`, `question` (required), `section`, `refs`, `fields`, `facts` (optional) and the
 * answer columns `status`, `answer`, `evidence` (created after the last used column when absent).
 * Each is found by its header text (case-insensitive; default the role's name) or given as a
 * column letter with `--columns role=Header text` or `role=C`.
 */
import { ConfigError, type Issue } from '../../core/errors.js'
import { QUESTIONNAIRE_FORMAT, type Questionnaire } from '../../core/questionnaire/schema.js'

export const COLUMN_ROLES = [
  'id',
  'section',
  'question',
  'refs',
  'fields',
  'facts',
  'status',
  'answer',
  'evidence',
] as const
export type ColumnRole = (typeof COLUMN_ROLES)[number]
export const ANSWER_ROLES = ['status', 'answer', 'evidence'] as const

/** Rows searched for the header row. */
const HEADER_SEARCH_ROWS = 20

/** Parses `--columns id=A,question=Question text`; throws ERR_CONFIG_BAD_ARGS (exit 2). */
export function parseColumnsOption(value: string | undefined): Partial<Record<ColumnRole, string>> {
  const out: Partial<Record<ColumnRole, string>> = {}
  if (value === undefined) return out
  for (const part of value.split(',')) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    const role = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase()
    const header = eq < 0 ? '' : part.slice(eq + 1).trim()
    if (!(COLUMN_ROLES as readonly string[]).includes(role) || header === '') {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--columns: "${part.trim()}" is not ROLE=HEADER with ROLE one of ${COLUMN_ROLES.join(', ')} (e.g. --columns "id=A,question=Question text")`,
      })
    }
    out[role as ColumnRole] = header
  }
  return out
}

export interface TableLayout {
  /** 0-based index of the header row in the grid. */
  headerRow: number
  /** 0-based column index per role found (answer roles always, created when absent). */
  columns: Partial<Record<ColumnRole, number>>
  /** Answer columns that were not in the table (their header is to be written). */
  created: ColumnRole[]
  /** 0-based grid row of each question, in order. */
  questionRows: number[]
}

/** `A` for 0, `AA` for 26. */
export function columnLetter(index: number): string {
  let n = index + 1
  let s = ''
  while (n > 0) {
    const r = (n - 1) % 26
    s = String.fromCharCode(65 + r) + s
    n = Math.floor((n - 1) / 26)
  }
  return s
}

function letterIndex(letters: string): number | undefined {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return undefined
  let n = 0
  for (const c of letters.toUpperCase()) n = n * 26 + (c.charCodeAt(0) - 64)
  return n - 1
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()

/**
 * Reads a grid of cell texts as a questionnaire. `where` names the file (and sheet) in messages;
 * throws ERR_CONFIG_QUESTIONNAIRE_INVALID with every problem at its cell.
 */
export function readTable(
  grid: readonly (readonly string[])[],
  options: {
    file: string
    where: string
    title: string
    columns: Partial<Record<ColumnRole, string>>
  },
): { questionnaire: Questionnaire; layout: TableLayout } {
  const spec = (role: ColumnRole) => options.columns[role] ?? role
  const findIn = (row: readonly string[], role: ColumnRole): number | undefined => {
    const want = norm(spec(role))
    const i = row.findIndex((c) => norm(c) === want)
    if (i >= 0) return i
    return options.columns[role] === undefined ? undefined : letterIndex(spec(role))
  }
  // The header row: the first (of the first 20) naming the id and question columns.
  let headerRow = -1
  for (let r = 0; r < Math.min(grid.length, HEADER_SEARCH_ROWS); r++) {
    const row = grid[r] ?? []
    if (row.every((c) => c.trim() === '')) continue
    if (findIn(row, 'id') !== undefined && findIn(row, 'question') !== undefined) {
      headerRow = r
      break
    }
  }
  if (headerRow < 0) {
    const first = grid.find((row) => row.some((c) => c.trim() !== '')) ?? []
    const missing = (['id', 'question'] as const).filter((r) => findIn(first, r) === undefined)
    throw invalid(options.file, [
      {
        code: 'missing_column',
        path: [],
        file: options.file,
        line: 1,
        column: 1,
        message: `${options.where}: no header row with ${missing.map((r) => `a "${spec(r)}" column`).join(' and ')} in the first ${HEADER_SEARCH_ROWS} rows (headers seen: ${
          first
            .filter((c) => c.trim() !== '')
            .map((c) => `"${c.trim()}"`)
            .join(', ') || 'none'
        })`,
        hint: `name the columns with --columns, e.g. --columns "id=${first[0]?.trim() || 'A'},question=${first[1]?.trim() || 'B'}"`,
      },
    ])
  }
  const header = grid[headerRow] ?? []
  const columns: Partial<Record<ColumnRole, number>> = {}
  const issues: Issue[] = []
  for (const role of COLUMN_ROLES) {
    const i = findIn(header, role)
    if (i !== undefined) columns[role] = i
    else if (options.columns[role] !== undefined && role !== 'id' && role !== 'question') {
      issues.push({
        code: 'missing_column',
        path: [],
        file: options.file,
        line: headerRow + 1,
        column: 1,
        message: `${options.where}: --columns names "${spec(role)}" for ${role}, and row ${headerRow + 1} has no such header`,
        hint: 'give the header text exactly as in the header row, or a column letter',
      })
    }
  }
  let next = Math.max(
    -1,
    ...header.map((c, i) => (c.trim() === '' ? -1 : i)),
    ...Object.values(columns),
  )
  const created: ColumnRole[] = []
  for (const role of ANSWER_ROLES) {
    if (columns[role] !== undefined) continue
    columns[role] = ++next
    created.push(role)
  }

  const split = (cell: string | undefined) => (cell ?? '').split(/[\s,;]+/).filter((s) => s !== '')
  const questionRows: number[] = []
  const questions: Questionnaire['questions'] = []
  for (let r = headerRow + 1; r < grid.length; r++) {
    const row = grid[r] ?? []
    const cell = (role: ColumnRole) =>
      columns[role] === undefined ? '' : (row[columns[role] as number] ?? '').trim()
    const id = cell('id')
    const text = cell('question')
    if (id === '' && text === '') continue
    const at = (role: ColumnRole) => ({
      file: options.file,
      line: r + 1,
      column: (columns[role] as number) + 1,
    })
    if (id === '' || text === '') {
      const role = id === '' ? 'id' : 'question'
      issues.push({
        code: 'missing_cell',
        path: [],
        ...at(role),
        message: `${options.where}: cell ${columnLetter(columns[role] as number)}${r + 1} (${role}) is empty${id === '' ? ` for the question "${text.slice(0, 60)}"` : ` for question ${id}`}`,
        hint: id === '' ? 'give every question an id' : 'write the question text',
      })
      continue
    }
    questionRows.push(r)
    const section = cell('section')
    questions.push({
      id,
      ...(section === '' ? {} : { section }),
      text,
      refs: split(cell('refs')),
      fields: split(cell('fields')),
      facts: split(cell('facts')),
    })
  }
  if (questions.length === 0 && issues.length === 0) {
    issues.push({
      code: 'no_questions',
      path: [],
      file: options.file,
      line: headerRow + 1,
      column: 1,
      message: `${options.where}: no question below the header row ${headerRow + 1}`,
      hint: 'write one question a row under the header row, with its id',
    })
  }
  if (issues.length > 0) throw invalid(options.file, issues)
  return {
    questionnaire: { questionnaire: QUESTIONNAIRE_FORMAT, title: options.title, questions },
    layout: { headerRow, columns, created, questionRows },
  }
}

/** The position of an issue path (`['questions', i, 'refs', j]`) in the table. */
export function placeInTable(
  issue: Issue,
  layout: TableLayout,
  file: string,
  where: string,
): Issue {
  const [, i, key] = issue.path
  if (typeof i !== 'number') return { ...issue, file }
  const role: ColumnRole = key === 'refs' || key === 'fields' || key === 'facts' ? key : 'id'
  const row = layout.questionRows[i] as number
  const col = layout.columns[role] as number
  // The cell says where; a path into the questionnaire model would only confuse.
  return {
    ...issue,
    path: [],
    file,
    line: row + 1,
    column: col + 1,
    message: `${where === '' ? '' : `${where} `}cell ${columnLetter(col)}${row + 1}: ${issue.message}`,
  }
}

export function invalid(file: string, issues: Issue[]): ConfigError {
  const n = issues.length
  const first = issues[0]
  const where =
    first?.line !== undefined ? ` (first at line ${first.line}, column ${first.column ?? 1})` : ''
  return new ConfigError({
    code: 'ERR_CONFIG_QUESTIONNAIRE_INVALID',
    message: `${file}: the questionnaire has ${n} problem${n === 1 ? '' : 's'}${where}`,
    issues,
  })
}
