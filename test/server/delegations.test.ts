/**
 * Delegations: an issuer key lets another key change the status of its passports; grants and
 * withdrawals are signed by the issuer, logged, and checked by the status route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHex } from '../../src/core/merkle/hash.js'
import { checkEntryInclusion } from '../../src/core/tlog/proof.js'
import { parseEntry } from '../../src/core/tlog/entry.js'
import { sha256 } from '../../src/node/sha256.js'
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
let issuerA: TestSigner
let issuerB: TestSigner
let desk: TestSigner
let stranger: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuerA = await makeSigner('EdDSA')
  issuerB = await makeSigner('ES256')
  desk = await makeSigner('ES256')
  stranger = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const logSize = () => t.store.logSize()

function publicJwk(s: TestSigner): Record<string, unknown> {
  const { kty, crv, x, y } = s.publicJwk
  return { kty, crv, x, ...(y !== undefined ? { y } : {}) }
}

function grant(issuer: TestSigner, body: unknown) {
  return signedInject(t.app, { method: 'POST', url: '/api/v1/delegations', body, signer: issuer })
}

function withdraw(signer: TestSigner, id: string) {
  return signedInject(t.app, {
    method: 'DELETE',
    url: `/api/v1/delegations/${encodeURIComponent(id)}`,
    body: undefined,
    signer,
  })
}

function setStatus(signer: TestSigner, passportId: string, status: string) {
  return signedInject(t.app, {
    method: 'POST',
    url: `/api/v1/passports/${encodeURIComponent(passportId)}/status`,
    body: { status },
    signer,
  })
}

async function statusOf(passportId: string): Promise<Record<string, unknown>> {
  return (await t.app.inject(`/api/v1/passports/${encodeURIComponent(passportId)}`)).json()
}

async function published(issuer: TestSigner): Promise<string> {
  const p = await makePassport(issuer)
  expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
  return p.id
}

/** Checks entry `index` against the registry's current tree with a served inclusion proof. */
async function expectIncluded(index: number): Promise<Record<string, unknown>> {
  const size = await logSize()
  const [entry] = (await t.app.inject(`/api/v1/log/entries?start=${index}&end=${index + 1}`)).json()
    .entries as { payload: string; leafHash: string }[]
  const parsed = parseEntry(entry!.payload)
  expect(parsed.ok).toBe(true)
  const proof = (
    await t.app.inject(`/api/v1/log/proof/inclusion?index=${index}&size=${size}`)
  ).json()
  const check = checkEntryInclusion(
    { size, rootHash: t.registry.root(size) },
    index,
    fromHex(entry!.leafHash)!,
    proof,
    sha256,
  )
  expect(check).toEqual({ ok: true })
  return parsed.ok ? (parsed.entry as unknown as Record<string, unknown>) : {}
}

