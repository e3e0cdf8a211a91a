/**
 * Signing keys on disk: generation, key files (JWK, private ones mode 0600), loading with checks,
 * and the file-backed Signer.
 *
 * Files:
 * - `<name>.private.jwk.json`: the private JWK, created with mode 0600 (never chmod-ed later, so
 *   the secret is never on disk with wider permissions), refused when group or others can read it.
 * - `<name>.public.jwk.json`: the public JWK (mode 0644), safe to publish.
 *
 * Nothing here prints or logs key material; error messages name files and members, never values.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto'
import { constants } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { exportJWK, generateKeyPair as joseGenerateKeyPair } from 'jose'
import { ConfigError, PassportError } from '../core/errors.js'
import {
  PRIVATE_JWK_MEMBERS,
  parsePrivateJwk,
  parsePublicKeys,
  toPublicJwk,
  type PrivateJwk,
  type PublicJwk,
} from '../core/passport/jwk.js'
import { isRecord } from '../core/passport/sd-jwt.js'
import type { AllowedAlg } from '../core/passport/types.js'
import { ALLOWED_ALGS } from '../core/passport/types.js'
import type { Signer } from '../core/ports.js'
import { ensureDir } from './fs-safe.js'

/** Largest key file read: a JWK is a few hundred bytes, a JWK Set of 100 keys well under this. */
export const MAX_KEY_FILE_BYTES = 64 * 1024

export const PRIVATE_KEY_SUFFIX = '.private.jwk.json'
export const PUBLIC_KEY_SUFFIX = '.public.jwk.json'

export interface GenerateKeyPairOptions {
  /** `EdDSA` (Ed25519, the default) or `ES256` (ECDSA P-256). */
  alg?: AllowedAlg
}

export interface KeyPair {
  alg: AllowedAlg
  /** RFC 7638 thumbprint of the public key. */
  kid: string
  privateJwk: PrivateJwk
  publicJwk: PublicJwk
}

export interface WriteKeyPairOptions {
  /** Replace existing key files (the old private key is lost). Default: refuse. */
  force?: boolean
}

export interface KeyPairFiles {
  privatePath: string
  publicPath: string
}

/** Generates a key pair with jose; `kid` is the RFC 7638 thumbprint, `use` is `sig`. */
export async function generateKeyPair(options: GenerateKeyPairOptions = {}): Promise<KeyPair> {
  const alg = options.alg ?? 'EdDSA'
  if (!(ALLOWED_ALGS as readonly string[]).includes(alg)) {
    throw new TypeError(`generateKeyPair: alg must be one of ${ALLOWED_ALGS.join(', ')}`)
  }
  // EdDSA in jose 6 means Ed25519 by default; ES256 means P-256.
  const { privateKey } = await joseGenerateKeyPair(alg, { extractable: true })
  const exported = await exportJWK(privateKey)
  const privateJwk = await parsePrivateJwk({ ...exported, alg, use: 'sig' }, 'generated key')
  return { alg, kid: privateJwk.kid, privateJwk, publicJwk: toPublicJwk(privateJwk) }
}

/** Key names become file names: letters, digits, '.', '_' and '-', not starting with '.'. */
const KEY_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/

/** The file paths `writeKeyPair(dir, name, ...)` writes. Throws ConfigError for a bad name. */
export function keyPairPaths(dir: string, name: string): KeyPairFiles {
  if (!KEY_NAME.test(name)) {
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `key name "${name}" must be 1-100 letters, digits, '.', '_' or '-' (no '/'), not starting with '.'`,
    })
  }
  return {
    privatePath: path.join(dir, name + PRIVATE_KEY_SUFFIX),
    publicPath: path.join(dir, name + PUBLIC_KEY_SUFFIX),
  }
}

