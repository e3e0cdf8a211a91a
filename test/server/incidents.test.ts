/**
 * Serious-incident reports (EU AI Act Art. 73) through the registry: POST and GET
 * /api/v1/passports/:id/incidents, the registry-wide feed GET /api/v1/incidents, their refusals,
 * and the `incident` log entry that anyone holding the report can recompute.
 */
import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildIncidentClaims,
  MAX_INCIDENT_REPORT_CHARS,
  signIncidentReport,
} from '../../src/core/incident/report.js'
import type { Incident } from '../../src/core/incident/schema.js'
import { passportDigestInput } from '../../src/core/passport/endorse.js'
import { checkEntryInclusion } from '../../src/core/tlog/proof.js'
import { entryLeafHash, incidentEntryFromToken, parseEntry } from '../../src/core/tlog/entry.js'
import { sha256Hex } from '../../src/server/signed-request.js'
import { expectBadFeedParameters, expectNewestFirstPaging } from './feed-paging.js'
import {
  NOW,
  incident,
  iso,
  makePassport,
  makeSigner,
  publish,
  startApp,
  type TestApp,
  type TestSigner,
} from './helpers.js'

let t: TestApp
let issuer: TestSigner
let reporter: TestSigner
let other: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
  reporter = await makeSigner('ES256')
  other = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

/**
 * A passport of `example` published to the registry; `undisclosed`: as a presentation that
 * discloses nothing (only the issuer-signed JWT), so its classification is unknown.
 */
async function published(
  example = 'police-analytics',
  undisclosed = false,
): Promise<{ id: string; token: string; subjectId: string }> {
  const made = await makePassport(issuer, 0, example)
  const p = undisclosed
    ? { ...made, token: made.token.slice(0, made.token.indexOf('~') + 1) }
    : made
  const res = await publish(t.app, issuer, p.token)
  expect(res.statusCode, res.body).toBe(201)
  const { subjectId } = (await t.app.inject(`/api/v1/passports/${encodeURIComponent(p.id)}`)).json()
  return { ...p, subjectId }
}

async function report(
  p: { id: string; token: string; subjectId: string },
  i: Incident,
  signer: TestSigner = reporter,
): Promise<string> {
  return signIncidentReport(
    buildIncidentClaims({
      passportDigest: sha256Hex(passportDigestInput(p.token)),
      passportJti: p.id,
      passportIssuer: 'https://vendor.example/accord',
      subjectId: p.subjectId,
      incident: i,
      issuedAt: NOW - 60,
      id: `urn:uuid:${randomUUID()}`,
    }),
    signer,
  )
}

const url = (id: string) => `/api/v1/passports/${encodeURIComponent(id)}/incidents`
const post = (id: string, token: string, jwk: Record<string, unknown> = reporter.publicJwk) =>
  t.app.inject({ method: 'POST', url: url(id), payload: { report: token, jwk } })

