import { randomUUID } from 'node:crypto'
import type { Command } from 'commander'
import { z } from 'zod'
import { PassportError, StoreError } from '../../core/errors.js'
import {
  incidentClassificationOfToken,
  unknownClassification,
  type IncidentClassification,
} from '../../core/incident/classification.js'
import { reportingDeadline, type ReportingDeadline } from '../../core/incident/deadline.js'
import {
  buildIncidentClaims,
  decodeIncidentReport,
  signIncidentReport,
  verifyIncidentReport,
  type IncidentReportClaims,
} from '../../core/incident/report.js'
import { HARM_POINT, Incident } from '../../core/incident/schema.js'
import { incidentEntryFromToken, passportEntryFromSdJwt } from '../../core/tlog/entry.js'
import { sha256 } from '../../node/sha256.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { readIncidentFile, readReportFile } from '../../node/incident.js'
import { fileSigner } from '../../node/keys.js'
import { hasher } from '../../node/passport.js'
import { readPassportBinding } from '../../node/status-store.js'
import { fetchPassport, fetchPassportIncidents } from '../../node/tlog/http.js'
import { printJson, type Ctx } from '../common.js'
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
import {
  checkIssuerJwkArgs,
  checkPassportSignature,
  withIssuerJwkOption,
  type PassportSignature,
} from '../passport-signature.js'
import { itemsOf, postIncidentReport, registryUrl } from '../registry-client.js'
import { feedQuery, printFeed, withFeedOptions, type FeedOptions } from '../registry-feed.js'

interface ReportOptions {
  file: string
  key: string
  follows?: string
  out?: string
  issuerJwk?: string
  json?: boolean
}

const REPORT: StatementNames = { noun: 'report', signer: 'reporter' }

/**
 * `accord incident`: serious-incident reports (EU AI Act Art. 73) about one passport's AI system,
 * signed by the reporter like endorsements (see docs/incidents.md).
 */
