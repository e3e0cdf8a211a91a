import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import {
  compareResourceNames,
  compareResources,
  decodeBase64,
  encodeBase64,
  exportInToto,
  isIgnoredPath,
  modelSubjectDigest,
  parseModelSignature,
  preAuthEncoding,
} from '../../../src/core/passport/model-signing.js'
import { sha256 } from '../../../src/node/sha256.js'
import { VENDOR as SHARED_VENDOR } from '../../vendor.js'

const FIXTURE = `${SHARED_VENDOR}/model-signing/v1.1.0-elliptic-key`
const bundle = JSON.parse(readFileSync(`${FIXTURE}/model.sig`, 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = () => structuredClone(bundle)
const statementOf = (b: typeof bundle) =>
  JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8'))
const withStatement = (s: unknown) => {
  const b = clone()
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(s)).toString('base64')
  return b
}

/** Expects a parse failure with the model-signature code; returns the error. */
function rejects(json: unknown): AccordError {
  try {
    parseModelSignature(json)
  } catch (err) {
    expect(err).toBeInstanceOf(AccordError)
    expect((err as AccordError).code).toBe('ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED')
    return err as AccordError
  }
  throw new Error('expected parseModelSignature to throw')
}

describe('parseModelSignature (the v1.1.0 elliptic-key fixture)', () => {
  const sig = parseModelSignature(bundle)

  it('reads the bundle, statement, resources, subject and signature', () => {
    expect(sig.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json')
    expect(sig.payloadType).toBe('application/vnd.in-toto+json')
    expect(sig.keyHint).toBe('e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e')
    expect(sig.subject).toEqual({
      name: 'v1.1.0-elliptic-key',
      digest: { sha256: '92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4' },
    })
    expect(sig.resources.map((r) => r.name)).toEqual(['signme-1', 'signme-2'])
    expect(sig.serialization).toMatchObject({
      method: 'files',
      hash_type: 'sha256',
      allow_symlinks: false,
    })
    expect(sig.serialization.ignore_paths).toContain('ignore-me')
    expect(sig.signatures).toHaveLength(1)
    expect(sig.signatures[0]!.sig[0]).toBe(0x30) // DER SEQUENCE
    expect(Buffer.from(sig.payload).toString('base64')).toBe(bundle.dsseEnvelope.payload)
  })

  it('the subject digest is SHA-256 of the concatenated raw resource digests', () => {
    expect(
      modelSubjectDigest(
        sig.resources.map((r) => r.digest),
        sha256,
      ),
    ).toBe(sig.subject.digest.sha256)
    expect(
      modelSubjectDigest(
        [...sig.resources].reverse().map((r) => r.digest),
        sha256,
      ),
    ).not.toBe(sig.subject.digest.sha256)
  })

  it('rejects what is not a model signature, naming the field', () => {
    rejects(null)
    rejects('model.sig')
    rejects({ ...clone(), mediaType: 'application/json' })
    const noEnv = clone()
    delete noEnv.dsseEnvelope
    rejects(noEnv)
    const wrongType = clone()
    wrongType.dsseEnvelope.payloadType = 'text/plain'
    expect(rejects(wrongType).issues[0]?.path).toEqual(['dsseEnvelope', 'payloadType'])
    const noSigs = clone()
    noSigs.dsseEnvelope.signatures = []
    rejects(noSigs)
    const badB64 = clone()
    badB64.dsseEnvelope.signatures[0].sig = 'not base64!'
    rejects(badB64)
    const notJson = clone()
    notJson.dsseEnvelope.payload = Buffer.from('{oops').toString('base64')
    expect(rejects(notJson).message).toMatch(/not JSON/)
    const notUtf8 = clone()
    notUtf8.dsseEnvelope.payload = Buffer.from([0xff, 0xfe]).toString('base64')
    expect(rejects(notUtf8).message).toMatch(/UTF-8/)
  })

  it('rejects statements that are not model-signing v1.0', () => {
    const s = statementOf(bundle)
    expect(
      rejects(withStatement({ ...s, predicateType: 'https://model_signing/Digests/v0.1' }))
        .issues[0]?.path,
    ).toEqual(['payload', 'predicateType'])
    rejects(withStatement({ ...s, _type: 'https://in-toto.io/Statement/v0.1' }))
    rejects(withStatement({ ...s, subject: [...s.subject, ...s.subject] }))
    rejects(withStatement({ ...s, subject: [{ name: 'x', digest: { sha256: 'ABC' } }] }))
    const dup = structuredClone(s)
    dup.predicate.resources.push(dup.predicate.resources[0])
    expect(rejects(withStatement(dup)).message).toMatch(/listed twice/)
    const badDigest = structuredClone(s)
    badDigest.predicate.resources[0].digest = 'xyz'
    rejects(withStatement(badDigest))
    const noSer = structuredClone(s)
    delete noSer.predicate.serialization
    rejects(withStatement(noSer))
  })
})

describe('DSSE pre-authentication encoding', () => {
  it('is "DSSEv1 <len> <type> <len> <body>" with byte lengths', () => {
    const pae = preAuthEncoding('application/example', new TextEncoder().encode('hello world'))
    expect(new TextDecoder().decode(pae)).toBe('DSSEv1 19 application/example 11 hello world')
    // byte lengths, not string lengths
    expect(new TextDecoder().decode(preAuthEncoding('t', new TextEncoder().encode('é')))).toBe(
      'DSSEv1 1 t 2 é',
    )
  })
})

describe('exportInToto', () => {
  it("reproduces the fixture's resources and subject digest for its two files", () => {
    const artifacts = ['signme-2', 'signme-1'].map((name) => {
      const bytes = readFileSync(`${FIXTURE}/${name}`)
      return { path: name, sha256: Buffer.from(sha256(bytes)).toString('hex'), size: bytes.length }
    })
    const ours = exportInToto(artifacts, 'v1.1.0-elliptic-key', sha256)
    const theirs = statementOf(bundle)
    expect(ours.subject).toEqual(theirs.subject)
    expect(ours.predicate.resources).toEqual(theirs.predicate.resources)
    expect(ours._type).toBe(theirs._type)
    expect(ours.predicateType).toBe(theirs.predicateType)
    expect(ours.predicate.serialization).toEqual({
      method: 'files',
      hash_type: 'sha256',
      allow_symlinks: false,
      ignore_paths: [],
    })
    // and what we export parses back as a model signature payload
    const b = clone()
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(ours)).toString('base64')
    expect(parseModelSignature(b).subject).toEqual(theirs.subject[0])
  })

  it('sorts names like Python PurePosixPath (component-wise, by code point)', () => {
    const names = ['b', 'a-b', 'a/b', 'a/B', 'Z', 'é', 'a/b/c', '\u{1F600}', '\uFF21']
    expect([...names].sort(compareResourceNames)).toEqual([
      'Z',
      'a/B',
      'a/b',
      'a/b/c',
      'a-b',
      'b',
      'é',
      '\uFF21',
      '\u{1F600}',
    ])
    const d = (i: number) => i.toString(16).padStart(64, '0')
    const st = exportInToto(
      names.map((n, i) => ({ path: n, sha256: d(i), size: 1 })),
      'm',
      sha256,
    )
    expect(st.predicate.resources.map((r) => r.name)).toEqual([...names].sort(compareResourceNames))
    expect(() =>
      exportInToto([{ path: 'a', sha256: 'A'.repeat(64), size: 1 }], 'm', sha256),
    ).toThrow(TypeError)
    expect(() =>
      exportInToto(
        [
          { path: 'a', sha256: d(1), size: 1 },
          { path: 'a', sha256: d(2), size: 1 },
        ],
        'm',
        sha256,
      ),
    ).toThrow(/twice/)
  })

  it('the empty model has the digest of nothing', () => {
    expect(exportInToto([], 'empty', sha256).subject[0]?.digest.sha256).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })
})

describe('helpers', () => {
  it('ignore paths cover the path and everything under it, nothing else', () => {
    expect(isIgnoredPath('.git', ['.git'])).toBe(true)
    expect(isIgnoredPath('.git/config', ['.git'])).toBe(true)
    expect(isIgnoredPath('.github', ['.git'])).toBe(false)
    expect(isIgnoredPath('sub/x', ['./sub/'])).toBe(true)
    expect(isIgnoredPath('x', [''])).toBe(false)
  })

  it('compares signed resources with files found', () => {
    const signed = [
      { name: 'a', algorithm: 'sha256', digest: '01' },
      { name: 'b', algorithm: 'sha256', digest: '02' },
      { name: 'c', algorithm: 'sha256', digest: '03' },
    ]
    expect(
      compareResources(signed, [
        { name: 'a', sha256: '01' },
        { name: 'b', sha256: 'ff' },
        { name: 'z', sha256: '09' },
      ]),
    ).toEqual({
      matched: ['a'],
      mismatched: [{ name: 'b', expected: '02', actual: 'ff' }],
      missing: ['c'],
      extra: ['z'],
    })
  })

  it('base64 is strict and accepts the URL-safe alphabet', () => {
    expect(decodeBase64('aGk=')).toEqual(new Uint8Array([104, 105]))
    expect(decodeBase64('aGk')).toEqual(new Uint8Array([104, 105]))
    expect(decodeBase64('-_8')).toEqual(new Uint8Array([0xfb, 0xff]))
    expect(decodeBase64('aG k=')).toBeUndefined()
    expect(decodeBase64('a')).toBeUndefined()
    expect(encodeBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=')
  })
})
