/**
 * The verification report (`accord verify --report`, the web UI's "Download report"): a record of
 * one `accord verify` run that a procurement officer can put in the tender file. Markdown, then
 * HTML through the documents' renderer (../documents/html.ts); PDF and DOCX are made from these by
 * src/node/office.
 *
 * It holds the verdict and its exit code, when and against which policy the check ran, who the
 * passport says it is about, every check of the result (none dropped), the endorsements and
 * serious-incident reports looked at, the policy's warnings, the disclosed claims the decision
 * rested on and what was not disclosed, the policy in plain words (`accord policy explain`'s
 * text) and the SHA-256 of each input file, so the record can be checked later.
 *
 * Pure and deterministic: the same result, policy, inputs and verification time give the same
 * bytes. The only time in the document is the verification time the caller passes (`--at`, or
 * the clock the verdict was reached at). Everything from the passport, the policy or a file name
 * is untrusted text and goes through `md()`.
 */
import type { Issue } from '../errors.js'
import { markdownToHtml } from '../documents/html.js'
import { bullets, code, fieldTable, joinBlocks, md, mdOr, table } from '../documents/markdown.js'
import { incidentLine } from '../incident/buyer.js'
import { explainPolicy, type ExplainInput } from '../policy/explain.js'
import { frameworkName, KNOWN_FRAMEWORKS } from '../policy/evaluate.js'
import type { Policy } from '../policy/schema.js'
import { legacyNotes } from './legacy.js'
import { timeOf } from './sd-jwt.js'
import type { CheckResult, PassportClaims, Verdict, VerificationResult } from './types.js'

/** Exit codes of `accord verify`: the verdict. */
export const VERDICT_EXIT: Record<Verdict, number> = { accepted: 0, rejected: 1, indeterminate: 2 }

export const VERIFICATION_REPORT_TITLE = 'Passport verification report'

/** The verdict in words: what it means for the buyer. */
const VERDICT_WORDS: Record<Verdict, string> = {
  accepted: 'The passport meets every rule of the policy and every check that ran passed',
  rejected:
    'At least one check failed: the passport does not meet the policy, or it could not be trusted',
  indeterminate:
    'No check failed, but at least one could not be decided (e.g. a status list the policy requires was not given): the passport is neither accepted nor rejected',
}

/** One input of the verification: a file (with its digest) or a URL that was read. */
export interface VerificationReportInputFile {
  /** What it is: `passport`, `policy`, `status list`, `endorsement`, `incident report`, `log bundle`... */
  role: string
  /** The file's name (no folders: the record must not depend on where the files were) or a URL. */
  name: string
  /** Hex SHA-256 of the bytes that were read; absent for what was not read as a whole (a log URL). */
  sha256?: string
}

export interface VerificationReportInput {
  result: VerificationResult
  /** The verification time (seconds since the epoch): `--at`, or the clock of the verification. */
  verifiedAt: number
  policy: Policy
  /** The policy's warnings (`accord policy check`); they do not change the verdict. */
  policyWarnings: readonly Issue[]
  /** For the policy in plain words: catalog titles and the trusted key ids (see explainPolicy). */
  explain?: Omit<ExplainInput, 'asOf'>
  /** Hex SHA-256 of the passport file. */
  passportSha256: string
  /** Every input file, the passport first. */
  inputs: readonly VerificationReportInputFile[]
  /** The tool that verified, e.g. `{ name: 'accord', version: '0.1.0' }`. */
  generator: { name: string; version: string }
}

export interface VerificationReport {
  title: string
  markdown: string
  html: string
  /** The verified passport's system; absent when the passport did not verify. */
  system?: { name: string; version: string }
}

/** A check's outcome in words; a check that held with a reason other than ok is a warning. */
export function checkOutcomeWords(c: CheckResult): string {
  if (c.outcome === 'pass') return c.reason === 'ok' ? 'passed' : 'passed, with a warning'
  if (c.outcome === 'fail') return '**FAILED**'
  if (c.outcome === 'indeterminate') return 'could not be decided'
  return 'not checked'
}

const ASSESSOR_WORDS: Record<string, string> = {
  self: 'self-assessment by the provider',
  'third-party': 'a third party',
  'notified-body': 'a notified body',
}

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

