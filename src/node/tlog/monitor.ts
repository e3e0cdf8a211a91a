/**
 * A log monitor: follows a transparency log's checkpoints and checks that each new one extends
 * the last one it verified (RFC 9162 consistency proof). Two checkpoints of one size with
 * different roots, or a proof that fails, mean the log showed different histories to different
 * clients (a split view) or rewrote its history; the monitor reports it with both signed
 * checkpoints as evidence. The last verified checkpoint is kept in a state file between runs.
 */
import { readFile } from 'node:fs/promises'
import { ConfigError } from '../../core/errors.js'
import { fromHex, toHex } from '../../core/merkle/hash.js'
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { checkTreeConsistency } from '../../core/tlog/proof.js'
import { writeFileAtomic } from '../fs-safe.js'
import { sha256 } from '../sha256.js'
import { fetchCheckpoint, fetchConsistencyProof, type LogHttpOptions } from './http.js'
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

export interface MonitorResult {
  status: MonitorStatus
  message: string
  /** The newly verified checkpoint (not for 'invalid'). */
  checkpoint?: VerifiedCheckpoint
  /** The state to keep: unchanged for 'stale', 'split-view' and 'invalid'. */
  state: MonitorState | null
  /** For 'split-view': both signed notes and the proof that failed. */
  evidence?: { previous: string; current: string; proof?: unknown }
}

export interface MonitorOptions extends LogHttpOptions {
  logUrl: string
  logKey: LogKey
  origin?: string
  nowIso?: () => string
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
  const note = await fetchCheckpoint(options.logUrl, options)
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
  return {
    status: 'consistent',
    message: `consistent: size ${old.size} -> ${cp.size}, root ${toHex(cp.rootHash)}`,
    checkpoint: cp,
    state: next,
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
