/**
 * Obligations that apply to the system: every catalog node with an `obligation` whose roles meet
 * the vendor's roles, whose `applies_when` holds on the facts, that is part of the law version in
 * force, and that has a date of application there for the routes the system has. Dated on or
 * before the as-of date: in force; later: upcoming.
 */
import { applicationDate, compareIsoDates, evaluateCondition } from '../../catalog/applicability.js'
import type { CatalogNode, Route } from '../../catalog/schema.js'
import { rolesWithDuties } from '../facts.js'
import type { LegacyGpaiStatus, LegacyHighRiskStatus, ObligationInForce } from '../types.js'
import { existsIn, listWords, record, type RuleContext } from './context.js'
import { dateUnderLegacyRule } from './legacy.js'

export interface ObligationsResult {
  obligations: ObligationInForce[]
  upcoming: ObligationInForce[]
}

export interface SelectObligationsOptions {
  /** Only obligations whose condition names one of these facts (Art. 2(12): GPAI duties only). */
  onlyFacts?: readonly string[]
  /**
   * Art. 111(2) holds: the high-risk obligations (those dated per high-risk route) apply from its
   * date, or not at all when it has none.
   */
  legacyHighRisk?: LegacyHighRiskStatus
  /** Art. 111(3) holds: the general-purpose AI model duties apply from its date. */
  legacyGpai?: LegacyGpaiStatus
}

/** The facts general-purpose AI model duties are conditioned on (Chapter V). */
export const GPAI_FACTS: readonly string[] = [
  'gpai',
  'gpai-systemic-risk',
  'gpai:high-impact-capabilities',
  'gpai:open-source',
]

const ART_5_NODE = /^art-5(?:\.|$)/
const ART_5_1_POINT = /^art-5\.1\.([a-z]{1,2})(?:\.|$)/

export function selectObligations(
  ctx: RuleContext,
  options: SelectObligationsOptions = {},
): ObligationsResult {
  const { catalog } = ctx.index
  const roles = rolesWithDuties(ctx.manifest.roles, ctx.facts)
  const routes = systemRoutes(ctx.facts)
  const chosen: { entry: ObligationInForce; order: number }[] = []
  const legacy = options.legacyHighRisk
  let deferred = 0

  catalog.nodes.forEach((node, order) => {
    const obligation = node.obligation
    if (!obligation) return
    const theirs = obligation.roles.filter((r) => roles.includes(r))
    if (theirs.length === 0) return
    if (!existsIn(ctx.index, node, ctx.lawVersion.id)) return
    if (!evaluateCondition(obligation.applies_when, ctx.facts)) return
    if (!art5Matched(node, ctx.facts)) return
    if (options.onlyFacts && !namesAny(node, options.onlyFacts)) return
    const app = applicationDate(
      catalog,
      node,
      ctx.lawVersion.id,
      routes,
      ctx.manifest.system.placedOnMarket,
    )
    if (!app) return
    let date = dateUnderLegacyRule(app, legacy)
    if (date === null) {
      deferred++
      return
    }
    const legacyGpai = options.legacyGpai
    if (legacyGpai && namesAny(node, GPAI_FACTS) && legacyGpai.appliesFrom > date)
      date = legacyGpai.appliesFrom
    chosen.push({
      order,
      entry: {
        id: `${catalog.framework}:${node.id}`,
        urn: node.urn,
        citation: node.ref_id,
        title: node.name,
        roles: theirs,
        appliesFrom: date,
        status: date <= ctx.asOf ? 'in-force' : 'upcoming',
      },
    })
  })

  chosen.sort(
    (a, b) => compareIsoDates(a.entry.appliesFrom, b.entry.appliesFrom) || a.order - b.order,
  )
  const obligations = chosen.filter((c) => c.entry.status === 'in-force').map((c) => c.entry)
  const upcoming = chosen.filter((c) => c.entry.status === 'upcoming').map((c) => c.entry)
  const derogated = derogationBeforeItsDuties(
    ctx,
    chosen.map((c) => c.entry),
  )
  record(ctx, {
    rule: 'eu.obligations',
    cites: ctx.lawVersion.source,
    outcome: chosen.length > 0 ? 'fired' : 'not-applicable',
    reasoning: [
      `Under ${ctx.lawVersion.title} (in force on ${ctx.asOf}), ${obligations.length} obligation(s) apply to the vendor as ${roles.join(', ')} and ${upcoming.length} more will apply later${routes[0] === 'any' ? '' : ` (dates for the ${routes.join(' and ')} route)`}.`,
      legacy ? legacyWords(legacy, deferred) : '',
      options.legacyGpai
        ? ` Under ${options.legacyGpai.cites}, the general-purpose AI model duties apply from ${options.legacyGpai.appliesFrom}.`
        : '',
      options.onlyFacts
        ? ' Only general-purpose AI model duties are listed, as the system itself is out of scope.'
        : '',
      ctx.facts.has('art-2.10')
        ? ' Per Art. 2(10) obligations of the vendor as deployer are not listed.'
        : '',
      ctx.facts.has('art-2.2')
        ? ' Per Art. 2(2) the Chapter III high-risk obligations are not listed: they apply through the Annex I Section B sector legislation as amended by Arts. 102 to 109.'
        : '',
      derogated,
    ].join(''),
  })
  return { obligations, upcoming }
}

