/**
 * An append-only RFC 9162 Merkle tree that keeps the hash of every complete subtree, level by
 * level, in contiguous byte arrays. With that, the root of any past size and inclusion and
 * consistency proofs need O(log n) lookups plus at most O(log n) hashes for the tree's ragged right
 * edge, whatever the size: microseconds at 1,000,000 leaves. Memory is ~2 hashes per leaf (64 MB per
 * million leaves). Appending costs one leaf store plus, amortised, one node hash.
 *
 * Definitions (RFC 9162 §2.1): https://www.rfc-editor.org/rfc/rfc9162#section-2.1
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 || d0)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k = largest power of 2 < n
 */
import { HASH_SIZE, emptyRoot, isHash, leafHash, makeNodeHasher, type Sha256Fn } from './hash.js'
import { isCount, isPowerOfTwo, log2Exact, splitPoint } from './math.js'

/** Hashes of the complete subtrees of one height, in order, packed 32 bytes each. */
class Level {
  bytes = new Uint8Array(HASH_SIZE * 16)
  count = 0

  push(hash: Uint8Array): void {
    const end = (this.count + 1) * HASH_SIZE
    if (end > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2)
      grown.set(this.bytes)
      this.bytes = grown
    }
    this.bytes.set(hash, this.count * HASH_SIZE)
    this.count++
  }

  /** A view, not a copy: only for internal use; public methods return copies. */
  at(i: number): Uint8Array {
    return this.bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)
  }
}

export class MerkleTree {
  readonly #sha256: Sha256Fn
  readonly #node: (left: Uint8Array, right: Uint8Array) => Uint8Array
  /** `#levels[h]` holds the hashes of the aligned complete subtrees of 2^h leaves. */
  readonly #levels: Level[] = [new Level()]

  constructor(sha256: Sha256Fn) {
    if (typeof sha256 !== 'function') throw new TypeError('MerkleTree: sha256 must be a function')
    this.#sha256 = sha256
    this.#node = makeNodeHasher(sha256)
  }

  /** A tree over raw leaf inputs (each hashed as `SHA-256(0x00 || input)`). */
  static fromLeaves(inputs: Iterable<Uint8Array>, sha256: Sha256Fn): MerkleTree {
    const tree = new MerkleTree(sha256)
    for (const input of inputs) tree.appendLeaf(input)
    return tree
  }

  /** A tree over leaf hashes computed elsewhere. */
  static fromLeafHashes(hashes: Iterable<Uint8Array>, sha256: Sha256Fn): MerkleTree {
    const tree = new MerkleTree(sha256)
    for (const hash of hashes) tree.append(hash)
    return tree
  }

  /** Number of leaves. */
  get size(): number {
    return (this.#levels[0] as Level).count
  }

  /** Appends a leaf by its leaf hash (`SHA-256(0x00 || input)`); returns its index. */
  append(leafHashValue: Uint8Array): number {
    if (!isHash(leafHashValue))
      throw new TypeError(`MerkleTree.append: a leaf hash must be ${HASH_SIZE} bytes`)
    const index = this.size
    let hash = leafHashValue
    // After each push, an even count at height h means two siblings just completed a subtree of
    // height h + 1: hash them and carry up, like incrementing a binary counter.
    for (let h = 0; ; h++) {
      const level = this.#levels[h] ?? (this.#levels[h] = new Level())
      level.push(hash)
      if (level.count % 2 !== 0) break
      hash = this.#node(level.at(level.count - 2), level.at(level.count - 1))
    }
    return index
  }

  /** Appends a raw leaf input; returns its index. */
  appendLeaf(input: Uint8Array): number {
    return this.append(leafHash(input, this.#sha256))
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.#checkIndex(index, this.size, 'leafHash')
    return (this.#levels[0] as Level).at(index).slice()
  }

  /** The Merkle tree hash of the first `size` leaves (default: all of them). */
  root(size: number = this.size): Uint8Array {
    this.#checkSize(size, 'root')
    if (size === 0) return emptyRoot(this.#sha256)
    return this.#range(0, size).slice()
  }

  /**
   * The inclusion proof (audit path, RFC 9162 §2.1.3.1) of leaf `index` in the tree of the first
   * `size` leaves, ordered from the leaf's sibling up to the child of the root.
   */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkSize(size, 'inclusionProof')
    this.#checkIndex(index, size, 'inclusionProof')
    // PATH(m, D[lo:hi]) recurses into the half holding m and appends the other half's MTH after
    // the recursive part; walking top-down we collect those siblings, then reverse.
    const siblings: Uint8Array[] = []
    let lo = 0
    let hi = size
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo)
      if (index < lo + k) {
        siblings.push(this.#range(lo + k, hi))
        hi = lo + k
      } else {
        siblings.push(this.#range(lo, lo + k))
        lo += k
      }
    }
    return siblings.reverse().map((h) => h.slice())
  }

  /**
   * The consistency proof (RFC 9162 §2.1.4.1) that the tree of the first `m` leaves is a prefix
   * of the tree of the first `n` leaves (default: all). Empty when m = n; 0 < m <= n <= size.
   */
  consistencyProof(m: number, n: number = this.size): Uint8Array[] {
    this.#checkSize(n, 'consistencyProof')
    if (!isCount(m) || m < 1 || m > n)
      throw new RangeError(`MerkleTree.consistencyProof: need 0 < m <= n, got m=${m}, n=${n}`)
    // SUBPROOF(m, D[lo:hi], b): walking top-down, each step appends one MTH after the recursive
    // part; the recursion ends either on the old tree itself (nothing when b is still true, i.e.
    // the old root is a node the verifier already has) or on a subtree that is then sent first.
    const suffix: Uint8Array[] = []
    let lo = 0
    let hi = n
    let rel = m
    let b = true
    while (rel !== hi - lo) {
      const k = splitPoint(hi - lo)
      if (rel <= k) {
        suffix.push(this.#range(lo + k, hi))
        hi = lo + k
      } else {
        suffix.push(this.#range(lo, lo + k))
        lo += k
        rel -= k
        b = false
      }
    }
    const proof = b ? [] : [this.#range(lo, hi)]
    for (let i = suffix.length - 1; i >= 0; i--) proof.push(suffix[i] as Uint8Array)
    return proof.map((h) => h.slice())
  }

  /** MTH(D[lo:hi]) for 0 <= lo < hi <= size; a view into the store when the subtree is stored. */
  #range(lo: number, hi: number): Uint8Array {
    const len = hi - lo
    if (isPowerOfTwo(len) && lo % len === 0) {
      return (this.#levels[log2Exact(len)] as Level).at(lo / len)
    }
    const k = splitPoint(len)
    return this.#node(this.#range(lo, lo + k), this.#range(lo + k, hi))
  }

  #checkSize(size: number, where: string): void {
    if (!isCount(size) || size > this.size)
      throw new RangeError(
        `MerkleTree.${where}: size must be an integer from 0 to ${this.size}, got ${String(size)}`,
      )
  }

  #checkIndex(index: number, size: number, where: string): void {
    if (!isCount(index) || index >= size)
      throw new RangeError(
        `MerkleTree.${where}: index must be an integer from 0 to ${size - 1}, got ${String(index)}`,
      )
  }
}
