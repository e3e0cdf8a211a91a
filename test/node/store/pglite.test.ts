/**
 * The storage suite on embedded PGlite, in memory and in a data directory, plus what only a
 * data directory has: persistence across close and reopen, and the one-process lock.
 *
 * Starting PGlite runs initdb in WASM (seconds), so each target starts one instance and every
 * test gets a fresh, empty database by dropping and recreating the public schema.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import { openStore } from '../../../src/node/store/index.js'
import { createPgliteStore, openPgliteStore } from '../../../src/node/store/pglite.js'
import { storeSuite, type OpenOptions, type StoreTarget } from './store.suite.js'

const tmp = mkdtempSync(join(tmpdir(), 'accord-pglite-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// initdb runs once: the data-directory instance is made first (in the layout openPgliteStore
// uses, so the persistence tests below reopen it instead of running initdb again), and the
// in-memory one loads a dump of it.
const dir = join(tmp, 'registry')
let onDisk: PGlite | undefined
let inMemory: PGlite | undefined
beforeAll(async () => {
  mkdirSync(dir, { recursive: true })
  onDisk = await PGlite.create(join(dir, 'pgdata'))
  inMemory = await PGlite.create({ loadDataDir: await onDisk.dumpDataDir('none') })
}, 180_000)
afterAll(async () => {
  if (onDisk && !onDisk.closed) await onDisk.close()
  await inMemory?.close()
})

/** A target over one shared PGlite instance, reset to an empty public schema per test. */
function sharedTarget(instance: () => PGlite): StoreTarget {
  return {
    async create(options?: OpenOptions) {
      const db = instance()
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
      let store = createPgliteStore(db, options)
      return {
        store,
        async reopen(o?: OpenOptions) {
          await store.close()
          store = createPgliteStore(db, o)
          return store
        },
        async sql(text: string) {
          await db.exec(text)
        },
      }
    },
  }
}

storeSuite(
  'PGlite in memory',
  sharedTarget(() => inMemory!),
)
storeSuite(
  'PGlite in a data directory',
  sharedTarget(() => onDisk!),
)

describe('PGlite data directory', () => {
  const sha = 'a'.repeat(64)
  const record = {
    id: 'urn:uuid:11111111-1111-4111-8111-111111111111',
    issuer: 'https://issuer.example',
    kid: 'k',
    subjectId: 'urn:accord:system:x',
    systemName: 'X',
    systemVersion: '1',
    providerName: 'P',
    providerCountry: null,
    jurisdictions: ['eu'],
    categories: { eu: ['high-risk'] },
    token: 'tok~',
    issuerJwtSha256: sha,
    publishedAt: '2026-03-01T00:00:00.000Z',
  }
  const leaf = { payload: 'tok~', leafHash: new Uint8Array(32).fill(7) }

  // The suites above are done with the shared instance: empty it and hand its directory over.
  beforeAll(async () => {
    await onDisk!.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
    await onDisk!.close()
  })

  it('keeps what was committed across close and reopen; a second opener is locked out', async () => {
    const store = await openPgliteStore(dir)
    await store.migrate()
    expect(existsSync(join(dir, 'lock'))).toBe(true)
    const err = await openPgliteStore(dir).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(AccordError)
    expect((err as AccordError).code).toBe('ERR_STORE_UNAVAILABLE')
    expect((err as AccordError).message).toMatch(/in use by process/)

    expect(await store.publishBatch([{ type: 'passport', passport: record, leaf }])).toEqual({
      firstIndex: 0,
      size: 1,
    })
    await store.close()
    expect(existsSync(join(dir, 'lock'))).toBe(false)
    await expect(store.logSize()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' })

    const again = await openPgliteStore(dir)
    await again.migrate()
    expect(await again.logSize()).toBe(1)
    expect((await again.getPassport(record.id))?.logIndex).toBe(0)
    expect((await again.getLeafHashes(0, 1))[0]).toEqual(leaf.leafHash)
    await again.close()
  })

  it('takes over the lock of a process that died', async () => {
    // A pid that cannot be alive: the lock is stale.
    writeFileSync(join(dir, 'lock'), '2147483646\n')
    const store = await openPgliteStore(dir)
    await store.close()
  })

  it('keeps a commit when the process is killed right after it (no clean shutdown)', async () => {
    // A child appends one entry the way the store does (one transaction), prints "committed",
    // then dies by SIGKILL: no clean shutdown, no checkpoint.
    const script = `
      import { PGlite } from '@electric-sql/pglite'
      const pg = await PGlite.create(${JSON.stringify(join(dir, 'pgdata'))})
      await pg.transaction(async (tx) => {
        const r = await tx.query('UPDATE log_head SET size = size + 1 WHERE id = 1 RETURNING size')
        await tx.query('INSERT INTO log_entries (idx, kind, payload, leaf_hash) VALUES ($1, $2, $3, $4)',
          [r.rows[0].size - 1, 'passport', new Uint8Array([112]), new Uint8Array(32).fill(1)])
      })
      console.log('committed')
      process.kill(process.pid, 'SIGKILL')
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: process.cwd(),
    })
    expect(child.stderr).toBe('')
    expect(child.signal).toBe('SIGKILL')
    expect(child.stdout).toContain('committed')
    const again = await openPgliteStore(dir)
    expect(await again.logSize()).toBe(2)
    expect((await again.getLeafHashes(1, 2))[0]).toEqual(new Uint8Array(32).fill(1))
    await again.close()
  })
})

describe('openStore', () => {
  it('picks PGlite in the data directory when no DATABASE_URL is set, and migrates', async () => {
    const store = await openStore({ dataDir: dir, env: {} })
    expect(store.backend).toBe('pglite')
    expect(store.location).toBe(dir)
    // One connection: one group commit at a time (PostgreSQL takes two, postgres.test.ts).
    expect(store.publishConcurrency).toBe(1)
    expect(await store.logSize()).toBe(2)
    await store.close()
  })
})
