/**
 * diffPassports (src/core/passport/diff.ts): each kind of change between two passports with the
 * effect a buyer would give it, and what cannot be compared because only one passport discloses it.
 */
import { describe, expect, it } from 'vitest'
import {
  diffableClaims,
  diffPassports,
  type PassportChange,
} from '../../../src/core/passport/diff.js'
import type { PassportClaims } from '../../../src/core/passport/types.js'

function base(): PassportClaims {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'AIRegulatoryPassport'],
    vct: 'https://accord.dev/vct/ai-regulatory-passport/v1',
    issuer: 'urn:accord:issuer:k1',
    iss: 'urn:accord:issuer:k1',
    iat: 1_790_000_000,
    nbf: 1_790_000_000,
    exp: 1_820_000_000,
    validFrom: '2026-09-21T14:13:20Z',
    validUntil: '2027-09-02T09:46:40Z',
    jti: 'urn:uuid:1',
    credentialSubject: {
      id: 'urn:accord:system:abc',
      system: { name: 'Sentinel', version: '1.0.0', intendedPurpose: 'Match faces at borders.' },
      provider: { name: 'Acme', country: 'EE' },
      manifest: { sha256: 'm1' },
      artifacts: [
        { path: 'models/a.bin', sha256: 'a1', size: 1 },
        { path: 'models/b.bin', sha256: 'b1', size: 1 },
      ],
      catalogs: [{ urn: 'urn:c', version: 3, sha256: 'c' }],
      classification: {
        'eu-ai-act': {
          category: 'high-risk',
          citations: ['Art. 6(2)', 'Annex III 1(a)'],
          gpai: null,
          asOf: '2026-09-21',
          lawVersion: 'amended-2026-1744',
          derogationApplied: false,
        },
      },
      obligations: {
        'eu-ai-act': {
          met: 2,
          partial: 1,
          missing: 1,
          notApplicable: 1,
          readiness: 0.5,
          byStatus: {
            met: ['art-9', 'art-10'],
            partial: ['art-12'],
            missing: ['art-15'],
            'not-applicable': ['art-27'],
          },
        },
        'nist-ai-rmf': {
          met: 1,
          partial: 0,
          missing: 0,
          notApplicable: 0,
          readiness: 1,
          byStatus: { met: ['govern-1.1'], partial: [], missing: [], 'not-applicable': [] },
        },
      },
      evidence: {
        merkleRoot: 'r1',
        leafEncoding: 'accord-evidence-leaf-v1',
        count: 2,
        items: [
          {
            id: 'risk',
            type: 'risk-assessment',
            sha256: 'e1',
            supports: ['eu-ai-act:art-9'],
            assessedBy: 'third-party',
            leafIndex: 0,
          },
          {
            id: 'tests',
            type: 'test-log',
            sha256: 'e2',
            supports: ['eu-ai-act:art-15'],
            assessedBy: 'self',
            leafIndex: 1,
          },
        ],
      },
      assurance: {
        updateNoticeDays: 30,
        remoteDisable: { exists: false, controlledBy: 'none' },
        dataResidency: ['EU'],
        auditRights: { granted: true, scope: 'records', noticeDays: 20 },
        incidentNotificationHours: 24,
        supportUntil: '2030-12-31',
      },
      assessor: { type: 'notified-body', name: 'NB', identifier: 'NB 1' },
    },
  }
}

/** The changes from `base()` to `base()` edited by `edit`, as `[path, effect]`. */
function changes(edit: (c: PassportClaims) => void, from = base()): [string, string][] {
  const next = base()
  edit(next)
  return diffPassports(from, next).changes.map((c: PassportChange) => [c.path, c.effect])
}

const subject = (c: PassportClaims) => c.credentialSubject

