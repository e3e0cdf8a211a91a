/**
 * Maps a path inside a YAML/JSON document to the 1-based line and column of its node, so errors
 * found after parsing (unknown obligation refs, contradictions) can still name the place.
 */
import { LineCounter, parseDocument, isNode } from 'yaml'

export function locateInYaml(
  text: string,
  path: readonly (string | number)[],
): { line?: number; column?: number } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false })
  // Walk up to the nearest ancestor that exists, so a missing field points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return {}
}
