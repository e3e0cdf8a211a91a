import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { AssessmentResult } from '../../../src/core/assess/types.js'
import type { ClassificationResult } from '../../../src/core/classify/types.js'
import {
  generateDocuments,
  type GenerateDocumentsOptions,
} from '../../../src/core/documents/generate.js'
import { Manifest } from '../../../src/core/manifest/schema.js'
import { buildFixtureCatalogSet } from '../../fixtures/documents/catalogs.js'
import {
  CHATBOT_ASSESSMENT,
  CHATBOT_CLASSIFICATION,
  CHATBOT_MANIFEST,
} from '../../fixtures/documents/chatbot.js'
import {
  HIGH_RISK_ASSESSMENT,
  HIGH_RISK_CLASSIFICATION,
  HIGH_RISK_MANIFEST,
} from '../../fixtures/documents/high-risk.js'
import { rowHeaderProblems } from './html-tables.js'

const GOLDEN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../golden/documents')
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')
const generator = { name: 'accord', version: '0.0.0-test' }

function highRisk(overrides: Partial<GenerateDocumentsOptions> = {}): GenerateDocumentsOptions {
  return {
    manifest: HIGH_RISK_MANIFEST,
    classification: HIGH_RISK_CLASSIFICATION,
    assessment: HIGH_RISK_ASSESSMENT,
    catalogs: buildFixtureCatalogSet(),
    sha256,
    generator,
    ...overrides,
  }
}

function chatbot(overrides: Partial<GenerateDocumentsOptions> = {}): GenerateDocumentsOptions {
  return {
    manifest: CHATBOT_MANIFEST,
    classification: CHATBOT_CLASSIFICATION,
    assessment: CHATBOT_ASSESSMENT,
    catalogs: buildFixtureCatalogSet(),
    sha256,
    generator,
    ...overrides,
  }
}

function doc(options: GenerateDocumentsOptions, path: string): string {
  const found = generateDocuments(options).find((d) => d.path === path)
  if (!found) throw new Error(`no document ${path}`)
  return found.content
}

