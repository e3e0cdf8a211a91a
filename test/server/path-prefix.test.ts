/**
 * `accord serve --path-prefix /accord`, for a reverse proxy that forwards /accord/... to the
 * registry without stripping the prefix: the real server (startServer, listening on a port)
 * redirects /accord to /accord/ with a 308 that keeps the query (the pages link relative to
 * themselves, so at /accord their links would leave the prefix), serves the web UI and the API
 * under /accord/, signed requests included, and nothing outside it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { generateKeyPair, signerFromJwk, writeKeyPair } from '../../src/node/keys.js'
import { parsePathPrefix, placeInPrefix } from '../../src/server/path-prefix.js'
import { run } from '../cli/helpers.js'
import { makePassport, NOW } from './helpers.js'

const PREFIX = '/accord'

let dir: string
let server: RunningServer
let keyPath: string
let signer: Awaited<ReturnType<typeof signerFromJwk>>

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'accord-path-prefix-'))
  const logKey = await writeKeyPair(
    path.join(dir, 'log'),
    'log-key',
    await generateKeyPair({ alg: 'EdDSA' }),
  )
  const issuer = await generateKeyPair({ alg: 'EdDSA' })
  keyPath = (await writeKeyPair(path.join(dir, 'keys'), 'issuer', issuer)).privatePath
  signer = await signerFromJwk(issuer.privateJwk)
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    logKey: logKey.privatePath,
    logLevel: 'silent',
    publishWorkers: 0,
    rateLimit: 0,
    nowSeconds: () => NOW,
    env: {},
    pathPrefix: PREFIX,
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('accord serve --path-prefix /accord', () => {
  it('redirects /accord to /accord/ with a 308, keeping the query string', async () => {
    for (const [asked, landed] of [
      ['/accord', '/accord/'],
      ['/accord?provider=Valvur&status=valid', '/accord/?provider=Valvur&status=valid'],
    ] as const) {
      const r = await fetch(server.url + asked, { redirect: 'manual' })
      expect(r.status, asked).toBe(308)
      const location = r.headers.get('location') ?? ''
      expect(new URL(location, server.url + asked).href).toBe(server.url + landed)
    }
    // A browser lands on the page, whose relative links then stay under the prefix.
    const followed = await fetch(`${server.url}/accord?x=1`)
    expect(followed.url).toBe(`${server.url}/accord/?x=1`)
    expect(followed.status).toBe(200)
    expect(followed.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await followed.text()).toContain('href="web/style.css"')
    // The method is kept (308, not 301).
    const post = await fetch(`${server.url}/accord`, { method: 'POST', redirect: 'manual' })
    expect(post.status).toBe(308)
  })

  it('serves the pages, assets and API under the prefix, and nothing outside it', async () => {
    for (const p of ['/accord/', '/accord/search', '/accord/log', '/accord/web/style.css'])
      expect((await fetch(server.url + p)).status, p).toBe(200)
    const info = await fetch(`${server.url}/accord/api/v1/registry`)
    expect(info.status).toBe(200)
    expect(((await info.json()) as { audience: string }).audience).toBe(server.verifierKey)
    for (const p of ['/', '/api/v1/registry', '/web/style.css', '/accordion', '/accordion/'])
      expect((await fetch(server.url + p, { redirect: 'manual' })).status, p).toBe(404)
  })

  it("the Incidents page's no-JavaScript link reaches the newest-first feed under the prefix", async () => {
    const pageUrl = `${server.url}/accord/incidents`
    const html = await (await fetch(pageUrl)).text()
    const noscript = /<noscript\s*>([\s\S]*?)<\/noscript\s*>/.exec(html)?.[1] ?? ''
    const href = /href="([^"]+)"/.exec(noscript)?.[1] ?? ''
    const target = new URL(href, pageUrl)
    expect(target.pathname + target.search).toBe('/accord/api/v1/incidents?order=desc')
    const feed = await fetch(target)
    expect(feed.status).toBe(200)
    expect(await feed.json()).toEqual({ items: [], nextBefore: null })
  })

  it('accepts signed requests sent under the prefix (accord publish --registry .../accord)', async () => {
    const passport = await makePassport(signer, 1)
    const file = path.join(dir, 'p1.sd-jwt')
    writeFileSync(file, passport.token)
    const r = await run(
      ['publish', file, '--registry', `${server.url}${PREFIX}`, '--key', keyPath, '--json'],
      '2026-11-21',
      NOW,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json().id).toBe(passport.id)
    const got = await fetch(
      `${server.url}/accord/api/v1/passports/${encodeURIComponent(passport.id)}`,
    )
    expect(got.status).toBe(200)
  })
})

describe('parsePathPrefix and placeInPrefix', () => {
  it('takes /name segments, drops one trailing slash, and refuses anything else', () => {
    expect(parsePathPrefix('/accord')).toBe('/accord')
    expect(parsePathPrefix('/registry/eu/')).toBe('/registry/eu')
    expect(parsePathPrefix('/')).toBeUndefined()
    expect(parsePathPrefix('')).toBeUndefined()
    for (const bad of ['accord', '/a//b', '/a/../b', '/.hidden', '/a b', '/a?x', '/a%2Fb', '//'])
      expect(() => parsePathPrefix(bad), bad).toThrow(/--path-prefix ".*" is not a path prefix/)
  })

  it('places request targets relative to the prefix', () => {
    expect(placeInPrefix('/registry/eu', '/registry/eu/api/v1/x?y=1')).toEqual({
      inside: '/api/v1/x?y=1',
    })
    expect(placeInPrefix('/registry/eu', '/registry/eu/')).toEqual({ inside: '/' })
    expect(placeInPrefix('/registry/eu', '/registry/eu?q=a%20b')).toEqual({
      redirect: './eu/?q=a%20b',
    })
    expect(placeInPrefix('/registry/eu', '/registry/eu')).toEqual({ redirect: './eu/' })
    expect(placeInPrefix('/registry/eu', '/registry/europe')).toEqual({ outside: true })
    expect(placeInPrefix('/registry/eu', '/api/v1/registry')).toEqual({ outside: true })
  })
})

describe('accord serve --path-prefix: a bad value', () => {
  it('is a bad argument (exit 2) before anything is created', async () => {
    const dataDir = path.join(dir, 'never-created')
    const r = await run(['serve', '--port', '0', '--data-dir', dataDir, '--path-prefix', 'accord'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--path-prefix "accord" is not a path prefix')
    expect(r.stderr).toContain('[ERR_CONFIG_BAD_ARGS]')
    expect(existsSync(dataDir)).toBe(false)
  })
})
