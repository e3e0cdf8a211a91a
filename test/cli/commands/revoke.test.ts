/**
 * `accord revoke` says whether the entry changed: reinstating a valid passport or suspending a
 * suspended one changes nothing, and must not be reported as done. It and `accord status sign`
 * sign the status list at the CLI's clock (`io.nowSeconds`), like `issue` and `verify`.
 */
import { readFileSync } from 'node:fs'
import { decodeJwt } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { issuedExample, run } from '../helpers.js'

let p: (...parts: string[]) => string

beforeAll(async () => {
  p = await issuedExample('public-chatbot')
}, 60_000)

const revoke = (...flags: string[]) =>
  run([
    'revoke',
    p('passport.sd-jwt'),
    '--key',
    p('keys', 'issuer.private.jwk.json'),
    '--status-dir',
    p('status'),
    ...flags,
  ])

describe('revoke: changed or not', () => {
  it('reinstating a valid passport changes nothing and says so', async () => {
    const text = await revoke('--reinstate')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^urn:uuid:\S+ was already valid .*nothing changed/)
    expect(text.stdout).not.toMatch(/^reinstated/)
    const json = await revoke('--reinstate', '--json')
    expect(json.json()).toMatchObject({ action: 'reinstated', changed: false, status: 0 })
  })

  it('suspending is a change, suspending again is not, reinstating is', async () => {
    expect((await revoke('--suspend', '--json')).json()).toMatchObject({ changed: true })
    const again = await revoke('--suspend')
    expect(again.stdout).toMatch(/was already suspended/)
    expect((await revoke('--reinstate', '--json')).json()).toMatchObject({
      action: 'reinstated',
      changed: true,
    })
  })
})

describe('revoke and status sign: the CLI clock', () => {
  // A time far from the wall clock: the signed list must carry this one, not Date.now().
  const PINNED = 2_000_000_000

  const claimsOf = (file: string) => decodeJwt(readFileSync(file, 'utf8').trim())

  it('revoke signs the status list at the injected time', async () => {
    const r = await run(
      [
        'revoke',
        p('passport.sd-jwt'),
        '--key',
        p('keys', 'issuer.private.jwk.json'),
        '--status-dir',
        p('status'),
        '--suspend',
        '--json',
      ],
      undefined,
      PINNED,
    )
    expect(r.code, r.stderr).toBe(0)
    const claims = claimsOf(r.json().statusList)
    expect(claims.iat).toBe(PINNED)
    expect(r.json().exp).toBe(claims.exp)
    expect(claims.exp).toBeGreaterThan(PINNED)
    await revoke('--reinstate')
  })

  it('status sign signs the list at the injected time', async () => {
    const kid = JSON.parse(readFileSync(p('keys', 'issuer.public.jwk.json'), 'utf8')).kid
    const r = await run(
      [
        'status',
        'sign',
        '--list-id',
        kid,
        '--key',
        p('keys', 'issuer.private.jwk.json'),
        '--status-dir',
        p('status'),
        '--valid-days',
        '2',
        '--json',
      ],
      undefined,
      PINNED,
    )
    expect(r.code, r.stderr).toBe(0)
    const claims = claimsOf(r.json().statusList)
    expect(claims.iat).toBe(PINNED)
    expect(claims.exp).toBe(PINNED + 2 * 86400)
    expect(r.json().exp).toBe(PINNED + 2 * 86400)
  })
})
