import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildEndorsementClaims,
  passportDigestInput,
  signEndorsement,
} from '../../src/core/passport/endorse.js'
import { parsePolicy } from '../../src/core/policy/parse.js'
import { verifyPassport } from '../../src/node/passport.js'
import { sha256Hex, signRequest } from '../../src/server/signed-request.js'
import { issuedExample } from '../cli/helpers.js'
import { flipChar } from '../fixtures/passport/forge.js'
import {
  LIST_ID,
  NOW,
  audienceOf,
  inlinePolicy,
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

const logSize = () => t.store.logSize()

describe('POST /api/v1/passports/batch', () => {
  const url = '/api/v1/passports/batch'
  const batch = (signer: TestSigner, passports: string[], extra = {}) =>
    signedInject(t.app, { method: 'POST', url, body: { passports }, signer, ...extra })

  it('publishes every passport in one commit: 201 with ids and consecutive log indexes', async () => {
    const ps = await Promise.all([1, 2, 3].map((i) => makePassport(issuer, i)))
    const before = await logSize()
    const res = await batch(
      issuer,
      ps.map((p) => p.token),
    )
    expect(res.statusCode, res.body).toBe(201)
    const { items } = JSON.parse(res.body) as { items: { id: string; logIndex: number }[] }
    expect(items.map((i) => i.id)).toEqual(ps.map((p) => p.id))
    expect(items.map((i) => i.logIndex)).toEqual([before, before + 1, before + 2])
    expect(await logSize()).toBe(before + 3)
    for (const p of ps) expect((await t.store.getPassport(p.id))?.token).toBe(p.token)
  })

  it('publishes nothing when one passport fails, and names it', async () => {
    const [a, b] = await Promise.all([makePassport(issuer, 4), makePassport(issuer, 5)])
    const jwtEnd = b.token.indexOf('~')
    const before = await logSize()
    const bad = await batch(issuer, [a.token, flipChar(b.token, jwtEnd - 5)])
    expect(bad.statusCode).toBe(422)
    expect(JSON.parse(bad.body).message).toMatch(/^passports\[1\]: .*nothing was published$/)
    const foreign = await makePassport(other, 6)
    const forbidden = await batch(issuer, [a.token, foreign.token])
    expect(forbidden.statusCode).toBe(403)
    expect(JSON.parse(forbidden.body).message).toMatch(/^passports\[1\]: /)
    const twice = await batch(issuer, [a.token, a.token])
    expect(twice.statusCode).toBe(409)
    expect(await logSize()).toBe(before)
    expect(await t.store.getPassport(a.id)).toBeNull()
    // One already published: the whole batch is refused (409), the other is not published.
    expect((await publish(t.app, issuer, b.token)).statusCode).toBe(201)
    const again = await batch(issuer, [a.token, b.token])
    expect(again.statusCode).toBe(409)
    expect(await t.store.getPassport(a.id)).toBeNull()
  })

  it('refuses unsigned, empty and oversized batches without changing anything', async () => {
    const p = await makePassport(issuer, 7)
    const before = await logSize()
    expect(
      (await t.app.inject({ method: 'POST', url, payload: { passports: [p.token] } })).statusCode,
    ).toBe(401)
    expect((await batch(issuer, [])).statusCode).toBe(400)
    expect((await batch(issuer, new Array(101).fill(p.token))).statusCode).toBe(400)
    expect((await batch(issuer, [p.token], { signedBody: '{}' })).statusCode).toBe(401)
    expect(await logSize()).toBe(before)
  })
})

describe('POST /api/v1/passports', () => {
  it('publishes a passport signed by the request key: 201, stored with its log index', async () => {
    const p = await makePassport(issuer)
    const before = await logSize()
    const res = await publish(t.app, issuer, p.token)
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({ id: p.id, logIndex: before })
    expect(res.headers.location).toBe(`/api/v1/passports/${encodeURIComponent(p.id)}`)
    expect(await logSize()).toBe(before + 1)

    const got = await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)
    expect(got.statusCode).toBe(200)
    expect(got.json()).toMatchObject({
      id: p.id,
      kid: issuer.kid,
      token: p.token,
      status: 'valid',
      logIndex: before,
      systemName: 'Kestrel Lattice',
      providerName: 'Kestrel Ridge Analytics Ltd.',
    })
    const entries = await t.app.inject(`/api/v1/log/entries?start=${before}&end=${before + 1}`)
    expect(entries.json().entries[0]).toMatchObject({ index: before, kind: 'passport' })
    expect(entries.json().entries[0].payload).toContain(p.id)
  })

  it('refuses bad requests with the right status and changes nothing', async () => {
    const p = await makePassport(issuer)
    const before = await logSize()
    const expectRefused = async (
      res: { statusCode: number; json: () => { code: string; reason?: string } },
      status: number,
      code: string,
    ) => {
      expect(res.statusCode).toBe(status)
      expect(res.json().code).toBe(code)
    }
    const url = '/api/v1/passports'
    // no signature
    await expectRefused(
      await signedInject(t.app, { method: 'POST', url, body: { passport: p.token } }),
      401,
      'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
    )
    // signed by another key than the passport's
    await expectRefused(await publish(t.app, other, p.token), 403, 'ERR_PASSPORT_REQUEST_FORBIDDEN')
    // stale and future iat
    await expectRefused(
      await publish(t.app, issuer, p.token, { iat: NOW - 301 }),
      401,
      'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
    )
    await expectRefused(
      await publish(t.app, issuer, p.token, { iat: NOW + 120 }),
      401,
      'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
    )
    // body hash mismatch: the signature covers another body
    await expectRefused(
      await publish(t.app, issuer, p.token, {
        signedBody: JSON.stringify({ passport: p.token + ' ' }),
      }),
      401,
      'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
    )
    // a signature for another method and path
    const elsewhere = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        authorization: await signRequest(issuer, {
          audience: await audienceOf(t.app),
          method: 'PUT',
          path: '/api/v1/status-lists/x',
          body: JSON.stringify({ passport: p.token }),
          nowSeconds: NOW,
        }),
      },
      payload: JSON.stringify({ passport: p.token }),
    })
    await expectRefused(elsewhere, 401, 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED')
    // a JWS that is not ours at all
    const garbage = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: 'Accord-Signature a.b.c' },
      payload: JSON.stringify({ passport: p.token }),
    })
    await expectRefused(garbage, 401, 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED')
    // oversize body
    await expectRefused(
      await publish(t.app, issuer, p.token + 'A'.repeat(300 * 1024)),
      413,
      'ERR_CONFIG_REQUEST_TOO_LARGE',
    )
    // malformed JSON
    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: '{"passport": ',
    })
    await expectRefused(bad, 400, 'ERR_CONFIG_BAD_REQUEST')
    // schema: no passport member
    await expectRefused(
      await signedInject(t.app, { method: 'POST', url, body: { token: p.token }, signer: issuer }),
      400,
      'ERR_CONFIG_BAD_REQUEST',
    )
    // invalid passport: its signature is broken
    const jwtEnd = p.token.indexOf('~')
    const broken = await publish(t.app, issuer, flipChar(p.token, jwtEnd - 5))
    await expectRefused(broken, 422, 'ERR_PASSPORT_REJECTED')
    expect(broken.json().reason).toBe('signature-invalid')
    expect(await logSize()).toBe(before)
    expect((await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)).statusCode).toBe(
      404,
    )
  })

  it('refuses a replayed jti (401) and a duplicate passport (409)', async () => {
    const p1 = await makePassport(issuer)
    const p2 = await makePassport(issuer)
    const jti = 'nonce-0123456789abcdef'
    expect((await publish(t.app, issuer, p1.token, { jti })).statusCode).toBe(201)
    const before = await logSize()
    const replay = await publish(t.app, issuer, p2.token, { jti })
    expect(replay.statusCode).toBe(401)
    expect(replay.json().message).toMatch(/replayed/)
    const dup = await publish(t.app, issuer, p1.token)
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('ERR_STORE_CONFLICT')
    expect(await logSize()).toBe(before)
  })

  it('acknowledges 200 concurrent publishes, each exactly once in the log', async () => {
    const signer = await makeSigner('EdDSA')
    const passports = await Promise.all(
      Array.from({ length: 200 }, (_, i) => makePassport(signer, i)),
    )
    const before = await logSize()
    const results = await Promise.all(passports.map((p) => publish(t.app, signer, p.token)))
    expect(results.map((r) => r.statusCode)).toEqual(passports.map(() => 201))
    const indexes = results.map((r) => r.json().logIndex as number).sort((a, b) => a - b)
    expect(indexes).toEqual(Array.from({ length: 200 }, (_, i) => before + i))
    expect(await logSize()).toBe(before + 200)
    const entries = (
      await t.app.inject(`/api/v1/log/entries?start=${before}&end=${before + 200}`)
    ).json().entries as { payload: string }[]
    for (const p of passports)
      expect(entries.filter((e) => e.payload.includes(p.id))).toHaveLength(1)
  }, 60_000)
})

