/** Acceptance policies: the public API of src/core/policy. */
export {
  evaluatePolicy,
  globToRegExp,
  verdictFrom,
  type EvaluatePolicyInput,
  type PolicyEndorsement,
} from './evaluate.js'
export {
  POLICY_SCHEMA_BANNER,
  POLICY_SCHEMA_ID,
  POLICY_SCHEMA_PATH,
  policyJsonSchema,
} from './json-schema.js'
export { checkPolicy, parsePolicy, POLICY_SCHEMA_FILE, type ParsePolicyResult } from './parse.js'
export {
  EU_MEMBER_STATES,
  expandRegion,
  normalizeRegion,
  REGION_GROUPS,
  regionWithin,
} from './regions.js'
export {
  ASSESSMENT_TYPES,
  ASSESSOR_KINDS,
  CONTROLLERS,
  EU_CATEGORIES,
  FRAMEWORKS,
  JURISDICTIONS,
  Policy,
  POLICY_API_VERSION,
  POLICY_KIND,
  type AssuranceRequirements,
  type RecognitionRule,
  type Requirements,
  type Trust,
  type TrustedAssessor,
  type TrustedIssuer,
} from './schema.js'
