/**
 * An Accord catalog as an OSCAL catalog (v1.2.1).
 *
 * Structure: nodes that are not assessable and sit at the top or under another such node
 * (chapters, sections, NIST functions and categories) become OSCAL `groups`; every other node
 * becomes a `control`, nested under its parent. The Accord id is the OSCAL id (`art-9.2.a`,
 * `govern-1.1`), the official reference is the `label` property, our summary is the `statement`
 * part and the evidence hint a `guidance` part. Accord-specific facts (URN, roles, dates of
 * application per law version, uncertainty) are properties and parts in the Accord namespace.
 */
import type { Catalog, CatalogNode } from '../catalog/schema.js'
import {
  ACCORD_OSCAL_NS,
  OSCAL_VERSION,
  accordProp,
  clean,
  compact,
  oneLine,
  oscalDateTime,
  oscalProp,
  toToken,
  type OscalMetadata,
  type OscalPart,
  type OscalProperty,
  type OscalResource,
} from './oscal-common.js'
import { uuidFactory, type Sha1 } from './uuid.js'

export const OSCAL_CATALOG_SCHEMA_ID =
  'http://csrc.nist.gov/ns/oscal/1.2.1/oscal-catalog-schema.json'

export interface OscalControl {
  id: string
  class?: string
  title: string
  props?: OscalProperty[]
  parts?: OscalPart[]
  controls?: OscalControl[]
}

export interface OscalGroup {
  id?: string
  class?: string
  title: string
  props?: OscalProperty[]
  parts?: OscalPart[]
  groups?: OscalGroup[]
  controls?: OscalControl[]
}

export interface OscalCatalogDocument {
  catalog: {
    uuid: string
    metadata: OscalMetadata
    groups?: OscalGroup[]
    controls?: OscalControl[]
    'back-matter'?: { resources: OscalResource[] }
  }
}

export interface BuildOscalCatalogOptions {
  /** Date of the export (YYYY-MM-DD): `last-modified`. Never the clock. */
  asOf: string
  sha1: Sha1
  /** SHA-256 of the catalog's canonical JSON, recorded so the export pins what it came from. */
  sha256?: string
}

/** The OSCAL control id of an Accord catalog node. */
export function oscalControlId(node: Pick<CatalogNode, 'id'>): string {
  return toToken(node.id)
}

export function buildOscalCatalog(
  catalog: Catalog,
  options: BuildOscalCatalogOptions,
): OscalCatalogDocument {
  const uuid = uuidFactory(catalog.urn, options.sha1)
  const children = new Map<string | undefined, CatalogNode[]>()
  for (const node of catalog.nodes) {
    const list = children.get(node.parent_urn) ?? []
    list.push(node)
    children.set(node.parent_urn, list)
  }
  const kids = (urn: string | undefined) => children.get(urn) ?? []

  const control = (node: CatalogNode): OscalControl =>
    clean({
      id: oscalControlId(node),
      class: node.kind,
      title: oneLine(node.name),
      props: nodeProps(node),
      parts: nodeParts(node),
      controls: optional(kids(node.urn).map(control)),
    })

  const group = (node: CatalogNode): OscalGroup => {
    const under = kids(node.urn)
    return clean({
      id: oscalControlId(node),
      class: node.kind,
      title: oneLine(node.name),
      props: nodeProps(node),
      parts: nodeParts(node),
      groups: optional(under.filter(isGroup).map(group)),
      controls: optional(under.filter((n) => !isGroup(n)).map(control)),
    })
  }

  const roots = kids(undefined)
  const resources: OscalResource[] = [
    ...catalog.sources.map((s, i) =>
      clean({
        uuid: uuid(`source:${i}`),
        title: oneLine(s.title),
        description: s.note,
        rlinks: s.url ? [{ href: s.url }] : undefined,
      }),
    ),
    ...(catalog.law_versions ?? []).map((v) =>
      clean({
        uuid: uuid(`law-version:${v.id}`),
        title: oneLine(v.title),
        description: `${v.source}. In force from ${v.in_force_from}.${v.uncertain ? ` Uncertain: ${v.uncertain}` : ''}`,
        props: compact([
          accordProp('law-version', v.id),
          accordProp('in-force-from', v.in_force_from),
        ]),
        rlinks: v.url ? [{ href: v.url }] : undefined,
      }),
    ),
  ]

  return {
    catalog: clean({
      uuid: uuid('catalog'),
      metadata: clean({
        title: oneLine(catalog.name),
        published: oscalDateTime(catalog.publication_date),
        'last-modified': oscalDateTime(options.asOf),
        version: `${catalog.edition} (Accord catalog v${catalog.version})`,
        'oscal-version': OSCAL_VERSION,
        props: compact([
          accordProp('catalog-urn', catalog.urn),
          accordProp('framework', catalog.framework),
          accordProp('edition', catalog.edition),
          accordProp('catalog-version', catalog.version),
          accordProp('kind', catalog.kind),
          accordProp('catalog-sha256', options.sha256),
        ]),
        parties: [{ uuid: uuid('party:provider'), type: 'organization', name: catalog.provider }],
        remarks: `${catalog.description}\n\nCopyright: ${catalog.copyright}`,
      }),
      groups: optional(roots.filter(isGroup).map(group)),
      controls: optional(roots.filter((n) => !isGroup(n)).map(control)),
      'back-matter': resources.length > 0 ? { resources } : undefined,
    }),
  }
}

/** Groups are the structural top of the tree; see the module comment. */
function isGroup(node: CatalogNode): boolean {
  return !node.assessable && GROUP_KINDS.has(node.kind)
}

/** Kinds that are containers only, never obligations in themselves. */
const GROUP_KINDS = new Set([
  'chapter',
  'section',
  'annex',
  'annex-section',
  'function',
  'category',
])

function optional<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined
}

function nodeProps(node: CatalogNode): OscalProperty[] | undefined {
  return compact([
    oscalProp('label', node.ref_id),
    accordProp('urn', node.urn),
    accordProp('assessable', node.assessable),
    node.official ? undefined : accordProp('official', false),
    ...(node.obligation?.roles ?? []).map((r) => accordProp('role', r)),
    ...(node.obligation?.application ?? []).map((a) =>
      accordProp('applies-from', a.from, {
        class: toToken(a.law_version),
        ...(a.route !== 'any' || a.note || a.placed_before
          ? {
              remarks: [
                a.route !== 'any' ? `route ${a.route}` : undefined,
                a.placed_before
                  ? `systems placed on the market before ${a.placed_before}`
                  : undefined,
                a.note,
              ]
                .filter(Boolean)
                .join('; '),
            }
          : {}),
      }),
    ),
    ...(node.use_cases ?? []).map((u) => accordProp('use-case', u)),
    ...(node.law_versions ?? []).map((v) => accordProp('law-version', v)),
  ])
}

function nodeParts(node: CatalogNode): OscalPart[] | undefined {
  const id = oscalControlId(node)
  return compact<OscalPart>([
    { id: `${id}_smt`, name: 'statement', prose: node.summary },
    node.evidence_hint
      ? { id: `${id}_gdn`, name: 'guidance', prose: node.evidence_hint }
      : undefined,
    node.uncertain ? { name: 'uncertain', ns: ACCORD_OSCAL_NS, prose: node.uncertain } : undefined,
  ])
}
