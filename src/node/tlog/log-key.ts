/**
 * The log's public key, as clients are given it: a C2SP verifier key
 * (`<origin>+<key ID>+<base64 key>`, what the registry prints as its `verifierKey`), a file holding
 * one per line, or the Ed25519 public JWK of the log key (`accord keys generate`). A JWK has no
 * name, so its key name is the `origin` given, else the origin line of the checkpoint verified
 * (C2SP tlog-checkpoint: the log signs with its origin as the key name).
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { ConfigError } from '../../core/errors.js'
import { noteVerifier, parseVerifierKey, type NoteVerifier } from '../../core/tlog/note.js'
import { loadPublicKeys } from '../keys.js'
import { sha256 } from '../sha256.js'

export type LogKey =
  | { kind: 'vkeys'; verifiers: NoteVerifier[] }
  | { kind: 'jwk'; publicKey: Uint8Array; name?: string }

const MAX_KEY_FILE = 64 * 1024

function bad(message: string): ConfigError {
  return new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message })
}

function parseVkeys(text: string, source: string): LogKey {
  const verifiers: NoteVerifier[] = []
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue
    const r = parseVerifierKey(line, sha256)
    if (!r.ok) throw bad(`${source}: ${r.message}`)
    verifiers.push(r.verifier)
  }
  if (verifiers.length === 0) throw bad(`${source}: no verifier key`)
  return { kind: 'vkeys', verifiers }
}

/**
 * Loads a log key given as `option` (`--key` of `accord log`, `--log-key` of `accord verify`): a
 * verifier key string, or a file with verifier keys or an Ed25519 public JWK. `origin` names a
 * JWK key (see above).
 */
export async function loadLogKey(arg: string, origin?: string, option = '--key'): Promise<LogKey> {
  if (!existsSync(arg)) {
    if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(arg)) return parseVkeys(arg, option)
    throw new ConfigError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `${option} ${arg} is neither a file nor a verifier key (<origin>+<key ID>+<base64 key>)`,
    })
  }
  const text = (await readFile(arg, 'utf8')).slice(0, MAX_KEY_FILE)
  if (!text.trimStart().startsWith('{')) return parseVkeys(text, arg)
  const keys = await loadPublicKeys(arg)
  const ed = keys.filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519')
  if (ed.length !== 1)
    throw bad(`${arg}: the log key must be exactly one Ed25519 public key (OKP, Ed25519)`)
  const publicKey = new Uint8Array(Buffer.from(String((ed[0] as { x?: string }).x), 'base64url'))
  return origin === undefined
    ? { kind: 'jwk', publicKey }
    : { kind: 'jwk', publicKey, name: origin }
}

/** The verifiers to check `note` with. */
export function verifiersFor(key: LogKey, note: string): NoteVerifier[] {
  if (key.kind === 'vkeys') return key.verifiers
  const name = key.name ?? (typeof note === 'string' ? note.split('\n', 1)[0] : '')
  try {
    return [noteVerifier(name ?? '', key.publicKey, sha256)]
  } catch {
    return []
  }
}
