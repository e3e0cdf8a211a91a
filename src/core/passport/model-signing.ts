/**
 * Interoperability with OpenSSF model signing (sigstore/model-transparency, predicate v1.0): parse
 * a model signature, rebuild the DSSE signing input, check its subject digest rule, compare its
 * resources with files on disk, and export our artifact digests as the same in-toto Statement.
 * Pure; signature verification and file hashing live in src/node/model-signing.ts.
 *
 * Layers of a `model.sig` (Sigstore bundle v0.3):
 *   bundle.dsseEnvelope { payloadType: application/vnd.in-toto+json, payload: base64, signatures[] }
 *   payload = in-toto Statement v1 {
 *     subject: [{ name: <model dir name>, digest: { sha256: SHA-256(raw resource digests, in order) } }],
 *     predicateType: https://model_signing/signature/v1.0,
 *     predicate: { resources: [{ name, algorithm, digest }], serialization: { method, hash_type, ... } } }
 * Spec: https://github.com/sigstore/model-transparency (src/model_signing/_signing/signing.py),
 * DSSE: https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
import { z } from 'zod'
import { PassportError, type Issue } from '../errors.js'
import { fromHex, toHex, type Sha256Fn } from '../merkle/hash.js'
import type { ArtifactDigest } from './types.js'

export const SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle'
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1'
export const MODEL_SIGNING_PREDICATE_V1 = 'https://model_signing/signature/v1.0'

const HEX64 = /^[0-9a-f]{64}$/
/** Standard or URL-safe base64 (proto3 JSON accepts both), padding optional. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/
const BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/

/** Decodes base64 strictly: `undefined` for anything else (atob alone tolerates whitespace). */
export function decodeBase64(text: string): Uint8Array | undefined {
  let std: string
  if (BASE64.test(text)) std = text
  else if (BASE64URL.test(text)) std = text.replace(/-/g, '+').replace(/_/g, '/')
  else return undefined
  std = std.padEnd(Math.ceil(std.length / 4) * 4, '=')
  const bin = atob(std)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

const base64Field = z.string().refine((s) => decodeBase64(s) !== undefined, 'must be base64')

const BundleSchema = z.object({
  mediaType: z.string().startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX),
  verificationMaterial: z
    .object({
      publicKey: z.object({ hint: z.string().optional() }).optional(),
      tlogEntries: z.array(z.unknown()).optional(),
    })
    .loose(),
  dsseEnvelope: z.object({
    payload: base64Field,
    payloadType: z.literal(IN_TOTO_PAYLOAD_TYPE),
    signatures: z
      .array(z.object({ sig: base64Field.min(1), keyid: z.string().optional() }))
      .min(1)
      .max(16),
  }),
})

const ResourceSchema = z.object({
  name: z.string().min(1),
  algorithm: z.string().min(1),
  digest: z
    .string()
    .regex(/^[0-9a-f]+$/, 'must be lowercase hex')
    .refine((s) => s.length % 2 === 0, 'must be whole bytes'),
})

const SerializationSchema = z
  .object({
    method: z.string(),
    hash_type: z.string().optional(),
    allow_symlinks: z.boolean().optional(),
    ignore_paths: z.array(z.string()).optional(),
    shard_size: z.number().int().positive().optional(),
  })
  .loose()

const StatementSchema = z.object({
  _type: z.literal(IN_TOTO_STATEMENT_V1),
  subject: z
    .array(
      z.object({
        name: z.string(),
        digest: z
          .object({ sha256: z.string().regex(HEX64, 'must be 64 lowercase hex digits') })
          .loose(),
      }),
    )
    .length(1, 'must hold exactly one subject (the model)'),
  predicateType: z.literal(MODEL_SIGNING_PREDICATE_V1),
  predicate: z
    .object({
      resources: z.array(ResourceSchema),
      serialization: SerializationSchema,
    })
    .loose(),
})

export type ModelResource = z.infer<typeof ResourceSchema>
export type ModelSerialization = z.infer<typeof SerializationSchema>
export type ModelStatement = z.infer<typeof StatementSchema>

