/**
 * `accord assess` on a manifest without problems, small or large, takes the fast path (js-yaml or
 * JSON.parse) and never imports `yaml` (about 37 ms); a manifest with a problem still gets `yaml`'s positioned
 * issues. Runs the built CLI (dist/bundle/, built by `npm test` before vitest) in a child process with
 * a module hook that logs every module the process loads.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { EXAMPLES, ROOT } from './helpers.js'

/** Registers `HOOKS` and logs, at exit, the CommonJS modules (whose own requires skip the hooks). */
const REGISTER = `
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
const log = process.env.ACCORD_TEST_MODULE_LOG
register('./hooks.mjs', import.meta.url, { data: { log } })
process.on('exit', () => {
  appendFileSync(log, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n')
})
`

/** Logs the URL of every module imported (resolved) through the ES module loader. */
const HOOKS = `
import { appendFileSync } from 'node:fs'
let log
export function initialize(data) {
  log = data.log
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(log, result.url + '\\n')
  return result
}
`

const YAML_PACKAGE = /[\\/]node_modules[\\/]yaml[\\/]/

/** Generated evidence items appended to the example for the large manifest (about 64 KiB). */
const ITEMS = 300

let tmp: string
let manifestText: string
let exampleText: string
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'accord-imports-'))
  writeFileSync(path.join(tmp, 'register.mjs'), REGISTER)
  writeFileSync(path.join(tmp, 'hooks.mjs'), HOOKS)
  const system = path.join(tmp, 'system')
  cpSync(path.join(EXAMPLES, 'border-biometrics'), system, { recursive: true })
  mkdirSync(path.join(system, 'evidence', 'generated'))
  let items = ''
  for (let i = 0; i < ITEMS; i++) {
    const file = `evidence/generated/item-${i}.md`
    writeFileSync(path.join(system, file), `# Generated evidence ${i}\n`)
    items += `  - id: generated-${i}
    path: ${file}
    type: test-log
    title: Generated evidence ${i}
    date: '2026-10-01'
    supports:
      - nist-ai-rmf:measure-2.3
`
  }
  const example = readFileSync(path.join(system, 'accord.yaml'), 'utf8')
  exampleText = example
  // The evidence list ends the example: the items are appended to it.
  expect(example.trimEnd().split('\n').at(-1)).toMatch(/^ {6}- /)
  manifestText = example.trimEnd() + '\n' + items
  expect(manifestText.length).toBeGreaterThanOrEqual(64 * 1024)
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

/** Writes `text` as system/`name` and runs `accord assess --json` on it. */
function assess(name: string, text: string) {
  const manifest = path.join(tmp, 'system', name)
  writeFileSync(manifest, text)
  const log = path.join(tmp, `${name}.modules.log`)
  writeFileSync(log, '')
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(path.join(tmp, 'register.mjs')).href,
      path.join(ROOT, 'bin', 'accord.js'),
      'assess',
      manifest,
      '--json',
      '--fail-on',
      'never',
      '--as-of',
      '2026-11-21',
    ],
    { encoding: 'utf8', env: { ...process.env, ACCORD_TEST_MODULE_LOG: log } },
  )
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  // The log works: it holds the bundled CLI (dist/bundle/, scripts/bundle.mjs); the tests with
  // problems below show that `yaml`, which stays outside the bundle, is logged when imported.
  expect(modules.some((m) => m.endsWith('/dist/bundle/main.js'))).toBe(true)
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    yaml: modules.filter((m) => YAML_PACKAGE.test(m)),
  }
}

/** 1-based line and column of `needle`, which must occur once in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle)
  expect(at).toBeGreaterThanOrEqual(0)
  expect(text.indexOf(needle, at + 1)).toBe(-1)
  const before = text.slice(0, at).split('\n')
  return { line: before.length, column: (before.at(-1) as string).length + 1 }
}

describe('accord assess imports `yaml` only for positioned issues', () => {
  it('does not import yaml for the example as it is (a small manifest) without problems', () => {
    const r = assess('example.yaml', exampleText)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).classification.system.name).toBe(parse(exampleText).system.name)
    expect(r.yaml).toEqual([])
  })

  it('does not import yaml for a large YAML manifest without problems', () => {
    const r = assess('accord.yaml', manifestText)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).classification.system.name).toBeTypeOf('string')
    expect(r.yaml).toEqual([])
  })

  it('does not import yaml for a large JSON manifest without problems', () => {
    const r = assess('accord.json', JSON.stringify(parse(manifestText), null, 2))
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.yaml).toEqual([])
  })

  const problems = [
    {
      name: 'a schema issue',
      file: 'invalid.yaml',
      from: 'type: test-log\n    title: Generated evidence 7\n',
      to: 'type: test-lg\n    title: Generated evidence 7\n',
      code: 'invalid_enum',
      path: (text: string) => ['evidence', indexOf(text, 'generated-7'), 'type'],
      at: 'test-lg',
    },
    {
      name: 'an unknown obligation reference',
      file: 'unknown-ref.yaml',
      from: "Generated evidence 9\n    date: '2026-10-01'\n    supports:\n      - nist-ai-rmf:measure-2.3\n",
      to: "Generated evidence 9\n    date: '2026-10-01'\n    supports:\n      - nist-ai-rmf:measure-2.30\n",
      code: 'unknown_obligation_ref',
      path: (text: string) => ['evidence', indexOf(text, 'generated-9'), 'supports', 0],
      at: 'nist-ai-rmf:measure-2.30',
    },
  ]
  for (const c of problems) {
    it(`imports yaml for the position of ${c.name}`, () => {
      const text = manifestText.replace(c.from, c.to)
      expect(text).not.toBe(manifestText)
      const r = assess(c.file, text)
      expect(r.status).toBe(3)
      const { issues } = JSON.parse(r.stdout).error
      expect(issues).toEqual([
        expect.objectContaining({ code: c.code, path: c.path(text), ...positionOf(text, c.at) }),
      ])
      expect(r.yaml.length).toBeGreaterThan(0)
    })
  }
})

/** Index in the evidence list of the item with `id`. */
function indexOf(text: string, id: string): number {
  return (parse(text) as { evidence: { id: string }[] }).evidence.findIndex((e) => e.id === id)
}
