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

describe('accord issue with a missing model artifact', () => {
  it('names models[i].artifacts[j] at its line and column in the manifest', async () => {
    const manifest = copyExample('police-analytics')
    const dir = path.dirname(manifest)
    const keys = mkdtempSync(path.join(tmpdir(), 'accord-keys-'))
    try {
      expect((await run(['keys', 'generate', '--out', keys, '--name', 'issuer'])).code).toBe(0)
      // The first artifact of the first model.
      const artifact = 'models/kestrel-asr-4.1.0.bin'
      rmSync(path.join(dir, artifact))
      const lines = readFileSync(manifest, 'utf8').split('\n')
      const line = lines.findIndex((l) => l.trim() === `- ${artifact}`) + 1
      expect(line).toBeGreaterThan(0)

      const out = path.join(dir, 'out.sd-jwt')
      const r = await run([
        'issue',
        manifest,
        '--key',
        path.join(keys, 'issuer.private.jwk.json'),
        '--out',
        out,
        '--status-dir',
        path.join(dir, 'status'),
        '--json',
      ])
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
    } finally {
      rmSync(keys, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('accord issue with an --out it cannot write', () => {
  it('stops before allocating a status index, leaving nothing behind', async () => {
    const manifest = copyExample('public-chatbot')
    const dir = path.dirname(manifest)
    const keys = mkdtempSync(path.join(tmpdir(), 'accord-keys-'))
    try {
      expect((await run(['keys', 'generate', '--out', keys, '--name', 'issuer'])).code).toBe(0)
      const out = path.join(dir, 'passports')
      mkdirSync(out)
      const status = path.join(dir, 'status')
      const r = await run([
        'issue',
        manifest,
        '--key',
        path.join(keys, 'issuer.private.jwk.json'),
        '--out',
        out,
        '--status-dir',
        status,
      ])
      expect(r.code).toBe(5)
      expect(r.stderr).toContain(`could not write ${out}: it is a directory`)
      // No status list was touched, and the folder holds no probe file.
      expect(existsSync(status)).toBe(false)
      expect(readdirSync(out)).toEqual([])
    } finally {
      rmSync(keys, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('accord issue for a prohibited practice', () => {
  it('issues the passport, which says so, and warns the issuer', async () => {
    const manifest = copyExample('police-analytics')
    const dir = path.dirname(manifest)
    const keys = mkdtempSync(path.join(tmpdir(), 'accord-keys-'))
    try {
      expect((await run(['keys', 'generate', '--out', keys, '--name', 'issuer'])).code).toBe(0)
      editManifest(manifest, (t) => t.replace('- evidence-reliability', '- social-scoring'))
      const args = (out: string, ...more: string[]) => [
        'issue',
        manifest,
        '--key',
        path.join(keys, 'issuer.private.jwk.json'),
        '--out',
        path.join(dir, out),
        '--status-dir',
        path.join(dir, 'status'),
        ...more,
      ]
      const text = await run(args('a.sd-jwt'))
      expect(text.code).toBe(0)
      expect(text.stderr).toMatch(
        /^warning: the EU AI Act classification is prohibited \(Art\. 5\(1\)\(c\)\)/,
      )
      const json = await run(args('b.sd-jwt', '--json'))
      expect(json.code).toBe(0)
      expect(json.json().classification['eu-ai-act']).toBe('prohibited')
      expect(json.json().warnings).toEqual([expect.stringContaining('prohibited (Art. 5(1)(c))')])
    } finally {
      rmSync(keys, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
