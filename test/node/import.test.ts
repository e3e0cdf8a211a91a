import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { reportError } from '../../src/cli/main.js'
import type { Ctx } from '../../src/cli/common.js'
import { registerExport } from '../../src/cli/commands/export.js'
import { registerImport } from '../../src/cli/commands/import.js'
import { validateCatalog } from '../../src/core/catalog/validate.js'
import { EXIT } from '../../src/core/errors.js'
import {
  importCisoAssistant,
  importCisoAssistantMapping,
  importCycloneDx,
  importModelCard,
  importOscalAssessmentResults,
} from '../../src/node/import.js'
import { exportCisoAssistant, exportSystem } from '../../src/node/export.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'
import { tempDir } from '../tmp.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const FIXTURES = path.join(ROOT, 'test/fixtures/export')
const VENDOR = path.join(SHARED_VENDOR, 'oscal')
const AS_OF = '2026-11-21'
const tmp = () => tempDir('accord-import-')

/** Runs `accord export|import ...` in-process through the commands' register functions. */
async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  let code: number = EXIT.ok
  const ctx: Ctx = {
    io: {
      out: (s) => void (stdout += s),
      err: (s) => void (stderr += s),
      isTty: false,
      today: () => AS_OF,
      nowSeconds: () => 0,
    },
    setExit: (c) => void (code = c),
  }
  const program = new Command().exitOverride().configureOutput({
    writeOut: (s) => void (stdout += s),
    writeErr: (s) => void (stderr += s),
  })
  registerExport(program, ctx)
  registerImport(program, ctx)
  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    code = reportError(err, ctx.io, argv.includes('--json'))
  }
  return { code, stdout, stderr }
}

describe('import model-card', () => {
  it('gives an evidence entry and metrics that map to accuracy and robustness obligations', async () => {
    const r = await importModelCard(path.join(FIXTURES, 'model-card/README.md'), {
      evidencePath: 'evidence/model-card.md',
    })
    expect(r.evidence).toEqual({
      id: 'model-card-tiny-claims-classifier',
      path: 'evidence/model-card.md',
      type: 'model-card',
      title: 'Model card, tiny-claims-classifier',
      supports: [
        'eu-ai-act:art-15.1',
        'eu-ai-act:art-15.4',
        'nist-ai-rmf:measure-2.3',
        'nist-ai-rmf:measure-2.5',
      ],
    })
    const snippet = parse(r.yaml)
    expect(snippet.evidence[0]).toEqual(r.evidence)
    expect(snippet.accuracy.metrics).toHaveLength(5)
    expect(snippet.accuracy.metrics[0]).toMatchObject({
      value: 0.912,
      evidence: 'model-card-tiny-claims-classifier',
    })
  })

  it('CLI: no front matter -> exit 3, the place and the fix, nothing written', async () => {
    const out = path.join(tmp(), 'entry.yaml')
    const r = await cli([
      'import',
      'model-card',
      path.join(FIXTURES, 'model-card-no-front-matter/README.md'),
      '--out',
      out,
    ])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('[ERR_EVIDENCE_IMPORT_INVALID]')
    expect(r.stderr).toMatch(/README\.md:1:1: the model card has no YAML front matter/)
    expect(r.stderr).toMatch(
      /fix: start the model card \(README\.md on the Hugging Face Hub\) with/,
    )
    expect(existsSync(out)).toBe(false)
  })

  it('CLI: the fix speaks of the file given, whatever its name, not of a README.md', async () => {
    const card = path.join(tmp(), 'upstream-model-card.md')
    copyFileSync(path.join(FIXTURES, 'model-card-no-front-matter/README.md'), card)
    const r = await cli(['import', 'model-card', card])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(
      'upstream-model-card.md:1:1: the model card has no YAML front matter',
    )
    expect(r.stderr).toContain('fix: start the model card')
    expect(r.stderr).not.toContain('start README.md')
  })

  it('CLI: writes the snippet with --out and prints it', async () => {
    const out = path.join(tmp(), 'entry.yaml')
    const r = await cli([
      'import',
      'model-card',
      path.join(FIXTURES, 'model-card/README.md'),
      '-o',
      out,
    ])
    expect(r.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(r.stdout)
    expect(r.stderr).toMatch(/metric_not_numeric/)
  })

  it('CLI: an --id the manifest would refuse -> exit 2, for model cards and assessment results', async () => {
    for (const [kind, file] of [
      ['model-card', path.join(FIXTURES, 'model-card/README.md')],
      ['oscal-ar', path.join(VENDOR, 'example_ifa_assessment-results-example.json')],
    ]) {
      const r = await cli(['import', kind as string, file as string, '--id', 'My Card', '--json'])
      expect(r.code).toBe(2)
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: expect.stringMatching(/--id "My Card".*my-card/),
      })
    }
    const ok = await cli([
      'import',
      'model-card',
      path.join(FIXTURES, 'model-card/README.md'),
      '--id',
      'card-2',
      '--json',
    ])
    expect(JSON.parse(ok.stdout).evidence.id).toBe('card-2')
  })

  it('a missing file is an I/O error', async () => {
    const r = await cli(['import', 'model-card', path.join(FIXTURES, 'nope.md')])
    expect(r.code).toBe(EXIT.io)
    expect(r.stderr).toContain('ERR_CONFIG_FILE_NOT_FOUND')
  })
})

