/**
 * `accord evaluation publish` and `accord evaluation list` against a running registry (`accord
 * serve` on a free port), with a result written by `accord evaluation report`.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/commands/serve.js'
import { EXAMPLES, run } from '../cli/helpers.js'
import { registryWithPassport } from './registry-fixture.js'

const EXAMPLE = path.join(EXAMPLES, 'border-biometrics', 'evaluation.yaml')

let server: RunningServer
let p: (...parts: string[]) => string
let passportId: string
let signed: string

beforeAll(async () => {
  ;({ server, p, passportId } = await registryWithPassport(
    'accord-evaluation-registry-',
    'border-biometrics',
    ['issuer', 'lab', 'other'],
  ))
  signed = p('result.sd-jwt')
  const r = await run([
    'evaluation',
    'report',
    p('passport.sd-jwt'),
    '--file',
    EXAMPLE,
    '--key',
    p('keys', 'lab.private.jwk.json'),
    '--out',
    signed,
  ])
  if (r.code !== 0) throw new Error(r.stdout + r.stderr)
}, 60_000)
afterAll(() => server?.close())

const publishArgs = (result: string, key = 'lab') => [
  'evaluation',
  'publish',
  result,
  '--registry',
  server.url,
  '--jwk',
  p('keys', `${key}.public.jwk.json`),
]
const list = (id: string, extra: string[] = []) =>
  run(['evaluation', 'list', '--registry', server.url, '--passport', id, ...extra])

describe('accord evaluation publish / list', () => {
  it('publishes a result with the public key and lists it for the passport, metric by metric', async () => {
    const r = await run([...publishArgs(signed), '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ passport: passportId, logIndex: 1 })
    expect(r.json().id).toMatch(/^urn:uuid:/)

    const listed = await list(passportId)
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toContain('6 metrics, 2 of 5 thresholds met')
    expect(listed.stdout).toContain(`result ${r.json().id}`)
    expect(listed.stdout).toContain('[age 60-75, low illumination]: 0.0019')
    expect(listed.stdout).toContain('NOT met')
    const json = (await list(passportId, ['--json'])).json()
    expect(json.items).toHaveLength(1)
    expect(json.items[0]).toMatchObject({ thresholds: 5, thresholdsMet: 2, logIndex: 1 })
  })

  it('with --key it sends the public part; a replay is refused (409, exit 3)', async () => {
    const again = await run([
      'evaluation',
      'publish',
      signed,
      '--registry',
      server.url,
      '--key',
      p('keys', 'lab.private.jwk.json'),
      '--json',
    ])
    expect(again.code).toBe(3)
    expect(again.json().error.code).toBe('ERR_STORE_CONFLICT')
  })

  it('a key that is not the signer is refused before sending; no key at all is exit 2', async () => {
    const wrong = await run([...publishArgs(signed, 'other'), '--json'])
    expect(wrong.code).toBe(4)
    expect(wrong.json().error.code).toBe('ERR_PASSPORT_EVALUATION_REJECTED')
    const none = await run(['evaluation', 'publish', signed, '--registry', server.url, '--json'])
    expect(none.code).toBe(2)
  })

  it("without --passport lists every passport's results by log index, a page at a time", async () => {
    const all = await run(['evaluation', 'list', '--registry', server.url, '--json'])
    expect(all.code, all.stderr).toBe(0)
    const items = all.json().items as { id: string; passportId: string; logIndex: number }[]
    expect(items.map((i) => [i.passportId, i.logIndex])).toEqual([[passportId, 1]])
    expect(all.json().items[0]).toMatchObject({ thresholds: 5, thresholdsMet: 2 })
    expect(all.json().items[0].evaluation.metrics).toHaveLength(6)
    expect(all.json().nextAfter).toBe(1)

    const text = await run(['evaluation', 'list', '--registry', server.url, '--limit', '1'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(
      new RegExp(
        `^1 \\S+ passport ${passportId}: .*6 metrics, 2 of 5 thresholds met, result ${items[0]!.id}$`,
        'm',
      ),
    )
    expect(text.stdout).toContain(
      `next: accord evaluation list --registry ${server.url} --after 1\n`,
    )
    const after = await run(['evaluation', 'list', '--registry', server.url, '--after', '1'])
    expect(after.code, after.stderr).toBe(0)
    expect(after.stdout).toBe(
      `no evaluation results after log index 1\nnext: accord evaluation list --registry ${server.url} --after 1\n`,
    )
    const bad = await run(['evaluation', 'list', '--registry', server.url, '--after', '-2'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('ERR_CONFIG_BAD_ARGS')
  })

  it('--newest-first lists the newest results first, with the --before of the next page', async () => {
    const feed = ['evaluation', 'list', '--registry', server.url, '--newest-first']
    const json = await run([...feed, '--json'])
    expect(json.code, json.stderr).toBe(0)
    expect(json.json()).toEqual({
      items: [expect.objectContaining({ passportId, logIndex: 1, thresholdsMet: 2 })],
      nextBefore: null,
    })
    const text = await run(feed)
    expect(text.stdout).toMatch(
      new RegExp(
        `^1 \\S+ passport ${passportId}: .*6 metrics, 2 of 5 thresholds met, result \\S+\nno older evaluation results\n$`,
      ),
    )
    const before = await run([...feed, '--before', '1'])
    expect(before.stdout).toBe('no evaluation results before log index 1\n')
    const bad = await run([...feed, '--after', '-1'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--after is for the feed oldest first')
  })

  it('an unknown passport is ERR_STORE_NOT_FOUND', async () => {
    const unknown = await list('urn:uuid:none', ['--json'])
    expect(unknown.code).toBe(3)
    expect(unknown.json().error.code).toBe('ERR_STORE_NOT_FOUND')
  })
})
