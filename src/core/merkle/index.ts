/**
 * RFC 9162 Merkle trees (Certificate Transparency v2 §2.1): the passport's evidence commitment and,
 * later, the registry's transparency log. Pure; SHA-256 is injected (src/node/sha256.ts).
 *
 * - `MerkleTree`: append-only, keeps every complete subtree hash; fast roots and proofs at any size.
 * - `merkleRoot`, `inclusionProof`, `consistencyProof`: one-shot helpers over a list of leaf inputs.
 * - `verifyInclusion`, `verifyConsistency` (boolean) and `checkInclusion`, `checkConsistency`
 *   (with the reason): defensive verifiers for proofs from outside.
 */
import type { Sha256Fn } from './hash.js'
import { MerkleTree } from './tree.js'

export {
  HASH_SIZE,
  emptyRoot,
  equalBytes,
  fromHex,
  isHash,
  leafHash,
  nodeHash,
  toHex,
  type Sha256Fn,
} from './hash.js'
export { MerkleTree } from './tree.js'
export {
  checkConsistency,
  checkInclusion,
  checkTailLeaves,
  TailLeaves,
  verifyConsistency,
  verifyInclusion,
  type MerkleCheck,
  type MerkleFailure,
} from './verify.js'
export { consistencyProofLength, inclusionProofLength } from './math.js'

function treeOf(
  source: readonly Uint8Array[] | MerkleTree,
  sha256: Sha256Fn | undefined,
): MerkleTree {
  if (source instanceof MerkleTree) return source
  if (!Array.isArray(source))
    throw new TypeError('expected an array of leaf inputs or a MerkleTree')
  if (typeof sha256 !== 'function')
    throw new TypeError('a sha256 function is required for leaf inputs')
  return MerkleTree.fromLeaves(source, sha256)
}

/** MTH of the leaf inputs (each hashed as `SHA-256(0x00 || input)`), RFC 9162 §2.1.1. */
export function merkleRoot(leaves: readonly Uint8Array[], sha256: Sha256Fn): Uint8Array {
  return treeOf(leaves, sha256).root()
}

/** Inclusion proof of leaf `index`, over leaf inputs (with `sha256`) or an existing tree. */
export function inclusionProof(tree: MerkleTree, index: number): Uint8Array[]
export function inclusionProof(
  leaves: readonly Uint8Array[],
  index: number,
  sha256: Sha256Fn,
): Uint8Array[]
export function inclusionProof(
  source: readonly Uint8Array[] | MerkleTree,
  index: number,
  sha256?: Sha256Fn,
): Uint8Array[] {
  return treeOf(source, sha256).inclusionProof(index)
}

/** Consistency proof from the first `m` leaves to the first `n`, over leaf inputs or a tree. */
export function consistencyProof(tree: MerkleTree, m: number, n: number): Uint8Array[]
export function consistencyProof(
  leaves: readonly Uint8Array[],
  m: number,
  n: number,
  sha256: Sha256Fn,
): Uint8Array[]
export function consistencyProof(
  source: readonly Uint8Array[] | MerkleTree,
  m: number,
  n: number,
  sha256?: Sha256Fn,
): Uint8Array[] {
  return treeOf(source, sha256).consistencyProof(m, n)
}
