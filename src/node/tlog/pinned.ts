/**
 * A registry checked against a pinned log key (`--log-key` of the commands that write to or list
 * from a registry). The registry's answers say where things are in its log; this checks them:
 *
 * - `pinnedCheckpoint`: the registry's latest checkpoint is signed by the pinned key and names
 *   that key's log as its origin: the URL reaches the log the key belongs to.
 * - `confirmInLog`: each entry a write appended (the index the registry acknowledged) is in the
 *   log under a checkpoint signed by the pinned key. The leaf is recomputed from what the client
 *   sent where the entry holds only that (passport, incident, evaluation); a status change holds
 *   the registry's own time (`at`), so its entry is read from the log, its canonical encoding
 *   checked, and every other field compared with what was sent. Given the checkpoint seen before
 *   the write, the one after it must extend it (RFC 9162 consistency proof): a registry that shows
 *   another history after the write than before it (a split view) is caught even when that
 *   history holds the entry. A listed page of entries in a short tail of the log is checked as
 *   one range (`confirmByRange`) when that takes fewer requests than a proof per entry.
 *
 * Every mismatch is ERR_TLOG_INVALID (exit 4) naming what did not match, and so is a registry that
 * refuses (HTTP 4xx but 408 and 429) a proof between its own signed checkpoints, or of an index it
 * acknowledged; a log that cannot be reached, answers 5xx, 408 or 429, or whose checkpoint does not
 * reach the entries in time, is ERR_TLOG_UNAVAILABLE.
 */
import { TlogError } from '../../core/errors.js'
import { equalBytes } from '../../core/merkle/hash.js'
import { MAX_ENTRIES_PER_REQUEST } from '../../core/tlog/api.js'
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { entryLeafHash, parseEntry, type TlogEntry } from '../../core/tlog/entry.js'
import {
  checkEntryInclusion,
  checkNewEntries,
  checkTreeConsistency,
} from '../../core/tlog/proof.js'
import { sha256 } from '../sha256.js'
import {
  fetchCheckpoint,
  fetchConsistencyProof,
  fetchEntries,
  fetchInclusionProof,
  normalizeLogUrl,
  refusedStatus,
  type LogHttpOptions,
} from './http.js'
import { verifiersFor, type LogKey } from './log-key.js'

export interface PinnedLog extends LogHttpOptions {
  /** The log's public key, as pinned. */
  key: LogKey
  /** Where the key came from, for messages: `--log-key` or `ACCORD_LOG_KEY`. */
  source: string
  /** How long to wait for a checkpoint that covers the entries written (default 10 s). */
  waitMs?: number
  /** Between two reads of the checkpoint while waiting (default 250 ms). */
  pollMs?: number
  /** Injected by tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>
}

/** An entry a write appended, as the client expects it. */
export type ExpectedEntry =
  | {
      /** The log index the registry acknowledged. */
      index: number
      /** What it is, in messages: `passport urn:uuid:...`. */
      what: string
      /** The whole entry, recomputed from what was sent. */
      entry: TlogEntry
    }
  | {
      index: number
      what: string
      /**
       * For an entry with fields the registry chose: why the entry read from the log is not the
       * one expected, or undefined when it is.
       */
      mismatch: (entry: TlogEntry) => string | undefined
    }

/** What a pinned check verified: the log, its signed size, and the entries found in it. */
export interface LogConfirmation {
  /** The checkpoint's origin (the log's name). */
  origin: string
  /** The size of the checkpoint the entries were checked against. */
  treeSize: number
  /** The log indexes checked, in the order given. */
  indexes: number[]
  /**
   * The size of the checkpoint seen before the write, which the one of `treeSize` was proved to
   * extend (consistency proof; equal roots for equal sizes). Absent where there was no write.
   */
  consistentFrom?: number
}

/** Proofs fetched at once. */
const CONCURRENCY = 8

/**
 * The most log entries read to check a list by its range (`confirmByRange`), ten pages: their leaf
 * hashes are kept until the root is checked.
 */
const MAX_RANGE_ENTRIES = 10 * MAX_ENTRIES_PER_REQUEST

function invalid(message: string): TlogError {
  return new TlogError({ code: 'ERR_TLOG_INVALID', message })
}

/**
 * Whether an HTTP status refuses a request rather than failing it for now: a 4xx other than 408
 * (timeout) and 429 (rate limited). A registry that answers a proof request between sizes it has
 * itself signed checkpoints for (or for an index it acknowledged) with one is refusing to prove
 * its own log; 5xx, 408, 429 and network errors are for later (ERR_TLOG_UNAVAILABLE).
 */
function isRefusal(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429
}

/**
 * `request`, a proof or entry the pinned log owes: a refusal (isRefusal) is ERR_TLOG_INVALID,
 * `what` saying what was refused; anything else as thrown.
 */
async function owed<T>(request: () => Promise<T>, what: (status: number) => string): Promise<T> {
  try {
    return await request()
  } catch (err) {
    const status = refusedStatus(err)
    if (!isRefusal(status)) throw err
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `${what(status)}: a log that will not prove what it signed cannot be trusted; keep this output as evidence and report it to the registry's operator`,
      cause: err,
      details: { httpStatus: status },
    })
  }
}

