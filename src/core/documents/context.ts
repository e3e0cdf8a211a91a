/**
 * What every document generator needs: the inputs, plus lookups built once (evidence by id,
 * assessed obligations by id, catalog nodes by id) and the common header block.
 */
import type { AssessmentResult, HashedEvidence, ObligationAssessment } from '../assess/types.js'
import type { CatalogSet } from '../catalog/types.js'
import type { Catalog, CatalogNode } from '../catalog/schema.js'
import type { ClassificationResult, EuCategory } from '../classify/types.js'
import { legacyHighRiskSentence } from '../classify/rules/legacy.js'
import type { Manifest } from '../manifest/schema.js'
import { code, compareIds, fieldTable, md, table } from './markdown.js'

export interface GeneratorInfo {
  name: string
  version: string
}

export interface DocumentContext {
  manifest: Manifest
  classification: ClassificationResult
  assessment: AssessmentResult
  catalogs: CatalogSet
  generator: GeneratorInfo | undefined
  evidenceById: ReadonlyMap<string, HashedEvidence>
  /** Assessed obligations by short id (`eu-ai-act:art-9`). */
  obligationsById: ReadonlyMap<string, ObligationAssessment>
}

export function createContext(input: {
  manifest: Manifest
  classification: ClassificationResult
  assessment: AssessmentResult
  catalogs: CatalogSet
  generator?: GeneratorInfo | undefined
}): DocumentContext {
  return {
    manifest: input.manifest,
    classification: input.classification,
    assessment: input.assessment,
    catalogs: input.catalogs,
    generator: input.generator,
    evidenceById: new Map(input.assessment.evidence.map((e) => [e.id, e])),
    obligationsById: new Map(
      input.assessment.obligations.map((o) => [shortId(o.framework, o.id), o]),
    ),
  }
}

/** `eu-ai-act:art-9` from either `art-9` or `eu-ai-act:art-9`. */
export function shortId(framework: string, id: string): string {
  return id.startsWith(framework + ':') ? id : `${framework}:${id}`
}

/** The local id (`art-9`) of a short id (`eu-ai-act:art-9`). */
export function localId(id: string): string {
  const i = id.indexOf(':')
  return i < 0 ? id : id.slice(i + 1)
}

export function catalogOf(ctx: DocumentContext, framework: string): Catalog | undefined {
  return ctx.catalogs.catalogs.get(framework)
}

export function nodeById(
  ctx: DocumentContext,
  framework: string,
  id: string,
): CatalogNode | undefined {
  return catalogOf(ctx, framework)?.nodes.find((n) => n.id === id)
}

/** Child nodes of a node, in catalog order. */
export function childNodes(ctx: DocumentContext, node: CatalogNode): CatalogNode[] {
  const urns = ctx.catalogs.childrenByUrn.get(node.urn)
  const fromIndex = (urns ?? [])
    .map((u) => ctx.catalogs.nodesByUrn.get(u)?.node)
    .filter((n): n is CatalogNode => n !== undefined)
  if (fromIndex.length > 0) return fromIndex
  for (const c of ctx.catalogs.catalogs.values()) {
    if (c.nodes.includes(node)) return c.nodes.filter((n) => n.parent_urn === node.urn)
  }
  return []
}

export const CATEGORY_LABELS: Record<EuCategory, string> = {
  prohibited: 'Prohibited AI practice (Art. 5)',
  'high-risk': 'High-risk AI system',
  transparency: 'Transparency obligations (Art. 50)',
  minimal: 'Minimal risk',
  'out-of-scope': 'Outside the scope of the AI Act',
}

export function isHighRisk(ctx: DocumentContext): boolean {
  const eu = ctx.classification.euAiAct
  return eu.category === 'high-risk' || eu.categories.includes('high-risk')
}

export function isProhibited(ctx: DocumentContext): boolean {
  const eu = ctx.classification.euAiAct
  return eu.category === 'prohibited' || eu.categories.includes('prohibited')
}

/**
 * Whether the vendor draws up the Annex IV documentation and the EU declaration of conformity: the
 * provider does (Arts. 11(1), 16, 47), and so does a product manufacturer that is the provider
 * under Art. 25(3). A deployer, importer, distributor or authorised representative does not.
 */
export function isProviderSide(ctx: DocumentContext): boolean {
  return ctx.manifest.roles.some((r) => r === 'provider' || r === 'product-manufacturer')
}

