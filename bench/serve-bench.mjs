#!/usr/bin/env node
/**
 * Registry server benchmark: `accord serve` (src/server) on loopback, loaded with wrk (Debian
 * package `wrk`; autocannon and a fetch pool when it is missing).
 *
 *   npm run build
 *   eval "$(scripts/pg-test.sh start --durable)"   # optional: adds PostgreSQL rows (fsync on)
 *   node bench/serve-bench.mjs [--publishes 60000] [--publish-duration 5] [--batch 100]
 *     [--batch-duration 15] [--duration 10] [--connections 32] [--no-write]
 *
 * For each backend (embedded PGlite in a temp data dir; PostgreSQL when DATABASE_URL is set):
 * 1. starts the server in a child process (startServer from dist/, rate limit off, logs off);
 * 2. publish: POSTs pre-issued distinct passports for --publish-duration seconds, each with its
 *    own pre-signed request (fresh iat), every one acknowledged only after COMMIT;
 * 3. publish, batches: the passports step 2 did not reach, --batch per signed request to
 *    POST /api/v1/passports/batch, for --batch-duration seconds (a batch takes about 0.4 s to be
 *    answered, and wrk counts none of the batches in flight when it stops: a short run
 *    understates the steady rate by that fill and drain);
 * 4. verify: POST /api/v1/verify (one passport, an inline-key policy, the issuer's status list)
 *    for --duration seconds, then distinct passports in turn;
 * 5. read: GET /api/v1/passports/:id for --duration seconds.
 * CPU per publish is measured for the server process, the PostgreSQL processes and wrk.
 * Writes its section of bench/RESULTS.md between the serve-bench markers (other sections stay).
 */
import { fork, spawnSync } from 'node:child_process'
import { randomUUID, createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir, release } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md')
const START = '<!-- serve-bench:start -->'
const END = '<!-- serve-bench:end -->'
const imp = (p) => import(pathToFileURL(path.join(DIST, p)).href)

function parseArgs(argv) {
  const args = {
    publishes: 60000,
    duration: 10,
    publishDuration: 5,
    batchDuration: 15,
    batch: 100,
    connections: 32,
    write: true,
    child: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--publishes') args.publishes = Number(argv[++i])
    else if (a === '--duration') args.duration = Number(argv[++i])
    else if (a === '--publish-duration') args.publishDuration = Number(argv[++i])
    else if (a === '--batch-duration') args.batchDuration = Number(argv[++i])
    else if (a === '--batch') args.batch = Number(argv[++i])
    else if (a === '--connections') args.connections = Number(argv[++i])
    else if (a === '--no-write') args.write = false
    else if (a === '--child') args.child = true
    else throw new Error(`unknown argument ${a}`)
  }
  return args
}

// ---------------------------------------------------------------------------------------------
// Child: the server

async function child() {
  const { startServer } = await imp('cli/commands/serve.js')
  const { generateKeyPair, writeKeyPair } = await imp('node/keys.js')
  const dataDir = process.env.BENCH_DATA_DIR
  const keys = await writeKeyPair(dataDir, 'bench-log', await generateKeyPair())
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logKey: keys.privatePath,
    rateLimit: 0,
    logLevel: 'silent',
  })
  process.send({ url: server.url })
  process.on('message', async (m) => {
    // CPU time of the server process (user + system, µs), for the CPU cost per publish.
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() })
    if (m === 'stop') {
      await server.close()
      process.exit(0)
    }
  })
}

// ---------------------------------------------------------------------------------------------
// Parent: data and load

