import { describe, expect, it } from 'vitest'
import { leafHash, toHex } from '../../../src/core/merkle/index.js'
import {
  encodeEntry,
  encodeEntryText,
  endorsementEntry,
  entryKind,
  entryLeafHash,
  incidentEntry,
  incidentEntryFromToken,
  evaluationEntry,
  evaluationEntryFromToken,
  parseEntry,
  passportEntry,
  passportEntryFromJwt,
  passportEntryFromSdJwt,
  samePassportEntry,
  statusEntry,
} from '../../../src/core/tlog/entry.js'
import { sha256 } from '../../../src/node/sha256.js'
import { decodeBase64urlStrict } from '../../../src/node/jws.js'
import { fakeToken, passportRecord } from '../../node/tlog/fixtures.js'

describe('log entries', () => {
  const p = passportRecord(1)

  it('encodes a passport entry as canonical JSON with a fixed leaf hash', () => {
    const e = passportEntry(p)
    const text = encodeEntryText(e)
    expect(text).toBe(
      `{"id":"${p.id}","issuer":"https://vendor.example","issuerJwtSha256":"${p.issuerJwtSha256}","kid":"kid-issuer-1","kind":"passport","v":1}`,
    )
    expect(toHex(entryLeafHash(e, sha256))).toBe(toHex(leafHash(encodeEntry(e), sha256)))
    expect(entryKind(e)).toBe('passport')
  })

  // jose's decoder (the default) and the registry's Node one must agree on every input.
  it.each([
    ['jose', undefined],
    ['decodeBase64urlStrict', decodeBase64urlStrict],
  ])('recomputes the passport entry from the passport alone (%s)', (_name, decode) => {
    const fromToken = (token: string) => passportEntryFromSdJwt(token, sha256, decode)
    const r = fromToken(p.token)
    expect(r).toEqual({ ok: true, entry: passportEntry(p) })
    // A presentation (fewer disclosures, key binding) has the same issuer JWT, so the same entry.
    const presented = p.token.split('~')[0] + '~'
    expect(fromToken(presented)).toEqual(r)
    expect(fromToken('garbage').ok).toBe(false)
    expect(fromToken(5 as unknown as string).ok).toBe(false)
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const jwt = (h: unknown, c: unknown) => `${b64(h)}.${b64(c)}.c2ln~`
    expect(fromToken(jwt({ kid: 'k' }, { iss: 'i' })).ok).toBe(false)
    expect(fromToken(jwt({ kid: 'k' }, { jti: 'j' })).ok).toBe(false)
    expect(fromToken(jwt({}, { jti: 'j', iss: 'i' })).ok).toBe(false)
    expect(fromToken(jwt({ kid: 'k' }, ['j', 'i'])).ok).toBe(false)
    expect(fromToken(`${b64({ kid: 'k' })}.not*base64.c2ln~`).ok).toBe(false)
    expect(fromToken(`${b64({ kid: 'k' })}.${b64({ jti: 'j', iss: 'i' })}~`).ok).toBe(false)
    expect(fromToken(jwt({ kid: 'k' }, { jti: 'j', iss: 'i' })).ok).toBe(true)
  })

  it('computes the same entry from an already decoded header and payload', () => {
    const [h, c] = p.token.split('~')[0]?.split('.') as [string, string]
    const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString()) as never
    let hashed = 0
    const hash = () => {
      hashed++
      return p.issuerJwtSha256
    }
    expect(passportEntryFromJwt(decode(h), decode(c), hash)).toEqual(
      passportEntryFromSdJwt(p.token, sha256),
    )
    expect(hashed).toBe(1)
    // Each missing field is named; the hash is not computed then.
    expect(passportEntryFromJwt({ kid: 'k' }, { iss: 'i' }, hash)).toEqual({
      ok: false,
      message: 'the passport has no jti, so it cannot be looked up in a log',
    })
    expect(passportEntryFromJwt({ kid: 'k' }, { jti: 'j' }, hash).ok).toBe(false)
    expect(passportEntryFromJwt({ kid: '' }, { jti: 'j', iss: 'i' }, hash).ok).toBe(false)
    expect(hashed).toBe(1)
  })

  it('compares passport entries field by field', () => {
    const e = passportEntry(p)
    expect(samePassportEntry(e, { ...e })).toBe(true)
    for (const field of ['id', 'issuer', 'kid', 'issuerJwtSha256'] as const)
      expect(samePassportEntry(e, { ...e, [field]: `${e[field]}x` }), field).toBe(false)
  })

  it('encodes status changes and endorsements', () => {
    const s = statusEntry({
      passportId: p.id,
      status: 'suspended',
      byKid: 'k',
      at: '2026-01-01T00:00:00Z',
    })
    expect(s).toMatchObject({ kind: 'suspension', reason: null })
    expect(statusEntry({ passportId: p.id, status: 'valid', byKid: 'k', at: 'x' }).kind).toBe(
      'reinstatement',
    )
    const e = endorsementEntry(
      { id: 'e', passportId: p.id, endorserKid: 'k', token: 'a.b.c~', publishedAt: 'x' },
      sha256,
    )
    expect(e.tokenSha256).toBe(toHex(sha256(new TextEncoder().encode('a.b.c'))))
    for (const entry of [s, e]) expect(parseEntry(encodeEntry(entry))).toEqual({ ok: true, entry })
  })

  it('encodes an incident entry, and recomputes it from the report token alone', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const jwt = `${b64({ alg: 'EdDSA', kid: 'rk' })}.${b64({
      jti: 'urn:uuid:r1',
      credentialSubject: { passport: { jti: p.id }, incident: { id: 'urn:uuid:i1', sequence: 2 } },
    })}.c2ln`
    const e = incidentEntry(
      {
        id: 'urn:uuid:r1',
        incidentId: 'urn:uuid:i1',
        passportId: p.id,
        reporterKid: 'rk',
        sequence: 2,
        token: `${jwt}~`,
      },
      sha256,
    )
    expect(encodeEntryText(e)).toBe(
      `{"id":"urn:uuid:r1","incidentId":"urn:uuid:i1","kind":"incident","passportId":"${p.id}","reporterKid":"rk","sequence":2,"tokenSha256":"${toHex(sha256(new TextEncoder().encode(jwt)))}","v":1}`,
    )
    expect(parseEntry(encodeEntry(e))).toEqual({ ok: true, entry: e })
    expect(incidentEntryFromToken(`${jwt}~`, sha256)).toEqual({ ok: true, entry: e })
    expect(incidentEntryFromToken('a.b.c~', sha256).ok).toBe(false)
    expect(parseEntry(encodeEntryText({ ...e, sequence: 0 })).ok).toBe(false)
  })

  it('encodes an evaluation entry, and recomputes it from the result token alone', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const jwt = `${b64({ alg: 'EdDSA', kid: 'ek' })}.${b64({
      jti: 'urn:uuid:e1',
      credentialSubject: { passport: { jti: p.id }, evaluation: {} },
    })}.c2ln`
    const e = evaluationEntry(
      { id: 'urn:uuid:e1', passportId: p.id, evaluatorKid: 'ek', token: `${jwt}~` },
      sha256,
    )
    expect(encodeEntryText(e)).toBe(
      `{"evaluatorKid":"ek","id":"urn:uuid:e1","kind":"evaluation","passportId":"${p.id}","tokenSha256":"${toHex(sha256(new TextEncoder().encode(jwt)))}","v":1}`,
    )
    expect(parseEntry(encodeEntry(e))).toEqual({ ok: true, entry: e })
    expect(evaluationEntryFromToken(`${jwt}~`, sha256)).toEqual({ ok: true, entry: e })
    expect(evaluationEntryFromToken('a.b.c~', sha256).ok).toBe(false)
    const noKid = `${b64({ alg: 'EdDSA' })}.${jwt.split('.')[1]}.c2ln~`
    expect(evaluationEntryFromToken(noKid, sha256)).toMatchObject({ ok: false })
    expect(parseEntry(encodeEntryText({ ...e, tokenSha256: 'x' })).ok).toBe(false)
  })

  it('parses only canonical v1 entries', () => {
    const text = encodeEntryText(passportEntry(p))
    expect(parseEntry(text).ok).toBe(true)
    const { v, ...rest } = passportEntry(p)
    const reordered = JSON.stringify({ v, ...rest })
    expect(parseEntry(reordered)).toMatchObject({
      ok: false,
      message: expect.stringContaining('canonical'),
    })
    expect(parseEntry(text.replace('"v":1', '"v":2')).ok).toBe(false)
    expect(parseEntry(text.replace('}', ',"extra":1}')).ok).toBe(false)
    expect(parseEntry('{').ok).toBe(false)
    expect(parseEntry(new Uint8Array([0xff, 0xfe])).ok).toBe(false)
    expect(parseEntry(new Uint8Array(20_000)).ok).toBe(false)
    expect(parseEntry('x'.repeat(20_000)).ok).toBe(false)
    expect(parseEntry(5 as unknown as string).ok).toBe(false)
    expect(fakeToken('a')).toContain('~')
  })
})
