/**
 * A signed request is accepted once per registry database: not once per server process. The
 * request ids are recorded in the store (migrations/005_request_ids.sql), so a replay is refused
 * by a second app on the same store, after a restart, and of two identical requests sent at once
 * exactly one is accepted. On PGlite here; on PostgreSQL (two servers = two pools on one
 * database) when DATABASE_URL is set (`eval "$(scripts/pg-test.sh start)"`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RegistryStore } from '../../src/core/store.js'
import type { Signer } from '../../src/core/ports.js'
import { signRequest } from '../../src/server/signed-request.js'
import { openPgliteStore, openPostgresStore, MEMORY } from '../../src/node/store/index.js'
import { newPostgresDatabase } from '../node/store/pg-database.js'
import {
  NOW,
  appOn,
  audienceOf,
  makePassport,
  makeSigner,
  publish,
  statusListToken,
  type TestSigner,
} from './helpers.js'

const serverOn = appOn

/** A signed request as it goes over the wire, to send again byte for byte. */
async function signed(
  app: FastifyInstance,
  signer: Signer,
  method: 'POST' | 'PUT',
  url: string,
  body: unknown,
): Promise<InjectOptions> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const authorization = await signRequest(signer, {
    audience: await audienceOf(app),
    method,
    path: url,
    body: text,
    nowSeconds: NOW,
  })
  return {
    method,
    url,
    headers: {
      authorization,
      'content-type': typeof body === 'string' ? 'application/statuslist+jwt' : 'application/json',
    },
    payload: text,
  }
}

const statusUrl = (id: string) => `/api/v1/passports/${encodeURIComponent(id)}/status`

async function statusOf(app: FastifyInstance, id: string): Promise<string> {
  return (await app.inject(`/api/v1/passports/${encodeURIComponent(id)}`)).json().status as string
}

/** A store for one server, and how that server lets go of it. */
interface Handle {
  store: RegistryStore
  release(): Promise<void>
}

/** The same checks on any backend: each `open()` is one server's handle on one database. */
function replayTests(name: string, open: () => Promise<Handle>) {
  describe(`signed requests are accepted once per registry database (${name})`, () => {
    let issuer: TestSigner
    let logKey: TestSigner
    beforeAll(async () => {
      issuer = await makeSigner('EdDSA')
      logKey = await makeSigner('EdDSA')
    })

    /** Two servers, each with its own connection to the same database. */
    async function twoServers() {
      const h1 = await open()
      const h2 = await open()
      const a = await serverOn(h1.store, logKey)
      const b = await serverOn(h2.store, logKey)
      const close = async () => {
        await a.close()
        await b.close()
        await h2.release()
        await h1.release()
      }
      return { a, b, s1: h1.store, s2: h2.store, close }
    }

    it('a suspension replayed at a second server on the same database is refused (401)', async () => {
      const { a, b, s1, s2, close } = await twoServers()
      try {
        const p = await makePassport(issuer, 1)
        expect((await publish(a.app, issuer, p.token)).statusCode).toBe(201)
        const suspend = await signed(a.app, issuer, 'POST', statusUrl(p.id), {
          status: 'suspended',
        })
        expect((await a.app.inject(suspend)).statusCode).toBe(200)
        const reinstate = await signed(a.app, issuer, 'POST', statusUrl(p.id), { status: 'valid' })
        expect((await a.app.inject(reinstate)).statusCode).toBe(200)
        const size = await s1.logSize()
        // The issuer lifted the suspension; whoever saw its request must not suspend again.
        const replay = await b.app.inject(suspend)
        expect(replay.statusCode).toBe(401)
        expect(replay.json()).toMatchObject({
          code: 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
          message: expect.stringMatching(/replayed/),
        })
        expect(await statusOf(b.app, p.id)).toBe('valid')
        expect(await s2.logSize()).toBe(size)
      } finally {
        await close()
      }
    })

    it('of two identical requests sent at once to two servers, exactly one is accepted', async () => {
      const { a, b, close } = await twoServers()
      try {
        for (let round = 0; round < 3; round++) {
          // A status list upload that would succeed twice (same token): only the replay check
          // can refuse the second one.
          const put = await signed(
            a.app,
            issuer,
            'PUT',
            `/api/v1/status-lists/concurrent-${round}`,
            await statusListToken(issuer, [round], undefined, `concurrent-${round}`),
          )
          const answers = await Promise.all([a.app.inject(put), b.app.inject(put)])
          expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401])
        }
      } finally {
        await close()
      }
    })
  })
}

// Two apps over one PGlite store: PGlite is one process's database.
let shared: RegistryStore | undefined
replayTests('PGlite, two apps on one store', async () => {
  if (shared === undefined) {
    shared = await openPgliteStore(MEMORY)
    await shared.migrate()
  }
  return { store: shared, release: async () => undefined }
})
afterAll(async () => shared?.close())

describe('a signed request is refused after the registry restarted (PGlite data directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-replay-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses the replay of a suspension after a restart', async () => {
    const issuer = await makeSigner('EdDSA')
    const logKey = await makeSigner('EdDSA')
    const p = await makePassport(issuer, 2)
    let store = await openPgliteStore(dir)
    await store.migrate()
    let server = await serverOn(store, logKey)
    expect((await publish(server.app, issuer, p.token)).statusCode).toBe(201)
    const suspend = await signed(server.app, issuer, 'POST', statusUrl(p.id), {
      status: 'suspended',
    })
    expect((await server.app.inject(suspend)).statusCode).toBe(200)
    const reinstate = await signed(server.app, issuer, 'POST', statusUrl(p.id), { status: 'valid' })
    expect((await server.app.inject(reinstate)).statusCode).toBe(200)
    await server.close()
    await store.close()

    store = await openPgliteStore(dir)
    await store.migrate()
    server = await serverOn(store, logKey)
    try {
      const replay = await server.app.inject(suspend)
      expect(replay.statusCode).toBe(401)
      expect(replay.json().message).toMatch(/replayed/)
      expect(await statusOf(server.app, p.id)).toBe('valid')
    } finally {
      await server.close()
      await store.close()
    }
  }, 60_000)
})

if (process.env.DATABASE_URL) {
  let db: Awaited<ReturnType<typeof newPostgresDatabase>> | undefined
  afterAll(async () => db?.drop())
  replayTests('PostgreSQL, two servers (pools) on one database', async () => {
    if (db === undefined) {
      db = await newPostgresDatabase('accord_replay')
      const first = await openPostgresStore(db.url, { poolSize: 2 })
      await first.migrate()
      await first.close()
    }
    const store = await openPostgresStore(db.url, { poolSize: 2 })
    return { store, release: () => store.close() }
  })
} else if (process.env.CI) {
  describe('signed-request replay on PostgreSQL', () => {
    it('runs in CI (DATABASE_URL must be set)', () => {
      throw new Error(
        'DATABASE_URL is not set in CI; .ci/run starts a server with scripts/pg-test.sh',
      )
    })
  })
}
