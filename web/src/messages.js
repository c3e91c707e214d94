// The message browser: one page at a time (the server's cursor remembers where
// each partition stands, so a topic of any length browses with the memory of
// one page), from the beginning, an offset, a time or a time ago, optionally
// until a time, filtered by text or by an EventBridge pattern; "follow" reads
// the next pages as they arrive. Each message can be copied, republished, or
// sent to the bus page's pattern tester.
import { html } from 'htm/preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, formatTime, parseJsonObject } from './api.js'
import { handoff } from './shared.js'
import { SavedFilters } from './saved-filters.js'

const FOLLOW_ROWS = 500

export function Messages ({ topic: initialTopic }) {
  const [topics, setTopics] = useState([])
  const [form, setForm] = useState({ topic: initialTopic ?? '', partition: 'all', from: 'beginning', value: '', until: '', limit: '50', text: '', pattern: '' })
  const [page, setPage] = useState(null)
  const [error, setError] = useState(null)
  const [follow, setFollow] = useState(false)
  const query = useRef(null)
  useEffect(() => { api('GET', '/api/console/topics').then(setTopics, err => setError(err.message)) }, [])
  useEffect(() => { if (initialTopic) setForm(f => ({ ...f, topic: initialTopic })) }, [initialTopic])
  const set = key => e => setForm(f => ({ ...f, [key]: e.target.value }))

  const build = (f = form) => {
    if (f.topic === '') return [null, 'pick a topic']
    const q = new URLSearchParams({ limit: f.limit, partition: f.partition, from: f.from })
    if (!/^\d+$/.test(f.limit) || Number(f.limit) < 1 || Number(f.limit) > 500) return [null, 'page size must be 1 to 500']
    if (f.partition !== 'all' && !/^\d+$/.test(f.partition)) return [null, 'partition must be "all" or a number']
    if (f.from === 'offset') {
      if (!/^\d+$/.test(f.value.trim())) return [null, `offset must be a whole number, not "${f.value}"`]
      q.set('offset', f.value.trim())
    } else if (f.from === 'timestamp') {
      const ms = parseTimeInput(f.value)
      if (ms === null) return [null, `"${f.value}" is not a time: use 2026-12-03T10:00:00Z, a local date-time or epoch milliseconds`]
      q.set('timestamp', String(ms))
    } else if (f.from === 'ago') {
      if (!/^\d+[smhd]$/.test(f.value.trim())) return [null, `"${f.value}" is not a duration: use 30s, 15m, 2h or 1d`]
      q.set('ago', f.value.trim())
    }
    if (f.until.trim() !== '') {
      const ms = parseTimeInput(f.until)
      if (ms === null) return [null, `until: "${f.until}" is not a time`]
      q.set('until', String(ms))
    }
    if (f.text !== '') q.set('text', f.text)
    if (f.pattern.trim() !== '') {
      const [, problem] = parseJsonObject(f.pattern, 'the pattern')
      if (problem) return [null, problem]
      q.set('pattern', f.pattern)
    }
    return [q, null]
  }

  const load = async (cursor, append, topic = form.topic) => {
    const q = new URLSearchParams(query.current)
    if (cursor) q.set('cursor', cursor)
    try {
      const next = await api('GET', `/api/console/topics/${encodeURIComponent(topic)}/messages?${q}`)
      setError(null)
      setPage(p => append && p ? { ...next, records: [...p.records, ...next.records].slice(-FOLLOW_ROWS) } : next)
      return next
    } catch (err) {
      setError(err.message)
      setFollow(false)
      return null
    }
  }

  const browse = f => {
    const [q, problem] = build(f)
    if (problem) { setError(problem); return }
    query.current = q.toString()
    setFollow(false)
    load(null, false, f.topic)
  }
  const submit = e => { e.preventDefault(); browse(form) }
  const pickSaved = f => { setForm(f); browse(f) }

  useEffect(() => {
    if (!follow || page === null) return
    const state = { stopped: false }
    const tick = async () => {
      // read pages until caught up, then look again in a second: a burst is read in full, none skipped
      let next = page
      do { next = await load(next.cursor, true) } while (!state.stopped && next !== null && next.records.length > 0 && !next.atEnd)
      if (!state.stopped) timer = setTimeout(tick, 1000)
    }
    let timer = setTimeout(tick, 0)
    return () => { state.stopped = true; clearTimeout(timer) }
  }, [follow])

  return html`
    <section>
      <h2>Messages</h2>
      <${SavedFilters} form=${form} check=${f => build(f)[1]} onPick=${pickSaved} />
      <form id="browse" class="grid" onSubmit=${submit}>
        <label>Topic <select name="topic" value=${form.topic} onChange=${set('topic')}>
          <option value="">(pick one)</option>
          ${topics.map(t => html`<option value=${t.name}>${t.name}</option>`)}
        </select></label>
        <label>Partition <input name="partition" size="5" value=${form.partition} onInput=${set('partition')} /></label>
        <label>From <select name="from" value=${form.from} onChange=${set('from')}>
          <option value="beginning">beginning</option><option value="end">end (new only)</option><option value="offset">offset</option>
          <option value="timestamp">time</option><option value="ago">time ago</option>
        </select></label>
        ${form.from !== 'beginning' && form.from !== 'end' && html`<label>${form.from === 'offset' ? 'Offset' : form.from === 'ago' ? 'Ago (15m)' : 'Time'} <input name="value" value=${form.value} onInput=${set('value')} /></label>`}
        <label>Until <input name="until" placeholder="optional time" value=${form.until} onInput=${set('until')} /></label>
        <label>Page size <input name="limit" size="4" value=${form.limit} onInput=${set('limit')} /></label>
        <label>Text <input name="text" value=${form.text} onInput=${set('text')} /></label>
        <label class="wide">EventBridge pattern <input name="pattern" placeholder='{"source":["shop"]}' value=${form.pattern} onInput=${set('pattern')} /></label>
        <button type="submit">Browse</button>
      </form>
      ${error && html`<p class="error" id="browse-error">${error}</p>`}
      ${page && html`
        <div class="row">
          <span class="muted" id="page-info">${page.records.length} messages shown, ${page.scanned} read${page.atEnd ? ', at the end for now' : ''}</span>
          <button disabled=${follow} onClick=${() => load(page.cursor, false)}>Next page</button>
          <label><input type="checkbox" name="follow" checked=${follow} onChange=${e => setFollow(e.target.checked)} /> follow live</label>
        </div>
        <table id="messages-table">
          <thead><tr><th>Partition</th><th>Offset</th><th>Time</th><th>Key</th><th>Value</th><th></th></tr></thead>
          <tbody>${page.records.map(r => html`<${MessageRow} key=${`${r.partition}-${r.offset}`} topic=${form.topic} record=${r} />`)}</tbody>
        </table>`}
    </section>`
}

