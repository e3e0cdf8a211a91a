/**
 * The plan of the bundled police-analytics example for the EU and US federal markets, on a fixed
 * date, against golden files (regenerate with UPDATE_GOLDENS=1 and review the diff), plus the
 * properties the issue asks of it: evidence reused across the EU AI Act and the NIST AI RMF,
 * actions ordered by legal deadline, owners and due dates from the manifest.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderPlanFiles } from '../../../src/core/plan/render.js'
import type { Plan } from '../../../src/core/plan/types.js'
import { planSystem } from '../../../src/node/plan.js'
import { rowHeaderProblems } from '../documents/html-tables.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const GOLDEN = join(ROOT, 'test/golden/plan/police-analytics')
const MANIFEST = join(ROOT, 'examples/police-analytics/accord.yaml')
const AS_OF = '2026-11-21'

let plan: Plan

beforeAll(async () => {
  ;({ plan } = await planSystem(MANIFEST, {
    targets: ['eu', 'us-federal'],
    asOf: AS_OF,
    generator: { name: 'accord', version: '0.0.0-test' },
  }))
})

describe('plan: police-analytics for eu,us-federal', () => {
  it('matches test/golden/plan/police-analytics/ byte for byte', () => {
    const files = renderPlanFiles(plan)
    if (process.env.UPDATE_GOLDENS === '1') {
      mkdirSync(GOLDEN, { recursive: true })
      for (const f of files) writeFileSync(join(GOLDEN, f.path), f.content)
    }
    expect(existsSync(GOLDEN), 'missing goldens; run UPDATE_GOLDENS=1 npx vitest run').toBe(true)
    expect(readdirSync(GOLDEN).sort()).toEqual(files.map((f) => f.path).sort())
    for (const f of files)
      expect(f.content, f.path).toBe(readFileSync(join(GOLDEN, f.path), 'utf8'))
  })

  it('gives every header cell of plan.html a scope (WCAG 1.3.1, H63)', () => {
    const html = renderPlanFiles(plan).find((f) => f.path.endsWith('.html'))?.content ?? ''
    const headerCells = html.match(/<th\b[^>]*>/g) ?? []
    expect(headerCells.length).toBeGreaterThan(0)
    for (const th of headerCells) expect(th).toMatch(/\sscope="(col|row)"/)
  })

  it('renders the field names of the header block of plan.html as row headers, and nothing else', () => {
    const html = renderPlanFiles(plan).find((f) => f.path.endsWith('.html'))?.content ?? ''
    expect(rowHeaderProblems(html)).toEqual({ fieldTables: 1, factTables: 0, problems: [] })
    expect(html).toContain('<th scope="row">Targets</th>')
  })

  it('reuses at least one evidence item across the EU AI Act and the NIST AI RMF', () => {
    const across = plan.reuse.filter((r) => {
      const fws = r.frameworks.map((f) => f.framework)
      return fws.includes('eu-ai-act') && fws.includes('nist-ai-rmf')
    })
    expect(across.length).toBeGreaterThan(0)
    const rmf = plan.reuse.find((r) => r.evidenceId === 'risk-management-file')
    const ids = rmf?.frameworks.flatMap((f) => f.obligations.map((o) => o.id)) ?? []
    expect(ids).toEqual(expect.arrayContaining(['eu-ai-act:art-9', 'nist-ai-rmf:map-5.1']))
    // Evidence also reaches the other framework through the crosswalk.
    const crossed = plan.reuse.flatMap((r) =>
      r.frameworks.flatMap((f) => f.obligations.filter((o) => o.via !== 'direct')),
    )
    expect(crossed.length).toBeGreaterThan(0)
  })

  it('orders actions by legal deadline: overdue, then by date, then voluntary', () => {
    const rank = { overdue: 0, upcoming: 1, voluntary: 2 } as const
    expect(plan.actions.length).toBeGreaterThan(10)
    for (let i = 1; i < plan.actions.length; i++) {
      const a = plan.actions[i - 1]!
      const b = plan.actions[i]!
      expect(rank[a.timing] <= rank[b.timing], `${a.id} before ${b.id}`).toBe(true)
      if (a.timing === b.timing && a.deadline !== null && b.deadline !== null) {
        expect(a.deadline <= b.deadline, `${a.id} before ${b.id}`).toBe(true)
      }
    }
    expect(plan.actions[0]).toMatchObject({ obligation: 'eu-ai-act:art-4', timing: 'overdue' })
    expect(
      plan.actions.filter((a) => a.timing === 'voluntary').every((a) => a.deadline === null),
    ).toBe(true)
    expect(plan.actions.map((a) => a.id)).toEqual(
      plan.actions.map((_, i) => `A-${String(i + 1).padStart(3, '0')}`),
    )
  })

  it('takes owners and due dates from the manifest and flags a due date after the deadline', () => {
    const by = new Map(plan.actions.map((a) => [a.obligation, a]))
    expect(by.get('eu-ai-act:art-4')).toMatchObject({
      owner: 'People and training lead',
      due: '2027-01-29',
      dueAfterDeadline: true,
    })
    expect(by.get('eu-ai-act:art-43')).toMatchObject({
      owner: 'Internal conformity team',
      due: '2027-03-31',
      dueAfterDeadline: false,
    })
    // Placed on the market on 2027-06-01, before 2027-12-02, and used by public authorities: under
    // Art. 111(2) the high-risk duties apply from 2030-08-02, so 2027-12-15 is in time.
    expect(by.get('eu-ai-act:art-49.1')).toMatchObject({
      due: '2027-12-15',
      deadline: '2030-08-02',
      dueAfterDeadline: false,
    })
    // art-17.1.a has no entry of its own; the entry for art-17 covers it.
    expect(by.get('eu-ai-act:art-17.1.a')).toMatchObject({
      owner: 'Quality manager',
      due: '2027-06-30',
    })
    expect(by.get('nist-ai-rmf:govern-1.1')).toMatchObject({ owner: 'AI governance board' })
    expect(by.get('nist-ai-rmf:map-1.1')).toMatchObject({ owner: 'AI risk manager', due: null })
    expect(plan.warnings).toEqual([])
    const md = renderPlanFiles(plan)[0]!.content
    expect(md).toContain('| People and training lead | 2027-01-29 (after the legal deadline) |')
  })
})
