/**
 * Issuing and verifying passports end to end: the steps of the core (classify, assess, claims,
 * SD-JWT, status, endorsements, policy) wired to files, keys and the status registry.
 * Verification reads as ordered steps, like sigstore's `Verifier.verify()`:
 * cryptography -> status -> artifacts -> endorsements -> policy -> verdict.
 */
import { randomBytes, randomUUID, createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { decodeProtectedHeader } from 'jose'
import { EvidenceError, PassportError, type Issue } from '../core/errors.js'
import { buildPassportClaims, subjectIdInput } from '../core/passport/claims.js'
import { issuePassport } from '../core/passport/issue.js'
import { evidenceCommitment } from '../core/passport/evidence-commitment.js'
import { saltGeneratorFrom, type SdHasher } from '../core/passport/sd-jwt.js'
import type { PassportVerifier, TrustedKey } from '../core/passport/verify.js'
import { checkStatus, type StatusListCache } from '../core/passport/status.js'
import { verifyEndorsement, type EndorsementResult } from '../core/passport/endorse.js'
import { summarizeArtifactChecks } from '../core/passport/artifacts.js'
import { incidentClassificationOf } from '../core/incident/classification.js'
import { evaluatePolicy, verdictFrom } from '../core/policy/evaluate.js'
import type { Policy } from '../core/policy/schema.js'
import type {
  ArtifactDigest,
  CheckResult,
  PassportClaims,
  VerificationResult,
} from '../core/passport/types.js'
import type { ClassificationResult } from '../core/classify/types.js'
import type { AssessmentResult } from '../core/assess/types.js'
import { sha256 } from './sha256.js'
import { fileSigner } from './keys.js'
import { StatusStore, loadStatusListToken } from './status-store.js'
import { hashArtifacts, verifyArtifacts } from './artifacts.js'
import { nodeHasher, nodePassportVerifier } from './verify-batch.js'
import { checkIncidentReports, type IncidentReportInput } from './verify-incidents.js'
import { assessLoaded, classifyLoaded, loadSystem, type LoadedSystem } from './pipeline.js'

/** SHA-256 for SD-JWT digests (RFC 9901 `_sd_alg: sha-256`). */
export const hasher: SdHasher = nodeHasher

const sha256Hex = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex')

export interface IssueFromManifestOptions {
  manifestPath: string
  /** Issuer's private JWK file. */
  keyPath: string
  asOf: string
  /** Issuer identifier (`iss`); default `urn:accord:issuer:<kid>`. */
  issuer?: string
  validForDays?: number
  /** Where model artifact paths are resolved; default the manifest's folder. */
  artifactsDir?: string
  /** Issuer-side status registry; default `.accord/status`. */
  statusDir?: string
  /** Where the status list will be served (https); default from the issuer URL, see defaultStatusUri. */
  statusUri?: string
  /** Holder public JWK (`cnf`) for key-bound presentations. */
  holderJwk?: Record<string, unknown>
  catalogsDir?: string
  nowSeconds: number
  onProgress?: (stage: 'evidence' | 'artifacts', done: number, total: number) => void
  /** Called with the manifest's warnings, if any. */
  onWarnings?: (warnings: Issue[]) => void
}

export interface IssueFromManifestResult {
  passport: string
  claims: PassportClaims
  classification: ClassificationResult
  assessment: AssessmentResult
  artifacts: ArtifactDigest[]
  status: { listId: string; idx: number; uri: string; listPath: string }
  kid: string
}

/** Classifies and assesses a system, hashes its artifacts and issues a signed passport. */
export async function issueFromManifest(
  options: IssueFromManifestOptions,
): Promise<IssueFromManifestResult> {
  const signer = await fileSigner(options.keyPath)
  const system = await loadSystem(options.manifestPath, {
    catalogsDir: options.catalogsDir,
    ...(options.onWarnings ? { onWarnings: options.onWarnings } : {}),
  })
  const classification = classifyLoaded(system, options.asOf)
  const assessment = await assessLoaded(system, classification, {
    asOf: options.asOf,
    ...(options.onProgress
      ? { onProgress: (d: number, t: number) => options.onProgress?.('evidence', d, t) }
      : {}),
  })
  // Where each artifact is in the manifest, for the problems hashArtifacts reports by index.
  const artifactPlaces = system.manifest.models.flatMap((m, i) =>
    m.artifacts.map((_, j) => ['models', i, 'artifacts', j] as const),
  )
  const artifactPaths = system.manifest.models.flatMap((m) => m.artifacts)
  const artifactsDir = options.artifactsDir ?? system.dir
  const artifacts = await hashArtifacts(artifactsDir, artifactPaths, {
    ...(options.onProgress
      ? { onProgress: (d: number, t: number) => options.onProgress?.('artifacts', d, t) }
      : {}),
  }).catch(async (err: unknown) => {
    throw err instanceof EvidenceError
      ? await placedInManifest(err, system, artifactPlaces, artifactsDir)
      : err
  })
  const commitment = evidenceCommitment(assessment.evidence, sha256)

  // One status list per issuer key: only that key may sign it (see docs/revocation.md).
  const listId = signer.kid
  const uri = options.statusUri ?? defaultStatusUri(options.issuer, signer.kid)
  const store = new StatusStore({
    ...(options.statusDir ? { dir: options.statusDir } : {}),
    clock: { nowSeconds: () => options.nowSeconds },
  })
  const idx = await store.allocateIndex(listId, { uri })

  const claims = buildPassportClaims({
    manifest: system.manifest,
    classification,
    assessment,
    artifacts,
    evidenceRoot: commitment.merkleRoot,
    subjectId: sha256Hex(subjectIdInput(system.manifest)),
    issuer: options.issuer ?? `urn:accord:issuer:${signer.kid}`,
    issuedAt: options.nowSeconds,
    validForDays: options.validForDays ?? 365,
    jti: `urn:uuid:${randomUUID()}`,
    status: { status_list: { idx, uri } },
    ...(options.holderJwk ? { holderJwk: options.holderJwk } : {}),
  })
  const passport = await issuePassport(claims, signer, {
    saltGenerator: saltGeneratorFrom((n) => randomBytes(n)),
    hasher,
  })
  const signed = await store.signStatusList(listId, signer, { uri, iss: claims.iss })
  return {
    passport,
    claims,
    classification,
    assessment,
    artifacts,
    status: { listId, idx, uri, listPath: signed.path },
    kid: signer.kid,
  }
}

export interface VerifyPassportOptions {
  policy: Policy
  trustedIssuerKeys: readonly TrustedKey[]
  trustedAssessorKeys: readonly (TrustedKey & { kind: string })[]
  nowSeconds: number
  /** The issuer's status list token (file path or URL, fetched only when a URL is given). */
  statusList?: string
  /** The status list token itself, already at hand (e.g. sent to a server). */
  statusListToken?: string
  /** Directory holding the artifacts to check against the passport's digests. */
  artifactsDir?: string
  /** Endorsement token files. */
  endorsements?: string[]
  audience?: string
  nonce?: string
  requireKeyBinding?: boolean
  onProgress?: (done: number, total: number) => void
  /**
   * A long-lived verifier for `trustedIssuerKeys` (e.g. with `cacheSize`, on a server); default a
   * new one per call.
   */
  verifier?: PassportVerifier
  /** Verified status list tokens to reuse across calls (a server). */
  statusListCache?: StatusListCache
  /**
   * Serious-incident reports to look at (files the buyer received, or a registry's list): each is
   * verified against this passport, and the policy's `requirements.incidents` evaluated on those
   * that count. Undefined: none were looked at (an empty list: a source that held none).
   */
  incidentReports?: readonly IncidentReportInput[]
  /** Where `incidentReports` came from, in words, for the result. */
  incidentsFrom?: string
}

/** Verifies a passport (or presentation) against a buyer's policy: a verdict with every check. */
export async function verifyPassport(
  token: string,
  options: VerifyPassportOptions,
): Promise<VerificationResult> {
  const checks: CheckResult[] = []
  const verifier =
    options.verifier ?? nodePassportVerifier({ trustedKeys: options.trustedIssuerKeys })
  const crypto = await verifier.verify(token.trim(), {
    nowSeconds: options.nowSeconds,
    ...(options.audience === undefined ? {} : { expectedAudience: options.audience }),
    ...(options.nonce === undefined ? {} : { expectedNonce: options.nonce }),
    ...(options.requireKeyBinding ? { requireKeyBinding: true } : {}),
  })
  checks.push(...crypto.checks)
  if (!crypto.ok || !crypto.claims || !crypto.issuerJwt) {
    return {
      verdict: 'rejected',
      checks,
      endorsements: [],
      ...(crypto.key === undefined ? {} : { issuerKey: crypto.key }),
    }
  }
  const claims = crypto.claims
  const issuerKey = options.trustedIssuerKeys.find((k) => k.kid === crypto.key?.kid)

  // Status: the issuer's own signed list; never fetched unless the user gave a URL.
  let statusChecked = false
  if (options.statusList !== undefined || options.statusListToken !== undefined) {
    const token =
      options.statusListToken ?? (await loadStatusListToken(options.statusList as string))
    const result = await checkStatus(claims.status, token, {
      trustedKeys: issuerKey ? [{ kid: issuerKey.kid, jwk: issuerKey.jwk }] : [],
      nowSeconds: options.nowSeconds,
      ...(options.statusListCache ? { cache: options.statusListCache } : {}),
    })
    checks.push(result)
    // Checked means the list gave an answer: valid, or revoked/suspended (which fail on their own).
    statusChecked =
      result.outcome === 'pass' || result.reason === 'revoked' || result.reason === 'suspended'
  } else if (claims.status !== undefined) {
    checks.push({
      check: 'status',
      outcome: 'skipped',
      reason: 'status-unavailable',
      message: 'no status list given (--status-list); revocation was not checked',
    })
  }

  if (options.artifactsDir !== undefined) {
    const artifactChecks = await verifyArtifacts(
      options.artifactsDir,
      claims.credentialSubject.artifacts,
      { ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
    )
    checks.push(summarizeArtifactChecks(artifactChecks))
    checks.push(...artifactChecks.filter((c) => c.outcome !== 'pass'))
  }

  const endorsements: { result: EndorsementResult; assessor?: TrustedKey & { kind: string } }[] = []
  for (const file of options.endorsements ?? []) {
    const text = await readEndorsementFile(file)
    const result = await verifyEndorsement(text, {
      passportIssuerJwt: crypto.issuerJwt,
      trustedAssessorKeys: options.trustedAssessorKeys.map((k) => ({ kid: k.kid, jwk: k.jwk })),
      nowSeconds: options.nowSeconds,
      sha256: (data) => sha256Hex(data),
    })
    // The assessor's name and kind come from the buyer's policy (matched by the signing key),
    // never from what the endorsement says about itself.
    const assessor = result.valid ? assessorOf(text, options.trustedAssessorKeys) : undefined
    endorsements.push({ result, ...(assessor ? { assessor } : {}) })
    checks.push({
      check: `endorsement:${file}`,
      outcome: result.valid ? 'pass' : 'fail',
      reason: result.reason,
      message: result.valid
        ? `endorsed by ${assessor?.name ?? result.issuer} (${assessor?.kind ?? '?'}): checked ${result.checked.join(', ')}`
        : result.message,
    })
  }

  const incidents =
    options.incidentReports === undefined
      ? undefined
      : await checkIncidentReports(options.incidentReports, {
          passportIssuerJwt: crypto.issuerJwt,
          passportIssuerKid: crypto.key?.kid ?? '',
          trustedIssuerKeys: options.trustedIssuerKeys,
          trustedAssessorKeys: options.trustedAssessorKeys,
          nowSeconds: options.nowSeconds,
          // As the buyer sees it: an undisclosed classification is unknown (Art. 73(1)).
          classification: incidentClassificationOf(claims.credentialSubject),
        })

  const subject = claims.credentialSubject
  checks.push(
    ...evaluatePolicy(options.policy, {
      claims,
      disclosed: {
        jurisdictions: Object.keys(subject.classification ?? {}),
        frameworks: Object.keys(subject.obligations ?? {}),
      },
      endorsements: endorsements.map(({ result, assessor }) => ({
        valid: result.valid,
        checked: result.checked,
        ...(assessor
          ? {
              issuerName: assessor.name,
              kind: assessor.kind,
              // One assessor may hold several keys (a JWK Set): it is identified by its entry.
              assessorId: `${assessor.kind}:${assessor.name}`,
            }
          : {}),
      })),
      nowSeconds: options.nowSeconds,
      statusChecked,
      ...(incidents === undefined ? {} : { incidents }),
    }),
  )
  return {
    verdict: verdictFrom(checks),
    checks,
    claims,
    endorsements: endorsements.map(({ result, assessor }) => ({
      issuer: assessor?.name ?? result.issuer,
      checked: result.checked,
      valid: result.valid,
      reason: result.reason,
    })),
    ...(crypto.key === undefined ? {} : { issuerKey: crypto.key }),
    ...(incidents === undefined ? {} : { incidents }),
    ...(incidents === undefined || options.incidentsFrom === undefined
      ? {}
      : { incidentsFrom: options.incidentsFrom }),
  }
}

const MAX_ENDORSEMENT_FILE_BYTES = 256 * 1024

async function readEndorsementFile(file: string): Promise<string> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (cause) {
    throw new PassportError({
      code: 'ERR_CONFIG_FILE_NOT_FOUND',
      message: `endorsement file ${file} cannot be read`,
      cause,
    })
  }
  if (buf.length > MAX_ENDORSEMENT_FILE_BYTES) {
    throw new PassportError({
      code: 'ERR_PASSPORT_MALFORMED',
      message: `endorsement file ${file} is larger than ${MAX_ENDORSEMENT_FILE_BYTES} bytes`,
    })
  }
  return buf.toString('utf8').trim()
}

/** The policy's assessor whose key signed this (already verified) endorsement. */
function assessorOf<K extends TrustedKey>(token: string, keys: readonly K[]): K | undefined {
  try {
    const kid = decodeProtectedHeader(token.split('~')[0] ?? '').kid
    return keys.find((k) => k.kid === kid)
  } catch {
    return undefined
  }
}

/**
 * Where a status list is served when the issuer did not say: `<issuer>/status/<kid>` for an
 * https issuer, else a placeholder under the reserved `.invalid` domain (RFC 2606), which makes
 * plain that the list is handed to verifiers as a file until a registry serves it.
 */
export function defaultStatusUri(issuer: string | undefined, kid: string): string {
  if (issuer !== undefined && /^https:\/\/[^\s]+$/.test(issuer))
    return `${issuer.replace(/\/+$/, '')}/status/${kid}`
  return `https://status.accord.invalid/${kid}`
}

/**
 * The artifact problems of `err` (issues whose path is the artifact's index) placed in the
 * manifest: its file, the line and column of `models[i].artifacts[j]`, and a hint for that entry.
 * The locator is imported only here, as it imports `yaml`.
 */
async function placedInManifest(
  err: EvidenceError,
  system: LoadedSystem,
  places: readonly (readonly ['models', number, 'artifacts', number])[],
  artifactsDir: string,
): Promise<EvidenceError> {
  const { createYamlLocator } = await import('../core/manifest/locate.js')
  const locate = createYamlLocator(system.text)
  const issues = err.issues.map((issue) => {
    const place = places[issue.path[0] as number]
    if (place === undefined) return issue
    const [, i, , j] = place
    return {
      ...issue,
      path: [...place],
      file: system.file,
      ...locate(place),
      hint: `fix models[${i}].artifacts[${j}] (a path relative to ${artifactsDir}) or add the file there`,
    }
  })
  const n = issues.length
  return new EvidenceError({
    code: err.code,
    message: `${system.file}: ${n === 1 ? (issues[0]?.message ?? err.message) : `${n} model artifacts cannot be hashed`}`,
    issues,
    ...(err.details === undefined ? {} : { details: err.details }),
  })
}
