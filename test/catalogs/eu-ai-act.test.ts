/**
 * Content checks of the EU AI Act catalog (catalogs/eu-ai-act/2024-1689.v3.json): it parses with
 * the catalog schema, its structure is sound, and the regulatory content the classifier and the
 * assessor rely on is present and dated correctly under both law versions.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { Catalog, type CatalogNode } from '../../src/core/catalog/schema.js'
import { applicationDate } from '../../src/core/catalog/applicability.js'
import { isKnownFact } from '../../src/core/classify/facts.js'
import { ANNEX_I_ACTS, Manifest, USE_CASES } from '../../src/core/manifest/schema.js'

const FILE = new URL('../../catalogs/eu-ai-act/2024-1689.v3.json', import.meta.url)
const raw: unknown = JSON.parse(readFileSync(FILE, 'utf8'))
const catalog = Catalog.parse(raw)
const byId = new Map(catalog.nodes.map((n) => [n.id, n]))
const URN_PREFIX = 'urn:accord:req:eu-ai-act-2024-1689:'

function node(id: string): CatalogNode {
  const n = byId.get(id)
  if (!n) throw new Error(`node ${id} missing`)
  return n
}

function conditionTags(n: CatalogNode): string[] {
  const c = n.obligation?.applies_when
  return [...(c?.all ?? []), ...(c?.any ?? []), ...(c?.none ?? [])]
}

/** Resolves a dotted manifest path (`humanOversight.stopMechanism`) in the Manifest schema. */
function manifestPathExists(path: string): boolean {
  let schema: z.core.$ZodType = Manifest
  for (const key of path.split('.')) {
    // Unwrap optional/default/nullable/array wrappers until an object is reached.
    for (;;) {
      const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType }
      if (def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type))
        schema = def.innerType
      else if (def.type === 'array')
        schema = (def as unknown as { element: z.core.$ZodType }).element
      else break
    }
    const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> }
    if (def.type !== 'object' || !def.shape || !(key in def.shape)) return false
    schema = def.shape[key]!
  }
  return true
}

describe('EU AI Act catalog: schema and structure', () => {
  it('parses with the Catalog schema and has the agreed header', () => {
    expect(Catalog.safeParse(raw).success).toBe(true)
    expect(catalog.urn).toBe('urn:accord:catalog:eu-ai-act-2024-1689')
    expect(catalog.framework).toBe('eu-ai-act')
    expect(catalog.edition).toBe('2024-1689')
    expect(catalog.$schema).toBe('../schema/catalog.v1.schema.json')
    expect(catalog.law_versions?.map((v) => [v.id, v.in_force_from])).toEqual([
      ['original', '2024-08-01'],
      ['amended-2026-1744', '2026-07-27'],
    ])
    expect(catalog.law_versions?.[1]?.uncertain).toBeTruthy()
  })

  it('has unique ids and URNs that follow the pattern', () => {
    const ids = catalog.nodes.map((n) => n.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const n of catalog.nodes) expect(n.urn).toBe(URN_PREFIX + n.id)
  })

  it('has parents that resolve, appear earlier, and set depth', () => {
    const seen = new Map<string, CatalogNode>()
    for (const n of catalog.nodes) {
      if (n.parent_urn === undefined) expect(n.depth, n.id).toBe(1)
      else {
        const parent = seen.get(n.parent_urn)
        expect(parent, `${n.id} parent ${n.parent_urn}`).toBeDefined()
        expect(n.depth, n.id).toBe(parent!.depth + 1)
      }
      seen.set(n.urn, n)
    }
  })

  it('gives every assessable node an evidence hint and an obligation', () => {
    for (const n of catalog.nodes.filter((x) => x.assessable)) {
      expect(n.evidence_hint, n.id).toBeTruthy()
      expect(n.obligation, n.id).toBeDefined()
    }
  })

  it('uses only known classification facts in applies_when', () => {
    const tags = catalog.nodes.flatMap(conditionTags)
    expect(tags.length).toBeGreaterThan(0)
    for (const tag of tags) expect(isKnownFact(tag), tag).toBe(true)
  })

  it('refers only to declared law versions', () => {
    const versions = new Set(catalog.law_versions?.map((v) => v.id))
    for (const n of catalog.nodes) {
      for (const v of n.law_versions ?? []) expect(versions.has(v), n.id).toBe(true)
      for (const a of n.obligation?.application ?? [])
        expect(versions.has(a.law_version), n.id).toBe(true)
    }
  })

  it('names only manifest fields that exist in the manifest schema', () => {
    expect(manifestPathExists('humanOversight.stopMechanism')).toBe(true)
    expect(manifestPathExists('humanOversight.noSuchField')).toBe(false)
    for (const n of catalog.nodes)
      for (const f of n.manifest_fields ?? [])
        expect(manifestPathExists(f), `${n.id}: ${f}`).toBe(true)
  })

  it('is the current output of scripts/build-eu-catalog.mjs (edit the script, not the JSON)', () => {
    const script = new URL('../../scripts/build-eu-catalog.mjs', import.meta.url)
    // Throws (non-zero exit) when the committed JSON differs from the generator's output.
    expect(() =>
      execFileSync(process.execPath, [fileURLToPath(script), '--check'], { stdio: 'pipe' }),
    ).not.toThrow()
  })

  it('uses the node kinds of the OJ structure', () => {
    expect(node('chapter-iii').kind).toBe('chapter')
    expect(node('chapter-iii.section-2').kind).toBe('section')
    expect(node('art-9').kind).toBe('article')
    expect(node('art-9.2').kind).toBe('paragraph')
    expect(node('art-9.2.a').kind).toBe('point')
    expect(node('art-16.a').kind).toBe('point')
    expect(node('annex-iii').kind).toBe('annex')
    expect(node('annex-i.b').kind).toBe('annex-section')
    expect(node('annex-iii.6.e').kind).toBe('annex-point')
  })

  it('marks synthetic ids as not official', () => {
    expect(node('art-6.3.profiling').official).toBe(false)
    expect(node('art-6.3.a').official).toBe(true)
  })
})

