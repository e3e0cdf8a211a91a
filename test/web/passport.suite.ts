/**
 * The passport page (/passports/:id) in real headless Chromium: what the page shows is checked
 * against the passport's own claims, the obligation table filters, the browser verifies the log
 * inclusion proof, and a screenshot is compared with test/golden/web/passport.png
 * (regenerate with UPDATE_GOLDENS=1 and look at the image before committing it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pixelmatch from 'pixelmatch'
import type { Browser, Page } from 'playwright-core'
import { PNG } from 'pngjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PassportClaims } from '../../src/core/passport/types.js'
import type { PassportDiff } from '../../src/core/passport/diff.js'
import { disclosedClaims } from '../../src/server/web.js'
import { CHATBOT_V2_ID, ROOT, attrs, type WebEnv, type WebHarness } from './harness.js'
import { OS_TMPDIR_ENV } from '../setup/tmp-run-dir.js'

const GOLDEN = path.join(ROOT, 'test', 'golden', 'web', 'passport.png')
/** Share of pixels allowed to differ (anti-aliasing, font hinting); a layout change is far more. */
const MAX_DIFF_RATIO = 0.005

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function passportPageTests(env: WebEnv): void {
  describe('passport page', () => {
    let harness: WebHarness
    let browser: { browser: Browser }
    let claims: PassportClaims

    beforeAll(() => {
      harness = env.harness
      browser = { browser: env.browser }
      claims = disclosedClaims<PassportClaims>(harness.passports['border-biometrics'].token)
    })

    async function open(id: string): Promise<Page> {
      const page = await browser.browser.newPage({
        viewport: { width: 1280, height: 1400 },
        deviceScaleFactor: 1,
      })
      await page.goto(`${harness.baseUrl}/passports/${encodeURIComponent(id)}`)
      await page
        .locator('#passport-root[data-ready="true"], #passport-root .error')
        .first()
        .waitFor()
      return page
    }

    it('shows the system, provider, status and classification with its citations', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      const s = claims.credentialSubject
      await expect(page.locator('h1').innerText()).resolves.toBe(
        `${s.system.name} version ${s.system.version}`,
      )
      const text = await page.locator('main').innerText()
      expect(text).toContain(s.provider.name)
      expect(text).toContain('Not revoked')
      const eu = page.locator('[data-jurisdiction="eu-ai-act"]')
      await expect(eu.locator('.category').innerText()).resolves.toBe('High-risk')
      const citations = await eu.locator('.citations li').allInnerTexts()
      expect(citations).toEqual(s.classification['eu-ai-act']?.citations)
      expect(citations).toContain('Art. 6(2)')
      await page.close()
    })

    it('says in one sentence when the high-risk obligations bind (Art. 111(2))', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      const eu = page.locator('[data-jurisdiction="eu-ai-act"]')
      // The harness classifies as of 2026-11-01, the day before the placement date: a plan.
      await expect(eu.locator('.legacy').allInnerTexts()).resolves.toEqual([
        'Art. 111(2): to be placed on the market on 2026-11-02 (planned), before 2027-12-02, the system will be a legacy system if that date holds; its high-risk obligations apply from 2030-08-02 (it is intended to be used by public authorities).',
      ])
      await expect(eu.locator('.legacy').getAttribute('data-claim')).resolves.toBe(
        'classification.eu-ai-act.legacy.highRisk',
      )
      expect(claims.credentialSubject.classification['eu-ai-act']?.legacy?.highRisk).toMatchObject({
        placedOnMarket: '2026-11-02',
        appliesFrom: '2030-08-02',
      })
      await page.close()
      // A passport with no Art. 111 status (public-chatbot) shows no such sentence.
      const chatbot = await open(harness.passports['public-chatbot'].id)
      await expect(chatbot.locator('.legacy').count()).resolves.toBe(0)
      await chatbot.close()
    })

    it('shows the Art. 111 sentence as text: markup stays text, bidi controls are visible', async () => {
      const page = await browser.browser.newPage()
      const id = harness.passports['border-biometrics'].id
      // The sentence quotes the passport (a change's version): serve a hostile one.
      await page.route('**/api/v1/ui/passports/**', async (route) => {
        const response = await route.fetch()
        const body = (await response.json()) as { legacy: { sentence: string }[] }
        body.legacy = body.legacy.map((n) => ({
          ...n,
          sentence: 'Art. 111(2): version <img src=x id=injected> \u202Egnp.exe',
        }))
        await route.fulfill({ response, json: body })
      })
      await page.goto(`${harness.baseUrl}/passports/${encodeURIComponent(id)}`)
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect(page.locator('.legacy').innerText()).resolves.toBe(
        'Art. 111(2): version <img src=x id=injected> [U+202E]gnp.exe',
      )
      await expect(page.locator('#injected').count()).resolves.toBe(0)
      await page.close()
    })

    it('says where a passport, report and result mirrored from a partner registry came from', async () => {
      const page = await browser.browser.newPage()
      const id = harness.passports['border-biometrics'].id
      const from = (index: number) => ({
        origin: 'partner.example/<b>log</b>',
        index,
        url: 'https://partner.example',
        mirroredAt: '2026-11-01T10:00:00.000Z',
      })
      // As GET /api/v1/ui/passports/:id serves statements mirrored from a partner's log.
      await page.route('**/api/v1/ui/passports/**', async (route) => {
        const response = await route.fetch()
        const body = (await response.json()) as {
          mirroredFrom?: unknown
          incidents: { reports: { mirroredFrom?: unknown }[] }[]
          evaluations: { mirroredFrom?: unknown }[]
        }
        body.mirroredFrom = from(7)
        for (const [i, r] of body.incidents.flatMap((x) => x.reports).entries())
          r.mirroredFrom = from(8 + i)
        for (const r of body.evaluations) r.mirroredFrom = from(20)
        await route.fulfill({ response, json: body })
      })
      await page.goto(`${harness.baseUrl}/passports/${encodeURIComponent(id)}`)
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect(page.locator('#mirrored-from').innerText()).resolves.toBe(
        "Mirrored from partner.example/<b>log</b> (entry 7), a partner registry's transparency log at https://partner.example, on 1 November 2026. This registry checked its signature itself.",
      )
      const text = await page.locator('main').innerText()
      expect(text).toContain('Mirrored from partner.example/<b>log</b> (entry 8)')
      expect(text).toContain('Mirrored from partner.example/<b>log</b> (entry 20)')
      await expect(page.locator('main b').count()).resolves.toBe(0)
      await page.close()
    })

    it('shows no provenance for statements published to this registry', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      await expect(page.locator('#mirrored-from').count()).resolves.toBe(0)
      expect(await page.locator('main').innerText()).not.toContain('Mirrored from')
      await page.close()
    })

    it('shows the obligation matrix per framework, filterable by status and text', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      for (const [framework, f] of Object.entries(claims.credentialSubject.obligations)) {
        const block = page.locator(`[data-framework="${framework}"]`)
        const counts = await block.locator('.counts li').allInnerTexts()
        expect(counts.slice(0, 4)).toEqual([
          `${f.met} met`,
          `${f.partial} partly met`,
          `${f.missing} missing`,
          `${f.notApplicable} not applicable`,
        ])
        await block.locator('summary').click()
        const rows = block.locator('tbody tr')
        const total = f.met + f.partial + f.missing + f.notApplicable
        await expect(rows.count()).resolves.toBe(total)
        await page.selectOption(`#filter-${framework}`, 'missing')
        const statuses = await attrs(rows, 'data-status')
        expect(statuses).toHaveLength(f.missing)
        expect(new Set(statuses)).toEqual(new Set(f.missing ? ['missing'] : []))
        await expect(block.locator('[role="status"]').innerText()).resolves.toBe(
          `Showing ${f.missing} of ${total} obligations.`,
        )
        await page.selectOption(`#filter-${framework}`, '')
      }
      // text search: "Art. 14" finds Art. 14 and its paragraphs only
      await page.fill('#find-eu-ai-act', 'art-14')
      const found = await page.locator('[data-framework="eu-ai-act"] tbody td code').allInnerTexts()
      expect(found.length).toBeGreaterThan(0)
      for (const ref of found) expect(ref).toMatch(/^eu-ai-act:art-14/)
      expect(found).toContain('eu-ai-act:art-14')
      await page.close()
    })

    it('shows the evidence commitment, the vendor commitments in plain words and endorsements', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      const e = claims.credentialSubject.evidence
      await expect(page.locator('#evidence-root').innerText()).resolves.toBe(e.merkleRoot)
      const commitments = await page.locator('#assurance li').allInnerTexts()
      expect(commitments).toContain(
        `Updates announced ${claims.credentialSubject.assurance?.updateNoticeDays} days ahead`,
      )
      expect(commitments).toContain('No remote kill switch')
      const endorsements = await page.locator('#endorsements').innerText()
      expect(endorsements).toContain('National market surveillance authority')
      expect(endorsements).toContain('Checked human oversight and accuracy at the border pilot.')
      await page.close()
    })

    it('lists the incidents reported about the passport, with the Art. 73 verdict', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      const text = await page.locator('#incidents').innerText()
      expect(text).toContain('Serious incident of')
      expect(text).toContain('wrongful detention of a traveller')
      expect(text).toContain('fundamental rights (Art. 3(49)(c))')
      expect(text).toMatch(/Member states\s+EE/)
      expect(text).toContain('On time')
      expect(text).toContain('15 days after awareness, Art. 73(2)')
      expect(text).toContain('initial report, published')
      expect(text).toContain('follow up report, published')
      await page.close()
      const other = await open(harness.passports['police-analytics'].id)
      await expect(other.locator('#incidents').innerText()).resolves.toContain(
        'No incidents reported to this registry.',
      )
      await other.close()
    })

    it('lists the evaluation results with their metrics table and whether each threshold was met', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      const section = page.locator('#evaluations')
      const text = await section.innerText()
      expect(text).toContain('Low-light FPIR protocol 2026.2')
      expect(text).toMatch(/Evaluator\s+Nordic Biometrics Test Lab \(test lab\)/)
      expect(text).toMatch(/Method\s+test suite/)
      expect(text).toMatch(/Thresholds met\s+1 of 2/)
      expect(text).toContain('misses it below 50 lux')
      const rows = section.locator('table tbody tr')
      await expect(rows.count()).resolves.toBe(2)
      const first = await rows.nth(0).innerText()
      expect(first).toContain('normal illumination')
      expect(first).toMatch(/Met\s+at most 0\.001/)
      expect(first).toContain('95%: 0.0006 to 0.001')
      expect(first).toContain('Art. 15 accuracy metric')
      expect(await rows.nth(1).innerText()).toMatch(/low illumination\s+0\.0014\s+Not met/)
      await page.close()
      const other = await open(harness.passports['police-analytics'].id)
      await expect(other.locator('#evaluations').innerText()).resolves.toContain(
        'No evaluation results published to this registry.',
      )
      await other.close()
    })

    it('verifies the log inclusion proof in the browser', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      await expect(page.locator('#inclusion').innerText()).resolves.toContain(
        'Verified inclusion proof',
      )
      const text = await page.locator('#log-inclusion').innerText()
      expect(text).toContain('#0')
      expect(text).toContain(`${harness.registry.size} entries`)
      expect(text).toContain(Buffer.from(harness.registry.root()).toString('hex'))
      await page.close()
    })

    it('shows a revoked passport as revoked, with date and reason', async () => {
      const page = await open(harness.passports['public-chatbot'].id)
      await expect(page.locator('#status-line').innerText()).resolves.toBe(
        '✗ Revoked Revoked on 1 November 2026: superseded by version 2',
      )
      await page.close()
    })

    it('shows the changes since the previous version: counts, worse, better, to review, neutral folded', async () => {
      const previous = harness.passports['public-chatbot'].id
      const api = await harness.app.inject(
        `/api/v1/passports/${encodeURIComponent(CHATBOT_V2_ID)}/changes`,
      )
      const diff = api.json() as PassportDiff
      expect(diff.old.jti).toBe(previous)
      expect(diff.counts).toEqual({ worse: 2, better: 1, review: 1, neutral: 1 })
      const page = await open(CHATBOT_V2_ID)
      const section = page.locator('#changes')
      await expect(section.locator('h2').innerText()).resolves.toBe(
        'Changes since the previous version',
      )
      await expect(section.locator('.counts li').allInnerTexts()).resolves.toEqual([
        '2 worse for the buyer',
        '1 better',
        '1 to review',
        '1 neutral',
      ])
      await expect(section.locator('h3').allInnerTexts()).resolves.toEqual([
        'Worse for the buyer (2)',
        'Better for the buyer (1)',
        'To review (1)',
      ])
      const items = (effect: string) =>
        section.locator(`ul[data-effect="${effect}"] > li`).allInnerTexts()
      await expect(items('worse')).resolves.toEqual([
        'assurance.incidentNotificationHours: hours to notify the buyer of an incident\n48 → 72',
        'assurance.remoteDisable.controlledBy: who controls remote disabling\njoint → vendor',
      ])
      await expect(items('better')).resolves.toEqual([
        'assurance.updateNoticeDays: notice before behaviour-changing updates (days)\n14 → 30',
      ])
      await expect(items('review')).resolves.toEqual([
        "assurance.auditRights.scope: audit scope changed\nAnnual audit of logs and configuration by the city's information-security officer → Annual audit of logs by an auditor the vendor appoints",
      ])
      // The neutral changes are folded away until asked for.
      const neutral = section.locator('#neutral-changes')
      await expect(neutral.locator('summary').innerText()).resolves.toBe('Neutral changes (1)')
      await expect(neutral.locator('li').first().isVisible()).resolves.toBe(false)
      await neutral.locator('summary').click()
      await expect(attrs(neutral.locator('li'), 'data-path')).resolves.toEqual(
        diff.changes.filter((c) => c.effect === 'neutral').map((c) => c.path),
      )
      await expect(neutral.locator('li').first().innerText()).resolves.toContain(
        'system.version: new version\n1.6.0 → 1.7.0',
      )
      // The link leads to the previous passport's page, which has no previous version itself.
      const link = section.locator('#previous-passport')
      await expect(link.getAttribute('href')).resolves.toBe(
        `${harness.baseUrl}/passports/${encodeURIComponent(previous)}`,
      )
      await link.click()
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect(page.locator('h1').innerText()).resolves.toBe('Harbourline Ask version 1.6.0')
      await expect(page.locator('#changes').count()).resolves.toBe(0)
      await page.close()
    })

    it('shows no changes section for the first version of a system', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      await expect(page.locator('#changes').count()).resolves.toBe(0)
      await expect(page.locator('main').innerText()).resolves.not.toContain('previous version')
      await page.close()
    })

    it('shows the changes as text: markup stays text, bidi controls are visible', async () => {
      const page = await browser.browser.newPage()
      await page.route('**/api/v1/passports/*/changes?*', async (route) => {
        const response = await route.fetch()
        const body = (await response.json()) as PassportDiff
        body.changes = body.changes.map((c) => ({
          ...c,
          path: `${c.path}<b id=injected-path>`,
          message: 'now <img src=x id=injected> \u202Egnp.exe',
          after: '<script id=injected-value>',
        }))
        body.old.version = '<i id=injected-version>1</i>'
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(body),
        })
      })
      await page.goto(`${harness.baseUrl}/passports/${encodeURIComponent(CHATBOT_V2_ID)}`)
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      const first = page.locator('#changes ul[data-effect="worse"] > li').first()
      await expect(first.innerText()).resolves.toBe(
        'assurance.incidentNotificationHours<b id=injected-path>: now <img src=x id=injected> [U+202E]gnp.exe\n48 → <script id=injected-value>',
      )
      await expect(page.locator('#changes').innerText()).resolves.toContain(
        'Compared with version <i id=injected-version>1</i> of Harbourline Ask',
      )
      await expect(page.locator('[id^="injected"]').count()).resolves.toBe(0)
      await page.close()
    })

    it('says when the changes could not be loaded, and still shows the passport', async () => {
      const page = await browser.browser.newPage()
      await page.route('**/api/v1/passports/*/changes?*', (route) =>
        route.fulfill({
          status: 503,
          json: { code: 'ERR_STORE_UNAVAILABLE', message: 'the database is not reachable' },
        }),
      )
      await page.goto(`${harness.baseUrl}/passports/${encodeURIComponent(CHATBOT_V2_ID)}`)
      await page.locator('#passport-root[data-ready="true"]').waitFor()
      await expect(page.locator('#changes .error').innerText()).resolves.toBe(
        'The changes could not be loaded: the database is not reachable',
      )
      await expect(page.locator('#classification').count()).resolves.toBe(1)
      await page.close()
    })

    it('says when a passport is not in the registry', async () => {
      const page = await open('urn:uuid:00000000-0000-4000-8000-000000000000')
      await expect(page.locator('h1').innerText()).resolves.toBe('Passport not found')
      await expect(page.locator('[role="alert"]').innerText()).resolves.toContain(
        'is not in the registry',
      )
      await page.close()
    })

    it('matches the screenshot golden', async () => {
      const page = await open(harness.passports['border-biometrics'].id)
      await page.evaluate('document.fonts.ready')
      const shot = PNG.sync.read(await page.screenshot({ animations: 'disabled' }))
      await page.close()
      if (process.env.UPDATE_GOLDENS || !existsSync(GOLDEN)) {
        if (!process.env.UPDATE_GOLDENS && process.env.CI)
          throw new Error(`${GOLDEN} is missing; run UPDATE_GOLDENS=1 npx vitest run test/web`)
        mkdirSync(path.dirname(GOLDEN), { recursive: true })
        writeFileSync(GOLDEN, PNG.sync.write(shot))
      }
      const golden = PNG.sync.read(readFileSync(GOLDEN))
      expect([shot.width, shot.height]).toEqual([golden.width, golden.height])
      const diff = new PNG({ width: golden.width, height: golden.height })
      const differing = pixelmatch(shot.data, golden.data, diff.data, golden.width, golden.height, {
        threshold: 0.1,
      })
      const ratio = differing / (golden.width * golden.height)
      if (ratio > MAX_DIFF_RATIO) {
        // Outside the run's temp directory (removed at the end): the developer looks at it after.
        const out = path.join(process.env[OS_TMPDIR_ENV] ?? tmpdir(), 'accord-web-passport')
        mkdirSync(out, { recursive: true })
        writeFileSync(path.join(out, 'actual.png'), PNG.sync.write(shot))
        writeFileSync(path.join(out, 'diff.png'), PNG.sync.write(diff))
        throw new Error(
          `the passport page differs from ${GOLDEN} in ${(ratio * 100).toFixed(2)}% of pixels; see ${out}/actual.png and diff.png, and if the change is intended run UPDATE_GOLDENS=1`,
        )
      }
      expect(ratio).toBeLessThanOrEqual(MAX_DIFF_RATIO)
    })
  })
}
