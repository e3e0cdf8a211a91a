/**
 * RFC 9162 §2.1.1 hashing: leaf and interior node hashes of a Merkle tree, over an injected SHA-256
 * so the core stays free of I/O and platform crypto (src/node/sha256.ts supplies node:crypto).
 * https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1
 */

/**
 * SHA-256 of `bytes`, 32 bytes out. Must be synchronous and must not keep a reference to `bytes`:
 * the tree reuses one scratch buffer for every interior node it hashes.
 */
export type Sha256Fn = (bytes: Uint8Array) => Uint8Array

/** Byte length of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32

/** Domain-separation prefixes (RFC 9162 §2.1.1): they stop a leaf from posing as a node. */
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

/** `SHA-256(0x00 || data)`: the hash of one leaf input. */
export function leafHash(data: Uint8Array, sha256: Sha256Fn): Uint8Array {
  const buf = new Uint8Array(data.length + 1)
  buf[0] = LEAF_PREFIX
  buf.set(data, 1)
  return sha256(buf)
}

/** `SHA-256(0x01 || left || right)`: the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array, sha256: Sha256Fn): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length)
  buf[0] = NODE_PREFIX
  buf.set(left, 1)
  buf.set(right, 1 + left.length)
  return sha256(buf)
}

/** The Merkle tree hash of the empty tree: `SHA-256("")` (RFC 9162 §2.1.1). */
export function emptyRoot(sha256: Sha256Fn): Uint8Array {
  return sha256(new Uint8Array(0))
}

/** A node hasher that reuses one 65-byte buffer: the hot path of building a large tree. */
export function makeNodeHasher(
  sha256: Sha256Fn,
): (left: Uint8Array, right: Uint8Array) => Uint8Array {
  const scratch = new Uint8Array(1 + 2 * HASH_SIZE)
  scratch[0] = NODE_PREFIX
  return (left, right) => {
    scratch.set(left, 1)
    scratch.set(right, 1 + HASH_SIZE)
    return sha256(scratch)
  }
}

/** True when `value` is a hash of the right size. Hashes from outside are checked with this. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE
}

/** Byte-wise equality. Hashes compared here are public, so no constant-time comparison is needed. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += HEX[b]
  return out
}

/**
 * Decodes hex (either case). Returns `undefined` for odd length or a non-hex character rather than
 * throwing: hex strings arrive in proofs and passports from outside, and callers turn a bad one
 * into a failed check.
 */
export function fromHex(hex: unknown): Uint8Array | undefined {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    return undefined
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
