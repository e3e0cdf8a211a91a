/**
 * Art. 2: scope. Territorial scope (2(1)(a)-(c)), the exclusions that take a system out whatever
 * it does (2(3) military, defence and national security; 2(6) scientific research), the limit of
 * 2(2) for Annex I Section B products, decided once the high-risk routes are known, and the
 * open-source exclusion of 2(12), which is decided only after the practices are known because it
 * does not reach prohibited, high-risk or Art. 50 systems.
 */
import { EU_MEMBER_STATES } from '../../manifest/schema.js'
import type { EuAiActClassification } from '../types.js'
import { cite, listWords, record, type RuleContext } from './context.js'

type HighRiskRoute = EuAiActClassification['highRiskRoutes'][number]

const EU = new Set<string>(EU_MEMBER_STATES)

export function isEuCountry(code: string): boolean {
  return EU.has(code)
}

export interface ScopeResult {
  inScope: boolean
  /** Citation of the provision that puts the system out of scope, when it is. */
  excludedBy?: string
}

/** Art. 2(1)(a)-(c), then Art. 2(3) and 2(6). */
export function evaluateScope(ctx: RuleContext): ScopeResult {
  const { manifest } = ctx
  const c = manifest.classification
  const thirdCountry = !isEuCountry(manifest.provider.country)
  const deployer = manifest.roles.includes('deployer')
  const memberStates = manifest.deployment.memberStates

  const placed = c.placedOnEuMarket
  record(ctx, {
    rule: 'eu.art-2.1.a',
    cites: 'Art. 2(1)(a)',
    outcome: placed ? 'fired' : 'not-applicable',
    reasoning: placed
      ? 'The system is placed on the market or put into service in the Union, so the Act applies to its provider wherever established.'
      : 'The manifest says the system is not placed on the market or put into service in the Union (classification.placedOnEuMarket is false).',
  })

  const deployerInEu = deployer && (memberStates.length > 0 || !thirdCountry)
  record(ctx, {
    rule: 'eu.art-2.1.b',
    cites: 'Art. 2(1)(b)',
    outcome: deployerInEu ? 'fired' : 'not-applicable',
    reasoning: deployerInEu
      ? `The vendor deploys the system in the Union (${memberStates.length > 0 ? `member states ${memberStates.join(', ')}` : `established in ${manifest.provider.country}`}), so the Act applies to it as deployer.`
      : deployer
        ? 'The vendor is a deployer, but neither established in the Union nor using the system in a member state (deployment.memberStates is empty).'
        : 'The vendor does not act as deployer.',
  })

  const outputInEu = thirdCountry && c.outputUsedInEu
  record(ctx, {
    rule: 'eu.art-2.1.c',
    cites: 'Art. 2(1)(c)',
    outcome: outputInEu ? 'fired' : 'not-applicable',
    reasoning: outputInEu
      ? `The provider is established in a third country (${manifest.provider.country}) and the output of the system is used in the Union, so the Act applies.`
      : thirdCountry
        ? `The provider is established in a third country (${manifest.provider.country}), but the manifest says the output is not used in the Union (classification.outputUsedInEu is false).`
        : `The provider is established in the Union (${manifest.provider.country}); Art. 2(1)(c) covers only third-country providers and deployers.`,
  })

  const military = c.exclusivelyMilitaryDefenceNationalSecurity
  record(ctx, {
    rule: 'eu.art-2.3',
    cites: 'Art. 2(3)',
    outcome: military ? 'fired' : 'not-applicable',
    reasoning: military
      ? 'The system is placed on the market, put into service or used exclusively for military, defence or national-security purposes, which the Act does not cover, whoever does it. Any civilian or law-enforcement use would bring it back into scope.'
      : 'Not used exclusively for military, defence or national-security purposes.',
  })

  const research = c.scientificResearchOnly
  record(ctx, {
    rule: 'eu.art-2.6',
    cites: 'Art. 2(6)',
    outcome: research ? 'fired' : 'not-applicable',
    reasoning: research
      ? 'The system is developed and put into service for the sole purpose of scientific research and development, which the Act does not cover.'
      : 'Not developed and put into service solely for scientific research and development.',
  })

  if (military) return { inScope: false, excludedBy: 'Art. 2(3)' }
  if (research) return { inScope: false, excludedBy: 'Art. 2(6)' }
  if (!placed && !deployerInEu && !outputInEu) return { inScope: false, excludedBy: 'Art. 2(1)' }
  return { inScope: true }
}

/**
 * Art. 2(12): a system released under a free and open-source licence is out of scope unless it is
 * placed on the market or put into service as a high-risk system, or falls under Art. 5 or Art. 50.
 * Returns true when the exclusion takes the system out of scope.
 */
export function evaluateOpenSourceExclusion(
  ctx: RuleContext,
  held: {
    prohibited: boolean
    highRisk: boolean
    transparency: boolean
    /** Practices matched that do not apply yet, with their dates (`Art. 5(1)(ba) from ...`). */
    laterPractices?: readonly string[]
  },
): boolean {
  if (!ctx.manifest.classification.openSource) {
    record(ctx, {
      rule: 'eu.art-2.12',
      cites: 'Art. 2(12)',
      outcome: 'not-applicable',
      reasoning: 'The system is not released under a free and open-source licence.',
    })
    return false
  }
  const reasons = [
    held.prohibited ? 'it engages in an Art. 5 prohibited practice' : '',
    held.highRisk ? 'it is high-risk' : '',
    held.transparency ? 'it falls under Art. 50' : '',
  ].filter((r) => r !== '')
  if (reasons.length > 0) {
    record(ctx, {
      rule: 'eu.art-2.12',
      cites: 'Art. 2(12)',
      outcome: 'exception',
      reasoning: `The system is released under a free and open-source licence, but the open-source exclusion does not apply because ${reasons.join(', ')}.`,
    })
    return false
  }
  record(ctx, {
    rule: 'eu.art-2.12',
    cites: 'Art. 2(12)',
    outcome: 'fired',
    reasoning: `The system is released under a free and open-source licence and is neither prohibited, high-risk nor subject to Art. 50, so the Act does not apply to it. Obligations of a general-purpose AI model provider (Chapter V) are not affected.${held.laterPractices && held.laterPractices.length > 0 ? ` This changes when ${held.laterPractices.join(', ')} applies.` : ''}`,
  })
  return true
}

