/**
 * POST /api/v1/policies/explain: a bundled policy by name gives what `accord policy explain --json`
 * gives for its file; sent YAML with inline keys is explained with its key ids and warnings; a
 * key file path in sent text, broken YAML, an unknown name and a bad date are refused in the
 * error shape of POST /api/v1/verify, naming the line and column.
 */
import { cpSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, run } from '../cli/helpers.js'
import { inlinePolicy, makeSigner, startApp, type TestApp, type TestSigner } from './helpers.js'
import { tempDir } from '../tmp.js'

const URL = '/api/v1/policies/explain'
let t: TestApp
let dir: string
let issuer: TestSigner

beforeAll(async () => {
  // The bundled policies with the fixed public keys their jwks: paths name.
  dir = tempDir('accord-explain-')
  cpSync(path.join(ROOT, 'policies'), path.join(dir, 'policies'), { recursive: true })
  cpSync(path.join(ROOT, 'test/fixtures/policy-keys'), path.join(dir, 'keys'), { recursive: true })
  t = await startApp({ policiesDir: path.join(dir, 'policies') })
  issuer = await makeSigner('EdDSA')
}, 60_000)
afterAll(() => t.close())

const explain = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: URL, payload })

describe('POST /api/v1/policies/explain', () => {
  it('explains a bundled policy by name exactly as accord policy explain --json does', async () => {
    for (const name of ['eu-police-procurement', 'allied-defence-integration']) {
      const res = await explain({ policy: name, asOf: '2027-03-01' })
      expect(res.statusCode, res.body).toBe(200)
      const cli = await run([
        'policy',
        'explain',
        path.join(dir, 'policies', `${name}.yaml`),
        '--as-of',
        '2027-03-01',
        '--json',
      ])
      expect(cli.code).toBe(0)
      // The same answer, with the policy's place in the server's folder instead of its path.
      expect(res.json()).toEqual({
        ...(cli.json() as Record<string, unknown>),
        file: `policies/${name}.yaml`,
      })
    }
    const body = (await explain({ policy: 'eu-police-procurement' })).json()
    expect(body.asOf).toBeUndefined()
    expect(body.warnings).toEqual([])
    expect(body.rules.map((r: { rule: string }) => r.rule).slice(0, 3)).toEqual([
      'trust:issuer:1',
      'trust:assessor:1',
      'policy:jurisdiction:eu-ai-act',
    ])
    expect(body.rules).toContainEqual(
      expect.objectContaining({
        rule: 'policy:category:eu-ai-act',
        text: expect.stringMatching(
          /^The system must be classified under the EU AI Act as: high-risk;/,
        ),
        accepted: ['high-risk'],
      }),
    )
    // No path of the server anywhere in the answer.
    expect(JSON.stringify(body)).not.toContain(dir)
  }, 60_000)

  it('explains sent YAML with inline keys, with its key ids and warnings at their lines', async () => {
    const policy = `${inlinePolicy(issuer, '<b>Mine</b>')}\n  obligationsMet: [eu-ai-act:art-14, eu-ai-act:art-14]`
    const res = await explain({ policy })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body.file).toBeUndefined()
    expect(body.policy).toBe('<b>Mine</b>')
    expect(body.rules[0]).toEqual({
      rule: 'trust:issuer:1',
      text: `Accepts passports signed by: vendor (key ${issuer.kid.slice(0, 12)}…)`,
      name: 'vendor',
      keys: 'inline',
      kids: [issuer.kid],
    })
    expect(body.rules.map((r: { rule: string }) => r.rule)).toContain(
      'policy:obligation:eu-ai-act:art-14',
    )
    expect(body.warnings).toEqual([
      expect.objectContaining({ code: 'duplicate_obligation', file: 'policy', line: 10 }),
    ])
  })

  it('refuses a key file path (jwks:) in sent text, naming its line, and reads no file', async () => {
    const policy = inlinePolicy(issuer, 'files').replace(/jwk: .*/, 'jwks: /etc/passwd')
    const res = await explain({ policy })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toEqual({
      code: 'ERR_CONFIG_POLICY_INVALID',
      message:
        'line 7, column 13: trusted issuer "vendor" names a key file (jwks); a policy sent to the server must write its keys inline (jwk:)',
    })
    // POST /api/v1/verify refuses it the same way (one loader).
    const verify = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: 'x', policy },
    })
    expect(verify.json()).toEqual(res.json())
  })

  it('refuses broken YAML and misspelt obligation ids with the line and column', async () => {
    const broken = await explain({
      policy: 'apiVersion: accord.dev/v1\nkind: AcceptancePolicy\nname: [not closed\n',
    })
    expect(broken.statusCode).toBe(422)
    expect(broken.json().code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(broken.json().message).toMatch(/^the policy is invalid: line \d+, column \d+: /)
    const typo = await explain({
      policy: `${inlinePolicy(issuer, 'typo')}\n  obligationsMet: [eu-ai-act:art-122]`,
    })
    expect(typo.statusCode).toBe(422)
    expect(typo.json().message).toBe(
      'the policy is invalid: line 10, column 20: eu-ai-act:art-122 is not in the eu-ai-act catalog',
    )
  })

  it('refuses an unknown bundled name (404), a bad date and a missing policy (400)', async () => {
    const unknown = await explain({ policy: 'no-such-policy' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().code).toBe('ERR_CONFIG_POLICY_NOT_FOUND')
    const date = await explain({ policy: 'eu-police-procurement', asOf: '2027-02-30' })
    expect(date.statusCode).toBe(400)
    expect(date.json().code).toBe('ERR_CONFIG_BAD_DATE')
    const missing = await explain({})
    expect(missing.statusCode).toBe(400)
    expect(missing.json().code).toBe('ERR_CONFIG_BAD_REQUEST')
    const long = await explain({ policy: 'x'.repeat(64 * 1024 + 1) })
    expect(long.statusCode).toBe(400)
  })
})
