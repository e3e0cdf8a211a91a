import { existsSync, readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { base64url, compactVerify, importJWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../src/core/passport/issue.js'
import { presentPassport } from '../../src/core/passport/present.js'
import { sdDigest } from '../../src/core/passport/sd-jwt.js'
import { createPassportVerifier } from '../../src/core/passport/verify.js'
import { evaluatePolicy, verdictFrom } from '../../src/core/policy/evaluate.js'
import { parsePolicy } from '../../src/core/policy/parse.js'
import type { Policy } from '../../src/core/policy/schema.js'
import {
  createBatchVerifier,
  nodeHasher,
  nodeVerifierPrimitives,
  verifyBatch,
  type BatchResult,
} from '../../src/node/verify-batch.js'
import { decodeBase64urlStrict, verifyJwsSignature } from '../../src/node/jws.js'
import { flipChar, joinToken, splitToken } from '../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../fixtures/passport/inputs.js'
import { hasher, makeSigner, sdCrypto, type TestSigner } from '../fixtures/passport/signer.js'

const NOW = ISSUED_AT + 60
/** Worker threads need the compiled module (`npm run build`). */
const DIST = fileURLToPath(new URL('../../dist/node/verify-batch.js', import.meta.url))
/** The same module in the CLI's bundle (scripts/bundle.mjs), which starts workers from its chunk. */
const BUNDLE = fileURLToPath(new URL('../../dist/bundle/verify-batch.js', import.meta.url))
const BUILDS = [
  ['compiled dist/', DIST],
  ['CLI bundle dist/bundle/', BUNDLE],
] as const
const POLICY = fileURLToPath(new URL('../../policies/eu-police-procurement.yaml', import.meta.url))

let signer: TestSigner
let tokens: string[]
let policy: Policy

beforeAll(async () => {
  signer = await makeSigner('EdDSA')
  const claims = await exampleClaims()
  tokens = []
  for (let i = 0; i < 10; i++) tokens.push(await issuePassport(claims, signer, sdCrypto))
  // A bad one in the middle: results must stay in input order.
  tokens[4] = flipChar(tokens[4] as string, 60)
  // One with only the classification disclosed: the policy cannot see the obligations.
  tokens[7] = await presentPassport(tokens[7] as string, {
    disclose: ['classification.eu-ai-act'],
    hasher,
  })
  const parsed = parsePolicy(readFileSync(POLICY, 'utf8'), POLICY)
  if (!parsed.ok) throw new Error('the example policy does not parse')
  policy = parsed.policy
})

const trustedKeys = () => [{ kid: signer.kid, jwk: signer.publicJwk }]

/** What the pool must return for `token`: verified and evaluated one by one, in this thread. */
async function expected(token: string, allChecks: boolean): Promise<BatchResult> {
  const r = await createPassportVerifier({ trustedKeys: trustedKeys(), hasher }).verify(token, {
    nowSeconds: NOW,
  })
  const shown = (checks: BatchResult['checks']) =>
    allChecks ? checks : checks.filter((c) => c.outcome !== 'pass')
  if (!r.ok || !r.claims) {
    return {
      ok: false,
      verdict: 'rejected',
      checks: shown(r.checks),
      ...(r.key ? { key: r.key } : {}),
    }
  }
  const subject = r.claims.credentialSubject
  const checks = [
    ...r.checks,
    ...evaluatePolicy(policy, {
      claims: r.claims,
      disclosed: {
        jurisdictions: Object.keys(subject.classification),
        frameworks: Object.keys(subject.obligations),
      },
      endorsements: [],
      nowSeconds: NOW,
      statusChecked: false,
    }),
  ]
  return {
    ok: true,
    verdict: verdictFrom(checks),
    checks: shown(checks),
    ...(r.key ? { key: r.key } : {}),
  }
}

describe('nodeVerifierPrimitives', () => {
  it('equal the portable defaults', () => {
    for (let n = 0; n < 200; n++) {
      const data = base64url.encode(randomBytes(n))
      expect(nodeVerifierPrimitives.sha256Base64url?.(data)).toBe(sdDigest(hasher, data))
      expect(new Uint8Array(nodeHasher(data, 'sha-256'))).toEqual(hasher(data, 'sha-256'))
      expect(new Uint8Array(nodeVerifierPrimitives.decodeBase64url?.(data) ?? [])).toEqual(
        base64url.decode(data),
      )
    }
    expect(new Uint8Array(nodeHasher('abc', 'sha-512'))).toEqual(hasher('abc', 'sha-512'))
  })
})

describe('verifyJwsSignature', () => {
  it('accepts exactly the signatures jose compactVerify accepts (EdDSA and ES256)', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const k = await makeSigner(alg)
      const otherKey = await makeSigner(alg === 'EdDSA' ? 'ES256' : 'EdDSA')
      const header = base64url.encode(JSON.stringify({ alg, typ: 'JWT' }))
      const payload = base64url.encode(JSON.stringify({ n: 1, s: 'ä' }))
      const input = `${header}.${payload}`
      const sig = await k.sign(new TextEncoder().encode(input))
      const flipped = Uint8Array.from(sig)
      flipped[5] = (flipped[5] as number) ^ 1
      const cases: [string, string, Uint8Array, Record<string, unknown>][] = [
        ['valid', input, sig, k.publicJwk],
        ['other input', `${header}.${base64url.encode('{"n":2}')}`, sig, k.publicJwk],
        ['flipped bit', input, flipped, k.publicJwk],
        ['truncated', input, sig.subarray(0, sig.length - 1), k.publicJwk],
        ['extended', input, Uint8Array.from([...sig, 0]), k.publicJwk],
        ['empty', input, new Uint8Array(), k.publicJwk],
        ['zeros', input, new Uint8Array(sig.length), k.publicJwk],
        ['other key', input, sig, otherKey.publicJwk],
      ]
      for (const [name, data, signature, jwk] of cases) {
        const jws = `${data}.${base64url.encode(signature)}`
        const joseOk = await importJWK(jwk, alg)
          .then((key) => compactVerify(jws, key, { algorithms: [alg] }))
          .then(
            () => true,
            () => false,
          )
        const ours = await verifyJwsSignature(alg, jwk, data, signature)
        expect(ours, `${alg} ${name}`).toBe(joseOk)
        expect(ours, `${alg} ${name}`).toBe(name === 'valid')
      }
    }
  })
})

