/** Builds the small assessment fixture: catalogs, a manifest, a classification and evidence. */
import eu from '../../fixtures/assess/eu-ai-act.json' with { type: 'json' }
import nist from '../../fixtures/assess/nist-ai-rmf.json' with { type: 'json' }
import mapping from '../../fixtures/assess/mapping.json' with { type: 'json' }
import {
  buildCatalogSet,
  validateCatalog,
  validateMapping,
} from '../../../src/core/catalog/validate.js'
import type { CatalogSet } from '../../../src/core/catalog/types.js'
import type { EuAiActClassification } from '../../../src/core/classify/types.js'
import { Manifest, type ManifestInput } from '../../../src/core/manifest/schema.js'
import type { HashedEvidence } from '../../../src/core/assess/types.js'

export function fixtureCatalogs(): CatalogSet {
  const a = validateCatalog(eu, 'eu-ai-act.json')
  const b = validateCatalog(nist, 'nist-ai-rmf.json')
  if (!a.ok) throw new Error(JSON.stringify(a.issues, null, 2))
  if (!b.ok) throw new Error(JSON.stringify(b.issues, null, 2))
  const entries = [
    { catalog: a.catalog, sha256: 'a'.repeat(64) },
    { catalog: b.catalog, sha256: 'b'.repeat(64) },
  ]
  const m = validateMapping(
    mapping,
    'mapping.json',
    entries.map((e) => e.catalog),
  )
  if (!m.ok) throw new Error(JSON.stringify(m.issues, null, 2))
  return buildCatalogSet(entries, [m.mapping])
}

export function fixtureManifest(overrides: Partial<ManifestInput> = {}): Manifest {
  const input: ManifestInput = {
    apiVersion: 'accord.dev/v1',
    system: { name: 'Screener', version: '2.1.0', intendedPurpose: 'Ranks job applications.' },
    provider: {
      name: 'Example GmbH',
      country: 'DE',
      address: 'Hauptstr. 1, Berlin',
      email: 'compliance@example.com',
    },
    roles: ['provider'],
    deployment: {
      deployers: 'HR departments',
      sector: 'employment',
      affectedPersons: ['job applicants'],
      publicBody: false,
    },
    classification: {
      useCases: ['recruitment'],
      outputUsedInEu: true,
      placedOnEuMarket: true,
      exclusivelyMilitaryDefenceNationalSecurity: false,
      profilesNaturalPersons: true,
    },
    ...overrides,
  }
  return Manifest.parse(input)
}

export function fixtureClassification(
  overrides: Partial<EuAiActClassification> = {},
): EuAiActClassification {
  return {
    category: 'high-risk',
    citations: ['Art. 6(2)', 'Annex III 4(a)'],
    categories: ['high-risk'],
    gpai: null,
    gpaiDetail: { models: [], openSourceExemption: false },
    derogation: { claimed: false, applied: false, reason: '', conditions: [] },
    highRiskRoutes: [{ route: 'annex-iii', point: 'Annex III 4(a)', nodeId: 'annex-iii.4.a' }],
    prohibitedPractices: [],
    transparency: [],
    facts: ['in-scope', 'high-risk', 'high-risk:annex-iii', 'annex-iii.4', 'annex-iii.4.a'],
    roles: ['provider'],
    asOf: '2026-09-01',
    lawVersion: { id: 'amended-2026-1744', title: 'As amended', source: 'OJ L, 2026/1744' },
    legacy: { highRisk: null, gpai: null },
    obligations: [],
    upcoming: [],
    trace: [],
    ...overrides,
  }
}

let counter = 0
export function ev(
  id: string,
  supports: string[],
  extra: Partial<HashedEvidence> = {},
): HashedEvidence {
  counter++
  return {
    id,
    path: `evidence/${id}.pdf`,
    type: 'other',
    title: id,
    sha256: (counter % 10).toString().repeat(64),
    size: 100,
    supports,
    partial: false,
    assessedBy: 'self',
    ...extra,
  }
}
