// The incidents page: the latest serious-incident reports about every passport, newest first,
// from the registry-wide feed GET /api/v1/incidents?after=&limit= (the one partners poll).
//
// The feed gives reports in log order after a log index. For newest first, the page reads the
// log's size from the latest checkpoint and reads the feed in windows of log indices going back
// from it (each window twice as wide as the one before, so a log with few reports among many
// other entries takes few requests), until it has a page of reports; "Load older reports" goes on
// below the oldest one shown. Newer reports come from the feed after the highest log index read,
// when the log's event stream (GET /api/v1/log/events) announces a new checkpoint.
import { ApiError, api, apiText, appUrl, h, replace, scrollable } from './ui.js'
import { parseCheckpoint } from './tlog.js'

const $ = (id) => document.getElementById(id)

/** Reports per page: `?limit=` of the page's URL (1 to 100), else 20. */
const PAGE = (() => {
  const n = Number(new URLSearchParams(location.search).get('limit'))
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 20
})()
/** Items per feed request. */
const FEED_LIMIT = 100
/** Log indices in the first window read back (twice a page: reports are a part of the log). */
const FIRST_WINDOW = 2 * PAGE

/** The ids of the reports shown (a report read twice is shown once). */
const shown = new Set()
/** The highest log index whose reports have been read (newer ones come from the feed after it). */
let readUpTo = -1
/** Reports below this log index have not been read yet (0: none are left). */
let olderBefore = 0
/** Whether the page has loaded its first reports (the event stream waits for it). */
let ready = false

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
})

/** `1 Nov 2026, 00:00 UTC` in a <time>, or the value as the registry gave it. */
function publishedAt(value) {
  const d = new Date(value)
  if (typeof value !== 'string' || Number.isNaN(d.getTime())) return String(value ?? 'unknown')
  return h('time', { datetime: value }, `${DATE_TIME.format(d)} UTC`)
}

/** The reports with a log index in [from, to), in log order. */
async function feedWindow(from, to) {
  const reports = []
  let after = from - 1
  for (;;) {
    const page = await api(`api/v1/incidents?after=${after}&limit=${FEED_LIMIT}`)
    reports.push(...page.items.filter((r) => r.logIndex < to))
    const last = page.items[page.items.length - 1]
    if (page.items.length < FEED_LIMIT || last.logIndex >= to - 1 || page.nextAfter <= after)
      return reports
    after = page.nextAfter
  }
}

/** The newest PAGE reports below log index `before`, newest first; sets olderBefore. */
async function reportsBefore(before) {
  const found = []
  let to = before
  let width = FIRST_WINDOW
  while (to > 0 && found.length < PAGE) {
    const from = Math.max(0, to - width)
    found.unshift(...(await feedWindow(from, to)))
    to = from
    width *= 2
  }
  const page = found.slice(-PAGE).reverse()
  olderBefore = found.length > PAGE ? page[page.length - 1].logIndex : to
  return page
}

function row(r) {
  const incident = r.incident ?? {}
  const reporter = incident.reporter
  return h(
    'tr',
    { 'data-id': r.id, 'data-serious': String(r.serious === true) },
    h('td', { class: 'num' }, String(r.logIndex)),
    h('td', {}, publishedAt(r.publishedAt)),
    h(
      'td',
      {},
      h('a', { href: appUrl(`passports/${encodeURIComponent(r.passportId)}`) }, r.passportId),
    ),
    h('td', {}, h('code', {}, r.incidentId)),
    h('td', {}, `${r.report}, report ${r.sequence}`),
    h(
      'td',
      {},
      r.serious === true
        ? h(
            'span',
            { class: 'badge outcome-fail' },
            h('span', { 'aria-hidden': 'true' }, '! '),
            'Serious',
          )
        : 'Not serious',
    ),
    h('td', {}, r.status),
    h(
      'td',
      {},
      reporter && typeof reporter === 'object'
        ? `${reporter.name ?? 'unknown'}${reporter.role ? ` (${reporter.role})` : ''}`
        : 'unknown',
    ),
  )
}

