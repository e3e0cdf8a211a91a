/**
 * Art. 5(1): prohibited practices, every point the catalog has (`art-5.1.<x>` nodes).
 *
 * The catalog says which use cases fall under each point (`use_cases`) and from when the point
 * applies under each law version; this file holds the conditions and carve-outs the text attaches
 * to some points: (d) only when *solely* based on profiling, (f) only in the workplace or in
 * education and not for medical or safety reasons, (g) only for the listed sensitive attributes and
 * not for labelling lawfully acquired datasets, (h) only real-time, in public, for law enforcement,
 * and not for the three objectives of (h)(i)-(iii).
 *
 * A practice that matches but does not apply on the as-of date (not yet in force, or added by a
 * later law version such as 5(1)(ba)/(bb) by Reg. (EU) 2026/1744) is recorded, not prohibited.
 */
import type { CatalogNode } from '../../catalog/schema.js'
import type { EuAiActClassification, TraceStep } from '../types.js'
import {
  cite,
  existsIn,
  inheritedApplicationDate,
  laterVersionWith,
  listWords,
  record,
  usesAny,
  type RuleContext,
} from './context.js'

export const ART_5_POINT = /^art-5\.1\.([a-z]{1,2})$/

/** The sensitive attributes of Art. 5(1)(g), as the manifest spells them. */
const ART_5_1_G_ATTRIBUTES: Record<string, string> = {
  race: 'race',
  'political-opinions': 'political opinions',
  'trade-union-membership': 'trade union membership',
  'religious-or-philosophical-beliefs': 'religious or philosophical beliefs',
  'sex-life-or-sexual-orientation': 'sex life or sexual orientation',
}

/** Use case of Annex III 6(d); a risk assessment of offending based solely on profiling is 5(1)(d). */
const OFFENDING_RISK_ASSESSMENT = 'offending-risk-assessment'

const RBI_OBJECTIVES: Record<string, { point: string; words: string }> = {
  'targeted-victim-search': {
    point: '(i)',
    words:
      'targeted search for specific victims of abduction, trafficking or sexual exploitation, or for missing persons',
  },
  'imminent-threat-prevention': {
    point: '(ii)',
    words:
      'prevention of a specific, substantial and imminent threat to life or physical safety, or of a genuine threat of a terrorist attack',
  },
  'serious-crime-suspect': {
    point: '(iii)',
    words:
      'locating or identifying a person suspected of an Annex II offence punishable by at least four years',
  },
}

interface Check {
  matched: boolean
  outcome: TraceStep['outcome']
  reasoning: string
  /** Extra citations (e.g. the Art. 5(1)(h) exception relied on). */
  cites?: string[]
}

export interface ProhibitedResult {
  practices: EuAiActClassification['prohibitedPractices']
  /** At least one practice applies on the as-of date. */
  prohibited: boolean
  /** Use cases to assess under Annex III instead (the 5(1)(d) carve-out sends them to 6(d)). */
  reclassifiedUseCases: string[]
}

type PointCheck = (ctx: RuleContext, node: CatalogNode, reclassify: string[]) => Check

/** Default: the practice is matched when a use case of the manifest is listed on the point. */
const byUseCase: PointCheck = (ctx, node) => {
  const uses = usesAny(ctx.manifest.classification.useCases, node.use_cases)
  return uses.length > 0
    ? {
        matched: true,
        outcome: 'fired',
        reasoning: `Use case ${listWords(uses)} is the practice of ${node.ref_id}: ${node.name}.`,
      }
    : {
        matched: false,
        outcome: 'not-applicable',
        reasoning: `No use case of the system is the practice of ${node.ref_id} (${node.name}).`,
      }
}

