/**
 * The CI report builders on a hand-made assessment with one obligation of each kind (met,
 * not-applicable, missing, partial, a gap not yet in force, a voluntary gap): which become SARIF
 * results and at which level, the rules, locations and fingerprints; which become JUnit failures
 * and skips, with counts; text XML cannot carry; and where in the manifest each gap points.
 * JUnit documents are read back by an independent parser (Debian's python3, xml.etree).
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildJunit } from '../../../src/core/assess/junit.js'
import {
  buildSarif,
  createManifestPathFinder,
  SARIF_FINGERPRINT,
  type SarifOptions,
} from '../../../src/core/assess/sarif.js'
import type { AssessmentResult, ObligationAssessment } from '../../../src/core/assess/types.js'
import type { ClassificationResult } from '../../../src/core/classify/types.js'
import { fixtureCatalogs, fixtureClassification } from './fixture.js'
import { parseJunit } from './junit-parse.js'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

function ob(
  id: string,
  status: ObligationAssessment['status'],
  extra: Partial<ObligationAssessment> = {},
): ObligationAssessment {
  const framework = id.split(':')[0] as string
  return {
    id,
    urn: `urn:accord:req:${framework}:${id.split(':')[1]}`,
    framework,
    citation: `Cite ${id.split(':')[1]}`,
    title: `Title of ${id}`,
    status,
    reason: `Reason for ${id}.`,
    evidence: [],
    ...(status === 'partial' || status === 'missing' ? { action: `Close ${id}.` } : {}),
    ...extra,
  }
}

function fixture(): { classification: ClassificationResult; result: AssessmentResult } {
  const obligations = [
    ob('eu-ai-act:art-4', 'met', { appliesFrom: '2025-02-02', inForce: true }),
    ob('eu-ai-act:art-5', 'not-applicable', { reason: 'Not applicable to this system.' }),
    ob('eu-ai-act:art-9', 'missing', { appliesFrom: '2026-08-02', inForce: true }),
    ob('eu-ai-act:art-10', 'partial', { appliesFrom: '2026-08-02', inForce: true }),
    ob('eu-ai-act:art-50.2', 'partial', { appliesFrom: '2027-12-02', inForce: false }),
    ob('nist-ai-rmf:govern-1.1', 'missing'),
    ob('nist-ai-rmf:map-1.1', 'met'),
  ]
  const result: AssessmentResult = {
    system: { name: 'Screener', version: '2.1.0' },
    asOf: '2026-09-01',
    manifestSha256: 'f'.repeat(64),
    evidence: [],
    frameworks: [
      {
        framework: 'eu-ai-act',
        name: 'EU AI Act',
        total: 5,
        met: 1,
        partial: 2,
        missing: 1,
        notApplicable: 1,
        readiness: 0.5,
        binding: true,
        gaps: 2,
        gapsUpcoming: 1,
      },
      {
        framework: 'nist-ai-rmf',
        name: 'NIST AI RMF',
        total: 2,
        met: 1,
        partial: 0,
        missing: 1,
        notApplicable: 0,
        readiness: 0.5,
        binding: false,
        gaps: 1,
        gapsUpcoming: 0,
      },
    ],
    obligations,
    gaps: 2,
    gapsUpcoming: 1,
    lawVersion: { id: 'amended-2026-1744', title: 'As amended' },
  }
  const classification: ClassificationResult = {
    system: result.system,
    asOf: result.asOf,
    catalogs: [],
    euAiAct: fixtureClassification(),
  }
  return { classification, result }
}

const OPTIONS: SarifOptions = {
  toolVersion: '1.2.3',
  manifestUri: 'systems/screener/accord.yaml',
  sha256,
}

describe('buildSarif', () => {
  it('reports each gap at its level: missing error, partial warning, not yet in force note', () => {
    const { classification, result } = fixture()
    const run = buildSarif(classification, result, OPTIONS).runs[0]!
    expect(run.results!.map((r) => [r.ruleId, r.kind, r.level])).toEqual([
      ['eu-ai-act:art-9', 'fail', 'error'],
      ['eu-ai-act:art-10', 'fail', 'warning'],
      ['eu-ai-act:art-50.2', 'fail', 'note'],
      ['nist-ai-rmf:govern-1.1', 'fail', 'warning'], // a voluntary framework: one level down
    ])
    // One rule per obligation with a result; each result names its rule by id and index.
    const rules = run.tool.driver.rules!
    expect(rules.map((r) => r.id)).toEqual(run.results!.map((r) => r.ruleId))
    for (const r of run.results!) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId)
    expect(rules[0]!.shortDescription).toEqual({ text: 'Title of eu-ai-act:art-9' })
    expect(rules[0]!.properties).toMatchObject({ framework: 'eu-ai-act', citation: 'Cite art-9' })
    // Without catalogs there is no URL to give.
    expect(rules[0]!.helpUri).toBeUndefined()
    expect(run.tool.driver).toMatchObject({ name: 'accord', version: '1.2.3' })
  })

  it('says the status, the reason, what closes the gap and, when not in force, from when', () => {
    const { classification, result } = fixture()
    const results = buildSarif(classification, result, OPTIONS).runs[0]!.results!
    expect(results[0]!.message.text).toBe(
      'Cite art-9 Title of eu-ai-act:art-9: missing. Reason for eu-ai-act:art-9. Close eu-ai-act:art-9.',
    )
    expect(results[2]!.message.text).toBe(
      'Cite art-50.2 Title of eu-ai-act:art-50.2: partial (applies from 2027-12-02). ' +
        'Reason for eu-ai-act:art-50.2. Close eu-ai-act:art-50.2.',
    )
    expect(results[2]!.properties).toEqual({
      status: 'partial',
      appliesFrom: '2027-12-02',
      inForce: false,
    })
  })

  it('adds met and not-applicable obligations as pass and notApplicable with all', () => {
    const { classification, result } = fixture()
    const run = buildSarif(classification, result, { ...OPTIONS, all: true }).runs[0]!
    expect(run.results!.map((r) => [r.ruleId, r.kind, r.level])).toEqual([
      ['eu-ai-act:art-4', 'pass', 'none'],
      ['eu-ai-act:art-5', 'notApplicable', 'none'],
      ['eu-ai-act:art-9', 'fail', 'error'],
      ['eu-ai-act:art-10', 'fail', 'warning'],
      ['eu-ai-act:art-50.2', 'fail', 'note'],
      ['nist-ai-rmf:govern-1.1', 'fail', 'warning'],
      ['nist-ai-rmf:map-1.1', 'pass', 'none'],
    ])
    expect(run.tool.driver.rules).toHaveLength(7)
  })

  it('points at the manifest, relative to %SRCROOT%, at the line located or line 1', () => {
    const { classification, result } = fixture()
    const run = buildSarif(classification, result, {
      ...OPTIONS,
      locate: (o) => (o.id === 'eu-ai-act:art-9' ? { line: 12, column: 5 } : undefined),
    }).runs[0]!
    const where = run.results!.map((r) => r.locations![0]!.physicalLocation!)
    expect(where[0]).toEqual({
      artifactLocation: { uri: 'systems/screener/accord.yaml', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: 12, startColumn: 5 },
    })
    expect(where[1]!.region).toEqual({ startLine: 1 })
    expect(run.artifacts).toEqual([
      {
        location: { uri: 'systems/screener/accord.yaml', uriBaseId: '%SRCROOT%' },
        roles: ['analysisTarget'],
        hashes: { 'sha-256': 'f'.repeat(64) },
      },
    ])
    // An absolute URI is not resolved against a base.
    const abs = buildSarif(classification, result, {
      ...OPTIONS,
      manifestUri: 'file:///srv/x/accord.yaml',
    }).runs[0]!
    expect(abs.results![0]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({
      uri: 'file:///srv/x/accord.yaml',
      index: 0,
    })
  })

  it('fingerprints a result by obligation and manifest path only', () => {
    const { classification, result } = fixture()
    const fp = (options: SarifOptions) =>
      buildSarif(classification, result, options).runs[0]!.results!.map(
        (r) => r.partialFingerprints![SARIF_FINGERPRINT],
      )
    const base = fp(OPTIONS)
    expect(base[0]).toBe(sha256('eu-ai-act:art-9\u0000systems/screener/accord.yaml'))
    expect(new Set(base).size).toBe(base.length)
    // The line moves, the fingerprint stays; another manifest is another alert.
    expect(fp({ ...OPTIONS, locate: () => ({ line: 40 }) })).toEqual(base)
    expect(fp({ ...OPTIONS, manifestUri: 'other/accord.yaml' })[0]).not.toBe(base[0])
  })

  it('gives the legal text of the law version assessed as help, and no portal front page', () => {
    const catalogs = fixtureCatalogs()
    const eu = catalogs.catalogs.get('eu-ai-act')!
    const { classification, result } = fixture()
    const node = eu.nodes.find((n) => n.id === 'art-9')!
    result.obligations[2] = { ...result.obligations[2]!, urn: node.urn }
    const withUrls = (sources: { title: string; url?: string }[], versionUrl?: string) => ({
      ...catalogs,
      catalogs: new Map([
        ...catalogs.catalogs,
        [
          'eu-ai-act',
          {
            ...eu,
            sources,
            law_versions: [
              {
                id: 'amended-2026-1744',
                title: 'As amended',
                source: 'OJ',
                in_force_from: '2026-07-27',
                ...(versionUrl === undefined ? {} : { url: versionUrl }),
              },
            ],
          },
        ],
      ]),
    })
    const rule = (o: SarifOptions) =>
      buildSarif(classification, result, o).runs[0]!.tool.driver.rules![0]!
    const both = withUrls(
      [{ title: 'Act', url: 'https://law.example/act' }],
      'https://law.example/consolidated',
    )
    expect(rule({ ...OPTIONS, catalogs: both }).helpUri).toBe('https://law.example/consolidated')
    expect(rule({ ...OPTIONS, catalogs: both }).fullDescription).toEqual({ text: node.summary })
    const sourceOnly = withUrls([{ title: 'Act', url: 'https://law.example/act' }])
    expect(rule({ ...OPTIONS, catalogs: sourceOnly }).helpUri).toBe('https://law.example/act')
    // A site's front page, or no URL at all, gives none.
    const portal = withUrls([{ title: 'Portal', url: 'https://law.example' }])
    expect(rule({ ...OPTIONS, catalogs: portal }).helpUri).toBeUndefined()
    expect(rule({ ...OPTIONS, catalogs: withUrls([{ title: 'Act' }]) }).helpUri).toBeUndefined()
  })
})

describe('prohibited practices in the reports', () => {
  const practices = [
    { point: 'Art. 5(1)(c)', nodeId: 'art-5.1.c', appliesFrom: '2025-02-02', inForce: true },
    { point: 'Art. 5(1)(ba)', nodeId: 'art-5.1.ba', appliesFrom: '2027-12-02', inForce: false },
  ]
  const prohibited = () => {
    const { classification, result } = fixture()
    classification.euAiAct = fixtureClassification({
      category: 'prohibited',
      prohibitedPractices: practices,
    })
    return { classification, result }
  }

  it('come first in the SARIF log: an error in force, a note before it applies', () => {
    const { classification, result } = prohibited()
    const run = buildSarif(classification, result, {
      ...OPTIONS,
      locateField: (f) => (f === 'classification.useCases' ? { line: 30, column: 3 } : undefined),
    }).runs[0]!
    const [c, ba, next] = run.results!
    expect([c!.ruleId, c!.kind, c!.level]).toEqual(['eu-ai-act:art-5.1.c', 'fail', 'error'])
    expect([ba!.ruleId, ba!.level]).toEqual(['eu-ai-act:art-5.1.ba', 'note'])
    expect(next!.ruleId).toBe('eu-ai-act:art-9')
    expect(c!.message.text).toMatch(
      /^Art\. 5\(1\)\(c\) Prohibited practice: prohibited practice\. The Act forbids/,
    )
    expect(ba!.message.text).toContain('(applies from 2027-12-02)')
    expect(c!.locations![0]!.physicalLocation!.region).toEqual({ startLine: 30, startColumn: 3 })
    expect(c!.properties).toEqual({
      status: 'prohibited',
      appliesFrom: '2025-02-02',
      inForce: true,
    })
    const rules = run.tool.driver.rules!
    expect(rules.map((r) => r.id)).toEqual(run.results!.map((r) => r.ruleId))
    expect(rules[0]!.properties).toMatchObject({ citation: 'Art. 5(1)(c)', binding: true })
  })

  it('are failing (in force) or skipped test cases first in the EU AI Act suite', () => {
    const { classification, result } = prohibited()
    const doc = parseJunit(buildJunit(classification, result))
    const eu = doc.suites[0]
    expect(eu.attrs).toMatchObject({ tests: '7', failures: '3', skipped: '3' })
    expect(eu.cases[0]).toMatchObject({
      name: 'eu-ai-act:art-5.1.c Prohibited practice',
      kind: 'failure',
      type: 'prohibited',
    })
    expect(eu.cases[1]).toMatchObject({
      name: 'eu-ai-act:art-5.1.ba Prohibited practice',
      kind: 'skipped',
    })
    expect(doc.attrs).toMatchObject({ tests: '9', failures: '4' })
    // With the EU AI Act not assessed, its suite holds the practices alone.
    result.frameworks = result.frameworks.filter((f) => f.framework !== 'eu-ai-act')
    result.obligations = result.obligations.filter((o) => o.framework !== 'eu-ai-act')
    const only = parseJunit(buildJunit(classification, result))
    expect(
      only.suites.map((x: { attrs: { name: string; tests: string } }) => [
        x.attrs.name,
        x.attrs.tests,
      ]),
    ).toEqual([
      ['eu-ai-act', '2'],
      ['nist-ai-rmf', '2'],
    ])
  })
})

describe('createManifestPathFinder', () => {
  const manifest = {
    evidence: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    humanOversight: { measures: ['x'] },
  }
  const find = createManifestPathFinder(manifest, fixtureCatalogs())
  const use = (evidenceId: string, via: 'direct' | 'cross', inheritedFrom?: string) => ({
    evidenceId,
    sha256: '0',
    via:
      via === 'direct'
        ? ('direct' as const)
        : { from: 'x', relation: 'related', source: 's', confidence: 'low' },
    ...(inheritedFrom === undefined ? {} : { inheritedFrom }),
  })

  it('prefers evidence naming the obligation, then an ancestor, then the crosswalk', () => {
    const o = ob('eu-ai-act:art-9', 'partial')
    expect(find({ ...o, evidence: [use('a', 'cross'), use('b', 'direct', 'art-9')] })).toEqual([
      'evidence',
      1,
    ])
    expect(
      find({ ...o, evidence: [use('a', 'cross'), use('b', 'direct', 'x'), use('c', 'direct')] }),
    ).toEqual(['evidence', 2])
    expect(find({ ...o, evidence: [use('a', 'cross')] })).toEqual(['evidence', 0])
  })

  it('then the manifest field that documents it, else the evidence list', () => {
    const o = ob('eu-ai-act:art-9', 'partial', { manifestFields: ['humanOversight.measures'] })
    expect(find(o)).toEqual(['humanOversight', 'measures'])
    expect(find(ob('eu-ai-act:art-9', 'missing'))).toEqual(['evidence'])
  })
})

describe('buildJunit', () => {
  it('has a suite per framework, a case per obligation: failures for gaps in force, skips', () => {
    const { classification, result } = fixture()
    const doc = parseJunit(buildJunit(classification, result))
    expect(doc.tag).toBe('testsuites')
    expect(doc.attrs).toMatchObject({ tests: '7', failures: '3', errors: '0', skipped: '2' })
    const [eu, nist] = doc.suites
    expect(eu.attrs).toEqual({
      name: 'eu-ai-act',
      tests: '5',
      failures: '2',
      errors: '0',
      skipped: '2',
    })
    expect(nist.attrs).toMatchObject({ name: 'nist-ai-rmf', tests: '2', failures: '1' })
    expect(eu.properties).toMatchObject({
      framework: 'EU AI Act',
      binding: 'true',
      asOf: '2026-09-01',
    })
    expect(eu.cases.map((c: { name: string; kind: string }) => [c.name, c.kind])).toEqual([
      ['eu-ai-act:art-4 Title of eu-ai-act:art-4', 'passed'],
      ['eu-ai-act:art-5 Title of eu-ai-act:art-5', 'skipped'],
      ['eu-ai-act:art-9 Title of eu-ai-act:art-9', 'failure'],
      ['eu-ai-act:art-10 Title of eu-ai-act:art-10', 'failure'],
      ['eu-ai-act:art-50.2 Title of eu-ai-act:art-50.2', 'skipped'],
    ])
    expect(eu.cases[0].classname).toBe('eu-ai-act')
    expect(eu.cases[1].message).toBe('Not applicable to this system.')
    expect(eu.cases[2]).toMatchObject({
      message: 'Reason for eu-ai-act:art-9.',
      type: 'missing',
      text: 'Reason for eu-ai-act:art-9.\n\nClose eu-ai-act:art-9.',
    })
    expect(eu.cases[4].message).toBe(
      'applies from 2027-12-02; partial now: Reason for eu-ai-act:art-50.2.',
    )
  })

  it('carries markup as text and replaces what XML 1.0 cannot carry', () => {
    const { classification, result } = fixture()
    const nasty = 'a <b>&amp; ]]> "q" \u0000\u0008 \uFFFF \uD800 end'
    result.obligations[2] = { ...result.obligations[2]!, reason: nasty, title: nasty }
    result.system.name = nasty
    const xml = buildJunit(classification, result)
    const doc = parseJunit(xml)
    const safe = 'a <b>&amp; ]]> "q" \uFFFD\uFFFD \uFFFD \uFFFD end'
    expect(doc.attrs.name).toContain(safe)
    expect(doc.suites[0].cases[2].message).toBe(safe)
    expect(doc.suites[0].cases[2].name).toBe(`eu-ai-act:art-9 ${safe}`)
    expect(doc.suites[0].cases[2].text.startsWith(safe)).toBe(true)
  })

  it('is the same bytes for the same assessment (no timestamps)', () => {
    const a = fixture()
    const b = fixture()
    expect(buildJunit(a.classification, a.result)).toBe(buildJunit(b.classification, b.result))
  })
})
