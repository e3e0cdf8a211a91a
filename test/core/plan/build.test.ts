import { describe, expect, it } from 'vitest'
import type {
  AssessmentResult,
  EvidenceUse,
  ObligationAssessment,
} from '../../../src/core/assess/types.js'
import type { CatalogSet } from '../../../src/core/catalog/types.js'
import type { Manifest } from '../../../src/core/manifest/schema.js'
import { Manifest as ManifestSchema } from '../../../src/core/manifest/schema.js'
import { buildPlan, type BuildPlanOptions } from '../../../src/core/plan/build.js'
import { renderPlanFiles, renderPlanMarkdown } from '../../../src/core/plan/render.js'
import { HIGH_RISK_CLASSIFICATION, HIGH_RISK_MANIFEST } from '../../fixtures/documents/high-risk.js'

const EU = 'urn:accord:req:eu-ai-act-2024-1689:'
const NIST = 'urn:accord:req:nist-ai-rmf-1.0:'

/** A CatalogSet with just what the plan reads: names, kinds, law versions and parent links. */
function catalogSet(): CatalogSet {
  const node = (prefix: string, id: string, parent?: string) => ({
    id,
    urn: prefix + id,
    ...(parent ? { parent_urn: prefix + parent } : {}),
  })
  const eu = {
    framework: 'eu-ai-act',
    name: 'EU AI Act',
    kind: 'law',
    law_versions: [{ id: 'original', title: 'Regulation (EU) 2024/1689 as published' }],
    nodes: [
      node(EU, 'art-4'),
      node(EU, 'art-9'),
      node(EU, 'art-9.2', 'art-9'),
      node(EU, 'art-9.2.a', 'art-9.2'),
      node(EU, 'art-10'),
      node(EU, 'art-50'),
      node(EU, 'art-26'),
    ],
  }
  const nist = {
    framework: 'nist-ai-rmf',
    name: 'NIST AI RMF',
    kind: 'framework',
    nodes: [node(NIST, 'govern-1.1'), node(NIST, 'map-1.1'), node(NIST, 'measure-2.3')],
  }
  const nodesByUrn = new Map(
    [eu, nist].flatMap((c) => c.nodes.map((n) => [n.urn, { framework: c.framework, node: n }])),
  )
  return {
    catalogs: new Map([
      ['eu-ai-act', eu],
      ['nist-ai-rmf', nist],
    ]),
    refs: [],
    mappings: [],
    nodesByUrn,
    childrenByUrn: new Map(),
    edgesByUrn: new Map(),
  } as unknown as CatalogSet
}

const direct = (evidenceId: string, inheritedFrom?: string): EvidenceUse => ({
  evidenceId,
  sha256: evidenceId.charAt(0).repeat(64),
  via: 'direct',
  ...(inheritedFrom ? { inheritedFrom } : {}),
})

function ob(
  ref: string,
  status: ObligationAssessment['status'],
  extra: Partial<ObligationAssessment> = {},
): ObligationAssessment {
  const [framework, id] = ref.split(':') as [string, string]
  return {
    id: ref,
    urn: (framework === 'eu-ai-act' ? EU : NIST) + id,
    framework,
    citation: id.toUpperCase(),
    title: `Title of ${id}`,
    status,
    reason: '',
    evidence: [],
    ...(status === 'partial' || status === 'missing' ? { action: `Close ${ref}.` } : {}),
    ...extra,
  }
}

const law = (from: string, inForce: boolean) => ({ appliesFrom: from, inForce })

