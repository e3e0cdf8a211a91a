/**
 * The issuer's local status registry (draft-ietf-oauth-status-list) and the verifier's loader of
 * Status List Tokens.
 *
 * Registry layout, in one directory (default `.accord/status/`):
 * - `<listId>.state.json`: size, allocated indexes and non-VALID statuses. The source of truth;
 *   written atomically (temporary file + rename) after every change.
 * - `<listId>.statuslist.jwt`: the signed Status List Token, the file a web server serves at the
 *   list's `uri`. Rewritten by `signStatusList`.
 *
 * Privacy (the draft's privacy considerations): every list has DEFAULT_LIST_SIZE (2^17) entries from the start, so the
 * list does not reveal how many passports were issued ("herd privacy"), and indexes are drawn at
 * random among the unused ones, so an index does not reveal the order or time of issuance.
 * Indexes are never reused: a revoked passport's entry keeps its status for good.
 *
 * Concurrency: calls on one list in one process are serialized, and each holds the list's
 * cross-process lock (proper-lockfile: a `<listId>.state.json.lock` folder, atomic to create;
 * one left by a crashed process is taken over once stale), so several `accord issue` or
 * `accord revoke` processes can share a directory without losing an allocation.
 */
import { readStreamBounded } from '../core/bounded-stream.js'
import { createHash, randomInt as cryptoRandomInt } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import lockfile from 'proper-lockfile'
import path from 'node:path'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { ConfigError, PassportError } from '../core/errors.js'
import type { Clock, Signer } from '../core/ports.js'
import {
  MAX_STATUS_LIST_TOKEN_BYTES,
  STATUS,
  STATUS_BITS,
  createStatusListClaims,
  signStatusListToken,
} from '../core/passport/status.js'
import type { StatusValue } from '../core/passport/status.js'
import { ensureDir, readBoundedFile, writeFileAtomic } from './fs-safe.js'

export const DEFAULT_STATUS_DIR = path.join('.accord', 'status')
/** 2^17 entries: at 2 bits, 32 KiB before compression; enough herd for a single issuer. */
export const DEFAULT_LIST_SIZE = 2 ** 17
/** Default validity of a signed list (`exp - iat`): re-sign before it runs out. */
export const DEFAULT_LIST_VALIDITY_SECONDS = 30 * 24 * 3600
/** Default `ttl`: how long a verifier may cache the token before fetching it again. */
export const DEFAULT_LIST_TTL_SECONDS = 24 * 3600
/** Random draws tried before falling back to a scan from a random start. */
const RANDOM_TRIES = 64

/**
 * A list id names its files in the status folder: base64url and '.', not starting with '.' (no
 * hidden files, no '..'). A key's RFC 7638 thumbprint, the default list id, is base64url and may
 * start with '-' or '_' (one key in 32).
 */
const LIST_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/

/** What `<listId>.state.json` holds. */
export interface StatusListState {
  version: 1
  listId: string
  bits: typeof STATUS_BITS
  size: number
  /** Where the signed list is served; fixed once set (passports point at it). */
  uri?: string
  /** `kid` of the issuer key that signs the list; fixed once set (see signStatusList). */
  kid?: string
  /** Allocated indexes, in allocation order. */
  allocated: number[]
  /** Entries that are not VALID: index (as a string) -> status. */
  statuses: Record<string, StatusValue>
}

export interface StatusStoreOptions {
  /** Registry directory; default `.accord/status` under the working directory. */
  dir?: string
  /** Entries of a new list; default DEFAULT_LIST_SIZE. */
  size?: number
  /** A uniform random integer in [0, maxExclusive); default node:crypto `randomInt`. */
  randomInt?: (maxExclusive: number) => number
  /** Default: the system clock. */
  clock?: Clock
}

export interface SignStatusListOptions {
  /** Where the token will be served; required the first time unless allocation recorded it. */
  uri?: string
  /** Issuer identifier written as `iss`. */
  iss?: string
  validForSeconds?: number
  ttlSeconds?: number
}

