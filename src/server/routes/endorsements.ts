/**
 * Endorsements: a third party (assessor, notified body, authority) vouches for a passport. The
 * endorser is authenticated by the endorsement's own signature: the request carries the public
 * JWK, whose RFC 7638 thumbprint must be the endorsement's header kid; the registry records
 * which key endorsed (whether a buyer trusts that key is the buyer's policy).
 */
import type { FastifyInstance } from 'fastify'
import { decodeJwt } from 'jose'
import {
  MAX_ENDORSEMENT_CHARS,
  issuerJwtOf,
  verifyEndorsement,
} from '../../core/passport/endorse.js'
import type { RouteContext } from '../app.js'
import { PassportId, Published, errors } from '../schemas.js'
import { sha256Hex } from '../signed-request.js'
import { getStoredPassport, isoNow } from './passports.js'
import { rejected, tokenKey, type TokenKind } from './token-key.js'

const Params = { type: 'object', required: ['id'], properties: { id: PassportId } } as const

const ENDORSEMENT: TokenKind = {
  what: 'endorsement',
  jwkLabel: 'endorser jwk',
  reason: 'endorsement-invalid',
}

export function registerEndorsementRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { id: string }; Body: { endorsement: string; jwk: Record<string, unknown> } }>(
    '/api/v1/passports/:id/endorsements',
    {
      bodyLimit: MAX_ENDORSEMENT_CHARS + 4096,
      schema: {
        summary: 'Record an endorsement of a passport (authenticated by its own signature)',
        tags: ['endorsements'],
        params: Params,
        body: {
          type: 'object',
          required: ['endorsement', 'jwk'],
          additionalProperties: false,
          properties: {
            endorsement: { type: 'string', minLength: 1, maxLength: MAX_ENDORSEMENT_CHARS },
            jwk: { type: 'object', description: "The endorser's public JWK (kid = thumbprint)" },
          },
        },
        response: {
          201: Published,
          ...errors(400, 404, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const token = request.body.endorsement.trim()
      const passport = await getStoredPassport(ctx, request.params.id)
      const key = await tokenKey(token, request.body.jwk, ENDORSEMENT)
      const result = await verifyEndorsement(token, {
        passportIssuerJwt: issuerJwtOf(passport.token),
        trustedAssessorKeys: [key],
        nowSeconds: ctx.nowSeconds(),
        sha256: (data) => sha256Hex(data),
      })
      if (!result.valid) throw rejected(result.message, result.reason)
      const jti = decodeJwt(issuerJwtOf(token)).jti
      const id = typeof jti === 'string' && jti !== '' ? jti : `urn:sha256:${sha256Hex(token)}`
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([
        {
          type: 'endorsement',
          endorsement: {
            id,
            passportId: passport.id,
            endorserKid: key.kid,
            token,
            publishedAt: isoNow(ctx),
          },
        },
      ])
      request.log.info({ passportId: passport.id, endorsementId: id, logIndex }, 'endorsed')
      return reply.code(201).send({ id, logIndex })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/passports/:id/endorsements',
    {
      schema: {
        summary: 'Endorsements of a passport, oldest first',
        tags: ['endorsements'],
        params: Params,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    passportId: { type: 'string' },
                    endorserKid: { type: 'string' },
                    token: { type: 'string' },
                    publishedAt: { type: 'string' },
                    logIndex: { type: ['integer', 'null'] },
                  },
                },
              },
            },
          },
          ...errors(404),
        },
      },
    },
    async (request) => {
      const passport = await getStoredPassport(ctx, request.params.id)
      return { items: await ctx.deps.store.listEndorsements(passport.id) }
    },
  )
}
