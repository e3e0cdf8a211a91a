/**
 * The assessment as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), the
 * report GitHub code scanning and GitLab read: `accord assess MANIFEST --sarif FILE`
 * (docs/assess.md, "CI pipelines").
 *
 * One run; `tool.driver` is Accord with one rule per obligation that has a result. Each gap
 * (partial or missing) is one result: `missing` is an `error`, `partial` a `warning`, and a gap in
 * an obligation not yet in force on the as-of date a `note`. The message says the status, the
 * reason and what would close the gap, in the words of the gap table and `--json`. Met and
 * not-applicable obligations are no findings; with `all` they are added as results of kind `pass`
 * and `notApplicable`. Each result points at the manifest (and, through `locate`, at the line of
 * the manifest entry most related to it) and carries a fingerprint of obligation id and manifest
 * path, so code scanning follows one alert across commits while the line moves. A prohibited
 * practice the classification found (Art. 5(1)) comes first, as an `error` (a `note` before the
 * point applies), at the manifest's use cases: it is no obligation, yet it fails the command.
 *
 * Pure and deterministic: no timestamps, no absolute paths unless given, SHA-256 injected.
 */
import type * as Sarif from 'sarif'
import type { CatalogSet } from '../catalog/types.js'
import type { ClassificationResult } from '../classify/types.js'
import { prohibitedFindings } from './prohibited-findings.js'
import type { AssessmentResult, ObligationAssessment } from './types.js'

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'

/** Name (and version) of the fingerprint in `partialFingerprints`. */
export const SARIF_FINGERPRINT = 'accordObligation/v1'

/** A 1-based line and column (UTF-16 code units) in the manifest. */
export interface ManifestPosition {
  line: number
  column?: number
}

export interface SarifOptions {
  /** Accord's version, for `tool.driver.version`. */
  toolVersion: string
  /**
   * The manifest as a URI reference: relative (`examples/x/accord.yaml`, resolved against
   * `%SRCROOT%`, the repository or working directory) or an absolute `file:` URI.
   */
  manifestUri: string
  /** SHA-256 (hex) of text, for the results' fingerprints. */
  sha256: (text: string) => string
  /** The catalogs assessed against: rule descriptions, help and the legal source's URL. */
  catalogs?: CatalogSet
  /** Where in the manifest an obligation is best fixed; line 1 when not given or undefined. */
  locate?: (obligation: ObligationAssessment) => ManifestPosition | undefined
  /**
   * The position of a manifest field (a dotted path): for prohibited practices, which the use
   * cases (`classification.useCases`) make; line 1 when not given or undefined.
   */
  locateField?: (field: string) => ManifestPosition | undefined
  /** Add met (`pass`) and not-applicable (`notApplicable`) obligations as results too. */
  all?: boolean
}

/** The base a relative `manifestUri` is resolved against (SARIF §3.14.14). */
export const SRCROOT = '%SRCROOT%'

