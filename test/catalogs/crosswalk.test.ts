import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, describe, expect, it } from 'vitest'
import { registerCrosswalk } from '../../src/cli/commands/crosswalk.js'
import { reportError } from '../../src/cli/main.js'
import { assessSystem, DEFAULT_FRAMEWORKS } from '../../src/core/assess/assess.js'
import { crosswalk } from '../../src/core/catalog/crosswalk.js'
import type { CrosswalkResult } from '../../src/core/catalog/crosswalk.js'
import { Mapping } from '../../src/core/catalog/schema.js'
import type { CatalogSet } from '../../src/core/catalog/types.js'
import { buildCatalogSet, validateMapping } from '../../src/core/catalog/validate.js'
import { AccordError } from '../../src/core/errors.js'
import { loadCatalogSet } from '../../src/node/catalog-loader.js'
import { ev, fixtureClassification, fixtureManifest } from '../core/assess/fixture.js'

const ROOT = join(import.meta.dirname, '..', '..', 'catalogs')
const set = await loadCatalogSet(ROOT)
const FRAMEWORKS = ['eu-ai-act', 'iso-42001', 'korea-ai-basic-act', 'nist-ai-600-1', 'nist-ai-rmf']
const MS_SOURCE =
  'Microsoft / NIST AIRC crosswalk (FDIS), transcribed via secondary extracts — re-check against the PDF'

const tmpDirs: string[] = []
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true })
})

/** A copy of the shipped catalogs to break on purpose. */
async function copyCatalogs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-crosswalk-'))
  tmpDirs.push(dir)
  await cp(ROOT, join(dir, 'catalogs'), { recursive: true })
  return join(dir, 'catalogs')
}

