#!/usr/bin/env node
/**
 * Memory of `accord log monitor --entries` over a log that grew by many entries since the last
 * round: peak RSS of one round (`--once`) that reads, checks and prints --entries new entries.
 *
 *   npm run build && node bench/monitor-mem-bench.mjs [--entries 200000] [--before DIR]
 *     [--child-heap-mb MB] [--no-write]
 *
 * This process serves a log of its own over HTTP (an in-memory RFC 9162 tree of synthetic
 * passport entries, signed checkpoints, proofs and pages of 1000 entries, built with dist/), and
 * writes a state file at size 1; each build's `bin/accord.js log monitor --once --entries` then
 * runs in a child process, its output counted (every entry must be printed), its peak RSS
 * reported by the child itself at exit (`process.resourceUsage().maxRSS`). `--before DIR` also
 * runs the CLI of another checkout (built), e.g. the commit before the spool, for comparison.
 * `--child-heap-mb` also runs each build with the monitor's V8 heap capped
 * (`--max-old-space-size`): a round that holds every entry runs out of memory where a bounded
 * one passes (peak RSS alone also reflects how lazily V8 collects).
 * Results are printed and written to bench/RESULTS.md between the monitor-mem-bench markers
 * (unless --no-write).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md')
const START = '<!-- monitor-mem-bench:start -->'
const END = '<!-- monitor-mem-bench:end -->'

function parseArgs(argv) {
  const args = { entries: 200_000, before: undefined, childHeapMb: undefined, write: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--no-write') args.write = false
    else if (a === '--entries') args.entries = Number(argv[++i])
    else if (a === '--before') args.before = path.resolve(argv[++i])
    else if (a === '--child-heap-mb') args.childHeapMb = Number(argv[++i])
    else throw new Error(`unknown argument ${a}`)
  }
  return args
}

const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', p)).href)

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const { MerkleTree } = await dist('core/merkle/index.js')
  const { leafHash, toHex } = await dist('core/merkle/hash.js')
  const { signCheckpoint } = await dist('core/tlog/checkpoint.js')
  const { formatVerifierKey } = await dist('core/tlog/note.js')
  const { sha256 } = await dist('node/sha256.js')
  const { generateKeyPair, signerFromJwk } = await dist('node/keys.js')
  const { ed25519PublicKey, noteSignerFromSigner } = await dist('node/tlog/registry.js')

  const origin = 'monitor-mem-bench/log'
  const size = args.entries + 1
  const enc = new TextEncoder()
  const payload = (i) =>
    `{"id":"urn:bench:passport:${i}","issuer":"https://vendor.example","issuerJwtSha256":"${toHex(sha256(enc.encode(String(i))))}","kid":"kid-issuer-1","kind":"passport","v":1}`
  const tree = new MerkleTree(sha256)
  for (let i = 0; i < size; i++) tree.append(leafHash(enc.encode(payload(i)), sha256))
  const key = await signerFromJwk((await generateKeyPair()).privateJwk)
  const signer = noteSignerFromSigner(key, origin)
  const notes = {
    1: await signCheckpoint({ origin, size: 1, rootHash: tree.root(1) }, signer),
    [size]: await signCheckpoint({ origin, size, rootHash: tree.root(size) }, signer),
  }
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x')
    const q = (k) => Number(u.searchParams.get(k))
    const json = (v) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(v))
    }
    if (u.pathname === '/api/v1/log/checkpoint') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      return res.end(notes[size])
    }
    if (u.pathname === '/api/v1/log/proof/inclusion')
      return json({
        index: q('index'),
        size: q('size'),
        hashes: tree.inclusionProof(q('index'), q('size')).map(toHex),
      })
    if (u.pathname === '/api/v1/log/proof/consistency')
      return json({
        from: q('from'),
        to: q('to'),
        hashes: tree.consistencyProof(q('from'), q('to')).map(toHex),
      })
    if (u.pathname === '/api/v1/log/entries') {
      const start = q('start')
      const end = Math.min(q('end'), size, start + 1000)
      const entries = []
      for (let i = start; i < end; i++)
        entries.push({
          index: i,
          kind: 'passport',
          payload: payload(i),
          leafHash: toHex(tree.leafHash(i)),
        })
      return json({ entries })
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end('{}')
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const logUrl = `http://127.0.0.1:${server.address().port}`
  const vkey = formatVerifierKey(origin, ed25519PublicKey(key), sha256)

  const dir = mkdtempSync(path.join(tmpdir(), 'accord-monitor-mem-'))
  const runs = []
  try {
    const builds = [
      ...(args.before
        ? [{ name: `before (${path.basename(args.before)})`, root: args.before }]
        : []),
      { name: 'after (this checkout)', root: ROOT },
    ]
    const caps = [undefined, ...(args.childHeapMb ? [args.childHeapMb] : [])]
    for (const heapMb of caps)
      for (const build of builds) {
        const state = path.join(dir, `${runs.length}`, 'state.json')
        const stateJson = {
          logUrl,
          origin,
          size: 1,
          rootHash: toHex(tree.root(1)),
          note: notes[1],
          verifiedAt: new Date().toISOString(),
        }
        rmSync(path.dirname(state), { recursive: true, force: true })
        const { mkdirSync } = await import('node:fs')
        mkdirSync(path.dirname(state), { recursive: true })
        writeFileSync(state, JSON.stringify(stateJson))
        runs.push({
          name: build.name,
          heapMb,
          ...(await monitorRound(build.root, logUrl, vkey, state, heapMb)),
        })
        const r = runs.at(-1)
        r.ok = r.code === 0 && r.entryLines === args.entries
        console.log(
          `${r.name}${heapMb ? `, heap cap ${heapMb} MiB` : ''}: peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB, ${r.seconds.toFixed(1)} s` +
            (r.ok
              ? ''
              : `, FAILED: exit ${r.code}, ${r.entryLines} entries printed: ${r.err.slice(-300)}`),
        )
      }
  } finally {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  if (args.write) writeResults(args, runs)
}

/** One `log monitor --once --entries` round in a child; its peak RSS and printed entry lines. */
function monitorRound(root, logUrl, vkey, state, heapMb) {
  const report =
    "data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))"
  const cli = path.join(root, 'bin', 'accord.js')
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    [
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      '--import',
      report,
      cli,
      'log',
      'monitor',
      '--log',
      logUrl,
      '--key',
      vkey,
      '--state',
      state,
      '--once',
      '--entries',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  // The output is the round's line, then one line per entry: count line breaks.
  let lineBreaks = 0
  let head = ''
  child.stdout.on('data', (chunk) => {
    if (head.length < 12) head += chunk.toString('utf8', 0, 12)
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lineBreaks++
  })
  let err = ''
  child.stderr.on('data', (c) => (err += c))
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const m = /maxrss=(\d+)/.exec(err)
      resolve({
        code,
        entryLines: head.startsWith('consistent:') ? lineBreaks - 1 : -1,
        maxRssKb: m ? Number(m[1]) : NaN,
        seconds: (performance.now() - t0) / 1000,
        err: err.replace(/maxrss=\d+\n/, '').trim(),
      })
    })
  })
}