describe('import oscal-ar', () => {
  it('round trip: the satisfied findings of an exported AR are the met obligations', async () => {
    const dir = tmp()
    const ar = path.join(dir, 'ar.json')
    const manifest = path.join(ROOT, 'examples/public-chatbot/accord.yaml')
    await exportSystem('oscal-ar', manifest, { out: ar, asOf: AS_OF })
    const doc = JSON.parse(readFileSync(ar, 'utf8'))
    const satisfied = doc['assessment-results'].results[0].findings
      .filter(
        (f: { target: { status: { state: string } } }) => f.target.status.state === 'satisfied',
      )
      .map(
        (f: { props: { name: string; value: string }[] }) =>
          f.props.find((p) => p.name === 'obligation')!.value,
      )
      .sort()
    const r = await importOscalAssessmentResults(ar)
    expect(r.summary.satisfied).toEqual(satisfied)
    expect(r.summary.unmapped).toEqual([])
    expect(r.evidence?.supports).toEqual(satisfied)
    expect(r.evidence?.date).toBe(AS_OF)
  })

  it('never claims an obligation the file also finds not satisfied, nor an unknown obligation', async () => {
    const dir = tmp()
    const ar = path.join(dir, 'ar.json')
    const manifest = path.join(ROOT, 'examples/public-chatbot/accord.yaml')
    await exportSystem('oscal-ar', manifest, { out: ar, asOf: AS_OF })
    const doc = JSON.parse(readFileSync(ar, 'utf8'))
    type Finding = {
      uuid: string
      target: { 'target-id': string; status: { state: string } }
      props: { name: string; value: string }[]
    }
    const result = doc['assessment-results'].results[0]
    const findings = result.findings as Finding[]
    const met = findings.find((f) => f.target.status.state === 'satisfied')!
    const ref = met.props.find((p) => p.name === 'obligation')!.value
    // A second finding on the same target that says not satisfied (a later or another assessor).
    const contra = structuredClone(met)
    contra.uuid = '11111111-1111-4111-8111-111111111111'
    contra.target.status.state = 'not-satisfied'
    // A satisfied finding whose obligation property names nothing in the catalogs.
    const bogus = structuredClone(met)
    bogus.uuid = '11111111-1111-4111-8111-111111111112'
    bogus.target['target-id'] = 'ac-1'
    bogus.props.find((p) => p.name === 'obligation')!.value = 'eu-ai-act:art-999'
    findings.push(contra, bogus)
    writeFileSync(ar, JSON.stringify(doc))
    const r = await importOscalAssessmentResults(ar)
    expect(r.summary.notSatisfied).toContain(ref)
    expect(r.summary.satisfied).not.toContain(ref)
    expect(r.evidence?.supports).not.toContain(ref)
    expect(r.summary.satisfied).not.toContain('eu-ai-act:art-999')
    expect(r.evidence?.supports).not.toContain('eu-ai-act:art-999')
    expect(r.summary.unmapped).toEqual(['ac-1'])
  })

  it('reads NIST’s example AR: valid, but its SP 800-53 targets map to no Accord obligation', async () => {
    const r = await importOscalAssessmentResults(
      path.join(VENDOR, 'example_ifa_assessment-results-example.json'),
    )
    expect(r.summary.results.length).toBeGreaterThan(0)
    expect(r.summary.satisfied).toEqual([])
    expect(r.evidence).toBeUndefined()
  })

  it('CLI: a schema-invalid file -> exit 3 with JSON paths and fixes, nothing written', async () => {
    const out = path.join(tmp(), 'entry.yaml')
    const r = await cli([
      'import',
      'oscal-ar',
      path.join(FIXTURES, 'oscal-ar-invalid.json'),
      '--out',
      out,
      '--json',
    ])
    expect(r.code).toBe(3)
    const err = JSON.parse(r.stdout).error
    expect(err.code).toBe('ERR_EVIDENCE_IMPORT_INVALID')
    expect(err.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'schema_required',
          path: ['assessment-results'],
          hint: 'add the required member "import-ap"',
        }),
        expect.objectContaining({
          code: 'schema_enum',
          path: ['assessment-results', 'results', 0, 'findings', 0, 'target', 'status', 'state'],
          hint: 'use one of: "satisfied", "not-satisfied"',
        }),
      ]),
    )
    expect(existsSync(out)).toBe(false)
  })

  it('rejects JSON that is not an assessment-results document, and broken JSON with its line', async () => {
    await expect(
      importOscalAssessmentResults(path.join(VENDOR, 'example_basic-catalog.json')),
    ).rejects.toMatchObject({
      code: 'ERR_EVIDENCE_IMPORT_INVALID',
      issues: [{ code: 'not_assessment_results' }],
    })
    const file = path.join(tmp(), 'broken.json')
    writeFileSync(file, '{\n  "assessment-results": {,\n}')
    await expect(importOscalAssessmentResults(file)).rejects.toMatchObject({
      issues: [{ code: 'json_syntax', line: 2 }],
    })
  })
})

