/**
 * Reading OSCAL assessment results (already checked against the official schema) as evidence: each
 * finding's target is resolved to an Accord obligation, and the satisfied ones become what the
 * evidence entry `supports`.
 *
 * Resolution of a finding: Accord's own `obligation` property (ns https://accord.dev/ns/oscal,
 * written by `accord export oscal-ar`) when present and it names an obligation of the loaded
 * catalogs; else the target id looked up as an id in each loaded catalog (`art-9.2` ->
 * `eu-ai-act:art-9.2`). Findings that resolve to nothing are listed as unmapped (for example NIST
 * SP 800-53 control ids).
 *
 * An obligation with a not-satisfied finding is never claimed, even if another finding (in the same
 * or another result) says it is satisfied: the file contradicts itself, so it is listed as not
 * satisfied only.
 */
import { ACCORD_OSCAL_NS } from './oscal-common.js'

export interface ArFinding {
  title: string
  targetId: string
  state: 'satisfied' | 'not-satisfied'
  /** `framework:id` of the Accord obligation, when it resolves. */
  ref?: string
}

export interface ArSummary {
  title: string
  lastModified: string
  results: { title: string; start: string; findings: ArFinding[] }[]
  satisfied: string[]
  notSatisfied: string[]
  unmapped: string[]
}

interface PropLike {
  name?: unknown
  ns?: unknown
  value?: unknown
}

/**
 * Summarises a schema-valid assessment-results document. `resolve` maps a target id to a ref;
 * `known` tells whether a ref named by Accord's `obligation` property exists (default: any does).
 */
export function summariseAssessmentResults(
  document: unknown,
  resolve: (targetId: string) => string | undefined,
  known: (ref: string) => boolean = () => true,
): ArSummary {
  const ar = (document as { 'assessment-results': Record<string, unknown> })['assessment-results']
  const metadata = ar.metadata as { title: string; 'last-modified': string }
  const results = (ar.results as Record<string, unknown>[]).map((r) => {
    const findings = ((r.findings ?? []) as Record<string, unknown>[]).map((f) => {
      const target = f.target as { 'target-id': string; status: { state: string } }
      const own = ((f.props ?? []) as PropLike[]).find(
        (p) => p.ns === ACCORD_OSCAL_NS && p.name === 'obligation' && typeof p.value === 'string',
      )?.value as string | undefined
      const ref = own !== undefined && known(own) ? own : resolve(target['target-id'])
      return {
        title: String(f.title),
        targetId: target['target-id'],
        state: target.status.state === 'satisfied' ? 'satisfied' : 'not-satisfied',
        ...(ref ? { ref } : {}),
      } as ArFinding
    })
    return { title: String(r.title), start: String(r.start), findings }
  })
  const all = results.flatMap((r) => r.findings)
  const refs = (state: ArFinding['state']) =>
    [...new Set(all.filter((f) => f.state === state && f.ref).map((f) => f.ref as string))].sort()
  const notSatisfied = refs('not-satisfied')
  return {
    title: metadata.title,
    lastModified: metadata['last-modified'],
    results,
    satisfied: refs('satisfied').filter((ref) => !notSatisfied.includes(ref)),
    notSatisfied,
    unmapped: [...new Set(all.filter((f) => !f.ref).map((f) => f.targetId))].sort(),
  }
}
