/**
 * Model artifact digests: the shard layout, and comparing the digests a passport claims with the
 * digests recomputed from the files. Pure: the hashing itself is src/node/artifacts.ts.
 *
 * A file larger than two shards is also hashed shard by shard (`ArtifactDigest.shards`): byte
 * ranges of `shards.size` bytes, the last one shorter. The whole-file digest equals `sha256sum`;
 * the shard digests let a verifier check one large file on several cores at once.
 */
import type { ArtifactDigest, CheckResult } from './types.js'

/** Default shard size: 256 MiB. Files larger than two shards get shard digests. */
export const DEFAULT_SHARD_SIZE = 256 * 1024 * 1024

/** One shard: bytes `start` (inclusive) to `end` (exclusive) of the file. */
export interface ShardRange {
  index: number
  start: number
  end: number
}

function assertShardSize(shardSize: number): void {
  if (!(Number.isSafeInteger(shardSize) && shardSize > 0) && shardSize !== Infinity) {
    throw new TypeError(`shardSize must be a positive integer or Infinity, got ${shardSize}`)
  }
}

/** True when a file of `size` bytes is hashed in shards: it is larger than two shards. */
export function isSharded(size: number, shardSize: number): boolean {
  assertShardSize(shardSize)
  return size > 2 * shardSize
}

/** The shards of a file of `size` bytes: consecutive ranges of `shardSize`, the last shorter. */
export function shardRanges(size: number, shardSize: number): ShardRange[] {
  assertShardSize(shardSize)
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new TypeError(`size must be a non-negative integer, got ${size}`)
  }
  if (shardSize === Infinity) return size === 0 ? [] : [{ index: 0, start: 0, end: size }]
  const out: ShardRange[] = []
  for (let start = 0, index = 0; start < size; start += shardSize, index++) {
    out.push({ index, start, end: Math.min(size, start + shardSize) })
  }
  return out
}

const HEX64 = /^[0-9a-f]{64}$/

/**
 * What is wrong with a claimed artifact digest, or undefined when it is well-formed: a path, a
 * lowercase hex SHA-256, a size, and (when present) a shard layout that covers exactly `size`
 * bytes. The claim comes from a passport, so every field is checked before it is trusted.
 */
export function artifactClaimProblem(claim: ArtifactDigest): string | undefined {
  if (typeof claim !== 'object' || claim === null) return 'is not an object'
  if (typeof claim.path !== 'string' || claim.path === '') return 'has no path'
  if (typeof claim.sha256 !== 'string' || !HEX64.test(claim.sha256)) {
    return 'sha256 is not 64 lowercase hex digits'
  }
  if (!Number.isSafeInteger(claim.size) || claim.size < 0) {
    return 'size is not a non-negative integer'
  }
  if (claim.shards === undefined) return undefined
  const { size, sha256 } = claim.shards
  if (!Number.isSafeInteger(size) || size <= 0) return 'shards.size is not a positive integer'
  if (!Array.isArray(sha256) || !sha256.every((d) => typeof d === 'string' && HEX64.test(d))) {
    return 'shards.sha256 is not a list of 64-digit lowercase hex digests'
  }
  const expected = Math.ceil(claim.size / size)
  if (sha256.length !== expected) {
    return `shards.sha256 has ${sha256.length} digests but ${claim.size} bytes in shards of ${size} make ${expected}`
  }
  return undefined
}

/** What the verifier found at a claimed artifact's path. */
export type ArtifactObservation =
  /** The file does not exist (or is not a regular file). */
  | { state: 'missing'; message: string }
  /** The file exists but could not be read (permissions, I/O error). */
  | { state: 'unreadable'; message: string }
  /** The claimed path is absolute or leaves the artifacts root. */
  | { state: 'outside-root'; message: string }
  /**
   * The file was read: its size, and what was recomputed — the whole-file digest, the shard
   * digests (in shard order), or both. Digests not recomputed are left out.
   */
  | { state: 'present'; size: number; sha256?: string; shards?: string[] }

/** A CheckResult about one artifact, with the path and, for shard mismatches, which shards. */
export interface ArtifactCheck extends CheckResult {
  path: string
  /** 0-based indices of the shards whose digests differ. */
  mismatchedShards?: number[]
}

