/**
 * The storage suite on PostgreSQL, at DATABASE_URL (start a throwaway server with
 * `eval "$(scripts/pg-test.sh start)"`). Every test gets its own database with a random name,
 * dropped at the end, so runs never interfere.
 *
 * Without DATABASE_URL the suite is skipped with a loud message, except in CI (CI set), where
 * that is a failure: CI must not pass without having run it.
 */
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import type { AppendResult } from '../../../src/core/store.js'
import { openStore } from '../../../src/node/store/index.js'
import { openPostgresStore } from '../../../src/node/store/postgres.js'
import { loadMigrations } from '../../../src/node/store/migrations.js'
import {
  passport,
  publishItem,
  storeSuite,
  type OpenOptions,
  type StoreTarget,
} from './store.suite.js'

const url = process.env.DATABASE_URL

if (!url) {
  const banner = `
############################################################################
#  PostgreSQL storage tests SKIPPED: DATABASE_URL is not set.              #
#  Run them with:  eval "$(scripts/pg-test.sh start)" && npx vitest run     #
############################################################################`
  if (process.env.CI) {
    describe('PostgreSQL storage suite', () => {
      it('runs in CI (DATABASE_URL must be set)', () => {
        throw new Error(
          'DATABASE_URL is not set in CI, so the PostgreSQL storage suite cannot run; .ci/run starts a server with scripts/pg-test.sh',
        )
      })
    })
  } else {
    console.warn(banner)
    describe.skip('PostgreSQL storage suite (DATABASE_URL not set)', () => {
      it('needs DATABASE_URL', () => undefined)
    })
  }
} else {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const run = `accord_test_${randomBytes(4).toString('hex')}`
  const created: string[] = []
  let n = 0

  /** A new empty database; returns its URL. */
  async function newDatabase(): Promise<string> {
    const name = `${run}_${++n}`
    // Identifiers cannot be parameters; the name is ours ([a-z0-9_] only).
    await admin.query(`CREATE DATABASE ${name}`)
    created.push(name)
    const u = new URL(url as string)
    u.pathname = `/${name}`
    return u.toString()
  }

  afterAll(async () => {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })

  const target: StoreTarget = {
    async create(options?: OpenOptions) {
      const dbUrl = await newDatabase()
      let store = await openPostgresStore(dbUrl, { poolSize: 8, ...options })
      return {
        store,
        async reopen(o?: OpenOptions) {
          await store.close()
          store = await openPostgresStore(dbUrl, { poolSize: 8, ...o })
          return store
        },
        async sql(text: string) {
          const c = new pg.Client({ connectionString: dbUrl })
          await c.connect()
          try {
            await c.query(text)
          } finally {
            await c.end()
          }
        },
      }
    },
  }

  storeSuite('PostgreSQL', target)

  /** Waits until `n` backends of `dbUrl` wait for a lock in a statement starting with `prefix`. */
  async function waitingOnLock(dbUrl: string, prefix: string, n: number): Promise<void> {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      for (let tries = 0; tries < 500; tries++) {
        const rows = (
          await c.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = $1 AND wait_event_type = 'Lock' AND starts_with(query, $2)`,
            [new URL(dbUrl).pathname.slice(1), prefix],
          )
        ).rows as { n: number }[]
        if (rows[0]?.n === n) return
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error(`no ${n} backends waiting on a lock in ${prefix}...`)
    } finally {
      await c.end()
    }
  }

  /** A client holding the log head's row lock until `release()`. */
  async function holdLogHead(dbUrl: string): Promise<{ release(): Promise<void> }> {
    const c = new pg.Client({ connectionString: dbUrl })
    await c.connect()
    await c.query('BEGIN')
    await c.query('SELECT size FROM log_head WHERE id = 1 FOR UPDATE')
    return {
      async release() {
        await c.query('ROLLBACK')
        await c.end()
      },
    }
  }

  describe('PostgreSQL only', () => {
    it('sends a group commit of passports as one statement, two in flight, committed in turn', async () => {
      const dbUrl = await newDatabase()
      const store = await openPostgresStore(dbUrl)
      try {
        await store.migrate()
        expect(store.publishConcurrency).toBe(2)
        const lock = await holdLogHead(dbUrl)
        const first = store.publishBatch([1, 2, 3].map((n) => publishItem(passport(n))))
        const second = store.publishBatch([4, 5].map((n) => publishItem(passport(n))))
        // Both whole batches are inside the database, each in one statement, waiting for the
        // head: nothing more is needed from this process for either to commit.
        await waitingOnLock(dbUrl, 'WITH head AS', 2)
        await lock.release()
        const results = await Promise.all([first, second])
        // Either may get the head first; the two ranges are adjacent and cover 0..4.
        const [a, b] = results as [AppendResult, AppendResult]
        expect(a.firstIndex === 0 ? [a, b] : [b, a]).toEqual(
          a.firstIndex === 0
            ? [
                { firstIndex: 0, size: 3 },
                { firstIndex: 3, size: 5 },
              ]
            : [
                { firstIndex: 0, size: 2 },
                { firstIndex: 2, size: 5 },
              ],
        )
        expect(await store.logSize()).toBe(5)
        for (const [i, r] of results.entries()) {
          const ids = i === 0 ? [1, 2, 3] : [4, 5]
          for (const [k, n] of ids.entries())
            expect((await store.getPassport(passport(n).id))?.logIndex).toBe(r.firstIndex + k)
        }
      } finally {
        await store.close()
      }
    })

    it('reports a connection lost during a group commit as outcome unknown, never as not stored', async () => {
      const dbUrl = await newDatabase()
      const target = new URL(dbUrl)
      // A TCP proxy in front of PostgreSQL, to cut the store's connections mid-statement.
      const sockets = new Set<net.Socket>()
      const proxy = net.createServer((client) => {
        const server = net.connect(Number(target.port), target.hostname)
        for (const s of [client, server]) {
          sockets.add(s)
          s.on('error', () => undefined)
          s.on('close', () => sockets.delete(s))
        }
        client.pipe(server).pipe(client)
      })
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
      const viaProxy = new URL(dbUrl)
      viaProxy.hostname = '127.0.0.1'
      viaProxy.port = String((proxy.address() as net.AddressInfo).port)
      const store = await openPostgresStore(viaProxy.toString())
      try {
        await store.migrate()
        const lock = await holdLogHead(dbUrl)
        const publish = store.publishBatch([publishItem(passport(1))]).then(
          () => undefined,
          (e: unknown) => e,
        )
        await waitingOnLock(dbUrl, 'WITH head AS', 1)
        for (const s of sockets) s.destroy()
        const err = (await publish) as AccordError
        expect(err).toBeInstanceOf(AccordError)
        expect(err.code).toBe('ERR_STORE_UNAVAILABLE')
        expect(err.details).toMatchObject({ outcome: 'unknown' })
        expect(err.message).toMatch(/whether the write was stored is unknown/)
        // Truly unknown: the server may still run the statement once the head is free. Whichever
        // it does, the log stays dense and every entry has its passport.
        await lock.release()
        const c = new pg.Client({ connectionString: dbUrl })
        await c.connect()
        const row = (
          await c.query(`SELECT (SELECT size FROM log_head) AS size,
            (SELECT count(*) FROM log_entries) AS entries, (SELECT count(*) FROM passports) AS ps`)
        ).rows[0] as { size: string; entries: string; ps: string }
        await c.end()
        expect(Number(row.size)).toBe(Number(row.entries))
        expect(Number(row.ps)).toBe(Number(row.entries))
      } finally {
        await store.close().catch(() => undefined)
        await new Promise((r) => proxy.close(r))
      }
    })

    it('concurrent migrate() from several processes applies each migration once', async () => {
      const dbUrl = await newDatabase()
      const stores = await Promise.all(
        [1, 2, 3, 4].map(() => openPostgresStore(dbUrl, { poolSize: 2 })),
      )
      try {
        await Promise.all(stores.map((s) => s.migrate()))
        const c = new pg.Client({ connectionString: dbUrl })
        await c.connect()
        const rows = (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows
        await c.end()
        expect(rows.map((r: { version: number }) => r.version)).toEqual(
          loadMigrations().map((m) => m.version),
        )
      } finally {
        for (const s of stores) await s.close()
      }
    })

    it('appenders in separate pools (separate servers) still get dense, unique indexes', async () => {
      const dbUrl = await newDatabase()
      const stores = await Promise.all(
        [1, 2, 3].map(() => openPostgresStore(dbUrl, { poolSize: 4 })),
      )
      try {
        await stores[0]!.migrate()
        const leaf = new Uint8Array(32)
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            stores[i % 3]!.appendEntries(
              Array.from({ length: 5 }, () => ({
                kind: 'passport' as const,
                payload: `${i}`,
                leafHash: leaf,
              })),
            ),
          ),
        )
        const firsts = results.map((r) => r.firstIndex).sort((a, b) => a - b)
        expect(firsts).toEqual(Array.from({ length: 30 }, (_, i) => i * 5))
        const entries = await stores[1]!.getEntries(0, 1000)
        expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 150 }, (_, i) => i))
        for (const r of results) {
          const batch = entries
            .slice(r.firstIndex, r.firstIndex + 5)
            .map((e) => Buffer.from(e.payload).toString())
          expect(new Set(batch).size).toBe(1)
        }
      } finally {
        for (const s of stores) await s.close()
      }
    })

    it('openStore picks PostgreSQL when DATABASE_URL is set, and hides the password', async () => {
      const dbUrl = await newDatabase()
      const store = await openStore({ env: { DATABASE_URL: dbUrl }, dataDir: '/nonexistent' })
      try {
        expect(store.backend).toBe('postgres')
        expect(store.location).not.toContain(new URL(dbUrl).password || '\u0000')
        expect(await store.logSize()).toBe(0)
      } finally {
        await store.close()
      }
    })

    it('reports an unreachable server as ERR_STORE_UNAVAILABLE without the password', async () => {
      const err = await openPostgresStore('postgresql://u:s3cret@127.0.0.1:1/db', {
        connectTimeoutMs: 2000,
      }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(AccordError)
      expect((err as AccordError).code).toBe('ERR_STORE_UNAVAILABLE')
      expect((err as AccordError).message).not.toContain('s3cret')
    })
  })
}
