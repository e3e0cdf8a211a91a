import { describe, expect, it } from 'vitest'
import type { CheckResult, PassportClaims } from '../../../src/core/passport/types.js'
import { REASON_CODES } from '../../../src/core/passport/types.js'
import {
  evaluatePolicy,
  globToRegExp,
  verdictFrom,
  type EvaluatePolicyInput,
} from '../../../src/core/policy/evaluate.js'
import { Policy } from '../../../src/core/policy/schema.js'

const DAY = 86_400
const NOW = 1_800_000_000

type Subject = PassportClaims['credentialSubject']

function claims(subject: Partial<Subject> = {}, iatDaysAgo = 10): PassportClaims {
  const iat = NOW - iatDaysAgo * DAY
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'AIRegulatoryPassport'],
    vct: 'https://accord.dev/vct/ai-regulatory-passport/v1',
    issuer: 'https://vendor.example',
    iss: 'https://vendor.example',
    iat,
    nbf: iat,
    exp: iat + 730 * DAY,
    validFrom: new Date(iat * 1000).toISOString(),
    validUntil: new Date((iat + 730 * DAY) * 1000).toISOString(),
    jti: 'urn:uuid:00000000-0000-4000-8000-000000000000',
    credentialSubject: {
      id: 'urn:accord:system:abc',
      system: { name: 'Kestrel', version: '3.2.0', intendedPurpose: 'analytics' },
      provider: { name: 'Vendor', country: 'DE' },
      manifest: { sha256: '0'.repeat(64) },
      artifacts: [],
      catalogs: [],
      classification: {
        'eu-ai-act': {
          category: 'high-risk',
          citations: ['Art. 6(2)', 'Annex III 6(d)'],
          gpai: null,
          asOf: '2026-11-21',
          lawVersion: 'original',
          derogationApplied: false,
        },
      },
      obligations: {
        'eu-ai-act': {
          met: 2,
          partial: 2,
          missing: 1,
          notApplicable: 1,
          readiness: 0.85,
          byStatus: {
            met: ['art-14', 'art-9'],
            partial: ['art-11', 'art-15'],
            missing: ['art-15.1'],
            'not-applicable': ['art-14.5'],
          },
        },
        'nist-ai-rmf': {
          met: 4,
          partial: 1,
          missing: 1,
          notApplicable: 1,
          readiness: 0.5,
          byStatus: {
            met: ['govern-1.1', 'measure-2.10', 'measure-2.3', 'measure-2.5', 'measure-2.7'],
            partial: ['govern-1.2'],
            missing: ['govern-1.3'],
            'not-applicable': ['map-1.1'],
          },
        },
      },
      evidence: {
        merkleRoot: '0'.repeat(64),
        leafEncoding: 'accord-evidence-leaf-v1',
        count: 2,
        items: [
          {
            id: 'evaluation-report',
            type: 'test-report',
            sha256: '1'.repeat(64),
            supports: ['nist-ai-rmf:measure-2.5'],
            assessedBy: 'third-party',
            leafIndex: 0,
          },
          {
            id: 'security-assessment',
            type: 'test-report',
            sha256: '2'.repeat(64),
            supports: ['nist-ai-rmf:measure-2.7', 'nist-ai-rmf:measure-2.10'],
            assessedBy: 'self',
            leafIndex: 1,
          },
        ],
      },
      assurance: {
        updateNoticeDays: 30,
        remoteDisable: { exists: true, controlledBy: 'deployer' },
        dataResidency: ['DE', 'FR'],
        auditRights: { granted: true, scope: 'on-site' },
        incidentNotificationHours: 48,
        supportUntil: '2031-06-30',
      },
      assessor: { type: 'self' },
      ...subject,
    },
  }
}

const TRUST = { issuers: [{ name: 'Vendor', jwks: 'vendor.json' }] }

function policy(rest: Record<string, unknown>): Policy {
  return Policy.parse({
    apiVersion: 'accord.dev/v1',
    kind: 'AcceptancePolicy',
    name: 'Test',
    trust: TRUST,
    ...rest,
  })
}

function run(p: Record<string, unknown>, input: Partial<EvaluatePolicyInput> = {}): CheckResult[] {
  return evaluatePolicy(policy(p), {
    claims: claims(),
    disclosed: { jurisdictions: ['eu-ai-act'], frameworks: ['eu-ai-act', 'nist-ai-rmf'] },
    endorsements: [],
    nowSeconds: NOW,
    statusChecked: true,
    ...input,
  })
}

