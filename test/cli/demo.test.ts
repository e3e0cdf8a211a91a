import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from './helpers.js'

describe('accord demo (the main job behind npm start)', () => {
  it('classifies, assesses, documents, issues and publishes the example to an embedded registry', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'accord-demo-'))
    const r = await run(['demo', '--no-serve', '--port', '0', '--out', out, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = r.json()
    expect(summary.classification.euAiAct.category).toBe('high-risk')
    expect(summary.documents.files.length).toBe(10)
    expect(summary.passport.logIndex).toBe(0)
    expect(summary.registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(summary.registry.passportPage).toContain('/passports/')
    expect(existsSync(summary.passport.file)).toBe(true)
    expect(readdirSync(path.join(out, 'police-analytics'))).toContain('index.html')
    // the registry persisted in the output folder: a second run publishes at the next index
    const again = await run(['demo', '--no-serve', '--port', '0', '--out', out, '--json'])
    expect(again.code).toBe(0)
    expect(again.json().passport.logIndex).toBe(1)
  }, 120_000)

  it('says how many obligations are in force, in words that agree with the number', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'accord-demo-'))
    // Before the Omnibus's Annex III date one obligation of the example is in force; after it, many.
    const demoAsOf = (date: string) =>
      run(['demo', '--no-serve', '--port', '0', '--out', out, '--as-of', date])
    const before = await demoAsOf('2026-11-22')
    expect(before.code).toBe(0)
    expect(before.stdout).toMatch(/; 1 obligation in force, \d+ upcoming/)
    const after = await demoAsOf('2028-01-01')
    expect(after.code).toBe(0)
    expect(after.stdout).toMatch(/; (\d+) obligations in force, \d+ upcoming/)
    expect(Number(/; (\d+) obligations in force/.exec(after.stdout)?.[1])).toBeGreaterThan(1)
  }, 120_000)

  it('names the examples when the one asked for does not exist (exit 2)', async () => {
    const r = await run(['demo', '--no-serve', '--example', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('police-analytics')
  })
})