describe('import cyclonedx', () => {
  it('accepts the ML-BOM Accord exports and lists its models and datasets', async () => {
    const bom = path.join(tmp(), 'bom.json')
    await exportSystem('cyclonedx', path.join(ROOT, 'examples/police-analytics/accord.yaml'), {
      out: bom,
      asOf: AS_OF,
    })
    const r = await importCycloneDx(bom)
    expect(r.models.length).toBeGreaterThan(0)
    expect(r.serialNumber).toMatch(/^urn:uuid:/)
  })

  it('lists models and datasets nested inside other components too', async () => {
    const file = path.join(tmp(), 'nested.json')
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [
        {
          type: 'application',
          name: 'app',
          'bom-ref': 'app',
          components: [
            { type: 'machine-learning-model', name: 'inner-model', version: '2', 'bom-ref': 'm' },
            { type: 'data', name: 'inner-data', 'bom-ref': 'd' },
          ],
        },
        { type: 'machine-learning-model', name: 'top-model', 'bom-ref': 't' },
      ],
    }
    writeFileSync(file, JSON.stringify(bom))
    const r = await importCycloneDx(file)
    expect(r.models).toEqual([
      { name: 'inner-model', version: '2', bomRef: 'm' },
      { name: 'top-model', bomRef: 't' },
    ])
    expect(r.datasets).toEqual([{ name: 'inner-data', bomRef: 'd' }])
  })

  it('CLI: a schema-invalid BOM -> exit 3 naming the bad members', async () => {
    const r = await cli([
      'import',
      'cyclonedx',
      path.join(FIXTURES, 'cyclonedx-invalid.json'),
      '--json',
    ])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).error.issues).toEqual([
      expect.objectContaining({
        code: 'schema_additionalProperties',
        path: ['components', 0],
        hint: expect.stringMatching(/^remove "flavour"/),
      }),
    ])
  })
})

