/**
 * A walk over every string of a parsed YAML or JSON document (values and mapping keys), for the
 * checks that look at all text whatever its field: bidi controls (./bidi.ts), placeholders left
 * from `accord init` (./manifest/check.ts).
 */

/**
 * Calls `visit` for every string in `data` and every mapping key, depth first in document order.
 * `path` is one stack shared by all calls (under `prefix`): copy it to keep it. A manifest with
 * 10,000 evidence items has some 100,000 strings, and a new path array for each was most of a
 * walk's time.
 */
export function walkStrings(
  data: unknown,
  visit: (text: string, path: readonly (string | number)[], isKey: boolean) => void,
  prefix: readonly (string | number)[] = [],
): void {
  const path: (string | number)[] = [...prefix]
  const walk = (value: unknown): void => {
    if (typeof value === 'string') visit(value, path, false)
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i)
        walk(value[i])
        path.pop()
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue
        path.push(key)
        visit(key, path, true)
        walk((value as Record<string, unknown>)[key])
        path.pop()
      }
    }
  }
  walk(data)
}
