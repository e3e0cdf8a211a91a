/**
 * Signatures made by our Signer, checked by tools that share no code with us or with jose:
 * Python `cryptography` (OpenSSL bindings, but its own JWK/DER handling), Python `jwcrypto` (a
 * separate JOSE implementation) and the `openssl` command line. Data goes through temp files.
 *
 * Uses Debian's /usr/bin/python3 (the `python3` on PATH may lack jwcrypto). When a tool is missing
 * the affected tests are skipped, unless ACCORD_REQUIRE_INDEPENDENT=1 makes that a failure.
 */
import { execFileSync } from 'node:child_process'
import { createPublicKey } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { CompactSign, importJWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Signer } from '../../src/core/ports.js'
import type { AllowedAlg } from '../../src/core/passport/types.js'
import { fileSigner, generateKeyPair, writeKeyPair, type KeyPair } from '../../src/node/keys.js'
import { tempDir } from '../tmp.js'

const PYTHON = '/usr/bin/python3'

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const require = process.env.ACCORD_REQUIRE_INDEPENDENT === '1'
const hasPython = works(PYTHON, ['-c', 'import cryptography, jwcrypto'])
const hasOpenssl = works('openssl', ['version'])
if (require && !(hasPython && hasOpenssl)) {
  throw new Error(
    'ACCORD_REQUIRE_INDEPENDENT=1 but /usr/bin/python3 (cryptography, jwcrypto) or openssl is missing',
  )
}

/** Verifies a raw JWS signature over `data` with pyca/cryptography; prints OK or BAD. */
const PY_RAW_VERIFY = `
import base64, json, sys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

def b64u(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))

jwk = json.load(open(sys.argv[1]))
data = open(sys.argv[2], 'rb').read()
sig = open(sys.argv[3], 'rb').read()
try:
    if jwk['kty'] == 'OKP' and jwk['crv'] == 'Ed25519':
        Ed25519PublicKey.from_public_bytes(b64u(jwk['x'])).verify(sig, data)
    elif jwk['kty'] == 'EC' and jwk['crv'] == 'P-256':
        if len(sig) != 64:
            raise InvalidSignature('ES256 signature must be 64 bytes R||S')
        x = int.from_bytes(b64u(jwk['x']), 'big')
        y = int.from_bytes(b64u(jwk['y']), 'big')
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        r = int.from_bytes(sig[:32], 'big')
        s = int.from_bytes(sig[32:], 'big')
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    else:
        raise SystemExit('unsupported key')
    print('OK')
except InvalidSignature:
    print('BAD')
`

/** Verifies a compact JWS with jwcrypto; prints OK plus the payload, or BAD. */
const PY_JWS_VERIFY = `
import json, sys
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
key = jwk.JWK(**json.load(open(sys.argv[1])))
token = jws.JWS()
token.deserialize(open(sys.argv[2]).read().strip())
try:
    token.verify(key)
    print('OK ' + token.payload.decode('utf-8'))
except JWException:
    print('BAD')
`

const enc = new TextEncoder()
const b64u = (b: Uint8Array | string) =>
  Buffer.from(typeof b === 'string' ? enc.encode(b) : b).toString('base64url')

function flip(sig: Uint8Array, at = 7): Uint8Array {
  const out = Uint8Array.from(sig)
  out[at] = out[at]! ^ 0x01
  return out
}

interface Fixture {
  dir: string
  pair: KeyPair
  signer: Signer
  publicJwkFile: string
}

async function fixture(alg: AllowedAlg): Promise<Fixture> {
  const dir = tempDir(`accord-indep-${alg}-`)
  const pair = await generateKeyPair({ alg })
  const files = await writeKeyPair(dir, 'k', pair)
  return { dir, pair, signer: await fileSigner(files.privatePath), publicJwkFile: files.publicPath }
}

let n = 0
function tempFile(dir: string, data: string | Uint8Array): string {
  const file = path.join(dir, `f${n++}`)
  writeFileSync(file, data)
  return file
}

function pythonRawVerify(f: Fixture, data: Uint8Array, sig: Uint8Array): string {
  return execFileSync(
    PYTHON,
    ['-c', PY_RAW_VERIFY, f.publicJwkFile, tempFile(f.dir, data), tempFile(f.dir, sig)],
    { encoding: 'utf8' },
  ).trim()
}

