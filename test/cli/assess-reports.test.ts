/**
 * `accord assess --sarif FILE --junit FILE` on a bundled example: both reports match their golden
 * files (the tool version normalised); the SARIF log is valid against the SARIF 2.1.0 JSON schema
 * (checked by Debian's python3-jsonschema, not by our code; skipped without it unless
 * ACCORD_REQUIRE_INDEPENDENT=1, as CI sets); the JUnit XML, read by python3's
 * xml.etree, has the counts `--json` gives; stdout and the exit code are those of a run without
 * the options, with and without --json; a result points at the manifest line of the evidence it
 * is about, and keeps its fingerprint when the line moves. A report path that cannot be written is
 * a coded error naming it, exit 5, and no report is written; nor is one when the assessment fails.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseJunit } from '../core/assess/junit-parse.js'
import { manifestUri } from '../../src/cli/commands/assess.js'
import { copyExample, editManifest, ROOT, run } from './helpers.js'
import { tempDir } from '../tmp.js'
import { pythonWith } from '../independent/python.js'

const PYTHON = pythonWith(['jsonschema'])
if (PYTHON === undefined) {
  console.warn('\n*** SKIPPING the SARIF schema checks: no python3 with jsonschema. ***\n')
}
const GOLDEN = path.join(ROOT, 'test', 'golden', 'assess')
const MANIFEST = 'examples/border-biometrics/accord.yaml'
const AS_OF = '2026-11-21'

/**
 * The SARIF 2.1.0 schema: no npm package ships the OASIS file `sarif-schema-2.1.0.json`;
 * @microsoft/jest-sarif ships `sarif-2.1.0-rtm.5.json`, the release candidate the standard was
 * approved from. The standard's schema (errata01) differs from it in descriptions, a `type` next to
 * each string enum, the `language` pattern, `runs` allowing null, and one constraint: a region
 * must have `startLine`, `charOffset` or `byteOffset`. The validator adds that constraint.
 */
const SCHEMA = createRequire(import.meta.url).resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
)

const VALIDATOR = `
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
assert schema['$schema'] == 'http://json-schema.org/draft-04/schema#'
schema['definitions']['region']['anyOf'] = [
  {'required': ['startLine']}, {'required': ['charOffset']}, {'required': ['byteOffset']}]
log = json.load(sys.stdin)
v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
print(json.dumps(sorted('/'.join(map(str, e.absolute_path)) + ': ' + e.message for e in v.iter_errors(log))))
`

/** The schema errors of a SARIF log (an empty list when it is valid). */
function sarifErrors(log: unknown): string[] {
  return JSON.parse(
    execFileSync(PYTHON as string, ['-c', VALIDATOR, SCHEMA], {
      input: JSON.stringify(log),
      encoding: 'utf8',
    }),
  )
}

/** Compares with a golden file; `UPDATE_GOLDENS=1` rewrites it (review the diff). */
function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name)
  if (process.env.UPDATE_GOLDENS === '1') writeFileSync(file, actual)
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

let dir: string
let plain: { code: number; stdout: string }
let json: { code: number; stdout: string }
let reports: { code: number; stdout: string; stderr: string }
let sarifText: string
let junitText: string

beforeAll(async () => {
  // The manifest's URI in the log is relative to the working directory: the repository root.
  expect(process.cwd()).toBe(ROOT)
  dir = tempDir('accord-ci-reports-')
  const args = ['assess', MANIFEST, '--as-of', AS_OF, '--fail-on', 'upcoming']
  plain = await run(args)
  json = await run([...args, '--json'])
  reports = await run([
    ...args,
    '--sarif',
    path.join(dir, 'out', 'assess.sarif'),
    '--junit',
    path.join(dir, 'out', 'junit.xml'),
  ])
  sarifText = readFileSync(path.join(dir, 'out', 'assess.sarif'), 'utf8')
  junitText = readFileSync(path.join(dir, 'out', 'junit.xml'), 'utf8')
}, 60_000)