const CHECKS: Record<string, PointCheck> = {
  d: (ctx, node, reclassify) => {
    const c = ctx.manifest.classification
    const listed = usesAny(c.useCases, node.use_cases)
    const offending = c.useCases.includes(OFFENDING_RISK_ASSESSMENT)
    if (listed.length === 0 && !(offending && c.solelyProfilingBased))
      return byUseCase(ctx, node, reclassify)
    if (c.solelyProfilingBased)
      return {
        matched: true,
        outcome: 'fired',
        reasoning: `The system assesses or predicts the risk of a person committing a criminal offence (${listWords(listed.length > 0 ? listed : [OFFENDING_RISK_ASSESSMENT])}) based solely on profiling or on personality traits and characteristics (classification.solelyProfilingBased).`,
      }
    if (!c.useCases.includes(OFFENDING_RISK_ASSESSMENT)) reclassify.push(OFFENDING_RISK_ASSESSMENT)
    return {
      matched: false,
      outcome: 'exception',
      reasoning: `The crime-risk assessment (${listWords(listed)}) is not based solely on profiling or personality traits (classification.solelyProfilingBased is false): Art. 5(1)(d) does not cover systems supporting a human assessment based on objective and verifiable facts. It is assessed as an offending-risk assessment under Annex III 6(d) instead.`,
    }
  },

  f: (ctx, node, reclassify) => {
    const base = byUseCase(ctx, node, reclassify)
    if (!base.matched) return base
    const d = ctx.manifest.deployment
    const places = [d.workplace ? 'the workplace' : '', d.education ? 'education institutions' : '']
      .filter((p) => p !== '')
      .join(' and ')
    if (places === '')
      return {
        matched: false,
        outcome: 'not-applicable',
        reasoning:
          'The system recognises emotions, but Art. 5(1)(f) prohibits this only in the workplace and in education institutions (deployment.workplace and deployment.education are false). Emotion recognition elsewhere is high-risk (Annex III 1(c)) and subject to Art. 50(3).',
      }
    if (ctx.manifest.classification.biometrics?.medicalOrSafetyPurpose)
      return {
        matched: false,
        outcome: 'exception',
        reasoning: `The system infers emotions in ${places}, but only for medical or safety reasons (biometrics.medicalOrSafetyPurpose), which Art. 5(1)(f) carves out.`,
      }
    return {
      matched: true,
      outcome: 'fired',
      reasoning: `The system infers the emotions of natural persons in ${places}, not for medical or safety reasons.`,
    }
  },

  g: (ctx, node, reclassify) => {
    const base = byUseCase(ctx, node, reclassify)
    if (!base.matched) return base
    const b = ctx.manifest.classification.biometrics
    const inferred = (b?.infersAttributes ?? []).filter((a) => a in ART_5_1_G_ATTRIBUTES)
    const words = inferred.map((a) => ART_5_1_G_ATTRIBUTES[a] ?? a)
    if (inferred.length === 0)
      return {
        matched: false,
        outcome: 'not-applicable',
        reasoning:
          'The system categorises persons by biometric data but infers none of the attributes listed in Art. 5(1)(g) (race, political opinions, trade union membership, religious or philosophical beliefs, sex life or sexual orientation); biometric categorisation by other sensitive or protected attributes is high-risk under Annex III 1(b).',
      }
    if (b?.labellingLawfulDatasetsOnly)
      return {
        matched: false,
        outcome: 'exception',
        reasoning: `The system infers ${listWords(words)}, but only labels or filters lawfully acquired biometric datasets (biometrics.labellingLawfulDatasetsOnly), which Art. 5(1)(g) carves out, including categorising biometric data in the area of law enforcement.`,
      }
    const lawEnforcement = ctx.manifest.deployment.lawEnforcement
      ? ' The law-enforcement carve-out of Art. 5(1)(g) covers only the labelling or filtering of lawfully acquired biometric datasets, which the manifest does not claim.'
      : ''
    return {
      matched: true,
      outcome: 'fired',
      reasoning: `The system categorises natural persons on their biometric data to infer ${listWords(words)}.${lawEnforcement}`,
    }
  },

  h: (ctx, node, reclassify) => {
    const base = byUseCase(ctx, node, reclassify)
    if (!base.matched) return base
    const b = ctx.manifest.classification.biometrics
    const missing = [
      b?.realTime ? '' : 'real-time (biometrics.realTime)',
      b?.publiclyAccessibleSpaces
        ? ''
        : 'in publicly accessible spaces (biometrics.publiclyAccessibleSpaces)',
      ctx.manifest.deployment.lawEnforcement
        ? ''
        : 'for law enforcement (deployment.lawEnforcement)',
    ].filter((m) => m !== '')
    if (missing.length > 0)
      return {
        matched: false,
        outcome: 'not-applicable',
        reasoning: `Remote biometric identification is prohibited by Art. 5(1)(h) only when used real-time, in publicly accessible spaces, for law enforcement; this use is not ${missing.join(', and not ')}. It is high-risk under Annex III 1(a).`,
      }
    const objectives = (b?.realTimeObjectives ?? []).filter((o) => o in RBI_OBJECTIVES)
    if (objectives.length > 0) {
      const found = objectives.map((o) => RBI_OBJECTIVES[o])
      const authorisation = b?.authorisation
        ? `The manifest records the authorisation: ${b.authorisation}.`
        : 'The manifest records no authorisation (biometrics.authorisation); it is required before use, or within 24 hours in duly justified urgency.'
      return {
        matched: false,
        outcome: 'exception',
        cites: found.map((f) => `Art. 5(1)(h)${f.point}`),
        reasoning: `Real-time remote biometric identification in publicly accessible spaces for law enforcement is not prohibited where strictly necessary for ${listWords(found.map((f) => `${f.words} (Art. 5(1)(h)${f.point})`))}. The safeguards of Art. 5(2)-(7) apply: use only to confirm the identity of the specifically targeted person, limited in time, place and persons; a fundamental rights impact assessment (Art. 27) and registration in the EU database (Art. 49) before use; prior authorisation by a judicial or independent administrative authority (Art. 5(3)); notification of each use to the market surveillance and data protection authorities (Art. 5(4)); and national law permitting it (Art. 5(5)). ${authorisation}`,
      }
    }
    return {
      matched: true,
      outcome: 'fired',
      reasoning:
        'The system is used for real-time remote biometric identification of natural persons in publicly accessible spaces for law enforcement, and the manifest names none of the objectives of Art. 5(1)(h)(i)-(iii) (biometrics.realTimeObjectives).',
    }
  },
}

