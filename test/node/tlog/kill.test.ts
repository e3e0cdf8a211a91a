/**
 * Crash safety: a child process publishes in a loop on a PGlite data directory and prints each
 * acknowledged index and each checkpoint it served; it is killed with SIGKILL mid-load. After
 * reopening: every acknowledged index is in the log, indexes have no gaps, every passport entry
 * has its passport row (no partial publish), and the new checkpoint is consistent with the last
 * one the child served.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { verifyCheckpoint } from '../../../src/core/tlog/checkpoint.js'
import { parseEntry } from '../../../src/core/tlog/entry.js'
import { checkTreeConsistency } from '../../../src/core/tlog/proof.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openStore } from '../../../src/node/store/index.js'
import { openRegistry } from '../../../src/node/tlog/registry.js'
import { newPostgresDatabase } from '../store/pg-database.js'

const require = createRequire(import.meta.url)
const dir = mkdtempSync(path.join(tmpdir(), 'accord-kill-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A loader hook so the child can import the TypeScript sources (as test/node/artifacts.test.ts). */
function writeLoader(): string {
  const hooks = path.join(dir, 'ts-hooks.mjs')
  writeFileSync(
    hooks,
    `import { readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from '${pathToFileURL(require.resolve('typescript')).href}'
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier, context.parentURL)
    const tsUrl = url.href.slice(0, -3) + '.ts'
    if (url.protocol === 'file:' && !existsSync(url) && existsSync(new URL(tsUrl))) {
      return { url: tsUrl, shortCircuit: true }
    }
  }
  return next(specifier, context)
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context)
  const source = readFileSync(fileURLToPath(url), 'utf8')
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  })
  return { format: 'module', source: out.outputText, shortCircuit: true }
}
`,
  )
  const register = path.join(dir, 'register.mjs')
  writeFileSync(
    register,
    `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`,
  )
  return register
}

const src = (p: string) => JSON.stringify(new URL(`../../../src/${p}`, import.meta.url).href)

it('kill -9 during publish load loses no acknowledged entry and stays consistent (PGlite)', async () => {
  await killDuringPublish('pglite', {})
}, 180_000)

// On PostgreSQL a group commit of passports is one statement and two are in flight (sql-store.ts,
// registry.ts): the process dies with statements inside the database, some of which commit.
it.skipIf(!process.env.DATABASE_URL)(
  'kill -9 during publish load loses no acknowledged entry and stays consistent (PostgreSQL)',
  async () => {
    const db = await newPostgresDatabase('accord_kill')
    try {
      await killDuringPublish('postgres', { DATABASE_URL: db.url })
    } finally {
      await db.drop()
    }
  },
  180_000,
)

async function killDuringPublish(name: string, env: Record<string, string>): Promise<void> {
  const pair = await generateKeyPair()
  const keyFile = path.join(dir, `${name}-log.private.jwk.json`)
  writeFileSync(keyFile, JSON.stringify(pair.privateJwk), { mode: 0o600 })
  const dataDir = path.join(dir, `${name}-registry`)
  const fixtures = JSON.stringify(new URL('./fixtures.ts', import.meta.url).href)
  const script = path.join(dir, 'child.mjs')
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs'
import { signerFromJwk } from ${src('node/keys.ts')}
import { openStore } from ${src('node/store/index.ts')}
import { openRegistry } from ${src('node/tlog/registry.ts')}
import { passportRecord } from ${fixtures}
const logKey = await signerFromJwk(JSON.parse(readFileSync(${JSON.stringify(keyFile)}, 'utf8')))
const store = await openStore({ dataDir: ${JSON.stringify(dataDir)}, env: ${JSON.stringify(env)} })
const registry = await openRegistry({ store, logKey, origin: 'kill.test/log', checkpointIntervalMs: 0 })
process.stdout.write('ready\\n')
let n = 0
let acked = 0
// 25 publishers, each publishing again as soon as it is acknowledged: commits follow each other
// without a pause (on PostgreSQL the next is in flight while one commits).
await Promise.all(Array.from({ length: 25 }, async () => {
  for (;;) {
    const r = await registry.publish([{ type: 'passport', passport: passportRecord('urn:k:' + n++) }])
    process.stdout.write('ack ' + r.indexes[0] + '\\n')
    if (++acked % 75 === 0) {
      const cp = await registry.checkpoint()
      process.stdout.write('cp ' + JSON.stringify(cp.note) + '\\n')
    }
  }
}))
`,
  )
  const child = spawn(process.execPath, ['--import', pathToFileURL(writeLoader()).href, script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const acks: number[] = []
  let lastNote: string | undefined
  let buffer = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const killed = new Promise<void>((resolve, reject) => {
    child.on('exit', () => resolve())
    child.on('error', reject)
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line.startsWith('ack ')) acks.push(Number(line.slice(4)))
        else if (line.startsWith('cp ')) lastNote = JSON.parse(line.slice(3)) as string
      }
      if (acks.length >= 400 && lastNote !== undefined && child.exitCode === null)
        child.kill('SIGKILL')
    })
  })
  await killed
  expect(child.signalCode, stderr).toBe('SIGKILL')
  expect(acks.length).toBeGreaterThanOrEqual(400)

  const store = await openStore({ dataDir, env })
  try {
    const logKey = await signerFromJwk(pair.privateJwk)
    // openRegistry checks the tree against the last stored checkpoint (ERR_TLOG_CORRUPT if not).
    const registry = await openRegistry({ store, logKey, origin: 'kill.test/log' })
    const size = registry.size
    expect(size).toBeGreaterThanOrEqual(Math.max(...acks) + 1)
    expect(new Set(acks).size).toBe(acks.length)
    const entries = await store.getEntries(0, size)
    expect(entries.map((e) => e.index)).toEqual(Array.from({ length: size }, (_, i) => i))
    for (const i of acks) expect(entries[i]).toBeDefined()
    // No partial publish: every passport entry has its passport row pointing back at it.
    for (const e of entries) {
      const parsed = parseEntry(e.payload)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok || parsed.entry.kind !== 'passport') continue
      expect((await store.getPassport(parsed.entry.id))?.logIndex).toBe(e.index)
    }
    // The next checkpoint is consistent with the last one the child served.
    const last = await verifyCheckpoint(lastNote as string, [registry.verifier])
    expect(last.ok).toBe(true)
    if (!last.ok) return
    const next = await registry.checkpoint()
    const v = await verifyCheckpoint(next.note, [registry.verifier])
    expect(v.ok).toBe(true)
    expect(next.size).toBeGreaterThanOrEqual(last.checkpoint.size)
    const proof =
      next.size > last.checkpoint.size && last.checkpoint.size > 0
        ? await registry.consistencyProof(last.checkpoint.size, next.size)
        : undefined
    expect(checkTreeConsistency(last.checkpoint, next, proof, sha256)).toEqual({ ok: true })
    await registry.close()
  } finally {
    await store.close()
  }
}
