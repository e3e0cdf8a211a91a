/**
 * `accord answer` on a buyer's workbook, checked with openpyxl (Debian's python3-openpyxl, not
 * exceljs, which Accord reads and writes with): the workbook is made by openpyxl with a sheet
 * before the questions, a column of the buyer's own, styles, widths and a merged title; after
 * `accord answer --sheet Questions`, openpyxl reads the answer cells and finds everything else
 * unchanged. Skipped without openpyxl unless ACCORD_REQUIRE_INDEPENDENT=1 (.ci/run sets it).
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLES, run } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'
import { pythonWith } from './python.js'

const PYTHON = pythonWith(['openpyxl'])
const POLICE = path.join(EXAMPLES, 'police-analytics', 'accord.yaml')

const MAKE = `
import sys, openpyxl
from openpyxl.styles import Font, PatternFill
wb = openpyxl.Workbook()
intro = wb.active
intro.title = 'Intro'
intro['A1'] = 'Read me first'
intro['A1'].font = Font(bold=True, color='FFC00000')
q = wb.create_sheet('Questions')
q['A1'] = 'Tender NP-9 due diligence'
q.merge_cells('A1:D1')
q.append([])
q.append(['Question ID', 'Question', 'Obligations', 'Weight', 'Answer'])
for c in q[3]:
    c.fill = PatternFill('solid', fgColor='FF1F3864')
q.append(['Q1', 'Bias testing?', 'eu-ai-act:art-10.2.f', 7])
q.append(['Q2', 'AI literacy of staff?', 'eu-ai-act:art-4', 3])
q.append(['Q3', 'Price?', None, 1])
q['B5'].font = Font(italic=True)
q.column_dimensions['B'].width = 55
q.column_dimensions['D'].width = 9
wb.save(sys.argv[1])
`

const READ = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
q = wb['Questions']
rows = [[c.value for c in r] for r in q.iter_rows(min_row=3, max_row=6)]
print(json.dumps({
  'sheets': wb.sheetnames,
  'intro': wb['Intro']['A1'].value,
  'introBold': wb['Intro']['A1'].font.b,
  'introColor': wb['Intro']['A1'].font.color.rgb,
  'merged': [str(m) for m in q.merged_cells.ranges],
  'title': q['A1'].value,
  'headerFill': q['A3'].fill.fgColor.rgb,
  'italic': q['B5'].font.i,
  'widthB': q.column_dimensions['B'].width,
  'widthD': q.column_dimensions['D'].width,
  'rows': rows,
  'created': wb.properties.created.isoformat(),
}))
`

describe.skipIf(PYTHON === undefined)(
  'accord answer on a buyer workbook, read back with openpyxl',
  () => {
    it('fills the answer cells and keeps every other sheet, cell, style and width', async () => {
      const dir = tempDir('accord-answer-xlsx-')
      const input = path.join(dir, 'buyer.xlsx')
      const output = path.join(dir, 'answered.xlsx')
      execFileSync(PYTHON as string, ['-c', MAKE, input])
      const r = await run([
        'answer',
        input,
        POLICE,
        '--as-of',
        '2026-11-21',
        '--sheet',
        'Questions',
        '--columns',
        'id=Question ID,refs=Obligations',
        '--out',
        output,
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(1) // Art. 4 is in force and missing
      const read = JSON.parse(
        execFileSync(PYTHON as string, ['-c', READ, output], { encoding: 'utf8' }),
      )
      expect(read.sheets).toEqual(['Intro', 'Questions'])
      expect(read.intro).toBe('Read me first')
      expect(read.introBold).toBe(true)
      expect(read.introColor).toBe('FFC00000')
      expect(read.merged).toEqual(['A1:D1'])
      expect(read.title).toBe('Tender NP-9 due diligence')
      expect(read.headerFill).toBe('FF1F3864')
      expect(read.italic).toBe(true)
      expect(read.widthB).toBe(55)
      expect(read.widthD).toBe(9)
      expect(read.created).toBe('2026-11-21T00:00:00')
      const [header, q1, q2, q3] = read.rows
      expect(header).toEqual([
        'Question ID',
        'Question',
        'Obligations',
        'Weight',
        'Answer',
        'status',
        'evidence',
      ])
      expect(q1.slice(0, 4)).toEqual(['Q1', 'Bias testing?', 'eu-ai-act:art-10.2.f', 7])
      expect(q1[4]).toMatch(/^Met\.\nArt\. 10\(2\)\(f\) \[eu-ai-act:art-10\.2\.f\]: met\./)
      expect(q1[5]).toBe('met')
      expect(q1[6]).toMatch(
        /^Dataset sheet DS-01: licensed telephony speech corpus \(dataset-sheet\), evidence\/dataset-sheet-asr-corpus\.md, SHA-256 [0-9a-f]{64}\n/,
      )
      expect(q2[5]).toBe('missing')
      expect(q2[4]).toContain('In force since 2025-02-02: a gap.')
      expect(q3[3]).toBe(1)
      expect(q3[5]).toBe('needs-human')
      expect(q3[4]).toBe(
        'Needs a human answer: the question names no obligation, no manifest field and no fact.',
      )
    })
  },
)
