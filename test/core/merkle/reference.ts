/**
 * A deliberately naive RFC 9162 §2.1 implementation, written straight from the RFC's recursive
 * definitions (MTH, PATH, PROOF/SUBPROOF) over the full leaf list, to cross-check MerkleTree.
 */
import { createHash } from 'node:crypto'

const h = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256')
  for (const p of parts) hash.update(p)
  return new Uint8Array(hash.digest())
}
const k = (n: number): number => {
  let x = 1
  while (x * 2 < n) x *= 2
  return x
}

export function refMth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return h()
  if (d.length === 1) return h(Uint8Array.of(0), d[0] as Uint8Array)
  const s = k(d.length)
  return h(Uint8Array.of(1), refMth(d.slice(0, s)), refMth(d.slice(s)))
}

export function refPath(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return []
  const s = k(d.length)
  return m < s
    ? [...refPath(m, d.slice(0, s)), refMth(d.slice(s))]
    : [...refPath(m - s, d.slice(s)), refMth(d.slice(0, s))]
}

function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)]
  const s = k(d.length)
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), refMth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), refMth(d.slice(0, s))]
}

export function refProof(m: number, d: Uint8Array[]): Uint8Array[] {
  return subproof(m, d, true)
}
