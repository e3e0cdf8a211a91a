/**
 * The pieces the worker pools (src/node/verify-batch.ts, src/server/publish-pool.ts) share: when
 * a module can start worker threads from itself, and the worker side of the request/reply
 * messages.
 */
import { parentPort } from 'node:worker_threads'

/**
 * True when the module at `moduleUrl` (its `import.meta.url`) is compiled JavaScript, so a worker
 * thread can start from it; from the TypeScript sources (tests) the pools work in the caller's
 * thread instead.
 */
export function canStartWorkersFrom(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.js')
}

/**
 * On a worker thread: hands each message from the parent (`{ id, ... }`) to `handle` and posts
 * `{ id, ...result }` back, or `{ id, error }` with the error's message when it rejects.
 */
export function answerParent<M extends { id: number }, R extends object>(
  handle: (message: M) => Promise<R>,
): void {
  const port = parentPort
  if (!port) return
  port.on('message', (message: M) => {
    handle(message).then(
      (result) => port.postMessage({ id: message.id, ...result }),
      (error: unknown) =>
        port.postMessage({
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    )
  })
}
