/**
 * Art. 2(4): the Act does not apply to third-country public authorities or international
 * organisations using AI systems in international law-enforcement or judicial cooperation with the
 * Union, given adequate safeguards. It exempts those users, not the vendor that supplies them.
 */
import { describe, expect, it } from 'vitest'
import { classify, obligationIds, step, type ManifestOverrides } from './helpers.js'

function police(
  cooperation: { adequateSafeguards: boolean; vendorIsTheUser?: boolean },
  roles: ManifestOverrides['roles'] = ['provider'],
): ManifestOverrides {
  return {
    provider: { country: 'US' },
    roles,
    classification: {
      useCases: ['offending-risk-assessment'],
      placedOnEuMarket: false,
      outputUsedInEu: true,
      profilesNaturalPersons: true,
    },
    deployment: {
      memberStates: [],
      publicBody: true,
      lawEnforcement: true,
      internationalCooperation: {
        user: 'third-country-public-authority',
        framework: 'an agreement on police cooperation with member states',
        ...cooperation,
      },
    },
  }
}

describe('Art. 2(4): third-country authorities in law-enforcement cooperation', () => {
  it('Art. 2(4): an authority that is itself the vendor and user is out of scope, citing Art. 2(4)', () => {
    const r = classify(police({ adequateSafeguards: true, vendorIsTheUser: true }, ['deployer']))
    expect(r.category).toBe('out-of-scope')
    expect(r.citations).toEqual(['Art. 2(4)'])
    expect(r.obligations).toEqual([])
    expect(step(r, 'eu.art-2.4').outcome).toBe('fired')
    expect(step(r, 'eu.category').reasoning).toMatch(/^Out of scope under Art\. 2\(4\)/)
  })

  it('Art. 2(4): the provider that supplies such an authority keeps its obligations', () => {
    const r = classify(police({ adequateSafeguards: true }))
    expect(r.category).toBe('high-risk')
    expect(step(r, 'eu.art-2.1.c').outcome).toBe('fired')
    const s = step(r, 'eu.art-2.4')
    expect(s.outcome).toBe('not-applicable')
    expect(s.reasoning).toMatch(/not whoever supplies it/)
    expect(s.reasoning).toMatch(/Uncertain:/)
    expect(s.reasoning).toMatch(/Art\. 2\(1\)\(c\)/)
    expect(obligationIds([...r.obligations, ...r.upcoming])).toContain('eu-ai-act:art-9')
  })

  it('Art. 2(4): without adequate safeguards the exclusion does not apply', () => {
    const r = classify(police({ adequateSafeguards: false, vendorIsTheUser: true }, ['deployer']))
    expect(r.category).toBe('high-risk')
    expect(step(r, 'eu.art-2.4').outcome).toBe('exception')
    expect(step(r, 'eu.art-2.4').reasoning).toMatch(/adequateSafeguards is false/)
  })

  it('Art. 2(4) presupposes Art. 2(1): with no link to the Union, Art. 2(1) is cited', () => {
    const base = police({ adequateSafeguards: true, vendorIsTheUser: true }, ['deployer'])
    const r = classify({
      ...base,
      classification: { ...base.classification, outputUsedInEu: false },
    })
    expect(r.citations).toEqual(['Art. 2(1)'])
  })

  it('Art. 2(4) does not apply when the manifest names no such user', () => {
    const r = classify()
    expect(step(r, 'eu.art-2.4').outcome).toBe('not-applicable')
    expect(r.category).toBe('minimal')
  })
})
