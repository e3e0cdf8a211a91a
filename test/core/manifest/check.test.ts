import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ANNEX_III_USE_CASES,
  addYears,
  checkManifest,
  evidencePathProblem,
  mayHoldPlaceholders,
  splitBySeverity,
} from '../../../src/core/manifest/check.js'
import { Manifest, type ManifestInput } from '../../../src/core/manifest/schema.js'

const BASE: ManifestInput = {
  apiVersion: 'accord.dev/v1',
  system: { name: 'S', version: '1', intendedPurpose: 'Ranks job applications.' },
  provider: { name: 'P', country: 'DE', address: 'Berlin', email: 'a@example.com' },
  roles: ['provider'],
  deployment: { deployers: 'HR', sector: 'employment', affectedPersons: ['x'], publicBody: false },
  classification: {
    useCases: ['recruitment'],
    outputUsedInEu: true,
    placedOnEuMarket: true,
    exclusivelyMilitaryDefenceNationalSecurity: false,
    profilesNaturalPersons: true,
  },
}

type Patch = (m: ManifestInput) => void

function manifest(...patches: Patch[]): Manifest {
  const input = structuredClone(BASE)
  for (const p of patches) p(input)
  return Manifest.parse(input)
}

function codes(...patches: Patch[]): [string, string, string][] {
  return checkManifest(manifest(...patches)).map((i) => [i.severity, i.code, i.path.join('.')])
}

const evidence = (id: string, path: string) => ({
  id,
  path,
  type: 'policy' as const,
  title: id,
  supports: ['eu-ai-act:art-9'],
})

