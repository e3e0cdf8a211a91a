/**
 * src/node/tlog/pinned.ts against a fake log (injected fetch): what the end-to-end tests
 * (test/server/log-pin.test.ts) cannot make a real registry do: sign a checkpoint of another
 * origin with the pinned key, lag behind a write, and show another history after a write than
 * before it (a split view) at chosen sizes.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MerkleTree, toHex } from '../../../src/core/merkle/index.js'
import { signCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import {
  encodeEntryText,
  entryLeafHash,
  passportEntry,
  type TlogEntry,
} from '../../../src/core/tlog/entry.js'
import { ed25519NoteSigner, formatVerifierKey } from '../../../src/core/tlog/note.js'
import { sha256 } from '../../../src/node/sha256.js'
import { loadLogKey } from '../../../src/node/tlog/log-key.js'
import {
  confirmationLine,
  confirmInLog,
  pinnedCheckpoint,
  type PinnedLog,
} from '../../../src/node/tlog/pinned.js'

const ORIGIN = 'pin.test/log'
const { publicKey, privateKey } = generateKeyPairSync('ed25519')
const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
/** The log key's note signer, for its own origin or (a log misusing its key) another. */
const signerFor = (origin: string) =>
  ed25519NoteSigner(
    origin,
    raw,
    async (message) => new Uint8Array(sign(null, message, privateKey)),
    sha256,
  )
const signer = signerFor(ORIGIN)
const passport = (n: number): TlogEntry =>
  passportEntry({
    id: `urn:uuid:p-${n}`,
    issuer: 'https://vendor.example',
    kid: 'k',
    issuerJwtSha256: '00'.repeat(32),
  })
const entry = passport(0)
const leaf = entryLeafHash(entry, sha256)

/** A fetch that serves `checkpoints` one after the other (the last one again) and a proof. */
function fakeLog(checkpoints: string[]): { fetch: typeof fetch; reads: () => number } {
  let reads = 0
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input))
    if (url.pathname === '/api/v1/log/checkpoint') {
      const note = checkpoints[Math.min(reads, checkpoints.length - 1)] as string
      reads++
      return new Response(note, { status: 200 })
    }
    if (url.pathname === '/api/v1/log/proof/inclusion')
      return Response.json({ index: 0, size: 1, hashes: [] })
    return new Response('not found', { status: 404 })
  }
  return { fetch: fake as typeof fetch, reads: () => reads }
}

const pin = async (f: typeof fetch, extra = {}) => ({
  key: await loadLogKey(formatVerifierKey(ORIGIN, raw, sha256)),
  source: '--log-key',
  fetch: f,
  sleep: async () => {},
  ...extra,
})

describe('pinnedCheckpoint / confirmInLog', () => {
  it('waits for a checkpoint that covers the entry, then checks its inclusion', async () => {
    const empty = await signCheckpoint(
      { origin: ORIGIN, size: 0, rootHash: sha256(new Uint8Array()) },
      signer,
    )
    const one = await signCheckpoint({ origin: ORIGIN, size: 1, rootHash: leaf }, signer)
    const log = fakeLog([empty, empty, one])
    const r = await confirmInLog('http://log.test', await pin(log.fetch), [
      { index: 0, what: 'passport urn:uuid:p-0', entry },
    ])
    expect(r).toEqual({ origin: ORIGIN, treeSize: 1, indexes: [0] })
    expect(log.reads()).toBe(3)
  })

  it('a checkpoint that never covers the entry: ERR_TLOG_UNAVAILABLE after the wait', async () => {
    const empty = await signCheckpoint(
      { origin: ORIGIN, size: 0, rootHash: sha256(new Uint8Array()) },
      signer,
    )
    const log = fakeLog([empty])
    await expect(
      confirmInLog('http://log.test', await pin(log.fetch, { waitMs: 0 }), [
        { index: 0, what: 'passport urn:uuid:p-0', entry },
      ]),
    ).rejects.toMatchObject({
      code: 'ERR_TLOG_UNAVAILABLE',
      message: expect.stringContaining(
        'acknowledged log index 0, but after 0 s its signed checkpoint still has size 0',
      ),
    })
  })

  it('a checkpoint signed by the pinned key for another origin: ERR_TLOG_INVALID', async () => {
    const forged = await signCheckpoint(
      { origin: 'other.test/log', size: 1, rootHash: leaf },
      signer,
    )
    await expect(
      pinnedCheckpoint('http://log.test', await pin(fakeLog([forged]).fetch)),
    ).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        'serves a checkpoint of log "other.test/log", signed by the key of "pin.test/log"',
      ),
    })
  })
})

