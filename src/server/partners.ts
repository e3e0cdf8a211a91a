/**
 * Partner registries (`accord serve --follow URL=KEY`, docs/federation.md): this registry follows
 * another one's transparency log and mirrors the passports, incident reports, evaluation results
 * and status changes it publishes.
 *
 * For each followed log, a background follower in the server process, every `pollMs`:
 *
 * 1. reads the partner's checkpoint and verifies it against the pinned log key, its origin named
 *    by that key (`pinnedCheckpoint`, pinned.ts), and its consistency with the last checkpoint
 *    verified, kept in the database (`monitorOnce`, monitor.ts);
 * 2. reads the entries past the last one handled, checked against that checkpoint's root with one
 *    inclusion proof (`readNewEntries`, monitor.ts), and handles them in log order;
 * 3. for an entry of kind `passport`, `incident` or `evaluation`, fetches the statement from the
 *    partner's API, checks that it is the one the entry commits to (the entry recomputed from the
 *    token must be the entry, byte for byte), checks it as this registry's own publish route
 *    would (passports: signed by the key whose thumbprint is their kid, verifying in full;
 *    reports and results: signed by their kid's key, bound to the passport this registry holds),
 *    and publishes it here, appended to this registry's log like a local publish, with its
 *    provenance (the partner's origin and entry index, the URL) in the same commit;
 * 4. for a status change (revocation, suspension, reinstatement), which has no signature of its
 *    own, applies it only to a passport mirrored from the same partner (`#status`).
 *
 * A statement that is refused is recorded with the reason (GET /api/v1/partners) and skipped,
 * never retried; a statement this registry already holds (the same one published to both) is
 * skipped, so it is stored once. Restarting resumes after the last entry mirrored or refused. A
 * split view, a checkpoint that does not verify, or entries that are not the ones signed stop
 * following that partner (logged at error, shown in the API); this registry's own publishing is
 * not affected. A partner that cannot be reached is tried again at the next poll.
 */
import type { FastifyBaseLogger } from 'fastify'
import { AccordError, StoreError, TlogError } from '../core/errors.js'
import { toHex } from '../core/merkle/hash.js'
import { algForJwk, jwkThumbprint, parsePublicJwk } from '../core/passport/jwk.js'
import type { MirroredFrom, PartnerRefusal, StoredPassport } from '../core/store.js'
import type { VerifiedCheckpoint } from '../core/tlog/checkpoint.js'
import {
  encodeEntryText,
  evaluationEntryFromToken,
  incidentEntryFromToken,
  parseEntry,
  passportEntryFromSdJwt,
  type EvaluationEntry,
  type IncidentEntry,
  type PassportEntry,
  type StatusEntry,
  type TlogEntry,
} from '../core/tlog/entry.js'
import { sha256 } from '../node/sha256.js'
import {
  fetchPassport,
  fetchPassportEvaluations,
  fetchPassportIncidents,
  type FetchFn,
} from '../node/tlog/http.js'
import type { LogKey } from '../node/tlog/log-key.js'
import {
  monitorOnce,
  readNewEntries,
  type MonitorEntry,
  type MonitorState,
} from '../node/tlog/monitor.js'
import { pinnedCheckpoint } from '../node/tlog/pinned.js'
import type { RouteContext } from './app.js'
import type { RegistryItem } from './deps.js'
import { evaluationItem } from './routes/evaluations.js'
import { incidentItem } from './routes/incidents.js'
import { isoNow, publishableItems } from './routes/passports.js'

/** One registry to follow. */
export interface FollowTarget {
  /** Its base URL. */
  url: string
  /** Its log key, pinned. */
  key: LogKey
  /** The key as given (a verifier key, or a file), shown by GET /api/v1/partners. */
  pinnedKey: string
}

export interface FollowOptions {
  partners: FollowTarget[]
  /** Between two rounds of a follower (default 5000 ms). */
  pollMs?: number
  /** Tests inject one; default the global fetch. */
  fetch?: FetchFn
  /** Per request to a partner (default 10 s). */
  timeoutMs?: number
  /** Where new entries are spooled while checked (default the system's temporary directory). */
  spoolDir?: string
}

export type PartnerState = 'starting' | 'ok' | 'stopped'

