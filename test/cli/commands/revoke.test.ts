/**
 * `accord revoke` says whether the entry changed: reinstating a valid passport or suspending a
 * suspended one changes nothing, and must not be reported as done.
 */
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
