// Saved filters for the message browser: a browse form (topic, partition,
// start, until, page size, text, pattern) kept under a name in the browser's
// localStorage, to pick again later (another day, another tab). Only a filter
// the browser would send is saved: the form is checked first.
import { html } from 'htm/preact'
import { useState } from 'preact/hooks'

const STORE = 'tributary.savedFilters'

/** { name: form } from localStorage; a damaged entry reads as none rather than breaking the page. */
export function loadSavedFilters () {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE) ?? '{}')
    return saved !== null && typeof saved === 'object' && !Array.isArray(saved) ? saved : {}
  } catch {
    return {}
  }
}

function store (filters) {
  localStorage.setItem(STORE, JSON.stringify(filters))
}

/**
 * `form`: the browse form as it stands; `check(form)`: its problem or null;
 * `onPick(form)`: fill the browser with a saved one and browse.
 */
export function SavedFilters ({ form, check, onPick }) {
  const [filters, setFilters] = useState(loadSavedFilters)
  const [picked, setPicked] = useState('')
  const [name, setName] = useState('')
  const [note, setNote] = useState(null)
  const change = (next, message) => {
    try {
      store(next)
      setFilters(next)
      setNote(message)
    } catch (err) {
      // storage full or turned off: say so, keep what was saved before
      setNote(`error: the browser did not keep it (${err.message})`)
    }
  }
  const save = e => {
    e.preventDefault()
    const n = name.trim()
    if (n === '') return setNote('error: give the filter a name')
    if (n.length > 80) return setNote('error: a filter name is at most 80 characters')
    const problem = check(form)
    if (problem) return setNote(`error: not saved: ${problem}`)
    const existed = Object.hasOwn(filters, n)
    change({ ...filters, [n]: { ...form } }, `filter "${n}" ${existed ? 'updated' : 'saved'}`)
    setPicked(n)
    setName('')
  }
  const pick = e => {
    const n = e.target.value
    setPicked(n)
    setNote(null)
    if (n !== '' && filters[n]) onPick({ ...filters[n] })
  }
  const remove = () => {
    if (picked === '' || !Object.hasOwn(filters, picked)) return setNote('error: pick a saved filter to delete')
    const { [picked]: _gone, ...rest } = filters
    change(rest, `filter "${picked}" deleted`)
    setPicked('')
  }
  const names = Object.keys(filters).sort()
  return html`
    <form id="saved-filters" class="row" onSubmit=${save}>
      <label>Saved filters <select name="saved" value=${picked} onChange=${pick}>
        <option value="">${names.length === 0 ? '(none yet)' : '(pick one)'}</option>
        ${names.map(n => html`<option value=${n}>${n}</option>`)}
      </select></label>
      <button type="button" class="danger" name="delete" disabled=${picked === ''} onClick=${remove}>Delete</button>
      <label>Save this filter as <input name="filterName" size="18" value=${name} onInput=${e => setName(e.target.value)} /></label>
      <button type="submit" name="save">Save</button>
      ${note && html`<span id="saved-filters-note" class=${note.startsWith('error') ? 'error' : 'ok'}>${note}</span>`}
    </form>`
}
