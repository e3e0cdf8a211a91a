import path from 'node:path'
import type { Command } from 'commander'
import { AccordError, ConfigError, EXIT } from '../../core/errors.js'
import type { EuAiActClassification } from '../../core/classify/types.js'
import { issueFromManifest } from '../../node/passport.js'
import { loadPublicKeys } from '../../node/keys.js'
import { assertWritableFile, writeFileAtomic } from '../../node/fs-safe.js'
import { printJson, progress, resolveAsOf, type Ctx, warnOnStderr } from '../common.js'

interface IssueOptions {
  key?: string
  out?: string
  asOf?: string
  issuer?: string
  validDays: string
  artifacts?: string
  statusDir?: string
  statusUri?: string
  holderKey?: string
  catalogs?: string
  json?: boolean
}

export function registerIssue(program: Command, ctx: Ctx): void {
  program
    .command('issue')
    .description(
      'classify and assess a system, hash its artifacts, and issue a signed, selectively disclosable passport (SD-JWT VC)',
    )
    .argument('<manifest>', 'system manifest (accord.yaml)')
    .requiredOption('--key <file>', "issuer's private JWK file (accord keys generate)")
    .requiredOption('-o, --out <file>', 'where to write the passport (.sd-jwt)')
    .option('--as-of <date>', 'evaluate the law as of this date (YYYY-MM-DD); default: today')
    .option('--issuer <id>', 'issuer identifier (iss); default urn:accord:issuer:<kid>')
    .option('--valid-days <n>', 'validity period in days', '365')
    .option(
      '--artifacts <dir>',
      "where the models' artifact paths are found (default: the manifest's folder)",
    )
    .option('--status-dir <dir>', 'issuer status registry (default .accord/status)')
    .option(
      '--status-uri <uri>',
      'https URL where the status list will be served (default <issuer>/status/<kid> for an https --issuer, else https://status.accord.invalid/<kid>)',
    )
    .option('--holder-key <file>', "holder's public JWK, for key-bound presentations (cnf)")
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (manifestPath: string, opts: IssueOptions) => {
      const asOf = resolveAsOf(opts.asOf, ctx.io)
      const validForDays = Number(opts.validDays)
      if (!Number.isInteger(validForDays) || validForDays < 1 || validForDays > 3650) {
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--valid-days must be a whole number from 1 to 3650, got "${opts.validDays}"`,
        })
      }
      const holderJwk = opts.holderKey ? (await loadPublicKeys(opts.holderKey))[0] : undefined
      // Before a status index is allocated for the passport: a wrong --out must not use one up.
      await assertWritableFile(opts.out as string)
      const bar = progress(ctx.io, 'hashing', !opts.json)
      const result = await issueFromManifest({
        manifestPath,
        onWarnings: warnOnStderr(ctx.io),
        keyPath: opts.key as string,
        asOf,
        nowSeconds: ctx.io.nowSeconds(),
        validForDays,
        ...(opts.issuer ? { issuer: opts.issuer } : {}),
        ...(opts.artifacts ? { artifactsDir: opts.artifacts } : {}),
        ...(opts.statusDir ? { statusDir: opts.statusDir } : {}),
        ...(opts.statusUri ? { statusUri: opts.statusUri } : {}),
        ...(holderJwk ? { holderJwk: holderJwk as Record<string, unknown> } : {}),
        ...(opts.catalogs ? { catalogsDir: opts.catalogs } : {}),
        onProgress: (_stage, done, total) => bar.update(done, total),
      })
      const out = opts.out as string
      await writeFileAtomic(out, result.passport + '\n').catch((err: unknown) => {
        // The folder changed since the check: say what the run did use up.
        if (err instanceof AccordError)
          throw new AccordError({
            code: err.code,
            message: `${err.message.replace(/; nothing was changed$/, '')}; the passport was not written, and status index ${result.status.idx} of list ${result.status.listId} stays allocated and unused`,
            cause: err,
          })
        throw err
      })
      const subject = result.claims.credentialSubject
      const summary = {
        passport: path.resolve(out),
        jti: result.claims.jti,
        issuer: result.claims.iss,
        kid: result.kid,
        system: subject.system,
        validFrom: result.claims.validFrom,
        validUntil: result.claims.validUntil,
        classification: Object.fromEntries(
          Object.entries(subject.classification).map(([k, v]) => [k, v.category]),
        ),
        artifacts: result.artifacts.length,
        evidence: { count: subject.evidence.count, merkleRoot: subject.evidence.merkleRoot },
        status: result.status,
        warnings: issueWarnings(result.classification.euAiAct),
      }
      if (opts.json) printJson(ctx.io, summary)
      else {
        for (const w of summary.warnings) ctx.io.err(`warning: ${w}\n`)
        ctx.io.out(`issued passport ${summary.jti}\n`)
        ctx.io.out(`  file:        ${summary.passport}\n`)
        ctx.io.out(`  system:      ${subject.system.name} ${subject.system.version}\n`)
        ctx.io.out(`  issuer:      ${summary.issuer} (kid ${summary.kid})\n`)
        ctx.io.out(`  valid:       ${summary.validFrom} .. ${summary.validUntil}\n`)
        ctx.io.out(`  EU AI Act:   ${subject.classification['eu-ai-act']?.category ?? '-'}\n`)
        ctx.io.out(
          `  artifacts:   ${summary.artifacts} hashed; evidence root ${summary.evidence.merkleRoot.slice(0, 16)}… (${summary.evidence.count} ${summary.evidence.count === 1 ? 'item' : 'items'})\n`,
        )
        ctx.io.out(`  status list: ${result.status.listPath} (index ${result.status.idx})\n`)
      }
      ctx.setExit(EXIT.ok)
    })
}

/**
 * What the issuer should know before handing the passport out. The passport states the
 * classification faithfully, so a prohibited system still gets one (a buyer's policy rejects it on
 * its category); the issuer is told.
 */
function issueWarnings(eu: Pick<EuAiActClassification, 'category' | 'citations'>): string[] {
  if (eu.category !== 'prohibited') return []
  const cited = eu.citations.filter((c) => c.startsWith('Art. 5')).join(', ')
  return [
    `the EU AI Act classification is prohibited${cited ? ` (${cited})` : ''}: the system may not be placed on the market, put into service or used in the Union, and the passport says so`,
  ]
}
