import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MerkleTree } from '../../../src/core/merkle/index.js'
import type { Signer } from '../../../src/core/ports.js'
import { signCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openStore, type SqlStore } from '../../../src/node/store/index.js'
import { formatVerifierKey } from '../../../src/core/tlog/note.js'
import {
  ed25519PublicKey,
  noteSignerFromSigner,
  openRegistry,
  type Registry,
} from '../../../src/node/tlog/registry.js'
import { LOG_API, type EntryResponse } from '../../../src/core/tlog/api.js'
import { leafHash, toHex } from '../../../src/core/merkle/hash.js'
import { passportRecord, revocation } from './fixtures.js'
import { LOG_KEY_ENV } from '../../../src/cli/log-pin.js'
import { runLog } from './log-cli.js'
import { startMockLog, type MockLog } from './mock-log.js'

/** The inclusion or consistency proof `tree` gives for a mock log request; undefined for others. */
function proofFrom(tree: MerkleTree, p: string, q: URLSearchParams): string | undefined {
  if (p === LOG_API.inclusionProof) {
    const index = Number(q.get('index'))
    const size = Number(q.get('size'))
    return JSON.stringify({ index, size, hashes: tree.inclusionProof(index, size).map(toHex) })
  }
  if (p === LOG_API.consistencyProof) {
    const from = Number(q.get('from'))
    const to = Number(q.get('to'))
    return JSON.stringify({ from, to, hashes: tree.consistencyProof(from, to).map(toHex) })
  }
  return undefined
}

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

  it('takes the log key from ACCORD_LOG_KEY without --key; a wrong one is named (exit 4)', async () => {
    const run = (name: string) =>
      runLog(['monitor', '--log', log.url, '--state', path.join(dir, name), '--once'])
    try {
      process.env[LOG_KEY_ENV] = registry.verifierKey
      const r = await run('s-env.json')
      expect(r.code, r.out + r.err).toBe(0)
      expect(r.out).toMatch(/^first: /)
      const other = await signerFromJwk((await generateKeyPair()).privateJwk)
      const r0 = await openRegistry({ store, logKey: other, origin: ORIGIN })
      process.env[LOG_KEY_ENV] = r0.verifierKey
      await r0.close()
      const wrong = await run('s-env-2.json')
      expect(wrong.code).toBe(4)
      expect(wrong.out).toMatch(
        new RegExp(
          `^invalid: .*\\(the log key is ${LOG_KEY_ENV}'s; for another log, give its key with --key\\)\n`,
        ),
      )
    } finally {
      delete process.env[LOG_KEY_ENV]
    }
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

describe('accord log monitor --entries', () => {
  const state = path.join(dir, 'entries-state.json')
  const args = (...extra: string[]) => [
    'monitor',
    '--log',
    log.url,
    '--key',
    registry.verifierKey,
    '--state',
    state,
    '--once',
    '--entries',
    ...extra,
  ]
  const stateSize = () => (JSON.parse(readFileSync(state, 'utf8')) as { size: number }).size

  /** The log's real entries from `start`, with `change` applied: what a lying log would serve. */
  const serveEntries = (change: (entries: EntryResponse[]) => EntryResponse[]) => {
    log.override = async (p, q) => {
      if (p !== LOG_API.entries) return undefined
      const entries = await registry.entries(Number(q.get('start')), Number(q.get('end')))
      return JSON.stringify({ entries: change(entries) })
    }
  }
  const reason = (e: EntryResponse, to: string) => {
    const payload = e.payload.replace('"reason":"withdrawn"', `"reason":"${to}"`)
    return { ...e, payload }
  }

  it('prints each new entry, verified against the new checkpoint with one proof', async () => {
    expect((await runLog(args())).out).toMatch(/^first: /) // trust on first use: no entries
    const from = stateSize()
    const a = passportRecord(`urn:entries:${n++}`)
    const b = passportRecord(`urn:entries:${n++}`)
    await registry.publish([{ type: 'passport', passport: a }])
    await registry.publish([{ type: 'passport', passport: b }])
    await registry.publish([{ type: 'status', change: revocation(a.id) }])
    log.requests.length = 0
    const r = await runLog(args())
    expect(r.code, r.err).toBe(0)
    const lines = r.out.trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^consistent: consistent: size ${from} -> ${from + 3}`))
    expect(lines.slice(1)).toEqual([
      `entry ${from} passport id=${a.id} issuer=https://vendor.example kid=kid-issuer-1 issuerJwtSha256=${a.issuerJwtSha256}`,
      `entry ${from + 1} passport id=${b.id} issuer=https://vendor.example kid=kid-issuer-1 issuerJwtSha256=${b.issuerJwtSha256}`,
      `entry ${from + 2} revocation passportId=${a.id} status=revoked reason=withdrawn byKid=kid-issuer-1 at=2026-09-02T00:00:00.000Z`,
    ])
    // One page of entries and one inclusion proof, however many entries.
    expect(log.requests.filter((q) => q.startsWith(`GET ${LOG_API.entries}`))).toEqual([
      `GET ${LOG_API.entries}?start=${from}&end=${from + 3}`,
    ])
    expect(log.requests.filter((q) => q.startsWith(`GET ${LOG_API.inclusionProof}`))).toEqual([
      `GET ${LOG_API.inclusionProof}?index=${from}&size=${from + 3}`,
    ])
    expect(stateSize()).toBe(from + 3)
  })

  it('prints one JSON object per entry with --json', async () => {
    const from = stateSize()
    const c = passportRecord(`urn:entries:${n++}`)
    await registry.publish([{ type: 'passport', passport: c }])
    await registry.publish([
      { type: 'status', change: { ...revocation(c.id), reason: 'a "quoted" reason' } },
    ])
    const r = await runLog(args('--json'))
    expect(r.code, r.err).toBe(0)
    const objects = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(objects[0]).toMatchObject({ type: 'check', status: 'consistent', size: from + 2 })
    expect(objects[1]).toMatchObject({
      type: 'entry',
      index: from,
      kind: 'passport',
      entry: { kind: 'passport', id: c.id, v: 1 },
    })
    expect(objects[2]).toMatchObject({
      type: 'entry',
      index: from + 1,
      kind: 'revocation',
      entry: { passportId: c.id, status: 'revoked', reason: 'a "quoted" reason' },
    })
    expect((objects[2] as { leafHash: string }).leafHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('quotes a field with spaces or a line break, so it cannot pass for another line', async () => {
    const from = stateSize()
    const c = passportRecord(`urn:entries:${n++}`)
    await registry.publish([{ type: 'passport', passport: c }])
    await registry.publish([
      { type: 'status', change: { ...revocation(c.id), reason: 'bad\nentry 99 revocation x=y' } },
    ])
    const r = await runLog(args())
    expect(r.code, r.err).toBe(0)
    expect(r.out.trimEnd().split('\n')).toHaveLength(3)
    expect(r.out).toContain(
      `entry ${from + 1} revocation passportId=${c.id} status=revoked reason="bad\\nentry 99 revocation x=y"`,
    )
  })

  it('raises the alarm (exit 4, state kept) when the log alters an entry, even with a matching leafHash', async () => {
    const p = passportRecord(`urn:entries:${n++}`)
    await registry.publish([{ type: 'passport', passport: p }])
    await registry.publish([{ type: 'status', change: revocation(p.id) }])
    await registry.publish([{ type: 'passport', passport: passportRecord(`urn:entries:${n++}`) }])
    const before = readFileSync(state, 'utf8')
    // The log hides the real reason, and serves the leaf hash of what it shows.
    serveEntries((entries) =>
      entries.map((e) => {
        if (e.kind !== 'revocation') return e
        const forged = reason(e, 'routine')
        const hash = toHex(leafHash(new TextEncoder().encode(forged.payload), sha256))
        return { ...forged, leafHash: hash }
      }),
    )
    try {
      const r = await runLog(args())
      expect(r.code).toBe(4)
      expect(r.out).toMatch(/^tampered: TAMPERED ENTRIES: /)
      expect(r.out).toContain('do not lead to the root')
      expect(r.out).not.toMatch(/^entry /m) // nothing from a range that does not verify
      expect(readFileSync(state, 'utf8')).toBe(before)

      // Altered without fixing the leaf hash: the served hash is not the payload's.
      serveEntries((entries) => entries.map((e) => (e.kind === 'revocation' ? reason(e, 'x') : e)))
      const j = await runLog(args('--json'))
      expect(j.code).toBe(4)
      const out = JSON.parse(j.out) as {
        status: string
        message: string
        evidence: { entry: EntryResponse }
      }
      expect(out.status).toBe('tampered')
      expect(out.message).toMatch(/payload hashes to [0-9a-f]{64}, not to the leafHash/)
      expect(out.evidence.entry.kind).toBe('revocation')

      // An entry left out.
      serveEntries((entries) => entries.filter((e) => e.kind !== 'revocation'))
      expect((await runLog(args())).code).toBe(4)
      // Two entries swapped (their indexes kept in order).
      serveEntries((entries) => {
        const [x, y, ...rest] = entries
        if (!x || !y) return entries
        return [{ ...y, index: x.index }, { ...x, index: y.index }, ...rest]
      })
      expect((await runLog(args())).code).toBe(4)
      // A kind label the payload does not bear.
      serveEntries((entries) =>
        entries.map((e) => (e.kind === 'revocation' ? { ...e, kind: 'reinstatement' } : e)),
      )
      expect((await runLog(args())).out).toMatch(
        /served as kind "reinstatement", its payload says "revocation"/,
      )
      expect(readFileSync(state, 'utf8')).toBe(before)
    } finally {
      log.override = undefined
    }
    // The honest log again: the same range verifies.
    const ok = await runLog(args())
    expect(ok.code, ok.out).toBe(0)
    expect(ok.out).toMatch(/ revocation passportId=.* reason=withdrawn /)
  })
})

describe('accord log monitor --entries on entry kinds it does not know', () => {
  it('prints their kind and fields instead of failing', async () => {
    // A log of its own (served through the mock's override), with an `incident` entry this
    // version of Accord has no type for: the leaf is over its bytes all the same.
    const origin = 'kinds.test/log'
    const payloads = [
      '{"id":"urn:p:1","issuer":"https://vendor.example","issuerJwtSha256":"' +
        'a'.repeat(64) +
        '","kid":"k1","kind":"passport","v":1}',
      '{"at":"2026-10-01T00:00:00Z","id":"urn:i:1","kind":"incident","passportId":"urn:p:1","severity":"serious","summary":"model drift","v":1}',
      '{"kind":"incident","v":2,"weird":{"nested":[1,2]}}',
      'not json at all',
    ]
    const tree = new MerkleTree(sha256)
    const signer = noteSignerFromSigner(logKey, origin)
    const notes: string[] = []
    for (const p of payloads) {
      tree.append(leafHash(new TextEncoder().encode(p), sha256))
      notes.push(await signCheckpoint({ origin, size: tree.size, rootHash: tree.root() }, signer))
    }
    let size = 1
    const kindOf = (p: string) => {
      try {
        return (JSON.parse(p) as { kind: string }).kind
      } catch {
        return 'opaque'
      }
    }
    const fake = await startMockLog(registry, store)
    fake.override = (p, q) => {
      if (p === LOG_API.checkpoint) return notes[size - 1]
      const proof = proofFrom(tree, p, q)
      if (proof !== undefined) return proof
      if (p === LOG_API.entries) {
        const start = Number(q.get('start'))
        const end = Math.min(Number(q.get('end')), size)
        return JSON.stringify({
          entries: payloads.slice(start, end).map((payload, i) => ({
            index: start + i,
            kind: kindOf(payload),
            payload,
            leafHash: toHex(tree.leafHash(start + i)),
          })),
        })
      }
      return undefined
    }
    try {
      const kindsState = path.join(dir, 'kinds.json')
      const run = (...extra: string[]) =>
        runLog([
          'monitor',
          '--log',
          fake.url,
          '--key',
          formatVerifierKey(origin, ed25519PublicKey(logKey), sha256),
          '--state',
          kindsState,
          '--once',
          '--entries',
          ...extra,
        ])
      expect((await run()).code).toBe(0)
      size = 4
      const r = await run()
      expect(r.code, r.out).toBe(0)
      expect(r.out.trimEnd().split('\n').slice(1)).toEqual([
        'entry 1 incident id=urn:i:1 passportId=urn:p:1 at=2026-10-01T00:00:00Z severity=serious summary="model drift"',
        'entry 2 incident v=2 weird={"nested":[1,2]}',
        'entry 3 opaque payload="not json at all"',
      ])
    } finally {
      await fake.close()
    }
  })
})

describe('accord log monitor --entries over a range of several pages', () => {
  it('prints them all in order; a tampered entry in the last page prints nothing; no spool is left', async () => {
    // A log of its own that grows by 2,500 entries: three pages of at most 1000.
    const origin = 'pages.test/log'
    const N = 2501
    const payloads = Array.from(
      { length: N },
      (_, i) => `{"id":"urn:p:${i}","kind":"passport","note":"é ${i}","v":1}`,
    )
    const tree = new MerkleTree(sha256)
    for (const p of payloads) tree.append(leafHash(new TextEncoder().encode(p), sha256))
    const signer = noteSignerFromSigner(logKey, origin)
    const notes = new Map<number, string>()
    for (const size of [1, N])
      notes.set(size, await signCheckpoint({ origin, size, rootHash: tree.root(size) }, signer))
    let size = 1
    let served = (i: number) => payloads[i] as string
    /** The spool files this process holds open when the inclusion proof is asked (Linux). */
    let spoolsSeen: { target: string; mode: number }[] = []
    const stateDir = mkdtempSync(path.join(dir, 'pages-'))
    const openSpools = () => {
      if (!existsSync('/proc/self/fd')) return []
      return readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          const target = readlinkSync(`/proc/self/fd/${fd}`)
          return target.includes('.accord-spool.')
            ? [{ target, mode: statSync(`/proc/self/fd/${fd}`).mode & 0o777 }]
            : []
        } catch {
          return []
        }
      })
    }
    const fake = await startMockLog(registry, store)
    fake.override = (p, q) => {
      if (p === LOG_API.checkpoint) return notes.get(size)
      if (p === LOG_API.inclusionProof) spoolsSeen = openSpools()
      const proof = proofFrom(tree, p, q)
      if (proof !== undefined) return proof
      if (p === LOG_API.entries) {
        const start = Number(q.get('start'))
        const end = Math.min(Number(q.get('end')), size, start + 1000)
        return JSON.stringify({
          entries: Array.from({ length: end - start }, (_, k) => {
            const payload = served(start + k)
            const hash = leafHash(new TextEncoder().encode(payload), sha256)
            return { index: start + k, kind: 'passport', payload, leafHash: toHex(hash) }
          }),
        })
      }
      return undefined
    }
    const state = path.join(stateDir, 'state.json')
    const run = (...extra: string[]) =>
      runLog([
        'monitor',
        '--log',
        fake.url,
        '--key',
        formatVerifierKey(origin, ed25519PublicKey(logKey), sha256),
        '--state',
        state,
        '--once',
        '--entries',
        ...extra,
      ])
    try {
      expect((await run()).code).toBe(0)
      size = N
      const before = readFileSync(state, 'utf8')

      // The last page lies about one entry (its leaf hash matching what it shows): only the root
      // can tell, once every page is read. Nothing printed, exit 4, state kept, no spool left.
      served = (i) =>
        i === N - 7 ? (payloads[i] as string).replace('é', 'e') : (payloads[i] as string)
      fake.requests.length = 0
      const bad = await run()
      expect(bad.code).toBe(4)
      expect(bad.out).toMatch(/^tampered: TAMPERED ENTRIES: .*do not lead to the root/)
      expect(bad.out).not.toMatch(/^entry /m)
      expect(fake.requests.filter((r) => r.startsWith(`GET ${LOG_API.entries}`))).toHaveLength(3)
      expect(readFileSync(state, 'utf8')).toBe(before)
      expect(readdirSync(stateDir)).toEqual(['state.json'])
      expect(openSpools()).toEqual([]) // closed, not just unlinked

      served = (i) => payloads[i] as string
      spoolsSeen = []
      const r = await run()
      expect(r.code, r.out).toBe(0)
      const lines = r.out.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^consistent: consistent: size 1 -> 2501/)
      expect(lines.slice(1)).toEqual(
        Array.from(
          { length: N - 1 },
          (_, k) => `entry ${k + 1} passport id=urn:p:${k + 1} note="é ${k + 1}"`,
        ),
      )
      // While the proof was asked, the entries were in a spool next to the state file: 0600, and
      // already unlinked (Linux shows the open file as "(deleted)"). After the round, nothing.
      if (existsSync('/proc/self/fd')) {
        expect(spoolsSeen).toHaveLength(1)
        expect(spoolsSeen[0]?.target).toMatch(
          new RegExp(`^${stateDir}/\\.accord-spool\\.\\d+\\.[0-9a-f]{12}\\.tmp \\(deleted\\)$`),
        )
        expect(spoolsSeen[0]?.mode).toBe(0o600)
      }
      expect(openSpools()).toEqual([])
      expect(readdirSync(stateDir)).toEqual(['state.json'])

      // --json: the same entries as objects, in order.
      size = 1
      writeFileSync(state, before)
      size = N
      const j = await run('--json')
      expect(j.code).toBe(0)
      const objects = j.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; index?: number })
      expect(objects[0]?.type).toBe('check')
      expect(objects.slice(1).map((o) => o.index)).toEqual(
        Array.from({ length: N - 1 }, (_, k) => k + 1),
      )
      expect(readdirSync(stateDir)).toEqual(['state.json'])
    } finally {
      await fake.close()
    }
  })
})
