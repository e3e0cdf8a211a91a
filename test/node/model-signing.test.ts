import { spawnSync } from 'node:child_process'
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AccordError } from '../../src/core/errors.js'
import {
  exportInToto,
  parseModelSignature,
  preAuthEncoding,
} from '../../src/core/passport/model-signing.js'
import {
  hashModelDir,
  listModelFiles,
  readModelPublicKey,
  verifyModelSignature,
} from '../../src/node/model-signing.js'
import { sha256 } from '../../src/node/sha256.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'
import { tempDir } from '../tmp.js'

const VENDOR = `${SHARED_VENDOR}/model-signing`
const FIXTURE = `${VENDOR}/v1.1.0-elliptic-key`
const KEY = readFileSync(`${VENDOR}/signing-key-pub.pem`, 'utf8')
const bundleText = readFileSync(`${FIXTURE}/model.sig`, 'utf8')
const bundle = () => JSON.parse(bundleText) as any // eslint-disable-line @typescript-eslint/no-explicit-any
const tmp = () => tempDir('accord-model-')
/** A writable copy of the (read-only) fixture directory. */
const copyFixture = (): string => {
  const dir = tmp()
  cpSync(FIXTURE, dir, { recursive: true })
  chmodSync(dir, 0o755)
  for (const f of readdirSync(dir)) chmodSync(path.join(dir, f), 0o644)
  return dir
}
const outcome = (r: { checks: { check: string; outcome: string }[] }) =>
  Object.fromEntries(r.checks.map((c) => [c.check, c.outcome]))

