import { createHash, randomUUID } from 'node:crypto'
import path from 'node:path'
import type { Command } from 'commander'
import { ConfigError, EXIT } from '../../core/errors.js'
import {
  buildEvaluationClaims,
  evaluationLine,
  metricLine,
  signEvaluationResult,
  verifyEvaluationResult,
  type EvaluationResultResult,
} from '../../core/evaluation/result.js'
import type { Evaluation } from '../../core/evaluation/schema.js'
import { readEvaluationFile, readResultFile } from '../../node/evaluation.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { fileSigner, loadPublicKeys } from '../../node/keys.js'
import { readPassportBinding, readPassportFile } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'

interface ReportOptions {
  file: string
  key: string
  out?: string
  json?: boolean
}

interface ShowOptions {
  passport?: string
  jwk?: string
  json?: boolean
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

/**
 * `accord evaluation`: evaluation results about one passport's AI system, signed by whoever ran
 * the evaluation, like incident reports (see docs/evaluations.md).
 */
export function registerEvaluation(program: Command, ctx: Ctx): void {
  const evaluation = program
    .command('evaluation')
    .description('evaluation results (metrics against thresholds): write, show, publish, list')

  evaluation
    .command('report')
    .description('sign an evaluation result about a passport from an evaluation file')
    .argument('<passport>', 'passport file (SD-JWT) of the AI system that was evaluated')
    .requiredOption('--file <file>', 'the evaluation, as YAML or JSON (docs/evaluations.md)')
    .requiredOption('--key <file>', "the evaluator's private key file")
    .option('--out <file>', 'where to write the result (default: next to the passport)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: ReportOptions) => {
      const { passport, jti, iss, subjectId, digest } = await readPassportBinding(passportPath)
      const signer = await fileSigner(opts.key)
      const { evaluation: described, warnings } = await readEvaluationFile(opts.file, {
        evaluatorId: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${signer.kid}`,
        nowSeconds: ctx.io.nowSeconds(),
        passportClaims: passport.claims,
      })
      for (const w of warnings)
        ctx.io.err(
          `warning: ${w.file ?? opts.file}:${w.line ?? 1}:${w.column ?? 1}: ${w.message}\n`,
        )
      const id = `urn:uuid:${randomUUID()}`
      const claims = buildEvaluationClaims({
        passportDigest: digest,
        passportJti: jti,
        passportIssuer: iss,
        subjectId,
        evaluation: described,
        issuedAt: ctx.io.nowSeconds(),
        id,
      })
      const token = await signEvaluationResult(claims, signer)
      const out =
        opts.out ??
        path.join(
          path.dirname(passportPath),
          `${path.basename(passportPath).replace(/\.[^.]*$/, '')}.evaluation.${id.slice(9, 17)}.sd-jwt`,
        )
      await writeFileAtomic(out, token + '\n')
      if (opts.json)
        printJson(ctx.io, {
          result: out,
          id,
          passport: jti,
          kid: signer.kid,
          evaluation: described,
        })
      else
        ctx.io.out(
          `wrote ${out}: ${evaluationLine(described)}\n` +
            metricLines(described).join('\n') +
            '\n' +
            `share it: accord evaluation publish ${out} --registry URL --key ${opts.key}\n`,
        )
    })

  evaluation
    .command('show')
    .description('print an evaluation result and (given the keys) whether it verifies')
    .argument('<result>', 'evaluation result file (the .sd-jwt `accord evaluation report` wrote)')
    .option('--passport <file>', 'the passport the result must be about (with --jwk: verify)')
    .option('--jwk <file>', "the evaluator's public key file (with --passport: verify)")
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (resultPath: string, opts: ShowOptions) => {
      if ((opts.passport === undefined) !== (opts.jwk === undefined))
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message:
            'give both --passport and --jwk to verify the result (the passport it is about and the evaluator public key), or neither to only show it',
        })
      const result = await readResultFile(resultPath)
      let verification: EvaluationResultResult | undefined
      if (opts.passport !== undefined && opts.jwk !== undefined) {
        const passport = await readPassportFile(opts.passport)
        verification = await verifyEvaluationResult(result.token, {
          passportIssuerJwt: passport.issuerJwt,
          evaluatorKeys: await loadPublicKeys(opts.jwk),
          nowSeconds: ctx.io.nowSeconds(),
          sha256: sha256Hex,
        })
      }
      // A result that verifies is shown from its verified claims; otherwise as decoded.
      const claims = verification?.claims ?? result.claims
      const cs = claims.credentialSubject
      if (verification !== undefined && !verification.valid) ctx.setExit(EXIT.verificationFailed)
      if (opts.json) {
        printJson(ctx.io, {
          result: resultPath,
          id: claims.jti,
          kid: result.kid,
          issuedAt: claims.validFrom,
          passport: cs.passport,
          evaluation: cs.evaluation,
          verification:
            verification === undefined
              ? { checked: false }
              : {
                  checked: true,
                  valid: verification.valid,
                  reason: verification.reason,
                  message: verification.message,
                },
        })
        return
      }
      const e = cs.evaluation
      const lines = [
        evaluationLine(e),
        `passport: ${cs.passport.jti} (issuer ${cs.passport.issuer})`,
        `signed: ${claims.validFrom} with key ${result.kid}`,
        ...e.artifacts.map((a) => `artifact: ${a.path ?? '(no path)'} sha256 ${a.sha256}`),
        `method: ${e.method.kind}, ${e.method.name} ${e.method.version}${e.method.dataset !== undefined ? `; dataset ${e.method.dataset.name}${e.method.dataset.sha256 !== undefined ? ` (sha256 ${e.method.dataset.sha256})` : ''}` : ''}`,
        ...(e.method.standards ?? []).map((s) => `standard: ${s}`),
        `summary: ${e.summary}`,
        ...metricLines(e),
        ...(e.reports ?? []).map(
          (r) => `report: ${r.title} (sha256 ${r.sha256})${r.url !== undefined ? ` ${r.url}` : ''}`,
        ),
        verification === undefined
          ? 'signature: not checked (give --passport and --jwk to verify)'
          : verification.valid
            ? `verified: signed by key ${verification.kid}, about this passport and its artifacts`
            : `NOT VERIFIED (${verification.reason}): ${verification.message}`,
      ]
      ctx.io.out(lines.join('\n') + '\n')
    })
}

function metricLines(e: Evaluation): string[] {
  return e.metrics.map((m) => `  ${metricLine(m)}`)
}
