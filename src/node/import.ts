/**
 * Imports of standard formats: a Hugging Face model card or OSCAL assessment results as a
 * manifest evidence entry (to paste into accord.yaml), a CycloneDX BOM checked and summarised,
 * a CISO Assistant framework library as an Accord catalog file, and a CISO Assistant mapping library
 * as an Accord mapping file. Every input is checked first;
 * on any problem a coded error lists each place and fix, and nothing is written.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { LineCounter, parse, parseDocument, stringify } from 'yaml'
import {
  CatalogError,
  ConfigError,
  EvidenceError,
  formatIssues,
  type Issue,
} from '../core/errors.js'
import type { Catalog } from '../core/catalog/schema.js'
import type { CatalogSet } from '../core/catalog/types.js'
import { resolveRef } from '../core/catalog/lookup.js'
import { catalogKey, validateCatalog, validateMapping } from '../core/catalog/validate.js'
import { parseYamlWithSchema } from '../core/manifest/parse.js'
import { EVIDENCE_ID } from '../core/manifest/schema.js'
import {
  CisoFrameworkLibraryInput,
  CisoMappingLibraryInput,
  cisoFrameworkUrn,
  cisoLibraryToCatalog,
  cisoMappingToMapping,
  defaultFrameworkAndEdition,
  cisoLibraryUrn,
  fromCisoNodeUrn,
  slugFromCisoUrn,
} from '../core/export/ciso-assistant.js'
import { parseModelCard, type ModelCard } from '../core/export/model-card.js'
import { summariseAssessmentResults, type ArSummary } from '../core/export/oscal-ar-import.js'
import { jsonErrorPosition, loadCatalogSet } from './catalog-loader.js'
import { jsonTextRepeatsAKey } from './manifest-loader.js'
import { validateCycloneDx, validateOscal } from './export.js'
import { writeFileAtomic } from './fs-safe.js'

/** Largest file `accord import` reads (model cards, OSCAL and CycloneDX documents, libraries). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024

/** A manifest `evidence` entry, as `accord import` prints it. */
export interface EvidenceEntry {
  id: string
  path: string
  type: string
  title: string
  date?: string
  supports: string[]
  assessedBy?: 'self' | 'third-party' | 'notified-body'
}

