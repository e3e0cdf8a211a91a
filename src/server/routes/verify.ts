/**
 * POST /api/v1/verify: verifies a passport (or presentation) against an acceptance policy on the
 * server, for the web UI and for clients without the CLI. The same steps as `accord verify`
 * (cryptography -> status -> policy -> verdict) without files: the policy is YAML text with
 * inline keys (`jwk:`), or the name of a bundled policy; the status list is the token text.
 * Nothing is fetched and no path given by the client is read. Serious-incident reports are the
 * ones this registry holds for the passport, when it holds the passport.
 */
import type { FastifyInstance } from 'fastify'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { decodeJwt } from 'jose'
import type { Issue } from '../../core/errors.js'
import { legacyNotes } from '../../core/passport/legacy.js'
import { MAX_STATUS_LIST_TOKEN_BYTES, StatusListCache } from '../../core/passport/status.js'
import { DEFAULT_MAX_TOKEN_BYTES } from '../../core/passport/sd-jwt.js'
import type { VerificationResult } from '../../core/passport/types.js'
import type { PassportVerifier, TrustedKey } from '../../core/passport/verify.js'
import { verifyPassport } from '../../node/passport.js'
import { nodePassportVerifier } from '../../node/verify-batch.js'
import type { IncidentReportInput } from '../../node/verify-incidents.js'
import type { Policy } from '../../core/policy/schema.js'
import type { RouteContext } from '../app.js'
import {
  loadRequestPolicy,
  MAX_POLICY_CHARS,
  POLICY_NAME,
  policyCatalogs,
} from '../policy-input.js'
import { ConfigError } from '../../core/errors.js'
import { parseIsoSeconds } from '../../core/dates.js'
import { partyKids } from '../../core/policy/explain.js'
import { timeOf } from '../../core/passport/sd-jwt.js'
import {
  renderVerificationReport,
  type VerificationReportInputFile,
} from '../../core/passport/verify-report.js'
import { sha256OfFile } from '../../node/verify-report.js'
import { VERSION } from '../../node/version.js'
import { errors, PolicyIssue } from '../schemas.js'

export { MAX_POLICY_CHARS, withoutServerPaths } from '../policy-input.js'

const CACHE_SIZE = 64
/**
 * Verified passports each policy's verifier remembers (see `cacheSize` in core/passport/verify.ts):
 * at most CACHE_SIZE x this many, each a token and its claims (tens of KB).
 */
const VERIFIED_PER_POLICY = 16

interface LoadedPolicy {
  policy: Policy
  issuerKeys: TrustedKey[]
  /** Trusted assessors' keys: incident reports they signed count (requirements.incidents). */
  assessorKeys: (TrustedKey & { kind: string })[]
  /** Verifier for the policy's issuer keys, kept with the parsed policy. */
  verifier: PassportVerifier
  /**
   * The warnings `accord policy check` gives about the policy (a rule never used, or one no
   * passport can pass), answered as `policyWarnings`; they do not change the verdict.
   */
  warnings: Issue[]
  /** The key ids of each trusted party, for the policy in plain words in a report. */
  kids: { issuers: string[][]; assessors: string[][] }
}

function withVerifier(
  policy: Policy,
  issuerKeys: (TrustedKey & { party: number })[],
  assessorKeys: (TrustedKey & { kind: string; party: number })[],
  warnings: Issue[],
): LoadedPolicy {
  const verifier = nodePassportVerifier({ trustedKeys: issuerKeys, cacheSize: VERIFIED_PER_POLICY })
  const kids = partyKids(policy, issuerKeys, assessorKeys)
  return { policy, issuerKeys, assessorKeys, verifier, warnings, kids }
}

interface VerifyBody {
  passport: string
  policy: string
  statusList?: string
}

/** The request body of both routes: what is verified. */
const VERIFY_BODY_PROPERTIES = {
  passport: { type: 'string', minLength: 1, maxLength: DEFAULT_MAX_TOKEN_BYTES },
  policy: {
    type: 'string',
    minLength: 1,
    maxLength: MAX_POLICY_CHARS,
    description: 'Policy YAML with inline keys, or the name of a bundled policy',
  },
  statusList: {
    type: 'string',
    maxLength: MAX_STATUS_LIST_TOKEN_BYTES,
    description: "The issuer's Status List Token (text)",
  },
} as const

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/** `at` of a report request: an ISO 8601 date-time with a real calendar date, in seconds. */
function parseAt(at: string): number {
  const seconds = parseIsoSeconds(at)
  if (seconds === undefined)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_DATE',
      message: `at "${at}" is not an ISO 8601 date-time with a real calendar date (e.g. 2027-12-02T09:30:00Z); send the verifiedAt of the verification`,
    })
  return seconds
}

/**
 * The incident reports this registry holds for the passport `token` names (by its jti, read
 * without verifying: each report is verified against the passport itself), or nothing when the
 * registry does not hold it.
 */
