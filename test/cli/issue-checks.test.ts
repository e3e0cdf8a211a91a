/**
 * `accord issue` with a model artifact missing: the problem names the manifest, the line and
 * column of `models[i].artifacts[j]` and where it looked, and no passport is written. With an
 * `--out` it cannot write, it stops before a status index is allocated. A prohibited system gets
 * its passport (which says so) and the issuer a warning.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { copyExample, editManifest, run } from './helpers.js'

interface Issuing {
  manifest: string
  dir: string
  /** `accord issue MANIFEST --key ISSUER --out OUT --status-dir DIR/status ...more`. */
  issue: (out: string, ...more: string[]) => ReturnType<typeof run>
}

/** Runs `test` on a copy of the example with a fresh issuer key; removes both afterwards. */
async function withCopy(example: string, test: (c: Issuing) => Promise<void>): Promise<void> {
  const manifest = copyExample(example)
  const dir = path.dirname(manifest)
  const keys = mkdtempSync(path.join(tmpdir(), 'accord-keys-'))
  try {
    expect((await run(['keys', 'generate', '--out', keys, '--name', 'issuer'])).code).toBe(0)
    const key = path.join(keys, 'issuer.private.jwk.json')
    const status = path.join(dir, 'status')
    await test({
      manifest,
      dir,
      issue: (out, ...more) =>
        run(['issue', manifest, '--key', key, '--out', out, '--status-dir', status, ...more]),
    })
  } finally {
    rmSync(keys, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('accord issue with a missing model artifact', () => {
  it('names models[i].artifacts[j] at its line and column in the manifest', () =>
    withCopy('police-analytics', async ({ manifest, dir, issue }) => {
      // The first artifact of the first model.
      const artifact = 'models/kestrel-asr-4.1.0.bin'
      rmSync(path.join(dir, artifact))
      const lines = readFileSync(manifest, 'utf8').split('\n')
      const line = lines.findIndex((l) => l.trim() === `- ${artifact}`) + 1
      expect(line).toBeGreaterThan(0)

      const out = path.join(dir, 'out.sd-jwt')
      const r = await issue(out, '--json')
      expect(r.code).toBe(3)
      const { error } = r.json()
      expect(error.code).toBe('ERR_EVIDENCE_NOT_FOUND')
      expect(error.message).toBe(`${manifest}: artifact "${artifact}" does not exist in ${dir}`)
      expect(error.issues).toEqual([
        {
          code: 'ERR_EVIDENCE_NOT_FOUND',
          path: ['models', 0, 'artifacts', 0],
          file: manifest,
          line,
          column: lines[line - 1]!.indexOf('-') + 3,
          message: `artifact "${artifact}" does not exist in ${dir}`,
          hint: `fix models[0].artifacts[0] (a path relative to ${dir}) or add the file there`,
        },
      ])
      expect(existsSync(out)).toBe(false)
    }))
})

describe('accord issue with an --out it cannot write', () => {
  it('stops before allocating a status index, leaving nothing behind', () =>
    withCopy('public-chatbot', async ({ dir, issue }) => {
      const out = path.join(dir, 'passports')
      mkdirSync(out)
      const r = await issue(out)
      expect(r.code).toBe(5)
      expect(r.stderr).toContain(`could not write ${out}: it is a directory`)
      // No status list was touched, and the folder holds no probe file.
      expect(existsSync(path.join(dir, 'status'))).toBe(false)
      expect(readdirSync(out)).toEqual([])
    }))
})

describe('accord issue for a prohibited practice', () => {
  it('issues the passport, which says so, and warns the issuer', () =>
    withCopy('police-analytics', async ({ manifest, dir, issue }) => {
      expect(readFileSync(manifest, 'utf8')).toContain('- evidence-reliability')
      editManifest(manifest, (t) => t.replace('- evidence-reliability', '- social-scoring'))
      const plain = await issue(path.join(dir, 'a.sd-jwt'))
      expect(plain.code).toBe(0)
      expect(plain.stderr).toMatch(
        /^warning: the EU AI Act classification is prohibited \(Art\. 5\(1\)\(c\)\)/,
      )
      const json = await issue(path.join(dir, 'b.sd-jwt'), '--json')
      expect(json.code).toBe(0)
      expect(json.json().classification['eu-ai-act']).toBe('prohibited')
      expect(json.json().warnings).toEqual([expect.stringContaining('prohibited (Art. 5(1)(c))')])
    }))
})
