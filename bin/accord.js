#!/usr/bin/env node
// Entry point of the `accord` CLI. The TypeScript sources are built to dist/ by `npm ci` (prepare).
import { main } from '../dist/cli/main.js'

// A reader that stops early (`accord ... | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await main(process.argv.slice(2))
