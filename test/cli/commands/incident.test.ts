/**
 * `accord incident report` and `accord incident show`: serious-incident reports (EU AI Act
 * Art. 73) signed by the reporter about one passport, from an incident file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLES, issuedExample, run } from '../helpers.js'

const EXAMPLE = path.join(EXAMPLES, 'border-biometrics', 'incident.yaml')
/** The reports are signed on 2026-11-25, after the example incident and its notification. */
const NOW = Date.parse('2026-11-25T12:00:00Z') / 1000
const at = (argv: string[]) => run(argv, '2026-11-25', NOW)

let p: (...parts: string[]) => string
let initial: string

beforeAll(async () => {
  p = await issuedExample('border-biometrics', ['issuer', 'vendor', 'other'])
  const other = await issuedExample('border-biometrics')
  writeFileSync(p('other-passport.sd-jwt'), readFileSync(other('passport.sd-jwt')))
  initial = p('initial.sd-jwt')
  const r = await at(report(EXAMPLE, initial))
  if (r.code !== 0) throw new Error(r.stderr + r.stdout)
}, 60_000)

function report(file: string, out: string, key = 'vendor', extra: string[] = []): string[] {
  return [
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
  ]
}

const show = (file: string, extra: string[] = []) => at(['incident', 'show', file, ...extra])
const verifyArgs = (key = 'vendor', passport = 'passport.sd-jwt') => [
  '--passport',
  p(passport),
  '--jwk',
  p('keys', `${key}.public.jwk.json`),
]

/** Writes an incident file made from the example by `edit`. */
function incidentFile(name: string, edit: (text: string) => string): string {
  const file = p(name)
  writeFileSync(file, edit(readFileSync(EXAMPLE, 'utf8')))
  return file
}

