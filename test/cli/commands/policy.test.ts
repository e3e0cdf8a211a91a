/**
 * `accord policy check|explain`: the bundled policies (with fixed public keys, so the explanation
 * is the same on every run: test/golden/policy/, regenerate with UPDATE_GOLDENS=1 and review the
 * diff), and the mistakes a buyer writing a policy makes, each with its exit code and fix.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT, run } from '../helpers.js'
import { tempDir } from '../../tmp.js'

const GOLDEN = path.join(ROOT, 'test/golden/policy')
const KEYS = path.join(ROOT, 'test/fixtures/policy-keys')
const BUNDLED = [
  'eu-police-procurement.yaml',
  'allied-defence-integration.yaml',
  'us-federal-agency.yaml',
] as const

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)
const kidOf = (name: string): string =>
  (JSON.parse(readFileSync(path.join(KEYS, `${name}.public.jwk.json`), 'utf8')) as { kid: string })
    .kid

/** `accord policy explain` of a bundled policy (copied with the fixed keys), `extra` after it. */
const explain = (name: string, ...extra: string[]) =>
  run(['policy', 'explain', p('policies', name), ...extra])

/** A copy of the police policy in the temp folder with `edit` applied; returns its path. */
function edited(
  name: string,
  edit: (text: string) => string,
  from = 'eu-police-procurement.yaml',
): string {
  const text = readFileSync(p('policies', from), 'utf8')
  const out = edit(text)
  expect(out, 'the edit changed nothing').not.toBe(text)
  writeFileSync(p('policies', name), out)
  return p('policies', name)
}

beforeAll(async () => {
  dir = tempDir('accord-policy-')
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
  cpSync(KEYS, p('keys'), { recursive: true })
  // A private key, to put where only public keys belong.
  mkdirSync(p('secret'))
  const r = await run(['keys', 'generate', '--out', p('secret'), '--name', 'vendor'])
  expect(r.code).toBe(0)
})

