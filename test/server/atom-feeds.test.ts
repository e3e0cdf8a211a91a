/**
 * The Atom feeds (GET /feeds/incidents.atom, /feeds/evaluations.atom, /feeds/revocations.atom):
 * each document is parsed by an independent XML parser (Debian's python3, xml.etree), not by the
 * code that wrote it, and checked as RFC 4287 asks: the Atom namespace, the feed's id, title,
 * updated, author and self link, entries newest first with id, title, updated, link and summary.
 * Also: untrusted report text (markup, `&`, `]]>`, a control character) arrives as the same plain
 * text, limit validation, an empty registry, ETag / If-None-Match, the links under a path prefix,
 * and the Incidents page's discovery link.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildEvaluationClaims, signEvaluationResult } from '../../src/core/evaluation/result.js'
import { buildIncidentClaims, signIncidentReport } from '../../src/core/incident/report.js'
import type { Incident } from '../../src/core/incident/schema.js'
import { issuerJwtOf, passportDigestInput } from '../../src/core/passport/endorse.js'
import type { IncidentStored } from '../../src/core/store.js'
import { uuidV5, UUID_NAMESPACE_URL, xmlText } from '../../src/server/atom.js'
import { incidentEntry } from '../../src/server/routes/atom-feeds.js'
import { sha256Hex } from '../../src/server/signed-request.js'
import {
  NOW,
  incident,
  iso,
  makePassport,
  makeSigner,
  appOn,
  publish,
  signedInject,
  startApp,
  type TestApp,
  type TestSigner,
} from './helpers.js'

const PYTHON = '/usr/bin/python3'

/** Parses an Atom document (stdin) with xml.etree; prints what the tests check as JSON. */
const PARSER = `
import json, sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
root = ET.fromstring(sys.stdin.buffer.read())
def text(el, name):
    c = el.find(A + name)
    return None if c is None else (c.text or '')
def typ(el, name):
    c = el.find(A + name)
    return None if c is None else c.get('type')
def links(el):
    return [{'rel': l.get('rel'), 'href': l.get('href'), 'type': l.get('type')} for l in el.findall(A + 'link')]
author = root.find(A + 'author')
print(json.dumps({
  'tag': root.tag,
  'id': text(root, 'id'), 'title': text(root, 'title'), 'updated': text(root, 'updated'),
  'author': None if author is None else text(author, 'name'),
  'links': links(root),
  'entries': [{
    'id': text(e, 'id'), 'title': text(e, 'title'), 'titleType': typ(e, 'title'),
    'updated': text(e, 'updated'), 'published': text(e, 'published'),
    'summary': text(e, 'summary'), 'summaryType': typ(e, 'summary'), 'links': links(e),
  } for e in root.findall(A + 'entry')],
}))
`

interface Link {
  rel: string | null
  href: string | null
  type: string | null
}
interface ParsedFeed {
  tag: string
  id: string
  title: string
  updated: string
  author: string | null
  links: Link[]
  entries: {
    id: string
    title: string
    titleType: string | null
    updated: string
    published: string | null
    summary: string
    summaryType: string | null
    links: Link[]
  }[]
}

/** The document as python3's XML parser reads it (throws when it is not well-formed XML). */
function parseAtom(xml: string): ParsedFeed {
  return JSON.parse(execFileSync(PYTHON, ['-c', PARSER], { input: xml, encoding: 'utf8' }))
}

let t: TestApp
let issuer: TestSigner
let reporter: TestSigner
let evaluator: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
  reporter = await makeSigner('ES256')
  evaluator = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const BASE = 'http://registry.test'

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ url, headers })
}

async function feed(url: string): Promise<ParsedFeed> {
  const res = await get(url)
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8')
  expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
  return parseAtom(res.body)
}

/** The feed-level checks every Atom document must pass (RFC 4287 §4.1.1). */
function expectAtomFeed(f: ParsedFeed, self: string): void {
  expect(f.tag).toBe('{http://www.w3.org/2005/Atom}feed')
  expect(f.id).toMatch(
    /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  )
  expect(f.title).toContain('test.example/accord/log')
  expect(f.author).toBe('test.example/accord/log')
  expect(f.links).toContainEqual({ rel: 'self', href: self, type: 'application/atom+xml' })
  for (const e of f.entries) {
    expect(e.id).toMatch(/^urn:uuid:/)
    expect(e.title.length).toBeGreaterThan(0)
    expect(e.titleType).toBe('text')
    expect(e.summaryType).toBe('text')
    expect(new Date(e.updated).toISOString()).not.toBe('Invalid Date')
    expect(e.links).toHaveLength(1)
    expect(e.links[0]).toMatchObject({ rel: 'alternate', type: 'text/html' })
  }
  expect(f.updated).toBe(f.entries[0]?.updated ?? '1970-01-01T00:00:00Z')
  const times = f.entries.map((e) => Date.parse(e.updated))
  expect([...times].sort((a, b) => b - a)).toEqual(times)
}

