/**
 * File-system helpers that fail safe: paths from a manifest cannot leave the manifest's folder,
 * and writes never leave a file (or a set of files) half-written.
 */
import { randomBytes } from 'node:crypto'
import { lstatSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs'
import { link, lstat, mkdtemp, open, rename, rm, rmdir } from 'node:fs/promises'
import path from 'node:path'
import { DocumentError, EvidenceError, type Issue } from '../core/errors.js'
import { evidencePathProblem, isPlainPath } from '../core/manifest/check.js'

/**
 * The absolute path of `relPath` inside `root`. Throws EvidenceError ERR_EVIDENCE_OUTSIDE_ROOT
 * when the path is absolute, uses '..' to leave `root`, or leads outside it through a symbolic
 * link (checked with realpath on the longest part of the path that exists). The file itself need
 * not exist. To resolve many paths under one root, `createInsideResolver` is much faster.
 */
export function resolveInside(root: string, relPath: string): string {
  return createInsideResolver(root)(relPath)
}

/** Options of `createInsideResolver`. */
export interface InsideResolverOptions {
  /**
   * Check the file itself too (default): an lstat of it, and its realpath when it is a symbolic
   * link. With false, only the folders on the way are checked, so the path is returned even when
   * its last part is a symbolic link leading out of `root`: the caller must then refuse links
   * when it opens the file (O_NOFOLLOW, as `sha256Files` does with `regularOnly`) and resolve a
   * refused one again with the check. That saves an lstat walk of every path.
   */
  checkFile?: boolean
}

/**
 * `resolveInside` for many paths under one `root`, with the same checks and errors. The real
 * paths of the root and of directories are cached (evidence files mostly share a few folders), so
 * each path costs one `lstat` of the file itself (followed by a realpath only when the file is a
 * symbolic link), or nothing with `checkFile: false`, instead of a realpath of every component:
 * a few µs against ~34 µs per path (10,000 evidence files, bench/RESULTS.md). The cache lives as
 * long as the returned function: a directory replaced by a symbolic link meanwhile is not
 * noticed, so make a new resolver for each run (as `hashEvidence` does).
 */
export function createInsideResolver(
  root: string,
  options: InsideResolverOptions = {},
): (relPath: string) => string {
  const checkFile = options.checkFile ?? true
  const absRoot = path.resolve(root)
  const dirs = new Map<string, string>()
  /** realpath of directory `dir` (absolute) or of its longest existing prefix, cached. */
  const realDir = (dir: string): string => {
    let real = dirs.get(dir)
    if (real === undefined) {
      real = realpathOfExisting(dir)
      dirs.set(dir, real)
    }
    return real
  }
  let realRoot: string | undefined
  const plainJoin = path.sep === '/'
  const plainRoot = absRoot.endsWith('/') ? absRoot : `${absRoot}/`

  return (relPath: string): string => {
    const outside = (why: string) =>
      new EvidenceError({
        code: 'ERR_EVIDENCE_OUTSIDE_ROOT',
        message: `path "${relPath}" ${why}; it must stay inside ${root}`,
        details: { root, path: relPath },
      })
    // Most evidence paths are plain (`docs/risk.md`, see isPlainPath): inside the folder and
    // already normalised, so on POSIX the absolute path is a concatenation, without the
    // lexical checks and path.resolve below.
    if (plainJoin && !checkFile && isPlainPath(relPath)) {
      const target = `${plainRoot}${relPath}`
      const slash = target.lastIndexOf('/')
      realRoot ??= realDir(absRoot)
      const dir = realDir(target.slice(0, slash) || '/')
      const real = `${dir.endsWith('/') ? dir : `${dir}/`}${target.slice(slash + 1)}`
      if (!isWithin(realRoot, real))
        throw outside('leads outside the folder through a symbolic link')
      return target
    }
    // Lexical check first, treating both / and \ as separators (manifests travel between systems).
    const problem = evidencePathProblem(relPath)
    if (problem !== undefined) throw outside(problem)
    if (path.isAbsolute(relPath)) throw outside('is absolute')

    const target = path.resolve(absRoot, relPath)
    if (!isWithin(absRoot, target)) throw outside("uses '..' to leave the folder")

    realRoot ??= realDir(absRoot)
    const real = realpathOfTarget(target, realDir, checkFile)
    if (!isWithin(realRoot, real)) {
      throw outside('leads outside the folder through a symbolic link')
    }
    return target
  }
}

/**
 * realpath of `target` (absolute): of the file itself when it is a symbolic link (looked at only
 * with `checkFile`), else its directory's (cached through `realDir`) joined with its name. A
 * missing file, or a dangling link, counts as the path inside its directory, as
 * `realpathOfExisting` has it.
 */
function realpathOfTarget(
  target: string,
  realDir: (dir: string) => string,
  checkFile: boolean,
): string {
  const parent = path.dirname(target)
  if (parent === target) return realDir(target)
  if (checkFile) {
    let info: Stats | undefined
    try {
      info = lstatSync(target, { throwIfNoEntry: false })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err
    }
    if (info?.isSymbolicLink()) {
      try {
        return realpathSync(target)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      }
    }
  }
  return path.join(realDir(parent), path.basename(target))
}

/** True when `p` is `root` or below it (both absolute and normalised). */
function isWithin(root: string, p: string): boolean {
  // POSIX: for normalised absolute paths that is a prefix ending at a separator, the answer
  // path.relative gives without resolving both paths again (twice per evidence file). Windows
  // compares case-insensitively, which path.relative knows how to do.
  if (path.sep === '/') return p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`)
  const rel = path.relative(root, p)
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel))
}

/** realpath of the longest existing prefix of `p`, with the rest appended. */
function realpathOfExisting(p: string): string {
  const rest: string[] = []
  let current = p
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      const parent = path.dirname(current)
      if (parent === current) return p
      rest.unshift(path.basename(current))
      current = parent
    }
  }
}

/**
 * `mkdir -p`: creates `dir` and its missing parents, one level at a time, and returns the first
 * directory it created (undefined when `dir` existed), like `mkdir(dir, { recursive: true })`.
 *
 * Written by hand because Node's recursive mkdir (async and sync, Node 20 and 22) never returns
 * when a parent exists but refuses children with ENOENT: procfs does so (`--out /proc/x`), and so
 * does a dangling symbolic link. Node reads ENOENT as "the parent is missing", creates the parent
 * (EEXIST, fine) and tries again, forever. Here each level is created once; a level that fails is
 * an error (ENOENT is reported as "cannot create ... here"). `mode` applies to created levels.
 */
export async function ensureDir(dir: string, mode?: number): Promise<string | undefined> {
  // The synchronous steps: a few stat and mkdir calls on local paths, not worth a second copy.
  return Promise.resolve().then(() => ensureDirSync(dir, mode))
}

/** `ensureDir` for synchronous callers. */
export function ensureDirSync(dir: string, mode?: number): string | undefined {
  const missing: string[] = []
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const info = statSync(current, { throwIfNoEntry: false })
    if (info !== undefined) {
      if (!info.isDirectory()) throw notADirectory(current)
      break
    }
    if (path.dirname(current) === current) break
    missing.unshift(current)
  }
  let first: string | undefined
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode })
    } catch (err) {
      if (statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue
      throw mkdirError(level, err)
    }
    first ??= level
  }
  return first
}

function notADirectory(p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: ${p} exists and is not a directory`), {
    code: 'ENOTDIR',
    path: p,
  })
}

