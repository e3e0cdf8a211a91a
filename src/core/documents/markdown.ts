/**
 * Small Markdown building blocks shared by the document generators.
 *
 * Everything that comes from a manifest, evidence entry or catalog is untrusted text: it goes
 * through `md()` before it is placed in a document, so it can neither break a table, start a
 * heading or list, nor smuggle raw HTML into the HTML rendering.
 */
import { showBidiControls } from '../bidi.js'

/**
 * Escapes untrusted text for use inline in Markdown (paragraphs, list items, table cells,
 * headings). Whitespace, including newlines, collapses to single spaces so the text cannot end a
 * table row or start a block of its own.
 */
export function md(text: string | number | boolean): string {
  // Bidi overrides are refused when a manifest is read (src/core/bidi.ts); a caller passing
  // unchecked data still gets them shown as [U+202E], never applied.
  const oneLine = showBidiControls(String(text)).replace(/\s+/g, ' ').trim()
  let out = oneLine
    // Characters with inline meaning (emphasis, code, links, tables, raw HTML, strikethrough).
    .replace(/[\\`*_[\]|<>~]/g, (c) => '\\' + c)
    // An ampersand that would start a character reference (`&lt;`, `&#60;`) stays literal.
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
  // Block markers only matter at the start of a line; a heading's closing `#`s only at its end.
  out = out
    .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
    .replace(/^>/, '\\>')
    .replace(/^([-+])(?=\s|-|$)/, '\\$1')
    .replace(/^(=+)$/, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
    // A heading's closing sequence is any run of `#` after a space: escaping its first `#` keeps
    // the whole run as text ("Rank ##" would otherwise lose its "##").
    .replace(/(\s)(#+)$/, '$1\\$2')
  return out
}

/** `text` or, when absent or empty, an em dash, escaped. */
export function mdOr(text: string | number | undefined | null, fallback = '—'): string {
  return text === undefined || text === null || String(text).trim() === '' ? fallback : md(text)
}

/** The visible marker for absent information: what is missing and what would close the gap. */
export function missing(what: string, fix: string): string {
  return `**MISSING:** ${what} — ${fix}`
}

/** A GFM table. Cells must already be Markdown (escape untrusted text with `md`). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The header row of a key/value table: each row one field of what the table describes. */
export const FIELD_TABLE_HEADERS = ['Field', 'Value'] as const

/** The header row of a glossary table: each row a classification fact and what it means. */
export const FACT_TABLE_HEADERS = ['Fact', 'Meaning'] as const

/**
 * The header rows of the two-column tables whose first cell names what its row is about: the
 * HTML renders that cell as a row header (./html.ts). Every other table has none.
 */
export const ROW_HEADED_TABLES: readonly (readonly [string, string])[] = [
  FIELD_TABLE_HEADERS,
  FACT_TABLE_HEADERS,
]

/**
 * A key/value table (`| Field | Value |`): each row names a field and gives its value. The HTML
 * renders each field name as a row header (./html.ts); cells must already be Markdown.
 */
export function fieldTable(rows: readonly (readonly [string, string])[]): string {
  return table(FIELD_TABLE_HEADERS, rows)
}

/**
 * A glossary table (`| Fact | Meaning |`): each row names a fact and says what it means. The HTML
 * renders each fact as a row header (./html.ts); cells must already be Markdown.
 */
export function factTable(rows: readonly (readonly [string, string])[]): string {
  return table(FACT_TABLE_HEADERS, rows)
}

/** A bullet list; items must already be Markdown. */
export function bullets(items: readonly string[]): string {
  return items.map((i) => `- ${i}`).join('\n')
}

/** Inline code for trusted machine text (digests, ids we generate). */
export function code(text: string): string {
  return '`' + text.replace(/`/g, '') + '`'
}

/** Yes/No for booleans. */
export function yesNo(value: boolean): string {
  return value ? 'Yes' : 'No'
}

/**
 * Natural ordering of ids: `art-9` before `art-10`, `govern-1.2` before `govern-1.10`. Locale-free,
 * so the order is the same on every machine.
 */
export function compareIds(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? []
  const pb = b.match(/\d+|\D+/g) ?? []
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string
    const y = pb[i] as string
    if (x === y) continue
    const nx = /^\d/.test(x)
    const ny = /^\d/.test(y)
    if (nx && ny) {
      const d = Number(x) - Number(y)
      if (d !== 0) return d
      return x < y ? -1 : 1
    }
    return x < y ? -1 : 1
  }
  return pa.length - pb.length
}

/**
 * Joins blocks with one blank line, normalises line endings to LF, drops trailing spaces and
 * ends the document with exactly one newline.
 */
export function joinBlocks(blocks: readonly (string | undefined | false)[]): string {
  const text = blocks
    .filter((b): b is string => typeof b === 'string' && b.trim() !== '')
    .map((b) => b.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, ''))
    .join('\n\n')
  return text.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '') + '\n'
}
