/**
 * POST /api/v1/verify with the name of a bundled policy that the server cannot load: the client
 * learns which policy and why, without the server's file system paths (docs/api.md).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePassport, makeSigner, startApp, type TestApp } from './helpers.js'
import { AccordError, ConfigError } from '../../src/core/errors.js'
import { withoutServerPaths } from '../../src/server/routes/verify.js'
import { ROOT } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'

let t: TestApp
let policiesDir: string

beforeAll(async () => {
  policiesDir = tempDir('accord-policies-')
  writeFileSync(
    path.join(policiesDir, 'no-keys.yaml'),
    [
      'apiVersion: accord.dev/v1',
      'kind: AcceptancePolicy',
      'name: no-keys',
      'trust:',
      '  issuers:',
      '    - name: vendor',
      '      jwks: ../keys/issuer.public.jwk.json',
      'requirements:',
      '  jurisdictions: [eu-ai-act]',
    ].join('\n'),
  )
  t = await startApp({ policiesDir })
}, 60_000)
afterAll(() => t.close())

describe('POST /api/v1/verify with a bundled policy the server cannot load', () => {
  it('names the policy and the problem, and no path of the server', async () => {
    const issuer = await makeSigner('EdDSA')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: (await makePassport(issuer)).token, policy: 'no-keys' },
    })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    const body = res.json()
    expect(body.code).toMatch(/^ERR_CONFIG_POLICY/)
    expect(body.message).toContain('issuer.public.jwk.json')
    expect(body.message).not.toContain(path.dirname(policiesDir))
    expect(body.message).not.toContain(tmpdir())
  })
})

describe('POST /api/v1/verify with a bundled policy: its warnings as policyWarnings', () => {
  let bundled: TestApp
  let root: string
  beforeAll(async () => {
    // The bundled policies with the fixed public keys they name (../keys/), and the police policy
    // with an obligation listed twice.
    root = tempDir('accord-bundled-')
    cpSync(path.join(ROOT, 'policies'), path.join(root, 'policies'), { recursive: true })
    cpSync(path.join(ROOT, 'test/fixtures/policy-keys'), path.join(root, 'keys'), {
      recursive: true,
    })
    const police = readFileSync(path.join(root, 'policies', 'eu-police-procurement.yaml'), 'utf8')
    const twice = police.replace('    - eu-ai-act:art-9 #', '    - eu-ai-act:art-14\n$&')
    expect(twice).not.toBe(police)
    writeFileSync(path.join(root, 'policies', 'twice.yaml'), twice)
    bundled = await startApp({ policiesDir: path.join(root, 'policies') })
  }, 60_000)
  afterAll(() => bundled.close())

  const verify = async (policy: string) => {
    const res = await bundled.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { passport: (await makePassport(await makeSigner('EdDSA'))).token, policy },
    })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it.each(['eu-police-procurement', 'allied-defence-integration', 'us-federal-agency'])(
    'none for %s',
    async (name) => {
      expect((await verify(name)).policyWarnings).toEqual([])
    },
  )

  it('one for a bundled policy with an obligation listed twice, named without the server path', async () => {
    const body = await verify('twice')
    expect(body.policyWarnings).toEqual([
      expect.objectContaining({
        code: 'duplicate_obligation',
        file: 'policies/twice.yaml',
        line: 42,
        path: ['requirements', 'obligationsMet', 6],
      }),
    ])
    expect(JSON.stringify(body)).not.toContain(root)
  })
})

describe('withoutServerPaths', () => {
  const dir = '/srv/accord/policies'
  it('shows paths inside the policies folder relative to it, others by file name only', () => {
    const err = new ConfigError({
      code: 'ERR_CONFIG_POLICY_INVALID',
      message: `${dir}/eu.yaml: trust.issuers[0].jwks: cannot read /srv/accord/keys/issuer.public.jwk.json (ENOENT), see "${dir}/README.md".`,
    })
    const shown = withoutServerPaths(err, dir)
    expect(shown).toBeInstanceOf(ConfigError)
    expect(shown.code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(shown.message).toBe(
      'policies/eu.yaml: trust.issuers[0].jwks: cannot read <server>/issuer.public.jwk.json (ENOENT), see "policies/README.md".',
    )
  })
  it('keeps messages without paths, and hides errors that are not Accord errors', () => {
    const plain = new ConfigError({ code: 'ERR_CONFIG_POLICY_INVALID', message: 'a/b is relative' })
    expect(withoutServerPaths(plain, dir).message).toBe('a/b is relative')
    const other = withoutServerPaths(new Error(`EACCES: open '${dir}/x.yaml'`), dir)
    expect(other).toBeInstanceOf(AccordError)
    expect(other.code).toBe('ERR_INTERNAL')
    expect(other.message).toBe('internal error')
  })
})