describe('accord incident report', () => {
  it('signs the example as an initial report, with the Art. 73 deadline and its verdict', async () => {
    const r = await at([...report(EXAMPLE, p('json.sd-jwt')), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.report).toBe(p('json.sd-jwt'))
    expect(out.id).toMatch(/^urn:uuid:/)
    expect(out.incident).toMatchObject({
      report: 'initial',
      sequence: 1,
      harms: ['fundamental-rights'],
    })
    expect(out.incident.id).toMatch(/^urn:uuid:/)
    expect(out.incident.reporter.id).toBe(`urn:ietf:params:oauth:jwk-thumbprint:sha-256:${out.kid}`)
    expect(out.deadline).toMatchObject({
      days: 15,
      citation: 'Art. 73(2)',
      deadline: '2026-11-27T14:05:00Z',
      onTime: true,
    })
    expect(readFileSync(p('json.sd-jwt'), 'utf8').trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+~$/)
  })

  it('says in text what it wrote and the deadline', async () => {
    const r = await at(report(EXAMPLE, p('text.sd-jwt')))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`wrote ${p('text.sd-jwt')}: initial report 1 of incident urn:uuid:`)
    expect(r.stdout).toContain(
      'Art. 73 deadline: 2026-11-27T14:05:00Z (15 days after awareness, Art. 73(2))',
    )
    expect(r.stdout).toContain('on time')
    expect(r.stdout).toContain('disputed')
  })

  it('--follows: a final report takes the incident id and the next sequence', async () => {
    const closed = incidentFile('final.yaml', (t) =>
      t
        .replace('status: open', 'status: closed')
        .replace(/^reporter:/m, 'report: final\nreporter:'),
    )
    const r = await at([
      ...report(closed, p('final.sd-jwt'), 'vendor', ['--follows', initial]),
      '--json',
    ])
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const first = (await show(initial, ['--json'])).json()
    expect(r.json().incident).toMatchObject({
      id: first.incident.id,
      sequence: 2,
      report: 'final',
      status: 'closed',
    })
  })

  it('--follows refuses a key other than the one that signed the earlier report', async () => {
    const r = await at([
      ...report(EXAMPLE, p('stranger.sd-jwt'), 'other', ['--follows', initial]),
      '--json',
    ])
    expect(r.code).toBe(4)
    expect(r.json().error.code).toBe('ERR_PASSPORT_INCIDENT_REJECTED')
    expect(existsSync(p('stranger.sd-jwt'))).toBe(false)
  })

  it('malformed YAML: exit 3 with file, line and column, nothing written', async () => {
    const file = incidentFile('broken.yaml', (t) =>
      t.replace('memberStates: [EE]', 'memberStates: [EE'),
    )
    const r = await at([...report(file, p('broken.sd-jwt')), '--json'])
    expect(r.code).toBe(3)
    const { error } = r.json()
    expect(error.code).toBe('ERR_PASSPORT_INCIDENT_INVALID')
    expect(error.issues[0]).toMatchObject({ code: 'yaml_syntax', file })
    expect(error.issues[0].line).toBeGreaterThan(10)
    expect(existsSync(p('broken.sd-jwt'))).toBe(false)
  })

  it('an unknown field gets a did-you-mean hint at its line', async () => {
    const file = incidentFile('typo.yaml', (t) => t.replace('harms: [', 'harm: ['))
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('harm:')) + 1
    const r = await at(report(file, p('typo.sd-jwt')))
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`${file}:${line}:1`)
    expect(r.stderr).toContain('unknown key `harm`')
    expect(r.stderr).toContain('did you mean `harms`?')
    expect(existsSync(p('typo.sd-jwt'))).toBe(false)
  })

  it('reads JSON too; a misspelt value gets a did-you-mean at its line and column', async () => {
    const { parse } = await import('yaml')
    const data = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>
    const good = p('incident.json')
    writeFileSync(good, JSON.stringify(data, null, 2))
    expect((await at(report(good, p('from-json.sd-jwt')))).code).toBe(0)
    const bad = p('typo-value.json')
    writeFileSync(bad, JSON.stringify({ ...data, harms: ['fundamental-right'] }, null, 2))
    const line =
      readFileSync(bad, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"fundamental-right"')) + 1
    const r = await at([...report(bad, p('typo-value.sd-jwt')), '--json'])
    expect(r.code).toBe(3)
    const [issue] = r.json().error.issues
    expect(issue).toMatchObject({ code: 'invalid_enum', line, column: 5, path: ['harms', 0] })
    expect(issue.hint).toBe('did you mean `fundamental-rights`?')
  })

  it('a contradiction is refused at its line, with the fix', async () => {
    const file = incidentFile('contradiction.yaml', (t) =>
      t.replace('harms: [fundamental-rights]', 'harms: []'),
    )
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('harms:')) + 1
    const r = await at([...report(file, p('contradiction.sd-jwt')), '--json'])
    expect(r.code).toBe(3)
    const [issue] = r.json().error.issues
    expect(issue).toMatchObject({ code: 'contradiction', path: ['harms'], line })
    expect(issue.message).toContain('marked serious but names no harm')
    expect(issue.hint).toContain('serious: false')
  })

  it('a missing incident file is exit 5', async () => {
    const r = await at([...report(p('nope.yaml'), p('nope.sd-jwt')), '--json'])
    expect(r.code).toBe(5)
    expect(r.json().error.code).toBe('ERR_PASSPORT_INCIDENT_NOT_FOUND')
  })
})

describe('accord incident show', () => {
  it('verifies a report given the passport and the reporter key', async () => {
    const r = await show(initial, verifyArgs())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('initial report 1 of incident urn:uuid:')
    expect(r.stdout).toContain('serious: yes (fundamental-rights, Art. 3(49)(c))')
    expect(r.stdout).toContain('Art. 73 deadline: 2026-11-27T14:05:00Z')
    expect(r.stdout).toContain('verified: signed by key')
  })

  it('without keys shows the report and says the signature was not checked', async () => {
    const r = await show(initial, ['--json'])
    expect(r.code).toBe(0)
    expect(r.json().verification).toEqual({ checked: false })
    expect(r.json().deadline.onTime).toBe(true)
  })

  it('wrong key: exit 4, incident-untrusted', async () => {
    const r = await show(initial, [...verifyArgs('other'), '--json'])
    expect(r.code).toBe(4)
    expect(r.json().verification).toMatchObject({
      checked: true,
      valid: false,
      reason: 'incident-untrusted',
    })
  })

  it('a report for another passport: exit 4, incident-wrong-passport', async () => {
    const r = await show(initial, [...verifyArgs('vendor', 'other-passport.sd-jwt'), '--json'])
    expect(r.code).toBe(4)
    expect(r.json().verification.reason).toBe('incident-wrong-passport')
  })

  it('a tampered report: exit 4, incident-invalid', async () => {
    const [h, payload, s] = readFileSync(initial, 'utf8').trim().slice(0, -1).split('.') as [
      string,
      string,
      string,
    ]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    claims.credentialSubject.incident.summary = 'Nothing happened.'
    const tampered = p('tampered.sd-jwt')
    writeFileSync(
      tampered,
      `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}~\n`,
    )
    const text = await show(tampered, verifyArgs())
    expect(text.code).toBe(4)
    expect(text.stdout).toContain('NOT VERIFIED (incident-invalid)')
  })

  it('a file that is not a report is exit 3; --jwk without --passport is exit 2', async () => {
    const notReport = await show(p('passport.sd-jwt'), ['--json'])
    expect(notReport.code).toBe(3)
    expect(notReport.json().error.code).toBe('ERR_PASSPORT_INCIDENT_INVALID')
    const half = await show(initial, ['--jwk', p('keys', 'vendor.public.jwk.json'), '--json'])
    expect(half.code).toBe(2)
  })
})

