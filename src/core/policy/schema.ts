/**
 * Acceptance policy (policy.v1): what a relying party (a buyer, e.g. a procurement office) requires
 * of an AI regulatory passport before accepting the system it describes.
 *
 * The YAML is written by procurement officers, so fields read as requirements ("minReadiness",
 * "maxAgeDays") and every object is strict: a misspelt key is an error with a "did you mean"
 * hint, never silently ignored. Cross-field checks the schema cannot express live in ./parse.ts;
 * checks against catalogs and key files live in the loader (src/node/policy-loader.ts).
 *
 * schema/policy.v1.schema.json is generated from this file (./json-schema.ts).
 */
import { z } from 'zod'
import { isoDate } from '../catalog/schema.js'
import { REGION_CODES } from './regions.js'

export const POLICY_API_VERSION = 'accord.dev/v1'
export const POLICY_KIND = 'AcceptancePolicy'

/** Text that must not be empty once trimmed; the pattern tells JSON Schema validators so. */
const text = z.string().trim().min(1).meta({ pattern: '\\S' })

/** Jurisdictions whose classification a passport carries (`credentialSubject.classification`). */
export const JURISDICTIONS = ['eu-ai-act'] as const
export const Jurisdiction = z.enum(JURISDICTIONS)
export type Jurisdiction = z.infer<typeof Jurisdiction>

/** Frameworks whose obligation status a passport carries (`credentialSubject.obligations`). */
export const FRAMEWORKS = ['eu-ai-act', 'nist-ai-rmf'] as const
export const Framework = z.enum(FRAMEWORKS)
export type Framework = z.infer<typeof Framework>

/**
 * EU AI Act risk categories as the classifier names them. `prohibited` is listed so that the
 * parser can explain why it may not be accepted (Art. 5), instead of calling it unknown.
 */
export const EU_CATEGORIES = [
  'prohibited',
  'high-risk',
  'transparency',
  'minimal',
  'out-of-scope',
] as const
export const EuCategory = z.enum(EU_CATEGORIES)
export type EuCategory = z.infer<typeof EuCategory>

/** Who assessed the system (passport `assessor.type`, evidence `assessedBy`). */
export const ASSESSMENT_TYPES = ['self', 'third-party', 'notified-body'] as const
export const AssessmentType = z.enum(ASSESSMENT_TYPES)
export type AssessmentType = z.infer<typeof AssessmentType>

/** Kinds of third parties whose endorsements a buyer may recognise. */
export const ASSESSOR_KINDS = ['notified-body', 'third-party', 'national-authority'] as const
export const AssessorKind = z.enum(ASSESSOR_KINDS)
export type AssessorKind = z.infer<typeof AssessorKind>

/** Who can disable the system remotely (passport `assurance.remoteDisable.controlledBy`). */
export const CONTROLLERS = ['vendor', 'deployer', 'joint', 'none'] as const
export const Controller = z.enum(CONTROLLERS)
export type Controller = z.infer<typeof Controller>

const FRAMEWORK_ALT = FRAMEWORKS.join('|')

/** `<framework>:<id>`: a catalog node id, as in `eu-ai-act:art-15.1` or `nist-ai-rmf:measure-2.3`. */
export const OBLIGATION_REF = new RegExp(`^(${FRAMEWORK_ALT}):[a-z0-9][a-z0-9.-]*$`)
export const ObligationRef = z
  .string()
  .regex(
    OBLIGATION_REF,
    `expected <framework>:<id> with framework ${FRAMEWORKS.join(' or ')}, e.g. eu-ai-act:art-9`,
  )

/**
 * `<framework>:<pattern>` where `*` stands for any run of characters (dots included):
 * `nist-ai-rmf:measure-2.*` matches `measure-2.1` ... `measure-2.13`.
 */
export const OBLIGATION_GLOB = new RegExp(`^(${FRAMEWORK_ALT}):[a-z0-9*][a-z0-9.*-]*$`)
export const ObligationGlob = z
  .string()
  .regex(
    OBLIGATION_GLOB,
    'expected <framework>:<pattern> using lowercase ids and * as the only wildcard, e.g. nist-ai-rmf:measure-2.*',
  )

/** A region: an ISO 3166-1 alpha-2 country code, or a group (`EU`, `EEA`). See ./regions.ts. */
export const Region = z
  .string()
  .regex(/^[A-Z]{2,3}$/, 'expected a region code in capitals: EU, EEA, or a country code like DE')

/** A key in `minReadiness`: a framework, or `<framework>:<pattern>` for part of it. */
export const ReadinessKey = z
  .string()
  .regex(
    new RegExp(`^(${FRAMEWORK_ALT})(:[a-z0-9*][a-z0-9.*-]*)?$`),
    'expected a framework (eu-ai-act, nist-ai-rmf) or <framework>:<pattern>, e.g. nist-ai-rmf:govern-*',
  )

