import { Option, type Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import { buildJwks, jwkThumbprint, type PublicJwk } from '../../core/passport/jwk.js'
import { ALLOWED_ALGS, type AllowedAlg } from '../../core/passport/types.js'
import { generateKeyPair, loadKeyFileAsPublic, writeKeyPair } from '../../node/keys.js'
import { printJson, type Ctx } from '../common.js'

interface GenerateOptions {
  out: string
  name: string
  alg: AllowedAlg
  force?: boolean
  json?: boolean
}

interface ExportOptions {
  key: string[]
  jwks?: boolean
  json?: boolean
}

interface ThumbprintOptions {
  key: string[]
  json?: boolean
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function requireKeys(files: string[]): void {
  if (files.length === 0) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: 'give at least one --key FILE (a private or public JWK, or a JWK Set)',
    })
  }
}

async function publicKeysOf(files: string[]): Promise<PublicJwk[]> {
  const keys: PublicJwk[] = []
  for (const f of files) keys.push(...(await loadKeyFileAsPublic(f)))
  return keys
}

/** `accord keys generate | export | thumbprint`. Never prints private key material. */
export function registerKeys(program: Command, ctx: Ctx): void {
  const keys = program
    .command('keys')
    .description('create and publish passport signing keys (Ed25519 or P-256 JWK files)')

  keys
    .command('generate')
    .description('generate a signing key pair: <name>.private.jwk.json (0600) and .public.jwk.json')
    .requiredOption('--out <dir>', 'directory for the key files (created with mode 0700)')
    .option('--name <name>', 'file name prefix', 'issuer')
    .addOption(
      new Option('--alg <alg>', 'signature algorithm')
        .choices([...ALLOWED_ALGS])
        .default('EdDSA' satisfies AllowedAlg),
    )
    .option('--force', 'replace existing key files (the old private key is lost)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: GenerateOptions) => {
      const pair = await generateKeyPair({ alg: opts.alg })
      const files = await writeKeyPair(opts.out, opts.name, pair, { force: opts.force })
      const result = { kid: pair.kid, alg: pair.alg, ...files }
      if (opts.json) return printJson(ctx.io, result)
      ctx.io.out(
        `generated ${pair.alg} key ${pair.kid}\n` +
          `  private: ${files.privatePath} (mode 0600; keep it secret, never commit it)\n` +
          `  public:  ${files.publicPath}\n` +
          `publish the public key to buyers with: accord keys export --key ${files.publicPath} --jwks\n`,
      )
    })

  keys
    .command('export')
    .description('print the public JWK of a key file, or a JWK Set (--jwks) of one or more keys')
    .option('--key <file>', 'private or public key file, or JWK Set (repeatable)', collect, [])
    .option('--jwks', 'print a JWK Set ({"keys": [...]}) even for one key')
    .option('--json', 'print machine-readable JSON on stdout (the output is always JSON)')
    .action(async (opts: ExportOptions) => {
      requireKeys(opts.key)
      const jwks = buildJwks(await publicKeysOf(opts.key))
      const single = jwks.keys.length === 1 && !opts.jwks
      printJson(ctx.io, single ? jwks.keys[0] : jwks)
    })

  keys
    .command('thumbprint')
    .description('print the RFC 7638 thumbprint (the kid) of each key')
    .option('--key <file>', 'private or public key file, or JWK Set (repeatable)', collect, [])
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: ThumbprintOptions) => {
      requireKeys(opts.key)
      const list = []
      for (const k of await publicKeysOf(opts.key)) {
        list.push({ kid: k.kid, thumbprint: await jwkThumbprint(k), alg: k.alg })
      }
      if (opts.json) return printJson(ctx.io, list)
      for (const k of list) {
        ctx.io.out(
          k.kid === k.thumbprint ? `${k.thumbprint}\n` : `${k.thumbprint} (kid "${k.kid}")\n`,
        )
      }
    })
}