async function readInput(file: string): Promise<string> {
  let size: number
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new Error('not a regular file')
    size = info.size
  } catch (cause) {
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `cannot read ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    })
  }
  if (size > MAX_IMPORT_BYTES) {
    throw invalid(file, [
      {
        code: 'file_too_large',
        path: [],
        file,
        message: `${file} has ${size} bytes; accord reads at most ${MAX_IMPORT_BYTES}`,
        hint: 'split the file or import a smaller export',
      },
    ])
  }
  const text = await readFile(file, 'utf8')
  // A UTF-8 byte order mark (as some Windows tools write) is not part of the document.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

function invalid(file: string, issues: Issue[], what = 'file'): EvidenceError {
  return new EvidenceError({
    code: 'ERR_EVIDENCE_IMPORT_INVALID',
    message: `${file}: the ${what} cannot be imported (${issues.length} problem(s)); nothing was written`,
    issues,
  })
}

function parseJsonInput(text: string, file: string, what: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    const xml = /^\s*</.test(text)
    throw invalid(
      file,
      [
        {
          code: 'json_syntax',
          path: [],
          file,
          ...jsonErrorPosition(text, msg),
          message: `not valid JSON: ${msg}`,
          hint: xml
            ? `this looks like XML; accord reads the JSON form of the ${what} only: export it as JSON`
            : `${what} must be a JSON document; fix the syntax at the line and column given`,
        },
      ],
      what,
    )
  }
  if (jsonTextRepeatsAKey(text, value)) throw invalid(file, [duplicateKeyIssue(text, file)], what)
  const depth = jsonDepth(value)
  if (depth > MAX_IMPORT_JSON_DEPTH) {
    throw invalid(
      file,
      [
        {
          code: 'json_too_deep',
          path: [],
          file,
          message: `objects and arrays are nested ${depth} levels deep; accord reads at most ${MAX_IMPORT_JSON_DEPTH}`,
          hint: `no real ${what} nests this deep: flatten the nesting (for example nested components or parts), or export the file again from the tool that made it`,
        },
      ],
      what,
    )
  }
  return value
}

/**
 * Deepest nesting of objects and arrays `accord import` reads. The schema validators recurse, so a
 * hostile file nested thousands deep (CycloneDX components, OSCAL parts) would overflow the stack;
 * real documents stay far below this.
 */
export const MAX_IMPORT_JSON_DEPTH = 256

/** How deeply objects and arrays nest in `value` (a scalar is 0), found without recursion. */
function jsonDepth(value: unknown): number {
  let max = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (d > max) max = d
    for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>))
      if (typeof x === 'object' && x !== null) stack.push([x, d + 1])
  }
  return max
}

/**
 * The first key given twice in a JSON text, with its line and column. JSON.parse would keep the
 * last value without a word (and other tools the first), so the file is ambiguous: refused.
 */
function duplicateKeyIssue(text: string, file: string): Issue {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const dup = doc.errors.find((e) => e.code === 'DUPLICATE_KEY')
  const at = dup ? lineCounter.linePos(dup.pos[0]) : undefined
  return {
    code: 'json_duplicate_key',
    path: [],
    file,
    ...(at ? { line: at.line, column: at.col } : {}),
    message: `an object gives the same key twice${at ? '' : ' (somewhere in the file)'}; JSON readers disagree on which value counts`,
    hint: 'remove the repeated key so that each key appears once in its object',
  }
}

/** A lowercase slug for an evidence id. */
function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'imported'
  )
}

export interface ImportEvidenceOptions {
  /** The evidence path to put in the entry (relative to the manifest); default: the file as given. */
  evidencePath?: string
  /** Evidence id; default derived from the file's content. */
  id?: string
  catalogsDir?: string
}

/** The evidence id to use: `--id` when given (checked as the manifest checks it), else `fallback`. */
function evidenceId(id: string | undefined, fallback: string): string {
  if (id === undefined) return fallback
  if (!EVIDENCE_ID.test(id)) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--id "${id}" is not an evidence id: use a lowercase slug of letters, digits and "-" (e.g. ${slug(id)}), as accord.yaml requires`,
    })
  }
  return id
}

export interface ModelCardImport {
  card: ModelCard
  evidence: EvidenceEntry
  /** A manifest `accuracy.metrics` block built from the card's results. */
  metrics: {
    name: string
    value: number
    higherIsBetter: boolean
    dataset?: string
    evidence: string
  }[]
  warnings: Issue[]
  /** YAML to paste into accord.yaml (evidence entry and accuracy metrics). */
  yaml: string
}

