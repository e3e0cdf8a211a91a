/**
 * Errors of Accord. One base class with a stable `code`; a few subclasses per domain.
 *
 * Rules (see docs/errors.md):
 * - API misuse throws `TypeError`.
 * - Untrusted input (manifests, catalogs, evidence, arguments) throws an `AccordError` with a code.
 * - Validation collects *all* issues and reports them together as `Issue[]`.
 * - Non-compliance is a finding in the result, never an exception.
 *
 * Only adapters (CLI, server) read the exit-code / HTTP-status table below.
 */

export type AccordErrorCode =
  | 'ERR_CONFIG_BAD_ARGS'
  | 'ERR_CONFIG_BAD_DATE'
  | 'ERR_MANIFEST_NOT_FOUND'
  | 'ERR_MANIFEST_PARSE'
  | 'ERR_MANIFEST_INVALID'
  | 'ERR_CATALOG_NOT_FOUND'
  | 'ERR_CATALOG_PARSE'
  | 'ERR_CATALOG_INVALID'
  | 'ERR_EVIDENCE_NOT_FOUND'
  | 'ERR_EVIDENCE_OUTSIDE_ROOT'
  | 'ERR_EVIDENCE_EMPTY'
  | 'ERR_EVIDENCE_UNREADABLE'
  | 'ERR_DOCUMENT_WRITE'
  | 'ERR_SCHEMA_STALE'
  | 'ERR_INTERNAL'

/** One problem found while validating input. `path` is a JSON path into the input. */
export interface Issue {
  code: string
  /** Path of the offending value inside the document, e.g. `['evidence', 2, 'path']`. */
  path: (string | number)[]
  message: string
  /** File the issue is in, when known. */
  file?: string
  /** 1-based line and column, when the input kept source positions. */
  line?: number
  column?: number
  /** What to do about it. */
  hint?: string
}

export interface AccordErrorOptions {
  code: AccordErrorCode
  message: string
  cause?: unknown
  issues?: Issue[]
  details?: Record<string, unknown>
}

export class AccordError extends Error {
  readonly code: AccordErrorCode
  readonly issues: Issue[]
  readonly details: Record<string, unknown> | undefined

  constructor(options: AccordErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = this.constructor.name
    this.code = options.code
    this.issues = options.issues ?? []
    this.details = options.details
  }
}

export class ConfigError extends AccordError {}
export class ManifestError extends AccordError {}
export class CatalogError extends AccordError {}
export class EvidenceError extends AccordError {}
export class DocumentError extends AccordError {}

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** The command ran but found what it is meant to report (gaps remain, prohibited, ...). */
  findings: 1,
  badArgs: 2,
  invalidInput: 3,
  verificationFailed: 4,
  io: 5,
  internal: 70,
} as const

export interface ErrorCodeInfo {
  exit: number
  http: number
  summary: string
  fix: string
}

/** The one table mapping each code to its exit code, HTTP status and how to fix it. */
export const ERROR_CODES: Record<AccordErrorCode, ErrorCodeInfo> = {
  ERR_CONFIG_BAD_ARGS: {
    exit: EXIT.badArgs,
    http: 400,
    summary: 'A command-line argument or option is missing or malformed.',
    fix: 'Run the command with --help and correct the argument named in the message.',
  },
  ERR_CONFIG_BAD_DATE: {
    exit: EXIT.badArgs,
    http: 400,
    summary: 'A date (e.g. --as-of) is not a calendar date in YYYY-MM-DD form.',
    fix: 'Give the date as YYYY-MM-DD, for example --as-of 2027-12-02.',
  },
  ERR_MANIFEST_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary: 'The system manifest file does not exist or cannot be read.',
    fix: 'Check the path; to start a new one, copy one of examples/*/accord.yaml.',
  },
  ERR_MANIFEST_PARSE: {
    exit: EXIT.invalidInput,
    http: 400,
    summary: 'The manifest is not well-formed YAML or JSON.',
    fix: 'Fix the syntax at the line and column given (indentation, quotes, colons).',
  },
  ERR_MANIFEST_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'The manifest does not match the manifest schema or contradicts itself.',
    fix: 'Correct each listed field; schema/manifest.v1.schema.json gives editors autocompletion.',
  },
  ERR_CATALOG_NOT_FOUND: {
    exit: EXIT.io,
    http: 500,
    summary: 'A catalog or mapping file is missing.',
    fix: 'Reinstall Accord or point --catalogs at a directory holding the catalog files.',
  },
  ERR_CATALOG_PARSE: {
    exit: EXIT.invalidInput,
    http: 500,
    summary: 'A catalog or mapping file is not valid JSON.',
    fix: 'Fix the JSON syntax at the position given.',
  },
  ERR_CATALOG_INVALID: {
    exit: EXIT.invalidInput,
    http: 500,
    summary: 'A catalog or mapping file fails its schema or its semantic checks.',
    fix: 'Correct each listed node (unique IDs, parents that exist, mapping targets that exist).',
  },
  ERR_EVIDENCE_NOT_FOUND: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'An evidence file named in the manifest does not exist.',
    fix: "Fix the evidence entry's path (relative to the manifest's folder) or add the file.",
  },
  ERR_EVIDENCE_OUTSIDE_ROOT: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: "An evidence path points outside the manifest's folder.",
    fix: "Move the file under the manifest's folder and use a relative path without '..'.",
  },
  ERR_EVIDENCE_EMPTY: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'An evidence file is empty, so it proves nothing.',
    fix: 'Put the document in the file, or remove the evidence entry.',
  },
  ERR_EVIDENCE_UNREADABLE: {
    exit: EXIT.io,
    http: 500,
    summary: 'An evidence file exists but cannot be read (permissions, or it is a directory).',
    fix: 'Make the path a readable regular file.',
  },
  ERR_DOCUMENT_WRITE: {
    exit: EXIT.io,
    http: 500,
    summary: 'Generated documents could not be written to the output directory.',
    fix: 'Check that the --out directory is writable and the disk has room; nothing was left half-written.',
  },
  ERR_SCHEMA_STALE: {
    exit: EXIT.findings,
    http: 500,
    summary: 'A generated JSON Schema in schema/ differs from the code it is generated from.',
    fix: 'Run `npm run schema:generate` and commit the result.',
  },
  ERR_INTERNAL: {
    exit: EXIT.internal,
    http: 500,
    summary: 'An unexpected internal error (a bug in Accord).',
    fix: 'Report it with the command and input that caused it.',
  },
}

/** Formats issues for a terminal: one block per issue, with place, message and hint. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where = [i.file, i.line === undefined ? undefined : `${i.line}:${i.column ?? 1}`]
        .filter((x) => x !== undefined)
        .join(':')
      const path = i.path.length > 0 ? ` at ${formatPath(i.path)}` : ''
      const head = `${where ? where + ': ' : ''}${i.message}${path} [${i.code}]`
      return i.hint ? `${head}\n  fix: ${i.hint}` : head
    })
    .join('\n')
}

/** `['evidence', 2, 'path']` -> `evidence[2].path` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p
  return out
}
