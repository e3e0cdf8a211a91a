/**
 * Delegations: an issuer key authorises another key (the delegate) to change the status of the
 * passports it issued (revoke, suspend, reinstate), e.g. a revocation desk that does not hold the
 * signing key. Granting and withdrawing take a signed request by the issuer key, and both are
 * appended to the transparency log, so anyone can audit who was allowed to act for an issuer
 * and when. The status route (passports.ts) accepts a request signed by an active delegate.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { AccordError } from '../../core/errors.js'
import { jwkThumbprint, parsePublicJwk } from '../../core/passport/jwk.js'
import type { DelegationRecord, DelegationStored } from '../../core/store.js'
import { ApiError, type RouteContext } from '../app.js'
import { SignedRequest, errors } from '../schemas.js'
import { isoNow, keyOf } from './passports.js'

/** A kid: an RFC 7638 SHA-256 thumbprint is 43 base64url characters; allow some slack. */
const Kid = { type: 'string', minLength: 1, maxLength: 128 } as const
const DelegationId = { type: 'string', minLength: 1, maxLength: 256 } as const

const Delegation = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    issuerKid: { type: 'string' },
    delegateKid: { type: 'string' },
    delegateJwk: { type: 'object', additionalProperties: true },
    scope: { type: 'string', enum: ['status'] },
    name: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    withdrawnAt: { type: ['string', 'null'] },
    logIndex: { type: ['integer', 'null'] },
    withdrawalLogIndex: { type: ['integer', 'null'] },
  },
} as const

const Params = { type: 'object', required: ['id'], properties: { id: DelegationId } } as const

interface GrantBody {
  delegate: Record<string, unknown>
  scope: 'status'
  name?: string
}

async function getDelegation(ctx: RouteContext, id: string): Promise<DelegationStored> {
  const found = await ctx.deps.store.getDelegation(id)
  if (found === null)
    throw new ApiError(
      'ERR_STORE_NOT_FOUND',
      `delegation ${JSON.stringify(id)} is not in the registry`,
    )
  return found
}

export function registerDelegationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Body: GrantBody }>(
    '/api/v1/delegations',
    {
      bodyLimit: 4096,
      preValidation: ctx.signed,
      schema: {
        summary:
          'Authorise a delegate key to change the status of the passports of the signing issuer key',
        tags: ['delegations'],
        security: SignedRequest,
        body: {
          type: 'object',
          required: ['delegate', 'scope'],
          additionalProperties: false,
          properties: {
            delegate: {
              type: 'object',
              maxProperties: 16,
              description:
                'Public JWK of the delegate key (Ed25519 or P-256; public members only, no "d").',
            },
            scope: {
              type: 'string',
              enum: ['status'],
              description: 'What the delegate may do: `status` = revoke, suspend, reinstate.',
            },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              delegateKid: { type: 'string' },
              issuerKid: { type: 'string' },
              logIndex: { type: 'integer' },
            },
          },
          ...errors(400, 401, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const key = keyOf(request)
      let delegateJwk: Record<string, unknown>
      let delegateKid: string
      try {
        const parsed = await parsePublicJwk(request.body.delegate, 'delegate')
        delegateKid = await jwkThumbprint(parsed)
        // Stored as the public members only, with its kid being the thumbprint (whatever kid the
        // request gave), so the stored key is exactly the one `delegateKid` names.
        delegateJwk = { ...parsed, kid: delegateKid }
      } catch (err) {
        if (err instanceof AccordError) throw new ApiError(err.code, err.message, 422)
        throw err
      }
      if (delegateKid === key.kid)
        throw new ApiError(
          'ERR_CONFIG_BAD_REQUEST',
          'a key cannot delegate to itself: the issuer key may already change the status of its passports',
        )
      const scope = request.body.scope
      const active = await ctx.deps.store.activeDelegation(key.kid, delegateKid, scope)
      if (active !== null)
        throw new ApiError(
          'ERR_STORE_CONFLICT',
          `key ${delegateKid} already has an active "${scope}" delegation from ${key.kid} (${active.id}); withdraw it before granting another`,
        )
      const delegation: DelegationRecord = {
        id: `urn:uuid:${randomUUID()}`,
        issuerKid: key.kid,
        delegateKid,
        delegateJwk,
        scope,
        name: request.body.name ?? null,
        createdAt: isoNow(ctx),
      }
      // A concurrent identical grant is refused by the store's unique index (409 too).
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([{ type: 'delegation', delegation }])
      request.log.info(
        { delegationId: delegation.id, issuerKid: key.kid, delegateKid, logIndex },
        'delegated',
      )
      return reply
        .code(201)
        .header('location', `/api/v1/delegations/${encodeURIComponent(delegation.id)}`)
        .send({ id: delegation.id, delegateKid, issuerKid: key.kid, logIndex })
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/api/v1/delegations/:id',
    {
      preValidation: ctx.signed,
      schema: {
        summary: 'Withdraw a delegation (signed request by the issuer key that granted it)',
        tags: ['delegations'],
        security: SignedRequest,
        params: Params,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              withdrawnAt: { type: 'string' },
              logIndex: { type: 'integer' },
            },
          },
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request) => {
      const key = keyOf(request)
      const found = await getDelegation(ctx, request.params.id)
      if (found.issuerKid !== key.kid)
        throw new ApiError(
          'ERR_PASSPORT_REQUEST_FORBIDDEN',
          `delegation ${found.id} was granted by key ${found.issuerKid}; only that key may withdraw it`,
        )
      if (found.withdrawnAt !== null)
        throw new ApiError(
          'ERR_STORE_CONFLICT',
          `delegation ${found.id} was already withdrawn at ${found.withdrawnAt}`,
        )
      const at = isoNow(ctx)
      // The store re-checks issuer, delegate and "still active" in the commit's transaction.
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([
        {
          type: 'delegation-withdrawal',
          withdrawal: { id: found.id, issuerKid: key.kid, delegateKid: found.delegateKid, at },
        },
      ])
      request.log.info({ delegationId: found.id, logIndex }, 'delegation withdrawn')
      return { id: found.id, withdrawnAt: at, logIndex }
    },
  )

  app.get<{ Querystring: { issuerKid: string } }>(
    '/api/v1/delegations',
    {
      schema: {
        summary: 'The delegations an issuer key granted, active and withdrawn, oldest first',
        tags: ['delegations'],
        querystring: {
          type: 'object',
          required: ['issuerKid'],
          additionalProperties: false,
          properties: { issuerKid: Kid },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: Delegation } } },
          ...errors(400),
        },
      },
    },
    async (request) => ({ items: await ctx.deps.store.listDelegations(request.query.issuerKid) }),
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/delegations/:id',
    {
      schema: {
        summary: 'One delegation',
        tags: ['delegations'],
        params: Params,
        response: { 200: Delegation, ...errors(404) },
      },
    },
    async (request) => getDelegation(ctx, request.params.id),
  )
}