function keyJson(jwk: PublicJwk | PrivateJwk): string {
  return JSON.stringify(jwk, null, 2) + '\n'
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

/**
 * Creates `file` with `mode` from the start and writes `data`. Flag 'wx' (O_CREAT|O_EXCL): fails
 * if anything, even a dangling symbolic link, is at `file`, so an attacker cannot make us write a
 * secret through a link or into a file they already opened.
 */
async function createExclusive(file: string, data: string, mode: number): Promise<void> {
  const handle = await open(file, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } catch (err) {
    await handle.close().catch(() => undefined)
    await rm(file, { force: true }).catch(() => undefined)
    throw err
  }
  await handle.close()
}

/** Writes `data` as a new file at a temporary name, then renames it over `file`. */
async function replaceFile(file: string, data: string, mode: number): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  )
  try {
    await createExclusive(tmp, data, mode)
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
}

/**
 * Writes `<dir>/<name>.private.jwk.json` (mode 0600) and `<dir>/<name>.public.jwk.json` (0644).
 * Creates `dir` (mode 0700) when missing. Without `force`, refuses when either file exists
 * (PassportError ERR_PASSPORT_KEY_EXISTS) and writes neither; with `force`, replaces them by
 * rename. Other failures throw ERR_PASSPORT_KEY_WRITE.
 */
export async function writeKeyPair(
  dir: string,
  name: string,
  pair: KeyPair,
  options: WriteKeyPairOptions = {},
): Promise<KeyPairFiles> {
  const files = keyPairPaths(dir, name)
  const writeError = (file: string, cause: unknown) =>
    new PassportError({
      code: 'ERR_PASSPORT_KEY_WRITE',
      message: `could not write key file ${file}: ${errno(cause) ?? 'error'}`,
      cause,
    })
  const exists = (file: string) =>
    new PassportError({
      code: 'ERR_PASSPORT_KEY_EXISTS',
      message: `key file ${file} already exists; pass --force to replace it or choose another name`,
      details: { file },
    })

  try {
    await ensureDir(dir, 0o700)
  } catch (cause) {
    throw writeError(dir, cause)
  }
  const privateData = keyJson(pair.privateJwk)
  const publicData = keyJson(toPublicJwk(pair.privateJwk))

  if (options.force) {
    for (const [file, data, mode] of [
      [files.privatePath, privateData, 0o600],
      [files.publicPath, publicData, 0o644],
    ] as const) {
      try {
        await replaceFile(file, data, mode)
      } catch (cause) {
        throw writeError(file, cause)
      }
    }
  } else {
    try {
      await createExclusive(files.privatePath, privateData, 0o600)
    } catch (cause) {
      if (errno(cause) === 'EEXIST') throw exists(files.privatePath)
      throw writeError(files.privatePath, cause)
    }
    try {
      await createExclusive(files.publicPath, publicData, 0o644)
    } catch (cause) {
      // Leave no half pair: the private key file is new (created above), so it is ours to remove.
      await rm(files.privatePath, { force: true }).catch(() => undefined)
      if (errno(cause) === 'EEXIST') throw exists(files.publicPath)
      throw writeError(files.publicPath, cause)
    }
  }
  // The umask may have narrowed the public file's mode; it holds no secret, so widen it to 0644.
  try {
    const handle = await open(files.publicPath, 'r')
    await handle.chmod(0o644).finally(() => handle.close())
  } catch (cause) {
    throw writeError(files.publicPath, cause)
  }
  return files
}

interface ReadKeyFileOptions {
  /** Refuse the file when group or others have any permission on it. */
  private: boolean
}

/** A JWK or JWK Set without any private member: nothing secret in it. */
function isPublicKeyMaterial(value: unknown): boolean {
  const isPublicJwk = (jwk: unknown) =>
    isRecord(jwk) &&
    typeof jwk.kty === 'string' &&
    !PRIVATE_JWK_MEMBERS.some((m) => Object.hasOwn(jwk, m))
  if (isPublicJwk(value)) return true
  return (
    isRecord(value) &&
    Array.isArray(value.keys) &&
    value.keys.length > 0 &&
    value.keys.every(isPublicJwk) &&
    !PRIVATE_JWK_MEMBERS.some((m) => Object.hasOwn(value, m))
  )
}

