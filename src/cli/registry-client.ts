/**
 * The CLI's client of the registry's signed writes (docs/api.md, "Signed requests"), shared by
 * `accord publish`, `accord revoke --registry`, `accord status publish` and `accord demo`: one
 * check of `--registry`, one read of the registry's audience, one way to sign and send a request
 * and to report the registry's refusals with its error code.
 */
import { decodeJwt } from 'jose'
import type { z } from 'zod'
import {
  AccordError,
  ConfigError,
  ERROR_CODES,
  PassportError,
  TlogError,
  type AccordErrorCode,
} from '../core/errors.js'
import {
  STATUS,
  STATUS_LIST_TYP,
  decodeStatusList,
  parseStatusListPayload,
  statusListIdOf,
  statusListIssuedAt,
} from '../core/passport/status.js'
import type { PassportStatus } from '../core/store.js'
import type { VerifiedCheckpoint } from '../core/tlog/checkpoint.js'
import {
  apiUrl,
  passportEvaluationsPath,
  passportIncidentsPath,
  passportPath,
  statusListPath,
} from '../core/tlog/api.js'
import { fileSigner, loadPublicKeys } from '../node/keys.js'
import { loadStatusListToken } from '../node/status-store.js'
import { fetchPassport, fetchRegistryAudience } from '../node/tlog/http.js'
import { pinnedCheckpoint, type PinnedLog } from '../node/tlog/pinned.js'
import { signRequest } from '../server/signed-request.js'

/** Where a command writes and with which key. */
export interface RegistryRequestOptions {
  /** Base URL of the registry, e.g. `http://127.0.0.1:8080` or `https://host/prefix/`. */
  registry: string
  /** The private key file that signs the requests. */
  keyPath: string
  nowSeconds: number
  fetch?: typeof fetch
  timeoutMs?: number
  /** The registry's log key as pinned (`--log-key`): the registry is checked against it. */
  logPin?: PinnedLog
}

/** Where and how a command writes: the registry's base URL, its audience, and the signing key. */
export interface TargetRegistry {
  base: URL
  audience: string
  signer: Awaited<ReturnType<typeof fileSigner>>
  /**
   * With a pinned log key: the registry's checkpoint, verified before anything was signed for it;
   * the check after the write proves the log grew from it (`confirmInLog`).
   */
  checkpoint?: VerifiedCheckpoint
}

const STATUS_LIST_MEDIA_TYPE = `application/${STATUS_LIST_TYP}`

/** The GET options of `options` (node/tlog/http.ts and the status-list loader take the same). */
function readOptions(options: RegistryRequestOptions): { fetch?: typeof fetch; timeoutMs: number } {
  return {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
  }
}

/**
 * Checks `--registry` without any request: an http(s) URL without a user name or password (the
 * registry authenticates each write by its signature). Commands call it before they change
 * anything, so a mistyped URL changes nothing.
 */
export function registryUrl(registry: string): URL {
  let base: URL
  try {
    base = new URL(registry)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('scheme')
  } catch {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--registry "${registry}" is not an http(s) URL`,
    })
  }
  if (base.username !== '' || base.password !== '')
    // The URL is not echoed: it holds a password, and fetch refuses such URLs with a message
    // that repeats it.
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--registry must not hold a user name or password (${base.protocol}//USER:PASSWORD@${base.host}); the registry authenticates each write by the issuer key's signature, so give ${base.protocol}//${base.host}${base.pathname === '/' ? '' : base.pathname}`,
    })
  return base
}

/**
 * Checks `--registry`, loads the key, and reads the registry's audience (`GET
 * /api/v1/registry`), which every request signed for it names as `aud`, so that it cannot be
 * replayed at another registry. Local problems (the URL, the key) are reported before any
 * request is sent. A command that has loaded the key (`signer`, from `options.keyPath`) passes it
 * instead of having it read again.
 */
export async function registryOf(
  options: RegistryRequestOptions,
  loaded?: TargetRegistry['signer'],
): Promise<TargetRegistry> {
  const base = registryUrl(options.registry)
  const signer = loaded ?? (await fileSigner(options.keyPath))
  // With a pinned log key, nothing is signed for a registry that is not that log's.
  const checkpoint =
    options.logPin === undefined ? undefined : await pinnedCheckpoint(base.href, pinOf(options))
  // Under the base URL's path, as every request (`apiUrl`): behind a prefix it is the registry
  // there that answers.
  const audience = await fetchRegistryAudience(base.href, readOptions(options))
  return { base, audience, signer, ...(checkpoint === undefined ? {} : { checkpoint }) }
}

/** The pinned log of `options`, read with its GET options. */
export function pinOf(options: RegistryRequestOptions): PinnedLog {
  if (options.logPin === undefined) throw new TypeError('pinOf: no logPin')
  return { ...options.logPin, ...readOptions(options) }
}

