/**
 * Markdown -> self-contained HTML5 page (inline CSS only; no scripts, no external resources).
 *
 * Defence in depth: manifest text is already escaped by `md()`, and the renderer additionally
 * escapes any raw HTML that reaches it (except the `<br>` line breaks we put in table cells) and
 * renders links to anything but a relative document as plain text, so no page ever refers to an
 * outside resource. Bidi embeddings, overrides and isolates are shown as `[U+202E]` (src/core/bidi.ts).
 */
import { Marked, type Tokens } from 'marked'
import { showBidiControls } from '../bidi.js'
import { ROW_HEADED_TABLES } from './markdown.js'

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5; color: #1a1a1a; background: #fff; max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem;
  overflow-wrap: break-word; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
h3 { font-size: 1.12rem; margin-top: 1.5rem; }
h4 { font-size: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0; font-size: .9rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #eee; }
th[scope="row"] { background: none; font-weight: normal; }
tr:nth-child(even) td, tr:nth-child(even) th[scope="row"] { background: #fafafa; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em;
  overflow-wrap: anywhere; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #555; background: #f3f3f3; }
strong.missing { background: #ffe08a; color: #5c3c00; padding: 0 .2rem; border: 1px solid #d9a400; }
strong.draft { background: #ffd6d6; color: #7a0000; padding: 0 .2rem; border: 1px solid #c00; }
a { color: #0b4f9c; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h1, h2, h3 { page-break-after: avoid; break-after: avoid; }
  table, tr, blockquote { page-break-inside: avoid; break-inside: avoid; }
  th[scope="col"] { background: #eee !important; -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  strong.missing, strong.draft { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`.trim()

export function escapeHtml(text: string): string {
  return showBidiControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A relative link to another generated document; anything with a scheme or host is not. */
function isRelativeDocumentLink(href: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*\.(md|html)(#[A-Za-z0-9_-]*)?$/.test(href)
}

/**
 * A table whose first column heads its rows (markdown.ts `fieldTable`, `factTable`): its header
 * row is exactly one of ROW_HEADED_TABLES ("Field | Value", "Fact | Meaning").
 */
function isRowHeadedTable(token: Tokens.Table): boolean {
  return ROW_HEADED_TABLES.some(
    (headers) =>
      token.header.length === headers.length &&
      token.header.every((cell, i) => cell.text === headers[i]),
  )
}

function createMarked(): Marked {
  const marked = new Marked({ gfm: true, breaks: false, async: false })
  // The first cell of each row of a key/value table: the field's name, which heads its row.
  const rowHeaders = new WeakSet<Tokens.TableCell>()
  marked.use({
    // No GFM autolinks: bare URLs in manifest text stay text (and keep their escapes intact).
    tokenizer: {
      url(): undefined {
        return undefined
      },
    },
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return /^<br\s*\/?>$/i.test(text.trim()) ? '<br>' : escapeHtml(text)
      },
      link({ href, tokens }: Tokens.Link): string {
        const inner = this.parser.parseInline(tokens)
        if (!isRelativeDocumentLink(href)) return inner
        return `<a href="${escapeHtml(href)}">${inner}</a>`
      },
      image({ text }: Tokens.Image): string {
        return escapeHtml(text)
      },
      // In a key/value or glossary table the field name (or fact) heads its row; marked then
      // renders the table.
      table(token: Tokens.Table): false {
        if (isRowHeadedTable(token)) for (const [name] of token.rows) if (name) rowHeaders.add(name)
        return false
      },
      // A cell of the header row heads a column: `scope="col"` says so to assistive technology
      // (WCAG 1.3.1, technique H63). GFM tables have no row headers of their own: in the body,
      // only the first cells of key/value and glossary tables are <th scope="row">; every other
      // cell is <td>.
      tablecell(cell: Tokens.TableCell): string {
        const { tokens, header, align } = cell
        const inner = this.parser.parseInline(tokens)
        const rowHeader = !header && rowHeaders.has(cell)
        const tag = header || rowHeader ? 'th' : 'td'
        const scope = header ? ' scope="col"' : rowHeader ? ' scope="row"' : ''
        const alignment = align ? ` align="${align}"` : ''
        return `<${tag}${scope}${alignment}>${inner}</${tag}>\n`
      },
      strong({ tokens }: Tokens.Strong): string {
        const inner = this.parser.parseInline(tokens)
        const cls =
          inner === 'MISSING:' ? ' class="missing"' : inner === 'DRAFT' ? ' class="draft"' : ''
        return `<strong${cls}>${inner}</strong>`
      },
    },
  })
  return marked
}

/** Converts a generated Markdown document to a self-contained HTML5 page titled `title`. */
export function markdownToHtml(markdown: string, title: string): string {
  const body = createMarked().parse(markdown, { async: false }).replace(/\s*$/, '')
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
