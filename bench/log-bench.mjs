#!/usr/bin/env node
/**
 * Transparency log benchmark (issue 4):
 *  1. appending 1,000,000 leaf hashes to the in-memory RFC 9162 tree (what a registry does on
 *     start, and per commit);
 *  2. inclusion and consistency proofs at 1,000,000 entries, through the registry service
 *     (`openRegistry(...).inclusionProof / consistencyProof`, hex encoding included), over a
 *     stub store that holds the leaf hashes in memory;
 *  3. durable publishes per second through the registry service in-process (group commit into
 *     `store.publishBatch`; every publish counted only after its COMMIT), on PGlite (a data
 *     directory) and on each PostgreSQL given (DATABASE_URL, or --database-url, repeatable),
 *     side by side, for each token size of --token-bytes (a comma-separated list).
 *
 *   npm run build && node bench/log-bench.mjs [--leaves 1000000] [--proofs 20000]
 *     [--publishes 5000] [--concurrency 512] [--token-bytes 2000,19000]
 *     [--database-url URL ...] [--no-write]
 *
 * PostgreSQL: `eval "$(scripts/pg-test.sh start --durable)"` (fsync and synchronous_commit on)
 * or `scripts/pg-test.sh start` (both off: the test server); each row shows the server's
 * settings. Results are printed and written to bench/RESULTS.md between the log-bench markers
 * (unless --no-write).
 */
import { randomBytes, createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md')
const START = '<!-- log-bench:start -->'
const END = '<!-- log-bench:end -->'

function parseArgs(argv) {
  const args = {
    leaves: 1_000_000,
    proofs: 20_000,
    publishes: 5000,
    concurrency: 512,
    tokenBytes: [2000],
    databaseUrls: [],
    write: true,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--no-write') args.write = false
    else if (a === '--leaves') args.leaves = Number(argv[++i])
    else if (a === '--proofs') args.proofs = Number(argv[++i])
    else if (a === '--publishes') args.publishes = Number(argv[++i])
    else if (a === '--concurrency') args.concurrency = Number(argv[++i])
    else if (a === '--token-bytes') args.tokenBytes = argv[++i].split(',').map(Number)
    else if (a === '--database-url') args.databaseUrls.push(argv[++i])
    else throw new Error(`unknown argument ${a}`)
  }
  if (args.databaseUrls.length === 0 && process.env.DATABASE_URL)
    args.databaseUrls.push(process.env.DATABASE_URL)
  return args
}

const args = parseArgs(process.argv.slice(2))
if (!existsSync(path.join(DIST, 'node', 'tlog', 'registry.js')))
  throw new Error('dist/ is missing or stale: run `npm run build` first')
const load = (p) => import(pathToFileURL(path.join(DIST, p)).href)

const { MerkleTree } = await load('core/merkle/tree.js')
const { sha256 } = await load('node/sha256.js')
const { openRegistry } = await load('node/tlog/registry.js')
const { generateKeyPair, signerFromJwk } = await load('node/keys.js')
const { openStore } = await load('node/store/index.js')
const { verifyCheckpoint } = await load('core/tlog/checkpoint.js')

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const us = (ms) => (ms * 1000).toFixed(1)
function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// --- 1. tree append ---------------------------------------------------------------------------
const leafHashes = Array.from({ length: args.leaves }, () => new Uint8Array(randomBytes(32)))
let t = performance.now()
const tree = MerkleTree.fromLeafHashes(leafHashes, sha256)
const appendMs = performance.now() - t
t = performance.now()
tree.root()
const rootMs = performance.now() - t
process.stderr.write(`append: ${fmt(args.leaves / (appendMs / 1000))} leaves/s\n`)

// --- 2. proofs through the registry over a stub store ------------------------------------------
const logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
const stub = {
  async logSize() {
    return leafHashes.length
  },
  async getLeafHashes(s, e) {
    return leafHashes.slice(s, e)
  },
  async latestCheckpoint() {
    return null
  },
  async putCheckpoint() {},
}
t = performance.now()
const big = await openRegistry({ store: stub, logKey, origin: 'bench.example/log' })
const rebuildMs = performance.now() - t
const N = args.leaves
const inclTimes = []
const consTimes = []
let seed = 12345
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
}
for (let i = 0; i < args.proofs; i++) {
  const idx = rnd(N)
  let s = performance.now()
  await big.inclusionProof(idx, N)
  inclTimes.push(performance.now() - s)
  const m = 1 + rnd(N - 1)
  s = performance.now()
  await big.consistencyProof(m, N)
  consTimes.push(performance.now() - s)
}
inclTimes.sort((a, b) => a - b)
consTimes.sort((a, b) => a - b)
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const cp = await big.checkpoint()
const cpOk = (await verifyCheckpoint(cp.note, [big.verifier])).ok

