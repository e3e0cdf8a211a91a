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
 * 7. Evidence past its `validUntil` on the as-of date counts for nothing (rules 2-4 skip it); the
 *    reason of each node it would have reached by rules 2-3 names it. Evidence whose `validUntil`
 *    is within `EXPIRING_SOON_DAYS` days still counts, and is listed in `evidenceValidity`.
 *
 * Which frameworks: `options.frameworks` (default `DEFAULT_FRAMEWORKS`, the EU AI Act and the NIST
 * AI RMF), so adding catalogs to the set never changes an assessment by itself. Crosswalk edges
 * count (rule 3, and the "through the crosswalk" wording) only when both ends are in an assessed
 * framework. A law other than the EU AI Act cannot be assessed yet: its obligations apply on its
 * own classification facts, which only an EU classification is passed in for (docs/crosswalk.md).
 */
import { valueAtPath } from '../dotted-path.js'
import {
  applicationDate,
  evaluateCondition,
  explainCondition,
  lawVersionAt,
} from '../catalog/applicability.js'
import { resolveRef, shortId } from '../catalog/lookup.js'
import { didYouMean } from '../did-you-mean.js'
import type {
  Catalog,
  CatalogNode,
  Condition,
  MappingEdge,
  Obligation,
  Relation,
} from '../catalog/schema.js'
import type { CatalogSet } from '../catalog/types.js'
import { rolesWithDuties } from '../classify/facts.js'
import { dateUnderLegacyRule } from '../classify/rules/legacy.js'
import type { EuAiActClassification } from '../classify/types.js'
import { ConfigError } from '../errors.js'
import type { Manifest } from '../manifest/schema.js'
import type {
  AssessmentResult,
  EvidenceUse,
  EvidenceValidity,
  FrameworkSummary,
  HashedEvidence,
  ObligationAssessment,
  Status,
} from './types.js'
import { compareCodeUnits } from '../compare.js'

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

/**
 * Evidence whose `validUntil` is at most this many days after the as-of date is listed as
 * expiring soon (it still counts).
 */
export const EXPIRING_SOON_DAYS = 90

/** The frameworks assessed when `frameworks` is not given. */
export const DEFAULT_FRAMEWORKS: readonly string[] = ['eu-ai-act', 'nist-ai-rmf']

/** 0 missing, 1 partial, 2 met. */
type Level = 0 | 1 | 2
const STATUS_OF: Record<Level, Exclude<Status, 'not-applicable'>> = {
  0: 'missing',
  1: 'partial',
  2: 'met',
}

/**
 * A node that evidence names: its short ref and its entries, one per item naming it (the indices
 * of `EvidenceIndex.entryItem`), in evidence id order.
 */
interface Target {
  urn: string
  ref: string
  entries: number[]
  /** The last item that got an entry here (items are indexed in order). */
  last: number
}

/**
 * A crosswalk edge as seen from the node: the other end (`from`) and its relation to the node. It
 * is the `via` of every use through the edge (one object shared by them).
 */
type Cross = Exclude<EvidenceUse['via'], 'direct'> & { relation: Relation }

/** One way the entries of a target reach the node being judged. */
interface Source {
  target: Target
  /** 0 named by the node itself, 1 by an ancestor of it, 2 through the crosswalk. */
  rank: 0 | 1 | 2
  /** The target is an ancestor of the node (rank 1) or of the crosswalk's other end. */
  inherited: boolean
  cross: Cross | undefined
  /** The most a use through this source gives: 1 through a weak crosswalk edge, else 2. */
  cap: Level
}

/**
 * The ways evidence reaches a node, one per evidence item, by evidence id: each as its use (which
 * carries what the wording needs). The wording (`howOf`, `limitOf`) is built only for the few uses
 * a reason names: a large system has tens of thousands.
 */
interface Contributions {
  /**
   * Every use counts: each meets the node at level 1 or 2, never 0 (evidence gives 1 or 2, and so
   * does a crosswalk edge).
   */
  uses: EvidenceUse[]
  /** The best level among the uses, 0 when there are none. */
  top: Level
  /** How many uses are at the `top` level. */
  topCount: number
  /**
   * Indices into `uses` of those at the `top` level, direct then inherited then crosswalk, each by
   * id: all of them when `top` is 1 (a reason gives the limit of each), else the first MAX_LISTED
   * (a reason names only those).
   */
  best: number[]
  /** Per item of `best`: 1 when its evidence is marked partial. */
  bestPartial: number[]
}

