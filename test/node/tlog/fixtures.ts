/**
 * Test data for the registry: passport records whose token is a well-formed (unsigned) JWT, so
 * the registry can read jti, iss and kid off it as it does for real passports.
 */
import { createHash } from 'node:crypto'
import type { PassportRecord, StatusChange } from '../../../src/core/store.js'
import { issuerJwtOf } from '../../../src/core/passport/endorse.js'

const b64u = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export const ISSUER = 'https://vendor.example'
export const KID = 'kid-issuer-1'

export function fakeToken(jti: string, iss = ISSUER, kid = KID): string {
  const jwt = `${b64u({ alg: 'EdDSA', typ: 'dc+sd-jwt', kid })}.${b64u({ jti, iss })}.${Buffer.from(jti).toString('base64url')}`
  return `${jwt}~WyJzYWx0IiwibmFtZSIsInYiXQ~`
}

export function passportRecord(
  n: number | string,
  over: Partial<PassportRecord> = {},
): PassportRecord {
  const id =
    typeof n === 'number' ? `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}` : n
  const token = over.token ?? fakeToken(id, over.issuer ?? ISSUER, over.kid ?? KID)
  return {
    id,
    issuer: ISSUER,
    kid: KID,
    subjectId: `urn:accord:system:${id}`,
    systemName: `System ${n}`,
    systemVersion: '1.0.0',
    providerName: 'Vendor',
    providerCountry: 'DE',
    jurisdictions: ['eu'],
    categories: { eu: ['high-risk'] },
    token,
    issuerJwtSha256: createHash('sha256').update(issuerJwtOf(token)).digest('hex'),
    publishedAt: '2026-09-01T00:00:00.000Z',
    ...over,
  }
}

export function revocation(passportId: string): StatusChange {
  return {
    passportId,
    status: 'revoked',
    reason: 'withdrawn',
    byKid: KID,
    at: '2026-09-02T00:00:00.000Z',
  }
}
