/**
 * Text output of the CLI quotes passports that may come from other issuers and never passed our
 * manifest checks. A U+202E in a system name would reorder what the reader sees, and an ESC
 * sequence would act on the terminal (clear it, set its title, recolour what follows): both are
 * shown as `[U+202E]`, `[U+001B]`, like the documents show them. `--json` stays exact.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { issuePassport } from '../../src/core/passport/issue.js'
import {
  createStatusListClaims,
  signStatusListToken,
  STATUS_BITS,
} from '../../src/core/passport/status.js'
import { showTerminalControls } from '../../src/core/bidi.js'
import { exampleClaims, ISSUED_AT } from '../fixtures/passport/inputs.js'
import { inlinePolicy } from '../fixtures/passport/policy.js'
import { makeSigner, sdCrypto, type TestSigner } from '../fixtures/passport/signer.js'
import { run } from './helpers.js'
import { tempDir } from '../tmp.js'

const NOW = ISSUED_AT + 120
/** Shows "gnp.exe" reversed: the reader sees "Report exe.png". */
const NAME = 'Report \u202Egnp.exe'
/** Clears the screen, sets the window title, and turns what follows red (ESC, BEL, C1 CSI). */
const VERSION = '1.0\u001b[2J\u001b]0;pwned\u0007\u009b31m\rX'
const EVIDENCE_ID = 'doc\u001b[8mhidden'
/** No terminal control may reach the output: ESC, BEL, C1, a lone CR, bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

let dir: string
let issuer: TestSigner
const p = (name: string) => path.join(dir, name)

beforeAll(async () => {
  dir = tempDir('accord-terminal-')
  issuer = await makeSigner('EdDSA')
  const claims = await exampleClaims('police-analytics', {
    jti: `urn:uuid:${crypto.randomUUID()}`,
  })
  const subject = claims.credentialSubject
  subject.system = { ...subject.system, name: NAME, version: VERSION }
  const first = subject.evidence.items[0]
  if (first === undefined) throw new Error('the example has no evidence item')
  subject.evidence.items[0] = { ...first, id: EVIDENCE_ID }
  writeFileSync(p('evil.sd-jwt'), await issuePassport(claims, issuer, sdCrypto))
  writeFileSync(p('policy.yaml'), inlinePolicy(issuer, 'terminal'))
  writeFileSync(
    p('list.jwt'),
    await signStatusListToken(
      createStatusListClaims({
        uri: `https://vendor.example/status/\u001b[2J\u202Emain`,
        bits: STATUS_BITS,
        statuses: new Array<number>(16).fill(0),
        iat: NOW,
        ttl: 3600,
      }),
      issuer,
    ),
  )
}, 60_000)

describe('text output shows control characters of passports from other issuers', () => {
  it('accord verify: the system name and version, visibly; --json exact', async () => {
    const argv = ['verify', p('evil.sd-jwt'), '--policy', p('policy.yaml')]
    const text = await run(argv, '2026-11-21', NOW)
    expect(text.stdout).toContain('Report [U+202E]gnp.exe')
    expect(text.stdout).toContain('1.0[U+001B][2J[U+001B]]0;pwned[U+0007][U+009B]31m[U+000D]X')
    expect(text.stdout).not.toMatch(RAW_CONTROLS)
    expect(text.stderr).not.toMatch(RAW_CONTROLS)

    const json = await run([...argv, '--json'], '2026-11-21', NOW)
    expect(json.json().subject).toMatchObject({
      name: NAME,
      version: VERSION,
    })
  })

  it("accord verify: the Art. 111 sentence (a change's version), visibly; --json exact", async () => {
    const claims = await exampleClaims('police-analytics', {
      jti: `urn:uuid:${crypto.randomUUID()}`,
    })
    const legacy = claims.credentialSubject.classification['eu-ai-act']?.legacy
    if (!legacy?.highRisk) throw new Error('police-analytics is no longer an Art. 111(2) system')
    legacy.highRisk = {
      ...legacy.highRisk,
      publicAuthority: false,
      significantChange: { version: VERSION, date: '2028-01-10' },
      appliesFrom: '2028-01-10',
    }
    writeFileSync(p('evil-legacy.sd-jwt'), await issuePassport(claims, issuer, sdCrypto))
    const argv = ['verify', p('evil-legacy.sd-jwt'), '--policy', p('policy.yaml')]
    const text = await run(argv, '2026-11-21', NOW)
    expect(text.stdout).toContain(
      'its significant change in version 1.0[U+001B][2J[U+001B]]0;pwned[U+0007][U+009B]31m[U+000D]X)',
    )
    expect(text.stdout).not.toMatch(RAW_CONTROLS)
    const json = await run([...argv, '--json'], '2026-11-21', NOW)
    expect(json.json().legacy[0].status.significantChange.version).toBe(VERSION)
    expect(json.json().legacy[0].sentence).toContain(`version ${VERSION})`)
  })

  it('accord present --list: evidence ids, visibly; --json exact', async () => {
    const text = await run(['present', p('evil.sd-jwt'), '--list'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('(evidence:doc[U+001B][8mhidden)')
    expect(text.stdout).not.toMatch(RAW_CONTROLS)
    const json = await run(['present', p('evil.sd-jwt'), '--list', '--json'])
    expect(json.json().evidence).toContain(EVIDENCE_ID)
  })

  it('errors on stderr quoting the passport show it too', async () => {
    const r = await run(['present', p('evil.sd-jwt'), '--disclose', 'evidence:x\u202E'])
    expect(r.code).toBe(2)
    // The message quotes what was asked for and lists the passport's evidence ids.
    expect(r.stderr).toContain('evidence:x[U+202E]')
    expect(r.stderr).toContain('evidence:doc[U+001B][8mhidden')
    expect(r.stderr).not.toMatch(RAW_CONTROLS)
  })

  it("accord status show: the list's sub, visibly; --json exact", async () => {
    const text = await run(['status', 'show', '--list', p('list.jwt')], '2026-11-21', NOW)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(
      'status list https://vendor.example/status/[U+001B][2J[U+202E]main',
    )
    expect(text.stdout).not.toMatch(RAW_CONTROLS)
    const json = await run(['status', 'show', '--list', p('list.jwt'), '--json'])
    expect(json.json().sub).toBe('https://vendor.example/status/\u001b[2J\u202Emain')
  })
})

describe('showTerminalControls', () => {
  it('keeps text, tabs, newlines, CRLF, marks and balanced text as it is', () => {
    for (const s of ['plain', 'a\tb\nc\r\nd', 'عربي \u200F', 'Zürich — €5', '😀'])
      expect(showTerminalControls(s)).toBe(s)
  })

  it('shows every C0 (but tab and newline), DEL, C1 and bidi control', () => {
    expect(showTerminalControls('\u0000\u001b\u007f\u0085\u009f\u2066x\u2069\ry')).toBe(
      '[U+0000][U+001B][U+007F][U+0085][U+009F][U+2066]x[U+2069][U+000D]y',
    )
  })
})
