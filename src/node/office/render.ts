/**
 * Turns the generated document set (Markdown + HTML from the core) into the formats asked for:
 * `md`, `html`, `pdf` (printed by Chromium) and `docx`. Pure rendering: nothing is written here;
 * the caller writes all files at once (writeFilesAtomic), so a failure leaves no file behind.
 */
import { ConfigError } from '../../core/errors.js'
import type { GeneratedDocument } from '../../core/documents/index.js'
import type { DocumentIdentity } from './pdf.js'
import { htmlToText } from './toc.js'

export const DOCUMENT_FORMATS = ['md', 'html', 'pdf', 'docx'] as const
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number]
/** PDF needs Chromium, so it is opt-in. */
export const DEFAULT_FORMATS: readonly DocumentFormat[] = ['md', 'html']

/**
 * Parses `--formats`: a comma-separated subset of md,html,pdf,docx, or `all`. Returns them in the
 * canonical order without repeats; throws ConfigError ERR_CONFIG_BAD_ARGS for anything else.
 */
export function parseFormats(value: string | readonly string[]): DocumentFormat[] {
  const parts = (typeof value === 'string' ? [value] : value)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  if (parts.includes('all')) return [...DOCUMENT_FORMATS]
  const unknown = parts.filter((p) => !(DOCUMENT_FORMATS as readonly string[]).includes(p))
  if (unknown.length > 0 || parts.length === 0) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message:
        parts.length === 0
          ? '--formats is empty; give a comma-separated list of md,html,pdf,docx or all'
          : `--formats: unknown format(s) ${unknown.map((u) => `"${u}"`).join(', ')}; ` +
            'use a comma-separated list of md,html,pdf,docx or all',
    })
  }
  return DOCUMENT_FORMATS.filter((f) => parts.includes(f))
}

export interface RenderDocumentsOptions {
  formats: readonly DocumentFormat[]
  identity: DocumentIdentity
  /** Chromium for PDF; default ACCORD_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string
}

export interface RenderedFile {
  path: string
  data: string | Uint8Array
}

/**
 * The files of each document in the formats asked for, document by document (md, html, pdf,
 * docx). `docs` is the output of `generateDocuments`: each `x.md` with its `x.html`. Throws
 * DocumentError ERR_DOCUMENT_CHROMIUM_MISSING before rendering anything when PDF is asked for and
 * Chromium is unavailable.
 */
export async function renderDocumentFormats(
  docs: readonly GeneratedDocument[],
  options: RenderDocumentsOptions,
): Promise<RenderedFile[]> {
  const formats = new Set(options.formats)
  const byPath = new Map(docs.map((d) => [d.path, d.content]))
  const bases = docs.filter((d) => d.path.endsWith('.md')).map((d) => d.path.slice(0, -3))

  const pdfs = new Map<string, Uint8Array>()
  if (formats.has('pdf')) {
    // Loaded only when asked for: playwright-core and docx add about half a second to the start
    // of every command that imports this module.
    const { openPdfRenderer } = await import('./pdf.js')
    const renderer = await openPdfRenderer(
      options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath },
    )
    try {
      // One browser, one page per document, printed side by side.
      await Promise.all(
        bases.map(async (base) => {
          const html = required(byPath, `${base}.html`)
          pdfs.set(base, await renderer.render(html, titleOf(html), options.identity))
        }),
      )
    } finally {
      await renderer.close()
    }
  }

  const markdownToDocx = formats.has('docx')
    ? (await import('./docx.js')).markdownToDocx
    : undefined
  const out: RenderedFile[] = []
  for (const base of bases) {
    const markdown = required(byPath, `${base}.md`)
    const html = required(byPath, `${base}.html`)
    if (formats.has('md')) out.push({ path: `${base}.md`, data: markdown })
    if (formats.has('html')) out.push({ path: `${base}.html`, data: html })
    const pdf = pdfs.get(base)
    if (pdf) out.push({ path: `${base}.pdf`, data: pdf })
    if (markdownToDocx) {
      const data = await markdownToDocx(markdown, {
        title: titleOf(html),
        identity: options.identity,
      })
      out.push({ path: `${base}.docx`, data })
    }
  }
  return out
}

function required(map: Map<string, string>, path: string): string {
  const found = map.get(path)
  if (found === undefined) throw new TypeError(`renderDocumentFormats: ${path} is missing`)
  return found
}

/** The page's `<title>`, as text. */
export function titleOf(html: string): string {
  const m = /<title>([\s\S]*?)<\/title>/.exec(html)
  return m ? htmlToText(m[1] ?? '') : ''
}