describe('status changes and status lists', () => {
  it('lets only the issuer revoke; the uploaded list then makes verify report revoked', async () => {
    const p = await makePassport(issuer, 3)
    expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
    const url = `/api/v1/passports/${encodeURIComponent(p.id)}/status`
    const before = await logSize()

    const forbidden = await signedInject(t.app, {
      method: 'POST',
      url,
      body: { status: 'revoked' },
      signer: other,
    })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json().code).toBe('ERR_PASSPORT_REQUEST_FORBIDDEN')
    expect(await logSize()).toBe(before)
    const unsigned = await signedInject(t.app, { method: 'POST', url, body: { status: 'revoked' } })
    expect(unsigned.statusCode).toBe(401)
    const stored = await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)
    expect(stored.json().status).toBe('valid')

    const revoked = await signedInject(t.app, {
      method: 'POST',
      url,
      // Not ASCII: the body is decoded as UTF-8 (an ASCII body takes a Latin-1 fast path).
      body: { status: 'revoked', reason: 'key compromise — clé révoquée' },
      signer: issuer,
    })
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json()).toEqual({ id: p.id, status: 'revoked', logIndex: before })
    expect(await logSize()).toBe(before + 1)
    const after = (await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)).json()
    expect(after).toMatchObject({
      status: 'revoked',
      statusReason: 'key compromise — clé révoquée',
    })
    // Revocation is final.
    const again = await signedInject(t.app, {
      method: 'POST',
      url,
      body: { status: 'valid' },
      signer: issuer,
    })
    expect(again.statusCode).toBe(409)

    // Upload the issuer's list; another key may not replace it.
    const listUrl = `/api/v1/status-lists/${LIST_ID}`
    const list = await statusListToken(issuer, [3])
    const put = await signedInject(t.app, {
      method: 'PUT',
      url: listUrl,
      body: list,
      signer: issuer,
    })
    expect(put.statusCode).toBe(200)
    const hijack = await signedInject(t.app, {
      method: 'PUT',
      url: listUrl,
      body: await statusListToken(other, []),
      signer: other,
    })
    expect(hijack.statusCode).toBe(403)
    // A list signed by another key than the request's.
    const mixed = await signedInject(t.app, {
      method: 'PUT',
      url: '/api/v1/status-lists/list-2',
      body: await statusListToken(other, [], NOW, 'list-2'),
      signer: issuer,
    })
    expect(mixed.statusCode).toBe(403)
    // An older list may not replace a newer one.
    const older = await signedInject(t.app, {
      method: 'PUT',
      url: listUrl,
      body: await statusListToken(issuer, [], NOW - 100),
      signer: issuer,
    })
    expect(older.statusCode).toBe(409)

    const served = await t.app.inject(listUrl)
    expect(served.statusCode).toBe(200)
    expect(served.headers['content-type']).toMatch(/^application\/statuslist\+jwt/)
    expect(served.body).toBe(list)

    // Over the network, as `accord verify --status-list URL` does.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const policy = parsePolicy(inlinePolicy(issuer, 'test'), 'policy.yaml')
    if (!policy.ok) throw new Error(JSON.stringify(policy.issues))
    const result = await verifyPassport(p.token, {
      policy: policy.policy,
      trustedIssuerKeys: [{ kid: issuer.kid, jwk: issuer.publicJwk }],
      trustedAssessorKeys: [],
      nowSeconds: NOW,
      statusList: `${address}${listUrl}`,
    })
    expect(result.verdict).toBe('rejected')
    expect(result.checks.find((c) => c.check === 'status')).toMatchObject({
      outcome: 'fail',
      reason: 'revoked',
    })
  })
})

