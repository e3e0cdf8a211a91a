/**
 * PDF renditions of the generated documents: the core's self-contained HTML, with a table of
 * contents, printed to A4 by headless Chromium (Debian's `chromium`, driven by playwright-core;
 * never a downloaded browser). Every page carries the system's name and version and the short
 * manifest SHA-256 in its header, and "Page X of Y" in its footer.
 *
 * Why Chromium: the HTML already is the reviewed, escaped, self-contained rendering; printing it
 * keeps PDF and HTML identical in content and gives tagged (accessible) PDF with bookmarks and
 * working contents links, which no pure-JS PDF writer we could find does for tables.
 *
 * Reproducibility: Skia writes the wall-clock time as /CreationDate and /ModDate and nothing else
 * that varies between runs, so both are set to the as-of date (same length, so no offset moves).
 * The bytes are then the same for the same input, Chromium version and installed fonts; across
 * machines they may differ, which is why the index lists only the Markdown and HTML digests.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { DocumentError } from '../../core/errors.js'
import { escapeHtml } from '../../core/documents/html.js'
import { addTableOfContents } from './toc.js'

/** Where Chromium is looked for when neither the option nor ACCORD_CHROMIUM names one. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** What every page of an office rendition shows: which system, which manifest. */
export interface DocumentIdentity {
  systemName: string
  systemVersion: string
  /** Hex SHA-256 of the manifest the documents were generated from. */
  manifestSha256: string
  /**
   * What `manifestSha256` is the digest of, in the running header and the document properties;
   * default `manifest` (a verification report names the passport file instead).
   */
  digestOf?: string
  /** Evaluation date, YYYY-MM-DD; used as the creation date of PDF and DOCX. */
  asOf: string
  /** The tool that generated them, e.g. `{ name: 'accord', version: '0.1.0' }`. */
  generator?: { name: string; version: string }
}

/** How many hex digits of the manifest SHA-256 are shown on each page. */
export const SHORT_DIGEST_LENGTH = 16

/** `Kestrel Lattice 3.2.0 · manifest SHA-256 c1b722066f5b254a…` */
export function identityLine(identity: DocumentIdentity): string {
  return (
    `${identity.systemName} ${identity.systemVersion} · ${identity.digestOf ?? 'manifest'} SHA-256 ` +
    `${identity.manifestSha256.slice(0, SHORT_DIGEST_LENGTH)}…`
  )
}

export interface PdfRendererOptions {
  /** Chromium executable; default ACCORD_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string
}

export interface PdfRenderer {
  /** Prints one page made by `markdownToHtml` (a table of contents is added) to PDF bytes. */
  render(html: string, title: string, identity: DocumentIdentity): Promise<Uint8Array>
  close(): Promise<void>
}

/** The Chromium to use: the option, else ACCORD_CHROMIUM, else /usr/bin/chromium. */
export function resolveChromiumPath(chromiumPath?: string): string {
  return chromiumPath ?? process.env.ACCORD_CHROMIUM ?? DEFAULT_CHROMIUM
}

function chromiumMissing(executable: string, why: string, cause?: unknown): DocumentError {
  return new DocumentError({
    code: 'ERR_DOCUMENT_CHROMIUM_MISSING',
    message:
      `PDF output needs Chromium, but ${executable} ${why}; install it with ` +
      '`apt-get install chromium`, point --chromium (or ACCORD_CHROMIUM) at a Chromium executable, ' +
      'or leave pdf out of --formats. No files were written.',
    ...(cause === undefined ? {} : { cause }),
    details: { chromium: executable },
  })
}

/**
 * Throws DocumentError ERR_DOCUMENT_CHROMIUM_MISSING when the Chromium that would print PDFs does
 * not exist; a cheap check to run before slow work (`openPdfRenderer` checks again).
 */
export function assertChromiumAvailable(chromiumPath?: string): void {
  const executable = resolveChromiumPath(chromiumPath)
  if (!existsSync(executable)) throw chromiumMissing(executable, 'does not exist')
}

/**
 * Starts one headless Chromium for a batch of documents (about 1 s); close it when done. Throws
 * DocumentError ERR_DOCUMENT_CHROMIUM_MISSING when the executable is missing or does not start.
 */
export async function openPdfRenderer(options: PdfRendererOptions = {}): Promise<PdfRenderer> {
  const executable = resolveChromiumPath(options.chromiumPath)
  assertChromiumAvailable(executable)
  let browser: Browser
  try {
    // playwright-core gives each launch a fresh, empty user-data dir and deletes it on close.
    browser = await chromium.launch({
      executablePath: executable,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--font-render-hinting=none',
      ],
    })
  } catch (cause) {
    throw chromiumMissing(executable, 'could not be started', cause)
  }
  return {
    async render(html, title, identity) {
      // No scripts (the pages have none) and no network: every request is refused.
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true })
      try {
        await context.route('**/*', (route) => route.abort())
        const page = await context.newPage()
        await page.setContent(printableHtml(html), { waitUntil: 'load' })
        const pdf = await page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: headerTemplate(identity),
          footerTemplate: footerTemplate(title),
          margin: { top: '22mm', bottom: '20mm', left: '16mm', right: '16mm' },
          outline: true,
          tagged: true,
        })
        return fixPdfDates(pdf, identity.asOf)
      } finally {
        await context.close()
      }
    },
    close: () => browser.close(),
  }
}

