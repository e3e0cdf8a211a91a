/**
 * RFC 8037 Appendix A (Ed25519 JWS), vendored in ../shared/vendor/jose. Ed25519 is
 * deterministic, so our Signer must reproduce the RFC's signature byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { compactVerify, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwkThumbprint } from '../../src/core/passport/jwk.js'
import { fileSigner, loadPublicKeys } from '../../src/node/keys.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'
import { tempDir } from '../tmp.js'

const VECTOR_FILE = `${SHARED_VENDOR}/jose/rfc8037-ed25519-jws.json`

interface Rfc8037Vector {
  private_jwk: Record<string, string>
  public_jwk: Record<string, string>
  protected_header: { alg: string }
  payload_utf8: string
  jws_compact: string
  /** RFC 8037 A.3, when the vendored file carries it. */
  thumbprint?: string
}

const vector = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as Rfc8037Vector

/**
 * RFC 8037 Appendix A.3: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k". The vendored file does not
 * carry it, so it is quoted from the RFC here (and used when the file adds none).
 */
const RFC8037_A3_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'

function writePrivate(jwk: unknown): string {
  const file = path.join(tempDir('accord-rfc8037-'), 'k.private.jwk.json')
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 })
  return file
}

describe('RFC 8037 Ed25519 JWS vector', () => {
  const [headerB64, payloadB64, signatureB64] = vector.jws_compact.split('.') as [
    string,
    string,
    string,
  ]

  it('the vector is what its fields say (header and payload)', () => {
    expect(JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8'))).toEqual(
      vector.protected_header,
    )
    expect(Buffer.from(payloadB64, 'base64url').toString('utf8')).toBe(vector.payload_utf8)
  })

  it('our file signer reproduces the RFC signature exactly', async () => {
    const signer = await fileSigner(writePrivate(vector.private_jwk))
    expect(signer.alg).toBe('EdDSA')
    const signature = await signer.sign(new TextEncoder().encode(`${headerB64}.${payloadB64}`))
    expect(Buffer.from(signature).toString('base64url')).toBe(signatureB64)
  })

  it('jose compactVerify accepts the JWS under the vector public key and our exported key', async () => {
    const rfcKey = await importJWK(vector.public_jwk, 'EdDSA')
    const { payload } = await compactVerify(vector.jws_compact, rfcKey)
    expect(new TextDecoder().decode(payload)).toBe(vector.payload_utf8)

    const signer = await fileSigner(writePrivate(vector.private_jwk))
    const ours = await importJWK(signer.publicJwk, 'EdDSA')
    await expect(compactVerify(vector.jws_compact, ours)).resolves.toBeDefined()
  })

  it('a JWS re-assembled from our signature verifies; a flipped byte does not', async () => {
    const signer = await fileSigner(writePrivate(vector.private_jwk))
    const input = new TextEncoder().encode(`${headerB64}.${payloadB64}`)
    const sig = await signer.sign(input)
    const key = await importJWK(vector.public_jwk, 'EdDSA')
    const jws = `${headerB64}.${payloadB64}.${Buffer.from(sig).toString('base64url')}`
    expect(jws).toBe(vector.jws_compact)
    sig[10] = sig[10]! ^ 0x80
    const bad = `${headerB64}.${payloadB64}.${Buffer.from(sig).toString('base64url')}`
    await expect(compactVerify(bad, key)).rejects.toThrow(/signature verification failed/)
  })

  it('the kid is the RFC 8037 A.3 thumbprint', async () => {
    const expected = vector.thumbprint ?? RFC8037_A3_THUMBPRINT
    expect(await jwkThumbprint(vector.public_jwk)).toBe(expected)
    const signer = await fileSigner(writePrivate(vector.private_jwk))
    expect(signer.kid).toBe(expected)
    const pubFile = path.join(tempDir('accord-rfc8037-'), 'pub.json')
    writeFileSync(pubFile, JSON.stringify(vector.public_jwk))
    expect((await loadPublicKeys(pubFile))[0]!.kid).toBe(expected)
  })
})
