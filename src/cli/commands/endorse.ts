import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import { resolveRef, suggestRefs } from '../../core/catalog/lookup.js'
import type { CatalogSet } from '../../core/catalog/types.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import {
  ENDORSER_KINDS,
  buildEndorsementClaims,
  signEndorsement,
} from '../../core/passport/endorse.js'
import type { EndorserKind } from '../../core/passport/endorse.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { fileSigner } from '../../node/keys.js'
import { readPassportBinding } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'

interface EndorseOptions {
  key: string
  name: string
  kind: EndorserKind
  checked: string
  statement: string
  id?: string
  validDays: string
  out?: string
  json?: boolean
}

/**
 * `accord endorse PASSPORT --key ENDORSER_KEY ...`: countersigns one passport (its issuer-signed
 * JWT, by SHA-256) and writes the endorsement token. Verifiers take it with
 * `accord verify PASSPORT --endorsement FILE` (see docs/revocation.md).
 */
export function registerEndorse(program: Command, ctx: Ctx): void {
  program
    .command('endorse')
    .description('countersign a passport as a third party: what you checked, under your key')
    .argument('<passport>', 'passport file (SD-JWT) to endorse; verify it first')
    .requiredOption('--key <file>', "the endorser's private key file")
    .requiredOption('--name <name>', 'endorser name, e.g. "Example Notified Body GmbH"')
    .addOption(
      new Option('--kind <kind>', 'who endorses')
        .choices([...ENDORSER_KINDS])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--checked <list>',
      'comma-separated list of what was checked, e.g. eu-ai-act:art-15,artifacts',
    )
    .requiredOption('--statement <text>', 'what the endorsement says')
    .option('--id <id>', "endorser identifier (default: the key's JWK thumbprint URI, RFC 9278)")
    .option('--valid-days <n>', 'validity in days', '365')
    .option('--out <file>', 'where to write the endorsement (default: next to the passport)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: EndorseOptions) => {
      const validForDays = Number(opts.validDays)
      if (!/^\d+$/.test(opts.validDays) || validForDays < 1 || validForDays > 3660)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--valid-days "${opts.validDays}" must be a whole number of days from 1 to 3660`,
        })
      const checked = opts.checked
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const badItem = checked.find((c) => !/^[a-z0-9][a-z0-9:._/-]{0,127}$/i.test(c))
      if (checked.length === 0 || badItem !== undefined)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message:
            badItem === undefined
              ? '--checked must name at least one thing that was checked'
              : `--checked item "${badItem}" must be a short id like eu-ai-act:art-15 or artifacts`,
        })
      assertCatalogued(checked, await loadCatalogSet())
      for (const [flag, value] of [
        ['--name', opts.name],
        ['--statement', opts.statement],
      ] as const)
        if (value.trim() === '')
          throw new ConfigError({
            code: 'ERR_CONFIG_BAD_ARGS',
            message: `${flag} must not be empty`,
          })

      const { jti, iss, subjectId, digest } = await readPassportBinding(passportPath)

      const signer = await fileSigner(opts.key)
      const claims = buildEndorsementClaims({
        passportDigest: digest,
        passportJti: jti,
        passportIssuer: iss,
        subjectId,
        endorser: {
          id: opts.id ?? `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${signer.kid}`,
          name: opts.name.trim(),
          kind: opts.kind,
        },
        checked,
        statement: opts.statement.trim(),
        issuedAt: ctx.io.nowSeconds(),
        validForDays,
        id: `urn:uuid:${randomUUID()}`,
      })
      const token = await signEndorsement(claims, signer)
      const out =
        opts.out ??
        path.join(
          path.dirname(passportPath),
          `${path.basename(passportPath).replace(/\.[^.]*$/, '')}.endorsement.${signer.kid.slice(0, 8)}.sd-jwt`,
        )
      await writeFileAtomic(out, token + '\n')
      const result = {
        endorsement: out,
        passport: jti,
        endorser: claims.credentialSubject.endorser,
        kid: signer.kid,
        checked: claims.credentialSubject.checked,
        validUntil: claims.validUntil,
      }
      if (opts.json) printJson(ctx.io, result)
      else
        ctx.io.out(
          `endorsed ${jti} as ${result.endorser.name} (${result.endorser.kind}, key ${signer.kid})\n` +
            `checked: ${result.checked.join(', ')}\n` +
            `wrote ${out} (valid until ${claims.validUntil})\n` +
            `verifiers: accord verify PASSPORT --endorsement ${out}\n`,
        )
    })
}

/**
 * Throws for a `--checked` item that names a catalogued framework (`eu-ai-act:...`) but no node
 * of it: a typo such as `eu-ai-act:art-15.6` would otherwise be signed into the endorsement, and a
 * buyer would read it as checked. Items of other forms (`artifacts`, a URL) are the endorser's own
 * words and are kept as they are.
 */
function assertCatalogued(checked: readonly string[], catalogs: CatalogSet): void {
  for (const item of checked) {
    const framework = item.slice(0, item.indexOf(':')).toLowerCase()
    if (!catalogs.catalogs.has(framework) || resolveRef(catalogs, item) !== undefined) continue
    const suggestions = suggestRefs(catalogs, item)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message:
        `--checked item "${item}" names nothing in the ${framework} catalog` +
        (suggestions.length > 0
          ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : `; \`accord catalog ${framework}\` lists its ids`),
    })
  }
}
