/** CLI entry: parses argv and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`accord: not yet implemented (${argv.join(' ')})\n`)
  return 0
}
