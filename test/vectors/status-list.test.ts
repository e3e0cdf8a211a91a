/**
 * IETF Token Status List encoding vectors (../shared/vendor/sd-jwt/token-status-list-vectors.json,
 * from draft-ietf-oauth-status-list's appendix): decoding gives every listed status and 0
 * elsewhere, with Accord's bounded decoder and with @sd-jwt/jwt-status-list; compressing the
 * statuses with the library reproduces `lst` exactly.
 */
import { readFileSync } from 'node:fs'
import { StatusList } from '@sd-jwt/jwt-status-list'
import type { BitsPerStatus } from '@sd-jwt/jwt-status-list'
import { describe, expect, it } from 'vitest'
import { createStatusListClaims, decodeStatusList } from '../../src/core/passport/status.js'
import { VENDOR as SHARED_VENDOR } from '../vendor.js'

interface Vector {
  name: string
  bits: BitsPerStatus
  lst: string
  size?: number
  byte_array_hex?: string
  /** Short vectors: every status. */
  statuses?: Record<string, number>
  /** Long vectors: the non-zero statuses; every other entry is 0. */
  set_statuses?: Record<string, number>
}

const file = `${SHARED_VENDOR}/sd-jwt/token-status-list-vectors.json`
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors

describe('token status list vectors', () => {
  it('has the six vectors of the draft', () => {
    expect(vectors.map((v) => v.bits)).toEqual([1, 2, 1, 2, 4, 8])
  })

  for (const v of vectors) {
    const listed = v.statuses ?? v.set_statuses ?? {}
    const size = v.size ?? Object.keys(listed).length

    it(`${v.name}: Accord's decoder gives every listed status and 0 elsewhere`, async () => {
      const payload = { sub: 'https://x', iat: 0, status_list: { bits: v.bits, lst: v.lst } }
      const decoded = await decodeStatusList(payload)
      expect(decoded.size).toBe(size)
      for (const [i, s] of Object.entries(listed)) expect(decoded.get(Number(i))).toBe(s)
      let nonZero = 0
      for (let i = 0; i < size; i++) if (decoded.get(i) !== 0) nonZero++
      expect(nonZero).toBe(Object.values(listed).filter((s) => s !== 0).length)
    })

    it(`${v.name}: @sd-jwt/jwt-status-list agrees and its compression reproduces lst`, () => {
      const list = StatusList.decompressStatusList(v.lst, v.bits)
      for (const [i, s] of Object.entries(listed)) expect(list.getStatus(Number(i))).toBe(s)
      expect(list.statusList.length).toBe(size)
      // Every unlisted entry is 0: count the non-zero ones rather than compare 2^20 entries.
      expect(list.statusList.filter((s) => s !== 0).length).toBe(
        Object.values(listed).filter((s) => s !== 0).length,
      )
      // Sampled zero indexes, for a readable failure.
      for (const i of [1, 2, 1000, 654321, size - 1].filter(
        (i) => i < size && listed[String(i)] === undefined,
      ))
        expect(list.getStatus(i)).toBe(0)
      if (v.byte_array_hex !== undefined)
        expect(Buffer.from(list.encodeStatusList()).toString('hex')).toBe(v.byte_array_hex)

      const statuses = new Array<number>(size).fill(0)
      for (const [i, s] of Object.entries(listed)) statuses[Number(i)] = s
      expect(new StatusList(statuses, v.bits).compressStatusList()).toBe(v.lst)
      // Accord's claim builder uses the same encoder.
      const claims = createStatusListClaims({ uri: 'https://x', bits: v.bits, statuses, iat: 1 })
      expect(claims.status_list.lst).toBe(v.lst)
    })
  }
})
