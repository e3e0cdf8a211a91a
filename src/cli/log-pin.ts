/**
 * `--log-key` of the commands that write to or list from a registry (docs/transparency-log.md,
 * "Pinning the log key"): the option, its environment default, the notice printed without it, and
 * the checks of writes and lists against the pinned log (src/node/tlog/pinned.ts).
 */
import type { Command } from 'commander'
import { canonicalJson } from '../core/catalog/canonical.js'
import { AccordError, TlogError } from '../core/errors.js'
import type { TlogEntry } from '../core/tlog/entry.js'
import { LOG_REASONS } from '../node/tlog/client.js'
import { loadLogKey } from '../node/tlog/log-key.js'
import {
  confirmationLine,
  confirmInLog,
  pinnedCheckpoint,
  type ExpectedEntry,
  type LogConfirmation,
  type PinnedLog,
} from '../node/tlog/pinned.js'
import type { Ctx } from './common.js'

/** The environment variable that gives `--log-key` when the option is not given. */
export const LOG_KEY_ENV = 'ACCORD_LOG_KEY'

/** What text output says on stderr when the registry is not checked against a log key. */
export const NOT_PINNED_NOTICE = `note: the registry was not checked against its log key; pin it with --log-key <vkey|file> (or ${LOG_KEY_ENV}) to check that what it acknowledges is in its transparency log (docs/transparency-log.md, "Pinning the log key")\n`

/** Declares `--log-key` on a command that writes to or lists from a registry. */
export function withLogKeyOption(command: Command): Command {
  return command.option(
    '--log-key <vkey|file>',
    `the registry's log key (the verifier key \`accord serve\` prints, a file holding it, or the log's Ed25519 public JWK): check that the registry is that log and that what it acknowledges or lists is in it (default: $${LOG_KEY_ENV})`,
  )
}

/**
 * A log key as given: the value of `option` (`--log-key`, or `--key` of `accord log`) when given,
 * else $ACCORD_LOG_KEY when set and not blank; `source` names where it came from, for messages.
 * Undefined when neither is given.
 */
export function logKeyArg(
  value: string | undefined,
  option: string,
  env: NodeJS.ProcessEnv = process.env,
): { arg: string; source: string } | undefined {
  if (value !== undefined) return { arg: value, source: option }
  const fromEnv = env[LOG_KEY_ENV]?.trim()
  return fromEnv === undefined || fromEnv === '' ? undefined : { arg: fromEnv, source: LOG_KEY_ENV }
}

/**
 * What a message about a checkpoint that does not verify adds when the key came from
 * $ACCORD_LOG_KEY (`source`): that key is meant for one registry, and `option` gives another.
 */
export function envKeyHint(source: string, option: string): string {
  return source === LOG_KEY_ENV
    ? ` (the log key is ${LOG_KEY_ENV}'s; for another log, give its key with ${option})`
    : ''
}

/** `result` of a log-inclusion check, its message with envKeyHint when the checkpoint failed. */
export function withKeyHint<R extends { reason: string; message: string }>(
  result: R,
  source: string,
  option: string,
): R {
  const keyFailed =
    result.reason === LOG_REASONS.unknownKey || result.reason === LOG_REASONS.checkpointInvalid
  return keyFailed ? { ...result, message: result.message + envKeyHint(source, option) } : result
}

/**
 * The pinned log of `--log-key`, else of $ACCORD_LOG_KEY; undefined when neither is given, and
 * then text output says once, on stderr, that the registry is not checked and how to pin it.
 */
