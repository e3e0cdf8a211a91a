import type { Command } from 'commander'
import {
  AccordError,
  ConfigError,
  ERROR_CODES,
  TlogError,
  type AccordErrorCode,
} from '../../core/errors.js'
import { fileSigner } from '../../node/keys.js'
import { readPassportFile } from '../../node/status-store.js'
import { signRequest } from '../../server/signed-request.js'
import { printJson, type Ctx } from '../common.js'

interface PublishOptions {
  registry: string
  key: string
  json?: boolean
}

export const PUBLISH_PATH = '/api/v1/passports'

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
  const url = new URL(PUBLISH_PATH, base)
  const signer = await fileSigner(options.keyPath)
  const body = JSON.stringify({ passport: options.passport })
  const authorization = await signRequest(signer, {
    method: 'POST',
    path: url.pathname,
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
  if (response.status === 201 && typeof json.id === 'string' && typeof json.logIndex === 'number')
    return { id: json.id, logIndex: json.logIndex }
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

/** `accord publish PASSPORT --registry URL --key ISSUER_KEY`. */
export function registerPublish(program: Command, ctx: Ctx): void {
  program
    .command('publish')
    .description(
      'publish a passport you issued to a registry (a request signed by your issuer key)',
    )
    .argument('<passport>', 'passport file (SD-JWT) as `accord issue` wrote it')
    .requiredOption('--registry <url>', 'registry base URL, e.g. http://127.0.0.1:8080')
    .requiredOption('--key <file>', 'the issuer private key that signed the passport')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: PublishOptions) => {
      const file = await readPassportFile(passportPath)
      const result = await publishToRegistry({
        registry: opts.registry,
        passport: file.sdJwt,
        keyPath: opts.key,
        nowSeconds: ctx.io.nowSeconds(),
      })
      if (opts.json) printJson(ctx.io, result)
      else ctx.io.out(`published ${result.id} at log index ${result.logIndex}\n`)
    })
}
