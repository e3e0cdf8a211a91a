/**
 * Loads the catalogs and mappings shipped in catalogs/ (or another directory) into a CatalogSet.
 *
 * Layout read: `<dir>/<framework>/<edition>.v<version>.json` are catalogs, `<dir>/mappings/*.json`
 * are mappings, `<dir>/schema/` is skipped. Every file is parsed and validated before anything
 * is returned (but for an unchanged copy of the bundled catalogs, which the tests validate; see
 * `fromValidated`), and all problems are reported together:
 * - missing directory or no catalog files -> ERR_CATALOG_NOT_FOUND
 * - JSON syntax errors (with line and column) -> ERR_CATALOG_PARSE
 * - schema and semantic issues -> ERR_CATALOG_INVALID
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CatalogError } from '../core/errors.js'
import type { Issue } from '../core/errors.js'
import { canonicalJson } from '../core/catalog/canonical.js'
import type { Catalog, Mapping } from '../core/catalog/schema.js'
import type { CatalogSet } from '../core/catalog/types.js'
import {
  buildCatalogSet,
  validateCatalog,
  validatedCatalog,
  validatedMapping,
  validateMapping,
} from '../core/catalog/validate.js'
import type { CatalogEntry, CatalogIssueCode } from '../core/catalog/validate.js'
import { packageRoot } from './paths.js'
import { VALIDATED_CATALOGS } from './validated-catalogs.js'
import type { ValidatedFile } from './validated-catalogs.js'

/** The catalogs/ folder shipped with the package. */
export function defaultCatalogDir(): string {
  return join(packageRoot(), 'catalogs')
}

/**
 * Reads, parses and validates every catalog and mapping under `dir`. The files (about fifteen,
 * under a megabyte in all) are read synchronously: with the asynchronous API each open, stat,
 * read and close is a round trip through the thread pool, which took about twice as long.
 *
 * Files byte for byte equal to the bundled catalogs skip the validation (see `fromValidated`);
 * `revalidate` validates them all the same (the tests use it to compare both ways).
 */
export async function loadCatalogSet(
  dir: string = defaultCatalogDir(),
  options: { revalidate?: boolean } = {},
): Promise<CatalogSet> {
  const files = listFiles(dir)
  const bytes = files.map((f) => {
    try {
      return readFileSync(join(dir, f.file))
    } catch (cause) {
      throw new CatalogError({
        code: 'ERR_CATALOG_NOT_FOUND',
        message: `catalog file ${f.file} in ${dir} cannot be read`,
        cause,
      })
    }
  })
  return (
    (options.revalidate ? undefined : fromValidated(files, bytes)) ??
    validateFiles(dir, files, bytes)
  )
}

/**
 * The CatalogSet of a directory whose files are exactly the bundled ones, or undefined.
 *
 * Why skipping validation is safe: `VALIDATED_CATALOGS` lists every file of catalogs/ with the
 * SHA-256 of its bytes, and test/node/validated-catalogs.test.ts fails unless that list equals
 * the files as they are and they pass the full validation below (with `revalidate`), giving the same
 * CatalogSet as this function. The outcome of the validation depends only on the relative paths and
 * the bytes of all the files together (mappings are checked against the catalogs beside them), so
 * we skip it only when the directory holds these same paths and nothing else, each with the
 * recorded digest: any other directory, and any edited, added or removed file, gets the full
 * validation. A collision of SHA-256 is the only way around it.
 */
function fromValidated(
  files: readonly ListedFile[],
  bytes: readonly Buffer[],
): CatalogSet | undefined {
  if (files.length !== VALIDATED_CATALOGS.length) return undefined
  for (const [i, f] of files.entries()) {
    const known = VALIDATED_CATALOGS[i] as ValidatedFile
    if (f.file !== known.file || sha256Hex(bytes[i] as Buffer) !== known.sha256) return undefined
  }
  const entries: CatalogEntry[] = []
  const mappings: Mapping[] = []
  for (const [i, f] of files.entries()) {
    const parsed = parseJson((bytes[i] as Buffer).toString('utf8'), f.file)
    if (!parsed.ok) return undefined // not the bytes the record was made from: let validation say
    const json = parsed.value
    if (f.kind === 'mapping') mappings.push(validatedMapping(json))
    else {
      const { canonicalSha256 } = VALIDATED_CATALOGS[i] as ValidatedFile
      const sha256 = canonicalSha256 ?? sha256Hex(canonicalJson(json))
      entries.push({ catalog: validatedCatalog(json), sha256 })
    }
  }
  return buildCatalogSet(entries, mappings)
}

