/**
 * Presents a passport: keeps only the disclosures the holder chooses (plus the issuer-signed JWT)
 * and, optionally, appends a key-binding JWT (`typ: kb+jwt`, RFC 9901 §4.3) over the result.
 *
 * Paths are relative to `credentialSubject`:
 * - `classification.<jurisdiction>`, e.g. `classification.eu-ai-act`
 * - `obligations.<framework>`, e.g. `obligations.nist-ai-rmf`
 * - `evidence.items.<index>`, or `evidence:<evidence id>`
 */
import { decodeJwt, decodeSdJwtSync, getClaimsSync, splitSdJwt, unpackSync } from '@sd-jwt/decode'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import type { PresentationFrame } from '@sd-jwt/types'
import { PassportError } from '../errors.js'
import type { Signer } from '../ports.js'
import { isRecord, libraryHasher, sdJwtSigner, type SdHasher } from './sd-jwt.js'
import { ALLOWED_ALGS } from './types.js'
import { compareCodeUnits } from '../compare.js'

const SUBJECT = 'credentialSubject.'

export interface PresentKeyBinding {
  /** The holder's key: its public key must be the passport's `cnf.jwk`. */
  signer: Signer
  /** The verifier this presentation is for (KB-JWT `aud`). */
  audience: string
  /** The verifier's challenge (KB-JWT `nonce`). */
  nonce: string
  /** Seconds since the epoch (KB-JWT `iat`). */
  issuedAt: number
}

export interface PresentPassportOptions {
  /** Paths to disclose (see the module comment); an empty list discloses nothing. */
  disclose: string[]
  keyBinding?: PresentKeyBinding
  /** SHA-256 (`@sd-jwt/crypto-nodejs` `digest` in Node). */
  hasher: SdHasher
}

/** A decoded passport's selectively disclosable paths (relative to credentialSubject). */
export interface DisclosablePaths {
  /** `classification.eu-ai-act`, `evidence.items.0`, ... sorted, item indexes as numbers (2 before 10). */
  paths: string[]
  /** Evidence id -> index in `evidence.items`, for `evidence:<id>`. */
  evidenceIds: Map<string, number>
}

function malformed(message: string, cause?: unknown): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_MALFORMED',
    message: `passport: ${message}`,
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Code-unit order, except that paths differing only in a final index compare by its value. */
function comparePaths(a: string, b: string): number {
  const ma = /^(.*\.)(\d+)$/.exec(a)
  const mb = /^(.*\.)(\d+)$/.exec(b)
  if (ma && mb && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2])
  return compareCodeUnits(a, b)
}

/**
 * The claims of a compact SD-JWT after disclosure processing: each disclosure whose digest the
 * issuer-signed JWT lists takes its place, any other is ignored. The signature is NOT checked:
 * callers use it on a token verified before (a registry's stored passport) or bound by digest.
 */
export function disclosedClaimsOf<T>(sdJwt: string, hasher: SdHasher): T {
  const h = libraryHasher(hasher)
  const decoded = decodeSdJwtSync(sdJwt, h)
  return getClaimsSync<T>(decoded.jwt.payload, decoded.disclosures, h)
}

/** Lists what can be disclosed from an issued SD-JWT (throws ERR_PASSPORT_MALFORMED). */
export function disclosablePaths(sdJwt: string, hasher: SdHasher): DisclosablePaths {
  let unpacked: { unpackedObj: unknown; disclosureKeymap: Record<string, string> }
  try {
    const { jwt, disclosures } = decodeSdJwtSync(sdJwt, libraryHasher(hasher))
    unpacked = unpackSync(jwt.payload, disclosures, libraryHasher(hasher))
  } catch (error) {
    throw malformed('not a compact SD-JWT whose header, payload and disclosures decode', error)
  }
  const paths = Object.keys(unpacked.disclosureKeymap)
    .filter((k) => k.startsWith(SUBJECT))
    .map((k) => k.slice(SUBJECT.length))
    .sort(comparePaths)
  const evidenceIds = new Map<string, number>()
  const root = unpacked.unpackedObj
  const subject = isRecord(root) ? root.credentialSubject : undefined
  const evidence = isRecord(subject) ? subject.evidence : undefined
  const items = isRecord(evidence) ? evidence.items : undefined
  // Unpacking drops undisclosed array elements, so map ids through the disclosed keys' indexes.
  const itemIndexes = paths
    .filter((p) => /^evidence\.items\.\d+$/.test(p))
    .map((p) => Number(p.slice('evidence.items.'.length)))
    .sort((a, b) => a - b)
  if (Array.isArray(items) && items.length === itemIndexes.length) {
    items.forEach((item, i) => {
      const index = itemIndexes[i]
      if (isRecord(item) && typeof item.id === 'string' && index !== undefined) {
        evidenceIds.set(item.id, index)
      }
    })
  }
  return { paths, evidenceIds }
}