/** No expired evidence reaches the node (the case of every node when none has expired). */
const NO_EXPIRED: readonly { id: string; validUntil: string }[] = []

/** The contributions of a not-applicable node: none are collected. */
const NO_CONTRIBUTIONS: Contributions = { uses: [], top: 0, topCount: 0, best: [], bestPartial: [] }

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
  const roles = new Set<string>(rolesWithDuties(manifest.roles, facts))
  const routes = [...new Set(classification.highRiskRoutes.map((r) => r.route))]
  const legacyHighRisk = classification.legacy.highRisk
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
      } else if (legacyHighRisk && dateUnderLegacyRule(app, legacyHighRisk) === null) {
        const planned = legacyHighRisk.placedOnMarket > asOf
        entry.notApplicable =
          `Not applicable while the system's design stays as it is: ` +
          `${planned ? 'to be placed' : 'placed'} on the market on ${legacyHighRisk.placedOnMarket}` +
          `${planned ? ' (planned)' : ''}, before ${legacyHighRisk.placedBefore}, with no significant ` +
          `change recorded from then on, and not intended for public authorities (${legacyHighRisk.cites}).`
      } else {
        const known = classified.get(node.urn)
        entry.appliesFrom = known?.appliesFrom ?? app.from
        entry.inForce = known?.inForce ?? app.from <= asOf
      }
      listed.set(node.urn, entry)
    }
  }

  // 2. Evidence named per node. Thousands of evidence items name the same few hundred refs:
  // resolve each spelling once (null when unknown: checkEvidenceRefs rejects those before
  // assessment, so they are ignored here).
  const evidence = [...options.evidence].sort((a, b) => compareCodeUnits(a.id, b.id))
  const resolve = (spelling: string): { urn: string; ref: string } | null => {
    const hit = resolveRef(catalogs, spelling)
    return hit ? { urn: hit.node.urn, ref: shortId(hit.framework, hit.node.id) } : null
  }
  // 7. Expired evidence is indexed apart: it counts for nothing, and is only looked up to name it.
  const validity = splitByValidity(evidence, asOf)
  const index = new EvidenceIndex(validity.current, resolve)
  const coverage = coverageOf(catalogs, index)
  const expiredIndex =
    validity.expired.length > 0 ? new EvidenceIndex(validity.expired, resolve) : undefined
  const expiredCoverage = expiredIndex && coverageOf(catalogs, expiredIndex)
  /** Per node whose reason names expired evidence: the ids of that evidence. */
  const expiredByUrn = new Map<string, string[]>()

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
    let expired: readonly { id: string; validUntil: string }[] = NO_EXPIRED
    if (expiredIndex && expiredCoverage && item.notApplicable === undefined) {
      const { uses } = expiredIndex.collect(sourcesOf(item, catalogs, edgesOf, expiredCoverage))
      expired = uses.map((u) => ({
        id: u.evidenceId,
        validUntil: validity.validUntilOf.get(u.evidenceId) as string,
      }))
      if (expired.length > 0)
        expiredByUrn.set(
          urn,
          expired.map((e) => e.id),
        )
    }
    const assessment = assessNode(item, {
      manifest,
      catalogs,
      edgesOf,
      // A not-applicable node lists no evidence: skip collecting it (thousands of uses).
      contributions:
        item.notApplicable === undefined
          ? index.collect(sourcesOf(item, catalogs, edgesOf, coverage))
          : NO_CONTRIBUTIONS,
      children: children.map((c) => ({ ref: (listed.get(c) as Listed).ref, ...judge(c) })),
      expired,
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
    evidenceValidity: evidenceValidity(validity, obligations, expiredByUrn),
  }
}

/**
 * Evidence by validity on `asOf` (YYYY-MM-DD): `current` (what counts: `evidence` itself when
 * no item is expired, so a manifest without `validUntil` costs one pass and no copy), `expired`
 * (past its `validUntil`) and `expiringSoon` (`validUntil` within EXPIRING_SOON_DAYS days).
 */
