/**
 * `accord verify`: how it reports bad arguments and what it says about checks it could not make.
 * One passport, issued with a holder key, and a key-bound presentation of it.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { exampleClaims } from '../../fixtures/passport/inputs.js'
import { inlinePolicy } from '../../fixtures/passport/policy.js'
import { makeSigner, sdCrypto } from '../../fixtures/passport/signer.js'
import { endorseArgv, EXAMPLES, ROOT, run } from '../helpers.js'
import { BORDER_LEGACY_HIGH_RISK, BORDER_LEGACY_SENTENCE } from '../../fixtures/legacy.js'
import { tempDir } from '../../tmp.js'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)
const POLICY = () => p('policies', 'eu-police-procurement.yaml')
/** `accord verify FILE --policy POLICY ...extra`. */
const verify = (file: string, ...extra: string[]) =>
  run(['verify', p(file), '--policy', POLICY(), ...extra])

beforeAll(async () => {
  dir = tempDir('accord-verify-')
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
  for (const name of ['issuer', 'authority', 'assessor', 'holder']) {
    const r = await run(['keys', 'generate', '--out', p('keys'), '--name', name, '--json'])
    expect(r.code).toBe(0)
  }
  const issued = await run([
    'issue',
    path.join(EXAMPLES, 'border-biometrics', 'accord.yaml'),
    '--key',
    p('keys', 'issuer.private.jwk.json'),
    '--holder-key',
    p('keys', 'holder.public.jwk.json'),
    '--out',
    p('bb.sd-jwt'),
    '--status-dir',
    p('status'),
    '--json',
  ])
  expect(issued.stderr).toBe('')
  expect(issued.code).toBe(0)
  const presented = await run([
    'present',
    p('bb.sd-jwt'),
    '--disclose',
    'all',
    '--holder-key',
    p('keys', 'holder.private.jwk.json'),
    '--audience',
    'https://buyer.example',
    '--nonce',
    'n-123',
    '--out',
    p('kb.sd-jwt'),
  ])
  expect(presented.code).toBe(0)
}, 120_000)

