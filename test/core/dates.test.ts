import { describe, expect, it } from 'vitest'
import { isCalendarDate } from '../../src/core/dates.js'
import { isoDate } from '../../src/core/catalog/schema.js'

describe('isCalendarDate', () => {
  it('accepts real dates, leap days included, and years 0000-0099 as those years', () => {
    for (const d of [
      '2026-11-22',
      '2024-02-29',
      '2000-02-29',
      '0050-01-01',
      '0004-02-29',
      '9999-12-31',
    ])
      expect(isCalendarDate(d), d).toBe(true)
  })

  it('refuses dates that do not exist and other forms', () => {
    for (const d of [
      '2026-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '0050-02-29',
      '2026-1-01',
      '20261122',
      '2026-11-22T00:00:00Z',
      ' 2026-11-22',
      '',
    ])
      expect(isCalendarDate(d), d).toBe(false)
  })

  it('is the rule of the isoDate schema too', () => {
    for (const d of ['2024-02-29', '0050-01-01', '2026-02-29', '2026-13-01', 'x'])
      expect(isoDate.safeParse(d).success, d).toBe(isCalendarDate(d))
  })
})
