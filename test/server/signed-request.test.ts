import { describe, expect, it } from 'vitest'
import { base64url } from 'jose'
import {
  ReplayCache,
  StoredReplayGuard,
  sha256Hex,
  signRequest,
  verifySignedRequest,
} from '../../src/server/signed-request.js'
import { signJws } from '../fixtures/passport/forge.js'
import { makeSigner } from '../fixtures/passport/signer.js'

const NOW = 1_800_000_000
const body = '{"a":1}'
const AUDIENCE = 'registry-a.example/log+0a1b2c3d+AQIDBA'

async function verify(authorization: string, replay = new ReplayCache()) {
  return verifySignedRequest({
    authorization,
    audience: AUDIENCE,
    method: 'POST',
    path: '/api/v1/passports',
    body,
    nowSeconds: NOW,
    replay,
  })
}

describe('signed requests', () => {
  it('verifies a request signed by an Ed25519 or P-256 key and returns that key', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const signer = await makeSigner(alg)
      const auth = await signRequest(signer, {
        audience: AUDIENCE,
        method: 'post',
        path: '/api/v1/passports',
        body,
        nowSeconds: NOW,
      })
      const key = await verify(auth)
      expect(key.kid).toBe(signer.kid)
      expect(key.alg).toBe(alg)
      expect(key.jwk.d).toBeUndefined()
    }
  })

  it('refuses a kid that is not the thumbprint of the header jwk', async () => {
    const signer = await makeSigner()
    const other = await makeSigner()
    const { kty, crv, x } = signer.publicJwk
    const jws = await signJws(
      { alg: 'EdDSA', typ: 'accord-request+jwt', kid: other.kid, jwk: { kty, crv, x } },
      {
        htm: 'POST',
        htu: '/api/v1/passports',
        iat: NOW,
        jti: 'j'.repeat(20),
        body_sha256: '0'.repeat(64),
      },
      signer,
    )
    await expect(verify(`Accord-Signature ${jws}`)).rejects.toMatchObject({
      code: 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
      message: expect.stringMatching(/thumbprint/),
    })
  })

  it('refuses alg none, HS256 and a missing typ', async () => {
    const signer = await makeSigner()
    const { kty, crv, x } = signer.publicJwk
    const payload = base64url.encode(JSON.stringify({ htm: 'POST' }))
    for (const header of [
      { alg: 'none', typ: 'accord-request+jwt', kid: signer.kid, jwk: { kty, crv, x } },
      { alg: 'HS256', typ: 'accord-request+jwt', kid: signer.kid, jwk: { kty, crv, x } },
      { alg: 'EdDSA', kid: signer.kid, jwk: { kty, crv, x } },
    ]) {
      const jws = `${base64url.encode(JSON.stringify(header))}.${payload}.`
      await expect(verify(`Accord-Signature ${jws}`)).rejects.toMatchObject({
        code: 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
      })
    }
    await expect(verify('Bearer abc')).rejects.toMatchObject({
      code: 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED',
    })
  })
})

describe('signed requests name their registry (aud)', () => {
  /** A request signed by hand, with `payload` as given (aud present or not). */
  async function signedWith(payload: Record<string, unknown>) {
    const signer = await makeSigner()
    const { kty, crv, x } = signer.publicJwk
    const jws = await signJws(
      { alg: 'EdDSA', typ: 'accord-request+jwt', kid: signer.kid, jwk: { kty, crv, x } },
      {
        htm: 'POST',
        htu: '/api/v1/passports',
        iat: NOW,
        jti: `j-${crypto.randomUUID()}`,
        body_sha256: sha256Hex(body),
        ...payload,
      },
      signer,
    )
    return `Accord-Signature ${jws}`
  }

  it('puts the audience in the payload as aud', async () => {
    const auth = await signRequest(await makeSigner(), {
      audience: AUDIENCE,
      method: 'POST',
      path: '/api/v1/passports',
      body,
      nowSeconds: NOW,
    })
    const payload = JSON.parse(
      Buffer.from(auth.split(' ')[1]!.split('.')[1]!, 'base64url').toString('utf8'),
    ) as Record<string, unknown>
    expect(payload.aud).toBe(AUDIENCE)
    await expect(verify(auth)).resolves.toBeDefined()
  })

  it('refuses a request without aud, or for another registry, and does not use up its jti', async () => {
    const replay = new ReplayCache()
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /no "aud"/],
      [{ aud: 'registry-b.example/log+0a1b2c3d+AQIDBA' }, /another registry/],
      [{ aud: [AUDIENCE] }, /another registry/],
      [{ aud: '' }, /another registry/],
    ]
    for (const [payload, message] of cases)
      await expect(verify(await signedWith(payload), replay)).rejects.toMatchObject({
        code: 'ERR_PASSPORT_REQUEST_WRONG_AUDIENCE',
        message: expect.stringMatching(message),
      })
    expect(replay.size).toBe(0)
    await expect(verify(await signedWith({ aud: AUDIENCE }), replay)).resolves.toBeDefined()
  })

  it('signRequest needs an audience', async () => {
    const signer = await makeSigner()
    await expect(
      signRequest(signer, {
        audience: '',
        method: 'POST',
        path: '/api/v1/passports',
        body,
        nowSeconds: NOW,
      }),
    ).rejects.toThrow(TypeError)
  })
})

describe('ReplayCache', () => {
  it('remembers nonces until they expire and fails closed when full', () => {
    const cache = new ReplayCache(2)
    expect(cache.add('a', 110, 100)).toBe('ok')
    expect(cache.add('a', 110, 101)).toBe('replayed')
    expect(cache.add('b', 120, 101)).toBe('ok')
    expect(cache.add('c', 130, 102)).toBe('full')
    // a has expired at 111: its room is reused
    expect(cache.add('c', 130, 111)).toBe('ok')
    expect(cache.size).toBe(2)
    expect(cache.add('a', 140, 112)).toBe('full')
    expect(cache.add('b', 150, 125)).toBe('ok')
  })
})

describe('StoredReplayGuard', () => {
  it('asks the database for every id it has not recorded itself, also when its cache is full', async () => {
    const db = new Map<string, number>()
    const asked: string[] = []
    const guard = new StoredReplayGuard(async (id, expires, now) => {
      asked.push(id)
      const known = db.get(id)
      if (known !== undefined && known > now) return false
      db.set(id, expires)
      return true
    }, 1)
    expect(await guard.add('a', 110, 100)).toBe('ok')
    // Recorded here: refused without a round trip.
    expect(await guard.add('a', 110, 101)).toBe('replayed')
    expect(asked).toEqual(['a'])
    // The cache is full (capacity 1): b is still checked, by the database.
    expect(await guard.add('b', 120, 101)).toBe('ok')
    expect(await guard.add('b', 120, 102)).toBe('replayed')
    // Recorded by another server (only in the database): refused.
    db.set('c', 130)
    expect(await guard.add('c', 130, 102)).toBe('replayed')
    expect(asked).toEqual(['a', 'b', 'b', 'c'])
  })
})
