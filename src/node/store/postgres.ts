/**
 * PostgreSQL through a `pg` connection pool: for several server processes and for scale.
 * Transactions run on one pooled client at READ COMMITTED; the log_head row lock serialises
 * log appends (see sql-store.ts), and each append notifies LOG_CHANNEL when it commits
 * (log-listener.ts).
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { StoreError } from '../../core/errors.js'
import { hasSqlState, redactUrl, type Db, type Queryable, type Row } from './db.js'
import { LOG_CHANNEL } from './log-listener.js'
import { loadMigrations } from './migrations.js'
import { SqlStore } from './sql-store.js'

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number
  /** Folder of NNN_<name>.sql migrations; defaults to the package's migrations/. */
  migrationsDir?: string
  /** How long to wait for a connection (default 10 s). */
  connectTimeoutMs?: number
  /** The instance id its log notifications carry (SqlStore `logInstance`; default a new UUID). */
  logInstance?: string
}

/**
 * Connects to PostgreSQL at `url` (postgresql://user:password@host:port/db) and checks the
 * connection (ERR_STORE_UNAVAILABLE when it fails). Does not migrate: call `store.migrate()`.
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<SqlStore> {
  const migrations = loadMigrations(options.migrationsDir)
  const connectionTimeoutMillis = options.connectTimeoutMs ?? 10_000
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis,
  })
  // Connections for Db.atomic, whose sessions plan every statement generically (a session
  // setting, so that one statement is the whole round trip). A pool of their own, so that reads
  // keep their custom plans and never wait behind a group commit for a connection.
  const generic = new pg.Pool({
    connectionString: url,
    max: ATOMIC_CONNECTIONS,
    connectionTimeoutMillis,
  })
  // A client that loses its connection emits 'error', idle (the pool's event) or checked out
  // (the client's own, besides failing its query); without a listener the process would crash.
  // The query in progress, or the next one, reports the problem instead.
  for (const p of [pool, generic]) {
    p.on('error', () => undefined)
    p.on('connect', (client) => client.on('error', () => undefined))
  }
  // A SET as each connection's first query (a client runs its queries in order), rather than the
  // startup option `-c plan_cache_mode=...`, which a connection pooler may refuse (and then every
  // publish would fail); PostgreSQL before 12 has no such setting either. Where the SET fails,
  // statements get custom plans: correct, only slower.
  generic.on('connect', (client) => {
    client.query('SET plan_cache_mode = force_generic_plan').catch(() => undefined)
  })
  const db = new PostgresDb(pool, generic)
  try {
    await db.query('SELECT 1')
  } catch (err) {
    await db.close().catch(() => undefined)
    const why = err instanceof Error ? err.message : String(err)
    throw new StoreError({
      code: 'ERR_STORE_UNAVAILABLE',
      message: `cannot connect to PostgreSQL at ${redactUrl(url)}: ${why}; check DATABASE_URL and that the server runs`,
      cause: err,
    })
  }
  // Every append notifies LOG_CHANNEL on commit, for the other server processes' listeners, with
  // this store's instance id, by which its own server's listener skips its own notifications.
  return new SqlStore(db, {
    backend: 'postgres',
    location: redactUrl(url),
    migrations,
    logChannel: LOG_CHANNEL,
    logInstance: options.logInstance ?? randomUUID(),
  })
}

/**
 * Connections of the Db.atomic pool: two group commits in flight (SqlStore.publishConcurrency),
 * the second waiting inside the database for the log head while the first commits.
 */
const ATOMIC_CONNECTIONS = 2

/** The connection broke while the server ran a COMMIT (or an autocommit statement). */
function outcomeUnknown(err: unknown): StoreError {
  return new StoreError({
    code: 'ERR_STORE_UNAVAILABLE',
    message: `the connection was lost during COMMIT, so whether the write was stored is unknown (${err instanceof Error ? err.message : String(err)}); do not acknowledge it, read it back after reconnecting`,
    cause: err,
    details: { outcome: 'unknown' },
  })
}

class PostgresDb implements Db {
  readonly atomicConcurrency = ATOMIC_CONNECTIONS

  constructor(
    private readonly pool: pg.Pool,
    private readonly generic: pg.Pool,
  ) {}

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(sql, [...params])).rows
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql)
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let result: T
    try {
      await client.query('BEGIN')
      result = await fn(clientQueryable(client))
    } catch (err) {
      try {
        await client.query('ROLLBACK')
        client.release()
      } catch {
        client.release(true)
      }
      throw err
    }
    try {
      await client.query('COMMIT')
    } catch (err) {
      client.release(true)
      // The server answered: it rolled back (e.g. a serialization failure), nothing stored.
      if (hasSqlState(err)) throw err
      // The connection broke during COMMIT: the transaction may or may not have committed.
      throw outcomeUnknown(err)
    }
    client.release()
    return result
  }

  async atomic<R extends Row = Row>(sql: string, params: readonly unknown[]): Promise<R[]> {
    // Not yet sent when connecting fails: nothing was stored (toStoreError says so).
    const client = await this.generic.connect()
    let rows: R[]
    try {
      rows = (await client.query<R>(sql, [...params])).rows
    } catch (err) {
      // The server answered with an error: the statement's transaction rolled back.
      if (hasSqlState(err)) {
        client.release()
        throw err
      }
      client.release(true)
      throw outcomeUnknown(err)
    }
    client.release()
    return rows
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.generic.end()])
  }
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      return (await client.query<R>(sql, [...params])).rows
    },
    async exec(sql: string) {
      await client.query(sql)
    },
  }
}
