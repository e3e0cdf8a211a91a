import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatIssues, type Issue } from '../../../src/core/errors.js'
import { parsePolicy } from '../../../src/core/policy/parse.js'

const FIXTURES = new URL('../../fixtures/policies/', import.meta.url)
const POLICIES = new URL('../../../policies/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8')

function fail(name: string, text = read(name)): Issue[] {
  const r = parsePolicy(text, name)
  if (r.ok) throw new Error(`${name} unexpectedly parsed`)
  return r.issues
}

interface Expected {
  code: string
  line: number
  column: number
  path: (string | number)[]
  /** Substrings the message must contain. */
  message: string[]
  /** Substring the hint must contain. */
  hint: string
}

/** Each invalid fixture has exactly one defect, reported as exactly one issue. */
const INVALID: Record<string, Expected> = {
  'invalid-misspelled-key.yaml': {
    code: 'unknown_key',
    line: 10,
    column: 3,
    path: ['requirements', 'maxAgeDay'],
    message: ['unknown key `maxAgeDay`'],
    hint: 'did you mean `maxAgeDays`? Rename the key',
  },
  'invalid-misplaced-key.yaml': {
    code: 'unknown_key',
    line: 8,
    column: 1,
    path: ['maxAgeDays'],
    message: ['unknown key `maxAgeDays`'],
    hint: '`maxAgeDays` belongs under `requirements`',
  },
  'invalid-wrong-type.yaml': {
    code: 'invalid_type',
    line: 9,
    column: 15,
    path: ['requirements', 'maxAgeDays'],
    message: ['maxAgeDays must be a positive whole number'],
    hint: 'whole number',
  },
  'invalid-quoted-number.yaml': {
    code: 'invalid_type',
    line: 9,
    column: 24,
    path: ['assurance', 'minUpdateNoticeDays'],
    message: ['expected a number', 'found the string "30"'],
    hint: 'without quotes',
  },
  'invalid-bad-glob.yaml': {
    code: 'invalid_format',
    line: 9,
    column: 13,
    path: ['recognition', 0, 'accept'],
    message: ['<framework>:<pattern>', '* as the only wildcard', '"nist-ai-rmf:measure-[2]"'],
    hint: 'nist-ai-rmf:measure-2.*',
  },
  'invalid-recognition-as.yaml': {
    code: 'invalid_format',
    line: 10,
    column: 9,
    path: ['recognition', 0, 'as'],
    message: ['expected <framework>:<id>', 'found the string "art-15.1"'],
    hint: 'eu-ai-act:art-9',
  },
  'invalid-recognition-same-framework.yaml': {
    code: 'recognition_same_framework',
    line: 9,
    column: 13,
    path: ['recognition', 0, 'accept'],
    message: ['rule 1 recognises eu-ai-act evidence as eu-ai-act'],
    hint: 'other than eu-ai-act',
  },
  'invalid-missing-trust.yaml': {
    code: 'missing_field',
    line: 1,
    column: 1,
    path: [],
    message: ['missing required field `trust`'],
    hint: 'add `trust:',
  },
  'invalid-empty-trust.yaml': {
    code: 'trust_empty',
    line: 4,
    column: 1,
    path: ['trust'],
    message: ['lists no issuers'],
    hint: 'trust.issuers',
  },
  'invalid-key-source.yaml': {
    code: 'key_source',
    line: 6,
    column: 7,
    path: ['trust', 'issuers', 0],
    message: ['Vendor: no public key given'],
    hint: 'jwks:',
  },
  'invalid-unknown-category.yaml': {
    code: 'invalid_enum',
    line: 10,
    column: 28,
    path: ['requirements', 'categories', 'eu-ai-act', 1],
    message: ['"minimel" is not an allowed value', 'high-risk'],
    hint: 'did you mean `minimal`?',
  },
  'invalid-prohibited-category.yaml': {
    code: 'prohibited_category',
    line: 10,
    column: 28,
    path: ['requirements', 'categories', 'eu-ai-act', 1],
    message: ['prohibited systems cannot be accepted', 'Art. 5'],
    hint: 'remove `prohibited`',
  },
  'invalid-endorsements-untrusted.yaml': {
    code: 'endorsements_untrusted',
    line: 9,
    column: 17,
    path: ['requirements', 'endorsements'],
    message: ['endorsements from notified-body are required', 'trust.assessors'],
    hint: 'trust.assessors',
  },
  'invalid-region.yaml': {
    code: 'unknown_region',
    line: 9,
    column: 33,
    path: ['assurance', 'dataResidency', 'within', 1],
    message: ['unknown region EEE'],
    hint: 'did you mean `EEA`?',
  },
  'invalid-api-version.yaml': {
    code: 'invalid_value',
    line: 1,
    column: 13,
    path: ['apiVersion'],
    message: ['expected `accord.dev/v1`', '"accord.dev/v2"'],
    hint: 'apiVersion: accord.dev/v1',
  },
}

