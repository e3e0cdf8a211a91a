/**
 * Atom (RFC 4287) feeds for partners who follow the registry with feed readers and alerting
 * tools (docs/api.md "Atom feeds"): the newest published passports (new systems and versions),
 * serious-incident reports, evaluation results and status changes (revocations, suspensions,
 * reinstatements), newest first, from the same newest-first store queries as the JSON API.
 *
 * - `GET /feeds/passports.atom`, `/feeds/incidents.atom`, `/feeds/evaluations.atom`,
 *   `/feeds/revocations.atom`; `?limit=` 1 to 200, default 50; the passports feed also takes
 *   `provider`, `system` and `subject` to follow one vendor or one system (part of the feed's id
 *   and self link); other query parameters (a reader's cache-buster) are ignored.
 * - Ids: a report's or result's own id (its `jti`, `urn:uuid:...`); a status change, which has
 *   none, a name-based UUID of the registry's verifier key and its log index. The feed's id is a
 *   name-based UUID of the verifier key and the feed's name: stable per registry.
 * - Links are relative to the feed (`../passports/<id>`), as the web pages link, so they stay
 *   under the path prefix a reverse proxy serves the registry at (`--path-prefix`); readers
 *   resolve them against the feed's URL (RFC 4287 §2, xml:base absent).
 * - ETag (a hash of the document) with If-None-Match (304), and Last-Modified (the newest entry).
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type {
  EvaluationStored,
  FeedPageBefore,
  IncidentStored,
  StoredPassport,
  PassportSystem,
  StatusEvent,
} from '../../core/store.js'
import type { RouteContext } from '../app.js'
import {
  ATOM_TYPE,
  EMPTY_FEED_UPDATED,
  UUID_NAMESPACE_URL,
  renderAtom,
  uuidV5,
  type AtomEntry,
  type AtomLink,
} from '../atom.js'
import { MAX_ID_LENGTH } from '../limits.js'
import { errors } from '../schemas.js'
import { resultItem } from './evaluations.js'
import { claimsOf } from './incidents.js'

export const ATOM_DEFAULT_LIMIT = 50
export const ATOM_MAX_LIMIT = 200

/** The feeds, by URL path (also what the web page's `<link rel="alternate">` names). */
export const ATOM_FEEDS = {
  passports: '/feeds/passports.atom',
  incidents: '/feeds/incidents.atom',
  evaluations: '/feeds/evaluations.atom',
  revocations: '/feeds/revocations.atom',
} as const

/** The passport's web page, relative to a feed under /feeds/. */
const passportPage = (id: string) => `../passports/${encodeURIComponent(id)}`

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

/** `label: value` lines, leaving out the values that are absent. */
function lines(fields: [string, string | number | null | undefined][]): string {
  return fields
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')
}

/**
 * A report of the incidents feed with the AI system its passport is about.
 *
 * The report's own claims do not name the system: `credentialSubject` holds only the subject id
 * (a URI) and the passport binding (jti, issuer, digest). The name and version come from the
 * passports table (`system_name`, `system_version`, NOT NULL), recorded from the passport's
 * `credentialSubject.system` when it was published; that claim is never selectively disclosable
 * (src/core/passport/types.ts) and the registry verifies every passport with all its disclosures
 * anyway, and every report's passport is stored (a foreign key), so the name is always there. The
 * feed reads them for a whole page in one query (`passportSystems`), not one per entry. `system`
 * undefined (a store that lost the row) falls back to the passport id in the title. The
 * evaluation and status feeds name the system the same way.
 */
export type WithSystem<T> = T & { system: PassportSystem | undefined }
export type IncidentFeedItem = WithSystem<IncidentStored>

/** `Kestrel Lattice 3.2.0`, or `passport <id>` when the system is unknown. */
function systemLabel(r: { system: PassportSystem | undefined; passportId: string }): string {
  return r.system ? `${r.system.name} ${r.system.version}` : `passport ${r.passportId}`
}

/** The items of a feed page, each with the system of its passport (one query for the page). */
async function withSystems<T extends { passportId: string }>(
  store: RouteContext['deps']['store'],
  page: { items: T[] },
): Promise<WithSystem<T>[]> {
  const systems = await store.passportSystems(page.items.map((r) => r.passportId))
  return page.items.map((r) => ({ ...r, system: systems.get(r.passportId) }))
}

export function incidentEntry(r: IncidentFeedItem): AtomEntry {
  const incident = claimsOf(r)?.credentialSubject.incident
  const reporter = incident?.reporter
  const facts = lines([
    ['System', r.system ? systemLabel(r) : undefined],
    ['Passport', r.passportId],
    ['Incident', r.incidentId],
    ['Report', `${r.sequence} (${r.report})`],
    ['Serious', yesNo(r.serious)],
    ['Status', r.status],
    ['Reporter', reporter ? `${reporter.name} (${reporter.role})` : undefined],
    ['Reporter key', r.reporterKid],
    ['Published', r.publishedAt],
    ['Log index', r.logIndex],
  ])
  return {
    id: r.id,
    title: `${r.serious ? 'Serious incident' : 'Incident'}: ${systemLabel(r)} — ${r.incidentId} report ${r.sequence} (${r.report})`,
    updated: r.publishedAt,
    published: r.publishedAt,
    link: passportPage(r.passportId),
    summary: incident ? `${facts}\n\n${incident.summary}` : facts,
  }
}

