import type { Command } from 'commander'
import { ConfigError, EXIT } from '../../core/errors.js'
import { disclosablePaths, presentPassport } from '../../core/passport/present.js'
import { fileSigner } from '../../node/keys.js'
import { readPassportFile } from '../../node/status-store.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { hasher } from '../../node/passport.js'
import { printJson, type Ctx } from '../common.js'

interface PresentOptions {
  disclose: string[]
  holderKey?: string
  audience?: string
  nonce?: string
  out?: string
  list?: boolean
  json?: boolean
}

const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
]

export function registerPresent(program: Command, ctx: Ctx): void {
  program
    .command('present')
    .description('make a presentation of a passport that discloses only the chosen claims')
    .argument('<passport>', 'issued passport (.sd-jwt)')
    .option(
      '-d, --disclose <paths>',
      'claims to disclose, comma-separated or repeated: classification.eu-ai-act, obligations.nist-ai-rmf, evidence:<id>, evidence.items.<n>, or all',
      collect,
      [],
    )
    .option('--list', 'list what can be disclosed and exit')
    .option(
      '--holder-key <file>',
      "holder's private JWK for key binding (its public key is the passport's cnf)",
    )
    .option('--audience <aud>', 'the buyer this presentation is for (key binding aud)')
    .option('--nonce <nonce>', "the buyer's challenge (key binding nonce)")
    .option('-o, --out <file>', 'write the presentation to this file instead of stdout')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: PresentOptions) => {
      const file = await readPassportFile(passportPath)
      const available = disclosablePaths(file.sdJwt, hasher)
      if (opts.list) {
        if (opts.json)
          printJson(ctx.io, { paths: available.paths, evidence: [...available.evidenceIds.keys()] })
        else {
          // Each evidence item with the id `--disclose evidence:<id>` takes.
          const idAt = new Map([...available.evidenceIds].map(([id, i]) => [i, id]))
          for (const p of available.paths) {
            const m = /^evidence\.items\.(\d+)$/.exec(p)
            const id = m ? idAt.get(Number(m[1])) : undefined
            ctx.io.out(id === undefined ? `${p}\n` : `${p}  (evidence:${id})\n`)
          }
        }
        return
      }
      const disclose = opts.disclose.includes('all') ? available.paths : opts.disclose
      if (disclose.length === 0)
        ctx.io.err(
          'warning: no claim disclosed: the presentation shows only what is never selectively disclosable (issuer, validity, system, provider, artifacts, assurance commitments, evidence root); pass --disclose PATHS or --disclose all (--list shows the paths)\n',
        )
      const keyBinding = opts.holderKey
        ? {
            signer: await fileSigner(opts.holderKey),
            audience: required(opts.audience, '--audience'),
            nonce: required(opts.nonce, '--nonce'),
            issuedAt: ctx.io.nowSeconds(),
          }
        : undefined
      const presentation = await presentPassport(file.sdJwt, {
        disclose,
        hasher,
        ...(keyBinding ? { keyBinding } : {}),
      })
      if (opts.out) await writeFileAtomic(opts.out, presentation + '\n')
      if (opts.json)
        printJson(ctx.io, {
          presentation,
          disclosed: disclose,
          keyBinding: Boolean(keyBinding),
          ...(opts.out ? { file: opts.out } : {}),
        })
      else if (opts.out)
        ctx.io.out(`wrote presentation disclosing ${disclose.length} claim(s) to ${opts.out}\n`)
      else ctx.io.out(presentation + '\n')
      ctx.setExit(EXIT.ok)
    })
}

function required(value: string | undefined, flag: string): string {
  if (!value)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${flag} is required with --holder-key`,
    })
  return value
}