describe('the shipped catalogs and crosswalks', () => {
  it('load as five frameworks with a mapping file for every pair (10 pairs)', () => {
    expect([...set.catalogs.keys()].sort()).toEqual(FRAMEWORKS)
    const pairs = new Set(
      set.mappings.map((m) => {
        const fws = m.dependencies.map((u) => [...set.catalogs.values()].find((c) => c.urn === u))
        return fws
          .map((c) => c?.framework)
          .sort()
          .join(' ')
      }),
    )
    expect(set.mappings).toHaveLength(10)
    for (const [i, a] of FRAMEWORKS.entries()) {
      for (const b of FRAMEWORKS.slice(i + 1))
        expect(pairs.has(`${a} ${b}`), `${a} ${b}`).toBe(true)
    }
  })

  it('every edge of every mapping file resolves to a node of its two catalogs', async () => {
    const files = (await readdir(join(ROOT, 'mappings'))).filter((f) => f.endsWith('.json'))
    expect(files).toHaveLength(10)
    const catalogs = [...set.catalogs.values()]
    let edges = 0
    for (const f of files) {
      const json = JSON.parse(await readFile(join(ROOT, 'mappings', f), 'utf8')) as unknown
      const result = validateMapping(json, `mappings/${f}`, catalogs)
      expect(result.ok ? [] : result.issues.map((i) => i.message), f).toEqual([])
      const mapping = Mapping.parse(json)
      // File name agrees with the header: <source>--<target>.v<version>.json.
      expect(f).toBe(`${mapping.urn.slice('urn:accord:mapping:'.length)}.v${mapping.version}.json`)
      for (const e of mapping.edges) {
        expect(set.nodesByUrn.get(e.source_urn)?.node.urn).toBe(e.source_urn)
        expect(set.nodesByUrn.get(e.target_urn)?.node.urn).toBe(e.target_urn)
        expect(e.rationale.length, e.rationale).toBeGreaterThan(10)
        edges++
      }
    }
    expect(edges).toBeGreaterThan(300)
  })

  it('names its source on every edge: the Microsoft/AIRC rows, or accord-analysis', () => {
    for (const m of set.mappings) {
      for (const e of m.edges) expect([MS_SOURCE, 'accord-analysis']).toContain(e.source)
      // Editorial and transcribed edges never claim more than medium confidence or equivalence.
      for (const e of m.edges) expect(e.confidence).not.toBe('high')
    }
    const ms = set.mappings.find((m) => m.urn.endsWith('nist-ai-rmf-1.0--iso-42001-2023'))
    const msEdges = ms?.edges.filter((e) => e.source === MS_SOURCE) ?? []
    expect(msEdges.length).toBeGreaterThanOrEqual(40)
    // Spot checks against the [MS] rows of the fact sheet.
    const has = (s: string, t: string) =>
      msEdges.some(
        (e) =>
          e.source_urn === `urn:accord:req:nist-ai-rmf-1.0:${s}` &&
          e.target_urn === `urn:accord:req:iso-42001-2023:${t}`,
      )
    expect(has('map-5.1', 'clause-6.1.2')).toBe(true)
    expect(has('map-1.5', 'clause-6.1.1')).toBe(true)
    expect(has('govern-6.1', 'a.10.3')).toBe(true)
    expect(has('manage-4.3', 'clause-9.3.2')).toBe(true)
    expect(ms?.sources.some((s) => s.url?.endsWith('NIST_AI_RMF_to_ISO_IEC_42001_Crosswalk.pdf')))
  })

  it('maps information integrity to Art. 50 and CBRN to Art. 55 (AI 600-1 -> EU AI Act)', () => {
    const r = crosswalk(set, { from: 'nist-ai-600-1', to: 'eu-ai-act' })
    const targets = (from: string) =>
      r.edges.filter((e) => e.from.ref === `nist-ai-600-1:${from}`).map((e) => e.to.ref)
    expect(targets('risk-information-integrity')).toEqual(
      expect.arrayContaining(['eu-ai-act:art-50.2', 'eu-ai-act:art-50.4']),
    )
    expect(targets('risk-cbrn')).toContain('eu-ai-act:art-55.1')
  })

  it('maps obscene content to the Art. 5(1)(ba) and (bb) prohibitions of Reg. (EU) 2026/1744', () => {
    const r = crosswalk(set, { from: 'nist-ai-600-1', to: 'eu-ai-act' })
    const edges = r.edges.filter((e) => e.from.ref === 'nist-ai-600-1:risk-obscene-content')
    expect(edges.map((e) => e.to.ref)).toEqual(
      expect.arrayContaining(['eu-ai-act:art-5.1.ba', 'eu-ai-act:art-5.1.bb']),
    )
    // The amended Act does have rules on such content; no rationale may say otherwise.
    for (const e of edges) expect(e.rationale).not.toMatch(/no specific rule/)
  })

  it('relates every one of the 12 risks to at least one AI RMF subcategory', () => {
    const r = crosswalk(set, { from: 'nist-ai-600-1', to: 'nist-ai-rmf' })
    const risks = r.coverage.from.uncovered.filter((ref) => ref.includes(':risk-'))
    expect(risks).toEqual([])
    expect(r.coverage.from).toMatchObject({ assessable: 16, covered: 16, share: 1 })
  })

  it('fails to load with a mapping whose edge points at a missing control, naming file and edge', async () => {
    const dir = await copyCatalogs()
    const file = join(dir, 'mappings', 'nist-ai-rmf-1.0--iso-42001-2023.v1.json')
    const json = JSON.parse(await readFile(file, 'utf8')) as { edges: { target_urn: string }[] }
    ;(json.edges[3] as { target_urn: string }).target_urn = 'urn:accord:req:iso-42001-2023:a.2.9'
    await writeFile(file, JSON.stringify(json, null, 2))
    const err = await loadCatalogSet(dir).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(AccordError)
    expect((err as AccordError).code).toBe('ERR_CATALOG_INVALID')
    const issues = (err as AccordError).issues
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({
      code: 'dangling_target',
      file: 'mappings/nist-ai-rmf-1.0--iso-42001-2023.v1.json',
      path: ['edges', 3, 'target_urn'],
    })
    expect(issues[0]?.message).toMatch(
      /^mapping mappings\/nist-ai-rmf-1\.0--iso-42001-2023\.v1\.json: edge 3 points at "urn:accord:req:iso-42001-2023:a\.2\.9", which is not a node of "urn:accord:catalog:iso-42001-2023"; fix target_urn/,
    )
    expect(issues[0]?.hint).toMatch(/did you mean "urn:accord:req:iso-42001-2023:a\.2\.[0-9]"/)
  })
})

