/**
 * Classification report: the EU AI Act category and how it was reached (every rule of the trace),
 * with the obligations in force and upcoming under the law version used.
 */
import type { ObligationInForce } from '../classify/types.js'
import { FACTS } from '../classify/facts.js'
import {
  CATEGORY_LABELS,
  classificationLine,
  headerBlock,
  nodeById,
  type DocumentContext,
} from './context.js'
import { bullets, code, compareIds, factTable, joinBlocks, md, table, yesNo } from './markdown.js'
import { legacySentences } from '../classify/rules/legacy.js'

export function renderClassificationReport(ctx: DocumentContext): string {
  const { manifest: m, classification } = ctx
  const eu = classification.euAiAct
  const blocks: string[] = [
    `# EU AI Act classification report: ${md(m.system.name)}`,
    headerBlock(ctx),
    '## Result',
    bullets([
      `Category: **${CATEGORY_LABELS[eu.category]}**`,
      `All categories: ${eu.categories.map((c) => CATEGORY_LABELS[c]).join('; ') || '—'}`,
      `Citations: ${eu.citations.map((c) => md(c)).join('; ') || '—'}`,
      `Roles: ${
        [...eu.roles]
          .sort(compareIds)
          .map((r) => md(r))
          .join(', ') || '—'
      }`,
      `As of: ${md(eu.asOf)}`,
      `Law version used: ${md(eu.lawVersion.title)} (${code(eu.lawVersion.id)}); ${md(eu.lawVersion.source)}`,
      ...legacySentences(eu.legacy, eu.asOf).map((s) => `Transitional rule: ${md(s)}`),
    ]),
    `Summary: ${classificationLine(ctx)}.`,
    '## Declared use cases',
    bullets(m.classification.useCases.map((u) => md(u))),
    ...gpaiBlocks(ctx),
    '## Derogation (Art. 6(3))',
    bullets([
      `Claimed: ${yesNo(eu.derogation.claimed)}`,
      `Applied: ${yesNo(eu.derogation.applied)}`,
      `Conditions: ${eu.derogation.conditions.map((c) => md(c)).join(', ') || '—'}`,
      `Reason: ${md(eu.derogation.reason) || '—'}`,
    ]),
    '## High-risk routes',
    eu.highRiskRoutes.length > 0
      ? table(
          ['Route', 'Point', 'Node'],
          eu.highRiskRoutes.map((r) => [
            r.route === 'annex-i' ? 'Art. 6(1), Annex I' : 'Art. 6(2), Annex III',
            md(r.point),
            code(r.nodeId),
          ]),
        )
      : 'None.',
    '## Prohibited practices (Art. 5)',
    eu.prohibitedPractices.length > 0
      ? table(
          ['Point', 'Node', 'Applies from', 'In force on the as-of date'],
          eu.prohibitedPractices.map((p) => [
            md(p.point),
            code(p.nodeId),
            md(p.appliesFrom),
            yesNo(p.inForce),
          ]),
        )
      : 'None.',
    '## Transparency obligations (Art. 50)',
    eu.transparency.length > 0
      ? table(
          ['Point', 'Node'],
          eu.transparency.map((t) => [md(t.point), code(t.nodeId)]),
        )
      : 'None.',
    '## Facts',
    'The classification facts that obligations are evaluated on:',
    eu.facts.length > 0
      ? factTable(
          [...eu.facts]
            .sort(compareIds)
            .map((f): [string, string] => [code(f), md(factMeaning(ctx, f))]),
        )
      : 'None.',
    '## Trace',
    'Every rule the classifier checked, in order:',
    table(
      ['#', 'Rule', 'Cites', 'Outcome', 'Reasoning'],
      eu.trace.map((t, i) => [String(i + 1), md(t.rule), md(t.cites), t.outcome, md(t.reasoning)]),
    ),
    `## Obligations in force on ${md(eu.asOf)}`,
    obligationTable(eu.obligations),
    '## Upcoming obligations',
    obligationTable(eu.upcoming),
    `Dates of application are those of the law version used: ${md(eu.lawVersion.title)} ` +
      `(${code(eu.lawVersion.id)}).`,
    '## Disclaimer',
    'This report is produced automatically from the information in the system manifest and the ' +
      'rules encoded in the catalogs named above. It is not legal advice. A classification depends ' +
      'on facts that Accord cannot verify; have it reviewed by a qualified person before relying on it.',
  ]
  return joinBlocks(blocks)
}

function gpaiBlocks(ctx: DocumentContext): string[] {
  const eu = ctx.classification.euAiAct
  const status =
    eu.gpai === null
      ? 'Not a provider of a general-purpose AI model'
      : eu.gpai === 'gpai'
        ? 'General-purpose AI model (Chapter V)'
        : 'General-purpose AI model with systemic risk (Art. 51)'
  const blocks = [
    '## General-purpose AI models',
    bullets([
      `Status: ${status}`,
      `Open-source exemption (Art. 53(2)): ${yesNo(eu.gpaiDetail.openSourceExemption)}`,
    ]),
  ]
  if (eu.gpaiDetail.models.length > 0)
    blocks.push(
      table(
        ['Model', 'Status', 'Open-source exemption', 'Reason'],
        eu.gpaiDetail.models.map((x) => [
          md(x.name),
          x.status,
          yesNo(x.openSourceExemption),
          md(x.reason),
        ]),
      ),
    )
  return blocks
}

function factMeaning(ctx: DocumentContext, fact: string): string {
  if (fact in FACTS) return FACTS[fact as keyof typeof FACTS]
  const node = nodeById(ctx, 'eu-ai-act', fact)
  return node ? `${node.ref_id}: ${node.name}` : 'Matched point (see the trace)'
}

function obligationTable(obligations: readonly ObligationInForce[]): string {
  if (obligations.length === 0) return 'None.'
  const sorted = [...obligations].sort(
    (a, b) => compareIds(a.appliesFrom, b.appliesFrom) || compareIds(a.id, b.id),
  )
  return table(
    ['Obligation', 'Citation', 'Title', 'Roles', 'Applies from', 'Status'],
    sorted.map((o) => [
      code(o.id),
      md(o.citation),
      md(o.title),
      [...o.roles]
        .sort(compareIds)
        .map((r) => md(r))
        .join(', '),
      md(o.appliesFrom),
      o.status,
    ]),
  )
}