async function published(example = 'police-analytics') {
  const p = await makePassport(issuer, 0, example)
  expect((await publish(t.app, issuer, p.token)).statusCode).toBe(201)
  const claims = decodeJwt(issuerJwtOf(p.token)) as {
    credentialSubject: { id: string; artifacts?: { sha256: string }[] }
  }
  return { ...p, subjectId: claims.credentialSubject.id, claims }
}

async function postIncident(p: { id: string; token: string; subjectId: string }, i: Incident) {
  const token = await signIncidentReport(
    buildIncidentClaims({
      passportDigest: sha256Hex(passportDigestInput(p.token)),
      passportJti: p.id,
      passportIssuer: 'https://vendor.example/accord',
      subjectId: p.subjectId,
      incident: i,
      issuedAt: NOW - 60,
      id: `urn:uuid:${randomUUID()}`,
    }),
    reporter,
  )
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/passports/${encodeURIComponent(p.id)}/incidents`,
    payload: { report: token, jwk: reporter.publicJwk },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; logIndex: number }
}

/** Untrusted text with markup, an ampersand, CDATA ends and a control character (BEL). */
const HOSTILE = 'Saw <script>alert("x")</script> & more ]]> twice ]]> then \u0007 a bell.'

describe('the Atom feeds of an empty registry', () => {
  it('are valid Atom documents with no entries and a fixed updated', async () => {
    const empty = await startApp()
    try {
      const ids = new Set<string>()
      for (const name of ['incidents', 'evaluations', 'revocations']) {
        const res = await empty.app.inject(`/feeds/${name}.atom`)
        expect(res.statusCode, name).toBe(200)
        const f = parseAtom(res.body)
        expectAtomFeed(f, `${name}.atom`)
        expect(f.entries).toEqual([])
        expect(f.updated).toBe('1970-01-01T00:00:00Z')
        expect(res.headers['last-modified']).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
        ids.add(f.id)
      }
      expect(ids.size).toBe(3)
    } finally {
      await empty.close()
    }
  })
})

describe('GET /feeds/incidents.atom', () => {
  it('lists the newest reports first, as the JSON feed, each linking to its passport page', async () => {
    const p = await published()
    // Another AI system: each entry names the system of its own passport.
    const q = await published('border-biometrics')
    const i = incident()
    await postIncident(p, i)
    await postIncident(q, incident({ serious: false, harms: [] }))
    await postIncident(p, { ...i, report: 'final', sequence: 2, status: 'closed' })

    const f = await feed('/feeds/incidents.atom')
    expectAtomFeed(f, 'incidents.atom')
    expect(f.links).toContainEqual({ rel: 'alternate', href: '../incidents', type: 'text/html' })
    const json = (await get('/api/v1/incidents?order=desc&limit=50')).json().items as {
      id: string
      publishedAt: string
      logIndex: number
      passportId: string
    }[]
    expect(f.entries.map((e) => e.id)).toEqual(json.map((r) => r.id))
    expect(f.entries.map((e) => e.updated)).toEqual(json.map((r) => r.publishedAt))
    expect(f.entries.map((e) => e.published)).toEqual(json.map((r) => r.publishedAt))
    expect(f.updated).toBe(json[0]?.publishedAt)

    const [final, notSerious, initial] = f.entries
    // The system's name and version as its passport states them (examples/*/accord.yaml).
    const system = (x: typeof p) =>
      (x.claims as unknown as { credentialSubject: { system: { name: string; version: string } } })
        .credentialSubject.system
    expect(system(p)).toMatchObject({ name: 'Kestrel Lattice', version: '3.2.0' })
    expect(system(q)).toMatchObject({ name: 'Valvur Sentinel', version: '2.4.0' })
    expect(final?.title).toBe(`Serious incident: Kestrel Lattice 3.2.0 — ${i.id} report 2 (final)`)
    expect(initial?.title).toBe(
      `Serious incident: Kestrel Lattice 3.2.0 — ${i.id} report 1 (initial)`,
    )
    expect(notSerious?.title).toMatch(
      /^Incident: Valvur Sentinel 2\.4\.0 — urn:uuid:\S+ report 1 \(initial\)$/,
    )
    expect(notSerious?.summary.split('\n')).toContain('System: Valvur Sentinel 2.4.0')
    const summary = final?.summary ?? ''
    for (const line of [
      'System: Kestrel Lattice 3.2.0',
      `Passport: ${p.id}`,
      'Serious: yes',
      'Status: closed',
      'Reporter: Vendor (provider)',
      `Reporter key: ${reporter.kid}`,
      `Log index: ${json[0]?.logIndex}`,
    ])
      expect(summary.split('\n')).toContain(line)
    expect(notSerious?.summary.split('\n')).toContain('Serious: no')
    expect(summary).toContain(i.summary)

    // The entry's link, resolved against the feed's URL, is the passport's web page.
    const page = new URL(final?.links[0]?.href ?? '', `${BASE}/feeds/incidents.atom`)
    expect(page.pathname).toBe(`/passports/${encodeURIComponent(p.id)}`)
    const html = await get(page.pathname)
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toContain('text/html')
  })

  it("reads the systems of a page's passports in one store call, not one per entry", async () => {
    const calls: string[] = []
    const counting = new Proxy(t.store, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          calls.push(String(prop))
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    })
    const app = await appOn(counting, await makeSigner('EdDSA'))
    try {
      calls.length = 0
      const res = await app.app.inject('/feeds/incidents.atom')
      expect(res.statusCode).toBe(200)
      const entries = parseAtom(res.body).entries
      expect(entries.length).toBeGreaterThan(2)
      expect(new Set(entries.map((e) => e.title.split(' — ')[0])).size).toBeGreaterThan(1)
      expect(calls).toEqual(['incidentFeedBefore', 'passportSystems'])
    } finally {
      await app.close()
    }
  })

  it('names the passport instead when the store has no system for it', async () => {
    const r = (await t.store.incidentFeedBefore(null, 1)).items[0] as IncidentStored
    const e = incidentEntry({ ...r, system: undefined })
    expect(
      e.title.startsWith(`Serious incident: passport ${r.passportId} — ${r.incidentId} `),
    ).toBe(true)
    expect(e.summary.split('\n')).not.toContainEqual(expect.stringMatching(/^System:/))
    expect(e.summary.split('\n')).toContain(`Passport: ${r.passportId}`)
  })

  it('carries untrusted text as the same plain text, escaped, without the control character', async () => {
    const p = await published()
    const { id } = await postIncident(p, incident({ summary: HOSTILE }))
    const res = await get('/feeds/incidents.atom')
    expect(res.body).not.toContain('<script>')
    expect(res.body).not.toContain('\u0007')
    expect(res.body).not.toContain('CDATA')
    const entry = parseAtom(res.body).entries.find((e) => e.id === id)
    expect(entry?.summaryType).toBe('text')
    expect(entry?.summary.endsWith(HOSTILE.replace('\u0007', '\uFFFD'))).toBe(true)
  })

  it('takes limit 1 to 200 (default 50) and answers bad values with the error JSON', async () => {
    const all = (await feed('/feeds/incidents.atom')).entries
    expect(all.length).toBeGreaterThan(2)
    const two = (await feed('/feeds/incidents.atom?limit=2')).entries
    expect(two.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id))
    for (const bad of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'limit=0&_=1']) {
      const res = await get(`/feeds/incidents.atom?${bad}`)
      expect(res.statusCode, bad).toBe(400)
      expect(res.headers['content-type'], bad).toContain('application/json')
      expect(res.json().code, bad).toBe('ERR_CONFIG_BAD_REQUEST')
    }
    expect((await feed('/feeds/incidents.atom?limit=200')).entries).toHaveLength(all.length)
  })

  it('ignores query parameters feed readers and proxies add: the same document and ETag', async () => {
    const plain = await get('/feeds/incidents.atom')
    expect(plain.statusCode).toBe(200)
    expect(parseAtom(plain.body).entries.length).toBeGreaterThan(0)
    for (const extra of ['_=1700000000', 'utm_source=reader&utm_medium=rss', 'after=3', 'x']) {
      const res = await get(`/feeds/incidents.atom?${extra}`)
      expect(res.statusCode, extra).toBe(200)
      expect(res.body, extra).toBe(plain.body)
      expect(res.headers.etag, extra).toBe(plain.headers.etag)
      // A reader's If-None-Match with the ETag it got with its cache-buster: 304.
      const again = await get(`/feeds/incidents.atom?${extra}`, {
        'if-none-match': plain.headers.etag as string,
      })
      expect(again.statusCode, extra).toBe(304)
    }
    // With limit, the other parameter changes nothing either.
    const two = await get('/feeds/incidents.atom?limit=2')
    const twoBusted = await get('/feeds/incidents.atom?_=1700000000&limit=2')
    expect(twoBusted.body).toBe(two.body)
    expect(twoBusted.headers.etag).toBe(two.headers.etag)
    for (const name of ['evaluations', 'revocations']) {
      const a = await get(`/feeds/${name}.atom`)
      const b = await get(`/feeds/${name}.atom?_=1700000000&utm_source=x`)
      expect(b.statusCode, name).toBe(200)
      expect(b.headers.etag, name).toBe(a.headers.etag)
      expect((await get(`/feeds/${name}.atom?limit=abc&_=1`)).statusCode, name).toBe(400)
    }
    // The JSON feed, an API with documented parameters, stays strict.
    const json = await get('/api/v1/incidents?order=desc&_=1700000000')
    expect(json.statusCode).toBe(400)
    expect(json.json().code).toBe('ERR_CONFIG_BAD_REQUEST')
  })

  it('has an ETag that If-None-Match answers with 304, and Last-Modified of the newest entry', async () => {
    const first = await get('/feeds/incidents.atom')
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(first.headers['last-modified']).toBe(
      new Date(parseAtom(first.body).updated).toUTCString(),
    )
    const again = await get('/feeds/incidents.atom', { 'if-none-match': `"x", ${etag}` })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    expect((await get('/feeds/incidents.atom', { 'if-none-match': '"x"' })).statusCode).toBe(200)
    // Another document (another limit, or a new report) has another ETag.
    expect((await get('/feeds/incidents.atom?limit=1')).headers.etag).not.toBe(etag)
    await postIncident(await published(), incident())
    const changed = await get('/feeds/incidents.atom', { 'if-none-match': etag })
    expect(changed.statusCode).toBe(200)
    expect(changed.headers.etag).not.toBe(etag)
  })
})

describe('GET /feeds/evaluations.atom', () => {
  it('lists the newest evaluation results first, as the JSON feed', async () => {
    const p = await published('border-biometrics')
    const model = p.claims.credentialSubject.artifacts?.[0]?.sha256 as string
    const ids: string[] = []
    for (const [n, met] of [
      [1, true],
      [2, false],
    ] as const) {
      const token = await signEvaluationResult(
        buildEvaluationClaims({
          passportDigest: sha256Hex(passportDigestInput(p.token)),
          passportJti: p.id,
          passportIssuer: 'https://vendor.example/accord',
          subjectId: p.subjectId,
          evaluation: {
            evaluator: { id: 'https://lab.example', name: 'Lab & <b>Co</b>', role: 'test-lab' },
            artifacts: [{ sha256: model }],
            method: { kind: 'benchmark', name: `FMR protocol ${n}`, version: '1' },
            performedAt: iso(NOW - 86400).slice(0, 10),
            summary: `Run ${n}.`,
            metrics: [
              {
                name: 'False match rate',
                value: met ? 0.0005 : 0.002,
                threshold: { value: 0.001, higherIsBetter: false, met },
              },
            ],
          },
          issuedAt: NOW - 60,
          id: `urn:uuid:${randomUUID()}`,
        }),
        evaluator,
      )
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/passports/${encodeURIComponent(p.id)}/evaluations`,
        payload: { result: token, jwk: evaluator.publicJwk },
      })
      expect(res.statusCode, res.body).toBe(201)
      ids.push(res.json().id)
    }
    const f = await feed('/feeds/evaluations.atom')
    expectAtomFeed(f, 'evaluations.atom')
    const json = (await get('/api/v1/evaluations?order=desc')).json().items as {
      id: string
      publishedAt: string
      logIndex: number
    }[]
    expect(f.entries.map((e) => e.id)).toEqual(json.map((r) => r.id))
    expect(f.entries.slice(0, 2).map((e) => e.id)).toEqual([...ids].reverse())
    const [second, first] = f.entries
    expect(second?.title).toBe(
      'Evaluation result: Valvur Sentinel 2.4.0 — FMR protocol 2 1, 0 of 1 thresholds met',
    )
    expect(first?.title).toBe(
      'Evaluation result: Valvur Sentinel 2.4.0 — FMR protocol 1 1, 1 of 1 thresholds met',
    )
    expect(second?.summary.split('\n')).toEqual(
      expect.arrayContaining([
        'System: Valvur Sentinel 2.4.0',
        `Result: ${ids[1]}`,
        `Passport: ${p.id}`,
        'Evaluator: Lab & <b>Co</b> (test-lab)',
        `Evaluator key: ${evaluator.kid}`,
        `Log index: ${json[0]?.logIndex}`,
      ]),
    )
    expect(new URL(second?.links[0]?.href ?? '', `${BASE}/feeds/evaluations.atom`).pathname).toBe(
      `/passports/${encodeURIComponent(p.id)}`,
    )
  })
})

