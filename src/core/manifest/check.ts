/**
 * Cross-field checks of a manifest that the schema cannot express: statements that contradict
 * each other, references to evidence ids that do not exist, evidence paths that leave the
 * manifest's folder.
 *
 * A contradiction is an error (the facts cannot both be true, so any classification built on
 * them would be wrong). A combination that is possible but probably a mistake is a warning.
 * Facts that are merely legally significant (e.g. a derogation claimed while the system profiles
 * natural persons) are findings for the classifier, not issues here.
 */
import { bidiIssues } from '../bidi.js'
import { walkStrings } from '../text-walk.js'
import type { Issue } from '../errors.js'
import { countryHint, isIsoCountry } from '../iso-3166.js'
import { regionProblem } from '../policy/regions.js'
import type { MANIFEST_ISSUE_CODES, ManifestIssueCode } from './codes.js'
import type { Manifest, UseCase } from './schema.js'
import { EU_MEMBER_STATES } from './schema.js'

export type Severity = 'error' | 'warning'

/** An issue from `checkManifest`, with its severity. */
export interface ManifestIssue extends Issue {
  severity: Severity
}

/**
 * Use cases listed in Annex III: the `use_cases` of the catalog's Annex III points, which a test
 * keeps equal to this set (the manifest checks run without the catalog). The use cases the points
 * expressly exclude are not among them: `biometric-verification` (point 1(a)), `fraud-detection`
 * (5(b)), `travel-document-verification` (7(d)) and `campaign-logistics` (8(b)).
 */
export const ANNEX_III_USE_CASES: ReadonlySet<UseCase> = new Set<UseCase>([
  'remote-biometric-identification',
  'biometric-categorisation',
  'emotion-recognition',
  'critical-infrastructure-safety',
  'education-admission',
  'education-evaluation',
  'education-level-assessment',
  'exam-proctoring',
  'recruitment',
  'worker-management',
  'public-benefits-eligibility',
  'creditworthiness',
  'life-health-insurance-pricing',
  'emergency-call-triage',
  'victim-risk-assessment',
  'law-enforcement-polygraph',
  'evidence-reliability',
  'offending-risk-assessment',
  'law-enforcement-profiling',
  'migration-polygraph',
  'migration-risk-assessment',
  'asylum-visa-examination',
  'migration-person-identification',
  'judicial-assistance',
  'election-influence',
])

/**
 * Use cases that are plainly civilian (law enforcement, migration, civil services, justice,
 * elections) and so contradict a claim of *exclusive* military, defence or national-security use
 * (Art. 2(3)). Recruitment, worker management and education are left out on purpose: armed
 * forces recruit, manage and train too. This is our reading, not a list from the Act.
 */
export const CIVIL_USE_CASES: ReadonlySet<UseCase> = new Set<UseCase>([
  'social-scoring',
  'public-benefits-eligibility',
  'creditworthiness',
  'life-health-insurance-pricing',
  'emergency-call-triage',
  'victim-risk-assessment',
  'law-enforcement-polygraph',
  'evidence-reliability',
  'offending-risk-assessment',
  'law-enforcement-profiling',
  'crime-prediction-profiling',
  'migration-polygraph',
  'migration-risk-assessment',
  'asylum-visa-examination',
  'migration-person-identification',
  'travel-document-verification',
  'judicial-assistance',
  'election-influence',
  'campaign-logistics',
])

const EU = new Set<string>(EU_MEMBER_STATES)

/** All cross-field issues of `m`, errors and warnings, in manifest order. */
export interface CheckManifestOptions {
  /**
   * The manifest's source text holds no bidi control (`mayHoldBidiControls` is false), so the
   * walk over every string for them is skipped.
   */
  sourceHasNoBidiControls?: boolean
  /**
   * The manifest's source text holds no placeholder (`mayHoldPlaceholders` is false), so the walk
   * over every string for them is skipped.
   */
  sourceHasNoPlaceholders?: boolean
}

