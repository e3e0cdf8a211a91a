/**
 * `accord serve` (startServer, listening on a free port) and `accord publish` (the registered
 * command on a fresh commander program) over real HTTP.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { signerFromJwk } from '../../src/node/keys.js'
import { registerPublish } from '../../src/cli/commands/publish.js'
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { makePassport, NOW } from './helpers.js'

let server: RunningServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'accord-serve-'))
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
  let exitCode = 0
  const program = new Command().exitOverride()
  registerPublish(program, {
    io: {
      out: (s) => (out += s),
      err: () => undefined,
      isTty: false,
      today: () => '2026-11-20',
      nowSeconds: () => NOW,
    },
    setExit: (c) => (exitCode = c),
  })
  await program.parseAsync(['node', 'accord', 'publish', ...argv])
  return { out, exitCode }
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
})
