/**
 * Art. 111(2): high-risk systems already on the market when the high-risk rules began to apply.
 *
 * A high-risk system placed on the market or put into service before the cut-off of its route
 * (in the law version in force: as published, 2 August 2026; as amended by Reg. (EU) 2026/1744,
 * the Chapter III dates of Art. 113, 2 December 2027 for Annex III and 2 August 2028 for Annex I)
 * is caught by the high-risk obligations only if its design changes significantly from that date.
 * A system intended to be used by public authorities must comply by 2 August 2030 in any case.
 *
 * The cut-offs and the public-authority date are catalog data (`legacy_high_risk` of each law
 * version); this rule holds the structure. Its readings (significant change = a change marked as a
 * substantial modification, per recital 177; public authorities = `deployment.publicBody`; which
 * obligations are deferred) are stated in the catalog's `uncertain` text and in the trace.
 */
import { applicationDate, type ApplicationDate } from '../../catalog/applicability.js'
import type { Route } from '../../catalog/schema.js'
import type { EuAiActClassification, LegacyGpaiStatus, LegacyHighRiskStatus } from '../types.js'
import { rolesWithDuties } from '../facts.js'
import { listWords, record, type RuleContext } from './context.js'

/**
 * The earliest date the catalog gives the high-risk obligations (those dated per route) for
 * `routes` under the law version in force: the Chapter III date of Art. 113. Undefined when the
 * catalog dates none.
 */
function highRiskDate(ctx: RuleContext, routes: readonly Route[]): string | undefined {
  let earliest: string | undefined
  for (const node of ctx.index.catalog.nodes) {
    const app = applicationDate(ctx.index.catalog, node, ctx.lawVersion.id, routes)
    if (!app || app.route === 'any') continue
    if (earliest === undefined || app.from < earliest) earliest = app.from
  }
  return earliest
}

/**
 * The date an obligation applies from once Art. 111(2) is taken into account (`legacy`, when it
 * holds): the catalog's date (`app`), moved to the legacy date when that is later, or null when the
 * obligation does not apply while the system stays as it is. Only the high-risk obligations are
 * affected: they are the ones the catalog dates per route (catalogs/eu-ai-act/README.md).
 * Classification (./obligations.ts) and assessment (../../assess/assess.ts) both ask this.
 */
export function dateUnderLegacyRule(
  app: ApplicationDate,
  legacy: LegacyHighRiskStatus | null | undefined,
): string | null {
  if (!legacy || app.route === 'any') return app.from
  if (legacy.appliesFrom === null) return null
  return legacy.appliesFrom > app.from ? legacy.appliesFrom : app.from
}

/**
 * Art. 111(2) excludes the systems of Art. 111(1), components of the large-scale IT systems of
 * Annex X, which have their own date. Accord does not model Art. 111(1) (no manifest field says a
 * system is such a component), so the trace says the rule assumes it is not one.
 */
const ANNEX_X =
  'This assumes that the system is not a component of one of the large-scale IT systems listed in Annex X: Art. 111(2) excludes those, and Art. 111(1) gives them their own rule, which Accord does not model.'

/**
 * Whether Art. 111(2) holds for a high-risk system with `routes`, and from when its high-risk
 * obligations apply. Null when the law version has no such rule, or the system is not high-risk.
 */