export function checkManifest(m: Manifest, options: CheckManifestOptions = {}): ManifestIssue[] {
  const evidence = checkEvidence(m)
  return [
    ...checkTerritory(m),
    ...checkCountryCodes(m),
    ...checkMilitary(m),
    ...checkScopeExclusions(m),
    ...checkBiometrics(m),
    ...checkProfiling(m),
    ...checkDerogation(m),
    ...checkModels(m),
    ...checkRepeatedEntries(m),
    ...checkProviderFields(m),
    ...checkAssurance(m),
    ...checkRisks(m),
    ...evidence.issues,
    ...checkEvidenceRefs(m, evidence.ids),
    // Refused here, where text enters, rather than neutralised in each renderer: the manifest
    // also feeds passports (signed, shown by other parties' tools) and exports. See ../bidi.ts.
    ...(options.sourceHasNoBidiControls
      ? []
      : bidiIssues(m).map((i): ManifestIssue => ({ severity: 'error', ...i }))),
    ...(options.sourceHasNoPlaceholders ? [] : checkPlaceholders(m)),
  ]
}

/**
 * A placeholder `accord init` writes (./starter.ts) for an answer it cannot know: text that starts
 * with "TODO:" (or is "TODO"), or an e-mail address in the reserved domain example.invalid (RFC 2606),
 * which can never be a real one.
 */
export function isPlaceholder(text: string): boolean {
  return /^TODO(?::|$)/.test(text) || /@example\.invalid$/i.test(text)
}

/** False when `source` can hold no placeholder, so `checkPlaceholders`' walk can be skipped. */
export function mayHoldPlaceholders(source: string): boolean {
  return source.includes('TODO') || /example\.invalid/i.test(source)
}

/** One `placeholder_text` warning for every string value still holding a placeholder. */
function checkPlaceholders(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  walkStrings(m, (text, path, isKey) => {
    if (!isKey && isPlaceholder(text))
      out.push(
        warning(
          'placeholder_text',
          [...path],
          `${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)} is a placeholder from accord init`,
          'replace it with the real answer; the comment above it in the starter manifest says what is asked',
        ),
      )
  })
  return out
}

/** Splits issues into errors and warnings, dropping the severity field. */
export function splitBySeverity(issues: readonly ManifestIssue[]): {
  errors: Issue[]
  warnings: Issue[]
} {
  const errors: Issue[] = []
  const warnings: Issue[] = []
  for (const { severity, ...issue } of issues)
    (severity === 'error' ? errors : warnings).push(issue)
  return { errors, warnings }
}

/** The codes of MANIFEST_ISSUE_CODES (docs/errors.md) with severity `S`. */
type CodeOf<S extends Severity> = {
  [K in ManifestIssueCode]: (typeof MANIFEST_ISSUE_CODES)[K]['severity'] extends S ? K : never
}[ManifestIssueCode]

function error(
  code: CodeOf<'error'>,
  path: Issue['path'],
  message: string,
  hint: string,
): ManifestIssue {
  return { severity: 'error', code, path, message, hint }
}

function warning(
  code: CodeOf<'warning'>,
  path: Issue['path'],
  message: string,
  hint: string,
): ManifestIssue {
  return { severity: 'warning', code, path, message, hint }
}

function checkTerritory(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const c = m.classification
  const states = m.deployment.memberStates
  if (!c.outputUsedInEu && c.placedOnEuMarket) {
    out.push(
      error(
        'eu_output_contradicts_market',
        ['classification', 'outputUsedInEu'],
        'outputUsedInEu is false but placedOnEuMarket is true: a system placed on the EU market is used there',
        'set classification.outputUsedInEu to true, or placedOnEuMarket to false if it is not offered in the EU',
      ),
    )
  }
  if (!c.outputUsedInEu && states.length > 0) {
    out.push(
      error(
        'eu_output_contradicts_member_states',
        ['classification', 'outputUsedInEu'],
        `outputUsedInEu is false but deployment.memberStates lists ${states.join(', ')}`,
        'set classification.outputUsedInEu to true, or empty deployment.memberStates',
      ),
    )
  }
  states.forEach((s, i) => {
    // Not a country at all: unknown_country (checkCountryCodes), not "move it to otherCountries".
    if (!EU.has(s) && isIsoCountry(s)) {
      out.push(
        error(
          'not_an_eu_member_state',
          ['deployment', 'memberStates', i],
          `${s} is not an EU member state`,
          `move ${s} to deployment.otherCountries`,
        ),
      )
    }
  })
  m.deployment.otherCountries.forEach((s, i) => {
    if (EU.has(s)) {
      out.push(
        warning(
          'eu_member_state_in_other_countries',
          ['deployment', 'otherCountries', i],
          `${s} is an EU member state but is listed under otherCountries`,
          `move ${s} to deployment.memberStates`,
        ),
      )
    }
  })
  return out
}