export interface SignStatusListResult {
  /** The token file written. */
  path: string
  token: string
  uri: string
  iat: number
  exp: number
}

/** Serializes work per state file across every store in this process. */
const queues = new Map<string, Promise<unknown>>()

/** Lock timing: a lock not refreshed for STALE_MS is taken over; waits up to about 10 s. */
const STALE_MS = 10_000
const LOCK_RETRIES = { retries: 60, factor: 1.2, minTimeout: 10, maxTimeout: 250 }

/** Runs `work` holding the cross-process lock of `file` (see the top of this file). */
async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  await ensureDir(path.dirname(file))
  let compromised: Error | undefined
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: LOCK_RETRIES,
      onCompromised: (err) => {
        compromised = err
      },
    })
  } catch (cause) {
    throw new PassportError({
      code: 'ERR_PASSPORT_STATUS_STORE_LOCKED',
      message: `${file} is locked by another process (${file}.lock); it did not finish within about 10 s`,
      cause,
      details: { file },
    })
  }
  try {
    const result = await work()
    if (compromised)
      throw new PassportError({
        code: 'ERR_PASSPORT_STATUS_STORE_LOCKED',
        message: `the lock of ${file} was taken over by another process while this one worked; check the list and retry`,
        cause: compromised,
        details: { file },
      })
    return result
  } finally {
    if (!compromised) await release().catch(() => undefined)
  }
}

function serialize<T>(key: string, body: () => Promise<T>): Promise<T> {
  const work = () => withFileLock(key, body)
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.then(work, work)
  const settled = next.then(
    () => undefined,
    () => undefined,
  )
  queues.set(key, settled)
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key)
  })
  return next
}

function storeInvalid(file: string, message: string, cause?: unknown): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_STATUS_STORE_INVALID',
    message: `${file}: ${message}`,
    cause,
    details: { file },
  })
}

const systemClock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) }

export class StatusStore {
  readonly dir: string
  private readonly size: number
  private readonly randomInt: (maxExclusive: number) => number
  private readonly clock: Clock

  constructor(options: StatusStoreOptions = {}) {
    this.dir = path.resolve(options.dir ?? DEFAULT_STATUS_DIR)
    this.size = options.size ?? DEFAULT_LIST_SIZE
    if (!Number.isSafeInteger(this.size) || this.size < 4 || this.size % 4 !== 0)
      throw new TypeError(`status list size must be a multiple of 4 (>= 4), got ${this.size}`)
    this.randomInt = options.randomInt ?? ((max) => cryptoRandomInt(max))
    this.clock = options.clock ?? systemClock
  }

  statePath(listId: string): string {
    return path.join(this.dir, `${checkListId(listId)}.state.json`)
  }

  /** The signed token's file: serve it at the list's uri. */
  tokenPath(listId: string): string {
    return path.join(this.dir, `${checkListId(listId)}.statuslist.jwt`)
  }

