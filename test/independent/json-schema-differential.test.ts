/**
 * Differential test of the published JSON Schemas (schema/manifest.v1.schema.json,
 * schema/policy.v1.schema.json) against Accord's own zod validation, with an independent
 * checker: Python `jsonschema` (Draft 2020-12, with its format checker, as editors check formats).
 *
 * Starting from the examples (examples/*\/accord.yaml) and the example policies (policies/*.yaml),
 * it makes many mutations (dropped fields, empty and blank strings, wrong types, enum typos,
 * unknown and misspelt keys, impossible dates, out-of-range numbers) and requires that the schema
 * accepts exactly what the zod schema accepts. Cross-field checks (src/core/manifest/check.ts,
 * src/core/policy/parse.ts) are beyond JSON Schema and not compared, except the few single-field
 * ones the schema states too (listed in CHECKED_BY_SCHEMA).
 *
 * Skipped when no python3 with `jsonschema` is found, unless ACCORD_REQUIRE_INDEPENDENT=1.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { Manifest } from '../../src/core/manifest/schema.js'
import { parseManifest } from '../../src/core/manifest/parse.js'
import { Policy } from '../../src/core/policy/schema.js'
import { parsePolicy } from '../../src/core/policy/parse.js'
import { pythonWith } from './python.js'

const ROOT = new URL('../../', import.meta.url)
const read = (rel: string): string => readFileSync(new URL(rel, ROOT), 'utf8')

const PYTHON = pythonWith(['jsonschema'])

/** Reads JSON [{kind, data}] on stdin, prints one 0/1 verdict per document. */
const CHECKER = `
import json, sys
from jsonschema import Draft202012Validator, FormatChecker
root = sys.argv[1]
validators = {}
for kind in ('manifest', 'policy'):
    with open(root + '/schema/' + kind + '.v1.schema.json') as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validators[kind] = Draft202012Validator(schema, format_checker=FormatChecker())
docs = json.load(sys.stdin)
print(''.join('1' if validators[d['kind']].is_valid(d['data']) else '0' for d in docs))
`

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Path = (string | number)[]
interface Mutation {
  kind: 'manifest' | 'policy'
  source: string
  name: string
  data: Json
}

function* walk(v: Json, at: Path = []): Generator<[Path, Json]> {
  yield [at, v]
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* walk(v[i] as Json, [...at, i])
  else if (v !== null && typeof v === 'object')
    for (const k of Object.keys(v)) yield* walk(v[k] as Json, [...at, k])
}

function container(root: Json, at: Path): Record<string | number, Json> {
  return at.reduce<Json>((o, k) => (o as Record<string | number, Json>)[k] as Json, root) as Record<
    string | number,
    Json
  >
}

function withValue(base: Json, at: Path, value: Json | undefined): Json {
  const copy = structuredClone(base)
  const parent = container(copy, at.slice(0, -1))
  const key = at[at.length - 1] as string | number
  if (value !== undefined) parent[key] = value
  else if (Array.isArray(parent)) parent.splice(key as number, 1)
  else delete parent[key]
  return copy
}

/** Mutations of one document, named `<what> <path>`. */
function mutate(base: Json): [string, Json][] {
  const out: [string, Json][] = [['original', base]]
  for (const [at, v] of walk(base)) {
    if (at.length === 0) continue
    const where = at.join('.')
    const add = (what: string, value: Json | undefined): void => {
      out.push([`${what} ${where}`, withValue(base, at, value)])
    }
    if (typeof at[at.length - 1] === 'string') add('drop', undefined)
    if (typeof v === 'string') {
      add('empty', '')
      add('blank', '   ')
      add('number', 42)
      add('typo', `${v}x`)
      add('upper', v.toUpperCase())
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
        add('impossible-date', '2026-02-30')
        add('month-13', '2026-13-01')
        add('leap-day', '2028-02-29')
      }
    } else if (typeof v === 'number') {
      add('negative', -1)
      add('zero', 0)
      add('fraction', v + 0.5)
      add('huge', 1e30)
      add('string', String(v))
    } else if (typeof v === 'boolean') {
      add('string', 'yes')
      add('null', null)
    } else if (Array.isArray(v)) {
      add('empty-list', [])
      add('scalar', 'x')
    } else if (v !== null && typeof v === 'object') {
      add('unknown-key', { ...v, zzUnknown: 1 })
      const first = Object.keys(v)[0]
      if (first !== undefined) {
        const { [first]: moved, ...rest } = v
        add('misspelt-key', { ...rest, [`${first.slice(0, -1)}_`]: moved as Json })
      }
      add('null', null)
      add('empty-map', {})
    }
  }
  return out
}

const MANIFESTS = ['public-chatbot', 'border-biometrics', 'police-analytics'].map(
  (n) => `examples/${n}/accord.yaml`,
)
const POLICIES = ['allied-defence-integration', 'eu-police-procurement', 'us-federal-agency'].map(
  (n) => `policies/${n}.yaml`,
)

/**
 * `z.url()` is `format: uri`, which Python jsonschema only checks with the optional rfc3987
 * package; those mutations are left out rather than depend on it.
 */
const UNCHECKED_FORMAT = /^\S+ provider\.website$/