/** Splits Markdown into sections by heading: heading line -> body up to the next heading. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>()
  let current = ''
  for (const line of markdown.split('\n')) {
    if (/^#{1,6} /.test(line)) {
      current = line
      out.set(current, '')
    } else if (current) out.set(current, (out.get(current) ?? '') + line + '\n')
  }
  return out
}

function headingsWithMarkers(markdown: string): string[] {
  return [...sections(markdown)]
    .filter(([, body]) => body.includes('**MISSING:**'))
    .map(([h]) => h.replace(/^#+ /, '').replace(/ \(Annex IV .*\)$/, ''))
}

const EXPECTED_PATHS = [
  'annex-iv-technical-documentation.md',
  'annex-iv-technical-documentation.html',
  'eu-declaration-of-conformity.md',
  'eu-declaration-of-conformity.html',
  'nist-ai-rmf-profile.md',
  'nist-ai-rmf-profile.html',
  'classification-report.md',
  'classification-report.html',
  'index.md',
  'index.html',
]

describe('generateDocuments: golden files', () => {
  const cases: [string, () => GenerateDocumentsOptions][] = [
    ['high-risk', highRisk],
    ['chatbot', chatbot],
  ]
  for (const [name, options] of cases) {
    it(`matches test/golden/documents/${name}/ byte for byte`, () => {
      const docs = generateDocuments(options())
      const dir = join(GOLDEN_ROOT, name)
      if (process.env.UPDATE_GOLDENS === '1') {
        mkdirSync(dir, { recursive: true })
        for (const d of docs) writeFileSync(join(dir, d.path), d.content)
      }
      expect(existsSync(dir), `missing goldens; run UPDATE_GOLDENS=1 npx vitest run`).toBe(true)
      expect(readdirSync(dir).sort()).toEqual(docs.map((d) => d.path).sort())
      for (const d of docs) expect(d.content, d.path).toBe(readFileSync(join(dir, d.path), 'utf8'))
    })
  }
})

describe('generateDocuments: set and determinism', () => {
  it('returns the documents in the fixed order', () => {
    expect(generateDocuments(highRisk()).map((d) => d.path)).toEqual(EXPECTED_PATHS)
  })

  it('gives the same bytes for the same input, with LF line endings and a final newline', () => {
    const a = generateDocuments(highRisk())
    const b = generateDocuments(highRisk({ catalogs: buildFixtureCatalogSet() }))
    expect(a).toEqual(b)
    for (const d of a) {
      expect(d.content, d.path).not.toContain('\r')
      expect(d.content.endsWith('\n'), d.path).toBe(true)
      expect(d.content.endsWith('\n\n'), d.path).toBe(false)
    }
  })

  it('does not depend on the order of evidence and obligations in the assessment', () => {
    const reversed: AssessmentResult = {
      ...HIGH_RISK_ASSESSMENT,
      evidence: [...HIGH_RISK_ASSESSMENT.evidence].reverse(),
      obligations: [...HIGH_RISK_ASSESSMENT.obligations].reverse(),
    }
    expect(generateDocuments(highRisk({ assessment: reversed }))).toEqual(
      generateDocuments(highRisk()),
    )
  })

  it('contains no date other than the as-of date and dates from the manifest', () => {
    const allowed = new Set(['2027-12-15', '2027-12-02', '2027-11-01', '2026-03-01', '2027-09-15'])
    for (const d of generateDocuments(highRisk())) {
      const dates = d.content.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? []
      for (const date of dates) expect(allowed, `${d.path}: ${date}`).toContain(date)
    }
  })

  it('rejects a missing sha256 function with a TypeError', () => {
    const bad = { ...highRisk(), sha256: undefined } as unknown as GenerateDocumentsOptions
    expect(() => generateDocuments(bad)).toThrow(TypeError)
  })
})

describe('index', () => {
  it('lists every other document with the SHA-256 of its exact content', () => {
    const docs = generateDocuments(highRisk())
    const index = docs.find((d) => d.path === 'index.md')?.content ?? ''
    expect(index).toContain('c'.repeat(64)) // manifest digest
    expect(index).toContain('HireRank')
    for (const d of docs.filter((x) => !x.path.startsWith('index.'))) {
      expect(index).toContain(`[${d.path}](${d.path}) | \`${sha256(d.content)}\``)
    }
  })
})

describe('Annex IV technical documentation', () => {
  const file = 'annex-iv-technical-documentation.md'

  it('has all 9 points and the sub-items of points 1 and 2, with official references', () => {
    const text = doc(highRisk(), file)
    for (let n = 1; n <= 9; n++)
      expect(text).toMatch(new RegExp(`^## ${n}\\. .*\\(Annex IV ${n}\\)$`, 'm'))
    for (const p of [1, 2])
      for (const l of 'abcdefgh')
        expect(text).toMatch(new RegExp(`^### \\(${l}\\) .*\\(Annex IV ${p}\\(${l}\\)\\)$`, 'm'))
  })

  it('keeps every point when the catalog has no Annex IV nodes', () => {
    const catalogs = buildFixtureCatalogSet()
    const eu = catalogs.catalogs.get('eu-ai-act')
    if (!eu) throw new Error('fixture')
    const stripped = { ...eu, nodes: eu.nodes.filter((n) => !n.id.startsWith('annex-iv')) }
    const text = doc(highRisk({ catalogs: buildFixtureCatalogSet([stripped]) }), file)
    for (let n = 1; n <= 9; n++)
      expect(text).toMatch(new RegExp(`^## ${n}\\. .*\\(Annex IV ${n}\\)$`, 'm'))
    expect(text).toContain('### (h) Cybersecurity measures (Annex IV 2(h))')
  })

  it('adds sub-items the catalog has beyond the skeleton', () => {
    const catalogs = buildFixtureCatalogSet()
    const eu = catalogs.catalogs.get('eu-ai-act')
    const nist = catalogs.catalogs.get('nist-ai-rmf')
    if (!eu || !nist) throw new Error('fixture')
    const extra = {
      ...eu,
      nodes: [
        ...eu.nodes,
        {
          id: 'annex-iv.3.a',
          urn: 'urn:accord:req:eu-ai-act-2024-1689:annex-iv.3.a',
          parent_urn: 'urn:accord:req:eu-ai-act-2024-1689:annex-iv.3',
          depth: 3,
          kind: 'annex-point' as const,
          ref_id: 'Annex IV 3(a)',
          name: 'Capabilities and limitations',
          summary: 'Capabilities and limitations in performance.',
          official: false,
          assessable: false,
        },
      ],
    }
    const text = doc(highRisk({ catalogs: buildFixtureCatalogSet([extra, nist]) }), file)
    expect(text).toContain('### (a) Capabilities and limitations (Annex IV 3(a))')
  })

  it('puts MISSING markers exactly where information is absent (high-risk case)', () => {
    expect(headingsWithMarkers(doc(highRisk(), file))).toEqual([
      '(e) Intended hardware',
      '(c) System architecture and compute',
      '(d) Data requirements and datasheets',
      '(g) Validation and testing',
      '(h) Cybersecurity measures',
      '3. Monitoring, functioning and control',
      '4. Appropriateness of performance metrics',
      '7. Harmonised standards applied',
      '8. Copy of the EU declaration of conformity',
      '9. Post-market monitoring',
    ])
  })

  it('covers every element of Annex IV 3: risks, human oversight and input data specifications', () => {
    const point3 = (text: string): string =>
      [...sections(text)].find(([h]) => h.startsWith('## 3.'))?.[1] ?? 'no point 3'
    // Nothing in the manifest or the evidence: each element is marked MISSING with its fix.
    const absent = point3(doc(chatbot(), file))
    expect(absent).toContain(
      '**MISSING:** the foreseeable unintended outcomes and sources of risk to health, safety, fundamental rights and discrimination — list them under `riskManagement.risks`',
    )
    expect(absent).toContain(
      '**MISSING:** the human oversight measures (Art. 14), including the technical measures that help deployers interpret outputs — add `humanOversight.measures`',
    )
    expect(absent).toContain(
      '**MISSING:** the specifications for the input data — describe them in the instructions for use (Art. 13(3)(b)(vi)) and link that document as evidence supporting `eu-ai-act:art-13.3.b.vi`',
    )
    // The high-risk case has a risk register, oversight measures and instructions for use.
    const present = point3(doc(highRisk(), file))
    expect(present).toContain('Foreseeable unintended outcomes and sources of risk:')
    expect(present).toContain('Human oversight measures: see point 2(e).')
    expect(present).toMatch(/\*\*Input data specifications:\*\* in .*instructions for use/i)
    expect(present).not.toContain('**MISSING:** the foreseeable')
    expect(present).not.toContain('**MISSING:** the human oversight')
    expect(present).not.toContain('**MISSING:** the specifications for the input data')
  })

  it('explains each marker: the field or evidence absent and how to close the gap', () => {
    const s = sections(doc(highRisk(), file))
    const body = (prefix: string): string =>
      [...s].find(([h]) => h.includes(prefix))?.[1] ?? 'no such section'
    expect(body('(e) Intended hardware')).toContain('list it under `system.hardware`')
    expect(body('(d) Data requirements')).toContain(
      '**MISSING:** a datasheet for dataset "Holdout benchmark"',
    )
    // Assessment marker: the node's evidence_hint and the assessment action.
    expect(body('(d) Data requirements')).toContain(
      '**MISSING:** evidence for Annex IV 2(d) (only partly met): A datasheet for every training, validation and test dataset. — Add the missing datasheets',
    )
    expect(body('9. Post-market')).toContain('Link the post-market monitoring plan as evidence')
    expect(body('4. Appropriateness')).toContain('"Selection-rate ratio (gender)"')
    expect(body('(h) Cybersecurity')).toContain('`cybersecurity.measures`')
  })

  it('removes a marker once the manifest supplies the information', () => {
    const manifest = Manifest.parse({
      ...HIGH_RISK_MANIFEST,
      system: { ...HIGH_RISK_MANIFEST.system, hardware: ['x86-64 server, 16 GB RAM'] },
      cybersecurity: { measures: ['Penetration test before each release'] },
    })
    const markers = headingsWithMarkers(doc(highRisk({ manifest }), file))
    expect(markers).not.toContain('(e) Intended hardware')
    expect(markers).not.toContain('(h) Cybersecurity measures')
    expect(doc(highRisk({ manifest }), file)).toContain('x86-64 server, 16 GB RAM')
  })

  it('lists the supporting evidence with file path and SHA-256 under its point', () => {
    const s = sections(doc(highRisk(), file))
    const point5 = [...s].find(([h]) => h.startsWith('## 5.'))?.[1] ?? ''
    expect(point5).toContain('evidence/risk-register.xlsx')
    expect(point5).toContain('1'.repeat(64))
    expect(point5).toContain('| R1 | Indirect discrimination against older applicants |')
    const point2g = [...s].find(([h]) => h.includes('(g) Validation'))?.[1] ?? ''
    expect(point2g).toContain('4'.repeat(64))
  })

  it('marks evidence past its validUntil as expired where it lists it, and shows validUntil otherwise', () => {
    const withValidity = (validUntil: string) =>
      highRisk({
        assessment: {
          ...HIGH_RISK_ASSESSMENT,
          evidence: HIGH_RISK_ASSESSMENT.evidence.map((e) =>
            e.id === 'risk-register' ? { ...e, validUntil } : e,
          ),
        },
      })
    const point5 = (validUntil: string) =>
      [...sections(doc(withValidity(validUntil), file))].find(([h]) =>
        h.startsWith('## 5.'),
      )?.[1] ?? ''
    // As of 2027-12-15 (the fixture's as-of date).
    expect(point5('2027-12-14')).toMatch(
      /\| risk-register \| [^|]*\(\*\*expired\*\* on 2027-12-14: not counted as of 2027-12-15\) \|/,
    )
    expect(point5('2027-12-15')).toContain('(valid until 2027-12-15)')
    expect(point5('2027-12-15')).not.toContain('expired')
    expect(point5('2028-06-30')).toContain('(valid until 2028-06-30)')
  })

  it('fills the header block: system, provider, classification, dates, law version, catalogs, manifest digest', () => {
    const text = doc(highRisk(), file)
    for (const s of [
      '| System | HireRank |',
      '| Version | 2.1.0 |',
      '| Provider | Example Talent GmbH (DE) |',
      '| Classification (EU AI Act) | High-risk AI system — Art. 6(2); Annex III 4(a) |',
      '| As of | 2027-12-15 |',
      '`amended-2026-1744`',
      `urn:accord:catalog:eu-ai-act-2024-1689 version 1, SHA-256 \`${'a'.repeat(64)}\``,
      `| Manifest SHA-256 | \`${'c'.repeat(64)}\` |`,
    ])
      expect(text).toContain(s)
  })

  it("says the documentation is the provider's when the vendor is only a deployer", () => {
    const manifest = Manifest.parse({ ...HIGH_RISK_MANIFEST, roles: ['deployer'] })
    const text = doc(highRisk({ manifest }), file)
    expect(text).toContain(
      '> **Note:** the manifest does not list the vendor as provider (`roles`: deployer). The technical documentation (Art. 11(1), Annex IV) is drawn up by the provider',
    )
    expect(text).toContain('obtain the signed declaration from the provider')
    expect(text).not.toContain('sign the generated draft')
    const own = doc(highRisk(), file)
    expect(own).not.toContain('does not list the vendor as provider')
    expect(own).toContain('sign the generated draft')
    const manufacturer = Manifest.parse({ ...HIGH_RISK_MANIFEST, roles: ['product-manufacturer'] })
    expect(doc(highRisk({ manifest: manufacturer }), file)).not.toContain('not list the vendor')
  })

  it('says Annex IV and the declaration are not required directly under Art. 2(2) (Annex I Section B)', () => {
    const manifest = Manifest.parse({
      ...HIGH_RISK_MANIFEST,
      classification: {
        ...HIGH_RISK_MANIFEST.classification,
        safetyComponent: {
          legislation: 'motor-vehicles-2018-858',
          thirdPartyConformityAssessment: true,
        },
      },
    })
    const eu = HIGH_RISK_CLASSIFICATION.euAiAct
    const classification = {
      ...HIGH_RISK_CLASSIFICATION,
      euAiAct: { ...eu, facts: [...eu.facts, 'annex-i.section-b', 'art-2.2'] },
    }
    const sectionB = highRisk({ manifest, classification })
    expect(doc(sectionB, file)).toContain(
      '> **Note:** this system is high-risk under Art. 6(1) only through legislation in Annex I Section B (motor-vehicles-2018-858). Under Art. 2(2) the Chapter III requirements, Art. 11 technical documentation among them, apply to it through that legislation, not directly; this document is produced voluntarily.',
    )
    expect(doc(sectionB, 'eu-declaration-of-conformity.md')).toContain(
      'the EU declaration of conformity of Art. 47 among them, apply to it through that legislation, not directly; this draft is informative only.',
    )
    expect(doc(highRisk(), file)).not.toContain('Annex I Section B')
    expect(doc(highRisk(), 'eu-declaration-of-conformity.md')).not.toContain('Annex I Section B')
  })

  it('says Annex IV and the declaration are not yet required for an Art. 111(2) legacy system', () => {
    const eu = HIGH_RISK_CLASSIFICATION.euAiAct
    const legacy = {
      cites: 'Art. 111(2)',
      placedOnMarket: '2027-03-01',
      placedBefore: '2027-12-02',
      publicAuthority: false,
      significantChange: null,
      appliesFrom: null,
    }
    const docs = highRisk({
      classification: {
        ...HIGH_RISK_CLASSIFICATION,
        euAiAct: { ...eu, legacy: { highRisk: legacy, gpai: null } },
      },
    })
    expect(doc(docs, file)).toContain(
      '> **Note:** Art. 111(2): placed on the market on 2027-03-01, before 2027-12-02, the system is a legacy system; its high-risk obligations apply only once its design changes significantly (a substantial modification). Until then, Art. 11 technical documentation is not required by the Act.',
    )
    expect(doc(docs, 'eu-declaration-of-conformity.md')).toContain(
      'Until then, the EU declaration of conformity of Art. 47 is not required by the Act.',
    )
    expect(doc(docs, 'classification-report.md')).toContain(
      '- Transitional rule: Art. 111(2): placed on the market on 2027-03-01',
    )
    expect(doc(highRisk(), file)).not.toContain('Art. 111(2)')
  })

  it('says Annex IV is voluntary for a system that is not high-risk, and only then', () => {
    expect(doc(chatbot(), file)).toContain('this document is produced voluntarily')
    expect(doc(highRisk(), file)).not.toContain('voluntarily')
  })
})

describe('EU declaration of conformity', () => {
  const file = 'eu-declaration-of-conformity.md'

  it('is marked DRAFT and has the 8 Annex V items in order', () => {
    const text = doc(highRisk(), file)
    expect(text).toContain('**DRAFT**')
    const items = text.match(/^## \d+\. .*\(Annex V \d\)$/gm) ?? []
    expect(items.map((h) => h.match(/Annex V (\d)/)?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ])
    expect(text).toContain('Regulation (EU) 2024/1689')
    expect(text).toContain('sole responsibility of the provider')
    expect(text).toContain('Reference: HR-2.1.0-EU')
  })

  it("says the declaration is the provider's, without the vendor's own gaps, for a deployer", () => {
    const manifest = Manifest.parse({ ...HIGH_RISK_MANIFEST, roles: ['deployer'] })
    const text = doc(highRisk({ manifest }), file)
    expect(text).toContain(
      '> **Note:** the manifest does not list the vendor as provider (`roles`: deployer). The EU declaration of conformity (Art. 47) is drawn up by the provider',
    )
    expect(text).not.toContain('Close them before signing')
    const own = doc(highRisk(), file)
    expect(own).toContain('Close them before signing')
    expect(own).not.toContain('does not list the vendor as provider')
  })

  it('says its gaps are unknown when the assessment did not cover the EU AI Act', () => {
    const assessment = {
      ...HIGH_RISK_ASSESSMENT,
      frameworks: HIGH_RISK_ASSESSMENT.frameworks.filter((f) => f.framework !== 'eu-ai-act'),
      obligations: HIGH_RISK_ASSESSMENT.obligations.filter((o) => o.framework !== 'eu-ai-act'),
      gaps: 0,
      gapsUpcoming: 0,
    }
    const note =
      '> **Not assessed:** the assessment behind this document did not cover the EU AI Act (its frameworks: nist-ai-rmf)'
    expect(doc(highRisk({ assessment }), file)).toContain(note)
    expect(doc(highRisk({ assessment }), 'annex-iv-technical-documentation.md')).toContain(note)
    expect(doc(highRisk(), file)).not.toContain('Not assessed')
    expect(doc(highRisk(), 'annex-iv-technical-documentation.md')).not.toContain('Not assessed')
  })

  it('states GDPR/EUDPR/LED compliance only when personal data are processed', () => {
    expect(doc(highRisk(), file)).toContain('Regulation (EU) 2016/679 (GDPR)')
    expect(doc(chatbot(), file)).not.toContain('Regulation (EU) 2016/679')
    expect(doc(chatbot(), file)).toContain('does not process personal data')
  })

  it('marks the signatory as MISSING without a declaration and fills it with one', () => {
    expect(doc(highRisk(), file)).toMatch(/## 8\. .*\n\n\*\*MISSING:\*\* the place and date/)
    const manifest = Manifest.parse({
      ...HIGH_RISK_MANIFEST,
      declaration: {
        place: 'Berlin',
        date: '2027-12-10',
        signatory: { name: 'A. Muster', function: 'CEO' },
      },
    })
    const text = doc(highRisk({ manifest }), file)
    expect(text).toContain('Place of issue: Berlin')
    expect(text).toContain('Name and function: A. Muster, CEO')
  })

  it('names the notified body and certificate under Annex VII, or marks them MISSING', () => {
    const withBody = Manifest.parse({
      ...HIGH_RISK_MANIFEST,
      conformityAssessment: {
        procedure: 'annex-vii-notified-body',
        notifiedBody: { name: 'NB Test', number: '0123' },
      },
    })
    const text = doc(highRisk({ manifest: withBody }), file)
    expect(text).toContain('Notified body: NB Test, number 0123')
    expect(text).toContain('Certificate: **MISSING:** the certificate identification')
  })

  it('says it cannot be issued when the system is prohibited', () => {
    const classification: ClassificationResult = {
      ...HIGH_RISK_CLASSIFICATION,
      euAiAct: {
        ...HIGH_RISK_CLASSIFICATION.euAiAct,
        category: 'prohibited',
        categories: ['prohibited', 'high-risk'],
        citations: ['Art. 5(1)(f)'],
        prohibitedPractices: [
          { point: 'Art. 5(1)(f)', nodeId: 'art-5.1.f', appliesFrom: '2025-02-02', inForce: true },
        ],
      },
    }
    const text = doc(highRisk({ classification }), file)
    expect(text).toContain('## This declaration cannot be issued')
    expect(text).toContain('Art. 5(1)(f)')
    expect(text).not.toMatch(/\(Annex V \d\)/)
    expect(doc(highRisk({ classification }), 'annex-iv-technical-documentation.md')).toContain(
      'No EU declaration of conformity can be issued',
    )
  })
})

describe('NIST AI RMF profile', () => {
  const file = 'nist-ai-rmf-profile.md'

  it('lists each assessed subcategory with its status, evidence, via and action', () => {
    const text = doc(highRisk(), file)
    for (const o of HIGH_RISK_ASSESSMENT.obligations.filter((x) => x.framework === 'nist-ai-rmf'))
      expect(text).toMatch(new RegExp(`^\\| ${o.citation} [^|]+\\| ${o.status} \\|`, 'm'))
    expect(text).toContain(
      'crosswalk from eu-ai-act:art-9 (related, accord-analysis, medium confidence)',
    )
    expect(text).toContain('`444444444444`')
    expect(text).toContain('Link a security test report')
  })

  it('groups by function and category and summarises each function', () => {
    const text = doc(highRisk(), file)
    expect(text).toContain('## GOVERN: Govern')
    expect(text).toContain(
      '### MEASURE 2: AI systems are evaluated for trustworthy characteristics',
    )
    expect(text).toContain('| GOVERN | 2 | 1 | 0 | 1 | 0 | 0 |')
    expect(text).toContain('| MAP | 1 | 0 | 0 | 0 | 1 | 0 |')
  })

  it('lists catalog subcategories the assessment did not cover as not assessed', () => {
    const text = doc(chatbot(), file)
    expect(text).toMatch(/^\| MEASURE 2\.7 [^|]+\| not assessed \|/m)
    expect(text).toMatch(/^\| GOVERN 1\.1 [^|]+\| missing \|/m)
  })
})

describe('classification report', () => {
  const file = 'classification-report.md'

  it('gives the category, trace, obligations with dates, law version and a disclaimer', () => {
    const text = doc(highRisk(), file)
    expect(text).toContain('Category: **High-risk AI system**')
    for (const t of HIGH_RISK_CLASSIFICATION.euAiAct.trace) expect(text).toContain(`| ${t.rule} |`)
    expect(text).toContain(
      '| `eu-ai-act:art-9` | Art. 9 | Risk management system | provider | 2027-12-02 | in-force |',
    )
    expect(text).toContain('## Disclaimer')
    expect(text).toContain('not legal advice')
    expect(text).toContain('| `annex-iii.4.a` | Annex III 4(a): Recruitment and selection |')
  })

  it('lists upcoming obligations with their date of application', () => {
    const text = doc(chatbot(), file)
    expect(text).toMatch(
      /## Upcoming obligations\n\n.*\n.*\n\| `eu-ai-act:art-50\.1` .* \| 2026-08-02 \| upcoming \|/,
    )
  })
})

describe('HTML', () => {
  const hostile = Manifest.parse({
    ...HIGH_RISK_MANIFEST,
    system: {
      ...HIGH_RISK_MANIFEST.system,
      name: 'Evil <script>alert(1)</script> | bot',
      description:
        '# not a heading <img src=x onerror=alert(1)> [link](https://evil.test) &lt;b&gt;',
    },
    riskManagement: {
      process: '<script src="https://evil.test/x.js"></script>',
      risks: [
        {
          id: 'R|1',
          description: 'pipe | inside\nand a newline\n# heading',
          affects: ['safety'],
          severity: 'low',
          likelihood: 'rare',
          mitigation: '<iframe src="https://evil.test">',
          residual: 'acceptable',
        },
      ],
    },
  })

  it('is a self-contained HTML5 page: charset, lang, title, inline CSS, no scripts, no external resources', () => {
    for (const d of generateDocuments(highRisk()).filter((x) => x.path.endsWith('.html'))) {
      expect(d.content.startsWith('<!DOCTYPE html>\n<html lang="en">'), d.path).toBe(true)
      expect(d.content).toContain('<meta charset="utf-8">')
      expect(d.content).toMatch(/<title>[^<]+HireRank<\/title>/)
      expect(d.content).toContain('<style>')
      expect(d.content).not.toMatch(/<script/i)
      expect(d.content).not.toMatch(/\ssrc=/i)
      expect(d.content).not.toMatch(/href="?(https?:)?\/\//i)
      expect(d.content).not.toMatch(/<link\b/i)
    }
  })

  it('escapes untrusted manifest text: no tags, no links, no broken tables', () => {
    const docs = generateDocuments(highRisk({ manifest: hostile }))
    for (const d of docs.filter((x) => x.path.endsWith('.html'))) {
      expect(d.content, d.path).not.toMatch(/<script/i)
      expect(d.content, d.path).not.toMatch(/<img|<iframe/i)
      expect(d.content, d.path).not.toMatch(/href="https?:/i)
      expect(d.content, d.path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    }
    const annex =
      docs.find((d) => d.path === 'annex-iv-technical-documentation.html')?.content ?? ''
    // `&lt;b&gt;` in the manifest is shown literally, not decoded into a tag.
    expect(annex).toContain('&amp;lt;b&amp;gt;')
    // The hostile risk stays one row of 7 cells.
    const row = annex.match(/<tr>\s*<td>R\|1<\/td>[\s\S]*?<\/tr>/)?.[0] ?? ''
    expect(row.match(/<td>/g)?.length).toBe(7)
    expect(row).toContain('pipe | inside and a newline # heading')
    // A leading # in the description does not become a heading.
    expect(annex).not.toMatch(/<h1>not a heading/)
  })

  it('gives every header cell a scope (WCAG 1.3.1, H63), in every generated HTML document', () => {
    const options = [highRisk(), chatbot(), highRisk({ manifest: hostile })]
    let headerCells = 0
    for (const d of options.flatMap((o) => generateDocuments(o))) {
      if (!d.path.endsWith('.html')) continue
      for (const th of d.content.match(/<th\b[^>]*>/g) ?? []) {
        headerCells++
        expect(th, d.path).toMatch(/\sscope="(col|row)"/)
      }
      // Header cells of the header row head columns.
      for (const thead of d.content.match(/<thead>[\s\S]*?<\/thead>/g) ?? [])
        for (const th of thead.match(/<th\b[^>]*>/g) ?? [])
          expect(th, d.path).toContain('scope="col"')
    }
    expect(headerCells).toBeGreaterThan(100)
  })

  it('renders the field names of every key/value table as row headers, in every HTML document', () => {
    const options = [highRisk(), chatbot(), highRisk({ manifest: hostile })]
    for (const d of options.flatMap((o) => generateDocuments(o))) {
      if (!d.path.endsWith('.html')) continue
      const { fieldTables, factTables, problems } = rowHeaderProblems(d.content)
      expect(problems, d.path).toEqual([])
      // Each document starts with its header block (the index with its own).
      expect(fieldTables, d.path).toBe(1)
      expect(d.content, d.path).toMatch(/<th scope="row">Manifest SHA-256<\/th>/)
      // The classification report's glossary of facts: each fact heads its row.
      const report = d.path === 'classification-report.html'
      expect(factTables, d.path).toBe(report ? 1 : 0)
      if (report) expect(d.content).toMatch(/<th scope="row"><code>[^<]+<\/code><\/th>\n<td>/)
    }
    // The Markdown keeps its plain GFM key/value and glossary tables.
    for (const d of options.flatMap((o) => generateDocuments(o)))
      if (d.path.endsWith('.md')) {
        expect(d.content, d.path).toContain('| Field | Value |\n| --- | --- |\n| ')
        if (d.path === 'classification-report.md')
          expect(d.content).toContain('| Fact | Meaning |\n| --- | --- |\n| `')
      }
  })

  it('highlights MISSING markers and the DRAFT mark', () => {
    const annex = doc(highRisk(), 'annex-iv-technical-documentation.html')
    expect(annex).toContain('<strong class="missing">MISSING:</strong>')
    expect(annex).toContain('strong.missing {')
    expect(doc(highRisk(), 'eu-declaration-of-conformity.html')).toContain(
      '<strong class="draft">DRAFT</strong>',
    )
  })

  it('links the index to the generated files by relative paths', () => {
    const index = doc(highRisk(), 'index.html')
    expect(index).toContain('<a href="annex-iv-technical-documentation.html">')
    expect(index).toContain('<a href="classification-report.md">')
  })
})
