import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DocumentError, EvidenceError } from '../../src/core/errors.js'
import {
  createInsideResolver,
  decodeUtf8,
  resolveInside,
  writeFileAtomic,
  writeFilesAtomic,
  assertWritableFile,
  ensureDir,
  ensureDirSync,
} from '../../src/node/fs-safe.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

let tmp: string
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'accord-fs-'))
})
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true })
})

function outsideRoot(fn: () => unknown): EvidenceError {
  try {
    fn()
  } catch (err) {
    if (err instanceof EvidenceError) return err
    throw err
  }
  throw new Error('expected an EvidenceError')
}

/** Every entry under `dir`, recursively, as sorted relative paths. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true })
  return entries.map((e) => e.split(path.sep).join('/')).sort()
}

/** Runs `body` with a fresh folder outside `tmp` (for links that lead out), removed afterwards. */
async function withOutside(body: (outside: string) => Promise<void>): Promise<void> {
  const outside = await mkdtemp(path.join(tmpdir(), 'accord-outside-'))
  try {
    await body(outside)
  } finally {
    await rm(outside, { recursive: true, force: true })
  }
}

describe('decodeUtf8', () => {
  const bytes = (...b: number[]) => new Uint8Array(b)
  it('reads ASCII, UTF-8 and a leading BOM as TextDecoder does, also from a view at an offset', () => {
    const cases = ['apiVersion: accord.dev/v1\n', '', 'Straße – Ωμέγα 🛂\n', '\u0000\u007f']
    for (const text of cases) {
      const utf8 = new TextEncoder().encode(text)
      expect(decodeUtf8(utf8)).toBe(text)
      const framed = new Uint8Array(utf8.length + 4)
      framed.set(utf8, 2)
      expect(decodeUtf8(framed.subarray(2, 2 + utf8.length))).toBe(text)
      expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toBe(text)
    }
  })
  it('refuses bytes that are not UTF-8, however ASCII the rest', () => {
    for (const bad of [bytes(0x61, 0x80), bytes(0xff), bytes(0xc3), bytes(0xed, 0xa0, 0x80)])
      expect(decodeUtf8(bad)).toBeUndefined()
    // Latin-1 text (é as one byte) is not UTF-8.
    expect(decodeUtf8(bytes(0x63, 0x61, 0x66, 0xe9))).toBeUndefined()
  })
})

describe('resolveInside', () => {
  it('resolves relative paths inside the root, existing or not', async () => {
    await mkdir(path.join(tmp, 'docs'))
    expect(resolveInside(tmp, 'docs/a.md')).toBe(path.join(tmp, 'docs', 'a.md'))
    expect(resolveInside(tmp, './docs/../b.md')).toBe(path.join(tmp, 'b.md'))
    expect(resolveInside(tmp, 'new/dir/c.md')).toBe(path.join(tmp, 'new', 'dir', 'c.md'))
  })

  it.each(['/etc/passwd', '../x.md', 'docs/../../x.md', '..', 'C:\\x.md', 'a\\..\\..\\x'])(
    'refuses %j with ERR_EVIDENCE_OUTSIDE_ROOT',
    (p) => {
      const err = outsideRoot(() => resolveInside(tmp, p))
      expect(err.code).toBe('ERR_EVIDENCE_OUTSIDE_ROOT')
      expect(err.message).toContain(`path "${p}"`)
    },
  )

  it('refuses a symbolic link that leads outside the root', async () => {
    await withOutside(async (outside) => {
      await writeFile(path.join(outside, 'secret.txt'), 'secret')
      await symlink(path.join(outside, 'secret.txt'), path.join(tmp, 'link.txt'))
      await symlink(outside, path.join(tmp, 'linkdir'))
      const err = outsideRoot(() => resolveInside(tmp, 'link.txt'))
      expect(err.code).toBe('ERR_EVIDENCE_OUTSIDE_ROOT')
      expect(err.message).toContain('symbolic link')
      // Also through a linked directory, even for a file that does not exist yet.
      expect(outsideRoot(() => resolveInside(tmp, 'linkdir/new.txt')).code).toBe(
        'ERR_EVIDENCE_OUTSIDE_ROOT',
      )
    })
  })

  it('allows a symbolic link that stays inside the root, and a root reached through a link', async () => {
    await writeFile(path.join(tmp, 'real.md'), 'x')
    await symlink(path.join(tmp, 'real.md'), path.join(tmp, 'alias.md'))
    expect(resolveInside(tmp, 'alias.md')).toBe(path.join(tmp, 'alias.md'))
    const linkedRoot = path.join(tmp, 'root-link')
    await symlink(tmp, linkedRoot)
    expect(resolveInside(linkedRoot, 'real.md')).toBe(path.join(linkedRoot, 'real.md'))
  })
})

