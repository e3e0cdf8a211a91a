/**
 * A system's assessment as an OSCAL system security plan (v1.2.1).
 *
 * - `system-characteristics`: the manifest's system, its EU AI Act classification (properties),
 *   the datasets as information types, the deployment as the boundary.
 * - `system-implementation`: the system itself, each model and each dataset as a component.
 * - `control-implementation`: one implemented requirement per applicable obligation (EU AI Act and
 *   NIST AI RMF), with the Accord status as implementation status (met -> implemented, partial ->
 *   partial, missing -> planned) and links to the evidence in the back-matter (SHA-256 pinned).
 * - `import-profile` points at a back-matter resource naming the Accord catalogs (Accord publishes
 *   no OSCAL profile; the catalogs are exported separately with `accord export oscal-catalog`).
 */
import {
  accordProp,
  clean,
  compact,
  oneLine,
  type OscalLink,
  type OscalMetadata,
  type OscalProperty,
  type OscalResource,
} from './oscal-common.js'
import {
  IMPLEMENTATION_STATE,
  applicableObligations,
  createSystemContext,
  obligationControlId,
  obligationProps,
  systemMetadata,
  type SystemExportInput,
} from './oscal-system.js'
import { distinctKeys } from './uuid.js'

export const OSCAL_SSP_SCHEMA_ID = 'http://csrc.nist.gov/ns/oscal/1.2.1/oscal-ssp-schema.json'

export interface OscalSspDocument {
  'system-security-plan': {
    uuid: string
    metadata: OscalMetadata
    'import-profile': { href: string; remarks?: string }
    'system-characteristics': Record<string, unknown>
    'system-implementation': Record<string, unknown>
    'control-implementation': {
      description: string
      'implemented-requirements': Record<string, unknown>[]
    }
    'back-matter': { resources: OscalResource[] }
  }
}

