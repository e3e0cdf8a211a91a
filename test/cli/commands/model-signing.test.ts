import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { run as runCli } from '../helpers.js'
import { VENDOR as SHARED_VENDOR } from '../../vendor.js'
import { tempDir } from '../../tmp.js'

const VENDOR = `${SHARED_VENDOR}/model-signing`
const FIXTURE = `${VENDOR}/v1.1.0-elliptic-key`
const SIG = `${FIXTURE}/model.sig`
const KEY = `${VENDOR}/signing-key-pub.pem`

async function run(argv: string[]) {
  const { code, stdout, stderr } = await runCli(argv)
  return { code, stdout, stderr }
}

describe('accord model-signing', () => {
  it('verify: the fixture with its key and model directory (exit 0)', async () => {
    const r = await run([
      'model-signing',
      'verify',
      '--signature',
      SIG,
      '--public-key',
      KEY,
      '--model',
      FIXTURE,
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('ok    signature: DSSE signature verifies (ecdsa-p384-sha384)')
    expect(r.stdout).toContain('verified: model "v1.1.0-elliptic-key" sha256 92745110')
    const j = await run([
      'model-signing',
      'verify',
      '--signature',
      SIG,
      '--public-key',
      KEY,
      '--model',
      FIXTURE,
      '--json',
    ])
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: true,
      files: { matched: ['signme-1', 'signme-2'] },
    })
  })

  it('verify: a changed model file fails (exit 4)', async () => {
    const dir = tempDir('accord-ms-')
    cpSync(FIXTURE, dir, { recursive: true })
    chmodSync(dir, 0o755)
    chmodSync(path.join(dir, 'signme-2'), 0o644)
    writeFileSync(path.join(dir, 'signme-2'), 'changed')
    const r = await run([
      'model-signing',
      'verify',
      '--signature',
      path.join(dir, 'model.sig'),
      '--public-key',
      KEY,
      '--model',
      dir,
      '--json',
    ])
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout).files.mismatched[0].name).toBe('signme-2')
  })

  it('verify: errors for unreadable or unusable inputs', async () => {
    const missing = await run([
      'model-signing',
      'verify',
      '--signature',
      '/nope/model.sig',
      '--public-key',
      KEY,
      '--json',
    ])
    expect(missing.code).toBe(5)
    expect(JSON.parse(missing.stdout).error.code).toBe('ERR_CONFIG_FILE_NOT_FOUND')
    const badKey = await run([
      'model-signing',
      'verify',
      '--signature',
      SIG,
      '--public-key',
      SIG,
      '--json',
    ])
    expect(badKey.code).toBe(3)
    expect(JSON.parse(badKey.stdout).error.code).toBe('ERR_PASSPORT_MODEL_KEY_INVALID')
    const noDir = await run([
      'model-signing',
      'verify',
      '--signature',
      SIG,
      '--public-key',
      KEY,
      '--model',
      '/nope',
    ])
    expect(noDir.code).toBe(5)
  })

  it('verify: a truncated or garbage model.sig is invalid input (exit 3, docs/errors.md), not a failed check', async () => {
    const dir = tempDir('accord-ms-bad-')
    const sigText = readFileSync(SIG, 'utf8')
    const truncated = path.join(dir, 'truncated.sig')
    writeFileSync(truncated, sigText.slice(0, Math.floor(sigText.length / 2)))
    const garbage = path.join(dir, 'garbage.sig')
    writeFileSync(garbage, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a]))
    const notABundle = path.join(dir, 'not-a-bundle.sig')
    writeFileSync(notABundle, '{"mediaType": 1}')
    for (const file of [truncated, garbage, notABundle, KEY]) {
      const j = await run([
        'model-signing',
        'verify',
        '--signature',
        file,
        '--public-key',
        KEY,
        '--json',
      ])
      expect(j.code, file).toBe(3)
      const error = JSON.parse(j.stdout).error
      expect(error.code).toBe('ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED')
      expect(error.message).toContain(`--signature "${file}": model signature: `)
      const t = await run(['model-signing', 'verify', '--signature', file, '--public-key', KEY])
      expect(t.code, file).toBe(3)
      expect(t.stderr).toContain('ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED')
    }
  })

  it('export: reproduces the fixture statement for its files', async () => {
    const r = await run([
      'model-signing',
      'export',
      '--artifacts',
      FIXTURE,
      '--ignore-paths',
      'model.sig',
      '--ignore-paths',
      'ignore-me',
    ])
    expect(r.code).toBe(0)
    const st = JSON.parse(r.stdout)
    expect(st.subject).toEqual([
      {
        name: 'v1.1.0-elliptic-key',
        digest: { sha256: '92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4' },
      },
    ])
    expect(st.predicate.resources.map((x: { name: string }) => x.name)).toEqual([
      'signme-1',
      'signme-2',
    ])
    const named = await run([
      'model-signing',
      'export',
      '--artifacts',
      FIXTURE,
      '--name',
      'my-model',
    ])
    expect(JSON.parse(named.stdout).subject[0].name).toBe('my-model')
    expect((await run(['model-signing', 'export', '--artifacts', '/nope'])).code).toBe(5)
  })
})
