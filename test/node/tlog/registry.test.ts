import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import { MerkleTree, fromHex, leafHash, toHex } from '../../../src/core/merkle/index.js'
import type { Signer } from '../../../src/core/ports.js'
import type { PassportRecord, PublishItem, RegistryStore } from '../../../src/core/store.js'
import { verifyCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import { parseEntry, passportEntry } from '../../../src/core/tlog/entry.js'
import { checkEntryInclusion, checkTreeConsistency } from '../../../src/core/tlog/proof.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openPgliteStore, openStore, type SqlStore } from '../../../src/node/store/index.js'
import { openRegistry, type Registry } from '../../../src/node/tlog/registry.js'
import { fakeToken, passportRecord, revocation } from './fixtures.js'

const ORIGIN = 'registry.test/accord/log'
let logKey: Signer

beforeAll(async () => {
  logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
})

async function memoryStore(): Promise<SqlStore> {
  return openStore({ dataDir: 'memory://', env: {} })
}

/** A store that forwards every method to `store`, except the ones overridden. */
function delegate(store: RegistryStore, over: Partial<RegistryStore>): RegistryStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop in over) return over[prop as keyof RegistryStore]
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

/** Counts publishBatch transactions. */
function counting(store: RegistryStore): { store: RegistryStore; batches: number[] } {
  const batches: number[] = []
  const wrapped = delegate(store, {
    publishBatch: (items: PublishItem[]) => {
      batches.push(items.length)
      return store.publishBatch(items)
    },
  })
  return { store: wrapped, batches }
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AccordError)
  expect((err as AccordError).code).toBe(code)
}

async function rebuiltRoot(store: RegistryStore): Promise<Uint8Array> {
  const size = await store.logSize()
  return MerkleTree.fromLeafHashes(await store.getLeafHashes(0, size), sha256).root()
}

