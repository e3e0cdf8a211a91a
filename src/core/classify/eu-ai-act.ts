/**
 * EU AI Act classification: which category a system falls in on a given date, why (a trace of
 * rules, each citing its article), and which obligations apply or are coming.
 *
 * The rules run in the order of the Act's own logic:
 *   law version in force -> Art. 2 scope (2(1), 2(3), 2(4), 2(6), 2(8)) -> Art. 5 practices ->
 *   Art. 6(1) Annex I -> Art. 6(2) Annex III -> Art. 6(3) derogation -> Art. 2(2) Annex I
 *   Section B -> Art. 50 -> Art. 2(10) personal use -> Art. 2(12) open source -> Ch. V GPAI ->
 *   Art. 111(3) legacy GPAI models -> Art. 111(2) legacy high-risk systems -> obligations ->
 *   category.
 * Art. 2(2), 2(10) and 2(12) are decided late on purpose: 2(2) limits what applies to a system
 * that is high-risk under Art. 6(1) only, 2(12) does not reach prohibited, high-risk or Art. 50
 * systems, and Accord does not read 2(10) as lifting an Art. 5 prohibition, so those must be known
 * first.
 *
 * Pure and deterministic: the date is an input, and the catalog supplies the mappings and dates.
 */
import { lawVersionAt } from '../catalog/applicability.js'
import { isoDate, type Catalog, type LawVersion } from '../catalog/schema.js'
import type { Manifest } from '../manifest/schema.js'
import { cite, indexCatalog, listWords, record, type RuleContext } from './rules/context.js'
import { evaluateGpai, type GpaiResult } from './rules/gpai.js'
import { evaluateHighRisk } from './rules/high-risk.js'
import { evaluateLegacyGpai, evaluateLegacyHighRisk } from './rules/legacy.js'
import { GPAI_FACTS, selectObligations } from './rules/obligations.js'
import { evaluateProhibitedPractices } from './rules/prohibited.js'
import {
  evaluateOpenSourceExclusion,
  evaluatePersonalUseExclusion,
  evaluateScope,
  evaluateSectionBLimit,
  isEuCountry,
} from './rules/scope.js'
import { evaluateTransparency } from './rules/transparency.js'
import type {
  EuAiActClassification,
  EuCategory,
  LegacyGpaiStatus,
  ObligationInForce,
} from './types.js'

export interface ClassifyEuAiActOptions {
  /** A parsed manifest (defaults filled in by the zod `Manifest` schema). */
  manifest: Manifest
  /** The EU AI Act catalog (framework `eu-ai-act`). */
  catalog: Catalog
  /** The date to classify on, YYYY-MM-DD. Selects the law version and what is in force. */
  asOf: string
}