describe('verifyModelSignature (upstream v1.1.0 elliptic-key fixture)', () => {
  it('verifies with the fixture key, and the model directory matches (ignore-me ignored)', async () => {
    const r = await verifyModelSignature(bundleText, KEY, { modelDir: FIXTURE })
    expect(outcome(r)).toEqual({
      format: 'pass',
      signature: 'pass',
      'subject-digest': 'pass',
      files: 'pass',
    })
    expect(r.ok).toBe(true)
    expect(r.keyAlgorithm).toBe('ecdsa-p384-sha384')
    expect(r.files).toEqual({
      matched: ['signme-1', 'signme-2'],
      mismatched: [],
      missing: [],
      extra: [],
      ignored: ['ignore-me', 'model.sig'],
      symlinks: [],
    })
    // already-parsed JSON works too; without a directory the file check is skipped
    const r2 = await verifyModelSignature(bundle(), KEY)
    expect(r2.ok).toBe(true)
    expect(outcome(r2).files).toBe('skipped')
  })

  it('fails when a payload byte changes', async () => {
    const b = bundle()
    const payload = Buffer.from(b.dsseEnvelope.payload, 'base64')
    // change one digit of the subject digest inside the JSON: still a valid statement
    const at = payload.indexOf('92745110')
    payload[at] = '8'.charCodeAt(0)
    b.dsseEnvelope.payload = payload.toString('base64')
    const r = await verifyModelSignature(b, KEY)
    expect(r.ok).toBe(false)
    expect(r.checks.find((c) => c.check === 'signature')).toMatchObject({
      outcome: 'fail',
      reason: 'signature-invalid',
    })
  })

  it('fails when a signature byte changes, or the signature is garbage', async () => {
    for (const offset of [10, 40, 80]) {
      const b = bundle()
      const sig = Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64')
      sig[offset] = (sig[offset] as number) ^ 0x01
      b.dsseEnvelope.signatures[0].sig = sig.toString('base64')
      expect((await verifyModelSignature(b, KEY)).ok).toBe(false)
    }
    const b = bundle()
    b.dsseEnvelope.signatures[0].sig = Buffer.from('not DER').toString('base64')
    expect((await verifyModelSignature(b, KEY)).checks[1]).toMatchObject({
      reason: 'signature-invalid',
    })
  })

  it('fails with another key of the same type', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string
    expect((await verifyModelSignature(bundle(), other)).ok).toBe(false)
  })

  it('a malformed bundle is a failed format check, not an exception', async () => {
    const r = await verifyModelSignature('{"mediaType": 1}', KEY)
    expect(r.ok).toBe(false)
    expect(r.checks).toEqual([
      expect.objectContaining({ check: 'format', outcome: 'fail', reason: 'malformed' }),
    ])
    expect((await verifyModelSignature('not json', KEY)).checks[0]).toMatchObject({
      reason: 'malformed',
    })
    // The error itself is kept, so the CLI reports malformed input with its code (exit 3).
    expect(r.malformed?.code).toBe('ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED')
    expect((await verifyModelSignature('not json', KEY)).malformed).toMatchObject({
      code: 'ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED',
      message: expect.stringMatching(/^model signature: not JSON \(/),
    })
  })

  it('reports changed, missing and extra files', async () => {
    const dir = copyFixture()
    writeFileSync(path.join(dir, 'signme-1'), 'tampered')
    const r = await verifyModelSignature(bundleText, KEY, { modelDir: dir })
    expect(r.ok).toBe(false)
    expect(r.files?.mismatched.map((m) => m.name)).toEqual(['signme-1'])
    expect(r.checks.at(-1)).toMatchObject({ check: 'files', reason: 'artifact-mismatch' })

    const dir2 = copyFixture()
    rmSync(path.join(dir2, 'signme-2'))
    const r2 = await verifyModelSignature(bundleText, KEY, { modelDir: dir2 })
    expect(r2.files?.missing).toEqual(['signme-2'])
    expect(r2.checks.at(-1)).toMatchObject({ reason: 'artifact-missing' })

    const dir3 = copyFixture()
    mkdirSync(path.join(dir3, 'sub'))
    writeFileSync(path.join(dir3, 'sub', 'extra.bin'), 'x')
    symlinkSync('signme-1', path.join(dir3, 'link'))
    const r3 = await verifyModelSignature(bundleText, KEY, { modelDir: dir3 })
    expect(r3.files?.extra).toEqual(['sub/extra.bin'])
    expect(r3.files?.symlinks).toEqual(['link'])
    expect(r3.ok).toBe(false)
    // the caller's ignore paths are honoured too
    const r4 = await verifyModelSignature(bundleText, KEY, {
      modelDir: dir3,
      ignorePaths: ['sub', 'link'],
    })
    expect(r4.ok).toBe(true)
  })

  it('a FIFO in the model directory fails the files check rather than being skipped', async () => {
    const dir = copyFixture()
    expect(spawnSync('mkfifo', [path.join(dir, 'pipe')]).status).toBe(0)
    const r = await verifyModelSignature(bundleText, KEY, { modelDir: dir })
    expect(r.ok).toBe(false)
    expect(r.checks.at(-1)).toMatchObject({
      check: 'files',
      outcome: 'fail',
      message: expect.stringContaining('pipe is not a regular file'),
    })
  })

  it('openssl independently verifies the DSSE signature over the PAE bytes', () => {
    const sig = parseModelSignature(bundle())
    const dir = tmp()
    writeFileSync(path.join(dir, 'pae.bin'), preAuthEncoding(sig.payloadType, sig.payload))
    writeFileSync(path.join(dir, 'sig.der'), sig.signatures[0]!.sig)
    writeFileSync(path.join(dir, 'key.pem'), KEY.slice(KEY.indexOf('-----BEGIN PUBLIC KEY-----')))
    const ok = spawnSync(
      'openssl',
      ['dgst', '-sha384', '-verify', 'key.pem', '-signature', 'sig.der', 'pae.bin'],
      { cwd: dir, encoding: 'utf8' },
    )
    expect(ok.stdout.trim()).toBe('Verified OK')
    expect(ok.status).toBe(0)
    // one changed PAE byte: openssl rejects as well
    const pae = readFileSync(path.join(dir, 'pae.bin'))
    pae[7] = (pae[7] as number) ^ 1
    writeFileSync(path.join(dir, 'pae.bin'), pae)
    const bad = spawnSync(
      'openssl',
      ['dgst', '-sha384', '-verify', 'key.pem', '-signature', 'sig.der', 'pae.bin'],
      { cwd: dir, encoding: 'utf8' },
    )
    expect(bad.status).not.toBe(0)
  })
})

