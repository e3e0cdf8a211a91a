import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { deflateSync } from 'node:zlib'
import { base64url, calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Signer } from '../../../src/core/ports.js'
import {
  MAX_STATUS_LIST_BYTES,
  STATUS,
  StatusListCache,
  checkStatus,
  createStatusListClaims,
  decodeStatusList,
  readStatus,
  signCompactJws,
  signStatusListToken,
  verifyCompactJws,
} from '../../../src/core/passport/status.js'
import type { StatusReference } from '../../../src/core/passport/types.js'

async function testSigner(alg: 'EdDSA' | 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>
  const kid = await calculateJwkThumbprint(jwk as never)
  return {
    alg,
    kid,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    sign: async (data) =>
      new Uint8Array(
        alg === 'EdDSA'
          ? cryptoSign(null, data, privateKey)
          : cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
      ),
  }
}

const URI = 'https://issuer.example/status/1'
const NOW = 1_800_000_000
const ref = (idx: number, uri = URI): StatusReference => ({ status_list: { idx, uri } })

function statuses(size: number, set: Record<number, number> = {}): number[] {
  const out = new Array<number>(size).fill(0)
  for (const [k, v] of Object.entries(set)) out[Number(k)] = v
  return out
}

async function token(
  signer: Signer,
  set: Record<number, number>,
  extra: Partial<Parameters<typeof createStatusListClaims>[0]> = {},
): Promise<string> {
  const claims = createStatusListClaims({
    uri: URI,
    bits: 2,
    statuses: statuses(1024, set),
    iat: NOW - 10,
    exp: NOW + 3600,
    ttl: 600,
    ...extra,
  })
  return signStatusListToken(claims, signer)
}

describe('createStatusListClaims / readStatus', () => {
  it('round-trips every status through lst', async () => {
    const claims = createStatusListClaims({
      uri: URI,
      bits: 2,
      statuses: statuses(16, { 0: 1, 5: 2, 15: 3 }),
      iat: NOW,
      exp: NOW + 60,
      ttl: 30,
    })
    expect(claims.sub).toBe(URI)
    expect(claims.iat).toBe(NOW)
    expect(claims.exp).toBe(NOW + 60)
    expect(claims.ttl).toBe(30)
    expect(claims.status_list.bits).toBe(2)
    const decoded = await decodeStatusList(claims)
    expect(decoded.size).toBe(16)
    expect(Array.from({ length: 16 }, (_, i) => decoded.get(i))).toEqual(
      statuses(16, { 0: 1, 5: 2, 15: 3 }),
    )
    expect(await readStatus(claims, 5)).toBe(2)
    await expect(readStatus(claims, 16)).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_LIST_INVALID',
    })
  })

  it('refuses statuses that do not fit the bits (API misuse)', () => {
    expect(() => createStatusListClaims({ uri: URI, bits: 2, statuses: [0, 4], iat: NOW })).toThrow(
      TypeError,
    )
    expect(() => createStatusListClaims({ uri: URI, bits: 1, statuses: [2], iat: NOW })).toThrow(
      /must be < 2/,
    )
    expect(() => createStatusListClaims({ uri: '', bits: 2, statuses: [0], iat: NOW })).toThrow(
      TypeError,
    )
    expect(() =>
      createStatusListClaims({ uri: URI, bits: 2, statuses: [0], iat: NOW, exp: NOW }),
    ).toThrow(/exp/)
  })

  it('stops inflating a zip bomb at the size cap', async () => {
    const bomb = deflateSync(Buffer.alloc(MAX_STATUS_LIST_BYTES + 1024))
    const payload = {
      sub: URI,
      iat: NOW,
      status_list: { bits: 1 as const, lst: base64url.encode(bomb) },
    }
    await expect(readStatus(payload, 0)).rejects.toThrow(/decompresses to more than/)
  })

  it('rejects lst that is not ZLIB data', async () => {
    const payload = { sub: URI, iat: NOW, status_list: { bits: 2 as const, lst: 'AAAA' } }
    await expect(readStatus(payload, 0)).rejects.toMatchObject({
      code: 'ERR_PASSPORT_STATUS_LIST_INVALID',
    })
  })
})