/** Mutations the generic ones do not reach: values only Accord's single-field checks refuse. */
const TARGETED: Record<string, [string, Path, Json][]> = {
  'examples/public-chatbot/accord.yaml': [
    ['non-member state', ['deployment', 'memberStates'], ['IE', 'US']],
    ['Greece as EL', ['deployment', 'memberStates'], ['EL', 'GR']],
    ['no such country', ['deployment', 'otherCountries'], ['US', 'XX']],
    ['UK for GB', ['provider', 'country'], 'UK'],
    ['EL among other countries', ['deployment', 'otherCountries'], ['EL']],
    ['unknown region', ['assurance', 'dataResidency'], ['EU', 'QO']],
    [
      'plan action with neither owner nor due',
      ['plan'],
      { actions: [{ obligation: 'eu-ai-act:art-11', note: 'x' }] },
    ],
    [
      'plan action with an owner only',
      ['plan'],
      { actions: [{ obligation: 'eu-ai-act:art-11', owner: 'QA' }] },
    ],
    [
      'plan action with a due date only',
      ['plan'],
      { actions: [{ obligation: 'eu-ai-act:art-*', due: '2027-01-31' }] },
    ],
  ],
  'policies/eu-police-procurement.yaml': [
    [
      'prohibited accepted',
      ['requirements', 'categories', 'eu-ai-act'],
      ['high-risk', 'prohibited'],
    ],
    ['unknown region group', ['assurance', 'dataResidency', 'within'], ['EEU']],
    ['EEA and a country', ['assurance', 'dataResidency', 'within'], ['EEA', 'CH']],
    ['withdrawn country', ['assurance', 'dataResidency', 'within'], ['SU']],
    ['aliases', ['assurance', 'dataResidency', 'within'], ['UK', 'EL']],
    ['both jwks and jwk', ['trust', 'issuers', 0, 'jwk'], { kty: 'OKP', crv: 'Ed25519', x: 'AA' }],
    [
      'jwk only',
      ['trust', 'issuers', 0],
      { name: 'Vendor', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } },
    ],
    ['no issuers', ['trust'], { issuers: [] }],
  ],
}

/**
 * Accord's checks after the zod schema that look at one field or one object, so the JSON Schema
 * states them too; every other later check is cross-field and not compared.
 */
const CHECKED_BY_SCHEMA = new Set([
  'not_an_eu_member_state',
  'trust_empty',
  'key_source',
  'prohibited_category',
  'unknown_region',
  'unknown_country',
])

function mutations(): Mutation[] {
  const all: Mutation[] = []
  for (const [kind, files] of [
    ['manifest', MANIFESTS],
    ['policy', POLICIES],
  ] as const) {
    for (const source of files) {
      const base = parse(read(source)) as Json
      for (const [name, data] of mutate(base)) {
        if (!UNCHECKED_FORMAT.test(name)) all.push({ kind, source, name, data })
      }
      for (const [name, at, value] of TARGETED[source] ?? []) {
        all.push({ kind, source, name: `targeted: ${name}`, data: withValue(base, at, value) })
      }
    }
  }
  return all
}

/** Whether accord accepts `d` as far as JSON Schema can tell: zod plus CHECKED_BY_SCHEMA. */
function accordAccepts(d: Mutation): boolean {
  if (!(d.kind === 'manifest' ? Manifest : Policy).safeParse(d.data).success) return false
  const text = JSON.stringify(d.data)
  const result = d.kind === 'manifest' ? parseManifest(text, d.source) : parsePolicy(text, d.source)
  return result.ok || !result.issues.some((i) => CHECKED_BY_SCHEMA.has(i.code))
}

function schemaVerdicts(docs: Mutation[]): boolean[] {
  const out = execFileSync(PYTHON as string, ['-c', CHECKER, new URL('.', ROOT).pathname], {
    input: JSON.stringify(docs.map(({ kind, data }) => ({ kind, data }))),
    maxBuffer: 64 * 1024 * 1024,
  })
  return [...out.toString().trim()].map((c) => c === '1')
}

describe.skipIf(PYTHON === undefined)(
  'published JSON Schemas vs accord (python jsonschema)',
  () => {
    const docs = mutations()
    const verdicts = PYTHON === undefined ? [] : schemaVerdicts(docs)

    it('checks a few thousand mutations of the examples and example policies', () => {
      expect(docs.length).toBeGreaterThan(3000)
      expect(verdicts).toHaveLength(docs.length)
    })

    it('accepts exactly what accord accepts, cross-field checks aside', () => {
      const disagreements = docs.flatMap((d, i) => {
        const accord = accordAccepts(d)
        return accord === verdicts[i]
          ? []
          : [
              `${d.source}: ${d.name}: accord ${accord ? 'accepts' : 'refuses'}, schema the opposite`,
            ]
      })
      expect(disagreements).toEqual([])
    }, 120_000)

    it('the targeted mutations are refused or accepted by accord as intended', () => {
      const targeted = docs.filter((d) => d.name.startsWith('targeted: '))
      expect(Object.fromEntries(targeted.map((d) => [d.name.slice(10), accordAccepts(d)]))).toEqual(
        {
          'non-member state': false,
          'Greece as EL': true,
          'no such country': false,
          'UK for GB': false,
          'EL among other countries': true,
          'unknown region': false,
          'plan action with neither owner nor due': false,
          'plan action with an owner only': true,
          'plan action with a due date only': true,
          'prohibited accepted': false,
          'unknown region group': false,
          'EEA and a country': true,
          'withdrawn country': false,
          aliases: true,
          'both jwks and jwk': false,
          'jwk only': true,
          'no issuers': false,
        },
      )
    })

    it('accepts the unmutated examples, which accord accepts too', () => {
      docs.forEach((d, i) => {
        if (d.name !== 'original') return
        const text = read(d.source)
        const ok =
          d.kind === 'manifest' ? parseManifest(text, d.source).ok : parsePolicy(text, d.source).ok
        expect([d.source, ok, verdicts[i]]).toEqual([d.source, true, true])
      })
    })
  },
)
