/**
 * The vocabulary of classification facts. The classifier emits these tags; catalog obligations
 * state when they apply (`applies_when`) in terms of them. A test checks that every tag used in a
 * catalog condition is in this vocabulary, so a typo in data cannot silently disable an obligation.
 *
 * Parametrised tags: `annex-iii.<area>` and `annex-iii.<area>.<point>` for each matched Annex III
 * point (e.g. `annex-iii.1`, `annex-iii.1.a`, `annex-iii.2`, `annex-iii.5.b`), and
 * `art-5.1.<point>` for each matched Art. 5(1) practice (e.g. `art-5.1.h`, `art-5.1.ba`).
 */
export const FACTS = {
  'in-scope': 'The system is within the scope of the AI Act (Art. 2) and not excluded.',
  prohibited: 'At least one Art. 5 prohibited practice applies on the as-of date.',
  'high-risk': 'High-risk by any route (Art. 6(1) or 6(2)) and not derogated under Art. 6(3).',
  'high-risk:annex-i': 'High-risk via Art. 6(1): safety component / product under Annex I.',
  'high-risk:annex-iii': 'High-risk via Art. 6(2): listed in Annex III and not derogated.',
  'annex-i.section-a': 'The Annex I act is in Section A (New Legislative Framework).',
  'annex-i.section-b': 'The Annex I act is in Section B (only some articles apply, Art. 2(2)).',
  'art-2.2':
    'High-risk only under Art. 6(1) via an Annex I Section B act: per Art. 2(2) the Chapter III obligations do not apply directly; they reach the product through the sector act as amended by Arts. 102-109.',
  'art-2.10':
    "Every deployer, the vendor included, is a natural person in purely personal, non-professional use: per Art. 2(10) obligations that fall on the vendor only as deployer do not apply (its other roles' obligations do).",
  'derogation:art-6.3': 'An Annex III system the provider assessed as not high-risk (Art. 6(3)).',
  'art-50.1': 'Interacts directly with natural persons (Art. 50(1)).',
  'art-50.2': 'Generates synthetic audio, image, video or text (Art. 50(2)).',
  'art-50.3': 'Emotion recognition or biometric categorisation system (Art. 50(3)).',
  'art-50.4': 'Generates or manipulates deep fakes, or public-interest text (Art. 50(4)).',
  gpai: 'The provider places a general-purpose AI model on the market (Art. 3(63), Ch. V).',
  'gpai-systemic-risk': 'A GPAI model with systemic risk (Art. 51).',
  'gpai:high-impact-capabilities':
    'A GPAI model meets Art. 51(1)(a): high-impact capabilities, presumed above 10^25 FLOP of training compute (Art. 51(2)); its provider must notify the Commission (Art. 52(1)).',
  'gpai:open-source':
    'Open-source exemption of Art. 53(2) / 54(6) applies (never with systemic risk).',
  'provider:third-country': 'The provider is established outside the Union.',
  'deployer:public-body': 'The deployer is a body governed by public law.',
  'deployer:public-service': 'The deployer is a private entity providing public services.',
  'deployer:workplace': 'Used in the workplace on workers (Art. 26(7)).',
  'deployer:law-enforcement': 'Used by or for law-enforcement authorities.',
  'deployer:migration': 'Used by authorities in migration, asylum or border control.',
  'personal-data': 'The system processes personal data.',
} as const

export type Fact = keyof typeof FACTS

const PARAMETRISED = [/^annex-iii\.[1-8]$/, /^annex-iii\.[1-8]\.[a-e]$/, /^art-5\.1\.[a-h]{1,2}$/]

/** True when `tag` is a known fact (fixed or parametrised). */
export function isKnownFact(tag: string): boolean {
  return tag in FACTS || PARAMETRISED.some((re) => re.test(tag))
}

/**
 * The vendor's roles whose obligations apply: all of them, except deployer when Art. 2(10) takes
 * away the obligations of deployers in purely personal use (fact `art-2.10`).
 */
export function rolesWithDuties<R extends string>(
  roles: readonly R[],
  facts: ReadonlySet<string>,
): R[] {
  return facts.has('art-2.10') ? roles.filter((r) => r !== 'deployer') : [...roles]
}