/** A log whose history is `entries` (leaf hashes computed), signed by the log key at any size. */
function history(...entries: TlogEntry[]): MerkleTree {
  return MerkleTree.fromLeafHashes(
    entries.map((e) => entryLeafHash(e, sha256)),
    sha256,
  )
}

/**
 * A log that shows `views` one after the other at each checkpoint read (the last one again), each
 * a tree at its full size, signed for `origin`, and serves the inclusion and consistency proofs
 * of the view it showed last: a split view when two views are not one history.
 */
async function fakeViews(
  views: { tree: MerkleTree; origin?: string }[],
  refuse: { consistency?: number; inclusion?: number } = {},
) {
  const notes = await Promise.all(
    views.map(({ tree, origin = ORIGIN }) =>
      signCheckpoint({ origin, size: tree.size, rootHash: tree.root() }, signerFor(origin)),
    ),
  )
  let reads = 0
  const consistencyAsked: string[] = []
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input))
    const q = (name: string) => Number(url.searchParams.get(name))
    const shown = views[Math.max(0, Math.min(reads, views.length) - 1)]!.tree
    if (url.pathname === '/api/v1/log/checkpoint')
      return new Response(notes[Math.min(reads++, notes.length - 1)], { status: 200 })
    if (url.pathname === '/api/v1/log/proof/inclusion' && refuse.inclusion !== undefined)
      return new Response('no', { status: refuse.inclusion })
    if (url.pathname === '/api/v1/log/proof/consistency' && refuse.consistency !== undefined) {
      consistencyAsked.push(`${q('from')}..${q('to')} refused`)
      return new Response('no', { status: refuse.consistency })
    }
    if (url.pathname === '/api/v1/log/proof/inclusion')
      return Response.json({
        index: q('index'),
        size: q('size'),
        hashes: shown.inclusionProof(q('index'), q('size')).map(toHex),
      })
    if (url.pathname === '/api/v1/log/proof/consistency') {
      consistencyAsked.push(`${q('from')}..${q('to')}`)
      return Response.json({
        from: q('from'),
        to: q('to'),
        hashes: shown.consistencyProof(q('from'), q('to')).map(toHex),
      })
    }
    return new Response('not found', { status: 404 })
  }
  return { fetch: fake as typeof fetch, consistencyAsked, reads: () => reads }
}

/**
 * What a pinned write does: the checkpoint before the write (the first view), then the check
 * after it (the next views) of `expected`.
 */
async function write(
  views: { tree: MerkleTree; origin?: string }[],
  expected: { index: number; entry: TlogEntry }[],
  extra: Partial<PinnedLog> = {},
  refuse: { consistency?: number; inclusion?: number } = {},
) {
  const log = await fakeViews(views, refuse)
  const p: PinnedLog = { ...(await pin(log.fetch)), ...extra }
  const before = await pinnedCheckpoint('http://log.test', p)
  const check = confirmInLog(
    'http://log.test',
    p,
    expected.map((e) => ({ ...e, what: `entry ${e.index}` })),
    before,
  )
  return { log, check }
}

