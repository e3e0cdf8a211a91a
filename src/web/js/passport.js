// The passport page (/passports/:id): what a published passport says, in plain words, and
// whether the log holds it (the inclusion proof is checked here, in the browser).
import {
  api,
  apiText,
  appUrl,
  categoryName,
  facts,
  formatDate,
  frameworkName,
  h,
  passportIdOf,
  replace,
  scrollable,
  showBidiControls,
  statusBadge,
} from './ui.js'
import { fromHex, parseCheckpoint, passportLeaf, toHex, verifyInclusion } from './tlog.js'

const root = document.getElementById('passport-root')
// The page is <base>/passports/<id>, with the base wherever a proxy put it (ui.js BASE).
const id = passportIdOf(location.pathname)

const STATUS_ORDER = ['met', 'partial', 'missing', 'not-applicable']
const STATUS_WORDS = {
  met: { icon: '✓', word: 'Met', cls: 'outcome-pass' },
  partial: { icon: '◐', word: 'Partly met', cls: 'outcome-indeterminate' },
  missing: { icon: '✗', word: 'Missing', cls: 'outcome-fail' },
  'not-applicable': { icon: '–', word: 'Not applicable', cls: 'outcome-skipped' },
}

const LAW_VERSIONS = {
  original: 'Regulation (EU) 2024/1689 as published',
  'amended-2026-1744': 'As amended by Regulation (EU) 2026/1744 (Digital Omnibus)',
}

const ROMAN = /^(annex)-([ivxlc]+)(.*)$/

/** `art-9.2.a` -> `Art. 9(2)(a)`, `annex-iv.2` -> `Annex IV(2)`, `govern-1.1` -> `GOVERN 1.1`. */
export function obligationLabel(framework, ref) {
  if (framework === 'eu-ai-act') {
    const parts = (base, rest) =>
      base +
      rest
        .split('.')
        .filter(Boolean)
        .map((p) => `(${p})`)
        .join('')
    const art = /^art-(\d+)(.*)$/.exec(ref)
    if (art) return parts(`Art. ${art[1]}`, art[2])
    const annex = ROMAN.exec(ref)
    if (annex) return parts(`Annex ${annex[2].toUpperCase()}`, annex[3])
    return ref
  }
  if (framework === 'nist-ai-rmf') {
    const m = /^([a-z]+)(?:-(.*))?$/.exec(ref)
    if (m) return `${m[1].toUpperCase()}${m[2] ? ' ' + m[2] : ''}`
  }
  return ref
}

function section(idPart, title, ...children) {
  return h(
    'section',
    { 'aria-labelledby': `${idPart}-heading`, id: idPart },
    h('h2', { id: `${idPart}-heading` }, title),
    ...children,
  )
}

/**
 * "Mirrored from <origin> (entry N)": where a statement mirrored from a partner registry's log
 * came from (`mirroredFrom`, docs/federation.md); empty for statements published here.
 */
function mirroredText(m) {
  return m ? `Mirrored from ${m.origin} (entry ${m.index})` : ''
}

function summary(p) {
  const c = p.claims
  const s = c.credentialSubject
  const rep = s.provider.authorisedRepresentative
  const statusText =
    p.status === 'valid'
      ? 'Not revoked'
      : `${p.status === 'revoked' ? 'Revoked' : 'Suspended'} on ${formatDate(p.statusUpdatedAt)}${p.statusReason ? `: ${p.statusReason}` : ''}`
  return h(
    'div',
    {},
    h('p', { id: 'status-line' }, statusBadge(p.status), ' ', statusText),
    p.mirroredFrom
      ? h(
          'p',
          { id: 'mirrored-from' },
          `${mirroredText(p.mirroredFrom)}, a partner registry's transparency log at `,
          h('code', {}, p.mirroredFrom.url),
          `, on ${formatDate(p.mirroredFrom.mirroredAt)}. This registry checked its signature itself.`,
        )
      : '',
    facts([
      ['Provider', `${s.provider.name}${s.provider.country ? ` (${s.provider.country})` : ''}`],
      ['Authorised representative', rep ? `${rep.name} (${rep.country})` : undefined],
      ['Intended purpose', s.system.intendedPurpose],
      ['Issuer', h('code', {}, c.iss)],
      ['Issuer key', h('code', {}, p.kid)],
      ['Valid', `from ${formatDate(c.validFrom)} until ${formatDate(c.validUntil)}`],
      ['Published', formatDate(p.publishedAt)],
      ['Passport id', h('code', {}, p.id)],
      ['System id', h('code', {}, s.id)],
    ]),
    h(
      'p',
      {},
      h(
        'a',
        { href: appUrl(`?passport=${encodeURIComponent(p.id)}`) },
        'Verify this passport against a policy',
      ),
    ),
  )
}

