/**
 * `accord serve` and `accord demo` on a port they cannot have: a clear error with exit code 5,
 * and a process that exits (it used to hang, kept alive by the publish pool's worker threads; the
 * spawned runs are of the built CLI, where those threads start). Nothing new is left on disk: no
 * data folder, no log key (they used to be created and migrated before the listen failed).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../../src/cli/commands/serve.js'
import { ConfigError, EXIT } from '../../../src/core/errors.js'
import { run, runProcess } from '../helpers.js'
import { tempDir } from '../../tmp.js'

let busy: Server
let port: number

beforeAll(async () => {
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  port = (busy.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())))

const busyPortDir = () => tempDir('accord-busy-port-')
const inUse = () => `port ${port} on 127.0.0.1 is already in use`

describe('a registry whose port is taken', () => {
  it('startServer rejects with ERR_CONFIG_PORT_UNAVAILABLE naming the port and host', async () => {
    const dataDir = path.join(busyPortDir(), 'registry')
    const err: unknown = await startServer({
      port,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'silent',
      publishWorkers: 2,
      env: {},
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ConfigError)
    expect(err).toMatchObject({
      code: 'ERR_CONFIG_PORT_UNAVAILABLE',
      message: expect.stringContaining(inUse()) as string,
    })
    expect(existsSync(dataDir)).toBe(false)
  }, 60_000)

  it('startServer leaves an existing data folder as it was', async () => {
    const dataDir = path.join(busyPortDir(), 'registry')
    mkdirSync(dataDir)
    writeFileSync(path.join(dataDir, 'note.txt'), 'mine')
    await expect(
      startServer({
        port,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'silent',
        publishWorkers: 0,
        env: {},
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_PORT_UNAVAILABLE' })
    expect(readdirSync(dataDir)).toEqual(['note.txt'])
  }, 60_000)

  it('accord serve says so and exits with 5 instead of hanging', async () => {
    const dir = busyPortDir()
    const r = await runProcess(
      ['serve', '--port', String(port), '--data-dir', path.join(dir, 'registry')],
      90_000,
    )
    expect(r.signal).toBeNull() // not killed at the timeout
    expect(r.code).toBe(EXIT.io)
    expect(r.stderr).toContain(`error: ${inUse()}; stop the other server or choose another --port`)
    expect(r.stderr).toContain('[ERR_CONFIG_PORT_UNAVAILABLE]')
    expect(r.stderr).not.toContain('internal error')
    expect(readdirSync(dir)).toEqual([])
  }, 120_000)

  it('accord demo --no-serve --port <taken> --json prints the error JSON and exits with 5', async () => {
    const dir = busyPortDir()
    const r = await runProcess(
      ['demo', '--no-serve', '--port', String(port), '--out', dir, '--json'],
      90_000,
    )
    expect(r.signal).toBeNull()
    expect(r.code).toBe(EXIT.io)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'ERR_CONFIG_PORT_UNAVAILABLE',
        message: expect.stringContaining(inUse()) as string,
        issues: [],
      },
    })
    expect(readdirSync(dir)).toEqual([])
  }, 120_000)
})

describe('accord serve --log-level', () => {
  it('a level pino does not know is a bad argument (exit 2), before anything is created', async () => {
    const dataDir = path.join(busyPortDir(), 'registry')
    const r = await run(['serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'verbose'])
    expect(r.code).toBe(EXIT.badArgs)
    expect(r.stderr).toContain("argument 'verbose' is invalid")
    expect(r.stderr).toContain('fatal, error, warn, info, debug, silent')
    expect(existsSync(dataDir)).toBe(false)
  }, 60_000)
})

describe('accord serve --listen-url', () => {
  it('without PostgreSQL it is a bad argument, before anything is created', async () => {
    const dataDir = path.join(busyPortDir(), 'registry')
    await expect(
      startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'silent',
        publishWorkers: 0,
        env: {},
        listenUrl: 'postgresql://db.internal/accord',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: expect.stringContaining('--listen-url is for PostgreSQL (DATABASE_URL)') as string,
    })
    expect(existsSync(dataDir)).toBe(false)
  }, 60_000)
})
