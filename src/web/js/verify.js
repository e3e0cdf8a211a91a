// The Verify page: passport (paste or upload) + policy (bundled or uploaded) + optional status
// list -> POST /api/v1/verify -> a verdict banner and every check, grouped, in plain words.
import { ApiError, api, appUrl, h, peekJwtPayload, replace, showBidiControls } from './ui.js'

const CUSTOM = '__custom'
const $ = (id) => document.getElementById(id)

/** Check name -> a plain title. */
const CHECK_TITLES = {
  size: 'Size of the passport',
  structure: 'Structure of the passport',
  header: 'Signature algorithm and type',
  'issuer-trust': 'Issuer is trusted by your policy',
  signature: "Issuer's signature",
  validity: 'Validity period',
  disclosures: 'Disclosed claims match the signature',
  'key-binding': 'Holder key binding',
  status: 'Not revoked or suspended',
  artifacts: 'Model files match their digests',
  'policy:assessor': 'Who assessed the system',
  'policy:endorsements': 'Endorsements',
  'policy:max-age': 'Passport is recent enough',
  'policy:status': 'Revocation was checked',
  'policy:framework:any': 'At least one framework is assessed',
  'policy:assurance:update-notice': 'Updates announced in advance',
  'policy:assurance:remote-disable': 'Remote kill switch',
  'policy:assurance:data-residency': 'Where data are kept',
  'policy:assurance:audit-rights': 'Audit rights',
  'policy:assurance:incident-notification': 'Incident notification',
  'policy:assurance:support': 'Support period',
  'policy:incidents': 'Serious-incident reports were looked at',
  'policy:incidents:open-serious': 'Open serious incidents',
  'policy:incidents:notification': 'Serious incidents notified to the authority in time',
}

const FRAMEWORK_NAMES = { 'eu-ai-act': 'the EU AI Act', 'nist-ai-rmf': 'the NIST AI RMF' }
const fw = (id) => FRAMEWORK_NAMES[id] ?? id

/** Patterns for checks named after a framework or an obligation. */
const CHECK_PATTERNS = [
  [/^policy:jurisdiction:(.+)$/, (m) => `Classification under ${fw(m[1])} is disclosed`],
  [/^policy:framework:(.+)$/, (m) => `Obligation status under ${fw(m[1])} is disclosed`],
  [/^policy:category:(.+)$/, (m) => `Risk category under ${fw(m[1])} is one you accept`],
  [/^policy:obligation:(.+)$/, (m) => `Obligation ${m[1]} is met`],
  [/^policy:readiness:(.+)$/, (m) => `Readiness under ${fw(m[1])} is high enough`],
  [/^artifact:(.+)$/, (m) => `Model file ${m[1]}`],
  [/^endorsement:(.+)$/, (m) => `Endorsement ${m[1]}`],
]

const GROUPS = [
  { id: 'cryptography', title: 'Cryptography', intro: 'Is the passport genuine and unaltered?' },
  { id: 'status', title: 'Status', intro: 'Has the issuer revoked or suspended it?' },
  { id: 'artifacts', title: 'Artifacts', intro: 'Do the model files match?' },
  { id: 'endorsements', title: 'Endorsements', intro: 'What did third parties vouch for?' },
  { id: 'policy', title: 'Policy', intro: 'Does it meet your rules?' },
]

function groupOf(check) {
  if (check.startsWith('policy:')) return 'policy'
  if (check === 'status') return 'status'
  if (check === 'artifacts' || check.startsWith('artifact:')) return 'artifacts'
  if (check.startsWith('endorsement')) return 'endorsements'
  return 'cryptography'
}

/** A check that holds with a reason code other than ok is a warning (lateNotification: warn). */
function outcomeOf(c) {
  if (c.outcome === 'pass' && c.reason !== 'ok') return OUTCOMES.warn
  return OUTCOMES[c.outcome] ?? OUTCOMES.indeterminate
}

const DEADLINE_WORDS = {
  'on-time': 'authority notified on time',
  late: 'authority notified late',
  overdue: 'no authority notified yet, and the deadline has passed',
  pending: 'no authority notified yet',
  none: 'no Art. 73 deadline (not serious)',
}

/** Art. 73(1): a serious incident of a system the passport says is not high-risk. */
const NOT_BOUND_WORDS =
  'no Art. 73 deadline (Art. 73(1) binds providers of high-risk systems; the passport says this one is not)'