/** What a change means for the buyer: heading, words of the count, list style (not colour alone). */
const EFFECTS = {
  worse: { heading: 'Worse for the buyer', count: 'worse for the buyer', cls: 'outcome-fail' },
  better: { heading: 'Better for the buyer', count: 'better', cls: 'outcome-pass' },
  review: { heading: 'To review', count: 'to review', cls: 'outcome-indeterminate' },
  neutral: { heading: 'Neutral changes', count: 'neutral', cls: 'outcome-skipped' },
}

/** A value of a change in one line, as `accord diff` prints it. */
function changeValue(value) {
  if (value === null || value === undefined) return '(none)'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

function changeList(list, effect) {
  return h(
    'ul',
    { class: 'checks changes-list', 'data-effect': effect },
    list.map((c) =>
      h(
        'li',
        { class: EFFECTS[effect].cls, 'data-path': c.path },
        h('code', { class: 'title' }, c.path),
        ': ',
        c.message,
        h('span', { class: 'message' }, `${changeValue(c.before)} → ${changeValue(c.after)}`),
      ),
    ),
  )
}

/**
 * The changes since the previous version of the system: the passport after this one in the
 * system's listing (newest first), compared by GET api/v1/passports/<id>/changes?since=<it>;
 * null for the system's first version (asked only when there is an older one, so the page
 * makes no request that fails), `{ error }` when either request fails.
 */
async function changesSincePrevious(p) {
  try {
    const subject = encodeURIComponent(p.claims.credentialSubject.id)
    const { items } = await api(`api/v1/systems/${subject}/passports`)
    const at = items.findIndex((x) => x.id === p.id)
    const previous = at === -1 ? undefined : items[at + 1]
    if (previous === undefined) return null
    return await api(
      `api/v1/passports/${encodeURIComponent(p.id)}/changes?since=${encodeURIComponent(previous.id)}`,
    )
  } catch (error) {
    return { error }
  }
}

/**
 * What changed since the previous version of the system (`changesSincePrevious`, the registry's
 * `accord diff`): the counts, the worse, better and to-review changes, the neutral ones folded,
 * and the parts only one of the two discloses. Nothing for a system's first version (null).
 */
function changes(d) {
  if (d === null) return null
  if (d.error)
    return section(
      'changes',
      'Changes since the previous version',
      h('p', { class: 'error' }, `The changes could not be loaded: ${d.error.message}`),
    )
  const o = d.old
  const groups = ['worse', 'better', 'review'].map((effect) => {
    const list = d.changes.filter((c) => c.effect === effect)
    if (list.length === 0) return null
    return [h('h3', {}, `${EFFECTS[effect].heading} (${list.length})`), changeList(list, effect)]
  })
  const neutral = d.changes.filter((c) => c.effect === 'neutral')
  return section(
    'changes',
    'Changes since the previous version',
    h(
      'p',
      {},
      `Compared with version ${o.version} of ${o.system}, issued ${formatDate(o.issuedAt)}: `,
      h(
        'a',
        { href: appUrl(`passports/${encodeURIComponent(o.jti)}`), id: 'previous-passport' },
        'the previous passport',
      ),
      '. Each change is judged from the buyer’s side.',
    ),
    h(
      'ul',
      { class: 'counts', 'aria-label': 'Changes by effect' },
      ['worse', 'better', 'review', 'neutral'].map((e) =>
        h('li', { class: EFFECTS[e].cls, 'data-effect': e }, `${d.counts[e]} ${EFFECTS[e].count}`),
      ),
    ),
    d.changes.length === 0
      ? h('p', {}, 'Nothing changed in what the two passports disclose.')
      : null,
    groups.flat(),
    neutral.length === 0
      ? null
      : h(
          'details',
          { id: 'neutral-changes' },
          h('summary', {}, `${EFFECTS.neutral.heading} (${neutral.length})`),
          changeList(neutral, 'neutral'),
        ),
    d.notComparable.length === 0
      ? null
      : [
          h('h3', {}, `Not comparable (${d.notComparable.length})`),
          h('p', {}, 'Disclosed in one of the two passports only:'),
          h(
            'ul',
            { class: 'not-comparable' },
            d.notComparable.map((n) =>
              h('li', {}, h('code', {}, n.path), ` (only in the ${n.disclosedIn} passport)`),
            ),
          ),
        ],
  )
}

function classification(s, legacy) {
  const entries = Object.entries(s.classification ?? {}).sort(([a], [b]) => a.localeCompare(b))
  if (entries.length === 0) return h('p', {}, 'No classification is disclosed in this passport.')
  return h(
    'div',
    { class: 'cards' },
    entries.map(([jurisdiction, c]) =>
      h(
        'div',
        { class: 'card', 'data-jurisdiction': jurisdiction },
        h('h3', {}, frameworkName(jurisdiction)),
        h('p', {}, 'Category: ', h('strong', { class: 'category' }, categoryName(c.category))),
        h('p', {}, 'Legal basis (citations):'),
        h(
          'ul',
          { class: 'citations' },
          (c.citations ?? []).map((x) => h('li', {}, x)),
        ),
        facts([
          ['Law version', LAW_VERSIONS[c.lawVersion] ?? c.lawVersion],
          ['Law as of', formatDate(c.asOf)],
          ['General-purpose AI', c.gpai ?? 'No'],
          ['Derogation applied', c.derogationApplied ? 'Yes (Art. 6(3))' : 'No'],
        ]),
        // Art. 111: when the obligations of a system or model already on the market apply. The
        // sentences are the server's (legacyNotes), from the passport's claims: text nodes only.
        (legacy ?? [])
          .filter((n) => n.jurisdiction === jurisdiction)
          .map((n) => h('p', { class: 'legacy', 'data-claim': n.claim }, n.sentence)),
      ),
    ),
  )
}

function obligationTable(framework, f) {
  const rows = []
  for (const status of STATUS_ORDER)
    for (const ref of f.byStatus?.[status] ?? []) rows.push({ ref, status })
  rows.sort((a, b) => a.ref.localeCompare(b.ref, 'en', { numeric: true }))
  const filterId = `filter-${framework}`
  const findId = `find-${framework}`
  const tbody = h('tbody')
  const countLine = h('p', { role: 'status', class: 'hint' })
  const select = h(
    'select',
    { id: filterId, 'aria-controls': `table-${framework}` },
    h('option', { value: '' }, 'All obligations'),
    STATUS_ORDER.map((s) => h('option', { value: s }, STATUS_WORDS[s].word)),
  )
  const find = h('input', { id: findId, type: 'search', 'aria-controls': `table-${framework}` })
  const render = () => {
    const wanted = select.value
    const text = find.value.trim().toLowerCase()
    const shown = rows.filter(
      (r) =>
        (wanted === '' || r.status === wanted) &&
        (text === '' ||
          r.ref.includes(text) ||
          obligationLabel(framework, r.ref).toLowerCase().includes(text)),
    )
    replace(
      tbody,
      shown.map((r) => {
        const w = STATUS_WORDS[r.status]
        return h(
          'tr',
          { 'data-status': r.status },
          h(
            'td',
            {},
            obligationLabel(framework, r.ref),
            ' ',
            h('code', {}, `${framework}:${r.ref}`),
          ),
          h('td', { class: w.cls }, h('span', { 'aria-hidden': 'true' }, `${w.icon} `), w.word),
        )
      }),
    )
    countLine.textContent = `Showing ${shown.length} of ${rows.length} obligations.`
  }
  select.addEventListener('change', render)
  find.addEventListener('input', render)
  render()
  const pct = Math.round((f.readiness ?? 0) * 100)
  return h(
    'div',
    { class: 'framework', 'data-framework': framework },
    h('h3', {}, frameworkName(framework)),
    h(
      'ul',
      { class: 'counts', 'aria-label': `Summary for ${frameworkName(framework)}` },
      h('li', { class: 'outcome-pass' }, `${f.met} met`),
      h('li', { class: 'outcome-indeterminate' }, `${f.partial} partly met`),
      h('li', { class: 'outcome-fail' }, `${f.missing} missing`),
      h('li', { class: 'outcome-skipped' }, `${f.notApplicable} not applicable`),
      h('li', {}, `Readiness ${pct}%`),
    ),
    h(
      'details',
      { class: 'obligation-details', id: `details-${framework}` },
      h('summary', {}, `Status of each obligation (${rows.length})`),
      h(
        'div',
        { class: 'row' },
        h('div', {}, h('label', { for: filterId }, 'Show'), select),
        h('div', {}, h('label', { for: findId }, 'Find an obligation'), find),
      ),
      countLine,
      h(
        'table',
        { id: `table-${framework}`, class: 'obligations' },
        h('caption', {}, `Obligations under ${frameworkName(framework)}`),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Obligation'), h('th', { scope: 'col' }, 'Status')),
        ),
        tbody,
      ),
    ),
  )
}

