import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { presentPassport } from '../../../src/core/passport/present.js'
import type { PassportClaims } from '../../../src/core/passport/types.js'
import { REASON_CODES } from '../../../src/core/passport/types.js'
import { createPassportVerifier, verifyPassportCrypto } from '../../../src/core/passport/verify.js'
import { base64url } from 'jose'
import { decodeSdJwtSync, getClaimsSync } from '@sd-jwt/decode'
import { decodePart, joinToken, signJws, splitToken } from '../../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'
import { hasher, makeSigner, sdCrypto, type TestSigner } from '../../fixtures/passport/signer.js'

const NOW = ISSUED_AT + 100
let claims: PassportClaims
let eddsa: TestSigner
let es256: TestSigner
let issued: string

beforeAll(async () => {
  ;[eddsa, es256] = await Promise.all([makeSigner('EdDSA'), makeSigner('ES256')])
  claims = await exampleClaims()
  issued = await issuePassport(claims, eddsa, sdCrypto)
})

const trusted = () => [
  { kid: eddsa.kid, jwk: eddsa.publicJwk, name: 'Kestrel Ridge' },
  { kid: es256.kid, jwk: es256.publicJwk },
]

describe('verifyPassportCrypto', () => {
  it('runs the steps in order and returns the claims', async () => {
    const r = await verifyPassportCrypto(issued, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: NOW,
    })
    expect(r.checks.map((c) => c.check)).toEqual([
      'size',
      'structure',
      'header',
      'issuer-trust',
      'signature',
      'validity',
      'disclosures',
      'key-binding',
    ])
    expect(r.checks.map((c) => c.outcome)).toEqual([...Array(7).fill('pass'), 'skipped'])
    for (const c of r.checks) {
      expect(c.reason).toBe('ok')
      expect(REASON_CODES).toContain(c.reason)
    }
    expect(r.ok).toBe(true)
    expect(r.claims).toEqual(claims)
    expect(r.key).toEqual({ kid: eddsa.kid, name: 'Kestrel Ridge' })
    expect(r.issuerJwt).toBe(splitToken(issued).jwt)
    // The JWT as signed: its payload lacks what only disclosures hold.
    const [h, c] = splitToken(issued).jwt.split('.') as [string, string]
    expect(r.jwt).toEqual({ header: decodePart(h), payload: decodePart(c) })
    expect(JSON.stringify(r.jwt?.payload)).toContain('"_sd"')
    expect(r.jwt?.payload).not.toEqual(r.claims)
  })

  it('rebuilds the same claims as @sd-jwt/decode getClaims, for full and partial disclosure', async () => {
    const partial = await presentPassport(issued, {
      disclose: ['obligations.nist-ai-rmf', 'evidence.items.0', 'evidence.items.4'],
      hasher,
    })
    for (const token of [issued, partial]) {
      const r = await verifyPassportCrypto(token, {
        trustedKeys: trusted(),
        hasher,
        nowSeconds: NOW,
      })
      const { jwt, disclosures } = decodeSdJwtSync(token, hasher)
      // getClaims already leaves out _sd_alg.
      const expected = getClaimsSync<Record<string, unknown>>(jwt.payload, disclosures, hasher)
      expect(expected._sd_alg).toBeUndefined()
      expect(r.claims).toEqual(expected)
    }
  })

  it('gives the same results with injected primitives as with the portable defaults', async () => {
    const holder = await makeSigner('EdDSA')
    const bound = await issuePassport(
      { ...claims, cnf: { jwk: holder.publicJwk } },
      eddsa,
      sdCrypto,
    )
    const presented = await presentPassport(bound, {
      disclose: ['classification.eu-ai-act', 'evidence.items.1'],
      hasher,
      keyBinding: { signer: holder, audience: 'aud', nonce: 'n', issuedAt: NOW },
    })
    const calls = { digest: 0, decode: 0 }
    const fast = createPassportVerifier({
      trustedKeys: trusted(),
      hasher,
      primitives: {
        sha256Base64url: (data) => {
          calls.digest++
          return createHash('sha256').update(data).digest('base64url')
        },
        decodeBase64url: (data) => {
          calls.decode++
          return Buffer.from(data, 'base64url')
        },
      },
    })
    const portable = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const request = { nowSeconds: NOW, expectedAudience: 'aud', expectedNonce: 'n' }
    for (const token of [issued, bound, presented]) {
      const r = await fast.verify(token, request)
      expect(r.ok).toBe(true)
      expect(r).toEqual(await portable.verify(token, request))
    }
    // Used for every disclosure digest and sd_hash, and every segment decoded.
    expect(calls.digest).toBeGreaterThan(splitToken(issued).disclosures.length)
    expect(calls.decode).toBeGreaterThan(splitToken(issued).disclosures.length)
  })

  it('refuses primitives that are not functions', () => {
    for (const primitives of [{ sha256Base64url: 'x' }, { decodeBase64url: 1 }]) {
      expect(() =>
        createPassportVerifier({ trustedKeys: trusted(), hasher, primitives: primitives as never }),
      ).toThrow(TypeError)
    }
  })

  it('returns claims that are a copy, not the signed payload, even with nothing disclosed', async () => {
    const { jwt } = splitToken(issued)
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const a = await v.verify(`${jwt}~`, { nowSeconds: NOW })
    const b = await v.verify(`${jwt}~`, { nowSeconds: NOW })
    expect(a.ok).toBe(true)
    expect(a.claims).toEqual(b.claims)
    expect(a.claims).not.toBe(b.claims)
    expect((a.claims as unknown as Record<string, unknown>)._sd_alg).toBeUndefined()
    expect(a.claims?.credentialSubject.classification).toEqual({})
  })

  it('evaluateClaims runs on the rebuilt claims; its result is returned only when all passed', async () => {
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const seen: unknown[] = []
    const evaluateClaims = (c: PassportClaims) => {
      seen.push(c)
      return [
        { check: 'policy:x', outcome: 'pass' as const, reason: 'ok' as const, message: c.iss },
      ]
    }
    const r = await v.verify(issued, { nowSeconds: NOW, evaluateClaims })
    expect(r.ok).toBe(true)
    expect(seen).toEqual([r.claims])
    expect(r.evaluation).toEqual([
      { check: 'policy:x', outcome: 'pass', reason: 'ok', message: claims.iss },
    ])
    // Steps after the evaluation can still fail: then there is no evaluation in the result.
    const late = await v.verify(issued, { nowSeconds: claims.exp + 3600, evaluateClaims })
    expect(late.ok).toBe(false)
    expect(late.evaluation).toBeUndefined()
    expect(late.checks.at(-1)).toMatchObject({ check: 'validity', reason: 'expired' })
    // Not evaluated at all when the claims cannot be rebuilt.
    seen.length = 0
    const { jwt } = splitToken(issued)
    const bad = await v.verify(joinToken(jwt, [base64url.encode('[1]')]), {
      nowSeconds: NOW,
      evaluateClaims,
    })
    expect(bad.checks.at(-1)).toMatchObject({ check: 'disclosures', reason: 'disclosure-invalid' })
    expect(seen).toEqual([])
  })

  it('fails closed when evaluateClaims throws', async () => {
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const r = await v.verify(issued, {
      nowSeconds: NOW,
      evaluateClaims: () => {
        throw new Error('boom')
      },
    })
    expect(r.ok).toBe(false)
    expect(r.claims).toBeUndefined()
    expect(r.checks.at(-1)).toMatchObject({
      check: 'evaluation',
      outcome: 'fail',
      reason: 'malformed',
    })
  })

  it('verifies passports of several issuers with one verifier', async () => {
    const verifier = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const other = await issuePassport(claims, es256, sdCrypto)
    for (let i = 0; i < 3; i++) {
      expect((await verifier.verify(issued, { nowSeconds: NOW })).ok).toBe(true)
      expect((await verifier.verify(other, { nowSeconds: NOW })).key?.kid).toBe(es256.kid)
    }
  })

  it('returns the issuer JWT but no claims when a later step fails', async () => {
    const r = await verifyPassportCrypto(issued, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: claims.exp + 3600,
    })
    expect(r.ok).toBe(false)
    expect(r.issuerJwt).toBe(splitToken(issued).jwt)
    expect(r.claims).toBeUndefined()
    expect(r.checks.at(-1)).toMatchObject({ check: 'validity', outcome: 'fail', reason: 'expired' })
  })

  it('shows times in validity messages as ISO 8601 UTC, not seconds since the epoch', async () => {
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
    const base = { trustedKeys: trusted(), hasher }
    const ok = await verifyPassportCrypto(issued, { ...base, nowSeconds: NOW })
    expect(ok.checks.find((c) => c.check === 'validity')?.message).toBe(
      `issuer ${claims.iss}, valid until ${iso(claims.exp)}`,
    )
    const late = claims.exp + 3600
    const expired = await verifyPassportCrypto(issued, { ...base, nowSeconds: late })
    expect(expired.checks.at(-1)?.message).toBe(
      `expired at ${iso(claims.exp)}, now ${iso(late)} (skew 60 s)`,
    )
    expect(expired.checks.at(-1)?.message).toMatch(
      /^expired at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/,
    )
    const early = ISSUED_AT - 3600
    const notYet = await verifyPassportCrypto(issued, { ...base, nowSeconds: early })
    expect(notYet.checks.at(-1)?.message).toBe(
      `valid from ${iso(claims.nbf)}, now ${iso(early)} (skew 60 s)`,
    )
    // A time no Date can hold (it is the signer's claim) is shown as the number.
    const far = await issuePassport({ ...claims, exp: 1e300 }, eddsa, sdCrypto)
    const r = await verifyPassportCrypto(far, { ...base, nowSeconds: NOW })
    expect(r.checks.find((c) => c.check === 'validity')?.message).toBe(
      `issuer ${claims.iss}, valid until 1e+300 s after the epoch`,
    )
  })

  it('honours a configured clock skew', async () => {
    const r = await verifyPassportCrypto(issued, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: ISSUED_AT - 500,
      clockSkewSeconds: 600,
    })
    expect(r.ok).toBe(true)
  })

  it('with allowMissingKid, two candidate keys for the alg are ambiguous: key-unknown', async () => {
    const other = await makeSigner('EdDSA')
    const [h, p] = splitToken(issued).jwt.split('.') as [string, string]
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h))) as Record<
      string,
      unknown
    >
    delete header.kid
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<
      string,
      unknown
    >
    const token = joinToken(await signJws(header, payload, eddsa), [])
    const keys = [...trusted(), { kid: other.kid, jwk: other.publicJwk }]
    const r = await verifyPassportCrypto(token, {
      trustedKeys: keys,
      hasher,
      nowSeconds: NOW,
      allowMissingKid: true,
    })
    expect(r.checks.at(-1)?.reason).toBe('key-unknown')
    const single = await verifyPassportCrypto(token, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: NOW,
      allowMissingKid: true,
    })
    expect(single.ok).toBe(true)
  })

  it('refuses claims nested deeper than the limit (malformed), without a stack overflow', async () => {
    const [h, p] = splitToken(issued).jwt.split('.') as [string, string]
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h))) as Record<
      string,
      unknown
    >
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<
      string,
      unknown
    >
    // Built as text: 3000 levels would overflow JSON.stringify itself.
    const depth = 3000
    const text = `${JSON.stringify(payload).slice(0, -1)},"deep":${'['.repeat(depth)}1${']'.repeat(depth)}}`
    const input = `${h}.${base64url.encode(text)}`
    const sig = base64url.encode(await eddsa.sign(new TextEncoder().encode(input)))
    expect(header.kid).toBe(eddsa.kid)
    const r = await verifyPassportCrypto(`${input}.${sig}~`, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: NOW,
    })
    expect(r.checks.at(-1)).toMatchObject({ check: 'disclosures', reason: 'malformed' })
  })

  it('a payload that is not a JSON object: malformed', async () => {
    const [h] = splitToken(issued).jwt.split('.') as [string]
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h))) as Record<
      string,
      unknown
    >
    const input = `${h}.${base64url.encode('[1,2]')}`
    const sig = base64url.encode(await eddsa.sign(new TextEncoder().encode(input)))
    expect(header.kid).toBe(eddsa.kid)
    const r = await verifyPassportCrypto(`${input}.${sig}~`, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: NOW,
    })
    expect(r.checks.at(-1)).toMatchObject({ check: 'signature', reason: 'malformed' })
  })

  it('accepts a presentation with key binding when required', async () => {
    const holder = await makeSigner('ES256')
    const token = await issuePassport(
      await exampleClaims('police-analytics', { holderJwk: holder.publicJwk }),
      eddsa,
      sdCrypto,
    )
    const p = await presentPassport(token, {
      disclose: ['obligations.eu-ai-act'],
      hasher,
      keyBinding: { signer: holder, audience: 'https://b.example', nonce: 'xyz', issuedAt: NOW },
    })
    const r = await verifyPassportCrypto(p, {
      trustedKeys: trusted(),
      hasher,
      nowSeconds: NOW + 5,
      requireKeyBinding: true,
      expectedAudience: 'https://b.example',
      expectedNonce: 'xyz',
    })
    expect(r.ok).toBe(true)
    expect(r.keyBinding).toEqual({ aud: 'https://b.example', nonce: 'xyz', iat: NOW })
    expect(r.checks.at(-1)).toMatchObject({ check: 'key-binding', outcome: 'pass' })
  })

  it('a key binding whose audience or nonce was not checked is skipped, never a plain pass', async () => {
    const holder = await makeSigner('EdDSA')
    const token = await issuePassport(
      await exampleClaims('police-analytics', { holderJwk: holder.publicJwk }),
      eddsa,
      sdCrypto,
    )
    const p = await presentPassport(token, {
      disclose: [],
      hasher,
      keyBinding: { signer: holder, audience: 'https://b.example', nonce: 'xyz', issuedAt: NOW },
    })
    const base = { trustedKeys: trusted(), hasher, nowSeconds: NOW }
    const neither = await verifyPassportCrypto(p, base)
    // The binding verified, so verification goes on (the verdict is the policy's)...
    expect(neither.ok).toBe(true)
    expect(neither.keyBinding).toEqual({ aud: 'https://b.example', nonce: 'xyz', iat: NOW })
    // ...but it says the replay check was not made, and how to make it.
    const kb = neither.checks.at(-1)
    expect(kb).toMatchObject({ check: 'key-binding', outcome: 'skipped', reason: 'kb-nonce' })
    expect(kb?.message).toContain('audience and nonce were not checked')
    expect(kb?.message).toContain('--audience AUD --nonce NONCE')
    const audienceOnly = await verifyPassportCrypto(p, {
      ...base,
      expectedAudience: 'https://b.example',
    })
    expect(audienceOnly.checks.at(-1)).toMatchObject({ outcome: 'skipped', reason: 'kb-nonce' })
    expect(audienceOnly.checks.at(-1)?.message).toContain('its nonce was not checked')
    const nonceOnly = await verifyPassportCrypto(p, { ...base, expectedNonce: 'xyz' })
    expect(nonceOnly.checks.at(-1)).toMatchObject({ outcome: 'skipped', reason: 'kb-audience' })
    expect(nonceOnly.checks.at(-1)?.message).toContain('its audience was not checked')
  })
})

