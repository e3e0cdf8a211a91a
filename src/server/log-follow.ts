/**
 * Keeps a server's view of the log current with the entries OTHER server processes append to the
 * same PostgreSQL database, so that GET /api/v1/log/events pushes them promptly, and
 * GET /api/v1/log/checkpoint covers them.
 *
 * On each notice (`LogNotices`: LISTEN/NOTIFY) of a size larger than the registry's tree, it runs
 * `registry.sync()`, which reads the new leaves in and tells `onAppend` listeners (the log events
 * hub, which signs and pushes the checkpoint). Syncs never overlap: notices that arrive during
 * one are answered by one more. While notices are not delivered (connecting, reconnecting, a
 * pooler that cannot LISTEN) and someone follows the stream (`active()`), the log size is checked
 * every `pollMs` instead; so is it after a sync failed, until one succeeds.
 *
 * A notice of this server's own append (`own`) is not read in: the append puts its entries in
 * the tree itself, with any entries of others before them, and every other process's append has a
 * notice of its own. The notice can arrive before the append's commit has returned here, though;
 * so when its size is still beyond the tree after `pollMs` (the commit's outcome was lost, say),
 * the log is read in then.
 */
import type { LogNotices, RegistryService } from './deps.js'

/** Default period of the log size check while notices are not delivered: the checkpoint interval. */
export const DEFAULT_LOG_POLL_MS = 1_000

export interface LogFollower {
  /** Stops following (does not close the notices). */
  close(): void
}

export function followLog(
  registry: Pick<RegistryService, 'size' | 'sync'>,
  notices: LogNotices,
  active: () => boolean,
  pollMs: number = DEFAULT_LOG_POLL_MS,
): LogFollower {
  if (!Number.isSafeInteger(pollMs) || pollMs < 1)
    throw new TypeError('log follow: pollMs must be >= 1')
  let closed = false
  let syncing = false
  let again = false
  /** The last sync failed (database down): the periodic check goes on until one succeeds. */
  let behind = false

  const sync = async (): Promise<void> => {
    if (closed) return
    if (syncing) {
      again = true
      return
    }
    syncing = true
    try {
      await registry.sync()
      behind = false
    } catch {
      behind = true
    } finally {
      syncing = false
    }
    if (again && !closed) {
      again = false
      void sync()
    }
  }

  /** Checks of own notices whose size the tree did not reach yet, run after `pollMs`. */
  const pending = new Set<NodeJS.Timeout>()
  const unsubscribe = notices.subscribe((size, own) => {
    if (size !== undefined && size <= registry.size) return
    if (size === undefined || !own) return void sync()
    const check = setTimeout(() => {
      pending.delete(check)
      if (size > registry.size) void sync()
    }, pollMs)
    check.unref()
    pending.add(check)
  })
  const timer = setInterval(() => {
    if ((!notices.listening || behind) && active()) void sync()
  }, pollMs)
  timer.unref()

  return {
    close() {
      closed = true
      unsubscribe()
      clearInterval(timer)
      for (const check of pending) clearTimeout(check)
      pending.clear()
    },
  }
}
