/**
 * GET /api/v1/log/events with several server processes on one PostgreSQL database: a server
 * pushes the entries ANOTHER one appended, promptly. Each append notifies `accord_log` on commit
 * (pg_notify in its transaction); each server LISTENs on a session of its own and reads the new
 * entries in (src/node/store/log-listener.ts, src/server/log-follow.ts). Through PgBouncer in
 * transaction mode notifications do not arrive: the server notices and checks the log size
 * instead. A killed listening session reconnects. `accord serve` still stops at once.
 *
 * Servers here are apps over stores of their own (two pools, as two processes have), sharing one
 * database; unless a test is about the fallback, the periodic check is set to 10 minutes, so an
 * event that arrives came by notification. Needs DATABASE_URL (scripts/pg-test.sh), and for the
 * fallback Debian's pgbouncer; skipped without them, except in CI, where that is a failure.
 */
import net from 'node:net'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import {
  LISTENER_APPLICATION_NAME,
  openLogListener,
  type LogListenerOptions,
  type LogListenerStatus,
} from '../../src/node/store/log-listener.js'
import { openPostgresStore } from '../../src/node/store/postgres.js'
import type { SqlStore } from '../../src/node/store/sql-store.js'
import { spawnServe } from '../cli/helpers.js'
import { newPostgresDatabase } from '../node/store/pg-database.js'
import { PGBOUNCER, startPgBouncer, type PgBouncer } from '../node/store/pgbouncer.js'
import { appOn, makePassport, makeSigner, publish, type AppOnStore } from './helpers.js'
import { abortStreams, openEvents, sizes, type Stream } from './sse.js'
import { tempDir } from '../tmp.js'

const url = process.env.DATABASE_URL
const ORIGIN = 'notify.test/log'
/** The periodic check, when a test must see that notifications alone deliver. */
const NEVER_MS = 600_000

/** A list that records what is pushed to it, and waits (events, no sleeps) for what it holds. */
function watched<T>(): {
  items: T[]
  push(item: T): void
  until(holds: (items: T[]) => boolean, what: string): Promise<void>
} {
  const items: T[] = []
  const waiters = new Set<() => void>()
  return {
    items,
    push(item) {
      items.push(item)
      for (const w of [...waiters]) w()
    },
    until(holds, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!holds(items)) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`${what} did not come; got: ${JSON.stringify(items)}`))
        }, 15_000)
        waiters.add(check)
        check()
      })
    },
  }
}

/** A listener's reports, and a wait for them. */
interface Statuses {
  statuses: LogListenerStatus[]
  /** Resolves when the listener reported `state` for the `nth` time (from 1). */
  status(state: LogListenerStatus['state'], nth?: number): Promise<void>
}

interface Server extends AppOnStore, Statuses {
  url: string
  store: SqlStore
  /** The notices its listener delivered: size, and whether of its own append. */
  notices: ReturnType<typeof watched<[number | undefined, boolean | undefined]>>
}

/** Records what a listener reports (`onStatus`). */
function recorder(): Statuses & { onStatus: (s: LogListenerStatus) => void } {
  const list = watched<LogListenerStatus>()
  return {
    statuses: list.items,
    onStatus: (s) => list.push(s),
    status: (state, nth = 1) =>
      list.until(
        (statuses) => statuses.filter((s) => s.state === state).length >= nth,
        `"${state}" #${nth}`,
      ),
  }
}

/** A listener of its own (no server), with what it reports and what it hears. */
function listenerOn(
  url: string,
  options: Partial<LogListenerOptions> = {},
): Statuses & {
  listener: ReturnType<typeof openLogListener>
  heard: (number | undefined)[]
  /** Resolves when the notice of `size` was heard. */
  hears(size: number): Promise<void>
} {
  const r = recorder()
  const listener = openLogListener({ url, ...options, onStatus: r.onStatus })
  const heard = watched<number | undefined>()
  listener.subscribe((size) => heard.push(size))
  return {
    ...r,
    listener,
    heard: heard.items,
    hears: (size) => heard.until((items) => items.includes(size), `the notice of ${size}`),
  }
}

