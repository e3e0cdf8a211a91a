import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { fastEvidence } from '../../../src/core/manifest/evidence-fast.js'
import { parseManifest } from '../../../src/core/manifest/parse.js'
import { Evidence } from '../../../src/core/manifest/schema.js'

const EvidenceList = z.array(Evidence)

const VALID = {
  id: 'risk-register',
  path: 'evidence/risk.md',
  type: 'risk-assessment',
  title: 'Risk register',
  supports: ['eu-ai-act:art-9'],
}

/** A value of every kind, valid or not for some field. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  1.5,
  true,
  false,
  '',
  ' ',
  ' \t\n',
  'x',
  '  padded  ',
  'risk-register',
  'Risk-Register',
  '-lead',
  'a_b',
  '9lives',
  'other',
  'policy',
  'Other',
  'self',
  'third-party',
  'notified-body',
  'nobody',
  '2026-08-02',
  '2024-02-29',
  '2023-02-29',
  '2026-13-01',
  '2026-8-2',
  ' 2026-08-02',
  'eu-ai-act:art-9',
  'EU:art-9',
  'eu-ai-act:',
  ':art-9',
  'eu-ai-act:art 9 ',
  [],
  ['eu-ai-act:art-9'],
  ['eu-ai-act:art-9', 'nist-ai-rmf:map-1.1'],
  ['eu-ai-act:art-9', ''],
  ['eu-ai-act:art-9', 7],
  [null],
  {},
  { a: 1 },
]

const FIELDS = [
  'id',
  'path',
  'type',
  'title',
  'date',
  'validUntil',
  'supports',
  'partial',
  'assessedBy',
]

/** VALID with one field set to each value (or removed), and with an unknown key. */
function variants(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ ...VALID }]
  for (const field of FIELDS) {
    const without: Record<string, unknown> = { ...VALID }
    delete without[field]
    out.push(without)
    for (const value of VALUES) out.push({ ...VALID, [field]: value })
  }
  out.push({ ...VALID, notes: 'x' }, { ...VALID, Title: 'x' })
  // Every optional field given together, valid.
  out.push({ ...VALID, date: '2026-08-02', partial: true, assessedBy: 'notified-body' })
  out.push({ ...VALID, validUntil: '2027-08-01', date: '2026-08-02', assessedBy: 'notified-body' })
  return out
}

/** The outcome of zod: its items as JSON (key order included), or undefined when it fails. */
function zodJson(items: unknown[]): string | undefined {
  const r = EvidenceList.safeParse(items)
  return r.success ? JSON.stringify(r.data) : undefined
}