/** What to do when the checkpoint is not the pinned log's. */
function keyFix(pin: PinnedLog): string {
  return `either the registry URL is not that of the log whose key ${pin.source} pins (check the URL), or ${pin.source} is not this registry's log key (compare it with the "log verifier key" \`accord serve\` printed, obtained from its operator)`
}

/**
 * The registry's latest checkpoint, verified against the pinned key: signed by it, and of the log
 * the key names (its origin is the name of a key that signed it). ERR_TLOG_INVALID otherwise.
 */
export async function pinnedCheckpoint(base: string, pin: PinnedLog): Promise<VerifiedCheckpoint> {
  const url = normalizeLogUrl(base)
  const note = await fetchCheckpoint(url, pin)
  const verified = await verifyCheckpoint(note, verifiersFor(pin.key, note))
  if (!verified.ok)
    throw invalid(
      `the registry at ${url} serves a checkpoint that does not verify with the log key ${pin.source} pins: ${verified.message}; ${keyFix(pin)}`,
    )
  const cp = verified.checkpoint
  if (!cp.verifiedBy.includes(cp.origin))
    throw invalid(
      `the registry at ${url} serves a checkpoint of log "${cp.origin}", signed by the key of "${cp.verifiedBy.join('", "')}" that ${pin.source} pins: a log signs its checkpoints with a key named by its own origin; ${keyFix(pin)}`,
    )
  return cp
}

/** The leaf hash of `expected`, read from the log when the client cannot recompute it all. */
async function leafOf(base: string, expected: ExpectedEntry, pin: PinnedLog): Promise<Uint8Array> {
  if ('entry' in expected) return entryLeafHash(expected.entry, sha256)
  const { index, what } = expected
  const [served] = await owed(
    () => fetchEntries(base, index, index + 1, pin),
    (status) =>
      `the registry at ${base} refused (HTTP ${status}) to serve log entry ${index}, where it acknowledged ${what}`,
  )
  if (served === undefined || served.index !== index)
    throw invalid(`the registry's log did not serve entry ${index}, where it put ${what}`)
  // The leaf is computed from the payload, never taken from the served `leafHash`; a payload that
  // is not a canonical v1 entry is not one any leaf of this log can be.
  const parsed = parseEntry(served.payload)
  if (!parsed.ok) throw invalid(`log entry ${index} (${what}): ${parsed.message}`)
  const why = expected.mismatch(parsed.entry)
  if (why !== undefined) throw invalid(notAsSent(expected, why))
  return entryLeafHash(parsed.entry, sha256)
}

/**
 * Checks that every entry of `expected` is in the registry's log, under a checkpoint signed by
 * the pinned key. Waits (up to `waitMs`) for a checkpoint that covers them all, and is not older
 * than `before`: a registry signs a new checkpoint at most every second or so. No entries: the
 * checkpoint alone is verified.
 *
 * `before`, the checkpoint verified before the write (`pinnedCheckpoint`), makes the log prove
 * that it only grew in between: the checkpoint after the write must be of the same log and extend
 * it (a consistency proof from its size, or the same root at the same size). A registry that
 * answers after the write with another history signed by the same key is a split view:
 * ERR_TLOG_INVALID naming both sizes.
 */
