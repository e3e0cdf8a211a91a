/**
 * Assessment: which obligations apply to a system, and how far its evidence meets each.
 *
 * Pure: the caller hashes the evidence (src/node/evidence.ts), classifies the system and passes
 * both in with the catalogs. Non-compliance is a finding (`partial`, `missing`), never an error.
 *
 * Rules, in the order they are applied to each listed node N:
 * 1. Which nodes are listed. For a law (EU AI Act): every assessable node with an obligation (its
 *    own, or inherited from the nearest ancestor that has one) whose roles intersect the
 *    manifest's roles and that exists in the law version in force. It is `not-applicable` when
 *    the system is out of scope or its `applies_when` (or an ancestor's) does not hold on the
 *    classification facts. For a voluntary framework (NIST AI RMF): every assessable node.
 * 2. Evidence on N: evidence naming N or an ancestor of N (evidence for `art-9` covers `art-9.2.a`).
 * 3. Crosswalk, one hop: evidence covering X (named or via an ancestor of X) counts for N when a
 *    mapping edge relates X and N. X `equivalent` or `superset` of N gives met; `subset` or
 *    `related` gives partial; a `low` confidence edge gives at most partial. Edges are walked both
 *    ways, reversing the relation (subset <-> superset) from target to source. Crosswalk evidence
 *    counts for N itself, not for N's descendants.
 * 4. Evidence marked `partial: true` gives at most partial.
 * 5. Manifest fields: when N lists `manifest_fields` and all are filled in, N is at least partial.
 * 6. A node with applicable listed descendants is also judged by them (the nearest listed ones):
 *    all met -> met, some met or partial -> partial, none -> missing; N takes the better of this
 *    and its own evidence.
 *
 * Which frameworks: `options.frameworks` (default `DEFAULT_FRAMEWORKS`, the EU AI Act and the NIST
 * AI RMF), so adding catalogs to the set never changes an assessment by itself. Crosswalk edges
 * count (rule 3, and the "through the crosswalk" wording) only when both ends are in an assessed
 * framework. A law other than the EU AI Act cannot be assessed yet: its obligations apply on its
 * own classification facts, which only an EU classification is passed in for (docs/crosswalk.md).
 */
import {
  applicationDate,
  evaluateCondition,
  explainCondition,
  lawVersionAt,
} from '../catalog/applicability.js'
import { resolveRef, shortId } from '../catalog/lookup.js'
import { closest } from 'fastest-levenshtein'
import type {
  Catalog,
  CatalogNode,
  Condition,
  MappingEdge,
  Obligation,
  Relation,
} from '../catalog/schema.js'
import type { CatalogSet } from '../catalog/types.js'
import type { EuAiActClassification } from '../classify/types.js'
import { ConfigError } from '../errors.js'
import type { Manifest } from '../manifest/schema.js'
import type {
  AssessmentResult,
  EvidenceUse,
  FrameworkSummary,
  HashedEvidence,
  ObligationAssessment,
  Status,
} from './types.js'

export interface AssessSystemOptions {
  manifest: Manifest
  /** SHA-256 (hex) of the manifest file as read. */
  manifestSha256: string
  /** Hashed evidence files (`hashEvidence`). */
  evidence: readonly HashedEvidence[]
  catalogs: CatalogSet
  /** The EU AI Act classification of the same system on the same date. */
  classification: EuAiActClassification
  /** Evaluation date, YYYY-MM-DD. */
  asOf: string
  /**
   * Framework ids to assess (default `DEFAULT_FRAMEWORKS`, those of them that are loaded). Each
   * must be loaded; the only law that can be assessed is the EU AI Act.
   */
  frameworks?: readonly string[]
}

/** The frameworks assessed when `frameworks` is not given. */
export const DEFAULT_FRAMEWORKS: readonly string[] = ['eu-ai-act', 'nist-ai-rmf']

/** 0 missing, 1 partial, 2 met. */
type Level = 0 | 1 | 2
const STATUS_OF: Record<Level, Exclude<Status, 'not-applicable'>> = {
  0: 'missing',
  1: 'partial',
  2: 'met',
}

