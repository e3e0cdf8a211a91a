/**
 * ISO 3166-1 alpha-2 country codes: the 249 officially assigned codes.
 *
 * A list, not `Intl.DisplayNames` (type `region`): DisplayNames names about 280 two-letter codes
 * in Node's full ICU, among them codes that are not countries in ISO 3166-1: withdrawn ones (`SU`,
 * `YU`, `DD`, `ZR`, `AN`), exceptionally reserved ones (`UK`, `EA`, `IC`, `AC`, `TA`, `DG`,
 * `CP`, `CQ`), CLDR groupings (`EU`, `EZ`, `UN`, `QO`, `ZZ`) and user-assigned codes (`XK`,
 * `XA`, `XB`). Its answer also depends on the ICU data Node was built with. No dependency of
 * Accord carries the list, and it is short and changes rarely (last addition: `SS`, 2011), so it
 * is kept here. A test checks that DisplayNames names every code on it, which catches a typo.
 * Source: ISO 3166 Maintenance Agency, Online Browsing Platform (officially assigned codes).
 */

// prettier-ignore
export const ISO_3166_ALPHA2: readonly string[] = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS',
  'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN',
  'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE',
  'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF',
  'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM',
  'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM',
  'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC',
  'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK',
  'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA',
  'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG',
  'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS',
  'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO',
  'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
  'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
]

const ISO = new Set(ISO_3166_ALPHA2)

/**
 * The 27 member states of the European Union (Art. 52 TEU), as of 1 February 2020, by their ISO
 * codes (Greece is `GR`; EU usage writes `EL`, which the manifest and policies also accept).
 */
export const EU_MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const

/** True for an officially assigned ISO 3166-1 alpha-2 code, in capitals. */
export function isIsoCountry(code: string): boolean {
  return ISO.has(code)
}

/**
 * The ISO code someone most likely meant by `code`, or undefined. The same code in capitals
 * (`de`), EU usage's `EL` for Greece, and what CLDR (through `Intl.getCanonicalLocales`) gives as
 * the replacement of a withdrawn or reserved code: `UK` → `GB`, `SU` → `RU`, `YU` → `RS`,
 * `ZR` → `CD`. A Levenshtein guess is not offered: every two-letter code is one or two edits from
 * dozens of others, so "did you mean" would name an arbitrary country.
 */
export function suggestCountry(code: string): string | undefined {
  const up = code.trim().toUpperCase()
  if (ISO.has(up)) return up
  if (up === 'EL') return 'GR'
  if (!/^[A-Z]{2}$/.test(up)) return undefined
  try {
    const region = new Intl.Locale(Intl.getCanonicalLocales(`und-${up}`)[0] as string).region
    return region !== undefined && ISO.has(region) ? region : undefined
  } catch {
    return undefined
  }
}

/** ` (did you mean X?)`-style hint for an unknown country code, for messages and fixes. */
export function countryHint(code: string): string {
  const guess = suggestCountry(code)
  return guess !== undefined
    ? `did you mean \`${guess}\`? Use ISO 3166-1 alpha-2 codes in capitals`
    : 'use an ISO 3166-1 alpha-2 country code in capitals, such as DE, FR or US'
}