async function makeData(n) {
  const { loadSystem, classifyLoaded, assessLoaded } = await imp('node/pipeline.js')
  const { buildPassportClaims, subjectIdInput } = await imp('core/passport/claims.js')
  const { issuePassport } = await imp('core/passport/issue.js')
  const { saltGeneratorFrom } = await imp('core/passport/sd-jwt.js')
  const { signerFromJwk, generateKeyPair } = await imp('node/keys.js')
  const { hasher } = await imp('node/passport.js')
  const { createStatusListClaims, signStatusListToken, STATUS_BITS } =
    await imp('core/passport/status.js')
  const { randomBytes } = await import('node:crypto')
  const pair = await generateKeyPair({ alg: 'EdDSA' })
  const signer = await signerFromJwk(pair.privateJwk)
  const file = path.join(ROOT, 'examples', 'police-analytics', 'accord.yaml')
  const system = await loadSystem(file, {})
  const asOf = new Date().toISOString().slice(0, 10)
  const classification = classifyLoaded(system, asOf)
  const assessment = await assessLoaded(system, classification, { asOf })
  const now = Math.floor(Date.now() / 1000)
  const uri = 'https://vendor.example/accord/status/bench'
  const base = {
    manifest: system.manifest,
    classification,
    assessment,
    artifacts: [{ path: 'models/weights.safetensors', sha256: 'b'.repeat(64), size: 1024 }],
    evidenceRoot: 'a'.repeat(64),
    subjectId: createHash('sha256').update(subjectIdInput(system.manifest)).digest('hex'),
    issuer: 'https://vendor.example/accord',
    issuedAt: now - 60,
    validForDays: 365,
  }
  const sd = { hasher, saltGenerator: saltGeneratorFrom((k) => randomBytes(k)) }
  const passports = []
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const claims = buildPassportClaims({
      ...base,
      jti: `urn:uuid:${randomUUID()}`,
      status: { status_list: { idx: i % 1024, uri } },
    })
    passports.push(await issuePassport(claims, signer, sd))
  }
  const issueMs = performance.now() - t0
  const statusList = await signStatusListToken(
    createStatusListClaims({ uri, bits: STATUS_BITS, statuses: new Array(1024).fill(0), iat: now }),
    signer,
  )
  const policy = [
    'apiVersion: accord.dev/v1',
    'kind: AcceptancePolicy',
    'name: bench',
    'trust:',
    '  issuers:',
    '    - name: vendor',
    `      jwk: ${JSON.stringify(pair.publicJwk)}`,
    'requirements:',
    '  jurisdictions: [eu-ai-act]',
    '  categories:',
    '    eu-ai-act: [high-risk]',
  ].join('\n')
  return { signer, passports, statusList, policy, issueMs, bytes: passports[0].length }
}

// ---------------------------------------------------------------------------------------------
// Load generators: wrk (C, Debian package `wrk`) when installed, else autocannon (JavaScript).
// autocannon costs about 0.7 ms of CPU per request on this machine, which on 2 cores takes from
// the server what it measures; wrk costs a small fraction of that.

const HAS_WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined
/** What the verify route remembers per policy (src/server/routes/verify.ts VERIFIED_PER_POLICY). */
const VERIFIED_PER_POLICY_NOTE = 16

function wrkVersion() {
  const out = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  return (`${out.stdout}${out.stderr}`.match(/wrk [^\s]+/) ?? ['wrk'])[0]
}

/**
 * wrk script: with a bodies file (one JSON body per line) wrk POSTs them in turn, round and
 * round; without one it GETs the URL. done() prints one JSON line: counts, status codes and
 * latency percentiles (µs).
 */
const WRK_LUA = String.raw`
local reqs, n, i = {}, 0, 0
codes = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  if args[1] ~= nil and args[1] ~= "" then
    local f = assert(io.open(args[1], "r"))
    for line in f:lines() do
      -- "<authorization>\t<body>" (a signed publish) or just "<body>"
      local headers, body = { ["content-type"] = "application/json" }, line
      local tab = line:find("\t", 1, true)
      if tab then
        headers["authorization"] = line:sub(1, tab - 1)
        body = line:sub(tab + 1)
      end
      n = n + 1
      reqs[n] = wrk.format("POST", nil, headers, body)
    end
    once = args[2] == "once"
    f:close()
  end
end
function request()
  if n == 0 then return wrk.request() end
  i = i + 1
  if once and i > n then
    -- Every signed request sent once: a second send would be a replay (401). Stop this thread;
    -- wrk still waits out -d, so the caller sizes the pool to outlast the run.
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  return reqs[(i - 1) % n + 1]
end
function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(all) do table.insert(parts, string.format('"%d":%d', k, v)) end
  local e = summary.errors
  io.write(string.format('ACCORD-WRK {"requests":%d,"durationUs":%d,"errors":%d,"p50":%d,"p99":%d,"codes":{%s}}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(parts, ",")))
end
`

