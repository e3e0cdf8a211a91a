import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { ROOT, run } from './helpers.js'

// `accord schema --check` compares the files under the package root; here the root is a copy
// whose policy schema is stale, so the committed files stay untouched.
const { copy } = vi.hoisted(() => ({ copy: { dir: '' } }))
copy.dir = mkdtempSync(path.join(tmpdir(), 'accord-schema-check-'))
cpSync(path.join(ROOT, 'schema'), path.join(copy.dir, 'schema'), { recursive: true })
cpSync(path.join(ROOT, 'catalogs', 'schema'), path.join(copy.dir, 'catalogs', 'schema'), {
  recursive: true,
})
writeFileSync(path.join(copy.dir, 'schema', 'policy.v1.schema.json'), '{}\n')

vi.mock('../../src/node/paths.js', () => ({ packageRoot: () => copy.dir }))

afterAll(() => rmSync(copy.dir, { recursive: true, force: true }))

describe('accord schema --check with a stale schema', () => {
  it('exits 1 with ERR_SCHEMA_STALE; --json prints that error as the one JSON document', async () => {
    const text = await run(['schema', '--check'])
    expect(text.code).toBe(1)
    expect(text.stdout).toBe('')
    expect(text.stderr).toContain('schema/policy.v1.schema.json [ERR_SCHEMA_STALE]')
    const json = await run(['schema', '--check', '--json'])
    expect(json.code).toBe(1)
    expect(json.json()).toEqual({
      error: {
        code: 'ERR_SCHEMA_STALE',
        message: 'generated schema(s) out of date: schema/policy.v1.schema.json',
        issues: [],
      },
    })
  })
})
