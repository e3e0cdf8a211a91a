/**
 * Accessibility smoke checks run inside a page: our own structural checks (labels, alt text,
 * one h1, heading order, lang, unique ids, named buttons) and axe-core's WCAG 2.1 A/AA rules
 * (contrast included). axe is injected with `page.evaluate`, which the page's CSP does not
 * govern, so the CSP under test stays strict.
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

/** axe-core WCAG 2.1 A/AA violations: `rule: target...` per violation. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(`(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })
    return r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => JSON.stringify(n.target)).join(' '))
  })()`) as Promise<string[]>
}
