/**
 * The system's models and datasets as a CycloneDX 1.6 ML-BOM (JSON).
 *
 * Built with the CycloneDX JavaScript library's models and JSON serializer (pure, no I/O); the
 * ML-specific members the library does not model yet (`modelCard` on model components, `data` on
 * data components) are added to the serialized JSON. src/node/export.ts checks the result with the
 * library's strict 1.6 validator before anything is written.
 *
 * - metadata.component: the AI system (type `application`), supplier = the provider;
 * - one `machine-learning-model` component per manifest model, licence as an SPDX id when the
 *   manifest names one (`apache-2.0` -> `Apache-2.0`), else as a named licence;
 * - one `data` component per dataset (purpose, personal data, provenance as properties);
 * - the system depends on every model and dataset.
 * Accord facts without a CycloneDX field are properties in the `accord:` namespace.
 * Reproducible: the serial number is a version-5 UUID of the system, the timestamp is the as-of date.
 */
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX'
import type { Manifest } from '../manifest/schema.js'
import { uuidV5, type Sha1 } from './uuid.js'
import { systemScope } from './oscal-system.js'

export interface BuildCycloneDxOptions {
  manifest: Manifest
  /** Date of the export (YYYY-MM-DD): the BOM timestamp. */
  asOf: string
  sha1: Sha1
  generator?: { name: string; version: string }
}

/** The bom-ref of a model or dataset: its kind and a slug of its name (and version). */
export function bomRefOf(kind: 'model' | 'dataset', name: string, version?: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '')
  return `${kind}:${slug(name) || 'unnamed'}${version ? `@${slug(version) || 'unnamed'}` : ''}`
}

/**
 * One bom-ref per item, in manifest order: `bomRefOf`, with `-2`, `-3`, ... appended when an
 * earlier item already has it (names that differ only in case, punctuation or non-ASCII letters
 * slug alike). Unique refs keep the BOM valid and reproducible: given a duplicate, the CycloneDX
 * library would replace it with a random one.
 */
export function uniqueBomRefs(
  kind: 'model' | 'dataset',
  items: readonly { name: string; version?: string | undefined }[],
): string[] {
  const used = new Set<string>()
  return items.map((item) => {
    const base = bomRefOf(kind, item.name, item.version)
    let ref = base
    for (let n = 2; used.has(ref); n++) ref = `${base}-${n}`
    used.add(ref)
    return ref
  })
}

type Json = Record<string, unknown>

