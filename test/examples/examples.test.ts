/**
 * The bundled example systems under examples/: each manifest is valid, its evidence and model
 * artifacts exist inside its folder, and its `supports` references name obligations that the
 * bundled catalogs define (catalogs/eu-ai-act, catalogs/nist-ai-rmf).
 */
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { Manifest } from '../../src/core/manifest/schema.js'

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))
const SCHEMA_COMMENT = '# yaml-language-server: $schema=../../schema/manifest.v1.schema.json'
const EXPECTED = ['border-biometrics', 'police-analytics', 'public-chatbot']
/** Examples that are high-risk systems and so must keep logs at least six months (Art. 19, 26(6)). */
const HIGH_RISK = new Set(['border-biometrics', 'police-analytics'])

/** The bundled catalogs whose node ids evidence may cite (see the id convention in docs). */
const CATALOG_FILES = ['eu-ai-act/2024-1689.v3.json', 'nist-ai-rmf/1.0.v1.json']
const REF_FORM = /^([a-z0-9-]+):([a-z0-9][a-z0-9.-]*)$/

/** Every `framework:id` that the bundled catalogs define. */
function loadCatalogRefs(): Set<string> {
  const refs = new Set<string>()
  for (const file of CATALOG_FILES) {
    const url = new URL(`../../catalogs/${file}`, import.meta.url)
    const catalog = JSON.parse(readFileSync(url, 'utf8')) as {
      framework: string
      nodes: { id: string }[]
    }
    for (const node of catalog.nodes) refs.add(`${catalog.framework}:${node.id}`)
  }
  return refs
}
const CATALOG_REFS = loadCatalogRefs()

/** True when `target` lies strictly below `root` (the folder itself is not a file inside it). */
function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

function dirSize(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    total += entry.isDirectory() ? dirSize(p) : statSync(p).size
  }
  return total
}

interface LoadedExample {
  dir: string
  text: string
  /** The parsed manifest, or undefined when it is not valid YAML or fails the schema. */
  manifest: Manifest | undefined
  problem: string | undefined
}

function loadExample(name: string): LoadedExample {
  const dir = path.join(EXAMPLES, name)
  const file = path.join(dir, 'accord.yaml')
  if (!existsSync(file)) return { dir, text: '', manifest: undefined, problem: 'no accord.yaml' }
  const text = readFileSync(file, 'utf8')
  const doc = parseDocument(text)
  if (doc.errors.length > 0) {
    return { dir, text, manifest: undefined, problem: doc.errors.map((e) => e.message).join('\n') }
  }
  const parsed = Manifest.safeParse(doc.toJS())
  return parsed.success
    ? { dir, text, manifest: parsed.data, problem: undefined }
    : { dir, text, manifest: undefined, problem: z.prettifyError(parsed.error) }
}

/** Stands in for a manifest that failed to load, so the remaining tests still collect. */
const PLACEHOLDER = {
  apiVersion: 'accord.dev/v1',
  system: { name: 'invalid', version: '0', intendedPurpose: 'invalid' },
  provider: { name: 'invalid', country: 'DE', address: 'invalid', email: 'invalid@example.org' },
  roles: ['provider'],
  deployment: {
    deployers: 'invalid',
    sector: 'invalid',
    affectedPersons: ['x'],
    publicBody: false,
  },
  classification: {
    useCases: ['other'],
    outputUsedInEu: false,
    placedOnEuMarket: false,
    exclusivelyMilitaryDefenceNationalSecurity: false,
    profilesNaturalPersons: false,
  },
}

/** Folders of examples/ that are not systems: buyers' questionnaires (`accord answer`). */
const NOT_SYSTEMS = ['questionnaires']

const names = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !NOT_SYSTEMS.includes(e.name))
  .map((e) => e.name)
  .sort()

describe('examples/', () => {
  it('holds the three bundled example systems, each with a manifest', () => {
    expect(names).toEqual(EXPECTED)
    for (const name of names)
      expect(existsSync(path.join(EXAMPLES, name, 'accord.yaml'))).toBe(true)
  })

  it('stays under 1 MiB in total', () => {
    expect(dirSize(EXAMPLES)).toBeLessThan(1024 * 1024)
  })

  it('has a README that names every example', () => {
    const readme = readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8')
    for (const name of [...names, ...NOT_SYSTEMS]) expect(readme).toContain(`${name}/`)
  })

  it('holds the police questionnaire as YAML and as a workbook, and nothing else', () => {
    expect(readdirSync(path.join(EXAMPLES, 'questionnaires')).sort()).toEqual([
      'police-procurement.xlsx',
      'police-procurement.yaml',
    ])
  })
})

