/**
 * src/node/tlog/pinned.ts against a fake log (injected fetch): what the end-to-end tests
 * (test/server/log-pin.test.ts) cannot make a real registry do: sign a checkpoint of another
 * origin with the pinned key, and lag behind a write.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import { entryLeafHash, passportEntry } from '../../../src/core/tlog/entry.js'
import { ed25519NoteSigner, formatVerifierKey } from '../../../src/core/tlog/note.js'
import { sha256 } from '../../../src/node/sha256.js'
import { loadLogKey } from '../../../src/node/tlog/log-key.js'
import { confirmInLog, pinnedCheckpoint } from '../../../src/node/tlog/pinned.js'

const ORIGIN = 'pin.test/log'
const { publicKey, privateKey } = generateKeyPairSync('ed25519')
const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
const signer = ed25519NoteSigner(
  ORIGIN,
  raw,
  async (message) => new Uint8Array(sign(null, message, privateKey)),
  sha256,
)
const entry = passportEntry({
  id: 'urn:uuid:p-0',
  issuer: 'https://vendor.example',
  kid: 'k',
  issuerJwtSha256: '00'.repeat(32),
})
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
