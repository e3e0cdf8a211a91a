/**
 * C2SP signed notes with Ed25519 signatures: https://c2sp.org/signed-note (v1.0.0).
 *
 * A note is UTF-8 text ending in a newline, then a blank line, then one or more signature lines
 * `— <key name> <base64(key ID || signature)>` (U+2014 EM DASH, space). For Ed25519 (signature
 * type 0x01) the key ID is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key)
 * and the signature is Ed25519 over the note text (everything before the blank line, including
 * its final newline). A verifier key is written `<name>+<hex key ID>+<base64(0x01 || public key)>`.
 *
 * Notes come from logs we do not trust, so parsing is strict and bounded (size, line count,
 * canonical base64) and every failure is a result with a reason, not an exception. Rules follow
 * the spec and golang.org/x/mod/sumdb/note: signatures by unknown keys are ignored, but a
 * signature by a known key that does not verify rejects the whole note.
 *
 * Pure: SHA-256 is injected; Ed25519 verification uses WebCrypto (`crypto.subtle`, in Node 20 and
 * browsers) unless a verify function is injected.
 */
import { equalBytes, toHex, type Sha256Fn } from '../merkle/hash.js'

/** Largest note accepted (a checkpoint with a few cosignatures is well under 1 KB). */
export const MAX_NOTE_BYTES = 64 * 1024
/** Most signature lines accepted, as in golang.org/x/mod/sumdb/note. */
export const MAX_NOTE_SIGNATURES = 100
/** Signature type byte of Ed25519 keys (signed-note spec, "Signature types"). */
export const ED25519_SIG_TYPE = 0x01

const EM_DASH_PREFIX = '\u2014 '

/** A signer of notes: a key name, its 4-byte key ID and an Ed25519 signing function. */
export interface NoteSigner {
  name: string
  keyId: Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
}

/** A known key that notes are verified against. */
export interface NoteVerifier {
  name: string
  keyId: Uint8Array
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array
}

/** One signature line of a note. */
export interface NoteSignature {
  name: string
  keyId: Uint8Array
  /** The signature bytes after the key ID. */
  signature: Uint8Array
}

export interface ParsedNote {
  /** The signed text, ending in a newline. */
  text: string
  signatures: NoteSignature[]
}

export type NoteFailure = 'malformed' | 'unknown-key' | 'signature-invalid'

export type NoteParseResult =
  { ok: true; note: ParsedNote } | { ok: false; reason: 'malformed'; message: string }

export type NoteVerifyResult =
  | { ok: true; text: string; verifiedBy: string[]; note: ParsedNote }
  | { ok: false; reason: NoteFailure; message: string }

