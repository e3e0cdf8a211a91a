/**
 * Art. 6: high-risk classification.
 * - 6(1): safety component of (or itself) a product under Annex I legislation that needs a
 *   third-party conformity assessment. The Annex I point and its section come from the catalog
 *   node whose `use_cases` list the act, in the law version in force (Reg. (EU) 2026/1744 moves
 *   machinery from Section A to Section B).
 * - 6(2): a use case listed on an Annex III point (`use_cases`), unless expressly carved out
 *   (`excluded_use_cases`).
 * - 6(3): the provider's derogation for Annex III systems, never when the system profiles natural
 *   persons, never for Annex I.
 */
import type { CatalogNode } from '../../catalog/schema.js'
import type { EuAiActClassification } from '../types.js'
import { cite, existsIn, lineage, listWords, record, usesAny, type RuleContext } from './context.js'

type HighRiskRoute = EuAiActClassification['highRiskRoutes'][number]
type Derogation = EuAiActClassification['derogation']

export const ANNEX_III_POINT = /^annex-iii\.([1-8])(?:\.([a-e]))?$/
const ANNEX_I_NODE = /^annex-i\./

/** Annex III areas whose heading limits them to uses permitted under Union or national law. */
const PERMITTED_BY_LAW_AREAS = new Set(['1', '6', '7'])

const DEROGATION_CONDITIONS: Record<string, { cite: string; words: string }> = {
  'narrow-procedural-task': { cite: 'Art. 6(3)(a)', words: 'performs a narrow procedural task' },
  'improves-prior-human-activity': {
    cite: 'Art. 6(3)(b)',
    words: 'improves the result of a previously completed human activity',
  },
  'detects-decision-patterns': {
    cite: 'Art. 6(3)(c)',
    words:
      'detects decision-making patterns or deviations from them without replacing or influencing the human assessment without proper human review',
  },
  'preparatory-task': {
    cite: 'Art. 6(3)(d)',
    words: 'performs a preparatory task to an assessment relevant for an Annex III use case',
  },
}

export interface HighRiskResult {
  routes: HighRiskRoute[]
  derogation: Derogation
  highRisk: boolean
  /** Annex III points matched, whether or not derogated. */
  annexIII: HighRiskRoute[]
  annexI: HighRiskRoute | undefined
}

export function evaluateHighRisk(ctx: RuleContext, useCases: readonly string[]): HighRiskResult {
  const annexI = evaluateAnnexI(ctx)
  const annexIII = evaluateAnnexIII(ctx, useCases)
  const derogation = evaluateDerogation(ctx, annexIII, annexI !== undefined)

  const routes: HighRiskRoute[] = []
  if (annexI) {
    routes.push(annexI)
    ctx.facts.add('high-risk:annex-i')
  }
  if (annexIII.length > 0 && !derogation.applied) {
    routes.push(...annexIII)
    ctx.facts.add('high-risk:annex-iii')
  }
  const highRisk = routes.length > 0
  if (highRisk) ctx.facts.add('high-risk')
  if (annexIII.length > 0 && !derogation.applied) checkBiometricConformityRoute(ctx, annexIII)
  return { routes, derogation, highRisk, annexIII, annexI }
}

/**
 * Art. 43(1): for an Annex III point 1 (biometrics) system, internal control (Annex VI) is open
 * only to a provider that applied harmonised standards (Art. 40) or, where applicable, common
 * specifications (Art. 41); otherwise the notified-body procedure of Annex VII is mandatory
 * (second subparagraph, points (a)-(c)). Records a step only when the manifest chooses Annex VI
 * and lists no harmonised standard, so other systems' traces are unchanged.
 */
function checkBiometricConformityRoute(ctx: RuleContext, annexIII: readonly HighRiskRoute[]): void {
  const m = ctx.manifest
  const biometric = annexIII.filter((r) => ANNEX_III_POINT.exec(r.nodeId)?.[1] === '1')
  if (biometric.length === 0) return
  if (m.conformityAssessment?.procedure !== 'annex-vi-internal-control') return
  if (m.harmonisedStandards.length > 0) return
  record(ctx, {
    rule: 'eu.art-43.1',
    cites: 'Art. 43(1)',
    outcome: 'exception',
    reasoning: `The system is high-risk under ${listWords(biometric.map((r) => r.point))} (biometrics) and the manifest gives internal control (Annex VI) as its conformity assessment procedure, but lists no harmonised standard applied (harmonisedStandards is empty). For Annex III point 1 systems internal control is open only to a provider that applied harmonised standards or, where applicable, common specifications; otherwise the procedure of Annex VII, with a notified body, is mandatory (Art. 43(1), second subparagraph). List the standards applied in full, or change conformityAssessment.procedure to annex-vii-notified-body.`,
  })
}

