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
  /**
   * Resolves when what `out` wrote has been taken by stdout's reader, far enough to write more:
   * a long output (the entries of `log monitor --entries`) awaits it so that a pipe read slowly
   * does not make the writes pile up in memory (pipe writes are asynchronous on POSIX). Absent:
   * nothing to wait for.
   */
  drained?(): Promise<void>
}

/** Waits for `stream` to drain when its buffer is full (or for its end: nothing more to wait for). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      stream.off('error', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
    stream.on('error', done)
  })
}

export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    isTty: Boolean(process.stderr.isTTY),
    today: () => new Date().toISOString().slice(0, 10),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    drained: () => drained(process.stdout),
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
