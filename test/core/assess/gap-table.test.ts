import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assessSystem } from '../../../src/core/assess/assess.js'
import { renderGapTable } from '../../../src/core/assess/gap-table.js'
import { gapExit } from '../../../src/cli/commands/assess.js'
import { EXIT } from '../../../src/core/errors.js'
import type { AssessmentResult } from '../../../src/core/assess/types.js'
import { ev, fixtureCatalogs, fixtureClassification, fixtureManifest } from './fixture.js'

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '../../golden/assess')

/** Compares with a golden file; `UPDATE_GOLDENS=1` rewrites it (review the diff). */
function golden(name: string, actual: string): void {
  const file = join(goldenDir, name)
  if (process.env.UPDATE_GOLDENS === '1') {
    mkdirSync(goldenDir, { recursive: true })
    writeFileSync(file, actual)
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

function result(): AssessmentResult {
  return assessSystem({
    manifest: fixtureManifest({ humanOversight: { measures: ['a reviewer confirms rankings'] } }),
    manifestSha256: 'f'.repeat(64),
    evidence: [
      ev('risk-register', ['eu-ai-act:art-9.2.a']),
      ev('perf-report', ['nist-ai-rmf:measure-2.3']),
      ev('literacy-draft', ['eu-ai-act:art-4'], { partial: true }),
    ],
    catalogs: fixtureCatalogs(),
    classification: fixtureClassification(),
    asOf: '2026-09-01',
  })
}

describe('renderGapTable', () => {
  it('lists partial and missing obligations per framework (golden)', () => {
    golden('gap-table.txt', renderGapTable(result()))
  })

  it('lists met obligations too with all (golden)', () => {
    golden('gap-table-all.txt', renderGapTable(result(), { all: true, width: 80 }))
  })

  it('has no ANSI codes unless colour is asked for', () => {
    const plain = renderGapTable(result())
    expect(plain).not.toContain('\u001b[')
    const coloured = renderGapTable(result(), { color: true })
    expect(coloured).toContain('\u001b[31mmissing\u001b[0m')
    expect(coloured).toContain('\u001b[33mpartial\u001b[0m')
  })

  it('keeps every line within the width', () => {
    for (const width of [60, 80, 120]) {
      const lines = renderGapTable(result(), { width, all: true }).split('\n')
      const table = lines.filter((l) => l.startsWith('  '))
      expect(table.length).toBeGreaterThan(5)
      for (const l of table) expect(l.length, l).toBeLessThanOrEqual(width)
    }
  })

  it('shows the header counts, readiness and gap counts', () => {
    const text = renderGapTable(result())
    expect(text).toContain(
      'EU AI Act (test fixture)\n  readiness 57%: 2 met, 4 partial, 1 missing, 2 not applicable; gaps: 1 in force, 4 upcoming',
    )
    expect(text).toContain('NIST AI RMF 1.0 (test fixture) (voluntary)\n  readiness 40%')
    expect(text).not.toMatch(/^ {2}Art\. 9\(2\)\(a\) /m) // met rows are left out by default
    expect(renderGapTable(result(), { all: true })).toMatch(
      /^ {2}Art\. 9\(2\)\(a\) .* risk-register$/m,
    )
  })

  it('shows the classification under the title, and a prohibited practice as a warning', () => {
    const highRisk = renderGapTable(result(), {
      classification: {
        category: 'high-risk',
        citations: ['Art. 6(2)', 'Annex III 4(a)'],
        prohibitedPractices: [],
      },
    })
    expect(highRisk.split('\n')[1]).toBe(
      'EU AI Act classification: high-risk (Art. 6(2), Annex III 4(a))',
    )
    expect(highRisk).not.toContain('PROHIBITED')
    // Without a classification the table is as before (the goldens above).
    expect(renderGapTable(result()).split('\n')[1]).toBe('')

    const prohibited = renderGapTable(result(), {
      width: 80,
      classification: {
        category: 'prohibited',
        citations: ['Art. 5(1)(c)', 'Art. 6(2)'],
        prohibitedPractices: [
          { point: 'Art. 5(1)(c)', nodeId: 'art-5.1.c', appliesFrom: '2025-02-02', inForce: true },
          {
            point: 'Art. 5(1)(ba)',
            nodeId: 'art-5.1.ba',
            appliesFrom: '2026-12-02',
            inForce: false,
          },
        ],
      },
    })
    const text = prohibited.split('\n').slice(1, 6).join(' ')
    expect(text).toContain('EU AI Act classification: prohibited (Art. 5(1)(c), Art. 6(2))')
    // Only the practices in force on the date are named.
    expect(text).toMatch(/PROHIBITED PRACTICE \(Art\. 5\(1\)\(c\)\): the Act forbids placing/)
    expect(text).toContain('do not lift the prohibition')
    // The lines added under the title (which is not wrapped) keep to the width.
    for (const l of prohibited.split('\n').slice(1, 6)) expect(l.length, l).toBeLessThanOrEqual(80)
  })
})

describe('gapExit', () => {
  const gaps = (inForce: number, upcoming: number): AssessmentResult => ({
    ...result(),
    gaps: inForce,
    gapsUpcoming: upcoming,
  })

  it('exits 1 for gaps that --fail-on selects', () => {
    expect(gapExit(gaps(1, 0), 'in-force')).toBe(EXIT.findings)
    expect(gapExit(gaps(0, 2), 'in-force')).toBe(EXIT.ok)
    expect(gapExit(gaps(0, 2), 'upcoming')).toBe(EXIT.findings)
    expect(gapExit(gaps(3, 3), 'never')).toBe(EXIT.ok)
  })

  it('exits 1 for a prohibited practice even without gaps, unless --fail-on never', () => {
    expect(gapExit(gaps(0, 0), 'in-force', 'prohibited')).toBe(EXIT.findings)
    expect(gapExit(gaps(0, 0), 'upcoming', 'prohibited')).toBe(EXIT.findings)
    expect(gapExit(gaps(0, 0), 'never', 'prohibited')).toBe(EXIT.ok)
    expect(gapExit(gaps(0, 0), 'in-force', 'high-risk')).toBe(EXIT.ok)
  })
})
