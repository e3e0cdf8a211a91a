/**
 * The assessment as a plain-text table for a terminal: one block per framework with a header
 * line (readiness and counts) and one row per open obligation (partial or missing; met ones too
 * with `all`). Pure and deterministic; ANSI colour only when asked for.
 */
import { EXPIRING_SOON_DAYS } from './assess.js'
import type { EuAiActClassification } from '../classify/types.js'
import { legacySentences } from '../classify/rules/legacy.js'
import type { AssessmentResult, FrameworkSummary, ObligationAssessment, Status } from './types.js'

export interface RenderGapTableOptions {
  /** List met obligations too (not-applicable ones are only counted). */
  all?: boolean
  /** Line width in characters; default 100, at least 60. */
  width?: number
  /** Colour the status column with ANSI escapes. */
  color?: boolean
  /**
   * The EU AI Act classification the assessment was made under: shown under the title, and for a
   * prohibited practice as a warning that no readiness figure lifts the prohibition.
   */
  classification?: Pick<EuAiActClassification, 'category' | 'citations' | 'prohibitedPractices'> &
    Partial<Pick<EuAiActClassification, 'legacy'>>
}

const COLOURS: Partial<Record<Status, string>> = {
  met: '\u001b[32m',
  partial: '\u001b[33m',
  missing: '\u001b[31m',
}
const RESET = '\u001b[0m'

const HEAD = {
  citation: 'Citation',
  title: 'Title',
  status: 'Status',
  due: 'Applies',
  last: 'Evidence',
}

export function renderGapTable(
  result: AssessmentResult,
  options: RenderGapTableOptions = {},
): string {
  const width = Math.max(60, Math.floor(options.width ?? 100))
  const lines: string[] = []
  const law = result.lawVersion ? ` under ${result.lawVersion.title}` : ''
  lines.push(
    `${result.system.name} ${result.system.version}: assessment as of ${result.asOf}${law}`,
  )
  if (options.classification)
    lines.push(...classificationLines(options.classification, result.asOf, width))

  for (const summary of result.frameworks) {
    const rows = result.obligations.filter(
      (o) =>
        o.framework === summary.framework &&
        (o.status === 'partial' ||
          o.status === 'missing' ||
          (options.all === true && o.status === 'met')),
    )
    lines.push('', ...headerLines(summary, width))
    if (rows.length === 0) {
      lines.push(
        summary.total - summary.notApplicable === 0
          ? '  Nothing applies.'
          : options.all
            ? '  Nothing listed.'
            : '  No gaps: every applicable entry is met.',
      )
      continue
    }
    lines.push(...renderRows(rows, summary, width, options.color === true))
  }

  lines.push(...validityLines(result, width))
  lines.push('')
  lines.push(
    `Binding gaps: ${result.gaps} in force, ${result.gapsUpcoming ?? 0} upcoming. ` +
      'Run with --json for reasons and evidence hashes.',
  )
  return lines.join('\n') + '\n'
}

/**
 * Expired evidence (counted for nothing) and evidence that expires soon (still counted), one
 * line each with the obligations it reaches; nothing when there is neither.
 */
function validityLines(result: AssessmentResult, width: number): string[] {
  const v = result.evidenceValidity
  if (v === undefined || (v.expired.length === 0 && v.expiringSoon.length === 0)) return []
  const reach = (obligations: readonly string[]): string => {
    if (obligations.length === 0) return 'no applicable obligation'
    const shown = obligations.slice(0, 4).join(', ')
    return obligations.length > 4 ? `${shown} and ${obligations.length - 4} more` : shown
  }
  const lines = ['']
  if (v.expired.length > 0) {
    lines.push(`Expired evidence, not counted as of ${result.asOf}:`)
    for (const e of v.expired)
      lines.push(
        ...wrap(
          `${e.id} (${e.type}) expired on ${e.validUntil}; it supported ${reach(e.obligations)}`,
          width - 4,
        ).map((l, i) => `${i === 0 ? '  - ' : '    '}${l}`),
      )
  }
  if (v.expiringSoon.length > 0) {
    lines.push(`Evidence expiring within ${EXPIRING_SOON_DAYS} days (still counted):`)
    for (const e of v.expiringSoon)
      lines.push(
        ...wrap(
          `${e.id} (${e.type}) valid until ${e.validUntil}, ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'} left; supports ${reach(e.obligations)}`,
          width - 4,
        ).map((l, i) => `${i === 0 ? '  - ' : '    '}${l}`),
      )
  }
  return lines
}

function classificationLines(
  c: NonNullable<RenderGapTableOptions['classification']>,
  asOf: string,
  width: number,
): string[] {
  const cited = c.citations.length > 0 ? ` (${c.citations.join(', ')})` : ''
  const lines = wrap(`EU AI Act classification: ${c.category}${cited}`, width)
  for (const sentence of c.legacy ? legacySentences(c.legacy, asOf) : [])
    lines.push(...wrap(sentence, width))
  if (c.category !== 'prohibited') return lines
  const points = c.prohibitedPractices
    .filter((p) => p.inForce)
    .map((p) => p.point)
    .join(', ')
  const warning =
    `PROHIBITED PRACTICE${points ? ` (${points})` : ''}: the Act forbids placing this system on ` +
    'the market, putting it into service and using it in the Union. The readiness figures below ' +
    'are of the other obligations and do not lift the prohibition.'
  return [...lines, '', ...wrap(warning, width)]
}