/**
 * Country and region codes must be real: an ISO 3166-1 alpha-2 code (../iso-3166.ts) wherever a
 * country is named, as the documents and the OSCAL and CycloneDX exports state it as such.
 * `deployment.memberStates` also takes EL (EU usage for Greece; not_an_eu_member_state covers
 * other countries). `assurance.dataResidency` takes the regions of acceptance policies (EU, EEA,
 * the aliases EL and UK, country codes; ../policy/regions.ts), since policies compare it with
 * theirs: a code that is no region lies within nothing and would fail every residency rule.
 */
function checkCountryCodes(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const country = (code: string, path: Issue['path'], allowed = isIsoCountry) => {
    if (!allowed(code))
      out.push(
        error(
          'unknown_country',
          path,
          `${code} is not an ISO 3166-1 alpha-2 country code`,
          countryHint(code),
        ),
      )
  }
  country(m.provider.country, ['provider', 'country'])
  const rep = m.provider.authorisedRepresentative
  if (rep !== undefined) country(rep.country, ['provider', 'authorisedRepresentative', 'country'])
  m.deployment.memberStates.forEach((s, i) =>
    country(s, ['deployment', 'memberStates', i], (c) => EU.has(c) || isIsoCountry(c)),
  )
  m.deployment.otherCountries.forEach((s, i) =>
    // EL there is an EU member state: eu_member_state_in_other_countries says so.
    country(s, ['deployment', 'otherCountries', i], (c) => EU.has(c) || isIsoCountry(c)),
  )
  m.assurance?.dataResidency.forEach((r, i) => {
    const problem = regionProblem(r)
    if (problem !== undefined)
      out.push(
        error('unknown_region', ['assurance', 'dataResidency', i], problem.message, problem.hint),
      )
  })
  return out
}

function checkMilitary(m: Manifest): ManifestIssue[] {
  const c = m.classification
  if (!c.exclusivelyMilitaryDefenceNationalSecurity) return []
  const out: ManifestIssue[] = []
  const flags = (['lawEnforcement', 'migration'] as const).filter((f) => m.deployment[f])
  for (const f of flags) {
    out.push(
      error(
        'military_exclusive_contradicts_deployment',
        ['deployment', f],
        `exclusivelyMilitaryDefenceNationalSecurity is true but deployment.${f} is true: ${f === 'lawEnforcement' ? 'law enforcement' : 'migration control'} is a civil use`,
        `set deployment.${f} to false, or classification.exclusivelyMilitaryDefenceNationalSecurity to false (the Art. 2(3) exclusion needs exclusive use)`,
      ),
    )
  }
  c.useCases.forEach((u, i) => {
    if (CIVIL_USE_CASES.has(u)) {
      out.push(
        error(
          'military_exclusive_contradicts_use_case',
          ['classification', 'useCases', i],
          `exclusivelyMilitaryDefenceNationalSecurity is true but use case ${u} is a civil use`,
          'remove the civil use case, or set classification.exclusivelyMilitaryDefenceNationalSecurity to false (the Art. 2(3) exclusion needs exclusive use)',
        ),
      )
    }
  })
  return out
}

/** Deployment answers that name a professional or public use (Art. 2(10) needs purely personal use). */
const PROFESSIONAL_USE = [
  'publicBody',
  'publicService',
  'workplace',
  'education',
  'lawEnforcement',
  'migration',
] as const

/**
 * Answers about the exclusions of Art. 2(4), 2(6), 2(8) and 2(10) that cannot all be true: a
 * system still before placing on the market (2(8)) that is placed on the market or put into
 * service for research (2(6)); purely personal use (2(10)) by public, workplace or
 * law-enforcement deployers; a vendor that is the third-country authority using the system
 * (2(4)) without being a deployer.
 */
