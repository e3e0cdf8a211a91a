/**
 * The prohibited practices (Art. 5(1)) the classification found, as findings for the CI reports
 * (`--sarif`, `--junit`). They are no obligations, so the assessment lists none of them, yet they
 * are why `accord assess` exits 1 for a prohibited system: each is reported beside the gaps, so a
 * pipeline that fails on them shows why.
 */
import type { CatalogSet } from '../catalog/types.js'
import type { EuAiActClassification } from '../classify/types.js'

export interface ProhibitedFinding {
  /** `eu-ai-act:art-5.1.c`, the point's id as obligations are named. */
  id: string
  urn?: string
  /** `Art. 5(1)(c)`. */
  citation: string
  title: string
  appliesFrom: string
  /** False for a point not yet applicable on the as-of date (recorded, not prohibited yet). */
  inForce: boolean
  /** Plain text: the point, and what the prohibition means. */
  message: string
}

/** The practices of `classification`, in its order; titles from `catalogs` when given. */
export function prohibitedFindings(
  classification: Pick<EuAiActClassification, 'prohibitedPractices'>,
  catalogs?: CatalogSet,
): ProhibitedFinding[] {
  const catalog = catalogs?.catalogs.get('eu-ai-act')
  return classification.prohibitedPractices.map((p) => {
    const node = catalog?.nodes.find((n) => n.id === p.nodeId)
    const title = node?.name ?? 'Prohibited practice'
    const when = p.inForce ? '' : ` (applies from ${p.appliesFrom})`
    const message =
      `${p.point} ${title}: prohibited practice${when}. The Act forbids placing this system on ` +
      'the market, putting it into service and using it in the Union; no obligation met lifts ' +
      'the prohibition. `accord classify` gives the reasoning (its trace).'
    return {
      id: `eu-ai-act:${p.nodeId}`,
      ...(node ? { urn: node.urn } : {}),
      citation: p.point,
      title,
      appliesFrom: p.appliesFrom,
      inForce: p.inForce,
      message,
    }
  })
}
