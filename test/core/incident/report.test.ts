import { createHash } from 'node:crypto'
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Signer } from '../../../src/core/ports.js'
import { issuerJwtOf, passportDigestInput } from '../../../src/core/passport/endorse.js'
import { signCompactJws } from '../../../src/core/passport/status.js'
import { INCIDENT_REPORT_TYPE, INCIDENT_REPORT_VCT } from '../../../src/core/passport/types.js'
import {
  MAX_INCIDENT_REPORT_CHARS,
  buildIncidentClaims,
  decodeIncidentReport,
  signIncidentReport,
  verifyIncidentReport,
} from '../../../src/core/incident/report.js'
import type { BuildIncidentOptions } from '../../../src/core/incident/report.js'
import { makeSigner } from '../../fixtures/passport/signer.js'
import { sampleIncident } from './fixtures.js'

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const NOW = 1_810_000_000 // 2027-05-11, after the sample incident

async function passport(issuer: Signer, jti: string): Promise<string> {
  const jwt = await signCompactJws(
    { iss: 'https://vendor.example', jti, credentialSubject: { id: 'urn:accord:system:abc' } },
    issuer,
    'dc+sd-jwt',
  )
  return `${jwt}~${base64url.encode('["salt","k","v"]')}~`
}

async function setup() {
  const issuer = await makeSigner('ES256')
  const reporterKey = await makeSigner('EdDSA')
  const pp = await passport(issuer, 'urn:uuid:1')
  const options: BuildIncidentOptions = {
    passportDigest: sha256(passportDigestInput(pp)),
    passportJti: 'urn:uuid:1',
    passportIssuer: 'https://vendor.example',
    subjectId: 'urn:accord:system:abc',
    incident: sampleIncident(),
    issuedAt: NOW,
    id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
  }
  const token = await signIncidentReport(buildIncidentClaims(options), reporterKey)
  const verifyOptions = {
    passportIssuerJwt: issuerJwtOf(pp),
    reporterKeys: [reporterKey.publicJwk],
    nowSeconds: NOW + 60,
    sha256,
  }
  return { issuer, reporterKey, pp, options, token, verifyOptions }
}

/** Re-signs modified claims with `key`, as an attacker holding a key could. */
async function resign(token: string, key: Signer, edit: (c: Record<string, unknown>) => void) {
  const claims = decodeJwt(issuerJwtOf(token)) as Record<string, unknown>
  edit(claims)
  return `${await signCompactJws(claims, key, 'dc+sd-jwt')}~`
}

describe('buildIncidentClaims', () => {
  it('builds an SD-JWT VC bound to the passport digest, with no exp', async () => {
    const { options } = await setup()
    const c = buildIncidentClaims(options)
    expect(c.type).toEqual(['VerifiableCredential', INCIDENT_REPORT_TYPE])
    expect(c.vct).toBe(INCIDENT_REPORT_VCT)
    expect(c.iss).toBe('https://vendor.example')
    expect(c.jti).toBe(options.id)
    expect(c.iat).toBe(NOW)
    expect(c.nbf).toBe(NOW)
    expect(c).not.toHaveProperty('exp')
    expect(c.credentialSubject.passport).toEqual({
      jti: 'urn:uuid:1',
      issuer: 'https://vendor.example',
      digest: { alg: 'sha-256', value: options.passportDigest },
    })
    expect(c.credentialSubject.incident.id).toBe(sampleIncident().id)
  })

  it('refuses an incident that contradicts itself', async () => {
    const { options } = await setup()
    expect(() =>
      buildIncidentClaims({ ...options, incident: sampleIncident({ harms: [] }) }),
    ).toThrow(/serious but names no harm/)
  })

  it('refuses a report id that is not a urn:uuid and a malformed digest', async () => {
    const { options } = await setup()
    expect(() => buildIncidentClaims({ ...options, id: 'report-1' })).toThrow(TypeError)
    expect(() => buildIncidentClaims({ ...options, passportDigest: 'ab' })).toThrow(TypeError)
  })
})