function writeResults(args, runs) {
  const lines = [
    START,
    '',
    '# Log monitor memory benchmark results',
    '',
    `Produced by \`npm run build && node bench/monitor-mem-bench.mjs --entries ${args.entries}${args.before ? ' --before <checkout>' : ''}${args.childHeapMb ? ` --child-heap-mb ${args.childHeapMb}` : ''}\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown'}, nproc ${cpus().length}, Node ${process.version}. Load average (1 min): ${loadavg()[0].toFixed(2)}.`,
    '',
    `One \`accord log monitor --once --entries\` round over a log that grew from 1 to ${args.entries + 1} entries (served in pages of 1000 by the bench process); every entry printed (stdout read and counted by the bench). Peak RSS is the child's \`process.resourceUsage().maxRSS\`.`,
    '',
    '| Build | V8 heap cap | Peak RSS (MiB) | Wall (s) | Result |',
    '| --- | --- | ---: | ---: | --- |',
    ...runs.map((r) => {
      const rss = Number.isNaN(r.maxRssKb) ? '-' : (r.maxRssKb / 1024).toFixed(0)
      const cap = r.heapMb ? `${r.heapMb} MiB` : 'default'
      const result = r.ok
        ? 'every entry printed'
        : `failed (exit ${r.code ?? 'by signal'}${/heap out of memory/.test(r.err) ? ': heap out of memory' : ''})`
      return `| ${r.name} | ${cap} | ${rss} | ${r.seconds.toFixed(1)} | ${result} |`
    }),
    '',
    END,
  ]
  let text = readFileSync(RESULTS, 'utf8')
  const a = text.indexOf(START)
  const b = text.indexOf(END)
  text =
    a >= 0 && b > a
      ? text.slice(0, a) + lines.join('\n') + text.slice(b + END.length)
      : text.trimEnd() + '\n\n' + lines.join('\n') + '\n'
  writeFileSync(RESULTS, text)
}

await main()