function mkdirError(level: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code
  // The parent exists (checked before), yet: ENOENT means its file system holds no new
  // directories (procfs, sysfs); EEXIST with no directory there means a dangling symbolic link.
  const why =
    code === 'ENOENT'
      ? `${path.dirname(level)} does not allow new directories (a virtual file system such as /proc?)`
      : code === 'EEXIST'
        ? 'something that is not a directory has that name (a dangling symbolic link?)'
        : undefined
  if (why === undefined) return err
  return Object.assign(new Error(`${code}: cannot create directory ${level}: ${why}`), {
    code,
    path: level,
    cause: err,
  })
}

function tempName(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  )
}

async function writeNew(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  // 'wx': never follow or reuse an existing file at the temporary name.
  const handle = await open(file, 'wx', mode ?? 0o666)
  try {
    if (mode !== undefined) await handle.chmod(mode)
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Why a file cannot be written where a directory is: said the same by every writer. */
const IS_A_DIRECTORY = 'it is a directory; give a file name inside it'

function writeError(
  what: string,
  cause: unknown,
  reason = cause instanceof Error ? cause.message : String(cause),
): DocumentError {
  return new DocumentError({
    code: 'ERR_DOCUMENT_WRITE',
    message: `could not write ${what}: ${reason}; nothing was changed`,
    cause,
  })
}

/**
 * Checks, before work whose result goes to `file`, that `writeFileAtomic` can write it: not a
 * directory, and a file can be created in its folder (created if missing). For commands with a side
 * effect before the write (`issue` allocates a status index), so a wrong `--out` is found before.
 * Throws DocumentError ERR_DOCUMENT_WRITE; a race with a later change of the folder stays possible.
 */
export async function assertWritableFile(file: string): Promise<void> {
  const info = await lstat(file).catch(() => undefined)
  if (info?.isDirectory()) throw writeError(file, undefined, IS_A_DIRECTORY)
  // A probe file as writeFileAtomic would create (access(W_OK) says yes where creating a file
  // still fails, e.g. for root in /sys).
  const probe = tempName(file)
  let created: string | undefined
  try {
    created = await ensureDir(path.dirname(file))
    await writeNew(probe, '')
  } catch (cause) {
    throw writeError(file, cause)
  } finally {
    await rm(probe, { force: true }).catch(() => undefined)
    // The folders made for the probe go again (writeFileAtomic makes them when it writes), so a
    // command that stops after this check leaves nothing behind. rmdir, never a recursive rm:
    // a folder something else has written into meanwhile stays.
    if (created !== undefined)
      for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
        if (
          !(await rmdir(dir).then(
            () => true,
            () => false,
          )) ||
          dir === created
        )
          break
      }
  }
}

/**
 * Writes `data` to `file` atomically: into a temporary file in the same directory, then renamed
 * over `file`, so readers see the old or the new content, never a part. Creates the directory.
 * Throws DocumentError ERR_DOCUMENT_WRITE (the temporary file is removed).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode?: number,
): Promise<void> {
  const tmp = tempName(file)
  try {
    await ensureDir(path.dirname(file))
    await writeNew(tmp, data, mode)
    await rename(tmp, file)
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined)
    // The rename over a directory fails with EISDIR, whose message names the temporary file.
    const isDirectory = (cause as NodeJS.ErrnoException).code === 'EISDIR'
    throw writeError(file, cause, isDirectory ? IS_A_DIRECTORY : undefined)
  }
}

/**
 * Writes `data` to `file` atomically, like `writeFileAtomic`, but never over an existing file:
 * the temporary file is hard-linked to `file`, which fails when `file` exists (DocumentError
 * ERR_DOCUMENT_EXISTS; nothing is changed). Where the file system has no hard links, the file is
 * created exclusively ('wx') and written in place instead.
 */
export async function writeFileExclusive(file: string, data: string | Uint8Array): Promise<void> {
  const exists = (cause: unknown) =>
    new DocumentError({
      code: 'ERR_DOCUMENT_EXISTS',
      message: `${file} already exists; nothing was changed. Pass --force to replace it, or choose another path`,
      details: { file },
      cause,
    })
  const tmp = tempName(file)
  try {
    await ensureDir(path.dirname(file))
    await writeNew(tmp, data)
    try {
      await link(tmp, file)
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code
      if (code === 'EEXIST') throw exists(cause)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw cause
      await writeNew(file, data).catch((err: unknown) => {
        throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? exists(err) : err
      })
    }
  } catch (cause) {
    if (cause instanceof DocumentError) throw cause
    throw writeError(file, cause)
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined)
  }
}