describe('assessment is unchanged by the added catalogs', () => {
  // Only the EU AI Act and NIST AI RMF catalogs and their crosswalk: the set before this change.
  function twoCatalogSet(): CatalogSet {
    const entries = set.refs
      .filter((r) => DEFAULT_FRAMEWORKS.includes(r.framework))
      .map((r) => ({ catalog: set.catalogs.get(r.framework)!, sha256: r.sha256 }))
    const mappings = set.mappings.filter(
      (m) => m.urn === 'urn:accord:mapping:eu-ai-act-2024-1689--nist-ai-rmf-1.0',
    )
    return buildCatalogSet(entries, mappings)
  }
  const evidence = [
    ev('risk', ['eu-ai-act:art-9']),
    ev('tests', ['nist-ai-rmf:measure-2.3'], { partial: true }),
    ev('iso-vv', ['iso-42001:a.6.2.4']),
    ev('gai', ['nist-ai-600-1:risk-confabulation']),
  ]
  const run = (catalogs: CatalogSet, frameworks?: string[]) =>
    assessSystem({
      manifest: fixtureManifest(),
      manifestSha256: 'f'.repeat(64),
      evidence,
      catalogs,
      classification: fixtureClassification(),
      asOf: '2026-09-01',
      ...(frameworks ? { frameworks } : {}),
    })

  it('assesses only eu-ai-act and nist-ai-rmf by default, exactly as with those two alone', () => {
    const all = run(set)
    expect(all.frameworks.map((f) => f.framework)).toEqual(['eu-ai-act', 'nist-ai-rmf'])
    expect(all).toEqual(run(twoCatalogSet()))
    // ISO evidence does not reach NIST through a crosswalk to a framework not assessed.
    const measure = all.obligations.find((o) => o.id === 'nist-ai-rmf:measure-2.1')
    expect(measure?.evidence.map((e) => e.evidenceId)).not.toContain('iso-vv')
  })

  it('assesses ISO/IEC 42001 and AI 600-1 when asked, with crosswalk evidence between them', () => {
    const r = run(set, ['eu-ai-act', 'nist-ai-rmf', 'iso-42001', 'nist-ai-600-1'])
    expect(r.frameworks.map((f) => f.framework)).toEqual([
      'eu-ai-act',
      'iso-42001',
      'nist-ai-600-1',
      'nist-ai-rmf',
    ])
    expect(r.frameworks.find((f) => f.framework === 'iso-42001')).toMatchObject({
      binding: false,
      total: 68,
    })
    const a624 = r.obligations.find((o) => o.id === 'iso-42001:a.6.2.4')
    expect(a624?.status).toBe('met')
    // MEASURE 2.1 -> A.6.2.4 is a "related" edge: ISO evidence gives partial.
    const m21 = r.obligations.find((o) => o.id === 'nist-ai-rmf:measure-2.1')
    expect(m21?.status).toBe('partial')
    expect(m21?.evidence[0]?.via).toMatchObject({ from: 'iso-42001:a.6.2.4', relation: 'related' })
  })

  it('refuses a second law, which has no classifier, and unknown frameworks', () => {
    expect(() => run(set, ['eu-ai-act', 'korea-ai-basic-act'])).toThrow(
      /"korea-ai-basic-act" is a law whose obligations need their own classification/,
    )
    expect(() => run(set, ['nist-ai-rmff'])).toThrow(
      /unknown framework "nist-ai-rmff" to assess \(did you mean "nist-ai-rmf"\?\)/,
    )
  })
})

type CliJson = CrosswalkResult & { error?: { code: string; message: string } }

