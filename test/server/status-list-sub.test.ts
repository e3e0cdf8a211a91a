/**
 * Tamper test of the status list's subject (draft-ietf-oauth-status-list: the Status List
 * Token's `sub` MUST equal the `uri` of the Referenced Token's `status_list` claim). A valid token
 * of list A, signed by the same issuer, served at list B's address must not answer for a passport
 * of list B: in `accord verify --status-list URL` and in POST /api/v1/verify; and the registry
 * refuses to store it under list B's id (PUT /api/v1/status-lists/list-b).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../src/core/passport/issue.js'
import {
  createStatusListClaims,
  signStatusListToken,
  STATUS_BITS,
} from '../../src/core/passport/status.js'
import { run } from '../cli/helpers.js'
import { exampleClaims } from '../fixtures/passport/inputs.js'
import { sdCrypto } from '../fixtures/passport/signer.js'
import {
  NOW,
  inlinePolicy,
  makeSigner,
  publish,
  signedInject,
  startApp,
  type TestApp,
  type TestSigner,
} from './helpers.js'

let t: TestApp
let issuer: TestSigner
let web: Server
let origin: string
let dir: string
/** What the issuer's web server serves, by path. */
const served = new Map<string, string>()

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
  dir = mkdtempSync(path.join(tmpdir(), 'accord-status-sub-'))
  web = createServer((req, res) => {
    const body = served.get(req.url ?? '')
    if (body === undefined) res.writeHead(404).end()
    else res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(body)
  })
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
}, 60_000)
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve))
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A passport whose status entry `idx` is in the list at `uri`. */
async function passportIn(uri: string, idx: number): Promise<string> {
  const claims = await exampleClaims('police-analytics', {
    jti: `urn:uuid:${crypto.randomUUID()}`,
    status: { status_list: { idx, uri } },
  })
  return issuePassport(claims, issuer, sdCrypto)
}

/** The issuer's list at `uri`, every entry VALID except `revoked`. */
function listToken(uri: string, revoked: number[] = [], iat = NOW): Promise<string> {
  const statuses = new Array<number>(16).fill(0)
  for (const i of revoked) statuses[i] = 1
  return signStatusListToken(
    createStatusListClaims({ uri, bits: STATUS_BITS, statuses, iat, ttl: 3600 }),
    issuer,
  )
}

interface Check {
  check: string
  outcome: string
  reason: string
  message: string
}
const statusCheck = (checks: Check[]) => checks.find((c) => c.check === 'status')

describe('a status list token is accepted only for the list its sub names', () => {
  it('accord verify --status-list URL: list A served at list B is refused (the sub names A)', async () => {
    const uriA = `${origin}/status/list-a`
    const uriB = `${origin}/status/list-b`
    // The passport is revoked in list B; list A says entry 3 is VALID.
    const passport = await passportIn(uriB, 3)
    served.set('/status/list-b', await listToken(uriB, [3]))
    served.set('/status/list-a', await listToken(uriA))
    const file = path.join(dir, 'b.sd-jwt')
    writeFileSync(file, passport)
    const policyFile = path.join(dir, 'policy.yaml')
    writeFileSync(policyFile, inlinePolicy(issuer, 'status-sub'))
    const verify = () =>
      run(
        ['verify', file, '--policy', policyFile, '--status-list', uriB, '--json'],
        '2026-11-21',
        NOW,
      )

    const honest = await verify()
    expect(statusCheck(honest.json().checks)).toMatchObject({ outcome: 'fail', reason: 'revoked' })

    // Tampered: B's address serves A's (genuine, same issuer) token, which says VALID.
    served.set('/status/list-b', await listToken(uriA))
    const tampered = await verify()
    expect(tampered.json().verdict).toBe('rejected')
    expect(tampered.code).toBe(1)
    const check = statusCheck(tampered.json().checks)
    expect(check).toMatchObject({ outcome: 'fail', reason: 'status-list-mismatch' })
    expect(check?.message).toContain(uriA)
    expect(check?.message).toContain(uriB)
    expect(check?.message).toMatch(/\bsub\b/)
  })

  it("PUT /api/v1/status-lists/list-b with list A's token (sub names list A): refused, nothing stored", async () => {
    const uriA = 'https://vendor.example/accord/status/list-a'
    const uriB = 'https://vendor.example/accord/status/list-b'
    // The issuer's key signs both lists, so the signature alone would let A's token in as B.
    const put = (listId: string, token: string) =>
      signedInject(t.app, {
        method: 'PUT',
        url: `/api/v1/status-lists/${listId}`,
        body: token,
        signer: issuer,
      })
    const wrong = await put('list-b', await listToken(uriA))
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().code).toBe('ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH')
    expect(wrong.json().message).toContain(uriA)
    expect(wrong.json().message).toContain('list-b')
    expect((await t.app.inject('/api/v1/status-lists/list-b')).statusCode).toBe(404)

    // Also when list B is already stored: A's token may not replace it.
    expect((await put('list-b', await listToken(uriB))).statusCode).toBe(200)
    const stored = (await t.app.inject('/api/v1/status-lists/list-b')).body
    const replace = await put('list-b', await listToken(uriA, [], NOW + 10))
    expect(replace.statusCode).toBe(422)
    expect(replace.json().code).toBe('ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH')
    expect((await t.app.inject('/api/v1/status-lists/list-b')).body).toBe(stored)

    // A sub with a trailing slash, a query or a fragment still names list B; a sub that is not a
    // URL, or has list-b only elsewhere in its path, does not.
    expect((await put('list-b', await listToken(`${uriB}/`, [], NOW + 20))).statusCode).toBe(200)
    expect((await put('list-b', await listToken(`${uriB}?v=2#x`, [], NOW + 30))).statusCode).toBe(
      200,
    )
    for (const sub of ['list-b', 'https://vendor.example/list-b/list-a', 'https://vendor.example/'])
      expect((await put('list-b', await listToken(sub, [], NOW + 40))).json().code, sub).toBe(
        'ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH',
      )
    // The registry's own address for list B is a URI of list B too.
    const own = 'https://registry.example/eu/api/v1/status-lists/list-b'
    expect((await put('list-b', await listToken(own, [], NOW + 50))).statusCode).toBe(200)
  })

  it("POST /api/v1/verify with list A's token sent for a passport of list B: refused", async () => {
    const uriA = 'https://vendor.example/accord/status/list-a'
    const uriB = 'https://vendor.example/accord/status/list-b'
    const passport = await passportIn(uriB, 4)
    expect((await publish(t.app, issuer, passport)).statusCode).toBe(201)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: {
        passport,
        policy: inlinePolicy(issuer, 'status-sub'),
        statusList: await listToken(uriA),
      },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().verdict).toBe('rejected')
    const check = statusCheck(res.json().checks)
    expect(check).toMatchObject({ outcome: 'fail', reason: 'status-list-mismatch' })
    expect(check?.message).toContain(uriA)
    expect(check?.message).toContain(uriB)

    // The right list answers.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: {
        passport,
        policy: inlinePolicy(issuer, 'status-sub'),
        statusList: await listToken(uriB),
      },
    })
    expect(statusCheck(right.json().checks)).toMatchObject({ outcome: 'pass', reason: 'ok' })
  })
})
