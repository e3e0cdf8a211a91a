/**
 * Test helpers for classification: manifests with defaults filled in, so each test states only
 * what matters to it, and the catalogs the classifier runs on.
 */
import fixtureJson from '../../fixtures/classify/eu-ai-act.catalog.json' with { type: 'json' }
import { Catalog } from '../../../src/core/catalog/schema.js'
import { classifyEuAiAct } from '../../../src/core/classify/eu-ai-act.js'
import type { EuAiActClassification } from '../../../src/core/classify/types.js'
import { Manifest, type ManifestInput } from '../../../src/core/manifest/schema.js'

/** The small fixture catalog of test/fixtures/classify (valid per the Catalog schema). */
export const fixtureCatalog: Catalog = Catalog.parse(fixtureJson)

type Input = ManifestInput
export interface ManifestOverrides {
  system?: Partial<Input['system']>
  provider?: Partial<Input['provider']>
  roles?: Input['roles']
  deployment?: Partial<Input['deployment']>
  classification?: Partial<Input['classification']>
  models?: Input['models']
  changes?: Input['changes']
}

/**
 * A minimal manifest of an EU provider placing a system on the EU market, with `other` as its
 * only use case; each section of `overrides` is merged over the defaults.
 */
export function makeManifest(overrides: ManifestOverrides = {}): Manifest {
  const input: Input = {
    apiVersion: 'accord.dev/v1',
    system: {
      name: 'Test system',
      version: '1.0.0',
      intendedPurpose: 'Testing classification.',
      ...overrides.system,
    },
    provider: {
      name: 'Test Vendor GmbH',
      country: 'DE',
      address: 'Teststrasse 1, Berlin',
      email: 'compliance@example.com',
      ...overrides.provider,
    },
    roles: overrides.roles ?? ['provider'],
    deployment: {
      deployers: 'Businesses in the Union',
      sector: 'General',
      memberStates: ['DE'],
      affectedPersons: ['customers'],
      publicBody: false,
      ...overrides.deployment,
    },
    classification: {
      useCases: ['other'],
      outputUsedInEu: true,
      placedOnEuMarket: true,
      exclusivelyMilitaryDefenceNationalSecurity: false,
      profilesNaturalPersons: false,
      ...overrides.classification,
    },
    models: overrides.models ?? [],
    ...(overrides.changes ? { changes: overrides.changes } : {}),
  }
  return Manifest.parse(input)
}

/** A model entry with defaults (the vendor's own, not general-purpose, closed weights). */
export function makeModel(model: Partial<NonNullable<Input['models']>[number]> = {}) {
  return { name: 'model', version: '1', licence: 'proprietary', weightsPublic: false, ...model }
}

export function classify(
  overrides: ManifestOverrides = {},
  asOf = '2026-09-01',
  catalog: Catalog = fixtureCatalog,
): EuAiActClassification {
  return classifyEuAiAct({ manifest: makeManifest(overrides), catalog, asOf })
}

/** The trace step of a rule (the last one, when a rule runs per model). */
export function step(result: EuAiActClassification, rule: string) {
  const steps = result.trace.filter((s) => s.rule === rule)
  if (steps.length === 0) throw new Error(`no trace step for ${rule}`)
  return steps[steps.length - 1]!
}

export function obligationIds(list: readonly { id: string }[]): string[] {
  return list.map((o) => o.id)
}