function splitByValidity(
  evidence: readonly HashedEvidence[],
  asOf: string,
): {
  current: readonly HashedEvidence[]
  expired: HashedEvidence[]
  expiringSoon: HashedEvidence[]
  validUntilOf: Map<string, string>
  asOf: string
} {
  const out = {
    current: evidence,
    expired: [] as HashedEvidence[],
    expiringSoon: [] as HashedEvidence[],
    validUntilOf: new Map<string, string>(),
    asOf,
  }
  let horizon: string | undefined
  for (let i = 0, n = evidence.length; i < n; i++) {
    const ev = evidence[i] as HashedEvidence
    const until = ev.validUntil
    if (until === undefined) continue
    horizon ??= addDays(asOf, EXPIRING_SOON_DAYS)
    if (until < asOf) out.expired.push(ev)
    else if (until <= horizon) out.expiringSoon.push(ev)
    else continue
    out.validUntilOf.set(ev.id, until)
  }
  if (out.expired.length > 0) {
    const expired = new Set(out.expired)
    out.current = evidence.filter((ev) => !expired.has(ev))
  }
  return out
}

/** `date` (YYYY-MM-DD) plus `days` days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Whole days from `from` to `to` (YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/**
 * The expired and soon-expiring evidence with the obligations each reaches, in output order:
 * for expired items those whose reason names them, for the others those whose evidence uses them.
 */
function evidenceValidity(
  validity: ReturnType<typeof splitByValidity>,
  obligations: readonly ObligationAssessment[],
  expiredByUrn: ReadonlyMap<string, string[]>,
): EvidenceValidity {
  const { expired, expiringSoon } = validity
  if (expired.length === 0 && expiringSoon.length === 0) return { expired: [], expiringSoon: [] }
  const reached = new Map<string, string[]>()
  for (const ev of expired) reached.set(ev.id, [])
  for (const ev of expiringSoon) reached.set(ev.id, [])
  const soon = new Set(expiringSoon.map((ev) => ev.id))
  for (const o of obligations) {
    if (o.status === 'not-applicable') continue
    for (const id of expiredByUrn.get(o.urn) ?? []) reached.get(id)?.push(o.id)
    if (soon.size === 0) continue
    // One use per evidence id and obligation.
    for (const use of o.evidence)
      if (soon.has(use.evidenceId)) reached.get(use.evidenceId)?.push(o.id)
  }
  const entry = (ev: HashedEvidence) => ({
    id: ev.id,
    type: ev.type,
    validUntil: ev.validUntil as string,
    obligations: reached.get(ev.id) as string[],
  })
  return {
    expired: expired.map(entry),
    expiringSoon: expiringSoon.map((ev) => ({
      ...entry(ev),
      daysLeft: daysBetween(validity.asOf, ev.validUntil as string),
    })),
  }
}

