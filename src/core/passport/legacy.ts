/**
 * The Art. 111 status a passport carries (`classification.<jurisdiction>.legacy`, see LegacyClaim
 * in ./types.ts), read for display by `accord verify` and the registry's passport page: one
 * sentence per transitional rule, the same sentence `accord classify` prints.
 *
 * The claims come from a passport, possibly of another issuer: a verified signature says who wrote
 * them, not that they have the form Accord writes. Each member is parsed (zod) before use; one that
 * does not parse is reported as unreadable instead of shown half.
 */
import { z } from 'zod'
import { isoDate } from '../catalog/schema.js'
import { legacyGpaiSentence, legacyHighRiskSentence } from '../classify/rules/legacy.js'
import { isRecord } from './sd-jwt.js'
import type { LegacyGpaiClaim, LegacyHighRiskClaim } from './types.js'

const text = z.string().min(1)

const HighRisk = z.object({
  cites: text,
  placedOnMarket: isoDate,
  placedBefore: isoDate,
  publicAuthority: z.boolean(),
  significantChange: z.object({ version: text, date: isoDate }).nullable(),
  appliesFrom: isoDate.nullable(),
}) satisfies z.ZodType<LegacyHighRiskClaim>

const Gpai = z.object({
  cites: text,
  models: z.array(z.object({ name: text, placedOnMarket: isoDate })).min(1),
  placedBefore: isoDate,
  appliesFrom: isoDate,
}) satisfies z.ZodType<LegacyGpaiClaim>

/** One transitional rule a passport's classification says applied. */
export interface LegacyNote {
  jurisdiction: string
  /** The claim's path in the credential subject, e.g. `classification.eu-ai-act.legacy.highRisk`. */
  claim: string
  /** The member as parsed; absent when it is not in the form Accord issues. */
  status?: LegacyHighRiskClaim | LegacyGpaiClaim
  /** One sentence for people, e.g. `Art. 111(2): placed on the market on ...`. */
  sentence: string
}

/**
 * The Art. 111 notes of the disclosed classifications in `subject` (a credential subject after
 * disclosure processing), in jurisdiction order, high-risk before general-purpose AI. Empty when
 * none is disclosed: the system is no legacy system, the classification was not presented, or the
 * passport predates the member.
 */
export function legacyNotes(subject: unknown): LegacyNote[] {
  const all = isRecord(subject) ? subject.classification : undefined
  if (!isRecord(all)) return []
  const notes: LegacyNote[] = []
  for (const jurisdiction of Object.keys(all).sort()) {
    const entry = all[jurisdiction]
    if (!isRecord(entry) || entry.legacy === undefined) continue
    const at = `classification.${jurisdiction}.legacy`
    const asOf = isoDate.safeParse(entry.asOf)
    const legacy = entry.legacy
    if (!isRecord(legacy) || !asOf.success) {
      notes.push({ jurisdiction, claim: at, sentence: unreadable(at) })
      continue
    }
    const rules = [
      [
        'highRisk',
        (v: unknown) => readNote(HighRisk, v, (d) => legacyHighRiskSentence(d, asOf.data)),
      ],
      ['gpai', (v: unknown) => readNote(Gpai, v, (d) => legacyGpaiSentence(d, asOf.data))],
    ] as const
    for (const [member, read] of rules) {
      if (legacy[member] === undefined) continue
      const claim = `${at}.${member}`
      notes.push({
        jurisdiction,
        claim,
        ...(read(legacy[member]) ?? { sentence: unreadable(claim) }),
      })
    }
  }
  return notes
}

/** The member parsed with `schema` and its sentence; undefined when it is not in that form. */
function readNote<T extends LegacyHighRiskClaim | LegacyGpaiClaim>(
  schema: z.ZodType<T>,
  value: unknown,
  sentence: (status: T) => string,
): { status: T; sentence: string } | undefined {
  const parsed = schema.safeParse(value)
  return parsed.success ? { status: parsed.data, sentence: sentence(parsed.data) } : undefined
}

function unreadable(claim: string): string {
  return `The passport's ${claim} (Art. 111, systems and models already on the market) is not in the form Accord issues, so it is not shown; ask the issuer.`
}
