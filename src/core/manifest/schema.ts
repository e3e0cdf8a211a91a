/**
 * The system manifest: one file that describes one AI system as its vendor knows it.
 *
 * schema/manifest.v1.schema.json is generated from this file (`npm run schema:generate`) so
 * editors can autocomplete; CI fails when it is stale. Objects are strict: an unknown or
 * misspelled key is an error (with a suggestion), never silently ignored.
 */
import { z } from 'zod'
import { isoDate, Role } from '../catalog/schema.js'
import { EU_MEMBER_STATES as ISO_EU_MEMBER_STATES, ISO_3166_ALPHA2 } from '../iso-3166.js'
import { REGION_CODES } from '../policy/regions.js'

export const MANIFEST_API_VERSION = 'accord.dev/v1'

/**
 * Text that must not be empty once trimmed. `minLength` alone would let "   " through the
 * published JSON Schema, so it also carries the pattern `\S` (at least one non-space character).
 */
const text = z.string().trim().min(1, 'must not be empty').meta({ pattern: '\\S' })
const country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code in capitals, such as DE or US')
  // accord's check (unknown_country) gives the fix; the enum tells editors.
  .meta({ enum: [...ISO_3166_ALPHA2] })

/** EU member states as a manifest may write them: the ISO codes, and EL for Greece as the EU does. */
export const EU_MEMBER_STATES: readonly string[] = [...ISO_EU_MEMBER_STATES, 'EL'].sort()

/**
 * What the system does, in a fixed vocabulary. Each use case maps to legal points through the
 * catalog (`use_cases` on Annex III and Art. 5 nodes), not through code.
 */
export const USE_CASES = [
  // Art. 5 prohibited practices
  'subliminal-manipulation',
  'exploit-vulnerabilities',
  'social-scoring',
  'crime-prediction-profiling',
  'untargeted-facial-scraping',
  'non-consensual-intimate-imagery',
  'csam-generation',
  // Annex III 1 biometrics
  'remote-biometric-identification',
  'biometric-verification',
  'biometric-categorisation',
  'emotion-recognition',
  // Annex III 2 critical infrastructure
  'critical-infrastructure-safety',
  // Annex III 3 education
  'education-admission',
  'education-evaluation',
  'education-level-assessment',
  'exam-proctoring',
  // Annex III 4 employment
  'recruitment',
  'worker-management',
  // Annex III 5 essential services
  'public-benefits-eligibility',
  'creditworthiness',
  'fraud-detection',
  'life-health-insurance-pricing',
  'emergency-call-triage',
  // Annex III 6 law enforcement
  'victim-risk-assessment',
  'law-enforcement-polygraph',
  'evidence-reliability',
  'offending-risk-assessment',
  'law-enforcement-profiling',
  // Annex III 7 migration, asylum, border control
  'migration-polygraph',
  'migration-risk-assessment',
  'asylum-visa-examination',
  'migration-person-identification',
  'travel-document-verification',
  // Annex III 8 justice and democratic processes
  'judicial-assistance',
  'election-influence',
  'campaign-logistics',
  // Art. 50 and general
  'conversational-agent',
  'content-generation',
  'deep-fake-generation',
  'public-interest-text-generation',
  'other',
] as const
export const UseCase = z.enum(USE_CASES)
export type UseCase = z.infer<typeof UseCase>

/** Union harmonisation legislation listed in Annex I (Section A and B). */
export const ANNEX_I_ACTS = [
  // Section A
  'machinery-2023-1230',
  'toys-2009-48',
  'recreational-craft-2013-53',
  'lifts-2014-33',
  'atex-2014-34',
  'radio-equipment-2014-53',
  'pressure-equipment-2014-68',
  'cableways-2016-424',
  'ppe-2016-425',
  'gas-appliances-2016-426',
  'medical-devices-2017-745',
  'in-vitro-diagnostics-2017-746',
  // Section B
  'civil-aviation-security-300-2008',
  'two-three-wheel-vehicles-168-2013',
  'agricultural-vehicles-167-2013',
  'marine-equipment-2014-90',
  'rail-interoperability-2016-797',
  'motor-vehicles-2018-858',
  'vehicle-general-safety-2019-2144',
  'civil-aviation-2018-1139',
] as const

