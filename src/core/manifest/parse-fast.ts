/**
 * The fast path of `parseManifest` (./parse.ts), in a module of its own because it does not need
 * `yaml`: importing `yaml` costs about 37 ms, which a large manifest without problems does not
 * have to pay. src/node/manifest-loader.ts tries this first and imports ./parse.ts (and with it
 * `yaml`) only when it returns undefined, to report the issues with their positions.
 */
import { mayHoldBidiControls } from '../bidi.js'
import { checkManifest, mayHoldPlaceholders } from './check.js'
import { fastEvidence } from './evidence-fast.js'
import { Manifest } from './schema.js'

/**
 * The manifest when `fastLoad` reads `text` and the data passes the schema and every cross-field
 * check without a single error or warning; undefined otherwise (the caller then parses with `yaml`
 * to report the issues with their positions). `fastLoad` is a loader as `ParseManifestOptions`
 * describes it.
 */
export function parseCleanManifest(
  text: string,
  fastLoad: (text: string) => unknown,
): Manifest | undefined {
  let data: unknown
  try {
    data = fastLoad(text)
  } catch {
    return undefined
  }
  if (data === null || data === undefined) return undefined
  const manifest = validateClean(data)
  if (manifest === undefined) return undefined
  const sourceHasNoBidiControls = !mayHoldBidiControls(text)
  const sourceHasNoPlaceholders = !mayHoldPlaceholders(text)
  if (checkManifest(manifest, { sourceHasNoBidiControls, sourceHasNoPlaceholders }).length > 0)
    return undefined
  return manifest
}

/**
 * `Manifest.safeParse(data).data` when that succeeds, else undefined. The evidence list, which
 * may hold thousands of items, is checked by `fastEvidence` (a tenth of zod's time; it returns
 * what zod would) and the rest by zod: the keys of a strict object are checked each on its own,
 * so the manifest passes exactly when the rest (with an empty list) and the list pass. When
 * `fastEvidence` is not sure, zod checks everything.
 */
function validateClean(data: unknown): Manifest | undefined {
  if (
    typeof data === 'object' &&
    data !== null &&
    Object.getPrototypeOf(data) === Object.prototype &&
    Array.isArray((data as { evidence?: unknown }).evidence)
  ) {
    const evidence = fastEvidence((data as { evidence: unknown[] }).evidence)
    if (evidence !== undefined) {
      // jitless: zod's compiled fast path pays for itself only when a schema parses many objects;
      // compiling it for this one parse of each object schema costs more than it saves (about
      // 30 ms against 15 ms on the first call in a process, the same on later calls).
      const rest = Manifest.safeParse({ ...data, evidence: [] }, { jitless: true })
      if (!rest.success) return undefined
      rest.data.evidence = evidence
      return rest.data
    }
  }
  const parsed = Manifest.safeParse(data)
  return parsed.success ? parsed.data : undefined
}
