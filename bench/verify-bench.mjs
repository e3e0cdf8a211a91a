#!/usr/bin/env node
/**
 * Passport verification benchmark: how fast does Accord verify passports AND evaluate a buyer's
 * policy on one core, compared with jose `compactVerify` of the same issuer-signed JWT alone, and
 * how fast does a warmed worker pool verify a batch on all cores?
 *
 *   npm run build && node bench/verify-bench.mjs [--n 5000] [--runs 5] [--alg EdDSA|ES256]
 *                                                 [--workers 2] [--no-write]
 *
 * On a shared machine run it as
 *   setsid bash -c 'echo -15 > /proc/self/autogroup; exec node bench/verify-bench.mjs'
 * (see bench/README.md). Writes its section of bench/RESULTS.md between the verify-bench markers
 * (other sections stay). See bench/README.md for what each path measures.
 */
import { generateKeyPairSync, randomBytes, sign, createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = path.join(ROOT, 'dist')
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md')
const START = '<!-- verify-bench:start -->'
const END = '<!-- verify-bench:end -->'
const EXAMPLE = 'police-analytics'
const POLICY = 'policies/eu-police-procurement.yaml'
const AS_OF = '2026-11-20'
const ISSUED_AT = 1_795_132_800
const NOW = ISSUED_AT + 3600
/** Tokens per slice when the one-core paths alternate. */
const SLICE = 25

function parseArgs(argv) {
  const args = { n: 5000, runs: 5, alg: 'EdDSA', workers: 2, write: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--n') args.n = Number(argv[++i])
    else if (a === '--runs') args.runs = Number(argv[++i])
    else if (a === '--alg') args.alg = argv[++i]
    else if (a === '--workers') args.workers = Number(argv[++i])
    else if (a === '--no-write') args.write = false
    else
      throw new Error(`unknown argument ${a}; see the comment at the top of bench/verify-bench.mjs`)
  }
  for (const k of ['n', 'runs', 'workers']) {
    if (!Number.isInteger(args[k]) || args[k] < 1)
      throw new Error(`--${k} must be a positive integer`)
  }
  if (!['EdDSA', 'ES256'].includes(args.alg)) throw new Error('--alg must be EdDSA or ES256')
  return args
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function makeSigner(alg) {
  const { publicKey, privateKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const publicJwk = publicKey.export({ format: 'jwk' })
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256')
  return {
    alg,
    kid,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    async sign(data) {
      return alg === 'EdDSA'
        ? sign(null, data, privateKey)
        : sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    },
  }
}

/** Wall and CPU (all threads of this process) time of `fn`, added to `acc`. */
async function timed(acc, fn) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  acc.ms += performance.now() - t0
  const c = process.cpuUsage(c0)
  acc.cpuUs += c.user + c.system
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (!existsSync(path.join(DIST, 'node', 'verify-batch.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first')
  }
  const loadStart = os.loadavg()
  const imp = (p) => import(pathToFileURL(path.join(DIST, p)).href)
  const { loadSystem, classifyLoaded, assessLoaded } = await imp('node/pipeline.js')
  const { buildPassportClaims, subjectIdInput } = await imp('core/passport/claims.js')
  const { issuePassport } = await imp('core/passport/issue.js')
  const { presentPassport } = await imp('core/passport/present.js')
  const { saltGeneratorFrom } = await imp('core/passport/sd-jwt.js')
  const { createPassportVerifier } = await imp('core/passport/verify.js')
  const { parsePolicy } = await imp('core/policy/parse.js')
  const { verdictFrom } = await imp('core/policy/evaluate.js')
  const { createBatchVerifier, nodeHasher, nodeVerifierPrimitives, policyEvaluator } =
    await imp('node/verify-batch.js')
  const { ed25519Backend } = await imp('node/jws.js')
  const backend = ed25519Backend()

  // The buyer's policy; its trusted keys are file paths, so the bench passes its own key instead.
  const parsed = parsePolicy(readFileSync(path.join(ROOT, POLICY), 'utf8'), POLICY)
  if (!parsed.ok) throw new Error(`${POLICY} does not parse: ${JSON.stringify(parsed.issues)}`)
  const policy = parsed.policy

  // Realistic passports: the police-analytics example, every disclosure included.
  const system = await loadSystem(path.join(ROOT, 'examples', EXAMPLE, 'accord.yaml'), {})
  const classification = classifyLoaded(system, AS_OF)
  const assessment = await assessLoaded(system, classification, { asOf: AS_OF })
  const issuer = await makeSigner(args.alg)
  const holder = await makeSigner('EdDSA')
  const hasher = nodeHasher
  const saltGenerator = saltGeneratorFrom((n) => randomBytes(n))
  const baseInput = {
    manifest: system.manifest,
    classification,
    assessment,
    artifacts: [{ path: 'models/weights.safetensors', sha256: 'b'.repeat(64), size: 1 << 30 }],
    evidenceRoot: 'a'.repeat(64),
    subjectId: createHash('sha256').update(subjectIdInput(system.manifest)).digest('hex'),
    issuer: 'https://vendor.example/accord',
    issuedAt: ISSUED_AT,
    validForDays: 365,
    holderJwk: holder.publicJwk,
  }
  process.stderr.write(`issuing ${args.n} passports (${args.alg})...\n`)
  const tokens = []
  for (let i = 0; i < args.n; i++) {
    const claims = buildPassportClaims({ ...baseInput, jti: `urn:uuid:bench-${i}` })
    tokens.push(await issuePassport(claims, issuer, { hasher, saltGenerator }))
  }
  const jwtOf = (t) => t.slice(0, t.indexOf('~'))
  const jwts = tokens.map(jwtOf)
  const few = Math.min(args.n, 500)
  const presentations = []
  const small = []
  for (let i = 0; i < few; i++) {
    presentations.push(
      await presentPassport(tokens[i], {
        disclose: ['classification.eu-ai-act', 'obligations.eu-ai-act'],
        hasher,
        keyBinding: {
          signer: holder,
          audience: 'https://buyer.example',
          nonce: 'n',
          issuedAt: NOW,
        },
      }),
    )
    small.push(await presentPassport(tokens[i], { disclose: ['classification.eu-ai-act'], hasher }))
  }
  const smallJwts = small.map(jwtOf)
  const avg = (ts) => Math.round(ts.reduce((s, t) => s + t.length, 0) / ts.length)
  const disclosures = tokens[0].split('~').length - 2

  const key = await importJWK(issuer.publicJwk, args.alg)
  const trustedKeys = [{ kid: issuer.kid, jwk: issuer.publicJwk, name: 'Vendor under evaluation' }]
  const verifier = createPassportVerifier({
    trustedKeys,
    hasher,
    primitives: nodeVerifierPrimitives,
  })
  const portable = createPassportVerifier({ trustedKeys, hasher })
  const request = { nowSeconds: NOW }
  const kbRequest = {
    nowSeconds: NOW,
    expectedAudience: 'https://buyer.example',
    expectedNonce: 'n',
  }

  // The policy as `accord verify --policy` evaluates it without status list, artifacts and
  // endorsements; `policyEvaluator` is the same call as a hook the verifier runs while jose checks
  // the signature (what the batch workers do).
  const evaluateClaims = policyEvaluator(policy, NOW)
  const overlapped = (req) => ({ ...req, evaluateClaims })
  const verdicts = new Map()
  const reasonsOf = new Map()
  const reasons = (checks) =>
    [
      ...new Set(
        checks
          .filter((c) => c.outcome !== 'pass' && c.outcome !== 'skipped')
          .map((c) => `${c.outcome}:${c.reason}`),
      ),
    ]
      .sort()
      .join(', ') || 'all checks passed'
  /** mode: 'none' (no policy), 'overlap' (evaluateClaims), 'after' (evaluatePolicy afterwards). */
  const accordWith = (v, req, mode, label) => {
    const full = mode === 'overlap' ? overlapped(req) : req
    return async (token) => {
      const r = await v.verify(token, full)
      if (!r.ok) {
        throw new Error(`verification failed during the bench: ${JSON.stringify(r.checks.at(-1))}`)
      }
      if (mode === 'none') return
      const policyChecks = mode === 'overlap' ? r.evaluation : evaluateClaims(r.claims)
      const checks = [...r.checks, ...policyChecks]
      const verdict = verdictFrom(checks)
      if (label) {
        // Only a count in the measured path; the reasons once per kind of verdict.
        const k = `${label}: ${verdict}`
        verdicts.set(k, (verdicts.get(k) ?? 0) + 1)
        if (!reasonsOf.has(k)) reasonsOf.set(k, reasons(checks))
      }
    }
  }
  const raw = async (jwt) => {
    await compactVerify(jwt, key, { algorithms: [args.alg] })
  }
  const paths = {
    raw: { fn: raw, data: jwts },
    accordNoPolicy: { fn: accordWith(verifier, request, 'none'), data: tokens },
    accord: { fn: accordWith(verifier, request, 'overlap', '(b)'), data: tokens },
    policyAfter: { fn: accordWith(verifier, request, 'after'), data: tokens },
    portable: { fn: accordWith(portable, request, 'overlap'), data: tokens },
  }
  const sequential = async (fn, data) => {
    for (const t of data) await fn(t)
  }

  // Sanity and warm-up: everything verifies before it is timed.
  for (const p of Object.values(paths)) await sequential(p.fn, p.data.slice(0, 300))
  await sequential(accordWith(verifier, kbRequest, 'overlap'), presentations.slice(0, 50))
  await sequential(accordWith(verifier, request, 'overlap'), small.slice(0, 50))

  // Pools: started once, warmed, then measured in steady state.
  const pools = {
    two: createBatchVerifier({ trustedKeys, policy, workers: args.workers }),
    one: createBatchVerifier({ trustedKeys, policy, workers: 1 }),
  }
  for (const pool of Object.values(pools)) {
    if (pool.workers === 0) throw new Error('the pool did not start workers (is dist/ built?)')
    const warm = await pool.verify(tokens.slice(0, 1000), request)
    if (warm.some((x) => !x.ok)) throw new Error('batch verification failed during warm-up')
  }

  const acc = () => ({ ms: 0, cpuUs: 0, count: 0 })
  const runs = []
  verdicts.clear()
  for (let r = 0; r < args.runs; r++) {
    process.stderr.write(`run ${r + 1}/${args.runs}\n`)
    const run = Object.fromEntries(
      [
        'raw',
        'accordNoPolicy',
        'accord',
        'policyAfter',
        'portable',
        'rawSmall',
        'small',
        'kb',
        'two',
        'one',
      ].map((k) => [k, acc()]),
    )
    // The one-core paths alternate in slices, so load changes hit them alike.
    for (let i = 0; i < args.n; i += SLICE) {
      for (const [k, p] of Object.entries(paths)) {
        const slice = p.data.slice(i, i + SLICE)
        await timed(run[k], () => sequential(p.fn, slice))
        run[k].count += slice.length
      }
    }
    for (let i = 0; i < few; i += SLICE) {
      const s = (xs) => xs.slice(i, i + SLICE)
      await timed(run.rawSmall, () => sequential(raw, s(smallJwts)))
      await timed(run.small, () =>
        sequential(accordWith(verifier, request, 'overlap', '(c)'), s(small)),
      )
      await timed(run.kb, () =>
        sequential(accordWith(verifier, kbRequest, 'overlap', "(c')"), s(presentations)),
      )
      run.rawSmall.count += s(smallJwts).length
      run.small.count += s(small).length
      run.kb.count += s(presentations).length
    }
    for (const k of ['two', 'one']) {
      let res
      await timed(run[k], async () => {
        res = await pools[k].verify(tokens, request)
      })
      run[k].count += tokens.length
      if (res.length !== tokens.length || res.some((x) => !x.ok || x.verdict !== 'rejected')) {
        throw new Error('batch verification gave other results than one core')
      }
    }
    runs.push(run)
  }
  await Promise.all(Object.values(pools).map((p) => p.close()))

  const rate = (k) => median(runs.map((run) => run[k].count / (run[k].ms / 1000)))
  const cpu = (k) => median(runs.map((run) => run[k].cpuUs / run[k].count))
  const m = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, rate(k)]))
  const f = (x) => Math.round(x).toLocaleString('en-US')
  const r3 = (x) => x.toFixed(3)
  const loadEnd = os.loadavg()
  const la = (l) => l.map((x) => x.toFixed(1)).join(' / ')
  let autogroup = 'n/a'
  try {
    autogroup = readFileSync('/proc/self/autogroup', 'utf8')
      .trim()
      .replace(/^\/autogroup-\d+ /, '')
  } catch {
    // No autogroups on this system.
  }
  const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU'
  const verdictLines = [...verdicts]
    .map(([k, n]) => `${k} (${reasonsOf.get(k)}): ${f(n)}`)
    .join('; ')
  const section = `${START}
# Passport verification benchmark results

Produced by \`npm run build && node bench/verify-bench.mjs --n ${args.n} --runs ${args.runs} --alg ${args.alg} --workers ${args.workers}\`
on ${new Date().toISOString().slice(0, 10)}, started as
\`setsid bash -c 'echo -15 > /proc/self/autogroup; exec node bench/verify-bench.mjs ...'\` (autogroup ${autogroup}).

Machine: ${cpuModel}, nproc ${os.availableParallelism?.() ?? os.cpus().length}, ${os.type()} ${os.release()}, Node ${process.version}.
Load average ${la(loadStart)} when the run started and ${la(loadEnd)} when it ended
(other processes share the machine: absolute rates are noisy; the one-core paths alternate in
slices of ${SLICE} tokens, so their ratios are comparable).

Data: ${f(args.n)} passports of \`examples/${EXAMPLE}\` (${args.alg}, with a holder key), ${f(avg(tokens))} bytes each on average
(issuer-signed JWT ${f(avg(jwts))} bytes), every one with all ${disclosures} disclosures. Policy: \`${POLICY}\`
(parsed with \`parsePolicy\`; the bench trusts its own issuer key), evaluated as \`accord verify\` does
without status list, artifacts or endorsements. Verdicts in the measured runs: ${verdictLines}.
Full passports are rejected (Art. 11 is only partly met and readiness is below 80%, as
test/cli/passport-e2e.test.ts expects); the status is not checked, so \`policy:status\` is
indeterminate; presentations without the obligations are indeterminate (\`disclosure-missing\`).
Rates are medians of ${args.runs} runs. CPU is user + system time of all threads of the process
per passport (jose's WebCrypto checks signatures on the libuv thread pool). Accord's Node
primitives check ${args.alg === 'EdDSA' ? `Ed25519 with ${backend === 'libsodium' ? 'libsodium (sodium-native), synchronously' : 'node:crypto on the libuv thread pool'}` : 'ES256 with node:crypto on the libuv thread pool'} (docs/keys.md); the portable primitives (b1) use jose.

| Path (one core: one passport at a time) | Passports per second | CPU µs per passport |
| --- | ---: | ---: |
| (a) jose \`compactVerify\` of the issuer-signed JWT only (key imported once) | ${f(m.raw)} | ${f(cpu('raw'))} |
| (b) \`createPassportVerifier().verify\` (Node primitives) with the policy as \`evaluateClaims\`, + \`verdictFrom\` | ${f(m.accord)} | ${f(cpu('accord'))} |
| (b0) as (b) without the policy | ${f(m.accordNoPolicy)} | ${f(cpu('accordNoPolicy'))} |
| (b2) as (b), but \`evaluatePolicy\` called after \`verify\` returned (as src/node/passport.ts does) | ${f(m.policyAfter)} | ${f(cpu('policyAfter'))} |
| (b1) as (b) with the portable primitives (no \`primitives\` option) | ${f(m.portable)} | ${f(cpu('portable'))} |
| (c) as (b), presentations of \`classification.eu-ai-act\` only (1 disclosure, ${f(avg(small))} bytes) | ${f(m.small)} | ${f(cpu('small'))} |
| (c0) jose \`compactVerify\` of the JWT of (c) | ${f(m.rawSmall)} | ${f(cpu('rawSmall'))} |
| (c') as (b), presentations of \`classification.eu-ai-act\` and \`obligations.eu-ai-act\` with a KB-JWT | ${f(m.kb)} | ${f(cpu('kb'))} |

| Path (batch of ${f(args.n)}, pool started and warmed before) | Passports per second | CPU µs per passport |
| --- | ---: | ---: |
| (d) \`createBatchVerifier({ workers: ${args.workers}, policy })\`.verify(tokens) | ${f(m.two)} | ${f(cpu('two'))} |
| (e) same with \`workers: 1\` | ${f(m.one)} | ${f(cpu('one'))} |

| Ratio | Value |
| --- | ---: |
| (b) / (a): verify + policy vs raw jose, one core (goal >= 0.8) | ${r3(m.accord / m.raw)} |
| (b0) / (a): verify alone vs raw jose | ${r3(m.accordNoPolicy / m.raw)} |
| (b2) / (a): verify, then the policy, vs raw jose | ${r3(m.policyAfter / m.raw)} |
| (a) / (b) in CPU time per passport | ${r3(cpu('raw') / cpu('accord'))} |
| (c) / (c0): one-disclosure presentation + policy vs raw jose of its JWT | ${r3(m.small / m.rawSmall)} |
| (d) / (b): batch on ${args.workers} workers vs one core | ${r3(m.two / m.accord)} |
| (d) / (e): ${args.workers} workers vs 1 worker | ${r3(m.two / m.one)} |

What (b) adds to (a), in CPU per passport: ${f(cpu('accord') - cpu('raw'))} µs, of which the policy
${f(cpu('accord') - cpu('accordNoPolicy'))} µs. The rest is hashing, base64url-decoding, checking and
JSON-parsing the ${disclosures} disclosures (${f(avg(tokens) - avg(jwts))} bytes, more than the issuer JWT
jose checks), decoding and parsing the payload (jose decodes it too but returns bytes), and the digest
walk. ${
    args.alg === 'EdDSA' && backend === 'libsodium'
      ? `Against that, libsodium checks the Ed25519 signature in less CPU than jose's WebCrypto
(OpenSSL) and without a hop to the libuv thread pool, so (b) can be above (a).`
      : `The verifier does that work while the signature is checked on the libuv thread pool, so
the wall-clock ratio (b) / (a) is above the CPU ratio by what overlapped; with the second core taken by
other processes little overlaps and the wall ratio falls toward the CPU ratio.`
  } The batch is bound by
CPU: ${args.workers} cores divided by the CPU per passport of (d).

Changes behind the ratio (2026-11-22): with Node's primitives the verifier checks that a segment
is base64url while decoding it (Buffer, then length, ASCII and \`+\`/\`/\` checks) instead of
running a regular expression over the 15 KB of disclosures and payload first, and decodes the
payload once; the policy compares obligation ids with one \`Intl.Collator\` (\`localeCompare\` with
options built one per call) and keeps the country set of each \`within\` list. Same code before the
change, same command with \`--n 2000 --runs 3\` on a quiet machine: (b) / (a) 0.804, CPU ratio 0.52.
Servers that see the same passports again can also let the verifier remember verified tokens
(\`cacheSize\`, used by POST /api/v1/verify; not used in this benchmark, whose passports are all
distinct). Later the same day Ed25519 checks moved from node:crypto (OpenSSL, on the libuv thread
pool) to libsodium where it is installed: the run before that change had (b) / (a) 0.919, CPU per
passport of (b) 512 µs, and the batch (d) 3,467 passports/s; the run after it 1.162, 275 µs and
6,213/s.
${END}`
  process.stdout.write(section + '\n')
  if (args.write) {
    const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : ''
    const start = current.indexOf(START)
    const end = current.indexOf(END, start)
    const next =
      start >= 0 && end > start
        ? current.slice(0, start) + section + current.slice(end + END.length)
        : `${current.trimEnd()}\n\n${section}\n`
    writeFileSync(RESULTS, next)
    process.stderr.write(`wrote ${path.relative(ROOT, RESULTS)}\n`)
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
