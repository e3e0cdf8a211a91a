/**
 * `accord evaluation report` and `accord evaluation show`: evaluation results signed by the
 * evaluator about one passport, from an evaluation file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLES, issuedExample, run } from '../helpers.js'

const EXAMPLE = path.join(EXAMPLES, 'border-biometrics', 'evaluation.yaml')
const MODEL = '259be6b9659792a3946747f889671068668642ad74aaec6b43d8d1cf131102d0'
/** The results are signed on 2026-11-25, after the example evaluation. */
const NOW = Date.parse('2026-11-25T12:00:00Z') / 1000
const at = (argv: string[]) => run(argv, '2026-11-25', NOW)

let p: (...parts: string[]) => string
let signed: string

beforeAll(async () => {
  p = await issuedExample('border-biometrics', ['issuer', 'lab', 'other'])
  const other = await issuedExample('border-biometrics')
  writeFileSync(p('other-passport.sd-jwt'), readFileSync(other('passport.sd-jwt')))
  signed = p('result.sd-jwt')
  const r = await at(report(EXAMPLE, signed))
  if (r.code !== 0) throw new Error(r.stderr + r.stdout)
}, 60_000)

function report(file: string, out: string, key = 'lab'): string[] {
  return [
    'evaluation',
    'report',
    p('passport.sd-jwt'),
    '--file',
    file,
    '--key',
    p('keys', `${key}.private.jwk.json`),
    '--out',
    out,
  ]
}

const show = (file: string, extra: string[] = []) => at(['evaluation', 'show', file, ...extra])
const verifyArgs = (key = 'lab', passport = 'passport.sd-jwt') => [
  '--passport',
  p(passport),
  '--jwk',
  p('keys', `${key}.public.jwk.json`),
]

/** Writes an evaluation file made from the example by `edit`. */
function evaluationFile(name: string, edit: (text: string) => string): string {
  const file = p(name)
  const text = readFileSync(EXAMPLE, 'utf8')
  const edited = edit(text)
  if (edited === text) throw new Error(`${name}: the edit changed nothing`)
  writeFileSync(file, edited)
  return file
}

const lineOf = (file: string, needle: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle)) + 1

