/**
 * From a verified passport to the registry record: the fields the registry indexes, read from
 * the claims AFTER the signature and disclosures verified. Claims of a self-consistent but
 * strange passport are still checked for shape: a record is only made from the fields it needs.
 */
import { digest } from '@sd-jwt/crypto-nodejs'
import { z } from 'zod'
import type { SdHasher } from '../core/passport/sd-jwt.js'
import { PASSPORT_VCT, type PassportClaims } from '../core/passport/types.js'
import type { PassportRecord } from '../core/store.js'
import { MAX_ID_LENGTH, MAX_PARAM_LENGTH } from './limits.js'
import { sha256Hex } from './signed-request.js'

/** SHA-256 for SD-JWT digests. */
export const hasher: SdHasher = (data, alg) => digest(data, alg)

const Text = z.string().min(1).max(MAX_ID_LENGTH)
/**
 * An id the API addresses in a path (/passports/:id, /systems/:subjectId/passports): well-formed
 * Unicode (a lone surrogate has no URL form, and the database would store U+FFFD instead) and at
 * most MAX_PARAM_LENGTH characters percent-encoded.
 */
const PathId = Text.refine((s) => encodedLength(s) <= MAX_PARAM_LENGTH, {
  message: `is not well-formed Unicode, or longer than ${MAX_PARAM_LENGTH} characters percent-encoded (too long for a URL path)`,
})

function encodedLength(s: string): number {
  try {
    return encodeURIComponent(s).length
  } catch {
    return Infinity // URIError: a lone surrogate
  }
}

const RecordClaims = z.object({
  vct: z.literal(PASSPORT_VCT),
  iss: Text,
  jti: PathId,
  credentialSubject: z.object({
    id: PathId,
    system: z.object({ name: Text, version: Text }),
    provider: z.object({ name: Text, country: z.string().max(8).optional() }),
    classification: z.record(z.string().max(64), z.object({ category: Text })).optional(),
  }),
})

export type RecordResult = { ok: true; record: PassportRecord } | { ok: false; message: string }

/** The registry record of a verified passport, or why the claims cannot make one. */
export function passportRecord(
  claims: PassportClaims,
  token: string,
  kid: string,
  publishedAt: string,
): RecordResult {
  const parsed = RecordClaims.safeParse(claims)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      ok: false,
      message:
        `the passport claims lack what the registry indexes: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    }
  }
  const c = parsed.data
  const classification = c.credentialSubject.classification ?? {}
  const jurisdictions = Object.keys(classification).sort()
  const issuerJwt = token.slice(0, token.indexOf('~'))
  return {
    ok: true,
    record: {
      id: c.jti,
      issuer: c.iss,
      kid,
      subjectId: c.credentialSubject.id,
      systemName: c.credentialSubject.system.name,
      systemVersion: c.credentialSubject.system.version,
      providerName: c.credentialSubject.provider.name,
      providerCountry: c.credentialSubject.provider.country ?? null,
      jurisdictions,
      categories: Object.fromEntries(
        jurisdictions.map((j) => [j, [(classification[j] as { category: string }).category]]),
      ),
      token,
      issuerJwtSha256: sha256Hex(issuerJwt),
      publishedAt,
    },
  }
}