export const SENSITIVE_ATTRIBUTES = [
  'race',
  'political-opinions',
  'trade-union-membership',
  'religious-or-philosophical-beliefs',
  'sex-life-or-sexual-orientation',
  'other-protected-attribute',
] as const

export const Contact = z.strictObject({
  name: text.describe('Name of the person or organisation.'),
  country: country.describe('Country (ISO 3166-1 alpha-2 code in capitals, e.g. DE).'),
  address: text.optional(),
  email: z.email('expected an e-mail address').optional(),
  phone: text.optional(),
})

export const Provider = z.strictObject({
  name: text.describe('Legal name of the provider.'),
  /** Country of establishment. */
  country: country.describe(
    'Country of establishment (ISO 3166-1 alpha-2 code in capitals, e.g. DE).',
  ),
  address: text.describe('Postal address (Annex V point 2).'),
  email: z.email('expected an e-mail address').describe('Contact e-mail address of the provider.'),
  website: z.url().optional(),
  /** Small or medium-sized enterprise (Commission Recommendation 2003/361/EC). */
  sme: z
    .boolean()
    .optional()
    .describe('Small or medium-sized enterprise (Commission Recommendation 2003/361/EC).'),
  /** EU authorised representative (Art. 22) for providers established outside the Union. */
  authorisedRepresentative: Contact.optional().describe(
    'EU authorised representative (Art. 22) for providers established outside the Union.',
  ),
})

export const System = z.strictObject({
  name: text.describe("The system's name (Annex V point 1)."),
  version: text.describe('The version described by this manifest, e.g. 2.1.0.'),
  /** Unambiguous reference for identification and traceability (Annex V point 1). */
  reference: text
    .optional()
    .describe('Unambiguous reference for identification and traceability (Annex V point 1).'),
  /** The intended purpose in plain words (Art. 3(12)). */
  intendedPurpose: text.describe('The intended purpose in plain words (Art. 3(12)).'),
  description: text.optional(),
  /** Date the system was or will be placed on the EU market or put into service. */
  placedOnMarket: isoDate
    .optional()
    .describe('Date the system was or will be placed on the EU market or put into service.'),
  /** Forms in which it is supplied (Annex IV 1(d)): api, download, embedded, saas, on-premises... */
  forms: z
    .array(text)
    .optional()
    .describe(
      'Forms in which it is supplied (Annex IV 1(d)): api, download, embedded, saas, on-premises...',
    ),
  hardware: z.array(text).optional(),
  software: z.array(text).optional(),
  userInterface: text.optional(),
})

/**
 * Art. 2(4): the Act does not apply to public authorities of a third country or international
 * organisations using AI systems in the framework of international cooperation or agreements for
 * law enforcement and judicial cooperation with the Union or member states, provided they give
 * adequate safeguards for fundamental rights. It exempts those users, not who supplies them.
 */
export const InternationalCooperation = z.strictObject({
  /** Who uses the system in that framework. */
  user: z
    .enum(['third-country-public-authority', 'international-organisation'])
    .describe(
      'Who uses the system in that framework: a public authority of a third country, or an international organisation.',
    ),
  /** The cooperation framework or agreement, in plain words. */
  framework: text.describe(
    'The international cooperation framework or agreement for law enforcement or judicial cooperation with the Union or member states, in plain words.',
  ),
  /** The proviso of Art. 2(4). */
  adequateSafeguards: z
    .boolean()
    .describe(
      'That third country or international organisation provides adequate safeguards for the protection of fundamental rights and freedoms of individuals (the proviso of Art. 2(4)).',
    ),
  /** The vendor is itself that authority or organisation, using the system only in that framework. */
  vendorIsTheUser: z
    .boolean()
    .default(false)
    .describe(
      'The vendor named in this manifest is itself that authority or organisation and uses the system only in that framework. When false (the default) the vendor supplies the system to it, and Art. 2(4) does not reach the vendor.',
    ),
})