/** The one check named `name`. */
function one(checks: CheckResult[], name: string): CheckResult {
  const found = checks.filter((c) => c.check === name)
  expect(found, `checks: ${checks.map((c) => c.check).join(', ')}`).toHaveLength(1)
  return found[0] as CheckResult
}

const without = (key: 'classification' | 'obligations', id: string) => {
  const c = claims()
  const copy = { ...c.credentialSubject[key] }
  delete copy[id]
  return claims({ [key]: copy })
}

interface Row {
  name: string
  policy: Record<string, unknown>
  input?: Partial<EvaluatePolicyInput>
  check: string
  outcome: CheckResult['outcome']
  reason: CheckResult['reason']
  message: string | RegExp
}

/** A policy that requires Art. 15(1) and recognises `accept` as it when assessed independently. */
const recognisedAsArt151 = (accept: string) => ({
  requirements: { obligationsMet: ['eu-ai-act:art-15.1'] },
  recognition: [
    {
      accept,
      as: 'eu-ai-act:art-15.1',
      when: { assessedBy: ['third-party', 'notified-body'] },
      rationale: 'r',
    },
  ],
})

const ROWS: Row[] = [
  // Jurisdictions and frameworks
  {
    name: 'jurisdiction disclosed',
    policy: { requirements: { jurisdictions: ['eu-ai-act'] } },
    check: 'policy:jurisdiction:eu-ai-act',
    outcome: 'pass',
    reason: 'ok',
    message: 'the classification under the EU AI Act is disclosed: high-risk',
  },
  {
    name: 'jurisdiction undisclosed -> indeterminate',
    policy: { requirements: { jurisdictions: ['eu-ai-act'] } },
    input: { claims: without('classification', 'eu-ai-act') },
    check: 'policy:jurisdiction:eu-ai-act',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message: /not disclosed; this policy requires it/,
  },
  {
    name: 'framework undisclosed -> indeterminate',
    policy: { requirements: { frameworks: ['nist-ai-rmf'] } },
    input: { claims: without('obligations', 'nist-ai-rmf') },
    check: 'policy:framework:nist-ai-rmf',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message: /the obligation status under the NIST AI RMF is not disclosed/,
  },
  {
    name: 'any framework: one disclosed is enough',
    policy: { requirements: { anyFramework: ['eu-ai-act', 'nist-ai-rmf'] } },
    input: { claims: without('obligations', 'eu-ai-act') },
    check: 'policy:framework:any',
    outcome: 'pass',
    reason: 'ok',
    message: 'the obligation status under the NIST AI RMF is disclosed',
  },
  {
    name: 'any framework: none disclosed -> indeterminate',
    policy: { requirements: { anyFramework: ['eu-ai-act', 'nist-ai-rmf'] } },
    input: { claims: claims({ obligations: {} }) },
    check: 'policy:framework:any',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message:
      'no obligation status under the EU AI Act or the NIST AI RMF is disclosed; this policy requires at least one',
  },
  // Categories
  {
    name: 'category accepted',
    policy: { requirements: { categories: { 'eu-ai-act': ['high-risk'] } } },
    check: 'policy:category:eu-ai-act',
    outcome: 'pass',
    reason: 'ok',
    message: 'the category under the EU AI Act is high-risk, which this policy accepts',
  },
  {
    name: 'category not accepted',
    policy: { requirements: { categories: { 'eu-ai-act': ['minimal', 'transparency'] } } },
    check: 'policy:category:eu-ai-act',
    outcome: 'fail',
    reason: 'policy-category',
    message:
      'the category under the EU AI Act is high-risk; this policy accepts only minimal or transparency',
  },
  {
    name: 'category undisclosed but jurisdiction required -> indeterminate',
    policy: {
      requirements: { jurisdictions: ['eu-ai-act'], categories: { 'eu-ai-act': ['high-risk'] } },
    },
    input: { claims: without('classification', 'eu-ai-act') },
    check: 'policy:category:eu-ai-act',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message: /not disclosed; this policy accepts only high-risk/,
  },
  {
    name: 'category undisclosed without jurisdictions -> still indeterminate, never skipped',
    policy: { requirements: { categories: { 'eu-ai-act': ['out-of-scope', 'minimal'] } } },
    input: { claims: without('classification', 'eu-ai-act') },
    check: 'policy:category:eu-ai-act',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message:
      'the category under the EU AI Act is not disclosed; this policy accepts only out-of-scope or minimal (ask the vendor to present the classification)',
  },
  // Obligations and mutual recognition
  {
    name: 'obligation met',
    policy: { requirements: { obligationsMet: ['eu-ai-act:art-9'] } },
    check: 'policy:obligation:eu-ai-act:art-9',
    outcome: 'pass',
    reason: 'ok',
    message: 'eu-ai-act:art-9 is met',
  },
  {
    name: 'obligation partial',
    policy: { requirements: { obligationsMet: ['eu-ai-act:art-11'] } },
    check: 'policy:obligation:eu-ai-act:art-11',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'eu-ai-act:art-11 is only partially met; this policy requires it met',
  },
  {
    name: 'obligation not applicable',
    policy: { requirements: { obligationsMet: ['eu-ai-act:art-14.5'] } },
    check: 'policy:obligation:eu-ai-act:art-14.5',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'eu-ai-act:art-14.5 is marked not applicable; this policy requires it met',
  },
  {
    name: 'obligation absent from a disclosed framework',
    policy: { requirements: { obligationsMet: ['eu-ai-act:art-10'] } },
    check: 'policy:obligation:eu-ai-act:art-10',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'eu-ai-act:art-10 is not assessed in the passport; this policy requires it met',
  },
  {
    name: 'obligation of an undisclosed framework -> indeterminate',
    policy: { requirements: { obligationsMet: ['eu-ai-act:art-9'] } },
    input: { claims: without('obligations', 'eu-ai-act') },
    check: 'policy:obligation:eu-ai-act:art-9',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message: /not disclosed, so eu-ai-act:art-9 cannot be checked/,
  },
  {
    name: 'recognition with a qualifying (third-party) assessor',
    policy: recognisedAsArt151('nist-ai-rmf:measure-2.5'),
    check: 'policy:obligation:eu-ai-act:art-15.1',
    outcome: 'pass',
    reason: 'ok',
    message:
      'met through mutual recognition: nist-ai-rmf:measure-2.5 (third-party) recognised as eu-ai-act:art-15.1 under rule 1',
  },
  {
    name: 'recognition refused: only self-assessed',
    policy: recognisedAsArt151('nist-ai-rmf:measure-2.7'),
    check: 'policy:obligation:eu-ai-act:art-15.1',
    outcome: 'fail',
    reason: 'policy-obligation',
    message:
      'eu-ai-act:art-15.1 is not met; this policy requires it met; nist-ai-rmf:measure-2.7 is met but was assessed only by self, and recognition rule 1 requires third-party or notified-body',
  },
  {
    name: 'recognition whose source framework is undisclosed -> indeterminate, not fail',
    policy: recognisedAsArt151('nist-ai-rmf:measure-2.5'),
    input: { claims: without('obligations', 'nist-ai-rmf') },
    check: 'policy:obligation:eu-ai-act:art-15.1',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message:
      'eu-ai-act:art-15.1 is not met, but recognition rule 1 could count nist-ai-rmf:measure-2.5 for it and the obligation status under the NIST AI RMF is not disclosed (ask the vendor to present it)',
  },
  {
    name: 'recognition near miss while evidence is withheld -> indeterminate, not fail',
    policy: recognisedAsArt151('nist-ai-rmf:measure-2.7'),
    input: {
      claims: claims({
        evidence: { ...claims().credentialSubject.evidence, count: 3 },
      }),
    },
    check: 'policy:obligation:eu-ai-act:art-15.1',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message:
      'eu-ai-act:art-15.1 is not met; nist-ai-rmf:measure-2.7 is met but was assessed only by self in what is disclosed, and recognition rule 1 requires third-party or notified-body; 1 evidence item is not disclosed (ask the vendor to present the evidence for nist-ai-rmf:measure-2.7)',
  },
  {
    name: 'recognition glob picks the qualifying source, numbered rule',
    policy: {
      requirements: { obligationsMet: ['eu-ai-act:art-15.1'] },
      recognition: [
        { accept: 'nist-ai-rmf:govern-*', as: 'eu-ai-act:art-9', rationale: 'other target' },
        {
          accept: 'nist-ai-rmf:measure-2.*',
          as: 'eu-ai-act:art-15.1',
          when: { assessedBy: ['third-party'] },
          rationale: 'r',
        },
      ],
    },
    check: 'policy:obligation:eu-ai-act:art-15.1',
    outcome: 'pass',
    reason: 'ok',
    message:
      'met through mutual recognition: nist-ai-rmf:measure-2.5 (third-party) recognised as eu-ai-act:art-15.1 under rule 2',
  },
  {
    name: 'recognition without a condition accepts a self-assessment',
    policy: {
      requirements: { obligationsMet: ['nist-ai-rmf:map-2.3'] },
      recognition: [{ accept: 'eu-ai-act:art-14', as: 'nist-ai-rmf:map-2.3', rationale: 'r' }],
    },
    check: 'policy:obligation:nist-ai-rmf:map-2.3',
    outcome: 'pass',
    reason: 'ok',
    message:
      'met through mutual recognition: eu-ai-act:art-14 (self) recognised as nist-ai-rmf:map-2.3 under rule 1',
  },
  {
    name: 'recognition from a framework met elsewhere while the target framework is undisclosed',
    policy: {
      requirements: { obligationsMet: ['nist-ai-rmf:map-2.3'] },
      recognition: [{ accept: 'eu-ai-act:art-9', as: 'nist-ai-rmf:map-2.3', rationale: 'r' }],
    },
    input: { claims: without('obligations', 'nist-ai-rmf') },
    check: 'policy:obligation:nist-ai-rmf:map-2.3',
    outcome: 'pass',
    reason: 'ok',
    message: /eu-ai-act:art-9 \(self\) recognised as nist-ai-rmf:map-2.3 under rule 1/,
  },
  {
    name: 'recognition does not count a source that is not met',
    policy: {
      requirements: { obligationsMet: ['nist-ai-rmf:map-2.3'] },
      recognition: [{ accept: 'eu-ai-act:art-15', as: 'nist-ai-rmf:map-2.3', rationale: 'r' }],
    },
    check: 'policy:obligation:nist-ai-rmf:map-2.3',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'nist-ai-rmf:map-2.3 is not assessed in the passport; this policy requires it met',
  },
  // Readiness
  {
    name: 'framework readiness enough',
    policy: { requirements: { minReadiness: { 'eu-ai-act': 0.8 } } },
    check: 'policy:readiness:eu-ai-act',
    outcome: 'pass',
    reason: 'ok',
    message: 'readiness under the EU AI Act is 85%; at least 80% required',
  },
  {
    name: 'framework readiness too low',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf': 0.6 } } },
    check: 'policy:readiness:nist-ai-rmf',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'readiness under the NIST AI RMF is 50%; this policy requires at least 60%',
  },
  {
    name: 'readiness just below the minimum shows the digits that differ',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf:govern-*': 0.6667 } } },
    input: {
      claims: claims({
        obligations: {
          'nist-ai-rmf': {
            met: 2,
            partial: 0,
            missing: 1,
            notApplicable: 0,
            readiness: 2 / 3,
            byStatus: {
              met: ['govern-1.1', 'govern-1.2'],
              partial: [],
              missing: ['govern-1.3'],
              'not-applicable': [],
            },
          },
        },
      }),
    },
    check: 'policy:readiness:nist-ai-rmf:govern-*',
    outcome: 'fail',
    reason: 'policy-obligation',
    message:
      'readiness under nist-ai-rmf:govern-* is 66.667%; this policy requires at least 66.67%',
  },
  {
    name: 'readiness of a function (glob)',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf:govern-*': 0.6 } } },
    check: 'policy:readiness:nist-ai-rmf:govern-*',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: 'readiness under nist-ai-rmf:govern-* is 50%; this policy requires at least 60%',
  },
  {
    name: 'readiness glob over not-applicable only is 100%',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf:map-*': 0.6 } } },
    check: 'policy:readiness:nist-ai-rmf:map-*',
    outcome: 'pass',
    reason: 'ok',
    message: /is 100%/,
  },
  {
    name: 'readiness glob matching nothing',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf:manage-*': 0.6 } } },
    check: 'policy:readiness:nist-ai-rmf:manage-*',
    outcome: 'fail',
    reason: 'policy-obligation',
    message: /lists no obligations matching nist-ai-rmf:manage-\*/,
  },
  {
    name: 'readiness of an undisclosed framework -> indeterminate',
    policy: { requirements: { minReadiness: { 'nist-ai-rmf': 0.6 } } },
    input: { claims: without('obligations', 'nist-ai-rmf') },
    check: 'policy:readiness:nist-ai-rmf',
    outcome: 'indeterminate',
    reason: 'disclosure-missing',
    message: /readiness cannot be checked/,
  },
  // Assessor and endorsements
  {
    name: 'assessor accepted',
    policy: { requirements: { assessor: ['self', 'third-party'] } },
    check: 'policy:assessor',
    outcome: 'pass',
    reason: 'ok',
    message: 'the system was assessed (self), which this policy accepts',
  },
  {
    name: 'self-assessment refused',
    policy: { requirements: { assessor: ['third-party', 'notified-body'] } },
    check: 'policy:assessor',
    outcome: 'fail',
    reason: 'policy-assessor',
    message:
      'the system was assessed (self); this policy accepts only third-party or notified-body assessments',
  },
  {
    name: 'endorsements: enough of the right kind',
    policy: {
      trust: { ...TRUST, assessors: [{ name: 'NB', kind: 'notified-body', jwks: 'nb.json' }] },
      requirements: { endorsements: { min: 1, from: ['notified-body', 'national-authority'] } },
    },
    input: {
      endorsements: [{ issuerName: 'NB 0123', kind: 'notified-body', valid: true, checked: [] }],
    },
    check: 'policy:endorsements',
    outcome: 'pass',
    reason: 'ok',
    message:
      '1 valid endorsement(s) from notified body or national authority (NB 0123); at least 1 required',
  },
  {
    name: 'endorsements: the same assessor twice counts once towards min',
    policy: {
      trust: {
        ...TRUST,
        assessors: [{ name: 'Lab', kind: 'third-party', jwks: 'lab.json' }],
      },
      requirements: { endorsements: { min: 2 } },
    },
    input: {
      endorsements: [
        { issuerName: 'Lab', kind: 'third-party', assessorId: 'k1', valid: true, checked: [] },
        { issuerName: 'Lab', kind: 'third-party', assessorId: 'k1', valid: true, checked: [] },
      ],
    },
    check: 'policy:endorsements',
    outcome: 'fail',
    reason: 'policy-endorsement',
    message:
      '1 valid endorsement(s) from trusted assessors (1 more by an assessor already counted); this policy requires at least 2',
  },
  {
    name: 'endorsements: invalid and wrong-kind ones do not count',
    policy: {
      trust: { ...TRUST, assessors: [{ name: 'NB', kind: 'notified-body', jwks: 'nb.json' }] },
      requirements: { endorsements: { min: 1, from: ['notified-body'] } },
    },
    input: {
      endorsements: [
        { issuerName: 'NB', kind: 'notified-body', valid: false, checked: [] },
        { issuerName: 'Lab', kind: 'third-party', valid: true, checked: [] },
      ],
    },
    check: 'policy:endorsements',
    outcome: 'fail',
    reason: 'policy-endorsement',
    message:
      '0 valid endorsement(s) from notified body (1 presented endorsement(s) did not verify); this policy requires at least 1',
  },
  // Age and status
  {
    name: 'age within limit',
    policy: { requirements: { maxAgeDays: 365 } },
    check: 'policy:max-age',
    outcome: 'pass',
    reason: 'ok',
    message: /10 days ago; at most 365 days accepted/,
  },
  {
    name: 'exactly at the limit passes',
    policy: { requirements: { maxAgeDays: 10 } },
    check: 'policy:max-age',
    outcome: 'pass',
    reason: 'ok',
    message: /10 days ago/,
  },
  {
    name: 'too old',
    policy: { requirements: { maxAgeDays: 365 } },
    input: { claims: claims({}, 400) },
    check: 'policy:max-age',
    outcome: 'fail',
    reason: 'too-old',
    message: 'issued 2025-12-11, 400 days ago; this policy accepts passports at most 365 days old',
  },
  {
    name: 'status required but not checked -> indeterminate',
    policy: { requirements: { status: 'required' } },
    input: { statusChecked: false },
    check: 'policy:status',
    outcome: 'indeterminate',
    reason: 'status-unavailable',
    message: /could not be checked/,
  },
  {
    name: 'status required and checked',
    policy: { requirements: { status: 'required' } },
    check: 'policy:status',
    outcome: 'pass',
    reason: 'ok',
    message: 'the revocation status was checked',
  },
  // Assurance
  {
    name: 'update notice too short',
    policy: { assurance: { minUpdateNoticeDays: 60 } },
    input: {
      claims: claims({
        assurance: { ...claims().credentialSubject.assurance!, updateNoticeDays: 14 },
      }),
    },
    check: 'policy:assurance:update-notice',
    outcome: 'fail',
    reason: 'policy-assurance',
    message: 'update notice is 14 days; this policy requires at least 60',
  },
  {
    name: 'update notice enough',
    policy: { assurance: { minUpdateNoticeDays: 30 } },
    check: 'policy:assurance:update-notice',
    outcome: 'pass',
    reason: 'ok',
    message: 'update notice is 30 days; this policy requires at least 30',
  },
  {
    name: 'audit rights required but not granted',
    policy: { assurance: { auditRights: 'required' } },
    input: {
      claims: claims({
        assurance: { ...claims().credentialSubject.assurance!, auditRights: { granted: false } },
      }),
    },
    check: 'policy:assurance:audit-rights',
    outcome: 'fail',
    reason: 'policy-assurance',
    message: 'the vendor grants no audit rights; this policy requires them',
  },
  {
    name: 'audit rights granted',
    policy: { assurance: { auditRights: 'required' } },
    check: 'policy:assurance:audit-rights',
    outcome: 'pass',
    reason: 'ok',
    message: 'audit rights are granted (on-site)',
  },
  {
    name: 'incident notification too slow',
    policy: { assurance: { maxIncidentNotificationHours: 24 } },
    check: 'policy:assurance:incident-notification',
    outcome: 'fail',
    reason: 'policy-assurance',
    message: 'incidents are notified within 48 hours; this policy requires at most 24',
  },
  {
    name: 'support ends too early',
    policy: { assurance: { minSupportUntil: '2032-01-01' } },
    check: 'policy:assurance:support',
    outcome: 'fail',
    reason: 'policy-assurance',
    message:
      'support lasts until 2031-06-30; this policy requires support until at least 2032-01-01',
  },
  {
    name: 'support long enough',
    policy: { assurance: { minSupportUntil: '2030-12-31' } },
    check: 'policy:assurance:support',
    outcome: 'pass',
    reason: 'ok',
    message: /until 2031-06-30/,
  },
  {
    name: 'no assurance commitments in the passport',
    policy: { assurance: { auditRights: 'required' } },
    input: { claims: claims({ assurance: undefined }) },
    check: 'policy:assurance:audit-rights',
    outcome: 'fail',
    reason: 'policy-assurance',
    message: /makes no assurance commitments/,
  },
]

