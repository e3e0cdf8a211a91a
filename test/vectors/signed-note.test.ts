/**
 * C2SP signed-note interop: the spec's example (vendored in /work/shared/vendor/rfc6962) parses
 * and verifies with its verifier key, every tampering fails, and notes we sign verify with an
 * independent implementation (Python `cryptography` Ed25519, key ID recomputed per the spec).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../src/core/merkle/index.js'
import { signCheckpoint, verifyCheckpoint } from '../../src/core/tlog/checkpoint.js'
import {
  parseNote,
  parseVerifierKey,
  verifyNote,
  type NoteVerifier,
} from '../../src/core/tlog/note.js'
import { generateKeyPair, signerFromJwk } from '../../src/node/keys.js'
import { sha256 } from '../../src/node/sha256.js'
import { ed25519PublicKey, noteSignerFromSigner } from '../../src/node/tlog/registry.js'

const v = JSON.parse(readFileSync('/work/shared/vendor/rfc6962/vectors.json', 'utf8')) as {
  signed_note_example: { vkey: string; note: string; signed_text: string }
}
const ex = v.signed_note_example

function exampleVerifier(): NoteVerifier {
  const r = parseVerifierKey(ex.vkey, sha256)
  if (!r.ok) throw new Error(r.message)
  return r.verifier
}

describe('C2SP signed-note example', () => {
  it('parses the verifier key (key ID 530d903a) and verifies the note', async () => {
    const verifier = exampleVerifier()
    expect(verifier.name).toBe('example.com/foo')
    expect(toHex(verifier.keyId)).toBe('530d903a')
    const r = await verifyNote(ex.note, [verifier])
    expect(r).toMatchObject({ ok: true, text: ex.signed_text, verifiedBy: ['example.com/foo'] })
  })

  const tampered: [string, string, string][] = [
    ['text changed', ex.note.replace('example message', 'exemplary message'), 'signature-invalid'],
    [
      'signature bit flipped',
      ex.note.replace(
        / ([A-Za-z0-9+/]{20})/,
        (_, s: string) => ` ${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`,
      ),
      'signature-invalid',
    ],
    ['other key name', ex.note.replace('— example.com/foo', '— example.com/bar'), 'unknown-key'],
    ['no blank line', ex.note.replace('\n\n', '\n'), 'malformed'],
    ['CRLF', ex.note.replace(/\n/g, '\r\n'), 'malformed'],
    ['no final newline', ex.note.slice(0, -1), 'malformed'],
    ['no signature', ex.signed_text + '\n', 'malformed'],
    ['hyphen instead of em dash', ex.note.replace('—', '-'), 'malformed'],
  ]
  for (const [name, note, reason] of tampered) {
    it(`rejects the example with ${name} (${reason})`, async () => {
      const r = await verifyNote(note, [exampleVerifier()])
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.reason).toBe(reason)
    })
  }

  it('rejects a verifier key whose key ID does not match its name and key', () => {
    expect(parseVerifierKey(ex.vkey.replace('530d903a', '530d903b'), sha256).ok).toBe(false)
    expect(parseVerifierKey(ex.vkey.replace('example.com/foo', 'example.com/bar'), sha256).ok).toBe(
      false,
    )
    expect(parseNote(ex.note).ok).toBe(true)
  })
})

describe('our checkpoints verify with an independent implementation', () => {
  it('Python cryptography verifies the Ed25519 signature and key ID of a signed checkpoint', async () => {
    const signer = await signerFromJwk((await generateKeyPair()).privateJwk)
    const origin = 'registry.example/accord/log'
    const note = await signCheckpoint(
      { origin, size: 12345, rootHash: sha256(new TextEncoder().encode('root')) },
      noteSignerFromSigner(signer, origin),
    )
    const pub = Buffer.from(ed25519PublicKey(signer)).toString('hex')
    const py = `
import sys, base64, hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
note = sys.stdin.read()
pub = bytes.fromhex(sys.argv[1]); origin = sys.argv[2]
text, sigs = note[:note.rindex('\\n\\n') + 1], note[note.rindex('\\n\\n') + 2:]
lines = [l for l in sigs.split('\\n') if l]
assert len(lines) == 1, lines
prefix = '\\u2014 ' + origin + ' '
assert lines[0].startswith(prefix), lines[0]
blob = base64.b64decode(lines[0][len(prefix):], validate=True)
key_id = hashlib.sha256(origin.encode() + b'\\n' + b'\\x01' + pub).digest()[:4]
assert blob[:4] == key_id, 'key id'
Ed25519PublicKey.from_public_bytes(pub).verify(blob[4:], text.encode())
body = text.split('\\n')
assert body[0] == origin and body[1] == '12345' and len(base64.b64decode(body[2])) == 32
print('ok')
`
    const out = execFileSync('/usr/bin/python3', ['-c', py, pub, origin], {
      input: note,
      encoding: 'utf8',
    })
    expect(out.trim()).toBe('ok')
    // And the same note fails there once tampered (the script must be able to fail).
    expect(() =>
      execFileSync('/usr/bin/python3', ['-c', py, pub, origin], {
        input: note.replace('12345', '12346'),
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    ).toThrow()
    const ours = await verifyCheckpoint(note, [
      {
        name: origin,
        keyId: noteSignerFromSigner(signer, origin).keyId,
        publicKey: ed25519PublicKey(signer),
      },
    ])
    expect(ours.ok).toBe(true)
  })
})
