import { cpSync, existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { Spec, Validation } from '@cyclonedx/cyclonedx-library'
import { describe, expect, it } from 'vitest'
import { loadCatalogSet } from '../../src/node/catalog-loader.js'
import {
  buildCisoAssistantExport,
  buildOscalCatalogExport,
  buildSystemExport,
  exportOscalCatalog,
  exportSystem,
  loadSystemExportInput,
  validateOscal,
} from '../../src/node/export.js'
import type { SystemExportInput } from '../../src/core/export/oscal-system.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'
import { tempDir } from '../tmp.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const VENDOR = path.join(SHARED_VENDOR, 'oscal')
const EXAMPLES = ['police-analytics', 'border-biometrics', 'public-chatbot']
const AS_OF = '2026-11-21'

/**
 * An independent validator set up as the vendored README says (draft-07 schemas: the default Ajv
 * class; strict off, unicode regexps on, formats), reading NIST's schema files directly.
 */
function nistValidator(schema: string) {
  const ajv = new Ajv({ strict: false, unicodeRegExp: true, allErrors: true })
  addFormats.default(ajv)
  return ajv.compile(JSON.parse(readFileSync(path.join(VENDOR, schema), 'utf8')) as object)
}
const SCHEMAS = {
  catalog: 'oscal_catalog_schema.json',
  ssp: 'oscal_ssp_schema.json',
  ar: 'oscal_assessment-results_schema.json',
}
const validators = {
  catalog: nistValidator(SCHEMAS.catalog),
  ssp: nistValidator(SCHEMAS.ssp),
  ar: nistValidator(SCHEMAS.ar),
}

function expectValid(kind: keyof typeof validators, doc: unknown): void {
  const v = validators[kind]
  const ok = v(doc)
  expect(v.errors ?? []).toEqual([])
  expect(ok).toBe(true)
}

describe('the validator setup', () => {
  it('accepts NIST’s own example documents', () => {
    expectValid('catalog', readJson(path.join(VENDOR, 'example_basic-catalog.json')))
    expectValid('ssp', readJson(path.join(VENDOR, 'example_ssp-example.json')))
    expectValid('ar', readJson(path.join(VENDOR, 'example_ifa_assessment-results-example.json')))
  })

  it('rejects a deliberately broken document', () => {
    const doc = readJson(path.join(VENDOR, 'example_basic-catalog.json')) as {
      catalog: Record<string, unknown>
    }
    delete (doc.catalog.metadata as Record<string, unknown>)['last-modified']
    expect(validators.catalog(doc)).toBe(false)
    const issues = validateOscal('catalog', doc)
    expect(issues[0]).toMatchObject({
      code: 'schema_required',
      path: ['catalog', 'metadata'],
      hint: 'add the required member "last-modified"',
    })
  })

  it('the vendored copies in schema/vendor are byte-identical to NIST’s', () => {
    for (const file of Object.values(SCHEMAS)) {
      expect(readFileSync(path.join(ROOT, 'schema/vendor/oscal-1.2.1', file))).toEqual(
        readFileSync(path.join(VENDOR, file)),
      )
    }
  })
})

describe('OSCAL catalogs', () => {
  for (const framework of ['eu-ai-act', 'nist-ai-rmf']) {
    it(`${framework} validates and keeps every node`, async () => {
      const set = await loadCatalogSet()
      const built = buildOscalCatalogExport(set, framework, AS_OF)
      const doc = JSON.parse(built.text)
      expectValid('catalog', doc)
      const ids: string[] = []
      const walk = (items: { id?: string; controls?: unknown[]; groups?: unknown[] }[] = []) => {
        for (const it of items) {
          if (it.id) ids.push(it.id)
          walk(it.groups as never)
          walk(it.controls as never)
        }
      }
      walk(doc.catalog.groups)
      walk(doc.catalog.controls)
      const catalog = set.catalogs.get(framework)!
      expect(ids.sort()).toEqual(catalog.nodes.map((n) => n.id).sort())
      expect(doc.catalog.metadata['last-modified']).toBe(`${AS_OF}T00:00:00Z`)
      // Reproducible: the same input gives the same bytes.
      expect(buildOscalCatalogExport(set, framework, AS_OF).text).toBe(built.text)
    })
  }

  it('every loaded catalog (including any added later) exports to a valid OSCAL catalog', async () => {
    const set = await loadCatalogSet()
    for (const framework of set.catalogs.keys()) {
      expectValid('catalog', JSON.parse(buildOscalCatalogExport(set, framework, AS_OF).text))
    }
  })

  it('writes the file atomically and reports it', async () => {
    const out = path.join(tempDir('accord-oscal-'), 'eu.json')
    const result = await exportOscalCatalog('eu-ai-act', { out, asOf: AS_OF })
    expect(result).toMatchObject({ kind: 'oscal-catalog', file: out })
    expectValid('catalog', readJson(out))
    expect(readdirSync(path.dirname(out))).toEqual(['eu.json'])
  })

  it('refuses an unknown framework and writes nothing', async () => {
    const out = path.join(tempDir('accord-oscal-'), 'x.json')
    await expect(
      exportOscalCatalog('no-such-framework', { out, asOf: AS_OF }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
    })
    expect(existsSync(out)).toBe(false)
  })
})

const inputs = new Map<string, Promise<SystemExportInput>>()
function inputOf(example: string): Promise<SystemExportInput> {
  let p = inputs.get(example)
  if (!p) {
    p = loadSystemExportInput(path.join(ROOT, 'examples', example, 'accord.yaml'), {
      asOf: AS_OF,
      generator: { name: 'accord', version: '0.0.0-test' },
    })
    inputs.set(example, p)
  }
  return p
}

describe.each(EXAMPLES)('exports of the %s example', (example) => {
  it('SSP validates against the official schema', async () => {
    const input = await inputOf(example)
    const doc = JSON.parse((await buildSystemExport('oscal-ssp', input)).text)
    expectValid('ssp', doc)
    const reqs = doc['system-security-plan']['control-implementation']['implemented-requirements']
    const applicable = input.assessment.obligations.filter((o) => o.status !== 'not-applicable')
    expect(reqs).toHaveLength(applicable.length)
  })

  it('assessment results validate, with one finding per applicable obligation', async () => {
    const input = await inputOf(example)
    const built = await buildSystemExport('oscal-ar', input)
    const doc = JSON.parse(built.text)
    expectValid('ar', doc)
    const findings = doc['assessment-results'].results[0].findings as {
      target: { 'target-id': string; status: { state: string } }
    }[]
    const met = input.assessment.obligations.filter((o) => o.status === 'met')
    expect(findings.filter((f) => f.target.status.state === 'satisfied')).toHaveLength(met.length)
    expect(built.text).toBe((await buildSystemExport('oscal-ar', input)).text)
  })

  it('CycloneDX ML-BOM validates with the CycloneDX library’s strict 1.6 validator', async () => {
    const input = await inputOf(example)
    const built = await buildSystemExport('cyclonedx', input)
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6)
    expect(await validator.validate(built.text)).toBeNull()
    const bom = JSON.parse(built.text)
    expect(bom.specVersion).toBe('1.6')
    expect(bom.metadata.timestamp).toBe(`${AS_OF}T00:00:00.000Z`)
    const models = bom.components.filter(
      (c: { type: string }) => c.type === 'machine-learning-model',
    )
    expect(models).toHaveLength(input.manifest.models.length)
    const data = bom.components.filter((c: { type: string }) => c.type === 'data')
    expect(data).toHaveLength(input.manifest.datasets.length)
  })
})

