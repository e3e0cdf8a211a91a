/**
 * A throwaway PgBouncer in transaction pooling mode in front of the PostgreSQL server at
 * DATABASE_URL (scripts/pg-test.sh), for the tests that run the store behind a pooler. Needs
 * Debian's pgbouncer (.ci/run installs it): `PGBOUNCER` is its path, undefined when missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

export const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p))

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((r) => server.close(r))
  return port
}

export interface PgBouncer {
  /** The URL of `database` through the pooler. */
  url: string
  stop(): Promise<void>
}

/** Starts PgBouncer for the server at `serverUrl`; resolves when it accepts connections. */
export async function startPgBouncer(serverUrl: string, database: string): Promise<PgBouncer> {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)')
  const target = new URL(serverUrl)
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-pgbouncer-'))
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
  const argv = [PGBOUNCER, path.join(dir, 'pgbouncer.ini')]
  const bouncer: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', ...argv], { stdio: 'ignore' })
    : spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' })
  const exited = new Promise((r) => bouncer.once('exit', r))
  const stop = async () => {
    if (bouncer.exitCode === null && bouncer.signalCode === null) bouncer.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  const u = new URL(serverUrl)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  u.pathname = `/${database}`
  const url = u.toString()
  // Wait until it accepts connections.
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url })
    try {
      await c.connect()
      await c.end()
      break
    } catch (err) {
      await c.end().catch(() => undefined)
      if (i > 100) {
        await stop()
        throw err
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return { url, stop }
}
