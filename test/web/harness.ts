/**
 * The web UI test harness: the real registry server (`buildApp` + `registerWeb`) listening on an
 * ephemeral port, over an in-memory PGlite store and the real transparency log, holding passports
 * of the three bundled examples. Everything is deterministic (fixed keys, clock, ids and salts),
 * so pages render the same bytes on every run and the screenshot golden stays stable.
 *
 * Also: `launchBrowser()`, Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser), skipped loudly when missing locally and failing under CI.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { calculateJwkThumbprint, decodeJwt } from 'jose'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { buildPassportClaims, subjectIdInput } from '../../src/core/passport/claims.js'
import { buildEndorsementClaims, signEndorsement } from '../../src/core/passport/endorse.js'
import { buildIncidentClaims, signIncidentReport } from '../../src/core/incident/report.js'
import type { Incident } from '../../src/core/incident/schema.js'
import { buildEvaluationClaims, signEvaluationResult } from '../../src/core/evaluation/result.js'
import type { Evaluation } from '../../src/core/evaluation/schema.js'
import { evidenceCommitment } from '../../src/core/passport/evidence-commitment.js'
import { issuePassport } from '../../src/core/passport/issue.js'
import { saltGeneratorFrom } from '../../src/core/passport/sd-jwt.js'
import {
  STATUS,
  STATUS_BITS,
  createStatusListClaims,
  signStatusListToken,
} from '../../src/core/passport/status.js'
import type { PassportClaims } from '../../src/core/passport/types.js'
import type { Clock, Signer } from '../../src/core/ports.js'
import type { RegistryStore } from '../../src/core/store.js'
import { signerFromJwk } from '../../src/node/keys.js'
import { hashArtifacts } from '../../src/node/artifacts.js'
import { assessLoaded, classifyLoaded, loadSystem } from '../../src/node/pipeline.js'
import { sha256 } from '../../src/node/sha256.js'
import { MEMORY, openPgliteStore } from '../../src/node/store/index.js'
import { openRegistry, type Registry } from '../../src/node/tlog/registry.js'
import { buildApp } from '../../src/server/app.js'
import { hasher, passportRecord } from '../../src/server/passport-record.js'
import { registerWeb } from '../../src/server/web.js'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const CHROMIUM = '/usr/bin/chromium'

/** The fixed clock of the harness: 2026-11-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 1) / 1000
export const AS_OF = '2026-11-01'
export const LOG_ORIGIN = 'registry.example/accord/log'
export const ISSUER = 'https://vendor.example'

/** Fixed passport ids, by example. */
export const PASSPORT_IDS = {
  'border-biometrics': 'urn:uuid:00000000-0000-4000-8000-00000000b0d1',
  'police-analytics': 'urn:uuid:00000000-0000-4000-8000-000000000a11',
  'public-chatbot': 'urn:uuid:00000000-0000-4000-8000-00000000c4a7',
} as const
export type ExampleName = keyof typeof PASSPORT_IDS

/**
 * Version 1.7.0 of public-chatbot, which superseded the revoked 1.6.0 passport: published last,
 * a minute later, so the passport page has a previous version to show the changes since.
 */
export const CHATBOT_V2_ID = 'urn:uuid:00000000-0000-4000-8000-00000000c4a8'

/** An Ed25519 signer from a fixed seed (PKCS#8 prefix + 32 bytes), with its private JWK. */
export async function seededSigner(
  label: string,
): Promise<{ signer: Signer; privateJwk: Record<string, unknown> }> {
  const seed = createHash('sha256').update(`accord web test key ${label}`).digest()
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>
  const pub = createPublicKey(key).export({ format: 'jwk' }) as Record<string, unknown>
  const kid = await calculateJwkThumbprint(pub as never, 'sha256')
  const privateJwk = { ...jwk, kid, alg: 'EdDSA', use: 'sig' }
  return { signer: await signerFromJwk(privateJwk, `test key ${label}`), privateJwk }
}

/** Deterministic "random" bytes: SHA-256 of a counter (tests only). */
function countingBytes(label: string): (n: number) => Uint8Array {
  let i = 0
  return (n) => createHash('sha256').update(`${label}:${i++}`).digest().subarray(0, n)
}

