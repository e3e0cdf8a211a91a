import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { Command } from 'commander'
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Signer } from '../../src/core/ports.js'
import { STATUS, checkStatus, signCompactJws } from '../../src/core/passport/status.js'
import { verifyEndorsement } from '../../src/core/passport/endorse.js'
import { registerEndorse } from '../../src/cli/commands/endorse.js'
import { registerRevoke } from '../../src/cli/commands/revoke.js'
import { registerStatus } from '../../src/cli/commands/status.js'
import { reportError } from '../../src/cli/main.js'
import { fileSigner, generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { DEFAULT_LIST_SIZE, StatusStore, loadStatusListToken } from '../../src/node/status-store.js'
import { tempDir as removedAfterAll } from '../tmp.js'

const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url))

async function testSigner(): Promise<Signer> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>
  const kid = await calculateJwkThumbprint(jwk as never)
  return {
    alg: 'EdDSA',
    kid,
    publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' },
    sign: async (data) => new Uint8Array(cryptoSign(null, data, privateKey)),
  }
}

const URI = 'https://issuer.example/status/main.statuslist.jwt'
const NOW = 1_800_000_000
const clock = { nowSeconds: () => NOW }

function tempDir(): Promise<string> {
  return Promise.resolve(removedAfterAll('accord-status-'))
}

/** A scripted random source: yields `values` in turn, then repeats the last. */
function scripted(values: number[]): (max: number) => number {
  let i = 0
  return (max) => (values[Math.min(i++, values.length - 1)] as number) % max
}

describe('StatusStore.allocateIndex', () => {
  it('draws random unused indexes, persists them and never reuses one after a restart', async () => {
    const dir = await tempDir()
    const store = new StatusStore({ dir, randomInt: scripted([42, 42, 7, 42, 7, 99]) })
    expect(await store.allocateIndex('main', { uri: URI })).toBe(42)
    expect(await store.allocateIndex('main')).toBe(7) // 42 was taken: drawn again
    const state = JSON.parse(await readFile(path.join(dir, 'main.state.json'), 'utf8'))
    expect(state).toMatchObject({ listId: 'main', bits: 2, size: DEFAULT_LIST_SIZE, uri: URI })
    expect(state.allocated).toEqual([42, 7])

    const restarted = new StatusStore({ dir, randomInt: scripted([42, 7, 42, 7, 99]) })
    expect(await restarted.allocateIndex('main')).toBe(99)
  })

  it('falls back to a scan when random draws keep colliding, and reports a full list', async () => {
    const dir = await tempDir()
    const store = new StatusStore({ dir, size: 4, randomInt: () => 2 })
    const got = [
      await store.allocateIndex('small'),
      await store.allocateIndex('small'),
      await store.allocateIndex('small'),
      await store.allocateIndex('small'),
    ]
    expect(got).toEqual([2, 3, 0, 1])
    await expect(store.allocateIndex('small')).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_LIST_FULL',
    })
  })

  it('serializes concurrent allocations in one process', async () => {
    const dir = await tempDir()
    const store = new StatusStore({ dir, size: 256 })
    const twin = new StatusStore({ dir, size: 256 })
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? store : twin).allocateIndex('c')),
    )
    expect(new Set(all).size).toBe(60)
    const state = JSON.parse(await readFile(path.join(dir, 'c.state.json'), 'utf8'))
    expect([...state.allocated].sort((a: number, b: number) => a - b)).toEqual(
      [...all].sort((a, b) => a - b),
    )
  })

  it('refuses bad list ids, a moved uri and a damaged state file', async () => {
    const dir = await tempDir()
    const store = new StatusStore({ dir })
    expect(() => store.statePath('../x')).toThrow(/list id/)
    expect(() => store.statePath('.hidden')).toThrow(/not starting with '\.'/)
    expect(() => store.statePath('a/b')).toThrow(/list id/)
    // Key thumbprints (the default list id) are base64url: one in 32 starts with '-' or '_'.
    for (const thumbprint of ['-S1nhOOTe8c6UkOZYPS1pqQnlXPJ48IswY0bKijP8ug', '_x', '-'])
      expect(await store.allocateIndex(thumbprint, { uri: URI })).toBeGreaterThanOrEqual(0)
    await store.allocateIndex('main', { uri: URI })
    await expect(
      store.allocateIndex('main', { uri: 'https://elsewhere.example/s' }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_BAD_ARGS' })
    await writeFile(
      path.join(dir, 'main.state.json'),
      JSON.stringify({
        version: 1,
        listId: 'main',
        bits: 2,
        size: 8,
        allocated: [1, 1],
        statuses: {},
      }),
    )
    await expect(store.allocateIndex('main')).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_STORE_INVALID',
    })
    await writeFile(path.join(dir, 'main.state.json'), '{')
    await expect(store.readState('main')).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_STORE_INVALID',
    })
  })
})

