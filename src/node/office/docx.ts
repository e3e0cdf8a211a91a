/**
 * DOCX renditions of the generated documents, built with the `docx` package from the same
 * Markdown the HTML comes from (parsed with marked's lexer): headings, paragraphs, bullet and
 * numbered lists, tables (header row repeated on each page), block quotes, bold/italic/code runs.
 *
 * Every page has the system's name, version and short manifest SHA-256 in its header and
 * "Page X of Y" in its footer. A table of contents field precedes the first section: it is written
 * filled in with the headings (linked to them); Word adds the page numbers when it updates it.
 *
 * Reproducible: docx stamps the wall-clock time into docProps/core.xml and into every zip entry;
 * both are set to the as-of date here, so the same input gives the same bytes.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Tab,
  TabStopType,
  Table,
  TableCell,
  TableLayoutType,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type IRunOptions,
} from 'docx'
import { Marked, type Token, type Tokens } from 'marked'
import { identityLine, type DocumentIdentity } from './pdf.js'
import { TOC_TITLE } from './toc.js'
import { fixZipTimes, readZipEntry } from '../zip.js'

// A4 in twips (1/1440 inch), with 2 cm margins left and right.
const PAGE = { width: 11906, height: 16838 }
const MARGIN = { top: 1247, bottom: 1134, left: 1134, right: 1134, header: 567, footer: 567 }
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right
const BODY_FONT = 'Arial'
const CODE_FONT = 'Courier New'
const ORDERED = 'accord-ordered'

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const

export interface MarkdownToDocxOptions {
  /** The document's title (document properties and footer). */
  title: string
  identity: DocumentIdentity
}

/** Builds the DOCX bytes of one generated Markdown document. */
export async function markdownToDocx(
  markdown: string,
  options: MarkdownToDocxOptions,
): Promise<Uint8Array> {
  const { identity, title } = options
  const state: BuildState = { orderedLists: 0 }
  const blocks = lexMarkdown(markdown)
  const children: FileChild[] = []
  let tocPlaced = false
  for (const token of blocks) {
    // The contents come before the first section (after the title and its front matter), as in
    // the PDF.
    if (!tocPlaced && token.type === 'heading' && (token as Tokens.Heading).depth >= 2) {
      children.push(...tableOfContents())
      tocPlaced = true
    }
    children.push(...renderBlock(token, state))
  }

  const doc = new Document({
    title,
    subject: `${identity.systemName} ${identity.systemVersion}`,
    description: sourceDescription(identity),
    ...(identity.generator
      ? { creator: `${identity.generator.name} ${identity.generator.version}` }
      : {}),
    features: { updateFields: true },
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 20 } },
        heading1: { run: { font: BODY_FONT, size: 32, bold: true } },
        heading2: { run: { font: BODY_FONT, size: 26, bold: true } },
        heading3: { run: { font: BODY_FONT, size: 22, bold: true } },
      },
      // The contents list entries (Word's built-in names), indented by level.
      paragraphStyles: [2, 3].map((level) => ({
        id: `TOC${level}`,
        name: `toc ${level}`,
        basedOn: 'Normal',
        next: 'Normal',
        paragraph: { indent: { left: 284 * (level - 2) }, spacing: { after: 40 } },
      })),
    },
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: [0, 1, 2, 3].map((level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 567 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [
      {
        properties: {
          page: { size: PAGE, margin: MARGIN },
        },
        headers: { default: runningHeader(identity) },
        footers: { default: runningFooter(title) },
        children,
      },
    ],
  })
  const core = { path: 'docProps/core.xml', data: coreProperties(title, identity) }
  // docx numbers bookmarks (the targets of the contents links) from a counter that lives as long
  // as the process, so the second document of a run would differ from the same one built alone.
  // Pack once, renumber the bookmarks of word/document.xml from 1, and pack again with it.
  const first = new Uint8Array(await Packer.toBuffer(doc, false, [core]))
  const body = renumberBookmarks(new TextDecoder().decode(readZipEntry(first, 'word/document.xml')))
  const bytes = await Packer.toBuffer(doc, false, [core, { path: 'word/document.xml', data: body }])
  return fixZipTimes(new Uint8Array(bytes), identity.asOf)
}

/**
 * Renumbers the bookmarks of a document.xml (`w:id` of bookmarkStart/End and the `_TocN` names
 * the contents links point to) 1, 2, ... in order of appearance.
 */
export function renumberBookmarks(xml: string): string {
  const ids = new Map<string, number>()
  const next = (id: string): number => {
    let n = ids.get(id)
    if (n === undefined) ids.set(id, (n = ids.size + 1))
    return n
  }
  return xml
    .replace(
      /(<w:bookmark(?:Start|End)\b[^>]*\bw:id=")(\d+)(")/g,
      (_m, a: string, id: string, b: string) => `${a}${next(id)}${b}`,
    )
    .replace(/\b_Toc(\d+)\b/g, (_m, id: string) => `_Toc${next(id)}`)
}

