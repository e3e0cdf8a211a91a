/**
 * `accord diff OLD NEW`: two passports of the border-biometrics example, the second issued after
 * an update that weakens the vendor's commitments. Exit 1 when something got worse (--fail-on),
 * signatures checked with --issuer-jwk, presentations that disclose less give "not comparable".
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../tmp.js'
import { EXAMPLES, run } from '../helpers.js'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)

beforeAll(async () => {
  dir = tempDir('accord-diff-')
  cpSync(path.join(EXAMPLES, 'border-biometrics'), p('system'), { recursive: true })
  for (const name of ['issuer', 'other']) {
    const r = await run(['keys', 'generate', '--out', p('keys'), '--name', name])
    if (r.code !== 0) throw new Error(r.stderr)
  }
  const issue = async (out: string) => {
    const r = await run([
      'issue',
      p('system', 'accord.yaml'),
      '--key',
      p('keys', 'issuer.private.jwk.json'),
      '--status-dir',
      p('status'),
      '--out',
      p(out),
    ])
    if (r.code !== 0) throw new Error(r.stderr)
  }
  await issue('old.sd-jwt')
  // The update: a new version whose commitments are weaker and whose memo changed.
  const manifest = p('system', 'accord.yaml')
  const text = readFileSync(manifest, 'utf8')
  const edited = text
    .replace(/^ {2}version: 2\.4\.0$/m, '  version: 2.5.0')
    .replace('updateNoticeDays: 90', 'updateNoticeDays: 14')
    .replace('dataResidency: [EU]', 'dataResidency: [EU, US]')
  expect(edited.match(/2\.5\.0|: 14$|EU, US/gm)).toHaveLength(3)
  writeFileSync(manifest, edited)
  writeFileSync(p('system', 'evidence', 'classification-memo.md'), 'Revised memo.\n')
  await issue('new.sd-jwt')
}, 120_000)

describe('accord diff', () => {
  it('lists what got worse for the buyer and exits 1', async () => {
    const r = await run(['diff', p('old.sd-jwt'), p('new.sd-jwt'), '--json'])
    expect(r.code).toBe(1)
    const d = r.json()
    expect(d.old.version).toBe('2.4.0')
    expect(d.new.version).toBe('2.5.0')
    expect(d.passportSignature).toEqual({ old: 'not-checked', new: 'not-checked' })
    expect(d.changes.filter((c: { effect: string }) => c.effect === 'worse')).toEqual([
      {
        area: 'assurance',
        path: 'assurance.dataResidency',
        before: ['EU'],
        after: ['EU', 'US'],
        effect: 'worse',
        message: 'data may now be kept in US',
      },
      {
        area: 'assurance',
        path: 'assurance.updateNoticeDays',
        before: 90,
        after: 14,
        effect: 'worse',
        message: 'notice before behaviour-changing updates (days)',
      },
    ])
    expect(d.changes.map((c: { path: string }) => c.path)).toContain(
      'evidence.items.classification-memo.sha256',
    )
    expect(d.counts.worse).toBe(2)
  })

  it('prints the changes by effect, and says the signatures were not checked', async () => {
    const r = await run(['diff', p('old.sd-jwt'), p('new.sd-jwt')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^Valvur Sentinel 2\.4\.0 \(issued .*\) → Valvur Sentinel 2\.5\.0/)
    expect(r.stdout).toContain('Worse for the buyer (2):\n  assurance.dataResidency: data may now')
    expect(r.stdout).toContain('      90 → 14\n')
    expect(r.stdout).toMatch(/neutral changes not shown \(--all lists them\)/)
    expect(r.stdout).not.toContain('classification-memo')
    expect(r.stderr).toMatch(/^note: the passports' signatures were not checked/)
    const all = await run(['diff', p('old.sd-jwt'), p('new.sd-jwt'), '--all'])
    expect(all.stdout).toContain('Neutral (')
    expect(all.stdout).toContain('evidence.items.classification-memo.sha256: document changed')
  })

  it('exits 0 for the same passport, and as --fail-on says', async () => {
    const same = await run(['diff', p('old.sd-jwt'), p('old.sd-jwt'), '--json'])
    expect(same.code).toBe(0)
    expect(same.json().changes).toEqual([])
    expect((await run(['diff', p('old.sd-jwt'), p('new.sd-jwt'), '--fail-on', 'never'])).code).toBe(
      0,
    )
    // Backwards, the update's changes are better: nothing worse.
    const back = await run(['diff', p('new.sd-jwt'), p('old.sd-jwt'), '--json'])
    expect(back.code).toBe(0)
    expect(back.json().counts.better).toBe(2)
  })

  it('checks both signatures with --issuer-jwk, and refuses another key (exit 4)', async () => {
    const ok = await run([
      'diff',
      p('old.sd-jwt'),
      p('new.sd-jwt'),
      '--issuer-jwk',
      p('keys', 'issuer.public.jwk.json'),
      '--json',
    ])
    expect(ok.json().passportSignature).toEqual({ old: 'valid', new: 'valid' })
    const wrong = await run([
      'diff',
      p('old.sd-jwt'),
      p('new.sd-jwt'),
      '--issuer-jwk',
      p('keys', 'other.public.jwk.json'),
      '--json',
    ])
    expect(wrong.code).toBe(4)
    expect(wrong.json().error.code).toBe('ERR_PASSPORT_SIGNATURE_INVALID')
    expect(wrong.json().error.message).toContain(p('old.sd-jwt'))
  })

  it('cannot compare what a presentation leaves undisclosed', async () => {
    const presented = await run([
      'present',
      p('new.sd-jwt'),
      '--disclose',
      'classification.eu-ai-act',
      '--out',
      p('presented.sd-jwt'),
    ])
    expect(presented.code, presented.stderr).toBe(0)
    const d = (await run(['diff', p('old.sd-jwt'), p('presented.sd-jwt'), '--json'])).json()
    expect(d.notComparable).toContainEqual({ path: 'obligations.eu-ai-act', disclosedIn: 'old' })
    expect(d.notComparable).toContainEqual({
      path: 'evidence.items.classification-memo',
      disclosedIn: 'old',
    })
    // The commitments are always visible: still compared.
    expect(d.counts.worse).toBe(2)
  })

  it('refuses a file that is not a passport (exit 3), naming it', async () => {
    writeFileSync(p('not-a-passport.sd-jwt'), 'hello~\n')
    const r = await run(['diff', p('old.sd-jwt'), p('not-a-passport.sd-jwt'), '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_PASSPORT_MALFORMED')
    expect(r.json().error.message).toContain(p('not-a-passport.sd-jwt'))
  })
})