/** Classifies a system under the EU AI Act as of a date. Throws `TypeError` on API misuse. */
export function classifyEuAiAct(options: ClassifyEuAiActOptions): EuAiActClassification {
  const { manifest, catalog, asOf } = options
  if (!isoDate.safeParse(asOf).success)
    throw new TypeError(`asOf must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(asOf)}`)
  if (catalog.framework !== 'eu-ai-act')
    throw new TypeError(
      `classifyEuAiAct needs the eu-ai-act catalog, got framework ${JSON.stringify(catalog.framework)}`,
    )

  const index = indexCatalog(catalog)
  const lawVersion = lawVersionAt(catalog, asOf) ?? unversioned(catalog)
  const ctx: RuleContext = {
    manifest,
    asOf,
    index,
    lawVersion,
    facts: new Set(),
    citations: [],
    trace: [],
  }

  record(ctx, {
    rule: 'eu.law-version',
    cites: lawVersion.source,
    outcome: 'fired',
    // lawVersionAt gives the first version for a date before it: the Act is then not yet in
    // force, and saying "the law in force" would be false.
    reasoning: `${
      asOf < lawVersion.in_force_from
        ? `On ${asOf} the Act is not yet in force; it enters into force on ${lawVersion.in_force_from} as ${lawVersion.title}, which is applied here: every obligation is upcoming.`
        : `On ${asOf} the law in force is ${lawVersion.title} (from ${lawVersion.in_force_from}).`
    }${lawVersion.uncertain ? ` Uncertain: ${lawVersion.uncertain}` : ''}`,
  })
  addContextFacts(ctx)

  const scope = evaluateScope(ctx)
  if (!scope.inScope) {
    if (scope.excludedBy === 'Art. 2(8)' && modelsOnMarket(ctx).length > 0)
      return preMarketSystemWithModels(ctx)
    return outOfScope(ctx, scope.excludedBy ?? 'Art. 2(1)')
  }
  ctx.facts.add('in-scope')

  const prohibited = evaluateProhibitedPractices(ctx)
  const useCases = [...manifest.classification.useCases, ...prohibited.reclassifiedUseCases]
  const highRisk = evaluateHighRisk(ctx, useCases)
  evaluateSectionBLimit(
    ctx,
    highRisk.annexI,
    highRisk.routes.filter((r) => r.route === 'annex-iii'),
  )
  const transparency = evaluateTransparency(ctx)
  const laterPractices = prohibited.practices
    .filter((p) => !p.inForce && p.appliesFrom !== '')
    .map((p) => `${p.point} (from ${p.appliesFrom})`)
  const personalUse = evaluatePersonalUseExclusion(ctx, {
    prohibited: prohibited.prohibited,
    laterPractices,
  })
  if (personalUse === 'out') {
    ctx.facts.delete('in-scope')
    recordCategory(ctx, ['out-of-scope'], 'Art. 2(10)')
    return buildResult(ctx, {
      categories: ['out-of-scope'],
      citations: ['Art. 2(10)'],
      gpai: { status: null, detail: { models: [], openSourceExemption: false } },
      derogation: highRisk.derogation,
      highRiskRoutes: [],
      prohibitedPractices: prohibited.practices,
      transparency: [],
      legacy: NO_LEGACY,
      obligations: [],
      upcoming: [],
    })
  }
  const openSourceOut = evaluateOpenSourceExclusion(ctx, {
    prohibited: prohibited.prohibited,
    highRisk: highRisk.highRisk,
    transparency: transparency.length > 0,
    laterPractices,
  })

  const models = evaluateModels(ctx)
  const { gpai, legacyGpai } = models

  if (openSourceOut) {
    ctx.facts.delete('in-scope')
    return modelDutiesOnly(ctx, 'Art. 2(12)', models, {
      derogation: highRisk.derogation,
      prohibitedPractices: prohibited.practices,
    })
  }

  const categories: EuCategory[] = []
  if (prohibited.prohibited) categories.push('prohibited')
  if (highRisk.highRisk) categories.push('high-risk')
  if (transparency.length > 0) categories.push('transparency')
  if (categories.length === 0) categories.push('minimal')

  // Art. 2(2) systems have no Chapter III obligations listed, so there is nothing to defer.
  const legacyHighRisk =
    ctx.facts.has('high-risk') && !ctx.facts.has('art-2.2')
      ? evaluateLegacyHighRisk(ctx, [...new Set(highRisk.routes.map((r) => r.route))])
      : null
  const duties = selectObligations(ctx, {
    ...(legacyHighRisk ? { legacyHighRisk } : {}),
    ...(legacyGpai ? { legacyGpai } : {}),
  })
  recordCategory(ctx, categories)
  return buildResult(ctx, {
    categories,
    citations: [...ctx.citations],
    gpai,
    derogation: highRisk.derogation,
    highRiskRoutes: highRisk.routes,
    prohibitedPractices: prohibited.practices,
    transparency,
    legacy: { highRisk: legacyHighRisk, gpai: legacyGpai },
    ...duties,
  })
}

const NO_LEGACY: EuAiActClassification['legacy'] = { highRisk: null, gpai: null }

