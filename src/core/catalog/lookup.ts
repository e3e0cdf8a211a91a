/**
 * Lookups in a loaded CatalogSet: short references (`eu-ai-act:art-9.2.a`), did-you-mean
 * suggestions, and walking the node tree.
 */
import { distance } from 'fastest-levenshtein'
import type { CatalogNode } from './schema.js'
import type { CatalogSet } from './types.js'
import { nodeUrn } from './validate.js'
import { compareCodeUnits } from '../compare.js'

export interface ResolvedRef {
  framework: string
  node: CatalogNode
}

/** The short reference used in manifests and outputs: `eu-ai-act:art-9`. */
export function shortId(framework: string, id: string): string {
  return `${framework}:${id}`
}

/**
 * Normalises how people write references: lower case, trimmed, runs of spaces as one `-`
 * (`nist-ai-rmf:GOVERN 1.1` -> `nist-ai-rmf:govern-1.1`), spaces around the colon dropped.
 */
export function normalizeRef(ref: string): string {
  return ref
    .trim()
    .toLowerCase()
    .replace(/\s*:\s*/g, ':')
    .replace(/\s+/g, '-')
}

/**
 * Resolves a reference to a node. Accepts `<framework>:<id>` (case-insensitive; spaces become
 * `-`, so `nist-ai-rmf:GOVERN 1.1` works), a full node URN, or a bare id when exactly one catalog
 * has it. Undefined when nothing matches.
 */
export function resolveRef(set: CatalogSet, ref: string): ResolvedRef | undefined {
  const trimmed = ref.trim()
  if (trimmed.startsWith('urn:')) return set.nodesByUrn.get(trimmed)
  const norm = normalizeRef(trimmed)
  const colon = norm.indexOf(':')
  if (colon >= 0) {
    const framework = norm.slice(0, colon)
    return findInCatalog(set, framework, norm.slice(colon + 1))
  }
  const hits = [...set.catalogs.keys()]
    .map((fw) => findInCatalog(set, fw, norm))
    .filter((r): r is ResolvedRef => r !== undefined)
  return hits.length === 1 ? hits[0] : undefined
}

function findInCatalog(set: CatalogSet, framework: string, id: string): ResolvedRef | undefined {
  const catalog = set.catalogs.get(framework)
  if (!catalog) return undefined
  return set.nodesByUrn.get(nodeUrn(framework, catalog.edition, id))
}

/**
 * Up to `n` short references close to `ref`, closest first, for "did you mean" messages. When
 * `ref` names a known framework, only that framework's nodes are suggested. Empty when nothing is
 * reasonably close.
 */
export function suggestRefs(set: CatalogSet, ref: string, n = 3): string[] {
  const norm = normalizeRef(ref)
  const colon = norm.indexOf(':')
  const framework = colon >= 0 ? norm.slice(0, colon) : undefined
  const id = colon >= 0 ? norm.slice(colon + 1) : norm
  const frameworks =
    framework !== undefined && set.catalogs.has(framework) ? [framework] : [...set.catalogs.keys()]
  // Allow about one edit in three characters, and at least two, so `art-9.2.z` finds `art-9.2.a`
  // but `foo` does not suggest every short id.
  const limit = Math.max(2, Math.ceil(id.length / 3))
  const scored: { ref: string; d: number }[] = []
  for (const fw of frameworks) {
    for (const node of set.catalogs.get(fw)?.nodes ?? []) {
      const d = distance(id, node.id)
      if (d <= limit) scored.push({ ref: shortId(fw, node.id), d })
    }
  }
  scored.sort((a, b) => a.d - b.d || compareCodeUnits(a.ref, b.ref))
  return scored.slice(0, Math.max(0, n)).map((s) => s.ref)
}

/** Direct children of a node (given by URN or reference), in catalog order. */
export function childrenOf(set: CatalogSet, urnOrRef: string): CatalogNode[] {
  const urn = toUrn(set, urnOrRef)
  if (urn === undefined) return []
  return (set.childrenByUrn.get(urn) ?? [])
    .map((u) => set.nodesByUrn.get(u)?.node)
    .filter((n): n is CatalogNode => n !== undefined)
}

/** Ancestors of a node (given by URN or reference), nearest first: parent, grandparent, ... */
export function ancestorsOf(set: CatalogSet, urnOrRef: string): CatalogNode[] {
  const urn = toUrn(set, urnOrRef)
  const out: CatalogNode[] = []
  let parent = urn === undefined ? undefined : set.nodesByUrn.get(urn)?.node.parent_urn
  // Validation guarantees depth grows by one per level, so this ends; the bound is a guard only.
  while (parent !== undefined && out.length < 64) {
    const node = set.nodesByUrn.get(parent)?.node
    if (!node) break
    out.push(node)
    parent = node.parent_urn
  }
  return out
}

function toUrn(set: CatalogSet, urnOrRef: string): string | undefined {
  return resolveRef(set, urnOrRef)?.node.urn
}