/** One signed write: what is sent, the status that means success, and what it is (for messages). */
export interface SignedWrite {
  method: 'POST' | 'PUT'
  /** The API path as the registry routes it (`/api/v1/...`). */
  path: string
  body: string
  contentType: string
  /** The status of success: 201 for what is created, 200 for what is changed. */
  expect: number
  /** What the registry refuses, in its messages: "the passport", "the status list". */
  what: string
}

/**
 * Sends `write` with a signed request; the parsed success body, or the registry's error with its
 * code (ERR_TLOG_UNAVAILABLE when it cannot be reached or names no code) and `details.httpStatus`.
 */
export async function sendSigned(
  options: RegistryRequestOptions,
  { base, audience, signer }: TargetRegistry,
  write: SignedWrite,
): Promise<Record<string, unknown>> {
  // Under the base URL's path: a registry served under https://host/prefix/ gets its requests at
  // /prefix/api/v1/... (`new URL(path, base)` dropped the prefix).
  const url = apiUrl(base, write.path)
  // The signature names the registry (`aud`) and the API path as the registry routes it
  // (docs/api.md, "Signed requests"): a reverse proxy that serves the registry under a prefix
  // forwards the request without it.
  const authorization = await signRequest(signer, {
    audience,
    method: write.method,
    path: write.path,
    body: write.body,
    nowSeconds: options.nowSeconds,
  })
  const response = await send(base, url, options, {
    method: write.method,
    headers: { 'content-type': write.contentType, authorization },
    body: write.body,
  })
  return answerOf(response, write.expect, write.what)
}

/** Sends one request to the registry at `base`; ERR_TLOG_UNAVAILABLE when it cannot be reached. */
async function send(
  base: URL,
  url: URL,
  options: { fetch?: typeof fetch; timeoutMs?: number },
  init: RequestInit,
): Promise<Response> {
  try {
    return await (options.fetch ?? fetch)(url, {
      ...init,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    })
  } catch (cause) {
    throw new TlogError({
      code: 'ERR_TLOG_UNAVAILABLE',
      message: `registry ${base.origin} cannot be reached: ${(cause as Error).message}`,
      cause,
    })
  }
}

/** The parsed body of a `expect` answer, or the registry's refusal as an error with its code. */
async function answerOf(
  response: Response,
  expect: number,
  what: string,
): Promise<Record<string, unknown>> {
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    // Not JSON: reported below by status.
  }
  if (response.status === expect) return json
  const code =
    typeof json.code === 'string' && json.code in ERROR_CODES
      ? (json.code as AccordErrorCode)
      : 'ERR_TLOG_UNAVAILABLE'
  const reason = typeof json.reason === 'string' ? ` (${json.reason})` : ''
  throw new AccordError({
    code,
    message: `registry refused ${what}: HTTP ${response.status}: ${typeof json.message === 'string' ? json.message : text.slice(0, 200)}${reason}`,
    details: { httpStatus: response.status },
  })
}

/**
 * POSTs a self-authenticating statement (`body`: the token and its signer's public JWK) to `path`:
 * not a signed request, the statement is authenticated by its own signature. The parsed 201 body,
 * or the registry's refusal naming `what`.
 */
