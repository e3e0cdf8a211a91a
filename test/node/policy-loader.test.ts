import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { calculateJwkThumbprint } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CatalogSet } from '../../src/core/catalog/types.js'
import { ConfigError, ERROR_CODES } from '../../src/core/errors.js'
import { loadCatalogSet } from '../../src/node/catalog-loader.js'
import { generateKeyPair, writeKeyPair, type KeyPair } from '../../src/node/keys.js'
import { checkAgainstCatalogs, loadPolicy } from '../../src/node/policy-loader.js'
import { parsePolicy } from '../../src/core/policy/parse.js'

const POLICIES = path.join(import.meta.dirname, '..', '..', 'policies')

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

const HEAD = 'apiVersion: accord.dev/v1\nkind: AcceptancePolicy\nname: Test\n'

let tmp: string
let issuer: KeyPair
let authority: KeyPair
let catalogs: CatalogSet
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'accord-policy-'))
  issuer = await generateKeyPair()
  authority = await generateKeyPair({ alg: 'ES256' })
  // The layout the examples expect: policies/ next to keys/.
  await writeKeyPair(path.join(tmp, 'keys'), 'issuer', issuer)
  await writeKeyPair(path.join(tmp, 'keys'), 'authority', authority)
  await writeKeyPair(path.join(tmp, 'keys'), 'assessor', await generateKeyPair())
  await mkdir(path.join(tmp, 'policies'))
  catalogs = await loadCatalogSet()
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function policyFile(name: string, body: string): Promise<string> {
  const file = path.join(tmp, 'policies', name)
  await writeFile(file, HEAD + body)
  return file
}

