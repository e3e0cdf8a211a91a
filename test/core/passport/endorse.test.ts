import { createHash, generateKeyPairSync, sign as cryptoSign } from 'node:crypto'
import { base64url, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Signer } from '../../../src/core/ports.js'
import {
  buildEndorsementClaims,
  issuerJwtOf,
  passportDigestInput,
  signEndorsement,
  verifyEndorsement,
} from '../../../src/core/passport/endorse.js'
import type { BuildEndorsementOptions } from '../../../src/core/passport/endorse.js'
import { signCompactJws } from '../../../src/core/passport/status.js'
import { ENDORSEMENT_TYPE, ENDORSEMENT_VCT } from '../../../src/core/passport/types.js'

async function testSigner(alg: 'EdDSA' | 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>
  const kid = await calculateJwkThumbprint(jwk as never)
  return {
    alg,
    kid,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    sign: async (data) =>
      new Uint8Array(
        alg === 'EdDSA'
          ? cryptoSign(null, data, privateKey)
          : cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
      ),
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const NOW = 1_800_000_000
const DAY = 86400

/** A stand-in passport: an issuer-signed JWT with one disclosure. */
async function passport(issuer: Signer, jti: string): Promise<string> {
  const jwt = await signCompactJws(
    { iss: 'https://vendor.example', jti, credentialSubject: { id: 'urn:accord:system:abc' } },
    issuer,
    'dc+sd-jwt',
  )
  return `${jwt}~${base64url.encode('["salt","k","v"]')}~`
}

async function setup() {
  const issuer = await testSigner('ES256')
  const endorserKey = await testSigner('EdDSA')
  const pp = await passport(issuer, 'urn:uuid:1')
  const options: BuildEndorsementOptions = {
    passportDigest: sha256(passportDigestInput(pp)),
    passportJti: 'urn:uuid:1',
    passportIssuer: 'https://vendor.example',
    subjectId: 'urn:accord:system:abc',
    endorser: { id: 'https://nb.example', name: 'NB Example', kind: 'notified-body' },
    checked: ['eu-ai-act:art-15', 'artifacts', 'eu-ai-act:art-15'],
    statement: 'Checked robustness testing evidence.',
    issuedAt: NOW,
    validForDays: 30,
    id: 'urn:uuid:e1',
  }
  const token = await signEndorsement(buildEndorsementClaims(options), endorserKey)
  const verifyOptions = {
    passportIssuerJwt: issuerJwtOf(pp),
    trustedAssessorKeys: [endorserKey.publicJwk],
    nowSeconds: NOW + DAY,
    sha256,
  }
  return { issuer, endorserKey, pp, options, token, verifyOptions }
}

describe('buildEndorsementClaims', () => {
  it('builds VC 2.0 claims bound to the passport digest', async () => {
    const { options } = await setup()
    const c = buildEndorsementClaims(options)
    expect(c.type).toEqual(['VerifiableCredential', ENDORSEMENT_TYPE])
    expect(c.vct).toBe(ENDORSEMENT_VCT)
    expect(c.iss).toBe('https://nb.example')
    expect(c.exp - c.iat).toBe(30 * DAY)
    expect(c.validFrom).toBe('2027-01-15T08:00:00Z')
    expect(c.jti).toBe('urn:uuid:e1')
    expect(c.credentialSubject.checked).toEqual(['artifacts', 'eu-ai-act:art-15'])
    expect(c.credentialSubject.passport.digest).toEqual({
      alg: 'sha-256',
      value: options.passportDigest,
    })
  })

  it('throws TypeError on contract violations', async () => {
    const { options } = await setup()
    expect(() => buildEndorsementClaims({ ...options, passportDigest: 'abc' })).toThrow(TypeError)
    expect(() => buildEndorsementClaims({ ...options, checked: [] })).toThrow(/checked/)
    expect(() => buildEndorsementClaims({ ...options, validForDays: 0 })).toThrow(/validForDays/)
    expect(() =>
      buildEndorsementClaims({
        ...options,
        endorser: { ...options.endorser, kind: 'friend' as never },
      }),
    ).toThrow(/kind/)
  })
})

describe('verifyEndorsement', () => {
  it('accepts a valid endorsement of this passport (SD-JWT VC without disclosures)', async () => {
    const { token, verifyOptions, endorserKey, pp } = await setup()
    expect(token.endsWith('~')).toBe(true)
    expect(token.split('~')).toHaveLength(2)
    expect(decodeProtectedHeader(token.slice(0, -1))).toEqual({
      alg: 'EdDSA',
      typ: 'dc+sd-jwt',
      kid: endorserKey.kid,
    })
    const r = await verifyEndorsement(token, verifyOptions)
    expect(r).toMatchObject({
      valid: true,
      reason: 'ok',
      issuer: 'https://nb.example',
      endorser: { name: 'NB Example', kind: 'notified-body' },
      checked: ['artifacts', 'eu-ai-act:art-15'],
    })
    // The whole SD-JWT may be passed: it is cut at the first ~.
    expect(
      (await verifyEndorsement(token, { ...verifyOptions, passportIssuerJwt: pp })).valid,
    ).toBe(true)
  })

  it('reports an untrusted endorser', async () => {
    const { token, verifyOptions } = await setup()
    const stranger = await testSigner('EdDSA')
    const r = await verifyEndorsement(token, {
      ...verifyOptions,
      trustedAssessorKeys: [stranger.publicJwk],
    })
    expect(r).toMatchObject({ valid: false, reason: 'endorsement-untrusted' })
  })

  it('rejects an endorsement of another passport', async () => {
    const { token, verifyOptions, issuer } = await setup()
    const another = await passport(issuer, 'urn:uuid:2')
    const r = await verifyEndorsement(token, {
      ...verifyOptions,
      passportIssuerJwt: issuerJwtOf(another),
    })
    expect(r).toMatchObject({ valid: false, reason: 'endorsement-invalid' })
    expect(r.message).toMatch(/another passport/)
  })

  it('rejects a tampered endorsement', async () => {
    const { token, verifyOptions } = await setup()
    const [h, p, s] = token.slice(0, -1).split('.') as [string, string, string]
    const claims = decodeJwt(`${h}.${p}.${s}`) as Record<string, unknown>
    const cs = claims.credentialSubject as { checked: string[] }
    cs.checked = [...cs.checked, 'eu-ai-act:art-10']
    const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}~`
    const r = await verifyEndorsement(tampered, verifyOptions)
    expect(r).toMatchObject({ valid: false, reason: 'endorsement-invalid' })
    expect(r.message).toMatch(/signature/)
    // Disclosures or key binding appended are refused too.
    const withDisclosure = `${token}${base64url.encode('["s","k","v"]')}~`
    expect((await verifyEndorsement(withDisclosure, verifyOptions)).reason).toBe(
      'endorsement-invalid',
    )
  })

  it('reports expiry and not-yet-valid', async () => {
    const { token, verifyOptions } = await setup()
    expect(
      await verifyEndorsement(token, { ...verifyOptions, nowSeconds: NOW + 30 * DAY }),
    ).toMatchObject({ valid: false, reason: 'expired' })
    expect(
      (await verifyEndorsement(token, { ...verifyOptions, nowSeconds: NOW + 30 * DAY - 1 })).valid,
    ).toBe(true)
    expect((await verifyEndorsement(token, { ...verifyOptions, nowSeconds: NOW - 1 })).reason).toBe(
      'not-yet-valid',
    )
  })

  it('rejects wrong typ, a disallowed alg and claims that are not an endorsement', async () => {
    const { verifyOptions, endorserKey, options } = await setup()
    const claims = buildEndorsementClaims(options)
    const asJwt = `${await signCompactJws(claims as never, endorserKey, 'JWT')}~`
    expect((await verifyEndorsement(asJwt, verifyOptions)).reason).toBe('endorsement-invalid')
    const hs = `${base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'dc+sd-jwt', kid: endorserKey.kid }))}.${base64url.encode(JSON.stringify(claims))}.AAAA~`
    expect(await verifyEndorsement(hs, verifyOptions)).toMatchObject({
      reason: 'endorsement-invalid',
      message: expect.stringMatching(/not allowed/),
    })
    const notEndorsement = `${await signCompactJws({ ...claims, vct: 'x' } as never, endorserKey, 'dc+sd-jwt')}~`
    expect((await verifyEndorsement(notEndorsement, verifyOptions)).reason).toBe(
      'endorsement-invalid',
    )
    expect((await verifyEndorsement('', verifyOptions)).reason).toBe('endorsement-invalid')
  })

  it('checks the passport jti and issuer named in the endorsement', async () => {
    const { verifyOptions, endorserKey, options } = await setup()
    const wrongJti = `${await signCompactJws(buildEndorsementClaims({ ...options, passportJti: 'urn:uuid:9' }) as never, endorserKey, 'dc+sd-jwt')}~`
    expect(await verifyEndorsement(wrongJti, verifyOptions)).toMatchObject({
      reason: 'endorsement-invalid',
      message: expect.stringMatching(/jti or issuer/),
    })
  })
})
