/**
 * The Verify page (/) in real headless Chromium: a valid passport is ACCEPTED, a tampered or
 * revoked one REJECTED with its reasons, files can be uploaded, the chosen policy is explained rule
 * by rule ("What this policy requires"), and the verify button is reachable with the keyboard alone.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  NOW,
  attrs,
  policyWithWarnings,
  uploadPolicy,
  type WebEnv,
  type WebHarness,
} from './harness.js'

/** Registers the tests; `env` is filled in by web.test.ts before they run. */
export function verifyPageTests(env: WebEnv): void {
  describe('verify page', () => {
    let harness: WebHarness
    let browser: { browser: Browser }
    let page: Page

    beforeAll(() => {
      harness = env.harness
      browser = { browser: env.browser }
    })
    beforeEach(async () => {
      page = await browser.browser.newPage({ viewport: { width: 1280, height: 900 } })
      await page.goto(harness.baseUrl + '/')
      await page
        .locator('#policy option[value="eu-police-procurement"]')
        .waitFor({ state: 'attached' })
    })

    async function verify(passport: string, policy: string): Promise<string> {
      await page.fill('#passport', passport)
      await page.selectOption('#policy', policy)
      await page.click('#verify-button')
      const banner = page.locator('#verdict .word')
      await banner.waitFor()
      return banner.innerText()
    }

    it('accepts border-biometrics under the EU police procurement policy', async () => {
      const word = await verify(
        harness.passports['border-biometrics'].token,
        'eu-police-procurement',
      )
      expect(word).toBe('ACCEPTED')
      await expect(page.locator('#verdict').getAttribute('class')).resolves.toContain(
        'verdict-accepted',
      )
      // the groups and a plain sentence per check, with the reason code
      const groups = await attrs(page.locator('.check-group'), 'data-group')
      expect(groups).toEqual(['cryptography', 'status', 'policy'])
      const signature = page.locator('li[data-check="signature"]')
      await expect(signature.innerText()).resolves.toMatch(/Issuer's signature: Passed\./)
      await expect(signature.innerText()).resolves.toContain('Reason code: ok')
      // revocation was checked with the registry's copy of the status list
      await expect(page.locator('li[data-check="status"]').getAttribute('class')).resolves.toBe(
        'outcome-pass',
      )
      await expect(page.locator('#result-body .note').innerText()).resolves.toContain(
        "this registry's copy",
      )
      // what the passport says about Art. 111: its high-risk obligations bind from 2030
      await expect(page.locator('#result-body .legacy').innerText()).resolves.toMatch(
        /^Art\. 111\(2\): .* its high-risk obligations apply from 2030-08-02/,
      )
      await expect(page.locator('#result-body .legacy').getAttribute('data-claim')).resolves.toBe(
        'classification.eu-ai-act.legacy.highRisk',
      )
      await page.close()
    })

    it('downloads the verification report of the verification shown (HTML, from the server)', async () => {
      const word = await verify(harness.passports['public-chatbot'].token, 'eu-police-procurement')
      expect(word).toBe('REJECTED')
      const shown = await attrs(page.locator('li[data-check]'), 'data-check')
      const button = page.getByRole('button', { name: 'Download report (HTML)' })
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
      expect(download.suggestedFilename()).toBe('passport-verification-report.html')
      const html = readFileSync((await download.path()) as string, 'utf8')
      expect(html).toContain('<strong>Verdict: REJECTED.</strong>')
      expect(html).toContain('<title>Passport verification report: ')
      // The same verification: as of its time, with every check the page shows, in order.
      expect(html).toContain(
        `Verified at</th>\n<td>${new Date(NOW * 1000).toISOString().replace('.000Z', 'Z')} `,
      )
      const rows = [...html.matchAll(/<tr>\n<td>\d+<\/td>\n<td>(.*)<\/td>/g)].map((m) =>
        (m[1] ?? '').replace(/&amp;/g, '&'),
      )
      expect(rows).toEqual(shown)
      await expect(page.locator('#report-status').innerText()).resolves.toContain('downloaded')
      await page.close()
    })

    it('rejects a tampered passport and says why', async () => {
      const token = harness.passports['border-biometrics'].token
      const [jwt, ...rest] = token.split('~')
      const [header, payload, signature] = (jwt as string).split('.') as [string, string, string]
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      claims.credentialSubject.system.version = '9.9.9'
      const forged = [
        `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`,
        ...rest,
      ].join('~')
      expect(await verify(forged, 'eu-police-procurement')).toBe('REJECTED')
      await expect(page.locator('#verdict').getAttribute('class')).resolves.toContain(
        'verdict-rejected',
      )
      await expect(page.locator('#verdict').innerText()).resolves.toMatch(/check failed/)
      const failed = page.locator('li.outcome-fail')
      await expect(failed.first().getAttribute('data-reason')).resolves.toBe('signature-invalid')
      await expect(failed.first().innerText()).resolves.toContain('Reason code: signature-invalid')
      await page.close()
    })

    it('rejects the revoked public-chatbot passport with revoked and policy-category', async () => {
      expect(await verify(harness.passports['public-chatbot'].token, 'eu-police-procurement')).toBe(
        'REJECTED',
      )
      const reasons = await attrs(page.locator('li.outcome-fail'), 'data-reason')
      expect(reasons).toContain('revoked')
      expect(reasons).toContain('policy-category')
      await page.close()
    })

    it('takes an uploaded passport and an uploaded policy with inline keys', async () => {
      const token = harness.passports['border-biometrics'].token
      await page.setInputFiles('#passport-file', {
        name: 'border.sd-jwt',
        mimeType: 'text/plain',
        buffer: Buffer.from(token + '\n'),
      })
      await expect.poll(() => page.inputValue('#passport')).toBe(token)
      const issuerJwk = readFileSync(
        path.join(harness.policiesDir, '..', 'keys', 'issuer.public.jwk.json'),
        'utf8',
      )
      const yaml = readFileSync(
        path.join(harness.policiesDir, 'eu-police-procurement.yaml'),
        'utf8',
      )
        .replace('name: EU member-state police procurement (example)', 'name: My uploaded policy')
        .replace('jwks: ../keys/issuer.public.jwk.json', `jwk: ${issuerJwk.replace(/\n\s*/g, ' ')}`)
      await page.selectOption('#policy', '__custom')
      await expect(page.locator('#policy-file').isVisible()).resolves.toBe(true)
      await uploadPolicy(page, yaml)
      await page.click('#verify-button')
      await page.locator('#verdict').waitFor()
      const text = await page.locator('#verdict').innerText()
      expect(text).toContain('ACCEPTED')
      expect(text).toContain('My uploaded policy')
      await page.close()
    })

    it("shows the registry's serious-incident reports, and a policy limiting them rejects", async () => {
      const { token } = harness.passports['border-biometrics']
      // A bundled policy without an incidents rule: the incidents are shown, the verdict stands.
      expect(await verify(token, 'eu-police-procurement')).toBe('ACCEPTED')
      const section = page.locator('#incidents')
      await expect(section.locator('h2').innerText()).resolves.toBe(
        'Serious incidents (EU AI Act Art. 73)',
      )
      await expect(section.locator('.incidents-from').innerText()).resolves.toMatch(
        /^From this registry's stored reports for passport urn:uuid:\S+: 1 incident\./,
      )
      const item = section.locator('li[data-incident]')
      await expect(item.count()).resolves.toBe(1)
      await expect(item.getAttribute('data-counted')).resolves.toBe('true')
      await expect(item.innerText()).resolves.toMatch(
        /^Open, serious \(fundamental-rights\): follow-up report 2 by Valvur Biometrics OÜ \(provider\); Art\. 73 deadline \S+ \(Art\. 73\(2\)\): authority notified on time\. Counted: reported by the passport's issuer/,
      )

      // The same policy, uploaded with a limit of no open serious incident: rejected.
      const issuerJwk = readFileSync(
        path.join(harness.policiesDir, '..', 'keys', 'issuer.public.jwk.json'),
        'utf8',
      )
      const yaml = readFileSync(
        path.join(harness.policiesDir, 'eu-police-procurement.yaml'),
        'utf8',
      )
        .replace('jwks: ../keys/issuer.public.jwk.json', `jwk: ${issuerJwk.replace(/\n\s*/g, ' ')}`)
        .replace('  status: required', '  status: required\n  incidents: { maxOpenSerious: 0 }')
      await page.selectOption('#policy', '__custom')
      await uploadPolicy(page, yaml)
      await page.click('#verify-button')
      // The earlier verdict stays until the new one replaces it.
      await expect.poll(() => page.locator('#verdict .word').innerText()).toBe('REJECTED')
      const failed = page.locator('li.outcome-fail[data-check="policy:incidents:open-serious"]')
      await expect(failed.getAttribute('data-reason')).resolves.toBe('incident-open-serious')
      await expect(failed.innerText()).resolves.toMatch(/^✗ Open serious incidents: Failed\./)
      await page.close()
    })

    it("shows the policy's warnings under the verdict, as text, and nothing without them", async () => {
      const { token } = harness.passports['border-biometrics']
      const section = page.locator('#verify-policy-warnings')
      const count = page.locator('#verdict-status .warning-count')

      // The bundled policy has no warning: no section, no sentence, the body starts as before.
      expect(await verify(token, 'eu-police-procurement')).toBe('ACCEPTED')
      await expect(section.count()).resolves.toBe(0)
      await expect(count.count()).resolves.toBe(0)
      await expect(page.locator('#result-body [data-warning]').count()).resolves.toBe(0)
      await expect(page.locator('#verdict').innerText()).resolves.not.toMatch(/warning/i)

      // The same policy uploaded with two warnings: the same verdict, and the warnings.
      await page.selectOption('#policy', '__custom')
      await uploadPolicy(page, policyWithWarnings(harness))
      await page.click('#verify-button')
      await section.waitFor()
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('ACCEPTED')
      // Announced with the verdict (the status region), in words.
      await expect(count.innerText()).resolves.toBe('Your policy has 2 warnings, listed below.')
      // A heading and a list, right under the verdict, before the passport's details.
      await expect(page.locator('#result-body > :first-child').getAttribute('id')).resolves.toBe(
        'verify-policy-warnings',
      )
      await expect(section.getAttribute('aria-labelledby')).resolves.toBe(
        'verify-policy-warnings-heading',
      )
      await expect(section.locator('h2').innerText()).resolves.toBe('Warnings about your policy')
      const items = section.locator('ul.policy-warnings > li')
      await expect(attrs(items, 'data-warning')).resolves.toEqual([
        'duplicate_obligation',
        'recognition_unused',
      ])
      await expect(items.nth(0).innerText()).resolves.toMatch(
        /^Warning \(line \d+, column \d+\): eu-ai-act:art-9 is listed twice in obligationsMet\s+What to do: remove the second entry\.\s+Code: duplicate_obligation$/,
      )
      await expect(items.nth(1).innerText()).resolves.toMatch(
        /^Warning \(line \d+, column \d+\): recognition rule 3 makes evidence count as eu-ai-act:art-15\.5, which is not in requirements\.obligationsMet/,
      )

      // The server's texts are shown as text: markup in a warning makes no element.
      await page.route('**/api/v1/verify', async (route) => {
        const response = await route.fetch()
        const json = await response.json()
        json.policyWarnings = [
          {
            code: '<b id=injected-code>x</b>',
            message: '<img src=x id=injected-message>',
            hint: '<i id=injected-hint>h</i>',
          },
        ]
        await route.fulfill({ response, json })
      })
      await page.click('#verify-button')
      await expect.poll(() => count.innerText()).toBe('Your policy has 1 warning, listed below.')
      await expect(items.innerText()).resolves.toBe(
        'Warning: <img src=x id=injected-message>\nWhat to do: <i id=injected-hint>h</i>.\nCode: <b id=injected-code>x</b>',
      )
      await expect(
        page.locator('#injected-code, #injected-message, #injected-hint').count(),
      ).resolves.toBe(0)
      await page.unroute('**/api/v1/verify')

      // Back to the bundled policy: the warnings of the earlier result are gone.
      await page.selectOption('#policy', 'eu-police-procurement')
      await page.click('#verify-button')
      await expect.poll(() => section.count()).toBe(0)
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('ACCEPTED')
      await expect(count.count()).resolves.toBe(0)
      await page.close()
    })

    it('shows what the chosen policy requires, following the choice and the uploaded file', async () => {
      const section = page.locator('#policy-explained')
      const rules = page.locator('#policy-rules li')
      const status = page.locator('#policy-explained-status')
      const ruleIds = () => attrs(rules, 'data-rule')
      await expect(section.locator('h2').innerText()).resolves.toBe('What this policy requires')
      await page.selectOption('#policy', 'eu-police-procurement')
      await expect
        .poll(() => status.innerText())
        .toMatch(/^“EU member-state police procurement \(example\)”: \d+ rules, in the order/)
      const category = page.locator('#policy-rules li[data-rule="policy:category:eu-ai-act"]')
      await expect(category.innerText()).resolves.toMatch(
        /^The system must be classified under the EU AI Act as: high-risk; /,
      )
      const police = await ruleIds()
      expect(police.slice(0, 3)).toEqual([
        'trust:issuer:1',
        'trust:assessor:1',
        'policy:jurisdiction:eu-ai-act',
      ])
      await expect(status.getAttribute('role')).resolves.toBe('status')
      await expect(page.locator('#policy-rules').getAttribute('aria-busy')).resolves.toBe('false')

      // Another policy: its own rules replace the list.
      await page.selectOption('#policy', 'us-federal-agency')
      await expect.poll(() => status.innerText()).toContain('US federal agency')
      const federal = await ruleIds()
      expect(federal).not.toEqual(police)
      expect(federal).toContain('policy:framework:nist-ai-rmf')

      // Own policy: nothing until a file is chosen, then that file's rules. Markup in its name,
      // description and a trusted party's name is shown as text, never made into elements.
      await page.selectOption('#policy', '__custom')
      await expect
        .poll(() => status.innerText())
        .toBe('Choose your policy file to see what it requires.')
      await expect(rules.count()).resolves.toBe(0)
      const issuerJwk = readFileSync(
        path.join(harness.policiesDir, '..', 'keys', 'issuer.public.jwk.json'),
        'utf8',
      ).replace(/\n\s*/g, ' ')
      const yaml = [
        'apiVersion: accord.dev/v1',
        'kind: AcceptancePolicy',
        'name: <img src=x id=injected-name>',
        'description: <b id=injected-description>bold?</b>',
        'trust:',
        '  issuers:',
        '    - name: <i id=injected-party>Vendor</i>',
        `      jwk: ${issuerJwk}`,
        'requirements:',
        '  jurisdictions: [eu-ai-act]',
        '  categories: { eu-ai-act: [transparency, minimal] }',
      ].join('\n')
      await uploadPolicy(page, yaml)
      await expect
        .poll(() => status.innerText())
        .toBe('“<img src=x id=injected-name>”: 3 rules, in the order a verifier checks them.')
      await expect(ruleIds()).resolves.toEqual([
        'trust:issuer:1',
        'policy:jurisdiction:eu-ai-act',
        'policy:category:eu-ai-act',
      ])
      await expect(rules.first().innerText()).resolves.toMatch(
        /^Accepts passports signed by: <i id=injected-party>Vendor<\/i> \(key /,
      )
      await expect(category.innerText()).resolves.toMatch(/as: transparency or minimal;/)
      await expect(page.locator('#policy-explained-description').innerText()).resolves.toBe(
        '<b id=injected-description>bold?</b>',
      )
      await expect(
        page.locator('#injected-name, #injected-description, #injected-party').count(),
      ).resolves.toBe(0)

      // A file the registry cannot read: the error is announced (alert), the old list is gone.
      await uploadPolicy(page, 'name: [not closed\n', 'broken.yaml')
      const error = page.locator('#policy-explained-error')
      await expect
        .poll(() => error.innerText())
        .toMatch(
          /^The registry cannot read this policy: the policy is invalid: line \d+, column \d+: /,
        )
      await expect(error.getAttribute('role')).resolves.toBe('alert')
      await expect(rules.count()).resolves.toBe(0)
      await page.close()
    })

    it('opens prefilled from a passport page link (?passport=&policy=)', async () => {
      const { id, token } = harness.passports['border-biometrics']
      await page.goto(
        `${harness.baseUrl}/?passport=${encodeURIComponent(id)}&policy=us-federal-agency`,
      )
      await expect.poll(() => page.inputValue('#passport')).toBe(token)
      await expect.poll(() => page.inputValue('#policy')).toBe('us-federal-agency')
      await page.click('#verify-button')
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('REJECTED')
      const reasons = await attrs(page.locator('li.outcome-fail'), 'data-reason')
      expect(reasons).toContain('policy-assurance')
      await expect(page.locator('#problems').innerText()).resolves.toContain(
        'Reasons for rejection',
      )
      await page.close()
    })

    it('explains a missing passport instead of calling the API', async () => {
      await page.click('#verify-button')
      const alert = page.locator('#form-error')
      await alert.waitFor()
      await expect(alert.innerText()).resolves.toContain('Paste a passport')
      await expect(alert.getAttribute('role')).resolves.toBe('alert')
      await page.close()
    })

    /** The focused element: its id (or tag) and whether its focus is visible (a 2 px+ outline). */
    async function focused(): Promise<{ id: string; outline: boolean }> {
      return (await page.evaluate(`(() => {
        const e = document.activeElement
        const s = getComputedStyle(e)
        return {
          id: e.id || e.tagName.toLowerCase(),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        }
      })()`)) as { id: string; outline: boolean }
    }

    it('is usable with the keyboard alone, and announces the verdict in a status region', async () => {
      // Waiting for the file chooser turns on its interception in the browser; started here, long
      // before the key press that opens it, so that the press cannot come first (once, in a full
      // test run, the chooser event never came and the test timed out).
      const chooser = page.waitForEvent('filechooser', { timeout: 20_000 })
      // The skip link is the first stop and moves focus to the main content.
      await page.keyboard.press('Tab')
      await expect(page.evaluate('document.activeElement.className')).resolves.toBe('skip-link')
      await page.keyboard.press('Enter')
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('main')
      // Then every control of the form, in reading order, each with a visible focus.
      const stops: { id: string; outline: boolean }[] = []
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab')
        stops.push(await focused())
      }
      expect(stops).toEqual(
        ['passport', 'passport-file', 'policy', 'status-url', 'verify-button'].map((id) => ({
          id,
          outline: true,
        })),
      )
      // Upload the passport: Space on the file input opens the file chooser.
      await page.keyboard.press('Shift+Tab')
      await page.keyboard.press('Shift+Tab')
      await page.keyboard.press('Shift+Tab')
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('passport-file')
      await page.keyboard.press('Space')
      await (
        await chooser
      ).setFiles({
        name: 'chatbot.sd-jwt',
        mimeType: 'text/plain',
        buffer: Buffer.from(harness.passports['public-chatbot'].token),
      })
      await expect
        .poll(() => page.inputValue('#passport'))
        .toBe(harness.passports['public-chatbot'].token)
      // Pick the policy with the arrow keys; its description is read out (aria-live).
      await page.keyboard.press('Tab')
      for (let i = 0; i < 5 && (await page.inputValue('#policy')) !== 'eu-police-procurement'; i++)
        await page.keyboard.press('ArrowDown')
      await expect(page.inputValue('#policy')).resolves.toBe('eu-police-procurement')
      await expect(page.locator('#policy-description').innerText()).resolves.not.toBe('')
      // The live regions present before verifying (a region added later is not announced).
      await page.evaluate(`document.querySelectorAll('[role="status"], [role="alert"], [aria-live]')
        .forEach((e) => { e.dataset.liveBefore = 'yes' })`)
      await page.keyboard.press('Tab')
      await page.keyboard.press('Tab')
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('verify-button')
      await page.keyboard.press('Space')
      await page.locator('#verdict .word').waitFor({ timeout: 20_000 })
      await expect(page.locator('#verdict .word').innerText()).resolves.toBe('REJECTED')

      // A screen reader hears the verdict: the banner is in a status region that was there
      // before, and that region holds the verdict only, not the list of every check after it.
      const region = (await page.evaluate(`(() => {
        const r = document.getElementById('verdict').closest('[role="status"], [role="alert"], [aria-live]')
        return r && {
          role: r.getAttribute('role'),
          live: r.getAttribute('aria-live'),
          before: r.dataset.liveBefore === 'yes',
          // What is read out: the text without what is hidden from assistive technology.
          text: (() => {
            const copy = r.cloneNode(true)
            copy.querySelectorAll('[aria-hidden="true"]').forEach((e) => e.remove())
            return copy.textContent.replace(/\\s+/g, ' ').trim()
          })(),
        }
      })()`)) as { role: string | null; live: string | null; before: boolean; text: string } | null
      const failed = await page.locator('li.outcome-fail').count()
      expect(failed).toBeGreaterThan(1)
      expect(region).toEqual({
        role: 'status',
        live: null,
        before: true,
        text: expect.stringMatching(
          new RegExp(
            `^REJECTED ?Do not accept this passport: ${failed} checks failed\\. The reasons are below\\.$`,
          ),
        ),
      })
      // Focus stays on the button, so the next Tab goes on from there.
      await expect(page.evaluate('document.activeElement.id')).resolves.toBe('verify-button')
      await page.close()
    })

    it('reaches the verify button with the keyboard alone, with a visible focus', async () => {
      let reached = false
      for (let i = 0; i < 20 && !reached; i++) {
        await page.keyboard.press('Tab')
        reached = (await page.evaluate('document.activeElement?.id')) === 'verify-button'
      }
      expect(reached).toBe(true)
      const outline = (await page.evaluate(`(() => {
      const s = getComputedStyle(document.activeElement)
      return { style: s.outlineStyle, width: s.outlineWidth }
    })()`)) as { style: string; width: string }
      expect(outline.style).not.toBe('none')
      expect(parseFloat(outline.width)).toBeGreaterThanOrEqual(2)
      // Enter submits: the form's own check answers
      await page.keyboard.press('Enter')
      await expect(page.locator('#form-error').innerText()).resolves.toContain('Paste a passport')
      await page.close()
    })
  })
}