describe('CycloneDX bom-refs', () => {
  it('stay unique and reproducible when names slug alike (non-ASCII, case or punctuation)', async () => {
    const base = await inputOf('public-chatbot')
    const manifest = structuredClone(base.manifest)
    const [m1, m2] = manifest.models as [
      (typeof manifest.models)[number],
      (typeof manifest.models)[number],
    ]
    m1.name = '模型甲'
    m2.name = '模型乙'
    m1.version = m2.version = '1'
    const d = manifest.datasets[0] as (typeof manifest.datasets)[number]
    manifest.datasets = [
      { ...d, name: 'Test set' },
      { ...d, name: 'test-set' },
      { ...d, name: '训练集' },
    ]
    const input = { ...base, manifest }
    const text = (await buildSystemExport('cyclonedx', input)).text
    // The library replaces a duplicate bom-ref with a random one: the same input must give the same bytes.
    expect((await buildSystemExport('cyclonedx', input)).text).toBe(text)
    const bom = JSON.parse(text)
    const refs = bom.components.map((c: { 'bom-ref': string }) => c['bom-ref'])
    expect(new Set(refs).size).toBe(5)
    expect(refs.some((r: string) => r.startsWith('BomRef.'))).toBe(false)
    const models = bom.components.filter(
      (c: { type: string }) => c.type === 'machine-learning-model',
    )
    expect(models.map((c: { name: string }) => c.name).sort()).toEqual(['模型乙', '模型甲'])
    for (const c of models) expect(c.modelCard).toBeDefined()
    const data = bom.components.filter((c: { type: string }) => c.type === 'data')
    expect(data).toHaveLength(3)
    for (const c of data) expect(c.data[0].name).toBe(c.name)
    const system = bom.dependencies.find((x: { ref: string }) => x.ref === 'system')
    expect([...system.dependsOn].sort()).toEqual([...refs].sort())
  })
})