interface BuildState {
  /** Numbered lists so far: each gets its own instance, so numbering restarts at 1. */
  orderedLists: number
}

function lexMarkdown(markdown: string): Token[] {
  // As the HTML renderer: GFM, no autolinks (bare URLs in manifest text stay text).
  const marked = new Marked({ gfm: true, breaks: false, async: false })
  marked.use({ tokenizer: { url: () => undefined } })
  return marked.lexer(markdown)
}

function tableOfContents(): FileChild[] {
  return [
    new Paragraph({
      spacing: { before: 240, after: 120 },
      children: [new TextRun({ text: TOC_TITLE, bold: true, size: 26 })],
    }),
    new TableOfContents(TOC_TITLE, { hyperlink: true, headingStyleRange: '2-3' }),
    new Paragraph({ children: [new PageBreak()] }),
  ]
}

function runningHeader(identity: DocumentIdentity): Header {
  const generated = identity.generator
    ? ` · ${identity.generator.name} ${identity.generator.version}`
    : ''
  return new Header({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: CONTENT_WIDTH }],
        border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: '999999', space: 2 } },
        children: [
          new TextRun({ text: identityLine(identity), size: 16 }),
          new TextRun({ children: [new Tab(), `as of ${identity.asOf}${generated}`], size: 16 }),
        ],
      }),
    ],
  })
}

function runningFooter(title: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: CONTENT_WIDTH }],
        children: [
          new TextRun({ text: title, size: 16 }),
          new TextRun({
            children: [new Tab(), 'Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
            size: 16,
          }),
        ],
      }),
    ],
  })
}

// ---------------------------------------------------------------------------------------------
// Blocks

function renderBlock(token: Token, state: BuildState, listLevel = 0): FileChild[] {
  switch (token.type) {
    case 'heading': {
      const t = token as Tokens.Heading
      const heading = HEADINGS[Math.min(Math.max(t.depth, 1), 6) - 1]
      return [new Paragraph({ heading, keepNext: true, children: inlineRuns(t.tokens) })]
    }
    case 'paragraph':
      return [paragraph(inlineRuns((token as Tokens.Paragraph).tokens))]
    case 'text': {
      const t = token as Tokens.Text
      return [paragraph(inlineRuns(t.tokens ?? [plainText(t.text)]))]
    }
    case 'table':
      return [renderTable(token as Tokens.Table), new Paragraph({ children: [] })]
    case 'list':
      return renderList(token as Tokens.List, state, listLevel)
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.flatMap((child) =>
        child.type === 'paragraph' || child.type === 'text'
          ? [quoted(child)]
          : renderBlock(child, state, listLevel),
      )
    case 'code':
      return (token as Tokens.Code).text.split('\n').map(
        (line) =>
          new Paragraph({
            shading: { type: ShadingType.CLEAR, fill: 'F3F3F3', color: 'auto' },
            children: [new TextRun({ text: line, font: CODE_FONT, size: 18 })],
          }),
      )
    case 'hr':
      return [
        new Paragraph({
          border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } },
          children: [],
        }),
      ]
    case 'html':
      return [paragraph([new TextRun((token as Tokens.HTML).text.trim())])]
    case 'space':
      return []
    default:
      return 'text' in token && typeof token.text === 'string'
        ? [paragraph([new TextRun(token.text)])]
        : []
  }
}

function paragraph(children: TextRun[]): Paragraph {
  return new Paragraph({ spacing: { after: 120 }, children })
}

/** A block quote paragraph: indented, with a bar on the left and a grey background. */
function quoted(token: Token): Paragraph {
  const tokens = 'tokens' in token && Array.isArray(token.tokens) ? (token.tokens as Token[]) : []
  return new Paragraph({
    indent: { left: 284 },
    spacing: { after: 120 },
    shading: { type: ShadingType.CLEAR, fill: 'F3F3F3', color: 'auto' },
    border: { left: { style: BorderStyle.SINGLE, size: 24, color: '555555', space: 6 } },
    children: inlineRuns(tokens),
  })
}

function renderList(list: Tokens.List, state: BuildState, level: number): FileChild[] {
  const instance = list.ordered ? ++state.orderedLists : 0
  const out: FileChild[] = []
  for (const item of list.items) {
    let first = true
    for (const child of item.tokens) {
      if (child.type === 'list') {
        out.push(...renderList(child as Tokens.List, state, level + 1))
        continue
      }
      if (child.type === 'space') continue
      const tokens =
        'tokens' in child && Array.isArray(child.tokens)
          ? (child.tokens as Token[])
          : [plainText('text' in child ? String(child.text) : '')]
      const runs = inlineRuns(tokens)
      if (item.task) runs.unshift(new TextRun(item.checked ? '☑ ' : '☐ '))
      const lvl = Math.min(level, 3)
      out.push(
        new Paragraph({
          spacing: { after: 60 },
          children: runs,
          ...(first
            ? list.ordered
              ? { numbering: { reference: ORDERED, level: lvl, instance } }
              : { bullet: { level: lvl } }
            : { indent: { left: 720 * (lvl + 1) } }),
        }),
      )
      first = false
    }
  }
  return out
}