/** The SARIF log of `result` (one run). */
export function buildSarif(
  classification: ClassificationResult,
  result: AssessmentResult,
  options: SarifOptions,
): Sarif.Log {
  const relative = !/^[a-z][a-z0-9+.-]*:/i.test(options.manifestUri)
  const artifactLocation: Sarif.ArtifactLocation = relative
    ? { uri: options.manifestUri, uriBaseId: SRCROOT }
    : { uri: options.manifestUri }

  const reported = result.obligations.filter(
    (o) =>
      isGap(o) || (options.all === true && (o.status === 'met' || o.status === 'not-applicable')),
  )
  // One rule per id with a result, in the order of the results.
  const rules: Sarif.ReportingDescriptor[] = []
  const ruleIndex = new Map<string, number>()
  const indexOf = (id: string, rule: () => Sarif.ReportingDescriptor): number => {
    let index = ruleIndex.get(id)
    if (index === undefined) {
      index = rules.length
      ruleIndex.set(id, index)
      rules.push(rule())
    }
    return index
  }

  const at = (position: ManifestPosition | undefined): Sarif.Location[] => {
    const { line, column } = position ?? { line: 1 }
    const region: Sarif.Region = { startLine: line }
    if (column !== undefined) region.startColumn = column
    return [{ physicalLocation: { artifactLocation: { ...artifactLocation, index: 0 }, region } }]
  }
  const fingerprint = (id: string) => ({
    [SARIF_FINGERPRINT]: options.sha256(`${id}\u0000${options.manifestUri}`),
  })

  // A prohibited practice first: it is why the command fails, whatever the gaps.
  const prohibited = prohibitedFindings(classification.euAiAct, options.catalogs)
  const results: Sarif.Result[] = []
  for (const p of prohibited) {
    const ruleOfPractice = (): Sarif.ReportingDescriptor => {
      const helpUri = options.catalogs
        ? sourceUrl(options.catalogs, 'eu-ai-act', result.lawVersion?.id)
        : undefined
      return {
        id: p.id,
        shortDescription: { text: p.title },
        ...(helpUri === undefined ? {} : { helpUri }),
        properties: {
          framework: 'eu-ai-act',
          binding: true,
          citation: p.citation,
          ...(p.urn === undefined ? {} : { urn: p.urn }),
          tags: ['compliance', 'eu-ai-act', 'prohibited-practice'],
        },
      }
    }
    results.push({
      ruleId: p.id,
      ruleIndex: indexOf(p.id, ruleOfPractice),
      kind: 'fail',
      level: p.inForce ? 'error' : 'note',
      message: { text: p.message },
      locations: at(options.locateField?.('classification.useCases')),
      partialFingerprints: fingerprint(p.id),
      properties: { status: 'prohibited', appliesFrom: p.appliesFrom, inForce: p.inForce },
    })
  }

  // A gap of a voluntary framework (NIST AI RMF, ISO/IEC 42001: `binding` false) is one level
  // below a legal one: code scanning fails a check on `error`, as `--fail-on` fails only on law.
  const binding = new Map(result.frameworks.map((f) => [f.framework, f.binding ?? false]))
  const gapLevel = (o: (typeof reported)[number]): Sarif.Result.level => {
    if (o.inForce === false) return 'note'
    const level = o.status === 'missing' ? 'error' : 'warning'
    if (binding.get(o.framework) === true) return level
    return level === 'error' ? 'warning' : 'note'
  }
  for (const o of reported) {
    const kindLevel: Pick<Sarif.Result, 'kind' | 'level'> = !isGap(o)
      ? { kind: o.status === 'met' ? 'pass' : 'notApplicable', level: 'none' }
      : { kind: 'fail', level: gapLevel(o) }
    results.push({
      ruleId: o.id,
      ruleIndex: indexOf(o.id, () => ruleOf(o, result, options.catalogs)),
      ...kindLevel,
      message: { text: messageOf(o) },
      locations: at(options.locate?.(o)),
      partialFingerprints: fingerprint(o.id),
      properties: {
        status: o.status,
        ...(o.appliesFrom === undefined ? {} : { appliesFrom: o.appliesFrom }),
        ...(o.inForce === undefined ? {} : { inForce: o.inForce }),
      },
    })
  }

  const eu = classification.euAiAct
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'accord',
            fullName: 'Accord AI regulatory assessment',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules,
          },
        },
        artifacts: [
          {
            location: artifactLocation,
            roles: ['analysisTarget'],
            hashes: { 'sha-256': result.manifestSha256 },
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          system: result.system,
          asOf: result.asOf,
          ...(result.lawVersion === undefined ? {} : { lawVersion: result.lawVersion }),
          euAiActCategory: eu.category,
          gaps: result.gaps,
          gapsUpcoming: result.gapsUpcoming ?? 0,
          frameworks: result.frameworks.map((f) => ({
            framework: f.framework,
            readiness: f.readiness,
            gaps: f.gaps ?? 0,
            gapsUpcoming: f.gapsUpcoming ?? 0,
          })),
        },
      },
    ],
  }
}

/** Partial or missing: a finding. */
function isGap(o: ObligationAssessment): boolean {
  return o.status === 'partial' || o.status === 'missing'
}

/**
 * `Art. 9(2)(a) Risk identification: missing (applies from 2030-08-02). <reason> <action>`: the
 * gap table's row and action, and the reason `--json` gives.
 */
