import { existsSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { Option, type Command } from 'commander'
import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../core/errors.js'
import { fileSigner, generateKeyPair, keyPairPaths, writeKeyPair } from '../../node/keys.js'
import { packageRoot } from '../../node/paths.js'
import {
  DEFAULT_DATA_DIR,
  openLogListener,
  openStore,
  type LogListener,
  type LogListenerStatus,
} from '../../node/store/index.js'
import { openRegistry, type Registry } from '../../node/tlog/registry.js'
import { buildApp } from '../../server/app.js'
import { parsePathPrefix } from '../../server/path-prefix.js'
import { DEFAULT_MAX_LOG_SUBSCRIBERS } from '../../server/log-events.js'
import type { Ctx } from '../common.js'
import { normalizeLogUrl } from '../../node/tlog/http.js'
import { loadLogKey } from '../../node/tlog/log-key.js'
import type { FollowTarget } from '../../server/partners.js'

interface ServeOptions {
  port: string
  host: string
  dataDir: string
  logKey?: string
  origin: string
  rateLimit: string
  logLevel: string
  publishWorkers: string
  pathPrefix?: string
  maxLogSubscribers: string
  listenUrl?: string
  follow?: string[]
  followInterval: string
}

export const DEFAULT_ORIGIN = 'accord.local/registry'
/** Most publish worker threads by default: each holds its own module graph (tens of MB). */
export const MAX_DEFAULT_PUBLISH_WORKERS = 8

/** One publish worker per core, at most MAX_DEFAULT_PUBLISH_WORKERS. */
export function defaultPublishWorkers(): number {
  return Math.min(availableParallelism(), MAX_DEFAULT_PUBLISH_WORKERS)
}
/** The pino levels `accord serve --log-level` takes ('silent': no log). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const
/** Name of the log key files created in the data directory when --log-key is not given. */
export const LOG_KEY_NAME = 'log-key'

export interface StartServerOptions {
  port: number
  host: string
  /** PGlite data directory (or 'memory://'); ignored when databaseUrl / DATABASE_URL is set. */
  dataDir: string
  databaseUrl?: string
  /** The log's Ed25519 private key file; default <dataDir>/log-key.private.jwk.json (created). */
  logKey?: string
  origin?: string
  /** Requests per client per minute; 0 disables the limit. */
  rateLimit?: number
  /** pino level, or 'silent'. */
  logLevel?: string
  nowSeconds?: () => number
  env?: Record<string, string | undefined>
  /** Threads verifying published passports (default: one per core, at most 8; 0: in-thread). */
  publishWorkers?: number
  /** Serve under this path prefix (`/accord`, from `parsePathPrefix`); default the root. */
  pathPrefix?: string
  /** Most clients following GET /api/v1/log/events at once (default 1000). */
  maxLogSubscribers?: number
  /**
   * PostgreSQL URL of a direct connection to LISTEN on for other processes' log appends (default:
   * ACCORD_LISTEN_URL, else the database URL), for when the database URL is a pooler in
   * transaction mode. PostgreSQL only.
   */
  listenUrl?: string
  /**
   * Partner registries to follow and mirror, each `URL=KEY` (KEY: the partner's log verifier key,
   * a file of them, or its Ed25519 public JWK file); default: ACCORD_FOLLOW (whitespace-separated),
   * else none. docs/federation.md.
   */
  follow?: string[]
  /** Between two polls of each partner (default 5000 ms). */
  followIntervalMs?: number
}

export interface RunningServer {
  url: string
  /** The log's C2SP verifier key (for monitors and `accord verify --log`). */
  verifierKey: string
  /** Stops accepting, finishes in-flight requests, drains group commit, closes the store. */
  close(): Promise<void>
}

async function logKeyFile(options: StartServerOptions): Promise<string> {
  if (options.logKey !== undefined) return options.logKey
  const dir = options.dataDir === 'memory://' ? undefined : options.dataDir
  if (dir === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: 'with an in-memory store, give the log key with --log-key FILE',
    })
  const { privatePath } = keyPairPaths(dir, LOG_KEY_NAME)
  if (!existsSync(privatePath))
    await writeKeyPair(dir, LOG_KEY_NAME, await generateKeyPair({ alg: 'EdDSA' }))
  return privatePath
}

