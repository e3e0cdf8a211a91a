/**
 * Reads a manifest file and runs the pure parser on it. Every failure is a `ManifestError` with a
 * code (ERR_MANIFEST_NOT_FOUND / ERR_MANIFEST_PARSE / ERR_MANIFEST_INVALID) and all issues, each
 * labelled with the file as the user gave it.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import path from 'node:path'
import type { Issue } from '../core/errors.js'
import { ManifestError } from '../core/errors.js'
import { parseManifest, YAML_ISSUE_CODES } from '../core/manifest/parse.js'
import type { Manifest } from '../core/manifest/schema.js'

/** Manifests larger than this are refused before parsing (5 MiB). */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024

export interface LoadManifestResult {
  manifest: Manifest
  /** The path as given (used in messages and issues). */
  file: string
  /** Absolute directory of the manifest; evidence paths are relative to it. */
  dir: string
  /** The text as read (UTF-8, without a byte-order mark). */
  text: string
  /** SHA-256 (hex) of the raw bytes of the file. */
  sha256: string
  /** Problems that do not stop the manifest from being used. */
  warnings: Issue[]
}

/** Reads, parses and validates the manifest at `file`. */
export async function loadManifest(file: string): Promise<LoadManifestResult> {
  const bytes = await readManifestBytes(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new ManifestError({
      code: 'ERR_MANIFEST_PARSE',
      message: `${file}: the manifest is not valid UTF-8 text`,
      cause,
      issues: [
        {
          code: 'not_utf8',
          path: [],
          file,
          message: 'the file is not valid UTF-8 text',
          hint: 'save the file as UTF-8',
        },
      ],
    })
  }
  if (text.trim() === '') {
    throw new ManifestError({
      code: 'ERR_MANIFEST_INVALID',
      message: `${file}: the manifest file is empty`,
      issues: [
        {
          code: 'manifest_empty',
          path: [],
          file,
          message: 'the manifest file is empty',
          hint: 'start from one of examples/*/accord.yaml; a manifest begins with apiVersion: accord.dev/v1',
        },
      ],
    })
  }

  const result = parseManifest(text, file)
  if (!result.ok) {
    const syntax = result.issues.some((i) => YAML_ISSUE_CODES.has(i.code))
    const n = result.issues.length
    throw new ManifestError({
      code: syntax ? 'ERR_MANIFEST_PARSE' : 'ERR_MANIFEST_INVALID',
      message: syntax
        ? `${file}: the manifest is not well-formed YAML (${n} problem${n === 1 ? '' : 's'})`
        : `${file}: the manifest has ${n} problem${n === 1 ? '' : 's'}`,
      issues: result.issues,
      details: { warnings: result.warnings },
    })
  }
  return {
    manifest: result.manifest,
    file,
    dir: path.dirname(path.resolve(file)),
    text,
    sha256,
    warnings: result.warnings,
  }
}

/** Reads the raw bytes, refusing missing files, directories and oversized files. */
async function readManifestBytes(file: string): Promise<Buffer> {
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
    throw notFound(file, why, cause)
  }
  try {
    // Stat the open handle, not the path, so the checks apply to the file actually read.
    const info = await handle.stat()
    if (info.isDirectory()) throw notFound(file, 'is a directory, not a manifest file')
    if (!info.isFile()) throw notFound(file, 'is not a regular file')
    if (info.size > MAX_MANIFEST_BYTES) throw tooLarge(file, info.size)
    const bytes = await handle.readFile()
    // The file may have grown between stat and read.
    if (bytes.length > MAX_MANIFEST_BYTES) throw tooLarge(file, bytes.length)
    return bytes
  } catch (cause) {
    if (cause instanceof ManifestError) throw cause
    throw notFound(
      file,
      `cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause})`,
      cause,
    )
  } finally {
    await handle.close()
  }
}

function notFound(file: string, why: string, cause?: unknown): ManifestError {
  return new ManifestError({
    code: 'ERR_MANIFEST_NOT_FOUND',
    message: `manifest ${file} ${why}`,
    cause,
    issues: [
      {
        code: 'manifest_not_found',
        path: [],
        file,
        message: `the manifest ${why}`,
        hint: 'check the path; copy one of examples/*/accord.yaml to start a new manifest',
      },
    ],
  })
}

function tooLarge(file: string, size: number): ManifestError {
  const mib = (size / 1024 / 1024).toFixed(1)
  return new ManifestError({
    code: 'ERR_MANIFEST_INVALID',
    message: `${file}: the manifest is ${mib} MiB; the limit is 5 MiB`,
    issues: [
      {
        code: 'manifest_too_large',
        path: [],
        file,
        message: `the file is ${mib} MiB, larger than the 5 MiB limit for manifests`,
        hint: 'keep documents out of the manifest: put them in files and list them under evidence',
      },
    ],
  })
}
