/**
 * Verifies OpenSSF model signatures (sigstore/model-transparency `model.sig`, signed with a key)
 * with node:crypto, and hashes a model directory the way upstream's `files` serialization does.
 *
 * Steps, in order (each one a `CheckResult`):
 * 1. `format`: the bundle parses (src/core/passport/model-signing.ts).
 * 2. `signature`: a DSSE signature verifies over PAE(payloadType, payload) with the given public
 *    key: ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512 (DER signatures) or Ed25519.
 * 3. `subject-digest`: the subject digest equals SHA-256 of the concatenated resource digests.
 * 4. `files` (with `modelDir`): every signed file exists with its digest, and no other file is
 *    present except ignored paths (the statement's `ignore_paths` plus `ignorePaths`).
 * Certificate and Sigstore (keyless) bundles are not verified here: only key-signed bundles.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import { lstat, readdir } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, PassportError } from '../core/errors.js'
import {
  compareResources,
  isIgnoredPath,
  modelSubjectDigest,
  parseModelSignature,
  preAuthEncoding,
  type ParsedModelSignature,
  type ResourceComparison,
} from '../core/passport/model-signing.js'
import type { ArtifactDigest, CheckResult } from '../core/passport/types.js'
import { sha256File } from './hash.js'
import { sha256 } from './sha256.js'

export interface VerifyModelSignatureOptions {
  /** The model directory to check against the signed resources. */
  modelDir?: string
  /** Paths relative to `modelDir` to leave out, in addition to the statement's `ignore_paths`. */
  ignorePaths?: readonly string[]
}

export interface ModelSignatureVerification {
  ok: boolean
  checks: CheckResult[]
  /** The parsed signature, when it parsed (its content is trustworthy only when `ok`). */
  signature?: ParsedModelSignature
  /**
   * When the `format` check failed: the `ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED` error with every
   * issue, so that an adapter can report malformed input as such (exit 3, docs/errors.md) rather
   * than as a failed verification (exit 4).
   */
  malformed?: PassportError
  /** Key type that verified: `ecdsa-p384-sha384`, `ecdsa-p256-sha256`, `ed25519`, ... */
  keyAlgorithm?: string
  files?: ResourceComparison & { ignored: string[]; symlinks: string[] }
}

interface VerifyKey {
  key: KeyObject
  /** Digest for ECDSA; `null` for Ed25519 (which hashes internally). */
  digest: 'sha256' | 'sha384' | 'sha512' | null
  algorithm: string
}

const EC_CURVES: Record<string, { digest: 'sha256' | 'sha384' | 'sha512'; name: string }> = {
  prime256v1: { digest: 'sha256', name: 'ecdsa-p256-sha256' },
  secp384r1: { digest: 'sha384', name: 'ecdsa-p384-sha384' },
  secp521r1: { digest: 'sha512', name: 'ecdsa-p521-sha512' },
}

const PEM_BEGIN = '-----BEGIN PUBLIC KEY-----'

/**
 * Reads a PEM public key. Text before the PEM block (upstream's key files start with `certtool`
 * output) is dropped. Throws `ERR_PASSPORT_MODEL_KEY_INVALID` for anything else than an ECDSA
 * P-256/P-384/P-521 or Ed25519 public key.
 */
export function readModelPublicKey(pem: string, source = 'public key'): VerifyKey {
  const invalid = (why: string, cause?: unknown) =>
    new PassportError({
      code: 'ERR_PASSPORT_MODEL_KEY_INVALID',
      message: `${source}: ${why}`,
      ...(cause === undefined ? {} : { cause }),
    })
  const start = pem.indexOf(PEM_BEGIN)
  if (start < 0) throw invalid(`no "${PEM_BEGIN}" block found`)
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem.slice(start), format: 'pem' })
  } catch (cause) {
    throw invalid('the PEM block is not a valid public key', cause)
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, digest: null, algorithm: 'ed25519' }
  if (key.asymmetricKeyType === 'ec') {
    const curve = EC_CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
    if (curve) return { key, digest: curve.digest, algorithm: curve.name }
    throw invalid(
      `unsupported elliptic curve ${key.asymmetricKeyDetails?.namedCurve ?? '(unknown)'}`,
    )
  }
  throw invalid(
    `unsupported key type ${key.asymmetricKeyType ?? '(unknown)'}; use ECDSA or Ed25519`,
  )
}