export async function confirmInLog(
  base: string,
  pin: PinnedLog,
  expected: readonly ExpectedEntry[],
  before?: VerifiedCheckpoint,
): Promise<LogConfirmation> {
  const url = normalizeLogUrl(base)
  const covers = expected.reduce((n, e) => Math.max(n, e.index + 1), 0)
  const need = Math.max(covers, before?.size ?? 0)
  const waitMs = pin.waitMs ?? 10_000
  const sleep = pin.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)))
  const started = Date.now()
  let cp = await pinnedCheckpoint(url, pin)
  while (cp.size < need) {
    if (Date.now() - started >= waitMs)
      throw new TlogError({
        code: 'ERR_TLOG_UNAVAILABLE',
        message:
          covers === need
            ? `the registry at ${url} acknowledged log index ${need - 1}, but after ${Math.round(waitMs / 1000)} s its signed checkpoint still has size ${cp.size}; the write may not be in its log yet: check later with \`accord verify --log ${url} --log-key ...\` or \`accord log prove\``
            : `the registry at ${url} served a checkpoint of size ${need} before the write, but after ${Math.round(waitMs / 1000)} s it still serves one of size ${cp.size}, older: try again later`,
      })
    await sleep(pin.pollMs ?? 250)
    cp = await pinnedCheckpoint(url, pin)
  }
  if (before !== undefined) await checkGrewFrom(url, pin, before, cp)
  if (rangeIsCheaper(expected, cp.size)) await confirmByRange(url, pin, expected, cp)
  else await confirmEach(url, pin, expected, cp)
  return {
    origin: cp.origin,
    treeSize: cp.size,
    indexes: expected.map((e) => e.index),
    ...(before === undefined ? {} : { consistentFrom: before.size }),
  }
}

/** The message of an entry with fields the registry chose that is not the one expected. */
function notAsSent(e: ExpectedEntry, why: string): string {
  return `log entry ${e.index} is not ${e.what}: ${why}; the registry acknowledged a write it did not log as sent: keep this output as evidence and report it to the registry's operator`
}

/** The message of an entry that is not where the registry says it put it. */
function notInLog(e: ExpectedEntry, cp: VerifiedCheckpoint, pin: PinnedLog, why: string): string {
  return `the registry says it put ${e.what} at log index ${e.index}, but ${e.what} is not entry ${e.index} of the log "${cp.origin}" at size ${cp.size} signed with the key ${pin.source} pins: ${why}; the registry acknowledged a write its log does not hold: keep this output as evidence and report it to the registry's operator`
}

/**
 * Whether reading the log from the lowest expected index to the checkpoint's size (pages of
 * entries and one inclusion proof, `confirmByRange`) takes fewer requests than an inclusion proof
 * per entry (and an entry read for each entry the client cannot recompute): a listed page of
 * recent reports lies in a short tail of the log, and checking it item by item cost up to a
 * thousand requests, past a registry's per-client rate limit.
 */
function rangeIsCheaper(expected: readonly ExpectedEntry[], size: number): boolean {
  if (expected.length < 2) return false
  const start = Math.min(...expected.map((e) => e.index))
  const span = size - start
  if (span > MAX_RANGE_ENTRIES) return false
  const ranged = Math.ceil(span / MAX_ENTRIES_PER_REQUEST) + (start > 0 ? 1 : 0)
  const each = expected.reduce((n, e) => n + ('entry' in e ? 1 : 2), 0)
  return ranged < each
}

/**
 * Checks `expected` by reading every log entry from the lowest expected index to `cp.size`: each
 * expected entry must be the one read at its index, and all of them, leaf hashes recomputed from
 * their payloads (never the served `leafHash`), must lead to the checkpoint's root with one
 * inclusion proof of the first (`checkNewEntries`, as `accord log monitor --entries` checks a
 * round). Any altered, missing, extra or reordered entry in the range changes the root.
 */
async function confirmByRange(
  url: string,
  pin: PinnedLog,
  expected: readonly ExpectedEntry[],
  cp: VerifiedCheckpoint,
): Promise<void> {
  const start = Math.min(...expected.map((e) => e.index))
  const entries: TlogEntry[] = []
  const leaves: Uint8Array[] = []
  for (let from = start; from < cp.size; from += MAX_ENTRIES_PER_REQUEST) {
    const to = Math.min(cp.size, from + MAX_ENTRIES_PER_REQUEST)
    const page = await owed(
      () => fetchEntries(url, from, to, pin),
      (status) =>
        `the registry at ${url} refused (HTTP ${status}) to serve log entries ${from}..${to - 1} of its log at size ${cp.size}, a checkpoint it signed with the key ${pin.source} pins`,
    )
    if (page.length !== to - from || page.some((served, i) => served.index !== from + i))
      throw invalid(
        `the registry at ${url} was asked for log entries ${from}..${to - 1} of its log at size ${cp.size} and served ${page.length} entries${page.length > 0 ? ` from index ${page[0]?.index}` : ''}, not those entries in order`,
      )
    for (const served of page) {
      const parsed = parseEntry(served.payload)
      if (!parsed.ok) throw invalid(`log entry ${served.index}: ${parsed.message}`)
      entries.push(parsed.entry)
      leaves.push(entryLeafHash(parsed.entry, sha256))
    }
  }
  for (const e of expected) {
    const at = e.index - start
    if (!('entry' in e)) {
      const why = e.mismatch(entries[at] as TlogEntry)
      if (why !== undefined) throw invalid(notAsSent(e, why))
    } else if (!equalBytes(entryLeafHash(e.entry, sha256), leaves[at] as Uint8Array))
      throw invalid(
        notInLog(e, cp, pin, `entry ${e.index} is another ${String(entries[at]?.kind)} entry`),
      )
  }
  const proof =
    start > 0
      ? await owed(
          () => fetchInclusionProof(url, start, cp.size, pin),
          (status) =>
            `the registry at ${url} refused (HTTP ${status}) an inclusion proof of log index ${start} in its log at size ${cp.size}, a checkpoint it signed with the key ${pin.source} pins`,
        )
      : undefined
  const r = checkNewEntries(cp, start, leaves, proof, sha256)
  if (!r.ok)
    throw invalid(
      `the log entries ${start}..${cp.size - 1} the registry at ${url} served do not lead to the root of its checkpoint of size ${cp.size}, signed with the key ${pin.source} pins: ${r.message}; the registry serves entries its signed log does not hold: keep this output as evidence and report it to the registry's operator`,
    )
}