/** Evidence of `index` covering a node: naming it, then naming its parent, and so on up. */
function coverageOf(
  catalogs: CatalogSet,
  index: EvidenceIndex,
): (urn: string) => readonly Target[] {
  const memo = new Map<string, readonly Target[]>()
  const coverage = (urn: string): readonly Target[] => {
    const known = memo.get(urn)
    if (known) return known
    const own = index.targets.get(urn)
    const out: Target[] = own ? [own] : []
    const parent = catalogs.nodesByUrn.get(urn)?.node.parent_urn
    if (parent !== undefined && catalogs.nodesByUrn.has(parent)) out.push(...coverage(parent))
    memo.set(urn, out)
    return out
  }
  return coverage
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
      const guess = didYouMean(f, known)
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
 * The evidence as flat arrays, one entry per (item, node it names), and the scratch space that
 * finds the best way each item reaches the node being judged. A large system has tens of thousands
 * of entries and uses, handled mostly before the JIT has optimised this code (it runs once per
 * process): numbers in arrays rather than an object per entry, indexed loops rather than
 * `for...of` (an iterator step each), and each hot loop in a small function of its own, which the
 * JIT optimises sooner than a large one.
 */
class EvidenceIndex {
  /** The nodes evidence names, by urn. */
  readonly targets = new Map<string, Target>()
  /** Per entry: its item (index into `evidence`). */
  private readonly entryItem: number[] = []
  /** Per entry: its use by descendants of the node it names (`inheritedFrom`), made once. */
  private readonly inheritedUses: (EvidenceUse | undefined)[]
  /**
   * Per item: its use by the nodes it names (`via: 'direct'`), one object for them all since the
   * use does not say which node it is for.
   */
  private readonly directUses: (EvidenceUse | undefined)[]
  /** Per item: the position of its id among the distinct ids, sorted; compares as the id does. */
  private readonly slotOf: Int32Array
  /** Per item: 1 when it is marked partial, else 2. */
  private readonly evLevel: Uint8Array
  // Per slot, for the node being judged: the best way so far (`gen` marks the slots it touched).
  private readonly stamp: Int32Array
  /** How well the use meets the node, 1 or 2. */
  private readonly level: Uint8Array
  /** 0 direct, 1 inherited, 2 crosswalk (`Source.rank`). */
  private readonly rank: Uint8Array
  /** The place of the source in the tie-break (`priorityOf`). */
  private readonly prio: Int32Array
  /** 1 when the evidence is marked partial. */
  private readonly partial: Uint8Array
  private readonly useOf: (EvidenceUse | undefined)[]
  /** The slots touched for the node being judged, in `touched[0..count)`. */
  private readonly touched: Int32Array
  /** How many of them per level and rank, at `level * 3 + rank`. */
  private readonly counts = new Int32Array(9)
  private gen = 0

  /**
   * @param evidence sorted by id
   * @param resolve the node a `supports` spelling names, or null when it names none
   */
  constructor(
    private readonly evidence: readonly HashedEvidence[],
    resolve: (spelling: string) => { urn: string; ref: string } | null,
  ) {
    const n = evidence.length
    this.directUses = new Array<EvidenceUse | undefined>(n)
    this.slotOf = new Int32Array(n)
    this.evLevel = new Uint8Array(n)
    const slots = this.index(resolve)
    this.inheritedUses = new Array<EvidenceUse | undefined>(this.entryItem.length)
    this.stamp = new Int32Array(slots)
    this.level = new Uint8Array(slots)
    this.rank = new Uint8Array(slots)
    this.prio = new Int32Array(slots)
    this.partial = new Uint8Array(slots)
    this.useOf = new Array<EvidenceUse | undefined>(slots)
    this.touched = new Int32Array(slots)
  }

  /** Fills the per-item arrays, the entries and the targets; returns the number of slots. */
  private index(resolve: (spelling: string) => { urn: string; ref: string } | null): number {
    const { evidence, slotOf, evLevel, entryItem } = this
    // Thousands of items name the same few hundred refs: each spelling is resolved once.
    const bySpelling = new Map<string, Target | null>()
    let slot = -1
    let previous: string | undefined
    let entries = 0
    for (let item = 0, n = evidence.length; item < n; item++) {
      const ev = evidence[item] as HashedEvidence
      if (ev.id !== previous) slot++
      previous = ev.id
      slotOf[item] = slot
      evLevel[item] = ev.partial ? 1 : 2
      const supports = ev.supports
      for (let j = 0, m = supports.length; j < m; j++) {
        const spelling = supports[j] as string
        let t = bySpelling.get(spelling)
        if (t === undefined) {
          t = this.target(resolve(spelling))
          bySpelling.set(spelling, t)
        }
        // Two spellings of one node in one item count once.
        if (t === null || t.last === item) continue
        t.last = item
        t.entries.push(entries)
        entryItem[entries++] = item
      }
    }
    return slot + 1
  }

  private target(hit: { urn: string; ref: string } | null): Target | null {
    if (hit === null) return null
    let t = this.targets.get(hit.urn)
    if (t === undefined) {
      t = { urn: hit.urn, ref: hit.ref, entries: [], last: -1 }
      this.targets.set(hit.urn, t)
    }
    return t
  }

  /**
   * The best way each item reaches the node through `sources`, by evidence id. Between two ways
   * the same item (or two items with one id) reaches it: the higher level, then direct before
   * inherited before crosswalk (`rank` 0, 1, 2), then the smaller `keyOf`, then the first offered.
   */
  collect(sources: readonly Source[]): Contributions {
    this.gen++
    this.counts.fill(0)
    const priorities = priorityOf(sources)
    let count = 0
    for (let s = 0; s < sources.length; s++)
      count = this.offer(sources[s] as Source, priorities[s] as number, count)
    // Each slot is touched once per node, so `count` never exceeds the buffer; sorted in place.
    const slots = this.touched.subarray(0, count).sort()
    const { useOf, counts } = this
    const uses = new Array<EvidenceUse>(count)
    for (let k = 0; k < count; k++) uses[k] = useOf[slots[k] as number] as EvidenceUse
    const at = (l: Level): number =>
      (counts[l * 3] as number) + (counts[l * 3 + 1] as number) + (counts[l * 3 + 2] as number)
    const top: Level = at(2) > 0 ? 2 : count > 0 ? 1 : 0
    const contributions: Contributions = { uses, top, topCount: at(top), best: [], bestPartial: [] }
    if (top > 0) this.best(contributions, slots)
    return contributions
  }

  /** Offers the entries of `source` (at place `p` in the tie-break); returns the new count. */
  private offer(source: Source, p: number, count: number): number {
    const { entryItem, slotOf, evLevel, stamp, level, rank, prio, partial } = this
    const { useOf, touched, counts, gen } = this
    const { cap, rank: r } = source
    const entries = source.target.entries
    for (let k = 0, n = entries.length; k < n; k++) {
      const e = entries[k] as number
      const it = entryItem[e] as number
      const i = slotOf[it] as number
      const own = evLevel[it] as number
      const l = own < cap ? own : cap
      if (stamp[i] !== gen) {
        stamp[i] = gen
        touched[count++] = i
      } else {
        const current = level[i] as number
        if (l < current || (l === current && p >= (prio[i] as number))) continue
        ;(counts[current * 3 + (rank[i] as number)] as number)--
      }
      ;(counts[l * 3 + r] as number)++
      level[i] = l
      rank[i] = r
      prio[i] = p
      partial[i] = own === 1 ? 1 : 0
      useOf[i] = this.use(e, it, source)
    }
    return count
  }

  /**
   * The use of entry `e` (of item `it`) through `source`. Uses are plain data, never changed once
   * made, so the direct use of an item is shared by every node it names (it does not say which)
   * and its inherited use by every descendant it reaches: fewer objects for a large system to
   * allocate and keep. A use through the crosswalk is made for its node.
   */
  private use(e: number, it: number, source: Source): EvidenceUse {
    const { cross, inherited, target } = source
    const shared =
      cross !== undefined ? undefined : inherited ? this.inheritedUses : this.directUses
    const key = inherited ? e : it
    const known = shared?.[key]
    if (known !== undefined) return known
    const { id, sha256 } = this.evidence[it] as HashedEvidence
    const use = makeUse(id, sha256, cross ?? 'direct', inherited ? target.ref : undefined)
    if (shared !== undefined) shared[key] = use
    return use
  }

  /** Fills `best` and `bestPartial` (see `Contributions`), rank by rank. */
  private best(c: Contributions, slots: Int32Array): void {
    const { level, rank, partial, counts } = this
    const { top, best, bestPartial } = c
    const limit = top === 1 ? c.topCount : MAX_LISTED
    for (let r = 0; r < 3; r++) {
      let wanted = Math.min(limit - best.length, counts[top * 3 + r] as number)
      for (let k = 0; wanted > 0; k++) {
        const i = slots[k] as number
        if (level[i] !== top || rank[i] !== r) continue
        best.push(k)
        bestPartial.push(partial[i] as number)
        wanted--
      }
    }
  }
}

/**
 * One function makes every use, whatever its route: the JIT often optimises the loop that makes
 * them before the first crosswalk use comes, and would throw that code away on meeting a path it
 * has never seen run.
 */
function makeUse(
  evidenceId: string,
  sha256: string,
  via: EvidenceUse['via'],
  inheritedFrom: string | undefined,
): EvidenceUse {
  return inheritedFrom === undefined
    ? { evidenceId, sha256, via }
    : { evidenceId, sha256, via, inheritedFrom }
}

/**
 * The lists of evidence that reach the node, in the order they are offered: the evidence naming
 * it, then naming each ancestor, then through each crosswalk edge (naming the other end, then
 * each ancestor of it).
 */
function sourcesOf(
  item: Listed,
  set: CatalogSet,
  edgesOf: (urn: string) => readonly MappingEdge[],
  coverage: (urn: string) => readonly Target[],
): Source[] {
  const urn = item.node.urn
  const sources: Source[] = []
  for (const target of coverage(urn)) {
    const inherited = target.urn !== urn
    sources.push({ target, rank: inherited ? 1 : 0, inherited, cross: undefined, cap: 2 })
  }
  for (const edge of edgesOf(urn)) {
    const fromSource = edge.target_urn === urn && edge.source_urn !== urn
    const other = fromSource ? edge.source_urn : edge.target_urn
    const otherEntry = set.nodesByUrn.get(other)
    if (!otherEntry || other === urn) continue
    // The relation of the other end to this node.
    const relation = fromSource ? edge.relation : REVERSE[edge.relation]
    const strong = relation === 'equivalent' || relation === 'superset'
    const cross: Cross = {
      from: shortId(otherEntry.framework, otherEntry.node.id),
      relation,
      source: edge.source,
      confidence: edge.confidence,
    }
    const cap: Level = strong && edge.confidence !== 'low' ? 2 : 1
    for (const target of coverage(other))
      sources.push({ target, rank: 2, inherited: target.urn !== other, cross, cap })
  }
  return sources
}

/**
 * Per source, its place in the tie-break between two ways one item reaches the node at the same
 * level: by rank, then by `keyOf`; sources that tie share a place (the first offered wins).
 */
function priorityOf(sources: readonly Source[]): Int32Array {
  const keys = sources.map((s) => keyOf(s))
  const order = sources
    .map((_, s) => s)
    .sort((a, b) => compareCodeUnits(keys[a] as string, keys[b] as string))
  const out = new Int32Array(sources.length)
  for (let k = 1; k < order.length; k++) {
    const s = order[k] as number
    const previous = order[k - 1] as number
    out[s] = (out[previous] as number) + (keys[s] === keys[previous] ? 0 : 1)
  }
  return out
}

/** The tie-break key of a source: its rank, then the crosswalk edge, then the ancestor named. */
function keyOf(s: Source): string {
  const named = s.inherited ? s.target.ref : ''
  return `${s.rank}|${s.cross ? `${s.cross.from}|${s.cross.relation}|${named}` : named}`
}

/** Why the `j`th of the best uses gives only partial, when the best are at level 1. */
function limitOf(c: Contributions, j: number): string {
  const { evidenceId, via } = c.uses[c.best[j] as number] as EvidenceUse
  if (via === 'direct' || c.bestPartial[j] === 1) return `evidence ${evidenceId} is marked partial`
  return via.relation === 'subset'
    ? `${via.from} covers only part of this (subset)`
    : via.relation === 'related'
      ? `${via.from} is only related to this (related)`
      : `the crosswalk from ${via.from} has low confidence`
}

/** Plain description of how contribution `k` reaches the node. */
function howOf(c: Contributions, k: number): string {
  const { evidenceId, via, inheritedFrom } = c.uses[k] as EvidenceUse
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
    /** Expired evidence that would reach the node (rule 7), by id. */
    expired: readonly { id: string; validUntil: string }[]
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
  const filled = fields.filter((f) => isFilled(valueAtPath(ctx.manifest, f)))
  const fieldsFilled = fields.length > 0 && filled.length === fields.length
  const evidenceLevel = contributions.top
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
  if (byChildren) {
    parts.push(childrenReason(status, children.length, metChildren.length, openChildren))
  } else if (level === 2) {
    parts.push(`Met by ${listOf(contributions, how)}.`)
  } else if (level === 1 && evidenceLevel === 1) {
    const limits = [...new Set(contributions.best.map((_, j) => limitOf(contributions, j)))]
    parts.push(`Partly met by ${listOf(contributions, how)}: ${list(limits)}.`)
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
  if (byChildren && evidenceLevel > 0)
    parts.push(`Its own evidence: ${listOf(contributions, how)}.`)
  const { expired } = ctx
  if (expired.length > 0)
    parts.push(
      `Not counted: ${list(expired.map((e) => `evidence ${e.id} expired on ${e.validUntil}`))}.`,
    )
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
    if (expired.length > 0)
      action += ` Or renew the expired evidence (${list(expired.map((e) => e.id))}) and give its new validUntil.`
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

/** `list` of the best uses, shown with `show`. */
function listOf(c: Contributions, show: (use: number) => string): string {
  const shown = c.best.slice(0, MAX_LISTED).map(show)
  if (c.topCount <= MAX_LISTED) return list(shown)
  return `${shown.join(', ')} and ${c.topCount - MAX_LISTED} more`
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
