/**
 * Partner registries (`accord serve --follow`, src/server/partners.ts): registry B follows
 * registry A's transparency log and mirrors the passports, incident reports and evaluation
 * results A publishes, with their provenance; resumes after a restart without duplicates; records
 * and skips what it refuses; stops following a log that shows a split view. A fake A is a proxy in
 * front of a real one that alters what it serves.
 */
import { createHash, randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { buildEvaluationClaims, signEvaluationResult } from '../../src/core/evaluation/result.js'
import { buildIncidentClaims, signIncidentReport } from '../../src/core/incident/report.js'
import { issuerJwtOf, passportDigestInput } from '../../src/core/passport/endorse.js'
import type { Signer } from '../../src/core/ports.js'
import type { RegistryStore } from '../../src/core/store.js'
import { openPgliteStore, MEMORY, type SqlStore } from '../../src/node/store/index.js'
import { loadLogKey } from '../../src/node/tlog/log-key.js'
import type { PartnerView } from '../../src/server/partners.js'
import { sha256Hex } from '../../src/server/signed-request.js'
import { followTargets, startServer } from '../../src/cli/commands/serve.js'
import { EXAMPLES, run } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'
import { registryWithPassport } from './registry-fixture.js'
import {
  NOW,
  appOn,
  incident,
  makePassport,
  makeSigner,
  publish,
  signedInject,
  type AppOnStore,
  type TestSigner,
} from './helpers.js'

const INCIDENT = path.join(EXAMPLES, 'border-biometrics', 'incident.yaml')

/** What is closed after each test. */
const opened: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close()
})

async function memoryStore(): Promise<SqlStore> {
  const store = await openPgliteStore(MEMORY)
  await store.migrate()
  opened.push(store)
  return store
}

interface Listening extends AppOnStore {
  url: string
  store: RegistryStore
}

/** A registry on `store` listening on a free port of 127.0.0.1. */
async function listening(
  store: RegistryStore,
  logKey: Signer,
  origin: string,
  options: Parameters<typeof appOn>[2] = {},
): Promise<Listening> {
  const served = await appOn(store, logKey, options, origin)
  const url = await served.app.listen({ port: 0, host: '127.0.0.1' })
  const entry = { ...served, url, store }
  opened.push(entry)
  return entry
}

/** Registry B on `store`, following `url` with the log key `vkey`, polling every 20 ms. */
async function follower(store: RegistryStore, logKey: Signer, url: string, vkey: string) {
  return listening(store, logKey, 'b.example/log', {
    follow: {
      partners: [{ url, key: await loadLogKey(vkey), pinnedKey: vkey }],
      pollMs: 20,
    },
  })
}

async function partnerOf(b: Listening): Promise<PartnerView> {
  const res = await b.app.inject('/api/v1/partners')
  expect(res.statusCode).toBe(200)
  return res.json().partners[0] as PartnerView
}

/**
 * Polls B's partner view until `done` holds (the follower polls every 20 ms); fails, rather than
 * hangs, when it has not after 30 s.
 */
async function until(b: Listening, done: (p: PartnerView) => boolean): Promise<PartnerView> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const p = await partnerOf(b)
    if (done(p)) return p
    if (p.state === 'stopped') throw new Error(`follower stopped: ${p.reason}`)
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(p)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Until B has handled every entry of A's log. */
const caughtUp = (b: Listening, a: Listening) =>
  until(b, (p) => p.checkpointSize === a.registry.size && p.nextIndex === a.registry.size)

interface Passport {
  id: string
  token: string
  subjectId: string
  model: string
  logIndex: number
}