export interface FileToWrite {
  /** Path relative to the target directory; may contain subdirectories. */
  path: string
  data: string | Uint8Array
}

export interface WriteFilesAtomicOptions {
  /**
   * Files (relative to `dir`) to remove in the same step, e.g. renditions an earlier run wrote that
   * this one replaces: they are moved aside with the previous versions and restored on failure.
   * Those that do not exist are skipped.
   */
  remove?: readonly string[]
}

/**
 * Writes a set of files into `dir` all or nothing. Every file is first written into a fresh
 * temporary directory inside `dir`; only when all of them succeeded are they renamed into place
 * (and the files of `options.remove` moved out). When a rename fails, files already placed are
 * taken back and the previous versions restored. Throws DocumentError ERR_DOCUMENT_WRITE;
 * `TypeError` for paths that leave `dir` or repeat.
 */
export async function writeFilesAtomic(
  dir: string,
  files: readonly FileToWrite[],
  options: WriteFilesAtomicOptions = {},
): Promise<void> {
  const seen = new Set<string>()
  const remove = options.remove ?? []
  for (const p of [...files.map((f) => f.path), ...remove]) {
    const problem = evidencePathProblem(p)
    if (problem !== undefined || path.isAbsolute(p) || path.normalize(p) === '.') {
      throw new TypeError(`writeFilesAtomic: file path "${p}" must be relative inside ${dir}`)
    }
    const key = path.normalize(p)
    if (seen.has(key)) throw new TypeError(`writeFilesAtomic: file path "${p}" is repeated`)
    seen.add(key)
  }

  try {
    await ensureDir(dir)
  } catch (cause) {
    throw writeError(`directory ${dir}`, cause)
  }
  let staging: string
  try {
    staging = await mkdtemp(path.join(dir, '.accord-tmp-'))
  } catch (cause) {
    throw writeError(`into ${dir}`, cause)
  }

  // 1. Write everything into the staging directory; the target is untouched so far.
  try {
    for (const [i, f] of files.entries()) {
      const target = path.join(dir, f.path)
      const existing = await lstat(target).catch(() => undefined)
      if (existing?.isDirectory()) throw new Error(`${target} is a directory`)
      const staged = path.join(staging, 'new', String(i))
      await ensureDir(path.dirname(staged))
      await writeNew(staged, f.data)
    }
  } catch (cause) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw writeError(`${files.length} file(s) into ${dir}`, cause)
  }

  // 2. Move them into place, keeping previous versions until all are in.
  const placed: Placement[] = []
  try {
    for (const [i, f] of files.entries()) {
      const target = path.join(dir, f.path)
      const step: Placement = { target, done: false }
      step.createdDir = await ensureDir(path.dirname(target))
      placed.push(step)
      if (await lstat(target).catch(() => undefined)) {
        const backup = path.join(staging, 'old', String(i))
        await ensureDir(path.dirname(backup))
        await rename(target, backup)
        step.backup = backup
      }
      await rename(path.join(staging, 'new', String(i)), target)
      step.done = true
    }
    for (const [i, p] of remove.entries()) {
      const target = path.join(dir, p)
      if (!(await lstat(target).catch(() => undefined))) continue
      const backup = path.join(staging, 'removed', String(i))
      await ensureDir(path.dirname(backup))
      await rename(target, backup)
      // Nothing new is placed: a roll-back only moves the file back.
      placed.push({ target, backup, done: false })
    }
  } catch (cause) {
    await rollBack(placed)
    await rm(staging, { recursive: true, force: true }).catch(() => undefined)
    throw writeError(`${files.length} file(s) into ${dir}`, cause)
  }
  await rm(staging, { recursive: true, force: true }).catch(() => undefined)
}

