/**
 * The registry store port: what the registry (HTTP server, transparency log) needs from storage.
 * Adapters live in src/node/store/ (embedded PGlite, PostgreSQL); both run the same SQL and pass
 * the same test suite (test/node/store/store.suite.ts). See docs/storage.md.
 *
 * Durability contract: every method that writes runs in ONE database transaction and resolves
 * only after COMMIT succeeded. A caller acknowledges a publish only after the promise resolved;
 * a rejected write stored nothing (all-or-nothing), so no partial entry is ever visible.
 *
 * Errors: `StoreError` with ERR_STORE_CONFLICT (duplicate, forbidden status change, checkpoint
 * that disagrees with the log), ERR_STORE_NOT_FOUND (refers to an unknown passport),
 * ERR_STORE_BAD_CURSOR, ERR_STORE_UNAVAILABLE (database down), ERR_STORE_MIGRATION_CHANGED.
 * Malformed arguments (a leaf hash that is not 32 bytes, limit out of range) throw `TypeError`.
 *
 * Times are RFC 3339 strings in; they come back as `Date#toISOString()` (UTC, milliseconds).
 */
import type { PassportEntry } from './tlog/entry.js'

export type PassportStatus = 'valid' | 'revoked' | 'suspended'

export type LogEntryKind =
  | 'passport'
  | 'revocation'
  | 'endorsement'
  | 'suspension'
  | 'reinstatement'
  | 'delegation'
  | 'delegation-withdrawal'
  | 'incident'
  | 'evaluation'

/** What a delegation authorises; only status changes (revoke, suspend, reinstate) for now. */
export type DelegationScope = 'status'

/** A published passport, as extracted by the registry from the SD-JWT it received. */
export interface PassportRecord {
  /** The passport id: its `jti`. */
  id: string
  /** `iss` of the passport. */
  issuer: string
  /** `kid` of the issuer key that signed it. */
  kid: string
  /** The subject (AI system) id, `credentialSubject.id`. */
  subjectId: string
  systemName: string
  systemVersion: string
  providerName: string
  /** ISO 3166-1 alpha-2 country of the provider, when stated. */
  providerCountry: string | null
  /** Jurisdictions the passport covers, e.g. `['eu', 'us']`. */
  jurisdictions: string[]
  /** Risk categories per jurisdiction, e.g. `{ eu: ['high-risk'] }`. */
  categories: Record<string, string[]>
  /** The full SD-JWT exactly as published (compact form). */
  token: string
  /** Lowercase hex SHA-256 of the issuer-signed JWT (the part before the first `~`). Unique. */
  issuerJwtSha256: string
  publishedAt: string
  /**
   * The issuer's public JWK (its RFC 7638 thumbprint is `kid`): the key of the signed publish
   * request, served with the passport so a partner registry can check the signature itself
   * (docs/federation.md). Absent for passports published before it was recorded.
   */
  issuerJwk?: Record<string, unknown>
}

/**
 * Where a statement mirrored from a partner registry came from (docs/federation.md): the
 * partner's log origin, the statement's entry index in that log, the URL it was followed at and
 * when this registry mirrored it.
 */
export interface MirroredFrom {
  origin: string
  index: number
  url: string
  mirroredAt: string
}

/** How far a partner's log was followed (`accord serve --follow`): its last verified checkpoint. */
export interface PartnerLogState {
  /** The partner log's origin (the name its checkpoints carry). */
  origin: string
  url: string
  checkpointSize: number
  /** Hex root hash of the checkpoint. */
  checkpointRoot: string
  /** The signed note, as evidence. */
  checkpointNote: string
  verifiedAt: string
  /** The next entry of the partner's log to read. */
  nextIndex: number
}

/** An entry of a partner's log whose statement this registry refused to mirror. */
export interface PartnerRefusal {
  origin: string
  /** The entry's index in the partner's log. */
  index: number
  kind: string
  /** The statement's id (jti), when the entry names one. */
  statementId: string | null
  reason: string
  refusedAt: string
}

