import { describe, expect, it } from 'vitest'
import {
  MerkleTree,
  consistencyProof,
  consistencyProofLength,
  emptyRoot,
  inclusionProof,
  inclusionProofLength,
  leafHash,
  merkleRoot,
  nodeHash,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/merkle/index.js'
import { sha256 } from '../../../src/node/sha256.js'
import { refMth, refPath, refProof } from './reference.js'

const enc = new TextEncoder()
const leavesOf = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => enc.encode(`leaf ${i}`))
const hex = (xs: Uint8Array[]): string[] => xs.map(toHex)

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('empty tree root is SHA-256 of nothing', () => {
    expect(toHex(emptyRoot(sha256))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(toHex(new MerkleTree(sha256).root())).toBe(toHex(emptyRoot(sha256)))
    expect(toHex(merkleRoot([], sha256))).toBe(toHex(emptyRoot(sha256)))
  })

  it('leaf and node hashes carry the 0x00 / 0x01 prefixes', () => {
    const a = enc.encode('a')
    expect(toHex(leafHash(a, sha256))).toBe(toHex(sha256(Uint8Array.of(0, 0x61))))
    const l = leafHash(a, sha256)
    const r = leafHash(enc.encode('b'), sha256)
    expect(toHex(nodeHash(l, r, sha256))).toBe(toHex(sha256(Uint8Array.of(1, ...l, ...r))))
    // a one-leaf tree's root is its leaf hash
    expect(toHex(merkleRoot([a], sha256))).toBe(toHex(l))
  })
})

describe('MerkleTree against the RFC definitions', () => {
  const N = 40
  const data = leavesOf(N)
  const tree = MerkleTree.fromLeaves(data, sha256)

  it('root of every size 0..40 equals MTH', () => {
    for (let n = 0; n <= N; n++) expect(toHex(tree.root(n))).toBe(toHex(refMth(data.slice(0, n))))
  })

  it('every inclusion proof equals PATH, has the predicted length and verifies', () => {
    for (let n = 1; n <= N; n++) {
      const root = tree.root(n)
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n)
        expect(hex(proof)).toEqual(hex(refPath(m, data.slice(0, n))))
        expect(proof).toHaveLength(inclusionProofLength(m, n))
        expect(verifyInclusion(tree.leafHash(m), m, n, proof, root, sha256)).toBe(true)
        // the same proof does not place the leaf at the neighbouring index
        if (n > 1)
          expect(verifyInclusion(tree.leafHash(m), (m + 1) % n, n, proof, root, sha256)).toBe(false)
      }
    }
  })

  it('every consistency proof equals PROOF, has the predicted length and verifies', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n)
        expect(hex(proof)).toEqual(hex(m === n ? [] : refProof(m, data.slice(0, n))))
        if (m < n) expect(proof).toHaveLength(consistencyProofLength(m, n))
        expect(verifyConsistency(m, n, proof, tree.root(m), tree.root(n), sha256)).toBe(true)
        if (m < n) {
          // swapping the roots, or claiming a different old root, must fail
          expect(verifyConsistency(m, n, proof, tree.root(n), tree.root(m), sha256)).toBe(false)
          if (m > 1)
            expect(verifyConsistency(m, n, proof, tree.root(m - 1), tree.root(n), sha256)).toBe(
              false,
            )
        }
      }
    }
  })

  it('flipping any bit of any proof hash is caught', () => {
    const n = 37
    const proof = tree.inclusionProof(13, n)
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p) => p.slice())
      ;(bad[i] as Uint8Array)[7] ^= 0x10
      expect(verifyInclusion(tree.leafHash(13), 13, n, bad, tree.root(n), sha256)).toBe(false)
    }
    const cp = tree.consistencyProof(11, n)
    for (let i = 0; i < cp.length; i++) {
      const bad = cp.map((p) => p.slice())
      ;(bad[i] as Uint8Array)[0] ^= 1
      expect(verifyConsistency(11, n, bad, tree.root(11), tree.root(n), sha256)).toBe(false)
    }
  })

  it('incremental appends give the same roots as building at once', () => {
    const t = new MerkleTree(sha256)
    data.forEach((d, i) => {
      expect(t.appendLeaf(d)).toBe(i)
      expect(toHex(t.root())).toBe(toHex(tree.root(i + 1)))
    })
    expect(t.size).toBe(N)
    expect(
      toHex(
        MerkleTree.fromLeafHashes(
          data.map((d) => leafHash(d, sha256)),
          sha256,
        ).root(),
      ),
    ).toBe(toHex(tree.root()))
  })

  it('one-shot helpers agree with the tree', () => {
    expect(toHex(merkleRoot(data, sha256))).toBe(toHex(tree.root()))
    expect(hex(inclusionProof(data, 5, sha256))).toEqual(hex(tree.inclusionProof(5)))
    expect(hex(inclusionProof(tree, 5))).toEqual(hex(tree.inclusionProof(5)))
    expect(hex(consistencyProof(data, 6, 40, sha256))).toEqual(hex(tree.consistencyProof(6, 40)))
    expect(hex(consistencyProof(tree, 6, 40))).toEqual(hex(tree.consistencyProof(6, 40)))
  })

  it('a larger tree (1,000 leaves) matches the reference at sampled points', () => {
    const big = leavesOf(1000)
    const t = MerkleTree.fromLeaves(big, sha256)
    expect(toHex(t.root())).toBe(toHex(refMth(big)))
    for (const m of [0, 1, 511, 512, 513, 998, 999]) {
      expect(hex(t.inclusionProof(m))).toEqual(hex(refPath(m, big)))
    }
    for (const m of [1, 2, 3, 512, 700, 999])
      expect(hex(t.consistencyProof(m))).toEqual(hex(refProof(m, big)))
  })
})