/** Evidence naming a node. */
interface Direct {
  ev: HashedEvidence
  /** Position of `ev.id` among the distinct evidence ids, sorted: compares as the id does. */
  idx: number
  /** 1 when the evidence is marked partial, else 2. */
  level: Level
  /** Short ref of the node the evidence names. */
  named: string
  /**
   * Its use by the node it names (`via: 'direct'`): one object for all the nodes the item names,
   * since the use does not say which node it is for.
   */
  directUse: EvidenceUse
  /** Its use for the descendants of that node (`inheritedFrom: named`), built once for all. */
  inheritedUse?: EvidenceUse
}

/**
 * A crosswalk edge as seen from the node: the other end (`from`) and its relation to the node. It
 * is the `via` of every use through the edge (one object shared by them).
 */
type Cross = Exclude<EvidenceUse['via'], 'direct'> & { relation: Relation }

/**
 * The ways evidence reaches a node, one per evidence item, by evidence id: each as its use (which
 * carries what the wording needs) with how well it meets the node. The wording (`howOf`,
 * `limitOf`) is built only for the few uses a reason names: a large system has tens of thousands.
 */
interface Contributions {
  all: EvidenceUse[]
  /** Per item of `all`: how well it meets the node. */
  level: Uint8Array
  /** Per item of `all`: the level of the evidence itself (1 when marked partial). */
  evLevel: Uint8Array
  /** Indices into `all`, best first. */
  ranked: Int32Array
  /** The uses with a level above 0, by evidence id. */
  uses: EvidenceUse[]
}

/** The contributions of a not-applicable node: none are collected. */
const NO_CONTRIBUTIONS: Contributions = {
  all: [],
  level: new Uint8Array(0),
  evLevel: new Uint8Array(0),
  ranked: new Int32Array(0),
  uses: [],
}

interface Listed {
  framework: string
  catalog: Catalog
  node: CatalogNode
  ref: string
  binding: boolean
  /** Reason when not applicable. */
  notApplicable?: string
  appliesFrom?: string
  inForce?: boolean
}

interface Judged {
  status: Status
  level: Level
}

const REVERSE: Record<Relation, Relation> = {
  equivalent: 'equivalent',
  subset: 'superset',
  superset: 'subset',
  related: 'related',
}

const RELATION_WORDS: Record<Relation, string> = {
  equivalent: 'equivalent to',
  superset: 'which covers all of',
  subset: 'which covers only part of',
  related: 'related to',
}

/** Most phrases a reason lists before it says "and N more". */
const MAX_LISTED = 4

