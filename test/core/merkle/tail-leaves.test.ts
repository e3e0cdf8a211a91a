/**
 * TailLeaves: checkTailLeaves fed one leaf at a time (the monitor's bounded-memory check of a
 * range of new entries). Its results must be exactly those of the array version as it was before
 * the refactoring (kept below as the reference), for every start of random trees up to 300
 * leaves, for forged ranges, and for every malformed input.
 */
import { describe, expect, it } from 'vitest'
import { MerkleTree, TailLeaves, checkTailLeaves } from '../../../src/core/merkle/index.js'
import { equalBytes, isHash, makeNodeHasher, type Sha256Fn } from '../../../src/core/merkle/hash.js'
import { isCount } from '../../../src/core/merkle/math.js'
import { checkInclusion, type MerkleCheck } from '../../../src/core/merkle/verify.js'
import { sha256 } from '../../../src/node/sha256.js'

const fail = (reason: string, message: string) => ({ ok: false, reason, message }) as MerkleCheck
const OK: MerkleCheck = { ok: true }

/** checkTailLeaves as it was before TailLeaves (commit cfdbec7), verbatim: the reference. */
function referenceTail(
  start: number,
  leafHashes: readonly Uint8Array[],
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256Fn,
): MerkleCheck {
  if (!isCount(start)) return fail('bad-argument', `start ${String(start)} is not an integer >= 0`)
  if (!isCount(treeSize))
    return fail('bad-argument', `tree size ${String(treeSize)} is not an integer >= 0`)
  if (!Array.isArray(leafHashes) || leafHashes.length === 0)
    return fail('bad-argument', 'no leaves to check')
  if (start + leafHashes.length !== treeSize)
    return fail(
      'size-out-of-range',
      `${leafHashes.length} leaves from index ${start} do not end at the tree size ${treeSize}`,
    )
  const badLeaf = leafHashes.findIndex((h) => !isHash(h))
  if (badLeaf >= 0) return fail('hash-length', `leaf hash ${start + badLeaf} is not 32 bytes`)
  if (!isHash(root)) return fail('hash-length', 'the root is not 32 bytes')
  if (!Array.isArray(proof)) return fail('bad-argument', 'the proof is not an array of hashes')

  /** The compact range of leaves 0..n-1: perfect subtrees, largest (leftmost) first. */
  const range: { size: number; hash: Uint8Array }[] = []
  if (start > 0) {
    const included = checkInclusion(
      leafHashes[0] as Uint8Array,
      start,
      treeSize,
      proof,
      root,
      sha256,
    )
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
  } else if (proof.length !== 0) return fail('proof-length', 'a range from index 0 needs no proof')

  const node = makeNodeHasher(sha256)
  for (const hash of leafHashes) {
    range.push({ size: 1, hash })
    for (;;) {
      const right = range.at(-1)
      const left = range.at(-2)
      if (!right || !left || left.size !== right.size) break
      range.splice(-2, 2, { size: left.size * 2, hash: node(left.hash, right.hash) })
    }
  }
  // MTH(D[0:n]) = H(MTH(D[0:k]) || MTH(D[k:n])) for the largest power of two k < n: fold the
  // subtrees from the right.
  let r = (range.at(-1) as { hash: Uint8Array }).hash
  for (let i = range.length - 2; i >= 0; i--) r = node((range[i] as { hash: Uint8Array }).hash, r)
  if (!equalBytes(r, root))
    return fail('root-mismatch', 'the leaves and the proof do not lead to the root')
  return OK
}

/** The same check through TailLeaves, leaf by leaf. */
function incremental(
  start: number,
  leafHashes: readonly Uint8Array[],
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hash: Sha256Fn = sha256,
): MerkleCheck {
  const tail = new TailLeaves(start, hash)
  for (const h of leafHashes) tail.add(h)
  if (tail.count !== leafHashes.length) throw new Error(`count ${tail.count}`)
  return tail.finish(treeSize, proof, root)
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

const MAX = 300
const rnd = random(20261123)
const tree = new MerkleTree(sha256)
for (let i = 0; i < MAX; i++)
  tree.append(sha256(Uint8Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => rnd() * 256)))
const leaves = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => tree.leafHash(start + i))
const proofOf = (start: number, size: number) =>
  start === 0 ? [] : tree.inclusionProof(start, size)
const other = sha256(new TextEncoder().encode('forged'))

