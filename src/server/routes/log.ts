/**
 * The transparency log (RFC 9162 tree, C2SP signed-note checkpoints): every publish, status
 * change and endorsement is an entry. These routes delegate to the registry service.
 */
import type { FastifyInstance } from 'fastify'
import { ApiError, type RouteContext } from '../app.js'
import { SUBSCRIBERS_RETRY_AFTER_S } from '../log-events.js'
import { errors } from '../schemas.js'

const Index = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const
const Hashes = { type: 'array', items: { type: 'string' } } as const

export function registerLogRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/v1/log/checkpoint',
    {
      schema: {
        summary: 'The latest checkpoint (C2SP signed note, text/plain)',
        tags: ['log'],
        produces: ['text/plain'],
        response: { 200: { type: 'string' }, ...errors(503) },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send((await ctx.deps.registry.checkpoint()).note),
  )

  app.get<{ Headers: { 'last-event-id'?: string } }>(
    '/api/v1/log/events',
    {
      schema: {
        summary: 'New checkpoints as they are signed (Server-Sent Events, text/event-stream)',
        description:
          'A long-lived stream. On connect, and each time the log grows, an event `checkpoint` with `id` = tree size and `data` = JSON `{ size, note }`, `note` being the signed note of GET /api/v1/log/checkpoint. A comment line every 15 s (heartbeat). `Last-Event-ID`: the size the client already has; that event is not sent again. Past the subscriber limit: 503 with Retry-After. Counts as one request for the rate limit.',
        tags: ['log'],
        produces: ['text/event-stream'],
        headers: {
          type: 'object',
          properties: {
            'last-event-id': {
              type: 'string',
              maxLength: 32,
              description: 'The `id` (tree size) of the last event received.',
            },
          },
        },
        response: { 200: { type: 'string' }, ...errors(400, 503) },
      },
    },
    async (request, reply) => {
      const stream = ctx.logEvents.subscribe(request.headers['last-event-id'])
      if (stream === undefined) {
        void reply.header('retry-after', String(SUBSCRIBERS_RETRY_AFTER_S))
        throw new ApiError(
          'ERR_CONFIG_RATE_LIMITED',
          `the registry serves at most ${ctx.logEvents.maxSubscribers} event streams at once; retry after ${SUBSCRIBERS_RETRY_AFTER_S} s, or poll GET /api/v1/log/checkpoint`,
          503,
        )
      }
      return (
        reply
          .type('text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          // Reverse proxies (nginx) would otherwise buffer the stream.
          .header('x-accel-buffering', 'no')
          // The connection ends with the stream: nothing else is sent on it, and the server's
          // shutdown need not wait for an idle keep-alive connection after it.
          .header('connection', 'close')
          .send(stream)
      )
    },
  )

  app.get<{ Querystring: { index: number; size: number } }>(
    '/api/v1/log/proof/inclusion',
    {
      schema: {
        summary: 'Inclusion proof of entry `index` in the tree of size `size`',
        tags: ['log'],
        querystring: {
          type: 'object',
          required: ['index', 'size'],
          additionalProperties: false,
          properties: { index: Index, size: Index },
        },
        response: {
          200: {
            type: 'object',
            properties: { index: { type: 'integer' }, size: { type: 'integer' }, hashes: Hashes },
          },
          ...errors(400),
        },
      },
    },
    async (request) => ctx.deps.registry.inclusionProof(request.query.index, request.query.size),
  )

  app.get<{ Querystring: { from: number; to: number } }>(
    '/api/v1/log/proof/consistency',
    {
      schema: {
        summary: 'Consistency proof between tree sizes `from` and `to`',
        tags: ['log'],
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: Index, to: Index },
        },
        response: {
          200: {
            type: 'object',
            properties: { from: { type: 'integer' }, to: { type: 'integer' }, hashes: Hashes },
          },
          ...errors(400),
        },
      },
    },
    async (request) => ctx.deps.registry.consistencyProof(request.query.from, request.query.to),
  )

  app.get<{ Querystring: { start: number; end: number } }>(
    '/api/v1/log/entries',
    {
      schema: {
        summary: 'Log entries with start <= index < end',
        tags: ['log'],
        querystring: {
          type: 'object',
          required: ['start', 'end'],
          additionalProperties: false,
          properties: { start: Index, end: Index },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    index: { type: 'integer' },
                    kind: { type: 'string' },
                    payload: { type: 'string' },
                    leafHash: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errors(400),
        },
      },
    },
    async (request) => ({
      entries: await ctx.deps.registry.entries(request.query.start, request.query.end),
    }),
  )
}
