/**
 * The registry service on PostgreSQL (DATABASE_URL; `eval "$(scripts/pg-test.sh start)"`): group
 * commit of concurrent publishes from two registry processes (two pools) on one database, and a
 * restart that rebuilds the same tree. Skipped loudly without DATABASE_URL; a failure in CI.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { MerkleTree, toHex } from '../../../src/core/merkle/index.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openStore } from '../../../src/node/store/index.js'
import { checkTreeConsistency } from '../../../src/core/tlog/proof.js'
import { openRegistry } from '../../../src/node/tlog/registry.js'
import { passportRecord } from './fixtures.js'

const url = process.env.DATABASE_URL

if (!url) {
  if (process.env.CI) {
    describe('registry service on PostgreSQL', () => {
      it('runs in CI (DATABASE_URL must be set)', () => {
        throw new Error(
          'DATABASE_URL is not set in CI; .ci/run starts a server with scripts/pg-test.sh',
        )
      })
    })
  } else {
    console.warn(`
############################################################################
#  Registry-on-PostgreSQL tests SKIPPED: DATABASE_URL is not set.          #
#  Run them with:  eval "$(scripts/pg-test.sh start)" && npx vitest run     #
############################################################################`)
    describe.skip('registry service on PostgreSQL (DATABASE_URL not set)', () => {
      it('needs DATABASE_URL', () => undefined)
    })
  }
} else {
  const admin = new pg.Pool({ connectionString: url, max: 2 })
  const name = `accord_tlog_${randomBytes(4).toString('hex')}`
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })

  describe('registry service on PostgreSQL', () => {
    it('500 concurrent publishes through two registries: dense, unique, one tree; restart keeps it', async () => {
      await admin.query(`CREATE DATABASE ${name}`)
      const u = new URL(url)
      u.pathname = `/${name}`
      const databaseUrl = u.toString()
      const logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
      const origin = 'pg.test/log'
      const s1 = await openStore({ databaseUrl, poolSize: 4 })
      const s2 = await openStore({ databaseUrl, poolSize: 4 })
      const r1 = await openRegistry({ store: s1, logKey, origin })
      const r2 = await openRegistry({ store: s2, logKey, origin })
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          (i % 2 ? r1 : r2).publish([{ type: 'passport', passport: passportRecord(i) }]),
        ),
      )
      const indexes = results.map((r) => r.indexes[0]!).sort((a, b) => a - b)
      expect(indexes).toEqual(Array.from({ length: 500 }, (_, i) => i))
      await r1.sync()
      await r2.sync()
      const rebuilt = MerkleTree.fromLeafHashes(await s1.getLeafHashes(0, 500), sha256)
      expect(toHex(r1.root())).toBe(toHex(rebuilt.root()))
      expect(toHex(r2.root())).toBe(toHex(rebuilt.root()))
      const cp = await r1.checkpoint()
      await r1.close()
      await r2.close()
      await s1.close()
      await s2.close()

      const s3 = await openStore({ databaseUrl, poolSize: 2 })
      const r3 = await openRegistry({ store: s3, logKey, origin })
      try {
        expect(toHex(r3.root())).toBe(toHex(cp.rootHash))
        await r3.publish([{ type: 'passport', passport: passportRecord(500) }])
        const next = await r3.checkpoint()
        const proof = await r3.consistencyProof(cp.size, next.size)
        expect(checkTreeConsistency(cp, next, proof, sha256)).toEqual({ ok: true })
      } finally {
        await r3.close()
        await s3.close()
      }
    }, 120_000)
  })
}
