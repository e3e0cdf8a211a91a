/**
 * A spool of text lines on disk: written once, then read back in order, for data too large to
 * hold in memory until it may be used (the entries `accord log monitor --entries` prints only once
 * the whole range verified). The file is created 0600 under a random name and unlinked at once
 * where the system allows it (POSIX: the open handle keeps the data, the name is gone, and the
 * system frees the space when the handle closes or the process ends, even on SIGINT or SIGKILL):
 * nothing is ever left behind. Where an open file cannot be unlinked (Windows), it is deleted by
 * `close` and, failing that, when the process exits.
 */
import { unlinkSync } from 'node:fs'
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { DocumentError } from '../core/errors.js'

export interface LineSpool {
  /** Appends one line (no line break inside: JSON text is one line). */
  append(line: string): Promise<void>
  /** How many lines were appended. */
  readonly count: number
  /** The lines, in order (after the last `append`). */
  lines(): AsyncGenerator<string>
  /** Closes and deletes the spool; idempotent. */
  close(): Promise<void>
}

/** Bytes buffered before a write, and read at a time. */
const CHUNK = 1 << 20

function spoolError(dir: string, cause: unknown): DocumentError {
  return new DocumentError({
    code: 'ERR_DOCUMENT_WRITE',
    message: `could not write a temporary file in ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  })
}

/** Opens an empty spool in `dir` (created if missing). Throws ERR_DOCUMENT_WRITE. */
export async function openLineSpool(dir: string): Promise<LineSpool> {
  const file = path.join(dir, `.accord-spool.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let handle: FileHandle
  try {
    await mkdir(dir, { recursive: true })
    handle = await open(file, 'wx+', 0o600)
  } catch (err) {
    throw spoolError(dir, err)
  }
  let named = true
  const removeSync = () => {
    try {
      unlinkSync(file)
    } catch {
      // already gone
    }
  }
  try {
    await unlink(file)
    named = false
  } catch {
    process.once('exit', removeSync)
  }

  const encoder = new TextEncoder()
  let pending: string[] = []
  let pendingLength = 0
  let size = 0
  let count = 0
  let closed = false

  const flush = async () => {
    if (pending.length === 0) return
    const bytes = encoder.encode(pending.join(''))
    pending = []
    pendingLength = 0
    try {
      let done = 0
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, size + done)
        done += bytesWritten
      }
    } catch (err) {
      throw spoolError(dir, err)
    }
    size += bytes.length
  }

  return {
    get count() {
      return count
    },
    async append(line) {
      if (closed) throw new Error('spool closed')
      pending.push(line, '\n')
      pendingLength += line.length + 1
      count++
      if (pendingLength >= CHUNK) await flush()
    },
    async *lines() {
      await flush()
      const decoder = new TextDecoder()
      const buffer = new Uint8Array(CHUNK)
      let rest = ''
      for (let at = 0; at < size;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - at), at)
        if (bytesRead === 0) break
        at += bytesRead
        const parts = (
          rest + decoder.decode(buffer.subarray(0, bytesRead), { stream: true })
        ).split('\n')
        rest = parts.pop() ?? ''
        yield* parts
      }
      rest += decoder.decode()
      if (rest !== '') yield rest
    },
    async close() {
      if (closed) return
      closed = true
      pending = []
      await handle.close().catch(() => undefined)
      if (named) {
        await unlink(file).catch(() => undefined)
        process.off('exit', removeSync)
      }
    },
  }
}
