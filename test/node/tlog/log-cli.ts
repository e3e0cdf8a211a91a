/** Runs `accord log ...` in-process through registerLog, as main() would. */
import { Command } from 'commander'
import { reportError } from '../../../src/cli/main.js'
import { registerLog } from '../../../src/cli/commands/log.js'

export interface CliRun {
  code: number
  out: string
  err: string
}

export async function runLog(args: string[]): Promise<CliRun> {
  let out = ''
  let err = ''
  let code = 0
  const io = {
    out: (s: string) => void (out += s),
    err: (s: string) => void (err += s),
    isTty: false,
    today: () => '2026-09-01',
    nowSeconds: () => 1_788_000_000,
  }
  const program = new Command().exitOverride().configureOutput({
    writeOut: io.out,
    writeErr: io.err,
  })
  registerLog(program, { io, setExit: (c) => void (code = c) })
  try {
    await program.parseAsync(['log', ...args], { from: 'user' })
  } catch (e) {
    code = reportError(e, io, args.includes('--json'))
  }
  return { code, out, err }
}
