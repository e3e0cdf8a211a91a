/**
 * The passport's evidence commitment: one RFC 9162 Merkle root over every evidence item, so a
 * vendor can later disclose a single evidence file with its inclusion proof and a buyer can check it
 * against the passport without seeing the other items. Specification: docs/evidence-commitment.md.
 *
 * Leaf encoding `accord-evidence-leaf-v1`:
 * - items are sorted by `id` (UTF-16 code units, as JavaScript and RFC 8785 sort); leaf i is the
 *   i-th item in that order, so `leafIndex` is the item's rank;
 * - each leaf input is the UTF-8 encoding of the RFC 8785 canonical JSON of exactly
 *   `{"id":<id>,"sha256":<64 lowercase hex>,"type":<type>}`;
 * - the root is the RFC 9162 §2.1.1 Merkle tree hash with SHA-256 over those leaf inputs.
 */
import { z } from 'zod'
import { canonicalJson } from '../catalog/canonical.js'
import {
  MerkleTree,
  checkInclusion,
  fromHex,
  leafHash,
  toHex,
  type MerkleFailure,
  type Sha256Fn,
} from '../merkle/index.js'

export const EVIDENCE_LEAF_ENCODING = 'accord-evidence-leaf-v1'

/** The fields of an evidence item that its leaf commits to. */
export interface EvidenceLeafItem {
  id: string
  /** SHA-256 of the evidence file: 64 lowercase hex digits. */
  sha256: string
  type: string
}

export interface EvidenceLeaf {
  id: string
  leafIndex: number
  /** `SHA-256(0x00 || leaf input)`, hex. */
  leafHash: string
}

export interface EvidenceCommitmentResult {
  /** RFC 9162 Merkle tree hash over the leaves, hex. */
  merkleRoot: string
  leafEncoding: typeof EVIDENCE_LEAF_ENCODING
  count: number
  /** One per item, in leaf order (sorted by id). */
  leaves: EvidenceLeaf[]
}

/** What a vendor hands over to disclose one evidence item: enough to check it against a passport. */
export interface EvidenceInclusionProof {
  leafEncoding: typeof EVIDENCE_LEAF_ENCODING
  item: EvidenceLeafItem
  leafIndex: number
  /** Number of leaves (the passport's `evidence.count`). */
  count: number
  /** Audit path from the leaf's sibling upwards, hex. */
  proof: string[]
  /** The root this proof leads to (compare with the passport's `evidence.merkleRoot`). */
  merkleRoot: string
}

const SHA256_HEX = /^[0-9a-f]{64}$/
const utf8 = new TextEncoder()

/** The leaf input of one item: UTF-8 of `{"id":..,"sha256":..,"type":..}` in RFC 8785 form. */
export function evidenceLeafInput(item: EvidenceLeafItem): Uint8Array {
  // Pick the three fields explicitly: extra fields of a HashedEvidence must not leak into the leaf.
  return utf8.encode(canonicalJson({ id: item.id, sha256: item.sha256, type: item.type }))
}

const byId = (a: EvidenceLeafItem, b: EvidenceLeafItem): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Sorts and checks the items a commitment is built from (our own data: misuse is a TypeError). */
function sortedItems(items: readonly EvidenceLeafItem[]): EvidenceLeafItem[] {
  const sorted = [...items].sort(byId)
  sorted.forEach((item, i) => {
    if (typeof item.id !== 'string' || typeof item.type !== 'string')
      throw new TypeError(`evidence item ${i}: id and type must be strings`)
    if (!SHA256_HEX.test(item.sha256))
      throw new TypeError(`evidence "${item.id}": sha256 must be 64 lowercase hex digits`)
    if (i > 0 && (sorted[i - 1] as EvidenceLeafItem).id === item.id)
      throw new TypeError(`evidence id "${item.id}" appears twice; ids must be unique`)
  })
  return sorted
}

function treeOf(sorted: readonly EvidenceLeafItem[], sha256: Sha256Fn): MerkleTree {
  return MerkleTree.fromLeaves(sorted.map(evidenceLeafInput), sha256)
}

/**
 * Commits to the evidence items (typically `hashEvidence` output). Throws `TypeError` for duplicate
 * ids or a malformed digest; an empty list commits to the empty tree (SHA-256 of nothing).
 */
