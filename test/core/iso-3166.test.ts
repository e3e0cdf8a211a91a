import { describe, expect, it } from 'vitest'
import { isIsoCountry, ISO_3166_ALPHA2, suggestCountry } from '../../src/core/iso-3166.js'

describe('ISO 3166-1 alpha-2', () => {
  it('lists the 249 officially assigned codes, sorted, each one ICU has a name for', () => {
    expect(ISO_3166_ALPHA2).toHaveLength(249)
    expect([...ISO_3166_ALPHA2].sort()).toEqual(ISO_3166_ALPHA2)
    expect(new Set(ISO_3166_ALPHA2).size).toBe(249)
    // A typo in the list would be a code ICU does not know (it returns the code itself).
    const names = new Intl.DisplayNames(['en'], { type: 'region' })
    expect(ISO_3166_ALPHA2.filter((c) => names.of(c) === c)).toEqual([])
  })

  it('refuses what Intl.DisplayNames would name but ISO does not assign', () => {
    for (const code of ['UK', 'EL', 'EU', 'EZ', 'UN', 'SU', 'YU', 'XK', 'ZZ', 'EA', 'XX', 'de'])
      expect(isIsoCountry(code), code).toBe(false)
    for (const code of ['GB', 'GR', 'DE', 'SS', 'AX', 'CW']) expect(isIsoCountry(code)).toBe(true)
  })

  it('suggests the current code: capitals, EU usage, withdrawn and reserved codes', () => {
    expect(suggestCountry('de')).toBe('DE')
    expect(suggestCountry('EL')).toBe('GR')
    expect(suggestCountry('UK')).toBe('GB')
    expect(suggestCountry('SU')).toBe('RU')
    expect(suggestCountry('ZR')).toBe('CD')
    expect(suggestCountry('XX')).toBeUndefined()
    expect(suggestCountry('EU')).toBeUndefined()
    expect(suggestCountry('1!')).toBeUndefined()
  })
})