export function evaluateLegacyHighRisk(
  ctx: RuleContext,
  routes: readonly Exclude<Route, 'any'>[],
): LegacyHighRiskStatus | null {
  const rule = ctx.lawVersion.legacy_high_risk
  if (!rule || routes.length === 0) return null
  const { manifest } = ctx
  // A system high-risk by both routes is caught by the earlier Chapter III date: it is a legacy
  // system only if placed before that one (the catalog's `uncertain` text says this is a reading).
  const cutOff = routes.map((r) => rule.placed_before[r]).reduce((a, b) => (b < a ? b : a))
  const placed = manifest.system.placedOnMarket
  const base = { rule: 'eu.art-111.2', cites: rule.cites } as const
  if (placed === undefined) {
    record(ctx, {
      ...base,
      outcome: 'not-applicable',
      reasoning: `The manifest gives no system.placedOnMarket, so ${rule.cites} (high-risk systems placed on the market or put into service before ${cutOff}) is not considered. If the system was placed on the market or put into service before ${cutOff}, give that date: its high-risk obligations may then apply later.`,
    })
    return null
  }
  if (placed >= cutOff) {
    record(ctx, {
      ...base,
      outcome: 'not-applicable',
      reasoning: `The system is placed on the market on ${placed} (system.placedOnMarket), not before ${cutOff}; ${rule.cites} does not apply.`,
    })
    return null
  }

  // "As from that date": a change before the cut-off leaves the system a legacy system.
  const change = manifest.changes
    .filter((c) => c.substantialModification && c.date >= cutOff)
    .reduce<(typeof manifest.changes)[number] | undefined>(
      (a, b) => (a === undefined || b.date < a.date ? b : a),
      undefined,
    )
  const publicAuthority = manifest.deployment.publicBody
  const dates = [
    ...(change ? [change.date] : []),
    ...(publicAuthority ? [rule.public_authorities_by] : []),
  ]
  const trigger = dates.length > 0 ? dates.reduce((a, b) => (b < a ? b : a)) : null
  // Art. 111(2) says when the Act reaches a legacy system; Art. 113 still says when the high-risk
  // obligations apply at all. As published, the Annex I cut-off (2 August 2026) is a year before
  // the Annex I date (2 August 2027), so a change in between dates them from 2 August 2027.
  const routeDate = highRiskDate(ctx, routes)
  const appliesFrom =
    trigger !== null && routeDate !== undefined && routeDate > trigger ? routeDate : trigger
  // Not added to `citations`: those say why the system is in its category; Art. 111(2) only
  // dates its obligations (the trace and `legacy.highRisk` carry it).

  const roles = rolesWithDuties(manifest.roles, ctx.facts)
  const others = roles.filter((r) => r !== 'provider' && r !== 'deployer')
  const earlier = manifest.changes.filter((c) => c.substantialModification && c.date < cutOff)
  const parts = [
    placed > ctx.asOf
      ? `The system is to be placed on the market on ${placed} (system.placedOnMarket, after ${ctx.asOf}: a plan), before ${cutOff}, the cut-off of ${rule.cites} for its route under ${ctx.lawVersion.title}: it will be a legacy system if it is in fact placed on the market or put into service before ${cutOff}.`
      : `The system is placed on the market on ${placed} (system.placedOnMarket), before ${cutOff}, the cut-off of ${rule.cites} for its route under ${ctx.lawVersion.title}: it is a legacy system.`,
    change
      ? `Its version ${change.version} of ${change.date} is a substantial modification (changes[]), which counts as a significant change in design from the cut-off: ${routeDate !== undefined && routeDate > change.date ? `the Act reaches the system from that date, and its high-risk obligations apply from ${routeDate}, the later date Art. 113 gives them for the system's route` : `the high-risk obligations apply from ${change.date}`}.`
      : `No change marked as a substantial modification on or after ${cutOff} is recorded (changes[].substantialModification), so the high-risk obligations apply only from the first significant change in design.`,
    ...(earlier.length > 0
      ? [
          `Substantial modifications before the cut-off (${earlier.map((c) => `${c.version} of ${c.date}`).join(', ')}) do not end the legacy status.`,
        ]
      : []),
    publicAuthority
      ? `The system is intended to be used by public authorities (deployment.publicBody), so it must comply by ${rule.public_authorities_by} in any case${trigger === rule.public_authorities_by ? '' : `; the earlier date, ${trigger}, applies`}.${others.length > 0 ? ` Uncertain: that sentence of ${rule.cites} names only providers and deployers, while recital 177 speaks of operators; Accord applies the date to the vendor's obligations as ${listWords(others)} too.` : ''}`
      : `It is not intended to be used by public authorities (deployment.publicBody is false), so no fixed date applies.`,
    `${rule.cites} speaks of operators (Art. 3(8)), so this holds for the vendor's obligations in each of its roles (${listWords(roles)}).`,
    `Art. 4, Art. 5, Art. 50 and general-purpose AI model duties are not deferred.`,
    ANNEX_X,
    ...(rule.uncertain ? [`Uncertain: ${rule.uncertain}`] : []),
  ]
  record(ctx, { ...base, outcome: 'fired', reasoning: parts.join(' ') })
  return {
    cites: rule.cites,
    placedOnMarket: placed,
    placedBefore: cutOff,
    publicAuthority,
    significantChange: change ? { version: change.version, date: change.date } : null,
    appliesFrom,
  }
}

/**
 * One sentence on Art. 111(2) for summaries (plan, gap table, classify text, documents). `asOf` is
 * the date of the classification: a placement after it is a plan, and the legacy status holds
 * only if the system is in fact placed on the market or put into service before the cut-off.
 */