export const Deployment = z.strictObject({
  /** Who deploys it, in plain words. */
  deployers: text.describe('Who deploys it, in plain words.'),
  sector: text.describe('Sector in which it is used, in plain words.'),
  /** EU member states where it is made available or used (ISO codes). */
  memberStates: z
    // accord's check (not_an_eu_member_state) explains a non-member; the enum tells editors.
    .array(country.meta({ enum: [...EU_MEMBER_STATES] }))
    .default([])
    .describe('EU member states where it is made available or used (ISO codes).'),
  /** Countries outside the EU where it is used. */
  otherCountries: z
    // EL is accepted with a warning (eu_member_state_in_other_countries), as any member state.
    .array(country.meta({ enum: [...ISO_3166_ALPHA2, 'EL'].sort() }))
    .default([])
    .describe('Countries outside the EU where it is used.'),
  affectedPersons: z
    .array(text)
    .min(1, 'name at least one group of affected persons')
    .describe('Groups of natural persons affected by its use.'),
  /** The deployer is a body governed by public law (or acts on its behalf). */
  publicBody: z
    .boolean()
    .describe('The deployer is a body governed by public law (or acts on its behalf).'),
  /** The deployer is a private entity providing public services. */
  publicService: z
    .boolean()
    .default(false)
    .describe('The deployer is a private entity providing public services.'),
  /** Used in the workplace on workers (Art. 26(7)). */
  workplace: z.boolean().default(false).describe('Used in the workplace on workers (Art. 26(7)).'),
  /** Used in education or vocational training institutions. */
  education: z
    .boolean()
    .default(false)
    .describe('Used in education or vocational training institutions.'),
  /** Used by or on behalf of law-enforcement authorities. */
  lawEnforcement: z
    .boolean()
    .default(false)
    .describe('Used by or on behalf of law-enforcement authorities.'),
  /** Used by competent authorities in migration, asylum or border control. */
  migration: z
    .boolean()
    .default(false)
    .describe('Used by competent authorities in migration, asylum or border control.'),
  /** Art. 2(4): third-country public authorities or international organisations as users. */
  internationalCooperation: InternationalCooperation.optional().describe(
    'Third-country public authorities or international organisations that use the system in the framework of international cooperation or agreements for law enforcement and judicial cooperation with the Union or member states (Art. 2(4)). Leave out when there are none.',
  ),
  /** Art. 2(10): every deployer is a natural person using it for a purely personal purpose. */
  purelyPersonalUse: z
    .boolean()
    .default(false)
    .describe(
      'Every deployer is a natural person using the system in the course of a purely personal, non-professional activity (Art. 2(10)): such users have no deployer obligations. Obligations of the provider are not affected.',
    ),
})

export const Biometrics = z.strictObject({
  /** Identification happens without significant delay (Art. 3(42)). */
  realTime: z
    .boolean()
    .default(false)
    .describe('Identification happens without significant delay (Art. 3(42)).'),
  /** Used in publicly accessible spaces (Art. 3(44)). */
  publiclyAccessibleSpaces: z
    .boolean()
    .default(false)
    .describe('Used in publicly accessible spaces (Art. 3(44)).'),
  /** Sensitive attributes the system infers from biometric data (Art. 5(1)(g), Annex III 1(b)). */
  infersAttributes: z
    .array(z.enum(SENSITIVE_ATTRIBUTES))
    .default([])
    .describe(
      'Sensitive attributes the system infers from biometric data (Art. 5(1)(g), Annex III 1(b)).',
    ),
  /** Only labels or filters lawfully acquired biometric datasets (Art. 5(1)(g) carve-out). */
  labellingLawfulDatasetsOnly: z
    .boolean()
    .default(false)
    .describe(
      'Only labels or filters lawfully acquired biometric datasets (Art. 5(1)(g) carve-out).',
    ),
  /** Emotion recognition is used for medical or safety reasons only (Art. 5(1)(f) carve-out). */
  medicalOrSafetyPurpose: z
    .boolean()
    .default(false)
    .describe(
      'Emotion recognition is used for medical or safety reasons only (Art. 5(1)(f) carve-out).',
    ),
  /** Objectives of real-time RBI for law enforcement, for the Art. 5(1)(h) exceptions. */
  realTimeObjectives: z
    .array(
      z.enum(['targeted-victim-search', 'imminent-threat-prevention', 'serious-crime-suspect']),
    )
    .default([]),
  /** Prior judicial or independent administrative authorisation (Art. 5(3)). */
  authorisation: text
    .optional()
    .describe('Prior judicial or independent administrative authorisation (Art. 5(3)).'),
})

