import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, run } from './helpers.js'
import { tempDir } from '../tmp.js'

/** Holds 127.0.0.1:8080 until `release`; when another process holds it, it is busy all the same. */
async function hold8080(): Promise<{ release: () => Promise<void> }> {
  const held: Server = createServer()
  await new Promise<void>((resolve) => {
    held.once('error', () => resolve())
    held.listen(8080, '127.0.0.1', resolve)
  })
  return {
    release: async () => {
      if (held.listening) await new Promise<void>((resolve) => held.close(() => resolve()))
    },
  }
}

describe('accord demo (the main job behind npm start)', () => {
  it('classifies, assesses, documents, issues and publishes the example to an embedded registry', async () => {
    const out = tempDir('accord-demo-')
    const r = await run(['demo', '--no-serve', '--port', '0', '--out', out, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = r.json()
    expect(summary.classification.euAiAct.category).toBe('high-risk')
    expect(summary.documents.files.length).toBe(10)
    expect(summary.passport.logIndex).toBe(0)
    expect(summary.registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(summary.registry.passportPage).toContain('/passports/')
    // --no-serve: the registry has stopped by the time the summary is printed
    expect(summary.registry.serving).toBe(false)
    expect(summary.registry.dataDir).toBe(path.join(out, 'registry'))
    expect(existsSync(summary.passport.file)).toBe(true)
    expect(readdirSync(path.join(out, 'police-analytics'))).toContain('index.html')
    // the registry persisted in the output folder: a second run publishes at the next index
    const again = await run(['demo', '--no-serve', '--port', '0', '--out', out, '--json'])
    expect(again.code).toBe(0)
    expect(again.json().passport.logIndex).toBe(1)
  }, 120_000)

  it('says how many obligations are in force, in words that agree with the number', async () => {
    const out = tempDir('accord-demo-')
    // Before 2 Aug 2030 one obligation of the example is in force; from then, many: it is placed
    // on the market before the Annex III date, for a police force (Art. 111(2)).
    const demoAsOf = (date: string) =>
      run(['demo', '--no-serve', '--port', '0', '--out', out, '--as-of', date])
    const before = await demoAsOf('2026-11-22')
    expect(before.code).toBe(0)
    expect(before.stdout).toMatch(/; 1 obligation in force, \d+ upcoming/)
    expect(before.stdout).toContain(
      '    Art. 111(2): to be placed on the market on 2027-06-01 (planned), before 2027-12-02, the system will be a legacy system if that date holds',
    )
    const after = await demoAsOf('2030-08-02')
    expect(after.code).toBe(0)
    expect(after.stdout).toMatch(/; (\d+) obligations in force, \d+ upcoming/)
    expect(Number(/; (\d+) obligations in force/.exec(after.stdout)?.[1])).toBeGreaterThan(1)
  }, 120_000)

  it('--no-serve picks any free port, so a busy 8080 does not matter, and says the registry stopped', async () => {
    const held = await hold8080()
    try {
      const out = tempDir('accord-demo-')
      const r = await run(['demo', '--no-serve', '--out', out])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(
        `The registry ran only for this demo and has stopped (--no-serve); data in ${path.join(out, 'registry')}`,
      )
      expect(r.stdout).toMatch(/to browse it: accord serve --data-dir .*, then open \/passports\//)
      // no address of a server that is no longer there
      expect(r.stdout).not.toContain('Registry and web UI')
      expect(r.stdout).not.toMatch(/http:\/\//)
    } finally {
      await held.release()
    }
  }, 120_000)

  it('serves on a free port, and says so, when the default 8080 is in use (npm start must not fail on it)', async () => {
    const held = await hold8080()
    // The built CLI in a child process: a serving demo runs until it is interrupted.
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'accord.js'), 'demo', '--out', tempDir('accord-demo-')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 },
    )
    const closed = once(child, 'close')
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString()
          if (stdout.includes('press Ctrl-C')) resolve()
        })
        child.once('close', () => reject(new Error(`demo exited early:\n${stdout}\n${stderr}`)))
      })
      expect(stderr).toContain('note: port 8080 is in use; the registry takes a free port instead')
      const url = /Registry and web UI: (http:\/\/\S+)/.exec(stdout)?.[1]
      expect(url).toBeDefined()
      expect(new URL(url!).port).not.toBe('8080')
      // and it really serves there
      expect((await fetch(new URL('/api/v1/log/checkpoint', url))).status).toBe(200)
    } finally {
      child.kill('SIGINT')
      await closed
      await held.release()
    }
    expect(child.exitCode).toBe(0)
  }, 120_000)

  it('keeps a --port the user chose: a busy one fails with exit 5 and the fix, before writing anything', async () => {
    const held = await hold8080()
    try {
      const out = tempDir('accord-demo-')
      const r = await run(['demo', '--port', '8080', '--out', out])
      expect(r.code).toBe(5)
      expect(r.stderr).toContain('port 8080 on 127.0.0.1 is already in use')
      expect(r.stderr).toContain('ERR_CONFIG_PORT_UNAVAILABLE')
      // it failed first: no documents, keys or passport were written, and no registry data
      // folder either (the port is tried before the store is created)
      expect(r.stdout).not.toContain('1/5 classify')
      expect(readdirSync(out)).toEqual([])
    } finally {
      await held.release()
    }
  }, 120_000)

  it('names the examples when the one asked for does not exist (exit 2)', async () => {
    const r = await run(['demo', '--no-serve', '--example', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('police-analytics')
  })
})
