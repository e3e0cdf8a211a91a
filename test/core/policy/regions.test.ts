import { describe, expect, it } from 'vitest'
import {
  EU_MEMBER_STATES,
  expandRegion,
  normalizeRegion,
  REGION_GROUPS,
  regionWithin,
} from '../../../src/core/policy/regions.js'

describe('regions', () => {
  it('has the 27 EU member states and the EEA as EU + IS, LI, NO', () => {
    expect(new Set(EU_MEMBER_STATES).size).toBe(27)
    expect(REGION_GROUPS.EEA).toEqual([...EU_MEMBER_STATES, 'IS', 'LI', 'NO'])
    expect(EU_MEMBER_STATES).not.toContain('GB')
  })

  it('reads EL as GR and UK as GB, in any case', () => {
    expect(normalizeRegion(' el ')).toBe('GR')
    expect(normalizeRegion('uk')).toBe('GB')
    expect(expandRegion('eu')).toHaveLength(27)
  })

  it.each([
    ['EU', ['EEA'], true],
    ['EEA', ['EU'], false],
    ['EEA', ['EU', 'IS', 'LI', 'NO'], true],
    ['EL', ['GR'], true],
    ['LI', ['EU'], false],
    ['XX', ['EU'], false],
  ])('%s within %j -> %s', (region, within, ok) => {
    expect(regionWithin(region, within)).toBe(ok)
  })
})
