/**
 * The registry store in SQL, shared by the PGlite and PostgreSQL adapters over the `Db`
 * interface: the same statements run on both. Parameterised queries only.
 *
 * Every write is one transaction; the promise resolves after COMMIT. Log indexes come from the
 * single row of `log_head`, incremented in the same transaction that inserts the entries: the
 * row lock serialises appenders on PostgreSQL, and a rollback undoes the increment, so indexes
 * stay dense (0, 1, 2, ...) under any concurrency.
 *
 * Writes are batched: `publishBatch` (the registry's group commit) writes each table with one
 * statement per run of items of one type, whatever the number of items. Every column goes as
 * one text array parameter and `unnest` turns the arrays into rows: no parameter limit, far
 * fewer values to bind than a VALUES list (several times faster on PGlite), and the same SQL on
 * both backends. The single-row methods (putPassport, setStatus, putEndorsement) use the same
 * code with one item.
 */
import { StoreError } from '../../core/errors.js'
import type {
  AppendResult,
  Checkpoint,
  DelegationRecord,
  DelegationScope,
  DelegationStored,
  DelegationWithdrawal,
  EndorsementRecord,
  EndorsementStored,
  FeedPageBefore,
  FindPassportsQuery,
  IncidentRecord,
  IncidentStored,
  EvaluationRecord,
  EvaluationStored,
  FindPassportsResult,
  LogEntry,
  LogEntryInput,
  LogEntryKind,
  MirroredFrom,
  PartnerLogState,
  PartnerProgress,
  PartnerRefusal,
  PassportRecord,
  PassportStatus,
  PassportSystem,
  PublishItem,
  RegistryStore,
  StatusChange,
  StatusEvent,
  StatusListRecord,
  StoredPassport,
} from '../../core/store.js'
import { toStoreError, type Db, type Queryable, type Row } from './db.js'
import { runMigrations, type Migration } from './migrations.js'

export type StoreBackend = 'pglite' | 'postgres'

const KINDS: readonly LogEntryKind[] = [
  'passport',
  'revocation',
  'endorsement',
  'suspension',
  'reinstatement',
  'delegation',
  'delegation-withdrawal',
  'incident',
  'evaluation',
]
const STATUSES: readonly PassportStatus[] = ['valid', 'revoked', 'suspended']
const STATUS_KIND: Record<PassportStatus, LogEntryKind> = {
  revoked: 'revocation',
  suspended: 'suspension',
  valid: 'reinstatement',
}
export const MAX_FIND_LIMIT = 1000
/** Longest signed-request id (`<kid>:<jti>`: a 43-character thumbprint, a jti of up to 128). */
export const MAX_REQUEST_ID_CHARS = 256
/** How often a store deletes expired request ids (seconds of the callers' clock). */
const REQUEST_ID_PURGE_INTERVAL_SECONDS = 60
/**
 * How long after its expiry a request id is deleted: room for the clocks of servers sharing one
 * database to differ by up to this much.
 */
export const REQUEST_ID_PURGE_DELAY_SECONDS = 300

const DELEGATION_COLUMNS = `id, issuer_kid, delegate_kid, delegate_jwk, scope, name, created_at,
  log_index, withdrawn_at, withdrawal_log_index`

const INCIDENT_COLUMNS = `id, incident_id, passport_id, reporter_kid, reporter_jwk, sequence,
  report_kind, serious, status, token, published_at, log_index`

const EVALUATION_COLUMNS = `id, passport_id, evaluator_kid, evaluator_jwk, method, performed_at,
  metrics, thresholds, thresholds_met, token, published_at, log_index`

/** The largest bigint: `before` of a feed read backwards from its newest record. */
const MAX_BIGINT = '9223372036854775807'

/** TypeError unless `limit` is a page size of a feed (1 to MAX_FIND_LIMIT). */
function checkFeedLimit(feed: string, limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_FIND_LIMIT)
    throw new TypeError(`${feed}: limit must be an integer from 1 to ${MAX_FIND_LIMIT}`)
}

/** The tables the registry-wide feeds read, by log index (constants: never from a request). */
const FEEDS = {
  incidentFeed: { what: 'incident feed', table: 'incident_reports', columns: INCIDENT_COLUMNS },
  evaluationFeed: {
    what: 'evaluation feed',
    table: 'evaluation_results',
    columns: EVALUATION_COLUMNS,
  },
  statusFeed: {
    what: 'status feed',
    table: 'status_events',
    columns: 'passport_id, status, reason, by_kid, at, log_index',
  },
} as const

const PASSPORT_COLUMNS = `id, issuer, kid, subject_id, system_name, system_version, provider_name,
  provider_country, jurisdictions, categories, token, issuer_jwt_sha256, published_at, status,
  status_reason, status_by_kid, status_updated_at, log_index, issuer_jwk`

export interface SqlStoreOptions {
  backend: StoreBackend
  /** Where the data is, for messages: a data directory or a redacted URL. */
  location: string
  migrations: readonly Migration[]
  /**
   * A channel to `pg_notify` with the new log size in every transaction that appends to the log,
   * so that it is delivered (only) when that transaction commits: other server processes on the
   * database LISTEN on it (log-listener.ts). PostgreSQL only; PGlite has one process and none.
   */
  logChannel?: string
  /**
   * This store's instance id, added to each notification (`<size>:<instance>`) so that the
   * server that committed can tell its own notifications from other processes' (log-listener.ts
   * `logNotice`). Without one, the payload is the size alone.
   */
  logInstance?: string
}

/** Where and as whom appends notify (SqlStoreOptions `logChannel`, `logInstance`). */
interface LogNotify {
  channel: string
  instance: string | undefined
}

export class SqlStore implements RegistryStore {
  readonly backend: StoreBackend
  /**
   * As many group commits in flight as the database takes `atomic` statements at once
   * (publishPassports is one statement, so a second one waits inside the database for the log
   * head and needs nothing more from this process): 2 on PostgreSQL, 1 on PGlite.
   */
  readonly publishConcurrency: number
  readonly location: string
  /** The id this store adds to its log notifications (SqlStoreOptions `logInstance`). */
  readonly logInstance: string | undefined
  readonly #db: Db
  readonly #migrations: readonly Migration[]
  readonly #logNotify: LogNotify | undefined
  #closed = false
  /** When (callers' clock, seconds) recordRequestId next deletes expired request ids. */
  #nextRequestIdPurge = 0

  constructor(db: Db, options: SqlStoreOptions) {
    this.#db = db
    this.backend = options.backend
    this.publishConcurrency = db.atomicConcurrency
    this.location = options.location
    this.#migrations = options.migrations
    this.logInstance = options.logInstance
    this.#logNotify =
      options.logChannel === undefined
        ? undefined
        : { channel: options.logChannel, instance: options.logInstance }
  }

  async migrate(): Promise<void> {
    await this.#run('migrate', () => runMigrations(this.#db, this.#migrations))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#db.close()
  }