describe('JSON inputs of accord import', () => {
  const bomWith = (body: string) => {
    const file = path.join(tmp(), 'bom.json')
    writeFileSync(file, body)
    return file
  }

  it('CLI: a key given twice -> exit 3 with its line and column, not the last value silently', async () => {
    // JSON.parse would keep "1.6" and accept the BOM; another reader keeps "1.5".
    const file = bomWith(
      '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.5",\n  "specVersion": "1.6"\n}\n',
    )
    const r = await cli(['import', 'cyclonedx', file, '--json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'ERR_EVIDENCE_IMPORT_INVALID',
      issues: [{ code: 'json_duplicate_key', file, line: 4, column: 3 }],
    })
    // Nested objects too: a finding whose state is given twice.
    const ar = path.join(tmp(), 'ar.json')
    await exportSystem('oscal-ar', path.join(ROOT, 'examples/public-chatbot/accord.yaml'), {
      out: ar,
      asOf: AS_OF,
    })
    const text = readFileSync(ar, 'utf8')
    const at = text.indexOf('"state": "not-satisfied"')
    writeFileSync(ar, text.slice(0, at) + '"state": "satisfied", ' + text.slice(at))
    await expect(importOscalAssessmentResults(ar)).rejects.toMatchObject({
      issues: [{ code: 'json_duplicate_key', line: expect.any(Number) }],
    })
  })

  it('CLI: nesting thousands deep -> exit 3 json_too_deep, not a stack overflow (exit 70)', async () => {
    // Schema-valid shapes that the validators follow recursively: nested CycloneDX components.
    const n = 3000
    const nested = '[{"type":"library","name":"x","components":'.repeat(n) + '[]' + '}]'.repeat(n)
    const file = bomWith(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":${nested}}`)
    const r = await cli(['import', 'cyclonedx', file, '--json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).error.issues).toEqual([
      expect.objectContaining({ code: 'json_too_deep', file }),
    ])
    // OSCAL parts nest too (assessment-results local-definitions).
    const ar = path.join(tmp(), 'ar.json')
    await exportSystem('oscal-ar', path.join(ROOT, 'examples/public-chatbot/accord.yaml'), {
      out: ar,
      asOf: AS_OF,
    })
    const doc = JSON.parse(readFileSync(ar, 'utf8'))
    // (spliced in as text: JSON.stringify itself recurses)
    const parts =
      '{"id":"p","name":"x","parts":['.repeat(n) + '{"id":"p","name":"x"}' + ']}'.repeat(n)
    doc['assessment-results']['local-definitions'] = {
      'objectives-and-methods': [{ 'control-id': 'ac-1', parts: ['PARTS'] }],
    }
    writeFileSync(ar, JSON.stringify(doc).replace('"PARTS"', parts))
    const r2 = await cli(['import', 'oscal-ar', ar, '--json'])
    expect(r2.code).toBe(3)
    expect(JSON.parse(r2.stdout).error.issues[0].code).toBe('json_too_deep')
  })

  it('reads a file that starts with a UTF-8 byte order mark', async () => {
    const bom = path.join(tmp(), 'bom.json')
    await exportSystem('cyclonedx', path.join(ROOT, 'examples/police-analytics/accord.yaml'), {
      out: bom,
      asOf: AS_OF,
    })
    const file = bomWith('\uFEFF' + readFileSync(bom, 'utf8'))
    expect((await importCycloneDx(file)).models.length).toBeGreaterThan(0)
  })

  it('gives the line and column of a syntax error even when V8 names no position, and spots XML', async () => {
    await expect(importCycloneDx(bomWith('{\n  "bomFormat": }'))).rejects.toMatchObject({
      issues: [{ code: 'json_syntax', line: 2, column: 16 }],
    })
    await expect(
      importCycloneDx(
        bomWith('<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>'),
      ),
    ).rejects.toMatchObject({
      issues: [{ code: 'json_syntax', line: 1, column: 1, hint: expect.stringMatching(/XML/) }],
    })
  })
})

describe('import ciso-assistant', () => {
  it('converts a CISO Assistant-shaped library into a catalog that passes validateCatalog', async () => {
    const dir = tmp()
    const out = path.join(dir, 'catalogs/ai-assurance/2.v2.json')
    const r = await importCisoAssistant(path.join(FIXTURES, 'ciso-library.yaml'), {
      out,
      asOf: AS_OF,
    })
    expect(r).toMatchObject({ framework: 'ai-assurance', edition: '2', nodes: 5, assessable: 3 })
    const json = JSON.parse(readFileSync(out, 'utf8'))
    expect(json.$schema).toBe('../schema/catalog.v1.schema.json')
    expect(validateCatalog(json, 'ai-assurance/2.v2.json').ok).toBe(true)
  })

  it('round trip through files: export eu-ai-act, import it back, same ids, URNs and parents', async () => {
    const dir = tmp()
    const lib = path.join(dir, 'eu.yaml')
    await exportCisoAssistant('eu-ai-act', { out: lib })
    const out = path.join(dir, 'eu.json')
    const r = await importCisoAssistant(lib, { out, asOf: AS_OF })
    expect(r).toMatchObject({ framework: 'eu-ai-act', edition: '2024-1689' })
    const original = JSON.parse(
      readFileSync(path.join(ROOT, 'catalogs/eu-ai-act/2024-1689.v3.json'), 'utf8'),
    )
    const back = JSON.parse(readFileSync(out, 'utf8'))
    const pick = (c: { nodes: { id: string; urn: string; parent_urn?: string }[] }) =>
      c.nodes.map((n) => [n.id, n.urn, n.parent_urn])
    expect(pick(back)).toEqual(pick(original))
  })

  it('CLI: a dangling parent -> exit 3 with the node path, nothing written', async () => {
    const dir = tmp()
    const out = path.join(dir, 'broken.json')
    const r = await cli([
      'import',
      'ciso-assistant',
      path.join(FIXTURES, 'ciso-library-bad-parent.yaml'),
      '--out',
      out,
    ])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('[ERR_CATALOG_INVALID]')
    expect(r.stderr).toMatch(/objects\.framework\.requirement_nodes\[1\]\.parent_urn/)
    expect(readdirSync(dir)).toEqual([])
  })

  it('CLI: a YAML file that is not a library -> exit 3 with the missing key', async () => {
    const file = path.join(tmp(), 'x.yaml')
    writeFileSync(file, 'urn: urn:x\nname: X\nobjects: {}\n')
    const r = await cli([
      'import',
      'ciso-assistant',
      file,
      '--out',
      path.join(tmp(), 'x.json'),
      '--json',
    ])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).error.issues[0]).toMatchObject({
      path: ['objects'],
      line: 3,
      message: expect.stringMatching(/missing required field `framework`/),
    })
  })
})

