import { closest } from 'fastest-levenshtein'

/**
 * ` (did you mean "X"?)` with the candidate closest to `value` (Levenshtein), or '' when there
 * are no candidates: for messages about an unknown framework or other id from a short list.
 */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const list = [...candidates]
  if (list.length === 0) return ''
  return ` (did you mean "${closest(value, list)}"?)`
}
