#!/usr/bin/env node
// Entry point of the `accord` CLI. The TypeScript sources are built to dist/ by `npm ci` (prepare).
import { main } from '../dist/cli/main.js'

process.exitCode = await main(process.argv.slice(2))
