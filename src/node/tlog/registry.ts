/**
 * The registry service: the transparency log over a RegistryStore (PGlite or PostgreSQL).
 *
 * - `publish(items)` appends passports, status changes, endorsements and delegation grants and
 *   withdrawals to the log with GROUP
 *   COMMIT: calls made while a commit is running are queued and written together by the next
 *   `store.publishBatch` (one transaction, at most `maxBatch` items). A call resolves only after
 *   that COMMIT, with the log indexes its items got; a call whose items the store refuses (a
 *   duplicate, an unknown passport) is isolated by splitting the batch, so it fails alone.
 * - An in-memory RFC 9162 `MerkleTree` mirrors the committed log: rebuilt from the store's leaf
 *   hashes on open, appended in index order after each commit, and topped up from the store when
 *   another process (several servers on one PostgreSQL) appended entries meanwhile. Proofs at any
 *   size are then microseconds.
 * - `checkpoint()` signs a C2SP tlog-checkpoint for the current size with the log key, stores it
 *   (`putCheckpoint`) BEFORE returning it, and caches it for `checkpointIntervalMs`, so a
 *   checkpoint is only ever served for entries that are durable.
 *
 * On open, the latest stored checkpoint must match the rebuilt tree (ERR_TLOG_CORRUPT otherwise):
 * a registry never signs a tree that is inconsistent with a checkpoint it served before.
 */
import { AccordError, StoreError, TlogError } from '../../core/errors.js'
import { MerkleTree } from '../../core/merkle/tree.js'
import { equalBytes, leafHash, toHex, type Sha256Fn } from '../../core/merkle/hash.js'
import type { Signer } from '../../core/ports.js'
import type { LogEntryKind, PublishItem, RegistryItem, RegistryStore } from '../../core/store.js'
import {
  MAX_ENTRIES_PER_REQUEST,
  type ConsistencyProofResponse,
  type EntryResponse,
  type InclusionProofResponse,
} from '../../core/tlog/api.js'
import { signCheckpoint } from '../../core/tlog/checkpoint.js'
import {
  delegationEntry,
  delegationWithdrawalEntry,
  encodeEntryText,
  endorsementEntry,
  evaluationEntry,
  incidentEntry,
  passportEntry,
  passportEntryFromSdJwt,
  samePassportEntry,
  statusEntry,
  type TlogEntry,
} from '../../core/tlog/entry.js'
import {
  ed25519NoteSigner,
  formatVerifierKey,
  isValidKeyName,
  noteVerifier,
  type NoteSigner,
  type NoteVerifier,
} from '../../core/tlog/note.js'
import { sha256 as nodeSha256 } from '../sha256.js'
import { decodeBase64urlStrict } from '../jws.js'

/** One thing to publish; the registry derives its log entry (defined in core/store.ts). */
export type { RegistryItem }

/** The entries one `publish` call appended, in item order, and the log size after its commit. */
export interface PublishResult {
  entries: EntryResponse[]
  /** Index of each item's entry, in item order. */
  indexes: number[]
  size: number
}

/** A signed checkpoint as served. */
export interface SignedCheckpoint {
  size: number
  rootHash: Uint8Array
  /** The C2SP signed note (text/plain body of GET /api/v1/log/checkpoint). */
  note: string
}

export interface OpenRegistryOptions {
  store: RegistryStore
  /** The log's Ed25519 key (`alg: 'EdDSA'`), e.g. `fileSigner(path)`. */
  logKey: Signer
  /** Log origin, also the note key name, e.g. `registry.example/accord/log` (no spaces, no '+'). */
  origin: string
  /** Most items per commit (default 1000). */
  maxBatch?: number
  /** Most items waiting for a commit before publish refuses (default 100,000): backpressure. */
  maxQueue?: number
  /**
   * Group commits in flight (default: the store's `publishConcurrency`, else 1). The store
   * commits them one after the other; callers are acknowledged in commit order.
   */
  commitConcurrency?: number
  /** A new checkpoint is signed at most this often (default 1000 ms); meanwhile the last is served. */
  checkpointIntervalMs?: number
  sha256?: Sha256Fn
  /** Wall clock (default Date.now), for checkpoint times and the interval. */
  nowMs?: () => number
}

