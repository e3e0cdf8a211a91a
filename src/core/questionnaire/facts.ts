/**
 * Facts: what Accord itself computes about the system (its EU AI Act classification, the
 * obligations in force, the readiness per framework, the gaps in force, the law version applied),
 * which a question can ask for by id in its `facts`. A small, fixed vocabulary: each fact is plain
 * text for a spreadsheet cell, in the words `accord classify` and `accord assess` print. A fact
 * that does not apply to the system (no general-purpose AI model, nothing in force yet) says so.
 *
 * A fact is a statement of what Accord computed, not a compliance claim: a question answered from
 * facts only is `met` once they are computed (docs/questionnaires.md).
 */
import { distance } from 'fastest-levenshtein'
import { frameworkHeading, readinessSummary } from '../assess/gap-table.js'
import type { AssessmentResult } from '../assess/types.js'
import { legacySentences } from '../classify/rules/legacy.js'
import type { ClassificationResult, ObligationInForce } from '../classify/types.js'

export const FACT_IDS = [
  'eu-ai-act.classification',
  'eu-ai-act.obligations-in-force',
  'readiness',
  'gaps',
  'law-version',
] as const
export type FactId = (typeof FACT_IDS)[number]

/**
 * The fact `id` names, or the one it most likely means (`clasification`, `classification`), or
 * undefined.
 */
export function suggestFact(id: string): FactId | undefined {
  const lower = id.trim().toLowerCase()
  const byTail = (f: FactId) => f.slice(f.lastIndexOf('.') + 1)
  const close = (a: string, b: string) => distance(a, b) <= Math.max(2, Math.floor(b.length / 4))
  return (
    FACT_IDS.find((f) => close(lower, f)) ??
    FACT_IDS.find(
      (f) => close(lower, byTail(f)) || close(lower.slice(lower.lastIndexOf('.') + 1), byTail(f)),
    )
  )
}

/** What each fact is, for answers (its label) and for help texts. */
export const FACT_LABELS: Record<FactId, string> = {
  'eu-ai-act.classification': "EU AI Act classification (Accord's)",
  'eu-ai-act.obligations-in-force': 'EU AI Act obligations in force',
  readiness: 'Readiness per framework',
  gaps: 'Gaps in force',
  'law-version': 'Version of the EU AI Act applied',
}

export function isFactId(id: string): id is FactId {
  return (FACT_IDS as readonly string[]).includes(id)
}

export interface FactSources {
  classification: ClassificationResult
  assessment: AssessmentResult
}

/** The fact as plain text (lines joined by `\n`), computed from the classification and assessment. */
export function factText(id: FactId, sources: FactSources): string {
  switch (id) {
    case 'eu-ai-act.classification':
      return classificationFact(sources.classification)
    case 'eu-ai-act.obligations-in-force':
      return obligationsFact(sources.classification)
    case 'readiness':
      return readinessFact(sources.assessment)
    case 'gaps':
      return gapsFact(sources.assessment)
    case 'law-version':
      return lawVersionFact(sources.classification, sources.assessment)
  }
}

function classificationFact(c: ClassificationResult): string {
  const eu = c.euAiAct
  const also = eu.categories.filter((x) => x !== eu.category)
  const cited = eu.citations.length > 0 ? ` (${eu.citations.join(', ')})` : ''
  const lines = [
    `Category: ${eu.category}${cited}${also.length > 0 ? `; also ${also.join(', ')}` : ''}.`,
    `Roles: ${eu.roles.join(', ') || 'none'}.`,
  ]
  if (eu.gpai === null) {
    lines.push(
      'General-purpose AI model: not applicable; the supplier places no general-purpose AI model of its own on the market.',
    )
  } else {
    const models = eu.gpaiDetail.models.map((m) => `${m.name} (${m.status})`).join(', ')
    lines.push(
      `General-purpose AI model: ${eu.gpai}${models === '' ? '' : `: ${models}`}` +
        `${eu.gpaiDetail.openSourceExemption ? '; open-source exemption (Art. 53(2))' : ''}.`,
    )
  }
  lines.push(
    `Art. 6(3) derogation: ${
      eu.derogation.claimed
        ? `${eu.derogation.applied ? 'applied' : 'claimed, not applied'}: ${eu.derogation.reason}`
        : 'not claimed.'
    }`,
  )
  for (const sentence of legacySentences(eu.legacy, eu.asOf)) lines.push(`Legacy: ${sentence}`)
  return lines.join('\n')
}

