import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { EXIT, EXIT_MEANING } from '../../src/core/errors.js'
import { copyExample, editManifest, EXAMPLES, ROOT, run, runProcess } from './helpers.js'
import { BORDER_LEGACY_HIGH_RISK } from '../fixtures/legacy.js'
import { tempDir } from '../tmp.js'

const police = path.join(EXAMPLES, 'police-analytics', 'accord.yaml')
const border = path.join(EXAMPLES, 'border-biometrics', 'accord.yaml')
const chatbot = path.join(EXAMPLES, 'public-chatbot', 'accord.yaml')
const tmp = () => tempDir('accord-cli-')

describe('accord classify (examples)', () => {
  it('police analytics over intercepted communications: high-risk via Annex III 6(c) and 6(e)', async () => {
    const r = await run(['classify', police, '--json'])
    expect(r.code).toBe(0)
    const eu = r.json().euAiAct
    expect(eu.category).toBe('high-risk')
    expect(eu.citations).toEqual(
      expect.arrayContaining(['Art. 6(2)', 'Annex III 6(c)', 'Annex III 6(e)']),
    )
    expect(eu.citations).not.toContain('Art. 5(1)(d)')
    expect(eu.gpai).toBeNull()
    expect(eu.facts).toContain('provider:third-country')
    // a third-country provider must appoint an authorised representative (Art. 22)
    const ids = [...eu.obligations, ...eu.upcoming].map((o: { id: string }) => o.id)
    expect(ids).toContain('eu-ai-act:art-22.1')
    expect(ids).toContain('eu-ai-act:art-9')
  })

  it('border biometrics: high-risk via Annex III 1(a) and 7(d), travel-document check excluded', async () => {
    const r = await run(['classify', border, '--json'])
    expect(r.code).toBe(0)
    const eu = r.json().euAiAct
    expect(eu.category).toBe('high-risk')
    expect(eu.citations).toEqual(
      expect.arrayContaining(['Art. 6(2)', 'Annex III 1(a)', 'Annex III 7(d)']),
    )
    expect(eu.citations).not.toContain('Art. 5(1)(h)')
    const trace = JSON.stringify(eu.trace)
    expect(trace).toMatch(/travel/i)
    // Placed on the market on 2026-11-02, before 2 Dec 2027, for public authorities: Art. 111(2).
    expect(eu.legacy.highRisk).toEqual(BORDER_LEGACY_HIGH_RISK)
    const text = await run(['classify', border])
    expect(text.stdout).toContain(
      'legacy:      Art. 111(2): placed on the market on 2026-11-02, before 2027-12-02, the system is a legacy system; its high-risk obligations apply from 2030-08-02',
    )
  })

  it('public-service chatbot on a third-party LLM: transparency, Art. 50(1) and 50(2), not GPAI', async () => {
    const r = await run(['classify', chatbot, '--json'])
    expect(r.code).toBe(0)
    const eu = r.json().euAiAct
    expect(eu.category).toBe('transparency')
    expect(eu.citations).toEqual(expect.arrayContaining(['Art. 50(1)', 'Art. 50(2)']))
    expect(eu.gpai).toBeNull()
  })

  it('--as-of picks the law version and the dates of application', async () => {
    const before = (await run(['classify', police, '--json', '--as-of', '2026-07-01'])).json()
      .euAiAct
    const after = (await run(['classify', police, '--json', '--as-of', '2026-11-21'])).json()
      .euAiAct
    const later = (await run(['classify', police, '--json', '--as-of', '2030-08-02'])).json()
      .euAiAct
    expect(before.lawVersion.id).toBe('original')
    expect(after.lawVersion.id).toBe('amended-2026-1744')
    const art9 = (eu: {
      obligations: { id: string; appliesFrom: string }[]
      upcoming: { id: string; appliesFrom: string }[]
    }) => [...eu.obligations, ...eu.upcoming].find((o) => o.id === 'eu-ai-act:art-9')
    expect(art9(before)?.appliesFrom).toBe('2026-08-02')
    // Placed on 2027-06-01, before 2 Dec 2027, for a police force: Art. 111(2) dates its
    // high-risk obligations at 2 Aug 2030 (under the original text it was not a legacy system).
    expect(before.legacy.highRisk).toBeNull()
    expect(art9(after)?.appliesFrom).toBe('2030-08-02')
    expect(after.upcoming.map((o: { id: string }) => o.id)).toContain('eu-ai-act:art-9')
    expect(later.obligations.map((o: { id: string }) => o.id)).toContain('eu-ai-act:art-9')
  })

  it('prints a readable summary without --json', async () => {
    const r = await run(['classify', chatbot])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('category:    transparency')
    expect(r.stdout).toContain('Art. 50(1)')
  })
})