/** `verify(publicKey, message, signature)`: true when the Ed25519 signature is valid. */
export type Ed25519VerifyFn = (
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>

// --- base64 (standard alphabet, padded, canonical) --------------------------------------------

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Standard padded base64. */
export function encodeBase64Std(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

/**
 * Decodes standard padded base64; `undefined` for anything else, including non-canonical forms
 * (non-zero padding bits), which would let one signature be written several ways.
 */
export function decodeBase64Std(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !STD_BASE64.test(text)) return undefined
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return encodeBase64Std(out) === text ? out : undefined
}

// --- keys ------------------------------------------------------------------------------------

/**
 * A key name: non-empty, no whitespace, no `+` (the verifier key separator). The spec forbids
 * Unicode spaces and `+`; we also refuse control characters.
 */
export function isValidKeyName(name: unknown): name is string {
  // eslint-disable-next-line no-control-regex
  return typeof name === 'string' && name.length > 0 && !/[\s+\u0000-\u001f\u007f]/u.test(name)
}

/** Key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || publicKey)[:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array, sha256: Sha256Fn): Uint8Array {
  const nameBytes = new TextEncoder().encode(name)
  const buf = new Uint8Array(nameBytes.length + 2 + publicKey.length)
  buf.set(nameBytes, 0)
  buf[nameBytes.length] = 0x0a
  buf[nameBytes.length + 1] = ED25519_SIG_TYPE
  buf.set(publicKey, nameBytes.length + 2)
  return sha256(buf).slice(0, 4)
}

/** The verifier key string `<name>+<hex key ID>+<base64(0x01 || publicKey)>`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array, sha256: Sha256Fn): string {
  if (!isValidKeyName(name)) throw new TypeError(`formatVerifierKey: invalid key name "${name}"`)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw new TypeError('formatVerifierKey: an Ed25519 public key is 32 bytes')
  const typed = new Uint8Array(33)
  typed[0] = ED25519_SIG_TYPE
  typed.set(publicKey, 1)
  return `${name}+${toHex(noteKeyId(name, publicKey, sha256))}+${encodeBase64Std(typed)}`
}

export type VerifierKeyResult =
  { ok: true; verifier: NoteVerifier } | { ok: false; message: string }

/**
 * Parses a verifier key `<name>+<hex key ID>+<base64(type || key)>`. Only Ed25519 (type 0x01) is
 * supported, and the key ID must match the name and key, so a key string cannot claim one name
 * while carrying another's key.
 */
export function parseVerifierKey(vkey: string, sha256: Sha256Fn): VerifierKeyResult {
  if (typeof vkey !== 'string') return { ok: false, message: 'a verifier key is a string' }
  // Split at the first two '+' only: the name has none, but base64 may.
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim())
  if (!m)
    return { ok: false, message: 'a verifier key has the form <name>+<hex key ID>+<base64 key>' }
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string]
  if (!isValidKeyName(name)) return { ok: false, message: 'the verifier key name is not valid' }
  if (!/^[0-9a-f]{8}$/.test(idHex))
    return { ok: false, message: 'the verifier key ID is not 8 lowercase hex digits' }
  const typed = decodeBase64Std(keyB64)
  if (typed === undefined) return { ok: false, message: 'the verifier key is not base64' }
  if (typed[0] !== ED25519_SIG_TYPE || typed.length !== 33)
    return { ok: false, message: 'only Ed25519 verifier keys (type 0x01, 32 bytes) are supported' }
  const publicKey = typed.slice(1)
  const keyId = noteKeyId(name, publicKey, sha256)
  if (toHex(keyId) !== idHex)
    return { ok: false, message: 'the verifier key ID does not match its name and key' }
  return { ok: true, verifier: { name, keyId, publicKey } }
}

/** A NoteVerifier from a name and a raw Ed25519 public key. */
export function noteVerifier(name: string, publicKey: Uint8Array, sha256: Sha256Fn): NoteVerifier {
  if (!isValidKeyName(name)) throw new TypeError(`noteVerifier: invalid key name "${name}"`)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw new TypeError('noteVerifier: an Ed25519 public key is 32 bytes')
  return { name, keyId: noteKeyId(name, publicKey, sha256), publicKey: publicKey.slice() }
}

/**
 * A NoteSigner from an Ed25519 signing function (such as the `Signer` port's `sign` of an EdDSA
 * key: Ed25519 signs any message, not only JWS input) and its raw public key.
 */
export function ed25519NoteSigner(
  name: string,
  publicKey: Uint8Array,
  sign: (message: Uint8Array) => Promise<Uint8Array>,
  sha256: Sha256Fn,
): NoteSigner {
  if (!isValidKeyName(name)) throw new TypeError(`ed25519NoteSigner: invalid key name "${name}"`)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw new TypeError('ed25519NoteSigner: an Ed25519 public key is 32 bytes')
  return { name, keyId: noteKeyId(name, publicKey, sha256), sign }
}

// --- signing ---------------------------------------------------------------------------------

/** Text a note may carry: UTF-8 without control characters other than newline, ending in one. */
function textProblem(text: string): string | undefined {
  if (text.length === 0 || !text.endsWith('\n')) return 'the note text must end with a newline'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text))
    return 'the note text has a control character other than newline'
  return undefined
}

