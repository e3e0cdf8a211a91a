/**
 * `accord log monitor` following a registry's event stream (GET /api/v1/log/events) against the
 * real server (fastify app, registry service, PGlite), and the feed's fallbacks: a registry
 * without the stream (404: poll), a stream that drops or falls silent (reconnect).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMonitor } from '../../../src/cli/commands/log.js'
import type { Signer } from '../../../src/core/ports.js'
import { LOG_API } from '../../../src/core/tlog/api.js'
import { buildApp } from '../../../src/server/app.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { openStore, type SqlStore } from '../../../src/node/store/index.js'
import { openCheckpointFeed } from '../../../src/node/tlog/events.js'
import { openRegistry, type Registry } from '../../../src/node/tlog/registry.js'
import { passportRecord, revocation } from './fixtures.js'
import { startMockLog } from './mock-log.js'

const ORIGIN = 'follow.test/log'
const dir = mkdtempSync(path.join(tmpdir(), 'accord-follow-'))
let store: SqlStore
let registry: Registry
let logKey: Signer
let app: FastifyInstance
let url: string
const requests: string[] = []
let n = 0

beforeAll(async () => {
  logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
  store = await openStore({ dataDir: 'memory://', env: {} })
  // The registry's default checkpoint interval (1 s), as `accord serve` runs it.
  registry = await openRegistry({ store, logKey, origin: ORIGIN })
  app = await buildApp({ store, registry, clock: { nowSeconds: () => 1_788_000_000 } })
  app.addHook(
    'onRequest',
    async (request) => void requests.push(`${request.method} ${request.url}`),
  )
  url = await app.listen({ host: '127.0.0.1', port: 0 })
}, 60_000)

afterAll(async () => {
  await app.close()
  await registry.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** An in-process CLI context and what it printed. */
