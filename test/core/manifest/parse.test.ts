import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { formatIssues } from '../../../src/core/errors.js'
import type { Issue } from '../../../src/core/errors.js'
import { parseManifest, syntaxOf } from '../../../src/core/manifest/parse.js'

const FIXTURES = new URL('../../fixtures/manifests/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8')

function fail(name: string): Issue[] {
  const r = parseManifest(read(name), name)
  if (r.ok) throw new Error(`${name} unexpectedly parsed`)
  return r.issues
}

interface Expected {
  code: string
  line: number
  column: number
  path: (string | number)[]
  /** Substrings the message must contain. */
  message?: string[]
  /** Substring the hint must contain. */
  hint?: string
}

/** Each invalid fixture has exactly one defect, reported as exactly one issue. */
const INVALID: Record<string, Expected> = {
  'invalid-yaml-syntax.yaml': {
    code: 'yaml_syntax',
    line: 4,
    column: 9,
    path: [],
    message: ['YAML syntax error'],
    hint: 'space after the colon',
  },
  'invalid-duplicate-key.yaml': {
    code: 'yaml_duplicate_key',
    line: 14,
    column: 1,
    path: [],
    message: ['duplicate key `roles`'],
    hint: 'remove one of the two entries',
  },
  'invalid-misspelled-field.yaml': {
    code: 'unknown_key',
    line: 6,
    column: 3,
    path: ['system', 'intendedPurpse'],
    message: ['unknown key `intendedPurpse`'],
    hint: 'did you mean `intendedPurpose`?',
  },
  'invalid-misplaced-field.yaml': {
    code: 'unknown_key',
    line: 2,
    column: 1,
    path: ['placedOnMarket'],
    message: ['unknown key `placedOnMarket`'],
    hint: '`placedOnMarket` belongs under `system`',
  },
  'invalid-wrong-type.yaml': {
    code: 'invalid_type',
    line: 5,
    column: 12,
    path: ['system', 'version'],
    message: ['expected a string', 'found the number 1.0'],
    hint: 'put the value in quotes, "1.0"',
  },
  'invalid-enum.yaml': {
    code: 'invalid_enum',
    line: 22,
    column: 7,
    path: ['classification', 'useCases', 0],
    message: ['"recruitmnet" is not an allowed value', 'expected one of: ', 'worker-management'],
    hint: 'did you mean `recruitment`?',
  },
  'invalid-missing-required.yaml': {
    code: 'missing_field',
    line: 7,
    column: 1,
    path: ['provider'],
    message: ['missing required field `email` (a string)'],
    hint: 'add `email: ...` under `provider`',
  },
  'invalid-country-lowercase.yaml': {
    code: 'invalid_format',
    line: 9,
    column: 12,
    path: ['provider', 'country'],
    message: ['ISO 3166-1 alpha-2', 'found the string "de"'],
    hint: 'write it in capitals: DE',
  },
  'invalid-boolean-as-text.yaml': {
    code: 'invalid_type',
    line: 19,
    column: 15,
    path: ['deployment', 'publicBody'],
    message: ['expected true or false', 'found the string "no"'],
    hint: 'YAML 1.2 reads yes/no/on/off as text',
  },
  'invalid-empty.yaml': {
    code: 'manifest_empty',
    line: 1,
    column: 1,
    path: [],
    hint: 'apiVersion: accord.dev/v1',
  },
  'invalid-contradiction-eu-output.yaml': {
    code: 'eu_output_contradicts_market',
    line: 23,
    column: 19,
    path: ['classification', 'outputUsedInEu'],
    hint: 'set classification.outputUsedInEu to true',
  },
  'invalid-contradiction-eu-output-member-states.yaml': {
    code: 'eu_output_contradicts_member_states',
    line: 24,
    column: 19,
    path: ['classification', 'outputUsedInEu'],
    message: ['memberStates lists DE'],
    hint: 'empty deployment.memberStates',
  },
  'invalid-contradiction-military-civil.yaml': {
    code: 'military_exclusive_contradicts_use_case',
    line: 22,
    column: 7,
    path: ['classification', 'useCases', 0],
    message: ['creditworthiness is a civil use'],
    hint: 'Art. 2(3)',
  },
  'invalid-contradiction-military-law-enforcement.yaml': {
    code: 'military_exclusive_contradicts_deployment',
    line: 20,
    column: 19,
    path: ['deployment', 'lawEnforcement'],
    hint: 'set deployment.lawEnforcement to false',
  },
  'invalid-contradiction-pre-market-placed.yaml': {
    code: 'pre_market_contradicts_placed',
    line: 26,
    column: 26,
    path: ['classification', 'preMarketResearchOnly'],
    message: ['Art. 2(8)'],
    hint: 'set classification.preMarketResearchOnly to false',
  },
  'invalid-contradiction-real-time-without-rbi.yaml': {
    code: 'real_time_without_rbi',
    line: 28,
    column: 15,
    path: ['classification', 'biometrics', 'realTime'],
    hint: 'add remote-biometric-identification',
  },
  'invalid-contradiction-real-time-objectives.yaml': {
    code: 'real_time_objectives_without_real_time',
    line: 28,
    column: 25,
    path: ['classification', 'biometrics', 'realTimeObjectives'],
  },
  'invalid-contradiction-gpai-third-party.yaml': {
    code: 'gpai_third_party',
    line: 31,
    column: 21,
    path: ['models', 0, 'generalPurpose'],
    message: ['model base-llm'],
  },
  'invalid-contradiction-public-weights-proprietary.yaml': {
    code: 'public_weights_proprietary_licence',
    line: 31,
    column: 20,
    path: ['models', 0, 'weightsPublic'],
  },
  'invalid-duplicate-evidence-id.yaml': {
    code: 'duplicate_evidence_id',
    line: 33,
    column: 9,
    path: ['evidence', 1, 'id'],
    message: ['risk-register is used twice (first at evidence[0])'],
  },
  'invalid-duplicate-evidence-path.yaml': {
    code: 'duplicate_evidence_path',
    line: 34,
    column: 11,
    path: ['evidence', 1, 'path'],
    message: ['./docs//risk-register.md is listed twice (first at evidence[0])'],
  },
  'invalid-evidence-outside-root.yaml': {
    code: 'evidence_outside_root',
    line: 29,
    column: 11,
    path: ['evidence', 0, 'path'],
    message: ["uses '..' to leave the manifest's folder"],
  },
  'invalid-evidence-valid-until-before-date.yaml': {
    code: 'evidence_valid_until_not_after_date',
    line: 34,
    column: 17,
    path: ['evidence', 0, 'validUntil'],
    message: ['evidence bias-audit is valid until 2025-02-28, before its date 2026-03-01'],
    hint: 'after its date 2026-03-01',
  },
  'invalid-unknown-evidence-ref.yaml': {
    code: 'unknown_evidence_ref',
    line: 38,
    column: 12,
    path: ['datasets', 0, 'sheet'],
    message: ['no evidence item has id datasheet', 'evidence ids are risk-register'],
  },
}

