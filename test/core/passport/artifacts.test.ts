import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SHARD_SIZE,
  artifactClaimProblem,
  compareArtifact,
  compareArtifacts,
  isSharded,
  shardRanges,
  summarizeArtifactChecks,
  type ArtifactCheck,
} from '../../../src/core/passport/artifacts.js'
import type { ArtifactDigest } from '../../../src/core/passport/types.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)
const D = 'd'.repeat(64)

const whole: ArtifactDigest = { path: 'model.bin', sha256: A, size: 10 }
const sharded: ArtifactDigest = {
  path: 'weights/model.safetensors',
  sha256: A,
  size: 10,
  shards: { size: 4, sha256: [B, C, D] },
}

describe('shard layout', () => {
  it('defaults to 256 MiB shards', () => {
    expect(DEFAULT_SHARD_SIZE).toBe(268_435_456)
  })

  it('shards only files larger than two shards', () => {
    expect(isSharded(0, 4)).toBe(false)
    expect(isSharded(8, 4)).toBe(false)
    expect(isSharded(9, 4)).toBe(true)
    expect(isSharded(Number.MAX_SAFE_INTEGER, Infinity)).toBe(false)
  })

  it('splits into consecutive ranges, the last one shorter', () => {
    expect(shardRanges(10, 4)).toEqual([
      { index: 0, start: 0, end: 4 },
      { index: 1, start: 4, end: 8 },
      { index: 2, start: 8, end: 10 },
    ])
    expect(shardRanges(8, 4)).toEqual([
      { index: 0, start: 0, end: 4 },
      { index: 1, start: 4, end: 8 },
    ])
    expect(shardRanges(0, 4)).toEqual([])
    expect(shardRanges(5, Infinity)).toEqual([{ index: 0, start: 0, end: 5 }])
    expect(shardRanges(0, Infinity)).toEqual([])
  })

  it('handles sizes beyond 4 GiB exactly', () => {
    const size = 5 * 2 ** 32 + 3
    const ranges = shardRanges(size, DEFAULT_SHARD_SIZE)
    expect(ranges).toHaveLength(81)
    expect(ranges.at(-1)).toEqual({ index: 80, start: 80 * DEFAULT_SHARD_SIZE, end: size })
  })

  it('rejects nonsense with TypeError', () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => isSharded(1, bad)).toThrow(TypeError)
      expect(() => shardRanges(1, bad)).toThrow(TypeError)
    }
    expect(() => shardRanges(-1, 4)).toThrow(TypeError)
    expect(() => shardRanges(1.5, 4)).toThrow(TypeError)
  })
})

describe('artifactClaimProblem', () => {
  it('accepts well-formed claims', () => {
    expect(artifactClaimProblem(whole)).toBeUndefined()
    expect(artifactClaimProblem(sharded)).toBeUndefined()
    expect(artifactClaimProblem({ ...whole, size: 0, shards: { size: 4, sha256: [] } })).toBe(
      undefined,
    )
  })

  it.each([
    ['not an object', null, 'is not an object'],
    ['no path', { ...whole, path: '' }, 'has no path'],
    ['path not a string', { ...whole, path: 7 }, 'has no path'],
    ['uppercase hex', { ...whole, sha256: A.toUpperCase() }, 'sha256 is not'],
    ['short digest', { ...whole, sha256: 'abc' }, 'sha256 is not'],
    ['negative size', { ...whole, size: -1 }, 'size is not'],
    ['fractional size', { ...whole, size: 1.5 }, 'size is not'],
    ['zero shard size', { ...sharded, shards: { size: 0, sha256: [] } }, 'shards.size'],
    ['shard digests not a list', { ...sharded, shards: { size: 4, sha256: B } }, 'shards.sha256'],
    ['bad shard digest', { ...sharded, shards: { size: 4, sha256: [B, C, 'x'] } }, 'shards.sha256'],
    ['too few shards', { ...sharded, shards: { size: 4, sha256: [B, C] } }, 'has 2 digests'],
    ['too many shards', { ...sharded, shards: { size: 4, sha256: [B, C, D, A] } }, 'make 3'],
  ])('reports %s', (_, claim, expected) => {
    expect(artifactClaimProblem(claim as unknown as ArtifactDigest)).toContain(expected)
  })
})

