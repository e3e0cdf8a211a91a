/**
 * Art. 2: scope. Territorial scope (2(1)(a)-(c)), the exclusions that take a system out whatever
 * it does (2(3) military, defence and national security; 2(6) scientific research; 2(8) research,
 * testing and development before placing on the market), the exclusion of third-country public
 * authorities and international organisations in law-enforcement and judicial cooperation (2(4)),
 * which presupposes 2(1), the limit of 2(2) for Annex I Section B products, decided once the
 * high-risk routes are known, and the exclusions of 2(10) (deployers in purely personal use) and
 * 2(12) (open source), which are decided only after the practices are known: 2(12) does not reach
 * prohibited, high-risk or Art. 50 systems, and Accord does not read 2(10) as lifting Art. 5.
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

/** Art. 2(1)(a)-(c), then Art. 2(3), 2(4), 2(6) and 2(8). */
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

  // The `provider` section names who provides the system; it is the vendor's own establishment
  // only when the vendor is that provider. A vendor that only deploys is placed by memberStates.
  const vendorIsProvider = manifest.roles.includes('provider')
  const deployerInEu = deployer && (memberStates.length > 0 || (vendorIsProvider && !thirdCountry))
  record(ctx, {
    rule: 'eu.art-2.1.b',
    cites: 'Art. 2(1)(b)',
    outcome: deployerInEu ? 'fired' : 'not-applicable',
    reasoning: deployerInEu
      ? `The vendor deploys the system in the Union (${memberStates.length > 0 ? `member states ${memberStates.join(', ')}` : `established in ${manifest.provider.country}`}), so the Act applies to it as deployer.`
      : deployer
        ? vendorIsProvider
          ? 'The vendor is a deployer, but neither established in the Union nor using the system in a member state (deployment.memberStates is empty).'
          : `The vendor is a deployer that does not use the system in a member state (deployment.memberStates is empty). The provider's country (${manifest.provider.country}) says nothing about where the vendor is established: if the vendor is established in the Union, list the member states where it uses the system.`
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

  const cooperation = evaluateInternationalCooperation(ctx)

  const research = c.scientificResearchOnly
  record(ctx, {
    rule: 'eu.art-2.6',
    cites: 'Art. 2(6)',
    outcome: research ? 'fired' : 'not-applicable',
    reasoning: research
      ? 'The system is developed and put into service for the sole purpose of scientific research and development, which the Act does not cover.'
      : 'Not developed and put into service solely for scientific research and development.',
  })

  const preMarket = evaluatePreMarketResearch(ctx)
  const testingInEu = preMarket === 'real-world-testing' && memberStates.length > 0

  if (military) return { inScope: false, excludedBy: 'Art. 2(3)' }
  if (research) return { inScope: false, excludedBy: 'Art. 2(6)' }
  if (preMarket === 'excluded') return { inScope: false, excludedBy: 'Art. 2(8)' }
  if (!placed && !deployerInEu && !outputInEu && !testingInEu)
    return { inScope: false, excludedBy: 'Art. 2(1)' }
  // Art. 2(4) reaches only authorities and organisations "falling within the scope ... pursuant
  // to paragraph 1", so it is decided after Art. 2(1).
  if (cooperation) return { inScope: false, excludedBy: 'Art. 2(4)' }
  return { inScope: true }
}

/**
 * Art. 2(8): research, testing and development before a system is placed on the market or put
 * into service is outside the Act; testing in real-world conditions is not. The exclusion is of an
 * activity, not of a system: it ends when the system is placed on the market or put into service.
 * Returns `excluded` when it takes the system out, `real-world-testing` when the system is tested
 * in real-world conditions (in scope), `none` otherwise.
 */
function evaluatePreMarketResearch(ctx: RuleContext): 'excluded' | 'real-world-testing' | 'none' {
  const c = ctx.manifest.classification
  const placedOn = ctx.manifest.system.placedOnMarket
  if (!c.preMarketResearchOnly) {
    record(ctx, {
      rule: 'eu.art-2.8',
      cites: 'Art. 2(8)',
      outcome: 'not-applicable',
      reasoning:
        'The manifest does not say that the system is only being researched, tested or developed before being placed on the market or put into service (classification.preMarketResearchOnly is false).',
    })
    return 'none'
  }
  if (c.realWorldTesting) {
    record(ctx, {
      rule: 'eu.art-2.8',
      cites: 'Art. 2(8)',
      outcome: 'exception',
      reasoning: `The system is not yet placed on the market or put into service, but it is tested in real-world conditions (classification.realWorldTesting), which Art. 2(8) expressly leaves outside its exclusion. The Act's rules on such testing apply (Arts. 57 to 61: testing in regulatory sandboxes, and under Arts. 60 and 61 outside them for Annex III high-risk systems), and so do the Art. 5 prohibitions. Accord does not encode the conditions of Arts. 57 to 61: it classifies the system as it will be once placed on the market, so the obligations listed are those that will bind it then.${ctx.manifest.deployment.memberStates.length > 0 ? ` The testing in ${ctx.manifest.deployment.memberStates.join(', ')} is treated as a link to the Union: Art. 2(1) names placing on the market, putting into service and use, not testing, so this is Accord's reading.` : ''}`,
    })
    return 'real-world-testing'
  }
  if (placedOn !== undefined && placedOn <= ctx.asOf) {
    record(ctx, {
      rule: 'eu.art-2.8',
      cites: 'Art. 2(8)',
      outcome: 'exception',
      reasoning: `The manifest says the system is only researched, tested or developed, but gives ${placedOn} as the date it is placed on the market or put into service (system.placedOnMarket), on or before ${ctx.asOf}. Art. 2(8) covers only activity before that date, so it does not apply on ${ctx.asOf}; the rest of Art. 2 decides the scope. Set classification.placedOnEuMarket once the system is on the market.`,
    })
    return 'none'
  }
  record(ctx, {
    rule: 'eu.art-2.8',
    cites: 'Art. 2(8)',
    outcome: 'fired',
    reasoning: `The system is only being researched, tested or developed and is not yet placed on the market or put into service${placedOn !== undefined ? ` (planned for ${placedOn})` : ''}. The Act does not apply to that activity, which must still comply with other Union law (such as data protection). Unlike Art. 2(6), this does not exclude the system: once it is placed on the market or put into service, including for the provider's own use, the Act applies in full, and testing in real-world conditions before then is not covered.`,
  })
  return 'excluded'
}

const COOPERATION_USER = {
  'third-country-public-authority': 'a public authority of a third country',
  'international-organisation': 'an international organisation',
} as const

/**
 * Art. 2(4): the Act applies neither to third-country public authorities nor to international
 * organisations that fall within Art. 2(1), where they use AI systems in the framework of
 * international cooperation or agreements for law enforcement and judicial cooperation with the
 * Union or member states, provided adequate safeguards for fundamental rights.
 *
 * Reading, not text (said in the trace): the paragraph exempts the authority or organisation, not
 * the provider, importer or distributor that supplies it. A vendor that supplies such a user keeps
 * its obligations; only a vendor that is itself the user (`vendorIsTheUser`) is out of scope.
 * Returns true when the exclusion takes the vendor out of scope (if Art. 2(1) brings it in).
 */
function evaluateInternationalCooperation(ctx: RuleContext): boolean {
  const ic = ctx.manifest.deployment.internationalCooperation
  if (ic === undefined) {
    record(ctx, {
      rule: 'eu.art-2.4',
      cites: 'Art. 2(4)',
      outcome: 'not-applicable',
      reasoning:
        'The manifest names no third-country public authority or international organisation that uses the system in international law-enforcement or judicial cooperation with the Union (deployment.internationalCooperation).',
    })
    return false
  }
  const user = COOPERATION_USER[ic.user]
  const framework = `in the framework of ${ic.framework}`
  if (!ic.adequateSafeguards) {
    record(ctx, {
      rule: 'eu.art-2.4',
      cites: 'Art. 2(4)',
      outcome: 'exception',
      reasoning: `The system is used by ${user} ${framework}, but the manifest does not say that it provides adequate safeguards for the fundamental rights and freedoms of individuals (deployment.internationalCooperation.adequateSafeguards is false). Without them Art. 2(4) does not apply, and that user is subject to the Act like any other falling under Art. 2(1).`,
    })
    return false
  }
  const uncertain =
    "Uncertain: whether the safeguards are adequate is the manifest's answer; Art. 2(4) does not say who decides it, and Accord cannot check it."
  if (ic.vendorIsTheUser) {
    record(ctx, {
      rule: 'eu.art-2.4',
      cites: 'Art. 2(4)',
      outcome: 'fired',
      reasoning: `The vendor is itself ${user} and uses the system only ${framework}, with adequate safeguards for fundamental rights: under Art. 2(4) the Act does not apply to it for that use. Any use outside that framework would bring it back within the Act. ${uncertain}`,
    })
    return true
  }
  const thirdCountry = !isEuCountry(ctx.manifest.provider.country)
  record(ctx, {
    rule: 'eu.art-2.4',
    cites: 'Art. 2(4)',
    outcome: 'not-applicable',
    reasoning: `The system is used by ${user} ${framework}, with adequate safeguards for fundamental rights: under Art. 2(4) the Act does not apply to that user for that use, so it has no deployer obligations for it. The exclusion names the authorities and organisations that use the system, not whoever supplies it: the vendor, as ${listWords(ctx.manifest.roles)}, keeps its obligations, and its other customers theirs, so the classification continues. This is Accord's reading; Art. 2(4) does not mention providers. ${uncertain}${thirdCountry ? ` Also uncertain: the Act does not say whether a third-country provider whose system's output reaches the Union only through such cooperation is within Art. 2(1)(c); Accord keeps it within scope.` : ''}`,
  })
  return false
}

/**
 * Art. 2(10): the Act does not apply to obligations of deployers who are natural persons using AI
 * systems in the course of a purely personal non-professional activity (such a user is not a
 * "deployer" at all under Art. 3(4)). Only deployer obligations go: a provider's stay.
 *
 * Readings, not text (kept on the side of listing more duties, and said in the trace):
 * - Art. 5 is not an obligation of deployers but a prohibition of practices, so a prohibited
 *   practice keeps the deployer in scope.
 * - The manifest's answer covers every deployer, so it covers the vendor too when it is one.
 *
 * Returns `out` when the vendor is only a deployer and so out of scope, `deployer-duties` when the
 * vendor's deployer obligations go but its other roles stay (adds the fact `art-2.10`), `none`.
 */
export function evaluatePersonalUseExclusion(
  ctx: RuleContext,
  held: { prohibited: boolean; laterPractices?: readonly string[] },
): 'out' | 'deployer-duties' | 'none' {
  const { manifest } = ctx
  if (!manifest.deployment.purelyPersonalUse) {
    record(ctx, {
      rule: 'eu.art-2.10',
      cites: 'Art. 2(10)',
      outcome: 'not-applicable',
      reasoning:
        'The manifest does not say that every deployer is a natural person using the system in a purely personal, non-professional activity (deployment.purelyPersonalUse is false).',
    })
    return 'none'
  }
  const deployer = manifest.roles.includes('deployer')
  const others = manifest.roles.filter((r) => r !== 'deployer')
  if (!deployer) {
    record(ctx, {
      rule: 'eu.art-2.10',
      cites: 'Art. 2(10)',
      outcome: 'not-applicable',
      reasoning: `Every deployer is a natural person using the system in a purely personal, non-professional activity, so under Art. 2(10) they have no deployer obligations. The vendor is not a deployer here: its obligations as ${listWords(others)} are not affected by Art. 2(10), and the duties that protect those users (such as Art. 50) stay listed where they apply.`,
    })
    return 'none'
  }
  if (held.prohibited) {
    record(ctx, {
      rule: 'eu.art-2.10',
      cites: 'Art. 2(10)',
      outcome: 'exception',
      reasoning:
        'Every deployer, the vendor included, is a natural person using the system in a purely personal, non-professional activity, but the system engages in an Art. 5 prohibited practice. Art. 2(10) removes obligations of deployers; Art. 5 prohibits practices, including their use. Accord does not read Art. 2(10) as lifting a prohibition, so the deployer role stays. Uncertain: Art. 3(4) excludes personal use from the definition of deployer altogether, and no guidance settles how that meets Art. 5.',
    })
    return 'none'
  }
  const later =
    held.laterPractices && held.laterPractices.length > 0
      ? ` This changes when ${held.laterPractices.join(', ')} applies.`
      : ''
  if (others.length === 0) {
    record(ctx, {
      rule: 'eu.art-2.10',
      cites: 'Art. 2(10)',
      outcome: 'fired',
      reasoning: `Every deployer, the vendor included, is a natural person using the system in a purely personal, non-professional activity, and the vendor's only role is deployer. Under Art. 2(10) the Act does not apply to such a deployer's obligations (Art. 3(4) does not count such a user as a deployer at all), so the vendor has none. The provider's obligations, borne by someone else, are not affected.${later}`,
    })
    return 'out'
  }
  ctx.facts.add('art-2.10')
  cite(ctx, 'Art. 2(10)')
  record(ctx, {
    rule: 'eu.art-2.10',
    cites: 'Art. 2(10)',
    outcome: 'fired',
    reasoning: `Every deployer, the vendor included, is a natural person using the system in a purely personal, non-professional activity. Under Art. 2(10) the Act does not apply to the obligations of such deployers, so obligations that fall on the vendor only as deployer are not listed. Its obligations as ${listWords(others)} stay.`,
  })
  return 'deployer-duties'
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
