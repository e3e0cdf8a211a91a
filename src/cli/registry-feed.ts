/**
 * The registry-wide feeds as `accord incident list` and `accord evaluation list` read them without
 * `--passport`: `--after` and `--limit`, one page of the feed in log order, or with
 * `--newest-first` (and `--before`) one page newest first, every item checked (the registry is
 * untrusted), and its printing, ending with the command for the next page.
 */
import type { Command } from 'commander'
import type { z } from 'zod'
import { ConfigError, TlogError } from '../core/errors.js'
import { fetchFeed, type Feed, type FeedQuery } from '../node/tlog/http.js'
import type { PinnedLog } from '../node/tlog/pinned.js'
import { printJson, type Ctx } from './common.js'
import { confirmListed, logVerifiedText, logVerifiedView, type ListedStatement } from './log-pin.js'
import { itemsOf } from './registry-client.js'

export interface FeedOptions {
  registry: string
  after?: string
  before?: string
  newestFirst?: boolean
  /** Default 100 (applied here, so that `--limit` given with `--passport` can be refused). */
  limit?: string
  /** One passport's list instead of the feed (the command's own option). */
  passport?: string
  logKey?: string
  json?: boolean
}

/** Adds `--after`, `--newest-first`, `--before` and `--limit`; `items` names what the feed lists ("reports"). */
export function withFeedOptions(cmd: Command, items: string): Command {
  return cmd
    .option(
      '--after <index>',
      `every passport: only ${items} after this log index, oldest first (default: -1, from the start)`,
    )
    .option('--newest-first', `every passport: the newest ${items} first, a page at a time`)
    .option(
      '--before <index>',
      `with --newest-first: only ${items} before this log index (the next page of the one before)`,
    )
    .option('--limit <n>', `every passport: at most this many ${items} (1 to 1000; default: 100)`)
}

const badArgs = (message: string) => new ConfigError({ code: 'ERR_CONFIG_BAD_ARGS', message })

/** The page of the feed the options ask for; ERR_CONFIG_BAD_ARGS when they are not one. */
export function feedQuery(opts: FeedOptions): FeedQuery {
  if (opts.passport !== undefined) {
    // One passport's list is read whole: a paging option would be ignored, so it is refused.
    const paging = [
      ['--after', opts.after],
      ['--newest-first', opts.newestFirst],
      ['--before', opts.before],
      ['--limit', opts.limit],
    ].find(([, value]) => value !== undefined && value !== false)
    if (paging !== undefined)
      throw badArgs(
        `${String(paging[0])} pages the feed of every passport; --passport lists one passport's whole list (leave out one or the other)`,
      )
  }
  const given = opts.limit ?? '100'
  const limit = Number(given)
  if (!/^\d+$/.test(given) || limit < 1 || limit > 1000)
    throw badArgs(`--limit "${given}" must be a whole number from 1 to 1000`)
  if (opts.newestFirst) {
    if (opts.after !== undefined)
      throw badArgs(
        `--after is for the feed oldest first; with --newest-first, page back with --before (the "next" line of the page before)`,
      )
    if (opts.before === undefined) return { before: null, limit }
    if (!/^\d+$/.test(opts.before) || !Number.isSafeInteger(Number(opts.before)))
      throw badArgs(`--before "${opts.before}" must be a log index (0 or more)`)
    return { before: Number(opts.before), limit }
  }
  if (opts.before !== undefined)
    throw badArgs(`--before "${opts.before}" pages the feed newest first: add --newest-first`)
  const after = opts.after ?? '-1'
  if (!/^-?\d+$/.test(after) || Number(after) < -1 || !Number.isSafeInteger(Number(after)))
    throw badArgs(`--after "${after}" must be a log index (0 or more), or -1 for the start`)
  return { after: Number(after), limit }
}

export interface FeedPrinting<T> {
  feed: Feed
  /** The schema every item must meet (ERR_TLOG_INVALID naming the item and field otherwise). */
  item: z.ZodType<T>
  /** What the items are, plural, for messages ("incident reports"). */
  what: string
  /** The command that lists the feed (`incident list`), for the next page. */
  command: string
  /** One line of text per item. */
  line: (item: T) => string
  /** With `--log-key`: the pinned log, and what of each item to check in it. */
  pin?: { log: PinnedLog; statement: (item: T) => ListedStatement }
}

/**
 * Prints one page of a feed: after `--after`, as JSON `{ items, nextAfter }`; newest first, as
 * JSON `{ items, nextBefore }` (null: no older items); or a line per item and the command for
 * the next page. With a pin, every item is first checked to be in the pinned log
 * (`confirmListed`: ERR_TLOG_INVALID for the first that is not).
 */
export async function printFeed<T>(
  ctx: Ctx,
  opts: FeedOptions,
  query: FeedQuery,
  feed: FeedPrinting<T>,
): Promise<void> {
  const body = (await fetchFeed(opts.registry, feed.feed, query)) as {
    nextAfter?: unknown
    nextBefore?: unknown
  }
  const items = itemsOf(body, feed.item, feed.what)
  // Checked before the pin, as the items are: a cursor that does not go back fails at once.
  const next =
    'after' in query
      ? { nextAfter: typeof body.nextAfter === 'number' ? body.nextAfter : query.after }
      : { nextBefore: nextBeforeOf(body.nextBefore, query.before, feed.what) }
  const logVerified =
    feed.pin === undefined
      ? undefined
      : await confirmListed(opts.registry, feed.pin.log, items.map(feed.pin.statement))
  if (opts.json) return printJson(ctx.io, { items, ...next, ...logVerifiedView(logVerified) })
  const lines = items.map(feed.line)
  const command = `accord ${feed.command} --registry ${opts.registry}`
  if ('after' in query) {
    if (lines.length === 0) lines.push(`no ${feed.what} after log index ${query.after}`)
    lines.push(`next: ${command} --after ${next.nextAfter}`)
  } else if (next.nextBefore === null || next.nextBefore === undefined) {
    const below = query.before === null ? '' : ` before log index ${query.before}`
    lines.push(lines.length === 0 ? `no ${feed.what}${below}` : `no older ${feed.what}`)
  } else lines.push(`next: ${command} --newest-first --before ${next.nextBefore}`)
  ctx.io.out(lines.join('\n') + '\n' + logVerifiedText(logVerified))
}

/**
 * The registry's cursor for the next older page: null (no older items) or a log index below
 * `before`; ERR_TLOG_INVALID otherwise, as a cursor that does not go back would page forever.
 */
function nextBeforeOf(value: unknown, before: number | null, what: string): number | null {
  if (value === null) return null
  if (
    typeof value === 'number' &&
    Number.isSafeInteger(value) &&
    value >= 0 &&
    (before === null || value < before)
  )
    return value
  throw new TlogError({
    code: 'ERR_TLOG_INVALID',
    message: `the registry's nextBefore of the ${what} (${JSON.stringify(value) ?? 'none'}) is not null nor a log index${before === null ? '' : ` below ${before}`}`,
  })
}
