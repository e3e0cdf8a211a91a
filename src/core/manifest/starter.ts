/**
 * The starter manifest `accord init` writes: the required answers filled from what the vendor
 * gave on the command line, the rest as placeholders (`TODO: ...`, which `checkManifest` reports
 * as `placeholder_text` warnings until they are replaced), every optional section as a commented
 * example, and the use-case vocabulary with the legal point each use case falls under, taken
 * from the EU AI Act catalog so it never drifts from the rules.
 *
 * The text is built line by line rather than with a YAML library's document model because most
 * of it is comments (commented-out examples, explanations) laid out for a person to read; every
 * value that comes from outside is written with `yaml`'s scalar quoting, and the result is read
 * back with the manifest reader in test/core/manifest/starter.test.ts.
 */
import { stringify } from 'yaml'
import type { Catalog } from '../catalog/schema.js'
import { TRANSPARENCY_USE_CASES } from '../classify/rules/transparency.js'
import { PROFILING_USE_CASES } from './check.js'
import { valueAtPath } from '../dotted-path.js'
import {
  EU_MEMBER_STATES,
  MANIFEST_API_VERSION,
  USE_CASES,
  type Manifest,
  type UseCase,
} from './schema.js'

export interface StarterInput {
  /** The system's name and the version the manifest describes. */
  system: { name: string; version: string }
  /** The provider: legal name and ISO 3166-1 alpha-2 country; its e-mail address if known. */
  provider: { name: string; country: string; email?: string }
  /** The vendor's roles (Art. 3(3)-(8)); `provider` when none is given. */
  roles?: readonly string[]
  /** What the system does, from the vocabulary; `other` when none is given. */
  useCases?: readonly UseCase[]
  /** The `$schema` reference for editors: a path relative to the manifest, or a URL. */
  schemaRef: string
  /** The EU AI Act catalog, for the legal point of each use case. */
  euCatalog: Catalog
}

/** A use case and the legal points it falls under (or is excluded from). */
export interface UseCaseCitation {
  useCase: UseCase
  /** e.g. `Art. 5(1)(h)`, `Annex III 1(a)`, `Art. 50(1)`. */
  points: string[]
  /** Points whose list excludes it, e.g. fraud detection from Annex III 5(b). */
  excludedFrom: string[]
}

/**
 * Each use case of the vocabulary with the catalog points that list it (`use_cases`) or exclude
 * it (`excluded_use_cases`), and the Art. 50 paragraphs the transparency rules tie it to.
 */
export function useCaseCitations(euCatalog: Catalog): UseCaseCitation[] {
  return USE_CASES.map((useCase) => {
    const points: string[] = []
    const excludedFrom: string[] = []
    for (const node of euCatalog.nodes) {
      if (node.use_cases?.includes(useCase)) points.push(node.ref_id)
      if (node.excluded_use_cases?.includes(useCase)) excludedFrom.push(node.ref_id)
    }
    for (const [paragraph, cases] of TRANSPARENCY_USE_CASES)
      if (cases.includes(useCase) && !points.includes(paragraph)) points.push(paragraph)
    return { useCase, points, excludedFrom }
  })
}

/**
 * A YAML scalar for `value` on one line: plain where YAML allows, else quoted. Text with a line
 * break is written double-quoted with escapes (valid YAML), and so are the YAML 1.1 booleans
 * (`yes`, `off`...), which YAML 1.2 reads as text but older readers would not.
 */
function scalar(value: string | number | boolean): string {
  if (typeof value === 'string' && (/[\n\r]/.test(value) || /^(y|yes|n|no|on|off)$/i.test(value)))
    return JSON.stringify(value)
  return stringify(value, { lineWidth: 0 }).trimEnd()
}

/** A flow sequence of scalars: `[a, b]`. */
function flowList(values: readonly string[]): string {
  return `[${values.map(scalar).join(', ')}]`
}

/** `text` for a comment line: control characters (a newline would end the comment) as spaces. */
function inComment(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
}

