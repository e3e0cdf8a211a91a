import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { compactVerify, CompactSign, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { reportError } from '../../src/cli/main.js'
import { registerKeys } from '../../src/cli/commands/keys.js'
import { AccordError, ERROR_CODES } from '../../src/core/errors.js'
import { jwkThumbprint } from '../../src/core/passport/jwk.js'
import {
  fileSigner,
  generateKeyPair,
  loadKeyFileAsPublic,
  loadPrivateKey,
  loadPublicKeys,
  MAX_KEY_FILE_BYTES,
  signerFromJwk,
  writeKeyPair,
} from '../../src/node/keys.js'
import { tempDir } from '../tmp.js'

const tmp = () => tempDir('accord-keys-')
const mode = (file: string) => statSync(file).mode & 0o777

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(AccordError)
    return (err as AccordError).code
  }
  throw new Error('expected a rejection')
}

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a rejection')
}

/** Writes `value` as JSON to a new file with `fileMode`. */
function writeJson(dir: string, name: string, value: unknown, fileMode = 0o644): string {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify(value), { mode: fileMode })
  chmodSync(file, fileMode)
  return file
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

describe('generateKeyPair', () => {
  for (const [alg, kty, crv] of [
    ['EdDSA', 'OKP', 'Ed25519'],
    ['ES256', 'EC', 'P-256'],
  ] as const) {
    it(`${alg}: ${kty}/${crv} with kid = RFC 7638 thumbprint, alg and use`, async () => {
      const pair = await generateKeyPair({ alg })
      expect(pair.privateJwk).toMatchObject({ kty, crv, alg, use: 'sig', kid: pair.kid })
      expect(pair.privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(pair.publicJwk).not.toHaveProperty('d')
      expect(pair.kid).toBe(await jwkThumbprint(pair.publicJwk))
    })
  }

  it('defaults to Ed25519 and makes a new key each time', async () => {
    const a = await generateKeyPair()
    const b = await generateKeyPair()
    expect(a.alg).toBe('EdDSA')
    expect(a.kid).not.toBe(b.kid)
  })

  it('throws TypeError for an algorithm outside ALLOWED_ALGS', async () => {
    await expect(generateKeyPair({ alg: 'RS256' as never })).rejects.toBeInstanceOf(TypeError)
  })
})

describe('writeKeyPair', () => {
  it('writes the private key 0600 and the public key 0644, both loadable', async () => {
    const dir = path.join(tmp(), 'new-dir')
    const pair = await generateKeyPair()
    const files = await writeKeyPair(dir, 'issuer', pair)
    expect(files.privatePath).toBe(path.join(dir, 'issuer.private.jwk.json'))
    expect(files.publicPath).toBe(path.join(dir, 'issuer.public.jwk.json'))
    expect(mode(files.privatePath)).toBe(0o600)
    expect(mode(files.publicPath)).toBe(0o644)
    expect(mode(dir)).toBe(0o700)
    expect(readFileSync(files.publicPath, 'utf8')).not.toContain('"d"')

    const loaded = await loadPrivateKey(files.privatePath)
    expect(loaded.kid).toBe(pair.kid)
    expect(loaded.privateJwk).toEqual(pair.privateJwk)
    expect(await loadPublicKeys(files.publicPath)).toEqual([pair.publicJwk])
  })

  it('refuses to overwrite either file without force, and leaves the old files', async () => {
    const dir = tmp()
    const first = await generateKeyPair()
    const files = await writeKeyPair(dir, 'k', first)
    const before = readFileSync(files.privatePath, 'utf8')
    const err = await messageOf(writeKeyPair(dir, 'k', await generateKeyPair()))
    expect(err).toMatch(/already exists; pass --force/)
    expect(await codeOf(writeKeyPair(dir, 'k', await generateKeyPair()))).toBe(
      'ERR_PASSPORT_KEY_EXISTS',
    )
    expect(readFileSync(files.privatePath, 'utf8')).toBe(before)

    // Only the public file exists: refused, and no orphan private key is left behind.
    const dir2 = tmp()
    writeFileSync(path.join(dir2, 'k.public.jwk.json'), '{}')
    expect(await codeOf(writeKeyPair(dir2, 'k', first))).toBe('ERR_PASSPORT_KEY_EXISTS')
    expect(() => statSync(path.join(dir2, 'k.private.jwk.json'))).toThrow()
  })

  it('replaces with force, keeping mode 0600 even over a world-readable file', async () => {
    const dir = tmp()
    const files = await writeKeyPair(dir, 'k', await generateKeyPair())
    chmodSync(files.privatePath, 0o644)
    const second = await generateKeyPair({ alg: 'ES256' })
    await writeKeyPair(dir, 'k', second, { force: true })
    expect(mode(files.privatePath)).toBe(0o600)
    expect((await loadPrivateKey(files.privatePath)).kid).toBe(second.kid)
  })

  it('refuses names that are paths', async () => {
    const pair = await generateKeyPair()
    for (const name of ['../x', 'a/b', '.hidden', '']) {
      expect(await codeOf(writeKeyPair(tmp(), name, pair))).toBe('ERR_CONFIG_BAD_ARGS')
    }
  })
})

describe('loadPrivateKey', () => {
  it('refuses a private key readable by group or others, saying to chmod 600', async () => {
    const dir = tmp()
    const { privatePath } = await writeKeyPair(dir, 'k', await generateKeyPair())
    for (const m of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(privatePath, m)
      const msg = await messageOf(loadPrivateKey(privatePath))
      expect(msg).toContain(`chmod 600 ${privatePath}`)
      expect(await codeOf(loadPrivateKey(privatePath))).toBe('ERR_PASSPORT_KEY_PERMISSIONS')
      await expect(fileSigner(privatePath)).rejects.toThrow(/group or others/)
    }
    chmodSync(privatePath, 0o400)
    await expect(loadPrivateKey(privatePath)).resolves.toBeDefined()
  })

  it('says a world-readable public key is a public key, before (and instead of) its mode', async () => {
    const dir = tmp()
    const pair = await generateKeyPair()
    const { publicPath, privatePath } = await writeKeyPair(dir, 'k', pair)
    expect(mode(publicPath)).toBe(0o644)
    const msg = await messageOf(loadPrivateKey(publicPath))
    expect(msg).toMatch(/this is a public key, not a private key/)
    expect(msg).not.toMatch(/chmod|mode/)
    expect(await codeOf(loadPrivateKey(publicPath))).toBe('ERR_PASSPORT_KEY_INVALID')
    const jwks = writeJson(dir, 'jwks.json', { keys: [pair.publicJwk] })
    expect(await messageOf(loadPrivateKey(jwks))).toMatch(/is a JWK Set .*not a private key/)
    // Anything that is not positively public is still refused for its mode, and no secret is shown.
    const secret = pair.privateJwk.d as string
    const cases: [string, string][] = [
      ['private.json', JSON.stringify(pair.privateJwk)],
      ['set-with-private.json', JSON.stringify({ keys: [pair.privateJwk] })],
      ['broken.json', `{"d":"${secret}",`],
      ['pem.key', `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`],
      ['huge.json', ' '.repeat(MAX_KEY_FILE_BYTES + 1)],
    ]
    for (const [name, text] of cases) {
      const file = path.join(dir, name)
      writeFileSync(file, text, { mode: 0o644 })
      chmodSync(file, 0o644)
      expect(await codeOf(loadPrivateKey(file))).toBe('ERR_PASSPORT_KEY_PERMISSIONS')
      expect(await messageOf(loadPrivateKey(file))).not.toContain(secret)
    }
    // The private key itself at 0644 too.
    chmodSync(privatePath, 0o644)
    expect(await codeOf(loadPrivateKey(privatePath))).toBe('ERR_PASSPORT_KEY_PERMISSIONS')
  })

  it('refuses a wrong kid, a public key, oct keys, other curves, non-JSON and huge files', async () => {
    const dir = tmp()
    const pair = await generateKeyPair()
    const secret = pair.privateJwk.d
    const cases: [unknown, string | RegExp][] = [
      [{ ...pair.privateJwk, kid: 'not-the-thumbprint' }, /not the key's RFC 7638 thumbprint/],
      [pair.publicJwk, /no private member "d"/],
      [{ kty: 'oct', k: secret }, /symmetric/],
      [{ ...pair.privateJwk, crv: 'Ed448' }, /crv "Ed448"/],
    ]
    for (const [i, [value, why]] of cases.entries()) {
      const file = writeJson(dir, `c${i}.json`, value, 0o600)
      const msg = await messageOf(loadPrivateKey(file))
      expect(msg).toMatch(why)
      expect(msg).not.toContain(secret)
      expect(await codeOf(loadPrivateKey(file))).toBe('ERR_PASSPORT_KEY_INVALID')
    }
    // Broken JSON: the parser's message (which quotes the input) is not passed on.
    const broken = path.join(dir, 'broken.json')
    writeFileSync(broken, `{"d":"${secret}",`, { mode: 0o600 })
    const msg = await messageOf(loadPrivateKey(broken))
    expect(msg).toMatch(/is not valid JSON/)
    expect(msg).not.toContain(secret)

    const huge = path.join(dir, 'huge.json')
    writeFileSync(huge, ' '.repeat(MAX_KEY_FILE_BYTES + 1), { mode: 0o600 })
    expect(await messageOf(loadPrivateKey(huge))).toMatch(/at most 65536/)
  })

  it('reports missing files and directories as ERR_PASSPORT_KEY_NOT_FOUND', async () => {
    const dir = tmp()
    expect(await codeOf(loadPrivateKey(path.join(dir, 'none.json')))).toBe(
      'ERR_PASSPORT_KEY_NOT_FOUND',
    )
    expect(await codeOf(loadPrivateKey(dir))).toBe('ERR_PASSPORT_KEY_NOT_FOUND')
  })
})

describe('loadPublicKeys', () => {
  it('loads a JWK or a JWKS, computing kid when absent', async () => {
    const dir = tmp()
    const a = await generateKeyPair()
    const b = await generateKeyPair({ alg: 'ES256' })
    const noKid: Record<string, unknown> = { ...a.publicJwk }
    delete noKid.kid
    const single = writeJson(dir, 'a.json', noKid)
    expect(await loadPublicKeys(single)).toEqual([a.publicJwk])
    const set = writeJson(dir, 'set.json', { keys: [a.publicJwk, b.publicJwk] })
    expect((await loadPublicKeys(set)).map((k) => k.kid)).toEqual([a.kid, b.kid])
  })

  it('refuses a JWKS holding a private member, an oct key or a wrong curve', async () => {
    const dir = tmp()
    const a = await generateKeyPair()
    const b = await generateKeyPair({ alg: 'ES256' })
    const cases: [unknown, RegExp][] = [
      [{ keys: [a.publicJwk, b.privateJwk] }, /keys\[1\]: contains private key member\(s\) "d"/],
      [{ keys: [{ ...b.publicJwk, p: 'AAAA' }] }, /"p"/],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /symmetric/],
      [{ ...b.publicJwk, crv: 'P-384' }, /crv "P-384"/],
      [{ ...a.publicJwk, crv: 'X25519' }, /crv "X25519"/],
    ]
    for (const [i, [value, why]] of cases.entries()) {
      const file = writeJson(dir, `c${i}.json`, value)
      const msg = await messageOf(loadPublicKeys(file))
      expect(msg).toMatch(why)
      expect(msg).not.toContain(b.privateJwk.d)
      expect(await codeOf(loadPublicKeys(file))).toBe('ERR_PASSPORT_KEY_INVALID')
    }
  })
})

describe('fileSigner', () => {
  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`${alg}: signatures verify with jose under the announced public key`, async () => {
      const dir = tmp()
      const pair = await generateKeyPair({ alg })
      const { privatePath } = await writeKeyPair(dir, 'k', pair)
      const signer = await fileSigner(privatePath)
      expect(signer.alg).toBe(alg)
      expect(signer.kid).toBe(pair.kid)
      expect(signer.publicJwk).toEqual(pair.publicJwk)

      const header = b64u(new TextEncoder().encode(JSON.stringify({ alg, kid: signer.kid })))
      const payload = b64u(new TextEncoder().encode('{"hello":"buyer"}'))
      const sig = await signer.sign(new TextEncoder().encode(`${header}.${payload}`))
      expect(sig).toBeInstanceOf(Uint8Array)
      expect(sig.length).toBe(64) // Ed25519 and raw R||S for P-256
      const key = await importJWK(signer.publicJwk, alg)
      const jws = `${header}.${payload}.${b64u(sig)}`
      const { protectedHeader } = await compactVerify(jws, key)
      expect(protectedHeader.kid).toBe(pair.kid)

      // A flipped byte fails.
      const bad = Uint8Array.from(sig)
      bad[5] = bad[5]! ^ 1
      await expect(compactVerify(`${header}.${payload}.${b64u(bad)}`, key)).rejects.toThrow()

      // And jose's own signature with the same key verifies under the signer's public key.
      const joseJws = await new CompactSign(new TextEncoder().encode('x'))
        .setProtectedHeader({ alg })
        .sign(await importJWK(pair.privateJwk, alg))
      await expect(compactVerify(joseJws, key)).resolves.toBeDefined()
    })
  }

  it('refuses a JWK whose public members do not belong to d', async () => {
    const a = await generateKeyPair()
    const b = await generateKeyPair()
    const mixed = { ...a.privateJwk, d: b.privateJwk.d }
    const msg = await messageOf(signerFromJwk(mixed))
    expect(msg).toMatch(/do not match the private key/)
    expect(msg).not.toContain(b.privateJwk.d)
  })
})

