/** Liveness and readiness probes. */
import type { FastifyInstance } from 'fastify'
import { StoreError } from '../../core/errors.js'
import type { RouteContext } from '../app.js'
import { errors } from '../schemas.js'

export function registerHealthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const Ok = { type: 'object', properties: { status: { type: 'string' } } } as const
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Liveness: the process serves requests',
        tags: ['health'],
        response: { 200: Ok },
      },
    },
    async () => ({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Readiness: the store answers and its tables (migrations) exist',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, logSize: { type: 'integer' } },
          },
          ...errors(503),
        },
      },
    },
    async () => {
      try {
        // Reads log_head, created by migration 001: fails when unmigrated or unreachable.
        const logSize = await ctx.deps.store.logSize()
        return { status: 'ready', logSize }
      } catch {
        throw new StoreError({
          code: 'ERR_STORE_UNAVAILABLE',
          message: 'the registry store is not ready',
        })
      }
    },
  )
}
