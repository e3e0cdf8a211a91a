/**
 * Shared state of one EU AI Act classification run, and catalog look-ups the rules use.
 *
 * The rules in this folder hold the *structure* of the Act (which article is checked when, what
 * carves out what); the *mappings* (which use case falls under which Annex III point or Art. 5(1)
 * practice, which Annex I act is in which section, when each obligation applies) are read from the
 * catalog, so that they can be corrected as data.
 */
import {
  applicationDate,
  compareIsoDates,
  type ApplicationDate,
} from '../../catalog/applicability.js'
import type { Catalog, CatalogNode, LawVersion, Route } from '../../catalog/schema.js'
import type { Manifest } from '../../manifest/schema.js'
import type { TraceStep } from '../types.js'

export interface CatalogIndex {
  catalog: Catalog
  byId: ReadonlyMap<string, CatalogNode>
  byUrn: ReadonlyMap<string, CatalogNode>
  /** Law versions from oldest to newest. */
  versions: readonly LawVersion[]
}

export interface RuleContext {
  manifest: Manifest
  asOf: string
  index: CatalogIndex
  /** The law version in force on `asOf`. */
  lawVersion: LawVersion
  /** Classification facts found so far (see ../facts.ts). */
  facts: Set<string>
  /** Citations in the order the rules found them (deduplicated on output). */
  citations: string[]
  trace: TraceStep[]
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const byId = new Map<string, CatalogNode>()
  const byUrn = new Map<string, CatalogNode>()
  for (const node of catalog.nodes) {
    byId.set(node.id, node)
    byUrn.set(node.urn, node)
  }
  const versions = [...(catalog.law_versions ?? [])].sort((a, b) =>
    compareIsoDates(a.in_force_from, b.in_force_from),
  )
  return { catalog, byId, byUrn, versions }
}

export function record(ctx: RuleContext, step: TraceStep): void {
  ctx.trace.push(step)
}

export function cite(ctx: RuleContext, ...refs: string[]): void {
  for (const ref of refs) if (!ctx.citations.includes(ref)) ctx.citations.push(ref)
}

/** The node and its ancestors, nearest first. Stops on a missing or cyclic parent. */
export function lineage(index: CatalogIndex, node: CatalogNode): CatalogNode[] {
  const out: CatalogNode[] = [node]
  const seen = new Set<string>([node.urn])
  let parentUrn = node.parent_urn
  while (parentUrn !== undefined && !seen.has(parentUrn)) {
    const parent = index.byUrn.get(parentUrn)
    if (!parent) break
    out.push(parent)
    seen.add(parentUrn)
    parentUrn = parent.parent_urn
  }
  return out
}

/**
 * True when the node is part of law version `versionId`: neither it nor an ancestor restricts
 * `law_versions` to other versions (e.g. Art. 5(1)(ba), added by Reg. (EU) 2026/1744).
 */
export function existsIn(index: CatalogIndex, node: CatalogNode, versionId: string): boolean {
  if (index.versions.length === 0) return true
  return lineage(index, node).every((n) => !n.law_versions || n.law_versions.includes(versionId))
}

/**
 * Date of application of a node under a law version, taken from the node's own obligation or,
 * when it has none, from its nearest ancestor that has one.
 */
export function inheritedApplicationDate(
  index: CatalogIndex,
  node: CatalogNode,
  versionId: string,
  routes: readonly Route[],
): ApplicationDate | undefined {
  for (const n of lineage(index, node)) {
    if (!n.obligation) continue
    return applicationDate(index.catalog, n, versionId, routes)
  }
  return undefined
}

/**
 * For a node not part of the version in force: the first later version that has it, and its date
 * of application there (for "will apply from ..." notes).
 */
export function laterVersionWith(
  ctx: RuleContext,
  node: CatalogNode,
): { version: LawVersion; date: ApplicationDate | undefined } | undefined {
  const versions = ctx.index.versions
  const from = versions.findIndex((v) => v.id === ctx.lawVersion.id)
  for (const version of versions.slice(from + 1)) {
    if (!existsIn(ctx.index, node, version.id)) continue
    return { version, date: inheritedApplicationDate(ctx.index, node, version.id, ['any']) }
  }
  return undefined
}

/** The manifest's use cases that appear in `list`, in manifest order. */
export function usesAny(
  useCases: readonly string[],
  list: readonly string[] | undefined,
): string[] {
  if (!list || list.length === 0) return []
  return useCases.filter((u) => list.includes(u))
}

/** `a, b and c` */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
