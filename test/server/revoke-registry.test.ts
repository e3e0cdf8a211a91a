/**
 * `accord revoke --registry` and `accord status publish` against a running registry
 * (`startServer`, real HTTP, the registry's own clock), through the CLI in-process: the status
 * change reaches the registry's log, the registry serves the re-signed list so that `accord
 * verify --status-list <registry URL>` sees it, a failure after the local change says how to
 * finish, and finishing it works (also when the registry already recorded part of it).
 */
import { cpSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { NOT_PINNED_NOTICE } from '../../src/cli/log-pin.js'
import { postStatusChange, registryOf, sendSigned } from '../../src/cli/registry-client.js'
import { fileSigner, generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { StatusStore, readPassportFile } from '../../src/node/status-store.js'
import { EXAMPLES, ROOT, run } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'

let server: RunningServer
let dir: string
let kid: string
const p = (...parts: string[]) => path.join(dir, ...parts)
const key = () => p('keys', 'issuer.private.jwk.json')
/** Where the registry serves the issuer's list, and what the passports name as their uri. */
const listUrl = () => `${server.url}/api/v1/status-lists/${kid}`

beforeAll(async () => {
  dir = tempDir('accord-revoke-registry-')
  // The example policies trust ../keys/issuer.public.jwk.json (and an authority's key).
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
  for (const name of ['issuer', 'authority'])
    expect((await run(['keys', 'generate', '--out', p('keys'), '--name', name])).code).toBe(0)
  kid = (await fileSigner(key())).kid
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: p('registry'),
    logLevel: 'silent',
    env: {},
  })
}, 60_000)
afterAll(() => server?.close())

/** Issues a passport of `example` whose status list the registry serves; publishes it unless told. */
async function passport(name: string, example = 'public-chatbot', publish = true) {
  const file = p(`${name}.sd-jwt`)
  const issued = await run([
    'issue',
    path.join(EXAMPLES, example, 'accord.yaml'),
    '--key',
    key(),
    '--status-dir',
    p('status'),
    '--status-uri',
    listUrl(),
    '--out',
    file,
  ])
  expect(issued.stderr).toBe('')
  if (publish) {
    const published = await run(['publish', file, '--registry', server.url, '--key', key()])
    expect(published.stderr).toBe(NOT_PINNED_NOTICE)
  }
  const claims = (await readPassportFile(file)).claims
  const { idx } = (claims.status as { status_list: { idx: number } }).status_list
  return { file, id: claims.jti as string, idx }
}

const revoke = (file: string, ...flags: string[]) =>
  run(['revoke', file, '--key', key(), '--status-dir', p('status'), ...flags])

const statusPublishTo = (registry: string, statusDir: string, ...flags: string[]) =>
  run([
    'status',
    'publish',
    '--registry',
    registry,
    '--key',
    key(),
    '--status-dir',
    statusDir,
    ...flags,
  ])

const statusPublish = (...flags: string[]) => statusPublishTo(server.url, p('status'), ...flags)

/** The passport as the registry has it. */
async function stored(id: string): Promise<{ status: string; statusReason: string | null }> {
  const res = await fetch(`${server.url}/api/v1/passports/${encodeURIComponent(id)}`)
  expect(res.status).toBe(200)
  return (await res.json()) as { status: string; statusReason: string | null }
}

async function logEntry(index: number): Promise<{ kind: string; payload: string }> {
  const res = await fetch(`${server.url}/api/v1/log/entries?start=${index}&end=${index + 1}`)
  const { entries } = (await res.json()) as { entries: { kind: string; payload: string }[] }
  return entries[0] as { kind: string; payload: string }
}

async function logSize(): Promise<number> {
  return ((await (await fetch(`${server.url}/readyz`)).json()) as { logSize: number }).logSize
}

/** The entry at `idx` in a status list (file or URL), as `accord status show` decodes it. */
async function entryIn(list: string, idx: number): Promise<number> {
  const r = await run(['status', 'show', '--list', list, '--idx', String(idx), '--json'])
  expect(r.code).toBe(0)
  return (r.json() as { entry: { status: number } }).entry.status
}

/** `accord verify` with the list the registry serves: the status check's reason. */
async function statusReason(file: string, policy = 'us-federal-agency'): Promise<string> {
  const r = await run([
    'verify',
    file,
    '--policy',
    p('policies', `${policy}.yaml`),
    '--status-list',
    listUrl(),
    '--json',
  ])
  const result = r.json() as { checks: { check: string; reason: string }[] }
  return result.checks.find((c) => c.check === 'status')?.reason as string
}

/** A URL nothing listens on: the port a throwaway listener had, once it has closed. */
async function deadUrl(): Promise<string> {
  const gone = createServer()
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => gone.close(() => resolve()))
  return url
}

