import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { registerPlan } from '../../src/cli/commands/plan.js'
import { reportError } from '../../src/cli/main.js'
import { copyExample, editManifest, EXAMPLES } from './helpers.js'
import { tempDir } from '../tmp.js'

const POLICE = path.join(EXAMPLES, 'police-analytics', 'accord.yaml')
const CHATBOT = path.join(EXAMPLES, 'public-chatbot', 'accord.yaml')

/** Runs `accord plan ...` in-process through its own register function. */
async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  let exit = 0
  const io = {
    out: (s: string) => (stdout += s),
    err: (s: string) => (stderr += s),
    isTty: false,
    today: () => '2026-11-21',
    nowSeconds: () => 1_790_000_000,
  }
  const program = new Command().exitOverride().configureOutput({
    writeOut: (s) => io.out(s),
    writeErr: (s) => io.err(s),
  })
  registerPlan(program, { io, setExit: (c) => (exit = c) })
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    exit = reportError(err, io, argv.includes('--json'))
  }
  return { exit, stdout, stderr }
}

describe('accord plan', () => {
  it('prints the plan as Markdown, with actions by deadline and reused evidence', async () => {
    const r = await cli(['plan', POLICE, '--targets', 'eu,us-federal', '--as-of', '2026-11-21'])
    expect(r.exit).toBe(0)
    expect(r.stdout).toMatch(/^# Regulatory interoperability plan: Kestrel Lattice 3\.2\.0\n/)
    expect(r.stdout).toContain('## Evidence reused across frameworks')
    expect(r.stdout).toContain('### risk-management-file: Risk management file RM-LAT-3.2')
    expect(r.stdout.indexOf('### Overdue')).toBeLessThan(r.stdout.indexOf('### Legal deadline'))
    expect(r.stdout).toContain('| Internal conformity team | 2027-03-31 |')
  })

  it('--json prints the plan object', async () => {
    const r = await cli([
      'plan',
      POLICE,
      '--targets',
      'us-federal,eu',
      '--as-of',
      '2026-11-21',
      '--json',
    ])
    expect(r.exit).toBe(0)
    const plan = JSON.parse(r.stdout)
    expect(plan.targets.map((t: { id: string }) => t.id)).toEqual(['eu', 'us-federal'])
    expect(plan.asOf).toBe('2026-11-21')
    expect(plan.summary.reusedEvidence).toBeGreaterThan(0)
  })

  it('--out writes plan.md, plan.html and plan.json', async () => {
    const out = tempDir('accord-plan-')
    const r = await cli(['plan', POLICE, '--targets', 'eu', '--out', out, '--json'])
    expect(r.exit).toBe(0)
    const written = JSON.parse(r.stdout)
    expect(written.files.map((f: { path: string }) => f.path)).toEqual([
      'plan.md',
      'plan.html',
      'plan.json',
    ])
    const html = readFileSync(path.join(out, 'plan.html'), 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).not.toMatch(/<script|<link|https?:\/\/[^"<\s]*\.(js|css)/)
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'))
    // --as-of defaults to today.
    expect(plan.asOf).toBe('2026-11-21')
    expect(plan.reuse).toEqual([])
  })

  it('lists Korea as not assessed and adds NIST AI 600-1 for a content generator', async () => {
    const r = await cli(['plan', CHATBOT, '--targets', 'korea,us-federal,iso', '--json'])
    expect(r.exit).toBe(0)
    const plan = JSON.parse(r.stdout)
    const frameworks = plan.targets.flatMap((t: { frameworks: { framework: string; assessed: boolean; notAssessed?: string }[] }) =>
      t.frameworks.map((f) => [f.framework, f.assessed, f.notAssessed ?? null]),
    ) // prettier-ignore
    expect(frameworks).toEqual([
      ['nist-ai-rmf', true, null],
      ['nist-ai-600-1', true, null],
      ['iso-42001', true, null],
      [
        'korea-ai-basic-act',
        false,
        'not assessed; classification for this regime is not implemented',
      ],
    ])
  })

  it('warns on stderr about a plan entry that matches nothing', async () => {
    const manifest = copyExample('police-analytics')
    editManifest(manifest, (t) =>
      t.replace('    - obligation: eu-ai-act:art-4\n', '    - obligation: eu-ai-act:art-4.9\n'),
    )
    const r = await cli(['plan', manifest, '--targets', 'eu', '--json'])
    expect(r.exit).toBe(0)
    // file:line:col of the entry, what is wrong, where, the code and the fix
    const line =
      readFileSync(manifest, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('eu-ai-act:art-4.9')) + 1
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: ${manifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: "eu-ai-act:art-4\\.9" matches no open obligation in this plan.* at plan\\.actions\\[0\\]\\.obligation \\[plan_action_unmatched\\]\n  fix: Use an id of an open obligation`,
        'm',
      ),
    )
  })

  it('rejects an unknown target with exit 2, a suggestion and the known targets', async () => {
    const r = await cli(['plan', POLICE, '--targets', 'eu,korae'])
    expect(r.exit).toBe(2)
    expect(r.stderr).toContain('unknown target market "korae" (did you mean "korea"?)')
    expect(r.stderr).toContain('known: eu, us-federal, iso, iso-42001, korea')
    expect(r.stderr).toContain('[ERR_CONFIG_BAD_ARGS]')
  })

  it('rejects a missing --targets with exit 2 (also as JSON)', async () => {
    const r = await cli(['plan', POLICE, '--json'])
    expect(r.exit).toBe(2)
    expect(JSON.parse(r.stdout).error.code).toBe('ERR_CONFIG_BAD_ARGS')
  })
})
