/**
 * legacyNotes: the Art. 111 status a passport's classification carries, one sentence per rule,
 * read defensively (the claims may come from another issuer).
 */
import { describe, expect, it } from 'vitest'
import { legacyNotes } from '../../../src/core/passport/legacy.js'
import type { PassportClaims } from '../../../src/core/passport/types.js'
import { exampleClaims } from '../../fixtures/passport/inputs.js'
import { BORDER_LEGACY_HIGH_RISK, BORDER_LEGACY_SENTENCE } from '../../fixtures/legacy.js'

const BORDER_SENTENCE = BORDER_LEGACY_SENTENCE

/** The claims of border-biometrics (as of 2026-11-20) with `edit` applied to the EU entry. */
async function border(
  edit: (eu: Record<string, unknown>) => void = () => undefined,
): Promise<PassportClaims['credentialSubject']> {
  const subject = (await exampleClaims('border-biometrics')).credentialSubject
  const eu = structuredClone(subject.classification['eu-ai-act']) as unknown as Record<
    string,
    unknown
  >
  edit(eu)
  return { ...subject, classification: { 'eu-ai-act': eu as never } }
}

describe('legacyNotes', () => {
  it('says when the high-risk obligations of border-biometrics apply, and why', async () => {
    expect(legacyNotes(await border())).toEqual([
      {
        jurisdiction: 'eu-ai-act',
        claim: 'classification.eu-ai-act.legacy.highRisk',
        status: BORDER_LEGACY_HIGH_RISK,
        sentence: BORDER_SENTENCE,
      },
    ])
  })

  it("reads a placement after the classification's date as a plan", async () => {
    const [note] = legacyNotes(await border((eu) => (eu.asOf = '2026-11-01')))
    expect(note?.sentence).toBe(
      'Art. 111(2): to be placed on the market on 2026-11-02 (planned), before 2027-12-02, the system will be a legacy system if that date holds; its high-risk obligations apply from 2030-08-02 (it is intended to be used by public authorities).',
    )
  })

  it('names a significant change, and Art. 111(3) for general-purpose AI models', async () => {
    const notes = legacyNotes(
      await border((eu) => {
        eu.legacy = {
          highRisk: {
            cites: 'Art. 111(2)',
            placedOnMarket: '2026-11-02',
            placedBefore: '2027-12-02',
            publicAuthority: false,
            significantChange: { version: '3.0.0', date: '2028-01-10' },
            appliesFrom: '2028-01-10',
          },
          gpai: {
            cites: 'Art. 111(3)',
            models: [{ name: 'Base 1', placedOnMarket: '2025-01-15' }],
            placedBefore: '2025-08-02',
            appliesFrom: '2027-08-02',
          },
        }
      }),
    )
    expect(notes.map((n) => n.sentence)).toEqual([
      'Art. 111(2): placed on the market on 2026-11-02, before 2027-12-02, the system is a legacy system; its high-risk obligations apply from 2028-01-10 (its significant change in version 3.0.0).',
      'Art. 111(3): the general-purpose AI model was placed on the market before 2025-08-02; the model duties apply from 2027-08-02.',
    ])
    expect(notes.map((n) => n.claim)).toEqual([
      'classification.eu-ai-act.legacy.highRisk',
      'classification.eu-ai-act.legacy.gpai',
    ])
  })

  it('is empty for a passport without the member (issued before it existed) or without the classification', async () => {
    expect(legacyNotes(await border((eu) => delete eu.legacy))).toEqual([])
    const subject = await border()
    expect(legacyNotes({ ...subject, classification: {} })).toEqual([])
    expect(legacyNotes({ ...subject, classification: undefined })).toEqual([])
    expect(legacyNotes(undefined)).toEqual([])
  })

  it('reports a member not in the form Accord issues as unreadable, never half shown', async () => {
    const cases: ((eu: Record<string, unknown>) => void)[] = [
      (eu) => (eu.legacy = 'yes'),
      (eu) => (eu.asOf = 'soon'),
      (eu) => ((eu.legacy as { highRisk: { appliesFrom: unknown } }).highRisk.appliesFrom = 2030),
      (eu) =>
        ((eu.legacy as { highRisk: { placedBefore: unknown } }).highRisk.placedBefore =
          '2027-02-30'),
      (eu) => ((eu.legacy as { gpai?: unknown }).gpai = { cites: 'Art. 111(3)', models: [] }),
    ]
    for (const edit of cases) {
      const notes = legacyNotes(await border(edit))
      const bad = notes.find((n) => n.status === undefined)
      expect(bad?.sentence).toMatch(
        /^The passport's classification\.eu-ai-act\.legacy(\.highRisk|\.gpai)? \(Art\. 111, .*\) is not in the form Accord issues, so it is not shown; ask the issuer\.$/,
      )
    }
  })

  it('keeps text from the passport as it is (the CLI and the page make controls visible)', async () => {
    const version = '3.0\u202E1'
    const [note] = legacyNotes(
      await border((eu) => {
        const hr = (eu.legacy as { highRisk: Record<string, unknown> }).highRisk
        hr.publicAuthority = false
        hr.significantChange = { version, date: '2028-01-10' }
        hr.appliesFrom = '2028-01-10'
      }),
    )
    expect(note?.sentence).toContain(`version ${version})`)
  })
})