describe('MerkleTree API misuse', () => {
  const tree = MerkleTree.fromLeaves(leavesOf(5), sha256)

  it('a one-leaf tree has an empty inclusion proof that verifies', () => {
    const one = MerkleTree.fromLeaves([enc.encode('only')], sha256)
    expect(one.inclusionProof(0)).toEqual([])
    expect(verifyInclusion(one.leafHash(0), 0, 1, [], one.root(), sha256)).toBe(true)
  })

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => new MerkleTree(sha256).append(new Uint8Array(31))).toThrow(TypeError)
    expect(() => new MerkleTree(sha256).append('x' as unknown as Uint8Array)).toThrow(TypeError)
    expect(() => new MerkleTree(undefined as unknown as typeof sha256)).toThrow(TypeError)
  })

  it('throws RangeError for indexes and sizes outside the tree', () => {
    for (const bad of [-1, 5, 1.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(() => tree.inclusionProof(bad)).toThrow(RangeError)
      expect(() => tree.leafHash(bad)).toThrow(RangeError)
    }
    expect(() => tree.inclusionProof(2, 2)).toThrow(RangeError)
    expect(() => tree.root(6)).toThrow(RangeError)
    expect(() => tree.root(-1)).toThrow(RangeError)
    expect(() => tree.consistencyProof(0, 5)).toThrow(RangeError)
    expect(() => tree.consistencyProof(4, 3)).toThrow(RangeError)
    expect(() => tree.consistencyProof(2, 6)).toThrow(RangeError)
    expect(() => new MerkleTree(sha256).inclusionProof(0)).toThrow(RangeError)
  })

  it('needs a sha256 function for leaf inputs', () => {
    // @ts-expect-error the overload needs sha256 with leaf inputs
    expect(() => inclusionProof(leavesOf(2), 0)).toThrow(TypeError)
  })

  it('returns copies, so callers cannot corrupt the tree', () => {
    const before = toHex(tree.root())
    tree.root().fill(0)
    tree.leafHash(0).fill(0)
    tree.inclusionProof(0).forEach((p) => p.fill(0))
    expect(toHex(tree.root())).toBe(before)
    expect(
      verifyInclusion(tree.leafHash(0), 0, 5, tree.inclusionProof(0), tree.root(), sha256),
    ).toBe(true)
  })
})