describe('GET /feeds/passports.atom', () => {
  it('lists published passports newest first, as the JSON search, and follows one vendor or system', async () => {
    const chatbot = await published('public-chatbot')
    const police = await published('police-analytics')
    const f = await feed('/feeds/passports.atom')
    expectAtomFeed(f, 'passports.atom')
    const json = (await get('/api/v1/passports?limit=50')).json().items as { id: string }[]
    expect(f.entries.map((e) => e.id)).toEqual(json.map((p) => p.id))
    // The test registry's clock stands still: passports published at one instant are ordered
    // by id, as the JSON search orders them (above).
    expect(f.entries.map((e) => e.id)).toEqual(expect.arrayContaining([police.id, chatbot.id]))
    const newest = f.entries.find((e) => e.id === police.id)
    expect(newest?.title).toBe(
      'Passport published: Kestrel Lattice 3.2.0 — Kestrel Ridge Analytics Ltd.',
    )
    expect(newest?.summary.split('\n')).toEqual(
      expect.arrayContaining([
        'System: Kestrel Lattice 3.2.0',
        `Passport: ${police.id}`,
        `System id: ${police.subjectId}`,
        'Status: valid',
      ]),
    )
    expect(new URL(newest?.links[0]?.href ?? '', `${BASE}/feeds/passports.atom`).pathname).toBe(
      `/passports/${encodeURIComponent(police.id)}`,
    )

    // One system: every version of it and nothing else; the filter is in the id and self link.
    const subject = encodeURIComponent(chatbot.subjectId)
    const one = await feed(`/feeds/passports.atom?subject=${subject}&_=1700000000`)
    expectAtomFeed(one, `passports.atom?subject=${subject}`)
    expect(one.entries.length).toBeGreaterThan(0)
    expect(one.entries.every((e) => e.summary.includes(`System id: ${chatbot.subjectId}`))).toBe(
      true,
    )
    expect(one.id).not.toBe(f.id)
    // One vendor, by a substring of its name in any case.
    const vendor = await feed('/feeds/passports.atom?provider=kestrel')
    expect(vendor.entries.length).toBeGreaterThan(0)
    expect(vendor.entries.every((e) => e.title.endsWith('— Kestrel Ridge Analytics Ltd.'))).toBe(
      true,
    )
    expect((await get('/feeds/passports.atom?provider=no-such-vendor')).statusCode).toBe(200)
    expect((await feed('/feeds/passports.atom?provider=no-such-vendor')).entries).toEqual([])
    expect((await get(`/feeds/passports.atom?provider=${'x'.repeat(201)}`)).statusCode).toBe(400)
  })
})

