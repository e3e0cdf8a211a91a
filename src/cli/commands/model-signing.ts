/**
 * `accord model-signing verify` and `accord model-signing export`: interoperability with OpenSSF
 * model signing (sigstore/model-transparency). Verify a key-signed `model.sig` and optionally the
 * model directory; export Accord's artifact digests as the same in-toto statement, unsigned.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { AccordError, ConfigError, EXIT, PassportError } from '../../core/errors.js'
import { exportInToto } from '../../core/passport/model-signing.js'
import { hashModelDir, verifyModelSignature } from '../../node/model-signing.js'
import { sha256 } from '../../node/sha256.js'
import { printJson, type Ctx } from '../common.js'

interface VerifyOptions {
  signature: string
  publicKey: string
  model?: string
  ignorePaths?: string[]
  json?: boolean
}

interface ExportOptions {
  artifacts: string
  name?: string
  ignorePaths?: string[]
  json?: boolean
}

/** A model.sig lists one resource per file; 64 MiB leaves room for hundreds of thousands. */
const MAX_SIGNATURE_BYTES = 64 * 1024 * 1024

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

export function registerModelSigning(program: Command, ctx: Ctx): void {
  const cmd = program
    .command('model-signing')
    .description('verify and export OpenSSF model signatures (sigstore model-transparency)')

  cmd
    .command('verify')
    .description('verify a key-signed model.sig, and with --model that the directory matches it')
    .requiredOption('--signature <file>', 'the model signature (Sigstore bundle, model.sig)')
    .requiredOption('--public-key <file>', 'PEM public key (ECDSA P-256/P-384/P-521 or Ed25519)')
    .option('--model <dir>', 'model directory to check against the signed file digests')
    .option(
      '--ignore-paths <path>',
      'also ignore this path in the model directory (repeatable)',
      collect,
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: VerifyOptions) => {
      const signatureText = await readText(opts.signature, '--signature', MAX_SIGNATURE_BYTES)
      const keyText = await readText(opts.publicKey, '--public-key', 1024 * 1024)
      const ignorePaths = [...(opts.ignorePaths ?? [])]
      if (opts.model !== undefined) {
        // As upstream does, the signature file itself is never part of the model.
        const rel = path.relative(path.resolve(opts.model), path.resolve(opts.signature))
        if (rel && !rel.startsWith('..') && !path.isAbsolute(rel))
          ignorePaths.push(rel.split(path.sep).join('/'))
      }
      let result
      try {
        result = await verifyModelSignature(signatureText, keyText, {
          ...(opts.model === undefined ? {} : { modelDir: opts.model }),
          ignorePaths,
        })
      } catch (cause) {
        if (cause instanceof PassportError) throw cause
        throw new ConfigError({
          code: 'ERR_CONFIG_FILE_NOT_FOUND',
          message: `--model "${opts.model}" cannot be read as a directory (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
          cause,
        })
      }
      // A signature that does not even parse is invalid input (exit 3), as docs/errors.md says for
      // ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED; exit 4 is for a signature that parsed and failed.
      if (result.malformed)
        throw new PassportError({
          code: result.malformed.code,
          message: `--signature "${opts.signature}": ${result.malformed.message}`,
          issues: result.malformed.issues,
          cause: result.malformed,
        })
      if (opts.json) {
        printJson(ctx.io, {
          ok: result.ok,
          keyAlgorithm: result.keyAlgorithm,
          checks: result.checks,
          ...(result.signature
            ? {
                subject: result.signature.subject,
                resources: result.signature.resources,
                serialization: result.signature.serialization,
              }
            : {}),
          ...(result.files ? { files: result.files } : {}),
        })
      } else {
        const lines = result.checks.map(
          (c) =>
            `${c.outcome === 'pass' ? 'ok  ' : c.outcome === 'skipped' ? 'skip' : 'FAIL'}  ${c.check}: ${c.message}`,
        )
        if (result.ok && result.signature)
          lines.push(
            `verified: model "${result.signature.subject.name}" sha256 ${result.signature.subject.digest.sha256}`,
          )
        else if (!result.ok) lines.push('verification FAILED')
        ctx.io.out(lines.join('\n') + '\n')
      }
      ctx.setExit(result.ok ? EXIT.ok : EXIT.verificationFailed)
    })

  cmd
    .command('export')
    .description(
      'hash a model directory and print its model-signing v1.0 in-toto statement (unsigned)',
    )
    .requiredOption('--artifacts <dir>', 'model directory to hash')
    .option('--name <name>', 'subject name (default: the directory name, as upstream uses)')
    .option('--ignore-paths <path>', 'leave this path out (repeatable)', collect)
    .option('--json', 'machine-readable errors (the statement is JSON either way)')
    .action(async (opts: ExportOptions) => {
      let artifacts
      try {
        artifacts = await hashModelDir(opts.artifacts, opts.ignorePaths ?? [])
      } catch (cause) {
        if (cause instanceof AccordError) throw cause
        throw new ConfigError({
          code: 'ERR_CONFIG_FILE_NOT_FOUND',
          message: `--artifacts "${opts.artifacts}" cannot be read as a directory (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
          cause,
        })
      }
      const name = opts.name ?? path.basename(path.resolve(opts.artifacts))
      printJson(ctx.io, exportInToto(artifacts, name, sha256))
    })
}

async function readText(file: string, option: string, maxBytes: number): Promise<string> {
  try {
    const bytes = await readFile(file)
    if (bytes.length > maxBytes)
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `${option} "${file}" is larger than ${maxBytes} bytes`,
      })
    return bytes.toString('utf8')
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `${option} "${file}" cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    })
  }
}