describe('accord assess --sarif --junit', () => {
  it('prints what it prints without them and exits the same', async () => {
    expect(plain.code).toBe(1)
    expect(reports.code).toBe(plain.code)
    expect(reports.stdout).toBe(plain.stdout)
    const withJson = await run([
      'assess',
      MANIFEST,
      '--as-of',
      AS_OF,
      '--fail-on',
      'upcoming',
      '--json',
      '--sarif',
      path.join(dir, 'json', 'assess.sarif'),
      '--junit',
      path.join(dir, 'json', 'junit.xml'),
    ])
    expect(withJson.code).toBe(json.code)
    expect(withJson.stdout).toBe(json.stdout)
    expect(readFileSync(path.join(dir, 'json', 'assess.sarif'), 'utf8')).toBe(sarifText)
    expect(readFileSync(path.join(dir, 'json', 'junit.xml'), 'utf8')).toBe(junitText)
  })

  it('writes the SARIF log of the golden file', () => {
    const log = JSON.parse(sarifText)
    expect(log.runs[0].tool.driver.version).toMatch(/^\d+\.\d+\.\d+/)
    log.runs[0].tool.driver.version = 'VERSION'
    log.runs[0].tool.driver.semanticVersion = 'VERSION'
    golden('border-biometrics.sarif.json', JSON.stringify(log, null, 2) + '\n')
  })

  it('writes the JUnit XML of the golden file', () => {
    golden('border-biometrics.junit.xml', junitText)
  })

  it.skipIf(PYTHON === undefined)('writes a log valid against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(sarifText)
    expect(sarifErrors(log)).toEqual([])
    // The validator does find errors: a level SARIF does not have, a result without message.
    const broken = structuredClone(log)
    broken.runs[0].results[0].level = 'fatal'
    delete broken.runs[0].results[1].message
    broken.runs[0].results[2].locations[0].physicalLocation.region = { startColumn: 3 }
    const errors = sarifErrors(broken)
    expect(errors).toHaveLength(3)
    expect(errors.join('\n')).toContain('runs/0/results/0/level')
    expect(errors.join('\n')).toContain("'message' is a required property")
    expect(errors.join('\n')).toContain('runs/0/results/2/locations/0/physicalLocation/region')
  })

  it('has one result per gap, with the counts of --json', () => {
    const log = JSON.parse(sarifText)
    const assessment = JSON.parse(json.stdout).assessment
    const results: Json[] = log.runs[0].results
    const gaps = assessment.obligations.filter(
      (o: Json) => o.status === 'partial' || o.status === 'missing',
    )
    expect(results.map((r) => r.ruleId)).toEqual(gaps.map((o: Json) => o.id))
    const levels = (level: string) => results.filter((r) => r.level === level).length
    const upcoming = gaps.filter((o: Json) => o.inForce === false)
    expect(upcoming.length).toBe(assessment.gapsUpcoming)
    // Law: missing error, partial warning; a voluntary framework one level down; upcoming note.
    const binding = new Set(
      assessment.frameworks.filter((f: Json) => f.binding).map((f: Json) => f.framework),
    )
    const now = gaps.filter((o: Json) => o.inForce !== false)
    const count = (law: boolean, status: string) =>
      now.filter((o: Json) => binding.has(o.framework) === law && o.status === status).length
    expect(levels('error')).toBe(count(true, 'missing'))
    expect(levels('warning')).toBe(count(true, 'partial') + count(false, 'missing'))
    expect(levels('note')).toBe(upcoming.length + count(false, 'partial'))
    expect(count(false, 'missing') + count(false, 'partial')).toBeGreaterThan(0)
    expect(levels('error') + levels('warning') + levels('note')).toBe(results.length)
    expect(results.length).toBe(
      assessment.frameworks.reduce((n: number, f: Json) => n + f.gaps + f.gapsUpcoming, 0),
    )
    expect(log.runs[0].artifacts[0]).toMatchObject({
      location: { uri: MANIFEST, uriBaseId: '%SRCROOT%' },
      hashes: { 'sha-256': assessment.manifestSha256 },
    })
  })

  it('writes JUnit XML whose counts are those of --json', () => {
    const doc = parseJunit(junitText)
    const assessment = JSON.parse(json.stdout).assessment
    expect(doc.suites.map((s: Json) => s.attrs.name)).toEqual(
      assessment.frameworks.map((f: Json) => f.framework),
    )
    for (const [i, f] of assessment.frameworks.entries()) {
      const suite = doc.suites[i]
      const kinds = (k: string) => suite.cases.filter((c: Json) => c.kind === k).length
      expect(suite.attrs).toMatchObject({
        tests: String(f.total),
        failures: String(f.gaps),
        errors: '0',
        skipped: String(f.notApplicable + f.gapsUpcoming),
      })
      expect(suite.cases).toHaveLength(f.total)
      expect(kinds('failure')).toBe(f.gaps)
      expect(kinds('skipped')).toBe(f.notApplicable + f.gapsUpcoming)
      expect(kinds('passed')).toBe(f.met + f.partial + f.missing - f.gaps - f.gapsUpcoming)
    }
    const sum = (k: string) => doc.suites.reduce((n: number, s: Json) => n + Number(s.attrs[k]), 0)
    expect(doc.attrs).toMatchObject({
      tests: String(sum('tests')),
      failures: String(sum('failures')),
      skipped: String(sum('skipped')),
    })
    // Only failures of voluntary NIST entries: no EU AI Act gap is in force on this date.
    expect(assessment.gaps).toBe(0)
    expect(doc.suites[0].attrs.failures).toBe('0')
  })

  it('points a result at the manifest line of its evidence and keeps its fingerprint as it moves', async () => {
    const manifest = copyExample('border-biometrics')
    const cwdRelative = path.relative(ROOT, manifest)
    const sarifOf = async (out: string) => {
      const r = await run([
        'assess',
        manifest,
        '--as-of',
        AS_OF,
        '--sarif',
        path.join(path.dirname(manifest), out),
      ])
      expect(r.stderr).toBe('')
      return JSON.parse(readFileSync(path.join(path.dirname(manifest), out), 'utf8')).runs[0]
    }
    const before = await sarifOf('before.sarif')
    const lines = readFileSync(manifest, 'utf8').split('\n')
    // Each result points at an evidence item its message names, or at a manifest field's name
    // (`evidence:` where evidence is to be added, or a field that documents the obligation).
    const at = { evidence: 0, field: 0 }
    for (const r of before.results) {
      const line = lines[r.locations[0].physicalLocation.region.startLine - 1] as string
      const item = /^\s*- id: (\S+)$/.exec(line)
      if (item) {
        expect(r.message.text).toContain(`evidence ${item[1]}`)
        at.evidence++
      } else {
        expect(line).toMatch(/^\s*[A-Za-z]+:/)
        at.field++
      }
    }
    expect(at.evidence).toBeGreaterThan(10)
    expect(at.field).toBeGreaterThan(10)
    const partial = before.results.find((r: Json) => r.ruleId === 'eu-ai-act:art-25.4')
    expect(partial.message.text).toContain('Described in the manifest (models)')
    expect(lines[partial.locations[0].physicalLocation.region.startLine - 1]).toBe('models:')
    // Outside the working directory: an absolute file URI; inside: relative to it.
    expect(before.artifacts[0].location.uri).toBe(
      cwdRelative.startsWith('..') ? `file://${manifest}` : cwdRelative.split(path.sep).join('/'),
    )

    editManifest(manifest, (text) => `# moved down\n# by two lines\n${text}`)
    const after = await sarifOf('after.sarif')
    expect(after.results.map((r: Json) => r.partialFingerprints)).toEqual(
      before.results.map((r: Json) => r.partialFingerprints),
    )
    expect(
      after.results.map((r: Json) => r.locations[0].physicalLocation.region.startLine),
    ).toEqual(before.results.map((r: Json) => r.locations[0].physicalLocation.region.startLine + 2))
  })

  it('adds met and not-applicable obligations with --all', async () => {
    const file = path.join(dir, 'all.sarif')
    const r = await run(['assess', MANIFEST, '--as-of', AS_OF, '--all', '--sarif', file])
    expect(r.code).toBe(0)
    const log = JSON.parse(readFileSync(file, 'utf8'))
    if (PYTHON !== undefined) expect(sarifErrors(log)).toEqual([])
    const assessment = JSON.parse(json.stdout).assessment
    const results: Json[] = log.runs[0].results
    expect(results).toHaveLength(assessment.obligations.length)
    const count = (kind: string) => results.filter((x) => x.kind === kind).length
    const status = (s: string) => assessment.obligations.filter((o: Json) => o.status === s).length
    expect(count('pass')).toBe(status('met'))
    expect(count('notApplicable')).toBe(status('not-applicable'))
    for (const x of results) if (x.kind !== 'fail') expect(x.level).toBe('none')
  })
})