export function evaluationEntry(r: WithSystem<EvaluationStored>): AtomEntry {
  const evaluator = resultItem(r).evaluation?.evaluator
  return {
    id: r.id,
    title: `Evaluation result: ${systemLabel(r)} — ${r.method}, ${r.thresholdsMet} of ${r.thresholds} thresholds met`,
    updated: r.publishedAt,
    published: r.publishedAt,
    link: passportPage(r.passportId),
    summary: lines([
      ['System', r.system ? systemLabel(r) : undefined],
      ['Result', r.id],
      ['Passport', r.passportId],
      ['Method', r.method],
      ['Performed', r.performedAt],
      ['Metrics', r.metrics],
      ['Thresholds met', `${r.thresholdsMet} of ${r.thresholds}`],
      ['Evaluator', evaluator ? `${evaluator.name} (${evaluator.role})` : undefined],
      ['Evaluator key', r.evaluatorKid],
      ['Published', r.publishedAt],
      ['Log index', r.logIndex],
    ]),
  }
}

/**
 * A published passport: a new AI system or a new version of one. The entry links the passport's
 * page, which says what changed since the previous version (GET /api/v1/passports/:id/changes).
 */
export function passportEntry(p: StoredPassport): AtomEntry {
  const categories = Object.entries(p.categories)
    .map(([j, c]) => `${j}: ${c.join(', ')}`)
    .join('; ')
  return {
    id: p.id,
    title: `Passport published: ${p.systemName} ${p.systemVersion} — ${p.providerName}`,
    updated: p.publishedAt,
    published: p.publishedAt,
    link: passportPage(p.id),
    summary: lines([
      ['System', `${p.systemName} ${p.systemVersion}`],
      ['Provider', p.providerCountry ? `${p.providerName} (${p.providerCountry})` : p.providerName],
      ['Issuer', p.issuer],
      ['Categories', categories],
      ['Status', p.status],
      ['Passport', p.id],
      ['System id', p.subjectId],
      ['Published', p.publishedAt],
      ['Log index', p.logIndex],
    ]),
  }
}

const STATUS_WORD: Record<StatusEvent['status'], string> = {
  revoked: 'revoked',
  suspended: 'suspended',
  valid: 'reinstated',
}

export function statusEntry(e: WithSystem<StatusEvent>, verifierKey: string): AtomEntry {
  return {
    id: uuidV5(UUID_NAMESPACE_URL, `${verifierKey}#log/${e.logIndex}`),
    title: e.system
      ? `Passport of ${systemLabel(e)} ${STATUS_WORD[e.status]} (${e.passportId})`
      : `Passport ${e.passportId} ${STATUS_WORD[e.status]}`,
    updated: e.at,
    published: e.at,
    link: passportPage(e.passportId),
    summary: lines([
      ['System', e.system ? systemLabel(e) : undefined],
      ['Passport', e.passportId],
      ['Status', e.status],
      ['Reason', e.reason],
      ['Changed by key', e.byKid],
      ['At', e.at],
      ['Log index', e.logIndex],
    ]),
  }
}

interface AtomRoute<S> {
  name: keyof typeof ATOM_FEEDS
  title: string
  summary: string
  /** Other views of the same records, relative to the feed. */
  alternates: AtomLink[]
  /** Query parameters that choose the entries (JSON Schema of each; all optional strings). */
  filters?: Record<string, { type: 'string'; maxLength: number; description: string }>
  load: (limit: number, filters: Record<string, string>) => Promise<FeedPageBefore<S>>
  entry: (stored: S) => AtomEntry
}

