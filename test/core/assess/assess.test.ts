import { describe, expect, it } from 'vitest'
import { assessSystem, type AssessSystemOptions } from '../../../src/core/assess/assess.js'
import type {
  AssessmentResult,
  ObligationAssessment,
  Status,
} from '../../../src/core/assess/types.js'
import type { ManifestInput } from '../../../src/core/manifest/schema.js'
import type { EuAiActClassification } from '../../../src/core/classify/types.js'
import { ev, fixtureCatalogs, fixtureClassification, fixtureManifest } from './fixture.js'

const catalogs = fixtureCatalogs()

interface Run {
  manifest?: Partial<ManifestInput>
  classification?: Partial<EuAiActClassification>
  evidence?: AssessSystemOptions['evidence']
  asOf?: string
}

function run(opts: Run = {}): AssessmentResult {
  return assessSystem({
    manifest: fixtureManifest(opts.manifest),
    manifestSha256: 'f'.repeat(64),
    evidence: opts.evidence ?? [],
    catalogs,
    classification: fixtureClassification(opts.classification),
    asOf: opts.asOf ?? '2026-09-01',
  })
}

function get(result: AssessmentResult, id: string): ObligationAssessment {
  const o = result.obligations.find((x) => x.id === id)
  if (!o)
    throw new Error(`${id} not listed; listed: ${result.obligations.map((x) => x.id).join(' ')}`)
  return o
}

const notHighRisk: Partial<EuAiActClassification> = {
  category: 'minimal',
  categories: ['minimal'],
  highRiskRoutes: [],
  facts: ['in-scope'],
}