function verdictSection(input: VerificationReportInput): string {
  const { result, policy } = input
  const v = result.verdict
  return joinBlocks([
    `**Verdict: ${v.toUpperCase()}.** ${VERDICT_WORDS[v]}.`,
    fieldTable([
      ['Verdict', `${v} (\`accord verify\` exit code ${VERDICT_EXIT[v]})`],
      ['Verified at', `${timeOf(input.verifiedAt)} (the time the passport was verified as of)`],
      ['Checked by', `the buyer's acceptance policy "${md(policy.name)}"`],
      ...(policy.description === undefined
        ? []
        : ([['Policy purpose', md(policy.description)]] as [string, string][])),
      ['Verified with', md(`${input.generator.name} ${input.generator.version}`)],
      ['Passport file SHA-256', code(input.passportSha256)],
    ]),
  ])
}

function passportSection(input: VerificationReportInput): string {
  const { result } = input
  const claims = result.claims
  const key = result.issuerKey
  const keyCell =
    key === undefined
      ? 'none of the keys the policy trusts'
      : `${code(key.kid)}${key.name === undefined ? '' : ` (${md(key.name)}, as the policy names it)`}`
  if (claims === undefined)
    return joinBlocks([
      '## Passport',
      'The passport did not verify, so none of its claims are shown or relied on: what it says about itself (system, provider, dates) cannot be trusted.',
      fieldTable([
        ['Issuer key', keyCell],
        ['Passport file SHA-256', code(input.passportSha256)],
      ]),
    ])
  const s = claims.credentialSubject
  const rep = s.provider.authorisedRepresentative
  const rows: [string, string][] = [
    ['System', `${md(s.system.name)} ${md(s.system.version)}`],
    ['Intended purpose', mdOr(s.system.intendedPurpose)],
    ['Provider', `${md(s.provider.name)} (${md(s.provider.country)})`],
    ...(rep === undefined
      ? []
      : ([['Authorised representative', `${md(rep.name)} (${md(rep.country)})`]] as [
          string,
          string,
        ][])),
    ['Subject id', md(s.id)],
    ['Issuer', md(claims.iss)],
    ['Issuer key (RFC 7638 thumbprint)', keyCell],
    ['Passport id (jti)', md(claims.jti)],
    ['Issued', md(timeOf(claims.iat))],
    ['Valid from', md(timeOf(claims.nbf))],
    ['Valid until', md(timeOf(claims.exp))],
    ['Manifest SHA-256', md(s.manifest.sha256)],
    ['Passport file SHA-256', code(input.passportSha256)],
  ]
  return joinBlocks(['## Passport', fieldTable(rows)])
}

function checksSection(result: VerificationResult): string {
  const counts = new Map<string, number>()
  for (const c of result.checks) {
    const w = checkOutcomeWords(c).replace(/\*/g, '')
    counts.set(w, (counts.get(w) ?? 0) + 1)
  }
  const summary = [...counts].map(([w, n]) => `${n} ${w}`).join(', ')
  return joinBlocks([
    '## Checks',
    `Every check of the verification, in the order it ran (${result.checks.length}: ${summary}). A check that failed rejects the passport; one that could not be decided makes the verdict indeterminate; one not checked does not change the verdict.`,
    table(
      ['#', 'Check', 'Outcome', 'Reason', 'Detail'],
      result.checks.map((c, i) => [
        String(i + 1),
        md(c.check),
        checkOutcomeWords(c),
        md(c.reason),
        mdOr(c.message),
      ]),
    ),
  ])
}

function endorsementsSection(result: VerificationResult): string | undefined {
  if (result.endorsements.length === 0) return undefined
  return joinBlocks([
    '## Endorsements',
    table(
      ['Endorser', 'Valid', 'Reason', 'What it checked'],
      result.endorsements.map((e) => [
        md(e.issuer),
        e.valid ? 'yes' : '**no**',
        md(e.reason),
        mdOr(e.checked.join(', ')),
      ]),
    ),
  ])
}