/** Signs `text` (which must end in a newline) with each signer; returns the whole note. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  const problem = textProblem(text)
  if (problem) throw new TypeError(`signNote: ${problem}`)
  if (signers.length === 0) throw new TypeError('signNote: at least one signer is needed')
  const message = new TextEncoder().encode(text)
  let out = text + '\n'
  for (const s of signers) {
    if (!isValidKeyName(s.name)) throw new TypeError(`signNote: invalid key name "${s.name}"`)
    if (!(s.keyId instanceof Uint8Array) || s.keyId.length !== 4)
      throw new TypeError('signNote: a key ID is 4 bytes')
    const sig = await s.sign(message)
    const blob = new Uint8Array(4 + sig.length)
    blob.set(s.keyId, 0)
    blob.set(sig, 4)
    out += `${EM_DASH_PREFIX}${s.name} ${encodeBase64Std(blob)}\n`
  }
  return out
}

// --- parsing and verification ----------------------------------------------------------------

const malformed = (message: string): { ok: false; reason: 'malformed'; message: string } => ({
  ok: false,
  reason: 'malformed',
  message,
})

/** Splits a note into its text and signature lines, strictly. Does not verify anything. */
export function parseNote(note: string): NoteParseResult {
  if (typeof note !== 'string') return malformed('the note is not text')
  // Measured in UTF-16 units, a cheap upper bound before any work on attacker-sized input.
  if (note.length > MAX_NOTE_BYTES) return malformed(`the note is larger than ${MAX_NOTE_BYTES}`)
  if (note.includes('\r')) return malformed('the note has a carriage return (CRLF line endings)')
  if (!note.endsWith('\n')) return malformed('the note does not end with a newline')
  // Signature lines are never blank, so the LAST blank line starts them (as in x/mod/sumdb/note).
  const split = note.lastIndexOf('\n\n')
  if (split < 0) return malformed('the note has no blank line before its signatures')
  const text = note.slice(0, split + 1)
  const problem = textProblem(text)
  if (problem) return malformed(problem)
  const lines = note.slice(split + 2, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES)
    return malformed(`the note has more than ${MAX_NOTE_SIGNATURES} signatures`)
  const signatures: NoteSignature[] = []
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(EM_DASH_PREFIX))
      return malformed(`signature line ${i + 1} does not start with "— "`)
    const rest = line.slice(EM_DASH_PREFIX.length)
    const space = rest.indexOf(' ')
    if (space < 0) return malformed(`signature line ${i + 1} has no signature after the name`)
    const name = rest.slice(0, space)
    const blob = decodeBase64Std(rest.slice(space + 1))
    if (!isValidKeyName(name)) return malformed(`signature line ${i + 1} has an invalid key name`)
    if (blob === undefined) return malformed(`signature line ${i + 1} is not base64`)
    if (blob.length < 5) return malformed(`signature line ${i + 1} is too short`)
    signatures.push({ name, keyId: blob.slice(0, 4), signature: blob.slice(4) })
  }
  return { ok: true, note: { text, signatures } }
}

/** Ed25519 verification with WebCrypto. */
export const webCryptoEd25519Verify: Ed25519VerifyFn = async (publicKey, message, signature) => {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  const subtle = globalThis.crypto?.subtle
  if (!subtle) throw new TypeError('WebCrypto (crypto.subtle) is not available; inject a verifier')
  const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
  return subtle.verify({ name: 'Ed25519' }, key, signature, message)
}

export interface VerifyNoteOptions {
  /** Defaults to WebCrypto. */
  ed25519Verify?: Ed25519VerifyFn
}

/**
 * Verifies `note` against `verifiers`: at least one signature must be by a known key (same name
 * and key ID), and every signature by a known key must verify. Returns the signed text.
 */
export async function verifyNote(
  note: string,
  verifiers: readonly NoteVerifier[],
  options: VerifyNoteOptions = {},
): Promise<NoteVerifyResult> {
  const parsed = parseNote(note)
  if (!parsed.ok) return parsed
  const verify = options.ed25519Verify ?? webCryptoEd25519Verify
  const message = new TextEncoder().encode(parsed.note.text)
  const verifiedBy: string[] = []
  for (const sig of parsed.note.signatures) {
    const known = verifiers.find((v) => v.name === sig.name && equalBytes(v.keyId, sig.keyId))
    if (!known) continue
    let ok = false
    try {
      ok = await verify(known.publicKey, message, sig.signature)
    } catch {
      ok = false
    }
    if (!ok)
      return {
        ok: false,
        reason: 'signature-invalid',
        message: `the signature of key "${sig.name}" does not verify over the note text`,
      }
    if (!verifiedBy.includes(sig.name)) verifiedBy.push(sig.name)
  }
  if (verifiedBy.length === 0)
    return {
      ok: false,
      reason: 'unknown-key',
      message: `the note is not signed by any known key (${verifiers.map((v) => v.name).join(', ') || 'none given'}); it has signatures by ${parsed.note.signatures.map((s) => `"${s.name}"`).join(', ')}`,
    }
  return { ok: true, text: parsed.note.text, verifiedBy, note: parsed.note }
}