export const SafetyComponent = z.strictObject({
  /** The Annex I act that covers the product. */
  legislation: z.enum(ANNEX_I_ACTS).describe('The Annex I act that covers the product.'),
  /** Whether the system is itself the product (rather than a safety component of it). */
  isProduct: z
    .boolean()
    .default(false)
    .describe('Whether the system is itself the product (rather than a safety component of it).'),
  /** Whether that act requires third-party conformity assessment of the product (Art. 6(1)(b)). */
  thirdPartyConformityAssessment: z
    .boolean()
    .describe(
      'Whether that act requires third-party conformity assessment of the product (Art. 6(1)(b)).',
    ),
  product: text.optional(),
})

export const Derogation = z.strictObject({
  /** The Art. 6(3) conditions relied on. */
  conditions: z
    .array(
      z.enum([
        'narrow-procedural-task',
        'improves-prior-human-activity',
        'detects-decision-patterns',
        'preparatory-task',
      ]),
    )
    .min(1)
    .describe('The Art. 6(3) conditions relied on.'),
  rationale: text.describe('Why the system poses no significant risk of harm (Art. 6(3), 6(4)).'),
  /** Date the Art. 6(4) assessment was documented. */
  assessedOn: isoDate.optional().describe('Date the Art. 6(4) assessment was documented.'),
  /** Evidence id of the Art. 6(4) assessment document. */
  evidence: text.optional().describe('Evidence id of the Art. 6(4) assessment document.'),
})

export const Classification = z.strictObject({
  useCases: z
    .array(UseCase)
    .min(1, 'list at least one use case, or `other`')
    .describe(
      'What the system does, in a fixed vocabulary mapped to Art. 5 and Annex III by the catalog; `other` if none fits.',
    ),
  /** The system's output is used in the Union (Art. 2(1)(c)). */
  outputUsedInEu: z.boolean().describe("The system's output is used in the Union (Art. 2(1)(c))."),
  /** The system is placed on the EU market or put into service in the Union (Art. 2(1)(a)). */
  placedOnEuMarket: z
    .boolean()
    .describe(
      'The system is placed on the EU market or put into service in the Union (Art. 2(1)(a)).',
    ),
  /** Placed on the market, put into service or used exclusively for military, defence or national security (Art. 2(3)). */
  exclusivelyMilitaryDefenceNationalSecurity: z
    .boolean()
    .describe(
      'Placed on the market, put into service or used exclusively for military, defence or national security (Art. 2(3)).',
    ),
  /** Developed and put into service for the sole purpose of scientific research (Art. 2(6)). */
  scientificResearchOnly: z
    .boolean()
    .default(false)
    .describe(
      'Developed and put into service for the sole purpose of scientific research (Art. 2(6)).',
    ),
  /** Only researched, tested or developed so far: not yet placed on the market or put into service (Art. 2(8)). */
  preMarketResearchOnly: z
    .boolean()
    .default(false)
    .describe(
      'The system is so far only researched, tested or developed, and not yet placed on the market or put into service in the Union (Art. 2(8)). Testing in real-world conditions is not covered: say so with realWorldTesting.',
    ),
  /** Tested in real-world conditions before placing on the market (Art. 3(57), Arts. 57-61). */
  realWorldTesting: z
    .boolean()
    .default(false)
    .describe(
      'The system is being tested in real-world conditions, outside a laboratory, before it is placed on the market or put into service (Art. 3(57)); the Art. 2(8) exclusion does not cover such testing.',
    ),
  /** Released under a free and open-source licence (Art. 2(12)). */
  openSource: z
    .boolean()
    .default(false)
    .describe('Released under a free and open-source licence (Art. 2(12)).'),
  /** The system profiles natural persons (Art. 3(52), GDPR Art. 4(4)). */
  profilesNaturalPersons: z
    .boolean()
    .describe('The system profiles natural persons (Art. 3(52), GDPR Art. 4(4)).'),
  /** Profiling or personality traits are the *sole* basis of a crime-risk assessment (Art. 5(1)(d)). */
  solelyProfilingBased: z
    .boolean()
    .default(false)
    .describe(
      'Profiling or personality traits are the *sole* basis of a crime-risk assessment (Art. 5(1)(d)).',
    ),
  /** The system interacts directly with natural persons (Art. 50(1)). */
  interactsWithNaturalPersons: z
    .boolean()
    .default(false)
    .describe('The system interacts directly with natural persons (Art. 50(1)).'),
  /** Kinds of synthetic content it generates (Art. 50(2)). */
  generatesSyntheticContent: z
    .array(z.enum(['text', 'image', 'audio', 'video']))
    .default([])
    .describe('Kinds of synthetic content it generates (Art. 50(2)).'),
  /** It processes personal data (Annex V point 5). */
  processesPersonalData: z
    .boolean()
    .default(true)
    .describe('It processes personal data (Annex V point 5).'),
  biometrics: Biometrics.optional(),
  /** Safety component of a product under Annex I legislation (Art. 6(1)), or null. */
  safetyComponent: SafetyComponent.nullable()
    .default(null)
    .describe('Safety component of a product under Annex I legislation (Art. 6(1)), or null.'),
  /** The provider's Art. 6(3) claim that an Annex III system is not high-risk. */
  derogation: Derogation.optional().describe(
    "The provider's Art. 6(3) claim that an Annex III system is not high-risk.",
  ),
})