describe('parseManifest: valid fixtures', () => {
  for (const name of ['valid-minimal.yaml', 'valid-full.yaml']) {
    it(`${name} passes without warnings`, () => {
      const r = parseManifest(read(name), name)
      expect(r).toMatchObject({ ok: true, warnings: [] })
    })
  }

  it('fills defaults from the schema', () => {
    const r = parseManifest(read('valid-minimal.yaml'), 'm.yaml')
    if (!r.ok) throw new Error(formatIssues(r.issues))
    expect(r.manifest.evidence).toEqual([])
    expect(r.manifest.deployment.memberStates).toEqual([])
    expect(r.manifest.classification.safetyComponent).toBeNull()
    expect(r.manifest.system.intendedPurpose).toBe(
      'Ranks job applications for human recruiters to review.',
    )
  })

  it('accepts JSON, which is YAML', () => {
    const r = parseManifest(read('valid-minimal.yaml'), 'm.yaml')
    if (!r.ok) throw new Error('valid-minimal should parse')
    const json = parseManifest(JSON.stringify(r.manifest, null, 2), 'm.json')
    expect(json.ok).toBe(true)
  })
})

describe('parseManifest: invalid fixtures report one exact issue', () => {
  for (const [name, want] of Object.entries(INVALID)) {
    it(name, () => {
      const issues = fail(name)
      expect(issues).toHaveLength(1)
      const [issue] = issues as [Issue]
      expect(issue).toMatchObject({
        code: want.code,
        file: name,
        line: want.line,
        column: want.column,
        path: want.path,
      })
      for (const m of want.message ?? []) expect(issue.message).toContain(m)
      expect(issue.hint).toBeTruthy()
      if (want.hint) expect(issue.hint).toContain(want.hint)
    })
  }

  it('has a test for every invalid-* fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('invalid-'))
    expect(files.sort()).toEqual(Object.keys(INVALID).sort())
  })
})

