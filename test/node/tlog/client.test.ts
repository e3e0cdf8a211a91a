import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LOG_KEY_ENV } from '../../../src/cli/log-pin.js'
import type { Signer } from '../../../src/core/ports.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { openStore, type SqlStore } from '../../../src/node/store/index.js'
import { checkInclusion, checkInclusionFromArgs } from '../../../src/node/tlog/client.js'
import { loadLogKey } from '../../../src/node/tlog/log-key.js'
import { formatVerifierKey } from '../../../src/core/tlog/note.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openRegistry, type Registry } from '../../../src/node/tlog/registry.js'
import { fakeToken, passportRecord } from './fixtures.js'
import { runLog } from './log-cli.js'
import { startMockLog, type MockLog } from './mock-log.js'

const ORIGIN = 'client.test/log'
const dir = mkdtempSync(path.join(tmpdir(), 'accord-log-client-'))
let store: SqlStore
let registry: Registry
let logKey: Signer
let log: MockLog
const ids = Array.from({ length: 6 }, (_, i) => `urn:uuid:c-${i}`)
const token = (i: number) => passportRecord(ids[i]!).token

beforeAll(async () => {
  logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
  store = await openStore({ dataDir: 'memory://', env: {} })
  registry = await openRegistry({ store, logKey, origin: ORIGIN, checkpointIntervalMs: 0 })
  await Promise.all(
    ids.map((id) => registry.publish([{ type: 'passport', passport: passportRecord(id) }])),
  )
  log = await startMockLog(registry, store)
}, 60_000)