function incidentsSection(result: VerificationResult): string {
  if (result.incidents === undefined)
    return joinBlocks([
      '## Serious-incident reports',
      'None were looked at (no `--incident` or `--incidents` given).',
    ])
  const n = result.incidents.length
  return joinBlocks([
    '## Serious-incident reports',
    `From ${md(result.incidentsFrom ?? 'the given sources')}: ${n === 0 ? 'none' : `${n} incident${n === 1 ? '' : 's'}`}.`,
    bullets(result.incidents.map((i) => md(incidentLine(i)))),
  ])
}

function warningsSection(warnings: readonly Issue[]): string {
  return joinBlocks([
    '## Policy warnings',
    warnings.length === 0
      ? 'None: `accord policy check` finds nothing to warn about in this policy.'
      : 'What `accord policy check` says about the policy; warnings do not change the verdict.',
    bullets(
      warnings.map((w) => {
        const at =
          w.line === undefined
            ? ''
            : `line ${w.line}${w.column === undefined ? '' : `:${w.column}`}: `
        return `${md(`${at}${w.message}`)} (${md(w.code)})`
      }),
    ),
  ])
}

/** What the passport disclosed and the decision rested on. */
function disclosedSection(claims: PassportClaims): string {
  const s = claims.credentialSubject
  const classification = Object.entries(s.classification ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  const obligations = Object.entries(s.obligations ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  const a = s.assurance
  const legacy = legacyNotes(s)
  return joinBlocks([
    '## What the decision rested on',
    'The claims the passport disclosed to this verification, as signed by its issuer.',
    '### Classification',
    classification.length === 0
      ? 'No classification was disclosed.'
      : table(
          ['Under', 'Category', 'Citations', 'General-purpose AI', 'As of', 'Law version'],
          classification.map(([j, c]) => [
            md(frameworkName(j)),
            `${md(c.category)}${c.derogationApplied ? ' (derogation applied)' : ''}`,
            mdOr(c.citations.join(', ')),
            mdOr(c.gpai),
            md(c.asOf),
            md(c.lawVersion),
          ]),
        ),
    legacy.length > 0 && bullets(legacy.map((n) => md(n.sentence))),
    '### Obligation status',
    obligations.length === 0
      ? 'No obligation status was disclosed.'
      : table(
          ['Under', 'Met', 'Partial', 'Missing', 'Not applicable', 'Readiness'],
          obligations.map(([f, o]) => [
            md(frameworkName(f)),
            String(o.met),
            String(o.partial),
            String(o.missing),
            String(o.notApplicable),
            percent(o.readiness),
          ]),
        ),
    ...obligations
      .filter(([, o]) => o.byStatus.missing.length + o.byStatus.partial.length > 0)
      .map(([f, o]) =>
        bullets([
          `${md(frameworkName(f))}, missing: ${mdOr(o.byStatus.missing.join(', '), 'none')}`,
          `${md(frameworkName(f))}, partial: ${mdOr(o.byStatus.partial.join(', '), 'none')}`,
        ]),
      ),
    '### Assurance commitments',
    a === undefined
      ? 'The passport makes no assurance commitments.'
      : fieldTable([
          ['Update notice', `${a.updateNoticeDays} days before an update changes behaviour`],
          [
            'Remote disable',
            a.remoteDisable.exists
              ? `exists, controlled by ${md(a.remoteDisable.controlledBy)}`
              : 'none',
          ],
          ['Data residency', mdOr(a.dataResidency.join(', '))],
          [
            'Audit rights',
            a.auditRights.granted
              ? `granted${a.auditRights.scope === undefined ? '' : `: ${md(a.auditRights.scope)}`}${a.auditRights.noticeDays === undefined ? '' : ` (${a.auditRights.noticeDays} days' notice)`}`
              : 'not granted',
          ],
          ['Incident notification', `within ${a.incidentNotificationHours} hours`],
          ['Support until', md(a.supportUntil)],
        ]),
    '### Assessment and evidence',
    fieldTable([
      [
        'Assessed by',
        `${md(ASSESSOR_WORDS[s.assessor.type] ?? s.assessor.type)}${s.assessor.name === undefined ? '' : ` (${md(s.assessor.name)})`}${s.assessor.date === undefined ? '' : `, ${md(s.assessor.date)}`}`,
      ],
      [
        'Evidence',
        `${s.evidence.count} item(s) committed, Merkle root ${md(s.evidence.merkleRoot)}; ${s.evidence.items.length} disclosed`,
      ],
      ['Model artifacts', `${s.artifacts.length} file digest(s)`],
      ['Catalogs', mdOr(s.catalogs.map((c) => `${c.urn} version ${c.version}`).join(', '), 'none')],
    ]),
  ])
}

/** What the verifier did not see: the selectively disclosable claims that were not presented. */
function notDisclosedSection(claims: PassportClaims | undefined, policy: Policy): string {
  if (claims === undefined)
    return joinBlocks([
      '## What was not disclosed',
      'Nothing of the passport was relied on: it did not verify.',
    ])
  const s = claims.credentialSubject
  const req = policy.requirements
  const jurisdictions = new Set(['eu-ai-act', ...req.jurisdictions])
  const frameworks = new Set([
    ...KNOWN_FRAMEWORKS,
    ...req.frameworks,
    ...req.anyFramework,
    ...req.obligationsMet.map((o) => o.slice(0, o.indexOf(':'))),
  ])
  const items: string[] = []
  for (const j of [...jurisdictions].sort())
    if (s.classification?.[j] === undefined)
      items.push(`The classification under ${md(frameworkName(j))}.`)
  for (const f of [...frameworks].sort())
    if (s.obligations?.[f] === undefined)
      items.push(`The obligation status under ${md(frameworkName(f))}.`)
  const hidden = s.evidence.count - s.evidence.items.length
  if (hidden > 0)
    items.push(
      `${hidden} of ${s.evidence.count} evidence item(s): only their Merkle commitment was seen.`,
    )
  return joinBlocks([
    '## What was not disclosed',
    'A passport hides some claims unless its holder discloses them (SD-JWT selective disclosure). The verifier did not see these, and the verdict does not rest on them:',
    bullets(items.length === 0 ? ['Nothing Accord knows of was withheld.'] : items),
    'A passport from another issuer may hold further undisclosed claims that no verifier can name.',
  ])
}

function policySection(input: VerificationReportInput): string {
  const rules = explainPolicy(input.policy, {
    ...input.explain,
    asOf: timeOf(input.verifiedAt).slice(0, 10),
  })
  return joinBlocks([
    '## The policy in plain words',
    `"${md(input.policy.name)}", rule by rule in the order the verifier evaluates them (\`accord policy explain\`):`,
    rules.map((r, i) => `${i + 1}. ${md(r.text)}`).join('\n'),
  ])
}

function inputsSection(inputs: readonly VerificationReportInputFile[]): string {
  return joinBlocks([
    '## Input files',
    'To check this record later, compare the SHA-256 of each file (`sha256sum FILE`) with the one here; verifying the same files with `--at` set to the verification time gives the same verdict.',
    table(
      ['Input', 'File', 'SHA-256'],
      inputs.map((f) => [
        md(f.role),
        md(f.name),
        f.sha256 === undefined ? 'not a file' : code(f.sha256),
      ]),
    ),
  ])
}

/** The report as Markdown. */
export function verificationReportMarkdown(input: VerificationReportInput): string {
  const { result } = input
  return joinBlocks([
    `# ${VERIFICATION_REPORT_TITLE}`,
    verdictSection(input),
    passportSection(input),
    checksSection(result),
    endorsementsSection(result),
    incidentsSection(result),
    warningsSection(input.policyWarnings),
    result.claims !== undefined && disclosedSection(result.claims),
    notDisclosedSection(result.claims, input.policy),
    policySection(input),
    inputsSection(input.inputs),
  ])
}

/** The report as Markdown and as a self-contained HTML page. */
export function renderVerificationReport(input: VerificationReportInput): VerificationReport {
  const markdown = verificationReportMarkdown(input)
  const system = input.result.claims?.credentialSubject.system
  const title =
    system === undefined
      ? VERIFICATION_REPORT_TITLE
      : `${VERIFICATION_REPORT_TITLE}: ${system.name} ${system.version}`
  return {
    title,
    markdown,
    html: markdownToHtml(markdown, title),
    ...(system === undefined ? {} : { system: { name: system.name, version: system.version } }),
  }
}
