/**
 * Reads the central directory of a zip archive (APPNOTE.TXT 4.3.12-4.3.16), reads one entry, and
 * sets every entry's time for reproducible output: the DOCX and XLSX files Accord writes or reads. Hand-written because the only questions asked of the archive are
 * "what entries, where, how large", which no zip library answers without inflating entries or
 * pulling in a stream API; the `docx` and `exceljs` packages that write these files do not expose it.
 * Plain (non-zip64) archives only.
 */
import { inflateRawSync } from 'node:zlib'

/** One entry of the central directory. */
export interface ZipEntry {
  name: string
  /** Offset of the entry's local file header. */
  local: number
  /** Offset of the entry's central directory record. */
  central: number
  /** Compression method: 0 stored, 8 deflated. */
  method: number
  compressed: number
  /** Uncompressed size as the directory states it (0xffffffff marks zip64). */
  uncompressed: number
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const EOCD_SIZE = 22
const CENTRAL_SIZE = 46

/**
 * The central directory's entries in archive order, or a reason it cannot be read: no end of
 * central directory record (not a zip), or a record outside the archive or without its signature.
 */
export function centralDirectory(
  zip: Uint8Array,
): { entries: ZipEntry[] } | { problem: 'no-eocd' | 'bad-entry' } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  let eocd = -1
  // The record is the last thing in the file, followed by a comment of at most 0xffff bytes.
  for (let i = zip.length - EOCD_SIZE; i >= Math.max(0, zip.length - EOCD_SIZE - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return { problem: 'no-eocd' }
  const count = view.getUint16(eocd + 10, true)
  let p = view.getUint32(eocd + 16, true)
  const entries: ZipEntry[] = []
  const decoder = new TextDecoder()
  for (let n = 0; n < count; n++) {
    if (p + CENTRAL_SIZE > zip.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE)
      return { problem: 'bad-entry' }
    const nameLength = view.getUint16(p + 28, true)
    entries.push({
      name: decoder.decode(zip.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength)),
      local: view.getUint32(p + 42, true),
      central: p,
      method: view.getUint16(p + 10, true),
      compressed: view.getUint32(p + 20, true),
      uncompressed: view.getUint32(p + 24, true),
    })
    p += CENTRAL_SIZE + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true)
  }
  return { entries }
}

/** The central directory of a plain (non-zip64) zip by entry name; throws on a malformed one. */
function zipEntries(zip: Uint8Array): Map<string, ZipEntry> {
  const directory = centralDirectory(zip)
  if ('problem' in directory)
    throw new TypeError(
      directory.problem === 'no-eocd'
        ? 'zip: no end of central directory record'
        : 'zip: bad central directory entry',
    )
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const out = new Map<string, ZipEntry>()
  for (const entry of directory.entries) {
    if (entry.local + 30 > zip.length || view.getUint32(entry.local, true) !== 0x04034b50)
      throw new TypeError('zip: bad local file header')
    out.set(entry.name, entry)
  }
  return out
}

/** The uncompressed bytes of entry `name` (stored or deflated) of a zip. */
export function readZipEntry(zip: Uint8Array, name: string): Uint8Array {
  const entry = zipEntries(zip).get(name)
  if (!entry) throw new TypeError(`zip: no entry ${name}`)
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  const start =
    entry.local +
    30 +
    view.getUint16(entry.local + 26, true) +
    view.getUint16(entry.local + 28, true)
  const data = zip.subarray(start, start + entry.compressed)
  if (entry.method === 0) return data
  if (entry.method === 8) return inflateRawSync(data)
  throw new TypeError(`zip: entry ${name} uses unsupported method ${entry.method}`)
}

/**
 * Sets the modification time of every entry of a zip archive (local headers and central
 * directory) to 00:00 of `asOf`. Throws TypeError on anything that is not a plain (non-zip64)
 * archive.
 */
export function fixZipTimes(zip: Uint8Array, asOf: string): Uint8Array {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf)
  if (!m) throw new TypeError(`fixZipTimes: bad date "${asOf}"`)
  const dosDate = ((Number(m[1]) - 1980) << 9) | (Number(m[2]) << 5) | Number(m[3])
  const out = new Uint8Array(zip)
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  for (const { central, local } of zipEntries(out).values()) {
    // DOS time and date: central directory at +12/+14, local header at +10/+12.
    view.setUint16(central + 12, 0, true)
    view.setUint16(central + 14, dosDate, true)
    view.setUint16(local + 10, 0, true)
    view.setUint16(local + 12, dosDate, true)
  }
  return out
}
