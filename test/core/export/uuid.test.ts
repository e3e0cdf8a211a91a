import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { uuidFactory, uuidV5, type Sha1 } from '../../../src/core/export/uuid.js'

const sha1: Sha1 = (data) => new Uint8Array(createHash('sha1').update(data).digest())
const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

describe('uuidV5', () => {
  it('matches the well-known vector (DNS namespace, www.example.com)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com')
    expect(uuidV5('www.example.com', sha1, DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2')
  })

  it('gives version 5, RFC 4122 variant, and the same UUID for the same key', () => {
    const make = uuidFactory('ssp|Provider|System|1.0', sha1)
    const a = make('finding:eu-ai-act:art-9')
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(make('finding:eu-ai-act:art-9')).toBe(a)
    expect(make('finding:eu-ai-act:art-10')).not.toBe(a)
    expect(uuidFactory('other scope', sha1)('finding:eu-ai-act:art-9')).not.toBe(a)
  })

  it('rejects a malformed namespace', () => {
    expect(() => uuidV5('x', sha1, 'not-a-uuid')).toThrow(TypeError)
  })
})
