/**
 * Reading a transparency log over HTTP (the paths of src/core/tlog/api.ts): bounded size, a
 * timeout, no redirects to other schemes, and coded errors. Everything returned is untrusted and
 * is checked by the callers against a signed checkpoint.
 */
import { readStreamBounded } from '../../core/bounded-stream.js'
import { ConfigError, TlogError } from '../../core/errors.js'
import {
  LOG_API,
  apiUrl,
  MAX_LOG_RESPONSE_BYTES,
  consistencyProofPath,
  EntriesResponseSchema,
  entriesPath,
  inclusionProofPath,
  type EntryResponse,
  passportEvaluationsPath,
  passportIncidentsPath,
  passportPath,
  RegistryInfoResponseSchema,
} from '../../core/tlog/api.js'

export type FetchFn = typeof fetch

export interface LogHttpOptions {
  /** Default: the global fetch. Tests inject one. */
  fetch?: FetchFn
  /** Per request (default 10 s). */
  timeoutMs?: number
}

function unavailable(
  message: string,
  cause?: unknown,
  details?: Record<string, unknown>,
): TlogError {
  return new TlogError({
    code: 'ERR_TLOG_UNAVAILABLE',
    message,
    cause,
    ...(details === undefined ? {} : { details }),
  })
}

/**
 * The HTTP status a log or registry answered, where `err` is the ERR_TLOG_UNAVAILABLE of an answer
 * other than 200 (`details.httpStatus`); undefined for network errors and anything else.
 */
export function refusedStatus(err: unknown): number | undefined {
  if (!(err instanceof TlogError) || err.code !== 'ERR_TLOG_UNAVAILABLE') return undefined
  const status = err.details?.httpStatus
  return typeof status === 'number' ? status : undefined
}

/**
 * A log base URL: http(s), no query or fragment; trailing slashes removed. Anything else is a bad
 * argument (the URL comes from --log or --registry).
 */
export function normalizeLogUrl(url: string): string {
  const bad = (message: string) => new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message })
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw bad(`log URL "${url}" is not a URL`)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw bad(`log URL "${url}" must be http(s)`)
  // Not echoed: it holds a password, which fetch would repeat in its error message.
  if (u.username !== '' || u.password !== '')
    throw bad(
      `log URL ${u.protocol}//USER:PASSWORD@${u.host} must not hold a user name or password; the log is public: give ${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`,
    )
  u.search = ''
  u.hash = ''
  return u.toString().replace(/\/+$/, '')
}

/**
 * GETs `base + path`; returns the body text, or null for 404 when `allow404`. `who` names the
 * server in messages: the log, or the registry a write is about to be signed for.
 */
async function get(
  base: string,
  path: string,
  options: LogHttpOptions,
  allow404 = false,
  who = 'the log',
): Promise<string | null> {
  // Under the base URL's path: a log served under https://host/prefix/ is asked at /prefix/api/...
  const url = apiUrl(normalizeLogUrl(base), path).href
  const doFetch = options.fetch ?? fetch
  let res: Response
  try {
    res = await doFetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
  } catch (err) {
    throw unavailable(`cannot reach ${who} at ${url}: ${(err as Error).message}`, err)
  }
  if (allow404 && res.status === 404) return null
  if (res.status !== 200)
    throw unavailable(`${who} answered ${res.status} for ${url}`, undefined, {
      httpStatus: res.status,
    })
  const declared = Number(res.headers.get('content-length') ?? '0')
  if (declared > MAX_LOG_RESPONSE_BYTES) throw unavailable(`the response of ${url} is too large`)
  if (res.body === null) return ''
  let read
  try {
    read = await readStreamBounded(res.body, MAX_LOG_RESPONSE_BYTES)
  } catch (err) {
    throw unavailable(`reading the response of ${url} failed: ${(err as Error).message}`, err)
  }
  if (!read.ok) throw unavailable(`the response of ${url} is too large`)
  return new TextDecoder().decode(read.bytes)
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new TlogError({ code: 'ERR_TLOG_INVALID', message: `the log's ${what} is not JSON` })
  }
}

/** The latest checkpoint note (text), unverified. */
export async function fetchCheckpoint(base: string, options: LogHttpOptions = {}): Promise<string> {
  return (await get(base, LOG_API.checkpoint, options)) as string
}

