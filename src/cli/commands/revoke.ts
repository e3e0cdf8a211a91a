import type { Command } from 'commander'
import { ConfigError, PassportError } from '../../core/errors.js'
import { STATUS } from '../../core/passport/status.js'
import type { StatusValue } from '../../core/passport/status.js'
import { fileSigner } from '../../node/keys.js'
import { DEFAULT_STATUS_DIR, StatusStore, readPassportFile } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'

interface RevokeOptions {
  key: string
  statusDir: string
  listId?: string
  suspend?: boolean
  reinstate?: boolean
  json?: boolean
}

const ACTION: Record<StatusValue, string> = {
  [STATUS.valid]: 'reinstated',
  [STATUS.invalid]: 'revoked',
  [STATUS.suspended]: 'suspended',
}

/** The state an entry is in, for "was already ...". */
const STATE: Record<StatusValue, string> = {
  [STATUS.valid]: 'valid',
  [STATUS.invalid]: 'revoked',
  [STATUS.suspended]: 'suspended',
}

/**
 * `accord revoke PASSPORT --key ISSUER_KEY`: sets the passport's entry in the issuer's local
 * status registry and re-signs the Status List Token. Only the key whose kid is the passport's
 * header kid may do so (exit 4 otherwise). Exit codes: docs/revocation.md.
 */
export function registerRevoke(program: Command, ctx: Ctx): void {
  program
    .command('revoke')
    .description(
      "revoke (or --suspend / --reinstate) a passport you issued and re-sign the issuer's status list",
    )
    .argument('<passport>', 'passport file (SD-JWT) you issued')
    .requiredOption('--key <file>', "the issuer's private key file (the key that signed it)")
    .option('--status-dir <dir>', 'status registry directory', DEFAULT_STATUS_DIR)
    .option('--list-id <id>', 'status list id (default: the list whose uri the passport names)')
    .option('--suspend', 'suspend instead of revoking (temporary; undo with --reinstate)')
    .option('--reinstate', 'lift a suspension')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: RevokeOptions) => {
      if (opts.suspend && opts.reinstate)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: '--suspend and --reinstate exclude each other',
        })
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

      const signer = await fileSigner(opts.key)
      if (passport.header.kid !== signer.kid)
        throw new PassportError({
          code: 'ERR_PASSPORT_STATUS_KEY_MISMATCH',
          message:
            `passport ${passportPath} was signed by key ${JSON.stringify(passport.header.kid ?? null)}, ` +
            `not by ${opts.key} (kid ${signer.kid}); only its issuer may change its status`,
        })

      const store = new StatusStore({ dir: opts.statusDir })
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
      const jti = typeof passport.claims.jti === 'string' ? passport.claims.jti : undefined
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
      if (opts.json) printJson(ctx.io, out)
      else
        ctx.io.out(
          (out.changed
            ? `${ACTION[status]} ${out.passport} (status list "${listId}", index ${idx})\n`
            : `${out.passport} was already ${STATE[status]} (status list "${listId}", index ${idx}); nothing changed, the list was re-signed\n`) +
            `wrote ${signed.path}\n` +
            `publish it at ${uri} (valid until ${new Date(signed.exp * 1000).toISOString()})\n`,
        )
    })
}
