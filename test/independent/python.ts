/**
 * The independent checkers' Python: a `python3` that can import the modules a suite needs
 * (Debian's /usr/bin/python3 first: the `python3` on PATH may be another one, without Debian's
 * python3-jsonschema or python3-jwcrypto). Without one the suite's checks are skipped, unless
 * ACCORD_REQUIRE_INDEPENDENT=1 (set by .ci/run) makes that a failure.
 */
import { execFileSync } from 'node:child_process'

/** Whether the independent checkers must be there (`ACCORD_REQUIRE_INDEPENDENT=1`). */
export const REQUIRE_INDEPENDENT = process.env.ACCORD_REQUIRE_INDEPENDENT === '1'

/** The first python3 that imports every one of `modules`, or undefined (see above). */
export function pythonWith(modules: readonly string[]): string | undefined {
  for (const cmd of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(cmd, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' })
      return cmd
    } catch {
      // try the next one
    }
  }
  if (REQUIRE_INDEPENDENT)
    throw new Error(
      `ACCORD_REQUIRE_INDEPENDENT=1 but no python3 that imports ${modules.join(', ')} was found`,
    )
  return undefined
}