/** What was done with a partner's log so far. */
export interface PartnerProgress {
  /** Statements mirrored from it. */
  mirrored: number
  /** Entries whose statement was refused. */
  refused: number
  /** The partner's log index of the last statement mirrored from it, or null. */
  lastMirroredIndex: number | null
  /**
   * The next entry to read: past the last one mirrored or refused, and at least the stored
   * `nextIndex` (null without a stored state).
   */
  nextIndex: number | null
}

/** The AI system a passport is about, as the registry recorded it when the passport was published. */
export interface PassportSystem {
  name: string
  version: string
}

/** A passport as stored: the record plus its current status and where it is in the log. */
export interface StoredPassport extends PassportRecord {
  status: PassportStatus
  statusReason: string | null
  /** kid of the key that made the last status change. */
  statusByKid: string | null
  statusUpdatedAt: string | null
  /** Index of the passport's log entry, when it was published through `publishBatch`. */
  logIndex: number | null
}

export interface StatusChange {
  passportId: string
  status: PassportStatus
  reason?: string | null
  /** kid of the key that signed the change. */
  byKid: string
  at: string
  /**
   * When a delegate signed the change: the delegation that allowed it. The store checks inside
   * the commit that it is still active, so a withdrawal committed first always wins.
   */
  delegationId?: string
}

/** One status change of a passport, oldest first in `listStatusEvents`. */
export interface StatusEvent {
  passportId: string
  status: PassportStatus
  reason: string | null
  byKid: string
  at: string
  logIndex: number | null
}

export interface StatusListRecord {
  listId: string
  issuer: string
  /** The Status List Token (a JWT) as served. */
  token: string
  updatedAt: string
}

export interface EndorsementRecord {
  id: string
  passportId: string
  endorserKid: string
  token: string
  publishedAt: string
}

export interface EndorsementStored extends EndorsementRecord {
  logIndex: number | null
}

/**
 * A serious-incident report (EU AI Act Art. 73) about a passport, as the registry stores it: the
 * fields it searches and orders by, read from the verified token (src/core/incident/report.ts).
 */
export interface IncidentRecord {
  /** The report's `jti` (`urn:uuid:...`). */
  id: string
  /** `credentialSubject.incident.id`: the same for every report of one incident. */
  incidentId: string
  /** The passport (jti) the report is about. */
  passportId: string
  /** RFC 7638 thumbprint of `reporterJwk`: the report's header kid. */
  reporterKid: string
  reporterJwk: Record<string, unknown>
  /** 1 for the initial report, then 2, 3, ... */
  sequence: number
  report: 'initial' | 'follow-up' | 'final'
  serious: boolean
  status: 'open' | 'closed'
  token: string
  publishedAt: string
}

export interface IncidentStored extends IncidentRecord {
  logIndex: number | null
}

/**
 * An evaluation result about a passport, as the registry stores it: what lists show, read from
 * the verified token (src/core/evaluation/result.ts).
 */
export interface EvaluationRecord {
  /** The result's `jti` (`urn:uuid:...`). */
  id: string
  /** The passport (jti) the result is about. */
  passportId: string
  /** RFC 7638 thumbprint of `evaluatorJwk`: the result's header kid. */
  evaluatorKid: string
  evaluatorJwk: Record<string, unknown>
  /** The method's name and version. */
  method: string
  /** `performedAt` of the evaluation: a date or date-time. */
  performedAt: string
  /** How many metrics; of them, how many have a threshold, and how many of those met it. */
  metrics: number
  thresholds: number
  thresholdsMet: number
  token: string
  publishedAt: string
}

export interface EvaluationStored extends EvaluationRecord {
  logIndex: number | null
}

/**
 * An issuer key authorising another key (the delegate) to act for it: with scope `status`, to
 * change the status of the passports issued with `issuerKid`.
 */
export interface DelegationRecord {
  /** `urn:uuid:...`, chosen by the registry. */
  id: string
  /** kid (RFC 7638 thumbprint) of the issuer key that granted it. */
  issuerKid: string
  /** RFC 7638 thumbprint of `delegateJwk`. */
  delegateKid: string
  /** The delegate's public JWK. */
  delegateJwk: Record<string, unknown>
  scope: DelegationScope
  /** A label for people ("revocation desk"); not used for decisions. */
  name: string | null
  createdAt: string
}