/**
 * A TCP proxy to PostgreSQL whose open connections can be frozen: nothing passes any more, and
 * nothing is closed, as when a peer vanishes from the network. New connections pass.
 */
async function freezableProxy(target: string): Promise<{
  url: string
  freeze(): void
  close(): void
}> {
  const t = new URL(target)
  const pairs: [net.Socket, net.Socket][] = []
  const server = net.createServer((down) => {
    const up = net.connect(Number(t.port), t.hostname)
    for (const sock of [down, up]) sock.on('error', () => undefined)
    down.pipe(up).pipe(down)
    pairs.push([down, up])
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const u = new URL(target)
  u.hostname = '127.0.0.1'
  u.port = String((server.address() as net.AddressInfo).port)
  return {
    url: u.toString(),
    freeze() {
      for (const [down, up] of pairs.splice(0)) {
        down.unpipe(up)
        up.unpipe(down)
        down.pause()
        up.pause()
      }
    },
    close() {
      server.close()
      for (const pair of pairs.splice(0)) for (const sock of pair) sock.destroy()
    },
  }
}

if (!url) {
  describe('log events across server processes on PostgreSQL', () => {
    if (process.env.CI)
      it('runs in CI (DATABASE_URL must be set)', () => {
        throw new Error('DATABASE_URL is not set in CI; .ci/run starts scripts/pg-test.sh')
      })
    else it.skip('skipped: DATABASE_URL is not set (scripts/pg-test.sh start)', () => undefined)
  })
} else {
  const dbs: Awaited<ReturnType<typeof newPostgresDatabase>>[] = []
  const servers: Server[] = []
  const bouncers: PgBouncer[] = []
  const logKey = makeSigner('EdDSA')

  afterEach(async () => {
    abortStreams()
    for (const s of servers.splice(0)) await s.close()
  })
  afterAll(async () => {
    for (const b of bouncers) await b.stop()
    for (const db of dbs) await db.drop()
  }, 30_000)

  async function database(): Promise<Awaited<ReturnType<typeof newPostgresDatabase>>> {
    const db = await newPostgresDatabase('accord_notify')
    dbs.push(db)
    return db
  }

  /**
   * A server on the database at `storeUrl`: listening on `listenUrl` (default the same; false:
   * not at all, a server that only publishes), checking the size every `pollMs` otherwise.
   */
  async function serve(
    storeUrl: string,
    o: { listenUrl?: string | false; pollMs?: number; listener?: Partial<LogListenerOptions> } = {},
  ): Promise<Server> {
    const store = await openPostgresStore(storeUrl, { poolSize: 4 })
    await store.migrate()
    const statuses = recorder()
    const notices =
      o.listenUrl === false
        ? undefined
        : openLogListener({
            url: o.listenUrl ?? storeUrl,
            // As accord serve does: its own notices are told apart by its store's instance id.
            ...(store.logInstance !== undefined ? { instance: store.logInstance } : {}),
            ...o.listener,
            onStatus: statuses.onStatus,
          })
    const served = await appOn(
      store,
      await logKey,
      { ...(notices ? { logNotices: notices } : {}), logPollMs: o.pollMs ?? NEVER_MS },
      ORIGIN,
    )
    const heard = watched<[number | undefined, boolean | undefined]>()
    notices?.subscribe((size, own) => heard.push([size, own]))
    const server: Server = {
      ...served,
      store,
      notices: heard,
      statuses: statuses.statuses,
      status: statuses.status,
      url: await served.app.listen({ host: '127.0.0.1', port: 0 }),
      async close() {
        await served.close()
        await store.close()
      },
    }
    servers.push(server)
    return server
  }

  /** Publishes a new passport through `server`; returns the log size after it. */
  async function publishThrough(server: Server): Promise<number> {
    const issuer = await makeSigner('EdDSA')
    const res = await publish(server.app, issuer, (await makePassport(issuer)).token)
    expect(res.statusCode).toBe(201)
    return server.registry.size
  }

  /** The checkpoint event of `size` is there, and its note is of the tree `writer` appended. */
  function expectCheckpoint(s: Stream, size: number, writer: Server): void {
    const event = s.events.find((e) => e.event === 'checkpoint' && Number(e.id) === size)
    expect(event).toBeDefined()
    const note = (JSON.parse(event?.data ?? '{}') as { note: string }).note.split('\n')
    expect(note.slice(0, 3)).toEqual([
      ORIGIN,
      String(size),
      Buffer.from(writer.registry.root(size)).toString('base64'),
    ])
  }

  describe('log events across server processes on PostgreSQL', () => {
    it('a subscriber of server A gets the checkpoint of an entry appended through server B, by notification', async () => {
      const db = await database()
      const a = await serve(db.url)
      const b = await serve(db.url, { listenUrl: false })
      await a.status('listening')
      expect(a.statuses).toEqual([{ state: 'listening' }])
      const s = await openEvents(a.url)
      await s.until(() => sizes(s).includes(0))

      expect(await publishThrough(b)).toBe(1)
      await s.until(() => sizes(s).includes(1), 5000)
      expectCheckpoint(s, 1, b)
      // A's own view of the tree was refreshed too (GET /api/v1/log/checkpoint serves size 1).
      expect(a.registry.size).toBe(1)
      expect((await a.app.inject('/api/v1/log/checkpoint')).body.split('\n')[1]).toBe('1')

      // And again: every commit notifies, not only the first.
      expect(await publishThrough(b)).toBe(2)
      await s.until(() => sizes(s).includes(2), 5000)
      expectCheckpoint(s, 2, b)
    }, 60_000)

    it("a server's own appends are not read in again from its notices; another server's still are", async () => {
      const db = await database()
      const a = await serve(db.url)
      const b = await serve(db.url, { listenUrl: false })
      await a.status('listening')
      // Listening (re)started: a reads the log in once, whoever appended.
      await vi.waitFor(() => expect(a.notices.items).toEqual([[undefined, false]]))
      const logSize = vi.spyOn(a.store, 'logSize')
      const getLeafHashes = vi.spyOn(a.store, 'getLeafHashes')
      const reads = () => logSize.mock.calls.length + getLeafHashes.mock.calls.length
      await vi.waitFor(() => expect(a.registry.size).toBe(0))
      const c = new pg.Client({ connectionString: db.url })
      try {
        await c.connect()
        const notify = (payload: string) => c.query("SELECT pg_notify('accord_log', $1)", [payload])

        // a's own publishes: each notice says so (the payload carries a's instance id) and none
        // makes a read the store; the entries are in a's tree from the commits themselves.
        expect(a.store.logInstance).toMatch(/^[0-9a-f-]{36}$/)
        expect(await publishThrough(a)).toBe(1)
        expect(await publishThrough(a)).toBe(2)
        await a.notices.until((n) => n.length === 3, "a's own notices")
        expect(a.notices.items.slice(1)).toEqual([
          [1, true],
          [2, true],
        ])
        // A notice of a's own instance beyond its tree, as when it arrives before the commit has
        // returned here: not read in at once either (the commit will put it in the tree).
        await notify(`3:${a.store.logInstance}`)
        await a.notices.until((n) => n.length === 4, 'the early own notice')
        expect(a.notices.items[3]).toEqual([3, true])

        // b's publish: a hears it as another's, reads it in and pushes it.
        const s = await openEvents(a.url)
        expect(await publishThrough(b)).toBe(3)
        await s.until(() => sizes(s).includes(3), 5000)
        expectCheckpoint(s, 3, b)
        expect(a.notices.items[4]).toEqual([3, false])
        // The only reads since listening began: b's entry (its size, then its leaf).
        expect(logSize).toHaveBeenCalledTimes(1)
        expect(getLeafHashes.mock.calls).toEqual([[2, 3]])
        expect(reads()).toBe(2)
      } finally {
        await c.end()
      }
    }, 60_000)

    it("an own notice whose size the tree does not reach after pollMs (the commit's answer was lost) is read in then", async () => {
      const db = await database()
      const a = await serve(db.url, { pollMs: 300 })
      await a.status('listening')
      await vi.waitFor(() => expect(a.notices.items).toEqual([[undefined, false]]))
      const logSize = vi.spyOn(a.store, 'logSize')
      // A commit notified as a's own (a second store with a's instance id) that a's registry never
      // heard the answer of, as when a's own commit succeeded but its answer was lost: nothing but
      // the notice tells a of it.
      const lost = await openPostgresStore(db.url, {
        poolSize: 1,
        ...(a.store.logInstance !== undefined ? { logInstance: a.store.logInstance } : {}),
      })
      try {
        const appended = await lost.appendEntries([
          { kind: 'revocation', payload: '{}', leafHash: new Uint8Array(32) },
        ])
        expect(appended).toEqual({ firstIndex: 0, size: 1 })
      } finally {
        await lost.close()
      }
      await a.notices.until((n) => n.length === 2, 'the own notice')
      expect(a.notices.items[1]).toEqual([1, true])
      // Not read at once...
      expect(logSize).not.toHaveBeenCalled()
      // ...but after pollMs the tree is still short of it: the log is read in.
      await vi.waitFor(() => expect(a.registry.size).toBe(1), { timeout: 5000 })
      expect(logSize).toHaveBeenCalledTimes(1)
    }, 60_000)

    it('a rolled-back append notifies nobody', async () => {
      const db = await database()
      const l = listenerOn(db.url)
      const c = new pg.Client({ connectionString: db.url })
      try {
        const b = await serve(db.url, { listenUrl: false })
        await l.status('listening')
        expect(l.listener.listening).toBe(true)
        // The store's own append, rolled back by the duplicate that follows it in the batch.
        const issuer = await makeSigner('EdDSA')
        const p = await makePassport(issuer)
        expect((await publish(b.app, issuer, p.token)).statusCode).toBe(201)
        expect((await publish(b.app, issuer, p.token)).statusCode).toBe(409)
        // A marker after both: once it is heard, anything sent before it was heard as well.
        await c.connect()
        await c.query("SELECT pg_notify('accord_log', '1000')")
        await l.hears(1000)
        expect(l.heard).toEqual([undefined, 1, 1000])
      } finally {
        await c.end()
        await l.listener.close()
      }
    }, 60_000)

    it('an append in a transaction of several statements (status changes, endorsements) notifies too', async () => {
      const db = await database()
      const l = listenerOn(db.url)
      const store = await openPostgresStore(db.url, { poolSize: 2 })
      try {
        await store.migrate()
        await l.status('listening')
        const entry = { kind: 'revocation' as const, payload: '{}', leafHash: new Uint8Array(32) }
        expect(await store.appendEntries([entry, entry])).toEqual({ firstIndex: 0, size: 2 })
        await l.hears(2)
        expect(l.heard).toEqual([undefined, 2])
      } finally {
        await store.close()
        await l.listener.close()
      }
    }, 60_000)

    it('a killed listening session reconnects: what was appended meanwhile and after is pushed', async () => {
      const db = await database()
      const a = await serve(db.url, { listener: { minBackoffMs: 1000 } })
      const b = await serve(db.url, { listenUrl: false })
      await a.status('listening')
      const s = await openEvents(a.url)
      await s.until(() => sizes(s).includes(0))

      const admin = new pg.Client({ connectionString: db.url })
      await admin.connect()
      try {
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = $1 AND application_name = $2`,
          [db.name, LISTENER_APPLICATION_NAME],
        )
        expect(killed.rows).toEqual([{ ok: true }])
      } finally {
        await admin.end()
      }
      await a.status('disconnected')
      expect(a.statuses.at(-1)).toMatchObject({ state: 'disconnected', retryInMs: 1000 })
      // Appended while A is not listening (it reconnects after a second): read in when it is.
      expect(await publishThrough(b)).toBe(1)
      await a.status('listening', 2)
      await s.until(() => sizes(s).includes(1), 5000)
      // Appended after: notified on the new session.
      expect(await publishThrough(b)).toBe(2)
      await s.until(() => sizes(s).includes(2), 5000)
      expectCheckpoint(s, 2, b)
    }, 60_000)

    it('a session that stops answering (no FIN, no RST) is noticed by its heartbeat and replaced', async () => {
      const db = await database()
      const proxy = await freezableProxy(db.url)
      const l = listenerOn(proxy.url, { heartbeatMs: 300, minBackoffMs: 100 })
      const c = new pg.Client({ connectionString: db.url })
      try {
        await l.status('listening')
        proxy.freeze()
        await l.status('disconnected')
        expect(l.statuses[1]).toMatchObject({
          state: 'disconnected',
          error: expect.stringContaining('no answer to a heartbeat') as string,
        })
        expect(l.listener.listening).toBe(false)
        await l.status('listening', 2)
        await c.connect()
        await c.query("SELECT pg_notify('accord_log', '7')")
        await l.hears(7)
        expect(l.heard).toEqual([undefined, undefined, 7])
      } finally {
        await c.end()
        await l.listener.close()
        proxy.close()
      }
    }, 60_000)

    describe.skipIf(!PGBOUNCER)('behind PgBouncer in transaction pooling mode', () => {
      it('the listener sees that notifications do not arrive, and the server checks the log size instead', async () => {
        const db = await database()
        const bouncer = await startPgBouncer(url, db.name)
        bouncers.push(bouncer)
        const a = await serve(bouncer.url, { pollMs: 200, listener: { probeTimeoutMs: 1000 } })
        const b = await serve(bouncer.url, { listenUrl: false })
        await a.status('not-delivered')
        expect(a.statuses).toEqual([{ state: 'not-delivered', retryInMs: 300_000 }])
        const s = await openEvents(a.url)
        await s.until(() => sizes(s).includes(0))
        expect(await publishThrough(b)).toBe(1)
        await s.until(() => sizes(s).includes(1), 5000)
        expectCheckpoint(s, 1, b)
        expect(a.statuses).toHaveLength(1)
      }, 60_000)

      it('with a direct listen URL beside the pooled one, notifications arrive', async () => {
        const db = await database()
        const bouncer = await startPgBouncer(url, db.name)
        bouncers.push(bouncer)
        const a = await serve(bouncer.url, { listenUrl: db.url })
        const b = await serve(bouncer.url, { listenUrl: false })
        await a.status('listening')
        const s = await openEvents(a.url)
        await s.until(() => sizes(s).includes(0))
        expect(await publishThrough(b)).toBe(1)
        await s.until(() => sizes(s).includes(1), 5000)
        expectCheckpoint(s, 1, b)
      }, 60_000)
    })

    it('accord serve on PostgreSQL listens, pushes another server’s entry, and stops at once on SIGTERM', async () => {
      const db = await database()
      const dir = tempDir('accord-serve-notify-')
      const server = await spawnServe(
        ['--port', '0', '--data-dir', dir, '--origin', ORIGIN, '--publish-workers', '0'],
        { env: { DATABASE_URL: db.url, ACCORD_LISTEN_URL: '' } },
      )
      try {
        const at = server.url
        await server.until(/log listener: LISTENing/)
        const b = await serve(db.url, { listenUrl: false })
        const s = await openEvents(at.replace(/\/$/, ''))
        await s.until(() => sizes(s).includes(0))
        expect(await publishThrough(b)).toBe(1)
        await s.until(() => sizes(s).includes(1), 5000)
        // With a stream open and the listening session up, SIGTERM still stops it at once.
        const started = Date.now()
        expect(await server.stop(15_000)).toEqual({ code: 0, signal: null })
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(server.stderr()).toContain('stopped')
      } finally {
        server.child.kill('SIGKILL')
      }
    }, 90_000)
  })
}