describe('accord crosswalk (CLI)', () => {
  async function cli(argv: string[]) {
    let stdout = ''
    let stderr = ''
    let exit = 0
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) })
    const io = {
      out: (s: string) => void (stdout += s),
      err: (s: string) => void (stderr += s),
      isTty: false,
      today: () => '2026-11-21',
      nowSeconds: () => 1_800_000_000,
    }
    registerCrosswalk(program, { io, setExit: (c) => (exit = c) })
    try {
      await program.parseAsync(argv, { from: 'user' })
    } catch (err) {
      exit = reportError(err, io, argv.includes('--json'))
    }
    return { exit, stdout, stderr, json: () => JSON.parse(stdout) as CliJson }
  }

  it('prints each edge with relation, confidence, source and rationale, then coverage', async () => {
    const r = await cli(['crosswalk', 'nist-ai-rmf', 'iso-42001'])
    expect(r.exit).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(
      /^Crosswalk nist-ai-rmf -> iso-42001: \d+ edge\(s\) from urn:accord:mapping:nist-ai-rmf-1\.0--iso-42001-2023 v1\n/,
    )
    expect(r.stdout).toContain(
      'nist-ai-rmf:govern-1.1 (GOVERN 1.1)  related  iso-42001:clause-4.1 (Clause 4.1)  [medium]\n' +
        `    source: ${MS_SOURCE}\n    why: `,
    )
    expect(r.stdout).toMatch(
      /\n {2}nist-ai-rmf -> iso-42001: \d+ of 72 \(\d+\.\d%\); equivalent 0, subset 0, superset 0, related \d+;/,
    )
    expect(r.stdout).toMatch(/\n {2}iso-42001 -> nist-ai-rmf: \d+ of 68 /)
  })

  it('--json gives the edges and coverage; the reverse direction reads the file backwards', async () => {
    const fwd = (await cli(['crosswalk', 'nist-ai-rmf', 'iso-42001', '--json'])).json()
    const rev = await cli(['crosswalk', 'iso-42001', 'nist-ai-rmf', '--json'])
    expect(rev.exit).toBe(0)
    const back = rev.json()
    expect(back.mappings[0]?.inverted).toBe(true)
    expect(back.edges).toHaveLength(fwd.edges.length)
    expect(back.coverage.from).toEqual(fwd.coverage.to)
    expect(back.coverage.to).toEqual(fwd.coverage.from)
    expect(fwd.coverage.from.assessable).toBe(72)
    expect(fwd.coverage.to.assessable).toBe(68)
  })

  it('--min-confidence high leaves no edge here, says so, and exits 1', async () => {
    const r = await cli(['crosswalk', 'eu-ai-act', 'iso-42001', '--min-confidence', 'high'])
    expect(r.exit).toBe(1)
    expect(r.stderr).toMatch(/no edge between eu-ai-act and iso-42001 has confidence high/)
  })

  it('an unknown framework is ERR_CONFIG_BAD_ARGS with did-you-mean and the known ids (exit 2)', async () => {
    const r = await cli(['crosswalk', 'iso-4200', 'eu-ai-act'])
    expect(r.exit).toBe(2)
    expect(r.stderr).toContain(
      'error: unknown framework "iso-4200" given as FROM (did you mean "iso-42001"?); known: eu-ai-act, iso-42001, korea-ai-basic-act, nist-ai-600-1, nist-ai-rmf [ERR_CONFIG_BAD_ARGS]',
    )
    const j = await cli(['crosswalk', 'eu-ai-act', 'nope', '--json'])
    expect(j.exit).toBe(2)
    expect(j.json().error).toMatchObject({ code: 'ERR_CONFIG_BAD_ARGS' })
    const bad = await cli(['crosswalk', 'eu-ai-act', 'iso-42001', '--min-confidence', 'sure'])
    expect(bad.exit).toBe(2)
    expect(bad.stderr).toMatch(/--min-confidence "sure"/)
  })

  it('a pair without a mapping file says so, lists the available pairs, and exits 1', async () => {
    const dir = await copyCatalogs()
    await rm(join(dir, 'mappings', 'korea-ai-basic-act-2025--nist-ai-600-1-2024.v1.json'))
    const r = await cli(['crosswalk', 'nist-ai-600-1', 'korea-ai-basic-act', '--catalogs', dir])
    expect(r.exit).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^no crosswalk between nist-ai-600-1 and korea-ai-basic-act: no mapping file in the catalogs connects them\.\nCrosswalks available \(either direction works\): eu-ai-act <-> iso-42001, /,
    )
    const j = await cli([
      'crosswalk',
      'nist-ai-600-1',
      'korea-ai-basic-act',
      '--catalogs',
      dir,
      '--json',
    ])
    expect(j.exit).toBe(1)
    expect(j.json().mappings).toEqual([])
  })

  it('a broken mapping in --catalogs fails with the file and edge (exit 3)', async () => {
    const dir = await copyCatalogs()
    const file = join(dir, 'mappings', 'korea-ai-basic-act-2025--eu-ai-act-2024-1689.v1.json')
    const json = JSON.parse(await readFile(file, 'utf8')) as { edges: { source_urn: string }[] }
    ;(json.edges[0] as { source_urn: string }).source_urn =
      'urn:accord:req:korea-ai-basic-act-2025:art-99'
    await writeFile(file, JSON.stringify(json))
    const r = await cli(['crosswalk', 'korea-ai-basic-act', 'eu-ai-act', '--catalogs', dir])
    expect(r.exit).toBe(3)
    expect(r.stderr).toContain('[ERR_CATALOG_INVALID]')
    expect(r.stderr).toContain(
      'mapping mappings/korea-ai-basic-act-2025--eu-ai-act-2024-1689.v1.json: edge 0 starts at "urn:accord:req:korea-ai-basic-act-2025:art-99"',
    )
  })
})
