/**
 * Evidence files of a manifest: resolve each path inside the manifest's folder, check it is a
 * non-empty regular file, and hash it. Every problem is collected and thrown together in one
 * `EvidenceError`, so a vendor fixes all paths in one go.
 */
import { statSync } from 'node:fs'
import { compareCodeUnits } from '../core/compare.js'
import { EvidenceError, type AccordErrorCode, type Issue } from '../core/errors.js'
import type { HashedEvidence } from '../core/assess/types.js'
import type { EvidenceItem, Manifest } from '../core/manifest/schema.js'
import { createInsideResolver } from './fs-safe.js'
import { sha256Files, type FileDigest } from './hash.js'

export interface HashEvidenceOptions {
  /** Called with (files hashed, files to hash) after each file. */
  onProgress?: (done: number, total: number) => void
  /**
   * Hash this many files at once with asynchronous reads; by default files are read
   * synchronously in short time slices, which is faster (see src/node/hash.ts).
   */
  concurrency?: number
  /**
   * The manifest's file (as the user gave it) and text: problems then name the file, and the line
   * and column of each `evidence[i].path` (the text is parsed for positions only when there are
   * problems).
   */
  source?: { file: string; text: string }
}

type EvidenceCode = Extract<AccordErrorCode, `ERR_EVIDENCE_${string}`>

/** Error codes of an O_NOFOLLOW open of a symbolic link. */
const LINK_REFUSED: ReadonlySet<string> = new Set(['ELOOP', 'EMLINK'])

/**
 * Hashes every `manifest.evidence` item, resolved relative to `manifestDir`. Returns them sorted
 * by id. Throws one `EvidenceError` listing every missing, empty, unreadable or escaping file;
 * its `code` is that of the first problem in manifest order.
 *
 * Each path is checked lexically and through the real paths of its folders first (cached per
 * folder); the file itself is checked as it is opened for hashing (`regularOnly`: a regular
 * file, not a symbolic link), which costs an fstat of the open file instead of an lstat walk of
 * every path. Paths whose last part is a symbolic link are then resolved again with the full
 * check and hashed together: a link that stays inside the folder is followed, one that leads out
 * is refused.
 */