/** Runs wrk for `duration` s: POSTs the lines of `bodiesFile` in turn, or GETs `url`. */
function runWrk({ url, connections, duration, bodiesFile, once = false }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-wrk-'))
  try {
    const script = path.join(dir, 'load.lua')
    writeFileSync(script, WRK_LUA)
    const argv = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '-s', script]
    argv.push(url, '--', bodiesFile ?? '', once ? 'once' : 'loop')
    const out = spawnSync('wrk', argv, { encoding: 'utf8', maxBuffer: 16 << 20 })
    const line = (out.stdout ?? '').split('\n').find((l) => l.startsWith('ACCORD-WRK '))
    if (out.status !== 0 || line === undefined)
      throw new Error(`wrk failed (${out.status}): ${out.stderr}${out.stdout}`)
    const r = JSON.parse(line.slice('ACCORD-WRK '.length))
    const total = Object.values(r.codes).reduce((a, k) => a + k, 0)
    const ok = Object.entries(r.codes)
      .filter(([c]) => c.startsWith('2'))
      .reduce((a, [, k]) => a + k, 0)
    return {
      requests: { total },
      '2xx': ok,
      non2xx: total - ok,
      errors: r.errors,
      timeouts: 0,
      duration: r.durationUs / 1e6,
      latency: { p50: r.p50 / 1000, p99: r.p99 / 1000 },
      statusCodeStats: Object.fromEntries(
        Object.entries(r.codes).map(([c, k]) => [c, { count: k }]),
      ),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** wrk when installed, else autocannon: `bodies` POSTed in turn, or GET. */
async function load({ url, connections, duration, bodies, dir, once = false }) {
  if (HAS_WRK) {
    let bodiesFile
    if (bodies) {
      bodiesFile = path.join(dir, `bodies-${randomUUID()}.jsonl`)
      // Line by line: all of them in one string can exceed the longest string V8 makes.
      const fd = openSync(bodiesFile, 'w')
      try {
        for (const b of bodies) writeSync(fd, `${b}\n`)
      } finally {
        closeSync(fd)
      }
    }
    return runWrk({ url, connections, duration, bodiesFile, once })
  }
  return run({
    url,
    connections,
    duration,
    ...(bodies
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: bodies.map((body) => ({ body })),
        }
      : {}),
  })
}

function run(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)))
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false })
  })
}

/** POSTs every request once with `connections` in flight; autocannon-shaped result. */
async function sendEach(url, requests, connections) {
  const latencies = []
  const codes = {}
  let errors = 0
  let next = 0
  const t0 = performance.now()
  async function worker() {
    while (next < requests.length) {
      const r = requests[next++]
      const t = performance.now()
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: r.authorization },
          body: r.body,
        })
        await res.arrayBuffer()
        codes[res.status] = (codes[res.status] ?? 0) + 1
        latencies.push(performance.now() - t)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, worker))
  const seconds = (performance.now() - t0) / 1000
  latencies.sort((a, b) => a - b)
  const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  const ok = Object.entries(codes)
    .filter(([c]) => c.startsWith('2'))
    .reduce((n, [, v]) => n + v, 0)
  return {
    requests: { total: requests.length },
    '2xx': ok,
    non2xx: latencies.length - ok,
    errors,
    timeouts: 0,
    duration: seconds,
    latency: { p50: pct(0.5), p99: pct(0.99) },
    statusCodeStats: Object.fromEntries(Object.entries(codes).map(([c, n]) => [c, { count: n }])),
  }
}

/**
 * CPU time (ms) of every PostgreSQL process on this machine (`postgres` in /proc/<pid>/stat):
 * the database's share of a publish, which the server process's CPU time does not include.
 */