describe('loadPolicy', () => {
  it.each([
    'eu-police-procurement.yaml',
    'allied-defence-integration.yaml',
    'us-federal-agency.yaml',
  ])(
    'loads the example %s with keys made by `accord keys generate --out keys`, checked against the catalogs',
    async (name) => {
      const file = path.join(tmp, 'policies', name)
      await copyFile(path.join(POLICIES, name), file)
      const loaded = await loadPolicy(file, { catalogs })
      expect(loaded.file).toBe(file)
      expect(loaded.trustedIssuerKeys).toEqual([
        { kid: issuer.kid, jwk: issuer.publicJwk, name: 'Vendor under evaluation', party: 0 },
      ])
      expect(loaded.warnings).toEqual([])
    },
  )

  it('returns assessor keys with their kind, and takes inline JWKs', async () => {
    // Without a kid: the loader computes the RFC 7638 thumbprint.
    const inline: Record<string, unknown> = { ...authority.publicJwk }
    delete inline.kid
    const file = await policyFile(
      'inline.yaml',
      [
        'trust:',
        '  issuers:',
        '    - name: Vendor',
        '      jwks: ../keys/issuer.public.jwk.json',
        '  assessors:',
        '    - name: Authority',
        '      kind: national-authority',
        `      jwk: ${JSON.stringify(inline)}`,
        '',
      ].join('\n'),
    )
    const loaded = await loadPolicy(file)
    const thumbprint = await calculateJwkThumbprint(inline as never)
    expect(thumbprint).toBe(authority.kid)
    expect(loaded.trustedAssessorKeys).toEqual([
      expect.objectContaining({ kid: thumbprint, name: 'Authority', kind: 'national-authority' }),
    ])
    expect(loaded.trustedAssessorKeys[0]?.jwk).not.toHaveProperty('d')
  })

  it('names the policy file, line and column of a key file that does not exist', async () => {
    const file = await policyFile(
      'missing-key.yaml',
      'trust:\n  issuers:\n    - name: Vendor\n      jwks: ../keys/nobody.public.jwk.json\n',
    )
    const err = await rejection(loadPolicy(file))
    expect(err.code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(ERROR_CODES[err.code].exit).toBe(3)
    expect(err.message).toContain('(first at line 7, column 13)')
    expect(err.issues).toMatchObject([
      { code: 'trusted_key', file, line: 7, column: 13, path: ['trust', 'issuers', 0, 'jwks'] },
    ])
    expect(err.issues[0]?.message).toContain('the key of Vendor cannot be used')
    expect(err.issues[0]?.message).toContain('does not exist')
    // The hint says which folder the path is relative to and the file it names.
    const folder = path.dirname(file)
    expect(err.issues[0]?.hint).toContain(
      `relative to the policy file's folder (${folder}): "../keys/nobody.public.jwk.json" names ${path.resolve(folder, '../keys/nobody.public.jwk.json')}`,
    )
  })

  it('refuses a private key file given as a trusted key', async () => {
    const file = await policyFile(
      'private.yaml',
      'trust:\n  issuers:\n    - name: Vendor\n      jwks: ../keys/issuer.private.jwk.json\n',
    )
    const err = await rejection(loadPolicy(file))
    expect(err.code).toBe('ERR_CONFIG_POLICY_INVALID')
    expect(err.issues[0]?.message).toMatch(/private/)
    expect(err.issues[0]?.message).not.toContain(issuer.privateJwk.d)
  })

  it('refuses a symmetric inline key', async () => {
    const file = await policyFile(
      'oct.yaml',
      'trust:\n  issuers:\n    - name: Vendor\n      jwk: { kty: oct, k: c2VjcmV0 }\n',
    )
    const err = await rejection(loadPolicy(file))
    expect(err.issues).toMatchObject([
      { code: 'trusted_key', line: 7, column: 12, path: ['trust', 'issuers', 0, 'jwk'] },
    ])
    expect(err.issues[0]?.message).not.toContain('c2VjcmV0')
  })

  it('reports schema problems as ERR_CONFIG_POLICY_INVALID with positions', async () => {
    const file = await policyFile('bad.yaml', 'trust:\n  isuers: []\n')
    const err = await rejection(loadPolicy(file))
    expect(err.code).toBe('ERR_CONFIG_POLICY_INVALID')
    // Schema problems stop the cross-field checks (the empty trust list is not reported yet).
    expect(err.issues.map((i) => [i.code, i.line, i.column])).toEqual([['unknown_key', 5, 3]])
    expect(err.issues[0]?.hint).toContain('did you mean `issuers`?')
  })

  it('reports a missing policy file as ERR_CONFIG_POLICY_NOT_FOUND (exit 5)', async () => {
    const err = await rejection(loadPolicy(path.join(tmp, 'nope.yaml')))
    expect(err.code).toBe('ERR_CONFIG_POLICY_NOT_FOUND')
    expect(ERROR_CODES[err.code].exit).toBe(5)
    expect(err.message).toContain('does not exist')
  })

  it('refuses a directory', async () => {
    const err = await rejection(loadPolicy(tmp))
    expect(err.code).toBe('ERR_CONFIG_POLICY_NOT_FOUND')
  })

  it('checks obligation references and patterns against the catalogs, with suggestions', async () => {
    const file = await policyFile(
      'refs.yaml',
      [
        'trust:',
        '  issuers:',
        '    - name: Vendor',
        '      jwks: ../keys/issuer.public.jwk.json',
        'requirements:',
        '  obligationsMet: [eu-ai-act:art-9, nist-ai-rmf:measure-2.33]',
        '  minReadiness:',
        '    nist-ai-rmf:govrn-*: 0.5',
        'recognition:',
        '  - accept: nist-ai-rmf:measure-9.*',
        '    as: eu-ai-act:art-15.1',
        '    rationale: r',
        '',
      ].join('\n'),
    )
    const err = await rejection(loadPolicy(file, { catalogs }))
    expect(err.issues.map((i) => [i.code, i.line, i.column])).toEqual([
      ['unknown_obligation', 9, 37],
      ['pattern_matches_nothing', 11, 26],
      ['pattern_matches_nothing', 13, 13],
    ])
    expect(err.issues[0]?.hint).toBe('did you mean `nist-ai-rmf:measure-2.3`?')
    // Without catalogs the same policy loads.
    await expect(loadPolicy(file)).resolves.toMatchObject({ file })
  })
})

describe('checkAgainstCatalogs', () => {
  it('accepts every reference of the example policies', async () => {
    for (const name of [
      'eu-police-procurement.yaml',
      'us-federal-agency.yaml',
      'allied-defence-integration.yaml',
    ]) {
      const { readFile } = await import('node:fs/promises')
      const r = parsePolicy(await readFile(path.join(POLICIES, name), 'utf8'), name)
      if (!r.ok) throw new Error(name)
      expect(checkAgainstCatalogs(r.policy, catalogs)).toEqual([])
    }
  })
})
