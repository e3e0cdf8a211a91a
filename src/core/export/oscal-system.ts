/**
 * The parts of an OSCAL system security plan and assessment results that both describe the same
 * system: metadata (title, parties, roles), back-matter resources for the catalogs used and for
 * every evidence file (with its SHA-256), and the mapping from Accord statuses to OSCAL ones.
 */
import type { AssessmentResult, ObligationAssessment, Status } from '../assess/types.js'
import type { ClassificationResult } from '../classify/types.js'
import type { Manifest } from '../manifest/schema.js'
import {
  OSCAL_VERSION,
  accordProp,
  clean,
  compact,
  oneLine,
  oscalDateTime,
  pathHref,
  toToken,
  type OscalMetadata,
  type OscalParty,
  type OscalProperty,
  type OscalResource,
  urlHref,
} from './oscal-common.js'
import { uuidFactory, type Sha1 } from './uuid.js'

export interface SystemExportInput {
  manifest: Manifest
  classification: ClassificationResult
  assessment: AssessmentResult
  /** Date of the export (YYYY-MM-DD): `last-modified`, never the clock. */
  asOf: string
  sha1: Sha1
  generator?: { name: string; version: string }
}

export interface SystemContext {
  uuid: (key: string) => string
  /** Back-matter resource UUID of each evidence item, by evidence id. */
  evidenceResource: ReadonlyMap<string, string>
  /** Back-matter resource UUID of the catalogs the assessment used. */
  catalogsResource: string
  resources: OscalResource[]
}

/** Stable per-system scope for UUIDs: provider, system name and version. */
export function systemScope(manifest: Manifest, kind: string): string {
  return `${kind}|${manifest.provider.name}|${manifest.system.name}|${manifest.system.version}`
}

export function createSystemContext(input: SystemExportInput, kind: string): SystemContext {
  const uuid = uuidFactory(systemScope(input.manifest, kind), input.sha1)
  const evidenceResource = new Map<string, string>()
  const dated = new Map(input.manifest.evidence.map((e) => [e.id, e.date]))
  const resources: OscalResource[] = []
  const catalogsResource = uuid('resource:catalogs')
  resources.push({
    uuid: catalogsResource,
    title: 'Obligation catalogs used by the assessment (Accord)',
    description:
      'The EU AI Act and NIST AI RMF catalogs of Accord that the obligations and control ids refer to; ' +
      '`accord export oscal-catalog FRAMEWORK` writes each as an OSCAL catalog.',
    props: compact(input.classification.catalogs.map((c) => accordProp('catalog-urn', c.urn))),
    rlinks: input.classification.catalogs.map((c) => ({
      href: c.urn,
      hashes: [{ algorithm: 'SHA-256', value: c.sha256 }],
    })),
  })
  for (const e of input.assessment.evidence) {
    const id = uuid(`evidence:${e.id}`)
    evidenceResource.set(e.id, id)
    resources.push(
      clean({
        uuid: id,
        title: oneLine(e.title),
        description: `Evidence \`${e.id}\` (${e.type}) supporting ${e.supports.join(', ')}.`,
        props: compact([
          accordProp('evidence-id', e.id),
          accordProp('evidence-type', e.type),
          accordProp('assessed-by', e.assessedBy),
          e.partial ? accordProp('partial', true) : undefined,
          accordProp('date', dated.get(e.id)),
          ...e.supports.map((s) => accordProp('supports', s)),
        ]),
        rlinks: [{ href: pathHref(e.path), hashes: [{ algorithm: 'SHA-256', value: e.sha256 }] }],
      }),
    )
  }
  return { uuid, evidenceResource, catalogsResource, resources }
}

export function systemMetadata(
  input: SystemExportInput,
  ctx: SystemContext,
  title: string,
): OscalMetadata {
  const { manifest, classification, assessment } = input
  const provider = manifest.provider
  const parties: OscalParty[] = [
    clean({
      uuid: ctx.uuid('party:provider'),
      type: 'organization' as const,
      name: oneLine(provider.name),
      'email-addresses': [provider.email],
      addresses: [{ 'addr-lines': [oneLine(provider.address)], country: provider.country }],
      links: provider.website ? [{ href: urlHref(provider.website), rel: 'homepage' }] : undefined,
    }),
  ]
  const responsible = [{ 'role-id': 'provider', 'party-uuids': [ctx.uuid('party:provider')] }]
  const rep = provider.authorisedRepresentative
  if (rep) {
    parties.push(
      clean({
        uuid: ctx.uuid('party:authorised-representative'),
        type: 'organization' as const,
        name: oneLine(rep.name),
        'email-addresses': rep.email ? [rep.email] : undefined,
        addresses: [
          clean({
            'addr-lines': rep.address ? [oneLine(rep.address)] : undefined,
            country: rep.country,
          }),
        ],
      }),
    )
    responsible.push({
      'role-id': 'authorised-representative',
      'party-uuids': [ctx.uuid('party:authorised-representative')],
    })
  }
  return clean({
    title,
    'last-modified': oscalDateTime(input.asOf),
    version: oneLine(manifest.system.version),
    'oscal-version': OSCAL_VERSION,
    props: compact([
      accordProp('as-of', assessment.asOf),
      accordProp('manifest-sha256', assessment.manifestSha256),
      accordProp('eu-ai-act-category', classification.euAiAct.category),
      accordProp('law-version', assessment.lawVersion?.id),
      input.generator
        ? accordProp('generator', `${input.generator.name} ${input.generator.version}`)
        : undefined,
    ]),
    roles: [
      { id: 'provider', title: 'Provider (EU AI Act Art. 3(3))' },
      ...(rep
        ? [{ id: 'authorised-representative', title: 'Authorised representative (Art. 22)' }]
        : []),
    ],
    parties,
    'responsible-parties': responsible,
  })
}

/** OSCAL control id of an assessed obligation (`eu-ai-act:art-9.2` -> `art-9.2`). */
export function obligationControlId(o: ObligationAssessment): string {
  const i = o.id.indexOf(':')
  return toToken(i < 0 ? o.id : o.id.slice(i + 1))
}

/** SSP implementation status of an Accord status. */
export const IMPLEMENTATION_STATE: Record<Status, string> = {
  met: 'implemented',
  partial: 'partial',
  missing: 'planned',
  'not-applicable': 'not-applicable',
}

export function obligationProps(o: ObligationAssessment): OscalProperty[] | undefined {
  return compact([
    accordProp('obligation', o.id),
    accordProp('urn', o.urn),
    accordProp('framework', o.framework),
    accordProp('citation', o.citation),
    accordProp('status', o.status),
    accordProp('applies-from', o.appliesFrom),
    o.inForce === undefined ? undefined : accordProp('in-force', o.inForce),
  ])
}

/** Obligations that apply to the system (all of them when none does, so lists are never empty). */
export function applicableObligations(assessment: AssessmentResult): ObligationAssessment[] {
  const applicable = assessment.obligations.filter((o) => o.status !== 'not-applicable')
  return applicable.length > 0 ? applicable : assessment.obligations
}