describe('accord verify --require-key-binding', () => {
  it('without --audience and --nonce is a bad argument (exit 2) naming both', async () => {
    const r = await verify('kb.sd-jwt', '--require-key-binding')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('[ERR_CONFIG_BAD_ARGS]')
    expect(r.stderr).toContain('--require-key-binding needs --audience and --nonce')
    expect(r.stderr).not.toContain('TypeError')
  })

  it('names only the missing option, and reports it as JSON with --json', async () => {
    const r = await verify(
      'kb.sd-jwt',
      '--require-key-binding',
      '--audience',
      'https://buyer.example',
      '--json',
    )
    expect(r.code).toBe(2)
    expect(r.json().error.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(r.json().error.message).toMatch(/^--require-key-binding needs --nonce:/)
  })

  it('with both, a fresh key-bound presentation passes key binding', async () => {
    const r = await verify(
      'kb.sd-jwt',
      '--require-key-binding',
      '--audience',
      'https://buyer.example',
      '--nonce',
      'n-123',
      '--json',
    )
    const kb = r.json().checks.find((c: { check: string }) => c.check === 'key-binding')
    expect(kb).toMatchObject({ outcome: 'pass', reason: 'ok' })
  })
})

describe('accord verify of a key-bound presentation', () => {
  it('without --audience and --nonce does not report key binding as ok', async () => {
    const r = await verify('kb.sd-jwt')
    const line = r.stdout.split('\n').find((l) => l.includes('key-binding'))
    expect(line).toMatch(/^ {2}-- {3}key-binding +kb-nonce +key binding signed by the holder key/)
    expect(line).toContain('--audience AUD --nonce NONCE')
    expect(line).not.toMatch(/^ {2}ok/)
  })
})

describe('accord verify: policy warnings', () => {
  it('prints the policy warnings (an unknown YAML tag) on stderr; the verdict is unchanged', async () => {
    const tagged = p('policies', 'tagged.yaml')
    writeFileSync(tagged, readFileSync(POLICY(), 'utf8').replace(/^name: /m, 'name: !custom '))
    const plain = await verify('bb.sd-jwt', '--json')
    const r = await run(['verify', p('bb.sd-jwt'), '--policy', tagged, '--json'])
    expect(r.code).toBe(plain.code)
    expect(r.json().verdict).toBe(plain.json().verdict)
    expect(r.stderr).toMatch(
      /^warning: .*tagged\.yaml:\d+:\d+: YAML warning: unresolved tag: !custom \[yaml_warning\]$/m,
    )
    expect(plain.stderr).not.toContain('warning:')
  })

  it('gives the warnings of `accord policy check` once, on stderr and as policyWarnings with --json', async () => {
    // The police policy with an obligation listed twice: valid, with one lint warning.
    const twice = p('policies', 'twice.yaml')
    const edited = readFileSync(POLICY(), 'utf8').replace(
      '    - eu-ai-act:art-9 #',
      '    - eu-ai-act:art-14\n$&',
    )
    expect(edited).not.toBe(readFileSync(POLICY(), 'utf8'))
    writeFileSync(twice, edited)
    const plain = await verify('bb.sd-jwt', '--json')
    const text = await run(['verify', p('bb.sd-jwt'), '--policy', twice])
    expect(text.code).toBe(plain.code)
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^${plain.json().verdict.toUpperCase()}`))
    const lines = text.stderr.split('\n').filter((l) => l.startsWith('warning:'))
    expect(lines).toEqual([
      `warning: ${twice}:42:7: eu-ai-act:art-14 is listed twice in obligationsMet at requirements.obligationsMet[6] [duplicate_obligation]`,
    ])
    expect(text.stderr).toContain('  fix: remove the second entry')

    const json = await run(['verify', p('bb.sd-jwt'), '--policy', twice, '--json'])
    expect(json.code).toBe(plain.code)
    expect(json.json().verdict).toBe(plain.json().verdict)
    expect(json.stderr.match(/^warning:/gm)).toHaveLength(1)
    const check = await run(['policy', 'check', twice, '--json'])
    expect(check.json().warnings).toHaveLength(1)
    expect(json.json().policyWarnings).toEqual(check.json().warnings)
    expect(json.json().policyWarnings[0]).toMatchObject({
      code: 'duplicate_obligation',
      file: twice,
      line: 42,
      path: ['requirements', 'obligationsMet', 6],
    })
  })

  it('gives no policy warnings for the bundled policies', async () => {
    for (const name of [
      'eu-police-procurement.yaml',
      'allied-defence-integration.yaml',
      'us-federal-agency.yaml',
    ]) {
      const r = await run(['verify', p('bb.sd-jwt'), '--policy', p('policies', name), '--json'])
      expect(r.stderr, name).not.toContain('warning:')
      expect(r.json().policyWarnings, name).toEqual([])
    }
  })
})

describe('accord verify --at', () => {
  for (const at of ['2026-02-30', '2026-13-01', '2026-02-30T10:00:00Z', 'tomorrow']) {
    it(`rejects ${at} (exit 2, ERR_CONFIG_BAD_DATE) with a fix naming --at`, async () => {
      const r = await verify('bb.sd-jwt', '--at', at)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`error: --at "${at}" is not an ISO 8601 date`)
      expect(r.stderr).toContain('[ERR_CONFIG_BAD_DATE]')
      expect(r.stderr).toMatch(/^fix: .*--at 2027-12-02/m)
    })
  }

  it('accepts a real date and a date-time', async () => {
    for (const at of ['2027-02-28', '2027-02-28T10:00:00Z', '2027-02-28T10:00:00+01:00']) {
      const r = await verify('bb.sd-jwt', '--at', at, '--json')
      expect(r.json().checks.find((c: { check: string }) => c.check === 'validity')).toMatchObject({
        outcome: 'pass',
      })
    }
  })
})

describe('accord verify --artifacts', () => {
  it('a folder that does not exist is a file error (exit 5) before verification', async () => {
    const missing = p('nosuchdir')
    const r = await verify('bb.sd-jwt', '--artifacts', missing)
    expect(r.code).toBe(5)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`error: --artifacts "${missing}" does not exist`)
    expect(r.stderr).toContain('[ERR_CONFIG_FILE_NOT_FOUND]')
    const j = await verify('bb.sd-jwt', '--artifacts', missing, '--json')
    expect(j.code).toBe(5)
    expect(j.json().error.code).toBe('ERR_CONFIG_FILE_NOT_FOUND')
  })

  it('a file instead of a folder is a bad argument (exit 2)', async () => {
    const file = p('bb.sd-jwt')
    const r = await run(['verify', file, '--policy', POLICY(), '--artifacts', file])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`error: --artifacts "${file}" is a file, not a folder`)
    expect(r.stderr).toContain('[ERR_CONFIG_BAD_ARGS]')
  })

  it('the right folder still checks every artifact', async () => {
    const r = await verify(
      'bb.sd-jwt',
      '--artifacts',
      path.join(EXAMPLES, 'border-biometrics'),
      '--json',
    )
    expect(r.json().checks.find((c: { check: string }) => c.check === 'artifacts')).toMatchObject({
      outcome: 'pass',
    })
  })
})

describe('accord verify: the Art. 111 status of the passport', () => {
  const SENTENCE = BORDER_LEGACY_SENTENCE

  it('border-biometrics: one sentence in the text, the claim and the sentence with --json', async () => {
    const text = await verify('bb.sd-jwt')
    expect(text.stdout.split('\n')).toContain(`EU AI Act ${SENTENCE}`)
    const json = await verify('bb.sd-jwt', '--json')
    expect(json.json().legacy).toEqual([
      {
        jurisdiction: 'eu-ai-act',
        claim: 'classification.eu-ai-act.legacy.highRisk',
        status: BORDER_LEGACY_HIGH_RISK,
        sentence: SENTENCE,
      },
    ])
    expect(json.code).toBe(text.code)
  })

  it('a passport issued before the member existed verifies as before, with no sentence', async () => {
    const issuer = await makeSigner('EdDSA')
    writeFileSync(p('inline.yaml'), inlinePolicy(issuer, 'inline'))
    const claims = await exampleClaims('border-biometrics', { jti: `urn:uuid:${randomUUID()}` })
    writeFileSync(p('new.sd-jwt'), await issuePassport(claims, issuer, sdCrypto))
    const eu = claims.credentialSubject.classification['eu-ai-act']
    expect(eu?.legacy).toBeDefined()
    delete eu?.legacy
    writeFileSync(p('old.sd-jwt'), await issuePassport(claims, issuer, sdCrypto))
    const at = ['--policy', p('inline.yaml'), '--at', '2026-12-01', '--json']
    const [now, old] = [
      await run(['verify', p('new.sd-jwt'), ...at]),
      await run(['verify', p('old.sd-jwt'), ...at]),
    ]
    expect(old.json().verdict).toBe('accepted')
    expect(old.code).toBe(0)
    const outcomes = (r: typeof old) =>
      r.json().checks.map((c: { check: string; outcome: string }) => [c.check, c.outcome])
    expect(outcomes(old)).toEqual(outcomes(now))
    expect(old.json().legacy).toEqual([])
    expect(now.json().legacy).toHaveLength(1)
    const text = await run([
      'verify',
      p('old.sd-jwt'),
      '--policy',
      p('inline.yaml'),
      '--at',
      '2026-12-01',
    ])
    expect(text.stdout).not.toContain('Art. 111')
  })
})

describe('accord verify output', () => {
  it('shows validity times as ISO 8601 UTC dates, not epoch seconds', async () => {
    const ok = await run(['verify', p('bb.sd-jwt'), '--policy', POLICY()])
    const validity = ok.stdout.split('\n').find((l) => l.includes(' validity '))
    expect(validity).toMatch(/valid until \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    const late = await verify('bb.sd-jwt', '--at', '2030-01-01')
    expect(late.code).toBe(1)
    expect(late.stdout).toMatch(
      /FAIL validity +expired +expired at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z, now 2030-01-01T00:00:00Z \(skew 60 s\)/,
    )
  })
})

describe('accord verify checks the policy against the catalogs', () => {
  it('a misspelt obligation id or recognition target is a policy error (exit 3), not a rule that never holds', async () => {
    const policy = p('policies', 'typo.yaml')
    const text = readFileSync(POLICY(), 'utf8')
      .replace('- eu-ai-act:art-12 #', '- eu-ai-act:art-122 #')
      .replace('as: eu-ai-act:art-15.5', 'as: eu-ai-act:art-15.55')
    writeFileSync(policy, text)
    const r = await run(['verify', p('bb.sd-jwt'), '--policy', policy, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_CONFIG_POLICY_INVALID')
    const issues = r.json().error.issues as { code: string; message: string }[]
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['unknown_obligation', 'eu-ai-act:art-122 is not in the eu-ai-act catalog'],
      ['unknown_obligation', 'eu-ai-act:art-15.55 is not in the eu-ai-act catalog'],
    ])
  })
})

describe('accord verify --endorsement', () => {
  it('endorsements signed with two keys of one assessor (a JWK Set) count once', async () => {
    const second = await run(['keys', 'generate', '--out', p('keys'), '--name', 'authority2'])
    expect(second.code).toBe(0)
    const pub = (name: string) =>
      JSON.parse(readFileSync(p('keys', `${name}.public.jwk.json`), 'utf8')) as object
    writeFileSync(
      p('keys', 'authority-set.json'),
      JSON.stringify({ keys: [pub('authority'), pub('authority2')] }),
    )
    const tokens: string[] = []
    for (const name of ['authority', 'authority2']) {
      const out = p(`bb.${name}.end.sd-jwt`)
      const r = await run([
        ...endorseArgv(p('bb.sd-jwt'), p('keys', `${name}.private.jwk.json`)),
        '--out',
        out,
      ])
      expect(r.code).toBe(0)
      tokens.push('--endorsement', out)
    }
    const policy = p('policies', 'two-endorsements-set.yaml')
    writeFileSync(
      policy,
      readFileSync(POLICY(), 'utf8')
        .replace('jwks: ../keys/authority.public.jwk.json', 'jwks: ../keys/authority-set.json')
        .replace('  maxAgeDays: 365', '  endorsements: { min: 2 }\n  maxAgeDays: 365'),
    )
    const r = await run(['verify', p('bb.sd-jwt'), '--policy', policy, ...tokens, '--json'])
    const endorsements = r
      .json()
      .checks.filter((c: { check: string }) => c.check.startsWith('endorsement:'))
    expect(endorsements.map((c: { outcome: string }) => c.outcome)).toEqual(['pass', 'pass'])
    const check = r.json().checks.find((c: { check: string }) => c.check === 'policy:endorsements')
    expect(check).toMatchObject({ outcome: 'fail', reason: 'policy-endorsement' })
    expect(r.code).toBe(1)
  })
  it('the same endorsement given twice counts once towards endorsements.min', async () => {
    const endorsed = await run([
      ...endorseArgv(p('bb.sd-jwt'), p('keys', 'authority.private.jwk.json')),
      '--out',
      p('bb.end.sd-jwt'),
    ])
    expect(endorsed.code).toBe(0)
    const policy = p('policies', 'two-endorsements.yaml')
    writeFileSync(
      policy,
      readFileSync(POLICY(), 'utf8').replace(
        '  maxAgeDays: 365',
        '  endorsements: { min: 2 }\n  maxAgeDays: 365',
      ),
    )
    const end = p('bb.end.sd-jwt')
    const r = await run([
      'verify',
      p('bb.sd-jwt'),
      '--policy',
      policy,
      '--endorsement',
      end,
      '--endorsement',
      end,
      '--json',
    ])
    const check = r.json().checks.find((c: { check: string }) => c.check === 'policy:endorsements')
    expect(check).toMatchObject({ outcome: 'fail', reason: 'policy-endorsement' })
    expect(check.message).toMatch(
      /^1 valid endorsement\(s\) .*1 more by an assessor already counted/,
    )
    expect(r.json().verdict).toBe('rejected')
    expect(r.code).toBe(1)
  })
})

describe('accord verify: the text report', () => {
  it('aligns the reason column on every line, also after long policy check names', async () => {
    const json = await verify('bb.sd-jwt', '--json')
    const checks = json.json().checks as { check: string; reason: string }[]
    expect(Math.max(...checks.map((c) => c.check.length))).toBeGreaterThan(34)
    const all = (await verify('bb.sd-jwt')).stdout.trimEnd().split('\n').slice(1)
    // one line per check, then the passport's Art. 111 sentence (border-biometrics is a legacy system)
    expect(all).toHaveLength(checks.length + (json.json().legacy as unknown[]).length)
    const lines = all.slice(0, checks.length)
    // After "  MARK " (7 characters) comes the check, padded; then the reason.
    const reasonAt = lines.map((line, i) => {
      const c = checks[i] as { check: string; reason: string }
      return line.indexOf(` ${c.reason}`, 7 + c.check.length)
    })
    expect(new Set(reasonAt).size).toBe(1)
  })
})
