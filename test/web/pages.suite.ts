/**
 * Search and log pages in real headless Chromium, plus what every page must have: a strict CSP
 * (no violations logged), correct content types, and the accessibility smoke checks (labels, alt
 * text, one h1, heading order, lang, and axe-core's WCAG 2.1 AA rules, contrast included).
 */
import type { Browser } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, structuralProblems } from './a11y.js'
import { CHATBOT_V2_ID, attrs, openPage, type WebEnv, type WebHarness } from './harness.js'

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function otherPagesTests(env: WebEnv): void {
  describe('search, log and every page', () => {
    let harness: WebHarness
    let browser: { browser: Browser }

    beforeAll(() => {
      harness = env.harness
      browser = { browser: env.browser }
    })

    const open = (url: string) => openPage(browser.browser, harness.baseUrl + url)

    it('search finds passports by provider and links to their pages', async () => {
      const { page } = await open('/search')
      await page.locator('#results li').first().waitFor()
      // The three examples and the second version of public-chatbot.
      await expect(page.locator('#results li').count()).resolves.toBe(4)
      await page.fill('#provider', 'valvur')
      await page.click('#search-button')
      await expect
        .poll(() => attrs(page.locator('#results li'), 'data-id'))
        .toEqual([harness.passports['border-biometrics'].id])
      await expect(page.locator('#results-count').innerText()).resolves.toBe('1 passport found.')
      expect(new URL(page.url()).search).toBe('?provider=valvur')
      await page.locator('#results a').click()
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect(page.locator('h1').innerText()).resolves.toContain('Valvur Sentinel')
      await page.close()
    })

    it('"Show more" pages through the results and moves the keyboard focus to the first new one', async () => {
      const page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } })
      // One passport per page instead of 20, so the four published ones make four pages.
      await page.route('**/api/v1/passports?*', (route) =>
        route.continue({ url: route.request().url().replace('limit=20', 'limit=1') }),
      )
      await page.goto(harness.baseUrl + '/search')
      await expect.poll(() => page.locator('#results li').count()).toBe(1)
      for (const n of [2, 3, 4]) {
        await page.focus('#more-button')
        await page.keyboard.press('Enter')
        await expect.poll(() => page.locator('#results li').count()).toBe(n)
        // focus is on the link of the first new result, not lost with a hidden button
        await expect
          .poll(() => page.evaluate("document.activeElement?.closest('li')?.dataset.id"))
          .toBe(
            await page
              .locator('#results li')
              .nth(n - 1)
              .getAttribute('data-id'),
          )
      }
      await expect(page.locator('#more').isHidden()).resolves.toBe(true)
      await expect(page.locator('#results-count').innerText()).resolves.toBe('4 passports found.')
      await page.close()
    })

    it('search filters by status from a bookmarked URL, and says when nothing matches', async () => {
      const { page } = await open('/search?status=revoked')
      await expect
        .poll(() => attrs(page.locator('#results li'), 'data-id'))
        .toEqual([harness.passports['public-chatbot'].id])
      await expect(page.inputValue('#status')).resolves.toBe('revoked')
      await page.fill('#provider', 'nobody by this name')
      await page.click('#search-button')
      await expect
        .poll(() => page.locator('#results-count').innerText())
        .toBe('No passports match. Try fewer filters.')
      await page.close()
    })

    it('the log page shows the latest checkpoint and the recent entries', async () => {
      const { page } = await open('/log')
      await page.locator('#entries table').waitFor()
      const size = harness.registry.size
      await expect(page.locator('#checkpoint-size').innerText()).resolves.toBe(`${size} entries`)
      await expect(page.locator('#checkpoint-root').innerText()).resolves.toBe(
        Buffer.from(harness.registry.root()).toString('hex'),
      )
      const note = await page.locator('#checkpoint-note').innerText()
      expect(note).toContain('registry.example/accord/log')
      expect(note).toContain('— registry.example/accord/log ')
      const indexes = await attrs(page.locator('#entries tbody tr'), 'data-index')
      expect(indexes).toEqual(['8', '7', '6', '5', '4', '3', '2', '1', '0'])
      // Screen readers announce a short status, not the 64-hex root: the root is shown outside
      // every live region.
      const LIVE = '[role="status"], [role="alert"], [role="log"], [aria-live]'
      const live = page.locator(LIVE)
      await expect(live.count()).resolves.toBeGreaterThan(0)
      for (const text of await live.allInnerTexts()) {
        expect(text.length, text).toBeLessThanOrEqual(60)
        expect(text).not.toMatch(/[0-9a-f]{64}/i)
      }
      await expect(
        page.locator('#checkpoint-root').evaluate((el, selector) => el.closest(selector), LIVE),
      ).resolves.toBeNull()
      await expect(page.locator('#checkpoint-status').innerText()).resolves.toBe(
        `Checkpoint loaded: ${size} entries`,
      )
      const entries = await page.locator('#entries').innerText()
      expect(entries).not.toContain('does not match its payload')
      // The two incident reports about border-biometrics (harness.ts), each named as such.
      expect(entries).toMatch(/6\s+incident\s+Incident report 2 about urn:uuid:/)
      expect(entries).toMatch(/5\s+incident\s+Incident report 1 about urn:uuid:/)
      // The test lab's evaluation result about border-biometrics (harness.ts).
      expect(entries).toMatch(/7\s+evaluation\s+Evaluation result about urn:uuid:/)
      // The second version of public-chatbot (harness.ts).
      expect(entries).toMatch(new RegExp(`8\\s+passport\\s+Passport ${CHATBOT_V2_ID} published`))
      await page.close()
    })

    it('the log page names delegation entries and entries of a kind it does not know', async () => {
      // The harness log has no delegations: the entries request is answered with three made-up
      // entries (their leaf hashes do not match, which this test does not look at).
      const payloads = [
        {
          v: 1,
          kind: 'delegation',
          id: 'd1',
          issuerKid: 'ik',
          delegateKid: 'dk',
          scope: 'status',
          at: 'x',
        },
        {
          v: 1,
          kind: 'delegation-withdrawal',
          id: 'd1',
          issuerKid: 'ik',
          delegateKid: 'dk',
          at: 'x',
        },
        { v: 1, kind: 'appraisal', passportId: 'urn:uuid:p' },
      ]
      const page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } })
      await page.route('**/api/v1/log/entries?*', (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({
            entries: payloads.map((p, index) => ({
              index,
              kind: p.kind,
              payload: JSON.stringify(p),
              leafHash: '00'.repeat(32),
            })),
          }),
        }),
      )
      await page.goto(harness.baseUrl + '/log')
      await page.locator('#entries table').waitFor()
      const text = await page.locator('#entries').innerText()
      expect(text).toContain('Issuer key ik lets key dk change the status of its passports')
      expect(text).toContain('Issuer key ik withdraws the delegation to key dk')
      expect(text).toContain('An entry of kind appraisal about urn:uuid:p')
      expect(text).not.toContain('undefined')
      await page.close()
    })

    it('the log page checks consistency between two sizes in the browser', async () => {
      const { page } = await open('/log')
      await page.locator('#entries table').waitFor()
      for (const [from, to] of [
        [3, 5],
        [1, 5],
        [2, 4],
        [5, 5],
      ] as const) {
        await page.fill('#from-size', String(from))
        await page.fill('#to-size', String(to))
        await page.click('#consistency-button')
        await expect
          .poll(() => page.locator('#consistency-result').innerText())
          .toContain(`The first ${from} entries are unchanged in the tree of ${to} entries`)
        await expect(page.locator('#consistency-verdict').innerText()).resolves.toBe('✓ Consistent')
      }
      await page.fill('#from-size', '6')
      await page.click('#consistency-button')
      await expect(
        page.locator('#consistency-result [role="alert"]').innerText(),
      ).resolves.toContain('Choose whole sizes')
      await page.close()
    })

    it('the consistency check works from the keyboard and keeps the focus on its button', async () => {
      const { page } = await open('/log')
      await page.locator('#entries table').waitFor()
      await page.focus('#from-size')
      await page.keyboard.press('Control+A')
      await page.keyboard.type('2')
      await page.keyboard.press('Tab')
      await page.keyboard.press('Control+A')
      await page.keyboard.type('4')
      await page.keyboard.press('Tab')
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('consistency-button')
      await page.keyboard.press('Enter')
      await expect(page.locator('#consistency-verdict').innerText()).resolves.toBe('✓ Consistent')
      // Disabling the focused button while checking would have dropped focus to the page.
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('consistency-button')
      await page.close()
    })

    const PAGES = [
      ['/', '#policy option[value="eu-police-procurement"]'],
      ['/passports/urn%3Auuid%3A00000000-0000-4000-8000-00000000b0d1', '#inclusion'],
      ['/search', '#results li'],
      ['/incidents', '#reports-body tr'],
      ['/log', '#entries table'],
    ] as const

    for (const [url, ready] of PAGES) {
      it(`${url} passes the accessibility smoke checks with a strict CSP`, async () => {
        const response = await fetch(harness.baseUrl + url)
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
        const csp = response.headers.get('content-security-policy') ?? ''
        expect(csp).toContain("script-src 'self'")
        expect(csp).toContain("default-src 'none'")
        expect(csp).not.toContain('unsafe-inline')
        expect(response.headers.get('x-content-type-options')).toBe('nosniff')

        const { page, errors } = await open(url)
        await page.locator(ready).first().waitFor({ state: 'attached' })
        expect(await structuralProblems(page)).toEqual([])
        expect(await axeViolations(page)).toEqual([])
        expect(errors).toEqual([])
        await page.close()
      })
    }

    it('the smoke checks catch a missing label, a second h1 and low contrast', async () => {
      const { page } = await open('/search')
      await page.locator('#results li').first().waitFor()
      await page.evaluate(`(() => {
      document.querySelector('label[for="provider"]').remove()
      document.querySelector('main').append(Object.assign(document.createElement('h1'), { textContent: 'Two' }))
      document.querySelector('.lead').style.color = '#cccccc'
    })()`)
      expect(await structuralProblems(page)).toEqual([
        '2 h1 elements (want exactly one)',
        'input#provider has no label',
      ])
      const axe = await axeViolations(page)
      expect(axe.map((v) => v.split(':')[0])).toEqual(
        expect.arrayContaining(['color-contrast', 'label']),
      )
      // Each line names the rule, says what is wrong and which element it is.
      expect(axe).toContain(
        'label: Form elements must have labels (critical) at ["#provider"] ' +
          '<input id="provider" name="provider" type="search" maxlength="200">',
      )
      await page.close()
    })

    it("the browser's proof checks refuse a wrong root", async () => {
      const { page } = await open('/log')
      await page.locator('#entries table').waitFor()
      const results = await page.evaluate(`(async () => {
      const t = await import('/web/js/tlog.js')
      const { entries } = await (await fetch('/api/v1/log/entries?start=0&end=5')).json()
      const leaves = await Promise.all(entries.map((e) => t.leafHash(e.payload)))
      const root5 = await t.treeHash(leaves)
      const root3 = await t.treeHash(leaves.slice(0, 3))
      const wrong = await t.treeHash(leaves.slice(1, 4))
      const inc = await (await fetch('/api/v1/log/proof/inclusion?index=2&size=5')).json()
      const con = await (await fetch('/api/v1/log/proof/consistency?from=3&to=5')).json()
      const ip = inc.hashes.map(t.fromHex)
      const cp = con.hashes.map(t.fromHex)
      return [
        await t.verifyInclusion(2, 5, leaves[2], ip, root5),
        await t.verifyInclusion(2, 5, leaves[1], ip, root5),
        await t.verifyInclusion(2, 5, leaves[2], ip, wrong),
        await t.verifyInclusion(3, 5, leaves[2], ip, root5),
        await t.verifyConsistency(3, 5, root3, root5, cp),
        await t.verifyConsistency(3, 5, wrong, root5, cp),
        await t.verifyConsistency(3, 5, root3, wrong, cp),
        await t.verifyConsistency(3, 5, root3, root5, cp.slice(1)),
      ]
    })()`)
      expect(results).toEqual([true, false, false, false, true, false, false, false])
      await page.close()
    })

    it('serves assets with their content types and nothing outside src/web', async () => {
      const types = await Promise.all(
        ['/web/style.css', '/web/js/ui.js'].map(async (p) =>
          (await fetch(harness.baseUrl + p)).headers.get('content-type'),
        ),
      )
      expect(types).toEqual(['text/css; charset=utf-8', 'text/javascript; charset=utf-8'])
      for (const p of ['/web/../server/web.ts', '/web/%2e%2e/server/web.ts', '/web/nope.js'])
        expect((await fetch(harness.baseUrl + p)).status).toBe(404)
    })
  })
}