export interface DelegationStored extends DelegationRecord {
  /** When the issuer withdrew it; null while active. */
  withdrawnAt: string | null
  logIndex: number | null
  withdrawalLogIndex: number | null
}

/** The issuer withdrawing one of its delegations. */
export interface DelegationWithdrawal {
  id: string
  /** Must be the delegation's issuer and delegate (checked in the same transaction). */
  issuerKid: string
  delegateKid: string
  at: string
}

export interface LogEntryInput {
  kind: LogEntryKind
  /** The leaf data; a string is stored as its UTF-8 bytes. */
  payload: Uint8Array | string
  /** RFC 9162 leaf hash, SHA-256(0x00 || payload): 32 bytes. */
  leafHash: Uint8Array
  /** Defaults to the database's clock. */
  createdAt?: string
}

export interface LogEntry {
  index: number
  kind: LogEntryKind
  payload: Uint8Array
  leafHash: Uint8Array
  createdAt: string
}

export interface AppendResult {
  /** Index of the first entry; the batch got firstIndex, firstIndex + 1, ... */
  firstIndex: number
  /** Log size after the append (firstIndex + number of entries). */
  size: number
}

/** A signed tree head. */
export interface Checkpoint {
  size: number
  /** RFC 9162 root hash: 32 bytes. */
  rootHash: Uint8Array
  /** The checkpoint as a signed note (C2SP signed-note text). */
  signedNote: string
  createdAt: string
}

/** The log leaf of one item of a publish batch; its kind follows from the item. */
export type PublishLeaf = Omit<LogEntryInput, 'kind'>

/**
 * One write to the registry service (src/node/tlog/registry.ts), before it has its log entry:
 * the row and its transparency-log entry are committed together.
 */
export type RegistryItem = (
  | {
      type: 'passport'
      passport: PassportRecord
      /**
       * The entry `passportEntryFromSdJwt(passport.token)` gives, when the caller has it already
       * (the publish pool computes it on a worker thread from the verified JWT, with
       * `passportEntryFromJwt`): the registry then checks the record against it instead of
       * decoding the token again, which on the main thread cost about a fifth of a batch
       * publish's time there. The caller vouches that it comes from the token.
       */
      entry?: PassportEntry
    }
  | { type: 'status'; change: StatusChange }
  | { type: 'endorsement'; endorsement: EndorsementRecord }
  | { type: 'delegation'; delegation: DelegationRecord }
  | { type: 'delegation-withdrawal'; withdrawal: DelegationWithdrawal }
  | { type: 'incident'; incident: IncidentRecord }
  | { type: 'evaluation'; evaluation: EvaluationRecord }
) & {
  /** Set when the statement was mirrored from a partner's log: recorded in the same commit. */
  mirroredFrom?: MirroredFrom
}

/**
 * One item of `publishBatch`. The log entry kind follows from the item: `passport`,
 * `endorsement`, or for a status change `revocation` (revoked), `suspension` (suspended) and
 * `reinstatement` (valid again), `delegation`, `delegation-withdrawal`, `incident` and
 * `evaluation`. An incident
 * report must follow the reports of its incident already stored: sequence 1 first, then the next
 * sequence, from the same reporter key and about the same passport (ERR_STORE_CONFLICT
 * otherwise, checked inside the transaction, so of two concurrent reports with one sequence only
 * one is stored).
 */
export type PublishItem = (
  | { type: 'passport'; passport: PassportRecord; leaf: PublishLeaf }
  | { type: 'status'; change: StatusChange; leaf: PublishLeaf }
  | { type: 'endorsement'; endorsement: EndorsementRecord; leaf: PublishLeaf }
  | { type: 'delegation'; delegation: DelegationRecord; leaf: PublishLeaf }
  | { type: 'delegation-withdrawal'; withdrawal: DelegationWithdrawal; leaf: PublishLeaf }
  | { type: 'incident'; incident: IncidentRecord; leaf: PublishLeaf }
  | { type: 'evaluation'; evaluation: EvaluationRecord; leaf: PublishLeaf }
) & { mirroredFrom?: MirroredFrom }

