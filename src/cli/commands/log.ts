import path from 'node:path'
import { writeFileAtomic } from '../../node/fs-safe.js'
import type { Command } from 'commander'
import { ConfigError, EXIT, TlogError } from '../../core/errors.js'
import { toHex } from '../../core/merkle/hash.js'
import { verifyCheckpoint } from '../../core/tlog/checkpoint.js'
import { checkInclusion, type LogProofBundle } from '../../node/tlog/client.js'
import { fetchCheckpoint, fetchInclusionProof } from '../../node/tlog/http.js'
import { loadLogKey, verifiersFor } from '../../node/tlog/log-key.js'
import { openCheckpointFeed, type CheckpointFeed } from '../../node/tlog/events.js'
import {
  loadMonitorState,
  monitorOnce,
  saveMonitorState,
  type MonitorEntry,
  type MonitorResult,
} from '../../node/tlog/monitor.js'
import { readPassportFile } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'
import { envKeyHint, LOG_KEY_ENV, logKeyArg, withKeyHint } from '../log-pin.js'

export interface MonitorCliOptions {
  log: string
  /** The log key (`--key`); default $ACCORD_LOG_KEY. */
  key?: string
  origin?: string
  interval: string
  once?: boolean
  state: string
  json?: boolean
  /** Read, verify and print the new entries of each round. */
  entries?: boolean
  /** Follow the event stream when the log offers one (default); false: `--no-events`, poll. */
  events?: boolean
}

interface CheckpointOptions {
  log: string
  /** The log key (`--key`); default $ACCORD_LOG_KEY. */
  key?: string
  origin?: string
  out?: string
  json?: boolean
}

interface ProveOptions {
  log: string
  /** The log key (`--key`); default $ACCORD_LOG_KEY. */
  key?: string
  origin?: string
  out: string
  json?: boolean
}

export const DEFAULT_MONITOR_STATE = '.accord/log-monitor.json'

/** Exit code of one monitor round. */
export function monitorExit(status: MonitorResult['status']): number {
  return status === 'split-view' || status === 'invalid' || status === 'tampered'
    ? EXIT.verificationFailed
    : EXIT.ok
}

/** Fields shown first in an entry line, in this order; the others follow alphabetically. */
const FIELD_ORDER = [
  'id',
  'passportId',
  'status',
  'reason',
  'issuer',
  'kid',
  'endorserKid',
  'issuerKid',
  'delegateKid',
  'byKid',
  'scope',
  'at',
]

/**
 * A field value on an entry line: bare when it is a plain token, else as JSON, so a value with a
 * space, quote, `=` or line break (the entries are other parties' text) cannot pass for another
 * field or another line. Other control characters are made visible by the CLI's output.
 */
function fieldValue(v: unknown): string {
  if (typeof v === 'string' && /^[^\s"'\\=]+$/u.test(v)) return v
  return JSON.stringify(v) ?? String(v)
}

/**
 * One line per entry, whatever its kind: `entry <index> <kind> name=value ...`, every field of the
 * payload (`v` only when it is not 1), so a kind this version does not know (an `incident`) is
 * shown as it is, not refused.
 */
export function entryLine(e: MonitorEntry): string {
  const head = `entry ${e.index} ${fieldValue(e.kind)}`
  if (e.fields === undefined) return `${head} payload=${JSON.stringify(e.payload)}`
  const fields = e.fields
  const names = Object.keys(fields).filter((k) => k !== 'kind' && !(k === 'v' && fields.v === 1))
  const rank = (k: string) => {
    const i = FIELD_ORDER.indexOf(k)
    return i === -1 ? FIELD_ORDER.length : i
  }
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
  return [head, ...names.map((k) => `${fieldValue(k)}=${fieldValue(fields[k])}`)].join(' ')
}

/** The JSON line of an entry (`--json --entries`). */
export function entryJson(e: MonitorEntry): Record<string, unknown> {
  return {
    type: 'entry',
    index: e.index,
    kind: e.kind,
    leafHash: e.leafHash,
    ...(e.fields === undefined ? { payload: e.payload } : { entry: e.fields }),
  }
}

function parseInterval(value: string): number {
  const n = Number(value)
  if (!/^\d+(\.\d+)?$/.test(value) || n < 1 || n > 86_400)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--interval "${value}" must be a number of seconds from 1 to 86400`,
    })
  return n
}

/**
 * The log key of `--key`, else of $ACCORD_LOG_KEY (as the registry commands' `--log-key`), and
 * where it came from; ERR_CONFIG_BAD_ARGS when neither is given.
 */
async function logKeyOf(opts: { key?: string; origin?: string }) {
  const given = logKeyArg(opts.key, '--key')
  if (given === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `give the log's public key with --key <vkey|file> (or set ${LOG_KEY_ENV})`,
    })
  return { key: await loadLogKey(given.arg, opts.origin, given.source), source: given.source }
}