describe('checkManifest', () => {
  it('finds nothing in a consistent manifest', () => {
    expect(checkManifest(manifest())).toEqual([])
  })

  it('every issue has a message and a hint', () => {
    const issues = checkManifest(
      manifest((m) => {
        m.classification.outputUsedInEu = false
        m.deployment.memberStates = ['DE', 'US']
        m.evidence = [evidence('a', '/etc/passwd'), evidence('a', 'x.md')]
      }),
    )
    expect(issues.length).toBeGreaterThan(3)
    for (const i of issues) {
      expect(i.message.length).toBeGreaterThan(10)
      expect(i.hint?.length).toBeGreaterThan(10)
    }
  })

  describe('territory', () => {
    it('output not used in the EU contradicts placing on the EU market', () => {
      expect(codes((m) => (m.classification.outputUsedInEu = false))).toEqual([
        ['error', 'eu_output_contradicts_market', 'classification.outputUsedInEu'],
      ])
    })

    it('output not used in the EU contradicts listed member states', () => {
      const issues = checkManifest(
        manifest((m) => {
          m.classification.outputUsedInEu = false
          m.classification.placedOnEuMarket = false
          m.deployment.memberStates = ['DE', 'FR']
        }),
      )
      expect(issues.map((i) => i.code)).toEqual(['eu_output_contradicts_member_states'])
      expect(issues[0]?.message).toContain('DE, FR')
    })

    it('a non-EU country among member states is an error; an EU one elsewhere a warning', () => {
      expect(
        codes((m) => {
          m.deployment.memberStates = ['DE', 'US']
          m.deployment.otherCountries = ['FR']
        }),
      ).toEqual([
        ['error', 'not_an_eu_member_state', 'deployment.memberStates.1'],
        ['warning', 'eu_member_state_in_other_countries', 'deployment.otherCountries.0'],
      ])
    })

    it('accepts both EL and GR for Greece', () => {
      expect(codes((m) => (m.deployment.memberStates = ['EL', 'GR']))).toEqual([])
    })

    it('a country code that ISO 3166-1 does not assign is an error in every country field', () => {
      const issues = checkManifest(
        manifest((m) => {
          m.provider.country = 'UK'
          m.provider.authorisedRepresentative = { name: 'R', country: 'EL' }
          m.deployment.memberStates = ['DE', 'XX']
          m.deployment.otherCountries = ['US', 'SU', 'EL']
        }),
      )
      expect(issues.map((i) => [i.severity, i.code, i.path.join('.'), i.hint])).toEqual([
        // EL is Greece in EU usage: a member state in the wrong list, not an unknown code.
        [
          'warning',
          'eu_member_state_in_other_countries',
          'deployment.otherCountries.2',
          expect.any(String),
        ],
        [
          'error',
          'unknown_country',
          'provider.country',
          expect.stringContaining('did you mean `GB`?'),
        ],
        [
          'error',
          'unknown_country',
          'provider.authorisedRepresentative.country',
          expect.stringContaining('did you mean `GR`?'),
        ],
        [
          'error',
          'unknown_country',
          'deployment.memberStates.1',
          expect.stringContaining('ISO 3166-1 alpha-2'),
        ],
        [
          'error',
          'unknown_country',
          'deployment.otherCountries.1',
          expect.stringContaining('did you mean `RU`?'),
        ],
      ])
      expect(issues.find((i) => i.path.join('.') === 'provider.country')?.message).toBe(
        'UK is not an ISO 3166-1 alpha-2 country code',
      )
    })
  })

  describe('exclusive military use', () => {
    const military: Patch = (m) =>
      (m.classification.exclusivelyMilitaryDefenceNationalSecurity = true)

    it('contradicts law-enforcement and migration deployment', () => {
      expect(
        codes(military, (m) => {
          m.deployment.lawEnforcement = true
          m.deployment.migration = true
        }),
      ).toEqual([
        ['error', 'military_exclusive_contradicts_deployment', 'deployment.lawEnforcement'],
        ['error', 'military_exclusive_contradicts_deployment', 'deployment.migration'],
      ])
    })

    it('contradicts civil use cases but not recruitment', () => {
      expect(
        codes(military, (m) => (m.classification.useCases = ['recruitment', 'election-influence'])),
      ).toEqual([['error', 'military_exclusive_contradicts_use_case', 'classification.useCases.1']])
    })

    it('is fine alone', () => {
      expect(codes(military)).toEqual([])
    })
  })

  describe('scope exclusions (Art. 2(4), 2(8), 2(10))', () => {
    const preMarket: Patch = (m) => (m.classification.preMarketResearchOnly = true)
    const notPlaced: Patch = (m) => (m.classification.placedOnEuMarket = false)
    const personal: Patch = (m) => (m.deployment.purelyPersonalUse = true)
    const cooperation =
      (vendorIsTheUser: boolean): Patch =>
      (m) =>
        (m.deployment.internationalCooperation = {
          user: 'third-country-public-authority',
          framework: 'a mutual legal assistance treaty',
          adequateSafeguards: true,
          vendorIsTheUser,
        })

    it('Art. 2(8): pre-market research only contradicts placing on the EU market', () => {
      expect(codes(preMarket)).toEqual([
        ['error', 'pre_market_contradicts_placed', 'classification.preMarketResearchOnly'],
      ])
      expect(codes(preMarket, notPlaced)).toEqual([])
    })

    it('Art. 2(8): pre-market research contradicts Art. 2(6) research put into service', () => {
      expect(
        codes(preMarket, notPlaced, (m) => (m.classification.scientificResearchOnly = true)),
      ).toEqual([
        [
          'error',
          'pre_market_contradicts_scientific_research',
          'classification.preMarketResearchOnly',
        ],
      ])
    })

    it('Art. 2(8): real-world testing without pre-market research is a warning', () => {
      expect(codes((m) => (m.classification.realWorldTesting = true))).toEqual([
        ['warning', 'real_world_testing_without_pre_market', 'classification.realWorldTesting'],
      ])
      expect(
        codes(preMarket, notPlaced, (m) => (m.classification.realWorldTesting = true)),
      ).toEqual([])
    })

    it('Art. 2(10): purely personal use contradicts public, workplace and law-enforcement use', () => {
      expect(codes(personal)).toEqual([])
      expect(
        codes(personal, cooperation(false), (m) => {
          m.deployment.publicBody = true
          m.deployment.workplace = true
          m.deployment.lawEnforcement = true
        }),
      ).toEqual([
        ['error', 'personal_use_contradicts_deployment', 'deployment.publicBody'],
        ['error', 'personal_use_contradicts_deployment', 'deployment.workplace'],
        ['error', 'personal_use_contradicts_deployment', 'deployment.lawEnforcement'],
        ['error', 'personal_use_contradicts_deployment', 'deployment.internationalCooperation'],
      ])
    })

    it('Art. 2(4): a vendor that is the authority using the system must be a deployer', () => {
      expect(codes(cooperation(false))).toEqual([])
      expect(codes(cooperation(true))).toEqual([
        [
          'error',
          'international_cooperation_user_not_deployer',
          'deployment.internationalCooperation.vendorIsTheUser',
        ],
      ])
      expect(codes(cooperation(true), (m) => (m.roles = ['deployer']))).toEqual([])
    })
  })

  describe('profiling (Art. 6(3) last subparagraph, Annex III 6(e))', () => {
    it('a profiling use case contradicts profilesNaturalPersons: false', () => {
      expect(
        codes((m) => {
          m.classification.useCases = ['evidence-reliability', 'law-enforcement-profiling']
          m.classification.profilesNaturalPersons = false
        }),
      ).toEqual([
        ['error', 'profiling_use_case_contradicts_answer', 'classification.profilesNaturalPersons'],
      ])
    })

    it('is fine with profilesNaturalPersons: true, or with use cases that need not profile', () => {
      expect(codes((m) => (m.classification.useCases = ['law-enforcement-profiling']))).toEqual([])
      expect(
        codes((m) => {
          // Annex III 6(d) and Art. 5(1)(d) may rest on personality traits instead of profiling.
          m.classification.useCases = ['offending-risk-assessment', 'crime-prediction-profiling']
          m.classification.profilesNaturalPersons = false
        }),
      ).toEqual([])
    })
  })

  describe('biometrics', () => {
    it('real-time needs the remote-biometric-identification use case', () => {
      expect(codes((m) => (m.classification.biometrics = { realTime: true }))).toEqual([
        ['error', 'real_time_without_rbi', 'classification.biometrics.realTime'],
      ])
      expect(
        codes((m) => {
          m.classification.useCases = ['remote-biometric-identification']
          m.classification.biometrics = { realTime: true }
        }),
      ).toEqual([])
    })

    it('real-time objectives need real-time', () => {
      expect(
        codes((m) => {
          m.classification.useCases = ['remote-biometric-identification']
          m.classification.biometrics = { realTimeObjectives: ['serious-crime-suspect'] }
        }),
      ).toEqual([
        [
          'error',
          'real_time_objectives_without_real_time',
          'classification.biometrics.realTimeObjectives',
        ],
      ])
    })
  })

  describe('derogation', () => {
    const derogation: Patch = (m) =>
      (m.classification.derogation = { conditions: ['preparatory-task'], rationale: 'r' })

    it('with profiling is not an issue here (the classifier decides)', () => {
      expect(codes(derogation)).toEqual([])
    })

    it('without any Annex III use case is a warning', () => {
      expect(
        codes(derogation, (m) => (m.classification.useCases = ['conversational-agent'])),
      ).toEqual([['warning', 'derogation_without_annex_iii', 'classification.derogation']])
    })

    // The use cases Annex III points expressly exclude: 1(a), 5(b), 7(d) and 8(b).
    for (const excluded of [
      'biometric-verification',
      'fraud-detection',
      'travel-document-verification',
      'campaign-logistics',
    ] as const) {
      it(`${excluded} is not an Annex III use case`, () => {
        expect(codes(derogation, (m) => (m.classification.useCases = [excluded]))).toEqual([
          ['warning', 'derogation_without_annex_iii', 'classification.derogation'],
        ])
      })
    }

    it('ANNEX_III_USE_CASES are the use cases of the Annex III points in the catalog', () => {
      const catalog = JSON.parse(
        readFileSync(
          new URL('../../../catalogs/eu-ai-act/2024-1689.v3.json', import.meta.url),
          'utf8',
        ),
      ) as { nodes: { id: string; use_cases?: string[] }[] }
      const listed = new Set(
        catalog.nodes
          .filter((n) => n.id.startsWith('annex-iii.'))
          .flatMap((n) => n.use_cases ?? []),
      )
      expect([...ANNEX_III_USE_CASES].sort()).toEqual([...listed].sort())
    })

    it("'other' together with an Annex III use case is fine", () => {
      expect(
        codes(derogation, (m) => (m.classification.useCases = ['other', 'recruitment'])),
      ).toEqual([])
    })
  })

  describe('models', () => {
    const model = { name: 'm', version: '1', licence: 'proprietary', weightsPublic: false }

    it('a third-party model cannot be this provider’s GPAI model', () => {
      expect(
        codes((m) => (m.models = [{ ...model, generalPurpose: true, thirdParty: true }])),
      ).toEqual([['error', 'gpai_third_party', 'models.0.generalPurpose']])
    })

    it('public weights contradict a proprietary licence (any case)', () => {
      expect(
        codes((m) => (m.models = [{ ...model, licence: ' Proprietary ', weightsPublic: true }])),
      ).toEqual([['error', 'public_weights_proprietary_licence', 'models.0.weightsPublic']])
      expect(
        codes((m) => (m.models = [{ ...model, licence: 'Apache-2.0', weightsPublic: true }])),
      ).toEqual([])
    })

    it('the same model version listed twice is an error at the second; another version is fine', () => {
      expect(
        codes(
          (m) => (m.models = [model, { ...model, version: '2' }, { ...model, licence: 'MIT' }]),
        ),
      ).toEqual([['error', 'duplicate_model', 'models.2']])
      expect(codes((m) => (m.models = [model, { ...model, version: '2' }]))).toEqual([])
    })
  })

  describe('datasets', () => {
    const dataset = (name: string, purpose: ('training' | 'testing')[]) => ({
      name,
      purpose,
      source: 'own collection',
      personalData: false,
    })

    it('a dataset name listed twice is an error at the second', () => {
      const issues = checkManifest(
        manifest(
          (m) =>
            (m.datasets = [
              dataset('faces', ['training']),
              dataset('other', ['training']),
              dataset('faces', ['testing']),
            ]),
        ),
      )
      expect(issues.map((i) => [i.severity, i.code, i.path.join('.')])).toEqual([
        ['error', 'duplicate_dataset', 'datasets.2.name'],
      ])
      expect(issues[0]?.message).toBe('dataset faces is listed twice (first at datasets[0])')
    })
  })

  describe('assurance', () => {
    const assurance = (exists: boolean, controlledBy: 'vendor' | 'deployer' | 'joint' | 'none') =>
      ((m: ManifestInput) =>
        (m.assurance = {
          updateNoticeDays: 30,
          remoteDisable: { exists, controlledBy },
          dataResidency: ['EU'],
          auditRights: { granted: true },
          incidentNotificationHours: 24,
          supportUntil: '2030-12-31',
        } as ManifestInput['assurance'])) satisfies Patch

    it('data residency names regions as acceptance policies do: EU, EEA, UK/EL or ISO codes', () => {
      const residency = (...regions: string[]) =>
        ((m: ManifestInput) => {
          assurance(false, 'none')(m)
          ;(m.assurance as { dataResidency: string[] }).dataResidency = regions
        }) satisfies Patch
      expect(codes(residency('EU', 'EEA', 'UK', 'EL', 'CH', 'US'))).toEqual([])
      const issues = checkManifest(manifest(residency('DE', 'QO', 'Frankfurt')))
      expect(issues.map((i) => [i.code, i.path.join('.'), i.message])).toEqual([
        [
          'unknown_region',
          'assurance.dataResidency.1',
          expect.stringContaining('unknown region QO'),
        ],
        [
          'unknown_region',
          'assurance.dataResidency.2',
          expect.stringContaining('unknown region Frankfurt'),
        ],
      ])
    })

    it('a remote disable that exists with nobody in control, or the reverse, is an error', () => {
      const at = 'assurance.remoteDisable.controlledBy'
      expect(codes(assurance(true, 'none'))).toEqual([
        ['error', 'remote_disable_contradiction', at],
      ])
      expect(codes(assurance(false, 'vendor'))).toEqual([
        ['error', 'remote_disable_contradiction', at],
      ])
      expect(codes(assurance(false, 'none'))).toEqual([])
      expect(codes(assurance(true, 'joint'))).toEqual([])
    })
  })

  describe('provider-only fields', () => {
    const declaration = {
      place: 'Berlin',
      date: '2026-01-01',
      signatory: { name: 'A', function: 'CEO' },
    }

    it('warn when roles lack provider', () => {
      expect(
        codes((m) => {
          m.roles = ['deployer']
          m.declaration = declaration
          m.conformityAssessment = { procedure: 'annex-vi-internal-control' }
        }),
      ).toEqual([
        ['warning', 'provider_field_without_provider_role', 'conformityAssessment'],
        ['warning', 'provider_field_without_provider_role', 'declaration'],
      ])
    })

    it('are fine for a provider', () => {
      expect(codes((m) => (m.declaration = declaration))).toEqual([])
    })

    it('the Annex VII procedure without a notified body is a warning', () => {
      expect(
        codes((m) => (m.conformityAssessment = { procedure: 'annex-vii-notified-body' })),
      ).toEqual([['warning', 'notified_body_missing', 'conformityAssessment.notifiedBody']])
    })
  })

  describe('evidence', () => {
    it('duplicate ids and duplicate paths are errors at the second occurrence', () => {
      expect(
        codes(
          (m) =>
            (m.evidence = [
              evidence('a', 'docs/a.md'),
              evidence('a', 'docs/b.md'),
              evidence('c', './docs//a.md'),
            ]),
        ),
      ).toEqual([
        ['error', 'duplicate_evidence_id', 'evidence.1.id'],
        ['error', 'duplicate_evidence_path', 'evidence.2.path'],
      ])
    })

    it('every spelling of one file is a duplicate, whatever its form', () => {
      const spellings = [
        'docs/a.md',
        './docs/a.md',
        'docs//a.md',
        'docs\\a.md',
        'docs/a.md/',
        'x/../docs/a.md',
        'docs/./a.md',
      ]
      expect(codes((m) => (m.evidence = spellings.map((p, i) => evidence(`e${i}`, p))))).toEqual(
        spellings
          .slice(1)
          .map((_, i) => ['error', 'duplicate_evidence_path', `evidence.${i + 1}.path`]),
      )
      // Names with dots inside are names, not `.` or `..`.
      expect(
        codes(
          (m) =>
            (m.evidence = [
              evidence('a', 'a..b/c.md'),
              evidence('b', 'a..b/c.md.'),
              evidence('c', 'a_b-c/.hidden'),
              evidence('d', 'a_b-c/..hidden'),
            ]),
        ),
      ).toEqual([])
    })

    describe('validUntil', () => {
      const dated = (over: Record<string, unknown>) => (m: ManifestInput) =>
        (m.evidence = [{ ...evidence('cert', 'docs/cert.pdf'), ...over }])
      const certificate = (date: string, validUntil: string, over: Record<string, unknown> = {}) =>
        dated({ type: 'certificate', assessedBy: 'notified-body', date, validUntil, ...over })
      const annexI = (m: ManifestInput) => {
        m.classification.useCases = ['other']
        m.classification.safetyComponent = {
          legislation: 'machinery-2023-1230',
          thirdPartyConformityAssessment: true,
        }
      }

      it('after date, or without a date, is fine', () => {
        expect(codes(dated({ date: '2026-03-01', validUntil: '2026-03-02' }))).toEqual([])
        expect(codes(dated({ validUntil: '2020-01-01' }))).toEqual([])
      })

      it('on or before date is an error at validUntil', () => {
        for (const validUntil of ['2026-03-01', '2026-02-28', '2019-12-31'])
          expect(codes(dated({ date: '2026-03-01', validUntil }))).toEqual([
            ['error', 'evidence_valid_until_not_after_date', 'evidence.0.validUntil'],
          ])
      })

      it("warns when a notified body's certificate outlasts Art. 44(2): 4 years under Annex III", () => {
        const art44 = [['warning', 'certificate_validity_exceeds_art_44', 'evidence.0.validUntil']]
        // BASE is an Annex III system (recruitment).
        expect(codes(certificate('2026-03-01', '2031-03-01'))).toEqual(art44)
        expect(codes(certificate('2026-03-01', '2030-03-02'))).toEqual(art44)
        expect(codes(certificate('2026-03-01', '2030-03-01'))).toEqual([])
        expect(codes(certificate('2026-03-01', '2029-03-01'))).toEqual([])
        // A conformity assessment by a notified body is a certificate too.
        expect(
          codes(certificate('2026-03-01', '2031-03-01', { type: 'conformity-assessment' })),
        ).toEqual(art44)
        const [issue] = checkManifest(manifest(certificate('2026-03-01', '2031-03-01')))
        expect(issue?.message).toContain(
          '4 years Art. 44(2) allows for a system covered by Annex III',
        )
        expect(issue?.message).toContain('at most until 2030-03-01')
      })

      it('allows 5 years under Annex I', () => {
        expect(codes(annexI, certificate('2026-03-01', '2031-03-01'))).toEqual([])
        expect(codes(annexI, certificate('2026-03-01', '2031-03-02'))).toEqual([
          ['warning', 'certificate_validity_exceeds_art_44', 'evidence.0.validUntil'],
        ])
      })

      it('does not warn for other assessors, other types, or a system of neither route', () => {
        const long = ['2026-03-01', '2036-03-01'] as const
        expect(codes(certificate(...long, { assessedBy: 'third-party' }))).toEqual([])
        expect(codes(certificate(...long, { type: 'red-team-report' }))).toEqual([])
        expect(codes((m) => (m.classification.useCases = ['other']), certificate(...long))).toEqual(
          [],
        )
      })

      it('addYears keeps the month and day, 29 February becoming 28 in a common year', () => {
        expect(addYears('2026-03-01', 4)).toBe('2030-03-01')
        expect(addYears('2024-02-29', 4)).toBe('2028-02-29')
        expect(addYears('2024-02-29', 5)).toBe('2029-02-28')
        expect(addYears('2096-02-29', 4)).toBe('2100-02-28')
      })
    })

    it('paths outside the folder are errors', () => {
      expect(
        codes(
          (m) =>
            (m.evidence = [
              evidence('a', '/etc/passwd'),
              evidence('b', '../x.md'),
              evidence('c', 'docs/../../x.md'),
              evidence('d', 'C:\\x.md'),
              evidence('e', 'docs/../x.md'),
            ]),
        ),
      ).toEqual([
        ['error', 'evidence_outside_root', 'evidence.0.path'],
        ['error', 'evidence_outside_root', 'evidence.1.path'],
        ['error', 'evidence_outside_root', 'evidence.2.path'],
        ['error', 'evidence_outside_root', 'evidence.3.path'],
      ])
    })

    it('references to unknown evidence ids are errors; known ones are fine', () => {
      const issues = checkManifest(
        manifest((m) => {
          m.evidence = [evidence('sheet', 'sheet.md')]
          m.classification.derogation = {
            conditions: ['preparatory-task'],
            rationale: 'r',
            evidence: 'assessment',
          }
          m.datasets = [
            { name: 'd', purpose: ['training'], source: 's', personalData: false, sheet: 'sheet' },
            { name: 'e', purpose: ['testing'], source: 's', personalData: false, sheet: 'nope' },
          ]
          m.accuracy = { metrics: [{ name: 'acc', value: 0.9, evidence: 'eval' }] }
        }),
      )
      expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
        ['unknown_evidence_ref', 'classification.derogation.evidence'],
        ['unknown_evidence_ref', 'datasets.1.sheet'],
        ['unknown_evidence_ref', 'accuracy.metrics.0.evidence'],
      ])
      expect(issues[0]?.message).toBe('no evidence item has id assessment; evidence ids are sheet')
    })
  })

  describe('placeholders left from accord init (placeholder_text)', () => {
    it('warns at each value that is still "TODO: ..." or an address at example.invalid', () => {
      expect(
        codes(
          (m) => (m.system.intendedPurpose = 'TODO: the intended purpose'),
          (m) => (m.provider.email = 'compliance@example.invalid'),
          (m) => (m.deployment.affectedPersons = ['residents', 'TODO']),
          (m) => (m.humanOversight = { measures: ['TODO: a measure'] }),
        ),
      ).toEqual([
        ['warning', 'placeholder_text', 'system.intendedPurpose'],
        ['warning', 'placeholder_text', 'provider.email'],
        ['warning', 'placeholder_text', 'deployment.affectedPersons.1'],
        ['warning', 'placeholder_text', 'humanOversight.measures.0'],
      ])
    })

    it('leaves text that only mentions TODO alone, and keys', () => {
      expect(
        codes(
          (m) => (m.system.name = 'TODO list assistant'),
          (m) => (m.system.intendedPurpose = 'Sorts TODO: items'),
          (m) => (m.provider.email = 'ops@example.com'),
        ),
      ).toEqual([])
    })

    it('is skipped when the source text holds no placeholder', () => {
      const m = manifest((x) => (x.system.intendedPurpose = 'TODO: x'))
      expect(checkManifest(m, { sourceHasNoPlaceholders: true })).toEqual([])
      expect(mayHoldPlaceholders('intendedPurpose: "TODO: x"')).toBe(true)
      expect(mayHoldPlaceholders('email: a@EXAMPLE.invalid')).toBe(true)
      expect(mayHoldPlaceholders('intendedPurpose: Ranks job applications.')).toBe(false)
    })
  })

  it('splitBySeverity separates errors from warnings', () => {
    const { errors, warnings } = splitBySeverity(
      checkManifest(
        manifest((m) => {
          m.deployment.otherCountries = ['FR']
          m.deployment.memberStates = ['US']
        }),
      ),
    )
    expect(errors.map((e) => e.code)).toEqual(['not_an_eu_member_state'])
    expect(warnings.map((e) => e.code)).toEqual(['eu_member_state_in_other_countries'])
    expect(errors[0]).not.toHaveProperty('severity')
  })
})

describe('evidencePathProblem', () => {
  it.each([
    ['docs/a.md', undefined],
    ['./a.md', undefined],
    ['docs/../a.md', undefined],
    ['a/b/../../c.md', undefined],
    ['..', "uses '..' to leave the manifest's folder"],
    ['../a.md', "uses '..' to leave the manifest's folder"],
    ['a/../../b.md', "uses '..' to leave the manifest's folder"],
    ['a\\..\\..\\b.md', "uses '..' to leave the manifest's folder"],
    ['/etc/passwd', 'is absolute'],
    ['\\\\server\\share', 'is absolute'],
    ['C:/x.md', 'is absolute'],
    ['a\0b', 'contains a NUL character'],
  ])('%j -> %j', (p, want) => {
    expect(evidencePathProblem(p)).toBe(want)
  })
})