describe('evaluatePolicy: one rule at a time', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_, row) => {
    const checks = run(row.policy, row.input)
    const c = one(checks, row.check)
    expect(c.outcome).toBe(row.outcome)
    expect(c.reason).toBe(row.reason)
    if (typeof row.message === 'string') expect(c.message).toBe(row.message)
    else expect(c.message).toMatch(row.message)
    expect(REASON_CODES).toContain(c.reason)
  })
})

describe('remote disable', () => {
  const rows: [
    string,
    { exists: boolean; controlledBy: 'vendor' | 'deployer' | 'joint' | 'none' },
    string[],
    boolean,
  ][] = [
    [
      'vendor kill switch, deployer or none allowed',
      { exists: true, controlledBy: 'vendor' },
      ['deployer', 'none'],
      false,
    ],
    [
      'deployer control allowed',
      { exists: true, controlledBy: 'deployer' },
      ['deployer', 'none'],
      true,
    ],
    [
      'joint control not allowed',
      { exists: true, controlledBy: 'joint' },
      ['deployer', 'none'],
      false,
    ],
    ['no remote disable at all', { exists: false, controlledBy: 'none' }, ['none'], true],
    [
      'exists: false wins over a stale controller',
      { exists: false, controlledBy: 'vendor' },
      ['none'],
      true,
    ],
    [
      'deployer control when none is the only option',
      { exists: true, controlledBy: 'deployer' },
      ['none'],
      false,
    ],
    [
      'a remote disable that exists with no controller named is not "none"',
      { exists: true, controlledBy: 'none' },
      ['none'],
      false,
    ],
    [
      'an existing remote disable with no controller named fails a deployer-only policy',
      { exists: true, controlledBy: 'none' },
      ['deployer', 'none'],
      false,
    ],
    [
      'an existing remote disable with no controller named passes when anyone may control it',
      { exists: true, controlledBy: 'none' },
      ['vendor', 'deployer', 'joint'],
      true,
    ],
  ]
  it.each(rows)('%s', (_, remoteDisable, allowed, ok) => {
    const base = claims().credentialSubject.assurance!
    const c = one(
      run(
        { assurance: { remoteDisable: { allowedControllers: allowed } } },
        { claims: claims({ assurance: { ...base, remoteDisable } }) },
      ),
      'policy:assurance:remote-disable',
    )
    expect(c.outcome).toBe(ok ? 'pass' : 'fail')
    expect(c.reason).toBe(ok ? 'ok' : 'policy-assurance')
  })

  it('explains a vendor kill switch in words', () => {
    const base = claims().credentialSubject.assurance!
    const c = one(
      run(
        { assurance: { remoteDisable: { allowedControllers: ['none'] } } },
        {
          claims: claims({
            assurance: { ...base, remoteDisable: { exists: true, controlledBy: 'vendor' } },
          }),
        },
      ),
      'policy:assurance:remote-disable',
    )
    expect(c.message).toBe(
      'the vendor can disable the system remotely; this policy allows no remote disable at all',
    )
  })
})