/** Where the log key comes from, in the help of `accord log` commands. */
const KEY_HELP = `log public key: C2SP verifier key, or its file or JWK (default: $${LOG_KEY_ENV})`

function checkUrl(url: string): void {
  if (!/^https?:\/\/[^\s]+$/i.test(url))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--log "${url}" must be the registry's http(s) base URL`,
    })
}

/**
 * `accord log monitor` without --once: a round now, then one each time the log pushes a new
 * checkpoint on its event stream, and at least every --interval seconds (the stream may be
 * down, or the registry may be several processes, each pushing only what it appended itself).
 * Runs until a round fails verification (exit 4) or `signal` aborts (exit 0).
 */
export async function runMonitor(
  ctx: Ctx,
  opts: MonitorCliOptions,
  signal?: AbortSignal,
): Promise<void> {
  checkUrl(opts.log)
  const interval = parseInterval(opts.interval)
  const { key: logKey, source } = await logKeyOf(opts)
  let state = await loadMonitorState(opts.state)
  if (state && state.logUrl !== opts.log)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${opts.state} holds the state of ${state.logUrl}, not ${opts.log}; use another --state file per log`,
    })
  const feed: CheckpointFeed | undefined =
    opts.once || opts.events === false
      ? undefined
      : openCheckpointFeed({
          logUrl: opts.log,
          onNotice: (m) => ctx.io.err(`log monitor: ${m}\n`),
        })
  const stop = () => feed?.close()
  signal?.addEventListener('abort', stop)
  /** Waits for a pushed checkpoint note (returned) or the interval, whichever comes first. */
  const wait = async (): Promise<string | undefined> => {
    if (signal?.aborted) return undefined
    if (feed) return feed.next(interval * 1000)
    await new Promise<void>((res) => {
      const timer = setTimeout(done, interval * 1000)
      signal?.addEventListener('abort', done)
      function done() {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        res()
      }
    })
    return undefined
  }
  try {
    let note: string | undefined
    while (!signal?.aborted) {
      let r: MonitorResult
      try {
        r = await monitorOnce(
          {
            logUrl: opts.log,
            logKey,
            ...(opts.origin ? { origin: opts.origin } : {}),
            ...(opts.entries ? { entries: true } : {}),
            ...(note !== undefined ? { note } : {}),
            // The new entries wait there until verified: next to the state, not in a /tmp that
            // may be memory (tmpfs).
            spoolDir: path.dirname(path.resolve(opts.state)),
          },
          state,
        )
      } catch (err) {
        if (opts.once) throw err
        ctx.io.err(`log monitor: ${(err as Error).message}; retrying in ${interval} s\n`)
        note = undefined
        await wait()
        continue
      }
      if (r.status === 'invalid') r = { ...r, message: r.message + envKeyHint(source, '--key') }
      try {
        if (r.state && r.state !== state) {
          await saveMonitorState(opts.state, r.state)
          state = r.state
        }
        await printRound(ctx, r, opts.json === true)
      } finally {
        await r.entries?.close()
      }
      const exit = monitorExit(r.status)
      if (opts.once || exit !== EXIT.ok) {
        ctx.setExit(exit)
        return
      }
      note = await wait()
    }
  } finally {
    signal?.removeEventListener('abort', stop)
    feed?.close()
  }
}

/**
 * Prints a round; its entries are read one by one from their spool and written as stdout takes
 * them, never all in memory.
 */
async function printRound(ctx: Ctx, r: MonitorResult, json: boolean): Promise<void> {
  if (json) {
    ctx.io.out(
      JSON.stringify({
        type: 'check',
        status: r.status,
        message: r.message,
        size: r.checkpoint?.size,
        rootHash: r.checkpoint ? toHex(r.checkpoint.rootHash) : undefined,
        evidence: r.evidence,
      }) + '\n',
    )
    if (r.entries)
      for await (const e of r.entries) {
        ctx.io.out(JSON.stringify(entryJson(e)) + '\n')
        await ctx.io.drained?.()
      }
    return
  }
  ctx.io.out(`${r.status}: ${r.message}\n`)
  if (r.evidence) {
    ctx.io.out(
      `--- previous checkpoint ---\n${r.evidence.previous}--- current checkpoint ---\n${r.evidence.current}`,
    )
    if (r.evidence.entry)
      ctx.io.out(`--- entry as served ---\n${JSON.stringify(r.evidence.entry)}\n`)
  }
  if (r.entries)
    for await (const e of r.entries) {
      ctx.io.out(entryLine(e) + '\n')
      await ctx.io.drained?.()
    }
}

/** `accord log monitor | checkpoint | prove`: follow and use a registry's transparency log. */
export function registerLog(program: Command, ctx: Ctx): void {
  const log = program
    .command('log')
    .description('follow and use a registry transparency log (RFC 9162, C2SP checkpoints)')

  log
    .command('monitor')
    .description(
      'check that each new checkpoint of a log is consistent with the last one verified (and, with --entries, print the verified new entries); exit 0 consistent, 4 split view, bad checkpoint or tampered entries, 5 log unreachable (--once)',
    )
    .requiredOption('--log <url>', 'registry base URL, e.g. https://registry.example')
    .option('--key <vkey|file>', KEY_HELP)
    .option('--origin <origin>', 'the origin the checkpoints must have')
    .option(
      '--interval <seconds>',
      'seconds between checks when polling; with the event stream, the longest wait between checks',
      '60',
    )
    .option('--once', 'check once and exit')
    .option('--state <file>', 'last verified checkpoint, kept between runs', DEFAULT_MONITOR_STATE)
    .option(
      '--entries',
      'also read the entries appended since the last verified checkpoint, check them against the new one (exit 4 when they do not match) and print one line per entry',
    )
    .option(
      '--no-events',
      "poll every --interval seconds only; by default the monitor also follows the log's event stream (GET /api/v1/log/events) and checks each new checkpoint as it is pushed",
    )
    .option('--json', 'print one JSON object per check (and per entry) on stdout')
    .action(async (opts: MonitorCliOptions) => {
      if (opts.once) return runMonitor(ctx, opts)
      // Ctrl-C or a service manager's stop: close the event stream and exit 0.
      const stop = new AbortController()
      const abort = () => stop.abort()
      process.once('SIGINT', abort)
      process.once('SIGTERM', abort)
      try {
        await runMonitor(ctx, opts, stop.signal)
      } finally {
        process.off('SIGINT', abort)
        process.off('SIGTERM', abort)
      }
    })

  log
    .command('checkpoint')
    .description(
      "fetch and verify a log's latest signed checkpoint; exit 4 when it does not verify",
    )
    .requiredOption('--log <url>', 'registry base URL')
    .option('--key <vkey|file>', KEY_HELP)
    .option('--origin <origin>', 'the origin the checkpoint must have')
    .option('--out <file>', 'also save the signed note to this file')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: CheckpointOptions) => {
      checkUrl(opts.log)
      const { key: logKey, source } = await logKeyOf(opts)
      const note = await fetchCheckpoint(opts.log)
      const v = await verifyCheckpoint(note, verifiersFor(logKey, note), {
        ...(opts.origin ? { origin: opts.origin } : {}),
      })
      // Thrown, not printed: with --json the error is then the one JSON document on stdout.
      if (!v.ok)
        throw new TlogError({
          code: 'ERR_TLOG_INVALID',
          message: `the checkpoint of ${opts.log} is not valid: ${v.message}${envKeyHint(source, '--key')}`,
        })
      if (opts.out) await writeFileAtomic(opts.out, note)
      const cp = v.checkpoint
      if (opts.json)
        printJson(ctx.io, { origin: cp.origin, size: cp.size, rootHash: toHex(cp.rootHash), note })
      else ctx.io.out(note)
    })

  log
    .command('prove')
    .description(
      'check that a passport is in the log and save a proof bundle (checkpoint + inclusion proof) for offline `accord verify --log BUNDLE`',
    )
    .argument('<passport>', 'passport (.sd-jwt)')
    .requiredOption('--log <url>', 'registry base URL')
    .option('--key <vkey|file>', KEY_HELP)
    .option('--origin <origin>', 'the origin the checkpoint must have')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: ProveOptions) => {
      checkUrl(opts.log)
      const { key: logKey, source } = await logKeyOf(opts)
      const file = await readPassportFile(passportPath)
      const checked = await checkInclusion({
        passport: file.sdJwt,
        logKey,
        logUrl: opts.log,
        ...(opts.origin ? { origin: opts.origin } : {}),
      })
      const r = withKeyHint(checked, source, '--key')
      if (r.outcome === 'pass' && r.checkpoint && r.index !== undefined) {
        const proof = (await fetchInclusionProof(opts.log, r.index, r.checkpoint.size)) as
          LogProofBundle['proof'] | undefined
        // The proof was verified inside checkInclusion for this index and size; re-check the copy.
        const again = await checkInclusion({
          passport: file.sdJwt,
          logKey,
          checkpoint: r.checkpoint.note,
          proof,
        })
        if (again.outcome !== 'pass')
          throw new TlogError({
            code: 'ERR_TLOG_INVALID',
            message: `the log at ${opts.log} changed its proof: ${again.message}`,
          })
        const bundle: LogProofBundle = {
          checkpoint: r.checkpoint.note,
          proof: proof as LogProofBundle['proof'],
        }
        await writeFileAtomic(opts.out, JSON.stringify(bundle, null, 2) + '\n')
      }
      if (opts.json)
        printJson(ctx.io, {
          check: r.check,
          outcome: r.outcome,
          reason: r.reason,
          message: r.message,
          index: r.index,
          size: r.checkpoint?.size,
        })
      else ctx.io.out(`${r.outcome}: ${r.message}\n`)
      ctx.setExit(r.outcome === 'pass' ? EXIT.ok : EXIT.verificationFailed)
    })
}
