/**
 * What a publish costs most, verifying each passport in full, done on worker threads.
 *
 * A publish (POST /api/v1/passports and /api/v1/passports/batch) checks that the passport was
 * signed by the request key, verifies it (signature, disclosures, claims) and builds the record
 * the registry indexes. That is most of the CPU time of a publish; on the server's one thread it
 * would cap publishes at what one core verifies. The pool runs it on `workers` threads, so the
 * main thread only parses requests, authenticates them and commits; with `workers: 0` (or when
 * running from TypeScript sources, where a worker cannot load this module) it runs in-thread.
 *
 * A worker answers with the record minus its token (the caller has the token already) or with
 * the error the route returns; verifiers are kept per request key in each worker, as the route
 * did in-thread. Checks wait for the end of the event loop's turn and go out up to 16 tokens per
 * message, so the single publishes of concurrent requests share messages (about 0.1 ms less CPU
 * per single publish in all; bench/RESULTS.md).
 */
import { decodeProtectedHeader } from 'jose'
import { isMainThread, Worker, workerData } from 'node:worker_threads'
import type { AccordErrorCode } from '../core/errors.js'
import type { PassportVerifier } from '../core/passport/verify.js'
import type { PassportRecord } from '../core/store.js'
import {
  passportEntry,
  passportEntryFromJwt,
  samePassportEntry,
  type PassportEntry,
} from '../core/tlog/entry.js'
import { nodePassportVerifier } from '../node/verify-batch.js'
import { answerParent, canStartWorkersFrom } from '../node/worker-rpc.js'
import { passportRecord } from './passport-record.js'
import type { RequestKey } from './signed-request.js'

/** Why a passport cannot be published: the route's error, ready to send. */
export interface PublishRefusal {
  code: AccordErrorCode
  message: string
  status?: number
  reason?: string
}

export type PublishOutcome =
  | {
      ok: true
      record: Omit<PassportRecord, 'token'>
      /** The passport's log entry, from the verified JWT (`RegistryItem`'s `entry`). */
      entry: PassportEntry
    }
  | { ok: false; refusal: PublishRefusal }

export interface PublishCheck {
  /** The verified request key: every passport must be signed by it. */
  key: RequestKey
  /** Trimmed passport tokens. */
  tokens: readonly string[]
  nowSeconds: number
  /** ISO time recorded as `publishedAt`. */
  publishedAt: string
}

export interface PublishPool {
  /** Worker threads in use; 0 when checking in this thread. */
  readonly workers: number
  /** Outcome `i` belongs to `tokens[i]`. */
  check(request: PublishCheck): Promise<PublishOutcome[]>
  close(): Promise<void>
}

/** Most passport verifiers kept per thread (one per issuer key that published recently). */
const VERIFIERS_MAX = 1000

/** Verifiers per request key (`kid` is the RFC 7638 thumbprint of `jwk`, so it names one key). */
function verifierCache(): (key: RequestKey) => PassportVerifier {
  const verifiers = new Map<string, PassportVerifier>()
  return (key) => {
    let verifier = verifiers.get(key.kid)
    if (verifier === undefined) {
      verifier = nodePassportVerifier({ trustedKeys: [{ kid: key.kid, jwk: key.jwk }] })
      verifiers.set(key.kid, verifier)
      if (verifiers.size > VERIFIERS_MAX) verifiers.delete(verifiers.keys().next().value as string)
    }
    return verifier
  }
}

function refused(
  message: string,
  code: AccordErrorCode = 'ERR_PASSPORT_REJECTED',
  // null, not undefined, for none: an undefined argument takes the default.
  reason: string | null = 'malformed',
): PublishOutcome {
  return {
    ok: false,
    refusal: {
      code,
      message,
      ...(code === 'ERR_PASSPORT_REJECTED' ? { status: 422 } : {}),
      ...(reason ? { reason } : {}),
    },
  }
}

/**
 * A passport the request key may publish: signed by that key, verifying in full, with the
 * claims the registry indexes.
 */
