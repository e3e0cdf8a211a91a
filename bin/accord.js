#!/usr/bin/env node
// Entry point of the `accord` CLI: runs the bundle dist/bundle/ (scripts/bundle.mjs), built with the
// rest of dist/ by `npm run build` (`npm ci` runs it through prepare).
import module from 'node:module'

// Node 22.1+ caches the compiled bundle on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns
// it off); Node 20 has no such function, so nothing happens there. Before the bundle is imported.
module.enableCompileCache?.()
const { main } = await import('../dist/bundle/main.js')

// A reader that stops early (`accord ... | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await main(process.argv.slice(2))
