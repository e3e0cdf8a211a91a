/**
 * What changed between two passports of a system, as a buyer reads it: the passport it accepted
 * and the one the vendor sends with an update (`accord diff`). Each change says whether it is
 * worse or better for the buyer where that can be told from the change alone (an obligation that
 * was met is now missing; a shorter update notice; a remote kill switch that appeared), needs a
 * person's review where it cannot (a new intended purpose, a changed model file, another
 * category), or is neutral (a new version number, a later law version).
 *
 * Passports are selectively disclosed: a classification, a framework's obligations or an
 * evidence item that only one of the two discloses cannot be compared, and is listed as such
 * rather than as added or removed.
 */
import { z } from 'zod'
import { compareCodeUnits } from '../compare.js'
import { regionWithin } from '../policy/regions.js'
import { disclosedClaimsOf } from './present.js'
import type { SdHasher } from './sd-jwt.js'
import {
  PASSPORT_VCT,
  type AssuranceCommitments,
  type FrameworkStatus,
  type ObligationStatus,
  type PassportClaims,
  type PassportSubject,
} from './types.js'

/**
 * The members of a passport's claims that `diffPassports` reads, with their types: a token that is
 * not an Accord passport (or was read without verification and is not what it claims) is refused
 * before it is compared. Members it does not read may be anything (loose objects).
 */
const text = z.string()
const FrameworkStatusShape = z.looseObject({
  readiness: z.number(),
  byStatus: z.looseObject({
    met: z.array(text),
    partial: z.array(text),
    missing: z.array(text),
    'not-applicable': z.array(text),
  }),
})
export const DiffablePassport = z.looseObject({
  jti: text,
  iss: text,
  iat: z.number(),
  exp: z.number(),
  validUntil: text,
  credentialSubject: z.looseObject({
    id: text,
    system: z.looseObject({ name: text, version: text, intendedPurpose: text }),
    provider: z.looseObject({ name: text, country: text }),
    manifest: z.looseObject({ sha256: text }),
    artifacts: z.array(z.looseObject({ path: text, sha256: text })),
    catalogs: z.array(z.unknown()),
    classification: z.record(
      text,
      z.looseObject({
        category: text,
        citations: z.array(text),
        gpai: text.nullable(),
        lawVersion: text,
        derogationApplied: z.boolean(),
      }),
    ),
    obligations: z.record(text, FrameworkStatusShape),
    evidence: z.looseObject({
      merkleRoot: text,
      count: z.number(),
      items: z.array(
        z.looseObject({
          id: text,
          sha256: text,
          supports: z.array(text),
          assessedBy: z.enum(['self', 'third-party', 'notified-body']),
          validUntil: text.optional(),
        }),
      ),
    }),
    assurance: z
      .looseObject({
        updateNoticeDays: z.number(),
        remoteDisable: z.looseObject({
          exists: z.boolean(),
          controlledBy: z.enum(['vendor', 'deployer', 'joint', 'none']),
        }),
        dataResidency: z.array(text),
        auditRights: z.looseObject({
          granted: z.boolean(),
          scope: text.optional(),
          noticeDays: z.number().optional(),
        }),
        incidentNotificationHours: z.number(),
        supportUntil: text,
      })
      .optional(),
    assessor: z.looseObject({ type: z.enum(['self', 'third-party', 'notified-body']) }),
  }),
})

/**
 * `claims` as `diffPassports` takes them, or the first member that is missing or of another
 * type (`credentialSubject.assurance.updateNoticeDays: expected number`).
 */
export function diffableClaims(
  claims: unknown,
): { ok: true; claims: PassportClaims } | { ok: false; problem: string } {
  const parsed = DiffablePassport.safeParse(claims)
  if (parsed.success) return { ok: true, claims: claims as PassportClaims }
  const issue = parsed.error.issues[0] as z.core.$ZodIssue
  return { ok: false, problem: `${issue.path.join('.') || '(claims)'}: ${issue.message}` }
}

/**
 * The disclosed claims of passport `sdJwt` (SD-JWT, NOT verified here) as `diffPassports` takes
 * them, or why not, as words that follow "passport <name> ": it does not decode, is another kind
 * of credential (`vct`), or lacks a member the comparison reads. For `accord diff` and the
 * registry's changes route alike.
 */
