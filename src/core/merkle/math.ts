/**
 * Integer helpers for tree sizes and indexes. Sizes may exceed 2^32, where JavaScript's bitwise
 * operators (32-bit) would silently truncate, so these use arithmetic on safe integers or BigInt.
 */

/** A tree size or leaf index as accepted from outside: a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** True when `n` is 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  // 2 ** integer is exact for every safe integer, so a non-power cannot round onto one.
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n
}

/** Largest power of two strictly smaller than `n` (n >= 2): the RFC 9162 split point `k`. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** log2 of a power of two. */
export function log2Exact(n: number): number {
  return Math.round(Math.log2(n))
}

function bitLength(x: bigint): number {
  let n = 0
  while (x > 0n) {
    x >>= 1n
    n++
  }
  return n
}

function popCount(x: bigint): number {
  let n = 0
  while (x > 0n) {
    n += Number(x & 1n)
    x >>= 1n
  }
  return n
}

/**
 * Length of the inclusion proof of leaf `index` in a tree of `size` leaves (index < size): the
 * levels where the leaf's path and the tree's right border diverge ("inner") plus the hashes
 * along the border ("border"). Same decomposition as transparency-dev/merkle `decompInclProof`.
 */
export function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1))
  const border = popCount(BigInt(index) >> BigInt(inner))
  return inner + border
}

/** Length of the consistency proof from `m` to `n` leaves (0 < m < n). */
export function consistencyProofLength(m: number, n: number): number {
  const inner = bitLength(BigInt(m - 1) ^ BigInt(n - 1))
  const border = popCount(BigInt(m - 1) >> BigInt(inner))
  let shift = 0
  while ((m / 2 ** (shift + 1)) % 1 === 0) shift++
  // When m is a power of two the old root is itself a node of the new tree and is not sent.
  return (isPowerOfTwo(m) ? 0 : 1) + inner - shift + border
}
