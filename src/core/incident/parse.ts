/**
 * Parses an incident file (YAML, or JSON, which is YAML) for `accord incident report`, fills in
 * what the CLI knows (the incident id and sequence, new or from the report it follows, and the
 * reporter id), and checks the complete incident, reporting every problem as an `Issue` with the
 * file, 1-based line and column, and a hint.
 *
 * Steps: YAML syntax and the zod `IncidentFile` schema (`parseYamlWithSchema`, shared with
 * manifests and policies, so misspelt keys get "did you mean" hints) -> the fill-in -> the
 * contradictions of `checkIncident`.
 */
import type { Issue } from '../errors.js'
import {
  orderKeys,
  parseYamlWithSchema,
  placeIssues,
  type YamlDocumentKind,
} from '../manifest/parse.js'
import { IncidentFile, checkIncident, type Incident } from './schema.js'

const INCIDENT_DOCUMENT: YamlDocumentKind<typeof IncidentFile> = {
  schema: IncidentFile,
  empty: {
    code: 'incident_empty',
    message: 'the incident file is empty',
    hint: 'start from examples/border-biometrics/incident.yaml; docs/incidents.md describes every field',
  },
  topLevelHint:
    'the incident file must be a mapping of the incident fields at the top level (reporter, occurredAt, awareAt, ...)',
  schemaFile: 'docs/incidents.md',
  name: 'incident file',
}

export interface IncidentFill {
  /** A new incident id (`urn:uuid:...`), used when neither the file nor `follows` gives one. */
  newId: string
  /** The reporter id when the file gives none (the CLI: the key's JWK thumbprint URI). */
  reporterId: string
  /** When the report is signed (seconds): no time in the incident may be later. */
  nowSeconds: number
  /** The earlier report this one follows (`--follows`): its incident id and sequence. */
  follows?: { id: string; sequence: number; file: string }
}

export type ParseIncidentResult =
  | { ok: true; incident: Incident; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] }

/** Parses incident file `text`, fills it in and checks it; `file` labels the issues. */
export function parseIncidentFile(
  text: string,
  file: string,
  fill: IncidentFill,
): ParseIncidentResult {
  const parsed = parseYamlWithSchema(text, file, INCIDENT_DOCUMENT)
  if (!parsed.ok) return parsed
  const { value, locator } = parsed
  const issues: Omit<Issue, 'file'>[] = []
  const follows = fill.follows
  if (follows !== undefined && value.id !== undefined && value.id !== follows.id)
    issues.push({
      code: 'follows_mismatch',
      path: ['id'],
      message: `id ${value.id} is not the incident of the report it follows (${follows.file}: ${follows.id})`,
      hint: 'remove `id`: with --follows the incident id is taken from the earlier report',
    })
  const sequence = follows !== undefined ? follows.sequence + 1 : (value.sequence ?? 1)
  if (follows !== undefined && value.sequence !== undefined && value.sequence !== sequence)
    issues.push({
      code: 'follows_mismatch',
      path: ['sequence'],
      message: `sequence ${value.sequence} does not follow the earlier report's ${follows.sequence} (${follows.file})`,
      hint: `remove \`sequence\` (it becomes ${sequence}) or write sequence: ${sequence}`,
    })
  const incident: Incident = {
    ...value,
    id: follows?.id ?? value.id ?? fill.newId,
    report: value.report ?? (sequence === 1 ? 'initial' : 'follow-up'),
    sequence,
    reporter: { ...value.reporter, id: value.reporter.id ?? fill.reporterId },
  }
  issues.push(...checkIncident(incident, { reportedAtMs: fill.nowSeconds * 1000 }))
  if (issues.length > 0)
    return {
      ok: false,
      issues: placeIssues(issues, file, locator),
      warnings: parsed.warnings,
    }
  // Keys in the order of the schema, so the signed claims read the same whatever the file's order.
  return { ok: true, incident: orderKeys(incident, ORDER), warnings: parsed.warnings }
}

const ORDER: readonly (keyof Incident)[] = [
  'id',
  'report',
  'sequence',
  'reporter',
  'occurredAt',
  'awareAt',
  'memberStates',
  'serious',
  'harms',
  'widespreadInfringement',
  'causalLink',
  'summary',
  'correctiveActions',
  'status',
  'authoritiesNotified',
]