describe('GET /feeds/revocations.atom', () => {
  it('lists suspensions, reinstatements and revocations newest first, with stable ids', async () => {
    const p = await published()
    const statusUrl = `/api/v1/passports/${encodeURIComponent(p.id)}/status`
    const indexes: number[] = []
    for (const body of [
      { status: 'suspended', reason: 'audit <pending> & "review"' },
      { status: 'valid' },
      { status: 'revoked', reason: 'key compromise' },
    ]) {
      const res = await signedInject(t.app, {
        method: 'POST',
        url: statusUrl,
        body,
        signer: issuer,
      })
      expect(res.statusCode, res.body).toBe(200)
      indexes.push(res.json().logIndex)
    }
    const f = await feed('/feeds/revocations.atom')
    expectAtomFeed(f, 'revocations.atom')
    expect(f.entries.map((e) => e.title).slice(0, 3)).toEqual([
      `Passport of Kestrel Lattice 3.2.0 revoked (${p.id})`,
      `Passport of Kestrel Lattice 3.2.0 reinstated (${p.id})`,
      `Passport of Kestrel Lattice 3.2.0 suspended (${p.id})`,
    ])
    const { verifierKey } = t.registry
    expect(f.entries.slice(0, 3).map((e) => e.id)).toEqual(
      [...indexes].reverse().map((i) => uuidV5(UUID_NAMESPACE_URL, `${verifierKey}#log/${i}`)),
    )
    expect(f.entries[2]?.summary.split('\n')).toEqual(
      expect.arrayContaining([
        'System: Kestrel Lattice 3.2.0',
        'Status: suspended',
        'Reason: audit <pending> & "review"',
        `Log index: ${indexes[0]}`,
      ]),
    )
    // The same document again: the same ids.
    expect((await feed('/feeds/revocations.atom')).entries.map((e) => e.id)).toEqual(
      f.entries.map((e) => e.id),
    )
  })
})

