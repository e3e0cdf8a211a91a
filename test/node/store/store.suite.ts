/**
 * The one storage test suite, run against every backend: pglite.test.ts and postgres.test.ts
 * call `storeSuite` with a target that opens stores on fresh, empty databases.
 */
import { createHash } from 'node:crypto'
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { AccordError } from '../../../src/core/errors.js'
import type {
  EvaluationRecord,
  IncidentRecord,
  LogEntryInput,
  PassportRecord,
  PublishItem,
  RegistryStore,
} from '../../../src/core/store.js'
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from '../../../src/node/store/migrations.js'

export interface OpenOptions {
  migrationsDir?: string
}

export interface StoreHandle {
  store: RegistryStore
  /** Closes the current store, then opens the same database again. */
  reopen(options?: OpenOptions): Promise<RegistryStore>
  /** Runs raw SQL on the same database, bypassing the store. */
  sql(text: string): Promise<void>
}

export interface StoreTarget {
  /** Opens a store on a new, empty database (not migrated). */
  create(options?: OpenOptions): Promise<StoreHandle>
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z')
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString()
const sha256 = (s: string | Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(s).digest())
const hex = (s: string): string => createHash('sha256').update(s).digest('hex')

/** RFC 9162 leaf hash, SHA-256(0x00 || payload). */
function leafHash(payload: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(payload)]))
      .digest(),
  )
}

function entry(payload: string, kind: LogEntryInput['kind'] = 'passport'): LogEntryInput {
  return { kind, payload, leafHash: leafHash(payload) }
}

