/**
 * SHA-256 of model artifacts on all cores: a pool of worker threads (src/node/hash-worker.ts)
 * hashing whole files and shards (byte ranges) of large files.
 *
 * Design (measurements in bench/README.md and bench/RESULTS.md). One SHA-256 stream runs on one
 * core (~1.4-1.8 GB/s here with SHA instructions), and the whole-file digest, the one
 * `sha256sum` prints, is inherently one sequential stream. So:
 *
 * - Issuing (`hashArtifacts`): every file gets its whole-file digest; a file larger than two
 *   shards also gets one digest per shard. The whole-file stream is one task and each shard is
 *   another, scheduled longest first over the pool, so with two workers one core streams the
 *   whole file while the other hashes its shards: whole + shard digests in about the time of the
 *   whole-file stream alone. (Feeding the whole and the shard hash from the same read in one
 *   thread, the obvious "single pass", hashes every byte twice on one core and takes twice as
 *   long; reading the file twice from the page cache costs far less than that.) Many files are
 *   spread over the workers, so they also use every core.
 * - Verifying (`verifyArtifacts`): when the passport records a shard layout, only the shards are
 *   recomputed, in parallel, so one large file is checked on every core (the matching shard
 *   digests, signed together with the whole digest by the issuer, pin every byte). Without a
 *   layout, the whole file is streamed; `wholeFile: true` also recomputes the whole digest.
 *
 * Measured on 2 cores, 4 GiB, warm cache (bench/RESULTS.md): openssl dgst -sha256 1.30 GB/s; one
 * stream here 1.51 GB/s; issuing (whole + 16 shards) 1.37 GB/s; verifying the shards 2.68 GB/s
 * (2.05x openssl); 16 files of 256 MiB on 2 workers 2.73 GB/s (2.08x openssl's one process).
 *
 * The worker pool is created per call, only when there is something to hash, and always
 * terminated before the call returns or throws, so it never keeps the process alive.
 *
 * src/node/hash.ts (`sha256Files`) is not reused here: it hashes whole files on the main thread
 * in time slices, while this needs byte ranges and runs inside worker threads, whose file must
 * be self-contained (see `workerSource`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { AccordError, EvidenceError, type AccordErrorCode, type Issue } from '../core/errors.js'
import {
  DEFAULT_SHARD_SIZE,
  artifactClaimProblem,
  compareArtifact,
  isSharded,
  shardRanges,
  type ArtifactCheck,
  type ArtifactObservation,
} from '../core/passport/artifacts.js'
import type { ArtifactDigest } from '../core/passport/types.js'
import { resolveInside } from './fs-safe.js'
import type { HashBatch, HashTask, HashTaskResult, WorkerMessage } from './hash-worker.js'

export interface HashArtifactsOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  workers?: number
  /**
   * Shard size in bytes (default 256 MiB). Files larger than two shards also get one digest per
   * shard. `Infinity` turns sharding off.
   */
  shardSize?: number
  /**
   * Called as bytes are hashed (every 32 MiB or so per worker, and at the end). `bytesTotal` is
   * the bytes to hash: a sharded file counts twice when issuing (whole stream and shards).
   */
  onProgress?: (bytesDone: number, bytesTotal: number) => void
}

export interface VerifyArtifactsOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  workers?: number
  /** Also recompute the whole-file digest of artifacts that have a shard layout (slower). */
  wholeFile?: boolean
  onProgress?: (bytesDone: number, bytesTotal: number) => void
}

/**
 * Hashes the files `paths` (relative to `root`) and returns their digests in the order given.
 * Throws EvidenceError listing every path that leaves `root` (ERR_EVIDENCE_OUTSIDE_ROOT), does
 * not exist (ERR_EVIDENCE_NOT_FOUND) or is not a readable regular file (ERR_EVIDENCE_UNREADABLE),
 * before hashing anything; the error's `code` is the first problem's.
 */
