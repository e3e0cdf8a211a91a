import { describe, expect, it } from 'vitest'
import { markdownToHtml } from '../../../src/core/documents/html.js'
import {
  addTableOfContents,
  createSlugger,
  htmlToText,
  slugify,
  TOC_TITLE,
} from '../../../src/node/office/toc.js'

const PAGE = markdownToHtml(
  [
    '# Title',
    '',
    '| a | b |',
    '| --- | --- |',
    '| 1 | 2 |',
    '',
    '## 1. First (Annex IV 1)',
    '### (a) Sub & more',
    '#### Deep',
    '## 2. Second',
    '## 2. Second',
    '## <script>alert(1)</script>',
  ].join('\n'),
  'T',
)

describe('addTableOfContents', () => {
  const { html, entries } = addTableOfContents(PAGE)

  it('gives every heading a unique id from its text', () => {
    expect(entries.map((e) => [e.level, e.id])).toEqual([
      [1, 'title'],
      [2, '1-first-annex-iv-1'],
      [3, 'a-sub-more'],
      [4, 'deep'],
      [2, '2-second'],
      [2, '2-second-2'],
      [2, 'script-alert-1-script'],
    ])
    expect(html).toContain('<h2 id="1-first-annex-iv-1">1. First (Annex IV 1)</h2>')
    expect(html).toContain('<h3 id="a-sub-more">(a) Sub &amp; more</h3>')
  })

  it('lists levels 2 and 3, nested, linked, after the front matter and before the first section', () => {
    const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>') + 6)
    expect(nav).toContain(`>${TOC_TITLE}</h2>`)
    expect(nav).toContain(
      '<li><a href="#1-first-annex-iv-1">1. First (Annex IV 1)</a>\n<ol>\n<li><a href="#a-sub-more">(a) Sub &amp; more</a>\n</li>\n</ol></li>',
    )
    expect(nav).not.toContain('#deep')
    expect(nav).toContain('<a href="#2-second-2">')
    // Untrusted heading text stays escaped in the contents.
    expect(nav).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(nav).not.toContain('<script>')
    expect(html.indexOf('</table>')).toBeLessThan(html.indexOf('<nav'))
    expect(html.indexOf('</nav>')).toBeLessThan(html.indexOf('<h2 id="1-first'))
    // Valid nesting: as many <ol> as </ol>, <li> as </li>.
    expect(nav.match(/<ol>/g)?.length).toBe(nav.match(/<\/ol>/g)?.length)
    expect(nav.match(/<li>/g)?.length).toBe(nav.match(/<\/li>/g)?.length)
  })

  it('is deterministic and leaves pages without sections alone apart from ids', () => {
    expect(addTableOfContents(PAGE).html).toBe(html)
    const bare = markdownToHtml('# Only a title\n\ntext', 'T')
    expect(addTableOfContents(bare).html).toBe(bare.replace('<h1>', '<h1 id="only-a-title">'))
  })
})

describe('slugs and text', () => {
  it('slugify', () => {
    expect(slugify('Évaluation — Art. 9(2)')).toBe('evaluation-art-9-2')
    expect(slugify('***')).toBe('section')
  })

  it('createSlugger never repeats an id nor gives out a reserved one', () => {
    const slug = createSlugger(['table-of-contents'])
    expect([slug('a'), slug('a'), slug('a-2'), slug('Table of contents')]).toEqual([
      'a',
      'a-2',
      'a-2-2',
      'table-of-contents-2',
    ])
  })

  it('htmlToText', () => {
    expect(htmlToText('<code>x</code> &amp; &#39;y&#39; &lt;z&gt; &#x41;')).toBe("x & 'y' <z> A")
  })
})
