/**
 * Serious-incident reports for a buyer's verification (`accord verify --incident/--incidents`,
 * `POST /api/v1/verify`): gathering them (files, a registry's list), verifying each against the
 * passport, and deciding which count (src/core/incident/buyer.ts).
 */
import { createHash } from 'node:crypto'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { PassportError, TlogError } from '../core/errors.js'
import {
  incidentsForBuyer,
  type BuyerIncident,
  type CheckedIncidentReport,
} from '../core/incident/buyer.js'
import type { IncidentClassification } from '../core/incident/classification.js'
import { decodeIncidentReport, verifyIncidentReport } from '../core/incident/report.js'
import type { TrustedKey } from '../core/passport/verify.js'
import { readReportFile } from './incident.js'
import { fetchPassportIncidents, type LogHttpOptions } from './tlog/http.js'

/** One report to look at: its token and, from a registry, the reporter's public JWK. */
export interface IncidentReportInput {
  /** Where it came from, for messages: a file path, or `<registry> report <id>`. */
  source: string
  token: string
  /** The reporter's public JWK as a registry gives it; used only if its thumbprint is the kid. */
  jwk?: Record<string, unknown>
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

/** Reads `--incident` files (ERR_PASSPORT_INCIDENT_NOT_FOUND / _INVALID when one is not a report). */
export async function readIncidentReports(
  files: readonly string[],
): Promise<IncidentReportInput[]> {
  const out: IncidentReportInput[] = []
  for (const file of files) out.push({ source: file, token: (await readReportFile(file)).token })
  return out
}

/** A registry's incidents list item, as far as it is read here (untrusted: every report is verified). */
interface ListedReport {
  id?: unknown
  token?: unknown
  reporterJwk?: unknown
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The reports a registry holds for passport `passportId` (`GET /api/v1/passports/:id/incidents`,
 * a bounded read), or null when the registry does not hold the passport.
 */
export async function fetchIncidentReports(
  registry: string,
  passportId: string,
  options: LogHttpOptions = {},
): Promise<IncidentReportInput[] | null> {
  const body = await fetchPassportIncidents(registry, passportId, options)
  if (body === null) return null
  const items = isRecord(body) ? body.items : undefined
  if (!Array.isArray(items))
    throw new TlogError({
      code: 'ERR_TLOG_INVALID',
      message: `the registry at ${registry} answered the incident list of ${passportId} without an items list`,
    })
  const out: IncidentReportInput[] = []
  for (const item of items) {
    const reports = isRecord(item) && Array.isArray(item.reports) ? item.reports : []
    for (const r of reports as ListedReport[]) {
      if (!isRecord(r) || typeof r.token !== 'string') continue
      out.push({
        source: `${registry} report ${typeof r.id === 'string' ? r.id : '?'}`,
        token: r.token,
        ...(isRecord(r.reporterJwk) ? { jwk: r.reporterJwk } : {}),
      })
    }
  }
  return out
}

export interface CheckIncidentsOptions {
  /** The passport's issuer-signed JWT (or the whole SD-JWT). */
  passportIssuerJwt: string
  /** The key that signed the passport. */
  passportIssuerKid: string
  trustedIssuerKeys: readonly TrustedKey[]
  trustedAssessorKeys: readonly (TrustedKey & { kind?: string })[]
  nowSeconds: number
  /** The passport's EU classification (incidentClassificationOf its verified claims). */
  classification: IncidentClassification
}

/** The reporter JWK a registry gave, when its RFC 7638 thumbprint is the report's kid. */
async function selfNamedKey(
  jwk: Record<string, unknown> | undefined,
  kid: string,
): Promise<{ kid: string; jwk: Record<string, unknown> } | undefined> {
  if (jwk === undefined) return undefined
  try {
    const thumbprint = await calculateJwkThumbprint(jwk as JWK, 'sha256')
    return thumbprint === kid ? { kid, jwk } : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies every report against the passport and the buyer's keys (plus, for a registry's
 * report, the reporter key it came with) and gives the incidents as the buyer sees them. A
 * token that is not an incident report at all is an error (ERR_PASSPORT_INCIDENT_INVALID).
 */
export async function checkIncidentReports(
  reports: readonly IncidentReportInput[],
  options: CheckIncidentsOptions,
): Promise<BuyerIncident[]> {
  const trusted = [...options.trustedIssuerKeys, ...options.trustedAssessorKeys].map((k) => ({
    kid: k.kid,
    jwk: k.jwk,
  }))
  const checked: CheckedIncidentReport[] = []
  for (const input of reports) {
    const decoded = decodeIncidentReport(input.token)
    if (!decoded.ok)
      throw new PassportError({
        code: 'ERR_PASSPORT_INCIDENT_INVALID',
        message: `${input.source}: not an Accord incident report: ${decoded.message}`,
      })
    const own = await selfNamedKey(input.jwk, decoded.kid)
    const result = await verifyIncidentReport(input.token, {
      passportIssuerJwt: options.passportIssuerJwt,
      reporterKeys: own === undefined ? trusted : [...trusted, own],
      nowSeconds: options.nowSeconds,
      sha256: sha256Hex,
    })
    checked.push({
      source: input.source,
      kid: decoded.kid,
      claims: result.claims ?? decoded.claims,
      reason: result.reason,
      message: result.message,
    })
  }
  const names = (keys: readonly TrustedKey[]) =>
    new Map(keys.map((k) => [k.kid, k.name ?? k.kid] as const))
  return incidentsForBuyer(
    checked,
    {
      passportIssuerKid: options.passportIssuerKid,
      issuerKids: names(options.trustedIssuerKeys),
      assessorKids: names(options.trustedAssessorKeys),
    },
    options.nowSeconds,
    options.classification,
  )
}
