/**
 * Temporary directories for tests. `tempDir(prefix)` creates one under `os.tmpdir()` (during a
 * test run the run's directory, see test/setup/tmp-run-dir.ts) and removes it once the test file
 * is done: importing this module registers one `afterAll` on the importing file, which vitest
 * evaluates anew for each test file. Use it instead of a bare `mkdtempSync(join(tmpdir(), ...))`
 * so that a test leaves nothing behind; the run directory is only the safety net.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll } from 'vitest'

const created = new Set<string>()

afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  created.clear()
})

/** A new empty directory `<os.tmpdir()>/<prefix>XXXXXX`, removed after the test file's last hook. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  created.add(dir)
  return dir
}
