import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../src/core/passport/issue.js'
import { verifyBatch } from '../../src/node/verify-batch.js'
import { flipChar } from '../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../fixtures/passport/inputs.js'
import { makeSigner, sdCrypto, type TestSigner } from '../fixtures/passport/signer.js'

const NOW = ISSUED_AT + 60
/** Worker threads need the compiled module (`npm run build`). */
const DIST = fileURLToPath(new URL('../../dist/node/verify-batch.js', import.meta.url))

let signer: TestSigner
let tokens: string[]

beforeAll(async () => {
  signer = await makeSigner('EdDSA')
  const claims = await exampleClaims()
  tokens = []
  for (let i = 0; i < 10; i++) tokens.push(await issuePassport(claims, signer, sdCrypto))
  // A bad one in the middle: results must stay in input order.
  tokens[4] = flipChar(tokens[4] as string, 60)
})

describe('verifyBatch', () => {
  it('verifies in-process with workers: 1, in input order', async () => {
    const results = await verifyBatch(tokens, {
      trustedKeys: [{ kid: signer.kid, jwk: signer.publicJwk }],
      nowSeconds: NOW,
      workers: 1,
    })
    expect(results.map((r) => r.ok)).toEqual(tokens.map((_, i) => i !== 4))
    expect(results[0]?.claims?.iss).toBe('https://vendor.example/accord')
  })

  it('drops claims when includeClaims is false', async () => {
    const results = await verifyBatch(tokens.slice(0, 2), {
      trustedKeys: [{ kid: signer.kid, jwk: signer.publicJwk }],
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

  it.skipIf(!existsSync(DIST))('verifies across 2 worker threads (compiled dist/)', async () => {
    const compiled = (await import(pathToFileURL(DIST).href)) as {
      verifyBatch: typeof verifyBatch
    }
    const results = await compiled.verifyBatch(tokens, {
      trustedKeys: [{ kid: signer.kid, jwk: signer.publicJwk }],
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