/** A framework's name as the table heads its block: `(voluntary)` for a framework that is not law. */
export function frameworkHeading(s: FrameworkSummary): string {
  return `${s.name}${s.binding ? '' : ' (voluntary)'}`
}

/**
 * A framework's readiness as `accord assess` prints it under the framework's name:
 * `readiness 76%: 95 met, 28 partial, 20 missing, 25 not applicable; gaps: 1 in force, 47 upcoming`.
 */
export function readinessSummary(s: FrameworkSummary): string {
  const counts = `${s.met} met, ${s.partial} partial, ${s.missing} missing, ${s.notApplicable} not applicable`
  const gaps = s.binding
    ? `gaps: ${s.gaps ?? 0} in force, ${s.gapsUpcoming ?? 0} upcoming`
    : `gaps: ${s.gaps ?? 0}`
  return `readiness ${Math.round(s.readiness * 100)}%: ${counts}; ${gaps}`
}

function headerLines(s: FrameworkSummary, width: number): string[] {
  return [frameworkHeading(s), ...wrap(readinessSummary(s), width - 2).map((l) => `  ${l}`)]
}

/**
 * One line per obligation (citation, title, status, date, evidence ids), and for partial and
 * missing ones the action to take, wrapped on the lines below it, indented under the title.
 */
function renderRows(
  rows: ObligationAssessment[],
  summary: FrameworkSummary,
  width: number,
  color: boolean,
): string[] {
  const due = (o: ObligationAssessment): string =>
    o.appliesFrom === undefined ? '-' : o.inForce === false ? o.appliesFrom : 'in force'
  const ids = (o: ObligationAssessment): string =>
    o.evidence.length === 0
      ? o.manifestFields && o.manifestFields.length > 0
        ? `(manifest: ${o.manifestFields.join(', ')})`
        : '-'
      : o.evidence.map((e) => e.evidenceId).join(', ')
  const indent = 2
  const gap = 2
  const w = {
    citation: Math.min(18, Math.max(HEAD.citation.length, ...rows.map((o) => o.citation.length))),
    title: Math.min(36, Math.max(HEAD.title.length, ...rows.map((o) => o.title.length))),
    status: Math.max(HEAD.status.length, ...rows.map((o) => o.status.length)),
    due: summary.binding ? Math.max(HEAD.due.length, ...rows.map((o) => due(o).length)) : 0,
  }
  const minEvidence = 12
  const others = () =>
    indent + w.citation + gap + w.title + gap + w.status + gap + (w.due > 0 ? w.due + gap : 0)
  // Narrow terminals: give up title width first, down to 10 characters, then evidence width.
  w.title = Math.max(10, w.title - Math.max(0, others() + minEvidence - width))
  const evidenceWidth = Math.max(8, width - others())
  const actionIndent = indent + w.citation + gap
  const actionWidth = Math.max(20, width - actionIndent)

  const line = (c: {
    citation: string
    title: string
    status: string
    due: string
    last: string
  }) =>
    (
      ' '.repeat(indent) +
      pad(c.citation, w.citation) +
      ' '.repeat(gap) +
      pad(c.title, w.title) +
      ' '.repeat(gap) +
      c.status +
      ' '.repeat(gap) +
      (w.due > 0 ? pad(c.due, w.due) + ' '.repeat(gap) : '') +
      c.last
    ).trimEnd()

  const out = [
    line({
      citation: HEAD.citation,
      title: HEAD.title,
      status: pad(HEAD.status, w.status),
      due: HEAD.due,
      last: HEAD.last,
    }),
  ]
  for (const o of rows) {
    const status = pad(o.status, w.status)
    const coloured = color && COLOURS[o.status] ? `${COLOURS[o.status]}${status}${RESET}` : status
    out.push(
      line({
        citation: truncate(o.citation, w.citation),
        title: truncate(o.title, w.title),
        status: coloured,
        due: due(o),
        last: truncate(ids(o), evidenceWidth),
      }),
    )
    if (o.status !== 'met' && o.action) {
      for (const l of wrap(o.action, actionWidth)) out.push(' '.repeat(actionIndent) + l)
    }
  }
  return out
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

/** Cuts `s` to `n` characters, ending with `…` when cut. */
function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, Math.max(0, n - 1)) + '…'
}

/** Word-wraps `text` to lines of at most `n` characters; longer words are split. */
function wrap(text: string, n: number): string[] {
  const lines: string[] = []
  let current = ''
  for (let word of text.split(/\s+/).filter((x) => x !== '')) {
    while (word.length > n) {
      if (current) lines.push(current)
      current = ''
      lines.push(word.slice(0, n))
      word = word.slice(n)
    }
    if (!current) current = word
    else if (current.length + 1 + word.length <= n) current += ' ' + word
    else {
      lines.push(current)
      current = word
    }
  }
  if (current) lines.push(current)
  return lines
}