export function assessSystem(options: AssessSystemOptions): AssessmentResult {
  const { manifest, catalogs, classification, asOf } = options
  const frameworks = selectFrameworks(catalogs, options.frameworks)
  // Crosswalk edges between assessed frameworks only.
  const assessed = new Set(frameworks)
  const edgesMemo = new Map<string, readonly MappingEdge[]>()
  const edgesOf = (urn: string): readonly MappingEdge[] => {
    const memo = edgesMemo.get(urn)
    if (memo) return memo
    const out = (catalogs.edgesByUrn.get(urn) ?? []).filter((e) =>
      [e.source_urn, e.target_urn].every((u) =>
        assessed.has(catalogs.nodesByUrn.get(u)?.framework ?? ''),
      ),
    )
    edgesMemo.set(urn, out)
    return out
  }
  const facts = new Set(classification.facts)
  const roles = new Set<string>(manifest.roles)
  const routes = [...new Set(classification.highRiskRoutes.map((r) => r.route))]
  const classified = new Map<string, { appliesFrom: string; inForce: boolean }>()
  for (const o of classification.obligations)
    classified.set(o.urn, { appliesFrom: o.appliesFrom, inForce: true })
  for (const o of classification.upcoming)
    classified.set(o.urn, { appliesFrom: o.appliesFrom, inForce: false })

  // 1. The listed nodes, in framework then catalog order.
  const listed = new Map<string, Listed>()
  let lawVersion: { id: string; title: string } | undefined
  for (const framework of frameworks) {
    const catalog = catalogs.catalogs.get(framework) as Catalog
    const binding = catalog.kind === 'law'
    const version = binding ? lawVersionAt(catalog, asOf) : undefined
    const versionId =
      classification.lawVersion?.id && catalog.framework === 'eu-ai-act'
        ? classification.lawVersion.id
        : version?.id
    if (binding && versionId !== undefined && lawVersion === undefined) {
      const v = catalog.law_versions?.find((x) => x.id === versionId)
      lawVersion = { id: versionId, title: v?.title ?? versionId }
    }
    for (const node of catalog.nodes) {
      if (!node.assessable) continue
      const ref = shortId(framework, node.id)
      if (!binding) {
        listed.set(node.urn, { framework, catalog, node, ref, binding })
        continue
      }
      const chain = obligationChain(catalogs, node)
      const own = chain[0]
      if (!own) continue
      if (!own.obligation.roles.some((r) => roles.has(r))) continue
      const versions = nearest(catalogs, node, (n) => n.law_versions)
      if (versions && versionId !== undefined && !versions.includes(versionId)) continue
      const app = applicationDate(
        catalog,
        { ...node, obligation: own.obligation },
        versionId ?? '',
        routes,
      )
      if (!app) continue
      const entry: Listed = { framework, catalog, node, ref, binding }
      const failing = chain.find((c) => !evaluateCondition(c.obligation.applies_when, facts))
      if (classification.category === 'out-of-scope') {
        entry.notApplicable =
          'Not applicable: the system is outside the scope of the AI Act (Art. 2).'
      } else if (failing) {
        entry.notApplicable = notApplicableReason(failing, node, facts)
      } else {
        const known = classified.get(node.urn)
        entry.appliesFrom = known?.appliesFrom ?? app.from
        entry.inForce = known?.inForce ?? app.from <= asOf
      }
      listed.set(node.urn, entry)
    }
  }

  // 2. Evidence named per node.
  const named = new Map<string, Direct[]>()
  const evidence = [...options.evidence].sort((a, b) => compare(a.id, b.id))
  // Thousands of evidence items name the same few hundred refs: resolve each spelling once, to
  // the node's short ref and its list (null when unknown: checkEvidenceRefs rejects those before
  // assessment, so they are ignored here).
  type Target = { ref: string; list: Direct[] }
  const targets = new Map<string, Target | null>()
  const byUrn = new Map<string, Target>()
  const target = (spelling: string): Target | null => {
    const hit = resolveRef(catalogs, spelling)
    if (!hit) return null
    let t = byUrn.get(hit.node.urn)
    if (t === undefined) {
      t = { ref: shortId(hit.framework, hit.node.id), list: [] }
      byUrn.set(hit.node.urn, t)
      named.set(hit.node.urn, t.list)
    }
    return t
  }
  const seen: (Target | null)[] = []
  let idx = -1
  for (let i = 0; i < evidence.length; i++) {
    const ev = evidence[i] as HashedEvidence
    if (i === 0 || ev.id !== (evidence[i - 1] as HashedEvidence).id) idx++
    const level: Level = ev.partial ? 1 : 2
    let directUse: EvidenceUse | undefined
    const supports = ev.supports
    for (let j = 0; j < supports.length; j++) {
      const spelling = supports[j] as string
      let t = targets.get(spelling)
      if (t === undefined) {
        t = target(spelling)
        targets.set(spelling, t)
      }
      seen[j] = t
      if (t === null) continue
      // Two spellings of one node in one item count once.
      let twice = false
      for (let k = 0; k < j; k++) if (seen[k] === t) twice = true
      if (twice) continue
      directUse ??= { evidenceId: ev.id, sha256: ev.sha256, via: 'direct' }
      t.list.push({ ev, idx, level, named: t.ref, directUse })
    }
  }

  // Evidence covering a node: naming it, then naming its parent, and so on up.
  const coverageMemo = new Map<string, (readonly Direct[])[]>()
  const coverage = (urn: string): (readonly Direct[])[] => {
    const memo = coverageMemo.get(urn)
    if (memo) return memo
    const out: (readonly Direct[])[] = [named.get(urn) ?? []]
    const parent = catalogs.nodesByUrn.get(urn)?.node.parent_urn
    if (parent !== undefined && catalogs.nodesByUrn.has(parent)) out.push(...coverage(parent))
    coverageMemo.set(urn, out)
    return out
  }
  const collector = new Collector(idx + 1)

  // 3. Judge every listed node, children before parents.
  const judged = new Map<string, Judged>()
  const results = new Map<string, ObligationAssessment>()
  const childMemo = new Map<string, string[]>()
  const listedChildren = (urn: string): string[] => {
    const memo = childMemo.get(urn)
    if (memo) return memo
    const out: string[] = []
    for (const c of catalogs.childrenByUrn.get(urn) ?? []) {
      if (listed.has(c)) out.push(c)
      else out.push(...listedChildren(c))
    }
    childMemo.set(urn, out)
    return out
  }

  const judge = (urn: string): Judged => {
    const done = judged.get(urn)
    if (done) return done
    const item = listed.get(urn) as Listed
    const children = listedChildren(urn).filter((c) => judge(c).status !== 'not-applicable')
    const assessment = assessNode(item, {
      manifest,
      catalogs,
      edgesOf,
      // A not-applicable node lists no evidence: skip collecting it (thousands of uses).
      contributions:
        item.notApplicable === undefined
          ? contributionsFor(item, catalogs, edgesOf, coverage, collector)
          : NO_CONTRIBUTIONS,
      children: children.map((c) => ({ ref: (listed.get(c) as Listed).ref, ...judge(c) })),
    })
    const level: Level = assessment.status === 'met' ? 2 : assessment.status === 'partial' ? 1 : 0
    const result = { status: assessment.status, level }
    judged.set(urn, result)
    results.set(urn, assessment)
    return result
  }
  for (const urn of listed.keys()) judge(urn)

  // 4. Output, in framework then catalog order, and the summaries.
  const obligations = [...listed.keys()].map((urn) => results.get(urn) as ObligationAssessment)
  const summaries: Required<FrameworkSummary>[] = frameworks.map((framework) => {
    const catalog = catalogs.catalogs.get(framework) as Catalog
    const mine = obligations.filter((o) => o.framework === framework)
    const count = (s: Status): number => mine.filter((o) => o.status === s).length
    const open = mine.filter((o) => o.status === 'partial' || o.status === 'missing')
    const met = count('met')
    const partial = count('partial')
    const notApplicable = count('not-applicable')
    const applicable = mine.length - notApplicable
    return {
      framework,
      name: catalog.name,
      total: mine.length,
      met,
      partial,
      missing: count('missing'),
      notApplicable,
      readiness: applicable === 0 ? 1 : round4((met + 0.5 * partial) / applicable),
      binding: catalog.kind === 'law',
      gaps: open.filter((o) => o.inForce !== false).length,
      gapsUpcoming: open.filter((o) => o.inForce === false).length,
    }
  })
  const binding = summaries.filter((s) => s.binding)
  return {
    system: { name: manifest.system.name, version: manifest.system.version },
    asOf,
    manifestSha256: options.manifestSha256,
    evidence,
    frameworks: summaries,
    obligations,
    gaps: binding.reduce((n, s) => n + s.gaps, 0),
    gapsUpcoming: binding.reduce((n, s) => n + s.gapsUpcoming, 0),
    ...(lawVersion ? { lawVersion } : {}),
  }
}