describe('createInsideResolver', () => {
  it('gives what resolveInside gives, for many paths under one root', async () => {
    await mkdir(path.join(tmp, 'docs', 'sub'), { recursive: true })
    await writeFile(path.join(tmp, 'docs', 'a.md'), 'a')
    await writeFile(path.join(tmp, 'docs', 'sub', 'b.md'), 'b')
    const resolve = createInsideResolver(tmp)
    for (const p of [
      'docs/a.md',
      'docs/sub/b.md',
      'docs/sub/../a.md',
      'docs/none.md',
      'x/y/z.md',
    ]) {
      expect(resolve(p)).toBe(resolveInside(tmp, p))
    }
    for (const p of ['/etc/passwd', '../x.md', 'docs/../../x.md', 'C:\\x.md']) {
      expect(outsideRoot(() => resolve(p)).code).toBe('ERR_EVIDENCE_OUTSIDE_ROOT')
    }
  })

  it('refuses a linked file in a folder it has already seen, and a linked folder', async () => {
    await withOutside(async (outside) => {
      await writeFile(path.join(outside, 'secret.txt'), 'secret')
      await mkdir(path.join(tmp, 'docs'))
      await writeFile(path.join(tmp, 'docs', 'ok.md'), 'ok')
      await symlink(path.join(outside, 'secret.txt'), path.join(tmp, 'docs', 'link.txt'))
      await symlink(outside, path.join(tmp, 'docs', 'out'))
      const resolve = createInsideResolver(tmp)
      // The folder's real path is cached by the first call; the link is still checked.
      expect(resolve('docs/ok.md')).toBe(path.join(tmp, 'docs', 'ok.md'))
      const err = outsideRoot(() => resolve('docs/link.txt'))
      expect(err.message).toContain('symbolic link')
      expect(outsideRoot(() => resolve('docs/out/secret.txt')).code).toBe(
        'ERR_EVIDENCE_OUTSIDE_ROOT',
      )
      expect(outsideRoot(() => resolve('docs/out/new.txt')).code).toBe('ERR_EVIDENCE_OUTSIDE_ROOT')
      // A dangling link is a path inside the folder that does not exist, as with resolveInside.
      await symlink(path.join(outside, 'gone.txt'), path.join(tmp, 'docs', 'dangling.txt'))
      expect(resolve('docs/dangling.txt')).toBe(resolveInside(tmp, 'docs/dangling.txt'))
    })
  })

  it('refuses a link into a sibling folder whose name starts with the folder name', async () => {
    // tmp/sys and tmp/sys-other share a prefix; only a whole path component counts as inside.
    const sys = path.join(tmp, 'sys')
    await mkdir(path.join(tmp, 'sys-other'), { recursive: true })
    await mkdir(sys)
    await writeFile(path.join(tmp, 'sys-other', 'x.md'), 'x')
    await symlink(path.join(tmp, 'sys-other', 'x.md'), path.join(sys, 'x.md'))
    await symlink(path.join(tmp, 'sys-other'), path.join(sys, 'other'))
    expect(() => createInsideResolver(sys)('x.md')).toThrow(/symbolic link/)
    expect(() => createInsideResolver(sys, { checkFile: false })('other/x.md')).toThrow(
      /symbolic link/,
    )
  })

  it('checks only the folders with checkFile: false', async () => {
    await withOutside(async (outside) => {
      await writeFile(path.join(outside, 'secret.txt'), 'x')
      await symlink(path.join(outside, 'secret.txt'), path.join(tmp, 'alias.md'))
      await symlink(outside, path.join(tmp, 'elsewhere'))
      // The link itself is returned (whoever opens it must refuse links: O_NOFOLLOW)...
      const folders = createInsideResolver(tmp, { checkFile: false })
      expect(folders('alias.md')).toBe(path.join(tmp, 'alias.md'))
      expect(() => createInsideResolver(tmp)('alias.md')).toThrow(/symbolic link/)
      // ...but a folder on the way that leads out is still refused, and so is '..'.
      expect(() => folders('elsewhere/secret.txt')).toThrow(/symbolic link/)
      expect(() => folders('../x.md')).toThrow(/'\.\.'/)
    })
  })
})