/** Strings Node's lenient decoder would read but that are not base64url. */
const NOT_BASE64URL = [
  'QU+D', // standard alphabet
  'QU/D',
  'QUJD==', // padding
  'QU=D',
  'QU D', // whitespace
  'QU\nD',
  'QU!D', // outside both alphabets
  'QUJ\u0141', // U+0141: Node would read its low byte, "A"
  'QUJ\u00c1', // Latin-1, not ASCII
  'QUJDR', // one character too many (length 1 mod 4)
]

describe('decodeBase64urlStrict', () => {
  it('refuses what is not base64url, and decodes what is as jose does', () => {
    for (const s of NOT_BASE64URL) {
      expect(() => decodeBase64urlStrict(s), JSON.stringify(s)).toThrow(TypeError)
    }
    for (let n = 0; n < 64; n++) {
      const s = base64url.encode(randomBytes(n))
      expect(new Uint8Array(decodeBase64urlStrict(s))).toEqual(base64url.decode(s))
    }
    expect(decodeBase64urlStrict('').length).toBe(0)
  })

  it('gives the same reason codes as the portable verifier for such disclosures and payloads', async () => {
    const fast = createPassportVerifier({
      trustedKeys: trustedKeys(),
      hasher,
      primitives: nodeVerifierPrimitives,
    })
    const portable = createPassportVerifier({ trustedKeys: trustedKeys(), hasher })
    const { jwt, disclosures } = splitToken(tokens[0] as string)
    const [h, p, sig] = jwt.split('.') as [string, string, string]
    for (const bad of NOT_BASE64URL) {
      const forged = [
        joinToken(jwt, [...disclosures.slice(0, 1), `${disclosures[1] ?? ''}${bad}`]),
        joinToken(`${h}.${p.slice(0, 8)}${bad}${p.slice(8)}.${sig}`, disclosures),
      ]
      for (const [i, token] of forged.entries()) {
        const a = await fast.verify(token, { nowSeconds: NOW })
        const b = await portable.verify(token, { nowSeconds: NOW })
        expect(a.ok, JSON.stringify(bad)).toBe(false)
        expect(a.checks.at(-1)).toEqual(b.checks.at(-1))
        expect(a.checks.at(-1)?.reason).toBe(i === 0 ? 'disclosure-invalid' : 'malformed')
      }
    }
  })
})

