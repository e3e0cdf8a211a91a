#!/usr/bin/env node
/**
 * Rebuilds examples/questionnaires/police-procurement.xlsx from police-procurement.yaml: the same
 * questions laid out as a buyer's workbook would be (a title block above the header row, a Facts
 * column, a Weight column of the buyer's own, an empty Answer column, styled headers, column
 * widths, and a second sheet of instructions), so `accord answer` can be tried on a spreadsheet. Deterministic: same
 * YAML, same bytes (fixed dates, zip entry times fixed as for DOCX). Needs `npm run build` first.
 *
 *   node scripts/questionnaire-example.mjs [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { parse } from 'yaml'
import { fixZipTimes } from '../dist/node/zip.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const DIR = path.join(ROOT, 'examples', 'questionnaires')
const DATE = '2026-11-02'

export async function buildWorkbook() {
  const q = parse(readFileSync(path.join(DIR, 'police-procurement.yaml'), 'utf8'))
  const wb = new ExcelJS.Workbook()
  wb.creator = q.buyer
  wb.title = q.title
  wb.created = new Date(`${DATE}T00:00:00Z`)
  wb.modified = wb.created

  const sheet = wb.addWorksheet('Questionnaire')
  sheet.getCell('A1').value = q.title
  sheet.getCell('A1').font = { bold: true, size: 14 }
  sheet.getCell('A2').value = `${q.buyer}, reference ${q.reference}`
  sheet.getCell('A2').font = { italic: true }
  const header = ['ID', 'Section', 'Question', 'Refs', 'Fields', 'Facts', 'Weight', 'Answer']
  const headerRow = sheet.getRow(4)
  header.forEach((h, i) => {
    const cell = headerRow.getCell(i + 1)
    cell.value = h
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F3864' } }
  })
  const widths = [8, 34, 70, 30, 34, 30, 10, 60]
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w))
  q.questions.forEach((question, n) => {
    const row = sheet.getRow(5 + n)
    row.values = [
      question.id,
      question.section,
      question.text,
      (question.refs ?? []).join('\n'),
      (question.fields ?? []).join('\n'),
      (question.facts ?? []).join('\n'),
      question.section?.startsWith('H.') ? 5 : 10,
    ]
    for (const c of [2, 3, 4, 5, 6]) row.getCell(c).alignment = { wrapText: true, vertical: 'top' }
    // The buyer's answer cells: pale yellow, for the vendor to fill in.
    row.getCell(8).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } }
  })

  const help = wb.addWorksheet('Instructions')
  help.getColumn(1).width = 100
  help.getCell('A1').value = 'How to answer'
  help.getCell('A1').font = { bold: true }
  help.getCell('A2').value =
    'Answer every question in the Answer column of the Questionnaire sheet. Cite the documents your answers rely on. Do not change the questions or the weights.'
  help.getCell('A3').value =
    `Return the workbook to the procurement directorate by the date in the tender notice (${q.reference}).`

  const buffer = await wb.xlsx.writeBuffer()
  return fixZipTimes(new Uint8Array(buffer), DATE)
}

const file = path.join(DIR, 'police-procurement.xlsx')
const bytes = await buildWorkbook()
if (process.argv.includes('--check')) {
  const same = Buffer.compare(Buffer.from(bytes), readFileSync(file)) === 0
  console.log(
    same ? `${path.relative(ROOT, file)} is up to date` : `${path.relative(ROOT, file)} is stale`,
  )
  process.exit(same ? 0 : 1)
}
writeFileSync(file, bytes)
console.log(`wrote ${path.relative(ROOT, file)} (${bytes.length} bytes)`)
