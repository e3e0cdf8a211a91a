/**
 * Opens the registry store: PostgreSQL when a database URL is given (option or DATABASE_URL),
 * else embedded PGlite in a data directory (default .accord/registry). See docs/storage.md.
 */
import { openPgliteStore } from './pglite.js'
import { openPostgresStore } from './postgres.js'
import type { SqlStore } from './sql-store.js'

export { openPgliteStore, createPgliteStore, MEMORY } from './pglite.js'
export { openPostgresStore } from './postgres.js'
export {
  openLogListener,
  LOG_CHANNEL,
  type LogListener,
  type LogListenerOptions,
  type LogListenerStatus,
} from './log-listener.js'
export { SqlStore, type StoreBackend } from './sql-store.js'
export {
  loadMigrations,
  runMigrations,
  DEFAULT_MIGRATIONS_DIR,
  type Migration,
} from './migrations.js'

export const DEFAULT_DATA_DIR = '.accord/registry'

export interface OpenStoreOptions {
  /** PGlite data directory, or 'memory://'; default .accord/registry. Ignored with a URL. */
  dataDir?: string
  /** PostgreSQL URL; default: the DATABASE_URL environment variable. */
  databaseUrl?: string
  /** PostgreSQL pool size (default 10). */
  poolSize?: number
  /** Apply pending migrations on open (default true). */
  migrate?: boolean
  migrationsDir?: string
  /** Environment to read DATABASE_URL from (default process.env). */
  env?: Record<string, string | undefined>
}

export async function openStore(options: OpenStoreOptions = {}): Promise<SqlStore> {
  const env = options.env ?? process.env
  const url = options.databaseUrl ?? (env.DATABASE_URL || undefined)
  const store = url
    ? await openPostgresStore(url, {
        poolSize: options.poolSize,
        migrationsDir: options.migrationsDir,
      })
    : await openPgliteStore(options.dataDir ?? DEFAULT_DATA_DIR, {
        migrationsDir: options.migrationsDir,
      })
  if (options.migrate ?? true) {
    try {
      await store.migrate()
    } catch (err) {
      await store.close().catch(() => undefined)
      throw err
    }
  }
  return store
}
