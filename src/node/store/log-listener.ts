/**
 * Notices of log appends made by other server processes on one PostgreSQL database: every append
 * runs `pg_notify('accord_log', <new size>)` in its transaction (sql-store.ts), so PostgreSQL
 * delivers it when, and only when, the append commits; each server LISTENs on a dedicated session
 * (a `pg.Client` of its own, not the pool, whose connections serve any query and are returned).
 *
 * A LISTEN through PgBouncer in transaction pooling mode is accepted but binds nothing: the
 * session behind it is handed to other clients, and notifications never reach ours. So after
 * LISTEN the listener proves it works: it sends a notification of its own (`probe:<uuid>`) over a
 * second connection and waits for it (`probeTimeoutMs`). Only then is it `listening`; until then,
 * while the connection is down, and where the probe never arrives, the server checks the log size
 * periodically instead (src/server/log-follow.ts). A probe that did not arrive is tried again
 * after `probeRetryMs` (a pooler stays a pooler; a slow start does not); a lost connection is
 * reconnected with backoff (`minBackoffMs` doubling to `maxBackoffMs`). Nothing here throws or
 * rejects into the server: failures are reported through `onStatus`.
 */
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import pg from 'pg'
import { redactUrl } from './db.js'

/**
 * The channel log appends are notified on (payload: the log size after the commit, then `:` and
 * the instance id of the store that committed, sql-store.ts `logInstance`; older servers send the
 * size alone).
 */
export const LOG_CHANNEL = 'accord_log'
/**
 * A notification's payload read: the log size after the commit, and the instance id of the store
 * that committed (undefined from a server that sends the size alone). Undefined when it is not
 * one (a probe, or anything else).
 */
export function logNotice(payload: string): { size: number; instance?: string } | undefined {
  const m = /^(\d{1,15})(?::([A-Za-z0-9-]{1,64}))?$/.exec(payload)
  if (m === null) return undefined
  const size = Number(m[1])
  if (!Number.isSafeInteger(size)) return undefined
  return m[2] === undefined ? { size } : { size, instance: m[2] }
}

/** The `application_name` of the listening session (visible in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'accord log listener'
const PROBE_PREFIX = 'probe:'
/** How long a connection being ended may take to say goodbye before its socket is destroyed. */
const DROP_GRACE_MS = 1_000

export type LogListenerStatus =
  /** LISTEN is in place and its probe came back: notices are delivered. */
  | { state: 'listening' }
  /** Connecting, LISTEN or the connection failed; it reconnects after `retryInMs`. */
  | { state: 'disconnected'; error: string; retryInMs: number }
  /** LISTEN was accepted but its probe never arrived (a pooler in transaction mode). */
  | { state: 'not-delivered'; retryInMs: number }

export interface LogListenerOptions {
  /** A PostgreSQL URL of a direct connection (or a pooler in session mode). */
  url: string
  /**
   * The instance id of this server's store (SqlStore `logInstance`): notices carrying it are of
   * this server's own appends, and are delivered with `own` true.
   */
  instance?: string
  /** Called on each change of state, e.g. to log it. Must not throw. */
  onStatus?: (status: LogListenerStatus) => void
  /** How long to wait for a connection (default 10 s). */
  connectTimeoutMs?: number
  /** How long the probe may take to come back (default 3 s). */
  probeTimeoutMs?: number
  /** After a probe that did not come back, LISTEN again after this long (default 5 min). */
  probeRetryMs?: number
  /** First reconnection delay, doubled after each failure (default 250 ms). */
  minBackoffMs?: number
  /** Longest reconnection delay (default 30 s). */
  maxBackoffMs?: number
  /**
   * While listening, a `SELECT 1` on the session this often (default 30 s); no answer within as
   * long ends the session as lost, so a peer that vanished without closing it is noticed.
   */
  heartbeatMs?: number
}

/** What the server needs of a listener (src/server/deps.ts `LogNotices`). */
export interface LogListener {
  /** True while notices are delivered: connected, LISTENing, probe received. */
  readonly listening: boolean
  /**
   * `listener(size, own)` for each notice of an append that committed (`size`: the log size after
   * it; `own`: true when this server's store made it, by the `instance` in its payload), and
   * `listener(undefined)` each time listening (re)starts, when appends made meanwhile were not
   * notified. Returns the unsubscribe function.
   */
  subscribe(listener: (size: number | undefined, own?: boolean) => void): () => void
  /** Ends the connection and every retry; resolves when the session is closed. */
  close(): Promise<void>
}

/** Starts listening (in the background) and returns at once. */
export function openLogListener(options: LogListenerOptions): LogListener {
  const listener = new PgLogListener(options)
  listener.start()
  return listener
}

class PgLogListener implements LogListener {
  readonly #url: string
  readonly #instance: string | undefined
  readonly #onStatus: (status: LogListenerStatus) => void
  readonly #connectTimeoutMs: number
  readonly #probeTimeoutMs: number
  readonly #probeRetryMs: number
  readonly #minBackoffMs: number
  readonly #maxBackoffMs: number
  readonly #heartbeatMs: number
  readonly #subscribers = new Set<(size: number | undefined, own?: boolean) => void>()
  /** Probes waiting to come back, by payload. */
  readonly #probes = new Map<string, (arrived: boolean) => void>()
  /** Open connections (the session, a probe's sender) and their sockets, ended by close(). */
  readonly #clients = new Map<pg.Client, net.Socket>()
  #listening = false
  #closed = false
  #failures = 0
  #retry: NodeJS.Timeout | undefined

