/**
 * Serious-incident reports (EU AI Act Art. 73) about passports, shared through the registry so
 * partners (deployers, importers, authorities) learn of them. Like endorsements, a report is
 * authenticated by its own signature: the request carries the reporter's public JWK, whose
 * RFC 7638 thumbprint must be the report's header kid. The registry checks the report against
 * the stored passport and the reports of the incident it already holds (the next sequence, the
 * same key), records it and appends an `incident` entry to the transparency log.
 */
import type { FastifyInstance } from 'fastify'
import {
  incidentClassificationOfToken,
  type IncidentClassification,
} from '../../core/incident/classification.js'
import { reportingDeadline } from '../../core/incident/deadline.js'
import {
  MAX_INCIDENT_REPORT_CHARS,
  decodeIncidentReport,
  verifyIncidentReport,
  type IncidentReportClaims,
} from '../../core/incident/report.js'
import { issuerJwtOf } from '../../core/passport/endorse.js'
import type {
  IncidentStored,
  RegistryItem,
  RegistryStore,
  StoredPassport,
} from '../../core/store.js'
import { LOG_API } from '../../core/tlog/api.js'
import type { RouteContext } from '../app.js'
import { hasher } from '../passport-record.js'
import { MirroredFromSchema, withMirrors } from '../mirrors.js'
import { PassportId, errors } from '../schemas.js'
import { sha256Hex } from '../signed-request.js'
import { registerFeedRoute } from './feed.js'
import { getStoredPassport, isoNow } from './passports.js'
import { rejected, tokenKey, type TokenKind } from './token-key.js'

const Params = { type: 'object', required: ['id'], properties: { id: PassportId } } as const

const INCIDENT_REPORT: TokenKind = {
  what: 'incident report',
  jwkLabel: 'reporter jwk',
  reason: 'incident-invalid',
}

/** The claims of a stored report (verified when it was published). */
export function claimsOf(stored: IncidentStored): IncidentReportClaims | undefined {
  const decoded = decodeIncidentReport(stored.token)
  return decoded.ok ? decoded.claims : undefined
}

/** A decoded claim object passed through as is; null when a stored token does not decode. */
export const AnyObject = { type: ['object', 'null'], additionalProperties: true } as const

const ReportItem = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    incidentId: { type: 'string' },
    passportId: { type: 'string' },
    sequence: { type: 'integer' },
    report: { type: 'string' },
    serious: { type: 'boolean' },
    status: { type: 'string' },
    reporterKid: { type: 'string' },
    reporterJwk: AnyObject,
    publishedAt: { type: 'string' },
    logIndex: { type: ['integer', 'null'] },
    token: { type: 'string' },
    /** The incident as this report states it. */
    incident: AnyObject,
    mirroredFrom: MirroredFromSchema,
  },
} as const

function reportItem(stored: IncidentStored) {
  const { reporterJwk, ...rest } = stored
  return { ...rest, reporterJwk, incident: claimsOf(stored)?.credentialSubject.incident ?? null }
}

/**
 * The incident reports of a passport grouped by incident (oldest incident first, reports by
 * sequence), each with the incident as its latest report states it and that report's Art. 73
 * deadline, read against the passport's classification as it was published (a presentation may
 * leave it undisclosed; the registry verified every disclosure at publish): for the API and the
 * passport page.
 */
export async function incidentsOf(
  store: RegistryStore,
  passportId: string,
  classification: IncidentClassification,
) {
  const stored = await withMirrors(store, await store.listIncidentReports(passportId))
  const groups = new Map<string, IncidentStored[]>()
  for (const r of stored) groups.set(r.incidentId, [...(groups.get(r.incidentId) ?? []), r])
  return [...groups.entries()].map(([incidentId, reports]) => {
    const latest = claimsOf(reports[reports.length - 1] as IncidentStored)
    const incident = latest?.credentialSubject.incident ?? null
    return {
      incidentId,
      incident,
      deadline: incident === null ? null : reportingDeadline(incident, classification),
      reports: reports.map(reportItem),
    }
  })
}

