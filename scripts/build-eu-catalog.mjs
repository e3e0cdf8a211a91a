#!/usr/bin/env node
/**
 * Builds catalogs/eu-ai-act/2024-1689.v3.json (the EU AI Act catalog) from the compact source in
 * this file. The JSON is the output; edit this script, not the JSON, then run:
 *
 *   node scripts/build-eu-catalog.mjs          # write the JSON
 *   node scripts/build-eu-catalog.mjs --check  # exit 1 when the JSON is stale
 *
 * Output is deterministic (no dates, no randomness): nodes appear in the order written below.
 * Summaries are Accord's own paraphrase, never the official text. Sources and every decision
 * about uncertain facts are in catalogs/eu-ai-act/README.md.
 *
 * Conventions (see README): ids are slugs of the OJ numbering (`art-9.2.a`, `annex-iii.6.e`);
 * the parent of a dotted id is the id without its last segment; articles and annexes name their
 * parent (a chapter or section node) explicitly. `ref_id` is derived from the id unless given.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname } from 'node:path'

const OUT = fileURLToPath(new URL('../catalogs/eu-ai-act/2024-1689.v3.json', import.meta.url))
const URN = 'urn:accord:req:eu-ai-act-2024-1689:'
const ORIG = 'original'
const AMND = 'amended-2026-1744'

// ---------------------------------------------------------------------------------------------
// Dates of application
// ---------------------------------------------------------------------------------------------

const SEC = 'Read from secondary sources quoting the consolidated text; not checked on EUR-Lex.'

/** Chapters I and II (Art. 4, Art. 5(1)(a)-(h)): Art. 113, third paragraph, point (a). */
const EARLY = [
  {
    law_version: ORIG,
    from: '2025-02-02',
    route: 'any',
    note: 'Art. 113, third paragraph, point (a).',
  },
  {
    law_version: AMND,
    from: '2025-02-02',
    route: 'any',
    note: 'Unchanged by Reg. (EU) 2026/1744.',
  },
]

/** Art. 5(1)(ba), (bb), 5(1a), 5(1b): only in the amended text. */
const NEW_ART5 = [
  {
    law_version: AMND,
    from: '2026-12-02',
    route: 'any',
    note: 'Amended Art. 113, third paragraph, point (a) (Reg. (EU) 2026/1744). ' + SEC,
  },
]

/** Chapter III Sections 1-3 (and, by Accord's reading, the duties tied to them). */
const HIGH_RISK = [
  {
    law_version: ORIG,
    from: '2026-08-02',
    route: 'annex-iii',
    note: 'General date of application, Art. 113, second paragraph.',
  },
  {
    law_version: ORIG,
    from: '2027-08-02',
    route: 'annex-i',
    note: 'Art. 113, third paragraph, point (c): Art. 6(1) and the corresponding obligations.',
  },
  {
    law_version: AMND,
    from: '2027-12-02',
    route: 'annex-iii',
    note: 'Amended Art. 113, third paragraph, point (c)(i). ' + SEC,
  },
  {
    law_version: AMND,
    from: '2028-08-02',
    route: 'annex-i',
    note: 'Amended Art. 113, third paragraph, point (c)(ii). ' + SEC,
  },
]

/** Annex III-only duties of Chapter III Section 1 (Art. 6(4)) and the Art. 49(2) registration. */
const DEROGATION = [
  {
    law_version: ORIG,
    from: '2026-08-02',
    route: 'any',
    note: 'General date of application, Art. 113, second paragraph.',
  },
  {
    law_version: AMND,
    from: '2027-12-02',
    route: 'any',
    note: 'Chapter III Section 1 for Annex III systems, amended Art. 113, third paragraph, point (c)(i).',
  },
]

/** Chapter IV, Art. 50. */
const TRANSPARENCY = [
  {
    law_version: ORIG,
    from: '2026-08-02',
    route: 'any',
    note: 'General date, Art. 113, second paragraph.',
  },
  {
    law_version: AMND,
    from: '2026-08-02',
    route: 'any',
    note: 'Unchanged by Reg. (EU) 2026/1744.',
  },
]

/** Chapter V, GPAI models. */
const GPAI = [
  {
    law_version: ORIG,
    from: '2025-08-02',
    route: 'any',
    note: 'Art. 113, third paragraph, point (b). Models placed on the market before 2 August 2025 must comply by 2 August 2027 (Art. 111(3)).',
  },
  {
    law_version: AMND,
    from: '2025-08-02',
    route: 'any',
    note: 'Unchanged by Reg. (EU) 2026/1744; the Art. 111(3) legacy date of 2 August 2027 is kept.',
  },
]

/** Readings Accord makes in applying Art. 111(2) (src/core/classify/rules/legacy.ts). */
const LEGACY_READING =
  'Readings, not text: a "significant change in design" is taken to be a change the manifest marks as a substantial modification (recital 177 equates the two); "intended to be used by public authorities" is read from deployment.publicBody; only the high-risk obligations (Chapter III and the duties dated with it) are deferred, while Art. 4, Art. 5, Art. 50 and the general-purpose AI model duties apply as usual, although Art. 111(2) speaks of "this Regulation"; for a system high-risk by both routes the earlier cut-off is used.'

/** Art. 111(3), read by src/core/classify/rules/legacy.ts. */
const LEGACY_GPAI = {
  cites: 'Art. 111(3)',
  placed_before: '2025-08-02',
  comply_by: '2027-08-02',
  note: 'Art. 111(3): providers of general-purpose AI models placed on the market before 2 August 2025 take the necessary steps to comply by 2 August 2027.',
  uncertain:
    'A reading, not text: the provider is treated as having until the date only when every general-purpose AI model it places on the market (models[] of its own, general-purpose) was placed before 2 August 2025 (models[].placedOnMarket); a model placed later, or without a date, has the duties from the general date.',
}

const UNC_SECTION_5 =
  'Amended Art. 113, third paragraph, point (c) defers only Chapter III Sections 1-3; this article sits in Chapter III Section 5, which by the letter applies from 2 August 2026. Accord uses the deferred high-risk dates because the duty presupposes the Section 2 requirements and the Section 1 classification; this is a reading, not text.'
const UNC_CHAPTER_IX =
  'This article sits in Chapter IX, which amended Art. 113, third paragraph, point (c) does not name; by the letter it applies from 2 August 2026. Accord uses the deferred high-risk dates because the duty concerns high-risk systems classified under Chapter III Section 1; this is a reading, not text (fact sheet 1.16, disputed).'

// ---------------------------------------------------------------------------------------------
// Node builders
// ---------------------------------------------------------------------------------------------

const nodes = []
const byId = new Map()

/** `art-9.2.a` -> `Art. 9(2)(a)`; `annex-iv.2.g` -> `Annex IV 2(g)`; `annex-iii.2` -> `Annex III 2`. */
function refOf(id) {
  const [head, ...rest] = id.split('.')
  if (head.startsWith('art-')) return `Art. ${head.slice(4)}${rest.map((s) => `(${s})`).join('')}`
  if (head.startsWith('annex-')) {
    const annex = `Annex ${head.slice(6).toUpperCase()}`
    if (rest.length === 0) return annex
    return `${annex} ${rest[0]}${rest
      .slice(1)
      .map((s) => `(${s})`)
      .join('')}`
  }
  throw new Error(`no ref_id rule for ${id}; give ref_id`)
}

function kindOf(id) {
  const [head, ...rest] = id.split('.')
  if (head.startsWith('art-')) return ['article', 'paragraph'][rest.length] ?? 'point'
  if (head.startsWith('annex-')) return rest.length === 0 ? 'annex' : 'annex-point'
  throw new Error(`no kind rule for ${id}; give kind`)
}

/**
 * Adds a node. `extra.parent` names the parent for top-level ids (articles, annexes); dotted ids
 * default to their prefix. Obligation fields: roles, when, dates. Other fields are copied.
 */
function add(id, name, summary, extra = {}) {
  if (byId.has(id)) throw new Error(`duplicate id ${id}`)
  const { parent: parentOpt, ref_id, kind, roles, when, dates, hint, fields, ...rest } = extra
  const parentId = parentOpt ?? (id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : undefined)
  const parent = parentId === undefined ? undefined : byId.get(parentId)
  if (parentId !== undefined && !parent) throw new Error(`unknown parent ${parentId} of ${id}`)
  const obligation = roles
    ? { roles, applies_when: withArt22(when), application: dates }
    : undefined
  if (roles && (!when || !dates)) throw new Error(`${id}: obligation needs when and dates`)
  const assessable = rest.assessable ?? obligation !== undefined
  if (assessable && !hint) throw new Error(`${id}: assessable nodes need an evidence hint`)
  const node = {
    id,
    urn: URN + id,
    ...(parent ? { parent_urn: parent.urn } : {}),
    depth: parent ? parent.depth + 1 : 1,
    kind: kind ?? kindOf(id),
    ref_id: ref_id ?? refOf(id),
    name,
    summary,
    ...(rest.official === false ? { official: false } : {}),
    assessable,
    ...(obligation ? { obligation } : {}),
    ...(rest.use_cases ? { use_cases: rest.use_cases } : {}),
    ...(rest.excluded_use_cases ? { excluded_use_cases: rest.excluded_use_cases } : {}),
    ...(hint ? { evidence_hint: hint } : {}),
    ...(fields ? { manifest_fields: fields } : {}),
    ...(rest.law_versions ? { law_versions: rest.law_versions } : {}),
    ...(rest.uncertain ? { uncertain: rest.uncertain } : {}),
  }
  nodes.push(node)
  byId.set(id, node)
  return node
}

/**
 * Art. 2(2): for a system that is high-risk only under Art. 6(1) because of a product under Annex I
 * Section B, only Art. 6(1), Arts. 102-109 and Art. 112 of the Act apply (as amended: Art. 6(1),
 * Art. 60a and Arts. 102-112); the Chapter III requirements reach it through the sector acts those
 * articles amend. The classifier marks such a system with the fact `art-2.2`, so every obligation
 * that requires `high-risk` excludes it here, in one place, rather than in each condition.
 * Conditions on `high-risk:annex-iii` need nothing: `art-2.2` never holds with an Annex III route.
 */
function withArt22(when) {
  if (!when?.all?.includes('high-risk')) return when
  return { ...when, none: [...(when.none ?? []), 'art-2.2'] }
}

/** Reference node: part of the structure or of classification, not assessable. */
function ref(id, name, summary, extra = {}) {
  return add(id, name, summary, { ...extra, assessable: false })
}

const structure = (id, ref_id, kind, name, summary, parent) =>
  add(id, name, summary, { ref_id, kind, parent, assessable: false })

// Common obligation scopes.
const HR_PROVIDER = { roles: ['provider'], when: { all: ['high-risk'] }, dates: HIGH_RISK }
const HR_DEPLOYER = { roles: ['deployer'], when: { all: ['high-risk'] }, dates: HIGH_RISK }
const RBI = { all: ['high-risk', 'annex-iii.1.a'] }

// ---------------------------------------------------------------------------------------------
// Chapter I: Art. 4
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-i',
  'Chapter I',
  'chapter',
  'General provisions',
  'Subject matter, scope, definitions and AI literacy (Arts. 1-4; Art. 4a added by the amendment).',
)

