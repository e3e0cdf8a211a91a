import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The package root (the folder holding package.json, catalogs/, schema/ and examples/), found by
 * walking up from this module so it works both from src/ (tests) and from dist/ (installed CLI).
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'catalogs')))
      return dir
    const parent = path.dirname(dir)
    if (parent === dir)
      throw new Error('accord: cannot find the package root (package.json + catalogs/)')
    dir = parent
  }
}