export function diffablePassport(
  sdJwt: string,
  hasher: SdHasher,
): { ok: true; claims: PassportClaims } | { ok: false; problem: string } {
  let claims: unknown
  try {
    claims = disclosedClaimsOf(sdJwt, hasher)
  } catch {
    return { ok: false, problem: 'does not decode as an SD-JWT' }
  }
  const vct = (claims as { vct?: unknown }).vct
  if (vct !== PASSPORT_VCT)
    return {
      ok: false,
      problem: `is not an AI regulatory passport (vct ${JSON.stringify(vct)}, expected ${PASSPORT_VCT})`,
    }
  const read = diffableClaims(claims)
  return read.ok ? read : { ok: false, problem: `cannot be compared: ${read.problem}` }
}

/** Whether a change is good or bad news for the buyer. */
export type ChangeEffect = 'worse' | 'better' | 'review' | 'neutral'

export const CHANGE_EFFECTS: readonly ChangeEffect[] = ['worse', 'better', 'review', 'neutral']

export type ChangeArea =
  | 'system'
  | 'provider'
  | 'artifacts'
  | 'classification'
  | 'obligations'
  | 'evidence'
  | 'assurance'
  | 'assessor'
  | 'catalogs'
  | 'validity'

export interface PassportChange {
  area: ChangeArea
  /** Where in the passport's subject, e.g. `assurance.updateNoticeDays`, `obligations.eu-ai-act.art-9`. */
  path: string
  /** The value in the old passport; null when the new one added it. */
  before: unknown
  /** The value in the new passport; null when it was removed. */
  after: unknown
  effect: ChangeEffect
  /** The change in plain words. */
  message: string
}

export interface PassportDiff {
  old: PassportRef
  new: PassportRef
  /** Both passports are about the same system (`credentialSubject.id`). */
  sameSystem: boolean
  sameIssuer: boolean
  /** Sorted by effect (worse first), then area and path. */
  changes: PassportChange[]
  /** How many changes of each effect. */
  counts: Record<ChangeEffect, number>
  /** Parts disclosed in only one of the two, which cannot be compared. */
  notComparable: { path: string; disclosedIn: 'old' | 'new' }[]
}

export interface PassportRef {
  jti: string
  issuer: string
  system: string
  version: string
  issuedAt: string
}

const STATUS_RANK: Record<Exclude<ObligationStatus, 'not-applicable'>, number> = {
  missing: 0,
  partial: 1,
  met: 2,
}

/** Who can disable the system remotely, from best to worst for the buyer. */
const CONTROL_RANK: Record<AssuranceCommitments['remoteDisable']['controlledBy'], number> = {
  none: 0,
  deployer: 1,
  joint: 2,
  vendor: 3,
}

const ASSESSOR_RANK: Record<PassportSubject['assessor']['type'], number> = {
  self: 0,
  'third-party': 1,
  'notified-body': 2,
}

const ORDER: Record<ChangeEffect, number> = { worse: 0, better: 1, review: 2, neutral: 3 }

