#!/usr/bin/env node
/**
 * Artifact hashing benchmark: accord's worker-thread SHA-256 (src/node/artifacts.ts) next to
 * `openssl dgst -sha256`, on one large file and on a directory of large files.
 *
 *   npm run build && node bench/hash-bench.mjs [--gib 4] [--files 16] [--file-mib 256]
 *                                              [--runs 3] [--keep] [--no-write]
 *
 * Data goes to bench/tmp/hash/ (gitignored); it is deleted at the end unless --keep (then the
 * next run reuses it). Results are printed and written to the "Artifact hashing" section of
 * bench/RESULTS.md (unless --no-write). See bench/README.md.
 */
import { spawnSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { availableParallelism, getPriority, loadavg, release } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DATA = join(ROOT, 'bench', 'tmp', 'hash')
const RESULTS = join(ROOT, 'bench', 'RESULTS.md')
const GiB = 1024 ** 3
const MiB = 1024 ** 2

const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const BIG_BYTES = Math.round(Number(flag('--gib', '4')) * GiB)
const FILES = Number(flag('--files', '16'))
const FILE_BYTES = Math.round(Number(flag('--file-mib', '256')) * MiB)
const RUNS = Number(flag('--runs', '3'))
const KEEP = args.includes('--keep')
const WRITE = !args.includes('--no-write')
const SHARD = 256 * MiB
const WORKERS = 2
const MIN_FREE = 10 * GiB

const built = join(ROOT, 'dist', 'node', 'artifacts.js')
if (!existsSync(built) || !existsSync(join(ROOT, 'dist', 'node', 'hash-worker.js'))) {
  console.error('dist/node/artifacts.js is missing: run `npm run build` first')
  process.exit(2)
}
const { hashArtifacts, verifyArtifacts } = await import(pathToFileURL(built).href)

// ---------------------------------------------------------------------------------------------
// Data: one big file and a directory of files, pseudo-random (AES-128-CTR of zeros, fixed key:
// deterministic, incompressible, and written at disk speed).

const BIG = 'big.bin'
const DIR = 'dir'
const parts = Array.from(
  { length: FILES },
  (_, i) => `${DIR}/part-${String(i).padStart(2, '0')}.bin`,
)
const stamp = join(DATA, 'complete.json')
const wanted = JSON.stringify({ BIG_BYTES, FILES, FILE_BYTES })

function writeRandomFile(file, size, seed) {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed, 0)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  const zeros = Buffer.alloc(64 * MiB)
  const fd = openSync(file, 'w')
  try {
    for (let left = size; left > 0;) {
      const block = cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left))
      writeSync(fd, block)
      left -= block.length
    }
  } finally {
    closeSync(fd)
  }
}

function prepareData() {
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    console.log(`reusing the data in ${relative(process.cwd(), DATA)}`)
    return
  }
  rmSync(DATA, { recursive: true, force: true })
  mkdirSync(join(DATA, DIR), { recursive: true })
  const { bavail, bsize } = statfsSync(DATA)
  const free = bavail * bsize
  const need = BIG_BYTES + FILES * FILE_BYTES
  if (free < MIN_FREE || free < need + 2 * GiB) {
    console.error(
      `not enough disk space in ${DATA}: ${(free / GiB).toFixed(1)} GiB free, the data needs ` +
        `${(need / GiB).toFixed(1)} GiB and the benchmark wants at least ${MIN_FREE / GiB} GiB free`,
    )
    process.exit(2)
  }
  const t = performance.now()
  console.log(
    `writing ${(need / GiB).toFixed(1)} GiB of pseudo-random data to ${relative(process.cwd(), DATA)} ...`,
  )
  writeRandomFile(join(DATA, BIG), BIG_BYTES, 1)
  parts.forEach((p, i) => writeRandomFile(join(DATA, p), FILE_BYTES, 100 + i))
  writeFileSync(stamp, wanted)
  console.log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