const TRUST_WORDS = {
  'passport-issuer': "Counted: reported by the passport's issuer",
  'trusted-issuer': 'Counted: reported by an issuer your policy trusts',
  'trusted-assessor': 'Counted: reported by an assessor your policy trusts',
}

/** The serious-incident reports looked at (the server's verified list: text nodes only). */
function incidentsSection(result) {
  if (!Array.isArray(result.incidents)) return null
  const items = result.incidents
  return h(
    'section',
    { id: 'incidents', 'aria-labelledby': 'incidents-heading' },
    h('h2', { id: 'incidents-heading' }, 'Serious incidents (EU AI Act Art. 73)'),
    h(
      'p',
      { class: 'incidents-from' },
      `From ${result.incidentsFrom ?? 'the reports given'}: ${
        items.length === 0
          ? 'none reported.'
          : `${items.length} incident${items.length === 1 ? '' : 's'}. Only reports by the passport's issuer, or by a key your policy trusts, count.`
      }`,
    ),
    items.length === 0
      ? null
      : h(
          'ul',
          { class: 'incidents' },
          items.map((i) => {
            const d = i.deadline ?? {}
            return h(
              'li',
              {
                'data-incident': i.incidentId,
                'data-counted': String(i.counted),
                class: i.counted ? 'counted' : 'not-counted',
              },
              h(
                'strong',
                {},
                `${i.status === 'closed' ? 'Closed' : 'Open'}, ${
                  i.serious ? `serious (${(i.harms ?? []).join(', ')})` : 'not serious'
                }`,
              ),
              `: ${i.report} report ${i.sequence} by ${i.reporter?.name ?? '?'} (${i.reporter?.role ?? '?'}); `,
              d.deadline
                ? `Art. 73 deadline ${d.deadline} (${d.citation}): ${DEADLINE_WORDS[d.verdict] ?? d.verdict}. `
                : d.basis === 'not-high-risk' && i.serious
                  ? `${NOT_BOUND_WORDS}. `
                  : `${DEADLINE_WORDS.none}. `,
              h(
                'span',
                { class: 'counted-word' },
                i.counted
                  ? `${TRUST_WORDS[i.trust] ?? 'Counted'}${i.trustedAs ? ` (${i.trustedAs})` : ''}.`
                  : `Not counted: ${(i.notCounted ?? '').replace(/^not counted: /, '')}.`,
              ),
              ' ',
              h('code', {}, i.incidentId),
            )
          }),
        ),
  )
}

/**
 * The policy's warnings (`policyWarnings` of POST /api/v1/verify, as `accord policy check` gives
 * them: a recognition rule never used, a rule no passport can pass, an obligation listed twice),
 * right under the verdict: they do not change it, but the policy may not check what the buyer
 * meant. A heading and a list, each item starting with the word "Warning" (never colour alone);
 * the server's texts go in as text nodes only. Nothing at all when there are none.
 */
function policyWarningsSection(warnings) {
  if (warnings.length === 0) return null
  return h(
    'section',
    { id: 'verify-policy-warnings', 'aria-labelledby': 'verify-policy-warnings-heading' },
    h('h2', { id: 'verify-policy-warnings-heading' }, 'Warnings about your policy'),
    h(
      'p',
      {},
      `${warnings.length === 1 ? 'This warning does' : `These ${warnings.length} warnings do`} not change the verdict, but the policy may not check what you meant.`,
    ),
    h(
      'ul',
      { class: 'policy-warnings' },
      warnings.map((w) =>
        h(
          'li',
          { 'data-warning': w.code },
          h(
            'strong',
            {},
            `Warning${w.line ? ` (line ${w.line}${w.column ? `, column ${w.column}` : ''})` : ''}: `,
          ),
          String(w.message ?? ''),
          w.hint ? h('span', {}, `What to do: ${w.hint}.`) : null,
          h('span', {}, 'Code: ', h('code', {}, String(w.code ?? ''))),
        ),
      ),
    ),
  )
}

function titleOf(check) {
  if (CHECK_TITLES[check]) return CHECK_TITLES[check]
  for (const [re, title] of CHECK_PATTERNS) {
    const m = re.exec(check)
    if (m) return title(m)
  }
  const rest = check.replace(/^policy:/, '')
  return rest.charAt(0).toUpperCase() + rest.slice(1).replace(/[-:]/g, ' ')
}

const OUTCOMES = {
  pass: { icon: '✓', word: 'Passed' },
  fail: { icon: '✗', word: 'Failed' },
  indeterminate: { icon: '?', word: 'Could not be checked' },
  skipped: { icon: '–', word: 'Skipped' },
  warn: { icon: '!', word: 'Passed with a warning' },
}

const VERDICTS = {
  accepted: {
    icon: '✓',
    word: 'ACCEPTED',
    sentence: (policy) => `This passport meets every rule of the policy “${policy}”.`,
  },
  rejected: {
    icon: '✗',
    word: 'REJECTED',
    sentence: (_policy, failed) =>
      `Do not accept this passport: ${failed} check${failed === 1 ? '' : 's'} failed. The reasons are below.`,
  },
  indeterminate: {
    icon: '?',
    word: 'INDETERMINATE',
    sentence: () =>
      'Some checks could not be completed, so the passport cannot be accepted yet. See what is missing below.',
  },
}

let policies = []

async function loadPolicies() {
  const select = $('policy')
  try {
    policies = (await api('api/v1/ui/policies')).items
  } catch {
    policies = []
  }
  replace(
    select,
    policies.map((p) => h('option', { value: p.name }, `${p.title} (${p.name})`)),
    h('option', { value: CUSTOM }, 'My own policy (upload a YAML file)'),
  )
  const wanted = new URLSearchParams(location.search).get('policy')
  if (wanted && policies.some((p) => p.name === wanted)) select.value = wanted
  else if (policies.length === 0) select.value = CUSTOM
  onPolicyChange()
}

function onPolicyChange() {
  const value = $('policy').value
  $('custom-policy').hidden = value !== CUSTOM
  const p = policies.find((x) => x.name === value)
  $('policy-description').textContent = p ? showBidiControls(p.description) : ''
  void explainChosenPolicy()
}

/** The latest explanation asked for: an answer to an earlier choice is dropped. */
let explainRequest = 0

/**
 * "What this policy requires": the chosen policy (bundled, or the uploaded file) in plain words,
 * one numbered item per rule in the order a verifier checks them (POST /api/v1/policies/explain).
 * The server's texts go in as text nodes only: a policy's name or description with markup shows
 * the markup.
 */
async function explainChosenPolicy() {
  const request = ++explainRequest
  const value = $('policy').value
  const list = $('policy-rules')
  const status = $('policy-explained-status')
  const description = $('policy-explained-description')
  const clear = (message) => {
    replace(list)
    replace($('policy-warnings'))
    replace($('policy-explained-error'))
    description.hidden = true
    replace(status, message)
  }
  let policy = value
  if (value === CUSTOM) {
    const file = $('policy-file').files?.[0]
    if (!file) {
      clear('Choose your policy file to see what it requires.')
      return
    }
    policy = await file.text()
    if (request !== explainRequest) return
  }
  if (policy === '') {
    clear('')
    return
  }
  list.setAttribute('aria-busy', 'true')
  replace(status, 'Reading the policy…')
  try {
    const answer = await api('api/v1/policies/explain', { json: { policy } })
    if (request !== explainRequest) return
    clear(
      `“${answer.policy}”: ${answer.rules.length} rule${answer.rules.length === 1 ? '' : 's'}, in the order a verifier checks them.`,
    )
    // A bundled policy's description is shown under the choice already.
    if (value === CUSTOM && answer.description) {
      replace(description, answer.description)
      description.hidden = false
    }
    replace(
      list,
      answer.rules.map((r) => h('li', { 'data-rule': r.rule }, r.text)),
    )
    replace(
      $('policy-warnings'),
      (answer.warnings ?? []).map((w) =>
        h(
          'p',
          { class: 'note', 'data-warning': w.code },
          h('strong', {}, `Warning${w.line ? ` (line ${w.line})` : ''}: `),
          w.message,
        ),
      ),
    )
  } catch (err) {
    if (request !== explainRequest) return
    clear('')
    replace(
      $('policy-explained-error'),
      err instanceof ApiError
        ? `The registry cannot read this policy: ${err.message}`
        : String(err.message ?? err),
    )
  } finally {
    if (request === explainRequest) list.setAttribute('aria-busy', 'false')
  }
}

/** Prefills the passport from the registry when the page is opened as /?passport=<id>. */
async function prefillPassport() {
  const id = new URLSearchParams(location.search).get('passport')
  if (!id) return
  try {
    const stored = await api(`api/v1/passports/${encodeURIComponent(id)}`)
    if (typeof stored.token === 'string') $('passport').value = stored.token
  } catch {
    // The user can still paste it.
  }
}

function showError(message) {
  const box = $('form-error')
  box.textContent = showBidiControls(message)
  box.hidden = false
  box.focus?.()
}

/** The issuer's status list: from the given URL, or this registry's copy. */
async function statusListFor(passport) {
  const url = $('status-url').value.trim()
  if (url !== '') {
    let response
    try {
      response = await fetch(url)
    } catch {
      throw new Error(
        `The status list at ${url} could not be fetched: this page may only fetch from this registry. Leave the field empty to use this registry's copy.`,
      )
    }
    if (!response.ok) throw new Error(`The status list at ${url} answered ${response.status}.`)
    return {
      token: (await response.text()).trim(),
      note: `Revocation checked with the status list at ${url}.`,
    }
  }
  const uri = peekJwtPayload(passport)?.status?.status_list?.uri
  if (typeof uri !== 'string') return { note: 'The passport has no status reference.' }
  const listId = uri.replace(/\/+$/, '').split('/').pop() ?? ''
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(listId))
    return { note: `No status list could be found for ${uri}; revocation was not checked.` }
  const response = await fetch(appUrl(`api/v1/status-lists/${encodeURIComponent(listId)}`))
  if (!response.ok)
    return {
      note: `This registry has no copy of the status list ${uri}; revocation was not checked. Give its URL above.`,
    }
  return {
    token: (await response.text()).trim(),
    note: "Revocation checked with this registry's copy of the issuer's status list.",
  }
}