  async putPassport(record: PassportRecord): Promise<void> {
    checkPassport(record)
    await this.#run(`passport ${record.id}`, () =>
      this.#db.transaction((tx) => insertPassports(tx, [record], [null])),
    )
  }

  async getPassport(id: string): Promise<StoredPassport | null> {
    const rows = await this.#run('get passport', () =>
      this.#db.query(`SELECT ${PASSPORT_COLUMNS} FROM passports WHERE id = $1`, [id]),
    )
    return rows[0] ? toPassport(rows[0]) : null
  }

  async passportSystems(ids: readonly string[]): Promise<Map<string, PassportSystem>> {
    const unique = [...new Set(ids)]
    if (unique.length > MAX_FIND_LIMIT)
      throw new TypeError(`passportSystems: at most ${MAX_FIND_LIMIT} ids`)
    if (unique.length === 0) return new Map()
    const rows = await this.#run('get passport systems', () =>
      this.#db.query(
        'SELECT id, system_name, system_version FROM passports WHERE id = ANY($1::text[])',
        [unique],
      ),
    )
    return new Map(
      rows.map((r) => [
        String(r.id),
        { name: String(r.system_name), version: String(r.system_version) },
      ]),
    )
  }

  async findPassports(query: FindPassportsQuery): Promise<FindPassportsResult> {
    const limit = query.limit
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_FIND_LIMIT) {
      throw new TypeError(`findPassports: limit must be an integer from 1 to ${MAX_FIND_LIMIT}`)
    }
    if (query.status !== undefined && !STATUSES.includes(query.status)) {
      throw new TypeError(`findPassports: unknown status ${JSON.stringify(query.status)}`)
    }
    const where: string[] = []
    const params: unknown[] = []
    const param = (v: unknown): string => {
      params.push(v)
      return `$${params.length}`
    }
    if (query.provider) where.push(`provider_name ILIKE ${param(likeArg(query.provider))}`)
    if (query.system) where.push(`system_name ILIKE ${param(likeArg(query.system))}`)
    if (query.jurisdiction) where.push(`jurisdictions @> ARRAY[${param(query.jurisdiction)}::text]`)
    if (query.category) {
      const j = query.jurisdiction ? ` AND c.jurisdiction = ${param(query.jurisdiction)}` : ''
      where.push(
        `EXISTS (SELECT 1 FROM passport_categories c WHERE c.passport_id = passports.id AND c.category = ${param(query.category)}${j})`,
      )
    }
    if (query.status) where.push(`status = ${param(query.status)}`)
    if (query.subjectId) where.push(`subject_id = ${param(query.subjectId)}`)
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor)
      where.push(`(published_at, id) < (${param(at)}::timestamptz, ${param(id)}::text)`)
    }
    const sql = `SELECT ${PASSPORT_COLUMNS} FROM passports
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY published_at DESC, id DESC LIMIT ${param(limit + 1)}`
    const rows = await this.#run('find passports', () => this.#db.query(sql, params))
    const items = rows.slice(0, limit).map(toPassport)
    const last = items[items.length - 1]
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor(last.publishedAt, last.id) : null,
    }
  }

  async setStatus(change: StatusChange): Promise<void> {
    checkStatusChange(change)
    await this.#run(`status of passport ${change.passportId}`, () =>
      this.#db.transaction((tx) => changeStatuses(tx, [change], [null])),
    )
  }

  async listStatusEvents(passportId: string): Promise<StatusEvent[]> {
    const rows = await this.#run('list status events', () =>
      this.#db.query(
        `SELECT passport_id, status, reason, by_kid, at, log_index FROM status_events
         WHERE passport_id = $1 ORDER BY id`,
        [passportId],
      ),
    )
    return rows.map(toStatusEvent)
  }

  async statusFeedBefore(
    before: number | null,
    limit: number,
  ): Promise<FeedPageBefore<StatusEvent>> {
    const { rows, older } = await this.#feedBefore('statusFeed', before, limit)
    return { items: rows.map(toStatusEvent), older }
  }

  async putStatusList(
    record: StatusListRecord,
    options: { check?: (stored: StatusListRecord) => void } = {},
  ): Promise<void> {
    checkTime(record.updatedAt, 'putStatusList: updatedAt')
    const { check } = options
    const rows = await this.#run(`status list ${record.listId}`, () =>
      this.#db.transaction(async (tx) => {
        if (check) {
          // One writer of this list id at a time (also before its first row exists), so the
          // check sees the list this write replaces.
          await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
            `status_lists:${record.listId}`,
          ])
          const stored = await tx.query(
            'SELECT list_id, issuer, token, updated_at FROM status_lists WHERE list_id = $1',
            [record.listId],
          )
          if (stored[0]) check(toStatusList(stored[0]))
        }
        return tx.query(
          `INSERT INTO status_lists (list_id, issuer, token, updated_at)
           VALUES ($1, $2, $3, $4::timestamptz)
           ON CONFLICT (list_id) DO UPDATE SET token = EXCLUDED.token, updated_at = EXCLUDED.updated_at
           WHERE status_lists.issuer = EXCLUDED.issuer
           RETURNING list_id`,
          [record.listId, record.issuer, record.token, record.updatedAt],
        )
      }),
    )
    if (rows.length === 0) {
      throw new StoreError({
        code: 'ERR_STORE_CONFLICT',
        message: `status list ${record.listId} belongs to another issuer; a list id names one issuer's list`,
      })
    }
  }

  async getStatusList(listId: string): Promise<StatusListRecord | null> {
    const rows = await this.#run('get status list', () =>
      this.#db.query(
        'SELECT list_id, issuer, token, updated_at FROM status_lists WHERE list_id = $1',
        [listId],
      ),
    )
    const r = rows[0]
    return r ? toStatusList(r) : null
  }

  async putEndorsement(record: EndorsementRecord): Promise<void> {
    checkTime(record.publishedAt, 'putEndorsement: publishedAt')
    await this.#run(`endorsement ${record.id}`, () =>
      this.#db.transaction((tx) => insertEndorsements(tx, [record], [null])),
    )
  }

  async listEndorsements(passportId: string): Promise<EndorsementStored[]> {
    const rows = await this.#run('list endorsements', () =>
      this.#db.query(
        `SELECT id, passport_id, endorser_kid, token, published_at, log_index FROM endorsements
         WHERE passport_id = $1 ORDER BY published_at, id`,
        [passportId],
      ),
    )
    return rows.map((r) => ({
      id: String(r.id),
      passportId: String(r.passport_id),
      endorserKid: String(r.endorser_kid),
      token: String(r.token),
      publishedAt: iso(r.published_at),
      logIndex: numOrNull(r.log_index),
    }))
  }

  async listIncidentReports(passportId: string): Promise<IncidentStored[]> {
    const rows = await this.#run('list incident reports', () =>
      this.#db.query(
        `SELECT r.id, r.incident_id, r.passport_id, r.reporter_kid, r.reporter_jwk, r.sequence,
           r.report_kind, r.serious, r.status, r.token, r.published_at, r.log_index
         FROM incident_reports r
         JOIN incident_reports first ON first.incident_id = r.incident_id AND first.sequence = 1
         WHERE r.passport_id = $1
         ORDER BY first.published_at, first.incident_id, r.sequence`,
        [passportId],
      ),
    )
    return rows.map(toIncident)
  }

  async incidentFeed(after: number, limit: number): Promise<IncidentStored[]> {
    return (await this.#feed('incidentFeed', after, limit)).map(toIncident)
  }

  async incidentFeedBefore(
    before: number | null,
    limit: number,
  ): Promise<FeedPageBefore<IncidentStored>> {
    const { rows, older } = await this.#feedBefore('incidentFeed', before, limit)
    return { items: rows.map(toIncident), older }
  }

  async listEvaluations(passportId: string): Promise<EvaluationStored[]> {
    const rows = await this.#run('list evaluation results', () =>
      this.#db.query(
        `SELECT ${EVALUATION_COLUMNS} FROM evaluation_results
         WHERE passport_id = $1 ORDER BY published_at, log_index, id`,
        [passportId],
      ),
    )
    return rows.map(toEvaluation)
  }

  async evaluationFeed(after: number, limit: number): Promise<EvaluationStored[]> {
    return (await this.#feed('evaluationFeed', after, limit)).map(toEvaluation)
  }

  async evaluationFeedBefore(
    before: number | null,
    limit: number,
  ): Promise<FeedPageBefore<EvaluationStored>> {
    const { rows, older } = await this.#feedBefore('evaluationFeed', before, limit)
    return { items: rows.map(toEvaluation), older }
  }

  /**
   * The rows of a feed (`incidentFeed`, `evaluationFeed`): those of its table with a log index
   * greater than `after`, in log order, at most `limit`.
   */
  async #feed(feed: keyof typeof FEEDS, after: number, limit: number): Promise<Row[]> {
    if (!Number.isSafeInteger(after) || after < -1)
      throw new TypeError(`${feed}: after must be a log index or -1`)
    checkFeedLimit(feed, limit)
    const { what, table, columns } = FEEDS[feed]
    return this.#run(what, () =>
      this.#db.query(
        `SELECT ${columns} FROM ${table}
         WHERE log_index > $1::bigint ORDER BY log_index LIMIT $2`,
        [String(after), limit],
      ),
    )
  }

  /**
   * The rows of a feed read backwards: those of its table with a log index lower than `before`
   * (null: every one), newest first, at most `limit`; one more is read to tell whether `older`
   * ones remain. A backward scan of the log_index UNIQUE index (migrations 001, 006 and 007), which
   * also leaves out the rows without a log index.
   */
  async #feedBefore(
    feed: keyof typeof FEEDS,
    before: number | null,
    limit: number,
  ): Promise<{ rows: Row[]; older: boolean }> {
    if (before !== null && (!Number.isSafeInteger(before) || before < 0))
      throw new TypeError(`${feed}: before must be a log index or null`)
    checkFeedLimit(feed, limit)
    const { what, table, columns } = FEEDS[feed]
    const rows = await this.#run(what, () =>
      this.#db.query(
        `SELECT ${columns} FROM ${table}
         WHERE log_index < $1::bigint ORDER BY log_index DESC LIMIT $2`,
        [before === null ? MAX_BIGINT : String(before), limit + 1],
      ),
    )
    return { rows: rows.slice(0, limit), older: rows.length > limit }
  }

  async getDelegation(id: string): Promise<DelegationStored | null> {
    const rows = await this.#run('get delegation', () =>
      this.#db.query(`SELECT ${DELEGATION_COLUMNS} FROM delegations WHERE id = $1`, [id]),
    )
    return rows[0] ? toDelegation(rows[0]) : null
  }

  async listDelegations(issuerKid: string): Promise<DelegationStored[]> {
    const rows = await this.#run('list delegations', () =>
      this.#db.query(
        `SELECT ${DELEGATION_COLUMNS} FROM delegations WHERE issuer_kid = $1 ORDER BY created_at, id`,
        [issuerKid],
      ),
    )
    return rows.map(toDelegation)
  }

  async activeDelegation(
    issuerKid: string,
    delegateKid: string,
    scope: DelegationScope,
  ): Promise<DelegationStored | null> {
    const rows = await this.#run('find delegation', () =>
      this.#db.query(
        `SELECT ${DELEGATION_COLUMNS} FROM delegations
         WHERE issuer_kid = $1 AND delegate_kid = $2 AND scope = $3 AND withdrawn_at IS NULL`,
        [issuerKid, delegateKid, scope],
      ),
    )
    return rows[0] ? toDelegation(rows[0]) : null
  }

  async appendEntries(entries: LogEntryInput[]): Promise<AppendResult> {
    entries.forEach((e, i) => checkEntry(e, `appendEntries: entry ${i}`))
    return this.#run('append to the log', () =>
      this.#db.transaction((tx) => appendLog(tx, entries, this.#logNotify)),
    )
  }

  async getEntries(start: number, end: number): Promise<LogEntry[]> {
    checkRange(start, end, 'getEntries')
    const rows = await this.#run('read the log', () =>
      this.#db.query(
        `SELECT idx, kind, payload, leaf_hash, created_at FROM log_entries
         WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
        [start, end],
      ),
    )
    return rows.map((r) => ({
      index: Number(r.idx),
      kind: r.kind as LogEntryKind,
      payload: bytes(r.payload),
      leafHash: bytes(r.leaf_hash),
      createdAt: iso(r.created_at),
    }))
  }

  async logSize(): Promise<number> {
    const rows = await this.#run('read the log size', () =>
      this.#db.query('SELECT size FROM log_head WHERE id = 1'),
    )
    return Number(rows[0]?.size ?? 0)
  }

  async getLeafHashes(start: number, end: number): Promise<Uint8Array[]> {
    checkRange(start, end, 'getLeafHashes')
    const rows = await this.#run('read leaf hashes', () =>
      this.#db.query(
        'SELECT leaf_hash FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
        [start, end],
      ),
    )
    return rows.map((r) => bytes(r.leaf_hash))
  }

  async putCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) {
      throw new TypeError('putCheckpoint: size must be a non-negative integer')
    }
    checkHash(checkpoint.rootHash, 'putCheckpoint: rootHash')
    checkTime(checkpoint.createdAt, 'putCheckpoint: createdAt')
    await this.#run(`checkpoint of size ${checkpoint.size}`, () =>
      this.#db.transaction(async (tx) => {
        const head = await tx.query('SELECT size FROM log_head WHERE id = 1 FOR SHARE')
        const size = Number(head[0]?.size ?? 0)
        if (checkpoint.size > size) {
          throw new StoreError({
            code: 'ERR_STORE_CONFLICT',
            message: `checkpoint of size ${checkpoint.size} is larger than the log (${size} entries); sign checkpoints only of stored entries`,
          })
        }
        const rows = await tx.query(
          `INSERT INTO checkpoints (size, root_hash, signed_note, created_at)
           VALUES ($1, $2, $3, $4::timestamptz)
           ON CONFLICT (size) DO UPDATE SET signed_note = EXCLUDED.signed_note, created_at = EXCLUDED.created_at
           WHERE checkpoints.root_hash = EXCLUDED.root_hash
           RETURNING size`,
          [checkpoint.size, buf(checkpoint.rootHash), checkpoint.signedNote, checkpoint.createdAt],
        )
        if (rows.length === 0) {
          throw new StoreError({
            code: 'ERR_STORE_CONFLICT',
            message: `a checkpoint of size ${checkpoint.size} with another root hash is stored; two roots for one size would be a split view of the log`,
          })
        }
      }),
    )
  }

  async latestCheckpoint(): Promise<Checkpoint | null> {
    const rows = await this.#run('read the latest checkpoint', () =>
      this.#db.query(
        'SELECT size, root_hash, signed_note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1',
      ),
    )
    const r = rows[0]
    if (!r) return null
    return {
      size: Number(r.size),
      rootHash: bytes(r.root_hash),
      signedNote: String(r.signed_note),
      createdAt: iso(r.created_at),
    }
  }

  async recordRequestId(
    id: string,
    expiresAtSeconds: number,
    nowSeconds: number,
  ): Promise<boolean> {
    if (typeof id !== 'string' || id === '' || id.length > MAX_REQUEST_ID_CHARS)
      throw new TypeError(`recordRequestId: id must be 1 to ${MAX_REQUEST_ID_CHARS} characters`)
    for (const [name, v] of [
      ['expiresAtSeconds', expiresAtSeconds],
      ['nowSeconds', nowSeconds],
    ] as const)
      if (!Number.isSafeInteger(v) || v < 0)
        throw new TypeError(`recordRequestId: ${name} must be seconds since the epoch`)
    if (nowSeconds >= this.#nextRequestIdPurge) {
      // At most once a minute per store, not per request: concurrent deletes of the same rows
      // would wait for each other. Only rows expired REQUEST_ID_PURGE_DELAY_SECONDS ago go, so
      // a server whose clock is ahead does not forget an id another server still accepts.
      this.#nextRequestIdPurge = nowSeconds + REQUEST_ID_PURGE_INTERVAL_SECONDS
      await this.#run('forget expired request ids', () =>
        this.#db.query('DELETE FROM request_ids WHERE expires_at < $1', [
          nowSeconds - REQUEST_ID_PURGE_DELAY_SECONDS,
        ]),
      )
    }
    // One statement: the unique index decides. A second insert of the id waits for the first
    // to commit, then finds the conflict; the row is taken over only when it has expired.
    const rows = await this.#run('record request id', () =>
      this.#db.query(
        `INSERT INTO request_ids (id, expires_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE request_ids.expires_at <= $3
         RETURNING id`,
        [id, expiresAtSeconds, nowSeconds],
      ),
    )
    return rows.length === 1
  }

  async publishBatch(items: PublishItem[]): Promise<AppendResult> {
    const entries = items.map((item, i): LogEntryInput => {
      const where = `publishBatch: item ${i}`
      if (item.type === 'passport') checkPassport(item.passport)
      else if (item.type === 'status') checkStatusChange(item.change)
      else if (item.type === 'endorsement') checkTime(item.endorsement.publishedAt, where)
      else if (item.type === 'delegation') checkTime(item.delegation.createdAt, where)
      else if (item.type === 'delegation-withdrawal') checkTime(item.withdrawal.at, where)
      else if (item.type === 'incident') checkTime(item.incident.publishedAt, where)
      else if (item.type === 'evaluation') checkEvaluationRecord(item.evaluation, where)
      else throw new TypeError(`${where}: unknown type`)
      const entry = { ...item.leaf, kind: itemKind(item) }
      checkEntry(entry, where)
      return entry
    })
    // The hot path, a group commit of passports only: one statement, one round trip.
    const mirrored = items.some((item) => item.mirroredFrom !== undefined)
    if (items.length > 0 && !mirrored && items.every((item) => item.type === 'passport'))
      return this.#run(`publish batch of ${items.length}`, () =>
        publishPassports(this.#db, items, entries, this.#logNotify),
      )
    return this.#run(`publish batch of ${items.length}`, () =>
      this.#db.transaction(async (tx) => {
        // Generic plans for the statements below: with the default (custom plans for parameterised
        // statements sent once), the planner folds each parameter into the plan as a constant,
        // so `string_to_array` of 1.6 MB of tokens and every array literal are evaluated and
        // copied while planning, about a fifth of the database's CPU time per published passport
        // (bench/RESULTS.md). The plans are the same but for where the values come from.
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan')
        // Entries first: the rows below refer to them (log_index REFERENCES log_entries).
        const result = await appendLog(tx, entries, this.#logNotify)
        // Runs of items of one type are written together, a few statements per run; runs are
        // written in item order, so an item sees every item before it (a status change of a
        // passport published earlier in the batch), as if each were written alone.
        for (let i = 0; i < items.length;) {
          const type = (items[i] as PublishItem).type
          let j = i
          while (j < items.length && (items[j] as PublishItem).type === type) j++
          const run = items.slice(i, j)
          const indexes = run.map((_, k) => result.firstIndex + i + k)
          if (type === 'passport') await insertPassports(tx, run.map(passportOf), indexes)
          else if (type === 'status') await changeStatuses(tx, run.map(changeOf), indexes)
          else if (type === 'endorsement')
            await insertEndorsements(tx, run.map(endorsementOf), indexes)
          else if (type === 'delegation') await insertDelegations(tx, run, indexes)
          else if (type === 'incident') await insertIncidents(tx, run, indexes)
          else if (type === 'evaluation') await insertEvaluations(tx, run, indexes)
          else await withdrawDelegations(tx, run, indexes)
          i = j
        }
        if (mirrored) await insertMirrors(tx, items, result.firstIndex)
        return result
      }),
    )
  }

  async mirrorsOf(logIndexes: readonly number[]): Promise<Map<number, MirroredFrom>> {
    const unique = [...new Set(logIndexes)]
    if (unique.length > MAX_FIND_LIMIT)
      throw new TypeError(`mirrorsOf: at most ${MAX_FIND_LIMIT} log indexes`)
    if (!unique.every((i) => Number.isSafeInteger(i) && i >= 0))
      throw new TypeError('mirrorsOf: log indexes must be integers >= 0')
    if (unique.length === 0) return new Map()
    const rows = await this.#run('get mirrored statements', () =>
      this.#db.query(
        `SELECT log_index, origin, partner_index, partner_url, mirrored_at FROM mirrored_statements
         WHERE log_index = ANY($1::bigint[])`,
        [unique.map(String)],
      ),
    )
    return new Map(
      rows.map((r) => [
        Number(r.log_index),
        {
          origin: String(r.origin),
          index: Number(r.partner_index),
          url: String(r.partner_url),
          mirroredAt: iso(r.mirrored_at),
        },
      ]),
    )
  }

  async getPartnerLog(origin: string): Promise<PartnerLogState | null> {
    const rows = await this.#run('get partner log', () =>
      this.#db.query(
        `SELECT origin, url, checkpoint_size, checkpoint_root, checkpoint_note, verified_at,
           next_index FROM partner_logs WHERE origin = $1`,
        [origin],
      ),
    )
    const r = rows[0]
    if (r === undefined) return null
    return {
      origin: String(r.origin),
      url: String(r.url),
      checkpointSize: Number(r.checkpoint_size),
      checkpointRoot: String(r.checkpoint_root),
      checkpointNote: String(r.checkpoint_note),
      verifiedAt: iso(r.verified_at),
      nextIndex: Number(r.next_index),
    }
  }

  async putPartnerLog(state: PartnerLogState): Promise<void> {
    checkTime(state.verifiedAt, 'putPartnerLog: verifiedAt')
    if (!Number.isSafeInteger(state.checkpointSize) || state.checkpointSize < 0)
      throw new TypeError('putPartnerLog: checkpointSize must be an integer >= 0')
    if (!Number.isSafeInteger(state.nextIndex) || state.nextIndex < 0)
      throw new TypeError('putPartnerLog: nextIndex must be an integer >= 0')
    await this.#run(`partner log ${state.origin}`, () =>
      this.#db.query(
        `INSERT INTO partner_logs (origin, url, checkpoint_size, checkpoint_root, checkpoint_note,
           verified_at, next_index) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (origin) DO UPDATE SET url = EXCLUDED.url,
           checkpoint_size = EXCLUDED.checkpoint_size, checkpoint_root = EXCLUDED.checkpoint_root,
           checkpoint_note = EXCLUDED.checkpoint_note, verified_at = EXCLUDED.verified_at,
           next_index = EXCLUDED.next_index`,
        [
          state.origin,
          state.url,
          String(state.checkpointSize),
          state.checkpointRoot,
          state.checkpointNote,
          state.verifiedAt,
          String(state.nextIndex),
        ],
      ),
    )
  }

  async recordPartnerRefusal(refusal: PartnerRefusal): Promise<void> {
    checkTime(refusal.refusedAt, 'recordPartnerRefusal: refusedAt')
    if (!Number.isSafeInteger(refusal.index) || refusal.index < 0)
      throw new TypeError('recordPartnerRefusal: index must be an integer >= 0')
    await this.#run(`refusal of entry ${refusal.index} of ${refusal.origin}`, () =>
      this.#db.query(
        `INSERT INTO partner_refusals (origin, partner_index, kind, statement_id, reason,
           refused_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (origin, partner_index) DO NOTHING`,
        [
          refusal.origin,
          String(refusal.index),
          refusal.kind,
          refusal.statementId,
          refusal.reason,
          refusal.refusedAt,
        ],
      ),
    )
  }

  async listPartnerRefusals(origin: string, limit: number): Promise<PartnerRefusal[]> {
    checkFeedLimit('listPartnerRefusals', limit)
    const rows = await this.#run('list partner refusals', () =>
      this.#db.query(
        `SELECT origin, partner_index, kind, statement_id, reason, refused_at
         FROM partner_refusals WHERE origin = $1 ORDER BY partner_index DESC LIMIT $2`,
        [origin, limit],
      ),
    )
    return rows.map((r) => ({
      origin: String(r.origin),
      index: Number(r.partner_index),
      kind: String(r.kind),
      statementId: r.statement_id === null ? null : String(r.statement_id),
      reason: String(r.reason),
      refusedAt: iso(r.refused_at),
    }))
  }

  async partnerProgress(origin: string): Promise<PartnerProgress> {
    const rows = await this.#run('partner progress', () =>
      this.#db.query(
        `SELECT
           (SELECT count(*) FROM mirrored_statements WHERE origin = $1) AS mirrored,
           (SELECT max(partner_index) FROM mirrored_statements WHERE origin = $1) AS last_mirrored,
           (SELECT count(*) FROM partner_refusals WHERE origin = $1) AS refused,
           (SELECT max(partner_index) FROM partner_refusals WHERE origin = $1) AS last_refused,
           (SELECT next_index FROM partner_logs WHERE origin = $1) AS next_index`,
        [origin],
      ),
    )
    const r = rows[0] ?? {}
    const stored = numOrNull(r.next_index)
    const past = (v: unknown) => (v === null || v === undefined ? 0 : Number(v) + 1)
    return {
      mirrored: Number(r.mirrored ?? 0),
      refused: Number(r.refused ?? 0),
      lastMirroredIndex: numOrNull(r.last_mirrored),
      nextIndex:
        stored === null ? null : Math.max(stored, past(r.last_mirrored), past(r.last_refused)),
    }
  }

  async #run<T>(context: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new StoreError({
        code: 'ERR_STORE_UNAVAILABLE',
        message: `${context}: the store is closed`,
      })
    }
    try {
      return await fn()
    } catch (err) {
      throw toStoreError(err, context)
    }
  }
}

/** The provenance rows of the mirrored items of a batch whose entries start at `firstIndex`. */
async function insertMirrors(
  tx: Queryable,
  items: readonly PublishItem[],
  firstIndex: number,
): Promise<void> {
  const rows = items.flatMap((item, i) => {
    const m = item.mirroredFrom
    if (m === undefined) return []
    checkTime(m.mirroredAt, `publishBatch: item ${i}: mirroredFrom.mirroredAt`)
    if (!Number.isSafeInteger(m.index) || m.index < 0)
      throw new TypeError(`publishBatch: item ${i}: mirroredFrom.index must be an integer >= 0`)
    return [{ at: firstIndex + i, m }]
  })
  const p = new Params()
  await tx.query(
    `INSERT INTO mirrored_statements (log_index, origin, partner_index, partner_url, mirrored_at)
     SELECT x.at::bigint, x.origin, x.idx::bigint, x.url, x.mirrored_at::timestamptz
     FROM unnest(${p.add(rows.map((r) => String(r.at)))}::text[],
       ${p.add(rows.map((r) => r.m.origin))}::text[],
       ${p.add(rows.map((r) => String(r.m.index)))}::text[],
       ${p.add(rows.map((r) => r.m.url))}::text[],
       ${p.add(rows.map((r) => r.m.mirroredAt))}::text[]) AS x (at, origin, idx, url, mirrored_at)`,
    p.values,
  )
}

function passportOf(item: PublishItem): PassportRecord {
  if (item.type !== 'passport') throw new TypeError('expected a passport item')
  return item.passport
}

function changeOf(item: PublishItem): StatusChange {
  if (item.type !== 'status') throw new TypeError('expected a status item')
  return item.change
}

function endorsementOf(item: PublishItem): EndorsementRecord {
  if (item.type !== 'endorsement') throw new TypeError('expected an endorsement item')
  return item.endorsement
}

function itemKind(item: PublishItem): LogEntryKind {
  if (item.type === 'passport') return 'passport'
  if (item.type === 'endorsement') return 'endorsement'
  if (item.type === 'delegation') return 'delegation'
  if (item.type === 'delegation-withdrawal') return 'delegation-withdrawal'
  if (item.type === 'incident') return 'incident'
  if (item.type === 'evaluation') return 'evaluation'
  return STATUS_KIND[item.change.status]
}

/** The numbered parameters of one statement, added as its SQL is written. */
class Params {
  readonly values: unknown[] = []
  /** Adds `value`; returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/**
 * `, pg_notify(channel, size::text || ':' || instance)` for the SELECT list of a statement over the log head `head`
 * (a column `size`), when the store notifies; a transaction's notifications are delivered when it
 * commits, never when it rolls back.
 */
function notifySql(p: Params, notify: LogNotify | undefined): string {
  if (notify === undefined) return ''
  const instance = notify.instance === undefined ? '' : ` || ':' || ${p.add(notify.instance)}::text`
  return `, pg_notify(${p.add(notify.channel)}, size::text${instance})`
}

async function appendLog(
  tx: Queryable,
  entries: readonly LogEntryInput[],
  notify?: LogNotify,
): Promise<AppendResult> {
  const n = entries.length
  const q = new Params()
  const head = await tx.query(
    `WITH head AS (UPDATE log_head SET size = size + ${q.add(n)} WHERE id = 1 RETURNING size)
     SELECT size${n > 0 ? notifySql(q, notify) : ''} FROM head`,
    q.values,
  )
  const size = Number(head[0]?.size)
  if (!Number.isSafeInteger(size)) throw new Error('log_head is missing; run migrate() first')
  const firstIndex = size - n
  if (n === 0) return { firstIndex, size }
  const p = new Params()
  await tx.query(
    logEntriesInsert(p, entries, { index: `${p.add(firstIndex)}::bigint + x.n - 1` }),
    p.values,
  )
  return { firstIndex, size }
}

/**
 * Where an INSERT ... SELECT FROM unnest(...) WITH ORDINALITY AS x (..., n) gets each row's log
 * index: `index` is an SQL expression over `x.n` (the row's 1-based position), which may refer to
 * the relation `from` (joined before the unnest).
 */
interface LogIndexSql {
  index: string
  from?: string
}

/** INSERT of `entries` into log_entries, the i-th (from 1) at log index `at.index` with x.n = i. */
function logEntriesInsert(p: Params, entries: readonly LogEntryInput[], at: LogIndexSql): string {
  // Text payloads go as text (converted to UTF-8 by the database), bytes as hex: both drivers
  // pass text arrays alike, and this is several times faster on PGlite than bytea parameters.
  const texts: (string | null)[] = []
  const hexes: (string | null)[] = []
  for (const e of entries) {
    const asText = typeof e.payload === 'string' && !e.payload.includes('\u0000')
    texts.push(asText ? (e.payload as string) : null)
    hexes.push(asText ? null : payloadBytes(e.payload).toString('hex'))
  }
  return `INSERT INTO log_entries (idx, kind, payload, leaf_hash, created_at)
     SELECT ${at.index}, x.kind, COALESCE(convert_to(x.t, 'UTF8'), decode(x.h, 'hex')),
       decode(x.leaf, 'hex'), COALESCE(x.at::timestamptz, now())
     FROM ${at.from ? `${at.from}, ` : ''}unnest(${p.add(entries.map((e) => e.kind))}::text[],
       ${p.add(texts)}::text[], ${p.add(hexes)}::text[],
       ${p.add(entries.map((e) => buf(e.leafHash).toString('hex')))}::text[],
       ${p.add(entries.map((e) => e.createdAt ?? null))}::text[])
       WITH ORDINALITY AS x (kind, t, h, leaf, at, n)`
}

/**
 * Inserts passports with ONE statement however many there are (then their categories with one
 * more). `logIndexes[i]` is the log index of `ps[i]` (null outside the log).
 */
async function insertPassports(
  tx: Queryable,
  ps: readonly PassportRecord[],
  logIndexes: readonly (number | null)[],
): Promise<void> {
  const p = new Params()
  const indexes = p.add(ps.map((_, i) => numText(logIndexes[i])))
  await tx.query(passportsInsert(p, ps, { index: `(${indexes}::text[])[x.n]::bigint` }), p.values)
  const q = new Params()
  const categories = categoriesInsert(q, ps)
  if (categories !== undefined) await tx.query(categories, q.values)
}

/**
 * INSERT of passports, the i-th (from 1) with log index `at.index` at x.n = i. Each column is a
 * text array parameter and the rows come from `unnest`: no parameter limit, far fewer values to
 * bind than a VALUES list, and the same SQL on PGlite and PostgreSQL.
 */
function passportsInsert(p: Params, ps: readonly PassportRecord[], at: LogIndexSql): string {
  const col = <T>(f: (r: PassportRecord) => T): string => p.add(ps.map(f))
  // The tokens (about 16 KB each) go as one newline-separated text, split by the database: as a
  // text[] parameter the driver quotes and escapes every token into one array literal, and the
  // database parses it back, which cost more than the rest of the statement on a batch. A compact
  // SD-JWT never holds a newline (base64url, "." and "~"); a batch with any token that does, or an
  // empty one, goes as an array. The text goes as its UTF-8 bytes (`utf8Lines`): both drivers send
  // a Buffer as is, and the database reads a text parameter's bytes as UTF-8 text.
  const joined = ps.every((r) => r.token !== '' && !r.token.includes('\n'))
  const tokens = joined
    ? `string_to_array(${p.add(utf8Lines(ps.map((r) => r.token)))}::text, E'\\n')`
    : `${col((r) => r.token)}::text[]`
  return `INSERT INTO passports (id, issuer, kid, subject_id, system_name, system_version,
       provider_name, provider_country, jurisdictions, categories, token, issuer_jwt_sha256,
       published_at, log_index, issuer_jwk)
     SELECT x.id, x.issuer, x.kid, x.subject_id, x.system_name, x.system_version, x.provider_name,
       x.provider_country,
       ARRAY(SELECT j.e FROM jsonb_array_elements_text(x.jurisdictions::jsonb) WITH ORDINALITY
         AS j (e, n) ORDER BY j.n),
       x.categories::jsonb, x.token, x.sha, x.published_at::timestamptz, ${at.index},
       x.issuer_jwk::jsonb
     FROM ${at.from ? `${at.from}, ` : ''}unnest(${col((r) => r.id)}::text[],
       ${col((r) => r.issuer)}::text[], ${col((r) => r.kid)}::text[],
       ${col((r) => r.subjectId)}::text[], ${col((r) => r.systemName)}::text[],
       ${col((r) => r.systemVersion)}::text[], ${col((r) => r.providerName)}::text[],
       ${col((r) => r.providerCountry)}::text[],
       ${col((r) => JSON.stringify(r.jurisdictions))}::text[],
       ${col((r) => JSON.stringify(r.categories))}::text[], ${tokens},
       ${col((r) => r.issuerJwtSha256)}::text[], ${col((r) => r.publishedAt)}::text[],
       ${col((r) => (r.issuerJwk === undefined ? null : JSON.stringify(r.issuerJwk)))}::text[])
       WITH ORDINALITY AS x (id, issuer, kid, subject_id, system_name, system_version,
         provider_name, provider_country, jurisdictions, categories, token, sha, published_at,
         issuer_jwk, n)`
}

/**
 * INSERT of one passport_categories row per (passport, jurisdiction, category), duplicates of one
 * passport dropped; undefined when there are none.
 */
function categoriesInsert(p: Params, ps: readonly PassportRecord[]): string | undefined {
  const ids: string[] = []
  const js: string[] = []
  const cs: string[] = []
  for (const r of ps) {
    for (const [j, list] of Object.entries(r.categories)) {
      for (const c of new Set(list)) {
        ids.push(r.id)
        js.push(j)
        cs.push(c)
      }
    }
  }
  if (ids.length === 0) return undefined
  return `INSERT INTO passport_categories (passport_id, jurisdiction, category)
     SELECT x.p, x.j, x.c FROM unnest(${p.add(ids)}::text[], ${p.add(js)}::text[],
       ${p.add(cs)}::text[]) AS x (p, j, c)`
}

/**
 * Publishes passports, and nothing else, with ONE statement run as a transaction of its own
 * (`Db.atomic`): the log head, the entries, the passports and their categories (and, on
 * PostgreSQL, the notification of the new size, delivered on commit). On PostgreSQL
 * that is one round trip per group commit instead of seven (BEGIN, the plan setting, the head,
 * three INSERTs, COMMIT), each of which waited for the server's busy event loop while holding the
 * log head's row lock; and a second group commit sent meanwhile waits inside the database.
 * The rows of a data-modifying WITH are all written, and the foreign keys between them are
 * checked at the end of the statement, when all are there.
 */
async function publishPassports(
  db: Db,
  items: readonly PublishItem[],
  entries: readonly LogEntryInput[],
  notify?: LogNotify,
): Promise<AppendResult> {
  const ps = items.map(passportOf)
  const p = new Params()
  const n = p.add(ps.length)
  const at = { from: 'head', index: 'head.first + x.n - 1' }
  const parts = [
    `head AS (UPDATE log_head SET size = size + ${n}::bigint WHERE id = 1
       RETURNING size - ${n}::bigint AS first, size)`,
    `entries_in AS (${logEntriesInsert(p, entries, at)})`,
    `passports_in AS (${passportsInsert(p, ps, at)})`,
  ]
  const categories = categoriesInsert(p, ps)
  if (categories !== undefined) parts.push(`categories_in AS (${categories})`)
  const rows = await db.atomic(
    `WITH ${parts.join(',\n')}\nSELECT first, size${notifySql(p, notify)} FROM head`,
    p.values,
  )
  const firstIndex = Number(rows[0]?.first)
  const size = Number(rows[0]?.size)
  if (!Number.isSafeInteger(firstIndex) || !Number.isSafeInteger(size))
    throw new Error('log_head is missing; run migrate() first')
  return { firstIndex, size }
}

/**
 * `lines.join('\n')` as UTF-8 bytes, written into one buffer: on a batch of 100 passports (1.6 MB)
 * this takes a quarter of the time of joining the strings and encoding the result, which is what
 * the driver does with a string parameter.
 */
function utf8Lines(lines: readonly string[]): Buffer {
  let size = Math.max(0, lines.length - 1)
  for (const line of lines) size += Buffer.byteLength(line, 'utf8')
  const out = Buffer.allocUnsafe(size)
  let at = 0
  for (const [i, line] of lines.entries()) {
    if (i > 0) out[at++] = 0x0a
    at += out.write(line, at, 'utf8')
  }
  return out
}

/** A log index as text for a text array parameter (null stays null). */
function numText(n: number | null | undefined): string | null {
  return n === null || n === undefined ? null : String(n)
}

function notFound(passportId: string): StoreError {
  return new StoreError({
    code: 'ERR_STORE_NOT_FOUND',
    message: `passport ${passportId} is not in the registry; publish it before changing its status`,
  })
}

/**
 * Applies status changes in order, as if one after the other: the passports are read and locked
 * once (FOR UPDATE: concurrent changes of one passport queue up, each sees the previous result),
 * the transitions are checked here in order, then one UPDATE sets each passport's final status
 * and one INSERT adds every event, in order (so `status_events.id` follows the input order).
 */
async function changeStatuses(
  tx: Queryable,
  changes: readonly StatusChange[],
  logIndexes: readonly (number | null)[],
): Promise<void> {
  const ids = [...new Set(changes.map((c) => c.passportId))].sort()
  const rows = await tx.query(
    'SELECT id, status FROM passports WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [ids],
  )
  const current = new Map(rows.map((r) => [String(r.id), r.status as PassportStatus]))
  // Changes signed by a delegate: the delegation must still be active at this commit. FOR SHARE
  // makes a concurrent withdrawal (an UPDATE of that row) wait for this commit, and this SELECT
  // sees a withdrawal committed before it.
  const delegations = [
    ...new Set(changes.flatMap((c) => (c.delegationId === undefined ? [] : [c.delegationId]))),
  ].sort()
  const active = new Set<string>()
  if (delegations.length > 0) {
    const found = await tx.query(
      `SELECT id FROM delegations WHERE id = ANY($1::text[]) AND withdrawn_at IS NULL
       ORDER BY id FOR SHARE`,
      [delegations],
    )
    for (const r of found) active.add(String(r.id))
  }
  const last = new Map<string, StatusChange>()
  for (const change of changes) {
    const now = current.get(change.passportId)
    if (now === undefined) throw notFound(change.passportId)
    if (change.delegationId !== undefined && !active.has(change.delegationId)) {
      throw new StoreError({
        code: 'ERR_STORE_CONFLICT',
        message: `delegation ${change.delegationId} was withdrawn; the status of passport ${change.passportId} was not changed`,
        details: { delegation: change.delegationId },
      })
    }
    if (now === 'revoked') {
      throw new StoreError({
        code: 'ERR_STORE_CONFLICT',
        message: `passport ${change.passportId} is revoked; revocation is final, issue a new passport instead`,
        details: { current: now },
      })
    }
    if (now === change.status) {
      throw new StoreError({
        code: 'ERR_STORE_CONFLICT',
        message: `passport ${change.passportId} is already ${now}`,
        details: { current: now },
      })
    }
    current.set(change.passportId, change.status)
    last.set(change.passportId, change)
  }
  const finals = [...last.values()]
  await tx.query(
    `UPDATE passports SET status = x.s, status_reason = x.r, status_by_kid = x.k,
       status_updated_at = x.a::timestamptz
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x (id, s, r, k, a)
     WHERE passports.id = x.id`,
    [
      finals.map((c) => c.passportId),
      finals.map((c) => c.status),
      finals.map((c) => c.reason ?? null),
      finals.map((c) => c.byKid),
      finals.map((c) => c.at),
    ],
  )
  // WITH ORDINALITY ... ORDER BY: the events get their ids (listStatusEvents order) in item order.
  await tx.query(
    `INSERT INTO status_events (passport_id, status, reason, by_kid, at, log_index)
     SELECT x.id, x.s, x.r, x.k, x.a::timestamptz, x.l::bigint
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       WITH ORDINALITY AS x (id, s, r, k, a, l, n)
     ORDER BY x.n`,
    [
      changes.map((c) => c.passportId),
      changes.map((c) => c.status),
      changes.map((c) => c.reason ?? null),
      changes.map((c) => c.byKid),
      changes.map((c) => c.at),
      changes.map((_, i) => numText(logIndexes[i])),
    ],
  )
}

async function insertEndorsements(
  tx: Queryable,
  es: readonly EndorsementRecord[],
  logIndexes: readonly (number | null)[],
): Promise<void> {
  await tx.query(
    `INSERT INTO endorsements (id, passport_id, endorser_kid, token, published_at, log_index)
     SELECT x.id, x.p, x.k, x.t, x.a::timestamptz, x.l::bigint
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS x (id, p, k, t, a, l)`,
    [
      es.map((e) => e.id),
      es.map((e) => e.passportId),
      es.map((e) => e.endorserKid),
      es.map((e) => e.token),
      es.map((e) => e.publishedAt),
      es.map((_, i) => numText(logIndexes[i])),
    ],
  )
}

async function insertDelegations(
  tx: Queryable,
  items: readonly PublishItem[],
  logIndexes: readonly number[],
): Promise<void> {
  const ds = items.map((item): DelegationRecord => {
    if (item.type !== 'delegation') throw new TypeError('expected a delegation item')
    return item.delegation
  })
  await tx.query(
    `INSERT INTO delegations (id, issuer_kid, delegate_kid, delegate_jwk, scope, name, created_at,
       log_index)
     SELECT x.id, x.i, x.d, x.j::jsonb, x.s, x.n, x.a::timestamptz, x.l::bigint
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::text[], $8::text[]) AS x (id, i, d, j, s, n, a, l)`,
    [
      ds.map((d) => d.id),
      ds.map((d) => d.issuerKid),
      ds.map((d) => d.delegateKid),
      ds.map((d) => JSON.stringify(d.delegateJwk)),
      ds.map((d) => d.scope),
      ds.map((d) => d.name),
      ds.map((d) => d.createdAt),
      logIndexes.map((l) => String(l)),
    ],
  )
}

/**
 * Inserts incident reports one by one (they are rare), each after checking it against the
 * reports of its incident already stored: the first must be sequence 1, each next one the next
 * sequence, from the initial report's key and about its passport; ERR_STORE_CONFLICT otherwise,
 * which rolls the batch back. The log head's row lock (appendLog, earlier in the transaction)
 * serialises publishing transactions, so the check sees every report committed before; and
 * UNIQUE (incident_id, sequence) refuses a second report with one sequence whatever happens.
 */
async function insertIncidents(
  tx: Queryable,
  items: readonly PublishItem[],
  logIndexes: readonly number[],
): Promise<void> {
  for (const [i, item] of items.entries()) {
    if (item.type !== 'incident') throw new TypeError('expected an incident item')
    const r: IncidentRecord = item.incident
    const stored = await tx.query(
      `SELECT sequence, reporter_kid, passport_id FROM incident_reports
       WHERE incident_id = $1 ORDER BY sequence`,
      [r.incidentId],
    )
    const first = stored[0]
    const last = stored[stored.length - 1]
    const conflict = (message: string) =>
      new StoreError({
        code: 'ERR_STORE_CONFLICT',
        message: `incident ${r.incidentId}: ${message}`,
      })
    if (first === undefined || last === undefined) {
      if (r.sequence !== 1)
        throw conflict(
          `the registry has no report of this incident, so this one must be its initial report (sequence 1), not sequence ${r.sequence}`,
        )
    } else {
      if (String(first.reporter_kid) !== r.reporterKid)
        throw conflict(
          `its initial report was signed with key ${String(first.reporter_kid)}, this one with ${r.reporterKid}; every report of an incident comes from the same reporter key`,
        )
      if (String(first.passport_id) !== r.passportId)
        throw conflict(
          `its reports are about passport ${String(first.passport_id)}, this one is about ${r.passportId}`,
        )
      const next = Number(last.sequence) + 1
      if (r.sequence !== next)
        throw conflict(
          `the last report in the registry is sequence ${Number(last.sequence)}, so the next must be ${next}, not ${r.sequence}`,
        )
    }
    await tx.query(
      `INSERT INTO incident_reports (${INCIDENT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11::timestamptz, $12::bigint)`,
      [
        r.id,
        r.incidentId,
        r.passportId,
        r.reporterKid,
        JSON.stringify(r.reporterJwk),
        r.sequence,
        r.report,
        r.serious,
        r.status,
        r.token,
        r.publishedAt,
        String(logIndexes[i]),
      ],
    )
  }
}

/**
 * Withdraws delegations one by one (they are rare): only an active one, of the stated issuer and
 * delegate, is changed; anything else is ERR_STORE_NOT_FOUND or ERR_STORE_CONFLICT and rolls the
 * batch back, so the log never holds a withdrawal that did not happen.
 */
async function withdrawDelegations(
  tx: Queryable,
  items: readonly PublishItem[],
  logIndexes: readonly number[],
): Promise<void> {
  for (const [i, item] of items.entries()) {
    if (item.type !== 'delegation-withdrawal') throw new TypeError('expected a withdrawal item')
    const w: DelegationWithdrawal = item.withdrawal
    const rows = await tx.query(
      `UPDATE delegations SET withdrawn_at = $4::timestamptz, withdrawal_log_index = $5::bigint
       WHERE id = $1 AND issuer_kid = $2 AND delegate_kid = $3 AND withdrawn_at IS NULL
       RETURNING id`,
      [w.id, w.issuerKid, w.delegateKid, w.at, String(logIndexes[i])],
    )
    if (rows.length > 0) continue
    const found = await tx.query('SELECT issuer_kid, withdrawn_at FROM delegations WHERE id = $1', [
      w.id,
    ])
    const row = found[0]
    if (!row || String(row.issuer_kid) !== w.issuerKid)
      throw new StoreError({
        code: 'ERR_STORE_NOT_FOUND',
        message: `delegation ${w.id} of issuer key ${w.issuerKid} is not in the registry`,
      })
    throw new StoreError({
      code: 'ERR_STORE_CONFLICT',
      message:
        row.withdrawn_at === null
          ? `delegation ${w.id} is not to key ${w.delegateKid}`
          : `delegation ${w.id} is already withdrawn`,
    })
  }
}

/** Throws TypeError when an evaluation record's counts or time do not fit the table. */
function checkEvaluationRecord(r: EvaluationRecord, where: string): void {
  checkTime(r.publishedAt, where)
  const counts = [r.metrics, r.thresholds, r.thresholdsMet]
  if (
    !counts.every((n) => Number.isSafeInteger(n) && n >= 0) ||
    r.metrics < 1 ||
    r.thresholds > r.metrics ||
    r.thresholdsMet > r.thresholds
  )
    throw new TypeError(
      `${where}: an evaluation has at least one metric, at most one threshold each, and at most as many thresholds met as thresholds`,
    )
}

/** Inserts evaluation results one by one (they are few). */
async function insertEvaluations(
  tx: Queryable,
  items: readonly PublishItem[],
  logIndexes: readonly number[],
): Promise<void> {
  for (const [i, item] of items.entries()) {
    if (item.type !== 'evaluation') throw new TypeError('expected an evaluation item')
    const r: EvaluationRecord = item.evaluation
    await tx.query(
      `INSERT INTO evaluation_results (${EVALUATION_COLUMNS})
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::bigint)`,
      [
        r.id,
        r.passportId,
        r.evaluatorKid,
        JSON.stringify(r.evaluatorJwk),
        r.method,
        r.performedAt,
        r.metrics,
        r.thresholds,
        r.thresholdsMet,
        r.token,
        r.publishedAt,
        String(logIndexes[i]),
      ],
    )
  }
}

function toEvaluation(r: Row): EvaluationStored {
  return {
    id: String(r.id),
    passportId: String(r.passport_id),
    evaluatorKid: String(r.evaluator_kid),
    evaluatorJwk: r.evaluator_jwk as Record<string, unknown>,
    method: String(r.method),
    performedAt: String(r.performed_at),
    metrics: Number(r.metrics),
    thresholds: Number(r.thresholds),
    thresholdsMet: Number(r.thresholds_met),
    token: String(r.token),
    publishedAt: iso(r.published_at),
    logIndex: numOrNull(r.log_index),
  }
}

function toStatusEvent(r: Row): StatusEvent {
  return {
    passportId: String(r.passport_id),
    status: r.status as PassportStatus,
    reason: r.reason === null ? null : String(r.reason),
    byKid: String(r.by_kid),
    at: iso(r.at),
    logIndex: numOrNull(r.log_index),
  }
}

function toIncident(r: Row): IncidentStored {
  return {
    id: String(r.id),
    incidentId: String(r.incident_id),
    passportId: String(r.passport_id),
    reporterKid: String(r.reporter_kid),
    reporterJwk: r.reporter_jwk as Record<string, unknown>,
    sequence: Number(r.sequence),
    report: String(r.report_kind) as IncidentRecord['report'],
    serious: r.serious === true,
    status: String(r.status) as IncidentRecord['status'],
    token: String(r.token),
    publishedAt: iso(r.published_at),
    logIndex: numOrNull(r.log_index),
  }
}

function toDelegation(r: Row): DelegationStored {
  return {
    id: String(r.id),
    issuerKid: String(r.issuer_kid),
    delegateKid: String(r.delegate_kid),
    delegateJwk: r.delegate_jwk as Record<string, unknown>,
    scope: r.scope as DelegationScope,
    name: r.name === null ? null : String(r.name),
    createdAt: iso(r.created_at),
    withdrawnAt: r.withdrawn_at === null ? null : iso(r.withdrawn_at),
    logIndex: numOrNull(r.log_index),
    withdrawalLogIndex: numOrNull(r.withdrawal_log_index),
  }
}

function toPassport(r: Row): StoredPassport {
  return {
    id: String(r.id),
    issuer: String(r.issuer),
    kid: String(r.kid),
    subjectId: String(r.subject_id),
    systemName: String(r.system_name),
    systemVersion: String(r.system_version),
    providerName: String(r.provider_name),
    providerCountry: r.provider_country === null ? null : String(r.provider_country),
    jurisdictions: (r.jurisdictions as unknown[]).map(String),
    categories: r.categories as Record<string, string[]>,
    token: String(r.token),
    issuerJwtSha256: String(r.issuer_jwt_sha256),
    publishedAt: iso(r.published_at),
    status: r.status as PassportStatus,
    statusReason: r.status_reason === null ? null : String(r.status_reason),
    statusByKid: r.status_by_kid === null ? null : String(r.status_by_kid),
    statusUpdatedAt: r.status_updated_at === null ? null : iso(r.status_updated_at),
    logIndex: numOrNull(r.log_index),
    ...(r.issuer_jwk === null || r.issuer_jwk === undefined
      ? {}
      : { issuerJwk: r.issuer_jwk as Record<string, unknown> }),
  }
}

function toStatusList(r: Row): StatusListRecord {
  return {
    listId: String(r.list_id),
    issuer: String(r.issuer),
    token: String(r.token),
    updatedAt: iso(r.updated_at),
  }
}

// --- value conversion: pg gives int8 as string and bytea as Buffer, PGlite number and Uint8Array.

function iso(v: unknown): string {
  return (v instanceof Date ? v : new Date(String(v))).toISOString()
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

/** A plain Uint8Array copy (not a Buffer), so results compare equal across backends. */
function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v)
  throw new TypeError('expected bytea')
}

function buf(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

function payloadBytes(p: Uint8Array | string): Buffer {
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : buf(p)
}

/** `%text%` for ILIKE, with the wildcards of the text itself escaped. */
function likeArg(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function encodeCursor(publishedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([publishedAt, id]), 'utf8').toString('base64url')
}

/**
 * True for a time as encodeCursor writes it (`toISOString()` of a published_at, years 0000 to
 * 9999), so that no other date text ("1", "2026-02-30"), which PostgreSQL parses differently or
 * not at all, reaches the query.
 */
function isCursorTime(t: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t)) return false
  const ms = Date.parse(t)
  return !Number.isNaN(ms) && new Date(ms).toISOString() === t
}

function decodeCursor(cursor: string): [string, string] {
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    v = undefined
  }
  if (
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[0] === 'string' &&
    typeof v[1] === 'string' &&
    isCursorTime(v[0])
  ) {
    return [v[0], v[1]]
  }
  throw new StoreError({
    code: 'ERR_STORE_BAD_CURSOR',
    message: 'the search cursor is not one the registry returned; pass nextCursor unchanged',
  })
}

// --- argument checks (API misuse throws TypeError before anything is written).

function checkTime(v: unknown, where: string): void {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) {
    throw new TypeError(`${where}: expected an RFC 3339 date-time string`)
  }
}

function checkHash(h: unknown, where: string): void {
  if (!(h instanceof Uint8Array) || h.length !== 32) {
    throw new TypeError(`${where}: expected 32 bytes (a SHA-256 hash)`)
  }
}

function checkEntry(e: LogEntryInput, where: string): void {
  if (!KINDS.includes(e.kind)) throw new TypeError(`${where}: unknown kind ${String(e.kind)}`)
  if (typeof e.payload !== 'string' && !(e.payload instanceof Uint8Array)) {
    throw new TypeError(`${where}: payload must be bytes or a string`)
  }
  checkHash(e.leafHash, `${where}: leafHash`)
  if (e.createdAt !== undefined) checkTime(e.createdAt, `${where}: createdAt`)
}

function checkRange(start: number, end: number, where: string): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new TypeError(`${where}: expected integers 0 <= start <= end`)
  }
}

function checkPassport(p: PassportRecord): void {
  const where = `passport ${String(p.id)}`
  if (typeof p.id !== 'string' || p.id === '') throw new TypeError('passport: id (jti) is required')
  if (!/^[0-9a-f]{64}$/.test(p.issuerJwtSha256)) {
    throw new TypeError(`${where}: issuerJwtSha256 must be 64 lowercase hex digits`)
  }
  if (!Array.isArray(p.jurisdictions) || !p.jurisdictions.every((j) => typeof j === 'string')) {
    throw new TypeError(`${where}: jurisdictions must be an array of strings`)
  }
  const cats = p.categories as unknown
  if (
    typeof cats !== 'object' ||
    cats === null ||
    Array.isArray(cats) ||
    !Object.values(cats).every((l) => Array.isArray(l) && l.every((c) => typeof c === 'string'))
  ) {
    throw new TypeError(`${where}: categories must map each jurisdiction to an array of strings`)
  }
  checkTime(p.publishedAt, `${where}: publishedAt`)
}

function checkStatusChange(c: StatusChange): void {
  if (!STATUSES.includes(c.status)) {
    throw new TypeError(`status change: unknown status ${JSON.stringify(c.status)}`)
  }
  checkTime(c.at, `status change of ${c.passportId}: at`)
}