interface Placement {
  target: string
  /** Where the previous version of `target` was moved, if there was one. */
  backup?: string
  /** The new file is in place. */
  done: boolean
  /** First directory created for `target`, removed again on roll-back. */
  createdDir?: string
}

/** Undoes the moves of `writeFilesAtomic`, newest first; best effort. */
async function rollBack(placed: readonly Placement[]): Promise<void> {
  for (const step of [...placed].reverse()) {
    if (step.done) await rm(step.target, { force: true }).catch(() => undefined)
    if (step.backup !== undefined) {
      await rename(step.backup, step.target).catch(() => undefined)
    }
    if (step.createdDir !== undefined) {
      await rm(step.createdDir, { recursive: true, force: true }).catch(() => undefined)
    }
  }
}

/**
 * Why `readBoundedFile` could not return a file's bytes. `directory` is set when the path is a
 * directory, which callers name in their own words (not a manifest file, not a passport file).
 */
export type BoundedReadProblem =
  | { kind: 'unreadable'; why: string; cause?: unknown; directory?: true }
  | { kind: 'too-large'; size: number }

/**
 * Reads a whole regular file of at most `maxBytes`, checking the open handle (not the path) so
 * the checks apply to the file actually read, and again after reading in case it grew. Callers
 * turn a problem into their own coded error: `unreadable` (missing, a directory, permission) or
 * `too-large`.
 */
export async function readBoundedFile(
  file: string,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; problem: BoundedReadProblem }> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : `cannot be opened (${code ?? 'unknown error'})`
    return { ok: false, problem: { kind: 'unreadable', why, cause } }
  }
  try {
    const info = await handle.stat()
    if (info.isDirectory())
      return {
        ok: false,
        problem: { kind: 'unreadable', why: 'is a directory, not a file', directory: true },
      }
    if (!info.isFile())
      return { ok: false, problem: { kind: 'unreadable', why: 'is not a regular file' } }
    if (info.size > maxBytes) return { ok: false, problem: { kind: 'too-large', size: info.size } }
    const bytes = await handle.readFile()
    if (bytes.length > maxBytes)
      return { ok: false, problem: { kind: 'too-large', size: bytes.length } }
    return { ok: true, bytes }
  } catch (cause) {
    const why = `cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`
    return { ok: false, problem: { kind: 'unreadable', why, cause } }
  } finally {
    await handle.close()
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The bytes as UTF-8 text (a leading BOM dropped), or undefined when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** The issue reported for a text file that is not UTF-8. */
export function notUtf8Issue(file: string): Issue {
  return {
    code: 'not_utf8',
    path: [],
    file,
    message: 'the file is not valid UTF-8 text',
    hint: 'save the file as UTF-8',
  }
}
