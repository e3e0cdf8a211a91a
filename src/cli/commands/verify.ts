import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { ConfigError } from '../../core/errors.js'
import { checkInclusionFromArgs } from '../../node/tlog/client.js'
import type { VerificationResult } from '../../core/passport/types.js'
import { loadCatalogSet } from '../../node/catalog-loader.js'
import { loadPolicy, type LoadPolicyResult } from '../../node/policy-loader.js'
import { partyKids } from '../../core/policy/explain.js'
import { loadStatusListToken, readPassportFile } from '../../node/status-store.js'
import { verifyPassport } from '../../node/passport.js'
import { parseIsoSeconds } from '../../core/dates.js'
import { legacyNotes } from '../../core/passport/legacy.js'
import { printJson, progress, warnOnStderr, type Ctx } from '../common.js'
import { decodeJwt } from 'jose'
import { incidentLine } from '../../core/incident/buyer.js'
import { normalizeLogUrl } from '../../node/tlog/http.js'
import { LOG_KEY_ENV, logKeyArg, withKeyHint } from '../log-pin.js'
import {
  fetchIncidentReports,
  readIncidentReports,
  type IncidentReportInput,
} from '../../node/verify-incidents.js'

interface VerifyOptions {
  policy?: string
  statusList?: string
  artifacts?: string
  endorsement: string[]
  audience?: string
  nonce?: string
  requireKeyBinding?: boolean
  at?: string
  log?: string
  logKey?: string
  logOrigin?: string
  incident: string[]
  incidents?: string
  report: string[]
  chromium?: string
  json?: boolean
}

/** Whether a --status-list, --log or --incidents value is a URL rather than a file. */
const isUrl = (value: string) => /^https?:\/\//i.test(value)

import {
  renderVerificationReport,
  VERDICT_EXIT,
  type VerificationReportInputFile,
} from '../../core/passport/verify-report.js'
import {
  checkReportTargets,
  reportFormats,
  reportIdentity,
  sha256OfFile,
  writeVerificationReports,
  type WrittenReport,
} from '../../node/verify-report.js'
import { VERSION } from '../version.js'

export { VERDICT_EXIT }