function registerAtomRoute<S>(app: FastifyInstance, ctx: RouteContext, feed: AtomRoute<S>): void {
  const path = ATOM_FEEDS[feed.name]
  app.get<{
    Querystring: { limit: number } & Record<string, string | number>
    Headers: { 'if-none-match'?: string }
  }>(
    path,
    {
      schema: {
        summary: feed.summary,
        tags: ['feeds'],
        querystring: {
          type: 'object',
          // Other parameters are ignored, not refused: feed readers and proxies add their own
          // (`?_=1700000000` cache-busting, `utm_source=...`), and a reader answered 400 drops
          // the feed. They change nothing in the document, so its ETag stays the same. The JSON
          // API (/api/v1/...) stays strict.
          additionalProperties: true,
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: ATOM_MAX_LIMIT,
              default: ATOM_DEFAULT_LIMIT,
              description: 'How many entries, newest first.',
            },
            ...feed.filters,
          },
        },
        response: {
          200: {
            description: 'An Atom feed document (RFC 4287)',
            content: { 'application/atom+xml': { schema: { type: 'string' } } },
          },
          304: { description: 'Not modified (If-None-Match names the current ETag)', type: 'null' },
          ...errors(400),
        },
      },
    },
    async (request, reply) => {
      const { registry } = ctx.deps
      // The filters given (in a fixed order): they choose the entries, so they are part of the
      // feed's identity and of its self link; other parameters are not.
      const filters: Record<string, string> = {}
      for (const name of Object.keys(feed.filters ?? {}).sort()) {
        const value = request.query[name]
        if (typeof value === 'string' && value !== '') filters[name] = value
      }
      const query = new URLSearchParams(filters).toString()
      const page = await feed.load(request.query.limit, filters)
      const entries = page.items.map(feed.entry)
      const body = renderAtom({
        id: uuidV5(
          UUID_NAMESPACE_URL,
          `${registry.verifierKey}#feeds/${feed.name}${query ? `?${query}` : ''}`,
        ),
        title: `${feed.title}: ${registry.origin}${
          query
            ? ` (${Object.entries(filters)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')})`
            : ''
        }`,
        author: registry.origin,
        links: [
          {
            rel: 'self',
            href: `${path.slice(path.lastIndexOf('/') + 1)}${query ? `?${query}` : ''}`,
            type: 'application/atom+xml',
          },
          ...feed.alternates,
        ],
        entries,
      })
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
      const updated = entries[0]?.updated ?? EMPTY_FEED_UPDATED
      void reply
        .header('etag', etag)
        .header('last-modified', new Date(updated).toUTCString())
        .header('cache-control', 'no-cache')
      const match = request.headers['if-none-match']
      if (match !== undefined && match.split(',').some((t) => t.trim() === etag))
        return reply.code(304).send()
      return reply.type(ATOM_TYPE).send(body)
    },
  )
}

export function registerAtomFeedRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, registry } = ctx.deps
  registerAtomRoute<StoredPassport>(app, ctx, {
    name: 'passports',
    title: 'Published passports',
    summary:
      'The newest published passports (new AI systems and new versions) as an Atom feed (newest first), for feed readers; `provider`, `system` (substrings, any case) or `subject` (one system id) follow one vendor or one system',
    alternates: [
      { rel: 'alternate', href: '../search', type: 'text/html' },
      { rel: 'alternate', href: '../api/v1/passports', type: 'application/json' },
    ],
    filters: {
      provider: {
        type: 'string',
        maxLength: 200,
        description: 'Provider name: substring, any case.',
      },
      system: { type: 'string', maxLength: 200, description: 'System name: substring, any case.' },
      subject: {
        type: 'string',
        maxLength: MAX_ID_LENGTH,
        description: 'One AI system: its id (`credentialSubject.id`), every version.',
      },
    },
    load: async (limit, filters) => {
      const page = await store.findPassports({
        limit,
        ...(filters.provider ? { provider: filters.provider } : {}),
        ...(filters.system ? { system: filters.system } : {}),
        ...(filters.subject ? { subjectId: filters.subject } : {}),
      })
      return { items: page.items, older: page.nextCursor !== null }
    },
    entry: passportEntry,
  })
  registerAtomRoute<IncidentFeedItem>(app, ctx, {
    name: 'incidents',
    title: 'Serious-incident reports',
    summary:
      'The newest serious-incident reports of every passport as an Atom feed (newest first), for feed readers',
    alternates: [
      { rel: 'alternate', href: '../incidents', type: 'text/html' },
      { rel: 'alternate', href: '../api/v1/incidents?order=desc', type: 'application/json' },
    ],
    load: async (limit) => {
      const page = await store.incidentFeedBefore(null, limit)
      return { ...page, items: await withSystems(store, page) }
    },
    entry: incidentEntry,
  })
  registerAtomRoute<WithSystem<EvaluationStored>>(app, ctx, {
    name: 'evaluations',
    title: 'Evaluation results',
    summary:
      'The newest evaluation results of every passport as an Atom feed (newest first), for feed readers',
    alternates: [
      { rel: 'alternate', href: '../api/v1/evaluations?order=desc', type: 'application/json' },
    ],
    load: async (limit) => {
      const page = await store.evaluationFeedBefore(null, limit)
      return { ...page, items: await withSystems(store, page) }
    },
    entry: evaluationEntry,
  })
  registerAtomRoute<WithSystem<StatusEvent>>(app, ctx, {
    name: 'revocations',
    title: 'Passport revocations, suspensions and reinstatements',
    summary:
      'The newest status changes (revoked, suspended, reinstated) of every passport as an Atom feed (newest first), for feed readers',
    alternates: [],
    load: async (limit) => {
      const page = await store.statusFeedBefore(null, limit)
      return { ...page, items: await withSystems(store, page) }
    },
    entry: (e) => statusEntry(e, registry.verifierKey),
  })
}
