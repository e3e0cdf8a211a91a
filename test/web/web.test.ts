/**
 * The web UI end to end in Debian's headless Chromium: ONE registry server and ONE browser for
 * all suites (starting them is most of the time), then the suites in *.suite.ts:
 * the verify page, the passport page (with its screenshot golden), search, log, incidents and the
 * accessibility and CSP checks of every page, all of it behind a proxy under a path prefix, and
 * WCAG 2.1 AA (axe-core, reflow, keyboard) of every page state and of the generated documents.
 * See docs/web.md.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { accessibilityTests } from './a11y.suite.js'
import { incidentsPageTests } from './incidents.suite.js'
import { chromiumAvailable, launchBrowser, startWebHarness, type WebEnv } from './harness.js'
import { otherPagesTests } from './pages.suite.js'
import { passportPageTests } from './passport.suite.js'
import { prefixTests } from './prefix.suite.js'
import { verifyPageTests } from './verify.suite.js'

const run = chromiumAvailable()

describe.skipIf(!run)('web UI (Chromium)', () => {
  const env = {} as WebEnv
  let closeBrowser: (() => Promise<void>) | undefined

  beforeAll(async () => {
    const [harness, browser] = await Promise.all([startWebHarness(), launchBrowser()])
    env.harness = harness
    env.browser = browser.browser
    closeBrowser = browser.close
  }, 60_000)
  afterAll(async () => {
    await closeBrowser?.()
    await env.harness?.close()
  })

  verifyPageTests(env)
  passportPageTests(env)
  otherPagesTests(env)
  prefixTests(env)
  accessibilityTests(env)
  // Last: it publishes more incident reports.
  incidentsPageTests(env)
})