function obligationLine(o: ObligationInForce, when: string): string {
  return `• ${o.citation} ${o.title} (${when} ${o.appliesFrom})`
}

function obligationsFact(c: ClassificationResult): string {
  const eu = c.euAiAct
  const lines: string[] = []
  if (eu.obligations.length === 0) lines.push(`In force on ${eu.asOf}: none.`)
  else {
    lines.push(`In force on ${eu.asOf}: ${eu.obligations.length}.`)
    for (const o of eu.obligations) lines.push(obligationLine(o, 'since'))
  }
  if (eu.upcoming.length === 0) {
    lines.push('Upcoming: none.')
    return lines.join('\n')
  }
  lines.push(`Upcoming: ${eu.upcoming.length}.`)
  // Grouped by date: a high-risk system has a hundred or more, mostly on one date.
  const byDate = new Map<string, ObligationInForce[]>()
  for (const o of eu.upcoming) byDate.set(o.appliesFrom, [...(byDate.get(o.appliesFrom) ?? []), o])
  for (const date of [...byDate.keys()].sort()) {
    const list = byDate.get(date) as ObligationInForce[]
    // Listed by their highest entries: Art. 9 stands for Art. 9(1), 9(2)(a), ... of that date.
    const heads = list.filter((o) => !list.some((p) => o.id.startsWith(`${p.id}.`)))
    const more = list.length > heads.length ? ' (with their points)' : ''
    lines.push(
      `• From ${date}: ${list.length} under ${heads.map((o) => o.citation).join(', ')}${more}.`,
    )
  }
  return lines.join('\n')
}

function readinessFact(a: AssessmentResult): string {
  return a.frameworks.map((s) => `${frameworkHeading(s)}: ${readinessSummary(s)}.`).join('\n')
}

function gapsFact(a: AssessmentResult): string {
  const binding = new Set(a.frameworks.filter((f) => f.binding === true).map((f) => f.framework))
  const open = (o: AssessmentResult['obligations'][number]) =>
    binding.has(o.framework) && (o.status === 'missing' || o.status === 'partial')
  const inForce = a.obligations.filter((o) => open(o) && o.inForce === true)
  const lines: string[] = []
  if (binding.size === 0)
    lines.push(
      'Not computed: no law was assessed (only voluntary frameworks), so there are no gaps in force to state.',
    )
  else if (inForce.length === 0)
    lines.push(`No binding obligation in force on ${a.asOf} is partial or missing.`)
  else {
    lines.push(
      `${inForce.length} binding obligation${inForce.length === 1 ? '' : 's'} in force on ${a.asOf} ${inForce.length === 1 ? 'is' : 'are'} partial or missing:`,
    )
    for (const o of inForce) lines.push(`• ${o.citation} ${o.title} [${o.id}]: ${o.status}.`)
  }
  const upcoming = a.gapsUpcoming ?? 0
  if (upcoming > 0)
    lines.push(
      `${upcoming} more ${upcoming === 1 ? 'is' : 'are'} partial or missing and not yet in force.`,
    )
  for (const s of a.frameworks.filter((f) => f.binding !== true && (f.gaps ?? 0) > 0))
    lines.push(
      `${s.name} (voluntary): ${s.gaps} entries partial or missing, not counted as gaps in force.`,
    )
  return lines.join('\n')
}

function lawVersionFact(c: ClassificationResult, a: AssessmentResult): string {
  const law = c.euAiAct.lawVersion
  const catalog = c.catalogs.find((k) => k.urn.includes('eu-ai-act'))
  const lines = [
    `${law.title} (${law.source}).`,
    `Applied as of ${c.asOf} (law version id ${law.id}).`,
  ]
  if (catalog !== undefined)
    lines.push(`Catalog ${catalog.urn} version ${catalog.version}, SHA-256 ${catalog.sha256}.`)
  if (a.lawVersion !== undefined && a.lawVersion.id !== law.id)
    lines.push(`The assessment used ${a.lawVersion.title}.`)
  return lines.join('\n')
}