function obligations(s) {
  const entries = Object.entries(s.obligations ?? {}).sort(([a], [b]) => a.localeCompare(b))
  if (entries.length === 0) return h('p', {}, 'No obligation status is disclosed in this passport.')
  return entries.map(([framework, f]) => obligationTable(framework, f))
}

function evidence(s) {
  const e = s.evidence
  const items = [...(e.items ?? [])].sort((a, b) => a.leafIndex - b.leafIndex)
  return h(
    'div',
    {},
    h(
      'p',
      {},
      `The vendor committed to ${e.count} evidence item${e.count === 1 ? '' : 's'} with one Merkle root; ${items.length} ${items.length === 1 ? 'is' : 'are'} disclosed here. Any other item can be shown later with a proof against this root.`,
    ),
    facts([
      ['Merkle root', h('code', { id: 'evidence-root' }, e.merkleRoot)],
      ['Items committed', String(e.count)],
      ['Leaf encoding', e.leafEncoding],
    ]),
    items.length === 0
      ? null
      : scrollable(
          h(
            'table',
            {},
            h('caption', {}, 'Disclosed evidence'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Leaf', 'Evidence', 'Type', 'Assessed by', 'Supports'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              items.map((i) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, String(i.leafIndex)),
                  h(
                    'td',
                    {},
                    i.id,
                    h('br'),
                    h('code', { title: 'SHA-256' }, i.sha256.slice(0, 16) + '…'),
                  ),
                  h('td', {}, i.type),
                  h('td', {}, assessorWords(i.assessedBy)),
                  h('td', {}, i.supports.join(', ')),
                ),
              ),
            ),
          ),
        ),
  )
}

