/**
 * A signed request names the registry it is meant for (`aud`, src/server/signed-request.ts), so
 * a request signed for registry A cannot be replayed at registry B: another operator, another
 * database, whose replay guard has never seen the request id. Both registries here have the same
 * log origin (the test default, as every `accord serve` without --origin shares
 * `accord.local/registry`) and different log keys: the audience tells them apart all the same.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishToRegistry } from '../../src/cli/commands/publish.js'
import { generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { openPgliteStore, MEMORY, type SqlStore } from '../../src/node/store/index.js'
import { sha256Hex, signRequest } from '../../src/server/signed-request.js'
import { signJws } from '../fixtures/passport/forge.js'
import {
  NOW,
  appOn,
  makePassport,
  makeSigner,
  publish,
  type AppOnStore,
  type TestSigner,
} from './helpers.js'

interface Registry {
  served: AppOnStore
  store: SqlStore
  /** The audience requests signed for this registry carry, as the registry states it. */
  audience: string
}

let a: Registry
let b: Registry
let issuer: TestSigner
let desk: TestSigner

async function open(): Promise<Registry> {
  const store = await openPgliteStore(MEMORY)
  await store.migrate()
  const served = await appOn(store, await makeSigner('EdDSA'))
  return { served, store, audience: served.registry.verifierKey }
}

beforeAll(async () => {
  ;[a, b] = [await open(), await open()]
  issuer = await makeSigner('EdDSA')
  desk = await makeSigner('ES256')
}, 60_000)
afterAll(async () => {
  for (const r of [a, b]) {
    await r.served.close()
    await r.store.close()
  }
})

/** A signed request for `audience`, as it goes over the wire, to send again byte for byte. */
async function signedFor(
  audience: string,
  method: 'POST' | 'PUT',
  url: string,
  body: unknown,
): Promise<InjectOptions> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return {
    method,
    url,
    headers: {
      authorization: await signRequest(issuer, {
        audience,
        method,
        path: url,
        body: text,
        nowSeconds: NOW,
      }),
      'content-type': 'application/json',
    },
    payload: text,
  }
}

const statusUrl = (id: string) => `/api/v1/passports/${encodeURIComponent(id)}/status`

async function statusOf(app: FastifyInstance, id: string): Promise<string> {
  return (await app.inject(`/api/v1/passports/${encodeURIComponent(id)}`)).json().status as string
}

/** A passport the issuer published at both registries, each request signed for its registry. */
async function publishedAtBoth(idx: number): Promise<string> {
  const p = await makePassport(issuer, idx)
  for (const r of [a, b])
    expect(
      (await publish(r.served.app, issuer, p.token, { audience: r.audience })).statusCode,
    ).toBe(201)
  return p.id
}

function expectWrongAudience(res: { statusCode: number; json(): unknown }, message: RegExp) {
  expect(res.statusCode).toBe(401)
  expect(res.json()).toEqual({
    code: 'ERR_PASSPORT_REQUEST_WRONG_AUDIENCE',
    message: expect.stringMatching(message) as unknown,
  })
}

describe('GET /api/v1/registry', () => {
  it("names the registry's audience: its log verifier key, different for two logs of one origin", async () => {
    for (const r of [a, b]) {
      const res = await r.served.app.inject('/api/v1/registry')
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({
        audience: r.served.registry.verifierKey,
        logOrigin: 'test.example/accord/log',
        logVerifierKey: r.served.registry.verifierKey,
      })
    }
    expect(a.served.registry.origin).toBe(b.served.registry.origin)
    expect(a.audience).not.toBe(b.audience)
  })
})

describe('a request signed for registry A, replayed at registry B', () => {
  it('a revocation is refused at B (ERR_PASSPORT_REQUEST_WRONG_AUDIENCE) and changes nothing there', async () => {
    const id = await publishedAtBoth(1)
    const revoke = await signedFor(a.audience, 'POST', statusUrl(id), {
      status: 'revoked',
      reason: 'meant for registry A only',
    })
    expect((await a.served.app.inject(revoke)).statusCode).toBe(200)
    expect(await statusOf(a.served.app, id)).toBe('revoked')

    const size = await b.store.logSize()
    expectWrongAudience(await b.served.app.inject(revoke), /signed for another registry/)
    expect(await statusOf(b.served.app, id)).toBe('valid')
    expect(await b.store.logSize()).toBe(size)

    // The issuer's own request for B is accepted: B refused the registry, not the issuer.
    const forB = await signedFor(b.audience, 'POST', statusUrl(id), { status: 'suspended' })
    expect((await b.served.app.inject(forB)).statusCode).toBe(200)
  })

  it('a delegation grant is refused at B and grants nothing there', async () => {
    const { kty, crv, x, y } = desk.publicJwk
    const grant = await signedFor(a.audience, 'POST', '/api/v1/delegations', {
      delegate: { kty, crv, x, y },
      scope: 'status',
    })
    expect((await a.served.app.inject(grant)).statusCode).toBe(201)

    const size = await b.store.logSize()
    expectWrongAudience(await b.served.app.inject(grant), /signed for another registry/)
    const listed = await b.served.app.inject(
      `/api/v1/delegations?issuerKid=${encodeURIComponent(issuer.kid)}`,
    )
    expect(listed.json()).toEqual({ items: [] })
    expect(await b.store.logSize()).toBe(size)
  })
})

describe('a signed request without aud', () => {
  it('is refused (ERR_PASSPORT_REQUEST_WRONG_AUDIENCE) and publishes nothing', async () => {
    const p = await makePassport(issuer, 3)
    const body = JSON.stringify({ passport: p.token })
    const { kty, crv, x } = issuer.publicJwk
    // Signed as before `aud` existed: { htm, htu, iat, jti, body_sha256 }.
    const jws = await signJws(
      { alg: 'EdDSA', typ: 'accord-request+jwt', kid: issuer.kid, jwk: { kty, crv, x } },
      {
        htm: 'POST',
        htu: '/api/v1/passports',
        iat: NOW,
        jti: 'no-audience-0001',
        body_sha256: sha256Hex(body),
      },
      issuer,
    )
    const size = await a.store.logSize()
    const res = await a.served.app.inject({
      method: 'POST',
      url: '/api/v1/passports',
      headers: { authorization: `Accord-Signature ${jws}`, 'content-type': 'application/json' },
      payload: body,
    })
    expectWrongAudience(res, /no "aud".*GET \/api\/v1\/registry/)
    expect(await a.store.getPassport(p.id)).toBeNull()
    expect(await a.store.logSize()).toBe(size)
  })
})

describe('accord publish and a registry that does not name its audience', () => {
  it('stops before sending the passport, saying the registry is too old', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'accord-audience-'))
    try {
      const { privatePath } = await writeKeyPair(dir, 'issuer', await generateKeyPair())
      const asked: string[] = []
      const oldRegistry: typeof fetch = async (input, init) => {
        asked.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`)
        return new Response('{"code":"ERR_CONFIG_BAD_REQUEST","message":"no route"}', {
          status: 404,
        })
      }
      await expect(
        publishToRegistry({
          registry: 'http://registry.invalid/eu',
          passport: 'x',
          keyPath: privatePath,
          nowSeconds: NOW,
          fetch: oldRegistry,
        }),
      ).rejects.toMatchObject({
        code: 'ERR_TLOG_UNAVAILABLE',
        message: expect.stringMatching(/\/eu\/api\/v1\/registry answered 404.*too old/) as unknown,
      })
      expect(asked).toEqual(['GET /eu/api/v1/registry'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