/**
 * Opens the store and the registry, and listens. `accord serve` and the bench use it. When a step
 * fails, whatever was opened is closed again before the error is thrown: the publish pool's worker
 * threads (closed with the app) would otherwise keep the process alive, so `accord serve` hung on
 * a busy port instead of exiting. A port that cannot be had fails first, before the data folder
 * and the log key are created (`checkPort`).
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const env = options.env ?? process.env
  const databaseUrl = options.databaseUrl || env.DATABASE_URL || undefined
  if (options.listenUrl !== undefined && databaseUrl === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message:
        '--listen-url is for PostgreSQL (DATABASE_URL); the embedded store has one process and needs no listening',
    })
  const follow = await followTargets(options.follow ?? splitList(env.ACCORD_FOLLOW))
  await checkPort(options.port, options.host)
  const logKey = await fileSigner(await logKeyFile(options))
  const store = await openStore({
    dataDir: options.dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(options.env ? { env: options.env } : {}),
  })
  let registry: Registry | undefined
  let app: FastifyInstance | undefined
  let notices: LogListener | undefined
  try {
    registry = await openRegistry({
      store,
      logKey,
      origin: options.origin ?? DEFAULT_ORIGIN,
    })
    // Other server processes on the database append too: LISTEN for their commits.
    if (store.backend === 'postgres' && databaseUrl !== undefined)
      notices = openLogListener({
        url: options.listenUrl || env.ACCORD_LISTEN_URL || databaseUrl,
        ...(store.logInstance !== undefined ? { instance: store.logInstance } : {}),
        onStatus: (status) => logListenerStatus(app, status),
      })
    app = await buildApp({
      store,
      registry,
      ...(notices ? { logNotices: notices } : {}),
      clock: { nowSeconds: options.nowSeconds ?? (() => Math.floor(Date.now() / 1000)) },
      logger: options.logLevel === 'silent' ? false : { level: options.logLevel ?? 'info' },
      rateLimit: options.rateLimit === 0 ? false : { max: options.rateLimit ?? 6000 },
      policiesDir: path.join(packageRoot(), 'policies'),
      publishWorkers: options.publishWorkers ?? defaultPublishWorkers(),
      ...(options.pathPrefix !== undefined ? { pathPrefix: options.pathPrefix } : {}),
      ...(options.maxLogSubscribers !== undefined
        ? { logEvents: { maxSubscribers: options.maxLogSubscribers } }
        : {}),
      ...(follow.length > 0
        ? {
            follow: {
              partners: follow,
              ...(options.followIntervalMs !== undefined
                ? { pollMs: options.followIntervalMs }
                : {}),
            },
          }
        : {}),
    })
    const url = await listen(app, options.port, options.host)
    const opened = { app, registry }
    let closing: Promise<void> | undefined
    return {
      url,
      verifierKey: registry.verifierKey,
      close() {
        closing ??= (async () => {
          await opened.app.close()
          await opened.registry.close()
          await store.close()
        })()
        return closing
      },
    }
  } catch (err) {
    // In the order close() uses; the error that stopped the start is the one reported. The app
    // closes the listener; without an app, it is closed here.
    if (app === undefined) await notices?.close()
    await app?.close().catch(() => undefined)
    await registry?.close().catch(() => undefined)
    await store.close().catch(() => undefined)
    throw err
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((s) => s !== '')
}

/**
 * The partners of `--follow URL=KEY` (or ACCORD_FOLLOW): the URL up to the first `=` (a registry
 * URL has no query), the key after it, loaded as `accord log --key` loads one.
 */
