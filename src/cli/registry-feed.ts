/**
 * The registry-wide feeds as `accord incident list` and `accord evaluation list` read them without
 * `--passport`: `--after` and `--limit`, one page of the feed with every item checked (the
 * registry is untrusted), and its printing, ending with the command for the next page.
 */
import type { Command } from 'commander'
import type { z } from 'zod'
import { ConfigError } from '../core/errors.js'
import { fetchFeed, type Feed } from '../node/tlog/http.js'
import type { PinnedLog } from '../node/tlog/pinned.js'
import { printJson, type Ctx } from './common.js'
import { confirmListed, logVerifiedText, logVerifiedView, type ListedStatement } from './log-pin.js'
import { itemsOf } from './registry-client.js'

export interface FeedOptions {
  registry: string
  after: string
  limit: string
  logKey?: string
  json?: boolean
}

/** Adds `--after` and `--limit`; `items` names what the feed lists ("reports"). */
export function withFeedOptions(cmd: Command, items: string): Command {
  return cmd
    .option('--after <index>', `every passport: only ${items} after this log index`, '-1')
    .option('--limit <n>', `every passport: at most this many ${items} (1 to 1000)`, '100')
}

/** `--after` and `--limit` as numbers; ERR_CONFIG_BAD_ARGS when they are not a page of a feed. */
export function feedQuery(opts: FeedOptions): { after: number; limit: number } {
  const after = Number(opts.after)
  const limit = Number(opts.limit)
  if (!/^-?\d+$/.test(opts.after) || after < -1)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--after "${opts.after}" must be a log index (0 or more), or -1 for the start`,
    })
  if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > 1000)
    throw new ConfigError({
      code: 'ERR_CONFIG_BAD_ARGS',
      message: `--limit "${opts.limit}" must be a whole number from 1 to 1000`,
    })
  return { after, limit }
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
 * Prints one page of a feed after `--after`: as JSON `{ items, nextAfter }`, or a line per item
 * and the command for the next page. With a pin, every item is first checked to be in the pinned
 * log (`confirmListed`: ERR_TLOG_INVALID for the first that is not).
 */
export async function printFeed<T>(
  ctx: Ctx,
  opts: FeedOptions,
  query: { after: number; limit: number },
  feed: FeedPrinting<T>,
): Promise<void> {
  const body = (await fetchFeed(opts.registry, feed.feed, query)) as { nextAfter?: unknown }
  const items = itemsOf(body, feed.item, feed.what)
  const nextAfter = typeof body.nextAfter === 'number' ? body.nextAfter : query.after
  const logVerified =
    feed.pin === undefined
      ? undefined
      : await confirmListed(opts.registry, feed.pin.log, items.map(feed.pin.statement))
  if (opts.json) return printJson(ctx.io, { items, nextAfter, ...logVerifiedView(logVerified) })
  const lines = items.map(feed.line)
  if (lines.length === 0) lines.push(`no ${feed.what} after log index ${query.after}`)
  lines.push(`next: accord ${feed.command} --registry ${opts.registry} --after ${nextAfter}`)
  ctx.io.out(lines.join('\n') + '\n' + logVerifiedText(logVerified))
}