interface ResultParts {
  /** In order of precedence; the first is the category. */
  categories: EuCategory[]
  citations: string[]
  gpai: GpaiResult
  derogation: EuAiActClassification['derogation']
  highRiskRoutes: EuAiActClassification['highRiskRoutes']
  prohibitedPractices: EuAiActClassification['prohibitedPractices']
  transparency: EuAiActClassification['transparency']
  legacy: EuAiActClassification['legacy']
  obligations: ObligationInForce[]
  upcoming: ObligationInForce[]
}

/** The result, with keys in the order of the output contract (stable JSON). */
function buildResult(ctx: RuleContext, parts: ResultParts): EuAiActClassification {
  const v = ctx.lawVersion
  return {
    category: parts.categories[0] ?? 'minimal',
    citations: parts.citations,
    categories: parts.categories,
    gpai: parts.gpai.status,
    gpaiDetail: parts.gpai.detail,
    derogation: parts.derogation,
    highRiskRoutes: parts.highRiskRoutes,
    prohibitedPractices: parts.prohibitedPractices,
    transparency: parts.transparency,
    facts: [...ctx.facts].sort(),
    roles: [...ctx.manifest.roles],
    asOf: ctx.asOf,
    lawVersion: { id: v.id, title: v.title, source: v.source },
    legacy: parts.legacy,
    obligations: parts.obligations,
    upcoming: parts.upcoming,
    trace: ctx.trace,
  }
}

/** Facts about the operator and the deployment context (Art. 3, Art. 26, Art. 27). */
function addContextFacts(ctx: RuleContext): void {
  const { manifest, facts } = ctx
  const d = manifest.deployment
  const found: string[] = []
  const add = (fact: string, holds: boolean, words: string) => {
    if (!holds) return
    facts.add(fact)
    found.push(`${fact} (${words})`)
  }
  add(
    'provider:third-country',
    !isEuCountry(manifest.provider.country),
    `provider established in ${manifest.provider.country}`,
  )
  add('deployer:public-body', d.publicBody, 'deployment.publicBody')
  add('deployer:public-service', d.publicService, 'deployment.publicService')
  add('deployer:workplace', d.workplace, 'deployment.workplace')
  add('deployer:law-enforcement', d.lawEnforcement, 'deployment.lawEnforcement')
  add('deployer:migration', d.migration, 'deployment.migration')
  add('personal-data', manifest.classification.processesPersonalData, 'processes personal data')
  record(ctx, {
    rule: 'eu.facts',
    cites: 'Art. 3',
    outcome: found.length > 0 ? 'fired' : 'not-applicable',
    reasoning:
      found.length > 0
        ? `Operator and context facts: ${listWords(found)}. The vendor's roles: ${manifest.roles.join(', ')}.`
        : `No operator or context facts hold. The vendor's roles: ${manifest.roles.join(', ')}.`,
  })
}

/** The vendor's own general-purpose AI models already placed on the market on the as-of date. */
function modelsOnMarket(ctx: RuleContext): Manifest['models'] {
  return ctx.manifest.models.filter(
    (m) =>
      m.generalPurpose &&
      !m.thirdParty &&
      m.placedOnMarket !== undefined &&
      m.placedOnMarket <= ctx.asOf,
  )
}

/**
 * Art. 2(8) excludes research, testing and development of AI systems *and models* before they are
 * placed on the market. A system still in development is out of scope, but a general-purpose AI
 * model of the vendor that is already on the market is not in development: its Chapter V duties
 * stay, as under Art. 2(12).
 */
function preMarketSystemWithModels(ctx: RuleContext): EuAiActClassification {
  const placed = modelsOnMarket(ctx)
  record(ctx, {
    rule: 'eu.art-2.8.models',
    cites: 'Art. 2(8)',
    outcome: 'exception',
    reasoning: `Art. 2(8) covers AI models too, but only before they are placed on the market: ${listWords(placed.map((m) => `${m.name} ${m.version} (models[].placedOnMarket ${m.placedOnMarket as string})`))} ${placed.length === 1 ? 'is' : 'are'} already on the market, so the general-purpose AI model duties are still evaluated.`,
  })
  cite(ctx, 'Art. 2(8)')
  return modelDutiesOnly(ctx, 'Art. 2(8)', evaluateModels(ctx), {
    derogation: notEvaluatedDerogation(ctx),
    prohibitedPractices: [],
  })
}