/** `text` as comment lines of at most `width` characters, broken at spaces. */
function wrapComment(text: string, width = 96): string[] {
  const lines: string[] = []
  let line = '#'
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > width && line !== '#') {
      lines.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines
}

/** `lines` as comments (`# ` before each; an empty line stays `#`). */
function commented(lines: readonly string[]): string[] {
  return lines.map((l) => (l === '' ? '#' : `# ${l}`))
}

/**
 * The optional sections, as data: what each asks for, and an example an editor can uncomment.
 * test/core/manifest/starter.test.ts checks that every top-level field of the manifest schema
 * is written (as a key or a commented example) and that the examples, uncommented, are valid.
 */
export const STARTER_SECTIONS: readonly { key: string; about: string; example: unknown }[] = [
  {
    key: 'models',
    about: 'AI models the system uses (Annex IV 2(b)); general-purpose models bring Art. 53/55.',
    example: [
      {
        name: 'TODO: model name',
        version: 'TODO: 1.0',
        supplier: 'TODO: this provider, or the third party that supplies it',
        thirdParty: false,
        licence: 'proprietary',
        weightsPublic: false,
        artifacts: ['models/model.onnx'],
      },
    ],
  },
  {
    key: 'datasets',
    about: 'Training, validation and testing data (Art. 10).',
    example: [
      {
        name: 'TODO: dataset name',
        purpose: ['training', 'validation'],
        source: 'TODO: where the data come from and how they were collected',
        personalData: true,
      },
    ],
  },
  {
    key: 'humanOversight',
    about: 'How people oversee the system and can stop it (Art. 14).',
    example: {
      measures: ['TODO: e.g. every result is confirmed by a trained officer before use'],
      stopMechanism: 'TODO: how an operator halts the system',
    },
  },
  {
    key: 'accuracy',
    about: 'Declared accuracy metrics (Art. 15(3), Annex IV 3).',
    example: {
      metrics: [{ name: 'TODO: metric on a named test set', value: 0.95, threshold: 0.9 }],
    },
  },
  {
    key: 'robustness',
    about: 'Robustness measures (Art. 15(4)).',
    example: { measures: ['TODO: e.g. fallback to manual processing on low confidence'] },
  },
  {
    key: 'cybersecurity',
    about: 'Cybersecurity measures (Art. 15(5)).',
    example: { measures: ['TODO: e.g. adversarial-input testing before each release'] },
  },
  {
    key: 'logging',
    about: 'Events recorded automatically and how long logs are kept (Arts. 12, 19).',
    example: { events: ['TODO: e.g. each query, its result and the operator'], retentionDays: 183 },
  },
  {
    key: 'riskManagement',
    about: 'The risk management process and register (Art. 9).',
    example: {
      process: 'TODO: how risks are identified, evaluated and treated over the lifecycle',
      risks: [
        {
          id: 'R-01',
          description: 'TODO: the risk in plain words',
          affects: ['fundamental-rights'],
          severity: 'high',
          likelihood: 'possible',
          mitigation: 'TODO: what reduces it',
          residual: 'acceptable',
        },
      ],
    },
  },
  {
    key: 'postMarketMonitoring',
    about: 'The post-market monitoring plan (Art. 72).',
    example: { plan: 'TODO: what is monitored after release, how often, by whom' },
  },
  {
    key: 'incidentResponse',
    about: 'How serious incidents are handled and reported (Art. 73).',
    example: { procedure: 'TODO: who reports what to which authority', reportWithinHours: 72 },
  },
  {
    key: 'qualityManagement',
    about: 'The quality management system (Art. 17).',
    example: { procedures: ['TODO: e.g. release approval, change control, supplier control'] },
  },
  {
    key: 'assurance',
    about: 'Commitments to buyers, carried into the passport.',
    example: {
      updateNoticeDays: 30,
      remoteDisable: { exists: false, controlledBy: 'none' },
      dataResidency: ['EU'],
      auditRights: { granted: true },
      incidentNotificationHours: 24,
      supportUntil: '2030-12-31',
    },
  },
  {
    key: 'assessor',
    about: 'Who assessed the system: self, third-party or notified-body.',
    example: { type: 'self' },
  },
  {
    key: 'harmonisedStandards',
    about: 'Harmonised standards applied (Art. 40), by reference.',
    example: ['TODO: standard reference'],
  },
  {
    key: 'otherStandards',
    about: 'Other standards and specifications applied (e.g. ISO/IEC 42001).',
    example: ['ISO/IEC 42001:2023'],
  },
  {
    key: 'conformityAssessment',
    about: 'The conformity assessment procedure followed (Art. 43).',
    example: { procedure: 'annex-vi-internal-control' },
  },
  {
    key: 'declaration',
    about: 'Who signs the EU declaration of conformity, where and when (Annex V point 8).',
    example: {
      place: 'TODO: city',
      date: '2027-01-15',
      signatory: { name: 'TODO: name', function: 'TODO: function' },
    },
  },
  {
    key: 'changes',
    about: 'Changes over the lifecycle (Annex IV 6).',
    example: [{ version: '1.0.0', date: '2026-01-15', description: 'TODO: first release' }],
  },
  {
    key: 'predeterminedChanges',
    about: 'Changes planned and assessed in advance (Art. 43(4)).',
    example: ['TODO: e.g. quarterly retraining on the same data sources'],
  },
  {
    key: 'evidence',
    about:
      'Documents that support obligations; paths relative to this file, `supports` as framework:id ' +
      '(list the ids with `accord catalog eu-ai-act` or `accord catalog nist-ai-rmf`).',
    example: [
      {
        id: 'risk-register',
        path: 'evidence/risk-management.md',
        type: 'risk-assessment',
        title: 'Risk management file',
        supports: ['eu-ai-act:art-9', 'nist-ai-rmf:map-5.1'],
      },
    ],
  },
  {
    key: 'plan',
    about: 'Owners and due dates for `accord plan`.',
    example: { owners: { default: 'TODO: compliance lead' } },
  },
]