export const Model = z.strictObject({
  name: text.describe('Name of the model.'),
  version: text.describe('Version of the model.'),
  /** Who provides the model: this system's provider, or a third party (named). */
  supplier: text
    .optional()
    .describe("Who provides the model: this system's provider, or a third party (named)."),
  thirdParty: z.boolean().default(false),
  /** Date this provider placed the model on the EU market (Art. 111(3) for models before 2025-08-02). */
  placedOnMarket: isoDate
    .optional()
    .describe(
      'Date this provider placed the model on the EU market. A general-purpose AI model placed before 2 August 2025 has until 2 August 2027 (Art. 111(3)).',
    ),
  /** The model is a general-purpose AI model (Art. 3(63)) placed on the market by this provider. */
  generalPurpose: z
    .boolean()
    .default(false)
    .describe(
      'The model is a general-purpose AI model (Art. 3(63)) placed on the market by this provider.',
    ),
  /** Designated by the Commission as having systemic risk (Art. 51(1)(b)). */
  designatedSystemicRisk: z
    .boolean()
    .default(false)
    .describe('Designated by the Commission as having systemic risk (Art. 51(1)(b)).'),
  trainingComputeFlop: z.number().nonnegative().optional(),
  parameters: z.number().int().nonnegative().optional(),
  licence: text.describe('Licence of the model, e.g. apache-2.0, or proprietary.'),
  weightsPublic: z.boolean().describe('The model weights are publicly available.'),
  architecture: text.optional(),
  modalities: z.array(text).optional(),
  artifacts: z.array(text).default([]),
})

export const Dataset = z.strictObject({
  name: text.describe('Name of the dataset.'),
  purpose: z
    .array(z.enum(['training', 'validation', 'testing']))
    .min(1)
    .describe('What it is used for: training, validation, testing (Art. 10).'),
  source: text.describe('Where the data come from and how they were collected.'),
  size: text.optional(),
  personalData: z.boolean().describe('The dataset contains personal data.'),
  specialCategories: z.boolean().default(false),
  provenance: text.optional(),
  preparation: z.array(text).optional(),
  biasExamination: text.optional(),
  knownGaps: text.optional(),
  /** Evidence id of the datasheet. */
  sheet: text.optional().describe('Evidence id of the datasheet.'),
})

export const Metric = z.strictObject({
  name: text.describe('What is measured, e.g. accuracy on a named test set (Art. 15).'),
  value: z.number().describe('The measured value.'),
  unit: text.optional(),
  threshold: z.number().optional(),
  higherIsBetter: z.boolean().default(true),
  dataset: text.optional(),
  population: text.optional(),
  evidence: text.optional(),
})

export const Risk = z.strictObject({
  id: text.describe('Stable id of the risk, unique in the register, e.g. R-01.'),
  description: text.describe('The risk, in plain words.'),
  affects: z
    .array(z.enum(['health', 'safety', 'fundamental-rights']))
    .min(1)
    .describe('What the risk affects: health, safety, fundamental rights (Art. 9(2)).'),
  severity: z.enum(['low', 'medium', 'high', 'critical']).describe('Severity of the harm.'),
  likelihood: z
    .enum(['rare', 'unlikely', 'possible', 'likely', 'almost-certain'])
    .describe('Likelihood of the harm.'),
  mitigation: text.describe('Measures taken to eliminate or reduce the risk.'),
  residual: z
    .enum(['acceptable', 'acceptable-with-conditions', 'not-acceptable'])
    .describe('Judgement of the residual risk after mitigation (Art. 9(5)).'),
})