  constructor(options: LogListenerOptions) {
    this.#url = options.url
    this.#instance = options.instance
    this.#onStatus = options.onStatus ?? (() => undefined)
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 3_000
    this.#probeRetryMs = options.probeRetryMs ?? 300_000
    this.#minBackoffMs = options.minBackoffMs ?? 250
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000
    this.#heartbeatMs = options.heartbeatMs ?? 30_000
  }

  get listening(): boolean {
    return this.#listening
  }

  subscribe(listener: (size: number | undefined, own?: boolean) => void): () => void {
    this.#subscribers.add(listener)
    return () => void this.#subscribers.delete(listener)
  }

  start(): void {
    void this.#session()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#listening = false
    if (this.#retry) clearTimeout(this.#retry)
    this.#retry = undefined
    for (const settle of this.#probes.values()) settle(false)
    await Promise.all([...this.#clients.keys()].map((c) => this.#drop(c)))
  }

  #client(applicationName: string): pg.Client {
    // The socket pg would make (net.Socket; TLS goes over it), kept so that #drop can destroy it.
    const socket = new net.Socket()
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      application_name: applicationName,
      keepAlive: true,
      stream: () => socket,
    })
    this.#clients.set(client, socket)
    return client
  }

  /**
   * Ends a connection (one that never connected too). A peer that does not answer the goodbye
   * (gone from the network) would hold the socket, and the process, for many minutes: after
   * DROP_GRACE_MS the socket is destroyed.
   */
  async #drop(client: pg.Client): Promise<void> {
    const socket = this.#clients.get(client)
    this.#clients.delete(client)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, DROP_GRACE_MS))),
    ])
    clearTimeout(timer)
    socket?.destroy()
  }

  #emit(size: number | undefined, own = false): void {
    for (const listener of [...this.#subscribers]) {
      try {
        listener(size, own)
      } catch {
        // A subscriber's failure is its own.
      }
    }
  }

  #status(status: LogListenerStatus): void {
    try {
      this.#onStatus(status)
    } catch {
      // Reporting must not stop listening.
    }
  }

  #schedule(ms: number): void {
    if (this.#closed) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      void this.#session()
    }, ms)
    this.#retry.unref()
  }

  /** One session: connect, LISTEN, probe; on its end (or failure) the next is scheduled. */
  async #session(): Promise<void> {
    if (this.#closed) return
    const client = this.#client(LISTENER_APPLICATION_NAME)
    let over = false
    const timers: { heartbeat?: NodeJS.Timeout } = {}
    /** Ends this session once, and schedules the next: after the probe retry delay, or backoff. */
    const end = (error: unknown, notDelivered = false): void => {
      if (over) return
      over = true
      clearInterval(timers.heartbeat)
      this.#listening = false
      void this.#drop(client)
      if (this.#closed) return
      if (notDelivered) {
        this.#status({ state: 'not-delivered', retryInMs: this.#probeRetryMs })
        this.#schedule(this.#probeRetryMs)
        return
      }
      const retryInMs = Math.min(this.#maxBackoffMs, this.#minBackoffMs * 2 ** this.#failures)
      this.#failures++
      const why = error instanceof Error ? error.message : String(error)
      this.#status({ state: 'disconnected', error: why, retryInMs })
      this.#schedule(retryInMs)
    }
    // Without an 'error' listener a lost connection would crash the process.
    client.on('error', (err) => end(err))
    client.on('end', () => end(new Error('the connection was closed')))
    client.on('notification', (msg) => {
      if (msg.channel !== LOG_CHANNEL || msg.payload === undefined) return
      if (msg.payload.startsWith(PROBE_PREFIX)) return this.#probes.get(msg.payload)?.(true)
      const notice = logNotice(msg.payload)
      if (notice === undefined) return
      const own = this.#instance !== undefined && notice.instance === this.#instance
      this.#emit(notice.size, own)
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${LOG_CHANNEL}`)
      const delivered = await this.#probe()
      if (over || this.#closed) return
      if (!delivered) {
        // Best effort: a pooler's server session should not keep our LISTEN.
        await client.query('UNLISTEN *').catch(() => undefined)
        return end(undefined, true)
      }
    } catch (err) {
      return end(err)
    }
    this.#failures = 0
    this.#listening = true
    const heartbeat = setInterval(() => {
      const silent = setTimeout(
        () => end(new Error(`no answer to a heartbeat within ${this.#heartbeatMs} ms`)),
        this.#heartbeatMs,
      )
      silent.unref()
      client.query('SELECT 1').then(
        () => clearTimeout(silent),
        (err: unknown) => (clearTimeout(silent), end(err)),
      )
    }, this.#heartbeatMs)
    heartbeat.unref()
    timers.heartbeat = heartbeat
    this.#status({ state: 'listening' })
    // Appends committed before LISTEN took effect (or while disconnected) were not notified.
    this.#emit(undefined)
  }

  /** Sends a notification over another connection; true when it arrives at the session. */
  async #probe(): Promise<boolean> {
    const payload = `${PROBE_PREFIX}${randomUUID()}`
    let timer: NodeJS.Timeout | undefined
    const arrived = new Promise<boolean>((resolve) => {
      this.#probes.set(payload, resolve)
      timer = setTimeout(() => resolve(false), this.#probeTimeoutMs)
    })
    const sender = this.#client(`${LISTENER_APPLICATION_NAME} probe`)
    sender.on('error', () => undefined)
    try {
      try {
        await sender.connect()
        await sender.query('SELECT pg_notify($1, $2)', [LOG_CHANNEL, payload])
      } catch (err) {
        throw new Error(
          `cannot notify on ${redactUrl(this.#url)}: ${err instanceof Error ? err.message : String(err)}`,
        )
      } finally {
        void this.#drop(sender)
      }
      return await arrived
    } finally {
      clearTimeout(timer)
      this.#probes.delete(payload)
    }
  }
}