describe('POST /api/v1/passports/:id/incidents', () => {
  it('records an initial report and its follow-ups, each with an incident log entry', async () => {
    const p = await published()
    const i = incident()
    const before = await t.store.logSize()
    const first = await report(p, i)
    const res = await post(p.id, first)
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ incidentId: i.id, logIndex: before })
    const follow = await report(p, { ...i, report: 'final', sequence: 2, status: 'closed' })
    expect((await post(p.id, follow)).json().logIndex).toBe(before + 1)

    const list = (await t.app.inject(url(p.id))).json()
    expect(list.items).toHaveLength(1)
    const [item] = list.items
    expect(item.incidentId).toBe(i.id)
    expect(item.incident.status).toBe('closed')
    expect(item.deadline).toMatchObject({ days: 15, citation: 'Art. 73(2)', onTime: null })
    expect(item.reports.map((r: { sequence: number }) => r.sequence)).toEqual([1, 2])
    expect(item.reports[0]).toMatchObject({
      reporterKid: reporter.kid,
      token: first,
      report: 'initial',
      serious: true,
    })
  })

  it('the log entry is recomputed from the report alone and is included under the checkpoint', async () => {
    const p = await published()
    const token = await report(p, incident())
    const { logIndex } = (await post(p.id, token)).json()
    const fromToken = incidentEntryFromToken(token, sha256)
    if (!fromToken.ok) throw new Error(fromToken.message)
    expect(fromToken.entry).toMatchObject({ kind: 'incident', passportId: p.id, sequence: 1 })
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
    const leaf = entryLeafHash(fromToken.entry, sha256)
    expect(checkEntryInclusion(head, logIndex, leaf, proof, sha256).ok).toBe(true)
    const otherLeaf = entryLeafHash({ ...fromToken.entry, sequence: 2 }, sha256)
    expect(checkEntryInclusion(head, logIndex, otherLeaf, proof, sha256).ok).toBe(false)
  })

  it('422: a jwk that is not the signing key, a report about another passport, a tampered report', async () => {
    const p = await published()
    const q = await published()
    const before = await t.store.logSize()
    const token = await report(p, incident())
    const wrongKey = await post(p.id, token, other.publicJwk)
    expect(wrongKey.statusCode).toBe(422)
    expect(wrongKey.json()).toMatchObject({
      code: 'ERR_PASSPORT_REJECTED',
      reason: 'incident-invalid',
    })
    const elsewhere = await post(q.id, token)
    expect(elsewhere.statusCode).toBe(422)
    expect(elsewhere.json().reason).toBe('incident-wrong-passport')
    const [h, payload, s] = token.slice(0, -1).split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    claims.credentialSubject.incident.serious = false
    claims.credentialSubject.incident.harms = []
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}~`
    const bad = await post(p.id, tampered)
    expect(bad.statusCode).toBe(422)
    expect(bad.json().message).toContain('signature')
    expect(await t.store.logSize()).toBe(before)
    expect((await post('urn:uuid:unknown', token)).statusCode).toBe(404)
  })

  it('409: a follow-up out of sequence or from another key; 413: an oversized body', async () => {
    const p = await published()
    const i = incident()
    expect((await post(p.id, await report(p, i))).statusCode).toBe(201)
    const skip = await post(p.id, await report(p, { ...i, report: 'follow-up', sequence: 3 }))
    expect(skip.statusCode).toBe(409)
    expect(skip.json().message).toContain('the next must be 2, not 3')
    const stranger = await post(
      p.id,
      await report(p, { ...i, report: 'follow-up', sequence: 2 }, other),
      other.publicJwk,
    )
    expect(stranger.statusCode).toBe(409)
    expect(stranger.json().message).toContain('same reporter key')
    const orphan = await post(p.id, await report(p, incident({ report: 'follow-up', sequence: 2 })))
    expect(orphan.statusCode).toBe(409)
    const huge = await t.app.inject({
      method: 'POST',
      url: url(p.id),
      payload: { report: 'x'.repeat(MAX_INCIDENT_REPORT_CHARS + 5000), jwk: reporter.publicJwk },
    })
    expect(huge.statusCode).toBe(413)
  })

  it('of concurrent follow-ups with one sequence, exactly one is recorded', async () => {
    const p = await published()
    const i = incident()
    expect((await post(p.id, await report(p, i))).statusCode).toBe(201)
    const tokens = await Promise.all(
      [1, 2, 3].map(() => report(p, { ...i, report: 'follow-up', sequence: 2 })),
    )
    const codes = (await Promise.all(tokens.map((tk) => post(p.id, tk)))).map((r) => r.statusCode)
    expect(codes.sort()).toEqual([201, 409, 409])
    const list = (await t.app.inject(url(p.id))).json()
    expect(list.items[0].reports).toHaveLength(2)
  })
})

describe('GET /api/v1/passports/:id/incidents and /api/v1/incidents', () => {
  it('a passport without incidents lists none; an unknown passport is 404', async () => {
    const p = await published()
    expect((await t.app.inject(url(p.id))).json()).toEqual({ items: [] })
    expect((await t.app.inject(url('urn:uuid:none'))).statusCode).toBe(404)
  })

  it('the feed pages through every passport by log index', async () => {
    const p = await published()
    const q = await published()
    const start = (await t.store.logSize()) - 1
    const a = incident({ harms: ['death'], summary: 'A' })
    await post(p.id, await report(p, a))
    await post(q.id, await report(q, incident({ summary: 'B' })))
    const page1 = (await t.app.inject(`/api/v1/incidents?after=${start}&limit=1`)).json()
    expect(page1.items).toHaveLength(1)
    expect(page1.items[0]).toMatchObject({ passportId: p.id, incidentId: a.id, sequence: 1 })
    expect(page1.items[0].incident.summary).toBe('A')
    expect(page1.items[0].reporterJwk).toMatchObject({ kty: 'EC' })
    const page2 = (await t.app.inject(`/api/v1/incidents?after=${page1.nextAfter}&limit=10`)).json()
    expect(page2.items.map((r: { passportId: string }) => r.passportId)).toEqual([q.id])
    const empty = (await t.app.inject(`/api/v1/incidents?after=${page2.nextAfter}`)).json()
    expect(empty).toEqual({ items: [], nextAfter: page2.nextAfter })
    expect((await t.app.inject('/api/v1/incidents?after=-2')).statusCode).toBe(400)
    expect((await t.app.inject('/api/v1/incidents?limit=5000')).statusCode).toBe(400)
  })

  it('the feed pages newest first (order=desc) with nextBefore, while reports are added', async () => {
    const p = await published()
    const add = async () => {
      const res = await post(p.id, await report(p, incident()))
      expect(res.statusCode, res.body).toBe(201)
    }
    for (let n = 0; n < 5; n++) await add()
    await expectNewestFirstPaging(t.app, '/api/v1/incidents', add)
    const newest = (await t.app.inject('/api/v1/incidents?order=desc&limit=1')).json()
    expect(newest.items[0]).toMatchObject({ passportId: p.id, sequence: 1 })
    expect(newest.items[0].incident.summary).toMatch(/misattributed/)
    expect(newest.items[0].reporterJwk).toMatchObject({ kty: 'EC' })
    await expectBadFeedParameters(t.app, '/api/v1/incidents')
  })
})

describe("GET /api/v1/passports/:id/incidents: the deadline read against the stored passport's classification", () => {
  const deadlineOf = async (p: { id: string; token: string; subjectId: string }) => {
    expect((await post(p.id, await report(p, incident()))).statusCode).toBe(201)
    return (await t.app.inject(url(p.id))).json().items[0].deadline
  }

  it('Art. 73(1): a high-risk passport (police-analytics, an Art. 111(2) legacy system) has the deadline', async () => {
    const d = await deadlineOf(await published())
    expect(d).toMatchObject({ applies: true, basis: 'high-risk', days: 15, reference: null })
    expect(d.deadline).toBe(iso(NOW - 3 * 86400 + 15 * 86400))
    const notes = d.notes.join(' ')
    expect(notes).not.toContain('not known here')
    expect(notes).toContain('Whether that deferral reaches Art. 73 is a reading, not text')
  })

  it('Art. 73(1): a transparency passport (public-chatbot) is not bound: no deadline, a reference only', async () => {
    const d = await deadlineOf(await published('public-chatbot'))
    expect(d).toMatchObject({
      applies: false,
      basis: 'not-high-risk',
      days: null,
      deadline: null,
      citation: 'Art. 73(1)',
      reference: { days: 15, deadline: iso(NOW - 3 * 86400 + 15 * 86400) },
    })
    expect(d.why).toContain('the passport classifies the system as transparency')
  })

  it('Art. 73(1): a passport published without its classification disclosed is unknown, and the deadline stands', async () => {
    const d = await deadlineOf(await published('public-chatbot', true))
    expect(d).toMatchObject({ applies: true, basis: 'unknown', days: 15 })
    expect(d.notes[0]).toContain(
      'not known here: the passport does not disclose its EU classification (classification.eu-ai-act)',
    )
  })
})
