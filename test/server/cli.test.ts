/**
 * `accord serve` (startServer, listening on a free port) and `accord publish` (the registered
 * command on a fresh commander program) over real HTTP.
 */
import { writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { signerFromJwk } from '../../src/node/keys.js'
import { registerPublish } from '../../src/cli/commands/publish.js'
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { makePassport, NOW } from './helpers.js'
import { tempDir } from '../tmp.js'

let server: RunningServer
let dir: string

beforeAll(async () => {
  dir = tempDir('accord-serve-')
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'registry'),
    logLevel: 'silent',
    nowSeconds: () => NOW,
    env: {},
  })
}, 60_000)
afterAll(() => server.close())

async function runPublish(argv: string[]) {
  let out = ''
  let err = ''
  let exitCode = 0
  const program = new Command().exitOverride()
  registerPublish(program, {
    io: {
      out: (s) => (out += s),
      err: (s) => (err += s),
      isTty: false,
      today: () => '2026-11-20',
      nowSeconds: () => NOW,
    },
    setExit: (c) => (exitCode = c),
  })
  await program.parseAsync(['node', 'accord', 'publish', ...argv])
  return { out, err, exitCode }
}

describe('accord serve + accord publish', () => {
  it('serves on a free port, creates the log key and answers probes', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.verifierKey).toMatch(/^accord\.local\/registry\+[0-9a-f]{8}\+/)
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })

  it('publishes a passport file with a request signed by the issuer key file', async () => {
    const pair = await generateKeyPair({ alg: 'ES256' })
    const { privatePath } = await writeKeyPair(path.join(dir, 'keys'), 'issuer', pair)
    const p = await makePassport(await signerFromJwk(pair.privateJwk))
    const file = path.join(dir, 'passport.sd-jwt')
    writeFileSync(file, p.token)
    const args = [file, '--registry', server.url, '--key', privatePath, '--json']
    const { out } = await runPublish(args)
    expect(JSON.parse(out)).toEqual({ id: p.id, logIndex: 0 })
    const stored = await (
      await fetch(`${server.url}/api/v1/passports/${encodeURIComponent(p.id)}`)
    ).json()
    expect(stored).toMatchObject({ id: p.id, logIndex: 0, kid: pair.kid })
    // The same again is a conflict, reported with the registry's code.
    await expect(runPublish(args)).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' })
    // With another key: forbidden.
    const other = await generateKeyPair()
    const otherFiles = await writeKeyPair(path.join(dir, 'keys'), 'other', other)
    await expect(
      runPublish([file, '--registry', server.url, '--key', otherFiles.privatePath]),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_REQUEST_FORBIDDEN' })
  })

  it('refuses a --registry URL with a user name and password, without echoing the password', async () => {
    const pair = await generateKeyPair({ alg: 'EdDSA' })
    const { privatePath } = await writeKeyPair(path.join(dir, 'keys'), 'creds', pair)
    const p = await makePassport(await signerFromJwk(pair.privateJwk))
    const file = path.join(dir, 'creds.sd-jwt')
    writeFileSync(file, p.token)
    const registry = server.url.replace('://', '://user:s3cret@')
    const err = await runPublish([file, '--registry', registry, '--key', privatePath]).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    )
    expect(err).toMatchObject({ code: 'ERR_CONFIG_BAD_ARGS' })
    expect(err?.message).toContain('must not hold a user name or password')
    expect(err?.message).not.toContain('s3cret')
    expect((await fetch(`${server.url}/api/v1/passports/${encodeURIComponent(p.id)}`)).status).toBe(
      404,
    )
  })

  it('names the registry, not a log, when the registry cannot be reached', async () => {
    const pair = await generateKeyPair({ alg: 'EdDSA' })
    const { privatePath } = await writeKeyPair(path.join(dir, 'keys'), 'unreachable', pair)
    const p = await makePassport(await signerFromJwk(pair.privateJwk))
    const file = path.join(dir, 'unreachable.sd-jwt')
    writeFileSync(file, p.token)
    // A port nothing listens on: one a throwaway listener had, once it has closed.
    const gone = createServer()
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`
    await new Promise<void>((resolve) => gone.close(() => resolve()))
    const err = await runPublish([file, '--registry', url, '--key', privatePath]).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    )
    expect(err).toMatchObject({ code: 'ERR_TLOG_UNAVAILABLE' })
    expect(err?.message).toContain(`cannot reach the registry at ${url}/api/v1/registry`)
  })

  it('publishes many passport files in batches of 100, each all or none, with progress', async () => {
    const pair = await generateKeyPair({ alg: 'EdDSA' })
    const { privatePath } = await writeKeyPair(path.join(dir, 'keys'), 'fleet', pair)
    const signer = await signerFromJwk(pair.privateJwk)
    const ps = await Promise.all(Array.from({ length: 102 }, (_, i) => makePassport(signer, i)))
    const files = ps.map((p, i) => {
      const file = path.join(dir, `fleet-${i}.sd-jwt`)
      writeFileSync(file, p.token)
      return file
    })
    const size = async () =>
      ((await (await fetch(`${server.url}/readyz`)).json()) as { logSize: number }).logSize
    const before = await size()
    const { out, err } = await runPublish([
      ...files,
      '--registry',
      server.url,
      '--key',
      privatePath,
      '--json',
    ])
    const { items } = JSON.parse(out) as { items: { id: string; logIndex: number }[] }
    expect(items.map((i) => i.id)).toEqual(ps.map((p) => p.id))
    expect(items.map((i) => i.logIndex)).toEqual(ps.map((_, i) => before + i))
    expect(err).toBe('published 100/102\npublished 102/102\n')
    // A batch with a passport of another issuer is refused whole, naming the passport.
    const fresh = await Promise.all([0, 1].map((i) => makePassport(signer, i)))
    const foreign = path.join(dir, 'foreign.sd-jwt')
    writeFileSync(
      foreign,
      (await makePassport(await signerFromJwk((await generateKeyPair()).privateJwk))).token,
    )
    const freshFiles = fresh.map((p, i) => {
      const file = path.join(dir, `fresh-${i}.sd-jwt`)
      writeFileSync(file, p.token)
      return file
    })
    const mid = await size()
    await expect(
      runPublish([...freshFiles, foreign, '--registry', server.url, '--key', privatePath]),
    ).rejects.toMatchObject({
      code: 'ERR_PASSPORT_REQUEST_FORBIDDEN',
      // The registry's place in the batch, named by its file.
      message: expect.stringContaining(`${foreign} (passports[2]): `),
    })
    expect(await size()).toBe(mid)
  })
})