export function evaluateProhibitedPractices(ctx: RuleContext): ProhibitedResult {
  const practices: ProhibitedResult['practices'] = []
  const reclassifiedUseCases: string[] = []
  let prohibited = false

  for (const node of ctx.index.catalog.nodes) {
    const m = ART_5_POINT.exec(node.id)
    if (!m) continue
    const letter = m[1]
    const rule = `eu.${node.id}`
    const check = (CHECKS[letter] ?? byUseCase)(ctx, node, reclassifiedUseCases)
    if (!check.matched) {
      record(ctx, { rule, cites: node.ref_id, outcome: check.outcome, reasoning: check.reasoning })
      if (check.cites) cite(ctx, ...check.cites)
      continue
    }

    if (!existsIn(ctx.index, node, ctx.lawVersion.id)) {
      const later = laterVersionWith(ctx, node)
      const when = later
        ? `${later.version.title} adds it${later.date ? `, applying from ${later.date.from}` : ''}`
        : 'no version of the law in the catalog has it'
      practices.push({
        point: node.ref_id,
        nodeId: node.id,
        appliesFrom: later?.date?.from ?? '',
        inForce: false,
      })
      record(ctx, {
        rule,
        cites: node.ref_id,
        outcome: 'not-applicable',
        reasoning: `${check.reasoning} ${node.ref_id} is not part of the law in force on ${ctx.asOf} (${ctx.lawVersion.title}); ${when}. Not prohibited as of ${ctx.asOf}.`,
      })
      continue
    }

    const date = inheritedApplicationDate(ctx.index, node, ctx.lawVersion.id, ['any'])
    const appliesFrom = date?.from ?? ctx.lawVersion.in_force_from
    const inForce = appliesFrom <= ctx.asOf
    practices.push({ point: node.ref_id, nodeId: node.id, appliesFrom, inForce })
    ctx.facts.add(`art-5.1.${letter}`)
    if (inForce) {
      prohibited = true
      cite(ctx, node.ref_id)
      record(ctx, {
        rule,
        cites: node.ref_id,
        outcome: 'fired',
        reasoning: `${check.reasoning} Prohibited since ${appliesFrom}.`,
      })
    } else {
      record(ctx, {
        rule,
        cites: node.ref_id,
        outcome: 'not-applicable',
        reasoning: `${check.reasoning} The prohibition applies from ${appliesFrom}, so it is not prohibited as of ${ctx.asOf}; it will be from ${appliesFrom}.`,
      })
    }
  }

  if (prohibited) ctx.facts.add('prohibited')
  return { practices, prohibited, reclassifiedUseCases }
}