describe('OSCAL SSP UUIDs', () => {
  it('stay unique when the manifest lists a model or dataset twice, and unchanged otherwise', async () => {
    const base = await inputOf('public-chatbot')
    const manifest = structuredClone(base.manifest)
    manifest.models = [manifest.models[0]!, structuredClone(manifest.models[0]!)]
    manifest.datasets = [manifest.datasets[0]!, structuredClone(manifest.datasets[0]!)]
    const doc = JSON.parse((await buildSystemExport('oscal-ssp', { ...base, manifest })).text)
    expectValid('ssp', doc)
    const uuids: string[] = []
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === 'uuid' && typeof x === 'string') uuids.push(x)
          else walk(x)
        }
    }
    walk(doc)
    expect(uuids.length).toBeGreaterThan(0)
    expect(new Set(uuids).size).toBe(uuids.length)
    // The first of the two keeps the UUID it has when it is listed once.
    const once = JSON.parse((await buildSystemExport('oscal-ssp', base)).text)
    const uuidOf = (d: typeof doc, title: string) =>
      d['system-security-plan']['system-implementation'].components.find(
        (c: { title: string }) => c.title === title,
      ).uuid
    const title = `${base.manifest.models[0]!.name} ${base.manifest.models[0]!.version}`
    expect(uuidOf(doc, title)).toBe(uuidOf(once, title))
  })
})

describe('exportSystem', () => {
  it('writes an SSP for a manifest', async () => {
    const out = path.join(tempDir('accord-ssp-'), 'ssp.json')
    const r = await exportSystem(
      'oscal-ssp',
      path.join(ROOT, 'examples/public-chatbot/accord.yaml'),
      {
        out,
        asOf: AS_OF,
      },
    )
    expect(r.validatedAgainst).toMatch(/system-security-plan/)
    expectValid('ssp', readJson(out))
  })

  it('fails on a missing manifest without writing', async () => {
    const out = path.join(tempDir('accord-ssp-'), 'ssp.json')
    await expect(
      exportSystem('oscal-ssp', '/nonexistent/accord.yaml', { out, asOf: AS_OF }),
    ).rejects.toMatchObject({
      code: 'ERR_MANIFEST_NOT_FOUND',
    })
    expect(existsSync(out)).toBe(false)
  })
})

describe('OSCAL links built from the manifest', () => {
  it('an evidence file name with spaces, #, %, [] or accents and a website with a space still export', async () => {
    const dir = tempDir('accord-href-')
    cpSync(path.join(ROOT, 'examples/public-chatbot'), dir, { recursive: true })
    const name = 'Évaluation report #1 [v2] 100% ?.md'
    renameSync(path.join(dir, 'evidence/evaluation-report.md'), path.join(dir, 'evidence', name))
    const manifest = path.join(dir, 'accord.yaml')
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8')
        .replace(
          'path: evidence/evaluation-report.md',
          `path: ${JSON.stringify(`evidence/${name}`)}`,
        )
        .replace(
          'website: https://harbourline.example',
          'website: "https://harbourline.example/über uns"',
        ),
    )
    for (const [kind, model, root] of [
      ['oscal-ssp', 'ssp', 'system-security-plan'],
      ['oscal-ar', 'ar', 'assessment-results'],
    ] as const) {
      const out = path.join(dir, `${kind}.json`)
      await exportSystem(kind, manifest, { out, asOf: AS_OF })
      const doc = readJson(out) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
      expectValid(model, doc)
      const hrefs = doc[root]['back-matter'].resources.flatMap(
        (r: { rlinks?: { href: string }[] }) => (r.rlinks ?? []).map((l) => l.href),
      )
      expect(hrefs.map((h: string) => decodeURIComponent(h))).toContain(`evidence/${name}`)
      expect(doc[root].metadata.parties[0].links[0].href).toBe(
        'https://harbourline.example/%C3%BCber%20uns',
      )
    }
  })
})

describe('CISO Assistant export', () => {
  it('exports the crosswalk as a mapping library', async () => {
    const set = await loadCatalogSet()
    const built = buildCisoAssistantExport(set, 'eu-ai-act--nist-ai-rmf')
    expect(built.text).toContain('requirement_mapping_set:')
    expect(built.text).toContain(
      'source_requirement_urn: urn:accord:risk:req_node:eu-ai-act-2024-1689:art-4',
    )
    expect(() => buildCisoAssistantExport(set, 'nope')).toThrow(/neither a framework nor a mapping/)
  })
})

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'))
}