describe('reads', () => {
  it('searches by provider, system, jurisdiction, category and status, with paging', async () => {
    const s = await startApp()
    try {
      const k = await makeSigner()
      const a = await makePassport(k, 0, 'police-analytics')
      const b = await makePassport(k, 1, 'public-chatbot')
      for (const p of [a, b]) expect((await publish(s.app, k, p.token)).statusCode).toBe(201)
      const ids = async (q: string) =>
        ((await s.app.inject(`/api/v1/passports?${q}`)).json().items as { id: string }[]).map(
          (i) => i.id,
        )
      expect(await ids('provider=kestrel')).toEqual([a.id])
      expect(await ids('system=harbourline')).toEqual([b.id])
      expect(await ids('jurisdiction=eu-ai-act&category=high-risk')).toEqual([a.id])
      expect((await ids('status=valid')).sort()).toEqual([a.id, b.id].sort())
      expect(await ids('status=revoked')).toEqual([])
      const page1 = (await s.app.inject('/api/v1/passports?limit=1')).json()
      expect(page1.items).toHaveLength(1)
      expect(page1.items[0].token).toBeUndefined()
      const page2 = (
        await s.app.inject(
          `/api/v1/passports?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`,
        )
      ).json()
      expect([page1.items[0].id, page2.items[0].id].sort()).toEqual([a.id, b.id].sort())
      const bad = await s.app.inject('/api/v1/passports?limit=0')
      expect(bad.statusCode).toBe(400)
      expect(bad.json().code).toBe('ERR_CONFIG_BAD_REQUEST')
      const stored = (await s.app.inject(`/api/v1/passports/${encodeURIComponent(a.id)}`)).json()
      const bySystem = (
        await s.app.inject(`/api/v1/systems/${encodeURIComponent(stored.subjectId)}/passports`)
      ).json()
      expect(bySystem.items.map((i: { id: string }) => i.id)).toEqual([a.id])
    } finally {
      await s.close()
    }
  }, 60_000)

  it('serves the log: checkpoint, inclusion proof and entries', async () => {
    const cp = await t.app.inject('/api/v1/log/checkpoint')
    expect(cp.statusCode).toBe(200)
    expect(cp.headers['content-type']).toMatch(/^text\/plain/)
    expect(cp.body.split('\n')[0]).toBe('test.example/accord/log')
    const size = Number(cp.body.split('\n')[1])
    expect(size).toBe(await logSize())
    const proof = await t.app.inject(`/api/v1/log/proof/inclusion?index=0&size=${size}`)
    expect(proof.statusCode).toBe(200)
    expect(proof.json().hashes.length).toBeGreaterThan(0)
    const bad = await t.app.inject(`/api/v1/log/proof/inclusion?index=${size}&size=${size}`)
    expect(bad.statusCode).toBe(400)
    const cons = await t.app.inject(`/api/v1/log/proof/consistency?from=1&to=${size}`)
    expect(cons.statusCode).toBe(200)
  })

  it('answers health and readiness probes', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await t.app.inject('/readyz')
    expect(ready.statusCode).toBe(200)
    expect(ready.json().status).toBe('ready')
  })

  it('publishes an OpenAPI document listing every route', async () => {
    const res = await t.app.inject('/openapi.json')
    expect(res.statusCode).toBe(200)
    const doc = JSON.parse(res.body)
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/delegations',
        '/api/v1/delegations/{id}',
        '/api/v1/log/checkpoint',
        '/api/v1/log/entries',
        '/api/v1/log/events',
        '/api/v1/log/proof/consistency',
        '/api/v1/log/proof/inclusion',
        '/api/v1/partners',
        '/api/v1/passports',
        '/api/v1/passports/batch',
        '/api/v1/passports/{id}',
        '/api/v1/passports/{id}/changes',
        '/api/v1/passports/{id}/endorsements',
        '/api/v1/passports/{id}/incidents',
        '/api/v1/passports/{id}/evaluations',
        '/api/v1/incidents',
        '/api/v1/evaluations',
        '/api/v1/passports/{id}/status',
        '/api/v1/registry',
        '/api/v1/status-lists/{listId}',
        '/api/v1/systems/{subjectId}/passports',
        '/api/v1/ui/passports/{id}',
        '/api/v1/ui/policies',
        '/api/v1/verify',
        '/api/v1/verify/report',
        '/api/v1/policies/explain',
        '/feeds/incidents.atom',
        '/feeds/passports.atom',
        '/feeds/evaluations.atom',
        '/feeds/revocations.atom',
        '/healthz',
        '/readyz',
      ].sort(),
    )
    expect(doc.paths['/api/v1/passports'].post.responses['201']).toBeDefined()
    for (const [feed, tag] of [
      ['/api/v1/incidents', 'incidents'],
      ['/api/v1/evaluations', 'evaluations'],
    ] as const) {
      const get = doc.paths[feed].get
      expect(get.tags, feed).toEqual([tag])
      expect(
        get.parameters.map((q: { in: string; name: string }) => `${q.in} ${q.name}`),
        feed,
      ).toEqual(['query order', 'query after', 'query before', 'query limit'])
      expect(Object.keys(get.responses).sort(), feed).toEqual(['200', '400'])
    }
    for (const feed of ['incidents', 'evaluations', 'revocations']) {
      const get = doc.paths[`/feeds/${feed}.atom`].get
      expect(get.tags, feed).toEqual(['feeds'])
      expect(Object.keys(get.responses['200'].content), feed).toEqual(['application/atom+xml'])
      expect(Object.keys(get.responses['400'].content), feed).toEqual(['application/json'])
      expect(
        get.parameters.map((q: { name: string }) => q.name),
        feed,
      ).toEqual(['limit'])
    }
    const events = doc.paths['/api/v1/log/events'].get
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream'])
    expect(events.responses['503']).toBeDefined()
    expect(events.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'last-event-id' }),
    )
    expect(doc.components.securitySchemes.accordSignature.description).toMatch(
      /\{aud, htm, htu, iat, jti, body_sha256\}.*GET \/api\/v1\/registry/,
    )
  })
})

