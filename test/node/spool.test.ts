/**
 * openLineSpool: the lines come back in order, whole (multi-byte characters across the read
 * chunks), and the file is never visible in its directory, during use or after.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openLineSpool } from '../../src/node/spool.js'

const dir = mkdtempSync(path.join(tmpdir(), 'accord-spool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openLineSpool', () => {
  it('gives back every line in order, and leaves no file behind', async () => {
    const where = path.join(dir, 'a', 'b') // created if missing
    const spool = await openLineSpool(where)
    // POSIX: unlinked as soon as opened; the open handle keeps the data.
    if (process.platform !== 'win32') expect(readdirSync(where)).toEqual([])
    // About 3 MB: several write and read chunks of 1 MiB, lines split across them.
    const line = (i: number) => JSON.stringify({ i, text: `é€😀 ${'x'.repeat(i % 700)}` })
    const N = 5000
    for (let i = 0; i < N; i++) await spool.append(line(i))
    expect(spool.count).toBe(N)
    let i = 0
    for await (const l of spool.lines()) {
      if (l !== line(i)) expect(l, `line ${i}`).toBe(line(i))
      i++
    }
    expect(i).toBe(N)
    // Read twice: the same lines.
    const again: string[] = []
    for await (const l of spool.lines()) again.push(l)
    expect(again).toHaveLength(N)
    expect(again.at(-1)).toBe(line(N - 1))
    await spool.close()
    await spool.close() // idempotent
    expect(readdirSync(where)).toEqual([])
    await expect(spool.append('x')).rejects.toThrow(/closed/)
  })

  it('an empty spool has no lines', async () => {
    const spool = await openLineSpool(dir)
    const lines: string[] = []
    for await (const l of spool.lines()) lines.push(l)
    expect(lines).toEqual([])
    await spool.close()
  })

  it('fails with ERR_DOCUMENT_WRITE where no file can be created', async () => {
    const file = path.join(dir, 'a-file')
    writeFileSync(file, '')
    await expect(openLineSpool(path.join(file, 'sub'))).rejects.toMatchObject({
      code: 'ERR_DOCUMENT_WRITE',
    })
  })
})