/** What GET /api/v1/partners says of one followed registry. */
export interface PartnerView {
  url: string
  /** The partner log's origin; null until its first checkpoint verified. */
  origin: string | null
  pinnedKey: string
  state: PartnerState
  /** Why following stopped (state `stopped`). */
  reason: string | null
  /** The last error that did not stop following (an unreachable partner), cleared by a round. */
  lastError: string | null
  /** Size of the partner's last verified checkpoint. */
  checkpointSize: number | null
  /** The partner's log index of the last statement mirrored. */
  lastMirroredIndex: number | null
  /** The next entry of the partner's log to handle. */
  nextIndex: number
  mirrored: number
  refused: number
  /** The latest refusals (at most 20), newest first. */
  refusals: Omit<PartnerRefusal, 'origin'>[]
  /** When the last round ended. */
  checkedAt: string | null
}

export interface Partners {
  /** Each followed registry, in the order given. */
  view(): Promise<PartnerView[]>
  /** Runs one round of every follower now (tests); resolves when they are done. */
  poll(): Promise<void>
  /** Stops the followers, waiting for their rounds in progress. */
  close(): Promise<void>
}

/** Most refusals GET /api/v1/partners lists per partner. */
const REFUSALS_SHOWN = 20
/** How often a follower saves its place while it handles a long range of entries. */
const SAVE_EVERY = 100

/** A statement this registry refuses to mirror: recorded, and the entry skipped. */
class Refusal extends Error {}

/** Starts a follower for each partner; `log` is the server's logger. */
export function startPartners(
  ctx: RouteContext,
  options: FollowOptions,
  log: FastifyBaseLogger,
): Partners {
  const followers = options.partners.map((target) => new Follower(ctx, target, options, log))
  for (const f of followers) f.start()
  return {
    view: () => Promise.all(followers.map((f) => f.view())),
    poll: async () => {
      await Promise.all(followers.map((f) => f.round()))
    },
    close: async () => {
      await Promise.all(followers.map((f) => f.close()))
    },
  }
}

class Follower {
  readonly #ctx: RouteContext
  readonly #target: FollowTarget
  readonly #options: FollowOptions
  readonly #log: FastifyBaseLogger
  #origin: string | null = null
  #state: PartnerState = 'starting'
  #reason: string | null = null
  #lastError: string | null = null
  #checkedAt: string | null = null
  /** The last verified checkpoint, as the monitor keeps it. */
  #previous: MonitorState | null = null
  /** The same checkpoint verified in this process (entries are checked against it). */
  #verified: VerifiedCheckpoint | null = null
  #nextIndex = 0
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #closed = false

  constructor(
    ctx: RouteContext,
    target: FollowTarget,
    options: FollowOptions,
    log: FastifyBaseLogger,
  ) {
    this.#ctx = ctx
    this.#target = target
    this.#options = options
    this.#log = log.child({ partner: target.url })
  }

  start(): void {
    this.#schedule(0)
  }