async function storedIncidentReports(
  ctx: RouteContext,
  token: string,
): Promise<{ incidentReports?: IncidentReportInput[]; incidentsFrom?: string }> {
  let jti: unknown
  try {
    jti = decodeJwt(token.trim().split('~')[0] ?? '').jti
  } catch {
    return {}
  }
  if (typeof jti !== 'string' || (await ctx.deps.store.getPassport(jti)) === null) return {}
  const stored = await ctx.deps.store.listIncidentReports(jti)
  return {
    incidentReports: stored.map((r) => ({
      source: `this registry's report ${r.id}`,
      token: r.token,
      jwk: r.reporterJwk,
    })),
    incidentsFrom: `this registry's stored reports for passport ${jti}`,
  }
}

/**
 * The JSON text of the claims and their Art. 111 notes, per claims object. The verifier hands out the same (frozen) claims
 * object for a passport it remembers, so a passport verified again and again is written once.
 */
const claimsText = new WeakMap<object, string>()

/**
 * The result as JSON text. The 200 schema documents the result (OpenAPI) and filters nothing
 * (additional properties allowed), so the text is written with JSON.stringify: faster than the
 * schema-compiled serializer on the claims and the check messages (about a sixth of a request's
 * CPU), and the text of the claims and their Art. 111 notes is reused (see claimsText). `legacy`
 * (the notes, as in `accord verify --json`: empty without claims) and `claims` come last, after
 * `policyWarnings` (the policy's warnings, as in `accord verify --json`) and `verifiedAt` (the
 * time verified as of, which POST /api/v1/verify/report takes back as `at`).
 */
function resultText(
  result: VerificationResult,
  policyWarnings: Issue[],
  verifiedAt: number,
): string {
  const { claims, ...rest } = result
  const text = JSON.stringify({ ...rest, policyWarnings, verifiedAt: timeOf(verifiedAt) })
  if (claims === undefined) return `${text.slice(0, -1)},"legacy":[]}`
  let tail = claimsText.get(claims)
  if (tail === undefined) {
    tail = `"legacy":${JSON.stringify(legacyNotes(claims.credentialSubject))},"claims":${JSON.stringify(claims)}`
    if (Object.isFrozen(claims)) claimsText.set(claims, tail)
  }
  return `${text.slice(0, -1)},${tail}}`
}

