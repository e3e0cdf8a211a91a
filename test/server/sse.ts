/**
 * A reader of GET /api/v1/log/events for tests, over a listening server (inject waits for the end
 * of a response, and a stream has none). Read with eventsource-parser, not with the monitor's own
 * client, so the server is checked against an independent reader.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'

export interface Stream {
  status: number
  headers: Headers
  events: EventSourceMessage[]
  comments: string[]
  ended: Promise<void>
  /** Resolves when `pred` holds, checked after each chunk; rejects after `ms`. */
  until(pred: () => boolean, ms?: number): Promise<void>
  abort(): void
}

const opened: Stream[] = []

/** Aborts every stream opened since the last call (for afterEach). */
export function abortStreams(): void {
  for (const s of opened.splice(0)) s.abort()
}

export async function openEvents(
  url: string,
  headers: Record<string, string> = {},
): Promise<Stream> {
  const controller = new AbortController()
  const res = await fetch(`${url}/api/v1/log/events`, { headers, signal: controller.signal })
  const events: EventSourceMessage[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
  })
  const decoder = new TextDecoder()
  const ended = (async () => {
    if (res.body === null) return
    try {
      for await (const chunk of res.body) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }))
        for (const w of [...waiters]) w()
      }
    } catch {
      // aborted
    }
    for (const w of [...waiters]) w()
  })()
  let done = false
  void ended.then(() => (done = true))
  const stream: Stream = {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended,
    until(pred, ms = 3000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred()) {
            waiters.delete(check)
            clearTimeout(timer)
            resolve()
          } else if (done) {
            waiters.delete(check)
            clearTimeout(timer)
            reject(new Error('the stream ended first'))
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out; events: ${JSON.stringify(events)}`))
        }, ms)
        waiters.add(check)
        check()
      })
    },
    abort: () => controller.abort(),
  }
  opened.push(stream)
  return stream
}

/** The sizes of the checkpoint events received, in order. */
export const sizes = (s: Stream) =>
  s.events.filter((e) => e.event === 'checkpoint').map((e) => Number(e.id))
