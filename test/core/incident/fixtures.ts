import type { Incident } from '../../../src/core/incident/schema.js'

/** A valid initial report's incident: a false biometric match that led to a wrongful detention. */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'urn:uuid:6f1c2a9e-5b8d-4e0f-9a3c-1d2e3f4a5b6c',
    report: 'initial',
    sequence: 1,
    reporter: { id: 'https://vendor.example', name: 'Vendor GmbH', role: 'provider' },
    occurredAt: '2027-03-01',
    awareAt: '2027-03-02T09:00:00Z',
    memberStates: ['DE'],
    serious: true,
    harms: ['fundamental-rights'],
    widespreadInfringement: false,
    causalLink: 'reasonably-likely',
    summary: 'A false match at a border gate led to the wrongful detention of a traveller.',
    status: 'open',
    ...overrides,
  }
}