export interface IssuedExample {
  name: ExampleName
  id: string
  token: string
  statusIdx: number
}

export interface WebHarness {
  app: FastifyInstance
  baseUrl: string
  store: RegistryStore
  registry: Registry
  passports: Record<ExampleName, IssuedExample>
  issuerKid: string
  policiesDir: string
  /** The first report of the harness's incident (border-biometrics), to vary in tests. */
  incident: Incident
  /**
   * Publishes an incident report about `passport` to the registry (signed by its provider, the
   * issuer key, as the harness's own reports): for tests that need more reports. Publish them
   * after the suites that know the log's entries have run.
   */
  reportIncident(passport: IssuedExample, incident: Incident, reportId: string): Promise<void>
  close(): Promise<void>
}

/**
 * Starts the registry with the web UI on 127.0.0.1:0 and publishes, in this order: a passport for
 * each bundled example, an endorsement of border-biometrics by the market surveillance authority,
 * the revocation of public-chatbot (also in the issuer's status list), two reports (initial
 * and follow-up) of a serious incident with border-biometrics (EU AI Act Art. 73), a test
 * lab's evaluation result about border-biometrics' face-matching model, and version 1.7.0 of
 * public-chatbot (`CHATBOT_V2_ID`), a minute later.
 */
export async function startWebHarness(): Promise<WebHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-web-'))
  const issuer = await seededSigner('issuer')
  const authority = await seededSigner('authority')
  const logKey = await seededSigner('log')

  // The bundled policies with keys/ next to them, as policies/README.md sets them up.
  const policiesDir = path.join(dir, 'policies')
  cpSync(path.join(ROOT, 'policies'), policiesDir, { recursive: true })
  mkdirSync(path.join(dir, 'keys'))
  const assessor = await seededSigner('assessor')
  for (const [name, s] of [
    ['issuer', issuer],
    ['authority', authority],
    ['assessor', assessor],
  ] as const)
    writeFileSync(
      path.join(dir, 'keys', `${name}.public.jwk.json`),
      JSON.stringify(s.signer.publicJwk, null, 2),
    )

  const store = await openPgliteStore(MEMORY)
  await store.migrate()
  const registry = await openRegistry({
    store,
    logKey: logKey.signer,
    origin: LOG_ORIGIN,
    checkpointIntervalMs: 0,
    nowMs: () => NOW * 1000,
  })
  const clock: Clock = { nowSeconds: () => NOW }
  const statusUri = `https://registry.example/api/v1/status-lists/${issuer.signer.kid}`
  const saltGenerator = saltGeneratorFrom(countingBytes('salts'))
  const publishedAt = new Date(NOW * 1000).toISOString()

  /**
   * Issues a passport of example `name` with id `jti` (its claims changed by `change`) and
   * publishes it at `at`.
   */
  const publishExample = async (
    name: ExampleName,
    idx: number,
    jti: string,
    at: string,
    change: (claims: PassportClaims) => void = () => {},
  ): Promise<string> => {
    const system = await loadSystem(path.join(ROOT, 'examples', name, 'accord.yaml'), {})
    const classification = classifyLoaded(system, AS_OF)
    const assessment = await assessLoaded(system, classification, { asOf: AS_OF })
    const artifacts = await hashArtifacts(
      system.dir,
      system.manifest.models.flatMap((m) => m.artifacts),
      { workers: 1 },
    )
    const claims = buildPassportClaims({
      manifest: system.manifest,
      classification,
      assessment,
      artifacts,
      evidenceRoot: evidenceCommitment(assessment.evidence, sha256).merkleRoot,
      subjectId: createHash('sha256').update(subjectIdInput(system.manifest)).digest('hex'),
      issuer: ISSUER,
      issuedAt: NOW - 86_400,
      validForDays: 365,
      jti,
      status: { status_list: { idx, uri: statusUri } },
    })
    change(claims)
    const token = await issuePassport(claims, issuer.signer, { saltGenerator, hasher })
    const made = passportRecord(claims, token, issuer.signer.kid, at)
    if (!made.ok) throw new Error(made.message)
    await registry.publish([{ type: 'passport', passport: made.record }])
    return token
  }

  const passports = {} as Record<ExampleName, IssuedExample>
  const names = Object.keys(PASSPORT_IDS) as ExampleName[]
  for (const [idx, name] of names.entries()) {
    const token = await publishExample(name, idx, PASSPORT_IDS[name], publishedAt)
    passports[name] = { name, id: PASSPORT_IDS[name], token, statusIdx: idx }
  }

  const border = passports['border-biometrics']
  const endorsementClaims = buildEndorsementClaims({
    passportDigest: createHash('sha256')
      .update(border.token.slice(0, border.token.indexOf('~')))
      .digest('hex'),
    passportJti: border.id,
    passportIssuer: ISSUER,
    subjectId: disclosedSubjectId(border.token),
    endorser: {
      id: 'https://msa.example',
      name: 'National market surveillance authority',
      kind: 'national-authority',
    },
    checked: ['eu-ai-act:art-14', 'eu-ai-act:art-15', 'artifacts'],
    statement: 'Checked human oversight and accuracy at the border pilot.',
    issuedAt: NOW - 3600,
    validForDays: 365,
    id: 'urn:uuid:00000000-0000-4000-8000-0000000e0d05',
  })
  const endorsement = await signEndorsement(endorsementClaims, authority.signer)
  await registry.publish([
    {
      type: 'endorsement',
      endorsement: {
        id: 'urn:uuid:00000000-0000-4000-8000-0000000e0d05',
        passportId: border.id,
        endorserKid: authority.signer.kid,
        token: endorsement,
        publishedAt,
      },
    },
  ])

  const chatbot = passports['public-chatbot']
  await registry.publish([
    {
      type: 'status',
      change: {
        passportId: chatbot.id,
        status: 'revoked',
        reason: 'superseded by version 2',
        byKid: issuer.signer.kid,
        at: publishedAt,
      },
    },
  ])
  const statuses = new Array<number>(1024).fill(STATUS.valid)
  statuses[chatbot.statusIdx] = STATUS.invalid
  const statusList = await signStatusListToken(
    createStatusListClaims({
      uri: statusUri,
      bits: STATUS_BITS,
      statuses,
      iss: ISSUER,
      iat: NOW - 60,
      exp: NOW + 30 * 86_400,
    }),
    issuer.signer,
  )
  await store.putStatusList({
    listId: issuer.signer.kid,
    issuer: issuer.signer.kid,
    token: statusList,
    updatedAt: publishedAt,
  })

  // A serious incident with border-biometrics, reported by its provider (the issuer key) and
  // notified to the authority on time; then a follow-up. Last, so the log's first five entries
  // stay as the log page tests know them.
  const day = 86_400
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
  const incident: Incident = {
    id: 'urn:uuid:00000000-0000-4000-8000-00000001c1d0',
    report: 'initial',
    sequence: 1,
    reporter: { id: ISSUER, name: 'Valvur Biometrics OÜ', role: 'provider' },
    occurredAt: iso(NOW - 6 * day).slice(0, 10),
    awareAt: iso(NOW - 5 * day),
    memberStates: ['EE'],
    serious: true,
    harms: ['fundamental-rights'],
    widespreadInfringement: false,
    causalLink: 'reasonably-likely',
    summary:
      'A false watch-list match at a land border crossing led to the wrongful detention of a traveller for six hours.',
    status: 'open',
    authoritiesNotified: [
      { authority: 'Market surveillance authority', memberState: 'EE', at: iso(NOW - 2 * day) },
    ],
  }
  const reports = [
    incident,
    {
      ...incident,
      report: 'follow-up' as const,
      sequence: 2,
      correctiveActions: ['Quality gate fixed to reject under-exposed probe images.'],
    },
  ]
  /** Publishes a report about `passport`, signed with the issuer key (its provider). */
  const reportIncident = async (
    passport: IssuedExample,
    i: Incident,
    reportId: string,
    issuedAt: number,
  ): Promise<void> => {
    const token = await signIncidentReport(
      buildIncidentClaims({
        passportDigest: createHash('sha256')
          .update(passport.token.slice(0, passport.token.indexOf('~')))
          .digest('hex'),
        passportJti: passport.id,
        passportIssuer: ISSUER,
        subjectId: disclosedSubjectId(passport.token),
        incident: i,
        issuedAt,
        id: reportId,
      }),
      issuer.signer,
    )
    await registry.publish([
      {
        type: 'incident',
        incident: {
          id: reportId,
          incidentId: i.id,
          passportId: passport.id,
          reporterKid: issuer.signer.kid,
          reporterJwk: issuer.signer.publicJwk,
          sequence: i.sequence,
          report: i.report,
          serious: i.serious,
          status: i.status,
          token,
          publishedAt,
        },
      },
    ])
  }
  for (const [n, i] of reports.entries())
    await reportIncident(
      border,
      i,
      `urn:uuid:00000000-0000-4000-8000-00000001c1d${n + 1}`,
      NOW - 3600 + n,
    )

  // A test lab's evaluation of the face-matching model (signed with the authority's key): one
  // threshold met, one not. Last, so the entries before it stay as the tests know them.
  const borderArtifacts = (
    decodeJwt(border.token.slice(0, border.token.indexOf('~'))) as {
      credentialSubject: { artifacts: { path: string; sha256: string }[] }
    }
  ).credentialSubject.artifacts
  const evaluation: Evaluation = {
    evaluator: { id: 'https://lab.example', name: 'Nordic Biometrics Test Lab', role: 'test-lab' },
    artifacts: [{ path: borderArtifacts[0]!.path, sha256: borderArtifacts[0]!.sha256 }],
    method: { kind: 'test-suite', name: 'Low-light FPIR protocol', version: '2026.2' },
    performedAt: iso(NOW - 2 * day).slice(0, 10),
    metrics: [
      {
        name: 'False positive identification rate',
        group: 'normal illumination',
        value: 0.0008,
        threshold: { value: 0.001, higherIsBetter: false, met: true },
        confidenceInterval: { level: 0.95, lower: 0.0006, upper: 0.001 },
        relatesTo: 'Art. 15 accuracy metric: False positive identification rate',
      },
      {
        name: 'False positive identification rate',
        group: 'low illumination',
        value: 0.0014,
        threshold: { value: 0.001, higherIsBetter: false, met: false },
      },
    ],
    summary: 'The rate meets the threshold in normal light and misses it below 50 lux.',
  }
  const evaluationId = 'urn:uuid:00000000-0000-4000-8000-0000000e7a11'
  await registry.publish([
    {
      type: 'evaluation',
      evaluation: {
        id: evaluationId,
        passportId: border.id,
        evaluatorKid: authority.signer.kid,
        evaluatorJwk: authority.signer.publicJwk,
        method: 'Low-light FPIR protocol 2026.2',
        performedAt: evaluation.performedAt,
        metrics: 2,
        thresholds: 2,
        thresholdsMet: 1,
        token: await signEvaluationResult(
          buildEvaluationClaims({
            passportDigest: createHash('sha256')
              .update(border.token.slice(0, border.token.indexOf('~')))
              .digest('hex'),
            passportJti: border.id,
            passportIssuer: ISSUER,
            subjectId: disclosedSubjectId(border.token),
            evaluation,
            issuedAt: NOW - 1800,
            id: evaluationId,
          }),
          authority.signer,
        ),
        publishedAt,
      },
    },
  ])

  // Version 1.7.0 of public-chatbot: updates announced 30 days ahead instead of 14 (better),
  // incidents notified within 72 hours instead of 48 and remote disabling by the vendor alone
  // (worse), another audit scope (to review). Last, so the entries before it stay as the tests
  // know them.
  await publishExample(
    'public-chatbot',
    names.length,
    CHATBOT_V2_ID,
    new Date((NOW + 60) * 1000).toISOString(),
    (c) => {
      const s = c.credentialSubject
      s.system.version = '1.7.0'
      if (s.assurance === undefined) throw new Error('public-chatbot makes assurance commitments')
      s.assurance.updateNoticeDays = 30
      s.assurance.incidentNotificationHours = 72
      s.assurance.remoteDisable.controlledBy = 'vendor'
      s.assurance.auditRights.scope = 'Annual audit of logs by an auditor the vendor appoints'
    },
  )

  const deps = { store, registry, clock, policiesDir }
  const app = await buildApp({
    ...deps,
    rateLimit: false,
    logger: process.env.WEB_DEBUG ? true : false,
  })
  // Until the server registers the web UI itself.
  if (!app.hasRoute({ method: 'GET', url: '/log' })) registerWeb(app, deps)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    store,
    registry,
    passports,
    issuerKid: issuer.signer.kid,
    policiesDir,
    incident,
    reportIncident: (passport, i, reportId) => reportIncident(passport, i, reportId, NOW - 60),
    async close() {
      await app.close()
      await registry.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function disclosedSubjectId(token: string): string {
  const payload = token.slice(0, token.indexOf('~')).split('.')[1] ?? ''
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    credentialSubject: { id: string }
  }
  return claims.credentialSubject.id
}

