/**
 * The regulatory interoperability plan: for each target market, the obligations that apply (in
 * force and upcoming), which are met and by which evidence, the gaps, and one action per gap,
 * ordered by legal deadline, with owners and due dates from the manifest's `plan` section.
 *
 * Pure and deterministic: it reads an assessment made over the targets' frameworks
 * (`frameworksToAssess`) and never looks at the clock. Order of actions:
 * 1. binding obligations already in force but not met (`overdue`), earliest date first;
 * 2. binding obligations not yet in force (`upcoming`), earliest date of application first;
 * 3. voluntary frameworks (no legal deadline), in plan framework order;
 * and within each, plan framework order then catalog order.
 */
import type { AssessmentResult, EvidenceUse, ObligationAssessment } from '../assess/types.js'
import type { CatalogSet } from '../catalog/types.js'
import type { ClassificationResult, EuCategory } from '../classify/types.js'
import { legacySentences } from '../classify/rules/legacy.js'
import type { Manifest } from '../manifest/schema.js'
import { createOwnerResolver } from './owners.js'
import {
  NOT_CLASSIFIED,
  NOT_CLASSIFIED_NOTE,
  resolveTargets,
  targetFrameworks,
  targetInfo,
} from './targets.js'
import type {
  ActionTiming,
  EvidenceReuse,
  Plan,
  PlanAction,
  PlanEvidenceUse,
  PlanFramework,
  PlanObligation,
  PlanTarget,
  TargetId,
} from './types.js'
import { compareCodeUnits } from '../compare.js'

export interface BuildPlanOptions {
  /** Target market names as given (`eu`, `us-federal`, `iso`, `korea`); aliases allowed. */
  targets: readonly string[]
  manifest: Manifest
  classification: ClassificationResult
  /** Assessment over `frameworksToAssess(targets, manifest, loaded)` on the plan's date. */
  assessment: AssessmentResult
  catalogs: CatalogSet
  /** Shown in the plan's header when given. */
  generator?: { name: string; version: string }
}

const TIMING_RANK: Record<ActionTiming, number> = { overdue: 0, upcoming: 1, voluntary: 2 }

const CATEGORY_WORDS: Record<EuCategory, string> = {
  prohibited: 'prohibited practice',
  'high-risk': 'high-risk',
  transparency: 'transparency obligations (Art. 50)',
  minimal: 'minimal risk',
  'out-of-scope': 'outside the scope of the AI Act',
}

