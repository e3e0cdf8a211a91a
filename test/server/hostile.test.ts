/**
 * The registry API against hostile clients: values the database cannot hold, crafted cursors,
 * malformed URLs. Every client error is a 4xx with the documented `{ code, message }` body, and
 * one client's bad write never fails another client's write committed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  makePassport,
  makeSigner,
  publish,
  signedInject,
  startApp,
  type TestApp,
  type TestSigner,
} from './helpers.js'

let t: TestApp
let issuer: TestSigner
let other: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
  other = await makeSigner('ES256')
}, 60_000)
afterAll(() => t.close())

const get = (url: string) => t.app.inject({ method: 'GET', url })

function expectClientError(res: { statusCode: number; body: string }, status = 400): void {
  expect(res.statusCode, res.body).toBe(status)
  const body = JSON.parse(res.body) as Record<string, unknown>
  expect(Object.keys(body).sort()).toEqual(['code', 'message'])
  expect(body.code).toMatch(/^ERR_/)
}

describe('text the database cannot store (NUL, U+0000)', () => {
  it('answers 400, not 500, for a NUL in an id, a search term or a body', async () => {
    for (const url of [
      '/api/v1/passports/a%00b',
      '/api/v1/passports/a%00b/endorsements',
      '/api/v1/systems/a%00b/passports',
      '/api/v1/passports?provider=a%00b',
      '/api/v1/passports?jurisdiction=a%00b',
      '/api/v1/delegations/a%00b',
      '/api/v1/delegations?issuerKid=a%00b',
    ])
      expectClientError(await get(url))
    const p = await makePassport(issuer, 1)
    expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
    const before = await t.store.logSize()
    expectClientError(
      await signedInject(t.app, {
        method: 'POST',
        url: `/api/v1/passports/${encodeURIComponent(p.id)}/status`,
        body: { status: 'suspended', reason: 'a\u0000b' },
        signer: issuer,
      }),
    )
    expectClientError(
      await signedInject(t.app, {
        method: 'POST',
        url: '/api/v1/delegations',
        body: { delegate: other.publicJwk, scope: 'status', name: 'desk\u0000' },
        signer: issuer,
      }),
    )
    expect(await t.store.logSize()).toBe(before)
    expect((await t.store.getPassport(p.id))?.status).toBe('valid')
  })
})

describe('search cursors', () => {
  const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

  it('refuses a crafted cursor with ERR_STORE_BAD_CURSOR, whatever date text it holds', async () => {
    for (const at of [
      '1',
      '0',
      '2026-02-30T00:00:00.000Z',
      'Tue Mar 01 2022',
      '+275760-09-13T00:00:00.000Z',
    ]) {
      const res = await get(`/api/v1/passports?cursor=${cursor([at, 'urn:uuid:x'])}`)
      expectClientError(res)
      expect(JSON.parse(res.body).code, at).toBe('ERR_STORE_BAD_CURSOR')
    }
  })

  it('pages through every passport with the cursors it returns', async () => {
    for (const i of [10, 11, 12]) {
      const p = await makePassport(issuer, i)
      expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
    }
    const all = JSON.parse((await get('/api/v1/passports?limit=100')).body).items.map(
      (p: { id: string }) => p.id,
    )
    const paged: string[] = []
    let next: string | null = null
    do {
      const res = await get(`/api/v1/passports?limit=1${next ? `&cursor=${next}` : ''}`)
      expect(res.statusCode, res.body).toBe(200)
      const page = JSON.parse(res.body) as { items: { id: string }[]; nextCursor: string | null }
      paged.push(...page.items.map((p) => p.id))
      next = page.nextCursor
    } while (next !== null)
    expect(paged).toEqual(all)
    expect(all.length).toBeGreaterThanOrEqual(3)
  })
})
