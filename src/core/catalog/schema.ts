/**
 * Schema of catalog files (catalog.v1) and mapping files (mapping.v1).
 *
 * Regulatory content is data: catalogs/ holds one JSON file per framework edition, validated
 * against these schemas at start. The JSON Schemas in catalogs/schema/ are generated from this
 * file (`npm run schema:generate`) and CI fails when they are stale.
 */
import { z } from 'zod'
import { isCalendarDate } from '../dates.js'

/**
 * A calendar date as YYYY-MM-DD. The refinement (no 2026-02-30) has no JSON Schema form of its
 * own, so the published schemas also say `format: date` (RFC 3339 full-date), which editors and
 * validators with format checks apply.
 */
export const isoDate = z
  .string()
  // abort: a value that is not YYYY-MM-DD at all is one problem, not also "not a calendar date".
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, 'not a calendar date')
  .meta({ format: 'date' })

/** Operator roles of EU AI Act Art. 3(3)-(8) (plus the product manufacturer of Art. 25(3)). */
export const ROLES = [
  'provider',
  'deployer',
  'importer',
  'distributor',
  'authorised-representative',
  'product-manufacturer',
] as const
export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

/** Routes by which a system becomes high-risk; dates of application differ by route. */
export const Route = z.enum(['any', 'annex-i', 'annex-iii'])
export type Route = z.infer<typeof Route>

/**
 * A transitional rule for high-risk systems already on the market (EU AI Act Art. 111(2)): a
 * system placed on the market or put into service before the cut-off date of its high-risk route
 * is caught by the high-risk obligations only once its design changes significantly on or after
 * that date, and, when public authorities are to use it, by a fixed date at the latest.
 */
export const LegacyHighRisk = z.strictObject({
  /** The provision, e.g. `Art. 111(2)`. */
  cites: z.string().min(1),
  /** Per high-risk route, the cut-off: systems placed on the market before it are legacy systems. */
  placed_before: z.strictObject({ 'annex-i': isoDate, 'annex-iii': isoDate }),
  /** The date by which a legacy system intended to be used by public authorities must comply. */
  public_authorities_by: isoDate,
  note: z.string().optional(),
  /** What about this rule could not be checked against the primary source, or is a reading. */
  uncertain: z.string().optional(),
})
export type LegacyHighRisk = z.infer<typeof LegacyHighRisk>

/**
 * A transitional rule for general-purpose AI models already on the market (EU AI Act Art. 111(3)):
 * a provider whose models were all placed on the market before `placed_before` must comply with the
 * model duties by `comply_by`.
 */
export const LegacyGpai = z.strictObject({
  /** The provision, e.g. `Art. 111(3)`. */
  cites: z.string().min(1),
  placed_before: isoDate,
  comply_by: isoDate,
  note: z.string().optional(),
  uncertain: z.string().optional(),
})
export type LegacyGpai = z.infer<typeof LegacyGpai>

/** A version of a law (e.g. the Act as published, and as amended by an amending act). */
export const LawVersion = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  /** The act that made this version: OJ reference, CELEX, ELI. */
  source: z.string().min(1),
  url: z.string().optional(),
  /** The version applies to evaluations as of this date or later (entry into force). */
  in_force_from: isoDate,
  /** Where a fact about this version could not be checked against the primary source. */
  uncertain: z.string().optional(),
  /** Art. 111(2): the transitional rule for high-risk systems placed before Chapter III applied. */
  legacy_high_risk: LegacyHighRisk.optional(),
  /** Art. 111(3): the transitional rule for general-purpose AI models placed before Chapter V applied. */
  legacy_gpai: LegacyGpai.optional(),
})
export type LawVersion = z.infer<typeof LawVersion>

/** When an obligation applies under one law version, possibly only for one high-risk route. */
export const Application = z.strictObject({
  law_version: z.string(),
  from: isoDate,
  route: Route.default('any'),
  /**
   * A transitional date: this entry replaces the others of its law version and route for a system
   * placed on the market or put into service before this date (e.g. Art. 111(4), Art. 50(2)).
   */
  placed_before: isoDate
    .optional()
    .describe(
      'A transitional date: this entry replaces the others of its law version and route for a system placed on the market or put into service before this date (e.g. Art. 111(4), Art. 50(2)).',
    ),
  note: z.string().optional(),
})
export type Application = z.infer<typeof Application>

/**
 * Condition on the classification facts (tags such as `high-risk`, `annex-iii.1.a`,
 * `deployer:public-body`, `gpai-systemic-risk`), see docs/catalogs.md.
 * All of `all`, at least one of `any` (when given), none of `none`.
 */