export const Change = z.strictObject({
  version: text.describe('Version that introduced the change.'),
  date: isoDate.describe('Date of the change (YYYY-MM-DD).'),
  description: text.describe('What changed.'),
  substantialModification: z.boolean().default(false),
})

/**
 * Who closes which gap by when, read by `accord plan` (docs/plan.md). `obligation` is a short
 * reference (`eu-ai-act:art-11`), which also covers the points below it (`art-11` covers
 * `art-11.1`), or a pattern where `*` stands for any characters (`nist-ai-rmf:measure-*`).
 */
export const PlanAssignment = z
  .strictObject({
    /** `framework:id` or a pattern with `*`: `eu-ai-act:art-11`, `nist-ai-rmf:measure-2.*`. */
    obligation: z
      .string()
      .regex(
        /^[a-z0-9-]+:[a-z0-9.*-]+$/,
        'expected framework:id or a pattern with *, e.g. eu-ai-act:art-11 or nist-ai-rmf:map-*',
      )
      .describe('`framework:id` or a pattern with `*`: `eu-ai-act:art-11`, `nist-ai-rmf:map-*`.'),
    /** Person or role responsible for closing the gap. */
    owner: text.optional().describe('Person or role responsible for closing the gap.'),
    /** Date by which the gap is to be closed. */
    due: isoDate.optional().describe('Date by which the gap is to be closed.'),
    note: text.optional(),
  })
  .refine((a) => a.owner !== undefined || a.due !== undefined, {
    message: 'give an owner, a due date or both',
  })
  // The refinement in JSON Schema terms, for editors.
  .meta({ anyOf: [{ required: ['owner'] }, { required: ['due'] }] })

/** Owners and due dates for the interoperability plan (`accord plan`). */
export const PlanSection = z.strictObject({
  owners: z
    .strictObject({
      /** Owner of every action no other entry assigns. */
      default: text.optional().describe('Owner of every action no other entry assigns.'),
      /** Owner per framework id (`eu-ai-act`, `nist-ai-rmf`, `iso-42001`). */
      byFramework: z
        .record(z.string().regex(/^[a-z0-9-]+$/, 'expected a framework id such as eu-ai-act'), text)
        .default({})
        .describe('Owner per framework id (`eu-ai-act`, `nist-ai-rmf`, `iso-42001`).'),
    })
    .optional(),
  /** Owners and due dates per obligation; the most specific matching entry wins. */
  actions: z
    .array(PlanAssignment)
    .default([])
    .describe('Owners and due dates per obligation; the most specific matching entry wins.'),
})

export const EVIDENCE_TYPES = [
  'risk-assessment',
  'model-card',
  'evaluation-report',
  'red-team-report',
  'dataset-sheet',
  'policy',
  'procedure',
  'instructions-for-use',
  'technical-specification',
  'test-log',
  'conformity-assessment',
  'certificate',
  'monitoring-plan',
  'incident-procedure',
  'qms-manual',
  'fria',
  'dpia',
  'training-record',
  'registration',
  'contract',
  'other',
] as const

/** Evidence ids: lowercase slugs such as `risk-register`. */
export const EVIDENCE_ID = /^[a-z0-9][a-z0-9-]*$/
/** An evidence `supports` entry: `framework:id`. */
export const SUPPORTS_REF = /^[a-z0-9-]+:.+$/
export const EVIDENCE_ASSESSORS = ['self', 'third-party', 'notified-body'] as const

/*
 * src/core/manifest/evidence-fast.ts checks items as this schema does, for large manifests; a
 * change here needs the same change there (test/core/manifest/evidence-fast.test.ts compares them).
 */
