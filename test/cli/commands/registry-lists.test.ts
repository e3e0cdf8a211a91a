/**
 * `accord incident list` and `accord evaluation list` print what a registry returns. A registry is
 * untrusted: an answer whose items are not what Accord can read is a named error
 * (ERR_TLOG_INVALID, exit 4), not a crash (exit 70).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../helpers.js'

/** Answers each path with the given JSON body. */
const answers: Record<string, unknown> = {}
let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    const body = answers[path]
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body ?? { error: 'not found' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const REPORT = {
  id: 'urn:uuid:r1',
  incidentId: 'urn:uuid:i1',
  passportId: 'urn:uuid:p1',
  sequence: 1,
  report: 'initial',
  serious: true,
  status: 'open',
  publishedAt: '2026-11-01T00:00:00Z',
  logIndex: 3,
}

const RESULT = {
  id: 'urn:uuid:e1',
  passportId: 'urn:uuid:p1',
  method: 'benchmark 1',
  performedAt: '2026-10-01',
  metrics: 1,
  thresholds: 1,
  thresholdsMet: 1,
  evaluatorKid: 'k',
  publishedAt: '2026-11-01T00:00:00Z',
  logIndex: 4,
  evaluation: null,
}

async function list(args: string[]) {
  const r = await run([...args, '--registry', base])
  return { code: r.code, out: r.stdout, err: r.stderr }
}

describe('registry lists from an untrusted registry', () => {
  it('an incident without its reports list is named, not a crash', async () => {
    answers['/api/v1/passports/urn%3Auuid%3Ap1/incidents'] = {
      items: [{ incidentId: 'urn:uuid:i1', incident: null, deadline: null }],
    }
    const r = await list(['incident', 'list', '--passport', 'urn:uuid:p1'])
    expect(r.code, r.err).toBe(4)
    expect(r.err).toContain('ERR_TLOG_INVALID')
    expect(r.err).toContain(
      "the registry's item 0 of the incidents is not one Accord can read at reports",
    )
  })

  it('a feed item with a log index that is not a number is named', async () => {
    answers['/api/v1/incidents'] = { items: [REPORT, { ...REPORT, logIndex: 'x' }], nextAfter: 3 }
    const r = await list(['incident', 'list'])
    expect(r.code, r.err).toBe(4)
    expect(r.err).toContain('item 1 of the incident reports is not one Accord can read at logIndex')
  })

  it('a well-formed feed is printed', async () => {
    answers['/api/v1/incidents'] = { items: [REPORT], nextAfter: 3 }
    const r = await list(['incident', 'list'])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('3 2026-11-01T00:00:00Z passport urn:uuid:p1: initial report 1')
  })

  it('an evaluation result whose evaluation is not one is named', async () => {
    answers['/api/v1/passports/urn%3Auuid%3Ap1/evaluations'] = {
      items: [{ ...RESULT, evaluation: { metrics: 'none' } }],
    }
    const r = await list(['evaluation', 'list', '--passport', 'urn:uuid:p1'])
    expect(r.code, r.err).toBe(4)
    expect(r.err).toContain(
      "the registry's item 0 of the evaluation results is not one Accord can read at evaluation",
    )
  })

  it('an evaluation feed item without its passport, or with a count that is not a number, is named', async () => {
    const withoutPassport = { ...RESULT, passportId: undefined } // JSON drops the field
    answers['/api/v1/evaluations'] = { items: [RESULT, withoutPassport], nextAfter: 4 }
    const r = await list(['evaluation', 'list'])
    expect(r.code, r.err).toBe(4)
    expect(r.err).toContain('ERR_TLOG_INVALID')
    expect(r.err).toContain(
      "the registry's item 1 of the evaluation results is not one Accord can read at passportId",
    )
    answers['/api/v1/evaluations'] = { items: [{ ...RESULT, metrics: '1' }], nextAfter: 4 }
    const json = await list(['evaluation', 'list', '--json'])
    expect(json.code, json.err).toBe(4)
    expect(JSON.parse(json.out)).toEqual({
      error: expect.objectContaining({
        code: 'ERR_TLOG_INVALID',
        message: expect.stringContaining(
          'item 0 of the evaluation results is not one Accord can read at metrics',
        ),
      }),
    })
    answers['/api/v1/evaluations'] = { results: [RESULT] }
    const noList = await list(['evaluation', 'list'])
    expect(noList.code, noList.err).toBe(4)
    expect(noList.err).toContain('the registry answered without a list of evaluation results')
  })

  it('a well-formed evaluation feed is printed', async () => {
    answers['/api/v1/evaluations'] = { items: [RESULT], nextAfter: 4 }
    const r = await list(['evaluation', 'list'])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain(
      '4 2026-11-01T00:00:00Z passport urn:uuid:p1: benchmark 1, 2026-10-01: 1 metrics, 1 of 1 thresholds met, result urn:uuid:e1',
    )
  })
})