export function buildPlan(options: BuildPlanOptions): Plan {
  const { manifest, assessment, catalogs } = options
  const targetIds = resolveTargets(options.targets)
  const summaries = new Map(assessment.frameworks.map((f) => [f.framework, f]))
  const byFramework = new Map<string, ObligationAssessment[]>()
  for (const o of assessment.obligations) {
    const list = byFramework.get(o.framework) ?? []
    list.push(o)
    byFramework.set(o.framework, list)
  }
  const owners = createOwnerResolver(manifest, catalogs)

  interface Pending {
    action: Omit<PlanAction, 'id'>
    obligation: PlanObligation
    frameworkOrder: number
    order: number
  }
  const pending: Pending[] = []
  const planned: string[] = []

  const targets: PlanTarget[] = targetIds.map((id) => {
    const info = targetInfo(id)
    const notes: string[] = []
    const frameworks: PlanFramework[] = []
    for (const tf of targetFrameworks(id, manifest)) {
      const catalog = catalogs.catalogs.get(tf.framework)
      const name = catalog?.name ?? tf.framework
      if (!tf.included) {
        notes.push(`${name}: ${tf.reason ?? 'left out'}.`)
        continue
      }
      const binding = catalog ? catalog.kind === 'law' : NOT_CLASSIFIED.has(tf.framework)
      const base = { framework: tf.framework, name, binding, basis: tf.basis }
      const summary = summaries.get(tf.framework)
      if (!summary) {
        const notAssessed = NOT_CLASSIFIED.has(tf.framework)
          ? NOT_CLASSIFIED_NOTE
          : catalog
            ? 'not assessed in this run'
            : 'not assessed: its catalog is not loaded'
        frameworks.push({ ...base, assessed: false, notAssessed, obligations: [] })
        continue
      }
      const frameworkOrder = planned.length
      planned.push(tf.framework)
      const all = byFramework.get(tf.framework) ?? []
      const obligations: PlanObligation[] = []
      all.forEach((o) => {
        if (o.status === 'not-applicable') return
        const inForce = o.inForce ?? true
        const obligation: PlanObligation = {
          id: o.id,
          citation: o.citation,
          title: o.title,
          status: o.status,
          inForce,
          ...(o.appliesFrom !== undefined ? { appliesFrom: o.appliesFrom } : {}),
          evidence: o.evidence.map(planUse),
        }
        obligations.push(obligation)
        if (o.status === 'met') return
        const timing: ActionTiming = !binding ? 'voluntary' : inForce ? 'overdue' : 'upcoming'
        const deadline = binding ? (o.appliesFrom ?? null) : null
        const assigned = owners.assign(o.id, o.urn, o.framework)
        pending.push({
          action: {
            target: id,
            framework: o.framework,
            obligation: o.id,
            citation: o.citation,
            title: o.title,
            status: o.status,
            action: o.action ?? `Add evidence and list ${o.id} in its supports.`,
            deadline,
            timing,
            owner: assigned.owner,
            ownerFrom: assigned.ownerFrom,
            due: assigned.due,
            dueAfterDeadline: deadline !== null && assigned.due !== null && assigned.due > deadline,
            ...(assigned.note !== undefined ? { note: assigned.note } : {}),
          },
          obligation,
          frameworkOrder,
          order: pending.length,
        })
      })
      const count = (s: PlanObligation['status']): number =>
        obligations.filter((o) => o.status === s).length
      const inForce = obligations.filter((o) => o.inForce).length
      frameworks.push({
        ...base,
        assessed: true,
        summary: {
          applicable: obligations.length,
          inForce,
          upcoming: obligations.length - inForce,
          met: count('met'),
          partial: count('partial'),
          missing: count('missing'),
          notApplicable: summary.notApplicable,
          readiness: summary.readiness,
        },
        obligations,
      })
    }
    notes.unshift(...targetNotes(id, options))
    return {
      id,
      name: info.name,
      assessed: frameworks.some((f) => f.assessed),
      notes,
      frameworks,
    }
  })

  pending.sort(
    (a, b) =>
      TIMING_RANK[a.action.timing] - TIMING_RANK[b.action.timing] ||
      compareCodeUnits(a.action.deadline ?? '', b.action.deadline ?? '') ||
      a.frameworkOrder - b.frameworkOrder ||
      a.order - b.order,
  )
  const width = Math.max(3, String(pending.length).length)
  const actions: PlanAction[] = pending.map((p, i) => {
    const id = `A-${String(i + 1).padStart(width, '0')}`
    p.obligation.actionId = id
    return { id, ...p.action }
  })

  const reuse = evidenceReuse(assessment, planned)
  const upcoming = actions.filter((a) => a.timing === 'upcoming')
  return {
    system: {
      name: manifest.system.name,
      version: manifest.system.version,
      provider: manifest.provider.name,
    },
    asOf: assessment.asOf,
    manifestSha256: assessment.manifestSha256,
    ...(options.generator ? { generator: options.generator } : {}),
    catalogs: options.classification.catalogs.map((c) => ({
      urn: c.urn,
      version: c.version,
      sha256: c.sha256,
    })),
    targets,
    evidence: assessment.evidence.map((e) => ({
      id: e.id,
      title: e.title,
      type: e.type,
      sha256: e.sha256,
    })),
    reuse,
    actions,
    summary: {
      actions: actions.length,
      overdue: actions.filter((a) => a.timing === 'overdue').length,
      upcoming: upcoming.length,
      voluntary: actions.filter((a) => a.timing === 'voluntary').length,
      unassigned: actions.filter((a) => a.owner === null).length,
      dueAfterDeadline: actions.filter((a) => a.dueAfterDeadline).length,
      reusedEvidence: reuse.length,
      nextDeadline: upcoming[0]?.deadline ?? null,
    },
    warnings: owners.unused(),
  }
}

