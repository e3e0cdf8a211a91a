/**
 * Reads a questionnaire for `accord answer`: YAML or JSON (`.yaml`, `.yml`, `.json`), CSV
 * (`.csv`) or a workbook (`.xlsx`), by the file's extension. YAML and JSON are checked against the
 * questionnaire schema like policies are (file, line, column, fix); CSV and XLSX rows become
 * questions through ./table.ts. Refs and fields are then checked against the catalogs and the
 * manifest schema (core/questionnaire/validate.ts), each problem at its line or cell.
 *
 * Failures: ERR_CONFIG_QUESTIONNAIRE_NOT_FOUND (exit 5) for a missing or unreadable file,
 * ERR_CONFIG_QUESTIONNAIRE_INVALID (exit 3) for everything else, including the size limits.
 */
import path from 'node:path'
import type { CatalogSet } from '../../core/catalog/types.js'
import { ConfigError, type Issue } from '../../core/errors.js'
import { parseYamlWithSchema, sortByPosition } from '../../core/manifest/parse.js'
import { QUESTIONNAIRE_SCHEMA_PATH } from '../../core/questionnaire/json-schema.js'
import { Questionnaire } from '../../core/questionnaire/schema.js'
import { checkQuestionnaire } from '../../core/questionnaire/validate.js'
import { decodeUtf8, notUtf8Issue, readBoundedFile } from '../fs-safe.js'
import { invalid, placeInTable, readTable, type ColumnRole, type TableLayout } from './table.js'
import { centralDirectory } from '../zip.js'

/** YAML and JSON questionnaires larger than this are refused (2 MiB). */
export const MAX_YAML_BYTES = 2 * 1024 * 1024
/** CSV questionnaires larger than this are refused (5 MiB). */
export const MAX_CSV_BYTES = 5 * 1024 * 1024
/** Workbooks larger than this are refused (10 MiB), or that unpack to more than 100 MiB. */
export const MAX_XLSX_BYTES = 10 * 1024 * 1024
export const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024

export type QuestionnaireFormat = 'yaml' | 'json' | 'csv' | 'xlsx'
/** Formats written but not read: the answers as a report. */
export type ReportFormat = 'md' | 'html' | 'docx'

export type QuestionnaireSource =
  | { format: 'yaml' | 'json'; text: string }
  | { format: 'csv'; grid: string[][]; bom: boolean; layout: TableLayout }
  | { format: 'xlsx'; bytes: Buffer; sheet: string; layout: TableLayout }

export interface LoadedQuestionnaire {
  questionnaire: Questionnaire
  file: string
  source: QuestionnaireSource
}

export interface LoadQuestionnaireOptions {
  catalogs: CatalogSet
  /** XLSX: the sheet to read (default the first). */
  sheet?: string
  /** CSV and XLSX: header text or column letter per role (`--columns`). */
  columns?: Partial<Record<ColumnRole, string>>
}

/** The format a file name says, or undefined. */
export function formatOf(file: string): QuestionnaireFormat | ReportFormat | undefined {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.json') return 'json'
  if (ext === '.csv') return 'csv'
  if (ext === '.xlsx') return 'xlsx'
  if (ext === '.md') return 'md'
  if (ext === '.html') return 'html'
  if (ext === '.docx') return 'docx'
  return undefined
}

const DOCUMENT = {
  schema: Questionnaire,
  empty: {
    code: 'questionnaire_empty',
    message: 'the questionnaire is empty',
    hint: 'start from examples/questionnaires/police-procurement.yaml; a questionnaire begins with questionnaire: accord-questionnaire/v1',
  },
  topLevelHint:
    'the questionnaire must be a mapping at the top level, starting with questionnaire: accord-questionnaire/v1',
  schemaFile: QUESTIONNAIRE_SCHEMA_PATH,
  name: 'questionnaire',
}

export async function loadQuestionnaire(
  file: string,
  options: LoadQuestionnaireOptions,
): Promise<LoadedQuestionnaire> {
  const format = formatOf(file)
  if (format === undefined || format === 'md' || format === 'html' || format === 'docx') {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${file}: a questionnaire is read from .yaml, .yml, .json, .csv or .xlsx, not ${path.extname(file) || 'a file without extension'}`,
    })
  }
  if (options.sheet !== undefined && format !== 'xlsx') {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--sheet is for .xlsx questionnaires; ${file} is ${format.toUpperCase()}`,
    })
  }
  const limit =
    format === 'xlsx' ? MAX_XLSX_BYTES : format === 'csv' ? MAX_CSV_BYTES : MAX_YAML_BYTES
  const bytes = await readBytes(file, limit)
  if (format === 'xlsx') return loadXlsx(file, bytes, options)
  const text = decodeUtf8(bytes)
  if (text === undefined) throw invalid(file, [notUtf8Issue(file)])
  if (format === 'csv') return loadCsv(file, text, options)

  const parsed = parseYamlWithSchema(text, file, DOCUMENT)
  if (!parsed.ok) throw invalid(file, parsed.issues)
  const issues = checkQuestionnaire(parsed.value, options.catalogs).map((i) => ({
    ...i,
    file,
    ...parsed.locator.value(i.path),
  }))
  if (issues.length > 0) throw invalid(file, sortByPosition(issues))
  return { questionnaire: parsed.value, file, source: { format, text } }
}

