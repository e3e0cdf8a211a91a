import { readFileSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from './paths.js'

const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
  version: string
}

/** The package version, read from the package root's package.json (from src/, dist/ or the bundle). */
export const VERSION: string = pkg.version