describe('EU AI Act catalog: Art. 4 and Art. 5', () => {
  it('encodes the AI literacy duty for providers and deployers from 2025-02-02', () => {
    const n = node('art-4')
    expect(n.obligation?.roles).toEqual(['provider', 'deployer'])
    expect(n.obligation?.applies_when).toEqual({ all: ['in-scope'] })
    for (const v of ['original', 'amended-2026-1744'])
      expect(applicationDate(catalog, n, v, [])?.from).toBe('2025-02-02')
  })

  const practices: [string, string][] = [
    ['a', 'subliminal-manipulation'],
    ['b', 'exploit-vulnerabilities'],
    ['ba', 'non-consensual-intimate-imagery'],
    ['bb', 'csam-generation'],
    ['c', 'social-scoring'],
    ['d', 'crime-prediction-profiling'],
    ['e', 'untargeted-facial-scraping'],
    ['f', 'emotion-recognition'],
    ['g', 'biometric-categorisation'],
    ['h', 'remote-biometric-identification'],
  ]
  it.each(practices)('has Art. 5(1)(%s) with its use case and own fact', (letter, useCase) => {
    const n = node(`art-5.1.${letter}`)
    expect(n.ref_id).toBe(`Art. 5(1)(${letter})`)
    expect(n.assessable).toBe(false)
    expect(n.use_cases).toEqual([useCase])
    expect(n.obligation?.applies_when).toEqual({ all: [`art-5.1.${letter}`] })
  })

  it('lists exactly the ten Art. 5(1) points', () => {
    const points = catalog.nodes.filter((n) => /^art-5\.1\.[a-z]+$/.test(n.id)).map((n) => n.id)
    expect(points.sort()).toEqual(practices.map(([l]) => `art-5.1.${l}`).sort())
  })

  it('dates points (a)-(h) from 2025-02-02 under both versions', () => {
    for (const l of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
      for (const v of ['original', 'amended-2026-1744'])
        expect(applicationDate(catalog, node(`art-5.1.${l}`), v, [])?.from).toBe('2025-02-02')
  })

  it('has the new points (ba) and (bb) only in the amended text, from 2026-12-02', () => {
    for (const id of ['art-5.1.ba', 'art-5.1.bb', 'art-5.1a', 'art-5.1b'])
      expect(node(id).law_versions).toEqual(['amended-2026-1744'])
    const ba = node('art-5.1.ba')
    expect(applicationDate(catalog, ba, 'original', [])).toBeUndefined()
    expect(applicationDate(catalog, ba, 'amended-2026-1744', [])?.from).toBe('2026-12-02')
    expect(applicationDate(catalog, node('art-5.1.bb'), 'amended-2026-1744', [])?.from).toBe(
      '2026-12-02',
    )
  })

  it('Art. 5(1)(g): the carve-out covers lawfully acquired datasets, not law enforcement as such', () => {
    const summary = node('art-5.1.g').summary
    expect(summary).toMatch(/biometric datasets acquired lawfully/)
    expect(summary).not.toMatch(/and categorisation in law enforcement/)
    expect(summary).toMatch(/law-enforcement use is not otherwise exempt/)
  })

  it('Art. 6(1): marks the amended safety-component definition and Art. 6(1a)-(1c) as not encoded', () => {
    expect(node('art-6.1').uncertain).toMatch(/Art\. 3\(14\)/)
    expect(node('art-6.1').uncertain).toMatch(/6\(1a\) to 6\(1c\)/)
  })

  it('has the (h) exceptions and the safeguards of 5(2)-(7)', () => {
    for (const id of ['art-5.1.h.i', 'art-5.1.h.ii', 'art-5.1.h.iii'])
      expect(node(id).parent_urn).toBe(URN_PREFIX + 'art-5.1.h')
    for (const p of [2, 3, 4, 5, 6, 7]) expect(node(`art-5.${p}`).ref_id).toBe(`Art. 5(${p})`)
    expect(node('art-5.1a').ref_id).toBe('Art. 5(1a)')
  })
})

describe('EU AI Act catalog: classification (Art. 6, Annex I, Annex III)', () => {
  it('has Art. 6 points and the 6(4) documentation duty', () => {
    for (const id of ['art-6.1.a', 'art-6.1.b', 'art-6.2', 'art-6.3.a', 'art-6.3.d'])
      expect(node(id).assessable).toBe(false)
    const n = node('art-6.4')
    expect(n.obligation?.applies_when).toEqual({ all: ['derogation:art-6.3'] })
    expect(applicationDate(catalog, n, 'original', [])?.from).toBe('2026-08-02')
    expect(applicationDate(catalog, n, 'amended-2026-1744', [])?.from).toBe('2027-12-02')
    expect(n.uncertain).toBeTruthy()
  })

  it('maps every Annex I act to a section, machinery moving to Section B when amended', () => {
    for (const act of ANNEX_I_ACTS) {
      const holders = catalog.nodes.filter((n) => n.use_cases?.includes(act))
      expect(holders.length, act).toBeGreaterThan(0)
      for (const h of holders) expect(h.id, act).toMatch(/^annex-i\.[ab]\.\d+$/)
    }
    expect(node('annex-i.a.1').law_versions).toEqual(['original'])
    expect(node('annex-i.b.21').law_versions).toEqual(['amended-2026-1744'])
    expect(node('annex-i.b.21').use_cases).toEqual(['machinery-2023-1230'])
    expect(node('annex-i.b.20').use_cases).toEqual(['civil-aviation-2018-1139'])
  })

  const annexIII: [string, string, string, string[]?][] = [
    [
      'annex-iii.1.a',
      'Annex III 1(a)',
      'remote-biometric-identification',
      ['biometric-verification'],
    ],
    ['annex-iii.1.b', 'Annex III 1(b)', 'biometric-categorisation'],
    ['annex-iii.1.c', 'Annex III 1(c)', 'emotion-recognition'],
    ['annex-iii.2', 'Annex III 2', 'critical-infrastructure-safety'],
    ['annex-iii.3.a', 'Annex III 3(a)', 'education-admission'],
    ['annex-iii.3.b', 'Annex III 3(b)', 'education-evaluation'],
    ['annex-iii.3.c', 'Annex III 3(c)', 'education-level-assessment'],
    ['annex-iii.3.d', 'Annex III 3(d)', 'exam-proctoring'],
    ['annex-iii.4.a', 'Annex III 4(a)', 'recruitment'],
    ['annex-iii.4.b', 'Annex III 4(b)', 'worker-management'],
    ['annex-iii.5.a', 'Annex III 5(a)', 'public-benefits-eligibility'],
    ['annex-iii.5.b', 'Annex III 5(b)', 'creditworthiness', ['fraud-detection']],
    ['annex-iii.5.c', 'Annex III 5(c)', 'life-health-insurance-pricing'],
    ['annex-iii.5.d', 'Annex III 5(d)', 'emergency-call-triage'],
    ['annex-iii.6.a', 'Annex III 6(a)', 'victim-risk-assessment'],
    ['annex-iii.6.b', 'Annex III 6(b)', 'law-enforcement-polygraph'],
    ['annex-iii.6.c', 'Annex III 6(c)', 'evidence-reliability'],
    ['annex-iii.6.d', 'Annex III 6(d)', 'offending-risk-assessment'],
    ['annex-iii.6.e', 'Annex III 6(e)', 'law-enforcement-profiling'],
    ['annex-iii.7.a', 'Annex III 7(a)', 'migration-polygraph'],
    ['annex-iii.7.b', 'Annex III 7(b)', 'migration-risk-assessment'],
    ['annex-iii.7.c', 'Annex III 7(c)', 'asylum-visa-examination'],
    [
      'annex-iii.7.d',
      'Annex III 7(d)',
      'migration-person-identification',
      ['travel-document-verification'],
    ],
    ['annex-iii.8.a', 'Annex III 8(a)', 'judicial-assistance'],
    ['annex-iii.8.b', 'Annex III 8(b)', 'election-influence', ['campaign-logistics']],
  ]

  it('has all 25 Annex III points with their ref_ids and use cases', () => {
    expect(annexIII).toHaveLength(25)
    for (const [id, refId, useCase, excluded] of annexIII) {
      const n = node(id)
      expect(n.ref_id, id).toBe(refId)
      expect(n.use_cases, id).toEqual([useCase])
      expect(n.excluded_use_cases, id).toEqual(excluded)
      expect(n.assessable, id).toBe(false)
      expect(n.obligation, id).toBeUndefined()
    }
    const points = catalog.nodes.filter((n) => /^annex-iii\.(2|[1-8]\.[a-e])$/.test(n.id))
    expect(points).toHaveLength(25)
    const areas = catalog.nodes.filter((n) => /^annex-iii\.[1-8]$/.test(n.id))
    expect(areas).toHaveLength(8)
  })

  it('maps every Annex III use case of the manifest vocabulary exactly once', () => {
    const mapped = catalog.nodes
      .filter((n) => n.id.startsWith('annex-iii.'))
      .flatMap((n) => n.use_cases ?? [])
    const excluded = catalog.nodes.flatMap((n) => n.excluded_use_cases ?? [])
    const annexIIIUseCases = USE_CASES.slice(
      USE_CASES.indexOf('remote-biometric-identification'),
      USE_CASES.indexOf('conversational-agent'),
    ).filter((u) => !excluded.includes(u))
    expect(annexIIIUseCases).toHaveLength(25)
    expect([...mapped].sort()).toEqual([...annexIIIUseCases].sort())
    for (const u of [...mapped, ...excluded]) expect(USE_CASES, u).toContain(u)
  })
})

describe('EU AI Act catalog: obligations', () => {
  const present = [
    'art-8',
    'art-9.1',
    'art-9.2.a',
    'art-9.2.d',
    'art-9.5.c',
    'art-9.6',
    'art-9.8',
    'art-9.9',
    'art-10.1',
    'art-10.2.h',
    'art-10.3',
    'art-10.4',
    'art-10.6',
    'art-11.1',
    'art-12.1',
    'art-12.2.c',
    'art-12.3.d',
    'art-13.1',
    'art-13.2',
    'art-13.3.f',
    'art-13.3.b.vii',
    'art-14.4.e',
    'art-14.5',
    'art-15.1',
    'art-15.3',
    'art-15.4',
    'art-15.5',
    'art-16.a',
    'art-16.l',
    'art-17.1.a',
    'art-17.1.m',
    'art-18',
    'art-19',
    'art-20',
    'art-21',
    'art-22.1',
    'art-22.3.e',
    'art-23',
    'art-24',
    'art-25.4',
    'art-26.1',
    'art-26.12',
    'art-27.1.a',
    'art-27.1.f',
    'art-43',
    'art-47',
    'art-48',
    'art-49.1',
    'art-49.2',
    'art-49.3',
    'art-50.1',
    'art-50.2',
    'art-50.3',
    'art-50.4',
    'art-50.5',
    'art-53.1.a',
    'art-53.1.d',
    'art-54',
    'art-55.1.a',
    'art-55.1.d',
    'art-72',
    'art-73.2',
    'art-73.3',
    'art-73.4',
    'art-73.6',
  ]
  it.each(present)('has obligation %s, assessable, with roles and dates', (id) => {
    const n = node(id)
    expect(n.assessable).toBe(true)
    expect(n.obligation?.roles.length).toBeGreaterThan(0)
    expect(n.obligation?.application.length).toBeGreaterThan(0)
    expect(n.evidence_hint).toBeTruthy()
  })

  it('dates high-risk obligations by route and law version', () => {
    const art9 = node('art-9')
    expect(applicationDate(catalog, art9, 'original', ['annex-iii'])?.from).toBe('2026-08-02')
    expect(applicationDate(catalog, art9, 'original', ['annex-i'])?.from).toBe('2027-08-02')
    expect(applicationDate(catalog, art9, 'amended-2026-1744', ['annex-iii'])?.from).toBe(
      '2027-12-02',
    )
    expect(applicationDate(catalog, art9, 'amended-2026-1744', ['annex-i'])?.from).toBe(
      '2028-08-02',
    )
    expect(
      applicationDate(catalog, node('annex-iv.2.g'), 'amended-2026-1744', ['annex-iii'])?.from,
    ).toBe('2027-12-02')
  })

  it('dates transparency and GPAI obligations', () => {
    for (const v of ['original', 'amended-2026-1744']) {
      expect(applicationDate(catalog, node('art-50.2'), v, [])?.from).toBe('2026-08-02')
      expect(applicationDate(catalog, node('art-53.1.a'), v, [])?.from).toBe('2025-08-02')
    }
    expect(applicationDate(catalog, node('art-50.2'), 'amended-2026-1744', [])?.note).toMatch(
      /2 December 2026/,
    )
  })

  it('scopes obligations with the agreed conditions', () => {
    const when = (id: string) => node(id).obligation?.applies_when
    expect(when('art-9')).toEqual({ all: ['high-risk'], none: ['art-2.2'] })
    expect(when('art-12.3')).toEqual({ all: ['high-risk', 'annex-iii.1.a'], none: ['art-2.2'] })
    expect(when('art-14.5')).toEqual({ all: ['high-risk', 'annex-iii.1.a'], none: ['art-2.2'] })
    expect(when('art-22.1')).toEqual({
      all: ['high-risk', 'provider:third-country'],
      none: ['art-2.2'],
    })
    expect(node('art-22.3.a').obligation?.roles).toEqual(['authorised-representative'])
    expect(node('art-23').obligation?.roles).toEqual(['importer'])
    expect(node('art-24').obligation?.roles).toEqual(['distributor'])
    expect(when('art-26.7')).toEqual({
      all: ['high-risk', 'deployer:workplace'],
      none: ['art-2.2'],
    })
    expect(when('art-26.8')).toEqual({
      all: ['high-risk:annex-iii', 'deployer:public-body'],
      none: ['annex-iii.2'],
    })
    expect(when('art-26.10')?.all).toEqual(
      expect.arrayContaining(['annex-iii.1.a', 'deployer:law-enforcement']),
    )
    expect(when('art-26.11')).toEqual({ all: ['high-risk:annex-iii'] })
    expect(when('art-27')).toEqual({
      all: ['high-risk:annex-iii'],
      any: ['deployer:public-body', 'deployer:public-service', 'annex-iii.5.b', 'annex-iii.5.c'],
      none: ['annex-iii.2'],
    })
    expect(when('art-49.1')).toEqual({ all: ['high-risk:annex-iii'], none: ['annex-iii.2'] })
    expect(when('art-49.2')).toEqual({ all: ['derogation:art-6.3'] })
    expect(when('art-49.3')).toEqual({
      all: ['high-risk:annex-iii', 'deployer:public-body'],
      none: ['annex-iii.2'],
    })
    expect(when('art-50.1')).toEqual({ all: ['art-50.1'] })
    expect(when('art-50.4')).toEqual({ all: ['art-50.4'] })
    expect(when('art-53.1.a')).toEqual({ all: ['gpai'], none: ['gpai:open-source'] })
    expect(when('art-53.1.c')).toEqual({ all: ['gpai'] })
    expect(when('art-54')).toEqual({
      all: ['gpai', 'provider:third-country'],
      none: ['gpai:open-source'],
    })
    expect(when('art-55.1.c')).toEqual({ all: ['gpai-systemic-risk'] })
    expect(node('art-26.3').assessable).toBe(false)
  })

  it('Art. 2(2): every obligation that requires high-risk excludes Annex I Section B-only systems', () => {
    const requiring = catalog.nodes.filter((n) =>
      n.obligation?.applies_when.all?.includes('high-risk'),
    )
    expect(requiring.length).toBeGreaterThan(100)
    for (const n of requiring) expect(n.obligation?.applies_when.none, n.id).toContain('art-2.2')
    // Arts. 102-109 amend the Section B acts (OJ order of the amending articles).
    expect(node('annex-i.b.13').summary).toContain('Art. 102 of the AI Act amends it')
    expect(node('annex-i.b.19').summary).toContain('Art. 109 of the AI Act amends it')
    expect(node('annex-i.b.20').summary).toContain('Art. 108 of the AI Act amends it')
  })

  it('summaries keep the conditions that change who must do what (OJ text)', () => {
    // Art. 43(1): the choice of Annex VI for Annex III point 1 exists only where harmonised
    // standards (or common specifications) were applied; otherwise Annex VII is mandatory.
    expect(node('art-43').summary).toMatch(/only where it has applied harmonised standards/)
    expect(node('art-43').summary).toMatch(/otherwise Annex VII is mandatory/)
    // Art. 50(2), last sentence: three exemptions, not two.
    expect(node('art-50.2').summary).toMatch(/assistive function for standard editing/)
    expect(node('art-50.2').summary).toMatch(/does not substantially alter the input data/)
    expect(node('art-50.2').summary).toMatch(/authorised by law/)
    // Art. 50(4): both subparagraphs exempt uses authorised by law for criminal offences.
    expect(node('art-50.4').summary).toMatch(/authorised by law to detect, prevent, investigate/)
  })

  it('marks provisions replaced or re-pointed by Reg. (EU) 2026/1744 as uncertain', () => {
    // Art. 10(6) cross-refers to Art. 4a(1) once 10(5) is deleted; Art. 25(2) is replaced.
    expect(node('art-10.6').uncertain).toMatch(/Art\. 4a\(1\)/)
    expect(node('art-25').uncertain).toMatch(/Art\. 25\(2\)/)
  })

  it('keeps Art. 10(5) only in the original text and marks Art. 73 dates uncertain', () => {
    expect(node('art-10.5').law_versions).toEqual(['original'])
    for (const id of ['art-73', 'art-73.2', 'art-73.6']) expect(node(id).uncertain).toBeTruthy()
  })

  it('links obligations to the agreed manifest fields', () => {
    const fields = (id: string) => node(id).manifest_fields
    expect(fields('art-9')).toEqual(['riskManagement'])
    expect(fields('art-10')).toEqual(['datasets'])
    expect(fields('art-12')).toEqual(['logging'])
    expect(fields('art-14')).toEqual(['humanOversight'])
    expect(fields('art-15.1')).toEqual(['accuracy'])
    expect(fields('art-15.5')).toEqual(['cybersecurity'])
    expect(fields('art-17')).toEqual(['qualityManagement'])
    expect(fields('art-43')).toEqual(['conformityAssessment'])
    expect(fields('art-47')).toEqual(['declaration'])
    expect(fields('art-72')).toEqual(['postMarketMonitoring'])
    expect(fields('art-73')).toEqual(['incidentResponse'])
  })
})

describe('EU AI Act catalog: Annex IV and Annex V', () => {
  it('has the nine Annex IV points and the sub-items of points 1 and 2 as obligations', () => {
    const ids = [
      ...Array.from({ length: 9 }, (_, i) => `annex-iv.${i + 1}`),
      ...'abcdefgh'.split('').flatMap((l) => [`annex-iv.1.${l}`, `annex-iv.2.${l}`]),
    ]
    for (const id of ids) {
      const n = node(id)
      expect(n.assessable, id).toBe(true)
      expect(n.obligation?.roles, id).toEqual(['provider'])
      expect(n.obligation?.applies_when, id).toEqual({ all: ['high-risk'], none: ['art-2.2'] })
      expect(n.evidence_hint, id).toBeTruthy()
    }
    expect(catalog.nodes.filter((n) => /^annex-iv\.\d$/.test(n.id))).toHaveLength(9)
    expect(node('annex-iv.2.g').ref_id).toBe('Annex IV 2(g)')
    expect(node('annex-iv.1.a').manifest_fields).toEqual([
      'system.intendedPurpose',
      'provider',
      'system.version',
    ])
    expect(node('annex-iv.7').manifest_fields).toEqual(['harmonisedStandards', 'otherStandards'])
  })

  it('has the eight Annex V items as reference nodes with manifest fields', () => {
    for (let i = 1; i <= 8; i++) {
      const n = node(`annex-v.${i}`)
      expect(n.assessable).toBe(false)
      expect(n.manifest_fields?.length).toBeGreaterThan(0)
    }
    expect(byId.has('annex-v.9')).toBe(false)
  })
})
