/**
 * Owners and due dates from the manifest's `plan` section.
 *
 * An entry of `plan.actions` matches an obligation when its `obligation` is
 * 1. the obligation itself (`eu-ai-act:art-11`),
 * 2. an ancestor of it (`eu-ai-act:art-9` matches `eu-ai-act:art-9.2.a`), or
 * 3. a pattern whose `*` stands for any characters (`nist-ai-rmf:measure-*`).
 * The most specific matching entry wins: exact, then the nearest ancestor, then the longest
 * pattern; on a tie the first in the manifest. Its owner is used when it has one; otherwise
 * `owners.byFramework[framework]`, then `owners.default`. Its due date is used when it has one.
 */
import { didYouMean } from '../did-you-mean.js'
import type { CatalogSet } from '../catalog/types.js'
import { shortId } from '../catalog/lookup.js'
import type { Manifest } from '../manifest/schema.js'
import type { PlanAction, PlanWarning } from './types.js'

type Assignment = NonNullable<Manifest['plan']>['actions'][number]

export interface Assigned {
  owner: string | null
  ownerFrom: PlanAction['ownerFrom']
  due: string | null
  note?: string
}

export interface OwnerResolver {
  /** Owner, due date and note for the obligation with this short ref and URN. */
  assign(ref: string, urn: string, framework: string): Assigned
  /** Entries that matched none of the obligations asked about (call after all `assign`s). */
  unused(): PlanWarning[]
}

export function createOwnerResolver(manifest: Manifest, catalogs: CatalogSet): OwnerResolver {
  const entries = manifest.plan?.actions ?? []
  const owners = manifest.plan?.owners
  const used = new Set<number>()
  const patterns = entries.map((e) =>
    e.obligation.includes('*') ? globRegExp(e.obligation) : null,
  )

  /** Short refs of the node and its ancestors, nearest first. */
  const chainOf = (urn: string): string[] => {
    const out: string[] = []
    let current = catalogs.nodesByUrn.get(urn)
    for (let guard = 0; current && guard < 64; guard++) {
      out.push(shortId(current.framework, current.node.id))
      const parent = current.node.parent_urn
      current = parent === undefined ? undefined : catalogs.nodesByUrn.get(parent)
    }
    return out
  }

  return {
    assign(ref, urn, framework) {
      const chain = chainOf(urn)
      if (chain.length === 0) chain.push(ref)
      let best: { index: number; score: number } | undefined
      entries.forEach((entry, index) => {
        const pattern = patterns[index]
        let score = -1
        if (pattern) {
          if (pattern.test(ref)) score = entry.obligation.length
        } else {
          const depth = chain.indexOf(entry.obligation)
          // Exact beats any ancestor, a nearer ancestor beats a farther one, and both beat patterns.
          if (depth >= 0) score = 1_000_000 - depth
        }
        if (score < 0) return
        used.add(index)
        if (!best || score > best.score) best = { index, score }
      })
      const entry: Assignment | undefined = best ? entries[best.index] : undefined
      const byFramework = owners?.byFramework[framework]
      const owner: Pick<Assigned, 'owner' | 'ownerFrom'> =
        entry?.owner !== undefined
          ? { owner: entry.owner, ownerFrom: 'assignment' }
          : byFramework !== undefined
            ? { owner: byFramework, ownerFrom: 'framework' }
            : owners?.default !== undefined
              ? { owner: owners.default, ownerFrom: 'default' }
              : { owner: null, ownerFrom: null }
      return {
        ...owner,
        due: entry?.due ?? null,
        ...(entry?.note !== undefined ? { note: entry.note } : {}),
      }
    },
    unused() {
      const warnings: PlanWarning[] = []
      entries.forEach((entry, index) => {
        if (used.has(index)) return
        warnings.push({
          code: 'plan_action_unmatched',
          path: ['plan', 'actions', index, 'obligation'],
          message: `"${entry.obligation}" matches no open obligation in this plan: it is met already, belongs to a target not planned, or is misspelled`,
        })
      })
      // A framework id that no catalog has (a typo such as `eu-ai-ac`) assigns nobody.
      const known = [...catalogs.catalogs.keys()]
      for (const framework of Object.keys(owners?.byFramework ?? {})) {
        if (catalogs.catalogs.has(framework)) continue
        const guess = didYouMean(framework, known)
        warnings.push({
          code: 'plan_owner_framework_unknown',
          path: ['plan', 'owners', 'byFramework', framework],
          message: `"${framework}" is not a loaded framework${guess}, so it assigns no owner; known: ${known.join(', ')}`,
        })
      }
      return warnings
    },
  }
}

/** `*` stands for any characters; everything else is literal. */
function globRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}