describe('feed discovery and path prefix', () => {
  it.each([
    ['/incidents', 'incidents'],
    ['/search', 'passports'],
  ])('the page %s names the %s feed in its head', async (page, name) => {
    const html = (await get(page)).body
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head).toMatch(
      new RegExp(
        `<link\\s+rel="alternate"\\s+type="application/atom\\+xml"\\s+title="[^"]+"\\s+href="feeds/${name}\\.atom"\\s*/>`,
      ),
    )
  })

  it('under --path-prefix, the page, feed and entry links resolve inside the prefix', async () => {
    // A second app over the same store, served under /accord; the report is posted to the first.
    const prefixed = await appOn(t.store, await makeSigner('EdDSA'), { pathPrefix: '/accord' })
    try {
      const p = await published()
      await postIncident(p, incident())

      const pageUrl = `${BASE}/accord/incidents`
      const html = (await prefixed.app.inject('/accord/incidents')).body
      const href = /type="application\/atom\+xml"[^>]*href="([^"]+)"/.exec(html)?.[1] as string
      const feedUrl = new URL(href, pageUrl)
      expect(feedUrl.pathname).toBe('/accord/feeds/incidents.atom')
      const res = await prefixed.app.inject(feedUrl.pathname)
      expect(res.statusCode).toBe(200)
      const f = parseAtom(res.body)
      const self = f.links.find((l) => l.rel === 'self')?.href as string
      expect(new URL(self, feedUrl).pathname).toBe('/accord/feeds/incidents.atom')
      const alt = f.links.find((l) => l.type === 'text/html')?.href as string
      expect(new URL(alt, feedUrl).pathname).toBe('/accord/incidents')
      const entryPage = new URL(f.entries[0]?.links[0]?.href as string, feedUrl)
      expect(entryPage.pathname).toBe(`/accord/passports/${encodeURIComponent(p.id)}`)
      expect((await prefixed.app.inject(entryPage.pathname)).statusCode).toBe(200)
      expect((await prefixed.app.inject('/feeds/incidents.atom')).statusCode).toBe(404)
    } finally {
      await prefixed.close()
    }
  })
})

describe('atom.ts helpers', () => {
  it('uuidV5 gives RFC 9562 name-based UUIDs', () => {
    // RFC 9562 Appendix A.4: "www.example.com" in the DNS namespace.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      'urn:uuid:2ed6657d-e927-568b-95e1-2665a8aea6a2',
    )
  })

  it('xmlText replaces what XML 1.0 cannot carry and keeps the rest', () => {
    const kept = 'tab\t lf\n cr\r é 中 🙂 \uE000 \uFFFD'
    expect(xmlText(kept)).toBe(kept)
    expect(xmlText('a\u0000b\u0008c\u001Fd\uFFFEe\uFFFFf\uD800g\uDC00')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFD',
    )
  })

  it('the feed ids differ between registries (the verifier key) and between feeds', async () => {
    const other = await startApp()
    try {
      const a = parseAtom((await get('/feeds/incidents.atom')).body).id
      const b = parseAtom((await other.app.inject('/feeds/incidents.atom')).body).id
      expect(a).not.toBe(b)
      expect(a).toBe(uuidV5(UUID_NAMESPACE_URL, `${t.registry.verifierKey}#feeds/incidents`))
    } finally {
      await other.close()
    }
  })
})