function assessorWords(type) {
  return (
    {
      self: 'The vendor itself',
      'third-party': 'An independent third party',
      'notified-body': 'A notified body',
    }[type] ?? type
  )
}

const CONTROLLERS = {
  vendor: 'the vendor',
  deployer: 'the buyer (deployer)',
  joint: 'the vendor and buyer jointly',
}

function assurance(s) {
  const a = s.assurance
  if (!a) return h('p', {}, 'The vendor made no assurance commitments in this passport.')
  const audit = a.auditRights.granted
    ? `Buyers may audit${a.auditRights.scope ? ` (${a.auditRights.scope})` : ''}${a.auditRights.noticeDays !== undefined ? ` with ${a.auditRights.noticeDays} days' notice` : ''}`
    : 'No audit rights for buyers'
  const items = [
    `Updates announced ${a.updateNoticeDays} days ahead`,
    a.remoteDisable.exists
      ? `Remote kill switch exists, controlled by ${CONTROLLERS[a.remoteDisable.controlledBy] ?? a.remoteDisable.controlledBy}`
      : 'No remote kill switch',
    `Data kept in: ${a.dataResidency.join(', ')}`,
    audit,
    `Serious incidents reported within ${a.incidentNotificationHours} hours`,
    `Supported until ${formatDate(a.supportUntil)}`,
  ]
  return h(
    'ul',
    { class: 'assurance' },
    items.map((t) => h('li', {}, t)),
  )
}