/** `accord import model-card README.md`. */
export async function importModelCard(
  file: string,
  options: ImportEvidenceOptions = {},
): Promise<ModelCardImport> {
  evidenceId(options.id, '') // a bad --id is a bad argument, before the file is read
  const text = await readInput(file)
  const parsed = parseModelCard(text, file)
  if (!parsed.ok) throw invalid(file, parsed.issues, 'model card')
  const { card } = parsed
  const set = await loadCatalogSet(options.catalogsDir)
  // The mapping names fixed obligations; keep only those the loaded catalogs have.
  const supports = card.supports.filter((ref) => resolveRef(set, ref) !== undefined)
  if (supports.length === 0) {
    throw invalid(
      file,
      [
        {
          code: 'model_card_no_mapped_metric',
          path: ['model-index'],
          file,
          message: `none of the card's metrics (${card.metrics.map((m) => m.type).join(', ')}) is an accuracy or robustness measure Accord recognises`,
          hint: 'use standard metric types such as accuracy, f1, precision, recall, exact_match, bleu or wer; or name robustness results (adversarial, perturbed, out-of-distribution) as such; see docs/exports.md',
        },
      ],
      'model card',
    )
  }
  const name = card.modelName ?? path.basename(path.dirname(path.resolve(file)))
  const id = evidenceId(options.id, `model-card-${slug(name)}`)
  const evidence: EvidenceEntry = {
    id,
    path: options.evidencePath ?? file,
    type: 'model-card',
    title: `Model card, ${name}`,
    supports,
  }
  const metrics = card.metrics.map((m) => ({
    name: m.name,
    value: m.value,
    higherIsBetter: m.higherIsBetter,
    ...(m.dataset ? { dataset: m.dataset } : {}),
    evidence: id,
  }))
  const header = [
    `# From ${file}: paste the evidence entry under \`evidence:\` and the metrics under`,
    '# `accuracy: metrics:` of accord.yaml. Metric classes (docs/exports.md):',
    ...card.metrics.map(
      (m) => `#   ${m.name}: ${m.class}${m.supports.length ? ` -> ${m.supports.join(', ')}` : ''}`,
    ),
    ...(card.license ? [`# Licence on the card: ${card.license}`] : []),
    ...(card.datasets.length ? [`# Datasets on the card: ${card.datasets.join(', ')}`] : []),
  ].join('\n')
  const yaml = `${header}\n${stringify({ evidence: [evidence], accuracy: { metrics } }, { lineWidth: 100 })}`
  return { card, evidence, metrics, warnings: parsed.warnings, yaml }
}

export interface OscalArImport {
  summary: ArSummary
  /** The evidence entry, when at least one satisfied finding maps to an Accord obligation. */
  evidence?: EvidenceEntry
  yaml?: string
}

/** `accord import oscal-ar FILE`: schema check, then the findings as evidence. */
export async function importOscalAssessmentResults(
  file: string,
  options: ImportEvidenceOptions = {},
): Promise<OscalArImport> {
  evidenceId(options.id, '')
  const text = await readInput(file)
  const doc = parseJsonInput(text, file, 'OSCAL assessment results')
  if (typeof doc !== 'object' || doc === null || !('assessment-results' in doc)) {
    throw invalid(
      file,
      [
        {
          code: 'not_assessment_results',
          path: [],
          file,
          message: 'the JSON has no top-level "assessment-results" object',
          hint: 'give an OSCAL assessment-results document in JSON ({"assessment-results": {...}}); catalogs, SSPs and XML or YAML forms are not read here',
        },
      ],
      'OSCAL assessment results',
    )
  }
  const issues = validateOscal('assessment-results', doc, file)
  if (issues.length > 0) throw invalid(file, issues, 'OSCAL assessment results')
  const set = await loadCatalogSet(options.catalogsDir)
  const summary = summariseAssessmentResults(
    doc,
    (targetId) => resolveTarget(set, targetId),
    (ref) => resolveRef(set, ref) !== undefined,
  )
  if (summary.satisfied.length === 0) return { summary }
  const evidence: EvidenceEntry = {
    id: evidenceId(options.id, `oscal-ar-${slug(summary.title)}`),
    path: options.evidencePath ?? file,
    type: 'evaluation-report',
    title: summary.title,
    date: summary.lastModified.slice(0, 10),
    supports: summary.satisfied,
  }
  const header = [
    `# From ${file}: paste under \`evidence:\` in accord.yaml. Satisfied findings become supports;`,
    `# set assessedBy: third-party if an independent assessor wrote the results.`,
    ...(summary.notSatisfied.length
      ? [`# Not satisfied (not claimed): ${summary.notSatisfied.join(', ')}`]
      : []),
    ...(summary.unmapped.length
      ? [`# Targets with no Accord obligation: ${summary.unmapped.join(', ')}`]
      : []),
  ].join('\n')
  return {
    summary,
    evidence,
    yaml: `${header}\n${stringify({ evidence: [evidence] }, { lineWidth: 100 })}`,
  }
}

