import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  AccordError,
  ERROR_CODES,
  EXIT,
  EXIT_MEANING,
  formatIssues,
  formatPath,
} from '../../src/core/errors.js'
import { MANIFEST_ISSUE_CODES } from '../../src/core/manifest/codes.js'

/** docs/errors.md is generated from the code table; UPDATE_GOLDENS=1 rewrites it. */
function renderErrorsDoc(): string {
  let s =
    '# Error codes\n\nEvery error Accord reports carries one of these codes. The CLI prints the code, the place (file, line, column, field) and the fix; with `--json` it prints `{ "error": { "code", "message", "issues" } }` on stdout. This page is generated from `src/core/errors.ts` and checked by `test/core/errors.test.ts` (regenerate with `UPDATE_GOLDENS=1 npx vitest run test/core/errors.test.ts`).\n\n'
  s += '| Code | Exit | HTTP | Meaning | How to fix |\n|---|---|---|---|---|\n'
  for (const [code, i] of Object.entries(ERROR_CODES))
    s += `| \`${code}\` | ${i.exit} | ${i.http} | ${i.summary} | ${i.fix} |\n`
  s += '\n## Exit codes\n\n| Exit | Meaning |\n|---|---|\n'
  for (const [k, v] of Object.entries(EXIT))
    s += `| ${v} | ${EXIT_MEANING[k as keyof typeof EXIT]} |\n`
  s +=
    "\n## Manifest problems\n\nA manifest that cannot be used is refused with `ERR_MANIFEST_NOT_FOUND`, `ERR_MANIFEST_PARSE` or `ERR_MANIFEST_INVALID` (above) and lists every problem found, each with its own code, the file, line and column, the field, and a fix. A warning is printed on stderr as `warning: FILE:LINE:COL: message [code]` and does not stop the command. Evidence files that are missing, empty, unreadable or outside the folder are reported with the `ERR_EVIDENCE_...` codes above. The codes come from `MANIFEST_ISSUE_CODES` in `src/core/manifest/codes.ts`; `test/core/manifest/codes.test.ts` fails when the manifest's reader or checks use a code missing there.\n\n"
  s += '| Code | Severity | Reported in | Meaning | How to fix |\n|---|---|---|---|---|\n'
  for (const [code, i] of Object.entries(MANIFEST_ISSUE_CODES) as [
    string,
    { severity: string; reportedAs?: string; meaning: string; fix: string },
  ][])
    s += `| \`${code}\` | ${i.severity} | ${i.reportedAs === undefined ? '-' : `\`${i.reportedAs}\``} | ${i.meaning} | ${i.fix} |\n`
  return s
}

describe('error codes', () => {
  it('docs/errors.md lists every code with its exit code and fix', () => {
    const doc = renderErrorsDoc()
    if (process.env.UPDATE_GOLDENS) writeFileSync('docs/errors.md', doc)
    expect(readFileSync('docs/errors.md', 'utf8')).toBe(doc)
  })

  it('every code follows ERR_<DOMAIN>_<CONDITION> with a known domain', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(code).toMatch(
        /^ERR_(CONFIG|MANIFEST|CATALOG|EVIDENCE|ASSESS|DOCUMENT|PASSPORT|TLOG|STORE|SCHEMA|INTERNAL)(_[A-Z]+)*$/,
      )
    }
  })

  it('AccordError carries code, issues and cause, and names its class', () => {
    const cause = new Error('low level')
    const err = new AccordError({ code: 'ERR_MANIFEST_INVALID', message: 'bad', cause, issues: [] })
    expect(err.name).toBe('AccordError')
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    expect(err.cause).toBe(cause)
  })

  it('formats issues with file, line, column, path and fix', () => {
    expect(formatPath(['evidence', 2, 'path'])).toBe('evidence[2].path')
    expect(
      formatIssues([
        {
          code: 'unrecognized_key',
          path: ['system', 'intendedPurpse'],
          file: 'accord.yaml',
          line: 7,
          column: 3,
          message: 'unknown field "intendedPurpse"',
          hint: 'did you mean "intendedPurpose"?',
        },
      ]),
    ).toBe(
      'accord.yaml:7:3: unknown field "intendedPurpse" at system.intendedPurpse [unrecognized_key]\n  fix: did you mean "intendedPurpose"?',
    )
  })
})