export function legacyHighRiskSentence(status: LegacyHighRiskStatus, asOf: string): string {
  const planned = status.placedOnMarket > asOf
  const placed = planned
    ? `to be placed on the market on ${status.placedOnMarket} (planned), before ${status.placedBefore}, the system will be a legacy system if that date holds`
    : `placed on the market on ${status.placedOnMarket}, before ${status.placedBefore}, the system is a legacy system`
  if (status.appliesFrom === null)
    return `${status.cites}: ${placed}; its high-risk obligations apply only once its design changes significantly (a substantial modification).`
  const change = status.significantChange
  // The earlier of the two triggers; appliesFrom is later only when Art. 113 dates the route later.
  const byChange = change !== null && (!status.publicAuthority || change.date <= status.appliesFrom)
  const why = byChange
    ? `its significant change in version ${change.version}${change.date === status.appliesFrom ? '' : ` of ${change.date}; the high-risk obligations of its route apply only from ${status.appliesFrom}`}`
    : 'it is intended to be used by public authorities'
  return `${status.cites}: ${placed}; its high-risk obligations apply from ${status.appliesFrom} (${why}).`
}

/**
 * Art. 111(3): a provider of general-purpose AI models placed on the market before the cut-off
 * (2 August 2025) must comply with the model duties by 2 August 2027. Read as: the duties move to
 * that date only when every general-purpose AI model the vendor itself places on the market was
 * placed before the cut-off (a later or undated model has them from the general date). Runs after
 * the GPAI rule; null when the vendor provides no such model or the rule does not hold.
 */
export function evaluateLegacyGpai(ctx: RuleContext): LegacyGpaiStatus | null {
  const rule = ctx.lawVersion.legacy_gpai
  if (!rule || !ctx.facts.has('gpai')) return null
  // Art. 3(63) as in gpai.ts: the vendor's own general-purpose models.
  const models = ctx.manifest.models.filter((m) => m.generalPurpose && !m.thirdParty)
  const name = (m: (typeof models)[number]) => `${m.name} ${m.version}`
  const base = { rule: 'eu.art-111.3', cites: rule.cites } as const
  const notBefore = models.filter(
    (m) => m.placedOnMarket === undefined || m.placedOnMarket >= rule.placed_before,
  )
  if (notBefore.length > 0) {
    const undated = notBefore.filter((m) => m.placedOnMarket === undefined)
    const later = notBefore.filter((m) => m.placedOnMarket !== undefined)
    const reasons = [
      ...(later.length > 0
        ? [
            `${later.map((m) => `${name(m)} was placed on the market on ${m.placedOnMarket}`).join('; ')}, not before ${rule.placed_before}`,
          ]
        : []),
      ...(undated.length > 0
        ? [
            `${undated.map(name).join(', ')} ${undated.length === 1 ? 'has' : 'have'} no models[].placedOnMarket (give it if the model was placed on the market before ${rule.placed_before})`,
          ]
        : []),
    ]
    record(ctx, {
      ...base,
      outcome: 'not-applicable',
      reasoning: `${rule.cites} (general-purpose AI models placed on the market before ${rule.placed_before} have until ${rule.comply_by}) does not defer the model duties: ${reasons.join('; ')}.`,
    })
    return null
  }
  const listed = models.map((m) => ({ name: name(m), placedOnMarket: m.placedOnMarket as string }))
  record(ctx, {
    ...base,
    outcome: 'fired',
    reasoning: `Every general-purpose AI model the vendor places on the market was placed before ${rule.placed_before} (${listed.map((m) => `${m.name} on ${m.placedOnMarket}`).join(', ')}): under ${rule.cites} its provider duties apply from ${rule.comply_by}.${rule.uncertain ? ` Uncertain: ${rule.uncertain}` : ''}`,
  })
  return {
    cites: rule.cites,
    models: listed,
    placedBefore: rule.placed_before,
    appliesFrom: rule.comply_by,
  }
}

/** One sentence on Art. 111(3) for summaries; `asOf` as for legacyHighRiskSentence. */
export function legacyGpaiSentence(status: LegacyGpaiStatus, asOf: string): string {
  const one = status.models.length === 1
  const planned = status.models.some((m) => m.placedOnMarket > asOf)
  const models = `the general-purpose AI model${one ? '' : 's'}`
  return planned
    ? `${status.cites}: ${models} ${one ? 'is' : 'are'} planned to be placed on the market before ${status.placedBefore}; if ${one ? 'it is' : 'they are'}, the model duties apply from ${status.appliesFrom}.`
    : `${status.cites}: ${models} ${one ? 'was' : 'were'} placed on the market before ${status.placedBefore}; the model duties apply from ${status.appliesFrom}.`
}

/** The summary sentences of the transitional rules that hold (Art. 111(2), 111(3)) on `asOf`. */
export function legacySentences(legacy: EuAiActClassification['legacy'], asOf: string): string[] {
  return [
    ...(legacy.highRisk ? [legacyHighRiskSentence(legacy.highRisk, asOf)] : []),
    ...(legacy.gpai ? [legacyGpaiSentence(legacy.gpai, asOf)] : []),
  ]
}
