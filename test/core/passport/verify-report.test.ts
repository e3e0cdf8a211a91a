/**
 * The verification report (src/core/passport/verify-report.ts) on results the CLI goldens do not
 * reach: endorsements, incidents, a log check, a check name no one has written yet, policy
 * warnings, undisclosed claims, and a passport that did not verify. Nothing of the result may be
 * dropped.
 */
import { describe, expect, it } from 'vitest'
import { md } from '../../../src/core/documents/markdown.js'
import { incidentLine, type BuyerIncident } from '../../../src/core/incident/buyer.js'
import type { CheckResult, VerificationResult } from '../../../src/core/passport/types.js'
import {
  checkOutcomeWords,
  renderVerificationReport,
  verificationReportMarkdown,
  type VerificationReportInput,
} from '../../../src/core/passport/verify-report.js'
import { Policy } from '../../../src/core/policy/schema.js'
import { exampleClaims, ISSUED_AT } from '../../fixtures/passport/inputs.js'

const policy = Policy.parse({
  apiVersion: 'accord.dev/v1',
  kind: 'AcceptancePolicy',
  name: 'Buyer | with a pipe',
  trust: { issuers: [{ name: 'vendor', jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' } }] },
  requirements: { jurisdictions: ['eu-ai-act'], frameworks: ['nist-ai-rmf'] },
})

const incident: BuyerIncident = {
  incidentId: 'urn:uuid:1',
  reportId: 'urn:uuid:r1',
  sequence: 2,
  report: 'follow-up',
  status: 'open',
  serious: true,
  harms: ['fundamental-rights'],
  memberStates: ['EE'],
  reporter: { id: 'https://vendor.example', name: 'Provider', role: 'provider', kid: 'kid-1' },
  trust: 'passport-issuer',
  counted: true,
  deadline: {
    applies: true,
    days: 15,
    deadline: '2026-11-16T00:00:00Z',
    citation: 'Art. 73(2)',
    why: 'serious incident',
    rules: [],
    firstNotification: null,
    verdict: 'overdue',
  } as unknown as BuyerIncident['deadline'],
  sources: ['incident.sd-jwt'],
}

const checks: CheckResult[] = [
  { check: 'signature', outcome: 'pass', reason: 'ok', message: 'EdDSA signature verified' },
  {
    check: 'endorsement:lab|1.sd-jwt',
    outcome: 'fail',
    reason: 'endorsement-invalid',
    message: 'bad *signature*',
  },
  { check: 'log', outcome: 'indeterminate', reason: 'log-unavailable', message: 'no log' },
  {
    check: 'policy:incidents:notification',
    outcome: 'pass',
    reason: 'incident-reported-late',
    message: 'late but warned',
  },
  { check: 'a-check-written-tomorrow', outcome: 'skipped', reason: 'ok', message: '' },
]

async function input(over: Partial<VerificationResult> = {}): Promise<VerificationReportInput> {
  const claims = await exampleClaims('border-biometrics')
  // Only the EU AI Act obligations and 2 of the evidence items were disclosed.
  delete (claims.credentialSubject.obligations as Record<string, unknown>)['nist-ai-rmf']
  claims.credentialSubject.evidence.items = claims.credentialSubject.evidence.items.slice(0, 2)
  return {
    result: {
      verdict: 'rejected',
      checks,
      claims,
      issuerKey: { kid: 'kid-issuer', name: 'vendor' },
      endorsements: [
        {
          issuer: 'Lab | one',
          checked: ['eu-ai-act:art-15'],
          valid: false,
          reason: 'endorsement-invalid',
        },
      ],
      incidents: [incident],
      incidentsFrom: '1 file (--incident)',
      ...over,
    },
    verifiedAt: ISSUED_AT + 86_400,
    policy,
    policyWarnings: [
      { code: 'duplicate_obligation', path: [], message: 'listed twice', line: 4, column: 7 },
    ],
    passportSha256: 'f'.repeat(64),
    inputs: [
      { role: 'passport', name: 'p.sd-jwt', sha256: 'f'.repeat(64) },
      { role: 'log', name: 'https://log.example' },
    ],
    generator: { name: 'accord', version: '9.9.9' },
  }
}

describe('verificationReportMarkdown', () => {
  it('has one row per check, in order, whatever its name, with its outcome in words', async () => {
    const markdown = verificationReportMarkdown(await input())
    const rows = markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l))
    expect(rows).toEqual(
      checks.map(
        (c, i) =>
          `| ${i + 1} | ${md(c.check)} | ${checkOutcomeWords(c)} | ${md(c.reason)} | ${c.message === '' ? '—' : md(c.message)} |`,
      ),
    )
    expect(rows[3]).toContain('passed, with a warning')
    expect(rows[1]).toContain('**FAILED**')
  })

  it('lists endorsements, incidents, policy warnings and every input', async () => {
    const markdown = verificationReportMarkdown(await input())
    expect(markdown).toContain('| Lab \\| one | **no** | endorsement-invalid | eu-ai-act:art-15 |')
    expect(markdown).toContain('From 1 file (--incident): 1 incident.')
    expect(markdown).toContain(`- ${md(incidentLine(incident))}`)
    expect(markdown).toContain('- line 4:7: listed twice (duplicate\\_obligation)')
    expect(markdown).toContain(`| passport | p.sd-jwt | \`${'f'.repeat(64)}\` |`)
    expect(markdown).toContain('| log | https://log.example | not a file |')
    expect(markdown).toContain('the buyer\'s acceptance policy "Buyer \\| with a pipe"')
  })

  it('says what was not disclosed: a framework the policy names, evidence items', async () => {
    const made = await input()
    const markdown = verificationReportMarkdown(made)
    const count = made.result.claims?.credentialSubject.evidence.count ?? 0
    expect(count).toBeGreaterThan(2)
    expect(markdown).toContain('- The obligation status under the NIST AI RMF.')
    expect(markdown).toContain(`- ${count - 2} of ${count} evidence item(s)`)
    expect(markdown).not.toContain('- The classification under the EU AI Act.')
    expect(markdown).toContain('| the EU AI Act | high-risk |')
  })

  it('relies on nothing of a passport that did not verify, and says so', async () => {
    const made = await input()
    delete made.result.claims
    const markdown = verificationReportMarkdown(made)
    expect(markdown).toContain('The passport did not verify, so none of its claims are shown')
    expect(markdown).toContain('Nothing of the passport was relied on: it did not verify.')
    expect(markdown).not.toContain('## What the decision rested on')
    expect(markdown).not.toContain('Valvur')
  })

  it('is deterministic and renders the same Markdown to HTML under the system title', async () => {
    const a = renderVerificationReport(await input())
    const b = renderVerificationReport(await input())
    expect(a).toEqual(b)
    expect(a.title).toBe('Passport verification report: Valvur Sentinel 2.4.0')
    expect(a.html).toContain('<title>Passport verification report: Valvur Sentinel 2.4.0</title>')
    expect(a.html).toContain('<th scope="row">Verdict</th>')
  })
})