describe.each(names)('examples/%s', (name) => {
  const example = loadExample(name)
  const { dir } = example
  const manifest = example.manifest ?? Manifest.parse(PLACEHOLDER)

  it('parses as YAML and passes the Manifest schema', () => {
    expect(example.problem, `${name}/accord.yaml:\n${example.problem}`).toBeUndefined()
    expect(example.manifest?.apiVersion).toBe('accord.dev/v1')
  })

  it('starts with the yaml-language-server schema comment', () => {
    expect(example.text.split('\n')[0]).toBe(SCHEMA_COMMENT)
  })

  it('has unique evidence ids', () => {
    const ids = manifest.evidence.map((e) => e.id)
    expect(ids.length).toBeGreaterThan(0)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it.each(manifest.evidence.map((e) => [e.id, e] as const))(
    'evidence %s is a non-empty file inside the example folder',
    (_id, item) => {
      const target = path.resolve(dir, item.path)
      expect(isInside(dir, target), `${item.path} escapes ${name}/`).toBe(true)
      expect(existsSync(target), `${item.path} is missing`).toBe(true)
      const stat = statSync(target)
      expect(stat.isFile()).toBe(true)
      expect(stat.size).toBeGreaterThan(0)
      const content = readFileSync(target, 'utf8')
      expect(content).toContain('Fictional example for Accord')
      if (target.endsWith('.json')) expect(() => JSON.parse(content) as unknown).not.toThrow()
    },
  )

  it('cites obligations as framework:id, each defined in the bundled catalogs', () => {
    const refs = manifest.evidence.flatMap((e) => e.supports.map((ref) => `${e.id}: ${ref}`))
    expect(refs.filter((r) => !REF_FORM.test(r.split(': ')[1] ?? ''))).toEqual([])
    expect(refs.filter((r) => !CATALOG_REFS.has(r.split(': ')[1] ?? ''))).toEqual([])
  })

  it('refers only to evidence ids it declares', () => {
    const ids = new Set(manifest.evidence.map((e) => e.id))
    const refs = [
      ...(manifest.accuracy?.metrics ?? []).map((m) => m.evidence),
      ...manifest.datasets.map((d) => d.sheet),
      manifest.classification.derogation?.evidence,
    ].filter((r): r is string => r !== undefined)
    expect(refs.filter((r) => !ids.has(r))).toEqual([])
  })

  it('ships every model artifact it names, inside the example folder', () => {
    for (const model of manifest.models) {
      for (const artifact of model.artifacts) {
        const target = path.resolve(dir, artifact)
        expect(isInside(dir, target), `${artifact} escapes ${name}/`).toBe(true)
        expect(statSync(target).size).toBeGreaterThan(0)
      }
    }
  })

  it.runIf(HIGH_RISK.has(name))('keeps logs for at least six months (high-risk)', () => {
    expect(manifest.logging?.retentionDays ?? 0).toBeGreaterThanOrEqual(183)
    expect(manifest.humanOversight?.measures.length ?? 0).toBeGreaterThan(0)
    expect(manifest.riskManagement?.risks.length ?? 0).toBeGreaterThan(0)
  })
})

describe('reference checks used by this test', () => {
  it('loads both catalogs, so a missing ref is a real gap', () => {
    expect(CATALOG_REFS.has('eu-ai-act:art-9')).toBe(true)
    expect(CATALOG_REFS.has('eu-ai-act:annex-iv.2.g')).toBe(true)
    expect(CATALOG_REFS.has('nist-ai-rmf:measure-2.3')).toBe(true)
    expect(CATALOG_REFS.has('nist-ai-rmf:manage-4.4')).toBe(false)
    expect(REF_FORM.test('art-9')).toBe(false)
    expect(REF_FORM.test('eu-ai-act:Art. 9')).toBe(false)
  })
})
