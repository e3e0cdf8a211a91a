/**
 * Maps a path inside a YAML/JSON document to the 1-based line and column of its node, so errors
 * found after parsing (unknown obligation refs, contradictions) can still name the place.
 */
import type { Document } from 'yaml'
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml'

export type YamlPosition = { line?: number; column?: number }

export interface LocateOptions {
  /**
   * When the path ends in a mapping key that is there, the position of the key (`evidence:`)
   * instead of its value (the first item below it).
   */
  key?: boolean
}

/**
 * A function giving the position of each path in `text`. The text is parsed once, on the first
 * call, so locating many issues in a large manifest costs one parse (and none when nothing is
 * located). Walks up to the nearest ancestor that exists, so a missing field points at its parent.
 */
export function createYamlLocator(
  text: string,
): (path: readonly (string | number)[], options?: LocateOptions) => YamlPosition {
  let parsed: { doc: Document; lineCounter: LineCounter } | undefined
  return (path, options = {}) => {
    if (parsed === undefined) {
      const lineCounter = new LineCounter()
      parsed = { doc: parseDocument(text, { lineCounter, keepSourceTokens: false }), lineCounter }
    }
    const { doc, lineCounter } = parsed
    const last = path.at(-1)
    if (options.key === true && typeof last === 'string') {
      const parent: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true)
      const pair = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && p.key.value === last)
        : undefined
      if (pair !== undefined && isNode(pair.key) && pair.key.range) {
        const pos = lineCounter.linePos(pair.key.range[0])
        return { line: pos.line, column: pos.col }
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0])
        return { line: pos.line, column: pos.col }
      }
    }
    return {}
  }
}

/** The position of one `path` in `text` (parses the text; use `createYamlLocator` for many). */
export function locateInYaml(text: string, path: readonly (string | number)[]): YamlPosition {
  return createYamlLocator(text)(path)
}