export interface Registry {
  readonly origin: string
  /** C2SP verifier key of the log: `<origin>+<key ID>+<base64 key>`; give it to monitors. */
  readonly verifierKey: string
  readonly verifier: NoteVerifier
  /** Entries in the in-memory tree (all committed). */
  readonly size: number
  publish(items: RegistryItem[]): Promise<PublishResult>
  /** The latest signed checkpoint (signed now if none is fresh enough). */
  checkpoint(): Promise<SignedCheckpoint>
  /** Root hash of the first `size` entries (default all). */
  root(size?: number): Uint8Array
  /** Inclusion proof of entry `index` in the tree of `size` entries (default: current size). */
  inclusionProof(index: number, size?: number): Promise<InclusionProofResponse>
  /** Consistency proof from `from` to `to` entries (default: current size); 0 < from <= to. */
  consistencyProof(from: number, to?: number): Promise<ConsistencyProofResponse>
  /** Entries start <= index < end, at most MAX_ENTRIES_PER_REQUEST. */
  entries(start: number, end: number): Promise<EntryResponse[]>
  /** Reads entries other processes appended to the store into the tree; returns the size. */
  sync(): Promise<number>
  /**
   * Calls `listener(size)` each time the tree grows: after entries this process committed are in
   * it, and after a `sync` read in entries other processes appended. Returns the unsubscribe
   * function. Listeners run synchronously, after the growth, and must only schedule work (the
   * log events hub of src/server/log-events.ts does); one that throws is ignored. This is how the
   * server pushes new checkpoints to subscribers; other processes' entries reach the tree by `sync`,
   * which the server runs on their PostgreSQL notifications (src/server/log-follow.ts).
   */
  onAppend(listener: (size: number) => void): () => void
  /** Commits what is queued, then refuses new publishes. Does not close the store. */
  close(): Promise<void>
}

interface PendingCall {
  items: PublishItem[]
  entries: { kind: LogEntryKind; payload: string; leafHash: Uint8Array }[]
  resolve(result: PublishResult): void
  reject(err: unknown): void
}

const LEAF_READ_CHUNK = 50_000