/**
 * Art. 6(4) and Art. 49(2) are due before a derogated Annex III system is placed on the market.
 * For a system placed before they apply, Art. 111(2) does not help (it concerns high-risk systems),
 * and the Act does not say whether they bind it; Accord lists them, and says so.
 */
function derogationBeforeItsDuties(ctx: RuleContext, entries: ObligationInForce[]): string {
  const placed = ctx.manifest.system.placedOnMarket
  if (placed === undefined || !ctx.facts.has('derogation:art-6.3')) return ''
  const due = entries.filter(
    (e) => DEROGATION_DUTIES.includes(e.citation) && placed < e.appliesFrom,
  )
  if (due.length === 0) return ''
  return ` Uncertain: ${listWords(due.map((e) => `${e.citation} (from ${e.appliesFrom})`))} ${due.length === 1 ? 'is' : 'are'} due before the system is placed on the market, which the manifest puts earlier (system.placedOnMarket ${placed}); Art. 111(2) covers only high-risk systems, and the Act does not say whether ${due.length === 1 ? 'this duty binds' : 'these duties bind'} a system placed before ${due.length === 1 ? 'it applies' : 'they apply'}. Accord lists ${due.length === 1 ? 'it' : 'them'} to be safe.`
}

const DEROGATION_DUTIES: readonly string[] = ['Art. 6(4)', 'Art. 49(2)']

function legacyWords(legacy: LegacyHighRiskStatus, deferred: number): string {
  return legacy.appliesFrom === null
    ? ` Under ${legacy.cites}, ${deferred} high-risk obligation(s) are not listed: they apply only once the system's design changes significantly.`
    : ` Under ${legacy.cites}, the high-risk obligations apply from ${legacy.appliesFrom}.`
}

/** Routes whose dates of application apply to this system. */
function systemRoutes(facts: ReadonlySet<string>): Route[] {
  const routes: Route[] = []
  if (facts.has('high-risk:annex-i')) routes.push('annex-i')
  // A derogated Annex III system keeps the Annex III dates for its Art. 6(4) and 49(2) duties.
  if (facts.has('high-risk:annex-iii') || facts.has('derogation:art-6.3')) routes.push('annex-iii')
  return routes.length > 0 ? routes : ['any']
}

/** Art. 5 nodes are listed only for the practices matched. */
function art5Matched(node: CatalogNode, facts: ReadonlySet<string>): boolean {
  if (!ART_5_NODE.test(node.id)) return true
  const point = ART_5_1_POINT.exec(node.id)
  if (point) return facts.has(`art-5.1.${point[1]}`)
  return [...facts].some((f) => f.startsWith('art-5.1.'))
}

function namesAny(node: CatalogNode, facts: readonly string[]): boolean {
  const c = node.obligation?.applies_when
  const named = [...(c?.all ?? []), ...(c?.any ?? [])]
  return named.some((f) => facts.includes(f))
}