describe('verifyIncidentReport', () => {
  it('accepts a report of this passport signed by the reporter key', async () => {
    const { token, verifyOptions, reporterKey } = await setup()
    expect(token.endsWith('~')).toBe(true)
    expect(decodeProtectedHeader(issuerJwtOf(token)).typ).toBe('dc+sd-jwt')
    const r = await verifyIncidentReport(token, verifyOptions)
    expect(r).toMatchObject({ valid: true, reason: 'ok', kid: reporterKey.kid })
    expect(r.claims?.credentialSubject.incident.summary).toContain('wrongful detention')
  })

  it('incident-untrusted: signed by another key', async () => {
    const { token, verifyOptions } = await setup()
    const other = await makeSigner('EdDSA')
    const r = await verifyIncidentReport(token, {
      ...verifyOptions,
      reporterKeys: [other.publicJwk],
    })
    expect(r.reason).toBe('incident-untrusted')
  })

  it('incident-invalid: a tampered payload', async () => {
    const { token, verifyOptions } = await setup()
    const [h, p, s] = issuerJwtOf(token).split('.') as [string, string, string]
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)))
    claims.credentialSubject.incident.summary = 'Nothing happened.'
    const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}~`
    const r = await verifyIncidentReport(tampered, verifyOptions)
    expect(r).toMatchObject({ valid: false, reason: 'incident-invalid' })
    expect(r.message).toContain('signature')
  })

  it('incident-wrong-passport: a report about another passport (same jti and issuer)', async () => {
    const { token, verifyOptions, issuer } = await setup()
    // A re-signed passport with the same claims: only the digest tells them apart.
    const other = await passport(issuer, 'urn:uuid:1')
    const r = await verifyIncidentReport(token, {
      ...verifyOptions,
      passportIssuerJwt: issuerJwtOf(other),
    })
    expect(r).toMatchObject({ valid: false, reason: 'incident-wrong-passport' })
  })

  it('incident-wrong-passport: the right digest with another jti', async () => {
    const { token, verifyOptions, reporterKey } = await setup()
    const forged = await resign(token, reporterKey, (c) => {
      ;(c.credentialSubject as { passport: { jti: string } }).passport.jti = 'urn:uuid:9'
    })
    const r = await verifyIncidentReport(forged, verifyOptions)
    expect(r.reason).toBe('incident-wrong-passport')
  })

  it('incident-invalid: an endorsement vct, an exp claim, or iss not the reporter', async () => {
    const { token, verifyOptions, reporterKey } = await setup()
    for (const edit of [
      (c: Record<string, unknown>) => (c.vct = 'https://accord.dev/vct/other/v1'),
      (c: Record<string, unknown>) => (c.exp = NOW + 10),
      (c: Record<string, unknown>) => ((c.iss = 'https://x.example'), (c.issuer = c.iss)),
    ]) {
      const r = await verifyIncidentReport(await resign(token, reporterKey, edit), verifyOptions)
      expect(r.reason).toBe('incident-invalid')
    }
  })

  it('incident-invalid: a signed report whose incident contradicts itself', async () => {
    const { token, verifyOptions, reporterKey } = await setup()
    const bad = await resign(token, reporterKey, (c) => {
      const i = (c.credentialSubject as { incident: Record<string, unknown> }).incident
      i.report = 'final'
    })
    const r = await verifyIncidentReport(bad, verifyOptions)
    expect(r.reason).toBe('incident-invalid')
    expect(r.message).toContain('contradicts')
  })

  it('not-yet-valid: nbf beyond the clock skew', async () => {
    const { token, verifyOptions } = await setup()
    const r = await verifyIncidentReport(token, { ...verifyOptions, nowSeconds: NOW - 3600 })
    expect(r.reason).toBe('not-yet-valid')
  })

  it('refuses disclosures, other typ, disallowed alg, and oversized tokens', async () => {
    const { token, verifyOptions, reporterKey } = await setup()
    const withDisclosure = `${issuerJwtOf(token)}~${base64url.encode('["s","k","v"]')}~`
    expect((await verifyIncidentReport(withDisclosure, verifyOptions)).reason).toBe(
      'incident-invalid',
    )
    const claims = decodeJwt(issuerJwtOf(token)) as Record<string, unknown>
    const otherTyp = `${await signCompactJws(claims, reporterKey, 'JWT')}~`
    expect((await verifyIncidentReport(otherTyp, verifyOptions)).message).toContain('typ')
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'dc+sd-jwt', kid: reporterKey.kid }))}.${base64url.encode(JSON.stringify(claims))}.~`
    expect((await verifyIncidentReport(none, verifyOptions)).message).toContain('not allowed')
    const huge = 'a'.repeat(MAX_INCIDENT_REPORT_CHARS + 1) + '~'
    expect((await verifyIncidentReport(huge, verifyOptions)).message).toContain('larger')
  })
})

describe('decodeIncidentReport', () => {
  it('reads the claims without a key, and refuses what is not a report', async () => {
    const { token, reporterKey } = await setup()
    const d = decodeIncidentReport(token)
    expect(d.ok && d.kid).toBe(reporterKey.kid)
    expect(decodeIncidentReport('x.y.z~').ok).toBe(false)
  })
})
