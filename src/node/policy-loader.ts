/**
 * Reads an acceptance policy file, runs the pure parser on it, checks its obligation references
 * against the catalogs (when given), and loads the trusted public keys it names.
 *
 * Every failure is a `ConfigError`:
 * - ERR_CONFIG_POLICY_NOT_FOUND (exit 5): the policy file is missing or unreadable;
 * - ERR_CONFIG_POLICY_INVALID (exit 3): YAML, schema, cross-field, catalog or key-file problems,
 *   all reported together as issues naming the policy file, line and column.
 *
 * Key files (`jwks:`) are read with `loadPublicKeys` (src/node/keys.ts): one JWK or a JWK Set;
 * private members, symmetric keys and curves other than Ed25519 / P-256 are refused; `kid` is the
 * RFC 7638 thumbprint (jose `calculateJwkThumbprint`) when absent.
 */
import { decodeUtf8, notUtf8Issue, readBoundedFile } from './fs-safe.js'
import path from 'node:path'
import type { CatalogSet } from '../core/catalog/types.js'
import { AccordError, ConfigError, type Issue } from '../core/errors.js'
import { locateInYaml } from '../core/manifest/locate.js'
import { sortByPosition } from '../core/manifest/parse.js'
import { suggestClosest } from '../core/manifest/suggest.js'
import { parsePublicKeys, type PublicJwk } from '../core/passport/jwk.js'
import { globToRegExp } from '../core/policy/evaluate.js'
import { policyWarnings } from '../core/policy/lint.js'
import { parsePolicy } from '../core/policy/parse.js'
import type { Policy } from '../core/policy/schema.js'
import { loadPublicKeys } from './keys.js'

/** Policies larger than this are refused before parsing (1 MiB). */
export const MAX_POLICY_BYTES = 1024 * 1024

export interface LoadPolicyOptions {
  /** When given, every obligation reference and recognition pattern must name catalog nodes. */
  catalogs?: CatalogSet
  /** Adds the warnings of ../core/policy/lint.ts (rules that can never pass or are never used). */
  lint?: boolean
}

export interface TrustedKey {
  kid: string
  jwk: PublicJwk
  /** The trusted party's name from the policy. */
  name: string
  /** The party's position in `trust.issuers` or `trust.assessors` (from 0). */
  party: number
}

export interface LoadPolicyResult {
  policy: Policy
  /** The path as given (used in messages and issues). */
  file: string
  trustedIssuerKeys: TrustedKey[]
  trustedAssessorKeys: (TrustedKey & { kind: string })[]
  /** Problems that do not stop the policy from being used. */
  warnings: Issue[]
}

/** Reads, parses and validates the policy at `file` and loads the keys it trusts. */
export async function loadPolicy(
  file: string,
  options: LoadPolicyOptions = {},
): Promise<LoadPolicyResult> {
  const text = await readPolicyText(file)
  const parsed = parsePolicy(text, file)
  if (!parsed.ok) throw invalid(file, parsed.issues)
  const { policy } = parsed
  const place = (i: Omit<Issue, 'file'>): Issue => ({ ...i, file, ...locateInYaml(text, i.path) })

  const issues: Issue[] = []
  if (options.catalogs !== undefined) {
    issues.push(...checkAgainstCatalogs(policy, options.catalogs).map(place))
  }

  const dir = path.dirname(path.resolve(file))
  const trustedIssuerKeys: TrustedKey[] = []
  const trustedAssessorKeys: (TrustedKey & { kind: string })[] = []
  const parties = [
    ...policy.trust.issuers.map((p, i) => ({ p, i, kind: undefined, at: ['trust', 'issuers', i] })),
    ...policy.trust.assessors.map((p, i) => ({
      p,
      i,
      kind: p.kind,
      at: ['trust', 'assessors', i],
    })),
  ]
  for (const { p, i, kind, at } of parties) {
    let keys: PublicJwk[]
    try {
      keys =
        p.jwks !== undefined
          ? await loadPublicKeys(path.resolve(dir, p.jwks))
          : await parsePublicKeys(p.jwk, `inline jwk of ${p.name}`)
    } catch (cause) {
      if (!(cause instanceof AccordError)) throw cause
      const field = p.jwks !== undefined ? 'jwks' : 'jwk'
      issues.push(
        place({
          code: 'trusted_key',
          path: [...at, field],
          message: `the key of ${p.name} cannot be used: ${cause.message}`,
          hint: PRIVATE_KEY.test(cause.message)
            ? `a policy and the key files it names are shared with colleagues and published with tenders, so a private key there lets anyone who reads it sign passports${kind === undefined ? '' : ' or endorsements'} as ${p.name}: trust the public key only (\`accord keys export\`, or the .public.jwk.json file \`accord keys generate\` wrote), and have ${p.name} replace this key, which is no longer secret`
            : p.jwks !== undefined
              ? `write the path relative to the policy file's folder (${dir}): "${p.jwks}" names ${path.resolve(dir, p.jwks)}, which must hold a public JWK or JWK Set (Ed25519 or P-256), e.g. one made by \`accord keys generate\``
              : 'write a public Ed25519 (OKP) or P-256 (EC) JWK without private members',
        }),
      )
      continue
    }
    for (const jwk of keys) {
      const key = { kid: jwk.kid, jwk, name: p.name, party: i }
      if (kind === undefined) trustedIssuerKeys.push(key)
      else trustedAssessorKeys.push({ ...key, kind })
    }
  }

  if (issues.length > 0) throw invalid(file, sortByPosition(issues))
  const warnings = options.lint ? lintedWarnings(text, file, parsed) : parsed.warnings
  return { policy, file, trustedIssuerKeys, trustedAssessorKeys, warnings }
}