function assessor(s) {
  const a = s.assessor
  return facts([
    ['Assessed by', assessorWords(a.type)],
    ['Name', a.name],
    ['Identifier', a.identifier],
    ['Date', a.date ? formatDate(a.date) : undefined],
  ])
}

function artifacts(s) {
  if (!s.artifacts?.length) return h('p', {}, 'No model files are listed.')
  return scrollable(
    h(
      'table',
      {},
      h('caption', {}, 'Model files and their SHA-256 digests'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['File', 'Size (bytes)', 'SHA-256'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        s.artifacts.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, f.path),
            h('td', { class: 'num' }, String(f.size)),
            h('td', {}, h('code', {}, f.sha256)),
          ),
        ),
      ),
    ),
  )
}

function endorsements(p) {
  if (p.endorsements.length === 0)
    return h('p', {}, 'No one has endorsed this passport in the registry.')
  return h(
    'ul',
    { class: 'endorsements' },
    p.endorsements.map((e) =>
      h(
        'li',
        {},
        h('strong', {}, e.endorser.name ?? 'Unnamed endorser'),
        e.endorser.kind ? ` (${e.endorser.kind.replace(/-/g, ' ')})` : '',
        ` vouched on ${formatDate(e.publishedAt)} for: ${e.checked.join(', ')}.`,
        e.statement ? h('blockquote', {}, e.statement) : null,
        h(
          'span',
          { class: 'hint' },
          'Key ',
          h('code', {}, e.endorserKid),
          e.logIndex !== null ? `, log entry #${e.logIndex}` : '',
        ),
      ),
    ),
  )
}

const HARM_POINT = {
  death: 'Art. 3(49)(a)',
  health: 'Art. 3(49)(a)',
  'critical-infrastructure': 'Art. 3(49)(b)',
  'fundamental-rights': 'Art. 3(49)(c)',
  property: 'Art. 3(49)(d)',
  environment: 'Art. 3(49)(d)',
}

/** The Art. 73 deadline and whether the first authority notification met it, in words. */
function deadlineVerdict(d) {
  if (!d) return 'Unknown'
  const utc = (t) => t.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
  // Art. 73(1): the passport says the system is not high-risk; the deadline is a reference only.
  if (!d.applies && d.reference)
    return `None: ${d.basisWhy}. For reference only, a high-risk system would report by ${utc(d.reference.deadline)}`
  if (!d.applies) return 'None: Art. 73 covers serious incidents only (Art. 3(49))'
  const at = utc(d.deadline)
  const by = `by ${at} (${d.days} days after awareness, ${d.citation})`
  if (d.onTime === null) return `Report ${by}; no authority notification recorded yet`
  const n = d.firstNotification
  return h(
    'span',
    {},
    h(
      'span',
      { class: `badge ${d.onTime ? 'outcome-pass' : 'outcome-fail'}` },
      d.onTime ? 'On time' : 'Late',
    ),
    ` ${n.authority} (${n.memberState}) notified ${formatDate(n.at)}; deadline ${by}`,
  )
}

function incidents(p) {
  if (!p.incidents || p.incidents.length === 0)
    return h('p', {}, 'No incidents reported to this registry.')
  return h(
    'ul',
    { class: 'incidents' },
    p.incidents.map((item, n) => {
      const i = item.incident
      const headingId = `incident-${n + 1}-heading`
      if (!i)
        return h('li', {}, h('h3', { id: headingId }, `Incident ${item.incidentId}`), 'Unreadable.')
      return h(
        'li',
        {},
        h(
          'h3',
          { id: headingId },
          `${i.serious ? 'Serious incident' : 'Incident'} of ${formatDate(i.occurredAt)}, ${i.status}`,
        ),
        h('blockquote', {}, i.summary),
        facts([
          ['Status', i.status === 'closed' ? 'Closed' : 'Open'],
          [
            'Serious (Art. 3(49))',
            i.serious
              ? `Yes: ${i.harms.map((x) => `${x.replace(/-/g, ' ')} (${HARM_POINT[x] ?? '?'})`).join(', ')}`
              : 'No',
          ],
          ...(i.widespreadInfringement ? [['Widespread infringement', 'Yes (Art. 3(61))']] : []),
          ['Member states', i.memberStates.join(', ')],
          ['Reporter aware', formatDate(i.awareAt)],
          ['Reported by', `${i.reporter.name} (${i.reporter.role.replace(/-/g, ' ')})`],
          ['Causal link', i.causalLink.replace(/-/g, ' ')],
          ['Art. 73 deadline', deadlineVerdict(item.deadline)],
          ['Incident id', h('code', {}, item.incidentId)],
        ]),
        h(
          'ol',
          { class: 'reports', 'aria-label': 'Reports' },
          item.reports.map((r) =>
            h(
              'li',
              {},
              `${r.report.replace(/-/g, ' ')} report, published ${formatDate(r.publishedAt)}`,
              h(
                'span',
                { class: 'hint' },
                ' key ',
                h('code', {}, r.reporterKid),
                r.logIndex !== null ? `, log entry #${r.logIndex}` : '',
                r.mirroredFrom ? `. ${mirroredText(r.mirroredFrom)}` : '',
              ),
            ),
          ),
        ),
      )
    }),
  )
}

