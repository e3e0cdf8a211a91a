/**
 * A system's assessment as OSCAL assessment results (v1.2.1): one result for the as-of date.
 *
 * - every evidence file is an observation (method EXAMINE) whose relevant evidence is the file,
 *   with its SHA-256;
 * - every applicable obligation is a finding whose target is the obligation's control id:
 *   `satisfied` (reason `pass`) when met, `not-satisfied` with reason `fail` when missing and
 *   `other` when partial; the finding names the observations (evidence) it rests on;
 * - `reviewed-controls` lists the applicable obligations; `import-ap` points at a back-matter
 *   resource naming the Accord catalogs (Accord writes no OSCAL assessment plan).
 */
import type { Status } from '../assess/types.js'
import {
  accordProp,
  clean,
  compact,
  oneLine,
  oscalDateTime,
  type OscalMetadata,
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

export const OSCAL_AR_SCHEMA_ID = 'http://csrc.nist.gov/ns/oscal/1.2.1/oscal-ar-schema.json'

export interface OscalAssessmentResultsDocument {
  'assessment-results': {
    uuid: string
    metadata: OscalMetadata
    'import-ap': { href: string; remarks?: string }
    results: Record<string, unknown>[]
    'back-matter': { resources: OscalResource[] }
  }
}

const OBJECTIVE: Record<Exclude<Status, 'not-applicable'>, { state: string; reason: string }> = {
  met: { state: 'satisfied', reason: 'pass' },
  partial: { state: 'not-satisfied', reason: 'other' },
  missing: { state: 'not-satisfied', reason: 'fail' },
}

export function buildOscalAssessmentResults(
  input: SystemExportInput,
): OscalAssessmentResultsDocument {
  const { manifest, assessment } = input
  const ctx = createSystemContext(input, 'assessment-results')
  const dated = new Map(manifest.evidence.map((e) => [e.id, e.date]))
  const observationOf = new Map<string, string>()

  const observations = assessment.evidence.map((e) => {
    const uuid = ctx.uuid(`observation:${e.id}`)
    observationOf.set(e.id, uuid)
    return clean({
      uuid,
      title: oneLine(e.title),
      description: `Examined evidence \`${e.id}\` (${e.type}, ${e.assessedBy === 'self' ? 'produced by the provider' : `assessed by a ${e.assessedBy}`}).`,
      props: compact([
        accordProp('evidence-id', e.id),
        ...e.supports.map((s) => accordProp('supports', s)),
      ]),
      methods: ['EXAMINE'],
      collected: oscalDateTime(dated.get(e.id) ?? assessment.asOf),
      'relevant-evidence': [
        {
          href: `#${ctx.evidenceResource.get(e.id) as string}`,
          description: `${e.path} (SHA-256 ${e.sha256}, ${e.size} bytes)`,
        },
      ],
    })
  })

  const obligations = applicableObligations(assessment)
  const findings = obligations.map((o) => {
    const objective =
      o.status === 'not-applicable' ? { state: 'satisfied', reason: 'other' } : OBJECTIVE[o.status]
    const related = [...new Set(o.evidence.map((u) => observationOf.get(u.evidenceId)))]
      .filter((u): u is string => u !== undefined)
      .map((u) => ({ 'observation-uuid': u }))
    return clean({
      uuid: ctx.uuid(`finding:${o.id}`),
      title: oneLine(`${o.citation} ${o.title}`),
      description: o.reason,
      props: obligationProps(o),
      target: clean({
        type: 'objective-id',
        'target-id': obligationControlId(o),
        status: clean({ state: objective.state, reason: objective.reason, remarks: o.action }),
        'implementation-status': { state: IMPLEMENTATION_STATE[o.status] },
      }),
      'related-observations': related.length > 0 ? related : undefined,
    })
  })

  const result = clean({
    uuid: ctx.uuid(`result:${assessment.asOf}`),
    title: oneLine(
      `Accord assessment of ${manifest.system.name} ${manifest.system.version} as of ${assessment.asOf}`,
    ),
    description:
      `Obligations of the EU AI Act${assessment.lawVersion ? ` (law version ${assessment.lawVersion.id})` : ''} ` +
      `and the NIST AI RMF that apply to the system, assessed from its manifest and the evidence files it cites. ` +
      `${assessment.gaps} binding obligation(s) in force are partial or missing.`,
    start: oscalDateTime(assessment.asOf),
    end: oscalDateTime(assessment.asOf),
    props: compact([
      ...assessment.frameworks.map((f) =>
        accordProp('readiness', f.readiness, { class: f.framework }),
      ),
      accordProp('gaps-in-force', assessment.gaps),
      accordProp('gaps-upcoming', assessment.gapsUpcoming),
    ]),
    'reviewed-controls': {
      'control-selections': [
        {
          'include-controls': [...new Set(obligations.map(obligationControlId))].map((id) => ({
            'control-id': id,
          })),
        },
      ],
    },
    observations: observations.length > 0 ? observations : undefined,
    findings: findings.length > 0 ? findings : undefined,
  })

  return {
    'assessment-results': {
      uuid: ctx.uuid('assessment-results'),
      metadata: systemMetadata(
        input,
        ctx,
        `${oneLine(manifest.system.name)} ${oneLine(manifest.system.version)}: assessment results (EU AI Act and NIST AI RMF)`,
      ),
      'import-ap': {
        href: `#${ctx.catalogsResource}`,
        remarks:
          'Accord writes no OSCAL assessment plan: the plan is the obligation catalogs (the back-matter resource this points to) applied to the system manifest.',
      },
      results: [result],
      'back-matter': { resources: ctx.resources },
    },
  }
}
