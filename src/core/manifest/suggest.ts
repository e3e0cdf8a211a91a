/**
 * "Did you mean ...?" for misspelled keys and enum values, and the zod-schema walk that finds
 * which keys an object at a given path allows.
 */
import { distance } from 'fastest-levenshtein'
import type { z } from 'zod'

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo.
 * A case-insensitive exact match always wins; otherwise the edit distance must be at most a third
 * of the longer word (at least 2), so `intendedPurpse` suggests `intendedPurpose` but `foo` does
 * not suggest `roles`.
 */
export function suggestClosest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  const exact = candidates.find((c) => c.toLowerCase() === lower)
  if (exact !== undefined) return exact
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3))
  if (bestDistance <= limit) return best
  // A prefix or containment ("oversight" for "humanOversight") is also a plausible intent.
  const contains = candidates.find(
    (c) =>
      lower.length >= 4 && (c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase())),
  )
  return contains
}

/** The zod schema found at `path` inside `schema`, looking through wrappers, or undefined. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema)
  for (const key of path) {
    if (current === undefined) return undefined
    const def = defOf(current)
    if (def.type === 'object' && typeof key === 'string') {
      const shape = def.shape as Record<string, z.ZodType>
      current = Object.hasOwn(shape, key) ? unwrap(shape[key] as z.ZodType) : undefined
    } else if (def.type === 'array' && typeof key === 'number') {
      current = unwrap(def.element as z.ZodType)
    } else {
      return undefined
    }
  }
  return current
}

/** Keys an object schema at `path` allows (in declaration order), or [] when it is not an object. */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const at = schemaAt(schema, path)
  if (at === undefined) return []
  const def = defOf(at)
  return def.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : []
}

/** True when the object schema at `path` requires `key` (it is neither optional nor defaulted). */
export function isRequiredKey(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  key: string,
): boolean {
  const at = schemaAt(schema, path)
  if (at === undefined) return false
  const def = defOf(at)
  if (def.type !== 'object') return false
  const shape = def.shape as Record<string, z.ZodType>
  if (!Object.hasOwn(shape, key)) return false
  return (shape[key] as unknown as { _zod: { optin?: string } })._zod.optin === undefined
}

/**
 * What a value at `path` should be, in words (`a string`, `true or false`, `a list`), for
 * messages about missing fields; undefined when the schema has no node there.
 */
export function describeExpected(schema: z.ZodType, path: readonly PropertyKey[]): string {
  const at = schemaAt(schema, path)
  if (at === undefined) return 'a value'
  const def = defOf(at)
  switch (def.type) {
    case 'object':
      return 'a mapping'
    case 'array':
      return 'a list'
    case 'boolean':
      return 'true or false'
    case 'number':
      return 'a number'
    case 'enum':
      return 'one of ' + Object.values(def.entries as Record<string, string>).join(', ')
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ')
    case 'string':
      return 'a string'
    default:
      return 'a value'
  }
}

interface LooseDef {
  type: string
  [key: string]: unknown
}

function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch'])

/** Looks through optional/nullable/default/... and pipes to the schema that checks the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let i = 0; i < 16; i++) {
    const def = defOf(current)
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType
    else if (def.type === 'pipe') current = def.in as z.ZodType
    else return current
  }
  return current
}

/**
 * Where in `schema` the key is allowed, as dotted paths (`system`, `evidence[]`; '' for the top
 * level), so a key written at the wrong level can be pointed to its home.
 */
export function findKeyHomes(schema: z.ZodType, key: string): string[] {
  const homes: string[] = []
  const visit = (s: z.ZodType, where: string, depth: number) => {
    if (depth > 8) return
    const def = defOf(unwrap(s))
    if (def.type === 'object') {
      const shape = def.shape as Record<string, z.ZodType>
      if (Object.hasOwn(shape, key)) homes.push(where)
      for (const [k, child] of Object.entries(shape)) {
        visit(child, where ? `${where}.${k}` : k, depth + 1)
      }
    } else if (def.type === 'array') {
      visit(def.element as z.ZodType, `${where}[]`, depth + 1)
    }
  }
  visit(schema, '', 0)
  return homes
}