const words = (text) => text.replace(/-/g, ' ')

/** Whether a metric met its threshold, as a badge; a dash when it has none. */
function thresholdCell(m) {
  const t = m.threshold
  if (!t) return h('td', {}, '—')
  const unit = m.unit ? ` ${m.unit}` : ''
  return h(
    'td',
    {},
    h(
      'span',
      { class: `badge ${t.met ? 'outcome-pass' : 'outcome-fail'}` },
      t.met ? 'Met' : 'Not met',
    ),
    ` ${t.higherIsBetter ? 'at least' : 'at most'} ${t.value}${unit}`,
  )
}

function metricsTable(e, n) {
  return scrollable(
    h(
      'table',
      { id: `evaluation-${n + 1}-metrics` },
      h('caption', {}, `Metrics of ${e.method.name}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Metric', 'Group', 'Value', 'Threshold', 'Confidence interval', 'Relates to'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        e.metrics.map((m) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, m.name),
            h('td', {}, m.group ?? '—'),
            h('td', { class: 'num' }, `${m.value}${m.unit ? ` ${m.unit}` : ''}`),
            thresholdCell(m),
            h(
              'td',
              {},
              m.confidenceInterval
                ? `${Math.round(m.confidenceInterval.level * 1000) / 10}%: ${m.confidenceInterval.lower} to ${m.confidenceInterval.upper}`
                : '—',
            ),
            h('td', {}, m.relatesTo ?? '—'),
          ),
        ),
      ),
    ),
  )
}

function evaluations(p) {
  if (!p.evaluations || p.evaluations.length === 0)
    return h('p', {}, 'No evaluation results published to this registry.')
  return h(
    'ul',
    { class: 'evaluations' },
    p.evaluations.map((r, n) => {
      const e = r.evaluation
      const headingId = `evaluation-${n + 1}-heading`
      if (!e)
        return h('li', {}, h('h3', { id: headingId }, `Evaluation result ${r.id}`), 'Unreadable.')
      const dataset = e.method.dataset
      return h(
        'li',
        {},
        h('h3', { id: headingId }, `${e.method.name} ${e.method.version}`),
        h('blockquote', {}, e.summary),
        facts([
          ['Evaluator', `${e.evaluator.name} (${words(e.evaluator.role)})`],
          ['Method', words(e.method.kind)],
          ['Performed', formatDate(e.performedAt)],
          [
            'Thresholds met',
            r.thresholds > 0 ? `${r.thresholdsMet} of ${r.thresholds}` : 'No thresholds stated',
          ],
          [
            'Model files',
            h(
              'span',
              {},
              e.artifacts.map((a, i) => [
                i > 0 ? ', ' : '',
                a.path ? `${a.path} ` : '',
                h('code', {}, a.sha256),
              ]),
            ),
          ],
          [
            'Dataset',
            dataset
              ? h(
                  'span',
                  {},
                  dataset.name,
                  dataset.sha256 ? [' ', h('code', {}, dataset.sha256)] : '',
                )
              : '',
          ],
          ['Standards', (e.method.standards ?? []).join(', ')],
          [
            'Reports',
            e.reports?.length
              ? h(
                  'span',
                  {},
                  e.reports.map((x, i) => [
                    i > 0 ? '; ' : '',
                    x.title,
                    ' ',
                    h('code', {}, x.sha256),
                  ]),
                )
              : '',
          ],
          [
            'Published',
            h(
              'span',
              {},
              formatDate(r.publishedAt),
              h(
                'span',
                { class: 'hint' },
                ' key ',
                h('code', {}, r.evaluatorKid),
                r.logIndex !== null ? `, log entry #${r.logIndex}` : '',
                r.mirroredFrom ? `. ${mirroredText(r.mirroredFrom)}` : '',
              ),
            ),
          ],
        ]),
        metricsTable(e, n),
      )
    }),
  )
}

