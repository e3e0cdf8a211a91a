/**
 * Standard machine-readable exports of catalogs and of a system's assessment: OSCAL catalog,
 * system security plan and assessment results (NIST OSCAL 1.2.1), CycloneDX 1.6 ML-BOM, and
 * CISO Assistant framework and mapping libraries. Builders are pure (src/core/export); this file
 * loads the inputs, checks every OSCAL and CycloneDX document against the official schema
 * before it is written, and writes atomically (all or nothing).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { Spec, Validation } from '@cyclonedx/cyclonedx-library'
import { AccordError, ConfigError, type Issue } from '../core/errors.js'
import type { CatalogSet } from '../core/catalog/types.js'
import { buildOscalCatalog } from '../core/export/oscal-catalog.js'
import { buildOscalSsp } from '../core/export/oscal-ssp.js'
import { buildOscalAssessmentResults } from '../core/export/oscal-assessment-results.js'
import { formatOscal } from '../core/export/oscal-common.js'
import type { SystemExportInput } from '../core/export/oscal-system.js'
import { buildCycloneDxBom } from '../core/export/cyclonedx.js'
import {
  catalogToCisoLibrary,
  mappingToCisoLibrary,
  formatCisoLibrary,
} from '../core/export/ciso-assistant.js'
import type { Sha1 } from '../core/export/uuid.js'
import { loadCatalogSet } from './catalog-loader.js'
import { writeFileAtomic } from './fs-safe.js'
import { packageRoot } from './paths.js'
import { assessLoaded, classifyLoaded, loadSystem, sha256Text } from './pipeline.js'

/** SHA-1 for the deterministic (version-5) UUIDs of the exports. */
export const sha1: Sha1 = (data) => new Uint8Array(createHash('sha1').update(data).digest())

export type OscalModel = 'catalog' | 'ssp' | 'assessment-results'

const OSCAL_SCHEMA_FILES: Record<OscalModel, string> = {
  catalog: 'oscal_catalog_schema.json',
  ssp: 'oscal_ssp_schema.json',
  'assessment-results': 'oscal_assessment-results_schema.json',
}

/** Root key of each OSCAL model's JSON document. */
export const OSCAL_ROOT_KEY: Record<OscalModel, string> = {
  catalog: 'catalog',
  ssp: 'system-security-plan',
  'assessment-results': 'assessment-results',
}

/** Folder of the vendored NIST OSCAL 1.2.1 JSON schemas. */
export function oscalSchemaDir(): string {
  return path.join(packageRoot(), 'schema', 'vendor', 'oscal-1.2.1')
}

const validators = new Map<OscalModel, ValidateFunction>()

/**
 * The ajv validator of one OSCAL model. The schemas are JSON Schema draft-07, so the default
 * `Ajv` class; `strict: false` because NIST's schemas use keywords strict mode warns about, and
 * `unicodeRegExp: true` because their token patterns use `\p{L}` (see the vendored README).
 */
function oscalValidator(model: OscalModel): ValidateFunction {
  let v = validators.get(model)
  if (v === undefined) {
    const ajv = new Ajv({ strict: false, unicodeRegExp: true, allErrors: true })
    addFormats.default(ajv)
    const file = path.join(oscalSchemaDir(), OSCAL_SCHEMA_FILES[model])
    v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object)
    validators.set(model, v)
  }
  return v
}

/** Most issues a schema check reports; the rest are counted in the last one. */
const MAX_SCHEMA_ISSUES = 25

/** Checks `document` against the official OSCAL schema of `model`; every problem as an Issue. */
export function validateOscal(model: OscalModel, document: unknown, file?: string): Issue[] {
  const validate = oscalValidator(model)
  if (validate(document)) return []
  return schemaIssues(validate.errors ?? [], `OSCAL ${OSCAL_VERSION_LABEL} ${model}`, file)
}

const OSCAL_VERSION_LABEL = '1.2.1'

/** ajv errors as Issues: the JSON path, what is wrong, and what to do. */
export function schemaIssues(errors: readonly ErrorObject[], what: string, file?: string): Issue[] {
  // anyOf/oneOf/if produce one summary error on top of the branch errors; keep the leaves.
  const leaves = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(e.keyword))
  const list = leaves.length > 0 ? leaves : errors
  const seen = new Set<string>()
  const issues: Issue[] = []
  for (const e of list) {
    const p = jsonPointerPath(e.instancePath)
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push({
      code: `schema_${e.keyword}`,
      path: p,
      ...(file === undefined ? {} : { file }),
      message: `${e.instancePath === '' ? 'the document' : e.instancePath} ${e.message ?? 'is invalid'} (${what} schema)`,
      hint: schemaHint(e, what),
    })
  }
  if (issues.length > MAX_SCHEMA_ISSUES) {
    const rest = issues.length - MAX_SCHEMA_ISSUES
    return [
      ...issues.slice(0, MAX_SCHEMA_ISSUES),
      {
        code: 'schema_more',
        path: [],
        ...(file === undefined ? {} : { file }),
        message: `${rest} more schema problem(s) not shown`,
        hint: 'fix the ones above and run again',
      },
    ]
  }
  return issues
}

