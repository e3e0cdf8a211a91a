/**
 * Verification of RFC 9162 inclusion and consistency proofs, for proofs, sizes and roots that come
 * from outside (a log server, a vendor's disclosure). Everything is checked before it is used, and
 * a bad input is a failed check with a reason, never an exception: a verifier that throws on a
 * malformed proof invites callers that forget to catch it. Modelled on sigstore-js
 * `packages/verify/src/tlog/merkle.ts` and transparency-dev/merkle `proof/verify.go`.
 *
 * Algorithms: RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
 * https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2
 */
import { equalBytes, isHash, makeNodeHasher, type Sha256Fn } from './hash.js'
import { consistencyProofLength, inclusionProofLength, isCount, isPowerOfTwo } from './math.js'

/** Why a proof was rejected. */
export type MerkleFailure =
  /** An index or size is not a non-negative safe integer, or the proof is not an array. */
  | 'bad-argument'
  /** The leaf index is not below the tree size. */
  | 'index-out-of-range'
  /** Sizes that no proof can connect (old size 0, or old size larger than new). */
  | 'size-out-of-range'
  /** A leaf hash, root or proof element is not exactly 32 bytes. */
  | 'hash-length'
  /** The proof has more or fewer hashes than the sizes require. */
  | 'proof-length'
  /** The proof is well-formed but does not lead to the given root(s). */
  | 'root-mismatch'

export type MerkleCheck = { ok: true } | { ok: false; reason: MerkleFailure; message: string }

const fail = (reason: MerkleFailure, message: string): MerkleCheck => ({
  ok: false,
  reason,
  message,
})
const OK: MerkleCheck = { ok: true }

/**
 * Checks that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose root is `root`.
 * Returns why not when it is not.
 */
export function checkInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256Fn,
): MerkleCheck {
  // Sizes arrive as JSON numbers: reject fractions, negatives and values past 2^53, where
  // arithmetic would silently round and a forged proof could line up with a rounded index.
  if (!isCount(index))
    return fail('bad-argument', `leaf index ${String(index)} is not an integer >= 0`)
  if (!isCount(treeSize))
    return fail('bad-argument', `tree size ${String(treeSize)} is not an integer >= 0`)
  // An index at or past the size names no leaf; an empty tree has none at all.
  if (index >= treeSize)
    return fail('index-out-of-range', `leaf index ${index} is not below the tree size ${treeSize}`)
  if (!isHash(leafHash)) return fail('hash-length', 'the leaf hash is not 32 bytes')
  if (!isHash(root)) return fail('hash-length', 'the root is not 32 bytes')
  if (!Array.isArray(proof)) return fail('bad-argument', 'the proof is not an array of hashes')
  // The sizes fix the proof length exactly; checking it first caps the work an attacker can
  // cause with a huge proof and reports a clearer reason than a root mismatch.
  const expected = inclusionProofLength(index, treeSize)
  if (proof.length !== expected)
    return fail(
      'proof-length',
      `the proof has ${proof.length} hashes; this index and size need ${expected}`,
    )
  const bad = proof.findIndex((p) => !isHash(p))
  if (bad >= 0) return fail('hash-length', `proof[${bad}] is not 32 bytes`)

  // RFC 9162 §2.1.3.2, steps 2-5.
  const node = makeNodeHasher(sha256)
  let fn = index
  let sn = treeSize - 1
  let r: Uint8Array = leafHash
  for (const p of proof) {
    if (sn === 0) return fail('proof-length', 'the proof is longer than the path to the root')
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r)
      // Past the right border the node has no right sibling: climb until it is a right child.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      r = node(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  if (sn !== 0) return fail('proof-length', 'the proof is shorter than the path to the root')
  if (!equalBytes(r, root)) return fail('root-mismatch', 'the proof does not lead to the root')
  return OK
}

/** `checkInclusion(...).ok`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256Fn,
): boolean {
  return checkInclusion(leafHash, index, treeSize, proof, root, sha256).ok
}

/**
 * Checks that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of `newSize`
 * leaves with root `newRoot`. Returns why not when it is not.
 */