describe('accord assess', () => {
  it('reports gaps with exit 1 for in-force gaps, and 0 with --fail-on never', async () => {
    const r = await run(['assess', chatbot, '--json'])
    const a = r.json().assessment
    expect(a.frameworks.map((f: { framework: string }) => f.framework)).toEqual([
      'eu-ai-act',
      'nist-ai-rmf',
    ])
    expect(r.code).toBe(a.gaps > 0 ? 1 : 0)
    const never = await run(['assess', chatbot, '--fail-on', 'never'])
    expect(never.code).toBe(0)
    expect(never.stdout).toMatch(/readiness|ready/i)
  })

  it('hashes evidence with SHA-256 equal to openssl', async () => {
    const a = (await run(['assess', chatbot, '--json'])).json().assessment
    const first = a.evidence[0]
    const file = path.join(EXAMPLES, 'public-chatbot', first.path)
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-r', file], { encoding: 'utf8' })
    expect(openssl.split(' ')[0]).toBe(first.sha256)
  })

  it('--json lists the evidence of each obligation by route, ids from the evidence table', async () => {
    const r = await run(['assess', police, '--json', '--as-of', '2027-12-02'])
    const a = r.json().assessment
    const ids = new Set(a.evidence.map((e: { id: string }) => e.id))
    const routes = a.obligations.flatMap(
      (o: { evidence: { via: unknown; evidenceIds: string[] }[] }) => o.evidence,
    )
    expect(routes.length).toBeGreaterThan(0)
    for (const route of routes) {
      expect(route.via === 'direct' || typeof route.via === 'object').toBe(true)
      expect(route.evidenceIds.length).toBeGreaterThan(0)
      for (const id of route.evidenceIds) expect(ids.has(id)).toBe(true)
    }
    expect(r.stdout.startsWith('{\n  "classification": {')).toBe(true)
  })

  it('counts one piece of evidence for a mapped NIST subcategory through the crosswalk', async () => {
    const a = (await run(['assess', police, '--json'])).json().assessment
    const viaCrosswalk = a.obligations.filter(
      (o: { framework: string; evidence: { via: unknown }[] }) =>
        o.framework === 'nist-ai-rmf' && o.evidence.some((e) => typeof e.via === 'object'),
    )
    expect(viaCrosswalk.length).toBeGreaterThan(0)
  })
})

