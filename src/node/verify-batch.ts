/**
 * Verifies many passports across CPU cores with a persistent pool of worker_threads.
 *
 * `createBatchVerifier(options)` starts the workers once; each builds one `createPassportVerifier`
 * (so it imports each trusted key once) and, when a policy is given, evaluates it on every verified
 * passport. `verify(tokens, request)` sends the tokens in chunks (two chunks in flight per worker,
 * so a worker never waits for its next chunk) and each worker verifies several tokens of a chunk at
 * once, so its thread works while WebCrypto checks signatures on the libuv thread pool. Results
 * come back in input order and compact: ok, verdict and the checks that did not pass (all checks
 * with `checks: 'all'`), the claims only when asked, as one JSON string per chunk (copying full
 * results back cost the main thread about as much as a verification; JSON is faster than the
 * structured clone for them). `close()` ends the workers; while no batch is running they do not
 * keep the process alive.
 *
 * This one file is both the API (main thread) and the worker body: a worker is started on this
 * module's own URL and recognises itself by its `workerData`. Workers need the compiled JavaScript
 * (dist/); when this module runs from TypeScript sources (tests), the pool verifies in-process
 * (`workers` is then 0).
 *
 * Revocation is not checked here (there is no status list): a policy with `status: required`
 * makes the verdict at best `indeterminate`, as `accord verify` without `--status-list` does.
 */
import { createHash, hash } from 'node:crypto'
import { isMainThread, Worker, workerData } from 'node:worker_threads'
import { digest } from '@sd-jwt/crypto-nodejs'
import type { SdHasher } from '../core/passport/sd-jwt.js'
import type { CheckResult, PassportClaims, Verdict } from '../core/passport/types.js'
import {
  createPassportVerifier,
  type PassportCryptoResult,
  type PassportVerifier,
  type PassportVerifierOptions,
  type PassportVerifyRequest,
  type VerifierPrimitives,
} from '../core/passport/verify.js'
import { evaluatePolicy, verdictFrom } from '../core/policy/evaluate.js'
import type { Policy } from '../core/policy/schema.js'
import { decodeBase64urlStrict, verifyJwsSignature } from './jws.js'
import { answerParent, canStartWorkersFrom } from './worker-rpc.js'

/** One-shot SHA-256 (`crypto.hash`, Node 20.12+; `createHash` before). */
const sha256 = (data: string, encoding: 'buffer' | 'base64url'): Buffer | string =>
  typeof hash === 'function'
    ? hash('sha256', data, encoding)
    : encoding === 'buffer'
      ? createHash('sha256').update(data).digest()
      : createHash('sha256').update(data).digest('base64url')

/** SD-JWT SHA-256 (`_sd_alg: sha-256`) with node:crypto. */
export const nodeHasher: SdHasher = (data, alg) =>
  alg === 'sha-256' ? (sha256(data, 'buffer') as Buffer) : digest(data, alg)

/**
 * Node's fast equivalents of the verifier's primitives (`PassportVerifierOptions.primitives`):
 * one-shot `crypto.hash` straight to base64url, `Buffer` base64url decoding and node:crypto
 * signature checks (jws.ts). Several times
 * faster than the portable defaults on the many small disclosures of a passport.
 */
export const nodeVerifierPrimitives: VerifierPrimitives = {
  sha256Base64url: (data) => sha256(data, 'base64url') as string,
  decodeBase64url: decodeBase64urlStrict,
  verifySignature: verifyJwsSignature,
}

export type BatchVerifierConfig = Omit<PassportVerifierOptions, 'hasher' | 'primitives'>

export interface BatchVerifierOptions extends BatchVerifierConfig {
  /** Worker threads; default 2. 0 verifies in this thread. */
  workers?: number
  /** Tokens per message to a worker; default 64. */
  chunkSize?: number
  /** Tokens a worker verifies at once; default 4. */
  concurrency?: number
  /** Return the rebuilt claims (copied back from the workers); default false. */
  includeClaims?: boolean
  /**
   * Which checks each result lists: `not-passed` (default; failed, indeterminate and skipped
   * ones) or `all`. The verdict is always computed from all of them.
   */
  checks?: 'all' | 'not-passed'
  /** Acceptance policy evaluated on every verified passport (no endorsements, no status list). */
  policy?: Policy
}

