/**
 * WCAG 2.1 AA in real headless Chromium, on what users actually see: every page of the web UI in
 * the states that matter (a verify result with its reasons, error states, a revoked passport, an
 * empty search...) and every HTML document `accord docs` writes for two bundled examples, plus the
 * `accord plan` page and the page the PDF is printed from. Each is checked with axe-core's WCAG
 * 2.0/2.1 A and AA rules and for reflow at 320 CSS px (SC 1.4.10, which axe does not check); the
 * documents also for row headers in their key/value tables (SC 1.3.1). The
 * verify page is also used with the keyboard alone, and its verdict must reach a screen reader
 * through a status region. See docs/web.md and docs/documents.md.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateDocuments } from '../../src/core/documents/generate.js'
import { printableHtml } from '../../src/node/office/pdf.js'
import { assessLoaded, classifyLoaded, loadSystem, sha256Text } from '../../src/node/pipeline.js'
import { axeViolations, reflowProblems } from './a11y.js'
import {
  AS_OF,
  CHATBOT_V2_ID,
  ROOT,
  policyWithWarnings,
  uploadPolicy,
  type ExampleName,
  type WebEnv,
  type WebHarness,
} from './harness.js'

const WIDE = { width: 1280, height: 900 }
/** WCAG 2.1 SC 1.4.10: 320 CSS px wide (1280 px at 400% zoom). */
const NARROW = { width: 320, height: 640 }

interface PageState {
  name: string
  /** Path and query of the page. */
  url: (h: WebHarness) => string
  /** Brings the page into the state (after it loaded) and waits until it is there. */
  reach: (page: Page, h: WebHarness) => Promise<void>
}

const POLICY_READY = '#policy option[value="eu-police-procurement"]'

async function verifyOnPage(page: Page, token: string, policy: string): Promise<void> {
  await page.locator(POLICY_READY).waitFor({ state: 'attached' })
  await page.fill('#passport', token)
  await page.selectOption('#policy', policy)
  await page.click('#verify-button')
}

const passportUrl = (id: string): string => `/passports/${encodeURIComponent(id)}`

/** Every page of the web UI, in the states a user meets. */
const STATES: PageState[] = [
  {
    name: 'verify, empty form',
    url: () => '/',
    reach: (page) => page.locator(POLICY_READY).waitFor({ state: 'attached' }),
  },
  {
    name: 'verify, form error (no passport)',
    url: () => '/',
    reach: async (page) => {
      await page.locator(POLICY_READY).waitFor({ state: 'attached' })
      await page.click('#verify-button')
      await page.locator('#form-error').waitFor()
    },
  },
  {
    name: 'verify, own policy chosen (file upload shown)',
    url: () => '/',
    reach: async (page) => {
      await page.locator(POLICY_READY).waitFor({ state: 'attached' })
      await page.selectOption('#policy', '__custom')
      await page.locator('#policy-file').waitFor()
    },
  },
  {
    name: 'verify, policy explained (the rules of the chosen policy)',
    url: () => '/',
    reach: async (page) => {
      await page.locator(POLICY_READY).waitFor({ state: 'attached' })
      await page.selectOption('#policy', 'allied-defence-integration')
      await page.locator('#policy-rules li[data-rule="policy:category:eu-ai-act"]').waitFor()
      await expect
        .poll(() => page.locator('#policy-explained-status').innerText())
        .toContain('rules')
    },
  },
  {
    name: 'verify, ACCEPTED',
    url: () => '/',
    reach: async (page, h) => {
      await verifyOnPage(page, h.passports['border-biometrics'].token, 'eu-police-procurement')
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('ACCEPTED')
    },
  },
  {
    name: 'verify, REJECTED with reasons (revoked, wrong category)',
    url: () => '/',
    reach: async (page, h) => {
      await verifyOnPage(page, h.passports['public-chatbot'].token, 'eu-police-procurement')
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('REJECTED')
      await page.locator('#problems li').first().waitFor()
    },
  },
  {
    name: "verify, ACCEPTED with the policy's warnings",
    url: () => '/',
    reach: async (page, h) => {
      await page.locator(POLICY_READY).waitFor({ state: 'attached' })
      await page.fill('#passport', h.passports['border-biometrics'].token)
      await page.selectOption('#policy', '__custom')
      await uploadPolicy(page, policyWithWarnings(h))
      await page.click('#verify-button')
      await page.locator('#verify-policy-warnings li').nth(1).waitFor()
    },
  },
  {
    name: 'verify, the registry refuses an uploaded policy',
    url: () => '/',
    reach: async (page, h) => {
      await page.locator(POLICY_READY).waitFor({ state: 'attached' })
      await page.fill('#passport', h.passports['border-biometrics'].token)
      await page.selectOption('#policy', '__custom')
      await uploadPolicy(page, 'name: [not closed\n')
      await page.click('#verify-button')
      await expect
        .poll(() => page.locator('#form-error').innerText())
        .toContain('could not be verified')
    },
  },
  ...(['border-biometrics', 'public-chatbot'] as ExampleName[]).map((name): PageState => ({
    name: `passport page, ${name}${name === 'public-chatbot' ? ' (revoked)' : ' (endorsed, with an incident and an evaluation result)'}`,
    url: (h) => passportUrl(h.passports[name].id),
    reach: async (page) => {
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect.poll(() => page.locator('#inclusion').innerText()).toContain('Verified')
    },
  })),
  {
    name: 'passport page, a second version (changes since the previous one, neutral ones open)',
    url: () => passportUrl(CHATBOT_V2_ID),
    reach: async (page) => {
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await page.locator('#neutral-changes summary').click()
      await page.locator('#neutral-changes li').first().waitFor()
    },
  },
  {
    name: 'passport page, unknown passport',
    url: () => passportUrl('urn:uuid:00000000-0000-4000-8000-000000000000'),
    reach: (page) => page.locator('#passport-root [role="alert"]').waitFor(),
  },
  {
    name: 'search, all passports',
    url: () => '/search',
    reach: (page) => page.locator('#results li').nth(2).waitFor(),
  },
  {
    name: 'search, nothing matches',
    url: () => '/search?provider=nobody%20by%20this%20name',
    reach: async (page) => {
      await expect.poll(() => page.locator('#results-count').innerText()).toContain('No passports')
    },
  },
  {
    name: 'incidents, the latest reports',
    url: () => '/incidents',
    reach: (page) => page.locator('#reports-body tr').nth(1).waitFor(),
  },
  {
    name: 'incidents, serious only',
    url: () => '/incidents',
    reach: async (page) => {
      await page.locator('#reports-body tr').nth(1).waitFor()
      await page.check('#serious-only')
      await expect.poll(() => page.locator('#reports-status').innerText()).toContain('Showing')
    },
  },
  {
    name: 'log, after a consistency check',
    url: () => '/log',
    reach: async (page) => {
      await page.locator('#entries table').waitFor()
      await page.fill('#from-size', '3')
      await page.fill('#to-size', '5')
      await page.click('#consistency-button')
      await page.locator('#consistency-verdict').waitFor()
    },
  },
  {
    name: 'log, consistency check refused',
    url: () => '/log',
    reach: async (page) => {
      await page.locator('#entries table').waitFor()
      await page.fill('#from-size', '9')
      await page.fill('#to-size', '5')
      await page.click('#consistency-button')
      await page.locator('#consistency-result [role="alert"]').waitFor()
    },
  },
]