/** Whether the browser tests can run; under CI a missing browser is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI)
    throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)`)
  console.warn(
    `\n*** SKIPPING the web UI tests: ${CHROMIUM} is missing. Install it with ` +
      '`apt-get install -y chromium` (never download a browser with playwright). ***\n',
  )
  return false
}

/**
 * Debian's Chromium, headless; nothing downloaded or synced. playwright-core gives each launch a
 * new empty user-data dir (a temporary profile it deletes on close).
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
      '--force-color-profile=srgb',
    ],
  })
  return { browser, close: () => browser.close() }
}

/** The attribute `name` of every element `locator` matches, in document order. */
export async function attrs(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((l) => l.getAttribute(name)))
}

/** What the web test suites share: one server and one browser for the whole run. */
/**
 * Opens `url` in a new 1280x900 page of `browser` and collects its console errors (a CSP
 * violation is one) and uncaught errors; `prepare` runs before the page loads (timeouts, more
 * listeners).
 */
export async function openPage(
  browser: Browser,
  url: string,
  prepare?: (page: Page, errors: string[]) => void,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  prepare?.(page, errors)
  await page.goto(url)
  return { page, errors }
}

export interface WebEnv {
  harness: WebHarness
  browser: Browser
}

/**
 * The bundled eu-police-procurement policy as an own policy (its issuer key inline) that still
 * accepts border-biometrics but has two warnings (`accord policy check`): art-9 listed twice
 * (duplicate_obligation) and art-15.5 left out of obligationsMet, so the recognition rule for it
 * is never used (recognition_unused).
 */