export async function hashArtifacts(
  root: string,
  paths: readonly string[],
  options: HashArtifactsOptions = {},
): Promise<ArtifactDigest[]> {
  const workers = workerCount(options.workers)
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE
  isSharded(0, shardSize) // validates shardSize

  interface Target {
    rel: string
    file: string
    size: number
  }
  const issues: Issue[] = []
  const targets: (Target | undefined)[] = paths.map((rel, i) => {
    const issue = (code: AccordErrorCode, message: string): undefined => {
      issues.push({ code, path: [i], file: rel, message })
      return undefined
    }
    let file: string
    try {
      file = resolveInside(root, rel)
    } catch (err) {
      if (err instanceof EvidenceError) return issue(err.code, err.message)
      return issue('ERR_EVIDENCE_UNREADABLE', `artifact "${rel}": ${errorText(err)}`)
    }
    try {
      const stat = statSync(file)
      if (!stat.isFile()) {
        return issue('ERR_EVIDENCE_UNREADABLE', `artifact "${rel}" is not a regular file`)
      }
      return { rel, file, size: stat.size }
    } catch (err) {
      return isNotFound(err)
        ? issue('ERR_EVIDENCE_NOT_FOUND', `artifact "${rel}" does not exist in ${root}`)
        : issue('ERR_EVIDENCE_UNREADABLE', `artifact "${rel}" cannot be read: ${errorText(err)}`)
    }
  })
  if (issues.length > 0) {
    const first = issues[0] as Issue
    throw new EvidenceError({
      code: first.code as AccordErrorCode,
      message:
        issues.length === 1
          ? first.message
          : `${issues.length} artifacts cannot be hashed:\n${issues.map((i) => `  ${i.message}`).join('\n')}`,
      issues,
      details: { root },
    })
  }

  const tasks: PlannedTask[] = []
  const plan = (targets as Target[]).map((t) => {
    const whole =
      tasks.push({ task: { kind: 'whole', file: t.file }, bytes: t.size, rel: t.rel }) - 1
    const shards = isSharded(t.size, shardSize)
      ? shardRanges(t.size, shardSize).map(
          (r) =>
            tasks.push({
              task: { kind: 'range', file: t.file, start: r.start, end: r.end },
              bytes: r.end - r.start,
              rel: t.rel,
            }) - 1,
        )
      : undefined
    return { target: t, whole, shards }
  })

  const results = await runTasks(tasks, { workers, onProgress: options.onProgress, failFast: true })

  return plan.map(({ target, whole, shards }) => {
    const w = results[whole] as HashTaskResult
    const digests = shards?.map((i) => results[i] as HashTaskResult)
    for (const [i, r] of [w, ...(digests ?? [])].entries()) {
      if (!r.ok) throw fileError(target.rel, r)
      const expected =
        i === 0 ? target.size : (tasks[shards?.[i - 1] as number] as PlannedTask).bytes
      if (r.bytes !== expected) {
        throw new EvidenceError({
          code: 'ERR_EVIDENCE_UNREADABLE',
          message: `artifact "${target.rel}" changed while it was hashed (expected ${expected} bytes, read ${r.bytes}); hash it again when it is no longer being written`,
          details: { path: target.rel },
        })
      }
    }
    const digest: ArtifactDigest = {
      path: toPosix(path.relative(path.resolve(root), target.file)),
      sha256: (w as { sha256: string }).sha256,
      size: target.size,
    }
    if (digests !== undefined) {
      digest.shards = {
        size: shardSize,
        sha256: digests.map((r) => (r as { sha256: string }).sha256),
      }
    }
    return digest
  })
}

/**
 * Recomputes the digests of claimed artifacts under `root` and compares them (see
 * `compareArtifact` in src/core/passport/artifacts.ts): one check per claim, in order, with
 * reason `ok`, `artifact-mismatch` (naming the differing shards), `artifact-missing`, or
 * `malformed` (a claim that is not well-formed or whose path leaves `root`). Never throws for a
 * file's problem; sizes are compared before anything is hashed.
 */
