/**
 * Attacks on passport presentations: each is refused with its own reason code, never accepted,
 * and the failing step is the last check reported (verification stops there: fail closed).
 * Every attack is also run through a verifier with Node's injected primitives (`crypto.hash`,
 * `Buffer`), which must give exactly the same checks.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { base64url } from 'jose'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { presentPassport } from '../../../src/core/passport/present.js'
import { sdDigest } from '../../../src/core/passport/sd-jwt.js'
import type { ReasonCode } from '../../../src/core/passport/types.js'
import {
  createPassportVerifier,
  type PassportVerifier,
  type PassportVerifyRequest,
} from '../../../src/core/passport/verify.js'
import { nodeVerifierPrimitives } from '../../../src/node/verify-batch.js'
import {
  decodePart,
  flipChar,
  joinToken,
  signHs256,
  signJws,
  splitToken,
  unsignedJws,
} from '../../fixtures/passport/forge.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'
import { hasher, makeSigner, sdCrypto, type TestSigner } from '../../fixtures/passport/signer.js'

const NOW = ISSUED_AT + 3600
const AUD = 'https://buyer.example'
const NONCE = 'nonce-7f3a'
const KB_REQUEST: PassportVerifyRequest = {
  nowSeconds: NOW,
  expectedAudience: AUD,
  expectedNonce: NONCE,
}

let issuer: TestSigner
let issuerEs256: TestSigner
let issuerOther: TestSigner
let untrusted: TestSigner
let holder: TestSigner
let verifier: PassportVerifier
/** The same trust, with Node's fast primitives injected. */
let fast: PassportVerifier
/** Issued passport (all disclosures, no KB). */
let issued: string
/** A second passport of the same system: same claims, other salts. */
let issuedB: string
/** Presentation of classification + one evidence item, with KB. */
let presented: string

beforeAll(async () => {
  ;[issuer, issuerEs256, issuerOther, untrusted, holder] = await Promise.all([
    makeSigner('EdDSA'),
    makeSigner('ES256'),
    makeSigner('EdDSA'),
    makeSigner('EdDSA'),
    makeSigner('ES256'),
  ])
  const trustedKeys = [issuer, issuerEs256, issuerOther].map((s) => ({
    kid: s.kid,
    jwk: s.publicJwk,
  }))
  verifier = createPassportVerifier({ trustedKeys, hasher })
  fast = createPassportVerifier({ trustedKeys, hasher, primitives: nodeVerifierPrimitives })
  const claims = await exampleClaims('police-analytics', { holderJwk: holder.publicJwk })
  issued = await issuePassport(claims, issuer, sdCrypto)
  issuedB = await issuePassport(claims, issuer, sdCrypto)
  presented = await presentPassport(issued, {
    disclose: ['classification.eu-ai-act', 'evidence.items.2'],
    hasher,
    keyBinding: { signer: holder, audience: AUD, nonce: NONCE, issuedAt: NOW - 10 },
  })
})

async function expectRejected(
  token: unknown,
  reason: ReasonCode,
  request: PassportVerifyRequest = { nowSeconds: NOW },
): Promise<void> {
  const r = await verifier.verify(token as string, request)
  expect(r.ok).toBe(false)
  expect(r.claims).toBeUndefined()
  const last = r.checks.at(-1)
  expect(last).toMatchObject({ outcome: 'fail', reason })
  expect(r.checks.filter((c) => c.outcome === 'fail')).toHaveLength(1)
  expect(await fast.verify(token as string, request)).toEqual(r)
}

/** Header and payload of the issuer-signed JWT of `token`. */
function parts(token: string): {
  header: Record<string, unknown>
  payload: Record<string, unknown>
} {
  const [h, p] = splitToken(token).jwt.split('.') as [string, string]
  return { header: decodePart(h), payload: decodePart(p) }
}

describe('baseline', () => {
  it('the untampered tokens are accepted', async () => {
    expect((await verifier.verify(issued, { nowSeconds: NOW })).ok).toBe(true)
    expect((await verifier.verify(presented, KB_REQUEST)).ok).toBe(true)
  })
})