describe('parseManifest: warnings', () => {
  it('an unknown YAML tag is a warning named as such, with a fix about the tag', () => {
    const text = read('../../../examples/public-chatbot/accord.yaml').replace(
      /^ {2}name: /m,
      '  name: !custom ',
    )
    const r = parseManifest(text, 'tagged.yaml')
    expect(r.ok).toBe(true)
    const tag = r.warnings.find((w) => w.message.includes('!custom'))
    expect(tag).toMatchObject({ code: 'yaml_warning', file: 'tagged.yaml', line: 20 })
    expect(tag?.message).toBe('YAML warning: unresolved tag: !custom')
    expect(tag?.hint).toContain('remove the tag')
  })

  it('derogation without an Annex III use case is a warning, not an error', () => {
    const name = 'warning-derogation-without-annex-iii.yaml'
    const r = parseManifest(read(name), name)
    expect(r.ok).toBe(true)
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'derogation_without_annex_iii',
        path: ['classification', 'derogation'],
        file: name,
        line: 27,
        column: 3,
      }),
    ])
  })

  it("a notified body's certificate valid longer than Art. 44(2) allows gives a warning at its validUntil", () => {
    const name = 'warning-certificate-validity-art-44.yaml'
    const r = parseManifest(read(name), name)
    expect(r.ok).toBe(true)
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'certificate_validity_exceeds_art_44',
        path: ['evidence', 0, 'validUntil'],
        file: name,
        line: 34,
        column: 17,
      }),
    ])
    expect(r.warnings[0]?.message).toContain('Art. 44(2)')
    expect(r.warnings[0]?.message).toContain('4 years')
    expect(r.warnings[0]?.message).toContain('Annex III')
  })

  it('provider-only fields without the provider role give a warning', () => {
    const name = 'warning-provider-fields-without-provider-role.yaml'
    const r = parseManifest(read(name), name)
    expect(r.ok).toBe(true)
    expect(r.warnings.map((w) => [w.code, w.line, w.column])).toEqual([
      ['provider_field_without_provider_role', 27, 1],
    ])
  })
})

