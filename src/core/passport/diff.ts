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
import type {
  AssuranceCommitments,
  FrameworkStatus,
  ObligationStatus,
  PassportClaims,
  PassportSubject,
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

/** Compares two passports' disclosed claims (see the module comment). */
export function diffPassports(oldClaims: PassportClaims, newClaims: PassportClaims): PassportDiff {
  const before = oldClaims.credentialSubject
  const after = newClaims.credentialSubject
  const changes: PassportChange[] = []
  const notComparable: PassportDiff['notComparable'] = []
  const add = (
    area: ChangeArea,
    path: string,
    b: unknown,
    a: unknown,
    effect: ChangeEffect,
    message: string,
  ) => changes.push({ area, path, before: b ?? null, after: a ?? null, effect, message })
  /** A plain field: a change of it has the given effect. */
  const field = (
    area: ChangeArea,
    path: string,
    b: unknown,
    a: unknown,
    effect: ChangeEffect,
    what: string,
  ) => {
    if (!same(b, a)) add(area, path, b, a, effect, `${what} changed`)
  }

  if (before.id !== after.id)
    add(
      'system',
      'id',
      before.id,
      after.id,
      'review',
      'the passports are about different systems (another provider or system name)',
    )
  field('system', 'system.name', before.system.name, after.system.name, 'review', 'system name')
  field(
    'system',
    'system.version',
    before.system.version,
    after.system.version,
    'neutral',
    'version',
  )
  field(
    'system',
    'system.intendedPurpose',
    before.system.intendedPurpose,
    after.system.intendedPurpose,
    'review',
    'intended purpose (what the classification rests on)',
  )
  field(
    'system',
    'manifest.sha256',
    before.manifest.sha256,
    after.manifest.sha256,
    'neutral',
    'manifest',
  )
  field('provider', 'provider', before.provider, after.provider, 'review', 'provider')

  diffArtifacts(before, after, add)
  diffClassification(before, after, add, notComparable)
  diffObligations(before, after, add, notComparable)
  diffEvidence(before, after, add, notComparable)
  diffAssurance(before.assurance, after.assurance, add)
  diffAssessor(before, after, add)
  field('catalogs', 'catalogs', before.catalogs, after.catalogs, 'neutral', 'catalog versions')
  if (oldClaims.exp !== newClaims.exp)
    add(
      'validity',
      'validUntil',
      oldClaims.validUntil,
      newClaims.validUntil,
      newClaims.exp < oldClaims.exp ? 'review' : 'neutral',
      newClaims.exp < oldClaims.exp ? 'valid for a shorter time' : 'valid until a later date',
    )

  changes.sort(
    (x, y) =>
      ORDER[x.effect] - ORDER[y.effect] ||
      compareCodeUnits(x.area, y.area) ||
      compareCodeUnits(x.path, y.path),
  )
  notComparable.sort((x, y) => compareCodeUnits(x.path, y.path))
  const counts = { worse: 0, better: 0, review: 0, neutral: 0 }
  for (const c of changes) counts[c.effect]++
  return {
    old: ref(oldClaims),
    new: ref(newClaims),
    sameSystem: before.id === after.id,
    sameIssuer: oldClaims.iss === newClaims.iss,
    changes,
    counts,
    notComparable,
  }
}

type Add = (
  area: ChangeArea,
  path: string,
  b: unknown,
  a: unknown,
  effect: ChangeEffect,
  message: string,
) => void

function diffArtifacts(before: PassportSubject, after: PassportSubject, add: Add): void {
  const old = new Map(before.artifacts.map((a) => [a.path, a.sha256]))
  const now = new Map(after.artifacts.map((a) => [a.path, a.sha256]))
  for (const [path, sha] of old) {
    const next = now.get(path)
    if (next === undefined)
      add(
        'artifacts',
        `artifacts.${path}`,
        sha,
        null,
        'review',
        'artifact no longer in the passport',
      )
    else if (next !== sha)
      add(
        'artifacts',
        `artifacts.${path}`,
        sha,
        next,
        before.system.version === after.system.version ? 'review' : 'neutral',
        before.system.version === after.system.version
          ? 'artifact changed although the version did not'
          : 'artifact changed with the new version',
      )
  }
  for (const [path, sha] of now)
    if (!old.has(path)) add('artifacts', `artifacts.${path}`, null, sha, 'review', 'new artifact')
}

function diffClassification(
  before: PassportSubject,
  after: PassportSubject,
  add: Add,
  notComparable: PassportDiff['notComparable'],
): void {
  for (const j of union(Object.keys(before.classification), Object.keys(after.classification))) {
    const b = before.classification[j]
    const a = after.classification[j]
    const path = `classification.${j}`
    if (b === undefined || a === undefined) {
      notComparable.push({ path, disclosedIn: b === undefined ? 'new' : 'old' })
      continue
    }
    if (b.category !== a.category)
      add(
        'classification',
        `${path}.category`,
        b.category,
        a.category,
        a.category === 'prohibited' ? 'worse' : 'review',
        a.category === 'prohibited'
          ? 'now a prohibited practice'
          : `category changed: other obligations apply`,
      )
    if (!same(b.citations, a.citations))
      add(
        'classification',
        `${path}.citations`,
        b.citations,
        a.citations,
        'review',
        'legal basis changed',
      )
    if (b.gpai !== a.gpai)
      add(
        'classification',
        `${path}.gpai`,
        b.gpai,
        a.gpai,
        'review',
        'general-purpose AI status changed',
      )
    if (b.derogationApplied !== a.derogationApplied)
      add(
        'classification',
        `${path}.derogationApplied`,
        b.derogationApplied,
        a.derogationApplied,
        'review',
        a.derogationApplied
          ? 'now claims the Art. 6(3) derogation (not high-risk)'
          : 'no longer claims the Art. 6(3) derogation',
      )
    if (b.lawVersion !== a.lawVersion)
      add(
        'classification',
        `${path}.lawVersion`,
        b.lawVersion,
        a.lawVersion,
        'neutral',
        'law version',
      )
    if (!same(b.legacy, a.legacy))
      add(
        'classification',
        `${path}.legacy`,
        b.legacy,
        a.legacy,
        'review',
        'transitional (Art. 111) status changed',
      )
  }
}

function statusById(f: FrameworkStatus): Map<string, ObligationStatus> {
  const out = new Map<string, ObligationStatus>()
  for (const [status, ids] of Object.entries(f.byStatus) as [ObligationStatus, string[]][])
    for (const id of ids) out.set(id, status)
  return out
}

function diffObligations(
  before: PassportSubject,
  after: PassportSubject,
  add: Add,
  notComparable: PassportDiff['notComparable'],
): void {
  for (const fw of union(Object.keys(before.obligations), Object.keys(after.obligations))) {
    const b = before.obligations[fw]
    const a = after.obligations[fw]
    if (b === undefined || a === undefined) {
      notComparable.push({
        path: `obligations.${fw}`,
        disclosedIn: b === undefined ? 'new' : 'old',
      })
      continue
    }
    // A summary of the per-obligation changes below, which carry the judgement.
    if (b.readiness !== a.readiness)
      add(
        'obligations',
        `obligations.${fw}.readiness`,
        b.readiness,
        a.readiness,
        'neutral',
        `readiness ${b.readiness} → ${a.readiness}`,
      )
    const old = statusById(b)
    const now = statusById(a)
    for (const id of union([...old.keys()], [...now.keys()])) {
      const s0 = old.get(id)
      const s1 = now.get(id)
      if (s0 === s1) continue
      const path = `obligations.${fw}.${id}`
      if (s0 === undefined) {
        const gap = s1 === 'missing' || s1 === 'partial'
        add('obligations', path, null, s1, gap ? 'worse' : 'neutral', `now listed, ${s1}`)
      } else if (s1 === undefined) add('obligations', path, s0, null, 'review', 'no longer listed')
      else if (s0 === 'not-applicable' || s1 === 'not-applicable')
        add(
          'obligations',
          path,
          s0,
          s1,
          'review',
          s1 === 'not-applicable' ? 'now not applicable' : 'now applicable',
        )
      else {
        const worse = STATUS_RANK[s1] < STATUS_RANK[s0]
        add('obligations', path, s0, s1, worse ? 'worse' : 'better', `${s0} → ${s1}`)
      }
    }
  }
}

function diffEvidence(
  before: PassportSubject,
  after: PassportSubject,
  add: Add,
  notComparable: PassportDiff['notComparable'],
): void {
  if (before.evidence.merkleRoot !== after.evidence.merkleRoot)
    add(
      'evidence',
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
    if (b === undefined || a === undefined) {
      // An item one passport discloses and the other does not may be in both commitments.
      notComparable.push({ path, disclosedIn: b === undefined ? 'new' : 'old' })
      continue
    }
    if (b.sha256 !== a.sha256)
      add('evidence', `${path}.sha256`, b.sha256, a.sha256, 'neutral', 'document changed')
    if (b.assessedBy !== a.assessedBy)
      add(
        'evidence',
        `${path}.assessedBy`,
        b.assessedBy,
        a.assessedBy,
        ASSESSOR_RANK[a.assessedBy] < ASSESSOR_RANK[b.assessedBy] ? 'worse' : 'better',
        `assessed by ${b.assessedBy} → ${a.assessedBy}`,
      )
    const lost = b.supports.filter((s) => !a.supports.includes(s))
    const gained = a.supports.filter((s) => !b.supports.includes(s))
    if (lost.length > 0 || gained.length > 0)
      add(
        'evidence',
        `${path}.supports`,
        b.supports,
        a.supports,
        'review',
        'obligations it supports changed',
      )
  }
}

/** `before` → `after` of a number where more is better (`moreIsBetter`) or worse. */
function byNumber(b: number, a: number, moreIsBetter: boolean): ChangeEffect {
  return a > b === moreIsBetter ? 'better' : 'worse'
}

function diffAssurance(
  b: AssuranceCommitments | undefined,
  a: AssuranceCommitments | undefined,
  add: Add,
): void {
  if (b === undefined && a === undefined) return
  if (b === undefined || a === undefined) {
    add(
      'assurance',
      'assurance',
      b,
      a,
      a === undefined ? 'worse' : 'better',
      a === undefined ? 'assurance commitments withdrawn' : 'assurance commitments added',
    )
    return
  }
  if (b.updateNoticeDays !== a.updateNoticeDays)
    add(
      'assurance',
      'assurance.updateNoticeDays',
      b.updateNoticeDays,
      a.updateNoticeDays,
      byNumber(b.updateNoticeDays, a.updateNoticeDays, true),
      'notice before behaviour-changing updates (days)',
    )
  if (b.remoteDisable.exists !== a.remoteDisable.exists)
    add(
      'assurance',
      'assurance.remoteDisable.exists',
      b.remoteDisable.exists,
      a.remoteDisable.exists,
      a.remoteDisable.exists ? 'worse' : 'better',
      a.remoteDisable.exists
        ? 'the system can now be disabled remotely'
        : 'the system can no longer be disabled remotely',
    )
  if (b.remoteDisable.controlledBy !== a.remoteDisable.controlledBy)
    add(
      'assurance',
      'assurance.remoteDisable.controlledBy',
      b.remoteDisable.controlledBy,
      a.remoteDisable.controlledBy,
      CONTROL_RANK[a.remoteDisable.controlledBy] > CONTROL_RANK[b.remoteDisable.controlledBy]
        ? 'worse'
        : 'better',
      'who controls remote disabling',
    )
  const residencyBefore = new Set(b.dataResidency)
  const residencyAfter = new Set(a.dataResidency)
  if (!same([...residencyBefore].sort(), [...residencyAfter].sort())) {
    const added = [...residencyAfter].filter((r) => !residencyBefore.has(r))
    const removed = [...residencyBefore].filter((r) => !residencyAfter.has(r))
    // Data kept in more places is weaker; in fewer, stronger; some of each needs a look.
    const effect: ChangeEffect =
      added.length > 0 && removed.length > 0 ? 'review' : added.length > 0 ? 'worse' : 'better'
    add(
      'assurance',
      'assurance.dataResidency',
      b.dataResidency,
      a.dataResidency,
      effect,
      [
        added.length ? `data may now be kept in ${added.join(', ')}` : '',
        removed.length ? `no longer in ${removed.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    )
  }
  if (b.auditRights.granted !== a.auditRights.granted)
    add(
      'assurance',
      'assurance.auditRights.granted',
      b.auditRights.granted,
      a.auditRights.granted,
      a.auditRights.granted ? 'better' : 'worse',
      a.auditRights.granted ? 'audit rights granted' : 'audit rights withdrawn',
    )
  if (
    b.auditRights.noticeDays !== undefined &&
    a.auditRights.noticeDays !== undefined &&
    b.auditRights.noticeDays !== a.auditRights.noticeDays
  )
    add(
      'assurance',
      'assurance.auditRights.noticeDays',
      b.auditRights.noticeDays,
      a.auditRights.noticeDays,
      byNumber(b.auditRights.noticeDays, a.auditRights.noticeDays, false),
      'notice the vendor needs before an audit (days)',
    )
  if (b.auditRights.scope !== a.auditRights.scope)
    add(
      'assurance',
      'assurance.auditRights.scope',
      b.auditRights.scope,
      a.auditRights.scope,
      'review',
      'audit scope changed',
    )
  if (b.incidentNotificationHours !== a.incidentNotificationHours)
    add(
      'assurance',
      'assurance.incidentNotificationHours',
      b.incidentNotificationHours,
      a.incidentNotificationHours,
      byNumber(b.incidentNotificationHours, a.incidentNotificationHours, false),
      'hours to notify the buyer of an incident',
    )
  if (b.supportUntil !== a.supportUntil)
    add(
      'assurance',
      'assurance.supportUntil',
      b.supportUntil,
      a.supportUntil,
      a.supportUntil < b.supportUntil ? 'worse' : 'better',
      a.supportUntil < b.supportUntil ? 'support ends earlier' : 'support extended',
    )
}

function diffAssessor(before: PassportSubject, after: PassportSubject, add: Add): void {
  const b = before.assessor
  const a = after.assessor
  if (b.type !== a.type)
    add(
      'assessor',
      'assessor.type',
      b.type,
      a.type,
      ASSESSOR_RANK[a.type] < ASSESSOR_RANK[b.type] ? 'worse' : 'better',
      `assessed by ${b.type} → ${a.type}`,
    )
  else if (b.name !== a.name || b.identifier !== a.identifier)
    add('assessor', 'assessor', b, a, 'review', 'another assessor')
}

/** The members of `a` and `b`, each once, sorted. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort(compareCodeUnits)
}
