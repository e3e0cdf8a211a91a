import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPublishPool, type PublishPool } from '../../src/server/publish-pool.js'
import type { RequestKey } from '../../src/server/signed-request.js'
import { passportEntryFromSdJwt } from '../../src/core/tlog/entry.js'
import { sha256 } from '../../src/node/sha256.js'
import { decodePart, flipChar, joinToken, signJws, splitToken } from '../fixtures/passport/forge.js'
import { NOW, makePassport, makeSigner, type TestSigner } from './helpers.js'

/** Worker threads need the compiled module (`npm run build`). */
const DIST = fileURLToPath(new URL('../../dist/server/publish-pool.js', import.meta.url))
/** The same module in the CLI's bundle (scripts/bundle.mjs), which starts workers from its chunk. */
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/publish-pool.js', import.meta.url))
const BUILDS = [
  ['compiled dist/', DIST],
  ['CLI bundle dist/bundle/', BUNDLE],
] as const
const PUBLISHED_AT = new Date(NOW * 1000).toISOString()

let issuer: TestSigner
let key: RequestKey
let tokens: string[]

beforeAll(async () => {
  issuer = await makeSigner('EdDSA')
  const other = await makeSigner('ES256')
  key = { kid: issuer.kid, alg: 'EdDSA', jwk: issuer.publicJwk }
  const good = await Promise.all(Array.from({ length: 40 }, (_, i) => makePassport(issuer, i)))
  const foreign = await makePassport(other, 1)
  const broken = flipChar(good[3]?.token as string, (good[3]?.token as string).indexOf('~') - 5)
  tokens = [...good.map((p) => p.token), foreign.token, broken, 'not a passport']
}, 60_000)

function check(pool: PublishPool) {
  return pool.check({ key, tokens, nowSeconds: NOW, publishedAt: PUBLISHED_AT })
}

describe('createPublishPool in this thread (workers: 0)', () => {
  it('gives a record per good passport and the route error per bad one, in order', async () => {
    const pool = createPublishPool({ workers: 0 })
    expect(pool.workers).toBe(0)
    const outcomes = await check(pool)
    expect(outcomes.slice(0, 40).every((o) => o.ok)).toBe(true)
    const first = outcomes[0]
    expect(first?.ok && first.record).toMatchObject({ kid: issuer.kid, publishedAt: PUBLISHED_AT })
    expect(first?.ok && 'token' in first.record).toBe(false)
    expect(outcomes.slice(40).map((o) => !o.ok && o.refusal.code)).toEqual([
      'ERR_PASSPORT_REQUEST_FORBIDDEN',
      'ERR_PASSPORT_REJECTED',
      'ERR_PASSPORT_REJECTED',
    ])
    // A foreign passport is forbidden, not a verification failure: no reason code (docs/api.md).
    const foreign = outcomes[40]
    expect(!foreign?.ok && foreign?.refusal).not.toHaveProperty('reason')
    const broken = outcomes[41]
    expect(!broken?.ok && broken?.refusal).toMatchObject({
      status: 422,
      reason: 'signature-invalid',
    })
  })
})