/**
 * The frameworks to assess, sorted: the requested ones (each must be loaded, and a law must be the
 * EU AI Act), or the loaded ones among DEFAULT_FRAMEWORKS.
 */
function selectFrameworks(set: CatalogSet, requested: readonly string[] | undefined): string[] {
  if (requested === undefined) return DEFAULT_FRAMEWORKS.filter((f) => set.catalogs.has(f)).sort()
  const known = [...set.catalogs.keys()].sort()
  for (const f of requested) {
    const catalog = set.catalogs.get(f)
    if (!catalog) {
      const guess = known.length > 0 ? ` (did you mean "${closest(f, known)}"?)` : ''
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `unknown framework "${f}" to assess${guess}; known: ${known.join(', ')}`,
      })
    }
    if (catalog.kind === 'law' && f !== 'eu-ai-act') {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `framework "${f}" is a law whose obligations need their own classification, which Accord does not make yet; leave it out of the frameworks and compare it through its crosswalk instead (\`accord crosswalk ${f} eu-ai-act\`)`,
      })
    }
  }
  return [...new Set(requested)].sort()
}

/** The node and its ancestors that carry an obligation, nearest first. */
function obligationChain(
  set: CatalogSet,
  node: CatalogNode,
): { node: CatalogNode; obligation: Obligation }[] {
  const out: { node: CatalogNode; obligation: Obligation }[] = []
  let current: CatalogNode | undefined = node
  for (let guard = 0; current && guard < 64; guard++) {
    if (current.obligation) out.push({ node: current, obligation: current.obligation })
    current =
      current.parent_urn === undefined ? undefined : set.nodesByUrn.get(current.parent_urn)?.node
  }
  return out
}

