/**
 * The installed CLI runs the esbuild bundle (dist/bundle/, scripts/bundle.mjs), whose chunks lie at
 * another depth than the modules they came from. These tests run bin/accord.js in child processes
 * for commands that read the package's files (package.json, catalogs, schemas, migrations, the web
 * UI) and start worker threads (the hash worker, the publish pool), so a path that is right from
 * src/ or dist/ but wrong from the bundle fails here. `npm test` builds before vitest runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLES, ROOT, runProcess, spawnServe, type Exit } from './helpers.js'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'accord-bundle-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('bin/accord.js runs the bundle', () => {
  it('imports dist/bundle/main.js', () => {
    const bin = readFileSync(path.join(ROOT, 'bin', 'accord.js'), 'utf8')
    expect(bin).toContain("import('../dist/bundle/main.js')")
  })

  it('prints the version of package.json', async () => {
    const r = await runProcess(['--version'])
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(r.stdout).toBe(`${pkg.version}\n`)
    expect(r.code).toBe(0)
  })

  it('writes the JSON schemas it generates from the bundle as they are in schema/', async () => {
    const r = await runProcess(['schema', '--check'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('issues a passport (catalogs, hash worker), serves it (migrations, web UI, publish worker)', async () => {
    const keys = await runProcess(['keys', 'generate', '--out', p('keys'), '--name', 'issuer'])
    expect(keys.code, keys.stderr).toBe(0)
    const manifest = path.join(EXAMPLES, 'border-biometrics', 'accord.yaml')
    const key = p('keys', 'issuer.private.jwk.json')
    const issued = await runProcess([
      'issue',
      manifest,
      '--key',
      key,
      '--status-dir',
      p('status'),
      '--out',
      p('passport.sd-jwt'),
      '--json',
    ])
    expect(issued.code, issued.stderr).toBe(0)
    const passport = JSON.parse(issued.stdout) as { jti: string; artifacts: number }
    // The example's model files, hashed by the bundle's hash worker (dist/bundle/hash-worker.js).
    expect(passport.artifacts).toBe(3)

    // The server with its embedded store (migrations/) and one publish worker thread.
    const server = await spawnServe([
      '--port',
      '0',
      '--data-dir',
      p('registry'),
      '--publish-workers',
      '1',
      '--log-level',
      'warn',
    ])
    let stopped: Exit | undefined
    try {
      const url = server.url
      const base = url.endsWith('/') ? url : `${url}/`

      const page = await fetch(base)
      expect(page.status).toBe(200)
      const index = readFileSync(path.join(ROOT, 'src', 'web', 'index.html'), 'utf8')
      const title = /<title>[^<]*<\/title>/.exec(index)?.[0] as string
      expect(await page.text()).toContain(title)
      const css = await fetch(new URL('web/style.css', base))
      expect(css.status).toBe(200)
      expect(await css.text()).toBe(
        readFileSync(path.join(ROOT, 'src', 'web', 'style.css'), 'utf8'),
      )

      const published = await runProcess([
        'publish',
        p('passport.sd-jwt'),
        '--registry',
        base,
        '--key',
        key,
        '--json',
      ])
      expect(published.code, published.stdout + published.stderr).toBe(0)
      const record = await fetch(
        new URL(`api/v1/passports/${encodeURIComponent(passport.jti)}`, base),
      )
      expect(record.status).toBe(200)
    } finally {
      stopped = await server.stop()
    }
    expect(stopped.signal, server.stderr()).toBeNull()
    expect(stopped.code, server.stderr()).toBe(0)
  }, 180_000)
})
