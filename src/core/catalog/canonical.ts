/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for the JSON we hash: catalogs, mappings
 * and, later, passports. https://www.rfc-editor.org/rfc/rfc8785
 *
 * Why not the `canonicalize` npm package: it implements the same scheme in ~30 lines, but adding a
 * dependency is not ours to do here, and the subset of JSON that our files use (strings, finite
 * numbers, booleans, null, arrays, plain objects) is exactly the part where JCS coincides with
 * ECMAScript `JSON.stringify` once object keys are sorted:
 * - JCS serialises numbers with the ECMAScript Number-to-String algorithm (RFC 8785 §3.2.2.3), which
 *   `JSON.stringify` uses;
 * - JCS escapes strings as `JSON.stringify` does since ES2019 (RFC 8785 §3.2.2.2);
 * - JCS sorts object keys by their UTF-16 code units (RFC 8785 §3.2.3), which is what the default
 *   `Array.prototype.sort` comparison of strings does.
 * Anything outside that subset (NaN, Infinity, undefined, functions, symbols, bigint, class
 * instances such as Date or Map) has no JCS form, so we refuse it rather than guess.
 */

/** The JSON values canonicalJson accepts. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * Serialises `value` as RFC 8785 canonical JSON: no whitespace, object keys sorted by UTF-16 code
 * units, numbers and strings as ECMAScript serialises them. Equal data gives equal bytes, so the
 * result can be hashed. Throws `TypeError` for values that are not plain JSON.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$')
}

function serialize(value: unknown, where: string): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`canonicalJson: ${where} is not a finite number`)
      return JSON.stringify(value)
    case 'object':
      break
    default:
      throw new TypeError(
        `canonicalJson: ${where} has type ${typeof value}, which JSON cannot hold`,
      )
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => serialize(v, `${where}[${i}]`)).join(',')}]`
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`canonicalJson: ${where} is not a plain object`)
  }
  const record = value as Record<string, unknown>
  const parts: string[] = []
  // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  for (const key of Object.keys(record).sort()) {
    const v = record[key]
    if (v === undefined) throw new TypeError(`canonicalJson: ${where}.${key} is undefined`)
    parts.push(`${JSON.stringify(key)}:${serialize(v, `${where}.${key}`)}`)
  }
  return `{${parts.join(',')}}`
}