export interface ParsedModelSignature {
  mediaType: string
  payloadType: string
  /** The DSSE payload bytes exactly as signed. */
  payload: Uint8Array
  statement: ModelStatement
  resources: ModelResource[]
  subject: { name: string; digest: { sha256: string } }
  serialization: ModelSerialization
  signatures: { keyid: string; sig: Uint8Array }[]
  /** `verificationMaterial.publicKey.hint`, when the bundle names its key. */
  keyHint: string | undefined
}

function malformed(message: string, issues: Issue[] = []): PassportError {
  return new PassportError({
    code: 'ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED',
    message: `model signature: ${message}`,
    issues,
  })
}

function zodIssues(error: z.ZodError, prefix: (string | number)[]): Issue[] {
  return error.issues.map((i) => ({
    code: i.code,
    path: [...prefix, ...i.path.filter((p): p is string | number => typeof p !== 'symbol')],
    message: i.message,
  }))
}

function firstIssue(issues: Issue[]): string {
  const i = issues[0]
  if (!i) return 'invalid'
  return `${i.path.join('.') || '(root)'}: ${i.message}`
}

/**
 * Parses a model signature (the JSON of a Sigstore bundle) without verifying anything
 * cryptographic. Throws `PassportError` `ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED` listing every
 * problem when it is not a bundle with a DSSE envelope holding a model-signing v1.0 statement.
 * Only a signature, never this parse, makes the content trustworthy.
 */
export function parseModelSignature(json: unknown): ParsedModelSignature {
  const bundle = BundleSchema.safeParse(json)
  if (!bundle.success) {
    const issues = zodIssues(bundle.error, [])
    throw malformed(
      `not a Sigstore bundle with an in-toto DSSE envelope (${firstIssue(issues)})`,
      issues,
    )
  }
  const env = bundle.data.dsseEnvelope
  const payload = decodeBase64(env.payload) as Uint8Array
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload)
  } catch {
    throw malformed('the DSSE payload is not UTF-8 text')
  }
  let statementJson: unknown
  try {
    statementJson = JSON.parse(text)
  } catch (cause) {
    throw malformed(`the DSSE payload is not JSON (${(cause as Error).message})`)
  }
  const statement = StatementSchema.safeParse(statementJson)
  if (!statement.success) {
    const issues = zodIssues(statement.error, ['payload'])
    throw malformed(
      `the payload is not a model-signing v1.0 statement (${firstIssue(issues)})`,
      issues,
    )
  }
  const s = statement.data
  const names = new Set<string>()
  for (const [i, r] of s.predicate.resources.entries()) {
    if (names.has(r.name))
      throw malformed(`resource "${r.name}" is listed twice`, [
        {
          code: 'duplicate_resource',
          path: ['payload', 'predicate', 'resources', i, 'name'],
          message: 'listed twice',
        },
      ])
    names.add(r.name)
  }
  return {
    mediaType: bundle.data.mediaType,
    payloadType: env.payloadType,
    payload,
    statement: s,
    resources: s.predicate.resources,
    subject: {
      name: (s.subject[0] as ModelStatement['subject'][number]).name,
      digest: { sha256: (s.subject[0] as ModelStatement['subject'][number]).digest.sha256 },
    },
    serialization: s.predicate.serialization,
    signatures: env.signatures.map((x) => ({
      keyid: x.keyid ?? '',
      sig: decodeBase64(x.sig) as Uint8Array,
    })),
    keyHint: bundle.data.verificationMaterial.publicKey?.hint,
  }
}

/**
 * DSSE v1 pre-authentication encoding, the bytes that are actually signed:
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal byte counts.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = new TextEncoder().encode(payloadType)
  const head = new TextEncoder().encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `)
  const out = new Uint8Array(head.length + payload.length)
  out.set(head)
  out.set(payload, head.length)
  return out
}

/**
 * The subject digest rule of model signing v1.0: SHA-256 over the concatenated raw bytes of the
 * resource digests, in the order given (the signer lists resources in name order; verifiers, like
 * upstream's, hash them in the order listed).
 */
