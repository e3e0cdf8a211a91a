/**
 * src/node/zip.ts reads a zip's central directory by hand (the DOCX and XLSX files Accord writes
 * and reads; the questionnaire loader's unpacked-size limit rests on it): checked against Python's
 * zipfile on the bundled example workbook and a DOCX Accord writes, and on archives it must refuse.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { markdownToDocx } from '../../src/node/office/docx.js'
import { unpackedSize } from '../../src/node/questionnaire/load.js'
import { centralDirectory, readZipEntry } from '../../src/node/zip.js'
import { pythonWith } from './python.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const XLSX = path.join(ROOT, 'examples', 'questionnaires', 'police-procurement.xlsx')
const PYTHON = pythonWith(['zipfile'])

/** Python's zipfile reading of an archive: name, uncompressed size, compression method. */
function pythonListing(bytes: Uint8Array): { name: string; size: number; method: number }[] {
  const script =
    'import sys, io, json, zipfile\n' +
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n' +
    'print(json.dumps([{"name": i.filename, "size": i.file_size, "method": i.compress_type} for i in z.infolist()]))'
  return JSON.parse(execFileSync(PYTHON!, ['-c', script], { input: bytes }).toString('utf8'))
}

async function docxBytes(): Promise<Uint8Array> {
  return markdownToDocx(
    '# Title\n\nSome text, and a table:\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n',
    {
      title: 'Zip directory test',
      identity: {
        systemName: 'Test system',
        systemVersion: '1.0.0',
        manifestSha256: '0'.repeat(64),
        asOf: '2026-11-23',
      },
    },
  )
}

describe.skipIf(PYTHON === undefined)('central directory against Python zipfile', () => {
  it('lists the example workbook as zipfile does, and its sizes are the inflated ones', async () => {
    for (const bytes of [new Uint8Array(readFileSync(XLSX)), await docxBytes()]) {
      const directory = centralDirectory(bytes)
      if ('problem' in directory) throw new Error(directory.problem)
      const ours = directory.entries.map((e) => ({
        name: e.name,
        size: e.uncompressed,
        method: e.method,
      }))
      expect(ours).toEqual(pythonListing(bytes))
      expect(ours.length).toBeGreaterThan(3)
      for (const e of directory.entries)
        expect(readZipEntry(bytes, e.name).length, e.name).toBe(e.uncompressed)
      expect(unpackedSize(bytes)).toBe(ours.reduce((sum, e) => sum + e.size, 0))
    }
  })
})

describe('central directory problems', () => {
  it('finds no directory in bytes that are not a zip, and a bad one in a cut archive', () => {
    expect(centralDirectory(new TextEncoder().encode('not a zip at all, just text'))).toEqual({
      problem: 'no-eocd',
    })
    expect(unpackedSize(new Uint8Array(0))).toBeUndefined()
    const bytes = new Uint8Array(readFileSync(XLSX))
    const directory = centralDirectory(bytes)
    if ('problem' in directory) throw new Error(directory.problem)
    // Overwrite the first central directory record's signature: the directory no longer reads.
    const broken = bytes.slice()
    broken[directory.entries[0]!.central] = 0
    expect(centralDirectory(broken)).toEqual({ problem: 'bad-entry' })
    expect(unpackedSize(broken)).toBeUndefined()
  })
})