function resolveTarget(set: CatalogSet, targetId: string): string | undefined {
  for (const framework of set.catalogs.keys()) {
    const hit = resolveRef(set, `${framework}:${targetId}`)
    if (hit) return `${framework}:${targetId}`
  }
  return undefined
}

export interface CycloneDxImport {
  specVersion: string
  serialNumber?: string
  models: { name: string; version?: string; bomRef?: string }[]
  datasets: { name: string; bomRef?: string }[]
}

/** `accord import cyclonedx FILE`: checks a CycloneDX 1.6 JSON BOM and lists its models and data. */
export async function importCycloneDx(file: string): Promise<CycloneDxImport> {
  const text = await readInput(file)
  const doc = parseJsonInput(text, file, 'CycloneDX BOM') as Record<string, unknown>
  if (doc?.bomFormat !== 'CycloneDX' || doc.specVersion !== '1.6') {
    throw invalid(
      file,
      [
        {
          code: 'not_cyclonedx_1_6',
          path: ['specVersion'],
          file,
          message: `expected a CycloneDX 1.6 JSON BOM, found bomFormat ${JSON.stringify(doc?.bomFormat)} and specVersion ${JSON.stringify(doc?.specVersion)}`,
          hint: 'export the BOM as CycloneDX 1.6 JSON (bomFormat "CycloneDX", specVersion "1.6")',
        },
      ],
      'CycloneDX BOM',
    )
  }
  const issues = await validateCycloneDx(text, file)
  if (issues.length > 0) throw invalid(file, issues, 'CycloneDX BOM')
  const components = allComponents(doc)
  const pick = (type: string) => components.filter((c) => c.type === type)
  return {
    specVersion: '1.6',
    ...(typeof doc.serialNumber === 'string' ? { serialNumber: doc.serialNumber } : {}),
    models: pick('machine-learning-model').map((c) => ({
      name: String(c.name),
      ...(c.version ? { version: String(c.version) } : {}),
      ...(c['bom-ref'] ? { bomRef: String(c['bom-ref']) } : {}),
    })),
    datasets: pick('data').map((c) => ({
      name: String(c.name),
      ...(c['bom-ref'] ? { bomRef: String(c['bom-ref']) } : {}),
    })),
  }
}

/**
 * Every component of a BOM in document order, nested ones included (a component may hold
 * `components`, e.g. the models inside an application); the metadata component is not listed.
 */
function allComponents(doc: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  const stack: Record<string, unknown>[] = [
    ...((doc.components ?? []) as Record<string, unknown>[]),
  ]
  stack.reverse()
  while (stack.length > 0) {
    const c = stack.pop() as Record<string, unknown>
    out.push(c)
    const inner = (c.components ?? []) as Record<string, unknown>[]
    for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i] as Record<string, unknown>)
  }
  return out
}

export interface CisoImportOptions {
  /** Output catalog file (`catalogs/<framework>/<edition>.v<version>.json`). */
  out: string
  framework?: string
  edition?: string
  /** Publication date when the library has none. */
  asOf: string
  catalogsDir?: string
}

export interface CisoImportResult {
  file: string
  framework: string
  edition: string
  urn: string
  nodes: number
  assessable: number
  warnings: Issue[]
}

/**
 * `accord import ciso-assistant LIBRARY.yaml --out FILE`: converts a framework library into an
 * Accord catalog and writes it only when it passes `validateCatalog`.
 */