export async function verifyArtifacts(
  root: string,
  claimed: readonly ArtifactDigest[],
  options: VerifyArtifactsOptions = {},
): Promise<ArtifactCheck[]> {
  const workers = workerCount(options.workers)
  const observed: ArtifactObservation[] = []
  const tasks: PlannedTask[] = []
  const plans: { index: number; whole?: number; shards?: number[] }[] = []

  for (const [index, claim] of claimed.entries()) {
    if (artifactClaimProblem(claim) !== undefined) {
      // compareArtifact reports the malformed claim; nothing to read.
      observed.push({ state: 'missing', message: 'not checked' })
      continue
    }
    const { obs, file } = observe(root, claim)
    observed.push(obs)
    if (obs.state !== 'present' || obs.size !== claim.size || file === undefined) continue
    const plan: (typeof plans)[number] = { index }
    if (claim.shards === undefined || options.wholeFile === true) {
      plan.whole =
        tasks.push({ task: { kind: 'whole', file }, bytes: claim.size, rel: claim.path }) - 1
    }
    if (claim.shards !== undefined) {
      plan.shards = shardRanges(claim.size, claim.shards.size).map(
        (r) =>
          tasks.push({
            task: { kind: 'range', file, start: r.start, end: r.end },
            bytes: r.end - r.start,
            rel: claim.path,
          }) - 1,
      )
    }
    plans.push(plan)
  }

  const results = await runTasks(tasks, {
    workers,
    onProgress: options.onProgress,
    failFast: false,
  })

  for (const plan of plans) {
    const used = [...(plan.whole === undefined ? [] : [plan.whole]), ...(plan.shards ?? [])].map(
      (i) => ({ r: results[i] as HashTaskResult, bytes: (tasks[i] as PlannedTask).bytes }),
    )
    const failed = used.find((u) => !u.r.ok)?.r
    if (failed !== undefined && !failed.ok) {
      observed[plan.index] =
        failed.code === 'ENOENT'
          ? { state: 'missing', message: 'disappeared while it was being read' }
          : { state: 'unreadable', message: `cannot be read: ${failed.message}` }
      continue
    }
    if (used.some((u) => u.r.ok && u.r.bytes !== u.bytes)) {
      observed[plan.index] = { state: 'unreadable', message: 'changed while it was being read' }
      continue
    }
    const digest = (i: number): string => (results[i] as { sha256: string }).sha256
    const obs = observed[plan.index] as ArtifactObservation & { state: 'present' }
    if (plan.whole !== undefined) obs.sha256 = digest(plan.whole)
    if (plan.shards !== undefined) obs.shards = plan.shards.map(digest)
  }

  return claimed.map((c, i) => compareArtifact(c, observed[i] as ArtifactObservation))
}

/**
 * Where a claimed artifact stands before hashing: outside root, missing, unreadable, or present
 * with its size (and then its absolute path).
 */
