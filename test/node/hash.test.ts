import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { READ_SIZE, sha256File, sha256Files } from '../../src/node/hash.js'

let dir: string
const files: Record<string, string> = {}

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

function openssl(path: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' })
  return out.split(' ')[0] as string
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-hash-'))
  const sizes = {
    empty: 0,
    one: 1,
    small: 1000,
    exact: READ_SIZE,
    boundary: READ_SIZE + 1,
    large: 5 * READ_SIZE + 12345,
  }
  let seed = 1
  for (const [name, size] of Object.entries(sizes)) {
    files[name] = join(dir, name)
    writeFileSync(files[name], bytes(size, seed++))
  }
  mkdirSync(join(dir, 'a-directory'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sha256File', () => {
  it('equals openssl dgst -sha256 for empty, small, boundary and multi-MiB files', async () => {
    for (const [name, path] of Object.entries(files)) {
      const got = await sha256File(path)
      expect(got.sha256, name).toBe(openssl(path))
    }
  })

  it('reports the size and the known digest of the empty file', async () => {
    expect(await sha256File(files.empty as string)).toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 0,
    })
    expect((await sha256File(files.large as string)).size).toBe(5 * READ_SIZE + 12345)
  })

  it('reports bytes as they are read, in reads of at most 1 MiB', async () => {
    const reads: number[] = []
    await sha256File(files.large as string, { onBytes: (n) => reads.push(n) })
    expect(reads.reduce((a, b) => a + b, 0)).toBe(5 * READ_SIZE + 12345)
    expect(reads.length).toBe(6)
    expect(Math.max(...reads)).toBe(READ_SIZE)
  })

  it('rejects with the fs error for a missing file and a directory', async () => {
    await expect(sha256File(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(sha256File(join(dir, 'a-directory'))).rejects.toMatchObject({ code: 'EISDIR' })
  })
})

describe('sha256Files', () => {
  for (const concurrency of [undefined, 1, 3]) {
    const mode =
      concurrency === undefined ? 'synchronous time slices' : `concurrency ${concurrency}`
    it(`hashes many files in input order with progress (${mode})`, async () => {
      const paths = [...Object.values(files), join(dir, 'nope'), join(dir, 'a-directory')]
      const progress: number[] = []
      let bytes = 0
      const results = await sha256Files(paths, {
        ...(concurrency === undefined ? {} : { concurrency }),
        onProgress: (p) => {
          expect(p.filesTotal).toBe(paths.length)
          progress.push(p.filesDone)
          bytes = p.bytesDone
        },
      })
      expect(results.map((r) => r.path)).toEqual(paths)
      for (const r of results.slice(0, -2)) {
        expect(r.ok, r.path).toBe(true)
        if (r.ok) expect(r.sha256).toBe(openssl(r.path))
      }
      expect(
        results.slice(-2).map((r) => (r.ok ? 'ok' : (r.error as { code: string }).code)),
      ).toEqual(['ENOENT', 'EISDIR'])
      expect(progress).toEqual(paths.map((_, i) => i + 1))
      expect(bytes).toBe(1 + 1000 + READ_SIZE + READ_SIZE + 1 + 5 * READ_SIZE + 12345)
    })
  }

  it('lets timers run while hashing synchronously', async () => {
    const many = Array.from({ length: 40 }, () => files.large as string)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    try {
      await sha256Files(many)
    } finally {
      clearInterval(timer)
    }
    // ~200 MiB takes well over one 16 ms slice, so the event loop must have run in between.
    expect(ticks).toBeGreaterThan(0)
  })

  for (const concurrency of [undefined, 2]) {
    it(`hashes only regular files with regularOnly (concurrency ${concurrency})`, async () => {
      const link = join(dir, 'link-to-small')
      const fifo = join(dir, 'a-fifo')
      symlinkSync(files.small as string, link)
      execFileSync('mkfifo', [fifo])
      try {
        const paths = [files.small as string, link, fifo, join(dir, 'a-directory')]
        const options = concurrency === undefined ? {} : { concurrency }
        const results = await sha256Files(paths, { ...options, regularOnly: true })
        expect(results.map((r) => (r.ok ? r.sha256 : (r.error as { code: string }).code))).toEqual([
          openssl(files.small as string),
          'ELOOP',
          'ENOTREG',
          'EISDIR',
        ])
        // Without regularOnly the link is followed.
        const followed = await sha256Files([link], options)
        expect(followed[0]?.ok && followed[0].sha256).toBe(openssl(files.small as string))
      } finally {
        rmSync(link)
        rmSync(fifo)
      }
    })
  }

  it('returns nothing for no files and rejects a bad concurrency', async () => {
    expect(await sha256Files([])).toEqual([])
    await expect(sha256Files(['x'], { concurrency: 0 })).rejects.toThrow(TypeError)
  })
})
