/**
 * The library format of CISO Assistant (intuitem/ciso-assistant-community,
 * backend/library/libraries/*.yaml), both ways:
 *
 * - export: an Accord catalog as a framework library (header, then `objects.framework` with a flat
 *   `requirement_nodes` list: urn, parent_urn, depth, ref_id, assessable, name, description), and
 *   an Accord mapping as a mapping library (`objects.requirement_mapping_set` with
 *   `requirement_mappings`: source_requirement_urn, target_requirement_urn, relationship,
 *   rationale, annotation);
 * - import: a framework library as an Accord catalog, which the caller checks with
 *   `validateCatalog`; a mapping library as an Accord mapping (`cisoMappingToMapping`), which the
 *   caller checks with `validateMapping`.
 *
 * URNs on export follow CISO Assistant's pattern in Accord's namespace:
 * `urn:accord:risk:library:<framework>-<edition>`, `urn:accord:risk:framework:...`,
 * `urn:accord:risk:req_node:<framework>-<edition>:<id>`. On import these turn back into Accord's
 * `urn:accord:req:<framework>-<edition>:<id>`, so a round trip keeps ids, URNs and parents.
 * Relationships: equivalent <-> equal, subset <-> subset, superset <-> superset, related <->
 * intersect (CISO Assistant's `not_related` has no Accord counterpart and is skipped).
 */
import { stringify } from 'yaml'
import { z } from 'zod'
import type { Catalog, CatalogNode, Mapping, MappingEdge, Relation } from '../catalog/schema.js'
import type { CatalogSet } from '../catalog/types.js'
import { catalogKey, nodeUrn } from '../catalog/validate.js'
import type { Issue } from '../errors.js'

const NS = 'urn:accord:risk'

export interface CisoRequirementNode {
  urn: string
  parent_urn?: string
  depth: number
  ref_id?: string
  assessable: boolean
  name?: string
  description?: string
}

export interface CisoLibrary {
  urn: string
  locale: string
  ref_id: string
  name: string
  description: string
  copyright: string
  version: number
  publication_date: string
  provider: string
  packager: string
  dependencies?: string[]
  objects: {
    framework?: {
      urn: string
      ref_id: string
      name: string
      description: string
      requirement_nodes: CisoRequirementNode[]
    }
    requirement_mapping_set?: {
      urn: string
      ref_id: string
      name: string
      description: string
      source_framework_urn: string
      target_framework_urn: string
      requirement_mappings: {
        source_requirement_urn: string
        target_requirement_urn: string
        relationship: string
        rationale: string
        annotation?: string
      }[]
    }
  }
}

export const cisoLibraryUrn = (key: string) => `${NS}:library:${key}`
export const cisoFrameworkUrn = (key: string) => `${NS}:framework:${key}`
export const cisoNodeUrn = (key: string, id: string) => `${NS}:req_node:${key}:${id}`

/** The CISO Assistant URN of an Accord node URN (`urn:accord:req:<key>:<id>`). */
function toCisoNodeUrn(urn: string): string {
  const m = /^urn:accord:req:([^:]+):(.+)$/.exec(urn)
  if (!m) throw new TypeError(`not an Accord requirement URN: ${urn}`)
  return cisoNodeUrn(m[1] as string, m[2] as string)
}

export function catalogToCisoLibrary(catalog: Catalog): CisoLibrary {
  const key = catalogKey(catalog.framework, catalog.edition)
  const nodes = catalog.nodes.map((n) =>
    strip({
      urn: cisoNodeUrn(key, n.id),
      parent_urn: n.parent_urn === undefined ? undefined : toCisoNodeUrn(n.parent_urn),
      depth: n.depth,
      ref_id: n.ref_id,
      assessable: n.assessable,
      name: n.name,
      description: n.summary,
    }),
  )
  return {
    urn: cisoLibraryUrn(key),
    locale: catalog.locale,
    ref_id: key,
    name: catalog.name,
    description: catalog.description,
    copyright: catalog.copyright,
    version: catalog.version,
    publication_date: catalog.publication_date,
    provider: catalog.provider,
    packager: 'accord',
    objects: {
      framework: {
        urn: cisoFrameworkUrn(key),
        ref_id: key,
        name: catalog.name,
        description: catalog.description,
        requirement_nodes: nodes,
      },
    },
  }
}

