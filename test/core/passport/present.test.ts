import { beforeAll, describe, expect, it } from 'vitest'
import { PassportError } from '../../../src/core/errors.js'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { disclosablePaths, presentPassport } from '../../../src/core/passport/present.js'
import { sdDigest } from '../../../src/core/passport/sd-jwt.js'
import type { PassportClaims } from '../../../src/core/passport/types.js'
import { createPassportVerifier, type PassportVerifier } from '../../../src/core/passport/verify.js'
import { decodePart, splitToken } from '../../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'
import { hasher, makeSigner, sdCrypto, type TestSigner } from '../../fixtures/passport/signer.js'

const NOW = ISSUED_AT + 100
let claims: PassportClaims
let issuer: TestSigner
let holder: TestSigner
let issued: string
let issuedNoHolder: string
let verifier: PassportVerifier

beforeAll(async () => {
  ;[issuer, holder] = await Promise.all([makeSigner('EdDSA'), makeSigner('EdDSA')])
  claims = await exampleClaims('police-analytics', { holderJwk: holder.publicJwk })
  issued = await issuePassport(claims, issuer, sdCrypto)
  issuedNoHolder = await issuePassport(await exampleClaims(), issuer, sdCrypto)
  verifier = createPassportVerifier({
    trustedKeys: [{ kid: issuer.kid, jwk: issuer.publicJwk }],
    hasher,
  })
})

async function verified(token: string, request = {}): Promise<PassportClaims> {
  const r = await verifier.verify(token, { nowSeconds: NOW, ...request })
  expect(r.checks.filter((c) => c.outcome === 'fail')).toEqual([])
  expect(r.ok).toBe(true)
  return r.claims as PassportClaims
}

