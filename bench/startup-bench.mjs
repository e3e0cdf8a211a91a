#!/usr/bin/env node
/**
 * CLI start-up benchmark: `accord --version`, `classify`, `assess` and `verify` of a small example,
 * run as new processes by hyperfine (Debian package `hyperfine`), for the bundled CLI
 * (bin/accord.js -> dist/bundle/, scripts/bundle.mjs) against the same code unbundled (the tsc
 * output dist/cli/main.js, as bin/accord.js ran it before the bundle), next to `node -e 0`.
 *
 *   npm run build && node bench/startup-bench.mjs [--rounds 6] [--runs 5] [--warmup 3] [--no-write]
 *
 * Each round is one hyperfine invocation of all commands (in alternating order), so both builds
 * see the same machine load; wall times are medians over all rounds' runs, CPU times means.
 * Results are printed and written to bench/RESULTS.md (unless --no-write). See bench/README.md.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const TMP = join(ROOT, 'bench', 'tmp', 'startup')
const RESULTS = join(ROOT, 'bench', 'RESULTS.md')
const HEADING = '# CLI start-up benchmark results'

const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const rounds = Number(flag('--rounds', '6'))
const runs = Number(flag('--runs', '5'))
const warmup = Number(flag('--warmup', '3'))
const write = !args.includes('--no-write')

if (spawnSync('hyperfine', ['--version']).status !== 0) {
  console.error('hyperfine is missing: apt-get install -y hyperfine')
  process.exit(1)
}
const BUNDLED = join(ROOT, 'bin', 'accord.js')
const DIST_MAIN = join(ROOT, 'dist', 'cli', 'main.js')
if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js')) || !existsSync(DIST_MAIN)) {
  console.error('run npm run build first')
  process.exit(1)
}

// The unbundled CLI: bin/accord.js importing the tsc output instead of the bundle.
rmSync(TMP, { recursive: true, force: true })
mkdirSync(TMP, { recursive: true })
const UNBUNDLED = join(TMP, 'accord-unbundled.mjs')
const bin = readFileSync(BUNDLED, 'utf8')
if (!bin.includes("'../dist/bundle/main.js'"))
  throw new Error('bin/accord.js does not run the bundle')
writeFileSync(
  UNBUNDLED,
  bin.replace("'../dist/bundle/main.js'", `'${pathToFileURL(DIST_MAIN).href}'`),
)

// An issued passport of the example and a policy trusting its issuer, for `verify`.
const MANIFEST = join(ROOT, 'examples', 'border-biometrics', 'accord.yaml')
const accord = (...argv) => execFileSync(process.execPath, [BUNDLED, ...argv], { cwd: TMP })
cpSync(join(ROOT, 'policies'), join(TMP, 'policies'), { recursive: true })
for (const name of ['issuer', 'authority'])
  accord('keys', 'generate', '--out', join(TMP, 'keys'), '--name', name)
const PASSPORT = join(TMP, 'passport.sd-jwt')
accord(
  'issue',
  MANIFEST,
  '--key',
  join(TMP, 'keys', 'issuer.private.jwk.json'),
  '--status-dir',
  join(TMP, 'status'),
  '--out',
  PASSPORT,
)
const POLICY = join(TMP, 'policies', 'eu-police-procurement.yaml')

const CASES = [
  ['`accord --version`', ['--version']],
  ['`accord classify <example> --json`', ['classify', MANIFEST, '--json']],
  ['`accord assess <example> --json`', ['assess', MANIFEST, '--json']],
  // Indeterminate (exit 2) without the status list: the same work for both builds.
  [
    '`accord verify <passport> --policy <policy> --json`',
    ['verify', PASSPORT, '--policy', POLICY, '--json'],
  ],
]

// Both builds must behave the same before their times are compared.
for (const [label, argv] of CASES) {
  const a = spawnSync(process.execPath, [UNBUNDLED, ...argv], { cwd: ROOT, encoding: 'utf8' })
  const b = spawnSync(process.execPath, [BUNDLED, ...argv], { cwd: ROOT, encoding: 'utf8' })
  const same = (s) => s.replace(/"(checkedAt|asOf|now)":\s*"[^"]*"/g, '')
  if (a.status !== b.status || same(a.stdout) !== same(b.stdout))
    throw new Error(
      `${label}: the bundled and unbundled CLI differ (exit ${a.status} vs ${b.status})`,
    )
}

const quote = (s) => (/^[\w./:=-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`)
const commands = [`node -e 0`]
for (const [, argv] of CASES)
  for (const file of [UNBUNDLED, BUNDLED])
    commands.push(['node', file, ...argv].map(quote).join(' '))
const load = loadavg()[0]
console.log(
  `hyperfine: ${commands.length} commands, ${rounds} rounds of ${warmup} warm-up runs and ${runs} runs each`,
)
/** Per command: every run's wall time (s) and each round's mean user + system time (s). */
const samples = commands.map(() => ({ times: [], cpu: [] }))
for (let round = 0; round < rounds; round++) {
  // The order alternates between rounds, so neither build always runs first.
  const order = commands.map((_, i) => i)
  if (round % 2 === 1) order.reverse()
  const exported = join(TMP, `hyperfine-${round}.json`)
  execFileSync(
    'hyperfine',
    [
      '-N',
      '--ignore-failure',
      '--warmup',
      String(warmup),
      '--runs',
      String(runs),
      '--export-json',
      exported,
      '--style',
      'none',
      ...order.map((i) => commands[i]),
    ],
    // hyperfine's warnings about outliers go nowhere (stderr is in the error if it fails).
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const { results: got } = JSON.parse(readFileSync(exported, 'utf8'))
  got.forEach((r, k) => {
    const sample = samples[order[k]]
    sample.times.push(...r.times)
    sample.cpu.push(r.user + r.system)
  })
}
const middle = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const results = samples.map((r) => ({
  median: middle(r.times),
  cpu: r.cpu.reduce((a, b) => a + b, 0) / r.cpu.length,
}))
const median = (r) => r.median * 1000
const cpu = (r) => r.cpu * 1000
const base = results[0]
/** (before - base) / (after - base); n/a when a time is within the baseline's noise. */
const aboveBase = (before, after, b) =>
  before > b && after > b ? ((before - b) / (after - b)).toFixed(2) : 'n/a'

const rows = CASES.map(([label], i) => {
  const before = results[1 + 2 * i]
  const after = results[2 + 2 * i]
  return [
    label,
    median(before).toFixed(0),
    median(after).toFixed(0),
    (median(before) / median(after)).toFixed(2),
    aboveBase(median(before), median(after), median(base)),
    cpu(before).toFixed(0),
    cpu(after).toFixed(0),
    (cpu(before) / cpu(after)).toFixed(2),
    aboveBase(cpu(before), cpu(after), cpu(base)),
  ]
})
const table = [
  '| Command | Unbundled median wall (ms) | Bundled median wall (ms) | Wall ratio | Wall ratio above `node -e 0` | Unbundled CPU (ms) | Bundled CPU (ms) | CPU ratio | CPU ratio above `node -e 0` |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  `| \`node -e 0\` (baseline) | ${median(base).toFixed(0)} | | | | ${cpu(base).toFixed(0)} | | | |`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n')

const command =
  `npm run build && node bench/startup-bench.mjs ${args.filter((a) => a !== '--no-write').join(' ')}`.trim()
const hyperfineVersion = execFileSync('hyperfine', ['--version'], { encoding: 'utf8' }).trim()
const section = `${HEADING}

Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.

Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, nproc ${cpus().length}, Node ${process.version}, ${hyperfineVersion}. Load average (1 min) when the runs started: ${load.toFixed(2)}${load > cpus().length ? ' (other work was running on the machine; wall times are noisy, CPU times less so)' : ''}.

Each command is a new process (\`hyperfine -N\`). ${rounds} rounds, each one hyperfine invocation of
all commands in alternating order (${warmup} warm-up runs and ${runs} timed runs per command), so
both builds saw the same load; wall times are medians of all ${rounds * runs} runs. "Unbundled" is bin/accord.js
importing the tsc output (dist/cli/main.js), as before the bundle; "bundled" is bin/accord.js
as shipped (dist/bundle/). Ratios are unbundled / bundled (above 1: the bundle is faster);
"above \`node -e 0\`" subtracts the baseline from both first, which leaves Accord's own
start-up and work. CPU is user + system time (mean per run), less sensitive to other processes than wall time.
The example is examples/border-biometrics; \`verify\` checks a passport issued from it
(indeterminate, exit 2, without the issuer's status list).

${table}
`
console.log(`\n${section}`)
if (write) {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : ''
  const lines = old.split('\n')
  const start = lines.indexOf(HEADING)
  let text
  if (start < 0) text = `${old.trimEnd()}\n\n${section}`
  else {
    let end = lines.findIndex((l, i) => i > start && l.startsWith('# '))
    if (end < 0) end = lines.length
    const before = lines.slice(0, start).join('\n')
    const after = lines.slice(end).join('\n')
    text = `${before ? before + '\n' : ''}${section}${after ? '\n' + after : ''}`
  }
  writeFileSync(RESULTS, text)
  console.log(`wrote the "${HEADING.slice(2)}" section of ${relative(process.cwd(), RESULTS)}`)
}
