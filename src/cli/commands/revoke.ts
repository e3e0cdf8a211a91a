import type { Command } from 'commander'
import { AccordError, ConfigError, ERROR_CODES, PassportError } from '../../core/errors.js'
import { STATUS } from '../../core/passport/status.js'
import type { StatusValue } from '../../core/passport/status.js'
import { fileSigner } from '../../node/keys.js'
import { DEFAULT_STATUS_DIR, StatusStore, readPassportFile } from '../../node/status-store.js'
import { confirmInLog, pinnedCheckpoint, type LogConfirmation } from '../../node/tlog/pinned.js'
import { statusEntry, type StatusEntry, type TlogEntry } from '../../core/tlog/entry.js'
import type { PassportStatus } from '../../core/store.js'
import type { VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { commandLine, printJson, type Ctx } from '../common.js'
import {
  postStatusChange,
  putStatusList,
  registryOf,
  registryUrl,
  type RecordedStatusChange,
  type UploadedStatusList,
} from '../registry-client.js'
import { logPinOption, logVerifiedText, logVerifiedView, withLogKeyOption } from '../log-pin.js'

interface RevokeOptions {
  key: string
  statusDir: string
  listId?: string
  suspend?: boolean
  reinstate?: boolean
  registry?: string
  reason?: string
  logKey?: string
  json?: boolean
}

const ACTION: Record<StatusValue, string> = {
  [STATUS.valid]: 'reinstated',
  [STATUS.invalid]: 'revoked',
  [STATUS.suspended]: 'suspended',
}

/** The state an entry is in, for "was already ...", as the registry names it too. */
const STATE: Record<StatusValue, PassportStatus> = {
  [STATUS.valid]: 'valid',
  [STATUS.invalid]: 'revoked',
  [STATUS.suspended]: 'suspended',
}

/** What `--registry` got done, for the output and for the message of a failure. */
interface RegistrySteps {
  url: string
  statusList: UploadedStatusList | null
  log: RecordedStatusChange | null
}

/**
 * `accord revoke PASSPORT --key ISSUER_KEY [--registry URL]`: sets the passport's entry in the
 * issuer's local status registry and re-signs the Status List Token. Only the key whose kid is
 * the passport's header kid may do so (exit 4 otherwise). With `--registry`, then tells the
 * registry: first uploads the re-signed list (what verifiers check), then records the change in
 * its log. The local list is the source of truth and is changed first, whatever the registry
 * does; when a registry step fails the command says what was done and which command finishes it,
 * and exits 5 (ERR_PASSPORT_STATUS_NOT_PUBLISHED). Exit codes: docs/revocation.md.
 */
export function registerRevoke(program: Command, ctx: Ctx): void {
  const command = program
    .command('revoke')
    .description(
      "revoke (or --suspend / --reinstate) a passport you issued and re-sign the issuer's status list; with --registry, upload the list to the registry and record the change in its log",
    )
    .argument('<passport>', 'passport file (SD-JWT) you issued')
    .requiredOption('--key <file>', "the issuer's private key file (the key that signed it)")
    .option('--status-dir <dir>', 'status registry directory', DEFAULT_STATUS_DIR)
    .option('--list-id <id>', 'status list id (default: the list whose uri the passport names)')
    .option('--suspend', 'suspend instead of revoking (temporary; undo with --reinstate)')
    .option('--reinstate', 'lift a suspension')
    .option(
      '--registry <url>',
      'also upload the re-signed list to this registry and record the change in its log (requests signed by --key), e.g. http://127.0.0.1:8080',
    )
    .option(
      '--reason <text>',
      'with --registry: the reason recorded in the log (up to 500 characters)',
    )
  withLogKeyOption(command)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: RevokeOptions) => {
      if (opts.suspend && opts.reinstate)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: '--suspend and --reinstate exclude each other',
        })
      if (opts.reason !== undefined && opts.registry === undefined)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: '--reason is recorded in the registry log: it needs --registry',
        })
      // The route's limit (docs/api.md), checked before anything changes.
      if (opts.reason !== undefined && opts.reason.length > 500)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--reason has ${opts.reason.length} characters; the registry records at most 500`,
        })
      // A mistyped URL is refused before the local change, which it would leave half-published.
      const registryBase = opts.registry === undefined ? undefined : registryUrl(opts.registry)
      if (opts.logKey !== undefined && registryBase === undefined)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: '--log-key checks the registry: it needs --registry',
        })
      const logPin = registryBase === undefined ? undefined : await logPinOption(opts, ctx)
      const status: StatusValue = opts.suspend
        ? STATUS.suspended
        : opts.reinstate
          ? STATUS.valid
          : STATUS.invalid

      const passport = await readPassportFile(passportPath)
      const ref = (passport.claims.status as { status_list?: unknown } | undefined)?.status_list
      const { idx, uri } = (ref ?? {}) as { idx?: unknown; uri?: unknown }
      if (
        typeof idx !== 'number' ||
        !Number.isSafeInteger(idx) ||
        idx < 0 ||
        typeof uri !== 'string'
      )
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `passport ${passportPath} has no status reference (status.status_list {idx, uri}); it cannot be revoked`,
        })
      const jti = typeof passport.claims.jti === 'string' ? passport.claims.jti : undefined
      if (opts.registry !== undefined && (jti === undefined || jti === ''))
        throw new PassportError({
          code: 'ERR_PASSPORT_MALFORMED',
          message: `passport ${passportPath} has no jti, so a registry cannot name it; revoke it without --registry`,
        })

      const signer = await fileSigner(opts.key)
      if (passport.header.kid !== signer.kid)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_KEY_MISMATCH',
          message:
            `passport ${passportPath} was signed by key ${JSON.stringify(passport.header.kid ?? null)}, ` +
            `not by ${opts.key} (kid ${signer.kid}); only its issuer may change its status`,
        })
      // A registry that is not the pinned log's is refused before the local change, which it
      // would leave half-published (exit 4).
      if (logPin !== undefined && registryBase !== undefined)
        await pinnedCheckpoint(registryBase.href, logPin)

      // The list is signed (iat, exp) at the CLI's clock, ctx.io, like `issue` and `verify`.
      const store = new StatusStore({ dir: opts.statusDir, clock: ctx.io })
      const listId = opts.listId ?? (await store.findListByUri(uri))
      if (listId === undefined)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `no status list in ${store.dir} is served at ${uri}; pass --status-dir or --list-id`,
        })
      const state = await store.readState(listId)
      if (state?.uri !== undefined && state.uri !== uri)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_NOT_FOUND',
          message: `status list "${listId}" is served at ${state.uri}, but the passport points at ${uri}`,
        })

      const previous = await store.setStatus(listId, idx, status)
      const signed = await store.signStatusList(listId, signer, { uri })
      const out = {
        action: ACTION[status],
        changed: previous !== status,
        passport: jti ?? passportPath,
        listId,
        idx,
        status,
        uri,
        statusList: signed.path,
        exp: signed.exp,
      }
      const local =
        (out.changed
          ? `${ACTION[status]} ${out.passport} (status list "${listId}", index ${idx})\n`
          : `${out.passport} was already ${STATE[status]} (status list "${listId}", index ${idx}); nothing changed, the list was re-signed\n`) +
        `wrote ${signed.path}\n`
      if (opts.registry === undefined || registryBase === undefined) {
        if (opts.json) printJson(ctx.io, out)
        else
          ctx.io.out(
            local +
              `publish it at ${uri} (valid until ${new Date(signed.exp * 1000).toISOString()})\n`,
          )
        return
      }

      // The registry steps. The list goes first: it is what verifiers check, so the change takes
      // effect for them even when the log step then fails. Each step may be run again: a newer
      // list replaces the stored one, and a status the log already records counts as done.
      const registry = opts.registry
      const steps: RegistrySteps = { url: registryBase.href, statusList: null, log: null }
      const common = {
        registry,
        keyPath: opts.key,
        nowSeconds: ctx.io.nowSeconds(),
        ...(logPin !== undefined ? { logPin } : {}),
      }
      /**
       * A registry step or the log check failed: what was done is printed as on success (in
       * `--json`, with the error and its exit code), and the error says what failed.
       */
      const failed = (failure: AccordError): void => {
        if (!opts.json) {
          ctx.io.out(local + registryLines(steps))
          throw failure
        }
        printJson(ctx.io, {
          ...out,
          registry: steps,
          error: { code: failure.code, message: failure.message, issues: failure.issues },
        })
        ctx.setExit(ERROR_CODES[failure.code].exit)
      }
      // With a pinned key, the checkpoint seen before the registry steps: the log must grow from it.
      let before: VerifiedCheckpoint | undefined
      try {
        const target = await registryOf(common, signer)
        before = target.checkpoint
        ctx.io.err(`uploading status list "${listId}" to ${target.base.origin}\n`)
        steps.statusList = await putStatusList(common, target, signed.token)
        ctx.io.err(`recording the ${STATE[status]} status of ${out.passport} in the registry log\n`)
        steps.log = await postStatusChange(common, target, {
          passportId: jti as string,
          status: STATE[status],
          ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
        })
      } catch (err) {
        return failed(notPublished(err, { passportPath, opts, listId, out, steps }))
      }
      // Both registry steps are done; with a pinned log key, the change is checked in the log
      // (ERR_TLOG_INVALID, exit 4, when the registry did not log what it acknowledged).
      let logVerified: LogConfirmation | undefined
      if (logPin !== undefined && steps.log !== null) {
        const { logIndex } = steps.log
        const byKid = signer.kid
        const expected = statusEntry({
          passportId: jti as string,
          status: STATE[status],
          reason: opts.reason ?? null,
          byKid,
          at: '',
        })
        try {
          logVerified = await confirmInLog(
            registry,
            logPin,
            logIndex === null
              ? []
              : [
                  {
                    index: logIndex,
                    what: `the ${STATE[status]} status of ${out.passport}`,
                    mismatch: (entry) => statusMismatch(entry, expected),
                  },
                ],
            before,
          )
        } catch (err) {
          if (!(err instanceof AccordError)) {
            ctx.io.out(local + registryLines(steps))
            throw err
          }
          return failed(err)
        }
      }
      if (opts.json) printJson(ctx.io, { ...out, registry: steps, ...logVerifiedView(logVerified) })
      else ctx.io.out(local + registryLines(steps) + logVerifiedText(logVerified))
    })
}

/**
 * Why a status entry read from the log is not the change sent (`expected`, whose `at` the
 * registry chose): undefined when every other field is as sent.
 */
function statusMismatch(entry: TlogEntry, expected: StatusEntry): string | undefined {
  if (entry.kind !== expected.kind) return `it is a ${entry.kind} entry, not a ${expected.kind}`
  const e = entry as StatusEntry
  for (const field of ['passportId', 'status', 'reason', 'byKid'] as const)
    if (e[field] !== expected[field])
      return `its ${field} is ${JSON.stringify(e[field])}, not ${JSON.stringify(expected[field])}`
  return undefined
}

/** What the registry got, one line per step done. */
function registryLines(steps: RegistrySteps): string {
  let s = ''
  if (steps.statusList !== null) {
    s += `uploaded it to the registry: verifiers fetch it at ${steps.statusList.url}\n`
    if (steps.statusList.url !== steps.statusList.uri)
      s += `  (the passports of this list name ${steps.statusList.uri}: publish it there too)\n`
  }
  if (steps.log !== null)
    s += steps.log.alreadyRecorded
      ? `the registry log already records ${steps.log.id} as ${steps.log.status}\n`
      : `recorded in the registry log at index ${steps.log.logIndex}\n`
  return s
}

/**
 * The error of a registry step that failed after the local change: which step, why (the
 * registry's code and message), that the local change stays, and the commands that finish it.
 */
function notPublished(
  err: unknown,
  context: {
    passportPath: string
    opts: RevokeOptions
    listId: string
    out: { action: string; passport: string; changed: boolean; status: StatusValue }
    steps: RegistrySteps
  },
): AccordError {
  if (!(err instanceof AccordError)) throw err
  const { passportPath, opts, listId, out, steps } = context
  const registry = opts.registry as string
  const dirArgs = opts.statusDir === DEFAULT_STATUS_DIR ? [] : ['--status-dir', opts.statusDir]
  const again = commandLine([
    'accord',
    'revoke',
    passportPath,
    '--key',
    opts.key,
    ...dirArgs,
    ...(opts.listId !== undefined ? ['--list-id', opts.listId] : []),
    ...(opts.suspend ? ['--suspend'] : opts.reinstate ? ['--reinstate'] : []),
    '--registry',
    registry,
    ...(opts.reason !== undefined ? ['--reason', opts.reason] : []),
  ])
  const listOnly = commandLine([
    'accord',
    'status',
    'publish',
    '--registry',
    registry,
    '--key',
    opts.key,
    ...dirArgs,
    '--list-id',
    listId,
  ])
  const local = out.changed
    ? `${out.passport} is ${STATE[out.status]} in the local status list "${listId}" (re-signed)`
    : `${out.passport} was already ${STATE[out.status]} in the local status list "${listId}" (re-signed)`
  const step =
    steps.statusList === null
      ? `the status list was not uploaded (so the log step was not tried): ${err.message} [${err.code}]`
      : `the status list was uploaded, but the change was not recorded in the registry log: ${err.message} [${err.code}]`
  const publishFirst = commandLine([
    'accord',
    'publish',
    passportPath,
    '--registry',
    registry,
    '--key',
    opts.key,
  ])
  const next =
    steps.statusList === null && err.details?.liftedRevocations !== undefined
      ? `running it again will not help: make this change from the copy of the status directory that revoked them, or revoke those passports here too, then run again: ${again}`
      : steps.statusList === null
        ? `to finish, run again: ${again} (or, for the list alone: ${listOnly})`
        : err.code === 'ERR_STORE_NOT_FOUND'
          ? `to finish, publish the passport (${publishFirst}), then run again: ${again}`
          : typeof err.details?.registryStatus === 'string'
            ? `running it again will not help: the registry has the passport as ${err.details.registryStatus}, set by the key its log names (the issuer key from another status directory, or a delegate of it); bring this status directory in line with the registry`
            : `to finish, run again: ${again}`
  return new PassportError({
    code: 'ERR_PASSPORT_STATUS_NOT_PUBLISHED',
    message: `${local}, but the registry ${registry} did not get all of it: ${step}. The local list keeps the change; ${next}`,
    cause: err,
    details: { step: steps.statusList === null ? 'status-list' : 'log', cause: err.code },
  })
}