describe('import ciso-assistant (mapping library)', () => {
  it('round trip through files: export eu-ai-act--nist-ai-rmf, import it back, same edges', async () => {
    const dir = tmp()
    const lib = path.join(dir, 'map.yaml')
    await exportCisoAssistant('eu-ai-act--nist-ai-rmf', { out: lib })
    const out = path.join(dir, 'catalogs/mappings/back.v1.json')
    const r = await cli(['import', 'ciso-assistant', lib, '--out', out, '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      urn: 'urn:accord:mapping:eu-ai-act-2024-1689--nist-ai-rmf-1.0',
      warnings: [],
    })
    const original = JSON.parse(
      readFileSync(
        path.join(ROOT, 'catalogs/mappings/eu-ai-act-2024-1689--nist-ai-rmf-1.0.v1.json'),
        'utf8',
      ),
    )
    const back = JSON.parse(readFileSync(out, 'utf8'))
    type Edges = { edges: { source_urn: string; target_urn: string; relation: string }[] }
    const pick = (m: Edges) => m.edges.map((e) => [e.source_urn, e.target_urn, e.relation])
    expect(pick(back)).toEqual(pick(original))
    expect(back.edges.length).toBeGreaterThan(10)
    expect(back.dependencies).toEqual(original.dependencies)
    expect(back.$schema).toBe('../schema/mapping.v1.schema.json')
  })

  it('resolves foreign node URNs by id, skips not_related with a warning', async () => {
    const out = path.join(tmp(), 'mapping.json')
    const r = await importCisoAssistantMapping(path.join(FIXTURES, 'ciso-mapping.yaml'), {
      out,
      asOf: AS_OF,
    })
    expect(r).toMatchObject({ edges: 2 })
    expect(r.warnings.map((w) => w.code)).toEqual(['not_related_skipped', 'no_publication_date'])
    const json = JSON.parse(readFileSync(out, 'utf8'))
    expect(json.edges.map((e: { source_urn: string }) => e.source_urn)).toEqual([
      'urn:accord:req:eu-ai-act-2024-1689:art-9',
      'urn:accord:req:eu-ai-act-2024-1689:art-10',
    ])
    expect(json.edges[1].target_urn).toBe('urn:accord:req:nist-ai-rmf-1.0:map-1.1')
  })

  it('maps onto a catalog imported from CISO Assistant, found by its framework URN', async () => {
    const dir = tmp()
    const catalogs = path.join(dir, 'catalogs')
    await importCisoAssistant(path.join(FIXTURES, 'ciso-library.yaml'), {
      out: path.join(catalogs, 'ai-assurance/2.v2.json'),
      asOf: AS_OF,
    })
    mkdirSync(path.join(catalogs, 'nist-ai-rmf'))
    copyFileSync(
      path.join(ROOT, 'catalogs/nist-ai-rmf/1.0.v1.json'),
      path.join(catalogs, 'nist-ai-rmf/1.0.v1.json'),
    )
    const file = path.join(dir, 'm.yaml')
    writeFileSync(
      file,
      [
        'urn: urn:example:risk:library:mapping-ai-assurance-nist',
        'name: Example checklist to NIST AI RMF',
        "publication_date: '2026-03-01'",
        'objects:',
        '  requirement_mapping_set:',
        '    source_framework_urn: urn:example:risk:framework:ai-assurance-checklist',
        '    target_framework_urn: urn:accord:risk:framework:nist-ai-rmf-1.0',
        '    requirement_mappings:',
        '      - source_requirement_urn: urn:example:risk:req_node:ai-assurance-checklist:gov.1',
        '        target_requirement_urn: urn:accord:risk:req_node:nist-ai-rmf-1.0:govern-1.1',
        '        relationship: equal',
        '',
      ].join('\n'),
    )
    const out = path.join(catalogs, 'mappings/ai-assurance-2--nist-ai-rmf-1.0.v1.json')
    const r = await importCisoAssistantMapping(file, { out, asOf: AS_OF, catalogsDir: catalogs })
    expect(r).toMatchObject({
      urn: 'urn:accord:mapping:ai-assurance-2--nist-ai-rmf-1.0',
      dependencies: ['urn:accord:catalog:ai-assurance-2', 'urn:accord:catalog:nist-ai-rmf-1.0'],
      edges: 1,
    })
    expect(JSON.parse(readFileSync(out, 'utf8')).edges[0]).toMatchObject({
      source_urn: 'urn:accord:req:ai-assurance-2:gov.1',
      target_urn: 'urn:accord:req:nist-ai-rmf-1.0:govern-1.1',
      relation: 'equivalent',
    })
  })

  it('CLI: an unknown node URN -> exit 3 with its path, nothing written', async () => {
    const dir = tmp()
    const r = await cli([
      'import',
      'ciso-assistant',
      path.join(FIXTURES, 'ciso-mapping-unknown-node.yaml'),
      '--out',
      path.join(dir, 'm.json'),
    ])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('[ERR_CATALOG_INVALID]')
    expect(r.stderr).toContain(
      'objects.requirement_mapping_set.requirement_mappings[1].source_requirement_urn',
    )
    expect(readdirSync(dir)).toEqual([])
  })

  it('a framework URN that is no loaded catalog -> ERR_CATALOG_INVALID with its path', async () => {
    const dir = tmp()
    const file = path.join(dir, 'm.yaml')
    writeFileSync(
      file,
      readFileSync(path.join(FIXTURES, 'ciso-mapping.yaml'), 'utf8').replace(
        'target_framework_urn: urn:accord:risk:framework:nist-ai-rmf-1.0',
        'target_framework_urn: urn:intuitem:risk:framework:iso27001-2022',
      ),
    )
    await expect(
      importCisoAssistantMapping(file, { out: path.join(dir, 'm.json'), asOf: AS_OF }),
    ).rejects.toMatchObject({
      code: 'ERR_CATALOG_INVALID',
      issues: [
        expect.objectContaining({
          path: ['objects', 'requirement_mapping_set', 'target_framework_urn'],
        }),
      ],
    })
    expect(readdirSync(dir)).toEqual(['m.yaml'])
  })
})

