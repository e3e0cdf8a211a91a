import { randomUUID } from 'node:crypto'
import type { Command } from 'commander'
import { z } from 'zod'
import { StoreError } from '../../core/errors.js'
import {
  buildEvaluationClaims,
  decodeEvaluationResult,
  evaluationLine,
  metricLine,
  signEvaluationResult,
  verifyEvaluationResult,
} from '../../core/evaluation/result.js'
import { Evaluation } from '../../core/evaluation/schema.js'
import { evaluationEntryFromToken } from '../../core/tlog/entry.js'
import { sha256 } from '../../node/sha256.js'
import { readEvaluationFile, readResultFile } from '../../node/evaluation.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { fileSigner } from '../../node/keys.js'
import { readPassportBinding } from '../../node/status-store.js'
import { fetchPassportEvaluations } from '../../node/tlog/http.js'
import { printJson, type Ctx } from '../common.js'
import {
  confirmListed,
  firstDisagreement,
  listedStatement,
  logPinOption,
  logVerifiedText,
  logVerifiedView,
  withLogKeyOption,
  type ListedStatement,
} from '../log-pin.js'
import { itemsOf, postEvaluationResult, registryUrl } from '../registry-client.js'
import { feedQuery, printFeed, withFeedOptions, type FeedOptions } from '../registry-feed.js'
import {
  besidePassport,
  checkPublishKeyArgs,
  printWarnings,
  type PublishOptions,
  type ShowOptions,
  checkVerifyArgs,
  withPublishOptions,
  publishStatement,
  withShowOptions,
  sha256Hex,
  verificationView,
  verifyIfGiven,
  type StatementNames,
} from '../statement.js'

interface ReportOptions {
  file: string
  key: string
  out?: string
  json?: boolean
}

