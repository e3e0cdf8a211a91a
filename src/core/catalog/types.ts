/**
 * The loaded, validated set of catalogs and mappings, indexed for lookup.
 * Built by `buildCatalogSet` (src/core/catalog/validate.ts) from parsed JSON.
 */
import type { Catalog, CatalogNode, Mapping, MappingEdge } from './schema.js'

export interface CatalogRef {
  urn: string
  framework: string
  edition: string
  version: number
  /** SHA-256 (hex) of the catalog's canonical JSON, so outputs can pin exactly what they used. */
  sha256: string
}

export interface CatalogSet {
  /** By framework id (`eu-ai-act`, `nist-ai-rmf`). */
  catalogs: ReadonlyMap<string, Catalog>
  refs: readonly CatalogRef[]
  mappings: readonly Mapping[]
  /** Every node of every catalog by URN. */
  nodesByUrn: ReadonlyMap<string, { framework: string; node: CatalogNode }>
  /** Children URNs by parent URN, in catalog order. */
  childrenByUrn: ReadonlyMap<string, readonly string[]>
  /** Crosswalk edges touching a URN, in either direction. */
  edgesByUrn: ReadonlyMap<string, readonly MappingEdge[]>
}
