import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'

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
  const dir = mkdtempSync(path.join(tmpdir(), `accord-${name}-`))
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
  const dir = mkdtempSync(path.join(tmpdir(), `accord-${example}-passport-`))
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
