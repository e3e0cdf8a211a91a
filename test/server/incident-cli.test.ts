/**
 * `accord incident publish` and `accord incident list` against a running registry (`accord
 * serve` on a free port), with reports written by `accord incident report`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/commands/serve.js'
import { EXAMPLES, issuedExample, run } from '../cli/helpers.js'
import { registryWithPassport } from './registry-fixture.js'

const EXAMPLE = path.join(EXAMPLES, 'border-biometrics', 'incident.yaml')

let server: RunningServer
let p: (...parts: string[]) => string
let passportId: string
let initial: string

beforeAll(async () => {
  ;({ server, p, passportId } = await registryWithPassport(
    'accord-incident-registry-',
    'border-biometrics',
    ['issuer', 'vendor', 'other'],
  ))
  initial = p('initial.sd-jwt')
  const r = await run([
    'incident',
    'report',
    p('passport.sd-jwt'),
    '--file',
    EXAMPLE,
    '--key',
    p('keys', 'vendor.private.jwk.json'),
    '--out',
    initial,
  ])
  if (r.code !== 0) throw new Error(r.stdout + r.stderr)
}, 60_000)
afterAll(() => server?.close())

const publishArgs = (report: string, key = 'vendor') => [
  'incident',
  'publish',
  report,
  '--registry',
  server.url,
  '--jwk',
  p('keys', `${key}.public.jwk.json`),
]

describe('accord incident publish / list', () => {
  it('publishes a report with the public key and lists it for the passport', async () => {
    const r = await run([...publishArgs(initial), '--json'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.json()).toMatchObject({ passport: passportId, sequence: 1, logIndex: 1 })

    const listed = await run([
      'incident',
      'list',
      '--registry',
      server.url,
      '--passport',
      passportId,
    ])
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toContain(
      `incident ${r.json().incidentId}: open, serious (fundamental-rights), in EE, 1 report`,
    )
    expect(listed.stdout).toMatch(/Art\. 73 deadline \S+ \(Art\. 73\(2\)\): notified on time/)

    const feed = await run(['incident', 'list', '--registry', server.url, '--after', '0', '--json'])
    expect(feed.json().items.map((i: { id: string }) => i.id)).toEqual([r.json().id])
    expect(feed.json().nextAfter).toBe(1)
  })

  it('a follow-up published with --key; a replay of the same report is refused (409, exit 3)', async () => {
    const closed = p('final.yaml')
    writeFileSync(
      closed,
      readFileSync(EXAMPLE, 'utf8')
        .replace('status: open', 'status: closed')
        .replace(/^reporter:/m, 'report: final\nreporter:'),
    )
    const out = p('final.sd-jwt')
    const made = await run([
      'incident',
      'report',
      p('passport.sd-jwt'),
      '--file',
      closed,
      '--key',
      p('keys', 'vendor.private.jwk.json'),
      '--follows',
      initial,
      '--out',
      out,
    ])
    expect(made.code, made.stderr).toBe(0)
    const key = p('keys', 'vendor.private.jwk.json')
    const r = await run(['incident', 'publish', out, '--registry', server.url, '--key', key])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('published final report 2 of incident')
    const again = await run([...publishArgs(out), '--json'])
    expect(again.code).toBe(3)
    expect(again.json().error.code).toBe('ERR_STORE_CONFLICT')
  })

  it('--newest-first pages the feed back with --before, in text and JSON; bad combinations are exit 2', async () => {
    const feed = ['incident', 'list', '--registry', server.url]
    const inLogOrder = (await run([...feed, '--json'])).json().items as {
      id: string
      logIndex: number
    }[]
    expect(inLogOrder.length).toBe(2)
    const [older, newer] = inLogOrder as [{ id: string; logIndex: number }, (typeof inLogOrder)[0]]
    const first = await run([...feed, '--newest-first', '--limit', '1', '--json'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.json()).toEqual({
      items: [expect.objectContaining({ id: newer.id, logIndex: newer.logIndex })],
      nextBefore: newer.logIndex,
    })
    const second = await run([
      ...feed,
      '--newest-first',
      '--before',
      String(first.json().nextBefore),
      '--limit',
      '1',
      '--json',
    ])
    expect(second.json()).toEqual({
      items: [expect.objectContaining({ id: older.id, logIndex: older.logIndex })],
      nextBefore: null,
    })
    const both = await run([...feed, '--newest-first', '--json'])
    expect(both.json().items.map((i: { id: string }) => i.id)).toEqual([newer.id, older.id])

    const text = await run([...feed, '--newest-first', '--limit', '1'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(
      new RegExp(`^${newer.logIndex} \\S+ passport ${passportId}: final report 2 of incident`),
    )
    expect(text.stdout).toContain(
      `\nnext: accord incident list --registry ${server.url} --newest-first --before ${newer.logIndex}\n`,
    )
    const last = await run([...feed, '--newest-first', '--before', String(newer.logIndex)])
    expect(last.stdout).toMatch(/: initial report 1 of incident .*\nno older incident reports\n/)
    const none = await run([...feed, '--newest-first', '--before', String(older.logIndex)])
    expect(none.stdout).toBe(`no incident reports before log index ${older.logIndex}\n`)

    for (const [args, message] of [
      [['--newest-first', '--after', '0'], /--after is for the feed oldest first/],
      [['--before', '2'], /add --newest-first/],
      [['--newest-first', '--before', '-1'], /--before "-1" must be a log index/],
      [['--newest-first', '--passport', passportId], /--passport lists one passport/],
      // One passport's list is read whole: paging options would be ignored, so they are refused.
      [['--passport', passportId, '--after', '0'], /^--after pages the feed .*--passport lists/],
      [['--passport', passportId, '--limit', '5'], /^--limit pages the feed .*--passport lists/],
      [['--limit', '0'], /--limit "0" must be a whole number/],
    ] as const) {
      const bad = await run([...feed, ...args, '--json'])
      expect(bad.code, args.join(' ')).toBe(2)
      expect(bad.json().error.code).toBe('ERR_CONFIG_BAD_ARGS')
      expect(bad.json().error.message).toMatch(message)
    }
  })

  it('a key that is not the report signer is refused before sending; no key at all is exit 2', async () => {
    const wrong = await run([...publishArgs(initial, 'other'), '--json'])
    expect(wrong.code).toBe(4)
    expect(wrong.json().error.code).toBe('ERR_PASSPORT_INCIDENT_REJECTED')
    const none = await run(['incident', 'publish', initial, '--registry', server.url, '--json'])
    expect(none.code).toBe(2)
  })

  it('lists no incidents for a passport without any; an unknown passport is ERR_STORE_NOT_FOUND', async () => {
    const q = await issuedExample('public-chatbot')
    const key = q('keys', 'issuer.private.jwk.json')
    const pub = await run([
      'publish',
      q('passport.sd-jwt'),
      '--registry',
      server.url,
      '--key',
      key,
      '--json',
    ])
    const list = ['incident', 'list', '--registry', server.url, '--passport']
    const none = await run([...list, pub.json().id])
    expect(none.code, none.stderr).toBe(0)
    expect(none.stdout).toContain('no incidents reported to this registry')
    const unknown = await run([...list, 'urn:uuid:none', '--json'])
    expect(unknown.code).toBe(3)
    expect(unknown.json().error.code).toBe('ERR_STORE_NOT_FOUND')
  })
  it('Art. 73(1): a transparency passport (public-chatbot) lists no deadline and says why', async () => {
    const q = await issuedExample('public-chatbot')
    const key = q('keys', 'issuer.private.jwk.json')
    const pub = await run([
      'publish',
      q('passport.sd-jwt'),
      '--registry',
      server.url,
      '--key',
      key,
      '--json',
    ])
    expect(pub.code, pub.stderr).toBe(0)
    const out = q('incident.sd-jwt')
    const made = await run([
      'incident',
      'report',
      q('passport.sd-jwt'),
      '--file',
      EXAMPLE,
      '--key',
      key,
      '--out',
      out,
    ])
    expect(made.code, made.stderr).toBe(0)
    const sent = await run(['incident', 'publish', out, '--registry', server.url, '--key', key])
    expect(sent.code, sent.stderr).toBe(0)
    const listed = await run([
      'incident',
      'list',
      '--registry',
      server.url,
      '--passport',
      pub.json().id,
    ])
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toMatch(
      /no Art\. 73 deadline: the passport classifies the system as transparency \(as of [\d-]+\), not high-risk: .* so Art\. 73 does not bind it \(Art\. 73\(1\)\)/,
    )
    const json = await run([
      'incident',
      'list',
      '--registry',
      server.url,
      '--passport',
      pub.json().id,
      '--json',
    ])
    expect(json.json().items[0].deadline).toMatchObject({
      applies: false,
      basis: 'not-high-risk',
      deadline: null,
    })
  })
})
