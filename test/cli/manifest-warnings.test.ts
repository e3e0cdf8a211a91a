/**
 * A manifest's warnings (problems that do not stop it from being used) reach the user: every
 * command that reads a manifest prints them on stderr with file, line and fix, and stdout
 * (`--json`) is unchanged. They were computed and then dropped by every command.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { copyExample, editManifest, run } from './helpers.js'
import { tempDir } from '../tmp.js'

let manifest: string
let out: string

beforeAll(async () => {
  manifest = copyExample('public-chatbot')
  // A derogation without any Annex III use case: derogation_without_annex_iii, a warning.
  editManifest(manifest, (t) =>
    t.replace(
      /^classification:\n/m,
      'classification:\n  derogation:\n    conditions: [narrow-procedural-task]\n    rationale: test\n',
    ),
  )
  out = tempDir('accord-warnings-')
  const keys = await run(['keys', 'generate', '--out', path.join(out, 'keys'), '--name', 'issuer'])
  expect(keys.code).toBe(0)
})

const WARNING =
  /^warning: .*accord\.yaml:\d+:\d+: an Art\. 6\(3\) derogation is claimed .*\[derogation_without_annex_iii\]\n {2}fix: /m

describe('manifest warnings', () => {
  const commands: Record<string, () => string[]> = {
    classify: () => ['classify', manifest, '--json'],
    assess: () => ['assess', manifest, '--json', '--fail-on', 'never'],
    docs: () => ['docs', manifest, '--out', path.join(out, 'docs'), '--json'],
    plan: () => ['plan', manifest, '--targets', 'eu', '--json'],
    'export cyclonedx': () => [
      'export',
      'cyclonedx',
      manifest,
      '--out',
      path.join(out, 'bom.json'),
      '--json',
    ],
    issue: () => [
      'issue',
      manifest,
      '--key',
      path.join(out, 'keys', 'issuer.private.jwk.json'),
      '--status-dir',
      path.join(out, 'status'),
      '--out',
      path.join(out, 'p.sd-jwt'),
      '--json',
    ],
  }
  for (const [name, argv] of Object.entries(commands)) {
    it(`${name} prints them on stderr and still succeeds with JSON on stdout`, async () => {
      const r = await run(argv())
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.stderr).toMatch(WARNING)
      expect(() => r.json()).not.toThrow()
    }, 60_000)
  }

  it('a manifest without warnings prints none', async () => {
    const r = await run(['classify', copyExample('public-chatbot'), '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).not.toContain('warning:')
  })
})