describe('createPassportVerifier misuse', () => {
  it('refuses unusable trust material and options', () => {
    const ok = trusted()[0] as { kid: string; jwk: Record<string, unknown> }
    expect(() => createPassportVerifier({ trustedKeys: [{ ...ok, kid: '' }], hasher })).toThrow(
      TypeError,
    )
    expect(() =>
      createPassportVerifier({ trustedKeys: [{ ...ok, jwk: { ...ok.jwk, d: 'x' } }], hasher }),
    ).toThrow(/private/)
    expect(() =>
      createPassportVerifier({
        trustedKeys: [{ kid: 'k', jwk: { kty: 'oct', k: 'c2VjcmV0' } }],
        hasher,
      }),
    ).toThrow(TypeError)
    expect(() =>
      createPassportVerifier({
        trustedKeys: [{ kid: 'k', jwk: { kty: 'EC', crv: 'P-384', x: 'a', y: 'b' } }],
        hasher,
      }),
    ).toThrow(TypeError)
    expect(() => createPassportVerifier({ trustedKeys: [ok, ok], hasher })).toThrow(
      /two trusted keys/,
    )
    expect(() => createPassportVerifier({ trustedKeys: [ok], hasher: undefined as never })).toThrow(
      TypeError,
    )
  })

  it('requireKeyBinding without audience and nonce is a TypeError', async () => {
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher })
    await expect(v.verify(issued, { nowSeconds: NOW, requireKeyBinding: true })).rejects.toThrow(
      TypeError,
    )
    await expect(v.verify(issued, { nowSeconds: Number.NaN })).rejects.toThrow(TypeError)
  })
})