export async function hashEvidence(
  manifest: Manifest,
  manifestDir: string,
  options: HashEvidenceOptions = {},
): Promise<HashedEvidence[]> {
  const issues: Issue[] = []
  const issue = (code: EvidenceCode, i: number, message: string, hint: string): void => {
    issues.push({ code, path: ['evidence', i, 'path'], message, hint })
  }
  const where = (item: EvidenceItem, i: number): string =>
    `evidence "${item.id}" (evidence[${i}].path "${item.path}")`
  const resolveError = (item: EvidenceItem, i: number, err: unknown): void => {
    if (err instanceof EvidenceError) {
      issue(
        err.code as EvidenceCode,
        i,
        err.code === 'ERR_EVIDENCE_OUTSIDE_ROOT'
          ? `${where(item, i)} points outside the manifest's folder (${err.message})`
          : `${where(item, i)}: ${err.message}`,
        "move the file under the manifest's folder and give a relative path without '..'",
      )
    } else {
      const code = (err as NodeJS.ErrnoException).code
      issue(
        'ERR_EVIDENCE_UNREADABLE',
        i,
        `${where(item, i)} cannot be resolved (${code ?? String(err)})`,
        'make the path and its folders readable',
      )
    }
  }
  /** The issue of a file that could not be hashed (fs error code as `sha256Files` gives it). */
  const fileError = (item: EvidenceItem, i: number, code: string | undefined): void => {
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      issue(
        'ERR_EVIDENCE_NOT_FOUND',
        i,
        `${where(item, i)} does not exist`,
        "fix the path (relative to the manifest's folder) or add the file",
      )
    } else if (code === 'EISDIR' || code === 'ENOTREG') {
      issue(
        'ERR_EVIDENCE_UNREADABLE',
        i,
        `${where(item, i)} is ${code === 'EISDIR' ? 'a directory' : 'not a regular file'}`,
        'point the path at one file; list each file of a folder as its own evidence item',
      )
    } else {
      issue(
        'ERR_EVIDENCE_UNREADABLE',
        i,
        `${where(item, i)} cannot be read (${code ?? 'error'})`,
        'make the path a readable regular file',
      )
    }
  }
  const hashed: HashedEvidence[] = []
  const add = (item: EvidenceItem, i: number, d: FileDigest): void => {
    if (d.size === 0) {
      issue(
        'ERR_EVIDENCE_EMPTY',
        i,
        `${where(item, i)} is empty, so it proves nothing`,
        'put the document in the file, or remove the evidence entry',
      )
      return
    }
    const h: HashedEvidence = {
      id: item.id,
      path: item.path,
      type: item.type,
      title: item.title,
      sha256: d.sha256,
      size: d.size,
      supports: [...item.supports],
      partial: item.partial,
      assessedBy: item.assessedBy,
    }
    if (item.validUntil !== undefined) h.validUntil = item.validUntil
    hashed.push(h)
  }

  // 1. Check every path up to its folder; the file itself is checked when it is opened.
  const files: { item: EvidenceItem; index: number; abs: string }[] = []
  const resolveFolders = createInsideResolver(manifestDir, { checkFile: false })
  manifest.evidence.forEach((item, i) => {
    try {
      files.push({ item, index: i, abs: resolveFolders(item.path) })
    } catch (err) {
      resolveError(item, i, err)
    }
  })

  // 2. Hash the regular files; collect every problem.
  const total = files.length
  const digests = await sha256Files(
    files.map((f) => f.abs),
    {
      regularOnly: true,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.onProgress
        ? { onProgress: (p) => options.onProgress?.(p.filesDone, total) }
        : {}),
    },
  )
  const links: (typeof files)[number][] = []
  digests.forEach((d, k) => {
    const f = files[k] as (typeof files)[number]
    if (d.ok) add(f.item, f.index, d)
    // O_NOFOLLOW refuses a link with ELOOP (Linux, macOS) or EMLINK (FreeBSD).
    else if (LINK_REFUSED.has((d.error as NodeJS.ErrnoException).code ?? '')) links.push(f)
    else fileError(f.item, f.index, (d.error as NodeJS.ErrnoException).code)
  })

  // 3. Paths that end in a symbolic link: check where each leads, then hash what it points at
  // (the same way as the rest, so a folder of links costs about what a folder of files does).
  if (links.length > 0) {
    const resolveInside = createInsideResolver(manifestDir)
    const followed: typeof files = []
    for (const { item, index } of links) {
      let abs: string
      try {
        abs = resolveInside(item.path)
      } catch (err) {
        resolveError(item, index, err)
        continue
      }
      try {
        const info = statSync(abs)
        if (!info.isFile()) {
          fileError(item, index, info.isDirectory() ? 'EISDIR' : 'ENOTREG')
          continue
        }
      } catch (err) {
        fileError(item, index, (err as NodeJS.ErrnoException).code)
        continue
      }
      followed.push({ item, index, abs })
    }
    const more = await sha256Files(
      followed.map((f) => f.abs),
      options.concurrency === undefined ? {} : { concurrency: options.concurrency },
    )
    more.forEach((d, k) => {
      const f = followed[k] as (typeof followed)[number]
      if (d.ok) add(f.item, f.index, d)
      else fileError(f.item, f.index, (d.error as NodeJS.ErrnoException).code)
    })
  }

  if (issues.length > 0) {
    issues.sort((a, b) => (a.path[1] as number) - (b.path[1] as number))
    const first = issues[0] as Issue
    const source = options.source
    // Each issue is listed below the message (and in --json's `issues`), so the message only
    // counts them.
    const what =
      issues.length === 1 ? first.message : `${issues.length} evidence files have problems`
    throw new EvidenceError({
      code: first.code as EvidenceCode,
      message: source ? `${source.file}: ${what}` : what,
      issues: source ? await positioned(issues, source) : issues,
    })
  }
  return hashed.sort((a, b) => compareCodeUnits(a.id, b.id))
}

/**
 * The issues with the manifest's file and the line and column of each path. The locator is
 * imported only here, as it imports `yaml` (about 37 ms), which a run without problems never needs.
 */
async function positioned(
  issues: readonly Issue[],
  source: { file: string; text: string },
): Promise<Issue[]> {
  const { createYamlLocator } = await import('../core/manifest/locate.js')
  const locate = createYamlLocator(source.text)
  return issues.map((issue) => ({ ...issue, file: source.file, ...locate(issue.path) }))
}
