/**
 * `accord answer` end to end: the police procurement example answered against police-analytics
 * (golden .md and .csv), byte-identical XLSX on two runs, the buyer's CSV columns kept, exit codes,
 * and bad inputs that leave no output file.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { parse as parseCsv } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { EXAMPLES, ROOT, run } from './helpers.js'
import { tempDir } from '../tmp.js'
import { rowHeaderProblems } from '../core/documents/html-tables.js'

const POLICE = path.join(EXAMPLES, 'police-analytics', 'accord.yaml')
const YAML_Q = path.join(EXAMPLES, 'questionnaires', 'police-procurement.yaml')
const XLSX_Q = path.join(EXAMPLES, 'questionnaires', 'police-procurement.xlsx')
const GOLDEN = path.join(ROOT, 'test', 'golden', 'questionnaire')
const AS_OF = ['--as-of', '2026-11-21']
const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02])

/** The text of one entry of a zip archive (stored or deflated), found by its local header. */
function zipText(zip: Buffer, name: string): string {
  for (let i = zip.indexOf('PK\x03\x04'); i >= 0; i = zip.indexOf('PK\x03\x04', i + 4)) {
    const nameLength = zip.readUInt16LE(i + 26)
    const extra = zip.readUInt16LE(i + 28)
    if (zip.toString('utf8', i + 30, i + 30 + nameLength) !== name) continue
    const start = i + 30 + nameLength + extra
    const data = zip.subarray(start, start + zip.readUInt32LE(i + 18))
    return (zip.readUInt16LE(i + 8) === 8 ? inflateRawSync(data) : data).toString('utf8')
  }
  throw new Error(`no ${name} in the zip`)
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name)
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(file, actual)
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