export function checkConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  sha256: Sha256Fn,
): MerkleCheck {
  if (!isCount(oldSize))
    return fail('bad-argument', `old size ${String(oldSize)} is not an integer >= 0`)
  if (!isCount(newSize))
    return fail('bad-argument', `new size ${String(newSize)} is not an integer >= 0`)
  if (oldSize > newSize)
    return fail('size-out-of-range', `old size ${oldSize} is larger than new size ${newSize}`)
  // RFC 9162 defines consistency proofs for 0 < m only. The empty tree is a prefix of every tree,
  // so a "proof" from size 0 proves nothing; accepting one would let a caller skip the check it
  // meant to make. transparency-dev/merkle rejects it too, even for 0 -> 0.
  if (oldSize === 0)
    return fail('size-out-of-range', 'a consistency proof needs an old size above 0')
  if (!Array.isArray(proof)) return fail('bad-argument', 'the proof is not an array of hashes')
  if (oldSize === newSize) {
    // Same tree: the proof must be empty and the roots equal. As in transparency-dev/merkle (and
    // its vector `sizes-are-equal-one-and-proof-is-empty`), the roots are only compared here, not
    // length-checked: a value is trivially consistent with itself, and nothing is hashed.
    if (proof.length !== 0) return fail('proof-length', 'equal sizes need an empty proof')
    if (!(oldRoot instanceof Uint8Array) || !(newRoot instanceof Uint8Array))
      return fail('hash-length', 'the roots must be byte arrays')
    return equalBytes(oldRoot, newRoot)
      ? OK
      : fail('root-mismatch', 'equal sizes but different roots')
  }
  if (!isHash(oldRoot)) return fail('hash-length', 'the old root is not 32 bytes')
  if (!isHash(newRoot)) return fail('hash-length', 'the new root is not 32 bytes')
  const expected = consistencyProofLength(oldSize, newSize)
  if (proof.length !== expected)
    return fail(
      'proof-length',
      `the proof has ${proof.length} hashes; these sizes need ${expected}`,
    )
  const bad = proof.findIndex((p) => !isHash(p))
  if (bad >= 0) return fail('hash-length', `proof[${bad}] is not 32 bytes`)

  // RFC 9162 §2.1.4.2. Step 1 (empty path fails) is covered by the exact length check above.
  const node = makeNodeHasher(sha256)
  // Step 2: when the old tree is a complete subtree, its root is the first node of the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof]
  // Step 3-4.
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2
    sn = Math.floor(sn / 2)
  }
  // Step 5.
  let fr = path[0] as Uint8Array
  let sr = fr
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return fail('proof-length', 'the proof is longer than the path to the root')
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr)
      sr = node(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      sr = node(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  // Step 7.
  if (sn !== 0) return fail('proof-length', 'the proof is shorter than the path to the root')
  if (!equalBytes(fr, oldRoot))
    return fail('root-mismatch', 'the proof does not lead to the old root')
  if (!equalBytes(sr, newRoot))
    return fail('root-mismatch', 'the proof does not lead to the new root')
  return OK
}

/** `checkConsistency(...).ok`. */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  sha256: Sha256Fn,
): boolean {
  return checkConsistency(oldSize, newSize, proof, oldRoot, newRoot, sha256).ok
}

/**
 * Checks that `leafHashes` are the last leaves of the tree of `treeSize` leaves whose root is
 * `root`: leaves `start` to `treeSize - 1`, with `start + leafHashes.length === treeSize`.
 * `proof` is the inclusion proof of leaf `start` in that tree (empty when `start` is 0: then the
 * leaves are the whole tree and the root is recomputed from them alone).
 *
 * How: the inclusion proof of leaf `start` is checked as usual; the hashes it combines on the
 * left are the perfect subtrees that make up leaves 0..start-1 (in RFC 9162 trees, the left
 * siblings on the path to a leaf cover exactly the leaves before it). From them and the new
 * leaves the root is recomputed, as a compact range grown leaf by leaf, and compared with `root`.
 * One proof thus checks a whole range of new entries: a monitor that follows a log needs one
 * request per round for it instead of one per entry (a bulk re-issue of a fleet appends
 * thousands of entries at once, past a registry's per-client rate limit). Any changed, missing,
 * extra or reordered leaf changes the recomputed root.
 *
 * This is a `TailLeaves` fed the leaves one by one; a caller with more leaves than it wants to
 * hold (the monitor) uses that directly.
 */
export function checkTailLeaves(
  start: number,
  leafHashes: readonly Uint8Array[],
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256Fn,
): MerkleCheck {
  const tail = new TailLeaves(start, sha256)
  // Not an array: no leaves, which `finish` reports after checking the start and the size.
  if (Array.isArray(leafHashes)) for (const h of leafHashes) tail.add(h)
  return tail.finish(treeSize, proof, root)
}

/** A perfect subtree in a compact range: `size` leaves (a power of two) and its hash. */
interface RangeNode {
  size: number
  hash: Uint8Array
}

/**
 * `checkTailLeaves` one leaf at a time, in O(log n) memory: `add` the leaf hashes of the range
 * from `start`, in order, then `finish` with the tree size, the inclusion proof of leaf `start`
 * and the root. The result is exactly `checkTailLeaves`'s on the same leaves (same checks, same
 * order, same reasons). The leaves are folded as they come into the compact range of
 * `start..start+count-1` (at most two perfect subtrees per level); `finish` puts the subtrees
 * before `start` that the proof holds on its left and folds the whole into the root. A bad leaf
 * is reported by `finish`, never thrown; `add` or `finish` after `finish` throws (a programming
 * error, not a bad input).
 */
