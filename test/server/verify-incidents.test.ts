/**
 * A buyer's verdict with the serious-incident reports of a registry: `accord verify --incidents
 * URL` against a running `accord serve`, and `POST /api/v1/verify`, which reads the registry's own
 * reports of a passport it holds.
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

/** `accord incident report` then `accord incident publish`; the report's path. */
async function reportAndPublish(
  name: string,
  key: string,
  extra: string[] = [],
  file = EXAMPLE,
): Promise<string> {
  const out = p(`${name}.sd-jwt`)
  const made = await run([
    'incident',
    'report',
    p('passport.sd-jwt'),
    '--file',
    file,
    '--key',
    p('keys', `${key}.private.jwk.json`),
    '--out',
    out,
    ...extra,
  ])
  if (made.code !== 0) throw new Error(made.stdout + made.stderr)
  const pub = await run([
    'incident',
    'publish',
    out,
    '--registry',
    server.url,
    '--key',
    p('keys', `${key}.private.jwk.json`),
  ])
  if (pub.code !== 0) throw new Error(pub.stdout + pub.stderr)
  return out
}

/** A public key as one line of JSON (the files are pretty-printed). */
const oneLine = (file: string) => JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))
const jwkOf = (name: string) => oneLine(p('keys', `${name}.public.jwk.json`))

/** A policy with inline keys (so the server takes it too), trusting the issuer. */
function policyText(incidents: string): string {
  return [
    'apiVersion: accord.dev/v1',
    'kind: AcceptancePolicy',
    'name: incidents',
    'trust:',
    '  issuers:',
    '    - name: Valvur',
    `      jwk: ${jwkOf('issuer')}`,
    'requirements:',
    `  incidents: ${incidents}`,
  ].join('\n')
}

function policyFile(name: string, incidents: string): string {
  const file = p(`${name}.policy.yaml`)
  writeFileSync(file, policyText(incidents))
  return file
}

