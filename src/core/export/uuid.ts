/**
 * Deterministic UUIDs (RFC 9562 / RFC 4122 version 5: SHA-1 of a namespace and a name), so that
 * exports of the same system on the same date are byte-for-byte reproducible. The SHA-1 function
 * is injected (the core does no I/O and ships no hash implementation); src/node passes one built
 * on node:crypto.
 */

/** SHA-1 of `data`, 20 bytes. */
export type Sha1 = (data: Uint8Array) => Uint8Array

/** Namespace of every UUID Accord derives (itself a fixed version-5 UUID). */
export const ACCORD_UUID_NAMESPACE = '6f1b7a52-2c1e-5b8e-9a4d-3c6e2f0a9d17'

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function uuidBytes(uuid: string): Uint8Array {
  if (!HEX.test(uuid)) throw new TypeError(`not a UUID: ${uuid}`)
  const hex = uuid.replaceAll('-', '')
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** The version-5 UUID of `name` in `namespace` (RFC 9562 section 5.5). */
export function uuidV5(name: string, sha1: Sha1, namespace = ACCORD_UUID_NAMESPACE): string {
  const ns = uuidBytes(namespace)
  const nameBytes = new TextEncoder().encode(name)
  const data = new Uint8Array(ns.length + nameBytes.length)
  data.set(ns, 0)
  data.set(nameBytes, ns.length)
  const hash = sha1(data)
  if (hash.length < 16) throw new TypeError('sha1 must return 20 bytes')
  const b = hash.slice(0, 16)
  b[6] = ((b[6] as number) & 0x0f) | 0x50 // version 5
  b[8] = ((b[8] as number) & 0x3f) | 0x80 // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A UUID maker for one document: each key gives the same UUID every time (`scope|key`). */
export function uuidFactory(scope: string, sha1: Sha1): (key: string) => string {
  return (key) => uuidV5(`${scope}|${key}`, sha1)
}

/**
 * UUID keys made unique in list order: the first use of a key is kept as is (so UUIDs stay the
 * same across revisions), a repeat gets `#2`, `#3`, ... (two manifest entries with the same name
 * must not share a UUID).
 */
export function distinctKeys(keys: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return keys.map((key) => {
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    return n === 1 ? key : `${key}#${n}`
  })
}
