/**
 * NIST AI RMF 1.0 profile: every subcategory, grouped by function and category, with its status,
 * the evidence behind it (directly, or through a crosswalk from an EU AI Act obligation) and the
 * action that would close a gap.
 *
 * Subcategories come from the catalog (in catalog order) and from the assessment; one the
 * assessment did not cover is listed as `not assessed`, so none silently disappears.
 */
import type { ObligationAssessment } from '../assess/types.js'
import type { CatalogNode } from '../catalog/schema.js'
import { catalogOf, headerBlock, localId, type DocumentContext } from './context.js'
import { code, compareIds, joinBlocks, md, mdOr, table } from './markdown.js'

const NIST = 'nist-ai-rmf'

type Row = { id: string; node: CatalogNode | undefined; assessed: ObligationAssessment | undefined }
interface Group {
  id: string
  node: CatalogNode | undefined
  categories: { id: string; node: CatalogNode | undefined; rows: Row[] }[]
}

type RowStatus = 'met' | 'partial' | 'missing' | 'not-applicable' | 'not assessed'

/** Groups the subcategories by function and category (catalog order, then natural id order). */
function groupSubcategories(ctx: DocumentContext): Group[] {
  const catalog = catalogOf(ctx, NIST)
  const nodes = catalog?.nodes ?? []
  const byUrn = new Map(nodes.map((n) => [n.urn, n]))
  const assessed = new Map(
    ctx.assessment.obligations
      .filter((o) => o.framework === NIST)
      .map((o) => [localId(o.id), o] as const),
  )
  const rows: Row[] = nodes
    .filter((n) => n.kind === 'subcategory')
    .map((n) => ({ id: n.id, node: n, assessed: assessed.get(n.id) }))
  const known = new Set(rows.map((r) => r.id))
  const extra = [...assessed.keys()].filter((id) => !known.has(id)).sort(compareIds)
  for (const id of extra) rows.push({ id, node: undefined, assessed: assessed.get(id) })

  const groups: Group[] = []
  const groupOf = (id: string, node: CatalogNode | undefined): Group => {
    let g = groups.find((x) => x.id === id)
    if (!g) {
      g = { id, node, categories: [] }
      groups.push(g)
    }
    return g
  }
  for (const row of rows) {
    const category = row.node?.parent_urn ? byUrn.get(row.node.parent_urn) : undefined
    const fn = category?.parent_urn ? byUrn.get(category.parent_urn) : undefined
    // Without catalog nodes, derive the parents from the id: `govern-1.1` -> `govern-1` -> `govern`.
    const categoryId = category?.id ?? row.id.replace(/\.[^.]*$/, '')
    const fnId = fn?.id ?? categoryId.replace(/-[^-]*$/, '')
    const g = groupOf(fnId, fn)
    let c = g.categories.find((x) => x.id === categoryId)
    if (!c) {
      c = { id: categoryId, node: category, rows: [] }
      g.categories.push(c)
    }
    c.rows.push(row)
  }
  return groups
}

function statusOf(row: Row): RowStatus {
  return row.assessed?.status ?? 'not assessed'
}

function refOf(id: string, node: CatalogNode | undefined): string {
  return node?.ref_id ?? id.toUpperCase().replace(/-/, ' ')
}

export function renderNistProfile(ctx: DocumentContext): string {
  const groups = groupSubcategories(ctx)
  const nist = ctx.assessment.frameworks.find((f) => f.framework === NIST)
  const blocks: string[] = [
    `# NIST AI RMF 1.0 profile: ${md(ctx.manifest.system.name)}`,
    headerBlock(ctx),
    'This profile lists every subcategory of the NIST AI Risk Management Framework 1.0 ' +
      '(NIST AI 100-1) with its status, the evidence that supports it (named directly in the ' +
      'manifest, or reached through a crosswalk from an EU AI Act obligation) and what would ' +
      'close a gap. The AI RMF is voluntary.',
  ]
  if (nist)
    blocks.push(
      `Readiness: ${Math.round(nist.readiness * 100)}% (${nist.met} met, ${nist.partial} partial, ` +
        `${nist.missing} missing, ${nist.notApplicable} not applicable, of ${nist.total}).`,
    )

  blocks.push(
    '## Summary by function',
    table(
      ['Function', 'Subcategories', 'Met', 'Partial', 'Missing', 'Not applicable', 'Not assessed'],
      groups.map((g) => {
        const rows = g.categories.flatMap((c) => c.rows)
        const count = (s: RowStatus): string => String(rows.filter((r) => statusOf(r) === s).length)
        return [
          md(refOf(g.id, g.node)),
          String(rows.length),
          count('met'),
          count('partial'),
          count('missing'),
          count('not-applicable'),
          count('not assessed'),
        ]
      }),
    ),
  )

  for (const g of groups) {
    blocks.push(`## ${md(refOf(g.id, g.node))}${g.node ? `: ${md(g.node.name)}` : ''}`)
    for (const c of g.categories) {
      blocks.push(`### ${md(refOf(c.id, c.node))}${c.node ? `: ${md(c.node.name)}` : ''}`)
      blocks.push(
        table(
          ['Subcategory', 'Status', 'Evidence', 'Via', 'Action'],
          c.rows.map((r) => subcategoryRow(ctx, r)),
        ),
      )
    }
  }
  return joinBlocks(blocks)
}

function subcategoryRow(ctx: DocumentContext, r: Row): string[] {
  const title = r.node?.name ?? r.assessed?.title
  const name = `${md(refOf(r.id, r.node))}${title ? ` ${md(title)}` : ''}`
  const uses = [...(r.assessed?.evidence ?? [])].sort(
    (a, b) => compareIds(a.evidenceId, b.evidenceId) || compareIds(viaText(a.via), viaText(b.via)),
  )
  const evidence = uses.map((u) => {
    const e = ctx.evidenceById.get(u.evidenceId)
    return `${md(u.evidenceId)}${e ? ` ${md(e.title)}` : ''} ${code(u.sha256.slice(0, 12))}`
  })
  const via = uses.map((u) => md(viaText(u.via)))
  const status = statusOf(r)
  const action =
    status === 'partial' || status === 'missing'
      ? mdOr(r.assessed?.action ?? r.node?.evidence_hint)
      : status === 'not-applicable'
        ? mdOr(r.assessed?.reason)
        : '—'
  return [
    name,
    status,
    evidence.length > 0 ? evidence.join('<br>') : '—',
    via.length > 0 ? via.join('<br>') : '—',
    action,
  ]
}

function viaText(via: ObligationAssessment['evidence'][number]['via']): string {
  if (via === 'direct') return 'direct'
  return `crosswalk from ${via.from} (${via.relation}, ${via.source}, ${via.confidence} confidence)`
}