/** The value `pick` gives on the node or its nearest ancestor that has one. */
function nearest<T>(
  set: CatalogSet,
  node: CatalogNode,
  pick: (n: CatalogNode) => T | undefined,
): T | undefined {
  let current: CatalogNode | undefined = node
  for (let guard = 0; current && guard < 64; guard++) {
    const v = pick(current)
    if (v !== undefined) return v
    current =
      current.parent_urn === undefined ? undefined : set.nodesByUrn.get(current.parent_urn)?.node
  }
  return undefined
}

function notApplicableReason(
  failing: { node: CatalogNode; obligation: Obligation },
  node: CatalogNode,
  facts: ReadonlySet<string>,
): string {
  const cond: Condition = failing.obligation.applies_when
  const of = failing.node.urn === node.urn ? '' : ` (condition of ${failing.node.ref_id})`
  return `Not applicable to this system: ${explainCondition(cond, facts)}${of}.`
}

/**
 * The best way each evidence item reaches the node being collected, kept in arrays indexed by the
 * evidence's `Direct.idx` and reused from node to node (a large system has tens of thousands).
 * Between two ways the same evidence reaches a node: the higher level, then direct before inherited
 * before crosswalk (`rank` 0, 1, 2), then the smaller `keyOf`, then the first offered.
 */
class Collector {
  private readonly stamp: Int32Array
  private readonly level: Int8Array
  private readonly rank: Int8Array
  private readonly inherited: Uint8Array
  private readonly direct: (Direct | undefined)[]
  private readonly cross: (Cross | undefined)[]
  private gen = 0
  /** The indices offered since `start`, in `touched[0..count)`. */
  private readonly touched: Int32Array
  private count = 0

  constructor(size: number) {
    this.stamp = new Int32Array(size)
    this.level = new Int8Array(size)
    this.rank = new Int8Array(size)
    this.inherited = new Uint8Array(size)
    this.direct = new Array<Direct | undefined>(size).fill(undefined)
    this.cross = new Array<Cross | undefined>(size).fill(undefined)
    this.touched = new Int32Array(size)
  }

  start(): void {
    this.gen++
    this.count = 0
  }

  offer(d: Direct, level: Level, rank: number, inherited: boolean, cross: Cross | undefined): void {
    const i = d.idx
    if (this.stamp[i] !== this.gen) {
      this.stamp[i] = this.gen
      this.touched[this.count++] = i
    } else {
      const current = this.level[i] as number
      if (level < current) return
      if (level === current) {
        const currentRank = this.rank[i] as number
        if (rank > currentRank) return
        if (rank === currentRank) {
          if (rank === 0) return
          const old = this.direct[i] as Direct
          const oldKey = keyOf(old, this.inherited[i] === 1, this.cross[i])
          if (!(keyOf(d, inherited, cross) < oldKey)) return
        }
      }
    }
    this.level[i] = level
    this.rank[i] = rank
    this.inherited[i] = inherited ? 1 : 0
    this.direct[i] = d
    this.cross[i] = cross
  }

