/**
 * Passports: publish (issuer-signed request), read, search, by system, and status changes (by the
 * issuer key or a key it delegated to).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { StoreError } from '../../core/errors.js'
import { DEFAULT_MAX_TOKEN_BYTES } from '../../core/passport/sd-jwt.js'
import type { PassportRecord, PassportStatus, StoredPassport } from '../../core/store.js'
import { ApiError, type RouteContext } from '../app.js'
import type { RegistryItem } from '../deps.js'
import { BATCH_BODY_LIMIT, MAX_BATCH_PASSPORTS, MAX_ID_LENGTH } from '../limits.js'
import type { RequestKey } from '../signed-request.js'
import { withMirror, withMirrors } from '../mirrors.js'
import {
  PassportFull,
  PassportId,
  PassportSummary,
  Published,
  SignedRequest,
  errors,
} from '../schemas.js'

/** Body limit of a publish: the largest passport plus JSON framing. */
export const PUBLISH_BODY_LIMIT = DEFAULT_MAX_TOKEN_BYTES + 1024
/** Largest page of a search. */
export const MAX_PAGE = 100
/** Most passports (versions of one system) GET /systems/:subjectId/passports returns. */
export const MAX_SYSTEM_PASSPORTS = 10_000

export function isoNow(ctx: RouteContext): string {
  return new Date(ctx.nowSeconds() * 1000).toISOString()
}

/** The verified request key; routes using it run `ctx.signed` as preValidation. */
export function keyOf(request: FastifyRequest): RequestKey {
  const key = request.requestKey
  if (key === undefined) throw new TypeError('route without ctx.signed preValidation')
  return key
}

export async function getStoredPassport(ctx: RouteContext, id: string): Promise<StoredPassport> {
  const stored = await ctx.deps.store.getPassport(id)
  if (stored === null)
    throw new StoreError({
      code: 'ERR_STORE_NOT_FOUND',
      message: `passport ${JSON.stringify(id)} is not in the registry`,
    })
  return stored
}

/**
 * Every passport (version) of the system `subjectId`, newest first (publishedAt, then id,
 * descending), through the store's subject index; bounded by MAX_SYSTEM_PASSPORTS.
 */
export async function systemPassports(
  ctx: RouteContext,
  subjectId: string,
): Promise<StoredPassport[]> {
  const items: StoredPassport[] = []
  let cursor: string | null = null
  do {
    const page = await ctx.deps.store.findPassports({ subjectId, limit: 1000, cursor })
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== null && items.length < MAX_SYSTEM_PASSPORTS)
  return items
}

/** A registry item of a passport, with the log entry the publish pool computed. */
export type PassportItem = Extract<RegistryItem, { type: 'passport' }>

/**
 * The registry items of passports the request key may publish, in order: each signed by that
 * key, verifying in full, with the claims the registry indexes, its log entry and the key as its
 * `issuerJwk`. The first refusal throws (403, 422); in a batch it names the passport's index.
 * A partner's passport is mirrored through it too (src/server/partners.ts).
 */
export async function publishableItems(
  ctx: RouteContext,
  key: RequestKey,
  passports: readonly string[],
  batch: boolean,
): Promise<PassportItem[]> {
  const tokens = passports.map((p) => p.trim())
  const outcomes = await ctx.publishPool.check({
    key,
    tokens,
    nowSeconds: ctx.nowSeconds(),
    publishedAt: isoNow(ctx),
  })
  return outcomes.map((outcome, i) => {
    if (!outcome.ok) {
      const { code, message, status, reason } = outcome.refusal
      const text = batch ? `passports[${i}]: ${message}; nothing was published` : message
      throw new ApiError(code, text, status, reason)
    }
    const passport: PassportRecord = {
      ...outcome.record,
      token: tokens[i] as string,
      issuerJwk: key.jwk,
    }
    return { type: 'passport', passport, entry: outcome.entry }
  })
}

function summary(p: StoredPassport): Omit<StoredPassport, 'token'> {
  const rest: Partial<StoredPassport> = { ...p }
  delete rest.token
  return rest as Omit<StoredPassport, 'token'>
}

const StatusBody = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['revoked', 'suspended', 'valid'] },
    reason: { type: 'string', maxLength: 500 },
  },
} as const

