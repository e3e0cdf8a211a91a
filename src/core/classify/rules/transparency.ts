/**
 * Art. 50: transparency obligations for certain AI systems. They hold alongside high-risk
 * (Art. 50(6)), so their citations are listed for high-risk systems too.
 *
 * The triggers below are the structure of Art. 50; a catalog `art-50.<n>` node may add use cases
 * (its `use_cases`) that also trigger the paragraph.
 */
import type { EuAiActClassification } from '../types.js'
import { cite, listWords, record, usesAny, type RuleContext } from './context.js'

type TransparencyPoint = EuAiActClassification['transparency'][number]

interface Paragraph {
  n: 1 | 2 | 3 | 4
  useCases: readonly string[]
  what: string
}

const PARAGRAPHS: readonly Paragraph[] = [
  {
    n: 1,
    useCases: ['conversational-agent'],
    what: 'the provider must design it so that people are informed they are interacting with an AI system, unless that is obvious from the context',
  },
  {
    n: 2,
    useCases: ['content-generation', 'deep-fake-generation', 'public-interest-text-generation'],
    what: 'the provider must mark its synthetic audio, image, video or text output in a machine-readable format, detectable as artificially generated or manipulated',
  },
  {
    n: 3,
    useCases: ['emotion-recognition', 'biometric-categorisation'],
    what: 'the deployer must inform the persons exposed to it and process their personal data in line with the GDPR, Reg. (EU) 2018/1725 and Directive (EU) 2016/680',
  },
  {
    n: 4,
    useCases: ['deep-fake-generation', 'public-interest-text-generation'],
    what: 'the deployer must disclose that deep-fake content, or text published to inform the public on matters of public interest, was artificially generated or manipulated',
  },
]

/** The use cases that trigger each paragraph of Art. 50 by its structure (not counting the catalog's). */
export const TRANSPARENCY_USE_CASES: ReadonlyMap<string, readonly string[]> = new Map(
  PARAGRAPHS.map((p) => [`Art. 50(${p.n})`, p.useCases]),
)

export function evaluateTransparency(ctx: RuleContext): TransparencyPoint[] {
  const c = ctx.manifest.classification
  const out: TransparencyPoint[] = []
  for (const p of PARAGRAPHS) {
    const nodeId = `art-50.${p.n}`
    const node = ctx.index.byId.get(nodeId)
    const ref = node?.ref_id ?? `Art. 50(${p.n})`
    const triggers = usesAny(c.useCases, [...p.useCases, ...(node?.use_cases ?? [])])
    if (p.n === 1 && c.interactsWithNaturalPersons) triggers.push('interacts with natural persons')
    if (p.n === 2 && c.generatesSyntheticContent.length > 0)
      triggers.push(`generates synthetic ${listWords(c.generatesSyntheticContent)}`)
    const rule = `eu.${nodeId}`
    if (triggers.length === 0) {
      record(ctx, {
        rule,
        cites: ref,
        outcome: 'not-applicable',
        reasoning: `Nothing in the manifest triggers ${ref}.`,
      })
      continue
    }
    ctx.facts.add(nodeId)
    cite(ctx, ref)
    out.push({ point: ref, nodeId })
    record(ctx, {
      rule,
      cites: ref,
      outcome: 'fired',
      reasoning: `The system ${listWords(triggers.map(describe))}, so ${p.what}.${exemptionNote(ctx, p.n)}`,
    })
  }
  return out
}

function describe(trigger: string): string {
  return trigger.includes(' ') ? trigger : `has use case ${trigger}`
}

function exemptionNote(ctx: RuleContext, n: Paragraph['n']): string {
  if (!ctx.manifest.deployment.lawEnforcement) return ''
  switch (n) {
    case 1:
      return ' Exemption: systems authorised by law to detect, prevent, investigate or prosecute criminal offences are exempt, unless they are available for the public to report a criminal offence; the manifest says the system is used for law enforcement, so check whether the exemption applies.'
    case 2:
      return ' Exemption: the marking duty does not apply where the use is authorised by law to detect, prevent, investigate or prosecute criminal offences.'
    case 3:
      return ' Exemption: systems permitted by law to detect, prevent or investigate criminal offences are exempt, subject to safeguards.'
    case 4:
      return ' Exemption: the disclosure duty does not apply where the use is authorised by law to detect, prevent, investigate or prosecute criminal offences.'
  }
}
