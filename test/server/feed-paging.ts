/**
 * The checks both registry-wide feeds (GET /api/v1/incidents, /api/v1/evaluations) share for
 * reading newest first (`order=desc&before=&limit=`): paging back with `nextBefore` while new
 * items are added, and the refusal of parameters that do not make a page.
 */
import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'

interface Item {
  id: string
  logIndex: number
}

interface DescPage {
  items: Item[]
  nextBefore: number | null
}

async function read<T>(app: FastifyInstance, url: string): Promise<T> {
  const res = await app.inject(url)
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200)
  return res.json() as T
}

/** Every item of the feed at `path`, oldest first (order=asc, the default, a page at a time). */
async function everyItem(app: FastifyInstance, path: string): Promise<Item[]> {
  const items: Item[] = []
  let after = -1
  for (;;) {
    const page = await read<{ items: Item[]; nextAfter: number }>(
      app,
      `${path}?after=${after}&limit=1000`,
    )
    items.push(...page.items)
    if (page.items.length < 1000) return items
    after = page.nextAfter
  }
}

/**
 * Reads the feed at `path` newest first, `limit` items a page, calling `add` (which adds one item
 * to the feed) between page reads: the pages hold exactly the items there were at the first read,
 * newest first, with neither gaps nor repeats, each page's nextBefore the log index of its last
 * item, and null on the last one. The feed must hold more than `2 * limit` items already.
 */
export async function expectNewestFirstPaging(
  app: FastifyInstance,
  path: string,
  add: () => Promise<void>,
  limit = 2,
): Promise<void> {
  const existing = await everyItem(app, path)
  expect(existing.length).toBeGreaterThan(2 * limit)
  const pages: DescPage[] = []
  let before: number | null = null
  for (;;) {
    const page: DescPage = await read<DescPage>(
      app,
      `${path}?order=desc&limit=${limit}${before === null ? '' : `&before=${before}`}`,
    )
    expect(Object.keys(page).sort()).toEqual(['items', 'nextBefore'])
    pages.push(page)
    expect(pages.length).toBeLessThanOrEqual(existing.length)
    if (page.nextBefore === null) break
    expect(page.items).toHaveLength(limit)
    expect(page.nextBefore).toBe(page.items[limit - 1]?.logIndex)
    before = page.nextBefore
    await add()
  }
  const seen = pages.flatMap((p) => p.items.map((i) => [i.id, i.logIndex]))
  expect(seen).toEqual(existing.map((i) => [i.id, i.logIndex]).reverse())
  expect(pages).toHaveLength(Math.ceil(existing.length / limit))
  // The items added meanwhile are the newest now, and the first page starts with them.
  const after = await everyItem(app, path)
  expect(after.length).toBe(existing.length + pages.length - 1)
  const newest = await read<DescPage>(app, `${path}?order=desc&limit=${pages.length - 1}`)
  expect(newest.items.map((i) => i.id)).toEqual(
    after
      .slice(existing.length)
      .map((i) => i.id)
      .reverse(),
  )
  // The default limit, and a page past the oldest item.
  const all = await read<DescPage>(app, `${path}?order=desc`)
  expect(all.items.map((i) => i.id)).toEqual(
    after
      .slice(-100)
      .map((i) => i.id)
      .reverse(),
  )
  expect(await read(app, `${path}?order=desc&before=0`)).toEqual({ items: [], nextBefore: null })
}

/** The parameters that make no page, each a 400 ERR_CONFIG_BAD_REQUEST with a message saying why. */
export async function expectBadFeedParameters(app: FastifyInstance, path: string): Promise<void> {
  const bad: [string, RegExp][] = [
    ['order=desc&after=3', /after is for order=asc.*before/],
    ['order=desc&after=-1', /after is for order=asc/],
    ['before=3', /before is for order=desc/],
    ['order=asc&before=3', /before is for order=desc/],
    ['order=newest', /order must be equal to one of the allowed values/],
    ['order=desc&before=-1', /before must be >= 0/],
    ['order=desc&before=x', /before must be integer/],
    ['order=desc&limit=0', /limit must be >= 1/],
    ['order=desc&limit=1001', /limit must be <= 1000/],
    ['order=desc&since=3', /must NOT have additional properties/],
  ]
  for (const [query, message] of bad) {
    const res = await app.inject(`${path}?${query}`)
    expect(res.statusCode, query).toBe(400)
    expect(res.json().code, query).toBe('ERR_CONFIG_BAD_REQUEST')
    expect(res.json().message, query).toMatch(message)
  }
}