describe('createBatchVerifier (in-process when run from sources)', () => {
  it('verifies and evaluates the policy, in input order, with compact results', async () => {
    const pool = createBatchVerifier({ trustedKeys: trustedKeys(), policy })
    expect(pool.workers).toBe(0)
    const results = await pool.verify(tokens, { nowSeconds: NOW })
    expect(results).toEqual(await Promise.all(tokens.map((t) => expected(t, false))))
    expect(results.map((r) => r.ok)).toEqual(tokens.map((_, i) => i !== 4))
    expect(results[4]).toMatchObject({ verdict: 'rejected' })
    expect(results[4]?.checks).toEqual([
      expect.objectContaining({ check: 'structure', outcome: 'fail', reason: 'malformed' }),
    ])
    // Art. 11 is only partly met in this example; the status was not checked.
    expect(results[0]?.verdict).toBe('rejected')
    expect(results[7]?.verdict).toBe('indeterminate')
    expect(results.every((r) => r.claims === undefined)).toBe(true)
    await pool.close()
    await expect(pool.verify(tokens, { nowSeconds: NOW })).rejects.toThrow(/closed/)
  })

  it("returns every check with checks: 'all', and claims when asked", async () => {
    const pool = createBatchVerifier({
      trustedKeys: trustedKeys(),
      policy,
      checks: 'all',
      includeClaims: true,
    })
    const results = await pool.verify(tokens.slice(0, 3), { nowSeconds: NOW })
    for (const [i, r] of results.entries()) {
      const { claims, ...rest } = r
      expect(rest).toEqual(await expected(tokens[i] as string, true))
      expect(claims?.iss).toBe('https://vendor.example/accord')
    }
    await pool.close()
  })

  it('without a policy the verdict follows the cryptographic checks', async () => {
    const pool = createBatchVerifier({ trustedKeys: trustedKeys(), workers: 0 })
    const results = await pool.verify(tokens, { nowSeconds: NOW })
    expect(results.map((r) => r.verdict)).toEqual(
      tokens.map((_, i) => (i === 4 ? 'rejected' : 'accepted')),
    )
    expect(results[0]?.checks).toEqual([
      expect.objectContaining({ check: 'key-binding', outcome: 'skipped' }),
    ])
    await pool.close()
  })

  it('refuses misuse in the calling thread', async () => {
    expect(() => createBatchVerifier({ trustedKeys: [], workers: -1 })).toThrow(TypeError)
    expect(() => createBatchVerifier({ trustedKeys: [], chunkSize: 0 })).toThrow(TypeError)
    expect(() => createBatchVerifier({ trustedKeys: [], concurrency: 1.5 })).toThrow(TypeError)
    expect(() => createBatchVerifier({ trustedKeys: [], checks: 'some' as never })).toThrow(
      TypeError,
    )
    expect(() => createBatchVerifier({ trustedKeys: [{ kid: 'k', jwk: { kty: 'oct' } }] })).toThrow(
      TypeError,
    )
    const pool = createBatchVerifier({ trustedKeys: trustedKeys() })
    await expect(pool.verify(tokens, { nowSeconds: Number.NaN })).rejects.toThrow(TypeError)
    await expect(pool.verify(tokens, { nowSeconds: NOW, requireKeyBinding: true })).rejects.toThrow(
      TypeError,
    )
  })
})

