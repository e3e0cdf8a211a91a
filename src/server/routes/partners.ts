/**
 * GET /api/v1/partners: the registries this one follows (`accord serve --follow`,
 * src/server/partners.ts, docs/federation.md) and how following each of them goes.
 */
import type { FastifyInstance } from 'fastify'
import type { Partners } from '../partners.js'

const Nullable = (type: string) => ({ type: [type, 'null'] }) as const

const PartnerItem = {
  type: 'object',
  properties: {
    url: { type: 'string' },
    origin: Nullable('string'),
    pinnedKey: { type: 'string' },
    state: { type: 'string', enum: ['starting', 'ok', 'stopped'] },
    reason: Nullable('string'),
    lastError: Nullable('string'),
    checkpointSize: Nullable('integer'),
    lastMirroredIndex: Nullable('integer'),
    nextIndex: { type: 'integer' },
    mirrored: { type: 'integer' },
    refused: { type: 'integer' },
    refusals: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          kind: { type: 'string' },
          statementId: Nullable('string'),
          reason: { type: 'string' },
          refusedAt: { type: 'string' },
        },
      },
    },
    checkedAt: Nullable('string'),
  },
} as const

export function registerPartnerRoutes(app: FastifyInstance, partners: Partners | undefined): void {
  app.get(
    '/api/v1/partners',
    {
      schema: {
        summary:
          'The partner registries this one follows (accord serve --follow) and what it mirrored from each',
        tags: ['partners'],
        response: {
          200: {
            type: 'object',
            properties: { partners: { type: 'array', items: PartnerItem } },
          },
        },
      },
    },
    async () => ({ partners: partners === undefined ? [] : await partners.view() }),
  )
}