describe('tampering with the issuer-signed JWT', () => {
  it('one character of the payload changed: signature-invalid', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const tampered = `${h}.${flipChar(p, Math.floor(p.length / 2))}.${s}`
    await expectRejected(joinToken(tampered, disclosures), 'signature-invalid')
  })

  it('a payload claim rewritten (exp extended) and re-encoded: signature-invalid', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const [h, , s] = jwt.split('.') as [string, string, string]
    const { payload } = parts(issued)
    const forged = base64url.encode(
      JSON.stringify({ ...payload, exp: (payload.exp as number) + 1e8 }),
    )
    await expectRejected(joinToken(`${h}.${forged}.${s}`, disclosures), 'signature-invalid')
  })

  it('one character of the signature changed: signature-invalid', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const [h, p, s] = jwt.split('.') as [string, string, string]
    await expectRejected(
      joinToken(`${h}.${p}.${flipChar(s, 10)}`, disclosures),
      'signature-invalid',
    )
  })

  it('signature removed: signature-invalid', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const [h, p] = jwt.split('.') as [string, string]
    await expectRejected(joinToken(`${h}.${p}.`, disclosures), 'signature-invalid')
  })

  const withHeader = (token: string, change: Record<string, unknown>): string => {
    const { jwt, disclosures } = splitToken(token)
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const header = base64url.encode(JSON.stringify({ ...decodePart(h), ...change }))
    return joinToken(`${header}.${p}.${s}`, disclosures)
  }

  it('header kid changed to an unknown key: key-unknown', async () => {
    await expectRejected(withHeader(issued, { kid: 'not-a-trusted-kid' }), 'key-unknown')
  })

  it('header kid changed to another trusted EdDSA key: signature-invalid', async () => {
    await expectRejected(withHeader(issued, { kid: issuerOther.kid }), 'signature-invalid')
  })

  it('header kid changed to a trusted P-256 key (key confusion): alg-not-allowed', async () => {
    await expectRejected(withHeader(issued, { kid: issuerEs256.kid }), 'alg-not-allowed')
  })

  it('header kid removed: key-unknown', async () => {
    await expectRejected(withHeader(issued, { kid: undefined }), 'key-unknown')
  })

  it('header typ changed: typ-invalid', async () => {
    await expectRejected(withHeader(issued, { typ: 'JWT' }), 'typ-invalid')
    await expectRejected(withHeader(issued, { typ: 'vc+sd-jwt' }), 'typ-invalid')
  })

  it('header alg changed to ES256 on an EdDSA signature: alg-not-allowed', async () => {
    await expectRejected(withHeader(issued, { alg: 'ES256' }), 'alg-not-allowed')
  })
})

describe('forged tokens', () => {
  it('alg none, unsigned (built by hand): alg-none', async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    for (const alg of ['none', 'None', 'NONE']) {
      await expectRejected(
        joinToken(unsignedJws({ ...header, alg }, payload), disclosures),
        'alg-none',
      )
    }
  })

  it("HS256 with the issuer's public key as HMAC secret (key confusion): alg-not-allowed", async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    const secrets = [
      base64url.decode(issuer.publicJwk.x as string),
      JSON.stringify(issuer.publicJwk),
      issuer.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    ]
    for (const secret of secrets) {
      const token = signHs256({ ...header, alg: 'HS256' }, payload, secret)
      await expectRejected(joinToken(token, disclosures), 'alg-not-allowed')
    }
  })

  it('RS256 and other unlisted algorithms: alg-not-allowed', async () => {
    const { header, payload } = parts(issued)
    for (const alg of ['RS256', 'ES384', 'PS256', 'Ed25519', 'eddsa']) {
      await expectRejected(
        joinToken(unsignedJws({ ...header, alg }, payload) + 'c2ln', []),
        'alg-not-allowed',
      )
    }
  })

  it('unknown crit header, validly signed: crit-unsupported', async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    const token = await signJws(
      { ...header, crit: ['urn:example:ext'], 'urn:example:ext': 1 },
      payload,
      issuer,
    )
    await expectRejected(joinToken(token, disclosures), 'crit-unsupported')
    const empty = await signJws({ ...header, crit: [] }, payload, issuer)
    await expectRejected(joinToken(empty, disclosures), 'crit-unsupported')
  })

  it('signed by a key not in the trusted set: key-unknown', async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    const token = await signJws({ ...header, kid: untrusted.kid }, payload, untrusted)
    await expectRejected(joinToken(token, disclosures), 'key-unknown')
  })

  it('signed by an untrusted key claiming a trusted kid: signature-invalid', async () => {
    const { header, payload } = parts(issued)
    const token = await signJws(header, payload, untrusted)
    await expectRejected(joinToken(token, []), 'signature-invalid')
  })

  it('a trusted key used for another issuer: issuer-untrusted', async () => {
    const pinned = createPassportVerifier({
      trustedKeys: [
        { kid: issuer.kid, jwk: issuer.publicJwk, issuer: 'https://someone-else.example' },
      ],
      hasher,
    })
    const r = await pinned.verify(issued, { nowSeconds: NOW })
    expect(r.ok).toBe(false)
    expect(r.checks.at(-1)).toMatchObject({ check: 'validity', reason: 'issuer-untrusted' })
  })
})