/** Chooses a policy file (YAML `text`) in the verify page's upload field. */
export async function uploadPolicy(page: Page, text: string, name = 'policy.yaml'): Promise<void> {
  await page.setInputFiles('#policy-file', {
    name,
    mimeType: 'text/yaml',
    buffer: Buffer.from(text),
  })
}

export function policyWithWarnings(h: WebHarness): string {
  const issuerJwk = readFileSync(
    path.join(h.policiesDir, '..', 'keys', 'issuer.public.jwk.json'),
    'utf8',
  ).replace(/\n\s*/g, ' ')
  const bundled = readFileSync(path.join(h.policiesDir, 'eu-police-procurement.yaml'), 'utf8')
  const edits: [string, string][] = [
    ['name: EU member-state police procurement (example)', 'name: Policy with warnings'],
    ['jwks: ../keys/issuer.public.jwk.json', `jwk: ${issuerJwk}`],
    [
      '    - eu-ai-act:art-9 # risk management system\n',
      '    - eu-ai-act:art-9\n    - eu-ai-act:art-9\n',
    ],
    ['    - eu-ai-act:art-15.5 # resilience against attacks (cybersecurity)\n', ''],
  ]
  return edits.reduce((yaml, [from, to]) => {
    if (!yaml.includes(from)) throw new Error(`policyWithWarnings: ${from} is not in the policy`)
    return yaml.replace(from, to)
  }, bundled)
}
