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
  // Most values (catalogs of half a megabyte among them) take the fast way: one native
  // JSON.stringify of the value with the keys of each object in sorted order, which gives the
  // same bytes as `serialize` below. Anything it does not handle goes through `serialize`, which
  // also words the errors.
  const ordered = inKeyOrder(value)
  return ordered === CAREFUL ? serialize(value, '$') : JSON.stringify(ordered)
}

/** Returned by `inKeyOrder` for values that need `serialize`. */
const CAREFUL: unique symbol = Symbol('careful')

/**
 * `value` with the keys of every object inserted in sorted order (objects copied only when their
 * keys or values change), or CAREFUL for anything outside plain JSON, sparse arrays, and keys
 * that JavaScript would not keep in insertion order (those starting with a digit may be array
 * indices, which objects list first) or that an assignment would not create (`__proto__`).
 */
function inKeyOrder(value: unknown): unknown {
  if (value === null) return value
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : CAREFUL
    case 'object':
      break
    default:
      return CAREFUL
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return CAREFUL
      const v: unknown = value[i]
      const o = inKeyOrder(v)
      if (o === CAREFUL) return CAREFUL
      if (o !== v && copy === undefined) copy = value.slice(0, i)
      if (copy !== undefined) copy.push(o)
    }
    return copy ?? value
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return CAREFUL
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  let sorted = true
  let changed = false
  const values: unknown[] = new Array(keys.length)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const c = key.charCodeAt(0)
    if ((c >= 0x30 && c <= 0x39) || key === '__proto__') return CAREFUL
    if (i > 0 && (keys[i - 1] as string) > key) sorted = false
    const v = record[key]
    const o = inKeyOrder(v)
    if (o === CAREFUL) return CAREFUL
    if (o !== v) changed = true
    values[i] = o
  }
  if (sorted && !changed) return value
  const order = keys.map((_, i) => i)
  if (!sorted) order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1))
  const copy: Record<string, unknown> = {}
  for (const i of order) copy[keys[i] as string] = values[i]
  return copy
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