/** Art. 6(1) via Annex I. */
function evaluateAnnexI(ctx: RuleContext): HighRiskRoute | undefined {
  const sc = ctx.manifest.classification.safetyComponent
  if (!sc) {
    record(ctx, {
      rule: 'eu.art-6.1',
      cites: 'Art. 6(1)',
      outcome: 'not-applicable',
      reasoning:
        'The system is neither a product nor a safety component of a product covered by Annex I legislation (classification.safetyComponent is not set).',
    })
    return undefined
  }
  const what = sc.isProduct ? 'is itself a product' : 'is a safety component of a product'
  const node = ctx.index.catalog.nodes.find(
    (n) =>
      ANNEX_I_NODE.test(n.id) &&
      (n.use_cases ?? []).includes(sc.legislation) &&
      existsIn(ctx.index, n, ctx.lawVersion.id),
  )
  const where = node ? `${node.ref_id} (${node.name})` : `Annex I (${sc.legislation})`
  if (!sc.thirdPartyConformityAssessment) {
    record(ctx, {
      rule: 'eu.art-6.1',
      cites: 'Art. 6(1)',
      outcome: 'not-applicable',
      reasoning: `The system ${what} covered by ${where}, but that legislation does not require a third-party conformity assessment of the product (Art. 6(1)(b)); both conditions of Art. 6(1) must hold, so it is not high-risk by this route.`,
    })
    return undefined
  }

  const section = node ? annexISection(ctx, node) : undefined
  if (section) ctx.facts.add(`annex-i.section-${section}`)
  cite(ctx, 'Art. 6(1)', 'Annex I')
  const sectionNote =
    section === 'b'
      ? ' The act is in Annex I Section B: Art. 2(2) limits which provisions of the AI Act apply directly (rule eu.art-2.2).'
      : section === 'a'
        ? ' The act is in Annex I Section A (New Legislative Framework).'
        : ` The catalog has no Annex I point for ${sc.legislation} in the law version in force, so its section is unknown.`
  record(ctx, {
    rule: 'eu.art-6.1',
    cites: 'Art. 6(1)',
    outcome: 'fired',
    reasoning: `The system ${what}${sc.product ? ` (${sc.product})` : ''} covered by ${where}, and that legislation requires a third-party conformity assessment: high-risk under Art. 6(1)(a) and (b).${sectionNote}`,
  })
  return { route: 'annex-i', point: node?.ref_id ?? 'Annex I', nodeId: node?.id ?? 'annex-i' }
}

/** `a` or `b` from the node's or an ancestor's id (`annex-i.a`) or ref_id (`Annex I Section A`). */
function annexISection(ctx: RuleContext, node: CatalogNode): 'a' | 'b' | undefined {
  for (const n of lineage(ctx.index, node)) {
    const fromId = /^annex-i\.(?:section-)?([ab])(?:\.|$)/.exec(n.id)
    if (fromId) return fromId[1] as 'a' | 'b'
    const fromRef = /\bSection ([AB])\b/.exec(n.ref_id)
    if (fromRef) return fromRef[1]?.toLowerCase() as 'a' | 'b'
  }
  return undefined
}

/** Art. 6(2) via Annex III. */
function evaluateAnnexIII(ctx: RuleContext, useCases: readonly string[]): HighRiskRoute[] {
  const matched: HighRiskRoute[] = []
  let recorded = false
  for (const node of ctx.index.catalog.nodes) {
    const m = ANNEX_III_POINT.exec(node.id)
    if (!m || (!node.use_cases && !node.excluded_use_cases)) continue
    if (!existsIn(ctx.index, node, ctx.lawVersion.id)) continue
    const [, area, point] = m
    const rule = `eu.${node.id}`
    const cites = `Art. 6(2), ${node.ref_id}`

    const excluded = usesAny(ctx.manifest.classification.useCases, node.excluded_use_cases)
    const uses = usesAny(useCases, node.use_cases)
    if (excluded.length > 0) {
      recorded = true
      record(ctx, {
        rule,
        cites,
        outcome: 'exception',
        reasoning: `Use case ${listWords(excluded)} is expressly excluded from ${node.ref_id} (${node.name}), so it does not make the system high-risk under this point.`,
      })
    }
    if (uses.length === 0) continue

    recorded = true
    ctx.facts.add(`annex-iii.${area}`)
    if (point) ctx.facts.add(`annex-iii.${area}.${point}`)
    cite(ctx, 'Art. 6(2)', node.ref_id)
    matched.push({ route: 'annex-iii', point: node.ref_id, nodeId: node.id })
    record(ctx, {
      rule,
      cites,
      outcome: 'fired',
      reasoning: `Use case ${listWords(uses)} is listed in ${node.ref_id}: ${node.name}.${contextNote(ctx, area ?? '', point)}`,
    })
  }
  if (!recorded)
    record(ctx, {
      rule: 'eu.art-6.2',
      cites: 'Art. 6(2)',
      outcome: 'not-applicable',
      reasoning: `None of the use cases (${listWords(useCases)}) is listed in Annex III.`,
    })
  return matched
}

