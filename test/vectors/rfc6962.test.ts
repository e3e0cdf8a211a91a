/**
 * Runs every RFC 6962 / RFC 9162 vector in ../shared/vendor/rfc6962/vectors.json (from
 * transparency-dev/merkle): tree roots for sizes 0..8 and the complete-subtree hashes, then all 86
 * inclusion and 98 consistency cases. `wantErr: false` cases must verify; every mutation
 * (`wantErr: true`) must be rejected.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  MerkleTree,
  checkConsistency,
  checkInclusion,
  consistencyProof,
  inclusionProof,
  merkleRoot,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/merkle/index.js'
import { sha256 } from '../../src/node/sha256.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'

const VECTORS = `${SHARED_VENDOR}/rfc6962/vectors.json`

interface InclusionCase {
  file: string
  desc: string
  leafIdx: number
  treeSize: number
  root: string
  leafHash: string
  proof: string[] | null
  wantErr: boolean
}
interface ConsistencyCase {
  file: string
  desc: string
  size1: number
  size2: number
  root1: string
  root2: string
  proof: string[] | null
  wantErr: boolean
}
interface Vectors {
  tree: {
    leaf_inputs_hex: string[]
    root_hashes_by_size_hex: string[]
    node_hashes_by_level_hex: string[][]
  }
  inclusion: InclusionCase[]
  consistency: ConsistencyCase[]
}

const v = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'))
// Upstream JSON has `null` for a Go nil slice, i.e. an empty proof.
const proofOf = (p: string[] | null): Uint8Array[] => (p ?? []).map(b64)
const leaves = v.tree.leaf_inputs_hex.map((h) => new Uint8Array(Buffer.from(h, 'hex')))

describe('RFC 6962 tree vectors', () => {
  it('has the documented number of cases', () => {
    expect(v.inclusion).toHaveLength(86)
    expect(v.consistency).toHaveLength(98)
    expect(v.inclusion.filter((c) => !c.wantErr)).toHaveLength(6)
    expect(v.consistency.filter((c) => !c.wantErr)).toHaveLength(6)
  })

  it.each(v.tree.root_hashes_by_size_hex.map((root, size) => ({ size, root })))(
    'root of the first $size leaves',
    ({ size, root }) => {
      expect(toHex(merkleRoot(leaves.slice(0, size), sha256))).toBe(root)
      // ... and the same from one tree asked for a past size
      expect(toHex(MerkleTree.fromLeaves(leaves, sha256).root(size))).toBe(root)
    },
  )

  it('every complete-subtree hash, by level', () => {
    const tree = MerkleTree.fromLeaves(leaves, sha256)
    v.tree.node_hashes_by_level_hex.forEach((level, h) => {
      level.forEach((hex, i) => {
        const width = 2 ** h
        // The root of a complete aligned subtree equals MTH of that slice of leaves.
        expect(toHex(merkleRoot(leaves.slice(i * width, (i + 1) * width), sha256))).toBe(hex)
      })
    })
    expect(toHex(tree.leafHash(0))).toBe(v.tree.node_hashes_by_level_hex[0]?.[0])
  })

  it('generated proofs match the valid vectors byte for byte', () => {
    const tree = MerkleTree.fromLeaves(leaves, sha256)
    for (const c of v.inclusion.filter((x) => !x.wantErr)) {
      expect(inclusionProof(leaves.slice(0, c.treeSize), c.leafIdx, sha256).map(toHex)).toEqual(
        proofOf(c.proof).map(toHex),
      )
      expect(tree.inclusionProof(c.leafIdx, c.treeSize).map(toHex)).toEqual(
        proofOf(c.proof).map(toHex),
      )
    }
    for (const c of v.consistency.filter((x) => !x.wantErr)) {
      expect(tree.consistencyProof(c.size1, c.size2).map(toHex)).toEqual(
        proofOf(c.proof).map(toHex),
      )
      expect(
        consistencyProof(leaves.slice(0, c.size2), c.size1, c.size2, sha256).map(toHex),
      ).toEqual(proofOf(c.proof).map(toHex))
    }
  })
})

describe('inclusion vectors', () => {
  it.each(v.inclusion)('$file ($desc)', (c) => {
    const args = [
      b64(c.leafHash),
      c.leafIdx,
      c.treeSize,
      proofOf(c.proof),
      b64(c.root),
      sha256,
    ] as const
    const result = checkInclusion(...args)
    expect(result.ok, result.ok ? '' : result.message).toBe(!c.wantErr)
    expect(verifyInclusion(...args)).toBe(!c.wantErr)
  })
})

describe('consistency vectors', () => {
  it.each(v.consistency)('$file ($desc)', (c) => {
    const args = [c.size1, c.size2, proofOf(c.proof), b64(c.root1), b64(c.root2), sha256] as const
    const result = checkConsistency(...args)
    expect(result.ok, result.ok ? '' : result.message).toBe(!c.wantErr)
    expect(verifyConsistency(...args)).toBe(!c.wantErr)
  })
})