/** One passport's outcome. */
export interface BatchResult {
  /** True when every cryptographic check passed. */
  ok: boolean
  /**
   * With a policy: the verdict over all checks (`verdictFrom`). Without: `accepted` when ok,
   * else `rejected`.
   */
  verdict: Verdict
  /** The cryptographic checks, then the policy's (only those not passed, unless `checks: 'all'`). */
  checks: CheckResult[]
  /** The trusted key that verified the signature. */
  key?: { kid: string; name?: string }
  keyBinding?: { aud: string; nonce: string; iat: number }
  /** Only with `includeClaims`. */
  claims?: PassportClaims
}

export interface BatchVerifier {
  /** Worker threads in use; 0 when verifying in this thread. */
  readonly workers: number
  /** Verifies `tokens`; result `i` belongs to `tokens[i]`. */
  verify(tokens: readonly string[], request: PassportVerifyRequest): Promise<BatchResult[]>
  /** Ends the workers; later `verify` calls are refused. */
  close(): Promise<void>
}

interface WorkerSettings {
  config: BatchVerifierConfig
  includeClaims: boolean
  allChecks: boolean
  concurrency: number
  policy?: Policy
}

interface WorkerInit extends WorkerSettings {
  accordVerifyBatch: true
}

interface ChunkMessage {
  id: number
  tokens: string[]
  request: PassportVerifyRequest
}

interface ChunkReply {
  id: number
  /** The chunk's BatchResult[] as JSON. */
  results?: string
  error?: string
}

