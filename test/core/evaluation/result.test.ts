import { createHash } from 'node:crypto'
import { base64url, decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Signer } from '../../../src/core/ports.js'
import { issuerJwtOf, passportDigestInput } from '../../../src/core/passport/endorse.js'
import { signCompactJws } from '../../../src/core/passport/status.js'
import { EVALUATION_RESULT_TYPE, EVALUATION_RESULT_VCT } from '../../../src/core/passport/types.js'
import {
  MAX_EVALUATION_RESULT_CHARS,
  buildEvaluationClaims,
  decodeEvaluationResult,
  signEvaluationResult,
  verifyEvaluationResult,
  type BuildEvaluationOptions,
} from '../../../src/core/evaluation/result.js'
import { makeSigner } from '../../fixtures/passport/signer.js'
import { MODEL_SHA256, PASSPORT_CLAIMS, sampleEvaluation, sampleMetric } from './fixtures.js'

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
const NOW = 1_810_000_000 // 2027-05-11, after the sample evaluation

async function passport(
  issuer: Signer,
  jti: string,
  artifacts = PASSPORT_CLAIMS.credentialSubject.artifacts,
) {
  const jwt = await signCompactJws(
    {
      iss: 'https://vendor.example',
      jti,
      credentialSubject: { id: 'urn:accord:system:abc', artifacts },
    },
    issuer,
    'dc+sd-jwt',
  )
  return `${jwt}~${base64url.encode('["salt","k","v"]')}~`
}

async function setup() {
  const issuer = await makeSigner('ES256')
  const evaluatorKey = await makeSigner('EdDSA')
  const pp = await passport(issuer, 'urn:uuid:1')
  const options: BuildEvaluationOptions = {
    passportDigest: sha256(passportDigestInput(pp)),
    passportJti: 'urn:uuid:1',
    passportIssuer: 'https://vendor.example',
    subjectId: 'urn:accord:system:abc',
    evaluation: sampleEvaluation(),
    issuedAt: NOW,
    id: 'urn:uuid:00000000-0000-4000-8000-000000000002',
  }
  const token = await signEvaluationResult(buildEvaluationClaims(options), evaluatorKey)
  const verifyOptions = {
    passportIssuerJwt: issuerJwtOf(pp),
    evaluatorKeys: [evaluatorKey.publicJwk],
    nowSeconds: NOW + 60,
    sha256,
  }
  return { issuer, evaluatorKey, pp, options, token, verifyOptions }
}

/** Re-signs modified claims with `key`, as an attacker holding a key could. */
async function resign(token: string, key: Signer, edit: (c: Record<string, unknown>) => void) {
  const claims = decodeJwt(issuerJwtOf(token)) as Record<string, unknown>
  edit(claims)
  return `${await signCompactJws(claims, key, 'dc+sd-jwt')}~`
}

describe('buildEvaluationClaims', () => {
  it('builds an SD-JWT VC bound to the passport digest, with no exp', async () => {
    const { options } = await setup()
    const c = buildEvaluationClaims(options)
    expect(c.type).toEqual(['VerifiableCredential', EVALUATION_RESULT_TYPE])
    expect(c.vct).toBe(EVALUATION_RESULT_VCT)
    expect(c.vct).toBe('https://accord.dev/vct/ai-evaluation-result/v1')
    expect(c.iss).toBe('https://lab.example')
    expect(c.jti).toBe(options.id)
    expect(c).not.toHaveProperty('exp')
    expect(c.credentialSubject.passport).toEqual({
      jti: 'urn:uuid:1',
      issuer: 'https://vendor.example',
      digest: { alg: 'sha-256', value: options.passportDigest },
    })
    expect(c.credentialSubject.evaluation.artifacts[0]?.sha256).toBe(MODEL_SHA256)
  })

  it('refuses an evaluation that contradicts itself, a bad id or digest', async () => {
    const { options } = await setup()
    const wrong = sampleMetric({ threshold: { value: 0.001, higherIsBetter: false, met: false } })
    expect(() =>
      buildEvaluationClaims({ ...options, evaluation: sampleEvaluation({ metrics: [wrong] }) }),
    ).toThrow(/met is false/)
    expect(() => buildEvaluationClaims({ ...options, id: 'result-1' })).toThrow(TypeError)
    expect(() => buildEvaluationClaims({ ...options, passportDigest: 'ab' })).toThrow(TypeError)
  })
})

