/**
 * `--log-key` of the commands that write to or list from a registry, end to end: two real
 * registries (`accord serve` on free ports, each with its own log key) and a hostile one, a proxy
 * in front of the first that forwards every request but alters chosen answers. The right key
 * passes and reports the verified index and tree size; another registry's key is refused before
 * anything is sent (exit 4); a registry whose checkpoint is signed by another key after the write,
 * whose proof does not include the entry, that acknowledges another index than it logged, or that
 * lists a report other than its token says, is refused (exit 4). A third registry signs with the
 * first one's log key but holds another history: the hostile proxy shows it after a write (a split
 * view), which the consistency proof from the checkpoint before the write catches (exit 4).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LOG_KEY_NAME, startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { LOG_KEY_ENV, NOT_PINNED_NOTICE } from '../../src/cli/log-pin.js'
import { fileSigner, generateKeyPair, writeKeyPair } from '../../src/node/keys.js'
import { MEMORY } from '../../src/node/store/index.js'
import { EXAMPLES, ROOT, run } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'

const INCIDENT = path.join(EXAMPLES, 'border-biometrics', 'incident.yaml')
const EVALUATION = path.join(EXAMPLES, 'border-biometrics', 'evaluation.yaml')

let a: RunningServer
let b: RunningServer
/** A fork of `a`: another registry signing with a's log key, so with another history of one log. */
let fork: RunningServer
let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)
const key = () => p('keys', 'issuer.private.jwk.json')
let kid: string

/** How the hostile registry alters an answer of the real one; undefined passes it through. */
type Alter = (req: { method: string; path: string }, body: string) => string | undefined
let alter: Alter = () => undefined
/** The HTTP status the hostile registry answers a request with instead of forwarding it. */
let refuse: (req: { method: string; path: string }) => number | undefined = () => undefined
/** Which registry the hostile one forwards a request to (default: `a`). */
let upstream: (req: { method: string; path: string }) => RunningServer = () => a
let hostile: Server
let hostileUrl: string

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Forwards the request to registry `upstream` (`a`), then lets `alter` rewrite the answer's body. */
async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const headers: Record<string, string> = {}
  for (const name of ['content-type', 'authorization'])
    if (typeof req.headers[name] === 'string') headers[name] = req.headers[name]
  const method = req.method ?? 'GET'
  const what = { method, path: (req.url ?? '/').split('?')[0] as string }
  const refused = refuse(what)
  if (refused !== undefined) {
    res.writeHead(refused, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { code: 'ERR_TLOG_BAD_RANGE', message: 'refused' } }))
    return
  }
  const answer = await fetch(`${upstream(what).url}${req.url ?? '/'}`, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  })
  const text = await answer.text()
  const altered = alter(what, text)
  res.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'text/plain',
  })
  res.end(altered ?? text)
}

beforeAll(async () => {
  dir = tempDir('accord-log-pin-')
  // In-memory stores: what is pinned is the log key, not the storage (a PGlite data directory
  // each would be about 40 MB on disk). Each registry's log key is a file, as `accord serve` writes.
  const logKeyOf = async (name: string) =>
    (await writeKeyPair(p(name), LOG_KEY_NAME, await generateKeyPair({ alg: 'EdDSA' }))).privatePath
  const [keyA, keyB] = await Promise.all([logKeyOf('registry-a'), logKeyOf('registry-b')])
  const serve = (logKey: string) =>
    startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: MEMORY,
      logKey,
      logLevel: 'silent',
      env: {},
    })
  ;[a, b] = await Promise.all([serve(keyA), serve(keyB)])
  fork = await serve(keyA)
  expect(fork.verifierKey).toBe(a.verifierKey)
  hostile = createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      res.writeHead(500)
      res.end(String(err))
    })
  })
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`
  for (const name of ['issuer', 'vendor', 'lab'])
    expect((await run(['keys', 'generate', '--out', p('keys'), '--name', name])).code).toBe(0)
  kid = (await fileSigner(key())).kid
  writeFileSync(p('a.vkey'), `# registry a\n${a.verifierKey}\n`)
  // The example policies trust ../keys/issuer.public.jwk.json (for `accord verify`).
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
}, 60_000)
afterEach(() => {
  alter = () => undefined
  refuse = () => undefined
  upstream = () => a
})
afterAll(async () => {
  await new Promise<void>((resolve) => hostile?.close(() => resolve()))
  await Promise.all([a?.close(), b?.close(), fork?.close()])
})