function ref(c: PassportClaims): PassportRef {
  return {
    jti: c.jti,
    issuer: c.iss,
    system: c.credentialSubject.system.name,
    version: c.credentialSubject.system.version,
    issuedAt: new Date(c.iat * 1000).toISOString(),
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** An effect, or how to tell it from the two values. */
type Judge<T> = ChangeEffect | ((b: T, a: T) => ChangeEffect)
/** A message, or how to write it from the two values. */
type Say<T> = string | ((b: T, a: T) => string)

/** The changes found so far, and the parts that could not be compared. */
class Found {
  readonly changes: PassportChange[] = []
  readonly notComparable: PassportDiff['notComparable'] = []

  /** A recorder for one area: `(path, before, after, effect, message)`, kept when they differ. */
  area(area: ChangeArea) {
    return <T>(path: string, b: T, a: T, effect: Judge<T>, message: Say<T>): void => {
      if (same(b, a)) return
      this.changes.push({
        area,
        path,
        before: b ?? null,
        after: a ?? null,
        effect: typeof effect === 'function' ? effect(b, a) : effect,
        message: typeof message === 'function' ? message(b, a) : message,
      })
    }
  }

  /** A part only one passport discloses: true (and recorded) when so. */
  oneSided(path: string, b: unknown, a: unknown): boolean {
    if (b !== undefined && a !== undefined) return false
    this.notComparable.push({ path, disclosedIn: b === undefined ? 'new' : 'old' })
    return true
  }
}

/** `after` against `before` for a number where more is better (`moreIsBetter`) or worse. */
const byNumber =
  (moreIsBetter: boolean) =>
  (b: number, a: number): ChangeEffect =>
    a > b === moreIsBetter ? 'better' : 'worse'

/** Compares two passports' disclosed claims (see the module comment). */
export function diffPassports(oldClaims: PassportClaims, newClaims: PassportClaims): PassportDiff {
  const before = oldClaims.credentialSubject
  const after = newClaims.credentialSubject
  const found = new Found()
  const system = found.area('system')
  system('id', before.id, after.id, 'review', 'the passports are about different systems')
  system('system.name', before.system.name, after.system.name, 'review', 'system name changed')
  system('system.version', before.system.version, after.system.version, 'neutral', 'new version')
  system(
    'system.intendedPurpose',
    before.system.intendedPurpose,
    after.system.intendedPurpose,
    'review',
    'intended purpose changed (what the classification rests on)',
  )
  system(
    'manifest.sha256',
    before.manifest.sha256,
    after.manifest.sha256,
    'neutral',
    'manifest changed',
  )
  found.area('provider')('provider', before.provider, after.provider, 'review', 'provider changed')
  diffArtifacts(before, after, found)
  diffClassification(before, after, found)
  diffObligations(before, after, found)
  diffEvidence(before, after, found)
  diffAssurance(before.assurance, after.assurance, found)
  diffAssessor(before.assessor, after.assessor, found)
  found.area('catalogs')(
    'catalogs',
    before.catalogs,
    after.catalogs,
    'neutral',
    'catalog versions changed',
  )
  const shorter = newClaims.exp < oldClaims.exp
  found.area('validity')(
    'validUntil',
    oldClaims.validUntil,
    newClaims.validUntil,
    shorter ? 'review' : 'neutral',
    shorter ? 'valid for a shorter time' : 'valid until a later date',
  )

  const changes = found.changes.sort(
    (x, y) =>
      ORDER[x.effect] - ORDER[y.effect] ||
      compareCodeUnits(x.area, y.area) ||
      compareCodeUnits(x.path, y.path),
  )
  const counts = { worse: 0, better: 0, review: 0, neutral: 0 }
  for (const c of changes) counts[c.effect]++
  return {
    old: ref(oldClaims),
    new: ref(newClaims),
    sameSystem: before.id === after.id,
    sameIssuer: oldClaims.iss === newClaims.iss,
    changes,
    counts,
    notComparable: found.notComparable.sort((x, y) => compareCodeUnits(x.path, y.path)),
  }
}

function diffArtifacts(before: PassportSubject, after: PassportSubject, found: Found): void {
  const record = found.area('artifacts')
  const sameVersion = before.system.version === after.system.version
  const old = new Map(before.artifacts.map((a) => [a.path, a.sha256]))
  const now = new Map(after.artifacts.map((a) => [a.path, a.sha256]))
  for (const path of union([...old.keys()], [...now.keys()])) {
    const b = old.get(path)
    const a = now.get(path)
    record(
      `artifacts.${path}`,
      b,
      a,
      b === undefined || a === undefined || sameVersion ? 'review' : 'neutral',
      a === undefined
        ? 'artifact no longer in the passport'
        : b === undefined
          ? 'new artifact'
          : sameVersion
            ? 'artifact changed although the version did not'
            : 'artifact changed with the new version',
    )
  }
}

function diffClassification(before: PassportSubject, after: PassportSubject, found: Found): void {
  const record = found.area('classification')
  for (const j of union(Object.keys(before.classification), Object.keys(after.classification))) {
    const b = before.classification[j]
    const a = after.classification[j]
    const path = `classification.${j}`
    if (found.oneSided(path, b, a) || b === undefined || a === undefined) continue
    const prohibited = a.category === 'prohibited'
    record(
      `${path}.category`,
      b.category,
      a.category,
      prohibited ? 'worse' : 'review',
      prohibited ? 'now a prohibited practice' : 'category changed: other obligations apply',
    )
    record(`${path}.citations`, b.citations, a.citations, 'review', 'legal basis changed')
    record(`${path}.gpai`, b.gpai, a.gpai, 'review', 'general-purpose AI status changed')
    record(
      `${path}.derogationApplied`,
      b.derogationApplied,
      a.derogationApplied,
      'review',
      a.derogationApplied
        ? 'now claims the Art. 6(3) derogation (not high-risk)'
        : 'no longer claims the Art. 6(3) derogation',
    )
    record(`${path}.lawVersion`, b.lawVersion, a.lawVersion, 'neutral', 'law version changed')
    record(`${path}.legacy`, b.legacy, a.legacy, 'review', 'transitional (Art. 111) status changed')
  }
}

function statusById(f: FrameworkStatus): Map<string, ObligationStatus> {
  const out = new Map<string, ObligationStatus>()
  for (const [status, ids] of Object.entries(f.byStatus) as [ObligationStatus, string[]][])
    for (const id of ids) out.set(id, status)
  return out
}

/** The effect of an obligation's status going from `b` to `a` (undefined: not listed). */
function statusEffect(
  b: ObligationStatus | undefined,
  a: ObligationStatus | undefined,
): ChangeEffect {
  if (b === undefined) return a === 'missing' || a === 'partial' ? 'worse' : 'neutral'
  if (a === undefined || b === 'not-applicable' || a === 'not-applicable') return 'review'
  return STATUS_RANK[a] < STATUS_RANK[b] ? 'worse' : 'better'
}

function statusMessage(b: ObligationStatus | undefined, a: ObligationStatus | undefined): string {
  if (b === undefined) return `now listed, ${a}`
  if (a === undefined) return 'no longer listed'
  if (a === 'not-applicable') return 'now not applicable'
  if (b === 'not-applicable') return 'now applicable'
  return `${b} → ${a}`
}

function diffObligations(before: PassportSubject, after: PassportSubject, found: Found): void {
  const record = found.area('obligations')
  for (const fw of union(Object.keys(before.obligations), Object.keys(after.obligations))) {
    const b = before.obligations[fw]
    const a = after.obligations[fw]
    if (found.oneSided(`obligations.${fw}`, b, a) || b === undefined || a === undefined) continue
    // A summary of the per-obligation changes below, which carry the judgement.
    record(
      `obligations.${fw}.readiness`,
      b.readiness,
      a.readiness,
      'neutral',
      (x, y) => `readiness ${x} → ${y}`,
    )
    const old = statusById(b)
    const now = statusById(a)
    for (const id of union([...old.keys()], [...now.keys()]))
      record(`obligations.${fw}.${id}`, old.get(id), now.get(id), statusEffect, statusMessage)
  }
}

function diffEvidence(before: PassportSubject, after: PassportSubject, found: Found): void {
  const record = found.area('evidence')
  record(
    'evidence.merkleRoot',
    before.evidence.merkleRoot,
    after.evidence.merkleRoot,
    'neutral',
    `evidence set changed (${before.evidence.count} → ${after.evidence.count} items)`,
  )
  const old = new Map(before.evidence.items.map((i) => [i.id, i]))
  const now = new Map(after.evidence.items.map((i) => [i.id, i]))
  for (const id of union([...old.keys()], [...now.keys()])) {
    const b = old.get(id)
    const a = now.get(id)
    const path = `evidence.items.${id}`
    // An item one passport discloses and the other does not may be in both commitments.
    if (found.oneSided(path, b, a) || b === undefined || a === undefined) continue
    record(`${path}.sha256`, b.sha256, a.sha256, 'neutral', 'document changed')
    record(
      `${path}.assessedBy`,
      b.assessedBy,
      a.assessedBy,
      (x, y) => (ASSESSOR_RANK[y] < ASSESSOR_RANK[x] ? 'worse' : 'better'),
      (x, y) => `assessed by ${x} → ${y}`,
    )
    record(`${path}.supports`, b.supports, a.supports, 'review', 'obligations it supports changed')
    record(
      `${path}.validUntil`,
      b.validUntil,
      a.validUntil,
      // No validUntil: valid without an end date.
      (x, y) => (y !== undefined && (x === undefined || y < x) ? 'worse' : 'better'),
      (x, y) => `valid until ${x ?? '(no end date)'} → ${y ?? '(no end date)'}`,
    )
  }
}

function diffAssurance(
  b: AssuranceCommitments | undefined,
  a: AssuranceCommitments | undefined,
  found: Found,
): void {
  const record = found.area('assurance')
  if (b === undefined || a === undefined) {
    record(
      'assurance',
      b,
      a,
      a === undefined ? 'worse' : 'better',
      a === undefined ? 'assurance commitments withdrawn' : 'assurance commitments added',
    )
    return
  }
  record(
    'assurance.updateNoticeDays',
    b.updateNoticeDays,
    a.updateNoticeDays,
    byNumber(true),
    'notice before behaviour-changing updates (days)',
  )
  record(
    'assurance.remoteDisable.exists',
    b.remoteDisable.exists,
    a.remoteDisable.exists,
    (_, y) => (y ? 'worse' : 'better'),
    (_, y) =>
      y
        ? 'the system can now be disabled remotely'
        : 'the system can no longer be disabled remotely',
  )
  record(
    'assurance.remoteDisable.controlledBy',
    b.remoteDisable.controlledBy,
    a.remoteDisable.controlledBy,
    (x, y) => (CONTROL_RANK[y] > CONTROL_RANK[x] ? 'worse' : 'better'),
    'who controls remote disabling',
  )
  // Data kept in more places is weaker; in fewer, stronger; some of each needs a look. Regions
  // compare by the countries they stand for (EU = its 27 member states), as policies check them.
  const added = a.dataResidency.filter((r) => !regionWithin(r, b.dataResidency))
  const removed = b.dataResidency.filter((r) => !regionWithin(r, a.dataResidency))
  record(
    'assurance.dataResidency',
    [...new Set(b.dataResidency)].sort(),
    [...new Set(a.dataResidency)].sort(),
    added.length > 0 && removed.length > 0
      ? 'review'
      : added.length > 0
        ? 'worse'
        : removed.length > 0
          ? 'better'
          : 'neutral',
    [
      added.length ? `data may now be kept in ${added.join(', ')}` : '',
      removed.length ? `no longer in ${removed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ') || 'the same countries, written differently',
  )
  record(
    'assurance.auditRights.granted',
    b.auditRights.granted,
    a.auditRights.granted,
    (_, y) => (y ? 'better' : 'worse'),
    (_, y) => (y ? 'audit rights granted' : 'audit rights withdrawn'),
  )
  if (b.auditRights.noticeDays !== undefined && a.auditRights.noticeDays !== undefined)
    record(
      'assurance.auditRights.noticeDays',
      b.auditRights.noticeDays,
      a.auditRights.noticeDays,
      byNumber(false),
      'notice the vendor needs before an audit (days)',
    )
  record(
    'assurance.auditRights.scope',
    b.auditRights.scope,
    a.auditRights.scope,
    'review',
    'audit scope changed',
  )
  record(
    'assurance.incidentNotificationHours',
    b.incidentNotificationHours,
    a.incidentNotificationHours,
    byNumber(false),
    'hours to notify the buyer of an incident',
  )
  record(
    'assurance.supportUntil',
    b.supportUntil,
    a.supportUntil,
    (x, y) => (y < x ? 'worse' : 'better'),
    (x, y) => (y < x ? 'support ends earlier' : 'support extended'),
  )
}

function diffAssessor(
  b: PassportSubject['assessor'],
  a: PassportSubject['assessor'],
  found: Found,
): void {
  const record = found.area('assessor')
  if (b.type !== a.type)
    record(
      'assessor.type',
      b.type,
      a.type,
      (x, y) => (ASSESSOR_RANK[y] < ASSESSOR_RANK[x] ? 'worse' : 'better'),
      (x, y) => `assessed by ${x} → ${y}`,
    )
  else
    record(
      'assessor',
      { name: b.name, identifier: b.identifier },
      { name: a.name, identifier: a.identifier },
      'review',
      'another assessor',
    )
}

/** The members of `a` and `b`, each once, sorted. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort(compareCodeUnits)
}
