/**
 * The JWS signature check and its two Ed25519 backends (libsodium through sodium-native, and
 * node:crypto): both must accept the RFC 8037 vector and honest signatures, refuse every
 * tampered one, and agree on everything but the weak keys only libsodium refuses.
 */
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ed25519Backend, verifyJwsSignature, type Ed25519Backend } from '../../src/node/jws.js'
import { VENDOR } from '../vendor.js'

const vector = JSON.parse(readFileSync(`${VENDOR}/jose/rfc8037-ed25519-jws.json`, 'utf8')) as {
  public_jwk: Record<string, string>
  jws_compact: string
}
const [h, p, s] = vector.jws_compact.split('.') as [string, string, string]
const INPUT = `${h}.${p}`
const SIG = Buffer.from(s, 'base64url')
const BACKENDS: Ed25519Backend[] = ['libsodium', 'node:crypto']
/** The order of the Ed25519 group, little-endian as S is encoded. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n

function flip(bytes: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(bytes)
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7))
  return out
}

function leToBig(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number)
  return n
}

function bigToLe(n: bigint, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

function freshKey(): { jwk: Record<string, unknown>; signInput: (input: string) => Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return {
    jwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
    signInput: (input) => sign(null, Buffer.from(input, 'latin1'), privateKey),
  }
}

describe('Ed25519 backend', () => {
  it('is libsodium where sodium-native is installed (npm ci installs it on this platform)', () => {
    expect(ed25519Backend()).toBe('libsodium')
  })

  it('is node:crypto when ACCORD_ED25519=node-crypto', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('./dist/node/jws.js'); console.log(m.ed25519Backend())",
      ],
      { env: { ...process.env, ACCORD_ED25519: 'node-crypto' }, encoding: 'utf8' },
    )
    expect(out.trim()).toBe('node:crypto')
  })
})

describe.each(BACKENDS)('verifyJwsSignature, EdDSA with %s', (backend) => {
  const check = (jwk: Record<string, unknown>, input: string, sig: Uint8Array): Promise<boolean> =>
    verifyJwsSignature('EdDSA', jwk, input, sig, backend)

  it('accepts the RFC 8037 A.4 signature', async () => {
    expect(await check(vector.public_jwk, INPUT, SIG)).toBe(true)
  })

  it('accepts a signature held in a Uint8Array view at an offset', async () => {
    const backing = new Uint8Array(100)
    backing.set(SIG, 7)
    expect(await check(vector.public_jwk, INPUT, backing.subarray(7, 71))).toBe(true)
  })

  it('refuses a flipped bit in R, in S, or in the signed input', async () => {
    expect(await check(vector.public_jwk, INPUT, flip(SIG, 3))).toBe(false)
    expect(await check(vector.public_jwk, INPUT, flip(SIG, 300))).toBe(false)
    expect(await check(vector.public_jwk, `${h}.${p.slice(0, -1)}A`, SIG)).toBe(false)
  })

  it('refuses S + L (a non-canonical S for the same equation)', async () => {
    const sPlusL = leToBig(SIG.subarray(32)) + L
    expect(sPlusL < 1n << 256n).toBe(true)
    const forged = Buffer.concat([SIG.subarray(0, 32), bigToLe(sPlusL, 32)])
    expect(await check(vector.public_jwk, INPUT, forged)).toBe(false)
  })

  it('refuses signatures of the wrong length', async () => {
    expect(await check(vector.public_jwk, INPUT, SIG.subarray(0, 63))).toBe(false)
    expect(await check(vector.public_jwk, INPUT, Buffer.concat([SIG, Buffer.from([0])]))).toBe(
      false,
    )
    expect(await check(vector.public_jwk, INPUT, new Uint8Array(0))).toBe(false)
  })

  it('refuses keys that are not Ed25519 public keys', async () => {
    const x = vector.public_jwk.x as string
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'jwk',
    }) as Record<string, unknown>
    for (const jwk of [
      p256,
      { kty: 'OKP', crv: 'Ed448', x },
      { kty: 'OKP', crv: 'Ed25519', x: x.slice(0, -2) },
      { kty: 'OKP', crv: 'Ed25519', x: `${x.slice(0, -1)}+` },
      { kty: 'OKP', crv: 'Ed25519' },
      { kty: 'EC', crv: 'Ed25519', x },
    ]) {
      expect(await check(jwk, INPUT, SIG), JSON.stringify(jwk)).toBe(false)
    }
  })

  it('accepts fresh signatures and refuses them under another key', async () => {
    const a = freshKey()
    const b = freshKey()
    for (let i = 0; i < 20; i++) {
      const input = `${randomBytes(8 + i * 37).toString('base64url')}.${i}`
      const sig = a.signInput(input)
      expect(await check(a.jwk, input, sig)).toBe(true)
      expect(await check(b.jwk, input, sig)).toBe(false)
    }
  })
})

describe('the two Ed25519 backends', () => {
  it('agree on honest and tampered signatures', async () => {
    const a = freshKey()
    for (let i = 0; i < 100; i++) {
      const input = randomBytes(1 + i * 13).toString('base64url')
      const honest = a.signInput(input)
      const sig = i % 3 === 0 ? honest : flip(honest, (i * 7919) % 512)
      const results = await Promise.all(
        BACKENDS.map((backend) => verifyJwsSignature('EdDSA', a.jwk, input, sig, backend)),
      )
      expect(results, `case ${i}`).toEqual([i % 3 === 0, i % 3 === 0])
    }
  })

  it('differ on a small-order public key: only libsodium refuses it', async () => {
    // A = R = the identity point (y = 1), S = 0: [S]B = R + [k]A holds for every message, so a
    // cofactorless check that does not refuse small-order points accepts it.
    const identity = Buffer.alloc(32)
    identity[0] = 1
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: identity.toString('base64url') }
    const sig = Buffer.concat([identity, Buffer.alloc(32)])
    expect(await verifyJwsSignature('EdDSA', jwk, 'any message', sig, 'libsodium')).toBe(false)
    expect(await verifyJwsSignature('EdDSA', jwk, 'any message', sig, 'node:crypto')).toBe(true)
  })
})
