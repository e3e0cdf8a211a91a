/**
 * The tables of a page `markdownToHtml` made, read back as header texts and rows of cells (tag,
 * scope, text), to check which cells are row headers. It reads only the markup marked writes for
 * GFM tables (no nested tables, cells with inline markup); the Chromium suite (test/web) checks
 * the same on the DOM.
 */
export interface HtmlCell {
  tag: 'th' | 'td'
  scope: string | null
  /** The cell's text, tags removed. */
  text: string
}

export interface HtmlTable {
  headers: string[]
  rows: HtmlCell[][]
}

const text = (html: string): string => html.replace(/<[^>]*>/g, '').trim()

function cells(row: string): HtmlCell[] {
  return [...row.matchAll(/<(th|td)\b([^>]*)>([\s\S]*?)<\/\1>/g)].map(([, tag, attrs, inner]) => ({
    tag: tag as 'th' | 'td',
    scope: /\sscope="([^"]*)"/.exec(attrs ?? '')?.[1] ?? null,
    text: text(inner ?? ''),
  }))
}

export function htmlTables(html: string): HtmlTable[] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, table]) => {
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(table ?? '')?.[1] ?? ''
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table ?? '')?.[1] ?? ''
    return {
      headers: cells(head).map((c) => c.text),
      rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => cells(row ?? '')),
    }
  })
}

/** The header rows of the tables whose first column heads its rows (src/core/documents/markdown.ts). */
export const ROW_HEADED = ['Field | Value', 'Fact | Meaning']

/**
 * What is wrong with the row headers of a page, one sentence each: every body row of a
 * "Field | Value" (key/value) or "Fact | Meaning" (glossary) table must start with one
 * `<th scope="row">` followed by `<td>`s; no body cell of any other table may be a header. Also
 * returns how many key/value tables and how many glossary tables the page has.
 */
export function rowHeaderProblems(html: string): {
  fieldTables: number
  factTables: number
  problems: string[]
} {
  const problems: string[] = []
  let fieldTables = 0
  let factTables = 0
  for (const [t, table] of htmlTables(html).entries()) {
    const headers = table.headers.join(' | ')
    const keyValue = ROW_HEADED.includes(headers)
    if (headers === 'Field | Value') fieldTables++
    if (headers === 'Fact | Meaning') factTables++
    for (const [r, row] of table.rows.entries())
      for (const [c, cell] of row.entries()) {
        const want = keyValue && c === 0 ? { tag: 'th', scope: 'row' } : { tag: 'td', scope: null }
        if (cell.tag !== want.tag || cell.scope !== want.scope)
          problems.push(
            `table ${t} (${table.headers.join(' | ')}) row ${r} cell ${c} "${cell.text}" is <${cell.tag}${cell.scope === null ? '' : ` scope="${cell.scope}"`}>, want <${want.tag}${want.scope === null ? '' : ` scope="${want.scope}"`}>`,
          )
      }
  }
  return { fieldTables, factTables, problems }
}