export function registerIncident(program: Command, ctx: Ctx): void {
  const incident = program
    .command('incident')
    .description('serious-incident reports (EU AI Act Art. 73): write, show, publish, list')

  const reportCommand = incident
    .command('report')
    .description('sign a serious-incident report about a passport from an incident file')
    .argument('<passport>', 'passport file (SD-JWT) of the AI system the incident is about')
    .requiredOption('--file <file>', 'the incident, as YAML or JSON (docs/incidents.md)')
    .requiredOption('--key <file>', "the reporter's private key file")
    .option(
      '--follows <report>',
      'an earlier report of the same incident: this one gets its incident id and the next sequence',
    )
    .option('--out <file>', 'where to write the report (default: next to the passport)')
  withIssuerJwkOption(reportCommand)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: ReportOptions) => {
      const { passport, jti, iss, subjectId, digest } = await readPassportBinding(passportPath)
      // Before its classification is used, or anything signed about it.
      const passportSignature = await checkPassportSignature(
        passportPath,
        passport.sdJwt,
        opts,
        ctx,
      )
      const signer = await fileSigner(opts.key)

      let follows: { id: string; sequence: number; file: string } | undefined
      if (opts.follows !== undefined) {
        const earlier = await readReportFile(opts.follows)
        const cs = earlier.claims.credentialSubject
        if (cs.passport.digest.value !== digest)
          throw new PassportError({
            code: 'ERR_PASSPORT_INCIDENT_REJECTED',
            message: `--follows ${opts.follows} is a report about another passport (${cs.passport.jti}), not ${passportPath} (${jti})`,
          })
        if (earlier.kid !== signer.kid)
          throw new PassportError({
            code: 'ERR_PASSPORT_INCIDENT_REJECTED',
            message: `--follows ${opts.follows} was signed with key ${earlier.kid}, not with --key ${opts.key} (${signer.kid}); every report of an incident is signed with the key of its initial report`,
          })
        follows = { id: cs.incident.id, sequence: cs.incident.sequence, file: opts.follows }
      }

      const { incident: described, warnings } = await readIncidentFile(opts.file, {
        newId: `urn:uuid:${randomUUID()}`,
        reporterId: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${signer.kid}`,
        nowSeconds: ctx.io.nowSeconds(),
        ...(follows !== undefined ? { follows } : {}),
      })
      printWarnings(ctx, warnings, opts.file)
      const issuedAt = ctx.io.nowSeconds()
      const claims = buildIncidentClaims({
        passportDigest: digest,
        passportJti: jti,
        passportIssuer: iss,
        subjectId,
        incident: described,
        issuedAt,
        id: `urn:uuid:${randomUUID()}`,
      })
      const token = await signIncidentReport(claims, signer)
      const out =
        opts.out ??
        besidePassport(passportPath, `incident.${described.id.slice(9, 17)}.${described.sequence}`)
      await writeFileAtomic(out, token + '\n')
      // The report binds this passport by digest: its classification is what Art. 73(1) reads.
      const deadline = deadlineView(
        described,
        ctx.io.nowSeconds(),
        incidentClassificationOfToken(passport.sdJwt, hasher),
      )
      if (opts.json)
        printJson(ctx.io, {
          report: out,
          id: claims.jti,
          passport: jti,
          kid: signer.kid,
          incident: described,
          deadline,
          passportSignature,
        })
      else
        ctx.io.out(
          `wrote ${out}: ${reportLine(claims)}\n` +
            deadlineLines(deadline).join('\n') +
            '\n' +
            `share it: accord incident publish ${out} --registry URL --key ${opts.key}\n`,
        )
    })

  const show = incident
    .command('show')
    .description(
      'print an incident report, its Art. 73 deadline and (given the keys) whether it verifies',
    )
    .argument('<report>', 'incident report file (the .sd-jwt `accord incident report` wrote)')
  withIssuerJwkOption(withShowOptions(show, REPORT)).action(
    async (reportPath: string, opts: ShowOptions & { issuerJwk?: string }) => {
      checkVerifyArgs(opts, REPORT)
      checkIssuerJwkArgs(opts)
      const report = await readReportFile(reportPath)
      let classification = unknownClassification('no passport was given (--passport)')
      let passportSignature: PassportSignature = 'not-checked'
      const verification = await verifyIfGiven(
        opts,
        REPORT,
        ctx,
        async (passportIssuerJwt, keys, p) => {
          // The passport's own signature, before its classification is used.
          passportSignature = await checkPassportSignature(
            opts.passport as string,
            p.sdJwt,
            opts,
            ctx,
          )
          // Only the passport the report is bound to (by digest) says what system it is about.
          classification =
            sha256Hex(passportIssuerJwt) === report.claims.credentialSubject.passport.digest.value
              ? incidentClassificationOfToken(p.sdJwt, hasher)
              : unknownClassification(
                  `the passport given (${opts.passport}) is not the one the report is about`,
                )
          return verifyIncidentReport(report.token, {
            passportIssuerJwt,
            reporterKeys: keys,
            nowSeconds: ctx.io.nowSeconds(),
            sha256: sha256Hex,
          })
        },
      )
      // A report that verifies is shown from its verified claims; otherwise as decoded.
      const claims = verification?.claims ?? report.claims
      const cs = claims.credentialSubject
      const deadline = deadlineView(cs.incident, ctx.io.nowSeconds(), classification)
      if (opts.json) {
        printJson(ctx.io, {
          report: reportPath,
          id: claims.jti,
          kid: report.kid,
          issuedAt: claims.validFrom,
          passport: cs.passport,
          incident: cs.incident,
          deadline,
          verification: verificationView(verification),
          passportSignature,
        })
        return
      }
      const i = cs.incident
      const lines = [
        `${reportLine(claims)}`,
        `passport: ${cs.passport.jti} (issuer ${cs.passport.issuer})`,
        `reported: ${claims.validFrom} with key ${report.kid}`,
        `occurred: ${i.occurredAt} in ${i.memberStates.join(', ')}; reporter aware: ${i.awareAt}`,
        `serious: ${i.serious ? 'yes' : 'no'}${i.harms.length > 0 ? ` (${i.harms.map((h) => `${h}, ${HARM_POINT[h]}`).join('; ')})` : ''}${i.widespreadInfringement ? '; widespread infringement (Art. 3(61))' : ''}`,
        `causal link: ${i.causalLink}; status: ${i.status}`,
        `summary: ${i.summary}`,
        ...(i.correctiveActions ?? []).map((a) => `corrective action: ${a}`),
        ...(i.authoritiesNotified ?? []).map(
          (n) => `notified: ${n.authority} (${n.memberState}) at ${n.at}`,
        ),
        ...deadlineLines(deadline),
        verification === undefined
          ? 'signature: not checked (give --passport and --jwk to verify)'
          : verification.valid
            ? `verified: signed by key ${verification.kid}, about this passport`
            : `NOT VERIFIED (${verification.reason}): ${verification.message}`,
      ]
      ctx.io.out(lines.join('\n') + '\n')
    },
  )

  const publish = incident
    .command('publish')
    .description('publish an incident report to a registry, where partners see it')
    .argument('<report>', 'incident report file (the .sd-jwt `accord incident report` wrote)')
  withPublishOptions(publish, REPORT).action(async (reportPath: string, opts: PublishOptions) => {
    checkPublishKeyArgs(opts, REPORT.signer)
    registryUrl(opts.registry)
    const report = await readReportFile(reportPath)
    const cs = report.claims.credentialSubject
    const { answer, logVerified } = await publishStatement(ctx, opts, {
      file: reportPath,
      token: report.token,
      kid: report.kid,
      passportId: cs.passport.jti,
      what: 'incident report',
      refusal: { code: 'ERR_PASSPORT_INCIDENT_REJECTED', what: 'report' },
      post: postIncidentReport,
      entryOf: (token) => incidentEntryFromToken(token, sha256),
    })
    const result = {
      report: reportPath,
      id: answer.id,
      incidentId: cs.incident.id,
      sequence: cs.incident.sequence,
      passport: cs.passport.jti,
      registry: opts.registry,
      logIndex: answer.logIndex,
      ...logVerifiedView(logVerified),
    }
    if (opts.json) printJson(ctx.io, result)
    else
      ctx.io.out(
        `published ${cs.incident.report} report ${cs.incident.sequence} of incident ${cs.incident.id} (passport ${cs.passport.jti}) to ${opts.registry}: log index ${answer.logIndex}\n` +
          logVerifiedText(logVerified) +
          `partners: accord incident list --registry ${opts.registry} --passport ${cs.passport.jti}\n`,
      )
  })

  const list = incident
    .command('list')
    .description("list a registry's incident reports: of one passport, or of every passport")
    .requiredOption('--registry <url>', 'base URL of the registry, e.g. http://127.0.0.1:8080')
    .option('--passport <id>', "one passport's incidents, grouped by incident, with deadlines")
  withLogKeyOption(withFeedOptions(list, 'reports'))
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: ListOptions) => {
      registryUrl(opts.registry)
      const query = feedQuery(opts)
      const logPin = await logPinOption(opts, ctx)
      if (opts.passport !== undefined) {
        const body = await fetchPassportIncidents(opts.registry, opts.passport)
        if (body === null)
          throw new StoreError({
            code: 'ERR_STORE_NOT_FOUND',
            message: `passport ${opts.passport} is not in the registry at ${opts.registry}`,
          })
        const items = itemsOf(body, PassportIncident, 'incidents')
        const logVerified =
          logPin === undefined
            ? undefined
            : await confirmListed(
                opts.registry,
                logPin,
                await pinnedIncidentStatements(opts.registry, opts.passport, items),
              )
        if (opts.json)
          return printJson(ctx.io, {
            passport: opts.passport,
            items,
            ...logVerifiedView(logVerified),
          })
        if (items.length === 0)
          return ctx.io.out(
            `no incidents reported to this registry for passport ${opts.passport}\n` +
              logVerifiedText(logVerified),
          )
        const lines: string[] = []
        for (const item of items) {
          const i = item.incident
          lines.push(
            `incident ${item.incidentId}: ${i?.status ?? '?'}, ${i?.serious ? `serious (${i.harms.join(', ')})` : 'not serious'}, in ${i?.memberStates.join(', ') ?? '?'}, ${item.reports.length} report${item.reports.length === 1 ? '' : 's'}`,
          )
          if (i !== null && i !== undefined) {
            lines.push(`  summary: ${i.summary}`)
            const d = item.deadline
            if (d !== null && d !== undefined)
              lines.push(
                `  ${d.applies ? `Art. 73 deadline ${d.deadline} (${d.citation}): ${d.onTime === null ? 'no authority notified yet' : d.onTime ? 'notified on time' : 'notified LATE'}` : d.basis === 'not-high-risk' && i.serious ? `no Art. 73 deadline: ${d.basisWhy ?? 'the system is not high-risk'} (Art. 73(1))` : 'no Art. 73 deadline (not serious)'}`,
              )
          }
          for (const r of item.reports)
            lines.push(
              `  ${r.sequence}. ${r.report}, published ${r.publishedAt}, log index ${r.logIndex ?? '-'}`,
            )
        }
        return ctx.io.out(lines.join('\n') + '\n' + logVerifiedText(logVerified))
      }
      await printFeed(ctx, opts, query, {
        feed: 'incidents',
        item: FeedItem,
        what: 'incident reports',
        command: 'incident list',
        line: (r) =>
          `${r.logIndex} ${r.publishedAt} passport ${r.passportId}: ${r.report} report ${r.sequence} of incident ${r.incidentId}, ${r.serious ? 'serious' : 'not serious'}, ${r.status}`,
        ...(logPin ? { pin: { log: logPin, statement: (r: FeedItem) => reportStatement(r) } } : {}),
      })
    })
}

interface ListOptions extends FeedOptions {
  passport?: string
}

/** A report as the registry lists it (untrusted: checked, then only printed). */
const FeedItem = z.looseObject({
  id: z.string(),
  incidentId: z.string(),
  passportId: z.string(),
  sequence: z.number().int(),
  report: z.string(),
  serious: z.boolean(),
  status: z.string(),
  publishedAt: z.string(),
  logIndex: z.number().int().nullable(),
  /** The report itself: with --log-key, what is listed is checked against it and the log. */
  token: z.string().optional(),
})
type FeedItem = z.infer<typeof FeedItem>

/**
 * A listed report, for the check against the pinned log: its entry recomputed from its token, and
 * whether what is listed of it (and of its incident, `group`, when it is the latest report of
 * one) is what the token says.
 */
function reportStatement(
  r: FeedItem,
  group?: Record<string, unknown>,
  classification?: IncidentClassification,
): ListedStatement {
  return listedStatement(
    r,
    `incident report ${r.id}`,
    decodeIncidentReport,
    (token) => incidentEntryFromToken(token, sha256),
    ({ claims, kid }) => {
      const i = claims.credentialSubject.incident
      const stated = {
        id: claims.jti,
        incidentId: i.id,
        passportId: claims.credentialSubject.passport.jti,
        reporterKid: kid,
        sequence: i.sequence,
        report: i.report,
        serious: i.serious,
        status: i.status,
        incident: i,
      }
      return (
        firstDisagreement(r, stated) ??
        (group === undefined
          ? undefined
          : firstDisagreement(group, {
              incidentId: i.id,
              incident: i,
              deadline: reportingDeadline(i, classification),
            }))
      )
    },
  )
}

/**
 * The reports of a listed incident; the latest also answers for what the incident shows, its
 * deadline recomputed against `classification` (the passport's, as the registry reads it).
 */
function incidentStatements(
  group: PassportIncident,
  classification: IncidentClassification,
): ListedStatement[] {
  return group.reports.map((r, k) =>
    reportStatement(
      r,
      k === group.reports.length - 1 ? group : { incidentId: group.incidentId },
      classification,
    ),
  )
}

/** The passport as the registry serves it, as far as the pinned check reads it. */
const PassportRecord = z.looseObject({
  id: z.string(),
  logIndex: z.number().int().nullable(),
  token: z.string(),
})

/**
 * What `incident list --passport` checks against the pinned log: the passport itself (the
 * registry reads its classification for the Art. 73 deadlines it lists, so a registry that
 * served another passport could list any deadline) and every listed report, the deadlines
 * recomputed from the reports and that passport's classification.
 */
async function pinnedIncidentStatements(
  registry: string,
  passportId: string,
  items: readonly PassportIncident[],
): Promise<ListedStatement[]> {
  const body = await fetchPassport(registry, passportId)
  const record =
    body === null ? undefined : itemsOf({ items: [body] }, PassportRecord, 'passports')[0]
  if (record === undefined)
    throw new StoreError({
      code: 'ERR_STORE_NOT_FOUND',
      message: `passport ${passportId} is not in the registry at ${registry}`,
    })
  const entry = passportEntryFromSdJwt(record.token, sha256)
  const passport: ListedStatement = {
    logIndex: record.logIndex,
    what: `passport ${passportId}`,
    entry,
    disagreement:
      record.id !== passportId
        ? `the registry answered with passport ${record.id}`
        : entry.ok && entry.entry.id !== passportId
          ? `its token is passport ${entry.entry.id}`
          : undefined,
  }
  const classification = incidentClassificationOfToken(record.token, hasher)
  return [passport, ...items.flatMap((group) => incidentStatements(group, classification))]
}

/** An incident as the registry lists it: the incident as its latest report states it. */
const PassportIncident = z.looseObject({
  incidentId: z.string(),
  incident: Incident.nullable(),
  deadline: z
    .looseObject({
      applies: z.boolean(),
      deadline: z.string().nullable(),
      citation: z.string(),
      onTime: z.boolean().nullable(),
      // Registries before the classification was read send neither.
      basis: z.string().optional(),
      basisWhy: z.string().optional(),
    })
    .nullable(),
  reports: z.array(FeedItem),
})
type PassportIncident = z.infer<typeof PassportIncident>

/** The deadline with, when no authority was notified yet, whether it has passed. */
export interface DeadlineView extends ReportingDeadline {
  /** No authority notified and the deadline has passed (by the clock); null when none applies. */
  overdue: boolean | null
}

export function deadlineView(
  incident: Incident,
  nowSeconds: number,
  classification: IncidentClassification,
): DeadlineView {
  const d = reportingDeadline(incident, classification)
  const overdue =
    d.deadline === null || d.firstNotification !== null
      ? null
      : nowSeconds * 1000 > Date.parse(d.deadline)
  return { ...d, overdue }
}

function reportLine(claims: IncidentReportClaims): string {
  const i = claims.credentialSubject.incident
  return `${i.report} report ${i.sequence} of incident ${i.id} by ${i.reporter.name} (${i.reporter.role})`
}

/** The deadline and its verdict in words, for text output. */
export function deadlineLines(d: DeadlineView): string[] {
  const r = d.reference
  if (r !== null) {
    const n = d.firstNotification
    return [
      `Art. 73 deadline: none: ${d.basisWhy}.`,
      `for reference only, not a duty: a high-risk system would report by ${r.deadline} (${r.days} days after awareness, ${r.citation})${n === null ? '' : `; ${n.authority} (${n.memberState}) was notified at ${n.at}`}`,
      ...d.notes.map((note) => `note: ${note}`),
    ]
  }
  if (!d.applies) return [`Art. 73 deadline: none. ${d.why} (${d.citation}).`]
  const lines = [
    `Art. 73 deadline: ${d.deadline} (${d.days} days after awareness, ${d.citation}): ${d.why}`,
  ]
  if (d.basis === 'high-risk') lines.push(`classification: ${d.basisWhy}`)
  const n = d.firstNotification
  if (n !== null)
    lines.push(
      `first authority notified: ${n.authority} (${n.memberState}) at ${n.at}: ${d.onTime ? 'on time' : 'LATE'}`,
    )
  else
    lines.push(
      d.overdue
        ? 'no authority notified yet: the deadline has PASSED'
        : 'no authority notified yet: report immediately',
    )
  for (const note of d.notes) lines.push(`note: ${note}`)
  return lines
}