const RELATIONSHIP: Record<Relation, string> = {
  equivalent: 'equal',
  subset: 'subset',
  superset: 'superset',
  related: 'intersect',
}

export function mappingToCisoLibrary(mapping: Mapping, set: CatalogSet): CisoLibrary {
  const keyOf = (urn: string) => {
    const ref = set.refs.find((r) => r.urn === urn)
    if (!ref) throw new TypeError(`mapping ${mapping.urn} depends on unknown catalog ${urn}`)
    return catalogKey(ref.framework, ref.edition)
  }
  const [source, target] = mapping.dependencies.map(keyOf) as [string, string]
  const key = `${source}--${target}`
  return {
    urn: cisoLibraryUrn(`mapping-${key}`),
    locale: 'en',
    ref_id: `mapping-${key}`,
    name: mapping.name,
    description: mapping.description,
    copyright: mapping.copyright,
    version: mapping.version,
    publication_date: mapping.publication_date,
    provider: mapping.provider,
    packager: 'accord',
    dependencies: [cisoLibraryUrn(source), cisoLibraryUrn(target)],
    objects: {
      requirement_mapping_set: {
        urn: `${NS}:requirement_mapping_set:${key}`,
        ref_id: `mapping-${key}`,
        name: mapping.name,
        description: mapping.description,
        source_framework_urn: cisoFrameworkUrn(source),
        target_framework_urn: cisoFrameworkUrn(target),
        requirement_mappings: mapping.edges.map((e) => ({
          source_requirement_urn: toCisoNodeUrn(e.source_urn),
          target_requirement_urn: toCisoNodeUrn(e.target_urn),
          relationship: RELATIONSHIP[e.relation],
          rationale: 'semantic',
          annotation: `${e.rationale} (source: ${e.source}; confidence: ${e.confidence})`,
        })),
      },
    },
  }
}

/** YAML text of a library, keys in the order CISO Assistant writes them. */
export function formatCisoLibrary(library: CisoLibrary): string {
  return stringify(library, { lineWidth: 100 })
}

// ---------------------------------------------------------------------------------------------
// Import

const CisoNodeInput = z.looseObject({
  urn: z.string().min(1),
  parent_urn: z.string().min(1).optional(),
  depth: z.number().int().min(1).optional(),
  ref_id: z.union([z.string(), z.number()]).optional(),
  assessable: z.boolean(),
  name: z.string().optional(),
  description: z.string().optional(),
})

/** What Accord reads of a CISO Assistant framework library; other keys are ignored. */
export const CisoFrameworkLibraryInput = z.looseObject({
  urn: z.string().min(1),
  locale: z.string().optional(),
  ref_id: z.union([z.string(), z.number()]).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  copyright: z.string().optional(),
  version: z.number().int().min(1).optional(),
  publication_date: z.string().optional(),
  provider: z.string().optional(),
  packager: z.string().optional(),
  objects: z.looseObject({
    framework: z.looseObject({
      urn: z.string().min(1),
      ref_id: z.union([z.string(), z.number()]).optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      requirement_nodes: z.array(CisoNodeInput).min(1),
    }),
  }),
})
export type CisoFrameworkLibraryInput = z.infer<typeof CisoFrameworkLibraryInput>

export interface CisoImportOptions {
  /** Accord framework id of the result, e.g. `iso-42001`. */
  framework: string
  /** Edition, e.g. `2023`. */
  edition: string
  /** `$schema` of the written catalog (relative path to catalog.v1.schema.json). */
  schemaRef: string
  /** Publication date when the library has none (YYYY-MM-DD). */
  fallbackDate: string
  /** The file read, for messages and the provenance note. */
  file: string
}

export type CisoImportResult =
  { ok: true; catalog: unknown; warnings: Issue[] } | { ok: false; issues: Issue[] }

