import { showTerminalControls } from '../core/bidi.js'

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

const RAW = Symbol('accord.rawIo')

/**
 * `io` whose text shows control characters (`showTerminalControls`): stdout unless it carries
 * JSON (`--json`: exact, JSON escapes what matters), and stderr always. Text output quotes
 * passports of other issuers (system names, check messages, status list subjects), which were never
 * checked like our manifests: an ESC sequence or a U+202E in them must not act on the terminal.
 */
export function showingControls(io: Io, json: boolean): Io {
  const shown: Io = {
    ...io,
    out: json ? (s) => io.out(s) : (s) => io.out(showTerminalControls(s)),
    err: (s) => io.err(showTerminalControls(s)),
  }
  Object.defineProperty(shown, RAW, { value: io })
  return shown
}

/** The `io` under `showingControls`, for our own control characters (the progress line's CR). */
export function rawIo(io: Io): Io {
  return (io as Io & { [RAW]?: Io })[RAW] ?? io
}