export function buildCycloneDxBom(options: BuildCycloneDxOptions): string {
  const { manifest } = options
  const prop = (name: string, value: string | number | boolean | undefined) =>
    value === undefined ? undefined : new Models.Property(`accord:${name}`, String(value))
  const props = (list: (Models.Property | undefined)[]) =>
    new Models.PropertyRepository(list.filter((p): p is Models.Property => p !== undefined))

  const provider = new Models.OrganizationalEntity({
    name: manifest.provider.name,
    ...(manifest.provider.website ? { url: new Set([manifest.provider.website]) } : {}),
  })
  const system = new Models.Component(Enums.ComponentType.Application, manifest.system.name, {
    bomRef: 'system',
    version: manifest.system.version,
    supplier: provider,
    description: manifest.system.intendedPurpose,
    properties: props([
      prop('system:reference', manifest.system.reference),
      prop('system:placedOnMarket', manifest.system.placedOnMarket),
      ...(manifest.accuracy?.metrics ?? []).map((m) =>
        prop(`metric:${m.name}`, `${m.value}${m.unit ? ` ${m.unit}` : ''}`),
      ),
    ]),
  })

  const modelRefs = uniqueBomRefs('model', manifest.models)
  const datasetRefs = uniqueBomRefs('dataset', manifest.datasets)
  const models = manifest.models.map((m, i) => {
    const spdx = fixupSpdxId(m.licence)
    const licence = spdx ? new Models.SpdxLicense(spdx) : new Models.NamedLicense(m.licence)
    const c = new Models.Component(Enums.ComponentType.MachineLearningModel, m.name, {
      bomRef: modelRefs[i] as string,
      version: m.version,
      licenses: new Models.LicenseRepository([licence]),
      ...(m.supplier ? { supplier: new Models.OrganizationalEntity({ name: m.supplier }) } : {}),
      properties: props([
        prop('model:thirdParty', m.thirdParty),
        prop('model:generalPurpose', m.generalPurpose),
        prop('model:designatedSystemicRisk', m.designatedSystemicRisk),
        prop('model:weightsPublic', m.weightsPublic),
        prop('model:parameters', m.parameters),
        prop('model:trainingComputeFlop', m.trainingComputeFlop),
        ...m.artifacts.map((a) => prop('model:artifact', a)),
      ]),
    })
    system.dependencies.add(c.bomRef)
    return c
  })

  const datasets = manifest.datasets.map((d, i) => {
    const c = new Models.Component(Enums.ComponentType.Data, d.name, {
      bomRef: datasetRefs[i] as string,
      description: d.source,
      properties: props([
        ...d.purpose.map((p) => prop('dataset:purpose', p)),
        prop('dataset:personalData', d.personalData),
        prop('dataset:specialCategories', d.specialCategories),
        prop('dataset:size', d.size),
        prop('dataset:provenance', d.provenance),
        prop('dataset:biasExamination', d.biasExamination),
        prop('dataset:knownGaps', d.knownGaps),
        prop('dataset:sheet', d.sheet),
      ]),
    })
    system.dependencies.add(c.bomRef)
    return c
  })

  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${uuidV5(systemScope(manifest, 'cyclonedx'), options.sha1)}`,
    metadata: new Models.Metadata({
      timestamp: new Date(`${options.asOf}T00:00:00Z`),
      component: system,
      supplier: provider,
      ...(options.generator
        ? {
            tools: new Models.Tools({
              components: new Models.ComponentRepository([
                new Models.Component(Enums.ComponentType.Application, options.generator.name, {
                  version: options.generator.version,
                }),
              ]),
            }),
          }
        : {}),
    }),
    components: new Models.ComponentRepository([...models, ...datasets]),
  })

  const serializer = new Serialize.JsonSerializer(
    new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6),
  )
  const json = JSON.parse(serializer.serialize(bom, { sortLists: true })) as Json

  // What the library does not model: the model card of each model, the data of each dataset.
  const onlyModel = manifest.models.length === 1
  for (const component of (json.components ?? []) as Json[]) {
    const ref = component['bom-ref']
    const model = manifest.models[modelRefs.indexOf(ref as string)]
    if (model) component.modelCard = modelCard(manifest, model, onlyModel, datasetRefs)
    const dataset = manifest.datasets[datasetRefs.indexOf(ref as string)]
    if (dataset) {
      component.data = [
        clean({
          type: 'dataset',
          name: dataset.name,
          description: dataset.source,
          classification: dataset.personalData ? 'personal data' : 'no personal data',
          sensitiveData: dataset.specialCategories
            ? ['special categories of personal data (GDPR Art. 9)']
            : undefined,
        }),
      ]
    }
  }
  return JSON.stringify(json, null, 2) + '\n'
}

/**
 * A model card for one model. The manifest's metrics, datasets and limitations describe the
 * system; they are attached to the model only when the system has exactly one model.
 */
function modelCard(
  manifest: Manifest,
  model: Manifest['models'][number],
  onlyModel: boolean,
  datasetRefs: readonly string[],
): Json {
  const modelParameters = clean({
    architectureFamily: model.architecture,
    datasets:
      onlyModel && manifest.datasets.length > 0 ? datasetRefs.map((ref) => ({ ref })) : undefined,
    inputs: model.modalities?.map((m) => ({ format: m })),
  })
  const metrics = onlyModel ? (manifest.accuracy?.metrics ?? []) : []
  const limitations = onlyModel ? (manifest.accuracy?.limitations ?? []) : []
  return clean({
    modelParameters: Object.keys(modelParameters).length > 0 ? modelParameters : undefined,
    quantitativeAnalysis:
      metrics.length > 0
        ? {
            performanceMetrics: metrics.map((m) =>
              clean({
                type: m.name,
                value: String(m.value),
                slice: m.population ?? m.dataset,
              }),
            ),
          }
        : undefined,
    considerations:
      limitations.length > 0 || manifest.deployment.deployers
        ? clean({
            users: [manifest.deployment.deployers],
            useCases: [manifest.system.intendedPurpose],
            technicalLimitations: limitations.length > 0 ? limitations : undefined,
          })
        : undefined,
  })
}

function clean(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
}