  /** The list's state, or undefined when the list does not exist yet. */
  async readState(listId: string): Promise<StatusListState | undefined> {
    const file = this.statePath(listId)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new PassportError({
        code: 'ERR_PASSPORT_STATUS_UNAVAILABLE',
        message: `cannot read ${file}: ${(err as Error).message}`,
        cause: err,
      })
    }
    return parseState(text, file, listId)
  }

  /**
   * Allocates an unused index of `listId` at random (creating the list with `size` entries when
   * new) and persists it before returning. Never returns an index twice, across restarts too.
   * `uri`, when given, is recorded as the list's uri (it must match a uri recorded earlier).
   * Throws ERR_PASSPORT_STATUS_LIST_FULL when every index is taken.
   */
  allocateIndex(listId: string, options: { uri?: string } = {}): Promise<number> {
    const file = this.statePath(listId)
    return serialize(file, async () => {
      const state = (await this.readState(listId)) ?? this.newState(listId)
      recordUri(state, options.uri)
      if (state.allocated.length >= state.size) {
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_LIST_FULL',
          message: `status list "${listId}" has all ${state.size} indexes allocated; start a new list id`,
        })
      }
      const used = new Set(state.allocated)
      let idx: number | undefined
      for (let i = 0; i < RANDOM_TRIES && idx === undefined; i++) {
        const candidate = this.draw(state.size)
        if (!used.has(candidate)) idx = candidate
      }
      if (idx === undefined) {
        // The list is nearly full: scan from a random start for the next unused index.
        const start = this.draw(state.size)
        for (let k = 0; k < state.size; k++) {
          const candidate = (start + k) % state.size
          if (!used.has(candidate)) {
            idx = candidate
            break
          }
        }
      }
      if (idx === undefined)
        throw new Error('unreachable: no free index in a list that is not full')
      state.allocated.push(idx)
      await this.writeState(state)
      return idx
    })
  }

  /**
   * Sets the status of an allocated index (ERR_PASSPORT_STATUS_NOT_FOUND otherwise). Revocation
   * is final (Accord policy; the draft describes SUSPENDED as the temporary status): changing a revoked entry throws
   * ERR_CONFIG_BAD_ARGS. Setting the status an entry already has is a no-op. Returns the status the
   * entry had before.
   */
  setStatus(listId: string, idx: number, status: StatusValue): Promise<StatusValue> {
    if (status !== STATUS.valid && status !== STATUS.invalid && status !== STATUS.suspended)
      throw new TypeError(`status must be 0, 1 or 2, got ${String(status)}`)
    const file = this.statePath(listId)
    return serialize(file, async () => {
      const state = await this.requireIndex(listId, idx)
      const current = state.statuses[String(idx)] ?? STATUS.valid
      if (current === status) return current
      if (current === STATUS.invalid)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message:
            `index ${idx} of status list "${listId}" is revoked, and revocation is final; ` +
            'issue a new passport instead (use suspension for a temporary stop)',
        })
      if (status === STATUS.valid) delete state.statuses[String(idx)]
      else state.statuses[String(idx)] = status
      await this.writeState(state)
      return current
    })
  }

  /** The status of an allocated index. */
  async getStatus(listId: string, idx: number): Promise<StatusValue> {
    const state = await this.requireIndex(listId, idx)
    return state.statuses[String(idx)] ?? STATUS.valid
  }

  /** The id of the list whose recorded uri is `uri`, if any. */
  async findListByUri(uri: string): Promise<string | undefined> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch {
      return undefined
    }
    for (const name of names.sort()) {
      const m = /^(.+)\.state\.json$/.exec(name)
      if (!m || !LIST_ID.test(m[1] as string)) continue
      const state = await this.readState(m[1] as string)
      if (state?.uri === uri) return state.listId
    }
    return undefined
  }

  /**
   * Signs the list's current statuses as a Status List Token (`sub` = uri, `bits: 2`, `iat` now,
   * `exp`, `ttl`) and writes it atomically to `tokenPath(listId)`. The first signer's `kid` is
   * recorded; another key is refused with ERR_PASSPORT_STATUS_KEY_MISMATCH, since verifiers
   * accept a list only when the passport issuer's key signed it.
   */
  signStatusList(
    listId: string,
    signer: Signer,
    options: SignStatusListOptions = {},
  ): Promise<SignStatusListResult> {
    const file = this.statePath(listId)
    return serialize(file, async () => {
      const state = await this.readState(listId)
      if (state === undefined) {
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `status list "${listId}" does not exist in ${this.dir}`,
        })
      }
      if (state.kid !== undefined && state.kid !== signer.kid)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_KEY_MISMATCH',
          message:
            `status list "${listId}" is signed by key ${state.kid}, not by the given key ` +
            `${signer.kid}; use the key that issued its passports`,
        })
      const before = { uri: state.uri, kid: state.kid }
      recordUri(state, options.uri)
      state.kid = signer.kid
      const uri = state.uri
      if (uri === undefined) {
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `status list "${listId}" has no uri yet; pass the URL it will be served at (--uri)`,
        })
      }
      if (before.uri === undefined || before.kid === undefined) await this.writeState(state)
      const statuses = new Array<number>(state.size).fill(STATUS.valid)
      for (const [k, v] of Object.entries(state.statuses)) statuses[Number(k)] = v
      const iat = this.clock.nowSeconds()
      const exp = iat + (options.validForSeconds ?? DEFAULT_LIST_VALIDITY_SECONDS)
      const claims = createStatusListClaims({
        uri,
        bits: state.bits,
        statuses,
        iat,
        exp,
        ttl: options.ttlSeconds ?? DEFAULT_LIST_TTL_SECONDS,
        ...(options.iss !== undefined ? { iss: options.iss } : {}),
      })
      const token = await signStatusListToken(claims, signer)
      const out = this.tokenPath(listId)
      await writeFileAtomic(out, token + '\n')
      return { path: out, token, uri, iat, exp }
    })
  }

  private draw(size: number): number {
    const n = this.randomInt(size)
    if (!Number.isSafeInteger(n) || n < 0 || n >= size)
      throw new TypeError(`randomInt(${size}) returned ${String(n)}, outside [0, ${size})`)
    return n
  }

  private newState(listId: string): StatusListState {
    return { version: 1, listId, bits: STATUS_BITS, size: this.size, allocated: [], statuses: {} }
  }

  private async requireIndex(listId: string, idx: number): Promise<StatusListState> {
    const state = await this.readState(listId)
    if (state === undefined)
      throw new PassportError({
        code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
        message: `status list "${listId}" does not exist in ${this.dir}`,
      })
    if (!state.allocated.includes(idx))
      throw new PassportError({
        code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
        message: `index ${idx} was never allocated in status list "${listId}" (${this.dir})`,
      })
    return state
  }

  private async writeState(state: StatusListState): Promise<void> {
    const sorted: Record<string, StatusValue> = {}
    for (const k of Object.keys(state.statuses).sort((a, b) => Number(a) - Number(b)))
      sorted[k] = state.statuses[k] as StatusValue
    await writeFileAtomic(
      this.statePath(state.listId),
      JSON.stringify({ ...state, statuses: sorted }) + '\n',
    )
  }
}

