/**
 * What `accord assess --json` prints (docs/assess.md): the assessment with each obligation's
 * evidence grouped by route.
 *
 * In process, an obligation lists every use of evidence (`EvidenceUse`: evidence id, its SHA-256,
 * how it reaches the obligation). A large system has tens of thousands of uses that share a few
 * routes (direct, inherited from an ancestor, one crosswalk edge), and each use repeated the
 * digest that `evidence` already lists: 17 MiB of JSON for 10,000 evidence files. Here each route
 * is written once with the ids of the evidence that takes it; the digests, paths and sizes stay in
 * the top-level `evidence` table. Nothing is lost: every use is one (route, id) pair.
 */
import type { ClassificationResult } from '../classify/types.js'
import type { AssessmentResult, EvidenceUse, ObligationAssessment } from './types.js'

/** One way evidence reaches an obligation, with the ids of the evidence that takes it. */
export interface EvidenceRoute {
  /** `direct` when the evidence names the obligation (or an ancestor); else the crosswalk edge. */
  via: EvidenceUse['via']
  /** As in `EvidenceUse`: the ancestor the evidence names, for inherited uses. */
  inheritedFrom?: string
  /** Evidence ids, sorted; each is in the top-level `evidence` table. */
  evidenceIds: string[]
}

export type ObligationOutput = Omit<ObligationAssessment, 'evidence'> & {
  /** Routes in order: direct, inherited (by `inheritedFrom`), crosswalk (by edge, then ancestor). */
  evidence: EvidenceRoute[]
}

export type AssessmentOutput = Omit<AssessmentResult, 'obligations'> & {
  obligations: ObligationOutput[]
}

/** The document `accord assess --json` prints. */
export interface AssessJson {
  classification: ClassificationResult
  assessment: AssessmentOutput
}

/** `{ classification, assessment }` as `accord assess --json` prints it (before JSON.stringify). */
export function assessJson(
  classification: ClassificationResult,
  result: AssessmentResult,
): AssessJson {
  return { classification, assessment: assessmentOutput(result) }
}

/** The assessment with each obligation's uses grouped by route; everything else as it is. */
export function assessmentOutput(result: AssessmentResult): AssessmentOutput {
  // The sort key of each `via`, built once per object (assessSystem shares them between uses).
  const viaKeys = new Map<EvidenceUse['via'], string>()
  const viaKey = (via: EvidenceUse['via']): string => {
    let key = viaKeys.get(via)
    if (key === undefined) {
      // Direct routes first ("0"), then crosswalk ones ("1") by edge.
      key =
        via === 'direct'
          ? '0'
          : `1${via.from}\u0000${via.relation}\u0000${via.source}\u0000${via.confidence}`
      viaKeys.set(via, key)
    }
    return key
  }
  return {
    ...result,
    // The spread keeps `evidence` where it was among the keys, so the key order is unchanged.
    obligations: result.obligations.map((o) => ({ ...o, evidence: routesOf(o.evidence, viaKey) })),
  }
}

function routesOf(
  uses: readonly EvidenceUse[],
  viaKey: (via: EvidenceUse['via']) => string,
): EvidenceRoute[] {
  if (uses.length === 0) return []
  // Tens of thousands of uses, a few routes: group by the objects themselves (no string built
  // per use), then merge the groups whose keys are equal and order them by key.
  const byVia = new Map<EvidenceUse['via'], Map<string | undefined, EvidenceRoute>>()
  for (const u of uses) {
    let byAncestor = byVia.get(u.via)
    if (byAncestor === undefined) {
      byAncestor = new Map()
      byVia.set(u.via, byAncestor)
    }
    const route = byAncestor.get(u.inheritedFrom)
    if (route !== undefined) route.evidenceIds.push(u.evidenceId)
    else
      byAncestor.set(
        u.inheritedFrom,
        u.inheritedFrom === undefined
          ? { via: u.via, evidenceIds: [u.evidenceId] }
          : { via: u.via, inheritedFrom: u.inheritedFrom, evidenceIds: [u.evidenceId] },
      )
  }
  const routes = new Map<string, EvidenceRoute>()
  for (const [via, byAncestor] of byVia) {
    for (const [ancestor, route] of byAncestor) {
      // `\u0001` sorts before every character of a ref: a route without an ancestor comes first.
      const key = `${viaKey(via)}\u0001${ancestor ?? ''}`
      const same = routes.get(key)
      if (same === undefined) routes.set(key, route)
      else same.evidenceIds.push(...route.evidenceIds)
    }
  }
  return [...routes.keys()].sort().map((key) => {
    const route = routes.get(key) as EvidenceRoute
    // assessSystem gives uses in evidence id order; sort anyway so the output never depends on it.
    if (!isSorted(route.evidenceIds)) route.evidenceIds.sort()
    return route
  })
}

function isSorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if ((ids[i - 1] as string) > (ids[i] as string)) return false
  return true
}
