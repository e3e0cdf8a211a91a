/**
 * Every issue code a manifest can get, with what it means and how to fix it: the table of
 * docs/errors.md ("Manifest problems"), which test/core/manifest/codes.test.ts generates from
 * here and keeps complete (a code used in the manifest's reader or checks but missing here fails
 * it). Each issue is reported inside an error whose code (`ERR_MANIFEST_...`) sets the exit code;
 * a warning does not stop the command.
 */
import type { AccordErrorCode } from '../errors.js'

export interface ManifestIssueCodeInfo {
  /** `error` stops the command; `warning` is printed on stderr and the command goes on. */
  severity: 'error' | 'warning'
  /** The error an `error` issue is reported in (its exit code and HTTP status); none for a warning. */
  reportedAs?: Extract<AccordErrorCode, `ERR_MANIFEST_${string}`>
  meaning: string
  fix: string
}

export const MANIFEST_ISSUE_CODES = {
  // Reading the file (src/node/manifest-loader.ts).
  manifest_not_found: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_NOT_FOUND',
    meaning: 'The manifest file does not exist, is a directory, or cannot be read.',
    fix: 'Check the path; to start a new manifest, run `accord init` (or copy one of examples/*/accord.yaml).',
  },
  manifest_too_large: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'The file is larger than the 5 MiB limit for manifests.',
    fix: 'Keep documents out of the manifest: put them in files and list them under evidence.',
  },
  not_utf8: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_PARSE',
    meaning: 'The file is not valid UTF-8 text (e.g. saved as UTF-16 or Latin-1).',
    fix: 'Save the file as UTF-8 in your editor.',
  },
  manifest_empty: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'The file is empty or holds only comments.',
    fix: 'Run `accord init` for a starter, or start from one of examples/*/accord.yaml; a manifest begins with apiVersion: accord.dev/v1.',
  },
  // YAML or JSON syntax (src/core/manifest/parse.ts).
  yaml_syntax: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_PARSE',
    meaning:
      'The file is not well-formed YAML (or JSON): bad indentation, an unclosed quote or bracket, a tab, a second document after ---.',
    fix: 'Fix the syntax at the line and column given; the hint names the usual cause.',
  },
  yaml_duplicate_key: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_PARSE',
    meaning: 'A key appears twice in one mapping; YAML would silently keep one of the two values.',
    fix: 'Keep one of the two entries (merge their values if both matter).',
  },
  yaml_alias_limit: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_PARSE',
    meaning: 'YAML aliases (*name) expand to too many values (an "alias bomb" guard).',
    fix: 'Write the values out instead of using many *alias references.',
  },
  yaml_warning: {
    severity: 'warning',
    meaning:
      'The YAML parser warns about something it could read anyway, such as an unknown tag (!tag).',
    fix: 'Remove what the warning names (tags are not needed in a manifest).',
  },
  // The manifest schema (src/core/manifest/schema.ts; schema/manifest.v1.schema.json).
  unknown_key: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A key the schema does not know at that place (often a misspelling).',
    fix: 'Rename it as the hint suggests ("did you mean"), move it where it belongs, or remove it.',
  },
  missing_field: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A required field is missing.',
    fix: 'Add the field the message names, with a value of the kind it says.',
  },
  invalid_key: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A key of a mapping with free keys does not have the form its place requires.',
    fix: 'Rename the key; schema/manifest.v1.schema.json describes the keys allowed.',
  },
  invalid_type: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A value of the wrong type: text where a list is expected, a number in quotes, a date written as a number, a fraction where an integer is expected.',
    fix: 'Write the value as the message says (the hint shows how, e.g. without quotes or as a list).',
  },
  invalid_value: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A value that is not the one allowed (apiVersion, kind) or fails a rule of its own, such as a date that is not a calendar date.',
    fix: 'Write the value the message names, e.g. apiVersion: accord.dev/v1, or a real date as YYYY-MM-DD.',
  },
  invalid_enum: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A value that is not among the allowed values (a role, use case, category, ...).',
    fix: 'Use one of the values listed in the message; they are case-sensitive.',
  },
  invalid_format: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'Text that does not have the required format: a date, URL, e-mail address, SHA-256 hex digest, id pattern.',
    fix: 'Write the value in the format the message names (the hint gives an example).',
  },
  too_small: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'An empty text or list where one is required, or a number below its minimum.',
    fix: 'Give a value (or an item), or a number at least the minimum named; remove the field if it is optional.',
  },
  too_big: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A text, list or number larger than its maximum.',
    fix: 'Shorten the text, remove items, or give a number at most the maximum named.',
  },
  // Cross-field checks (src/core/manifest/check.ts).
  eu_output_contradicts_market: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'classification.outputUsedInEu is false but placedOnEuMarket is true: a system placed on the EU market is used there.',
    fix: 'Set outputUsedInEu to true, or placedOnEuMarket to false if the system is not offered in the EU.',
  },
  eu_output_contradicts_member_states: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'classification.outputUsedInEu is false but deployment.memberStates lists EU member states.',
    fix: 'Set outputUsedInEu to true, or empty deployment.memberStates.',
  },
  not_an_eu_member_state: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'deployment.memberStates names a country that is not an EU member state.',
    fix: 'Move the country to deployment.otherCountries.',
  },
  eu_member_state_in_other_countries: {
    severity: 'warning',
    meaning: 'deployment.otherCountries names an EU member state.',
    fix: 'Move it to deployment.memberStates.',
  },
  unknown_country: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A country code that is not an ISO 3166-1 alpha-2 code (e.g. UK, or a withdrawn code such as SU); memberStates and otherCountries also take EL for Greece.',
    fix: 'Use the ISO code the hint gives (GB for the United Kingdom).',
  },
  unknown_region: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'assurance.dataResidency names something that is not a region of acceptance policies (EU, EEA, an ISO country code, or the aliases UK and EL).',
    fix: 'Use one of those regions (docs/policies.md); for a three-letter code list the countries, e.g. DE, FR.',
  },
  military_exclusive_contradicts_deployment: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'exclusivelyMilitaryDefenceNationalSecurity is true but deployment.lawEnforcement or deployment.migration is true: a civil use, so the use is not exclusive (Art. 2(3)).',
    fix: 'Set the deployment flag to false, or exclusivelyMilitaryDefenceNationalSecurity to false.',
  },
  military_exclusive_contradicts_use_case: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'exclusivelyMilitaryDefenceNationalSecurity is true but a use case is plainly civil (law enforcement, migration, public services, justice, elections).',
    fix: 'Remove the civil use case, or set exclusivelyMilitaryDefenceNationalSecurity to false.',
  },
  pre_market_contradicts_placed: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'preMarketResearchOnly is true but placedOnEuMarket is true: a system placed on the market or put into service is past the research stage of Art. 2(8).',
    fix: 'Set preMarketResearchOnly to false, or placedOnEuMarket to false if the system is not yet placed on the market or put into service.',
  },
  pre_market_contradicts_scientific_research: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'preMarketResearchOnly and scientificResearchOnly are both true: Art. 2(6) covers systems put into service for scientific research, Art. 2(8) activity before a system is put into service.',
    fix: 'Keep scientificResearchOnly if the system is in use for scientific research only, or preMarketResearchOnly if it is not yet placed on the market or put into service.',
  },
  real_world_testing_without_pre_market: {
    severity: 'warning',
    meaning:
      'realWorldTesting is true but preMarketResearchOnly is false, so it has no effect (it only says that the Art. 2(8) exclusion does not cover the testing).',
    fix: 'Set preMarketResearchOnly to true if the system is not yet placed on the market or put into service, or remove realWorldTesting.',
  },
  personal_use_contradicts_deployment: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'deployment.purelyPersonalUse is true but a deployment flag names a professional or public use (public body, public service, workplace, education, law enforcement, migration) or internationalCooperation names an authority as user (Art. 2(10)).',
    fix: 'Set the flag to false or remove internationalCooperation, or set purelyPersonalUse to false.',
  },
  international_cooperation_user_not_deployer: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'deployment.internationalCooperation.vendorIsTheUser is true but roles lacks deployer: an authority that uses the system is its deployer (Art. 2(4)).',
    fix: 'Add deployer to roles, or set vendorIsTheUser to false if the vendor only supplies the system.',
  },
  real_time_without_rbi: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'classification.biometrics.realTime is true but useCases lacks remote-biometric-identification.',
    fix: 'Add remote-biometric-identification to classification.useCases, or set biometrics.realTime to false.',
  },
  real_time_objectives_without_real_time: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'biometrics.realTimeObjectives is given but biometrics.realTime is false.',
    fix: 'Set biometrics.realTime to true if identification is real-time, or remove realTimeObjectives.',
  },
  profiling_use_case_contradicts_answer: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A use case that is profiling of natural persons by definition (law-enforcement-profiling, Annex III 6(e)) is listed but profilesNaturalPersons is false.',
    fix: 'Set classification.profilesNaturalPersons to true (an Annex III system that profiles is always high-risk, Art. 6(3)), or remove the use case.',
  },
  derogation_without_annex_iii: {
    severity: 'warning',
    meaning:
      'An Art. 6(3) derogation is claimed but no use case is listed in Annex III, so it has no effect.',
    fix: 'Remove classification.derogation, or add the Annex III use case it is about to classification.useCases.',
  },
  gpai_third_party: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A model is marked both generalPurpose (placed on the market by this provider) and thirdParty.',
    fix: "For a third party's general-purpose AI model set generalPurpose to false (its obligations fall on that party); for your own model set thirdParty to false.",
  },
  public_weights_proprietary_licence: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A model has weightsPublic true but licence proprietary.',
    fix: 'Give the licence the weights are published under (e.g. Apache-2.0), or set weightsPublic to false.',
  },
  duplicate_model: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A model with the same name and version is listed twice; the two entries may disagree, and exports would list it twice.',
    fix: 'Describe each model version once: merge the two entries, or give the second its own version.',
  },
  duplicate_dataset: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'A dataset with the same name is listed twice.',
    fix: 'Describe each dataset once (list all its purposes in one entry), or give the second its own name.',
  },
  provider_field_without_provider_role: {
    severity: 'warning',
    meaning:
      'conformityAssessment or declaration is given but roles lacks provider; only providers carry them out.',
    fix: 'Add provider to roles if you are the provider, or remove the field.',
  },
  notified_body_missing: {
    severity: 'warning',
    meaning:
      'conformityAssessment.procedure is annex-vii-notified-body but no notified body is named.',
    fix: 'Add conformityAssessment.notifiedBody with its name and number.',
  },
  remote_disable_contradiction: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'assurance.remoteDisable.exists and controlledBy disagree: a remote disable that nobody controls, or none with someone controlling it.',
    fix: 'Name who can disable the system (vendor, deployer or joint), or set exists to false and controlledBy to none.',
  },
  duplicate_risk_id: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'Two risks in riskManagement.risks share one id.',
    fix: 'Give each risk its own id.',
  },
  duplicate_evidence_id: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'Two evidence items share one id.',
    fix: 'Give each evidence item its own id.',
  },
  duplicate_evidence_path: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning: 'Two evidence items name the same file (also as ./docs/a.md and docs/a.md).',
    fix: 'Merge the two entries: one item can support several obligations through its supports list.',
  },
  evidence_outside_root: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      "An evidence path is absolute, holds a NUL, or uses '..' to leave the manifest's folder.",
    fix: "Use a path relative to the manifest's folder, without '..' leaving it; move the file there if needed.",
  },
  evidence_valid_until_not_after_date: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'An evidence item is valid until a day that is not after its date (evidence[].validUntil on or before evidence[].date).',
    fix: "Give the last day the evidence is valid (a certificate's expiry), after its date, or correct the date.",
  },
  certificate_validity_exceeds_art_44: {
    severity: 'warning',
    meaning:
      "A notified body's certificate or conformity assessment (type certificate or conformity-assessment, assessedBy notified-body) is valid from its date to its validUntil for longer than Art. 44(2) allows: four years for a system covered by Annex III (a use case of Annex III), five for one covered by Annex I (classification.safetyComponent).",
    fix: 'Check the certificate and give its real expiry date; a certificate is renewed after re-assessment, for up to four or five years again.',
  },
  unknown_evidence_ref: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'A reference to an evidence id (classification.derogation.evidence, datasets[].sheet, accuracy.metrics[].evidence) names no evidence item.',
    fix: 'Add an evidence item with that id, or correct the reference (the message lists the ids).',
  },
  bidi_control: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'Text holds a Unicode bidirectional embedding or override (U+202A-U+202E) or an unbalanced isolate (U+2066-U+2069), which would make it display in another order than it is stored ("Trojan Source").',
    fix: 'Delete the invisible character named; Arabic and Hebrew display correctly without it, and the marks U+200E and U+200F are allowed.',
  },
  placeholder_text: {
    severity: 'warning',
    meaning:
      'A value is still a placeholder that `accord init` wrote (text starting with "TODO:", or an e-mail address at example.invalid), so documents and passports would show it.',
    fix: 'Replace it with the real answer (the comment above it in the starter manifest says what is asked).',
  },
  // Against the catalogs (src/node/pipeline.ts), once the manifest is read.
  unknown_obligation_ref: {
    severity: 'error',
    reportedAs: 'ERR_MANIFEST_INVALID',
    meaning:
      'An evidence item supports an obligation id that is in no loaded catalog (e.g. a misspelt or retired id).',
    fix: 'Use framework:id as `accord catalog` lists them (e.g. eu-ai-act:art-9); the hint suggests the closest.',
  },
  // The manifest's `plan` section, once the plan is built (src/core/plan/owners.ts; `accord plan`).
  plan_action_unmatched: {
    severity: 'warning',
    meaning:
      'A plan.actions entry names an obligation that is no open action of this plan: it is met already, belongs to a target not planned, or is misspelt.',
    fix: 'Use an id of an open obligation as `accord plan` lists it (`accord catalog` lists every id), or delete the entry once its obligation is met.',
  },
  plan_owner_framework_unknown: {
    severity: 'warning',
    meaning:
      'plan.owners.byFramework names a framework that no loaded catalog has, so it assigns no owner.',
    fix: 'Use a framework id `accord catalog` lists (eu-ai-act, nist-ai-rmf, ...); the message suggests the closest.',
  },
} as const satisfies Record<string, ManifestIssueCodeInfo>

export type ManifestIssueCode = keyof typeof MANIFEST_ISSUE_CODES