describe('accord docs', () => {
  it('writes all documents, deterministically', async () => {
    const a = tmp()
    const b = tmp()
    const r1 = await run(['docs', police, '--out', a, '--as-of', '2027-12-02'])
    const r2 = await run(['docs', police, '--out', b, '--as-of', '2027-12-02', '--json'])
    expect(r1.code).toBe(0)
    expect(r2.code).toBe(0)
    const files = readdirSync(a).sort()
    expect(files).toEqual(
      expect.arrayContaining([
        'annex-iv-technical-documentation.md',
        'annex-iv-technical-documentation.html',
        'eu-declaration-of-conformity.md',
        'eu-declaration-of-conformity.html',
        'nist-ai-rmf-profile.md',
        'nist-ai-rmf-profile.html',
        'classification-report.md',
        'classification-report.html',
        'index.html',
      ]),
    )
    for (const f of files)
      expect(readFileSync(path.join(b, f))).toEqual(readFileSync(path.join(a, f)))
    expect(r2.json().files.length).toBe(files.length)
    const annex = readFileSync(path.join(a, 'annex-iv-technical-documentation.md'), 'utf8')
    for (let p = 1; p <= 9; p++) expect(annex).toContain(`Annex IV ${p}`)
  })

  it('requires --out (exit 2)', async () => {
    const r = await run(['docs', police])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--out')
  })

  it('leaves nothing half-written when the output cannot be written (exit 5)', async () => {
    const dir = tmp()
    const blocker = path.join(dir, 'not-a-dir')
    writeFileSync(blocker, 'x')
    const r = await run(['docs', police, '--out', path.join(blocker, 'docs')])
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('ERR_DOCUMENT_WRITE')
    expect(readdirSync(dir)).toEqual(['not-a-dir'])
  })

  // Node's recursive mkdir never returns for these (procfs answers ENOENT to mkdir; so does a
  // dangling link), so the CLI runs in a child process that is killed on timeout: a regression
  // fails here instead of hanging the suite.
  it.skipIf(process.platform !== 'linux')(
    'fails fast (exit 5) for an --out folder that cannot be created: /proc/x, a dangling link',
    async () => {
      const dir = tmp()
      const dangling = path.join(dir, 'dangling')
      symlinkSync(path.join(dir, 'nowhere'), dangling)
      for (const out of ['/proc/x', '/proc/x/y', path.join(dangling, 'docs')]) {
        const r = await runProcess(['docs', police, '--out', out, '--json'], 30_000)
        expect(r.signal, `${out} hung`).toBeNull()
        expect(r.code, out).toBe(5)
        expect(JSON.parse(r.stdout).error).toMatchObject({
          code: 'ERR_DOCUMENT_WRITE',
          message: expect.stringContaining('cannot create directory'),
        })
      }
      expect(existsSync('/proc/x')).toBe(false)
      expect(readdirSync(dir)).toEqual(['dangling'])
    },
    40_000,
  )

  it('removes renditions an earlier run left in other formats, and nothing else', async () => {
    const out = tmp()
    // As if an earlier run had written PDF and DOCX too; notes.pdf is the user's own.
    for (const f of ['index.pdf', 'classification-report.docx', 'notes.pdf'])
      writeFileSync(path.join(out, f), 'earlier')
    const r = await run(['docs', police, '--out', out, '--as-of', '2027-12-02', '--json'])
    expect(r.code).toBe(0)
    expect(r.json().removed).toEqual(['classification-report.docx', 'index.pdf'])
    const files = readdirSync(out)
    expect(files).toContain('notes.pdf')
    expect(files).not.toContain('index.pdf')
    expect(files).not.toContain('classification-report.docx')
    expect(files.filter((f) => f.endsWith('.pdf') || f.endsWith('.docx'))).toEqual(['notes.pdf'])
  })
})