function jsonPointerPath(pointer: string): (string | number)[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function schemaHint(e: ErrorObject, what: string): string {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      return `add the required member "${String(p.missingProperty)}"`
    case 'additionalProperties':
      return `remove "${String(p.additionalProperty)}": it is not part of the ${what} model (check its spelling)`
    case 'enum':
      return `use one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'type':
      return `give a value of type ${String(p.type)}`
    case 'pattern':
      return `give a value matching ${String(p.pattern)}`
    case 'format':
      return `give a valid ${String(p.format)}`
    case 'minItems':
      return `give at least ${String(p.limit)} item(s), or leave the member out`
    default:
      return `correct the value so it conforms to the ${what} schema`
  }
}

/**
 * Checks a CycloneDX 1.6 JSON text with the CycloneDX library's strict validator (the official
 * schema, no additional properties). Issues name the JSON path and what to fix.
 */
export async function validateCycloneDx(json: string, file?: string): Promise<Issue[]> {
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6)
  const errors = (await validator.validate(json)) as ErrorObject[] | null
  return errors === null ? [] : schemaIssues(errors, 'CycloneDX 1.6', file)
}

export interface ExportResult {
  /** What was written: `oscal-catalog`, `oscal-ssp`, `oscal-ar`, `cyclonedx`, `ciso-assistant`. */
  kind: string
  file: string
  bytes: number
  sha256: string
  /** The schema the output was checked against before writing, when there is one. */
  validatedAgainst?: string
  summary: Record<string, unknown>
}

export interface ExportOptions {
  /** Output file. */
  out: string
  /** Date of the export (YYYY-MM-DD); also the date the law is evaluated at for systems. */
  asOf: string
  catalogsDir?: string
  generator?: { name: string; version: string }
  /** Called with the manifest's warnings, if any (system exports). */
  onWarnings?: (warnings: Issue[]) => void
}

/** A built export: its text plus a summary for `--json`. Nothing is written yet. */
export interface BuiltExport {
  kind: string
  text: string
  validatedAgainst?: string
  summary: Record<string, unknown>
}

/**
 * OSCAL date-times are limited to the years 1900 to 2999 (the pattern of the NIST schemas), so
 * an as-of date outside them is a bad argument, not a document that fails its schema.
 */
function checkOscalAsOf(asOf: string): void {
  const year = Number(asOf.slice(0, 4))
  if (!(year >= 1900 && year <= 2999)) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_DATE',
      message: `--as-of "${asOf}" cannot be written in OSCAL: its dates must fall in the years 1900 to 2999 (NIST OSCAL ${OSCAL_VERSION_LABEL} schemas); give a date in that range`,
    })
  }
}

/** Builds and checks the OSCAL catalog of `framework` (`eu-ai-act`, `nist-ai-rmf`). */
export function buildOscalCatalogExport(
  set: CatalogSet,
  framework: string,
  asOf: string,
): BuiltExport {
  const catalog = set.catalogs.get(framework)
  if (!catalog) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `unknown framework "${framework}"; known: ${[...set.catalogs.keys()].join(', ')}`,
    })
  }
  checkOscalAsOf(asOf)
  const ref = set.refs.find((r) => r.framework === framework)
  const doc = buildOscalCatalog(catalog, { asOf, sha1, ...(ref ? { sha256: ref.sha256 } : {}) })
  assertValid('catalog', doc)
  return {
    kind: 'oscal-catalog',
    text: formatOscal(doc),
    validatedAgainst: 'NIST OSCAL 1.2.1 catalog schema',
    summary: {
      framework,
      catalog: catalog.urn,
      nodes: catalog.nodes.length,
      assessable: catalog.nodes.filter((n) => n.assessable).length,
    },
  }
}

export type SystemExportKind = 'oscal-ssp' | 'oscal-ar' | 'cyclonedx'

/** Builds and checks one export of a system from its loaded inputs. */
export async function buildSystemExport(
  kind: SystemExportKind,
  input: SystemExportInput,
): Promise<BuiltExport> {
  const obligations = input.assessment.obligations.filter((o) => o.status !== 'not-applicable')
  const summary = {
    system: `${input.manifest.system.name} ${input.manifest.system.version}`,
    asOf: input.asOf,
  }
  if (kind !== 'cyclonedx') checkOscalAsOf(input.asOf)
  if (kind === 'oscal-ssp') {
    const doc = buildOscalSsp(input)
    assertValid('ssp', doc)
    return {
      kind,
      text: formatOscal(doc),
      validatedAgainst: 'NIST OSCAL 1.2.1 system-security-plan schema',
      summary: {
        ...summary,
        implementedRequirements:
          doc['system-security-plan']['control-implementation']['implemented-requirements'].length,
        evidence: input.assessment.evidence.length,
      },
    }
  }
  if (kind === 'oscal-ar') {
    const doc = buildOscalAssessmentResults(input)
    assertValid('assessment-results', doc)
    return {
      kind,
      text: formatOscal(doc),
      validatedAgainst: 'NIST OSCAL 1.2.1 assessment-results schema',
      summary: {
        ...summary,
        findings: obligations.length,
        satisfied: obligations.filter((o) => o.status === 'met').length,
        observations: input.assessment.evidence.length,
      },
    }
  }
  const text = buildCycloneDxBom(input)
  const issues = await validateCycloneDx(text)
  if (issues.length > 0) throw invalidOutput('CycloneDX 1.6 ML-BOM', issues)
  return {
    kind,
    text,
    validatedAgainst: 'CycloneDX 1.6 JSON schema (strict)',
    summary: {
      ...summary,
      models: input.manifest.models.length,
      datasets: input.manifest.datasets.length,
    },
  }
}

function assertValid(model: OscalModel, doc: unknown): void {
  const issues = validateOscal(model, doc)
  if (issues.length > 0) throw invalidOutput(`OSCAL ${model}`, issues)
}

/** An export that fails its own schema is a bug in Accord, never the user's input. */
function invalidOutput(what: string, issues: Issue[]): AccordError {
  return new AccordError({
    code: 'ERR_INTERNAL',
    message: `the ${what} Accord built does not pass its official schema; nothing was written (a bug in Accord, please report it)`,
    issues,
  })
}

/** Writes a built export to `out` atomically and reports it. */
export async function writeExport(built: BuiltExport, out: string): Promise<ExportResult> {
  await writeFileAtomic(out, built.text)
  return {
    kind: built.kind,
    file: out,
    bytes: Buffer.byteLength(built.text, 'utf8'),
    sha256: sha256Text(built.text),
    ...(built.validatedAgainst ? { validatedAgainst: built.validatedAgainst } : {}),
    summary: built.summary,
  }
}

/** `accord export oscal-catalog FRAMEWORK --out FILE`. */
export async function exportOscalCatalog(
  framework: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const set = await loadCatalogSet(options.catalogsDir)
  return writeExport(buildOscalCatalogExport(set, framework, options.asOf), options.out)
}

/** Loads, classifies and assesses a manifest: the input of the system exports. */
export async function loadSystemExportInput(
  manifestPath: string,
  options: Omit<ExportOptions, 'out'>,
): Promise<SystemExportInput> {
  const system = await loadSystem(manifestPath, {
    catalogsDir: options.catalogsDir,
    ...(options.onWarnings ? { onWarnings: options.onWarnings } : {}),
  })
  const classification = classifyLoaded(system, options.asOf)
  const assessment = await assessLoaded(system, classification, { asOf: options.asOf })
  return {
    manifest: system.manifest,
    classification,
    assessment,
    asOf: options.asOf,
    sha1,
    ...(options.generator ? { generator: options.generator } : {}),
  }
}

/** `accord export oscal-ssp|oscal-ar|cyclonedx MANIFEST --out FILE`. */
export async function exportSystem(
  kind: SystemExportKind,
  manifestPath: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const input = await loadSystemExportInput(manifestPath, options)
  return writeExport(await buildSystemExport(kind, input), options.out)
}

/**
 * Builds the CISO Assistant library of a framework (`eu-ai-act`) or of the crosswalk between two
 * (`eu-ai-act--nist-ai-rmf`, or the mapping's URN).
 */
export function buildCisoAssistantExport(set: CatalogSet, target: string): BuiltExport {
  const catalog = set.catalogs.get(target)
  if (catalog) {
    const library = catalogToCisoLibrary(catalog)
    return {
      kind: 'ciso-assistant',
      text: formatCisoLibrary(library),
      summary: {
        library: library.urn,
        framework: target,
        requirementNodes: catalog.nodes.length,
      },
    }
  }
  const mapping = set.mappings.find((m) => {
    const [src, tgt] = m.dependencies.map((urn) => frameworkOfCatalogUrn(set, urn))
    return m.urn === target || `${src}--${tgt}` === target
  })
  if (!mapping) {
    const mappings = set.mappings.map((m) =>
      m.dependencies.map((urn) => frameworkOfCatalogUrn(set, urn)).join('--'),
    )
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `"${target}" is neither a framework nor a mapping; frameworks: ${[...set.catalogs.keys()].join(', ')}; mappings: ${mappings.join(', ')}`,
    })
  }
  const library = mappingToCisoLibrary(mapping, set)
  return {
    kind: 'ciso-assistant',
    text: formatCisoLibrary(library),
    summary: {
      library: library.urn,
      mapping: mapping.urn,
      requirementMappings: mapping.edges.length,
    },
  }
}

function frameworkOfCatalogUrn(set: CatalogSet, urn: string): string {
  return set.refs.find((r) => r.urn === urn)?.framework ?? urn
}

/** `accord export ciso-assistant FRAMEWORK|MAPPING --out FILE`. */
export async function exportCisoAssistant(
  target: string,
  options: Pick<ExportOptions, 'out' | 'catalogsDir'>,
): Promise<ExportResult> {
  const set = await loadCatalogSet(options.catalogsDir)
  return writeExport(buildCisoAssistantExport(set, target), options.out)
}
