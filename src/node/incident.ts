/**
 * Reads incident files (`accord incident report --file`) and incident report files (the
 * `<JWT>~` that `accord incident report` writes), turning every problem into a coded error:
 * ERR_PASSPORT_INCIDENT_NOT_FOUND (exit 5) when a file cannot be read, and
 * ERR_PASSPORT_INCIDENT_INVALID (exit 3) when it is not what it should be, with issues naming
 * file, line and column (src/core/incident/parse.ts).
 */
import type { Issue } from '../core/errors.js'
import { decodeIncidentReport, MAX_INCIDENT_REPORT_CHARS } from '../core/incident/report.js'
import type { IncidentReportClaims } from '../core/incident/report.js'
import { parseIncidentFile, type IncidentFill } from '../core/incident/parse.js'
import type { Incident } from '../core/incident/schema.js'
import {
  fileProblemsError,
  invalidFileError,
  readCodedTextFile,
  type FileErrorCodes,
} from './coded-file.js'

/** Incident files larger than this are refused before parsing (256 KiB). */
export const MAX_INCIDENT_FILE_BYTES = 256 * 1024

const CODES: FileErrorCodes = {
  notFound: 'ERR_PASSPORT_INCIDENT_NOT_FOUND',
  invalid: 'ERR_PASSPORT_INCIDENT_INVALID',
}

const readText = (file: string, maxBytes: number, what: string) =>
  readCodedTextFile(file, maxBytes, what, CODES)
const invalid = (file: string, message: string, issues: Issue[] = []) =>
  invalidFileError(file, message, CODES, issues)

/** Reads, parses, fills in and checks the incident file at `file`. */
export async function readIncidentFile(
  file: string,
  fill: IncidentFill,
): Promise<{ incident: Incident; warnings: Issue[] }> {
  const text = await readText(file, MAX_INCIDENT_FILE_BYTES, 'incident file')
  const parsed = parseIncidentFile(text, file, fill)
  if (!parsed.ok) throw fileProblemsError(file, 'incident file', parsed.issues, CODES)
  return { incident: parsed.incident, warnings: parsed.warnings }
}

export interface ReportFile {
  token: string
  /** Decoded, NOT verified: check the signature with verifyIncidentReport before trusting it. */
  claims: IncidentReportClaims
  kid: string
}

/** Reads an incident report file and decodes it (without verifying its signature). */
export async function readReportFile(file: string): Promise<ReportFile> {
  const token = (await readText(file, MAX_INCIDENT_REPORT_CHARS + 2, 'incident report')).trim()
  const decoded = decodeIncidentReport(token)
  if (!decoded.ok) throw invalid(file, `not an Accord incident report: ${decoded.message}`)
  return { token, claims: decoded.claims, kid: decoded.kid }
}