const RESULT: StatementNames = { noun: 'result', signer: 'evaluator' }

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
      printWarnings(ctx, warnings, opts.file)
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
      const out = opts.out ?? besidePassport(passportPath, `evaluation.${id.slice(9, 17)}`)
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

  const show = evaluation
    .command('show')
    .description('print an evaluation result and (given the keys) whether it verifies')
    .argument('<result>', 'evaluation result file (the .sd-jwt `accord evaluation report` wrote)')
  withShowOptions(show, RESULT).action(async (resultPath: string, opts: ShowOptions) => {
    checkVerifyArgs(opts, RESULT)
    const result = await readResultFile(resultPath)
    const verification = await verifyIfGiven(opts, RESULT, ctx, (passportIssuerJwt, keys) =>
      verifyEvaluationResult(result.token, {
        passportIssuerJwt,
        evaluatorKeys: keys,
        nowSeconds: ctx.io.nowSeconds(),
        sha256: sha256Hex,
      }),
    )
    // A result that verifies is shown from its verified claims; otherwise as decoded.
    const claims = verification?.claims ?? result.claims
    const cs = claims.credentialSubject
    if (opts.json) {
      printJson(ctx.io, {
        result: resultPath,
        id: claims.jti,
        kid: result.kid,
        issuedAt: claims.validFrom,
        passport: cs.passport,
        evaluation: cs.evaluation,
        verification: verificationView(verification),
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

  registerRegistryCommands(evaluation, ctx)
}

/** A result as the registry lists it (untrusted: checked, then only printed). */
const ListedResult = z.looseObject({
  id: z.string(),
  method: z.string(),
  performedAt: z.string(),
  metrics: z.number().int(),
  thresholds: z.number().int(),
  thresholdsMet: z.number().int(),
  evaluatorKid: z.string(),
  publishedAt: z.string(),
  logIndex: z.number().int().nullable(),
  evaluation: Evaluation.nullable(),
  /** The result itself: with --log-key, what is listed is checked against it and the log. */
  token: z.string().optional(),
})
type ListedResult = z.infer<typeof ListedResult>

/**
 * A listed result, for the check against the pinned log: its entry recomputed from its token, and
 * whether what is listed of it is what the token says. (`method`, `performedAt` and the counts
 * are printed only when `evaluation` is null, which a result whose token decodes never lists.)
 */
function resultStatement(r: ListedResult): ListedStatement {
  return listedStatement(
    r,
    `evaluation result ${r.id}`,
    decodeEvaluationResult,
    (token) => evaluationEntryFromToken(token, sha256),
    ({ claims, kid }) =>
      firstDisagreement(r, {
        id: claims.jti,
        passportId: claims.credentialSubject.passport.jti,
        evaluatorKid: kid,
        evaluation: claims.credentialSubject.evaluation,
      }),
  )
}

/** A result as the registry-wide feed lists it: with the passport it is about. */
const FeedResult = ListedResult.extend({ passportId: z.string() })

function registerRegistryCommands(evaluation: Command, ctx: Ctx): void {
  const publish = evaluation
    .command('publish')
    .description('publish an evaluation result to a registry, where partners see it')
    .argument('<result>', 'evaluation result file (the .sd-jwt `accord evaluation report` wrote)')
  withPublishOptions(publish, RESULT).action(async (resultPath: string, opts: PublishOptions) => {
    checkPublishKeyArgs(opts, RESULT.signer)
    registryUrl(opts.registry)
    const result = await readResultFile(resultPath)
    const cs = result.claims.credentialSubject
    const { answer, logVerified } = await publishStatement(ctx, opts, {
      file: resultPath,
      token: result.token,
      kid: result.kid,
      passportId: cs.passport.jti,
      what: 'evaluation result',
      refusal: { code: 'ERR_PASSPORT_EVALUATION_REJECTED', what: 'evaluation result' },
      post: postEvaluationResult,
      entryOf: (token) => evaluationEntryFromToken(token, sha256),
    })
    if (opts.json)
      printJson(ctx.io, {
        result: resultPath,
        id: answer.id,
        passport: cs.passport.jti,
        registry: opts.registry,
        logIndex: answer.logIndex,
        ...logVerifiedView(logVerified),
      })
    else
      ctx.io.out(
        `published evaluation result ${answer.id} (passport ${cs.passport.jti}) to ${opts.registry}: log index ${answer.logIndex}\n` +
          logVerifiedText(logVerified) +
          `partners: accord evaluation list --registry ${opts.registry} --passport ${cs.passport.jti}\n`,
      )
  })

  const list = evaluation
    .command('list')
    .description("list a registry's evaluation results: of one passport, or of every passport")
    .requiredOption('--registry <url>', 'base URL of the registry, e.g. http://127.0.0.1:8080')
    .option('--passport <id>', "one passport's results, metric by metric")
  withLogKeyOption(withFeedOptions(list, 'results'))
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: ListOptions) => {
      registryUrl(opts.registry)
      const query = feedQuery(opts)
      const logPin = await logPinOption(opts, ctx)
      if (opts.passport === undefined)
        return printFeed(ctx, opts, query, {
          feed: 'evaluations',
          item: FeedResult,
          what: 'evaluation results',
          command: 'evaluation list',
          line: (r) =>
            `${r.logIndex} ${r.publishedAt} passport ${r.passportId}: ${resultLine(r)}, result ${r.id}`,
          ...(logPin ? { pin: { log: logPin, statement: resultStatement } } : {}),
        })
      const body = await fetchPassportEvaluations(opts.registry, opts.passport)
      if (body === null)
        throw new StoreError({
          code: 'ERR_STORE_NOT_FOUND',
          message: `passport ${opts.passport} is not in the registry at ${opts.registry}`,
        })
      const items = itemsOf(body, ListedResult, 'evaluation results')
      const logVerified =
        logPin === undefined
          ? undefined
          : await confirmListed(opts.registry, logPin, items.map(resultStatement))
      if (opts.json)
        return printJson(ctx.io, {
          passport: opts.passport,
          items,
          ...logVerifiedView(logVerified),
        })
      if (items.length === 0)
        return ctx.io.out(
          `no evaluation results published to this registry for passport ${opts.passport}\n` +
            logVerifiedText(logVerified),
        )
      const lines: string[] = []
      for (const r of items) {
        lines.push(resultLine(r))
        lines.push(
          `  result ${r.id}, key ${r.evaluatorKid}, published ${r.publishedAt}, log index ${r.logIndex ?? '-'}`,
        )
        if (r.evaluation !== null) lines.push(...metricLines(r.evaluation).map((l) => `  ${l}`))
      }
      ctx.io.out(lines.join('\n') + '\n' + logVerifiedText(logVerified))
    })
}

interface ListOptions extends FeedOptions {
  passport?: string
}

/** A listed result in one line: from its evaluation, or from the registry's counts without one. */
function resultLine(r: ListedResult): string {
  return r.evaluation !== null
    ? evaluationLine(r.evaluation)
    : `${r.method}, ${r.performedAt}: ${r.metrics} metrics, ${r.thresholdsMet} of ${r.thresholds} thresholds met`
}

function metricLines(e: Evaluation): string[] {
  return e.metrics.map((m) => `  ${metricLine(m)}`)
}
