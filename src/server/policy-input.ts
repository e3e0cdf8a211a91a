/**
 * An acceptance policy as a client sends it to the server (POST /api/v1/verify and
 * POST /api/v1/policies/explain): YAML text with inline keys (`jwk:`), or the name of a policy
 * bundled in the server's policies folder. One loader for both routes, so a policy the one
 * accepts the other accepts too, with the same errors. Nothing is fetched and no path given by
 * the client is read: a trusted issuer naming a key file (`jwks:`) in sent text is refused.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { AccordError, ConfigError, type Issue } from '../core/errors.js'
import type { CatalogSet } from '../core/catalog/types.js'
import { createYamlLocator } from '../core/manifest/locate.js'
import { parsePublicKeys, type PublicJwk } from '../core/passport/jwk.js'
import { parsePolicy } from '../core/policy/parse.js'
import type { Policy } from '../core/policy/schema.js'
import { loadCatalogSet } from '../node/catalog-loader.js'
import { checkAgainstCatalogs, lintedWarnings, loadPolicy } from '../node/policy-loader.js'

/** Largest policy text accepted. */
export const MAX_POLICY_CHARS = 64 * 1024
/** What a bundled policy's name looks like (anything else is policy text). */
export const POLICY_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
/** The file name issues in sent policy text name. */
const SENT = 'policy'

export interface PolicyKey {
  kid: string
  jwk: PublicJwk
  /** The trusted party's name from the policy. */
  name: string
  /** The party's position in `trust.issuers` or `trust.assessors` (from 0). */
  party: number
}

export interface RequestPolicy {
  policy: Policy
  issuerKeys: PolicyKey[]
  /** Trusted assessors' inline keys (one naming a key file in sent text has none here). */
  assessorKeys: (PolicyKey & { kind: string })[]
  /** `policies/<name>.yaml` for a bundled policy; undefined for sent text. */
  bundled?: string
  /** With `lint`: problems that do not stop the policy from being used (positions, no paths). */
  warnings: Issue[]
}

export interface RequestPolicyOptions {
  /** The folder of bundled policies; without it only text is accepted. */
  policiesDir: string | undefined
  /** Adds the warnings of core/policy/lint.ts (`accord policy check`). */
  lint?: boolean
  /** Told when a bundled policy does not load (the server's problem, with its paths). */
  onBundledError?: (err: unknown, name: string) => void
}

/** The catalogs policies' obligation ids are checked against, read once. */
let catalogSet: Promise<CatalogSet> | undefined
export const policyCatalogs = (): Promise<CatalogSet> => (catalogSet ??= loadCatalogSet())

function invalidPolicy(message: string, issues: Issue[] = []): ConfigError {
  return new ConfigError({ code: 'ERR_CONFIG_POLICY_INVALID', message, issues })
}

/** `line 3, column 5: ` for an issue with a position, '' without. */
const where = (i: { line?: number; column?: number }) =>
  i.line === undefined ? '' : `line ${i.line}${i.column ? `, column ${i.column}` : ''}: `

/**
 * The policy a request names: a bundled one by name, or sent text. Every problem is a
 * ConfigError: ERR_CONFIG_POLICY_NOT_FOUND for a name no bundled policy has,
 * ERR_CONFIG_POLICY_INVALID for text that is not a valid policy (the message names the line and
 * column of the first problems), and a bundled policy that does not load gives its error without
 * the server's paths.
 */
export async function loadRequestPolicy(
  policy: string,
  options: RequestPolicyOptions,
): Promise<RequestPolicy> {
  const dir = options.policiesDir
  if (!POLICY_NAME.test(policy)) return policyFromText(policy, options.lint === true)
  const file = dir === undefined ? undefined : path.join(dir, `${policy}.yaml`)
  if (dir === undefined || file === undefined || !existsSync(file))
    throw new ConfigError({
      code: 'ERR_CONFIG_POLICY_NOT_FOUND',
      message: `no bundled policy named "${policy}"; send the policy YAML text instead`,
    })
  const shown = `policies/${policy}.yaml`
  try {
    const l = await loadPolicy(file, {
      catalogs: await policyCatalogs(),
      lint: options.lint === true,
    })
    return {
      policy: l.policy,
      issuerKeys: l.trustedIssuerKeys,
      assessorKeys: l.trustedAssessorKeys,
      bundled: shown,
      warnings: l.warnings.map((w) => ({ ...w, file: shown })),
    }
  } catch (err) {
    // A bundled policy that does not load (e.g. a key file it names is missing) is the server's
    // problem: the full error goes to the server's log, and the client gets it without the
    // server's file system paths (docs/api.md: error bodies name no paths).
    options.onBundledError?.(err, policy)
    throw withoutServerPaths(err, dir)
  }
}