describe('presentPassport', () => {
  it('discloses only classification.eu-ai-act', async () => {
    const p = await presentPassport(issued, { disclose: ['classification.eu-ai-act'], hasher })
    expect(splitToken(p).disclosures).toHaveLength(1)
    const seen = await verified(p)
    expect(seen.credentialSubject.classification).toEqual(claims.credentialSubject.classification)
    expect(seen.credentialSubject.obligations).toEqual({})
    expect(seen.credentialSubject.evidence.items).toEqual([])
    // The commitment stays visible.
    expect(seen.credentialSubject.evidence.count).toBe(claims.credentialSubject.evidence.count)
    expect(JSON.stringify(seen)).not.toContain('nist-ai-rmf:govern-1.1')
  })

  it('discloses one obligation framework', async () => {
    const p = await presentPassport(issued, { disclose: ['obligations.nist-ai-rmf'], hasher })
    const seen = await verified(p)
    expect(Object.keys(seen.credentialSubject.obligations)).toEqual(['nist-ai-rmf'])
    expect(seen.credentialSubject.obligations['nist-ai-rmf']).toEqual(
      claims.credentialSubject.obligations['nist-ai-rmf'],
    )
    expect(seen.credentialSubject.classification).toEqual({})
  })

  it('discloses evidence items by index and by id', async () => {
    const items = claims.credentialSubject.evidence.items
    const target = items[5]
    const p = await presentPassport(issued, {
      disclose: ['evidence.items.3', `evidence:${target?.id}`],
      hasher,
    })
    const seen = await verified(p)
    expect(seen.credentialSubject.evidence.items).toEqual([items[3], target])
    expect(seen.credentialSubject.evidence.items[1]?.leafIndex).toBe(5)
  })

  it('accepts paths with the credentialSubject. prefix, and duplicates once', async () => {
    const p = await presentPassport(issued, {
      disclose: ['credentialSubject.classification.eu-ai-act', 'classification.eu-ai-act'],
      hasher,
    })
    expect(splitToken(p).disclosures).toHaveLength(1)
  })

  it('discloses nothing for an empty list', async () => {
    const p = await presentPassport(issued, { disclose: [], hasher })
    expect(splitToken(p).disclosures).toEqual([])
    const seen = await verified(p)
    expect(seen.credentialSubject.classification).toEqual({})
  })

  it('an unknown path is a coded error listing the available paths', async () => {
    const err = await presentPassport(issued, { disclose: ['classification.us'], hasher }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(PassportError)
    expect((err as PassportError).code).toBe('ERR_PASSPORT_DISCLOSURE_UNKNOWN')
    expect((err as PassportError).message).toContain('classification.eu-ai-act')
    expect((err as PassportError).message).toContain('obligations.nist-ai-rmf')
    expect((err as PassportError).message).toContain('evidence:')
    await expect(
      presentPassport(issued, { disclose: ['evidence:no-such-item'], hasher }),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_DISCLOSURE_UNKNOWN' })
    await expect(
      presentPassport(issued, { disclose: ['evidence.items.999'], hasher }),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_DISCLOSURE_UNKNOWN' })
  })

  it('a presentation can be narrowed further, but not widened', async () => {
    const p = await presentPassport(issued, {
      disclose: ['classification.eu-ai-act', 'obligations.eu-ai-act'],
      hasher,
    })
    const narrower = await presentPassport(p, { disclose: ['obligations.eu-ai-act'], hasher })
    expect(Object.keys((await verified(narrower)).credentialSubject.obligations)).toEqual([
      'eu-ai-act',
    ])
    await expect(
      presentPassport(p, { disclose: ['obligations.nist-ai-rmf'], hasher }),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_DISCLOSURE_UNKNOWN' })
  })

  it('lists disclosable paths and evidence ids', () => {
    const { paths, evidenceIds } = disclosablePaths(issued, hasher)
    expect(paths).toContain('classification.eu-ai-act')
    expect(paths).toContain('obligations.eu-ai-act')
    expect(paths).toContain('obligations.nist-ai-rmf')
    expect(paths.filter((p) => p.startsWith('evidence.items.'))).toHaveLength(
      claims.credentialSubject.evidence.count,
    )
    for (const item of claims.credentialSubject.evidence.items) {
      expect(evidenceIds.get(item.id)).toBe(item.leafIndex)
    }
  })

  it('refuses input that is not an issued SD-JWT', async () => {
    for (const bad of ['', 'nope', 'a.b.c~']) {
      await expect(presentPassport(bad, { disclose: [], hasher })).rejects.toMatchObject({
        code: 'ERR_PASSPORT_MALFORMED',
      })
    }
  })
})

describe('presentPassport with key binding', () => {
  const kb = { audience: 'https://buyer.example', nonce: 'n-42', issuedAt: NOW }

  it('appends a kb+jwt over the presented SD-JWT', async () => {
    const p = await presentPassport(issued, {
      disclose: ['classification.eu-ai-act'],
      hasher,
      keyBinding: { signer: holder, ...kb },
    })
    const { kb: kbJwt } = splitToken(p)
    const [h, payload] = kbJwt.split('.') as [string, string]
    expect(decodePart(h)).toEqual({ typ: 'kb+jwt', alg: 'EdDSA' })
    expect(decodePart(payload)).toEqual({
      iat: NOW,
      aud: kb.audience,
      nonce: kb.nonce,
      sd_hash: sdDigest(hasher, p.slice(0, p.length - kbJwt.length)),
    })
    const seen = await verified(p, {
      requireKeyBinding: true,
      expectedAudience: kb.audience,
      expectedNonce: kb.nonce,
    })
    expect(seen.credentialSubject.classification['eu-ai-act']?.category).toBe('high-risk')
  })

  it('refuses key binding for a passport without a holder key, or with the wrong key', async () => {
    await expect(
      presentPassport(issuedNoHolder, {
        disclose: [],
        hasher,
        keyBinding: { signer: holder, ...kb },
      }),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_HOLDER_KEY' })
    const other = await makeSigner('EdDSA')
    await expect(
      presentPassport(issued, { disclose: [], hasher, keyBinding: { signer: other, ...kb } }),
    ).rejects.toMatchObject({ code: 'ERR_PASSPORT_HOLDER_KEY' })
  })

  it('refuses to re-present a presentation that already has key binding', async () => {
    const p = await presentPassport(issued, {
      disclose: [],
      hasher,
      keyBinding: { signer: holder, ...kb },
    })
    await expect(presentPassport(p, { disclose: [], hasher })).rejects.toMatchObject({
      code: 'ERR_PASSPORT_MALFORMED',
    })
  })

  it('refuses misuse of the key-binding options', async () => {
    await expect(
      presentPassport(issued, {
        disclose: [],
        hasher,
        keyBinding: { signer: holder, ...kb, nonce: '' },
      }),
    ).rejects.toThrow(TypeError)
    await expect(
      presentPassport(issued, {
        disclose: [],
        hasher,
        keyBinding: { signer: holder, ...kb, audience: '' },
      }),
    ).rejects.toThrow(TypeError)
    await expect(
      presentPassport(issued, {
        disclose: [],
        hasher,
        keyBinding: { signer: holder, ...kb, issuedAt: 1.5 },
      }),
    ).rejects.toThrow(TypeError)
    await expect(presentPassport(issued, { disclose: 'x' as never, hasher })).rejects.toThrow(
      TypeError,
    )
  })
})
