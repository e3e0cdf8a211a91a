import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPublishPool, type PublishPool } from '../../src/server/publish-pool.js'
import type { RequestKey } from '../../src/server/signed-request.js'
import { flipChar } from '../fixtures/passport/forge.js'
import { NOW, makePassport, makeSigner, type TestSigner } from './helpers.js'

/** Worker threads need the compiled module (`npm run build`). */
const DIST = fileURLToPath(new URL('../../dist/server/publish-pool.js', import.meta.url))
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
    const broken = outcomes[41]
    expect(!broken?.ok && broken?.refusal).toMatchObject({
      status: 422,
      reason: 'signature-invalid',
    })
  })
})

describe.skipIf(!existsSync(DIST))('createPublishPool on workers (compiled dist/)', () => {
  let pool: PublishPool
  beforeAll(async () => {
    const mod = (await import(pathToFileURL(DIST).href)) as {
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
      (await import(pathToFileURL(DIST).href)) as { createPublishPool: typeof createPublishPool }
    ).createPublishPool({ workers: 1 })
    await p.close()
    await expect(check(p)).rejects.toThrow(/closed/)
  })
})