describe('ensureDir / ensureDirSync', () => {
  it('creates missing levels and returns the first one created; undefined when it exists', async () => {
    expect(await ensureDir(path.join(tmp, 'a', 'b', 'c'))).toBe(path.join(tmp, 'a'))
    expect(await ensureDir(path.join(tmp, 'a', 'b'))).toBeUndefined()
    expect(ensureDirSync(path.join(tmp, 'a', 'x', 'y'))).toBe(path.join(tmp, 'a', 'x'))
    expect(ensureDirSync(tmp)).toBeUndefined()
    expect(await ensureDir(path.join(tmp, 'k'), 0o700)).toBe(path.join(tmp, 'k'))
    expect((await stat(path.join(tmp, 'k'))).mode & 0o777).toBe(0o700)
    expect(await tree(tmp)).toEqual(['a', 'a/b', 'a/b/c', 'a/x', 'a/x/y', 'k'])
  })

  it("refuses a file, or a dangling symbolic link, on the way (Node's recursive mkdir loops on the link)", async () => {
    await writeFile(path.join(tmp, 'f'), 'x')
    await expect(ensureDir(path.join(tmp, 'f', 'd'))).rejects.toMatchObject({ code: 'ENOTDIR' })
    expect(() => ensureDirSync(path.join(tmp, 'f', 'd'))).toThrow(/ENOTDIR/)
    await symlink(path.join(tmp, 'nowhere'), path.join(tmp, 'link'))
    await expect(ensureDir(path.join(tmp, 'link', 'd'))).rejects.toMatchObject({
      code: 'EEXIST',
      message: expect.stringContaining('a dangling symbolic link?'),
    })
    expect(() => ensureDirSync(path.join(tmp, 'link', 'd'))).toThrow(/dangling symbolic link/)
    expect(await tree(tmp)).toEqual(['f', 'link'])
  })

  // In a child process (the built dist/, as test/cli/helpers.ts runProcess uses), killed on
  // timeout: Node's recursive mkdir spins forever on /proc/x, and a synchronous spin would freeze
  // the test worker itself.
  it.skipIf(process.platform !== 'linux')(
    'fails fast under /proc, where mkdir answers ENOENT, in every writer',
    () => {
      const script = `
        import { ensureDir, ensureDirSync, writeFileAtomic, writeFilesAtomic, assertWritableFile } from './dist/node/fs-safe.js'
        const codes = []
        const tryIt = async (f) => { try { await f(); codes.push('ok') } catch (e) { codes.push(e.code) } }
        await tryIt(() => ensureDir('/proc/x/y'))
        await tryIt(() => ensureDirSync('/proc/x'))
        await tryIt(() => writeFileAtomic('/proc/x/a.json', '{}'))
        await tryIt(() => assertWritableFile('/proc/x/a.json'))
        await tryIt(() => writeFilesAtomic('/proc/x', [{ path: 'a', data: 'a' }]))
        console.log(JSON.stringify(codes))
      `
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      })
      expect(r.signal, r.stderr).toBeNull()
      expect(JSON.parse(r.stdout)).toEqual([
        'ENOENT',
        'ENOENT',
        'ERR_DOCUMENT_WRITE',
        'ERR_DOCUMENT_WRITE',
        'ERR_DOCUMENT_WRITE',
      ])
    },
    30_000,
  )
})

