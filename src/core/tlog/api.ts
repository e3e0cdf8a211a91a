/**
 * The HTTP API of the transparency log, shared by the server (src/server) and the clients (log
 * monitor, `accord verify --log`), so both use the same paths, parameters and response shapes.
 * Responses from a log are untrusted: clients parse them with the zod schemas below and verify
 * every proof against a signed checkpoint.
 */
import { z } from 'zod'
import { MAX_NOTE_BYTES } from './note.js'

/** Paths, relative to the registry's base URL (e.g. `https://registry.example`). */
export const LOG_API = {
  /** GET, `text/plain; charset=utf-8`: the latest checkpoint as a C2SP signed note. */
  checkpoint: '/api/v1/log/checkpoint',
  /** GET `?index=N&size=M`: JSON `InclusionProofResponse`. */
  inclusionProof: '/api/v1/log/proof/inclusion',
  /** GET `?from=M&to=N`: JSON `ConsistencyProofResponse`. */
  consistencyProof: '/api/v1/log/proof/consistency',
  /**
   * GET, `text/event-stream` (Server-Sent Events): an event `checkpoint` (`id` = tree size, data
   * `CheckpointEvent`) on connect and whenever the log grows; heartbeat comments.
   */
  events: '/api/v1/log/events',
  /** GET `?start=S&end=E` (E exclusive, at most MAX_ENTRIES_PER_REQUEST): `EntriesResponse`. */
  entries: '/api/v1/log/entries',
  /** GET `/api/v1/passports/:id`: the stored passport, with `logIndex`. */
  passports: '/api/v1/passports',
  /**
   * GET: JSON `RegistryInfoResponse`, who the registry is: the `audience` that signed requests to
   * it carry as `aud` (src/server/signed-request.ts), and its log's origin and verifier key.
   */
  registry: '/api/v1/registry',
  /** GET `/api/v1/status-lists/:listId`: the Status List Token (PUT by the list's key). */
  statusLists: '/api/v1/status-lists',
  /** GET `?after=LOGINDEX&limit=N`: incident reports of every passport, in log order. */
  incidents: '/api/v1/incidents',
  /** GET `?after=LOGINDEX&limit=N`: evaluation results of every passport, in log order. */
  evaluations: '/api/v1/evaluations',
} as const

/** Content type of the checkpoint endpoint. */
export const CHECKPOINT_CONTENT_TYPE = 'text/plain; charset=utf-8'

/** Most entries one `entries` request returns; a longer range is cut to this many. */
export const MAX_ENTRIES_PER_REQUEST = 1000

/** Largest response body a client reads from a log (proofs are < 4 KB, entries pages < 4 MB). */
export const MAX_LOG_RESPONSE_BYTES = 8 * 1024 * 1024

/**
 * The URL of an API path (`/api/v1/...`, with or without a query) at the registry whose base URL
 * is `base`. The path goes under the base's own path, whether or not that ends with a slash: a
 * registry served under `https://host/prefix/` is asked at `https://host/prefix/api/v1/...`.
 * (`new URL('/api/v1/...', base)`, which `accord publish` used, resolves an absolute path against
 * the host and drops the prefix; `new URL('api/v1/...', base)` drops the base's last segment
 * when it has no trailing slash.) The base's query and fragment are dropped.
 */
export function apiUrl(base: string | URL, path: string): URL {
  if (!path.startsWith('/')) throw new TypeError(`API path "${path}" must start with "/"`)
  const url = new URL(base)
  const q = path.indexOf('?')
  url.pathname = url.pathname.replace(/\/+$/, '') + (q === -1 ? path : path.slice(0, q))
  url.search = q === -1 ? '' : path.slice(q)
  url.hash = ''
  return url
}

/** `/api/v1/passports/<id>/incidents` (GET the reports, POST one), with the id escaped. */
export function passportIncidentsPath(id: string): string {
  return `${passportPath(id)}/incidents`
}

/** `/api/v1/passports/<id>/evaluations` (GET the results, POST one), with the id escaped. */
export function passportEvaluationsPath(id: string): string {
  return `${passportPath(id)}/evaluations`
}

/** `/api/v1/passports/<id>`, with the id escaped. */
export function passportPath(id: string): string {
  return `${LOG_API.passports}/${encodeURIComponent(id)}`
}

/** `/api/v1/status-lists/<listId>`, with the id escaped. */
export function statusListPath(listId: string): string {
  return `${LOG_API.statusLists}/${encodeURIComponent(listId)}`
}

/** `/api/v1/log/proof/inclusion?index=N&size=M` */
export function inclusionProofPath(index: number, size: number): string {
  return `${LOG_API.inclusionProof}?index=${index}&size=${size}`
}

/** `/api/v1/log/proof/consistency?from=M&to=N` */
export function consistencyProofPath(from: number, to: number): string {
  return `${LOG_API.consistencyProof}?from=${from}&to=${to}`
}

/** `/api/v1/log/entries?start=S&end=E` */
export function entriesPath(start: number, end: number): string {
  return `${LOG_API.entries}?start=${start}&end=${end}`
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash as 64 lowercase hex digits')
/** A proof is at most 2 x 64 hashes for any size below 2^64; more is an attack or a bug. */
const hashes = z.array(hex32).max(128)

/** Body of the inclusion proof endpoint. Hashes are lowercase hex, leaf side first. */
export const InclusionProofResponseSchema = z.object({
  index: count,
  size: count,
  hashes,
})
export type InclusionProofResponse = z.infer<typeof InclusionProofResponseSchema>

/** Body of the consistency proof endpoint. */
export const ConsistencyProofResponseSchema = z.object({
  from: count,
  to: count,
  hashes,
})
export type ConsistencyProofResponse = z.infer<typeof ConsistencyProofResponseSchema>

/** One log entry as served: `payload` is the canonical entry JSON (see entry.ts). */
export const EntryResponseSchema = z.object({
  index: count,
  kind: z.string(),
  payload: z.string(),
  leafHash: hex32,
})
export type EntryResponse = z.infer<typeof EntryResponseSchema>

export const EntriesResponseSchema = z.object({
  entries: z.array(EntryResponseSchema).max(MAX_ENTRIES_PER_REQUEST),
})
export type EntriesResponse = z.infer<typeof EntriesResponseSchema>

/** Data of an event `checkpoint` of the events endpoint: the size and the signed note. */
export const CheckpointEventSchema = z.object({
  size: count,
  note: z.string().max(MAX_NOTE_BYTES),
})
export type CheckpointEvent = z.infer<typeof CheckpointEventSchema>

/** The part of the passport endpoint's body a log client reads. */
export const PassportLogRefSchema = z.object({
  id: z.string(),
  logIndex: count.nullable(),
})

/** Longest audience a client accepts (a verifier key is an origin of a few dozen characters + 54). */
export const MAX_AUDIENCE_CHARS = 1024

/**
 * Body of `GET /api/v1/registry`. `audience` is opaque to clients: they copy it into the `aud`
 * of the requests they sign for this registry. (It is the log's verifier key today.)
 */
export const RegistryInfoResponseSchema = z.object({
  audience: z.string().min(1).max(MAX_AUDIENCE_CHARS),
  logOrigin: z.string(),
  logVerifierKey: z.string(),
})
export type RegistryInfoResponse = z.infer<typeof RegistryInfoResponseSchema>
