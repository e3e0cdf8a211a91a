// Transparency-log checks in the browser, with WebCrypto SHA-256: RFC 9162 leaf and node
// hashes, the Merkle tree hash of a list of leaves (§2.1.1), inclusion proof verification
// (§2.1.3.2) and consistency proof verification (§2.1.4.2), checkpoint parsing
// (https://c2sp.org/tlog-checkpoint) and the leaf of a passport (src/core/tlog/entry.ts).
// Sizes are JavaScript numbers (safe below 2^53), so halving uses Math.floor, not >>.

const encoder = new TextEncoder()

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function fromHex(hex) {
  if (typeof hex !== 'string' || !/^([0-9a-f]{2})*$/.test(hex)) return undefined
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** SHA-256(0x00 || data). */
export function leafHash(data) {
  return sha256(concat(Uint8Array.of(0), typeof data === 'string' ? encoder.encode(data) : data))
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right))
}

/** Merkle tree hash of leaf hashes (RFC 9162 §2.1.1); the empty tree is SHA-256(""). */
export async function treeHash(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array())
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(await treeHash(leaves.slice(0, k)), await treeHash(leaves.slice(k)))
}

const odd = (n) => n % 2 === 1
const half = (n) => Math.floor(n / 2)

/** RFC 9162 §2.1.3.2: is `leaf` entry `index` of the tree of `size` with `root`? */
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (!(index < size)) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = await nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equalBytes(r, root)
}

/** RFC 9162 §2.1.4.2: is the tree (`first`, `firstRoot`) a prefix of (`second`, `secondRoot`)? */
export async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first === second) return proof.length === 0 && equalBytes(firstRoot, secondRoot)
  if (first < 1 || first > second || proof.length === 0) return false
  // When `first` is a power of two its root is a node of the newer tree: it starts the path.
  const path = Number.isInteger(Math.log2(first)) ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr = path[0]
  let sr = path[0]
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr)
      sr = await nodeHash(c, sr)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = await nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot)
}

function base64Std(text) {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

/**
 * Parses a checkpoint signed note: `{ origin, size, rootHash, body, signatures: [{ name }] }`.
 * The signatures are listed, not verified: that needs the log's public key (see docs/web.md).
 */
export function parseCheckpoint(note) {
  const split = note.indexOf('\n\n')
  if (split < 0) return undefined
  const lines = note.slice(0, split).split('\n')
  if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) return undefined
  const rootHash = base64Std(lines[2])
  if (rootHash === undefined || rootHash.length !== 32) return undefined
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l.startsWith('— '))
    .map((l) => ({ name: l.slice(2).split(' ')[0] }))
  return { origin: lines[0], size: Number(lines[1]), rootHash, signatures }
}

/**
 * The log leaf of a passport, from the passport alone: the canonical JSON (RFC 8785, keys sorted)
 * of `{ v: 1, kind: 'passport', id: jti, issuer: iss, kid, issuerJwtSha256 }`.
 */
export async function passportLeaf(sdJwt) {
  const jwt = sdJwt.trim().split('~')[0]
  const [headerPart, payloadPart] = jwt.split('.')
  const decode = (part) => {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))))
  }
  const header = decode(headerPart)
  const payload = decode(payloadPart)
  const entry = {
    id: payload.jti,
    issuer: payload.iss,
    issuerJwtSha256: toHex(await sha256(encoder.encode(jwt))),
    kid: header.kid,
    kind: 'passport',
    v: 1,
  }
  // Keys above are in RFC 8785 order; JSON.stringify escapes strings as RFC 8785 does.
  const text = JSON.stringify(entry)
  return { entry: text, leafHash: await leafHash(text) }
}