describe('writeFileAtomic', () => {
  it('writes the file, replaces an old one and leaves no temporary file', async () => {
    const file = path.join(tmp, 'out', 'a.json')
    await writeFileAtomic(file, 'one')
    await writeFileAtomic(file, new TextEncoder().encode('two'))
    expect(await readFile(file, 'utf8')).toBe('two')
    expect(await tree(tmp)).toEqual(['out', 'out/a.json'])
  })

  it('applies the mode', async () => {
    const file = path.join(tmp, 'key')
    await writeFileAtomic(file, 'k', 0o600)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  })

  it('fails with ERR_DOCUMENT_WRITE, keeping the old content and no temporary file', async () => {
    // The target is a non-empty directory, so the final rename fails.
    const target = path.join(tmp, 'dir')
    await mkdir(target)
    await writeFile(path.join(target, 'keep.txt'), 'keep')
    await expect(writeFileAtomic(target, 'x')).rejects.toSatisfy(
      (err) => err instanceof DocumentError && err.code === 'ERR_DOCUMENT_WRITE',
    )
    expect(await tree(tmp)).toEqual(['dir', 'dir/keep.txt'])
    // Said as assertWritableFile says it, not as rename's EISDIR naming the temporary file.
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(
      `could not write ${target}: it is a directory; give a file name inside it; nothing was changed`,
    )
  })
})

describe('assertWritableFile', () => {
  it('passes for a file in a folder it can write (created if missing), leaving nothing', async () => {
    await assertWritableFile(path.join(tmp, 'new', 'deeper', 'p.sd-jwt'))
    // The folders made for the probe are removed again; writeFileAtomic makes them to write.
    expect(await tree(tmp)).toEqual([])
    await mkdir(path.join(tmp, 'kept'))
    await assertWritableFile(path.join(tmp, 'kept', 'p.sd-jwt'))
    expect(await tree(tmp)).toEqual(['kept'])
  })

  it('refuses a directory, and a folder where no file can be created', async () => {
    await mkdir(path.join(tmp, 'd'))
    await expect(assertWritableFile(path.join(tmp, 'd'))).rejects.toMatchObject({
      code: 'ERR_DOCUMENT_WRITE',
      message: expect.stringContaining('it is a directory'),
    })
    // A regular file where the folder should be.
    await writeFile(path.join(tmp, 'f'), 'x')
    await expect(assertWritableFile(path.join(tmp, 'f', 'p.sd-jwt'))).rejects.toBeInstanceOf(
      DocumentError,
    )
    expect(await tree(tmp)).toEqual(['d', 'f'])
  })
})

