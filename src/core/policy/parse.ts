/**
 * Parses an acceptance policy (YAML, or JSON, which is YAML) and validates it, reporting every
 * problem as an `Issue` with the file, 1-based line and column, and a hint.
 *
 * Steps: YAML syntax and the zod `Policy` schema (shared with the manifest parser:
 * `parseYamlWithSchema`, so misspelt keys get "did you mean" hints) -> `checkPolicy` cross-field
 * checks. Checks that need catalogs or key files are the loader's (src/node/policy-loader.ts).
 */
import type { Issue } from '../errors.js'
import { parseYamlWithSchema, sortByPosition, type YamlDocumentKind } from '../manifest/parse.js'
import { regionProblem } from './regions.js'
import { bidiIssues } from '../bidi.js'
import { FRAMEWORKS, Policy } from './schema.js'

export type ParsePolicyResult =
  | { ok: true; policy: Policy; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] }

export const POLICY_SCHEMA_FILE = 'schema/policy.v1.schema.json'

const POLICY_DOCUMENT: YamlDocumentKind<typeof Policy> = {
  schema: Policy,
  empty: {
    code: 'policy_empty',
    message: 'the policy is empty',
    hint: 'start from one of policies/*.yaml; a policy begins with apiVersion: accord.dev/v1 and kind: AcceptancePolicy',
  },
  topLevelHint:
    'the policy must be a mapping at the top level, starting with apiVersion: accord.dev/v1',
  schemaFile: POLICY_SCHEMA_FILE,
  recordKeys: { 'requirements.minReadiness': FRAMEWORKS },
}

/** Parses and validates policy `text`; `file` is only used to label the issues. */
export function parsePolicy(text: string, file: string): ParsePolicyResult {
  const parsed = parseYamlWithSchema(text, file, POLICY_DOCUMENT)
  if (!parsed.ok) return parsed
  const { value: policy, locator } = parsed
  const errors = checkPolicy(policy).map((i) => ({ ...i, file, ...locator.value(i.path) }))
  if (errors.length > 0) {
    return { ok: false, issues: sortByPosition(errors), warnings: parsed.warnings }
  }
  return { ok: true, policy, warnings: parsed.warnings }
}

/** Cross-field checks of a schema-valid policy; issues carry paths, not positions. */
export function checkPolicy(policy: Policy): Issue[] {
  const issues: Issue[] = []
  const { trust, requirements: req } = policy

  if (trust.issuers.length === 0) {
    issues.push({
      code: 'trust_empty',
      path: ['trust'],
      message: 'the trust section lists no issuers, so no passport could ever be accepted',
      hint: 'add the vendors you accept under trust.issuers, each with a name and jwks: <path to its public key file>',
    })
  }
  const parties = [
    ...trust.issuers.map((p, i) => ({ p, path: ['trust', 'issuers', i] })),
    ...trust.assessors.map((p, i) => ({ p, path: ['trust', 'assessors', i] })),
  ]
  for (const { p, path } of parties) {
    const both = p.jwks !== undefined && p.jwk !== undefined
    if (both || (p.jwks === undefined && p.jwk === undefined)) {
      issues.push({
        code: 'key_source',
        path,
        message: `${p.name}: ${both ? 'give either jwks or jwk, not both' : 'no public key given'}`,
        hint: 'write jwks: <path of a public JWK or JWK Set file, relative to this policy>, or an inline jwk: { ... }',
      })
    }
  }

  const accepted = req.categories?.['eu-ai-act'] ?? []
  const prohibited = accepted.indexOf('prohibited')
  if (prohibited >= 0) {
    issues.push({
      code: 'prohibited_category',
      path: ['requirements', 'categories', 'eu-ai-act', prohibited],
      message:
        'prohibited systems cannot be accepted: their use is banned by Art. 5 of the EU AI Act',
      hint: 'remove `prohibited`; accept high-risk, transparency, minimal or out-of-scope',
    })
  }

  if (req.endorsements !== undefined) {
    const kinds = new Set(trust.assessors.map((a) => a.kind))
    const from = req.endorsements.from
    const usable = from === undefined ? kinds.size > 0 : from.some((k) => kinds.has(k))
    if (!usable) {
      const which = from === undefined ? 'any kind' : from.join(' or ')
      issues.push({
        code: 'endorsements_untrusted',
        path: ['requirements', 'endorsements'],
        message: `endorsements from ${which} are required, but trust.assessors lists no such assessor, so none could ever count`,
        hint: 'add the notified bodies or authorities you recognise under trust.assessors (with kind), or remove the requirement',
      })
    }
  }

  policy.recognition.forEach((rule, i) => {
    const from = rule.accept.slice(0, rule.accept.indexOf(':'))
    const to = rule.as.slice(0, rule.as.indexOf(':'))
    if (from === to) {
      issues.push({
        code: 'recognition_same_framework',
        path: ['recognition', i, 'accept'],
        message: `rule ${i + 1} recognises ${from} evidence as ${from}; recognition maps evidence from another framework`,
        hint: `make accept name obligations of a framework other than ${to}, e.g. ${to === 'eu-ai-act' ? 'nist-ai-rmf:measure-2.*' : 'eu-ai-act:art-15*'}`,
      })
    }
  })

  // A policy's name and description are shown to verifiers (CLI, registry pages): ../bidi.ts.
  issues.push(...bidiIssues(policy))

  const within = policy.assurance?.dataResidency?.within ?? []
  within.forEach((code, i) => {
    const problem = regionProblem(code)
    if (problem !== undefined)
      issues.push({
        code: 'unknown_region',
        path: ['assurance', 'dataResidency', 'within', i],
        ...problem,
      })
  })
  return issues
}