export function registerVerify(program: Command, ctx: Ctx): void {
  program
    .command('verify')
    .description(
      "verify a passport or presentation offline against a buyer's acceptance policy; exit 0 accepted, 1 rejected, 2 indeterminate",
    )
    .argument('<passport>', 'passport or presentation (.sd-jwt)')
    .requiredOption(
      '--policy <file>',
      'acceptance policy (YAML), which also names the trusted keys',
    )
    .option(
      '--status-list <file|url>',
      "the issuer's status list token; a URL is fetched, nothing else is",
    )
    .option(
      '--artifacts <dir>',
      "check the passport's artifact digests against the files in this folder",
    )
    .option(
      '--endorsement <file>',
      'an endorsement of this passport (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--audience <aud>', 'expected key-binding audience (this buyer)')
    .option('--nonce <nonce>', 'expected key-binding nonce (the challenge this buyer sent)')
    .option(
      '--require-key-binding',
      'refuse presentations without key binding (needs --audience and --nonce)',
    )
    .option('--at <datetime>', 'verify as of this time (ISO 8601); default now')
    .option(
      '--log <url|bundle>',
      'check inclusion in a registry transparency log: its URL, or a bundle from `accord log prove`',
    )
    .option(
      '--log-key <vkey|file>',
      `the log's public key (C2SP verifier key, a file of them, or its Ed25519 JWK) (default: $${LOG_KEY_ENV})`,
    )
    .option('--log-origin <origin>', 'the origin the log checkpoint must have')
    .option(
      '--incident <file>',
      'a serious-incident report about this passport (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option(
      '--incidents <url>',
      "fetch this passport's serious-incident reports from a registry (its base URL)",
    )
    .option(
      '--report <file>',
      'also write a verification report for the tender file; the extension names the format: .md, .html, .pdf (needs Chromium) or .docx (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option(
      '--chromium <path>',
      'Chromium executable for a PDF report (default $ACCORD_CHROMIUM or /usr/bin/chromium)',
    )
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: VerifyOptions) => {
      checkKeyBindingOptions(opts)
      const nowSeconds = opts.at === undefined ? ctx.io.nowSeconds() : parseAt(opts.at)
      // Before any work: a report that cannot be written is found now (exit 5), not after.
      const reportTargets = reportFormats(opts.report)
      if (reportTargets.length > 0) await checkReportTargets(reportTargets, opts.chromium)
      if (opts.artifacts !== undefined) await checkArtifactsDir(opts.artifacts)
      // With the catalogs, a misspelt obligation id or pattern in the policy is an error, not a
      // rule that silently never holds (or a recognition rule that never applies). With lint, the
      // warnings of `accord policy check` (a rule never used, or one no passport can pass): a
      // buyer who only runs verify sees them too; they do not change the verdict.
      const catalogs = await loadCatalogSet()
      const loaded = await loadPolicy(opts.policy as string, { catalogs, lint: true })
      warnOnStderr(ctx.io)(loaded.warnings)
      const file = await readPassportFile(passportPath)
      // The file was just read whole: its digest is there to take.
      const passportDigest =
        reportTargets.length > 0 ? ((await sha256OfFile(passportPath)) ?? '') : ''
      const incidents = await incidentSources(opts, file.sdJwt, ctx)
      // With a report, a status list URL is read here, once, so the report gives the digest of
      // the very token that was checked.
      const statusListToken =
        reportTargets.length > 0 && opts.statusList !== undefined && isUrl(opts.statusList)
          ? await loadStatusListToken(opts.statusList)
          : undefined
      const bar = progress(ctx.io, 'checking artifacts', !opts.json)
      const result = await verifyPassport(file.sdJwt, {
        policy: loaded.policy,
        trustedIssuerKeys: loaded.trustedIssuerKeys,
        trustedAssessorKeys: loaded.trustedAssessorKeys,
        nowSeconds,
        endorsements: opts.endorsement,
        ...(statusListToken !== undefined
          ? { statusListToken }
          : opts.statusList
            ? { statusList: opts.statusList }
            : {}),
        ...(opts.artifacts ? { artifactsDir: opts.artifacts } : {}),
        ...(opts.audience ? { audience: opts.audience } : {}),
        ...(opts.nonce ? { nonce: opts.nonce } : {}),
        ...(opts.requireKeyBinding ? { requireKeyBinding: true } : {}),
        ...incidents,
        onProgress: bar.update,
      })
      if (opts.log !== undefined) {
        // As the registry commands: --log-key, else $ACCORD_LOG_KEY.
        const logKey = logKeyArg(opts.logKey, '--log-key')
        if (logKey === undefined) {
          throw new ConfigError({
            code: 'ERR_CONFIG_BAD_ARGS',
            message: `--log needs --log-key (or ${LOG_KEY_ENV}), the log's public key`,
          })
        }
        const checked = await checkInclusionFromArgs({
          passport: file.sdJwt,
          log: opts.log,
          logKey: logKey.arg,
          logKeySource: logKey.source,
          ...(opts.logOrigin ? { origin: opts.logOrigin } : {}),
        })
        const c = withKeyHint(checked, logKey.source, '--log-key')
        result.checks.push({
          check: c.check,
          outcome: c.outcome,
          reason: c.reason,
          message: c.message,
        })
        if (c.outcome === 'fail') result.verdict = 'rejected'
        else if (c.outcome === 'indeterminate' && result.verdict === 'accepted')
          result.verdict = 'indeterminate'
      }
      // Written before anything is printed: a report that cannot be written is exit 5 alone.
      let reports: WrittenReport[] | undefined
      if (reportTargets.length > 0) {
        const report = renderVerificationReport({
          result,
          verifiedAt: nowSeconds,
          policy: loaded.policy,
          policyWarnings: loaded.warnings,
          explain: {
            catalogs,
            keys: partyKids(loaded.policy, loaded.trustedIssuerKeys, loaded.trustedAssessorKeys),
          },
          passportSha256: passportDigest,
          inputs: await reportInputs(passportPath, passportDigest, loaded, opts, statusListToken),
          generator: GENERATOR,
        })
        reports = await writeVerificationReports(
          report,
          reportTargets,
          reportIdentity(report, passportDigest, nowSeconds, GENERATOR),
          opts.chromium === undefined ? {} : { chromiumPath: opts.chromium },
        )
      }
      if (opts.json) {
        const { claims, ...rest } = result
        printJson(ctx.io, {
          ...rest,
          policy: loaded.policy.name,
          policyWarnings: loaded.warnings,
          subject: claims?.credentialSubject.system,
          legacy: legacyNotes(claims?.credentialSubject),
          ...(reports === undefined ? {} : { reports: reports.map(reportJson) }),
        })
      } else {
        ctx.io.out(renderVerification(result, loaded.policy.name))
        for (const r of reports ?? [])
          ctx.io.err(`wrote the verification report ${r.file} (sha256:${r.sha256})\n`)
      }
      ctx.setExit(VERDICT_EXIT[result.verdict])
    })
}