/** A border-biometrics passport (it commits to model artifacts) published to `r`. */
async function publishPassport(r: Listening, issuer: TestSigner): Promise<Passport> {
  const made = await makePassport(issuer, 0, 'border-biometrics')
  const res = await publish(r.app, issuer, made.token)
  expect(res.statusCode, res.body).toBe(201)
  const claims = decodeJwt(issuerJwtOf(made.token)) as {
    credentialSubject: { id: string; artifacts: { sha256: string }[] }
  }
  return {
    ...made,
    subjectId: claims.credentialSubject.id,
    model: claims.credentialSubject.artifacts[0]?.sha256 as string,
    logIndex: res.json().logIndex as number,
  }
}

const binding = (p: Passport) => ({
  passportDigest: sha256Hex(passportDigestInput(p.token)),
  passportJti: p.id,
  passportIssuer: 'https://vendor.example/accord',
  subjectId: p.subjectId,
  issuedAt: NOW - 60,
  id: `urn:uuid:${randomUUID()}`,
})

/** An incident report about `p` posted to `r`; its id and log index there. */
async function reportIncident(r: Listening, p: Passport, reporter: TestSigner) {
  const token = await signIncidentReport(
    buildIncidentClaims({ ...binding(p), incident: incident() }),
    reporter,
  )
  const res = await r.app.inject({
    method: 'POST',
    url: `/api/v1/passports/${encodeURIComponent(p.id)}/incidents`,
    payload: { report: token, jwk: reporter.publicJwk },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; logIndex: number }
}

/** An evaluation result about `p` posted to `r`; its id and log index there. */
async function reportEvaluation(r: Listening, p: Passport, evaluator: TestSigner) {
  const token = await signEvaluationResult(
    buildEvaluationClaims({
      ...binding(p),
      evaluation: {
        evaluator: { id: 'https://lab.example', name: 'Lab', role: 'test-lab' },
        artifacts: [{ sha256: p.model }],
        method: { kind: 'benchmark', name: 'FMR protocol', version: '1' },
        performedAt: new Date((NOW - 86400) * 1000).toISOString().slice(0, 10),
        metrics: [{ name: 'False match rate', value: 0.002 }],
        summary: 'Measured.',
      },
    }),
    evaluator,
  )
  const res = await r.app.inject({
    method: 'POST',
    url: `/api/v1/passports/${encodeURIComponent(p.id)}/evaluations`,
    payload: { result: token, jwk: evaluator.publicJwk },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; logIndex: number }
}

const passportUrl = (id: string) => `/api/v1/passports/${encodeURIComponent(id)}`

/** B's log entries (payloads) of every kind. */
async function logPayloads(r: Listening): Promise<string[]> {
  const res = await r.app.inject(`/api/v1/log/entries?start=0&end=${r.registry.size}`)
  return (res.json().entries as { payload: string }[]).map((e) => e.payload)
}

/**
 * A fake A: a proxy in front of `upstream()` that serves what `alter(path, body)` returns instead
 * of the body, when it returns a string (or another status and body).
 */
async function fakeRegistry(
  upstream: () => string,
  alter: (path: string, body: string) => string | { status: number; body: string } | undefined,
): Promise<string> {
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const answer = await fetch(`${upstream()}${req.url ?? '/'}`)
    const text = await answer.text()
    const altered = alter(req.url ?? '/', text)
    const { status, body } =
      typeof altered === 'object' ? altered : { status: answer.status, body: altered ?? text }
    res.writeHead(status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
    res.end(body)
  }
  const server: Server = createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      res.writeHead(500)
      res.end(String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Registry A (origin a.example/log) on a fresh store, with its log key, and registry B's key. */
async function twoKeys() {
  const [aKey, bKey, issuer, reporter, evaluator] = await Promise.all([
    makeSigner('EdDSA'),
    makeSigner('EdDSA'),
    makeSigner('EdDSA'),
    makeSigner('ES256'),
    makeSigner('ES256'),
  ])
  const a = await listening(await memoryStore(), aKey, 'a.example/log')
  return { a, aKey, bKey, issuer, reporter, evaluator }
}

describe('registry B following registry A', () => {
  it('mirrors passports, incident reports, evaluation results and status changes with their provenance, in its own log', async () => {
    const { a, bKey, issuer, reporter, evaluator } = await twoKeys()
    const p = await publishPassport(a, issuer)
    const report = await reportIncident(a, p, reporter)
    const result = await reportEvaluation(a, p, evaluator)
    // The issuer suspends it at A: mirrored, as the passport came from A.
    const suspended = await signedInject(a.app, {
      method: 'POST',
      url: `${passportUrl(p.id)}/status`,
      body: { status: 'suspended' },
      signer: issuer,
    })
    expect(suspended.statusCode, suspended.body).toBe(200)
    const q = await publishPassport(a, issuer)

    const b = await follower(await memoryStore(), bKey, a.url, a.registry.verifierKey)
    const view = await caughtUp(b, a)
    expect(view).toMatchObject({
      url: a.url,
      origin: 'a.example/log',
      pinnedKey: a.registry.verifierKey,
      state: 'ok',
      reason: null,
      checkpointSize: 5,
      lastMirroredIndex: q.logIndex,
      nextIndex: 5,
      mirrored: 5,
      refused: 0,
    })

    const from = (index: number) => ({ origin: 'a.example/log', index, url: a.url })
    const got = (await b.app.inject(passportUrl(p.id))).json()
    expect(got.token).toBe(p.token)
    // A serves the issuer key that signed the publish; B, having checked it, serves it too.
    expect((await a.app.inject(passportUrl(p.id))).json().issuerJwk).toEqual(issuer.publicJwk)
    expect(got.issuerJwk).toEqual(issuer.publicJwk)
    // A follows no one.
    expect((await a.app.inject('/api/v1/partners')).json()).toEqual({ partners: [] })
    expect(got.mirroredFrom).toMatchObject(from(p.logIndex))
    expect(got).toMatchObject({ status: 'suspended', statusByKid: issuer.kid })
    const search = (await b.app.inject('/api/v1/passports')).json()
    expect(
      search.items.map((i: { mirroredFrom: { index: number } }) => i.mirroredFrom.index),
    ).toEqual(expect.arrayContaining([p.logIndex, q.logIndex]))

    const incidents = (await b.app.inject(`${passportUrl(p.id)}/incidents`)).json()
    expect(incidents.items[0].reports[0]).toMatchObject({
      id: report.id,
      reporterKid: reporter.kid,
      mirroredFrom: from(report.logIndex),
    })
    const feed = (await b.app.inject('/api/v1/incidents?after=-1')).json()
    expect(feed.items[0].mirroredFrom).toMatchObject(from(report.logIndex))
    const results = (await b.app.inject(`${passportUrl(p.id)}/evaluations`)).json()
    expect(results.items[0]).toMatchObject({
      id: result.id,
      mirroredFrom: from(result.logIndex),
    })
    const ui = (await b.app.inject(`/api/v1/ui/passports/${encodeURIComponent(p.id)}`)).json()
    expect(ui.mirroredFrom).toMatchObject(from(p.logIndex))

    // B's own log holds the same entries as A's (the same format: B's clients need no change).
    expect(await logPayloads(b)).toEqual(await logPayloads(a))
    expect(got.logIndex).toBe(0)

    // A statement published to B directly has no provenance.
    const own = await publishPassport(b, issuer)
    expect((await b.app.inject(passportUrl(own.id))).json().mirroredFrom).toBeUndefined()
  })

  it('resumes after a restart where it stopped, and stores a statement published to both once', async () => {
    const { a, bKey, issuer, reporter } = await twoKeys()
    const p = await publishPassport(a, issuer)
    await reportIncident(a, p, reporter)
    // Through a proxy that records which entries B reads.
    const reads: number[] = []
    const proxy = await fakeRegistry(
      () => a.url,
      (path) => {
        const start = /^\/api\/v1\/log\/entries\?start=(\d+)/.exec(path)?.[1]
        if (start !== undefined) reads.push(Number(start))
        return undefined
      },
    )
    const bStore = await memoryStore()
    const b1 = await follower(bStore, bKey, proxy, a.registry.verifierKey)
    await caughtUp(b1, a)
    expect(b1.registry.size).toBe(2)
    // One passport goes to both registries directly: to B now, to A while B is down.
    const both = await makePassport(issuer, 0, 'border-biometrics')
    expect((await publish(b1.app, issuer, both.token)).statusCode).toBe(201)
    await b1.close()
    opened.splice(opened.indexOf(b1), 1)

    const q = await publishPassport(a, issuer)
    expect((await publish(a.app, issuer, both.token)).statusCode).toBe(201)
    await reportIncident(a, q, reporter)
    // A status change at A of a passport B did not get from A is not A's to make at B.
    const suspended = await signedInject(a.app, {
      method: 'POST',
      url: `${passportUrl(both.id)}/status`,
      body: { status: 'suspended' },
      signer: issuer,
    })
    expect(suspended.statusCode, suspended.body).toBe(200)
    expect(reads).toEqual([0])
    const b2 = await follower(bStore, bKey, proxy, a.registry.verifierKey)

    const view = await caughtUp(b2, a)
    expect(view).toMatchObject({ mirrored: 4, refused: 1, nextIndex: 6 })
    expect(view.refusals[0]).toMatchObject({ index: 5, kind: 'suspension', statementId: both.id })
    expect(view.refusals[0]?.reason).toMatch(/was not mirrored from this partner/)
    expect((await b2.app.inject(passportUrl(both.id))).json().status).toBe('valid')
    // After the restart, B read A's log from where it stopped: entry 2.
    expect(reads).toEqual([0, 2])
    // Entries 0 and 1 were not mirrored again; `both` is stored once, as published to B.
    const payloads = await logPayloads(b2)
    expect(payloads).toHaveLength(5)
    expect(new Set(payloads).size).toBe(5)
    expect(payloads.filter((t) => t.includes(both.id))).toHaveLength(1)
    expect((await b2.app.inject(passportUrl(both.id))).json().mirroredFrom).toBeUndefined()
    expect((await b2.app.inject(passportUrl(q.id))).json().mirroredFrom.index).toBe(2)
  })

  it('records a statement it refuses with the reason, and still mirrors the next entry', async () => {
    const { a, bKey, issuer, reporter } = await twoKeys()
    const stranger = await makeSigner('EdDSA')
    const wrongKey = await publishPassport(a, issuer)
    const tampered = await publishPassport(a, issuer)
    const other = await makePassport(issuer, 0, 'border-biometrics')
    const good = await publishPassport(a, issuer)
    await reportIncident(a, wrongKey, reporter) // about a passport B refused
    const fine = await reportIncident(a, good, reporter)
    const revoked = await signedInject(a.app, {
      method: 'POST',
      url: `${passportUrl(wrongKey.id)}/status`,
      body: { status: 'revoked' },
      signer: issuer,
    })
    expect(revoked.statusCode, revoked.body).toBe(200)
    // The fake A serves another key as the issuer of one passport (its kid does not match), and
    // another passport's token for the second one (it is not the one its entry commits to).
    const fake = await fakeRegistry(
      () => a.url,
      (path, body) => {
        if (path === passportUrl(wrongKey.id))
          return JSON.stringify({ ...JSON.parse(body), issuerJwk: stranger.publicJwk })
        if (path === passportUrl(tampered.id))
          return JSON.stringify({ ...JSON.parse(body), token: other.token })
        return undefined
      },
    )
    const b = await follower(await memoryStore(), bKey, fake, a.registry.verifierKey)
    const view = await caughtUp(b, a)
    expect(view).toMatchObject({ state: 'ok', mirrored: 2, refused: 4 })
    const reasons = Object.fromEntries(view.refusals.map((r) => [r.index, r]))
    expect(reasons[wrongKey.logIndex]).toMatchObject({ kind: 'passport', statementId: wrongKey.id })
    expect(reasons[wrongKey.logIndex]?.reason).toMatch(/signed by key .*not by the key/)
    expect(reasons[tampered.logIndex]?.reason).toMatch(/not the one its log entry commits to/)
    expect(reasons[3]).toMatchObject({ kind: 'incident' })
    expect(reasons[3]?.reason).toMatch(/is not in this registry/)
    expect(reasons[5]).toMatchObject({ kind: 'revocation', statementId: wrongKey.id })
    expect(reasons[5]?.reason).toMatch(/is not in this registry/)
    expect((await b.app.inject(passportUrl(wrongKey.id))).statusCode).toBe(404)
    expect((await b.app.inject(passportUrl(tampered.id))).statusCode).toBe(404)
    expect((await b.app.inject(passportUrl(good.id))).json().mirroredFrom.index).toBe(2)
    const incidents = (await b.app.inject(`${passportUrl(good.id)}/incidents`)).json()
    expect(incidents.items[0].reports[0].id).toBe(fine.id)
  })

  it('tries a statement again while the partner cannot serve it (503), without refusing it', async () => {
    const { a, bKey, issuer } = await twoKeys()
    const p = await publishPassport(a, issuer)
    let down = true
    const fake = await fakeRegistry(
      () => a.url,
      (path) => (down && path === passportUrl(p.id) ? { status: 503, body: 'busy' } : undefined),
    )
    const b = await follower(await memoryStore(), bKey, fake, a.registry.verifierKey)
    const failing = await until(b, (v) => v.lastError !== null && v.lastError.includes('503'))
    expect(failing).toMatchObject({ state: 'ok', nextIndex: 0, mirrored: 0, refused: 0 })
    down = false
    expect(await caughtUp(b, a)).toMatchObject({ mirrored: 1, refused: 0, lastError: null })
  })

  it('stops following a log that shows a split view, with the reason; its own publishing goes on', async () => {
    const { a, aKey, bKey, issuer } = await twoKeys()
    await publishPassport(a, issuer)
    // Another history signed with A's log key: a fork of A that the fake A turns to.
    const fork = await listening(await memoryStore(), aKey, 'a.example/log')
    await publishPassport(fork, issuer)
    await publishPassport(fork, issuer)
    let upstream = a.url
    const fake = await fakeRegistry(
      () => upstream,
      () => undefined,
    )
    const b = await follower(await memoryStore(), bKey, fake, a.registry.verifierKey)
    await caughtUp(b, a)
    upstream = fork.url
    const view = await until(b, (p) => p.state === 'stopped')
    expect(view.reason).toMatch(/^SPLIT VIEW: the checkpoint of size 2 is not consistent/)
    expect(view.reason).toContain('--- verified before:\na.example/log\n1\n')
    expect(view).toMatchObject({ checkpointSize: 1, mirrored: 1 })
    // B goes on publishing its own statements.
    const own = await publishPassport(b, issuer)
    expect(own.logIndex).toBe(1)
  })
})

describe('registry B following a partner that misbehaves', () => {
  it('stops on entries that are not the ones the checkpoint signs, mirroring none of them', async () => {
    const { a, bKey, issuer } = await twoKeys()
    const p = await publishPassport(a, issuer)
    await publishPassport(a, issuer)
    // The fake A changes entry 1 (with a leaf hash that matches its new payload): only the root
    // of the signed checkpoint tells.
    const fake = await fakeRegistry(
      () => a.url,
      (path, body) => {
        if (!path.startsWith('/api/v1/log/entries')) return undefined
        const page = JSON.parse(body) as { entries: { payload: string; leafHash: string }[] }
        for (const e of page.entries.slice(1)) {
          e.payload = e.payload.replace(/"id":"[^"]+"/, `"id":"${p.id}"`)
          e.leafHash = createHash('sha256')
            .update(Buffer.concat([Buffer.from([0]), Buffer.from(e.payload)]))
            .digest('hex')
        }
        return JSON.stringify(page)
      },
    )
    const b = await follower(await memoryStore(), bKey, fake, a.registry.verifierKey)
    const view = await until(b, (v) => v.state === 'stopped')
    expect(view.reason).toMatch(/^TAMPERED ENTRIES: the entries 0\.\.1 /)
    expect(view).toMatchObject({ mirrored: 0, nextIndex: 0, checkpointSize: 2 })
    expect(b.registry.size).toBe(0)
  })

  it('stops on a checkpoint the pinned key did not sign', async () => {
    const { a, bKey, issuer } = await twoKeys()
    await publishPassport(a, issuer)
    const other = await listening(await memoryStore(), await makeSigner('EdDSA'), 'a.example/log')
    const b = await follower(await memoryStore(), bKey, other.url, a.registry.verifierKey)
    const view = await until(b, (v) => v.state === 'stopped')
    expect(view.reason).toMatch(/serves a checkpoint that does not verify with the log key/)
    expect(view).toMatchObject({ origin: null, mirrored: 0 })
  })
})

describe('accord serve with ACCORD_FOLLOW, and a buyer asking the follower', () => {
  it('`accord verify --incidents` at B finds the incident report published to A', async () => {
    const { server: a, p } = await registryWithPassport('accord-follow-a-', 'border-biometrics', [
      'issuer',
    ])
    opened.push(a)
    const report = p('report.sd-jwt')
    const key = p('keys', 'issuer.private.jwk.json')
    const made = await run([
      'incident',
      'report',
      p('passport.sd-jwt'),
      '--file',
      INCIDENT,
      '--key',
      key,
      '--out',
      report,
    ])
    expect(made.code, made.stderr).toBe(0)
    const pub = await run(['incident', 'publish', report, '--registry', a.url, '--key', key])
    expect(pub.code, pub.stderr).toBe(0)

    const b = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(tempDir('accord-follow-b-'), 'registry'),
      logLevel: 'silent',
      env: { ACCORD_FOLLOW: ` ${a.url}=${a.verifierKey}\n` },
      followIntervalMs: 20,
    })
    opened.push(b)
    const deadline = Date.now() + 30_000
    let partner: PartnerView | undefined
    while (Date.now() < deadline) {
      partner = (
        (await (await fetch(`${b.url}/api/v1/partners`)).json()) as {
          partners: PartnerView[]
        }
      ).partners[0]
      if (partner?.mirrored === 2) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(partner).toMatchObject({
      url: a.url,
      pinnedKey: a.verifierKey,
      state: 'ok',
      mirrored: 2,
    })

    const policy = p('incidents.policy.yaml')
    writeFileSync(
      policy,
      [
        'apiVersion: accord.dev/v1',
        'kind: AcceptancePolicy',
        'name: incidents',
        'trust:',
        '  issuers:',
        '    - name: Vendor',
        `      jwk: ${JSON.stringify(JSON.parse(readFileSync(p('keys', 'issuer.public.jwk.json'), 'utf8')))}`,
        'requirements:',
        '  incidents: { maxOpenSerious: 0, check: required }',
      ].join('\n'),
    )
    const r = await run(['verify', p('passport.sd-jwt'), '--policy', policy, '--incidents', b.url])
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain(
      `serious-incident reports from the registry at ${b.url}: 1 incident\n`,
    )
    expect(r.stdout).toMatch(/FAIL policy:incidents:open-serious +incident-open-serious/)
  })

  it('refuses a --follow that is not URL=KEY, or a key that is neither a verifier key nor a file', async () => {
    await expect(followTargets(['https://a.example'])).rejects.toThrow(/must be URL=KEY/)
    await expect(followTargets(['https://a.example=nokey'])).rejects.toThrow(
      /--follow nokey is neither a file nor a verifier key/,
    )
    await expect(followTargets(['https://a.example?x=y=a.example+01234567+AAAA'])).rejects.toThrow()
  })
})
