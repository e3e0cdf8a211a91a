/**
 * Region codes for data residency: ISO 3166-1 alpha-2 country codes and two groups.
 *
 * - `EU`: the 27 member states (Art. 52 TEU), as of 1 February 2020.
 * - `EEA`: the EU plus Iceland, Liechtenstein and Norway (EEA Agreement).
 *
 * EU usage writes Greece as `EL` and the United Kingdom as `UK`; both are read as their ISO codes
 * (`GR`, `GB`). A region R lies within a set S when every country R may stand for is in S:
 * `DE` and `EU` lie within `EEA`; `EEA` does not lie within `EU`.
 *
 * A country code must be an officially assigned ISO 3166-1 alpha-2 code (../iso-3166.ts): `XX`
 * or a withdrawn `SU` would otherwise lie within nothing and fail every residency rule silently.
 */
import { countryHint, EU_MEMBER_STATES, isIsoCountry, ISO_3166_ALPHA2 } from '../iso-3166.js'
import { suggestClosest } from '../manifest/suggest.js'

export { EU_MEMBER_STATES }

export const REGION_GROUPS: Readonly<Record<string, readonly string[]>> = {
  EU: EU_MEMBER_STATES,
  EEA: [...EU_MEMBER_STATES, 'IS', 'LI', 'NO'],
}

const ALIASES: Readonly<Record<string, string>> = { EL: 'GR', UK: 'GB' }

/** Every code `regionProblem` accepts, for the JSON Schemas: countries, aliases, groups. */
export const REGION_CODES: readonly string[] = [
  ...ISO_3166_ALPHA2,
  ...Object.keys(ALIASES),
  ...Object.keys(REGION_GROUPS),
].sort()

/**
 * Why `code` (as written: capitals expected) is not a region, with the fix; undefined when it is
 * one: an ISO 3166-1 alpha-2 country code, `EL` or `UK` (EU usage for GR and GB), `EU` or `EEA`.
 */
export function regionProblem(code: string): { message: string; hint: string } | undefined {
  if (isIsoCountry(code) || Object.hasOwn(ALIASES, code) || Object.hasOwn(REGION_GROUPS, code))
    return undefined
  const groups = Object.keys(REGION_GROUPS)
  const group = code.length === 3 ? suggestClosest(code, groups) : undefined
  return {
    message: `unknown region ${code}; regions are EU, EEA or ISO 3166-1 alpha-2 country codes`,
    hint:
      group !== undefined
        ? `did you mean \`${group}\`?`
        : code.length === 3
          ? 'list the countries, e.g. DE, FR (three-letter codes are only EEA)'
          : countryHint(code),
  }
}

/** Upper-cases, trims and resolves the EL/UK aliases. */
export function normalizeRegion(code: string): string {
  const up = code.trim().toUpperCase()
  return ALIASES[up] ?? up
}

/** True for the group names (`EU`, `EEA`). */
export function isRegionGroup(code: string): boolean {
  return Object.hasOwn(REGION_GROUPS, normalizeRegion(code))
}

/** The countries a region may stand for: a group's members, or the country itself. */
export function expandRegion(code: string): readonly string[] {
  const norm = normalizeRegion(code)
  return REGION_GROUPS[norm] ?? [norm]
}

/** True when every country `region` may stand for is in one of `within`. */
export function regionWithin(region: string, within: readonly string[]): boolean {
  const allowed = allowedCache.get(within) ?? new Set(within.flatMap(expandRegion))
  allowedCache.set(within, allowed)
  return expandRegion(region).every((c) => allowed.has(c))
}

/**
 * The countries of each `within` list, built once per list: a policy's list is checked against
 * every passport it verifies. Keyed by the array, so callers must not mutate a list once used
 * (parsed policies are never mutated).
 */
const allowedCache = new WeakMap<readonly string[], ReadonlySet<string>>()
