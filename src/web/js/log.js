// The log page: the latest checkpoint, the most recent entries (each leaf hash recomputed here),
// and a consistency check between two tree sizes, verified in the browser.
import { api, apiText, appUrl, h, replace, scrollable } from './ui.js'
import { fromHex, leafHash, parseCheckpoint, toHex, treeHash, verifyConsistency } from './tlog.js'

const $ = (id) => document.getElementById(id)
const RECENT = 20
/** Most entries the browser fetches to recompute a root (one entries page). */
const MAX_RECOMPUTE = 1000
let checkpoint

function describe(entry) {
  let e
  try {
    e = JSON.parse(entry.payload)
  } catch {
    return ['unreadable entry']
  }
  const passport = e.kind === 'passport' ? e.id : e.passportId
  const link = passport
    ? h('a', { href: appUrl(`passports/${encodeURIComponent(passport)}`) }, passport)
    : ''
  if (e.kind === 'passport') return ['Passport ', link, ' published by ', h('code', {}, e.issuer)]
  if (e.kind === 'endorsement')
    return ['Endorsement of ', link, ' by key ', h('code', {}, e.endorserKid)]
  if (e.kind === 'incident')
    return [`Incident report ${e.sequence} about `, link, ' by key ', h('code', {}, e.reporterKid)]
  if (e.kind === 'evaluation')
    return ['Evaluation result about ', link, ' by key ', h('code', {}, e.evaluatorKid)]
  if (e.kind === 'delegation')
    return [
      'Issuer key ',
      h('code', {}, e.issuerKid),
      ' lets key ',
      h('code', {}, e.delegateKid),
      ` change the ${e.scope} of its passports`,
    ]
  if (e.kind === 'delegation-withdrawal')
    return [
      'Issuer key ',
      h('code', {}, e.issuerKid),
      ' withdraws the delegation to key ',
      h('code', {}, e.delegateKid),
    ]
  if (e.kind === 'revocation' || e.kind === 'suspension' || e.kind === 'reinstatement')
    return [`Status of `, link, ` set to ${e.status}${e.reason ? ` (${e.reason})` : ''}`]
  // A kind this page does not know (a newer registry): say so rather than guess its fields.
  return [`An entry of kind ${String(e.kind)}`, ...(link ? [' about ', link] : [])]
}