/**
 * A page of a registry-wide feed read newest first: at most `limit` records below a log index,
 * newest first, and whether records older than the last of them remain.
 */
export interface FeedPageBefore<S> {
  items: S[]
  older: boolean
}

export interface FindPassportsQuery {
  /** Case-insensitive substring of the provider name. */
  provider?: string
  /** Case-insensitive substring of the system name. */
  system?: string
  /** Exact jurisdiction, e.g. `eu`. */
  jurisdiction?: string
  /** Exact category; with `jurisdiction`, within that jurisdiction only. */
  category?: string
  status?: PassportStatus
  /** Exact subject id: every passport (version) of one AI system. */
  subjectId?: string
  /** 1 to 1000. */
  limit: number
  /** `nextCursor` of the previous page. */
  cursor?: string | null
}

export interface FindPassportsResult {
  /** Newest first (publishedAt, then id, descending). */
  items: StoredPassport[]
  /** Pass it as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

export interface RegistryStore {
  /** Applies pending migrations (each in its own transaction); safe to call again. */
  migrate(): Promise<void>
  close(): Promise<void>

  /** Stores a passport row without a log entry (imports, tests); publishing uses publishBatch. */
  putPassport(record: PassportRecord): Promise<void>
  getPassport(id: string): Promise<StoredPassport | null>
  /**
   * The AI system (name, version) of each stored passport among `ids` (at most 1000; repeats are
   * fine), by passport id, in one query: how a page of a feed names its entries' systems without
   * a query per entry. An id no passport has is absent from the map.
   */
  passportSystems(ids: readonly string[]): Promise<Map<string, PassportSystem>>
  findPassports(query: FindPassportsQuery): Promise<FindPassportsResult>

  /**
   * Changes a passport's status without a log entry. Revocation is final: changing a revoked
   * passport, or setting the status it already has, is ERR_STORE_CONFLICT.
   */
  setStatus(change: StatusChange): Promise<void>
  listStatusEvents(passportId: string): Promise<StatusEvent[]>
  /**
   * Status changes of every passport published to the log (revocations, suspensions,
   * reinstatements) with a log index lower than `before` (null: the newest), newest first, at
   * most `limit` (1 to 1000). Changes made without a log entry (`setStatus`) are not listed.
   */
  statusFeedBefore(before: number | null, limit: number): Promise<FeedPageBefore<StatusEvent>>
  /**
   * Creates or replaces a status list. `options.check` runs inside the write's transaction, with
   * the list locked against concurrent writes, on the stored list (when there is one); it throws
   * to refuse the write (e.g. a token older than the stored one).
   */
  putStatusList(
    record: StatusListRecord,
    options?: { check?: (stored: StatusListRecord) => void },
  ): Promise<void>
  getStatusList(listId: string): Promise<StatusListRecord | null>

  putEndorsement(record: EndorsementRecord): Promise<void>
  /** Oldest first. */
  listEndorsements(passportId: string): Promise<EndorsementStored[]>

  /** The incident reports of a passport: by incident (oldest first), then by sequence. */
  listIncidentReports(passportId: string): Promise<IncidentStored[]>
  /**
   * Incident reports of every passport with a log index greater than `after` (-1: from the
   * start), in log order, at most `limit` (1 to 1000): the feed partners poll.
   */
  incidentFeed(after: number, limit: number): Promise<IncidentStored[]>
  /**
   * Incident reports of every passport with a log index lower than `before` (null: the newest),
   * newest first, at most `limit` (1 to 1000): the feed read backwards, a page at a time.
   */
  incidentFeedBefore(before: number | null, limit: number): Promise<FeedPageBefore<IncidentStored>>