const GENERATOR = { name: 'accord', version: VERSION }

const reportJson = (r: WrittenReport) => ({
  file: r.file,
  format: r.format,
  sha256: r.sha256,
  bytes: r.bytes,
})

/**
 * The inputs of this verification for the report, each with the SHA-256 of the bytes read: the
 * passport, the policy and the key files it names, the status list, endorsements, incident reports
 * and the log bundle. Files are named without their folders, URLs as given.
 */
async function reportInputs(
  passportPath: string,
  passportDigest: string,
  loaded: LoadPolicyResult,
  opts: VerifyOptions,
  statusListToken: string | undefined,
): Promise<VerificationReportInputFile[]> {
  const policyDir = path.dirname(opts.policy as string)
  const file = async (role: string, p: string): Promise<VerificationReportInputFile> => {
    const sha256 = await sha256OfFile(p)
    return { role, name: path.basename(p), ...(sha256 === undefined ? {} : { sha256 }) }
  }
  const inputs: VerificationReportInputFile[] = [
    { role: 'passport', name: path.basename(passportPath), sha256: passportDigest },
    await file('policy', opts.policy as string),
  ]
  const { trust } = loaded.policy
  for (const [kind, parties] of [
    ['trusted issuer key', trust.issuers],
    ['trusted assessor key', trust.assessors],
  ] as const)
    for (const party of parties)
      if (party.jwks !== undefined)
        inputs.push(await file(`${kind} (${party.name})`, path.resolve(policyDir, party.jwks)))
  if (opts.statusList !== undefined)
    inputs.push(
      statusListToken !== undefined
        ? {
            role: 'status list',
            name: opts.statusList,
            sha256: createHash('sha256').update(statusListToken).digest('hex'),
          }
        : await file('status list', opts.statusList),
    )
  for (const e of opts.endorsement) inputs.push(await file('endorsement', e))
  for (const i of opts.incident) inputs.push(await file('incident report', i))
  if (opts.incidents !== undefined) inputs.push({ role: 'incident reports', name: opts.incidents })
  if (opts.log !== undefined)
    inputs.push(
      isUrl(opts.log) ? { role: 'log', name: opts.log } : await file('log bundle', opts.log),
    )
  return inputs
}

/**
 * The incident reports of --incident (files) and --incidents (a registry's list for this
 * passport's jti): nothing when neither was given. A registry that does not hold the passport
 * gives no reports and is said on stderr; with no files either, no reports were looked at.
 */
async function incidentSources(
  opts: VerifyOptions,
  sdJwt: string,
  ctx: Ctx,
): Promise<{ incidentReports?: IncidentReportInput[]; incidentsFrom?: string }> {
  if (opts.incident.length === 0 && opts.incidents === undefined) return {}
  const base = opts.incidents === undefined ? undefined : incidentsUrl(opts.incidents)
  const reports = await readIncidentReports(opts.incident)
  const from: string[] = []
  if (opts.incident.length > 0)
    from.push(`${opts.incident.length} file${opts.incident.length === 1 ? '' : 's'} (--incident)`)
  if (base !== undefined) {
    // Only to name the passport in the registry's URL; every report is verified against the
    // passport itself.
    let jti: unknown
    try {
      jti = decodeJwt(sdJwt.split('~')[0] ?? '').jti
    } catch {
      jti = undefined
    }
    const fetched =
      typeof jti === 'string' ? await fetchIncidentReports(base, jti, { timeoutMs: 30_000 }) : null
    if (fetched === null)
      ctx.io.err(
        `warning: the registry at ${base} does not hold this passport${typeof jti === 'string' ? ` (${jti})` : ''}; no incident reports were read from it\n`,
      )
    else {
      reports.push(...fetched)
      from.push(`the registry at ${base}`)
    }
  }
  if (from.length === 0) return {}
  return { incidentReports: reports, incidentsFrom: from.join(' and ') }
}

