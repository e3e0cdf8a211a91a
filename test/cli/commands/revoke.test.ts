/**
 * `accord revoke` says whether the entry changed: reinstating a valid passport or suspending a
 * suspended one changes nothing, and must not be reported as done.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLES, run } from '../helpers.js'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'accord-revoke-'))
  expect((await run(['keys', 'generate', '--out', p('keys'), '--name', 'issuer'])).code).toBe(0)
  const issued = await run([
    'issue',
    path.join(EXAMPLES, 'public-chatbot', 'accord.yaml'),
    '--key',
    p('keys', 'issuer.private.jwk.json'),
    '--status-dir',
    p('status'),
    '--out',
    p('passport.sd-jwt'),
  ])
  expect(issued.code, issued.stderr).toBe(0)
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
