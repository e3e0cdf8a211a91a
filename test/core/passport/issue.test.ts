import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { base64url, compactVerify, importJWK } from 'jose'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { sdDigest } from '../../../src/core/passport/sd-jwt.js'
import { SD_JWT_TYP, type PassportClaims } from '../../../src/core/passport/types.js'
import { createPassportVerifier } from '../../../src/core/passport/verify.js'
import { decodePart, splitToken } from '../../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'
import {
  hasher,
  makeSigner,
  saltGenerator,
  sdCrypto,
  type TestSigner,
} from '../../fixtures/passport/signer.js'

let claims: PassportClaims
let eddsa: TestSigner
let es256: TestSigner

beforeAll(async () => {
  claims = await exampleClaims()
  ;[eddsa, es256] = await Promise.all([makeSigner('EdDSA'), makeSigner('ES256')])
})

const disclosureArrays = (token: string): unknown[][] =>
  splitToken(token).disclosures.map((d) => decodePart(d) as unknown as unknown[])

describe('issuePassport', () => {
  it('produces <jwt>~<disclosure>~...~ with the dc+sd-jwt header', async () => {
    const token = await issuePassport(claims, eddsa, sdCrypto)
    expect(token.endsWith('~')).toBe(true)
    const { jwt, kb } = splitToken(token)
    expect(kb).toBe('')
    expect(decodePart(jwt.split('.')[0] as string)).toEqual({
      typ: SD_JWT_TYP,
      kid: eddsa.kid,
      alg: 'EdDSA',
    })
  })

  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`the issuer JWT verifies with jose (${alg})`, async () => {
      const signer = alg === 'EdDSA' ? eddsa : es256
      const { jwt } = splitToken(await issuePassport(claims, signer, sdCrypto))
      const key = await importJWK(signer.publicJwk, alg)
      const { protectedHeader } = await compactVerify(jwt, key, { algorithms: [alg] })
      expect(protectedHeader.alg).toBe(alg)
      if (alg === 'ES256') expect(base64url.decode(jwt.split('.')[2] as string)).toHaveLength(64)
    })

    it(`the issuer JWT verifies with an independent implementation, python jwcrypto (${alg})`, async () => {
      const signer = alg === 'EdDSA' ? eddsa : es256
      const { jwt } = splitToken(await issuePassport(claims, signer, sdCrypto))
      const script = [
        'import sys, json',
        'from jwcrypto import jwk, jws',
        'key = jwk.JWK(**json.loads(sys.argv[1]))',
        't = jws.JWS()',
        't.deserialize(sys.argv[2])',
        `t.verify(key, alg='${alg}')`,
        'print(json.loads(t.payload)["iss"])',
      ].join('\n')
      const out = execFileSync('/usr/bin/python3', [
        '-c',
        script,
        JSON.stringify(signer.publicJwk),
        jwt,
      ])
      expect(out.toString().trim()).toBe(claims.iss)
    })
  }

  it('hides each classification, obligation framework and evidence item behind a digest', async () => {
    const token = await issuePassport(claims, eddsa, sdCrypto)
    const payload = decodePart(splitToken(token).jwt.split('.')[1] as string)
    expect(payload._sd_alg).toBe('sha-256')
    const subject = payload.credentialSubject as Record<string, Record<string, unknown>>
    expect(Object.keys(subject.classification ?? {})).toEqual(['_sd'])
    expect(subject.classification?._sd).toHaveLength(1)
    expect(Object.keys(subject.obligations ?? {})).toEqual(['_sd'])
    expect(subject.obligations?._sd).toHaveLength(2)
    const items = subject.evidence?.items as Record<string, unknown>[]
    expect(items).toHaveLength(claims.credentialSubject.evidence.count)
    for (const item of items) expect(Object.keys(item)).toEqual(['...'])
    // Always visible.
    expect(subject.evidence?.merkleRoot).toBe(claims.credentialSubject.evidence.merkleRoot)
    expect(subject.system).toEqual(claims.credentialSubject.system)
    expect(payload.iss).toBe(claims.iss)
    expect(payload.vct).toBe(claims.vct)
    expect(payload.exp).toBe(claims.exp)
    // Nothing disclosable leaks into the signed payload.
    const text = JSON.stringify(payload)
    expect(text).not.toContain('high-risk')
    expect(text).not.toContain(claims.credentialSubject.evidence.items[0]?.sha256)

    const disclosures = splitToken(token).disclosures
    expect(disclosures).toHaveLength(1 + 2 + items.length)
    const digests = new Set([
      ...(subject.classification?._sd as string[]),
      ...(subject.obligations?._sd as string[]),
      ...items.map((i) => i['...'] as string),
    ])
    for (const d of disclosures) expect(digests.has(sdDigest(hasher, d))).toBe(true)
  })

  it('uses 128-bit salts from the injected generator, each one once', async () => {
    let calls = 0
    const token = await issuePassport(claims, eddsa, {
      hasher,
      saltGenerator: () => {
        calls++
        return saltGenerator()
      },
    })
    const arrays = disclosureArrays(token)
    expect(calls).toBe(arrays.length)
    const salts = arrays.map((a) => a[0] as string)
    for (const s of salts) {
      expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(base64url.decode(s)).toHaveLength(16)
    }
    expect(new Set(salts).size).toBe(salts.length)
  })

  it('two issuances of the same claims have different salts and digests', async () => {
    const a = await issuePassport(claims, eddsa, sdCrypto)
    const b = await issuePassport(claims, eddsa, sdCrypto)
    expect(splitToken(a).disclosures).not.toEqual(splitToken(b).disclosures)
  })

  it('round-trips: the verifier rebuilds exactly the claims issued', async () => {
    const token = await issuePassport(claims, es256, sdCrypto)
    const verifier = createPassportVerifier({
      trustedKeys: [{ kid: es256.kid, jwk: es256.publicJwk }],
      hasher,
    })
    const r = await verifier.verify(token, { nowSeconds: ISSUED_AT + 10 })
    expect(r.ok).toBe(true)
    expect(r.claims).toEqual(claims)
  })

  it('refuses misuse', async () => {
    await expect(
      issuePassport(claims, { ...eddsa, alg: 'HS256' as never }, sdCrypto),
    ).rejects.toThrow(TypeError)
    await expect(issuePassport(claims, { ...eddsa, kid: '' }, sdCrypto)).rejects.toThrow(TypeError)
    await expect(
      issuePassport({ ...claims, iss: 'https://other.example' }, eddsa, sdCrypto),
    ).rejects.toThrow(TypeError)
  })
})