/**
 * The row headers of a generated document, read from the DOM (browser source): every body row of
 * a "Field | Value" (key/value) or "Fact | Meaning" (glossary) table starts with a
 * <th scope="row"> that looks like the <td>s beside it (normal weight, the row's background), and
 * no other table has a header cell in its body. Gives how many key/value and glossary tables
 * there are and what is wrong, one sentence each.
 */
const ROW_HEADER_CHECKS = `(() => {
  const problems = []
  let fieldTables = 0
  let factTables = 0
  document.querySelectorAll('table').forEach((table, t) => {
    const headers = Array.from(table.querySelectorAll('thead th'), (th) => th.textContent.trim())
    const keyValue = ['Field | Value', 'Fact | Meaning'].includes(headers.join(' | '))
    if (headers.join(' | ') === 'Field | Value') fieldTables++
    if (headers.join(' | ') === 'Fact | Meaning') factTables++
    table.querySelectorAll('tbody tr').forEach((tr, r) => {
      Array.from(tr.cells).forEach((cell, c) => {
        const got = cell.tagName.toLowerCase() + ' ' + (cell.getAttribute('scope') ?? '-')
        const want = keyValue && c === 0 ? 'th row' : 'td -'
        const at = 'table ' + t + ' (' + headers.join(' | ') + ') row ' + r + ' cell ' + c
        if (got !== want) problems.push(at + ' is ' + got + ', want ' + want)
        if (c !== 0 || !keyValue) return
        const head = getComputedStyle(cell)
        const value = tr.cells[1] && getComputedStyle(tr.cells[1])
        if (head.fontWeight !== '400') problems.push(at + ' has font-weight ' + head.fontWeight)
        if (value && head.backgroundColor !== value.backgroundColor)
          problems.push(at + ' has background ' + head.backgroundColor + ', its value ' + value.backgroundColor)
        if (head.textAlign !== 'left') problems.push(at + ' is aligned ' + head.textAlign)
      })
    })
  })
  return { fieldTables, factTables, problems }
})()`

/** The bundled examples whose documents are checked: high-risk, and transparency-only. */
const DOCUMENT_EXAMPLES = ['border-biometrics', 'public-chatbot'] as const