export async function postSelfAuthenticated(
  registry: string,
  path: string,
  body: Record<string, unknown>,
  what: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const base = registryUrl(registry)
  const response = await send(base, apiUrl(base, path), options, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return answerOf(response, 201, what)
}

/**
 * POSTs an incident report about passport `passportId` with the reporter's public JWK
 * (`POST /api/v1/passports/:id/incidents`). Not a signed request: like an endorsement, the report
 * is authenticated by its own signature. The parsed 201 body, or the registry's refusal.
 */
export function postIncidentReport(
  registry: string,
  passportId: string,
  report: string,
  jwk: Record<string, unknown>,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  return postSelfAuthenticated(
    registry,
    passportIncidentsPath(passportId),
    { report, jwk },
    'the incident report',
    options,
  )
}

/**
 * POSTs an evaluation result about passport `passportId` with the evaluator's public JWK
 * (`POST /api/v1/passports/:id/evaluations`), authenticated by its own signature.
 */
export function postEvaluationResult(
  registry: string,
  passportId: string,
  result: string,
  jwk: Record<string, unknown>,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  return postSelfAuthenticated(
    registry,
    passportEvaluationsPath(passportId),
    { result, jwk },
    'the evaluation result',
    options,
  )
}

/** POSTs `payload` as JSON with a signed request; the parsed 201 body, or the registry's error. */
export function postSigned(
  options: RegistryRequestOptions,
  target: TargetRegistry,
  path: string,
  payload: unknown,
): Promise<Record<string, unknown>> {
  return sendSigned(options, target, {
    method: 'POST',
    path,
    body: JSON.stringify(payload),
    contentType: 'application/json',
    expect: 201,
    what: 'the passport',
  })
}

/** A success body that lacks what the route documents. */
export function unexpected(status: number, json: Record<string, unknown>): AccordError {
  return new TlogError({
    code: 'ERR_TLOG_UNAVAILABLE',
    message: `the registry answered ${status} with an unexpected body: ${JSON.stringify(json).slice(0, 200)}`,
  })
}

/** The token's `iat`, or undefined when it has none. */
function issuedAt(token: string): number | undefined {
  return statusListIssuedAt(token) || undefined
}

const isoOrUnknown = (s: number | undefined) =>
  s === undefined ? 'at an unknown time' : new Date(s * 1000).toISOString()

export interface UploadedStatusList {
  /** The id the registry serves the list under: the last path segment of the token's `sub`. */
  listId: string
  /** Where verifiers fetch it: `<registry>/api/v1/status-lists/<listId>`. */
  url: string
  /** The token's `sub`: the uri the list's passports carry. */
  uri: string
  iat: number | undefined
}

/**
 * Uploads a signed Status List Token (`PUT /api/v1/status-lists/<id>`, signed by the key that
 * signed the token) under the id its `sub` names, as the registry requires. The registry keeps
 * the newest list (`iat`); a token older than the stored one is ERR_STORE_CONFLICT, whose message
 * gives both dates (the stored one read back with GET) and `details.storedIat` / `sentIat`. A
 * token that has an entry VALID or SUSPENDED which the stored list has revoked is not sent:
 * ERR_STORE_CONFLICT with `details.liftedRevocations` (the indexes).
 */
export async function putStatusList(
  options: RegistryRequestOptions,
  target: TargetRegistry,
  token: string,
): Promise<UploadedStatusList> {
  let sub: unknown
  try {
    sub = decodeJwt(token).sub
  } catch (cause) {
    throw new PassportError({
      code: 'ERR_PASSPORT_STATUS_LIST_INVALID',
      message: `the status list token is not a JWT: ${(cause as Error).message}`,
      cause,
    })
  }
  const listId = typeof sub === 'string' ? statusListIdOf(sub) : undefined
  if (typeof sub !== 'string' || listId === undefined)
    throw new PassportError({
      code: 'ERR_PASSPORT_STATUS_LIST_INVALID',
      message: `the status list token's sub ${JSON.stringify(sub ?? null)} is not the URL of the list, so the registry cannot tell which list it is`,
    })
  const path = statusListPath(listId)
  const url = apiUrl(target.base, path).href
  const sentIat = issuedAt(token)
  // The registry keeps the newest list by iat only: a list signed from an out-of-date copy of the
  // status directory would, being newer, bring revoked entries back. Checked here against the
  // list it would replace (best effort: uploads between this read and the PUT are not seen).
  const stored = await storedList(options, url)
  const lifted = stored === undefined ? [] : await liftedRevocations(stored, token)
  if (lifted.length > 0)
    throw new AccordError({
      code: 'ERR_STORE_CONFLICT',
      message: `the registry ${target.base.origin} holds status list ${listId} with ${lifted.length === 1 ? 'an entry' : `${lifted.length} entries`} revoked (index ${lifted.slice(0, 5).join(', ')}${lifted.length > 5 ? ', ...' : ''}) that the list to upload has not revoked; uploading it would lift revocations, and revocation is final, so nothing was sent. The list to upload misses revocations made from another copy of the status directory`,
      details: { liftedRevocations: lifted },
    })
  try {
    await sendSigned(options, target, {
      method: 'PUT',
      path,
      body: token,
      contentType: STATUS_LIST_MEDIA_TYPE,
      expect: 200,
      what: `the status list ${listId}`,
    })
  } catch (err) {
    if (!(err instanceof AccordError) || err.details?.httpStatus !== 409) throw err
    const newer = await storedList(options, url)
    const storedIat = newer === undefined ? undefined : issuedAt(newer)
    throw new AccordError({
      code: err.code,
      message: `the registry ${target.base.origin} holds a newer token of status list ${listId} (signed ${isoOrUnknown(storedIat)}) than the one sent (signed ${isoOrUnknown(sentIat)}); it keeps the newer one and replaced nothing`,
      details: { httpStatus: 409, storedIat, sentIat },
      cause: err,
    })
  }
  return { listId, url, uri: sub, iat: sentIat }
}

/** The token the registry serves at `url`, or undefined (none yet, or not readable now). */
async function storedList(
  options: RegistryRequestOptions,
  url: string,
): Promise<string | undefined> {
  try {
    return await loadStatusListToken(url, readOptions(options))
  } catch {
    return undefined
  }
}

/**
 * The indexes that are revoked in the `stored` list but not in `sent`: what uploading `sent`
 * would bring back. Neither token is verified: a list that does not decode counts as none.
 */
async function liftedRevocations(stored: string, sent: string): Promise<number[]> {
  const decode = async (token: string) => {
    try {
      return await decodeStatusList(parseStatusListPayload(decodeJwt(token)))
    } catch {
      return undefined
    }
  }
  const [before, after] = await Promise.all([decode(stored), decode(sent)])
  if (before === undefined || after === undefined) return []
  const lifted: number[] = []
  for (let i = 0; i < before.size; i++)
    if (before.get(i) === STATUS.invalid && (i >= after.size || after.get(i) !== STATUS.invalid))
      lifted.push(i)
  return lifted
}

export interface RecordedStatusChange {
  id: string
  status: PassportStatus
  /** The log index of the entry appended; null when the registry already had this status. */
  logIndex: number | null
  /** True when the registry already recorded this status (a retry after a lost answer). */
  alreadyRecorded: boolean
}

/**
 * Records a status change in the registry's log (`POST /api/v1/passports/<id>/status`, signed by
 * the issuer key). The registry refuses setting the status a passport already has (409); the
 * passport is then read back, and if it has the status asked for, the change was recorded
 * before (a retry after a failure, or after an answer that was lost): done, with
 * `alreadyRecorded`. Any other refusal is thrown with the registry's code.
 */
export async function postStatusChange(
  options: RegistryRequestOptions,
  target: TargetRegistry,
  change: { passportId: string; status: PassportStatus; reason?: string },
): Promise<RecordedStatusChange> {
  const body = JSON.stringify({
    status: change.status,
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
  })
  let json: Record<string, unknown>
  try {
    json = await sendSigned(options, target, {
      method: 'POST',
      path: `${passportPath(change.passportId)}/status`,
      body,
      contentType: 'application/json',
      expect: 200,
      what: `the status change of ${change.passportId}`,
    })
  } catch (err) {
    if (!(err instanceof AccordError) || err.details?.httpStatus !== 409) throw err
    const stored = (await fetchPassport(
      target.base.href,
      change.passportId,
      readOptions(options),
    )) as { status?: unknown } | null
    if (stored?.status === change.status)
      return { id: change.passportId, status: change.status, logIndex: null, alreadyRecorded: true }
    // Another status than asked for (a delegate of the issuer key may have changed it there):
    // running the same change again will not help, so the caller is told what the registry has.
    if (typeof stored?.status !== 'string') throw err
    throw new AccordError({
      code: err.code,
      message: `${err.message}; the registry has ${change.passportId} as ${stored.status}, not ${change.status}`,
      details: { ...err.details, registryStatus: stored.status },
      cause: err,
    })
  }
  if (typeof json.logIndex !== 'number') throw unexpected(200, json)
  return {
    id: change.passportId,
    status: change.status,
    logIndex: json.logIndex,
    alreadyRecorded: false,
  }
}

/**
 * The `items` list of a registry answer, each item checked against `item`: the answer is
 * untrusted input, so a registry that sends something else is named (ERR_TLOG_INVALID) rather
 * than crashing the command that prints it.
 */
export function itemsOf<T>(body: unknown, item: z.ZodType<T>, what: string): T[] {
  const items = (body as { items?: unknown } | null)?.items
  if (!Array.isArray(items))
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `the registry answered without a list of ${what}`,
    })
  return items.map((value, i) => {
    const parsed = item.safeParse(value)
    if (parsed.success) return parsed.data
    const issue = parsed.error.issues[0]
    const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `the registry's item ${i} of the ${what} is not one Accord can read${at}: ${issue?.message ?? 'invalid'}`,
    })
  })
}

/**
 * The public JWK of the key that signed a statement (header `kid`): from `--jwk` (the key with
 * that kid) or from `--key` (its public part). `refusal.code` when --jwk holds no such key.
 */
export async function signerPublicJwk(
  opts: { jwk?: string; key?: string },
  kid: string,
  refusal: { code: AccordErrorCode; what: string },
): Promise<Record<string, unknown>> {
  if (opts.key !== undefined) return (await fileSigner(opts.key)).publicJwk
  const keys = await loadPublicKeys(opts.jwk as string)
  const key = keys.find((k) => k.kid === kid)
  if (key === undefined)
    throw new PassportError({
      code: refusal.code,
      message: `--jwk ${opts.jwk} holds no key with the ${refusal.what}'s kid ${kid}; give the public key of the key that signed the ${refusal.what}`,
    })
  return key as Record<string, unknown>
}