/** Resolves user paths to library keys under credentialSubject; throws on unknown paths. */
function resolvePaths(disclose: readonly string[], available: DisclosablePaths): string[] {
  const known = new Set(available.paths)
  const out: string[] = []
  const unknown: string[] = []
  for (const raw of disclose) {
    const path = raw.startsWith(SUBJECT) ? raw.slice(SUBJECT.length) : raw
    if (path.startsWith('evidence:')) {
      const index = available.evidenceIds.get(path.slice('evidence:'.length))
      if (index === undefined) unknown.push(raw)
      else out.push(`evidence.items.${index}`)
    } else if (known.has(path)) out.push(path)
    else unknown.push(raw)
  }
  if (unknown.length > 0) {
    const list = [
      ...available.paths,
      ...[...available.evidenceIds.keys()].sort().map((id) => `evidence:${id}`),
    ]
    throw new PassportError({
      code: 'ERR_PASSPORT_DISCLOSURE_UNKNOWN',
      message:
        `cannot disclose ${unknown.map((u) => JSON.stringify(u)).join(', ')}: no such disclosure in this passport; ` +
        `available: ${list.length > 0 ? list.join(', ') : '(none)'}`,
      details: { unknown, available: list },
    })
  }
  return [...new Set(out)]
}

/** `['classification.eu-ai-act']` -> `{ credentialSubject: { classification: { 'eu-ai-act': true } } }` */
function presentationFrame(paths: readonly string[]): Record<string, unknown> {
  const subject: Record<string, unknown> = {}
  for (const path of paths) {
    const parts = path.split('.')
    let node = subject
    for (const part of parts.slice(0, -1)) {
      const next = node[part]
      if (isRecord(next)) node = next
      else {
        const created: Record<string, unknown> = {}
        node[part] = created
        node = created
      }
    }
    node[parts[parts.length - 1] as string] = true
  }
  return { credentialSubject: subject }
}

function checkHolderKey(sdJwt: string, signer: Signer): void {
  let cnf: unknown
  try {
    cnf = (decodeJwt(splitSdJwt(sdJwt).jwt).payload as Record<string, unknown>).cnf
  } catch (error) {
    throw malformed('the issuer-signed JWT does not decode', error)
  }
  const jwk = isRecord(cnf) ? cnf.jwk : undefined
  if (!isRecord(jwk)) {
    throw new PassportError({
      code: 'ERR_PASSPORT_HOLDER_KEY',
      message:
        'key binding requested, but the passport has no holder key (cnf.jwk); issue it with one',
    })
  }
  const pub = signer.publicJwk
  if (jwk.kty !== pub.kty || jwk.crv !== pub.crv || jwk.x !== pub.x || jwk.y !== pub.y) {
    throw new PassportError({
      code: 'ERR_PASSPORT_HOLDER_KEY',
      message:
        "the key-binding key is not the passport's holder key (cnf.jwk); use the matching private key",
    })
  }
}

/** Returns `<jwt>~<chosen disclosures>~[<kb-jwt>]`. */
export async function presentPassport(
  sdJwt: string,
  options: PresentPassportOptions,
): Promise<string> {
  if (!Array.isArray(options.disclose)) throw new TypeError('options.disclose must be an array')
  if (typeof sdJwt !== 'string' || !sdJwt.includes('~')) {
    throw malformed('expected a compact SD-JWT `<jwt>~<disclosure>~...~`')
  }
  if (splitSdJwt(sdJwt).kbJwt !== undefined) {
    throw malformed(
      'this is already a presentation with key binding; present from the issued passport',
    )
  }
  const available = disclosablePaths(sdJwt, options.hasher)
  const paths = resolvePaths(options.disclose, available)
  const frame = presentationFrame(paths) as PresentationFrame<Record<string, unknown>>
  const kb = options.keyBinding
  if (!kb) {
    return new SDJwtVcInstance({ hasher: libraryHasher(options.hasher) }).present(sdJwt, frame)
  }
  if (!(ALLOWED_ALGS as readonly string[]).includes(kb.signer.alg)) {
    throw new TypeError(`keyBinding.signer.alg must be one of ${ALLOWED_ALGS.join(', ')}`)
  }
  if (!Number.isSafeInteger(kb.issuedAt))
    throw new TypeError('keyBinding.issuedAt must be whole seconds')
  if (typeof kb.audience !== 'string' || kb.audience === '') {
    throw new TypeError('keyBinding.audience must be a non-empty string')
  }
  if (typeof kb.nonce !== 'string' || kb.nonce === '') {
    throw new TypeError('keyBinding.nonce must be a non-empty string')
  }
  checkHolderKey(sdJwt, kb.signer)
  const instance = new SDJwtVcInstance({
    hasher: libraryHasher(options.hasher),
    kbSigner: sdJwtSigner(kb.signer),
    kbSignAlg: kb.signer.alg,
  })
  return instance.present(sdJwt, frame, {
    kb: { payload: { iat: kb.issuedAt, aud: kb.audience, nonce: kb.nonce } },
  })
}
