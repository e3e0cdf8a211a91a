/**
 * Validation of catalog and mapping files, and assembly of the validated files into a CatalogSet.
 *
 * Pure: the caller reads and parses the files (src/node/catalog-loader.ts) and passes the parsed
 * JSON in. Validation never throws on bad input; it collects every issue it finds and returns
 * `{ ok: false, issues }`. Schema issues come first; the semantic checks (unique IDs and URNs,
 * parents, depths, law versions, mapping edges) run once the schema holds, because they rely on
 * the shape the schema guarantees.
 */
import { didYouMean } from '../did-you-mean.js'
import type { z } from 'zod'
import type { Issue } from '../errors.js'
import { Catalog, Mapping } from './schema.js'
import type { CatalogNode, MappingEdge } from './schema.js'
import type { CatalogRef, CatalogSet } from './types.js'
import { compareCodeUnits } from '../compare.js'

/** Issue codes of the semantic checks. Schema issues keep zod's code (`invalid_type`, ...). */
export const CATALOG_ISSUE_CODES = {
  catalog_urn_mismatch: 'The catalog urn is not urn:accord:catalog:<framework>-<edition>.',
  duplicate_law_version: 'Two law versions share one id.',
  duplicate_id: 'Two nodes share one id.',
  duplicate_urn: 'Two nodes share one URN.',
  urn_mismatch: 'A node URN is not urn:accord:req:<framework>-<edition>:<id>.',
  unknown_parent: 'A parent_urn names no node of the same catalog.',
  depth_mismatch: 'A node depth is not its parent depth + 1 (or 1 for a root).',
  unknown_law_version: 'A node refers to a law version the catalog does not declare.',
  obligation_not_assessable:
    'A node with an obligation is marked assessable: false (and is no classification rule).',
  mapping_urn_mismatch: 'The mapping urn does not name its two dependency catalogs.',
  unknown_dependency: 'A mapping depends on a catalog that is not loaded.',
  dangling_source: 'A mapping edge starts at a URN that is not in the source catalog.',
  dangling_target: 'A mapping edge points at a URN that is not in the target catalog.',
  duplicate_edge: 'Two mapping edges connect the same source and target.',
  // Reported by the file loader (src/node/catalog-loader.ts):
  parse_error: 'The file is not valid JSON.',
  file_name_mismatch:
    'The file is not named <framework>/<edition>.v<version>.json after its header.',
  duplicate_framework: 'Two catalog files define the same framework.',
} as const

export type CatalogIssueCode = keyof typeof CATALOG_ISSUE_CODES

export type ValidateCatalogResult = { ok: true; catalog: Catalog } | { ok: false; issues: Issue[] }
export type ValidateMappingResult = { ok: true; mapping: Mapping } | { ok: false; issues: Issue[] }

const CATALOG_URN_PREFIX = 'urn:accord:catalog:'
const MAPPING_URN_PREFIX = 'urn:accord:mapping:'
const REQ_URN_PREFIX = 'urn:accord:req:'

/** `eu-ai-act` + `2024-1689` -> `eu-ai-act-2024-1689`, the part shared by catalog and node URNs. */
export function catalogKey(framework: string, edition: string): string {
  return `${framework}-${edition}`
}

/** The URN a node with `id` must have in the catalog of `framework` and `edition`. */
export function nodeUrn(framework: string, edition: string, id: string): string {
  return `${REQ_URN_PREFIX}${catalogKey(framework, edition)}:${id}`
}