/**
 * Verifies a model signature with a public key; with `modelDir`, also that the directory holds
 * exactly the signed files. Fails closed: a malformed bundle is a failed `format` check, not an
 * exception. Throws only for a bad key (`ERR_PASSPORT_MODEL_KEY_INVALID`) or an unreadable model
 * directory.
 */
export async function verifyModelSignature(
  bundleJson: unknown,
  publicKeyPem: string,
  options: VerifyModelSignatureOptions = {},
): Promise<ModelSignatureVerification> {
  const key = readModelPublicKey(publicKeyPem)
  const checks: CheckResult[] = []
  const done = (extra: Partial<ModelSignatureVerification> = {}): ModelSignatureVerification => ({
    ok: checks.every((c) => c.outcome === 'pass' || c.outcome === 'skipped'),
    checks,
    keyAlgorithm: key.algorithm,
    ...extra,
  })

  // 1. format
  let sig: ParsedModelSignature
  try {
    sig = parseModelSignature(typeof bundleJson === 'string' ? JSON.parse(bundleJson) : bundleJson)
  } catch (err) {
    const malformed =
      err instanceof PassportError
        ? err
        : new PassportError({
            code: 'ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED',
            message: `model signature: not JSON (${err instanceof Error ? err.message : String(err)})`,
            cause: err,
          })
    checks.push({
      check: 'format',
      outcome: 'fail',
      reason: 'malformed',
      message: malformed.message,
    })
    return done({ malformed })
  }
  checks.push({
    check: 'format',
    outcome: 'pass',
    reason: 'ok',
    message: `Sigstore bundle with a DSSE in-toto statement (${sig.resources.length} resources)`,
  })

  // 2. signature: the payload means nothing until this passes, so stop on failure.
  const pae = preAuthEncoding(sig.payloadType, sig.payload)
  const valid = sig.signatures.some((s) => {
    try {
      return cryptoVerify(
        key.digest,
        pae,
        key.digest ? { key: key.key, dsaEncoding: 'der' } : key.key,
        s.sig,
      )
    } catch {
      // A signature that is not DER, or of the wrong size, is simply not valid.
      return false
    }
  })
  if (!valid) {
    checks.push({
      check: 'signature',
      outcome: 'fail',
      reason: 'signature-invalid',
      message: `no DSSE signature verifies with the given ${key.algorithm} key`,
    })
    return done({ signature: sig })
  }
  checks.push({
    check: 'signature',
    outcome: 'pass',
    reason: 'ok',
    message: `DSSE signature verifies (${key.algorithm})`,
  })

  // 3. subject digest
  const computed = modelSubjectDigest(
    sig.resources.map((r) => r.digest),
    sha256,
  )
  checks.push(
    computed === sig.subject.digest.sha256
      ? {
          check: 'subject-digest',
          outcome: 'pass',
          reason: 'ok',
          message: `subject digest ${computed}`,
        }
      : {
          check: 'subject-digest',
          outcome: 'fail',
          reason: 'malformed',
          message: `the subject digest ${sig.subject.digest.sha256} is not the hash of the resource digests (${computed})`,
        },
  )

  // 4. files
  if (options.modelDir === undefined) {
    checks.push({
      check: 'files',
      outcome: 'skipped',
      reason: 'ok',
      message: 'no model directory given',
    })
    return done({ signature: sig })
  }
  const ser = sig.serialization
  const unsupported =
    ser.method !== 'files'
      ? `serialization method "${ser.method}"`
      : (ser.hash_type ?? 'sha256') !== 'sha256'
        ? `hash type "${ser.hash_type}"`
        : sig.resources.find((r) => r.algorithm !== 'sha256')?.algorithm
  if (unsupported) {
    checks.push({
      check: 'files',
      outcome: 'indeterminate',
      reason: 'malformed',
      message: `cannot recompute ${unsupported}: only whole-file SHA-256 signatures are checked against files`,
    })
    return done({ signature: sig })
  }
  const ignorePaths = [...(ser.ignore_paths ?? []), ...(options.ignorePaths ?? [])]
  const listing = await listModelFiles(options.modelDir, ignorePaths)
  const digests = await Promise.all(
    listing.files.map(async (name) => ({
      name,
      sha256: (await sha256File(path.join(options.modelDir as string, ...name.split('/')))).sha256,
    })),
  )
  const cmp = compareResources(sig.resources, digests)
  const symlinks = ser.allow_symlinks ? [] : listing.symlinks
  const files = { ...cmp, ignored: listing.ignored, symlinks }
  const problems = [
    ...cmp.mismatched.map((m) => `${m.name} differs (sha256 ${m.actual}, signed ${m.expected})`),
    ...cmp.missing.map((m) => `${m} is missing`),
    ...cmp.extra.map((m) => `${m} is not in the signature`),
    ...symlinks.map((s) => `${s} is a symbolic link, which the signature does not allow`),
    ...listing.others.map((o) => `${o} is not a regular file (not hashed, not in the signature)`),
  ]
  checks.push(
    problems.length === 0
      ? {
          check: 'files',
          outcome: 'pass',
          reason: 'ok',
          message: `${cmp.matched.length} ${cmp.matched.length === 1 ? 'file matches' : 'files match'}`,
        }
      : {
          check: 'files',
          outcome: 'fail',
          reason:
            cmp.missing.length > 0 && cmp.mismatched.length === 0 && cmp.extra.length === 0
              ? 'artifact-missing'
              : 'artifact-mismatch',
          message: problems.join('; '),
        },
  )
  return done({ signature: sig, files })
}