describe('parsePolicy: invalid fixtures', () => {
  it('covers every invalid fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('invalid-'))
    expect(files.sort()).toEqual(Object.keys(INVALID).sort())
  })

  it.each(Object.entries(INVALID))('%s', (name, want) => {
    const issues = fail(name)
    expect(issues).toHaveLength(1)
    const [issue] = issues
    expect(issue).toMatchObject({
      code: want.code,
      file: name,
      line: want.line,
      column: want.column,
      path: want.path,
    })
    for (const part of want.message) expect(issue?.message).toContain(part)
    expect(issue?.hint).toContain(want.hint)
  })

  it('does not call an optional key required in a did-you-mean hint', () => {
    const [issue] = fail('invalid-misspelled-key.yaml')
    expect(issue?.hint).not.toContain('required')
  })

  it('suggests capitals for a lower-case region code', () => {
    const text = read('valid-minimal.yaml') + 'assurance:\n  dataResidency: { within: [de] }\n'
    const [issue] = fail('lower.yaml', text)
    expect(issue).toMatchObject({ code: 'invalid_format', line: 9, column: 29 })
    expect(issue?.hint).toBe('write it in capitals: DE')
  })

  it('refuses a bidi override in policy text, which verifiers are shown', () => {
    const text = read('valid-minimal.yaml').replace('name: ', 'name: \u202E')
    const [issue] = fail('bidi.yaml', text)
    expect(issue).toMatchObject({ code: 'bidi_control', path: ['name'], line: 3 })
    expect(issue?.message).toContain('U+202E RIGHT-TO-LEFT OVERRIDE')
  })

  it('refuses two-letter regions that are not ISO 3166-1 alpha-2 codes, with the likely code', () => {
    const within = (codes: string) =>
      read('valid-minimal.yaml') + `assurance:\n  dataResidency: { within: [${codes}] }\n`
    const issues = fail('regions.yaml', within('DE, XX, SU, YU, QO'))
    expect(issues.map((i) => [i.code, i.path.join('.'), i.line, i.column, i.hint])).toEqual([
      [
        'unknown_region',
        'assurance.dataResidency.within.1',
        9,
        33,
        expect.stringContaining('ISO 3166-1 alpha-2'),
      ],
      [
        'unknown_region',
        'assurance.dataResidency.within.2',
        9,
        37,
        expect.stringContaining('did you mean `RU`?'),
      ],
      [
        'unknown_region',
        'assurance.dataResidency.within.3',
        9,
        41,
        expect.stringContaining('did you mean `RS`?'),
      ],
      [
        'unknown_region',
        'assurance.dataResidency.within.4',
        9,
        45,
        expect.stringContaining('ISO 3166-1 alpha-2'),
      ],
    ])
    expect(issues[0]?.message).toBe(
      'unknown region XX; regions are EU, EEA or ISO 3166-1 alpha-2 country codes',
    )
    // UK and EL are EU usage for GB and GR (docs/policies.md): accepted as aliases.
    const ok = parsePolicy(within('UK, EL, GB, EU, EEA, CH, US'), 'ok.yaml')
    expect(ok.ok).toBe(true)
  })

  it('names a misspelt minReadiness key, where it is, what a key must be, and the fix', () => {
    const text =
      read('valid-minimal.yaml') +
      'requirements:\n  minReadiness:\n    eu-ai-ace: 0.8\n    nist-ai-rfm:measure-*: 0.5\n'
    const issues = fail('keys.yaml', text)
    expect(issues.map((i) => [i.code, i.line, i.column, i.hint])).toEqual([
      ['invalid_key', 10, 5, 'did you mean `eu-ai-act`? Rename the key'],
      ['invalid_key', 11, 5, 'did you mean `nist-ai-rmf:measure-*`? Rename the key'],
    ])
    expect(issues[0]?.message).toBe(
      'invalid key `eu-ai-ace` in `requirements.minReadiness`: expected a framework (eu-ai-act, nist-ai-rmf) or <framework>:<pattern>, e.g. nist-ai-rmf:govern-*',
    )
  })

  it('accepts a $schema key, as JSON policies point editors at the schema that way', () => {
    const text = JSON.stringify({
      $schema: '../schema/policy.v1.schema.json',
      apiVersion: 'accord.dev/v1',
      kind: 'AcceptancePolicy',
      name: 'JSON policy',
      trust: { issuers: [{ name: 'Vendor', jwks: 'k.json' }] },
    })
    const r = parsePolicy(text, 'p.json')
    expect(r.ok ? [] : r.issues).toEqual([])
  })

  it('reports both jwks and jwk given', () => {
    const text = read('valid-minimal.yaml') + '      jwk: { kty: OKP }\n'
    const [issue] = fail('both.yaml', text)
    expect(issue).toMatchObject({ code: 'key_source', line: 6, column: 7 })
    expect(issue?.message).toBe('Vendor: give either jwks or jwk, not both')
  })

  it('collects several problems at once, in file order, formatted with place and fix', () => {
    const text = [
      'apiVersion: accord.dev/v1',
      'kind: AcceptancePolicy',
      'name: Test',
      'trust:',
      '  issuers: [{ name: V, jwks: k.json }]',
      'requirements:',
      '  maxAgeDays: 0',
      '  assesor: [self]',
      'assurance:',
      '  auditRights: yes',
      '',
    ].join('\n')
    const issues = fail('many.yaml', text)
    expect(issues.map((i) => [i.code, i.line, i.column])).toEqual([
      ['too_small', 7, 15],
      ['unknown_key', 8, 3],
      ['invalid_enum', 10, 16],
    ])
    expect(issues[0]?.message).toBe(
      'maxAgeDays must be a positive whole number, found the number 0',
    )
    expect(issues[1]?.hint).toContain('did you mean `assessor`?')
    expect(formatIssues(issues)).toContain(
      'many.yaml:8:3: unknown key `assesor` at requirements.assesor',
    )
  })

  it('reports a YAML syntax error with its position', () => {
    const text = read('valid-minimal.yaml') + 'requirements:\n  jurisdictions: [eu-ai-act\n'
    expect(fail('syntax.yaml', text)).toMatchObject([
      { code: 'yaml_syntax', line: 10, column: 1, path: [], file: 'syntax.yaml' },
    ])
  })

  it('reports an empty document', () => {
    expect(fail('empty.yaml', '# nothing\n')).toMatchObject([
      { code: 'policy_empty', line: 1, column: 1 },
    ])
  })

  it('rejects a non-mapping top level with a policy-specific hint', () => {
    const [issue] = fail('list.yaml', '- a\n- b\n')
    expect(issue?.hint).toContain('the policy must be a mapping at the top level')
  })
})