/** Extra print rules: keep words in narrow table columns whole, let digests wrap anywhere. */
const PRINT_CSS = `
@media print {
  th, td { overflow-wrap: break-word; }
  td code, th code { overflow-wrap: anywhere; word-break: break-all; }
}
`.trim()

/** The page with its table of contents and the PDF's print rules. */
export function printableHtml(html: string): string {
  return breakLongWords(addTableOfContents(html).html).replace('</style>', `${PRINT_CSS}\n</style>`)
}

/** Words of this many characters or more get break opportunities in the PDF... */
const LONG_WORD = 40
/** ...every this many characters. */
const WORD_CHUNK = 20

/**
 * Lets very long words (an identifier, URN or URL without spaces or hyphens) break in the body of
 * the page, by putting `<wbr>` (which adds no character) into them every WORD_CHUNK characters.
 * Table cells keep ordinary words whole (PRINT_CSS), so without this one such word widens its
 * table beyond the A4 page and Chromium clips the table's right-hand side. Markup, character
 * references and `<code>` (already allowed to break anywhere) are left as they are.
 */
export function breakLongWords(html: string): string {
  const start = html.indexOf('<body>')
  if (start < 0) return html
  const unit = /&[#a-z0-9]+;|[^\s<>&]/gi
  let inCode = 0
  const body = html
    .slice(start)
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<code[\s>]/i.test(part)) inCode++
        else if (/^<\/code>/i.test(part)) inCode = Math.max(0, inCode - 1)
        return part
      }
      if (inCode > 0) return part
      return part.replace(new RegExp(`(?:${unit.source}){${LONG_WORD},}`, 'gi'), (word) => {
        const units = word.match(unit) ?? []
        const chunks: string[] = []
        for (let i = 0; i < units.length; i += WORD_CHUNK)
          chunks.push(units.slice(i, i + WORD_CHUNK).join(''))
        return chunks.join('<wbr>')
      })
    })
    .join('')
  return html.slice(0, start) + body
}

// Header and footer templates are rendered apart from the page: they need their own font size and
// margins, and may use only the classes pageNumber, totalPages, title, date and url.
const BAND =
  'width:100%;margin:0 16mm;font-family:system-ui,Arial,sans-serif;font-size:8pt;color:#333;' +
  'display:flex;justify-content:space-between;gap:8mm;'

/** Longest system name and footer title (in characters) the running header and footer show. */
export const BAND_TEXT_MAX = 80

/**
 * `text` cut to `max` characters with "…". Chromium does not grow the page margin for a long
 * header or footer: one that wraps over many lines is drawn over the page's content. The full
 * name stays in the document itself.
 */
export function clipBandText(text: string, max = BAND_TEXT_MAX): string {
  const chars = [...text]
  return chars.length <= max
    ? text
    : chars
        .slice(0, max - 1)
        .join('')
        .trimEnd() + '…'
}

export function headerTemplate(identity: DocumentIdentity): string {
  const generated = identity.generator
    ? ` · ${escapeHtml(identity.generator.name)} ${escapeHtml(identity.generator.version)}`
    : ''
  const shown = {
    ...identity,
    systemName: clipBandText(identity.systemName),
    systemVersion: clipBandText(identity.systemVersion, 24),
  }
  return (
    `<div style="${BAND}"><span style="min-width:0;overflow-wrap:anywhere">${escapeHtml(identityLine(shown))}</span>` +
    `<span>as of ${escapeHtml(identity.asOf)}${generated}</span></div>`
  )
}

export function footerTemplate(title: string): string {
  return (
    `<div style="${BAND}"><span style="min-width:0;overflow-wrap:anywhere">${escapeHtml(clipBandText(title, 2 * BAND_TEXT_MAX))}</span>` +
    '<span style="white-space:nowrap">Page <span class="pageNumber"></span> of ' +
    '<span class="totalPages"></span></span></div>'
  )
}

/**
 * Sets /CreationDate and /ModDate in the PDF's document information to midnight UTC of `asOf`.
 * Each is replaced by a string of the same length, so the cross-reference offsets stay valid.
 */
export function fixPdfDates(pdf: Uint8Array, asOf: string): Uint8Array {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new TypeError(`fixPdfDates: bad date "${asOf}"`)
  const text = Buffer.from(pdf).toString('latin1')
  const stamp = asOf.replace(/-/g, '') + '000000'
  const fixed = text.replace(
    /\/(CreationDate|ModDate) \(D:\d{14}([+-]\d{2}'\d{2}'|Z)?\)/g,
    (whole, key: string, zone: string | undefined) => {
      // Skia writes the local offset (+00'00' in UTC); midnight UTC keeps the same length.
      const out = `/${key} (D:${stamp}${zone === undefined ? '' : zone === 'Z' ? 'Z' : "+00'00'"})`
      return out.length === whole.length ? out : whole
    },
  )
  return Buffer.from(fixed, 'latin1')
}
