/**
 * `accord present --list`: evidence items in index order (2 before 10), each with the id that
 * `--disclose evidence:<id>` takes, so a vendor can tell which item is which.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { issuedExample, run } from '../helpers.js'

let p: (...parts: string[]) => string

beforeAll(async () => {
  p = await issuedExample('border-biometrics')
}, 60_000)

describe('present --list', () => {
  it('lists evidence items by index, each with its evidence id', async () => {
    const json = (await run(['present', p('passport.sd-jwt'), '--list', '--json'])).json()
    const items = (json.paths as string[]).filter((x) => x.startsWith('evidence.items.'))
    expect(items.length).toBeGreaterThan(10)
    expect(items).toEqual(items.map((_, i) => `evidence.items.${i}`))

    const text = await run(['present', p('passport.sd-jwt'), '--list'])
    expect(text.code).toBe(0)
    const lines = text.stdout.trimEnd().split('\n')
    const evidenceLines = lines.filter((l) => l.startsWith('evidence.items.'))
    expect(evidenceLines[2]).toMatch(/^evidence\.items\.2 {2}\(evidence:[\w-]+\)$/)
    expect(evidenceLines[10]).toMatch(/^evidence\.items\.10 {2}\(evidence:[\w-]+\)$/)
    // The id shown is the one --disclose takes: disclosing it discloses that item.
    const id = /\(evidence:([\w-]+)\)/.exec(evidenceLines[10] as string)?.[1] as string
    const presented = await run([
      'present',
      p('passport.sd-jwt'),
      '--disclose',
      `evidence:${id}`,
      '--json',
    ])
    expect(presented.json().disclosed).toEqual([`evidence:${id}`])
    expect(lines).toContain('classification.eu-ai-act')
  })

  it('warns on stderr when nothing is disclosed', async () => {
    const r = await run(['present', p('passport.sd-jwt'), '--json'])
    expect(r.code).toBe(0)
    expect(r.json().disclosed).toEqual([])
    expect(r.stderr).toMatch(/^warning: no claim disclosed: .*--disclose all/m)
    const some = await run(['present', p('passport.sd-jwt'), '--disclose', 'all', '--json'])
    expect(some.stderr).toBe('')
  })
})