async function policyFromText(text: string, lint: boolean): Promise<RequestPolicy> {
  const parsed = parsePolicy(text, SENT)
  const locate = createYamlLocator(text)
  const place = (i: Omit<Issue, 'file'>): Issue => ({ ...i, file: SENT, ...locate(i.path) })
  const issues = parsed.ok
    ? checkAgainstCatalogs(parsed.policy, await policyCatalogs()).map(place)
    : parsed.issues
  if (!parsed.ok || issues.length > 0)
    throw invalidPolicy(
      `the policy is invalid: ${issues
        .slice(0, 3)
        .map((i) => `${where(i)}${i.message}`)
        .join('; ')}`,
      issues,
    )
  const p = parsed.policy
  const keysOf = async (party: { name: string; jwk?: unknown }) => {
    try {
      return await parsePublicKeys(party.jwk, `inline jwk of ${party.name}`)
    } catch (err) {
      if (err instanceof AccordError) throw invalidPolicy(err.message)
      throw err
    }
  }
  const issuerKeys: PolicyKey[] = []
  for (const [i, party] of p.trust.issuers.entries()) {
    if (party.jwk === undefined) {
      const at = place({ code: 'trusted_key', path: ['trust', 'issuers', i, 'jwks'], message: '' })
      throw invalidPolicy(
        `${where(at)}trusted issuer "${party.name}" names a key file (jwks); a policy sent to the server must write its keys inline (jwk:)`,
      )
    }
    for (const jwk of await keysOf(party))
      issuerKeys.push({ kid: jwk.kid, jwk, name: party.name, party: i })
  }
  // Assessors' inline keys count for incident reports; an assessor naming a key file is left out
  // (the server takes no endorsements, and reads no path a client gives).
  const assessorKeys: (PolicyKey & { kind: string })[] = []
  for (const [i, party] of p.trust.assessors.entries()) {
    if (party.jwk === undefined) continue
    for (const jwk of await keysOf(party))
      assessorKeys.push({ kid: jwk.kid, jwk, name: party.name, party: i, kind: party.kind })
  }
  const warnings = lint ? lintedWarnings(text, SENT, parsed) : parsed.warnings
  return { policy: p, issuerKeys, assessorKeys, warnings }
}

/**
 * `err` with its first issue in the message, and every absolute path there replaced: a path inside `policiesDir` by
 * `policies/<relative path>`, any other by `<server>/<file name>`. Errors that are not Accord's
 * become a generic ERR_INTERNAL (their text is the server's business).
 */
export function withoutServerPaths(err: unknown, policiesDir: string): AccordError {
  if (!(err instanceof AccordError))
    return new AccordError({ code: 'ERR_INTERNAL', message: 'internal error', cause: err })
  const root = path.resolve(policiesDir) + path.sep
  // Written by hand: no library rewrites paths inside free text. A path runs from a leading
  // slash (after a space, quote or bracket, or at the start) up to a space, quote or bracket.
  // The response carries the message alone, so the first issue (what is wrong) goes into it.
  const first = err.issues[0]?.message
  const text = first === undefined ? err.message : `${err.message}: ${first}`
  const message = text.replace(/(^|[\s"'([])(\/[^\s"'()[\]]*)/g, (_, lead: string, p: string) => {
    const trail = /[.,;:]+$/.exec(p)?.[0] ?? ''
    const bare = trail ? p.slice(0, -trail.length) : p
    const shown = bare.startsWith(root)
      ? `policies/${bare.slice(root.length)}`
      : `<server>/${path.basename(bare)}`
    return lead + shown + trail
  })
  const Kind = err.constructor as new (
    options: ConstructorParameters<typeof AccordError>[0],
  ) => AccordError
  return new Kind({ code: err.code, message, cause: err })
}
