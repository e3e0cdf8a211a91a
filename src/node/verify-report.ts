/**
 * `accord verify --report FILE`: the verification report (src/core/passport/verify-report.ts)
 * rendered in the format each file's extension names (.md, .html, .pdf, .docx; PDF and DOCX by
 * src/node/office, with the documents' running header: the system and the passport file's
 * SHA-256) and written all or nothing: every rendition is made before anything is written, and the
 * files of one folder are placed together (writeFilesAtomic), so a failure leaves no file
 * half-written.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../core/errors.js'
import type { VerificationReport } from '../core/passport/verify-report.js'
import { assertWritableFile, writeFilesAtomic } from './fs-safe.js'
import type { DocumentIdentity } from './office/pdf.js'
import { DOCUMENT_FORMATS, type DocumentFormat } from './office/render.js'

export interface WrittenReport {
  file: string
  format: DocumentFormat
  sha256: string
  bytes: number
}

/**
 * The format of each report file, from its extension; throws ConfigError ERR_CONFIG_BAD_ARGS for
 * another extension or a file named twice.
 */
export function reportFormats(
  files: readonly string[],
): { file: string; format: DocumentFormat }[] {
  const seen = new Set<string>()
  return files.map((file) => {
    const ext = path.extname(file).slice(1).toLowerCase()
    if (!(DOCUMENT_FORMATS as readonly string[]).includes(ext))
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--report "${file}": the extension names the format; use .md, .html, .pdf or .docx`,
      })
    const key = path.resolve(file)
    if (seen.has(key))
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--report "${file}" is given twice; name each report file once`,
      })
    seen.add(key)
    return { file, format: ext as DocumentFormat }
  })
}

/**
 * Checks, before verifying, that every report file can be written (DocumentError
 * ERR_DOCUMENT_WRITE, exit 5) and that Chromium is there when a PDF is asked for
 * (ERR_DOCUMENT_CHROMIUM_MISSING): a wrong path is found before the work, not after.
 */
export async function checkReportTargets(
  targets: readonly { file: string; format: DocumentFormat }[],
  chromiumPath?: string,
): Promise<void> {
  if (targets.some((t) => t.format === 'pdf')) {
    const { assertChromiumAvailable } = await import('./office/pdf.js')
    assertChromiumAvailable(chromiumPath)
  }
  for (const t of targets) await assertWritableFile(t.file)
}

/** The running header of a report's PDF and DOCX pages: the system and the passport's digest. */
export function reportIdentity(
  report: VerificationReport,
  passportSha256: string,
  verifiedAt: number,
  generator: { name: string; version: string },
): DocumentIdentity {
  return {
    systemName: report.system?.name ?? 'Passport (not verified)',
    systemVersion: report.system?.version ?? '',
    manifestSha256: passportSha256,
    digestOf: 'passport',
    asOf: new Date(verifiedAt * 1000).toISOString().slice(0, 10),
    generator,
  }
}

/**
 * Renders `report` into each target's format and writes them, all rendered before any is written.
 * Returns each file's SHA-256 and size, in the order given.
 */
export async function writeVerificationReports(
  report: VerificationReport,
  targets: readonly { file: string; format: DocumentFormat }[],
  identity: DocumentIdentity,
  options: { chromiumPath?: string } = {},
): Promise<WrittenReport[]> {
  const { renderDocumentFormats } = await import('./office/render.js')
  const formats = [...new Set(targets.map((t) => t.format))]
  const rendered = await renderDocumentFormats(
    [
      { path: 'report.md', content: report.markdown },
      { path: 'report.html', content: report.html },
    ],
    {
      formats,
      identity,
      ...(options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath }),
    },
  )
  const data = new Map(rendered.map((r) => [path.extname(r.path).slice(1), r.data]))
  const files = targets.map((t) => {
    const content = data.get(t.format)
    if (content === undefined) throw new TypeError(`no ${t.format} rendition of the report`)
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    return { ...t, bytes }
  })
  // One all-or-nothing write per folder.
  const byDir = new Map<string, typeof files>()
  for (const f of files) {
    const dir = path.dirname(path.resolve(f.file))
    byDir.set(dir, [...(byDir.get(dir) ?? []), f])
  }
  for (const [dir, group] of byDir)
    await writeFilesAtomic(
      dir,
      group.map((f) => ({ path: path.basename(f.file), data: f.bytes })),
    )
  return files.map((f) => ({
    file: f.file,
    format: f.format,
    sha256: createHash('sha256').update(f.bytes).digest('hex'),
    bytes: f.bytes.byteLength,
  }))
}

/** Hex SHA-256 of a file's bytes; undefined when it cannot be read. */
export async function sha256OfFile(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
  } catch {
    return undefined
  }
}