describe('data residency with region groups', () => {
  const rows: [string[], string[], boolean][] = [
    [['DE', 'FR'], ['EU'], true],
    [['EU'], ['EU'], true],
    [['EU'], ['EEA'], true],
    [['NO'], ['EU'], false],
    [['NO', 'DE'], ['EEA'], true],
    [['EEA'], ['EU'], false],
    [['EL'], ['EU'], true],
    [['de'], ['EU'], true],
    [['US'], ['EU', 'EEA'], false],
    [['US', 'CA'], ['US'], false],
    [['US'], ['US'], true],
    [['GB'], ['EEA'], false],
  ]
  it.each(rows)('%j within %j -> %s', (regions, within, ok) => {
    const base = claims().credentialSubject.assurance!
    const c = one(
      run(
        { assurance: { dataResidency: { within } } },
        { claims: claims({ assurance: { ...base, dataResidency: regions } }) },
      ),
      'policy:assurance:data-residency',
    )
    expect(c.outcome).toBe(ok ? 'pass' : 'fail')
  })

  it('names the regions outside', () => {
    const base = claims().credentialSubject.assurance!
    const c = one(
      run(
        { assurance: { dataResidency: { within: ['EU', 'EEA'] } } },
        { claims: claims({ assurance: { ...base, dataResidency: ['DE', 'US', 'IN'] } }) },
      ),
      'policy:assurance:data-residency',
    )
    expect(c.message).toBe(
      'data may be stored or processed in US and IN, outside EU or EEA required by this policy',
    )
  })
})