/**
 * Reads and parses a key file: a regular file of at most MAX_KEY_FILE_BYTES, checked through the
 * open handle (fstat), so the file checked is the file read.
 */
async function readKeyFile(file: string, options: ReadKeyFileOptions): Promise<unknown> {
  let handle
  try {
    handle = await open(file, constants.O_RDONLY)
  } catch (cause) {
    const code = errno(cause)
    throw new PassportError({
      code: 'ERR_PASSPORT_KEY_NOT_FOUND',
      message:
        code === 'ENOENT'
          ? `key file ${file} does not exist`
          : `key file ${file} cannot be read (${code ?? 'error'})`,
      details: { file },
    })
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) {
      throw new PassportError({
        code: 'ERR_PASSPORT_KEY_NOT_FOUND',
        message: `key file ${file} is not a regular file`,
        details: { file },
      })
    }
    // POSIX permissions only; Windows reports synthetic modes.
    const exposed = options.private && process.platform !== 'win32' && (stat.mode & 0o077) !== 0
    /**
     * A private key file group or others can access is refused, unless its contents are
     * positively public key material only: then it is the wrong file, not an exposed secret, and
     * the caller says so (parsePrivateJwk: "this is a public key"). Anything else (a private JWK,
     * non-JSON, a file too large to tell) is refused for its mode, as before.
     */
    const permissionError = () => {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
      return new PassportError({
        code: 'ERR_PASSPORT_KEY_PERMISSIONS',
        message:
          `private key file ${file} has mode ${mode}: group or others can access it; ` +
          `run \`chmod 600 ${file}\` (and rotate the key if others may have read it)`,
        details: { file, mode },
      })
    }
    if (stat.size > MAX_KEY_FILE_BYTES) {
      if (exposed) throw permissionError()
      throw new PassportError({
        code: 'ERR_PASSPORT_KEY_INVALID',
        message: `key file ${file} is ${stat.size} bytes; at most ${MAX_KEY_FILE_BYTES} are accepted`,
        details: { file },
      })
    }
    // Read one byte past the limit, in case the file grew after fstat.
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1)
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0)
    if (bytesRead > MAX_KEY_FILE_BYTES) {
      if (exposed) throw permissionError()
      throw new PassportError({
        code: 'ERR_PASSPORT_KEY_INVALID',
        message: `key file ${file} is larger than ${MAX_KEY_FILE_BYTES} bytes`,
        details: { file },
      })
    }
    const text = buf.subarray(0, bytesRead).toString('utf8')
    let value: unknown
    try {
      value = JSON.parse(text) as unknown
    } catch {
      if (exposed) throw permissionError()
      // Not the parser's message: it quotes the input, which may be a secret.
      throw new PassportError({
        code: 'ERR_PASSPORT_KEY_INVALID',
        message: `key file ${file} is not valid JSON; expected a JWK object`,
        details: { file },
      })
    }
    if (exposed && !isPublicKeyMaterial(value)) throw permissionError()
    return value
  } finally {
    await handle.close()
  }
}

/**
 * Loads a private key file: mode must deny group and others (ERR_PASSPORT_KEY_PERMISSIONS), the
 * JWK must be Ed25519 or P-256 with `d`, and its `kid` (when present) must be its thumbprint
 * (ERR_PASSPORT_KEY_INVALID). A missing file throws ERR_PASSPORT_KEY_NOT_FOUND.
 */