add(
  'art-4',
  'AI literacy',
  'Providers and deployers take measures so that their staff, and others who operate or use AI systems on their behalf, have a sufficient level of AI literacy, considering their knowledge, experience, education and training, the context of use and the persons affected.',
  {
    parent: 'chapter-i',
    roles: ['provider', 'deployer'],
    when: { all: ['in-scope'] },
    dates: [
      EARLY[0],
      {
        ...EARLY[1],
        note: 'Date unchanged; Reg. (EU) 2026/1744 rewords Art. 4 into an effort duty: take measures to support AI literacy, with no guarantee of a given level of knowledge.',
      },
    ],
    hint: 'An AI-literacy training plan or training records for staff who build, operate or use the system.',
    uncertain:
      'The amended wording of Art. 4 (an effort duty) is known from secondary sources only.',
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter II: Art. 5 prohibited practices
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-ii',
  'Chapter II',
  'chapter',
  'Prohibited AI practices',
  'Art. 5: practices that may not be placed on the market, put into service or used in the Union.',
)

ref(
  'art-5',
  'Prohibited AI practices',
  'Lists AI practices banned outright, with narrow exceptions and safeguards for real-time remote biometric identification by law enforcement.',
  { parent: 'chapter-ii' },
)
ref(
  'art-5.1',
  'Prohibited practices',
  'The practices that are prohibited: points (a) to (h), and in the amended text also points (ba) and (bb).',
)

const ART5_ROLES = ['provider', 'deployer']
function practice(letter, name, summary, useCase, extra = {}) {
  const id = `art-5.1.${letter}`
  return add(id, name, summary, {
    roles: ART5_ROLES,
    when: { all: [id] },
    dates: EARLY,
    assessable: false,
    use_cases: [useCase],
    ...extra,
  })
}

practice(
  'a',
  'Subliminal, manipulative or deceptive techniques',
  "Bans AI that uses techniques beyond a person's awareness, or purposely manipulative or deceptive techniques, to materially distort behaviour by impairing informed decisions, where this causes or is reasonably likely to cause significant harm.",
  'subliminal-manipulation',
)
practice(
  'b',
  'Exploiting vulnerabilities',
  'Bans AI that exploits vulnerabilities linked to age, disability or a specific social or economic situation to materially distort behaviour in a way that causes or is reasonably likely to cause significant harm.',
  'exploit-vulnerabilities',
)
practice(
  'ba',
  'Non-consensual intimate imagery',
  "Bans AI that generates or manipulates realistic images, video, audio or similar material showing an identifiable person's intimate parts or that person in sexually explicit activity, without that person's explicit consent. Scoped by Art. 5(1a) and 5(1b).",
  'non-consensual-intimate-imagery',
  {
    dates: NEW_ART5,
    law_versions: [AMND],
    uncertain:
      'Inserted by Reg. (EU) 2026/1744 Art. 1(7); wording read from secondary sources quoting the consolidated text.',
  },
)
practice(
  'bb',
  'Child sexual abuse material',
  'Bans AI that generates or manipulates child sexual abuse material or performances as defined in Directive 2011/93/EU, unless a "without right" defence applies under national law. Scoped by Art. 5(1a).',
  'csam-generation',
  {
    dates: NEW_ART5,
    law_versions: [AMND],
    uncertain:
      'Inserted by Reg. (EU) 2026/1744 Art. 1(7); wording read from secondary sources quoting the consolidated text.',
  },
)
practice(
  'c',
  'Social scoring',
  'Bans evaluating or classifying people over time on their social behaviour or personal characteristics where the resulting score leads to detrimental treatment in unrelated social contexts, or treatment that is unjustified or disproportionate.',
  'social-scoring',
)
practice(
  'd',
  'Crime prediction based solely on profiling',
  'Bans risk assessments that predict whether a person will commit a crime based solely on profiling or on personality traits. Tools supporting a human assessment already based on objective, verifiable facts linked to a crime are not covered.',
  'crime-prediction-profiling',
)
practice(
  'e',
  'Untargeted scraping of facial images',
  'Bans creating or expanding facial-recognition databases by untargeted scraping of facial images from the internet or CCTV footage.',
  'untargeted-facial-scraping',
)
practice(
  'f',
  'Emotion recognition at work and in education',
  'Bans inferring the emotions of people in the workplace or in education institutions, except where the system is meant for medical or safety reasons.',
  'emotion-recognition',
)
practice(
  'g',
  'Biometric categorisation by sensitive traits',
  'Bans categorising individuals from their biometric data to infer race, political opinions, trade-union membership, religious or philosophical beliefs, sex life or sexual orientation. Labelling, filtering or categorising biometric datasets acquired lawfully, for example in law enforcement, is carved out; law-enforcement use is not otherwise exempt (recital 30).',
  'biometric-categorisation',
)
practice(
  'h',
  'Real-time remote biometric identification for law enforcement',
  'Bans the use of real-time remote biometric identification in publicly accessible spaces for law enforcement, unless strictly necessary for one of the objectives in points (i) to (iii) and subject to Art. 5(2)-(7). The point covers use only, so it binds deployers.',
  'remote-biometric-identification',
  { roles: ['deployer'] },
)

ref(
  'art-5.1.h.i',
  'Exception: search for victims and missing persons',
  'Targeted search for specific victims of abduction, trafficking or sexual exploitation, and search for missing persons.',
)
ref(
  'art-5.1.h.ii',
  'Exception: imminent threat or terrorist attack',
  'Preventing a specific, substantial and imminent threat to life or physical safety, or a genuine and present or foreseeable threat of a terrorist attack.',
)
ref(
  'art-5.1.h.iii',
  'Exception: suspects of serious crimes',
  'Locating or identifying a suspect of an Annex II offence punishable by a custodial sentence or detention order of at least four years, for investigation, prosecution or execution of a penalty.',
)

const NEW_SCOPE_UNC =
  'Inserted by Reg. (EU) 2026/1744 Art. 1(7); read from secondary sources quoting the consolidated text.'
ref(
  'art-5.1a',
  'Scope of the new prohibitions',
  'For points (ba) and (bb): placing on the market or putting into service is banned only where such generation is the intended purpose, or a reasonably foreseeable and reproducible outcome of the design without adequate safeguards against it; use is banned only where the deployer uses the system to generate such material.',
  { law_versions: [AMND], uncertain: NEW_SCOPE_UNC },
)
ref(
  'art-5.1b',
  'What is not manipulation under point (ba)',
  'For point (ba), manipulating material in a way that neither increases the exposure of depicted intimate parts nor changes the nature of depicted sexual activity is not manipulation.',
  { law_versions: [AMND], uncertain: NEW_SCOPE_UNC },
)
ref(
  'art-5.2',
  'Conditions for real-time biometric identification',
  'Use under point (h) only to confirm the identity of the specifically targeted person, weighing the seriousness and consequences of the situation; requires a fundamental rights impact assessment (Art. 27) and registration in the EU database (Art. 49), which in urgency may follow without undue delay.',
)
ref(
  'art-5.3',
  'Prior authorisation',
  'Each use needs prior authorisation by a judicial or independent administrative authority; in urgency it may be requested within 24 hours, and if refused the use stops and its data are deleted.',
)
ref(
  'art-5.4',
  'Notification of each use',
  'Each use is notified to the market surveillance authority and the national data protection authority.',
)
ref(
  'art-5.5',
  'National law required',
  'Member States may allow such use only through national law setting the detailed rules, notified to the Commission within 30 days.',
)
ref(
  'art-5.6',
  'Annual reports by national authorities',
  'National market surveillance and data protection authorities report yearly to the Commission on such uses.',
)
ref(
  'art-5.7',
  'Annual reports by the Commission',
  'The Commission publishes yearly reports on such uses based on aggregated national data.',
)
ref(
  'art-5.8',
  'Other Union law unaffected',
  'Art. 5 does not affect prohibitions that apply where an AI practice breaches other Union law.',
)

// ---------------------------------------------------------------------------------------------
// Chapter III Section 1: Art. 6 classification
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-iii',
  'Chapter III',
  'chapter',
  'High-risk AI systems',
  'Classification, requirements and obligations for high-risk AI systems, conformity assessment and registration.',
)
structure(
  'chapter-iii.section-1',
  'Chapter III Section 1',
  'section',
  'Classification of AI systems as high-risk',
  'Arts. 6-7: when a system is high-risk.',
  'chapter-iii',
)

