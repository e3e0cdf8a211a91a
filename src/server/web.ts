/**
 * The registry's web UI (docs/web.md): five pages (verify, passport, search, incidents, log)
 * served as static HTML shells with vanilla ES-module scripts that call the registry API. No
 * framework, no build step: the files in src/web/ are read once at registration and served from
 * memory (the passport page with its id filled into its no-JavaScript link, `passportPageHtml`).
 *
 * Security: every page is sent with a strict Content-Security-Policy (scripts and styles from
 * this origin only, no inline script, no framing) and `nosniff`; the scripts build the DOM with
 * `textContent`, never `innerHTML`, so passport contents cannot inject markup.
 *
 * Two read-only helper routes give the pages what the API lacks:
 * - GET /api/v1/ui/policies: the bundled example policies (name, title, description).
 * - GET /api/v1/ui/passports/:id: a published passport with its claims after disclosure
 *   processing, its Art. 111 status in sentences, its status, endorsements, incident reports,
 *   evaluation results and log index, for display.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { decodeJwt } from 'jose'
import { parse as parseYaml } from 'yaml'
import { StoreError } from '../core/errors.js'
import { disclosedClaimsOf } from '../core/passport/present.js'
import { incidentClassificationOf } from '../core/incident/classification.js'
import { legacyNotes, type LegacyNote } from '../core/passport/legacy.js'
import type { PassportClaims } from '../core/passport/types.js'
import type { MirroredFrom, RegistryStore } from '../core/store.js'
import { packageRoot } from '../node/paths.js'
import { hasher } from './passport-record.js'
import { withMirror } from './mirrors.js'
import { evaluationsOf } from './routes/evaluations.js'
import { incidentsOf } from './routes/incidents.js'
import { PassportId } from './schemas.js'

/** What the web UI needs: the store, and where the bundled example policies are. */
export interface WebDeps {
  store: RegistryStore
  /** Folder of `<name>.yaml` acceptance policies; default the package's policies/. */
  policiesDir?: string
}

/** The Content-Security-Policy of every page and asset. */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
}

const PASSPORT_PAGE = '/passports/:id'

/** The pages: URL path -> HTML file in src/web/. */
const PAGES: Record<string, string> = {
  '/': 'index.html',
  [PASSPORT_PAGE]: 'passport.html',
  '/search': 'search.html',
  '/incidents': 'incidents.html',
  '/log': 'log.html',
}

/** Where passport.html's no-JavaScript link to the raw record takes the passport id. */
export const PASSPORT_ID_SLOT = '{{passport-id}}'

/**
 * The passport page for `id`: its no-JavaScript note links to the raw record relative to the
 * page (`../api/v1/passports/<id>`), so the link stays under the prefix a reverse proxy serves the
 * registry at, as every other link of the page. The id is percent-encoded
 * (`encodeURIComponent`), which leaves no character that could end the double-quoted attribute
 * or start markup (`"`, `<`, `>`, `&`).
 */
export function passportPageHtml(html: string, id: string): string {
  const encoded = encodeURIComponent(id)
  return html.replaceAll(PASSPORT_ID_SLOT, () => encoded)
}

interface Asset {
  type: string
  body: Buffer
}

/**
 * The folder of the web files, the package's src/web: the same folder whether this module runs from
 * src/ (tests), dist/ or the CLI bundle (which has no web/ beside it).
 */
export function webRoot(): string {
  const dir = path.join(packageRoot(), 'src', 'web')
  if (!existsSync(path.join(dir, 'index.html')))
    throw new Error(`accord: the web UI files are missing (looked in ${dir})`)
  return dir
}

/** Every servable file under `root`, by URL path below /web/ (e.g. `js/verify.js`). */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name
      if (entry.isDirectory()) walk(path.join(dir, entry.name), rel + '/')
      else {
        const type = CONTENT_TYPES[path.extname(entry.name)]
        if (type !== undefined)
          assets.set(rel, { type, body: readFileSync(path.join(dir, entry.name)) })
      }
    }
  }
  walk(root, '')
  return assets
}

function secure(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .type(type)
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
}

export interface PolicyInfo {
  /** The name to send as `policy` to POST /api/v1/verify. */
  name: string
  title: string
  description: string
}

/** The bundled policies: `<name>.yaml` files with their `name` and `description`. */
export function listPolicies(dir: string): PolicyInfo[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /^[a-z0-9][a-z0-9-]{0,63}\.yaml$/.test(f))
    .sort()
    .map((file) => {
      let doc: unknown
      try {
        doc = parseYaml(readFileSync(path.join(dir, file), 'utf8'))
      } catch {
        doc = undefined
      }
      const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>
      const name = file.slice(0, -'.yaml'.length)
      return {
        name,
        title: typeof d.name === 'string' ? d.name : name,
        description: typeof d.description === 'string' ? d.description.trim() : '',
      }
    })
}

/** The claims of a compact SD-JWT after disclosure processing (signature NOT checked). */
export function disclosedClaims<T>(token: string): T {
  return disclosedClaimsOf<T>(token, hasher)
}

export interface UiEndorsement {
  id: string
  endorserKid: string
  publishedAt: string
  logIndex: number | null
  endorser: { id?: string; name?: string; kind?: string }
  checked: string[]
  statement: string | null
  validUntil: string | null
}

