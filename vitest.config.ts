import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // One temporary directory per run, TMPDIR of the workers and of what they spawn; removed at the end.
    globalSetup: ['test/setup/tmp-run-dir.ts'],
  },
})