export async function logPinOption(
  opts: { logKey?: string; json?: boolean },
  ctx: Ctx,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PinnedLog | undefined> {
  const given = logKeyArg(opts.logKey, '--log-key', env)
  if (given === undefined) {
    if (!opts.json) ctx.io.err(NOT_PINNED_NOTICE)
    return undefined
  }
  return { key: await loadLogKey(given.arg, undefined, given.source), source: given.source }
}

/** The `logVerified` member of `--json` output, and its text line. */
export function logVerifiedView(confirmation: LogConfirmation | undefined) {
  return confirmation === undefined ? {} : { logVerified: confirmation }
}

/** The text line of a confirmation (empty without one). */
export function logVerifiedText(confirmation: LogConfirmation | undefined): string {
  return confirmation === undefined ? '' : confirmationLine(confirmation) + '\n'
}

/**
 * A write of one log entry to a registry, with a pinned key: the registry is checked to be the
 * pinned log's before `write` (nothing is sent otherwise), and after it the entry `expected` names
 * for the registry's answer is checked to be in the log, under a checkpoint that extends the one
 * seen before the write. Without a pin, only `write`.
 */
export async function pinnedWrite<T>(
  registry: string,
  pin: PinnedLog | undefined,
  write: () => Promise<T>,
  expected: (answer: T) => ExpectedEntry,
): Promise<{ answer: T; logVerified?: LogConfirmation }> {
  if (pin === undefined) return { answer: await write() }
  const before = await pinnedCheckpoint(registry, pin)
  const answer = await write()
  return { answer, logVerified: await confirmInLog(registry, pin, [expected(answer)], before) }
}

/**
 * The log entry of a statement read from a local file (`*EntryFromToken`); a file whose token
 * yields none is ERR_PASSPORT_MALFORMED naming it.
 */
export function tokenEntry(
  result: { ok: true; entry: TlogEntry } | { ok: false; message: string },
  file: string,
): TlogEntry {
  if (result.ok) return result.entry
  throw new AccordError({ code: 'ERR_PASSPORT_MALFORMED', message: `${file}: ${result.message}` })
}

/** A statement a registry lists, as a list command checks it against the pinned log. */
export interface ListedStatement {
  /** The log index the registry lists it at. */
  logIndex: number | null
  /** What it is, in messages: `incident report urn:uuid:...`. */
  what: string
  /** Its log entry, recomputed from its token (undefined: the registry listed no token). */
  entry: { ok: true; entry: TlogEntry } | { ok: false; message: string } | undefined
  /** Why what the registry lists of it disagrees with its token; undefined when it agrees. */
  disagreement: string | undefined
}

/**
 * The ListedStatement of an item a registry lists with its `token`: `decode` reads the token
 * (unverified), `entryOf` recomputes its log entry, and `disagreement` compares what is listed
 * with what the decoded token says.
 */
export function listedStatement<D>(
  item: { logIndex: number | null; token?: string | undefined },
  what: string,
  decode: (token: string) => ({ ok: true } & D) | { ok: false; message: string },
  entryOf: (token: string) => { ok: true; entry: TlogEntry } | { ok: false; message: string },
  disagreement: (decoded: D) => string | undefined,
): ListedStatement {
  const { logIndex, token } = item
  if (token === undefined) return { logIndex, what, entry: undefined, disagreement: undefined }
  const decoded = decode(token)
  if (!decoded.ok) return { logIndex, what, entry: decoded, disagreement: undefined }
  return { logIndex, what, entry: entryOf(token), disagreement: disagreement(decoded) }
}

function invalid(message: string): TlogError {
  return new TlogError({ code: 'ERR_TLOG_INVALID', message })
}

/**
 * Checks that every statement a list command prints is in the pinned log at the index listed, its
 * leaf recomputed from its token, and that what is printed of it is what its token says: one
 * checkpoint and one inclusion proof per statement. ERR_TLOG_INVALID for the first that is not.
 */
export function confirmListed(
  registry: string,
  pin: PinnedLog,
  items: readonly ListedStatement[],
): Promise<LogConfirmation> {
  const expected = items.map((item): ExpectedEntry => {
    const { what, entry, logIndex } = item
    if (entry === undefined)
      throw invalid(`the registry lists ${what} without its token, so it cannot be checked`)
    if (!entry.ok)
      throw invalid(`the registry lists ${what} with a token Accord cannot read: ${entry.message}`)
    if (item.disagreement !== undefined)
      throw invalid(`the registry lists ${what} other than its token says: ${item.disagreement}`)
    if (logIndex === null)
      throw invalid(`the registry lists ${what} without a log index: it is not in its log`)
    return { index: logIndex, what, entry: entry.entry }
  })
  return confirmInLog(registry, pin, expected)
}

/**
 * The first field of `listed` that differs from `stated` (what the token says), compared as
 * canonical JSON; undefined when all agree. Fields `listed` lacks are not compared.
 */
export function firstDisagreement(
  listed: Record<string, unknown>,
  stated: Record<string, unknown>,
): string | undefined {
  for (const [field, value] of Object.entries(stated)) {
    if (!(field in listed)) continue
    const a = canonicalJson(listed[field] ?? null)
    const b = canonicalJson(JSON.parse(JSON.stringify(value ?? null)) as unknown)
    if (a !== b)
      return `${field} is listed as ${a.slice(0, 200)}, the token says ${b.slice(0, 200)}`
  }
  return undefined
}