function postgresCpuMs() {
  let ticks = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const fields = stat.split(') ')[1].split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended meanwhile
    }
  }
  return (ticks * 1000) / 100
}

/** CPU time (ms) of this process's waited-for children (wrk), from /proc (Linux). */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    // Fields 16 and 17 of stat(5), cutime and cstime, in clock ticks (USER_HZ, 100 on Linux).
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100
  } catch {
    return 0
  }
}

function summary(name, r) {
  const ok = r['2xx']
  const seconds = r.duration
  return {
    name,
    requests: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    rps: ok / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    seconds,
    statusCodes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]),
    ),
  }
}

/** Polls /readyz until the log size is the same twice 250 ms apart; at most 30 s. */
async function logSettled(url, size) {
  const t0 = performance.now()
  let last = size
  while (performance.now() - t0 < 30_000) {
    await new Promise((r) => setTimeout(r, 250))
    const now = (await (await fetch(`${url}/readyz`)).json()).logSize
    if (now === last) break
    last = now
  }
  return { logSize: last, ms: Math.round(performance.now() - t0) }
}

/**
 * PostgreSQL (a non-empty URL): VACUUM (ANALYZE) of the database, then CHECKPOINT, timed. After
 * tens of thousands of inserts autovacuum starts within seconds, i.e. during the verify runs, on
 * the same 2 cores (it did, and put one run's verify p99 at 27 ms); and the pages it dirties are
 * written out by the checkpointer over the following minutes (a run with the VACUUM alone had a
 * verify p99 of 204 ms). Doing both here keeps each load measured alone.
 */
async function vacuumed(databaseUrl) {
  if (!databaseUrl) return undefined
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  const t0 = performance.now()
  try {
    await client.query('VACUUM (ANALYZE)')
    await client.query('CHECKPOINT')
  } finally {
    await client.end()
  }
  return Math.round(performance.now() - t0)
}