/** Validates one parsed catalog file. `file` (e.g. `nist-ai-rmf/1.0.v1.json`) names it in messages. */
export function validateCatalog(json: unknown, file: string): ValidateCatalogResult {
  const parsed = Catalog.safeParse(json)
  if (!parsed.success)
    return { ok: false, issues: schemaIssues(parsed.error, json, 'catalog', file) }
  const catalog = parsed.data
  const issues: Issue[] = []
  const report = (code: CatalogIssueCode, path: Issue['path'], what: string, fix: string) =>
    issues.push(issue(code, path, 'catalog', file, what, fix))

  const key = catalogKey(catalog.framework, catalog.edition)
  if (catalog.urn !== CATALOG_URN_PREFIX + key) {
    report(
      'catalog_urn_mismatch',
      ['urn'],
      `catalog urn "${catalog.urn}" does not match framework "${catalog.framework}" and edition "${catalog.edition}"`,
      `set urn to "${CATALOG_URN_PREFIX}${key}"`,
    )
  }

  const lawVersions = new Set<string>()
  ;(catalog.law_versions ?? []).forEach((v, i) => {
    if (lawVersions.has(v.id)) {
      report(
        'duplicate_law_version',
        ['law_versions', i, 'id'],
        `law version "${v.id}" is declared twice`,
        'give each law version a distinct id',
      )
    }
    lawVersions.add(v.id)
  })
  const declared = lawVersions.size > 0 ? [...lawVersions].map((v) => `"${v}"`).join(', ') : 'none'

  const byId = new Map<string, CatalogNode>()
  const byUrn = new Map<string, CatalogNode>()
  catalog.nodes.forEach((node, i) => {
    if (byId.has(node.id)) {
      report(
        'duplicate_id',
        ['nodes', i, 'id'],
        `node "${node.id}" (nodes[${i}]) repeats an id already used by an earlier node`,
        'give the node a new id; ids are never reused',
      )
      return // its URN is derived from the id; one report is enough
    }
    byId.set(node.id, node)
    if (byUrn.has(node.urn)) {
      report(
        'duplicate_urn',
        ['nodes', i, 'urn'],
        `node "${node.id}" repeats urn "${node.urn}" of an earlier node`,
        'fix the urn so it ends with the node id',
      )
    } else byUrn.set(node.urn, node)
    const expected = nodeUrn(catalog.framework, catalog.edition, node.id)
    if (node.urn !== expected) {
      report(
        'urn_mismatch',
        ['nodes', i, 'urn'],
        `node "${node.id}" has urn "${node.urn}"`,
        `set urn to "${expected}"`,
      )
    }
  })

  catalog.nodes.forEach((node, i) => {
    if (node.parent_urn === undefined) {
      if (node.depth !== 1) {
        report(
          'depth_mismatch',
          ['nodes', i, 'depth'],
          `node "${node.id}" has no parent_urn but depth ${node.depth}`,
          'set depth to 1 for a top-level node, or add its parent_urn',
        )
      }
    } else {
      const parent = byUrn.get(node.parent_urn)
      if (parent === undefined) {
        report(
          'unknown_parent',
          ['nodes', i, 'parent_urn'],
          `node "${node.id}" has unknown parent_urn "${node.parent_urn}"`,
          'add the parent or fix parent_urn' +
            didYouMean(
              node.parent_urn,
              [...byUrn.keys()].filter((u) => u !== node.urn),
            ),
        )
      } else if (node.depth !== parent.depth + 1) {
        report(
          'depth_mismatch',
          ['nodes', i, 'depth'],
          `node "${node.id}" has depth ${node.depth} but its parent "${parent.id}" has depth ${parent.depth}`,
          `set depth to ${parent.depth + 1}`,
        )
      }
    }

    // Obligations are assessed, so their nodes must be assessable. The exception is a
    // classification rule (a node listing `use_cases`, e.g. an Art. 5(1) prohibited practice): it
    // carries an obligation only for its roles and dates of application, and is not a gap to close.
    if (node.obligation !== undefined && !node.assessable && node.use_cases === undefined) {
      report(
        'obligation_not_assessable',
        ['nodes', i, 'assessable'],
        `node "${node.id}" carries an obligation but is marked assessable: false`,
        'set assessable to true, move the obligation to the assessable node, or, for a classification rule, list its use_cases',
      )
    }
    node.obligation?.application.forEach((a, j) => {
      if (!lawVersions.has(a.law_version)) {
        report(
          'unknown_law_version',
          ['nodes', i, 'obligation', 'application', j, 'law_version'],
          `node "${node.id}" has an application under unknown law version "${a.law_version}" (declared: ${declared})`,
          'use a law version id declared in law_versions, or declare it',
        )
      }
    })
    node.law_versions?.forEach((v, j) => {
      if (!lawVersions.has(v)) {
        report(
          'unknown_law_version',
          ['nodes', i, 'law_versions', j],
          `node "${node.id}" lists unknown law version "${v}" (declared: ${declared})`,
          'use a law version id declared in law_versions, or declare it',
        )
      }
    })
  })

  return issues.length > 0 ? { ok: false, issues } : { ok: true, catalog }
}

