import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvidenceError } from '../../src/core/errors.js'
import type { ArtifactDigest } from '../../src/core/passport/types.js'
import { hashArtifacts, verifyArtifacts } from '../../src/node/artifacts.js'

const require = createRequire(import.meta.url)
const MiB = 1024 * 1024
/** Small shards so that multi-shard files stay a few MiB. */
const SHARD = MiB

let dir: string
let root: string
let outside: string
const contents = new Map<string, Buffer>()

/** Deterministic bytes that are not all one value, so a wrong offset changes the digest. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n)
  let x = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    b[i] = x & 0xff
  }
  return b
}

/** `openssl dgst -sha256` of a file, or of bytes given on stdin. */
function openssl(input: { file: string } | { data: Buffer }): string {
  const out =
    'file' in input
      ? execFileSync('openssl', ['dgst', '-sha256', '-r', input.file], { encoding: 'utf8' })
      : execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: input.data, encoding: 'utf8' })
  return out.split(' ')[0] as string
}

function sha256sum(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0] as string
}

const SIZES: Record<string, number> = {
  'empty.bin': 0,
  'one.bin': 1,
  'exact-shard.bin': SHARD,
  'shard-plus-one.bin': SHARD + 1,
  'two-shards.bin': 2 * SHARD,
  'two-shards-plus-one.bin': 2 * SHARD + 1,
  'models/multi.safetensors': 5 * SHARD + 12345,
  'models/exact-multiple.bin': 4 * SHARD,
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-artifacts-'))
  root = join(dir, 'root')
  outside = join(dir, 'outside')
  mkdirSync(join(root, 'models'), { recursive: true })
  mkdirSync(join(root, 'many'))
  mkdirSync(join(root, 'a-directory'))
  mkdirSync(outside)
  let seed = 1
  const put = (rel: string, size: number): void => {
    const data = bytes(size, seed++)
    writeFileSync(join(root, rel), data)
    contents.set(rel, data)
  }
  for (const [rel, size] of Object.entries(SIZES)) put(rel, size)
  for (let i = 0; i < 40; i++) put(`many/f${String(i).padStart(2, '0')}.bin`, (i * 7919) % 70000)
  writeFileSync(join(outside, 'secret.bin'), 'secret')
  symlinkSync(join(outside, 'secret.bin'), join(root, 'link-out.bin'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hashArtifacts', () => {
  it('whole-file digests equal openssl dgst -sha256 and sha256sum', async () => {
    const paths = Object.keys(SIZES)
    const got = await hashArtifacts(root, paths, { workers: 2, shardSize: SHARD })
    expect(got.map((d) => d.path)).toEqual(paths)
    for (const d of got) {
      const file = join(root, d.path)
      expect(d.sha256, d.path).toBe(openssl({ file }))
      expect(d.sha256, d.path).toBe(sha256sum(file))
      expect(d.size, d.path).toBe(SIZES[d.path])
    }
    expect(got[0]?.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('shards only files larger than two shards, and shard digests equal openssl over the ranges', async () => {
    const got = await hashArtifacts(root, Object.keys(SIZES), { workers: 2, shardSize: SHARD })
    const byPath = new Map(got.map((d) => [d.path, d]))
    for (const small of ['empty.bin', 'one.bin', 'exact-shard.bin', 'two-shards.bin']) {
      expect(byPath.get(small)?.shards, small).toBeUndefined()
    }
    const expectedCounts: Record<string, number> = {
      'two-shards-plus-one.bin': 3,
      'models/multi.safetensors': 6,
      'models/exact-multiple.bin': 4,
    }
    for (const [rel, count] of Object.entries(expectedCounts)) {
      const d = byPath.get(rel) as ArtifactDigest
      expect(d.shards?.size).toBe(SHARD)
      expect(d.shards?.sha256, rel).toHaveLength(count)
      const data = contents.get(rel) as Buffer
      d.shards?.sha256.forEach((digest, i) => {
        const slice = data.subarray(i * SHARD, Math.min(data.length, (i + 1) * SHARD))
        expect(digest, `${rel} shard ${i}`).toBe(openssl({ data: slice }))
      })
    }
    // The last shard of 2 shards + 1 byte is that single byte.
    const last = byPath.get('two-shards-plus-one.bin')?.shards?.sha256[2]
    expect(last).toBe(
      openssl({ data: (contents.get('two-shards-plus-one.bin') as Buffer).subarray(-1) }),
    )
  })

  it('hashes many files the same with 1, 2 and 3 workers, in input order', async () => {
    const paths = [...contents.keys()].filter((p) => p.startsWith('many/')).reverse()
    const one = await hashArtifacts(root, paths, { workers: 1 })
    const two = await hashArtifacts(root, paths, { workers: 2 })
    const three = await hashArtifacts(root, paths, { workers: 3 })
    expect(two).toEqual(one)
    expect(three).toEqual(one)
    expect(one.map((d) => d.path)).toEqual(paths)
    for (const d of one) expect(d.sha256, d.path).toBe(openssl({ file: join(root, d.path) }))
  })

  it('does not shard with shardSize Infinity, and defaults to 256 MiB shards', async () => {
    const [a] = await hashArtifacts(root, ['models/multi.safetensors'], { shardSize: Infinity })
    const [b] = await hashArtifacts(root, ['models/multi.safetensors'])
    expect(a?.shards).toBeUndefined()
    expect(b).toEqual(a)
  })

  it('normalises paths to / separated paths relative to the root', async () => {
    const [d] = await hashArtifacts(root, ['./models//x/../multi.safetensors'], { workers: 1 })
    expect(d?.path).toBe('models/multi.safetensors')
  })

  it('reports progress in bytes, rising to the total (whole stream plus shards)', async () => {
    const calls: [number, number][] = []
    await hashArtifacts(root, ['models/multi.safetensors', 'one.bin'], {
      workers: 2,
      shardSize: SHARD,
      onProgress: (done, total) => calls.push([done, total]),
    })
    const size = SIZES['models/multi.safetensors'] as number
    const total = 2 * size + 1
    expect(calls[0]).toEqual([0, total])
    expect(calls.at(-1)).toEqual([total, total])
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]?.[0]).toBeGreaterThanOrEqual(calls[i - 1]?.[0] as number)
      expect(calls[i]?.[1]).toBe(total)
    }
  })

  it('lists every missing, outside and unreadable path in one EvidenceError before hashing', async () => {
    const err = await hashArtifacts(root, [
      'one.bin',
      'nope.bin',
      '../outside/secret.bin',
      'link-out.bin',
      'a-directory',
      '/etc/passwd',
    ]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EvidenceError)
    const e = err as EvidenceError
    expect(e.code).toBe('ERR_EVIDENCE_NOT_FOUND')
    expect(e.issues.map((i) => [i.file, i.code])).toEqual([
      ['nope.bin', 'ERR_EVIDENCE_NOT_FOUND'],
      ['../outside/secret.bin', 'ERR_EVIDENCE_OUTSIDE_ROOT'],
      ['link-out.bin', 'ERR_EVIDENCE_OUTSIDE_ROOT'],
      ['a-directory', 'ERR_EVIDENCE_UNREADABLE'],
      ['/etc/passwd', 'ERR_EVIDENCE_OUTSIDE_ROOT'],
    ])
    expect(e.message).toContain('nope.bin')
  })

  it('rejects a path outside the root with ERR_EVIDENCE_OUTSIDE_ROOT', async () => {
    await expect(hashArtifacts(root, ['../outside/secret.bin'])).rejects.toMatchObject({
      code: 'ERR_EVIDENCE_OUTSIDE_ROOT',
    })
  })

  it('rejects bad options with TypeError', async () => {
    await expect(hashArtifacts(root, ['one.bin'], { workers: 0 })).rejects.toThrow(TypeError)
    await expect(hashArtifacts(root, ['one.bin'], { shardSize: -1 })).rejects.toThrow(TypeError)
    await expect(hashArtifacts(root, ['one.bin'], { shardSize: 1.5 })).rejects.toThrow(TypeError)
  })

  it('returns an empty list for no paths', async () => {
    expect(await hashArtifacts(root, [])).toEqual([])
  })

  it('rejects with the error of a failing progress callback and stops the workers', async () => {
    const boom = new Error('progress sink broke')
    await expect(
      hashArtifacts(root, ['models/multi.safetensors'], {
        shardSize: SHARD,
        onProgress: (done) => {
          if (done > 0) throw boom
        },
      }),
    ).rejects.toBe(boom)
  })
})

describe('verifyArtifacts', () => {
  let claims: ArtifactDigest[]
  let work: string

  beforeAll(async () => {
    work = join(dir, 'verify')
    mkdirSync(join(work, 'models'), { recursive: true })
    for (const rel of ['one.bin', 'models/multi.safetensors', 'two-shards.bin']) {
      writeFileSync(join(work, rel), contents.get(rel) as Buffer)
    }
    claims = await hashArtifacts(work, ['one.bin', 'models/multi.safetensors', 'two-shards.bin'], {
      shardSize: SHARD,
    })
  })

  const restore = (rel: string): void => writeFileSync(join(work, rel), contents.get(rel) as Buffer)

  it('passes untouched files, checking shards when a layout is recorded', async () => {
    const checks = await verifyArtifacts(work, claims, { workers: 2 })
    expect(checks.map((c) => [c.check, c.outcome, c.reason])).toEqual([
      ['artifact:one.bin', 'pass', 'ok'],
      ['artifact:models/multi.safetensors', 'pass', 'ok'],
      ['artifact:two-shards.bin', 'pass', 'ok'],
    ])
    expect(checks[1]?.message).toContain('all 6 shard digests match')
    expect(checks[2]?.message).toContain('SHA-256 matches')
  })

  it('names the shard holding a one-byte change', async () => {
    const rel = 'models/multi.safetensors'
    const data = Buffer.from(contents.get(rel) as Buffer)
    const at = 3 * SHARD + 17
    data[at] = (data[at] as number) ^ 1
    writeFileSync(join(work, rel), data)
    try {
      const [, check] = await verifyArtifacts(work, claims)
      expect(check).toMatchObject({
        outcome: 'fail',
        reason: 'artifact-mismatch',
        path: rel,
        mismatchedShards: [3],
      })
      expect(check?.message).toContain(`shard 3 (bytes ${3 * SHARD}-${4 * SHARD - 1})`)
      const whole = await verifyArtifacts(work, claims, { wholeFile: true })
      expect(whole[1]).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
    } finally {
      restore(rel)
    }
  })

  it('detects a one-byte change in an unsharded file', async () => {
    writeFileSync(join(work, 'two-shards.bin'), Buffer.alloc(2 * SHARD, 1))
    try {
      const checks = await verifyArtifacts(work, claims)
      expect(checks[2]).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
      expect(checks[2]?.message).toContain('two-shards.bin')
      expect(checks[2]?.message).toContain('SHA-256 differs')
    } finally {
      restore('two-shards.bin')
    }
  })

  it('reports a size change without hashing, and a missing file as artifact-missing', async () => {
    writeFileSync(join(work, 'one.bin'), 'xy')
    rmSync(join(work, 'two-shards.bin'))
    try {
      const checks = await verifyArtifacts(work, claims)
      expect(checks[0]).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
      expect(checks[0]?.message).toContain('size differs')
      expect(checks[1]).toMatchObject({ outcome: 'pass', reason: 'ok' })
      expect(checks[2]).toMatchObject({
        outcome: 'fail',
        reason: 'artifact-missing',
        path: 'two-shards.bin',
      })
    } finally {
      restore('one.bin')
      restore('two-shards.bin')
    }
  })

  it('only recomputes the whole-file digest of a sharded file when asked', async () => {
    const forged = claims.map((c) =>
      c.path === 'models/multi.safetensors' ? { ...c, sha256: 'f'.repeat(64) } : c,
    )
    expect((await verifyArtifacts(work, forged))[1]?.outcome).toBe('pass')
    const checks = await verifyArtifacts(work, forged, { wholeFile: true })
    expect(checks[1]).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
    expect(checks[1]?.message).toContain('SHA-256 differs')
  })

  it('fails claims whose path leaves the root, or that are malformed, as malformed', async () => {
    const good = claims[0] as ArtifactDigest
    const checks = await verifyArtifacts(work, [
      { ...good, path: '../root/one.bin' },
      { ...good, path: '/etc/passwd' },
      { ...good, sha256: 'ABC' },
      { ...(claims[1] as ArtifactDigest), shards: { size: SHARD, sha256: ['0'.repeat(64)] } },
    ])
    expect(checks.map((c) => [c.outcome, c.reason])).toEqual([
      ['fail', 'malformed'],
      ['fail', 'malformed'],
      ['fail', 'malformed'],
      ['fail', 'malformed'],
    ])
  })

  it('returns an empty list for no claims', async () => {
    expect(await verifyArtifacts(work, [])).toEqual([])
  })
})

describe('worker pool lifetime', () => {
  /**
   * Runs a script in a child Node process that imports src/node/artifacts.ts through a small
   * TypeScript loader hook, and returns how it ended. The script never calls process.exit, so the
   * child exits only when no worker is left running.
   */
  function runChild(body: string): ReturnType<typeof spawnSync> {
    const hooks = join(dir, 'ts-hooks.mjs')
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
    const register = join(dir, 'register.mjs')
    writeFileSync(
      register,
      `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`,
    )
    const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`)
    const modUrl = new URL('../../src/node/artifacts.ts', import.meta.url).href
    writeFileSync(script, `import { hashArtifacts } from ${JSON.stringify(modUrl)}\n${body}\n`)
    return spawnSync(process.execPath, ['--import', pathToFileURL(register).href, script], {
      cwd: process.cwd(),
      encoding: 'utf8',
      // Generous: loading TypeScript in the child is slow on a busy machine. A child kept alive
      // by a worker never exits and is killed at this point.
      timeout: 60_000,
    })
  }

  it('lets the process exit after hashing', () => {
    const r = runChild(
      `const d = await hashArtifacts(${JSON.stringify(root)}, ['models/multi.safetensors'], { workers: 2, shardSize: ${SHARD} })\nconsole.log(JSON.stringify(d))`,
    )
    expect(r.error).toBeUndefined()
    expect(r.signal, String(r.stderr)).toBeNull()
    expect(r.status, String(r.stderr)).toBe(0)
    const [d] = JSON.parse(String(r.stdout)) as ArtifactDigest[]
    expect(d?.sha256).toBe(openssl({ file: join(root, 'models/multi.safetensors') }))
    expect(d?.shards?.sha256).toHaveLength(6)
  }, 90_000)

  it('lets the process exit after a failure during hashing', () => {
    const r = runChild(
      `try {
  await hashArtifacts(${JSON.stringify(root)}, ['models/multi.safetensors'], {
    workers: 2, shardSize: ${SHARD}, onProgress: (done) => { if (done > 0) throw new Error('sink broke') },
  })
  console.log('no error')
} catch (e) { console.log('caught', e.message) }`,
    )
    expect(r.signal, String(r.stderr)).toBeNull()
    expect(r.status, String(r.stderr)).toBe(0)
    expect(String(r.stdout).trim()).toBe('caught sink broke')
  }, 90_000)
})
