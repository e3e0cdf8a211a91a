/**
 * Who this registry is: the audience its signed requests must name (`aud`, signed-request.ts),
 * and the identity of its transparency log. Clients (`accord publish`) read it before signing.
 */
import type { FastifyInstance } from 'fastify'
import { LOG_API, type RegistryInfoResponse } from '../../core/tlog/api.js'
import type { RouteContext } from '../app.js'

export function registerRegistryInfoRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { origin, verifierKey } = ctx.deps.registry
  const info: RegistryInfoResponse = {
    audience: verifierKey,
    logOrigin: origin,
    logVerifierKey: verifierKey,
  }
  app.get(
    LOG_API.registry,
    {
      schema: {
        summary: 'This registry: the audience of its signed requests, and its log identity',
        tags: ['registry'],
        response: {
          200: {
            type: 'object',
            required: ['audience', 'logOrigin', 'logVerifierKey'],
            properties: {
              audience: {
                type: 'string',
                description:
                  'Put this string, verbatim, as `aud` in the payload of every signed request to this registry.',
              },
              logOrigin: {
                type: 'string',
                description: 'The origin (first line) of the log checkpoints.',
              },
              logVerifierKey: {
                type: 'string',
                description: "The log's C2SP verifier key, `<origin>+<key ID>+<key>`.",
              },
            },
          },
        },
      },
    },
    async () => info,
  )
}
