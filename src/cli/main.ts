/**
 * The `accord` command line: flags become options for one library call, results are printed as
 * text or `--json`, and the exit code says what happened (README.md, docs/errors.md).
 */
import { Command, CommanderError, Help, Option } from 'commander'
import {
  AccordError,
  ConfigError,
  ERROR_CODES,
  EXIT,
  EXIT_MEANING,
  formatIssues,
} from '../core/errors.js'
import { VERSION } from './version.js'
import type { Io } from './io.js'
import type { Ctx } from './common.js'
import { processIo, showingControls } from './io.js'

/**
 * Each command's module, loaded only when that command runs (startup stays fast: the passport,
 * server and storage libraries are not loaded to classify a manifest). Help and unknown commands
 * load them all.
 */
type Register = (program: Command, ctx: Ctx) => void
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./commands/init.js')).registerInit,
  classify: async () => (await import('./commands/classify.js')).registerClassify,
  assess: async () => (await import('./commands/assess.js')).registerAssess,
  docs: async () => (await import('./commands/docs.js')).registerDocs,
  plan: async () => (await import('./commands/plan.js')).registerPlan,
  answer: async () => (await import('./commands/answer.js')).registerAnswer,
  crosswalk: async () => (await import('./commands/crosswalk.js')).registerCrosswalk,
  catalog: async () => (await import('./commands/catalog.js')).registerCatalog,
  keys: async () => (await import('./commands/keys.js')).registerKeys,
  issue: async () => (await import('./commands/issue.js')).registerIssue,
  present: async () => (await import('./commands/present.js')).registerPresent,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  diff: async () => (await import('./commands/diff.js')).registerDiff,
  policy: async () => (await import('./commands/policy.js')).registerPolicy,
  endorse: async () => (await import('./commands/endorse.js')).registerEndorse,
  incident: async () => (await import('./commands/incident.js')).registerIncident,
  evaluation: async () => (await import('./commands/evaluation.js')).registerEvaluation,
  revoke: async () => (await import('./commands/revoke.js')).registerRevoke,
  status: async () => (await import('./commands/status.js')).registerStatus,
  evidence: async () => (await import('./commands/evidence.js')).registerEvidence,
  'model-signing': async () => (await import('./commands/model-signing.js')).registerModelSigning,
  log: async () => (await import('./commands/log.js')).registerLog,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  publish: async () => (await import('./commands/publish.js')).registerPublish,
  export: async () => (await import('./commands/export.js')).registerExport,
  import: async () => (await import('./commands/import.js')).registerImport,
  schema: async () => (await import('./commands/schema.js')).registerSchema,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
}

/** Commander's methods that report these two mistakes (in its code, not in its typings). */
interface CommanderReports {
  missingMandatoryOptionValue(option: Option): never
  unknownOption(flag: string): never
}

/**
 * Commander checks required options before unknown ones, so a typo in a required option
 * (`accord docs m.yaml --ouy out`) was reported as "required option '-o, --out <dir>' not
 * specified" instead of "unknown option '--ouy' (Did you mean --out?)". This command (and every
 * subcommand, through createCommand) reports an unknown option first. Commander has no setting
 * for the order, so its two reporting methods are called; test/cli/cli.test.ts fails if they change.
 */
class AccordCommand extends Command {
  override createCommand(name?: string): Command {
    return new AccordCommand(name)
  }