ref(
  'art-6',
  'Classification rules for high-risk AI systems',
  'A system is high-risk through Annex I product legislation (6(1)) or an Annex III use case (6(2)), unless an Annex III system qualifies for the 6(3) derogation.',
  { parent: 'chapter-iii.section-1' },
)
ref(
  'art-6.1',
  'Annex I product route',
  'A system is high-risk when both points (a) and (b) hold, whether or not it is placed on the market separately from the product.',
  {
    uncertain:
      'Reg. (EU) 2026/1744 replaces the definition of safety component (Art. 3(14)) and inserts Art. 6(1a) to 6(1c) on this route (Art. 1(4) and 1(8), read from secondary sources); their wording is not encoded and Accord classifies by points (a) and (b) alone under both law versions.',
  },
)
ref(
  'art-6.1.a',
  'Safety component or product under Annex I',
  'The system is a safety component of a product, or is itself a product, covered by the Union harmonisation legislation listed in Annex I.',
)
ref(
  'art-6.1.b',
  'Third-party conformity assessment',
  'That product must undergo third-party conformity assessment under that legislation before it is placed on the market or put into service.',
)
ref(
  'art-6.2',
  'Annex III route',
  'Systems listed in Annex III are high-risk in addition to those under paragraph 1.',
)
ref(
  'art-6.3',
  'Derogation for Annex III systems',
  'An Annex III system is not high-risk where it poses no significant risk of harm to health, safety or fundamental rights, including by not materially influencing the outcome of decisions; this holds where at least one of points (a) to (d) is met.',
)
ref(
  'art-6.3.a',
  'Narrow procedural task',
  'The system is meant to perform a narrow procedural task.',
)
ref(
  'art-6.3.b',
  'Improves a completed human activity',
  'The system is meant to improve the result of a previously completed human activity.',
)
ref(
  'art-6.3.c',
  'Detects decision patterns',
  'The system is meant to detect decision-making patterns or deviations from prior patterns, and not to replace or influence the completed human assessment without proper human review.',
)
ref(
  'art-6.3.d',
  'Preparatory task',
  'The system is meant to perform a preparatory task to an assessment relevant to an Annex III use case.',
)
ref(
  'art-6.3.profiling',
  'Profiling is always high-risk',
  'Despite the derogation, an Annex III system that performs profiling of natural persons is always high-risk.',
  {
    ref_id: 'Art. 6(3), third subparagraph',
    official: false,
  },
)
add(
  'art-6.4',
  'Document the not-high-risk assessment',
  'A provider that considers an Annex III system not high-risk documents that assessment before placing it on the market or putting it into service, registers it under Art. 49(2), and gives the documentation to national competent authorities on request.',
  {
    roles: ['provider'],
    when: { all: ['derogation:art-6.3'] },
    dates: DEROGATION,
    hint: 'A dated Art. 6(3) assessment naming the conditions relied on and why the system poses no significant risk, written before market placement.',
    fields: ['classification.derogation'],
    uncertain:
      'The amended date (2 December 2027) follows from amended Art. 113, third paragraph, point (c)(i) deferring Chapter III Section 1 for Annex III systems; read from secondary sources, not checked on EUR-Lex.',
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter III Section 2: requirements (Arts. 8-15)
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-iii.section-2',
  'Chapter III Section 2',
  'section',
  'Requirements for high-risk AI systems',
  'Arts. 8-15: what a high-risk system must meet.',
  'chapter-iii',
)

add(
  'art-8',
  'Compliance with the requirements',
  'High-risk systems meet the Section 2 requirements, considering their intended purpose and the state of the art, with the Art. 9 risk management system taken into account; for Annex I Section A products the provider ensures full compliance and may integrate testing and documentation into existing sectoral procedures.',
  {
    parent: 'chapter-iii.section-2',
    ...HR_PROVIDER,
    hint: 'A requirements-compliance matrix mapping each Section 2 requirement (Arts. 9-15) to the evidence that meets it.',
  },
)

// Art. 9
const RM = { ...HR_PROVIDER, fields: ['riskManagement'] }
add(
  'art-9',
  'Risk management system',
  'Establish, implement, document and maintain a risk management system for the high-risk system.',
  {
    parent: 'chapter-iii.section-2',
    ...RM,
    hint: 'A documented risk management procedure and a maintained risk register for the system.',
  },
)
add(
  'art-9.1',
  'Establish and maintain the process',
  'A risk management system is set up, implemented, documented and maintained.',
  { ...RM, hint: 'A risk management procedure approved and in use, with its document history.' },
)
add(
  'art-9.2',
  'Continuous iterative process',
  'Risk management runs throughout the lifecycle as a continuous, iterative process with regular systematic review and update, comprising steps (a) to (d).',
  {
    ...RM,
    hint: 'A risk management plan showing lifecycle scope and the review schedule, with records of past reviews.',
  },
)
add(
  'art-9.2.a',
  'Identify and analyse risks',
  'Identify and analyse known and reasonably foreseeable risks to health, safety or fundamental rights when the system is used as intended.',
  {
    ...RM,
    hint: 'A risk register listing identified hazards and their analysis under intended use.',
  },
)
add(
  'art-9.2.b',
  'Estimate and evaluate risks',
  'Estimate and evaluate the risks that may arise under intended use and under reasonably foreseeable misuse.',
  {
    ...RM,
    hint: 'Risk register entries with severity and likelihood, including misuse scenarios.',
  },
)
add(
  'art-9.2.c',
  'Evaluate emerging risks',
  'Evaluate other risks that may arise, based on data gathered by post-market monitoring (Art. 72).',
  {
    ...RM,
    fields: ['riskManagement', 'postMarketMonitoring'],
    hint: 'Records showing post-market monitoring data are fed back into the risk assessment.',
  },
)
add(
  'art-9.2.d',
  'Adopt risk management measures',
  'Adopt appropriate and targeted measures to address the identified risks.',
  { ...RM, hint: 'A mitigation per identified risk, with its owner and status.' },
)
add(
  'art-9.5',
  'Acceptable residual risk',
  'Measures leave the residual risk of each hazard, and the overall residual risk, acceptable; the most appropriate measures follow the order in points (a) to (c).',
  {
    ...RM,
    hint: 'A residual-risk evaluation per hazard and overall, with the acceptance decision and who made it.',
  },
)
add(
  'art-9.5.a',
  'Eliminate or reduce by design',
  'Eliminate or reduce risks as far as technically feasible through design and development.',
  { ...RM, hint: 'Design decisions recorded against the risks they remove or reduce.' },
)
add(
  'art-9.5.b',
  'Mitigation and control',
  'Where risks cannot be eliminated, put in place adequate mitigation and control measures.',
  { ...RM, hint: 'Description of the mitigation and control measures for remaining risks.' },
)
add(
  'art-9.5.c',
  'Information and training',
  'Provide the information required by Art. 13 and, where appropriate, training for deployers, considering their expected knowledge and context of use.',
  {
    ...RM,
    fields: ['riskManagement', 'humanOversight.overseerTraining'],
    hint: 'Instructions for use covering residual risks, and deployer training material where appropriate.',
  },
)
add(
  'art-9.6',
  'Testing to find measures',
  'Test the system to identify the most appropriate risk management measures and to confirm it performs consistently for its intended purpose and meets Section 2.',
  {
    ...RM,
    fields: ['riskManagement', 'accuracy'],
    hint: 'Test plans and reports linking test results to risk management decisions.',
  },
)
add(
  'art-9.7',
  'Real-world testing',
  'Testing may include testing in real-world conditions under Art. 60.',
  {
    ...RM,
    hint: 'Where used, the real-world testing plan and results; otherwise a note that it was not used.',
  },
)
add(
  'art-9.8',
  'Timing and metrics of testing',
  'Testing happens as appropriate throughout development and in any case before market placement or putting into service, against prior defined metrics and probabilistic thresholds suited to the intended purpose.',
  {
    ...RM,
    fields: ['riskManagement', 'accuracy'],
    hint: 'Dated pre-release test reports with the metrics and thresholds defined beforehand.',
  },
)
add(
  'art-9.9',
  'Minors and vulnerable groups',
  'Consider whether the system is likely to adversely affect people under 18 and, as appropriate, other vulnerable groups.',
  {
    ...RM,
    fields: ['riskManagement', 'deployment.affectedPersons'],
    hint: 'A risk assessment section on minors and other vulnerable groups among affected persons.',
  },
)

// Art. 10
const DATA = { ...HR_PROVIDER, fields: ['datasets'] }
add(
  'art-10',
  'Data and data governance',
  'Training, validation and testing data meet quality criteria and are subject to appropriate data governance and management practices.',
  {
    parent: 'chapter-iii.section-2',
    ...DATA,
    hint: 'Dataset sheets and a data governance procedure covering training, validation and test data.',
  },
)
add(
  'art-10.1',
  'Quality criteria for data sets',
  'Systems whose models are trained with data are developed on training, validation and test sets that meet paragraphs 2 to 5 (in the amended text, cross-referring to Art. 4a(1)).',
  {
    ...DATA,
    hint: 'Dataset sheets for each training, validation and test set.',
    uncertain:
      'Reg. (EU) 2026/1744 amends the cross-references of Art. 10(1) to point to Art. 4a(1); read from secondary sources.',
  },
)
add(
  'art-10.2',
  'Data governance practices',
  'Data governance and management practices suited to the intended purpose cover points (a) to (h).',
  { ...DATA, hint: 'A data governance procedure addressing points (a) to (h).' },
)
add('art-10.2.a', 'Design choices', 'Relevant design choices.', {
  ...DATA,
  hint: 'Recorded data-related design choices and their rationale.',
})
add(
  'art-10.2.b',
  'Collection and origin',
  'Data collection processes and the origin of data, and for personal data the original purpose of collection.',
  {
    ...DATA,
    fields: ['datasets'],
    hint: 'Dataset sheets stating source, provenance and, for personal data, the original purpose.',
  },
)
add(
  'art-10.2.c',
  'Preparation operations',
  'Data preparation such as annotation, labelling, cleaning, updating, enrichment and aggregation.',
  { ...DATA, hint: 'Dataset sheets listing preparation steps.' },
)
add(
  'art-10.2.d',
  'Assumptions',
  'Assumptions about what the data are meant to measure and represent.',
  { ...DATA, hint: 'Stated assumptions about what each dataset measures and represents.' },
)
add(
  'art-10.2.e',
  'Availability, quantity and suitability',
  'Assessment of the availability, quantity and suitability of the data sets needed.',
  { ...DATA, hint: 'An assessment of dataset size and suitability for the intended purpose.' },
)
add(
  'art-10.2.f',
  'Examination for bias',
  'Examination for possible biases likely to affect health and safety, harm fundamental rights or lead to prohibited discrimination, especially where outputs feed future inputs.',
  { ...DATA, hint: 'A bias examination report per dataset.' },
)
add(
  'art-10.2.g',
  'Bias measures',
  'Measures to detect, prevent and mitigate the biases identified.',
  { ...DATA, hint: 'Documented bias mitigation measures and their results.' },
)
add(
  'art-10.2.h',
  'Data gaps',
  'Identification of data gaps or shortcomings that prevent compliance, and how they are addressed.',
  { ...DATA, hint: 'Known data gaps per dataset and the plan to address them.' },
)
add(
  'art-10.3',
  'Relevant and representative data',
  'Data sets are relevant, sufficiently representative and, as far as possible, free of errors and complete for the intended purpose, with suitable statistical properties for the persons or groups concerned.',
  { ...DATA, hint: 'Representativeness and data-quality analysis for each dataset.' },
)
add(
  'art-10.4',
  'Specific setting',
  'Data sets take into account the geographical, contextual, behavioural or functional setting in which the system is meant to be used.',
  {
    ...DATA,
    fields: ['datasets', 'deployment.memberStates'],
    hint: 'Analysis showing datasets reflect the deployment setting.',
  },
)
ref(
  'art-10.5',
  'Special categories of personal data for bias correction',
  'Exceptionally permits processing special categories of personal data, where strictly necessary to detect and correct bias, under conditions (a) to (f): no workable alternative, security and pseudonymisation, access control, no transfer, deletion, records of necessity. A permission rather than a duty, so Accord does not assess it.',
  {
    law_versions: [ORIG],
    fields: ['datasets'],
    uncertain:
      'Deleted by Reg. (EU) 2026/1744 Art. 1(9); the basis moves with the same conditions to new Art. 4a(1). Read from secondary sources.',
  },
)
add(
  'art-10.6',
  'Systems not trained on data',
  'For systems not using model training, paragraphs 2 to 5 apply only to the testing data sets (in the amended text, which deletes paragraph 5, cross-referring to Art. 4a(1)).',
  {
    ...DATA,
    hint: 'Dataset sheets for the test sets, where the system is not trained on data.',
    uncertain:
      'Reg. (EU) 2026/1744 Art. 1(9) deletes Art. 10(5) and amends the cross-references of Art. 10(6) to point to Art. 4a(1); read from secondary sources.',
  },
)

// Art. 11
const TECHDOC = { ...HR_PROVIDER }
add(
  'art-11',
  'Technical documentation',
  'Draw up the technical documentation before market placement or putting into service and keep it up to date.',
  {
    parent: 'chapter-iii.section-2',
    ...TECHDOC,
    hint: 'The technical documentation file covering every Annex IV point.',
  },
)
add(
  'art-11.1',
  'Contents and timing',
  'The documentation shows compliance with Section 2 in a clear and comprehensive form, contains at least the Annex IV elements, is drawn up before market placement and is kept up to date; SMEs may use the simplified Commission form.',
  {
    ...TECHDOC,
    hint: 'The technical documentation file, dated before market placement, with its revision history.',
  },
)

// Art. 12
const LOG = { ...HR_PROVIDER, fields: ['logging'] }
add(
  'art-12',
  'Record-keeping',
  'High-risk systems technically allow automatic recording of events (logs) over their lifetime.',
  {
    parent: 'chapter-iii.section-2',
    ...LOG,
    hint: 'A logging specification listing the events recorded and how logs are stored.',
  },
)
add(
  'art-12.1',
  'Automatic event logging',
  'The system technically allows the automatic recording of events over its lifetime.',
  { ...LOG, hint: 'A logging design document and a sample log.' },
)
add(
  'art-12.2',
  'Purpose of logging',
  'Logging records events relevant to points (a) to (c), giving traceability suited to the intended purpose.',
  { ...LOG, hint: 'A mapping of logged events to the purposes in Art. 12(2).' },
)
add(
  'art-12.2.a',
  'Risk situations and substantial modifications',
  'Logs help identify situations that may make the system present a risk (Art. 79(1)) or lead to a substantial modification.',
  { ...LOG, hint: 'Logged events that reveal risk situations and changes.' },
)
add('art-12.2.b', 'Post-market monitoring', 'Logs facilitate post-market monitoring (Art. 72).', {
  ...LOG,
  fields: ['logging', 'postMarketMonitoring'],
  hint: 'A post-market monitoring plan that uses the logs.',
})
add(
  'art-12.2.c',
  'Deployer monitoring',
  'Logs support deployers in monitoring operation (Art. 26(5)).',
  { ...LOG, hint: 'Instructions telling deployers how to use logs to monitor operation.' },
)
add(
  'art-12.3',
  'Logs for remote biometric identification',
  'For Annex III 1(a) systems, logs include at least points (a) to (d).',
  {
    ...LOG,
    when: RBI,
    fields: ['logging.events'],
    hint: 'A logging specification showing the four minimum fields for biometric identification.',
  },
)
add('art-12.3.a', 'Period of each use', 'Start and end date and time of each use.', {
  ...LOG,
  when: RBI,
  fields: ['logging.events'],
  hint: 'Log schema with start and end timestamps of each use.',
})
add(
  'art-12.3.b',
  'Reference database',
  'The reference database against which input data were checked.',
  {
    ...LOG,
    when: RBI,
    fields: ['logging.events'],
    hint: 'Log schema with the reference database identifier.',
  },
)
add('art-12.3.c', 'Matching input data', 'The input data for which the search led to a match.', {
  ...LOG,
  when: RBI,
  fields: ['logging.events'],
  hint: 'Log schema recording input data that produced a match.',
})
add(
  'art-12.3.d',
  'Verifying persons',
  'Identification of the natural persons who verified the results (Art. 14(5)).',
  {
    ...LOG,
    when: RBI,
    fields: ['logging.events'],
    hint: 'Log schema recording who verified each result.',
  },
)

// Art. 13
const TRANS = { ...HR_PROVIDER, fields: ['system.intendedPurpose'] }
add(
  'art-13',
  'Transparency and information to deployers',
  'High-risk systems are transparent enough for deployers to interpret and use their output, and come with instructions for use.',
  {
    parent: 'chapter-iii.section-2',
    ...TRANS,
    hint: 'The instructions for use supplied to deployers.',
  },
)
add(
  'art-13.1',
  'Sufficient transparency',
  'Design and development make operation transparent enough for deployers to interpret the output and use it appropriately, with a view to compliance with provider and deployer obligations.',
  { ...TRANS, hint: 'Design documentation of output explanations and interpretation aids.' },
)
add(
  'art-13.2',
  'Instructions for use',
  'The system comes with instructions for use in a suitable digital or other format, with concise, complete, correct and clear information that is relevant, accessible and understandable to deployers.',
  { ...TRANS, hint: 'The instructions for use document.' },
)
add(
  'art-13.3',
  'Minimum contents of the instructions',
  'The instructions contain at least points (a) to (f).',
  { ...TRANS, hint: 'Instructions for use with a section for each of points (a) to (f).' },
)
add(
  'art-13.3.a',
  'Provider identity',
  'Identity and contact details of the provider and, where applicable, its authorised representative.',
  {
    ...TRANS,
    fields: ['provider', 'provider.authorisedRepresentative'],
    hint: 'Instructions for use naming the provider and any authorised representative with contact details.',
  },
)
add(
  'art-13.3.b',
  'Characteristics, capabilities and limitations',
  'The characteristics, capabilities and limitations of performance, including points (i) to (vii).',
  {
    ...TRANS,
    fields: ['system.intendedPurpose', 'accuracy'],
    hint: 'An instructions-for-use section on capabilities and limitations.',
  },
)
add('art-13.3.b.i', 'Intended purpose', 'The intended purpose.', {
  ...TRANS,
  hint: 'Intended purpose stated in the instructions for use.',
})
add(
  'art-13.3.b.ii',
  'Accuracy, robustness and cybersecurity',
  'The level of accuracy, including its metrics, robustness and cybersecurity it was tested and validated against and can be expected, and circumstances that may affect them.',
  {
    ...TRANS,
    fields: ['accuracy', 'robustness', 'cybersecurity'],
    hint: 'Declared accuracy metrics and robustness and cybersecurity levels in the instructions.',
  },
)
add(
  'art-13.3.b.iii',
  'Circumstances creating risks',
  'Known or foreseeable circumstances of intended use or reasonably foreseeable misuse that may lead to risks to health, safety or fundamental rights.',
  {
    ...TRANS,
    fields: ['riskManagement'],
    hint: 'A section on foreseeable misuse and risk situations.',
  },
)
add(
  'art-13.3.b.iv',
  'Explaining output',
  'Where applicable, the technical capabilities that provide information relevant to explain the output.',
  {
    ...TRANS,
    fields: ['humanOversight'],
    hint: 'Description of explanation features, or a statement that none exist.',
  },
)
add(
  'art-13.3.b.v',
  'Performance for groups',
  'When appropriate, performance regarding specific persons or groups on which the system is meant to be used.',
  { ...TRANS, fields: ['accuracy'], hint: 'Disaggregated performance results by relevant group.' },
)
add(
  'art-13.3.b.vi',
  'Input data and training data',
  'When appropriate, specifications for input data and information on the training, validation and test data used.',
  {
    ...TRANS,
    fields: ['datasets'],
    hint: 'Input data specification and dataset summary in the instructions.',
  },
)
add(
  'art-13.3.b.vii',
  'Interpreting output',
  'Where applicable, information enabling deployers to interpret and use the output appropriately.',
  { ...TRANS, fields: ['humanOversight'], hint: 'Guidance for deployers on interpreting outputs.' },
)
add(
  'art-13.3.c',
  'Pre-determined changes',
  'Changes to the system and its performance pre-determined by the provider at the initial conformity assessment.',
  {
    ...TRANS,
    fields: ['predeterminedChanges'],
    hint: 'List of pre-determined changes in the instructions.',
  },
)
add(
  'art-13.3.d',
  'Human oversight measures',
  'The human oversight measures of Art. 14, including technical measures that help deployers interpret outputs.',
  {
    ...TRANS,
    fields: ['humanOversight'],
    hint: 'A human-oversight section in the instructions for use.',
  },
)
add(
  'art-13.3.e',
  'Resources, lifetime and maintenance',
  'Computational and hardware resources needed, expected lifetime, and maintenance and care measures, including software updates and their frequency.',
  {
    ...TRANS,
    fields: ['system.hardware', 'system.software'],
    hint: 'Resource requirements, expected lifetime and maintenance schedule in the instructions.',
  },
)
add(
  'art-13.3.f',
  'Log collection',
  'Where relevant, how deployers can collect, store and interpret the logs (Art. 12).',
  { ...TRANS, fields: ['logging'], hint: 'Instructions on collecting, storing and reading logs.' },
)

// Art. 14
const HO = { ...HR_PROVIDER, fields: ['humanOversight'] }
add(
  'art-14',
  'Human oversight',
  'High-risk systems are designed so that natural persons can effectively oversee them while in use.',
  {
    parent: 'chapter-iii.section-2',
    ...HO,
    hint: 'A human-oversight design description and the oversight measures given to deployers.',
  },
)
add(
  'art-14.1',
  'Effective oversight by design',
  'Design and development, including suitable human-machine interface tools, allow natural persons to oversee the system effectively while it is in use.',
  { ...HO, hint: 'Description of the oversight interface and tools.' },
)
add(
  'art-14.2',
  'Aim of oversight',
  'Oversight aims to prevent or minimise risks to health, safety or fundamental rights under intended use or reasonably foreseeable misuse, in particular risks that persist despite other requirements.',
  { ...HO, hint: 'Link between oversight measures and the risks they address.' },
)
add(
  'art-14.3',
  'Commensurate measures',
  'Oversight measures match the risks, level of autonomy and context of use, and are built into the system by the provider and/or identified by the provider for the deployer to implement.',
  { ...HO, hint: 'List of built-in oversight measures and those the deployer must implement.' },
)
add(
  'art-14.4',
  'Enabling the overseers',
  'The system is provided so that assigned persons are enabled, as appropriate and proportionate, to do points (a) to (e).',
  { ...HO, hint: 'Oversight documentation covering each of points (a) to (e).' },
)
add(
  'art-14.4.a',
  'Understand and monitor',
  'Understand the relevant capacities and limitations and monitor operation, including detecting anomalies, dysfunctions and unexpected performance.',
  { ...HO, hint: 'Monitoring dashboards or alerts and the material explaining system limits.' },
)
add(
  'art-14.4.b',
  'Automation bias',
  'Remain aware of the tendency to over-rely on the output (automation bias), especially for systems giving information or recommendations for decisions.',
  {
    ...HO,
    fields: ['humanOversight.overseerTraining'],
    hint: 'Overseer training covering automation bias.',
  },
)
add(
  'art-14.4.c',
  'Interpret output',
  'Correctly interpret the output, considering available interpretation tools and methods.',
  { ...HO, hint: 'Interpretation aids and guidance for overseers.' },
)
add(
  'art-14.4.d',
  'Decide not to use or override',
  'Decide in any situation not to use the system, or to disregard, override or reverse its output.',
  { ...HO, hint: 'Documented override and reversal functions.' },
)
add(
  'art-14.4.e',
  'Intervene or stop',
  'Intervene or interrupt the system through a stop button or similar procedure that brings it to a halt in a safe state.',
  {
    ...HO,
    fields: ['humanOversight.stopMechanism'],
    hint: 'Description and test of the stop mechanism.',
  },
)
add(
  'art-14.5',
  'Two-person verification for biometric identification',
  'For Annex III 1(a) systems, no action or decision is taken on an identification unless two competent natural persons have separately verified and confirmed it; Union or national law may disapply this for law enforcement, migration, border control or asylum where disproportionate.',
  {
    ...HO,
    when: RBI,
    fields: ['humanOversight.twoPersonVerification'],
    hint: 'A procedure requiring separate verification by two competent persons before acting on a match.',
  },
)

// Art. 15
const ARC = { ...HR_PROVIDER }
add(
  'art-15',
  'Accuracy, robustness and cybersecurity',
  'High-risk systems achieve appropriate accuracy, robustness and cybersecurity and perform consistently throughout their lifecycle.',
  {
    parent: 'chapter-iii.section-2',
    ...ARC,
    fields: ['accuracy', 'robustness', 'cybersecurity'],
    hint: 'Evaluation reports on accuracy and robustness and a security assessment of the system.',
  },
)
add(
  'art-15.1',
  'Appropriate and consistent performance',
  'Design and development achieve an appropriate level of accuracy, robustness and cybersecurity and consistent performance over the lifecycle.',
  { ...ARC, fields: ['accuracy'], hint: 'Evaluation reports with accuracy metrics over time.' },
)
add(
  'art-15.3',
  'Declared accuracy',
  'Accuracy levels and the relevant metrics are declared in the instructions for use.',
  {
    ...ARC,
    fields: ['accuracy'],
    hint: 'Instructions for use declaring accuracy levels and metrics.',
  },
)
add(
  'art-15.4',
  'Robustness',
  'The system is as resilient as possible to errors, faults and inconsistencies, using technical and organisational measures such as redundancy or fail-safe plans; systems that keep learning after deployment limit biased feedback loops.',
  {
    ...ARC,
    fields: ['robustness'],
    hint: 'Robustness test results and the fail-safe or redundancy design.',
  },
)
add(
  'art-15.5',
  'Cybersecurity',
  'The system resists attempts by unauthorised third parties to alter its use, outputs or performance by exploiting vulnerabilities, with AI-specific measures against data poisoning, model poisoning, adversarial examples, confidentiality attacks and model flaws.',
  {
    ...ARC,
    fields: ['cybersecurity'],
    hint: 'A security risk assessment and test results covering AI-specific attacks.',
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter III Section 3: obligations of operators (Arts. 16-27)
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-iii.section-3',
  'Chapter III Section 3',
  'section',
  'Obligations of providers and deployers of high-risk AI systems and other parties',
  'Arts. 16-27: duties of providers, representatives, importers, distributors and deployers.',
  'chapter-iii',
)

add(
  'art-16',
  'Obligations of providers of high-risk AI systems',
  'Providers of high-risk systems meet the duties in points (a) to (l).',
  {
    parent: 'chapter-iii.section-3',
    ...HR_PROVIDER,
    hint: 'A provider compliance checklist covering points (a) to (l) with references to evidence.',
  },
)
const P16 = [
  [
    'a',
    'Ensure compliance with Section 2',
    'Ensure the system meets the Section 2 requirements.',
    'The requirements-compliance matrix for Arts. 8-15.',
    undefined,
  ],
  [
    'b',
    'Provider identification',
    "Indicate the provider's name, registered trade name or mark and contact address on the system, or on its packaging or documentation.",
    "Labels, packaging or documentation showing the provider's name and address.",
    ['provider'],
  ],
  [
    'c',
    'Quality management system',
    'Have a quality management system complying with Art. 17.',
    'The QMS manual.',
    ['qualityManagement'],
  ],
  [
    'd',
    'Keep documentation',
    'Keep the documentation referred to in Art. 18.',
    'A documentation retention procedure.',
    undefined,
  ],
  [
    'e',
    'Keep logs',
    'Keep the logs under their control referred to in Art. 19.',
    'A log retention procedure.',
    ['logging'],
  ],
  [
    'f',
    'Conformity assessment',
    'Ensure the system undergoes the relevant conformity assessment (Art. 43) before market placement or putting into service.',
    'The conformity assessment record or certificate.',
    ['conformityAssessment'],
  ],
  [
    'g',
    'EU declaration of conformity',
    'Draw up an EU declaration of conformity (Art. 47).',
    'The signed EU declaration of conformity.',
    ['declaration'],
  ],
  [
    'h',
    'CE marking',
    'Affix the CE marking (Art. 48).',
    'Evidence of the (digital) CE marking.',
    undefined,
  ],
  [
    'i',
    'Registration',
    'Comply with the registration obligations of Art. 49(1), which cover Annex III systems other than area 2 (critical infrastructure, registered nationally under Art. 49(5)).',
    'The EU database registration confirmation.',
    undefined,
  ],
  [
    'j',
    'Corrective actions',
    'Take the necessary corrective actions and provide information as required by Art. 20.',
    'A corrective action procedure.',
    ['incidentResponse'],
  ],
  [
    'k',
    'Demonstrate conformity',
    'On reasoned request of a national competent authority, demonstrate conformity with Section 2.',
    'A procedure for answering authority requests.',
    undefined,
  ],
  [
    'l',
    'Accessibility',
    'Ensure the system complies with accessibility requirements under Directives (EU) 2016/2102 and (EU) 2019/882.',
    'An accessibility conformance report.',
    undefined,
  ],
]
/**
 * Art. 16(i) points to the registration of Art. 49(1), which covers only Annex III systems other
 * than area 2 (area 2 is registered nationally, Art. 49(5); Annex I products are not registered),
 * so the point takes the condition of Art. 49(1) rather than every high-risk system.
 */
const P16_WHEN = { i: { all: ['high-risk:annex-iii'], none: ['annex-iii.2'] } }
for (const [l, name, summary, hint, fields] of P16)
  add(`art-16.${l}`, name, summary, {
    ...HR_PROVIDER,
    ...(P16_WHEN[l] ? { when: P16_WHEN[l] } : {}),
    kind: 'point',
    hint,
    ...(fields ? { fields } : {}),
  })

// Art. 17
const QMS = { ...HR_PROVIDER, fields: ['qualityManagement'] }
add(
  'art-17',
  'Quality management system',
  'Providers put in place a quality management system, documented as written policies, procedures and instructions, proportionate to the size of the organisation.',
  {
    parent: 'chapter-iii.section-3',
    ...QMS,
    hint: 'The QMS manual with its policies and procedures.',
  },
)
add(
  'art-17.1',
  'Minimum aspects of the QMS',
  'The QMS is documented systematically and covers at least points (a) to (m).',
  { ...QMS, hint: 'A QMS manual with a section for each of points (a) to (m).' },
)
const Q17 = [
  [
    'a',
    'Regulatory compliance strategy',
    'A strategy for regulatory compliance, including conformity assessment procedures and management of modifications.',
    'A documented compliance strategy and change-management procedure.',
    ['qualityManagement', 'changes'],
  ],
  [
    'b',
    'Design control',
    'Techniques, procedures and systematic actions for design, design control and design verification.',
    'Design control and verification procedures.',
    undefined,
  ],
  [
    'c',
    'Development and quality assurance',
    'Techniques, procedures and systematic actions for development, quality control and quality assurance.',
    'Development and QA procedures.',
    undefined,
  ],
  [
    'd',
    'Examination, test and validation',
    'Examination, test and validation procedures before, during and after development, and how often they run.',
    'Test and validation procedures with their frequency.',
    ['qualityManagement', 'accuracy'],
  ],
  [
    'e',
    'Technical specifications and standards',
    'Technical specifications and standards applied and, where harmonised standards are not fully applied, the means used to comply.',
    'A list of standards applied and alternative means where needed.',
    ['harmonisedStandards', 'otherStandards'],
  ],
  [
    'f',
    'Data management',
    'Systems and procedures for data management, from acquisition and collection to labelling, storage, filtering, aggregation and retention.',
    'Data management procedures.',
    ['datasets'],
  ],
  [
    'g',
    'Risk management system',
    'The risk management system of Art. 9.',
    'The risk management procedure referenced from the QMS.',
    ['riskManagement'],
  ],
  [
    'h',
    'Post-market monitoring',
    'Setting up, implementing and maintaining post-market monitoring under Art. 72.',
    'The post-market monitoring procedure.',
    ['postMarketMonitoring'],
  ],
  [
    'i',
    'Serious incident reporting',
    'Procedures for reporting serious incidents under Art. 73.',
    'The serious incident reporting procedure.',
    ['incidentResponse'],
  ],
  [
    'j',
    'Communication',
    'Handling communication with competent authorities, notified bodies, other operators, customers and other interested parties.',
    'A communication procedure.',
    undefined,
  ],
  [
    'k',
    'Record-keeping',
    'Systems and procedures for keeping records of all relevant documentation and information.',
    'A record-keeping procedure.',
    undefined,
  ],
  [
    'l',
    'Resource management',
    'Resource management, including measures for security of supply.',
    'A resource management procedure.',
    undefined,
  ],
  [
    'm',
    'Accountability framework',
    'An accountability framework setting out the responsibilities of management and staff for each aspect of the QMS.',
    'A responsibility matrix for the QMS.',
    undefined,
  ],
]
for (const [l, name, summary, hint, fields] of Q17)
  add(`art-17.1.${l}`, name, summary, { ...QMS, hint, ...(fields ? { fields } : {}) })

add(
  'art-18',
  'Documentation keeping',
  'For 10 years after market placement or putting into service, keep available to national competent authorities the technical documentation, QMS documentation, changes approved by notified bodies, notified-body decisions and the EU declaration of conformity.',
  {
    parent: 'chapter-iii.section-3',
    ...HR_PROVIDER,
    hint: 'A document retention policy covering these documents for 10 years.',
  },
)
add(
  'art-19',
  'Automatically generated logs',
  "Keep the logs generated automatically by the system, to the extent under the provider's control, for a period suited to the intended purpose and of at least six months, unless other Union or national law provides otherwise.",
  {
    parent: 'chapter-iii.section-3',
    ...HR_PROVIDER,
    fields: ['logging.retentionDays'],
    hint: 'A log retention configuration or policy of at least six months.',
  },
)
add(
  'art-20',
  'Corrective actions and duty of information',
  'When a system is not in conformity, immediately correct, withdraw, disable or recall it and inform distributors and, as applicable, deployers, the authorised representative and importers; where it presents a risk, investigate and inform the market surveillance authorities and the notified body.',
  {
    parent: 'chapter-iii.section-3',
    ...HR_PROVIDER,
    fields: ['incidentResponse'],
    hint: 'A corrective action and recall procedure with the notification steps.',
  },
)
add(
  'art-21',
  'Cooperation with competent authorities',
  "On reasoned request, give competent authorities the information and documentation needed to show conformity, in an official Union language they understand, and access to logs under the provider's control.",
  {
    parent: 'chapter-iii.section-3',
    ...HR_PROVIDER,
    hint: 'A procedure for answering authority requests, naming who responds.',
  },
)

// Art. 22
const THIRD = { all: ['high-risk', 'provider:third-country'] }
const REP = { roles: ['authorised-representative'], when: THIRD, dates: HIGH_RISK }
add(
  'art-22',
  'Authorised representatives',
  'Providers established outside the Union appoint an authorised representative in the Union, who carries out the tasks of the mandate.',
  {
    parent: 'chapter-iii.section-3',
    roles: ['provider', 'authorised-representative'],
    when: THIRD,
    dates: HIGH_RISK,
    fields: ['provider.authorisedRepresentative'],
    hint: 'The written mandate appointing the authorised representative.',
  },
)
add(
  'art-22.1',
  'Appoint a representative',
  'Before making the system available, a third-country provider appoints by written mandate an authorised representative established in the Union.',
  {
    roles: ['provider'],
    when: THIRD,
    dates: HIGH_RISK,
    fields: ['provider.authorisedRepresentative'],
    hint: 'The signed written mandate, dated before the system was made available.',
  },
)
add(
  'art-22.3',
  'Tasks of the representative',
  'The representative performs the tasks in the mandate, which empowers it to do at least points (a) to (e), and gives a copy of the mandate to authorities on request.',
  { ...REP, hint: 'The mandate listing points (a) to (e).' },
)
add(
  'art-22.3.a',
  'Verify documentation',
  'Verify that the EU declaration of conformity and technical documentation exist and that the conformity assessment was carried out.',
  { ...REP, hint: "A record of the representative's verification." },
)
add(
  'art-22.3.b',
  'Keep documents for 10 years',
  "Keep at the disposal of authorities for 10 years the provider's contact details, a copy of the EU declaration of conformity, the technical documentation and any certificate.",
  { ...REP, hint: "The representative's document retention record." },
)
add(
  'art-22.3.c',
  'Provide information',
  'On reasoned request, give authorities the information and documentation needed to show conformity, including access to logs.',
  { ...REP, hint: 'A procedure for answering authority requests.' },
)
add(
  'art-22.3.d',
  'Cooperate on risks',
  'Cooperate with competent authorities on any action they take in relation to the system, in particular to reduce its risks.',
  { ...REP, hint: 'A cooperation procedure.' },
)
add(
  'art-22.3.e',
  'Registration',
  'Comply with, or ensure the correctness of, the registration under Art. 49(1) where applicable.',
  { ...REP, hint: 'Evidence of the registration entry checked by the representative.' },
)

add(
  'art-23',
  'Obligations of importers',
  'Before placing a high-risk system on the market, importers verify the conformity assessment, technical documentation, CE marking, declaration, instructions and appointment of an authorised representative; they withhold non-conforming systems, show their name and address, keep documents for 10 years and cooperate with authorities.',
  {
    parent: 'chapter-iii.section-3',
    roles: ['importer'],
    when: { all: ['high-risk'] },
    dates: HIGH_RISK,
    hint: 'An importer verification checklist per system, with retained copies of the certificate, declaration and instructions.',
  },
)
add(
  'art-24',
  'Obligations of distributors',
  'Before making a high-risk system available, distributors verify the CE marking, declaration and instructions and that the provider and importer met their duties; they withhold non-conforming systems, keep storage and transport conditions, take corrective action and cooperate with authorities.',
  {
    parent: 'chapter-iii.section-3',
    roles: ['distributor'],
    when: { all: ['high-risk'] },
    dates: HIGH_RISK,
    hint: 'A distributor verification checklist per system.',
  },
)
ref(
  'art-25',
  'Responsibilities along the AI value chain',
  "A distributor, importer, deployer or other third party becomes the provider of a high-risk system if it puts its name on it, substantially modifies it, or changes a system's intended purpose so that it becomes high-risk; the original provider then cooperates.",
  {
    parent: 'chapter-iii.section-3',
    uncertain:
      'Reg. (EU) 2026/1744 replaces Art. 25(2) (the cooperation of the original provider); the new wording was not checked, and the summary follows the original text.',
  },
)
add(
  'art-25.4',
  'Written agreements with suppliers',
  'The provider of a high-risk system and third parties supplying AI tools, services, components or processes used in it agree in writing on the information, capabilities, technical access and assistance needed for compliance; suppliers of free and open-source tools (other than GPAI models) are exempt.',
  {
    ...HR_PROVIDER,
    fields: ['models'],
    hint: 'Signed supplier agreements covering information, access and assistance for each third-party component.',
    uncertain:
      'Reg. (EU) 2026/1744 replaces the first subparagraph of Art. 25(4); the new wording was not checked.',
  },
)

// Art. 26
add(
  'art-26',
  'Obligations of deployers of high-risk AI systems',
  'Deployers use high-risk systems according to the instructions, assign human oversight, control input data, monitor operation, keep logs and inform those affected.',
  {
    parent: 'chapter-iii.section-3',
    ...HR_DEPLOYER,
    hint: 'A deployer procedure covering each duty of Art. 26.',
  },
)
const D26 = [
  [
    '1',
    'Use according to instructions',
    'Take appropriate technical and organisational measures to use the system in line with its instructions for use.',
    'An internal operating procedure based on the instructions for use.',
    undefined,
    undefined,
  ],
  [
    '2',
    'Assign human oversight',
    'Assign human oversight to natural persons with the necessary competence, training and authority, and give them the support they need.',
    'A named oversight assignment with training records.',
    ['humanOversight'],
    undefined,
  ],
  [
    '4',
    'Input data',
    'To the extent the deployer controls input data, ensure they are relevant and sufficiently representative for the intended purpose.',
    'An input data quality check procedure.',
    ['datasets'],
    undefined,
  ],
  [
    '5',
    'Monitor and report',
    'Monitor operation on the basis of the instructions and inform the provider; where a risk arises, inform the provider or distributor and the market surveillance authority and suspend use; report serious incidents first to the provider.',
    'A monitoring and incident escalation procedure for deployers.',
    ['postMarketMonitoring', 'incidentResponse'],
    undefined,
  ],
  [
    '6',
    'Keep logs',
    "Keep the logs under the deployer's control for a period suited to the intended purpose and of at least six months, unless other law provides otherwise.",
    'A log retention setting or policy of at least six months.',
    ['logging.retentionDays'],
    undefined,
  ],
  [
    '7',
    'Inform workers',
    "Before putting a high-risk system into service or using it at the workplace, employers inform workers' representatives and the affected workers.",
    'A dated notice to workers and their representatives.',
    undefined,
    { all: ['high-risk', 'deployer:workplace'] },
  ],
  [
    '8',
    'Public authorities: registered systems only',
    'Deployers that are public authorities or Union bodies comply with the Art. 49 registration duties and do not use a system that is not registered in the EU database. Art. 49 gives deployers such duties only for Annex III systems other than area 2 (Art. 49(3)); Annex I products and area 2 systems are not in the EU database.',
    'Evidence that the system is registered and that the use is registered.',
    undefined,
    { all: ['high-risk:annex-iii', 'deployer:public-body'], none: ['annex-iii.2'] },
  ],
  [
    '9',
    'Data protection impact assessment',
    'Where applicable, use the information under Art. 13 to carry out a data protection impact assessment (GDPR Art. 35 or Directive (EU) 2016/680 Art. 27).',
    "The DPIA, referring to the provider's instructions.",
    undefined,
    undefined,
  ],
  [
    '10',
    'Post-remote biometric identification',
    'In a criminal investigation, use of post-remote biometric identification needs prior authorisation by a judicial or administrative authority, or within 48 hours; no untargeted use; each use is documented in the police file and reported yearly.',
    'The authorisation for each use and the police-file record.',
    undefined,
    { all: ['high-risk', 'annex-iii.1.a', 'deployer:law-enforcement'] },
  ],
  [
    '11',
    'Inform affected persons',
    'Deployers of Annex III systems that make or help make decisions about natural persons inform those persons that they are subject to the system.',
    'A notice given to affected persons.',
    ['deployment.affectedPersons'],
    { all: ['high-risk:annex-iii'] },
  ],
  [
    '12',
    'Cooperate with authorities',
    'Cooperate with the competent authorities in any action they take in relation to the system.',
    'A procedure for cooperating with authorities.',
    undefined,
    undefined,
  ],
]
add('art-26.1', D26[0][1], D26[0][2], { ...HR_DEPLOYER, hint: D26[0][3] })
add('art-26.2', D26[1][1], D26[1][2], { ...HR_DEPLOYER, hint: D26[1][3], fields: D26[1][4] })
ref(
  'art-26.3',
  'Other duties unaffected',
  "Paragraphs 1 and 2 leave other deployer duties under Union or national law, and the deployer's freedom to organise resources for oversight, unaffected.",
)
for (const [p, name, summary, hint, fields, when] of D26.slice(2))
  add(`art-26.${p}`, name, summary, {
    ...HR_DEPLOYER,
    ...(when ? { when } : {}),
    hint,
    ...(fields ? { fields } : {}),
  })

// Art. 27
const FRIA = {
  roles: ['deployer'],
  when: {
    all: ['high-risk:annex-iii'],
    any: ['deployer:public-body', 'deployer:public-service', 'annex-iii.5.b', 'annex-iii.5.c'],
    none: ['annex-iii.2'],
  },
  dates: HIGH_RISK,
}
add(
  'art-27',
  'Fundamental rights impact assessment',
  'Before first use of an Annex III system (other than area 2), public-law bodies, private entities providing public services, and deployers of Annex III 5(b) and 5(c) systems assess the impact on fundamental rights.',
  {
    parent: 'chapter-iii.section-3',
    ...FRIA,
    hint: 'The fundamental rights impact assessment (FRIA) and the notification to the market surveillance authority.',
  },
)
add(
  'art-27.1',
  'Contents of the assessment',
  'The assessment covers points (a) to (f) and is done before the system is first used.',
  { ...FRIA, hint: 'A FRIA dated before first use, with a section for each of points (a) to (f).' },
)
const F27 = [
  [
    'a',
    'Deployer processes',
    "The deployer's processes in which the system will be used in line with its intended purpose.",
    ['system.intendedPurpose'],
  ],
  [
    'b',
    'Period and frequency of use',
    'The period of time within which, and the frequency with which, the system is meant to be used.',
    undefined,
  ],
  [
    'c',
    'Affected persons and groups',
    'The categories of natural persons and groups likely to be affected in the specific context.',
    ['deployment.affectedPersons'],
  ],
  [
    'd',
    'Specific risks of harm',
    "The specific risks of harm likely to affect those categories, considering the provider's information under Art. 13.",
    ['riskManagement'],
  ],
  [
    'e',
    'Human oversight',
    'How human oversight measures are implemented according to the instructions for use.',
    ['humanOversight'],
  ],
  [
    'f',
    'Measures if risks materialise',
    'Measures to take if the risks materialise, including internal governance and complaint mechanisms.',
    ['incidentResponse'],
  ],
]
for (const [l, name, summary, fields] of F27)
  add(`art-27.1.${l}`, name, summary, {
    ...FRIA,
    hint: `The FRIA section on point (${l}).`,
    ...(fields ? { fields } : {}),
  })
add(
  'art-27.3',
  'Notify the authority',
  'Once the assessment is done, notify the market surveillance authority of its results using the template provided, unless exempted under Art. 46(1).',
  { ...FRIA, hint: 'The submitted notification of the FRIA results.' },
)

// ---------------------------------------------------------------------------------------------
// Chapter III Section 5: conformity assessment, declaration, CE marking, registration
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-iii.section-5',
  'Chapter III Section 5',
  'section',
  'Standards, conformity assessment, certificates, registration',
  'Arts. 40-49; Accord encodes the provider duties of Arts. 43 and 47-49.',
  'chapter-iii',
)

add(
  'art-43',
  'Conformity assessment',
  'Before market placement, the provider has the system undergo conformity assessment. For Annex III point 1, the provider may choose internal control (Annex VI) or notified-body assessment (Annex VII) only where it has applied harmonised standards (or, where applicable, common specifications) in full; otherwise Annex VII is mandatory. Internal control applies to points 2 to 8, and the sectoral procedure to Annex I Section A products; a substantial modification requires a new assessment.',
  {
    parent: 'chapter-iii.section-5',
    ...HR_PROVIDER,
    fields: ['conformityAssessment'],
    hint: 'The Annex VI internal control record or the notified-body certificate.',
    uncertain:
      UNC_SECTION_5 +
      ' Reg. (EU) 2026/1744 also replaces Art. 43(3) (Annex I Section A route); the new wording was not checked.',
  },
)
add(
  'art-47',
  'EU declaration of conformity',
  'Draw up a written, machine-readable, signed EU declaration of conformity with the Annex V contents for each high-risk system, keep it for 10 years and keep it up to date.',
  {
    parent: 'chapter-iii.section-5',
    ...HR_PROVIDER,
    fields: ['declaration'],
    hint: 'The signed EU declaration of conformity with every Annex V item.',
    uncertain: UNC_SECTION_5,
  },
)
add(
  'art-48',
  'CE marking',
  "Affix the CE marking visibly, legibly and indelibly (a digital marking for digitally provided systems), followed where applicable by the notified body's identification number.",
  {
    parent: 'chapter-iii.section-5',
    ...HR_PROVIDER,
    hint: 'A photo, screenshot or packaging proof of the (digital) CE marking.',
    uncertain: UNC_SECTION_5,
  },
)
ref(
  'art-49',
  'Registration',
  'Registration of providers, systems and public-sector deployments in the EU database before market placement or use.',
  { parent: 'chapter-iii.section-5' },
)
add(
  'art-49.1',
  'Provider registration of Annex III systems',
  'Before market placement or putting into service, the provider or its authorised representative registers itself and the system in the EU database (Annex VIII Section A); area 2 systems are registered nationally.',
  {
    roles: ['provider'],
    when: { all: ['high-risk:annex-iii'], none: ['annex-iii.2'] },
    dates: HIGH_RISK,
    hint: 'The EU database registration confirmation.',
    uncertain: UNC_SECTION_5,
  },
)
add(
  'art-49.2',
  'Registration of not-high-risk Annex III systems',
  'A provider that concluded under Art. 6(3) that its Annex III system is not high-risk registers itself and the system in the EU database (Annex VIII Section B) before market placement.',
  {
    roles: ['provider'],
    when: { all: ['derogation:art-6.3'] },
    dates: DEROGATION,
    fields: ['classification.derogation'],
    hint: 'The EU database registration confirmation for the derogated system.',
    uncertain:
      'Not amended by Reg. (EU) 2026/1744 (only Annex VIII Section B points 7 and 9 are deleted). The amended date follows the deferral of the Art. 6(3) classification (Chapter III Section 1); Art. 49 itself sits in Section 5, which by the letter applies from 2 August 2026. A reading, not text.',
  },
)
add(
  'art-49.3',
  'Deployer registration of public-sector use',
  'Deployers that are public authorities, Union bodies or act on their behalf register themselves, select the system and register its use in the EU database (Annex VIII Section C) before use; not for area 2.',
  {
    roles: ['deployer'],
    when: { all: ['high-risk:annex-iii', 'deployer:public-body'], none: ['annex-iii.2'] },
    dates: HIGH_RISK,
    hint: 'The EU database registration of the use.',
    uncertain: UNC_SECTION_5,
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter IV: Art. 50 transparency
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-iv',
  'Chapter IV',
  'chapter',
  'Transparency obligations for providers and deployers of certain AI systems',
  'Art. 50: disclosure and marking duties.',
)
ref(
  'art-50',
  'Transparency obligations',
  'Providers and deployers of certain systems tell people they are dealing with AI, mark synthetic content, and disclose emotion recognition, biometric categorisation, deep fakes and AI-written public-interest text.',
  { parent: 'chapter-iv' },
)
add(
  'art-50.1',
  'Disclose interaction with AI',
  'Providers design systems that interact directly with people so those people are told they are interacting with AI, unless obvious to a reasonably well-informed, observant and circumspect person; systems authorised by law for crime detection are exempt unless the public can use them to report crimes.',
  {
    roles: ['provider'],
    when: { all: ['art-50.1'] },
    dates: TRANSPARENCY,
    fields: ['classification.interactsWithNaturalPersons'],
    hint: 'Screenshots or a UI specification showing the AI disclosure at the start of the interaction.',
  },
)
add(
  'art-50.2',
  'Mark synthetic content',
  'Providers of systems, including GPAI systems, generating synthetic audio, image, video or text mark the outputs in a machine-readable format so they are detectable as AI-generated or manipulated, with effective, interoperable, robust and reliable solutions as far as technically feasible; the duty does not apply where the system performs an assistive function for standard editing or does not substantially alter the input data provided by the deployer or its semantics, or where it is authorised by law to detect, prevent, investigate or prosecute criminal offences.',
  {
    roles: ['provider'],
    when: { all: ['art-50.2'] },
    dates: [
      TRANSPARENCY[0],
      {
        ...TRANSPARENCY[1],
        note: 'Unchanged date; new Art. 111(4) gives systems placed on the market before 2 August 2026 until 2 December 2026 to comply.',
      },
      {
        law_version: AMND,
        from: '2026-12-02',
        route: 'any',
        placed_before: '2026-08-02',
        note:
          'New Art. 111(4) (Reg. (EU) 2026/1744): generative systems placed on the market before 2 August 2026 comply with Art. 50(2) by 2 December 2026. ' +
          SEC,
      },
    ],
    fields: ['classification.generatesSyntheticContent'],
    hint: 'A description of the marking technique (e.g. watermark or metadata) and a detection test report.',
    uncertain:
      'The Art. 111(4) grace period to 2 December 2026 comes from Reg. (EU) 2026/1744, read from secondary sources.',
  },
)
add(
  'art-50.3',
  'Disclose emotion recognition and biometric categorisation',
  'Deployers of emotion recognition or biometric categorisation systems inform the people exposed and process personal data under the GDPR, EUDPR or LED; uses permitted by law for crime detection are exempt, with safeguards.',
  {
    roles: ['deployer'],
    when: { all: ['art-50.3'] },
    dates: TRANSPARENCY,
    hint: 'The notice shown to people exposed to the system.',
  },
)
add(
  'art-50.4',
  'Disclose deep fakes and AI-generated public-interest text',
  "Deployers disclose that deep-fake image, audio or video content is AI-generated or manipulated (limited for evidently artistic, satirical or fictional works), and that text published to inform the public on matters of public interest is AI-generated unless it had human review or editorial control under someone's editorial responsibility; neither duty applies where the use is authorised by law to detect, prevent, investigate or prosecute criminal offences.",
  {
    roles: ['deployer'],
    when: { all: ['art-50.4'] },
    dates: TRANSPARENCY,
    hint: 'Examples of published content carrying the disclosure, and the labelling procedure.',
  },
)
add(
  'art-50.5',
  'Manner of the information',
  'The information under paragraphs 1 to 4 is clear and distinguishable, given at the latest at the first interaction or exposure, and meets accessibility requirements.',
  {
    roles: ['provider', 'deployer'],
    when: { any: ['art-50.1', 'art-50.2', 'art-50.3', 'art-50.4'] },
    dates: TRANSPARENCY,
    hint: 'Screenshots showing when and how the disclosure appears, and an accessibility check.',
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter V: general-purpose AI models (Arts. 51-55)
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-v',
  'Chapter V',
  'chapter',
  'General-purpose AI models',
  'Arts. 51-56: classification and obligations of providers of general-purpose AI models.',
)
structure(
  'chapter-v.section-1',
  'Chapter V Section 1',
  'section',
  'Classification rules',
  'Arts. 51-52: when a GPAI model has systemic risk.',
  'chapter-v',
)
ref(
  'art-51',
  'Classification of GPAI models with systemic risk',
  'A GPAI model has systemic risk if it has high-impact capabilities or the Commission designates it.',
  { parent: 'chapter-v.section-1' },
)
ref(
  'art-51.1',
  'Conditions for systemic risk',
  'A GPAI model is classified as having systemic risk if it meets point (a) or point (b).',
)
ref(
  'art-51.1.a',
  'High-impact capabilities',
  'It has high-impact capabilities, evaluated with appropriate technical tools and methods, including indicators and benchmarks.',
)
ref(
  'art-51.1.b',
  'Commission designation',
  'The Commission decides, on its own initiative or after a qualified alert from the scientific panel, that it has equivalent capabilities or impact, having regard to the Annex XIII criteria.',
)
ref(
  'art-51.2',
  'Compute presumption',
  'High-impact capabilities are presumed when the cumulative compute used for training exceeds 10^25 floating-point operations.',
  { fields: ['models'] },
)
ref(
  'art-52',
  'Procedure',
  'How providers notify models meeting the threshold, how they may contest the classification, and how the Commission designates and lists models with systemic risk.',
  { parent: 'chapter-v.section-1' },
)
add(
  'art-52.1',
  'Notify the Commission',
  'A provider whose GPAI model meets, or will meet, the Art. 51(1)(a) condition notifies the Commission without delay and in any event within two weeks, with the information showing that the condition is met.',
  {
    roles: ['provider'],
    // Only a model meeting Art. 51(1)(a); one designated under 51(1)(b) is not notified.
    when: { all: ['gpai:high-impact-capabilities'] },
    dates: GPAI,
    fields: ['models'],
    hint: 'The notification sent to the Commission, dated within two weeks of meeting the threshold.',
  },
)

structure(
  'chapter-v.section-2',
  'Chapter V Section 2',
  'section',
  'Obligations for providers of general-purpose AI models',
  'Arts. 53-54.',
  'chapter-v',
)
const GP = { roles: ['provider'], when: { all: ['gpai'] }, dates: GPAI }
const GP_NOT_OPEN = { ...GP, when: { all: ['gpai'], none: ['gpai:open-source'] } }
add(
  'art-53',
  'Obligations for providers of GPAI models',
  'Providers of GPAI models document the model, inform downstream providers, keep a copyright policy and publish a training-content summary.',
  {
    parent: 'chapter-v.section-2',
    ...GP,
    fields: ['models'],
    hint: 'The model documentation package, copyright policy and published training-content summary.',
  },
)
add('art-53.1', 'Duties of GPAI providers', 'Providers of GPAI models meet points (a) to (d).', {
  ...GP,
  fields: ['models'],
  hint: 'Evidence for each of points (a) to (d).',
})
add(
  'art-53.1.a',
  'Technical documentation of the model',
  'Draw up and keep up to date technical documentation of the model, including its training, testing and evaluation, with at least the Annex XI information, for the AI Office and national authorities on request.',
  {
    ...GP_NOT_OPEN,
    fields: ['models'],
    hint: 'Model technical documentation covering Annex XI (e.g. the Code of Practice model documentation form).',
  },
)
add(
  'art-53.1.b',
  'Information for downstream providers',
  'Draw up, keep up to date and make available to providers integrating the model the information and documentation (at least Annex XII) they need to understand its capabilities and limits and to comply.',
  { ...GP_NOT_OPEN, fields: ['models'], hint: 'Downstream documentation covering Annex XII.' },
)
add(
  'art-53.1.c',
  'Copyright policy',
  'Put in place a policy to comply with Union copyright law, in particular to identify and honour text-and-data-mining rights reservations (Directive (EU) 2019/790 Art. 4(3)) with state-of-the-art technologies.',
  {
    ...GP,
    hint: 'The copyright policy and a description of how opt-outs are detected and honoured.',
  },
)
add(
  'art-53.1.d',
  'Training content summary',
  'Publish a sufficiently detailed summary of the content used for training, following the AI Office template.',
  {
    ...GP,
    fields: ['datasets'],
    hint: 'The published training-content summary using the AI Office template.',
  },
)
ref(
  'art-53.2',
  'Open-source exemption',
  'Points (a) and (b) of paragraph 1 do not apply to models released under a free and open-source licence with public weights, architecture and usage information, unless the model has systemic risk.',
  { fields: ['models'] },
)
add(
  'art-54',
  'Authorised representatives of GPAI providers',
  'A provider established outside the Union appoints, by written mandate and before placing the model on the market, an authorised representative in the Union to verify documentation, keep it for 10 years, answer the AI Office and cooperate; open-source models without systemic risk are exempt.',
  {
    parent: 'chapter-v.section-2',
    roles: ['provider'],
    when: { all: ['gpai', 'provider:third-country'], none: ['gpai:open-source'] },
    dates: GPAI,
    fields: ['provider.authorisedRepresentative'],
    hint: 'The written mandate appointing the EU authorised representative for the model.',
  },
)

structure(
  'chapter-v.section-3',
  'Chapter V Section 3',
  'section',
  'Obligations of providers of general-purpose AI models with systemic risk',
  'Art. 55.',
  'chapter-v',
)
const GSR = { roles: ['provider'], when: { all: ['gpai-systemic-risk'] }, dates: GPAI }
add(
  'art-55',
  'Obligations for GPAI models with systemic risk',
  'In addition to Arts. 53 and 54, providers of GPAI models with systemic risk evaluate the model, mitigate systemic risks, report serious incidents and ensure cybersecurity.',
  {
    parent: 'chapter-v.section-3',
    ...GSR,
    fields: ['models'],
    hint: 'Model evaluation and adversarial testing reports, a systemic-risk assessment, an incident procedure and a security assessment.',
  },
)
add(
  'art-55.1',
  'Duties for systemic-risk models',
  'Providers of GPAI models with systemic risk meet points (a) to (d).',
  { ...GSR, hint: 'Evidence for each of points (a) to (d).' },
)
add(
  'art-55.1.a',
  'Model evaluation and adversarial testing',
  'Evaluate the model with standardised, state-of-the-art protocols and tools, including documented adversarial testing, to identify and mitigate systemic risks.',
  { ...GSR, fields: ['models', 'accuracy'], hint: 'Evaluation and red-team reports.' },
)
add(
  'art-55.1.b',
  'Assess and mitigate systemic risks',
  'Assess and mitigate possible systemic risks at Union level, and their sources, arising from development, market placement or use of the model.',
  { ...GSR, fields: ['riskManagement'], hint: 'A systemic-risk assessment with mitigations.' },
)
add(
  'art-55.1.c',
  'Serious incidents',
  'Track, document and report without undue delay to the AI Office (and national authorities as appropriate) serious incidents and possible corrective measures.',
  {
    ...GSR,
    fields: ['incidentResponse'],
    hint: 'An incident tracking and reporting procedure for the AI Office.',
  },
)
add(
  'art-55.1.d',
  'Cybersecurity of the model',
  'Ensure adequate cybersecurity protection for the model and its physical infrastructure.',
  {
    ...GSR,
    fields: ['cybersecurity'],
    hint: 'A security assessment covering model weights and infrastructure.',
  },
)

// ---------------------------------------------------------------------------------------------
// Chapter IX: post-market monitoring and serious incidents (Arts. 72-73)
// ---------------------------------------------------------------------------------------------

structure(
  'chapter-ix',
  'Chapter IX',
  'chapter',
  'Post-market monitoring, information sharing and market surveillance',
  'Arts. 72-94; Accord encodes the provider duties of Arts. 72 and 73.',
)
structure(
  'chapter-ix.section-1',
  'Chapter IX Section 1',
  'section',
  'Post-market monitoring',
  'Art. 72.',
  'chapter-ix',
)
add(
  'art-72',
  'Post-market monitoring',
  "Providers set up and document a post-market monitoring system, proportionate to the risks, that actively and systematically collects and analyses performance data over the system's lifetime, based on a post-market monitoring plan that is part of the Annex IV documentation.",
  {
    parent: 'chapter-ix.section-1',
    ...HR_PROVIDER,
    fields: ['postMarketMonitoring'],
    hint: 'The post-market monitoring plan and records of the data collected and analysed.',
    uncertain:
      UNC_CHAPTER_IX +
      ' The amended Art. 72(3) moves the Commission template to guidance due 2 September 2027.',
  },
)
structure(
  'chapter-ix.section-2',
  'Chapter IX Section 2',
  'section',
  'Sharing of information on serious incidents',
  'Art. 73.',
  'chapter-ix',
)
const SI = { ...HR_PROVIDER, fields: ['incidentResponse'], uncertain: UNC_CHAPTER_IX }
add(
  'art-73',
  'Reporting of serious incidents',
  'Providers report serious incidents to the market surveillance authority of the Member State where they occurred, within deadlines that depend on severity, and investigate them.',
  {
    parent: 'chapter-ix.section-2',
    ...SI,
    hint: 'A serious incident reporting procedure with the deadlines of Art. 73(2)-(4).',
  },
)
add(
  'art-73.1',
  'Report serious incidents',
  'Providers of high-risk systems placed on the Union market report any serious incident to the market surveillance authorities of the Member States where it occurred.',
  { ...SI, hint: 'The incident reporting procedure naming the authorities to notify.' },
)
add(
  'art-73.2',
  'General deadline',
  'Report immediately after establishing a causal link, or its reasonable likelihood, and no later than 15 days after becoming aware of the incident.',
  {
    ...SI,
    fields: ['incidentResponse.reportWithinHours'],
    hint: 'A procedure with the 15-day deadline.',
  },
)
add(
  'art-73.3',
  'Widespread infringement or critical infrastructure',
  'For a widespread infringement or a serious and irreversible disruption of critical infrastructure, report immediately and no later than 2 days after becoming aware.',
  {
    ...SI,
    fields: ['incidentResponse.reportWithinHours'],
    hint: 'A procedure with the 2-day deadline.',
  },
)
add(
  'art-73.4',
  'Death of a person',
  'In the event of a death, report immediately after establishing or suspecting a causal link, and no later than 10 days after becoming aware.',
  {
    ...SI,
    fields: ['incidentResponse.reportWithinHours'],
    hint: 'A procedure with the 10-day deadline.',
  },
)
add(
  'art-73.6',
  'Investigate the incident',
  'After reporting, investigate without delay, including a risk assessment and corrective action, cooperate with authorities and the notified body, and do not alter the system in a way that could affect the evaluation of the causes before informing the authorities.',
  { ...SI, hint: 'An incident investigation procedure and a sample investigation record.' },
)

// ---------------------------------------------------------------------------------------------
// Annex I: Union harmonisation legislation
// ---------------------------------------------------------------------------------------------

ref(
  'annex-i',
  'Union harmonisation legislation',
  'The product legislation whose safety components or products can be high-risk under Art. 6(1). Section A acts bring in the full high-risk regime; for Section B acts only the articles named in Art. 2(2) apply.',
  { ref_id: 'Annex I' },
)
ref(
  'annex-i.a',
  'Legislation based on the New Legislative Framework',
  'Acts for which the AI Act requirements apply in full and are checked through the sectoral conformity assessment.',
  { ref_id: 'Annex I Section A', kind: 'annex-section' },
)
const A1 = [
  [
    '1',
    'Machinery',
    'Directive 2006/42/EC on machinery (now Regulation (EU) 2023/1230).',
    'machinery-2023-1230',
  ],
  ['2', 'Toys', 'Directive 2009/48/EC on the safety of toys.', 'toys-2009-48'],
  [
    '3',
    'Recreational craft',
    'Directive 2013/53/EU on recreational craft and personal watercraft.',
    'recreational-craft-2013-53',
  ],
  ['4', 'Lifts', 'Directive 2014/33/EU on lifts and safety components for lifts.', 'lifts-2014-33'],
  [
    '5',
    'Equipment for explosive atmospheres',
    'Directive 2014/34/EU on equipment and protective systems for potentially explosive atmospheres (ATEX).',
    'atex-2014-34',
  ],
  ['6', 'Radio equipment', 'Directive 2014/53/EU on radio equipment.', 'radio-equipment-2014-53'],
  [
    '7',
    'Pressure equipment',
    'Directive 2014/68/EU on pressure equipment.',
    'pressure-equipment-2014-68',
  ],
  [
    '8',
    'Cableway installations',
    'Regulation (EU) 2016/424 on cableway installations.',
    'cableways-2016-424',
  ],
  [
    '9',
    'Personal protective equipment',
    'Regulation (EU) 2016/425 on personal protective equipment.',
    'ppe-2016-425',
  ],
  [
    '10',
    'Appliances burning gaseous fuels',
    'Regulation (EU) 2016/426 on appliances burning gaseous fuels.',
    'gas-appliances-2016-426',
  ],
  [
    '11',
    'Medical devices',
    'Regulation (EU) 2017/745 on medical devices.',
    'medical-devices-2017-745',
  ],
  [
    '12',
    'In vitro diagnostic medical devices',
    'Regulation (EU) 2017/746 on in vitro diagnostic medical devices.',
    'in-vitro-diagnostics-2017-746',
  ],
]
const MACHINERY_UNC =
  'Reg. (EU) 2026/1744 Art. 1(41) deletes Section A point 1 and adds Regulation (EU) 2023/1230 (machinery) as Section B point 21, so machinery leaves the full high-risk route in the amended text. Read from secondary sources quoting the consolidated text.'
for (const [n, name, summary, act] of A1)
  ref(
    `annex-i.a.${n}`,
    name,
    n === '1' ? `${summary} Deleted by the amendment; see Section B point 21.` : summary,
    {
      ref_id: `Annex I Section A point ${n}`,
      use_cases: [act],
      ...(n === '1' ? { law_versions: [ORIG], uncertain: MACHINERY_UNC } : {}),
    },
  )
ref(
  'annex-i.b',
  'Other Union harmonisation legislation',
  'Acts for which, under Art. 2(2), only Art. 6(1), Arts. 102-109 and Art. 112 of the AI Act apply, and Art. 57 only in so far as the high-risk requirements have been integrated in the sector act (as amended: Art. 6(1), Art. 60a and Arts. 102-112, with Arts. 57-59 on the same condition); the Chapter III requirements reach these products through the sector acts as amended by Arts. 102-109, not directly.',
  {
    ref_id: 'Annex I Section B',
    kind: 'annex-section',
    uncertain:
      'The amended list of articles in Art. 2(2) (adding Art. 60a and Arts. 110-112) is read from secondary sources.',
  },
)
const B1 = [
  [
    '13',
    'Civil aviation security',
    'Regulation (EC) No 300/2008 on common rules in the field of civil aviation security.',
    'civil-aviation-security-300-2008',
  ],
  [
    '14',
    'Two- or three-wheel vehicles and quadricycles',
    'Regulation (EU) No 168/2013 on their approval and market surveillance.',
    'two-three-wheel-vehicles-168-2013',
  ],
  [
    '15',
    'Agricultural and forestry vehicles',
    'Regulation (EU) No 167/2013 on their approval and market surveillance.',
    'agricultural-vehicles-167-2013',
  ],
  [
    '16',
    'Marine equipment',
    'Directive 2014/90/EU on marine equipment.',
    'marine-equipment-2014-90',
  ],
  [
    '17',
    'Rail interoperability',
    'Directive (EU) 2016/797 on the interoperability of the rail system.',
    'rail-interoperability-2016-797',
  ],
  [
    '18',
    'Motor vehicles and trailers',
    'Regulation (EU) 2018/858 on the approval and market surveillance of motor vehicles and their trailers.',
    'motor-vehicles-2018-858',
  ],
  [
    '19',
    'Vehicle general safety',
    'Regulation (EU) 2019/2144 on type-approval requirements for motor vehicles as regards general safety.',
    'vehicle-general-safety-2019-2144',
  ],
  [
    '20',
    'Civil aviation (unmanned aircraft)',
    'Regulation (EU) 2018/1139 on civil aviation, as far as unmanned aircraft and their engines, propellers, parts and remote-control equipment are concerned.',
    'civil-aviation-2018-1139',
  ],
]
/**
 * The AI Act article that amends each Section B act (Arts. 102-109, OJ). Under Art. 2(2) this is how
 * the high-risk requirements reach those products: the Commission takes Chapter III Section 2 into
 * account when it adopts delegated, implementing or other measures under the sector act.
 */
const B1_AMENDED_BY = {
  13: '102',
  14: '104',
  15: '103',
  16: '105',
  17: '106',
  18: '107',
  19: '109',
  20: '108',
}
for (const [n, name, summary, act] of B1)
  ref(
    `annex-i.b.${n}`,
    name,
    `${summary} Art. ${B1_AMENDED_BY[n]} of the AI Act amends it so that the Chapter III Section 2 requirements are taken into account in the measures adopted under it.`,
    { ref_id: `Annex I Section B point ${n}`, use_cases: [act] },
  )
ref(
  'annex-i.b.21',
  'Machinery',
  'Regulation (EU) 2023/1230 on machinery, moved here from Section A point 1 by the amendment, which also amends the Machinery Regulation itself.',
  {
    ref_id: 'Annex I Section B point 21',
    use_cases: ['machinery-2023-1230'],
    law_versions: [AMND],
    uncertain: `${MACHINERY_UNC} How Reg. (EU) 2026/1744 brings the high-risk requirements into the Machinery Regulation (the counterpart of Arts. 102-109) was not checked.`,
  },
)

// ---------------------------------------------------------------------------------------------
// Annex III: high-risk use cases (8 areas, 25 points)
// ---------------------------------------------------------------------------------------------

ref(
  'annex-iii',
  'High-risk AI systems referred to in Art. 6(2)',
  'The use cases that make a system high-risk under Art. 6(2), in eight areas; not amended by Reg. (EU) 2026/1744.',
  { ref_id: 'Annex III' },
)
const AREAS = [
  [
    '1',
    'Biometrics',
    'Biometric systems, as far as their use is permitted under Union or national law.',
  ],
  [
    '2',
    'Critical infrastructure',
    'Safety components in the management and operation of critical digital infrastructure, road traffic, or the supply of water, gas, heating or electricity.',
    ['critical-infrastructure-safety'],
  ],
  [
    '3',
    'Education and vocational training',
    'Systems deciding or shaping access to and progress in education and vocational training.',
  ],
  [
    '4',
    'Employment, workers management and access to self-employment',
    'Systems used in recruitment and in decisions about workers.',
  ],
  [
    '5',
    'Access to essential private and public services and benefits',
    'Systems deciding access to public benefits, credit, life and health insurance and emergency services.',
  ],
  [
    '6',
    'Law enforcement',
    'Systems used by or for law-enforcement authorities, as far as permitted under Union or national law.',
  ],
  [
    '7',
    'Migration, asylum and border control management',
    'Systems used by or for competent authorities in migration, asylum and border control, as far as permitted under Union or national law.',
  ],
  [
    '8',
    'Administration of justice and democratic processes',
    'Systems assisting judicial authorities or meant to influence elections and referenda.',
  ],
]
const POINTS = {
  1: [
    [
      'a',
      'Remote biometric identification',
      'Remote biometric identification systems; biometric verification whose sole purpose is to confirm that a person is who they claim to be is excluded.',
      ['remote-biometric-identification'],
      ['biometric-verification'],
    ],
    [
      'b',
      'Biometric categorisation',
      'Biometric categorisation according to sensitive or protected attributes or characteristics inferred from biometric data.',
      ['biometric-categorisation'],
    ],
    ['c', 'Emotion recognition', 'Emotion recognition systems.', ['emotion-recognition']],
  ],
  3: [
    [
      'a',
      'Access and admission',
      'Determining access or admission to, or assigning people to, education and vocational training institutions at all levels.',
      ['education-admission'],
    ],
    [
      'b',
      'Evaluating learning outcomes',
      "Evaluating learning outcomes, including where they steer a person's learning process.",
      ['education-evaluation'],
    ],
    [
      'c',
      'Assessing the level of education',
      'Assessing the appropriate level of education a person will receive or be able to access.',
      ['education-level-assessment'],
    ],
    [
      'd',
      'Monitoring tests',
      'Monitoring and detecting prohibited behaviour of students during tests.',
      ['exam-proctoring'],
    ],
  ],
  4: [
    [
      'a',
      'Recruitment and selection',
      'Recruiting or selecting people, in particular placing targeted job advertisements, analysing and filtering applications and evaluating candidates.',
      ['recruitment'],
    ],
    [
      'b',
      'Decisions about workers',
      "Decisions on terms of work relationships, promotion or termination, task allocation based on behaviour or personal traits, and monitoring and evaluating workers' performance and behaviour.",
      ['worker-management'],
    ],
  ],
  5: [
    [
      'a',
      'Eligibility for public assistance',
      'Used by or for public authorities to evaluate eligibility for essential public assistance benefits and services, including healthcare, or to grant, reduce, revoke or reclaim them.',
      ['public-benefits-eligibility'],
    ],
    [
      'b',
      'Creditworthiness and credit scoring',
      'Evaluating the creditworthiness of natural persons or establishing their credit score; systems used to detect financial fraud are excluded.',
      ['creditworthiness'],
      ['fraud-detection'],
    ],
    [
      'c',
      'Life and health insurance',
      'Risk assessment and pricing for natural persons in life and health insurance.',
      ['life-health-insurance-pricing'],
    ],
    [
      'd',
      'Emergency calls and triage',
      'Evaluating and classifying emergency calls, dispatching or prioritising emergency first responders (police, firefighters, medical aid), and emergency healthcare patient triage.',
      ['emergency-call-triage'],
    ],
  ],
  6: [
    [
      'a',
      'Risk of becoming a victim',
      'Assessing the risk of a natural person becoming the victim of criminal offences.',
      ['victim-risk-assessment'],
    ],
    [
      'b',
      'Polygraphs (law enforcement)',
      'Polygraphs or similar tools used by or for law-enforcement authorities.',
      ['law-enforcement-polygraph'],
    ],
    [
      'c',
      'Reliability of evidence',
      'Evaluating the reliability of evidence in the investigation or prosecution of criminal offences.',
      ['evidence-reliability'],
    ],
    [
      'd',
      'Risk of offending',
      'Assessing the risk of a person offending or re-offending not solely on the basis of profiling, or assessing personality traits, characteristics or past criminal behaviour of persons or groups.',
      ['offending-risk-assessment'],
    ],
    [
      'e',
      'Profiling in criminal matters',
      'Profiling natural persons (Directive (EU) 2016/680 Art. 3(4)) in the detection, investigation or prosecution of criminal offences.',
      ['law-enforcement-profiling'],
    ],
  ],
  7: [
    [
      'a',
      'Polygraphs (migration)',
      'Polygraphs or similar tools used by or for competent public authorities.',
      ['migration-polygraph'],
    ],
    [
      'b',
      'Risks posed by entrants',
      'Assessing a security, irregular-migration or health risk posed by a person who intends to enter or has entered a Member State.',
      ['migration-risk-assessment'],
    ],
    [
      'c',
      'Asylum, visa and residence applications',
      'Assisting the examination of applications for asylum, visas or residence permits and related complaints, including assessing the reliability of evidence.',
      ['asylum-visa-examination'],
    ],
    [
      'd',
      'Identifying persons',
      'Detecting, recognising or identifying natural persons in migration, asylum or border control; verification of travel documents is excluded.',
      ['migration-person-identification'],
      ['travel-document-verification'],
    ],
  ],
  8: [
    [
      'a',
      'Assisting judicial authorities',
      'Assisting a judicial authority, or alternative dispute resolution, in researching and interpreting facts and law and applying the law to facts.',
      ['judicial-assistance'],
    ],
    [
      'b',
      'Influencing elections',
      "Influencing the outcome of an election or referendum or people's voting behaviour; tools whose output people are not directly exposed to, such as campaign logistics, are excluded.",
      ['election-influence'],
      ['campaign-logistics'],
    ],
  ],
}
for (const [n, name, summary, useCases] of AREAS) {
  ref(`annex-iii.${n}`, name, summary, useCases ? { use_cases: useCases } : {})
  for (const [l, pname, psummary, uc, excluded] of POINTS[n] ?? [])
    ref(`annex-iii.${n}.${l}`, pname, psummary, {
      use_cases: uc,
      ...(excluded ? { excluded_use_cases: excluded } : {}),
    })
}

// ---------------------------------------------------------------------------------------------
// Annex IV: technical documentation (obligations like Art. 11)
// ---------------------------------------------------------------------------------------------

const TD = { ...HR_PROVIDER }
add(
  'annex-iv',
  'Technical documentation',
  'The minimum contents of the technical documentation referred to in Art. 11(1).',
  {
    ...TD,
    hint: 'The technical documentation file with a section for each of the nine Annex IV points.',
  },
)
const IV = [
  [
    '1',
    'General description of the system',
    'A general description of the AI system, covering points (a) to (h).',
    ['system'],
    'A general description section in the technical documentation.',
  ],
  [
    '1.a',
    'Purpose, provider and version',
    "Its intended purpose, the provider's name, and the system version and how it relates to earlier versions.",
    ['system.intendedPurpose', 'provider', 'system.version'],
    'A section naming the intended purpose, provider and version history.',
  ],
  [
    '1.b',
    'Interaction with other hardware and software',
    'How the system interacts with, or can be used to interact with, hardware or software, including other AI systems, that are not part of it.',
    ['system.software', 'system.hardware'],
    'A description of external interfaces and dependencies.',
  ],
  [
    '1.c',
    'Software and firmware versions',
    'Versions of relevant software or firmware and any requirements on version updates.',
    ['system.software'],
    'A list of software and firmware versions and update requirements.',
  ],
  [
    '1.d',
    'Forms of supply',
    'All forms in which the system is placed on the market or put into service, such as software packages embedded in hardware, downloads or APIs.',
    ['system.forms'],
    'A list of the forms of supply.',
  ],
  [
    '1.e',
    'Target hardware',
    'The hardware on which the system is meant to run.',
    ['system.hardware'],
    'A description of the target hardware.',
  ],
  [
    '1.f',
    'Product features',
    'Where the system is a component of products, photographs or illustrations of their external features, marking and internal layout.',
    undefined,
    'Photos or drawings of the product, or a statement that the system is not a product component.',
  ],
  [
    '1.g',
    'User interface',
    'A basic description of the user interface provided to the deployer.',
    ['system.userInterface'],
    'A description or screenshots of the deployer interface.',
  ],
  [
    '1.h',
    'Instructions for use',
    'The instructions for use for the deployer and, where applicable, a basic description of the user interface.',
    undefined,
    'The instructions for use included in or referenced from the documentation.',
  ],
  [
    '2',
    'Elements and development process',
    'A detailed description of the elements of the system and of its development process, covering points (a) to (h).',
    undefined,
    'A development-process section in the technical documentation.',
  ],
  [
    '2.a',
    'Development methods and third-party components',
    'Methods and steps of development, including any use of pre-trained systems or third-party tools and how they were used, integrated or modified.',
    ['models'],
    'A description of development steps and pre-trained or third-party components.',
  ],
  [
    '2.b',
    'Design specifications',
    'General logic and algorithms, key design choices with rationale and assumptions (including about the persons or groups concerned), main classification choices, what is optimised, expected output and quality, and trade-offs made to meet Section 2.',
    undefined,
    'A design specification with rationale for key choices.',
  ],
  [
    '2.c',
    'Architecture and compute',
    'The system architecture, how software components build on or feed into each other, and the computational resources used to develop, train, test and validate it.',
    undefined,
    'An architecture diagram and a compute statement.',
  ],
  [
    '2.d',
    'Data requirements',
    'Data requirements and datasheets describing training methods and techniques and the data sets used, including provenance, scope, characteristics, how data were obtained and selected, labelling and cleaning.',
    ['datasets'],
    'Dataset sheets for each data set used.',
  ],
  [
    '2.e',
    'Human oversight assessment',
    'Assessment of the human oversight measures needed under Art. 14, including technical measures that help deployers interpret outputs.',
    ['humanOversight'],
    'The human oversight assessment.',
  ],
  [
    '2.f',
    'Pre-determined changes',
    'Where applicable, pre-determined changes to the system and its performance, with the technical solutions that keep it compliant.',
    ['predeterminedChanges'],
    'A list of pre-determined changes and how compliance is maintained.',
  ],
  [
    '2.g',
    'Validation and testing',
    'Validation and testing procedures, data used and its characteristics, metrics for accuracy, robustness and other Section 2 requirements and for discriminatory impacts, with dated and signed test logs and reports.',
    ['accuracy'],
    'Dated and signed test reports and logs.',
  ],
  [
    '2.h',
    'Cybersecurity measures',
    'The cybersecurity measures put in place.',
    ['cybersecurity'],
    'A description of the cybersecurity measures.',
  ],
  [
    '3',
    'Monitoring, functioning and control',
    'Capabilities and limits of performance, including accuracy for specific persons or groups and overall, foreseeable unintended outcomes and sources of risk, human oversight measures, and input data specifications.',
    ['accuracy', 'humanOversight'],
    'A section on performance limits, risks and oversight.',
  ],
  [
    '4',
    'Appropriateness of performance metrics',
    'Why the performance metrics chosen are appropriate for the system.',
    ['accuracy'],
    'A justification of the chosen metrics.',
  ],
  [
    '5',
    'Risk management system',
    'A detailed description of the risk management system under Art. 9.',
    ['riskManagement'],
    'The risk management description.',
  ],
  [
    '6',
    'Lifecycle changes',
    'Relevant changes made by the provider to the system over its lifecycle.',
    ['changes'],
    'A change log.',
  ],
  [
    '7',
    'Standards applied',
    'Harmonised standards applied in full or in part, with their references; where none are applied, the solutions used to meet Section 2, including other standards and technical specifications.',
    ['harmonisedStandards', 'otherStandards'],
    'A list of standards applied or the alternative solutions.',
  ],
  [
    '8',
    'EU declaration of conformity',
    'A copy of the EU declaration of conformity (Art. 47).',
    ['declaration'],
    'A copy of the signed declaration.',
  ],
  [
    '9',
    'Post-market performance evaluation',
    'The system for evaluating performance after market placement (Art. 72), including the post-market monitoring plan.',
    ['postMarketMonitoring'],
    'The post-market monitoring plan.',
  ],
]
for (const [n, name, summary, fields, hint] of IV)
  add(`annex-iv.${n}`, name, summary, { ...TD, hint, ...(fields ? { fields } : {}) })

// ---------------------------------------------------------------------------------------------
// Annex V: EU declaration of conformity (reference, assessed through Art. 47)
// ---------------------------------------------------------------------------------------------

ref(
  'annex-v',
  'EU declaration of conformity',
  'The information the EU declaration of conformity (Art. 47) contains.',
  { ref_id: 'Annex V' },
)
const V = [
  [
    '1',
    'System name and reference',
    "The system's name and type and any additional unambiguous reference allowing identification and traceability.",
    ['system.name', 'system.version', 'system.reference'],
  ],
  [
    '2',
    'Provider or representative',
    'The name and address of the provider or, where applicable, the authorised representative.',
    ['provider', 'provider.authorisedRepresentative'],
  ],
  [
    '3',
    'Sole responsibility',
    'A statement that the declaration is issued under the sole responsibility of the provider.',
    ['declaration'],
  ],
  [
    '4',
    'Statement of conformity',
    'A statement that the system conforms to the AI Act and, where applicable, other Union law providing for such a declaration.',
    ['declaration'],
  ],
  [
    '5',
    'Data protection statement',
    'Where personal data are processed, a statement that the system complies with Regulations (EU) 2016/679 and (EU) 2018/1725 and Directive (EU) 2016/680.',
    ['classification.processesPersonalData'],
  ],
  [
    '6',
    'Standards and specifications',
    'References to harmonised standards or common specifications used.',
    ['harmonisedStandards'],
  ],
  [
    '7',
    'Notified body',
    "Where applicable, the notified body's name and number, the conformity assessment procedure performed and the certificate identification.",
    [
      'conformityAssessment.notifiedBody',
      'conformityAssessment.procedure',
      'conformityAssessment.certificate',
    ],
  ],
  [
    '8',
    'Place, date and signature',
    'Place and date of issue, name and function of the signatory and on whose behalf they signed, and the signature.',
    ['declaration.place', 'declaration.date', 'declaration.signatory'],
  ],
]
for (const [n, name, summary, fields] of V) ref(`annex-v.${n}`, name, summary, { fields })

// ---------------------------------------------------------------------------------------------
// Header and output
// ---------------------------------------------------------------------------------------------

const catalog = {
  $schema: '../schema/catalog.v1.schema.json',
  urn: 'urn:accord:catalog:eu-ai-act-2024-1689',
  framework: 'eu-ai-act',
  edition: '2024-1689',
  version: 3,
  name: 'EU Artificial Intelligence Act (Regulation (EU) 2024/1689)',
  description:
    'Classification rules and operator obligations of the EU AI Act as published (OJ L, 12.7.2024) and as amended by Regulation (EU) 2026/1744 (Digital Omnibus on AI): AI literacy, prohibited practices, high-risk classification (Art. 6, Annexes I and III), requirements and obligations for high-risk systems, transparency, general-purpose AI models, post-market monitoring and serious incidents, technical documentation (Annex IV) and the EU declaration of conformity (Annex V). Summaries are paraphrases; this is not legal advice.',
  kind: 'law',
  locale: 'en',
  publication_date: '2026-11-21',
  provider: 'Accord',
  copyright:
    "Names, summaries, structure and mappings are Accord's own work, licensed Apache-2.0. Identifiers, numbers and dates come from EU legislation; the EUR-Lex legal notice and Commission Decision 2011/833/EU allow reuse of EU legal texts with acknowledgement of the source (© European Union, https://eur-lex.europa.eu). Only the Official Journal text is authentic.",
  sources: [
    {
      title:
        'Regulation (EU) 2024/1689 (Artificial Intelligence Act), OJ L, 12.7.2024, CELEX 32024R1689',
      url: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689',
      note: 'ELI http://data.europa.eu/eli/reg/2024/1689/oj. Numbering follows the OJ text.',
    },
    {
      title: 'Regulation (EU) 2026/1744 (Digital Omnibus on AI), OJ L, 24.7.2026',
      url: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202601744',
      note: 'Amending act, in force 27.7.2026. Its content is encoded from secondary sources quoting it; not checked on EUR-Lex by Accord.',
    },
    {
      title: 'Regulation (EU) 2024/1689, consolidated text of 27.7.2026, CELEX 02024R1689-20260727',
      url: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02024R1689-20260727',
      note: 'Documentation tool without legal effect; used for the amended numbering (Art. 5(1)(ba), (bb), 5(1a), 5(1b); Annex I Section B point 21).',
    },
  ],
  law_versions: [
    {
      id: ORIG,
      title: 'Regulation (EU) 2024/1689 as published',
      source: 'OJ L, 12.7.2024; CELEX 32024R1689; ELI http://data.europa.eu/eli/reg/2024/1689/oj',
      url: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689',
      in_force_from: '2024-08-01',
      legacy_high_risk: {
        cites: 'Art. 111(2)',
        placed_before: { 'annex-i': '2026-08-02', 'annex-iii': '2026-08-02' },
        public_authorities_by: '2030-08-02',
        note: 'Art. 111(2) as published: high-risk systems placed on the market or put into service before 2 August 2026 are caught only if their design changes significantly from that date; those intended to be used by public authorities must comply by 2 August 2030.',
        uncertain: LEGACY_READING,
      },
      legacy_gpai: LEGACY_GPAI,
    },
    {
      id: AMND,
      title:
        'Regulation (EU) 2024/1689 as amended by Regulation (EU) 2026/1744 (Digital Omnibus on AI)',
      source:
        'Regulation (EU) 2026/1744, OJ L, 24.7.2026; consolidated text CELEX 02024R1689-20260727',
      url: 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02024R1689-20260727',
      in_force_from: '2026-07-27',
      uncertain:
        'Publication, entry into force and the amended provisions are corroborated by several independent secondary sources quoting the OJ and consolidated texts; Accord has not checked them on EUR-Lex.',
      legacy_high_risk: {
        cites: 'Art. 111(2)',
        placed_before: { 'annex-i': '2028-08-02', 'annex-iii': '2027-12-02' },
        public_authorities_by: '2030-08-02',
        note: 'Art. 111(2) as replaced by Reg. (EU) 2026/1744 Art. 1(39)(a): the cut-off is the date of application of Chapter III under Art. 113 (2 December 2027 for Annex III systems, 2 August 2028 for Annex I systems) instead of 2 August 2026; the 2 August 2030 date for systems intended to be used by public authorities is kept.',
        uncertain: `${LEGACY_READING} ${SEC}`,
      },
      legacy_gpai: {
        ...LEGACY_GPAI,
        note: `${LEGACY_GPAI.note} Unchanged by Reg. (EU) 2026/1744 as far as reported.`,
      },
    },
  ],
  nodes,
}

const json = JSON.stringify(catalog, null, 2) + '\n'
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(OUT, 'utf8')
  } catch {
    // missing file is stale
  }
  if (current !== json) {
    console.error(`${OUT} is stale; run: node scripts/build-eu-catalog.mjs`)
    process.exit(1)
  }
  console.log(`${OUT} is up to date (${nodes.length} nodes)`)
} else {
  mkdirSync(dirname(OUT), { recursive: true })
  writeFileSync(OUT, json)
  console.log(`wrote ${OUT} (${nodes.length} nodes)`)
}
