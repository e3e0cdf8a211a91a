/**
 * Shared by the office rendition tests: the police-analytics example's generated documents, and
 * the external tools the PDF tests need (Debian's chromium and poppler-utils), which are skipped
 * loudly when missing locally and fail the run under CI.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { GeneratedDocument } from '../../../src/core/documents/index.js'
import { generateDocuments } from '../../../src/core/documents/index.js'
import type { DocumentIdentity } from '../../../src/node/office/pdf.js'
import {
  assessLoaded,
  classifyLoaded,
  loadSystem,
  sha256Text,
  type LoadedSystem,
} from '../../../src/node/pipeline.js'
import type { ClassificationResult } from '../../../src/core/classify/types.js'
import type { AssessmentResult } from '../../../src/core/assess/types.js'

export const ROOT = path.resolve(import.meta.dirname, '../../..')
export const POLICE = path.join(ROOT, 'examples/police-analytics/accord.yaml')
export const AS_OF = '2026-11-01'
export const GENERATOR = { name: 'accord', version: '0.0.0-test' }
export const CHROMIUM = '/usr/bin/chromium'
export const PYTHON = '/usr/bin/python3'

/** The nine numbered points of Annex IV, as headings of the Annex IV document start. */
export const ANNEX_IV_POINTS = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${n}. `)

export interface PoliceRun {
  system: LoadedSystem
  classification: ClassificationResult
  assessment: AssessmentResult
  docs: GeneratedDocument[]
  identity: DocumentIdentity
}

/** Loads, classifies and assesses the police-analytics example, and generates its documents. */
export async function policeRun(): Promise<PoliceRun> {
  const system = await loadSystem(POLICE, {})
  const classification = classifyLoaded(system, AS_OF)
  const assessment = await assessLoaded(system, classification, { asOf: AS_OF })
  const docs = generateDocuments({
    manifest: system.manifest,
    classification,
    assessment,
    catalogs: system.catalogs,
    generator: GENERATOR,
    sha256: sha256Text,
  })
  const identity: DocumentIdentity = {
    systemName: system.manifest.system.name,
    systemVersion: system.manifest.system.version,
    manifestSha256: assessment.manifestSha256,
    asOf: AS_OF,
    generator: GENERATOR,
  }
  return { system, classification, assessment, docs, identity }
}

export function docContent(docs: readonly GeneratedDocument[], file: string): string {
  const found = docs.find((d) => d.path === file)
  if (!found) throw new Error(`no document ${file}`)
  return found.content
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin')
    .split(path.delimiter)
    .some((dir) => existsSync(path.join(dir, cmd)))
}

/** Whether the PDF tests can run; under CI a missing tool is a failure, not a skip. */
export function pdfToolsAvailable(): boolean {
  const missing = [
    ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (apt-get install -y chromium)`]),
    ...(onPath('pdftotext') && onPath('pdftoppm')
      ? []
      : ['pdftotext/pdftoppm (apt-get install -y poppler-utils)']),
  ]
  if (missing.length === 0) return true
  if (process.env.CI)
    throw new Error(
      `missing for the PDF tests: ${missing.join(', ')}; CI must install them (.ci/run)`,
    )
  console.warn(`\n*** SKIPPING the PDF tests: missing ${missing.join(', ')}. ***\n`)
  return false
}

/** Whether Debian's python3 (for its zipfile module, an independent zip reader) is there. */
export function pythonAvailable(): boolean {
  if (existsSync(PYTHON)) return true
  if (process.env.CI) throw new Error(`${PYTHON} is missing: CI must have Debian's python3`)
  console.warn(`\n*** SKIPPING the DOCX package checks: ${PYTHON} is missing. ***\n`)
  return false
}