describe('parseManifest: messages', () => {
  const minimal = read('valid-minimal.yaml')

  it('reports every problem at once, sorted by position', () => {
    const text = minimal
      .replace('version: 1.0.0', 'version: 2')
      .replace('  - provider', '  - Provider')
      .replace('country: DE', 'country: de')
    const issues = fail2(text)
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid_type', 5],
      ['invalid_format', 9],
      ['invalid_enum', 13],
    ])
    expect(issues[2]?.hint).toBe('did you mean `provider`?')
  })

  it('an unknown key far from any allowed key lists the allowed keys', () => {
    const issues = fail2(minimal.replace('  sector: employment', '  sector: employment\n  zzz: 1'))
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ code: 'unknown_key', path: ['deployment', 'zzz'], line: 17 })
    expect(issues[0]?.hint).toContain('the keys allowed in `deployment` are deployers, sector,')
  })

  it('a bad key of a mapping with free keys is named at the key, with what a key must be', () => {
    const issues = fail2(`${minimal}plan:\n  owners:\n    byFramework:\n      EU AI Act: Counsel\n`)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({
      code: 'invalid_key',
      path: ['plan', 'owners', 'byFramework', 'EU AI Act'],
      column: 7,
      message:
        'invalid key `EU AI Act` in `plan.owners.byFramework`: expected a framework id such as eu-ai-act',
    })
    expect(issues[0]?.hint).toContain('rename the key')
  })

  it('a date-time where a date belongs is one problem, not also "not a calendar date"', () => {
    const text = minimal.replace(/^(system:\n)/m, '$1  placedOnMarket: 2026-02-03T10:00:00Z\n')
    const issues = fail2(text)
    expect(issues.map((i) => [i.code, i.path.join('.'), i.message])).toEqual([
      [
        'invalid_format',
        'system.placedOnMarket',
        'expected a date as YYYY-MM-DD, found the string "2026-02-03T10:00:00Z"',
      ],
    ])
  })

  it('missing top-level sections name the field at the top level', () => {
    const issues = fail2(minimal.replace(/^apiVersion: .*\n/m, ''))
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'missing_field',
        path: [],
        line: 2,
        column: 1,
        message: 'missing required field `apiVersion` ("accord.dev/v1") at the top level',
        hint: 'add `apiVersion: accord.dev/v1` at the top level',
      }),
    ])
  })

  it('a wrong apiVersion names the expected value', () => {
    const issues = fail2(minimal.replace('accord.dev/v1', 'accord.dev/v2'))
    expect(issues[0]).toMatchObject({
      code: 'invalid_value',
      line: 2,
      column: 13,
      message: 'expected `accord.dev/v1`, found the string "accord.dev/v2"',
    })
  })

  it('an empty section is a type error at its key', () => {
    const text = minimal.replace(/^system:\n(?: {2}.*\n)+/m, 'system:\n')
    const issues = fail2(text)
    expect(issues[0]).toMatchObject({
      code: 'invalid_type',
      path: ['system'],
      line: 3,
      column: 1,
      message: 'expected a mapping (key: value pairs), found an empty value',
    })
  })

  it('an empty list reports the schema message', () => {
    const text = minimal.replace(
      '  affectedPersons:\n    - job applicants',
      '  affectedPersons: []',
    )
    expect(fail2(text)[0]).toMatchObject({
      code: 'too_small',
      message: 'name at least one group of affected persons, found an empty list',
    })
  })

  it('a top-level list is not a manifest', () => {
    expect(fail2('- a\n- b\n')[0]).toMatchObject({
      code: 'invalid_type',
      path: [],
      message: 'expected a mapping (key: value pairs), found a list of 2 items',
    })
  })

  it('a syntax error in JSON says JSON, in its words, with the hint for a missing comma', () => {
    const r = parseManifest(minimal, 'm.yaml')
    if (!r.ok) throw new Error('valid-minimal should parse')
    const json = JSON.stringify(r.manifest, null, 2).replace(
      '"apiVersion": "accord.dev/v1",',
      '"apiVersion": "accord.dev/v1"',
    )
    for (const file of ['m.json', 'm.yaml']) {
      const issues = parseManifest(json, file)
      if (issues.ok) throw new Error('the JSON lacks a comma')
      expect(issues.issues).toEqual([
        {
          code: 'yaml_syntax',
          path: [],
          file,
          line: 3,
          column: 3,
          message: 'JSON syntax error: missing , between object items',
          hint: 'add a comma after the item before this one',
        },
      ])
    }
    expect(syntaxOf(json, 'm.yaml')).toBe('JSON')
    expect(syntaxOf(minimal, 'm.yaml')).toBe('YAML')
    expect(syntaxOf(minimal, 'M.JSON')).toBe('JSON')
    // YAML keeps its words; a missing comma in a flow sequence gets a comma hint too
    expect(
      fail2(minimal.replace('roles:\n  - provider', 'roles: ["provider" "deployer"]')),
    ).toEqual([
      expect.objectContaining({
        line: 12,
        column: 20,
        message: 'YAML syntax error: missing , or : between flow sequence items',
        hint: 'add a comma between items, or a colon between a key and its value',
      }),
    ])
  })

  it('a second YAML document is refused in accord words, at the --- line', () => {
    const issues = fail2(`${minimal}---\nsystem: {}\n`)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({
      code: 'yaml_syntax',
      line: minimal.split('\n').length,
      column: 1,
      message: 'a manifest is one YAML document, but this --- line starts a second one',
      hint: 'remove the --- separator: merge what follows into the first document, or delete it',
    })
    expect(issues[0]?.message).not.toContain('parseAllDocuments')
  })

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i)
      const cur = String.fromCharCode(97 + i)
      bomb.push(
        `${cur}: &${cur} [${Array(10)
          .fill('*' + prev)
          .join(', ')}]`,
      )
    }
    const issues = fail2(bomb.join('\n') + '\n')
    expect(issues[0]?.code).toBe('yaml_alias_limit')
  })

  it('formats readably with formatIssues', () => {
    const out = formatIssues(fail('invalid-misspelled-field.yaml'))
    expect(out).toBe(
      'invalid-misspelled-field.yaml:6:3: unknown key `intendedPurpse` at system.intendedPurpse [unknown_key]\n' +
        '  fix: did you mean `intendedPurpose`? Rename the key (`intendedPurpose` is required)',
    )
  })

  function fail2(text: string): Issue[] {
    const r = parseManifest(text, 'm.yaml')
    if (r.ok) throw new Error('unexpectedly parsed')
    return r.issues
  }
})

