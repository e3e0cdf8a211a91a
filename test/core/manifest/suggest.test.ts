import { describe, expect, it } from 'vitest'
import { Manifest } from '../../../src/core/manifest/schema.js'
import {
  allowedKeys,
  describeExpected,
  findKeyHomes,
  suggestClosest,
} from '../../../src/core/manifest/suggest.js'

describe('suggestClosest', () => {
  const keys = ['name', 'version', 'intendedPurpose', 'description', 'placedOnMarket']

  it('suggests the nearest key for a typo', () => {
    expect(suggestClosest('intendedPurpse', keys)).toBe('intendedPurpose')
    expect(suggestClosest('verison', keys)).toBe('version')
    expect(suggestClosest('descripton', keys)).toBe('description')
  })

  it('prefers a case-insensitive exact match', () => {
    expect(suggestClosest('IntendedPurpose', keys)).toBe('intendedPurpose')
    expect(suggestClosest('Provider', ['provider', 'deployer'])).toBe('provider')
  })

  it('suggests nothing for unrelated words', () => {
    expect(suggestClosest('foo', keys)).toBeUndefined()
    expect(suggestClosest('zzzzzzzz', keys)).toBeUndefined()
    expect(suggestClosest('x', [])).toBeUndefined()
  })

  it('accepts a word contained in a candidate', () => {
    expect(suggestClosest('oversight', ['humanOversight', 'logging'])).toBe('humanOversight')
  })
})

describe('schema walking', () => {
  it('lists the keys allowed at a path, through optional, default and array wrappers', () => {
    expect(allowedKeys(Manifest, ['system']).slice(0, 3)).toEqual(['name', 'version', 'reference'])
    expect(allowedKeys(Manifest, ['evidence', 0])).toContain('supports')
    expect(allowedKeys(Manifest, ['classification', 'biometrics'])).toContain('realTime')
    expect(allowedKeys(Manifest, ['classification', 'safetyComponent'])).toContain('legislation')
    expect(allowedKeys(Manifest, ['humanOversight'])).toContain('measures')
    expect(allowedKeys(Manifest, [])).toContain('apiVersion')
  })

  it('returns [] for paths that are not objects', () => {
    expect(allowedKeys(Manifest, ['roles'])).toEqual([])
    expect(allowedKeys(Manifest, ['nope'])).toEqual([])
    expect(allowedKeys(Manifest, ['system', 'name', 'x'])).toEqual([])
  })

  it('finds where a key belongs', () => {
    expect(findKeyHomes(Manifest, 'intendedPurpose')).toEqual(['system'])
    expect(findKeyHomes(Manifest, 'realTime')).toEqual(['classification.biometrics'])
    expect(findKeyHomes(Manifest, 'apiVersion')).toEqual([''])
    expect(findKeyHomes(Manifest, 'supports')).toEqual(['evidence[]'])
    expect(findKeyHomes(Manifest, 'nothing-like-this')).toEqual([])
  })

  it('describes the expected value of a field', () => {
    expect(describeExpected(Manifest, ['system', 'version'])).toBe('a string')
    expect(describeExpected(Manifest, ['deployment', 'publicBody'])).toBe('true or false')
    expect(describeExpected(Manifest, ['roles'])).toBe('a list')
    expect(describeExpected(Manifest, ['provider'])).toBe('a mapping')
    expect(describeExpected(Manifest, ['apiVersion'])).toBe('"accord.dev/v1"')
    expect(describeExpected(Manifest, ['risk'])).toBe('a value')
  })
})