describe('delegations', () => {
  it('lets a delegate revoke; logs the grant; records the delegate as byKid', async () => {
    const passportId = await published(issuerA)
    const before = await logSize()
    const res = await grant(issuerA, { delegate: publicJwk(desk), scope: 'status', name: 'desk' })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({
      id: expect.stringMatching(/^urn:uuid:/),
      delegateKid: desk.kid,
      issuerKid: issuerA.kid,
      logIndex: before,
    })
    expect(await logSize()).toBe(before + 1)
    expect(await expectIncluded(before)).toEqual({
      v: 1,
      kind: 'delegation',
      id: body.id,
      issuerKid: issuerA.kid,
      delegateKid: desk.kid,
      scope: 'status',
      at: expect.any(String),
    })
    // The earlier entries still verify against the grown tree.
    await expectIncluded(0)

    const listed = (
      await t.app.inject(`/api/v1/delegations?issuerKid=${encodeURIComponent(issuerA.kid)}`)
    ).json()
    expect(listed.items).toEqual([
      expect.objectContaining({
        id: body.id,
        delegateKid: desk.kid,
        delegateJwk: { ...publicJwk(desk), kid: desk.kid, alg: 'ES256', use: 'sig' },
        scope: 'status',
        name: 'desk',
        withdrawnAt: null,
        logIndex: before,
      }),
    ])

    const suspended = await setStatus(desk, passportId, 'suspended')
    expect(suspended.statusCode).toBe(200)
    expect(await statusOf(passportId)).toMatchObject({
      status: 'suspended',
      statusByKid: desk.kid,
    })
    const revoked = await setStatus(desk, passportId, 'revoked')
    expect(revoked.statusCode).toBe(200)
    expect(await statusOf(passportId)).toMatchObject({ status: 'revoked', statusByKid: desk.kid })
    expect(await expectIncluded(revoked.json().logIndex)).toMatchObject({
      kind: 'revocation',
      byKid: desk.kid,
    })
  })

  it('refuses a key without delegation, and a delegate of another issuer (403, no change)', async () => {
    const passportB = await published(issuerB)
    const passportA = await published(issuerA)
    const before = await logSize()
    // desk is a delegate of A only (previous test), not of B.
    for (const [signer, id] of [
      [desk, passportB],
      [stranger, passportA],
      [stranger, passportB],
    ] as const) {
      const res = await setStatus(signer, id, 'revoked')
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ERR_PASSPORT_REQUEST_FORBIDDEN')
      expect(res.json().message).toMatch(/delegat/)
      expect(await statusOf(id)).toMatchObject({ status: 'valid', statusByKid: null })
    }
    expect(await logSize()).toBe(before)
  })

  it('withdraws only when the issuer asks; the delegate is refused afterwards', async () => {
    const passportId = await published(issuerB)
    const granted = await grant(issuerB, { delegate: publicJwk(desk), scope: 'status' })
    expect(granted.statusCode).toBe(201)
    const id = granted.json().id as string
    expect((await setStatus(desk, passportId, 'suspended')).statusCode).toBe(200)

    const before = await logSize()
    for (const signer of [desk, stranger, issuerA]) {
      const res = await withdraw(signer, id)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ERR_PASSPORT_REQUEST_FORBIDDEN')
    }
    expect((await withdraw(issuerB, 'urn:uuid:nope')).statusCode).toBe(404)
    expect((await withdraw(issuerB, id)).statusCode).toBe(200)
    expect(await logSize()).toBe(before + 1)
    expect(await expectIncluded(before)).toEqual({
      v: 1,
      kind: 'delegation-withdrawal',
      id,
      issuerKid: issuerB.kid,
      delegateKid: desk.kid,
      at: expect.any(String),
    })
    expect((await withdraw(issuerB, id)).statusCode).toBe(409)
    expect(await logSize()).toBe(before + 1)

    const refused = await setStatus(desk, passportId, 'valid')
    expect(refused.statusCode).toBe(403)
    expect(await statusOf(passportId)).toMatchObject({ status: 'suspended' })
    // The issuer itself still may.
    expect((await setStatus(issuerB, passportId, 'valid')).statusCode).toBe(200)
    const one = (await t.app.inject(`/api/v1/delegations/${encodeURIComponent(id)}`)).json()
    expect(one).toMatchObject({ id, withdrawnAt: expect.any(String), withdrawalLogIndex: before })

    // Withdrawn, it may be granted again.
    expect((await grant(issuerB, { delegate: publicJwk(desk), scope: 'status' })).statusCode).toBe(
      201,
    )
  })

  it('refuses malformed grants with 400/422, duplicates with 409, and stores nothing', async () => {
    const before = await logSize()
    const listBefore = (
      await t.app.inject(`/api/v1/delegations?issuerKid=${encodeURIComponent(stranger.kid)}`)
    ).json().items
    const cases: [unknown, number, RegExp][] = [
      [{ delegate: desk.privateJwk, scope: 'status' }, 422, /private key member/],
      [{ delegate: { ...publicJwk(desk), d: 'AAAA' }, scope: 'status' }, 422, /"d"/],
      [{ delegate: publicJwk(desk), scope: 'publish' }, 400, /scope/],
      [{ delegate: publicJwk(desk) }, 400, /scope/],
      [{ delegate: publicJwk(stranger), scope: 'status' }, 400, /itself/],
      [{ delegate: { kty: 'oct', k: 'c2VjcmV0' }, scope: 'status' }, 422, /symmetric/],
      [{ delegate: { kty: 'OKP', crv: 'Ed25519', x: 'short' }, scope: 'status' }, 422, /./],
      [{ delegate: publicJwk(desk), scope: 'status', extra: 1 }, 400, /additional/],
      [{ delegate: 'not a key', scope: 'status' }, 400, /object/],
    ]
    for (const [body, status, message] of cases) {
      const res = await grant(stranger, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(status)
      expect(res.json().message).toMatch(message)
    }
    const unsigned = await signedInject(t.app, {
      method: 'POST',
      url: '/api/v1/delegations',
      body: { delegate: publicJwk(desk), scope: 'status' },
    })
    expect(unsigned.statusCode).toBe(401)
    expect(await logSize()).toBe(before)
    const listAfter = (
      await t.app.inject(`/api/v1/delegations?issuerKid=${encodeURIComponent(stranger.kid)}`)
    ).json().items
    expect(listAfter).toEqual(listBefore)

    expect((await grant(stranger, { delegate: publicJwk(desk), scope: 'status' })).statusCode).toBe(
      201,
    )
    const dup = await grant(stranger, { delegate: publicJwk(desk), scope: 'status' })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('ERR_STORE_CONFLICT')
    expect(await logSize()).toBe(before + 1)
    expect((await t.app.inject('/api/v1/delegations')).statusCode).toBe(400)
  })

  it('refuses a duplicate grant in the store too (concurrent grants): one wins, one 409', async () => {
    const issuer = await makeSigner('EdDSA')
    const before = await logSize()
    const results = await Promise.all([
      grant(issuer, { delegate: publicJwk(desk), scope: 'status' }),
      grant(issuer, { delegate: publicJwk(desk), scope: 'status' }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
    expect(await logSize()).toBe(before + 1)
  })
})