describe('manifestUri', () => {
  it('is relative to the working directory, percent-encoded, or an absolute file URI outside it', () => {
    expect(manifestUri('/repo/systems/a b/accord.yaml', '/repo')).toBe('systems/a%20b/accord.yaml')
    expect(manifestUri('sys/#1/accord.yaml', '/repo')).toBe('sys/%231/accord.yaml')
    expect(manifestUri('/elsewhere/accord.yaml', '/repo')).toBe('file:///elsewhere/accord.yaml')
    expect(manifestUri('/repo', '/repo')).toBe('file:///repo')
  })
})

describe('accord assess reports for a prohibited practice', () => {
  it('are written, the practice first, and the exit code stays 1', async () => {
    const manifest = copyExample('police-analytics')
    editManifest(manifest, (t) => t.replace('- evidence-reliability', '- social-scoring'))
    const sarif = path.join(path.dirname(manifest), 'a.sarif')
    const junit = path.join(path.dirname(manifest), 'j.xml')
    const r = await run(['assess', manifest, '--sarif', sarif, '--junit', junit])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('PROHIBITED PRACTICE')
    const log = JSON.parse(readFileSync(sarif, 'utf8'))
    expect(log.runs[0].properties.euAiActCategory).toBe('prohibited')
    if (PYTHON !== undefined) expect(sarifErrors(log)).toEqual([])
    // The practice is the first result, an error, at the use cases that make it.
    const first = log.runs[0].results[0]
    expect([first.ruleId, first.level]).toEqual(['eu-ai-act:art-5.1.c', 'error'])
    expect(first.message.text).toMatch(/^Art\. 5\(1\)\(c\) Social scoring.*: prohibited practice\./)
    const lines = readFileSync(manifest, 'utf8').split('\n')
    expect(lines[first.locations[0].physicalLocation.region.startLine - 1]).toMatch(/^\s+useCases:/)
    expect(log.runs[0].tool.driver.rules[first.ruleIndex].shortDescription.text).toMatch(
      /^Social scoring/,
    )
    // And the first test case of the EU AI Act suite, failing.
    const eu = parseJunit(readFileSync(junit, 'utf8')).suites[0]
    expect(eu.attrs.name).toBe('eu-ai-act')
    expect(eu.cases[0]).toMatchObject({ kind: 'failure', type: 'prohibited' })
    expect(eu.cases[0].name).toMatch(/^eu-ai-act:art-5\.1\.c Social scoring/)
  })
})