/**
 * "Download report (HTML)": the server's verification report (as `accord verify --report`) of
 * this very verification (the request again, as of its `verifiedAt`), saved as a file.
 */
function reportSection(request, verifiedAt) {
  const status = h('p', { role: 'status', id: 'report-status' })
  const button = h(
    'button',
    { type: 'button', class: 'secondary', id: 'download-report' },
    'Download report (HTML)',
  )
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return
    button.setAttribute('aria-disabled', 'true')
    replace(status, 'Preparing the report…')
    try {
      const html = await api('api/v1/verify/report', {
        json: { ...request, ...(typeof verifiedAt === 'string' ? { at: verifiedAt } : {}) },
        headers: { accept: 'text/html' },
      })
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }))
      const link = h('a', { href: url, download: 'passport-verification-report.html' })
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      replace(status, 'The report was downloaded (passport-verification-report.html).')
    } catch (err) {
      replace(status, `The report could not be made: ${err.message ?? err}`)
    } finally {
      button.removeAttribute('aria-disabled')
    }
  })
  return h(
    'section',
    { id: 'report', 'aria-labelledby': 'report-title' },
    h('h2', { id: 'report-title' }, 'Verification report'),
    h(
      'p',
      {},
      'A record of this verification for your tender file: the verdict, every check, what the passport disclosed and the SHA-256 of each input (as ',
      h('code', {}, 'accord verify --report'),
      ' writes it).',
    ),
    button,
    status,
  )
}

