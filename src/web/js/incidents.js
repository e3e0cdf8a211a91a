// The incidents page: the latest serious-incident reports about every passport, newest first,
// from the registry-wide feed read newest first: GET /api/v1/incidents?order=desc&limit= gives
// the newest page in one request, and "Load older reports" the next older one with the
// `nextBefore` of the page before (`&before=`). Newer reports come from the feed after the
// highest log index read (GET /api/v1/incidents?after=, the one partners poll), when the log's
// event stream (GET /api/v1/log/events) announces a new checkpoint.
import { ApiError, api, appUrl, h, replace, scrollable } from './ui.js'

const $ = (id) => document.getElementById(id)

/** Reports per page: `?limit=` of the page's URL (1 to 100), else 20. */
const PAGE = (() => {
  const n = Number(new URLSearchParams(location.search).get('limit'))
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 20
})()
/** Items per request of the feed after the highest log index read. */
const FEED_LIMIT = 100

/** The ids of the reports shown (a report read twice is shown once). */
const shown = new Set()
/** The highest log index whose reports have been read (newer ones come from the feed after it). */
let readUpTo = -1
/** The feed's cursor for the next older page (`before`); null when no older reports are left. */
let olderBefore = null
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

/** A page of reports newest first, below log index `before` (null: the newest); sets olderBefore. */
async function reportsBefore(before) {
  const page = await api(
    `api/v1/incidents?order=desc&limit=${PAGE}${before === null ? '' : `&before=${before}`}`,
  )
  olderBefore = page.nextBefore ?? null
  return page.items
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
    h(
      'td',
      {},
      `${r.report}, report ${r.sequence}`,
      // A report mirrored from a partner registry's log (docs/federation.md).
      r.mirroredFrom
        ? h(
            'span',
            { class: 'hint' },
            ` Mirrored from ${r.mirroredFrom.origin} (entry ${r.mirroredFrom.index})`,
          )
        : '',
    ),
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
      : `${n} report${n === 1 ? '' : 's'} loaded${olderBefore !== null ? ', older ones can be loaded' : ''}.`
  const filtered =
    $('serious-only').checked && n > 0 ? ` Showing the ${visible} about serious incidents.` : ''
  $('reports-status').classList.remove('error')
  replace($('reports-status'), prefix + loaded + filtered)
  $('older').hidden = olderBefore === null
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
    replace($('reports'), table())
    const reports = await reportsBefore(null)
    readUpTo = reports[0]?.logIndex ?? -1
    $('reports-body').append(...newRows(reports))
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