function observe(root: string, claim: ArtifactDigest): { obs: ArtifactObservation; file?: string } {
  let file: string
  try {
    file = resolveInside(root, claim.path)
  } catch (err) {
    if (err instanceof EvidenceError) {
      return { obs: { state: 'outside-root', message: 'the path leaves the artifacts folder' } }
    }
    return { obs: { state: 'unreadable', message: `cannot be resolved: ${errorText(err)}` } }
  }
  try {
    const stat = statSync(file)
    if (!stat.isFile()) return { obs: { state: 'missing', message: 'is not a regular file' } }
    return { obs: { state: 'present', size: stat.size }, file }
  } catch (err) {
    return {
      obs: isNotFound(err)
        ? { state: 'missing', message: `does not exist in ${root}` }
        : { state: 'unreadable', message: `cannot be read: ${errorText(err)}` },
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Worker pool

interface PlannedTask {
  task: HashTask
  /** Bytes the task hashes (for scheduling and progress). */
  bytes: number
  /** Relative path, for messages. */
  rel: string
}

interface RunOptions {
  workers: number
  onProgress: ((bytesDone: number, bytesTotal: number) => void) | undefined
  /** Reject on the first task that fails (with its file's EvidenceError). */
  failFast: boolean
}

/** Small tasks are sent to workers in batches of up to this many bytes... */
const BATCH_BYTES = 64 * 1024 * 1024
/** ...and this many files, to save a message round trip per small file. */
const BATCH_TASKS = 256

/**
 * Runs the tasks on a pool of `workers` threads, longest first, and returns their results in
 * task order. The workers are terminated before this returns or throws.
 */
async function runTasks(
  tasks: readonly PlannedTask[],
  options: RunOptions,
): Promise<HashTaskResult[]> {
  const total = tasks.reduce((sum, t) => sum + t.bytes, 0)
  let done = 0
  options.onProgress?.(0, total)
  if (tasks.length === 0) return []

  // Longest first (LPT scheduling); small tasks are grouped so that each batch is still a
  // fraction of one worker's share, keeping the workers evenly loaded to the end.
  const order = tasks
    .map((_, i) => i)
    .sort((a, b) => (tasks[b] as PlannedTask).bytes - (tasks[a] as PlannedTask).bytes)
  const batchBytes = Math.min(BATCH_BYTES, Math.max(1, total / (options.workers * 8)))
  const batches: number[][] = []
  let current: number[] = []
  let currentBytes = 0
  for (const i of order) {
    current.push(i)
    currentBytes += (tasks[i] as PlannedTask).bytes
    if (currentBytes >= batchBytes || current.length >= BATCH_TASKS) {
      batches.push(current)
      current = []
      currentBytes = 0
    }
  }
  if (current.length > 0) batches.push(current)

  const source = await workerSource()
  const results: HashTaskResult[] = new Array(tasks.length)
  const pool: Worker[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0
      let pending = batches.length
      let settled = false
      const inFlight = new Map<Worker, number>()
      const fail = (err: unknown): void => {
        if (settled) return
        settled = true
        reject(err)
      }
      const filesOf = (w: Worker): string => {
        const b = inFlight.get(w)
        if (b === undefined) return 'no file'
        const names = [
          ...new Set((batches[b] as number[]).map((i) => (tasks[i] as PlannedTask).rel)),
        ]
        return names.length > 3
          ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
          : names.join(', ')
      }
      const dispatch = (w: Worker): void => {
        if (settled || next >= batches.length) return
        const id = next++
        inFlight.set(w, id)
        const batch: HashBatch = {
          id,
          tasks: (batches[id] as number[]).map((i) => (tasks[i] as PlannedTask).task),
        }
        w.postMessage(batch)
      }
      const onMessage = (w: Worker, m: WorkerMessage): void => {
        if (m.type === 'progress') {
          done += m.bytes
          options.onProgress?.(done, total)
          return
        }
        inFlight.delete(w)
        const indices = batches[m.id] as number[]
        for (const [k, r] of m.results.entries()) {
          const i = indices[k] as number
          results[i] = r
          if (!r.ok && options.failFast) return fail(fileError((tasks[i] as PlannedTask).rel, r))
        }
        if (--pending === 0) {
          settled = true
          resolve()
        } else dispatch(w)
      }
      const count = Math.min(options.workers, batches.length)
      for (let k = 0; k < count && !settled; k++) {
        const w = startWorker(source)
        pool.push(w)
        w.on('message', (m: WorkerMessage) => {
          try {
            onMessage(w, m)
          } catch (err) {
            fail(err) // e.g. an onProgress callback that threw
          }
        })
        w.on('error', (err) =>
          fail(
            new AccordError({
              code: 'ERR_INTERNAL',
              message: `a hash worker failed while hashing ${filesOf(w)}: ${errorText(err)}`,
              cause: err,
            }),
          ),
        )
        w.on('exit', (code) =>
          fail(
            new AccordError({
              code: 'ERR_INTERNAL',
              message: `a hash worker exited (code ${code}) while hashing ${filesOf(w)}`,
            }),
          ),
        )
        dispatch(w)
      }
    })
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  return results
}

let cachedSource: Promise<URL | string> | undefined

/**
 * The worker: dist/node/hash-worker.js next to this module when Accord is built. When this
 * module runs from TypeScript source (vitest imports src/node/artifacts.ts, and worker threads
 * cannot load .ts files), hash-worker.ts is transpiled in memory with the TypeScript compiler, a
 * devDependency present wherever the sources are run, and started as code, so tests never run a
 * stale build of the worker.
 */
function workerSource(): Promise<URL | string> {
  cachedSource ??= (async () => {
    const built = new URL('./hash-worker.js', import.meta.url)
    if (existsSync(built)) return built
    const source = new URL('./hash-worker.ts', import.meta.url)
    if (!existsSync(source)) {
      throw new AccordError({
        code: 'ERR_INTERNAL',
        message: `the hash worker is missing: neither ${built.pathname} nor ${source.pathname} exists; run npm run build`,
      })
    }
    const ts = (await import('typescript')).default
    return ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText
  })()
  cachedSource.catch(() => (cachedSource = undefined))
  return cachedSource
}

function startWorker(source: URL | string): Worker {
  return typeof source === 'string' ? new Worker(source, { eval: true }) : new Worker(source)
}

// ---------------------------------------------------------------------------------------------
// Helpers

function workerCount(workers: number | undefined): number {
  if (workers === undefined) return availableParallelism()
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(`workers must be a positive integer, got ${String(workers)}`)
  }
  return workers
}

function fileError(rel: string, r: { code: string; message: string }): EvidenceError {
  const notFound = r.code === 'ENOENT' || r.code === 'ENOTDIR'
  return new EvidenceError({
    code: notFound ? 'ERR_EVIDENCE_NOT_FOUND' : 'ERR_EVIDENCE_UNREADABLE',
    message: notFound
      ? `artifact "${rel}" disappeared while it was hashed`
      : `artifact "${rel}" cannot be read: ${r.message}`,
    details: { path: rel, errno: r.code },
  })
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/')
}