  /** The collected contributions, best first, and their uses by evidence id. */
  finish(): Contributions {
    // Each index is touched once per node, so `count` never exceeds the buffer; sorted in place.
    const ids = this.touched.subarray(0, this.count).sort()
    const n = ids.length
    const all: EvidenceUse[] = new Array<EvidenceUse>(n)
    const level = new Uint8Array(n)
    const evLevel = new Uint8Array(n)
    // Best first: by level (high first), then rank, each group by evidence id.
    const groups = new Uint32Array(9)
    let positive = true
    for (let k = 0; k < n; k++) {
      const i = ids[k] as number
      const d = this.direct[i] as Direct
      const l = this.level[i] as Level
      const inherited = this.inherited[i] === 1
      const cross = this.cross[i]
      all[k] = inherited || cross !== undefined ? use(d, inherited, cross) : d.directUse
      level[k] = l
      evLevel[k] = d.level
      if (l === 0) positive = false
      ;(groups[(2 - l) * 3 + (this.rank[i] as number)] as number)++
    }
    for (let g = 0, start = 0; g < 9; g++) {
      const size = groups[g] as number
      groups[g] = start
      start += size
    }
    const ranked = new Int32Array(n)
    for (let k = 0; k < n; k++) {
      const g = (2 - (level[k] as number)) * 3 + (this.rank[ids[k] as number] as number)
      ranked[groups[g] as number] = k
      ;(groups[g] as number)++
    }
    const uses = positive ? all : all.filter((_, k) => (level[k] as number) > 0)
    return { all, level, evLevel, ranked, uses }
  }
}

/** Last tie-break between two ways the same evidence reaches a node (built only when needed). */
function keyOf(d: Direct, inherited: boolean, cross: Cross | undefined): string {
  const named = inherited ? d.named : ''
  return cross ? `${cross.from}|${cross.relation}|${named}` : named
}

/** Every way evidence reaches the node, best first, one per evidence item. */
function contributionsFor(
  item: Listed,
  set: CatalogSet,
  edgesOf: (urn: string) => readonly MappingEdge[],
  coverage: (urn: string) => (readonly Direct[])[],
  collector: Collector,
): Contributions {
  collector.start()
  const own = coverage(item.node.urn)
  for (let s = 0; s < own.length; s++) {
    const inherited = s > 0
    const rank = inherited ? 1 : 0
    const list = own[s] as readonly Direct[]
    // Indexed loops here and below: tens of thousands of offers, mostly run before the JIT has
    // optimised this function, where `for...of` costs an iterator step each.
    for (let k = 0; k < list.length; k++) {
      const d = list[k] as Direct
      collector.offer(d, d.level, rank, inherited, undefined)
    }
  }
  for (const edge of edgesOf(item.node.urn)) {
    const fromSource = edge.target_urn === item.node.urn && edge.source_urn !== item.node.urn
    const other = fromSource ? edge.source_urn : edge.target_urn
    const otherEntry = set.nodesByUrn.get(other)
    if (!otherEntry || other === item.node.urn) continue
    const otherRef = shortId(otherEntry.framework, otherEntry.node.id)
    // The relation of the other end to this node.
    const relation = fromSource ? edge.relation : REVERSE[edge.relation]
    const strong = relation === 'equivalent' || relation === 'superset'
    const edgeLevel: Level = strong && edge.confidence !== 'low' ? 2 : 1
    const cross: Cross = {
      from: otherRef,
      relation,
      source: edge.source,
      confidence: edge.confidence,
    }
    const lists = coverage(other)
    for (let s = 0; s < lists.length; s++) {
      const inherited = s > 0
      const list = lists[s] as readonly Direct[]
      for (let k = 0; k < list.length; k++) {
        const d = list[k] as Direct
        collector.offer(d, d.level < edgeLevel ? d.level : edgeLevel, 2, inherited, cross)
      }
    }
  }
  return collector.finish()
}

