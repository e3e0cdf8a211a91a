/**
 * `accord verify --report FILE`: the verification report a procurement officer files. One
 * passport of the bundled border-biometrics example, made deterministic (seeded keys, fixed
 * claims and salts), verified against the bundled EU police policy with a status list that holds
 * it valid (accepted) or revoked (rejected), at a fixed `--at`, so the reports are goldens.
 */
import { execFileSync } from 'node:child_process'
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { calculateJwkThumbprint } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { md } from '../../../src/core/documents/markdown.js'
import { issuePassport } from '../../../src/core/passport/issue.js'
import { saltGeneratorFrom } from '../../../src/core/passport/sd-jwt.js'
import {
  STATUS,
  STATUS_BITS,
  createStatusListClaims,
  signStatusListToken,
} from '../../../src/core/passport/status.js'
import type { CheckResult } from '../../../src/core/passport/types.js'
import { checkOutcomeWords } from '../../../src/core/passport/verify-report.js'
import { signerFromJwk } from '../../../src/node/keys.js'
import { VERSION } from '../../../src/cli/version.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'
import { hasher } from '../../fixtures/passport/signer.js'
import { tempDir } from '../../tmp.js'
import { ROOT, run } from '../helpers.js'

const GOLDEN = path.join(ROOT, 'test/golden/verify-report')
const AT = '2026-12-01T10:00:00Z'
const STATUS_URI = 'https://vendor.example/accord/status/1'
const CHROMIUM = '/usr/bin/chromium'

let dir: string
const p = (...parts: string[]) => path.join(dir, ...parts)

/** An Ed25519 private JWK from a fixed seed (PKCS#8 prefix + 32 bytes). */
async function seededJwk(label: string): Promise<Record<string, unknown>> {
  const seed = createHash('sha256').update(`accord verify report test key ${label}`).digest()
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  const pub = createPublicKey(key).export({ format: 'jwk' }) as Record<string, unknown>
  const kid = await calculateJwkThumbprint(pub as never, 'sha256')
  return { ...(key.export({ format: 'jwk' }) as object), kid, alg: 'EdDSA', use: 'sig' }
}

/** Deterministic "random" bytes: SHA-256 of a counter. */
function countingBytes(label: string): (n: number) => Uint8Array {
  let i = 0
  return (n) => createHash('sha256').update(`${label}:${i++}`).digest().subarray(0, n)
}

/** `accord verify bb.sd-jwt --policy ... --status-list <list> --at AT ...extra`. */
const verify = (list: 'valid' | 'revoked', ...extra: string[]) =>
  run([
    'verify',
    p('bb.sd-jwt'),
    '--policy',
    p('policies', 'eu-police-procurement.yaml'),
    '--status-list',
    p(`status-${list}.jwt`),
    '--at',
    AT,
    ...extra,
  ])