/** Parses and validates every file, reporting all problems together. */
function validateFiles(
  dir: string,
  files: readonly ListedFile[],
  bytes: readonly Buffer[],
): CatalogSet {
  const parseIssues: Issue[] = []
  const parsed: { file: string; kind: 'catalog' | 'mapping'; json: unknown }[] = []
  for (const [i, f] of files.entries()) {
    const result = parseJson((bytes[i] as Buffer).toString('utf8'), f.file)
    if (result.ok) parsed.push({ ...f, json: result.value })
    else parseIssues.push(result.issue)
  }
  if (parseIssues.length > 0) {
    throw new CatalogError({
      code: 'ERR_CATALOG_PARSE',
      message: `${parseIssues.length} catalog file(s) in ${dir} are not valid JSON`,
      issues: parseIssues,
    })
  }

  const issues: Issue[] = []
  const entries: CatalogEntry[] = []
  const frameworkFile = new Map<string, string>()
  // URNs of catalogs that failed: mappings onto them are not checked, to avoid a second, derived
  // report ("dependency not loaded") of the same problem.
  const failed = new Set<unknown>()
  for (const p of parsed.filter((x) => x.kind === 'catalog')) {
    const result = validateCatalog(p.json, p.file)
    if (!result.ok) {
      issues.push(...result.issues)
      failed.add(urnOf(p.json))
      continue
    }
    issues.push(...checkFileName(result.catalog, p.file))
    const other = frameworkFile.get(result.catalog.framework)
    if (other !== undefined) {
      const fix = 'keep one edition per framework in the catalog directory'
      issues.push({
        code: 'duplicate_framework' satisfies CatalogIssueCode,
        path: ['framework'],
        file: p.file,
        message: `catalog ${p.file}: framework "${result.catalog.framework}" is already defined by ${other}; ${fix}`,
        hint: fix,
      })
      continue
    }
    frameworkFile.set(result.catalog.framework, p.file)
    entries.push({ catalog: result.catalog, sha256: sha256Hex(canonicalJson(p.json)) })
  }

  const catalogs = entries.map((e) => e.catalog)
  const mappings: Mapping[] = []
  for (const p of parsed.filter((x) => x.kind === 'mapping')) {
    const deps = (p.json as { dependencies?: unknown } | null)?.dependencies
    if (Array.isArray(deps) && deps.some((d) => failed.has(d))) continue
    const result = validateMapping(p.json, p.file, catalogs)
    if (result.ok) mappings.push(result.mapping)
    else issues.push(...result.issues)
  }

  if (issues.length > 0) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${issues.length} problem(s) in the catalogs in ${dir}`,
      issues,
    })
  }
  return buildCatalogSet(entries, mappings)
}

function urnOf(json: unknown): unknown {
  return typeof json === 'object' && json !== null ? (json as { urn?: unknown }).urn : undefined
}

/** SHA-256 (hex) of bytes, or of a string's UTF-8 bytes. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

// ---------------------------------------------------------------------------------------------

interface ListedFile {
  /** Path relative to the catalog directory, with `/` separators: `nist-ai-rmf/1.0.v1.json`. */
  file: string
  kind: 'catalog' | 'mapping'
}

function listFiles(dir: string): ListedFile[] {
  const notFound = (cause?: unknown) =>
    new CatalogError({
      code: 'ERR_CATALOG_NOT_FOUND',
      message: `catalog directory ${dir} does not exist or holds no catalog files`,
      cause,
      details: { dir },
    })
  let top: string[]
  try {
    if (!statSync(dir).isDirectory()) throw notFound()
    top = readdirSync(dir).sort()
  } catch (cause) {
    if (cause instanceof CatalogError) throw cause
    throw notFound(cause)
  }
  const files: ListedFile[] = []
  for (const name of top) {
    if (name === 'schema' || name.startsWith('.')) continue
    const sub = join(dir, name)
    if (!statSync(sub).isDirectory()) continue
    const kind = name === 'mappings' ? 'mapping' : 'catalog'
    for (const f of readdirSync(sub).sort()) {
      if (f.endsWith('.json')) files.push({ file: `${name}/${f}`, kind })
    }
  }
  if (!files.some((f) => f.kind === 'catalog')) throw notFound()
  return files
}

/** `<framework>/<edition>.v<version>.json` must agree with the file's header. */
function checkFileName(catalog: Catalog, file: string): Issue[] {
  const expected = `${catalog.framework}/${catalog.edition}.v${catalog.version}.json`
  if (file === expected) return []
  const fix = `rename the file to ${expected} or correct framework, edition and version`
  return [
    {
      code: 'file_name_mismatch' satisfies CatalogIssueCode,
      path: [],
      file,
      message: `catalog ${file}: header says framework "${catalog.framework}", edition "${catalog.edition}", version ${catalog.version}; ${fix}`,
      hint: fix,
    },
  ]
}

type ParseResult = { ok: true; value: unknown } | { ok: false; issue: Issue }

/** JSON.parse with the error position given as 1-based line and column. */
export function parseJson(text: string, file: string): ParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  try {
    return { ok: true, value: JSON.parse(body) as unknown }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    const offset = errorOffset(body, reason)
    const { line, column } = lineColumn(body, offset)
    const fix = 'fix the JSON syntax at this position (commas, quotes, brackets)'
    return {
      ok: false,
      issue: {
        code: 'parse_error' satisfies CatalogIssueCode,
        path: [],
        file,
        line,
        column,
        message: `catalog ${file}:${line}:${column}: invalid JSON: ${reason}; ${fix}`,
        hint: fix,
      },
    }
  }
}

/** 1-based line and column of the error JSON.parse reported on `text` with `message`. */
export function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  return lineColumn(text, errorOffset(text, message))
}

/**
 * Offset of the first bad character. V8 usually says `at position N`, newer V8 `(line L column
 * C)`, but some messages carry no position at all ("Unexpected token '}', ... is not valid JSON").
 * Then we find it by bisection: the shortest prefix that fails for a reason other than running
 * out of input ends with the bad character.
 */
function errorOffset(text: string, message: string): number {
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (lc) return offsetOf(text, Number(lc[1]), Number(lc[2]))
  const pos = /at position (\d+)/.exec(message)
  if (pos) return Number(pos[1])
  if (message.includes('Unexpected end of JSON input')) return text.length
  const viable = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k))
      return true
    } catch (err) {
      const m = err instanceof Error ? err.message : ''
      if (m.includes('Unexpected end of JSON input')) return true
      const p = /at position (\d+)/.exec(m)
      return p !== null && Number(p[1]) >= k
    }
  }
  let lo = 0
  let hi = text.length
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (viable(mid)) lo = mid
    else hi = mid
  }
  return Math.max(0, hi - 1)
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: offset - start + 1 }
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset)
    if (nl < 0) break
    offset = nl + 1
  }
  return offset + column - 1
}
