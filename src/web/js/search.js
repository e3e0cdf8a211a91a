// The search page: a plain GET form (/search?...); the results come from GET /api/v1/passports,
// and the URL keeps the filters, so a search can be bookmarked.
import {
  api,
  appUrl,
  categoryName,
  formatDate,
  frameworkName,
  h,
  replace,
  showBidiControls,
  statusBadge,
} from './ui.js'

const FIELDS = ['provider', 'system', 'jurisdiction', 'category', 'status']
const $ = (id) => document.getElementById(id)
let cursor = null

function query() {
  const params = new URLSearchParams()
  for (const f of FIELDS) {
    const value = $(f).value.trim()
    if (value !== '') params.set(f, value)
  }
  return params
}

function item(p) {
  const categories = Object.entries(p.categories ?? {}).map(
    ([j, cats]) => `${frameworkName(j)}: ${cats.map(categoryName).join(', ')}`,
  )
  return h(
    'li',
    { 'data-id': p.id },
    h(
      'a',
      { href: appUrl(`passports/${encodeURIComponent(p.id)}`) },
      `${p.systemName} ${p.systemVersion}`,
    ),
    h('p', {}, `${p.providerName}${p.providerCountry ? ` (${p.providerCountry})` : ''}`),
    h(
      'p',
      {},
      statusBadge(p.status),
      ` ${categories.join('; ') || 'No classification'} · published ${formatDate(p.publishedAt)}`,
    ),
  )
}

async function search(append) {
  const params = query()
  if (!append) {
    cursor = null
    history.replaceState(null, '', appUrl(params.size ? `search?${params}` : 'search'))
    replace($('results'))
  }
  params.set('limit', '20')
  if (append && cursor) params.set('cursor', cursor)
  $('results-count').textContent = 'Searching…'
  try {
    const page = await api(`api/v1/passports?${params}`)
    const added = page.items.map(item)
    $('results').append(...added)
    cursor = page.nextCursor
    // After "Show more", the keyboard focus goes to the first new result: the button it was on
    // is hidden when the last page has come, and focus would fall back to the top of the page.
    if (append && added.length > 0) added[0].querySelector('a').focus()
    $('more').hidden = !cursor
    const n = $('results').children.length
    $('results-count').textContent =
      n === 0
        ? 'No passports match. Try fewer filters.'
        : `${n}${cursor ? '+' : ''} passport${n === 1 ? '' : 's'} found.`
  } catch (err) {
    $('results-count').textContent = `The search failed: ${showBidiControls(err.message)}`
  }
}

const initial = new URLSearchParams(location.search)
for (const f of FIELDS) if (initial.has(f)) $(f).value = initial.get(f)
$('search-form').addEventListener('submit', (event) => {
  event.preventDefault()
  void search(false)
})
$('more-button').addEventListener('click', () => void search(true))
void search(false)