/** Where a trusted party's public keys come from: a key file, or a JWK written inline. */
const keySource = {
  /** Path of a JWK or JWK Set file, relative to the policy file. */
  jwks: text
    .optional()
    .describe('Path of a public JWK or JWK Set file, relative to the policy file.'),
  /** A public JWK written inline (no private members). */
  jwk: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('A public JWK written inline (no private members).'),
}

/**
 * Exactly one of `jwks` and `jwk`. ./parse.ts checks it (key_source) with a message; this tells
 * JSON Schema validators the same.
 */
const ONE_KEY_SOURCE = { oneOf: [{ required: ['jwks'] }, { required: ['jwk'] }] }

export const TrustedIssuer = z
  .strictObject({
    /** Who this is, for messages: the vendor's name. */
    name: text.describe("Who this is, for messages: the vendor's name."),
    ...keySource,
  })
  .meta(ONE_KEY_SOURCE)
export type TrustedIssuer = z.infer<typeof TrustedIssuer>

export const TrustedAssessor = z
  .strictObject({
    name: text.describe('Who this is, for messages.'),
    /** What kind of body it is; `endorsements.from` selects on it. */
    kind: AssessorKind.describe(
      'What kind of body it is; requirements.endorsements.from selects on it.',
    ),
    ...keySource,
  })
  .meta(ONE_KEY_SOURCE)
export type TrustedAssessor = z.infer<typeof TrustedAssessor>

export const Trust = z
  .strictObject({
    /** Vendors whose passport signatures are accepted. */
    issuers: z
      .array(TrustedIssuer)
      // An empty list is trust_empty in ./parse.ts; JSON Schema says it with minItems (below: required).
      .meta({ minItems: 1 })
      .default([])
      .describe('Vendors whose passport signatures are accepted.'),
    /** Third parties whose endorsements are recognised. */
    assessors: z
      .array(TrustedAssessor)
      .default([])
      .describe('Third parties whose endorsements are recognised.'),
  })
  .meta({ required: ['issuers'] })
export type Trust = z.infer<typeof Trust>

export const Requirements = z.strictObject({
  /** The passport must disclose its classification under each of these. */
  jurisdictions: z
    .array(Jurisdiction)
    .default([])
    .describe('The passport must disclose its classification under each of these.'),
  /** The passport must disclose its obligation status under each of these. */
  frameworks: z
    .array(Framework)
    .default([])
    .describe('The passport must disclose its obligation status under each of these.'),
  /** The passport must disclose its obligation status under at least one of these. */
  anyFramework: z
    .array(Framework)
    .default([])
    .describe('The passport must disclose its obligation status under at least one of these.'),
  /** Accepted categories per jurisdiction; a prohibited system is never accepted. */
  categories: z
    .strictObject({
      'eu-ai-act': z
        .array(EuCategory)
        .min(1)
        // prohibited_category in ./parse.ts explains why; JSON Schema refuses it too.
        .meta({ not: { contains: { const: 'prohibited' } } })
        .optional()
        .describe('EU AI Act categories accepted: high-risk, transparency, minimal, out-of-scope.'),
    })
    .optional()
    .describe('Accepted categories per jurisdiction; a prohibited system is never accepted.'),
  /** Obligations that must be met, directly or through a recognition rule. */
  obligationsMet: z
    .array(ObligationRef)
    .default([])
    .describe('Obligations that must be met, directly or through a recognition rule.'),
  /** Lowest accepted readiness (0..1) per framework or `<framework>:<pattern>`. */
  minReadiness: z
    .record(ReadinessKey, z.number().min(0).max(1))
    .optional()
    .describe('Lowest accepted readiness (0..1) per framework or <framework>:<pattern>.'),
  /** Acceptable assessment types of the passport (`assessor.type`). */
  assessor: z
    .array(AssessmentType)
    .min(1)
    .optional()
    .describe('Acceptable assessment types of the passport (assessor.type).'),
  /** Valid endorsements required from trusted assessors. */
  endorsements: z
    .strictObject({
      min: z.number().int().positive().describe('How many valid endorsements are required.'),
      from: z
        .array(AssessorKind)
        .min(1)
        .optional()
        .describe('Only endorsements by these kinds of assessor count (default: any).'),
    })
    .optional()
    .describe('Valid endorsements required from trusted assessors.'),
  /** Oldest accepted passport, in days since it was issued. */
  maxAgeDays: z
    .number()
    .int('maxAgeDays must be a positive whole number')
    .positive('maxAgeDays must be a positive whole number')
    .optional()
    .describe('Oldest accepted passport, in days since it was issued.'),
  /** `required`: the revocation status must be checked; if it cannot be, the verdict is indeterminate. */
  status: z
    .enum(['required', 'optional'])
    .default('optional')
    .describe(
      'required: the revocation status must be checked; if it cannot be, the verdict is indeterminate.',
    ),
  /**
   * Serious-incident reports (EU AI Act Art. 73) the buyer was given or fetched: reports signed by
   * the passport's issuer count, others only when this policy trusts their key.
   */
  incidents: z
    .strictObject({
      maxOpenSerious: z
        .number()
        .int('maxOpenSerious must be a whole number')
        .nonnegative('maxOpenSerious must be 0 or more')
        .default(0)
        .describe(
          'Most open serious incidents (Art. 3(49)) accepted among the counted reports; more fail the verdict. Default 0.',
        ),
      check: z
        .enum(['required', 'optional'])
        .default('optional')
        .describe(
          'required: incident reports must be looked at (accord verify --incident or --incidents, or the registry holding the passport); if none were, the verdict is indeterminate.',
        ),
      lateNotification: z
        .enum(['refuse', 'warn', 'ignore'])
        .default('warn')
        .describe(
          'A counted serious incident whose market surveillance authority was notified after the Art. 73 deadline (or not yet, past it): refuse fails the verdict, warn passes with a warning, ignore does not check. Default warn.',
        ),
    })
    .optional()
    .describe(
      "Serious-incident reports (EU AI Act Art. 73): those signed by the passport's issuer count, others only when signed by a key this policy trusts (trust.issuers or trust.assessors).",
    ),
})
export type Requirements = z.infer<typeof Requirements>

