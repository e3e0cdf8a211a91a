/**
 * Reading the text files of the signed statements about passports (incident files and reports,
 * evaluation files and results) with every problem as a coded error: `codes.notFound` (exit 5)
 * when a file cannot be read, `codes.invalid` (exit 3) when it is too large or not UTF-8.
 */
import { PassportError, type AccordErrorCode, type Issue } from '../core/errors.js'
import { decodeUtf8, notUtf8Issue, readBoundedFile } from './fs-safe.js'

export interface FileErrorCodes {
  notFound: AccordErrorCode
  invalid: AccordErrorCode
}

/** A `codes.invalid` PassportError about `file`, with its issues. */
export function invalidFileError(
  file: string,
  message: string,
  codes: FileErrorCodes,
  issues: Issue[] = [],
): PassportError {
  return new PassportError({ code: codes.invalid, message: `${file}: ${message}`, issues })
}

/** The UTF-8 text of `file` (at most `maxBytes`); `what` names it in messages. */
export async function readCodedTextFile(
  file: string,
  maxBytes: number,
  what: string,
  codes: FileErrorCodes,
): Promise<string> {
  const read = await readBoundedFile(file, maxBytes)
  if (!read.ok) {
    const { problem } = read
    if (problem.kind === 'too-large')
      throw invalidFileError(file, `the ${what} is larger than the ${maxBytes}-byte limit`, codes, [
        {
          code: 'too_large',
          path: [],
          file,
          message: `the file is larger than ${maxBytes} bytes`,
          hint: `check that the right file was given as the ${what}`,
        },
      ])
    throw new PassportError({
      code: codes.notFound,
      message: `${what} ${file} ${problem.why}`,
      cause: problem.kind === 'unreadable' ? problem.cause : undefined,
    })
  }
  const text = decodeUtf8(read.bytes)
  if (text === undefined)
    throw invalidFileError(file, `the ${what} is not valid UTF-8 text`, codes, [notUtf8Issue(file)])
  return text
}

/** The `codes.invalid` error of a file with `issues` (each with its place), naming the first. */
export function fileProblemsError(
  file: string,
  what: string,
  issues: Issue[],
  codes: FileErrorCodes,
): PassportError {
  const n = issues.length
  const first = issues[0]
  const where =
    first?.line !== undefined ? ` (first at line ${first.line}, column ${first.column ?? 1})` : ''
  return invalidFileError(
    file,
    `the ${what} has ${n} problem${n === 1 ? '' : 's'}${where}`,
    codes,
    issues,
  )
}