function renderResult(result, policyTitle, statusNote, request) {
  const failed = result.checks.filter((c) => c.outcome === 'fail').length
  const v = VERDICTS[result.verdict] ?? VERDICTS.indeterminate
  const warnings = Array.isArray(result.policyWarnings) ? result.policyWarnings : []
  const banner = h(
    'div',
    { class: `verdict verdict-${result.verdict}`, id: 'verdict' },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, v.icon),
    h(
      'div',
      {},
      h('strong', { class: 'word' }, v.word),
      h('p', {}, v.sentence(policyTitle, failed)),
      // In the status region with the verdict, so a screen reader hears that there are warnings.
      warnings.length === 0
        ? null
        : h(
            'p',
            { class: 'warning-count' },
            `Your policy has ${warnings.length} warning${warnings.length === 1 ? '' : 's'}, listed below.`,
          ),
    ),
  )
  const subject = result.claims?.credentialSubject
  const about = subject
    ? h(
        'p',
        {},
        'Passport of ',
        h('strong', {}, `${subject.system?.name ?? '?'} ${subject.system?.version ?? ''}`.trim()),
        ` by ${subject.provider?.name ?? 'an unknown provider'}, issued by `,
        h('code', {}, String(result.claims.iss ?? '')),
        '.',
      )
    : null
  const problems = result.checks.filter(
    (c) => c.outcome === 'fail' || c.outcome === 'indeterminate',
  )
  const problemList =
    problems.length === 0
      ? null
      : h(
          'div',
          { id: 'problems' },
          h(
            'h2',
            {},
            result.verdict === 'rejected' ? 'Reasons for rejection' : 'What could not be checked',
          ),
          h(
            'ul',
            {},
            problems.map((c) =>
              h(
                'li',
                {},
                h('strong', {}, `${titleOf(c.check)}: `),
                c.message,
                ' (',
                h('code', {}, c.reason),
                ')',
              ),
            ),
          ),
        )
  const sections = []
  for (const group of GROUPS) {
    const checks = result.checks.filter((c) => groupOf(c.check) === group.id)
    if (checks.length === 0) continue
    sections.push(
      h(
        'section',
        { class: 'check-group', 'data-group': group.id, 'aria-labelledby': `group-${group.id}` },
        h('h3', { id: `group-${group.id}` }, `${group.title}: ${group.intro}`),
        h(
          'ul',
          { class: 'checks' },
          checks.map((c) => {
            const o = outcomeOf(c)
            return h(
              'li',
              { class: `outcome-${c.outcome}`, 'data-check': c.check, 'data-reason': c.reason },
              h('span', { 'aria-hidden': 'true' }, `${o.icon} `),
              h('span', { class: 'title' }, `${titleOf(c.check)}: ${o.word}.`),
              ' ',
              h('span', { class: 'message' }, c.message),
              h('span', {}, 'Reason code: ', h('code', {}, c.reason)),
            )
          }),
        ),
      ),
    )
  }
  replace($('verdict-status'), banner)
  // Art. 111: when the obligations of a system already on the market apply (the server's
  // sentences, from the verified claims: text nodes only).
  const legacy = (result.legacy ?? []).map((n) =>
    h('p', { class: 'legacy', 'data-claim': n.claim }, n.sentence),
  )
  replace(
    $('result-body'),
    policyWarningsSection(warnings),
    about,
    ...legacy,
    statusNote ? h('p', { class: 'note' }, statusNote) : null,
    problemList,
    incidentsSection(result),
    h('h2', {}, 'Every check'),
    sections,
    reportSection(request, result.verifiedAt),
  )
}

