/**
 * `accord verify --log URL|CHECKPOINT_FILE`: checks that a passport is in the registry's
 * transparency log, under a checkpoint signed by the log key. The leaf is recomputed from the
 * passport alone (src/core/tlog/entry.ts), so the registry's copy of the passport is not trusted:
 * the registry only tells where to look (its `logIndex`) and supplies the proof, which must lead
 * from our leaf to the signed root.
 *
 * Sources:
 * - `logUrl`: the checkpoint, the index and the proof are fetched from the log;
 * - `checkpoint` (a signed note, e.g. read from a file saved earlier or received from a witness)
 *   pins the tree; the proof then comes from `proof` (offline) or from `logUrl` at that size.
 *
 * The result is a CheckResult (`check: 'log-inclusion'`), never an exception for bad input from
 * the log or the passport.
 */
import { readFile } from 'node:fs/promises'
import { AccordError, ConfigError } from '../../core/errors.js'
import type { CheckResult, ReasonCode } from '../../core/passport/types.js'
import { PassportLogRefSchema } from '../../core/tlog/api.js'
import { verifyCheckpoint, type VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { entryLeafHash, passportEntryFromSdJwt } from '../../core/tlog/entry.js'
import { checkEntryInclusion, parseInclusionProof } from '../../core/tlog/proof.js'
import { sha256 } from '../sha256.js'
import { fetchCheckpoint, fetchInclusionProof, fetchPassport, type LogHttpOptions } from './http.js'
import { loadLogKey, verifiersFor, type LogKey } from './log-key.js'

export const LOG_INCLUSION_CHECK = 'log-inclusion'

/**
 * Reason codes used by this check. The passport reason-code list has no log-specific codes yet;
 * these are the nearest, kept in one place so they can change in one edit.
 */
export const LOG_REASONS = {
  notIncluded: 'log-not-included',
  checkpointInvalid: 'signature-invalid',
  unknownKey: 'key-unknown',
  unavailable: 'log-unavailable',
} as const satisfies Record<string, ReasonCode>

export interface CheckInclusionOptions extends LogHttpOptions {
  /** The passport (compact SD-JWT) or a presentation of it. */
  passport: string
  /** The log's public key (see log-key.ts). */
  logKey: LogKey
  /** Registry base URL, e.g. `https://registry.example`. */
  logUrl?: string
  /** A signed checkpoint note to check against instead of the log's latest. */
  checkpoint?: string
  /** An inclusion proof body `{index, size, hashes}` for offline checking (with `checkpoint`). */
  proof?: unknown
  /** The origin the checkpoint must have. */
  origin?: string
}

export interface CheckInclusionResult extends CheckResult {
  /** Log index and checkpoint size, when the passport was found. */
  index?: number
  checkpoint?: VerifiedCheckpoint
}

const result = (
  outcome: CheckResult['outcome'],
  reason: ReasonCode,
  message: string,
  extra: Partial<CheckInclusionResult> = {},
): CheckInclusionResult => ({ check: LOG_INCLUSION_CHECK, outcome, reason, message, ...extra })

/** Checks that `passport` is in the log under a signed checkpoint. */
export async function checkInclusion(
  options: CheckInclusionOptions,
): Promise<CheckInclusionResult> {
  if (options.logUrl === undefined && options.checkpoint === undefined)
    throw new TypeError('checkInclusion: give logUrl, or checkpoint with proof')
  if (options.logUrl === undefined && options.proof === undefined)
    throw new TypeError('checkInclusion: without logUrl, a proof is needed')
  try {
    return await check(options)
  } catch (err) {
    if (err instanceof AccordError && err.code === 'ERR_TLOG_UNAVAILABLE')
      return result('indeterminate', LOG_REASONS.unavailable, err.message)
    if (err instanceof AccordError && err.code === 'ERR_TLOG_INVALID')
      return result('fail', LOG_REASONS.notIncluded, err.message)
    throw err
  }
}

async function check(options: CheckInclusionOptions): Promise<CheckInclusionResult> {
  const entry = passportEntryFromSdJwt(options.passport, sha256)
  if (!entry.ok) return result('fail', 'malformed', `the passport: ${entry.message}`)
  const leaf = entryLeafHash(entry.entry, sha256)

  const note = options.checkpoint ?? (await fetchCheckpoint(options.logUrl as string, options))
  const verified = await verifyCheckpoint(note, verifiersFor(options.logKey, note), {
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
  })
  if (!verified.ok) {
    const reason =
      verified.reason === 'unknown-key' ? LOG_REASONS.unknownKey : LOG_REASONS.checkpointInvalid
    return result('fail', reason, `the log checkpoint is not valid: ${verified.message}`)
  }
  const cp = verified.checkpoint

  let index: number
  let proof: unknown
  if (options.proof !== undefined) {
    const parsed = parseInclusionProof(options.proof)
    if (!parsed.ok) return result('fail', LOG_REASONS.notIncluded, parsed.message)
    index = parsed.proof.index
    proof = parsed.proof
  } else {
    const logUrl = options.logUrl as string
    const record = await fetchPassport(logUrl, entry.entry.id, options)
    if (record === null)
      return result('fail', LOG_REASONS.notIncluded, `the log has no passport ${entry.entry.id}`)
    const ref = PassportLogRefSchema.safeParse(record)
    if (!ref.success || ref.data.id !== entry.entry.id)
      return result('fail', LOG_REASONS.notIncluded, 'the registry answered with another record')
    if (ref.data.logIndex === null)
      return result(
        'fail',
        LOG_REASONS.notIncluded,
        'the registry has the passport but not in its log',
      )
    index = ref.data.logIndex
    if (index >= cp.size)
      return result(
        'indeterminate',
        LOG_REASONS.unavailable,
        `the passport is entry ${index}, not yet under the checkpoint of size ${cp.size}; retry after the next checkpoint`,
      )
    proof = await fetchInclusionProof(logUrl, index, cp.size, options)
  }

  const r = checkEntryInclusion(cp, index, leaf, proof, sha256)
  if (!r.ok)
    return result(
      'fail',
      LOG_REASONS.notIncluded,
      `the passport is not entry ${index} of the log "${cp.origin}" at size ${cp.size}: ${r.message}`,
    )
  return result('pass', 'ok', `entry ${index} of "${cp.origin}", checkpoint size ${cp.size}`, {
    index,
    checkpoint: cp,
  })
}

/** A file `accord log prove` writes: a signed checkpoint and the passport's inclusion proof. */
export interface LogProofBundle {
  checkpoint: string
  proof: { index: number; size: number; hashes: string[] }
}

export interface CheckInclusionArgOptions extends LogHttpOptions {
  passport: string
  /** `--log`: a registry URL, or a proof bundle file written by `accord log prove`. */
  log: string
  /** `--log-key`: verifier key, verifier key file or Ed25519 public JWK file. */
  logKey: string
  /** Where `logKey` came from, for messages (default `--log-key`; or `ACCORD_LOG_KEY`). */
  logKeySource?: string
  origin?: string
}

/**
 * `accord verify --log URL|BUNDLE --log-key KEY`: reads the key and, for a file, the bundle, then
 * runs checkInclusion. Bad arguments (unreadable file, not a bundle) throw ConfigError.
 */
export async function checkInclusionFromArgs(
  options: CheckInclusionArgOptions,
): Promise<CheckInclusionResult> {
  const logKey = await loadLogKey(
    options.logKey,
    options.origin,
    options.logKeySource ?? '--log-key',
  )
  const common = {
    passport: options.passport,
    logKey,
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  }
  if (/^https?:\/\//i.test(options.log)) return checkInclusion({ ...common, logUrl: options.log })
  let text: string
  try {
    text = await readFile(options.log, 'utf8')
  } catch {
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `--log ${options.log} is not an http(s) URL nor a readable file`,
    })
  }
  let bundle: Partial<LogProofBundle> | undefined
  try {
    bundle = JSON.parse(text) as Partial<LogProofBundle>
  } catch {
    bundle = undefined
  }
  if (!bundle || typeof bundle.checkpoint !== 'string' || bundle.proof === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--log ${options.log} is not a log proof bundle {checkpoint, proof}; make one with \`accord log prove\`, or pass the registry URL`,
    })
  return checkInclusion({ ...common, checkpoint: bundle.checkpoint, proof: bundle.proof })
}
