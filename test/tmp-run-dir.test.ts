/**
 * The run's temporary directory (test/setup/tmp-run-dir.ts) is in effect: `os.tmpdir()` in a test
 * worker, and in a process a test spawns, is the directory the globalSetup created, so nothing a
 * test or an `accord` child writes to the OS temp directory outlives the run.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { RUN_DIR_PREFIX } from './setup/tmp-run-dir.js'

describe('the test run temp directory', () => {
  it('is os.tmpdir() in the test worker', () => {
    expect(path.basename(tmpdir()).startsWith(RUN_DIR_PREFIX)).toBe(true)
    expect(existsSync(tmpdir())).toBe(true)
    for (const name of ['TMPDIR', 'TMP', 'TEMP']) expect(process.env[name]).toBe(tmpdir())
  })

  it('is os.tmpdir() in a child process', () => {
    const child = spawnSync(
      process.execPath,
      ['-e', 'process.stdout.write(require("node:os").tmpdir())'],
      { encoding: 'utf8' },
    )
    expect(child.status).toBe(0)
    expect(child.stdout).toBe(tmpdir())
  })
})
