/**
 * Following a log's event stream (`GET /api/v1/log/events`, Server-Sent Events): the registry
 * pushes each new signed checkpoint, so `accord log monitor` checks it at once instead of at its
 * next poll. The feed only wakes the monitor up; the note it delivers is verified like one
 * fetched with GET (signature, origin, consistency), so the stream is no more trusted than the
 * rest of the log API.
 *
 * - A 404 (a registry without the endpoint) stops the feed for good: the monitor polls.
 * - Any other failure (unreachable, 503 past the subscriber limit, a dropped or silent stream: no
 *   byte, heartbeats included, for `idleMs`) reconnects after a delay that doubles from
 *   `backoffMs` (or the server's `retry` field) up to `maxBackoffMs`, honouring Retry-After; the
 *   monitor polls every --interval meanwhile. `Last-Event-ID` carries the last size received.
 *
 * The SSE framing is parsed by `eventsource-parser` (dependency-free, parser only, the one the
 * `eventsource` client is built on). The connection is ours: the full `eventsource` client hides
 * the status code (the monitor must tell a 404 from an outage), and this fetch follows no
 * redirect and is bounded like the other log requests (src/node/tlog/http.ts).
 */
import { createParser } from 'eventsource-parser'
import { apiUrl, CheckpointEventSchema, LOG_API } from '../../core/tlog/api.js'
import { MAX_NOTE_BYTES } from '../../core/tlog/note.js'
import { normalizeLogUrl, type LogHttpOptions } from './http.js'

export type FeedState = 'connecting' | 'open' | 'unsupported' | 'closed'

export interface CheckpointFeedOptions extends Pick<LogHttpOptions, 'fetch'> {
  logUrl: string
  /** Told what the feed does (connected, dropped, falling back to polling): for stderr. */
  onNotice?: (message: string) => void
  /** A stream silent for this long (no event, no heartbeat) is dropped (default 45 s). */
  idleMs?: number
  /** First reconnection delay in ms (default 1000, or the server's `retry`); doubles. */
  backoffMs?: number
  /** Longest reconnection delay in ms (default 60,000). */
  maxBackoffMs?: number
}

export interface CheckpointFeed {
  readonly state: FeedState
  /**
   * The newest checkpoint note pushed since the last call, waiting up to `ms` for one; undefined
   * when none came (poll then), or once the feed is closed.
   */
  next(ms: number): Promise<string | undefined>
  close(): void
}

/** Most characters the SSE parser buffers (one event with one note is a few KB). */
const MAX_EVENT_CHARS = 4 * MAX_NOTE_BYTES

export function openCheckpointFeed(options: CheckpointFeedOptions): CheckpointFeed {
  const url = apiUrl(normalizeLogUrl(options.logUrl), LOG_API.events).href
  const doFetch = options.fetch ?? fetch
  const idleMs = options.idleMs ?? 45_000
  const maxBackoffMs = options.maxBackoffMs ?? 60_000
  const notice = (m: string) => options.onNotice?.(m)
  let baseDelay = options.backoffMs ?? 1000
  let state: FeedState = 'connecting'
  let lastId: string | undefined
  let pending: { size: number; note: string } | undefined
  /** Called on a delivery and on close. */
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const w of [...waiters]) w()
  }
  const closed = () => state === 'closed'
  let connection: AbortController | undefined
  /** Ends the stream being read. */
  let dropCurrent: (() => void) | undefined

  const deliver = (size: number, note: string) => {
    if (pending === undefined || size >= pending.size) pending = { size, note }
    notify()
  }

  /** Resolves after `ms`, or at once when the feed closes. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        waiters.delete(onWake)
        resolve()
      }
      const onWake = () => {
        if (closed()) done()
      }
      const timer = setTimeout(done, ms)
      waiters.add(onWake)
    })

  /** Reads one open stream until it ends, fails or falls silent; true when any byte came. */
  const consume = async (body: ReadableStream<Uint8Array>, conn: AbortController) => {
    let received = false
    const parser = createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onRetry: (ms) => {
        if (ms >= 100 && ms <= maxBackoffMs) baseDelay = ms
      },
      onEvent: (e) => {
        if (e.event !== 'checkpoint') return
        let data: unknown
        try {
          data = JSON.parse(e.data)
        } catch {
          return
        }
        const parsed = CheckpointEventSchema.safeParse(data)
        if (!parsed.success) return
        lastId = String(parsed.data.size)
        deliver(parsed.data.size, parsed.data.note)
      },
      // Unknown fields and bad `retry` values are ignored, as EventSource does; only a line or
      // event past the buffer limit ends the stream.
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') drop()
      },
    })
    const decoder = new TextDecoder()
    const reader = body.getReader()
    // Aborting the request ends the body of a real fetch; cancelling the reader ends any stream.
    const drop = () => {
      conn.abort()
      void reader.cancel().catch(() => undefined)
    }
    dropCurrent = drop
    let idle = setTimeout(drop, idleMs)
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        received = true
        clearTimeout(idle)
        idle = setTimeout(drop, idleMs)
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } catch {
      // Aborted (closed, silent, or a parse error) or the connection broke.
    } finally {
      clearTimeout(idle)
      dropCurrent = undefined
    }
    return received
  }

  const run = async () => {
    let failures = 0
    const delay = () => Math.min(maxBackoffMs, baseDelay * 2 ** Math.min(failures++, 16))
    while (!closed()) {
      const conn = new AbortController()
      connection = conn
      state = 'connecting'
      let res: Response
      try {
        res = await doFetch(url, {
          headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
          redirect: 'error',
          signal: conn.signal,
        })
      } catch (err) {
        if (closed()) return
        const wait = delay()
        notice(
          `cannot reach the event stream at ${url}: ${(err as Error).message}; retrying in ${Math.round(wait / 1000)} s`,
        )
        await pause(wait)
        continue
      }
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined)
        state = 'unsupported'
        notice(`${url} answered 404: this registry offers no event stream; polling`)
        return
      }
      const type = res.headers.get('content-type') ?? ''
      if (res.status !== 200 || !/^text\/event-stream\b/i.test(type) || res.body === null) {
        await res.body?.cancel().catch(() => undefined)
        const retryAfter = Number(res.headers.get('retry-after'))
        const wait = Math.max(
          delay(),
          Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : 0,
        )
        notice(
          `the event stream at ${url} answered ${res.status}${res.status === 200 ? ` (${type || 'no content type'})` : ''}; retrying in ${Math.round(wait / 1000)} s, polling meanwhile`,
        )
        await pause(wait)
        continue
      }
      state = 'open'
      notice(`following the event stream at ${url}`)
      const received = await consume(res.body, conn)
      if (closed()) return
      if (received) failures = 0
      state = 'connecting'
      const wait = delay()
      notice(
        `the event stream dropped; reconnecting in ${Math.round(wait / 1000)} s, polling meanwhile`,
      )
      await pause(wait)
    }
  }
  void run()

  return {
    get state() {
      return state
    },
    next(ms) {
      const take = () => {
        const p = pending
        pending = undefined
        return p?.note
      }
      if (pending !== undefined || closed()) return Promise.resolve(take())
      return new Promise((resolve) => {
        const finish = () => {
          clearTimeout(timer)
          waiters.delete(finish)
          resolve(take())
        }
        const timer = setTimeout(finish, ms)
        waiters.add(finish)
      })
    },
    close() {
      if (closed()) return
      state = 'closed'
      connection?.abort()
      dropCurrent?.()
      notify()
    },
  }
}