export function passport(n: number, over: Partial<PassportRecord> = {}): PassportRecord {
  const id = over.id ?? `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
  return {
    id,
    issuer: 'https://issuer.example',
    kid: 'kid-issuer-1',
    subjectId: `urn:accord:system:s${n}`,
    systemName: `System ${n}`,
    systemVersion: '1.0.0',
    providerName: 'Acme AI',
    providerCountry: 'DE',
    jurisdictions: ['eu'],
    categories: { eu: ['minimal-risk'] },
    token: `eyJ.header.${n}~disclosure~`,
    issuerJwtSha256: hex(`jwt-${id}`),
    publishedAt: at(n),
    ...over,
  }
}

export function publishItem(p: PassportRecord): PublishItem {
  return { type: 'passport', passport: p, leaf: { payload: p.token, leafHash: leafHash(p.token) } }
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<AccordError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err, `expected ${code}`).toBeInstanceOf(AccordError)
  expect((err as AccordError).code).toBe(code)
  return err as AccordError
}

export function storeSuite(name: string, target: StoreTarget): void {
  describe(`registry store: ${name}`, () => {
    const open: RegistryStore[] = []
    const temp: string[] = []

    async function fresh(options?: OpenOptions): Promise<StoreHandle> {
      const h = await target.create(options)
      open.push(h.store)
      return {
        store: h.store,
        reopen: async (o) => {
          const s = await h.reopen(o)
          open.push(s)
          return s
        },
        sql: (text) => h.sql(text),
      }
    }
    async function migrated(): Promise<RegistryStore> {
      const { store } = await fresh()
      await store.migrate()
      return store
    }
    function tempMigrations(): string {
      const dir = mkdtempSync(join(tmpdir(), 'accord-migrations-'))
      temp.push(dir)
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
      return dir
    }

    afterEach(async () => {
      for (const s of open.splice(0)) await s.close()
    })
    afterAll(() => {
      for (const d of temp) rmSync(d, { recursive: true, force: true })
    })

    describe('migrations', () => {
      // A migration after the last shipped one (the tests add it to a copy of migrations/).
      const nextVersion = Math.max(...loadMigrations().map((m) => m.version)) + 1
      const extra = `${String(nextVersion).padStart(3, '0')}_extra.sql`
      it('are idempotent: migrating again, also after reopening, changes nothing', async () => {
        const h = await fresh()
        await h.store.migrate()
        await h.store.migrate()
        await h.store.appendEntries([entry('a'), entry('b')])
        const again = await h.reopen()
        await again.migrate()
        expect(await again.logSize()).toBe(2)
        expect((await again.getEntries(0, 2)).map((e) => e.kind)).toEqual(['passport', 'passport'])
      })

      it('store passport tokens with lz4, or uncompressed where the database has no lz4 (003)', async () => {
        const h = await fresh()
        await h.store.migrate()
        // pglz (the default: storage x, no compression method) costs most of a publish's
        // database CPU; 003 sets lz4 (PostgreSQL built with it) or storage EXTERNAL (PGlite).
        await h.sql(`DO $$
          DECLARE s "char"; c "char";
          BEGIN
            SELECT attstorage, attcompression INTO s, c FROM pg_attribute
              WHERE attrelid = 'passports'::regclass AND attname = 'token';
            IF NOT (c = 'l' OR (s = 'e' AND c = '')) THEN
              RAISE EXCEPTION 'passports.token: storage %, compression %', s, c;
            END IF;
          END $$`)
        await h.store.putPassport(passport(1))
        expect((await h.store.getPassport(passport(1).id))?.token).toBe(passport(1).token)
      })

      it('refuse to start when an applied migration file was changed', async () => {
        const dir = tempMigrations()
        const h = await fresh({ migrationsDir: dir })
        await h.store.migrate()
        appendFileSync(join(dir, '001_init.sql'), '\n-- an innocent-looking edit\n')
        const again = await h.reopen({ migrationsDir: dir })
        const err = await expectCode(again.migrate(), 'ERR_STORE_MIGRATION_CHANGED')
        expect(err.message).toMatch(/001_init\.sql was changed after it was applied/)
      })

      it('refuse a database migrated by a newer version (an unknown applied migration)', async () => {
        const dir = tempMigrations()
        writeFileSync(join(dir, extra), 'CREATE TABLE extra (x integer);\n')
        const h = await fresh({ migrationsDir: dir })
        await h.store.migrate()
        const older = await h.reopen({ migrationsDir: DEFAULT_MIGRATIONS_DIR })
        const err = await expectCode(older.migrate(), 'ERR_STORE_MIGRATION_CHANGED')
        expect(err.message).toMatch(new RegExp(`migration ${extra.slice(0, 3)}`))
      })

      it('apply each pending migration in its own transaction: a failing one leaves no trace', async () => {
        const dir = tempMigrations()
        const h = await fresh({ migrationsDir: dir })
        await h.store.migrate()
        await h.store.appendEntries([entry('kept')])
        // The extra migration creates a table, then fails: the table must not survive.
        writeFileSync(
          join(dir, extra),
          'CREATE TABLE extra (x integer);\nINSERT INTO extra VALUES (1);\nSELECT 1 / 0;\n',
        )
        const s2 = await h.reopen({ migrationsDir: dir })
        await expect(s2.migrate()).rejects.toThrow(`${extra} failed and was rolled back`)
        // Fixed, creating the same table succeeds only if the failed run left nothing.
        writeFileSync(join(dir, extra), 'CREATE TABLE extra (x integer);\n')
        const s3 = await h.reopen({ migrationsDir: dir })
        await s3.migrate()
        expect(await s3.logSize()).toBe(1)
      })
    })

    describe('passports', () => {
      it('round-trip every field', async () => {
        const store = await migrated()
        const p = passport(1, {
          jurisdictions: ['eu', 'us'],
          categories: { eu: ['high-risk', 'annex-iii.4'], us: ['nist-ai-rmf'] },
          providerCountry: null,
        })
        await store.putPassport(p)
        expect(await store.getPassport(p.id)).toEqual({
          ...p,
          status: 'valid',
          statusReason: null,
          statusByKid: null,
          statusUpdatedAt: null,
          logIndex: null,
        })
        expect(await store.getPassport('urn:uuid:missing')).toBeNull()
      })

      it('refuse a second passport with the same id or the same issuer JWT', async () => {
        const store = await migrated()
        await store.putPassport(passport(1))
        const again = await expectCode(store.putPassport(passport(1)), 'ERR_STORE_CONFLICT')
        // Said in the user's words; the constraint's name is kept in the details.
        expect(again.message).toContain('a passport with this id is already in the registry')
        expect(again.message).not.toMatch(/_pkey|_key\b/)
        expect(again.details).toMatchObject({ constraint: expect.stringMatching(/_pkey$/) })
        const sameJwt = passport(2, { issuerJwtSha256: passport(1).issuerJwtSha256 })
        const jwt = await expectCode(store.putPassport(sameJwt), 'ERR_STORE_CONFLICT')
        expect(jwt.message).toContain('the same issuer JWT) is already in the registry')
        expect(await store.getPassport(sameJwt.id)).toBeNull()
      })

      it('refuse malformed records with TypeError before writing', async () => {
        const store = await migrated()
        await expect(
          store.putPassport(passport(1, { issuerJwtSha256: 'ABC' })),
        ).rejects.toBeInstanceOf(TypeError)
        await expect(
          store.putPassport(passport(1, { publishedAt: 'yesterday' })),
        ).rejects.toBeInstanceOf(TypeError)
      })

      it('search by provider, system, jurisdiction, category and status, newest first, paged', async () => {
        const store = await migrated()
        await store.putPassport(
          passport(1, {
            providerName: 'Acme AI',
            jurisdictions: ['eu'],
            categories: { eu: ['high-risk'] },
          }),
        )
        await store.putPassport(
          passport(2, {
            providerName: 'Beta_Labs',
            systemName: 'Résumé screener',
            jurisdictions: ['eu', 'us'],
            categories: { eu: ['minimal-risk'], us: ['high-risk'] },
          }),
        )
        await store.putPassport(
          passport(3, { providerName: 'ACME Europe', jurisdictions: ['us'], categories: {} }),
        )
        await store.setStatus({
          passportId: passport(3).id,
          status: 'revoked',
          byKid: 'k',
          at: at(9),
        })
        const ids = async (q: Parameters<RegistryStore['findPassports']>[0]) =>
          (await store.findPassports(q)).items.map((p) => p.systemName)

        expect(await ids({ limit: 10 })).toEqual(['System 3', 'Résumé screener', 'System 1'])
        expect(await ids({ provider: 'acme', limit: 10 })).toEqual(['System 3', 'System 1'])
        // LIKE wildcards in the query are literal: '_' matches only '_'.
        expect(await ids({ provider: 'a_l', limit: 10 })).toEqual(['Résumé screener'])
        expect(await ids({ provider: 'beta%', limit: 10 })).toEqual([])
        expect(await ids({ system: 'RÉSUMÉ', limit: 10 })).toEqual(['Résumé screener'])
        expect(await ids({ jurisdiction: 'us', limit: 10 })).toEqual([
          'System 3',
          'Résumé screener',
        ])
        expect(await ids({ category: 'high-risk', limit: 10 })).toEqual([
          'Résumé screener',
          'System 1',
        ])
        expect(await ids({ category: 'high-risk', jurisdiction: 'eu', limit: 10 })).toEqual([
          'System 1',
        ])
        expect(await ids({ status: 'revoked', limit: 10 })).toEqual(['System 3'])
        expect(await ids({ status: 'valid', provider: 'acme', limit: 10 })).toEqual(['System 1'])
        expect(await ids({ subjectId: 'urn:accord:system:s2', limit: 10 })).toEqual([
          'Résumé screener',
        ])
        expect(await ids({ subjectId: 'urn:accord:system:none', limit: 10 })).toEqual([])

        const page1 = await store.findPassports({ limit: 2 })
        expect(page1.items.map((p) => p.systemName)).toEqual(['System 3', 'Résumé screener'])
        expect(page1.nextCursor).toEqual(expect.any(String))
        const page2 = await store.findPassports({ limit: 2, cursor: page1.nextCursor })
        expect(page2.items.map((p) => p.systemName)).toEqual(['System 1'])
        expect(page2.nextCursor).toBeNull()

        await expectCode(
          store.findPassports({ limit: 2, cursor: 'garbage' }),
          'ERR_STORE_BAD_CURSOR',
        )
        await expect(store.findPassports({ limit: 0 })).rejects.toBeInstanceOf(TypeError)
        await expect(store.findPassports({ limit: 1001 })).rejects.toBeInstanceOf(TypeError)
      })

      it('page through ties in publishedAt without losing or repeating one', async () => {
        const store = await migrated()
        for (let n = 1; n <= 5; n++) await store.putPassport(passport(n, { publishedAt: at(0) }))
        const seen: string[] = []
        let cursor: string | null = null
        do {
          const page: Awaited<ReturnType<RegistryStore['findPassports']>> =
            await store.findPassports({ limit: 2, cursor })
          seen.push(...page.items.map((p) => p.id))
          cursor = page.nextCursor
        } while (cursor)
        expect(seen).toEqual([5, 4, 3, 2, 1].map((n) => passport(n).id))
      })

      it('give the systems of many passports in one call, by id', async () => {
        const store = await migrated()
        await store.putPassport(passport(1))
        await store.putPassport(passport(2, { systemName: 'Résumé screener', systemVersion: '2b' }))
        await store.putPassport(passport(3))
        const unknown = 'urn:uuid:ffffffff-0000-4000-8000-000000000000'
        const systems = await store.passportSystems([
          passport(2).id,
          unknown,
          passport(1).id,
          passport(2).id,
        ])
        expect(systems).toEqual(
          new Map([
            [passport(2).id, { name: 'Résumé screener', version: '2b' }],
            [passport(1).id, { name: 'System 1', version: '1.0.0' }],
          ]),
        )
        expect(await store.passportSystems([])).toEqual(new Map())
        const many = Array.from({ length: 1001 }, (_, i) => `id-${i}`)
        await expect(store.passportSystems(many)).rejects.toBeInstanceOf(TypeError)
        // Repeats count once: a page of 1000 reports about one passport is one id.
        expect((await store.passportSystems(many.map(() => passport(3).id))).size).toBe(1)
      })
    })

    describe('status', () => {
      it('suspend, reinstate and revoke; revocation is final', async () => {
        const store = await migrated()
        const id = passport(1).id
        await store.putPassport(passport(1))
        await store.setStatus({
          passportId: id,
          status: 'suspended',
          reason: 'audit',
          byKid: 'k1',
          at: at(10),
        })
        expect(await store.getPassport(id)).toMatchObject({
          status: 'suspended',
          statusReason: 'audit',
          statusByKid: 'k1',
          statusUpdatedAt: at(10),
        })
        await expectCode(
          store.setStatus({ passportId: id, status: 'suspended', byKid: 'k1', at: at(11) }),
          'ERR_STORE_CONFLICT',
        )
        await store.setStatus({ passportId: id, status: 'valid', byKid: 'k1', at: at(12) })
        await store.setStatus({
          passportId: id,
          status: 'revoked',
          reason: 'key compromise',
          byKid: 'k2',
          at: at(13),
        })
        const err = await expectCode(
          store.setStatus({ passportId: id, status: 'valid', byKid: 'k1', at: at(14) }),
          'ERR_STORE_CONFLICT',
        )
        expect(err.message).toMatch(/revocation is final/)
        expect((await store.getPassport(id))?.status).toBe('revoked')
        expect(
          (await store.listStatusEvents(id)).map((e) => [e.status, e.reason, e.byKid, e.at]),
        ).toEqual([
          ['suspended', 'audit', 'k1', at(10)],
          ['valid', null, 'k1', at(12)],
          ['revoked', 'key compromise', 'k2', at(13)],
        ])
        await expectCode(
          store.setStatus({
            passportId: 'urn:uuid:missing',
            status: 'revoked',
            byKid: 'k',
            at: at(1),
          }),
          'ERR_STORE_NOT_FOUND',
        )
      })

      it('store status lists per issuer; a list id cannot change issuer', async () => {
        const store = await migrated()
        expect(await store.getStatusList('list-1')).toBeNull()
        await store.putStatusList({
          listId: 'list-1',
          issuer: 'iss-a',
          token: 'tok-1',
          updatedAt: at(1),
        })
        await store.putStatusList({
          listId: 'list-1',
          issuer: 'iss-a',
          token: 'tok-2',
          updatedAt: at(2),
        })
        expect(await store.getStatusList('list-1')).toEqual({
          listId: 'list-1',
          issuer: 'iss-a',
          token: 'tok-2',
          updatedAt: at(2),
        })
        await expectCode(
          store.putStatusList({
            listId: 'list-1',
            issuer: 'iss-b',
            token: 'evil',
            updatedAt: at(3),
          }),
          'ERR_STORE_CONFLICT',
        )
        expect((await store.getStatusList('list-1'))?.token).toBe('tok-2')
      })
    })

    describe('endorsements', () => {
      it('are listed per passport, oldest first; unknown passports and duplicates are refused', async () => {
        const store = await migrated()
        await store.putPassport(passport(1))
        await store.putPassport(passport(2))
        const e = (id: string, pid: string, m: number) => ({
          id,
          passportId: pid,
          endorserKid: `kid-${id}`,
          token: `endorsement-${id}`,
          publishedAt: at(m),
        })
        await store.putEndorsement(e('e2', passport(1).id, 20))
        await store.putEndorsement(e('e1', passport(1).id, 10))
        await store.putEndorsement(e('e3', passport(2).id, 5))
        expect(await store.listEndorsements(passport(1).id)).toEqual([
          { ...e('e1', passport(1).id, 10), logIndex: null },
          { ...e('e2', passport(1).id, 20), logIndex: null },
        ])
        expect(await store.listEndorsements('urn:uuid:none')).toEqual([])
        await expectCode(store.putEndorsement(e('e4', 'urn:uuid:none', 1)), 'ERR_STORE_NOT_FOUND')
        await expectCode(store.putEndorsement(e('e1', passport(2).id, 1)), 'ERR_STORE_CONFLICT')
      })
    })

    describe('incident reports', () => {
      const leaf = (s: string) => ({ payload: s, leafHash: leafHash(s) })
      const report = (
        id: string,
        incidentId: string,
        sequence: number,
        over: Partial<IncidentRecord> = {},
      ): IncidentRecord => ({
        id,
        incidentId,
        passportId: passport(1).id,
        reporterKid: 'rk',
        reporterJwk: { kty: 'OKP', crv: 'Ed25519', x: 'abc' },
        sequence,
        report: sequence === 1 ? 'initial' : 'follow-up',
        serious: true,
        status: 'open',
        token: `incident-${id}`,
        publishedAt: at(sequence),
        ...over,
      })
      const item = (r: IncidentRecord): PublishItem => ({
        type: 'incident',
        incident: r,
        leaf: leaf(r.id),
      })

      it('are stored with their log entries, listed by incident then sequence, and fed by log index', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        await store.publishBatch([item(report('b1', 'inc-b', 1, { publishedAt: at(5) }))])
        await store.publishBatch([item(report('a1', 'inc-a', 1, { publishedAt: at(7) }))])
        await store.publishBatch([
          item(report('b2', 'inc-b', 2, { report: 'final', status: 'closed', publishedAt: at(9) })),
        ])
        await store.publishBatch([
          item(report('c1', 'inc-c', 1, { passportId: passport(2).id, serious: false })),
        ])
        const listed = await store.listIncidentReports(passport(1).id)
        expect(listed.map((r) => [r.id, r.logIndex])).toEqual([
          ['b1', 2],
          ['b2', 4],
          ['a1', 3],
        ])
        expect(listed[1]).toEqual({
          ...report('b2', 'inc-b', 2, { report: 'final', status: 'closed', publishedAt: at(9) }),
          logIndex: 4,
        })
        expect((await store.getEntries(2, 6)).map((e) => e.kind)).toEqual([
          'incident',
          'incident',
          'incident',
          'incident',
        ])
        expect((await store.incidentFeed(-1, 10)).map((r) => r.id)).toEqual([
          'b1',
          'a1',
          'b2',
          'c1',
        ])
        expect((await store.incidentFeed(3, 1)).map((r) => r.id)).toEqual(['b2'])
        expect(await store.incidentFeed(5, 10)).toEqual([])
        await expect(store.incidentFeed(-2, 10)).rejects.toBeInstanceOf(TypeError)
        await expect(store.incidentFeed(0, 0)).rejects.toBeInstanceOf(TypeError)
        expect(await store.listIncidentReports(passport(3).id)).toEqual([])
      })

      it('are fed newest first below a log index, saying whether older ones remain', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        await store.publishBatch([item(report('b1', 'inc-b', 1))])
        // A passport between reports: its log index is in no page.
        await store.publishBatch([publishItem(passport(3))])
        await store.publishBatch([item(report('a1', 'inc-a', 1))])
        await store.publishBatch([item(report('b2', 'inc-b', 2))])
        const page = async (before: number | null, limit: number) => {
          const { items, older } = await store.incidentFeedBefore(before, limit)
          return { ids: items.map((r) => [r.id, r.logIndex]), older }
        }
        expect(await page(null, 10)).toEqual({
          ids: [
            ['b2', 5],
            ['a1', 4],
            ['b1', 2],
          ],
          older: false,
        })
        expect(await page(null, 2)).toEqual({
          ids: [
            ['b2', 5],
            ['a1', 4],
          ],
          older: true,
        })
        expect(await page(4, 1)).toEqual({ ids: [['b1', 2]], older: false })
        expect(await page(5, 2)).toEqual({
          ids: [
            ['a1', 4],
            ['b1', 2],
          ],
          older: false,
        })
        expect(await page(2, 10)).toEqual({ ids: [], older: false })
        expect((await store.incidentFeedBefore(3, 1)).items[0]).toEqual({
          ...report('b1', 'inc-b', 1),
          logIndex: 2,
        })
        await expect(store.incidentFeedBefore(-1, 10)).rejects.toBeInstanceOf(TypeError)
        await expect(store.incidentFeedBefore(null, 0)).rejects.toThrow(/limit must be/)
        await expect(store.incidentFeedBefore(null, 1001)).rejects.toThrow(/limit must be/)
      })

      it('refuses a report out of sequence, from another key or about another passport, storing nothing', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        const size = await store.logSize()
        const refused = async (r: IncidentRecord, pattern: RegExp) => {
          const err = await expectCode(store.publishBatch([item(r)]), 'ERR_STORE_CONFLICT')
          expect(err.message).toMatch(pattern)
          expect(await store.logSize()).toBe(size + 1)
        }
        await expectCode(store.publishBatch([item(report('x2', 'inc', 2))]), 'ERR_STORE_CONFLICT')
        expect(await store.logSize()).toBe(size)
        await store.publishBatch([item(report('r1', 'inc', 1))])
        await refused(report('r3', 'inc', 3), /next must be 2, not 3/)
        await refused(report('r2', 'inc', 2, { reporterKid: 'other' }), /same reporter key/)
        await refused(report('r2', 'inc', 2, { passportId: passport(2).id }), /about passport/)
        await refused(report('r1', 'inc', 1), /sequence 1|already/)
        await expectCode(
          store.publishBatch([item(report('z1', 'inc-z', 1, { passportId: 'urn:uuid:none' }))]),
          'ERR_STORE_NOT_FOUND',
        )
        expect((await store.listIncidentReports(passport(1).id)).map((r) => r.id)).toEqual(['r1'])
      })

      it('of concurrent follow-ups with one sequence, exactly one is stored', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1))])
        await store.publishBatch([item(report('r1', 'inc', 1))])
        const results = await Promise.allSettled(
          ['f1', 'f2', 'f3', 'f4'].map((id) => store.publishBatch([item(report(id, 'inc', 2))])),
        )
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        for (const r of results)
          if (r.status === 'rejected')
            expect((r.reason as AccordError).code).toBe('ERR_STORE_CONFLICT')
        expect((await store.listIncidentReports(passport(1).id)).map((r) => r.sequence)).toEqual([
          1, 2,
        ])
        expect(await store.logSize()).toBe(3)
      })
    })

    describe('evaluation results', () => {
      const result = (id: string, over: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
        id,
        passportId: passport(1).id,
        evaluatorKid: 'ek',
        evaluatorJwk: { kty: 'OKP', crv: 'Ed25519', x: 'abc' },
        method: 'Border FMR protocol 2027.1',
        performedAt: '2027-03-01',
        metrics: 6,
        thresholds: 5,
        thresholdsMet: 2,
        token: `evaluation-${id}`,
        publishedAt: at(3),
        ...over,
      })
      const item = (r: EvaluationRecord): PublishItem => ({
        type: 'evaluation',
        evaluation: r,
        leaf: { payload: r.id, leafHash: leafHash(r.id) },
      })

      it('are stored with their log entries and listed per passport, oldest first', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        await store.publishBatch([item(result('e2', { publishedAt: at(7) }))])
        await store.publishBatch([
          item(result('e1', { publishedAt: at(5) })),
          item(result('o1', { passportId: passport(2).id, performedAt: '2027-03-02T10:00:00Z' })),
        ])
        const listed = await store.listEvaluations(passport(1).id)
        expect(listed.map((r) => [r.id, r.logIndex])).toEqual([
          ['e1', 3],
          ['e2', 2],
        ])
        expect(listed[1]).toEqual({ ...result('e2', { publishedAt: at(7) }), logIndex: 2 })
        expect((await store.listEvaluations(passport(2).id))[0]?.performedAt).toBe(
          '2027-03-02T10:00:00Z',
        )
        expect((await store.getEntries(2, 5)).map((e) => e.kind)).toEqual([
          'evaluation',
          'evaluation',
          'evaluation',
        ])
        expect(await store.listEvaluations(passport(3).id)).toEqual([])
      })

      it('are fed by log index, every passport', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        await store.publishBatch([item(result('e2', { publishedAt: at(7) }))])
        await store.publishBatch([
          item(result('e1', { publishedAt: at(5) })),
          item(result('o1', { passportId: passport(2).id })),
        ])
        expect((await store.evaluationFeed(-1, 10)).map((r) => [r.id, r.logIndex])).toEqual([
          ['e2', 2],
          ['e1', 3],
          ['o1', 4],
        ])
        expect(await store.evaluationFeed(2, 1)).toEqual([
          { ...result('e1', { publishedAt: at(5) }), logIndex: 3 },
        ])
        expect(await store.evaluationFeed(4, 10)).toEqual([])
        await expect(store.evaluationFeed(-2, 10)).rejects.toBeInstanceOf(TypeError)
        await expect(store.evaluationFeed(0, 1001)).rejects.toThrow(/limit must be/)
      })

      it('are fed newest first below a log index, a page at a time', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1)), publishItem(passport(2))])
        await store.publishBatch([
          item(result('e1')),
          item(result('o1', { passportId: passport(2).id })),
          item(result('e2')),
        ])
        await store.publishBatch([publishItem(passport(3))])
        await store.publishBatch([item(result('e3'))])
        // Every page of 2 from the newest, each below the last of the one before.
        const seen: [string, number | null][] = []
        let before: number | null = null
        for (let pages = 1; ; pages++) {
          const { items, older } = await store.evaluationFeedBefore(before, 2)
          seen.push(...items.map((r): [string, number | null] => [r.id, r.logIndex]))
          if (!older || pages === 3) break
          before = items[items.length - 1]?.logIndex ?? null
        }
        expect(seen).toEqual([
          ['e3', 6],
          ['e2', 4],
          ['o1', 3],
          ['e1', 2],
        ])
        expect(await store.evaluationFeedBefore(3, 10)).toEqual({
          items: [{ ...result('e1'), logIndex: 2 }],
          older: false,
        })
        expect(await store.evaluationFeedBefore(0, 10)).toEqual({ items: [], older: false })
        await expect(store.evaluationFeedBefore(1.5, 10)).rejects.toBeInstanceOf(TypeError)
        await expect(store.evaluationFeedBefore(null, 1001)).rejects.toThrow(/limit must be/)
      })

      it('refuses a result twice, about an unknown passport, or with more met than thresholds, storing nothing', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1))])
        await store.publishBatch([item(result('e1'))])
        const size = await store.logSize()
        await expectCode(store.publishBatch([item(result('e1'))]), 'ERR_STORE_CONFLICT')
        await expectCode(
          store.publishBatch([item(result('e2', { passportId: 'urn:uuid:none' }))]),
          'ERR_STORE_NOT_FOUND',
        )
        await expect(
          store.publishBatch([item(result('e3', { thresholds: 1, thresholdsMet: 2 }))]),
        ).rejects.toBeInstanceOf(TypeError)
        await expect(store.publishBatch([item(result('e4', { metrics: 0 }))])).rejects.toThrow(
          /at least one metric/,
        )
        expect(await store.logSize()).toBe(size)
        expect((await store.listEvaluations(passport(1).id)).map((r) => r.id)).toEqual(['e1'])
      })
    })

    describe('transparency log', () => {
      it('assigns dense indexes from 0 and returns entries and leaf hashes by range', async () => {
        const store = await migrated()
        expect(await store.logSize()).toBe(0)
        expect(await store.appendEntries([entry('a'), entry('b')])).toEqual({
          firstIndex: 0,
          size: 2,
        })
        const bytes = new Uint8Array([0, 1, 2, 255])
        const r = await store.appendEntries([
          { kind: 'revocation', payload: bytes, leafHash: sha256('x'), createdAt: at(5) },
          entry('d', 'endorsement'),
          entry('e', 'suspension'),
          entry('f', 'reinstatement'),
        ])
        expect(r).toEqual({ firstIndex: 2, size: 6 })
        expect(await store.logSize()).toBe(6)

        const got = await store.getEntries(1, 4)
        expect(got.map((e) => [e.index, e.kind])).toEqual([
          [1, 'passport'],
          [2, 'revocation'],
          [3, 'endorsement'],
        ])
        expect(got[0]?.payload).toEqual(new Uint8Array(Buffer.from('b')))
        expect(got[0]?.leafHash).toEqual(leafHash('b'))
        expect(got[1]?.payload).toEqual(bytes)
        expect(got[1]?.createdAt).toBe(at(5))
        expect(Number.isNaN(Date.parse(got[0]!.createdAt))).toBe(false)
        expect(await store.getEntries(5, 100)).toHaveLength(1)
        expect(await store.getEntries(6, 6)).toEqual([])
        expect(await store.getLeafHashes(0, 6)).toEqual([
          leafHash('a'),
          leafHash('b'),
          sha256('x'),
          leafHash('d'),
          leafHash('e'),
          leafHash('f'),
        ])
        await expect(store.getEntries(3, 1)).rejects.toBeInstanceOf(TypeError)
        await expect(
          store.appendEntries([{ kind: 'passport', payload: 'x', leafHash: new Uint8Array(31) }]),
        ).rejects.toBeInstanceOf(TypeError)
        expect(await store.logSize()).toBe(6)
      })

      it('keeps checkpoints: latest by size, one root per size, none beyond the log', async () => {
        const store = await migrated()
        expect(await store.latestCheckpoint()).toBeNull()
        await store.appendEntries([entry('a'), entry('b'), entry('c')])
        const cp = (size: number, root: string, note: string) => ({
          size,
          rootHash: sha256(root),
          signedNote: note,
          createdAt: at(size),
        })
        await store.putCheckpoint(cp(2, 'r2', 'note 2'))
        await store.putCheckpoint(cp(3, 'r3', 'note 3'))
        await store.putCheckpoint(cp(1, 'r1', 'note 1'))
        expect(await store.latestCheckpoint()).toEqual(cp(3, 'r3', 'note 3'))
        // Same size, same root: the newer note replaces the old one.
        await store.putCheckpoint(cp(3, 'r3', 'note 3 re-signed'))
        expect((await store.latestCheckpoint())?.signedNote).toBe('note 3 re-signed')
        // Same size, another root: a split view, refused.
        await expectCode(store.putCheckpoint(cp(3, 'other', 'x')), 'ERR_STORE_CONFLICT')
        await expectCode(store.putCheckpoint(cp(4, 'r4', 'x')), 'ERR_STORE_CONFLICT')
        expect(await store.latestCheckpoint()).toEqual(cp(3, 'r3', 'note 3 re-signed'))
      })

      it('refuses to update or delete log entries, in the database itself (append-only)', async () => {
        const h = await fresh()
        await h.store.migrate()
        await h.store.appendEntries([entry('first')])
        await expect(h.sql("UPDATE log_entries SET kind = 'revocation'")).rejects.toThrow(
          /append-only/,
        )
        await expect(h.sql('DELETE FROM log_entries')).rejects.toThrow(/append-only/)
        const [e] = await h.store.getEntries(0, 1)
        expect([e?.kind, e?.leafHash]).toEqual(['passport', leafHash('first')])
      })
    })

    describe('publishBatch', () => {
      it('stores N passports and N log entries in one go, linked by index', async () => {
        const store = await migrated()
        await store.appendEntries([entry('before')])
        const ps = [passport(1), passport(2), passport(3)]
        expect(await store.publishBatch(ps.map(publishItem))).toEqual({ firstIndex: 1, size: 4 })
        for (const [i, p] of ps.entries()) {
          expect((await store.getPassport(p.id))?.logIndex).toBe(1 + i)
        }
        const entries = await store.getEntries(1, 4)
        expect(entries.map((e) => e.kind)).toEqual(['passport', 'passport', 'passport'])
        expect(entries.map((e) => Buffer.from(e.payload).toString())).toEqual(
          ps.map((p) => p.token),
        )
      })

      it('stores every token byte for byte, also ones with a newline, quotes or backslashes', async () => {
        const store = await migrated()
        // Newline-free tokens go joined in one text; a batch with another token goes as an array.
        // The joined text goes as UTF-8 bytes, so characters of 2, 3 and 4 bytes must survive too.
        const plain = [
          passport(1),
          passport(2, { token: 'x'.repeat(20_000) + '~' }),
          passport(6, { token: 'é~€~\u{1F600}~' }),
        ]
        const odd = [
          passport(3, { token: 'a\nb~' }),
          passport(4, { token: 'say "hi" \\ {x,y} NULL ~' }),
          passport(5, { token: '' }),
        ]
        await store.publishBatch(plain.map(publishItem))
        await store.publishBatch(odd.map((p) => publishItem({ ...p, token: p.token })))
        for (const p of [...plain, ...odd])
          expect((await store.getPassport(p.id))?.token).toBe(p.token)
      })

      it('mixes passports, status changes and endorsements; each gets its kind of entry', async () => {
        const store = await migrated()
        const p = passport(1)
        const leaf = (s: string) => ({ payload: s, leafHash: leafHash(s) })
        const r = await store.publishBatch([
          publishItem(p),
          {
            type: 'endorsement',
            endorsement: {
              id: 'e1',
              passportId: p.id,
              endorserKid: 'ek',
              token: 't',
              publishedAt: at(2),
            },
            leaf: leaf('endorse'),
          },
          {
            type: 'status',
            change: { passportId: p.id, status: 'suspended', byKid: 'k', at: at(3) },
            leaf: leaf('s'),
          },
          {
            type: 'status',
            change: { passportId: p.id, status: 'valid', byKid: 'k', at: at(4) },
            leaf: leaf('v'),
          },
          {
            type: 'status',
            change: { passportId: p.id, status: 'revoked', byKid: 'k', at: at(5) },
            leaf: leaf('r'),
          },
        ])
        expect(r).toEqual({ firstIndex: 0, size: 5 })
        expect((await store.getEntries(0, 5)).map((e) => e.kind)).toEqual([
          'passport',
          'endorsement',
          'suspension',
          'reinstatement',
          'revocation',
        ])
        expect((await store.listStatusEvents(p.id)).map((e) => e.logIndex)).toEqual([2, 3, 4])
        expect((await store.listEndorsements(p.id))[0]?.logIndex).toBe(1)
        expect((await store.getPassport(p.id))?.status).toBe('revoked')
      })

      it('grants and withdraws delegations with their log entries; one active per pair', async () => {
        const store = await migrated()
        const leaf = (s: string) => ({ payload: s, leafHash: leafHash(s) })
        const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'dk' }
        const grant = (id: string, n: string): PublishItem => ({
          type: 'delegation',
          delegation: {
            id,
            issuerKid: 'ik',
            delegateKid: 'dk',
            delegateJwk: jwk,
            scope: 'status',
            name: n === 'g1' ? 'desk' : null,
            createdAt: at(1),
          },
          leaf: leaf(n),
        })
        const withdrawal = (id: string, issuerKid: string, n: string): PublishItem => ({
          type: 'delegation-withdrawal',
          withdrawal: { id, issuerKid, delegateKid: 'dk', at: at(2) },
          leaf: leaf(n),
        })
        expect(await store.publishBatch([grant('d1', 'g1')])).toEqual({ firstIndex: 0, size: 1 })
        const active = await store.activeDelegation('ik', 'dk', 'status')
        expect(active).toEqual({
          id: 'd1',
          issuerKid: 'ik',
          delegateKid: 'dk',
          delegateJwk: jwk,
          scope: 'status',
          name: 'desk',
          createdAt: at(1),
          withdrawnAt: null,
          logIndex: 0,
          withdrawalLogIndex: null,
        })
        // A second active grant for the same pair is refused by the database, batch rolled back.
        await expectCode(store.publishBatch([grant('d2', 'g2')]), 'ERR_STORE_CONFLICT')
        // Only the granting issuer withdraws; a withdrawal that does not apply logs nothing.
        await expectCode(
          store.publishBatch([withdrawal('d1', 'other', 'w0')]),
          'ERR_STORE_NOT_FOUND',
        )
        expect(await store.logSize()).toBe(1)
        expect(await store.publishBatch([withdrawal('d1', 'ik', 'w1')])).toEqual({
          firstIndex: 1,
          size: 2,
        })
        await expectCode(store.publishBatch([withdrawal('d1', 'ik', 'w2')]), 'ERR_STORE_CONFLICT')
        expect(await store.activeDelegation('ik', 'dk', 'status')).toBeNull()
        expect(await store.getDelegation('d1')).toMatchObject({
          withdrawnAt: at(2),
          withdrawalLogIndex: 1,
        })
        // Withdrawn, the pair may be granted again.
        await store.publishBatch([grant('d3', 'g3')])
        expect((await store.listDelegations('ik')).map((d) => d.id)).toEqual(['d1', 'd3'])
        expect(await store.listDelegations('nobody')).toEqual([])
        expect((await store.getEntries(0, 3)).map((e) => e.kind)).toEqual([
          'delegation',
          'delegation-withdrawal',
          'delegation',
        ])
      })

      it("re-checks a delegate's delegation inside the commit: a withdrawal that committed first wins", async () => {
        const store = await migrated()
        const leaf = (s: string) => ({ payload: s, leafHash: leafHash(s) })
        const p = passport(1)
        await store.publishBatch([publishItem(p)])
        await store.publishBatch([
          {
            type: 'delegation',
            delegation: {
              id: 'd1',
              issuerKid: 'ik',
              delegateKid: 'dk',
              delegateJwk: { kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'dk' },
              scope: 'status',
              name: null,
              createdAt: at(1),
            },
            leaf: leaf('g1'),
          },
        ])
        const change = (status: 'suspended' | 'valid', n: string): PublishItem => ({
          type: 'status',
          change: { passportId: p.id, status, byKid: 'dk', at: at(3), delegationId: 'd1' },
          leaf: leaf(n),
        })
        // Active: the delegate's change goes through.
        await store.publishBatch([change('suspended', 's1')])
        expect((await store.getPassport(p.id))?.status).toBe('suspended')
        // Withdrawn (as if between the route's check and the commit): refused, nothing logged.
        await store.publishBatch([
          {
            type: 'delegation-withdrawal',
            withdrawal: { id: 'd1', issuerKid: 'ik', delegateKid: 'dk', at: at(2) },
            leaf: leaf('w1'),
          },
        ])
        const size = await store.logSize()
        await expectCode(store.publishBatch([change('valid', 's2')]), 'ERR_STORE_CONFLICT')
        expect(await store.logSize()).toBe(size)
        expect((await store.getPassport(p.id))?.status).toBe('suspended')
      })

      it('is atomic: one failing item rolls back the whole batch, and the next batch has no gap', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1))])
        // Item 3 duplicates passport 1: the whole batch must leave no passport and no entry.
        const bad = [passport(2), passport(3), passport(1, { token: 'other' }), passport(4)]
        await expectCode(store.publishBatch(bad.map(publishItem)), 'ERR_STORE_CONFLICT')
        expect(await store.logSize()).toBe(1)
        expect(await store.getEntries(0, 10)).toHaveLength(1)
        for (const n of [2, 3, 4]) expect(await store.getPassport(passport(n).id)).toBeNull()
        // A status change of an unknown passport fails the batch the same way.
        await expectCode(
          store.publishBatch([
            publishItem(passport(5)),
            {
              type: 'status',
              change: { passportId: 'urn:uuid:missing', status: 'revoked', byKid: 'k', at: at(1) },
              leaf: { payload: 'r', leafHash: leafHash('r') },
            },
          ]),
          'ERR_STORE_NOT_FOUND',
        )
        expect(await store.getPassport(passport(5).id)).toBeNull()
        expect(await store.publishBatch([publishItem(passport(6))])).toEqual({
          firstIndex: 1,
          size: 2,
        })
        expect((await store.getPassport(passport(6).id))?.logIndex).toBe(1)
      })

      it('gives concurrent batches dense, unique indexes (20 batches of 10 -> 0..199 once each)', async () => {
        const store = await migrated()
        const batches = Array.from({ length: 20 }, (_, b) =>
          Array.from({ length: 10 }, (_, i) => passport(b * 10 + i + 1)),
        )
        const results = await Promise.all(
          batches.map((ps, b) =>
            b % 2 === 0
              ? store.publishBatch(ps.map(publishItem))
              : store.appendEntries(ps.map((p) => entry(p.token))),
          ),
        )
        const firsts = results.map((r) => r.firstIndex).sort((a, b) => a - b)
        expect(firsts).toEqual(Array.from({ length: 20 }, (_, i) => i * 10))
        expect(await store.logSize()).toBe(200)
        const entries = await store.getEntries(0, 200)
        expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 200 }, (_, i) => i))
        // Each batch's entries are contiguous and in item order.
        for (const [b, r] of results.entries()) {
          const got = entries.slice(r.firstIndex, r.firstIndex + 10)
          expect(got.map((e) => Buffer.from(e.payload).toString())).toEqual(
            batches[b]!.map((p) => p.token),
          )
        }
        const published = await store.findPassports({ limit: 1000 })
        expect(published.items).toHaveLength(100)
        for (const p of published.items) {
          expect(Buffer.from(entries[p.logIndex!]!.payload).toString()).toBe(p.token)
        }
      })

      // The batched write path: each table gets one INSERT per run of items (text arrays through
      // unnest), so these check that every value of a large batch lands in its own row.
      it('stores a large batch (1,200 passports): every row, category and index', async () => {
        const store = await migrated()
        await store.appendEntries([entry('before')])
        const ps = Array.from({ length: 1200 }, (_, i) =>
          passport(i + 1, {
            jurisdictions: i % 2 === 0 ? ['us', 'eu', 'a,"b"{c}'] : ['eu'],
            categories:
              i % 2 === 0
                ? { eu: ['high-risk', 'high-risk'], us: ['covered'] }
                : { eu: ['minimal-risk'] },
            providerCountry: i % 3 === 0 ? null : 'DE',
            token: `eyJ.${"'\\"}{}"${i}.${'t'.repeat(i % 7)}~d~`,
          }),
        )
        expect(await store.publishBatch(ps.map(publishItem))).toEqual({ firstIndex: 1, size: 1201 })
        for (const i of [0, 1, 999, 1000, 1199]) {
          const p = ps[i]!
          expect(await store.getPassport(p.id)).toEqual({
            ...p,
            status: 'valid',
            statusReason: null,
            statusByKid: null,
            statusUpdatedAt: null,
            logIndex: 1 + i,
          })
        }
        const entries = await store.getEntries(0, 1201)
        expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 1201 }, (_, i) => i))
        expect(Buffer.from(entries[1001]!.payload).toString()).toBe(ps[1000]!.token)
        const count = async (q: Omit<Parameters<RegistryStore['findPassports']>[0], 'limit'>) => {
          let n = 0
          let cursor: string | null = null
          do {
            const page: Awaited<ReturnType<RegistryStore['findPassports']>> =
              await store.findPassports({ ...q, limit: 1000, cursor })
            n += page.items.length
            cursor = page.nextCursor
          } while (cursor)
          return n
        }
        // Duplicate categories of one passport are stored once (no primary key conflict).
        expect(await count({ category: 'high-risk', jurisdiction: 'eu' })).toBe(600)
        expect(await count({ category: 'covered', jurisdiction: 'us' })).toBe(600)
        expect(await count({ category: 'minimal-risk' })).toBe(600)
        expect(await count({ jurisdiction: 'us' })).toBe(600)
      })

      it('rolls back a whole large batch when a late item fails', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1))])
        const ps = Array.from({ length: 1100 }, (_, i) => passport(i + 2))
        // Item 1050 reuses the issuer JWT of passport 1.
        ps[1050] = passport(5000, { issuerJwtSha256: passport(1).issuerJwtSha256 })
        await expectCode(store.publishBatch(ps.map(publishItem)), 'ERR_STORE_CONFLICT')
        expect(await store.logSize()).toBe(1)
        expect(await store.getEntries(0, 2000)).toHaveLength(1)
        for (const i of [0, 999, 1000, 1099]) expect(await store.getPassport(ps[i]!.id)).toBeNull()
        expect(
          (await store.findPassports({ category: 'minimal-risk', limit: 10 })).items,
        ).toHaveLength(1)
        // A duplicate within the batch itself fails the same way.
        await expectCode(
          store.publishBatch([publishItem(passport(7)), publishItem(passport(7, { token: 'x' }))]),
          'ERR_STORE_CONFLICT',
        )
        expect(await store.getPassport(passport(7).id)).toBeNull()
        expect(await store.publishBatch([publishItem(passport(8))])).toEqual({
          firstIndex: 1,
          size: 2,
        })
      })

      it('keeps text payloads exactly, also with NUL, quotes and non-ASCII characters', async () => {
        const store = await migrated()
        const texts = ['nul \u0000 inside', 'quotes \' " \\ {a,b} NULL', 'ümlaut 🙂 中文', '']
        await store.appendEntries(texts.map((t) => entry(t)))
        const got = await store.getEntries(0, 4)
        expect(got.map((e) => Buffer.from(e.payload).toString('utf8'))).toEqual(texts)
        expect(got.map((e) => e.leafHash)).toEqual(texts.map(leafHash))
      })

      it('applies runs of status changes in item order, as if one at a time', async () => {
        const store = await migrated()
        const leaf = (s: string) => ({ payload: s, leafHash: leafHash(s) })
        const change = (p: PassportRecord, status: 'valid' | 'revoked' | 'suspended', m: number) =>
          ({
            type: 'status',
            change: { passportId: p.id, status, reason: `r${m}`, byKid: `k${m}`, at: at(m) },
            leaf: leaf(`${p.id} ${status} ${m}`),
          }) as const
        const [a, b, c] = [passport(1), passport(2), passport(3)]
        // A status change of a passport that comes later in the batch: not there yet.
        await expectCode(
          store.publishBatch([change(a, 'revoked', 1), publishItem(a)]),
          'ERR_STORE_NOT_FOUND',
        )
        expect(await store.getPassport(a.id)).toBeNull()
        const r = await store.publishBatch([
          publishItem(a),
          publishItem(b),
          publishItem(c),
          change(a, 'suspended', 10),
          change(b, 'revoked', 11),
          change(a, 'valid', 12),
          change(a, 'suspended', 13),
        ])
        expect(r).toEqual({ firstIndex: 0, size: 7 })
        expect((await store.listStatusEvents(a.id)).map((e) => [e.status, e.logIndex])).toEqual([
          ['suspended', 3],
          ['valid', 5],
          ['suspended', 6],
        ])
        expect(await store.getPassport(a.id)).toMatchObject({
          status: 'suspended',
          statusReason: 'r13',
          statusByKid: 'k13',
          statusUpdatedAt: at(13),
        })
        expect(await store.getPassport(b.id)).toMatchObject({
          status: 'revoked',
          statusReason: 'r11',
        })
        expect((await store.getPassport(c.id))?.status).toBe('valid')
        // Within one run: revoked then reinstated is refused, and the run before it is undone.
        await expectCode(
          store.publishBatch([change(c, 'suspended', 20), change(b, 'valid', 21)]),
          'ERR_STORE_CONFLICT',
        )
        // The same status twice in one run: the second is a conflict.
        await expectCode(
          store.publishBatch([change(c, 'revoked', 22), change(c, 'revoked', 23)]),
          'ERR_STORE_CONFLICT',
        )
        expect((await store.getPassport(c.id))?.status).toBe('valid')
        expect(await store.listStatusEvents(c.id)).toEqual([])
        expect(await store.logSize()).toBe(7)

        // The registry-wide feed of status changes, newest first; one made without a log entry
        // (setStatus) is not in it.
        await store.setStatus({ passportId: c.id, status: 'suspended', byKid: 'k', at: at(14) })
        const feed = async (before: number | null, limit: number) => {
          const { items, older } = await store.statusFeedBefore(before, limit)
          return { items: items.map((e) => [e.passportId, e.status, e.logIndex]), older }
        }
        expect(await feed(null, 10)).toEqual({
          items: [
            [a.id, 'suspended', 6],
            [a.id, 'valid', 5],
            [b.id, 'revoked', 4],
            [a.id, 'suspended', 3],
          ],
          older: false,
        })
        expect(await feed(6, 2)).toEqual({
          items: [
            [a.id, 'valid', 5],
            [b.id, 'revoked', 4],
          ],
          older: true,
        })
        expect((await store.statusFeedBefore(5, 1)).items[0]).toEqual({
          passportId: b.id,
          status: 'revoked',
          reason: 'r11',
          byKid: 'k11',
          at: at(11),
          logIndex: 4,
        })
        await expect(store.statusFeedBefore(-1, 10)).rejects.toBeInstanceOf(TypeError)
        await expect(store.statusFeedBefore(null, 1001)).rejects.toThrow(/limit must be/)
      })
    })

    describe('partner registries (federation)', () => {
      const origin = 'a.example/log'
      const from = (index: number) => ({
        origin,
        index,
        url: 'https://a.example',
        mirroredAt: at(100 + index),
      })

      it("keep a passport's issuer JWK, and none for passports published without one", async () => {
        const store = await migrated()
        const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'abc' }
        await store.publishBatch([
          publishItem(passport(1, { issuerJwk: jwk })),
          publishItem(passport(2)),
        ])
        expect((await store.getPassport(passport(1).id))?.issuerJwk).toEqual(jwk)
        expect(await store.getPassport(passport(2).id)).not.toHaveProperty('issuerJwk')
      })

      it('record where mirrored statements came from, in the commit that stores them', async () => {
        const store = await migrated()
        await store.publishBatch([publishItem(passport(1))])
        await store.publishBatch([
          { ...publishItem(passport(2)), mirroredFrom: from(7) },
          { ...publishItem(passport(3)), mirroredFrom: from(9) },
        ])
        expect(await store.mirrorsOf([0, 1, 2, 99])).toEqual(
          new Map([
            [1, from(7)],
            [2, from(9)],
          ]),
        )
        // A batch that fails stores no provenance either; an entry mirrored twice is refused.
        await expect(
          store.publishBatch([
            { ...publishItem(passport(4)), mirroredFrom: from(10) },
            publishItem(passport(1)),
          ]),
        ).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' })
        await expect(
          store.publishBatch([{ ...publishItem(passport(5)), mirroredFrom: from(9) }]),
        ).rejects.toMatchObject({ code: 'ERR_STORE_CONFLICT' })
        expect(await store.logSize()).toBe(3)
        expect((await store.mirrorsOf([3])).size).toBe(0)
        expect(await store.partnerProgress(origin)).toEqual({
          mirrored: 2,
          refused: 0,
          lastMirroredIndex: 9,
          nextIndex: null,
        })
      })

      it('keep the follow state, and resume past the last entry mirrored or refused', async () => {
        const store = await migrated()
        expect(await store.getPartnerLog(origin)).toBeNull()
        const state = {
          origin,
          url: 'https://a.example',
          checkpointSize: 12,
          checkpointRoot: 'ab'.repeat(32),
          checkpointNote: 'a.example/log\n12\n...\n',
          verifiedAt: at(1),
          nextIndex: 3,
        }
        await store.putPartnerLog(state)
        expect(await store.getPartnerLog(origin)).toEqual(state)
        await store.putPartnerLog({ ...state, checkpointSize: 20, nextIndex: 4 })
        expect(await store.getPartnerLog(origin)).toMatchObject({
          checkpointSize: 20,
          nextIndex: 4,
        })
        expect((await store.partnerProgress(origin)).nextIndex).toBe(4)
        await store.publishBatch([{ ...publishItem(passport(1)), mirroredFrom: from(6) }])
        expect((await store.partnerProgress(origin)).nextIndex).toBe(7)
        const refusal = {
          origin,
          index: 8,
          kind: 'passport',
          statementId: 'urn:uuid:x',
          reason: 'does not verify',
          refusedAt: at(2),
        }
        await store.recordPartnerRefusal(refusal)
        await store.recordPartnerRefusal({ ...refusal, reason: 'again' })
        await store.recordPartnerRefusal({ ...refusal, index: 5, statementId: null })
        expect(await store.listPartnerRefusals(origin, 10)).toEqual([
          refusal,
          { ...refusal, index: 5, statementId: null },
        ])
        expect(await store.listPartnerRefusals('other.example/log', 10)).toEqual([])
        expect(await store.partnerProgress(origin)).toEqual({
          mirrored: 1,
          refused: 2,
          lastMirroredIndex: 6,
          nextIndex: 9,
        })
      })
    })

    describe('request ids (replay protection of signed requests)', () => {
      const NOW_S = 1_800_000_000
      /** Fails unless request_ids holds exactly `n` rows. */
      const expectRows = (h: StoreHandle, n: number) =>
        h.sql(`DO $$ DECLARE c bigint; BEGIN
          SELECT count(*) INTO c FROM request_ids;
          IF c <> ${n} THEN RAISE EXCEPTION 'request_ids has % rows, expected ${n}', c; END IF;
        END $$`)

      it('are recorded once: the same id again is a replay until it expires, also after a restart', async () => {
        const h = await fresh()
        await h.store.migrate()
        expect(
          await h.store.recordRequestId('kid-1:jti-0123456789abcdef', NOW_S + 301, NOW_S),
        ).toBe(true)
        expect(
          await h.store.recordRequestId('kid-1:jti-0123456789abcdef', NOW_S + 301, NOW_S),
        ).toBe(false)
        // Another key's id with the same jti is another request.
        expect(
          await h.store.recordRequestId('kid-2:jti-0123456789abcdef', NOW_S + 301, NOW_S),
        ).toBe(true)
        const again = await h.reopen()
        expect(
          await again.recordRequestId('kid-1:jti-0123456789abcdef', NOW_S + 301, NOW_S + 300),
        ).toBe(false)
        // Expired (no request with that iat is accepted any more): the id may be recorded again.
        expect(
          await again.recordRequestId('kid-1:jti-0123456789abcdef', NOW_S + 700, NOW_S + 301),
        ).toBe(true)
        await expect(again.recordRequestId('', NOW_S, NOW_S)).rejects.toThrow(TypeError)
        await expect(again.recordRequestId('x', 1.5, NOW_S)).rejects.toThrow(TypeError)
      })

      it('of concurrent records of one id, exactly one succeeds', async () => {
        const store = await migrated()
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.recordRequestId('kid:same-nonce', NOW_S + 301, NOW_S),
          ),
        )
        expect(results.filter((r) => r)).toHaveLength(1)
      })

      it('are deleted a while after they expired, so the table stays bounded', async () => {
        const h = await fresh()
        await h.store.migrate()
        for (let i = 0; i < 5; i++)
          expect(await h.store.recordRequestId(`kid:old-${i}`, NOW_S + 301, NOW_S)).toBe(true)
        await expectRows(h, 5)
        // Expired, but not yet 5 minutes ago (another server's clock may be behind): kept.
        expect(await h.store.recordRequestId('kid:new-1', NOW_S + 700, NOW_S + 400)).toBe(true)
        await expectRows(h, 6)
        expect(await h.store.recordRequestId('kid:new-2', NOW_S + 1000, NOW_S + 602)).toBe(true)
        await expectRows(h, 2)
      })
    })
  })
}
