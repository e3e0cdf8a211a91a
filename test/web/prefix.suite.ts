/**
 * The web UI behind a reverse proxy that serves the registry under a path prefix
 * (http://host/registry/eu/..., forwarded to the registry without the prefix, as
 * test/server/prefix.test.ts does for the CLI). Every page, stylesheet, script, API call and link
 * must stay under the prefix: the proxy answers 404 outside it and records what it was asked.
 */
import { readFileSync } from 'node:fs'
import { request as httpRequest, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CHATBOT_V2_ID, attrs, openPage, type WebEnv, type WebHarness } from './harness.js'

const PREFIX = '/registry/eu'

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function prefixTests(env: WebEnv): void {
  describe('under a path prefix (reverse proxy)', () => {
    let harness: WebHarness
    let proxy: Server
    /** http://127.0.0.1:PORT/registry/eu (no trailing slash). */
    let base: string
    /** The paths (with query) the proxy was asked for since the last reset. */
    let asked: string[] = []

    beforeAll(async () => {
      harness = env.harness
      const target = new URL(harness.baseUrl)
      proxy = createServer((req, res) => {
        const url = req.url ?? '/'
        asked.push(url)
        if (!url.startsWith(`${PREFIX}/`)) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not under the prefix')
          return
        }
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: url.slice(PREFIX.length),
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          },
        )
        upstream.on('error', () => res.writeHead(502).end())
        req.pipe(upstream)
      })
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}`
    })
    afterAll(async () => {
      await new Promise((resolve) => proxy.close(resolve))
    })
    beforeEach(() => {
      asked = []
    })

    /** Opens `base + url`; collects console errors (CSP violations too) and failed responses. */
    const open = (url: string) =>
      openPage(env.browser, base + url, (page, errors) => {
        // Fail fast: on a page that fetched outside the prefix, what the test waits for never comes.
        page.setDefaultTimeout(10_000)
        page.on('response', (r) => {
          if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`)
        })
      })

    /** Every same-origin link of the page, resolved: each must be under the prefix. */
    async function linksOutsidePrefix(page: Page): Promise<string[]> {
      const hrefs = (await page.evaluate(
        `[...document.querySelectorAll('a[href], link[href], script[src], form[action]')].map((el) => el.href || el.src || el.action)`,
      )) as string[]
      const origin = new URL(base).origin
      return hrefs.filter((h) => {
        const u = new URL(h)
        return u.origin === origin && !u.pathname.startsWith(`${PREFIX}/`)
      })
    }

    const outside = () => asked.filter((u) => !u.startsWith(`${PREFIX}/`))

    const passportPath = (name: keyof WebHarness['passports']) =>
      `/passports/${encodeURIComponent(harness.passports[name].id)}`

    it('every page loads its stylesheet and scripts, and links only under the prefix', async () => {
      const pages = [
        ['/', '#policy option[value="eu-police-procurement"]'],
        [passportPath('border-biometrics'), '#passport-root[data-ready="true"]'],
        // A second version: its changes are fetched and its previous version linked under the prefix.
        [`/passports/${encodeURIComponent(CHATBOT_V2_ID)}`, '#passport-root[data-ready="true"]'],
        ['/search', '#results li'],
        ['/incidents', '#reports-body tr a'],
        ['/log', '#entries table'],
      ] as const
      for (const [url, ready] of pages) {
        const { page, errors } = await open(url)
        await page.locator(ready).first().waitFor({ state: 'attached' })
        // The stylesheet applied: the skip link is moved off screen by style.css.
        const skip = await page.locator('.skip-link').boundingBox()
        expect(skip === null || skip.y < 0 || skip.x < 0, `${url}: style.css applied`).toBe(true)
        expect(await linksOutsidePrefix(page), url).toEqual([])
        expect(errors, url).toEqual([])
        expect(outside(), url).toEqual([])
        await page.close()
      }
      expect(asked).toContain(`${PREFIX}/web/style.css`)
      expect(asked).toContain(`${PREFIX}/web/js/ui.js`)
      expect(
        asked.some((u) =>
          u.startsWith(`${PREFIX}/api/v1/passports/${encodeURIComponent(CHATBOT_V2_ID)}/changes?`),
        ),
      ).toBe(true)
    })

    it('verifies and downloads the verification report under the prefix', async () => {
      const { page, errors } = await open('/')
      await page
        .locator('#policy option[value="eu-police-procurement"]')
        .waitFor({ state: 'attached' })
      await page.fill('#passport', harness.passports['border-biometrics'].token)
      await page.selectOption('#policy', 'eu-police-procurement')
      await page.click('#verify-button')
      await page.locator('#verdict .word').waitFor()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#download-report'),
      ])
      const html = readFileSync((await download.path()) as string, 'utf8')
      expect(html).toContain('<strong>Verdict: ACCEPTED.</strong>')
      expect(asked).toContain(`${PREFIX}/api/v1/verify/report`)
      expect(errors).toEqual([])
      expect(outside()).toEqual([])
      await page.close()
    })

    it('search finds passports and links to their pages under the prefix', async () => {
      const { page, errors } = await open('/search')
      await page.locator('#results li').first().waitFor()
      await page.fill('#provider', 'valvur')
      await page.click('#search-button')
      await expect
        .poll(() => attrs(page.locator('#results li'), 'data-id'))
        .toEqual([harness.passports['border-biometrics'].id])
      const url = new URL(page.url())
      expect(url.pathname + url.search).toBe(`${PREFIX}/search?provider=valvur`)
      await page.locator('#results a').click()
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      expect(new URL(page.url()).pathname).toBe(`${PREFIX}${passportPath('border-biometrics')}`)
      await expect(page.locator('h1').innerText()).resolves.toContain('Valvur Sentinel')
      expect(errors).toEqual([])
      expect(outside()).toEqual([])
      await page.close()
    })

    it('a passport page shows its proofs, checked in the browser', async () => {
      const { page, errors } = await open(passportPath('border-biometrics'))
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect
        .poll(() => page.locator('#inclusion').innerText())
        .toContain('Verified inclusion proof')
      // Its links to the verify page (prefilled), the log and the search stay under the prefix.
      expect(await linksOutsidePrefix(page)).toEqual([])
      expect(asked).toContain(`${PREFIX}/api/v1/log/checkpoint`)
      expect(errors).toEqual([])
      expect(outside()).toEqual([])
      await page.close()
    })

    it('without JavaScript, a passport page links to its raw record under the prefix', async () => {
      const page = await env.browser.newPage({ javaScriptEnabled: false })
      page.setDefaultTimeout(10_000)
      await page.goto(base + passportPath('border-biometrics'))
      // Without scripting the <noscript> content is part of the page, its link included.
      const link = page.locator('main .note a')
      await expect(link.innerText()).resolves.toBe('in the registry API')
      expect(await linksOutsidePrefix(page)).toEqual([])
      expect(outside()).toEqual([])
      const [answer] = await Promise.all([page.waitForNavigation(), link.click()])
      expect(answer?.status()).toBe(200)
      const id = harness.passports['border-biometrics'].id
      expect(new URL(page.url()).pathname).toBe(
        `${PREFIX}/api/v1/passports/${encodeURIComponent(id)}`,
      )
      // On the JSON document (no <link rel="icon">) Chromium asks for /favicon.ico at the root.
      expect(outside().filter((u) => u !== '/favicon.ico')).toEqual([])
      await page.close()
    })

    it("the verify page checks revocation with this registry's copy of the status list", async () => {
      const { page, errors } = await open('/')
      await page.locator('#policy option[value="eu-police-procurement"]').waitFor({
        state: 'attached',
      })
      await page.fill('#passport', harness.passports['public-chatbot'].token)
      await page.selectOption('#policy', 'eu-police-procurement')
      await page.click('#verify-button')
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('REJECTED')
      expect(await attrs(page.locator('li.outcome-fail'), 'data-reason')).toContain('revoked')
      await expect(page.locator('#result-body .note').innerText()).resolves.toContain(
        "this registry's copy",
      )
      expect(asked).toContain(`${PREFIX}/api/v1/status-lists/${harness.issuerKid}`)
      expect(errors).toEqual([])
      expect(outside()).toEqual([])
      await page.close()
    })

    it("the log page links each entry's passport under the prefix", async () => {
      const { page, errors } = await open('/log')
      await page.locator('#entries table').waitFor()
      // Each entry of a passport links to its page under the prefix.
      const links = (await page.evaluate(
        `[...document.querySelectorAll('#entries a')].map((a) => a.href)`,
      )) as string[]
      expect(links.length).toBeGreaterThan(0)
      for (const l of links)
        expect(new URL(l).pathname.startsWith(`${PREFIX}/passports/`)).toBe(true)
      expect(errors).toEqual([])
      expect(outside()).toEqual([])
      await page.close()
    })
  })
}
