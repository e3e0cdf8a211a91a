/**
 * Checkpoints (signed tree heads) in the C2SP tlog-checkpoint format:
 * https://c2sp.org/tlog-checkpoint. The note text is
 *
 *     <origin>\n
 *     <tree size, decimal, no leading zeros>\n
 *     <root hash, standard base64>\n
 *     [<extension line>\n ...]
 *
 * signed as a C2SP signed note (note.ts) by the log's key, whose name is the origin.
 * Checkpoints come from logs we do not trust: parsing is strict (canonical size and base64,
 * 32-byte root, no empty lines) so that one checkpoint has exactly one encoding.
 */
import { HASH_SIZE } from '../merkle/hash.js'
import {
  decodeBase64Std,
  encodeBase64Std,
  signNote,
  verifyNote,
  type NoteFailure,
  type NoteSigner,
  type NoteVerifier,
  type VerifyNoteOptions,
} from './note.js'

export interface CheckpointBody {
  /** Unique identifier of the log, a schema-less URL such as `registry.example/accord/log`. */
  origin: string
  size: number
  /** RFC 9162 root hash, 32 bytes. */
  rootHash: Uint8Array
  /** Extra lines after the root hash (none from our log); kept for forward compatibility. */
  extensions: string[]
}

export interface VerifiedCheckpoint extends CheckpointBody {
  /** The whole signed note, as received. */
  note: string
  /** Names of the known keys that signed it. */
  verifiedBy: string[]
}

export type CheckpointParseResult =
  { ok: true; checkpoint: CheckpointBody } | { ok: false; message: string }

export type CheckpointVerifyResult =
  | { ok: true; checkpoint: VerifiedCheckpoint }
  | { ok: false; reason: NoteFailure | 'origin-mismatch'; message: string }

/** Most extension lines accepted. */
const MAX_EXTENSIONS = 16
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/

function checkOrigin(origin: unknown): string | undefined {
  if (typeof origin !== 'string' || origin.length === 0) return 'the origin is empty'
  if (origin.length > 1024) return 'the origin is longer than 1024 characters'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(origin)) return 'the origin has a control character'
  return undefined
}

/** The note text of a checkpoint (unsigned). Throws TypeError for values that break the format. */
export function formatCheckpoint(
  body: Omit<CheckpointBody, 'extensions'> & { extensions?: string[] },
): string {
  const problem = checkOrigin(body.origin)
  if (problem) throw new TypeError(`formatCheckpoint: ${problem}`)
  if (!Number.isSafeInteger(body.size) || body.size < 0)
    throw new TypeError('formatCheckpoint: size must be a non-negative safe integer')
  if (!(body.rootHash instanceof Uint8Array) || body.rootHash.length !== HASH_SIZE)
    throw new TypeError('formatCheckpoint: rootHash must be 32 bytes')
  const extensions = body.extensions ?? []
  for (const e of extensions)
    // eslint-disable-next-line no-control-regex
    if (typeof e !== 'string' || e === '' || /[\u0000-\u001f\u007f]/.test(e))
      throw new TypeError('formatCheckpoint: extension lines must be non-empty single lines')
  return [body.origin, String(body.size), encodeBase64Std(body.rootHash), ...extensions]
    .map((l) => l + '\n')
    .join('')
}

/** Parses checkpoint note text (the part before the signatures), strictly. */
export function parseCheckpointText(text: string): CheckpointParseResult {
  if (typeof text !== 'string' || !text.endsWith('\n'))
    return { ok: false, message: 'the checkpoint text does not end with a newline' }
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3)
    return { ok: false, message: 'a checkpoint has an origin, a tree size and a root hash line' }
  if (lines.length > 3 + MAX_EXTENSIONS)
    return { ok: false, message: `a checkpoint has at most ${MAX_EXTENSIONS} extension lines` }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]]
  const originProblem = checkOrigin(origin)
  if (originProblem) return { ok: false, message: originProblem }
  // Leading zeros, signs or spaces would give one size several spellings.
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    return { ok: false, message: 'the tree size is not a decimal integer without leading zeros' }
  const rootHash = decodeBase64Std(rootText)
  if (rootHash === undefined || rootHash.length !== HASH_SIZE)
    return { ok: false, message: 'the root hash is not 32 bytes in standard base64' }
  if (extensions.some((e) => e === ''))
    return { ok: false, message: 'a checkpoint extension line is empty' }
  return { ok: true, checkpoint: { origin, size: Number(sizeText), rootHash, extensions } }
}

/** Signs a checkpoint; the signer's key name should be the origin. Returns the signed note. */
export async function signCheckpoint(
  body: Omit<CheckpointBody, 'extensions'> & { extensions?: string[] },
  signer: NoteSigner,
): Promise<string> {
  return signNote(formatCheckpoint(body), [signer])
}

export interface VerifyCheckpointOptions extends VerifyNoteOptions {
  /** The origin the checkpoint must have; default: any (the key name still has to match). */
  origin?: string
}

/**
 * Verifies a signed checkpoint note against the log's key(s) and parses it. Fails when the note is
 * malformed, is not signed by a known key, has a bad signature by a known key, is not a
 * checkpoint, or has another origin than expected.
 */
export async function verifyCheckpoint(
  note: string,
  verifiers: readonly NoteVerifier[],
  options: VerifyCheckpointOptions = {},
): Promise<CheckpointVerifyResult> {
  const verified = await verifyNote(note, verifiers, options)
  if (!verified.ok) return verified
  const parsed = parseCheckpointText(verified.text)
  if (!parsed.ok) return { ok: false, reason: 'malformed', message: parsed.message }
  if (options.origin !== undefined && parsed.checkpoint.origin !== options.origin)
    return {
      ok: false,
      reason: 'origin-mismatch',
      message: `the checkpoint is of log "${parsed.checkpoint.origin}", not "${options.origin}"`,
    }
  return {
    ok: true,
    checkpoint: { ...parsed.checkpoint, note, verifiedBy: verified.verifiedBy },
  }
}