/** The version of accord in a report, so the goldens outlive a release. */
const unversioned = (text: string) => text.replaceAll(`accord ${VERSION}`, 'accord VERSION')

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name)
  if (process.env.UPDATE_GOLDENS) {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(file, actual)
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

beforeAll(async () => {
  dir = tempDir('accord-verify-report-')
  cpSync(path.join(ROOT, 'policies'), p('policies'), { recursive: true })
  mkdirSync(p('keys'))
  const keys: Record<string, Record<string, unknown>> = {}
  for (const name of ['issuer', 'authority']) {
    keys[name] = await seededJwk(name)
    const pub = { ...keys[name] }
    delete pub.d
    writeFileSync(p('keys', `${name}.public.jwk.json`), JSON.stringify(pub, null, 2) + '\n')
  }
  const signer = await signerFromJwk(keys.issuer)
  const claims = await exampleClaims('border-biometrics', {
    issuer: 'https://vendor.example/accord',
    status: { status_list: { idx: 3, uri: STATUS_URI } },
  })
  const token = await issuePassport(claims, signer, {
    saltGenerator: saltGeneratorFrom(countingBytes('salts')),
    hasher,
  })
  writeFileSync(p('bb.sd-jwt'), token + '\n')
  for (const [name, status] of [
    ['valid', STATUS.valid],
    ['revoked', STATUS.invalid],
  ] as const) {
    const statuses = new Array<number>(16).fill(STATUS.valid)
    statuses[3] = status
    const list = await signStatusListToken(
      createStatusListClaims({
        uri: STATUS_URI,
        bits: STATUS_BITS,
        statuses,
        iss: 'https://vendor.example/accord',
        iat: ISSUED_AT,
        exp: ISSUED_AT + 30 * 86_400,
      }),
      signer,
    )
    writeFileSync(p(`status-${name}.jwt`), list + '\n')
  }
}, 60_000)

describe('accord verify --report: golden reports', () => {
  for (const [list, verdict, code] of [
    ['valid', 'accepted', 0],
    ['revoked', 'rejected', 1],
  ] as const) {
    it(`writes the Markdown and HTML report of the ${verdict} passport`, async () => {
      const out = tempDir('accord-report-')
      const r = await verify(
        list,
        '--report',
        path.join(out, 'r.md'),
        '--report',
        path.join(out, 'r.html'),
      )
      expect(r.code).toBe(code)
      const markdown = readFileSync(path.join(out, 'r.md'), 'utf8')
      expect(markdown).toContain(`**Verdict: ${verdict.toUpperCase()}.**`)
      expect(markdown).toContain(`exit code ${code}`)
      golden(`${verdict}.md`, unversioned(markdown))
      golden(`${verdict}.html`, unversioned(readFileSync(path.join(out, 'r.html'), 'utf8')))
    })
  }
})

describe('accord verify --report: what the report holds', () => {
  it('every check of the result, with its outcome, reason and message, in order', async () => {
    for (const list of ['valid', 'revoked'] as const) {
      const out = tempDir('accord-report-')
      const r = await verify(list, '--json', '--report', path.join(out, 'r.md'))
      const checks = r.json().checks as CheckResult[]
      expect(checks.length).toBeGreaterThan(20)
      const markdown = readFileSync(path.join(out, 'r.md'), 'utf8')
      const rows = markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l))
      expect(rows).toEqual(
        checks.map(
          (c, i) =>
            `| ${i + 1} | ${md(c.check)} | ${checkOutcomeWords(c)} | ${md(c.reason)} | ${md(c.message)} |`,
        ),
      )
    }
  })

  it("names the passport's identity, the policy and each input file with its SHA-256", async () => {
    const out = tempDir('accord-report-')
    await verify('valid', '--report', path.join(out, 'r.md'))
    const markdown = readFileSync(path.join(out, 'r.md'), 'utf8')
    const issuer = JSON.parse(readFileSync(p('keys', 'issuer.public.jwk.json'), 'utf8')) as {
      kid: string
    }
    expect(markdown).toContain(`| Issuer key (RFC 7638 thumbprint) | \`${issuer.kid}\``)
    expect(markdown).toContain(
      '| Passport id (jti) | urn:uuid:3f1c2a4e-6d7b-4c8e-9a0f-1b2c3d4e5f60 |',
    )
    expect(markdown).toContain('| System | Valvur Sentinel 2.4.0 |')
    expect(markdown).toContain(`| Verified at | ${AT} `)
    for (const [role, file] of [
      ['passport', p('bb.sd-jwt')],
      ['policy', p('policies', 'eu-police-procurement.yaml')],
      ['status list', p('status-valid.jwt')],
      ['trusted issuer key (Vendor under evaluation)', p('keys', 'issuer.public.jwk.json')],
    ])
      expect(markdown).toContain(`| ${role} | ${md(path.basename(file))} | \`${sha256(file)}\` |`)
    // The policy in plain words: `accord policy explain`'s text, rule by rule.
    const explained = await run([
      'policy',
      'explain',
      p('policies', 'eu-police-procurement.yaml'),
      '--as-of',
      AT.slice(0, 10),
    ])
    const rules = explained.stdout.split('\n').filter((l) => /^ *\d+\. /.test(l))
    expect(rules.length).toBeGreaterThan(10)
    for (const [i, rule] of rules.entries())
      expect(markdown).toContain(`\n${i + 1}. ${md(rule.replace(/^ *\d+\. /, ''))}\n`)
  })
})

