/**
 * vitest globalSetup: one temporary directory per test run. TMPDIR (and TMP, TEMP) point at it
 * before the workers start, so `os.tmpdir()` in every test file and in every CLI or server child
 * process the tests spawn lands there; teardown removes it. Tests remove their own directories
 * (`tempDir` in test/tmp.ts): whatever is left at the end is reported on stderr in one line, so a
 * leak stays visible, and removed with the rest. ACCORD_TEST_OS_TMPDIR keeps the OS temp directory
 * for the one file meant to outlive the run (a failing screenshot comparison's diff).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** The prefix of the run directory's name; test/tmp-run-dir.test.ts checks it is in effect. */
export const RUN_DIR_PREFIX = 'accord-test-run-'
/**
 * The OS temp directory the run started with, for what a failing test leaves on purpose for the
 * developer to look at after the run (the web passport page's screenshot diff).
 */
export const OS_TMPDIR_ENV = 'ACCORD_TEST_OS_TMPDIR'
const VARS = ['TMPDIR', 'TMP', 'TEMP', OS_TMPDIR_ENV] as const

export default function setup(): () => void {
  const saved = VARS.map((name) => [name, process.env[name]] as const)
  const dir = mkdtempSync(path.join(tmpdir(), RUN_DIR_PREFIX))
  // Others may pass through but not list it, so a child running as another user reaches its own
  // folder in it (PgBouncer runs as postgres when the tests run as root: test/node/store/pgbouncer.ts).
  chmodSync(dir, 0o711)
  process.env[OS_TMPDIR_ENV] = tmpdir()
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = dir
  return () => {
    for (const [name, value] of saved)
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    let left: string[] = []
    try {
      left = readdirSync(dir).sort()
    } catch {
      return // already gone
    }
    if (left.length > 0) {
      const shown = left.slice(0, 5).join(', ')
      const more = left.length > 5 ? `, ... (${left.length - 5} more)` : ''
      process.stderr.write(
        `test temp dir: ${left.length} entr${left.length === 1 ? 'y' : 'ies'} left in ${dir} by the tests (removed): ${shown}${more}\n`,
      )
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}
