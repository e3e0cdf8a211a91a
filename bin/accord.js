#!/usr/bin/env node
// Entry point of the `accord` CLI: runs the bundle dist/bundle/ (scripts/bundle.mjs), built with the
// rest of dist/ by `npm run build` (`npm ci` runs it through prepare).
import { main } from '../dist/bundle/main.js'

// A reader that stops early (`accord ... | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await main(process.argv.slice(2))
