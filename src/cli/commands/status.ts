import type { Command } from 'commander'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { AccordError, ConfigError, EXIT, PassportError } from '../../core/errors.js'
import {
  MAX_STATUS_LIST_TOKEN_BYTES,
  decodeStatusList,
  parseStatusListPayload,
  verifyCompactJws,
  STATUS_LIST_TYP,
} from '../../core/passport/status.js'
import { fileSigner, loadKeyFileAsPublic } from '../../node/keys.js'
import { readBoundedFile } from '../../node/fs-safe.js'
import { DEFAULT_STATUS_DIR, StatusStore, loadStatusListToken } from '../../node/status-store.js'
import { commandLine, printJson, type Ctx } from '../common.js'
import { confirmInLog } from '../../node/tlog/pinned.js'
import { putStatusList, registryOf, registryUrl } from '../registry-client.js'
import { logPinOption, logVerifiedText, logVerifiedView, withLogKeyOption } from '../log-pin.js'

interface ShowOptions {
  list: string
  idx?: string
  key?: string
  json?: boolean
}

interface SignOptions {
  listId: string
  key: string
  uri?: string
  statusDir: string
  validDays: string
  json?: boolean
}

interface PublishOptions {
  registry: string
  key: string
  statusDir: string
  listId?: string
  logKey?: string
  json?: boolean
}

const NAMES = ['valid', 'revoked', 'suspended', 'application-specific'] as const

