import { describe, expect, it } from 'vitest'
import { markdownToHtml } from '../../../src/core/documents/html.js'
import { md, table } from '../../../src/core/documents/markdown.js'
import { breakLongWords, printableHtml } from '../../../src/node/office/pdf.js'
import { htmlToText } from '../../../src/node/office/toc.js'

const LONG = 'urn:example:' + 'abcdefghij'.repeat(14)

function page(cell: string): string {
  return markdownToHtml(
    ['# T', table(['Field', 'Value'], [['Reference', md(cell)]]), '`' + LONG + '`'].join('\n\n'),
    'T',
  )
}

describe('printableHtml: very long words', () => {
  it('lets a word too long for the page break, so it cannot push a table past the A4 edge', () => {
    const html = printableHtml(page(LONG))
    const cell = html.match(/<td>(urn:example:[^<]*(?:<wbr>[^<]*)*)<\/td>/)?.[1] ?? ''
    expect(cell).toContain('<wbr>')
    // No character is added or lost: the text is the same word.
    expect(htmlToText(cell.replace(/<wbr>/g, ''))).toBe(LONG)
    expect(cell.split('<wbr>').every((chunk) => chunk.length <= 20)).toBe(true)
  })

  it('leaves ordinary words, character references, code and the head alone', () => {
    const short = 'compliance@harbourline.example & R&D <b>'
    const html = page(short)
    expect(breakLongWords(html)).toBe(html)
    const amp = '&'.repeat(60)
    const withEntities = breakLongWords(page(amp))
    // Each &amp; stays whole: breaks fall only between them.
    expect(withEntities).not.toMatch(/&a<wbr>|&am<wbr>|&amp<wbr>/)
    expect(breakLongWords(page(LONG))).toContain(`<code>${LONG}</code>`)
    expect(breakLongWords(page(LONG)).split('<body>')[0]).toBe(page(LONG).split('<body>')[0])
  })
})
