/**
 * A passport path that does not exist or is a directory is a file problem (exit 5,
 * ERR_PASSPORT_NOT_FOUND, "check the path") in every command that reads one, not a malformed
 * passport (exit 3).
 */
import { cpSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { endorseArgv, ROOT, run } from '../helpers.js'
import { tempDir } from '../../tmp.js'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)

beforeAll(async () => {
  dir = tempDir('accord-passport-path-')
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
  for (const name of ['issuer', 'authority', 'assessor']) {
    const r = await run(['keys', 'generate', '--out', p('keys'), '--name', name, '--json'])
    expect(r.code).toBe(0)
  }
  mkdirSync(p('a-directory.sd-jwt'))
})

const COMMANDS: Record<string, (passport: string) => string[]> = {
  verify: (passport) => [
    'verify',
    passport,
    '--policy',
    p('policies', 'eu-police-procurement.yaml'),
  ],
  present: (passport) => ['present', passport, '--disclose', 'all'],
  endorse: (passport) => endorseArgv(passport, p('keys', 'authority.private.jwk.json')),
  revoke: (passport) => [
    'revoke',
    passport,
    '--key',
    p('keys', 'issuer.private.jwk.json'),
    '--status-dir',
    p('status'),
  ],
}

describe('a passport path that is not a file', () => {
  for (const [command, args] of Object.entries(COMMANDS)) {
    it(`${command}: a missing file is ERR_PASSPORT_NOT_FOUND, exit 5, "check the path"`, async () => {
      const missing = p('nosuch.sd-jwt')
      const r = await run(args(missing))
      expect(r.code).toBe(5)
      expect(r.stderr).toContain(
        `error: passport ${missing} does not exist [ERR_PASSPORT_NOT_FOUND]`,
      )
      expect(r.stderr).toContain('fix: check the path')
      expect(r.stderr).not.toContain('ERR_PASSPORT_MALFORMED')
      const j = await run([...args(missing), '--json'])
      expect(j.code).toBe(5)
      expect(j.json().error).toMatchObject({
        code: 'ERR_PASSPORT_NOT_FOUND',
        issues: [{ code: 'passport_not_found', file: missing }],
      })
    })

    it(`${command}: a directory is ERR_PASSPORT_NOT_FOUND, exit 5`, async () => {
      const r = await run(args(p('a-directory.sd-jwt')))
      expect(r.code).toBe(5)
      expect(r.stderr).toContain('is a directory, not a passport file [ERR_PASSPORT_NOT_FOUND]')
    })
  }
})