function parseTimeInput (text) {
  const t = text.trim()
  if (/^\d+$/.test(t)) return Number(t)
  const ms = Date.parse(t)
  return Number.isFinite(ms) ? ms : null
}

function shown (v) {
  if (v.encoding === 'null') return 'null'
  let text = v.text
  if (v.encoding === 'json') { try { text = JSON.stringify(JSON.parse(v.text), null, 2) } catch {} }
  return text + (v.truncated ? `\n… (${v.size} bytes, first ${v.encoding === 'hex' ? 'bytes as hex' : 'characters'} shown)` : '')
}

function MessageRow ({ topic, record }) {
  const [open, setOpen] = useState(false)
  const [toTopic, setToTopic] = useState(topic)
  const [note, setNote] = useState(null)
  const value = shown(record.value)
  const republish = async e => {
    e.preventDefault()
    try {
      const r = await api('POST', `/api/console/topics/${encodeURIComponent(topic)}/republish`, { partition: record.partition, offset: record.offset, toTopic })
      setNote(`republished to ${r.to.topic}/${r.to.partition} at offset ${r.to.offset}`)
    } catch (err) { setNote(`error: ${err.message}`) }
  }
  const testPattern = () => { handoff.event = record.value.text; window.location.hash = '#/bus' }
  return html`
    <tr class="message" onClick=${() => setOpen(!open)}>
      <td>${record.partition}</td><td>${record.offset}</td><td>${formatTime(record.timestamp)}</td>
      <td class="key">${record.key.encoding === 'null' ? html`<i>null</i>` : record.key.text.slice(0, 40)}</td>
      <td class="value">${record.value.encoding === 'hex' ? html`<i>hex</i> ` : ''}${record.value.text.slice(0, 120)}</td>
      <td>${record.value.encoding}</td>
    </tr>
    ${open && html`<tr><td colspan="6" class="details">
      <pre class="value-full">${value}</pre>
      ${record.headers.length > 0 && html`<p>Headers: ${record.headers.map(h => `${h.key}=${h.value.text}`).join(', ')}</p>`}
      <div class="row">
        <button onClick=${() => navigator.clipboard?.writeText(JSON.stringify({ partition: record.partition, offset: record.offset, timestamp: record.timestamp, key: record.key.text, value: record.value.text, headers: record.headers.map(h => [h.key, h.value.text]) })).then(() => setNote('copied'), () => setNote('the browser refused the clipboard'))}>Copy</button>
        <form class="row" onSubmit=${republish}><input name="toTopic" value=${toTopic} onInput=${e => setToTopic(e.target.value)} /><button>Republish</button></form>
        ${record.value.encoding === 'json' && html`<button onClick=${testPattern}>Test a pattern on this event</button>`}
        ${note && html`<span class=${note.startsWith('error') ? 'error' : 'ok'}>${note}</span>`}
      </div>
    </td></tr>`}`
}
