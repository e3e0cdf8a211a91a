import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/** The package version, read from package.json (works from src/ and dist/, both two levels deep). */
export const VERSION: string = pkg.version
