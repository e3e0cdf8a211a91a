/**
 * No `accord` command leaves anything in the OS temp directory, on success or on error: each runs
 * as a process (the built CLI) whose TMPDIR is an empty directory of its own, which must still be
 * empty when it has exited. The registry's default storage is under the working or output folder,
 * the monitor's spool next to its state file (test/node/tlog/monitor.test.ts).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../tmp.js'
import { EXAMPLES, ROOT, spawnServe } from './helpers.js'

/** Runs bin/accord.js in `cwd` with TMPDIR, TMP and TEMP set to an empty directory; returns it. */
async function runWithOwnTemp(
  cwd: string,
  argv: string[],
): Promise<{ code: number | null; stderr: string; temp: string }> {
  const temp = tempDir('accord-os-temp-')
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'accord.js'), ...argv], {
    cwd,
    env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, stderr, temp }
}

describe('accord commands and the OS temp directory', () => {
  it('demo (npm start) with its embedded registry leaves nothing there', async () => {
    const cwd = tempDir('accord-os-temp-cwd-')
    const r = await runWithOwnTemp(cwd, ['demo', '--no-serve', '--port', '0', '--json'])
    expect(r.code).toBe(0)
    expect(readdirSync(r.temp)).toEqual([])
    expect(readdirSync(cwd)).toContain('out')
  }, 60_000)

  it('keys generate and assess, and a failing assess, leave nothing there', async () => {
    const cwd = tempDir('accord-os-temp-cwd-')
    const manifest = path.join(EXAMPLES, 'border-biometrics', 'accord.yaml')
    for (const [argv, code] of [
      [['keys', 'generate', '--out', 'keys', '--name', 'issuer'], 0],
      [['assess', manifest], 0],
      [['assess', path.join(cwd, 'missing.yaml')], 5],
    ] as const) {
      const r = await runWithOwnTemp(cwd, [...argv])
      expect(r.code, r.stderr).toBe(code)
      expect(readdirSync(r.temp)).toEqual([])
    }
  }, 60_000)

  it('serve with its embedded store, until stopped, leaves nothing there', async () => {
    const temp = tempDir('accord-os-temp-')
    const data = tempDir('accord-os-temp-data-')
    const server = await spawnServe(['--host', '127.0.0.1', '--port', '0', '--data-dir', data], {
      env: { TMPDIR: temp, TMP: temp, TEMP: temp },
    })
    expect((await fetch(`${server.url}/openapi.json`)).status).toBe(200)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(readdirSync(temp)).toEqual([])
  }, 60_000)

  it('serve failing on a busy port leaves nothing there', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const port = String((busy.address() as AddressInfo).port)
      const cwd = tempDir('accord-os-temp-cwd-')
      const r = await runWithOwnTemp(cwd, ['serve', '--host', '127.0.0.1', '--port', port])
      expect(r.code).toBe(5)
      expect(readdirSync(r.temp)).toEqual([])
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()))
    }
  }, 60_000)
})