/**
 * The registry item of an incident report about the stored `passport`, signed by `jwk` (whose
 * thumbprint must be its kid), checked as POST /api/v1/passports/:id/incidents checks it; 422
 * otherwise. A partner's report is mirrored through it too (src/server/partners.ts).
 */
export async function incidentItem(
  ctx: RouteContext,
  passport: StoredPassport,
  token: string,
  jwk: unknown,
): Promise<Extract<RegistryItem, { type: 'incident' }>> {
  const key = await tokenKey(token, jwk, INCIDENT_REPORT)
  const result = await verifyIncidentReport(token, {
    passportIssuerJwt: issuerJwtOf(passport.token),
    reporterKeys: [key],
    nowSeconds: ctx.nowSeconds(),
    sha256: (data) => sha256Hex(data),
  })
  if (!result.valid || result.claims === undefined) throw rejected(result.message, result.reason)
  const claims = result.claims
  const incident = claims.credentialSubject.incident
  return {
    type: 'incident',
    incident: {
      id: claims.jti,
      incidentId: incident.id,
      passportId: passport.id,
      reporterKid: key.kid,
      reporterJwk: key.jwk,
      sequence: incident.sequence,
      report: incident.report,
      serious: incident.serious,
      status: incident.status,
      token,
      publishedAt: isoNow(ctx),
    },
  }
}

export function registerIncidentRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: { id: string }; Body: { report: string; jwk: Record<string, unknown> } }>(
    '/api/v1/passports/:id/incidents',
    {
      bodyLimit: MAX_INCIDENT_REPORT_CHARS + 4096,
      schema: {
        summary:
          'Record a serious-incident report (EU AI Act Art. 73) about a passport (authenticated by its own signature)',
        tags: ['incidents'],
        params: Params,
        body: {
          type: 'object',
          required: ['report', 'jwk'],
          additionalProperties: false,
          properties: {
            report: { type: 'string', minLength: 1, maxLength: MAX_INCIDENT_REPORT_CHARS },
            jwk: { type: 'object', description: "The reporter's public JWK (kid = thumbprint)" },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              incidentId: { type: 'string' },
              logIndex: { type: 'integer' },
            },
          },
          ...errors(400, 404, 409, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const token = request.body.report.trim()
      const passport = await getStoredPassport(ctx, request.params.id)
      const item = await incidentItem(ctx, passport, token, request.body.jwk)
      const { id, incidentId } = item.incident
      const {
        indexes: [logIndex],
      } = await ctx.deps.registry.publish([item])
      request.log.info(
        { passportId: passport.id, reportId: id, incidentId, logIndex },
        'incident reported',
      )
      return reply.code(201).send({ id, incidentId, logIndex })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/passports/:id/incidents',
    {
      schema: {
        summary:
          'Serious-incident reports of a passport, grouped by incident (oldest first), with the Art. 73 deadline of each',
        tags: ['incidents'],
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
                    incidentId: { type: 'string' },
                    /** The incident as its latest report states it. */
                    incident: AnyObject,
                    /** reportingDeadline (src/core/incident/deadline.ts) of the latest report. */
                    deadline: AnyObject,
                    reports: { type: 'array', items: ReportItem },
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
      return {
        items: await incidentsOf(
          ctx.deps.store,
          passport.id,
          incidentClassificationOfToken(passport.token, hasher),
        ),
      }
    },
  )

  registerFeedRoute(app, {
    path: LOG_API.incidents,
    tag: 'incidents',
    summary:
      'Serious-incident reports of every passport in log order, for partners polling: pass the last logIndex seen as `after`; newest first with order=desc and `before`',
    items: 'reports',
    item: ReportItem,
    load: async (after, limit) =>
      withMirrors(ctx.deps.store, await ctx.deps.store.incidentFeed(after, limit)),
    loadBefore: async (before, limit) => {
      const page = await ctx.deps.store.incidentFeedBefore(before, limit)
      return { ...page, items: await withMirrors(ctx.deps.store, page.items) }
    },
    view: reportItem,
  })
}