/**
 * For a vendor that is not the provider: a note that `what` is the provider's document, so the one
 * generated here only sets out what the manifest says. Undefined for the provider.
 */
export function notProviderNote(ctx: DocumentContext, what: string): string | undefined {
  if (isProviderSide(ctx)) return undefined
  const roles = ctx.manifest.roles.map((r) => md(r)).join(', ')
  return (
    `> **Note:** the manifest does not list the vendor as provider (\`roles\`: ${roles}). ${what} ` +
    'is drawn up by the provider; this copy only sets out what the manifest says, to compare with ' +
    "the provider's own. It is not the vendor's to complete or sign."
  )
}

/** Whether the assessment behind the documents covered the EU AI Act (it may not: `--frameworks`). */
export function euAssessed(ctx: DocumentContext): boolean {
  return ctx.assessment.frameworks.some((f) => f.framework === 'eu-ai-act')
}

/** For documents built on an assessment without the EU AI Act: its gaps are unknown, not absent. */
export function euNotAssessedNote(ctx: DocumentContext, consequence: string): string | undefined {
  if (euAssessed(ctx)) return undefined
  return (
    '> **Not assessed:** the assessment behind this document did not cover the EU AI Act (its ' +
    `frameworks: ${ctx.assessment.frameworks.map((f) => md(f.framework)).join(', ') || 'none'}), ` +
    `so ${consequence}. Generate it with \`eu-ai-act\` among the frameworks (the default).`
  )
}

/**
 * A system high-risk under Art. 6(1) only through an Annex I Section B act (fact `art-2.2`): under
 * Art. 2(2) the Chapter III requirements, Arts. 11 and 47 among them, reach it through that sector
 * legislation, not directly (the classifier and the catalog list no Chapter III obligation for it).
 */
export function sectionBOnly(ctx: DocumentContext): boolean {
  return ctx.classification.euAiAct.facts.includes('art-2.2')
}

/** The note for such a system: `what` (e.g. "Art. 11 technical documentation") is not required. */
export function sectionBNote(
  ctx: DocumentContext,
  what: string,
  consequence: string,
): string | undefined {
  if (!sectionBOnly(ctx)) return undefined
  const sc = ctx.manifest.classification.safetyComponent
  return (
    '> **Note:** this system is high-risk under Art. 6(1) only through legislation in Annex I ' +
    `Section B${sc ? ` (${md(sc.legislation)})` : ''}. Under Art. 2(2) the Chapter III requirements, ` +
    `${what} among them, apply to it through that legislation, not directly; ${consequence}.`
  )
}

/**
 * For a high-risk system already on the market before its Chapter III date (Art. 111(2)): `what`
 * is not yet required. Undefined otherwise.
 */
export function legacyNote(ctx: DocumentContext, what: string): string | undefined {
  const legacy = ctx.classification.euAiAct.legacy.highRisk
  if (!legacy) return undefined
  return `> **Note:** ${md(legacyHighRiskSentence(legacy, ctx.classification.euAiAct.asOf))} Until then, ${what} is not required by the Act.`
}

/**
 * The notes of the Annex IV documentation and the declaration that apply to this system, in order:
 * Annex I Section B only (`sectionBNote`), Art. 111(2) legacy system (`legacyNote`), vendor not the provider (`notProviderNote`), EU AI Act
 * not assessed (`euNotAssessedNote`).
 */
export function scopeNotes(
  ctx: DocumentContext,
  texts: {
    sectionB: [what: string, consequence: string]
    notProvider: string
    notAssessed: string
  },
): string[] {
  return [
    sectionBNote(ctx, ...texts.sectionB),
    legacyNote(ctx, texts.sectionB[0]),
    notProviderNote(ctx, texts.notProvider),
    euNotAssessedNote(ctx, texts.notAssessed),
  ].filter((n): n is string => n !== undefined)
}

/** `High-risk AI system — Art. 6(2); Annex III 4(a)` */
export function classificationLine(ctx: DocumentContext): string {
  const eu = ctx.classification.euAiAct
  const cites = eu.citations
  return `${CATEGORY_LABELS[eu.category]}${cites.length > 0 ? ` — ${cites.map((c) => md(c)).join('; ')}` : ''}`
}