describe('accord evaluation report', () => {
  it('signs the example, filling in the evaluator id', async () => {
    const r = await at([...report(EXAMPLE, p('json.sd-jwt')), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.result).toBe(p('json.sd-jwt'))
    expect(out.id).toMatch(/^urn:uuid:/)
    expect(out.evaluation.evaluator).toEqual({
      name: 'Nordic Biometrics Test Lab (fictional)',
      role: 'test-lab',
      id: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${out.kid}`,
    })
    expect(out.evaluation.artifacts).toEqual([
      { path: 'models/sentinel-faceid-5.2.0.bin', sha256: MODEL },
    ])
    expect(out.evaluation.metrics).toHaveLength(6)
    expect(Object.keys(out.evaluation)).toEqual([
      'evaluator',
      'artifacts',
      'method',
      'performedAt',
      'metrics',
      'summary',
      'reports',
    ])
    expect(readFileSync(p('json.sd-jwt'), 'utf8').trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+~$/)
  })

  it('says in text what it wrote, each metric and whether its threshold was met', async () => {
    const r = await at(report(EXAMPLE, p('text.sd-jwt')))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`wrote ${p('text.sd-jwt')}: Low-light robustness`)
    expect(r.stdout).toContain('6 metrics, 2 of 5 thresholds met')
    expect(r.stdout).toContain(
      '[age 60-75, low illumination]: 0.0019 (95% CI 0.0013 to 0.0026); threshold at most 0.001: NOT met',
    )
    expect(r.stdout).toContain('share it: accord evaluation publish')
  })

  it('a met flag that disagrees with value and threshold: exit 3 at its line, with the fix', async () => {
    const file = evaluationFile('met.yaml', (t) =>
      t.replace(
        'value: 0.0019\n    threshold: { value: 0.001, higherIsBetter: false, met: false }',
        'value: 0.0019\n    threshold: { value: 0.001, higherIsBetter: false, met: true }',
      ),
    )
    const r = await at([...report(file, p('met.sd-jwt')), '--json'])
    expect(r.code).toBe(3)
    const { error } = r.json()
    expect(error.code).toBe('ERR_PASSPORT_EVALUATION_INVALID')
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]).toMatchObject({
      code: 'contradiction',
      path: ['metrics', 2, 'threshold', 'met'],
      file,
      line: lineOf(file, 'value: 0.0019') + 1,
    })
    expect(error.issues[0].hint).toContain('set met: false')
    expect(existsSync(p('met.sd-jwt'))).toBe(false)
  })

  it('an artifact the passport does not commit to: exit 3 at its line, naming the ones it does', async () => {
    const file = evaluationFile('artifact.yaml', (t) => t.replace(MODEL, 'f'.repeat(64)))
    const r = await at(report(file, p('artifact.sd-jwt')))
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`${file}:${lineOf(file, 'f'.repeat(64))}:`)
    expect(r.stderr).toContain('the passport does not commit to an artifact with SHA-256 ffff')
    expect(r.stderr).toContain(`models/sentinel-faceid-5.2.0.bin (${MODEL})`)
    expect(existsSync(p('artifact.sd-jwt'))).toBe(false)
  })

  it('an unknown field gets a did-you-mean hint at its line and column', async () => {
    const file = evaluationFile('typo.yaml', (t) => t.replace('performedAt:', 'performedOn:'))
    const r = await at(report(file, p('typo.sd-jwt')))
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`${file}:${lineOf(file, 'performedOn:')}:1`)
    expect(r.stderr).toContain('did you mean `performedAt`?')
  })

  it('malformed YAML is exit 3 with its place; a missing file is exit 5', async () => {
    const file = evaluationFile('broken.yaml', (t) =>
      t.replace('role: test-lab', 'role: [test-lab'),
    )
    const broken = await at([...report(file, p('broken.sd-jwt')), '--json'])
    expect(broken.code).toBe(3)
    expect(broken.json().error.issues[0]).toMatchObject({ code: 'yaml_syntax', file })
    const missing = await at([...report(p('nope.yaml'), p('nope.sd-jwt')), '--json'])
    expect(missing.code).toBe(5)
    expect(missing.json().error.code).toBe('ERR_PASSPORT_EVALUATION_NOT_FOUND')
  })
})

describe('accord evaluation show', () => {
  it('verifies a result given the passport and the evaluator key', async () => {
    const r = await show(signed, verifyArgs())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`artifact: models/sentinel-faceid-5.2.0.bin sha256 ${MODEL}`)
    expect(r.stdout).toContain('standard: ISO/IEC 19795-1:2021')
    expect(r.stdout).toContain('verified: signed by key')
  })

  it('without keys shows the result and says the signature was not checked', async () => {
    const r = await show(signed, ['--json'])
    expect(r.code).toBe(0)
    expect(r.json().verification).toEqual({ checked: false })
    expect(r.json().evaluation.performedAt).toBe('2026-11-20')
  })

  it('wrong key: exit 4, evaluation-untrusted; another passport: evaluation-wrong-passport', async () => {
    const wrongKey = await show(signed, [...verifyArgs('other'), '--json'])
    expect(wrongKey.code).toBe(4)
    expect(wrongKey.json().verification.reason).toBe('evaluation-untrusted')
    const other = await show(signed, [...verifyArgs('lab', 'other-passport.sd-jwt'), '--json'])
    expect(other.code).toBe(4)
    expect(other.json().verification.reason).toBe('evaluation-wrong-passport')
  })

  it('a tampered result: exit 4, NOT VERIFIED', async () => {
    const [h, payload, s] = readFileSync(signed, 'utf8').trim().slice(0, -1).split('.') as [
      string,
      string,
      string,
    ]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    claims.credentialSubject.evaluation.metrics[1].value = 0.0009
    claims.credentialSubject.evaluation.metrics[1].threshold.met = true
    delete claims.credentialSubject.evaluation.metrics[1].confidenceInterval
    const tampered = p('tampered.sd-jwt')
    writeFileSync(
      tampered,
      `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}~\n`,
    )
    const text = await show(tampered, verifyArgs())
    expect(text.code).toBe(4)
    expect(text.stdout).toContain('NOT VERIFIED (evaluation-invalid)')
  })

  it('an incident report or passport is not a result (exit 3); --jwk alone is exit 2', async () => {
    const notResult = await show(p('passport.sd-jwt'), ['--json'])
    expect(notResult.code).toBe(3)
    expect(notResult.json().error.code).toBe('ERR_PASSPORT_EVALUATION_INVALID')
    const half = await show(signed, ['--jwk', p('keys', 'lab.public.jwk.json'), '--json'])
    expect(half.code).toBe(2)
  })
})