/** Checks each entry of `expected` with an inclusion proof of its own. */
async function confirmEach(
  url: string,
  pin: PinnedLog,
  expected: readonly ExpectedEntry[],
  cp: VerifiedCheckpoint,
): Promise<void> {
  for (let i = 0; i < expected.length; i += CONCURRENCY)
    await Promise.all(
      expected.slice(i, i + CONCURRENCY).map(async (e) => {
        const leaf = await leafOf(url, e, pin)
        const proof = await owed(
          () => fetchInclusionProof(url, e.index, cp.size, pin),
          (status) =>
            `the registry at ${url} refused (HTTP ${status}) an inclusion proof of log index ${e.index}, where it says it put ${e.what}, in its log at size ${cp.size}, a checkpoint it signed with the key ${pin.source} pins`,
        )
        const r = checkEntryInclusion(cp, e.index, leaf, proof, sha256)
        if (!r.ok) throw invalid(notInLog(e, cp, pin, r.message))
      }),
    )
}

/**
 * Checks that checkpoint `after` (of at least `before`'s size) extends `before`, both verified
 * against the pinned key: the same origin, and a consistency proof served by the registry from
 * `before.size` to `after.size` (none for equal sizes: the roots must be equal, nor from the
 * empty tree). ERR_TLOG_INVALID, a split view, otherwise.
 */
async function checkGrewFrom(
  url: string,
  pin: PinnedLog,
  before: VerifiedCheckpoint,
  after: VerifiedCheckpoint,
): Promise<void> {
  const splitView = (why: string) =>
    invalid(
      `split view: the registry at ${url} served a checkpoint of size ${before.size} before the write and one of size ${after.size} after it, both signed with the key ${pin.source} pins, and the second does not extend the first: ${why}; the registry shows different histories of its log: keep this output (both checkpoints follow) as evidence and report it to the registry's operator\n--- before the write:\n${before.note.trimEnd()}\n--- after the write:\n${after.note.trimEnd()}`,
    )
  if (after.origin !== before.origin)
    throw splitView(`the first is of log "${before.origin}", the second of log "${after.origin}"`)
  const proof =
    after.size > before.size && before.size > 0
      ? await owed(
          () => fetchConsistencyProof(url, before.size, after.size, pin),
          (status) =>
            `the registry at ${url} refused (HTTP ${status}) a consistency proof from size ${before.size} to size ${after.size}, the sizes of the checkpoints it served before and after the write, both signed with the key ${pin.source} pins`,
        )
      : undefined
  const r = checkTreeConsistency(before, after, proof, sha256)
  if (!r.ok) throw splitView(r.message)
}

/** One line for text output: what was verified. */
export function confirmationLine(c: LogConfirmation): string {
  const entries =
    c.indexes.length === 0
      ? 'its checkpoint'
      : c.indexes.length === 1
        ? `entry ${c.indexes[0]}`
        : `${c.indexes.length} entries`
  const grown =
    c.consistentFrom === undefined
      ? ''
      : c.consistentFrom === c.treeSize
        ? ', the one seen before the write'
        : `, grown from size ${c.consistentFrom} seen before the write`
  return `verified against the pinned log key: ${entries} of log "${c.origin}" (checkpoint size ${c.treeSize}${grown})`
}
