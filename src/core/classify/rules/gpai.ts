/**
 * Chapter V: general-purpose AI models the provider itself places on the market.
 * - Art. 3(63): a model with `generalPurpose` and not `thirdParty` is a GPAI model of this provider.
 * - Art. 51: systemic risk when designated by the Commission (51(1)(b)) or presumed from training
 *   compute above 10^25 FLOP (51(2)).
 * - Art. 53(2) / 54(6): free and open-source models with public weights are exempt from
 *   Art. 53(1)(a)-(b) and Art. 54, never when they have systemic risk.
 * - Art. 3(68): a system built on someone else's GPAI model makes its vendor a downstream provider;
 *   the model's provider bears the Chapter V duties.
 */
import type { Manifest } from '../../manifest/schema.js'
import type { EuAiActClassification, GpaiStatus } from '../types.js'
import { cite, listWords, record, type RuleContext } from './context.js'

/** Art. 51(2): presumption of high-impact capabilities above this cumulative training compute. */
export const SYSTEMIC_RISK_FLOP = 1e25

/**
 * Licences treated as free and open-source for Art. 53(2), as SPDX-like ids after normalising
 * (lower case, spaces to hyphens). A licence not on this list (e.g. one restricting use or users)
 * is not treated as open; the reasoning says so.
 */
const OPEN_LICENCES: readonly RegExp[] = [
  /^apache-2\.0$/,
  /^mit$/,
  /^bsd-[0-9a-z.-]+$/,
  /^0bsd$/,
  /^(?:l|a)?gpl-[0-9a-z.+-]+$/,
  /^mpl-2\.0$/,
  /^cc-by-4\.0$/,
  /^cc0-1\.0$/,
  /^isc$/,
]
const OPEN_LICENCE_WORDS =
  'apache-2.0, mit, bsd-*, gpl-*, lgpl-*, agpl-*, mpl-2.0, cc-by-4.0, cc0-1.0, isc'

export function isOpenLicence(licence: string): boolean {
  const id = licence
    .trim()
    .toLowerCase()
    .replace(/^(?:the\s+)?/, '')
    .replace(/\s+licen[cs]e\b/, '')
    .replace(/\s+v?(?=\d)/g, '-')
    .replace(/\s+/g, '-')
  return OPEN_LICENCES.some((re) => re.test(id))
}

export interface GpaiResult {
  status: GpaiStatus
  detail: EuAiActClassification['gpaiDetail']
}

type Model = Manifest['models'][number]
type ModelDetail = EuAiActClassification['gpaiDetail']['models'][number]

export function evaluateGpai(ctx: RuleContext): GpaiResult {
  const models = ctx.manifest.models
  const details: ModelDetail[] = []
  let highImpact = false

  for (const model of models) {
    if (model.thirdParty) {
      record(ctx, {
        rule: 'eu.art-3.68',
        cites: 'Art. 3(68)',
        outcome: 'fired',
        reasoning: `Model ${model.name} ${model.version} is supplied by a third party${model.supplier ? ` (${model.supplier})` : ''}. ${model.generalPurpose ? 'Its provider bears the Chapter V duties of a general-purpose AI model provider; the vendor integrates it into its own AI system and is a downstream provider (Art. 3(68)), entitled to the Art. 53(1)(b) information.' : 'The vendor does not place it on the market as a general-purpose AI model.'}`,
      })
      continue
    }
    if (!model.generalPurpose) {
      record(ctx, {
        rule: 'eu.art-3.63',
        cites: 'Art. 3(63)',
        outcome: 'not-applicable',
        reasoning: `Model ${model.name} ${model.version} is the vendor's own but not a general-purpose AI model (models[].generalPurpose is false).`,
      })
      continue
    }
    details.push(evaluateModel(ctx, model))
    if (meetsComputePresumption(model)) highImpact = true
  }

  if (models.length === 0)
    record(ctx, {
      rule: 'eu.art-3.63',
      cites: 'Art. 3(63)',
      outcome: 'not-applicable',
      reasoning:
        'The manifest lists no models, so the vendor places no general-purpose AI model on the market.',
    })

  const status: GpaiStatus = details.some((d) => d.status === 'gpai-systemic-risk')
    ? 'gpai-systemic-risk'
    : details.length > 0
      ? 'gpai'
      : null
  // The exemption fact holds only when it holds for every GPAI model of the provider, so that no
  // obligation is dropped for a model that does not qualify.
  const openSourceExemption = details.length > 0 && details.every((d) => d.openSourceExemption)
  if (status !== null) ctx.facts.add('gpai')
  if (status === 'gpai-systemic-risk') ctx.facts.add('gpai-systemic-risk')
  // Art. 52(1): only a model meeting Art. 51(1)(a) is notified; a model the Commission designated
  // under Art. 51(1)(b) is already known to it.
  if (highImpact) ctx.facts.add('gpai:high-impact-capabilities')
  if (openSourceExemption) ctx.facts.add('gpai:open-source')
  return { status, detail: { models: details, openSourceExemption } }
}

