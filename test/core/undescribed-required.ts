/**
 * Paths of required properties without a description in a JSON Schema: fields a writer must
 * fill, left unexplained by the editor. Shared by the manifest and policy schema tests.
 */
export function undescribedRequired(node: unknown, at = ''): string[] {
  if (node === null || typeof node !== 'object') return []
  const n = node as {
    properties?: Record<string, { description?: string }>
    required?: string[]
    items?: unknown
  }
  const out: string[] = []
  for (const [key, sub] of Object.entries(n.properties ?? {})) {
    const path = at === '' ? key : `${at}.${key}`
    if (n.required?.includes(key) && sub.description === undefined) out.push(path)
    out.push(...undescribedRequired(sub, path))
  }
  if (n.items !== undefined) out.push(...undescribedRequired(n.items, `${at}[]`))
  return out
}