describe('other key types', () => {
  /** Signs our own export of the fixture files as a bundle, with the given key. */
  async function signedBundle(privateKey: KeyObject, digest: string | null) {
    const artifacts = await hashModelDir(FIXTURE, ['model.sig', 'ignore-me'])
    const statement = exportInToto(artifacts, 'm', sha256)
    const payload = Buffer.from(JSON.stringify(statement))
    const sig = cryptoSign(
      digest,
      preAuthEncoding('application/vnd.in-toto+json', payload),
      privateKey,
    )
    return {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'test' }, tlogEntries: [] },
      dsseEnvelope: {
        payload: payload.toString('base64'),
        payloadType: 'application/vnd.in-toto+json',
        signatures: [{ sig: sig.toString('base64'), keyid: '' }],
      },
    }
  }

  it.each([
    ['ecdsa-p256-sha256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), 'sha256'],
    ['ecdsa-p521-sha512', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), 'sha512'],
    ['ed25519', () => generateKeyPairSync('ed25519'), null],
  ] as const)('%s', async (alg, gen, digest) => {
    const { privateKey, publicKey } = gen()
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string
    const b = await signedBundle(privateKey, digest)
    // with our export the directory check needs the same ignores the fixture records
    const r = await verifyModelSignature(b, pem, {
      modelDir: FIXTURE,
      ignorePaths: ['model.sig', 'ignore-me'],
    })
    expect(r.keyAlgorithm).toBe(alg)
    expect(r.ok, JSON.stringify(r.checks)).toBe(true)
    // another key (of another type) does not verify it
    const wrong = generateKeyPairSync('ed25519').publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string
    expect((await verifyModelSignature(b, wrong)).ok).toBe(false)
  })

  it('refuses keys it cannot use, with a code', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string
    for (const pem of [
      rsa,
      k256,
      'no pem here',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    ]) {
      expect(() => readModelPublicKey(pem)).toThrow(AccordError)
      try {
        readModelPublicKey(pem)
      } catch (err) {
        expect((err as AccordError).code).toBe('ERR_PASSPORT_MODEL_KEY_INVALID')
      }
    }
    // the certtool text before the PEM block is ignored
    expect(readModelPublicKey(KEY).algorithm).toBe('ecdsa-p384-sha384')
  })
})

describe('listModelFiles / hashModelDir', () => {
  it('lists nested files with / separators and hashes them', async () => {
    const dir = tmp()
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true })
    writeFileSync(path.join(dir, 'a', 'b', 'w.bin'), 'weights')
    writeFileSync(path.join(dir, 'top'), 'x')
    mkdirSync(path.join(dir, '.git'))
    writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref')
    const l = await listModelFiles(dir, ['.git'])
    expect(l).toEqual({
      files: ['a/b/w.bin', 'top'],
      ignored: ['.git'],
      symlinks: [],
      others: [],
    })
    const h = await hashModelDir(dir, ['.git'])
    expect(h.map((a) => a.path)).toEqual(['a/b/w.bin', 'top'])
    expect(h[0]).toMatchObject({
      size: 7,
      sha256: Buffer.from(sha256(Buffer.from('weights'))).toString('hex'),
    })
  })

  it('hashModelDir refuses symbolic links and FIFOs instead of leaving them out', async () => {
    // A Hugging Face cache snapshot: every file is a link into ../blobs.
    const root = tmp()
    mkdirSync(path.join(root, 'blobs'))
    mkdirSync(path.join(root, 'snapshot'))
    writeFileSync(path.join(root, 'blobs', 'abc'), 'weights')
    symlinkSync('../blobs/abc', path.join(root, 'snapshot', 'model.safetensors'))
    writeFileSync(path.join(root, 'snapshot', 'README.md'), 'card')
    const snapshot = path.join(root, 'snapshot')
    await expect(hashModelDir(snapshot)).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: expect.stringMatching(/symbolic links are not followed \(model\.safetensors\)/),
    })
    // Left out on purpose, it is no longer refused.
    const h = await hashModelDir(snapshot, ['model.safetensors'])
    expect(h.map((a) => a.path)).toEqual(['README.md'])
    // A FIFO is neither hashed nor silently skipped.
    const fifoDir = tmp()
    writeFileSync(path.join(fifoDir, 'w.bin'), 'weights')
    expect(spawnSync('mkfifo', [path.join(fifoDir, 'pipe')]).status).toBe(0)
    await expect(hashModelDir(fifoDir)).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: expect.stringMatching(/not regular files \(pipe\)/),
    })
    expect((await listModelFiles(fifoDir)).others).toEqual(['pipe'])
  })
})