export async function importCisoAssistant(
  file: string,
  options: CisoImportOptions,
): Promise<CisoImportResult> {
  const text = await readInput(file)
  const parsed = parseYamlWithSchema(text, file, {
    schema: CisoFrameworkLibraryInput,
    empty: {
      code: 'library_empty',
      message: 'the library file is empty',
      hint: 'give a CISO Assistant framework library (YAML with urn, name and objects.framework.requirement_nodes)',
    },
    topLevelHint: 'a CISO Assistant library is a YAML mapping with urn, name, objects',
    schemaFile: 'CISO Assistant library format (docs/exports.md)',
  })
  if (!parsed.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: not a CISO Assistant framework library (${parsed.issues.length} problem(s)); nothing was written`,
      issues: parsed.issues,
    })
  }
  const library = parsed.value
  // A library Accord exported names its catalog in its URN: take framework and edition from there.
  const set = await loadCatalogSet(options.catalogsDir).catch(() => undefined)
  const known = set?.refs.find(
    (r) => cisoLibraryUrn(catalogKey(r.framework, r.edition)) === library.urn,
  )
  const defaults = known
    ? { framework: known.framework, edition: known.edition }
    : defaultFrameworkAndEdition(library)
  const framework = options.framework ?? defaults.framework
  const edition = options.edition ?? defaults.edition
  const outDir = path.dirname(path.resolve(options.out))
  const schemaPath = path.join(
    options.catalogsDir ? path.resolve(options.catalogsDir) : path.resolve(outDir, '..'),
    'schema',
    'catalog.v1.schema.json',
  )
  const schemaRef = path.relative(outDir, schemaPath).split(path.sep).join('/')
  const converted = cisoLibraryToCatalog(library, {
    framework,
    edition,
    schemaRef,
    fallbackDate: options.asOf,
    file,
  })
  if (!converted.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: the library cannot become an Accord catalog (${converted.issues.length} problem(s)); nothing was written`,
      issues: converted.issues,
    })
  }
  const checked = validateCatalog(converted.catalog, path.basename(options.out))
  if (!checked.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: the converted catalog fails Accord's catalog checks; nothing was written\n${formatIssues(checked.issues)}`,
      issues: checked.issues,
    })
  }
  await writeFileAtomic(options.out, JSON.stringify(converted.catalog, null, 2) + '\n')
  return {
    file: options.out,
    framework,
    edition,
    urn: checked.catalog.urn,
    nodes: checked.catalog.nodes.length,
    assessable: checked.catalog.nodes.filter((n) => n.assessable).length,
    warnings: converted.warnings,
  }
}

/** Whether a CISO Assistant library file holds a mapping set (else it is read as a framework). */
export async function isCisoMappingLibrary(file: string): Promise<boolean> {
  const text = await readInput(file)
  try {
    const doc: unknown = parse(text)
    const objects = (doc as { objects?: unknown } | null)?.objects
    return typeof objects === 'object' && objects !== null && 'requirement_mapping_set' in objects
  } catch {
    return false // the framework import reports the syntax error with its line and column
  }
}

export interface CisoMappingImportOptions {
  /** Output mapping file (`catalogs/mappings/<source>--<target>.v<version>.json`). */
  out: string
  /** Publication date when the library has none. */
  asOf: string
  catalogsDir?: string
}

export interface CisoMappingImportResult {
  file: string
  urn: string
  dependencies: [string, string]
  edges: number
  warnings: Issue[]
}

/**
 * `accord import ciso-assistant MAPPING-LIBRARY.yaml --out FILE`: converts a mapping library into
 * an Accord mapping between two loaded catalogs, and writes it only when it passes
 * `validateMapping`.
 *
 * Each side's catalog is the loaded catalog whose CISO Assistant framework URN is the set's
 * `source_framework_urn` / `target_framework_urn`: Accord's own export URN
 * (`urn:accord:risk:framework:<key>`), or, for a catalog imported from CISO Assistant, the
 * framework URN recorded in its source note. A node URN resolves by inverting Accord's export
 * namespace (`urn:accord:risk:req_node:<key>:<id>`), else to the node of that side's catalog whose
 * id is the URN's slug (as `accord import ciso-assistant` made it from the framework library).
 */