export function registerPassportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: { passport: string } }>(
    '/api/v1/passports',
    {
      bodyLimit: PUBLISH_BODY_LIMIT,
      preValidation: ctx.signed,
      schema: {
        summary: 'Publish a passport (signed request by its issuer key)',
        tags: ['passports'],
        security: SignedRequest,
        body: {
          type: 'object',
          required: ['passport'],
          additionalProperties: false,
          properties: {
            passport: {
              type: 'string',
              minLength: 1,
              maxLength: DEFAULT_MAX_TOKEN_BYTES,
              description: 'The passport SD-JWT (compact, with all disclosures).',
            },
          },
        },
        response: {
          201: Published,
          ...errors(400, 401, 403, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const key = keyOf(request)
      const [item] = (await publishableItems(ctx, key, [request.body.passport], false)) as [
        PassportItem,
      ]
      const record = item.passport
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([item])
      request.log.info({ passportId: record.id, kid: key.kid, logIndex }, 'published')
      return reply
        .code(201)
        .header('location', `/api/v1/passports/${encodeURIComponent(record.id)}`)
        .send({ id: record.id, logIndex })
    },
  )

  app.post<{ Body: { passports: string[] } }>(
    '/api/v1/passports/batch',
    {
      bodyLimit: BATCH_BODY_LIMIT,
      preValidation: ctx.signed,
      schema: {
        summary: `Publish up to ${MAX_BATCH_PASSPORTS} passports at once, all or none (signed request by their issuer key)`,
        tags: ['passports'],
        security: SignedRequest,
        body: {
          type: 'object',
          required: ['passports'],
          additionalProperties: false,
          properties: {
            passports: {
              type: 'array',
              minItems: 1,
              maxItems: MAX_BATCH_PASSPORTS,
              items: { type: 'string', minLength: 1, maxLength: DEFAULT_MAX_TOKEN_BYTES },
              description:
                'Passport SD-JWTs (compact, with all disclosures), all signed by the request key.',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              items: { type: 'array', items: Published },
            },
          },
          ...errors(400, 401, 403, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const key = keyOf(request)
      const { passports } = request.body
      const items = await publishableItems(ctx, key, passports, true)
      const records = items.map((item) => item.passport)
      const ids = new Set<string>()
      for (const [i, r] of records.entries()) {
        if (ids.has(r.id))
          throw new StoreError({
            code: 'ERR_STORE_CONFLICT',
            message: `passports[${i}]: passport ${JSON.stringify(r.id)} appears twice in the batch; nothing was published`,
          })
        ids.add(r.id)
      }
      // One registry call: the passports are committed together or not at all.
      const { indexes } = await ctx.deps.registry.publish(items)
      request.log.info({ kid: key.kid, count: records.length, first: indexes[0] }, 'published')
      return reply
        .code(201)
        .send({ items: records.map((r, i) => ({ id: r.id, logIndex: indexes[i] })) })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/passports/:id',
    {
      schema: {
        summary: 'A published passport with its status and log index',
        tags: ['passports'],
        params: { type: 'object', required: ['id'], properties: { id: PassportId } },
        response: { 200: PassportFull, ...errors(404) },
      },
    },
    async (request) => withMirror(ctx.deps.store, await getStoredPassport(ctx, request.params.id)),
  )

  app.get<{
    Querystring: {
      provider?: string
      system?: string
      jurisdiction?: string
      category?: string
      status?: PassportStatus
      limit: number
      cursor?: string
    }
  }>(
    '/api/v1/passports',
    {
      schema: {
        summary: 'Search passports (newest first; without tokens)',
        tags: ['passports'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            provider: { type: 'string', maxLength: 200, description: 'substring, any case' },
            system: { type: 'string', maxLength: 200, description: 'substring, any case' },
            jurisdiction: { type: 'string', maxLength: 64 },
            category: { type: 'string', maxLength: 64 },
            status: { type: 'string', enum: ['valid', 'revoked', 'suspended'] },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 20 },
            cursor: { type: 'string', maxLength: 512 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: PassportSummary },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...errors(400),
        },
      },
    },
    async (request) => {
      const q = request.query
      const result = await ctx.deps.store.findPassports({
        limit: q.limit,
        ...(q.provider ? { provider: q.provider } : {}),
        ...(q.system ? { system: q.system } : {}),
        ...(q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      })
      return {
        items: (await withMirrors(ctx.deps.store, result.items)).map(summary),
        nextCursor: result.nextCursor,
      }
    },
  )

  app.get<{ Params: { subjectId: string } }>(
    '/api/v1/systems/:subjectId/passports',
    {
      schema: {
        summary: 'Every passport of one AI system (all its versions), newest first',
        tags: ['passports'],
        params: {
          type: 'object',
          required: ['subjectId'],
          properties: { subjectId: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH } },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: PassportSummary } } },
        },
      },
    },
    async (request) => ({
      items: (
        await withMirrors(ctx.deps.store, await systemPassports(ctx, request.params.subjectId))
      ).map(summary),
    }),
  )

  app.post<{ Params: { id: string }; Body: { status: PassportStatus; reason?: string } }>(
    '/api/v1/passports/:id/status',
    {
      bodyLimit: 4096,
      preValidation: ctx.signed,
      schema: {
        summary:
          'Revoke, suspend or reinstate a passport (signed request by its issuer key or a delegate of it)',
        tags: ['passports'],
        security: SignedRequest,
        params: { type: 'object', required: ['id'], properties: { id: PassportId } },
        body: StatusBody,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { type: 'string' },
              logIndex: { type: 'integer' },
            },
          },
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request) => {
      const key = keyOf(request)
      const stored = await getStoredPassport(ctx, request.params.id)
      // The issuer key, or a key it delegated status changes to (routes/delegations.ts) and has
      // not withdrawn; `byKid` records which key acted. A delegate's change carries the
      // delegation, which the store checks again inside the commit (a withdrawal that commits
      // first wins: 409).
      const delegation =
        stored.kid === key.kid
          ? undefined
          : await ctx.deps.store.activeDelegation(stored.kid, key.kid, 'status')
      if (delegation === null)
        throw new ApiError(
          'ERR_PASSPORT_REQUEST_FORBIDDEN',
          `passport ${stored.id} was issued with key ${stored.kid}; only that key, or a key it delegated status changes to (POST /api/v1/delegations), may change its status, and ${key.kid} has no active delegation from it`,
        )
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([
        {
          type: 'status',
          change: {
            passportId: stored.id,
            status: request.body.status,
            reason: request.body.reason ?? null,
            byKid: key.kid,
            at: isoNow(ctx),
            ...(delegation ? { delegationId: delegation.id } : {}),
          },
        },
      ])
      request.log.info({ passportId: stored.id, status: request.body.status, logIndex }, 'status')
      return { id: stored.id, status: request.body.status, logIndex }
    },
  )
}
