import { beforeAll, describe, expect, it } from 'vitest'
import {
  buildPassportClaims,
  isoDateTime,
  subjectIdInput,
  type BuildPassportClaimsInput,
} from '../../../src/core/passport/claims.js'
import {
  ACCORD_CONTEXT,
  PASSPORT_TYPE,
  PASSPORT_VCT,
  VC_CONTEXT_V2,
} from '../../../src/core/passport/types.js'
import { exampleInput, ISSUED_AT, ISSUER, JTI } from '../../fixtures/passport/inputs.js'
import { BORDER_LEGACY_HIGH_RISK } from '../../fixtures/legacy.js'

let input: BuildPassportClaimsInput

beforeAll(async () => {
  input = await exampleInput('police-analytics')
})

describe('buildPassportClaims', () => {
  it('sets the VC 2.0 and SD-JWT VC envelope', () => {
    const c = buildPassportClaims(input)
    expect(c['@context']).toEqual([VC_CONTEXT_V2, ACCORD_CONTEXT])
    expect(c.type).toEqual(['VerifiableCredential', PASSPORT_TYPE])
    expect(c.vct).toBe(PASSPORT_VCT)
    expect(c.iss).toBe(ISSUER)
    expect(c.issuer).toBe(ISSUER)
    expect(c.jti).toBe(JTI)
    expect(c.iat).toBe(ISSUED_AT)
    expect(c.nbf).toBe(ISSUED_AT)
    expect(c.exp).toBe(ISSUED_AT + 365 * 86_400)
    expect(c.validFrom).toBe('2026-11-20T00:00:00Z')
    expect(c.validUntil).toBe('2027-11-20T00:00:00Z')
    expect(Date.parse(c.validUntil) / 1000).toBe(c.exp)
    expect(c.status).toBeUndefined()
    expect(c.credentialStatus).toBeUndefined()
    expect(c.cnf).toBeUndefined()
  })

  it('describes the system, provider, manifest, catalogs and artifacts', () => {
    const s = buildPassportClaims(input).credentialSubject
    expect(s.id).toBe(`urn:accord:system:${input.subjectId}`)
    expect(s.system).toMatchObject({ name: 'Kestrel Lattice', version: '3.2.0' })
    expect(s.provider).toEqual({
      name: input.manifest.provider.name,
      country: input.manifest.provider.country,
      authorisedRepresentative: {
        name: input.manifest.provider.authorisedRepresentative?.name,
        country: input.manifest.provider.authorisedRepresentative?.country,
      },
    })
    expect(s.manifest.sha256).toBe(input.assessment.manifestSha256)
    expect(s.catalogs.map((c) => c.urn)).toEqual([
      'urn:accord:catalog:eu-ai-act-2024-1689',
      'urn:accord:catalog:nist-ai-rmf-1.0',
    ])
    // Sorted by path.
    expect(s.artifacts.map((a) => a.path)).toEqual([
      'models/config.json',
      'models/weights.safetensors',
    ])
    // The example's assessor section, or self-assessment when it has none.
    const a = input.manifest.assessor
    expect(s.assessor).toEqual(
      a
        ? JSON.parse(
            JSON.stringify({ type: a.type, name: a.name, identifier: a.identifier, date: a.date }),
          )
        : { type: 'self' },
    )
    const withoutAssessor = { ...input.manifest }
    delete withoutAssessor.assessor
    expect(
      buildPassportClaims({ ...input, manifest: withoutAssessor }).credentialSubject.assessor,
    ).toEqual({
      type: 'self',
    })
  })

  it('carries the EU AI Act classification', () => {
    const eu = input.classification.euAiAct
    expect(buildPassportClaims(input).credentialSubject.classification).toEqual({
      'eu-ai-act': {
        category: 'high-risk',
        citations: eu.citations,
        gpai: eu.gpai,
        asOf: eu.asOf,
        lawVersion: eu.lawVersion.id,
        derogationApplied: eu.derogation.applied,
        // police-analytics is planned for 2027-06-01, before the Annex III cut-off.
        legacy: {
          highRisk: {
            cites: 'Art. 111(2)',
            placedOnMarket: '2027-06-01',
            placedBefore: '2027-12-02',
            publicAuthority: true,
            significantChange: null,
            appliesFrom: '2030-08-02',
          },
        },
      },
    })
  })

  it('carries the Art. 111(2) status of border-biometrics: obligations from 2030-08-02', async () => {
    const border = await exampleInput('border-biometrics')
    const eu = buildPassportClaims(border).credentialSubject.classification['eu-ai-act']
    // Placed on 2026-11-02, before 2 December 2027 (Annex III, as amended); for public
    // authorities, so the high-risk obligations bind from 2 August 2030 at the latest.
    expect(eu?.legacy).toEqual({
      highRisk: BORDER_LEGACY_HIGH_RISK,
    })
    // Same inputs, same claims (no member order or copy depends on anything else).
    expect(JSON.stringify(buildPassportClaims(border))).toBe(
      JSON.stringify(buildPassportClaims(border)),
    )
  })

  it('carries Art. 111(3) with the models sorted, and no legacy member when no rule applied', async () => {
    const chatbot = await exampleInput('public-chatbot')
    const plain = buildPassportClaims(chatbot).credentialSubject.classification['eu-ai-act']
    expect(plain).toBeDefined()
    expect(plain).not.toHaveProperty('legacy')

    const eu = chatbot.classification.euAiAct
    const gpai = {
      cites: 'Art. 111(3)',
      models: [
        { name: 'Zeta 2', placedOnMarket: '2025-03-01' },
        { name: 'Alpha 1', placedOnMarket: '2024-12-01' },
      ],
      placedBefore: '2025-08-02',
      appliesFrom: '2027-08-02',
    }
    const withGpai = {
      ...chatbot,
      classification: {
        ...chatbot.classification,
        euAiAct: { ...eu, legacy: { highRisk: null, gpai } },
      },
    }
    expect(
      buildPassportClaims(withGpai).credentialSubject.classification['eu-ai-act']?.legacy,
    ).toEqual({ gpai: { ...gpai, models: [gpai.models[1], gpai.models[0]] } })
  })

  it('lists every assessed obligation per framework with its status', () => {
    const obligations = buildPassportClaims(input).credentialSubject.obligations
    expect(Object.keys(obligations)).toEqual(['eu-ai-act', 'nist-ai-rmf'])
    for (const f of input.assessment.frameworks) {
      const claim = obligations[f.framework]
      expect(claim).toMatchObject({
        met: f.met,
        partial: f.partial,
        missing: f.missing,
        notApplicable: f.notApplicable,
        readiness: f.readiness,
      })
      const assessed = input.assessment.obligations.filter((o) => o.framework === f.framework)
      const groups = claim?.byStatus ?? { met: [], partial: [], missing: [], 'not-applicable': [] }
      const all = Object.values(groups).flat()
      expect(all).toHaveLength(assessed.length)
      for (const o of assessed)
        expect(groups[o.status]).toContain(o.id.slice(f.framework.length + 1))
      for (const ids of Object.values(groups)) expect(ids).toEqual([...ids].sort())
    }
    const eu = obligations['eu-ai-act']?.byStatus
    expect(Object.values(eu ?? {}).flat()).toContain('art-9')
  })

  it('commits to evidence with leaf indexes in id order', () => {
    const e = buildPassportClaims(input).credentialSubject.evidence
    expect(e.merkleRoot).toBe(input.evidenceRoot)
    expect(e.leafEncoding).toBe('accord-evidence-leaf-v1')
    expect(e.count).toBe(input.assessment.evidence.length)
    const ids = e.items.map((i) => i.id)
    expect(ids).toEqual([...ids].sort())
    expect(e.items.map((i) => i.leafIndex)).toEqual(e.items.map((_, i) => i))
    const first = input.assessment.evidence.find((x) => x.id === ids[0])
    expect(e.items[0]).toMatchObject({ sha256: first?.sha256, type: first?.type })
  })

  it("discloses an item's validUntil when it has one, and adds no key when it has none", () => {
    const [first, ...rest] = [...input.assessment.evidence].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    )
    if (first === undefined || rest.length === 0) throw new Error('fixture needs two items')
    const items = buildPassportClaims({
      ...input,
      assessment: {
        ...input.assessment,
        evidence: [{ ...first, validUntil: '2029-10-18' }, ...rest],
      },
    }).credentialSubject.evidence.items
    expect(items[0]).toMatchObject({ id: first.id, validUntil: '2029-10-18', leafIndex: 0 })
    expect(Object.keys(items[0] ?? {})).toEqual([
      'id',
      'type',
      'sha256',
      'supports',
      'assessedBy',
      'validUntil',
      'leafIndex',
    ])
    for (const item of items.slice(1)) expect(item).not.toHaveProperty('validUntil')
  })

  it('mirrors a status list reference in credentialStatus', () => {
    const c = buildPassportClaims({
      ...input,
      status: { status_list: { idx: 42, uri: 'https://vendor.example/status/1' } },
    })
    expect(c.status).toEqual({ status_list: { idx: 42, uri: 'https://vendor.example/status/1' } })
    expect(c.credentialStatus).toEqual({
      id: 'https://vendor.example/status/1#42',
      type: 'TokenStatusList',
      statusListIndex: 42,
      statusListCredential: 'https://vendor.example/status/1',
    })
  })

  it('binds a holder public key and refuses a private one', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }
    expect(buildPassportClaims({ ...input, holderJwk: jwk }).cnf).toEqual({ jwk })
    expect(() => buildPassportClaims({ ...input, holderJwk: { ...jwk, d: 'secret' } })).toThrow(
      /private member/,
    )
  })

  it('carries assurance commitments and the assessor from the manifest', () => {
    const manifest = {
      ...input.manifest,
      assurance: {
        updateNoticeDays: 30,
        remoteDisable: {
          exists: true,
          controlledBy: 'deployer' as const,
          description: 'kill switch',
        },
        dataResidency: ['EU'],
        auditRights: { granted: true, noticeDays: 14 },
        incidentNotificationHours: 24,
        supportUntil: '2030-12-31',
      },
      assessor: { type: 'third-party' as const, name: 'Audit GmbH', date: '2026-10-01' },
    }
    const s = buildPassportClaims({ ...input, manifest }).credentialSubject
    expect(s.assurance).toEqual({
      updateNoticeDays: 30,
      remoteDisable: { exists: true, controlledBy: 'deployer' },
      dataResidency: ['EU'],
      auditRights: { granted: true, noticeDays: 14 },
      incidentNotificationHours: 24,
      supportUntil: '2030-12-31',
    })
    expect(s.assessor).toEqual({ type: 'third-party', name: 'Audit GmbH', date: '2026-10-01' })
  })

  it('is deterministic', () => {
    expect(JSON.stringify(buildPassportClaims(input))).toBe(
      JSON.stringify(buildPassportClaims(input)),
    )
  })

  it('refuses inputs no caller should pass', () => {
    expect(() => buildPassportClaims({ ...input, subjectId: 'ABC' })).toThrow(TypeError)
    expect(() => buildPassportClaims({ ...input, evidenceRoot: 'zz' })).toThrow(TypeError)
    expect(() => buildPassportClaims({ ...input, validForDays: 0 })).toThrow(TypeError)
    expect(() => buildPassportClaims({ ...input, issuedAt: 1.5 })).toThrow(TypeError)
    expect(() => buildPassportClaims({ ...input, issuer: '' })).toThrow(TypeError)
    expect(() =>
      buildPassportClaims({ ...input, status: { status_list: { idx: -1, uri: 'https://x' } } }),
    ).toThrow(TypeError)
  })

  it('accepts the subject id as a full URN too', () => {
    const urn = `urn:accord:system:${input.subjectId}`
    expect(buildPassportClaims({ ...input, subjectId: urn }).credentialSubject.id).toBe(urn)
  })
})

describe('subjectIdInput and isoDateTime', () => {
  it('the subject id input ignores the version', () => {
    const a = subjectIdInput({
      provider: { name: 'P' },
      system: { name: 'S', version: '1' },
    } as never)
    const b = subjectIdInput({
      provider: { name: 'P' },
      system: { name: 'S', version: '2' },
    } as never)
    expect(a).toBe(b)
    expect(a).toBe('P\nS')
  })

  it('formats whole seconds in UTC', () => {
    expect(isoDateTime(0)).toBe('1970-01-01T00:00:00Z')
    expect(isoDateTime(1_795_132_800)).toBe('2026-11-20T00:00:00Z')
  })
})
