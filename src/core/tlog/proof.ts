/**
 * Client-side checks of what a log serves: an inclusion proof of a leaf under a checkpoint, and a
 * consistency proof between two checkpoints (RFC 9162 §2.1.3.2 and §2.1.4.2, via
 * src/core/merkle). Proof bodies arrive as JSON with hex hashes (api.ts); they are validated
 * here and every failure is a result with a reason.
 */
import {
  checkConsistency,
  checkInclusion,
  TailLeaves,
  type MerkleFailure,
} from '../merkle/verify.js'
import { equalBytes, fromHex, toHex, type Sha256Fn } from '../merkle/hash.js'
import {
  ConsistencyProofResponseSchema,
  InclusionProofResponseSchema,
  type ConsistencyProofResponse,
  type InclusionProofResponse,
} from './api.js'

/** A tree head: what a verified checkpoint commits to. */
export interface TreeHead {
  size: number
  rootHash: Uint8Array
}

export type ProofFailure = MerkleFailure | 'malformed' | 'mismatch'

export type ProofCheck = { ok: true } | { ok: false; reason: ProofFailure; message: string }

function decodeHashes(hashes: readonly string[]): Uint8Array[] | undefined {
  const out: Uint8Array[] = []
  for (const h of hashes) {
    const bytes = fromHex(h)
    if (bytes === undefined) return undefined
    out.push(bytes)
  }
  return out
}

/** Validates an inclusion proof body from a log (JSON), or says why it is not one. */
export function parseInclusionProof(
  body: unknown,
): { ok: true; proof: InclusionProofResponse } | { ok: false; message: string } {
  const r = InclusionProofResponseSchema.safeParse(body)
  return r.success
    ? { ok: true, proof: r.data }
    : { ok: false, message: `not an inclusion proof {index, size, hashes}: ${r.error.message}` }
}

/** Validates a consistency proof body from a log (JSON), or says why it is not one. */
export function parseConsistencyProof(
  body: unknown,
): { ok: true; proof: ConsistencyProofResponse } | { ok: false; message: string } {
  const r = ConsistencyProofResponseSchema.safeParse(body)
  return r.success
    ? { ok: true, proof: r.data }
    : { ok: false, message: `not a consistency proof {from, to, hashes}: ${r.error.message}` }
}

/**
 * The hashes of an inclusion proof body as served, if it is the proof of entry `index` at `size`:
 * a log that answers for another size or index proves nothing about the checkpoint asked about.
 */
function inclusionHashes(
  body: unknown,
  index: number,
  size: number,
): { ok: true; hashes: Uint8Array[] } | Extract<ProofCheck, { ok: false }> {
  const parsed = parseInclusionProof(body)
  if (!parsed.ok) return { ok: false, reason: 'malformed', message: parsed.message }
  const { proof } = parsed
  if (proof.index !== index || proof.size !== size)
    return {
      ok: false,
      reason: 'mismatch',
      message: `the log answered with a proof for index ${proof.index} at size ${proof.size}; asked for index ${index} at size ${size}`,
    }
  const hashes = decodeHashes(proof.hashes)
  if (hashes === undefined)
    return { ok: false, reason: 'malformed', message: 'a proof hash is not hex' }
  return { ok: true, hashes }
}

/**
 * Checks that `leafHash` is entry `index` of the tree `head` (from a verified checkpoint), using a
 * proof body as served. The proof's own index and size must be the ones asked for: a log that
 * answers for another size or index proves nothing about this checkpoint.
 */
export function checkEntryInclusion(
  head: TreeHead,
  index: number,
  leafHash: Uint8Array,
  body: unknown,
  sha256: Sha256Fn,
): ProofCheck {
  const proof = inclusionHashes(body, index, head.size)
  if (!proof.ok) return proof
  const r = checkInclusion(leafHash, index, head.size, proof.hashes, head.rootHash, sha256)
  return r.ok ? r : { ok: false, reason: r.reason, message: r.message }
}

/**
 * Checks that tree `older` is a prefix of tree `newer` (both from verified checkpoints of the
 * same log) with a consistency proof body as served. Equal sizes need equal roots and no proof;
 * a smaller newer size is checked the other way round (a stale replica, not an error).
 */
export function checkTreeConsistency(
  older: TreeHead,
  newer: TreeHead,
  body: unknown,
  sha256: Sha256Fn,
): ProofCheck {
  if (older.size === newer.size) {
    return equalBytes(older.rootHash, newer.rootHash)
      ? { ok: true }
      : {
          ok: false,
          reason: 'root-mismatch',
          message: `two checkpoints of size ${older.size} have different roots (${toHex(older.rootHash)} and ${toHex(newer.rootHash)}): a split view`,
        }
  }
  // The empty tree is a prefix of every tree; RFC 9162 has no proof for it.
  if (Math.min(older.size, newer.size) === 0) return { ok: true }
  const [from, to] = older.size < newer.size ? [older, newer] : [newer, older]
  const parsed = parseConsistencyProof(body)
  if (!parsed.ok) return { ok: false, reason: 'malformed', message: parsed.message }
  const { proof } = parsed
  if (proof.from !== from.size || proof.to !== to.size)
    return {
      ok: false,
      reason: 'mismatch',
      message: `the log answered with a proof from ${proof.from} to ${proof.to}; asked from ${from.size} to ${to.size}`,
    }
  const hashes = decodeHashes(proof.hashes)
  if (hashes === undefined)
    return { ok: false, reason: 'malformed', message: 'a proof hash is not hex' }
  const r = checkConsistency(from.size, to.size, hashes, from.rootHash, to.rootHash, sha256)
  return r.ok ? r : { ok: false, reason: r.reason, message: r.message }
}

/**
 * Checks that `leafHashes` are entries `start`..`head.size - 1` of the tree `head` (from a
 * verified checkpoint): the entries a monitor reads after the log grew from size `start`. `body`
 * is the inclusion proof of entry `start` at `head.size` as served (undefined when `start` is 0:
 * the entries are then the whole tree). See `checkTailLeaves`; `newEntriesCheck` is the same
 * check fed one leaf hash at a time.
 */
export function checkNewEntries(
  head: TreeHead,
  start: number,
  leafHashes: readonly Uint8Array[],
  body: unknown,
  sha256: Sha256Fn,
): ProofCheck {
  const check = newEntriesCheck(head, start, sha256)
  if (Array.isArray(leafHashes)) for (const h of leafHashes) check.add(h)
  return check.finish(body)
}

/** `checkNewEntries` one leaf hash at a time: `add` each, in index order, then `finish`. */
export interface NewEntriesCheck {
  add(leafHash: Uint8Array): void
  /** `body`: the inclusion proof of entry `start` at `head.size` as served (none from 0). */
  finish(body: unknown): ProofCheck
}

/**
 * `checkNewEntries` without holding the leaves: they are folded as they are added (a
 * `TailLeaves`, O(log n) hashes), so a monitor can check millions of new entries in bounded
 * memory. The result of `finish` is exactly `checkNewEntries`'s on the same leaves.
 */
export function newEntriesCheck(head: TreeHead, start: number, sha256: Sha256Fn): NewEntriesCheck {
  const tail = new TailLeaves(start, sha256)
  return {
    add: (leafHash) => tail.add(leafHash),
    finish(body) {
      let hashes: Uint8Array[] = []
      if (start > 0) {
        const proof = inclusionHashes(body, start, head.size)
        if (!proof.ok) return proof
        hashes = proof.hashes
      }
      const r = tail.finish(head.size, hashes, head.rootHash)
      return r.ok ? r : { ok: false, reason: r.reason, message: r.message }
    },
  }
}
