import { CatalogError } from '../../src/core/errors.js'
import { loadCatalogSet } from '../../src/node/catalog-loader.js'

/** The CatalogError loading `dir` throws (any other outcome fails the test). */
export async function loadError(dir: string): Promise<CatalogError> {
  try {
    await loadCatalogSet(dir)
  } catch (err) {
    if (err instanceof CatalogError) return err
    throw err
  }
  throw new Error('expected loadCatalogSet to fail')
}
