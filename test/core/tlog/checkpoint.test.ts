import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  formatCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  verifyCheckpoint,
} from '../../../src/core/tlog/checkpoint.js'
import { ed25519NoteSigner, noteVerifier } from '../../../src/core/tlog/note.js'
import { sha256 } from '../../../src/node/sha256.js'

const ROOT = new Uint8Array(sha256(new TextEncoder().encode('root')))
const ROOT_B64 = Buffer.from(ROOT).toString('base64')

describe('tlog-checkpoint text', () => {
  it('formats origin, size, base64 root and extension lines', () => {
    expect(formatCheckpoint({ origin: 'o.example/log', size: 10, rootHash: ROOT })).toBe(
      `o.example/log\n10\n${ROOT_B64}\n`,
    )
    const withExt = formatCheckpoint({
      origin: 'o',
      size: 0,
      rootHash: ROOT,
      extensions: ['ext a'],
    })
    expect(parseCheckpointText(withExt)).toEqual({
      ok: true,
      checkpoint: { origin: 'o', size: 0, rootHash: ROOT, extensions: ['ext a'] },
    })
  })

  it('refuses values that break the format', () => {
    expect(() => formatCheckpoint({ origin: '', size: 1, rootHash: ROOT })).toThrow(TypeError)
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: ROOT })).toThrow(TypeError)
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: ROOT })).toThrow(TypeError)
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: ROOT })).toThrow(TypeError)
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT.slice(1) })).toThrow(
      TypeError,
    )
    expect(() =>
      formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT, extensions: [''] }),
    ).toThrow(TypeError)
  })

  const bad: [string, string][] = [
    ['no final newline', `o\n1\n${ROOT_B64}`],
    ['two lines', `o\n1\n`],
    ['leading zero', `o\n01\n${ROOT_B64}\n`],
    ['sign', `o\n+1\n${ROOT_B64}\n`],
    ['beyond 2^53', `o\n9007199254740993\n${ROOT_B64}\n`],
    ['short root', `o\n1\n${Buffer.from(ROOT.slice(1)).toString('base64')}\n`],
    ['base64url root', `o\n1\n${Buffer.from(ROOT).toString('base64url')}\n`],
    ['empty extension', `o\n1\n${ROOT_B64}\n\n`],
    ['empty origin', `\n1\n${ROOT_B64}\n`],
    ['too many extensions', `o\n1\n${ROOT_B64}\n${'e\n'.repeat(17)}`],
  ]
  for (const [name, text] of bad)
    it(`refuses a checkpoint with ${name}`, () => expect(parseCheckpointText(text).ok).toBe(false))
})

describe('signed checkpoints', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = new Uint8Array(
    Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'),
  )
  const signer = ed25519NoteSigner(
    'o.example/log',
    raw,
    async (m) => new Uint8Array(sign(null, m, privateKey)),
    sha256,
  )
  const verifier = noteVerifier('o.example/log', raw, sha256)

  it('verifies, checks the origin, and parses', async () => {
    const note = await signCheckpoint({ origin: 'o.example/log', size: 7, rootHash: ROOT }, signer)
    const r = await verifyCheckpoint(note, [verifier], { origin: 'o.example/log' })
    expect(r).toMatchObject({ ok: true, checkpoint: { size: 7, origin: 'o.example/log', note } })
    expect(await verifyCheckpoint(note, [verifier], { origin: 'other' })).toMatchObject({
      ok: false,
      reason: 'origin-mismatch',
    })
    expect((await verifyCheckpoint(note.replace('\n7\n', '\n8\n'), [verifier])).ok).toBe(false)
  })

  it('a signed note that is not a checkpoint is malformed', async () => {
    const { signNote } = await import('../../../src/core/tlog/note.js')
    const note = await signNote('just text\n', [signer])
    expect(await verifyCheckpoint(note, [verifier])).toMatchObject({
      ok: false,
      reason: 'malformed',
    })
  })
})