describe('accord answer', () => {
  it('answers the example and writes the Markdown report (golden), exit 1 for the Art. 4 gap', async () => {
    const dir = tempDir('accord-answer-')
    const out = path.join(dir, 'answers.md')
    const r = await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', out])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('28 questions answered for Kestrel Lattice 3.2.0 as of 2026-11-21')
    expect(r.stdout).toMatch(/Needs a human answer:\n {2}A5 /)
    expect(r.stdout).toContain(
      'E3  What training do officers need before they may us…: eu-ai-act:art-4 missing, in force',
    )
    // A gap only through a crosswalk edge is a limit of the mapping, and says so.
    expect(r.stdout).toContain(
      'B2  Describe the data governance of training, validat…: iso-42001:a.7.4 partial (by mapping)',
    )
    expect(r.stdout).not.toMatch(/eu-ai-act:\S+ \w+(, in force)? \(by mapping\)/)
    const md = readFileSync(out, 'utf8')
    golden('police-procurement.md', md)
    // Facts: Accord's own classification, stated in the answer to A3.
    expect(md).toContain(
      "> EU AI Act classification (Accord's) \\[eu-ai-act.classification\\]:  \n> Category: high-risk (Art. 6(2), Annex III 6(c), Annex III 6(e)).  \n",
    )
  })

  it('writes the answers as CSV (golden), one row per question with status, answer and evidence', async () => {
    const dir = tempDir('accord-answer-')
    const out = path.join(dir, 'answers.csv')
    const r = await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', out])
    expect(r.code).toBe(1)
    const text = readFileSync(out, 'utf8')
    golden('police-procurement.csv', text)
    const rows = parseCsv(text) as string[][]
    expect(rows[0]).toEqual([
      'id',
      'section',
      'question',
      'refs',
      'fields',
      'facts',
      'status',
      'answer',
      'evidence',
    ])
    expect(rows).toHaveLength(29)
    const e2 = rows.find((row) => row[0] === 'E2') as string[]
    expect(e2[6]).toBe('partial')
    expect(e2[7]).toContain('By mapping (crosswalk), not assessed directly: eu-ai-act:art-12')
    const f4 = rows.find((row) => row[0] === 'F4') as string[]
    expect(f4[5]).toBe('readiness\ngaps')
    expect(f4[7]).toContain(
      'Gaps in force [gaps]:\n1 binding obligation in force on 2026-11-21 is partial or missing:\n• Art. 4 AI literacy [eu-ai-act:art-4]: missing.',
    )
    expect(e2[8]).toMatch(
      /^Logging specification LOG-LAT-3\.2 \(technical-specification\), evidence\/logging-specification\.md, SHA-256 [0-9a-f]{64}$/m,
    )
  })

  it('writes the report as a self-contained HTML page (golden), from the Markdown report', async () => {
    const dir = tempDir('accord-answer-')
    const out = path.join(dir, 'answers.html')
    const r = await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', out])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/wrote .*answers\.html {2}sha256:[0-9a-f]{16}…/)
    const html = readFileSync(out, 'utf8')
    golden('police-procurement.html', html)
    expect(readdirSync(dir)).toEqual(['answers.html'])
    // The checks every generated page passes (test/core/documents/generate.test.ts).
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true)
    expect(html).toContain('<meta charset="utf-8">')
    expect(html).toContain(
      '<title>AI system due-diligence questionnaire: answers for Kestrel Lattice 3.2.0</title>',
    )
    expect(html).toContain('<style>')
    expect(html).not.toMatch(/<script|\ssrc=|<link\b|href="?(https?:)?\/\//i)
    expect(html.match(/<h1>/g)).toHaveLength(1)
    expect(rowHeaderProblems(html).problems).toEqual([])
    // Each line of an answer is a line of the page, not run together into one paragraph.
    expect(html).toContain(
      '<blockquote>\n<p>Missing.<br>Art. 4 [eu-ai-act:art-4]: missing. Missing: no evidence file supports eu-ai-act:art-4',
    )
    expect(html).toContain(
      'EU AI Act classification (Accord&#39;s) [eu-ai-act.classification]:<br>Category: high-risk (Art. 6(2), Annex III 6(c), Annex III 6(e)).<br>',
    )
  })

  it("keeps the buyer's text text in the HTML report: no tags, no links out", async () => {
    const dir = tempDir('accord-answer-')
    const file = path.join(dir, 'q.yaml')
    writeFileSync(
      file,
      'questionnaire: accord-questionnaire/v1\ntitle: "<script>alert(1)</script> Tender"\nquestions:\n' +
        '  - id: "1"\n    text: "See [our terms](https://evil.test/x) and <img src=x onerror=alert(1)>"\n    facts: [law-version]\n',
    )
    const out = path.join(dir, 'a.html')
    expect((await run(['answer', file, POLICE, ...AS_OF, '--out', out])).code).toBe(0)
    const html = readFileSync(out, 'utf8')
    expect(html).not.toMatch(/<script|<img|href=/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Tender')
    expect(html).toContain(
      '[our terms](https://evil.test/x) and &lt;img src=x onerror=alert(1)&gt;',
    )
  })

  it('writes the report as DOCX: the answers, the identity in the running header, the same bytes on two runs', async () => {
    const dir = tempDir('accord-answer-')
    const [a, b] = [path.join(dir, 'a.docx'), path.join(dir, 'b.docx')]
    expect((await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', a])).code).toBe(1)
    expect((await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', b])).code).toBe(1)
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['a.docx', 'b.docx'])
    const zip = readFileSync(a)
    // Lines are Word line breaks (<w:br/>) and paragraphs; a newline in a text run is no line.
    const body = zipText(zip, 'word/document.xml')
      .replace(/\n/g, ' ')
      .replace(/<w:br\/>/g, '\n')
      .replace(/<\/w:p>/g, '\n')
      .replace(/<[^>]+>/g, '')
    expect(body).toContain('AI system due-diligence questionnaire\n')
    expect(body).toContain(
      'E3. What training do officers need before they may use the system?\nStatus: missing (gap in force)\nMissing.\nArt. 4 [eu-ai-act:art-4]: missing.',
    )
    expect(body).toContain(
      'Gaps in force [gaps]:\n1 binding obligation in force on 2026-11-21 is partial or missing:\n• Art. 4 AI literacy [eu-ai-act:art-4]: missing.\n',
    )
    // The running header, as accord docs writes it: system, version, the manifest's digest.
    const digest = createHash('sha256').update(readFileSync(POLICE)).digest('hex')
    const header = zipText(zip, 'word/header1.xml').replace(/<[^>]+>/g, '')
    expect(header).toContain(
      `Kestrel Lattice 3.2.0 · manifest SHA-256 ${digest.slice(0, 16)}…as of 2026-11-21 · accord `,
    )
    expect(zipText(zip, 'docProps/core.xml')).toContain(
      '<dc:title>AI system due-diligence questionnaire: answers for Kestrel Lattice 3.2.0</dc:title>',
    )
    const later = path.join(dir, 'c.docx')
    await run(['answer', YAML_Q, POLICE, '--as-of', '2026-11-22', '--out', later])
    expect(Buffer.compare(readFileSync(a), readFileSync(later))).not.toBe(0)
  })

  it('refuses an --out extension it cannot write, naming those it can', async () => {
    const dir = tempDir('accord-answer-')
    const out = path.join(dir, 'answers.pdf')
    const r = await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('write to .xlsx, .csv, .yaml, .yml, .json, .md, .html or .docx')
    expect(existsSync(out)).toBe(false)
  })

  it('--json prints every answer; a questionnaire without in-force gap exits 0', async () => {
    const dir = tempDir('accord-answer-')
    const file = path.join(dir, 'q.yaml')
    writeFileSync(
      file,
      'questionnaire: accord-questionnaire/v1\ntitle: Short\nquestions:\n  - id: "1"\n    text: Bias?\n    refs: [eu-ai-act:art-10.2.f]\n  - id: "2"\n    text: Price?\n',
    )
    const r = await run(['answer', file, POLICE, ...AS_OF, '--json'])
    expect(r.code).toBe(0)
    const json = r.json()
    expect(json.summary).toEqual({
      questions: 2,
      met: 1,
      partial: 0,
      missing: 0,
      notApplicable: 0,
      needsHuman: 1,
      gaps: 0,
    })
    expect(json.answers[0].refs[0]).toMatchObject({ ref: 'eu-ai-act:art-10.2.f', status: 'met' })
    expect(json.answers[1].status).toBe('needs-human')
  })

  it('writes the same XLSX bytes on two runs, into the buyer workbook layout', async () => {
    const dir = tempDir('accord-answer-')
    const a = path.join(dir, 'a.xlsx')
    const b = path.join(dir, 'b.xlsx')
    expect((await run(['answer', XLSX_Q, POLICE, ...AS_OF, '--out', a])).code).toBe(1)
    expect((await run(['answer', XLSX_Q, POLICE, ...AS_OF, '--out', b])).code).toBe(1)
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0)
    // Every zip entry is dated the as-of day, 00:00 (DOS date and time in the central directory).
    const zip = readFileSync(a)
    const dos = ((2026 - 1980) << 9) | (11 << 5) | 21
    let entries = 0
    for (let i = zip.indexOf(CENTRAL); i >= 0; i = zip.indexOf(CENTRAL, i + 4)) {
      expect([zip.readUInt16LE(i + 12), zip.readUInt16LE(i + 14)]).toEqual([0, dos])
      entries++
    }
    expect(entries).toBeGreaterThan(5)
    expect(zipText(zip, 'docProps/core.xml')).toContain(
      '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-21T00:00:00Z</dcterms:modified>',
    )
    // The Facts column of the example workbook is read as each question's facts.
    const json = (await run(['answer', XLSX_Q, POLICE, ...AS_OF, '--json'])).json()
    const withFacts = (json.answers as { id: string; facts: { fact: string }[] }[])
      .filter((x) => x.facts.length > 0)
      .map((x) => [x.id, x.facts.map((f) => f.fact)])
    expect(withFacts).toEqual([
      ['A3', ['eu-ai-act.classification', 'law-version']],
      ['F1', ['eu-ai-act.obligations-in-force']],
      ['F4', ['readiness', 'gaps']],
    ])
    const later = path.join(dir, 'c.xlsx')
    await run(['answer', XLSX_Q, POLICE, '--as-of', '2026-11-22', '--out', later])
    expect(Buffer.compare(readFileSync(a), readFileSync(later))).not.toBe(0)
  })

  it('keeps the columns and rows of a buyer CSV and fills its answer column', async () => {
    const dir = tempDir('accord-answer-')
    const file = path.join(dir, 'buyer.csv')
    writeFileSync(
      file,
      'Tender NP-1,,,\n' +
        'No.,Question text,Obligations,Vendor answer,Notes\n' +
        'Q1,Bias testing?,"eu-ai-act:art-10.2.f, nist-ai-rmf:measure-2.11",,keep me\n' +
        'Q2,Price?,,,\n',
    )
    const out = path.join(dir, 'answered.csv')
    const r = await run([
      'answer',
      file,
      POLICE,
      ...AS_OF,
      '--out',
      out,
      '--columns',
      'id=No.,question=Question text,refs=Obligations,answer=Vendor answer',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const rows = parseCsv(readFileSync(out, 'utf8'), { relax_column_count: true }) as string[][]
    expect(rows[0]?.[0]).toBe('Tender NP-1')
    expect(rows[1]).toEqual([
      'No.',
      'Question text',
      'Obligations',
      'Vendor answer',
      'Notes',
      'status',
      'evidence',
    ])
    expect(rows[2]?.slice(0, 3)).toEqual([
      'Q1',
      'Bias testing?',
      'eu-ai-act:art-10.2.f, nist-ai-rmf:measure-2.11',
    ])
    expect(rows[2]?.[3]).toMatch(/^Met\.\nArt\. 10\(2\)\(f\)/)
    expect(rows[2]?.[4]).toBe('keep me')
    expect(rows[2]?.[5]).toBe('met')
    expect(rows[3]?.[5]).toBe('needs-human')
  })

  it('writes the questionnaire with answers as YAML and JSON, which read back to the same answers', async () => {
    const dir = tempDir('accord-answer-')
    const yaml = path.join(dir, 'answered.yaml')
    const json = path.join(dir, 'answered.json')
    expect((await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', yaml])).code).toBe(1)
    const text = readFileSync(yaml, 'utf8')
    expect(text).toMatch(
      /^questionnaire: accord-questionnaire\/v1\ntitle: AI system due-diligence questionnaire\n/,
    )
    expect(text).toContain('    answer:\n      status: needs-human\n')
    const again = path.join(dir, 'again.yaml')
    expect((await run(['answer', yaml, POLICE, ...AS_OF, '--out', again])).code).toBe(1)
    expect(readFileSync(again, 'utf8')).toBe(text)
    expect((await run(['answer', YAML_Q, POLICE, ...AS_OF, '--out', json])).code).toBe(1)
    const parsed = JSON.parse(readFileSync(json, 'utf8'))
    expect(parsed.questions[0].answer.status).toBe('met')
    expect(parsed.questions[0].answer.evidence[0]).toMatch(/, SHA-256 [0-9a-f]{64}$/)
  })

  it('refuses --out naming the questionnaire itself unless --force', async () => {
    const dir = tempDir('accord-answer-')
    const file = path.join(dir, 'q.csv')
    const text = 'id,question,refs\nQ1,Bias?,eu-ai-act:art-10.2.f\n'
    writeFileSync(file, text)
    const r = await run(['answer', file, POLICE, ...AS_OF, '--out', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is the questionnaire itself')
    expect(readFileSync(file, 'utf8')).toBe(text)
    const forced = await run(['answer', file, POLICE, ...AS_OF, '--out', file, '--force'])
    expect(forced.code).toBe(0)
    expect(readFileSync(file, 'utf8')).toMatch(
      /^id,question,refs,status,answer,evidence\nQ1,Bias\?/,
    )
  })

  describe('bad inputs exit 3 (5 for a missing file) and write nothing', () => {
    const cases: [string, string, string[], number, RegExp][] = [
      [
        'malformed YAML, with line and column',
        'q.yaml',
        [
          'questionnaire: accord-questionnaire/v1\ntitle: T\nquestions:\n  - id: a\n    text: "unclosed\n',
        ],
        3,
        /q\.yaml:6:1: YAML syntax error: missing closing "quote \[yaml_syntax\]\n\s+fix: close the quote/,
      ],
      [
        'a CSV without an id column',
        'q.csv',
        ['number,question\n1,Bias?\n'],
        3,
        /no header row with a "id" column in the first 20 rows \(headers seen: "number", "question"\)/,
      ],
      [
        'an unknown ref, with the id meant',
        'q.csv',
        ['id,question,refs\nQ1,Bias?,eu-ai-act:art-10.2.fx\n'],
        3,
        /q\.csv:2:3: cell C2: question "Q1" refers to unknown obligation "eu-ai-act:art-10\.2\.fx" \[unknown_obligation_ref\]\n\s+fix: did you mean "eu-ai-act:art-10\.2\.f"/,
      ],
      [
        'an unknown fact, at its cell, with the fact meant',
        'q.csv',
        ['id,question,facts\nQ1,Class?,clasification\n'],
        3,
        /q\.csv:2:3: cell C2: question "Q1" asks for unknown fact "clasification" \[unknown_fact\]\n\s+fix: did you mean "eu-ai-act\.classification"\?/,
      ],
      [
        'an unknown manifest field',
        'q.yaml',
        [
          'questionnaire: accord-questionnaire/v1\ntitle: T\nquestions:\n  - id: a\n    text: Where?\n    fields: [assurance.residency]\n',
        ],
        3,
        /q\.yaml:6:14: question "a" quotes "assurance\.residency", which is not a manifest field at questions\[0\]\.fields\[0\] \[unknown_manifest_field\]\n\s+fix: did you mean "assurance\.dataResidency"\?/,
      ],
    ]
    it.each(cases)('%s', async (_name, fileName, [content], exit, message) => {
      const dir = tempDir('accord-answer-bad-')
      const file = path.join(dir, fileName)
      writeFileSync(file, content as string)
      const out = path.join(dir, 'out', 'answers.xlsx')
      const r = await run(['answer', file, POLICE, ...AS_OF, '--out', out])
      expect(r.code).toBe(exit)
      expect(r.stderr).toMatch(/\[ERR_CONFIG_QUESTIONNAIRE_INVALID\]/)
      expect(r.stderr).toMatch(message)
      expect(existsSync(out)).toBe(false)
      expect(existsSync(path.dirname(out))).toBe(false)
    })

    it('a sheet that does not exist, naming the sheets there are', async () => {
      const dir = tempDir('accord-answer-bad-')
      const out = path.join(dir, 'answers.xlsx')
      const r = await run([
        'answer',
        XLSX_Q,
        POLICE,
        ...AS_OF,
        '--sheet',
        'Questions',
        '--out',
        out,
        '--json',
      ])
      expect(r.code).toBe(3)
      expect(r.json().error.issues[0].message).toBe(
        'the workbook has no sheet "Questions" (its sheets: "Questionnaire", "Instructions")',
      )
      expect(existsSync(out)).toBe(false)
    })

    it('a missing questionnaire file is exit 5', async () => {
      const dir = tempDir('accord-answer-bad-')
      const r = await run(['answer', path.join(dir, 'none.xlsx'), POLICE, ...AS_OF])
      expect(r.code).toBe(5)
      expect(r.stderr).toContain('[ERR_CONFIG_QUESTIONNAIRE_NOT_FOUND]')
    })

    it('a file that is not a workbook', async () => {
      const dir = tempDir('accord-answer-bad-')
      const file = path.join(dir, 'q.xlsx')
      writeFileSync(file, 'id,question\n')
      const r = await run(['answer', file, POLICE, ...AS_OF])
      expect(r.code).toBe(3)
      expect(r.stderr).toContain('the file is not an XLSX workbook')
    })
  })
})

describe('examples/questionnaires/police-procurement.xlsx', () => {
  it('is what scripts/questionnaire-example.mjs builds from the YAML', () => {
    const out = execFileSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'questionnaire-example.mjs'), '--check'],
      {
        encoding: 'utf8',
      },
    )
    expect(out).toContain('is up to date')
  })
})