function checkScopeExclusions(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const c = m.classification
  const d = m.deployment
  if (c.preMarketResearchOnly && c.placedOnEuMarket) {
    out.push(
      error(
        'pre_market_contradicts_placed',
        ['classification', 'preMarketResearchOnly'],
        'preMarketResearchOnly is true but placedOnEuMarket is true: a system placed on the EU market or put into service is past the research, testing and development stage of Art. 2(8)',
        'set classification.preMarketResearchOnly to false, or placedOnEuMarket to false if the system is not yet placed on the market or put into service',
      ),
    )
  }
  if (c.preMarketResearchOnly && c.scientificResearchOnly) {
    out.push(
      error(
        'pre_market_contradicts_scientific_research',
        ['classification', 'preMarketResearchOnly'],
        'preMarketResearchOnly and scientificResearchOnly are both true: Art. 2(6) is about systems put into service for scientific research, Art. 2(8) about activity before a system is put into service',
        'keep scientificResearchOnly if the system is in use for scientific research only, or preMarketResearchOnly if it is not yet placed on the market or put into service',
      ),
    )
  }
  if (c.realWorldTesting && !c.preMarketResearchOnly) {
    out.push(
      warning(
        'real_world_testing_without_pre_market',
        ['classification', 'realWorldTesting'],
        'realWorldTesting is true but preMarketResearchOnly is false, so it has no effect: it only says that the Art. 2(8) exclusion does not cover the testing',
        'set classification.preMarketResearchOnly to true if the system is not yet placed on the market or put into service, or remove realWorldTesting',
      ),
    )
  }
  if (d.purelyPersonalUse) {
    for (const f of PROFESSIONAL_USE) {
      if (!d[f]) continue
      out.push(
        error(
          'personal_use_contradicts_deployment',
          ['deployment', f],
          `deployment.purelyPersonalUse is true but deployment.${f} is true: that is not a purely personal, non-professional use`,
          `set deployment.${f} to false, or deployment.purelyPersonalUse to false (the Art. 2(10) exclusion needs every deployer to be a natural person using the system for purely personal purposes)`,
        ),
      )
    }
    if (d.internationalCooperation !== undefined) {
      out.push(
        error(
          'personal_use_contradicts_deployment',
          ['deployment', 'internationalCooperation'],
          'deployment.purelyPersonalUse is true but deployment.internationalCooperation names a public authority or international organisation as user',
          'remove deployment.internationalCooperation, or set deployment.purelyPersonalUse to false',
        ),
      )
    }
  }
  if (d.internationalCooperation?.vendorIsTheUser && !m.roles.includes('deployer')) {
    out.push(
      error(
        'international_cooperation_user_not_deployer',
        ['deployment', 'internationalCooperation', 'vendorIsTheUser'],
        'deployment.internationalCooperation.vendorIsTheUser is true but roles does not include deployer: an authority that uses the system is its deployer',
        'add deployer to roles, or set vendorIsTheUser to false if the vendor only supplies the system to that authority',
      ),
    )
  }
  return out
}

function checkBiometrics(m: Manifest): ManifestIssue[] {
  const b = m.classification.biometrics
  if (b === undefined) return []
  const out: ManifestIssue[] = []
  const rbi = m.classification.useCases.includes('remote-biometric-identification')
  if (b.realTime && !rbi) {
    out.push(
      error(
        'real_time_without_rbi',
        ['classification', 'biometrics', 'realTime'],
        'biometrics.realTime is true but classification.useCases lacks remote-biometric-identification',
        'add remote-biometric-identification to classification.useCases, or set biometrics.realTime to false',
      ),
    )
  }
  if (b.realTimeObjectives.length > 0 && !b.realTime) {
    out.push(
      error(
        'real_time_objectives_without_real_time',
        ['classification', 'biometrics', 'realTimeObjectives'],
        'biometrics.realTimeObjectives is given but biometrics.realTime is false',
        'set biometrics.realTime to true if identification is real-time, or remove realTimeObjectives',
      ),
    )
  }
  return out
}

/**
 * Use cases that are profiling of natural persons by their legal definition: Annex III 6(e) is
 * "profiling of natural persons as referred to in Article 3(4) of Directive (EU) 2016/680" in the
 * detection, investigation or prosecution of crime. Not here: Art. 5(1)(d) and Annex III 6(d),
 * which may rest on personality traits or past behaviour instead of profiling.
 */
export const PROFILING_USE_CASES: ReadonlySet<UseCase> = new Set<UseCase>([
  'law-enforcement-profiling',
])

/**
 * A use case that is profiling contradicts `profilesNaturalPersons: false`. Left unchecked, the
 * answer would let the Art. 6(3) derogation lower a system that the last subparagraph of Art.
 * 6(3) keeps high-risk because it profiles.
 */
