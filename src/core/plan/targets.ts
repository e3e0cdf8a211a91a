/**
 * Target markets of the interoperability plan and the frameworks each one brings in.
 *
 * - `eu`: the EU AI Act (law; dates of application from the classification).
 * - `us-federal`: the NIST AI RMF 1.0 (voluntary), plus NIST AI 600-1, the Generative AI Profile,
 *   when the manifest says the system generates content.
 * - `iso-42001` (alias `iso`): ISO/IEC 42001:2023 (voluntary, certifiable standard).
 * - `korea`: the Korea AI Basic Act (law). Its obligations apply on Korea-specific facts that no
 *   Accord classifier produces yet, so it is listed as not assessed rather than guessed at.
 */
import { closest } from 'fastest-levenshtein'
import { ConfigError } from '../errors.js'
import type { Manifest } from '../manifest/schema.js'
import type { TargetId } from './types.js'

export interface TargetInfo {
  id: TargetId
  name: string
  /** Every framework the target can bring in, in plan order. */
  frameworks: readonly string[]
}

/** Canonical order of the targets in a plan. */
export const TARGETS: readonly TargetInfo[] = [
  { id: 'eu', name: 'European Union', frameworks: ['eu-ai-act'] },
  {
    id: 'us-federal',
    name: 'United States (federal)',
    frameworks: ['nist-ai-rmf', 'nist-ai-600-1'],
  },
  { id: 'iso-42001', name: 'International (ISO/IEC 42001)', frameworks: ['iso-42001'] },
  { id: 'korea', name: 'Republic of Korea', frameworks: ['korea-ai-basic-act'] },
]

/** Spellings accepted by `--targets`, with the target each one means. */
export const TARGET_ALIASES: Readonly<Record<string, TargetId>> = {
  eu: 'eu',
  'us-federal': 'us-federal',
  iso: 'iso-42001',
  'iso-42001': 'iso-42001',
  korea: 'korea',
}

/** Laws whose classification Accord does not make yet: listed, never assessed. */
export const NOT_CLASSIFIED: ReadonlySet<string> = new Set(['korea-ai-basic-act'])

export const NOT_CLASSIFIED_NOTE = 'not assessed; classification for this regime is not implemented'

/**
 * The targets named (case-insensitive, aliases allowed), each once, in canonical order.
 * Throws ERR_CONFIG_BAD_ARGS for an empty list or an unknown name, with a suggestion.
 */
export function resolveTargets(names: readonly string[]): TargetId[] {
  const known = Object.keys(TARGET_ALIASES)
  const wanted = new Set<TargetId>()
  for (const raw of names) {
    const name = raw.trim().toLowerCase()
    if (name === '') continue
    const id = TARGET_ALIASES[name]
    if (!id) {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `unknown target market "${raw}" (did you mean "${closest(name, known)}"?); known: ${known.join(', ')}`,
      })
    }
    wanted.add(id)
  }
  if (wanted.size === 0) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `plan needs --targets with at least one target market; known: ${known.join(', ')}`,
    })
  }
  return TARGETS.filter((t) => wanted.has(t.id)).map((t) => t.id)
}

export function targetInfo(id: TargetId): TargetInfo {
  return TARGETS.find((t) => t.id === id) as TargetInfo
}

const GENERATION_USE_CASES = [
  'content-generation',
  'deep-fake-generation',
  'public-interest-text-generation',
] as const

/**
 * Why the system counts as generating content (for NIST AI 600-1), or undefined when the manifest
 * says nothing that makes it so.
 */
export function generatesContent(manifest: Manifest): string | undefined {
  const kinds = manifest.classification.generatesSyntheticContent
  if (kinds.length > 0) return `the manifest declares generated content (${kinds.join(', ')})`
  const uses = manifest.classification.useCases.filter((u) =>
    (GENERATION_USE_CASES as readonly string[]).includes(u),
  )
  if (uses.length > 0) return `the manifest lists the use case ${uses.join(', ')}`
  const gpai = manifest.models.filter((m) => m.generalPurpose).map((m) => m.name)
  if (gpai.length > 0) return `the system uses general-purpose AI model ${gpai.join(', ')}`
  return undefined
}

export interface TargetFramework {
  framework: string
  /** Why the framework is part of the target. */
  basis: string
  /** False when the framework is named but left out (`reason` says why). */
  included: boolean
  reason?: string
}

/** The frameworks a target brings in for this system, with why (and the ones it leaves out). */
export function targetFrameworks(id: TargetId, manifest: Manifest): TargetFramework[] {
  switch (id) {
    case 'eu':
      return [
        {
          framework: 'eu-ai-act',
          basis: 'Binding law in the Union; dates of application from the classification.',
          included: true,
        },
      ]
    case 'us-federal': {
      const generative = generatesContent(manifest)
      return [
        {
          framework: 'nist-ai-rmf',
          basis: 'Voluntary framework; no legal deadline.',
          included: true,
        },
        generative === undefined
          ? {
              framework: 'nist-ai-600-1',
              basis: 'Generative AI Profile of the AI RMF.',
              included: false,
              reason: 'left out, because the manifest declares no generated content',
            }
          : {
              framework: 'nist-ai-600-1',
              basis: `Voluntary Generative AI Profile of the AI RMF, included because ${generative}; no legal deadline.`,
              included: true,
            },
      ]
    }
    case 'iso-42001':
      return [
        {
          framework: 'iso-42001',
          basis: 'Voluntary, certifiable management-system standard; no legal deadline.',
          included: true,
        },
      ]
    case 'korea':
      return [
        {
          framework: 'korea-ai-basic-act',
          basis: 'Binding law in the Republic of Korea.',
          included: true,
        },
      ]
  }
}

/**
 * The frameworks to assess for these targets: the included ones that are loaded and that Accord
 * can assess (not the laws it cannot classify for yet), in plan order.
 */
export function frameworksToAssess(
  targets: readonly TargetId[],
  manifest: Manifest,
  loaded: ReadonlySet<string>,
): string[] {
  return targets
    .flatMap((t) => targetFrameworks(t, manifest))
    .filter((f) => f.included && loaded.has(f.framework) && !NOT_CLASSIFIED.has(f.framework))
    .map((f) => f.framework)
}
