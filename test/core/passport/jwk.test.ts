import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import {
  algForJwk,
  buildJwks,
  checkAlgMatchesKey,
  jwkThumbprint,
  MAX_JWKS_KEYS,
  parsePrivateJwk,
  parsePublicJwk,
  parsePublicKeys,
  toPublicJwk,
} from '../../../src/core/passport/jwk.js'

/** RFC 8037 Appendix A.1 (Ed25519) and A.3 (its thumbprint). */
const ED = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
}
const ED_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
const ED_PUB = { kty: ED.kty, crv: ED.crv, x: ED.x }

/** RFC 7515 Appendix A.3 (ES256). */
const EC = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  d: 'jpsQnnGQmL-YBIffH1136cLyZYd2ggIStuDp8UtbMf4',
}
const EC_PUB = { kty: EC.kty, crv: EC.crv, x: EC.x, y: EC.y }

/** RFC 7638 §3 by hand: SHA-256 over the required members in lexicographic order, no spaces. */
function manualThumbprint(members: Record<string, string>): string {
  const keys = Object.keys(members).sort()
  const json =
    '{' + keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(members[k])}`).join(',') + '}'
  return createHash('sha256').update(json).digest('base64url')
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(AccordError)
    return (err as AccordError).code
  }
  throw new Error('expected a rejection')
}

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a rejection')
}

describe('jwkThumbprint', () => {
  it('equals the RFC 8037 A.3 thumbprint for the A.1 key', async () => {
    expect(await jwkThumbprint(ED_PUB)).toBe(ED_THUMBPRINT)
    expect(manualThumbprint({ crv: ED.crv, kty: ED.kty, x: ED.x })).toBe(ED_THUMBPRINT)
  })

  it('for P-256 equals RFC 7638 computed by hand, ignoring kid/alg/use/d', async () => {
    const expected = manualThumbprint({ crv: EC.crv, kty: EC.kty, x: EC.x, y: EC.y })
    expect(await jwkThumbprint({ ...EC, kid: 'other', alg: 'ES256', use: 'sig' })).toBe(expected)
  })
})

describe('algForJwk / checkAlgMatchesKey', () => {
  it('maps OKP/Ed25519 to EdDSA and EC/P-256 to ES256', () => {
    expect(algForJwk(ED_PUB)).toBe('EdDSA')
    expect(algForJwk(EC_PUB)).toBe('ES256')
  })

  it('refuses symmetric keys, other curves and other key types', () => {
    expect(() => algForJwk({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(/symmetric/)
    expect(() => algForJwk({ ...EC_PUB, crv: 'P-384' })).toThrow(/crv "P-384"/)
    expect(() => algForJwk({ ...ED_PUB, crv: 'X25519' })).toThrow(/crv "X25519"/)
    expect(() => algForJwk({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })).toThrow(/kty "RSA"/)
    expect(() => algForJwk({})).toThrow(/without a string "kty"/)
  })

  it('accepts a key only with its own algorithm', () => {
    expect(() => checkAlgMatchesKey('EdDSA', ED_PUB)).not.toThrow()
    expect(() => checkAlgMatchesKey('ES256', EC_PUB)).not.toThrow()
    expect(() => checkAlgMatchesKey('ES256', ED_PUB)).toThrow(/EdDSA key/)
    expect(() => checkAlgMatchesKey('none', ED_PUB)).toThrow(/not allowed/)
    expect(() => checkAlgMatchesKey('RS256', ED_PUB)).toThrow(/not allowed/)
  })
})

describe('parsePublicJwk', () => {
  it('returns only public members, with alg, use and kid = thumbprint', async () => {
    expect(await parsePublicJwk(ED_PUB)).toEqual({
      ...ED_PUB,
      kid: ED_THUMBPRINT,
      alg: 'EdDSA',
      use: 'sig',
    })
    const ec = await parsePublicJwk({ ...EC_PUB, ext: true, key_ops: ['verify'] })
    expect(Object.keys(ec).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
  })

  it('keeps a given kid', async () => {
    expect((await parsePublicJwk({ ...ED_PUB, kid: 'k1' })).kid).toBe('k1')
  })

  it('refuses private members without echoing their values', async () => {
    const msg = await messageOf(parsePublicJwk(ED, 'pub.json'))
    expect(msg).toMatch(/pub\.json: contains private key member\(s\) "d"/)
    expect(msg).not.toContain(ED.d)
    for (const m of ['p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      expect(await codeOf(parsePublicJwk({ ...EC_PUB, [m]: 'AAAA' }))).toBe(
        'ERR_PASSPORT_KEY_INVALID',
      )
    }
  })

  it('refuses malformed keys', async () => {
    const bad: unknown[] = [
      null,
      [ED_PUB],
      'x',
      { kty: 'oct', k: 'AAAA' },
      { ...ED_PUB, x: ED.x.slice(1) }, // 31 bytes
      { ...ED_PUB, x: ED.x + '=' }, // padding is not base64url
      { ...ED_PUB, x: 12 },
      { ...ED_PUB, y: EC.y }, // Ed25519 has no y
      { ...EC_PUB, y: undefined },
      { ...ED_PUB, alg: 'ES256' },
      { ...ED_PUB, use: 'enc' },
      { ...ED_PUB, kid: '' },
      { ...ED_PUB, kid: 5 },
    ]
    for (const b of bad) expect(await codeOf(parsePublicJwk(b))).toBe('ERR_PASSPORT_KEY_INVALID')
  })
})

describe('parsePrivateJwk', () => {
  it('accepts RFC keys and sets kid to the thumbprint when absent', async () => {
    const ed = await parsePrivateJwk(ED)
    expect(ed).toMatchObject({ kid: ED_THUMBPRINT, alg: 'EdDSA', use: 'sig', d: ED.d })
    const ec = await parsePrivateJwk(EC)
    expect(ec.kid).toBe(await jwkThumbprint(EC_PUB))
  })

  it('refuses a kid that is not the thumbprint, a missing or malformed d', async () => {
    expect(await messageOf(parsePrivateJwk({ ...ED, kid: 'mine' }))).toMatch(
      /not the key's RFC 7638/,
    )
    expect(await messageOf(parsePrivateJwk(ED_PUB))).toMatch(/no private member "d"/)
    expect(await codeOf(parsePrivateJwk({ ...ED, d: ED.d.slice(2) }))).toBe(
      'ERR_PASSPORT_KEY_INVALID',
    )
    expect(await codeOf(parsePrivateJwk({ ...EC, crv: 'P-521' }))).toBe('ERR_PASSPORT_KEY_INVALID')
  })
})

describe('toPublicJwk / buildJwks / parsePublicKeys', () => {
  it('toPublicJwk drops d', async () => {
    const pub = toPublicJwk(await parsePrivateJwk(EC))
    expect(pub).not.toHaveProperty('d')
    expect(pub.y).toBe(EC.y)
  })

  it('builds a JWK Set in order, dropping exact duplicates, refusing kid clashes', async () => {
    const ed = await parsePrivateJwk(ED)
    const ec = await parsePublicJwk(EC_PUB)
    const jwks = buildJwks([ec, ed, toPublicJwk(ed)])
    expect(jwks.keys.map((k) => k.kid)).toEqual([ec.kid, ed.kid])
    expect(JSON.stringify(jwks)).not.toContain(ED.d)
    expect(() => buildJwks([ec, { ...toPublicJwk(ed), kid: ec.kid }])).toThrow(/two different keys/)
  })

  it('parses a single JWK or a JWK Set', async () => {
    expect(await parsePublicKeys(ED_PUB)).toHaveLength(1)
    const set = await parsePublicKeys({ keys: [ED_PUB, EC_PUB] })
    expect(set.map((k) => k.alg)).toEqual(['EdDSA', 'ES256'])
  })

  it('refuses bad sets, naming the offending key', async () => {
    expect(await messageOf(parsePublicKeys({ keys: [EC_PUB, ED] }, 'jwks.json'))).toMatch(
      /jwks\.json keys\[1\]: contains private key member/,
    )
    expect(await messageOf(parsePublicKeys({ keys: [{ kty: 'oct', k: 'AAAA' }] }))).toMatch(
      /symmetric/,
    )
    expect(await codeOf(parsePublicKeys({ keys: [] }))).toBe('ERR_PASSPORT_KEY_INVALID')
    expect(await codeOf(parsePublicKeys({ keys: {} }))).toBe('ERR_PASSPORT_KEY_INVALID')
    const many = Array.from({ length: MAX_JWKS_KEYS + 1 }, () => ED_PUB)
    expect(await messageOf(parsePublicKeys({ keys: many }))).toMatch(/at most 100/)
  })
})
