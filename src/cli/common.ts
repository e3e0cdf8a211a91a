import type { Command } from 'commander'
import { ConfigError, formatIssues, type Issue } from '../core/errors.js'
import { isCalendarDate } from '../core/dates.js'
import { rawIo, type Io } from './io.js'

export interface Ctx {
  io: Io
  setExit(code: number): void
}

export interface CommonOptions {
  asOf?: string
  json?: boolean
  catalogs?: string
  frameworks?: string[]
}

/** A commander option parser for `a,b` lists, repeatable (`--x a --x b,c`). */
export const splitList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
]

/** Adds `--frameworks a,b` (which frameworks to assess; default the EU AI Act and NIST AI RMF). */
export function addFrameworksOption(cmd: Command): Command {
  return cmd.option(
    '--frameworks <ids>',
    'frameworks to assess, comma-separated (default eu-ai-act,nist-ai-rmf; see `accord catalog`)',
    splitList,
  )
}

/** Adds the options every system command shares. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--as-of <date>', 'evaluate the law as of this date (YYYY-MM-DD); default: today')
    .option('--catalogs <dir>', 'directory of catalog files (default: the bundled catalogs)')
    .option('--json', 'print machine-readable JSON on stdout')
}

/** Validates --as-of: a real calendar date as YYYY-MM-DD, defaulting to today (UTC). */
export function resolveAsOf(value: string | undefined, io: Io): string {
  if (value === undefined) return io.today()
  if (!isCalendarDate(value)) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_DATE',
      message: `--as-of "${value}" is not a calendar date in YYYY-MM-DD form`,
    })
  }
  return value
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n')
}

/** A progress line on stderr, redrawn in place; only on a terminal and never with --json. */
export function progress(io: Io, label: string, enabled: boolean) {
  let last = -1
  const show = enabled && io.isTty
  return {
    update(done: number, total: number) {
      if (!show || total === 0) return
      const pct = Math.floor((done / total) * 100)
      if (pct === last && done !== total) return
      last = pct
      const width = 30
      const filled = Math.round((done / total) * width)
      // Our own CR (redraws the line), past showingControls.
      rawIo(io).err(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
      )
      if (done === total) io.err('\n')
    },
  }
}

/**
 * Prints a manifest's warnings on stderr, each as `warning: FILE:LINE:COL: message [code]` with
 * its fix: problems that do not stop the command (stdout, and so `--json`, is unchanged).
 */
export function warnOnStderr(io: Io): (warnings: Issue[]) => void {
  return (warnings) => {
    for (const w of warnings) io.err(`warning: ${formatIssues([w])}\n`)
  }
}

/**
 * A command line to copy into a POSIX shell, for messages that say what to run next: each word
 * that holds more than letters, digits and `@%+=:,./_-` is single-quoted. Written here rather than
 * taken from a package: the POSIX rule is one line (a `'` inside becomes `'\''`).
 */
export function commandLine(words: readonly string[]): string {
  return words
    .map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}