  missingMandatoryOptionValue(option: Option): never {
    const reports = Command.prototype as unknown as CommanderReports
    // `--ouy=out` is the flag `--ouy`, named alone so that commander can suggest `--out`.
    const unknown = this.args
      .map((a) => a.split('=')[0] as string)
      .find(
        (flag) =>
          /^--?[A-Za-z]/.test(flag) &&
          !this.options.some((o) => o.long === flag || o.short === flag),
      )
    if (unknown !== undefined) reports.unknownOption.call(this, unknown)
    return reports.missingMandatoryOptionValue.call(this, option)
  }
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], rawIo: Io = processIo()): Promise<number> {
  const program = new AccordCommand()
  const json = wantsJson(argv)
  // Text output shows control characters instead of passing them to the terminal (./io.ts).
  const io = showingControls(rawIo, json)
  let exitCode: number = EXIT.ok
  const setExit = (code: number) => {
    exitCode = code
  }
  program
    .name('accord')
    .description('AI regulatory passports: classify, assess and document an AI system.')
    .version(VERSION, '-V, --version')
    // The program's own options (-V) only before the command: otherwise commander read an option
    // value such as a key id "-Vx3…" (`status sign --list-id -Vx3…`) as -V, printed the version and
    // exited 0 without running the command. Base64url key ids start with "-V" once in 4096.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      // Commander writes its errors (and the help, when a command is missing) on stderr; with
      // --json, reportError prints them as a JSON error on stdout instead.
      writeErr: (s) => {
        if (!json) io.err(s)
      },
    })
    .showSuggestionAfterError(true)
    // Commander's help does not say which options are required (requiredOption): say it.
    .configureHelp({
      optionDescription(option) {
        const text = Help.prototype.optionDescription.call(this as Help, option)
        return option.mandatory ? `${text} (required)` : text
      },
    })
    .addHelpText('after', exitCodesHelp())

  const ctx = { io, setExit }
  const first = argv.find((a) => !a.startsWith('-'))
  const versionOnly = first === undefined && (argv.includes('-V') || argv.includes('--version'))
  // One command's module when it is named; none for --version; all of them for the help.
  const wanted =
    first !== undefined && first in COMMANDS ? [first] : versionOnly ? [] : Object.keys(COMMANDS)
  for (const name of wanted) (await (COMMANDS[name] as () => Promise<Register>)())(program, ctx)

  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (err) {
    return reportError(err, io, json)
  }
}

/** The help's footer: every exit code with its meaning, from the table in core/errors.ts. */
function exitCodesHelp(): string {
  const help = new Help()
  const rows = Object.entries(EXIT).map(([name, code]) =>
    help.formatItem(String(code), 2, EXIT_MEANING[name as keyof typeof EXIT], help),
  )
  return ['', 'Exit codes:', ...rows, '', 'Error codes and fixes: docs/errors.md.'].join('\n')
}

/** True when --json is among the options (after `--` it is an operand, not the option). */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json')
}

export function reportError(thrown: unknown, io: Io, json: boolean): number {
  let err = thrown
  if (err instanceof CommanderError) {
    // --help and --version end with exit code 0 and have printed already.
    if (err.exitCode === 0) return EXIT.ok
    // Without --json commander has printed its message on stderr.
    if (!json) return EXIT.badArgs
    err = commanderToConfigError(err)
  }
  if (err instanceof AccordError) {
    const info = ERROR_CODES[err.code]
    if (json) {
      io.out(
        JSON.stringify(
          { error: { code: err.code, message: err.message, issues: err.issues } },
          null,
          2,
        ) + '\n',
      )
    } else {
      io.err(`error: ${err.message} [${err.code}]\n`)
      if (err.issues.length > 0) io.err(indent(formatIssues(err.issues)) + '\n')
      // Problems of other kinds than the error's own (an empty file among missing ones) each
      // carry their fix; the error code's fix would fit the first kind only.
      const mixed = err.issues.some((i) => i.code !== err.code && i.code in ERROR_CODES)
      io.err(mixed ? 'fix: as given under each problem above.\n' : `fix: ${info.fix}\n`)
    }
    return info.exit
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
  if (json) {
    io.out(
      JSON.stringify({ error: { code: 'ERR_INTERNAL', message: String(err) } }, null, 2) + '\n',
    )
  } else {
    io.err(`internal error (a bug in accord; please report it):\n${message}\n`)
  }
  return EXIT.internal
}

/**
 * A commander parse error (unknown option or command, missing argument, value not among the
 * choices, conflicting options) as ERR_CONFIG_BAD_ARGS, so that --json prints it like any other.
 */
function commanderToConfigError(err: CommanderError): ConfigError {
  const message =
    err.code === 'commander.help'
      ? 'a command is missing: run it with --help to list the commands it takes'
      : err.message
          .replace(/^error: /, '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .join(' ')
  return new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message, cause: err })
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')
}

export { Option }