/** Compares one claimed artifact with what was found. Fails closed on anything unexpected. */
export function compareArtifact(
  claimed: ArtifactDigest,
  observed: ArtifactObservation,
): ArtifactCheck {
  const path = typeof claimed?.path === 'string' ? claimed.path : '(no path)'
  const result = (
    outcome: CheckResult['outcome'],
    reason: CheckResult['reason'],
    message: string,
    mismatchedShards?: number[],
  ): ArtifactCheck => ({
    check: `artifact:${path}`,
    outcome,
    reason,
    message: `${path}: ${message}`,
    path,
    ...(mismatchedShards === undefined ? {} : { mismatchedShards }),
  })

  const problem = artifactClaimProblem(claimed)
  if (problem !== undefined) return result('fail', 'malformed', `the claimed digest ${problem}`)

  switch (observed.state) {
    case 'outside-root':
      return result('fail', 'malformed', observed.message)
    case 'missing':
      return result('fail', 'artifact-missing', observed.message)
    case 'unreadable':
      return result('indeterminate', 'artifact-missing', observed.message)
    case 'present':
      break
  }

  if (observed.size !== claimed.size) {
    return result(
      'fail',
      'artifact-mismatch',
      `size differs: the passport claims ${claimed.size} bytes, the file has ${observed.size}`,
    )
  }
  if (observed.sha256 === undefined && observed.shards === undefined) {
    return result('indeterminate', 'artifact-missing', 'no digest was recomputed')
  }
  if (observed.sha256 !== undefined && observed.sha256 !== claimed.sha256) {
    return result(
      'fail',
      'artifact-mismatch',
      `SHA-256 differs: the passport claims ${claimed.sha256}, the file has ${observed.sha256}`,
    )
  }
  if (observed.shards !== undefined) {
    const layout = claimed.shards
    if (layout === undefined || observed.shards.length !== layout.sha256.length) {
      return result('indeterminate', 'artifact-missing', 'the shard digests do not fit the claim')
    }
    const differing = layout.sha256.flatMap((d, i) => (observed.shards?.[i] === d ? [] : [i]))
    if (differing.length > 0) {
      const ranges = shardRanges(claimed.size, layout.size)
      const named = differing
        .slice(0, 5)
        .map((i) => {
          const r = ranges[i] as ShardRange
          return `shard ${i} (bytes ${r.start}-${r.end - 1})`
        })
        .join(', ')
      const more = differing.length > 5 ? ` and ${differing.length - 5} more` : ''
      return result(
        'fail',
        'artifact-mismatch',
        `${differing.length} of ${layout.sha256.length} shards differ (numbered from 0): ${named}${more}`,
        differing,
      )
    }
  }
  const how =
    observed.shards === undefined
      ? 'SHA-256 matches'
      : observed.sha256 === undefined
        ? `all ${observed.shards.length} shard digests match`
        : `SHA-256 and all ${observed.shards.length} shard digests match`
  return result('pass', 'ok', `${claimed.size} bytes, ${how}`)
}

/** Compares claimed artifacts with observations, pairwise and in order. */
export function compareArtifacts(
  claimed: readonly ArtifactDigest[],
  observed: readonly ArtifactObservation[],
): ArtifactCheck[] {
  if (claimed.length !== observed.length) {
    throw new TypeError(
      `compareArtifacts: ${claimed.length} claims but ${observed.length} observations`,
    )
  }
  return claimed.map((c, i) => compareArtifact(c, observed[i] as ArtifactObservation))
}

/**
 * One `artifacts` check summing up the per-artifact checks: fail when any failed (with the first
 * failure's reason), indeterminate when any could not be decided, otherwise pass.
 */
export function summarizeArtifactChecks(checks: readonly ArtifactCheck[]): CheckResult {
  const failed = checks.filter((c) => c.outcome === 'fail')
  const open = checks.filter((c) => c.outcome === 'indeterminate')
  const first = failed[0] ?? open[0]
  if (first !== undefined) {
    const count = failed.length > 0 ? failed.length : open.length
    const what = failed.length > 0 ? 'failed' : 'could not be checked'
    return {
      check: 'artifacts',
      outcome: failed.length > 0 ? 'fail' : 'indeterminate',
      reason: first.reason,
      message: `${count} of ${checks.length} artifacts ${what}; first: ${first.message}`,
    }
  }
  return {
    check: 'artifacts',
    outcome: 'pass',
    reason: 'ok',
    message:
      checks.length === 0
        ? 'no artifacts are claimed'
        : `all ${checks.length} artifacts match their digests`,
  }
}