function parseNonNegative(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${flag} "${value}" must be a non-negative integer`,
    })
  return Number(value)
}

/**
 * `accord status show | sign | publish`: inspect a Status List Token; re-sign a list before it
 * expires; upload the signed list to a registry.
 */
export function registerStatus(program: Command, ctx: Ctx): void {
  const status = program
    .command('status')
    .description('inspect and re-sign passport status lists (IETF Token Status List)')

  status
    .command('show')
    .description('decode a Status List Token: its claims, counts, and one entry with --idx')
    .requiredOption('--list <file-or-url>', 'token file, or an http(s) URL to fetch')
    .option('--idx <n>', 'show the status at this index')
    .option('--key <file>', "verify the token's signature with this issuer public key (or JWKS)")
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: ShowOptions) => {
      const idx = parseNonNegative(opts.idx, '--idx')
      const token = await loadStatusListToken(opts.list)
      let header: Record<string, unknown>
      let payload: ReturnType<typeof parseStatusListPayload>
      try {
        header = decodeProtectedHeader(token) as Record<string, unknown>
        payload = parseStatusListPayload(decodeJwt(token))
      } catch (err) {
        if (err instanceof PassportError) throw err
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_LIST_INVALID',
          message: `${opts.list} is not a Status List Token (JWT): ${(err as Error).message}`,
          cause: err,
        })
      }
      let signature: string | undefined
      if (opts.key !== undefined) {
        const keys = await loadKeyFileAsPublic(opts.key)
        const v = await verifyCompactJws(token, keys, [STATUS_LIST_TYP])
        signature = v.ok ? 'valid' : `invalid: ${v.message}`
        if (!v.ok) ctx.setExit(EXIT.verificationFailed)
      }
      const list = await decodeStatusList(payload)
      if (idx !== undefined && idx >= list.size) {
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--idx ${idx} is outside the status list ${opts.list}: its ${list.size} entries have indexes 0 to ${list.size - 1}`,
        })
      }
      const counts = { valid: 0, revoked: 0, suspended: 0, other: 0 }
      for (let i = 0; i < list.size; i++) {
        const s = list.get(i)
        if (s === 0) counts.valid++
        else if (s === 1) counts.revoked++
        else if (s === 2) counts.suspended++
        else counts.other++
      }
      const entry =
        idx === undefined
          ? undefined
          : { idx, status: list.get(idx), name: NAMES[list.get(idx)] ?? 'application-specific' }
      const out = {
        typ: header.typ,
        alg: header.alg,
        kid: header.kid,
        sub: payload.sub,
        iss: payload.iss,
        iat: payload.iat,
        exp: payload.exp,
        ttl: payload.ttl,
        bits: list.bits,
        size: list.size,
        counts,
        ...(entry !== undefined ? { entry } : {}),
        ...(signature !== undefined ? { signature } : {}),
      }
      if (opts.json) {
        printJson(ctx.io, out)
        return
      }
      const date = (s: unknown) => (typeof s !== 'number' ? '-' : new Date(s * 1000).toISOString())
      const lines = [
        `status list ${String(out.sub)}`,
        `  signed by:  ${String(out.kid ?? '-')} (${String(out.alg)}, typ ${String(out.typ)})`,
        `  issued:     ${date(out.iat)}`,
        `  expires:    ${date(out.exp)}`,
        `  ttl:        ${out.ttl === undefined ? '-' : `${out.ttl} s`}`,
        `  entries:    ${out.size} at ${out.bits} bits (${counts.revoked} revoked, ${counts.suspended} suspended${counts.other ? `, ${counts.other} other` : ''})`,
      ]
      if (signature !== undefined) lines.push(`  signature:  ${signature}`)
      if (entry !== undefined) lines.push(`  index ${entry.idx}: ${entry.status} (${entry.name})`)
      ctx.io.out(lines.join('\n') + '\n')
    })

  status
    .command('sign')
    .description('re-sign a status list with fresh iat/exp (run it before the old one expires)')
    .requiredOption('--list-id <id>', 'status list id in the status directory')
    .requiredOption('--key <file>', "the issuer's private key file")
    .option('--uri <url>', 'where the token is served (needed once if not recorded yet)')
    .option('--status-dir <dir>', 'status registry directory', DEFAULT_STATUS_DIR)
    .option('--valid-days <n>', 'validity of the signed list in days', '30')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: SignOptions) => {
      const days = parseNonNegative(opts.validDays, '--valid-days') ?? 30
      if (days < 1)
        throw new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message: '--valid-days must be >= 1' })
      const signer = await fileSigner(opts.key)
      // Signed (iat, exp) at the CLI's clock, ctx.io, like `issue` and `verify`.
      const store = new StatusStore({ dir: opts.statusDir, clock: ctx.io })
      const signed = await store.signStatusList(opts.listId, signer, {
        ...(opts.uri !== undefined ? { uri: opts.uri } : {}),
        validForSeconds: days * 86400,
      })
      const out = { listId: opts.listId, uri: signed.uri, statusList: signed.path, exp: signed.exp }
      if (opts.json) printJson(ctx.io, out)
      else
        ctx.io.out(
          `wrote ${signed.path}\npublish it at ${signed.uri} (valid until ${new Date(signed.exp * 1000).toISOString()})\n`,
        )
    })

  const publish = status
    .command('publish')
    .description(
      'upload the signed status list to a registry, which serves it to verifiers (after `status sign`, or to finish an `accord revoke --registry` that failed)',
    )
    .requiredOption(
      '--registry <url>',
      'registry base URL, e.g. http://127.0.0.1:8080 or https://host/prefix/ (requests go to <url>/api/v1/...)',
    )
    .requiredOption('--key <file>', "the issuer's private key file (the key that signed the list)")
    .option('--status-dir <dir>', 'status registry directory', DEFAULT_STATUS_DIR)
    .option('--list-id <id>', "status list id in the status directory (default: the key's kid)")
  withLogKeyOption(publish)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: PublishOptions) => {
      registryUrl(opts.registry)
      const logPin = await logPinOption(opts, ctx)
      const signer = await fileSigner(opts.key)
      // `accord issue` keeps one list per issuer key, named by its kid.
      const listId = opts.listId ?? signer.kid
      const store = new StatusStore({ dir: opts.statusDir })
      const state = await store.readState(listId)
      if (state === undefined)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `status list "${listId}" does not exist in ${store.dir}${opts.listId === undefined ? ` (the list of key ${opts.key}); pass --list-id or --status-dir` : '; pass --status-dir'}`,
        })
      if (state.kid !== undefined && state.kid !== signer.kid)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_KEY_MISMATCH',
          message: `status list "${listId}" is signed by key ${state.kid}, not by ${opts.key} (kid ${signer.kid}); the registry accepts it only from the key that signed it`,
        })
      const file = store.tokenPath(listId)
      const read = await readBoundedFile(file, MAX_STATUS_LIST_TOKEN_BYTES)
      if (!read.ok)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `status list "${listId}": its signed token ${file} ${read.problem.kind === 'too-large' ? `is larger than ${MAX_STATUS_LIST_TOKEN_BYTES} bytes` : read.problem.why}; sign it with ${signCommand(opts, listId)}`,
        })
      const token = read.bytes.toString('utf8').trim()
      let exp: number | undefined
      try {
        const e = decodeJwt(token).exp
        exp = typeof e === 'number' ? e : undefined
      } catch {
        // putStatusList reports a token that does not decode.
      }
      const now = ctx.io.nowSeconds()
      if (exp !== undefined && exp <= now)
        ctx.io.err(
          `warning: ${file} expired at ${new Date(exp * 1000).toISOString()}: verifiers answer status-unavailable; re-sign it first with ${signCommand(opts, listId)}\n`,
        )
      const common = {
        registry: opts.registry,
        keyPath: opts.key,
        nowSeconds: now,
        ...(logPin !== undefined ? { logPin } : {}),
      }
      const target = await registryOf(common, signer)
      ctx.io.err(`uploading status list "${listId}" to ${target.base.origin}\n`)
      const uploaded = await putStatusList(common, target, token).catch((err: unknown) => {
        if (!(err instanceof AccordError)) throw err
        if (err.details?.liftedRevocations !== undefined)
          throw new AccordError({
            code: err.code,
            message: `${err.message}: publish from the copy of the status directory that revoked them, or revoke those passports in ${store.dir} too`,
            details: err.details,
            cause: err,
          })
        if (err.details?.httpStatus !== 409) throw err
        throw new AccordError({
          code: err.code,
          message: `${err.message}. If ${file} is the current list, sign it again (${signCommand(opts, listId)}) and publish it again; if another copy of the status directory signed the newer one, publish from there (re-signing this copy would replace the newer list and could undo its changes)`,
          details: err.details ?? {},
          cause: err,
        })
      })
      // A status list is not a log entry: with a pinned key, the registry it went to is checked
      // to be the pinned log's (before the upload, by registryOf, and again now, with a checkpoint
      // that extends the one seen before).
      const logVerified =
        logPin === undefined
          ? undefined
          : await confirmInLog(opts.registry, logPin, [], target.checkpoint)
      const out = {
        listId,
        registryListId: uploaded.listId,
        url: uploaded.url,
        uri: uploaded.uri,
        statusList: file,
        iat: uploaded.iat,
        exp,
        ...logVerifiedView(logVerified),
      }
      if (opts.json) printJson(ctx.io, out)
      else
        ctx.io.out(
          `uploaded ${file}\nverifiers fetch it at ${uploaded.url}${exp === undefined ? '' : ` (valid until ${new Date(exp * 1000).toISOString()})`}\n` +
            (uploaded.url !== uploaded.uri
              ? `  (the passports of this list name ${uploaded.uri}: publish it there too)\n`
              : '') +
            logVerifiedText(logVerified),
        )
    })
}

/** The `accord status sign` command for the list a `status publish` names. */
function signCommand(opts: PublishOptions, listId: string): string {
  return commandLine([
    'accord',
    'status',
    'sign',
    '--list-id',
    listId,
    '--key',
    opts.key,
    ...(opts.statusDir === DEFAULT_STATUS_DIR ? [] : ['--status-dir', opts.statusDir]),
  ])
}