describe('fastEvidence', () => {
  it('accepts only what zod accepts, and returns exactly what zod returns', () => {
    let accepted = 0
    for (const item of variants()) {
      const fast = fastEvidence([item])
      if (fast === undefined) continue
      accepted++
      expect(zodJson([item]), JSON.stringify(item)).toBe(JSON.stringify(fast))
      expect(fast).toStrictEqual(EvidenceList.parse([item]))
    }
    expect(accepted).toBeGreaterThan(20)
  })

  it('accepts every plain item zod accepts that has no undefined value', () => {
    for (const item of variants()) {
      const plain = Object.values(item).every((v) => v !== undefined)
      if (plain && zodJson([item]) !== undefined) {
        expect(fastEvidence([item]), JSON.stringify(item)).toBeDefined()
      }
    }
  })

  it('leaves to zod what it does not promise to read alike', () => {
    // A key present with the value undefined (zod: absent), objects that are not plain.
    expect(fastEvidence([{ ...VALID, partial: undefined }])).toBeUndefined()
    expect(fastEvidence([{ ...VALID, date: undefined }])).toBeUndefined()
    expect(fastEvidence([Object.assign(Object.create(null) as object, VALID)])).toBeUndefined()
    expect(fastEvidence([JSON.parse('{"__proto__": {"x": 1}}') as unknown])).toBeUndefined()
    expect(fastEvidence([[VALID]])).toBeUndefined()
    expect(fastEvidence({ 0: VALID, length: 1 })).toBeUndefined()
  })

  it('is all or nothing over the list, and keeps the order', () => {
    const b = { ...VALID, id: 'b', path: 'b.md' }
    expect(fastEvidence([VALID, b])?.map((e) => e.id)).toEqual(['risk-register', 'b'])
    expect(fastEvidence([VALID, { ...b, id: 'B' }])).toBeUndefined()
    expect(fastEvidence([])).toEqual([])
  })

  it('reads dates that recur over a list as zod does (each is checked once)', () => {
    const item = (i: number, date: string) => ({ ...VALID, id: `e${i}`, path: `e${i}.md`, date })
    const lists = [
      [item(0, '2026-08-02'), item(1, '2026-08-02'), item(2, '2024-02-29'), item(3, '2026-08-02')],
      [item(0, '2026-08-02'), item(1, '2026-08-02'), item(2, '2023-02-29')],
      [item(0, '2023-02-29'), item(1, '2026-08-02'), item(2, '2023-02-29')],
      [item(0, '2026-08-02'), item(1, ' 2026-08-02'), item(2, '2026-08-02')],
    ]
    const outcomes = lists.map((list) => {
      const fast = fastEvidence(list)
      expect(fast === undefined ? undefined : JSON.stringify(fast)).toBe(zodJson(list))
      return fast !== undefined
    })
    expect(outcomes).toEqual([true, false, false, false])
  })

  it('copies the supports list and trims text as zod does', () => {
    const supports = ['eu-ai-act:art-9']
    const [item] = fastEvidence([{ ...VALID, supports, title: '  Risk register \n' }]) ?? []
    expect(item?.supports).toEqual(supports)
    expect(item?.supports).not.toBe(supports)
    expect(item?.title).toBe('Risk register')
  })
})

describe('parseManifest with a fast loader and a checked evidence list', () => {
  const manifest = (evidence: unknown[]) => ({
    apiVersion: 'accord.dev/v1',
    system: { name: 'S', version: '1', intendedPurpose: 'Ranks job applications.' },
    provider: { name: 'P', country: 'DE', address: 'Berlin', email: 'a@example.com' },
    roles: ['provider'],
    deployment: {
      deployers: 'HR',
      sector: 'employment',
      affectedPersons: ['x'],
      publicBody: false,
    },
    classification: {
      useCases: ['recruitment'],
      outputUsedInEu: true,
      placedOnEuMarket: true,
      exclusivelyMilitaryDefenceNationalSecurity: false,
      profilesNaturalPersons: true,
    },
    evidence,
  })
  // The text is parsed as JSON (which is YAML) by the "fast loader" as well as by `yaml`.
  const both = (data: unknown) => {
    const text = JSON.stringify(data, null, 2)
    const fast = parseManifest(text, 'm.json', { fastLoad: (t) => JSON.parse(t) as unknown })
    const slow = parseManifest(text, 'm.json')
    return { fast, slow }
  }

  it('gives the manifest zod gives, evidence included', () => {
    const { fast, slow } = both(
      manifest([VALID, { ...VALID, id: 'b', path: 'b.md', partial: true, date: '2026-01-02' }]),
    )
    expect(fast.ok).toBe(true)
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow))
  })

  it('reports problems elsewhere in the manifest as before, positions included', () => {
    const bad = manifest([VALID])
    ;(bad.provider as Record<string, unknown>).country = 'de'
    const { fast, slow } = both(bad)
    expect(fast.ok).toBe(false)
    expect(fast).toEqual(slow)
  })

  it('reports problems in the evidence list as before, positions included', () => {
    const { fast, slow } = both(manifest([VALID, { ...VALID, id: 'B', path: 'b.md' }]))
    expect(fast.ok).toBe(false)
    expect(fast).toEqual(slow)
  })
})