describe('a prohibited system', () => {
  it('is rejected even by a policy that lists no categories', () => {
    const c = claims()
    const prohibited = {
      ...c.credentialSubject.classification,
      'eu-ai-act': {
        ...c.credentialSubject.classification['eu-ai-act']!,
        category: 'prohibited',
        citations: ['Art. 5(1)(h)'],
      },
    }
    const checks = run({}, { claims: claims({ classification: prohibited }) })
    const check = one(checks, 'policy:category:eu-ai-act')
    expect(check).toMatchObject({ outcome: 'fail', reason: 'policy-category' })
    expect(check.message).toContain('prohibited practice under the EU AI Act (Art. 5(1)(h))')
    expect(verdictFrom(checks)).toBe('rejected')
  })
})

describe('the whole policy', () => {
  const full = {
    trust: { ...TRUST, assessors: [{ name: 'NB', kind: 'notified-body', jwks: 'nb.json' }] },
    requirements: {
      jurisdictions: ['eu-ai-act'],
      frameworks: ['eu-ai-act'],
      anyFramework: ['eu-ai-act', 'nist-ai-rmf'],
      categories: { 'eu-ai-act': ['high-risk'] },
      obligationsMet: ['eu-ai-act:art-9', 'eu-ai-act:art-14'],
      minReadiness: { 'eu-ai-act': 0.8 },
      assessor: ['self'],
      endorsements: { min: 1 },
      maxAgeDays: 365,
      status: 'required',
    },
    assurance: {
      minUpdateNoticeDays: 30,
      remoteDisable: { allowedControllers: ['deployer', 'none'] },
      dataResidency: { within: ['EU'] },
      auditRights: 'required',
      maxIncidentNotificationHours: 72,
      minSupportUntil: '2030-12-31',
    },
  }
  const endorsed = {
    endorsements: [{ issuerName: 'NB', kind: 'notified-body', valid: true, checked: [] }],
  }

  it('runs every rule, in a fixed order, and accepts a passport that meets them', () => {
    const checks = run(full, endorsed)
    expect(checks.map((c) => c.check)).toEqual([
      'policy:jurisdiction:eu-ai-act',
      'policy:framework:eu-ai-act',
      'policy:framework:any',
      'policy:category:eu-ai-act',
      'policy:obligation:eu-ai-act:art-9',
      'policy:obligation:eu-ai-act:art-14',
      'policy:readiness:eu-ai-act',
      'policy:assessor',
      'policy:endorsements',
      'policy:max-age',
      'policy:status',
      'policy:assurance:update-notice',
      'policy:assurance:remote-disable',
      'policy:assurance:data-residency',
      'policy:assurance:audit-rights',
      'policy:assurance:incident-notification',
      'policy:assurance:support',
    ])
    expect(checks.every((c) => c.outcome === 'pass' && c.reason === 'ok')).toBe(true)
    expect(verdictFrom(checks)).toBe('accepted')
  })

  it('is indeterminate when the holder withholds the EU classification and obligations', () => {
    const c = claims({ classification: {}, obligations: {} })
    const checks = run(full, { ...endorsed, claims: c })
    expect(checks.filter((x) => x.outcome === 'fail')).toEqual([])
    expect(checks.filter((x) => x.outcome === 'indeterminate').map((x) => x.check)).toEqual([
      'policy:jurisdiction:eu-ai-act',
      'policy:framework:eu-ai-act',
      'policy:framework:any',
      'policy:category:eu-ai-act',
      'policy:obligation:eu-ai-act:art-9',
      'policy:obligation:eu-ai-act:art-14',
      'policy:readiness:eu-ai-act',
    ])
    expect(verdictFrom(checks)).toBe('indeterminate')
  })

  it('is pure: the same input gives the same output and the input is not changed', () => {
    const input: EvaluatePolicyInput = {
      claims: claims(),
      disclosed: { jurisdictions: ['eu-ai-act'], frameworks: ['eu-ai-act'] },
      endorsements: endorsed.endorsements,
      nowSeconds: NOW,
      statusChecked: true,
    }
    const snapshot = structuredClone(input)
    const p = policy(full)
    expect(evaluatePolicy(p, input)).toEqual(evaluatePolicy(p, input))
    expect(input).toEqual(snapshot)
  })

  it('returns no checks for a policy with no requirements', () => {
    expect(run({})).toEqual([])
  })
})

describe('verdictFrom', () => {
  const c = (outcome: CheckResult['outcome']): CheckResult => ({
    check: 'x',
    outcome,
    reason: 'ok',
    message: '',
  })
  it.each([
    [[], 'accepted'],
    [['pass', 'skipped'], 'accepted'],
    [['pass', 'indeterminate'], 'indeterminate'],
    [['indeterminate', 'fail', 'pass'], 'rejected'],
    [['fail'], 'rejected'],
    [['skipped'], 'accepted'],
  ] as const)('%j -> %s', (outcomes, verdict) => {
    expect(verdictFrom(outcomes.map(c))).toBe(verdict)
  })
})

describe('globToRegExp', () => {
  it.each([
    ['measure-2.*', 'measure-2.13', true],
    ['measure-2.*', 'measure-2', false],
    ['measure-2.*', 'measure-21.1', false],
    ['art-15*', 'art-15.1', true],
    ['art-15*', 'art-150', true],
    ['govern-*', 'govern-1.1', true],
    ['art-9', 'art-9.1', false],
    ['art-9.2', 'art-9x2', false],
  ])('%s on %s -> %s', (glob, id, ok) => {
    expect(globToRegExp(glob).test(id)).toBe(ok)
  })
})
