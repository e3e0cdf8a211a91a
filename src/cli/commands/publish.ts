import type { Command } from 'commander'
import {
  AccordError,
  ConfigError,
  ERROR_CODES,
  TlogError,
  type AccordErrorCode,
} from '../../core/errors.js'
import { apiUrl } from '../../core/tlog/api.js'
import { fileSigner } from '../../node/keys.js'
import { fetchRegistryAudience } from '../../node/tlog/http.js'
import { readPassportFile } from '../../node/status-store.js'
import { MAX_BATCH_PASSPORTS } from '../../server/limits.js'
import { signRequest } from '../../server/signed-request.js'
import { printJson, type Ctx } from '../common.js'

interface PublishOptions {
  registry: string
  key: string
  json?: boolean
}

export const PUBLISH_PATH = '/api/v1/passports'
export const BATCH_PATH = '/api/v1/passports/batch'

export interface PublishToRegistryOptions {
  /** Base URL of the registry, e.g. `http://127.0.0.1:8080`. */
  registry: string
  passport: string
  keyPath: string
  nowSeconds: number
  fetch?: typeof fetch
  timeoutMs?: number
}

/** Publishes a passport with a request signed by the issuer key; returns `{ id, logIndex }`. */
export async function publishToRegistry(
  options: PublishToRegistryOptions,
): Promise<{ id: string; logIndex: number }> {
  const registry = await registryOf(options)
  const json = await postSigned(options, registry, PUBLISH_PATH, { passport: options.passport })
  if (typeof json.id === 'string' && typeof json.logIndex === 'number')
    return { id: json.id, logIndex: json.logIndex }
  throw unexpected(json)
}

export interface PublishManyOptions extends Omit<PublishToRegistryOptions, 'passport'> {
  passports: readonly string[]
  /** Where each passport came from (its file), named in the registry's refusals. */
  names?: readonly string[]
  /** Called after each batch is acknowledged: how many passports are published so far. */
  onProgress?: (published: number, total: number) => void
}

/**
 * Publishes passports in batches of up to MAX_BATCH_PASSPORTS (POST /api/v1/passports/batch, one
 * signed request and one commit per batch, all or none); returns `{ id, logIndex }` per
 * passport, in order. A refused batch stops here: the batches before it stay published.
 */
export async function publishManyToRegistry(
  options: PublishManyOptions,
): Promise<{ id: string; logIndex: number }[]> {
  const out: { id: string; logIndex: number }[] = []
  const registry = await registryOf(options)
  for (let i = 0; i < options.passports.length; i += MAX_BATCH_PASSPORTS) {
    const passports = options.passports.slice(i, i + MAX_BATCH_PASSPORTS)
    const json = await postSigned(options, registry, BATCH_PATH, { passports }).catch(
      (err: unknown) => {
        throw named(err, options.names, i)
      },
    )
    const items = Array.isArray(json.items) ? (json.items as unknown[]) : []
    if (items.length !== passports.length) throw unexpected(json)
    for (const item of items) {
      const { id, logIndex } = (item ?? {}) as { id?: unknown; logIndex?: unknown }
      if (typeof id !== 'string' || typeof logIndex !== 'number') throw unexpected(json)
      out.push({ id, logIndex })
    }
    options.onProgress?.(out.length, options.passports.length)
  }
  return out
}

/**
 * The registry names a passport of a batch by its place (`passports[1]`); with the files known,
 * the refusal names the file instead (`b.sd-jwt (passports[1])`).
 */
function named(err: unknown, names: readonly string[] | undefined, offset: number): unknown {
  if (!(err instanceof AccordError) || names === undefined) return err
  const message = err.message.replace(/\bpassports\[(\d+)\]/g, (place, k: string) => {
    const name = names[offset + Number(k)]
    return name === undefined ? place : `${name} (${place})`
  })
  if (message === err.message) return err
  return new AccordError({
    code: err.code,
    message,
    issues: err.issues,
    ...(err.details === undefined ? {} : { details: err.details }),
    cause: err,
  })
}

function unexpected(json: Record<string, unknown>): AccordError {
  return new TlogError({
    code: 'ERR_TLOG_UNAVAILABLE',
    message: `the registry answered 201 with an unexpected body: ${JSON.stringify(json).slice(0, 200)}`,
  })
}

/** Where and how a command writes: the registry's base URL, its audience, and the issuer key. */
interface TargetRegistry {
  base: URL
  audience: string
  signer: Awaited<ReturnType<typeof fileSigner>>
}

