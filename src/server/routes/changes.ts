/**
 * What changed between two published passports of a system (`accord diff` in the registry):
 * GET /api/v1/passports/:id/changes?since=<otherId> compares the passport `since` (old) with `:id`
 * (new); without `since`, with the previous version of the same system, the next older passport
 * of its subject id in GET /api/v1/systems/:subjectId/passports. The claims are read as the
 * registry verified them at publish (signature and disclosures), so no signature result is given.
 */
import type { FastifyInstance } from 'fastify'
import { PassportError } from '../../core/errors.js'
import { diffPassports, diffablePassport, type PassportDiff } from '../../core/passport/diff.js'
import type { PassportClaims } from '../../core/passport/types.js'
import type { StoredPassport } from '../../core/store.js'
import { ApiError, type RouteContext } from '../app.js'
import { hasher } from '../passport-record.js'
import { PassportId, errors } from '../schemas.js'
import { getStoredPassport, systemPassports } from './passports.js'

const PassportRef = {
  type: 'object',
  required: ['jti', 'issuer', 'system', 'version', 'issuedAt'],
  properties: {
    jti: { type: 'string', description: 'The passport id.' },
    issuer: { type: 'string' },
    system: { type: 'string', description: 'The system name.' },
    version: { type: 'string' },
    issuedAt: { type: 'string', description: 'ISO 8601 (the passport’s iat).' },
  },
} as const

const EFFECT = { type: 'string', enum: ['worse', 'better', 'review', 'neutral'] } as const

/** `diffPassports`' result (core/passport/diff.ts), as `accord diff --json` prints it. */
export const PassportChanges = {
  type: 'object',
  required: ['old', 'new', 'sameSystem', 'sameIssuer', 'changes', 'counts', 'notComparable'],
  properties: {
    old: PassportRef,
    new: PassportRef,
    sameSystem: { type: 'boolean' },
    sameIssuer: { type: 'boolean' },
    changes: {
      type: 'array',
      description: 'Sorted by effect (worse, better, review, neutral), then area and path.',
      items: {
        type: 'object',
        required: ['area', 'path', 'before', 'after', 'effect', 'message'],
        properties: {
          area: { type: 'string' },
          path: { type: 'string', description: 'e.g. `assurance.updateNoticeDays`.' },
          before: { description: 'The value in the old passport; null when the new one added it.' },
          after: { description: 'The value in the new passport; null when it was removed.' },
          effect: EFFECT,
          message: { type: 'string' },
        },
      },
    },
    counts: {
      type: 'object',
      required: ['worse', 'better', 'review', 'neutral'],
      properties: {
        worse: { type: 'integer' },
        better: { type: 'integer' },
        review: { type: 'integer' },
        neutral: { type: 'integer' },
      },
    },
    notComparable: {
      type: 'array',
      description: 'Parts disclosed in only one of the two passports.',
      items: {
        type: 'object',
        required: ['path', 'disclosedIn'],
        properties: {
          path: { type: 'string' },
          disclosedIn: { type: 'string', enum: ['old', 'new'] },
        },
      },
    },
  },
} as const

/** The claims of a stored passport as diffPassports reads them (422 when it cannot). */
function claimsOf(stored: StoredPassport): PassportClaims {
  // The registry verified the signature and every disclosure when the passport was published.
  const read = diffablePassport(stored.token, hasher)
  if (!read.ok)
    throw new ApiError(
      'ERR_PASSPORT_MALFORMED',
      `passport ${JSON.stringify(stored.id)} ${read.problem}`,
      422,
    )
  return read.claims
}

/**
 * The passport published before `stored` of the same system: the one after it in the system's
 * listing (GET /api/v1/systems/:subjectId/passports, newest first), or null when it is the oldest.
 */
async function previousVersion(
  ctx: RouteContext,
  stored: StoredPassport,
): Promise<StoredPassport | null> {
  const versions = await systemPassports(ctx, stored.subjectId)
  const at = versions.findIndex((p) => p.id === stored.id)
  return at === -1 ? null : (versions[at + 1] ?? null)
}

export function registerChangesRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { id: string }; Querystring: { since?: string } }>(
    '/api/v1/passports/:id/changes',
    {
      schema: {
        summary:
          "What changed since the previous version of the system (or since the passport `since`), judged from the buyer's side as `accord diff --json`",
        tags: ['passports'],
        params: { type: 'object', required: ['id'], properties: { id: PassportId } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: {
              ...PassportId,
              description:
                'The older passport (its id) of the same system; default the previous version.',
            },
          },
        },
        response: { 200: PassportChanges, ...errors(400, 404, 422) },
      },
    },
    async (request): Promise<PassportDiff> => {
      const now = await getStoredPassport(ctx, request.params.id)
      const { since } = request.query
      let before: StoredPassport
      if (since === undefined) {
        const previous = await previousVersion(ctx, now)
        if (previous === null)
          throw new PassportError({
            code: 'ERR_PASSPORT_NO_PREVIOUS_VERSION',
            message: `passport ${JSON.stringify(now.id)} is the first version of system ${JSON.stringify(now.subjectId)} in the registry: there is no previous version to compare it with`,
          })
        before = previous
      } else {
        before = await getStoredPassport(ctx, since)
        if (before.subjectId !== now.subjectId)
          throw new ApiError(
            'ERR_CONFIG_BAD_REQUEST',
            `since: passport ${JSON.stringify(before.id)} is of another system (${JSON.stringify(before.subjectId)}) than passport ${JSON.stringify(now.id)} (${JSON.stringify(now.subjectId)}); changes are between versions of one system (accord diff compares any two passports)`,
          )
      }
      return diffPassports(claimsOf(before), claimsOf(now))
    },
  )
}