describe('checkStatus', () => {
  it('ok, revoked, suspended, reinstated', async () => {
    const issuer = await testSigner('ES256')
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    const t1 = await token(issuer, {})
    expect(await checkStatus(ref(7), t1, opts)).toMatchObject({
      check: 'status',
      outcome: 'pass',
      reason: 'ok',
    })
    const t2 = await token(issuer, { 7: STATUS.invalid })
    expect(await checkStatus(ref(7), t2, opts)).toMatchObject({
      outcome: 'fail',
      reason: 'revoked',
    })
    expect((await checkStatus(ref(8), t2, opts)).reason).toBe('ok')
    const t3 = await token(issuer, { 7: STATUS.suspended })
    expect(await checkStatus(ref(7), t3, opts)).toMatchObject({
      outcome: 'fail',
      reason: 'suspended',
    })
    const t4 = await token(issuer, { 7: STATUS.valid })
    expect((await checkStatus(ref(7), t4, opts)).reason).toBe('ok')
  })

  it('works with EdDSA keys too', async () => {
    const issuer = await testSigner('EdDSA')
    const t = await token(issuer, { 3: 1 })
    const r = await checkStatus(ref(3), t, { trustedKeys: [issuer.publicJwk], nowSeconds: NOW })
    expect(r.reason).toBe('revoked')
    // Trusted keys may also be given as verify.ts TrustedKey `{ kid, jwk }`.
    const asTrustedKey = { kid: issuer.kid, jwk: { ...issuer.publicJwk, kid: undefined } }
    const r2 = await checkStatus(ref(3), t, { trustedKeys: [asTrustedKey], nowSeconds: NOW })
    expect(r2.reason).toBe('revoked')
  })

  it('rejects a list signed by another key, even one claiming the issuer kid', async () => {
    const issuer = await testSigner('ES256')
    const other = await testSigner('ES256')
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    const foreign = await token(other, {})
    expect(await checkStatus(ref(1), foreign, opts)).toMatchObject({
      outcome: 'fail',
      reason: 'signature-invalid',
    })
    const impostor: Signer = { ...other, kid: issuer.kid }
    const forged = await token(impostor, {})
    expect(await checkStatus(ref(1), forged, opts)).toMatchObject({
      reason: 'signature-invalid',
      message: expect.stringMatching(/does not verify/),
    })
  })

  it('rejects a tampered list', async () => {
    const issuer = await testSigner('EdDSA')
    const t = await token(issuer, { 2: 1 })
    const [h, , s] = t.split('.')
    const other = createStatusListClaims({
      uri: URI,
      bits: 2,
      statuses: statuses(1024),
      iat: NOW - 10,
      exp: NOW + 3600,
    })
    const tampered = `${h}.${base64url.encode(JSON.stringify(other))}.${s}`
    const r = await checkStatus(ref(2), tampered, {
      trustedKeys: [issuer.publicJwk],
      nowSeconds: NOW,
    })
    expect(r.reason).toBe('signature-invalid')
  })

  it('rejects a list for another uri (sub) with its own reason code, status-list-mismatch', async () => {
    const issuer = await testSigner('ES256')
    const t = await token(issuer, {}, { uri: 'https://issuer.example/status/2' })
    const r = await checkStatus(ref(1), t, { trustedKeys: [issuer.publicJwk], nowSeconds: NOW })
    // A genuine, well-formed token of another list: not `malformed` (what it was before).
    expect(r).toMatchObject({ outcome: 'fail', reason: 'status-list-mismatch' })
    expect(r.message).toMatch(/status\/2/)
    expect(r.message).toMatch(/another list: its sub/)
  })

  it('treats an expired or stale list as status-unavailable (indeterminate)', async () => {
    const issuer = await testSigner('ES256')
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    const expired = await token(issuer, {}, { iat: NOW - 100, exp: NOW })
    expect(await checkStatus(ref(1), expired, opts)).toMatchObject({
      outcome: 'indeterminate',
      reason: 'status-unavailable',
      message: expect.stringMatching(/expired/),
    })
    const t = await token(issuer, {}, { ttl: 600 })
    expect((await checkStatus(ref(1), t, { ...opts, retrievedAtSeconds: NOW - 599 })).reason).toBe(
      'ok',
    )
    expect((await checkStatus(ref(1), t, { ...opts, retrievedAtSeconds: NOW - 600 })).reason).toBe(
      'status-unavailable',
    )
    expect((await checkStatus(ref(1), t, { ...opts, maxAgeSeconds: 5 })).reason).toBe(
      'status-unavailable',
    )
    const future = await token(issuer, {}, { iat: NOW + 1000, exp: NOW + 5000 })
    expect((await checkStatus(ref(1), future, opts)).reason).toBe('status-unavailable')
  })

  it('is indeterminate without a list, skipped without a reference', async () => {
    const opts = { trustedKeys: [], nowSeconds: NOW }
    expect(await checkStatus(ref(1), undefined, opts)).toMatchObject({
      outcome: 'indeterminate',
      reason: 'status-unavailable',
    })
    expect(await checkStatus(undefined, 'x', opts)).toMatchObject({
      outcome: 'skipped',
      reason: 'ok',
    })
  })

  it('rejects malformed references, tokens and out-of-range indexes', async () => {
    const issuer = await testSigner('ES256')
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    const t = await token(issuer, {})
    const bad = { status_list: { idx: -1, uri: URI } }
    expect((await checkStatus(bad, t, opts)).reason).toBe('malformed')
    expect((await checkStatus(ref(1024), t, opts)).reason).toBe('malformed')
    expect((await checkStatus(ref(1), 'not-a-jwt', opts)).reason).toBe('malformed')
    expect((await checkStatus(ref(1), t, { ...opts, expectedUri: 'https://x/' })).reason).toBe(
      'malformed',
    )
    const noList = await signCompactJws({ sub: URI, iat: NOW }, issuer, 'statuslist+jwt')
    expect((await checkStatus(ref(1), noList, opts)).reason).toBe('malformed')
  })

  it('rejects alg none, a wrong typ and an unknown status value', async () => {
    const issuer = await testSigner('ES256')
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    const claims = createStatusListClaims({
      uri: URI,
      bits: 2,
      statuses: statuses(8, { 1: 3 }),
      iat: NOW,
    })
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'statuslist+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.`
    expect(await checkStatus(ref(1), none, opts)).toMatchObject({
      reason: 'signature-invalid',
      message: expect.stringMatching(/not allowed/),
    })
    const jwt = await signCompactJws(claims as never, issuer, 'JWT')
    expect(await checkStatus(ref(1), jwt, opts)).toMatchObject({
      reason: 'signature-invalid',
      message: expect.stringMatching(/typ/),
    })
    const good = await signCompactJws(claims as never, issuer, 'application/statuslist+jwt')
    expect(await checkStatus(ref(1), good, opts)).toMatchObject({
      outcome: 'indeterminate',
      reason: 'status-unavailable',
      message: expect.stringMatching(/holds 3/),
    })
  })
})

