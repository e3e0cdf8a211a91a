import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { main } from '../../src/cli/main.js'
import { tempDir } from '../tmp.js'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const EXAMPLES = path.join(ROOT, 'examples')

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  json: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs the CLI in-process, capturing output. `today` fixes the default --as-of. */
export async function run(
  argv: string[],
  today = '2026-11-21',
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    isTty: false,
    today: () => today,
    nowSeconds: () => nowSeconds,
  })
  return { code, stdout, stderr, json: () => JSON.parse(stdout) }
}

/** Copies a bundled example to a temp dir so a test can break it. Returns the manifest path. */
export function copyExample(name: string): string {
  const dir = tempDir(`accord-${name}-`)
  cpSync(path.join(EXAMPLES, name), dir, { recursive: true })
  return path.join(dir, 'accord.yaml')
}

/** Rewrites a manifest's text with `edit`. */
export function editManifest(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')))
}

/**
 * Runs bin/accord.js in a child process, for what only a process shows: that it exits. This is the
 * built CLI (the bundle dist/bundle/, from `npm run build`, which `npm test` runs first): from the TypeScript sources
 * the publish pool's worker threads fail to start, so a leak of them cannot show. The child is
 * killed after `timeoutMs`; `signal` is then set, so a command that hangs fails its test.
 */
export async function runProcess(
  argv: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'accord.js'), ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null]
  return { code, signal, stdout, stderr }
}

/** How a child process ended: its exit code, or the signal that killed it. */
export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** `accord serve` running in a child process (see `spawnServe`). */
export interface ServeProcess {
  child: ChildProcessByStdio<null, Readable, Readable>
  /** The address it printed (`accord registry listening on URL`), as printed. */
  url: string
  /** What it has printed so far. */
  stdout(): string
  stderr(): string
  /** Waits until its stdout matches `re` (rejects after `timeoutMs`, or when it exits first). */
  until(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /**
   * Sends SIGTERM (once) and waits for it to exit; SIGKILL after `killAfterMs`, so a server that
   * does not stop ends with signal SIGKILL instead of hanging the test. Resolves at once when it
   * has exited already.
   */
  stop(killAfterMs?: number): Promise<Exit>
  /** When it exited. */
  exited: Promise<Exit>
}

/**
 * Starts `accord serve ...args` from bin/accord.js (the built CLI, as `runProcess`) in a child
 * process and waits until it prints the address it listens on. Its environment is this process's
 * without DATABASE_URL and ACCORD_LISTEN_URL (the embedded store unless a test says otherwise),
 * then `env`. Rejects, with its stderr, when it exits or has printed no address within
 * `timeoutMs`; the child is then killed. After `killAfterMs` (default 120 s) Node kills it
 * (spawn's `timeout`), so a test that forgets `stop()` leaves no server behind.
 */
export async function spawnServe(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; killAfterMs?: number } = {},
): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.DATABASE_URL
  delete env.ACCORD_LISTEN_URL
  Object.assign(env, options.env)
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'accord.js'), 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.killAfterMs ?? 120_000,
  })
  let stdout = ''
  let stderr = ''
  let ended: Exit | undefined
  const exited = (once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>).then(
    ([code, signal]) => (ended = { code, signal }),
  )
  const waiters = new Set<() => void>()
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    for (const w of [...waiters]) w()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))

  const until = (re: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const done = () => {
        waiters.delete(check)
        clearTimeout(timer)
      }
      const check = () => {
        const m = stdout.match(re)
        if (m) {
          done()
          resolve(m)
        } else if (ended !== undefined) {
          done()
          reject(
            new Error(
              `serve exited (${JSON.stringify(ended)}) before printing ${re}\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          )
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`not printed: ${re}\nstdout: ${stdout}\nstderr: ${stderr}`))
      }, timeoutMs)
      waiters.add(check)
      void exited.then(check)
      check()
    })

  let stopping: Promise<Exit> | undefined
  const stop = (killAfterMs = 15_000): Promise<Exit> =>
    (stopping ??= (async () => {
      if (ended !== undefined) return ended
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    })())

  let url: string
  try {
    url = (await until(/accord registry listening on (\S+)/, options.timeoutMs))[1] as string
  } catch (err) {
    child.kill('SIGKILL')
    await exited
    throw err
  }
  return { child, url, stdout: () => stdout, stderr: () => stderr, until, stop, exited }
}

/**
 * A temp folder with keys (`keys/<name>.private.jwk.json`, ...) for each of `keyNames` and a
 * passport of a bundled example issued by `keys/issuer` (`passport.sd-jwt`, status lists in
 * `status/`). Returns a path maker inside the folder.
 */
export async function issuedExample(
  example: string,
  keyNames: readonly string[] = ['issuer'],
  /** When the passport is issued (seconds since the epoch); default now. */
  nowSeconds?: number,
): Promise<(...parts: string[]) => string> {
  const dir = tempDir(`accord-${example}-passport-`)
  const p = (...parts: string[]) => path.join(dir, ...parts)
  for (const name of new Set(['issuer', ...keyNames])) {
    const r = await run(['keys', 'generate', '--out', p('keys'), '--name', name])
    if (r.code !== 0) throw new Error(`keys generate ${name}: ${r.stderr}`)
  }
  const issued = await run(
    [
      'issue',
      path.join(EXAMPLES, example, 'accord.yaml'),
      '--key',
      p('keys', 'issuer.private.jwk.json'),
      '--status-dir',
      p('status'),
      '--out',
      p('passport.sd-jwt'),
    ],
    undefined,
    nowSeconds,
  )
  if (issued.code !== 0) throw new Error(`issue ${example}: ${issued.stderr}`)
  return p
}

/**
 * `accord endorse PASSPORT` by a national authority with the key file `key`, as the endorse,
 * verify and passport-path tests run it; `checked` and `statement` as given.
 */
export function endorseArgv(
  passport: string,
  key: string,
  { checked = 'eu-ai-act:art-14', statement = 'checked' } = {},
): string[] {
  return [
    'endorse',
    passport,
    '--key',
    key,
    '--name',
    'Authority',
    '--kind',
    'national-authority',
    '--checked',
    checked,
    '--statement',
    statement,
  ]
}
