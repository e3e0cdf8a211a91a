/**
 * RFC 9901 (SD-JWT) examples from ../shared/vendor/sd-jwt (see its README): disclosure digests,
 * the issuer-signed JWTs of §5 and App. A.3, their processed payloads, and the SD-JWT+KB, all
 * checked with Accord's hasher and verifier at the fixed clock the README gives.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sdDigest } from '../../src/core/passport/sd-jwt.js'
import {
  createPassportVerifier,
  type PassportVerifierOptions,
} from '../../src/core/passport/verify.js'
import { hasher } from '../fixtures/passport/signer.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'

interface Example {
  issuer_public_jwk: Record<string, unknown>
  disclosures?: { claim?: string; digest: string; disclosure: string }[]
  issuer_signed_jwt?: string
  sd_jwt_issued: string
  sd_jwt_kb_presentation: string
  kb_jwt_payload: { nonce: string; aud: string; iat: number; sd_hash: string }
  processed_payload: Record<string, unknown>
}

const VECTORS = JSON.parse(
  readFileSync(`${SHARED_VENDOR}/sd-jwt/rfc9901-examples.json`, 'utf8'),
) as {
  disclosure_object_property: {
    disclosure: string
    sha256_digest: string
    equivalent_encodings_same_contents: string[]
  }
  disclosure_array_element: { disclosure: string }
  example_section5: Example
  example_A3_sd_jwt_vc: Example
}

/** The KB-JWT iat of both examples; issuer JWTs are valid from 1683000000 to 1883000000. */
const NOW = 1_748_537_243

function verifierFor(example: Example, extra: Partial<PassportVerifierOptions> = {}) {
  return createPassportVerifier({
    trustedKeys: [{ kid: 'rfc9901-issuer', jwk: example.issuer_public_jwk }],
    hasher,
    allowMissingKid: true,
    ...extra,
  })
}

describe('RFC 9901 disclosure digests', () => {
  it('§4.2.1 object property disclosure digest recomputes', () => {
    const v = VECTORS.disclosure_object_property
    expect(sdDigest(hasher, v.disclosure)).toBe(v.sha256_digest)
    // Equivalent encodings decode to the same array but hash differently: digests are over bytes.
    for (const alt of v.equivalent_encodings_same_contents) {
      expect(sdDigest(hasher, alt)).not.toBe(v.sha256_digest)
    }
  })

  it('§5 disclosure digests recompute', () => {
    const list = VECTORS.example_section5.disclosures ?? []
    expect(list.length).toBe(10)
    for (const d of list) expect(sdDigest(hasher, d.disclosure)).toBe(d.digest)
  })

  it('KB-JWT sd_hash recomputes over the presented SD-JWT', () => {
    for (const example of [VECTORS.example_section5, VECTORS.example_A3_sd_jwt_vc]) {
      const p = example.sd_jwt_kb_presentation
      const presented = p.slice(0, p.lastIndexOf('~') + 1)
      expect(sdDigest(hasher, presented)).toBe(example.kb_jwt_payload.sd_hash)
    }
  })
})

describe('RFC 9901 §5 example (typ example+sd-jwt)', () => {
  const example = VECTORS.example_section5
  const verifier = verifierFor(example, { acceptedTypes: ['example+sd-jwt'] })

  it('the issuer-signed JWT verifies, with all disclosures', async () => {
    const r = await verifier.verify(example.sd_jwt_issued, { nowSeconds: NOW })
    expect(r.checks.map((c) => [c.check, c.outcome])).toEqual([
      ['size', 'pass'],
      ['structure', 'pass'],
      ['header', 'pass'],
      ['issuer-trust', 'pass'],
      ['signature', 'pass'],
      ['validity', 'pass'],
      ['disclosures', 'pass'],
      ['key-binding', 'skipped'],
    ])
    expect(r.ok).toBe(true)
    expect(r.issuerJwt).toBe(example.issuer_signed_jwt)
    expect(r.claims).toMatchObject({ given_name: 'John', family_name: 'Doe', sub: 'user_42' })
  })

  it('the SD-JWT+KB verifies and resolves to the processed payload', async () => {
    const r = await verifier.verify(example.sd_jwt_kb_presentation, {
      nowSeconds: NOW,
      expectedAudience: example.kb_jwt_payload.aud,
      expectedNonce: example.kb_jwt_payload.nonce,
      requireKeyBinding: true,
    })
    expect(r.checks.at(-1)).toMatchObject({ check: 'key-binding', outcome: 'pass' })
    expect(r.ok).toBe(true)
    expect(r.claims).toEqual(example.processed_payload)
    expect(r.keyBinding).toEqual({
      aud: example.kb_jwt_payload.aud,
      nonce: example.kb_jwt_payload.nonce,
      iat: example.kb_jwt_payload.iat,
    })
  })

  it('is refused under the default typ (dc+sd-jwt only)', async () => {
    const r = await verifierFor(example).verify(example.sd_jwt_issued, { nowSeconds: NOW })
    expect(r.ok).toBe(false)
    expect(r.checks.at(-1)?.reason).toBe('typ-invalid')
  })

  it('is refused without a kid unless allowMissingKid is set', async () => {
    const strict = verifierFor(example, {
      acceptedTypes: ['example+sd-jwt'],
      allowMissingKid: false,
    })
    const r = await strict.verify(example.sd_jwt_issued, { nowSeconds: NOW })
    expect(r.checks.at(-1)?.reason).toBe('key-unknown')
  })

  it('the KB presentation with another nonce is refused (kb-nonce)', async () => {
    const r = await verifier.verify(example.sd_jwt_kb_presentation, {
      nowSeconds: NOW,
      expectedAudience: example.kb_jwt_payload.aud,
      expectedNonce: '0987654321',
    })
    expect(r.checks.at(-1)?.reason).toBe('kb-nonce')
  })
})

describe('RFC 9901 App. A.3 SD-JWT VC example (typ dc+sd-jwt)', () => {
  const example = VECTORS.example_A3_sd_jwt_vc
  const verifier = verifierFor(example)

  it('the issued SD-JWT VC verifies', async () => {
    const r = await verifier.verify(example.sd_jwt_issued, { nowSeconds: NOW })
    expect(r.ok).toBe(true)
    expect(r.claims).toMatchObject({ vct: 'urn:eudi:pid:de:1', given_name: 'Erika' })
  })

  it('the SD-JWT+KB (nested disclosures) resolves to the processed payload', async () => {
    const r = await verifier.verify(example.sd_jwt_kb_presentation, {
      nowSeconds: NOW,
      expectedAudience: example.kb_jwt_payload.aud,
      expectedNonce: example.kb_jwt_payload.nonce,
      requireKeyBinding: true,
    })
    expect(r.ok).toBe(true)
    expect(r.claims).toEqual(example.processed_payload)
  })

  it('after exp (1883000000) it is expired', async () => {
    const r = await verifier.verify(example.sd_jwt_issued, { nowSeconds: 1_883_000_000 + 3600 })
    expect(r.checks.at(-1)?.reason).toBe('expired')
  })
})
