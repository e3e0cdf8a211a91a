/**
 * `accord assess` with an expiring certificate (`evidence[].validUntil`) in the border-biometrics
 * example: `--as-of` decides whether it counts; `--json` lists it under `evidenceValidity`, the
 * gap table below the table.
 */
import { describe, expect, it } from 'vitest'
import { copyExample, editManifest, run } from './helpers.js'

const UNTIL = '2027-01-31'

function manifestWithExpiry(): string {
  const file = copyExample('border-biometrics')
  editManifest(file, (text) => {
    const anchor = "    date: '2026-10-19'\n    assessedBy: notified-body\n"
    if (!text.includes(anchor)) throw new Error('certificate entry not found in the example')
    return text.replace(anchor, `${anchor}    validUntil: '${UNTIL}'\n`)
  })
  return file
}

describe('accord assess with evidence validUntil', () => {
  const manifest = manifestWithExpiry()
  const assess = async (asOf: string, json = true) =>
    run(['assess', manifest, '--as-of', asOf, ...(json ? ['--json'] : [])])
  const art43 = (j: any) => j.assessment.obligations.find((o: any) => o.id === 'eu-ai-act:art-43') // eslint-disable-line @typescript-eslint/no-explicit-any

  it('counts the certificate up to and on validUntil, listing it as expiring soon', async () => {
    const r = await assess(UNTIL)
    const j = r.json()
    expect(art43(j).status).toBe('met')
    expect(j.assessment.evidenceValidity.expired).toEqual([])
    expect(j.assessment.evidenceValidity.expiringSoon).toEqual([
      expect.objectContaining({
        id: 'conformity-certificate',
        type: 'certificate',
        validUntil: UNTIL,
        daysLeft: 0,
        obligations: expect.arrayContaining(['eu-ai-act:art-43']),
      }),
    ])
  })

  it('counts it no longer the day after: art-43 falls to what the manifest describes, and its reason names the certificate', async () => {
    const before = (await assess(UNTIL)).json()
    const r = await assess('2027-02-01')
    const j = r.json()
    const o = art43(j)
    // conformityAssessment in the manifest still makes it partial (rule 5); no evidence is left.
    expect(o.status).toBe('partial')
    expect(o.evidence).toEqual([])
    expect(o.reason).toMatch(/^Described in the manifest \(conformityAssessment\) but no evidence/)
    expect(o.reason).toContain('evidence conformity-certificate expired on 2027-01-31')
    expect(j.assessment.evidenceValidity.expired).toEqual([
      expect.objectContaining({ id: 'conformity-certificate', validUntil: UNTIL }),
    ])
    const open = (x: any) => x.assessment.gaps + x.assessment.gapsUpcoming // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(open(j)).toBeGreaterThan(open(before))
    const table = (await assess('2027-02-01', false)).stdout
    expect(table).toContain('Expired evidence, not counted as of 2027-02-01:')
    expect(table).toContain('conformity-certificate (certificate) expired on 2027-01-31')
  })
})
