/**
 * PDF renditions, checked with Debian's poppler-utils (not the code that wrote them): pages
 * rendered to images with pdftoppm, text extracted with pdftotext. One Chromium launch for the
 * file (writeDocuments renders all five documents with one browser).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDocuments, type DocumentsResult } from '../../../src/node/pipeline.js'
import { TOC_TITLE } from '../../../src/node/office/toc.js'
import {
  AS_OF,
  CHROMIUM,
  docContent,
  GENERATOR,
  pdfToolsAvailable,
  policeRun,
  type PoliceRun,
} from './helpers.js'

const ANNEX = 'annex-iv-technical-documentation'

/** pdftotext output split into pages at form feeds (the text after the last one is dropped). */
function pdfPages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 << 20 })
  return text.toString('utf8').split('\f').slice(0, -1)
}

const squash = (s: string): string => s.replace(/\s+/g, ' ')

describe.runIf(pdfToolsAvailable())('PDF renditions of the police-analytics documents', () => {
  let run: PoliceRun
  let outDir: string
  let written: DocumentsResult

  beforeAll(async () => {
    run = await policeRun()
    outDir = mkdtempSync(path.join(tmpdir(), 'accord-pdf-'))
    written = await writeDocuments(
      run.system,
      run.classification,
      run.assessment,
      outDir,
      GENERATOR,
      { formats: ['md', 'html', 'pdf'], chromiumPath: CHROMIUM },
    )
  }, 180_000)

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true })
  })

  it('writes a PDF next to the Markdown and HTML of every document', () => {
    const names = written.files.map((f) => f.path)
    for (const base of [
      ANNEX,
      'eu-declaration-of-conformity',
      'nist-ai-rmf-profile',
      'classification-report',
      'index',
    ])
      expect(names).toEqual(expect.arrayContaining([`${base}.md`, `${base}.html`, `${base}.pdf`]))
    expect(names).toHaveLength(15)
    // The Markdown and HTML are exactly the core's output, so the index's digests hold.
    for (const doc of run.docs)
      expect(readFileSync(path.join(outDir, doc.path), 'utf8')).toBe(doc.content)
  })

  it('renders the Annex IV PDF to page images with pdftoppm', () => {
    const imgDir = mkdtempSync(path.join(tmpdir(), 'accord-pdf-png-'))
    try {
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '50',
        path.join(outDir, `${ANNEX}.pdf`),
        path.join(imgDir, 'p'),
      ])
      const pngs = readdirSync(imgDir).filter((f) => f.endsWith('.png'))
      expect(pngs.length).toBeGreaterThanOrEqual(2)
      for (const png of pngs) {
        const bytes = readFileSync(path.join(imgDir, png))
        expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
        expect(bytes.length).toBeGreaterThan(1000)
      }
    } finally {
      rmSync(imgDir, { recursive: true, force: true })
    }
  })

  it('has the contents, all nine Annex IV points, and identity and page numbers on every page', () => {
    const pages = pdfPages(path.join(outDir, `${ANNEX}.pdf`))
    expect(pages.length).toBeGreaterThanOrEqual(2)
    const all = squash(pages.join(' '))
    expect(all).toContain(TOC_TITLE)
    expect(pages[0]).toContain('Page 1 of')
    const name = run.system.manifest.system.name
    const sha12 = run.assessment.manifestSha256.slice(0, 12)
    pages.forEach((page, i) => {
      expect(page).toContain(name)
      expect(page).toContain(sha12)
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`)
    })
    const points = [...docContent(run.docs, `${ANNEX}.md`).matchAll(/^## (\d\. .+)$/gm)].map((m) =>
      squash((m[1] ?? '').replace(/\\(.)/g, '$1')),
    )
    expect(points).toHaveLength(9)
    // Each appears twice: in the contents and as the heading of its section.
    for (const p of points) expect(all.split(p).length - 1).toBeGreaterThanOrEqual(2)
  })

  it('has the identity on every page of the other documents too', () => {
    for (const base of ['eu-declaration-of-conformity', 'index']) {
      const pages = pdfPages(path.join(outDir, `${base}.pdf`))
      expect(pages.length).toBeGreaterThanOrEqual(1)
      pages.forEach((page, i) => {
        expect(page).toContain(run.assessment.manifestSha256.slice(0, 12))
        expect(page).toContain(`Page ${i + 1} of ${pages.length}`)
      })
    }
  })

  it('dates the PDF at the as-of date, not the wall clock', () => {
    const info = execFileSync('pdfinfo', [
      '-isodates',
      path.join(outDir, `${ANNEX}.pdf`),
    ]).toString()
    expect(info).toMatch(new RegExp(`CreationDate:\\s+${AS_OF}T00:00:00`))
    expect(info).toMatch(new RegExp(`ModDate:\\s+${AS_OF}T00:00:00`))
    expect(info).toMatch(/Tagged:\s+yes/)
  })
})
