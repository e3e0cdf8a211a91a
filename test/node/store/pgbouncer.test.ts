/**
 * The PostgreSQL store behind PgBouncer in transaction pooling mode, the usual way to put many
 * server processes in front of one database. A group commit of passports is one statement that
 * needs `plan_cache_mode` set on its connection (src/node/store/postgres.ts): sent as a startup
 * option, PgBouncer refuses the connection ("unsupported startup parameter: options"), so every
 * publish failed; sent as a SET it works, and where the SET does not stick the statement still
 * runs with a custom plan.
 *
 * Needs DATABASE_URL (scripts/pg-test.sh) and Debian's pgbouncer (.ci/run installs it). Skipped
 * with a message otherwise, except in CI, where that is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MerkleTree } from '../../../src/core/merkle/index.js'
import { passportEntry } from '../../../src/core/tlog/entry.js'
import { generateKeyPair, signerFromJwk } from '../../../src/node/keys.js'
import { sha256 } from '../../../src/node/sha256.js'
import { openPostgresStore } from '../../../src/node/store/postgres.js'
import { openRegistry } from '../../../src/node/tlog/registry.js'
import { passportRecord } from '../tlog/fixtures.js'
import { newPostgresDatabase } from './pg-database.js'

const url = process.env.DATABASE_URL
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p))

if (!url || !PGBOUNCER) {
  const why = !url ? 'DATABASE_URL is not set' : 'pgbouncer is not installed'
  describe('PostgreSQL behind PgBouncer', () => {
    if (process.env.CI) {
      it('runs in CI', () => {
        throw new Error(`${why}: .ci/run must provide both`)
      })
    } else it.skip(`skipped: ${why} (apt-get install pgbouncer)`, () => undefined)
  })
} else {
  const target = new URL(url)
  let db: Awaited<ReturnType<typeof newPostgresDatabase>> | undefined
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-pgbouncer-'))
  let bouncer: ChildProcess | undefined
  let viaBouncer: string

  /** A free TCP port on 127.0.0.1. */
  async function freePort(): Promise<number> {
    const server = net.createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as net.AddressInfo).port
    await new Promise((r) => server.close(r))
    return port
  }

  beforeAll(async () => {
    db = await newPostgresDatabase('accord_pgb')
    const port = await freePort()
    const user = decodeURIComponent(target.username)
    const password = decodeURIComponent(target.password)
    writeFileSync(path.join(dir, 'users.txt'), `"${user}" "${password}"\n`, { mode: 0o600 })
    writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${target.hostname} port=${target.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = plain',
        `auth_file = ${path.join(dir, 'users.txt')}`,
        'pool_mode = transaction',
        'default_pool_size = 4',
        '',
      ].join('\n'),
    )
    // PgBouncer refuses to run as root: as root, run it as the postgres user (pg-test.sh's).
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout)
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout)
      for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(path.join(dir, f), uid, gid)
      chmodSync(dir, 0o700)
    }
    const argv = [PGBOUNCER as string, path.join(dir, 'pgbouncer.ini')]
    bouncer = asRoot
      ? spawn('runuser', ['-u', 'postgres', '--', ...argv], { stdio: 'ignore' })
      : spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' })
    const u = new URL(url)
    u.hostname = '127.0.0.1'
    u.port = String(port)
    u.pathname = `/${db.name}`
    viaBouncer = u.toString()
    // Wait until it accepts connections.
    for (let i = 0; ; i++) {
      const c = new pg.Client({ connectionString: viaBouncer })
      try {
        await c.connect()
        await c.end()
        break
      } catch (err) {
        await c.end().catch(() => undefined)
        if (i > 100) throw err
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }, 30_000)

  afterAll(async () => {
    bouncer?.kill('SIGTERM')
    if (bouncer) await new Promise((r) => bouncer?.once('exit', r))
    await db?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  describe('PostgreSQL behind PgBouncer (transaction pooling)', () => {
    it('refuses a startup option, which is why the plan setting is a SET', async () => {
      const c = new pg.Client({
        connectionString: viaBouncer,
        options: '-c plan_cache_mode=force_generic_plan',
      })
      await expect(c.connect()).rejects.toThrow(/unsupported startup parameter/)
      await c.end().catch(() => undefined)
    })

    it('migrates, and publishes concurrent group commits densely, two in flight', async () => {
      const store = await openPostgresStore(viaBouncer)
      try {
        await store.migrate()
        const logKey = await signerFromJwk((await generateKeyPair()).privateJwk)
        const registry = await openRegistry({ store, logKey, origin: 'pgbouncer.test/log' })
        const calls = Array.from({ length: 40 }, (_, c) =>
          registry.publish(
            Array.from({ length: 10 }, (_, k) => {
              const passport = passportRecord(`urn:uuid:pgb-${c}-${k}`)
              return { type: 'passport' as const, passport, entry: passportEntry(passport) }
            }),
          ),
        )
        const results = await Promise.all(calls)
        const indexes = results.flatMap((r) => r.indexes).sort((a, b) => a - b)
        expect(indexes).toEqual(Array.from({ length: 400 }, (_, i) => i))
        expect(await store.logSize()).toBe(400)
        const rebuilt = MerkleTree.fromLeafHashes(await store.getLeafHashes(0, 400), sha256)
        expect(Buffer.from(registry.root()).equals(Buffer.from(rebuilt.root()))).toBe(true)
        await registry.close()
      } finally {
        await store.close()
      }
    })
  })
}