async function logInclusion(p, target) {
  if (p.logIndex === null) {
    replace(target, h('p', {}, 'This passport was stored without a log entry.'))
    return
  }
  replace(target, h('p', {}, `Log entry #${p.logIndex}. Checking the inclusion proof…`))
  try {
    const note = await apiText('api/v1/log/checkpoint')
    const cp = parseCheckpoint(note)
    if (!cp) throw new Error('the checkpoint could not be read')
    const proof = await api(`api/v1/log/proof/inclusion?index=${p.logIndex}&size=${cp.size}`)
    const leaf = await passportLeaf(p.token)
    const hashes = proof.hashes.map(fromHex)
    const ok =
      proof.index === p.logIndex &&
      proof.size === cp.size &&
      hashes.every((x) => x !== undefined) &&
      (await verifyInclusion(p.logIndex, cp.size, leaf.leafHash, hashes, cp.rootHash))
    replace(
      target,
      h(
        'p',
        { class: `badge ${ok ? 'outcome-pass' : 'outcome-fail'}`, id: 'inclusion' },
        h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '✗ '),
        ok ? 'Verified inclusion proof' : 'Inclusion proof FAILED',
      ),
      h(
        'p',
        {},
        ok
          ? 'Your browser recomputed this passport’s log leaf from the passport itself and checked that it is in the tree the log signed.'
          : 'The log’s proof does not lead to its checkpoint: the log may have been tampered with.',
      ),
      facts([
        ['Log entry', `#${p.logIndex}`],
        ['Checkpoint size', `${cp.size} entries`],
        ['Checkpoint root', h('code', {}, toHex(cp.rootHash))],
        ['Log', cp.origin],
        ['Leaf hash', h('code', {}, toHex(leaf.leafHash))],
      ]),
      h('p', {}, h('a', { href: appUrl('log') }, 'See the transparency log')),
    )
  } catch (err) {
    replace(
      target,
      h('p', { class: 'error' }, `The inclusion proof could not be checked: ${err.message}`),
    )
  }
}

async function main() {
  let p
  try {
    p = await api(`api/v1/ui/passports/${encodeURIComponent(id)}`)
  } catch (err) {
    replace(
      root,
      h('h1', {}, 'Passport not found'),
      h('p', { class: 'error', role: 'alert' }, err.message),
      h('p', {}, h('a', { href: appUrl('search') }, 'Search the registry')),
    )
    return
  }
  const s = p.claims.credentialSubject
  document.title = showBidiControls(`${s.system.name} ${s.system.version} · Accord registry`)
  const logTarget = h('div')
  replace(
    root,
    h(
      'h1',
      { id: 'passport-title' },
      `${s.system.name} `,
      h('span', { class: 'version' }, `version ${s.system.version}`),
    ),
    h('p', { class: 'lead' }, `AI regulatory passport issued for ${s.provider.name}.`),
    summary(p),
    changes(await changesSincePrevious(p)),
    section('classification', 'Classification', classification(s, p.legacy)),
    section('obligations', 'Obligations by framework', obligations(s)),
    section('evidence', 'Evidence commitment', evidence(s)),
    section('assurance', 'Vendor commitments', assurance(s)),
    section('assessor', 'Assessor', assessor(s)),
    section('artifacts', 'Model files', artifacts(s)),
    section('endorsements', 'Endorsements', endorsements(p)),
    section('incidents', 'Incidents', incidents(p)),
    section('evaluations', 'Evaluation results', evaluations(p)),
    section('log-inclusion', 'Transparency log', logTarget),
  )
  await logInclusion(p, logTarget)
  root.setAttribute('data-ready', 'true')
}

void main()