export function buildOscalSsp(input: SystemExportInput): OscalSspDocument {
  const { manifest, classification, assessment } = input
  const ctx = createSystemContext(input, 'ssp')
  const eu = classification.euAiAct
  const placed = manifest.system.placedOnMarket
  const thisSystem = ctx.uuid('component:this-system')
  const datasetKeys = distinctKeys(manifest.datasets.map((d) => d.name))
  const modelKeys = distinctKeys(manifest.models.map((m) => `${m.name}:${m.version}`))

  const informationTypes =
    manifest.datasets.length > 0
      ? manifest.datasets.map((d, i) =>
          clean({
            uuid: ctx.uuid(`information-type:${datasetKeys[i] as string}`),
            title: oneLine(d.name),
            description: d.source,
            props: compact([
              ...d.purpose.map((p) => accordProp('dataset-purpose', p)),
              accordProp('personal-data', d.personalData),
              accordProp('special-categories', d.specialCategories),
              accordProp('size', d.size),
            ]),
          }),
        )
      : [
          {
            uuid: ctx.uuid('information-type:system-data'),
            title: 'Data processed by the system',
            description: manifest.classification.processesPersonalData
              ? 'The system processes personal data (manifest: classification.processesPersonalData).'
              : 'The system processes no personal data (manifest: classification.processesPersonalData).',
            props: compact([
              accordProp('personal-data', manifest.classification.processesPersonalData),
            ]),
          },
        ]

  const models = manifest.models.map((m, i) =>
    clean({
      uuid: ctx.uuid(`component:model:${modelKeys[i] as string}`),
      type: 'software',
      title: oneLine(`${m.name} ${m.version}`),
      description: m.architecture ?? `AI model ${m.name}, version ${m.version}.`,
      props: compact([
        accordProp('asset-kind', 'ai-model'),
        accordProp('supplier', m.supplier),
        accordProp('third-party', m.thirdParty),
        accordProp('general-purpose', m.generalPurpose),
        accordProp('licence', m.licence),
        accordProp('weights-public', m.weightsPublic),
        accordProp('parameters', m.parameters),
      ]),
      status: { state: 'operational' },
    }),
  )
  const datasets = manifest.datasets.map((d, i) =>
    clean({
      uuid: ctx.uuid(`component:dataset:${datasetKeys[i] as string}`),
      type: 'dataset',
      title: oneLine(d.name),
      description: d.source,
      props: compact([
        accordProp('asset-kind', 'dataset'),
        ...d.purpose.map((p) => accordProp('dataset-purpose', p)),
        accordProp('personal-data', d.personalData),
      ]),
      status: { state: 'operational' },
    }),
  )

  const requirements = applicableObligations(assessment).map((o) => {
    const links: OscalLink[] = o.evidence.flatMap((use) => {
      const id = ctx.evidenceResource.get(use.evidenceId)
      return id ? [{ href: `#${id}`, rel: 'evidence', text: use.evidenceId }] : []
    })
    const description = [o.reason, o.action ? `To close the gap: ${o.action}` : undefined]
      .filter(Boolean)
      .join('\n\n')
    return clean({
      uuid: ctx.uuid(`requirement:${o.id}`),
      'control-id': obligationControlId(o),
      props: obligationProps(o),
      'by-components': [
        clean({
          'component-uuid': thisSystem,
          uuid: ctx.uuid(`by-component:${o.id}`),
          description,
          links: links.length > 0 ? dedupe(links) : undefined,
          'implementation-status': { state: IMPLEMENTATION_STATE[o.status] },
        }),
      ],
    })
  })

  const systemProps: (OscalProperty | undefined)[] = [
    accordProp('eu-ai-act-category', eu.category),
    ...eu.categories.map((c) => accordProp('eu-ai-act-categories', c)),
    ...eu.citations.map((c) => accordProp('classification-citation', c)),
    accordProp('gpai', eu.gpai ?? 'none'),
    ...eu.roles.map((r) => accordProp('role', r)),
    accordProp('law-version', eu.lawVersion.id),
    accordProp('system-reference', manifest.system.reference),
    ...assessment.frameworks.map((f) =>
      accordProp('readiness', f.readiness, { class: f.framework }),
    ),
    accordProp('gaps-in-force', assessment.gaps),
  ]

  return {
    'system-security-plan': {
      uuid: ctx.uuid('ssp'),
      metadata: systemMetadata(
        input,
        ctx,
        `${oneLine(manifest.system.name)} ${oneLine(manifest.system.version)}: system security plan (EU AI Act and NIST AI RMF)`,
      ),
      'import-profile': {
        href: `#${ctx.catalogsResource}`,
        remarks:
          'Accord assesses against its own catalogs of the EU AI Act and the NIST AI RMF; they are listed in the back-matter resource this points to.',
      },
      'system-characteristics': clean({
        'system-ids': [
          { 'identifier-type': 'https://ietf.org/rfc/rfc4122', id: ctx.uuid('system') },
        ],
        'system-name': oneLine(manifest.system.name),
        description: [manifest.system.intendedPurpose, manifest.system.description]
          .filter(Boolean)
          .join('\n\n'),
        props: compact(systemProps),
        'system-information': { 'information-types': informationTypes },
        status: {
          state: placed !== undefined && placed <= input.asOf ? 'operational' : 'under-development',
        },
        'authorization-boundary': {
          description:
            `Deployed by ${manifest.deployment.deployers} (sector: ${manifest.deployment.sector})` +
            (manifest.deployment.memberStates.length > 0
              ? ` in ${manifest.deployment.memberStates.join(', ')}`
              : '') +
            `. Affected persons: ${manifest.deployment.affectedPersons.join('; ')}.`,
        },
      }),
      'system-implementation': {
        users: [
          {
            uuid: ctx.uuid('user:deployer'),
            title: 'Deployer',
            description: manifest.deployment.deployers,
          },
        ],
        components: [
          clean({
            uuid: thisSystem,
            type: 'this-system',
            title: oneLine(`${manifest.system.name} ${manifest.system.version}`),
            description: manifest.system.intendedPurpose,
            status: {
              state:
                placed !== undefined && placed <= input.asOf ? 'operational' : 'under-development',
            },
          }),
          ...models,
          ...datasets,
        ],
      },
      'control-implementation': {
        description: `Obligations of the EU AI Act (law version ${eu.lawVersion.id}) and the NIST AI RMF that apply to the system as of ${assessment.asOf}, with the status Accord assessed from the manifest and its evidence.`,
        'implemented-requirements': requirements,
      },
      'back-matter': { resources: ctx.resources },
    },
  }
}

function dedupe(links: OscalLink[]): OscalLink[] {
  const seen = new Set<string>()
  return links.filter((l) => (seen.has(l.href) ? false : (seen.add(l.href), true)))
}
