/**
 * Verifies many passports across CPU cores with worker_threads. Each worker builds one
 * `createPassportVerifier` (so it imports each trusted key once) and verifies chunks of tokens;
 * the results come back in input order.
 *
 * This one file is both the API (main thread) and the worker body: a worker is started on this
 * module's own URL and recognises itself by its `workerData`. Workers need the compiled JavaScript
 * (dist/); when this module runs from TypeScript sources (tests), `workers` falls back to 1, which
 * verifies in-process.
 */
import { digest } from '@sd-jwt/crypto-nodejs'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import {
  createPassportVerifier,
  type PassportCryptoResult,
  type PassportVerifierOptions,
  type PassportVerifyRequest,
} from '../core/passport/verify.js'

export type BatchVerifierConfig = Omit<PassportVerifierOptions, 'hasher'>

export interface VerifyBatchOptions extends BatchVerifierConfig, PassportVerifyRequest {
  /** Worker threads; default 2. 1 (or fewer tokens than a chunk) verifies in this thread. */
  workers?: number
  /** Tokens per message to a worker; default 64. */
  chunkSize?: number
  /** Return the rebuilt claims (copied back from the workers); default true. */
  includeClaims?: boolean
}

interface WorkerInit {
  accordVerifyBatch: true
  config: BatchVerifierConfig
  request: PassportVerifyRequest
  includeClaims: boolean
}

interface ChunkMessage {
  id: number
  tokens: string[]
}

const nodeHasher = (data: string, alg: string): Uint8Array => digest(data, alg)

/** True when this module was loaded from compiled JavaScript (workers can start from it). */
function canStartWorkers(): boolean {
  return import.meta.url.endsWith('.js')
}

async function verifyInProcess(
  tokens: readonly string[],
  config: BatchVerifierConfig,
  request: PassportVerifyRequest,
  includeClaims: boolean,
): Promise<PassportCryptoResult[]> {
  const verifier = createPassportVerifier({ ...config, hasher: nodeHasher })
  const out: PassportCryptoResult[] = []
  for (const token of tokens) {
    const r = await verifier.verify(token, request)
    if (!includeClaims) delete r.claims
    out.push(r)
  }
  return out
}

/** Verifies `tokens`; result `i` belongs to `tokens[i]`. */
export async function verifyBatch(
  tokens: readonly string[],
  options: VerifyBatchOptions,
): Promise<PassportCryptoResult[]> {
  const {
    workers: requested = 2,
    chunkSize = 64,
    includeClaims = true,
    nowSeconds,
    expectedAudience,
    expectedNonce,
    requireKeyBinding,
    ...config
  } = options
  if (!Number.isInteger(requested) || requested < 1) {
    throw new TypeError(`workers must be a positive integer, got ${requested}`)
  }
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new TypeError(`chunkSize must be a positive integer, got ${chunkSize}`)
  }
  const request: PassportVerifyRequest = {
    nowSeconds,
    ...(expectedAudience !== undefined ? { expectedAudience } : {}),
    ...(expectedNonce !== undefined ? { expectedNonce } : {}),
    ...(requireKeyBinding !== undefined ? { requireKeyBinding } : {}),
  }
  // Misuse (bad keys, options) is reported here, in the caller's thread, as a TypeError.
  createPassportVerifier({ ...config, hasher: nodeHasher })
  const chunks = Math.ceil(tokens.length / chunkSize)
  const count = Math.min(requested, chunks)
  if (count <= 1 || !canStartWorkers()) {
    return verifyInProcess(tokens, config, request, includeClaims)
  }

  const results: PassportCryptoResult[] = new Array(tokens.length)
  const init: WorkerInit = { accordVerifyBatch: true, config, request, includeClaims }
  const pool = Array.from(
    { length: count },
    () => new Worker(new URL(import.meta.url), { workerData: init }),
  )
  let next = 0
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= chunks) {
                resolve()
                return
              }
              const id = next++
              const message: ChunkMessage = {
                id,
                tokens: tokens.slice(id * chunkSize, (id + 1) * chunkSize),
              }
              worker.postMessage(message)
            }
            worker.on('message', (msg: { id: number; results: PassportCryptoResult[] }) => {
              msg.results.forEach((r, i) => {
                results[msg.id * chunkSize + i] = r
              })
              send()
            })
            worker.once('error', reject)
            worker.once('exit', (code) => {
              if (code !== 0) reject(new Error(`verify worker exited with code ${code}`))
            })
            send()
          }),
      ),
    )
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  return results
}

function startWorker(init: WorkerInit): void {
  const port = parentPort
  if (!port) return
  const verifier = createPassportVerifier({ ...init.config, hasher: nodeHasher })
  port.on('message', (msg: ChunkMessage) => {
    void (async () => {
      const results: PassportCryptoResult[] = []
      for (const token of msg.tokens) {
        const r = await verifier.verify(token, init.request)
        if (!init.includeClaims) delete r.claims
        results.push(r)
      }
      port.postMessage({ id: msg.id, results })
    })()
  })
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.accordVerifyBatch === true) {
  startWorker(workerData as WorkerInit)
}