describe('createPublishPool: the log entry', () => {
  /**
   * The passport of `makePassport`, re-signed with the claim `name` moved from the payload into
   * a disclosure of its own (listed in `_sd`): still a valid SD-JWT that verifies.
   */
  async function withDisclosed(name: string, value: unknown): Promise<string> {
    const { token } = await makePassport(issuer, 7)
    const { jwt, disclosures } = splitToken(token)
    const [h, c] = jwt.split('.') as [string, string]
    const header = decodePart(h)
    const payload = decodePart(c)
    delete payload[name]
    const disclosure = Buffer.from(JSON.stringify(['c2FsdC1mb3ItdGVzdHM', name, value])).toString(
      'base64url',
    )
    const digest = createHash('sha256').update(disclosure).digest('base64url')
    payload._sd = [...((payload._sd as string[] | undefined) ?? []), digest]
    return joinToken(await signJws(header, payload, issuer), [...disclosures, disclosure])
  }

  it('comes with every record: what a verifier recomputes from the passport alone', async () => {
    const [outcome] = await createPublishPool({ workers: 0 }).check({
      key,
      tokens: [tokens[0] as string],
      nowSeconds: NOW,
      publishedAt: PUBLISHED_AT,
    })
    const derived = passportEntryFromSdJwt(tokens[0] as string, sha256)
    expect(outcome?.ok && outcome.entry).toEqual(derived.ok && derived.entry)
  })

  it('refuses a passport whose jti is only in a disclosure (no entry can be recomputed)', async () => {
    const pool = createPublishPool({ workers: 0 })
    const check = (token: string) =>
      pool.check({ key, tokens: [token], nowSeconds: NOW, publishedAt: PUBLISHED_AT })
    // The same construction with a claim the registry does not index is published: the forged
    // token verifies, so the refusal below is about the jti.
    const [control] = await check(await withDisclosed('iat', NOW - 60))
    expect(control?.ok).toBe(true)
    const [outcome] = await check(await withDisclosed('jti', 'urn:uuid:disclosed-only'))
    expect(outcome).toMatchObject({
      ok: false,
      refusal: { code: 'ERR_PASSPORT_REJECTED', status: 422, reason: 'malformed' },
    })
    expect(!outcome?.ok && outcome?.refusal.message).toBe(
      'the passport cannot be logged: the passport has no jti, so it cannot be looked up in a log',
    )
  })
})

for (const [build, file] of BUILDS) {
  describe.skipIf(!existsSync(file))(`createPublishPool on workers (${build})`, () => {
    let pool: PublishPool
    beforeAll(async () => {
      const mod = (await import(pathToFileURL(file).href)) as {
        createPublishPool: typeof createPublishPool
      }
      pool = mod.createPublishPool({ workers: 2 })
    })
    afterAll(() => pool.close())

    it('answers as the in-thread check does, chunk after chunk, across workers', async () => {
      expect(pool.workers).toBe(2)
      const inThread = await check(createPublishPool({ workers: 0 }))
      const [a, b] = await Promise.all([check(pool), check(pool)])
      expect(a).toEqual(inThread)
      expect(b).toEqual(inThread)
    })

    it('answers concurrent single checks each with its own outcome (they share messages)', async () => {
      // As concurrent single publishes call it: one token per request, requests of two keys and
      // two publication times, all started in one turn of the event loop.
      const otherKey = (await makeSigner('EdDSA')).kid
      const requests = tokens.map((token, i) => ({
        key: i % 5 === 4 ? { ...key, kid: otherKey } : key,
        tokens: [token],
        nowSeconds: NOW,
        publishedAt: new Date((NOW + (i % 2)) * 1000).toISOString(),
      }))
      const inThread = createPublishPool({ workers: 0 })
      const expected = await Promise.all(requests.map((r) => inThread.check(r)))
      const got = await Promise.all(requests.map((r) => pool.check(r)))
      expect(got).toEqual(expected)
      // Not vacuous: the keys and times differ between requests, and so do the outcomes.
      expect(new Set(got.map((o) => o[0]?.ok)).size).toBe(2)
      expect(new Set(got.flatMap((o) => (o[0]?.ok ? [o[0].record.publishedAt] : []))).size).toBe(2)
    })

    it('replaces a worker that died: only its checks fail, the next ones pass', async () => {
      // A chunk the worker cannot read (tokens that are not an array) throws in its message
      // handler, outside any promise: the worker thread dies.
      const poison = { length: 1, slice: () => ({}) } as unknown as string[]
      await expect(
        pool.check({ key, tokens: poison, nowSeconds: NOW, publishedAt: PUBLISHED_AT }),
      ).rejects.toThrow()
      for (let i = 0; i < 3; i++)
        expect(await check(pool)).toEqual(await check(createPublishPool({ workers: 0 })))
    })

    it('refuses work once closed', async () => {
      const p = (
        (await import(pathToFileURL(file).href)) as { createPublishPool: typeof createPublishPool }
      ).createPublishPool({ workers: 1 })
      await p.close()
      await expect(check(p)).rejects.toThrow(/closed/)
    })
  })
}
