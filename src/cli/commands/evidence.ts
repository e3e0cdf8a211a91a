/**
 * `accord evidence prove` and `accord evidence check`: disclose one evidence item with its RFC 9162
 * inclusion proof, and check a disclosed item against a passport's evidence commitment
 * (docs/evidence-commitment.md).
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { ConfigError, EXIT, EvidenceError } from '../../core/errors.js'
import {
  EvidenceInclusionProofSchema,
  checkEvidenceItem,
  evidenceInclusionProof,
  type EvidenceInclusionProof,
} from '../../core/passport/evidence-commitment.js'
import { hashEvidence } from '../../node/evidence.js'
import { sha256File } from '../../node/hash.js'
import { loadManifest } from '../../node/manifest-loader.js'
import { sha256 } from '../../node/sha256.js'
import { printJson, progress, type Ctx } from '../common.js'

interface ProveOptions {
  id: string
  json?: boolean
}

interface CheckOptions {
  root: string
  count: string
  item: string
  file?: string
  json?: boolean
}

/** Largest proof file read; a real one is a few kilobytes. */
const MAX_PROOF_BYTES = 1024 * 1024

export function registerEvidence(program: Command, ctx: Ctx): void {
  const evidence = program
    .command('evidence')
    .description("disclose one evidence item and check it against a passport's evidence root")

  evidence
    .command('prove')
    .description('hash the evidence and print one item with its Merkle inclusion proof')
    .argument('<manifest>', 'system manifest (accord.yaml)')
    .requiredOption('--id <id>', 'id of the evidence item to disclose')
    .option('--json', 'print the proof as JSON (the file `evidence check --item` reads)')
    .action(async (manifestPath: string, opts: ProveOptions) => {
      const { manifest, dir, file, text } = await loadManifest(manifestPath)
      const bar = progress(ctx.io, 'hashing evidence', !opts.json)
      const items = await hashEvidence(manifest, dir, {
        onProgress: bar.update,
        source: { file, text },
      })
      const proof = evidenceInclusionProof(items, opts.id, sha256)
      if (!proof) {
        const known = items.map((i) => i.id)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--id "${opts.id}": the manifest has no evidence item with that id (it has: ${known.join(', ') || 'none'})`,
        })
      }
      if (opts.json) printJson(ctx.io, proof)
      else ctx.io.out(renderProof(proof))
    })

  evidence
    .command('check')
    .description("check a disclosed evidence item against a passport's evidence root and count")
    .requiredOption('--root <hex>', "the passport's credentialSubject.evidence.merkleRoot")
    .requiredOption('--count <n>', "the passport's credentialSubject.evidence.count")
    .requiredOption('--item <file>', 'proof file written by `accord evidence prove --json`')
    .option('--file <path>', 'the disclosed evidence file: also check that its SHA-256 matches')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CheckOptions) => {
      if (!/^[0-9a-fA-F]{64}$/.test(opts.root))
        throw badArgs(`--root "${opts.root}" is not a SHA-256 in hex (64 hex digits)`)
      if (!/^[1-9][0-9]{0,15}$/.test(opts.count) || !Number.isSafeInteger(Number(opts.count)))
        throw badArgs(`--count "${opts.count}" is not a whole number of at least 1`)
      const count = Number(opts.count)
      const disclosed = await readProofFile(opts.item)
      const result = checkEvidenceItem(
        disclosed.item,
        disclosed.leafIndex,
        count,
        disclosed.proof,
        opts.root,
        sha256,
      )
      let file: { path: string; sha256: string; matches: boolean } | undefined
      if (opts.file !== undefined) {
        const digest = await sha256File(opts.file).catch((cause: unknown) => {
          throw new ConfigError({
            code: 'ERR_CONFIG_FILE_NOT_FOUND',
            message: `--file "${opts.file}" cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
            cause,
          })
        })
        file = {
          path: opts.file,
          sha256: digest.sha256,
          matches: digest.sha256 === disclosed.item.sha256,
        }
      }
      const ok = result.ok && (file === undefined || file.matches)
      if (opts.json) {
        printJson(ctx.io, {
          ok,
          item: disclosed.item,
          leafIndex: disclosed.leafIndex,
          count,
          merkleRoot: opts.root.toLowerCase(),
          inclusion: result.ok ? { ok: true } : result,
          ...(file ? { file } : {}),
        })
      } else {
        const lines = [
          result.ok
            ? `ok: evidence "${disclosed.item.id}" (${disclosed.item.type}) is leaf ${disclosed.leafIndex} of the ${count} committed items`
            : `FAILED: evidence "${disclosed.item.id}" is not in the commitment: ${result.message} [${result.reason}]`,
        ]
        if (file)
          lines.push(
            file.matches
              ? `ok: ${file.path} has the committed SHA-256 ${file.sha256}`
              : `FAILED: ${file.path} has SHA-256 ${file.sha256}, the disclosed item commits to ${disclosed.item.sha256}`,
          )
        ctx.io.out(lines.join('\n') + '\n')
      }
      ctx.setExit(ok ? EXIT.ok : EXIT.verificationFailed)
    })
}

function badArgs(message: string): ConfigError {
  return new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message })
}

async function readProofFile(file: string): Promise<EvidenceInclusionProof> {
  let text: string
  try {
    const bytes = await readFile(file)
    if (bytes.length > MAX_PROOF_BYTES) throw invalidProof(file, 'the file is larger than 1 MiB')
    text = bytes.toString('utf8')
  } catch (cause) {
    if (cause instanceof EvidenceError) throw cause
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `--item "${file}" cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw invalidProof(file, `not JSON (${(cause as Error).message})`, cause)
  }
  const parsed = EvidenceInclusionProofSchema.safeParse(json)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new EvidenceError({
      code: 'ERR_EVIDENCE_PROOF_INVALID',
      message: `${file}: not an evidence inclusion proof (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})`,
      issues: parsed.error.issues.map((i) => ({
        code: i.code,
        path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: i.message,
        file,
      })),
    })
  }
  return parsed.data
}

function invalidProof(file: string, why: string, cause?: unknown): EvidenceError {
  return new EvidenceError({
    code: 'ERR_EVIDENCE_PROOF_INVALID',
    message: `${file}: ${why}`,
    ...(cause === undefined ? {} : { cause }),
  })
}

function renderProof(p: EvidenceInclusionProof): string {
  const lines = [
    `evidence   ${p.item.id} (${p.item.type})`,
    `sha256     ${p.item.sha256}`,
    `leaf       ${p.leafIndex} of ${p.count} (${p.leafEncoding})`,
    `root       ${p.merkleRoot}`,
    `proof      ${p.proof.length} hash${p.proof.length === 1 ? '' : 'es'}`,
    ...p.proof.map((h, i) => `  ${String(i).padStart(2)}  ${h}`),
    '',
    'Save it with --json and hand it over with the file; the recipient checks it with',
    `  accord evidence check --root <passport evidence.merkleRoot> --count <evidence.count> --item <proof.json> --file <evidence file>`,
  ]
  return lines.join('\n') + '\n'
}
