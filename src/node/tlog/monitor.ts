/**
 * A log monitor: follows a transparency log's checkpoints and checks that each new one extends
 * the last one it verified (RFC 9162 consistency proof). Two checkpoints of one size with
 * different roots, or a proof that fails, mean the log showed different histories to different
 * clients (a split view) or rewrote its history; the monitor reports it with both signed
 * checkpoints as evidence. The last verified checkpoint is kept in a state file between runs.
 *
 * With `entries`, a round that finds the log grown also reads the new entries and checks them
 * against the new checkpoint (`readNewEntries`), so a partner learns what was appended (which
 * passport was published, revoked, endorsed...) and knows that it is what the log committed to.
 */
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { ConfigError, TlogError } from '../../core/errors.js'
import { fromHex, leafHash, toHex } from '../../core/merkle/hash.js'
import type { EntryResponse } from '../../core/tlog/api.js'
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { checkTreeConsistency, newEntriesCheck } from '../../core/tlog/proof.js'
import { writeFileAtomic } from '../fs-safe.js'
import { openLineSpool, type LineSpool } from '../spool.js'
import { sha256 } from '../sha256.js'
import {
  fetchCheckpoint,
  fetchConsistencyProof,
  fetchEntries,
  fetchInclusionProof,
  type LogHttpOptions,
} from './http.js'
import { verifiersFor, type LogKey } from './log-key.js'

/** What the state file holds: the last checkpoint verified. */
export interface MonitorState {
  logUrl: string
  origin: string
  size: number
  /** Hex root hash. */
  rootHash: string
  /** The signed note, as evidence. */
  note: string
  verifiedAt: string
}

export type MonitorStatus =
  /** No earlier checkpoint: this one is trusted on first use. */
  | 'first'
  /** Same checkpoint as before. */
  | 'unchanged'
  /** The log grew and the consistency proof verified. */
  | 'consistent'
  /** The log served an older (smaller) checkpoint, consistent with the one we have. */
  | 'stale'
  /** Two checkpoints that cannot both be true: the log is misbehaving. */
  | 'split-view'
  /** The checkpoint is malformed or not signed by the log key. */
  | 'invalid'
  /**
   * The checkpoint is consistent, but the new entries the log served do not lead to its root (or
   * are malformed): the log shows a history other than the one it signed.
   */
  | 'tampered'

/** One new log entry, verified against the checkpoint. */
export interface MonitorEntry {
  index: number
  /** The entry's `kind` (any kind: the monitor does not need to know it). */
  kind: string
  /** Hex leaf hash, recomputed from the payload. */
  leafHash: string
  /** The payload's JSON object (every field, `v` and `kind` included); undefined when not one. */
  fields?: Record<string, unknown>
  /** The payload: the exact bytes (UTF-8) the leaf hash is over. */
  payload: string
}

export interface MonitorResult {
  status: MonitorStatus
  message: string
  /** The newly verified checkpoint (not for 'invalid'). */
  checkpoint?: VerifiedCheckpoint
  /** The state to keep: unchanged for 'stale', 'split-view' and 'invalid'. */
  state: MonitorState | null
  /** For 'split-view' and 'tampered': both signed notes, and the proof or entry that failed. */
  evidence?: { previous: string; current: string; proof?: unknown; entry?: EntryResponse }
  /**
   * With `entries`, for 'consistent': the new entries, in index order, all verified, read back
   * from a spool on disk (the range can be millions of entries). The caller iterates them, then
   * must `close` them (which deletes the spool).
   */
  entries?: VerifiedEntries
}

/** The verified new entries of a round, read back one by one; `close` when done. */
export interface VerifiedEntries extends AsyncIterable<MonitorEntry> {
  readonly count: number
  close(): Promise<void>
}

export interface MonitorOptions extends LogHttpOptions {
  logUrl: string
  logKey: LogKey
  origin?: string
  nowIso?: () => string
  /** Also read and verify the new entries when the log grew (`log monitor --entries`). */
  entries?: boolean
  /** A signed note already received (from the event stream) to check instead of fetching one. */
  note?: string
  /**
   * Where the new entries are spooled until they are verified (a temporary file, 0600, unlinked
   * at once): default the system's temporary directory.
   */
  spoolDir?: string
}

function stateOf(logUrl: string, cp: VerifiedCheckpoint, nowIso: () => string): MonitorState {
  return {
    logUrl,
    origin: cp.origin,
    size: cp.size,
    rootHash: toHex(cp.rootHash),
    note: cp.note,
    verifiedAt: nowIso(),
  }
}