describe('StatusStore.setStatus / signStatusList', () => {
  it('revoke, suspend and reinstate show in the signed list', async () => {
    const dir = await tempDir()
    const signer = await testSigner()
    const store = new StatusStore({ dir, clock })
    const idx = await store.allocateIndex('main', { uri: URI })
    const other = await store.allocateIndex('main')
    const check = async () => {
      const { path: file, token, exp } = await store.signStatusList('main', signer)
      expect(file).toBe(path.join(dir, 'main.statuslist.jwt'))
      expect(exp).toBeGreaterThan(NOW)
      const loaded = await loadStatusListToken(file)
      expect(loaded).toBe(token)
      const opts = { trustedKeys: [signer.publicJwk], nowSeconds: NOW + 1 }
      const otherResult = await checkStatus({ status_list: { idx: other, uri: URI } }, loaded, opts)
      expect(otherResult.reason).toBe('ok')
      return (await checkStatus({ status_list: { idx, uri: URI } }, loaded, opts)).reason
    }
    expect(await check()).toBe('ok')
    // Each change returns the status the entry had before.
    expect(await store.setStatus('main', idx, STATUS.suspended)).toBe(STATUS.valid)
    expect(await check()).toBe('suspended')
    expect(await store.setStatus('main', idx, STATUS.suspended)).toBe(STATUS.suspended)
    expect(await store.setStatus('main', idx, STATUS.valid)).toBe(STATUS.suspended)
    expect(await check()).toBe('ok')
    expect(await store.setStatus('main', idx, STATUS.invalid)).toBe(STATUS.valid)
    expect(await store.getStatus('main', idx)).toBe(STATUS.invalid)
    expect(await check()).toBe('revoked')
    // Revocation is final.
    await expect(store.setStatus('main', idx, STATUS.valid)).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
    })
    await expect(store.setStatus('main', idx, STATUS.suspended)).rejects.toThrow(/final/)
    expect(await check()).toBe('revoked')
    // The list stays bound to the key that first signed it.
    await expect(store.signStatusList('main', await testSigner())).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_KEY_MISMATCH',
    })
    expect(await store.findListByUri(URI)).toBe('main')
    expect(await store.findListByUri('https://nope.example/')).toBeUndefined()
  })

  it('refuses an index that was never allocated and a list without uri', async () => {
    const dir = await tempDir()
    const store = new StatusStore({ dir, randomInt: () => 3 })
    await store.allocateIndex('nouri')
    await expect(store.setStatus('nouri', 4, STATUS.invalid)).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
    })
    await expect(store.signStatusList('nouri', await testSigner())).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
    })
    await expect(store.signStatusList('missing', await testSigner())).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
    })
  })
})

