/**
 * What the HTTP server needs from the rest of Accord, injected by `buildApp` callers (the
 * `accord serve` command, tests, the bench). Routes never open stores or read files themselves.
 */
import type { Clock } from '../core/ports.js'
import type {
  ConsistencyProofResponse,
  EntryResponse,
  InclusionProofResponse,
} from '../core/tlog/api.js'
import type { RegistryItem, RegistryStore } from '../core/store.js'

export type { RegistryItem }

/**
 * The registry service (src/node/tlog `openRegistry` implements it): group commit into
 * `store.publishBatch` and the transparency log. The server acknowledges a write only after
 * `publish` resolved, i.e. after COMMIT.
 */
export interface RegistryService {
  /** The log's origin (the first line of its checkpoints). */
  readonly origin: string
  /**
   * The log's C2SP verifier key, `<origin>+<key ID>+<key>`: the registry's identity, and the
   * audience (`aud`) its signed requests must name (signed-request.ts).
   */
  readonly verifierKey: string
  /** Publishes the items with their log entries; `indexes` in item order, after COMMIT. */
  publish(items: RegistryItem[]): Promise<{ indexes: number[]; size: number }>
  /** The latest checkpoint; `note` is the C2SP signed-note text. */
  checkpoint(): Promise<{ size: number; note: string }>
  inclusionProof(index: number, size: number): Promise<InclusionProofResponse>
  consistencyProof(from: number, to: number): Promise<ConsistencyProofResponse>
  /** Entries start <= index < end (at most MAX_ENTRIES_PER_REQUEST). */
  entries(start: number, end: number): Promise<EntryResponse[]>
  /**
   * Calls `listener(size)` whenever the log grows (entries committed, or read in from the store);
   * returns the unsubscribe function. Listeners only schedule work. GET /api/v1/log/events.
   */
  onAppend(listener: (size: number) => void): () => void
  /** Entries in the registry's tree (all committed). */
  readonly size: number
  /**
   * Reads entries other server processes appended to the store into the tree (`onAppend`
   * listeners then hear of them); resolves with the size.
   */
  sync(): Promise<number>
  /** Commits what is queued, then refuses new publishes (graceful shutdown). */
  close(): Promise<void>
}

/**
 * Notices of entries other server processes appended to the log in the same database: PostgreSQL
 * LISTEN/NOTIFY (src/node/store/log-listener.ts `openLogListener` implements it).
 */
export interface LogNotices {
  /** True while notices are delivered; otherwise the server checks the log size periodically. */
  readonly listening: boolean
  /**
   * `listener(size, own)` for each append that committed (`size`: the log size after it; `own`:
   * true when this server made it), and `listener(undefined)` when listening (re)starts, as
   * appends made meanwhile were not notified. Returns the unsubscribe function.
   */
  subscribe(listener: (size: number | undefined, own?: boolean) => void): () => void
  close(): Promise<void>
}

export interface ServerDeps {
  store: RegistryStore
  registry: RegistryService
  clock: Clock
  /** Bundled example policies by name, for POST /api/v1/verify; default none. */
  policiesDir?: string
  /**
   * Notices of other server processes' appends (PostgreSQL); the app follows them (log-follow.ts)
   * and closes them on shutdown. None with PGlite, which one process has to itself.
   */
  logNotices?: LogNotices
}
