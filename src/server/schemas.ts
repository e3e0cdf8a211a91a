/** JSON Schemas shared by the routes (validation and the OpenAPI document). */
import { MAX_ID_LENGTH } from './limits.js'
import { MirroredFromSchema } from './mirrors.js'

export const ErrorBody = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable error code (docs/errors.md).' },
    message: { type: 'string' },
    reason: { type: 'string', description: 'Verification reason code (422 only).' },
  },
} as const

/** Error responses, by status, for a route's `response` schema. */
export function errors(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]))
}

export const PassportId = {
  type: 'string',
  minLength: 1,
  // As long as publish accepts (passport-record.ts), so every published passport can be read,
  // have its status changed and be endorsed.
  maxLength: MAX_ID_LENGTH,
  description: 'The passport id: its jti (`urn:uuid:...`).',
} as const

export const PassportSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    issuer: { type: 'string' },
    kid: { type: 'string' },
    subjectId: { type: 'string' },
    systemName: { type: 'string' },
    systemVersion: { type: 'string' },
    providerName: { type: 'string' },
    providerCountry: { type: ['string', 'null'] },
    jurisdictions: { type: 'array', items: { type: 'string' } },
    categories: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
    issuerJwtSha256: { type: 'string' },
    publishedAt: { type: 'string' },
    status: { type: 'string', enum: ['valid', 'revoked', 'suspended'] },
    statusReason: { type: ['string', 'null'] },
    statusByKid: { type: ['string', 'null'] },
    statusUpdatedAt: { type: ['string', 'null'] },
    logIndex: { type: ['integer', 'null'] },
    mirroredFrom: MirroredFromSchema,
  },
} as const

export const PassportFull = {
  ...PassportSummary,
  properties: {
    ...PassportSummary.properties,
    token: { type: 'string', description: 'The SD-JWT exactly as published.' },
    issuerJwk: {
      type: 'object',
      additionalProperties: true,
      description:
        "The issuer's public JWK that signed the publish request (its RFC 7638 thumbprint is kid), so a partner registry can check the signature itself; absent for passports published before it was recorded.",
    },
  },
} as const

/** What a write that appended one log entry answers: the object's id and its log index. */
export const Published = {
  type: 'object',
  properties: { id: { type: 'string' }, logIndex: { type: 'integer' } },
} as const

export const SignedRequest = [{ accordSignature: [] }]

/** A policy problem or warning (`accord policy check`): code, where and what to do. */
export const PolicyIssue = {
  type: 'object',
  additionalProperties: true,
  properties: {
    code: { type: 'string' },
    path: { type: 'array', items: { type: ['string', 'integer'] } },
    message: { type: 'string' },
    file: { type: 'string' },
    line: { type: 'integer' },
    column: { type: 'integer' },
    hint: { type: 'string' },
  },
} as const