function cli() {
  const out: string[] = []
  const err: string[] = []
  let code = 0
  const waiters = new Set<() => void>()
  const ctx = {
    io: {
      out: (s: string) => {
        out.push(s)
        for (const w of [...waiters]) w()
      },
      err: (s: string) => {
        err.push(s)
        for (const w of [...waiters]) w()
      },
      isTty: false,
      today: () => '2026-09-01',
      nowSeconds: () => 1_788_000_000,
    },
    setExit: (c: number) => void (code = c),
  }
  const until = (pred: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pred()) return
        waiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`timed out; out: ${out.join('')}; err: ${err.join('')}`))
      }, ms)
      waiters.add(check)
      check()
    })
  return {
    ctx,
    text: () => out.join(''),
    errors: () => err.join(''),
    code: () => code,
    until,
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('accord log monitor following the event stream', () => {
  it('prints a revocation within a second of it, pushed, without polling', async () => {
    const p = passportRecord(`urn:follow:${n++}`)
    await registry.publish([{ type: 'passport', passport: p }])
    const c = cli()
    const stop = new AbortController()
    const running = runMonitor(
      c.ctx,
      {
        log: url,
        key: registry.verifierKey,
        // An hour between polls: whatever arrives within the test was pushed.
        interval: '3600',
        state: path.join(dir, 'follow.json'),
        entries: true,
      },
      stop.signal,
    )
    try {
      await c.until(() => /^first: /.test(c.text()))
      await c.until(() => c.errors().includes('following the event stream'))
      // The event sent on connect (the same checkpoint) makes a round too.
      await c.until(() => c.text().includes('unchanged: '))
      // Past the registry's checkpoint interval (1 s), which bounds how soon a new one is signed.
      await sleep(1100)
      const polls = requests.filter((r) => r.startsWith(`GET ${LOG_API.checkpoint}`)).length
      const started = Date.now()
      await registry.publish([{ type: 'status', change: revocation(p.id) }])
      await c.until(() => c.text().includes(`revocation passportId=${p.id} status=revoked`), 2000)
      expect(Date.now() - started).toBeLessThan(1000)
      expect(c.text()).toMatch(/consistent: consistent: size 1 -> 2/)
      // Pushed: the checkpoint came on the stream, not from GET /api/v1/log/checkpoint.
      expect(requests.filter((r) => r.startsWith(`GET ${LOG_API.checkpoint}`)).length).toBe(polls)
      expect(requests).toContain(`GET ${LOG_API.entries}?start=1&end=2`)
    } finally {
      stop.abort()
      await running
    }
    expect(c.code()).toBe(0)
  }, 30_000)

  it('polls every --interval when the registry offers no event stream (404)', async () => {
    const mock = await startMockLog(registry, store)
    const c = cli()
    const stop = new AbortController()
    const running = runMonitor(
      c.ctx,
      {
        log: mock.url,
        key: registry.verifierKey,
        interval: '1',
        state: path.join(dir, 'poll.json'),
        entries: true,
      },
      stop.signal,
    )
    try {
      await c.until(() => c.errors().includes('offers no event stream; polling'))
      const p = passportRecord(`urn:follow:${n++}`)
      await registry.publish([{ type: 'passport', passport: p }])
      await c.until(() => c.text().includes(`passport id=${p.id}`), 5000)
      expect(mock.requests).toContain(`GET ${LOG_API.events}`)
    } finally {
      stop.abort()
      await running
      await mock.close()
    }
  }, 30_000)

  it('--no-events does not open the stream', async () => {
    const c = cli()
    const stop = new AbortController()
    const before = requests.filter((r) => r.startsWith(`GET ${LOG_API.events}`)).length
    const running = runMonitor(
      c.ctx,
      {
        log: url,
        key: registry.verifierKey,
        interval: '3600',
        state: path.join(dir, 'no-events.json'),
        events: false,
      },
      stop.signal,
    )
    await c.until(() => /^first: /.test(c.text()))
    await sleep(200)
    stop.abort()
    await running
    expect(requests.filter((r) => r.startsWith(`GET ${LOG_API.events}`)).length).toBe(before)
  }, 30_000)
})

describe('the checkpoint feed', () => {
  const sse = (chunks: string[], end: boolean) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c))
          if (end) controller.close()
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    )
  const event = (size: number) =>
    `id: ${size}\nevent: checkpoint\ndata: ${JSON.stringify({ size, note: `note ${size}\n` })}\n\n`

  it('reconnects after the stream drops, with the last id it received', async () => {
    const calls: (string | null)[] = []
    const feed = openCheckpointFeed({
      logUrl: 'http://log.invalid',
      backoffMs: 10,
      fetch: async (_url, init) => {
        calls.push(new Headers(init?.headers).get('last-event-id'))
        return calls.length === 1 ? sse([event(3)], true) : sse([event(5)], false)
      },
    })
    try {
      expect(await feed.next(2000)).toBe('note 3\n')
      expect(await feed.next(2000)).toBe('note 5\n')
      expect(calls).toEqual([null, '3'])
      expect(feed.state).toBe('open')
    } finally {
      feed.close()
    }
    expect(feed.state).toBe('closed')
    expect(await feed.next(1000)).toBeUndefined()
  })

  it('drops a silent stream (no heartbeat) and reconnects', async () => {
    let calls = 0
    const feed = openCheckpointFeed({
      logUrl: 'http://log.invalid',
      idleMs: 50,
      backoffMs: 10,
      fetch: async () => (++calls === 1 ? sse([], false) : sse([event(9)], false)),
    })
    try {
      expect(await feed.next(2000)).toBe('note 9\n')
      expect(calls).toBe(2)
    } finally {
      feed.close()
    }
  })

  it('waits out Retry-After on a 503, and ignores other events and unknown fields', async () => {
    let calls = 0
    const notices: string[] = []
    const feed = openCheckpointFeed({
      logUrl: 'http://log.invalid',
      backoffMs: 10,
      onNotice: (m) => notices.push(m),
      fetch: async () =>
        ++calls === 1
          ? new Response('{}', { status: 503, headers: { 'retry-after': '1' } })
          : sse(
              [
                'event: other\ndata: x\n\n',
                'foo: an unknown field\n',
                'event: checkpoint\ndata: {"size":-1}\n\n',
                event(4),
              ],
              false,
            ),
    })
    const started = Date.now()
    try {
      expect(await feed.next(3000)).toBe('note 4\n')
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
      expect(notices.join('\n')).toContain('answered 503; retrying in 1 s')
      // The unknown field did not drop the stream: no third request.
      await new Promise((r) => setTimeout(r, 100))
      expect(calls).toBe(2)
    } finally {
      feed.close()
    }
  })
})
