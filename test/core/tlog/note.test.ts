import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/merkle/index.js'
import {
  decodeBase64Std,
  ed25519NoteSigner,
  encodeBase64Std,
  formatVerifierKey,
  isValidKeyName,
  MAX_NOTE_SIGNATURES,
  noteKeyId,
  noteVerifier,
  parseNote,
  parseVerifierKey,
  signNote,
  verifyNote,
} from '../../../src/core/tlog/note.js'
import { sha256 } from '../../../src/node/sha256.js'

function keyPair(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = new Uint8Array(
    publicKey.export({ format: 'jwk' }).x
      ? Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')
      : [],
  )
  const signer = ed25519NoteSigner(
    name,
    raw,
    async (m) => new Uint8Array(sign(null, m, privateKey)),
    sha256,
  )
  return { raw, signer, verifier: noteVerifier(name, raw, sha256) }
}

describe('base64 (standard, canonical)', () => {
  it('round-trips and refuses non-canonical or other alphabets', () => {
    const b = new Uint8Array([251, 255, 0, 1])
    expect(decodeBase64Std(encodeBase64Std(b))).toEqual(b)
    expect(decodeBase64Std('+/8=')).toEqual(new Uint8Array([251, 255]))
    expect(decodeBase64Std('-_8=')).toBeUndefined()
    expect(decodeBase64Std('+/8')).toBeUndefined()
    expect(decodeBase64Std('+/9=')).toBeUndefined() // padding bits set
    expect(decodeBase64Std(' +/8=')).toBeUndefined()
  })
})

describe('keys', () => {
  it('names: no spaces, no +, not empty', () => {
    expect(isValidKeyName('example.com/log')).toBe(true)
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 5])
      expect(isValidKeyName(bad)).toBe(false)
  })

  it('formats and parses verifier keys, including base64 with "+"', () => {
    for (let i = 0; i < 20; i++) {
      const { raw } = keyPair('log.example')
      const vkey = formatVerifierKey('log.example', raw, sha256)
      const r = parseVerifierKey(vkey, sha256)
      expect(r.ok).toBe(true)
      if (r.ok) {
        expect(r.verifier.publicKey).toEqual(raw)
        expect(toHex(r.verifier.keyId)).toBe(toHex(noteKeyId('log.example', raw, sha256)))
      }
    }
  })

  it('refuses malformed verifier keys', () => {
    let { raw } = keyPair('n')
    let good = formatVerifierKey('n', raw, sha256)
    // The upper-case spelling below must differ from the key id: draw again while the id is all
    // digits (about one key in 40).
    while (!/^n\+[0-9]*[a-f]/.test(good)) {
      raw = keyPair('n').raw
      good = formatVerifierKey('n', raw, sha256)
    }
    const [, id, key] = /^n\+([0-9a-f]{8})\+(.*)$/.exec(good)!
    for (const bad of [
      'n',
      `n+${id}`,
      `+${id}+${key}`,
      `n+${id!.toUpperCase()}+${key}`,
      `n+${id}+notbase64!`,
      `n+${id}+${encodeBase64Std(new Uint8Array([2, ...raw]))}`,
      `n+${id}+${encodeBase64Std(new Uint8Array([1, ...raw.slice(1)]))}`,
    ])
      expect(parseVerifierKey(bad, sha256).ok).toBe(false)
    expect(parseVerifierKey(5 as unknown as string, sha256).ok).toBe(false)
    expect(() => formatVerifierKey('a b', raw, sha256)).toThrow(TypeError)
    expect(() => formatVerifierKey('a', raw.slice(1), sha256)).toThrow(TypeError)
    expect(() => noteVerifier('a b', raw, sha256)).toThrow(TypeError)
    expect(() => noteVerifier('a', raw.slice(1), sha256)).toThrow(TypeError)
    expect(() => ed25519NoteSigner('a b', raw, async () => raw, sha256)).toThrow(TypeError)
    expect(() => ed25519NoteSigner('a', raw.slice(1), async () => raw, sha256)).toThrow(TypeError)
  })
})

describe('signNote / verifyNote', () => {
  const a = keyPair('a.example')
  const b = keyPair('b.example')

  it('signs with several keys; verifies with any known subset; ignores unknown keys', async () => {
    const note = await signNote('hello\nworld\n', [a.signer, b.signer])
    expect(note.startsWith('hello\nworld\n\n\u2014 a.example ')).toBe(true)
    expect(await verifyNote(note, [a.verifier])).toMatchObject({
      ok: true,
      verifiedBy: ['a.example'],
    })
    expect(await verifyNote(note, [a.verifier, b.verifier])).toMatchObject({
      ok: true,
      verifiedBy: ['a.example', 'b.example'],
    })
    const c = keyPair('c.example')
    expect(await verifyNote(note, [c.verifier])).toMatchObject({ ok: false, reason: 'unknown-key' })
    expect(await verifyNote(note, [])).toMatchObject({ ok: false, reason: 'unknown-key' })
  })

  it('rejects a note where a known key signature fails, even if another verifies', async () => {
    const note = await signNote('x\n', [a.signer])
    // Same name and key ID as b's verifier would expect, but signed by a: b is "known", fails.
    const forged = note.replace('a.example', 'b.example')
    const fakeB = { ...b.verifier, keyId: a.verifier.keyId }
    expect(await verifyNote(forged, [fakeB])).toMatchObject({
      ok: false,
      reason: 'signature-invalid',
    })
    const throwing = await verifyNote(note, [a.verifier], {
      ed25519Verify: async () => {
        throw new Error('boom')
      },
    })
    expect(throwing).toMatchObject({ ok: false, reason: 'signature-invalid' })
  })

  it('text may hold blank lines; the last blank line starts the signatures', async () => {
    const note = await signNote('a\n\nb\n', [a.signer])
    expect(await verifyNote(note, [a.verifier])).toMatchObject({ ok: true, text: 'a\n\nb\n' })
  })

  it('refuses to sign bad text or with bad signers', async () => {
    await expect(signNote('no newline', [a.signer])).rejects.toThrow(TypeError)
    await expect(signNote('ctl\u0001\n', [a.signer])).rejects.toThrow(TypeError)
    await expect(signNote('x\n', [])).rejects.toThrow(TypeError)
    await expect(signNote('x\n', [{ ...a.signer, name: 'a b' }])).rejects.toThrow(TypeError)
    await expect(signNote('x\n', [{ ...a.signer, keyId: new Uint8Array(3) }])).rejects.toThrow(
      TypeError,
    )
  })

  it('parses defensively', async () => {
    const note = await signNote('x\n', [a.signer])
    const sigLine = note.split('\n')[2]!
    const cases: string[] = [
      'x'.repeat(70_000),
      'x\n\n\u2014 a.example\n',
      'x\n\n\u2014 a b AAAAAAA=\n',
      'x\n\n\u2014 a.example AAAA\n',
      'x\n\n\u2014 a.example !!!!\n',
      'x\u0001\n\n' + sigLine + '\n',
      'x\n\n' + Array.from({ length: MAX_NOTE_SIGNATURES + 1 }, () => sigLine).join('\n') + '\n',
    ]
    for (const c of cases) expect(parseNote(c).ok).toBe(false)
    expect(parseNote(5 as unknown as string).ok).toBe(false)
    expect(parseNote(note).ok).toBe(true)
  })
})