describe('parseManifest: fastLoad', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))

  it('uses the data of the fast loader when it is valid and has no issue', () => {
    const text = read('valid-minimal.yaml')
    const plain = parseManifest(text, 'm.yaml')
    if (!plain.ok) throw new Error('valid-minimal.yaml should parse')
    const renamed = { ...plain.manifest, system: { ...plain.manifest.system, name: 'From fast' } }
    const calls: string[] = []
    const r = parseManifest(text, 'm.yaml', {
      fastLoad: (t) => {
        calls.push(t)
        return structuredClone(renamed)
      },
    })
    expect(calls).toEqual([text])
    expect(r).toEqual({ ok: true, manifest: renamed, warnings: [] })
  })

  it.each(fixtures)('%s: the same result with a fast loader as without', (name) => {
    const text = read(name)
    const plain = parseManifest(text, name)
    // A loader that returns the right data, one that refuses, and one that returns nothing.
    const data = plain.ok ? structuredClone(plain.manifest) : undefined
    expect(parseManifest(text, name, { fastLoad: () => structuredClone(data) })).toEqual(plain)
    expect(
      parseManifest(text, name, {
        fastLoad: () => {
          throw new Error('refused')
        },
      }),
    ).toEqual(plain)
    expect(parseManifest(text, name, { fastLoad: () => null })).toEqual(plain)
  })

  it.each(fixtures)('%s: the fast path gives the same keys in the same order', (name) => {
    // toEqual ignores key order, which decides the JSON output; the fast path validates with
    // fastEvidence and a jitless zod parse, the plain one with zod's compiled parsers.
    const text = read(name)
    const plain = parseManifest(text, name)
    const fast = parseManifest(text, name, { fastLoad: () => parse(text) as unknown })
    expect(JSON.stringify(fast)).toBe(JSON.stringify(plain))
  })

  it('falls back to the positioned parse when the fast data has an error or a warning', () => {
    for (const name of ['invalid-enum.yaml', 'warning-derogation-without-annex-iii.yaml']) {
      const text = read(name)
      const plain = parseManifest(text, name)
      // Data as the fast loader would read it: what yaml reads, without positions.
      const data = parse(text) as unknown
      const r = parseManifest(text, name, { fastLoad: () => structuredClone(data) })
      expect(r).toEqual(plain)
      const issues = r.ok ? r.warnings : r.issues
      expect(issues.length).toBeGreaterThan(0)
      expect(issues.every((i) => typeof i.line === 'number' && i.line > 1)).toBe(true)
    }
  })
})
