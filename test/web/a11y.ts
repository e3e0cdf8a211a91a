/**
 * Accessibility smoke checks run inside a page: our own structural checks (labels, alt text,
 * one h1, heading order, lang, unique ids, named buttons) and axe-core's WCAG 2.1 A/AA rules
 * (contrast included), and WCAG 2.1 reflow, which axe does not check. axe is injected with
 * `page.evaluate`, which the page's CSP does not govern, so the CSP under test stays strict.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * Structural checks, as browser source (the project compiles without the DOM library, so code
 * that runs in the page is a string).
 */
const STRUCTURAL_CHECKS = `(() => {
  const problems = []
  if (!document.documentElement.lang) problems.push('<html> has no lang')
  const h1s = document.querySelectorAll('h1')
  if (h1s.length !== 1) problems.push(h1s.length + ' h1 elements (want exactly one)')
  let last = 0
  for (const hd of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(hd.tagName.slice(1))
    if (level > last + 1)
      problems.push('heading "' + hd.textContent + '" skips from h' + last + ' to h' + level)
    last = level
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue
    const named = el.labels.length > 0 || el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')
    if (!named) problems.push(el.tagName.toLowerCase() + '#' + el.id + ' has no label')
  }
  for (const img of document.querySelectorAll('img'))
    if (!img.hasAttribute('alt')) problems.push('img ' + img.getAttribute('src') + ' has no alt')
  for (const b of document.querySelectorAll('button'))
    if (b.textContent.trim() === '' && !b.hasAttribute('aria-label'))
      problems.push('button#' + b.id + ' has no name')
  const ids = Array.from(document.querySelectorAll('[id]'), (e) => e.id)
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
    problems.push('duplicate id "' + id + '"')
  return problems
})()`

/** Structural problems of the page, as sentences; empty when none. */
export function structuralProblems(page: Page): Promise<string[]> {
  return page.evaluate(STRUCTURAL_CHECKS) as Promise<string[]>
}

/** The axe-core rule tags run: WCAG 2.0 and 2.1, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const

/**
 * axe-core WCAG 2.0/2.1 A and AA violations, one line per failing element:
 * `rule-id: help text (impact) at ["css target"] <html…>`, so a failure says what, where and why.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(`(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} },
      resultTypes: ['violations'],
    })
    return r.violations.flatMap((v) =>
      v.nodes.map((n) =>
        v.id + ': ' + v.help + ' (' + v.impact + ') at ' + JSON.stringify(n.target) + ' ' +
        n.html.replace(/\\s+/g, ' ').slice(0, 160),
      ),
    )
  })()`) as Promise<string[]>
}

/**
 * WCAG 2.1 SC 1.4.10 Reflow, which axe does not check: at a 320 CSS px wide viewport (1280 px at
 * 400% zoom) the page must not scroll sideways. Data tables may (the criterion exempts content
 * that needs two dimensions), but only inside their own scroll container, so the rest of the page
 * still reflows. Returns the elements that stick out, or [] when the page reflows.
 */
export async function reflowProblems(page: Page): Promise<string[]> {
  const size = page.viewportSize()
  if (size === null || size.width > 320)
    throw new Error('reflowProblems: set a 320 px wide viewport first')
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth
    if (document.documentElement.scrollWidth <= width) return []
    const problems = ['the page is ' + document.documentElement.scrollWidth + ' px wide at ' + width + ' px']
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.table-scroll') !== null) continue
      const box = el.getBoundingClientRect()
      // Its box, or its text when a word is too long for the box (scrollWidth), sticks out.
      const right = Math.max(box.right, box.left + el.scrollWidth)
      if (box.width === 0 || right <= width + 1) continue
      const inner = Array.from(el.children).some((c) => {
        const b = c.getBoundingClientRect()
        return Math.max(b.right, b.left + c.scrollWidth) > width + 1
      })
      if (inner) continue
      problems.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
        ' ends at ' + Math.round(right) + ' px: ' + (el.textContent || '').trim().slice(0, 60))
      if (problems.length > 10) break
    }
    return problems
  })()`) as Promise<string[]>
}
