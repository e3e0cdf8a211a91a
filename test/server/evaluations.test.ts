/**
 * Evaluation results through the registry: POST and GET /api/v1/passports/:id/evaluations, the
 * registry-wide feed GET /api/v1/evaluations, their refusals, and the `evaluation` log entry that
 * anyone holding the result can recompute.
 */
import { createHash, randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MAX_EVALUATION_RESULT_CHARS,
  buildEvaluationClaims,
  signEvaluationResult,
} from '../../src/core/evaluation/result.js'
import type { Evaluation } from '../../src/core/evaluation/schema.js'
import { issuerJwtOf, passportDigestInput } from '../../src/core/passport/endorse.js'
import { checkEntryInclusion } from '../../src/core/tlog/proof.js'
import { entryLeafHash, evaluationEntryFromToken, parseEntry } from '../../src/core/tlog/entry.js'
import { sha256Hex } from '../../src/server/signed-request.js'
import { expectBadFeedParameters, expectNewestFirstPaging } from './feed-paging.js'
import {
  NOW,
  makePassport,
  makeSigner,
  publish,
  startApp,
  type TestApp,
  type TestSigner,
} from './helpers.js'

let t: TestApp
let issuer: TestSigner
let evaluator: TestSigner
let other: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
  evaluator = await makeSigner('ES256')
  other = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

interface Published {
  id: string
  token: string
  subjectId: string
  /** SHA-256 of the first artifact the passport commits to. */
  model: string
}

/** A border-biometrics passport (it commits to model artifacts), published. */
async function published(): Promise<Published> {
  const p = await makePassport(issuer, 0, 'border-biometrics')
  expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
  const claims = decodeJwt(issuerJwtOf(p.token)) as {
    credentialSubject: { id: string; artifacts: { sha256: string }[] }
  }
  const model = claims.credentialSubject.artifacts[0]?.sha256
  if (model === undefined) throw new Error('the example passport commits to no artifacts')
  return { ...p, subjectId: claims.credentialSubject.id, model }
}

function evaluation(p: Published, over: Partial<Evaluation> = {}): Evaluation {
  return {
    evaluator: { id: 'https://lab.example', name: 'Lab', role: 'test-lab' },
    artifacts: [{ sha256: p.model }],
    method: { kind: 'benchmark', name: 'FMR protocol', version: '1' },
    performedAt: new Date((NOW - 86400) * 1000).toISOString().slice(0, 10),
    metrics: [
      {
        name: 'False match rate',
        value: 0.002,
        threshold: { value: 0.001, higherIsBetter: false, met: false },
      },
      { name: 'Failure to acquire', value: 1.5, unit: '%' },
    ],
    summary: 'Above the threshold.',
    ...over,
  }
}

async function result(p: Published, e: Evaluation, signer: TestSigner = evaluator) {
  return signEvaluationResult(
    buildEvaluationClaims({
      passportDigest: sha256Hex(passportDigestInput(p.token)),
      passportJti: p.id,
      passportIssuer: 'https://vendor.example/accord',
      subjectId: p.subjectId,
      evaluation: e,
      issuedAt: NOW - 60,
      id: `urn:uuid:${randomUUID()}`,
    }),
    signer,
  )
}

const url = (id: string) => `/api/v1/passports/${encodeURIComponent(id)}/evaluations`
const post = (id: string, token: string, jwk: Record<string, unknown> = evaluator.publicJwk) =>
  t.app.inject({ method: 'POST', url: url(id), payload: { result: token, jwk } })