/** Whether a verification is under way (a second submit is ignored meanwhile). */
let busy = false

async function onSubmit(event) {
  event.preventDefault()
  if (busy) return
  $('form-error').hidden = true
  const passport = $('passport').value.trim()
  if (passport === '') {
    showError('Paste a passport or choose a passport file first.')
    $('passport').focus()
    return
  }
  let policy = $('policy').value
  let policyTitle = policies.find((p) => p.name === policy)?.title ?? policy
  if (policy === CUSTOM) {
    const file = $('policy-file').files?.[0]
    if (!file) {
      showError('Choose your policy file (YAML), or pick one of the example policies.')
      $('policy-file').focus()
      return
    }
    policy = await file.text()
    policyTitle = /^name:\s*(.+)$/m.exec(policy)?.[1]?.trim() ?? file.name
  }
  // Marked busy with aria-disabled, not `disabled`: disabling the focused button would drop the
  // keyboard focus to the top of the page.
  const button = $('verify-button')
  busy = true
  button.setAttribute('aria-disabled', 'true')
  replace($('verdict-status'), h('p', {}, 'Verifying…'))
  replace($('result-body'))
  try {
    const status = await statusListFor(passport)
    const request = { passport, policy, ...(status.token ? { statusList: status.token } : {}) }
    const result = await api('api/v1/verify', { json: request })
    renderResult(result, policyTitle, status.note, request)
  } catch (err) {
    replace($('verdict-status'))
    replace($('result-body'))
    showError(
      err instanceof ApiError
        ? `The passport could not be verified: ${err.message}`
        : String(err.message ?? err),
    )
  } finally {
    busy = false
    button.removeAttribute('aria-disabled')
  }
}

$('passport-file').addEventListener('change', async () => {
  const file = $('passport-file').files?.[0]
  if (file) $('passport').value = (await file.text()).trim()
})
$('policy').addEventListener('change', onPolicyChange)
$('policy-file').addEventListener('change', () => void explainChosenPolicy())
$('verify-form').addEventListener('submit', onSubmit)
$('form-error').setAttribute('tabindex', '-1')
void loadPolicies()
void prefillPassport()