/**
 * One round: fetch the latest checkpoint, verify its signature, check it against `previous`.
 * Throws ERR_TLOG_UNAVAILABLE when the log cannot be read (nothing was learnt).
 */
export async function monitorOnce(
  options: MonitorOptions,
  previous: MonitorState | null,
): Promise<MonitorResult> {
  const nowIso = options.nowIso ?? (() => new Date().toISOString())
  const note = options.note ?? (await fetchCheckpoint(options.logUrl, options))
  const origin = options.origin ?? previous?.origin
  const verified = await verifyCheckpoint(note, verifiersFor(options.logKey, note), {
    ...(origin !== undefined ? { origin } : {}),
  })
  if (!verified.ok)
    return {
      status: 'invalid',
      message: `the checkpoint of ${options.logUrl} is not valid: ${verified.message}`,
      state: previous,
    }
  const cp = verified.checkpoint
  const next = stateOf(options.logUrl, cp, nowIso)
  if (previous === null)
    return {
      status: 'first',
      message: `first checkpoint of "${cp.origin}": size ${cp.size}, root ${toHex(cp.rootHash)} (trusted on first use)`,
      checkpoint: cp,
      state: next,
    }
  const old = { size: previous.size, rootHash: fromHex(previous.rootHash) ?? new Uint8Array() }
  let proof: unknown
  if (cp.size !== old.size && Math.min(cp.size, old.size) > 0)
    proof = await fetchConsistencyProof(
      options.logUrl,
      Math.min(cp.size, old.size),
      Math.max(cp.size, old.size),
      options,
    )
  const r = checkTreeConsistency(old, cp, proof, sha256)
  if (!r.ok)
    return {
      status: 'split-view',
      message: `SPLIT VIEW: the checkpoint of size ${cp.size} is not consistent with the one of size ${old.size} verified before: ${r.message}`,
      checkpoint: cp,
      state: previous,
      evidence: {
        previous: previous.note,
        current: note,
        ...(proof === undefined ? {} : { proof }),
      },
    }
  if (cp.size === old.size)
    return {
      status: 'unchanged',
      message: `unchanged at size ${cp.size}`,
      checkpoint: cp,
      state: previous,
    }
  if (cp.size < old.size)
    return {
      status: 'stale',
      message: `the log served an older checkpoint (size ${cp.size} < ${old.size}); it is consistent, keeping size ${old.size}`,
      checkpoint: cp,
      state: previous,
    }
  const consistent: MonitorResult = {
    status: 'consistent',
    message: `consistent: size ${old.size} -> ${cp.size}, root ${toHex(cp.rootHash)}`,
    checkpoint: cp,
    state: next,
  }
  if (!options.entries) return consistent
  const read = await readNewEntries(options, old.size, cp)
  if (!read.ok)
    return {
      status: 'tampered',
      message: `TAMPERED ENTRIES: the checkpoint of size ${cp.size} is consistent, but the entries ${old.size}..${cp.size - 1} the log served are not the ones it signed: ${read.message}`,
      checkpoint: cp,
      state: previous,
      evidence: {
        previous: previous.note,
        current: note,
        ...(read.entry ? { entry: read.entry } : {}),
        ...(read.proof === undefined ? {} : { proof: read.proof }),
      },
    }
  return { ...consistent, entries: read.entries }
}

export type ReadEntriesResult =
  | { ok: true; entries: VerifiedEntries }
  | { ok: false; message: string; entry?: EntryResponse; proof?: unknown }

/**
 * Reads entries `from`..`cp.size - 1` (in pages of at most 1000) and checks them against the
 * verified checkpoint `cp`: each leaf hash is recomputed from the entry's bytes, and together
 * with ONE inclusion proof (of entry `from`) they must give the checkpoint's root
 * (`checkNewEntries`). One proof per round rather than one per entry: a registry that re-issues
 * a fleet appends thousands of entries at once, and a request per entry would run into its
 * per-client rate limit; one proof is as strong, since any changed, missing or reordered entry
 * changes the root.
 *
 * Nothing is reported from a range that does not verify, yet the range can be millions of
 * entries (a bulk re-issue, a monitor started late): memory stays bounded. The leaf hashes are
 * folded as they arrive (`newEntriesCheck`: O(log n) hashes), and the entries as served go to a
 * spool file (`openLineSpool`: 0600, unlinked at once, so never left behind) from which the
 * result's `entries` are read back once the root checked; a failed range closes it at once. At
 * most one page of entries is in memory. The checks and their order are those of the former
 * all-in-memory version: an error reading a page (or an entry out of place) wins over a bad
 * entry, and the first bad entry, in index order, is the one reported.
 *
 * Any mismatch is a failed result, never an exception; an unreachable log throws
 * ERR_TLOG_UNAVAILABLE, a spool that cannot be written ERR_DOCUMENT_WRITE.
 */