interface ModelsResult {
  gpai: GpaiResult
  /** The citations the GPAI rule added. */
  gpaiCitations: string[]
  legacyGpai: LegacyGpaiStatus | null
}

/** Ch. V: the vendor's general-purpose AI models, then Art. 111(3). */
function evaluateModels(ctx: RuleContext): ModelsResult {
  const before = ctx.citations.length
  const gpai = evaluateGpai(ctx)
  const gpaiCitations = ctx.citations.slice(before)
  return { gpai, gpaiCitations, legacyGpai: evaluateLegacyGpai(ctx) }
}

/**
 * Out of scope under `excludedBy` (Art. 2(8) or 2(12)), with the vendor's general-purpose AI model
 * duties still listed: those exclusions reach the system, not a model already on the market.
 */
function modelDutiesOnly(
  ctx: RuleContext,
  excludedBy: string,
  { gpai, gpaiCitations, legacyGpai }: ModelsResult,
  parts: Pick<ResultParts, 'derogation' | 'prohibitedPractices'>,
): EuAiActClassification {
  const duties =
    gpai.status === null
      ? { obligations: [], upcoming: [] }
      : selectObligations(ctx, { onlyFacts: GPAI_FACTS, ...(legacyGpai ? { legacyGpai } : {}) })
  recordCategory(ctx, ['out-of-scope'], excludedBy)
  return buildResult(ctx, {
    categories: ['out-of-scope'],
    citations: [excludedBy, ...gpaiCitations],
    gpai,
    ...parts,
    highRiskRoutes: [],
    transparency: [],
    legacy: { highRisk: null, gpai: legacyGpai },
    ...duties,
  })
}

function notEvaluatedDerogation(ctx: RuleContext): EuAiActClassification['derogation'] {
  return {
    claimed: ctx.manifest.classification.derogation !== undefined,
    applied: false,
    reason: 'Not evaluated: the system is outside the scope of the Act.',
    conditions: [],
  }
}

/** Result for a system outside the Act (Art. 2(1), 2(3), 2(4), 2(6) or 2(8)): no further rules, no duties. */
function outOfScope(ctx: RuleContext, excludedBy: string): EuAiActClassification {
  cite(ctx, excludedBy)
  recordCategory(ctx, ['out-of-scope'], excludedBy)
  return buildResult(ctx, {
    categories: ['out-of-scope'],
    citations: [...ctx.citations],
    gpai: { status: null, detail: { models: [], openSourceExemption: false } },
    derogation: notEvaluatedDerogation(ctx),
    highRiskRoutes: [],
    prohibitedPractices: [],
    transparency: [],
    legacy: NO_LEGACY,
    obligations: [],
    upcoming: [],
  })
}

function recordCategory(ctx: RuleContext, categories: EuCategory[], excludedBy?: string): void {
  const [category] = categories
  record(ctx, {
    rule: 'eu.category',
    cites: excludedBy ?? 'Art. 5, Art. 6, Art. 50',
    outcome: 'fired',
    reasoning:
      category === 'out-of-scope'
        ? `Out of scope under ${excludedBy}: the Act imposes no obligations on this system${ctx.manifest.models.length > 0 && (excludedBy === 'Art. 2(12)' || ctx.facts.has('gpai')) ? ' (general-purpose AI model duties, if any, are listed separately)' : ''}.`
        : categories.length > 1
          ? `Category ${category}; the system is also ${listWords(categories.slice(1))} (precedence: prohibited, high-risk, transparency, minimal).`
          : `Category ${category}.`,
  })
}

/** A stand-in when a catalog has no law versions, so output keeps its shape. */
function unversioned(catalog: Catalog): LawVersion {
  return {
    id: 'unversioned',
    title: catalog.name,
    source: catalog.sources[0]?.title ?? catalog.urn,
    in_force_from: catalog.publication_date,
  }
}