function assessment(): AssessmentResult {
  return {
    system: { name: 'Hiring Assistant', version: '2.0' },
    asOf: '2026-11-21',
    manifestSha256: 'f'.repeat(64),
    evidence: [
      { id: 'rmf', path: 'rmf.md', type: 'risk-assessment', title: 'Risk file', sha256: 'r'.repeat(64), size: 1, supports: [], partial: false, assessedBy: 'self' },
      { id: 'data', path: 'data.md', type: 'dataset-sheet', title: 'Data sheet', sha256: 'd'.repeat(64), size: 1, supports: [], partial: false, assessedBy: 'self' },
    ], // prettier-ignore
    frameworks: [
      { framework: 'eu-ai-act', name: 'EU AI Act', total: 7, met: 2, partial: 1, missing: 3, notApplicable: 1, readiness: 0.4167, binding: true, gaps: 1, gapsUpcoming: 3 },
      { framework: 'nist-ai-rmf', name: 'NIST AI RMF', total: 3, met: 1, partial: 1, missing: 1, notApplicable: 0, readiness: 0.5, binding: false, gaps: 2, gapsUpcoming: 0 },
    ], // prettier-ignore
    obligations: [
      // Catalog order deliberately differs from deadline order.
      ob('eu-ai-act:art-9', 'met', { ...law('2027-12-02', false), evidence: [direct('rmf')] }),
      ob('eu-ai-act:art-9.2', 'missing', law('2027-12-02', false)),
      ob('eu-ai-act:art-9.2.a', 'met', {
        ...law('2027-12-02', false),
        evidence: [direct('rmf', 'eu-ai-act:art-9')],
      }),
      ob('eu-ai-act:art-10', 'partial', {
        ...law('2027-12-02', false),
        evidence: [direct('data')],
      }),
      ob('eu-ai-act:art-50', 'missing', law('2026-08-02', true)),
      ob('eu-ai-act:art-4', 'missing', law('2025-02-02', true)),
      ob('eu-ai-act:art-26', 'not-applicable'),
      ob('nist-ai-rmf:govern-1.1', 'missing'),
      ob('nist-ai-rmf:map-1.1', 'partial', {
        evidence: [
          {
            evidenceId: 'data',
            sha256: 'd'.repeat(64),
            via: { from: 'eu-ai-act:art-10', relation: 'related', source: 'accord-analysis', confidence: 'medium' },
          },
        ],
      }), // prettier-ignore
      ob('nist-ai-rmf:measure-2.3', 'met', { evidence: [direct('rmf')] }),
    ],
    gaps: 2,
    gapsUpcoming: 2,
  }
}

function manifest(plan?: unknown): Manifest {
  return plan === undefined
    ? HIGH_RISK_MANIFEST
    : ManifestSchema.parse({ ...HIGH_RISK_MANIFEST, plan })
}

function options(overrides: Partial<BuildPlanOptions> = {}): BuildPlanOptions {
  return {
    targets: ['us-federal', 'eu'],
    manifest: manifest(),
    classification: HIGH_RISK_CLASSIFICATION,
    assessment: assessment(),
    catalogs: catalogSet(),
    ...overrides,
  }
}