afterAll(async () => {
  await log.close()
  await registry.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('checkInclusion (accord verify --log)', () => {
  it('passes for every published passport, fetching checkpoint, index and proof', async () => {
    const key = await loadLogKey(registry.verifierKey)
    for (let i = 0; i < ids.length; i++) {
      const r = await checkInclusion({
        passport: token(i),
        logKey: key,
        logUrl: log.url,
        origin: ORIGIN,
      })
      expect(r).toMatchObject({ check: 'log-inclusion', outcome: 'pass', reason: 'ok' })
      expect(r.checkpoint?.size).toBe(6)
    }
  })

  it('fails for a passport the log does not have, and for a changed passport with a logged id', async () => {
    const key = await loadLogKey(registry.verifierKey)
    const missing = await checkInclusion({
      passport: fakeToken('urn:uuid:nope'),
      logKey: key,
      logUrl: log.url,
    })
    expect(missing.outcome).toBe('fail')
    expect(missing.message).toContain('no passport')
    // Same jti as a logged passport, other issuer: another leaf, so the proof cannot match.
    const changed = await checkInclusion({
      passport: fakeToken(ids[2]!, 'https://forger.example'),
      logKey: key,
      logUrl: log.url,
    })
    expect(changed.outcome).toBe('fail')
    expect(changed.message).toContain('not entry 2')
    const garbage = await checkInclusion({
      passport: 'not a passport',
      logKey: key,
      logUrl: log.url,
    })
    expect(garbage).toMatchObject({ outcome: 'fail', reason: 'malformed' })
  })

  it('fails on a checkpoint not signed by the log key, and is indeterminate when the log is down', async () => {
    const other = await signerFromJwk((await generateKeyPair()).privateJwk)
    const r0 = await openRegistry({ store, logKey: other, origin: ORIGIN })
    const wrong = await checkInclusion({
      passport: token(0),
      logKey: await loadLogKey(r0.verifierKey),
      logUrl: log.url,
    })
    expect(wrong).toMatchObject({ outcome: 'fail', reason: 'key-unknown' })
    await r0.close()
    const down = await checkInclusion({
      passport: token(0),
      logKey: await loadLogKey(registry.verifierKey),
      logUrl: 'http://127.0.0.1:1',
    })
    expect(down.outcome).toBe('indeterminate')
  })

  it('accord log prove writes a bundle that verifies offline; a tampered bundle fails', async () => {
    const passportFile = path.join(dir, 'p3.sd-jwt')
    writeFileSync(passportFile, token(3))
    // Into a directory that does not exist yet: the bundle is written atomically, directory and all.
    const bundleFile = path.join(dir, 'bundles', 'p3.log.json')
    const r = await runLog([
      'prove',
      passportFile,
      '--log',
      log.url,
      '--key',
      registry.verifierKey,
      '--out',
      bundleFile,
    ])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^pass: entry 3 /)
    const offline = await checkInclusionFromArgs({
      passport: token(3),
      log: bundleFile,
      logKey: registry.verifierKey,
      fetch: () => Promise.reject(new Error('no network in this test')),
    })
    expect(offline.outcome).toBe('pass')
    // Another passport against that bundle: fail.
    const other = await checkInclusionFromArgs({
      passport: token(4),
      log: bundleFile,
      logKey: registry.verifierKey,
    })
    expect(other.outcome).toBe('fail')
    // A flipped proof hash: fail.
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'))
    bundle.proof.hashes[0] = bundle.proof.hashes[0].replace(/^./, (c: string) =>
      c === '0' ? '1' : '0',
    )
    const tampered = path.join(dir, 'tampered.json')
    writeFileSync(tampered, JSON.stringify(bundle))
    const t = await checkInclusionFromArgs({
      passport: token(3),
      log: tampered,
      logKey: registry.verifierKey,
    })
    expect(t.outcome).toBe('fail')
    // Not a bundle: a bad-arguments error.
    await expect(
      checkInclusionFromArgs({
        passport: token(3),
        log: passportFile,
        logKey: registry.verifierKey,
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_BAD_ARGS' })
  })

  it('accord log checkpoint prints and saves the verified note', async () => {
    const out = path.join(dir, 'checkpoints', 'cp.txt')
    const r = await runLog([
      'checkpoint',
      '--log',
      log.url,
      '--key',
      registry.verifierKey,
      '--out',
      out,
      '--json',
    ])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out)
    expect(j).toMatchObject({ origin: ORIGIN, size: 6 })
    expect(readFileSync(out, 'utf8')).toBe(j.note)
  })

  it('accord log checkpoint: a checkpoint not signed by --key is ERR_TLOG_INVALID (exit 4), as JSON with --json', async () => {
    // The same origin as the log, another key: a verifier key the checkpoint does not match.
    const { publicJwk } = await generateKeyPair()
    const otherKey = Buffer.from(publicJwk.x as string, 'base64url')
    const other = formatVerifierKey(ORIGIN, otherKey, sha256)
    const json = await runLog(['checkpoint', '--log', log.url, '--key', other, '--json'])
    expect(json.code).toBe(4)
    expect(json.err).toBe('')
    expect(JSON.parse(json.out).error).toMatchObject({ code: 'ERR_TLOG_INVALID' })
    expect(JSON.parse(json.out).error.message).toContain(
      `the checkpoint of ${log.url} is not valid`,
    )
    const text = await runLog(['checkpoint', '--log', log.url, '--key', other])
    expect(text.code).toBe(4)
    expect(text.out).toBe('')
    expect(text.err).toContain('[ERR_TLOG_INVALID]')
    expect(text.err).toContain('fix: ')
  })
})

describe('accord log: the log key from --key, else ACCORD_LOG_KEY', () => {
  afterEach(() => {
    delete process.env[LOG_KEY_ENV]
  })

  it('log checkpoint and log prove take ACCORD_LOG_KEY when --key is not given; --key wins', async () => {
    const none = await runLog(['checkpoint', '--log', log.url, '--json'])
    expect(none.code).toBe(2)
    expect(JSON.parse(none.out).error).toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `give the log's public key with --key <vkey|file> (or set ${LOG_KEY_ENV})`,
    })

    process.env[LOG_KEY_ENV] = registry.verifierKey
    const fromEnv = await runLog(['checkpoint', '--log', log.url, '--json'])
    expect(fromEnv.code, fromEnv.out + fromEnv.err).toBe(0)
    expect(JSON.parse(fromEnv.out)).toMatchObject({ origin: ORIGIN, size: 6 })
    const passportFile = path.join(dir, 'p5.sd-jwt')
    writeFileSync(passportFile, token(5))
    const bundle = path.join(dir, 'p5.log.json')
    const proved = await runLog(['prove', passportFile, '--log', log.url, '--out', bundle])
    expect(proved.code, proved.out + proved.err).toBe(0)
    expect(proved.out).toMatch(/^pass: entry 5 /)

    // The environment holds another log's key: refused, and the message says where the key came
    // from and how to give another.
    const { publicJwk } = await generateKeyPair()
    const other = formatVerifierKey(ORIGIN, Buffer.from(publicJwk.x as string, 'base64url'), sha256)
    process.env[LOG_KEY_ENV] = other
    const hint = `(the log key is ${LOG_KEY_ENV}'s; for another log, give its key with --key)`
    const wrong = await runLog(['checkpoint', '--log', log.url, '--json'])
    expect(wrong.code).toBe(4)
    expect(JSON.parse(wrong.out).error.message).toContain(hint)
    const notProved = await runLog(['prove', passportFile, '--log', log.url, '--out', bundle])
    expect(notProved.code).toBe(4)
    expect(notProved.out).toContain(hint)
    // --key comes first.
    const option = await runLog(['checkpoint', '--log', log.url, '--key', registry.verifierKey])
    expect(option.code, option.err).toBe(0)
    // With --key, a key that does not verify says nothing of the environment.
    const wrongOption = await runLog(['checkpoint', '--log', log.url, '--key', other])
    expect(wrongOption.code).toBe(4)
    expect(wrongOption.err).toContain('[ERR_TLOG_INVALID]')
    expect(wrongOption.err).not.toContain(hint)
  })
})

describe('log URLs', () => {
  it('a URL with a user name and password, or not http(s), is a bad argument that does not echo the password', async () => {
    const withPassword = log.url.replace('://', '://user:s3cret@')
    const r = await runLog(['checkpoint', '--log', withPassword, '--key', registry.verifierKey])
    expect(r.code).toBe(2)
    expect(r.err).toContain('ERR_CONFIG_BAD_ARGS')
    expect(r.err).toContain('must not hold a user name or password')
    expect(r.err).not.toContain('s3cret')
    const ftp = await runLog([
      'checkpoint',
      '--log',
      'ftp://log.example',
      '--key',
      registry.verifierKey,
    ])
    expect(ftp.code).toBe(2)
    expect(ftp.err).toContain('http(s)')
  })

  it('a bad key is named by the option it came from: --log-key for verify', async () => {
    const viaVerify = checkInclusionFromArgs({
      passport: token(0),
      log: log.url,
      logKey: 'garbage',
    })
    await expect(viaVerify).rejects.toThrow(/^--log-key garbage is neither a file nor/)
    const viaLog = await runLog(['checkpoint', '--log', log.url, '--key', 'garbage'])
    expect(viaLog.err).toContain('--key garbage is neither a file nor')
  })
})