/**
 * Art. 2(2), per law version: which provisions of the Act apply to a system high-risk under
 * Art. 6(1) for a product under Annex I Section B. The original wording is the OJ text; the
 * amended one (Reg. (EU) 2026/1744 replaces Art. 2(2)) is read from secondary sources that quote
 * the consolidated text. A version not listed here falls back to the OJ wording, with a note.
 */
const ART_2_2: Record<string, { applies: string; conditional: string; uncertain?: string }> = {
  original: {
    applies: 'Art. 6(1), Arts. 102 to 109 and Art. 112',
    conditional: 'Art. 57 (AI regulatory sandboxes) applies',
  },
  'amended-2026-1744': {
    applies: 'Art. 6(1), Art. 60a and Arts. 102 to 112',
    conditional: 'Arts. 57, 58 and 59 (AI regulatory sandboxes) apply',
    uncertain:
      'the amended wording of Art. 2(2) (adding Art. 60a, Arts. 110 to 112 and Arts. 58 and 59) is read from secondary sources quoting the consolidated text, not from the Official Journal.',
  },
}

/**
 * Art. 2(2): for a system high-risk under Art. 6(1) because of a product under Annex I Section B,
 * only the provisions Art. 2(2) names apply; the Chapter III requirements reach the product through
 * the sector act as amended by Arts. 102-109. Adds the fact `art-2.2`, which every catalog
 * obligation requiring `high-risk` excludes, so neither classification nor assessment lists them.
 *
 * Readings, not text (kept on the side of listing more duties, and said in the trace):
 * - A system also high-risk under Art. 6(2) (an Annex III point, not derogated) keeps the Chapter
 *   III obligations: Art. 2(2) speaks of systems classified under Art. 6(1), and does not say how
 *   it combines with Art. 6(2).
 * - Art. 4, Art. 5, Art. 50 and the Chapter V duties stay listed. Read literally, "only" would
 *   exclude them as well; no guidance settles it.
 *
 * Records a step only when the Annex I act is in Section B, so other systems' traces are unchanged.
 * Returns true when the limit applies.
 */
export function evaluateSectionBLimit(
  ctx: RuleContext,
  annexI: HighRiskRoute | undefined,
  annexIII: readonly HighRiskRoute[],
): boolean {
  if (!annexI || !ctx.facts.has('annex-i.section-b')) return false
  const wording = ART_2_2[ctx.lawVersion.id]
  const { applies, conditional } = wording ?? (ART_2_2['original'] as (typeof ART_2_2)[string])
  const node = ctx.index.byId.get(annexI.nodeId)
  const act = node ? `${node.ref_id} (${node.name})` : annexI.point
  // The node's summary names the article of the AI Act that amends the sector act (Arts. 102-109).
  const route = node ? ` ${node.ref_id}: ${node.summary}` : ''
  const uncertain = [
    wording
      ? wording.uncertain
      : `${ctx.lawVersion.title} has no encoded wording of Art. 2(2); the OJ wording is shown.`,
    node?.uncertain,
  ].filter((u): u is string => u !== undefined)
  const uncertainNote = uncertain.length > 0 ? ` Uncertain: ${uncertain.join(' ')}` : ''

  if (annexIII.length > 0) {
    record(ctx, {
      rule: 'eu.art-2.2',
      cites: 'Art. 2(2)',
      outcome: 'not-applicable',
      reasoning: `The product is covered by ${act}, in Annex I Section B, but the system is also high-risk under Art. 6(2) (${listWords(annexIII.map((r) => r.point))}). Art. 2(2) limits the provisions that apply to systems classified as high-risk under Art. 6(1); it does not take away the Chapter III obligations that follow from Art. 6(2), so they stay listed. This is Accord's reading: Art. 2(2) does not say how the two routes combine.${uncertainNote}`,
    })
    return false
  }

  ctx.facts.add('art-2.2')
  cite(ctx, 'Art. 2(2)')
  record(ctx, {
    rule: 'eu.art-2.2',
    cites: 'Art. 2(2)',
    outcome: 'fired',
    reasoning: `The product is covered by ${act}, in Annex I Section B, and no Annex III point makes the system high-risk. Under Art. 2(2), for such a system only ${applies} of the AI Act apply, and ${conditional} only in so far as the requirements for high-risk AI systems have been integrated in that Union harmonisation legislation. The system stays high-risk under Art. 6(1), but the Chapter III requirements and obligations (Arts. 8 to 27, 43, 47 to 49) and Arts. 72 and 73 do not apply to it directly: they apply through the sector legislation as amended by Arts. 102 to 109, so they are not listed as obligations here.${route} Art. 4 (AI literacy), Art. 5, Art. 50 (transparency) and the general-purpose AI model duties are still listed where they hold: read literally, "only" in Art. 2(2) would exclude them too, which is uncertain.${uncertainNote}`,
  })
  return true
}