function positiveInteger(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}, got ${value}`)
  }
  return value
}

/** A passport verifier with Node's hasher and primitives (CLI, server and batch workers). */
export function nodePassportVerifier(config: BatchVerifierConfig): PassportVerifier {
  return createPassportVerifier({
    ...config,
    hasher: nodeHasher,
    primitives: nodeVerifierPrimitives,
  })
}

/**
 * The policy as an `evaluateClaims` hook (no endorsements, status not checked), so the verifier
 * evaluates it while the signature is checked.
 */
export function policyEvaluator(
  policy: Policy,
  nowSeconds: number,
): (claims: PassportClaims) => CheckResult[] {
  return (claims) => {
    const subject = claims.credentialSubject
    return evaluatePolicy(policy, {
      claims,
      disclosed: {
        jurisdictions: Object.keys(subject.classification ?? {}),
        frameworks: Object.keys(subject.obligations ?? {}),
      },
      endorsements: [],
      nowSeconds,
      statusChecked: false,
    })
  }
}

/** Verifies one token (and evaluates the policy on it): the compact result. */
async function verifyOne(
  verifier: PassportVerifier,
  token: string,
  request: PassportVerifyRequest,
  settings: WorkerSettings,
): Promise<BatchResult> {
  return compact(await verifier.verify(token, request), settings)
}

function compact(r: PassportCryptoResult, settings: WorkerSettings): BatchResult {
  const out: BatchResult = { ok: r.ok, verdict: r.ok ? 'accepted' : 'rejected', checks: r.checks }
  if (r.key) out.key = r.key
  if (r.keyBinding) out.keyBinding = r.keyBinding
  if (r.ok && r.claims) {
    if (r.evaluation) {
      out.checks = [...r.checks, ...r.evaluation]
      out.verdict = verdictFrom(out.checks)
    }
    if (settings.includeClaims) out.claims = r.claims
  }
  if (!settings.allChecks) out.checks = out.checks.filter((c) => c.outcome !== 'pass')
  return out
}

/** Verifies `tokens` with up to `concurrency` in flight, results in order. */
async function verifyMany(
  verifier: PassportVerifier,
  tokens: readonly string[],
  plain: PassportVerifyRequest,
  settings: WorkerSettings,
): Promise<BatchResult[]> {
  const request: PassportVerifyRequest = settings.policy
    ? { ...plain, evaluateClaims: policyEvaluator(settings.policy, plain.nowSeconds) }
    : plain
  const results: BatchResult[] = new Array(tokens.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < tokens.length) {
      const i = next++
      results[i] = await verifyOne(verifier, tokens[i] as string, request, settings)
    }
  }
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, tokens.length) }, lane))
  return results
}

function checkRequest(request: PassportVerifyRequest): PassportVerifyRequest {
  if (!Number.isFinite(request.nowSeconds)) throw new TypeError('nowSeconds must be a number')
  if (
    request.requireKeyBinding &&
    (request.expectedAudience === undefined || request.expectedNonce === undefined)
  ) {
    throw new TypeError('requireKeyBinding needs expectedAudience and expectedNonce')
  }
  return {
    nowSeconds: request.nowSeconds,
    ...(request.expectedAudience !== undefined
      ? { expectedAudience: request.expectedAudience }
      : {}),
    ...(request.expectedNonce !== undefined ? { expectedNonce: request.expectedNonce } : {}),
    ...(request.requireKeyBinding !== undefined
      ? { requireKeyBinding: request.requireKeyBinding }
      : {}),
  }
}

interface Job {
  tokens: readonly string[]
  request: PassportVerifyRequest
  results: BatchResult[]
  nextChunk: number
  chunks: number
  pending: number
  resolve: (results: BatchResult[]) => void
  reject: (error: Error) => void
}

/** Starts a pool of verifying workers (or an in-process verifier when workers cannot start). */
export function createBatchVerifier(options: BatchVerifierOptions): BatchVerifier {
  const {
    workers: requested = 2,
    chunkSize = 64,
    concurrency = 4,
    includeClaims = false,
    checks = 'not-passed',
    policy,
    ...config
  } = options
  if (checks !== 'all' && checks !== 'not-passed') {
    throw new TypeError(`checks must be 'all' or 'not-passed', got ${String(checks)}`)
  }
  positiveInteger('workers', requested, 0)
  positiveInteger('chunkSize', chunkSize)
  positiveInteger('concurrency', concurrency)
  const settings: WorkerSettings = {
    config,
    includeClaims,
    allChecks: checks === 'all',
    concurrency,
    ...(policy !== undefined ? { policy } : {}),
  }
  // Misuse (bad keys, options) is reported here, in the caller's thread, as a TypeError.
  const local = nodePassportVerifier(config)
  let closed = false

  if (requested === 0 || !canStartWorkersFrom(import.meta.url)) {
    return {
      workers: 0,
      async verify(tokens, request) {
        if (closed) throw new Error('this batch verifier is closed')
        return verifyMany(local, tokens, checkRequest(request), settings)
      },
      async close() {
        closed = true
      },
    }
  }

  const init: WorkerInit = { accordVerifyBatch: true, ...settings }
  const pool = Array.from(
    { length: requested },
    () => new Worker(new URL(import.meta.url), { workerData: init }),
  )
  const queue: Job[] = []
  /** Chunk id -> job and first token index, for chunks sent and not yet answered. */
  const inFlight = new Map<number, { job: Job; worker: Worker; start: number }>()
  const busy = new Map<Worker, number>(pool.map((w) => [w, 0]))
  let chunkIds = 0
  let failure: Error | undefined

  const setRef = (on: boolean): void => {
    for (const w of pool) {
      if (on) w.ref()
      else w.unref()
    }
  }
  setRef(false)

  const failAll = (error: Error): void => {
    failure ??= error
    for (const { job } of inFlight.values()) job.reject(failure)
    for (const job of queue) job.reject(failure)
    inFlight.clear()
    queue.length = 0
    setRef(false)
  }

  /** Keeps every worker fed with two chunks while there is work. */
  const pump = (): void => {
    for (const worker of pool) {
      while ((busy.get(worker) ?? 0) < 2) {
        const job = queue[0]
        if (!job) return
        const index = job.nextChunk++
        if (job.nextChunk >= job.chunks) queue.shift()
        const id = chunkIds++
        const start = index * chunkSize
        inFlight.set(id, { job, worker, start })
        busy.set(worker, (busy.get(worker) ?? 0) + 1)
        const message: ChunkMessage = {
          id,
          tokens: job.tokens.slice(start, start + chunkSize),
          request: job.request,
        }
        worker.postMessage(message)
      }
    }
  }

  for (const worker of pool) {
    worker.on('message', (reply: ChunkReply) => {
      const entry = inFlight.get(reply.id)
      if (!entry) return
      inFlight.delete(reply.id)
      busy.set(worker, (busy.get(worker) ?? 1) - 1)
      const { job, start } = entry
      if (reply.error !== undefined || reply.results === undefined) {
        failAll(new Error(`verify worker failed: ${reply.error ?? 'no results'}`))
        return
      }
      const results = JSON.parse(reply.results) as BatchResult[]
      results.forEach((r, i) => {
        job.results[start + i] = r
      })
      if (--job.pending === 0) job.resolve(job.results)
      if (inFlight.size === 0 && queue.length === 0) setRef(false)
      pump()
    })
    worker.once('error', (error) => failAll(error))
    worker.once('exit', (code) => {
      if (!closed) failAll(new Error(`verify worker exited with code ${code}`))
    })
  }

  return {
    workers: pool.length,
    verify(tokens, request) {
      if (closed) return Promise.reject(new Error('this batch verifier is closed'))
      if (failure) return Promise.reject(failure)
      let checked: PassportVerifyRequest
      try {
        checked = checkRequest(request)
      } catch (error) {
        return Promise.reject(error as Error)
      }
      if (tokens.length === 0) return Promise.resolve([])
      return new Promise<BatchResult[]>((resolve, reject) => {
        const chunks = Math.ceil(tokens.length / chunkSize)
        queue.push({
          tokens,
          request: checked,
          results: new Array<BatchResult>(tokens.length),
          nextChunk: 0,
          chunks,
          pending: chunks,
          resolve,
          reject,
        })
        setRef(true)
        pump()
      })
    },
    async close() {
      if (closed) return
      closed = true
      failAll(new Error('this batch verifier was closed'))
      await Promise.all(pool.map((w) => w.terminate()))
    },
  }
}

export interface VerifyBatchOptions extends BatchVerifierOptions, PassportVerifyRequest {}

/**
 * Verifies `tokens` with a pool started for this call and closed after it; result `i` belongs to
 * `tokens[i]`. For repeated batches, keep one `createBatchVerifier` (start-up is paid once).
 * Here `includeClaims` defaults to true and `checks` to `all`. One chunk or less, or `workers: 1`,
 * is verified in this thread.
 */
export async function verifyBatch(
  tokens: readonly string[],
  options: VerifyBatchOptions,
): Promise<BatchResult[]> {
  const {
    nowSeconds,
    expectedAudience,
    expectedNonce,
    requireKeyBinding,
    workers = 2,
    chunkSize = 64,
    includeClaims = true,
    checks = 'all',
    ...rest
  } = options
  positiveInteger('workers', workers)
  positiveInteger('chunkSize', chunkSize)
  const verifier = createBatchVerifier({
    ...rest,
    chunkSize,
    includeClaims,
    checks,
    workers: tokens.length <= chunkSize ? 0 : workers === 1 ? 0 : workers,
  })
  try {
    return await verifier.verify(tokens, {
      nowSeconds,
      ...(expectedAudience !== undefined ? { expectedAudience } : {}),
      ...(expectedNonce !== undefined ? { expectedNonce } : {}),
      ...(requireKeyBinding !== undefined ? { requireKeyBinding } : {}),
    })
  } finally {
    await verifier.close()
  }
}

function startWorker(init: WorkerInit): void {
  const verifier = nodePassportVerifier(init.config)
  answerParent<ChunkMessage, Omit<ChunkReply, 'id'>>((msg) =>
    verifyMany(verifier, msg.tokens, msg.request, init).then((results) => ({
      results: JSON.stringify(results),
    })),
  )
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.accordVerifyBatch === true) {
  startWorker(workerData as WorkerInit)
}