export class TailLeaves {
  readonly #start: number
  readonly #sha256: Sha256Fn
  readonly #node: (left: Uint8Array, right: Uint8Array) => Uint8Array
  /** The compact range of the leaves added so far, leftmost first. */
  readonly #range: RangeNode[] = []
  #count = 0
  #first: Uint8Array | undefined
  /** Position (from `start`) of the first leaf hash that is not 32 bytes; -1: none. */
  #badLeaf = -1
  #finished = false

  constructor(start: number, sha256: Sha256Fn) {
    this.#start = start
    this.#sha256 = sha256
    this.#node = makeNodeHasher(sha256)
  }

  /** How many leaf hashes were added. */
  get count(): number {
    return this.#count
  }

  /** How many subtree hashes are held: at most two per level, O(log n). */
  get held(): number {
    return this.#range.length
  }

  add(leafHash: Uint8Array): void {
    if (this.#finished) throw new Error('TailLeaves.add after finish')
    const at = this.#count++
    if (this.#badLeaf >= 0) return
    if (!isHash(leafHash)) {
      this.#badLeaf = at
      this.#range.length = 0
      return
    }
    if (at === 0) this.#first = leafHash
    // A bad start is reported by `finish`; nothing to fold against.
    if (!isCount(this.#start)) return
    const range = this.#range
    range.push({ size: 1, hash: leafHash })
    // Merge the last two nodes while they are siblings: the same size, the left one starting at a
    // multiple of twice that size (from an unaligned start, the first nodes stay apart).
    const end = this.#start + at + 1
    for (;;) {
      const right = range.at(-1) as RangeNode
      const left = range.at(-2)
      if (!left || left.size !== right.size || (end - 2 * right.size) % (2 * right.size) !== 0)
        break
      range.splice(-2, 2, { size: left.size * 2, hash: this.#node(left.hash, right.hash) })
    }
  }

  finish(treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): MerkleCheck {
    if (this.#finished) throw new Error('TailLeaves.finish called twice')
    this.#finished = true
    const start = this.#start
    const count = this.#count
    if (!isCount(start))
      return fail('bad-argument', `start ${String(start)} is not an integer >= 0`)
    if (!isCount(treeSize))
      return fail('bad-argument', `tree size ${String(treeSize)} is not an integer >= 0`)
    if (count === 0) return fail('bad-argument', 'no leaves to check')
    if (start + count !== treeSize)
      return fail(
        'size-out-of-range',
        `${count} leaves from index ${start} do not end at the tree size ${treeSize}`,
      )
    if (this.#badLeaf >= 0)
      return fail('hash-length', `leaf hash ${start + this.#badLeaf} is not 32 bytes`)
    if (!isHash(root)) return fail('hash-length', 'the root is not 32 bytes')
    if (!Array.isArray(proof)) return fail('bad-argument', 'the proof is not an array of hashes')

    /** The compact range of leaves 0..n-1: perfect subtrees, largest (leftmost) first. */
    const range: RangeNode[] = []
    if (start > 0) {
      const first = this.#first as Uint8Array
      const included = checkInclusion(first, start, treeSize, proof, root, this.#sha256)
      if (!included.ok) return included
      // The proof's left siblings, as §2.1.3.2 walks it (lowest first): the subtrees before `start`.
      let fn = start
      let sn = treeSize - 1
      const lefts: Uint8Array[] = []
      for (const p of proof) {
        if (fn % 2 === 1 || fn === sn) {
          lefts.push(p)
          while (fn % 2 === 0 && fn !== 0) {
            fn /= 2
            sn = Math.floor(sn / 2)
          }
        }
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
      // Their sizes are the powers of two of `start`'s binary form, largest first.
      const sizes: number[] = []
      for (let bit = 2 ** Math.floor(Math.log2(start)); bit >= 1; bit /= 2)
        if (Math.floor(start / bit) % 2 === 1) sizes.push(bit)
      if (sizes.length !== lefts.length)
        return fail('proof-length', 'the proof does not cover the leaves before the range')
      lefts.reverse()
      for (const [i, hash] of lefts.entries()) range.push({ size: sizes[i] as number, hash })
    } else if (proof.length !== 0)
      return fail('proof-length', 'a range from index 0 needs no proof')

    // The added range's nodes after the ones before `start`: each starts at a multiple of its
    // size, so equal neighbours are siblings; merge them as a range grown from 0 does.
    for (const n of this.#range) {
      range.push(n)
      for (;;) {
        const right = range.at(-1) as RangeNode
        const left = range.at(-2)
        if (!left || left.size !== right.size) break
        range.splice(-2, 2, { size: left.size * 2, hash: this.#node(left.hash, right.hash) })
      }
    }
    // MTH(D[0:n]) = H(MTH(D[0:k]) || MTH(D[k:n])) for the largest power of two k < n: fold the
    // subtrees from the right.
    let r = (range.at(-1) as RangeNode).hash
    for (let i = range.length - 2; i >= 0; i--) r = this.#node((range[i] as RangeNode).hash, r)
    if (!equalBytes(r, root))
      return fail('root-mismatch', 'the leaves and the proof do not lead to the root')
    return OK
  }
}
