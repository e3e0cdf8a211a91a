/**
 * The PostgreSQL store behind PgBouncer in transaction pooling mode, the usual way to put many
 * server processes in front of one database. A group commit of passports is one statement that
 * needs `plan_cache_mode` set on its connection (src/node/store/postgres.ts): sent as a startup
 * option, PgBouncer refuses the connection ("unsupported startup parameter: options"), so every
 * publish failed; sent as a SET it works, and where the SET does not stick the statement still
 * runs with a custom plan.
 *
 * Needs DATABASE_URL (scripts/pg-test.sh) and Debian's pgbouncer (.ci/run installs it). Skipped
 * with a message otherwise, except in CI, where that is a failure.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MerkleTree } from '../../../src/core/merkle/index.js'
import { passportEntry } from '../../../src/core/tlog/entry.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openPostgresStore } from '../../../src/node/store/postgres.js'
import { openRegistry } from '../../../src/node/tlog/registry.js'
import { passportRecord } from '../tlog/fixtures.js'
import { newPostgresDatabase } from './pg-database.js'
import { PGBOUNCER, startPgBouncer, type PgBouncer } from './pgbouncer.js'

const url = process.env.DATABASE_URL

if (!url || !PGBOUNCER) {
  const why = !url ? 'DATABASE_URL is not set' : 'pgbouncer is not installed'
  describe('PostgreSQL behind PgBouncer', () => {
    if (process.env.CI) {
      it('runs in CI', () => {
        throw new Error(`${why}: .ci/run must provide both`)
      })
    } else it.skip(`skipped: ${why} (apt-get install pgbouncer)`, () => undefined)
  })
} else {
  let db: Awaited<ReturnType<typeof newPostgresDatabase>> | undefined
  let bouncer: PgBouncer | undefined
  let viaBouncer: string

  beforeAll(async () => {
    db = await newPostgresDatabase('accord_pgb')
    bouncer = await startPgBouncer(url, db.name)
    viaBouncer = bouncer.url
  }, 30_000)

  afterAll(async () => {
    await bouncer?.stop()
    await db?.drop()
  })

  describe('PostgreSQL behind PgBouncer (transaction pooling)', () => {
    it('refuses a startup option, which is why the plan setting is a SET', async () => {
      const c = new pg.Client({
        connectionString: viaBouncer,
        options: '-c plan_cache_mode=force_generic_plan',
      })
      await expect(c.connect()).rejects.toThrow(/unsupported startup parameter/)
      await c.end().catch(() => undefined)
    })

    it('migrates, and publishes concurrent group commits densely, two in flight', async () => {
      const store = await openPostgresStore(viaBouncer)
      try {
        await store.migrate()
        const logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
        const registry = await openRegistry({ store, logKey, origin: 'pgbouncer.test/log' })
        const calls = Array.from({ length: 40 }, (_, c) =>
          registry.publish(
            Array.from({ length: 10 }, (_, k) => {
              const passport = passportRecord(`urn:uuid:pgb-${c}-${k}`)
              return { type: 'passport' as const, passport, entry: passportEntry(passport) }
            }),
          ),
        )
        const results = await Promise.all(calls)
        const indexes = results.flatMap((r) => r.indexes).sort((a, b) => a - b)
        expect(indexes).toEqual(Array.from({ length: 400 }, (_, i) => i))
        expect(await store.logSize()).toBe(400)
        const rebuilt = MerkleTree.fromLeafHashes(await store.getLeafHashes(0, 400), sha256)
        expect(Buffer.from(registry.root()).equals(Buffer.from(rebuilt.root()))).toBe(true)
        await registry.close()
      } finally {
        await store.close()
      }
    })
  })
}
