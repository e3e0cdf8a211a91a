/**
 * Push of the transparency log's checkpoints to partners: the hub behind
 * `GET /api/v1/log/events` (Server-Sent Events, text/event-stream).
 *
 * One hub per server. It subscribes to the registry service (`onAppend`, called when the tree
 * grows: by this process's commits, and by other processes' entries that log-follow.ts reads in on
 * their PostgreSQL notification), so the hub itself never polls; it then asks the registry for its
 * checkpoint once, for every subscriber, and writes an event
 *
 * ```
 * id: <tree size>
 * event: checkpoint
 * data: {"size":<tree size>,"note":"<the signed note of GET /api/v1/log/checkpoint>"}
 * ```
 *
 * to each subscriber that has not had that size yet (a new subscriber gets the current
 * checkpoint at once, unless its `Last-Event-ID` is that size). The registry signs a new
 * checkpoint at most every `checkpointIntervalMs` and serves the cached one meanwhile, so while
 * the served checkpoint lags the tree the hub asks again every `catchUpMs` (an in-memory read).
 * A comment line every `heartbeatMs` keeps proxies from closing an idle stream and lets clients
 * notice a dead one. Subscribers are capped (`maxSubscribers`; the route answers 503 with
 * Retry-After past it); a subscriber that does not read (more than MAX_BUFFERED_BYTES waiting)
 * is dropped. `close()` ends every stream, so the server's shutdown does not wait on them.
 *
 * Written by hand: the SSE framing is three lines per event; a library (e.g. `fastify-sse-v2`)
 * would add a plugin and its own stream handling for no less code here.
 */
import { PassThrough } from 'node:stream'
import type { RegistryService } from './deps.js'

export interface LogEventsOptions {
  /** Most streams open at once (default 1000). */
  maxSubscribers?: number
  /** Milliseconds between heartbeat comments (default 15,000). */
  heartbeatMs?: number
  /** Milliseconds between checkpoint reads while the served checkpoint lags the tree (100). */
  catchUpMs?: number
}

export const DEFAULT_MAX_LOG_SUBSCRIBERS = 1000
export const DEFAULT_HEARTBEAT_MS = 15_000
/** The reconnection delay suggested to clients (the SSE `retry` field), in milliseconds. */
export const SSE_RETRY_MS = 5_000
/** Seconds a refused subscriber is told to wait (Retry-After). */
export const SUBSCRIBERS_RETRY_AFTER_S = 30
/** A subscriber with more than this many bytes not yet read is dropped. */
export const MAX_BUFFERED_BYTES = 256 * 1024
/** After a failed checkpoint read (database down), the hub tries again after this long. */
const ERROR_RETRY_MS = 1_000

interface Subscriber {
  stream: PassThrough
  /** Largest tree size sent to it (-1: none). */
  sent: number
}

export interface LogEventHub {
  /** Streams open now. */
  readonly subscribers: number
  readonly maxSubscribers: number
  /**
   * A new subscriber's event stream (give it to `reply.send`), or undefined when the hub is full
   * or closed. `lastEventId` is the client's `Last-Event-ID` header.
   */
  subscribe(lastEventId?: string): PassThrough | undefined
  /** Ends every stream and stops listening to the registry. */
  close(): void
}

type Checkpoint = { size: number; note: string }

function checkpointEvent(cp: Checkpoint): string {
  // JSON keeps the multi-line note on one `data:` line (and its final newline intact).
  return `id: ${cp.size}\nevent: checkpoint\ndata: ${JSON.stringify({ size: cp.size, note: cp.note })}\n\n`
}

function positive(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`log events: ${name} must be >= 1`)
  return v
}

