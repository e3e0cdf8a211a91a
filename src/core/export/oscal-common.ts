/**
 * Pieces shared by the OSCAL exports (catalog, system security plan, assessment results): the
 * OSCAL version, Accord's property namespace, and helpers that keep values inside the datatypes of
 * the NIST JSON schemas (schema/vendor/oscal-1.2.1/).
 */

/** The OSCAL release the exports are written against and validated with. */
export const OSCAL_VERSION = '1.2.1'

/** Namespace of Accord's own OSCAL properties and parts (`ns`), so they never clash with NIST's. */
export const ACCORD_OSCAL_NS = 'https://accord.dev/ns/oscal'

export interface OscalProperty {
  name: string
  value: string
  ns?: string
  class?: string
  remarks?: string
}

export interface OscalLink {
  href: string
  rel?: string
  'media-type'?: string
  text?: string
}

export interface OscalPart {
  id?: string
  name: string
  ns?: string
  class?: string
  title?: string
  props?: OscalProperty[]
  prose?: string
  parts?: OscalPart[]
}

export interface OscalResource {
  uuid: string
  title?: string
  description?: string
  props?: OscalProperty[]
  rlinks?: {
    href: string
    'media-type'?: string
    hashes?: { algorithm: string; value: string }[]
  }[]
  remarks?: string
}

export interface OscalParty {
  uuid: string
  type: 'person' | 'organization'
  name?: string
  'email-addresses'?: string[]
  addresses?: { 'addr-lines'?: string[]; country?: string }[]
  props?: OscalProperty[]
  links?: OscalLink[]
  remarks?: string
}

export interface OscalMetadata {
  title: string
  published?: string
  'last-modified': string
  version: string
  'oscal-version': string
  props?: OscalProperty[]
  links?: OscalLink[]
  roles?: { id: string; title: string; description?: string }[]
  parties?: OscalParty[]
  'responsible-parties'?: { 'role-id': string; 'party-uuids': string[] }[]
  remarks?: string
}

/**
 * A value for an OSCAL `string` (no leading or trailing whitespace, no line breaks: the schema's
 * pattern is `^\S(.*\S)?$` and `.` does not match a newline).
 */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/**
 * An OSCAL token (an XML NCName: a letter or `_` first, then letters, digits, `.`, `-`, `_`).
 * Accord ids such as `art-9.2.a` and `govern-1.1` are tokens already; anything else is mapped.
 */
export function toToken(id: string): string {
  const cleaned = id.replace(/[^\p{L}\p{N}._-]/gu, '_')
  return /^[\p{L}_]/u.test(cleaned) ? cleaned : `_${cleaned}`
}

/** One character percent-encoded as UTF-8 (a lone surrogate as U+FFFD). */
function percentEncode(c: string): string {
  try {
    return encodeURIComponent(c)
  } catch {
    return '%EF%BF%BD'
  }
}

/**
 * A relative file path (`evidence/Evaluation report.pdf`) as an OSCAL `uri-reference`: each
 * `/`-separated segment percent-encoded, so spaces, `#`, `?`, `%` and non-ASCII letters in file
 * names stay part of the path.
 */
export function pathHref(filePath: string): string {
  return filePath
    .split('/')
    .map((segment) => segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]/gu, percentEncode))
    .join('/')
}

/**
 * A URL as an OSCAL `uri-reference`: characters a URI may not hold (spaces, non-ASCII letters,
 * a `%` that starts no escape) percent-encoded; everything else, escapes included, kept.
 */
export function urlHref(url: string): string {
  return url
    .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
    .replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu, percentEncode)
}

/** Midnight UTC of an as-of date, as an OSCAL date-time with a time zone. */
export function oscalDateTime(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError(`expected YYYY-MM-DD, got ${date}`)
  return `${date}T00:00:00Z`
}

/** An Accord property; `undefined` when the value is empty (OSCAL values must not be). */
export function accordProp(
  name: string,
  value: string | number | boolean | undefined,
  extra: { class?: string; remarks?: string } = {},
): OscalProperty | undefined {
  if (value === undefined) return undefined
  const v = oneLine(String(value))
  if (v === '') return undefined
  return { name, ns: ACCORD_OSCAL_NS, value: v, ...extra }
}

/** A property of the OSCAL namespace itself (`label`, `sort-id`, ...). */
export function oscalProp(name: string, value: string | undefined): OscalProperty | undefined {
  if (value === undefined) return undefined
  const v = oneLine(value)
  return v === '' ? undefined : { name, value: v }
}

/** Drops `undefined` entries; returns `undefined` for an empty list (OSCAL arrays need >= 1 item). */
export function compact<T>(items: readonly (T | undefined)[]): T[] | undefined {
  const out = items.filter((x): x is T => x !== undefined)
  return out.length > 0 ? out : undefined
}

/** Removes keys whose value is `undefined`, so the JSON has no empty members. */
export function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** The JSON text of an OSCAL document: two-space indent and a final newline. */
export function formatOscal(document: unknown): string {
  return JSON.stringify(document, null, 2) + '\n'
}