describe('bad input', () => {
  it('a missing manifest is an I/O error (exit 5)', async () => {
    const r = await run(['classify', path.join(tmp(), 'nope.yaml')])
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('ERR_MANIFEST_NOT_FOUND')
  })

  it('malformed YAML names the line (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) => t.replace('apiVersion: accord.dev/v1', 'apiVersion: [accord.dev/v1'))
    const r = await run(['classify', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('ERR_MANIFEST_PARSE')
    expect(r.stderr).toMatch(/accord\.yaml:\d+:\d+/)
  })

  it('malformed JSON says JSON, not YAML (exit 3)', async () => {
    const file = copyExample('public-chatbot').replace(/\.yaml$/, '.json')
    const data: unknown = parseYaml(readFileSync(file.replace(/\.json$/, '.yaml'), 'utf8'))
    writeFileSync(
      file,
      JSON.stringify(data, null, 2).replace('"accord.dev/v1",', '"accord.dev/v1"'),
    )
    const r = await run(['classify', file, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_MANIFEST_PARSE')
    expect(r.json().error.message).toContain('the manifest is not well-formed JSON')
    expect(r.json().error.issues[0]).toMatchObject({
      line: 3,
      column: 3,
      message: 'JSON syntax error: missing , between object items',
      hint: 'add a comma after the item before this one',
    })
  })

  it('a country code ISO 3166-1 does not assign names its place and the code meant (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) => t.replace(/^ {2}country: IE$/m, '  country: UK'))
    const r = await run(['classify', file, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_MANIFEST_INVALID')
    expect(r.json().error.issues).toEqual([
      expect.objectContaining({
        code: 'unknown_country',
        path: ['provider', 'country'],
        line: 49,
        column: 12,
        message: 'UK is not an ISO 3166-1 alpha-2 country code',
        hint: expect.stringContaining('did you mean `GB`?'),
      }),
    ])
  })

  it('bidi overrides in manifest text are refused with their place, and no document is written (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    // "Trojan Source": the name would display as "Harbourline Ltd elbatsurT" reversed.
    editManifest(file, (t) =>
      t.replace(
        '  name: Harbourline Civic Software Ltd',
        '  name: Harbourline \u202ECivic Software Ltd',
      ),
    )
    const out = path.join(tmp(), 'docs')
    const r = await run(['docs', file, '--out', out, '--json'])
    expect(r.code).toBe(3)
    expect(r.json().error.code).toBe('ERR_MANIFEST_INVALID')
    expect(r.json().error.issues).toEqual([
      expect.objectContaining({
        code: 'bidi_control',
        path: ['provider', 'name'],
        line: 48,
        column: 9,
        message: expect.stringContaining('U+202E RIGHT-TO-LEFT OVERRIDE at character 13'),
        hint: expect.stringContaining('delete the invisible U+202E'),
      }),
    ])
    expect(existsSync(out)).toBe(false)
    // The same through a JSON escape, which the raw text does not show.
    const json = file.replace(/\.yaml$/, '.json')
    const data = parseYaml(readFileSync(copyExample('public-chatbot'), 'utf8'))
    data.system.name = 'Ask \u2067Harbourline'
    writeFileSync(json, JSON.stringify(data, null, 2).replace('\u2067', '\\u2067'))
    expect(readFileSync(json, 'utf8')).toContain('"Ask \\u2067Harbourline"')
    const j = await run(['classify', json, '--json'])
    expect(j.code).toBe(3)
    expect(j.json().error.issues[0]).toMatchObject({
      code: 'bidi_control',
      path: ['system', 'name'],
      message: expect.stringContaining('not closed by U+2069'),
    })
  })

  it('Arabic and Hebrew names need no controls and pass into the documents unchanged', async () => {
    const file = copyExample('public-chatbot')
    const name = 'شركة هاربورلاين \u200Fלתוכנה\u200F Ltd'
    editManifest(file, (t) =>
      t.replace('  name: Harbourline Civic Software Ltd', `  name: "${name}"`),
    )
    const out = path.join(tmp(), 'docs')
    const r = await run(['docs', file, '--out', out, '--as-of', '2026-11-21'])
    expect(r.code).toBe(0)
    expect(readFileSync(path.join(out, 'annex-iv-technical-documentation.html'), 'utf8')).toContain(
      name,
    )
  })

  it('a misspelled field suggests the right one (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) => t.replace('intendedPurpose:', 'intendedPurpse:'))
    const r = await run(['classify', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('intendedPurpse')
    expect(r.stderr).toContain('intendedPurpose')
    expect(r.stderr).toMatch(/accord\.yaml:\d+:\d+/)
  })

  it('a wrong type says what was expected, with --json too', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) =>
      t.replace(/profilesNaturalPersons: (true|false)/, 'profilesNaturalPersons: maybe'),
    )
    const r = await run(['classify', file, '--json'])
    expect(r.code).toBe(3)
    const err = r.json().error
    expect(err.code).toBe('ERR_MANIFEST_INVALID')
    const issue = err.issues.find((i: { path: unknown[] }) =>
      i.path.includes('profilesNaturalPersons'),
    )
    expect(issue.message).toMatch(/expected true or false, found the string "maybe"/)
    expect(issue.line).toBeGreaterThan(0)
  })

  it('an unknown obligation id in evidence suggests the closest', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) => t.replace('eu-ai-act:art-50.1', 'eu-ai-act:art-50.1x'))
    const r = await run(['classify', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('eu-ai-act:art-50.1x')
    expect(r.stderr).toContain('did you mean')
  })

  it('a missing evidence file is named with its manifest field (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    const dir = path.dirname(file)
    const evidenceDir = path.join(dir, 'evidence')
    const victim = readdirSync(evidenceDir)[0] as string
    rmSync(path.join(evidenceDir, victim))
    const r = await run(['assess', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('ERR_EVIDENCE_NOT_FOUND')
    expect(r.stderr).toContain(victim)
  })

  it('problems of several kinds each keep their own fix (exit 3)', async () => {
    const file = copyExample('public-chatbot')
    const evidenceDir = path.join(path.dirname(file), 'evidence')
    const [gone, empty] = readdirSync(evidenceDir).sort() as [string, string]
    rmSync(path.join(evidenceDir, gone))
    writeFileSync(path.join(evidenceDir, empty), '')
    const r = await run(['assess', file])
    expect(r.code).toBe(3)
    // Each problem with the manifest's line, its code and its own fix; the closing line does not
    // repeat the first kind's fix as if it applied to all.
    expect(r.stderr).toMatch(/accord\.yaml:\d+:\d+: .* does not exist .*\[ERR_EVIDENCE_NOT_FOUND\]/)
    expect(r.stderr).toMatch(/accord\.yaml:\d+:\d+: .* is empty.*\[ERR_EVIDENCE_EMPTY\]/)
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('fix: as given under each problem above.')
  })

  it('an empty evidence file is rejected', async () => {
    const file = copyExample('public-chatbot')
    const evidenceDir = path.join(path.dirname(file), 'evidence')
    writeFileSync(path.join(evidenceDir, readdirSync(evidenceDir)[0] as string), '')
    const r = await run(['assess', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('ERR_EVIDENCE_EMPTY')
  })

  it('an evidence path outside the manifest folder is rejected', async () => {
    const file = copyExample('public-chatbot')
    editManifest(file, (t) => t.replace(/path: evidence\//, 'path: ../../etc/'))
    const r = await run(['assess', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/outside|ERR_EVIDENCE_OUTSIDE_ROOT/)
  })

  it('a symlink escaping the manifest folder is rejected', async () => {
    const file = copyExample('public-chatbot')
    const evidenceDir = path.join(path.dirname(file), 'evidence')
    const victim = path.join(evidenceDir, readdirSync(evidenceDir)[0] as string)
    rmSync(victim)
    symlinkSync('/etc/hostname', victim)
    const r = await run(['assess', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('ERR_EVIDENCE_OUTSIDE_ROOT')
  })

  it('a malformed --as-of is a bad argument (exit 2)', async () => {
    for (const bad of ['2026-13-01', '2026-02-30', 'tomorrow']) {
      const r = await run(['classify', chatbot, '--as-of', bad])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('ERR_CONFIG_BAD_DATE')
    }
  })

  it('an unknown command or option is a bad argument (exit 2)', async () => {
    expect((await run(['clasify', chatbot])).code).toBe(2)
    expect((await run(['classify', chatbot, '--as_of', '2026-01-01'])).code).toBe(2)
  })

  it('a typo in a required option is reported as the unknown option, with the suggestion', async () => {
    // commander checks required options first: this was "required option '-o, --out <dir>' not specified"
    const docs = await run(['docs', police, '--ouy', '/tmp/never'])
    expect(docs.code).toBe(2)
    expect(docs.stderr).toMatch(/unknown option '--ouy'\s*\(Did you mean --out\?\)/)
    expect(docs.stderr).not.toContain('required option')
    // in a subcommand, and as `--flag=value`
    const log = await run(['log', 'checkpoint', '--lgo=http://x', '--key', 'k'])
    expect(log.stderr).toContain("unknown option '--lgo'")
    expect(log.stderr).toContain('Did you mean --log?')
    // a required option that is simply missing is still named
    const missing = await run(['docs', police])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("required option '-o, --out <dir>' not specified")
    // option values that look like options are values, not unknown options
    const value = await run(['docs', police, '--formats', 'md', '--as-of', '-1'])
    expect(value.stderr).toContain("required option '-o, --out <dir>' not specified")
  })

  it('with --json, argument errors are a JSON error on stdout (exit 2), text on stderr without', async () => {
    const cases: [string[], RegExp][] = [
      [['assess', police, '--bogus'], /unknown option '--bogus'/],
      [['assess'], /missing required argument 'manifest'/],
      [['assess', police, '--fail-on', 'bogus'], /'bogus' is invalid.*in-force, upcoming, never/],
      [['clasify', chatbot], /unknown command 'clasify'.*classify/],
      [['classify', chatbot, '--as-of'], /argument missing/],
      [['keys'], /unknown option '--json'/], // keys itself has no --json: still a JSON error
    ]
    for (const [argv, message] of cases) {
      const [command = '', ...rest] = argv
      const json = await run([command, '--json', ...rest])
      expect(json.code).toBe(2)
      expect(json.stderr).toBe('')
      expect(json.json()).toEqual({
        error: { code: 'ERR_CONFIG_BAD_ARGS', message: expect.stringMatching(message), issues: [] },
      })
      expect(json.json().error.message).not.toMatch(/^error:/)
      const text = await run(argv)
      expect(text.code).toBe(2)
      expect(text.stdout).toBe('')
      expect(text.stderr).not.toBe('')
    }
    // an operand after -- is not the option
    const operand = await run(['classify', '--', '--json'])
    expect(operand.code).toBe(5)
    expect(operand.stdout).toBe('')
  })

  it('a catalog that fails its schema stops the run (exit 3), naming the file', async () => {
    const dir = tmp()
    execFileSync('cp', ['-r', path.join(ROOT, 'catalogs'), dir])
    const file = path.join(dir, 'catalogs', 'nist-ai-rmf', '1.0.v1.json')
    const cat = JSON.parse(readFileSync(file, 'utf8'))
    cat.nodes[5].assessable = 'yes'
    writeFileSync(file, JSON.stringify(cat))
    const r = await run(['classify', chatbot, '--catalogs', path.join(dir, 'catalogs')])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('ERR_CATALOG_INVALID')
    expect(r.stderr).toContain('1.0.v1.json')
  })
})

describe('required options', () => {
  const writers = [
    ['export', 'oscal-catalog', 'eu-ai-act'],
    ['export', 'oscal-ssp', police],
    ['export', 'oscal-ar', police],
    ['export', 'cyclonedx', police],
    ['export', 'ciso-assistant', 'eu-ai-act'],
    ['import', 'ciso-assistant', 'library.yaml'],
    ['docs', police],
  ]

  it('--out of export, import ciso-assistant and docs is required by commander, like --json', async () => {
    for (const argv of writers) {
      const r = await run(argv)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/required option '-o, --out <(file|dir)>' not specified/)
      const json = await run([...argv, '--json'])
      expect(json.code).toBe(2)
      expect(json.json().error).toEqual({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: expect.stringMatching(/required option '-o, --out/),
        issues: [],
      })
    }
  })

  it('the help says which options are required', async () => {
    for (const argv of writers) {
      const help = await run([...argv.slice(0, -1), '--help'])
      expect(help.code).toBe(0)
      // the option's description, up to the next option
      expect(help.stdout).toMatch(/-o, --out <(file|dir)>((?!\n {2}-)[\s\S])*\(required\)/)
      expect(help.stdout).not.toMatch(/--json[^\n]*\(required\)/)
    }
    const issue = await run(['issue', '--help'])
    expect(issue.stdout).toMatch(/--key <file>((?!\n {2}-)[\s\S])*\(required\)/)
  })

  it("issue's help gives the default status uri of the default (urn) issuer", async () => {
    const issue = await run(['issue', '--help'])
    expect(issue.stdout.replace(/\s+/g, ' ')).toContain('else https://status.accord.invalid/<kid>')
  })
})

describe('accord schema and catalog', () => {
  it('the committed JSON Schemas match the code', async () => {
    const r = await run(['schema', '--check'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('refuses --write with --check (exit 2) and writes nothing', async () => {
    const file = path.join(ROOT, 'schema', 'manifest.v1.schema.json')
    const before = statSync(file).mtimeMs
    const r = await run(['schema', '--write', '--check'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("option '--write' cannot be used with option '--check'")
    expect(r.stdout).toBe('')
    const json = await run(['schema', '--check', '--write', '--json'])
    expect(json.code).toBe(2)
    expect(json.json().error.code).toBe('ERR_CONFIG_BAD_ARGS')
    expect(statSync(file).mtimeMs).toBe(before)
  })

  it('lists catalogs and ids', async () => {
    const r = await run(['catalog', '--json'])
    expect(r.code).toBe(0)
    const frameworks = r.json().catalogs.map((c: { framework: string }) => c.framework)
    expect(frameworks).toEqual(expect.arrayContaining(['eu-ai-act', 'nist-ai-rmf']))
    const nist = (await run(['catalog', 'nist-ai-rmf', '--json'])).json()
    expect(nist.length).toBe(72)
  })

  it('marks ids that only some law versions have, aligns its columns, suggests a framework', async () => {
    const all = await run(['catalog', 'eu-ai-act', '--all'])
    expect(all.stdout).toMatch(
      /^eu-ai-act:art-10\.5 +Art\. 10\(5\) +Special categories .*\[law versions: original\]$/m,
    )
    expect(all.stdout).toMatch(/^law versions: original \(.*\); amended-2026-1744 \(/m)
    const json = (await run(['catalog', 'eu-ai-act', '--all', '--json'])).json()
    const byId = (id: string) => json.find((n: { id: string }) => n.id === id)
    expect(byId('eu-ai-act:art-5.1.ba').lawVersions).toEqual(['amended-2026-1744'])
    expect(byId('eu-ai-act:art-9')).not.toHaveProperty('lawVersions')
    // The reference column starts at the same place on every line, long framework ids included.
    const korea = (await run(['catalog', 'korea-ai-basic-act'])).stdout.trimEnd().split('\n')
    expect(new Set(korea.map((l) => l.indexOf(' Art. ') + 1)).size).toBe(1)
    // So does the name column of the list of catalogs and mappings.
    const list = (await run(['catalog'])).stdout.trimEnd().split('\n')
    expect(list.some((l) => l.startsWith('korea-ai-basic-act '))).toBe(true)
    expect(new Set(list.map((l) => /^\S+ +/.exec(l)?.[0].length)).size).toBe(1)
    const typo = await run(['catalog', 'eu-ai-ac'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('did you mean "eu-ai-act"?')
  })
})

describe('the installed binary', () => {
  it('runs from bin/accord.js with exit codes', () => {
    const bin = path.join(ROOT, 'bin', 'accord.js')
    // dist/ is built by `npm test` (and `npm ci`) before vitest runs
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))).toBe(true)
    const ok = spawnSync(
      process.execPath,
      [bin, 'classify', chatbot, '--json', '--as-of', '2026-11-21'],
      {
        encoding: 'utf8',
      },
    )
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout).euAiAct.category).toBe('transparency')
    const bad = spawnSync(process.execPath, [bin, 'classify'], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    const badJson = spawnSync(process.execPath, [bin, 'assess', police, '--bogus', '--json'], {
      encoding: 'utf8',
    })
    expect(badJson.status).toBe(2)
    expect(JSON.parse(badJson.stdout).error.code).toBe('ERR_CONFIG_BAD_ARGS')
  })
})

describe('exit codes', () => {
  const rows = Object.entries(EXIT).map(([name, code]) => ({
    code,
    meaning: EXIT_MEANING[name as keyof typeof EXIT],
  }))

  it("the help's footer lists every exit code with its meaning", async () => {
    const help = (await run(['--help'])).stdout
    const footer = help.slice(help.indexOf('Exit codes:')).replace(/\s+/g, ' ')
    for (const { code, meaning } of rows) expect(footer).toContain(` ${code} ${meaning}`)
  })

  it("README's and docs/errors.md's tables list every exit code with its meaning", () => {
    for (const file of ['README.md', 'docs/errors.md']) {
      const text = readFileSync(path.join(ROOT, file), 'utf8')
      const table = text.slice(text.indexOf('| Exit | Meaning |'))
      const listed = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2)
      expect(listed).toEqual(rows.map((r) => `| ${r.code} | ${r.meaning} |`))
    }
  })
})

describe('--json', () => {
  /** Every command that runs (no subcommands), found through the help. */
  async function leafCommands(parent: string[] = []): Promise<{ argv: string[]; help: string }[]> {
    const help = (await run([...parent, '--help'])).stdout
    const start = help.indexOf('\nCommands:\n')
    if (start === -1) return [{ argv: parent, help }]
    const block = help.slice(start + 11, help.indexOf('\n\n', start + 11))
    const names = [...block.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] as string)
    const leaves = []
    for (const name of names.filter((n) => n !== 'help'))
      leaves.push(...(await leafCommands([...parent, name])))
    return leaves
  }

  it('every command but serve takes --json, as README says', async () => {
    const leaves = await leafCommands()
    expect(leaves.length).toBeGreaterThan(30)
    const without = leaves
      .filter((l) => !/^ {2}--json\b/m.test(l.help))
      .map((l) => l.argv.join(' '))
    expect(without).toEqual(['serve'])
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')
    expect(readme).toContain('Every command except `accord serve` takes `--json`')
  })
})

describe('--version and --help', () => {
  it('prints the version, and the help lists every command', async () => {
    const version = await run(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['classify', 'assess', 'issue', 'verify', 'policy', 'serve', 'demo'])
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'))
  })

  it('an option value that starts with -V is the value, not --version', async () => {
    // A key id is base64url: one in 4096 starts with "-V". It once printed the version, exit 0.
    const r = await run(['status', 'sign', '--list-id', '-Vx3', '--key', 'no-such.jwk', '--json'])
    expect(r.stdout).not.toMatch(/^\d+\.\d+\.\d+/)
    expect(r.code).not.toBe(0)
    expect(r.json().error.message).toContain('no-such.jwk')
  })
})