describe('confirmInLog after a write: the log only grew since the checkpoint before it', () => {
  const [p0, p1, p2, x1] = [passport(10), passport(11), passport(12), passport(99)]

  it('grown by the write: the consistency proof from the size before verifies', async () => {
    const { log, check } = await write(
      [{ tree: history(p0, p1) }, { tree: history(p0, p1, p2) }],
      [{ index: 2, entry: p2 }],
    )
    const r = await check
    expect(r).toEqual({ origin: ORIGIN, treeSize: 3, indexes: [2], consistentFrom: 2 })
    expect(log.consistencyAsked).toEqual(['2..3'])
    expect(confirmationLine(r)).toBe(
      `verified against the pinned log key: entry 2 of log "${ORIGIN}" (checkpoint size 3, grown from size 2 seen before the write)`,
    )
  })

  it('another history after the write, even one holding the entry: a split view naming both sizes', async () => {
    // Entry 1 differs: the log after the write is not the one before it plus the write, though
    // the written entry is at the index acknowledged (its inclusion proof verifies).
    const forked = history(p0, x1, p2)
    const { log, check } = await write(
      [{ tree: history(p0, p1) }, { tree: forked }],
      [{ index: 2, entry: p2 }],
    )
    const err = (await check.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; message: string }
    expect(err).toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        'split view: the registry at http://log.test served a checkpoint of size 2 before the write and one of size 3 after it, both signed with the key --log-key pins, and the second does not extend the first',
      ),
    })
    expect(log.consistencyAsked).toEqual(['2..3'])
    // Both signed checkpoints are in the message, as evidence.
    expect(err.message).toContain(`--- before the write:\n${ORIGIN}\n2\n`)
    expect(err.message).toContain(`--- after the write:\n${ORIGIN}\n3\n`)
  })

  it('the same size after (no entry written): the same root passes without a proof, another is a split view', async () => {
    const same = await write([{ tree: history(p0, p1) }, { tree: history(p0, p1) }], [])
    expect(await same.check).toEqual({
      origin: ORIGIN,
      treeSize: 2,
      indexes: [],
      consistentFrom: 2,
    })
    expect(same.log.consistencyAsked).toEqual([])

    const other = await write([{ tree: history(p0, p1) }, { tree: history(p0, x1) }], [])
    await expect(other.check).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringMatching(
        /^split view: .* size 2 before the write and one of size 2 after it.*: two checkpoints of size 2 have different roots/,
      ),
    })
  })

  it('grown by the write only, from the empty log: nothing to prove (the empty tree is a prefix of all)', async () => {
    const { log, check } = await write(
      [{ tree: history() }, { tree: history(p0) }],
      [{ index: 0, entry: p0 }],
    )
    expect(await check).toMatchObject({ treeSize: 1, consistentFrom: 0 })
    expect(log.consistencyAsked).toEqual([])
  })

  it('an older checkpoint after the write than before it: waits for one at least as new', async () => {
    const { log, check } = await write(
      [{ tree: history(p0, p1) }, { tree: history(p0) }, { tree: history(p0, p1) }],
      [],
    )
    expect(await check).toMatchObject({ treeSize: 2, consistentFrom: 2 })
    expect(log.reads()).toBe(3)

    const stale = await write([{ tree: history(p0, p1) }, { tree: history(p0) }], [], {
      waitMs: 0,
    })
    await expect(stale.check).rejects.toMatchObject({
      code: 'ERR_TLOG_UNAVAILABLE',
      message: expect.stringContaining(
        'served a checkpoint of size 2 before the write, but after 0 s it still serves one of size 1',
      ),
    })
  })

  it('a checkpoint of another log signed with the same key after the write (JWK pin): a split view', async () => {
    // A JWK names no log: each checkpoint verifies under its own origin, so the origins are compared.
    const { check } = await write(
      [{ tree: history(p0) }, { tree: history(p0, p1), origin: 'other.test/log' }],
      [{ index: 1, entry: p1 }],
      { key: { kind: 'jwk', publicKey: raw } },
    )
    await expect(check).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        `and the second does not extend the first: the first is of log "${ORIGIN}", the second of log "other.test/log"`,
      ),
    })
  })
})

describe('confirmInLog after a write: a registry that refuses to prove its own log', () => {
  const [p0, p1, p2] = [passport(20), passport(21), passport(22)]
  const grown = [{ tree: history(p0, p1) }, { tree: history(p0, p1, p2) }]

  it('a consistency proof between its own signed sizes refused with 4xx: ERR_TLOG_INVALID naming both sizes and the status', async () => {
    for (const status of [400, 404]) {
      const { log, check } = await write(
        grown,
        [{ index: 2, entry: p2 }],
        {},
        { consistency: status },
      )
      await expect(check).rejects.toMatchObject({
        code: 'ERR_TLOG_INVALID',
        details: { httpStatus: status },
        message: expect.stringContaining(
          `the registry at http://log.test refused (HTTP ${status}) a consistency proof from size 2 to size 3, the sizes of the checkpoints it served before and after the write, both signed with the key --log-key pins`,
        ),
      })
      expect(log.consistencyAsked).toEqual(['2..3 refused'])
    }
  })

  it('an inclusion proof of the index it acknowledged refused with 4xx: ERR_TLOG_INVALID', async () => {
    const { check } = await write(grown, [{ index: 2, entry: p2 }], {}, { inclusion: 404 })
    await expect(check).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        'refused (HTTP 404) an inclusion proof of log index 2, where it says it put entry 2, in its log at size 3',
      ),
    })
  })

  it('5xx, 429 and 408 are for later: ERR_TLOG_UNAVAILABLE, as before', async () => {
    for (const status of [503, 500, 429, 408]) {
      const consistency = await write(grown, [{ index: 2, entry: p2 }], {}, { consistency: status })
      await expect(consistency.check).rejects.toMatchObject({
        code: 'ERR_TLOG_UNAVAILABLE',
        message: expect.stringContaining(`the log answered ${status} for`),
      })
      const inclusion = await write(grown, [{ index: 2, entry: p2 }], {}, { inclusion: status })
      await expect(inclusion.check).rejects.toMatchObject({ code: 'ERR_TLOG_UNAVAILABLE' })
    }
  })
})