async function loadCsv(
  file: string,
  text: string,
  options: LoadQuestionnaireOptions,
): Promise<LoadedQuestionnaire> {
  const { parse } = await import('csv-parse/sync')
  const bom = text.startsWith('\uFEFF')
  let grid: string[][]
  try {
    grid = parse(bom ? text.slice(1) : text, {
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][]
  } catch (err) {
    const e = err as { message?: string; lines?: number; column?: number }
    throw invalid(file, [
      {
        code: 'csv_syntax',
        path: [],
        file,
        line: e.lines ?? 1,
        column: 1,
        message: `not valid CSV: ${e.message ?? String(err)}`,
        hint: 'save the sheet as CSV (comma-separated, UTF-8) again, and check that every quote is closed',
      },
    ])
  }
  const where = file
  const { questionnaire, layout } = readTable(grid, {
    file,
    where,
    title: path.basename(file, path.extname(file)),
    columns: options.columns ?? {},
  })
  checkPlaced(questionnaire, options.catalogs, layout, file, '')
  return { questionnaire, file, source: { format: 'csv', grid, bom, layout } }
}

async function loadXlsx(
  file: string,
  bytes: Buffer,
  options: LoadQuestionnaireOptions,
): Promise<LoadedQuestionnaire> {
  const unpacked = unpackedSize(bytes)
  if (unpacked === undefined || unpacked > MAX_XLSX_UNPACKED_BYTES) {
    throw invalid(file, [
      {
        code: unpacked === undefined ? 'xlsx_unreadable' : 'questionnaire_too_large',
        path: [],
        file,
        message:
          unpacked === undefined
            ? 'the file is not an XLSX workbook (no zip directory)'
            : `the workbook unpacks to ${unpacked} bytes, more than the ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MiB limit`,
        hint: 'save the questionnaire from the spreadsheet program as an Excel workbook (.xlsx)',
      },
    ])
  }
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch (err) {
    throw invalid(file, [
      {
        code: 'xlsx_unreadable',
        path: [],
        file,
        message: `the workbook cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'save the questionnaire from the spreadsheet program as an Excel workbook (.xlsx)',
      },
    ])
  }
  const sheets = workbook.worksheets.map((w) => w.name)
  const sheet =
    options.sheet === undefined
      ? workbook.worksheets[0]
      : workbook.worksheets.find((w) => w.name === options.sheet)
  if (sheet === undefined) {
    throw invalid(file, [
      {
        code: 'missing_sheet',
        path: [],
        file,
        message:
          options.sheet === undefined
            ? 'the workbook has no sheet'
            : `the workbook has no sheet "${options.sheet}" (its sheets: ${sheets.map((s) => `"${s}"`).join(', ')})`,
        hint: 'name one of its sheets with --sheet, exactly as on its tab',
      },
    ])
  }
  const grid: string[][] = []
  sheet.eachRow({ includeEmpty: true }, (row, r) => {
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      cells[c - 1] = cellText(cell)
    })
    grid[r - 1] = Array.from(cells, (c) => c ?? '')
  })
  for (let r = 0; r < grid.length; r++) grid[r] ??= []
  const where = `${file} sheet "${sheet.name}"`
  const { questionnaire, layout } = readTable(grid, {
    file,
    where,
    title: String(workbook.title || sheet.name),
    columns: options.columns ?? {},
  })
  checkPlaced(questionnaire, options.catalogs, layout, file, `sheet "${sheet.name}"`)
  return { questionnaire, file, source: { format: 'xlsx', bytes, sheet: sheet.name, layout } }
}

/** A cell's text as shown (rich text joined, formulas by their result, dates as YYYY-MM-DD). */
function cellText(cell: { value: unknown; text: string }): string {
  const v = cell.value
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  try {
    return cell.text ?? ''
  } catch {
    return ''
  }
}

function checkPlaced(
  questionnaire: Questionnaire,
  catalogs: CatalogSet,
  layout: TableLayout,
  file: string,
  where: string,
): void {
  const issues = checkQuestionnaire(questionnaire, catalogs).map((i) =>
    placeInTable(i, layout, file, where),
  )
  if (issues.length > 0) throw invalid(file, sortByPosition(issues))
}

async function readBytes(file: string, limit: number): Promise<Buffer> {
  const read = await readBoundedFile(file, limit)
  if (read.ok) return read.bytes
  const { problem } = read
  if (problem.kind === 'too-large') {
    const mib = limit / 1024 / 1024
    throw invalid(file, [
      {
        code: 'questionnaire_too_large',
        path: [],
        file,
        message: `the file is ${problem.size} bytes, larger than the ${mib} MiB limit for ${path.extname(file)} questionnaires`,
        hint: 'split the questionnaire into several files, or remove what is not questions (images, other sheets)',
      },
    ])
  }
  const why = problem.directory ? 'is a directory, not a file' : problem.why
  const issue: Issue = {
    code: 'questionnaire_not_found',
    path: [],
    file,
    message: `the questionnaire ${why}`,
    hint: 'check the path of the questionnaire (the first argument)',
  }
  throw new ConfigError({
    code: 'ERR_CONFIG_QUESTIONNAIRE_NOT_FOUND',
    message: `questionnaire ${file} ${why}`,
    issues: [issue],
  })
}

/** The sum of the uncompressed sizes in a zip's central directory; undefined if it has none. */
export function unpackedSize(zip: Uint8Array): number | undefined {
  const directory = centralDirectory(zip)
  if ('problem' in directory) return undefined
  // zip64 marks sizes as 0xffffffff: more than the limit anyway.
  return directory.entries.reduce((total, entry) => total + entry.uncompressed, 0)
}
