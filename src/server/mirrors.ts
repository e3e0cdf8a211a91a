/**
 * `mirroredFrom` on the statements the API serves: where a passport, incident report or
 * evaluation result mirrored from a partner registry's log came from (src/server/partners.ts,
 * docs/federation.md). Additive: statements published here have none.
 */
import type { MirroredFrom, RegistryStore } from '../core/store.js'

/** The JSON Schema of `mirroredFrom` in responses. */
export const MirroredFromSchema = {
  type: 'object',
  description:
    "Set when the statement was mirrored from a partner registry's transparency log (docs/federation.md): that log's origin, the statement's entry index in it, the URL it was followed at, and when this registry mirrored it.",
  properties: {
    origin: { type: 'string' },
    index: { type: 'integer' },
    url: { type: 'string' },
    mirroredAt: { type: 'string' },
  },
} as const

/** Most items looked up at once (the store's limit). */
const CHUNK = 1000

/**
 * `items`, each with its `mirroredFrom` when its log entry was mirrored from a partner (one query
 * per thousand items); the others as they are.
 */
export async function withMirrors<T extends { logIndex: number | null }>(
  store: RegistryStore,
  items: readonly T[],
): Promise<(T & { mirroredFrom?: MirroredFrom })[]> {
  const indexes = items.flatMap((i) => (i.logIndex === null ? [] : [i.logIndex]))
  const mirrors = new Map<number, MirroredFrom>()
  for (let i = 0; i < indexes.length; i += CHUNK)
    for (const [k, v] of await store.mirrorsOf(indexes.slice(i, i + CHUNK))) mirrors.set(k, v)
  if (mirrors.size === 0) return [...items]
  return items.map((item) => {
    const m = item.logIndex === null ? undefined : mirrors.get(item.logIndex)
    return m === undefined ? item : { ...item, mirroredFrom: m }
  })
}

/** One item with its `mirroredFrom`, when mirrored. */
export async function withMirror<T extends { logIndex: number | null }>(
  store: RegistryStore,
  item: T,
): Promise<T & { mirroredFrom?: MirroredFrom }> {
  return (await withMirrors(store, [item]))[0] as T & { mirroredFrom?: MirroredFrom }
}