/**
 * The answers the starter writes as a start rather than from what was given: yes/no facts the
 * classification rests on. They cannot hold a placeholder (the schema wants a boolean or a list),
 * so `accord init` names them for the vendor to check.
 */
export const STARTER_DEFAULT_ANSWERS = [
  'deployment.publicBody',
  'classification.outputUsedInEu',
  'classification.placedOnEuMarket',
  'classification.exclusivelyMilitaryDefenceNationalSecurity',
  'classification.profilesNaturalPersons',
  'classification.interactsWithNaturalPersons',
  'classification.generatesSyntheticContent',
] as const

/** Each of STARTER_DEFAULT_ANSWERS with its value in `manifest`, for the vendor to check. */
export function answersToCheck(manifest: Manifest): Record<string, unknown> {
  return Object.fromEntries(STARTER_DEFAULT_ANSWERS.map((p) => [p, valueAtPath(manifest, p)]))
}

/** The starter manifest's text (deterministic: the same input gives the same bytes). */
export function starterManifest(input: StarterInput): string {
  const roles = input.roles?.length ? input.roles : ['provider']
  const useCases = input.useCases?.length ? input.useCases : (['other'] as const)
  const euProvider = EU_MEMBER_STATES.includes(input.provider.country)
  const citations = useCaseCitations(input.euCatalog)
  const width = Math.max(...citations.map((c) => c.useCase.length))
  const out: string[] = [
    `# yaml-language-server: $schema=${inComment(input.schemaRef)}`,
    '#',
    ...wrapComment(
      `Accord manifest of ${inComment(input.system.name)}, written by \`accord init\`. Describe ` +
        'the system once: `accord classify` classifies it under the EU AI Act, `accord assess` ' +
        'lists what each framework asks of it and what is missing, `accord docs` writes its ' +
        'documents. Replace every "TODO" value (Accord warns about each one left: ' +
        'placeholder_text), answer the classification questions, and uncomment the sections ' +
        'that apply. Complete examples: examples/*/accord.yaml in the Accord package. This is ' +
        'not legal advice.',
    ),
    `apiVersion: ${MANIFEST_API_VERSION}`,
    '',
    'system:',
    `  name: ${scalar(input.system.name)}`,
    `  version: ${scalar(input.system.version)}`,
    '  # What it is for, in plain words (Art. 3(12)): who uses it, for what, on whom.',
    `  intendedPurpose: ${scalar('TODO: the intended purpose in plain words')}`,
    '',
    'provider:',
    `  name: ${scalar(input.provider.name)}`,
    `  country: ${scalar(input.provider.country)}`,
    `  address: ${scalar('TODO: postal address (Annex V point 2)')}`,
    `  email: ${scalar(input.provider.email ?? 'compliance@example.invalid')}`,
  ]
  if (!euProvider)
    out.push(
      ...commented([
        'A provider established outside the Union names an authorised representative in it',
        '(Art. 22) before making a high-risk system available there:',
        'authorisedRepresentative:',
        `  name: ${scalar('TODO: name')}`,
        '  country: DE',
        `  address: ${scalar('TODO: postal address')}`,
        '  email: representative@example.invalid',
      ]).map((l) => `  ${l}`),
    )
  out.push(
    '',
    '# Your roles under the EU AI Act: provider, deployer, importer, distributor,',
    '# authorised-representative, product-manufacturer (Art. 3(3)-(8)).',
    `roles: ${flowList(roles)}`,
    '',
    'deployment:',
    `  deployers: ${scalar('TODO: who deploys it, e.g. national police forces')}`,
    `  sector: ${scalar('TODO: the sector it is used in')}`,
    '  # EU member states where it is made available or used (ISO codes; EL for Greece).',
    '  memberStates: []',
    `  affectedPersons: ${flowList(['TODO: the groups of people its use affects'])}`,
    '  # true if the deployer is a body governed by public law or acts on its behalf.',
    '  publicBody: false',
    '',
    '# The facts the EU AI Act classification rests on. Answer each one; the defaults below are',
    '# only a start. useCases: one or more of the vocabulary below (what the system does), each',
    '# with the legal point it falls under; `other` when none fits.',
    'classification:',
    `  useCases: ${flowList(useCases)}`,
    '  # Its output is used in the Union (Art. 2(1)(c)).',
    '  outputUsedInEu: true',
    '  # It is placed on the EU market or put into service in the Union (Art. 2(1)(a)).',
    '  placedOnEuMarket: true',
    '  # Placed on the market, put into service or used exclusively for military, defence or',
    '  # national security purposes (Art. 2(3)).',
    '  exclusivelyMilitaryDefenceNationalSecurity: false',
    '  # It profiles natural persons (Art. 3(52)); profiling keeps an Annex III system high-risk',
    '  # whatever Art. 6(3) says.',
    `  profilesNaturalPersons: ${useCases.some((u) => PROFILING_USE_CASES.has(u))}`,
    '  # It interacts directly with natural persons (Art. 50(1)).',
    `  interactsWithNaturalPersons: ${useCases.includes('conversational-agent')}`,
    '  # Kinds of synthetic content it generates: text, image, audio, video (Art. 50(2)).',
    '  generatesSyntheticContent: []',
    '#',
    '# Use cases (classification.useCases) and the points of the EU AI Act they fall under:',
    ...citations.map((c) => {
      const points = c.points.length ? c.points.join(', ') : 'no listed point'
      const excluded = c.excludedFrom.length ? `; excluded from ${c.excludedFrom.join(', ')}` : ''
      return `#   ${c.useCase.padEnd(width)}  ${points}${excluded}`
    }),
  )
  for (const section of STARTER_SECTIONS) {
    const example = stringify({ [section.key]: section.example }, { lineWidth: 0 }).trimEnd()
    out.push('', ...wrapComment(section.about), ...commented(example.split('\n')))
  }
  return `${out.join('\n')}\n`
}
