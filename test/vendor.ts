import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * The shared vendor folder (official schemas and test vectors), which lives beside the project
 * checkout: `<checkout>/../shared/vendor`. ACCORD_SHARED overrides the `shared` folder.
 */
export const VENDOR = path.join(
  process.env.ACCORD_SHARED ?? path.resolve(import.meta.dirname, '..', '..', 'shared'),
  'vendor',
)

if (!existsSync(VENDOR)) {
  throw new Error(
    `vendored test vectors not found at ${VENDOR}; check out ../shared beside the project or set ACCORD_SHARED`,
  )
}