/** Plain-words notes on the context Annex III assumes, when the manifest says otherwise. */
function contextNote(ctx: RuleContext, area: string, point: string | undefined): string {
  const d = ctx.manifest.deployment
  const notes: string[] = []
  if (PERMITTED_BY_LAW_AREAS.has(area))
    notes.push(
      `Annex III area ${area} covers such uses in so far as Union or national law permits them.`,
    )
  if (area === '6' && !d.lawEnforcement)
    notes.push(
      'Area 6 covers use by or on behalf of law-enforcement authorities; the manifest does not say the system is used for law enforcement (deployment.lawEnforcement), so check the intended purpose.',
    )
  if (area === '7' && !d.migration)
    notes.push(
      'Area 7 covers use by or on behalf of competent authorities in migration, asylum or border control; the manifest does not say so (deployment.migration), so check the intended purpose.',
    )
  if (area === '5' && point === 'a' && !d.publicBody)
    notes.push(
      'Point 5(a) covers use by or on behalf of public authorities; the manifest says the deployer is not a public body (deployment.publicBody), so check the intended purpose.',
    )
  return notes.length > 0 ? ` ${notes.join(' ')}` : ''
}

/** Art. 6(3) and (4). */
function evaluateDerogation(
  ctx: RuleContext,
  annexIII: readonly HighRiskRoute[],
  annexI: boolean,
): Derogation {
  const claim = ctx.manifest.classification.derogation
  if (!claim) {
    if (annexIII.length > 0)
      record(ctx, {
        rule: 'eu.art-6.3',
        cites: 'Art. 6(3)',
        outcome: 'not-applicable',
        reasoning:
          'The provider does not claim that the Annex III system is not high-risk (classification.derogation is not set).',
      })
    return {
      claimed: false,
      applied: false,
      reason: 'No Art. 6(3) derogation is claimed.',
      conditions: [],
    }
  }
  const conditions = claim.conditions.map((c) => DEROGATION_CONDITIONS[c]?.cite ?? c)
  const conditionWords = listWords(
    claim.conditions.map((c) => {
      const known = DEROGATION_CONDITIONS[c]
      return known ? `${known.words} (${known.cite})` : c
    }),
  )

  const done = (
    outcome: 'fired' | 'not-applicable' | 'exception',
    reason: string,
    applied: boolean,
  ) => {
    record(ctx, { rule: 'eu.art-6.3', cites: 'Art. 6(3)', outcome, reasoning: reason })
    return { claimed: true, applied, reason, conditions }
  }

  if (annexIII.length === 0) {
    const reason = annexI
      ? 'An Art. 6(3) derogation is claimed, but it only covers Annex III systems; it never applies to a high-risk system under Art. 6(1) and Annex I, and no Annex III point matched.'
      : 'An Art. 6(3) derogation is claimed, but no Annex III point matched, so there is nothing to derogate from.'
    return done('not-applicable', reason, false)
  }
  if (ctx.manifest.classification.profilesNaturalPersons) {
    cite(ctx, 'Art. 6(3)')
    return done(
      'exception',
      `The provider claims that the system ${conditionWords}, but it performs profiling of natural persons, and an Annex III system that profiles natural persons is always high-risk (profiling override, Art. 6(3) last subparagraph). The derogation does not apply.`,
      false,
    )
  }

  ctx.facts.add('derogation:art-6.3')
  cite(ctx, 'Art. 6(3)', 'Art. 6(4)', 'Art. 49(2)')
  const annexINote = annexI
    ? ' The derogation does not reach the Art. 6(1) route: the system remains high-risk under Annex I.'
    : ''
  return done(
    'fired',
    `The provider assessed that the Annex III system (${listWords(annexIII.map((r) => r.point))}) poses no significant risk of harm because it ${conditionWords}, and it does not profile natural persons, so it is not high-risk under Art. 6(2). The provider must document this assessment before placing the system on the market or putting it into service and give it to authorities on request (Art. 6(4)), and register itself and the system in the EU database (Art. 49(2)).${annexINote}`,
    true,
  )
}