/** An id slug (`[a-z0-9][a-z0-9.-]*`) for a CISO Assistant node URN. */
export function slugFromCisoUrn(urn: string, key: string | undefined): string {
  const accordPrefix = key === undefined ? undefined : `${NS}:req_node:${key}:`
  const tail =
    accordPrefix !== undefined && urn.startsWith(accordPrefix)
      ? urn.slice(accordPrefix.length)
      : (urn.split(':').pop() ?? urn)
  const slug = tail
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
  return slug === '' ? 'node' : slug
}

/**
 * Converts a parsed framework library into an Accord catalog object. Structural problems (unknown
 * parents, repeated URNs) are issues; the caller runs `validateCatalog` on the result.
 */
export function cisoLibraryToCatalog(
  library: CisoFrameworkLibraryInput,
  options: CisoImportOptions,
): CisoImportResult {
  const key = catalogKey(options.framework, options.edition)
  const framework = library.objects.framework
  const issues: Issue[] = []
  const warnings: Issue[] = []
  const idOf = new Map<string, string>()
  const used = new Set<string>()
  framework.requirement_nodes.forEach((n, i) => {
    if (idOf.has(n.urn)) {
      issues.push({
        code: 'duplicate_urn',
        path: ['objects', 'framework', 'requirement_nodes', i, 'urn'],
        file: options.file,
        message: `requirement node urn "${n.urn}" appears twice`,
        hint: 'give each requirement node its own urn',
      })
      return
    }
    let id = slugFromCisoUrn(n.urn, key)
    if (used.has(id)) {
      let k = 2
      while (used.has(`${id}-${k}`)) k++
      warnings.push({
        code: 'id_renamed',
        path: ['objects', 'framework', 'requirement_nodes', i, 'urn'],
        file: options.file,
        message: `two node urns give the id "${id}"; "${n.urn}" becomes "${id}-${k}"`,
        hint: 'nothing to do, unless you want to choose the id: rename the urn',
      })
      id = `${id}-${k}`
    }
    used.add(id)
    idOf.set(n.urn, id)
  })

  const nodes: Partial<CatalogNode>[] = []
  const depthOf = new Map<string, number>()
  framework.requirement_nodes.forEach((n, i) => {
    const id = idOf.get(n.urn)
    if (id === undefined) return
    let parentUrn: string | undefined
    let depth = 1
    if (n.parent_urn !== undefined) {
      const parentId = idOf.get(n.parent_urn)
      if (parentId === undefined) {
        issues.push({
          code: 'unknown_parent',
          path: ['objects', 'framework', 'requirement_nodes', i, 'parent_urn'],
          file: options.file,
          message: `node "${n.urn}" has parent_urn "${n.parent_urn}", which is no node of the library`,
          hint: 'fix parent_urn to the urn of an earlier requirement node, or remove it for a top-level node',
        })
        return
      }
      const parentDepth = depthOf.get(n.parent_urn)
      if (parentDepth === undefined) {
        issues.push({
          code: 'parent_after_child',
          path: ['objects', 'framework', 'requirement_nodes', i, 'parent_urn'],
          file: options.file,
          message: `node "${n.urn}" comes before its parent "${n.parent_urn}"`,
          hint: 'list every parent before its children, as CISO Assistant does',
        })
        return
      }
      parentUrn = nodeUrn(options.framework, options.edition, parentId)
      depth = parentDepth + 1
    }
    depthOf.set(n.urn, depth)
    const refId = n.ref_id === undefined ? undefined : String(n.ref_id).trim()
    const name = n.name?.trim() || refId || id
    nodes.push(
      strip({
        id,
        urn: nodeUrn(options.framework, options.edition, id),
        parent_urn: parentUrn,
        depth,
        kind: n.assessable ? 'control' : 'section',
        ref_id: refId || name,
        name,
        summary: n.description?.trim() || name,
        assessable: n.assessable,
      }) as Partial<CatalogNode>,
    )
  })
  if (issues.length > 0) return { ok: false, issues }

  const publication = library.publication_date ?? options.fallbackDate
  if (library.publication_date === undefined) {
    warnings.push({
      code: 'no_publication_date',
      path: ['publication_date'],
      file: options.file,
      message: `the library has no publication_date; ${options.fallbackDate} is used`,
      hint: 'set publication_date in the written catalog if you know it',
    })
  }
  const catalog = {
    $schema: options.schemaRef,
    urn: `urn:accord:catalog:${key}`,
    framework: options.framework,
    edition: options.edition,
    version: library.version ?? 1,
    name: framework.name?.trim() || library.name,
    description: framework.description?.trim() || library.description?.trim() || library.name,
    kind: 'framework',
    locale: library.locale ?? 'en',
    publication_date: publication,
    provider: library.provider ?? library.packager ?? 'unknown',
    copyright: library.copyright ?? 'not stated in the CISO Assistant library',
    sources: [
      {
        title: `CISO Assistant library ${library.urn} (${library.name})`,
        note: `Imported by accord from ${options.file}; framework ${framework.urn}${library.packager ? `, packaged by ${library.packager}` : ''}. Node kinds are not in the library format: assessable nodes are "control", others "section".`,
      },
    ],
    nodes,
  }
  return { ok: true, catalog, warnings }
}