describe('validity window', () => {
  it('after exp (beyond the skew): expired', async () => {
    const { payload } = parts(issued)
    await expectRejected(issued, 'expired', { nowSeconds: (payload.exp as number) + 61 })
  })

  it('within the clock skew of exp it is still accepted', async () => {
    const { payload } = parts(issued)
    const r = await verifier.verify(issued, { nowSeconds: (payload.exp as number) + 59 })
    expect(r.ok).toBe(true)
  })

  it('before nbf (beyond the skew): not-yet-valid', async () => {
    await expectRejected(issued, 'not-yet-valid', { nowSeconds: ISSUED_AT - 61 })
  })

  it('no exp at all, validly signed: malformed', async () => {
    const { header, payload } = parts(issued)
    const rest = { ...payload }
    delete rest.exp
    await expectRejected(joinToken(await signJws(header, rest, issuer), []), 'malformed')
  })
})

describe('disclosures', () => {
  it('one character of a disclosure changed: disclosure-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    const tampered = [flipChar(disclosures[0] as string, 0), ...disclosures.slice(1)]
    await expectRejected(joinToken(jwt, tampered, kb), 'disclosure-invalid', KB_REQUEST)
  })

  it('a disclosure re-encoded with another value: disclosure-foreign', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const classification = disclosures.find((d) => decodeDisclosure(d)[1] === 'eu-ai-act') as string
    const [salt, key, value] = decodeDisclosure(classification) as [
      string,
      string,
      Record<string, unknown>,
    ]
    const forged = base64url.encode(JSON.stringify([salt, key, { ...value, category: 'minimal' }]))
    const others = disclosures.filter((d) => d !== classification)
    await expectRejected(joinToken(jwt, [...others, forged]), 'disclosure-foreign')
  })

  it('the Art. 111 status rewritten in the classification disclosure: disclosure-foreign', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const classification = disclosures.find((d) => decodeDisclosure(d)[1] === 'eu-ai-act') as string
    const [salt, key, value] = decodeDisclosure(classification) as [
      string,
      string,
      { legacy: { highRisk: Record<string, unknown> } },
    ]
    // The status travels inside the classification's disclosure, covered by its digest.
    expect(value.legacy.highRisk.appliesFrom).toBe('2030-08-02')
    const others = disclosures.filter((d) => d !== classification)
    for (const legacy of [
      { highRisk: { ...value.legacy.highRisk, appliesFrom: null } },
      { highRisk: { ...value.legacy.highRisk, appliesFrom: '2035-01-01' } },
      undefined,
    ]) {
      const forged = base64url.encode(JSON.stringify([salt, key, { ...value, legacy }]))
      await expectRejected(joinToken(jwt, [...others, forged]), 'disclosure-foreign')
    }
  })

  it('a disclosure taken from another passport: disclosure-foreign', async () => {
    const { jwt } = splitToken(issued)
    const foreign = splitToken(issuedB).disclosures.find(
      (d) => decodeDisclosure(d)[1] === 'eu-ai-act',
    ) as string
    await expectRejected(joinToken(jwt, [foreign]), 'disclosure-foreign')
  })

  it('the same disclosure twice: disclosure-duplicate', async () => {
    const { jwt, disclosures } = splitToken(issued)
    await expectRejected(
      joinToken(jwt, [disclosures[0] as string, disclosures[0] as string]),
      'disclosure-duplicate',
    )
  })

  it('a signed payload listing one digest twice in _sd: disclosure-duplicate', async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    const subject = structuredClone(payload.credentialSubject) as Record<
      string,
      Record<string, unknown>
    >
    const sd = subject.classification?._sd as string[]
    subject.classification = { _sd: [...sd, sd[0]] }
    const token = await signJws(header, { ...payload, credentialSubject: subject }, issuer)
    await expectRejected(joinToken(token, disclosures), 'disclosure-duplicate')
    // Even when that disclosure is not presented (a repeated digest is never acceptable).
    await expectRejected(joinToken(token, []), 'disclosure-duplicate')
  })

  it('a signed payload repeating a digest in two places: disclosure-duplicate', async () => {
    const { header, payload } = parts(issued)
    const subject = structuredClone(payload.credentialSubject) as Record<
      string,
      Record<string, unknown>
    >
    const digest = (subject.classification?._sd as string[])[0] as string
    subject.obligations = { _sd: [...(subject.obligations?._sd as string[]), digest] }
    const token = await signJws(header, { ...payload, credentialSubject: subject }, issuer)
    await expectRejected(joinToken(token, []), 'disclosure-duplicate')
  })

  it('a property disclosure referenced as an array element: disclosure-invalid', async () => {
    const { header, payload } = parts(issued)
    const { disclosures } = splitToken(issued)
    const classification = disclosures.find((d) => decodeDisclosure(d)[1] === 'eu-ai-act') as string
    const digest = sdDigest(hasher, classification)
    const subject = structuredClone(payload.credentialSubject) as Record<string, unknown>
    subject.classification = {}
    subject.extra = [{ '...': digest }]
    const token = await signJws(header, { ...payload, credentialSubject: subject }, issuer)
    await expectRejected(joinToken(token, [classification]), 'disclosure-invalid')
  })

  it('a disclosure that overrides a visible claim: disclosure-invalid', async () => {
    const { header, payload } = parts(issued)
    const forgedDisclosure = base64url.encode(
      JSON.stringify(['c2FsdHNhbHRzYWx0c2FsdA', 'iss', 'https://evil.example']),
    )
    const token = await signJws(
      header,
      { ...payload, _sd: [sdDigest(hasher, forgedDisclosure)] },
      issuer,
    )
    await expectRejected(joinToken(token, [forgedDisclosure]), 'disclosure-invalid')
  })

  it('undecodable disclosures: disclosure-invalid', async () => {
    const { jwt } = splitToken(issued)
    for (const bad of [
      '!!!',
      base64url.encode('not json'),
      base64url.encode('["only-salt"]'),
      base64url.encode('[1,"k","v"]'),
      base64url.encode('{"a":1}'),
      base64url.encode('["salt","_sd",[]]'),
    ]) {
      await expectRejected(joinToken(jwt, [bad]), 'disclosure-invalid')
    }
  })
})