/**
 * The parser's warnings and those of ../core/policy/lint.ts, placed in the policy's text (line and
 * column) and sorted by position: the `warnings` of `accord policy check --json`, also given by
 * `accord verify` and `POST /api/v1/verify` as `policyWarnings`.
 */
export function lintedWarnings(
  text: string,
  file: string,
  parsed: { policy: Policy; warnings: Issue[] },
): Issue[] {
  const placed = policyWarnings(parsed.policy).map((i): Issue => ({
    ...i,
    file,
    ...locateInYaml(text, i.path),
  }))
  return sortByPosition([...parsed.warnings, ...placed])
}

/** How ../core/passport/jwk.ts refuses a key file holding private members. */
const PRIVATE_KEY = /contains private key member/

/** Obligation references and patterns that name no catalog node. */
export function checkAgainstCatalogs(policy: Policy, catalogs: CatalogSet): Omit<Issue, 'file'>[] {
  const issues: Omit<Issue, 'file'>[] = []
  const idsOf = (framework: string): string[] =>
    catalogs.catalogs.get(framework)?.nodes.map((n) => n.id) ?? []

  const exact = (ref: string, at: (string | number)[]) => {
    const [framework = '', id = ''] = ref.split(':')
    const ids = idsOf(framework)
    if (ids.length === 0 || ids.includes(id)) return
    const guess = suggestClosest(id, ids)
    issues.push({
      code: 'unknown_obligation',
      path: at,
      message: `${ref} is not in the ${framework} catalog`,
      hint:
        guess !== undefined
          ? `did you mean \`${framework}:${guess}\`?`
          : `use an id from catalogs/${framework}/ (\`accord catalog\` lists them)`,
    })
  }
  const pattern = (framework: string, glob: string, at: (string | number)[]) => {
    const ids = idsOf(framework)
    const re = globToRegExp(glob)
    if (ids.length === 0 || ids.some((id) => re.test(id))) return
    issues.push({
      code: 'pattern_matches_nothing',
      path: at,
      message: `${framework}:${glob} matches no obligation in the ${framework} catalog`,
      hint: 'check the pattern: ids are lowercase, e.g. nist-ai-rmf:measure-2.* or eu-ai-act:art-15*',
    })
  }

  policy.requirements.obligationsMet.forEach((ref, i) =>
    exact(ref, ['requirements', 'obligationsMet', i]),
  )
  policy.recognition.forEach((rule, i) => {
    const colon = rule.accept.indexOf(':')
    pattern(rule.accept.slice(0, colon), rule.accept.slice(colon + 1), ['recognition', i, 'accept'])
    exact(rule.as, ['recognition', i, 'as'])
  })
  for (const key of Object.keys(policy.requirements.minReadiness ?? {})) {
    const colon = key.indexOf(':')
    if (colon < 0) continue
    pattern(key.slice(0, colon), key.slice(colon + 1), ['requirements', 'minReadiness', key])
  }
  return issues
}

function invalid(file: string, issues: Issue[]): ConfigError {
  const n = issues.length
  const first = issues[0]
  const where =
    first?.line !== undefined ? ` (first at line ${first.line}, column ${first.column ?? 1})` : ''
  return new ConfigError({
    code: 'ERR_CONFIG_POLICY_INVALID',
    message: `${file}: the acceptance policy has ${n} problem${n === 1 ? '' : 's'}${where}`,
    issues,
  })
}

/** Reads the policy as UTF-8 text, refusing missing files, directories and oversized files. */
async function readPolicyText(file: string): Promise<string> {
  const read = await readBoundedFile(file, MAX_POLICY_BYTES)
  if (!read.ok) {
    const { problem } = read
    if (problem.kind === 'too-large') throw tooLarge(file)
    throw notFound(file, problem.directory ? 'is not a regular file' : problem.why, problem.cause)
  }
  const text = decodeUtf8(read.bytes)
  if (text === undefined) {
    throw new ConfigError({
      code: 'ERR_CONFIG_POLICY_INVALID',
      message: `${file}: the policy is not valid UTF-8 text`,
      issues: [notUtf8Issue(file)],
    })
  }
  return text
}

function notFound(file: string, why: string, cause?: unknown): ConfigError {
  return new ConfigError({
    code: 'ERR_CONFIG_POLICY_NOT_FOUND',
    message: `acceptance policy ${file} ${why}`,
    cause,
    issues: [
      {
        code: 'policy_not_found',
        path: [],
        file,
        message: `the policy ${why}`,
        hint: 'check the --policy path; copy one of policies/*.yaml to start a new policy',
      },
    ],
  })
}

function tooLarge(file: string): ConfigError {
  return new ConfigError({
    code: 'ERR_CONFIG_POLICY_INVALID',
    message: `${file}: the policy is larger than the 1 MiB limit`,
    issues: [
      {
        code: 'policy_too_large',
        path: [],
        file,
        message: 'the file is larger than the 1 MiB limit for policies',
        hint: 'a policy is a short YAML file; check that the right file was given',
      },
    ],
  })
}