export const RecognitionRule = z.strictObject({
  /** Obligations of another framework whose `met` status is recognised (glob over ids). */
  accept: ObligationGlob.describe(
    'Obligations of another framework whose met status is recognised (glob over ids).',
  ),
  /** The obligation they count as. */
  as: ObligationRef.describe('The obligation they count as.'),
  when: z
    .strictObject({
      /** Only when assessed by one of these (passport assessor or the evidence's assessedBy). */
      assessedBy: z
        .array(AssessmentType)
        .min(1)
        .describe(
          "Only when assessed by one of these (the passport's assessor or the evidence's assessedBy).",
        ),
    })
    .optional()
    .describe('Conditions under which the rule applies (default: always).'),
  /** Why the buyer accepts this evidence: shown in results. */
  rationale: text.describe('Why the buyer accepts this evidence.'),
})
export type RecognitionRule = z.infer<typeof RecognitionRule>

export const AssuranceRequirements = z.strictObject({
  minUpdateNoticeDays: z
    .number()
    .int('minUpdateNoticeDays must be a whole number of days')
    .nonnegative()
    .optional()
    .describe('Least days of notice before an update changes behaviour.'),
  remoteDisable: z
    .strictObject({
      /** Who may control a remote disable; `none` means no remote disable may exist. */
      allowedControllers: z
        .array(Controller)
        .min(1)
        .describe('Who may control a remote disable; none means no remote disable may exist.'),
    })
    .optional()
    .describe('Who may be able to disable the system remotely.'),
  dataResidency: z
    .strictObject({
      /** Every region the passport lists must lie within these. */
      within: z
        // Only known codes: unknown_region in ./parse.ts, an enum here (editors complete it).
        .array(Region.meta({ enum: [...REGION_CODES] }))
        .min(1)
        .describe(
          'Every region the passport lists must lie within these (EU, EEA, country codes).',
        ),
    })
    .optional()
    .describe('Where data may be stored and processed.'),
  auditRights: z
    .enum(['required', 'optional'])
    .optional()
    .describe('required: the vendor must grant audit rights.'),
  maxIncidentNotificationHours: z
    .number()
    .positive()
    .optional()
    .describe('Most hours from awareness of an incident to notifying the customer.'),
  minSupportUntil: isoDate
    .optional()
    .describe('Security and maintenance support must last at least until this date.'),
})
export type AssuranceRequirements = z.infer<typeof AssuranceRequirements>

export const Policy = z.strictObject({
  /** Where editors find this schema; JSON files have no yaml-language-server comment. */
  $schema: z
    .string()
    .optional()
    .describe('Path or URL of schema/policy.v1.schema.json, for editors; ignored by accord.'),
  apiVersion: z.literal(POLICY_API_VERSION).describe('Format version of this file: accord.dev/v1.'),
  kind: z.literal(POLICY_KIND).describe('Always AcceptancePolicy.'),
  name: text.describe('Name of the policy, shown in results.'),
  description: text.optional().describe('What the policy is for, in plain words.'),
  trust: Trust.describe('Whose signatures are trusted.'),
  requirements: Requirements.prefault({}).describe('What the passport must show.'),
  recognition: z
    .array(RecognitionRule)
    .default([])
    .describe('Mutual recognition of evidence under another framework.'),
  assurance: AssuranceRequirements.optional().describe("The vendor's commitments required."),
})
export type Policy = z.infer<typeof Policy>