/** The header block every document starts with, after its title. */
export function headerBlock(ctx: DocumentContext): string {
  const { manifest, classification, assessment } = ctx
  const eu = classification.euAiAct
  const lv = eu.lawVersion
  // The catalogs this classification and assessment used (pinned in the classification result).
  const refs = [...classification.catalogs].sort((a, b) => compareIds(a.urn, b.urn))
  const rows: [string, string][] = [
    ['System', md(manifest.system.name)],
    ['Version', md(manifest.system.version)],
    ['Provider', `${md(manifest.provider.name)} (${md(manifest.provider.country)})`],
    ['Classification (EU AI Act)', classificationLine(ctx)],
    ['As of', md(classification.asOf)],
    ['Law version used', `${md(lv.title)} (${code(lv.id)}); ${md(lv.source)}`],
    ...refs.map((r): [string, string] => [
      'Catalog',
      `${md(r.urn)} version ${r.version}, SHA-256 ${code(r.sha256)}`,
    ]),
    ['Manifest SHA-256', code(assessment.manifestSha256)],
  ]
  if (ctx.generator)
    rows.push(['Generated by', `${md(ctx.generator.name)} ${md(ctx.generator.version)}`])
  return fieldTable(rows)
}

/** Evidence linked to a set of obligations, with the obligations it supports there. */
export interface LinkedEvidence {
  evidence: HashedEvidence
  /** Short ids of the obligations (among those asked for) it supports. */
  supports: string[]
}

/**
 * Evidence supporting any of `ids` (EU short ids such as `eu-ai-act:art-10`; a prefix match also
 * takes in sub-points such as `eu-ai-act:art-10.2.f`), or exactly one of `exactIds`. Found through the assessment (which also
 * knows crosswalked evidence) and through the evidence items' own `supports` lists.
 */
export function evidenceFor(
  ctx: DocumentContext,
  ids: readonly string[],
  exactIds: readonly string[] = [],
): LinkedEvidence[] {
  const matches = (id: string): boolean =>
    exactIds.includes(id) || ids.some((want) => id === want || id.startsWith(want + '.'))
  const found = new Map<string, Set<string>>()
  const add = (evidenceId: string, obligation: string): void => {
    if (!ctx.evidenceById.has(evidenceId)) return
    const set = found.get(evidenceId) ?? new Set<string>()
    set.add(obligation)
    found.set(evidenceId, set)
  }
  for (const [id, o] of ctx.obligationsById) {
    if (!matches(id)) continue
    for (const use of o.evidence) add(use.evidenceId, id)
  }
  for (const e of ctx.assessment.evidence) {
    for (const s of e.supports) if (matches(s)) add(e.id, s)
  }
  return [...found.entries()]
    .sort((a, b) => compareIds(a[0], b[0]))
    .map(([id, supports]) => ({
      evidence: ctx.evidenceById.get(id) as HashedEvidence,
      supports: [...supports].sort(compareIds),
    }))
}

/** Human form of an EU short id when the catalog knows it: `Art. 10(2)`; else the id. */
export function citationOf(ctx: DocumentContext, id: string): string {
  const o = ctx.obligationsById.get(id)
  if (o) return o.citation
  const i = id.indexOf(':')
  const node = i < 0 ? undefined : nodeById(ctx, id.slice(0, i), id.slice(i + 1))
  return node?.ref_id ?? id
}

/**
 * What a document says of an evidence item's validity after its title: nothing without
 * `validUntil`; ` (valid until D)`; or, past it on the assessment date, that it expired and does
 * not count (assessment rule 7).
 */
export function validityNote(ctx: DocumentContext, e: HashedEvidence): string {
  if (e.validUntil === undefined) return ''
  return e.validUntil < ctx.assessment.asOf
    ? ` (**expired** on ${e.validUntil}: not counted as of ${ctx.assessment.asOf})`
    : ` (valid until ${e.validUntil})`
}

/** A table of evidence: id, title, type, path, SHA-256, what it supports. */
export function evidenceTable(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string {
  return table(
    ['Evidence', 'Title', 'Type', 'File', 'SHA-256', 'Supports'],
    linked.map(({ evidence: e, supports }) => [
      md(e.id),
      md(e.title) + (e.partial ? ' (partial)' : '') + validityNote(ctx, e),
      md(e.type),
      md(e.path),
      code(e.sha256),
      supports.map((s) => md(citationOf(ctx, s))).join('; '),
    ]),
  )
}
