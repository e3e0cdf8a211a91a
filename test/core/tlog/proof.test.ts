import { describe, expect, it } from 'vitest'
import { MerkleTree, toHex } from '../../../src/core/merkle/index.js'
import {
  entriesPath,
  consistencyProofPath,
  inclusionProofPath,
  LOG_API,
  passportPath,
} from '../../../src/core/tlog/api.js'
import { checkEntryInclusion, checkTreeConsistency } from '../../../src/core/tlog/proof.js'
import { sha256 } from '../../../src/node/sha256.js'

const tree = MerkleTree.fromLeaves(
  Array.from({ length: 21 }, (_, i) => new TextEncoder().encode(`leaf ${i}`)),
  sha256,
)
const head = (n: number) => ({ size: n, rootHash: tree.root(n) })
const incl = (i: number, n: number) => ({
  index: i,
  size: n,
  hashes: tree.inclusionProof(i, n).map(toHex),
})
const cons = (m: number, n: number) => ({
  from: m,
  to: n,
  hashes: tree.consistencyProof(m, n).map(toHex),
})

describe('API paths', () => {
  it('are shared constants', () => {
    expect(LOG_API.checkpoint).toBe('/api/v1/log/checkpoint')
    expect(inclusionProofPath(3, 10)).toBe('/api/v1/log/proof/inclusion?index=3&size=10')
    expect(consistencyProofPath(3, 10)).toBe('/api/v1/log/proof/consistency?from=3&to=10')
    expect(entriesPath(0, 5)).toBe('/api/v1/log/entries?start=0&end=5')
    expect(passportPath('urn:uuid:a/b')).toBe('/api/v1/passports/urn%3Auuid%3Aa%2Fb')
  })
})

describe('checkEntryInclusion', () => {
  it('accepts every leaf at every size, and nothing else', () => {
    for (let n = 1; n <= 21; n += 4)
      for (let i = 0; i < n; i++) {
        expect(checkEntryInclusion(head(n), i, tree.leafHash(i), incl(i, n), sha256)).toEqual({
          ok: true,
        })
        if (n > 1)
          expect(
            checkEntryInclusion(head(n), i, tree.leafHash((i + 1) % n), incl(i, n), sha256).ok,
          ).toBe(false)
      }
  })

  it('refuses malformed bodies and proofs for another index or size', () => {
    const lh = tree.leafHash(3)
    expect(checkEntryInclusion(head(10), 3, lh, { index: 3 }, sha256)).toMatchObject({
      reason: 'malformed',
    })
    expect(
      checkEntryInclusion(head(10), 3, lh, { ...incl(3, 10), hashes: ['zz'] }, sha256),
    ).toMatchObject({
      reason: 'malformed',
    })
    expect(checkEntryInclusion(head(10), 3, lh, incl(3, 9), sha256)).toMatchObject({
      reason: 'mismatch',
    })
    expect(checkEntryInclusion(head(10), 3, lh, incl(4, 10), sha256)).toMatchObject({
      reason: 'mismatch',
    })
    const short = incl(3, 10)
    short.hashes.pop()
    expect(checkEntryInclusion(head(10), 3, lh, short, sha256)).toMatchObject({
      reason: 'proof-length',
    })
  })
})

describe('checkTreeConsistency', () => {
  it('accepts growth in either order, equal heads and the empty tree', () => {
    for (let m = 1; m <= 21; m += 3)
      for (let n = m; n <= 21; n += 5) {
        expect(checkTreeConsistency(head(m), head(n), cons(m, n), sha256)).toEqual({ ok: true })
        expect(checkTreeConsistency(head(n), head(m), cons(m, n), sha256)).toEqual({ ok: true })
      }
    expect(
      checkTreeConsistency(
        { size: 0, rootHash: sha256(new Uint8Array()) },
        head(5),
        undefined,
        sha256,
      ),
    ).toEqual({
      ok: true,
    })
  })

  it('reports a split view: same size, other root; or a proof that does not connect', () => {
    expect(
      checkTreeConsistency(head(5), { size: 5, rootHash: tree.root(6) }, undefined, sha256),
    ).toMatchObject({
      ok: false,
      reason: 'root-mismatch',
      message: expect.stringContaining('split view'),
    })
    expect(
      checkTreeConsistency({ size: 5, rootHash: tree.root(6) }, head(9), cons(5, 9), sha256).ok,
    ).toBe(false)
    expect(checkTreeConsistency(head(5), head(9), cons(5, 10), sha256)).toMatchObject({
      reason: 'mismatch',
    })
    expect(checkTreeConsistency(head(5), head(9), { from: 5 }, sha256)).toMatchObject({
      reason: 'malformed',
    })
    expect(
      checkTreeConsistency(head(5), head(9), { ...cons(5, 9), hashes: ['x'.repeat(64)] }, sha256),
    ).toMatchObject({ reason: 'malformed' })
  })
})
