import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../src/core/catalog/canonical.js'

/** RFC 8785 for plain JSON, written the obvious way: the reference for the fast path. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`
}

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

  it('gives the same bytes as the reference on every catalog and mapping', () => {
    const root = path.join(import.meta.dirname, '..', '..', '..', 'catalogs')
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.json'),
    )
    expect(files.length).toBeGreaterThan(5)
    for (const f of files) {
      const json = JSON.parse(readFileSync(path.join(root, f), 'utf8')) as unknown
      expect(canonicalJson(json), f).toBe(reference(json))
    }
  })

  it('gives the same bytes as the reference where keys need care', () => {
    const values: unknown[] = [
      { b: 1, a: 2, 10: 'x', 9: 'y', '': 0 },
      JSON.parse('{"__proto__": {"b": 1, "a": 2}, "z": [{"y": 1, "x": 2}]}'),
      { a: { c: 1, b: 2 }, b: [{ d: 1, c: 2 }, 'x', [{ f: 1, e: 2 }]] },
      { a: { b: { c: { e: 1, d: 2 } } } },
      Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
      [{}, [], '', 0, false, null],
      { '1a': 1, a1: 2, '01': 3 },
    ]
    for (const v of values) expect(canonicalJson(v), JSON.stringify(v)).toBe(reference(v))
  })

  it('leaves its input unchanged', () => {
    const input = { b: [{ d: 1, c: 2 }], a: 1 }
    const before = JSON.stringify(input)
    canonicalJson(input)
    expect(JSON.stringify(input)).toBe(before)
  })
})