/** Reads every file once so that the runs measure hashing, not the disk. */
function warmCache() {
  const buffer = Buffer.allocUnsafe(16 * MiB)
  for (const rel of [BIG, ...parts]) {
    const fd = openSync(join(DATA, rel), 'r')
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    closeSync(fd)
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

function openssl(files) {
  const r = spawnSync('openssl', ['dgst', '-sha256', '-r', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`)
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [digest, name] = line.split(' *')
        return [relative(DATA, name), digest]
      }),
  )
}

async function timed(fn) {
  const t = performance.now()
  const value = await fn()
  return { ms: performance.now() - t, value }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const cases = [
  {
    key: 'ossl-one',
    label: '`openssl dgst -sha256` one file (one stream)',
    bytes: BIG_BYTES,
    run: () => openssl([join(DATA, BIG)]),
  },
  {
    key: 'one-stream',
    label: 'accord one stream (`hashArtifacts`, workers 1, no shards)',
    bytes: BIG_BYTES,
    run: () => hashArtifacts(DATA, [BIG], { workers: 1, shardSize: Infinity }),
  },
  {
    key: 'issue',
    label: `accord issue: whole + ${BIG_BYTES > 2 * SHARD ? Math.ceil(BIG_BYTES / SHARD) : 0} shard digests (workers ${WORKERS})`,
    bytes: BIG_BYTES,
    run: () => hashArtifacts(DATA, [BIG], { workers: WORKERS, shardSize: SHARD }),
  },
  {
    key: 'verify',
    label: `accord verify, shards in parallel (\`verifyArtifacts\`, workers ${WORKERS})`,
    bytes: BIG_BYTES,
    run: () => verifyArtifacts(DATA, [claim], { workers: WORKERS }),
  },
  {
    key: 'ossl-dir',
    label: `\`openssl dgst -sha256\` ${FILES} files (one process)`,
    bytes: FILES * FILE_BYTES,
    run: () => openssl(parts.map((p) => join(DATA, p))),
  },
  {
    key: 'dir',
    label: `accord ${FILES} files (\`hashArtifacts\`, workers ${WORKERS})`,
    bytes: FILES * FILE_BYTES,
    run: () => hashArtifacts(DATA, parts, { workers: WORKERS, shardSize: SHARD }),
  },
]

prepareData()
console.log('warming the page cache (reading every file once) ...')
warmCache()

// The shard layout a passport would record, for the verification case.
const [claim] = await hashArtifacts(DATA, [BIG], { workers: WORKERS, shardSize: SHARD })
const load = loadavg()[0]
/** Scheduling priority: nice value, and the autogroup's nice value where autogroups are on. */
const autogroup = existsSync('/proc/self/autogroup')
  ? readFileSync('/proc/self/autogroup', 'utf8').trim().split(' ').slice(1).join(' ')
  : undefined
const niceness = `${getPriority()}${autogroup ? `, autogroup ${autogroup}` : ''}`

const times = new Map(cases.map((c) => [c.key, []]))
const outputs = new Map()
for (let run = 1; run <= RUNS; run++) {
  for (const c of cases) {
    const { ms, value } = await timed(c.run)
    times.get(c.key).push(ms)
    outputs.set(c.key, value)
    console.log(
      `run ${run}: ${c.key.padEnd(10)} ${(c.bytes / 1e6 / ms).toFixed(2)} GB/s (${ms.toFixed(0)} ms)`,
    )
  }
}

// Every digest must equal openssl's.
const reference = new Map([...outputs.get('ossl-one'), ...outputs.get('ossl-dir')])
const mismatches = []
for (const key of ['one-stream', 'issue', 'dir']) {
  for (const d of outputs.get(key)) {
    if (reference.get(d.path) !== d.sha256) mismatches.push(`${key}: ${d.path}`)
  }
}
const verified = outputs.get('verify')
if (verified.some((c) => c.outcome !== 'pass')) mismatches.push('verify: not every shard matched')

// ---------------------------------------------------------------------------------------------
// Report

const row = (key) => {
  const c = cases.find((x) => x.key === key)
  const ms = median(times.get(key))
  const best = Math.min(...times.get(key))
  return { label: c.label, ms, gbps: c.bytes / 1e6 / ms, bestGbps: c.bytes / 1e6 / best }
}
const one = ['ossl-one', 'one-stream', 'issue', 'verify'].map(row)
const many = ['ossl-dir', 'dir'].map(row)
const ratio = (a, b) => (a.gbps / b.gbps).toFixed(2)

const version = (cmd, a) => spawnSync(cmd, a, { encoding: 'utf8' }).stdout.trim()
const cpu =
  (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? '?'
const shaNi = /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))
const command =
  `npm run build && node bench/hash-bench.mjs ${args.filter((a) => a !== '--no-write').join(' ')}`.trim()
const date = new Date().toISOString().slice(0, 10)

const HEADING = '# Artifact hashing benchmark results'

/**
 * Replaces this benchmark's section of RESULTS.md (from its heading to the next `# ` heading,
 * as assess-bench.mjs does) and keeps the sections other benchmarks write there.
 */
function writeResults(file, text) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const lines = old.split('\n')
  const start = lines.indexOf(HEADING)
  if (start < 0) {
    writeFileSync(file, old.trim() === '' ? text : `${old.trimEnd()}\n\n${text}`)
    return
  }
  let end = lines.findIndex((l, i) => i > start && l.startsWith('# '))
  if (end < 0) end = lines.length
  const before = lines.slice(0, start).join('\n')
  const after = lines.slice(end).join('\n')
  writeFileSync(file, `${before ? before + '\n' : ''}${text}${after ? '\n' + after : ''}`)
}

const table = (rows, base) =>
  [
    '| Case | Median wall time (ms) | GB/s (median) | vs openssl (median) | GB/s (best run) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.ms.toFixed(0)} | ${r.gbps.toFixed(2)} | ${ratio(r, base)} | ${r.bestGbps.toFixed(2)} |`,
    ),
  ].join('\n')

const section = `${HEADING}

Produced by \`${command}\` on ${date}.

Machine: ${cpu}${shaNi ? ' (SHA extensions: sha_ni)' : ''}, nproc ${availableParallelism()}, Linux ${release()}, Node ${process.version}, ${version('openssl', ['version'])}. Load average (1 min) when the runs started: ${load.toFixed(2)}${load > 0.5 ? ' (other work was running on the machine; numbers are noisy)' : ''}; niceness ${niceness}.

Data: one ${(BIG_BYTES / GiB).toFixed(1)} GiB file and ${FILES} files of ${FILE_BYTES / MiB} MiB, pseudo-random.
The page cache was warmed by reading every file once before timing, so this measures hashing,
not the disk. Medians of ${RUNS} runs; the cases alternate within each run. GB/s are 10^9 bytes
of file per second; accord's times are whole in-process calls, worker start-up included.
Shard size ${SHARD / MiB} MiB; ${WORKERS} workers where parallel.

One ${(BIG_BYTES / GiB).toFixed(1)} GiB file:

${table(one, one[0])}

${FILES} files of ${FILE_BYTES / MiB} MiB:

${table(many, many[0])}

Reading the tables: the whole-file digest (the one \`sha256sum\` prints) is one sequential
stream, so issuing (whole-file + shard digests) runs at one stream's speed: the whole-file stream
on one core, the shards on the other. Verification recomputes only the shards the passport
records, on both cores. Many files are spread over both cores. On a shared machine run it as
\`setsid bash -c 'echo -15 > /proc/self/autogroup; exec node bench/hash-bench.mjs'\`: with kernel
autogroups, \`nice\` alone does not lift the benchmark above other sessions' jobs.

Digests: ${mismatches.length === 0 ? "every accord digest equals openssl's, and the sharded verification passed." : `MISMATCHES: ${mismatches.join('; ')}`}
`

console.log('\n' + section)
if (WRITE) {
  writeResults(RESULTS, section)
  console.log(`wrote the "${HEADING.slice(2)}" section of ${relative(process.cwd(), RESULTS)}`)
}

if (!KEEP) {
  rmSync(DATA, { recursive: true, force: true })
  console.log(`deleted ${relative(process.cwd(), DATA)} (pass --keep to reuse it)`)
}
process.exitCode = mismatches.length === 0 ? 0 : 1