describe('accord assess reports that cannot be written', () => {
  it('fails with a coded error naming the file, exit 5, and writes no report', async () => {
    const base = tempDir('accord-ci-unwritable-')
    writeFileSync(path.join(base, 'a-file'), 'not a directory\n')
    // The SARIF path is fine, the JUnit one is not: neither is written.
    const sarif = path.join(base, 'ok', 'deep', 'assess.sarif')
    const junit = path.join(base, 'a-file', 'junit.xml')
    const args = ['assess', MANIFEST, '--as-of', AS_OF, '--sarif', sarif, '--junit', junit]
    const r = await run(args)
    expect(r.code).toBe(5)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('ERR_DOCUMENT_WRITE')
    expect(r.stderr).toContain(`could not write ${junit}`)
    expect(existsSync(sarif)).toBe(false)
    // The folders the check made for the SARIF file are gone again: nothing is left behind.
    expect(readdirSync(base)).toEqual(['a-file'])

    const j = await run([...args, '--json'])
    expect(j.code).toBe(5)
    const error = JSON.parse(j.stdout).error
    expect(error.code).toBe('ERR_DOCUMENT_WRITE')
    expect(error.message).toContain(junit)
    expect(existsSync(sarif)).toBe(false)

    // A directory is no file to write either.
    mkdirSync(path.join(base, 'a-dir'))
    const d = await run(['assess', MANIFEST, '--as-of', AS_OF, '--junit', path.join(base, 'a-dir')])
    expect(d.code).toBe(5)
    expect(d.stderr).toContain(`could not write ${path.join(base, 'a-dir')}: it is a directory`)
  })

  it('writes nothing when the assessment fails, and refuses one file for both', async () => {
    const manifest = copyExample('border-biometrics')
    editManifest(manifest, (text) => text.replace(/^system:/m, 'sistem:'))
    const out = path.join(path.dirname(manifest), 'reports')
    const r = await run([
      'assess',
      manifest,
      '--sarif',
      path.join(out, 'a.sarif'),
      '--junit',
      path.join(out, 'j.xml'),
    ])
    expect(r.code).toBe(3)
    expect(existsSync(out)).toBe(false)

    const same = await run(['assess', MANIFEST, '--sarif', 'x.out', '--junit', './x.out'])
    expect(same.code).toBe(2)
    expect(same.stderr).toContain('--sarif and --junit name the same file')
    expect(existsSync(path.join(ROOT, 'x.out'))).toBe(false)
  })
})
