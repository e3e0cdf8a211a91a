import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  EVIDENCE_LEAF_ENCODING,
  EvidenceInclusionProofSchema,
  checkEvidenceItem,
  evidenceCommitment,
  evidenceInclusionProof,
  evidenceLeafInput,
  verifyEvidenceItem,
  type EvidenceLeafItem,
} from '../../../src/core/passport/evidence-commitment.js'
import { sha256 } from '../../../src/node/sha256.js'

const digest = (s: string): string => createHash('sha256').update(s).digest('hex')

/** A generated evidence set: awkward ids (case, punctuation, non-ASCII, astral) and types. */
function evidenceSet(n: number): EvidenceLeafItem[] {
  const ids = [
    'risk-plan',
    'Risk-Plan',
    'dpia_2026',
    'ÿ-last',
    'ā-macron',
    '𝔄-fraktur',
    '\uFB01-ligature',
    'z',
    'a"quote',
    'tab\there',
  ]
  return Array.from({ length: n }, (_, i) => ({
    id: ids[i] ?? `item-${String(i).padStart(3, '0')}`,
    sha256: digest(`evidence file ${i}`),
    type: ['risk-management-plan', 'test-report', 'data-sheet', 'policy'][i % 4] as string,
  }))
}

/**
 * An independent implementation in Python (hashlib + json), written from docs/evidence-commitment.md:
 * sort by UTF-16 code units, canonical JSON leaf, RFC 9162 MTH.
 */
const PYTHON = String.raw`
import hashlib, json, sys
items = json.load(sys.stdin)
items.sort(key=lambda x: x["id"].encode("utf-16-be"))
def leaf(it):
    return json.dumps({"id": it["id"], "sha256": it["sha256"], "type": it["type"]},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
def mth(d):
    if len(d) == 0: return hashlib.sha256(b"").digest()
    if len(d) == 1: return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1
    while k * 2 < len(d): k *= 2
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()
print(json.dumps({"root": mth([leaf(i) for i in items]).hex(), "order": [i["id"] for i in items]}))
`

