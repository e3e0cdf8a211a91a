/**
 * Atom (RFC 4287) documents for feed readers and alerting tools that follow the registry
 * (routes/atom-feeds.ts, docs/api.md "Atom feeds").
 *
 * The XML is built as a DOM and written by @xmldom/xmldom's XMLSerializer, which escapes text
 * and attribute values; nothing here writes markup or escapes by hand. Every text is plain
 * (`type="text"`): report and reason texts come from outside the registry, and a reader shows
 * them as text, never as HTML. The serializer does not drop characters XML 1.0 forbids (most C0
 * controls, lone surrogates, U+FFFE, U+FFFF), which would make the whole feed unreadable, so
 * `xmlText` (src/core/xml.ts) replaces them with U+FFFD first; `requireWellFormed` then refuses any that remain.
 *
 * Why not the `feed` package (jpmonette/feed 6.0.0): it writes entry titles and summaries as
 * `type="html"` in CDATA, so untrusted text would reach readers as HTML, and its serializer
 * (xml-js) splits only the first `]]>` of a text, so a second one ends the CDATA section and the
 * feed is not well-formed.
 */
import { createHash } from 'node:crypto'
import { DOMImplementation, XMLSerializer, type Element } from '@xmldom/xmldom'
import { xmlText } from '../core/xml.js'

export { xmlText }

export const ATOM_NS = 'http://www.w3.org/2005/Atom'
export const ATOM_TYPE = 'application/atom+xml; charset=utf-8'
/** The feed's `updated` when it has no entry. */
export const EMPTY_FEED_UPDATED = '1970-01-01T00:00:00Z'

export interface AtomLink {
  href: string
  rel: 'self' | 'alternate'
  type?: string
}

export interface AtomEntry {
  /** An absolute IRI, the same each time the entry is served. */
  id: string
  title: string
  /** RFC 3339 date-time. */
  updated: string
  published?: string
  /** The entry's page (rel=alternate), as an IRI reference (relative to the feed's URL). */
  link: string
  /** Plain text. */
  summary: string
}

export interface AtomFeed {
  id: string
  title: string
  subtitle?: string
  /** The feed's author (RFC 4287 requires one on the feed when entries have none). */
  author: string
  links: AtomLink[]
  /** Newest first. */
  entries: AtomEntry[]
}

/**
 * A name-based (version 5, SHA-1) UUID, RFC 9562 §5.5, as `urn:uuid:...`: stable ids for feeds
 * and entries that have no id of their own.
 */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex')
  if (ns.length !== 16) throw new TypeError(`uuidV5: namespace ${namespace} is not a UUID`)
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** RFC 9562's namespace for URLs, under which the registry's names are hashed. */
export const UUID_NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'

/** The feed as an XML document (UTF-8, XML 1.0), entries in the order given. */
export function renderAtom(feed: AtomFeed): string {
  const doc = new DOMImplementation().createDocument(ATOM_NS, 'feed', null)
  const root = doc.documentElement as Element
  const add = (
    parent: Element,
    name: string,
    text?: string,
    attrs: Record<string, string> = {},
  ) => {
    const el = doc.createElementNS(ATOM_NS, name)
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, xmlText(v))
    if (text !== undefined) el.appendChild(doc.createTextNode(xmlText(text)))
    parent.appendChild(el)
    return el
  }
  add(root, 'id', feed.id)
  add(root, 'title', feed.title, { type: 'text' })
  if (feed.subtitle !== undefined) add(root, 'subtitle', feed.subtitle, { type: 'text' })
  add(root, 'updated', feed.entries[0]?.updated ?? EMPTY_FEED_UPDATED)
  for (const link of feed.links)
    add(root, 'link', undefined, {
      rel: link.rel,
      href: link.href,
      ...(link.type ? { type: link.type } : {}),
    })
  add(add(root, 'author'), 'name', feed.author)
  add(root, 'generator', 'Accord registry')
  for (const e of feed.entries) {
    const entry = add(root, 'entry')
    add(entry, 'id', e.id)
    add(entry, 'title', e.title, { type: 'text' })
    add(entry, 'updated', e.updated)
    if (e.published !== undefined) add(entry, 'published', e.published)
    add(entry, 'link', undefined, { rel: 'alternate', type: 'text/html', href: e.link })
    add(entry, 'summary', e.summary, { type: 'text' })
  }
  const xml = new XMLSerializer().serializeToString(doc, { requireWellFormed: true })
  return `<?xml version="1.0" encoding="utf-8"?>\n${xml}\n`
}