describe('assessSystem status rules', () => {
  const cases: {
    name: string
    run: Run
    expect: Record<string, Status>
    reason?: Record<string, RegExp>
  }[] = [
    {
      name: 'direct evidence meets the node it names',
      run: { evidence: [ev('oversight-design', ['eu-ai-act:art-14'])] },
      expect: { 'eu-ai-act:art-14': 'met' },
      reason: { 'eu-ai-act:art-14': /^Met by evidence oversight-design\.$/ },
    },
    {
      name: 'Art. 111(2): a legacy system with no significant change and no public-authority date has no high-risk duties',
      run: {
        evidence: [ev('rms', ['eu-ai-act:art-9'])],
        classification: {
          legacy: {
            highRisk: {
              cites: 'Art. 111(2)',
              placedOnMarket: '2027-01-04',
              placedBefore: '2027-12-02',
              publicAuthority: false,
              significantChange: null,
              appliesFrom: null,
            },
            gpai: null,
          },
        },
      },
      expect: {
        'eu-ai-act:art-9': 'not-applicable',
        'eu-ai-act:art-14': 'not-applicable',
        'eu-ai-act:art-4': 'missing',
      },
      reason: {
        'eu-ai-act:art-9':
          /^Not applicable while the system's design stays as it is: to be placed on the market on 2027-01-04 \(planned\), before 2027-12-02, .*\(Art\. 111\(2\)\)\.$/,
      },
    },
    {
      name: 'evidence on a parent covers all its descendants',
      run: { evidence: [ev('rms', ['eu-ai-act:art-9'])] },
      expect: {
        'eu-ai-act:art-9': 'met',
        'eu-ai-act:art-9.2': 'met',
        'eu-ai-act:art-9.2.a': 'met',
        'eu-ai-act:art-9.2.b': 'met',
        'eu-ai-act:art-9.5': 'met',
      },
      reason: {
        'eu-ai-act:art-9.2.b': /evidence rms \(for eu-ai-act:art-9, which includes this\)/,
      },
    },
    {
      name: 'a parent without direct evidence is partial when some children are met',
      run: { evidence: [ev('register', ['eu-ai-act:art-9.2.a'])] },
      expect: {
        'eu-ai-act:art-9.2.a': 'met',
        'eu-ai-act:art-9.2.b': 'missing',
        'eu-ai-act:art-9.2': 'partial',
        'eu-ai-act:art-9.5': 'missing',
        'eu-ai-act:art-9': 'partial',
      },
      reason: {
        'eu-ai-act:art-9.2':
          /^Partly met: 1 of 2 applicable points met; open: eu-ai-act:art-9\.2\.b\.$/,
      },
    },
    {
      name: 'a parent is met when all its applicable children are met',
      run: {
        evidence: [
          ev('a', ['eu-ai-act:art-9.2.a']),
          ev('b', ['eu-ai-act:art-9.2.b']),
          ev('c', ['eu-ai-act:art-9.5']),
        ],
      },
      expect: { 'eu-ai-act:art-9.2': 'met', 'eu-ai-act:art-9': 'met' },
      reason: { 'eu-ai-act:art-9': /^Met: all 2 applicable points are met\.$/ },
    },
    {
      name: 'a parent is missing when no child has evidence',
      run: {},
      expect: { 'eu-ai-act:art-9': 'missing', 'eu-ai-act:art-9.2': 'missing' },
      reason: { 'eu-ai-act:art-9': /none of its 2 applicable points is met/ },
    },
    {
      name: 'crosswalk equivalent (target to source) meets',
      run: { evidence: [ev('hitl', ['nist-ai-rmf:map-3.5'])] },
      expect: { 'eu-ai-act:art-14': 'met', 'nist-ai-rmf:map-3.5': 'met' },
    },
    {
      name: 'crosswalk equivalent (source to target) meets',
      run: { evidence: [ev('hitl', ['eu-ai-act:art-14'])] },
      expect: { 'nist-ai-rmf:map-3.5': 'met' },
    },
    {
      name: 'crosswalk superset: evidence on the wider node meets the narrower one',
      run: { evidence: [ev('rms', ['eu-ai-act:art-9'])] },
      expect: { 'nist-ai-rmf:manage-1.3': 'met' },
    },
    {
      name: 'crosswalk superset reversed: evidence on the narrower node is partial for the wider',
      run: { evidence: [ev('responses', ['nist-ai-rmf:manage-1.3'])] },
      expect: { 'eu-ai-act:art-9': 'partial', 'eu-ai-act:art-9.2.a': 'missing' },
      reason: { 'eu-ai-act:art-9': /nist-ai-rmf:manage-1\.3 covers only part of this \(subset\)/ },
    },
    {
      name: 'crosswalk subset: source evidence is partial for the target',
      run: { evidence: [ev('residual', ['eu-ai-act:art-9.5'])] },
      expect: { 'nist-ai-rmf:measure-2.3': 'partial' },
    },
    {
      name: 'crosswalk subset reversed: target evidence meets the source',
      run: { evidence: [ev('perf', ['nist-ai-rmf:measure-2.3'])] },
      expect: { 'eu-ai-act:art-9.5': 'met' },
    },
    {
      name: 'crosswalk related is partial both ways',
      run: {
        evidence: [ev('register', ['eu-ai-act:art-9.2.a']), ev('purpose', ['nist-ai-rmf:map-1.1'])],
      },
      expect: { 'nist-ai-rmf:map-1.1': 'met', 'eu-ai-act:art-9.2.a': 'met' },
    },
    {
      name: 'crosswalk related alone gives partial',
      run: { evidence: [ev('purpose', ['nist-ai-rmf:map-1.1'])] },
      expect: { 'eu-ai-act:art-9.2.a': 'partial' },
      reason: { 'eu-ai-act:art-9.2.a': /nist-ai-rmf:map-1\.1 is only related to this \(related\)/ },
    },
    {
      name: 'crosswalk reaches from a node covered through its ancestor',
      run: { evidence: [ev('rms', ['eu-ai-act:art-9'])] },
      expect: { 'nist-ai-rmf:map-1.1': 'partial', 'nist-ai-rmf:measure-2.3': 'partial' },
    },
    {
      name: 'a low-confidence equivalent edge gives at most partial',
      run: { evidence: [ev('training', ['nist-ai-rmf:govern-2.2'])] },
      expect: { 'eu-ai-act:art-4': 'partial', 'nist-ai-rmf:govern-2.2': 'met' },
      reason: { 'eu-ai-act:art-4': /low confidence/ },
    },
    {
      name: 'evidence flagged partial gives at most partial, directly and through the crosswalk',
      run: { evidence: [ev('draft', ['eu-ai-act:art-14'], { partial: true })] },
      expect: { 'eu-ai-act:art-14': 'partial', 'nist-ai-rmf:map-3.5': 'partial' },
      reason: { 'eu-ai-act:art-14': /evidence draft is marked partial/ },
    },
    {
      name: 'a partial and a full piece of evidence: the full one wins',
      run: {
        evidence: [
          ev('draft', ['eu-ai-act:art-14'], { partial: true }),
          ev('final', ['eu-ai-act:art-14']),
        ],
      },
      expect: { 'eu-ai-act:art-14': 'met' },
    },
    {
      name: 'manifest fields filled but no evidence give partial',
      run: { manifest: { humanOversight: { measures: ['a reviewer confirms every ranking'] } } },
      expect: { 'eu-ai-act:art-14': 'partial' },
      reason: {
        'eu-ai-act:art-14':
          /^Described in the manifest \(humanOversight\) but no evidence file supports it\.$/,
      },
    },
    {
      name: 'manifest fields filled and evidence give met',
      run: {
        manifest: { humanOversight: { measures: ['a reviewer confirms every ranking'] } },
        evidence: [ev('oversight-design', ['eu-ai-act:art-14'])],
      },
      expect: { 'eu-ai-act:art-14': 'met' },
    },
    {
      name: 'manifest fields empty and no evidence give missing',
      run: {},
      expect: { 'eu-ai-act:art-14': 'missing' },
      reason: {
        'eu-ai-act:art-14': /the manifest does not describe it \(humanOversight is empty\)/,
      },
    },
    {
      name: 'obligations whose condition fails are not applicable, with the reason',
      run: { classification: notHighRisk },
      expect: {
        'eu-ai-act:art-9': 'not-applicable',
        'eu-ai-act:art-9.2.a': 'not-applicable',
        'eu-ai-act:art-14': 'not-applicable',
        'eu-ai-act:art-50.1': 'not-applicable',
        'eu-ai-act:art-4': 'missing',
      },
      reason: {
        'eu-ai-act:art-9': /^Not applicable to this system: requires high-risk\.$/,
        'eu-ai-act:art-9.2.a': /requires high-risk \(condition of Art\. 9\)/,
        'eu-ai-act:art-50.1': /requires art-50\.1/,
      },
    },
    {
      name: 'an obligation applies when its fact holds',
      run: { classification: { ...notHighRisk, facts: ['in-scope', 'art-50.1'] } },
      expect: { 'eu-ai-act:art-50.1': 'missing', 'eu-ai-act:art-9': 'not-applicable' },
    },
    {
      name: 'out of scope: every EU obligation is not applicable, NIST still is',
      run: {
        classification: { category: 'out-of-scope', categories: ['out-of-scope'], facts: [] },
        evidence: [ev('training', ['eu-ai-act:art-4'])],
      },
      expect: {
        'eu-ai-act:art-4': 'not-applicable',
        'eu-ai-act:art-14': 'not-applicable',
        'nist-ai-rmf:map-3.5': 'missing',
        'nist-ai-rmf:govern-2.2': 'partial',
      },
      reason: { 'eu-ai-act:art-4': /outside the scope of the AI Act \(Art\. 2\)/ },
    },
    {
      name: 'a deployer gets deployer obligations only',
      run: {
        manifest: { roles: ['deployer'] },
        classification: { facts: ['in-scope', 'high-risk', 'high-risk:annex-iii'] },
      },
      expect: {
        'eu-ai-act:art-4': 'missing',
        'eu-ai-act:art-26': 'missing',
        'eu-ai-act:art-26.7': 'not-applicable',
      },
      reason: { 'eu-ai-act:art-26.7': /requires deployer:workplace/ },
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const result = run(c.run)
      for (const [id, status] of Object.entries(c.expect))
        expect(get(result, id).status, id).toBe(status)
      for (const [id, re] of Object.entries(c.reason ?? {}))
        expect(get(result, id).reason, id).toMatch(re)
    })
  }
})

