/**
 * POST /api/v1/policies/explain: an acceptance policy in plain words, rule by rule in the order a
 * verifier evaluates them, as `accord policy explain --json` gives it (core/policy/explain.ts),
 * with the policy's warnings (`accord policy check`). The policy is given as to
 * POST /api/v1/verify (../policy-input.ts): YAML text with inline keys, or a bundled policy's
 * name. The web UI's verify page shows it under "What this policy requires".
 */
import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../core/errors.js'
import { isCalendarDate } from '../../core/dates.js'
import { explainPolicy, partyKids } from '../../core/policy/explain.js'
import type { RouteContext } from '../app.js'
import { loadRequestPolicy, MAX_POLICY_CHARS, policyCatalogs } from '../policy-input.js'
import { errors, PolicyIssue } from '../schemas.js'

export function registerPolicyRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const policiesDir = ctx.deps.policiesDir

  app.post<{ Body: { policy: string; asOf?: string } }>(
    '/api/v1/policies/explain',
    {
      // A policy of MAX_POLICY_CHARS characters, each at most 6 bytes in JSON (\uXXXX).
      bodyLimit: 6 * MAX_POLICY_CHARS + 1024,
      schema: {
        summary:
          'Explain an acceptance policy in plain words, rule by rule (as `accord policy explain --json`)',
        tags: ['verify'],
        body: {
          type: 'object',
          required: ['policy'],
          additionalProperties: false,
          properties: {
            policy: {
              type: 'string',
              minLength: 1,
              maxLength: MAX_POLICY_CHARS,
              description:
                'Policy YAML with inline keys, or the name of a bundled policy (as for POST /api/v1/verify)',
            },
            asOf: {
              type: 'string',
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
              description:
                'YYYY-MM-DD: also give the dates that follow from day counts (as `--as-of`)',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              file: {
                type: 'string',
                description: 'policies/<name>.yaml for a bundled policy; absent for sent text',
              },
              policy: { type: 'string', description: "The policy's name" },
              description: { type: 'string' },
              asOf: { type: 'string' },
              rules: {
                type: 'array',
                description:
                  'One entry per rule, in the order a verifier evaluates them: `rule` (the check name, or trust:issuer:<n>, trust:assessor:<n>, recognition:<n>), `text` (plain words) and the rule’s own fields',
                items: {
                  type: 'object',
                  required: ['rule', 'text'],
                  additionalProperties: true,
                  properties: { rule: { type: 'string' }, text: { type: 'string' } },
                },
              },
              warnings: {
                type: 'array',
                description: 'What `accord policy check` warns about (the policy still loads)',
                items: PolicyIssue,
              },
            },
          },
          ...errors(400, 404, 413, 422, 429),
        },
      },
    },
    async (request) => {
      const { asOf } = request.body
      if (asOf !== undefined && !isCalendarDate(asOf))
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_DATE',
          message: `asOf "${asOf}" is not a calendar date in YYYY-MM-DD form`,
        })
      const loaded = await loadRequestPolicy(request.body.policy, {
        policiesDir,
        lint: true,
        onBundledError: (err, name) =>
          request.log.warn({ err }, `bundled policy "${name}" cannot be loaded`),
      })
      const p = loaded.policy
      const rules = explainPolicy(p, {
        catalogs: await policyCatalogs(),
        keys: partyKids(p, loaded.issuerKeys, loaded.assessorKeys),
        ...(asOf !== undefined ? { asOf } : {}),
      })
      return {
        ...(loaded.bundled !== undefined ? { file: loaded.bundled } : {}),
        policy: p.name,
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(asOf !== undefined ? { asOf } : {}),
        rules,
        warnings: loaded.warnings,
      }
    },
  )
}