/** --incidents: a registry's base URL (http(s), no user name or password), checked before any read. */
function incidentsUrl(url: string): string {
  try {
    return normalizeLogUrl(url)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--incidents: ${err.message.replace(/^log URL/, 'registry URL')}; give the base URL of an Accord registry, e.g. http://127.0.0.1:8080`,
    })
  }
}

/** --require-key-binding is only meaningful with the audience and nonce the binding must carry. */
function checkKeyBindingOptions(opts: VerifyOptions): void {
  if (!opts.requireKeyBinding) return
  const missing = [opts.audience ? '' : '--audience', opts.nonce ? '' : '--nonce'].filter(Boolean)
  if (missing.length === 0) return
  throw new ConfigError({
    code: 'ERR_CONFIG_BAD_ARGS',
    message: `--require-key-binding needs ${missing.join(' and ')}: pass --audience (this buyer's identifier) and --nonce (the challenge you sent the holder), which the key binding must carry`,
  })
}

/**
 * --artifacts must be an existing folder before anything is verified: a mistyped path would
 * otherwise report every artifact as missing, blaming the vendor for the buyer's typo.
 */
async function checkArtifactsDir(dir: string): Promise<void> {
  let info
  try {
    info = await stat(dir)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message:
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `--artifacts "${dir}" does not exist; give the folder holding the files the passport lists (its artifact paths are relative to it)`
          : `--artifacts "${dir}" cannot be read (${code ?? 'error'})`,
      cause,
    })
  }
  if (!info.isDirectory()) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--artifacts "${dir}" is a file, not a folder; give the folder holding the files the passport lists (its artifact paths are relative to it)`,
    })
  }
}

/**
 * --at: an ISO 8601 date or date-time whose date is a real calendar date (Date.parse would take
 * 2026-02-30 as 2 March).
 */
function parseAt(value: string): number {
  const seconds = parseIsoSeconds(value)
  if (seconds === undefined) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_DATE',
      message: `--at "${value}" is not an ISO 8601 date or date-time with a real calendar date (YYYY-MM-DD, or e.g. 2027-12-02T09:30:00Z)`,
    })
  }
  return seconds
}

/** How a line on a jurisdiction's transitional rules starts: `EU AI Act Art. 111(2): ...`. */
const JURISDICTIONS: Record<string, string> = { 'eu-ai-act': 'EU AI Act' }

const MARK = { pass: 'ok  ', fail: 'FAIL', indeterminate: '??  ', skipped: '--  ' } as const

export function renderVerification(result: VerificationResult, policyName: string): string {
  const lines: string[] = []
  const system = result.claims?.credentialSubject.system
  lines.push(
    `${result.verdict.toUpperCase()}${system ? `: ${system.name} ${system.version}` : ''} against "${policyName}"`,
  )
  // Columns as wide as their longest entry: policy checks (policy:obligation:eu-ai-act:art-15.1)
  // and endorsements (endorsement:<file>) are longer than any fixed width that suits the rest.
  const checkWidth = Math.max(0, ...result.checks.map((c) => c.check.length))
  const reasonWidth = Math.max(0, ...result.checks.map((c) => c.reason.length))
  for (const c of result.checks)
    lines.push(
      // A check that holds with a reason code other than ok is a warning (incident-reported-late
      // under lateNotification: warn).
      `  ${c.outcome === 'pass' && c.reason !== 'ok' ? 'warn' : MARK[c.outcome]} ${c.check.padEnd(checkWidth)} ${c.reason.padEnd(reasonWidth)} ${c.message}`,
    )
  if (result.incidents !== undefined) {
    const n = result.incidents.length
    lines.push(
      `serious-incident reports from ${result.incidentsFrom ?? 'the given sources'}: ${n === 0 ? 'none' : `${n} incident${n === 1 ? '' : 's'}`}`,
    )
    for (const i of result.incidents) lines.push(`  ${incidentLine(i)}`)
  }
  // What the verified passport says about Art. 111: not a check, but it dates the obligations a
  // buyer relies on. Only from claims that verified (result.claims is unset otherwise).
  for (const note of legacyNotes(result.claims?.credentialSubject))
    lines.push(`${JURISDICTIONS[note.jurisdiction] ?? note.jurisdiction} ${note.sentence}`)
  return lines.join('\n') + '\n'
}