describe('accord revoke --registry', () => {
  it('records the revocation in the log and uploads the list, so verifiers fetching it from the registry reject the passport', async () => {
    const border = await passport('border', 'border-biometrics')
    // The list reaches the registry with `status publish`: the passport is accepted.
    const first = await statusPublish()
    expect(first.stderr).toContain(`uploading status list "${kid}"`)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`verifiers fetch it at ${listUrl()}`)
    const accepted = await run([
      'verify',
      border.file,
      '--policy',
      p('policies', 'eu-police-procurement.yaml'),
      '--status-list',
      listUrl(),
      '--json',
    ])
    expect(accepted.json().verdict).toBe('accepted')

    const r = await revoke(border.file, '--registry', server.url, '--reason', 'key leak', '--json')
    expect(r.code).toBe(0)
    const out = r.json()
    expect(out).toMatchObject({
      action: 'revoked',
      changed: true,
      passport: border.id,
      registry: {
        statusList: { listId: kid, url: listUrl(), uri: listUrl() },
        log: { id: border.id, status: 'revoked', alreadyRecorded: false },
      },
    })
    // The log holds the change, and the registry's record says so.
    expect(await stored(border.id)).toMatchObject({ status: 'revoked', statusReason: 'key leak' })
    const entry = await logEntry(out.registry.log.logIndex as number)
    expect(entry.kind).toBe('revocation')
    expect(JSON.parse(entry.payload)).toMatchObject({
      passportId: border.id,
      status: 'revoked',
      reason: 'key leak',
      byKid: kid,
    })
    // The registry serves the new list: verification with it rejects the passport as revoked.
    expect(await entryIn(listUrl(), border.idx)).toBe(1)
    const rejected = await run([
      'verify',
      border.file,
      '--policy',
      p('policies', 'eu-police-procurement.yaml'),
      '--status-list',
      listUrl(),
      '--json',
    ])
    expect(rejected.code).toBe(1)
    expect(rejected.json().verdict).toBe('rejected')
    expect(rejected.json().checks.find((c: { check: string }) => c.check === 'status').reason).toBe(
      'revoked',
    )
  }, 60_000)

  it('suspends, then reinstates, at the registry as locally', async () => {
    const bot = await passport('suspended')
    const suspended = await revoke(bot.file, '--suspend', '--registry', server.url)
    expect(suspended.code).toBe(0)
    expect(suspended.stdout).toContain(`suspended ${bot.id}`)
    expect(suspended.stdout).toContain(
      `uploaded it to the registry: verifiers fetch it at ${listUrl()}`,
    )
    const suspendedAt = Number(
      /recorded in the registry log at index (\d+)/.exec(suspended.stdout)?.[1],
    )
    expect((await logEntry(suspendedAt)).kind).toBe('suspension')
    expect((await stored(bot.id)).status).toBe('suspended')
    expect(await statusReason(bot.file)).toBe('suspended')

    const reinstated = await revoke(bot.file, '--reinstate', '--registry', server.url, '--json')
    expect(reinstated.code).toBe(0)
    expect(reinstated.json()).toMatchObject({ action: 'reinstated', changed: true })
    expect((await logEntry(reinstated.json().registry.log.logIndex)).kind).toBe('reinstatement')
    expect((await stored(bot.id)).status).toBe('valid')
    expect(await statusReason(bot.file)).toBe('ok')
  }, 60_000)

  it('keeps the local change when the registry cannot be reached, says how to finish, and finishing works', async () => {
    const bot = await passport('unreachable')
    const dead = await deadUrl()
    const r = await revoke(bot.file, '--registry', dead)
    expect(r.code).toBe(5)
    // What was done locally is on stdout; the failure, its code and the way on, on stderr.
    expect(r.stdout).toContain(`revoked ${bot.id}`)
    expect(r.stderr).toContain('[ERR_PASSPORT_STATUS_NOT_PUBLISHED]')
    expect(r.stderr).toContain(`${bot.id} is revoked in the local status list "${kid}"`)
    expect(r.stderr).toContain(`cannot reach the registry at ${dead}/api/v1/registry`)
    expect(r.stderr).toContain('the status list was not uploaded')
    expect(r.stderr).toContain(`run again: accord revoke ${bot.file} --key ${key()}`)
    expect(r.stderr).toContain(`accord status publish --registry ${dead} --key ${key()}`)
    // The local list changed; the registry still has the passport valid.
    expect(await entryIn(p('status', `${kid}.statuslist.jwt`), bot.idx)).toBe(1)
    expect((await stored(bot.id)).status).toBe('valid')

    // With --json: one document with what was done and the error.
    const json = await revoke(bot.file, '--registry', dead, '--json')
    expect(json.code).toBe(5)
    expect(json.json()).toMatchObject({
      action: 'revoked',
      changed: false,
      registry: { statusList: null, log: null },
      error: { code: 'ERR_PASSPORT_STATUS_NOT_PUBLISHED' },
    })

    // The list alone: the registry then serves the revocation.
    const listed = await statusPublish('--json')
    expect(listed.code).toBe(0)
    expect(listed.json()).toMatchObject({ listId: kid, url: listUrl() })
    expect(await entryIn(listUrl(), bot.idx)).toBe(1)
    expect(await statusReason(bot.file)).toBe('revoked')
    // The command the message gave records the change in the log; locally nothing changes.
    const again = await revoke(bot.file, '--registry', server.url, '--json')
    expect(again.code).toBe(0)
    expect(again.json()).toMatchObject({
      changed: false,
      registry: { log: { status: 'revoked', alreadyRecorded: false } },
    })
    expect((await stored(bot.id)).status).toBe('revoked')
  }, 60_000)

  it('finishes on a retry after the list was uploaded but the log refused, and a retry after that is no error', async () => {
    // Not published: the registry refuses the log step (404) after taking the list.
    const bot = await passport('unpublished', 'public-chatbot', false)
    const r = await revoke(bot.file, '--registry', server.url)
    expect(r.code).toBe(5)
    expect(r.stdout).toContain(`uploaded it to the registry: verifiers fetch it at ${listUrl()}`)
    expect(r.stderr).toContain('the status list was uploaded, but the change was not recorded')
    expect(r.stderr).toContain('[ERR_STORE_NOT_FOUND]')
    expect(r.stderr).toContain(`publish the passport (accord publish ${bot.file}`)
    expect(await entryIn(listUrl(), bot.idx)).toBe(1)

    expect((await run(['publish', bot.file, '--registry', server.url, '--key', key()])).code).toBe(
      0,
    )
    const retry = await revoke(bot.file, '--registry', server.url, '--json')
    expect(retry.code).toBe(0)
    expect(retry.json().registry.log).toMatchObject({ status: 'revoked', alreadyRecorded: false })
    expect((await stored(bot.id)).status).toBe('revoked')

    // Once more (as after an answer that was lost): the registry's 409 "already revoked" is
    // checked against its record and counts as done; the log does not grow.
    const size = await logSize()
    const once = await revoke(bot.file, '--registry', server.url)
    expect(once.code).toBe(0)
    expect(once.stdout).toContain(`the registry log already records ${bot.id} as revoked`)
    expect(await logSize()).toBe(size)
  }, 60_000)

  it('does not upload a list that would lift a revocation the registry holds (made from another copy of the status directory)', async () => {
    const bot = await passport('diverged')
    // Revoked from a copy of the status directory: the registry's list and log have it revoked.
    cpSync(p('status'), p('status-copy'), { recursive: true })
    const elsewhere = await run([
      'revoke',
      bot.file,
      '--key',
      key(),
      '--status-dir',
      p('status-copy'),
      '--registry',
      server.url,
    ])
    expect(elsewhere.code).toBe(0)
    const before = await (await fetch(listUrl())).text()
    // Here, where it is still valid, a suspension would sign a newer list with the entry
    // suspended: the registry would take it (it is newer) and the revocation would be lifted.
    const r = await revoke(bot.file, '--suspend', '--registry', server.url)
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('[ERR_STORE_CONFLICT]')
    expect(r.stderr).toContain(`revoked (index ${bot.idx})`)
    expect(r.stderr).toContain('uploading it would lift revocations')
    expect(r.stderr).toContain('running it again will not help')
    expect(await (await fetch(listUrl())).text()).toBe(before)
    expect(await entryIn(listUrl(), bot.idx)).toBe(1)
    // status publish refuses the same.
    const listed = await statusPublish()
    expect(listed.code).toBe(3)
    expect(listed.stderr).toContain(
      'publish from the copy of the status directory that revoked them',
    )
    // From the copy that made the revocation, publishing goes through; and revoking the passport
    // here too brings this directory in line, so that it may publish again.
    expect((await statusPublishTo(server.url, p('status-copy'))).code).toBe(0)
    expect((await revoke(bot.file)).code).toBe(0)
    expect((await statusPublish()).code).toBe(0)
  }, 60_000)

  it('says that a retry will not help when the log has another status (set by a delegate)', async () => {
    const bot = await passport('delegated')
    // The issuer key lets a revocation desk key change its passports' status; the desk revokes.
    const desk = await generateKeyPair({ alg: 'EdDSA' })
    const deskKey = (await writeKeyPair(p('keys'), 'desk', desk)).privatePath
    const issuerCall = {
      registry: server.url,
      keyPath: key(),
      nowSeconds: Math.floor(Date.now() / 1000),
    }
    await sendSigned(issuerCall, await registryOf(issuerCall), {
      method: 'POST',
      path: '/api/v1/delegations',
      body: JSON.stringify({ delegate: desk.publicJwk, scope: 'status' }),
      contentType: 'application/json',
      expect: 201,
      what: 'the delegation',
    })
    const deskCall = { ...issuerCall, keyPath: deskKey }
    await postStatusChange(deskCall, await registryOf(deskCall), {
      passportId: bot.id,
      status: 'revoked',
    })
    // The issuer, unaware, suspends: the list goes up, the log refuses (revocation is final).
    const r = await revoke(bot.file, '--suspend', '--registry', server.url)
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('the status list was uploaded, but the change was not recorded')
    expect(r.stderr).toContain(`the registry has ${bot.id} as revoked, not suspended`)
    expect(r.stderr).toContain('running it again will not help')
    expect(r.stderr).not.toContain('run again:')
    expect((await stored(bot.id)).status).toBe('revoked')
  }, 60_000)

  it('sends every request under the path prefix of a registry behind a reverse proxy', async () => {
    // A proxy that serves the registry under /registry/eu/ and answers 404 elsewhere.
    const asked: string[] = []
    const proxy = createHttpServer((req, res) => {
      const url = req.url ?? '/'
      asked.push(`${req.method} ${url}`)
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (!url.startsWith('/registry/eu/')) {
          res.writeHead(404).end('not under the prefix')
          return
        }
        const headers = { ...req.headers } as Record<string, string>
        delete headers.host
        delete headers.connection
        void fetch(server.url + url.slice('/registry/eu'.length), {
          method: req.method as string,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }).then(async (r) => {
          res
            .writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' })
            .end(Buffer.from(await r.arrayBuffer()))
        })
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/registry/eu`
      const bot = await passport('prefixed')
      const r = await revoke(bot.file, '--suspend', '--registry', base, '--json')
      expect(r.code).toBe(0)
      expect(r.json().registry.statusList.url).toBe(`${base}/api/v1/status-lists/${kid}`)
      expect((await stored(bot.id)).status).toBe('suspended')
      const again = await statusPublishTo(`${base}/`, p('status'))
      expect(again.code).toBe(0)
      expect(asked.filter((a) => !a.includes(' /registry/eu/api/v1/'))).toEqual([])
      expect(asked).toContain(`PUT /registry/eu/api/v1/status-lists/${kid}`)
      expect(asked).toContain(
        `POST /registry/eu/api/v1/passports/${encodeURIComponent(bot.id)}/status`,
      )
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  }, 60_000)

  it('refuses a --registry URL with a password, and --reason without --registry, before changing anything', async () => {
    const bot = await passport('untouched')
    const creds = await revoke(bot.file, '--registry', server.url.replace('://', '://u:s3cret@'))
    expect(creds.code).toBe(2)
    expect(creds.stderr).not.toContain('s3cret')
    const reason = await revoke(bot.file, '--reason', 'x')
    expect(reason.code).toBe(2)
    expect(reason.stderr).toContain('--reason is recorded in the registry log: it needs --registry')
    expect(await entryIn(p('status', `${kid}.statuslist.jwt`), bot.idx)).toBe(0)
  }, 60_000)
})

describe('accord status publish', () => {
  it('refuses to replace the stored list with an older one (409), naming both dates and the fix', async () => {
    expect((await statusPublish()).code).toBe(0)
    const before = await (await fetch(listUrl())).text()
    // The local token signed an hour earlier than the one the registry holds.
    const hourAgo = Math.floor(Date.now() / 1000) - 3600
    const old = new StatusStore({ dir: p('status'), clock: { nowSeconds: () => hourAgo } })
    await old.signStatusList(kid, await fileSigner(key()))
    const r = await statusPublish()
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('[ERR_STORE_CONFLICT]')
    expect(r.stderr).toContain(`holds a newer token of status list ${kid}`)
    expect(r.stderr).toContain(
      `than the one sent (signed ${new Date(hourAgo * 1000).toISOString()})`,
    )
    expect(r.stderr).toContain(`accord status sign --list-id ${kid} --key ${key()}`)
    expect(await (await fetch(listUrl())).text()).toBe(before)
    // Signed again now, it goes through.
    expect(
      (await run(['status', 'sign', '--list-id', kid, '--key', key(), '--status-dir', p('status')]))
        .code,
    ).toBe(0)
    expect((await statusPublish()).code).toBe(0)
    expect((await (await fetch(listUrl())).text()).trim()).toBe(
      readFileSync(p('status', `${kid}.statuslist.jwt`), 'utf8').trim(),
    )
  }, 60_000)

  it('names the list and the fix when the status directory has no list of the key', async () => {
    const r = await statusPublishTo(server.url, p('empty-status'), '--json')
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_PASSPORT_STATUS_NOT_FOUND')
    expect(r.json().error.message).toContain(`status list "${kid}" does not exist`)
  })
})