export const Evidence = z.strictObject({
  /** Stable id used to refer to this item from elsewhere in the manifest. */
  id: z
    .string()
    .regex(EVIDENCE_ID, 'evidence ids are lowercase slugs like risk-register')
    .describe('Stable id, a lowercase slug such as risk-register; unique among evidence items.'),
  /** File path relative to the manifest's folder; must stay inside it. */
  path: text.describe("File path relative to the manifest's folder; must stay inside it."),
  type: z.enum(EVIDENCE_TYPES).describe('Kind of document.'),
  title: text.describe('Title of the document.'),
  date: isoDate.optional(),
  /** Last day the evidence is valid (a certificate's expiry, a report's acceptance period). */
  validUntil: isoDate
    .optional()
    .describe(
      "Last day the evidence is valid, YYYY-MM-DD (a certificate's expiry; the end of the period a report is accepted for). After `date` when both are given. From the next day `accord assess` no longer counts it for any obligation.",
    ),
  /** Obligations this evidence claims to support: `eu-ai-act:art-9`, `nist-ai-rmf:measure-2.3`. */
  supports: z
    .array(z.string().regex(SUPPORTS_REF, 'expected framework:id, e.g. eu-ai-act:art-9'))
    .min(1)
    .describe(
      'Obligations this evidence claims to support, as framework:id, e.g. eu-ai-act:art-9 or nist-ai-rmf:measure-2.3.',
    ),
  /** Covers the obligation only in part. */
  partial: z.boolean().default(false).describe('Covers the obligation only in part.'),
  /** Who produced or assessed it: self, third-party, notified-body. */
  assessedBy: z
    .enum(EVIDENCE_ASSESSORS)
    .default('self')
    .describe('Who produced or assessed it: self, third-party, notified-body.'),
})

