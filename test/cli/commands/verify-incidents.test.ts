/**
 * `accord verify --incident FILE`: serious-incident reports (EU AI Act Art. 73) written by
 * `accord incident report` from the border-biometrics example, in a buyer's verdict.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLES, issuedExample, run } from '../helpers.js'

const EXAMPLE = path.join(EXAMPLES, 'border-biometrics', 'incident.yaml')

let p: (...parts: string[]) => string
/** The issuer's own initial report (open, serious, notified on time). */
let own: string
/** The same incident reported by a key the policy does not trust. */
let stranger: string

async function report(file: string, out: string, key = 'issuer', extra: string[] = []) {
  const r = await run([
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
  if (r.code !== 0) throw new Error(r.stderr + r.stdout)
  return out
}

/** A policy trusting the issuer (and the authority as assessor), with `incidents` as given. */
function policy(name: string, incidents: string): string {
  const file = p(`${name}.policy.yaml`)
  writeFileSync(
    file,
    [
      'apiVersion: accord.dev/v1',
      'kind: AcceptancePolicy',
      `name: ${name}`,
      'trust:',
      '  issuers:',
      '    - name: Valvur',
      '      jwks: keys/issuer.public.jwk.json',
      '  assessors:',
      '    - name: Authority',
      '      kind: national-authority',
      '      jwks: keys/authority.public.jwk.json',
      'requirements:',
      `  incidents: ${incidents}`,
    ].join('\n'),
  )
  return file
}

/** When the late report is signed: after its late notification (2026-11-28). */
const LATE_SIGNED = Date.parse('2026-11-29T12:00:00Z') / 1000
/** Verified after every report was signed (the passport is issued now, valid a year). */
const NOW = Math.max(Math.floor(Date.now() / 1000), LATE_SIGNED)

const verify = (policyFile: string, ...extra: string[]) =>
  run(['verify', p('passport.sd-jwt'), '--policy', policyFile, ...extra], undefined, NOW)

beforeAll(async () => {
  p = await issuedExample('border-biometrics', ['issuer', 'authority', 'stranger'])
  own = await report(EXAMPLE, p('own.1.sd-jwt'))
  stranger = await report(EXAMPLE, p('stranger.1.sd-jwt'), 'stranger')
}, 60_000)

describe('accord verify --incident', () => {
  it("the issuer's own open serious incident rejects the passport (exit 1), one line per incident", async () => {
    const r = await verify(
      policy('strict', '{ maxOpenSerious: 0, check: required }'),
      '--incident',
      own,
    )
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toMatch(
      /FAIL policy:incidents:open-serious +incident-open-serious 1 open serious incident \(Art\. 3\(49\)\)/,
    )
    expect(r.stdout).toContain('serious-incident reports from 1 file (--incident): 1 incident')
    expect(r.stdout).toMatch(
      /incident urn:uuid:\S+: open, serious \(fundamental-rights\), initial report 1; Art\. 73 deadline 2026-11-27T14:05:00Z \(Art\. 73\(2\)\): authority notified on time; reported by Valvur Biometrics OÜ \(provider, key \S+\); counted: the passport's issuer \(Valvur\)/,
    )
  })

  it('--json lists the incidents with whether each counts', async () => {
    const r = await verify(
      policy('json', '{ maxOpenSerious: 0 }'),
      '--incident',
      own,
      '--incident',
      stranger,
      '--json',
    )
    expect(r.code).toBe(1)
    const out = r.json()
    expect(out.incidentsFrom).toBe('2 files (--incident)')
    expect(out.incidents).toHaveLength(2)
    expect(out.incidents[0]).toMatchObject({
      status: 'open',
      serious: true,
      harms: ['fundamental-rights'],
      counted: true,
      trust: 'passport-issuer',
      deadline: { verdict: 'on-time', deadline: '2026-11-27T14:05:00Z' },
      sources: [own],
    })
    expect(out.incidents[1]).toMatchObject({
      counted: false,
      trust: 'untrusted',
      notCounted: 'not counted: reporter not trusted by this policy',
    })
  })

  it('a report by a key the policy does not trust is listed, not counted: accepted (exit 0)', async () => {
    const r = await verify(policy('untrusted', '{ maxOpenSerious: 0 }'), '--incident', stranger)
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(
      /ok +policy:incidents:open-serious +ok +0 open serious incidents of 0 incidents counted; 1 more not counted/,
    )
    expect(r.stdout).toMatch(/reported by .*; not counted: reporter not trusted by this policy\n/)
  })

  it('a trusted assessor counts', async () => {
    const authority = await report(EXAMPLE, p('authority.1.sd-jwt'), 'authority')
    const r = await verify(policy('assessor', '{ maxOpenSerious: 0 }'), '--incident', authority)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('counted: a trusted assessor (Authority)')
  })

  it('a final report closing the incident wins over the initial one: accepted', async () => {
    const closed = p('closed.yaml')
    writeFileSync(
      closed,
      readFileSync(EXAMPLE, 'utf8')
        .replace('status: open', 'status: closed')
        .replace(/^reporter:/m, 'report: final\nreporter:'),
    )
    const final = await report(closed, p('own.2.sd-jwt'), 'issuer', ['--follows', own])
    const file = policy('closed', '{ maxOpenSerious: 0 }')
    for (const order of [
      [final, own],
      [own, final],
    ]) {
      const r = await verify(
        file,
        '--incident',
        order[0] as string,
        '--incident',
        order[1] as string,
        '--json',
      )
      expect(r.code, r.stdout).toBe(0)
      expect(r.json().incidents).toMatchObject([
        { sequence: 2, report: 'final', status: 'closed', counted: true },
      ])
    }
  })

  it('late notification: refuse rejects, warn accepts with a warning line', async () => {
    const lateFile = p('late.yaml')
    writeFileSync(
      lateFile,
      readFileSync(EXAMPLE, 'utf8').replace(
        "at: '2026-11-19T11:00:00+02:00'",
        "at: '2026-11-28T11:00:00+02:00'",
      ),
    )
    // Signed after the late notification (a report cannot name a time after it was signed).
    const late = p('late.sd-jwt')
    const r0 = await run(
      [
        'incident',
        'report',
        p('passport.sd-jwt'),
        '--file',
        lateFile,
        '--key',
        p('keys', 'issuer.private.jwk.json'),
        '--out',
        late,
      ],
      '2026-11-29',
      LATE_SIGNED,
    )
    expect(r0.code, r0.stderr).toBe(0)
    const refuse = await verify(
      policy('refuse', '{ maxOpenSerious: 1, lateNotification: refuse }'),
      '--incident',
      late,
    )
    expect(refuse.code, refuse.stdout).toBe(1)
    expect(refuse.stdout).toMatch(
      /FAIL policy:incidents:notification +incident-reported-late .*after the deadline 2026-11-27T14:05:00Z/,
    )
    expect(refuse.stdout).toContain('authority notified LATE')
    const warn = await verify(
      policy('warn', '{ maxOpenSerious: 1, lateNotification: warn }'),
      '--incident',
      late,
    )
    expect(warn.code, warn.stdout).toBe(0)
    expect(warn.stdout).toMatch(
      /warn +policy:incidents:notification +incident-reported-late +warning: /,
    )
  })

  it('check: required with no incident source is indeterminate (exit 2)', async () => {
    const r = await verify(policy('required', '{ check: required }'))
    expect(r.code, r.stdout).toBe(2)
    expect(r.stdout).toMatch(/\?\? +policy:incidents +incident-unavailable/)
  })

  it('a report about another passport is listed as not counted', async () => {
    const q = await issuedExample('border-biometrics')
    const r0 = await run([
      'incident',
      'report',
      q('passport.sd-jwt'),
      '--file',
      EXAMPLE,
      '--key',
      p('keys', 'issuer.private.jwk.json'),
      '--out',
      p('elsewhere.sd-jwt'),
    ])
    expect(r0.code, r0.stderr).toBe(0)
    const r = await verify(
      policy('elsewhere', '{ maxOpenSerious: 0 }'),
      '--incident',
      p('elsewhere.sd-jwt'),
      '--json',
    )
    expect(r.code, r.stdout).toBe(0)
    expect(r.json().incidents[0]).toMatchObject({ counted: false, trust: 'unverified' })
    expect(r.json().incidents[0].notCounted).toMatch(/about another passport/)
  })

  it('a file that is not a report is exit 3, a registry URL that is not http(s) exit 2, a missing file exit 5', async () => {
    const file = policy('bad', '{}')
    const bad = await verify(file, '--incident', p('passport.sd-jwt'), '--json')
    expect(bad.code).toBe(3)
    expect(bad.json().error.code).toBe('ERR_PASSPORT_INCIDENT_INVALID')
    const badUrl = await verify(file, '--incidents', 'ftp://registry.example', '--json')
    expect(badUrl.code).toBe(2)
    expect(badUrl.json().error.message).toBe(
      '--incidents: registry URL "ftp://registry.example" must be http(s); give the base URL of an Accord registry, e.g. http://127.0.0.1:8080',
    )
    const missing = await verify(file, '--incident', p('nope.sd-jwt'), '--json')
    expect(missing.code).toBe(5)
    expect(missing.json().error.code).toBe('ERR_PASSPORT_INCIDENT_NOT_FOUND')
  })
})

describe('accord verify --incident: Art. 73(1) read against the passport classification', () => {
  /** A late report (notified 2026-11-28, deadline 2026-11-27) about the public-chatbot passport. */
  let chatbot: (...parts: string[]) => string
  let lateReport: string

  beforeAll(async () => {
    chatbot = await issuedExample('public-chatbot', ['issuer', 'authority'])
    const lateFile = chatbot('late.yaml')
    writeFileSync(
      lateFile,
      readFileSync(EXAMPLE, 'utf8').replace(
        "at: '2026-11-19T11:00:00+02:00'",
        "at: '2026-11-28T11:00:00+02:00'",
      ),
    )
    lateReport = chatbot('late.sd-jwt')
    const r = await run(
      [
        'incident',
        'report',
        chatbot('passport.sd-jwt'),
        '--file',
        lateFile,
        '--key',
        chatbot('keys', 'issuer.private.jwk.json'),
        '--out',
        lateReport,
      ],
      '2026-11-29',
      LATE_SIGNED,
    )
    if (r.code !== 0) throw new Error(r.stderr + r.stdout)
  }, 60_000)

  const verifyChatbot = (passport: string, ...extra: string[]) => {
    const file = chatbot('refuse.policy.yaml')
    writeFileSync(
      file,
      readFileSync(
        policy('refuse-late', '{ maxOpenSerious: 1, lateNotification: refuse }'),
        'utf8',
      ),
    )
    return run(
      ['verify', passport, '--policy', file, '--incident', lateReport, ...extra],
      undefined,
      NOW,
    )
  }

  it('Art. 73(1): a transparency passport is not bound, so incident-reported-late is not raised', async () => {
    const r = await verifyChatbot(chatbot('passport.sd-jwt'))
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).not.toContain('incident-reported-late')
    expect(r.stdout).toMatch(
      /ok +policy:incidents:notification +ok +no counted serious incident .*1 counted serious incident is of a system the passport classifies as not high-risk, which Art\. 73\(1\) does not bind/,
    )
    expect(r.stdout).toContain(
      'no Art. 73 deadline (Art. 73(1): the passport classifies the system as not high-risk)',
    )
    const json = (await verifyChatbot(chatbot('passport.sd-jwt'), '--json')).json()
    expect(json.incidents[0].deadline).toMatchObject({
      verdict: 'none',
      basis: 'not-high-risk',
      deadline: null,
      reference: { deadline: '2026-11-27T14:05:00Z', onTime: false },
    })
  })

  it('Art. 73(1): the same passport presented without its classification is unknown: late, refused', async () => {
    const full = readFileSync(chatbot('passport.sd-jwt'), 'utf8').trim()
    writeFileSync(chatbot('bare.sd-jwt'), full.slice(0, full.indexOf('~') + 1) + '\n')
    const r = await verifyChatbot(chatbot('bare.sd-jwt'), '--json')
    expect(r.code, r.stdout).toBe(1)
    expect(r.json().incidents[0].deadline).toMatchObject({ verdict: 'late', basis: 'unknown' })
    expect(
      r.json().checks.find((c: { check: string }) => c.check === 'policy:incidents:notification'),
    ).toMatchObject({ outcome: 'fail', reason: 'incident-reported-late' })
  })
})
