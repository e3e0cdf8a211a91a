/**
 * Status lists: an issuer uploads its signed Status List Token (draft-ietf-oauth-status-list)
 * after a status change; verifiers fetch it (`accord verify --status-list URL`).
 */
import type { FastifyInstance } from 'fastify'
import {
  MAX_STATUS_LIST_TOKEN_BYTES,
  STATUS_LIST_TYP,
  parseStatusListPayload,
  statusListIdOf,
  statusListIssuedAt as issuedAt,
  verifyCompactJws,
} from '../../core/passport/status.js'
import { ApiError, type RouteContext } from '../app.js'
import { SignedRequest, errors } from '../schemas.js'
import { MAX_REQUEST_SKEW_SECONDS } from '../signed-request.js'
import { isoNow, keyOf } from './passports.js'

export const STATUS_LIST_MEDIA_TYPE = `application/${STATUS_LIST_TYP}`
const ListIdParams = {
  type: 'object',
  required: ['listId'],
  properties: { listId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' } },
} as const

export function registerStatusListRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.put<{ Params: { listId: string }; Body: string }>(
    '/api/v1/status-lists/:listId',
    {
      bodyLimit: MAX_STATUS_LIST_TOKEN_BYTES,
      preValidation: ctx.signed,
      schema: {
        summary: "Upload the issuer's Status List Token (signed request by the list's key)",
        tags: ['status lists'],
        security: SignedRequest,
        consumes: [STATUS_LIST_MEDIA_TYPE],
        params: ListIdParams,
        body: { type: 'string', minLength: 1 },
        response: {
          200: {
            type: 'object',
            properties: { listId: { type: 'string' }, updatedAt: { type: 'string' } },
          },
          ...errors(400, 401, 403, 409, 413, 422, 429),
        },
      },
    },
    async (request) => {
      const key = keyOf(request)
      const { listId } = request.params
      if (typeof request.body !== 'string')
        throw new ApiError(
          'ERR_CONFIG_BAD_REQUEST',
          `send the token as ${STATUS_LIST_MEDIA_TYPE}, not JSON`,
        )
      const token = request.body.trim()
      const existing = await ctx.deps.store.getStatusList(listId)
      if (existing !== null && existing.issuer !== key.kid)
        throw new ApiError(
          'ERR_PASSPORT_REQUEST_FORBIDDEN',
          `status list ${listId} belongs to key ${existing.issuer}; only that key may replace it`,
        )
      const verified = await verifyCompactJws(
        token,
        [{ kid: key.kid, jwk: key.jwk }],
        [STATUS_LIST_TYP],
      )
      if (!verified.ok) {
        if (verified.failure === 'key-unknown')
          throw new ApiError(
            'ERR_PASSPORT_REQUEST_FORBIDDEN',
            'the status list token is not signed by the key that signed this request',
          )
        throw new ApiError(
          'ERR_PASSPORT_REJECTED',
          `status list token: ${verified.message}`,
          422,
          verified.failure === 'malformed' ? 'malformed' : 'signature-invalid',
        )
      }
      let sub: string
      try {
        // parseStatusListPayload checked that sub is a string.
        sub = parseStatusListPayload(verified.payload).sub as string
      } catch (err) {
        throw new ApiError('ERR_PASSPORT_REJECTED', (err as Error).message, 422, 'malformed')
      }
      // The token's sub is the uri in the passports of its list (draft-ietf-oauth-status-list), and
      // that uri's last path segment is the id this registry serves the list under (the web UI
      // looks it up so). A token of another list stored here would be refused by every verifier of
      // this list's passports, so it is refused now, also where one key signs both lists.
      if (statusListIdOf(sub) !== listId)
        throw new ApiError(
          'ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH',
          `the status list token is for another list: its sub is ${JSON.stringify(sub)}, whose last path segment is not the list id ${listId}; upload it under the id its sub names, or sign list ${listId} with sub = its own uri (…/${listId})`,
        )
      // No rollback to an older list: a replaced list must not bring a revoked entry back. Checked
      // inside the write, against the list it replaces, so concurrent uploads cannot roll back.
      const iat = issuedAt(token)
      // A token dated ahead (a signer's clock off) would make every later upload "older" (409)
      // until that time: refused, with the same skew as signed requests allow.
      if (iat > ctx.nowSeconds() + MAX_REQUEST_SKEW_SECONDS)
        throw new ApiError(
          'ERR_PASSPORT_REJECTED',
          `status list token: iat ${iat} is more than ${MAX_REQUEST_SKEW_SECONDS} s ahead of the registry's clock (${ctx.nowSeconds()}); check the signer's clock and sign the list again`,
          422,
          'malformed',
        )
      const updatedAt = isoNow(ctx)
      await ctx.deps.store.putStatusList(
        { listId, issuer: key.kid, token, updatedAt },
        {
          check: (stored) => {
            if (iat < issuedAt(stored.token))
              throw new ApiError(
                'ERR_STORE_CONFLICT',
                `the status list token is older (iat) than the one stored for ${listId}`,
              )
          },
        },
      )
      request.log.info({ listId, kid: key.kid }, 'status list updated')
      return { listId, updatedAt }
    },
  )

  app.get<{ Params: { listId: string } }>(
    '/api/v1/status-lists/:listId',
    {
      schema: {
        summary: 'The Status List Token (application/statuslist+jwt)',
        tags: ['status lists'],
        produces: [STATUS_LIST_MEDIA_TYPE],
        params: ListIdParams,
        response: {
          200: { type: 'string', description: 'The signed Status List Token' },
          ...errors(404),
        },
      },
    },
    async (request, reply) => {
      const list = await ctx.deps.store.getStatusList(request.params.listId)
      if (list === null)
        throw new ApiError(
          'ERR_STORE_NOT_FOUND',
          `status list ${request.params.listId} has not been uploaded`,
        )
      return reply
        .type(STATUS_LIST_MEDIA_TYPE)
        .header('cache-control', 'no-cache')
        .header('last-modified', new Date(list.updatedAt).toUTCString())
        .send(list.token)
    },
  )
}