  #schedule(ms: number): void {
    if (this.#closed || this.#state === 'stopped') return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.round().finally(() => this.#schedule(this.#options.pollMs ?? 5000))
    }, ms)
  }

  /** One round; a round already running is waited for instead of starting another. */
  round(): Promise<void> {
    if (this.#closed || this.#state === 'stopped') return Promise.resolve()
    this.#running ??= this.#round()
      .catch((err: unknown) => {
        // A partner or database that cannot be reached: try again at the next poll.
        this.#lastError = (err as Error).message
        this.#log.warn({ err }, `following ${this.#target.url}: ${this.#lastError}`)
      })
      .finally(() => {
        this.#checkedAt = new Date().toISOString()
        this.#running = undefined
      })
    return this.#running
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    await this.#running
  }

  #http() {
    return {
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(this.#options.timeoutMs !== undefined ? { timeoutMs: this.#options.timeoutMs } : {}),
    }
  }

  #stop(reason: string): void {
    this.#state = 'stopped'
    this.#reason = reason
    this.#log.error(`stopped following ${this.#target.url}: ${reason}`)
  }

  async #round(): Promise<void> {
    const { url, key } = this.#target
    const http = this.#http()
    let cp: VerifiedCheckpoint
    try {
      cp = await pinnedCheckpoint(url, { key, source: `the --follow key of ${url}`, ...http })
    } catch (err) {
      if (err instanceof TlogError && err.code === 'ERR_TLOG_INVALID')
        return this.#stop(err.message)
      throw err
    }
    if (this.#origin === null) await this.#resume(cp.origin)
    else if (cp.origin !== this.#origin)
      return this.#stop(
        `the partner now serves the log "${cp.origin}", not "${this.#origin}" it was followed as`,
      )
    const origin = cp.origin
    const r = await monitorOnce(
      { logUrl: url, logKey: key, origin, note: cp.note, ...http },
      this.#previous,
    )
    if (r.status === 'invalid' || r.status === 'split-view' || r.status === 'tampered') {
      const evidence = r.evidence
        ? `\n--- verified before:\n${r.evidence.previous.trimEnd()}\n--- served now:\n${r.evidence.current.trimEnd()}`
        : ''
      return this.#stop(`${r.message}${evidence}`)
    }
    if (r.status !== 'stale' && r.checkpoint && r.state) {
      this.#verified = r.checkpoint
      this.#previous = r.state
      if (r.status !== 'unchanged') await this.#save()
    }
    this.#state = 'ok'
    this.#lastError = null
    const verified = this.#verified
    if (verified === null || this.#nextIndex >= verified.size) return
    const read = await readNewEntries(
      {
        logUrl: url,
        logKey: key,
        ...http,
        ...(this.#options.spoolDir ? { spoolDir: this.#options.spoolDir } : {}),
      },
      this.#nextIndex,
      verified,
    )
    if (!read.ok)
      return this.#stop(
        `TAMPERED ENTRIES: the entries ${this.#nextIndex}..${verified.size - 1} the partner served are not the ones its checkpoint of size ${verified.size} signs: ${read.message}`,
      )
    let handled = 0
    try {
      for await (const e of read.entries) {
        if (this.#closed) break
        await this.#handle(e)
        this.#nextIndex = e.index + 1
        if (++handled % SAVE_EVERY === 0) await this.#save()
      }
    } finally {
      await read.entries.close()
      await this.#save()
    }
  }

  /** Loads where following `origin` stopped last time (its checkpoint and next entry). */
  async #resume(origin: string): Promise<void> {
    const store = this.#ctx.deps.store
    const stored = await store.getPartnerLog(origin)
    const progress = await store.partnerProgress(origin)
    this.#origin = origin
    this.#nextIndex = progress.nextIndex ?? 0
    this.#previous =
      stored === null
        ? null
        : {
            logUrl: this.#target.url,
            origin,
            size: stored.checkpointSize,
            rootHash: stored.checkpointRoot,
            note: stored.checkpointNote,
            verifiedAt: stored.verifiedAt,
          }
  }

  async #save(): Promise<void> {
    const p = this.#previous
    if (p === null || this.#origin === null) return
    await this.#ctx.deps.store.putPartnerLog({
      origin: this.#origin,
      url: this.#target.url,
      checkpointSize: p.size,
      checkpointRoot: p.rootHash,
      checkpointNote: p.note,
      verifiedAt: p.verifiedAt,
      nextIndex: this.#nextIndex,
    })
  }

  /** Mirrors, skips or refuses one verified entry of the partner's log. */
  async #handle(e: MonitorEntry): Promise<void> {
    const parsed = parseEntry(e.payload)
    if (!parsed.ok)
      return this.#refuse(e, null, `not a v1 log entry this registry reads: ${parsed.message}`)
    const entry = parsed.entry
    if (
      entry.kind === 'endorsement' ||
      entry.kind === 'delegation' ||
      entry.kind === 'delegation-withdrawal'
    )
      return // Not mirrored (docs/federation.md).
    // A status change names the passport it is about.
    const statementId = 'id' in entry ? entry.id : entry.passportId
    try {
      const item =
        entry.kind === 'passport'
          ? await this.#passport(entry, e.payload)
          : entry.kind === 'incident'
            ? await this.#incident(entry, e.payload)
            : entry.kind === 'evaluation'
              ? await this.#evaluation(entry, e.payload)
              : await this.#status(entry)
      if (item === 'held') return
      const mirroredFrom: MirroredFrom = {
        origin: this.#origin as string,
        index: e.index,
        url: this.#target.url,
        mirroredAt: isoNow(this.#ctx),
      }
      try {
        const {
          indexes: [logIndex],
        } = await this.#ctx.deps.registry.publish([{ ...item, mirroredFrom }])
        this.#log.info(
          { kind: entry.kind, id: statementId, partnerIndex: e.index, logIndex },
          'mirrored from partner',
        )
      } catch (err) {
        // Published here meanwhile (the same statement sent to both registries): stored once.
        if (err instanceof StoreError && err.code === 'ERR_STORE_CONFLICT') {
          if ('id' in entry && (await this.#held(entry)) === 'held') return
          throw new Refusal(`this registry refused it: ${err.message}`)
        }
        throw err
      }
    } catch (err) {
      // An unreachable partner or database (or this registry shutting down) is not a refusal: the
      // round stops here and the entry is tried again. Anything else is (the checks of the publish
      // routes: 422, 403, 404, 409; a record the store finds malformed), so that no entry holds
      // back the ones after it.
      if (isUnavailable(err)) throw err
      return this.#refuse(e, statementId, (err as Error).message)
    }
  }

  async #refuse(e: MonitorEntry, statementId: string | null, reason: string): Promise<void> {
    this.#log.warn(
      { partnerIndex: e.index, kind: e.kind, statementId },
      `refused entry ${e.index} (${e.kind}) of ${this.#target.url}: ${reason}`,
    )
    await this.#ctx.deps.store.recordPartnerRefusal({
      origin: this.#origin as string,
      index: e.index,
      kind: e.kind,
      statementId,
      reason,
      refusedAt: isoNow(this.#ctx),
    })
  }

  /**
   * 'held' when this registry already holds the statement of `entry` (the same token: stored
   * once); undefined when it holds none with its id; a Refusal when it holds another one.
   */
  async #held(entry: PassportEntry | IncidentEntry | EvaluationEntry): Promise<'held' | undefined> {
    const store = this.#ctx.deps.store
    if (entry.kind === 'passport') {
      const held = await store.getPassport(entry.id)
      if (held === null) return undefined
      if (held.issuerJwtSha256 === entry.issuerJwtSha256) return 'held'
      throw new Refusal(`this registry holds another passport with the id ${entry.id}`)
    }
    const list =
      entry.kind === 'incident'
        ? await store.listIncidentReports(entry.passportId)
        : await store.listEvaluations(entry.passportId)
    const held = list.find((s) => s.id === entry.id)
    if (held === undefined) return undefined
    const mine =
      entry.kind === 'incident'
        ? incidentEntryFromToken(held.token, sha256)
        : evaluationEntryFromToken(held.token, sha256)
    if (mine.ok && mine.entry.tokenSha256 === entry.tokenSha256) return 'held'
    throw new Refusal(`this registry holds another ${entry.kind} statement with the id ${entry.id}`)
  }

  /** The passport of a `passport` entry, as this registry's publish route checks it. */
  async #passport(entry: PassportEntry, payload: string): Promise<RegistryItem | 'held'> {
    if ((await this.#held(entry)) === 'held') return 'held'
    const served = record(await fetchPassport(this.#target.url, entry.id, this.#http()))
    if (served === undefined) throw new Refusal(`the partner does not serve passport ${entry.id}`)
    const { token, issuerJwk } = served
    if (typeof token !== 'string')
      throw new Refusal('the partner serves the passport without its token')
    sameEntry(passportEntryFromSdJwt(token, sha256), payload, 'passport')
    if (issuerJwk === undefined)
      throw new Refusal(
        "the partner does not serve the passport's issuer key (issuerJwk; passports published to it before it recorded them), so its signature cannot be checked",
      )
    let key
    try {
      const jwk = await parsePublicJwk(issuerJwk, 'issuer jwk')
      key = { kid: await jwkThumbprint(jwk), alg: algForJwk(jwk), jwk }
    } catch (err) {
      throw new Refusal(`the issuer key the partner serves: ${(err as Error).message}`)
    }
    const [item] = await publishableItems(this.#ctx, key, [token], false)
    return item as RegistryItem
  }

  /** The report of an `incident` entry, as this registry's incident route checks it. */
  async #incident(entry: IncidentEntry, payload: string): Promise<RegistryItem | 'held'> {
    if ((await this.#held(entry)) === 'held') return 'held'
    const passport = await this.#knownPassport(entry)
    const list = record(
      await fetchPassportIncidents(this.#target.url, entry.passportId, this.#http()),
    )
    const reports = (Array.isArray(list?.items) ? list.items : []).flatMap((i) => {
      const r = record(i)?.reports
      return Array.isArray(r) ? r : []
    })
    const served = reports.map(record).find((r) => r?.id === entry.id)
    if (served === undefined || typeof served.token !== 'string')
      throw new Refusal(`the partner does not serve incident report ${entry.id}`)
    sameEntry(incidentEntryFromToken(served.token, sha256), payload, 'incident report')
    return incidentItem(this.#ctx, passport, served.token.trim(), served.reporterJwk)
  }

  /** The result of an `evaluation` entry, as this registry's evaluation route checks it. */
  async #evaluation(entry: EvaluationEntry, payload: string): Promise<RegistryItem | 'held'> {
    if ((await this.#held(entry)) === 'held') return 'held'
    const passport = await this.#knownPassport(entry)
    const list = record(
      await fetchPassportEvaluations(this.#target.url, entry.passportId, this.#http()),
    )
    const results = Array.isArray(list?.items) ? list.items : []
    const served = results.map(record).find((r) => r?.id === entry.id)
    if (served === undefined || typeof served.token !== 'string')
      throw new Refusal(`the partner does not serve evaluation result ${entry.id}`)
    sameEntry(evaluationEntryFromToken(served.token, sha256), payload, 'evaluation result')
    return evaluationItem(this.#ctx, passport, served.token.trim(), served.evaluatorJwk)
  }

  /**
   * The status change (revocation, suspension, reinstatement) of a `status` entry. A status change
   * carries no signature of its own (the partner authenticated the request of the issuer key or
   * its delegate): it is mirrored only for a passport this registry mirrored from the same partner,
   * whose log, pinned and checked, is then the only word on it; refused otherwise.
   */
  async #status(entry: StatusEntry): Promise<RegistryItem> {
    const store = this.#ctx.deps.store
    const passport = await store.getPassport(entry.passportId)
    if (passport === null)
      throw new Refusal(`the passport ${entry.passportId} is not in this registry`)
    const from =
      passport.logIndex === null
        ? undefined
        : (await store.mirrorsOf([passport.logIndex])).get(passport.logIndex)
    if (from?.origin !== this.#origin)
      throw new Refusal(
        `the passport ${entry.passportId} was not mirrored from this partner, so its status here is not the partner's to change (a status change carries no signature of its own)`,
      )
    const { passportId, status, reason, byKid, at } = entry
    return { type: 'status', change: { passportId, status, reason, byKid, at } }
  }

  /**
   * The passport a report or result is about, which this registry must hold. The partner accepts
   * a statement only about a passport it holds, so the passport's entry came earlier in its log
   * and was mirrored or refused then; a statement about a refused passport is refused too.
   */
  async #knownPassport(entry: IncidentEntry | EvaluationEntry): Promise<StoredPassport> {
    const passport = await this.#ctx.deps.store.getPassport(entry.passportId)
    if (passport === null)
      throw new Refusal(
        `the passport ${entry.passportId} it is about is not in this registry (its entry in the partner's log was refused, or precedes what was followed)`,
      )
    return passport
  }

  async view(): Promise<PartnerView> {
    const origin = this.#origin
    const store = this.#ctx.deps.store
    const progress = origin === null ? null : await store.partnerProgress(origin)
    const refusals = origin === null ? [] : await store.listPartnerRefusals(origin, REFUSALS_SHOWN)
    return {
      url: this.#target.url,
      origin,
      pinnedKey: this.#target.pinnedKey,
      state: this.#state,
      reason: this.#reason,
      lastError: this.#lastError,
      checkpointSize: this.#previous?.size ?? null,
      lastMirroredIndex: progress?.lastMirroredIndex ?? null,
      nextIndex: this.#nextIndex,
      mirrored: progress?.mirrored ?? 0,
      refused: progress?.refused ?? 0,
      refusals: refusals.map(({ origin: _origin, ...rest }) => rest),
      checkedAt: this.#checkedAt,
    }
  }
}

/** Whether `err` says a partner or this registry's store cannot be reached for now. */
function isUnavailable(err: unknown): boolean {
  return (
    err instanceof AccordError &&
    (err.code === 'ERR_TLOG_UNAVAILABLE' || err.code === 'ERR_STORE_UNAVAILABLE')
  )
}

/** A JSON object, or undefined. */
function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined
}

/**
 * Refuses unless the entry recomputed from the statement the partner served is the entry its
 * log holds, byte for byte (for a passport: its jti, iss, kid and the SHA-256 of its
 * issuer-signed JWT; for a report or result: its ids, kid and the SHA-256 of its JWT).
 */
function sameEntry(
  recomputed: { ok: true; entry: TlogEntry } | { ok: false; message: string },
  payload: string,
  what: string,
): void {
  if (!recomputed.ok) throw new Refusal(`the ${what} the partner serves: ${recomputed.message}`)
  const text = encodeEntryText(recomputed.entry)
  if (text !== payload)
    throw new Refusal(
      `the ${what} the partner serves is not the one its log entry commits to: it gives the entry ${text} (leaf ${toHex(sha256(new TextEncoder().encode(text))).slice(0, 16)}...), the log holds ${payload}`,
    )
}
