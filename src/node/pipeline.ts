/**
 * The vendor's path, wired together: load catalogs and manifest, check evidence references,
 * classify, hash evidence, assess, and (optionally) generate documents. Adapters (CLI, server)
 * call these and decide how to print.
 */
import { createHash } from 'node:crypto'
import { lstat } from 'node:fs/promises'
import path from 'node:path'
import { AccordError, ManifestError, type Issue } from '../core/errors.js'
import type { CatalogSet } from '../core/catalog/types.js'
import { resolveRef, suggestRefs } from '../core/catalog/lookup.js'
import { classifyEuAiAct } from '../core/classify/eu-ai-act.js'
import type { ClassificationResult } from '../core/classify/types.js'
import { assessSystem, DEFAULT_FRAMEWORKS } from '../core/assess/assess.js'
import type { AssessmentResult } from '../core/assess/types.js'
import type { Manifest } from '../core/manifest/schema.js'
import { loadCatalogSet } from './catalog-loader.js'
import { loadManifest } from './manifest-loader.js'
import { hashEvidence } from './evidence.js'
import { writeFilesAtomic } from './fs-safe.js'
import type { DocumentFormat } from './office/render.js'

export interface LoadedSystem {
  manifest: Manifest
  file: string
  dir: string
  text: string
  sha256: string
  warnings: Issue[]
  catalogs: CatalogSet
}

export interface PipelineOptions {
  /** Directory holding the catalog files; defaults to the bundled catalogs. */
  catalogsDir?: string
  /** Evaluation date, YYYY-MM-DD. */
  asOf: string
  /** Frameworks to assess; default DEFAULT_FRAMEWORKS (EU AI Act and NIST AI RMF). */
  frameworks?: readonly string[]
  /** Called with (done, total) while evidence is hashed. */
  onProgress?: (done: number, total: number) => void
  /**
   * Called once with the manifest's warnings (problems that do not stop it from being used, such
   * as a derogation claimed without an Annex III use case), when there are any.
   */
  onWarnings?: (warnings: Issue[]) => void
}

/** Loads catalogs and the manifest, and checks that every evidence `supports` ref exists. */
export async function loadSystem(
  manifestPath: string,
  options: Pick<PipelineOptions, 'catalogsDir' | 'onWarnings'>,
): Promise<LoadedSystem> {
  const catalogs = await loadCatalogSet(options.catalogsDir)
  const loaded = await loadManifest(manifestPath)
  if (loaded.warnings.length > 0) options.onWarnings?.(loaded.warnings)
  const issues = await checkEvidenceRefs(loaded.manifest, loaded.text, loaded.file, catalogs)
  if (issues.length > 0) {
    throw new ManifestError({
      code: 'ERR_MANIFEST_INVALID',
      message: `${loaded.file}: ${issues.length} evidence reference(s) name obligations that are not in the catalogs`,
      issues,
    })
  }
  return { ...loaded, catalogs }
}

/** Every `evidence[i].supports[j]` must resolve to a catalog node; suggest the closest when not. */
export async function checkEvidenceRefs(
  manifest: Manifest,
  text: string,
  file: string,
  catalogs: CatalogSet,
): Promise<Issue[]> {
  const unknown: { id: string; ref: string; path: (string | number)[] }[] = []
  // Thousands of items name the same few hundred refs: look each spelling up once.
  const known = new Map<string, boolean>()
  manifest.evidence.forEach((item, i) => {
    item.supports.forEach((ref, j) => {
      let ok = known.get(ref)
      if (ok === undefined) {
        ok = resolveRef(catalogs, ref) !== undefined
        known.set(ref, ok)
      }
      if (!ok) unknown.push({ id: item.id, ref, path: ['evidence', i, 'supports', j] })
    })
  })
  if (unknown.length === 0) return []
  // Parsed for positions only when a ref is unknown, and then once for all of them; the locator
  // is imported only then too, as it imports `yaml` (about 37 ms).
  const { createYamlLocator } = await import('../core/manifest/locate.js')
  const locate = createYamlLocator(text)
  return unknown.map(({ id, ref, path }) => {
    const suggestions = suggestRefs(catalogs, ref)
    return {
      code: 'unknown_obligation_ref',
      path,
      file,
      ...locate(path),
      message: `evidence "${id}" supports unknown obligation "${ref}"`,
      hint:
        suggestions.length > 0
          ? `did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}? (\`accord catalog\` lists ids)`
          : 'use framework:id as listed by `accord catalog`, e.g. eu-ai-act:art-9 or nist-ai-rmf:measure-2.3',
    }
  })
}

/**
 * Classifies under the EU AI Act. `frameworks` are the ones the run will assess: the result pins
 * exactly the catalogs used (the EU AI Act and those), so outputs and passports do not change when
 * an unrelated catalog is added.
 */