describe('assessSystem details', () => {
  it('records how evidence reached each obligation', () => {
    const r = run({
      evidence: [ev('rms', ['eu-ai-act:art-9']), ev('perf', ['nist-ai-rmf:measure-2.3'])],
    })
    expect(get(r, 'eu-ai-act:art-9').evidence).toEqual([
      { evidenceId: 'rms', sha256: expect.any(String), via: 'direct' },
    ])
    expect(get(r, 'eu-ai-act:art-9.2.a').evidence).toEqual([
      {
        evidenceId: 'rms',
        sha256: expect.any(String),
        via: 'direct',
        inheritedFrom: 'eu-ai-act:art-9',
      },
    ])
    // perf reaches art-9.5 through the edge (relation reversed: measure-2.3 superset art-9.5);
    // rms covers it directly through art-9. Both are listed, sorted by evidence id.
    expect(get(r, 'eu-ai-act:art-9.5').evidence).toEqual([
      {
        evidenceId: 'perf',
        sha256: expect.any(String),
        via: {
          from: 'nist-ai-rmf:measure-2.3',
          relation: 'superset',
          source: 'accord-analysis',
          confidence: 'high',
        },
      },
      {
        evidenceId: 'rms',
        sha256: expect.any(String),
        via: 'direct',
        inheritedFrom: 'eu-ai-act:art-9',
      },
    ])
    expect(get(r, 'nist-ai-rmf:map-1.1').evidence).toEqual([
      {
        evidenceId: 'rms',
        sha256: expect.any(String),
        via: {
          from: 'eu-ai-act:art-9.2.a',
          relation: 'related',
          source: 'accord-analysis',
          confidence: 'medium',
        },
        inheritedFrom: 'eu-ai-act:art-9',
      },
    ])
  })

  it('gives an action from the evidence hint for partial and missing, none for met', () => {
    const r = run({ evidence: [ev('oversight-design', ['eu-ai-act:art-14'])] })
    expect(get(r, 'eu-ai-act:art-14').action).toBeUndefined()
    expect(get(r, 'eu-ai-act:art-4').action).toBe(
      'Add evidence (training records showing staff AI literacy) and list eu-ai-act:art-4 in its supports.',
    )
    expect(get(r, 'eu-ai-act:art-9.2').action).toMatch(
      /^Close the open points \(eu-ai-act:art-9\.2\.a and eu-ai-act:art-9\.2\.b\)/,
    )
    const fieldsOnly = run({ manifest: { humanOversight: { measures: ['review'] } } })
    expect(get(fieldsOnly, 'eu-ai-act:art-14').action).toBe(
      'Add evidence that covers it in full (human oversight design and instructions) and list eu-ai-act:art-14 in its supports.',
    )
    expect(get(fieldsOnly, 'eu-ai-act:art-14').manifestFields).toEqual(['humanOversight'])
    expect(get(run(), 'eu-ai-act:art-14').action).toMatch(
      /Describe it in the manifest under humanOversight\.$/,
    )
  })

  it('notes in NIST reasons that the framework is voluntary', () => {
    const r = run()
    for (const o of r.obligations.filter((x) => x.framework === 'nist-ai-rmf'))
      expect(o.reason).toMatch(/Voluntary framework/)
    expect(get(r, 'eu-ai-act:art-4').reason).not.toMatch(/Voluntary/)
  })

  it('lists only obligations that exist in the law version in force', () => {
    const before = run({
      asOf: '2026-03-01',
      classification: { lawVersion: { id: 'original', title: 'Original', source: 'OJ' } },
    })
    expect(before.obligations.map((o) => o.id)).not.toContain('eu-ai-act:art-5.1.ba')
    expect(get(before, 'eu-ai-act:art-9').appliesFrom).toBe('2026-08-02')
    expect(before.lawVersion).toEqual({ id: 'original', title: 'Regulation (EU) 2024/1689' })
    const after = run()
    expect(get(after, 'eu-ai-act:art-5.1.ba').status).toBe('not-applicable')
    expect(get(after, 'eu-ai-act:art-9').appliesFrom).toBe('2027-12-02')
  })

  it('omits nodes that are not assessable and obligations of other roles', () => {
    const ids = run().obligations.map((o) => o.id)
    expect(ids).not.toContain('eu-ai-act:chapter-iii')
    expect(ids).not.toContain('eu-ai-act:art-26')
    expect(ids).not.toContain('nist-ai-rmf:govern')
    expect(ids).not.toContain('nist-ai-rmf:map-1')
  })

  it('orders by framework then catalog order', () => {
    expect(run().obligations.map((o) => o.id)).toEqual([
      'eu-ai-act:art-4',
      'eu-ai-act:art-5.1.ba',
      'eu-ai-act:art-9',
      'eu-ai-act:art-9.2',
      'eu-ai-act:art-9.2.a',
      'eu-ai-act:art-9.2.b',
      'eu-ai-act:art-9.5',
      'eu-ai-act:art-14',
      'eu-ai-act:art-50.1',
      'nist-ai-rmf:govern-2.2',
      'nist-ai-rmf:map-1.1',
      'nist-ai-rmf:map-3.5',
      'nist-ai-rmf:measure-2.3',
      'nist-ai-rmf:manage-1.3',
    ])
  })

  it('keeps one use per evidence item: direct, then inherited, then crosswalk', () => {
    const r = run({
      evidence: [
        ev('both', ['nist-ai-rmf:measure-2.3', 'eu-ai-act:art-9', 'eu-ai-act:art-9.5']),
        ev('up', ['nist-ai-rmf:measure-2.3', 'eu-ai-act:art-9']),
        ev('cross', ['nist-ai-rmf:measure-2.3']),
      ],
    })
    expect(get(r, 'eu-ai-act:art-9.5').evidence).toEqual([
      { evidenceId: 'both', sha256: expect.any(String), via: 'direct' },
      {
        evidenceId: 'cross',
        sha256: expect.any(String),
        via: {
          from: 'nist-ai-rmf:measure-2.3',
          relation: 'superset',
          source: 'accord-analysis',
          confidence: 'high',
        },
      },
      {
        evidenceId: 'up',
        sha256: expect.any(String),
        via: 'direct',
        inheritedFrom: 'eu-ai-act:art-9',
      },
    ])
    // The reason names the direct use first, then the inherited one, then the crosswalk one.
    expect(get(r, 'eu-ai-act:art-9.5').reason).toMatch(
      /^Met by evidence both, evidence up \(for eu-ai-act:art-9, which includes this\) and evidence cross \(for nist-ai-rmf:measure-2\.3/,
    )
  })

  it('between two ancestors an item names, keeps the smaller reference, not the nearer one', () => {
    const r = run({ evidence: [ev('x', ['eu-ai-act:art-9.2', 'eu-ai-act:art-9'])] })
    // art-9.2 is the parent of art-9.2.a and is offered first; eu-ai-act:art-9 sorts first.
    expect(get(r, 'eu-ai-act:art-9.2.a').evidence).toEqual([
      {
        evidenceId: 'x',
        sha256: expect.any(String),
        via: 'direct',
        inheritedFrom: 'eu-ai-act:art-9',
      },
    ])
  })

  it('keeps one use per evidence id: the better item, then the first given', () => {
    const partial = ev('dup', ['eu-ai-act:art-14'], { partial: true, sha256: 'a'.repeat(64) })
    const full = ev('dup', ['eu-ai-act:art-14'], { sha256: 'b'.repeat(64) })
    const other = ev('dup', ['eu-ai-act:art-14'], { sha256: 'c'.repeat(64) })
    const uses = (evidence: AssessSystemOptions['evidence']) =>
      get(run({ evidence }), 'eu-ai-act:art-14').evidence.map((u) => u.sha256[0])
    expect(uses([partial, full])).toEqual(['b'])
    expect(uses([full, partial])).toEqual(['b'])
    expect(uses([full, other])).toEqual(['b'])
    expect(uses([other, full])).toEqual(['c'])
  })

  it('is deterministic whatever the order of the evidence', () => {
    const evidence = [
      ev('z-last', ['eu-ai-act:art-9', 'nist-ai-rmf:map-3.5']),
      ev('a-first', ['eu-ai-act:art-14'], { partial: true }),
      ev('m-mid', ['nist-ai-rmf:measure-2.3', 'eu-ai-act:art-9.2.a']),
    ]
    const a = run({ evidence })
    const b = run({ evidence: [...evidence].reverse() })
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    expect(a.evidence.map((e) => e.id)).toEqual(['a-first', 'm-mid', 'z-last'])
  })

  it('ignores unknown references defensively', () => {
    const r = run({ evidence: [ev('x', ['eu-ai-act:art-999', 'nope:thing', 'eu-ai-act:art-14'])] })
    expect(get(r, 'eu-ai-act:art-14').status).toBe('met')
  })
})

describe('assessSystem summaries', () => {
  it('counts in-force and upcoming gaps of binding obligations only', () => {
    // As of 2026-09-01 under the amended Act: art-4 is in force (2025-02-02), the Annex III
    // high-risk obligations are upcoming (2027-12-02), art-5.1.ba and art-50.1 do not apply.
    const r = run({ evidence: [ev('a', ['eu-ai-act:art-9.2.a'])] })
    const eu = r.frameworks.find((f) => f.framework === 'eu-ai-act')
    expect(get(r, 'eu-ai-act:art-4')).toMatchObject({ inForce: true, appliesFrom: '2025-02-02' })
    expect(get(r, 'eu-ai-act:art-14')).toMatchObject({ inForce: false, appliesFrom: '2027-12-02' })
    expect(eu).toMatchObject({ total: 9, met: 1, partial: 2, missing: 4, notApplicable: 2 })
    expect(eu).toMatchObject({ gaps: 1, gapsUpcoming: 5, binding: true })
    expect(r.gaps).toBe(1)
    expect(r.gapsUpcoming).toBe(5)
    const nist = r.frameworks.find((f) => f.framework === 'nist-ai-rmf')
    // map-1.1 is partial through the related edge; the rest missing; NIST gaps are not in r.gaps.
    expect(nist).toMatchObject({
      binding: false,
      total: 5,
      met: 0,
      partial: 1,
      missing: 4,
      gaps: 5,
      gapsUpcoming: 0,
    })
  })

  it('takes in-force status and date from the classification when it lists the obligation', () => {
    const art14 = get(run(), 'eu-ai-act:art-14')
    const r = run({
      classification: {
        obligations: [
          {
            id: 'eu-ai-act:art-14',
            urn: art14.urn,
            citation: 'Art. 14',
            title: 'Human oversight',
            roles: ['provider'],
            appliesFrom: '2026-08-02',
            status: 'in-force',
          },
        ],
      },
    })
    expect(get(r, 'eu-ai-act:art-14')).toMatchObject({ inForce: true, appliesFrom: '2026-08-02' })
    expect(r.gaps).toBe(2)
  })

  it('counts everything as in force once the dates have passed', () => {
    const r = run({ asOf: '2028-01-01' })
    expect(r.gapsUpcoming).toBe(0)
    expect(r.gaps).toBe(7)
  })

  it('computes readiness as (met + partial / 2) / applicable, and 1 when nothing applies', () => {
    const r = run({
      evidence: [
        ev('a', ['eu-ai-act:art-9.2.a']),
        ev('b', ['eu-ai-act:art-14']),
        ev('c', ['eu-ai-act:art-4'], { partial: true }),
      ],
    })
    const eu = r.frameworks.find((f) => f.framework === 'eu-ai-act')
    // met: art-9.2.a, art-14; partial: art-4, art-9, art-9.2; missing: art-9.2.b, art-9.5.
    expect(eu).toMatchObject({ met: 2, partial: 3, missing: 2, notApplicable: 2 })
    expect(eu?.readiness).toBe(0.5) // (2 + 1.5) / 7
    const out = run({
      classification: { category: 'out-of-scope', categories: ['out-of-scope'], facts: [] },
    })
    const euOut = out.frameworks.find((f) => f.framework === 'eu-ai-act')
    expect(euOut).toMatchObject({ readiness: 1, notApplicable: euOut?.total, gaps: 0 })
    expect(out.frameworks.find((f) => f.framework === 'nist-ai-rmf')?.readiness).toBe(0)
  })

  it('rounds readiness to four decimals', () => {
    const r = run({ evidence: [ev('a', ['nist-ai-rmf:govern-2.2'])] })
    // NIST: govern-2.2 met; 5 applicable -> 0.2. EU: art-4 partial (low-confidence edge) of 7.
    expect(r.frameworks.find((f) => f.framework === 'nist-ai-rmf')?.readiness).toBe(0.2)
    expect(r.frameworks.find((f) => f.framework === 'eu-ai-act')?.readiness).toBe(0.0714)
  })
})