describe('accord verify --report: output and exit code', () => {
  it('stdout and exit code are the same with and without --report (text and --json)', async () => {
    for (const list of ['valid', 'revoked'] as const) {
      const out = tempDir('accord-report-')
      const plain = await verify(list)
      const reported = await verify(list, '--report', path.join(out, 'r.md'))
      expect(reported.code).toBe(plain.code)
      expect(reported.stdout).toBe(plain.stdout)
      expect(reported.stderr).toContain(`wrote the verification report ${path.join(out, 'r.md')}`)

      const json = await verify(list, '--json')
      const withReports = await verify(list, '--json', '--report', path.join(out, 'j.md'))
      expect(withReports.code).toBe(json.code)
      const { reports, ...rest } = withReports.json()
      expect(rest).toEqual(json.json())
      expect(reports).toEqual([
        {
          file: path.join(out, 'j.md'),
          format: 'md',
          sha256: sha256(path.join(out, 'j.md')),
          bytes: readFileSync(path.join(out, 'j.md')).byteLength,
        },
      ])
    }
  })

  it('a report that cannot be written is exit 5 with ERR_DOCUMENT_WRITE, and no file', async () => {
    const out = tempDir('accord-report-')
    writeFileSync(path.join(out, 'a-file'), 'x')
    mkdirSync(path.join(out, 'a-dir.md'))
    for (const target of [path.join(out, 'a-file', 'r.md'), path.join(out, 'a-dir.md')]) {
      const r = await verify('valid', '--report', path.join(out, 'ok.md'), '--report', target)
      expect(r.code).toBe(5)
      expect(r.stderr).toContain('[ERR_DOCUMENT_WRITE]')
      expect(r.stdout).toBe('')
    }
    expect(readdirSync(out).sort()).toEqual(['a-dir.md', 'a-file'])
    expect(readdirSync(path.join(out, 'a-dir.md'))).toEqual([])
  })

  it('an extension that names no format is a bad argument (exit 2)', async () => {
    const out = tempDir('accord-report-')
    const r = await verify('valid', '--report', path.join(out, 'r.txt'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('[ERR_CONFIG_BAD_ARGS]')
    expect(r.stderr).toContain('use .md, .html, .pdf or .docx')
    expect(existsSync(path.join(out, 'r.txt'))).toBe(false)
  })
})

describe('accord verify --report: office formats, reproducibly', () => {
  const pdfs = existsSync(CHROMIUM)
  if (!pdfs && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install chromium`)

  it('writes the same bytes twice (md, html, docx, pdf); DOCX and PDF hold the verdict and the passport digest', async () => {
    const formats = pdfs ? ['md', 'html', 'docx', 'pdf'] : ['md', 'html', 'docx']
    const [a, b] = [tempDir('accord-report-a-'), tempDir('accord-report-b-')]
    for (const out of [a, b]) {
      const r = await verify(
        'revoked',
        ...formats.flatMap((f) => ['--report', path.join(out, `r.${f}`)]),
        '--chromium',
        CHROMIUM,
      )
      expect(r.code).toBe(1)
    }
    for (const f of formats)
      expect(sha256(path.join(a, `r.${f}`)), `r.${f}`).toBe(sha256(path.join(b, `r.${f}`)))

    const digest = sha256(p('bb.sd-jwt'))
    const documentXml = execFileSync('unzip', ['-p', path.join(a, 'r.docx'), 'word/document.xml'])
      .toString('utf8')
      .replace(/<[^>]+>/g, '')
    expect(documentXml).toContain('Verdict: REJECTED.')
    expect(documentXml).toContain(digest)
    const header = execFileSync('unzip', ['-p', path.join(a, 'r.docx'), 'word/header1.xml'])
      .toString('utf8')
      .replace(/<[^>]+>/g, '')
    expect(header).toContain(`Valvur Sentinel 2.4.0 · passport SHA-256 ${digest.slice(0, 16)}…`)

    if (pdfs) {
      const text = execFileSync('pdftotext', [
        '-enc',
        'UTF-8',
        path.join(a, 'r.pdf'),
        '-',
      ]).toString('utf8')
      expect(text).toContain('Verdict: REJECTED.')
      // A digest may wrap in its table cell; the header shows its first 16 digits on each page.
      expect(text.replace(/\s+/g, '')).toContain(digest)
      expect(text).toContain(`passport SHA-256 ${digest.slice(0, 16)}…`)
    }
  }, 120_000)
})
