/**
 * Reads evaluation files (`accord evaluation report --file`) and evaluation result files (the
 * `<JWT>~` that `accord evaluation report` writes), turning every problem into a coded error:
 * ERR_PASSPORT_EVALUATION_NOT_FOUND (exit 5) when a file cannot be read, and
 * ERR_PASSPORT_EVALUATION_INVALID (exit 3) when it is not what it should be, with issues naming
 * file, line and column (src/core/evaluation/parse.ts).
 */
import type { Issue } from '../core/errors.js'
import { parseEvaluationFile, type EvaluationFill } from '../core/evaluation/parse.js'
import {
  decodeEvaluationResult,
  MAX_EVALUATION_RESULT_CHARS,
  type EvaluationResultClaims,
} from '../core/evaluation/result.js'
import type { Evaluation } from '../core/evaluation/schema.js'
import {
  fileProblemsError,
  invalidFileError,
  readCodedTextFile,
  type FileErrorCodes,
} from './coded-file.js'

/** Evaluation files larger than this are refused before parsing (1 MiB: many metrics). */
export const MAX_EVALUATION_FILE_BYTES = 1024 * 1024

const CODES: FileErrorCodes = {
  notFound: 'ERR_PASSPORT_EVALUATION_NOT_FOUND',
  invalid: 'ERR_PASSPORT_EVALUATION_INVALID',
}

/** Reads, parses, fills in and checks the evaluation file at `file`. */
export async function readEvaluationFile(
  file: string,
  fill: EvaluationFill,
): Promise<{ evaluation: Evaluation; warnings: Issue[] }> {
  const text = await readCodedTextFile(file, MAX_EVALUATION_FILE_BYTES, 'evaluation file', CODES)
  const parsed = parseEvaluationFile(text, file, fill)
  if (!parsed.ok) throw fileProblemsError(file, 'evaluation file', parsed.issues, CODES)
  return { evaluation: parsed.evaluation, warnings: parsed.warnings }
}

export interface ResultFile {
  token: string
  /** Decoded, NOT verified: check the signature with verifyEvaluationResult before trusting it. */
  claims: EvaluationResultClaims
  kid: string
}

/** Reads an evaluation result file and decodes it (without verifying its signature). */
export async function readResultFile(file: string): Promise<ResultFile> {
  const token = (
    await readCodedTextFile(file, MAX_EVALUATION_RESULT_CHARS + 2, 'evaluation result', CODES)
  ).trim()
  const decoded = decodeEvaluationResult(token)
  if (!decoded.ok)
    throw invalidFileError(file, `not an Accord evaluation result: ${decoded.message}`, CODES)
  return { token, claims: decoded.claims, kid: decoded.kid }
}
