import { describe, expect, it } from 'vitest'
import { markdownToHtml } from '../../../src/core/documents/html.js'
import { md, table } from '../../../src/core/documents/markdown.js'
import {
  breakLongWords,
  footerTemplate,
  headerTemplate,
  printableHtml,
} from '../../../src/node/office/pdf.js'
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

describe('running header and footer of the PDF', () => {
  const identity = {
    systemName: 'Sentinel ' + 'X'.repeat(3000),
    systemVersion: '1.0.0',
    manifestSha256: 'c45b4008eacee8045f4d06a4f9bbd9a4f817c6c8d9f68249da9b62707ed066e8',
    asOf: '2026-11-22',
  }

  it('shows a long system name cut short, so the band cannot run over the page content', () => {
    const header = headerTemplate(identity)
    expect(htmlToText(header)).toContain('Sentinel XXXX')
    expect(htmlToText(header)).toContain('X… 1.0.0 · manifest SHA-256 c45b4008eacee804…')
    expect(htmlToText(header).length).toBeLessThan(200)
    const footer = footerTemplate(`Technical documentation (Annex IV): ${identity.systemName}`)
    expect(htmlToText(footer)).toMatch(/^Technical documentation \(Annex IV\): Sentinel X+…Page/)
    expect(htmlToText(footer).length).toBeLessThan(200)
  })

  it('shows an ordinary name and title whole', () => {
    const header = htmlToText(headerTemplate({ ...identity, systemName: 'Kestrel Lattice' }))
    expect(header).toContain('Kestrel Lattice 1.0.0 · manifest SHA-256 c45b4008eacee804…')
    expect(
      htmlToText(footerTemplate('EU declaration of conformity (DRAFT): Kestrel Lattice')),
    ).toBe('EU declaration of conformity (DRAFT): Kestrel LatticePage of')
  })
})
