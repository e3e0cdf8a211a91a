/**
 * What `accord incident` and `accord evaluation` share for their signed statements about a
 * passport: `show`'s optional verification (both --passport and --jwk, or neither), its JSON view
 * and exit code, and `publish`'s choice of --jwk or --key.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import type { Command } from 'commander'
import type { TrustedJwk } from '../core/passport/status.js'
import { ConfigError, EXIT, type AccordErrorCode, type Issue } from '../core/errors.js'
import type { TlogEntry } from '../core/tlog/entry.js'
import { loadPublicKeys } from '../node/keys.js'
import { readPassportFile, type PassportFile } from '../node/status-store.js'
import type { LogConfirmation } from '../node/tlog/pinned.js'
import type { Ctx } from './common.js'
import { logPinOption, pinnedWrite, tokenEntry, withLogKeyOption } from './log-pin.js'
import { signerPublicJwk, unexpected } from './registry-client.js'

export const sha256Hex = (data: Uint8Array | string) =>
  createHash('sha256').update(data).digest('hex')

/** Names in the messages: `report` and `reporter`, `result` and `evaluator`. */
export interface StatementNames {
  noun: string
  signer: string
}

interface Verdict {
  valid: boolean
  reason: string
  message: string
}

/** `show`: both --passport and --jwk, or neither, else ERR_CONFIG_BAD_ARGS (before reading). */
export function checkVerifyArgs(
  opts: { passport?: string; jwk?: string },
  names: StatementNames,
): void {
  if ((opts.passport === undefined) !== (opts.jwk === undefined))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `give both --passport and --jwk to verify the ${names.noun} (the passport it is about and the ${names.signer} public key), or neither to only show it`,
    })
}

/**
 * `show`'s verification: undefined without --passport and --jwk; with both, `verify` given the
 * passport's issuer-signed JWT and the public keys (and the passport file as read), and exit 4
 * when it does not verify. ERR_CONFIG_BAD_ARGS when only one of the two is given.
 */
export async function verifyIfGiven<R extends Verdict>(
  opts: { passport?: string; jwk?: string },
  names: StatementNames,
  ctx: Ctx,
  verify: (passportIssuerJwt: string, keys: TrustedJwk[], passport: PassportFile) => Promise<R>,
): Promise<R | undefined> {
  checkVerifyArgs(opts, names)
  if (opts.passport === undefined || opts.jwk === undefined) return undefined
  const passport = await readPassportFile(opts.passport)
  const verification = await verify(passport.issuerJwt, await loadPublicKeys(opts.jwk), passport)
  if (!verification.valid) ctx.setExit(EXIT.verificationFailed)
  return verification
}

/** The `verification` member of `show --json`. */
export function verificationView(verification: Verdict | undefined) {
  return verification === undefined
    ? { checked: false as const }
    : {
        checked: true as const,
        valid: verification.valid,
        reason: verification.reason,
        message: verification.message,
      }
}

/** `publish`: exactly one of --jwk and --key, else ERR_CONFIG_BAD_ARGS. */
export function checkPublishKeyArgs(opts: { jwk?: string; key?: string }, signer: string): void {
  if ((opts.jwk === undefined) === (opts.key === undefined))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `give the ${signer}'s public key with --jwk PUBLIC_KEY_FILE, or --key PRIVATE_KEY_FILE to send its public part (one of the two)`,
    })
}

/** Declares `show`'s options (--passport, --jwk, --json) on `command`, worded for `names`. */
export function withShowOptions(command: Command, names: StatementNames): Command {
  return command
    .option(
      '--passport <file>',
      `the passport the ${names.noun} must be about (with --jwk: verify)`,
    )
    .option('--jwk <file>', `the ${names.signer}'s public key file (with --passport: verify)`)
    .option('--json', 'print machine-readable JSON on stdout')
}

/**
 * Declares `publish`'s options (--registry, --jwk or --key, --log-key, --json), worded for
 * `names`.
 */
export function withPublishOptions(command: Command, names: StatementNames): Command {
  return withLogKeyOption(
    command
      .requiredOption('--registry <url>', 'base URL of the registry, e.g. http://127.0.0.1:8080')
      .option('--jwk <file>', `the ${names.signer}'s public key file (or give --key)`)
      .option('--key <file>', `the ${names.signer}'s private key file, to send its public part`),
  ).option('--json', 'print machine-readable JSON on stdout')
}

/** `show`'s options. */
export interface ShowOptions {
  passport?: string
  jwk?: string
  json?: boolean
}

/** `publish`'s options. */
export interface PublishOptions {
  registry: string
  jwk?: string
  key?: string
  logKey?: string
  json?: boolean
}

/** A statement `publish` sends: read from `file`, how to post it, and the log entry it makes. */
export interface Publication {
  file: string
  token: string
  /** The header kid, whose public key --jwk must hold. */
  kid: string
  /** The jti of the passport it is about. */
  passportId: string
  /** What it is, before the registry's id, in messages: `incident report`. */
  what: string
  /** The error when --jwk holds no key with that kid. */
  refusal: { code: AccordErrorCode; what: string }
  post: (
    registry: string,
    passportId: string,
    token: string,
    jwk: Record<string, unknown>,
  ) => Promise<Record<string, unknown>>
  /** Its log entry, computed from the token alone (`*EntryFromToken`). */
  entryOf: (token: string) => { ok: true; entry: TlogEntry } | { ok: false; message: string }
}

/**
 * `publish`: the signer's public key (--jwk or --key), the registry's answer (its id for the
 * statement and the log index), and with --log-key the check that the log holds the entry the
 * registry acknowledged.
 */
export async function publishStatement(
  ctx: Ctx,
  opts: PublishOptions,
  p: Publication,
): Promise<{ answer: { id: string; logIndex: number }; logVerified?: LogConfirmation }> {
  const jwk = await signerPublicJwk(opts, p.kid, p.refusal)
  const logPin = await logPinOption(opts, ctx)
  return pinnedWrite(
    opts.registry,
    logPin,
    async () => {
      const a = await p.post(opts.registry, p.passportId, p.token, jwk)
      if (typeof a.logIndex !== 'number' || typeof a.id !== 'string') throw unexpected(201, a)
      return { id: a.id, logIndex: a.logIndex }
    },
    (a) => ({
      index: a.logIndex,
      what: `${p.what} ${a.id}`,
      entry: tokenEntry(p.entryOf(p.token), p.file),
    }),
  )
}

/** The warnings of a file read, each `warning: file:line:column: message` on stderr. */
export function printWarnings(ctx: Ctx, warnings: readonly Issue[], file: string): void {
  for (const w of warnings)
    ctx.io.err(`warning: ${w.file ?? file}:${w.line ?? 1}:${w.column ?? 1}: ${w.message}\n`)
}

/** Where a statement is written by default: next to the passport, `<passport>.<suffix>.sd-jwt`. */
export function besidePassport(passportPath: string, suffix: string): string {
  return path.join(
    path.dirname(passportPath),
    `${path.basename(passportPath).replace(/\.[^.]*$/, '')}.${suffix}.sd-jwt`,
  )
}
