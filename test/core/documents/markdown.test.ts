import { describe, expect, it } from 'vitest'
import { markdownToHtml } from '../../../src/core/documents/html.js'
import {
  compareIds,
  factTable,
  fieldTable,
  joinBlocks,
  md,
  table,
} from '../../../src/core/documents/markdown.js'
import { htmlTables } from './html-tables.js'

/** The text of the first <p> of the rendered page, with HTML entities decoded. */
function renderedText(markdown: string): string {
  const html = markdownToHtml(markdown, 't')
  const p = html.match(/<main>\n<p>([\s\S]*?)<\/p>/)?.[1] ?? ''
  return decode(p)
}

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** The text of the first <h1> of the rendered page, with HTML entities decoded. */
function headingText(markdown: string): string {
  const h1 = markdownToHtml(markdown, 't').match(/<h1>([\s\S]*?)<\/h1>/)?.[1] ?? ''
  return decode(h1)
}

describe('md', () => {
  const nasty = [
    '<script>alert(1)</script>',
    '# heading',
    '## also # heading #',
    '> quote',
    '- item',
    '+ item',
    '1. first',
    '2) second',
    '===',
    'a | b | c',
    '*bold* _em_ **strong** ~~strike~~',
    '`code` ``two``',
    '[link](https://evil.test) ![img](x.png)',
    '&lt;b&gt; &#60; &amp; R&D',
    'back\\slash at end\\',
    'C# and F#',
    '<https://evil.test>',
    'www.evil.test and mail@evil.test',
    'version 2.0.0 of v1.2',
  ]

  it('renders every string back as exactly its text, with no markup', () => {
    for (const s of nasty) expect(renderedText(md(s)), s).toBe(s)
  })

  it('keeps the whole text in a heading, including a trailing run of #', () => {
    for (const s of [...nasty, 'Rank ##', 'Sys ###', 'C# ##', '# ##', '##']) {
      expect(headingText(`# Title: ${md(s)}`), s).toBe(`Title: ${s}`)
    }
  })

  it('collapses newlines so text cannot start a block of its own', () => {
    expect(md('one\n# two\r\n\n| three')).toBe('one # two \\| three')
    expect(renderedText(md('one\n# two'))).toBe('one # two')
  })

  it('leaves ordinary text readable', () => {
    expect(md('HireRank 2.1.0 (R&D, C#)')).toBe('HireRank 2.1.0 (R&D, C#)')
    expect(md('ISO/IEC 42001:2023')).toBe('ISO/IEC 42001:2023')
  })

  it('keeps a table row intact whatever the cell holds', () => {
    const html = markdownToHtml(table(['A', 'B'], [[md('x | y\nz'), md('<b>')]]), 't')
    const row = html.match(/<tbody><tr>([\s\S]*?)<\/tr>/)?.[1] ?? ''
    expect(row.match(/<td>/g)?.length).toBe(2)
    expect(row).toContain('<td>x | y z</td>')
    expect(row).toContain('<td>&lt;b&gt;</td>')
  })
})

describe('markdownToHtml', () => {
  it('renders the field names of a key/value table as row headers, and nothing else', () => {
    const fields = fieldTable([
      ['System', md('Hire*Rank')],
      ['Manifest SHA-256', '`abc`'],
    ])
    expect(fields).toBe(
      '| Field | Value |\n| --- | --- |\n| System | Hire\\*Rank |\n| Manifest SHA-256 | `abc` |',
    )
    const page = markdownToHtml(
      [fields, table(['Point', 'Node'], [['Art. 50(1)', '`eu.art-50`']])].join('\n\n'),
      't',
    )
    expect(page).toContain(
      '<tbody><tr>\n<th scope="row">System</th>\n<td>Hire*Rank</td>\n</tr>\n<tr>\n<th scope="row">Manifest SHA-256</th>\n<td><code>abc</code></td>\n</tr>\n</tbody>',
    )
    const [kv, other] = htmlTables(page)
    expect(kv?.headers).toEqual(['Field', 'Value'])
    expect(kv?.rows.map((r) => r.map((c) => `${c.tag}:${c.scope}`))).toEqual([
      ['th:row', 'td:null'],
      ['th:row', 'td:null'],
    ])
    // Another two-column table's first column is data: it stays <td>.
    expect(other?.rows[0]?.map((c) => `${c.tag}:${c.scope}`)).toEqual(['td:null', 'td:null'])
    // Row headers look like the cells they were: no header shading, normal weight, striped.
    expect(page).toContain('th[scope="row"] { background: none; font-weight: normal; }')
    expect(page).toContain('tr:nth-child(even) th[scope="row"] { background: #fafafa; }')
  })

  it('renders the facts of a glossary table (Fact | Meaning) as row headers', () => {
    const facts = factTable([['`in-scope`', 'Within scope']])
    expect(facts).toBe('| Fact | Meaning |\n| --- | --- |\n| `in-scope` | Within scope |')
    const [glossary] = htmlTables(markdownToHtml(facts, 't'))
    expect(glossary?.rows.map((r) => r.map((c) => `${c.tag}:${c.scope}:${c.text}`))).toEqual([
      ['th:row:in-scope', 'td:null:Within scope'],
    ])
  })

  it('a table headed "Field | Value" with more columns, or other headers, has no row headers', () => {
    for (const headers of [
      ['Field', 'Value', 'Note'],
      ['Value', 'Field'],
      ['field', 'value'],
      ['Fact', 'Meaning', 'Note'],
      ['Meaning', 'Fact'],
    ]) {
      const html = markdownToHtml(table(headers, [headers.map((h) => `${h}1`)]), 't')
      const cells = htmlTables(html)[0]?.rows.flat() ?? []
      expect(
        cells.map((c) => c.tag),
        headers.join(),
      ).toEqual(headers.map(() => 'td'))
    }
  })

  it('escapes raw HTML but keeps the <br> line breaks used in table cells', () => {
    const html = markdownToHtml(
      '| A |\n| --- |\n| one<br>two |\n\n<div onclick="x">hi</div>\n',
      't',
    )
    expect(html).toContain('<td>one<br>two</td>')
    expect(html).not.toContain('<div onclick')
    expect(html).toContain('&lt;div onclick=&quot;x&quot;&gt;')
  })

  it('keeps relative links to generated documents and turns every other link into text', () => {
    const html = markdownToHtml(
      '[doc](index.md) [web](https://evil.test) [js](javascript:alert(1)) [up](../x.md) ![i](https://evil.test/i.png)\n',
      't',
    )
    expect(html).toContain('<a href="index.md">doc</a>')
    expect(html).not.toMatch(/href="(https?|javascript|\.\.)/)
    expect(html).not.toContain('<img')
  })

  it('escapes the title', () => {
    expect(markdownToHtml('x\n', '<script>')).toContain('<title>&lt;script&gt;</title>')
  })
})

describe('compareIds', () => {
  it('orders numbers numerically and is locale-free', () => {
    expect(['art-10', 'art-9', 'art-9.2.a', 'art-9.10', 'art-9.2'].sort(compareIds)).toEqual([
      'art-9',
      'art-9.2',
      'art-9.2.a',
      'art-9.10',
      'art-10',
    ])
  })
})

describe('joinBlocks', () => {
  it('joins with one blank line, drops empty blocks and ends with one LF', () => {
    expect(joinBlocks(['# A  ', '', undefined, false, 'b\r\nc\n\n\n'])).toBe('# A\n\nb\nc\n')
  })
})