describe('TailLeaves', () => {
  it('accepts the genuine range for every start of random trees of 1 to 300 leaves', () => {
    for (let size = 1; size <= MAX; size++) {
      const root = tree.root(size)
      for (let start = 0; start < size; start++) {
        const r = incremental(start, leaves(start, size), size, proofOf(start, size), root)
        if (!r.ok) expect(r, `start ${start}, size ${size}`).toEqual(OK)
        if (size % 50 === 0)
          expect(r).toEqual(
            referenceTail(start, leaves(start, size), size, proofOf(start, size), root, sha256),
          )
      }
    }
  })

  it('gives the reference result for a forged leaf, every start, sizes 1 to 300', () => {
    for (let size = 1; size <= MAX; size++) {
      const root = tree.root(size)
      for (let start = 0; start < size; start++) {
        const forged = leaves(start, size)
        forged[Math.floor(rnd() * forged.length)] = other
        const proof = proofOf(start, size)
        const r = incremental(start, forged, size, proof, root)
        if (r.ok) expect(r, `start ${start}, size ${size}`).not.toEqual(OK)
        if (size <= 40 || size % 50 === 0)
          expect(r, `start ${start}, size ${size}`).toEqual(
            referenceTail(start, forged, size, proof, root, sha256),
          )
      }
    }
  })

  it('gives the reference result with SHA-256 on the vectors of tail.test.ts (40 leaves)', () => {
    const enc = new TextEncoder()
    const t = MerkleTree.fromLeaves(
      Array.from({ length: 40 }, (_, i) => enc.encode(`entry ${i}`)),
      sha256,
    )
    const forgedLeaf = sha256(enc.encode('forged'))
    for (let size = 1; size <= 40; size++)
      for (let start = 0; start < size; start++) {
        const good = Array.from({ length: size - start }, (_, i) => t.leafHash(start + i))
        const forged = [...good]
        forged[(start * 7) % forged.length] = forgedLeaf
        const proof = start === 0 ? [] : t.inclusionProof(start, size)
        for (const list of [good, forged])
          expect(incremental(start, list, size, proof, t.root(size), sha256)).toEqual(
            referenceTail(start, list, size, proof, t.root(size), sha256),
          )
      }
  })

  it('gives the reference result for every kind of bad input', () => {
    const size = 29
    const start = 13
    const good = leaves(start, size)
    const root = tree.root(size)
    const proof = proofOf(start, size)
    const cases: [number, Uint8Array[], number, Uint8Array[], Uint8Array][] = [
      [start, good, size, proof, root],
      [start, [good[1] as Uint8Array, good[0] as Uint8Array, ...good.slice(2)], size, proof, root],
      [start, good.slice(1), size, proof, root],
      [start, good.slice(0, -1), size, proof, root],
      [start, [...good, other], size, proof, root],
      [start, good, size, proofOf(start, size - 1), root],
      [start, good, size, proof, tree.root(size + 1)],
      [start, good, size, proof.slice(1), root],
      [start, good, size, [...proof, other], root],
      [start, good, size, proof, root.slice(1)],
      [start, [...good.slice(0, 3), other.slice(1), ...good.slice(4)], size, proof, root],
      [start, [other.slice(2), ...good.slice(1)], size, proof, root],
      [start, [], size, proof, root],
      [0, leaves(0, size), size, [other], root],
      [0, leaves(0, size), size, [], root],
      [-1, good, size, proof, root],
      [1.5, good, size, proof, root],
      [start, good, Number.NaN, proof, root],
      [start, good, size, 'x' as unknown as Uint8Array[], root],
      [start, good, size, [proof[0] as Uint8Array, other.slice(3)], root],
      [16, leaves(16, 32), 32, proofOf(16, 32), tree.root(32)],
      [16, leaves(16, 32), 32, proofOf(16, 32), tree.root(31)],
    ]
    for (const [i, c] of cases.entries())
      expect(incremental(...c), `case ${i}`).toEqual(referenceTail(...c, sha256))
    // Not an array of leaves at all, through checkTailLeaves.
    expect(
      checkTailLeaves(start, 'x' as unknown as Uint8Array[], size, proof, root, sha256),
    ).toEqual(referenceTail(start, 'x' as unknown as Uint8Array[], size, proof, root, sha256))
  })

  it('keeps O(log n) nodes, and refuses to be used after finish', () => {
    const tail = new TailLeaves(3, sha256)
    let most = 0
    for (let i = 3; i < MAX; i++) {
      tail.add(tree.leafHash(i))
      most = Math.max(most, tail.held)
    }
    // At most two subtrees per level (one on each unaligned side of the range): 2 * 8 for 300.
    expect(most).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(MAX)))
    expect(most).toBeGreaterThan(2)
    expect(tail.finish(MAX, proofOf(3, MAX), tree.root(MAX))).toEqual(OK)
    expect(() => tail.add(other)).toThrow(/after finish/)
    expect(() => tail.finish(MAX, proofOf(3, MAX), tree.root(MAX))).toThrow(/twice/)
  })
})
