/**
 * POST /api/v1/verify/report: the verification report of `accord verify --report FILE.html`,
 * computed by the server from the same verification as POST /api/v1/verify (the web UI's
 * "Download report (HTML)").
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { md } from '../../src/core/documents/markdown.js'
import { markdownToHtml } from '../../src/core/documents/html.js'
import type { CheckResult } from '../../src/core/passport/types.js'
import { checkOutcomeWords } from '../../src/core/passport/verify-report.js'
import {
  inlinePolicy,
  makePassport,
  makeSigner,
  NOW,
  startApp,
  statusListToken,
  type TestApp,
  type TestSigner,
} from './helpers.js'

let t: TestApp
let issuer: TestSigner

beforeAll(async () => {
  t = await startApp()
  issuer = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A Markdown table cell as the HTML report shows it. */
const cell = (markdown: string) =>
  /<td>([\s\S]*?)<\/td>/.exec(markdownToHtml(`| a |\n| --- |\n| ${markdown} |`, 't'))?.[1] ?? ''

describe('POST /api/v1/verify/report', () => {
  it('answers the HTML report of the verification POST /api/v1/verify made, as an attachment', async () => {
    const p = await makePassport(issuer, 5)
    const payload = {
      passport: p.token,
      policy: inlinePolicy(issuer, 'test'),
      statusList: await statusListToken(issuer, [5]),
    }
    const verified = await t.app.inject({ method: 'POST', url: '/api/v1/verify', payload })
    const result = verified.json()
    expect(result.verdict).toBe('rejected')
    expect(result.verifiedAt).toBe(new Date(NOW * 1000).toISOString().replace('.000Z', 'Z'))

    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/report',
      payload: { ...payload, at: result.verifiedAt },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="passport-verification-report.html"',
    )
    const html = res.body
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain('<strong>Verdict: REJECTED.</strong>')
    expect(html).toContain(`Verified at</th>\n<td>${result.verifiedAt} `)
    // Every check of the verification, in order.
    const rows = [...html.matchAll(/<tr>\n<td>(\d+)<\/td>\n<td>(.*)<\/td>\n<td>(.*)<\/td>/g)]
    expect(rows.map((r) => [r[2], r[3]])).toEqual(
      (result.checks as CheckResult[]).map((c) => [cell(md(c.check)), cell(checkOutcomeWords(c))]),
    )
    expect(html).toContain(`<code>${sha256(payload.passport)}</code>`)
    expect(html).toContain(`<code>${sha256(payload.statusList)}</code>`)
    expect(html).toContain(`<code>${sha256(payload.policy)}</code>`)
  })

  it('verifies as of at, else now; a malformed at is a 400', async () => {
    const p = await makePassport(issuer, 6)
    const payload = { passport: p.token, policy: inlinePolicy(issuer, 'test') }
    const now = await t.app.inject({ method: 'POST', url: '/api/v1/verify/report', payload })
    expect(now.statusCode).toBe(200)
    expect(now.body).toContain(new Date(NOW * 1000).toISOString().replace('.000Z', 'Z'))
    const later = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/report',
      payload: { ...payload, at: '2027-01-15T08:00:00Z' },
    })
    expect(later.body).toContain('Verified at</th>\n<td>2027-01-15T08:00:00Z ')
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/report',
      payload: { ...payload, at: '2026-02-30T00:00:00Z' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().code).toBe('ERR_CONFIG_BAD_DATE')
  })
})
