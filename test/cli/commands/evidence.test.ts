import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { evidenceCommitment } from '../../../src/core/passport/evidence-commitment.js'
import { hashEvidence } from '../../../src/node/evidence.js'
import { loadManifest } from '../../../src/node/manifest-loader.js'
import { sha256 } from '../../../src/node/sha256.js'
import { EXAMPLES, run as runCli } from '../helpers.js'
import { tempDir } from '../../tmp.js'

const manifestPath = path.join(EXAMPLES, 'police-analytics', 'accord.yaml')

/** Runs `accord evidence ...` in-process through a fresh commander program. */
async function run(argv: string[]) {
  const { code, stdout, stderr } = await runCli(argv)
  return { code, stdout, stderr }
}

async function commitment() {
  const { manifest, dir } = await loadManifest(manifestPath)
  const items = await hashEvidence(manifest, dir)
  return { items, dir, c: evidenceCommitment(items, sha256) }
}

describe('accord evidence prove / check', () => {
  it('proves an item and checks it against the root computed from all the evidence', async () => {
    const { items, dir, c } = await commitment()
    const target = items[Math.floor(items.length / 2)]!
    const prove = await run(['evidence', 'prove', manifestPath, '--id', target.id, '--json'])
    expect(prove.code).toBe(0)
    const proof = JSON.parse(prove.stdout)
    expect(proof.item).toEqual({ id: target.id, sha256: target.sha256, type: target.type })
    expect(proof.merkleRoot).toBe(c.merkleRoot)
    expect(proof.count).toBe(c.count)

    const tmp = tempDir('accord-evidence-')
    const file = path.join(tmp, 'proof.json')
    writeFileSync(file, prove.stdout)
    const evidenceFile = path.join(dir, target.path)
    const ok = await run([
      'evidence',
      'check',
      '--root',
      c.merkleRoot,
      '--count',
      String(c.count),
      '--item',
      file,
      '--file',
      evidenceFile,
    ])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^ok: evidence/)

    const json = await run([
      'evidence',
      'check',
      '--root',
      c.merkleRoot,
      '--count',
      String(c.count),
      '--item',
      file,
      '--json',
    ])
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, inclusion: { ok: true } })

    // another root, another count, a tampered item, or the wrong file: exit 4
    const otherRoot = 'ab'.repeat(32)
    expect(
      (
        await run([
          'evidence',
          'check',
          '--root',
          otherRoot,
          '--count',
          String(c.count),
          '--item',
          file,
        ])
      ).code,
    ).toBe(4)
    expect(
      (
        await run([
          'evidence',
          'check',
          '--root',
          c.merkleRoot,
          '--count',
          String(c.count + 5),
          '--item',
          file,
        ])
      ).code,
    ).toBe(4)
    const tampered = path.join(tmp, 'tampered.json')
    writeFileSync(tampered, JSON.stringify({ ...proof, item: { ...proof.item, type: 'policy' } }))
    const bad = await run([
      'evidence',
      'check',
      '--root',
      c.merkleRoot,
      '--count',
      String(c.count),
      '--item',
      tampered,
      '--json',
    ])
    expect(bad.code).toBe(4)
    expect(JSON.parse(bad.stdout).inclusion).toMatchObject({ ok: false, reason: 'root-mismatch' })
    const wrongFile = await run([
      'evidence',
      'check',
      '--root',
      c.merkleRoot,
      '--count',
      String(c.count),
      '--item',
      file,
      '--file',
      manifestPath,
    ])
    expect(wrongFile.code).toBe(4)
    expect(wrongFile.stdout).toMatch(/FAILED: .*accord.yaml has SHA-256/)
  })

  it('prints a readable proof without --json', async () => {
    const { items } = await commitment()
    const r = await run(['evidence', 'prove', manifestPath, '--id', items[0]!.id])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`evidence   ${items[0]!.id}`)
    expect(r.stdout).toMatch(/leaf {7}0 of \d+ \(accord-evidence-leaf-v1\)/)
  })

  it('reports an unknown id, bad flags and bad proof files with their codes', async () => {
    const unknown = await run(['evidence', 'prove', manifestPath, '--id', 'nope', '--json'])
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stdout).error.code).toBe('ERR_CONFIG_BAD_ARGS')

    const tmp = tempDir('accord-evidence-')
    const junk = path.join(tmp, 'junk.json')
    writeFileSync(junk, '{"item": 1}')
    const root = 'ab'.repeat(32)
    expect(
      (await run(['evidence', 'check', '--root', 'xyz', '--count', '3', '--item', junk])).code,
    ).toBe(2)
    expect(
      (await run(['evidence', 'check', '--root', root, '--count', '0', '--item', junk])).code,
    ).toBe(2)
    expect(
      (await run(['evidence', 'check', '--root', root, '--count', '2.5', '--item', junk])).code,
    ).toBe(2)
    const invalid = await run([
      'evidence',
      'check',
      '--root',
      root,
      '--count',
      '3',
      '--item',
      junk,
      '--json',
    ])
    expect(invalid.code).toBe(3)
    expect(JSON.parse(invalid.stdout).error.code).toBe('ERR_EVIDENCE_PROOF_INVALID')
    writeFileSync(junk, 'not json')
    expect(
      (await run(['evidence', 'check', '--root', root, '--count', '3', '--item', junk])).code,
    ).toBe(3)
    const missing = await run([
      'evidence',
      'check',
      '--root',
      root,
      '--count',
      '3',
      '--item',
      path.join(tmp, 'nope.json'),
      '--json',
    ])
    expect(missing.code).toBe(5)
    expect(JSON.parse(missing.stdout).error.code).toBe('ERR_CONFIG_FILE_NOT_FOUND')
  })
})