describe('the Art. 73 deadline read against the passport classification (Art. 73(1))', () => {
  it('report: a high-risk passport (border-biometrics) has the deadline, the classification named', async () => {
    const r = await at([...report(EXAMPLE, p('class-high.sd-jwt')), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const d = r.json().deadline
    expect(d).toMatchObject({ applies: true, basis: 'high-risk', days: 15, reference: null })
    expect(d.basisWhy).toMatch(/^the passport classifies the system as high-risk \(as of /)
    const notes = d.notes.join(' ')
    expect(notes).not.toContain('not known here')
    // border-biometrics is an Art. 111(2) legacy system whose high-risk duties apply from 2030.
    expect(notes).toContain('Whether that deferral reaches Art. 73 is a reading, not text')
    const text = await at(report(EXAMPLE, p('class-high-text.sd-jwt')))
    expect(text.stdout).toContain('classification: the passport classifies the system as high-risk')
  })

  it('report: a transparency passport (public-chatbot) is not bound: no deadline, a reference only', async () => {
    const chatbot = await issuedExample('public-chatbot', ['vendor'])
    const argv = (out: string) => [
      'incident',
      'report',
      chatbot('passport.sd-jwt'),
      '--file',
      EXAMPLE,
      '--key',
      chatbot('keys', 'vendor.private.jwk.json'),
      '--out',
      chatbot(out),
    ]
    const r = await at([...argv('json.sd-jwt'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().deadline).toMatchObject({
      applies: false,
      basis: 'not-high-risk',
      days: null,
      deadline: null,
      onTime: null,
      overdue: null,
      citation: 'Art. 73(1)',
      reference: { days: 15, deadline: '2026-11-27T14:05:00Z', citation: 'Art. 73(2)' },
    })
    const text = await at(argv('text.sd-jwt'))
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(
      /Art\. 73 deadline: none: the passport classifies the system as transparency \(as of [\d-]+\), not high-risk: Art\. 73\(1\) binds providers of high-risk AI systems placed on the Union market, so Art\. 73 does not bind it\./,
    )
    expect(text.stdout).toContain(
      'for reference only, not a duty: a high-risk system would report by 2026-11-27T14:05:00Z',
    )
    expect(text.stdout).not.toContain('on time')
    expect(text.stdout).not.toContain('report immediately')
  })

  it('show without --passport: unknown, the deadline as for a high-risk system, the note says why', async () => {
    const d = (await show(initial, ['--json'])).json().deadline
    expect(d).toMatchObject({ applies: true, basis: 'unknown', days: 15 })
    expect(d.basisWhy).toBe('no passport was given (--passport)')
    expect(d.notes[0]).toContain('not known here: no passport was given (--passport)')
  })

  it('show with the passport: its classification (high-risk)', async () => {
    const r = await show(initial, [...verifyArgs(), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().deadline).toMatchObject({ applies: true, basis: 'high-risk' })
  })

  it('show with a presentation of the passport that discloses nothing: unknown, not disclosed', async () => {
    const full = readFileSync(p('passport.sd-jwt'), 'utf8').trim()
    writeFileSync(p('bare.sd-jwt'), full.slice(0, full.indexOf('~') + 1) + '\n')
    const r = await show(initial, [...verifyArgs('vendor', 'bare.sd-jwt'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().verification.valid).toBe(true)
    expect(r.json().deadline).toMatchObject({ basis: 'unknown', applies: true })
    expect(r.json().deadline.basisWhy).toBe(
      'the passport does not disclose its EU classification (classification.eu-ai-act)',
    )
  })

  it('show with another passport: its classification is not used (unknown), exit 4', async () => {
    const r = await show(initial, [...verifyArgs('vendor', 'other-passport.sd-jwt'), '--json'])
    expect(r.code).toBe(4)
    expect(r.json().deadline).toMatchObject({ basis: 'unknown' })
    expect(r.json().deadline.basisWhy).toContain('is not the one the report is about')
  })
})

describe("the passport's own signature (--issuer-jwk)", () => {
  const issuerJwk = () => ['--issuer-jwk', p('keys', 'issuer.public.jwk.json')]
  /** The passport with one always-visible claim changed, its signature kept. */
  function tamperedPassport(): string {
    const [jwt, ...rest] = readFileSync(p('passport.sd-jwt'), 'utf8').trim().split('~')
    const [h, payload, s] = (jwt as string).split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    claims.iss = 'https://forger.example'
    const file = p('tampered-passport.sd-jwt')
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`
    writeFileSync(file, [forged, ...rest].join('~') + '\n')
    return file
  }
  const reportAbout = (passport: string, out: string, extra: string[]) => [
    'incident',
    'report',
    passport,
    '--file',
    EXAMPLE,
    '--key',
    p('keys', 'vendor.private.jwk.json'),
    '--out',
    out,
    ...extra,
  ]

  it('report: a passport that verifies with the issuer key is "valid"', async () => {
    const r = await at(
      reportAbout(p('passport.sd-jwt'), p('sig-valid.sd-jwt'), [...issuerJwk(), '--json']),
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().passportSignature).toBe('valid')
    expect(r.stderr).not.toContain('signature was not checked')
  })

  it('report: a tampered passport, or the key of another issuer, is exit 4 naming the file; nothing is written', async () => {
    const forged = tamperedPassport()
    const out = p('sig-tampered.sd-jwt')
    const r = await at(reportAbout(forged, out, [...issuerJwk(), '--json']))
    expect(r.code).toBe(4)
    expect(r.json().error.code).toBe('ERR_PASSPORT_SIGNATURE_INVALID')
    expect(r.json().error.message).toContain(`passport ${forged} does not verify with --issuer-jwk`)
    expect(r.json().error.message).toContain('signature does not verify')
    expect(existsSync(out)).toBe(false)
    const other = await at(
      reportAbout(p('passport.sd-jwt'), out, [
        '--issuer-jwk',
        p('keys', 'other.public.jwk.json'),
        '--json',
      ]),
    )
    expect(other.code).toBe(4)
    expect(other.json().error.code).toBe('ERR_PASSPORT_SIGNATURE_INVALID')
    expect(existsSync(out)).toBe(false)
  })

  it('report without the key: "not-checked"; text says so once on stderr', async () => {
    const json = await at(reportAbout(p('passport.sd-jwt'), p('sig-none.sd-jwt'), ['--json']))
    expect(json.code, json.stderr).toBe(0)
    expect(json.json().passportSignature).toBe('not-checked')
    expect(json.stderr).toBe('')
    const text = await at(reportAbout(p('passport.sd-jwt'), p('sig-none-text.sd-jwt'), []))
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr.match(/the passport's signature was not checked/g)).toHaveLength(1)
    expect(text.stderr).toContain('--issuer-jwk')
  })

  it('show: valid with the issuer key; a tampered passport is exit 4; without the key, not-checked', async () => {
    const valid = await show(initial, [...verifyArgs(), ...issuerJwk(), '--json'])
    expect(valid.code, valid.stderr).toBe(0)
    expect(valid.json().passportSignature).toBe('valid')
    expect(valid.json().deadline).toMatchObject({ applies: true, basis: 'high-risk' })

    const forged = tamperedPassport()
    const bad = await show(initial, [
      '--passport',
      forged,
      '--jwk',
      p('keys', 'vendor.public.jwk.json'),
      ...issuerJwk(),
      '--json',
    ])
    expect(bad.code).toBe(4)
    expect(bad.json().error.code).toBe('ERR_PASSPORT_SIGNATURE_INVALID')
    expect(bad.json().error.message).toContain(`passport ${forged} does not verify`)

    const none = await show(initial, [...verifyArgs(), '--json'])
    expect(none.code, none.stderr).toBe(0)
    expect(none.json().passportSignature).toBe('not-checked')
    const text = await show(initial, verifyArgs())
    expect(text.stderr.match(/the passport's signature was not checked/g)).toHaveLength(1)

    // --issuer-jwk checks the passport given with --passport: without it, bad args.
    const half = await show(initial, [...issuerJwk(), '--json'])
    expect(half.code).toBe(2)
  })
})