function badRange(message: string): TlogError {
  return new TlogError({ code: 'ERR_TLOG_BAD_RANGE', message })
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

function base64UrlToBytes(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

/** The raw Ed25519 public key of a Signer, or a TypeError. */
export function ed25519PublicKey(signer: Signer): Uint8Array {
  const jwk = signer.publicJwk
  const x = base64UrlToBytes(jwk.x)
  if (signer.alg !== 'EdDSA' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || x?.length !== 32)
    throw new TypeError(
      'the log key must be an Ed25519 key (alg EdDSA); create one with `accord keys generate`',
    )
  return x
}

/** A note signer over the Signer port (EdDSA signs any message). */
export function noteSignerFromSigner(
  signer: Signer,
  name: string,
  sha256: Sha256Fn = nodeSha256,
): NoteSigner {
  return ed25519NoteSigner(name, ed25519PublicKey(signer), (m) => signer.sign(m), sha256)
}

/** The log entry of a registry item; checks a passport record against its own token. */
export function registryEntry(item: RegistryItem, sha256: Sha256Fn = nodeSha256): TlogEntry {
  if (item === null || typeof item !== 'object')
    throw new TypeError('publish: item is not an object')
  switch (item.type) {
    case 'passport': {
      const entry = passportEntry(item.passport)
      // The leaf must be what a verifier recomputes from the passport alone (entry.ts).
      let fromToken = item.entry
      if (fromToken === undefined) {
        const derived = passportEntryFromSdJwt(item.passport.token, sha256, decodeBase64urlStrict)
        if (!derived.ok)
          throw new TypeError(`publish: passport ${item.passport.id}: ${derived.message}`)
        fromToken = derived.entry
      }
      if (!samePassportEntry(fromToken, entry))
        throw new TypeError(
          `publish: passport ${item.passport.id}: id, issuer, kid or issuerJwtSha256 differ from its token`,
        )
      return entry
    }
    case 'status':
      return statusEntry(item.change)
    case 'endorsement':
      return endorsementEntry(item.endorsement, sha256)
    case 'delegation':
      return delegationEntry(item.delegation)
    case 'delegation-withdrawal':
      return delegationWithdrawalEntry(item.withdrawal)
    case 'incident':
      return incidentEntry(item.incident, sha256)
    case 'evaluation':
      return evaluationEntry(item.evaluation, sha256)
    default:
      throw new TypeError('publish: unknown item type')
  }
}

function toPublishItem(item: RegistryItem, payload: string, hash: Uint8Array): PublishItem {
  const published = publishItem(item, payload, hash)
  return item.mirroredFrom === undefined
    ? published
    : { ...published, mirroredFrom: item.mirroredFrom }
}

function publishItem(item: RegistryItem, payload: string, hash: Uint8Array): PublishItem {
  const leaf = { payload, leafHash: hash }
  if (item.type === 'passport') return { type: 'passport', passport: item.passport, leaf }
  if (item.type === 'status') return { type: 'status', change: item.change, leaf }
  if (item.type === 'delegation') return { type: 'delegation', delegation: item.delegation, leaf }
  if (item.type === 'delegation-withdrawal')
    return { type: 'delegation-withdrawal', withdrawal: item.withdrawal, leaf }
  if (item.type === 'incident') return { type: 'incident', incident: item.incident, leaf }
  if (item.type === 'evaluation') return { type: 'evaluation', evaluation: item.evaluation, leaf }
  return { type: 'endorsement', endorsement: item.endorsement, leaf }
}

/** An error that one call's items caused, as opposed to the database being down. */
function isItemError(err: unknown): boolean {
  if (err instanceof TypeError) return true
  return (
    err instanceof AccordError &&
    (err.code === 'ERR_STORE_CONFLICT' ||
      err.code === 'ERR_STORE_NOT_FOUND' ||
      err.code === 'ERR_CONFIG_BAD_REQUEST')
  )
}

/** Opens the registry service over an open, migrated store. */
export async function openRegistry(options: OpenRegistryOptions): Promise<Registry> {
  const registry = new TlogRegistry(options)
  await registry.init()
  return registry
}

class TlogRegistry implements Registry {
  readonly origin: string
  readonly verifierKey: string
  readonly verifier: NoteVerifier
  readonly #store: RegistryStore
  readonly #sha256: Sha256Fn
  readonly #noteSigner: NoteSigner
  readonly #maxBatch: number
  readonly #maxQueue: number
  readonly #interval: number
  readonly #now: () => number
  readonly #tree: MerkleTree

  #queue: PendingCall[] = []
  #queuedItems = 0
  /** Group commits running (at most #concurrency). */
  #running = 0
  /** A setImmediate that will start commits is pending. */
  #scheduled = false
  /** Settles when the last commit started has acknowledged or refused its callers. */
  #lastCommit: Promise<void> = Promise.resolve()
  readonly #concurrency: number
  #closed = false
  /** Serialises changes to the tree (commits and syncs). */
  #treeLock: Promise<unknown> = Promise.resolve()
  #cached: { checkpoint: SignedCheckpoint; atMs: number } | undefined
  #signing: Promise<SignedCheckpoint> | undefined
  readonly #listeners = new Set<(size: number) => void>()
  /** The tree size listeners were last told of. */
  #announced = 0

  constructor(options: OpenRegistryOptions) {
    if (!options || typeof options !== 'object') throw new TypeError('openRegistry: options')
    if (!isValidKeyName(options.origin))
      throw new TypeError('openRegistry: origin must be non-empty, without spaces or "+"')
    this.origin = options.origin
    this.#store = options.store
    this.#sha256 = options.sha256 ?? nodeSha256
    this.#noteSigner = noteSignerFromSigner(options.logKey, options.origin, this.#sha256)
    const pub = ed25519PublicKey(options.logKey)
    this.verifier = noteVerifier(options.origin, pub, this.#sha256)
    this.verifierKey = formatVerifierKey(options.origin, pub, this.#sha256)
    this.#maxBatch = positive(options.maxBatch ?? 1000, 'maxBatch')
    this.#maxQueue = positive(options.maxQueue ?? 100_000, 'maxQueue')
    this.#concurrency = positive(
      options.commitConcurrency ?? options.store.publishConcurrency ?? 1,
      'commitConcurrency',
    )
    this.#interval = options.checkpointIntervalMs ?? 1000
    this.#now = options.nowMs ?? Date.now
    this.#tree = new MerkleTree(this.#sha256)
  }

  get size(): number {
    return this.#tree.size
  }

  async init(): Promise<void> {
    await this.sync()
    const latest = await this.#store.latestCheckpoint()
    if (latest === null) return
    if (latest.size > this.#tree.size || !equalBytes(this.#tree.root(latest.size), latest.rootHash))
      throw new TlogError({
        code: 'ERR_TLOG_CORRUPT',
        message: `the stored log (${this.#tree.size} entries) does not match the checkpoint of size ${latest.size} it signed earlier; restore the database from a backup`,
      })
  }

  /** Runs `fn` after every earlier tree change, then tells the listeners if the tree grew. */
  #withTree<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#treeLock.then(fn, fn).finally(() => this.#announce())
    this.#treeLock = run.catch(() => undefined)
    return run
  }

  onAppend(listener: (size: number) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onAppend: listener')
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  #announce(): void {
    const size = this.#tree.size
    if (size <= this.#announced) return
    this.#announced = size
    for (const listener of [...this.#listeners]) {
      try {
        listener(size)
      } catch {
        // A listener's failure is its own; the commit that grew the tree has succeeded.
      }
    }
  }

  /** Appends store leaves [tree size, upTo) to the tree. Call inside #withTree. */
  async #fill(upTo: number): Promise<void> {
    while (this.#tree.size < upTo) {
      const start = this.#tree.size
      const end = Math.min(upTo, start + LEAF_READ_CHUNK)
      const hashes = await this.#store.getLeafHashes(start, end)
      if (hashes.length !== end - start)
        throw new TlogError({
          code: 'ERR_TLOG_CORRUPT',
          message: `the store's log has a gap: ${hashes.length} leaves for indexes ${start}..${end - 1}`,
        })
      for (const h of hashes) this.#tree.append(h)
    }
  }

  sync(): Promise<number> {
    return this.#withTree(async () => {
      await this.#fill(await this.#store.logSize())
      return this.#tree.size
    })
  }

  /** Puts committed leaves at firstIndex.. into the tree, filling any gap before them. */
  #appendCommitted(firstIndex: number, hashes: readonly Uint8Array[]): Promise<void> {
    return this.#withTree(async () => {
      await this.#fill(firstIndex)
      for (const [i, h] of hashes.entries()) {
        const index = firstIndex + i
        if (index < this.#tree.size) {
          // A sync already read this entry from the store; it must be the one we wrote.
          if (!equalBytes(this.#tree.leafHash(index), h))
            throw new TlogError({
              code: 'ERR_TLOG_CORRUPT',
              message: `log entry ${index} in the store differs from the one just committed`,
            })
        } else this.#tree.append(h)
      }
    })
  }

  publish(items: RegistryItem[]): Promise<PublishResult> {
    try {
      if (!Array.isArray(items) || items.length === 0)
        throw new TypeError('publish: items must be a non-empty array')
      if (items.length > this.#maxBatch)
        throw new TypeError(`publish: at most ${this.#maxBatch} items per call`)
      if (this.#closed)
        throw new StoreError({
          code: 'ERR_STORE_UNAVAILABLE',
          message: 'the registry is closed; nothing was published',
        })
      if (this.#queuedItems + items.length > this.#maxQueue)
        throw new StoreError({
          code: 'ERR_STORE_UNAVAILABLE',
          message: `the registry has ${this.#queuedItems} items waiting to be committed; nothing was published, retry shortly`,
        })
      const entries: PendingCall['entries'] = []
      const publishItems = items.map((item) => {
        const entry = registryEntry(item, this.#sha256)
        const payload = encodeEntryText(entry)
        const hash = leafHash(new TextEncoder().encode(payload), this.#sha256)
        entries.push({ kind: entry.kind, payload, leafHash: hash })
        return toPublishItem(item, payload, hash)
      })
      return new Promise<PublishResult>((resolve, reject) => {
        this.#queue.push({ items: publishItems, entries, resolve, reject })
        this.#queuedItems += publishItems.length
        this.#schedule()
      })
    } catch (err) {
      return Promise.reject(err)
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= this.#concurrency || this.#queue.length === 0) return
    this.#scheduled = true
    // setImmediate: let every caller of this turn of the event loop join the next batch.
    setImmediate(() => {
      this.#scheduled = false
      while (this.#queue.length > 0 && this.#running < this.#concurrency) {
        const previous = this.#lastCommit
        this.#running++
        const calls = this.#takeBatch()
        const run = this.#commit(calls, previous).catch((err: unknown) => {
          // Not reached (#commit settles every call itself); if it were, no caller would hang.
          for (const c of calls) c.reject(err)
        })
        this.#lastCommit = run.finally(() => {
          this.#running--
          this.#schedule()
        })
      }
    })
  }

  #takeBatch(): PendingCall[] {
    const batch: PendingCall[] = []
    let n = 0
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as PendingCall
      if (batch.length > 0 && n + next.items.length > this.#maxBatch) break
      batch.push(next)
      n += next.items.length
      this.#queue.shift()
    }
    this.#queuedItems -= n
    return batch
  }

  /**
   * Commits `calls` as one batch. With several commits in flight, the store commits them in turn;
   * this one waits for `previous` (the commit started before it) to finish before it touches the
   * tree, so leaves go in in index order without reading any back from the store. It never
   * rejects.
   */
  async #commit(calls: PendingCall[], previous: Promise<void>): Promise<void> {
    let firstIndex: number
    try {
      const result = await this.#store.publishBatch(calls.flatMap((c) => c.items))
      firstIndex = result.firstIndex
    } catch (err) {
      if (calls.length > 1 && isItemError(err)) {
        // One call's items spoiled the batch, which was rolled back: find it by halves, so every
        // other call still commits (O(log n) extra transactions per bad call).
        const mid = Math.ceil(calls.length / 2)
        await this.#commit(calls.slice(0, mid), previous)
        await this.#commit(calls.slice(mid), previous)
        return
      }
      // Database down, or the outcome of COMMIT unknown: no caller is acknowledged. If the batch
      // did commit after all, the next commit or sync reads its entries into the tree.
      for (const c of calls) c.reject(err)
      return
    }
    await previous
    const hashes = calls.flatMap((c) => c.entries.map((e) => e.leafHash))
    try {
      await this.#appendCommitted(firstIndex, hashes)
    } catch (err) {
      // Committed but the tree cannot follow: refuse to go on signing checkpoints.
      this.#closed = true
      for (const c of calls) c.reject(err)
      return
    }
    const size = this.#tree.size
    let index = firstIndex
    for (const c of calls) {
      const entries = c.entries.map((e) => ({
        index: index++,
        kind: e.kind,
        payload: e.payload,
        leafHash: toHex(e.leafHash),
      }))
      c.resolve({ entries, indexes: entries.map((e) => e.index), size })
    }
  }

  checkpoint(): Promise<SignedCheckpoint> {
    const cached = this.#cached
    if (
      cached &&
      (cached.checkpoint.size === this.#tree.size || this.#now() - cached.atMs < this.#interval)
    )
      return Promise.resolve(cached.checkpoint)
    if (this.#signing) return this.#signing
    const signing = (async () => {
      const size = this.#tree.size
      const rootHash = this.#tree.root(size)
      const note = await signCheckpoint({ origin: this.origin, size, rootHash }, this.#noteSigner)
      const atMs = this.#now()
      // Stored before it is served: after a crash the registry checks its tree against it.
      await this.#store.putCheckpoint({
        size,
        rootHash,
        signedNote: note,
        createdAt: new Date(atMs).toISOString(),
      })
      const checkpoint = { size, rootHash, note }
      if (!this.#cached || this.#cached.checkpoint.size <= size) this.#cached = { checkpoint, atMs }
      return checkpoint
    })()
    this.#signing = signing
    void signing.then(
      () => (this.#signing = undefined),
      () => (this.#signing = undefined),
    )
    return signing
  }

  root(size: number = this.#tree.size): Uint8Array {
    if (!isCount(size) || size > this.#tree.size)
      throw badRange(`size ${String(size)} is not between 0 and the log size ${this.#tree.size}`)
    return this.#tree.root(size)
  }

  /** Makes sure the tree has `size` entries, reading newer ones from the store if needed. */
  async #ensure(size: number): Promise<void> {
    if (size > this.#tree.size) await this.sync()
  }

  async inclusionProof(index: number, size?: number): Promise<InclusionProofResponse> {
    const n = size ?? this.#tree.size
    if (!isCount(index) || !isCount(n)) throw badRange('index and size must be integers >= 0')
    await this.#ensure(n)
    if (n > this.#tree.size)
      throw badRange(`size ${n} is larger than the log (${this.#tree.size} entries)`)
    if (index >= n) throw badRange(`index ${index} is not below the tree size ${n}`)
    return { index, size: n, hashes: this.#tree.inclusionProof(index, n).map(toHex) }
  }

  async consistencyProof(from: number, to?: number): Promise<ConsistencyProofResponse> {
    const n = to ?? this.#tree.size
    if (!isCount(from) || !isCount(n)) throw badRange('from and to must be integers >= 0')
    await this.#ensure(n)
    if (n > this.#tree.size)
      throw badRange(`to ${n} is larger than the log (${this.#tree.size} entries)`)
    if (from < 1 || from > n) throw badRange(`need 0 < from <= to, got from ${from}, to ${n}`)
    return { from, to: n, hashes: this.#tree.consistencyProof(from, n).map(toHex) }
  }

  async entries(start: number, end: number): Promise<EntryResponse[]> {
    if (!isCount(start) || !isCount(end) || end <= start)
      throw badRange('need integers 0 <= start < end')
    await this.#ensure(start + 1)
    if (start >= this.#tree.size)
      throw badRange(`start ${start} is not below the log size ${this.#tree.size}`)
    const stop = Math.min(end, start + MAX_ENTRIES_PER_REQUEST, this.#tree.size)
    const rows = await this.#store.getEntries(start, stop)
    const decoder = new TextDecoder()
    return rows.map((r) => ({
      index: r.index,
      kind: r.kind,
      payload: decoder.decode(r.payload),
      leafHash: toHex(r.leafHash),
    }))
  }

  async close(): Promise<void> {
    this.#closed = true
    while (this.#running > 0 || this.#scheduled || this.#queue.length > 0)
      await (this.#running > 0 ? this.#lastCommit : new Promise((r) => setImmediate(r)))
  }
}

function positive(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`openRegistry: ${name} must be >= 1`)
  return v
}