describe('size and structure', () => {
  it('a token over 256 KiB: oversize (before any parsing)', async () => {
    await expectRejected(issued + 'A'.repeat(256 * 1024), 'oversize')
    await expectRejected('x'.repeat(300_000), 'oversize')
  })

  it('more than 1000 disclosures: oversize', async () => {
    const { jwt } = splitToken(issued)
    await expectRejected(
      joinToken(
        jwt,
        Array.from({ length: 1001 }, () => 'WyJhIiwiYiJd'),
      ),
      'oversize',
    )
  })

  it('a smaller configured limit applies', async () => {
    const small = createPassportVerifier({
      trustedKeys: [{ kid: issuer.kid, jwk: issuer.publicJwk }],
      hasher,
      maxBytes: 1000,
    })
    const r = await small.verify(issued, { nowSeconds: NOW })
    expect(r.checks).toEqual([expect.objectContaining({ check: 'size', reason: 'oversize' })])
  })

  it('garbage input: malformed', async () => {
    const garbage: unknown[] = [
      '',
      'hello',
      '~',
      '~~~',
      'a.b.c~',
      'eyJhbGciOiJFZERTQSJ9.e30',
      'eyJhbGciOiJFZERTQSJ9.e30.c2ln',
      '....~',
      'eyJhbGciOiJFZERTQSJ9.e30.c2ln~~x~',
      '\u0000\u0001~\uffff',
      'bm90IGpzb24.e30.c2ln~',
      'W10.e30.c2ln~',
      123,
      null,
      { token: issued },
    ]
    for (const g of garbage) await expectRejected(g, 'malformed')
  })
})

