/**
 * Text for XML 1.0 documents built with @xmldom/xmldom (the registry's Atom feeds, `accord assess
 * --junit`). The serializer escapes markup in text and attribute values but does not drop the
 * characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE, U+FFFF), which would make
 * the whole document unreadable, so every text goes through `xmlText` first; serializing with
 * `requireWellFormed` then refuses any that remain.
 */

/** Characters outside XML 1.0's Char production (code points, so lone surrogates too). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** `value` with each character XML 1.0 cannot carry replaced by U+FFFD. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD')
}