/** Framework id and edition Accord would give a library, when the user names none. */
export function defaultFrameworkAndEdition(library: CisoFrameworkLibraryInput): {
  framework: string
  edition: string
} {
  const ref = String(library.objects.framework.ref_id ?? library.ref_id ?? library.urn)
  const tail = ref.split(':').pop() ?? ref
  const framework =
    tail
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'imported'
  return { framework, edition: String(library.version ?? 1) }
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

// ---------------------------------------------------------------------------------------------
// Import of a mapping library

/** The inverse of the export namespace: `urn:accord:risk:req_node:<key>:<id>` -> Accord's URN. */
export function fromCisoNodeUrn(urn: string): string | undefined {
  const m = /^urn:accord:risk:req_node:([^:]+):(.+)$/.exec(urn)
  return m ? `urn:accord:req:${m[1] as string}:${m[2] as string}` : undefined
}

/** CISO Assistant relationship -> Accord relation; `not_related` has none and is skipped. */
const RELATION_OF: Record<string, Relation | undefined> = {
  equal: 'equivalent',
  subset: 'subset',
  superset: 'superset',
  intersect: 'related',
  not_related: undefined,
}

/** What Accord reads of a CISO Assistant mapping library; other keys are ignored. */
export const CisoMappingLibraryInput = z.looseObject({
  urn: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  copyright: z.string().optional(),
  version: z.number().int().min(1).optional(),
  publication_date: z.string().optional(),
  provider: z.string().optional(),
  packager: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  objects: z.looseObject({
    requirement_mapping_set: z.looseObject({
      urn: z.string().min(1).optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      source_framework_urn: z.string().min(1),
      target_framework_urn: z.string().min(1),
      requirement_mappings: z
        .array(
          z.looseObject({
            source_requirement_urn: z.string().min(1),
            target_requirement_urn: z.string().min(1),
            relationship: z.enum(['equal', 'subset', 'superset', 'intersect', 'not_related']),
            rationale: z.string().optional(),
            annotation: z.string().optional(),
          }),
        )
        .min(1),
    }),
  }),
})
export type CisoMappingLibraryInput = z.infer<typeof CisoMappingLibraryInput>

export interface CisoMappingImportOptions {
  /** Accord node URN of a CISO Assistant node URN on one side, or undefined when unknown. */
  resolveNode: (cisoUrn: string, side: 'source' | 'target') => string | undefined
  /** Catalog URNs of the two sides, e.g. `urn:accord:catalog:eu-ai-act-2024-1689`. */
  sourceCatalogUrn: string
  targetCatalogUrn: string
  /** Publication date when the library has none (YYYY-MM-DD). */
  fallbackDate: string
  /** The file read, for messages and the provenance note. */
  file: string
  /** `$schema` of the written mapping (default `../schema/mapping.v1.schema.json`). */
  schemaRef?: string
}

export type CisoMappingImportResult =
  { ok: true; mapping: unknown; warnings: Issue[] } | { ok: false; issues: Issue[] }

/**
 * Converts a parsed mapping library into an Accord mapping object (edge source
 * `ciso-assistant:<library urn>`, confidence `medium`). Unresolvable node URNs are issues;
 * `not_related` entries are skipped with a warning. The caller runs `validateMapping`.
 */
export function cisoMappingToMapping(
  library: CisoMappingLibraryInput,
  options: CisoMappingImportOptions,
): CisoMappingImportResult {
  const set = library.objects.requirement_mapping_set
  const issues: Issue[] = []
  const warnings: Issue[] = []
  const base = ['objects', 'requirement_mapping_set', 'requirement_mappings'] as const
  const source = `ciso-assistant:${library.urn}`
  const edges: MappingEdge[] = []
  set.requirement_mappings.forEach((m, i) => {
    const relation = RELATION_OF[m.relationship]
    if (relation === undefined) {
      warnings.push({
        code: 'not_related_skipped',
        path: [...base, i, 'relationship'],
        file: options.file,
        message: `mapping ${i} ("${m.source_requirement_urn}" -> "${m.target_requirement_urn}") is not_related, which Accord does not record; it is skipped`,
        hint: 'nothing to do: Accord mappings list only related nodes',
      })
      return
    }
    const ends = (['source', 'target'] as const).map((side) => {
      const cisoUrn = side === 'source' ? m.source_requirement_urn : m.target_requirement_urn
      const urn = options.resolveNode(cisoUrn, side)
      if (urn === undefined) {
        const catalog = side === 'source' ? options.sourceCatalogUrn : options.targetCatalogUrn
        issues.push({
          code: side === 'source' ? 'unknown_source_node' : 'unknown_target_node',
          path: [...base, i, `${side}_requirement_urn`],
          file: options.file,
          message: `mapping ${i}: ${side} node "${cisoUrn}" matches no node of catalog "${catalog}"`,
          hint: `fix ${side}_requirement_urn, or import the framework library first so its node ids match (docs/exports.md)`,
        })
      }
      return urn
    })
    const [sourceUrn, targetUrn] = ends
    if (sourceUrn === undefined || targetUrn === undefined) return
    // CISO Assistant's `rationale` is a category (syntactic, semantic, functional); the words are
    // in `annotation`.
    const category = m.rationale?.trim()
    edges.push({
      source_urn: sourceUrn,
      target_urn: targetUrn,
      relation,
      source,
      rationale:
        m.annotation?.trim() ||
        `"${m.relationship}" in CISO Assistant library ${library.urn}${category ? ` (rationale: ${category})` : ''}`,
      confidence: 'medium',
    })
  })
  if (issues.length > 0) return { ok: false, issues }

  if (library.publication_date === undefined) {
    warnings.push({
      code: 'no_publication_date',
      path: ['publication_date'],
      file: options.file,
      message: `the library has no publication_date; ${options.fallbackDate} is used`,
      hint: 'set publication_date in the written mapping if you know it',
    })
  }
  const tail = (urn: string) => urn.replace(/^urn:accord:catalog:/, '')
  const name = set.name?.trim() || library.name
  const mapping = {
    $schema: options.schemaRef ?? '../schema/mapping.v1.schema.json',
    urn: `urn:accord:mapping:${tail(options.sourceCatalogUrn)}--${tail(options.targetCatalogUrn)}`,
    version: library.version ?? 1,
    name,
    description: set.description?.trim() || library.description?.trim() || name,
    publication_date: library.publication_date ?? options.fallbackDate,
    provider: library.provider ?? library.packager ?? 'unknown',
    copyright: library.copyright ?? 'not stated in the CISO Assistant library',
    dependencies: [options.sourceCatalogUrn, options.targetCatalogUrn],
    sources: [
      {
        title: `CISO Assistant library ${library.urn} (${library.name})`,
        note: `Imported by accord from ${options.file}; mapping set ${set.urn ?? '(no urn)'} from ${set.source_framework_urn} to ${set.target_framework_urn}. Relationships: equal -> equivalent, subset, superset, intersect -> related; not_related entries are skipped. Confidence is set to medium.`,
      },
    ],
    edges,
  }
  return { ok: true, mapping, warnings }
}