let counter = 0
/** A fresh passport of `example` whose status list registry `a` serves. */
async function passport(example = 'public-chatbot'): Promise<{ file: string; id: string }> {
  const file = p(`passport-${++counter}.sd-jwt`)
  const issued = await run([
    'issue',
    path.join(EXAMPLES, example, 'accord.yaml'),
    '--key',
    key(),
    '--status-dir',
    p('status'),
    '--status-uri',
    `${a.url}/api/v1/status-lists/${kid}`,
    '--out',
    file,
  ])
  expect(issued.code, issued.stderr).toBe(0)
  const id = (
    JSON.parse(
      Buffer.from(readFileSync(file, 'utf8').split('.')[1] as string, 'base64url').toString(),
    ) as { jti: string }
  ).jti
  return { file, id }
}

const publish = (file: string, registry: string, ...flags: string[]) =>
  run(['publish', file, '--registry', registry, '--key', key(), ...flags])

/** `accord revoke` of `file` through `registry`, with the test's key and status folder. */
const revokeVia = (file: string, registry: string, ...flags: string[]) =>
  run([
    'revoke',
    file,
    '--key',
    key(),
    '--status-dir',
    p('status'),
    '--registry',
    registry,
    ...flags,
  ])

async function inRegistry(url: string, id: string): Promise<boolean> {
  return (await fetch(`${url}/api/v1/passports/${encodeURIComponent(id)}`)).status === 200
}

/** How many entries the log of `registry` holds (fewer than 1000 here), checkpoint or not. */
async function logSize(registry: RunningServer): Promise<number> {
  const res = await fetch(`${registry.url}/api/v1/log/entries?start=0&end=1000`)
  if (res.status === 400) return 0 // an empty log has no entry 0
  const { entries } = (await res.json()) as { entries: unknown[] }
  expect(entries.length).toBeLessThan(1000)
  return entries.length
}

/** A log entry as served by registry `a`. */
async function entryAt(index: number): Promise<Record<string, unknown>> {
  const body = (await (
    await fetch(`${a.url}/api/v1/log/entries?start=${index}&end=${index + 1}`)
  ).json()) as { entries: { payload: string }[] }
  return JSON.parse((body.entries[0] as { payload: string }).payload) as Record<string, unknown>
}

