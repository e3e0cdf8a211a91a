/**
 * `--issuer-jwk` of `accord incident report` and `accord incident show`: the passport a report is
 * bound to (by digest) is checked with its issuer's public key before its classification is used.
 * Without the key, text output says once that the passport's signature was not checked.
 */
import type { Command } from 'commander'
import { ConfigError, PassportError } from '../core/errors.js'
import { loadPublicKeys } from '../node/keys.js'
import { nodePassportVerifier } from '../node/verify-batch.js'
import type { Ctx } from './common.js'

/** The `passportSignature` member of `--json` output. */
export type PassportSignature = 'valid' | 'not-checked'

/** What text output says on stderr when the passport's signature was not checked. */
export const PASSPORT_NOT_CHECKED_NOTICE =
  "note: the passport's signature was not checked; its classification is used as it states it. Give the issuer's public key with --issuer-jwk <file> to verify it\n"

/** Declares `--issuer-jwk` on `command`. */
export function withIssuerJwkOption(command: Command): Command {
  return command.option(
    '--issuer-jwk <file>',
    "the passport issuer's public key file (JWK or JWKS): verify the passport's signature before using its classification",
  )
}

/**
 * The checks of the project's passport verifier that say whether the passport is the one its
 * issuer signed: its form, its header, the key, the signature and the disclosures. Validity
 * (expiry), status and key binding are `accord verify`'s, not this.
 */
const SIGNED_AS_ISSUED = new Set([
  'size',
  'structure',
  'header',
  'issuer-trust',
  'signature',
  'disclosures',
])

/**
 * Verifies passport `sdJwt` (read from `file`) with the issuer key of `--issuer-jwk`; 'valid', or
 * ERR_PASSPORT_SIGNATURE_INVALID (exit 4) naming the file and why. Without the key: 'not-checked',
 * and text output says so once on stderr.
 */
export async function checkPassportSignature(
  file: string,
  sdJwt: string,
  opts: { issuerJwk?: string; json?: boolean },
  ctx: Ctx,
): Promise<PassportSignature> {
  if (opts.issuerJwk === undefined) {
    if (!opts.json) ctx.io.err(PASSPORT_NOT_CHECKED_NOTICE)
    return 'not-checked'
  }
  const keys = await loadPublicKeys(opts.issuerJwk)
  const verifier = nodePassportVerifier({ trustedKeys: keys.map((jwk) => ({ kid: jwk.kid, jwk })) })
  const result = await verifier.verify(sdJwt, { nowSeconds: ctx.io.nowSeconds() })
  const failed = result.checks.find((c) => c.outcome === 'fail' && SIGNED_AS_ISSUED.has(c.check))
  if (result.issuerJwt === undefined || failed !== undefined)
    throw new PassportError({
      code: 'ERR_PASSPORT_SIGNATURE_INVALID',
      message: `passport ${file} does not verify with --issuer-jwk ${opts.issuerJwk}: ${failed?.message ?? 'its signature was not verified'}`,
    })
  return 'valid'
}

/** `--issuer-jwk` names the key of a passport: without one (`show` without --passport), bad args. */
export function checkIssuerJwkArgs(opts: { issuerJwk?: string; passport?: string }): void {
  if (opts.issuerJwk !== undefined && opts.passport === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: '--issuer-jwk verifies the passport given with --passport: give --passport too',
    })
}
