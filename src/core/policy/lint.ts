/**
 * Warnings about a valid policy: rules that hold no error but cannot do what the buyer meant
 * (`accord policy check`). Pure; issues carry paths, the loader places them in the file.
 *
 * What can never be written is an error already (./parse.ts, ./schema.ts): `prohibited` among the
 * accepted categories, a readiness above 1, endorsements from a kind no trusted assessor has.
 * These are the cheap cases left:
 * - `endorsement_min_unreachable`: `endorsements.min` is more than the trusted assessors of the
 *   selected kinds, and `min` counts assessors, so the rule never passes;
 * - `recognition_unused`: a recognition rule whose `as` is not in `obligationsMet` (recognition
 *   only ever makes a required obligation met; readiness counts the passport's own statuses);
 * - `duplicate_obligation`: an obligation listed twice in `obligationsMet`.
 */
import type { Issue } from '../errors.js'
import type { Policy } from './schema.js'

export function policyWarnings(policy: Policy): Omit<Issue, 'file'>[] {
  const out: Omit<Issue, 'file'>[] = []
  const req = policy.requirements

  if (req.endorsements !== undefined) {
    const from = req.endorsements.from
    const usable = policy.trust.assessors.filter(
      (a) => from === undefined || from.includes(a.kind),
    ).length
    if (usable > 0 && req.endorsements.min > usable) {
      out.push({
        code: 'endorsement_min_unreachable',
        path: ['requirements', 'endorsements', 'min'],
        message: `endorsements.min is ${req.endorsements.min}, but trust.assessors lists only ${usable} assessor${usable === 1 ? '' : 's'} of the kinds required, and several endorsements by one assessor count once: no passport can pass this rule`,
        hint: `lower min to ${usable} or less, or add the other assessors you recognise under trust.assessors`,
      })
    }
  }

  const required = new Set(req.obligationsMet)
  policy.recognition.forEach((rule, i) => {
    if (required.has(rule.as)) return
    out.push({
      code: 'recognition_unused',
      path: ['recognition', i, 'as'],
      message: `recognition rule ${i + 1} makes evidence count as ${rule.as}, which is not in requirements.obligationsMet: the rule is never used (recognition only makes a required obligation met; readiness counts the passport's own statuses)`,
      hint: `add ${rule.as} to requirements.obligationsMet, or remove the rule`,
    })
  })

  const seen = new Set<string>()
  req.obligationsMet.forEach((ref, i) => {
    if (seen.has(ref)) {
      out.push({
        code: 'duplicate_obligation',
        path: ['requirements', 'obligationsMet', i],
        message: `${ref} is listed twice in obligationsMet`,
        hint: 'remove the second entry',
      })
    }
    seen.add(ref)
  })
  return out
}
