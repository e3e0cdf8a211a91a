/**
 * Unicode bidirectional controls in user-supplied text ("Trojan Source", CVE-2021-42574).
 *
 * An override such as U+202E RIGHT-TO-LEFT OVERRIDE makes text display in another order than it
 * is stored: a provider named "\u202Eevil" shows as "live" in a document a buyer signs, while the
 * passport and exports carry the stored text. Arabic and Hebrew need none of these controls: the
 * Unicode Bidirectional Algorithm (UAX #9) orders them from their letters. So:
 *
 * - Embeddings and overrides (U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO) are
 *   refused: UAX #9 itself recommends isolates instead, and an override reorders even strong
 *   letters.
 * - Isolates (U+2066 LRI, U+2067 RLI, U+2068 FSI, closed by U+2069 PDI) are allowed when balanced
 *   within one text: they are the tool for mixing directions and cannot affect text outside. An
 *   unclosed isolate, or a PDI without one, is refused: it would spill into (or close) what a
 *   document or page puts next to the text.
 * - Marks (U+200E LRM, U+200F RLM, U+061C ALM) are allowed: zero-width letters with a direction,
 *   they can move punctuation next to them but cannot reorder letters or hide text.
 *
 * Manifests and policies are checked when they are read (src/core/manifest/check.ts,
 * src/core/policy/parse.ts), so a document, passport or export never carries such text; text
 * from elsewhere (passports of other issuers on the registry pages) is shown with the controls
 * made visible (`showBidiControls`; src/web/js/ui.js has the same rule for the browser), and the
 * CLI's text output shows them with the terminal's controls (`showTerminalControls`).
 */
import type { Issue } from './errors.js'
import { walkStrings } from './text-walk.js'

const NAMES: Readonly<Record<string, string>> = {
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
}

/** Embeddings, overrides and isolates (not the marks), for a quick test. */
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/

/** `U+202E RIGHT-TO-LEFT OVERRIDE` for a control character. */
export function describeBidiControl(char: string): string {
  return `U+${hexOf(char)} ${NAMES[char] ?? 'bidirectional control'}`
}

function hexOf(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')
}

/**
 * Why `text` is refused, or undefined: the first embedding or override, or the first isolate
 * that is not balanced. `index` counts UTF-16 code units from 0.
 */
export function bidiProblem(
  text: string,
): { index: number; char: string; why: string } | undefined {
  if (!CONTROLS.test(text)) return undefined
  const open: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c >= '\u202A' && c <= '\u202E')
      return { index: i, char: c, why: 'embeddings and overrides are not allowed' }
    if (c >= '\u2066' && c <= '\u2068') open.push(i)
    else if (c === '\u2069' && open.pop() === undefined)
      return { index: i, char: c, why: 'it closes no isolate' }
  }
  const first = open[0]
  return first === undefined
    ? undefined
    : {
        index: first,
        char: text[first] as string,
        why: 'it is not closed by U+2069 in the same text',
      }
}

/**
 * False when the source text of a YAML or JSON document can hold no embedding, override or
 * isolate: none is in it, nor written as an escape (`\u202E` in JSON and YAML, `\U0000202E` in
 * YAML). Lets a loader skip `bidiIssues`' walk over every string of a large clean document.
 */
export function mayHoldBidiControls(source: string): boolean {
  return /[\u202A-\u202E\u2066-\u2069]|\\(?:u|U0000)(?:202[A-Ea-e]|206[6-9])/.test(source)
}

/**
 * One `bidi_control` error for every string (and mapping key) in `data` that `bidiProblem`
 * refuses, with its path under `prefix`.
 */
export function bidiIssues(data: unknown, prefix: readonly (string | number)[] = []): Issue[] {
  const issues: Issue[] = []
  walkStrings(
    data,
    (text, path, isKey) => {
      const problem = bidiProblem(text)
      if (problem !== undefined)
        issues.push(issue(problem, [...path], isKey ? 'the key' : 'the text'))
    },
    prefix,
  )
  return issues
}

function issue(
  problem: { index: number; char: string; why: string },
  path: (string | number)[],
  what: string,
): Issue {
  return {
    code: 'bidi_control',
    path,
    message:
      `${what} holds ${describeBidiControl(problem.char)} at character ${problem.index + 1}; ` +
      `${problem.why}: they make text display in another order than it is stored`,
    hint:
      `delete the invisible ${describeBidiControl(problem.char)} (editors may show it as <U+${hexOf(problem.char)}> or not at all); ` +
      'Arabic and Hebrew text displays correctly without it, and the marks U+200E and U+200F are allowed',
  }
}

/**
 * `text` with every embedding, override and isolate replaced by a visible `[U+202E]`, for showing
 * text that was not checked when it was read.
 */
export function showBidiControls(text: string): string {
  if (!CONTROLS.test(text)) return text
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${hexOf(c)}]`)
}

/**
 * What a terminal acts on instead of showing: C0 controls but tab and newline (ESC starts colour,
 * cursor and title sequences; a CR not before a newline lets later text overwrite the line; BS
 * erases), DEL, C1 controls (U+009B is a one-character CSI), and the bidi embeddings, overrides
 * and isolates above.
 */
const TERMINAL_CONTROLS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\r(?!\n)/g

/**
 * `text` with every terminal control character and bidi control replaced by a visible `[U+001B]`,
 * `[U+202E]`, ..., for printing text that was not checked when it was read (claims of passports
 * from other issuers) on a terminal; newlines, tabs and CRLF line ends are kept. JSON output does
 * not need it: JSON escapes the C0 controls, and its readers do not render text.
 */
export function showTerminalControls(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => `[U+${hexOf(c)}]`)
}
