/**
 * Embedded PostgreSQL (PGlite, WASM) in a data directory: zero setup, one process.
 *
 * Layout of a data directory D: D/pgdata (PGlite's PostgreSQL cluster) and D/lock (the pid of
 * the process that has it open). PGlite has one connection; every query and transaction goes
 * through one queue here, so transactions never interleave.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { StoreError } from '../../core/errors.js'
import type { Db, Queryable, Row } from './db.js'
import { loadMigrations } from './migrations.js'
import { SqlStore } from './sql-store.js'
import { ensureDirSync } from '../fs-safe.js'

export const MEMORY = 'memory://'

export interface PgliteStoreOptions {
  /** Folder of NNN_<name>.sql migrations; defaults to the package's migrations/. */
  migrationsDir?: string
}

/**
 * Opens (creating when needed) a PGlite registry in `dataDir`, or an in-memory one for
 * `'memory://'`. Does not migrate: call `store.migrate()`. A data directory is locked to one
 * process (ERR_STORE_UNAVAILABLE when another live process holds it).
 */
export async function openPgliteStore(
  dataDir: string,
  options: PgliteStoreOptions = {},
): Promise<SqlStore> {
  const migrations = loadMigrations(options.migrationsDir)
  if (dataDir === MEMORY) {
    const pg = await PGlite.create()
    return new SqlStore(new PgliteDb(pg, true), { backend: 'pglite', location: MEMORY, migrations })
  }
  const dir = resolve(dataDir)
  ensureDirSync(dir)
  const unlock = lockDir(dir)
  try {
    const pg = await PGlite.create(join(dir, 'pgdata'))
    return new SqlStore(new PgliteDb(pg, true, unlock), {
      backend: 'pglite',
      location: dir,
      migrations,
    })
  } catch (err) {
    unlock()
    throw new StoreError({
      code: 'ERR_STORE_UNAVAILABLE',
      message: `cannot open the registry data directory ${dir}: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    })
  }
}

/**
 * A store over a PGlite instance the caller owns (tests, embedding): `close()` of the store
 * leaves the instance open.
 */
export function createPgliteStore(pg: PGlite, options: PgliteStoreOptions = {}): SqlStore {
  return new SqlStore(new PgliteDb(pg, false), {
    backend: 'pglite',
    location: pg.dataDir ?? MEMORY,
    migrations: loadMigrations(options.migrationsDir),
  })
}

class PgliteDb implements Db {
  #queue: Promise<unknown> = Promise.resolve()
  /** One connection, one statement at a time. */
  readonly atomicConcurrency = 1

  constructor(
    private readonly pg: PGlite,
    private readonly owned: boolean,
    private readonly unlock: () => void = () => {},
  ) {}

  /** Runs `fn` after everything queued before it, whether that succeeded or not. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.#serial(async () => (await this.pg.query<R>(sql, [...params])).rows)
  }

  exec(sql: string): Promise<void> {
    return this.#serial(async () => {
      await this.pg.exec(sql)
    })
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#serial(() => this.pg.transaction((tx) => fn(wrapTx(tx))))
  }

  atomic<R extends Row = Row>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return this.transaction(async (tx) => {
      await tx.exec('SET LOCAL plan_cache_mode = force_generic_plan')
      return tx.query<R>(sql, params)
    })
  }

  async close(): Promise<void> {
    await this.#serial(async () => {
      if (this.owned && !this.pg.closed) await this.pg.close()
    })
    if (this.owned) this.unlock()
  }
}

function wrapTx(tx: Transaction): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      return (await tx.query<R>(sql, [...params])).rows
    },
    async exec(sql: string) {
      await tx.exec(sql)
    },
  }
}

/**
 * Takes D/lock for this process. PGlite has no lock of its own, and two processes writing one
 * cluster would corrupt it. A lock left by a dead process is taken over.
 */
function lockDir(dir: string): () => void {
  const file = join(dir, 'lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' })
      return () => rmSync(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
      if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new StoreError({
          code: 'ERR_STORE_UNAVAILABLE',
          message: `the registry data directory ${dir} is in use by process ${pid}; stop it, or use PostgreSQL (DATABASE_URL) to run several processes`,
        })
      }
      rmSync(file, { force: true })
    }
  }
  throw new StoreError({
    code: 'ERR_STORE_UNAVAILABLE',
    message: `cannot lock the registry data directory ${dir}`,
  })
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
