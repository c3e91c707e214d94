// Topics: the list with size, retention and throughput; create, alter
// configs, add partitions, delete (confirmed), and per-partition offsets and
// segments (GET /api/topics/:name).
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { api, formatBytes, formatRate } from './api.js'

export function Topics () {
  const [topics, setTopics] = useState(null)
  const [error, setError] = useState(null)
  const [open, setOpen] = useState(null)
  const reload = () => api('GET', '/api/console/topics').then(t => { setTopics(t); setError(null) }, err => setError(err.message))
  useEffect(() => { reload(); const timer = setInterval(reload, 2000); return () => clearInterval(timer) }, [])
  return html`
    <section>
      <h2>Topics</h2>
      <${CreateTopic} onCreated=${reload} />
      ${error && html`<p class="error">${error}</p>`}
      ${topics === null
        ? html`<p class="muted">Loading…</p>`
        : html`
        <table id="topics-table">
          <thead><tr><th>Name</th><th>Partitions</th><th>Messages</th><th>Size</th><th>Retention</th><th>In/s</th><th>Out/s</th><th></th></tr></thead>
          <tbody>
            ${topics.map(t => html`
              <tr key=${t.name} data-topic=${t.name}>
                <td><a href="#/messages/${encodeURIComponent(t.name)}">${t.name}</a></td>
                <td>${t.partitions}</td><td>${t.messages}</td><td>${formatBytes(t.sizeBytes)}</td>
                <td>${t.retentionMs === null || t.retentionMs < 0 ? 'forever' : `${Math.round(t.retentionMs / 3600000 * 10) / 10} h`}</td>
                <td>${formatRate(t.recordsInPerSec)}</td><td>${formatRate(t.recordsOutPerSec)}</td>
                <td><button onClick=${() => setOpen(open === t.name ? null : t.name)}>${open === t.name ? 'Close' : 'Details'}</button></td>
              </tr>
              ${open === t.name && html`<tr><td colspan="8"><${TopicDetails} name=${t.name} partitions=${t.partitions} onChanged=${reload} /></td></tr>`}`)}
          </tbody>
        </table>`}
    </section>`
}

function CreateTopic ({ onCreated }) {
  const [name, setName] = useState('')
  const [partitions, setPartitions] = useState('1')
  const [retention, setRetention] = useState('')
  const [error, setError] = useState(null)
  const [done, setDone] = useState(null)
  const submit = async e => {
    e.preventDefault()
    setDone(null)
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) return setError('name: letters, digits, ".", "_" and "-" only, 1 to 249 characters')
    if (!/^[1-9]\d*$/.test(partitions)) return setError('partitions must be a whole number of at least 1')
    if (retention !== '' && !/^-?\d+$/.test(retention)) return setError('retention must be a number of hours (or -1 for forever)')
    const configs = retention === '' ? {} : { 'retention.ms': String(Number(retention) < 0 ? -1 : Number(retention) * 3600000) }
    try {
      await api('POST', '/api/console/topics', { name, partitions: Number(partitions), configs })
      setError(null); setDone(`created ${name}`); setName(''); onCreated()
    } catch (err) { setError(err.message) }
  }
  return html`
    <form class="row" id="create-topic" onSubmit=${submit}>
      <input name="name" placeholder="new topic name" value=${name} onInput=${e => setName(e.target.value)} />
      <label>partitions <input name="partitions" size="4" value=${partitions} onInput=${e => setPartitions(e.target.value)} /></label>
      <label>retention (h) <input name="retention" size="6" placeholder="default" value=${retention} onInput=${e => setRetention(e.target.value)} /></label>
      <button type="submit">Create topic</button>
      ${error && html`<span class="error">${error}</span>`}
      ${done && html`<span class="ok">${done}</span>`}
    </form>`
}

function TopicDetails ({ name, partitions, onChanged }) {
  const [facts, setFacts] = useState(null)
  const [configs, setConfigs] = useState([])
  const [error, setError] = useState(null)
  const [config, setConfig] = useState('')
  const [total, setTotal] = useState(String(partitions + 1))
  const load = () => Promise.all([
    api('GET', `/api/topics/${encodeURIComponent(name)}`).then(setFacts),
    api('GET', `/api/console/topics/${encodeURIComponent(name)}/configs`).then(c => setConfigs(c.filter(x => x.source === 1)))
  ]).catch(err => setError(err.message))
  useEffect(() => { load() }, [name, partitions])
  const act = async fn => { try { await fn(); setError(null); onChanged(); load() } catch (err) { setError(err.message) } }
  const alter = e => {
    e.preventDefault()
    const m = /^([a-z0-9.]+)=(.*)$/.exec(config.trim())
    if (m === null) return setError('write a config as name=value, e.g. retention.ms=86400000')
    act(() => api('PATCH', `/api/console/topics/${encodeURIComponent(name)}/configs`, { set: { [m[1]]: m[2] } }))
  }
  const grow = e => {
    e.preventDefault()
    if (!/^\d+$/.test(total) || Number(total) <= partitions) return setError(`the new total must be more than ${partitions}`)
    act(() => api('POST', `/api/console/topics/${encodeURIComponent(name)}/partitions`, { total: Number(total) }))
  }
  const remove = () => {
    if (!window.confirm(`Delete topic ${name} and all its messages?`)) return
    act(() => api('DELETE', `/api/console/topics/${encodeURIComponent(name)}`))
  }
  return html`
    <div class="details">
      ${error && html`<p class="error">${error}</p>`}
      ${facts && html`<table class="small"><thead><tr><th>Partition</th><th>Start offset</th><th>End offset</th><th>Size</th><th>Segments</th></tr></thead>
        <tbody>${facts.partitions.map(p => html`<tr><td>${p.partition}</td><td>${p.logStartOffset}</td><td>${p.highWatermark}</td><td>${formatBytes(p.sizeBytes)}</td><td>${p.segments}</td></tr>`)}</tbody></table>`}
      <p>Configs set on the topic: ${configs.length === 0 ? 'none (broker defaults)' : configs.map(c => `${c.name}=${c.value}`).join(', ')}</p>
      <form class="row" onSubmit=${alter}><input placeholder="retention.ms=86400000" value=${config} onInput=${e => setConfig(e.target.value)} /><button>Set config</button></form>
      <form class="row" onSubmit=${grow}><label>partitions <input size="4" value=${total} onInput=${e => setTotal(e.target.value)} /></label><button>Add partitions</button></form>
      <button class="danger" onClick=${remove}>Delete topic</button>
    </div>`
}