/**
 * A log of `entries` at its full size that serves its signed checkpoint, entry pages (`served`:
 * what it serves instead of the entries, to tamper) and inclusion proofs, counting the requests.
 */
async function entriesLog(entries: TlogEntry[], served: TlogEntry[] = entries) {
  const tree = history(...entries)
  const note = await signCheckpoint(
    { origin: ORIGIN, size: tree.size, rootHash: tree.root() },
    signer,
  )
  const asked = { entries: 0, inclusion: 0 }
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(String(input))
    const q = (name: string) => Number(url.searchParams.get(name))
    if (url.pathname === '/api/v1/log/checkpoint') return new Response(note, { status: 200 })
    if (url.pathname === '/api/v1/log/entries') {
      asked.entries++
      const end = Math.min(q('end'), q('start') + 1000, served.length)
      return Response.json({
        entries: served.slice(q('start'), end).map((e, i) => ({
          index: q('start') + i,
          kind: e.kind,
          payload: encodeEntryText(e),
          leafHash: toHex(entryLeafHash(e, sha256)),
        })),
      })
    }
    if (url.pathname === '/api/v1/log/proof/inclusion') {
      asked.inclusion++
      return Response.json({
        index: q('index'),
        size: q('size'),
        hashes: tree.inclusionProof(q('index'), q('size')).map(toHex),
      })
    }
    return new Response('not found', { status: 404 })
  }
  const list = async (indexes: number[], claimed = (i: number) => entries[i] as TlogEntry) =>
    confirmInLog(
      'http://log.test',
      await pin(fake as typeof fetch),
      indexes.map((index) => ({
        index,
        what: `passport urn:uuid:p-${index}`,
        entry: claimed(index),
      })),
    )
  return { asked, list }
}

describe('confirmInLog of a listed page: the tail of the log as one range, or a proof per entry', () => {
  const log30 = Array.from({ length: 30 }, (_, i) => passport(i))
  const recent = Array.from({ length: 20 }, (_, i) => 10 + i)

  it('20 entries in the last 20 of a log of 30: one page of entries and one proof, not 20 proofs', async () => {
    const { asked, list } = await entriesLog(log30)
    expect(await list(recent)).toEqual({ origin: ORIGIN, treeSize: 30, indexes: recent })
    expect(asked).toEqual({ entries: 1, inclusion: 1 })
  })

  it('a range from index 0 needs no proof', async () => {
    const { asked, list } = await entriesLog(log30)
    await list([0, 5, 29])
    expect(asked).toEqual({ entries: 1, inclusion: 0 })
  })

  it('an entry in the range altered, though not listed: the range does not lead to the root', async () => {
    const served = [...log30]
    served[15] = passport(99)
    const { list } = await entriesLog(log30, served)
    await expect(list([12, 20, 25])).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringMatching(
        /the log entries 12\.\.29 the registry at \S+ served do not lead to the root of its checkpoint of size 30/,
      ),
    })
  })

  it('a listed entry the log holds at another index: names the index', async () => {
    const { list } = await entriesLog(log30)
    await expect(
      list([12, 13], (i) => (i === 12 ? passport(13) : passport(i))),
    ).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        'passport urn:uuid:p-12 is not entry 12 of the log "pin.test/log" at size 30',
      ),
    })
  })

  it('entries served short or out of order: ERR_TLOG_INVALID', async () => {
    const { list } = await entriesLog(log30, log30.slice(0, 25))
    await expect(list(recent)).rejects.toMatchObject({
      code: 'ERR_TLOG_INVALID',
      message: expect.stringContaining(
        'served 15 entries from index 10, not those entries in order',
      ),
    })
  })

  it('a few entries spread over a long log: a proof each, no entry pages', async () => {
    const long = Array.from({ length: 3000 }, (_, i) => passport(i))
    const { asked, list } = await entriesLog(long)
    await list([10, 1500, 2999])
    expect(asked).toEqual({ entries: 0, inclusion: 3 })
  })
})
