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
  const { byVia, inOrder } = group(uses)
  // Merge the groups whose keys are equal (objects equal in value: a result read back from JSON
  // shares none) and order them by key.
  let sorted = inOrder
  const routes = new Map<string, EvidenceRoute>()
  for (const [via, list] of byVia) {
    for (const route of list) {
      // `\u0001` sorts before every character of a ref: a route without an ancestor comes first.
      const key = `${viaKey(via)}\u0001${route.inheritedFrom ?? ''}`
      const same = routes.get(key)
      if (same === undefined) routes.set(key, route)
      else {
        for (const id of route.evidenceIds) same.evidenceIds.push(id)
        sorted = false
      }
    }
  }
  return [...routes.keys()].sort().map((key) => {
    const route = routes.get(key) as EvidenceRoute
    if (!sorted && !isSorted(route.evidenceIds)) route.evidenceIds.sort()
    return route
  })
}

/**
 * The uses grouped by route, by the objects themselves: tens of thousands of uses take a few
 * routes, so no string is built per use, and the route of the previous use is tried first. Also
 * whether the uses are in evidence id order, as assessSystem gives them: then so are each route's
 * ids (the output never depends on it: they are sorted when not).
 */
function group(uses: readonly EvidenceUse[]): {
  byVia: Map<EvidenceUse['via'], EvidenceRoute[]>
  inOrder: boolean
} {
  const byVia = new Map<EvidenceUse['via'], EvidenceRoute[]>()
  // A loop run mostly before the JIT has optimised it: the current route's fields in locals.
  let via: EvidenceUse['via'] | undefined
  let ancestor: string | undefined
  let ids: string[] = []
  let inOrder = true
  let previous = ''
  for (let k = 0, n = uses.length; k < n; k++) {
    const u = uses[k] as EvidenceUse
    if (u.via !== via || u.inheritedFrom !== ancestor) {
      const route = routeOf(byVia, u)
      via = route.via
      ancestor = route.inheritedFrom
      ids = route.evidenceIds
    }
    const id = u.evidenceId
    ids.push(id)
    if (id < previous) inOrder = false
    previous = id
  }
  return { byVia, inOrder }
}

/** The route of `u` among those of its `via` (made, with no ids yet, when it is the first). */
function routeOf(byVia: Map<EvidenceUse['via'], EvidenceRoute[]>, u: EvidenceUse): EvidenceRoute {
  let routes = byVia.get(u.via)
  if (routes === undefined) {
    routes = []
    byVia.set(u.via, routes)
  }
  for (let r = 0; r < routes.length; r++) {
    const route = routes[r] as EvidenceRoute
    if (route.inheritedFrom === u.inheritedFrom) return route
  }
  const route: EvidenceRoute =
    u.inheritedFrom === undefined
      ? { via: u.via, evidenceIds: [] }
      : { via: u.via, inheritedFrom: u.inheritedFrom, evidenceIds: [] }
  routes.push(route)
  return route
}

function isSorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if ((ids[i - 1] as string) > (ids[i] as string)) return false
  return true
}
