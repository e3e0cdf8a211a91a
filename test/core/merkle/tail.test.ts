/**
 * checkTailLeaves: the new entries a monitor reads (leaves start..size-1) checked against a signed
 * root with the one inclusion proof of leaf `start`. Every split of every tree up to 40 leaves,
 * and every way a log could lie about the range.
 */
import { describe, expect, it } from 'vitest'
import { MerkleTree, checkTailLeaves } from '../../../src/core/merkle/index.js'
import { sha256 } from '../../../src/node/sha256.js'

const enc = new TextEncoder()
const MAX = 40
const tree = MerkleTree.fromLeaves(
  Array.from({ length: MAX }, (_, i) => enc.encode(`entry ${i}`)),
  sha256,
)
const leaves = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => tree.leafHash(start + i))
const proofOf = (start: number, size: number) =>
  start === 0 ? [] : tree.inclusionProof(start, size)
const other = sha256(enc.encode('forged'))

describe('checkTailLeaves', () => {
  it('accepts the genuine leaves for every start and size', () => {
    for (let size = 1; size <= MAX; size++)
      for (let start = 0; start < size; start++) {
        const r = checkTailLeaves(
          start,
          leaves(start, size),
          size,
          proofOf(start, size),
          tree.root(size),
          sha256,
        )
        expect(r, `start ${start}, size ${size}`).toEqual({ ok: true })
      }
  })

  it('refuses any one changed leaf, for every start and size', () => {
    for (let size = 1; size <= MAX; size++)
      for (let start = 0; start < size; start++)
        for (let k = start; k < size; k++) {
          const forged = leaves(start, size)
          forged[k - start] = other
          const r = checkTailLeaves(
            start,
            forged,
            size,
            proofOf(start, size),
            tree.root(size),
            sha256,
          )
          expect(r.ok, `start ${start}, size ${size}, leaf ${k}`).toBe(false)
        }
  })

  it('refuses reordered, missing and extra leaves, and a proof for another size', () => {
    const size = 29
    const start = 13
    const good = leaves(start, size)
    const root = tree.root(size)
    const proof = proofOf(start, size)
    const swapped = [...good]
    ;[swapped[3], swapped[4]] = [swapped[4] as Uint8Array, swapped[3] as Uint8Array]
    expect(checkTailLeaves(start, swapped, size, proof, root, sha256)).toMatchObject({
      ok: false,
      reason: 'root-mismatch',
    })
    expect(checkTailLeaves(start, good.slice(1), size, proof, root, sha256)).toMatchObject({
      ok: false,
      reason: 'size-out-of-range',
    })
    expect(checkTailLeaves(start, [...good, other], size, proof, root, sha256).ok).toBe(false)
    expect(checkTailLeaves(start, good, size, proofOf(start, size - 1), root, sha256).ok).toBe(
      false,
    )
    // The right leaves against the root of a larger tree that holds them too.
    expect(checkTailLeaves(start, good, size, proof, tree.root(size + 1), sha256).ok).toBe(false)
    expect(checkTailLeaves(0, leaves(0, size), size, [other], root, sha256)).toMatchObject({
      ok: false,
      reason: 'proof-length',
    })
    expect(checkTailLeaves(start, [], size, proof, root, sha256).ok).toBe(false)
  })

  it('uses the left side of the proof: a forged left subtree changes the root', () => {
    // A proof whose left-sibling hashes were replaced fails the inclusion check of leaf `start`.
    const size = 21
    const start = 12 // 8 + 4: two left subtrees
    const proof = proofOf(start, size).map(() => other)
    expect(
      checkTailLeaves(start, leaves(start, size), size, proof, tree.root(size), sha256).ok,
    ).toBe(false)
  })
})