export function messageOf(o: ObligationAssessment): string {
  const when = o.inForce === false && o.appliesFrom ? ` (applies from ${o.appliesFrom})` : ''
  const parts = [`${o.citation} ${o.title}: ${o.status}${when}.`, o.reason]
  if (o.action !== undefined && isGap(o)) parts.push(o.action)
  return parts.filter((p) => p !== '').join(' ')
}

function ruleOf(
  o: ObligationAssessment,
  result: AssessmentResult,
  catalogs: CatalogSet | undefined,
): Sarif.ReportingDescriptor {
  const node = catalogs?.nodesByUrn.get(o.urn)?.node
  const summary = result.frameworks.find((f) => f.framework === o.framework)
  const helpUri = catalogs ? sourceUrl(catalogs, o.framework, result.lawVersion?.id) : undefined
  const hint = node?.evidence_hint?.trim()
  return {
    id: o.id,
    shortDescription: { text: o.title },
    ...(node ? { fullDescription: { text: node.summary } } : {}),
    ...(hint ? { help: { text: `Evidence that shows it: ${hint}` } } : {}),
    ...(helpUri === undefined ? {} : { helpUri }),
    properties: {
      framework: o.framework,
      ...(summary ? { frameworkName: summary.name, binding: summary.binding ?? false } : {}),
      citation: o.citation,
      urn: o.urn,
      tags: ['compliance', o.framework],
    },
  }
}

/**
 * The URL of the framework's legal or published text: for a law assessed under a version, that
 * version's (e.g. the consolidated EU AI Act), else the catalog's first source. Only http(s)
 * URLs; none when the catalog names none.
 */
function sourceUrl(
  catalogs: CatalogSet,
  framework: string,
  lawVersion: string | undefined,
): string | undefined {
  const catalog = catalogs.catalogs.get(framework)
  if (!catalog) return undefined
  // The assessment's law version is the EU AI Act's.
  const version =
    framework === 'eu-ai-act' ? catalog.law_versions?.find((v) => v.id === lawVersion) : undefined
  const url = version?.url ?? catalog.sources[0]?.url
  return url !== undefined && /^https?:\/\/[^/]+\/./.test(url) ? url : undefined
}

/** A path in the manifest, as `createYamlLocator` (../manifest/locate.ts) takes it. */
export type ManifestPath = (string | number)[]

/**
 * For each obligation, the manifest entry where its gap is best closed, or its status shows:
 * the evidence item of its evidence (`evidence[i]`; one that names the obligation itself first, then
 * one naming an ancestor, then one through the crosswalk, each in evidence id order); else the first manifest field that
 * documents it and is filled in; else the first field its catalog entry says should document it
 * (the deepest part of that path the manifest has); else the evidence list, where the missing
 * evidence is to be added. Pure: the caller maps the path to a line with the manifest's text (for
 * a path ending in a field name, the line of that name: `evidence:`, `humanOversight:`).
 */
export function createManifestPathFinder(
  manifest: { evidence: readonly { id: string }[] },
  catalogs?: CatalogSet,
): (o: ObligationAssessment) => ManifestPath {
  const evidenceIndex = new Map<string, number>()
  manifest.evidence.forEach((e, i) => {
    if (!evidenceIndex.has(e.id)) evidenceIndex.set(e.id, i)
  })
  return (o) => {
    // The evidence that names it, before one naming an ancestor, before one through the crosswalk.
    const first =
      o.evidence.find((u) => u.via === 'direct' && u.inheritedFrom === undefined) ??
      o.evidence.find((u) => u.via === 'direct') ??
      o.evidence[0]
    const index = first === undefined ? undefined : evidenceIndex.get(first.evidenceId)
    if (index !== undefined) return ['evidence', index]
    const filled = o.manifestFields?.[0]
    if (filled !== undefined) return filled.split('.')
    for (const field of catalogs?.nodesByUrn.get(o.urn)?.node.manifest_fields ?? []) {
      const existing = existingPrefix(manifest, field.split('.'))
      if (existing.length > 0) return existing
    }
    return ['evidence']
  }
}

/** The longest start of `path` that names a value in `value`. */
function existingPrefix(value: unknown, path: readonly string[]): string[] {
  const out: string[] = []
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current)) break
    current = (current as Record<string, unknown>)[key]
    if (current === undefined) break
    out.push(key)
  }
  return out
}