describe('buildPlan: actions', () => {
  it('has one action per partial or missing obligation, ordered by legal deadline', () => {
    const plan = buildPlan(options())
    expect(plan.actions.map((a) => [a.id, a.obligation, a.timing, a.deadline])).toEqual([
      ['A-001', 'eu-ai-act:art-4', 'overdue', '2025-02-02'],
      ['A-002', 'eu-ai-act:art-50', 'overdue', '2026-08-02'],
      ['A-003', 'eu-ai-act:art-9.2', 'upcoming', '2027-12-02'],
      ['A-004', 'eu-ai-act:art-10', 'upcoming', '2027-12-02'],
      ['A-005', 'nist-ai-rmf:govern-1.1', 'voluntary', null],
      ['A-006', 'nist-ai-rmf:map-1.1', 'voluntary', null],
    ])
    expect(plan.summary).toMatchObject({
      actions: 6,
      overdue: 2,
      upcoming: 2,
      voluntary: 2,
      unassigned: 6,
      dueAfterDeadline: 0,
      nextDeadline: '2027-12-02',
    })
  })

  it('links each open obligation to its action and lists met ones with their evidence', () => {
    const plan = buildPlan(options())
    const eu = plan.targets[0]?.frameworks[0]
    expect(eu?.framework).toBe('eu-ai-act')
    expect(eu?.obligations.map((o) => [o.id, o.status, o.actionId ?? null])).toEqual([
      ['eu-ai-act:art-9', 'met', null],
      ['eu-ai-act:art-9.2', 'missing', 'A-003'],
      ['eu-ai-act:art-9.2.a', 'met', null],
      ['eu-ai-act:art-10', 'partial', 'A-004'],
      ['eu-ai-act:art-50', 'missing', 'A-002'],
      ['eu-ai-act:art-4', 'missing', 'A-001'],
    ])
    expect(eu?.summary).toEqual({
      applicable: 6,
      inForce: 2,
      upcoming: 4,
      met: 2,
      partial: 1,
      missing: 3,
      notApplicable: 1,
      readiness: 0.4167,
    })
    expect(eu?.obligations[2]?.evidence).toEqual([
      { evidenceId: 'rmf', via: 'direct', inheritedFrom: 'eu-ai-act:art-9' },
    ])
  })

  it('takes owners and due dates from the manifest: exact, then ancestor, then pattern, then framework, then default', () => {
    const plan = buildPlan(
      options({
        manifest: manifest({
          owners: { default: 'Compliance lead', byFramework: { 'eu-ai-act': 'EU counsel' } },
          actions: [
            { obligation: 'nist-ai-rmf:*', owner: 'Risk office', due: '2027-06-30' },
            { obligation: 'eu-ai-act:art-9', owner: 'Risk manager', due: '2027-01-31' },
            { obligation: 'eu-ai-act:art-4', owner: 'Training lead', due: '2027-01-15', note: 'All staff.' },
            { obligation: 'eu-ai-act:art-10', due: '2028-01-10' },
            { obligation: 'nist-ai-rmf:govern-1.1', owner: 'Board' },
          ],
        }), // prettier-ignore
      }),
    )
    const by = new Map(plan.actions.map((a) => [a.obligation, a]))
    expect(by.get('eu-ai-act:art-4')).toMatchObject({
      owner: 'Training lead',
      ownerFrom: 'assignment',
      due: '2027-01-15',
      dueAfterDeadline: true,
      note: 'All staff.',
    })
    // art-9.2 has no entry of its own: its ancestor art-9's entry applies.
    expect(by.get('eu-ai-act:art-9.2')).toMatchObject({
      owner: 'Risk manager',
      due: '2027-01-31',
      dueAfterDeadline: false,
    })
    // An entry with a due date but no owner falls back to the framework owner.
    expect(by.get('eu-ai-act:art-10')).toMatchObject({
      owner: 'EU counsel',
      ownerFrom: 'framework',
      due: '2028-01-10',
      dueAfterDeadline: true,
    })
    expect(by.get('eu-ai-act:art-50')).toMatchObject({
      owner: 'EU counsel',
      ownerFrom: 'framework',
      due: null,
    })
    // The exact entry beats the pattern; the pattern applies to the rest of the framework.
    expect(by.get('nist-ai-rmf:govern-1.1')).toMatchObject({ owner: 'Board', due: null })
    expect(by.get('nist-ai-rmf:map-1.1')).toMatchObject({
      owner: 'Risk office',
      due: '2027-06-30',
      dueAfterDeadline: false,
    })
    expect(plan.summary.unassigned).toBe(0)
    expect(plan.summary.dueAfterDeadline).toBe(2)
    expect(plan.warnings).toEqual([])
  })

  it('uses the default owner and warns about entries that match no open obligation', () => {
    const plan = buildPlan(
      options({
        manifest: manifest({
          owners: { default: 'Compliance lead' },
          actions: [
            { obligation: 'eu-ai-act:art-99', owner: 'Nobody' },
            { obligation: 'nist-ai-rmf:measure-2.3', owner: 'Already met' },
          ],
        }),
      }),
    )
    expect(
      plan.actions.every((a) => a.owner === 'Compliance lead' && a.ownerFrom === 'default'),
    ).toBe(true)
    expect(plan.warnings.map((w) => w.path)).toEqual([
      ['plan', 'actions', 0, 'obligation'],
      ['plan', 'actions', 1, 'obligation'],
    ])
    expect(plan.warnings[0]?.message).toContain('"eu-ai-act:art-99" matches no open obligation')
  })

  it('warns about a byFramework key that is no loaded framework, with the closest one', () => {
    const plan = buildPlan(
      options({
        manifest: manifest({
          owners: { byFramework: { 'eu-ai-ac': 'EU lead', 'nist-ai-rmf': 'RMF lead' } },
        }),
      }),
    )
    expect(plan.warnings.map((w) => w.path)).toEqual([
      ['plan', 'owners', 'byFramework', 'eu-ai-ac'],
    ])
    expect(plan.warnings[0]?.message).toContain('(did you mean "eu-ai-act"?)')
    expect(plan.actions.some((a) => a.owner === 'EU lead')).toBe(false)
  })
})