export interface UiPassport {
  id: string
  issuer: string
  kid: string
  status: string
  statusReason: string | null
  statusUpdatedAt: string | null
  publishedAt: string
  logIndex: number | null
  /** Where it was mirrored from, when it came from a partner registry's log. */
  mirroredFrom?: MirroredFrom
  claims: PassportClaims
  /** The Art. 111 status of its disclosed classifications, a sentence each (legacyNotes). */
  legacy: LegacyNote[]
  endorsements: UiEndorsement[]
  /** Serious-incident reports, by incident (routes/incidents.ts `incidentsOf`). */
  incidents: Awaited<ReturnType<typeof incidentsOf>>
  /** Evaluation results, oldest first (routes/evaluations.ts `evaluationsOf`). */
  evaluations: Awaited<ReturnType<typeof evaluationsOf>>
  /** The passport as published, so the page can recompute its log leaf. */
  token: string
}

function endorsementView(e: {
  id: string
  endorserKid: string
  publishedAt: string
  logIndex: number | null
  token: string
}): UiEndorsement {
  let subject: Record<string, unknown> = {}
  let validUntil: string | null = null
  try {
    const claims = decodeJwt(e.token.slice(0, (e.token + '~').indexOf('~')))
    if (typeof claims.credentialSubject === 'object' && claims.credentialSubject !== null)
      subject = claims.credentialSubject as Record<string, unknown>
    if (typeof claims.validUntil === 'string') validUntil = claims.validUntil
  } catch {
    // Stored endorsements were verified on receipt; an undecodable one is shown by id only.
  }
  const endorser = (
    typeof subject.endorser === 'object' && subject.endorser !== null ? subject.endorser : {}
  ) as UiEndorsement['endorser']
  return {
    id: e.id,
    endorserKid: e.endorserKid,
    publishedAt: e.publishedAt,
    logIndex: e.logIndex,
    endorser: {
      ...(typeof endorser.id === 'string' ? { id: endorser.id } : {}),
      ...(typeof endorser.name === 'string' ? { name: endorser.name } : {}),
      ...(typeof endorser.kind === 'string' ? { kind: endorser.kind } : {}),
    },
    checked: Array.isArray(subject.checked)
      ? subject.checked.filter((c): c is string => typeof c === 'string')
      : [],
    statement: typeof subject.statement === 'string' ? subject.statement : null,
    validUntil,
  }
}

/** A published passport for display: claims (as verified at publish), status, endorsements. */
export async function uiPassport(store: RegistryStore, id: string): Promise<UiPassport> {
  const found = await store.getPassport(id)
  if (found === null)
    throw new StoreError({
      code: 'ERR_STORE_NOT_FOUND',
      message: `passport ${JSON.stringify(id)} is not in the registry`,
    })
  const stored = await withMirror(store, found)
  const endorsements = await store.listEndorsements(id)
  // The registry verified the signature and every disclosure when the passport was published.
  const claims = disclosedClaims<PassportClaims>(stored.token)
  return {
    id: stored.id,
    issuer: stored.issuer,
    kid: stored.kid,
    status: stored.status,
    statusReason: stored.statusReason,
    statusUpdatedAt: stored.statusUpdatedAt,
    publishedAt: stored.publishedAt,
    logIndex: stored.logIndex,
    ...(stored.mirroredFrom ? { mirroredFrom: stored.mirroredFrom } : {}),
    claims,
    legacy: legacyNotes(claims.credentialSubject),
    endorsements: endorsements.map(endorsementView),
    incidents: await incidentsOf(store, id, incidentClassificationOf(claims.credentialSubject)),
    evaluations: await evaluationsOf(store, id),
    token: stored.token,
  }
}

/** Registers the pages, their assets and the UI helper routes on `app`. */
export function registerWeb(app: FastifyInstance, deps: WebDeps): void {
  const root = webRoot()
  const assets = loadAssets(root)
  const policiesDir = deps.policiesDir ?? path.join(packageRoot(), 'policies')

  for (const [url, file] of Object.entries(PAGES)) {
    const page = assets.get(file)
    if (page === undefined) throw new Error(`accord: web page ${file} is missing in ${root}`)
    if (url === PASSPORT_PAGE) {
      const html = page.body.toString('utf8')
      if (!html.includes(PASSPORT_ID_SLOT))
        throw new Error(
          `accord: web page ${file} has no ${PASSPORT_ID_SLOT} for its raw-record link`,
        )
      app.get<{ Params: { id: string } }>(url, { schema: { hide: true } }, async (request, reply) =>
        secure(reply, page.type)
          .header('cache-control', 'no-cache')
          .send(passportPageHtml(html, request.params.id)),
      )
      continue
    }
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      secure(reply, page.type).header('cache-control', 'no-cache').send(page.body),
    )
  }

  app.get<{ Params: { '*': string } }>(
    '/web/*',
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.get(request.params['*'])
      if (asset === undefined)
        return reply
          .code(404)
          .send({ code: 'ERR_CONFIG_BAD_REQUEST', message: 'no such web asset' })
      return secure(reply, asset.type).header('cache-control', 'no-cache').send(asset.body)
    },
  )

  app.get(
    '/api/v1/ui/policies',
    {
      schema: {
        summary: 'The bundled example acceptance policies (for the web UI)',
        tags: ['ui'],
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    title: { type: 'string' },
                    description: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ items: listPolicies(policiesDir) }),
  )

  app.get<{ Params: { id: string } }>(
    '/api/v1/ui/passports/:id',
    {
      schema: {
        summary:
          'A published passport for display: disclosed claims, status, endorsements, incidents, evaluation results, log',
        tags: ['ui'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: PassportId },
        },
      },
    },
    async (request) => uiPassport(deps.store, request.params.id),
  )
}