async function showEntries(size) {
  if (size === 0) {
    replace($('entries'), h('p', {}, 'The log is empty.'))
    return
  }
  const start = Math.max(0, size - RECENT)
  const { entries } = await api(`api/v1/log/entries?start=${start}&end=${size}`)
  const rows = []
  for (const entry of [...entries].reverse()) {
    const ok = toHex(await leafHash(entry.payload)) === entry.leafHash
    rows.push(
      h(
        'tr',
        { 'data-index': String(entry.index) },
        h('td', { class: 'num' }, String(entry.index)),
        h('td', {}, entry.kind),
        h('td', {}, ...describe(entry)),
        h(
          'td',
          {},
          h('code', { class: 'nowrap' }, entry.leafHash.slice(0, 16) + '…'),
          ok ? ' ' : h('strong', { class: 'error' }, ' does not match its payload'),
        ),
      ),
    )
  }
  replace(
    $('entries'),
    scrollable(
      h(
        'table',
        {},
        h('caption', {}, `The ${entries.length} most recent entries, newest first`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Index', 'Kind', 'What', 'Leaf hash'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  )
}

/** Tree sizes as the page's language writes them: 1,234. */
const count = new Intl.NumberFormat('en')

async function showCheckpoint() {
  try {
    const note = await apiText('api/v1/log/checkpoint')
    checkpoint = parseCheckpoint(note)
    if (!checkpoint) throw new Error('the checkpoint is not a signed note')
    // The live region gets a short sentence only; the root hash and the note are shown below it,
    // outside the region, so a screen reader does not read 64 hex digits out on page load.
    // "Loaded", not "verified": the page does not check the note's signatures (see tlog.js).
    replace(
      $('checkpoint-status'),
      `Checkpoint loaded: ${count.format(checkpoint.size)} ${checkpoint.size === 1 ? 'entry' : 'entries'}`,
    )
    replace(
      $('checkpoint'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Tree size'),
        h('dd', { id: 'checkpoint-size' }, `${checkpoint.size} entries`),
        h('dt', {}, 'Root hash'),
        h('dd', {}, h('code', { id: 'checkpoint-root' }, toHex(checkpoint.rootHash))),
        h('dt', {}, 'Log'),
        h('dd', {}, checkpoint.origin),
        h('dt', {}, 'Signed by'),
        h('dd', {}, checkpoint.signatures.map((s) => s.name).join(', ') || 'nobody'),
      ),
      h('h3', {}, 'Signed note'),
      h('pre', { id: 'checkpoint-note' }, note),
    )
    $('to-size').value = String(checkpoint.size)
    $('from-size').value = String(Math.max(1, Math.floor(checkpoint.size / 2)))
    $('to-size').max = String(checkpoint.size)
    $('from-size').max = String(checkpoint.size)
    await showEntries(checkpoint.size)
  } catch (err) {
    $('checkpoint-status').classList.add('error')
    replace($('checkpoint-status'), `The checkpoint could not be read: ${err.message}`)
  }
}

/** The root of the first `size` entries, recomputed from the entries' payloads. */
async function rootOf(size) {
  const { entries } = await api(`api/v1/log/entries?start=0&end=${size}`)
  if (entries.length !== size)
    throw new Error(`the log returned ${entries.length} of ${size} entries`)
  const leaves = []
  for (const e of entries) {
    const hash = await leafHash(e.payload)
    if (toHex(hash) !== e.leafHash) throw new Error(`entry ${e.index} does not match its leaf hash`)
    leaves.push(hash)
  }
  return treeHash(leaves)
}

function result(ok, text) {
  replace(
    $('consistency-result'),
    h(
      'p',
      { class: `badge ${ok ? 'outcome-pass' : 'outcome-fail'}`, id: 'consistency-verdict' },
      h('span', { 'aria-hidden': 'true' }, ok ? '✓ ' : '✗ '),
      ok ? 'Consistent' : 'Not consistent',
    ),
    h('p', {}, text),
  )
}

/** Whether a consistency check is under way (a second submit is ignored meanwhile). */
let busy = false

async function onConsistency(event) {
  event.preventDefault()
  if (busy) return
  const from = Number($('from-size').value)
  const to = Number($('to-size').value)
  if (!checkpoint) return
  if (
    !Number.isInteger(from) ||
    !Number.isInteger(to) ||
    from < 1 ||
    from > to ||
    to > checkpoint.size
  ) {
    replace(
      $('consistency-result'),
      h(
        'p',
        { class: 'error', role: 'alert' },
        `Choose whole sizes with 1 ≤ older ≤ newer ≤ ${checkpoint.size}.`,
      ),
    )
    return
  }
  if (to > MAX_RECOMPUTE && to !== checkpoint.size) {
    replace(
      $('consistency-result'),
      h(
        'p',
        { class: 'error', role: 'alert' },
        `Pick a newer size up to ${MAX_RECOMPUTE}, or the checkpoint size.`,
      ),
    )
    return
  }
  if (from > MAX_RECOMPUTE) {
    replace(
      $('consistency-result'),
      h('p', { class: 'error', role: 'alert' }, `Pick an older size up to ${MAX_RECOMPUTE}.`),
    )
    return
  }
  // aria-disabled, not `disabled`: disabling the focused button would drop the keyboard focus.
  busy = true
  $('consistency-button').setAttribute('aria-disabled', 'true')
  replace($('consistency-result'), h('p', {}, 'Checking…'))
  try {
    const firstRoot = await rootOf(from)
    const secondRoot = to === checkpoint.size ? checkpoint.rootHash : await rootOf(to)
    const proof =
      from === to ? { hashes: [] } : await api(`api/v1/log/proof/consistency?from=${from}&to=${to}`)
    const hashes = proof.hashes.map(fromHex)
    const ok =
      hashes.every((x) => x !== undefined) &&
      (from === to || (proof.from === from && proof.to === to)) &&
      (await verifyConsistency(from, to, firstRoot, secondRoot, hashes))
    result(
      ok,
      ok
        ? `The first ${from} entries are unchanged in the tree of ${to} entries${to === checkpoint.size ? ' the log signed' : ''}: the log only appended.`
        : `The proof from ${from} to ${to} entries does not check out: the log may have rewritten history.`,
    )
  } catch (err) {
    replace(
      $('consistency-result'),
      h('p', { class: 'error', role: 'alert' }, `The check failed: ${err.message}`),
    )
  } finally {
    busy = false
    $('consistency-button').removeAttribute('aria-disabled')
  }
}

$('consistency-form').addEventListener('submit', onConsistency)
void showCheckpoint()