function checkListId(listId: string): string {
  if (typeof listId !== 'string' || !LIST_ID.test(listId))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `status list id "${String(listId)}" must be 1-64 letters, digits, '.', '_' or '-', not starting with '.'`,
    })
  return listId
}

function recordUri(state: StatusListState, uri: string | undefined): void {
  if (uri === undefined) return
  if (!/^https?:\/\/\S+$/i.test(uri))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `status list uri "${uri}" must be an http(s) URL`,
    })
  if (state.uri !== undefined && state.uri !== uri)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message:
        `status list "${state.listId}" is served at ${state.uri}; passports point there, ` +
        `so it cannot move to ${uri}`,
    })
  state.uri = uri
}

/** Parses and checks a state file defensively: a damaged registry must not reuse indexes. */
function parseState(text: string, file: string, listId: string): StatusListState {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw storeInvalid(file, 'is not valid JSON', err)
  }
  const v = value as Partial<StatusListState> | null
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw storeInvalid(file, 'is not an object')
  if (v.version !== 1) throw storeInvalid(file, 'has an unknown "version"')
  if (v.listId !== listId)
    throw storeInvalid(file, `names list "${String(v.listId)}", not "${listId}"`)
  if (v.bits !== STATUS_BITS) throw storeInvalid(file, `"bits" must be ${STATUS_BITS}`)
  const size = v.size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 4 || size % 4 !== 0)
    throw storeInvalid(file, '"size" must be a positive multiple of 4')
  if (v.uri !== undefined && typeof v.uri !== 'string')
    throw storeInvalid(file, '"uri" must be a string')
  if (v.kid !== undefined && typeof v.kid !== 'string')
    throw storeInvalid(file, '"kid" must be a string')
  const inRange = (n: unknown): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < size
  if (!Array.isArray(v.allocated) || !v.allocated.every(inRange))
    throw storeInvalid(file, '"allocated" must list indexes inside the list')
  if (new Set(v.allocated).size !== v.allocated.length)
    throw storeInvalid(file, '"allocated" repeats an index')
  const statuses = v.statuses
  if (typeof statuses !== 'object' || statuses === null || Array.isArray(statuses))
    throw storeInvalid(file, '"statuses" must be an object')
  const allocated = new Set(v.allocated)
  for (const [k, s] of Object.entries(statuses)) {
    if (!/^(0|[1-9]\d*)$/.test(k) || !allocated.has(Number(k)))
      throw storeInvalid(file, `"statuses" has an entry for index "${k}" that was never allocated`)
    if (s !== STATUS.invalid && s !== STATUS.suspended)
      throw storeInvalid(file, `"statuses.${k}" must be 1 (revoked) or 2 (suspended)`)
  }
  return {
    version: 1,
    listId,
    bits: STATUS_BITS,
    size,
    ...(v.uri !== undefined ? { uri: v.uri } : {}),
    ...(v.kid !== undefined ? { kid: v.kid } : {}),
    allocated: [...v.allocated],
    statuses: { ...statuses },
  }
}