export function registerVerifyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const cache = new Map<string, Promise<LoadedPolicy>>()
  const statusListCache = new StatusListCache()
  const policiesDir = ctx.deps.policiesDir

  /** Parsed policies by text hash (or name), so a busy verifier parses each policy once. */
  function getPolicy(policy: string): Promise<LoadedPolicy> {
    const cacheKey = createHash('sha256').update(policy).digest('hex')
    const hit = cache.get(cacheKey)
    if (hit) return hit
    const loading = loadRequestPolicy(policy, {
      policiesDir,
      onBundledError: (err, name) =>
        app.log.warn({ err }, `bundled policy "${name}" cannot be loaded`),
      lint: true,
    }).then((l) => withVerifier(l.policy, l.issuerKeys, l.assessorKeys, l.warnings))
    loading.catch(() => cache.delete(cacheKey))
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(cacheKey, loading)
    return loading
  }

  /**
   * The same ordered checks as `accord verify`; the server fetches nothing (the status list
   * comes in the request) and takes no endorsement files. The serious-incident reports are this
   * registry's own, for a passport it holds (`incidentsFrom` says so).
   */
  async function verifyBody(
    body: VerifyBody,
    nowSeconds: number,
  ): Promise<{ result: VerificationResult; loaded: LoadedPolicy }> {
    const { passport, statusList } = body
    const loaded = await getPolicy(body.policy)
    const result = await verifyPassport(passport, {
      policy: loaded.policy,
      trustedIssuerKeys: loaded.issuerKeys,
      trustedAssessorKeys: loaded.assessorKeys,
      ...(await storedIncidentReports(ctx, passport)),
      nowSeconds,
      verifier: loaded.verifier,
      statusListCache,
      ...(statusList !== undefined ? { statusListToken: statusList } : {}),
    })
    return { result, loaded }
  }

  app.post<{ Body: VerifyBody }>(
    '/api/v1/verify',
    {
      bodyLimit: DEFAULT_MAX_TOKEN_BYTES + MAX_POLICY_CHARS + MAX_STATUS_LIST_TOKEN_BYTES,
      schema: {
        summary: 'Verify a passport against an acceptance policy (returns the VerificationResult)',
        tags: ['verify'],
        body: {
          type: 'object',
          required: ['passport', 'policy'],
          additionalProperties: false,
          properties: VERIFY_BODY_PROPERTIES,
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              verdict: { type: 'string', enum: ['accepted', 'rejected', 'indeterminate'] },
              checks: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    check: { type: 'string' },
                    outcome: { type: 'string' },
                    reason: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
              verifiedAt: {
                type: 'string',
                description:
                  'The time the passport was verified as of (ISO 8601, UTC); send it as `at` to POST /api/v1/verify/report for the report of this verification',
              },
              issuerKey: {
                type: 'object',
                additionalProperties: true,
                description:
                  "The policy's trusted key the signature was checked with (kid, name); absent when none matched",
              },
              legacy: {
                type: 'array',
                description:
                  'The EU AI Act Art. 111 status the disclosed classification carries (systems and models already on the market), one sentence each; empty when none',
                items: {
                  type: 'object',
                  properties: {
                    jurisdiction: { type: 'string' },
                    claim: { type: 'string' },
                    status: { type: 'object', additionalProperties: true },
                    sentence: { type: 'string' },
                  },
                },
              },
              claims: { type: 'object', additionalProperties: true },
              policyWarnings: {
                type: 'array',
                description:
                  'The warnings `accord policy check` gives about the policy (codes recognition_unused, endorsement_min_unreachable, duplicate_obligation, yaml_warning); they do not change the verdict; empty when none',
                items: PolicyIssue,
              },
              endorsements: {
                type: 'array',
                items: { type: 'object', additionalProperties: true },
              },
              incidents: {
                type: 'array',
                description:
                  'The serious-incident reports (EU AI Act Art. 73) this registry holds for the passport, one entry per incident at its latest sequence, with whether the policy counts it; absent when the registry does not hold the passport',
                items: { type: 'object', additionalProperties: true },
              },
              incidentsFrom: {
                type: 'string',
                description: 'Where the incident reports came from (this registry)',
              },
            },
          },
          ...errors(400, 404, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const nowSeconds = ctx.nowSeconds()
      const { result, loaded } = await verifyBody(request.body, nowSeconds)
      return reply
        .type('application/json; charset=utf-8')
        .send(resultText(result, loaded.warnings, nowSeconds))
    },
  )

  app.post<{ Body: VerifyBody & { at?: string } }>(
    '/api/v1/verify/report',
    {
      bodyLimit: DEFAULT_MAX_TOKEN_BYTES + MAX_POLICY_CHARS + MAX_STATUS_LIST_TOKEN_BYTES,
      schema: {
        summary:
          'The verification report of a passport (HTML, as `accord verify --report FILE.html`), for a tender file',
        tags: ['verify'],
        body: {
          type: 'object',
          required: ['passport', 'policy'],
          additionalProperties: false,
          properties: {
            ...VERIFY_BODY_PROPERTIES,
            at: {
              type: 'string',
              maxLength: 64,
              description:
                'Verify as of this time (ISO 8601 date-time): the `verifiedAt` of a POST /api/v1/verify answer, so the report is of that verification; default now',
            },
          },
        },
        response: {
          200: {
            description: 'The report, a self-contained HTML page, as an attachment',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
          ...errors(400, 404, 413, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const body = request.body
      const nowSeconds = body.at === undefined ? ctx.nowSeconds() : parseAt(body.at)
      const { result, loaded } = await verifyBody(body, nowSeconds)
      const passportSha256 = sha256Hex(body.passport)
      const inputs: VerificationReportInputFile[] = [
        { role: 'passport', name: 'passport (sent to the registry)', sha256: passportSha256 },
        await policyInput(body.policy),
      ]
      if (body.statusList !== undefined)
        inputs.push({
          role: 'status list',
          name: 'status list (sent to the registry)',
          sha256: sha256Hex(body.statusList),
        })
      if (result.incidentsFrom !== undefined)
        inputs.push({ role: 'incident reports', name: result.incidentsFrom })
      const report = renderVerificationReport({
        result,
        verifiedAt: nowSeconds,
        policy: loaded.policy,
        policyWarnings: loaded.warnings,
        explain: { catalogs: await policyCatalogs(), keys: loaded.kids },
        passportSha256,
        inputs,
        generator: { name: 'accord', version: VERSION },
      })
      return reply
        .type('text/html; charset=utf-8')
        .header('content-disposition', 'attachment; filename="passport-verification-report.html"')
        .send(report.html)
    },
  )

  /** The policy of a request: a bundled policy by name (its file's digest), or the text sent. */
  async function policyInput(policy: string): Promise<VerificationReportInputFile> {
    if (POLICY_NAME.test(policy) && policiesDir !== undefined) {
      const sha256 = await sha256OfFile(path.join(policiesDir, `${policy}.yaml`))
      return {
        role: 'policy',
        name: `${policy}.yaml (bundled with the registry)`,
        ...(sha256 === undefined ? {} : { sha256 }),
      }
    }
    return { role: 'policy', name: 'policy (sent to the registry)', sha256: sha256Hex(policy) }
  }
}
