/**
 * `accord init`: writes a starter manifest that the other commands read at once (with a warning
 * for each placeholder), never over an existing file without --force, and refuses bad answers
 * (exit 2) before writing anything.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../tmp.js'
import { ROOT, run } from '../helpers.js'

const freshDir = () => tempDir('accord-init-')

const ANSWERS = ['--name', 'Sentinel', '--provider', 'Acme Vision Ltd', '--country', 'US']

describe('accord init', () => {
  it('writes a starter manifest that classify and assess read, warning about each placeholder', async () => {
    const dir = path.join(freshDir(), 'new-system')
    const r = await run([
      'init',
      dir,
      ...ANSWERS,
      '--use-case',
      'law-enforcement-profiling',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const file = path.join(dir, 'accord.yaml')
    const out = r.json()
    expect(path.resolve(out.manifest)).toBe(file)
    expect(out.placeholders).toBe(6)
    // The yes/no answers written as a start, named for the vendor to check.
    expect(out.toCheck).toEqual({
      'deployment.publicBody': false,
      'classification.outputUsedInEu': true,
      'classification.placedOnEuMarket': true,
      'classification.exclusivelyMilitaryDefenceNationalSecurity': false,
      'classification.profilesNaturalPersons': true,
      'classification.interactsWithNaturalPersons': false,
      'classification.generatesSyntheticContent': [],
    })
    const text = readFileSync(file, 'utf8')
    // The editor's schema reference resolves from the manifest's folder to the package's schema.
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${out.schema}`)
    expect(path.resolve(dir, out.schema)).toBe(path.join(ROOT, 'schema', 'manifest.v1.schema.json'))
    expect(existsSync(path.resolve(dir, out.schema))).toBe(true)

    const c = await run(['classify', file, '--json', '--as-of', '2028-01-01'])
    expect(c.code, c.stderr).toBe(0)
    expect(c.json().euAiAct).toMatchObject({ category: 'high-risk' })
    expect(c.json().euAiAct.citations).toEqual(['Art. 6(2)', 'Annex III 6(e)'])
    const warnings = c.stderr.split('\n').filter((l) => l.startsWith('warning:'))
    expect(warnings).toHaveLength(6)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*system\\.intendedPurpose \\[placeholder_text\\]$`,
      ),
    )

    const a = await run(['assess', file, '--json', '--as-of', '2028-01-01'])
    expect(a.code).toBe(1) // gaps: no evidence yet
    const { assessment } = a.json()
    expect(assessment.gaps).toBeGreaterThan(0)
    expect(assessment.evidence).toEqual([])
  })

  it('says what to run next in text mode', async () => {
    const dir = freshDir()
    const r = await run(['init', dir, ...ANSWERS])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^wrote .*accord\.yaml \(6 placeholders to replace/)
    expect(r.stdout).toContain(
      'check these answers, written as a start:\n  deployment.publicBody: false\n  classification.outputUsedInEu: true\n',
    )
    expect(r.stdout).toContain('accord classify ')
    expect(r.stdout).toContain('accord assess ')
  })

  it('never replaces an existing file without --force, and writes nothing else', async () => {
    const dir = freshDir()
    const file = path.join(dir, 'accord.yaml')
    writeFileSync(file, 'mine\n')
    const r = await run(['init', dir, ...ANSWERS, '--json'])
    expect(r.code).toBe(5)
    expect(r.json().error.code).toBe('ERR_DOCUMENT_EXISTS')
    expect(r.json().error.message).toContain(file)
    expect(readFileSync(file, 'utf8')).toBe('mine\n')
    expect(readdirSync(dir)).toEqual(['accord.yaml'])

    const f = await run(['init', dir, ...ANSWERS, '--force'])
    expect(f.code, f.stderr).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('name: Sentinel')
    expect(readdirSync(dir)).toEqual(['accord.yaml'])
  })

  it('writes another file name with --file', async () => {
    const dir = freshDir()
    const r = await run(['init', dir, ...ANSWERS, '--file', 'sentinel.yml'])
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(dir)).toEqual(['sentinel.yml'])
  })

  it.each([
    [['--country', 'UK'], /--country "UK" is not a country code: did you mean `GB`\?/],
    [
      ['--use-case', 'law-enforcment-profiling'],
      /--use-case "law-enforcment-profiling" is not known \(did you mean "law-enforcement-profiling"\?\)/,
    ],
    [
      ['--role', 'provider,importr'],
      /--role "importr" is not known \(did you mean "importer"\?\); choose from: provider, deployer/,
    ],
    [['--file', 'sub/accord.yaml'], /--file "sub\/accord.yaml" must be a file name/],
    [['--file', 'accord.json'], /the starter manifest is YAML/],
  ])('refuses %j before writing anything (exit 2)', async (extra, message) => {
    const dir = freshDir()
    const r = await run(['init', dir, ...ANSWERS, ...extra])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(readdirSync(dir)).toEqual([])
  })

  it('needs the name, the provider and its country', async () => {
    const dir = freshDir()
    const r = await run(['init', dir, '--name', 'X'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("required option '--provider <name>' not specified")
    expect(readdirSync(dir)).toEqual([])
  })
})
