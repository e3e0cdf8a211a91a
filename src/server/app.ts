/**
 * The registry HTTP API (`accord serve`): a fastify instance built from injected dependencies
 * (store, registry service, clock), so tests drive it with `inject` and the CLI with `listen`.
 *
 * Every route follows validate -> core -> status code. Errors are `{ code, message }` (plus the
 * verification `reason` for 422), with the HTTP status from the one table in core/errors.ts.
 * Logs are fastify's pino logs; the Authorization header and request bodies (passports, tokens)
 * are never logged. docs/api.md describes every route; GET /openapi.json is generated from the
 * route schemas.
 */
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import { isAscii } from 'node:buffer'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import { AccordError, ERROR_CODES, type AccordErrorCode } from '../core/errors.js'
import type { ServerDeps } from './deps.js'
import { StoredReplayGuard, verifySignedRequest, type RequestKey } from './signed-request.js'
import { registerPassportRoutes } from './routes/passports.js'
import { registerChangesRoute } from './routes/changes.js'
import { registerStatusListRoutes } from './routes/status-lists.js'
import { registerEndorsementRoutes } from './routes/endorsements.js'
import { registerIncidentRoutes } from './routes/incidents.js'
import { registerEvaluationRoutes } from './routes/evaluations.js'
import { registerAtomFeedRoutes } from './routes/atom-feeds.js'
import { registerDelegationRoutes } from './routes/delegations.js'
import { registerLogRoutes } from './routes/log.js'
import { registerHealthRoutes } from './routes/health.js'
import { registerRegistryInfoRoute } from './routes/registry-info.js'
import { registerVerifyRoutes } from './routes/verify.js'
import { registerPolicyRoutes } from './routes/policies.js'
import { registerPartnerRoutes } from './routes/partners.js'
import { startPartners, type FollowOptions } from './partners.js'
import { registerWeb } from './web.js'
import { createPublishPool, type PublishPool } from './publish-pool.js'
import { MAX_PARAM_LENGTH } from './limits.js'
import { placeInPrefix } from './path-prefix.js'
import { createLogEventHub, type LogEventHub, type LogEventsOptions } from './log-events.js'
import { followLog } from './log-follow.js'
import { VERSION } from '../node/version.js'

/** Default body limit (1 MiB); routes set their own where they need more or less. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export interface BuildAppOptions extends ServerDeps {
  /** fastify logger: false (default), true, or pino options (redaction is always added). */
  logger?: boolean | Record<string, unknown>
  /** Requests per client (IP) per minute; false disables rate limiting. Default 6000. */
  rateLimit?: { max: number; timeWindowMs?: number } | false
  /**
   * Most signed-request nonces remembered in memory, a shortcut in front of the database's record
   * of them (`store.recordRequestId`), which is the replay check. Default 100,000.
   */
  replayCacheSize?: number
  /** Trust X-Forwarded-For (behind a reverse proxy). Default false. */
  trustProxy?: boolean
  /**
   * Serve everything under this path prefix (`/accord`, from `parsePathPrefix`), for a reverse
   * proxy that forwards `/accord/...` unstripped: `/accord` redirects (308) to `/accord/`, other
   * paths outside it are 404. Default none: served at the root. path-prefix.ts.
   */
  pathPrefix?: string
  /**
   * Worker threads that verify published passports (publish-pool.ts). Default 0: verified on
   * the server's thread. `accord serve` uses one per core.
   */
  publishWorkers?: number
  /** GET /api/v1/log/events: most subscribers at once (default 1000), heartbeat period. */
  logEvents?: LogEventsOptions
  /**
   * With `logNotices`: while they are not delivered, how often (ms) the log size is checked for
   * other processes' appends when anyone follows GET /api/v1/log/events (default 1000).
   */
  logPollMs?: number
  /**
   * Partner registries to follow and mirror (`accord serve --follow`, src/server/partners.ts);
   * default none.
   */
  follow?: FollowOptions
}

/** What the route modules share. */
export interface RouteContext {
  deps: ServerDeps
  nowSeconds(): number
  /** Verifies the request's `Authorization: Accord-Signature` (401 otherwise). */
  authenticate(request: FastifyRequest): Promise<RequestKey>
  /** A preValidation hook: authenticates before the body is validated, sets `requestKey`. */
  signed(request: FastifyRequest): Promise<void>
  /** Verifies passports to publish (on worker threads when the server has them). */
  publishPool: PublishPool
  /** Pushes new checkpoints to GET /api/v1/log/events subscribers. */
  logEvents: LogEventHub
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received (for `body_sha256`). */
    rawBody: Buffer | undefined
    /** The verified key of a signed request (set by `ctx.signed`). */
    requestKey: RequestKey | undefined
  }
}