describe('parsePolicy: valid policies', () => {
  it('parses the minimal fixture and fills defaults', () => {
    const r = parsePolicy(read('valid-minimal.yaml'), 'valid-minimal.yaml')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.policy.requirements).toEqual({
      jurisdictions: [],
      frameworks: [],
      anyFramework: [],
      obligationsMet: [],
      status: 'optional',
    })
    expect(r.policy.recognition).toEqual([])
    expect(r.policy.trust.assessors).toEqual([])
  })

  const examples = readdirSync(POLICIES).filter((f) => f.endsWith('.yaml'))

  it('ships the three example policies', () => {
    expect(examples.sort()).toEqual([
      'allied-defence-integration.yaml',
      'eu-police-procurement.yaml',
      'us-federal-agency.yaml',
    ])
  })

  it.each(examples)('example %s parses without issues or warnings', (name) => {
    const r = parsePolicy(readFileSync(new URL(name, POLICIES), 'utf8'), name)
    if (!r.ok) throw new Error(formatIssues(r.issues))
    expect(r.warnings).toEqual([])
    expect(r.policy.trust.issuers[0]?.jwks).toBe('../keys/issuer.public.jwk.json')
  })

  it('reads the example choices as documented', () => {
    const load = (name: string) => {
      const r = parsePolicy(readFileSync(new URL(name, POLICIES), 'utf8'), name)
      if (!r.ok) throw new Error(formatIssues(r.issues))
      return r.policy
    }
    const eu = load('eu-police-procurement.yaml')
    expect(eu.requirements.categories?.['eu-ai-act']).toEqual(['high-risk'])
    expect(eu.requirements.endorsements).toBeUndefined()
    expect(eu.assurance?.remoteDisable?.allowedControllers).toEqual(['deployer', 'none'])
    expect(eu.assurance?.dataResidency?.within).toEqual(['EU'])
    expect(eu.assurance?.minUpdateNoticeDays).toBe(30)

    const allied = load('allied-defence-integration.yaml')
    expect(allied.requirements.anyFramework).toEqual(['eu-ai-act', 'nist-ai-rmf'])
    expect(allied.requirements.categories?.['eu-ai-act']).toContain('out-of-scope')
    expect(allied.assurance?.remoteDisable?.allowedControllers).toEqual(['none'])
    expect(allied.assurance?.dataResidency?.within).toHaveLength(32)
    expect(allied.assurance?.maxIncidentNotificationHours).toBe(24)
    expect(allied.assurance?.auditRights).toBe('required')

    const us = load('us-federal-agency.yaml')
    expect(us.requirements.minReadiness).toEqual({
      'nist-ai-rmf:govern-*': 0.6,
      'nist-ai-rmf:map-*': 0.6,
      'nist-ai-rmf:measure-*': 0.6,
      'nist-ai-rmf:manage-*': 0.6,
    })
    expect(us.recognition.every((r) => r.accept.startsWith('eu-ai-act:'))).toBe(true)
    expect(us.assurance?.dataResidency?.within).toEqual(['US'])
    expect(us.assurance?.maxIncidentNotificationHours).toBe(72)
  })
})
