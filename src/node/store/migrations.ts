/**
 * Versioned SQL migrations: migrations/NNN_<name>.sql, applied in order, each in its own
 * transaction, recorded in `schema_migrations` with the SHA-256 of the file. A migration
 * that was applied and then changed (or that this code does not know) stops the start:
 * ERR_STORE_MIGRATION_CHANGED. The SQL runs unchanged on PGlite and PostgreSQL.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError } from '../../core/errors.js'
import { toStoreError, type Db } from './db.js'
import { packageRoot } from '../paths.js'

export interface Migration {
  version: number
  name: string
  /** File name, for messages. */
  file: string
  sql: string
  /** Lowercase hex SHA-256 of the SQL, line endings normalised to LF. */
  checksum: string
}

/** migrations/ at the package root (found by walking up: src/, dist/ and the CLI bundle differ in depth). */
export const DEFAULT_MIGRATIONS_DIR = join(packageRoot(), 'migrations')

/** Any key will do, as long as every Accord process uses the same one ("acrd"). */
const MIGRATION_LOCK_KEY = 0x61637264

const FILE = /^(\d{3,})_([a-z0-9][a-z0-9_-]*)\.sql$/

/** Reads migrations/NNN_<name>.sql in version order. */
export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const m = FILE.exec(file)
    if (!m) {
      throw new TypeError(
        `migration file ${join(dir, file)}: name it NNN_<name>.sql, e.g. 002_add_index.sql`,
      )
    }
    const sql = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n')
    out.push({
      version: Number(m[1]),
      name: m[2] as string,
      file,
      sql,
      checksum: createHash('sha256').update(sql, 'utf8').digest('hex'),
    })
  }
  out.sort((a, b) => a.version - b.version)
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) {
      throw new TypeError(
        `migrations ${out[i - 1]!.file} and ${out[i]!.file} have the same version`,
      )
    }
  }
  return out
}

interface AppliedRow {
  version: number | string
  checksum: string
  [k: string]: unknown
}

function changed(message: string): StoreError {
  return new StoreError({ code: 'ERR_STORE_MIGRATION_CHANGED', message })
}

/** Checks applied migrations against the files and applies the pending ones, in order. */
export async function runMigrations(db: Db, migrations: readonly Migration[]): Promise<void> {
  // The advisory lock makes concurrent starts (several server processes) wait for each other.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    )
  })
  const byVersion = new Map(migrations.map((m) => [m.version, m]))
  const applied = await db.query<AppliedRow>(
    'SELECT version, checksum FROM schema_migrations ORDER BY version',
  )
  for (const row of applied) check(row, byVersion.get(Number(row.version)))
  const done = new Set(applied.map((r) => Number(r.version)))
  for (const m of migrations) {
    if (done.has(m.version)) continue
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
      // Another process may have applied it while we waited for the lock.
      const again = await tx.query<AppliedRow>(
        'SELECT version, checksum FROM schema_migrations WHERE version = $1',
        [m.version],
      )
      if (again[0]) return check(again[0], m)
      try {
        await tx.exec(m.sql)
      } catch (err) {
        const mapped = toStoreError(err, `migration ${m.file}`)
        // (A database that went away; not a NUL in the release's own SQL, a bug as below.)
        if (mapped instanceof StoreError && mapped.code !== 'ERR_CONFIG_BAD_REQUEST') throw mapped
        // A migration that does not run is a bug of the release, not of the data.
        const why = err instanceof Error ? err.message : String(err)
        throw new Error(`migration ${m.file} failed and was rolled back: ${why}`, { cause: err })
      }
      await tx.query(
        'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [m.version, m.name, m.checksum],
      )
    })
  }
}

function check(row: AppliedRow, file: Migration | undefined): void {
  const version = Number(row.version)
  if (!file) {
    throw changed(
      `the database has migration ${String(version).padStart(3, '0')}, which this version of Accord does not have; upgrade Accord (the database was migrated by a newer one)`,
    )
  }
  if (row.checksum !== file.checksum) {
    throw changed(
      `migration ${file.file} was changed after it was applied (checksum ${file.checksum.slice(0, 12)}..., applied ${row.checksum.slice(0, 12)}...); restore the file and put the change in a new migration`,
    )
  }
}
