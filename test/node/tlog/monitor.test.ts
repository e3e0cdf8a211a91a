import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MerkleTree } from '../../../src/core/merkle/index.js'
import type { Signer } from '../../../src/core/ports.js'
import { signCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openStore, type SqlStore } from '../../../src/node/store/index.js'
import {
  noteSignerFromSigner,
  openRegistry,
  type Registry,
} from '../../../src/node/tlog/registry.js'
import { passportRecord } from './fixtures.js'
import { runLog } from './log-cli.js'
import { startMockLog, type MockLog } from './mock-log.js'

const ORIGIN = 'monitor.test/log'
const dir = mkdtempSync(path.join(tmpdir(), 'accord-monitor-'))
let store: SqlStore
let registry: Registry
let logKey: Signer
let log: MockLog
let n = 0

async function publish(count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await registry.publish([{ type: 'passport', passport: passportRecord(`urn:m:${n++}`) }])
}

beforeAll(async () => {
  logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
  store = await openStore({ dataDir: 'memory://', env: {} })
  registry = await openRegistry({ store, logKey, origin: ORIGIN, checkpointIntervalMs: 0 })
  log = await startMockLog(registry, store)
}, 60_000)

afterAll(async () => {
  await log.close()
  await registry.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('accord log monitor', () => {
  const state = path.join(dir, 'state.json')
  const args = () => [
    'monitor',
    '--log',
    log.url,
    '--key',
    registry.verifierKey,
    '--state',
    state,
    '--once',
  ]

  it('trusts the first checkpoint, then follows consistent growth', async () => {
    await publish(3)
    let r = await runLog(args())
    expect(r.out).toMatch(/^first: /)
    expect(r.code).toBe(0)
    expect(JSON.parse(readFileSync(state, 'utf8')).size).toBe(3)

    await publish(4)
    r = await runLog([...args(), '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ status: 'consistent', size: 7 })
    expect(log.requests).toContain(`GET /api/v1/log/proof/consistency?from=3&to=7`)
    expect(JSON.parse(readFileSync(state, 'utf8')).size).toBe(7)

    r = await runLog(args())
    expect(r.out).toMatch(/^unchanged: /)
    expect(r.code).toBe(0)
  })

  it("creates the state file's directory (the default .accord/ need not exist)", async () => {
    const nested = path.join(dir, 'fresh', '.accord', 'log-monitor.json')
    const r = await runLog([...args().slice(0, -3), '--state', nested, '--once'])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/^first: /)
    expect(JSON.parse(readFileSync(nested, 'utf8')).size).toBeGreaterThan(0)
  })

  it('reports a split view: same size, another root (exit 4), and keeps its state', async () => {
    const before = readFileSync(state, 'utf8')
    const size = registry.size
    const forged = await signCheckpoint(
      { origin: ORIGIN, size, rootHash: sha256(new TextEncoder().encode('other history')) },
      noteSignerFromSigner(logKey, ORIGIN),
    )
    log.override = (p) => (p === '/api/v1/log/checkpoint' ? forged : undefined)
    try {
      const r = await runLog(args())
      expect(r.code).toBe(4)
      expect(r.out).toMatch(/^split-view: SPLIT VIEW/)
      expect(r.out).toContain(forged)
      expect(readFileSync(state, 'utf8')).toBe(before)
    } finally {
      log.override = undefined
    }
  })

  it('reports a split view when a larger checkpoint does not extend the verified one', async () => {
    // A log that rewrote history: a different tree of a larger size, honestly proved.
    const other = MerkleTree.fromLeaves(
      Array.from({ length: registry.size + 5 }, (_, i) => new TextEncoder().encode(`x${i}`)),
      sha256,
    )
    const forged = await signCheckpoint(
      { origin: ORIGIN, size: other.size, rootHash: other.root() },
      noteSignerFromSigner(logKey, ORIGIN),
    )
    log.override = (p, q) => {
      if (p === '/api/v1/log/checkpoint') return forged
      if (p === '/api/v1/log/proof/consistency') {
        const from = Number(q.get('from'))
        const to = Number(q.get('to'))
        const hashes = other.consistencyProof(from, to).map((h) => Buffer.from(h).toString('hex'))
        return JSON.stringify({ from, to, hashes })
      }
      return undefined
    }
    try {
      const r = await runLog([...args(), '--json'])
      expect(r.code).toBe(4)
      const out = JSON.parse(r.out)
      expect(out.status).toBe('split-view')
      expect(out.evidence.current).toBe(forged)
    } finally {
      log.override = undefined
    }
  })

  it('refuses a checkpoint signed by another key (exit 4)', async () => {
    const other = await signerFromJwk((await generateKeyPair()).privateJwk)
    const r0 = await openRegistry({ store, logKey: other, origin: ORIGIN })
    const r = await runLog([
      'monitor',
      '--log',
      log.url,
      '--key',
      r0.verifierKey,
      '--state',
      path.join(dir, 's2.json'),
      '--once',
    ])
    expect(r.code).toBe(4)
    expect(r.out).toMatch(/^invalid: /)
    await r0.close()
  })

  it('accepts the log key as an Ed25519 public JWK file (key name = origin)', async () => {
    const jwkFile = path.join(dir, 'log.public.jwk.json')
    writeFileSync(jwkFile, JSON.stringify(logKey.publicJwk))
    const r = await runLog([
      'monitor',
      '--log',
      log.url,
      '--key',
      jwkFile,
      '--origin',
      ORIGIN,
      '--state',
      path.join(dir, 's3.json'),
      '--once',
    ])
    expect(r.code).toBe(0)
    const wrongOrigin = await runLog([
      'monitor',
      '--log',
      log.url,
      '--key',
      jwkFile,
      '--origin',
      'elsewhere/log',
      '--state',
      path.join(dir, 's4.json'),
      '--once',
    ])
    expect(wrongOrigin.code).toBe(4)
  })

  it('exits 5 when the log cannot be reached (--once), and 2 for a bad interval', async () => {
    const r = await runLog([
      'monitor',
      '--log',
      'http://127.0.0.1:1',
      '--key',
      registry.verifierKey,
      '--state',
      path.join(dir, 's5.json'),
      '--once',
    ])
    expect(r.code).toBe(5)
    expect(r.err).toContain('ERR_TLOG_UNAVAILABLE')
    const bad = await runLog([...args(), '--interval', 'soon'])
    expect(bad.code).toBe(2)
  })
})
