/**
 * Art. 2: scope. Territorial scope (2(1)(a)-(c)), the exclusions that take a system out whatever
 * it does (2(3) military, defence and national security; 2(6) scientific research), and the
 * open-source exclusion of 2(12), which is decided only after the practices are known because it
 * does not reach prohibited, high-risk or Art. 50 systems.
 */
import { EU_MEMBER_STATES } from '../../manifest/schema.js'
import { record, type RuleContext } from './context.js'

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