describe('endorsements', () => {
  it('records a valid endorsement and refuses one whose jwk is not its key', async () => {
    const p = await makePassport(issuer)
    expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
    const assessor = await makeSigner('ES256')
    const claims = buildEndorsementClaims({
      passportDigest: sha256Hex(passportDigestInput(p.token)),
      passportJti: p.id,
      passportIssuer: 'https://vendor.example/accord',
      subjectId: (await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)).json()
        .subjectId,
      endorser: { id: 'https://assessor.example', name: 'Assessor', kind: 'third-party' },
      checked: ['eu-ai-act:art-15'],
      statement: 'Reviewed robustness testing.',
      issuedAt: NOW - 10,
      validForDays: 30,
      id: 'urn:uuid:8b1c0a6e-1111-4c8e-9a0f-1b2c3d4e5f60',
    })
    const token = await signEndorsement(claims, assessor)
    const url = `/api/v1/passports/${encodeURIComponent(p.id)}/endorsements`
    const before = await logSize()
    const wrongKey = await t.app.inject({
      method: 'POST',
      url,
      payload: { endorsement: token, jwk: other.publicJwk },
    })
    expect(wrongKey.statusCode).toBe(422)
    expect(wrongKey.json().reason).toBe('endorsement-invalid')
    const ok = await t.app.inject({
      method: 'POST',
      url,
      payload: { endorsement: token, jwk: assessor.publicJwk },
    })
    expect(ok.statusCode).toBe(201)
    expect(ok.json()).toEqual({ id: claims.jti, logIndex: before })
    const list = (await t.app.inject(url)).json()
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({ endorserKid: assessor.kid, token })
    const dup = await t.app.inject({
      method: 'POST',
      url,
      payload: { endorsement: token, jwk: assessor.publicJwk },
    })
    expect(dup.statusCode).toBe(409)
  })
})

