import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../src/core/errors.js'
import { parseFormats, titleOf } from '../../../src/node/office/render.js'
import { writeDocuments } from '../../../src/node/pipeline.js'
import { run as runCli } from '../../cli/helpers.js'
import { GENERATOR, POLICE, policeRun, type PoliceRun } from './helpers.js'

describe('parseFormats', () => {
  it('accepts a subset in any order and case, and all', () => {
    expect(parseFormats('docx,MD')).toEqual(['md', 'docx'])
    expect(parseFormats(['pdf', 'html,pdf'])).toEqual(['html', 'pdf'])
    expect(parseFormats('all')).toEqual(['md', 'html', 'pdf', 'docx'])
  })

  it('rejects unknown and empty lists with ERR_CONFIG_BAD_ARGS', () => {
    expect(() => parseFormats('md,rtf')).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_BAD_ARGS' }),
    )
    expect(() => parseFormats(' , ')).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_BAD_ARGS' }),
    )
  })
})

describe('titleOf', () => {
  it('reads the page title as text', () => {
    expect(titleOf('<title>A &amp; B: x</title>')).toBe('A & B: x')
  })
})

describe('writeDocuments formats', () => {
  let police: PoliceRun
  const dirs: string[] = []
  const tempDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'accord-office-'))
    dirs.push(d)
    return d
  }

  beforeAll(async () => {
    police = await policeRun()
  }, 120_000)
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('writes Markdown and HTML only by default, exactly as generated', async () => {
    const out = path.join(tempDir(), 'docs')
    const written = await writeDocuments(
      police.system,
      police.classification,
      police.assessment,
      out,
      GENERATOR,
    )
    expect(written.files.map((f) => f.path)).toEqual(police.docs.map((d) => d.path))
    expect(readdirSync(out).sort()).toEqual(police.docs.map((d) => d.path).sort())
  })

  it('writes DOCX without Chromium', async () => {
    const out = path.join(tempDir(), 'docs')
    const written = await writeDocuments(
      police.system,
      police.classification,
      police.assessment,
      out,
      GENERATOR,
      { formats: ['docx'], chromiumPath: '/nonexistent/chromium' },
    )
    expect(written.files.map((f) => f.path)).toEqual(
      police.docs
        .filter((d) => d.path.endsWith('.md'))
        .map((d) => d.path.replace(/\.md$/, '.docx')),
    )
    for (const f of written.files) expect(f.bytes).toBeGreaterThan(5000)
  })

  it('fails with ERR_DOCUMENT_CHROMIUM_MISSING and writes nothing when Chromium is missing', async () => {
    const out = path.join(tempDir(), 'docs')
    await expect(
      writeDocuments(police.system, police.classification, police.assessment, out, GENERATOR, {
        formats: ['md', 'html', 'pdf', 'docx'],
        chromiumPath: path.join(tempDir(), 'no-chromium'),
      }),
    ).rejects.toMatchObject({ code: 'ERR_DOCUMENT_CHROMIUM_MISSING' })
    expect(existsSync(out)).toBe(false)
  })
})

describe('accord docs --formats', () => {
  it('exits 5 with the coded error and writes nothing when Chromium is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'accord-office-cli-'))
    try {
      const out = path.join(dir, 'docs')
      const r = await runCli([
        'docs',
        POLICE,
        '--out',
        out,
        '--as-of',
        '2026-11-01',
        '--formats',
        'md,pdf',
        '--chromium',
        path.join(dir, 'missing-chromium'),
      ])
      expect(r.code).toBe(5)
      expect(ERROR_CODES.ERR_DOCUMENT_CHROMIUM_MISSING.exit).toBe(5)
      expect(r.stderr).toContain('ERR_DOCUMENT_CHROMIUM_MISSING')
      expect(r.stderr).toContain('apt-get install chromium')
      expect(existsSync(out)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects an unknown format with exit 2', async () => {
    const r = await runCli([
      'docs',
      POLICE,
      '--out',
      path.join(tmpdir(), 'never'),
      '--formats',
      'rtf',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('ERR_CONFIG_BAD_ARGS')
  })
})
