import { describe, expect, it } from 'vitest'
import { bidiIssues, bidiProblem, showBidiControls } from '../../src/core/bidi.js'
import { md } from '../../src/core/documents/markdown.js'
import { escapeHtml } from '../../src/core/documents/html.js'
// @ts-expect-error -- the registry pages are plain browser JavaScript, without type declarations
import { showBidiControls as showInBrowser } from '../../src/web/js/ui.js'

const RLO = '\u202E'
const RLI = '\u2067'
const PDI = '\u2069'

describe('bidi controls (Trojan Source)', () => {
  it('refuses embeddings and overrides, and unbalanced isolates', () => {
    expect(bidiProblem(`Acme ${RLO}evil`)).toMatchObject({ index: 5, char: RLO })
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D'])
      expect(bidiProblem(`a${c}b`)?.index).toBe(1)
    expect(bidiProblem(`Acme ${RLI}Ltd`)).toMatchObject({
      index: 5,
      why: expect.stringContaining('not closed'),
    })
    expect(bidiProblem(`Acme ${PDI}Ltd`)).toMatchObject({ index: 5, why: 'it closes no isolate' })
    expect(bidiProblem(`${RLI}a${PDI}${PDI}`)?.index).toBe(3)
  })

  it('keeps Arabic and Hebrew text, marks and balanced isolates', () => {
    for (const text of [
      'شركة الأمل للبرمجيات',
      'חברת תוכנה בע"מ',
      'Acme \u200Fشركة\u200E Ltd',
      `Product ${RLI}מוצר 2${PDI} v2`,
      '\u061C',
      'plain',
    ])
      expect(bidiProblem(text), text).toBeUndefined()
  })

  it('names the path of every string or key that holds one', () => {
    expect(
      bidiIssues({ a: ['ok', `x${RLO}`], [`k${RLO}`]: 1, n: 5, b: { c: `${RLI}` } }, ['root']),
    ).toEqual([
      expect.objectContaining({ code: 'bidi_control', path: ['root', 'a', 1] }),
      expect.objectContaining({ code: 'bidi_control', path: ['root', `k${RLO}`] }),
      expect.objectContaining({ code: 'bidi_control', path: ['root', 'b', 'c'] }),
    ])
  })

  it('renderers show unchecked controls instead of applying them', () => {
    expect(showBidiControls(`Acme ${RLO}evil`)).toBe('Acme [U+202E]evil')
    expect(md(`Acme ${RLO}evil`)).toBe('Acme \\[U+202E\\]evil')
    expect(escapeHtml(`<${RLI}>`)).toBe('&lt;[U+2067]&gt;')
    expect(showInBrowser(`Acme ${RLO}evil ${PDI}\u200F`)).toBe('Acme [U+202E]evil [U+2069]\u200F')
  })
})