export async function followTargets(specs: readonly string[]): Promise<FollowTarget[]> {
  const targets: FollowTarget[] = []
  for (const spec of specs) {
    const at = spec.indexOf('=')
    if (at <= 0 || at === spec.length - 1)
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--follow "${spec}" must be URL=KEY: the partner registry's URL, and its log verifier key (the "log verifier key" its \`accord serve\` printed) or a file of it`,
      })
    const keyArg = spec.slice(at + 1)
    targets.push({
      url: normalizeLogUrl(spec.slice(0, at)),
      key: await loadLogKey(keyArg, undefined, '--follow'),
      pinnedKey: keyArg,
    })
  }
  return targets
}

/** The listener's changes of state, in the server's log. */
function logListenerStatus(app: FastifyInstance | undefined, status: LogListenerStatus): void {
  const log = app?.log
  if (!log) return
  if (status.state === 'listening')
    log.info('log listener: LISTENing for other server processes’ appends')
  else if (status.state === 'not-delivered')
    log.warn(
      `log listener: LISTEN is accepted but notifications do not arrive (a pooler in transaction mode?); checking the log size every second while clients follow the event stream; give a direct connection with --listen-url or ACCORD_LISTEN_URL; trying again in ${Math.round(status.retryInMs / 1000)} s`,
    )
  else
    log.warn(
      `log listener: ${status.error}; checking the log size every second while clients follow the event stream; reconnecting in ${status.retryInMs} ms`,
    )
}

/**
 * Fails as `listen` would when `port` on `host` cannot be had (taken, privileged, an address this
 * machine does not have), by listening on it and closing again; port 0 always can. Creating and
 * migrating the store takes a while, and a data folder made for a server that then cannot start
 * is litter (or, for `accord demo`, a folder on a port it does not use). Another process may
 * still take the port in between: the listen then fails as before, after the store was opened.
 */
async function checkPort(port: number, host: string): Promise<void> {
  if (port === 0) return
  const probe = createNetServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({ port, host, exclusive: true }, resolve)
    })
  } catch (err) {
    throw listenFailure(err, port, host)
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
}

/** A listen error a user causes and can fix as ERR_CONFIG_PORT_UNAVAILABLE; others as they are. */
function listenFailure(err: unknown, port: number, host: string): unknown {
  const reason = LISTEN_FAILURES[(err as NodeJS.ErrnoException).code ?? '']
  if (reason === undefined) return err
  return new ConfigError({
    code: 'ERR_CONFIG_PORT_UNAVAILABLE',
    message: reason(port, host),
    cause: err,
  })
}

/**
 * `app.listen`, with the failures a user causes and can fix (a port in use, a privileged port, an
 * address this machine does not have) reported as such rather than as an internal error.
 */
async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host })
  } catch (err) {
    throw listenFailure(err, port, host)
  }
}

const LISTEN_FAILURES: Record<string, (port: number, host: string) => string> = {
  EADDRINUSE: (port, host) =>
    `port ${port} on ${host} is already in use; stop the other server or choose another --port (0 picks a free one)`,
  EACCES: (port, host) =>
    `port ${port} on ${host} needs privileges this process does not have; choose a --port of 1024 or above (0 picks a free one)`,
  EADDRNOTAVAIL: (port, host) =>
    `cannot listen on ${host} port ${port}: ${host} is not an address of this machine; choose another --host (127.0.0.1, or 0.0.0.0 for every interface)`,
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${flag} "${value}" must be a whole number >= 0`,
    })
  return n
}

function positiveSeconds(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${flag} "${value}" must be a number of seconds > 0`,
    })
  return n
}