export const Manifest = z.strictObject({
  $schema: z.string().optional(),
  apiVersion: z
    .literal(MANIFEST_API_VERSION)
    .describe('Format version of this file: accord.dev/v1.'),
  system: System.describe('The AI system: name, version and intended purpose.'),
  provider: Provider.describe('Who provides the system (Art. 3(3)).'),
  /** The vendor's roles under the EU AI Act (Art. 3(3)-(8)). */
  roles: z.array(Role).min(1).describe("The vendor's roles under the EU AI Act (Art. 3(3)-(8))."),
  deployment: Deployment.describe('Who uses it, where, and on whom.'),
  classification: Classification.describe(
    'Facts for the EU AI Act classification: use cases, territory, scope exclusions.',
  ),
  models: z.array(Model).default([]).describe('AI models the system uses.'),
  datasets: z
    .array(Dataset)
    .default([])
    .describe('Training, validation and testing datasets (Art. 10).'),
  humanOversight: z
    .strictObject({
      measures: z.array(text).min(1).describe('Human-oversight measures (Art. 14).'),
      stopMechanism: text.optional(),
      /** Two competent persons verify identifications separately (Art. 14(5)). */
      twoPersonVerification: z
        .boolean()
        .optional()
        .describe('Two competent persons verify identifications separately (Art. 14(5)).'),
      overseerTraining: text.optional(),
    })
    .optional(),
  accuracy: z
    .strictObject({
      metrics: z.array(Metric).min(1).describe('Accuracy metrics and their values (Art. 15).'),
      limitations: z.array(text).optional(),
    })
    .optional(),
  robustness: z
    .strictObject({
      measures: z.array(text).min(1).describe('Robustness measures (Art. 15).'),
    })
    .optional(),
  cybersecurity: z
    .strictObject({
      measures: z.array(text).min(1).describe('Cybersecurity measures (Art. 15).'),
    })
    .optional(),
  logging: z
    .strictObject({
      events: z.array(text).min(1).describe('Events the system logs automatically (Art. 12).'),
      retentionDays: z
        .number()
        .int()
        .positive()
        .describe(
          'Days the logs are kept (Art. 19: at least six months, unless other law says otherwise).',
        ),
    })
    .optional(),
  riskManagement: z
    .strictObject({
      process: text.describe('The risk management process (Art. 9), in plain words.'),
      risks: z.array(Risk).default([]),
    })
    .optional(),
  postMarketMonitoring: z
    .strictObject({
      plan: text.describe('The post-market monitoring plan (Art. 72), in plain words.'),
      indicators: z.array(text).default([]),
    })
    .optional(),
  incidentResponse: z
    .strictObject({
      procedure: text.describe('How serious incidents are handled and reported (Art. 73).'),
      contact: z.email().optional(),
      /** Hours from awareness to the first report to the authority. */
      reportWithinHours: z
        .number()
        .positive()
        .optional()
        .describe('Hours from awareness to the first report to the authority.'),
    })
    .optional(),
  qualityManagement: z
    .strictObject({
      procedures: z
        .array(text)
        .min(1)
        .describe('Procedures of the quality management system (Art. 17).'),
      certifications: z.array(text).default([]),
    })
    .optional(),
  /** Commitments to buyers, carried into the passport (update control, remote disable, residency). */
  assurance: z
    .strictObject({
      /** Days of notice before an update changes the system's behaviour. */
      updateNoticeDays: z
        .number()
        .int()
        .nonnegative()
        .describe("Days of notice before an update changes the system's behaviour."),
      remoteDisable: z
        .strictObject({
          /** Whether anyone can disable or degrade the system remotely. */
          exists: z
            .boolean()
            .describe('Whether anyone can disable or degrade the system remotely.'),
          /** Who controls it: the vendor, the deployer, both jointly, or nobody. */
          controlledBy: z
            .enum(['vendor', 'deployer', 'joint', 'none'])
            .describe('Who controls it: the vendor, the deployer, both jointly, or nobody.'),
          description: text.optional(),
        })
        .describe('Whether and by whom the system can be disabled or degraded remotely.'),
      /** Where data are stored and processed: region codes such as EU, EEA, or ISO country codes. */
      dataResidency: z
        // accord's check (unknown_region) gives the fix; the enum tells editors.
        .array(text.meta({ enum: [...REGION_CODES] }))
        .min(1)
        .describe(
          'Where data are stored and processed: region codes such as EU, EEA, or ISO country codes.',
        ),
      auditRights: z
        .strictObject({
          granted: z.boolean().describe('The customer may audit the system.'),
          scope: text.optional(),
          noticeDays: z.number().int().nonnegative().optional(),
        })
        .describe("The customer's rights to audit the system."),
      /** Hours from awareness to notifying the customer of an incident. */
      incidentNotificationHours: z
        .number()
        .positive()
        .describe('Hours from awareness to notifying the customer of an incident.'),
      /** Security and maintenance support until this date. */
      supportUntil: isoDate.describe('Security and maintenance support until this date.'),
    })
    .optional()
    .describe(
      'Commitments to buyers, carried into the passport (update control, remote disable, residency).',
    ),
  /** Who assessed the system: the provider itself, a third-party assessor, or a notified body. */
  assessor: z
    .strictObject({
      type: z
        .enum(['self', 'third-party', 'notified-body'])
        .describe('Who assessed it: self, third-party or notified-body.'),
      name: text.optional(),
      identifier: text.optional(),
      date: isoDate.optional(),
    })
    .optional()
    .describe(
      'Who assessed the system: the provider itself, a third-party assessor, or a notified body.',
    ),
  harmonisedStandards: z.array(text).default([]),
  otherStandards: z.array(text).default([]),
  conformityAssessment: z
    .strictObject({
      procedure: z
        .enum(['annex-vi-internal-control', 'annex-vii-notified-body'])
        .describe('Conformity assessment procedure followed (Art. 43).'),
      notifiedBody: z
        .strictObject({
          name: text.describe('Name of the notified body.'),
          number: text.describe('Identification number of the notified body (Annex V point 7).'),
        })
        .optional(),
      certificate: text.optional(),
    })
    .optional(),
  declaration: z
    .strictObject({
      place: text.describe('Place of issue of the EU declaration of conformity (Annex V point 8).'),
      date: isoDate.describe('Date of issue (YYYY-MM-DD).'),
      signatory: z
        .strictObject({
          name: text.describe('Name of the person who signs.'),
          function: text.describe('Function of the person who signs.'),
        })
        .describe('Who signs the declaration (Annex V point 8).'),
    })
    .optional(),
  changes: z.array(Change).default([]).describe('Changes made over the lifecycle (Annex IV 6).'),
  predeterminedChanges: z.array(text).default([]),
  evidence: z
    .array(Evidence)
    .default([])
    .describe(
      'Documents that support obligations, referred to by id; paths relative to this file.',
    ),
  /** Owners and due dates for `accord plan`. */
  plan: PlanSection.optional().describe('Owners and due dates for `accord plan`.'),
})
export type Manifest = z.infer<typeof Manifest>
export type ManifestInput = z.input<typeof Manifest>
export type EvidenceItem = z.infer<typeof Evidence>
