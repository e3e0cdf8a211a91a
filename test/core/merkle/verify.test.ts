/** Attacker-controlled inputs to the verifiers: every one is a failed check with a reason, never a throw. */
import { describe, expect, it } from 'vitest'
import { MerkleTree, checkConsistency, checkInclusion } from '../../../src/core/merkle/index.js'
import { sha256 } from '../../../src/node/sha256.js'

const enc = new TextEncoder()
const tree = MerkleTree.fromLeaves(
  Array.from({ length: 7 }, (_, i) => enc.encode(`e${i}`)),
  sha256,
)
const root = tree.root()
const leaf = tree.leafHash(3)
const proof = tree.inclusionProof(3)
const any = (x: unknown) => x as never

describe('checkInclusion rejects bad input with a reason', () => {
  it('accepts the genuine proof', () => {
    expect(checkInclusion(leaf, 3, 7, proof, root, sha256)).toEqual({ ok: true })
  })

  it.each([
    ['index -1', -1, 7, 'bad-argument'],
    ['fractional index', 2.5, 7, 'bad-argument'],
    ['NaN index', Number.NaN, 7, 'bad-argument'],
    ['string index', '3', 7, 'bad-argument'],
    ['index past 2^53', 2 ** 53, 2 ** 53 + 2, 'bad-argument'],
    ['negative size', 3, -7, 'bad-argument'],
    ['fractional size', 3, 7.5, 'bad-argument'],
    ['index = size', 7, 7, 'index-out-of-range'],
    ['index past size', 9, 7, 'index-out-of-range'],
    ['empty tree', 0, 0, 'index-out-of-range'],
  ])('%s', (_name, index, size, reason) => {
    const r = checkInclusion(leaf, any(index), any(size), proof, root, sha256)
    expect(r).toMatchObject({ ok: false, reason })
  })

  it('wrong hash lengths', () => {
    expect(checkInclusion(leaf.slice(1), 3, 7, proof, root, sha256)).toMatchObject({
      reason: 'hash-length',
    })
    expect(checkInclusion(leaf, 3, 7, proof, new Uint8Array(33), sha256)).toMatchObject({
      reason: 'hash-length',
    })
    const short = [...proof]
    short[1] = new Uint8Array(16)
    expect(checkInclusion(leaf, 3, 7, short, root, sha256)).toMatchObject({ reason: 'hash-length' })
  })

  it('missing, null or non-byte proof entries', () => {
    expect(checkInclusion(leaf, 3, 7, any(null), root, sha256)).toMatchObject({
      reason: 'bad-argument',
    })
    expect(checkInclusion(leaf, 3, 7, any('abc'), root, sha256)).toMatchObject({
      reason: 'bad-argument',
    })
    const holes = [proof[0], undefined, proof[2]]
    expect(checkInclusion(leaf, 3, 7, any(holes), root, sha256)).toMatchObject({
      reason: 'hash-length',
    })
    const strings = proof.map((p) => Buffer.from(p).toString('hex'))
    expect(checkInclusion(leaf, 3, 7, any(strings), root, sha256)).toMatchObject({
      reason: 'hash-length',
    })
    expect(checkInclusion(any(null), 3, 7, proof, root, sha256)).toMatchObject({
      reason: 'hash-length',
    })
  })

  it('too short or too long proofs', () => {
    expect(checkInclusion(leaf, 3, 7, proof.slice(1), root, sha256)).toMatchObject({
      reason: 'proof-length',
    })
    expect(checkInclusion(leaf, 3, 7, [...proof, root], root, sha256)).toMatchObject({
      reason: 'proof-length',
    })
    expect(checkInclusion(leaf, 3, 7, [], root, sha256)).toMatchObject({ reason: 'proof-length' })
  })

  it('a well-formed proof for another root', () => {
    expect(checkInclusion(leaf, 3, 7, proof, tree.root(6), sha256)).toMatchObject({
      reason: 'root-mismatch',
    })
    expect(checkInclusion(tree.leafHash(2), 3, 7, proof, root, sha256)).toMatchObject({
      reason: 'root-mismatch',
    })
  })
})

describe('checkConsistency rejects bad input with a reason', () => {
  const cp = tree.consistencyProof(3, 7)
  const r3 = tree.root(3)

  it('accepts the genuine proof', () => {
    expect(checkConsistency(3, 7, cp, r3, root, sha256)).toEqual({ ok: true })
  })

  it.each([
    ['negative old size', -1, 7, 'bad-argument'],
    ['fractional new size', 3, 7.1, 'bad-argument'],
    ['old size 0', 0, 7, 'size-out-of-range'],
    ['old size 0, new size 0', 0, 0, 'size-out-of-range'],
    ['old larger than new', 8, 7, 'size-out-of-range'],
    ['proof made for other sizes', 4, 7, 'proof-length'],
  ])('%s', (_name, m, n, reason) => {
    expect(checkConsistency(any(m), any(n), cp, r3, root, sha256)).toMatchObject({
      ok: false,
      reason,
    })
  })

  it('length and shape problems', () => {
    expect(checkConsistency(3, 7, [], r3, root, sha256)).toMatchObject({ reason: 'proof-length' })
    expect(checkConsistency(3, 7, [...cp, root], r3, root, sha256)).toMatchObject({
      reason: 'proof-length',
    })
    expect(checkConsistency(3, 7, any(undefined), r3, root, sha256)).toMatchObject({
      reason: 'bad-argument',
    })
    expect(
      checkConsistency(
        3,
        7,
        [cp[0] as Uint8Array, new Uint8Array(0), ...cp.slice(2)],
        r3,
        root,
        sha256,
      ),
    ).toMatchObject({
      reason: 'hash-length',
    })
    expect(checkConsistency(3, 7, cp, r3.slice(0, 31), root, sha256)).toMatchObject({
      reason: 'hash-length',
    })
  })

  it('equal sizes need an empty proof and equal roots', () => {
    expect(checkConsistency(7, 7, [], root, root, sha256)).toEqual({ ok: true })
    expect(checkConsistency(7, 7, [root], root, root, sha256)).toMatchObject({
      reason: 'proof-length',
    })
    expect(checkConsistency(7, 7, [], r3, root, sha256)).toMatchObject({ reason: 'root-mismatch' })
    expect(checkConsistency(7, 7, [], any(null), any(null), sha256)).toMatchObject({
      reason: 'hash-length',
    })
  })
})