describe('createPassportVerifier with cacheSize', () => {
  it('answers a repeated token as a fresh verifier would, re-checking the time and the policy', async () => {
    let digests = 0
    const cached = createPassportVerifier({
      trustedKeys: trusted(),
      hasher,
      cacheSize: 2,
      primitives: {
        sha256Base64url: (data) => {
          digests++
          return createHash('sha256').update(data).digest('base64url')
        },
      },
    })
    const fresh = createPassportVerifier({ trustedKeys: trusted(), hasher })
    const evaluateClaims = (c: PassportClaims) => [
      { check: 'policy:x', outcome: 'pass' as const, reason: 'ok' as const, message: c.iss },
    ]
    const first = await cached.verify(issued, { nowSeconds: NOW, evaluateClaims })
    const afterFirst = digests
    const second = await cached.verify(issued, { nowSeconds: NOW + 5, evaluateClaims })
    // Only the cache key is hashed the second time, not the disclosures.
    expect(digests - afterFirst).toBe(1)
    expect(first.ok && second.ok).toBe(true)
    expect(second).toEqual(await fresh.verify(issued, { nowSeconds: NOW + 5, evaluateClaims }))
    expect(second.claims).toBe(first.claims)
    expect(Object.isFrozen(second.claims)).toBe(true)
    expect(() => {
      ;(second.claims as unknown as Record<string, unknown>).iss = 'x'
    }).toThrow(TypeError)
    // Later, the same token has expired: the cached answer says so, as a fresh one does.
    const late = { nowSeconds: claims.exp + 3600, evaluateClaims }
    const expired = await cached.verify(issued, late)
    expect(expired.ok).toBe(false)
    expect(expired).toEqual(await fresh.verify(issued, late))
    expect(expired.checks.at(-1)).toMatchObject({ check: 'validity', reason: 'expired' })
    // A policy that throws fails closed on a cached token too.
    const boom = await cached.verify(issued, {
      nowSeconds: NOW,
      evaluateClaims: () => {
        throw new Error('boom')
      },
    })
    expect(boom.ok).toBe(false)
    expect(boom.checks.at(-1)).toMatchObject({ check: 'evaluation', reason: 'malformed' })
  })

  it('never remembers a failed token, nor a presentation with key binding', async () => {
    const holder = await makeSigner('EdDSA')
    const bound = await issuePassport(
      { ...claims, cnf: { jwk: holder.publicJwk } } as PassportClaims,
      eddsa,
      sdCrypto,
    )
    const presented = await presentPassport(bound, {
      disclose: ['classification.eu-ai-act'],
      hasher,
      keyBinding: { signer: holder, audience: 'aud', nonce: 'n', issuedAt: NOW },
    })
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher, cacheSize: 4 })
    const request = { nowSeconds: NOW, expectedAudience: 'aud', expectedNonce: 'n' }
    expect((await v.verify(presented, request)).ok).toBe(true)
    // A wrong nonce must be caught on the second call too: key binding is checked every time.
    const replayed = await v.verify(presented, { ...request, expectedNonce: 'other' })
    expect(replayed.checks.at(-1)).toMatchObject({ check: 'key-binding', reason: 'kb-nonce' })
    // A token that failed (expired) is verified in full when it comes again.
    const late = await v.verify(issued, { nowSeconds: claims.exp + 3600 })
    expect(late.ok).toBe(false)
    const now = await v.verify(issued, { nowSeconds: NOW })
    expect(now.ok).toBe(true)
    expect(Object.isFrozen(now.claims)).toBe(true)
  })

  it('evicts the oldest token beyond cacheSize, and refuses a bad cacheSize', async () => {
    const other = await issuePassport(claims, eddsa, sdCrypto)
    const v = createPassportVerifier({ trustedKeys: trusted(), hasher, cacheSize: 1 })
    const a = await v.verify(issued, { nowSeconds: NOW })
    await v.verify(other, { nowSeconds: NOW })
    const again = await v.verify(issued, { nowSeconds: NOW })
    // Evicted, so verified anew: equal claims, but not the same object.
    expect(again.claims).toEqual(a.claims)
    expect(again.claims).not.toBe(a.claims)
    for (const cacheSize of [-1, 1.5, Number.NaN]) {
      expect(() => createPassportVerifier({ trustedKeys: trusted(), hasher, cacheSize })).toThrow(
        TypeError,
      )
    }
  })
})
