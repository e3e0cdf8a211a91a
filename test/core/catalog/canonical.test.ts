import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../src/core/catalog/canonical.js'

describe('canonicalJson', () => {
  it('sorts object keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    )
  })

  it('gives equal output for equal data written in different key order', () => {
    const one = JSON.parse('{"urn":"u","nodes":[{"id":"a","depth":1}],"version":1}') as unknown
    const two = JSON.parse('{"version":1,"nodes":[{"depth":1,"id":"a"}],"urn":"u"}') as unknown
    expect(canonicalJson(one)).toBe(canonicalJson(two))
  })

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([2, 1])).toBe('[2,1]')
  })

  // Examples from RFC 8785 §3.2.2.3 (numbers) and §3.2.3 (key order by UTF-16 code units).
  it('serialises numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([1e21, 1e-7, 0.000001, -0, 333333333.3333333, 4.5, 2e-3])).toBe(
      '[1e+21,1e-7,0.000001,0,333333333.3333333,4.5,0.002]',
    )
  })

  it('orders keys by UTF-16 code units, not by code points or locale (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Smiley',
      '\u0080': 'Ctl',
      '\u00f6': 'o-umlaut',
    }
    expect(canonicalJson(input)).toBe(
      '{"\\r":"CR","1":"One","\u0080":"Ctl","\u00f6":"o-umlaut","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    )
  })

  it('escapes strings as JSON.stringify does', () => {
    expect(canonicalJson('a"b\\c\n\u0001')).toBe('"a\\"b\\\\c\\n\\u0001"')
  })

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError)
    expect(() => canonicalJson({ a: Infinity })).toThrow(/finite/)
    expect(() => canonicalJson({ a: undefined })).toThrow(/undefined/)
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(/plain object/)
    expect(() => canonicalJson({ a: 1n })).toThrow(/bigint/)
  })
})