/**
 * The use of `d` through `cross` (or directly). Uses are plain data, never changed once made, so
 * the direct use of an item is shared by every node it names and its inherited use by every
 * descendant it reaches: fewer objects for a large system to allocate and keep.
 */
function use(d: Direct, inherited: boolean, cross: Cross | undefined): EvidenceUse {
  const { ev } = d
  if (cross !== undefined) {
    return inherited
      ? { evidenceId: ev.id, sha256: ev.sha256, via: cross, inheritedFrom: d.named }
      : { evidenceId: ev.id, sha256: ev.sha256, via: cross }
  }
  if (!inherited) return d.directUse
  return (d.inheritedUse ??= {
    evidenceId: ev.id,
    sha256: ev.sha256,
    via: 'direct',
    inheritedFrom: d.named,
  })
}

/** Why contribution `k` gives at most partial, when it does. */
function limitOf(c: Contributions, k: number): string | undefined {
  const { evidenceId, via } = c.all[k] as EvidenceUse
  const level = c.level[k] as number
  if (via === 'direct') return level < 2 ? `evidence ${evidenceId} is marked partial` : undefined
  return level === 2
    ? undefined
    : (c.evLevel[k] as number) < 2
      ? `evidence ${evidenceId} is marked partial`
      : via.relation === 'subset'
        ? `${via.from} covers only part of this (subset)`
        : via.relation === 'related'
          ? `${via.from} is only related to this (related)`
          : `the crosswalk from ${via.from} has low confidence`
}

/** Plain description of how contribution `k` reaches the node. */
function howOf(c: Contributions, k: number): string {
  const { evidenceId, via, inheritedFrom } = c.all[k] as EvidenceUse
  if (via === 'direct') {
    return inheritedFrom !== undefined
      ? `evidence ${evidenceId} (for ${inheritedFrom}, which includes this)`
      : `evidence ${evidenceId}`
  }
  return (
    `evidence ${evidenceId} (for ${inheritedFrom !== undefined ? `${inheritedFrom}, through ` : ''}${via.from}, ` +
    `${RELATION_WORDS[via.relation as Relation]} this per ${via.source}, ${via.confidence} confidence)`
  )
}

