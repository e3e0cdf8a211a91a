/**
 * Crosswalk between two frameworks: the mapping edges that connect them, read in the direction
 * asked for, and how much of each framework they cover.
 *
 * Pure: works on a loaded CatalogSet. A mapping file connects a source catalog to a target catalog
 * (`dependencies: [source, target]`); asked for the other direction, the edges are read backwards
 * and `subset` and `superset` swap (source ⊂ target is target ⊃ source). `equivalent` and
 * `related` read the same both ways.
 *
 * Coverage, per side: the share of that framework's assessable nodes with at least one edge to the
 * other framework (direct edges only; `withAncestors` also counts a node whose ancestor has an
 * edge), overall and per relation type as seen from that side. See docs/crosswalk.md.
 */
import { closest, distance } from 'fastest-levenshtein'
import { ConfigError } from '../errors.js'
import { shortId } from './lookup.js'
import type { Catalog, CatalogNode, Mapping, MappingEdge, Relation } from './schema.js'
import type { CatalogSet } from './types.js'
import { compareCodeUnits } from '../compare.js'

export const RELATIONS: readonly Relation[] = ['equivalent', 'subset', 'superset', 'related']
export const CONFIDENCES = ['low', 'medium', 'high'] as const
export type Confidence = (typeof CONFIDENCES)[number]

const RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 }

/** The relation read from the target's side: source ⊂ target means target ⊃ source. */
export const INVERSE: Record<Relation, Relation> = {
  equivalent: 'equivalent',
  subset: 'superset',
  superset: 'subset',
  related: 'related',
}

export interface CrosswalkOptions {
  /** Framework id read as the source, e.g. `nist-ai-rmf`. */
  from: string
  /** Framework id read as the target, e.g. `iso-42001`. */
  to: string
  /** Leave out edges below this confidence. Default `low` (all edges). */
  minConfidence?: Confidence
}

/** One end of an edge. */
export interface CrosswalkNode {
  /** Short reference, `nist-ai-rmf:govern-1.1`. */
  ref: string
  urn: string
  /** The reference as people cite it, `GOVERN 1.1`. */
  citation: string
  name: string
  assessable: boolean
}

export interface CrosswalkEdge {
  from: CrosswalkNode
  to: CrosswalkNode
  /** How `from` relates to `to` (inverted from the file when the mapping was read backwards). */
  relation: Relation
  confidence: Confidence
  /** Who made the edge: `accord-analysis` or a named published crosswalk. */
  source: string
  rationale: string
  /** URN of the mapping file the edge comes from. */
  mapping: string
  /** True when the mapping file reads `to` -> `from` and the edge was turned around. */
  inverted: boolean
}

export interface RelationCoverage {
  /** Assessable nodes of this side with at least one edge of this relation. */
  covered: number
  /** covered / assessable, rounded to 4 decimals; 0 when the side has no assessable node. */
  share: number
}

export interface SideCoverage {
  framework: string
  name: string
  /** Assessable nodes of this framework (the denominator). */
  assessable: number
  /** Assessable nodes with at least one edge to the other framework. */
  covered: number
  share: number
  /** Assessable nodes that have an edge, or whose ancestor has one. */
  coveredWithAncestors: number
  shareWithAncestors: number
  /** Per relation, read from this side towards the other. */
  byRelation: Record<Relation, RelationCoverage>
  /** Short refs of the assessable nodes without any edge, in catalog order. */
  uncovered: string[]
}

export interface CrosswalkMappingRef {
  urn: string
  version: number
  /** True when the file maps `to` -> `from`, so its edges were read backwards. */
  inverted: boolean
  /** Edges of the file (before the confidence filter). */
  edges: number
}

export interface CrosswalkResult {
  from: string
  to: string
  minConfidence: Confidence
  /** The mapping files between the two frameworks; empty when there is none. */
  mappings: CrosswalkMappingRef[]
  /** Edges in `from` catalog order, then `to` catalog order. */
  edges: CrosswalkEdge[]
  coverage: { from: SideCoverage; to: SideCoverage }
}

