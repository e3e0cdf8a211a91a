import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvidenceError } from '../../src/core/errors.js'
import { Manifest, type ManifestInput } from '../../src/core/manifest/schema.js'
import { hashEvidence } from '../../src/node/evidence.js'

let root: string
let dir: string

type EvidenceInput = NonNullable<ManifestInput['evidence']>[number]

function manifest(evidence: EvidenceInput[]): Manifest {
  return Manifest.parse({
    apiVersion: 'accord.dev/v1',
    system: { name: 'S', version: '1', intendedPurpose: 'Testing.' },
    provider: { name: 'P', country: 'DE', address: 'A', email: 'p@example.com' },
    roles: ['provider'],
    deployment: { deployers: 'd', sector: 's', affectedPersons: ['x'], publicBody: false },
    classification: {
      useCases: ['other'],
      outputUsedInEu: true,
      placedOnEuMarket: true,
      exclusivelyMilitaryDefenceNationalSecurity: false,
      profilesNaturalPersons: false,
    },
    evidence,
  })
}

function item(id: string, path: string, extra: Partial<EvidenceInput> = {}): EvidenceInput {
  return { id, path, type: 'other', title: id, supports: ['eu-ai-act:art-9'], ...extra }
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex')

async function failure(evidence: EvidenceInput[]): Promise<EvidenceError> {
  try {
    await hashEvidence(manifest(evidence), dir)
  } catch (err) {
    expect(err).toBeInstanceOf(EvidenceError)
    return err as EvidenceError
  }
  throw new Error('expected hashEvidence to fail')
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'accord-evidence-'))
  dir = join(root, 'system')
  mkdirSync(join(dir, 'docs', 'folder'), { recursive: true })
  writeFileSync(join(dir, 'docs', 'risk.md'), 'risk register\n')
  writeFileSync(join(dir, 'docs', 'card.md'), 'model card\n')
  writeFileSync(join(dir, 'docs', 'empty.md'), '')
  writeFileSync(join(root, 'outside.md'), 'not in the system folder\n')
  symlinkSync(join(root, 'outside.md'), join(dir, 'docs', 'link.md'))
  // Links that stay inside the folder are followed; a dangling one points at nothing.
  symlinkSync(join(dir, 'docs', 'card.md'), join(dir, 'docs', 'card-alias.md'))
  symlinkSync('folder', join(dir, 'docs', 'folder-alias'))
  symlinkSync(join(dir, 'docs', 'gone.md'), join(dir, 'docs', 'dangling.md'))
  // A FIFO: opening it for reading would block until a writer came, were it not refused first.
  execFileSync('mkfifo', [join(dir, 'docs', 'pipe')])
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('hashEvidence', () => {
  it('hashes every item and returns them sorted by id', async () => {
    const progress: [number, number][] = []
    const out = await hashEvidence(
      manifest([
        item('risk-register', 'docs/risk.md', { partial: true }),
        item('model-card', './docs/card.md', { assessedBy: 'third-party' }),
      ]),
      dir,
      { onProgress: (done, total) => progress.push([done, total]) },
    )
    expect(out).toEqual([
      {
        id: 'model-card',
        path: './docs/card.md',
        type: 'other',
        title: 'model-card',
        sha256: sha('model card\n'),
        size: 11,
        supports: ['eu-ai-act:art-9'],
        partial: false,
        assessedBy: 'third-party',
      },
      {
        id: 'risk-register',
        path: 'docs/risk.md',
        type: 'other',
        title: 'risk-register',
        sha256: sha('risk register\n'),
        size: 14,
        supports: ['eu-ai-act:art-9'],
        partial: true,
        assessedBy: 'self',
      },
    ])
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ])
  })

  for (const concurrency of [undefined, 2]) {
    it(`follows links inside the folder and refuses FIFOs (concurrency ${concurrency})`, async () => {
      const evidence = manifest([item('alias', 'docs/card-alias.md')])
      const hashed = await hashEvidence(evidence, dir, concurrency ? { concurrency } : {})
      expect(hashed).toMatchObject([
        { id: 'alias', path: 'docs/card-alias.md', sha256: sha('model card\n'), size: 11 },
      ])
      let err: unknown
      try {
        await hashEvidence(
          manifest([
            item('pipe', 'docs/pipe'),
            item('dir-alias', 'docs/folder-alias'),
            item('dangling', 'docs/dangling.md'),
            item('outside', 'docs/link.md'),
          ]),
          dir,
          concurrency ? { concurrency } : {},
        )
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(EvidenceError)
      expect((err as EvidenceError).issues.map((i) => [i.code, i.message])).toEqual([
        [
          'ERR_EVIDENCE_UNREADABLE',
          'evidence "pipe" (evidence[0].path "docs/pipe") is not a regular file',
        ],
        [
          'ERR_EVIDENCE_UNREADABLE',
          'evidence "dir-alias" (evidence[1].path "docs/folder-alias") is a directory',
        ],
        [
          'ERR_EVIDENCE_NOT_FOUND',
          'evidence "dangling" (evidence[2].path "docs/dangling.md") does not exist',
        ],
        [
          'ERR_EVIDENCE_OUTSIDE_ROOT',
          expect.stringMatching(/^evidence "outside" .* through a symbolic link/),
        ],
      ])
    })
  }

  it('returns nothing when there is no evidence', async () => {
    expect(await hashEvidence(manifest([]), dir)).toEqual([])
  })

  const single: { name: string; path: string; code: string; says: RegExp }[] = [
    {
      name: 'missing file',
      path: 'docs/nope.md',
      code: 'ERR_EVIDENCE_NOT_FOUND',
      says: /does not exist/,
    },
    { name: 'empty file', path: 'docs/empty.md', code: 'ERR_EVIDENCE_EMPTY', says: /is empty/ },
    {
      name: 'directory',
      path: 'docs/folder',
      code: 'ERR_EVIDENCE_UNREADABLE',
      says: /is a directory/,
    },
    {
      name: 'path outside the folder',
      path: '../outside.md',
      code: 'ERR_EVIDENCE_OUTSIDE_ROOT',
      says: /outside the manifest's folder/,
    },
  ]
  single.push(
    {
      name: 'symbolic link leading outside',
      path: 'docs/link.md',
      code: 'ERR_EVIDENCE_OUTSIDE_ROOT',
      says: /symbolic link/,
    },
    {
      name: 'absolute path',
      path: '/etc/hostname',
      code: 'ERR_EVIDENCE_OUTSIDE_ROOT',
      says: /outside the manifest's folder/,
    },
  )
  for (const c of single) {
    it(`fails with ${c.code} for a ${c.name}`, async () => {
      const err = await failure([item('ok', 'docs/risk.md'), item('bad', c.path)])
      expect(err.code).toBe(c.code)
      expect(err.issues).toHaveLength(1)
      expect(err.issues[0]).toMatchObject({ code: c.code, path: ['evidence', 1, 'path'] })
      expect(err.message).toMatch(c.says)
      expect(err.message).toContain(`evidence "bad" (evidence[1].path "${c.path}")`)
      expect(err.issues[0]?.hint).toBeTruthy()
    })
  }

  it('collects every problem into one error, in manifest order', async () => {
    const err = await failure([
      item('a-empty', 'docs/empty.md'),
      item('b-ok', 'docs/card.md'),
      item('c-missing', 'docs/nope.md'),
      item('d-outside', '../outside.md'),
      item('e-dir', 'docs/folder'),
    ])
    expect(err.code).toBe('ERR_EVIDENCE_EMPTY')
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([
      ['ERR_EVIDENCE_EMPTY', ['evidence', 0, 'path']],
      ['ERR_EVIDENCE_NOT_FOUND', ['evidence', 2, 'path']],
      ['ERR_EVIDENCE_OUTSIDE_ROOT', ['evidence', 3, 'path']],
      ['ERR_EVIDENCE_UNREADABLE', ['evidence', 4, 'path']],
    ])
    // The message counts them; each is listed once, in the issues.
    expect(err.message).toBe('4 evidence files have problems')
    const ids = ['a-empty', 'c-missing', 'd-outside', 'e-dir']
    err.issues.forEach((issue, k) => expect(issue.message).toContain(`"${ids[k]}"`))
  })

  it('names the manifest file and the line and column of each path when given the source', async () => {
    const evidence = [item('ok', 'docs/card.md'), item('gone', 'docs/nope.md')]
    // The manifest as a YAML text, the evidence list last: the line of each `path:` is known.
    const text = [
      'apiVersion: accord.dev/v1',
      'evidence:',
      '  - id: ok',
      '    path: docs/card.md',
      '  - id: gone',
      '    path: docs/nope.md',
      '',
    ].join('\n')
    let err: EvidenceError | undefined
    try {
      await hashEvidence(manifest(evidence), dir, { source: { file: 'sys/accord.yaml', text } })
    } catch (e) {
      err = e as EvidenceError
    }
    expect(err).toBeInstanceOf(EvidenceError)
    expect(err?.message).toBe(
      'sys/accord.yaml: evidence "gone" (evidence[1].path "docs/nope.md") does not exist',
    )
    expect(err?.issues).toMatchObject([
      { code: 'ERR_EVIDENCE_NOT_FOUND', file: 'sys/accord.yaml', line: 6, column: 11 },
    ])
  })
})