function assessNode(
  item: Listed,
  ctx: {
    manifest: Manifest
    catalogs: CatalogSet
    edgesOf: (urn: string) => readonly MappingEdge[]
    contributions: Contributions
    children: { ref: string; status: Status; level: Level }[]
  },
): ObligationAssessment {
  const { node, ref } = item
  const base: ObligationAssessment = {
    id: ref,
    urn: node.urn,
    framework: item.framework,
    citation: node.ref_id,
    title: node.name,
    status: 'not-applicable',
    reason: '',
    evidence: [],
  }
  if (item.notApplicable !== undefined) return { ...base, reason: item.notApplicable }

  const { children, contributions } = ctx
  const how = (k: number): string => howOf(contributions, k)
  const fields = node.manifest_fields ?? []
  const filled = fields.filter((f) => isFilled(getPath(ctx.manifest, f)))
  const fieldsFilled = fields.length > 0 && filled.length === fields.length
  const first = contributions.ranked[0]
  const evidenceLevel = (first === undefined ? 0 : contributions.level[first]) as Level
  const ownLevel = Math.max(evidenceLevel, fieldsFilled ? 1 : 0) as Level
  const metChildren = children.filter((c) => c.level === 2)
  const childLevel: Level | undefined =
    children.length === 0
      ? undefined
      : metChildren.length === children.length
        ? 2
        : children.some((c) => c.level > 0)
          ? 1
          : 0
  const level = Math.max(ownLevel, childLevel ?? 0) as Level
  const status = STATUS_OF[level]
  const byChildren = childLevel !== undefined && childLevel > ownLevel
  const openChildren = children.filter((c) => c.level < 2).map((c) => c.ref)

  // Reason.
  const parts: string[] = []
  // `ranked` is best first, so the uses at the best level are its first items: a view of them,
  // not a copy (thousands for a large system, of which a reason names at most MAX_LISTED).
  let bestCount = 0
  if (evidenceLevel > 0) {
    const { ranked, level: levels } = contributions
    while (bestCount < ranked.length && levels[ranked[bestCount] as number] === evidenceLevel)
      bestCount++
  }
  const best = contributions.ranked.subarray(0, bestCount)
  if (byChildren) {
    parts.push(childrenReason(status, children.length, metChildren.length, openChildren))
  } else if (level === 2) {
    parts.push(`Met by ${listOf(best, how)}.`)
  } else if (level === 1 && evidenceLevel === 1) {
    const limits = [
      ...new Set(Array.from(best, (k) => limitOf(contributions, k)).filter((x) => x !== undefined)),
    ]
    parts.push(`Partly met by ${listOf(best, how)}: ${list(limits)}.`)
  } else if (level === 1) {
    parts.push(`Described in the manifest (${filled.join(', ')}) but no evidence file supports it.`)
  } else {
    let missing = `Missing: no evidence file supports ${ref}`
    missing += node.parent_urn === undefined ? '' : ' or a parent of it'
    missing += ctx.edgesOf(node.urn).length > 0 ? ', directly or through the crosswalk' : ''
    if (fields.length > 0) {
      const empty = fields.filter((f) => !filled.includes(f))
      missing += `, and the manifest does not describe it (${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty)`
    }
    if (children.length > 0) missing += `; none of its ${children.length} applicable points is met`
    parts.push(missing + '.')
  }
  if (byChildren && evidenceLevel > 0) parts.push(`Its own evidence: ${listOf(best, how)}.`)
  if (!item.binding) parts.push('Voluntary framework: good practice, not a legal duty.')

  // Action.
  let action: string | undefined
  if (level < 2) {
    const hint = node.evidence_hint?.trim().replace(/\.$/, '')
    const what = hint ? ` (${lowerFirst(hint)})` : ''
    if (byChildren || (childLevel !== undefined && openChildren.length > 0 && level === 0)) {
      action = `Close the open points (${list(openChildren)}), or add evidence covering all of ${ref}${what} and list ${ref} in its supports.`
    } else {
      action =
        level === 1
          ? `Add evidence that covers it in full${what} and list ${ref} in its supports.`
          : `Add evidence${what} and list ${ref} in its supports.`
      const empty = fields.filter((f) => !filled.includes(f))
      if (empty.length > 0) action += ` Describe it in the manifest under ${empty.join(', ')}.`
    }
  }

  return {
    ...base,
    status,
    reason: parts.join(' '),
    evidence: ctx.contributions.uses,
    ...(action === undefined ? {} : { action }),
    ...(item.appliesFrom === undefined ? {} : { appliesFrom: item.appliesFrom }),
    ...(filled.length > 0 ? { manifestFields: filled } : {}),
    ...(item.inForce === undefined ? {} : { inForce: item.inForce }),
  }
}

function childrenReason(status: Status, total: number, met: number, open: string[]): string {
  if (status === 'met') return `Met: all ${total} applicable points are met.`
  return `Partly met: ${met} of ${total} applicable points met; open: ${list(open)}.`
}

/** `list(items.map(show))`, calling `show` only on the items that are listed. */
function listOf(items: Int32Array, show: (item: number) => string): string {
  if (items.length <= MAX_LISTED) return list(Array.from(items, show))
  const shown = Array.from(items.subarray(0, MAX_LISTED), show)
  return `${shown.join(', ')} and ${items.length - MAX_LISTED} more`
}

/** `a`, `a and b`, `a, b and c`, `a, b, c, d and 3 more`. */
function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  if (items.length > MAX_LISTED)
    return `${items.slice(0, MAX_LISTED).join(', ')} and ${items.length - MAX_LISTED} more`
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) as string}`
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}

/** The value at a dotted path (`humanOversight.measures`) of the manifest. */
function getPath(value: unknown, path: string): unknown {
  let current = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/** Filled: present and not an empty string, array or object. `false` and `0` count as filled. */
function isFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'string') return value.trim() !== ''
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
