/**
 * The registry-wide feeds partners poll (`GET /api/v1/incidents`, `GET /api/v1/evaluations`): the
 * records of every passport with a log index greater than `after`, in log order, at most `limit`,
 * and the `after` of the next call. One route shape for every kind of record.
 */
import type { FastifyInstance } from 'fastify'
import { MAX_FIND_LIMIT } from '../../node/store/sql-store.js'
import { errors } from '../schemas.js'

export interface FeedRoute<S extends { logIndex: number | null }> {
  /** The route, e.g. `/api/v1/incidents`. */
  path: string
  /** The OpenAPI tag of the kind's other routes. */
  tag: string
  summary: string
  /** What the items are, plural ("reports"), for the `after` parameter's description. */
  items: string
  /** The JSON schema of one item. */
  item: Record<string, unknown>
  /** The stored records after `after`, in log order (a RegistryStore feed). */
  load: (after: number, limit: number) => Promise<S[]>
  /** One stored record as the API gives it. */
  view: (stored: S) => unknown
}

export function registerFeedRoute<S extends { logIndex: number | null }>(
  app: FastifyInstance,
  feed: FeedRoute<S>,
): void {
  app.get<{ Querystring: { after: number; limit: number } }>(
    feed.path,
    {
      schema: {
        summary: feed.summary,
        tags: [feed.tag],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: {
              type: 'integer',
              minimum: -1,
              default: -1,
              description: `Only ${feed.items} with a greater log index (-1: from the start).`,
            },
            limit: { type: 'integer', minimum: 1, maximum: MAX_FIND_LIMIT, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: feed.item },
              /** The log index to pass as `after` next time (the last item's, or `after`). */
              nextAfter: { type: 'integer' },
            },
          },
          ...errors(400),
        },
      },
    },
    async (request) => {
      const { after, limit } = request.query
      const stored = await feed.load(after, limit)
      const last = stored[stored.length - 1]
      return { items: stored.map(feed.view), nextAfter: last?.logIndex ?? after }
    },
  )
}