/** The mapping files between two frameworks, in either orientation, in URN order. */
export function mappingsBetween(
  set: CatalogSet,
  from: string,
  to: string,
): { mapping: Mapping; inverted: boolean }[] {
  const a = set.catalogs.get(from)?.urn
  const b = set.catalogs.get(to)?.urn
  if (a === undefined || b === undefined) return []
  const out: { mapping: Mapping; inverted: boolean }[] = []
  for (const mapping of set.mappings) {
    const [source, target] = mapping.dependencies
    if (source === a && target === b) out.push({ mapping, inverted: false })
    else if (source === b && target === a) out.push({ mapping, inverted: true })
  }
  return out.sort((x, y) => compareCodeUnits(x.mapping.urn, y.mapping.urn))
}

/** Every pair of frameworks with a mapping file, as `[source, target]` framework ids, sorted. */
export function crosswalkPairs(set: CatalogSet): [string, string][] {
  const byUrn = new Map([...set.catalogs.values()].map((c) => [c.urn, c.framework]))
  const pairs: [string, string][] = []
  for (const m of set.mappings) {
    const [s, t] = m.dependencies.map((u) => byUrn.get(u))
    if (s !== undefined && t !== undefined) pairs.push([s, t])
  }
  return pairs.sort((x, y) => compareCodeUnits(x.join('\n'), y.join('\n')))
}

/**
 * The crosswalk from one framework to another, with coverage both ways. Throws a ConfigError
 * (ERR_CONFIG_BAD_ARGS) for an unknown framework id, naming the known ones and the closest match,
 * or when both ids are the same. Returns a result with no mappings (and empty coverage) when no
 * mapping file connects the two.
 */
export function crosswalk(set: CatalogSet, options: CrosswalkOptions): CrosswalkResult {
  const minConfidence = options.minConfidence ?? 'low'
  if (!(CONFIDENCES as readonly string[]).includes(minConfidence)) {
    throw badArgs(
      ['--min-confidence'],
      `--min-confidence "${String(minConfidence)}" is not a confidence level`,
      `use one of ${CONFIDENCES.join(', ')}`,
    )
  }
  const fromCatalog = requireFramework(set, options.from, 'FROM')
  const toCatalog = requireFramework(set, options.to, 'TO')
  if (fromCatalog.framework === toCatalog.framework) {
    throw badArgs(
      ['TO'],
      `FROM and TO are both "${fromCatalog.framework}"`,
      'name two different frameworks, e.g. `accord crosswalk nist-ai-rmf iso-42001`',
    )
  }

  const found = mappingsBetween(set, fromCatalog.framework, toCatalog.framework)
  const fromIndex = indexOf(fromCatalog)
  const toIndex = indexOf(toCatalog)
  const edges: CrosswalkEdge[] = []
  for (const { mapping, inverted } of found) {
    for (const edge of mapping.edges) {
      if (RANK[edge.confidence] < RANK[minConfidence]) continue
      const e = readEdge(edge, inverted)
      const a = fromIndex.get(e.fromUrn)
      const b = toIndex.get(e.toUrn)
      // Validated mappings always resolve; a hand-built set that does not is skipped, not fatal.
      if (a === undefined || b === undefined) continue
      edges.push({
        from: nodeRef(fromCatalog, a.node),
        to: nodeRef(toCatalog, b.node),
        relation: e.relation,
        confidence: edge.confidence,
        source: edge.source,
        rationale: edge.rationale,
        mapping: mapping.urn,
        inverted,
      })
    }
  }
  const position = (idx: Map<string, { i: number }>, urn: string) => idx.get(urn)?.i ?? -1
  edges.sort(
    (x, y) =>
      position(fromIndex, x.from.urn) - position(fromIndex, y.from.urn) ||
      position(toIndex, x.to.urn) - position(toIndex, y.to.urn) ||
      compareCodeUnits(x.mapping, y.mapping),
  )

  return {
    from: fromCatalog.framework,
    to: toCatalog.framework,
    minConfidence,
    mappings: found.map(({ mapping, inverted }) => ({
      urn: mapping.urn,
      version: mapping.version,
      inverted,
      edges: mapping.edges.length,
    })),
    edges,
    coverage: {
      from: sideCoverage(
        fromCatalog,
        edges.map((e) => ({ urn: e.from.urn, relation: e.relation })),
      ),
      to: sideCoverage(
        toCatalog,
        edges.map((e) => ({ urn: e.to.urn, relation: INVERSE[e.relation] })),
      ),
    },
  }
}