describe('compareArtifact', () => {
  it('passes a matching whole-file digest', () => {
    expect(compareArtifact(whole, { state: 'present', size: 10, sha256: A })).toEqual({
      check: 'artifact:model.bin',
      outcome: 'pass',
      reason: 'ok',
      message: 'model.bin: 10 bytes, SHA-256 matches',
      path: 'model.bin',
    })
  })

  it('passes matching shards, with or without the whole digest', () => {
    const shardsOnly = compareArtifact(sharded, { state: 'present', size: 10, shards: [B, C, D] })
    expect(shardsOnly).toMatchObject({ outcome: 'pass', reason: 'ok' })
    expect(shardsOnly.message).toContain('all 3 shard digests match')
    const both = compareArtifact(sharded, {
      state: 'present',
      size: 10,
      sha256: A,
      shards: [B, C, D],
    })
    expect(both.message).toContain('SHA-256 and all 3 shard digests match')
  })

  it('names the shard that differs, with its byte range', () => {
    const r = compareArtifact(sharded, { state: 'present', size: 10, shards: [B, A, D] })
    expect(r).toMatchObject({
      outcome: 'fail',
      reason: 'artifact-mismatch',
      path: 'weights/model.safetensors',
      mismatchedShards: [1],
    })
    expect(r.message).toBe(
      'weights/model.safetensors: 1 of 3 shards differ (numbered from 0): shard 1 (bytes 4-7)',
    )
  })

  it('names at most five differing shards', () => {
    const digests = Array.from({ length: 8 }, () => B)
    const claim: ArtifactDigest = {
      path: 'm',
      sha256: A,
      size: 8,
      shards: { size: 1, sha256: digests },
    }
    const r = compareArtifact(claim, { state: 'present', size: 8, shards: digests.map(() => C) })
    expect(r.mismatchedShards).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(r.message).toContain('8 of 8 shards differ')
    expect(r.message).toContain('shard 4 (bytes 4-4) and 3 more')
    expect(r.message).not.toContain('shard 5')
  })

  it('fails a different whole-file digest', () => {
    const r = compareArtifact(whole, { state: 'present', size: 10, sha256: B })
    expect(r).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
    expect(r.message).toBe(
      `model.bin: SHA-256 differs: the passport claims ${A}, the file has ${B}`,
    )
    expect(r.mismatchedShards).toBeUndefined()
  })

  it('fails a different size before looking at digests', () => {
    const r = compareArtifact(whole, { state: 'present', size: 11, sha256: A })
    expect(r).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
    expect(r.message).toContain('claims 10 bytes, the file has 11')
  })

  it('fails missing files and claims outside the root; unreadable files are indeterminate', () => {
    expect(compareArtifact(whole, { state: 'missing', message: 'does not exist' })).toMatchObject({
      outcome: 'fail',
      reason: 'artifact-missing',
      message: 'model.bin: does not exist',
    })
    expect(compareArtifact(whole, { state: 'outside-root', message: 'leaves' })).toMatchObject({
      outcome: 'fail',
      reason: 'malformed',
    })
    expect(compareArtifact(whole, { state: 'unreadable', message: 'EACCES' })).toMatchObject({
      outcome: 'indeterminate',
      reason: 'artifact-missing',
    })
  })

  it('fails a malformed claim whatever was observed', () => {
    const r = compareArtifact(
      { ...whole, sha256: 'nope' },
      { state: 'present', size: 10, sha256: A },
    )
    expect(r).toMatchObject({ outcome: 'fail', reason: 'malformed' })
    expect(r.message).toContain('the claimed digest sha256 is not')
    const noPath = compareArtifact(null as unknown as ArtifactDigest, {
      state: 'missing',
      message: '',
    })
    expect(noPath).toMatchObject({ check: 'artifact:(no path)', reason: 'malformed' })
  })

  it('is indeterminate when nothing was recomputed or the shards do not fit the claim', () => {
    expect(compareArtifact(whole, { state: 'present', size: 10 })).toMatchObject({
      outcome: 'indeterminate',
      reason: 'artifact-missing',
    })
    expect(compareArtifact(whole, { state: 'present', size: 10, shards: [A] })).toMatchObject({
      outcome: 'indeterminate',
    })
    expect(compareArtifact(sharded, { state: 'present', size: 10, shards: [B] })).toMatchObject({
      outcome: 'indeterminate',
    })
  })
})

describe('compareArtifacts and summarizeArtifactChecks', () => {
  it('compares pairwise and in order', () => {
    const checks = compareArtifacts(
      [whole, sharded],
      [
        { state: 'present', size: 10, sha256: A },
        { state: 'missing', message: 'gone' },
      ],
    )
    expect(checks.map((c) => c.reason)).toEqual(['ok', 'artifact-missing'])
  })

  it('rejects unequal lists with TypeError', () => {
    expect(() => compareArtifacts([whole], [])).toThrow(TypeError)
  })

  const pass = compareArtifact(whole, { state: 'present', size: 10, sha256: A })
  const fail = compareArtifact(whole, { state: 'present', size: 10, sha256: B })
  const open = compareArtifact(whole, { state: 'unreadable', message: 'EIO' })

  it('passes when every artifact passed, or none is claimed', () => {
    expect(summarizeArtifactChecks([pass, pass])).toEqual({
      check: 'artifacts',
      outcome: 'pass',
      reason: 'ok',
      message: 'all 2 artifacts match their digests',
    })
    expect(summarizeArtifactChecks([])).toMatchObject({
      outcome: 'pass',
      message: 'no artifacts are claimed',
    })
  })

  it('fails with the first failure when any failed', () => {
    const r = summarizeArtifactChecks([pass, open, fail])
    expect(r).toMatchObject({ outcome: 'fail', reason: 'artifact-mismatch' })
    expect(r.message).toBe(`1 of 3 artifacts failed; first: ${fail.message}`)
  })

  it('is indeterminate when some could not be checked and none failed', () => {
    const checks: ArtifactCheck[] = [pass, open]
    expect(summarizeArtifactChecks(checks)).toMatchObject({
      outcome: 'indeterminate',
      reason: 'artifact-missing',
      message: `1 of 2 artifacts could not be checked; first: ${open.message}`,
    })
  })
})