export const Condition = z.strictObject({
  all: z.array(z.string()).optional(),
  any: z.array(z.string()).optional(),
  none: z.array(z.string()).optional(),
})
export type Condition = z.infer<typeof Condition>

/** Present on nodes that are obligations of an operator. */
export const Obligation = z.strictObject({
  roles: z.array(Role).min(1),
  applies_when: Condition,
  application: z.array(Application).min(1),
})
export type Obligation = z.infer<typeof Obligation>

export const NodeKind = z.enum([
  'chapter',
  'section',
  'article',
  'paragraph',
  'point',
  'annex',
  'annex-section',
  'annex-point',
  'function',
  'category',
  'subcategory',
  'control',
  'clause',
])

export const CatalogNode = z.strictObject({
  /** Stable slug, unique in the catalog: `art-9.2.a`, `annex-iii.6.e`, `govern-1.1`. Never reused. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'ids are lowercase slugs like art-9.2.a'),
  /** `urn:accord:req:<catalog ref>:<id>`. */
  urn: z.string().startsWith('urn:accord:req:'),
  parent_urn: z.string().optional(),
  depth: z.number().int().min(1),
  kind: NodeKind,
  /** The official reference as people cite it: `Art. 9(2)(a)`, `Annex III 6(e)`, `GOVERN 1.1`. */
  ref_id: z.string().min(1),
  /** Short title in our own words. */
  name: z.string().min(1),
  /** Summary in our own words (never the licensed or official text). */
  summary: z.string().min(1),
  /** False for synthetic IDs that have no number in the official text. */
  official: z.boolean().default(true),
  /** True when this node can be met, partly met or missed. */
  assessable: z.boolean(),
  obligation: Obligation.optional(),
  /** Use-case IDs of the manifest vocabulary that fall under this point (Annex III, Art. 5). */
  use_cases: z.array(z.string()).optional(),
  /** Use cases the text expressly carves out of this point (e.g. fraud detection from 5(b)). */
  excluded_use_cases: z.array(z.string()).optional(),
  /** What evidence would show this is met; used to say how to close a gap. */
  evidence_hint: z.string().optional(),
  /** Manifest fields (dotted paths) that document this node, e.g. `humanOversight`. */
  manifest_fields: z.array(z.string()).optional(),
  /** Law versions in which this node exists, when not all (e.g. added by an amendment). */
  law_versions: z.array(z.string()).optional(),
  /** What could not be checked against the primary source. */
  uncertain: z.string().optional(),
})
export type CatalogNode = z.infer<typeof CatalogNode>

export const Source = z.strictObject({
  title: z.string(),
  url: z.string().optional(),
  note: z.string().optional(),
})

export const Catalog = z.strictObject({
  $schema: z.string(),
  urn: z.string().startsWith('urn:accord:catalog:'),
  /** Framework id used in short references, e.g. `eu-ai-act` in `eu-ai-act:art-9`. */
  framework: z.string().regex(/^[a-z0-9-]+$/),
  /** Edition, e.g. `2024-1689` or `1.0`. */
  edition: z.string(),
  version: z.number().int().min(1),
  name: z.string(),
  description: z.string(),
  kind: z.enum(['law', 'framework', 'standard']),
  locale: z.string().default('en'),
  publication_date: isoDate,
  provider: z.string(),
  copyright: z.string(),
  sources: z.array(Source).min(1),
  law_versions: z.array(LawVersion).optional(),
  nodes: z.array(CatalogNode).min(1),
})
export type Catalog = z.infer<typeof Catalog>

export const Relation = z.enum(['equivalent', 'subset', 'superset', 'related'])
export type Relation = z.infer<typeof Relation>

export const MappingEdge = z.strictObject({
  source_urn: z.string(),
  target_urn: z.string(),
  /** How the source relates to the target: source ⊂ target is `subset`. */
  relation: Relation,
  /** Where the edge comes from: `accord-analysis` (our own), or a named published crosswalk. */
  source: z.string().min(1),
  rationale: z.string().min(1),
  confidence: z.enum(['high', 'medium', 'low']),
})
export type MappingEdge = z.infer<typeof MappingEdge>

export const Mapping = z.strictObject({
  $schema: z.string(),
  urn: z.string().startsWith('urn:accord:mapping:'),
  version: z.number().int().min(1),
  name: z.string(),
  description: z.string(),
  publication_date: isoDate,
  provider: z.string(),
  copyright: z.string(),
  /** Catalog URNs this mapping connects: [source, target]. */
  dependencies: z.tuple([z.string(), z.string()]),
  sources: z.array(Source).min(1),
  edges: z.array(MappingEdge).min(1),
})
export type Mapping = z.infer<typeof Mapping>