export async function readNewEntries(
  options: MonitorOptions,
  from: number,
  cp: VerifiedCheckpoint,
): Promise<ReadEntriesResult> {
  const spool = await openLineSpool(options.spoolDir ?? tmpdir())
  let kept = false
  try {
    const check = newEntriesCheck(cp, from, sha256)
    const encoder = new TextEncoder()
    /** The first entry that does not match its leaf hash or kind; reported once all are read. */
    let bad: { ok: false; message: string; entry: EntryResponse } | undefined
    let read = 0
    try {
      while (from + read < cp.size) {
        const start = from + read
        const page = await fetchEntries(options.logUrl, start, cp.size, options)
        if (page.length === 0)
          return { ok: false, message: `the log served no entries from index ${start}` }
        if (page.length > cp.size - start)
          return { ok: false, message: `the log served entries past the tree size ${cp.size}` }
        for (const [i, e] of page.entries())
          if (e.index !== start + i)
            return {
              ok: false,
              message: `the log served entry ${e.index} where entry ${start + i} belongs`,
              entry: e,
            }
        read += page.length
        if (bad) continue
        for (const e of page) {
          const hash = leafHash(encoder.encode(e.payload), sha256)
          const why = mismatch(e, toHex(hash))
          if (why !== undefined) {
            bad = { ok: false, message: why, entry: e }
            break
          }
          check.add(hash)
          await spool.append(JSON.stringify(e))
        }
      }
    } catch (err) {
      if (err instanceof TlogError && err.code === 'ERR_TLOG_INVALID')
        return { ok: false, message: err.message }
      throw err
    }
    if (bad) return bad
    let proof: unknown
    try {
      if (from > 0) proof = await fetchInclusionProof(options.logUrl, from, cp.size, options)
    } catch (err) {
      if (err instanceof TlogError && err.code === 'ERR_TLOG_INVALID')
        return { ok: false, message: err.message }
      throw err
    }
    const r = check.finish(proof)
    if (!r.ok)
      return {
        ok: false,
        message: `the entries and the inclusion proof of entry ${from} do not lead to the root of size ${cp.size}: ${r.message}`,
        ...(proof === undefined ? {} : { proof }),
      }
    kept = true
    return { ok: true, entries: verifiedEntries(spool) }
  } finally {
    if (!kept) await spool.close()
  }
}

/** Why a served entry is not what it says (its payload hashes to `hex`); undefined when it is. */
function mismatch(e: EntryResponse, hex: string): string | undefined {
  if (hex !== e.leafHash)
    return `entry ${e.index}: its payload hashes to ${hex}, not to the leafHash ${e.leafHash} served with it`
  const fields = jsonObject(e.payload)
  const kind = fields?.kind
  if (fields !== undefined && kind !== e.kind)
    return `entry ${e.index}: served as kind "${e.kind}", its payload says ${JSON.stringify(kind)}`
  return undefined
}

/** The entries of a spool of served entries (one JSON line each, all checked). */
function verifiedEntries(spool: LineSpool): VerifiedEntries {
  return {
    count: spool.count,
    close: () => spool.close(),
    async *[Symbol.asyncIterator]() {
      for await (const line of spool.lines()) {
        const e = JSON.parse(line) as EntryResponse
        const fields = jsonObject(e.payload)
        yield {
          index: e.index,
          kind: e.kind,
          leafHash: e.leafHash,
          ...(fields ? { fields } : {}),
          payload: e.payload,
        }
      }
    },
  }
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Reads a state file; null when it does not exist. */
export async function loadMonitorState(file: string): Promise<MonitorState | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  let v: Partial<MonitorState>
  try {
    v = JSON.parse(text) as Partial<MonitorState>
  } catch {
    v = {}
  }
  if (
    typeof v.logUrl !== 'string' ||
    typeof v.origin !== 'string' ||
    typeof v.note !== 'string' ||
    typeof v.rootHash !== 'string' ||
    fromHex(v.rootHash)?.length !== 32 ||
    !Number.isSafeInteger(v.size) ||
    (v.size as number) < 0
  )
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${file} is not a log monitor state file; delete it to start again (trust on first use)`,
    })
  return v as MonitorState
}

/**
 * Writes a state file atomically (temporary file, then rename), creating its directory (the
 * default `.accord/` need not exist yet); ERR_DOCUMENT_WRITE when it cannot.
 */
export async function saveMonitorState(file: string, state: MonitorState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n')
}
