/**
 * GET /api/v1/passports/:id/changes: what changed between two published versions of a system,
 * as `accord diff --json` says it (minus the signature checks the registry did at publish); by
 * default against the previous version in the system's listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diffPassports } from '../../src/core/passport/diff.js'
import { issuePassport } from '../../src/core/passport/issue.js'
import type { PassportClaims } from '../../src/core/passport/types.js'
import { exampleClaims } from '../fixtures/passport/inputs.js'
import { sdCrypto } from '../fixtures/passport/signer.js'
import { NOW, STATUS_URI, makeSigner, publish, startApp, type TestApp } from './helpers.js'

let t: TestApp
/** The server's clock: each version is published later than the one before. */
let now = NOW
const signer = await makeSigner('EdDSA')

/**
 * Three versions of police-analytics, published in this order one minute apart. Their ids sort
 * the other way round (v1 > v2 > v3), so "previous" is by publication time, not by id.
 */
const ids = {
  v1: 'urn:uuid:00000000-0000-4000-8000-0000000000c3',
  v2: 'urn:uuid:00000000-0000-4000-8000-0000000000b2',
  v3: 'urn:uuid:00000000-0000-4000-8000-0000000000a1',
  chatbot: 'urn:uuid:00000000-0000-4000-8000-0000000000d4',
}
const claims: Record<keyof typeof ids, PassportClaims> = {} as never

/**
 * v2 announces updates later and may keep data in NL too (both worse); v3 grants a longer
 * support (better).
 */
async function version(key: keyof typeof ids, idx: number): Promise<PassportClaims> {
  const c = await exampleClaims(key === 'chatbot' ? 'public-chatbot' : 'police-analytics', {
    jti: ids[key],
    status: { status_list: { idx, uri: STATUS_URI } },
  })
  const s = structuredClone(c)
  const a = s.credentialSubject.assurance
  if (a === undefined) throw new Error('the example makes assurance commitments')
  if (key === 'v2' || key === 'v3') {
    s.credentialSubject.system.version = key === 'v2' ? '2.5.0' : '2.6.0'
    a.updateNoticeDays = 14
    a.dataResidency = ['DE', 'NL']
  }
  if (key === 'v3') a.supportUntil = '2033-12-31'
  return s
}

const changes = (id: string, since?: string) =>
  t.app.inject(
    `/api/v1/passports/${encodeURIComponent(id)}/changes${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`,
  )

beforeAll(async () => {
  t = await startApp({ clock: { nowSeconds: () => now } })
  for (const [i, key] of (['v1', 'chatbot', 'v2', 'v3'] as const).entries()) {
    claims[key] = await version(key, i)
    const token = await issuePassport(claims[key], signer, sdCrypto)
    const res = await publish(t.app, signer, token, { iat: now })
    expect(res.statusCode, res.body).toBe(201)
    now += 60
  }
}, 60_000)
afterAll(() => t.close())

describe('GET /api/v1/passports/:id/changes', () => {
  it('compares with the previous version of the system: the diff of accord diff --json', async () => {
    const res = await changes(ids.v2)
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body).toEqual(JSON.parse(JSON.stringify(diffPassports(claims.v1, claims.v2))))
    expect(body.old.jti).toBe(ids.v1)
    expect(body.new.jti).toBe(ids.v2)
    expect(body.sameSystem).toBe(true)
    expect(body.counts.worse).toBe(2)
    expect(body.changes.slice(0, 2)).toEqual([
      {
        area: 'assurance',
        path: 'assurance.dataResidency',
        before: ['DE'],
        after: ['DE', 'NL'],
        effect: 'worse',
        message: 'data may now be kept in NL',
      },
      {
        area: 'assurance',
        path: 'assurance.updateNoticeDays',
        before: 60,
        after: 14,
        effect: 'worse',
        message: 'notice before behaviour-changing updates (days)',
      },
    ])
    expect(body.changes).toContainEqual(
      expect.objectContaining({ path: 'system.version', effect: 'neutral', after: '2.5.0' }),
    )
    expect(body.passportSignature).toBeUndefined()
  })

  it('takes the next older passport in the listing, by publication time', async () => {
    const listed = (
      await t.app.inject(
        `/api/v1/systems/${encodeURIComponent(claims.v1.credentialSubject.id)}/passports`,
      )
    ).json()
    expect(listed.items.map((i: { id: string }) => i.id)).toEqual([ids.v3, ids.v2, ids.v1])
    const body = (await changes(ids.v3)).json()
    expect(body.old.jti).toBe(ids.v2)
    // v2 -> v3: only the support date and the version changed; the notice and residency stayed.
    expect(body.counts).toEqual({ worse: 0, better: 1, review: 0, neutral: 1 })
    expect(body.changes[0]).toMatchObject({
      path: 'assurance.supportUntil',
      effect: 'better',
      message: 'support extended',
    })
  })

  it('compares with the passport `since` names', async () => {
    const res = await changes(ids.v3, ids.v1)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(diffPassports(claims.v1, claims.v3))))
    expect(res.json().counts).toMatchObject({ worse: 2, better: 1 })
  })

  it('404 ERR_PASSPORT_NO_PREVIOUS_VERSION for the first version of a system', async () => {
    for (const id of [ids.v1, ids.chatbot]) {
      const res = await changes(id)
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('ERR_PASSPORT_NO_PREVIOUS_VERSION')
      expect(res.json().message).toContain('first version of system')
    }
  })

  it('404 ERR_STORE_NOT_FOUND for an unknown passport or `since`', async () => {
    const unknown = 'urn:uuid:00000000-0000-4000-8000-00000000ffff'
    for (const res of [await changes(unknown), await changes(ids.v2, unknown)]) {
      expect(res.statusCode).toBe(404)
      expect(res.json().code).toBe('ERR_STORE_NOT_FOUND')
      expect(res.json().message).toContain(unknown)
    }
  })

  it('400 when `since` is a passport of another system, and says so', async () => {
    const res = await changes(ids.v2, ids.chatbot)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('ERR_CONFIG_BAD_REQUEST')
    expect(res.json().message).toContain(`since: passport "${ids.chatbot}" is of another system`)
    const unknownQuery = await t.app.inject(
      `/api/v1/passports/${encodeURIComponent(ids.v2)}/changes?from=x`,
    )
    expect(unknownQuery.statusCode).toBe(400)
  })

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await t.app.inject('/openapi.json')).json()
    const get = doc.paths['/api/v1/passports/{id}/changes'].get
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '404', '422'])
    const schema = get.responses['200'].content['application/json'].schema
    expect(schema.properties.changes.items.properties.effect.enum).toEqual([
      'worse',
      'better',
      'review',
      'neutral',
    ])
  })
})