/** The HTML documents `accord docs` writes for a bundled example, generated as it does. */
async function documentsOf(example: string): Promise<{ path: string; content: string }[]> {
  const system = await loadSystem(path.join(ROOT, 'examples', example, 'accord.yaml'), {})
  const classification = classifyLoaded(system, AS_OF)
  const assessment = await assessLoaded(system, classification, { asOf: AS_OF })
  return generateDocuments({
    manifest: system.manifest,
    classification,
    assessment,
    catalogs: system.catalogs,
    generator: { name: 'accord', version: '0.0.0-test' },
    sha256: sha256Text,
  }).filter((d) => d.path.endsWith('.html'))
}

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function accessibilityTests(env: WebEnv): void {
  describe('accessibility (WCAG 2.1 AA)', () => {
    let harness: WebHarness
    let browser: Browser

    beforeAll(() => {
      harness = env.harness
      browser = env.browser
    })

    for (const state of STATES) {
      it(`${state.name}: no axe violations, reflows at 320 px`, async () => {
        const page = await browser.newPage({ viewport: WIDE })
        await page.goto(harness.baseUrl + state.url(harness))
        await state.reach(page, harness)
        expect(await axeViolations(page)).toEqual([])
        await page.setViewportSize(NARROW)
        expect(await reflowProblems(page)).toEqual([])
        await page.close()
      })
    }

    describe('generated HTML documents', () => {
      // A fresh page per document, never one that showed a registry page: `setContent` keeps the
      // document's CSP, which would block the documents' inline <style>.
      async function checkHtml(html: string): Promise<{
        axe: string[]
        reflow: string[]
        rowHeaders: { fieldTables: number; factTables: number; problems: string[] }
      }> {
        const page = await browser.newPage({ viewport: WIDE, javaScriptEnabled: true })
        await page.setContent(html, { waitUntil: 'load' })
        const axe = await axeViolations(page)
        const rowHeaders = (await page.evaluate(ROW_HEADER_CHECKS)) as {
          fieldTables: number
          factTables: number
          problems: string[]
        }
        await page.setViewportSize(NARROW)
        const reflow = await reflowProblems(page)
        await page.close()
        return { axe, reflow, rowHeaders }
      }

      /** Every generated page starts with one key/value table (its header block). */
      const ONE_FIELD_TABLE = { fieldTables: 1, factTables: 0, problems: [] }
      /** The classification report also has its glossary of facts. */
      const FIELD_AND_FACT_TABLES = { fieldTables: 1, factTables: 1, problems: [] }

      for (const example of DOCUMENT_EXAMPLES) {
        it(`accord docs of ${example}: every HTML document passes`, async () => {
          const docs = await documentsOf(example)
          expect(docs.map((d) => d.path)).toContain('annex-iv-technical-documentation.html')
          for (const doc of docs)
            expect({ doc: doc.path, ...(await checkHtml(doc.content)) }).toEqual({
              doc: doc.path,
              axe: [],
              reflow: [],
              rowHeaders: doc.path.startsWith('classification-report')
                ? FIELD_AND_FACT_TABLES
                : ONE_FIELD_TABLE,
            })
        })
      }

      it('the page the PDF is printed from (with its table of contents) passes', async () => {
        const [annex] = (await documentsOf('border-biometrics')).filter((d) =>
          d.path.startsWith('annex-iv'),
        )
        const printable = printableHtml(annex?.content ?? '')
        expect(printable).toContain('<nav class="toc')
        expect(await checkHtml(printable)).toEqual({
          axe: [],
          reflow: [],
          rowHeaders: ONE_FIELD_TABLE,
        })
      })

      it('the verification report (POST /api/v1/verify/report) passes', async () => {
        const res = await fetch(`${harness.baseUrl}/api/v1/verify/report`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            passport: harness.passports['border-biometrics'].token,
            policy: 'eu-police-procurement',
          }),
        })
        expect(res.status).toBe(200)
        const report = await checkHtml(await res.text())
        expect(report.axe).toEqual([])
        expect(report.reflow).toEqual([])
        expect(report.rowHeaders.problems).toEqual([])
        expect(report.rowHeaders.fieldTables).toBeGreaterThanOrEqual(3)
      })

      it('accord plan (plan.html) passes', async () => {
        const plan = readFileSync(
          path.join(ROOT, 'test', 'golden', 'plan', 'police-analytics', 'plan.html'),
          'utf8',
        )
        expect(await checkHtml(plan)).toEqual({ axe: [], reflow: [], rowHeaders: ONE_FIELD_TABLE })
      })

      it('accord answer --out answers.html (the police procurement golden) passes', async () => {
        const answers = readFileSync(
          path.join(ROOT, 'test', 'golden', 'questionnaire', 'police-procurement.html'),
          'utf8',
        )
        // A report of questions and answers: headings and quotes, no key/value table.
        expect(await checkHtml(answers)).toEqual({
          axe: [],
          reflow: [],
          rowHeaders: { fieldTables: 0, factTables: 0, problems: [] },
        })
      })
    })
  })
}