function checkProfiling(m: Manifest): ManifestIssue[] {
  const c = m.classification
  if (c.profilesNaturalPersons) return []
  const out: ManifestIssue[] = []
  c.useCases.forEach((u, i) => {
    if (!PROFILING_USE_CASES.has(u)) return
    out.push(
      error(
        'profiling_use_case_contradicts_answer',
        ['classification', 'profilesNaturalPersons'],
        `classification.useCases[${i}] is ${u} (Annex III 6(e): profiling of natural persons) but profilesNaturalPersons is false`,
        `set classification.profilesNaturalPersons to true (an Annex III system that profiles is always high-risk, Art. 6(3)), or remove ${u} from classification.useCases if the system does not profile`,
      ),
    )
  })
  return out
}

function checkDerogation(m: Manifest): ManifestIssue[] {
  const c = m.classification
  if (c.derogation === undefined) return []
  if (c.useCases.some((u) => ANNEX_III_USE_CASES.has(u))) return []
  return [
    warning(
      'derogation_without_annex_iii',
      ['classification', 'derogation'],
      'an Art. 6(3) derogation is claimed but no use case is listed in Annex III, so it has no effect',
      'remove classification.derogation, or add the Annex III use case it is about to classification.useCases',
    ),
  ]
}

function checkModels(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  m.models.forEach((model, i) => {
    if (model.generalPurpose && model.thirdParty) {
      out.push(
        error(
          'gpai_third_party',
          ['models', i, 'generalPurpose'],
          `model ${model.name} is marked both generalPurpose (placed on the market by this provider) and thirdParty`,
          "for a third party's GPAI model set generalPurpose to false (its obligations fall on that party); for your own model set thirdParty to false",
        ),
      )
    }
    if (model.weightsPublic && model.licence.trim().toLowerCase() === 'proprietary') {
      out.push(
        error(
          'public_weights_proprietary_licence',
          ['models', i, 'weightsPublic'],
          `model ${model.name} has weightsPublic true but licence proprietary`,
          'give the licence under which the weights are published (e.g. Apache-2.0), or set weightsPublic to false',
        ),
      )
    }
  })
  return out
}

/**
 * A remote disable that exists with nobody controlling it, or that does not exist with someone
 * controlling it, contradicts itself; a buyer's policy would read one half and pass or fail on it.
 */
function checkAssurance(m: Manifest): ManifestIssue[] {
  const rd = m.assurance?.remoteDisable
  if (rd === undefined || rd.exists === (rd.controlledBy !== 'none')) return []
  return [
    error(
      'remote_disable_contradiction',
      ['assurance', 'remoteDisable', 'controlledBy'],
      rd.exists
        ? 'assurance.remoteDisable.exists is true but controlledBy is none'
        : `assurance.remoteDisable.exists is false but controlledBy is ${rd.controlledBy}`,
      rd.exists
        ? 'name who can disable the system (vendor, deployer or joint), or set exists to false if nobody can'
        : 'set controlledBy to none if nobody can disable the system remotely, or set exists to true',
    ),
  ]
}

function checkProviderFields(m: Manifest): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const provider = m.roles.includes('provider')
  for (const field of ['conformityAssessment', 'declaration'] as const) {
    if (!provider && m[field] !== undefined) {
      out.push(
        warning(
          'provider_field_without_provider_role',
          [field],
          `${field} is given but roles does not include provider; only providers carry it out`,
          `add provider to roles if you are the provider, or remove ${field}`,
        ),
      )
    }
  }
  const ca = m.conformityAssessment
  if (ca?.procedure === 'annex-vii-notified-body' && ca.notifiedBody === undefined) {
    out.push(
      warning(
        'notified_body_missing',
        ['conformityAssessment', 'notifiedBody'],
        'the Annex VII procedure involves a notified body but none is named',
        'add conformityAssessment.notifiedBody with its name and number',
      ),
    )
  }
  return out
}

function checkRisks(m: Manifest): ManifestIssue[] {
  return repeated(
    m.riskManagement?.risks ?? [],
    (r) => r.id,
    (r, i, first) =>
      error(
        'duplicate_risk_id',
        ['riskManagement', 'risks', i, 'id'],
        `risk id ${r.id} is used twice (first at riskManagement.risks[${first}])`,
        'give each risk its own id',
      ),
  )
}

/**
 * A model (same name and version) or dataset (same name) listed twice: one thing described twice,
 * whose two entries may disagree, and which exports (OSCAL, CycloneDX) would list twice.
 */
