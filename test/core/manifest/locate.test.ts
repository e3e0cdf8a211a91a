import { describe, expect, it } from 'vitest'
import { createYamlLocator, locateInYaml } from '../../../src/core/manifest/locate.js'

const TEXT = [
  'apiVersion: accord.dev/v1',
  'evidence:',
  '  - id: a',
  '    supports:',
  '      - eu-ai-act:art-9',
  '      - nist-ai-rmf:govern-1.1',
  '  - id: b',
  '    supports: [x, y]',
  '',
].join('\n')

describe('createYamlLocator', () => {
  it('gives the line and column of each path, and of the nearest ancestor when missing', () => {
    const locate = createYamlLocator(TEXT)
    expect(locate(['evidence', 0, 'supports', 1])).toEqual({ line: 6, column: 9 })
    expect(locate(['evidence', 1, 'supports', 1])).toEqual({ line: 8, column: 19 })
    expect(locate(['evidence', 1, 'title'])).toEqual({ line: 7, column: 5 })
    expect(locate([])).toEqual({ line: 1, column: 1 })
  })

  it('gives the key of a mapping entry with key: true, the value otherwise', () => {
    const locate = createYamlLocator(TEXT)
    expect(locate(['evidence'])).toEqual({ line: 3, column: 3 })
    expect(locate(['evidence'], { key: true })).toEqual({ line: 2, column: 1 })
    expect(locate(['evidence', 0, 'supports'], { key: true })).toEqual({ line: 4, column: 5 })
    // An index, or a key that is not there, is located as without the option.
    expect(locate(['evidence', 1], { key: true })).toEqual(locate(['evidence', 1]))
    expect(locate(['evidence', 1, 'title'], { key: true })).toEqual({ line: 7, column: 5 })
  })

  it('agrees with locateInYaml', () => {
    const locate = createYamlLocator(TEXT)
    for (const p of [
      ['evidence', 0, 'id'],
      ['evidence', 1],
      ['nope', 3],
    ]) {
      expect(locate(p)).toEqual(locateInYaml(TEXT, p))
    }
  })

  it('answers for text that is not well-formed YAML', () => {
    const locate = createYamlLocator('{ unclosed: [')
    expect(locate(['unclosed'])).toMatchObject({ line: 1 })
  })
})