describe('POST /api/v1/verify', () => {
  it('verifies a passport against a policy with inline keys', async () => {
    const p = await makePassport(issuer, 5)
    const policy = inlinePolicy(issuer, 'test')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: p.token, policy, statusList: await statusListToken(issuer, [5]) },
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.checks.find((c: { check: string }) => c.check === 'signature').outcome).toBe('pass')
    expect(body.checks.find((c: { check: string }) => c.check === 'status').reason).toBe('revoked')
    expect(body.verdict).toBe('rejected')
    const untrusted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: (await makePassport(other)).token, policy },
    })
    expect(untrusted.json().verdict).toBe('rejected')
    const fileKeys = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: p.token, policy: policy.replace(/jwk: .*/, 'jwks: /etc/passwd') },
    })
    expect(fileKeys.statusCode).toBe(422)
    expect(fileKeys.json().code).toBe('ERR_CONFIG_POLICY_INVALID')
    // A misspelt obligation id is refused like in `accord verify`, not a rule that never holds.
    const typo = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: p.token, policy: `${policy}\n  obligationsMet: [eu-ai-act:art-122]` },
    })
    expect(typo.statusCode).toBe(422)
    expect(typo.json().code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(typo.json().message).toContain('eu-ai-act:art-122 is not in the eu-ai-act catalog')
  })

  it('answers the policy warnings of `accord policy check` as policyWarnings; the verdict is unchanged', async () => {
    const p = await makePassport(issuer, 6)
    const policy = inlinePolicy(issuer, 'test-warnings')
    const verify = async (text: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: { passport: p.token, policy: text },
      })
      expect(res.statusCode, res.body).toBe(200)
      return res.json()
    }
    const plain = await verify(policy)
    expect(plain.policyWarnings).toEqual([])
    // An obligation listed twice: valid, with one warning placed in the text sent ("policy").
    const twice = await verify(`${policy}\n  obligationsMet: [eu-ai-act:art-14, eu-ai-act:art-14]`)
    expect(twice.verdict).toBe(plain.verdict)
    expect(twice.policyWarnings).toEqual([
      expect.objectContaining({
        code: 'duplicate_obligation',
        path: ['requirements', 'obligationsMet', 1],
        file: 'policy',
        line: 10,
        message: 'eu-ai-act:art-14 is listed twice in obligationsMet',
        hint: 'remove the second entry',
      }),
    ])
    // Asked again (the parsed policy is kept): the same warnings.
    expect(
      (await verify(`${policy}\n  obligationsMet: [eu-ai-act:art-14, eu-ai-act:art-14]`))
        .policyWarnings,
    ).toEqual(twice.policyWarnings)
  })

  it('says the Art. 111 status the passport carries (legacy), as accord verify --json does', async () => {
    // Issued at the registry's clock (NOW), so it is valid when the registry verifies it.
    const f = await issuedExample('border-biometrics', ['issuer'], NOW)
    const jwk = readFileSync(f('keys', 'issuer.public.jwk.json'), 'utf8')
    const policy = inlinePolicy({ publicJwk: JSON.parse(jwk) } as TestSigner, 'legacy')
    const verify = async (passport: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: { passport, policy },
      })
      expect(res.statusCode, res.body).toBe(200)
      return res.json()
    }
    const body = await verify(readFileSync(f('passport.sd-jwt'), 'utf8').trim())
    expect(body.legacy).toEqual([
      expect.objectContaining({
        jurisdiction: 'eu-ai-act',
        claim: 'classification.eu-ai-act.legacy.highRisk',
        status: expect.objectContaining({
          placedOnMarket: '2026-11-02',
          appliesFrom: '2030-08-02',
        }),
      }),
    ])
    expect(body.legacy[0].sentence).toMatch(
      /^Art\. 111\(2\): placed on the market on 2026-11-02, .* apply from 2030-08-02/,
    )
    // Asked again (the verifier remembers the passport): the same answer.
    expect((await verify(readFileSync(f('passport.sd-jwt'), 'utf8').trim())).legacy).toEqual(
      body.legacy,
    )
    // A passport without the member has an empty list, as one that is not a passport at all.
    expect((await verify((await makePassport(issuer, 31)).token)).legacy).toEqual([])
    expect((await verify('not-a-passport')).legacy).toEqual([])
  }, 60_000)

  it('answers a passport verified again (remembered) exactly as the first time, status included', async () => {
    const p = await makePassport(issuer, 9)
    const policy = inlinePolicy(issuer, 'test-again')
    const valid = await statusListToken(issuer, [])
    const verify = (statusList: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/verify',
        payload: { passport: p.token, policy, statusList },
      })
    const first = await verify(valid)
    const second = await verify(valid)
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toMatch(/^application\/json/)
    expect(second.json()).toEqual(first.json())
    expect(first.json().checks.find((c: { check: string }) => c.check === 'status').reason).toBe(
      'ok',
    )
    // Revoked since: a new list gives the new answer for the same (remembered) passport.
    const revoked = await verify(await statusListToken(issuer, [9]))
    expect(revoked.json().verdict).toBe('rejected')
    expect(revoked.json().checks.find((c: { check: string }) => c.check === 'status').reason).toBe(
      'revoked',
    )
    // The claims in the response are the passport's, whole.
    expect(second.json().claims.jti).toBe(p.id)
  })
})