describe('key binding', () => {
  it('wrong audience: kb-audience', async () => {
    await expectRejected(presented, 'kb-audience', {
      ...KB_REQUEST,
      expectedAudience: 'https://other.example',
    })
  })

  it('wrong nonce (replay): kb-nonce', async () => {
    await expectRejected(presented, 'kb-nonce', { ...KB_REQUEST, expectedNonce: 'another-nonce' })
  })

  it('tampered KB-JWT signature: kb-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    const [h, p, s] = kb.split('.') as [string, string, string]
    await expectRejected(
      joinToken(jwt, disclosures, `${h}.${p}.${flipChar(s, 5)}`),
      'kb-invalid',
      KB_REQUEST,
    )
  })

  it('tampered KB-JWT payload (nonce rewritten): kb-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    const [h, p, s] = kb.split('.') as [string, string, string]
    const payload = base64url.encode(JSON.stringify({ ...decodePart(p), nonce: 'other' }))
    await expectRejected(joinToken(jwt, disclosures, `${h}.${payload}.${s}`), 'kb-invalid', {
      ...KB_REQUEST,
      expectedNonce: 'other',
    })
  })

  it('a disclosure dropped after key binding (sd_hash mismatch): kb-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    await expectRejected(joinToken(jwt, disclosures.slice(1), kb), 'kb-invalid', KB_REQUEST)
  })

  it('KB-JWT signed by another key than cnf.jwk: kb-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    const [h, p] = kb.split('.') as [string, string]
    const other = await makeSigner('ES256')
    const forged = await signJws(decodePart(h), decodePart(p), other)
    await expectRejected(joinToken(jwt, disclosures, forged), 'kb-invalid', KB_REQUEST)
  })

  it('KB-JWT with alg none: kb-invalid', async () => {
    const { jwt, disclosures, kb } = splitToken(presented)
    const [h, p] = kb.split('.') as [string, string]
    const forged = unsignedJws({ ...decodePart(h), alg: 'none' }, decodePart(p))
    await expectRejected(joinToken(jwt, disclosures, forged), 'kb-invalid', KB_REQUEST)
  })

  it('stale KB-JWT (older than 300 s): kb-invalid', async () => {
    await expectRejected(presented, 'kb-invalid', { ...KB_REQUEST, nowSeconds: NOW + 600 })
  })

  it('key binding required but absent: kb-invalid', async () => {
    const { jwt, disclosures } = splitToken(presented)
    await expectRejected(joinToken(jwt, disclosures), 'kb-invalid', {
      ...KB_REQUEST,
      requireKeyBinding: true,
    })
  })
})

describe('order of failures (work done while the signature is checked is reported at its step)', () => {
  const garbage = base64url.encode('not json')

  it('a bad signature is reported before a bad disclosure', async () => {
    const { jwt } = splitToken(issued)
    const [h, p, sig] = jwt.split('.') as [string, string, string]
    const token = joinToken(`${h}.${p}.${flipChar(sig, 5)}`, [garbage])
    await expectRejected(token, 'signature-invalid')
  })

  it('an untrusted key is reported before a bad disclosure', async () => {
    const { header, payload } = parts(issued)
    const jwt = await signJws({ ...header, kid: untrusted.kid }, payload, untrusted)
    await expectRejected(joinToken(jwt, [garbage]), 'key-unknown')
  })

  it('expiry is reported before a bad disclosure', async () => {
    const token = joinToken(splitToken(issued).jwt, [garbage])
    await expectRejected(token, 'expired', { nowSeconds: ISSUED_AT + 400 * 86_400 })
  })

  it('a signed payload that is not a JSON object: malformed at the signature step', async () => {
    const { header } = parts(issued)
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v))
    const input = `${enc(header)}.${enc([1, 2, 3])}`
    const sig = base64url.encode(await issuer.sign(new TextEncoder().encode(input)))
    const r = await verifier.verify(joinToken(`${input}.${sig}`, [garbage]), { nowSeconds: NOW })
    expect(r.checks.at(-1)).toMatchObject({ check: 'signature', reason: 'malformed' })
    expect(await fast.verify(joinToken(`${input}.${sig}`, [garbage]), { nowSeconds: NOW })).toEqual(
      r,
    )
  })

  it('the first bad disclosure in token order is the one reported', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const d0 = disclosures[0] as string
    const r = await verifier.verify(joinToken(jwt, [garbage, d0, d0]), { nowSeconds: NOW })
    expect(r.checks.at(-1)).toMatchObject({
      reason: 'disclosure-invalid',
      message: expect.stringContaining('disclosure 0') as unknown,
    })
    const dup = await verifier.verify(joinToken(jwt, [d0, d0, garbage]), { nowSeconds: NOW })
    expect(dup.checks.at(-1)).toMatchObject({
      reason: 'disclosure-duplicate',
      message: expect.stringContaining('disclosure 1') as unknown,
    })
  })

  it('a lone trailing base64url character is refused with both decoders', async () => {
    const { jwt, disclosures } = splitToken(issued)
    const first = disclosures[0] as string
    const d = first + 'A'.repeat((5 - (first.length % 4)) % 4)
    expect(d.length % 4).toBe(1)
    await expectRejected(joinToken(jwt, [d]), 'disclosure-invalid')
  })
})

function decodeDisclosure(d: string): unknown[] {
  return JSON.parse(new TextDecoder().decode(base64url.decode(d))) as unknown[]
}
