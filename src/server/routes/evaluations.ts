/**
 * Evaluation results about passports, shared through the registry so partners (buyers,
 * deployers, authorities) see what an evaluator measured. Like incident reports, a result is
 * authenticated by its own signature: the request carries the evaluator's public JWK, whose
 * RFC 7638 thumbprint must be the result's header kid (./token-key.ts). The registry checks the
 * result against the stored passport (binding and artifacts), records it and appends an
 * `evaluation` entry to the transparency log.
 */
import type { FastifyInstance } from 'fastify'
import {
  MAX_EVALUATION_RESULT_CHARS,
  decodeEvaluationResult,
  verifyEvaluationResult,
} from '../../core/evaluation/result.js'
import { issuerJwtOf } from '../../core/passport/endorse.js'
import type {
  EvaluationStored,
  RegistryItem,
  RegistryStore,
  StoredPassport,
} from '../../core/store.js'
import { LOG_API } from '../../core/tlog/api.js'
import type { RouteContext } from '../app.js'
import { PassportId, errors } from '../schemas.js'
import { sha256Hex } from '../signed-request.js'
import { MirroredFromSchema, withMirrors } from '../mirrors.js'
import { registerFeedRoute } from './feed.js'
import { AnyObject } from './incidents.js'
import { getStoredPassport, isoNow } from './passports.js'
import { rejected, tokenKey, type TokenKind } from './token-key.js'

const Params = { type: 'object', required: ['id'], properties: { id: PassportId } } as const

const EVALUATION_RESULT: TokenKind = {
  what: 'evaluation result',
  jwkLabel: 'evaluator jwk',
  reason: 'evaluation-invalid',
}

const ResultItem = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    passportId: { type: 'string' },
    evaluatorKid: { type: 'string' },
    evaluatorJwk: AnyObject,
    method: { type: 'string' },
    performedAt: { type: 'string' },
    metrics: { type: 'integer' },
    thresholds: { type: 'integer' },
    thresholdsMet: { type: 'integer' },
    publishedAt: { type: 'string' },
    logIndex: { type: ['integer', 'null'] },
    token: { type: 'string' },
    /** The evaluation as the result states it (null when a stored token no longer decodes). */
    evaluation: AnyObject,
    mirroredFrom: MirroredFromSchema,
  },
} as const

/** A stored result with the evaluation it states (null when its token no longer decodes). */
export function resultItem(stored: EvaluationStored) {
  const decoded = decodeEvaluationResult(stored.token)
  return { ...stored, evaluation: decoded.ok ? decoded.claims.credentialSubject.evaluation : null }
}

/** The evaluation results of a passport, oldest first, each with its evaluation: API and page. */
export async function evaluationsOf(store: RegistryStore, passportId: string) {
  return (await withMirrors(store, await store.listEvaluations(passportId))).map(resultItem)
}

/**
 * The registry item of an evaluation result about the stored `passport`, signed by `jwk` (whose
 * thumbprint must be its kid), checked as POST /api/v1/passports/:id/evaluations checks it; 422
 * otherwise. A partner's result is mirrored through it too (src/server/partners.ts).
 */
export async function evaluationItem(
  ctx: RouteContext,
  passport: StoredPassport,
  token: string,
  jwk: unknown,
): Promise<Extract<RegistryItem, { type: 'evaluation' }>> {
  const key = await tokenKey(token, jwk, EVALUATION_RESULT)
  const result = await verifyEvaluationResult(token, {
    passportIssuerJwt: issuerJwtOf(passport.token),
    evaluatorKeys: [key],
    nowSeconds: ctx.nowSeconds(),
    sha256: (data) => sha256Hex(data),
  })
  if (!result.valid || result.claims === undefined) throw rejected(result.message, result.reason)
  const claims = result.claims
  const { method, performedAt, metrics } = claims.credentialSubject.evaluation
  const judged = metrics.filter((m) => m.threshold !== undefined)
  return {
    type: 'evaluation',
    evaluation: {
      id: claims.jti,
      passportId: passport.id,
      evaluatorKid: key.kid,
      evaluatorJwk: key.jwk,
      method: `${method.name} ${method.version}`,
      performedAt,
      metrics: metrics.length,
      thresholds: judged.length,
      thresholdsMet: judged.filter((m) => m.threshold?.met === true).length,
      token,
      publishedAt: isoNow(ctx),
    },
  }
}

export function registerEvaluationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { id: string }; Body: { result: string; jwk: Record<string, unknown> } }>(
    '/api/v1/passports/:id/evaluations',
    {
      bodyLimit: MAX_EVALUATION_RESULT_CHARS + 4096,
      schema: {
        summary:
          'Record an evaluation result about a passport (authenticated by its own signature)',
        tags: ['evaluations'],
        params: Params,
        body: {
          type: 'object',
          required: ['result', 'jwk'],
          additionalProperties: false,
          properties: {
            result: { type: 'string', minLength: 1, maxLength: MAX_EVALUATION_RESULT_CHARS },
            jwk: { type: 'object', description: "The evaluator's public JWK (kid = thumbprint)" },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, logIndex: { type: 'integer' } },
          },
          ...errors(400, 404, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const token = request.body.result.trim()
      const passport = await getStoredPassport(ctx, request.params.id)
      const item = await evaluationItem(ctx, passport, token, request.body.jwk)
      const { id } = item.evaluation
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([item])
      request.log.info(
        { passportId: passport.id, resultId: id, logIndex },
        'evaluation result recorded',
      )
      return reply.code(201).send({ id, logIndex })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/passports/:id/evaluations',
    {
      schema: {
        summary: 'Evaluation results of a passport, oldest first',
        tags: ['evaluations'],
        params: Params,
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: ResultItem } },
          },
          ...errors(404),
        },
      },
    },
    async (request) => {
      const passport = await getStoredPassport(ctx, request.params.id)
      return { items: await evaluationsOf(ctx.deps.store, passport.id) }
    },
  )

  registerFeedRoute(app, {
    path: LOG_API.evaluations,
    tag: 'evaluations',
    summary:
      'Evaluation results of every passport in log order, for partners polling: pass the last logIndex seen as `after`; newest first with order=desc and `before`',
    items: 'results',
    item: ResultItem,
    load: async (after, limit) =>
      withMirrors(ctx.deps.store, await ctx.deps.store.evaluationFeed(after, limit)),
    loadBefore: async (before, limit) => {
      const page = await ctx.deps.store.evaluationFeedBefore(before, limit)
      return { ...page, items: await withMirrors(ctx.deps.store, page.items) }
    },
    view: resultItem,
  })
}
