/**
 * Inclusion and consistency proofs fetched over the registry's HTTP API, checked by an
 * independent implementation: a Python script (Debian's /usr/bin/python3, hashlib only) that
 * follows RFC 9162 section 2.1.3.2 and 2.1.4.2 itself, with no code from this project. The leaf
 * hashes come from the log entries endpoint, the roots from the signed checkpoints.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePassport, makeSigner, publish, startApp, type TestApp } from '../server/helpers.js'
import { tempDir } from '../tmp.js'

const PYTHON = '/usr/bin/python3'
const available = existsSync(PYTHON)
if (!available && process.env.CI) throw new Error(`${PYTHON} is required in CI for this test`)

const VERIFY_PY = String.raw`
import base64, hashlib, json, sys

def h(b): return hashlib.sha256(b).digest()
def node(l, r): return h(b"\x01" + l + r)

def verify_inclusion(index, size, leaf, proof, root):
    # RFC 9162 2.1.3.2
    if index >= size: return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1; sn >>= 1
                    if fn & 1 or fn == 0: break
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root

def verify_consistency(m, n, proof, first, second):
    # RFC 9162 2.1.4.2
    if m == n: return len(proof) == 0 and first == second
    if m == 0 or m > n: return False
    if m & (m - 1) == 0: proof = [first] + proof
    if not proof: return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1; sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr = node(c, fr); sr = node(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1; sn >>= 1
                    if fn & 1 or fn == 0: break
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == first and sr == second

d = json.load(open(sys.argv[1]))
x = lambda s: bytes.fromhex(s)
out = {
  "inclusion": [verify_inclusion(c["index"], c["size"], x(c["leaf"]), [x(p) for p in c["hashes"]], base64.b64decode(c["root"])) for c in d["inclusion"]],
  "consistency": [verify_consistency(c["from"], c["to"], [x(p) for p in c["hashes"]], base64.b64decode(c["first"]), base64.b64decode(c["second"])) for c in d["consistency"]],
}
print(json.dumps(out))
`

let t: TestApp
const checkpoints: { size: number; root: string }[] = []

async function checkpoint(): Promise<{ size: number; root: string }> {
  const res = await t.app.inject('/api/v1/log/checkpoint')
  expect(res.statusCode).toBe(200)
  const [, size, root] = res.body.split('\n')
  return { size: Number(size), root: root as string }
}

beforeAll(async () => {
  t = await startApp()
  const signer = await makeSigner('EdDSA')
  // Publish in three rounds so there are three checkpoints of different sizes.
  for (const round of [3, 4, 6]) {
    for (let i = 0; i < round; i++) {
      const { token } = await makePassport(signer, checkpoints.length * 10 + i)
      expect((await publish(t.app, signer, token)).statusCode).toBe(201)
    }
    // The registry signs at most one checkpoint a second; wait for a fresh one of this size.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    checkpoints.push(await checkpoint())
  }
}, 120_000)

afterAll(async () => {
  await t?.close()
})

describe.skipIf(!available)(
  'transparency log proofs, checked by an independent implementation',
  () => {
    it('every inclusion proof and the consistency proofs between checkpoints verify in Python', async () => {
      const last = checkpoints[checkpoints.length - 1] as { size: number; root: string }
      expect(last.size).toBe(13)
      const entries = await t.app.inject(`/api/v1/log/entries?start=0&end=${last.size}`)
      expect(entries.statusCode).toBe(200)
      const leaves = (entries.json().entries as { index: number; leafHash: string }[]).map(
        (e) => e.leafHash,
      )
      expect(leaves).toHaveLength(last.size)

      const inclusion = []
      for (const cp of checkpoints) {
        for (let index = 0; index < cp.size; index++) {
          const res = await t.app.inject(
            `/api/v1/log/proof/inclusion?index=${index}&size=${cp.size}`,
          )
          expect(res.statusCode).toBe(200)
          inclusion.push({
            index,
            size: cp.size,
            leaf: leaves[index],
            hashes: res.json().hashes,
            root: cp.root,
          })
        }
      }
      const consistency = []
      for (const [i, a] of checkpoints.entries()) {
        for (const b of checkpoints.slice(i + 1)) {
          const res = await t.app.inject(
            `/api/v1/log/proof/consistency?from=${a.size}&to=${b.size}`,
          )
          expect(res.statusCode).toBe(200)
          consistency.push({
            from: a.size,
            to: b.size,
            hashes: res.json().hashes,
            first: a.root,
            second: b.root,
          })
        }
      }
      // Negative controls: a wrong leaf and a swapped pair of roots must not verify.
      const wrong = { ...inclusion[0], leaf: leaves[1] }
      const swapped = {
        ...consistency[0],
        first: consistency[0]?.second,
        second: consistency[0]?.first,
      }

      const dir = tempDir('accord-tlog-py-')
      const script = path.join(dir, 'verify.py')
      const data = path.join(dir, 'proofs.json')
      writeFileSync(script, VERIFY_PY)
      writeFileSync(
        data,
        JSON.stringify({
          inclusion: [...inclusion, wrong],
          consistency: [...consistency, swapped],
        }),
      )
      const out = JSON.parse(execFileSync(PYTHON, [script, data], { encoding: 'utf8' })) as {
        inclusion: boolean[]
        consistency: boolean[]
      }
      expect(out.inclusion.slice(0, -1).every(Boolean)).toBe(true)
      expect(out.inclusion.at(-1)).toBe(false)
      expect(out.consistency.slice(0, -1)).toEqual([true, true, true])
      expect(out.consistency.at(-1)).toBe(false)
    }, 120_000)
  },
)