/**
 * Validates one parsed mapping file against the catalogs it connects. `catalogs` are the
 * already-validated catalogs; the mapping's `dependencies` name two of them by URN.
 */
export function validateMapping(
  json: unknown,
  file: string,
  catalogs: readonly Catalog[],
): ValidateMappingResult {
  const parsed = Mapping.safeParse(json)
  if (!parsed.success)
    return { ok: false, issues: schemaIssues(parsed.error, json, 'mapping', file) }
  const mapping = parsed.data
  const issues: Issue[] = []
  const report = (code: CatalogIssueCode, path: Issue['path'], what: string, fix: string) =>
    issues.push(issue(code, path, 'mapping', file, what, fix))

  const [sourceUrn, targetUrn] = mapping.dependencies
  const expectedUrn = `${MAPPING_URN_PREFIX}${sourceUrn.slice(CATALOG_URN_PREFIX.length)}--${targetUrn.slice(CATALOG_URN_PREFIX.length)}`
  if (mapping.urn !== expectedUrn) {
    report(
      'mapping_urn_mismatch',
      ['urn'],
      `mapping urn "${mapping.urn}" does not name its dependencies "${sourceUrn}" and "${targetUrn}"`,
      `set urn to "${expectedUrn}"`,
    )
  }

  const sides = mapping.dependencies.map((urn, i) => {
    const catalog = catalogs.find((c) => c.urn === urn)
    if (catalog === undefined) {
      report(
        'unknown_dependency',
        ['dependencies', i],
        `dependency "${urn}" is not a loaded catalog (loaded: ${catalogs.map((c) => `"${c.urn}"`).join(', ') || 'none'})`,
        'add the catalog file under catalogs/ or fix the dependency urn',
      )
      return undefined
    }
    return new Set(catalog.nodes.map((n) => n.urn))
  })
  const [sourceNodes, targetNodes] = sides

  const seen = new Map<string, number>()
  mapping.edges.forEach((edge: MappingEdge, i) => {
    if (sourceNodes !== undefined && !sourceNodes.has(edge.source_urn)) {
      report(
        'dangling_source',
        ['edges', i, 'source_urn'],
        `edge ${i} starts at "${edge.source_urn}", which is not a node of "${sourceUrn}"`,
        'fix source_urn or add the node to the source catalog' +
          didYouMean(edge.source_urn, sourceNodes),
      )
    }
    if (targetNodes !== undefined && !targetNodes.has(edge.target_urn)) {
      report(
        'dangling_target',
        ['edges', i, 'target_urn'],
        `edge ${i} points at "${edge.target_urn}", which is not a node of "${targetUrn}"`,
        'fix target_urn or add the node to the target catalog' +
          didYouMean(edge.target_urn, targetNodes),
      )
    }
    const pair = `${edge.source_urn}\n${edge.target_urn}`
    const first = seen.get(pair)
    if (first !== undefined) {
      report(
        'duplicate_edge',
        ['edges', i],
        `edge ${i} repeats edge ${first} ("${edge.source_urn}" -> "${edge.target_urn}")`,
        'keep one edge per source and target; merge the rationales',
      )
    } else seen.set(pair, i)
  })

  return issues.length > 0 ? { ok: false, issues } : { ok: true, mapping }
}