export function createLogEventHub(
  registry: Pick<RegistryService, 'checkpoint' | 'onAppend'>,
  options: LogEventsOptions = {},
): LogEventHub {
  const maxSubscribers = positive(
    options.maxSubscribers ?? DEFAULT_MAX_LOG_SUBSCRIBERS,
    'maxSubscribers',
  )
  const heartbeatMs = positive(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, 'heartbeatMs')
  const catchUpMs = positive(options.catchUpMs ?? 100, 'catchUpMs')
  const subs = new Set<Subscriber>()
  let closed = false
  /** Largest tree size the registry announced. */
  let known = 0
  /** Largest checkpoint sent to anyone. */
  let latest: Checkpoint | undefined
  let reading = false
  let readAgain = false
  let retryTimer: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined

  const drop = (sub: Subscriber): void => {
    if (!subs.delete(sub)) return
    if (subs.size === 0 && heartbeat) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }

  const write = (sub: Subscriber, text: string): void => {
    if (sub.stream.destroyed || sub.stream.writableEnded) return drop(sub)
    if (sub.stream.writableLength > MAX_BUFFERED_BYTES) {
      // Not reading: its socket would hold the hub's memory. It reconnects when it wakes up.
      sub.stream.destroy()
      return drop(sub)
    }
    sub.stream.write(text)
  }

  /** Sends `cp` to every subscriber that has had only smaller ones. */
  const offer = (cp: Checkpoint): void => {
    if (latest === undefined || cp.size > latest.size) latest = cp
    const event = checkpointEvent(cp)
    for (const sub of [...subs])
      if (cp.size > sub.sent) {
        sub.sent = cp.size
        write(sub, event)
      }
  }

  const later = (ms: number): void => {
    if (closed || subs.size === 0 || retryTimer) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void read()
    }, ms)
    retryTimer.unref()
  }

  /** Reads the registry's checkpoint and offers it; again until it covers every entry known. */
  const read = async (): Promise<void> => {
    if (closed || subs.size === 0) return
    if (reading) {
      readAgain = true
      return
    }
    reading = true
    let failed = false
    try {
      const cp = await registry.checkpoint()
      if (!closed) offer({ size: cp.size, note: cp.note })
    } catch {
      failed = true
    } finally {
      reading = false
    }
    if (failed) later(ERROR_RETRY_MS)
    else if (readAgain || (latest?.size ?? 0) < known) {
      readAgain = false
      // The registry serves its cached checkpoint until checkpointIntervalMs has passed.
      later(catchUpMs)
    }
  }

  const unsubscribe = registry.onAppend((size) => {
    if (size > known) known = size
    if (subs.size > 0) void read()
  })

  return {
    get subscribers() {
      return subs.size
    },
    maxSubscribers,
    subscribe(lastEventId) {
      if (closed || subs.size >= maxSubscribers) return undefined
      const stream = new PassThrough()
      const sub: Subscriber = { stream, sent: -1 }
      subs.add(sub)
      stream.once('close', () => drop(sub))
      if (!heartbeat) {
        heartbeat = setInterval(() => {
          for (const s of [...subs]) write(s, ': heartbeat\n\n')
        }, heartbeatMs)
        heartbeat.unref()
      }
      // The first bytes also send the response headers at once.
      stream.write(`retry: ${SSE_RETRY_MS}\n: accord transparency log events\n\n`)
      void (async () => {
        let cp: Checkpoint
        try {
          cp = await registry.checkpoint()
        } catch {
          later(ERROR_RETRY_MS)
          return
        }
        // Last-Event-ID is the size the client has: skip the event it already had (cheap).
        if (lastEventId !== undefined && lastEventId.trim() === String(cp.size) && sub.sent < 0)
          sub.sent = cp.size
        if (closed) return
        offer({ size: cp.size, note: cp.note })
        // A larger checkpoint was sent to the others meanwhile.
        if (latest && latest.size > sub.sent) {
          sub.sent = latest.size
          write(sub, checkpointEvent(latest))
        }
        if (cp.size < known) later(catchUpMs)
      })()
      return stream
    },
    close() {
      if (closed) return
      closed = true
      unsubscribe()
      if (retryTimer) clearTimeout(retryTimer)
      if (heartbeat) clearInterval(heartbeat)
      retryTimer = undefined
      heartbeat = undefined
      for (const sub of [...subs]) sub.stream.end()
      subs.clear()
    },
  }
}