// --- 3. publishes through the registry --------------------------------------------------------
const b64u = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')
// Real tokens are base64url (signed JWT and disclosures) and compress poorly: the padding is
// random base64url, so the database stores (TOASTs) about as many bytes as it would for them.
function record(id, tokenBytes) {
  const pad = randomBytes(Math.ceil(Math.max(0, tokenBytes - 250) * 0.75)).toString('base64url')
  const jwt = `${b64u({ alg: 'EdDSA', typ: 'dc+sd-jwt', kid: 'bench-kid' })}.${b64u({ jti: id, iss: 'https://vendor.example', pad })}.c2ln`
  const token = `${jwt}~`
  return {
    id,
    issuer: 'https://vendor.example',
    kid: 'bench-kid',
    subjectId: `urn:accord:system:${id}`,
    systemName: 'Bench system',
    systemVersion: '1.0.0',
    providerName: 'Bench vendor',
    providerCountry: 'DE',
    jurisdictions: ['eu'],
    categories: { eu: ['high-risk'] },
    token,
    issuerJwtSha256: createHash('sha256').update(jwt).digest('hex'),
    publishedAt: new Date().toISOString(),
  }
}

async function publishRun(label, store, tokenBytes) {
  const batches = []
  let storeMs = 0
  const counted = new Proxy(store, {
    get(target, prop) {
      if (prop === 'publishBatch')
        return async (items) => {
          batches.push(items.length)
          const s = performance.now()
          try {
            return await target.publishBatch(items)
          } finally {
            storeMs += performance.now() - s
          }
        }
      const v = Reflect.get(target, prop, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const registry = await openRegistry({ store: counted, logKey, origin: 'bench.example/log' })
  const base = registry.size
  // Warm-up (JIT, WASM, connections), not measured.
  await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      registry.publish([
        {
          type: 'passport',
          passport: record(`urn:warm:${label}:${tokenBytes}:${i}:${Date.now()}`, tokenBytes),
        },
      ]),
    ),
  )
  batches.length = 0
  storeMs = 0
  const latencies = []
  let next = 0
  const run = `${Date.now()}`
  // Made before the clock starts: the run measures the registry and the store, not this script.
  const records = Array.from({ length: args.publishes }, (_, i) =>
    record(`urn:bench:${run}:${i}`, tokenBytes),
  )
  const start = performance.now()
  async function worker() {
    while (next < args.publishes) {
      const i = next++
      const s = performance.now()
      await registry.publish([{ type: 'passport', passport: records[i] }])
      latencies.push(performance.now() - s)
    }
  }
  await Promise.all(Array.from({ length: args.concurrency }, worker))
  const seconds = (performance.now() - start) / 1000
  const size = await store.logSize()
  latencies.sort((a, b) => a - b)
  await registry.close()
  return {
    label,
    tokenBytes,
    rate: args.publishes / seconds,
    seconds,
    batches: batches.length,
    meanBatch: args.publishes / batches.length,
    storeShare: storeMs / 1000 / seconds,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    check: size === base + 200 + args.publishes,
  }
}

/** The label of a PostgreSQL server: its version and whether a COMMIT waits for the disk. */
async function pgLabel(url) {
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const show = async (name) => (await client.query(`SHOW ${name}`)).rows[0][name]
    const version = (await show('server_version')).split(' ')[0]
    return `PostgreSQL ${version} (fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')})`
  } finally {
    await client.end()
  }
}

const runs = []
const dataDir = path.join(ROOT, 'bench', 'tmp', 'log-bench-pglite')
for (const tokenBytes of args.tokenBytes) {
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const store = await openStore({ dataDir, env: {} })
  runs.push(await publishRun('PGlite (data directory)', store, tokenBytes))
  await store.close()
  rmSync(dataDir, { recursive: true, force: true })
  for (const url of args.databaseUrls) {
    const pgStore = await openStore({ databaseUrl: url, poolSize: 4 })
    runs.push(await publishRun(await pgLabel(url), pgStore, tokenBytes))
    await pgStore.close()
  }
  process.stderr.write(`publishes with ${tokenBytes}-byte tokens: done\n`)
}
if (args.databaseUrls.length === 0)
  process.stderr.write('DATABASE_URL not set: PostgreSQL publish run skipped\n')

const la = loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ')
const section = `${START}
# Transparency log benchmark results

Produced by \`npm run build && node bench/log-bench.mjs --leaves ${args.leaves} --proofs ${args.proofs} --publishes ${args.publishes} --concurrency ${args.concurrency} --token-bytes ${args.tokenBytes.join(',')}${args.databaseUrls.length ? ' --database-url ...'.repeat(args.databaseUrls.length) : ''}\`
on ${new Date().toISOString().slice(0, 10)}.

Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, nproc ${cpus().length}, Node ${process.version}; load average ${la}
when the run ended (other processes share the machine, so rates are noisy).

## Tree and proofs at ${fmt(N)} entries

| Measure | Value |
| --- | ---: |
| append ${fmt(N)} leaf hashes to an empty tree | ${fmt(N / (appendMs / 1000))} leaves/s (${(appendMs / 1000).toFixed(2)} s) |
| root of the full tree | ${us(rootMs)} µs |
| registry start: rebuild the tree from the store's leaf hashes | ${(rebuildMs / 1000).toFixed(2)} s |
| inclusion proof (random index, size ${fmt(N)}), mean / p99 | ${us(mean(inclTimes))} µs / ${us(pct(inclTimes, 99))} µs |
| consistency proof (random m to ${fmt(N)}), mean / p99 | ${us(mean(consTimes))} µs / ${us(pct(consTimes, 99))} µs |
| checkpoint signed at ${fmt(N)} and verified | ${cpOk ? 'yes' : 'NO'} |

Proofs are timed through \`registry.inclusionProof\` / \`consistencyProof\` (async, hex-encoded
hashes, as the HTTP routes call them), ${fmt(args.proofs)} of each. Goal: under 1 ms.

## Durable publishes through the registry service (in-process)

${fmt(args.publishes)} passports per run (token padded with random base64url, as incompressible as a real
one), ${args.concurrency} publishes in flight; each counted when its promise resolved, i.e. after the
COMMIT of its group. Goal: >= 2,000/s.

| Backend | Token bytes | Publishes/s | Commits | Mean items per commit | Time in publishBatch | p50 ms | p99 ms | Log size checked |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${runs
  .map(
    (r) =>
      `| ${r.label} | ${fmt(r.tokenBytes)} | ${fmt(r.rate)} | ${r.batches} | ${r.meanBatch.toFixed(0)} | ${(r.storeShare * 100).toFixed(0)} % | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.check ? 'yes' : 'NO'} |`,
  )
  .join('\n')}
${args.databaseUrls.length ? '' : '\nPostgreSQL: not run (DATABASE_URL not set).\n'}
Notes: proofs are far under the 1 ms goal at 1,000,000 entries (the tree keeps every complete
subtree hash). "Time in publishBatch" is the share of the run spent waiting for
\`store.publishBatch\` (the group commits): the store is the bound, not the log. A commit writes a
whole group of passports with ONE statement whatever its size (\`WITH head AS (UPDATE log_head
...)\` and one INSERT each for log entries, passports and categories, each column a text array
expanded by \`unnest\`, the tokens one newline-joined text), a transaction of its own planned
generically, the same SQL on PGlite and PostgreSQL; on PostgreSQL the registry keeps two commits
in flight, the second waiting inside the database for the log head. What is left is the rows themselves: a token over about 2 KB is TOASTed (cut into 2 KB
chunks, each a row of its own; compressed with lz4 on PostgreSQL, stored as is on PGlite,
migration 003). These tokens are padded with random base64url, which lz4 barely compresses, so
19 KB tokens cost several times more than 2 KB ones on either backend. Durability:
on PostgreSQL with fsync=on and synchronous_commit=on each COMMIT waits for the WAL flush (one
per group, a few ms here); PGlite writes its WAL to the data directory before COMMIT returns
(survives a killed process) but its Node file system does not fsync, so not a power loss (see
docs/storage.md). This bench process and the database share the machine's ${cpus().length} cores; rates move
by 2x or more with the load average.
${END}`

process.stdout.write(section + '\n')
if (args.write) {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : ''
  const s = current.indexOf(START)
  const e = current.indexOf(END, s)
  const next =
    s >= 0 && e > s
      ? current.slice(0, s) + section + current.slice(e + END.length)
      : `${current.trimEnd()}\n\n${section}\n`
  writeFileSync(RESULTS, next)
  process.stderr.write(`wrote ${path.relative(ROOT, RESULTS)}\n`)
}