describe('limits and logs', () => {
  it('rate-limits per client with 429', async () => {
    const s = await startApp({ rateLimit: { max: 3 } })
    try {
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await s.app.inject('/api/v1/passports')).statusCode)
      expect(codes).toEqual([200, 200, 200, 429])
      const res = await s.app.inject('/api/v1/passports')
      expect(res.json().code).toBe('ERR_CONFIG_RATE_LIMITED')
      expect(res.headers['retry-after']).toBeDefined()
    } finally {
      await s.close()
    }
  }, 60_000)

  it('logs requests without the signature or the passport', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk))
        cb()
      },
    })
    const s = await startApp({ logger: { level: 'debug', stream } })
    try {
      const k = await makeSigner()
      const p = await makePassport(k)
      const res = await publish(s.app, k, p.token)
      expect(res.statusCode).toBe(201)
      const bad = await publish(s.app, k, p.token, { iat: NOW - 1000 })
      expect(bad.statusCode).toBe(401)
      const text = lines.join('')
      expect(text).toContain('published')
      expect(text).toContain(p.id)
      const jwt = p.token.slice(0, p.token.indexOf('~'))
      expect(text).not.toContain(jwt.split('.')[2] as string)
      expect(text).not.toContain('Accord-Signature')
      expect(text).not.toContain(jwt.slice(0, 40))
    } finally {
      await s.close()
    }
  }, 60_000)
})
