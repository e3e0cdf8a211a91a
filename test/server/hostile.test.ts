/**
 * The registry API against hostile clients: values the database cannot hold, crafted cursors,
 * malformed URLs. Every client error is a 4xx with the documented `{ code, message }` body, and
 * one client's bad write never fails another client's write committed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../src/core/passport/issue.js'
import { exampleClaims } from '../fixtures/passport/inputs.js'
import { sdCrypto } from '../fixtures/passport/signer.js'
import {
  NOW,
  STATUS_URI,
  makePassport,
  makeSigner,
  publish,
  signedInject,
  startApp,
  statusListToken,
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

describe('passport ids in the path', () => {
  async function publishWithJti(jti: string, idx: number) {
    const claims = await exampleClaims('police-analytics', {
      jti,
      status: { status_list: { idx, uri: STATUS_URI } },
    })
    const res = await publish(t.app, issuer, await issuePassport(claims, issuer, sdCrypto))
    expect(res.statusCode, res.body).toBe(201)
    return res
  }

  it('reads, endorses and revokes every passport it published, however long its jti', async () => {
    for (const [i, jti] of [
      `https://vendor.example/passports/2026/${'x'.repeat(200)}`,
      `urn:x:${'é'.repeat(490)}`,
      'https://vendor.example/p/1?a=b#c %41',
    ].entries()) {
      const res = await publishWithJti(jti, 20 + i)
      const path = `/api/v1/passports/${encodeURIComponent(jti)}`
      expect(res.headers.location).toBe(path)
      const read = await get(path)
      expect(read.statusCode, read.body).toBe(200)
      expect(JSON.parse(read.body).id).toBe(jti)
      expect((await get(`${path}/endorsements`)).statusCode).toBe(200)
      expect((await get(`/api/v1/ui/passports/${encodeURIComponent(jti)}`)).statusCode).toBe(200)
      const revoke = await signedInject(t.app, {
        method: 'POST',
        url: `${path}/status`,
        body: { status: 'revoked' },
        signer: issuer,
      })
      expect(revoke.statusCode, revoke.body).toBe(200)
      expect((await t.store.getPassport(jti))?.status).toBe('revoked')
    }
  })

  it('refuses to publish a passport whose jti has no URL path form (422), and stores nothing', async () => {
    const before = await t.store.logSize()
    for (const [i, jti] of [`urn:x:${'é'.repeat(600)}`, 'urn:x:\ud800'].entries()) {
      const claims = await exampleClaims('police-analytics', {
        jti,
        status: { status_list: { idx: 30 + i, uri: STATUS_URI } },
      })
      const res = await publish(t.app, issuer, await issuePassport(claims, issuer, sdCrypto))
      expect(res.statusCode, res.body).toBe(422)
      expect(JSON.parse(res.body).message).toMatch(/jti/)
    }
    expect(await t.store.logSize()).toBe(before)
  })

  it('answers a malformed or overlong path with the API error body, without echoing it', async () => {
    for (const [url, status] of [
      ['/api/v1/passports/%ZZ', 400],
      ['/api/v1/passports/%C0%AF/status', 400],
      [`/api/v1/passports/${'a'.repeat(3001)}`, 414],
    ] as const) {
      const res = await get(url)
      expectClientError(res, status)
      expect(res.body).not.toContain('aaaaaaaaaa')
      expect(res.body).not.toContain('%ZZ')
    }
    // Longer than any id publish accepts, within the parameter limit: a schema error.
    expectClientError(await get(`/api/v1/passports/${'a'.repeat(1001)}`))
  })
})

describe('status list uploads', () => {
  it('never replaces a list with an older one, even when the uploads race', async () => {
    const listId = 'race-list'
    const url = `/api/v1/status-lists/${listId}`
    const put = (token: string) =>
      signedInject(t.app, { method: 'PUT', url, body: token, signer: issuer })
    expect((await put(await statusListToken(issuer, [], NOW, listId))).statusCode).toBe(200)
    for (let round = 1; round <= 5; round++) {
      const newer = await statusListToken(issuer, [round], NOW + round * 10, listId)
      const older = await statusListToken(issuer, [], NOW + round * 10 - 5, listId)
      const [a, b] = await Promise.all([put(newer), put(older)])
      expect(a.statusCode, a.body).toBe(200)
      expect([200, 409]).toContain(b.statusCode)
      expect((await get(url)).body, `round ${round}`).toBe(newer)
    }
  })
})

describe('status list clock', () => {
  it('refuses a token dated in the future (422), which would block every later upload', async () => {
    const listId = 'future-list'
    const url = `/api/v1/status-lists/${listId}`
    const put = (token: string) =>
      signedInject(t.app, { method: 'PUT', url, body: token, signer: issuer })
    const ahead = await put(await statusListToken(issuer, [], NOW + 3600, listId))
    expect(ahead.statusCode, ahead.body).toBe(422)
    expect(JSON.parse(ahead.body).message).toMatch(/iat .*ahead/)
    // A list signed now is still accepted (and a little clock skew too).
    expect((await put(await statusListToken(issuer, [], NOW + 30, listId))).statusCode).toBe(200)
    expect((await put(await statusListToken(issuer, [1], NOW + 31, listId))).statusCode).toBe(200)
  })
})