describe('POST /api/v1/passports/:id/evaluations', () => {
  it('records a result with an evaluation log entry; GET lists it with its evaluation', async () => {
    const p = await published()
    const before = await t.store.logSize()
    const token = await result(p, evaluation(p))
    const res = await post(p.id, token)
    expect(res.statusCode, res.body).toBe(201)
    const { id, logIndex } = res.json()
    expect(logIndex).toBe(before)
    expect(id).toMatch(/^urn:uuid:/)
    const list = (await t.app.inject(url(p.id))).json()
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({
      id,
      passportId: p.id,
      evaluatorKid: evaluator.kid,
      method: 'FMR protocol 1',
      metrics: 2,
      thresholds: 1,
      thresholdsMet: 0,
      logIndex,
      token,
    })
    expect(list.items[0].evaluation.metrics[0].threshold.met).toBe(false)
    expect(list.items[0].evaluatorJwk).toMatchObject({ kty: 'EC' })
  })

  it('the log entry is recomputed from the result alone and is included under the checkpoint', async () => {
    const p = await published()
    const token = await result(p, evaluation(p))
    const { logIndex } = (await post(p.id, token)).json()
    const fromToken = evaluationEntryFromToken(token, sha256)
    if (!fromToken.ok) throw new Error(fromToken.message)
    expect(fromToken.entry).toMatchObject({
      kind: 'evaluation',
      passportId: p.id,
      evaluatorKid: evaluator.kid,
    })
    const [served] = (
      await t.app.inject(`/api/v1/log/entries?start=${logIndex}&end=${logIndex + 1}`)
    ).json().entries as { payload: string }[]
    const parsed = parseEntry(served!.payload)
    expect(parsed.ok && parsed.entry).toEqual(fromToken.entry)
    const note = (await t.app.inject('/api/v1/log/checkpoint')).body.split('\n')
    const head = {
      size: Number(note[1]),
      rootHash: new Uint8Array(Buffer.from(note[2]!, 'base64')),
    }
    const proof = (
      await t.app.inject(`/api/v1/log/proof/inclusion?index=${logIndex}&size=${head.size}`)
    ).json()
    expect(
      checkEntryInclusion(head, logIndex, entryLeafHash(fromToken.entry, sha256), proof, sha256).ok,
    ).toBe(true)
  })

  it('422: another key, another passport, an unknown artifact, a tampered result; nothing logged', async () => {
    const p = await published()
    const q = await published()
    const before = await t.store.logSize()
    const token = await result(p, evaluation(p))
    const wrongKey = await post(p.id, token, other.publicJwk)
    expect(wrongKey.statusCode).toBe(422)
    expect(wrongKey.json()).toMatchObject({
      code: 'ERR_PASSPORT_REJECTED',
      reason: 'evaluation-invalid',
    })
    expect((await post(q.id, token)).json().reason).toBe('evaluation-wrong-passport')
    const unknown = await post(
      p.id,
      await result(p, evaluation(p, { artifacts: [{ sha256: 'd'.repeat(64) }] })),
    )
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json()).toMatchObject({ reason: 'evaluation-artifact-unknown' })
    expect(unknown.json().message).toContain('d'.repeat(64))
    const [h, payload, s] = token.slice(0, -1).split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    claims.credentialSubject.evaluation.metrics[0].value = 0.0005
    claims.credentialSubject.evaluation.metrics[0].threshold.met = true
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}~`
    const bad = await post(p.id, tampered)
    expect(bad.statusCode).toBe(422)
    expect(bad.json().message).toContain('signature')
    expect(await t.store.logSize()).toBe(before)
    expect((await post('urn:uuid:unknown', token)).statusCode).toBe(404)
  })

  it('409: the same result twice; 413: an oversized body', async () => {
    const p = await published()
    const token = await result(p, evaluation(p))
    expect((await post(p.id, token)).statusCode).toBe(201)
    const again = await post(p.id, token)
    expect(again.statusCode).toBe(409)
    expect(again.json().message).toContain('already in the registry')
    const huge = await t.app.inject({
      method: 'POST',
      url: url(p.id),
      payload: { result: 'x'.repeat(MAX_EVALUATION_RESULT_CHARS + 5000), jwk: evaluator.publicJwk },
    })
    expect(huge.statusCode).toBe(413)
  })
})

describe('GET /api/v1/passports/:id/evaluations and /api/v1/evaluations', () => {
  it('a passport without results lists none; an unknown passport is 404', async () => {
    const p = await published()
    expect((await t.app.inject(url(p.id))).json()).toEqual({ items: [] })
    expect((await t.app.inject(url('urn:uuid:none'))).statusCode).toBe(404)
  })

  it('the feed pages through every passport by log index', async () => {
    const p = await published()
    const q = await published()
    const start = (await t.store.logSize()) - 1
    const a = await result(p, evaluation(p, { summary: 'A' }))
    const b = await result(q, evaluation(q, { summary: 'B' }))
    expect((await post(p.id, a)).statusCode).toBe(201)
    expect((await post(q.id, b)).statusCode).toBe(201)
    const page1 = (await t.app.inject(`/api/v1/evaluations?after=${start}&limit=1`)).json()
    expect(page1.items).toHaveLength(1)
    expect(page1.items[0]).toMatchObject({
      passportId: p.id,
      evaluatorKid: evaluator.kid,
      method: 'FMR protocol 1',
      thresholds: 1,
      thresholdsMet: 0,
      logIndex: start + 1,
      token: a,
    })
    expect(page1.items[0].evaluation.summary).toBe('A')
    expect(page1.items[0].evaluatorJwk).toMatchObject({ kty: 'EC' })
    expect(page1.nextAfter).toBe(start + 1)
    const page2 = (
      await t.app.inject(`/api/v1/evaluations?after=${page1.nextAfter}&limit=10`)
    ).json()
    expect(page2.items.map((r: { passportId: string }) => r.passportId)).toEqual([q.id])
    expect(page2.items[0].evaluation.summary).toBe('B')
    const empty = (await t.app.inject(`/api/v1/evaluations?after=${page2.nextAfter}`)).json()
    expect(empty).toEqual({ items: [], nextAfter: page2.nextAfter })
    const all = (await t.app.inject('/api/v1/evaluations')).json()
    expect(all.items.length).toBeGreaterThanOrEqual(2)
    expect(all.nextAfter).toBe(page2.nextAfter)
    for (const bad of ['after=-2', 'limit=0', 'limit=5000', 'after=x', 'since=3']) {
      const res = await t.app.inject(`/api/v1/evaluations?${bad}`)
      expect(res.statusCode, bad).toBe(400)
      expect(res.json().code, bad).toBe('ERR_CONFIG_BAD_REQUEST')
    }
  })

  it('the feed pages newest first (order=desc) with nextBefore, while results are added', async () => {
    const p = await published()
    const add = async () => {
      const res = await post(p.id, await result(p, evaluation(p)))
      expect(res.statusCode, res.body).toBe(201)
    }
    for (let n = 0; n < 5; n++) await add()
    await expectNewestFirstPaging(t.app, '/api/v1/evaluations', add)
    const newest = (await t.app.inject('/api/v1/evaluations?order=desc&limit=1')).json()
    expect(newest.items[0]).toMatchObject({ passportId: p.id, method: 'FMR protocol 1' })
    expect(newest.items[0].evaluation.summary).toBe('Above the threshold.')
    await expectBadFeedParameters(t.app, '/api/v1/evaluations')
  })
})