/** Paths of pino log records that must never be written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
  'body',
  'passport',
  'token',
]

/** An API error: a code from the table, with an optional status override and reason. */
export class ApiError extends AccordError {
  constructor(
    code: AccordErrorCode,
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super({ code, message })
  }
}

export function requestPath(request: FastifyRequest): string {
  const url = request.url
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

function loggerOption(logger: BuildAppOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false
  const base = logger === true ? {} : logger
  return { ...base, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }
}

/**
 * ajv's console logger, without its one deprecation notice for `unicode: false` (still honoured by
 * ajv 8, which prints the notice for every compiler it builds).
 */
const AJV_LOGGER = {
  log: (...args: unknown[]) => console.log(...args),
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('DEPRECATED: option unicode')) return
    console.warn(...args)
  },
  error: (...args: unknown[]) => console.error(...args),
}

/** Builds the app (not listening). Call `app.ready()` or `inject` / `listen`. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const prefix = options.pathPrefix
  const app = Fastify({
    // Under a path prefix, `/prefix/...` is routed as `/...`; anything else keeps its URL here and
    // is answered by the onRequest hook below (redirect or 404) before any route runs.
    ...(prefix === undefined
      ? {}
      : {
          rewriteUrl: (req: { url?: string }) => {
            const place = placeInPrefix(prefix, req.url ?? '/')
            return 'inside' in place ? place.inside : (req.url ?? '/')
          },
        }),
    logger: loggerOption(options.logger),
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Request ids in logs; never derived from client input.
    requestIdHeader: false,
    // Path parameters as long as the ids publish accepts, percent-encoded (fastify's default,
    // 100, made a passport with a longer jti unreadable and irrevocable: 414). limits.ts.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A malformed percent-encoding in the path (FST_ERR_BAD_URL) or a parameter still too long:
    // the API's error body, without echoing the path.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      void (reply as FastifyReply).code(tooLong ? 414 : 400).send({
        code: 'ERR_CONFIG_BAD_REQUEST',
        message: tooLong
          ? `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`
          : 'the request path is not valid percent-encoded UTF-8',
      })
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        allErrors: false,
        // String limits in UTF-16 code units (`.length`), never fewer than code points, so no
        // limit gets looser; ajv's default counts code points one by one, which on a 16 KB
        // passport took about a third of a verify request's CPU.
        unicode: false,
        logger: AJV_LOGGER,
      },
    },
  })
  app.decorateRequest('rawBody', undefined)
  app.decorateRequest('requestKey', undefined)

  // Bodies are read as bytes first: the signed-request hash is over the exact bytes.
  // A body that is all ASCII (every passport and signed request is) decodes as Latin-1 to the same
  // string as UTF-8 would: a copy into a one-byte string, which on a 1.6 MB batch of passports
  // took about a quarter of the time of the UTF-8 decoder. Anything else decodes as UTF-8.
  const bodyText = (raw: Buffer): string =>
    isAscii(raw) ? raw.toString('latin1') : raw.toString('utf8')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const raw = body as Buffer
    req.rawBody = raw
    try {
      done(null, JSON.parse(bodyText(raw)))
    } catch {
      done(new ApiError('ERR_CONFIG_BAD_REQUEST', 'the request body is not valid JSON'), undefined)
    }
  })
  app.addContentTypeParser(
    ['text/plain', 'application/statuslist+jwt', 'application/jwt'],
    { parseAs: 'buffer' },
    (req, body, done) => {
      const raw = body as Buffer
      req.rawBody = raw
      done(null, bodyText(raw))
    },
  )

  app.setErrorHandler((error: FastifyError | AccordError | Error, request, reply) => {
    sendError(error, request, reply)
  })
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      code: 'ERR_CONFIG_BAD_REQUEST',
      message: `no route ${request.method} ${requestPath(request)}; see GET /openapi.json`,
    })
  })

  if (prefix !== undefined)
    app.addHook('onRequest', async (request, reply) => {
      const place = placeInPrefix(prefix, request.originalUrl)
      if ('inside' in place) return
      // 308, not 301: the method and body are kept (a POST stays a POST).
      if ('redirect' in place) return reply.code(308).header('location', place.redirect).send()
      return reply.code(404).send({
        code: 'ERR_CONFIG_BAD_REQUEST',
        message: `no route ${request.method} ${requestPath(request)}: this registry is served under ${prefix}/`,
      })
    })

  if (options.rateLimit !== false) {
    const limit = options.rateLimit ?? { max: 6000 }
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.timeWindowMs ?? 60_000,
      errorResponseBuilder: (_req, context) => ({
        statusCode: 429,
        code: 'ERR_CONFIG_RATE_LIMITED',
        message: `rate limit of ${context.max} requests per ${context.after} exceeded; retry later`,
      }),
    })
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accord passport registry',
        version: VERSION,
        description:
          'Publish, search and verify AI regulatory passports; transparency log of every write. See docs/api.md.',
      },
      components: {
        securitySchemes: {
          accordSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description:
              '`Accord-Signature <jws>`: a compact JWS over {aud, htm, htu, iat, jti, body_sha256} by the issuer key (header jwk, kid = its RFC 7638 thumbprint); aud is the `audience` of GET /api/v1/registry.',
          },
        },
      },
    },
  })

  // Request ids are recorded in the database: a replay is refused also after a restart and at
  // another server process on the same database, not only by the process that saw it first.
  const replay = new StoredReplayGuard(
    (id, expires, now) => options.store.recordRequestId(id, expires, now),
    options.replayCacheSize,
  )
  // Signed requests name the registry they are meant for (signed-request.ts): its log identity.
  const audience = options.registry.verifierKey
  const authenticate = (request: FastifyRequest): Promise<RequestKey> =>
    verifySignedRequest({
      authorization: request.headers.authorization,
      audience,
      method: request.method,
      path: requestPath(request),
      body: request.rawBody ?? new Uint8Array(),
      nowSeconds: options.clock.nowSeconds(),
      replay,
    })
  const publishPool = createPublishPool({ workers: options.publishWorkers ?? 0 })
  app.addHook('onClose', () => publishPool.close())
  const logEvents = createLogEventHub(options.registry, options.logEvents)
  // Other server processes' appends (PostgreSQL): read in on notice, so the hub pushes them.
  const notices = options.logNotices
  const follower = notices
    ? followLog(options.registry, notices, () => logEvents.subscribers > 0, options.logPollMs)
    : undefined
  // preClose, not onClose: fastify runs onClose hooks only after the HTTP server has closed,
  // which waits for every open response, and an event stream stays open until it is ended here.
  // The listening session goes too: its socket and reconnection timer would keep `serve` alive.
  app.addHook('preClose', async () => {
    logEvents.close()
    follower?.close()
    await notices?.close()
  })
  const ctx: RouteContext = {
    publishPool,
    logEvents,
    deps: options,
    nowSeconds: () => options.clock.nowSeconds(),
    authenticate,
    signed: async (request) => {
      request.requestKey = await authenticate(request)
    },
  }

  registerHealthRoutes(app, ctx)
  registerRegistryInfoRoute(app, ctx)
  registerPassportRoutes(app, ctx)
  registerChangesRoute(app, ctx)
  registerStatusListRoutes(app, ctx)
  registerEndorsementRoutes(app, ctx)
  registerIncidentRoutes(app, ctx)
  registerEvaluationRoutes(app, ctx)
  registerAtomFeedRoutes(app, ctx)
  registerDelegationRoutes(app, ctx)
  registerLogRoutes(app, ctx)
  registerVerifyRoutes(app, ctx)
  registerPolicyRoutes(app, ctx)
  // Followers of partner registries start at once (they publish through the registry service, not
  // over HTTP), and stop before the app closes, their rounds in progress finished.
  const partners =
    options.follow && options.follow.partners.length > 0
      ? startPartners(ctx, options.follow, app.log)
      : undefined
  if (partners) app.addHook('preClose', () => partners.close())
  registerPartnerRoutes(app, partners)
  // The web UI (pages, assets and its read-only helper routes), same origin as the API.
  registerWeb(app, {
    store: options.store,
    ...(options.policiesDir ? { policiesDir: options.policiesDir } : {}),
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}

function sendError(
  error: FastifyError | AccordError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof AccordError) {
    const info = ERROR_CODES[error.code]
    const status = error instanceof ApiError && error.status ? error.status : (info?.http ?? 500)
    const reason = error instanceof ApiError ? error.reason : undefined
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    void reply.code(status).send({
      code: error.code,
      message: status >= 500 && error.code === 'ERR_INTERNAL' ? 'internal error' : error.message,
      ...(reason ? { reason } : {}),
    })
    return
  }
  const fe = error as FastifyError
  if (fe.validation) {
    void reply.code(400).send({ code: 'ERR_CONFIG_BAD_REQUEST', message: fe.message })
    return
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500
  if (status === 413) {
    void reply.code(413).send({
      code: 'ERR_CONFIG_REQUEST_TOO_LARGE',
      message: 'the request body is larger than this route accepts',
    })
    return
  }
  if (status === 429) {
    void reply.code(429).send({ code: 'ERR_CONFIG_RATE_LIMITED', message: fe.message })
    return
  }
  if (status >= 400 && status < 500) {
    void reply.code(status).send({ code: 'ERR_CONFIG_BAD_REQUEST', message: fe.message })
    return
  }
  request.log.error({ err: error }, 'request failed')
  void reply.code(500).send({ code: 'ERR_INTERNAL', message: 'internal error' })
}