/** What the plan says about a market before its frameworks: classification, law version. */
function targetNotes(id: TargetId, options: BuildPlanOptions): string[] {
  const { catalogs } = options
  if (id === 'eu') {
    const eu = options.classification.euAiAct
    const categories = (eu.categories.length > 0 ? eu.categories : [eu.category]).map(
      (c) => CATEGORY_WORDS[c],
    )
    const cites = eu.citations.length > 0 ? ` (${eu.citations.join(', ')})` : ''
    const notes = [`EU AI Act classification: ${categories.join(' and ')}${cites}.`]
    notes.push(...legacySentences(eu.legacy, eu.asOf))
    const version = catalogs.catalogs
      .get('eu-ai-act')
      ?.law_versions?.find((v) => v.id === eu.lawVersion.id)
    notes.push(
      `Law version on ${options.assessment.asOf}: ${eu.lawVersion.title}` +
        (version?.uncertain ? ` (uncertain: ${trimStop(version.uncertain)})` : '') +
        '.',
    )
    if (eu.category === 'prohibited') {
      notes.push(
        'The system falls under a prohibited practice (Art. 5): the actions below cannot make it ' +
          'lawful in the Union without changing what the system does.',
      )
    }
    if (eu.category === 'out-of-scope') {
      notes.push('No EU AI Act obligation applies while the system stays outside its scope.')
    }
    return notes
  }
  if (id === 'korea') {
    const korea = catalogs.catalogs.get('korea-ai-basic-act')
    const notes = [
      `Korea AI Basic Act: ${NOT_CLASSIFIED_NOTE}. Accord does not decide whether or from when its duties apply to this system.`,
    ]
    const version = korea?.law_versions?.[0]
    if (version?.in_force_from) {
      notes.push(
        `The catalog records the law as in force from ${version.in_force_from}` +
          (version.uncertain ? ` (uncertain: ${trimStop(version.uncertain)})` : '') +
          '.',
      )
    }
    notes.push(
      'Compare its duties with the other frameworks through the crosswalk: `accord crosswalk korea-ai-basic-act eu-ai-act`.',
    )
    return notes
  }
  return []
}

/** Evidence items used for obligations of two or more planned frameworks. */
function evidenceReuse(assessment: AssessmentResult, planned: readonly string[]): EvidenceReuse[] {
  type Use = { id: string } & PlanEvidenceUse
  const uses = new Map<string, Map<string, Use[]>>()
  for (const o of assessment.obligations) {
    if (!planned.includes(o.framework) || o.status === 'not-applicable') continue
    for (const use of o.evidence) {
      const byFw = uses.get(use.evidenceId) ?? new Map<string, Use[]>()
      const list = byFw.get(o.framework) ?? []
      list.push({ id: o.id, ...planUse(use) })
      byFw.set(o.framework, list)
      uses.set(use.evidenceId, byFw)
    }
  }
  const evidence = new Map(assessment.evidence.map((e) => [e.id, e]))
  return [...uses.entries()]
    .filter(([, byFw]) => byFw.size > 1)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([evidenceId, byFw]) => {
      const item = evidence.get(evidenceId)
      return {
        evidenceId,
        title: item?.title ?? evidenceId,
        sha256: item?.sha256 ?? '',
        frameworks: planned
          .filter((f) => byFw.has(f))
          .map((framework) => ({ framework, obligations: byFw.get(framework) ?? [] })),
      }
    })
}

function planUse(use: EvidenceUse): PlanEvidenceUse {
  return {
    evidenceId: use.evidenceId,
    via: use.via,
    ...(use.inheritedFrom !== undefined ? { inheritedFrom: use.inheritedFrom } : {}),
  }
}

function trimStop(text: string): string {
  return text.trim().replace(/\.$/, '')
}
