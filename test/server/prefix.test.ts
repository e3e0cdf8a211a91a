/**
 * A registry served under a path prefix (https://host/prefix/, behind a reverse proxy that
 * forwards /prefix/... to the registry as /...): every CLI command that takes the registry's or
 * the log's base URL must send its requests under the prefix, with or without a trailing slash.
 * The proxy here records every path it is asked for and answers 404 outside the prefix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { apiUrl } from '../../src/core/tlog/api.js'
import { generateKeyPair, signerFromJwk, writeKeyPair } from '../../src/node/keys.js'
import { signRequest } from '../../src/server/signed-request.js'
import { run } from '../cli/helpers.js'
import { makePassport, NOW, startApp, type TestApp } from './helpers.js'

const PREFIX = '/registry/eu'

let t: TestApp
let proxy: Server
let base: string
let dir: string
let keyPath: string
let signer: Awaited<ReturnType<typeof signerFromJwk>>
/** The paths (with query) the proxy was asked for since the last reset. */
let asked: string[] = []

beforeAll(async () => {
  t = await startApp()
  dir = mkdtempSync(path.join(tmpdir(), 'accord-prefix-'))
  const pair = await generateKeyPair({ alg: 'EdDSA' })
  keyPath = (await writeKeyPair(path.join(dir, 'keys'), 'issuer', pair)).privatePath
  signer = await signerFromJwk(pair.privateJwk)
  proxy = createServer((req, res) => {
    const url = req.url ?? '/'
    asked.push(url)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (!url.startsWith(`${PREFIX}/`)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not under the prefix')
        return
      }
      const headers = { ...req.headers }
      delete headers.host
      void t.app
        .inject({
          method: req.method as 'GET',
          url: url.slice(PREFIX.length),
          headers,
          ...(chunks.length ? { payload: Buffer.concat(chunks) } : {}),
        })
        .then((r) => {
          const out = { ...r.headers }
          delete out['transfer-encoding']
          res.writeHead(r.statusCode, out as Record<string, string>).end(r.rawPayload)
        })
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}`
}, 60_000)
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve))
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  asked = []
})

const cli = (argv: string[]) => run(argv, '2026-11-21', NOW)

async function passportFile(idx: number): Promise<{ file: string; id: string }> {
  const p = await makePassport(signer, idx)
  const file = path.join(dir, `p${idx}.sd-jwt`)
  writeFileSync(file, p.token)
  return { file, id: p.id }
}

describe('apiUrl', () => {
  it('puts the API path under the base path, with or without a trailing slash', () => {
    for (const b of ['https://h.example/p', 'https://h.example/p/', 'https://h.example/p//'])
      expect(apiUrl(b, '/api/v1/log/entries?start=0&end=2').href).toBe(
        'https://h.example/p/api/v1/log/entries?start=0&end=2',
      )
    expect(apiUrl('https://h.example', '/api/v1/passports').href).toBe(
      'https://h.example/api/v1/passports',
    )
    expect(apiUrl('https://h.example/a/b?x=1#f', '/api/v1/passports').href).toBe(
      'https://h.example/a/b/api/v1/passports',
    )
    expect(() => apiUrl('https://h.example', 'api/v1')).toThrow(TypeError)
  })
})

describe('a registry under a path prefix', () => {
  it('accord publish sends one passport, and a batch, under the prefix (with and without a trailing slash)', async () => {
    const one = await passportFile(1)
    const r1 = await cli(['publish', one.file, '--registry', base, '--key', keyPath, '--json'])
    expect(r1.stderr).toBe('')
    expect(r1.code).toBe(0)
    expect(r1.json().id).toBe(one.id)
    // The registry's audience is read under the prefix too, and signed into the request.
    expect(asked).toEqual([`${PREFIX}/api/v1/registry`, `${PREFIX}/api/v1/passports`])

    asked = []
    const [a, b] = [await passportFile(2), await passportFile(3)]
    const r2 = await cli(['publish', a.file, b.file, '--registry', `${base}/`, '--key', keyPath])
    expect(r2.code).toBe(0)
    expect(asked).toEqual([`${PREFIX}/api/v1/registry`, `${PREFIX}/api/v1/passports/batch`])
    expect((await t.store.getPassport(b.id))?.logIndex).not.toBeNull()
  })

  it('accord log checkpoint, prove and monitor read the log under the prefix', async () => {
    const p = await passportFile(4)
    expect((await cli(['publish', p.file, '--registry', `${base}/`, '--key', keyPath])).code).toBe(
      0,
    )
    await t.registry.sync()
    const key = t.registry.verifierKey
    for (const logUrl of [base, `${base}/`]) {
      asked = []
      const cp = await cli(['log', 'checkpoint', '--log', logUrl, '--key', key, '--json'])
      expect(cp.code).toBe(0)
      expect(asked).toEqual([`${PREFIX}/api/v1/log/checkpoint`])

      asked = []
      const out = path.join(dir, 'bundle.json')
      const prove = await cli(['log', 'prove', p.file, '--log', logUrl, '--key', key, '--out', out])
      expect(prove.stdout).toMatch(/^pass:/)
      expect(prove.code).toBe(0)
      expect(JSON.parse(readFileSync(out, 'utf8')).checkpoint).toMatch(/^test\.example/)
      expect(asked.length).toBeGreaterThan(0)
      for (const a of asked) expect(a.startsWith(`${PREFIX}/api/v1/`)).toBe(true)

      asked = []
      const state = path.join(dir, `monitor-${logUrl.endsWith('/') ? 'slash' : 'plain'}.json`)
      const monitor = await cli([
        ...['log', 'monitor', '--log', logUrl, '--key', key, '--once', '--state', state],
      ])
      expect(monitor.code).toBe(0)
      expect(asked).toContain(`${PREFIX}/api/v1/log/checkpoint`)
      for (const a of asked) expect(a.startsWith(`${PREFIX}/api/v1/`)).toBe(true)
    }
  })
})

describe('signed requests under a path prefix', () => {
  /** Sends a request signed for the registry's audience (read under the prefix) via the proxy. */
  async function send(method: 'POST' | 'DELETE', apiPath: string, body?: unknown) {
    const info = (await (await fetch(apiUrl(base, '/api/v1/registry'))).json()) as {
      audience: string
    }
    const text = body === undefined ? '' : JSON.stringify(body)
    const authorization = await signRequest(signer, {
      audience: info.audience,
      method,
      path: apiPath,
      body: text,
      nowSeconds: NOW,
    })
    return fetch(apiUrl(base, apiPath), {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: text }),
    })
  }

  it('the registry names its audience under the prefix, and accepts a revocation and a delegation signed for it', async () => {
    const info = await fetch(apiUrl(base, '/api/v1/registry'))
    expect(info.status).toBe(200)
    expect(((await info.json()) as { audience: string }).audience).toBe(t.registry.verifierKey)

    const p = await passportFile(5)
    expect((await cli(['publish', p.file, '--registry', base, '--key', keyPath])).code).toBe(0)
    const desk = await signerFromJwk((await generateKeyPair({ alg: 'ES256' })).privateJwk)
    const { kty, crv, x, y } = desk.publicJwk
    const granted = await send('POST', '/api/v1/delegations', {
      delegate: { kty, crv, x, y },
      scope: 'status',
    })
    expect(granted.status).toBe(201)
    const { id: delegationId } = (await granted.json()) as { id: string }
    const withdrawn = await send(
      'DELETE',
      `/api/v1/delegations/${encodeURIComponent(delegationId)}`,
    )
    expect(withdrawn.status).toBe(200)

    const revoked = await send('POST', `/api/v1/passports/${encodeURIComponent(p.id)}/status`, {
      status: 'revoked',
    })
    expect(revoked.status).toBe(200)
    expect((await t.store.getPassport(p.id))?.status).toBe('revoked')
    for (const a of asked) expect(a.startsWith(`${PREFIX}/api/v1/`)).toBe(true)
  })
})

describe('the web UI under a path prefix, without JavaScript', () => {
  it("the passport page's note links to the raw record relative to the page, under the prefix", async () => {
    const p = await passportFile(6)
    expect((await cli(['publish', p.file, '--registry', base, '--key', keyPath])).code).toBe(0)
    const pageUrl = `${base}/passports/${encodeURIComponent(p.id)}`
    const html = await (await fetch(pageUrl)).text()
    const noscript = /<noscript\s*>([\s\S]*?)<\/noscript\s*>/.exec(html)?.[1] ?? ''
    expect(noscript).not.toMatch(/"\/api\//)
    const href = /href="([^"]+)"/.exec(noscript)?.[1]
    expect(href).toBe(`../api/v1/passports/${encodeURIComponent(p.id)}`)

    asked = []
    const record = await fetch(new URL(href!, pageUrl))
    expect(record.status).toBe(200)
    expect(((await record.json()) as { id: string }).id).toBe(p.id)
    expect(asked).toEqual([`${PREFIX}/api/v1/passports/${encodeURIComponent(p.id)}`])
  })

  it("the Incidents page's note links to the newest-first feed relative to the page, under the prefix", async () => {
    const pageUrl = `${base}/incidents`
    const html = await (await fetch(pageUrl)).text()
    const noscript = /<noscript\s*>([\s\S]*?)<\/noscript\s*>/.exec(html)?.[1] ?? ''
    expect(noscript).not.toMatch(/"\/api\//)
    const href = /href="([^"]+)"/.exec(noscript)?.[1]
    // The page lists newest first (order=desc), so the link gives the same order.
    expect(href).toBe('api/v1/incidents?order=desc')

    asked = []
    const feed = await fetch(new URL(href!, pageUrl))
    expect(feed.status).toBe(200)
    // The newest-first page's cursor (nextBefore), not the log-order feed's (nextAfter).
    const body = (await feed.json()) as Record<string, unknown>
    expect(body).toHaveProperty('nextBefore')
    expect(body).not.toHaveProperty('nextAfter')
    expect(asked).toEqual([`${PREFIX}/api/v1/incidents?order=desc`])
  })

  it('an id that is not a passport still gives a page whose link cannot leave the attribute', async () => {
    const id = `"><script>x</script>&'`
    const html = await (await fetch(`${base}/passports/${encodeURIComponent(id)}`)).text()
    expect(html).not.toContain('<script>x')
    expect(html).toContain(`href="../api/v1/passports/${encodeURIComponent(id)}"`)
  })
})