describe('verifyBatch', () => {
  it('verifies in-process with workers: 1, in input order', async () => {
    const results = await verifyBatch(tokens, {
      trustedKeys: trustedKeys(),
      nowSeconds: NOW,
      workers: 1,
    })
    expect(results.map((r) => r.ok)).toEqual(tokens.map((_, i) => i !== 4))
    expect(results[0]?.claims?.iss).toBe('https://vendor.example/accord')
    expect(results[0]?.checks).toHaveLength(8)
  })

  it('drops claims when includeClaims is false', async () => {
    const results = await verifyBatch(tokens.slice(0, 2), {
      trustedKeys: trustedKeys(),
      nowSeconds: NOW,
      includeClaims: false,
    })
    expect(results.every((r) => r.ok && r.claims === undefined)).toBe(true)
  })

  it('refuses misuse in the calling thread', async () => {
    await expect(
      verifyBatch(tokens, { trustedKeys: [], nowSeconds: NOW, workers: 0 }),
    ).rejects.toThrow(TypeError)
    await expect(
      verifyBatch(tokens, { trustedKeys: [{ kid: 'k', jwk: { kty: 'oct' } }], nowSeconds: NOW }),
    ).rejects.toThrow(TypeError)
  })
})

for (const [build, file] of BUILDS) {
  describe.skipIf(!existsSync(file))(`worker pool (${build})`, () => {
    let compiled: {
      createBatchVerifier: typeof createBatchVerifier
      verifyBatch: typeof verifyBatch
    }
    const open: { close(): Promise<void> }[] = []

    beforeAll(async () => {
      compiled = (await import(pathToFileURL(file).href)) as typeof compiled
    })
    afterAll(async () => {
      await Promise.all(open.map((p) => p.close()))
    })

    it('verifies across 2 persistent workers, batch after batch, like one thread does', async () => {
      const pool = compiled.createBatchVerifier({
        trustedKeys: trustedKeys(),
        policy,
        workers: 2,
        chunkSize: 3,
      })
      open.push(pool)
      expect(pool.workers).toBe(2)
      const want = await Promise.all(tokens.map((t) => expected(t, false)))
      // Several batches, two of them at once: the workers stay up and results never mix.
      const [a, b] = await Promise.all([
        pool.verify(tokens, { nowSeconds: NOW }),
        pool.verify([...tokens].reverse(), { nowSeconds: NOW }),
      ])
      expect(a).toEqual(want)
      expect(b).toEqual([...want].reverse())
      expect(await pool.verify(tokens.slice(2, 5), { nowSeconds: NOW })).toEqual(want.slice(2, 5))
      expect(await pool.verify([], { nowSeconds: NOW })).toEqual([])
      // The request travels with each batch.
      const late = await pool.verify(tokens.slice(0, 1), { nowSeconds: NOW + 400 * 86_400 })
      expect(late[0]?.checks.at(-1)).toMatchObject({ check: 'validity', reason: 'expired' })
      await pool.close()
      await expect(pool.verify(tokens, { nowSeconds: NOW })).rejects.toThrow(/closed/)
    })

    it('returns claims and all checks when asked', async () => {
      const pool = compiled.createBatchVerifier({
        trustedKeys: trustedKeys(),
        workers: 2,
        chunkSize: 2,
        includeClaims: true,
        checks: 'all',
      })
      open.push(pool)
      const results = await pool.verify(tokens, { nowSeconds: NOW })
      expect(results.map((r) => r.ok)).toEqual(tokens.map((_, i) => i !== 4))
      expect(results[9]?.claims?.jti).toBeDefined()
      expect(results[0]?.checks).toHaveLength(8)
      await pool.close()
    })

    it('verifyBatch starts and closes a pool per call', async () => {
      const results = await compiled.verifyBatch(tokens, {
        trustedKeys: trustedKeys(),
        nowSeconds: NOW,
        workers: 2,
        chunkSize: 3,
      })
      expect(results).toHaveLength(tokens.length)
      expect(results.map((r) => r.ok)).toEqual(tokens.map((_, i) => i !== 4))
      expect(results[4]?.checks.at(-1)?.outcome).toBe('fail')
      expect(results[9]?.claims?.jti).toBeDefined()
    })
  })
}