function table() {
  return scrollable(
    h(
      'table',
      { id: 'reports-table' },
      h('caption', {}, 'Serious-incident reports, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'Log index',
            'Published',
            'Passport',
            'Incident',
            'Report',
            'Serious',
            'Status',
            'Reporter',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', { id: 'reports-body' }),
    ),
  )
}

/** Rows for the reports not shown yet. */
function newRows(reports) {
  const rows = []
  for (const r of reports) {
    if (shown.has(r.id)) continue
    shown.add(r.id)
    rows.push(row(r))
  }
  return rows
}

/** Hides the rows the "serious only" filter leaves out. */
function applyFilter() {
  const seriousOnly = $('serious-only').checked
  for (const tr of $('reports-body').rows) tr.hidden = seriousOnly && tr.dataset.serious !== 'true'
}

/** The live region's sentence: how many reports are loaded (and shown, when filtered). */
function announce(prefix = '') {
  const n = shown.size
  const visible = [...$('reports-body').rows].filter((tr) => !tr.hidden).length
  const loaded =
    n === 0
      ? 'No incident reports in this registry.'
      : `${n} report${n === 1 ? '' : 's'} loaded${olderBefore > 0 ? ', older ones can be loaded' : ''}.`
  const filtered =
    $('serious-only').checked && n > 0 ? ` Showing the ${visible} about serious incidents.` : ''
  $('reports-status').classList.remove('error')
  replace($('reports-status'), prefix + loaded + filtered)
  $('older').hidden = olderBefore <= 0
}

function failed(err) {
  $('reports-status').classList.add('error')
  const why = err instanceof ApiError || err instanceof Error ? err.message : String(err)
  replace($('reports-status'), `The reports could not be loaded: ${why}`)
}

/** Reads the feed after the highest log index read and puts the new reports on top. */
async function loadNewer() {
  const added = []
  for (;;) {
    const page = await api(`api/v1/incidents?after=${readUpTo}&limit=${FEED_LIMIT}`)
    added.unshift(...[...page.items].reverse())
    if (page.nextAfter <= readUpTo) break
    readUpTo = page.nextAfter
    if (page.items.length < FEED_LIMIT) break
  }
  const rows = newRows(added)
  $('reports-body').prepend(...rows)
  return rows.length
}

/** Whether a load is under way (a second one waits for it rather than reading twice). */
let busy = Promise.resolve()
function serially(task) {
  busy = busy.then(task, task)
  return busy
}

async function start() {
  try {
    const checkpoint = parseCheckpoint(await apiText('api/v1/log/checkpoint'))
    if (!checkpoint) throw new Error('the checkpoint is not a signed note')
    replace($('reports'), table())
    readUpTo = checkpoint.size - 1
    $('reports-body').append(...newRows(await reportsBefore(checkpoint.size)))
    // The served checkpoint may lag the log: reports after it come from the feed.
    await loadNewer()
    applyFilter()
    announce()
    ready = true
  } catch (err) {
    failed(err)
  }
}

async function onOlder() {
  if ($('older-button').getAttribute('aria-disabled') === 'true') return
  // aria-disabled, not `disabled`: disabling the focused button would drop the keyboard focus.
  $('older-button').setAttribute('aria-disabled', 'true')
  replace($('reports-status'), 'Loading older reports…')
  try {
    const rows = newRows(await reportsBefore(olderBefore))
    $('reports-body').append(...rows)
    applyFilter()
    announce(rows.length === 0 ? 'No older reports. ' : '')
    // The keyboard focus goes to the first new report shown: the button is hidden when the
    // oldest report has come, and focus would fall back to the top of the page.
    rows
      .find((tr) => !tr.hidden)
      ?.querySelector('a')
      ?.focus()
  } catch (err) {
    failed(err)
  } finally {
    $('older-button').removeAttribute('aria-disabled')
  }
}

async function onCheckpoint() {
  if (!ready) return
  try {
    const added = await loadNewer()
    if (added === 0) return
    applyFilter()
    announce(`${added} new report${added === 1 ? '' : 's'}. `)
  } catch (err) {
    failed(err)
  }
}

$('older-button').addEventListener('click', () => serially(onOlder))
$('serious-only').addEventListener('change', () => {
  if (!ready) return
  applyFilter()
  announce()
})
$('filter-form').addEventListener('submit', (e) => e.preventDefault())
void serially(start).then(() => {
  // New checkpoints: the stream sends the current one on connect, then one whenever the log grows.
  if (typeof EventSource === 'undefined') return
  const events = new EventSource(appUrl('api/v1/log/events'))
  events.addEventListener('checkpoint', () => void serially(onCheckpoint))
})
