/**
 * Table of contents for the office renditions (PDF, DOCX) of a generated document.
 *
 * The HTML the core renders (`markdownToHtml`) has plain `<hN>` headings without ids. For the PDF
 * we give every heading a stable id (a slug of its text, deduplicated with `-2`, `-3`, ...) and
 * insert a linked contents list before the first section (after the title and its front matter). Chromium turns the links into
 * PDF link annotations and, with `outline: true`, the headings into PDF bookmarks.
 */
import { escapeHtml } from '../../core/documents/html.js'

/** The heading of the contents list, in the PDF and the DOCX. */
export const TOC_TITLE = 'Table of contents'

/** The id of the contents heading (never given to a document heading). */
const TOC_ID = 'table-of-contents'

export interface TocEntry {
  /** Heading level, 1-6. */
  level: number
  /** Plain text of the heading. */
  text: string
  /** Anchor id, unique within the document. */
  id: string
}

/** Lowercase ASCII slug of `text`: `1. General (Annex IV 1)` -> `1-general-annex-iv-1`. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug === '' ? 'section' : slug.slice(0, 80).replace(/-+$/, '')
}

/**
 * Returns a function giving each slug once: the second `x` becomes `x-2`, and so on. `reserved`
 * ids are never given out.
 */
export function createSlugger(reserved: readonly string[] = []): (text: string) => string {
  const used = new Set(reserved)
  return (text) => {
    const base = slugify(text)
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`
    used.add(id)
    return id
  }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  nbsp: '\u00a0',
}

/** Text of an HTML fragment produced by the core renderer: tags dropped, entities decoded. */
export function htmlToText(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
      if (ENTITIES[name] !== undefined) return ENTITIES[name]
      if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16))
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10))
      return whole
    })
    .replace(/\s+/g, ' ')
    .trim()
}

export interface AddTableOfContentsOptions {
  /** Deepest heading level listed; default 3. Level 1 (the title) is never listed. */
  maxLevel?: number
  /** Start the body on a new page after the contents (for print); default true. */
  pageBreak?: boolean
}

const HEADING = /<h([1-6])>([\s\S]*?)<\/h\1>/g

const TOC_CSS = `
nav.toc { margin: 1rem 0 1.5rem; }
nav.toc h2 { margin-top: 1rem; }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc ol ol { padding-left: 1.5rem; }
nav.toc li { margin: .15rem 0; }
nav.toc a { color: inherit; text-decoration: none; }
@media print { nav.toc.break { break-after: page; page-break-after: always; } }
`.trim()

/**
 * Adds ids to the headings of a page made by `markdownToHtml` and a linked table of contents
 * (levels 2..maxLevel, nested) right before the first heading it lists, so after the title and
 * what precedes the first section. Returns the page and the entries. Pure: the same page gives the same bytes.
 */
export function addTableOfContents(
  html: string,
  options: AddTableOfContentsOptions = {},
): { html: string; entries: TocEntry[] } {
  const maxLevel = options.maxLevel ?? 3
  const slug = createSlugger([TOC_ID])
  const entries: TocEntry[] = []
  const withIds = html.replace(HEADING, (_whole, lvl: string, inner: string) => {
    const level = Number(lvl)
    const text = htmlToText(inner)
    const id = slug(text)
    entries.push({ level, text, id })
    return `<h${level} id="${id}">${inner}</h${level}>`
  })
  const listed = entries.filter((e) => e.level >= 2 && e.level <= maxLevel)
  if (listed.length === 0) return { html: withIds, entries }

  const nav = renderTocNav(listed, options.pageBreak ?? true)
  // Before the first listed heading: after the title and the identity table that follows it.
  const first = listed[0] as TocEntry
  const at = withIds.indexOf(`<h${first.level} id="${first.id}">`)
  const page = withIds.slice(0, at) + '\n' + nav + withIds.slice(at)
  return { html: page.replace('</style>', `${TOC_CSS}\n</style>`), entries }
}

function renderTocNav(entries: readonly TocEntry[], pageBreak: boolean): string {
  const top = Math.min(...entries.map((e) => e.level))
  const out: string[] = [
    `<nav class="toc${pageBreak ? ' break' : ''}" aria-labelledby="${TOC_ID}">`,
    `<h2 id="${TOC_ID}">${escapeHtml(TOC_TITLE)}</h2>`,
    '<ol>',
  ]
  let depth = top
  let open = false
  for (const e of entries) {
    const level = Math.max(e.level, top)
    if (level > depth) {
      // Deeper: open nested lists inside the current item.
      while (depth < level) {
        out.push('<ol>')
        depth++
      }
    } else {
      if (open) out.push('</li>')
      while (depth > level) {
        out.push('</ol></li>')
        depth--
      }
    }
    out.push(`<li><a href="#${e.id}">${escapeHtml(e.text)}</a>`)
    open = true
  }
  out.push('</li>')
  while (depth > top) {
    out.push('</ol></li>')
    depth--
  }
  out.push('</ol>', '</nav>')
  return out.join('\n')
}
