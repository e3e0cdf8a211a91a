/**
 * The path prefix a registry is served under when a reverse proxy forwards `/prefix/...` to it
 * without stripping the prefix (`accord serve --path-prefix /prefix`, docs/web.md).
 *
 * The pages link everything relative to themselves, so the web UI only works at the prefix WITH
 * its trailing slash: at `/prefix`, `web/style.css` resolves to `/web/style.css`, outside it.
 * The registry therefore answers `/prefix` (and `/prefix?query`) with a 308 to `/prefix/`,
 * keeping the query; routes every `/prefix/...` as `/...` (fastify's `rewriteUrl`); and answers
 * 404 anywhere else.
 *
 * Written by hand: a few string comparisons on the request target, which no library does more
 * simply; the prefix is validated to plain path segments, so no percent-decoding or dot-segment
 * handling is needed.
 */
import { ConfigError } from '../core/errors.js'

/** One or more plain segments: `/accord`, `/registry/eu`. */
const PREFIX = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/

/**
 * `value` as a path prefix (`/accord`): a leading slash, plain segments (letters, digits,
 * `.`, `_`, `~`, `-`; none starting with `.`), no trailing slash (one is dropped). Throws
 * ERR_CONFIG_BAD_ARGS otherwise. `''` and `'/'` mean no prefix (undefined).
 */
export function parsePathPrefix(value: string, flag = '--path-prefix'): string | undefined {
  const prefix = value.endsWith('/') ? value.slice(0, -1) : value
  if (prefix === '') return undefined
  if (!PREFIX.test(prefix))
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `${flag} "${value}" is not a path prefix: give it as /name or /name/name (letters, digits, ".", "_", "~", "-"), e.g. /accord`,
    })
  return prefix
}

/** Where a request target (path and query, as on the request line) is relative to `prefix`. */
export type PrefixPlace =
  /** Under the prefix: route `url`, the target without the prefix (`/` at least). */
  | { inside: string }
  /** The prefix itself, without the trailing slash: redirect to `location`. */
  | { redirect: string }
  /** Anywhere else. */
  | { outside: true }

export function placeInPrefix(prefix: string, target: string): PrefixPlace {
  if (target.startsWith(`${prefix}/`)) return { inside: target.slice(prefix.length) }
  if (target === prefix || target.startsWith(`${prefix}?`)) {
    // Relative to the request (`./eu/` from `/registry/eu`), so it also holds when yet another
    // proxy in front adds a prefix of its own.
    const last = prefix.slice(prefix.lastIndexOf('/') + 1)
    return { redirect: `./${last}/${target.slice(prefix.length)}` }
  }
  return { outside: true }
}