/**
 * Coverage of one catalog by a list of edge ends (`urn` of a node of this catalog, and the relation
 * read from this side). Exported for tests and for other views (e.g. a transitive crosswalk).
 */
export function sideCoverage(
  catalog: Catalog,
  ends: readonly { urn: string; relation: Relation }[],
): SideCoverage {
  const relationsOf = new Map<string, Set<Relation>>()
  for (const { urn, relation } of ends) {
    const set = relationsOf.get(urn) ?? new Set<Relation>()
    set.add(relation)
    relationsOf.set(urn, set)
  }
  const byUrn = new Map(catalog.nodes.map((n) => [n.urn, n]))
  const hasEdgeUp = (node: CatalogNode): boolean => {
    let current: CatalogNode | undefined = node
    for (let guard = 0; current && guard < 64; guard++) {
      if (relationsOf.has(current.urn)) return true
      current = current.parent_urn === undefined ? undefined : byUrn.get(current.parent_urn)
    }
    return false
  }
  const assessable = catalog.nodes.filter((n) => n.assessable)
  const total = assessable.length
  const covered = assessable.filter((n) => relationsOf.has(n.urn))
  const withAncestors = assessable.filter(hasEdgeUp).length
  const byRelation = Object.fromEntries(
    RELATIONS.map((r) => {
      const n = assessable.filter((node) => relationsOf.get(node.urn)?.has(r) === true).length
      return [r, { covered: n, share: ratio(n, total) }]
    }),
  ) as Record<Relation, RelationCoverage>
  return {
    framework: catalog.framework,
    name: catalog.name,
    assessable: total,
    covered: covered.length,
    share: ratio(covered.length, total),
    coveredWithAncestors: withAncestors,
    shareWithAncestors: ratio(withAncestors, total),
    byRelation,
    uncovered: assessable
      .filter((n) => !relationsOf.has(n.urn))
      .map((n) => shortId(catalog.framework, n.id)),
  }
}

// ---------------------------------------------------------------------------------------------

function requireFramework(set: CatalogSet, id: string, place: 'FROM' | 'TO'): Catalog {
  const catalog = set.catalogs.get(id.trim().toLowerCase())
  if (catalog) return catalog
  const known = [...set.catalogs.keys()].sort()
  const guess = known.length > 0 ? closest(id.toLowerCase(), known) : undefined
  const near =
    guess !== undefined && distance(id.toLowerCase(), guess) <= Math.max(3, id.length / 2)
  throw badArgs(
    [place],
    `unknown framework "${id}" given as ${place}${near ? ` (did you mean "${guess}"?)` : ''}; known: ${known.join(', ')}`,
    `give a framework id listed by \`accord catalog\`: ${known.join(', ')}`,
  )
}

function badArgs(path: string[], message: string, hint: string): ConfigError {
  return new ConfigError({
    code: 'ERR_CONFIG_BAD_ARGS',
    message,
    issues: [{ code: 'bad_argument', path, message, hint }],
  })
}

function readEdge(
  edge: MappingEdge,
  inverted: boolean,
): { fromUrn: string; toUrn: string; relation: Relation } {
  return inverted
    ? { fromUrn: edge.target_urn, toUrn: edge.source_urn, relation: INVERSE[edge.relation] }
    : { fromUrn: edge.source_urn, toUrn: edge.target_urn, relation: edge.relation }
}

function indexOf(catalog: Catalog): Map<string, { i: number; node: CatalogNode }> {
  return new Map(catalog.nodes.map((node, i) => [node.urn, { i, node }]))
}

function nodeRef(catalog: Catalog, node: CatalogNode): CrosswalkNode {
  return {
    ref: shortId(catalog.framework, node.id),
    urn: node.urn,
    citation: node.ref_id,
    name: node.name,
    assessable: node.assessable,
  }
}

function ratio(n: number, total: number): number {
  return total === 0 ? 0 : Math.round((n / total) * 10000) / 10000
}