/**
 * Lists the regular files under `dir` as `/`-separated relative names, leaving out ignored paths
 * (and everything under an ignored directory). Symbolic links are reported apart, never followed;
 * so are other entries that are neither files nor directories (FIFOs, sockets, devices).
 */
export async function listModelFiles(
  dir: string,
  ignorePaths: readonly string[] = [],
): Promise<{ files: string[]; ignored: string[]; symlinks: string[]; others: string[] }> {
  const files: string[] = []
  const ignored: string[] = []
  const symlinks: string[] = []
  const others: string[] = []
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, ...rel.split('/').filter(Boolean)), {
      withFileTypes: true,
    })
    for (const e of entries) {
      const name = rel ? `${rel}/${e.name}` : e.name
      if (isIgnoredPath(name, ignorePaths)) {
        ignored.push(name)
        continue
      }
      if (e.isSymbolicLink()) symlinks.push(name)
      else if (e.isDirectory()) await walk(name)
      else if (e.isFile()) files.push(name)
      else others.push(name)
    }
  }
  const info = await lstat(dir)
  if (!info.isDirectory()) throw new TypeError(`${dir} is not a directory`)
  await walk('')
  return {
    files: files.sort(),
    ignored: ignored.sort(),
    symlinks: symlinks.sort(),
    others: others.sort(),
  }
}

/**
 * Hashes every file under `dir` (minus ignored paths) into artifact digests, sorted by path.
 * Refuses (`ERR_CONFIG_BAD_ARGS`) a directory holding symbolic links or other non-regular files
 * rather than leave them out silently: the statement records `allow_symlinks: false`, and a
 * Hugging Face cache snapshot, made of links, would otherwise hash to an empty model.
 */
export async function hashModelDir(
  dir: string,
  ignorePaths: readonly string[] = [],
): Promise<ArtifactDigest[]> {
  const { files, symlinks, others } = await listModelFiles(dir, ignorePaths)
  if (symlinks.length > 0 || others.length > 0) {
    const list = (names: string[]) =>
      names.slice(0, 10).join(', ') + (names.length > 10 ? `, and ${names.length - 10} more` : '')
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message:
        `${dir} cannot be hashed as a model: ` +
        [
          symlinks.length > 0 ? `symbolic links are not followed (${list(symlinks)})` : '',
          others.length > 0 ? `not regular files (${list(others)})` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '; copy the model with the links resolved (cp -rL), or leave them out with --ignore-paths',
    })
  }
  const out: ArtifactDigest[] = []
  for (const name of files) {
    const d = await sha256File(path.join(dir, ...name.split('/')))
    out.push({ path: name, sha256: d.sha256, size: d.size })
  }
  return out
}
