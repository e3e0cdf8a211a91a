/**
 * The incidents page in real headless Chromium: the latest serious-incident reports of every
 * passport from the registry-wide feed (GET /api/v1/incidents), newest first, with links to the
 * passport pages, "Load older reports", the "serious only" filter, new reports announced by the
 * log's event stream, and report text that looks like HTML shown as text.
 *
 * Runs last: it publishes reports to the shared registry, which the other suites' log entries and
 * passport pages do not expect.
 */
import type { Browser, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Incident } from '../../src/core/incident/schema.js'
import { openPage, type WebEnv, type WebHarness } from './harness.js'

const HARNESS_REPORTS = [
  'urn:uuid:00000000-0000-4000-8000-00000001c1d2',
  'urn:uuid:00000000-0000-4000-8000-00000001c1d1',
]
const HOSTILE = '<img src=x onerror="window.pwned=1"><b>Bad & Co</b>'

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function incidentsPageTests(env: WebEnv): void {
  describe('incidents page', () => {
    let harness: WebHarness
    let browser: Browser

    beforeAll(() => {
      harness = env.harness
      browser = env.browser
    })

    const open = (url: string) => openPage(browser, harness.baseUrl + url)

    const ids = (page: Page) =>
      page.locator('#reports-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.id))
    const status = (page: Page) => page.locator('#reports-status').innerText()

    it("lists the registry's reports newest first, each row from the feed, linked to its passport", async () => {
      const { page, errors } = await open('/incidents')
      await expect.poll(() => status(page)).toBe('2 reports loaded.')
      expect(await ids(page)).toEqual(HARNESS_REPORTS)
      const cells = await page.locator('#reports-body tr').first().locator('td').allInnerTexts()
      const border = harness.passports['border-biometrics']
      expect(cells).toEqual([
        '6',
        '1 Nov 2026, 00:00 UTC',
        border.id,
        harness.incident.id,
        'follow-up, report 2',
        '! Serious',
        'open',
        'Valvur Biometrics OÜ (provider)',
      ])
      expect(await page.locator('#reports-body tr td:nth-child(1)').allInnerTexts()).toEqual([
        '6',
        '5',
      ])
      expect(await page.locator('#reports-table th[scope="col"]').count()).toBe(8)
      expect(await page.locator('#reports-table caption').innerText()).toContain('newest first')
      // Every report is here: no "Load older reports".
      expect(await page.locator('#older').isHidden()).toBe(true)
      expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe('Incidents')

      const link = page.locator('#reports-body tr').first().locator('a')
      expect(await link.getAttribute('href')).toBe(
        `${harness.baseUrl}/passports/${encodeURIComponent(border.id)}`,
      )
      await link.click()
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      expect(page.url()).toBe(`${harness.baseUrl}/passports/${encodeURIComponent(border.id)}`)
      expect(await page.locator('h1').innerText()).toBe('Valvur Sentinel version 2.4.0')
      expect(errors).toEqual([])
      await page.close()
    })

    it('pages back with "Load older reports", shows HTML-like text as text, filters serious ones and adds new reports as the log announces them', async () => {
      const chatbot = harness.passports['public-chatbot']
      const police = harness.passports['police-analytics']
      const base = harness.incident
      const report = (n: number, over: Partial<Incident>): Incident => ({
        ...base,
        id: `urn:uuid:00000000-0000-4000-8000-0000000a00${String(n).padStart(2, '0')}`,
        ...over,
      })
      // Five more reports: a not-serious one whose reporter's name looks like markup, then four
      // serious ones, with other log entries (status changes) between them.
      await harness.reportIncident(
        police,
        report(1, {
          serious: false,
          harms: [],
          reporter: { ...base.reporter, name: HOSTILE },
        }),
        'urn:uuid:00000000-0000-4000-8000-0000000b0001',
      )
      for (let n = 2; n <= 5; n++) {
        for (const status of ['suspended', 'valid'] as const)
          await harness.registry.publish([
            {
              type: 'status',
              change: {
                passportId: police.id,
                status,
                byKid: harness.issuerKid,
                at: '2026-11-01T00:00:00.000Z',
              },
            },
          ])
        await harness.reportIncident(
          chatbot,
          report(n, {}),
          `urn:uuid:00000000-0000-4000-8000-0000000b000${n}`,
        )
      }
      const all = [
        ...[5, 4, 3, 2, 1].map((n) => `urn:uuid:00000000-0000-4000-8000-0000000b000${n}`),
        ...HARNESS_REPORTS,
      ]
      // The feed as partners see it: the same seven reports, in log order.
      const feed = (await (await fetch(`${harness.baseUrl}/api/v1/incidents`)).json()) as {
        items: { id: string; logIndex: number }[]
      }
      expect(feed.items.map((r) => r.id)).toEqual([...all].reverse())
      const newestFirst = [...feed.items].reverse()
      const indexOf = (n: number) => newestFirst[n]?.logIndex

      // The feed requests the page makes: each page of reports is one newest-first request, the
      // next older one `before` the oldest report shown; the others are the event stream's
      // reads of the feed after the newest report.
      const requests: string[] = []
      const { page, errors } = await openPage(
        browser,
        harness.baseUrl + '/incidents?limit=3',
        (p) =>
          p.on('request', (r) => {
            const url = new URL(r.url())
            if (url.pathname.endsWith('/api/v1/incidents')) requests.push(url.search)
          }),
      )
      const pageRequests = () => requests.filter((q) => q.includes('order=desc'))
      await expect.poll(() => status(page)).toBe('3 reports loaded, older ones can be loaded.')
      expect(await ids(page)).toEqual(all.slice(0, 3))
      expect(pageRequests()).toEqual(['?order=desc&limit=3'])

      await page.click('#older-button')
      await expect.poll(() => status(page)).toBe('6 reports loaded, older ones can be loaded.')
      expect(await ids(page)).toEqual(all.slice(0, 6))
      // The keyboard focus is on the first new report's passport link.
      expect(await page.evaluate("document.activeElement?.closest('tr')?.dataset.id")).toBe(all[3])
      expect(pageRequests()).toEqual([
        '?order=desc&limit=3',
        `?order=desc&limit=3&before=${indexOf(2)}`,
      ])

      await page.click('#older-button')
      await expect.poll(() => status(page)).toBe('7 reports loaded.')
      expect(await ids(page)).toEqual(all)
      expect(await page.locator('#older').isHidden()).toBe(true)
      expect(pageRequests()).toEqual([
        '?order=desc&limit=3',
        `?order=desc&limit=3&before=${indexOf(2)}`,
        `?order=desc&limit=3&before=${indexOf(5)}`,
      ])
      // Each row once, in log index order across the page boundaries.
      expect(await page.locator('#reports-body tr td:nth-child(1)').allInnerTexts()).toEqual(
        newestFirst.map((r) => String(r.logIndex)),
      )
      expect(requests.filter((q) => !q.includes('order=desc'))).toEqual(
        requests
          .filter((q) => !q.includes('order=desc'))
          .map(() => `?after=${indexOf(0)}&limit=100`),
      )

      // The reporter's name is text: no element was made from it, no script ran.
      const hostile = page.locator('#reports-body tr[data-id$="b0001"]')
      expect(await hostile.locator('td').last().innerText()).toBe(`${HOSTILE} (provider)`)
      expect(await page.locator('#reports-body img, #reports-body b').count()).toBe(0)
      expect(await page.evaluate('window.pwned')).toBeUndefined()
      expect(await hostile.locator('td').nth(5).innerText()).toBe('Not serious')

      // Serious only: the not-serious report is hidden, and the live region says so.
      await page.check('#serious-only')
      await expect
        .poll(() => status(page))
        .toBe('7 reports loaded. Showing the 6 about serious incidents.')
      expect(await hostile.isHidden()).toBe(true)
      await page.uncheck('#serious-only')
      await expect.poll(() => status(page)).toBe('7 reports loaded.')
      expect(await hostile.isVisible()).toBe(true)

      // A report published while the page is open comes on top when the log announces it.
      const newest = 'urn:uuid:00000000-0000-4000-8000-0000000b0006'
      await harness.reportIncident(chatbot, report(6, { status: 'closed' }), newest)
      await expect.poll(() => status(page)).toBe('1 new report. 8 reports loaded.')
      expect(await ids(page)).toEqual([newest, ...all])
      expect(await page.locator('#reports-body tr').first().locator('td').nth(6).innerText()).toBe(
        'closed',
      )
      expect(errors).toEqual([])
      await page.close()
    })
  })
}