/**
 * What `validateCatalog` returns for JSON it is known to accept, without checking it again: the
 * caller must hold proof that these exact bytes passed `validateCatalog` (src/node/catalog-loader.ts
 * uses it for the bundled catalogs, whose full validation the test suite runs). Gives the value
 * zod's parse gives: fresh objects and arrays, keys in schema order, defaults filled in.
 */
export function validatedCatalog(json: unknown): Catalog {
  return schemaOutput(Catalog, json) as Catalog
}

/** `validatedCatalog` for mappings: what `validateMapping` returns for JSON it accepted before. */
export function validatedMapping(json: unknown): Mapping {
  return schemaOutput(Mapping, json) as Mapping
}

/** A validated catalog and the SHA-256 (hex) of its canonical JSON, computed by the caller. */
export interface CatalogEntry {
  catalog: Catalog
  sha256: string
}

/**
 * Indexes validated catalogs and mappings. The caller computes each catalog's SHA-256 over its
 * canonical JSON (`canonicalJson` in ./canonical.ts), so the core needs no crypto. Throws
 * `TypeError` when given two catalogs of one framework or the same URN twice: callers must
 * validate first and pass one edition per framework.
 */
export function buildCatalogSet(
  entries: readonly CatalogEntry[],
  mappings: readonly Mapping[],
): CatalogSet {
  const catalogs = new Map<string, Catalog>()
  const refs: CatalogRef[] = []
  const nodesByUrn = new Map<string, { framework: string; node: CatalogNode }>()
  const childrenByUrn = new Map<string, string[]>()
  const edgesByUrn = new Map<string, MappingEdge[]>()

  // By UTF-16 code units, not localeCompare: the order must not depend on the machine's locale,
  // and the first localeCompare in a process sets up ICU collation (about 8 ms).
  const sorted = [...entries].sort((a, b) =>
    compareCodeUnits(a.catalog.framework, b.catalog.framework),
  )
  for (const { catalog, sha256 } of sorted) {
    if (catalogs.has(catalog.framework)) {
      throw new TypeError(`buildCatalogSet: two catalogs for framework "${catalog.framework}"`)
    }
    catalogs.set(catalog.framework, catalog)
    refs.push({
      urn: catalog.urn,
      framework: catalog.framework,
      edition: catalog.edition,
      version: catalog.version,
      sha256,
    })
    for (const node of catalog.nodes) {
      if (nodesByUrn.has(node.urn))
        throw new TypeError(`buildCatalogSet: duplicate URN ${node.urn}`)
      nodesByUrn.set(node.urn, { framework: catalog.framework, node })
    }
    for (const node of catalog.nodes) {
      if (node.parent_urn === undefined) continue
      const siblings = childrenByUrn.get(node.parent_urn)
      if (siblings) siblings.push(node.urn)
      else childrenByUrn.set(node.parent_urn, [node.urn])
    }
  }
  for (const mapping of mappings) {
    for (const edge of mapping.edges) {
      addEdge(edgesByUrn, edge.source_urn, edge)
      if (edge.target_urn !== edge.source_urn) addEdge(edgesByUrn, edge.target_urn, edge)
    }
  }
  return { catalogs, refs, mappings: [...mappings], nodesByUrn, childrenByUrn, edgesByUrn }
}

function addEdge(edgesByUrn: Map<string, MappingEdge[]>, urn: string, edge: MappingEdge): void {
  const list = edgesByUrn.get(urn)
  if (list) list.push(edge)
  else edgesByUrn.set(urn, [edge])
}

// ---------------------------------------------------------------------------------------------

function issue(
  code: string,
  path: Issue['path'],
  kind: 'catalog' | 'mapping',
  file: string,
  what: string,
  fix: string,
): Issue {
  return { code, path, file, message: `${kind} ${file}: ${what}; ${fix}`, hint: fix }
}

const SCHEMA_HINTS: Record<string, string> = {
  invalid_type: 'give a value of the expected type',
  unrecognized_keys: 'remove the field or fix its spelling; the schema allows no other fields',
  invalid_format: 'fix the value to match the expected format',
  invalid_value: 'use one of the allowed values',
  too_small: 'add the missing items or characters',
  too_big: 'shorten the value',
  custom: 'fix the value as the message says',
}

