import type { Command } from 'commander'
import { AccordError, TlogError } from '../../core/errors.js'
import type { VerifiedCheckpoint } from '../../core/tlog/checkpoint.js'
import { passportEntryFromSdJwt } from '../../core/tlog/entry.js'
import { sha256 } from '../../node/sha256.js'
import { readPassportFile } from '../../node/status-store.js'
import { confirmInLog, type ExpectedEntry, type LogConfirmation } from '../../node/tlog/pinned.js'
import { MAX_BATCH_PASSPORTS } from '../../server/limits.js'
import { printJson, type Ctx } from '../common.js'
import {
  pinOf,
  postSigned,
  registryOf,
  unexpected,
  type RegistryRequestOptions,
} from '../registry-client.js'
import { logPinOption, logVerifiedText, logVerifiedView, withLogKeyOption } from '../log-pin.js'

interface PublishOptions {
  registry: string
  key: string
  logKey?: string
  json?: boolean
}

export const PUBLISH_PATH = '/api/v1/passports'
export const BATCH_PATH = '/api/v1/passports/batch'

export interface PublishToRegistryOptions extends RegistryRequestOptions {
  passport: string
}

export interface Published {
  id: string
  logIndex: number
}

/**
 * Publishes a passport with a request signed by the issuer key; returns `{ id, logIndex }`, and
 * with `logPin`, `logVerified`: the passport's entry found in the pinned log.
 */
export async function publishToRegistry(
  options: PublishToRegistryOptions,
): Promise<Published & { logVerified?: LogConfirmation }> {
  const registry = await registryOf(options)
  const json = await postSigned(options, registry, PUBLISH_PATH, { passport: options.passport })
  if (typeof json.id !== 'string' || typeof json.logIndex !== 'number') throw unexpected(201, json)
  const published = { id: json.id, logIndex: json.logIndex }
  if (options.logPin === undefined) return published
  const confirmed = await confirmPublished(
    options,
    [options.passport],
    [published],
    registry.checkpoint,
  )
  return { ...published, logVerified: confirmed }
}

/**
 * Checks that each passport sent is in the pinned log at the index the registry acknowledged for
 * it, its leaf recomputed from the passport itself (docs/transparency-log.md, "Log entries"),
 * under a checkpoint that extends `before`, the one seen before the first write.
 */
function confirmPublished(
  options: RegistryRequestOptions,
  passports: readonly string[],
  published: readonly Published[],
  before: VerifiedCheckpoint | undefined,
): Promise<LogConfirmation> {
  const expected: ExpectedEntry[] = published.map(({ id, logIndex }, i) => {
    const entry = passportEntryFromSdJwt(passports[i] as string, sha256)
    if (!entry.ok)
      throw new TlogError({ code: 'ERR_TLOG_INVALID', message: `passport ${id}: ${entry.message}` })
    if (entry.entry.id !== id)
      throw new TlogError({
        code: 'ERR_TLOG_INVALID',
        message: `the registry acknowledged passport ${entry.entry.id} as ${JSON.stringify(id)}`,
      })
    return { index: logIndex, what: `passport ${id}`, entry: entry.entry }
  })
  return confirmInLog(options.registry, pinOf(options), expected, before)
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
): Promise<{ items: Published[]; logVerified?: LogConfirmation }> {
  const out: Published[] = []
  const registry = await registryOf(options)
  for (let i = 0; i < options.passports.length; i += MAX_BATCH_PASSPORTS) {
    const passports = options.passports.slice(i, i + MAX_BATCH_PASSPORTS)
    const json = await postSigned(options, registry, BATCH_PATH, { passports }).catch(
      (err: unknown) => {
        throw named(err, options.names, i)
      },
    )
    const items = Array.isArray(json.items) ? (json.items as unknown[]) : []
    if (items.length !== passports.length) throw unexpected(201, json)
    for (const item of items) {
      const { id, logIndex } = (item ?? {}) as { id?: unknown; logIndex?: unknown }
      if (typeof id !== 'string' || typeof logIndex !== 'number') throw unexpected(201, json)
      out.push({ id, logIndex })
    }
    options.onProgress?.(out.length, options.passports.length)
  }
  if (options.logPin === undefined) return { items: out }
  return {
    items: out,
    logVerified: await confirmPublished(options, options.passports, out, registry.checkpoint),
  }
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

/** `accord publish PASSPORT... --registry URL --key ISSUER_KEY`. */
export function registerPublish(program: Command, ctx: Ctx): void {
  const command = program
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
  withLogKeyOption(command)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPaths: string[], opts: PublishOptions) => {
      const passports: string[] = []
      for (const p of passportPaths) passports.push((await readPassportFile(p)).sdJwt)
      const logPin = await logPinOption(opts, ctx)
      const common = {
        registry: opts.registry,
        keyPath: opts.key,
        nowSeconds: ctx.io.nowSeconds(),
        ...(logPin !== undefined ? { logPin } : {}),
      }
      if (passports.length === 1) {
        const result = await publishToRegistry({ ...common, passport: passports[0] as string })
        if (opts.json) printJson(ctx.io, result)
        else
          ctx.io.out(
            `published ${result.id} at log index ${result.logIndex}\n` +
              logVerifiedText(result.logVerified),
          )
        return
      }
      const { items, logVerified } = await publishManyToRegistry({
        ...common,
        passports,
        names: passportPaths,
        onProgress: (done, total) => ctx.io.err(`published ${done}/${total}\n`),
      })
      if (opts.json) printJson(ctx.io, { items, ...logVerifiedView(logVerified) })
      else
        ctx.io.out(
          items.map((r) => `published ${r.id} at log index ${r.logIndex}\n`).join('') +
            logVerifiedText(logVerified),
        )
    })
}
