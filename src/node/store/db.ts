/**
 * The tiny database interface both backends implement, so that the SQL in sql-store.ts and
 * migrations.ts is literally the same for PGlite and PostgreSQL.
 */
import { AccordError, StoreError } from '../../core/errors.js'

export type Row = Record<string, unknown>

export interface Queryable {
  /** One statement with `$1, $2, ...` parameters; returns the rows. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves (and only then resolves), ROLLBACK
   * when it throws. Use only `tx` inside `fn`.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Runs ONE statement as a transaction of its own, with a generic plan (`plan_cache_mode =
   * force_generic_plan`: the parameters are not folded into the plan, which for megabytes of
   * array parameters costs more than running the statement). Resolves after COMMIT. On
   * PostgreSQL this is one round trip; when the connection is lost meanwhile, whether it
   * committed is unknown (ERR_STORE_UNAVAILABLE with `details.outcome: 'unknown'`).
   */
  atomic<R extends Row = Row>(sql: string, params: readonly unknown[]): Promise<R[]>
  /** How many `atomic` statements can be in the database at once (its connections for them). */
  readonly atomicConcurrency: number
  close(): Promise<void>
}

/** SQLSTATE classes and codes meaning "the database is not usable right now". */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|53400)$/
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  'EAI_AGAIN',
])

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** True for an error that came from the PostgreSQL server with a SQLSTATE. */
export function hasSqlState(err: unknown): boolean {
  const code = errorCode(err)
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code)
}

/**
 * Maps a database error to a coded StoreError where it has a meaning for callers; anything
 * else (a bug: bad SQL, a check constraint the code should have prevented) is returned as is.
 */
export function toStoreError(err: unknown, context: string): unknown {
  if (err instanceof AccordError || err instanceof TypeError) return err
  const code = errorCode(err)
  const detail = err instanceof Error ? err.message : String(err)
  if (code === '23505') {
    const constraint = constraintOf(err)
    const what = (constraint && ALREADY_STORED[constraint]) ?? 'already stored'
    return new StoreError({
      code: 'ERR_STORE_CONFLICT',
      message: `${context}: ${what}; ids and issuer JWTs are never reused`,
      cause: err,
      ...(constraint ? { details: { constraint } } : {}),
    })
  }
  if (code === '22021' || code === '22P05') {
    // Text with a NUL (U+0000), which PostgreSQL text and jsonb refuse (invalid byte sequence,
    // unsupported Unicode escape): the client's input, not a fault of the registry. A 400, and an
    // item error, so that in a group commit only the call that sent it fails.
    return new StoreError({
      code: 'ERR_CONFIG_BAD_REQUEST',
      message: `${context}: the request has text with a NUL character (U+0000), which the registry cannot store or search; nothing was stored, remove it and retry`,
      cause: err,
      details: { sqlstate: code },
    })
  }
  if (code === '23503') {
    return new StoreError({
      code: 'ERR_STORE_NOT_FOUND',
      message: `${context}: refers to a passport that is not in the registry`,
      cause: err,
    })
  }
  if (
    (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) ||
    /Connection terminated|connection timeout|PGlite is closed|Client has encountered a connection error/i.test(
      detail,
    )
  ) {
    return new StoreError({
      code: 'ERR_STORE_UNAVAILABLE',
      message: `${context}: the database is unavailable (${detail}); nothing was stored, retry later`,
      cause: err,
    })
  }
  return err
}

/**
 * What a unique constraint of migrations/ means when a write runs into it, in the user's words
 * (the constraint's name stays in the error's details). A passport's id is checked by two: which
 * one PostgreSQL reports first depends on the plan.
 */
const ALREADY_STORED: Readonly<Record<string, string>> = {
  passports_pkey: 'a passport with this id is already in the registry',
  passport_categories_pkey: 'a passport with this id is already in the registry',
  passports_issuer_jwt_sha256_key: 'this passport (the same issuer JWT) is already in the registry',
  endorsements_pkey: 'an endorsement with this id is already in the registry',
  delegations_pkey: 'a delegation with this id is already in the registry',
  delegations_active:
    'an active delegation of this scope from this issuer to this delegate is already in the registry',
  status_lists_pkey: 'a status list with this id is already in the registry',
  incident_reports_pkey: 'an incident report with this id is already in the registry',
  evaluation_results_pkey: 'an evaluation result with this id is already in the registry',
  incident_reports_incident_id_sequence_key:
    'a report with this sequence number of the incident is already in the registry (another report took it first): publish this one with the next sequence',
}

function constraintOf(err: unknown): string | undefined {
  const c = (err as { constraint?: unknown } | null)?.constraint
  return typeof c === 'string' ? c : undefined
}

/** A URL safe to print: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable database URL)'
  }
}