describe('--log-key, the right key', () => {
  it('publish checks the passport is in the log and reports its index and the tree size', async () => {
    const { file, id } = await passport()
    const r = await publish(file, a.url, '--log-key', a.verifierKey, '--json')
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const out = r.json()
    expect(out).toMatchObject({ id, logVerified: { origin: 'accord.local/registry' } })
    expect(out.logVerified.indexes).toEqual([out.logIndex])
    expect(out.logVerified.treeSize).toBeGreaterThan(out.logIndex)
    // The checkpoint before the write (which cannot have held it) is the one the log grew from.
    expect(out.logVerified.consistentFrom).toBeLessThanOrEqual(out.logIndex)
    expect(r.stderr).toBe('')
    expect(await entryAt(out.logIndex)).toMatchObject({ kind: 'passport', id })
  })

  it('takes the key from a file or from ACCORD_LOG_KEY; text output says what was verified', async () => {
    const one = await passport()
    const fromFile = await publish(one.file, a.url, '--log-key', p('a.vkey'))
    expect(fromFile.code, fromFile.stderr).toBe(0)
    expect(fromFile.stdout).toMatch(
      /^published \S+ at log index (\d+)\nverified against the pinned log key: entry \1 of log "accord\.local\/registry" \(checkpoint size \d+, grown from size \d+ seen before the write\)\n$/,
    )
    expect(fromFile.stderr).toBe('')

    const two = await passport()
    process.env[LOG_KEY_ENV] = a.verifierKey
    try {
      const fromEnv = await publish(two.file, a.url, '--json')
      expect(fromEnv.code, fromEnv.stderr).toBe(0)
      expect(fromEnv.json().logVerified.indexes).toEqual([fromEnv.json().logIndex])
      // The environment names another registry's key: refused, and named as the source.
      process.env[LOG_KEY_ENV] = b.verifierKey
      const three = await passport()
      const wrong = await publish(three.file, a.url)
      expect(wrong.code).toBe(4)
      expect(wrong.stderr).toContain(`the log key ${LOG_KEY_ENV} pins`)
    } finally {
      delete process.env[LOG_KEY_ENV]
    }
  })

  it('publish of several passports checks every one', async () => {
    const ps = [await passport(), await passport()]
    const r = await run([
      'publish',
      ...ps.map((x) => x.file),
      '--registry',
      a.url,
      '--key',
      key(),
      '--log-key',
      a.verifierKey,
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.items.map((i: { id: string }) => i.id)).toEqual(ps.map((x) => x.id))
    expect(out.logVerified.indexes).toEqual(out.items.map((i: { logIndex: number }) => i.logIndex))
    expect(out.logVerified.consistentFrom).toBeLessThanOrEqual(out.items[0].logIndex)
  })

  it('revoke --registry checks the status change in the log; status publish checks the checkpoint', async () => {
    const { file, id } = await passport()
    expect((await publish(file, a.url, '--json')).code).toBe(0)
    const r = await revokeVia(
      file,
      a.url,
      '--reason',
      'withdrawn',
      '--log-key',
      a.verifierKey,
      '--json',
    )
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const out = r.json()
    expect(out.logVerified.indexes).toEqual([out.registry.log.logIndex])
    expect(out.logVerified.consistentFrom).toBeLessThanOrEqual(out.registry.log.logIndex)
    expect(await entryAt(out.registry.log.logIndex)).toMatchObject({
      kind: 'revocation',
      passportId: id,
      reason: 'withdrawn',
    })

    const s = await run([
      'status',
      'publish',
      '--registry',
      a.url,
      '--key',
      key(),
      '--status-dir',
      p('status'),
      '--log-key',
      a.verifierKey,
      '--json',
    ])
    expect(s.code, s.stdout + s.stderr).toBe(0)
    expect(s.json().logVerified).toMatchObject({ origin: 'accord.local/registry', indexes: [] })
    // Nothing was appended: the log is at least as large as before the upload, and consistent.
    expect(s.json().logVerified.treeSize).toBeGreaterThanOrEqual(
      s.json().logVerified.consistentFrom,
    )
  })

  it('incident and evaluation publish and list check every statement in the log', async () => {
    const { file, id } = await passport('border-biometrics')
    const pub = await publish(file, a.url, '--json')
    expect(pub.code).toBe(0)
    const report = p('incident.sd-jwt')
    const result = p('evaluation.sd-jwt')
    const vendor = p('keys', 'vendor.private.jwk.json')
    const lab = p('keys', 'lab.private.jwk.json')
    for (const argv of [
      ['incident', 'report', file, '--file', INCIDENT, '--key', vendor, '--out', report],
      ['evaluation', 'report', file, '--file', EVALUATION, '--key', lab, '--out', result],
    ]) {
      const w = await run(argv)
      expect(w.code, w.stderr).toBe(0)
    }
    const pin = ['--log-key', a.verifierKey, '--json']
    const ip = await run([
      'incident',
      'publish',
      report,
      '--registry',
      a.url,
      '--key',
      vendor,
      ...pin,
    ])
    expect(ip.code, ip.stdout + ip.stderr).toBe(0)
    expect(ip.json().logVerified.indexes).toEqual([ip.json().logIndex])
    expect(ip.json().logVerified.consistentFrom).toBeLessThanOrEqual(ip.json().logIndex)
    const ep = await run([
      'evaluation',
      'publish',
      result,
      '--registry',
      a.url,
      '--key',
      lab,
      ...pin,
    ])
    expect(ep.code, ep.stdout + ep.stderr).toBe(0)
    expect(ep.json().logVerified.indexes).toEqual([ep.json().logIndex])
    expect(ep.json().logVerified.consistentFrom).toBeLessThanOrEqual(ep.json().logIndex)

    const il = await run(['incident', 'list', '--registry', a.url, '--passport', id, ...pin])
    expect(il.code, il.stdout + il.stderr).toBe(0)
    // The passport too: the registry reads its classification for the deadlines it lists.
    expect(il.json().logVerified.indexes).toEqual([pub.json().logIndex, ip.json().logIndex])
    const feed = await run(['incident', 'list', '--registry', a.url, ...pin])
    expect(feed.code, feed.stdout + feed.stderr).toBe(0)
    expect(feed.json().logVerified.indexes).toContain(ip.json().logIndex)
    const el = await run(['evaluation', 'list', '--registry', a.url, '--passport', id, ...pin])
    expect(el.code, el.stdout + el.stderr).toBe(0)
    expect(el.json().logVerified.indexes).toEqual([ep.json().logIndex])
    const evalFeed = await run(['evaluation', 'list', '--registry', a.url, ...pin])
    expect(evalFeed.code, evalFeed.stdout + evalFeed.stderr).toBe(0)
    expect(evalFeed.json().logVerified.indexes).toContain(ep.json().logIndex)
  })
})

describe('accord verify --log: the log key from --log-key, else ACCORD_LOG_KEY', () => {
  it('takes ACCORD_LOG_KEY when --log-key is not given; --log-key wins over it', async () => {
    const { file } = await passport()
    expect((await publish(file, a.url, '--log-key', a.verifierKey)).code).toBe(0)
    const verify = async (...flags: string[]) => {
      const r = await run([
        'verify',
        file,
        '--policy',
        p('policies', 'us-federal-agency.yaml'),
        '--log',
        a.url,
        ...flags,
        '--json',
      ])
      const checks = (r.json().checks ?? []) as {
        check: string
        outcome: string
        message: string
      }[]
      return { ...r, log: checks.find((c) => c.check === 'log-inclusion') }
    }
    try {
      const none = await verify()
      expect(none.code).toBe(2)
      expect(none.json().error).toMatchObject({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--log needs --log-key (or ${LOG_KEY_ENV}), the log's public key`,
      })

      process.env[LOG_KEY_ENV] = a.verifierKey
      const fromEnv = await verify()
      expect(fromEnv.log, fromEnv.stdout + fromEnv.stderr).toMatchObject({ outcome: 'pass' })

      // The environment names another log's key: the checkpoint does not verify with it.
      process.env[LOG_KEY_ENV] = b.verifierKey
      const wrongEnv = await verify()
      expect(wrongEnv.log).toMatchObject({ outcome: 'fail' })
      expect(wrongEnv.log?.message).toContain(
        `(the log key is ${LOG_KEY_ENV}'s; for another log, give its key with --log-key)`,
      )
      expect(wrongEnv.json().verdict).toBe('rejected')
      // --log-key comes first: the right key given there passes whatever the environment says.
      const option = await verify('--log-key', p('a.vkey'))
      expect(option.log).toMatchObject({ outcome: 'pass' })

      // A key the environment gives that is not one is named by where it came from.
      process.env[LOG_KEY_ENV] = 'not-a-key'
      const garbage = await verify()
      expect(garbage.json().error.message).toContain(
        `${LOG_KEY_ENV} not-a-key is neither a file nor a verifier key`,
      )
    } finally {
      delete process.env[LOG_KEY_ENV]
    }
  })
})

describe('without --log-key', () => {
  it('works as before; text output says once, on stderr, that the registry was not checked', async () => {
    const one = await passport()
    const text = await publish(one.file, a.url)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^published \S+ at log index \d+\n$/)
    expect(text.stderr).toBe(NOT_PINNED_NOTICE)
    const two = await passport()
    const json = await publish(two.file, a.url, '--json')
    expect(json.code).toBe(0)
    expect(Object.keys(json.json()).sort()).toEqual(['id', 'logIndex'])
    expect(json.stderr).toBe('')
  })
})