/**
 * Checks `--registry`, loads the issuer key, and reads the registry's audience (`GET
 * /api/v1/registry`), which every request signed for it names as `aud`, so that it cannot be
 * replayed at another registry. Local problems (the URL, the key) are reported before any
 * request is sent.
 */
async function registryOf(
  options: Omit<PublishToRegistryOptions, 'passport'>,
): Promise<TargetRegistry> {
  let base: URL
  try {
    base = new URL(options.registry)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('scheme')
  } catch {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--registry "${options.registry}" is not an http(s) URL`,
    })
  }
  if (base.username !== '' || base.password !== '')
    // The URL is not echoed: it holds a password, and fetch refuses such URLs with a message
    // that repeats it.
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--registry must not hold a user name or password (${base.protocol}//USER:PASSWORD@${base.host}); the registry authenticates each write by the issuer key's signature, so give ${base.protocol}//${base.host}${base.pathname === '/' ? '' : base.pathname}`,
    })
  const signer = await fileSigner(options.keyPath)
  // Under the base URL's path, as every request (`apiUrl`): behind a prefix it is the registry
  // there that answers.
  const audience = await fetchRegistryAudience(base.href, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
  })
  return { base, audience, signer }
}

/** POSTs `payload` as JSON with a signed request; the parsed 201 body, or the registry's error. */
async function postSigned(
  options: Omit<PublishToRegistryOptions, 'passport'>,
  { base, audience, signer }: TargetRegistry,
  path: string,
  payload: unknown,
): Promise<Record<string, unknown>> {
  // Under the base URL's path: a registry served under https://host/prefix/ gets its requests at
  // /prefix/api/v1/... (`new URL(path, base)` dropped the prefix).
  const url = apiUrl(base, path)
  const body = JSON.stringify(payload)
  // The signature names the registry (`aud`) and the API path as the registry routes it
  // (docs/api.md, "Signed requests"): a reverse proxy that serves the registry under a prefix
  // forwards the request without it.
  const authorization = await signRequest(signer, {
    audience,
    method: 'POST',
    path,
    body,
    nowSeconds: options.nowSeconds,
  })
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    })
  } catch (cause) {
    throw new TlogError({
      code: 'ERR_TLOG_UNAVAILABLE',
      message: `registry ${base.origin} cannot be reached: ${(cause as Error).message}`,
      cause,
    })
  }
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    // Not JSON: reported below by status.
  }
  if (response.status === 201) return json
  const code =
    typeof json.code === 'string' && json.code in ERROR_CODES
      ? (json.code as AccordErrorCode)
      : 'ERR_TLOG_UNAVAILABLE'
  const reason = typeof json.reason === 'string' ? ` (${json.reason})` : ''
  throw new AccordError({
    code,
    message: `registry refused the passport: HTTP ${response.status}: ${typeof json.message === 'string' ? json.message : text.slice(0, 200)}${reason}`,
  })
}

/** `accord publish PASSPORT... --registry URL --key ISSUER_KEY`. */
export function registerPublish(program: Command, ctx: Ctx): void {
  program
    .command('publish')
    .description(
      'publish passports you issued to a registry (requests signed by your issuer key; several passports go in batches of 100, each batch all or none)',
    )
    .argument('<passports...>', 'passport files (SD-JWT) as `accord issue` wrote them')
    .requiredOption(
      '--registry <url>',
      'registry base URL, e.g. http://127.0.0.1:8080 or https://host/prefix/ (requests go to <url>/api/v1/...)',
    )
    .requiredOption('--key <file>', 'the issuer private key that signed the passports')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPaths: string[], opts: PublishOptions) => {
      const passports: string[] = []
      for (const p of passportPaths) passports.push((await readPassportFile(p)).sdJwt)
      const common = {
        registry: opts.registry,
        keyPath: opts.key,
        nowSeconds: ctx.io.nowSeconds(),
      }
      if (passports.length === 1) {
        const result = await publishToRegistry({ ...common, passport: passports[0] as string })
        if (opts.json) printJson(ctx.io, result)
        else ctx.io.out(`published ${result.id} at log index ${result.logIndex}\n`)
        return
      }
      const items = await publishManyToRegistry({
        ...common,
        passports,
        names: passportPaths,
        onProgress: (done, total) => ctx.io.err(`published ${done}/${total}\n`),
      })
      if (opts.json) printJson(ctx.io, { items })
      else for (const r of items) ctx.io.out(`published ${r.id} at log index ${r.logIndex}\n`)
    })
}