function checkRepeatedEntries(m: Manifest): ManifestIssue[] {
  return [
    ...repeated(
      m.models,
      (x) => JSON.stringify([x.name, x.version]),
      (x, i, first) =>
        error(
          'duplicate_model',
          ['models', i],
          `model ${x.name} ${x.version} is listed twice (first at models[${first}])`,
          'describe each model version once: merge the two entries, or give the second its own version',
        ),
    ),
    ...repeated(
      m.datasets,
      (x) => x.name,
      (x, i, first) =>
        error(
          'duplicate_dataset',
          ['datasets', i, 'name'],
          `dataset ${x.name} is listed twice (first at datasets[${first}])`,
          'describe each dataset once (list all its purposes in one entry), or give the second its own name',
        ),
    ),
  ]
}

/** An issue for each item whose key an earlier item has, with the index of that first item. */
function repeated<T>(
  items: readonly T[],
  key: (item: T) => string,
  issue: (item: T, index: number, first: number) => ManifestIssue,
): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const seen = new Map<string, number>()
  items.forEach((item, i) => {
    const k = key(item)
    const first = seen.get(k)
    if (first === undefined) seen.set(k, i)
    else out.push(issue(item, i, first))
  })
  return out
}

/**
 * Duplicate ids and paths, and paths leaving the folder; also returns the index of the first item
 * with each id, which `checkEvidenceRefs` looks references up in (one pass over a list that may
 * hold thousands of items).
 */
function checkEvidence(m: Manifest): { issues: ManifestIssue[]; ids: ReadonlyMap<string, number> } {
  const issues: ManifestIssue[] = []
  const ids = new Map<string, number>()
  const paths = new Map<string, number>()
  const limit = certificateLimit(m)
  for (let i = 0; i < m.evidence.length; i++) {
    const e = m.evidence[i]
    if (e.validUntil !== undefined) issues.push(...checkValidity(e, i, limit))
    const firstId = ids.get(e.id)
    if (firstId === undefined) ids.set(e.id, i)
    else {
      issues.push(
        error(
          'duplicate_evidence_id',
          ['evidence', i, 'id'],
          `evidence id ${e.id} is used twice (first at evidence[${firstId}])`,
          'give each evidence item its own id',
        ),
      )
    }
    // Most paths are plain (`docs/risk.md`): inside the folder and already in normal form.
    const plain = PLAIN_PATH.test(e.path)
    const where = plain ? undefined : evidencePathProblem(e.path)
    if (where !== undefined) {
      issues.push(
        error(
          'evidence_outside_root',
          ['evidence', i, 'path'],
          `evidence path ${e.path} ${where}`,
          "use a path relative to the manifest's folder, without '..' leaving it; move the file there if needed",
        ),
      )
      continue
    }
    const key = plain ? e.path : normaliseRelative(e.path)
    const firstPath = paths.get(key)
    if (firstPath === undefined) paths.set(key, i)
    else {
      issues.push(
        error(
          'duplicate_evidence_path',
          ['evidence', i, 'path'],
          `evidence file ${e.path} is listed twice (first at evidence[${firstPath}])`,
          'merge the two entries: one item can support several obligations through its supports list',
        ),
      )
    }
  }
  return { issues, ids }
}

/**
 * The longest validity Art. 44(2) allows a notified body's certificate for this system: five years
 * for a system covered by Annex I (a safety component or product under Annex I legislation), four
 * for one covered by Annex III; undefined when the manifest names neither route. A system with both
 * follows the Annex I act's procedure (Art. 43(3)), so it gets five years.
 */
function certificateLimit(m: Manifest): { years: number; route: string } | undefined {
  const c = m.classification
  if (c.safetyComponent !== null) return { years: 5, route: 'Annex I' }
  if (c.useCases.some((u) => ANNEX_III_USE_CASES.has(u))) return { years: 4, route: 'Annex III' }
  return undefined
}

/** Evidence types that a notified body's certificate under Art. 44 is given as. */
const CERTIFICATE_TYPES: ReadonlySet<string> = new Set(['certificate', 'conformity-assessment'])

/**
 * `validUntil` of evidence item `e` (at `evidence[i]`): after its `date`, and for a notified body's
 * certificate no longer after it than Art. 44(2) allows for the system's route (`limit`).
 */