describe('export CLI', () => {
  it('writes an OSCAL catalog and prints a JSON summary', async () => {
    const out = path.join(tmp(), 'nist.json')
    const r = await cli([
      'export',
      'oscal-catalog',
      'nist-ai-rmf',
      '--out',
      out,
      '--json',
      '--as-of',
      AS_OF,
    ])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'oscal-catalog', file: out })
    expect(JSON.parse(readFileSync(out, 'utf8')).catalog.metadata['last-modified']).toBe(
      `${AS_OF}T00:00:00Z`,
    )
  })

  it('needs --out, and a real date', async () => {
    expect((await cli(['export', 'oscal-catalog', 'eu-ai-act'])).code).toBe(EXIT.badArgs)
    const r = await cli([
      'export',
      'oscal-ssp',
      'x.yaml',
      '--out',
      'x.json',
      '--as-of',
      '2026-02-30',
    ])
    expect(r.code).toBe(EXIT.badArgs)
    expect(r.stderr).toContain('ERR_CONFIG_BAD_DATE')
  })

  it('an --as-of outside the OSCAL years 1900-2999 -> exit 2 ERR_CONFIG_BAD_DATE, not exit 70', async () => {
    const dir = tmp()
    const manifest = path.join(ROOT, 'examples/public-chatbot/accord.yaml')
    for (const argv of [
      ['export', 'oscal-catalog', 'eu-ai-act'],
      ['export', 'oscal-ssp', manifest],
      ['export', 'oscal-ar', manifest],
    ]) {
      const out = path.join(dir, 'out.json')
      const r = await cli([...argv, '--out', out, '--as-of', '3000-01-01', '--json'])
      expect(r.code).toBe(2)
      expect(JSON.parse(r.stdout).error.code).toBe('ERR_CONFIG_BAD_DATE')
      expect(existsSync(out)).toBe(false)
    }
    // CycloneDX timestamps have no such limit.
    const bom = path.join(dir, 'bom.json')
    const ok = await cli(['export', 'cyclonedx', manifest, '--out', bom, '--as-of', '3000-01-01'])
    expect(ok.code).toBe(0)
  })

  it('ciso-assistant refuses --as-of (exit 2, nothing written): nothing in the library depends on it', async () => {
    const dir = tmp()
    const out = path.join(dir, 'lib.yaml')
    for (const asOf of ['2026-11-21', '2020-01-01']) {
      const r = await cli([
        'export',
        'ciso-assistant',
        'eu-ai-act',
        '--out',
        out,
        '--as-of',
        asOf,
        '--json',
      ])
      expect(r.code).toBe(EXIT.badArgs)
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: expect.stringContaining('--as-of does not apply to `export ciso-assistant`'),
      })
      expect(existsSync(out)).toBe(false)
    }
    const ok = await cli(['export', 'ciso-assistant', 'eu-ai-act', '--out', out])
    expect(ok.code).toBe(0)
    const help = await cli(['export', 'ciso-assistant', '--help'])
    expect(help.stdout).not.toContain('--as-of')
  })

  it('writes the CycloneDX ML-BOM of an example', async () => {
    const out = path.join(tmp(), 'bom.json')
    const r = await cli([
      'export',
      'cyclonedx',
      path.join(ROOT, 'examples/border-biometrics/accord.yaml'),
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/valid against the CycloneDX 1\.6 JSON schema/)
  })
})