/** Art. 51(2): cumulative training compute greater than 10^25 FLOP. */
function meetsComputePresumption(model: Model): boolean {
  return model.trainingComputeFlop !== undefined && model.trainingComputeFlop > SYSTEMIC_RISK_FLOP
}

function evaluateModel(ctx: RuleContext, model: Model): ModelDetail {
  const name = `${model.name} ${model.version}`
  cite(ctx, 'Art. 53(1)')
  record(ctx, {
    rule: 'eu.art-3.63',
    cites: 'Art. 3(63)',
    outcome: 'fired',
    reasoning: `Model ${name} is a general-purpose AI model the vendor places on the market, so the provider duties of Art. 53 apply to it.`,
  })

  const presumed = meetsComputePresumption(model)
  const systemic = model.designatedSystemicRisk || presumed
  const why: string[] = []
  if (model.designatedSystemicRisk) {
    why.push('the Commission designated it (Art. 51(1)(b))')
    cite(ctx, 'Art. 51(1)(b)')
  }
  if (presumed) {
    why.push(
      `its cumulative training compute of ${model.trainingComputeFlop?.toExponential()} FLOP exceeds 10^25 FLOP, so high-impact capabilities are presumed (Art. 51(2))`,
    )
    cite(ctx, 'Art. 51(2)')
  }
  if (systemic) cite(ctx, 'Art. 55(1)')
  record(ctx, {
    rule: 'eu.art-51',
    cites: presumed ? 'Art. 51(2)' : 'Art. 51(1)',
    outcome: systemic ? 'fired' : 'not-applicable',
    reasoning: systemic
      ? `Model ${name} has systemic risk: ${listWords(why)}. Art. 55 applies in addition to Art. 53 and 54.${presumed ? ' The provider must notify the Commission without delay and within two weeks of meeting the threshold, or of knowing it will be met (Art. 52(1)).' : ' The Commission designated it, so no Art. 52(1) notification is due (that duty is for models meeting Art. 51(1)(a)).'}`
      : `Model ${name} is not designated as having systemic risk and ${model.trainingComputeFlop === undefined ? 'no training compute is given' : `its training compute of ${model.trainingComputeFlop.toExponential()} FLOP does not exceed 10^25 FLOP`}, so no systemic risk is presumed (Art. 51(2)).`,
  })

  const open = isOpenLicence(model.licence)
  const exempt = model.weightsPublic && open && !systemic
  let reasoning: string
  if (exempt) {
    cite(ctx, 'Art. 53(2)')
    reasoning = `Model ${name} is released under a free and open-source licence (${model.licence}) with public weights, and has no systemic risk, so it is exempt from Art. 53(1)(a)-(b) and Art. 54; Art. 53(1)(c)-(d) (copyright policy, training-content summary) still apply. Licences treated as open: ${OPEN_LICENCE_WORDS}.`
  } else if (model.weightsPublic && open) {
    reasoning = `Model ${name} is released under an open licence (${model.licence}) with public weights, but the open-source exemption of Art. 53(2) does not apply to models with systemic risk.`
  } else if (model.weightsPublic) {
    reasoning = `Model ${name} has public weights, but its licence (${model.licence}) is not on the list of licences treated as free and open-source (${OPEN_LICENCE_WORDS}), so the Art. 53(2) exemption is not applied.`
  } else {
    reasoning = `Model ${name} does not have public weights, so the Art. 53(2) open-source exemption does not apply.`
  }
  record(ctx, {
    rule: 'eu.art-53.2',
    cites: 'Art. 53(2)',
    outcome: exempt ? 'fired' : model.weightsPublic && open ? 'exception' : 'not-applicable',
    reasoning,
  })

  return {
    name: model.name,
    status: systemic ? 'gpai-systemic-risk' : 'gpai',
    openSourceExemption: exempt,
    reason: [
      `General-purpose AI model placed on the market by the vendor (Art. 3(63)).`,
      systemic ? `Systemic risk: ${listWords(why)}.` : 'No systemic risk.',
      exempt ? 'Exempt from Art. 53(1)(a)-(b) and Art. 54 (Art. 53(2)).' : '',
    ]
      .filter((s) => s !== '')
      .join(' '),
  }
}
