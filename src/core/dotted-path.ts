/** The value at a dotted path (`humanOversight.measures`) of parsed data; undefined when absent. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