export async function importCisoAssistantMapping(
  file: string,
  options: CisoMappingImportOptions,
): Promise<CisoMappingImportResult> {
  const text = await readInput(file)
  const parsed = parseYamlWithSchema(text, file, {
    schema: CisoMappingLibraryInput,
    empty: {
      code: 'library_empty',
      message: 'the library file is empty',
      hint: 'give a CISO Assistant mapping library (YAML with urn, name and objects.requirement_mapping_set)',
    },
    topLevelHint: 'a CISO Assistant library is a YAML mapping with urn, name, objects',
    schemaFile: 'CISO Assistant library format (docs/exports.md)',
  })
  if (!parsed.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: not a CISO Assistant mapping library (${parsed.issues.length} problem(s)); nothing was written`,
      issues: parsed.issues,
    })
  }
  const library = parsed.value
  const mappingSet = library.objects.requirement_mapping_set
  const set = await loadCatalogSet(options.catalogsDir)
  const catalogs = [...set.catalogs.values()]
  const frameworkUrnsOf = (c: Catalog): string[] => [
    cisoFrameworkUrn(catalogKey(c.framework, c.edition)),
    ...c.sources.flatMap((s) => {
      const m = /^Imported by accord from .*?; framework (\S+?)[,.]? /.exec(s.note ?? '')
      return m ? [m[1] as string] : []
    }),
  ]
  const sideIssues: Issue[] = []
  const [sourceCatalog, targetCatalog] = (['source', 'target'] as const).map((side) => {
    const urn =
      side === 'source' ? mappingSet.source_framework_urn : mappingSet.target_framework_urn
    const hit = catalogs.find((c) => frameworkUrnsOf(c).includes(urn))
    if (!hit) {
      sideIssues.push({
        code: 'unknown_framework',
        path: ['objects', 'requirement_mapping_set', `${side}_framework_urn`],
        file,
        message: `${side}_framework_urn "${urn}" is no loaded catalog (loaded: ${catalogs.map((c) => cisoFrameworkUrn(catalogKey(c.framework, c.edition))).join(', ')})`,
        hint: 'import the framework library first with `accord import ciso-assistant` into the catalogs directory, then pass --catalogs DIR',
      })
    }
    return hit
  })
  if (!sourceCatalog || !targetCatalog) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: the mapping's frameworks are not loaded catalogs; nothing was written\n${formatIssues(sideIssues)}`,
      issues: sideIssues,
    })
  }
  const resolveNode = (cisoUrn: string, side: 'source' | 'target') => {
    const catalog = side === 'source' ? sourceCatalog : targetCatalog
    const own = fromCisoNodeUrn(cisoUrn)
    if (own !== undefined && catalog.nodes.some((n) => n.urn === own)) return own
    const id = slugFromCisoUrn(cisoUrn, undefined)
    return catalog.nodes.find((n) => n.id === id)?.urn
  }
  const outDir = path.dirname(path.resolve(options.out))
  const schemaPath = path.join(
    options.catalogsDir ? path.resolve(options.catalogsDir) : path.resolve(outDir, '..'),
    'schema',
    'mapping.v1.schema.json',
  )
  const converted = cisoMappingToMapping(library, {
    resolveNode,
    sourceCatalogUrn: sourceCatalog.urn,
    targetCatalogUrn: targetCatalog.urn,
    fallbackDate: options.asOf,
    file,
    schemaRef: path.relative(outDir, schemaPath).split(path.sep).join('/'),
  })
  if (!converted.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: the library cannot become an Accord mapping (${converted.issues.length} problem(s)); nothing was written\n${formatIssues(converted.issues)}`,
      issues: converted.issues,
    })
  }
  const checked = validateMapping(converted.mapping, path.basename(options.out), catalogs)
  if (!checked.ok) {
    throw new CatalogError({
      code: 'ERR_CATALOG_INVALID',
      message: `${file}: the converted mapping fails Accord's mapping checks; nothing was written\n${formatIssues(checked.issues)}`,
      issues: checked.issues,
    })
  }
  await writeFileAtomic(options.out, JSON.stringify(converted.mapping, null, 2) + '\n')
  return {
    file: options.out,
    urn: checked.mapping.urn,
    dependencies: checked.mapping.dependencies,
    edges: checked.mapping.edges.length,
    warnings: converted.warnings,
  }
}
