/**
 * The registry-wide feeds partners poll (`GET /api/v1/incidents`, `GET /api/v1/evaluations`): the
 * records of every passport with a log index greater than `after`, in log order, at most `limit`,
 * and the `after` of the next call. With `order=desc`, the same feed newest first: the records
 * with a log index lower than `before` (or the newest), and the `before` of the next older page.
 * One route shape for every kind of record.
 */
import type { FastifyInstance } from 'fastify'
import { ApiError } from '../app.js'
import type { FeedPageBefore } from '../../core/store.js'
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
  /** The stored records before `before` (null: the newest), newest first (a RegistryStore feed). */
  loadBefore: (before: number | null, limit: number) => Promise<FeedPageBefore<S>>
  /** One stored record as the API gives it. */
  view: (stored: S) => unknown
}

export function registerFeedRoute<S extends { logIndex: number | null }>(
  app: FastifyInstance,
  feed: FeedRoute<S>,
): void {
  app.get<{
    Querystring: { order: 'asc' | 'desc'; after?: number; before?: number; limit: number }
  }>(
    feed.path,
    {
      schema: {
        summary: feed.summary,
        tags: [feed.tag],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            order: {
              type: 'string',
              enum: ['asc', 'desc'],
              default: 'asc',
              description: `asc: oldest first, after \`after\`; desc: newest first, before \`before\`.`,
            },
            after: {
              type: 'integer',
              minimum: -1,
              maximum: Number.MAX_SAFE_INTEGER,
              description: `order=asc: only ${feed.items} with a greater log index (-1, the default: from the start).`,
            },
            before: {
              type: 'integer',
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
              description: `order=desc: only ${feed.items} with a lower log index (absent: from the newest).`,
            },
            limit: { type: 'integer', minimum: 1, maximum: MAX_FIND_LIMIT, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: feed.item },
              /** order=asc: the log index to pass as `after` next time (the last item's, or `after`). */
              nextAfter: { type: 'integer' },
              /**
               * order=desc: the log index to pass as `before` for the next older page (the last
               * item's), or null when there are no older items.
               */
              nextBefore: { type: ['integer', 'null'] },
            },
          },
          ...errors(400),
        },
      },
    },
    async (request) => {
      const { order, after, before, limit } = request.query
      if (order === 'desc') {
        if (after !== undefined)
          throw new ApiError(
            'ERR_CONFIG_BAD_REQUEST',
            'querystring/after is for order=asc; with order=desc, page with before (the nextBefore of the previous page)',
          )
        const page = await feed.loadBefore(before ?? null, limit)
        const last = page.items[page.items.length - 1]
        return {
          items: page.items.map(feed.view),
          nextBefore: page.older ? (last?.logIndex ?? null) : null,
        }
      }
      if (before !== undefined)
        throw new ApiError(
          'ERR_CONFIG_BAD_REQUEST',
          'querystring/before is for order=desc (newest first); with order=asc (the default), page with after',
        )
      const from = after ?? -1
      const stored = await feed.load(from, limit)
      const last = stored[stored.length - 1]
      return { items: stored.map(feed.view), nextAfter: last?.logIndex ?? from }
    },
  )
}
