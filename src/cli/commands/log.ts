import { writeFileAtomic } from '../../node/fs-safe.js'
import type { Command } from 'commander'
import { ConfigError, EXIT, TlogError } from '../../core/errors.js'
import { toHex } from '../../core/merkle/hash.js'
import { verifyCheckpoint } from '../../core/tlog/checkpoint.js'
import { checkInclusion, type LogProofBundle } from '../../node/tlog/client.js'
import { fetchCheckpoint, fetchInclusionProof } from '../../node/tlog/http.js'
import { loadLogKey, verifiersFor } from '../../node/tlog/log-key.js'
import {
  loadMonitorState,
  monitorOnce,
  saveMonitorState,
  type MonitorResult,
} from '../../node/tlog/monitor.js'
import { readPassportFile } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'

interface MonitorOptions {
  log: string
  key: string
  origin?: string
  interval: string
  once?: boolean
  state: string
  json?: boolean
}

interface CheckpointOptions {
  log: string
  key: string
  origin?: string
  out?: string
  json?: boolean
}

interface ProveOptions {
  log: string
  key: string
  origin?: string
  out: string
  json?: boolean
}

export const DEFAULT_MONITOR_STATE = '.accord/log-monitor.json'

/** Exit code of one monitor round. */
export function monitorExit(status: MonitorResult['status']): number {
  return status === 'split-view' || status === 'invalid' ? EXIT.verificationFailed : EXIT.ok
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

function checkUrl(url: string): void {
  if (!/^https?:\/\/[^\s]+$/i.test(url))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--log "${url}" must be the registry's http(s) base URL`,
    })
}

/** `accord log monitor | checkpoint | prove`: follow and use a registry's transparency log. */
export function registerLog(program: Command, ctx: Ctx): void {
  const log = program
    .command('log')
    .description('follow and use a registry transparency log (RFC 9162, C2SP checkpoints)')

  log
    .command('monitor')
    .description(
      'check that each new checkpoint of a log is consistent with the last one verified; exit 0 consistent, 4 split view or bad checkpoint, 5 log unreachable (--once)',
    )
    .requiredOption('--log <url>', 'registry base URL, e.g. https://registry.example')
    .requiredOption('--key <vkey|file>', 'log public key: C2SP verifier key, or its file or JWK')
    .option('--origin <origin>', 'the origin the checkpoints must have')
    .option('--interval <seconds>', 'seconds between checks', '60')
    .option('--once', 'check once and exit')
    .option('--state <file>', 'last verified checkpoint, kept between runs', DEFAULT_MONITOR_STATE)
    .option('--json', 'print one JSON object per check on stdout')
    .action(async (opts: MonitorOptions) => {
      checkUrl(opts.log)
      const interval = parseInterval(opts.interval)
      const logKey = await loadLogKey(opts.key, opts.origin)
      let state = await loadMonitorState(opts.state)
      if (state && state.logUrl !== opts.log)
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `${opts.state} holds the state of ${state.logUrl}, not ${opts.log}; use another --state file per log`,
        })
      for (;;) {
        let r: MonitorResult
        try {
          r = await monitorOnce(
            { logUrl: opts.log, logKey, ...(opts.origin ? { origin: opts.origin } : {}) },
            state,
          )
        } catch (err) {
          if (opts.once) throw err
          ctx.io.err(`log monitor: ${(err as Error).message}; retrying in ${interval} s\n`)
          await new Promise((res) => setTimeout(res, interval * 1000))
          continue
        }
        if (r.state && r.state !== state) {
          await saveMonitorState(opts.state, r.state)
          state = r.state
        }
        if (opts.json) {
          ctx.io.out(
            JSON.stringify({
              status: r.status,
              message: r.message,
              size: r.checkpoint?.size,
              rootHash: r.checkpoint ? toHex(r.checkpoint.rootHash) : undefined,
              evidence: r.evidence,
            }) + '\n',
          )
        } else {
          ctx.io.out(`${r.status}: ${r.message}\n`)
          if (r.evidence)
            ctx.io.out(
              `--- previous checkpoint ---\n${r.evidence.previous}--- current checkpoint ---\n${r.evidence.current}`,
            )
        }
        const exit = monitorExit(r.status)
        if (opts.once || exit !== EXIT.ok) {
          ctx.setExit(exit)
          return
        }
        await new Promise((res) => setTimeout(res, interval * 1000))
      }
    })

  log
    .command('checkpoint')
    .description(
      "fetch and verify a log's latest signed checkpoint; exit 4 when it does not verify",
    )
    .requiredOption('--log <url>', 'registry base URL')
    .requiredOption('--key <vkey|file>', 'log public key')
    .option('--origin <origin>', 'the origin the checkpoint must have')
    .option('--out <file>', 'also save the signed note to this file')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: CheckpointOptions) => {
      checkUrl(opts.log)
      const logKey = await loadLogKey(opts.key, opts.origin)
      const note = await fetchCheckpoint(opts.log)
      const v = await verifyCheckpoint(note, verifiersFor(logKey, note), {
        ...(opts.origin ? { origin: opts.origin } : {}),
      })
      // Thrown, not printed: with --json the error is then the one JSON document on stdout.
      if (!v.ok)
        throw new TlogError({
          code: 'ERR_TLOG_INVALID',
          message: `the checkpoint of ${opts.log} is not valid: ${v.message}`,
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
    .requiredOption('--key <vkey|file>', 'log public key')
    .option('--origin <origin>', 'the origin the checkpoint must have')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (passportPath: string, opts: ProveOptions) => {
      checkUrl(opts.log)
      const logKey = await loadLogKey(opts.key, opts.origin)
      const file = await readPassportFile(passportPath)
      const r = await checkInclusion({
        passport: file.sdJwt,
        logKey,
        logUrl: opts.log,
        ...(opts.origin ? { origin: opts.origin } : {}),
      })
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
