/**
 * The starter manifest of `accord init` (src/core/manifest/starter.ts): valid as written, with
 * a placeholder warning for each answer it cannot know, every section of the schema present, the
 * commented examples valid once uncommented, and the use-case vocabulary cited from the catalog.
 * An independent reader (Python's PyYAML + jsonschema against schema/manifest.v1.schema.json)
 * accepts it too.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/core/catalog/schema.js'
import { parseManifest } from '../../../src/core/manifest/parse.js'
import { Manifest, USE_CASES } from '../../../src/core/manifest/schema.js'
import {
  STARTER_DEFAULT_ANSWERS,
  STARTER_SECTIONS,
  answersToCheck,
  starterManifest,
  useCaseCitations,
  type StarterInput,
} from '../../../src/core/manifest/starter.js'
import { loadCatalogSet } from '../../../src/node/catalog-loader.js'
import { pythonWith } from '../../independent/python.js'
import { checkEvidenceRefs } from '../../../src/node/pipeline.js'
import type { CatalogSet } from '../../../src/core/catalog/types.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
let set: CatalogSet
let eu: Catalog

beforeAll(async () => {
  set = await loadCatalogSet()
  eu = set.catalogs.get('eu-ai-act') as Catalog
})

const input = (over: Partial<StarterInput> = {}): StarterInput => ({
  system: { name: 'Sentinel', version: '2.0.0' },
  provider: { name: 'Acme Vision Ltd', country: 'US' },
  schemaRef: '../schema/manifest.v1.schema.json',
  euCatalog: eu,
  ...over,
})

function read(text: string) {
  const result = parseManifest(text, 'accord.yaml')
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2))
  return result
}

describe('starterManifest', () => {
  it('is a valid manifest whose only warnings are its placeholders, one per unknown answer', () => {
    const { manifest, warnings } = read(starterManifest(input()))
    expect(manifest.system).toMatchObject({ name: 'Sentinel', version: '2.0.0' })
    expect(manifest.provider).toMatchObject({ name: 'Acme Vision Ltd', country: 'US' })
    expect(manifest.roles).toEqual(['provider'])
    expect(manifest.classification.useCases).toEqual(['other'])
    expect(warnings.map((w) => w.code)).toEqual(Array(6).fill('placeholder_text'))
    expect(warnings.map((w) => w.path.join('.'))).toEqual([
      'system.intendedPurpose',
      'provider.address',
      'provider.email',
      'deployment.deployers',
      'deployment.sector',
      'deployment.affectedPersons.0',
    ])
    // Each warning points at the line of its value.
    const lines = starterManifest(input()).split('\n')
    for (const w of warnings) expect(lines[(w.line as number) - 1]).toMatch(/TODO|example\.invalid/)
  })

  it('uses what was given instead of placeholders, and is the same bytes for the same input', () => {
    const given = input({
      provider: { name: 'Acme', country: 'DE', email: 'ai@acme.example' },
      roles: ['provider', 'deployer'],
      useCases: ['law-enforcement-profiling', 'conversational-agent'],
    })
    const text = starterManifest(given)
    expect(starterManifest(given)).toBe(text)
    const { manifest, warnings } = read(text)
    expect(manifest.provider.email).toBe('ai@acme.example')
    expect(manifest.roles).toEqual(['provider', 'deployer'])
    expect(manifest.classification.useCases).toEqual([
      'law-enforcement-profiling',
      'conversational-agent',
    ])
    // The answers the use cases imply, so the starter does not contradict itself.
    expect(manifest.classification.profilesNaturalPersons).toBe(true)
    expect(manifest.classification.interactsWithNaturalPersons).toBe(true)
    expect(warnings.map((w) => w.path.join('.'))).not.toContain('provider.email')
    // An EU provider needs no authorised representative: the commented block is left out.
    expect(text).not.toContain('authorisedRepresentative')
    expect(starterManifest(input())).toContain('# authorisedRepresentative:')
  })

  it('is valid, without errors, for every use case of the vocabulary', () => {
    for (const useCase of USE_CASES) {
      const { warnings } = read(starterManifest(input({ useCases: [useCase] })))
      expect(
        warnings.filter((w) => w.code !== 'placeholder_text'),
        useCase,
      ).toEqual([])
    }
  })

  it('keeps names with YAML syntax, quotes and line breaks as given', () => {
    for (const name of [
      'Sentinel: Watch',
      '#1 "quoted"',
      "it's",
      '- dash',
      'a\nb',
      'yes',
      '0x1F',
    ]) {
      const { manifest } = read(
        starterManifest(
          input({ system: { name, version: '1' }, provider: { name, country: 'FR' } }),
        ),
      )
      expect(manifest.system.name).toBe(name)
      expect(manifest.provider.name).toBe(name)
    }
  })

  it('writes each answer it names for checking, commented, at its place', () => {
    const text = starterManifest(input())
    const { manifest } = read(text)
    const answers = answersToCheck(manifest)
    expect(Object.keys(answers)).toEqual([...STARTER_DEFAULT_ANSWERS])
    for (const p of STARTER_DEFAULT_ANSWERS) {
      const value = answers[p]
      expect(value, p).toBeDefined()
      // The line before each is the comment that says what is asked.
      const lines = text.split('\n')
      const at = lines.findIndex((l) => l.startsWith(`  ${p.split('.').at(-1)}: `))
      expect(at, p).toBeGreaterThan(0)
      expect(lines[at - 1], p).toMatch(/^ {2}# /)
    }
  })

  it('writes every top-level field of the manifest schema, as a key or a commented example', () => {
    const text = starterManifest(input())
    const keys = Object.keys(Manifest.shape).filter((k) => k !== '$schema')
    for (const key of keys) expect(text, key).toMatch(new RegExp(`^(# )?${key}:`, 'm'))
  })

  it('has commented examples that are valid once uncommented, evidence ids in the catalogs', async () => {
    const { manifest } = read(starterManifest(input()))
    const data: Record<string, unknown> = parse(starterManifest(input()))
    for (const s of STARTER_SECTIONS) data[s.key] = s.example
    const parsed = Manifest.safeParse(data)
    expect(parsed.error?.issues).toBeUndefined()
    expect(Object.keys(data).length).toBeGreaterThan(Object.keys(manifest).length - 1)
    // The text holds each example as YAML with "# " before every line.
    const text = starterManifest(input())
    for (const s of STARTER_SECTIONS) {
      const block = stringify({ [s.key]: s.example }, { lineWidth: 0 })
        .trimEnd()
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n')
      expect(text, s.key).toContain(`\n${block}\n`)
    }
    expect(await checkEvidenceRefs(parsed.data as Manifest, text, 'accord.yaml', set)).toEqual([])
  })

  it('lists the vocabulary with the points the catalog gives each use case', () => {
    const citations = new Map(useCaseCitations(eu).map((c) => [c.useCase, c]))
    expect([...citations.keys()]).toEqual([...USE_CASES])
    expect(citations.get('remote-biometric-identification')?.points).toEqual([
      'Art. 5(1)(h)',
      'Annex III 1(a)',
    ])
    expect(citations.get('fraud-detection')).toMatchObject({
      points: [],
      excludedFrom: ['Annex III 5(b)'],
    })
    expect(citations.get('deep-fake-generation')?.points).toEqual(['Art. 50(2)', 'Art. 50(4)'])
    expect(citations.get('csam-generation')?.points).toEqual(['Art. 5(1)(bb)'])
    // Every Annex III point's use cases are in the list with that point.
    const text = starterManifest(input())
    for (const node of eu.nodes.filter((n) => n.ref_id.startsWith('Annex III ')))
      for (const u of node.use_cases ?? [])
        expect(text).toMatch(
          new RegExp(`^#   ${u} +.*${node.ref_id.replace(/[()]/g, '\\$&')}`, 'm'),
        )
  })
})

describe('starterManifest read by an independent checker (PyYAML + jsonschema)', () => {
  const python = pythonWith(['yaml', 'jsonschema'])

  it.skipIf(python === undefined)('validates against schema/manifest.v1.schema.json', () => {
    const script = `
import json, sys, yaml
from jsonschema import Draft202012Validator, FormatChecker
schema = json.load(open(sys.argv[1]))
errors = []
for text in json.load(sys.stdin):
    doc = yaml.safe_load(text)
    errors.append([e.message for e in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(doc)])
print(json.dumps(errors))
`
    const texts = [
      starterManifest(input()),
      starterManifest(input({ useCases: ['law-enforcement-profiling'], roles: ['deployer'] })),
      starterManifest(input({ system: { name: 'a: "b"', version: '1' } })),
    ]
    const out = execFileSync(
      python as string,
      ['-c', script, path.join(ROOT, 'schema', 'manifest.v1.schema.json')],
      { input: JSON.stringify(texts), encoding: 'utf8' },
    )
    expect(JSON.parse(out)).toEqual([[], [], []])
  })
})
