// Shared helpers of the Accord registry pages: DOM building (text only, never innerHTML, so
// passport contents cannot inject markup), API calls, and plain-words labels.

/**
 * Creates an element. `attrs` values: strings become attributes (`class`, `for`, `aria-*`...),
 * `true` an empty attribute, `false`/`undefined`/`null` nothing; children are nodes or text.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    el.setAttribute(name, value === true ? '' : showBidiControls(String(value)))
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    el.append(
      child instanceof Node ? child : document.createTextNode(showBidiControls(String(child))),
    )
  }
}

/**
 * `text` with every bidi embedding, override and isolate (U+202A-U+202E, U+2066-U+2069) shown as
 * `[U+202E]` instead of applied: passports on the registry may come from issuers that did not
 * check their manifest, and a RIGHT-TO-LEFT OVERRIDE would make a system or provider name display
 * reversed ("Trojan Source"). Marks (U+200E, U+200F) stay. The same rule as src/core/bidi.ts,
 * repeated because the pages have no build step to share it.
 */
export function showBidiControls(text) {
  return text.replace(
    /[\u202A-\u202E\u2066-\u2069]/g,
    (c) => `[U+${c.codePointAt(0).toString(16).toUpperCase()}]`,
  )
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

let captionIds = 0

/**
 * `table` in its own horizontal scroll container: on a narrow screen (320 CSS px, WCAG 2.1
 * SC 1.4.10 Reflow) a wide table scrolls by itself while the rest of the page reflows. The
 * container is a region named by the table's caption and is focusable, so keyboard users can
 * scroll it (SC 2.1.1) and screen readers say what it holds.
 */
export function scrollable(table) {
  const caption = table.querySelector('caption')
  if (caption !== null && !caption.id)
    caption.id = table.id ? `${table.id}-caption` : `table-caption-${++captionIds}`
  return h(
    'div',
    { class: 'table-scroll', role: 'region', tabindex: '0', 'aria-labelledby': caption?.id },
    table,
  )
}

/** An API error with the server's `{ code, message }`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/**
 * The registry's base URL, e.g. https://host/registry/eu/ when a reverse proxy serves it under a
 * prefix (forwarding /registry/eu/... as /...): this module is served at <base>/web/js/ui.js, so
 * its own URL gives the base whatever the prefix and whichever page imported it. The server does
 * not know the prefix, and a `<base>` element would need a laxer CSP (`base-uri 'none'`).
 */
export const BASE = new URL('../../', import.meta.url)

/**
 * `path` of the registry ('api/v1/log/checkpoint', 'passports/<id>', 'search?q=x') as a URL under
 * its base, for fetches and links. A path starting with / would leave the prefix: refused.
 */
export function appUrl(path) {
  if (path.startsWith('/')) throw new TypeError(`appUrl: ${path} must be relative to the base`)
  return new URL(path, BASE).href
}

/** The id of a passport page's path (<base>/passports/<id>, percent-encoded), or '' for another. */
export function passportIdOf(pathname) {
  const prefix = new URL('passports/', BASE).pathname
  if (!pathname.startsWith(prefix)) return ''
  try {
    return decodeURIComponent(pathname.slice(prefix.length))
  } catch {
    return ''
  }
}

/** Fetches JSON from the registry API (`path` as for appUrl); throws ApiError with the server's message. */
export async function api(path, options = {}) {
  const init = { ...options, headers: { accept: 'application/json', ...(options.headers ?? {}) } }
  if (options.json !== undefined) {
    init.method = init.method ?? 'POST'
    init.body = JSON.stringify(options.json)
    init.headers['content-type'] = 'application/json'
    delete init.json
  }
  let response
  try {
    response = await fetch(appUrl(path), init)
  } catch {
    throw new ApiError(0, 'network', 'The registry could not be reached. Check your connection.')
  }
  const text = await response.text()
  let body
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  if (!response.ok) {
    const message =
      body && typeof body === 'object' && typeof body.message === 'string'
        ? body.message
        : `The registry answered ${response.status}.`
    throw new ApiError(response.status, body?.code ?? 'http', message)
  }
  return body
}

/** Fetches text (the checkpoint, a status list). */
export async function apiText(path) {
  const response = await fetch(appUrl(path))
  if (!response.ok)
    throw new ApiError(response.status, 'http', `${path} answered ${response.status}`)
  return response.text()
}

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/** `1 November 2026` for an ISO date-time or date (UTC, so every viewer sees the same day). */
export function formatDate(value) {
  if (typeof value !== 'string' && typeof value !== 'number') return 'unknown'
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value)
  return Number.isNaN(d.getTime()) ? String(value) : DATE.format(d)
}

export const FRAMEWORKS = {
  'eu-ai-act': 'EU AI Act (Regulation (EU) 2024/1689)',
  'nist-ai-rmf': 'NIST AI Risk Management Framework 1.0',
}

export function frameworkName(id) {
  return FRAMEWORKS[id] ?? id
}

export const CATEGORIES = {
  prohibited: 'Prohibited practice',
  'high-risk': 'High-risk',
  transparency: 'Transparency obligations',
  minimal: 'Minimal risk',
  'out-of-scope': 'Out of scope',
}

export function categoryName(id) {
  return CATEGORIES[id] ?? id
}

export const STATUS = {
  valid: { icon: '✓', label: 'Valid', cls: 'outcome-pass' },
  suspended: { icon: '!', label: 'Suspended', cls: 'outcome-indeterminate' },
  revoked: { icon: '✗', label: 'Revoked', cls: 'outcome-fail' },
}

/** A status badge: icon and word, not colour alone. */
export function statusBadge(status) {
  const s = STATUS[status] ?? { icon: '?', label: status, cls: 'outcome-skipped' }
  return h(
    'span',
    { class: `badge ${s.cls}` },
    h('span', { 'aria-hidden': 'true' }, s.icon + ' '),
    s.label,
  )
}

/** The `<dl>` of label/value pairs; values that are undefined are left out. */
export function facts(pairs) {
  const dl = h('dl', { class: 'facts' })
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '') continue
    dl.append(h('dt', {}, label), h('dd', {}, value))
  }
  return dl
}

/** Decodes base64url to a string (UTF-8). */
export function base64UrlDecode(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))
}

/** The payload of the issuer-signed JWT of an SD-JWT, or undefined (no verification!). */
export function peekJwtPayload(sdJwt) {
  try {
    const jwt = sdJwt.trim().split('~')[0]
    const payload = jwt.split('.')[1]
    return JSON.parse(base64UrlDecode(payload))
  } catch {
    return undefined
  }
}
