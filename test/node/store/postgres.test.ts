/**
 * The storage suite on PostgreSQL, at DATABASE_URL (start a throwaway server with
 * `eval "$(scripts/pg-test.sh start)"`). Every test gets its own database with a random name,
 * dropped at the end, so runs never interfere.
 *
 * Without DATABASE_URL the suite is skipped with a loud message, except in CI (CI set), where
 * that is a failure: CI must not pass without having run it.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import { openStore } from '../../../src/node/store/index.js'
import { openPostgresStore } from '../../../src/node/store/postgres.js'
import { loadMigrations } from '../../../src/node/store/migrations.js'
import { storeSuite, type OpenOptions, type StoreTarget } from './store.suite.js'

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

  describe('PostgreSQL only', () => {
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
