/**
 * A minimal HTTP front for a Registry, serving the log API of src/core/tlog/api.ts, for client
 * and monitor tests (the real server is src/server). `override` lets a test make the log lie.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AccordError, ERROR_CODES } from '../../../src/core/errors.js'
import type { RegistryStore } from '../../../src/core/store.js'
import { LOG_API } from '../../../src/core/tlog/api.js'
import type { Registry } from '../../../src/node/tlog/registry.js'

export interface MockLog {
  url: string
  /** Requests served, as `METHOD path?query`. */
  requests: string[]
  /** Answer a path (without query) yourself: return a body, or undefined to fall through. */
  override?: (
    path: string,
    query: URLSearchParams,
  ) => Promise<string | undefined> | string | undefined
  registry: Registry
  close(): Promise<void>
}

export async function startMockLog(registry: Registry, store: RegistryStore): Promise<MockLog> {
  const mock = { requests: [] as string[], registry } as unknown as MockLog
  const num = (q: URLSearchParams, k: string) => (q.has(k) ? Number(q.get(k)) : NaN)
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x')
    mock.requests.push(`${req.method} ${u.pathname}${u.search}`)
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(body)
    }
    try {
      const over = await mock.override?.(u.pathname, u.searchParams)
      if (over !== undefined) return send(200, over, 'text/plain')
      const reg = mock.registry
      const q = u.searchParams
      if (u.pathname === LOG_API.checkpoint)
        return send(200, (await reg.checkpoint()).note, 'text/plain; charset=utf-8')
      if (u.pathname === LOG_API.inclusionProof)
        return send(200, JSON.stringify(await reg.inclusionProof(num(q, 'index'), num(q, 'size'))))
      if (u.pathname === LOG_API.consistencyProof)
        return send(200, JSON.stringify(await reg.consistencyProof(num(q, 'from'), num(q, 'to'))))
      if (u.pathname === LOG_API.entries)
        return send(
          200,
          JSON.stringify({ entries: await reg.entries(num(q, 'start'), num(q, 'end')) }),
        )
      if (u.pathname.startsWith(LOG_API.passports + '/')) {
        const id = decodeURIComponent(u.pathname.slice(LOG_API.passports.length + 1))
        const p = await store.getPassport(id)
        return p ? send(200, JSON.stringify(p)) : send(404, '{"code":"ERR_STORE_NOT_FOUND"}')
      }
      return send(404, '{}')
    } catch (err) {
      const status = err instanceof AccordError ? ERROR_CODES[err.code].http : 500
      return send(status, JSON.stringify({ message: (err as Error).message }))
    }
  }
  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  mock.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return mock
}
