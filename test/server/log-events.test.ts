/**
 * GET /api/v1/log/events: Server-Sent Events of new checkpoints, over a listening server, read
 * with eventsource-parser (sse.ts). Other server processes' appends on PostgreSQL:
 * log-events-postgres.test.ts.
 */
import type { EventSourceMessage } from 'eventsource-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { makePassport, makeSigner, publish, startApp, type TestApp } from './helpers.js'
import type { BuildAppOptions } from '../../src/server/app.js'
import { abortStreams, openEvents as open, sizes } from './sse.js'

const apps: TestApp[] = []

afterEach(async () => {
  abortStreams()
  for (const a of apps.splice(0)) await a.close()
})

async function listening(
  options: Partial<BuildAppOptions> = {},
): Promise<TestApp & { url: string }> {
  const t = await startApp(options)
  apps.push(t)
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 })
  return { ...t, url }
}

describe('GET /api/v1/log/events', () => {
  it('sends the current checkpoint on connect, then a new one after a publish', async () => {
    const t = await listening()
    const issuer = await makeSigner('EdDSA')
    expect((await publish(t.app, issuer, (await makePassport(issuer)).token)).statusCode).toBe(201)
    const s = await open(t.url)
    expect(s.status).toBe(200)
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(s.headers.get('cache-control')).toBe('no-cache')
    await s.until(() => s.events.length >= 1)
    const first = s.events[0] as EventSourceMessage
    expect(first.event).toBe('checkpoint')
    const body = JSON.parse(first.data) as { size: number; note: string }
    expect(body.size).toBe(1)
    expect(first.id).toBe('1')
    expect(body.note).toBe((await t.app.inject('/api/v1/log/checkpoint')).body)

    const p = await makePassport(issuer)
    const published = Date.now()
    expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
    // Within the registry's checkpoint interval (1 s here) plus the hub's catch-up delay.
    await s.until(() => sizes(s).includes(2), 3000)
    expect(Date.now() - published).toBeLessThan(2500)
    const second = JSON.parse((s.events.at(-1) as EventSourceMessage).data) as {
      size: number
      note: string
    }
    expect(second.size).toBe(2)
    expect(second.note.split('\n')[1]).toBe('2')
    expect(sizes(s)).toEqual([1, 2])
  }, 30_000)

  it('sends heartbeat comments', async () => {
    const t = await listening({ logEvents: { heartbeatMs: 30 } })
    const s = await open(t.url)
    await s.until(() => s.comments.filter((c) => c.trim() === 'heartbeat').length >= 3)
  }, 30_000)

  it('skips the checkpoint the client names in Last-Event-ID', async () => {
    const t = await listening({ logEvents: { heartbeatMs: 30 } })
    const s = await open(t.url, { 'last-event-id': '0' })
    // The log is empty (size 0): the client has it already. Heartbeats arrive, no event.
    await s.until(() => s.comments.filter((c) => c.trim() === 'heartbeat').length >= 2)
    expect(s.events).toEqual([])
    const other = await open(t.url, { 'last-event-id': '7' })
    await other.until(() => other.events.length === 1)
    expect(other.events[0]?.id).toBe('0')
  }, 30_000)

  it('refuses subscribers past the limit with 503 and Retry-After, and takes them once one leaves', async () => {
    const t = await listening({ logEvents: { maxSubscribers: 1 } })
    const s = await open(t.url)
    await s.until(() => s.events.length === 1)
    const refused = await fetch(`${t.url}/api/v1/log/events`)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(await refused.json()).toMatchObject({
      code: 'ERR_CONFIG_RATE_LIMITED',
      message: expect.stringContaining('at most 1 event streams') as string,
    })
    s.abort()
    await s.ended
    // The server notices the closed connection.
    for (let i = 0; i < 50; i++) {
      const again = await open(t.url)
      if (again.status === 200) return
      again.abort()
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error('the slot was never freed')
  }, 30_000)

  it('counts a stream as one request for the rate limit, however long it lasts', async () => {
    const t = await listening({ rateLimit: { max: 2 }, logEvents: { heartbeatMs: 10 } })
    const s = await open(t.url)
    await s.until(() => s.comments.filter((c) => c.trim() === 'heartbeat').length >= 5)
    expect((await t.app.inject('/api/v1/log/checkpoint')).statusCode).toBe(200)
    expect((await t.app.inject('/api/v1/log/checkpoint')).statusCode).toBe(429)
  }, 30_000)

  it('ends open streams when the server closes, without waiting for them', async () => {
    const t = await listening()
    const streams = [await open(t.url), await open(t.url)]
    for (const s of streams) await s.until(() => s.events.length === 1)
    const started = Date.now()
    await apps.splice(apps.indexOf(t), 1)[0]?.close()
    expect(Date.now() - started).toBeLessThan(2000)
    await Promise.all(streams.map((s) => s.ended))
  }, 30_000)
})