function jwcryptoVerify(f: Fixture, compact: string): string {
  return execFileSync(PYTHON, ['-c', PY_JWS_VERIFY, f.publicJwkFile, tempFile(f.dir, compact)], {
    encoding: 'utf8',
  }).trim()
}

/** A compact JWS whose signature comes from our Signer. */
async function ourJws(signer: Signer, payload: string): Promise<string> {
  const input = `${b64u(JSON.stringify({ alg: signer.alg, kid: signer.kid }))}.${b64u(payload)}`
  return `${input}.${b64u(await signer.sign(enc.encode(input)))}`
}

for (const alg of ['EdDSA', 'ES256'] as const) {
  describe.skipIf(!hasPython)(
    `${alg}: our Signer checked by Python cryptography and jwcrypto`,
    () => {
      let f: Fixture
      beforeAll(async () => {
        f = await fixture(alg)
      })

      it('cryptography verifies a raw signature over a JWS signing input; a flipped byte fails', async () => {
        const data = enc.encode(`${b64u('{"alg":"' + alg + '"}')}.${b64u('independent check')}`)
        const sig = await f.signer.sign(data)
        expect(pythonRawVerify(f, data, sig)).toBe('OK')
        expect(pythonRawVerify(f, data, flip(sig))).toBe('BAD')
        expect(pythonRawVerify(f, data, flip(sig, sig.length - 1))).toBe('BAD')
        // Same signature, other data.
        expect(pythonRawVerify(f, enc.encode('other'), sig)).toBe('BAD')
      })

      it('jwcrypto verifies a compact JWS signed by our Signer; a flipped byte fails', async () => {
        const jws = await ourJws(f.signer, '{"passport":"yes"}')
        expect(jwcryptoVerify(f, jws)).toBe('OK {"passport":"yes"}')
        const [h, p, s] = jws.split('.') as [string, string, string]
        const bad = `${h}.${p}.${b64u(flip(Buffer.from(s, 'base64url')))}`
        expect(jwcryptoVerify(f, bad)).toBe('BAD')
      })

      it('jwcrypto verifies a jose CompactSign JWS made with the same private key', async () => {
        const jws = await new CompactSign(enc.encode('from jose'))
          .setProtectedHeader({ alg, kid: f.pair.kid })
          .sign(await importJWK(f.pair.privateJwk, alg))
        expect(jwcryptoVerify(f, jws)).toBe('OK from jose')
        if (alg === 'EdDSA') {
          // Ed25519 is deterministic: jose and our Signer produce the same signature.
          const [h, p, s] = jws.split('.') as [string, string, string]
          expect(b64u(await f.signer.sign(enc.encode(`${h}.${p}`)))).toBe(s)
        }
      })

      it('a signature under another key of the same type fails', async () => {
        const other = await fixture(alg)
        const jws = await ourJws(other.signer, '{}')
        expect(jwcryptoVerify(f, jws)).toBe('BAD')
      })
    },
  )
}

describe.skipIf(!hasOpenssl)('EdDSA: our Signer checked by openssl pkeyutl', () => {
  function opensslVerify(f: Fixture, data: Uint8Array, sig: Uint8Array): boolean {
    const pem = createPublicKey({ key: f.signer.publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    })
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', tempFile(f.dir, pem), '-rawin']
    args.push('-in', tempFile(f.dir, data), '-sigfile', tempFile(f.dir, sig))
    try {
      const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' })
      return /Signature Verified Successfully/.test(out)
    } catch {
      return false
    }
  }

  it('verifies a signature over a JWS signing input; a flipped byte or other data fails', async () => {
    const f = await fixture('EdDSA')
    const data = enc.encode(`${b64u('{"alg":"EdDSA"}')}.${b64u('checked by openssl')}`)
    const sig = await f.signer.sign(data)
    expect(opensslVerify(f, data, sig)).toBe(true)
    expect(opensslVerify(f, data, flip(sig))).toBe(false)
    expect(opensslVerify(f, enc.encode('checked by openssl?'), sig)).toBe(false)
  })
})