describe('buildPlan: evidence reuse', () => {
  it('lists evidence that serves more than one framework, directly or through the crosswalk', () => {
    const plan = buildPlan(options())
    expect(plan.reuse.map((r) => r.evidenceId)).toEqual(['data', 'rmf'])
    const data = plan.reuse[0]
    expect(data?.frameworks.map((f) => [f.framework, f.obligations.map((o) => o.id)])).toEqual([
      ['eu-ai-act', ['eu-ai-act:art-10']],
      ['nist-ai-rmf', ['nist-ai-rmf:map-1.1']],
    ])
    expect(data?.frameworks[1]?.obligations[0]?.via).toMatchObject({ from: 'eu-ai-act:art-10' })
    expect(plan.reuse[1]?.frameworks[0]?.obligations.map((o) => o.id)).toEqual([
      'eu-ai-act:art-9',
      'eu-ai-act:art-9.2.a',
    ])
  })

  it('lists nothing when only one framework is planned', () => {
    const plan = buildPlan(options({ targets: ['eu'] }))
    expect(plan.reuse).toEqual([])
    expect(plan.targets.map((t) => t.id)).toEqual(['eu'])
    expect(plan.actions.every((a) => a.framework === 'eu-ai-act')).toBe(true)
  })
})

describe('buildPlan: targets', () => {
  it('lists Korea as not assessed instead of guessing its applicability', () => {
    const plan = buildPlan(options({ targets: ['korea', 'eu'] }))
    const korea = plan.targets[1]
    expect(korea?.id).toBe('korea')
    expect(korea?.assessed).toBe(false)
    expect(korea?.frameworks).toEqual([
      expect.objectContaining({
        framework: 'korea-ai-basic-act',
        assessed: false,
        notAssessed: 'not assessed; classification for this regime is not implemented',
        obligations: [],
      }),
    ])
    expect(plan.actions.some((a) => a.target === 'korea')).toBe(false)
    expect(renderPlanMarkdown(plan)).toContain(
      'not assessed; classification for this regime is not implemented',
    )
  })

  it('does not call a plan for Korea alone "nothing to do": its duties are not assessed', () => {
    const plan = buildPlan(options({ targets: ['korea'] }))
    expect(plan.actions).toEqual([])
    const md = renderPlanMarkdown(plan)
    expect(md).not.toContain('nothing to do')
    expect(md).toContain(
      'No open obligations among the frameworks assessed. Not assessed, so not known to be met: korea-ai-basic-act (see its section below).',
    )
  })

  it('notes the EU classification and the NIST AI 600-1 exclusion', () => {
    const plan = buildPlan(options())
    expect(plan.targets[0]?.notes[0]).toMatch(/^EU AI Act classification: high-risk/)
    expect(plan.targets[1]?.notes).toEqual([
      'nist-ai-600-1: left out, because the manifest declares no generated content.',
    ])
  })
})

describe('renderPlan', () => {
  it('escapes manifest text and is deterministic', () => {
    const evil = manifest({
      owners: { default: '<img src=x onerror=alert(1)> | owner' },
      actions: [{ obligation: 'eu-ai-act:art-4', note: '# not a heading', due: '2026-12-01' }],
    })
    const a = renderPlanFiles(buildPlan(options({ manifest: evil })))
    const b = renderPlanFiles(buildPlan(options({ manifest: evil })))
    expect(a).toEqual(b)
    expect(a.map((f) => f.path)).toEqual(['plan.md', 'plan.html', 'plan.json'])
    const [md, html, json] = a.map((f) => f.content) as [string, string, string]
    expect(md).toContain('\\<img src=x onerror=alert(1)\\> \\| owner')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(JSON.parse(json).actions[0].owner).toBe('<img src=x onerror=alert(1)> | owner')
    expect(md.endsWith('\n') && !md.endsWith('\n\n')).toBe(true)
  })

  it('shows actions in deadline groups, overdue first', () => {
    const md = renderPlanMarkdown(buildPlan(options()))
    const overdue = md.indexOf('### Overdue: in force and not met')
    const upcoming = md.indexOf('### Legal deadline 2027-12-02')
    const voluntary = md.indexOf('### Voluntary: no legal deadline')
    expect(overdue).toBeGreaterThan(0)
    expect(upcoming).toBeGreaterThan(overdue)
    expect(voluntary).toBeGreaterThan(upcoming)
    expect(md).toContain('| A-001 | 2025-02-02 (overdue) | `eu-ai-act:art-4`')
  })
})