export function classifyLoaded(
  system: LoadedSystem,
  asOf: string,
  frameworks: readonly string[] = DEFAULT_FRAMEWORKS,
): ClassificationResult {
  const eu = system.catalogs.catalogs.get('eu-ai-act')
  if (!eu) {
    throw new AccordError({
      code: 'ERR_CATALOG_NOT_FOUND',
      message: 'the EU AI Act catalog (framework eu-ai-act) is not among the loaded catalogs',
    })
  }
  return {
    system: { name: system.manifest.system.name, version: system.manifest.system.version },
    asOf,
    catalogs: system.catalogs.refs
      .filter((r) => r.framework === 'eu-ai-act' || frameworks.includes(r.framework))
      .map((r) => ({ urn: r.urn, version: r.version, sha256: r.sha256 })),
    euAiAct: classifyEuAiAct({ manifest: system.manifest, catalog: eu, asOf }),
  }
}

export async function assessLoaded(
  system: LoadedSystem,
  classification: ClassificationResult,
  options: PipelineOptions,
): Promise<AssessmentResult> {
  const evidence = await hashEvidence(system.manifest, system.dir, {
    source: { file: system.file, text: system.text },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
  return assessSystem({
    manifest: system.manifest,
    manifestSha256: system.sha256,
    evidence,
    catalogs: system.catalogs,
    classification: classification.euAiAct,
    asOf: options.asOf,
    ...(options.frameworks ? { frameworks: options.frameworks } : {}),
  })
}

export interface DocumentsResult {
  outDir: string
  files: { path: string; sha256: string; bytes: number }[]
  /**
   * Renditions of these documents in other formats that an earlier run left in `outDir` and this
   * one removed, so the folder never mixes documents of two runs (e.g. a PDF of another date).
   */
  removed: string[]
}

/**
 * The files in `outDir` that are renditions (md, html, pdf, docx) of the documents in `files` but
 * not among them: left by an earlier run with other formats. Only these names are looked at, so
 * nothing else in the folder is touched.
 */
async function staleRenditions(
  outDir: string,
  files: readonly { path: string }[],
  formats: readonly DocumentFormat[],
): Promise<string[]> {
  const written = new Set(files.map((f) => f.path))
  const names = new Set(files.map((f) => f.path.replace(/\.[^./]+$/, '')))
  const stale: string[] = []
  for (const name of names) {
    for (const format of formats) {
      const file = `${name}.${format}`
      if (written.has(file)) continue
      const info = await lstat(path.join(outDir, file)).catch(() => undefined)
      if (info?.isFile()) stale.push(file)
    }
  }
  return stale
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export interface WriteDocumentsOptions {
  /** Formats to write; default md and html (PDF needs Chromium, so it is opt-in). */
  formats?: readonly DocumentFormat[]
  /** Chromium used for PDF; default ACCORD_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string
}

/**
 * Generates the documents and writes them in the formats asked for, all or nothing. The index
 * lists the SHA-256 of the Markdown and HTML files, which are byte-for-byte reproducible; PDF and
 * DOCX renditions are listed with theirs in the result (see docs/documents.md).
 */
export async function writeDocuments(
  system: LoadedSystem,
  classification: ClassificationResult,
  assessment: AssessmentResult,
  outDir: string,
  generator: { name: string; version: string },
  options: WriteDocumentsOptions = {},
): Promise<DocumentsResult> {
  // Loaded here, not at the top: `accord assess` and `classify` use this module without documents,
  // and the renderers' libraries are slow to load.
  const [{ generateDocuments }, { DEFAULT_FORMATS, DOCUMENT_FORMATS, renderDocumentFormats }] =
    await Promise.all([import('../core/documents/index.js'), import('./office/render.js')])
  const docs = generateDocuments({
    manifest: system.manifest,
    classification,
    assessment,
    catalogs: system.catalogs,
    generator,
    sha256: sha256Text,
  })
  // Rendered in full before anything is written: a missing Chromium leaves no file behind.
  const files = await renderDocumentFormats(docs, {
    formats: options.formats ?? DEFAULT_FORMATS,
    identity: {
      systemName: system.manifest.system.name,
      systemVersion: system.manifest.system.version,
      manifestSha256: assessment.manifestSha256,
      asOf: classification.asOf,
      generator,
    },
    ...(options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath }),
  })
  const removed = await staleRenditions(outDir, files, DOCUMENT_FORMATS)
  await writeFilesAtomic(outDir, files, { remove: removed })
  return {
    outDir,
    removed,
    files: files.map((f) => {
      const bytes = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data
      return {
        path: f.path,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      }
    }),
  }
}