describe('verifyEvaluationResult', () => {
  it('accepts a result about this passport signed by the evaluator key', async () => {
    const { token, verifyOptions, evaluatorKey } = await setup()
    const r = await verifyEvaluationResult(token, verifyOptions)
    expect(r).toMatchObject({ valid: true, reason: 'ok', kid: evaluatorKey.kid })
    expect(r.message).toContain('1 of 1 thresholds met')
  })

  it('evaluation-untrusted: signed by another key', async () => {
    const { token, verifyOptions } = await setup()
    const other = await makeSigner('EdDSA')
    const r = await verifyEvaluationResult(token, {
      ...verifyOptions,
      evaluatorKeys: [other.publicJwk],
    })
    expect(r.reason).toBe('evaluation-untrusted')
  })

  it('evaluation-invalid: a tampered payload', async () => {
    const { token, verifyOptions } = await setup()
    const [h, p, s] = issuerJwtOf(token).split('.') as [string, string, string]
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)))
    claims.credentialSubject.evaluation.metrics[0].value = 0.0001
    const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}~`
    const r = await verifyEvaluationResult(tampered, verifyOptions)
    expect(r).toMatchObject({ valid: false, reason: 'evaluation-invalid' })
    expect(r.message).toContain('signature')
  })

  it('evaluation-wrong-passport: a result about another passport', async () => {
    const { token, verifyOptions, issuer } = await setup()
    const other = await passport(issuer, 'urn:uuid:1')
    const r = await verifyEvaluationResult(token, {
      ...verifyOptions,
      passportIssuerJwt: issuerJwtOf(other),
    })
    expect(r.reason).toBe('evaluation-wrong-passport')
  })

  it('evaluation-artifact-unknown: a signed result about a model the passport does not name', async () => {
    const { token, verifyOptions, evaluatorKey } = await setup()
    const bad = await resign(token, evaluatorKey, (c) => {
      const e = (c.credentialSubject as { evaluation: { artifacts: unknown[] } }).evaluation
      e.artifacts = [{ sha256: 'b'.repeat(64) }]
    })
    const r = await verifyEvaluationResult(bad, verifyOptions)
    expect(r).toMatchObject({ valid: false, reason: 'evaluation-artifact-unknown' })
    expect(r.message).toContain('b'.repeat(64))
  })

  it('evaluation-invalid: a signed result whose met flag contradicts the value', async () => {
    const { token, verifyOptions, evaluatorKey } = await setup()
    const bad = await resign(token, evaluatorKey, (c) => {
      const e = (c.credentialSubject as { evaluation: { metrics: { value: number }[] } }).evaluation
      e.metrics[0]!.value = 0.0011
      delete (e.metrics[0] as { confidenceInterval?: unknown }).confidenceInterval
    })
    const r = await verifyEvaluationResult(bad, verifyOptions)
    expect(r.reason).toBe('evaluation-invalid')
    expect(r.message).toContain('contradicts')
  })

  it('evaluation-invalid: iss not the evaluator, sub not the subject', async () => {
    const { token, verifyOptions, evaluatorKey } = await setup()
    for (const edit of [
      (c: Record<string, unknown>) => ((c.iss = 'https://x.example'), (c.issuer = c.iss)),
      (c: Record<string, unknown>) => (c.sub = 'urn:accord:system:other'),
    ]) {
      const r = await verifyEvaluationResult(await resign(token, evaluatorKey, edit), verifyOptions)
      expect(r.reason).toBe('evaluation-invalid')
    }
  })

  it('not-yet-valid, and refuses disclosures and oversized tokens', async () => {
    const { token, verifyOptions } = await setup()
    expect(
      (await verifyEvaluationResult(token, { ...verifyOptions, nowSeconds: NOW - 3600 })).reason,
    ).toBe('not-yet-valid')
    const withDisclosure = `${issuerJwtOf(token)}~${base64url.encode('["s","k","v"]')}~`
    expect((await verifyEvaluationResult(withDisclosure, verifyOptions)).message).toContain(
      'an evaluation result is an SD-JWT without disclosures',
    )
    const huge = 'a'.repeat(MAX_EVALUATION_RESULT_CHARS + 1) + '~'
    expect((await verifyEvaluationResult(huge, verifyOptions)).message).toContain('larger')
  })
})

describe('decodeEvaluationResult', () => {
  it('reads the claims without a key, and refuses an incident report', async () => {
    const { token, evaluatorKey } = await setup()
    const d = decodeEvaluationResult(token)
    expect(d.ok && d.kid).toBe(evaluatorKey.kid)
    const notOne = await resign(token, evaluatorKey, (c) => {
      c.vct = 'https://accord.dev/vct/ai-incident-report/v1'
    })
    expect(decodeEvaluationResult(notOne)).toMatchObject({ ok: false })
  })
})