// ---------------------------------------------------------------------------------------------
// Verifier side

export interface LoadStatusListOptions {
  /** Largest token accepted; default MAX_STATUS_LIST_TOKEN_BYTES. */
  maxBytes?: number
  /** Time limit of a fetch, in milliseconds; default 10 s. */
  timeoutMs?: number
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch
}

function unavailable(source: string, message: string, cause?: unknown): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_STATUS_UNAVAILABLE',
    message: `status list ${source}: ${message}`,
    cause,
    details: { source },
  })
}

/**
 * Loads a Status List Token from a file path or, only when the caller passes one explicitly, an
 * http(s) URL (fetched with a timeout and a size limit). Nothing is ever fetched on a passport's
 * say-so: callers decide whether to pass the passport's `status_list.uri`. The result is not
 * verified; give it to `checkStatus`. Throws ERR_PASSPORT_STATUS_UNAVAILABLE.
 */
export async function loadStatusListToken(
  pathOrUrl: string,
  options: LoadStatusListOptions = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_STATUS_LIST_TOKEN_BYTES
  let bytes: Uint8Array
  if (/^https?:\/\//i.test(pathOrUrl)) {
    bytes = await fetchBounded(pathOrUrl, maxBytes, options)
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl)) {
    throw unavailable(pathOrUrl, 'only http(s) URLs and file paths are supported')
  } else {
    try {
      const data = await readFile(pathOrUrl)
      if (data.length > maxBytes) throw unavailable(pathOrUrl, `is larger than ${maxBytes} bytes`)
      bytes = data
    } catch (err) {
      if (err instanceof PassportError) throw err
      throw unavailable(
        pathOrUrl,
        `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        err,
      )
    }
  }
  return new TextDecoder().decode(bytes).trim()
}

async function fetchBounded(
  url: string,
  maxBytes: number,
  options: LoadStatusListOptions,
): Promise<Uint8Array> {
  const doFetch = options.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      headers: { accept: 'application/statuslist+jwt' },
      redirect: 'follow',
    })
  } catch (err) {
    throw unavailable(url, `fetch failed: ${(err as Error).message}`, err)
  }
  if (!response.ok) throw unavailable(url, `HTTP ${response.status}`)
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) throw unavailable(url, `is larger than ${maxBytes} bytes`)
  if (response.body === null) return new Uint8Array()
  let read
  try {
    read = await readStreamBounded(response.body, maxBytes)
  } catch (err) {
    throw unavailable(url, `download failed: ${(err as Error).message}`, err)
  }
  if (!read.ok) throw unavailable(url, `is larger than ${maxBytes} bytes`)
  return read.bytes
}

// ---------------------------------------------------------------------------------------------
// Reading a passport file (no verification: to find its status entry or to endorse it)

/** Largest passport file read. */
export const MAX_PASSPORT_FILE_BYTES = 1024 * 1024

export interface PassportFile {
  /** The whole SD-JWT, trimmed. */
  sdJwt: string
  /** The issuer-signed JWT (before the first `~`). */
  issuerJwt: string
  header: Record<string, unknown>
  /** The always-visible claims of the issuer-signed JWT (not verified). */
  claims: Record<string, unknown>
}

function malformed(file: string, message: string, cause?: unknown): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_MALFORMED',
    message: `passport ${file}: ${message}`,
    cause,
    details: { file },
  })
}

/** A passport path that is missing, a directory or unreadable: a file problem, not a bad token. */
function notFound(file: string, why: string, cause?: unknown): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_NOT_FOUND',
    message: `passport ${file} ${why}`,
    cause,
    details: { file },
    issues: [
      {
        code: 'passport_not_found',
        path: [],
        file,
        message: `the passport ${why}`,
        hint: 'check the path; give the .sd-jwt file that accord issue or accord present wrote',
      },
    ],
  })
}

/** What a credential about a passport (endorsement, incident report) binds it by. */
export interface PassportBinding {
  passport: PassportFile
  jti: string
  iss: string
  /** `credentialSubject.id`. */
  subjectId: string
  /** Lowercase hex SHA-256 of the issuer-signed JWT. */
  digest: string
}

/**
 * Reads a passport file (`readPassportFile`, so NOT verified) for a credential that binds to it
 * by digest: its jti, iss, subject id and the SHA-256 of its issuer-signed JWT. Throws
 * ERR_PASSPORT_MALFORMED when one of the three claims is missing.
 */
export async function readPassportBinding(file: string): Promise<PassportBinding> {
  const passport = await readPassportFile(file)
  const { jti, iss } = passport.claims
  const subject = passport.claims.credentialSubject as { id?: unknown } | undefined
  if (typeof jti !== 'string' || typeof iss !== 'string' || typeof subject?.id !== 'string')
    throw new PassportError({
      code: 'ERR_PASSPORT_MALFORMED',
      message: `passport ${file} lacks jti, iss or credentialSubject.id; it is not an Accord passport`,
    })
  const digest = createHash('sha256').update(passport.issuerJwt, 'utf8').digest('hex')
  return { passport, jti, iss, subjectId: subject.id, digest }
}

/**
 * Reads a passport (SD-JWT) file and decodes its issuer-signed JWT WITHOUT verifying it. Callers
 * use it only for what the key holder already controls (the status entry of a passport they
 * issued, checked against their key's kid) or what they will bind by digest (endorsements).
 * Throws ERR_PASSPORT_NOT_FOUND when the path is missing, a directory or unreadable, and
 * ERR_PASSPORT_MALFORMED when the file is too large or not an SD-JWT.
 */
export async function readPassportFile(file: string): Promise<PassportFile> {
  const read = await readBoundedFile(file, MAX_PASSPORT_FILE_BYTES)
  if (!read.ok) {
    const { problem } = read
    if (problem.kind === 'too-large')
      throw malformed(file, `is larger than ${MAX_PASSPORT_FILE_BYTES} bytes`)
    throw notFound(
      file,
      problem.directory ? 'is a directory, not a passport file' : problem.why,
      problem.cause,
    )
  }
  const data = read.bytes
  const sdJwt = data.toString('utf8').trim()
  if (!sdJwt.includes('~')) throw malformed(file, 'is not an SD-JWT (no "~" separator)')
  const issuerJwt = sdJwt.slice(0, sdJwt.indexOf('~'))
  try {
    return {
      sdJwt,
      issuerJwt,
      header: decodeProtectedHeader(issuerJwt) as Record<string, unknown>,
      claims: decodeJwt(issuerJwt) as Record<string, unknown>,
    }
  } catch (err) {
    throw malformed(file, 'its issuer-signed JWT does not decode', err)
  }
}