describe('accord policy check', () => {
  it.each(BUNDLED)('passes the bundled %s (exit 0) as verify loads it', async (name) => {
    const r = await run(['policy', 'check', p('policies', name), '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ valid: true, file: p('policies', name) })
    const text = await run(['policy', 'check', p('policies', name)])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^ok: .* is a valid acceptance policy \(1 trusted issuer, /)
  })

  it('warns (exit 0) of a recognition rule for an obligation the policy does not require', async () => {
    // The allied policy without the obligation its recognition rule makes met.
    const file = edited(
      'unused.yaml',
      (t) =>
        t.replace(
          /^ {2}# AI system security.*\n {2}obligationsMet: \[nist-ai-rmf:measure-2\.7\]\n/m,
          '',
        ),
      'allied-defence-integration.yaml',
    )
    const r = await run(['policy', 'check', file])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('[recognition_unused]')
    expect(r.stderr).toContain('recognition rule 1 makes evidence count as nist-ai-rmf:measure-2.7')
    expect(r.stdout).toContain('with 1 warning (above)')
    expect((await run(['policy', 'check', file, '--json'])).json().warnings).toMatchObject([
      { code: 'recognition_unused', path: ['recognition', 0, 'as'], line: 46 },
    ])
    for (const name of [
      'eu-police-procurement.yaml',
      'allied-defence-integration.yaml',
      'us-federal-agency.yaml',
    ])
      expect(
        (await run(['policy', 'check', p('policies', name), '--json'])).json().warnings,
      ).toEqual([])
  })

  it('warns when endorsements.min is more than the trusted assessors of those kinds', async () => {
    const file = edited('two.yaml', (t) =>
      t.replace(
        '  assessor: [self, third-party, notified-body]\n',
        '$&  endorsements: { min: 2 }\n',
      ),
    )
    const r = await run(['policy', 'check', file, '--json'])
    expect(r.code).toBe(0)
    expect(r.json().warnings).toMatchObject([
      { code: 'endorsement_min_unreachable', path: ['requirements', 'endorsements', 'min'] },
    ])
    expect(r.json().warnings[0].message).toContain('lists only 1 assessor')
  })

  it('warns of an obligation listed twice', async () => {
    const file = edited('twice.yaml', (t) =>
      t.replace('    - eu-ai-act:art-9 #', '    - eu-ai-act:art-14\n$&'),
    )
    const r = await run(['policy', 'check', file, '--json'])
    expect(r.code).toBe(0)
    expect(r.json().warnings).toMatchObject([
      { code: 'duplicate_obligation', path: ['requirements', 'obligationsMet', 6] },
    ])
  })

  it('a misspelt key is exit 3 with file, line, column and "did you mean"', async () => {
    const file = edited('typo.yaml', (t) => t.replace('minReadiness:', 'minReadyness:'))
    const r = await run(['policy', 'check', file, '--json'])
    expect(r.code).toBe(3)
    const { error } = r.json()
    expect(error.code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(error.issues[0]).toMatchObject({ file, line: 45, column: 3 })
    expect(error.issues[0].hint).toContain('minReadiness')
    const text = await run(['policy', 'check', file])
    expect(text.code).toBe(3)
    expect(text.stderr).toContain(`${file}:45:3`)
  })

  it('a jwks file that does not exist is exit 3, naming the field and the resolved path', async () => {
    const file = edited('nokey.yaml', (t) =>
      t.replace('../keys/issuer.public.jwk.json', '../keys/isuer.public.jwk.json'),
    )
    const r = await run(['policy', 'check', file, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.issues).toMatchObject([
      { code: 'trusted_key', path: ['trust', 'issuers', 0, 'jwks'], line: 19, column: 13 },
    ])
    expect(r.json().error.issues[0].hint).toContain(path.join(dir, 'keys', 'isuer.public.jwk.json'))
  })

  it('a private key in the trust list is exit 3 and says why, without printing the key', async () => {
    const file = edited('private.yaml', (t) =>
      t.replace('../keys/issuer.public.jwk.json', '../secret/vendor.private.jwk.json'),
    )
    const r = await run(['policy', 'check', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('contains private key member(s) "d"')
    expect(r.stderr).toContain('published with tenders')
    expect(r.stderr).toContain('lets anyone who reads it sign passports as Vendor under evaluation')
    const d = (
      JSON.parse(readFileSync(p('secret', 'vendor.private.jwk.json'), 'utf8')) as { d: string }
    ).d
    expect(r.stderr).not.toContain(d)
  })

  it('an obligation id not in the catalog is exit 3 with the closest id', async () => {
    const file = edited('unknown.yaml', (t) =>
      t
        .replace('- eu-ai-act:art-14 #', '- eu-ai-act:art-41 #')
        .replace('as: eu-ai-act:art-15.5', 'as: eu-ai-act:art-15.55'),
    )
    const r = await run(['policy', 'check', file, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.issues).toMatchObject([
      { code: 'unknown_obligation', path: ['requirements', 'obligationsMet', 5] },
      {
        code: 'unknown_obligation',
        path: ['recognition', 2, 'as'],
        hint: 'did you mean `eu-ai-act:art-15.5`?',
      },
    ])
    expect(r.json().error.issues[0].hint).toMatch(/^did you mean `eu-ai-act:art-/)
  })

  it('a policy file that does not exist is exit 5', async () => {
    const r = await run(['policy', 'check', p('policies', 'none.yaml'), '--json'])
    expect(r.code).toBe(5)
    expect(r.json().error.code).toBe('ERR_CONFIG_POLICY_NOT_FOUND')
  })
})

describe('accord policy explain', () => {
  it('explains the police policy as test/golden/policy/eu-police-procurement.txt', async () => {
    const r = await explain('eu-police-procurement.yaml', '--as-of', '2026-11-21')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const golden = path.join(GOLDEN, 'eu-police-procurement.txt')
    if (process.env.UPDATE_GOLDENS === '1') {
      mkdirSync(GOLDEN, { recursive: true })
      writeFileSync(golden, r.stdout)
    }
    expect(existsSync(golden), 'missing golden; run UPDATE_GOLDENS=1 npx vitest run').toBe(true)
    expect(r.stdout).toBe(readFileSync(golden, 'utf8'))
  })

  it('names each trusted key, cites obligations from the catalog, and numbers recognition rules', async () => {
    const r = await explain('eu-police-procurement.yaml')
    expect(r.stdout).toContain(
      `Accepts passports signed by: Vendor under evaluation (key ${kidOf('issuer').slice(0, 12)}…)`,
    )
    expect(r.stdout).toContain('Obligation eu-ai-act:art-14 (Art. 14, Human oversight) must be met')
    expect(r.stdout).toContain(
      'Evidence for nist-ai-rmf:measure-2.5 (MEASURE 2.5, Validity and reliability) is accepted as eu-ai-act:art-15.1 (Art. 15(1), Appropriate and consistent performance) under mutual recognition rule 1, when assessed by a third party or a notified body',
    )
    // Without --as-of nothing depends on the date.
    expect(r.stdout).not.toMatch(/issued on \d/)
  })

  it.each(BUNDLED)(
    '--json of %s: one entry per rule, in the order verify checks them',
    async (name) => {
      const r = await explain(name, '--json', '--as-of', '2026-11-21')
      expect(r.code).toBe(0)
      const rules = r.json().rules as { rule: string; text: string }[]
      for (const e of rules) expect(e.text.length).toBeGreaterThan(10)
      const kinds = rules.map((e) => e.rule.split(':').slice(0, 2).join(':'))
      const order = [
        'trust:issuer',
        'trust:assessor',
        'policy:jurisdiction',
        'policy:framework',
        'policy:category',
        'policy:obligation',
        'recognition:1',
        'recognition:2',
        'recognition:3',
        'recognition:4',
        'recognition:5',
        'policy:readiness',
        'policy:assessor',
        'policy:endorsements',
        'policy:max-age',
        'policy:status',
        'policy:incidents',
        'policy:assurance',
      ]
      const positions = kinds.map((k) => order.indexOf(k))
      expect(positions).not.toContain(-1)
      expect(positions).toEqual([...positions].sort((a, b) => a - b))
      // The same input gives the same output.
      const again = await explain(name, '--json', '--as-of', '2026-11-21')
      expect(again.stdout).toBe(r.stdout)
    },
  )

  it('--json gives structured fields: citations, recognition rules, dates from --as-of', async () => {
    const r = await explain('eu-police-procurement.yaml', '--json', '--as-of', '2026-11-21')
    const rules = r.json().rules as { rule: string }[]
    const byRule = (rule: string) => rules.find((e) => e.rule === rule)
    expect(byRule('policy:obligation:eu-ai-act:art-15.1')).toMatchObject({
      obligation: 'eu-ai-act:art-15.1',
      citation: 'Art. 15(1)',
      recognitionRules: [1],
    })
    expect(byRule('recognition:1')).toMatchObject({
      accept: 'nist-ai-rmf:measure-2.5',
      as: 'eu-ai-act:art-15.1',
      assessedBy: ['third-party', 'notified-body'],
      used: true,
    })
    expect(byRule('trust:issuer:1')).toMatchObject({ kids: [kidOf('issuer')] })
    expect(byRule('policy:max-age')).toMatchObject({
      maxAgeDays: 365,
      issuedOnOrAfter: '2025-11-21',
    })
    expect(byRule('policy:category:eu-ai-act')).toMatchObject({ accepted: ['high-risk'] })
  })

  it('says how many endorsements, by whom', async () => {
    const r = await explain('allied-defence-integration.yaml')
    expect(r.stdout).toContain(
      'At least one valid endorsement by a trusted assessor of kind third party or notified body (Accredited security evaluation laboratory) must be presented',
    )
  })

  it('a glob in a readiness key counts the catalog obligations it matches', async () => {
    const r = await explain('us-federal-agency.yaml')
    expect(r.stdout).toMatch(
      /Readiness under nist-ai-rmf:govern-\* \(the \d+ matching obligations of the NIST AI RMF\) must be at least 60%/,
    )
  })

  it('refuses an invalid policy as check does (exit 3), and a bad --as-of (exit 2)', async () => {
    const file = edited('typo2.yaml', (t) => t.replace('minReadiness:', 'minReadyness:'))
    expect((await run(['policy', 'explain', file])).code).toBe(3)
    const bad = await explain('eu-police-procurement.yaml', '--as-of', '2026-02-30')
    expect(bad.code).toBe(2)
  })
})
