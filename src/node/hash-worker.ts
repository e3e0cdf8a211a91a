/**
 * Worker thread of the artifact hasher (src/node/artifacts.ts): hashes whole files or byte ranges
 * of files with SHA-256 and answers with lowercase hex digests.
 *
 * Self-contained on purpose: it imports only `node:` modules and types. Built, it runs as
 * dist/node/hash-worker.js; from TypeScript source (vitest) artifacts.ts transpiles this file in
 * memory and starts it with `eval: true`, where only CommonJS `require` of built-ins is available.
 *
 * Reads are synchronous (`readSync`) into one buffer per worker: the worker has nothing else to
 * do, and synchronous reads avoid a libuv thread-pool round trip per read. 1 MiB reads: Node's
 * default 64 KiB stream reads halve the throughput, and larger reads gained nothing measurable
 * (bench/README.md).
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'

/** Bytes per read. */
export const WORKER_READ_SIZE = 1024 * 1024

/** Report progress to the main thread after at least this many bytes. */
const PROGRESS_EVERY = 32 * 1024 * 1024

/** A file to hash from start to end of file, or the byte range [start, end) of a file. */
export type HashTask =
  { kind: 'whole'; file: string } | { kind: 'range'; file: string; start: number; end: number }

/** The digest and the number of bytes hashed, or the error (`code` is the fs error code). */
export type HashTaskResult =
  { ok: true; sha256: string; bytes: number } | { ok: false; code: string; message: string }

export interface HashBatch {
  id: number
  tasks: HashTask[]
}

export type WorkerMessage =
  { type: 'progress'; bytes: number } | { type: 'done'; id: number; results: HashTaskResult[] }

const buffer = Buffer.allocUnsafe(WORKER_READ_SIZE)
let unreported = 0

function report(bytes: number, force: boolean): void {
  unreported += bytes
  if (unreported > 0 && (force || unreported >= PROGRESS_EVERY)) {
    parentPort?.postMessage({ type: 'progress', bytes: unreported } satisfies WorkerMessage)
    unreported = 0
  }
}

function hashTask(task: HashTask): HashTaskResult {
  const hash = createHash('sha256')
  const end = task.kind === 'range' ? task.end : Infinity
  let position = task.kind === 'range' ? task.start : 0
  let bytes = 0
  let fd: number | undefined
  try {
    fd = openSync(task.file, 'r')
    while (position < end) {
      const want = Math.min(buffer.length, end - position)
      const got = readSync(fd, buffer, 0, want, position)
      if (got === 0) break
      hash.update(got === buffer.length ? buffer : buffer.subarray(0, got))
      position += got
      bytes += got
      report(got, false)
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return { ok: false, code: e.code ?? 'EIO', message: e.message }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  return { ok: true, sha256: hash.digest('hex'), bytes }
}

parentPort?.on('message', (batch: HashBatch) => {
  const results = batch.tasks.map(hashTask)
  report(0, true)
  parentPort?.postMessage({ type: 'done', id: batch.id, results } satisfies WorkerMessage)
})