export function evidenceCommitment(
  items: readonly EvidenceLeafItem[],
  sha256: Sha256Fn,
): EvidenceCommitmentResult {
  const sorted = sortedItems(items)
  const tree = treeOf(sorted, sha256)
  return {
    merkleRoot: toHex(tree.root()),
    leafEncoding: EVIDENCE_LEAF_ENCODING,
    count: sorted.length,
    leaves: sorted.map((item, leafIndex) => ({
      id: item.id,
      leafIndex,
      leafHash: toHex(tree.leafHash(leafIndex)),
    })),
  }
}

/** The disclosure of item `id` with its inclusion proof, or `undefined` when no item has that id. */
export function evidenceInclusionProof(
  items: readonly EvidenceLeafItem[],
  id: string,
  sha256: Sha256Fn,
): EvidenceInclusionProof | undefined {
  const sorted = sortedItems(items)
  const leafIndex = sorted.findIndex((item) => item.id === id)
  if (leafIndex < 0) return undefined
  const item = sorted[leafIndex] as EvidenceLeafItem
  const tree = treeOf(sorted, sha256)
  return {
    leafEncoding: EVIDENCE_LEAF_ENCODING,
    item: { id: item.id, sha256: item.sha256, type: item.type },
    leafIndex,
    count: sorted.length,
    proof: tree.inclusionProof(leafIndex).map(toHex),
    merkleRoot: toHex(tree.root()),
  }
}

/** Why a disclosed evidence item was rejected. */
export type EvidenceCheckFailure = 'malformed' | MerkleFailure

export type EvidenceCheck =
  { ok: true } | { ok: false; reason: EvidenceCheckFailure; message: string }

/**
 * Checks a disclosed item against a passport's `evidence.merkleRoot` and `evidence.count`, with
 * the reason when it fails. Every argument may come from outside: a non-string field, a digest that
 * is not 64 lowercase hex, or a proof hash that is not 64 hex digits is `malformed`, never a throw.
 */
export function checkEvidenceItem(
  item: EvidenceLeafItem,
  leafIndex: number,
  count: number,
  proof: readonly string[],
  merkleRoot: string,
  sha256: Sha256Fn,
): EvidenceCheck {
  const malformed = (message: string): EvidenceCheck => ({
    ok: false,
    reason: 'malformed',
    message,
  })
  if (typeof item !== 'object' || item === null) return malformed('the item is not an object')
  if (typeof item.id !== 'string' || typeof item.type !== 'string')
    return malformed('the item id and type must be strings')
  // An uppercase digest would encode a different leaf than the vendor committed to; the encoding
  // fixes lowercase, so anything else cannot be the committed item.
  if (typeof item.sha256 !== 'string' || !SHA256_HEX.test(item.sha256))
    return malformed('the item sha256 must be 64 lowercase hex digits')
  const root =
    typeof merkleRoot === 'string' && SHA256_HEX.test(merkleRoot.toLowerCase())
      ? fromHex(merkleRoot)
      : undefined
  if (!root) return malformed('the Merkle root must be 64 hex digits')
  if (!Array.isArray(proof)) return malformed('the proof must be an array of hex hashes')
  const hashes: Uint8Array[] = []
  for (const [i, p] of proof.entries()) {
    const bytes = typeof p === 'string' && p.length === 64 ? fromHex(p) : undefined
    if (!bytes) return malformed(`proof[${i}] must be 64 hex digits`)
    hashes.push(bytes)
  }
  const leaf = leafHash(evidenceLeafInput(item), sha256)
  return checkInclusion(leaf, leafIndex, count, hashes, root, sha256)
}

/** `checkEvidenceItem(...).ok`: does this item, at this index, belong to the committed set? */
export function verifyEvidenceItem(
  item: EvidenceLeafItem,
  leafIndex: number,
  count: number,
  proof: readonly string[],
  merkleRoot: string,
  sha256: Sha256Fn,
): boolean {
  return checkEvidenceItem(item, leafIndex, count, proof, merkleRoot, sha256).ok
}

/** Schema of an `EvidenceInclusionProof` file (as `accord evidence prove --json` writes it). */
export const EvidenceInclusionProofSchema = z.object({
  leafEncoding: z.literal(EVIDENCE_LEAF_ENCODING),
  item: z.object({ id: z.string(), sha256: z.string(), type: z.string() }),
  leafIndex: z.number().int().min(0),
  count: z.number().int().min(1),
  proof: z.array(z.string()).max(64),
  merkleRoot: z.string(),
})