describe('evidence commitment (accord-evidence-leaf-v1)', () => {
  it('encodes a leaf as the canonical JSON of id, sha256 and type only', () => {
    const item = {
      id: 'risk-plan',
      sha256: 'ab'.repeat(32),
      type: 'risk-management-plan',
      extra: 1,
    }
    expect(new TextDecoder().decode(evidenceLeafInput(item))).toBe(
      `{"id":"risk-plan","sha256":"${'ab'.repeat(32)}","type":"risk-management-plan"}`,
    )
    expect(
      new TextDecoder().decode(
        evidenceLeafInput({ id: 'é"\n', sha256: '0'.repeat(64), type: 't' }),
      ),
    ).toBe(`{"id":"é\\"\\n","sha256":"${'0'.repeat(64)}","type":"t"}`)
  })

  it.each([0, 1, 2, 3, 7, 10, 33])(
    'matches an independent Python implementation (%i items)',
    (n) => {
      const items = evidenceSet(n)
      const py = spawnSync('/usr/bin/python3', ['-c', PYTHON], {
        input: JSON.stringify(items),
        encoding: 'utf8',
      })
      expect(py.status, py.stderr).toBe(0)
      const expected = JSON.parse(py.stdout) as { root: string; order: string[] }
      const c = evidenceCommitment(items, sha256)
      expect(c.merkleRoot).toBe(expected.root)
      expect(c.leaves.map((l) => l.id)).toEqual(expected.order)
      expect(c.count).toBe(n)
      expect(c.leafEncoding).toBe(EVIDENCE_LEAF_ENCODING)
    },
  )

  it('reproduces the worked example of docs/evidence-commitment.md', () => {
    const items = [
      { id: 'risk-plan', sha256: digest('risk plan v3\n'), type: 'risk-assessment' },
      { id: 'dpia', sha256: digest('dpia\n'), type: 'impact-assessment' },
      { id: 'test-report', sha256: digest('tests\n'), type: 'test-report' },
    ]
    const c = evidenceCommitment(items, sha256)
    expect(c.merkleRoot).toBe('7552391098368ea7c116a281c57200602c6a8e66c47605cf52cb03e2fda64154')
    expect(c.leaves.map((l) => l.leafHash)).toEqual([
      '11ffc9bc7020027456f5e3aed14c7fd8f195b855fb22f818d5434e936f66c4b3',
      'f8d92e1edb3c5ad40187a7c8860d8569ec15412d1b0f7d90a63a222b0c7ec9dc',
      'c900ed9406b37dbb345ff059dc3deed188dc8da847bbf7b1723e5f540d1f6021',
    ])
    const p = evidenceInclusionProof(items, 'risk-plan', sha256)
    expect(p?.leafIndex).toBe(1)
    expect(p?.proof).toEqual([c.leaves[0]?.leafHash, c.leaves[2]?.leafHash])
  })

  it('does not depend on input order; leaf indexes follow the id order', () => {
    const items = evidenceSet(10)
    const a = evidenceCommitment(items, sha256)
    const b = evidenceCommitment([...items].reverse(), sha256)
    expect(b).toEqual(a)
    expect(a.leaves.map((l) => l.leafIndex)).toEqual([...Array(10).keys()])
    // UTF-16 order: 'Risk-Plan' (R) < 'a"quote' < 'z' < 'ÿ' < 'ā' < '𝔄' (surrogate D835) < 'ﬁ' (FB01)
    expect(a.leaves.map((l) => l.id)).toEqual([
      'Risk-Plan',
      'a"quote',
      'dpia_2026',
      'risk-plan',
      'tab\there',
      'z',
      'ÿ-last',
      'ā-macron',
      '𝔄-fraktur',
      '\uFB01-ligature',
    ])
  })

  it('the empty set commits to SHA-256 of nothing', () => {
    expect(evidenceCommitment([], sha256).merkleRoot).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })

  it('refuses duplicate ids and malformed digests (our own data: TypeError)', () => {
    const [x] = evidenceSet(1) as [EvidenceLeafItem]
    expect(() => evidenceCommitment([x, { ...x }], sha256)).toThrow(/appears twice/)
    expect(() => evidenceCommitment([{ ...x, sha256: x.sha256.toUpperCase() }], sha256)).toThrow(
      TypeError,
    )
    expect(() => evidenceCommitment([{ ...x, sha256: 'abc' }], sha256)).toThrow(TypeError)
  })
})