function schemaIssues(
  error: z.ZodError,
  json: unknown,
  kind: 'catalog' | 'mapping',
  file: string,
): Issue[] {
  return error.issues.map((zi) => {
    const path = zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    const where = describePath(json, path)
    const fix = SCHEMA_HINTS[zi.code] ?? 'fix the value as the message says'
    return {
      code: zi.code,
      path,
      file,
      message: `${kind} ${file}: ${where}: ${zi.message}; ${fix}`,
      hint: fix,
    }
  })
}

/** `node "art-9" field kind` when the path is inside a node with an id, else the dotted path. */
function describePath(json: unknown, path: readonly (string | number)[]): string {
  const dotted = path.length === 0 ? 'document' : path.map(String).join('.')
  const [list, index, ...rest] = path
  if ((list === 'nodes' || list === 'edges') && typeof index === 'number') {
    const item = (json as Record<string, unknown> | null)?.[list]
    const entry = Array.isArray(item) ? (item[index] as unknown) : undefined
    const label =
      list === 'nodes' && isRecord(entry) && typeof entry.id === 'string'
        ? `node "${entry.id}"`
        : `${list}[${index}]`
    return rest.length > 0 ? `${label} field ${rest.map(String).join('.')}` : label
  }
  return dotted
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// ---------------------------------------------------------------------------------------------

/**
 * The output of `schema.parse(value)` for a value the schema accepts, built without the checks.
 * Why not zod itself: its parse was most of the time to load the bundled catalogs in a fresh
 * process (about 40 ms; `z.compile`, or parsing with `skipChecks`, still took 15 to 40 ms cold),
 * where this copy takes 2 to 4 ms. It follows zod's rule for objects: keys in shape order, an
 * absent optional key stays absent, an absent key with a default gets the default (the tests
 * compare the two on the fixtures and on every bundled catalog and mapping, key order included).
 * Constructs the catalog schemas do not use throw a TypeError rather than risk a different value.
 */
function schemaOutput(schema: z.core.$ZodType, value: unknown): unknown {
  return builderOf(schema)(value)
}

type Builder = (value: unknown) => unknown

const identity: Builder = (value) => value
const builders = new WeakMap<z.core.$ZodType, Builder>()

function builderOf(schema: z.core.$ZodType): Builder {
  let builder = builders.get(schema)
  if (builder === undefined) {
    builder = makeBuilder(schema as z.core.$ZodTypes)
    builders.set(schema, builder)
  }
  return builder
}

function makeBuilder(schema: z.core.$ZodTypes): Builder {
  const def = schema._zod.def
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
      return identity
    case 'optional': {
      const inner = builderOf(def.innerType)
      return inner === identity ? identity : (v) => (v === undefined ? v : inner(v))
    }
    case 'default': {
      const inner = builderOf(def.innerType)
      return (v) => (v === undefined ? def.defaultValue : inner(v))
    }
    case 'array': {
      const element = builderOf(def.element)
      if (element === identity) return (v) => (v as unknown[]).slice()
      return (v) => {
        const list = v as unknown[]
        const out: unknown[] = new Array(list.length)
        for (let i = 0; i < list.length; i++) out[i] = element(list[i])
        return out
      }
    }
    case 'tuple': {
      if (def.rest !== null) break
      const items = def.items.map(builderOf)
      return (v) => items.map((item, i) => item((v as unknown[])[i]))
    }
    case 'object': {
      const keys = Object.keys(def.shape)
      const build = keys.map((key) => builderOf(def.shape[key] as z.core.$ZodType))
      return (v) => {
        const record = v as Record<string, unknown>
        const out: Record<string, unknown> = {}
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string
          const f = build[i] as Builder
          const x = f === identity ? record[key] : f(record[key])
          if (x !== undefined) out[key] = x
        }
        return out
      }
    }
  }
  throw new TypeError(`schemaOutput: zod type "${def.type}" is not supported`)
}