function renderTable(t: Tokens.Table): Table {
  const widths = columnWidths(t)
  const cell = (c: Tokens.TableCell, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'EEEEEE', color: 'auto' } } : {}),
      children: [
        new Paragraph({
          children: inlineRuns(c.tokens, header ? { bold: true, size: 18 } : { size: 18 }),
        }),
      ],
    })
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, children: t.header.map((c, i) => cell(c, i, true)) }),
      ...t.rows.map(
        (row) => new TableRow({ cantSplit: true, children: row.map((c, i) => cell(c, i, false)) }),
      ),
    ],
  })
}

/**
 * Column widths (twips) summing to the text width, in proportion to each column's longest cell,
 * clamped so that neither a 64-digit hash nor a one-word column takes over the table.
 */
export function columnWidths(t: Tokens.Table): number[] {
  const n = t.header.length
  const weight = Array.from({ length: n }, (_, i) => {
    const lengths = [t.header[i], ...t.rows.map((r) => r[i])].map((c) => (c ? c.text.length : 0))
    return Math.min(Math.max(Math.max(...lengths), 6), 40)
  })
  const total = weight.reduce((a, b) => a + b, 0)
  const widths = weight.map((w) => Math.floor((CONTENT_WIDTH * w) / total))
  const rest = CONTENT_WIDTH - widths.reduce((a, b) => a + b, 0)
  widths[n - 1] = (widths[n - 1] ?? 0) + rest
  return widths
}

// ---------------------------------------------------------------------------------------------
// Inline runs

type RunStyle = Pick<IRunOptions, 'bold' | 'italics' | 'strike' | 'font' | 'size' | 'shading'>

function plainText(text: string): Tokens.Text {
  return { type: 'text', raw: text, text }
}

function inlineRuns(tokens: readonly Token[], style: RunStyle = {}): TextRun[] {
  const out: TextRun[] = []
  for (const token of tokens) {
    switch (token.type) {
      case 'strong':
        out.push(...inlineRuns((token as Tokens.Strong).tokens, { ...style, bold: true }))
        break
      case 'em':
        out.push(...inlineRuns((token as Tokens.Em).tokens, { ...style, italics: true }))
        break
      case 'del':
        out.push(...inlineRuns((token as Tokens.Del).tokens, { ...style, strike: true }))
        break
      case 'codespan':
        out.push(
          new TextRun({
            ...style,
            text: (token as Tokens.Codespan).text,
            font: CODE_FONT,
            shading: { type: ShadingType.CLEAR, fill: 'F3F3F3', color: 'auto' },
          }),
        )
        break
      case 'link':
        // Links between generated documents stay text: the file names are shown next to them.
        out.push(...inlineRuns((token as Tokens.Link).tokens, style))
        break
      case 'image':
        out.push(new TextRun({ ...style, text: (token as Tokens.Image).text }))
        break
      case 'br':
        out.push(new TextRun({ ...style, break: 1 }))
        break
      case 'html': {
        const raw = (token as Tokens.HTML).text
        // The only HTML the generators write is <br> in table cells; other HTML stays text.
        out.push(
          /^<br\s*\/?>$/i.test(raw.trim())
            ? new TextRun({ ...style, break: 1 })
            : new TextRun({ ...style, text: raw }),
        )
        break
      }
      case 'text': {
        const t = token as Tokens.Text
        if (t.tokens && t.tokens.length > 0) out.push(...inlineRuns(t.tokens, style))
        else out.push(new TextRun({ ...style, text: t.text }))
        break
      }
      case 'escape':
        out.push(new TextRun({ ...style, text: (token as Tokens.Escape).text }))
        break
      default:
        if ('text' in token && typeof token.text === 'string')
          out.push(new TextRun({ ...style, text: token.text }))
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Reproducible packaging

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** What the document was generated from, for its properties. */
function sourceDescription(identity: DocumentIdentity): string {
  return `Generated from the ${identity.digestOf ?? 'manifest'} with SHA-256 ${identity.manifestSha256}, as of ${identity.asOf}`
}

/** docProps/core.xml as docx writes it, with created/modified at midnight UTC of the as-of date. */
export function coreProperties(title: string, identity: DocumentIdentity): string {
  const when = `${identity.asOf}T00:00:00Z`
  const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
      'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    el('dc:title', title),
    el('dc:subject', `${identity.systemName} ${identity.systemVersion}`),
    ...(identity.generator
      ? [el('dc:creator', `${identity.generator.name} ${identity.generator.version}`)]
      : []),
    el('dc:description', sourceDescription(identity)),
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>`,
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>`,
    '</cp:coreProperties>',
  ].join('')
}