async function bench(backend, env, args, data) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'accord-serve-bench-'))
  const proc = fork(fileURLToPath(import.meta.url), ['--child'], {
    env: { ...process.env, ...env, BENCH_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { url } = await new Promise((resolve, reject) => {
    proc.once('message', resolve)
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  const { signRequest } = await imp('server/signed-request.js')
  try {
    // Every signed request names the registry it is for (`aud`), as `accord publish` reads it.
    const { audience } = await (await fetch(`${url}/api/v1/registry`)).json()
    // Publish: one pre-signed request per passport (fresh iat), each sent once.
    const nowSeconds = Math.floor(Date.now() / 1000)
    const requests = []
    for (const p of data.passports) {
      const body = JSON.stringify({ passport: p })
      const authorization = await signRequest(data.signer, {
        audience,
        method: 'POST',
        path: '/api/v1/passports',
        body,
        nowSeconds,
      })
      requests.push({ body, authorization })
    }
    // Each signed request must be sent once (a second send is a replay, 401 by design): wrk
    // walks the pool once (the "once" mode of the script), for at most --duration seconds;
    // without wrk a fetch pool sends each (autocannon re-sends prepared requests when its
    // connections start).
    const serverCpu = () =>
      new Promise((resolve) => {
        proc.once('message', (m) => resolve(m.cpu.user + m.cpu.system))
        proc.send('cpu')
      })
    const cpu0 = await serverCpu()
    const own0 = process.cpuUsage()
    const children0 = childrenCpuMs()
    const pg0 = postgresCpuMs()
    const publish = HAS_WRK
      ? await load({
          url: `${url}/api/v1/passports`,
          connections: args.connections,
          duration: args.publishDuration,
          bodies: requests.map((r) => `${r.authorization}\t${r.body}`),
          dir: dataDir,
          once: true,
        })
      : await sendEach(`${url}/api/v1/passports`, requests, args.connections)
    const ownUsage = process.cpuUsage(own0)
    const acknowledged = Math.max(1, publish['2xx'])
    const cpuMs = {
      server: ((await serverCpu()) - cpu0) / 1000 / acknowledged,
      client: HAS_WRK
        ? (childrenCpuMs() - children0) / acknowledged
        : (ownUsage.user + ownUsage.system) / 1000 / acknowledged,
      database: (postgresCpuMs() - pg0) / acknowledged,
      poolExhausted: HAS_WRK && publish.requests.total >= requests.length,
    }
    // Batch publish: the passports the run above did not reach, args.batch per signed request.
    let batchPublish
    let batchCpuMs
    if (HAS_WRK) {
      const rest = data.passports.slice(publish.requests.total + args.connections)
      const batches = []
      for (let i = 0; i + args.batch <= rest.length; i += args.batch) {
        const body = JSON.stringify({ passports: rest.slice(i, i + args.batch) })
        const authorization = await signRequest(data.signer, {
          audience,
          method: 'POST',
          path: '/api/v1/passports/batch',
          body,
          nowSeconds: Math.floor(Date.now() / 1000),
        })
        batches.push(`${authorization}\t${body}`)
      }
      const c0 = await serverCpu()
      const k0 = childrenCpuMs()
      const p0 = postgresCpuMs()
      const r = await load({
        url: `${url}/api/v1/passports/batch`,
        connections: Math.min(args.connections, 8),
        duration: args.batchDuration,
        bodies: batches,
        dir: dataDir,
        once: true,
      })
      const passports = r['2xx'] * args.batch
      batchCpuMs = {
        server: ((await serverCpu()) - c0) / 1000 / Math.max(1, passports),
        client: (childrenCpuMs() - k0) / Math.max(1, passports),
        database: (postgresCpuMs() - p0) / Math.max(1, passports),
        poolExhausted: r.requests.total >= batches.length,
      }
      batchPublish = {
        ...summary(`publish, batches of ${args.batch} (POST /api/v1/passports/batch)`, r),
        passports,
      }
    }
    const logSize = Number(
      (await (await fetch(`${url}/api/v1/log/checkpoint`)).text()).split('\n')[1],
    )
    const ready = await (await fetch(`${url}/readyz`)).json()
    // Batches wrk had sent when it stopped are still being verified and committed (up to
    // --connections of them): wait until the log stops growing, so that the verify runs below
    // measure verification alone, not the tail of the publish runs (on PGlite that tail commits
    // on the main thread and showed up in the verify p99).
    const settled = await logSettled(url, ready.logSize)
    const vacuumMs = await vacuumed(env.DATABASE_URL)

    const verifyBody = JSON.stringify({
      passport: data.passports[0],
      policy: data.policy,
      statusList: data.statusList,
    })
    const check = await fetch(`${url}/api/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: verifyBody,
    })
    const verdict = (await check.json()).verdict
    const verify = await load({
      url: `${url}/api/v1/verify`,
      connections: args.connections,
      duration: args.duration,
      bodies: [verifyBody],
      dir: dataDir,
    })
    // Distinct passports, each seen once per round of ${data.passports.length}: the verifier's
    // cache of recently verified passports never hits, so every request does the whole work.
    const verifyDistinct = await load({
      url: `${url}/api/v1/verify`,
      connections: args.connections,
      duration: args.duration,
      bodies: data.passports.map((p) =>
        JSON.stringify({ passport: p, policy: data.policy, statusList: data.statusList }),
      ),
      dir: dataDir,
    })
    // A passport the runs above published (wrk skips the first request of its pool).
    const newest = await (await fetch(`${url}/api/v1/passports?limit=1`)).json()
    const id = newest.items[0].id
    const read = await load({
      url: `${url}/api/v1/passports/${encodeURIComponent(id)}`,
      connections: args.connections,
      duration: args.duration,
      dir: dataDir,
    })
    return {
      backend,
      publish: summary('publish (POST /api/v1/passports)', publish),
      cpuMs,
      batchPublish,
      batchCpuMs,
      verify: summary('verify, one passport (POST /api/v1/verify)', verify),
      verifyDistinct: summary('verify, distinct passports (POST /api/v1/verify)', verifyDistinct),
      read: summary('read (GET /api/v1/passports/:id)', read),
      logSize,
      readyLogSize: ready.logSize,
      settledLogSize: settled.logSize,
      settleMs: settled.ms,
      vacuumMs,
      verdict,
    }
  } finally {
    proc.send('stop')
    await new Promise((resolve) => proc.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const fmt = (x, d = 1) => (typeof x === 'number' ? x.toFixed(d) : String(x))

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.child) return child()
  if (!existsSync(path.join(DIST, 'server', 'app.js')))
    throw new Error('run `npm run build` first (the bench imports dist/)')
  process.stderr.write(`issuing ${args.publishes} passports...\n`)
  const data = await makeData(args.publishes)
  const results = []
  process.stderr.write('PGlite...\n')
  results.push(await bench('PGlite (embedded)', { DATABASE_URL: '' }, args, data))
  if (process.env.DATABASE_URL) {
    process.stderr.write('PostgreSQL...\n')
    const pgEnv = { DATABASE_URL: process.env.DATABASE_URL }
    // A fresh database per run: drop what an earlier run left.
    const pg = (await import('pg')).default
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await client.connect()
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
    const show = async (name) => (await client.query(`SHOW ${name}`)).rows[0][name]
    const label = `PostgreSQL ${(await show('server_version')).split(' ')[0]} (fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')})`
    await client.end()
    results.push(await bench(label, pgEnv, args, data))
  }

  const cpu = cpus()[0]?.model ?? 'unknown'
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')
  const rows = []
  const row = (r, s, rate = s.rps) =>
    rows.push(
      `| ${r.backend} | ${s.name} | ${s.requests} | ${s.ok} | ${s.non2xx + s.errors} | ${fmt(rate, 0)} | ${fmt(s.p50, 0)} | ${fmt(s.p99, 0)} |`,
    )
  for (const r of results) {
    row(r, r.publish)
    if (r.batchPublish) row(r, r.batchPublish, r.batchPublish.passports / r.batchPublish.seconds)
    for (const s of [r.verify, r.verifyDistinct, r.read]) row(r, s)
  }
  const cpuText = (c) =>
    `server process ${c.server.toFixed(2)} ms (its worker threads included), PostgreSQL processes ${c.database.toFixed(2)} ms, load generator ${c.client.toFixed(2)} ms`
  const checks = results
    .map(
      (r) =>
        `- ${r.backend}: log size after the publish runs ${r.readyLogSize} (readyz; the checkpoint signed right after the runs had ${r.logSize}, checkpoints are signed at most once a second), ${r.settledLogSize} once the batches in flight when wrk stopped were committed (${r.settleMs} ms later, before the verify runs${r.vacuumMs === undefined ? '' : `; then VACUUM (ANALYZE) and CHECKPOINT, ${r.vacuumMs} ms, which autovacuum and the checkpointer would otherwise do during them`}); ` +
        `acknowledged publishes ${r.publish.ok} one per request${r.batchPublish ? ` and ${r.batchPublish.passports} in ${r.batchPublish.ok} batches` : ''}; ` +
        `publish status codes ${JSON.stringify(r.publish.statusCodes)}${r.batchPublish ? `, batches ${JSON.stringify(r.batchPublish.statusCodes)}` : ''}; ` +
        `verify verdict of the sample: ${r.verdict}. CPU per published passport, one per request: ${cpuText(r.cpuMs)}` +
        (r.batchCpuMs ? `; in batches: ${cpuText(r.batchCpuMs)}.` : '.') +
        (r.cpuMs.poolExhausted || r.batchCpuMs?.poolExhausted
          ? ' The pool of pre-signed requests ran out before the end of the run: the publish rates are lower bounds.'
          : ''),
    )
    .join('\n')
  const best = (f) => Math.max(...results.map(f))
  const single = best((r) => r.publish.rps)
  const batched = best((r) =>
    r.batchPublish ? r.batchPublish.passports / r.batchPublish.seconds : 0,
  )
  const section = `${START}
# Registry server benchmark results

Produced by \`npm run build && node bench/serve-bench.mjs --publishes ${args.publishes} --duration ${args.duration} --publish-duration ${args.publishDuration} --batch ${args.batch} --batch-duration ${args.batchDuration} --connections ${args.connections}\`
on ${new Date().toISOString().slice(0, 10)}${process.env.DATABASE_URL ? ', with `eval "$(scripts/pg-test.sh start --durable)"` for PostgreSQL' : ''}.

Machine: ${cpu}, nproc ${availableParallelism()}, Linux ${release()}, Node ${process.version};
load average ${load} when the run ended (other processes share the machine). The server runs in
one child process: its main thread parses requests and commits (with PGlite the database runs
on that thread too), and ${availableParallelism()} worker threads verify published passports
(\`--publish-workers\`, one per core). Load generators run on the same machine over loopback:
${HAS_WRK ? `wrk (${wrkVersion()}, one thread), ${args.connections} connections (8 for batches), walking a pool of pre-signed requests once for publishes (a second send would be a replay), looping for verify and read` : `autocannon for verify and read, and a pool of fetch calls in this process for publishes (wrk was not installed)`}.
Rate limiting and request logs are off.

Load: **publish** sends distinct passports (${data.bytes} bytes each, police-analytics example,
${args.publishes} issued beforehand in ${fmt(data.issueMs / 1000)} s) for ${args.publishDuration} s, each with its
own request signed just before the run; **publish, batches** sends the passports the first run did
not reach, ${args.batch} per request (POST /api/v1/passports/batch, one signed request, all or
none), for ${args.batchDuration} s (a batch is answered after about 0.4 s, and the batches in
flight when wrk stops are not counted, so a longer run measures the steady rate more closely). Every 201 is sent after the group commit that stored the passports and their log entries
(COMMIT, fsync on). **verify, one passport** posts the same passport, an inline-key policy and the
issuer's status list to POST /api/v1/verify for ${args.duration} s: after the first request the
server's verifier remembers the verified passport (signature, disclosures) and the verified status
list, so each request re-checks only the validity window, the status entry and the policy, and
writes the result. **verify, distinct passports** posts the passports in turn, so nothing is
remembered (at most ${VERIFIED_PER_POLICY_NOTE} per policy) and every request does the whole
verification. **read** is GET /api/v1/passports/:id for ${args.duration} s.

| Backend | Load | Requests | 2xx | Other | 2xx/s (batches: passports/s) | p50 ms | p99 ms |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Checks:
${checks}

Goals (issue 4): >= 2,000 acknowledged durable publishes/s; >= 5,000 verify requests/s with
p99 < 20 ms. This run: best publish rate ${fmt(single, 0)}/s one per request and ${fmt(batched, 0)}/s
in batches of ${args.batch}.

Reading the table: a publish costs the server a full verification of the passport (an Ed25519
check, SHA-256 of every disclosure, the claims rebuilt and checked) on a worker thread, plus, on
the main thread, the request's own Ed25519 check, the 16 KB body and the commit; the database
writes the 16 KB token (lz4-compressed on PostgreSQL, migration 003) and its index and log rows.
A group commit of passports is one SQL statement, and on PostgreSQL two are in flight: the next
waits inside the database for the log head while the first commits (docs/storage.md).
On this 2-core machine the server's threads, the database and the load generator share the
cores, so the rate is bounded by the total CPU per publish listed under Checks. Batches pay the
request, its signature and the commit once per ${args.batch} passports. The verify goal holds for a
passport verified again and again (the common case for a registry: buyers check the same
published passports), not for a stream of passports never seen before, which costs a full
verification each.
${END}`
  process.stdout.write(section + '\n')
  if (args.write) {
    const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : ''
    const start = current.indexOf(START)
    const end = current.indexOf(END)
    const next =
      start >= 0 && end > start
        ? current.slice(0, start) + section + current.slice(end + END.length)
        : `${current.trimEnd()}\n\n${section}\n`
    writeFileSync(RESULTS, next)
    process.stderr.write(`wrote ${path.relative(ROOT, RESULTS)}\n`)
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`)
  process.exit(1)
})
