/** Calendar dates as the law and the CLI write them: YYYY-MM-DD, UTC. */

/**
 * True when `value` is a real calendar date as YYYY-MM-DD (not 2026-02-30, not 2026-13-01): a
 * date that `Date` would roll over to another day does not survive the round trip. Parsed as an
 * ISO date-time, so years 0000-0099 are those years (`Date.UTC` would read them as 1900-1999).
 * One function for the catalog, manifest and policy schemas and the CLI's `--as-of` and `--at`.
 */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const d = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value
}

/**
 * Seconds since the epoch of an ISO 8601 date or date-time whose date is a real calendar date
 * (`Date.parse` alone would take 2026-02-30 as 2 March); undefined for anything else. For
 * `accord verify --at` and the `at` of POST /api/v1/verify/report.
 */
export function parseIsoSeconds(value: string): number | undefined {
  const ms = Date.parse(value)
  if (Number.isNaN(ms) || !isCalendarDate(value.slice(0, 10))) return undefined
  return Math.floor(ms / 1000)
}
