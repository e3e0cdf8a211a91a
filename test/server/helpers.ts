/**
 * A registry app on an in-memory PGlite store with the real registry service, a fixed clock, and
 * passports issued by test keys.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { issuePassport } from '../../src/core/passport/issue.js'
import {
  createStatusListClaims,
  signStatusListToken,
  STATUS_BITS,
} from '../../src/core/passport/status.js'
import type { Incident } from '../../src/core/incident/schema.js'
import type { Signer } from '../../src/core/ports.js'
import type { RegistryStore } from '../../src/core/store.js'
import { LOG_API } from '../../src/core/tlog/api.js'
import { buildApp, type BuildAppOptions } from '../../src/server/app.js'
import { signRequest } from '../../src/server/signed-request.js'
import { openPgliteStore, MEMORY, type SqlStore } from '../../src/node/store/index.js'
import { openRegistry, type Registry } from '../../src/node/tlog/registry.js'
import { exampleClaims, ISSUED_AT } from '../fixtures/passport/inputs.js'
import { makeSigner, sdCrypto, type TestSigner } from '../fixtures/passport/signer.js'

/** The server's "now": two minutes after the example passports were issued. */
export const NOW = ISSUED_AT + 120
export const LIST_ID = 'list-1'
export const statusUri = (listId: string) => `https://vendor.example/accord/status/${listId}`
export const STATUS_URI = statusUri(LIST_ID)

export interface TestApp {
  app: FastifyInstance
  store: SqlStore
  registry: Registry
  close(): Promise<void>
}

/** An app over a store it does not own (closing it leaves the store open). */
export interface AppOnStore {
  app: FastifyInstance
  registry: Registry
  close(): Promise<void>
}

type AppOptions = Partial<Omit<BuildAppOptions, 'store' | 'registry'>>

/** An app with its own registry service over `store`, at the fixed clock, without rate limits. */
export async function appOn(
  store: RegistryStore,
  logKey: Signer,
  options: AppOptions = {},
  origin = 'test.example/accord/log',
): Promise<AppOnStore> {
  const registry = await openRegistry({ store, logKey, origin })
  const app = await buildApp({
    store,
    registry,
    clock: { nowSeconds: () => NOW },
    rateLimit: false,
    ...options,
  })
  return {
    app,
    registry,
    async close() {
      await app.close()
      await registry.close()
    },
  }
}

/** An app on a fresh in-memory PGlite store, which closing it closes too. */
export async function startApp(options: AppOptions = {}): Promise<TestApp> {
  const store = await openPgliteStore(MEMORY)
  await store.migrate()
  const served = await appOn(store, await makeSigner('EdDSA'), options)
  return {
    ...served,
    store,
    async close() {
      await served.close()
      await store.close()
    },
  }
}

/** A passport of the police-analytics example with its own jti and status index. */
export async function makePassport(
  signer: Signer,
  idx = 0,
  example = 'police-analytics',
): Promise<{ token: string; id: string }> {
  const id = `urn:uuid:${randomUUID()}`
  const claims = await exampleClaims(example, {
    jti: id,
    status: { status_list: { idx, uri: STATUS_URI } },
  })
  return { token: await issuePassport(claims, signer, sdCrypto), id }
}

export interface SignedInjectOptions {
  method: 'POST' | 'PUT' | 'DELETE'
  url: string
  /**
   * JSON (objects) or text (strings, sent as application/statuslist+jwt); undefined sends no
   * body (the signature is then over the empty body).
   */
  body: unknown
  signer?: Signer
  iat?: number
  jti?: string
  /** Sign this body instead of the one sent (for body hash tests). */
  signedBody?: string
  /** The `aud` to sign; default the app's own (its GET /api/v1/registry), as `accord publish`. */
  audience?: string
}

/** The audience of the app's registry, read as clients read it (GET /api/v1/registry). */
export async function audienceOf(app: FastifyInstance): Promise<string> {
  const res = await app.inject(LOG_API.registry)
  if (res.statusCode !== 200) throw new Error(`GET ${LOG_API.registry}: ${res.statusCode}`)
  return (res.json() as { audience: string }).audience
}

/** Injects a request signed as `accord publish` signs it. */
export async function signedInject(app: FastifyInstance, o: SignedInjectOptions) {
  const payload =
    o.body === undefined ? '' : typeof o.body === 'string' ? o.body : JSON.stringify(o.body)
  const headers: Record<string, string> = {}
  if (o.body !== undefined)
    headers['content-type'] =
      typeof o.body === 'string' ? 'application/statuslist+jwt' : 'application/json'
  if (o.signer)
    headers.authorization = await signRequest(o.signer, {
      audience: o.audience ?? (await audienceOf(app)),
      method: o.method,
      path: o.url.split('?')[0] as string,
      body: o.signedBody ?? payload,
      nowSeconds: o.iat ?? NOW,
      ...(o.jti ? { jti: o.jti } : {}),
    })
  return app.inject({
    method: o.method,
    url: o.url,
    headers,
    ...(o.body === undefined ? {} : { payload }),
  })
}

export function publish(
  app: FastifyInstance,
  signer: Signer,
  token: string,
  extra: Partial<SignedInjectOptions> = {},
) {
  return signedInject(app, {
    method: 'POST',
    url: '/api/v1/passports',
    body: { passport: token },
    signer,
    ...extra,
  })
}

/** The issuer's status list with `revoked` indexes set to 1 (invalid). */
/** A list of `listId` (its sub names it: the registry stores it only under that id). */
export async function statusListToken(
  signer: Signer,
  revoked: number[] = [],
  iat = NOW,
  listId = LIST_ID,
) {
  const statuses = new Array<number>(16).fill(0)
  for (const i of revoked) statuses[i] = 1
  return signStatusListToken(
    createStatusListClaims({
      uri: statusUri(listId),
      bits: STATUS_BITS,
      statuses,
      iat,
      ttl: 3600,
    }),
    signer,
  )
}

export { makeSigner, type TestSigner }

export { inlinePolicy } from '../fixtures/passport/policy.js'

/** NOW-relative times as the registry writes them (seconds, no milliseconds). */
export const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

/** An incident the registry's clock (NOW) has seen happen: aware 3 days ago. */
export function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: `urn:uuid:${randomUUID()}`,
    report: 'initial',
    sequence: 1,
    reporter: { id: 'https://vendor.example', name: 'Vendor', role: 'provider' },
    occurredAt: iso(NOW - 4 * 86400),
    awareAt: iso(NOW - 3 * 86400),
    memberStates: ['NL'],
    serious: true,
    harms: ['fundamental-rights'],
    widespreadInfringement: false,
    causalLink: 'suspected',
    summary: 'A suspect profile was built from a misattributed intercept.',
    status: 'open',
    ...over,
  }
}