describe('diffPassports', () => {
  it('finds nothing between a passport and itself', () => {
    const d = diffPassports(base(), base())
    expect(d.changes).toEqual([])
    expect(d.counts).toEqual({ worse: 0, better: 0, review: 0, neutral: 0 })
    expect(d).toMatchObject({ sameSystem: true, sameIssuer: true, notComparable: [] })
  })

  it('judges assurance commitments from the buyer side, each way', () => {
    const weaker = (c: PassportClaims) => {
      const a = subject(c).assurance!
      a.updateNoticeDays = 7
      a.remoteDisable = { exists: true, controlledBy: 'vendor' }
      a.dataResidency = ['EU', 'US']
      a.auditRights = { granted: false, scope: 'records', noticeDays: 30 }
      a.incidentNotificationHours = 72
      a.supportUntil = '2028-01-01'
    }
    expect(changes(weaker)).toEqual([
      ['assurance.auditRights.granted', 'worse'],
      ['assurance.auditRights.noticeDays', 'worse'],
      ['assurance.dataResidency', 'worse'],
      ['assurance.incidentNotificationHours', 'worse'],
      ['assurance.remoteDisable.controlledBy', 'worse'],
      ['assurance.remoteDisable.exists', 'worse'],
      ['assurance.supportUntil', 'worse'],
      ['assurance.updateNoticeDays', 'worse'],
    ])
    // The same change read backwards is better on every count.
    const weak = base()
    weaker(weak)
    expect(changes(() => undefined, weak).every(([, e]) => e === 'better')).toBe(true)
  })

  it('says which regions data may now be kept in, and asks for review when some go and others come', () => {
    const next = base()
    subject(next).assurance!.dataResidency = ['DE', 'US']
    const [c] = diffPassports(base(), next).changes
    expect(c).toMatchObject({ path: 'assurance.dataResidency', effect: 'review' })
    expect(c?.message).toBe('data may now be kept in US; no longer in EU')
  })

  it('compares data residency by the countries regions stand for', () => {
    const residency = (from: string[], to: string[]) => {
      const b = base()
      subject(b).assurance!.dataResidency = from
      const a = base()
      subject(a).assurance!.dataResidency = to
      return diffPassports(b, a).changes.map((c) => [c.effect, c.message])
    }
    expect(residency(['EU'], ['DE', 'FR'])).toEqual([['better', 'no longer in EU']])
    expect(residency(['DE'], ['EU'])).toEqual([['worse', 'data may now be kept in EU']])
    expect(residency(['EEA'], ['EU', 'NO', 'IS', 'LI'])).toEqual([
      ['neutral', 'the same countries, written differently'],
    ])
    expect(residency(['DE'], ['FR'])[0]?.[0]).toBe('review')
  })

  it('treats withdrawn assurance commitments as worse', () => {
    expect(changes((c) => delete subject(c).assurance)).toEqual([['assurance', 'worse']])
  })

  it('compares obligations one by one: worse, better, applicability and new gaps', () => {
    const found = changes((c) => {
      const eu = subject(c).obligations['eu-ai-act']!
      eu.byStatus = {
        met: ['art-15', 'art-10', 'art-27'],
        partial: ['art-9'],
        missing: ['art-12', 'art-73'],
        'not-applicable': [],
      }
      eu.readiness = 0.6
    })
    expect(found).toEqual([
      ['obligations.eu-ai-act.art-12', 'worse'], // partial → missing
      ['obligations.eu-ai-act.art-73', 'worse'], // a new gap
      ['obligations.eu-ai-act.art-9', 'worse'], // met → partial
      ['obligations.eu-ai-act.art-15', 'better'], // missing → met
      ['obligations.eu-ai-act.art-27', 'review'], // now applicable
      ['obligations.eu-ai-act.readiness', 'neutral'],
    ])
  })

  it('flags a changed model file under the same version for review, not under a new one', () => {
    const swap = (c: PassportClaims) => (subject(c).artifacts[0]!.sha256 = 'a2')
    expect(changes(swap)).toEqual([['artifacts.models/a.bin', 'review']])
    expect(
      changes((c) => {
        swap(c)
        subject(c).system.version = '1.1.0'
      }),
    ).toEqual([
      ['artifacts.models/a.bin', 'neutral'],
      ['system.version', 'neutral'],
    ])
    expect(
      changes((c) => (subject(c).artifacts = [{ path: 'models/c.bin', sha256: 'c1', size: 1 }])),
    ).toEqual([
      ['artifacts.models/a.bin', 'review'],
      ['artifacts.models/b.bin', 'review'],
      ['artifacts.models/c.bin', 'review'],
    ])
  })

  it('reviews classification changes, and a prohibited category is worse', () => {
    expect(
      changes((c) => {
        const eu = subject(c).classification['eu-ai-act']!
        eu.category = 'transparency'
        eu.citations = ['Art. 50(1)']
        eu.derogationApplied = true
      }),
    ).toEqual([
      ['classification.eu-ai-act.category', 'review'],
      ['classification.eu-ai-act.citations', 'review'],
      ['classification.eu-ai-act.derogationApplied', 'review'],
    ])
    expect(
      changes((c) => (subject(c).classification['eu-ai-act']!.category = 'prohibited'))[0],
    ).toEqual(['classification.eu-ai-act.category', 'worse'])
  })

  it('weighs who assessed the system and its evidence', () => {
    expect(changes((c) => (subject(c).assessor = { type: 'self' }))).toEqual([
      ['assessor.type', 'worse'],
    ])
    expect(changes((c) => (subject(c).evidence.items[1]!.assessedBy = 'notified-body'))).toEqual([
      ['evidence.items.tests.assessedBy', 'better'],
    ])
    // An evidence item's validity: ending sooner is worse, later (or no end) better.
    expect(changes((c) => (subject(c).evidence.items[1]!.validUntil = '2027-01-31'))).toEqual([
      ['evidence.items.tests.validUntil', 'worse'],
    ])
    const old = base()
    subject(old).evidence.items[1]!.validUntil = '2027-01-31'
    expect(changes((c) => (subject(c).evidence.items[1]!.validUntil = '2029-01-31'), old)).toEqual([
      ['evidence.items.tests.validUntil', 'better'],
    ])
    expect(changes(() => {}, old)).toEqual([['evidence.items.tests.validUntil', 'better']])
    expect(changes((c) => (subject(c).assessor.name = 'Other NB'))).toEqual([
      ['assessor', 'review'],
    ])
    // A new assessment by the same assessor is not another assessor.
    expect(changes((c) => (subject(c).assessor.date = '2027-01-01'))).toEqual([])
  })

  it('lists what only one passport discloses as not comparable, not as removed', () => {
    const next = base()
    delete subject(next).obligations['nist-ai-rmf']
    delete subject(next).classification['eu-ai-act']
    subject(next).evidence.items = subject(next).evidence.items.slice(1)
    const d = diffPassports(base(), next)
    expect(d.changes).toEqual([])
    expect(d.notComparable).toEqual([
      { path: 'classification.eu-ai-act', disclosedIn: 'old' },
      { path: 'evidence.items.risk', disclosedIn: 'old' },
      { path: 'obligations.nist-ai-rmf', disclosedIn: 'old' },
    ])
  })

  it('says when the passports are about different systems or from different issuers', () => {
    const next = base()
    subject(next).id = 'urn:accord:system:other'
    next.iss = 'urn:accord:issuer:k2'
    const d = diffPassports(base(), next)
    expect(d).toMatchObject({ sameSystem: false, sameIssuer: false })
    expect(d.changes.map((c) => [c.path, c.effect])).toEqual([['id', 'review']])
  })

  it('puts worse changes first, then better, review and neutral', () => {
    const found = changes((c) => {
      subject(c).system.version = '2.0.0'
      subject(c).system.intendedPurpose = 'Match faces anywhere.'
      subject(c).assurance!.updateNoticeDays = 60
      subject(c).assurance!.incidentNotificationHours = 48
    })
    expect(found.map(([, e]) => e)).toEqual(['worse', 'better', 'review', 'neutral'])
  })
})

describe('diffableClaims', () => {
  it('accepts a passport and names the first member that is missing or of another type', () => {
    expect(diffableClaims(base()).ok).toBe(true)
    const broken = base() as unknown as {
      credentialSubject: { assurance: Record<string, unknown> }
    }
    broken.credentialSubject.assurance.updateNoticeDays = '30'
    expect(diffableClaims(broken)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^credentialSubject\.assurance\.updateNoticeDays: .*number/),
    })
    expect(diffableClaims({ vct: 'x' })).toMatchObject({ ok: false })
  })
})
