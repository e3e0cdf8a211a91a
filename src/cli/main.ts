/**
 * The `accord` command line: flags become options for one library call, results are printed as
 * text or `--json`, and the exit code says what happened (docs/cli.md).
 */
import { Command, CommanderError, Option } from 'commander'
import { AccordError, ERROR_CODES, EXIT, formatIssues } from '../core/errors.js'
import { registerClassify } from './commands/classify.js'
import { registerAssess } from './commands/assess.js'
import { registerDocs } from './commands/docs.js'
import { registerSchema } from './commands/schema.js'
import { registerDemo } from './commands/demo.js'
import { registerCatalog } from './commands/catalog.js'
import { registerKeys } from './commands/keys.js'
import { registerIssue } from './commands/issue.js'
import { registerPresent } from './commands/present.js'
import { registerVerify } from './commands/verify.js'
import { registerEvidence } from './commands/evidence.js'
import { registerModelSigning } from './commands/model-signing.js'
import { registerRevoke } from './commands/revoke.js'
import { registerStatus } from './commands/status.js'
import { registerEndorse } from './commands/endorse.js'
import { VERSION } from './version.js'
import type { Io } from './io.js'
import { processIo } from './io.js'

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = new Command()
  let exitCode: number = EXIT.ok
  const setExit = (code: number) => {
    exitCode = code
  }
  program
    .name('accord')
    .description('AI regulatory passports: classify, assess and document an AI system.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 findings (gaps, prohibited, stale), 2 bad arguments, 3 invalid input,\n' +
        '4 verification failed, 5 I/O error. See docs/cli.md.',
    )

  const ctx = { io, setExit }
  registerClassify(program, ctx)
  registerAssess(program, ctx)
  registerDocs(program, ctx)
  registerCatalog(program, ctx)
  registerKeys(program, ctx)
  registerIssue(program, ctx)
  registerPresent(program, ctx)
  registerVerify(program, ctx)
  registerEvidence(program, ctx)
  registerModelSigning(program, ctx)
  registerEndorse(program, ctx)
  registerRevoke(program, ctx)
  registerStatus(program, ctx)
  registerSchema(program, ctx)
  registerDemo(program, ctx)

  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (err) {
    return reportError(err, io, argv.includes('--json'))
  }
}

export function reportError(err: unknown, io: Io, json: boolean): number {
  if (err instanceof CommanderError) {
    // --help and --version end with exit code 0 and have printed already.
    if (err.exitCode === 0) return EXIT.ok
    return EXIT.badArgs
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
      io.err(`fix: ${info.fix}\n`)
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

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')
}

export { Option }