export function modelSubjectDigest(digestsHex: readonly string[], sha256: Sha256Fn): string {
  const parts = digestsHex.map((d) => {
    const bytes = fromHex(d)
    if (!bytes) throw new TypeError(`modelSubjectDigest: "${d}" is not hex`)
    return bytes
  })
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.length
  }
  return toHex(sha256(all))
}

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

/**
 * Orders resource names as upstream does: it sorts Python `PurePosixPath`s, which compare
 * component by component (so `a/b` sorts before `a-b`), each component by code point.
 */
export function compareResourceNames(a: string, b: string): number {
  const x = a.split('/')
  const y = b.split('/')
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = compareCodePoints(x[i] as string, y[i] as string)
    if (d !== 0) return d
  }
  return x.length - y.length
}

/** The serialization our export records: whole files, SHA-256, no symlinks, nothing ignored. */
export const EXPORT_SERIALIZATION = {
  method: 'files',
  hash_type: 'sha256',
  allow_symlinks: false,
  ignore_paths: [] as string[],
}

/**
 * Our artifact digests as a model-signing v1.0 in-toto Statement (unsigned): resources sorted as
 * upstream sorts them, algorithm `sha256`, and the subject digest by the same rule, so a model
 * hashed by Accord and by `model_signing` yields the same statement content.
 */
export function exportInToto(
  artifacts: readonly ArtifactDigest[],
  name: string,
  sha256: Sha256Fn,
): ModelStatement {
  const resources = [...artifacts]
    .map((a) => {
      if (!HEX64.test(a.sha256))
        throw new TypeError(`artifact "${a.path}": sha256 must be 64 lowercase hex digits`)
      return { name: a.path, algorithm: 'sha256', digest: a.sha256 }
    })
    .sort((a, b) => compareResourceNames(a.name, b.name))
  for (let i = 1; i < resources.length; i++)
    if ((resources[i] as ModelResource).name === (resources[i - 1] as ModelResource).name)
      throw new TypeError(`artifact "${(resources[i] as ModelResource).name}" is listed twice`)
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [
      {
        name,
        digest: {
          sha256: modelSubjectDigest(
            resources.map((r) => r.digest),
            sha256,
          ),
        },
      },
    ],
    predicateType: MODEL_SIGNING_PREDICATE_V1,
    predicate: {
      resources,
      serialization: { ...EXPORT_SERIALIZATION, ignore_paths: [] },
    },
  }
}

/** True when `name` is an ignored path or lies under one (upstream ignores whole directories). */
export function isIgnoredPath(name: string, ignorePaths: readonly string[]): boolean {
  return ignorePaths.some((p) => {
    const q = p.replace(/^\.\/+/, '').replace(/\/+$/, '')
    return q !== '' && (name === q || name.startsWith(q + '/'))
  })
}

export interface ResourceComparison {
  matched: string[]
  mismatched: { name: string; expected: string; actual: string }[]
  /** Signed resources with no file on disk. */
  missing: string[]
  /** Files on disk the signature does not list. */
  extra: string[]
}

/** Compares the signed resources with the digests of the files found (both by name). */
export function compareResources(
  signed: readonly ModelResource[],
  found: readonly { name: string; sha256: string }[],
): ResourceComparison {
  const onDisk = new Map(found.map((f) => [f.name, f.sha256]))
  const out: ResourceComparison = { matched: [], mismatched: [], missing: [], extra: [] }
  const listed = new Set<string>()
  for (const r of signed) {
    listed.add(r.name)
    const actual = onDisk.get(r.name)
    if (actual === undefined) out.missing.push(r.name)
    else if (actual === r.digest) out.matched.push(r.name)
    else out.mismatched.push({ name: r.name, expected: r.digest, actual })
  }
  for (const f of found) if (!listed.has(f.name)) out.extra.push(f.name)
  out.extra.sort(compareResourceNames)
  return out
}
