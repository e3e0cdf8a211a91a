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