describe('disclosing one item', () => {
  const items = evidenceSet(11)
  const commitment = evidenceCommitment(items, sha256)

  it('every item has a proof that verifies against the root alone', () => {
    for (const leaf of commitment.leaves) {
      const p = evidenceInclusionProof(items, leaf.id, sha256)
      expect(p).toBeDefined()
      if (!p) continue
      expect(EvidenceInclusionProofSchema.parse(p)).toEqual(p)
      expect(p.leafIndex).toBe(leaf.leafIndex)
      expect(p.merkleRoot).toBe(commitment.merkleRoot)
      expect(
        verifyEvidenceItem(
          p.item,
          p.leafIndex,
          commitment.count,
          p.proof,
          commitment.merkleRoot,
          sha256,
        ),
      ).toBe(true)
    }
    expect(evidenceInclusionProof(items, 'no-such-id', sha256)).toBeUndefined()
  })

  it('accepts an uppercase root (hex is case-insensitive there)', () => {
    const p = evidenceInclusionProof(items, 'z', sha256)!
    expect(
      verifyEvidenceItem(p.item, p.leafIndex, p.count, p.proof, p.merkleRoot.toUpperCase(), sha256),
    ).toBe(true)
  })

  it('rejects a changed item, index, count, proof or root', () => {
    const p = evidenceInclusionProof(items, 'risk-plan', sha256)!
    const check = (
      over: Partial<{
        item: EvidenceLeafItem
        leafIndex: number
        count: number
        proof: string[]
        root: string
      }>,
    ) =>
      checkEvidenceItem(
        over.item ?? p.item,
        over.leafIndex ?? p.leafIndex,
        over.count ?? p.count,
        over.proof ?? p.proof,
        over.root ?? commitment.merkleRoot,
        sha256,
      )
    expect(check({})).toEqual({ ok: true })
    expect(check({ item: { ...p.item, sha256: digest('other file') } })).toMatchObject({
      reason: 'root-mismatch',
    })
    expect(check({ item: { ...p.item, type: 'policy' } })).toMatchObject({
      reason: 'root-mismatch',
    })
    expect(check({ item: { ...p.item, id: 'Risk-Plan' } })).toMatchObject({
      reason: 'root-mismatch',
    })
    expect(check({ leafIndex: p.leafIndex + 1 })).toMatchObject({ ok: false })
    expect(check({ count: 6 })).toMatchObject({ reason: 'proof-length' })
    // RFC 9162 roots do not bind the tree size: this leaf's path has the same shape in trees of 11
    // and 12 leaves, so the proof also "fits" 12. The signed passport's count is what is trusted.
    expect(check({ count: p.count + 1 })).toEqual({ ok: true })
    expect(check({ count: p.leafIndex })).toMatchObject({ reason: 'index-out-of-range' })
    expect(check({ leafIndex: -1 })).toMatchObject({ reason: 'bad-argument' })
    expect(check({ leafIndex: 1.5 })).toMatchObject({ reason: 'bad-argument' })
    expect(check({ proof: p.proof.slice(1) })).toMatchObject({ reason: 'proof-length' })
    expect(check({ proof: [...p.proof.slice(1), p.proof[0] as string] })).toMatchObject({
      reason: 'root-mismatch',
    })
    expect(check({ root: evidenceCommitment(items.slice(1), sha256).merkleRoot })).toMatchObject({
      reason: 'root-mismatch',
    })
  })

  it('malformed input from outside is a failed check, never a throw', () => {
    const p = evidenceInclusionProof(items, 'z', sha256)!
    const any = (x: unknown) => x as never
    const m = { ok: false, reason: 'malformed' }
    expect(checkEvidenceItem(any(null), 0, 11, p.proof, p.merkleRoot, sha256)).toMatchObject(m)
    expect(
      checkEvidenceItem(any({ ...p.item, id: 5 }), p.leafIndex, 11, p.proof, p.merkleRoot, sha256),
    ).toMatchObject(m)
    expect(
      checkEvidenceItem(
        { ...p.item, sha256: p.item.sha256.toUpperCase() },
        p.leafIndex,
        11,
        p.proof,
        p.merkleRoot,
        sha256,
      ),
    ).toMatchObject(m)
    expect(
      checkEvidenceItem(p.item, p.leafIndex, 11, any('abc'), p.merkleRoot, sha256),
    ).toMatchObject(m)
    expect(
      checkEvidenceItem(
        p.item,
        p.leafIndex,
        11,
        any([...p.proof.slice(1), 42]),
        p.merkleRoot,
        sha256,
      ),
    ).toMatchObject(m)
    expect(
      checkEvidenceItem(
        p.item,
        p.leafIndex,
        11,
        [...p.proof.slice(1), 'zz'.repeat(32)],
        p.merkleRoot,
        sha256,
      ),
    ).toMatchObject(m)
    expect(checkEvidenceItem(p.item, p.leafIndex, 11, p.proof, 'abc', sha256)).toMatchObject(m)
    expect(
      checkEvidenceItem(p.item, p.leafIndex, 11, p.proof, any(undefined), sha256),
    ).toMatchObject(m)
    expect(checkEvidenceItem(p.item, any('3'), 11, p.proof, p.merkleRoot, sha256)).toMatchObject({
      reason: 'bad-argument',
    })
  })
})