describe('accord keys (CLI)', () => {
  async function cli(argv: string[]) {
    let stdout = ''
    let stderr = ''
    let exit = 0
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) })
    const io = {
      out: (s: string) => void (stdout += s),
      err: (s: string) => void (stderr += s),
      isTty: false,
      today: () => '2026-11-21',
      nowSeconds: () => Date.parse('2026-11-21T12:00:00Z') / 1000,
    }
    registerKeys(program, { io, setExit: (c) => (exit = c) })
    try {
      await program.parseAsync(argv, { from: 'user' })
    } catch (err) {
      exit = reportError(err, io, argv.includes('--json'))
    }
    return { exit, stdout, stderr }
  }

  it('generate prints kid and paths, never the private key', async () => {
    const dir = tmp()
    const r = await cli(['keys', 'generate', '--out', dir, '--name', 'acme', '--json'])
    expect(r.exit).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toEqual({
      kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      alg: 'EdDSA',
      privatePath: path.join(dir, 'acme.private.jwk.json'),
      publicPath: path.join(dir, 'acme.public.jwk.json'),
    })
    const d = JSON.parse(readFileSync(out.privatePath, 'utf8')).d as string
    expect(r.stdout + r.stderr).not.toContain(d)
    expect(mode(out.privatePath)).toBe(0o600)

    const text = await cli(['keys', 'generate', '--out', dir, '--alg', 'ES256'])
    expect(text.exit).toBe(0)
    expect(text.stdout).toMatch(/generated ES256 key [A-Za-z0-9_-]{43}/)
    expect(text.stdout).toContain(path.join(dir, 'issuer.private.jwk.json'))
  })

  it('generate refuses to overwrite (exit 5) unless --force, and rejects unknown --alg (exit 2)', async () => {
    const dir = tmp()
    expect((await cli(['keys', 'generate', '--out', dir])).exit).toBe(0)
    const again = await cli(['keys', 'generate', '--out', dir])
    expect(again.exit).toBe(ERROR_CODES.ERR_PASSPORT_KEY_EXISTS.exit)
    expect(again.exit).toBe(5)
    expect(again.stderr).toContain('ERR_PASSPORT_KEY_EXISTS')
    expect((await cli(['keys', 'generate', '--out', dir, '--force'])).exit).toBe(0)
    expect((await cli(['keys', 'generate', '--out', dir, '--alg', 'RS256'])).exit).toBe(2)
  })

  it('export prints the public JWK, or a JWKS of several keys; thumbprint prints kids', async () => {
    const dir = tmp()
    const a = await generateKeyPair()
    const b = await generateKeyPair({ alg: 'ES256' })
    const fa = await writeKeyPair(dir, 'a', a)
    const fb = await writeKeyPair(dir, 'b', b)

    const one = await cli(['keys', 'export', '--key', fa.privatePath])
    expect(one.exit).toBe(0)
    expect(JSON.parse(one.stdout)).toEqual(a.publicJwk)
    expect(one.stdout).not.toContain(a.privateJwk.d)

    const set = await cli(['keys', 'export', '--key', fa.privatePath, '--key', fb.publicPath])
    expect(JSON.parse(set.stdout)).toEqual({ keys: [a.publicJwk, b.publicJwk] })
    const oneSet = await cli(['keys', 'export', '--key', fb.privatePath, '--jwks', '--json'])
    expect(JSON.parse(oneSet.stdout)).toEqual({ keys: [b.publicJwk] })
    // The exported JWKS loads back as a trust list.
    const jwksFile = writeJson(dir, 'jwks.json', JSON.parse(set.stdout))
    expect(await loadKeyFileAsPublic(jwksFile)).toEqual([a.publicJwk, b.publicJwk])

    const tp = await cli(['keys', 'thumbprint', '--key', fa.publicPath])
    expect(tp.stdout).toBe(`${a.kid}\n`)
    const tpJson = await cli(['keys', 'thumbprint', '--key', fb.privatePath, '--json'])
    expect(JSON.parse(tpJson.stdout)).toEqual([{ kid: b.kid, thumbprint: b.kid, alg: 'ES256' }])
  })

  it('export refuses world-readable private keys, missing keys and no --key', async () => {
    const dir = tmp()
    const f = await writeKeyPair(dir, 'a', await generateKeyPair())
    chmodSync(f.privatePath, 0o644)
    const perm = await cli(['keys', 'export', '--key', f.privatePath])
    expect(perm.exit).toBe(ERROR_CODES.ERR_PASSPORT_KEY_PERMISSIONS.exit)
    expect(perm.stderr).toContain('chmod 600')
    expect(perm.stdout).toBe('')
    const missing = await cli(['keys', 'thumbprint', '--key', path.join(dir, 'nope.json')])
    expect(missing.exit).toBe(5)
    expect((await cli(['keys', 'export'])).exit).toBe(2)
    const oct = writeJson(dir, 'oct.json', { kty: 'oct', k: 'c2VjcmV0' })
    const r = await cli(['keys', 'export', '--key', oct, '--json'])
    expect(r.exit).toBe(3)
    expect(JSON.parse(r.stdout).error.code).toBe('ERR_PASSPORT_KEY_INVALID')
  })
})