describe('registry service (PGlite in memory)', () => {
  // One database for these tests (starting PGlite takes seconds); each test uses its own
  // passport ids and measures from the log size it found.
  let shared: SqlStore
  let testNo = 0
  beforeAll(async () => {
    shared = await memoryStore()
  }, 60_000)
  afterAll(async () => {
    await shared.close()
  })
  beforeEach(() => {
    testNo++
  })
  const rec = (i: number, over: Partial<PassportRecord> = {}) =>
    passportRecord(`urn:uuid:t${testNo}-${i}`, over)

  it('group-commits 500 concurrent publishes: dense unique indexes, all stored, same root', async () => {
    const base = shared
    const b0 = await base.logSize()
    const { store, batches } = counting(base)
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          registry.publish([{ type: 'passport', passport: rec(i) }]),
        ),
      )
      const indexes = results.map((r) => r.indexes[0] as number)
      expect([...indexes].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 500 }, (_, i) => b0 + i),
      )
      // Grouped: far fewer transactions than calls.
      expect(batches.length).toBeLessThan(50)
      expect(batches.reduce((a, b) => a + b, 0)).toBe(500)
      expect(registry.size).toBe(b0 + 500)
      expect(await base.logSize()).toBe(b0 + 500)
      // Every acknowledged entry is in the store exactly once, at its index, with its payload.
      const entries = await base.getEntries(b0, b0 + 1000)
      expect(entries.map((e) => e.index)).toEqual(indexes.slice().sort((a, b) => a - b))
      for (const [i, r] of results.entries()) {
        const e = entries[(r.indexes[0] as number) - b0]!
        expect(new TextDecoder().decode(e.payload)).toBe(r.entries[0]!.payload)
        expect(toHex(e.leafHash)).toBe(r.entries[0]!.leafHash)
        expect(toHex(leafHash(e.payload, sha256))).toBe(r.entries[0]!.leafHash)
        const p = await base.getPassport(rec(i).id)
        expect(p?.logIndex).toBe(r.indexes[0])
      }
      expect(toHex(registry.root())).toBe(toHex(await rebuiltRoot(base)))
    } finally {
      await registry.close()
    }
  })

  it('runs two group commits at once when asked; leaves go into the tree in index order', async () => {
    const base = shared
    const b0 = await base.logSize()
    let running = 0
    let most = 0
    let leafReads = 0
    let call = 0
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const store = delegate(base, {
      publishBatch: async (items: PublishItem[]) => {
        running++
        most = Math.max(most, running)
        const slow = call++ % 2 === 0
        try {
          // Slow enough that later calls queue up behind a running commit; and every other
          // commit answers late, after the one that committed after it.
          await sleep(5)
          const result = await base.publishBatch(items)
          await sleep(slow ? 20 : 0)
          return result
        } finally {
          running--
        }
      },
      getLeafHashes: (start: number, end: number) => {
        leafReads++
        return base.getLeafHashes(start, end)
      },
    })
    const registry = await openRegistry({
      store,
      logKey,
      origin: ORIGIN,
      commitConcurrency: 2,
      maxBatch: 20,
    })
    leafReads = 0
    try {
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          registry.publish([{ type: 'passport', passport: rec(i) }]),
        ),
      )
      // Two commits ran at once, never more.
      expect(most).toBe(2)
      expect(results.map((r) => r.indexes[0]).sort((a, b) => a! - b!)).toEqual(
        Array.from({ length: 120 }, (_, i) => b0 + i),
      )
      expect(registry.size).toBe(b0 + 120)
      // Each commit's leaves were appended after the previous commit's: none read back.
      expect(leafReads).toBe(0)
      expect(toHex(registry.root())).toBe(toHex(await rebuiltRoot(base)))

      // A refused call among them fails alone. Its batch is retried by halves while the next
      // commit runs, which may then commit first: the tree reads that gap back, and stays right.
      const settled = await Promise.allSettled(
        Array.from({ length: 120 }, (_, i) =>
          registry.publish([{ type: 'passport', passport: rec(i === 60 ? 3 : 1000 + i) }]),
        ),
      )
      expect(settled.flatMap((r, i) => (r.status === 'rejected' ? [i] : []))).toEqual([60])
      const indexes = settled.flatMap((r) =>
        r.status === 'fulfilled' ? [r.value.indexes[0] as number] : [],
      )
      expect(indexes.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 119 }, (_, i) => b0 + 120 + i),
      )
      expect(registry.size).toBe(b0 + 239)
      expect(toHex(registry.root())).toBe(toHex(await rebuiltRoot(base)))
    } finally {
      await registry.close()
    }
  })

  it('a call the store refuses fails alone; the other calls of its batch commit', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      await registry.publish([{ type: 'passport', passport: rec(1) }])
      const calls = Array.from({ length: 20 }, (_, i) =>
        registry.publish([{ type: 'passport', passport: rec(i === 7 ? 1 : 100 + i) }]),
      )
      const settled = await Promise.allSettled(calls)
      const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []))
      expect(failed).toEqual([7])
      expect((settled[7] as PromiseRejectedResult).reason.code).toBe('ERR_STORE_CONFLICT')
      expect(registry.size).toBe(b0 + 20)
      expect(await store.logSize()).toBe(b0 + 20)
      expect(toHex(registry.root())).toBe(toHex(await rebuiltRoot(store)))
      // A status change of an unknown passport: ERR_STORE_NOT_FOUND, nothing stored.
      await expectCode(
        registry.publish([{ type: 'status', change: revocation('urn:nope') }]),
        'ERR_STORE_NOT_FOUND',
      )
      expect(await store.logSize()).toBe(b0 + 20)
    } finally {
      await registry.close()
    }
  })

  it('a call with text the database cannot hold (NUL) fails alone with a 400 code', async () => {
    const store = shared
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      const target = rec(2)
      await registry.publish([{ type: 'passport', passport: target }])
      const b0 = await store.logSize()
      // Sent in one turn, so they are committed as one group: the NUL spoils the group's first
      // transaction, and only its own call may fail.
      const calls = Array.from({ length: 10 }, (_, i) =>
        i === 4
          ? registry.publish([
              { type: 'status', change: { ...revocation(target.id), reason: 'a\u0000b' } },
            ])
          : registry.publish([{ type: 'passport', passport: rec(200 + i) }]),
      )
      const settled = await Promise.allSettled(calls)
      const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []))
      expect(failed).toEqual([4])
      const err = (settled[4] as PromiseRejectedResult).reason as AccordError
      expect(err.code).toBe('ERR_CONFIG_BAD_REQUEST')
      expect(err.message).toMatch(/NUL/)
      expect(await store.logSize()).toBe(b0 + 9)
      expect((await store.getPassport(target.id))?.status).toBe('valid')
      expect(toHex(registry.root())).toBe(toHex(await rebuiltRoot(store)))
    } finally {
      await registry.close()
    }
  })

  it('logs status changes and endorsements as canonical entries', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      const p = rec(1)
      const r = await registry.publish([
        { type: 'passport', passport: p },
        {
          type: 'endorsement',
          endorsement: {
            id: `urn:uuid:e${testNo}`,
            passportId: p.id,
            endorserKid: 'kid-auditor',
            token: 'eyJhbGciOiJFZERTQSJ9.e30.c2ln~',
            publishedAt: '2026-09-03T00:00:00Z',
          },
        },
        { type: 'status', change: revocation(p.id) },
      ])
      expect(r.indexes).toEqual([b0, b0 + 1, b0 + 2])
      expect(r.entries.map((e) => e.kind)).toEqual(['passport', 'endorsement', 'revocation'])
      const served = await registry.entries(b0, b0 + 10)
      expect(served).toEqual(r.entries)
      for (const e of served) expect(parseEntry(e.payload).ok).toBe(true)
      expect(JSON.parse(served[2]!.payload)).toEqual({
        at: '2026-09-02T00:00:00.000Z',
        byKid: 'kid-issuer-1',
        kind: 'revocation',
        passportId: p.id,
        reason: 'withdrawn',
        status: 'revoked',
        v: 1,
      })
      expect((await store.getPassport(p.id))?.status).toBe('revoked')
    } finally {
      await registry.close()
    }
  })

  it('refuses a passport record that disagrees with its token', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      await expect(
        registry.publish([
          {
            type: 'passport',
            passport: rec(1, { issuer: 'https://evil', token: fakeToken(rec(1).id) }),
          },
        ]),
      ).rejects.toThrow(TypeError)
      await expect(registry.publish([])).rejects.toThrow(TypeError)
      expect(await store.logSize()).toBe(b0)
    } finally {
      await registry.close()
    }
  })

  it('checks a record against the entry its caller computed, instead of decoding the token', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      const p = rec(2)
      // An entry that differs from the record is refused, even though the token agrees with it.
      await expect(
        registry.publish([
          { type: 'passport', passport: p, entry: { ...passportEntry(p), kid: 'another-kid' } },
        ]),
      ).rejects.toThrow(/differ from its token/)
      expect(await store.logSize()).toBe(b0)
      // With an entry given the token is not decoded again: a token that does not decode passes
      // when the entry agrees with the record (the caller vouches for the entry).
      const q = rec(3, { token: 'not an SD-JWT' })
      const r = await registry.publish([{ type: 'passport', passport: q, entry: passportEntry(q) }])
      expect(r.size).toBe(b0 + 1)
      await expect(
        registry.publish([{ type: 'passport', passport: rec(4, { token: 'not an SD-JWT' }) }]),
      ).rejects.toThrow(/not a compact SD-JWT/)
    } finally {
      await registry.close()
    }
  })

  it('signs, stores and caches checkpoints; proofs verify against them', async () => {
    const store = shared
    const b0 = await store.logSize()
    let now = 1_000_000
    const registry = await openRegistry({
      store,
      logKey,
      origin: ORIGIN,
      checkpointIntervalMs: 1000,
      nowMs: () => now,
    })
    try {
      const empty = await registry.checkpoint()
      expect(empty.size).toBe(b0)
      for (let i = 0; i < 5; i++) await registry.publish([{ type: 'passport', passport: rec(i) }])
      // Within the interval the previous checkpoint is served.
      expect((await registry.checkpoint()).size).toBe(b0)
      now += 1000
      const c5 = await registry.checkpoint()
      expect(c5.size).toBe(b0 + 5)
      expect(await registry.checkpoint()).toBe(c5)
      const stored = await store.latestCheckpoint()
      expect(stored?.size).toBe(b0 + 5)
      expect(stored?.signedNote).toBe(c5.note)
      const v = await verifyCheckpoint(c5.note, [registry.verifier], { origin: ORIGIN })
      expect(v.ok).toBe(true)
      if (!v.ok) return
      expect(toHex(v.checkpoint.rootHash)).toBe(toHex(registry.root(b0 + 5)))
      expect(registry.verifierKey.startsWith(`${ORIGIN}+`)).toBe(true)

      for (let i = 5; i < 13; i++) await registry.publish([{ type: 'passport', passport: rec(i) }])
      now += 1000
      const c13 = await registry.checkpoint()
      expect(c13.size).toBe(b0 + 13)
      const entries = await registry.entries(0, b0 + 13)
      for (let i = 0; i < b0 + 13; i++) {
        const proof = await registry.inclusionProof(i, b0 + 13)
        const lh = fromHex(entries[i]!.leafHash)!
        expect(checkEntryInclusion(c13, i, lh, proof, sha256)).toEqual({ ok: true })
        // The same proof does not place another leaf there.
        expect(checkEntryInclusion(c13, i, new Uint8Array(32), proof, sha256).ok).toBe(false)
      }
      const cons = await registry.consistencyProof(b0 + 5, b0 + 13)
      expect(checkTreeConsistency(c5, c13, cons, sha256)).toEqual({ ok: true })
      expect(
        checkTreeConsistency({ size: b0 + 5, rootHash: new Uint8Array(32) }, c13, cons, sha256).ok,
      ).toBe(false)
    } finally {
      await registry.close()
    }
  })

  it('refuses out-of-range proof and entry requests with ERR_TLOG_BAD_RANGE', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      await registry.publish([{ type: 'passport', passport: rec(1) }])
      const n = b0 + 1
      await expectCode(registry.inclusionProof(n, n), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.inclusionProof(0, n + 1), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.inclusionProof(-1, n), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.inclusionProof(0.5, n), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.consistencyProof(0, n), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.consistencyProof(n, n + 1), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.consistencyProof(n, n - 1), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.entries(n, n + 1), 'ERR_TLOG_BAD_RANGE')
      await expectCode(registry.entries(0, 0), 'ERR_TLOG_BAD_RANGE')
      expect(() => registry.root(n + 1)).toThrow(AccordError)
      expect(await registry.consistencyProof(n, n)).toEqual({ from: n, to: n, hashes: [] })
    } finally {
      await registry.close()
    }
  })

  it('caps an entries page at 1000', async () => {
    const store = shared
    const b0 = await store.logSize()
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      // Raw entries, as another process would append them: the registry reads them on demand.
      await store.appendEntries(
        Array.from({ length: 1005 }, (_, i) => {
          const payload = new TextEncoder().encode(`raw-${testNo}-${i}`)
          return { kind: 'passport' as const, payload, leafHash: leafHash(payload, sha256) }
        }),
      )
      const page = await registry.entries(b0, b0 + 5000)
      expect(page.length).toBe(1000)
      expect(page[999]!.index).toBe(b0 + 999)
      expect((await registry.entries(b0 + 1000, b0 + 5000)).length).toBe(5)
    } finally {
      await registry.close()
    }
  })

  it('follows entries another registry process appended to the same store', async () => {
    const store = shared
    const b0 = await store.logSize()
    const a = await openRegistry({ store, logKey, origin: ORIGIN })
    const b = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      await a.publish([{ type: 'passport', passport: rec(1) }])
      await b.publish([{ type: 'passport', passport: rec(2) }])
      await a.publish([{ type: 'passport', passport: rec(3) }])
      expect(a.size).toBe(b0 + 3)
      const proof = await b.inclusionProof(b0 + 2, b0 + 3)
      expect(b.size).toBe(b0 + 3)
      expect(toHex(b.root())).toBe(toHex(a.root()))
      expect(proof.size).toBe(b0 + 3)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('tells onAppend listeners each time the tree grows, by its commits or a sync', async () => {
    const store = shared
    const b0 = await store.logSize()
    const a = await openRegistry({ store, logKey, origin: ORIGIN })
    const b = await openRegistry({ store, logKey, origin: ORIGIN })
    const sizes: number[] = []
    const off = a.onAppend((size) => sizes.push(size))
    a.onAppend(() => {
      throw new Error('a listener that fails')
    })
    try {
      await a.publish([{ type: 'passport', passport: rec(1) }])
      await Promise.all([
        a.publish([{ type: 'passport', passport: rec(2) }]),
        a.publish([{ type: 'passport', passport: rec(3) }]),
      ])
      expect(sizes).toEqual([b0 + 1, b0 + 3]) // one group commit, one call
      await b.publish([{ type: 'passport', passport: rec(4) }])
      expect(sizes).toEqual([b0 + 1, b0 + 3]) // another process: not known yet
      await a.sync()
      expect(sizes).toEqual([b0 + 1, b0 + 3, b0 + 4])
      await a.sync()
      expect(sizes).toHaveLength(3) // no growth, no call
      off()
      await a.publish([{ type: 'passport', passport: rec(5) }])
      expect(sizes).toHaveLength(3)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('refuses to start when the stored log does not match its latest checkpoint', async () => {
    const store = shared
    const registry = await openRegistry({ store, logKey, origin: ORIGIN })
    await registry.publish([{ type: 'passport', passport: rec(1) }])
    await registry.checkpoint()
    await registry.close()
    const liar = delegate(store, {
      latestCheckpoint: async () => ({
        ...(await store.latestCheckpoint())!,
        rootHash: new Uint8Array(32),
      }),
    })
    await expectCode(openRegistry({ store: liar, logKey, origin: ORIGIN }), 'ERR_TLOG_CORRUPT')
  })

  it('rejects a non-Ed25519 log key and a bad origin', async () => {
    const store = shared
    const es = await signerFromJwk((await generateKeyPair({ alg: 'ES256' })).privateJwk)
    await expect(openRegistry({ store, logKey: es, origin: ORIGIN })).rejects.toThrow(TypeError)
    await expect(openRegistry({ store, logKey, origin: 'has space' })).rejects.toThrow(TypeError)
  })
})

describe('registry service on a PGlite data directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-registry-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('rebuilds the same tree after close and reopen', async () => {
    let store = await openPgliteStore(dir)
    await store.migrate()
    let registry: Registry = await openRegistry({ store, logKey, origin: ORIGIN })
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        registry.publish([{ type: 'passport', passport: passportRecord(i) }]),
      ),
    )
    const before = await registry.checkpoint()
    await registry.close()
    await store.close()

    store = await openPgliteStore(dir)
    await store.migrate()
    registry = await openRegistry({ store, logKey, origin: ORIGIN })
    try {
      expect(registry.size).toBe(50)
      expect(toHex(registry.root())).toBe(toHex(before.rootHash))
      await registry.publish([{ type: 'passport', passport: passportRecord(50) }])
      const after = await registry.checkpoint()
      expect(after.size).toBe(51)
      const cons = await registry.consistencyProof(50, 51)
      expect(checkTreeConsistency(before, after, cons, sha256)).toEqual({ ok: true })
    } finally {
      await registry.close()
      await store.close()
    }
  }, 60_000)
})