function checkValidity(
  e: Manifest['evidence'][number],
  i: number,
  limit: { years: number; route: string } | undefined,
): ManifestIssue[] {
  const { date, validUntil } = e
  if (date === undefined || validUntil === undefined) return []
  if (validUntil <= date)
    return [
      error(
        'evidence_valid_until_not_after_date',
        ['evidence', i, 'validUntil'],
        `evidence ${e.id} is valid until ${validUntil}, ${validUntil === date ? 'the same day as' : 'before'} its date ${date}`,
        `give the last day the evidence is valid, after its date ${date}, or correct the date`,
      ),
    ]
  if (limit === undefined || e.assessedBy !== 'notified-body' || !CERTIFICATE_TYPES.has(e.type))
    return []
  const latest = addYears(date, limit.years)
  if (validUntil <= latest) return []
  return [
    warning(
      'certificate_validity_exceeds_art_44',
      ['evidence', i, 'validUntil'],
      `evidence ${e.id}, a notified body's ${e.type} dated ${date}, is valid until ${validUntil}: longer than the ${limit.years} years Art. 44(2) allows for a system covered by ${limit.route} (at most until ${latest})`,
      `check the certificate's validity and give its real expiry date (at most ${latest}); a certificate is renewed for up to ${limit.years} more years after re-assessment (Art. 44(2))`,
    ),
  ]
}

/**
 * `date` (YYYY-MM-DD) plus `years` years: the same month and day, 29 February becoming 28 February
 * in a year that has none.
 */
export function addYears(date: string, years: number): string {
  const year = String(Number(date.slice(0, 4)) + years).padStart(4, '0')
  const monthDay = date.slice(4)
  if (monthDay !== '-02-29') return year + monthDay
  const y = Number(year)
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return year + (leap ? '-02-29' : '-02-28')
}

/** References to evidence ids (`ids`: every id of `m.evidence`) that name no item. */
function checkEvidenceRefs(m: Manifest, ids: ReadonlyMap<string, number>): ManifestIssue[] {
  const out: ManifestIssue[] = []
  const ref = (id: string | undefined, path: Issue['path']) => {
    if (id === undefined || ids.has(id)) return
    const listed =
      ids.size > 0 ? `; evidence ids are ${m.evidence.map((e) => e.id).join(', ')}` : ''
    out.push(
      error(
        'unknown_evidence_ref',
        path,
        `no evidence item has id ${id}${listed}`,
        `add an item with id: ${id} to evidence, or correct the reference`,
      ),
    )
  }
  ref(m.classification.derogation?.evidence, ['classification', 'derogation', 'evidence'])
  m.datasets.forEach((d, i) => ref(d.sheet, ['datasets', i, 'sheet']))
  m.accuracy?.metrics.forEach((x, i) => ref(x.evidence, ['accuracy', 'metrics', i, 'evidence']))
  return out
}

/**
 * A relative path of names joined by single `/`, each name of letters, digits, `_`, `-` and `.`
 * but not starting with `.`: no `.` or `..` names, no empty ones, not absolute, no drive letter or
 * backslash. Such a path stays inside the folder and `normaliseRelative` returns it unchanged.
 */
const PLAIN_PATH = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/

/** True for a plain relative path (see `PLAIN_PATH`): inside the folder and in normal form. */
export function isPlainPath(p: string): boolean {
  return PLAIN_PATH.test(p)
}

/**
 * Why `p` leaves the manifest's folder, or undefined when it stays inside. Lexical only (the core
 * has no file system); src/node/fs-safe.ts also resolves symbolic links.
 */
export function evidencePathProblem(p: string): string | undefined {
  if (p.includes('\0')) return 'contains a NUL character'
  if (/^[/\\]/.test(p) || /^[A-Za-z]:/.test(p)) return 'is absolute'
  let depth = 0
  for (const seg of p.split(/[/\\]+/)) {
    if (seg === '..') depth--
    else if (seg !== '.' && seg !== '') depth++
    if (depth < 0) return "uses '..' to leave the manifest's folder"
  }
  return undefined
}

/** `./docs//a.md` and `docs/a.md` name the same file. */
function normaliseRelative(p: string): string {
  const out: string[] = []
  for (const seg of p.split(/[/\\]+/)) {
    if (seg === '..') out.pop()
    else if (seg !== '.' && seg !== '') out.push(seg)
  }
  return out.join('/')
}