describe('loadStatusListToken', () => {
  it('reads a file and refuses a missing or oversized one', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 't.jwt')
    await writeFile(file, 'a.b.c\n')
    expect(await loadStatusListToken(file)).toBe('a.b.c')
    await expect(loadStatusListToken(file, { maxBytes: 3 })).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_UNAVAILABLE',
    })
    await expect(loadStatusListToken(path.join(dir, 'none'))).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_UNAVAILABLE',
    })
    await expect(loadStatusListToken('ftp://example.com/x')).rejects.toThrow(/http\(s\)/)
  })

  it('fetches an explicit URL with a size limit and a timeout', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/ok') res.end('h.p.s')
      else if (req.url === '/big') res.end('x'.repeat(5000))
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 2000)
      else {
        res.statusCode = 404
        res.end()
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      expect(await loadStatusListToken(`${base}/ok`)).toBe('h.p.s')
      await expect(loadStatusListToken(`${base}/big`, { maxBytes: 1000 })).rejects.toThrow(
        /larger than 1000/,
      )
      await expect(loadStatusListToken(`${base}/none`)).rejects.toThrow(/HTTP 404/)
      await expect(loadStatusListToken(`${base}/slow`, { timeoutMs: 100 })).rejects.toMatchObject({
        code: 'ERR_PASSPORT_STATUS_UNAVAILABLE',
      })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

// CLI: `accord revoke`, `accord status`, `accord endorse`, run in-process on a fresh program.
describe('CLI revoke / status / endorse', () => {
  /** The CLI's clock in these runs; revoke and status sign sign the list at it. */
  const CLI_NOW = Date.parse('2027-01-01T12:00:00Z') / 1000

  async function cli(argv: string[]) {
    const out: string[] = []
    const err: string[] = []
    let code = 0
    const io = {
      out: (s: string) => void out.push(s),
      err: (s: string) => void err.push(s),
      isTty: false,
      today: () => '2027-01-01',
      nowSeconds: () => CLI_NOW,
    }
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: io.out, writeErr: io.err })
    const ctx = { io, setExit: (c: number) => void (code = c) }
    registerRevoke(program, ctx)
    registerStatus(program, ctx)
    registerEndorse(program, ctx)
    try {
      await program.parseAsync(argv, { from: 'user' })
    } catch (e) {
      code = reportError(e, io, argv.includes('--json'))
    }
    const stdout = out.join('')
    return { code, stdout, stderr: err.join(''), json: () => JSON.parse(stdout) }
  }

  /** An issuer key pair on disk, a status list with one allocated index, and a passport. */
  async function issuerSetup() {
    const dir = await tempDir()
    const pair = await generateKeyPair()
    const files = await writeKeyPair(dir, 'issuer', pair)
    const statusDir = path.join(dir, 'status')
    const store = new StatusStore({ dir: statusDir })
    const idx = await store.allocateIndex('main', { uri: URI })
    const signer = await fileSigner(files.privatePath)
    const passportFile = path.join(dir, 'passport.sd-jwt')
    const jwt = await signCompactJws(
      {
        iss: 'https://vendor.example',
        jti: 'urn:uuid:p1',
        credentialSubject: { id: 'urn:accord:system:abc' },
        status: { status_list: { idx, uri: URI } },
      },
      signer,
      'dc+sd-jwt',
    )
    await writeFile(passportFile, `${jwt}~\n`)
    return { dir, files, statusDir, store, idx, passportFile, jwt, pair }
  }

  it('revokes, and status show reads the re-signed list', async () => {
    const s = await issuerSetup()
    const r = await cli([
      'revoke',
      s.passportFile,
      '--key',
      s.files.privatePath,
      '--status-dir',
      s.statusDir,
      '--json',
    ])
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({
      action: 'revoked',
      passport: 'urn:uuid:p1',
      listId: 'main',
      idx: s.idx,
      status: 1,
      uri: URI,
    })
    const token = await loadStatusListToken(r.json().statusList)
    const check = await checkStatus({ status_list: { idx: s.idx, uri: URI } }, token, {
      trustedKeys: [s.pair.publicJwk],
      nowSeconds: CLI_NOW + 1,
    })
    expect(check.reason).toBe('revoked')

    const show = await cli([
      'status',
      'show',
      '--list',
      r.json().statusList,
      '--idx',
      String(s.idx),
      '--key',
      s.files.publicPath,
      '--json',
    ])
    expect(show.code).toBe(0)
    expect(show.json()).toMatchObject({
      sub: URI,
      bits: 2,
      size: DEFAULT_LIST_SIZE,
      counts: { revoked: 1, suspended: 0 },
      entry: { idx: s.idx, status: 1, name: 'revoked' },
      signature: 'valid',
    })
    const text = await cli([
      'status',
      'show',
      '--list',
      r.json().statusList,
      '--idx',
      String(s.idx),
    ])
    expect(text.stdout).toMatch(new RegExp(`index ${s.idx}: 1 \\(revoked\\)`))

    // An index past the end is a bad argument naming the valid range, not a broken token.
    for (const idx of [DEFAULT_LIST_SIZE, 999_999_999]) {
      const out = await cli(['status', 'show', '--list', r.json().statusList, '--idx', String(idx)])
      expect(out.code).toBe(2)
      expect(out.stderr).toContain(
        `--idx ${idx} is outside the status list ${r.json().statusList}: its ${DEFAULT_LIST_SIZE} entries have indexes 0 to ${DEFAULT_LIST_SIZE - 1} [ERR_CONFIG_BAD_ARGS]`,
      )
      expect(out.stderr).not.toContain('ERR_PASSPORT_STATUS_LIST_INVALID')
    }
    const last = await cli([
      'status',
      'show',
      '--list',
      r.json().statusList,
      '--idx',
      String(DEFAULT_LIST_SIZE - 1),
      '--json',
    ])
    expect(last.code).toBe(0)
    expect(last.json().entry).toMatchObject({ idx: DEFAULT_LIST_SIZE - 1 })

    // Revocation is final: reinstating is refused with exit 2.
    const again = await cli([
      'revoke',
      s.passportFile,
      '--key',
      s.files.privatePath,
      '--status-dir',
      s.statusDir,
      '--reinstate',
    ])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/revocation is final/)
  })

  it('suspends and reinstates', async () => {
    const s = await issuerSetup()
    const base = [
      'revoke',
      s.passportFile,
      '--key',
      s.files.privatePath,
      '--status-dir',
      s.statusDir,
    ]
    expect((await cli([...base, '--suspend'])).code).toBe(0)
    expect(await s.store.getStatus('main', s.idx)).toBe(STATUS.suspended)
    const r = await cli([...base, '--reinstate'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^reinstated urn:uuid:p1/)
    expect(await s.store.getStatus('main', s.idx)).toBe(STATUS.valid)
    expect((await cli([...base, '--suspend', '--reinstate'])).code).toBe(2)
  })

  it("refuses another issuer's key with exit 4 and changes nothing", async () => {
    const s = await issuerSetup()
    const otherDir = await tempDir()
    const other = await writeKeyPair(otherDir, 'other', await generateKeyPair({ alg: 'ES256' }))
    const r = await cli([
      'revoke',
      s.passportFile,
      '--key',
      other.privatePath,
      '--status-dir',
      s.statusDir,
    ])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/ERR_PASSPORT_STATUS_KEY_MISMATCH/)
    expect(r.stderr).toMatch(/only its issuer may change its status/)
    expect(await s.store.getStatus('main', s.idx)).toBe(STATUS.valid)
  })

  it('refuses a passport without status reference (exit 3) and a non-passport (exit 3)', async () => {
    const s = await issuerSetup()
    const signer = await fileSigner(s.files.privatePath)
    const noStatus = path.join(s.dir, 'nostatus.sd-jwt')
    await writeFile(
      noStatus,
      `${await signCompactJws({ iss: 'x', jti: 'y' }, signer, 'dc+sd-jwt')}~`,
    )
    const r = await cli([
      'revoke',
      noStatus,
      '--key',
      s.files.privatePath,
      '--status-dir',
      s.statusDir,
      '--json',
    ])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_PASSPORT_STATUS_NOT_FOUND')
    const junk = path.join(s.dir, 'junk.txt')
    await writeFile(junk, 'hello')
    const j = await cli([
      'revoke',
      junk,
      '--key',
      s.files.privatePath,
      '--status-dir',
      s.statusDir,
      '--json',
    ])
    expect(j.code).toBe(3)
    expect(j.json().error.code).toBe('ERR_PASSPORT_MALFORMED')
  })

  it('endorse writes a token that verifies for this passport only', async () => {
    const s = await issuerSetup()
    const nbDir = await tempDir()
    const nbPair = await generateKeyPair()
    const nb = await writeKeyPair(nbDir, 'nb', nbPair)
    const outFile = path.join(nbDir, 'e.sd-jwt')
    const r = await cli([
      'endorse',
      s.passportFile,
      '--key',
      nb.privatePath,
      '--name',
      'NB Example',
      '--kind',
      'notified-body',
      '--checked',
      'eu-ai-act:art-15, artifacts',
      '--statement',
      'Robustness evidence reviewed.',
      '--out',
      outFile,
      '--json',
    ])
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({
      endorsement: outFile,
      passport: 'urn:uuid:p1',
      endorser: {
        name: 'NB Example',
        kind: 'notified-body',
        id: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${nbPair.kid}`,
      },
      checked: ['artifacts', 'eu-ai-act:art-15'],
    })
    const token = (await readFile(outFile, 'utf8')).trim()
    const sha256 = (d: Uint8Array) => createHash('sha256').update(d).digest('hex')
    const verify = (passportIssuerJwt: string) =>
      verifyEndorsement(token, {
        passportIssuerJwt,
        trustedAssessorKeys: [nbPair.publicJwk],
        // endorse signs at the CLI's clock (CLI_NOW), so it is checked at that time.
        nowSeconds: CLI_NOW,
        sha256,
      })
    expect(await verify(s.jwt)).toMatchObject({ valid: true, reason: 'ok' })
    const other = await issuerSetup()
    expect((await verify(other.jwt)).reason).toBe('endorsement-invalid')

    const bad = await cli([
      'endorse',
      s.passportFile,
      '--key',
      nb.privatePath,
      '--name',
      'X',
      '--kind',
      'friend',
      '--checked',
      'a',
      '--statement',
      'b',
    ])
    expect(bad.code).toBe(2)
    const badChecked = await cli([
      'endorse',
      s.passportFile,
      '--key',
      nb.privatePath,
      '--name',
      'X',
      '--kind',
      'third-party',
      '--checked',
      ' , ',
      '--statement',
      'b',
    ])
    expect(badChecked.code).toBe(2)
  })
})

describe('StatusStore across processes (one lock per list)', () => {
  it('loses no allocation when two threads with their own module state share a directory', async () => {
    // Worker threads load their own copy of the module (own in-process queue), like two
    // `accord issue` processes: only the file lock keeps their read-modify-write apart.
    const dist = pathToFileURL(path.join(ROOT_DIR, 'dist', 'node', 'status-store.js')).href
    expect(existsSync(fileURLToPath(dist))).toBe(true)
    const dir = mkdtempSync(path.join(tmpdir(), 'accord-status-lock-'))
    const code = `
      const { parentPort, workerData } = require('node:worker_threads')
      ;(async () => {
        const { StatusStore } = await import(workerData.dist)
        const store = new StatusStore({ dir: workerData.dir, size: 4096 })
        const got = []
        for (let i = 0; i < 40; i++) got.push(await store.allocateIndex('shared'))
        parentPort.postMessage(got)
      })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }))
    `
    const run = () =>
      new Promise<number[]>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { dist, dir } })
        w.once('message', (m: number[] | { error: string }) => {
          void w.terminate()
          if (Array.isArray(m)) resolve(m)
          else reject(new Error(m.error))
        })
        w.once('error', reject)
      })
    try {
      const [a, b] = await Promise.all([run(), run()])
      const all = [...(a ?? []), ...(b ?? [])]
      expect(new Set(all).size).toBe(80)
      const state = JSON.parse(readFileSync(path.join(dir, 'shared.state.json'), 'utf8')) as {
        allocated: number[]
      }
      expect([...state.allocated].sort((x, y) => x - y)).toEqual([...all].sort((x, y) => x - y))
      expect(existsSync(path.join(dir, 'shared.state.json.lock'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