export function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--port "${value}" is not a port number (0-65535)`,
    })
  return n
}

/**
 * `accord serve`: the passport registry HTTP API (docs/api.md) on embedded PGlite, or on
 * PostgreSQL when DATABASE_URL is set. Runs until SIGINT or SIGTERM, then shuts down gracefully.
 */
export function registerServe(program: Command, ctx: Ctx): void {
  program
    .command('serve')
    .description(
      'run the passport registry (HTTP API and transparency log); PostgreSQL when DATABASE_URL is set, else embedded PGlite',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--data-dir <dir>',
      'PGlite data directory (and default log key place)',
      DEFAULT_DATA_DIR,
    )
    .option(
      '--log-key <file>',
      "the log's Ed25519 private key (default: <data-dir>/log-key.private.jwk.json, created)",
    )
    .option('--origin <name>', 'transparency log origin (checkpoint name)', DEFAULT_ORIGIN)
    .option('--rate-limit <n>', 'requests per client per minute (0: unlimited)', '6000')
    // pino throws on a level it does not know, which surfaced as an internal error (exit 70).
    .addOption(
      new Option('--log-level <level>', 'what the JSON log on stdout holds')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .option(
      '--publish-workers <n>',
      'threads verifying published passports (0: the server thread)',
      String(defaultPublishWorkers()),
    )
    .option(
      '--path-prefix <path>',
      'serve the web UI and API under this path, e.g. /accord, for a reverse proxy that forwards /accord/... without stripping it (/accord redirects to /accord/)',
    )
    .option(
      '--max-log-subscribers <n>',
      'most clients following the log event stream (GET /api/v1/log/events) at once; more get 503',
      String(DEFAULT_MAX_LOG_SUBSCRIBERS),
    )
    .option(
      '--listen-url <url>',
      "PostgreSQL URL of a direct connection (not a pooler in transaction mode) to LISTEN on for other server processes' log appends (default: ACCORD_LISTEN_URL, else DATABASE_URL)",
    )
    .option(
      '--follow <url=key>',
      "follow a partner registry and mirror the passports, incident reports, evaluation results and status changes it publishes: its URL, '=', and its log verifier key or key file (repeatable; default: ACCORD_FOLLOW, whitespace-separated); docs/federation.md",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--follow-interval <seconds>', 'between two polls of each partner', '5')
    .action(async (opts: ServeOptions) => {
      const rateLimit = wholeNumber('--rate-limit', opts.rateLimit)
      const maxLogSubscribers = wholeNumber('--max-log-subscribers', opts.maxLogSubscribers)
      if (maxLogSubscribers < 1)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: '--max-log-subscribers must be at least 1',
        })
      const publishWorkers = wholeNumber('--publish-workers', opts.publishWorkers)
      const pathPrefix =
        opts.pathPrefix === undefined ? undefined : parsePathPrefix(opts.pathPrefix)
      const server = await startServer({
        port: parsePort(opts.port),
        host: opts.host,
        dataDir: opts.dataDir,
        ...(opts.logKey ? { logKey: opts.logKey } : {}),
        origin: opts.origin,
        rateLimit,
        publishWorkers,
        maxLogSubscribers,
        logLevel: opts.logLevel,
        nowSeconds: () => ctx.io.nowSeconds(),
        ...(pathPrefix !== undefined ? { pathPrefix } : {}),
        ...(opts.listenUrl !== undefined ? { listenUrl: opts.listenUrl } : {}),
        ...(opts.follow !== undefined ? { follow: opts.follow } : {}),
        followIntervalMs: positiveSeconds('--follow-interval', opts.followInterval) * 1000,
      })
      // Under a prefix, the address it answers at (server.url itself is 404 then).
      const at = pathPrefix === undefined ? server.url : `${server.url}${pathPrefix}/`
      ctx.io.out(`accord registry listening on ${at}\n`)
      ctx.io.out(`log verifier key: ${server.verifierKey}\n`)
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      ctx.io.err(`${signal}: shutting down (finishing requests, draining commits)\n`)
      await server.close()
      ctx.io.err('stopped\n')
    })
}