describe('--log-key, a registry that does not match it', () => {
  it("another registry's key: refused before anything is sent (exit 4)", async () => {
    const { file, id } = await passport()
    const r = await publish(file, a.url, '--log-key', b.verifierKey)
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('[ERR_TLOG_INVALID]')
    expect(r.stderr).toContain(`the registry at ${a.url} serves a checkpoint that does not verify`)
    expect(r.stderr).toContain('check the URL')
    expect(await inRegistry(a.url, id)).toBe(false)
    // revoke: refused before the local change too.
    const before = readFileSync(p('status', `${kid}.state.json`), 'utf8')
    const rv = await revokeVia(file, a.url, '--log-key', b.verifierKey)
    expect(rv.code).toBe(4)
    expect(rv.stderr).toContain('[ERR_TLOG_INVALID]')
    expect(readFileSync(p('status', `${kid}.state.json`), 'utf8')).toBe(before)
  })

  it('a checkpoint signed by another key after the write: exit 4', async () => {
    const { file, id } = await passport()
    let posted = false
    const other = await (await fetch(`${b.url}/api/v1/log/checkpoint`)).text()
    alter = (req) => {
      if (req.method === 'POST') posted = true
      return posted && req.path === '/api/v1/log/checkpoint' ? other : undefined
    }
    const r = await publish(file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(posted).toBe(true)
    expect(r.code).toBe(4)
    expect(r.json().error.code).toBe('ERR_TLOG_INVALID')
    expect(r.json().error.message).toContain('does not verify with the log key --log-key pins')
    // It was published (the registry got it): the check is what failed.
    expect(await inRegistry(a.url, id)).toBe(true)
  })

  it('after the write, a log of another history signed with the same key (a split view): exit 4', async () => {
    // The fork signs with a's log key: its checkpoints verify under the pin. Its history differs
    // from a's, but it is made to hold the passport at the index a gives it, so the inclusion
    // proof after the write verifies there: only the consistency proof from the checkpoint seen
    // before the write shows that the log did not just grow.
    const { file, id } = await passport()
    // a's checkpoint is not empty and covers its log (a pinned write waits for that).
    const first = await publish((await passport()).file, a.url, '--log-key', a.verifierKey)
    expect(first.code, first.stderr).toBe(0)
    const size = await logSize(a)
    while ((await logSize(fork)) < size)
      expect((await publish((await passport()).file, fork.url, '--json')).code).toBe(0)
    expect(await logSize(fork)).toBe(size)
    const onFork = await publish(file, fork.url, '--json')
    expect(onFork.json().logIndex).toBe(size)

    let posted = false
    upstream = (req) => {
      if (req.method === 'POST') posted = true
      return posted && req.method === 'GET' ? fork : a
    }
    const r = await publish(file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(posted).toBe(true)
    expect(r.code, r.stdout + r.stderr).toBe(4)
    expect(r.json().error.code).toBe('ERR_TLOG_INVALID')
    expect(r.json().error.message).toMatch(
      new RegExp(
        `^split view: the registry at ${hostileUrl} served a checkpoint of size \\d+ before the write and one of size ${size + 1} after it, both signed with the key --log-key pins, and the second does not extend the first: `,
      ),
    )
    // a logged it where it said (what the fork shows holds it there too): the check is what failed.
    expect(await inRegistry(a.url, id)).toBe(true)
    expect(await entryAt(size)).toMatchObject({ kind: 'passport', id })

    // The same forwarding without the fork: the log only grew, and the write is checked.
    const honest = await passport()
    posted = false
    upstream = () => a
    const ok = await publish(honest.file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(ok.code, ok.stdout + ok.stderr).toBe(0)
    expect(ok.json().logVerified.consistentFrom).toBeGreaterThanOrEqual(size)
    expect(ok.json().logVerified.consistentFrom).toBeLessThanOrEqual(ok.json().logIndex)
  })

  it('a consistency or inclusion proof refused with 404: exit 4; with 503: exit 5 (retry later)', async () => {
    // a's checkpoint is not empty, so the write asks for a consistency proof from its size.
    const first = await publish((await passport()).file, a.url, '--log-key', a.verifierKey)
    expect(first.code, first.stderr).toBe(0)
    const cases = [
      { path: '/api/v1/log/proof/consistency', status: 404, code: 4, error: 'ERR_TLOG_INVALID' },
      {
        path: '/api/v1/log/proof/consistency',
        status: 503,
        code: 5,
        error: 'ERR_TLOG_UNAVAILABLE',
      },
      { path: '/api/v1/log/proof/inclusion', status: 404, code: 4, error: 'ERR_TLOG_INVALID' },
      { path: '/api/v1/log/proof/inclusion', status: 503, code: 5, error: 'ERR_TLOG_UNAVAILABLE' },
    ]
    for (const c of cases) {
      const { file, id } = await passport()
      refuse = (req) => (req.path === c.path ? c.status : undefined)
      const r = await publish(file, hostileUrl, '--log-key', a.verifierKey, '--json')
      expect(r.code, `${c.path} ${c.status}: ${r.stdout}${r.stderr}`).toBe(c.code)
      expect(r.json().error.code).toBe(c.error)
      const message = r.json().error.message as string
      if (c.code === 4)
        expect(message).toMatch(
          c.path.endsWith('consistency')
            ? /^the registry at \S+ refused \(HTTP 404\) a consistency proof from size \d+ to size \d+, /
            : /^the registry at \S+ refused \(HTTP 404\) an inclusion proof of log index \d+, where it says it put passport /,
        )
      else expect(message).toContain(`the log answered 503 for ${hostileUrl}${c.path}`)
      // It was published (the registry got it): the check is what failed.
      expect(await inRegistry(a.url, id)).toBe(true)
    }
  })

  it('a proof that does not include the entry: exit 4', async () => {
    const { file } = await passport()
    alter = (req, body) => {
      if (req.path !== '/api/v1/log/proof/inclusion') return undefined
      const proof = JSON.parse(body) as { hashes: string[] }
      return JSON.stringify({ ...proof, hashes: proof.hashes.map(() => '00'.repeat(32)) })
    }
    const r = await publish(file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(r.code).toBe(4)
    expect(r.json().error.code).toBe('ERR_TLOG_INVALID')
    expect(r.json().error.message).toMatch(/the registry says it put passport \S+ at log index \d+/)
  })

  it('a registry that acknowledges an index holding another entry: exit 4', async () => {
    const { file, id } = await passport()
    alter = (req, body) =>
      req.method === 'POST' && req.path === '/api/v1/passports'
        ? JSON.stringify({ ...(JSON.parse(body) as object), logIndex: 0 })
        : undefined
    const r = await publish(file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(r.code).toBe(4)
    expect(r.json().error.message).toContain(`passport ${id} is not entry 0 of the log`)
  })

  it('revoke: a status change acknowledged at the index of another entry: exit 4', async () => {
    const { file, id } = await passport()
    const published = await publish(file, a.url, '--json')
    expect(published.code).toBe(0)
    const passportIndex = published.json().logIndex as number
    alter = (req, body) =>
      req.method === 'POST' && req.path.endsWith('/status')
        ? JSON.stringify({ ...(JSON.parse(body) as object), logIndex: passportIndex })
        : undefined
    const r = await revokeVia(file, hostileUrl, '--log-key', a.verifierKey, '--json')
    expect(r.code).toBe(4)
    expect(r.json().error.code).toBe('ERR_TLOG_INVALID')
    expect(r.json().error.message).toContain(
      `log entry ${passportIndex} is not the revoked status of ${id}: it is a passport entry, not a revocation`,
    )
    // What was done is still reported.
    expect(r.json().registry.log.logIndex).toBe(passportIndex)
  })

  it('incident list: a report listed other than its token says, or at another index: exit 4', async () => {
    const { file, id } = await passport('border-biometrics')
    const pub = await publish(file, a.url, '--json')
    expect(pub.code).toBe(0)
    const report = p('incident-2.sd-jwt')
    const vendor = p('keys', 'vendor.private.jwk.json')
    expect(
      (
        await run([
          'incident',
          'report',
          file,
          '--file',
          INCIDENT,
          '--key',
          vendor,
          '--out',
          report,
        ])
      ).code,
    ).toBe(0)
    const ip = await run([
      'incident',
      'publish',
      report,
      '--registry',
      a.url,
      '--key',
      vendor,
      '--json',
    ])
    expect(ip.code, ip.stderr).toBe(0)
    const list = ['incident', 'list', '--registry', hostileUrl, '--log-key', a.verifierKey]

    alter = (req, body) => {
      if (req.path !== '/api/v1/incidents') return undefined
      const feed = JSON.parse(body) as { items: Record<string, unknown>[] }
      feed.items = feed.items.map((item) => ({ ...item, serious: !(item.serious as boolean) }))
      return JSON.stringify(feed)
    }
    const altered = await run([...list, '--json'])
    expect(altered.code).toBe(4)
    expect(altered.json().error.message).toMatch(
      /lists incident report \S+ other than its token says: serious is listed as/,
    )
    // Newest first, every item is checked the same way.
    const alteredNewest = await run([...list, '--newest-first', '--json'])
    expect(alteredNewest.code).toBe(4)
    expect(alteredNewest.json().error.message).toMatch(
      /lists incident report \S+ other than its token says: serious is listed as/,
    )
    // A cursor that does not go back would page forever.
    alter = (req, body) =>
      req.path === '/api/v1/incidents'
        ? JSON.stringify({ ...(JSON.parse(body) as object), nextBefore: 5 })
        : undefined
    const forward = await run([...list, '--newest-first', '--before', '3', '--json'])
    expect(forward.code).toBe(4)
    expect(forward.json().error.message).toContain('nextBefore of the incident reports (5)')

    alter = (req, body) => {
      if (req.path !== `/api/v1/passports/${encodeURIComponent(id)}/incidents`) return undefined
      const listed = JSON.parse(body) as { items: { reports: { logIndex: number }[] }[] }
      for (const group of listed.items) for (const r of group.reports) r.logIndex = 0
      return JSON.stringify(listed)
    }
    const moved = await run([...list, '--passport', id, '--json'])
    expect(moved.code).toBe(4)
    expect(moved.json().error.message).toContain('is not entry 0 of the log')

    // A deadline the registry did not compute from the passport's classification (here: "not
    // high-risk, no deadline" for a high-risk system) is caught.
    alter = (req, body) => {
      if (req.path !== `/api/v1/passports/${encodeURIComponent(id)}/incidents`) return undefined
      const listed = JSON.parse(body) as { items: { deadline: Record<string, unknown> }[] }
      for (const group of listed.items)
        group.deadline = { ...group.deadline, applies: false, basis: 'not-high-risk' }
      return JSON.stringify(listed)
    }
    const excused = await run([...list, '--passport', id, '--json'])
    expect(excused.code).toBe(4)
    expect(excused.json().error.message).toMatch(/other than its token says: deadline is listed as/)

    // The passport the registry serves must be the one in its log at the index it gives.
    alter = (req, body) => {
      if (req.path !== `/api/v1/passports/${encodeURIComponent(id)}`) return undefined
      return JSON.stringify({ ...(JSON.parse(body) as object), logIndex: ip.json().logIndex })
    }
    const otherPassport = await run([...list, '--passport', id, '--json'])
    expect(otherPassport.code).toBe(4)
    expect(otherPassport.json().error.message).toContain(`passport ${id}`)

    alter = () => undefined
    const honest = await run([...list, '--passport', id, '--json'])
    expect(honest.code, honest.stderr).toBe(0)
    expect(honest.json().logVerified.indexes).toEqual([pub.json().logIndex, ip.json().logIndex])
    const honestNewest = await run([...list, '--newest-first', '--limit', '1', '--json'])
    expect(honestNewest.code, honestNewest.stderr).toBe(0)
    expect(honestNewest.json().logVerified.indexes).toEqual([ip.json().logIndex])
    expect(honestNewest.json().items.map((r: { id: string }) => r.id)).toEqual([ip.json().id])
  })

  it('evaluation list: a result listed other than its token says, without a log index or without its token: exit 4', async () => {
    const { file, id } = await passport('border-biometrics')
    expect((await publish(file, a.url, '--json')).code).toBe(0)
    const result = p('evaluation-2.sd-jwt')
    const lab = p('keys', 'lab.private.jwk.json')
    expect(
      (
        await run([
          'evaluation',
          'report',
          file,
          '--file',
          EVALUATION,
          '--key',
          lab,
          '--out',
          result,
        ])
      ).code,
    ).toBe(0)
    const ep = await run([
      'evaluation',
      'publish',
      result,
      '--registry',
      a.url,
      '--key',
      lab,
      '--json',
    ])
    expect(ep.code, ep.stderr).toBe(0)
    const list = ['evaluation', 'list', '--registry', hostileUrl, '--passport', id]
    const listPath = `/api/v1/passports/${encodeURIComponent(id)}/evaluations`
    const rewrite =
      (change: (item: Record<string, unknown>) => void) =>
      (req: { path: string }, body: string) => {
        if (req.path !== listPath) return undefined
        const listed = JSON.parse(body) as { items: Record<string, unknown>[] }
        listed.items.forEach(change)
        return JSON.stringify(listed)
      }
    const pinned = [...list, '--log-key', a.verifierKey, '--json']

    alter = rewrite((item) => {
      ;(item.evaluation as { summary: string }).summary = 'all thresholds met'
    })
    const altered = await run(pinned)
    expect(altered.code, altered.stdout + altered.stderr).toBe(4)
    expect(altered.json().error.message).toMatch(
      /lists evaluation result \S+ other than its token says: evaluation is listed as/,
    )
    // Unpinned, the same answer is printed as the registry sent it.
    const unpinned = await run([...list, '--json'])
    expect(unpinned.code).toBe(0)
    expect(unpinned.json().items[0].evaluation.summary).toBe('all thresholds met')

    alter = rewrite((item) => {
      item.logIndex = null
    })
    const unlogged = await run(pinned)
    expect(unlogged.code).toBe(4)
    expect(unlogged.json().error.message).toContain('without a log index: it is not in its log')

    alter = rewrite((item) => {
      delete item.token
    })
    const tokenless = await run(pinned)
    expect(tokenless.code).toBe(4)
    expect(tokenless.json().error.message).toContain('without its token, so it cannot be checked')
  })
})