export async function loadPrivateKey(file: string): Promise<KeyPair> {
  const value = await readKeyFile(file, { private: true })
  if (isRecord(value) && Array.isArray(value.keys)) {
    throw new PassportError({
      code: 'ERR_PASSPORT_KEY_INVALID',
      message: `private key file ${file} is a JWK Set ({"keys": [...]}), not a private key; pass the private JWK file (*.private.jwk.json)`,
      details: { file },
    })
  }
  const privateJwk = await parsePrivateJwk(value, `private key file ${file}`)
  return {
    alg: privateJwk.alg,
    kid: privateJwk.kid,
    privateJwk,
    publicJwk: toPublicJwk(privateJwk),
  }
}

/**
 * Loads public keys from a file holding one JWK or a JWK Set (`{ "keys": [...] }`). Refuses
 * private members, symmetric (`oct`) keys and unsupported curves (ERR_PASSPORT_KEY_INVALID);
 * `kid` is the thumbprint when absent.
 */
export async function loadPublicKeys(file: string): Promise<PublicJwk[]> {
  const value = await readKeyFile(file, { private: false })
  return parsePublicKeys(value, `public key file ${file}`)
}

/**
 * The public keys of any key file: a private key file (checked as loadPrivateKey does, so a
 * world-readable private key is refused here too) or a public JWK / JWK Set file.
 */
export async function loadKeyFileAsPublic(file: string): Promise<PublicJwk[]> {
  const value = await readKeyFile(file, { private: false })
  if (typeof value === 'object' && value !== null && 'd' in value) {
    return [(await loadPrivateKey(file)).publicJwk]
  }
  return parsePublicKeys(value, `public key file ${file}`)
}

/**
 * A Signer over an in-memory private JWK (checked as in a key file). Signs with node:crypto:
 * Ed25519 (RFC 8032, deterministic) for EdDSA, ECDSA P-256 with SHA-256 for ES256, returning the
 * raw R||S (IEEE P1363) encoding that JWS requires (RFC 7518 §3.4), not DER.
 */
export async function signerFromJwk(value: unknown, source = 'private key'): Promise<Signer> {
  const jwk = await parsePrivateJwk(value, source)
  const { kty, crv, x, y, d } = jwk
  let key: KeyObject
  try {
    key = createPrivateKey({
      key: { kty, crv, x, d, ...(y !== undefined ? { y } : {}) },
      format: 'jwk',
    })
  } catch {
    // node:crypto's message is dropped on purpose: keep key material out of messages.
    throw new PassportError({
      code: 'ERR_PASSPORT_KEY_INVALID',
      message: `${source}: node:crypto cannot import the key (not a valid ${crv} key)`,
    })
  }
  // The public members must belong to the private scalar; otherwise signatures would not verify
  // under the kid and public key we announce.
  const derived = createPublicKey(key).export({ format: 'jwk' })
  if (derived.x !== x || (y !== undefined && derived.y !== y)) {
    throw new PassportError({
      code: 'ERR_PASSPORT_KEY_INVALID',
      message: `${source}: the public members ("x"${y !== undefined ? ', "y"' : ''}) do not match the private key "d"`,
    })
  }
  const alg = jwk.alg
  return {
    alg,
    kid: jwk.kid,
    publicJwk: toPublicJwk(jwk),
    async sign(data: Uint8Array): Promise<Uint8Array> {
      const sig =
        alg === 'EdDSA'
          ? sign(null, data, key)
          : sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength)
    },
  }
}

/**
 * The file-backed Signer: loads `<name>.private.jwk.json` (see loadPrivateKey) and signs with it.
 *
 * This is the seam where a KMS or HSM plugs in: anything implementing the Signer port
 * (src/core/ports.ts: `alg`, `kid`, `publicJwk`, `sign(data)` returning raw JWS signature bytes)
 * can replace it, e.g. a signer that sends the signing input to AWS KMS / Cloud KMS / PKCS#11 and
 * converts a DER ECDSA signature to R||S. Issuing code never sees the private key.
 */
export async function fileSigner(privateJwkPath: string): Promise<Signer> {
  const { privateJwk } = await loadPrivateKey(privateJwkPath)
  return signerFromJwk(privateJwk, `private key file ${privateJwkPath}`)
}
