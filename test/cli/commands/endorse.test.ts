/**
 * `accord endorse --checked`: an item that names a catalogued framework must name one of its
 * nodes, so a typo is not signed into the endorsement; other items are the endorser's own words.
 */
import { existsSync, readFileSync } from 'node:fs'
import { decodeJwt } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { endorseArgv, issuedExample, run } from '../helpers.js'

let p: (...parts: string[]) => string

beforeAll(async () => {
  p = await issuedExample('border-biometrics', ['issuer', 'authority'])
}, 60_000)

const endorse = (checked: string, out: string) =>
  run([
    ...endorseArgv(p('passport.sd-jwt'), p('keys', 'authority.private.jwk.json'), {
      checked,
      statement: 'Reviewed',
    }),
    '--out',
    p(out),
    '--json',
  ])

describe('endorse --checked', () => {
  it('refuses an id of a catalogued framework that names nothing, with a suggestion', async () => {
    const r = await endorse('artifacts,eu-ai-act:art-15.6', 'typo.sd-jwt')
    expect(r.code).toBe(2)
    const { error } = r.json()
    expect(error.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(error.message).toContain('"eu-ai-act:art-15.6" names nothing in the eu-ai-act catalog')
    expect(error.message).toMatch(/did you mean .*"eu-ai-act:art-15\.\d"/)
    expect(existsSync(p('typo.sd-jwt'))).toBe(false)
  })

  it('accepts catalogued ids in any case, and free words', async () => {
    const r = await endorse('eu-ai-act:art-15.5, NIST-AI-RMF:MEASURE-2.7 ,artifacts', 'ok.sd-jwt')
    expect(r.code, r.stdout).toBe(0)
    // buildEndorsementClaims sorts them
    expect(r.json().checked).toEqual(['NIST-AI-RMF:MEASURE-2.7', 'artifacts', 'eu-ai-act:art-15.5'])
  })
})

describe('endorse clock', () => {
  it("signs iat at the CLI's clock, not the system clock", async () => {
    const at = 2_000_000_000
    const r = await run(
      [
        ...endorseArgv(p('passport.sd-jwt'), p('keys', 'authority.private.jwk.json'), {
          checked: 'artifacts',
          statement: 'Reviewed',
        }),
        '--valid-days',
        '2',
        '--out',
        p('clock.sd-jwt'),
        '--json',
      ],
      '2033-05-18',
      at,
    )
    expect(r.code, r.stderr).toBe(0)
    const jwt = readFileSync(p('clock.sd-jwt'), 'utf8').split('~')[0] as string
    const claims = decodeJwt(jwt)
    expect(claims.iat).toBe(at)
    expect(claims.exp).toBe(at + 2 * 86400)
  })
})