describe('signCompactJws', () => {
  it('produces a JWS that an independent implementation (python jwcrypto) verifies', async () => {
    const signer = await testSigner('ES256')
    const t = await token(signer, { 1: 1 })
    const script = [
      'import sys, json',
      'from jwcrypto import jwk, jws',
      'key = jwk.JWK(**json.loads(sys.argv[1]))',
      'sig = jws.JWS()',
      'sig.deserialize(sys.argv[2])',
      'sig.verify(key, alg="ES256")',
      'print(json.loads(sig.payload)["sub"])',
    ].join('\n')
    const { kty, crv, x, y } = signer.publicJwk as Record<string, string>
    const out = execFileSync('/usr/bin/python3', [
      '-c',
      script,
      JSON.stringify({ kty, crv, x, y }),
      t,
    ])
    expect(out.toString().trim()).toBe(URI)
    const ok = await verifyCompactJws(t, [signer.publicJwk], ['statuslist+jwt'])
    expect(ok.ok).toBe(true)
  })
})

describe('StatusListCache', () => {
  it('reuses a verified list across passports, with the time and index checked each call', async () => {
    const issuer = await testSigner('EdDSA')
    const cache = new StatusListCache(2)
    const t = await token(issuer, { 7: STATUS.invalid })
    const opts = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW, cache }
    const plain = { trustedKeys: [issuer.publicJwk], nowSeconds: NOW }
    for (const idx of [7, 8, 7, 100_000]) {
      expect(await checkStatus(ref(idx), t, opts)).toEqual(await checkStatus(ref(idx), t, plain))
    }
    expect(await checkStatus(ref(7), t, opts)).toMatchObject({ reason: 'revoked' })
    // The subject and the clock are still checked on a cached list.
    expect(await checkStatus(ref(7, 'https://other.example/s'), t, opts)).toMatchObject({
      reason: 'status-list-mismatch',
    })
    const later = { ...opts, nowSeconds: NOW + 10 * 365 * 86_400 }
    expect(await checkStatus(ref(8), t, later)).toEqual(
      await checkStatus(ref(8), t, { ...plain, nowSeconds: later.nowSeconds }),
    )
  })

  it('is used only by a caller that trusts the very key that verified the list', async () => {
    const issuer = await testSigner('EdDSA')
    const impostor = await testSigner('EdDSA')
    const cache = new StatusListCache()
    const t = await token(issuer, {})
    expect(
      await checkStatus(ref(1), t, { trustedKeys: [issuer.publicJwk], nowSeconds: NOW, cache }),
    ).toMatchObject({ reason: 'ok' })
    // Same kid, another public key: the cached entry does not apply, the signature fails.
    const sameKid = { ...impostor.publicJwk, kid: issuer.kid }
    expect(
      await checkStatus(ref(1), t, { trustedKeys: [sameKid], nowSeconds: NOW, cache }),
    ).toMatchObject({ outcome: 'fail', reason: 'signature-invalid' })
    expect(
      await checkStatus(ref(1), t, { trustedKeys: [impostor.publicJwk], nowSeconds: NOW, cache }),
    ).toMatchObject({ outcome: 'fail', reason: 'signature-invalid' })
    expect(() => new StatusListCache(0)).toThrow(TypeError)
  })
})
