import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  bidiIssues,
  bidiProblem,
  mayHoldBidiControls,
  showBidiControls,
} from '../../src/core/bidi.js'
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

  it('tells from the source text whether a YAML or JSON document can hold a control, escapes included', () => {
    expect(mayHoldBidiControls('name: Acme Ltd\nlist: [a, b]\n')).toBe(false)
    expect(mayHoldBidiControls('{"name": "Acme \\u00e9 Ltd"}')).toBe(false)
    expect(mayHoldBidiControls(`name: Acme ${RLO}Ltd`)).toBe(true)
    for (const escape of ['\\u202E', '\\u202e', '\\u2066', '\\u2069', '\\U0000202E', '\\U0000206a'])
      expect(mayHoldBidiControls(`{"name": "Acme ${escape} Ltd"}`), escape).toBe(
        !escape.endsWith('6a'),
      )
  })

  it('the fast manifest loader refuses a control written as a YAML \\U escape', async () => {
    const { fastYamlLoad } = await import('../../src/node/manifest-loader.js')
    const { parseCleanManifest } = await import('../../src/core/manifest/parse-fast.js')
    const load = await fastYamlLoad()
    const text = readFileSync(
      new URL('../../examples/public-chatbot/accord.yaml', import.meta.url),
      'utf8',
    )
    expect(load && parseCleanManifest(text, load)).toBeDefined()
    const spoofed = text.replace('  name: Harbourline Ask', '  name: "Harbourline \\U0000202EAsk"')
    expect(spoofed).not.toBe(text)
    expect(load && parseCleanManifest(spoofed, load)).toBeUndefined()
  })
})