/** An inclusion proof body (JSON), unverified. */
export async function fetchInclusionProof(
  base: string,
  index: number,
  size: number,
  options: LogHttpOptions = {},
): Promise<unknown> {
  return json(
    (await get(base, inclusionProofPath(index, size), options)) as string,
    'inclusion proof',
  )
}

/** A consistency proof body (JSON), unverified. */
export async function fetchConsistencyProof(
  base: string,
  from: number,
  to: number,
  options: LogHttpOptions = {},
): Promise<unknown> {
  return json(
    (await get(base, consistencyProofPath(from, to), options)) as string,
    'consistency proof',
  )
}

/**
 * Entries `start` <= index < `end` as served (the log may return fewer: at most
 * MAX_ENTRIES_PER_REQUEST), shape-checked but unverified: the caller recomputes their leaf hashes
 * and checks them against a signed checkpoint.
 */
export async function fetchEntries(
  base: string,
  start: number,
  end: number,
  options: LogHttpOptions = {},
): Promise<EntryResponse[]> {
  const body = json((await get(base, entriesPath(start, end), options)) as string, 'entries page')
  const parsed = EntriesResponseSchema.safeParse(body)
  if (!parsed.success)
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `the log's entries page for ${start}..${end - 1} is not {entries: [{index, kind, payload, leafHash}]}`,
    })
  return parsed.data.entries
}

/** The passport as the registry stores it (JSON), or null when the registry has no such id. */
export async function fetchPassport(
  base: string,
  id: string,
  options: LogHttpOptions = {},
): Promise<unknown> {
  const text = await get(base, passportPath(id), options, true)
  return text === null ? null : json(text, 'passport record')
}

/**
 * The incident reports of passport `id` (`GET /api/v1/passports/:id/incidents`), or null when the
 * registry does not hold the passport; untrusted JSON.
 */
export async function fetchPassportIncidents(
  base: string,
  id: string,
  options: LogHttpOptions = {},
): Promise<unknown> {
  const text = await get(base, passportIncidentsPath(id), options, true, 'the registry')
  return text === null ? null : json(text, 'incident list')
}

/**
 * The evaluation results of passport `id` (`GET /api/v1/passports/:id/evaluations`), or null
 * when the registry does not hold the passport; untrusted JSON.
 */
export async function fetchPassportEvaluations(
  base: string,
  id: string,
  options: LogHttpOptions = {},
): Promise<unknown> {
  const text = await get(base, passportEvaluationsPath(id), options, true, 'the registry')
  return text === null ? null : json(text, 'evaluation list')
}

/** The registry-wide feeds, by the name of their LOG_API path. */
export type Feed = 'incidents' | 'evaluations'

const FEED_NAMES: Record<Feed, string> = {
  incidents: 'incident feed',
  evaluations: 'evaluation feed',
}

/**
 * A page of a registry-wide feed: after log index `after`, in log order; or newest first, before
 * log index `before` (null: from the newest).
 */
export type FeedQuery = { after: number; limit: number } | { before: number | null; limit: number }

/**
 * A page of a registry-wide feed (`GET /api/v1/incidents`: incident reports,
 * `GET /api/v1/evaluations`: evaluation results, of every passport); untrusted JSON.
 */
export async function fetchFeed(
  base: string,
  feed: Feed,
  query: FeedQuery,
  options: LogHttpOptions = {},
): Promise<unknown> {
  const page =
    'after' in query
      ? `after=${query.after}`
      : `order=desc${query.before === null ? '' : `&before=${query.before}`}`
  const path = `${LOG_API[feed]}?${page}&limit=${query.limit}`
  return json((await get(base, path, options, false, 'the registry')) ?? '', FEED_NAMES[feed])
}

/**
 * The registry's audience (`GET /api/v1/registry`): what a request signed for it carries as
 * `aud` (src/server/signed-request.ts). Read for each command, never cached: it is the registry
 * at `base` that must accept the request.
 */
export async function fetchRegistryAudience(
  base: string,
  options: LogHttpOptions = {},
): Promise<string> {
  const text = await get(base, LOG_API.registry, options, true, 'the registry')
  if (text === null)
    throw unavailable(
      `${apiUrl(normalizeLogUrl(base), LOG_API.registry).href} answered 404: that is not an Accord registry, or one too old to name its audience for signed requests (update it)`,
    )
  const parsed = RegistryInfoResponseSchema.safeParse(json(text, 'registry description'))
  if (!parsed.success)
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `the registry's ${LOG_API.registry} does not name its "audience" (a non-empty string)`,
    })
  return parsed.data.audience
}