async function checkOne(
  verifierFor: (key: RequestKey) => PassportVerifier,
  request: PublishCheck,
  token: string,
): Promise<PublishOutcome> {
  const { key } = request
  let passportKid: unknown
  try {
    passportKid = decodeProtectedHeader(token.slice(0, token.indexOf('~'))).kid
  } catch {
    return refused('the passport is not an SD-JWT with a JSON header')
  }
  if (passportKid !== key.kid)
    return refused(
      `the passport was signed by key ${JSON.stringify(passportKid ?? null)}, not by the key that signed this request (${key.kid}); only its issuer may publish it`,
      'ERR_PASSPORT_REQUEST_FORBIDDEN',
      null,
    )
  const verified = await verifierFor(key).verify(token, { nowSeconds: request.nowSeconds })
  if (!verified.ok || !verified.claims) {
    const failed = verified.checks.find((c) => c.outcome === 'fail')
    return refused(
      `the passport does not verify: ${failed?.message ?? 'unknown'}`,
      'ERR_PASSPORT_REJECTED',
      failed?.reason ?? 'malformed',
    )
  }
  const made = passportRecord(verified.claims, token, key.kid, request.publishedAt)
  if (!made.ok) return refused(made.message)
  // The log entry as a verifier recomputes it from the passport alone (core/tlog/entry.ts): from
  // the JWT as signed, which the verifier decoded already. It differs from the record when the
  // jti or iss the registry indexes comes from a disclosure instead.
  const { header, payload } = verified.jwt ?? { header: {}, payload: {} }
  const entry = passportEntryFromJwt(header, payload, () => made.record.issuerJwtSha256)
  if (!entry.ok) return refused(`the passport cannot be logged: ${entry.message}`)
  if (!samePassportEntry(entry.entry, passportEntry(made.record)))
    return refused(
      'the passport cannot be logged: the jti, iss or kid of its issuer-signed JWT differ from the claims the registry indexes (is the jti or iss selectively disclosed?)',
    )
  const record: Partial<PassportRecord> = { ...made.record }
  delete record.token
  return { ok: true, record: record as Omit<PassportRecord, 'token'>, entry: entry.entry }
}

/** Checks every token, side by side (one's signature check overlaps the next one's disclosures). */
function checkAll(
  verifierFor: (key: RequestKey) => PassportVerifier,
  request: PublishCheck,
): Promise<PublishOutcome[]> {
  return Promise.all(request.tokens.map((t) => checkOne(verifierFor, request, t)))
}

interface WorkerInit {
  accordPublishPool: true
}
interface CheckMessage {
  id: number
  /** Checks of one or more requests, answered in the same order. */
  requests: PublishCheck[]
}
interface CheckReply {
  id: number
  outcomes?: PublishOutcome[][]
  error?: string
}

/**
 * Most tokens per message to a worker: a batch is split so that every worker gets a share, and
 * the checks of single publishes that arrive together share a message.
 */
const CHUNK = 16

