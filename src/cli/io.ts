/** Where the CLI writes; injected so tests can run commands in-process. */
export interface Io {
  out(s: string): void
  err(s: string): void
  /** True when stderr is a terminal (progress bars are shown only then). */
  isTty: boolean
  /** Today's date (UTC, YYYY-MM-DD): the default for --as-of. */
  today(): string
  /** Seconds since the epoch: the time passports are issued and verified at. */
  nowSeconds(): number
}

export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    isTty: Boolean(process.stderr.isTTY),
    today: () => new Date().toISOString().slice(0, 10),
    nowSeconds: () => Math.floor(Date.now() / 1000),
  }
}