async function apiVerify(passport: string, policy: string) {
  const res = await fetch(`${server.url}/api/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ passport, policy }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as {
    verdict: string
    checks: { check: string; outcome: string; reason: string; message: string }[]
    incidents?: { counted: boolean; trust: string; status: string; sequence: number }[]
    incidentsFrom?: string
  }
}

beforeAll(async () => {
  ;({ server, p, passportId } = await registryWithPassport(
    'accord-verify-incidents-',
    'border-biometrics',
    ['issuer', 'stranger'],
  ))
  // Anyone may post a report: one by a stranger's key first, then the issuer's own.
  await reportAndPublish('stranger', 'stranger')
  await reportAndPublish('own', 'issuer')
}, 60_000)
afterAll(() => server?.close())

describe('accord verify --incidents URL', () => {
  it("counts the issuer's own report from the registry and lists the stranger's as not counted", async () => {
    const file = policyFile('strict', '{ maxOpenSerious: 0, check: required }')
    const r = await run([
      'verify',
      p('passport.sd-jwt'),
      '--policy',
      file,
      '--incidents',
      server.url,
    ])
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toContain(
      `serious-incident reports from the registry at ${server.url}: 2 incidents`,
    )
    expect(r.stdout).toMatch(
      /FAIL policy:incidents:open-serious +incident-open-serious 1 open serious incident/,
    )
    expect(r.stdout).toMatch(/counted: the passport's issuer \(Valvur\)\n/)
    expect(r.stdout).toMatch(/not counted: reporter not trusted by this policy\n/)
  })

  it('a registry that does not hold the passport: a warning, and check: required is indeterminate', async () => {
    const q = await issuedExample('border-biometrics')
    writeFileSync(p('unpublished.sd-jwt'), readFileSync(q('passport.sd-jwt')))
    // Trusting q's issuer, so that only the incident rule is left open.
    const file = p('q.policy.yaml')
    writeFileSync(
      file,
      policyText('{ check: required }').replace(
        jwkOf('issuer'),
        oneLine(q('keys', 'issuer.public.jwk.json')),
      ),
    )
    const r = await run([
      'verify',
      p('unpublished.sd-jwt'),
      '--policy',
      file,
      '--incidents',
      server.url,
    ])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toMatch(/does not hold this passport/)
    expect(r.stdout).toMatch(/\?\? +policy:incidents +incident-unavailable/)
  })

  it('an unreachable registry is exit 5', async () => {
    const file = policyFile('unreachable', '{}')
    const r = await run([
      'verify',
      p('passport.sd-jwt'),
      '--policy',
      file,
      '--incidents',
      'http://127.0.0.1:9',
      '--json',
    ])
    expect(r.code, r.stdout + r.stderr).toBe(5)
    expect(r.json().error.code).toBe('ERR_TLOG_UNAVAILABLE')
  })
})

describe('POST /api/v1/verify with the registry’s incident reports', () => {
  it('uses the reports it holds for the passport, and says so', async () => {
    const passport = readFileSync(p('passport.sd-jwt'), 'utf8').trim()
    const body = await apiVerify(passport, policyText('{ maxOpenSerious: 0, check: required }'))
    expect(body.verdict).toBe('rejected')
    expect(body.incidentsFrom).toBe(`this registry's stored reports for passport ${passportId}`)
    expect(body.incidents?.map((i) => [i.trust, i.counted]).sort()).toEqual([
      ['passport-issuer', true],
      ['untrusted', false],
    ])
    expect(body.checks.find((c) => c.check === 'policy:incidents:open-serious')).toMatchObject({
      outcome: 'fail',
      reason: 'incident-open-serious',
    })
    // The stranger trusted as an assessor (inline key): its report counts too.
    const withAssessor = policyText('{ maxOpenSerious: 1 }').replace(
      'requirements:',
      `  assessors:\n    - name: Lab\n      kind: third-party\n      jwk: ${jwkOf('stranger')}\nrequirements:`,
    )
    const both = await apiVerify(passport, withAssessor)
    expect(both.incidents?.map((i) => i.counted)).toEqual([true, true])
    expect(both.verdict).toBe('rejected')
  })

  it('a passport it does not hold: no incidents, check: required is indeterminate', async () => {
    const q = await issuedExample('border-biometrics')
    const policy = policyText('{ check: required }').replace(
      jwkOf('issuer'),
      oneLine(q('keys', 'issuer.public.jwk.json')),
    )
    const body = await apiVerify(readFileSync(q('passport.sd-jwt'), 'utf8').trim(), policy)
    expect(body.incidents).toBeUndefined()
    expect(body.verdict).toBe('indeterminate')
    expect(body.checks.find((c) => c.check === 'policy:incidents')?.reason).toBe(
      'incident-unavailable',
    )
  })

  it('a final report published by the issuer closes the incident: accepted', async () => {
    const closed = p('closed.yaml')
    writeFileSync(
      closed,
      readFileSync(EXAMPLE, 'utf8')
        .replace('status: open', 'status: closed')
        .replace(/^reporter:/m, 'report: final\nreporter:'),
    )
    await reportAndPublish('own-final', 'issuer', ['--follows', p('own.sd-jwt')], closed)
    const passport = readFileSync(p('passport.sd-jwt'), 'utf8').trim()
    const body = await apiVerify(passport, policyText('{ maxOpenSerious: 0, check: required }'))
    expect(body.verdict, JSON.stringify(body.checks)).toBe('accepted')
    expect(body.incidents?.find((i) => i.counted)).toMatchObject({ sequence: 2, status: 'closed' })
    const cli = await run([
      'verify',
      p('passport.sd-jwt'),
      '--policy',
      policyFile('after-final', '{ maxOpenSerious: 0, check: required }'),
      '--incidents',
      server.url,
    ])
    expect(cli.code, cli.stdout).toBe(0)
  })
})