describe('writeFilesAtomic', () => {
  it('writes a set of files, with subdirectories, replacing old versions', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(out)
    await writeFile(path.join(out, 'a.md'), 'old a')
    await writeFilesAtomic(out, [
      { path: 'a.md', data: 'new a' },
      { path: 'annex-iv/b.md', data: 'b' },
    ])
    expect(await readFile(path.join(out, 'a.md'), 'utf8')).toBe('new a')
    expect(await readFile(path.join(out, 'annex-iv', 'b.md'), 'utf8')).toBe('b')
    expect(await tree(out)).toEqual(['a.md', 'annex-iv', 'annex-iv/b.md'])
  })

  it('creates the target directory', async () => {
    const out = path.join(tmp, 'x', 'y')
    await writeFilesAtomic(out, [{ path: 'a.md', data: 'a' }])
    expect(await tree(tmp)).toEqual(['x', 'x/y', 'x/y/a.md'])
  })

  it('a failure while writing leaves the target exactly as it was', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(out)
    await writeFile(path.join(out, 'a.md'), 'old a')
    // `c` is written as a file, so `c/d.md` cannot be: the second write fails.
    const err = await writeFilesAtomic(out, [
      { path: 'a.md', data: 'new a' },
      { path: 'c', data: 'c' },
      { path: 'c/d.md', data: 'd' },
    ]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DocumentError)
    expect((err as DocumentError).code).toBe('ERR_DOCUMENT_WRITE')
    expect(await tree(out)).toEqual(['a.md'])
    expect(await readFile(path.join(out, 'a.md'), 'utf8')).toBe('old a')
  })

  it('a failure while moving into place restores the previous files', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(out)
    await writeFile(path.join(out, 'a.md'), 'old a')
    // A plain file named `sub` blocks the directory `sub/` needed by the third file, which is only
    // discovered after a.md and b.md were already moved into place.
    await writeFile(path.join(out, 'sub'), 'not a directory')
    const err = await writeFilesAtomic(out, [
      { path: 'a.md', data: 'new a' },
      { path: 'new/b.md', data: 'b' },
      { path: 'sub/c.md', data: 'c' },
    ]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DocumentError)
    expect(await tree(out)).toEqual(['a.md', 'sub'])
    expect(await readFile(path.join(out, 'a.md'), 'utf8')).toBe('old a')
    expect(await readFile(path.join(out, 'sub'), 'utf8')).toBe('not a directory')
  })

  it('removes the files of `remove` with the write, skipping those that do not exist', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(out)
    await writeFile(path.join(out, 'a.pdf'), 'old pdf')
    await writeFile(path.join(out, 'keep.pdf'), 'not ours')
    await writeFilesAtomic(out, [{ path: 'a.md', data: 'a' }], { remove: ['a.pdf', 'a.docx'] })
    expect(await tree(out)).toEqual(['a.md', 'keep.pdf'])
  })

  it('a failure while moving into place removes nothing', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(out)
    await writeFile(path.join(out, 'a.pdf'), 'old pdf')
    await writeFile(path.join(out, 'sub'), 'not a directory')
    const err = await writeFilesAtomic(
      out,
      [
        { path: 'a.md', data: 'a' },
        { path: 'sub/c.md', data: 'c' },
      ],
      { remove: ['a.pdf'] },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DocumentError)
    expect(await tree(out)).toEqual(['a.pdf', 'sub'])
    expect(await readFile(path.join(out, 'a.pdf'), 'utf8')).toBe('old pdf')
  })

  it('refuses to replace a directory with a file, changing nothing', async () => {
    const out = path.join(tmp, 'out')
    await mkdir(path.join(out, 'a.md'), { recursive: true })
    await expect(writeFilesAtomic(out, [{ path: 'a.md', data: 'x' }])).rejects.toBeInstanceOf(
      DocumentError,
    )
    expect(await tree(out)).toEqual(['a.md'])
  })

  it('rejects paths that leave the directory or repeat (API misuse)', async () => {
    await expect(writeFilesAtomic(tmp, [{ path: '../x', data: '' }])).rejects.toBeInstanceOf(
      TypeError,
    )
    await expect(writeFilesAtomic(tmp, [{ path: '/abs', data: '' }])).rejects.toBeInstanceOf(
      TypeError,
    )
    await expect(
      writeFilesAtomic(tmp, [
        { path: 'a.md', data: '' },
        { path: './a.md', data: '' },
      ]),
    ).rejects.toBeInstanceOf(TypeError)
    await expect(
      writeFilesAtomic(tmp, [{ path: 'a.md', data: '' }], { remove: ['../a.pdf'] }),
    ).rejects.toBeInstanceOf(TypeError)
    await expect(
      writeFilesAtomic(tmp, [{ path: 'a.md', data: '' }], { remove: ['a.md'] }),
    ).rejects.toBeInstanceOf(TypeError)
    expect(await tree(tmp)).toEqual([])
  })
})