export function createPublishPool(options: { workers: number }): PublishPool {
  const requested = options.workers
  if (!Number.isInteger(requested) || requested < 0)
    throw new TypeError(`publish workers must be an integer >= 0, got ${String(requested)}`)
  if (requested === 0 || !canStartWorkersFrom(import.meta.url)) {
    const verifierFor = verifierCache()
    return {
      workers: 0,
      check: (request) => checkAll(verifierFor, request),
      close: async () => undefined,
    }
  }

  const init: WorkerInit = { accordPublishPool: true }
  interface Waiting {
    request: PublishCheck
    resolve(o: PublishOutcome[]): void
    reject(e: Error): void
  }
  interface Slot {
    worker: Worker
    /** Tokens sent and not yet answered. */
    load: number
    pending: Map<number, Waiting[]>
  }
  let ids = 0
  let closed = false

  /**
   * A worker that dies (a crash, an out-of-memory kill) fails only the checks it had; the next
   * check goes to a new worker in its place, so one bad moment does not stop every later publish.
   */
  const start = (): Slot => {
    const slot: Slot = {
      worker: new Worker(new URL(import.meta.url), { workerData: init }),
      load: 0,
      pending: new Map(),
    }
    const lost = (error: Error): void => {
      const at = slots.indexOf(slot)
      if (at >= 0 && !closed) slots[at] = undefined
      for (const group of slot.pending.values()) for (const w of group) w.reject(error)
      slot.pending.clear()
    }
    slot.worker.unref()
    slot.worker.on('message', (reply: CheckReply) => {
      const group = slot.pending.get(reply.id)
      if (group === undefined) return
      slot.pending.delete(reply.id)
      for (const [i, w] of group.entries()) {
        const outcomes = reply.outcomes?.[i]
        if (outcomes !== undefined) w.resolve(outcomes)
        else w.reject(new Error(`publish worker failed: ${reply.error ?? 'no outcome'}`))
      }
    })
    slot.worker.once('error', lost)
    slot.worker.once('exit', (code) => lost(new Error(`publish worker exited with code ${code}`)))
    return slot
  }
  const slots: (Slot | undefined)[] = Array.from({ length: requested }, start)

  /** Sends checks to the least loaded worker (starting one where a worker died). */
  const send = (group: Waiting[]): void => {
    let best = 0
    for (let i = 0; i < slots.length; i++) {
      slots[i] ??= start()
      if ((slots[i] as Slot).load < (slots[best] as Slot).load) best = i
    }
    const slot = slots[best] as Slot
    const size = group.reduce((n, w) => n + w.request.tokens.length, 0)
    slot.load += size
    const id = ids++
    slot.pending.set(
      id,
      group.map((w) => ({
        request: w.request,
        resolve: (o) => {
          slot.load -= w.request.tokens.length
          w.resolve(o)
        },
        reject: (e) => {
          slot.load -= w.request.tokens.length
          w.reject(e)
        },
      })),
    )
    try {
      slot.worker.postMessage({ id, requests: group.map((w) => w.request) } satisfies CheckMessage)
    } catch (err) {
      slot.pending.delete(id)
      slot.load -= size
      throw err
    }
  }

  // Checks wait for the end of this turn of the event loop, then go out CHUNK tokens per message:
  // the single publishes of many concurrent requests then share messages. A message to a worker
  // costs the main thread about as much as a few passports' share of its work when the cores are
  // busy, and the worker a wake-up.
  let waiting: Waiting[] = []
  const sendOrReject = (group: Waiting[]): void => {
    try {
      send(group)
    } catch (err) {
      // A worker that cannot be started or a message that cannot be sent fails these checks
      // (the route answers 500), not the process.
      const error = err instanceof Error ? err : new Error(String(err))
      for (const w of group) w.reject(error)
    }
  }
  const flush = (): void => {
    const all = waiting
    waiting = []
    let group: Waiting[] = []
    let tokens = 0
    for (const w of all) {
      if (tokens > 0 && tokens + w.request.tokens.length > CHUNK) {
        sendOrReject(group)
        group = []
        tokens = 0
      }
      group.push(w)
      tokens += w.request.tokens.length
    }
    if (group.length > 0) sendOrReject(group)
  }
  const enqueue = (request: PublishCheck): Promise<PublishOutcome[]> =>
    new Promise((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush)
      waiting.push({ request, resolve, reject })
    })

  return {
    workers: requested,
    async check(request) {
      if (closed) throw new Error('the publish pool is closed')
      const chunks: Promise<PublishOutcome[]>[] = []
      for (let i = 0; i < request.tokens.length; i += CHUNK)
        chunks.push(enqueue({ ...request, tokens: request.tokens.slice(i, i + CHUNK) }))
      return (await Promise.all(chunks)).flat()
    },
    async close() {
      if (closed) return
      closed = true
      const live = slots.filter((s): s is Slot => s !== undefined)
      await Promise.all(live.map((s) => s.worker.terminate()))
      for (const s of live) {
        for (const group of s.pending.values())
          for (const w of group) w.reject(new Error('the publish pool was closed'))
        s.pending.clear()
      }
      for (const w of waiting.splice(0)) w.reject(new Error('the publish pool was closed'))
    },
  }
}

function startWorker(): void {
  const verifierFor = verifierCache()
  answerParent<CheckMessage, Omit<CheckReply, 'id'>>((msg) =>
    Promise.all(msg.requests.map((r) => checkAll(verifierFor, r))).then((outcomes) => ({
      outcomes,
    })),
  )
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.accordPublishPool === true) {
  startWorker()
}
