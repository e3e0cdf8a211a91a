/**
 * Time- and fact-aware applicability of catalog obligations.
 *
 * - A law has versions (the Act as published, as amended by Reg. (EU) 2026/1744, ...). The version
 *   in force on a date is the last one whose `in_force_from` is on or before it.
 * - An obligation lists its dates of application per law version (and per high-risk route). A
 *   version that lists no date for a node inherits the dates of the latest earlier version that
 *   does; a node with no date under any version up to the one in force does not exist in it.
 * - Conditions (`applies_when`) are evaluated on classification facts (tags).
 */
import { FACTS } from '../classify/facts.js'
import { compareCodeUnits } from '../compare.js'
import type { Catalog, CatalogNode, Condition, LawVersion, Route } from './schema.js'

/** Orders ISO dates (YYYY-MM-DD): by code units, which for such strings is date order. */
export const compareIsoDates = compareCodeUnits

/** The law version in force on `asOf` (YYYY-MM-DD), or undefined when the catalog has none. */
export function lawVersionAt(catalog: Catalog, asOf: string): LawVersion | undefined {
  const versions = [...(catalog.law_versions ?? [])].sort((a, b) =>
    compareIsoDates(a.in_force_from, b.in_force_from),
  )
  let current: LawVersion | undefined
  for (const v of versions) if (v.in_force_from <= asOf) current = v
  return current ?? versions[0]
}

export interface ApplicationDate {
  from: string
  lawVersion: string
  route: Route
  note?: string
}

/**
 * The date an obligation applies from under `lawVersionId`, for a system reaching it by `routes`
 * (the earliest date among matching routes; `any` matches every route). Undefined when the node
 * is not part of that version of the law or has no obligation.
 *
 * Transitional entries (`placed_before`) are used instead of the others only for a system placed
 * on the market before that date (`placedOnMarket`); without a placement date the general date is
 * used, which is the earlier one.
 */
export function applicationDate(
  catalog: Catalog,
  node: CatalogNode,
  lawVersionId: string,
  routes: readonly Route[],
  placedOnMarket?: string,
): ApplicationDate | undefined {
  const obligation = node.obligation
  if (!obligation) return undefined
  const order = [...(catalog.law_versions ?? [])]
    .sort((a, b) => compareIsoDates(a.in_force_from, b.in_force_from))
    .map((v) => v.id)
  const upTo = order.indexOf(lawVersionId)
  const candidates = upTo < 0 ? order : order.slice(0, upTo + 1)
  for (let i = candidates.length - 1; i >= 0; i--) {
    const all = obligation.application.filter((a) => a.law_version === candidates[i])
    if (all.length === 0) continue
    const transitional = all.filter(
      (a) =>
        a.placed_before !== undefined &&
        placedOnMarket !== undefined &&
        placedOnMarket < a.placed_before,
    )
    const entries =
      transitional.length > 0 ? transitional : all.filter((a) => a.placed_before === undefined)
    if (entries.length === 0) continue
    const matching = entries.filter(
      (a) => a.route === 'any' || routes.length === 0 || routes.includes(a.route),
    )
    const usable = matching.length > 0 ? matching : entries.filter((a) => a.route === 'any')
    if (usable.length === 0) return undefined
    const best = usable.reduce((a, b) => (b.from < a.from ? b : a))
    return {
      from: best.from,
      lawVersion: best.law_version,
      route: best.route,
      ...(best.note === undefined ? {} : { note: best.note }),
    }
  }
  return undefined
}

/** True when every `all` fact holds, at least one `any` fact holds (if given), no `none` fact holds. */
export function evaluateCondition(condition: Condition, facts: ReadonlySet<string>): boolean {
  if (condition.all && !condition.all.every((f) => facts.has(f))) return false
  if (condition.any && condition.any.length > 0 && !condition.any.some((f) => facts.has(f)))
    return false
  if (condition.none && condition.none.some((f) => facts.has(f))) return false
  return true
}

/** Plain-words reason why a condition does not hold, for `not-applicable` statuses and traces. */
export function explainCondition(condition: Condition, facts: ReadonlySet<string>): string {
  const parts: string[] = []
  const missing = (condition.all ?? []).filter((f) => !facts.has(f))
  if (missing.length > 0) parts.push(`requires ${missing.join(', ')}`)
  if (condition.any && condition.any.length > 0 && !condition.any.some((f) => facts.has(f)))
    parts.push(`requires one of ${condition.any.join(', ')}`)
  const present = (condition.none ?? []).filter((f) => facts.has(f))
  // An exclusion is the surprising case (e.g. Art. 2(2)), so it is said in words, not only as a tag.
  if (present.length > 0) parts.push(`excluded by ${present.map(describeFact).join(', ')}`)
  return parts.length > 0 ? parts.join('; ') : 'condition holds'
}

/** `tag (what it means)` for the fixed facts; parametrised tags as they are. */
function describeFact(tag: string): string {
  const text = Object.hasOwn(FACTS, tag) ? FACTS[tag as keyof typeof FACTS] : undefined
  return text === undefined ? tag : `${tag} (${text.replace(/\.$/, '')})`
}