  /** The evaluation results of a passport, oldest first. */
  listEvaluations(passportId: string): Promise<EvaluationStored[]>
  /**
   * Evaluation results of every passport with a log index greater than `after` (-1: from the
   * start), in log order, at most `limit` (1 to 1000): the feed partners poll.
   */
  evaluationFeed(after: number, limit: number): Promise<EvaluationStored[]>
  /**
   * Evaluation results of every passport with a log index lower than `before` (null: the
   * newest), newest first, at most `limit` (1 to 1000): the feed read backwards.
   */
  evaluationFeedBefore(
    before: number | null,
    limit: number,
  ): Promise<FeedPageBefore<EvaluationStored>>

  getDelegation(id: string): Promise<DelegationStored | null>
  /** The delegations an issuer key granted, active and withdrawn, oldest first. */
  listDelegations(issuerKid: string): Promise<DelegationStored[]>
  /** The active delegation of `scope` from `issuerKid` to `delegateKid`, or null. */
  activeDelegation(
    issuerKid: string,
    delegateKid: string,
    scope: DelegationScope,
  ): Promise<DelegationStored | null>

  /**
   * Appends a batch of log entries atomically and assigns them contiguous indexes. Indexes are
   * dense (0, 1, 2, ...): concurrent callers never get overlapping or missing indexes.
   */
  appendEntries(entries: LogEntryInput[]): Promise<AppendResult>
  /** Entries with start <= index < end, in index order (fewer when end > log size). */
  getEntries(start: number, end: number): Promise<LogEntry[]>
  logSize(): Promise<number>
  /** Leaf hashes with start <= index < end, in index order. */
  getLeafHashes(start: number, end: number): Promise<Uint8Array[]>
  /**
   * Stores a checkpoint. A second checkpoint of the same size must have the same root (it then
   * replaces the note); one larger than the log is refused (ERR_STORE_CONFLICT).
   */
  putCheckpoint(checkpoint: Checkpoint): Promise<void>
  /** The checkpoint of the largest size, or null. */
  latestCheckpoint(): Promise<Checkpoint | null>

  /**
   * Publishes N items and their N log entries in ONE transaction (group commit): either all are
   * stored with indexes firstIndex .. firstIndex + N - 1, in item order, or nothing is.
   */
  publishBatch(items: PublishItem[]): Promise<AppendResult>

  /**
   * Where the statements of the log entries `logIndexes` (at most 1000) were mirrored from, for
   * those mirrored from a partner's log (publishBatch items with `mirroredFrom`), by log index.
   */
  mirrorsOf(logIndexes: readonly number[]): Promise<Map<number, MirroredFrom>>
  /** The stored follow state of the partner log `origin`, or null. */
  getPartnerLog(origin: string): Promise<PartnerLogState | null>
  /** Creates or replaces the follow state of `state.origin`. */
  putPartnerLog(state: PartnerLogState): Promise<void>
  /** Records a refused entry; recording the same (origin, index) again keeps the first. */
  recordPartnerRefusal(refusal: PartnerRefusal): Promise<void>
  /** The refused entries of a partner log, newest (highest index) first, at most `limit`. */
  listPartnerRefusals(origin: string, limit: number): Promise<PartnerRefusal[]>
  /** Counts and the resume index of a partner log (PartnerProgress). */
  partnerProgress(origin: string): Promise<PartnerProgress>

  /**
   * Records the id of a signed request (its key and nonce) as used until `expiresAtSeconds`:
   * true when it was not recorded before (or only with an expiry at or before `nowSeconds`),
   * false when it was, i.e. the request is a replay. Atomic under concurrency, also between
   * processes sharing one database: of concurrent calls with one id, exactly one gets true.
   * Rows long past their expiry are deleted along the way, so the table stays bounded.
   */
  recordRequestId(id: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean>
  /**
   * How many publishBatch calls are worth running at once (default 1). They still commit one
   * after the other (indexes stay dense and in commit order); a second call sent while the first
   * runs waits inside the database and starts the moment the first commits, instead of after a
   * round trip through a busy caller.
   */
  readonly publishConcurrency?: number
}
